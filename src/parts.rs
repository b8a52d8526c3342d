//! Parts of the large pages, kept between builds.
//!
//! The front page and the sources page list every claim, article and source of the site.
//! Each list item is rendered on its own, with a template of its own (`parts/*.html`),
//! and the page is given the items' HTML. An item is kept under a fingerprint of its
//! context, its template and the templates (see `render.rs`), so that an edit of one
//! claim renders one item again, not 20,000; a build into an output keeps them beside it
//! in `.output.parts`, named for the program that wrote them, like the build record. A
//! missing, foreign or garbled file only means rendering every item again.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

const MAGIC: &str = "briefing-parts 1";

/// An item's HTML, shared between the kept items, this build's items and the page that
/// shows it: at 20,000 claims the items are 27 MB, and each copy would count.
pub type Html = Arc<str>;

/// Rendered items by fingerprint: those of the last build (read on first use) and those
/// this build used.
#[derive(Default)]
pub struct Store {
    /// The output the items are kept beside, if any.
    output: Option<PathBuf>,
    /// What the last build kept; `None` until first needed.
    old: RwLock<Option<HashMap<u64, Html>>>,
    used: Mutex<HashMap<u64, Html>>,
    /// Whether this build rendered an item the store did not have.
    grew: AtomicBool,
}

/// Where the parts kept for `output` live: a hidden sibling, like the twin.
pub fn path(output: &Path) -> PathBuf {
    crate::write::sibling(output, "parts")
}

impl Store {
    /// A store kept in memory only (for `serve`, which holds it between rebuilds).
    pub fn new() -> Self {
        Self::default()
    }

    /// A store for a build into `output`: what the last build kept is read when first
    /// needed (a rebuild that renders neither large page never reads it).
    pub fn beside(output: &Path) -> Self {
        Store { output: Some(output.to_path_buf()), ..Self::default() }
    }

    fn kept(&self, fingerprint: u64) -> Option<Html> {
        if self.old.read().ok()?.is_none()
            && let Ok(mut old) = self.old.write()
            && old.is_none()
        {
            *old = Some(match &self.output {
                Some(output) => fs::read_to_string(path(output))
                    .map(|text| parse(&text, &crate::record::program()))
                    .unwrap_or_default(),
                None => HashMap::new(),
            });
        }
        self.old.read().ok()?.as_ref()?.get(&fingerprint).cloned()
    }

    /// The item kept under `fingerprint`, else `make`'s, kept from now on.
    pub fn get_or<E>(&self, fingerprint: u64, make: impl FnOnce() -> Result<String, E>) -> Result<Html, E> {
        if let Some(html) = self.used.lock().ok().and_then(|u| u.get(&fingerprint).cloned()) {
            return Ok(html);
        }
        let html = match self.kept(fingerprint) {
            Some(html) => html,
            None => {
                self.grew.store(true, Ordering::Relaxed);
                Html::from(make()?)
            }
        };
        if let Ok(mut used) = self.used.lock() {
            used.insert(fingerprint, html.clone());
        }
        Ok(html)
    }

    /// Keeps, beside the output, the items this build used, unless they are the ones kept
    /// before; then starts the next build from them (`serve` holds one store throughout).
    pub fn save(&self) -> io::Result<()> {
        let poisoned = || io::Error::other("a render thread panicked");
        let used = std::mem::take(&mut *self.used.lock().map_err(|_| poisoned())?);
        let grew = self.grew.swap(false, Ordering::Relaxed);
        let mut old = self.old.write().map_err(|_| poisoned())?;
        // Not read: no large page was rendered, and what is kept still stands.
        let Some(before) = old.as_ref() else { return Ok(()) };
        let same = !grew && before.len() == used.len();
        let result = match &self.output {
            Some(output) if !same => {
                let tmp = crate::write::sibling(output, "parts.tmp");
                write_to(&tmp, &used, &crate::record::program()).and_then(|()| fs::rename(&tmp, path(output)))
            }
            _ => Ok(()),
        };
        *old = Some(used);
        result
    }
}

/// Parses kept items written by `program`; anything unexpected means none.
pub fn parse(text: &str, program: &str) -> HashMap<u64, Html> {
    let mut items = HashMap::new();
    let Some(mut rest) = text.strip_prefix(&format!("{MAGIC} {program}\n")) else { return items };
    while !rest.is_empty() {
        // `<fingerprint> <length>\n<html>\n`
        let Some((head, after)) = rest.split_once('\n') else { return HashMap::new() };
        let Some((fp, len)) = head.split_once(' ') else { return HashMap::new() };
        let (Ok(fp), Ok(len)) = (u64::from_str_radix(fp, 16), len.parse::<usize>()) else { return HashMap::new() };
        let Some(html) = after.get(..len) else { return HashMap::new() };
        let Some(next) = after[len..].strip_prefix('\n') else { return HashMap::new() };
        items.insert(fp, Html::from(html));
        rest = next;
    }
    items
}

/// Writes kept items to `path`, sorted by fingerprint so that the same site gives the
/// same file.
fn write_to(path: &Path, items: &HashMap<u64, Html>, program: &str) -> io::Result<()> {
    let mut out = io::BufWriter::new(fs::File::create(path)?);
    format(items, program, &mut out)?;
    io::Write::flush(&mut out)
}

/// The text of kept items: a header naming the program, then `<fingerprint> <length>`,
/// the item and a line break, for each item in order of fingerprint.
pub fn format(items: &HashMap<u64, Html>, program: &str, out: &mut dyn io::Write) -> io::Result<()> {
    let mut list: Vec<(&u64, &Html)> = items.iter().collect();
    list.sort_unstable_by_key(|(fp, _)| **fp);
    writeln!(out, "{MAGIC} {program}")?;
    for (fp, html) in list {
        writeln!(out, "{fp:016x} {}", html.len())?;
        out.write_all(html.as_bytes())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(items: &HashMap<u64, Html>, program: &str) -> String {
        let mut out = Vec::new();
        format(items, program, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn kept_parts_read_back_only_by_the_program_that_wrote_them() {
        let items: HashMap<u64, Html> =
            [(1, Html::from("<li>a</li>")), (u64::MAX, Html::from("line\nbreaks\n\nand é")), (7, Html::from(""))]
                .into_iter()
                .collect();
        let text = text_of(&items, "p 1 2");
        assert_eq!(parse(&text, "p 1 2"), items);
        assert!(parse(&text, "p 1 3").is_empty(), "another build of briefing");
        assert!(parse(&text[..text.len() - 1], "p 1 2").is_empty(), "cut short");
        assert!(parse(&text.replace("<li>a", "<li>ab"), "p 1 2").is_empty(), "a length that lies");
    }

    #[test]
    fn a_store_keeps_what_a_build_used_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let store = Store::beside(&out);
        let made = |s: &str| Ok::<_, ()>(s.to_string());
        assert_eq!(store.get_or(1, || made("one")), Ok(Html::from("one")));
        assert_eq!(store.get_or(2, || made("two")), Ok(Html::from("two")));
        store.save().unwrap();

        let next = Store::beside(&out);
        assert_eq!(next.get_or(1, || made("not rendered again")), Ok(Html::from("one")));
        assert_eq!(next.get_or(3, || made("three")), Ok(Html::from("three")));
        next.save().unwrap();
        let kept = parse(&fs::read_to_string(path(&out)).unwrap(), &crate::record::program());
        assert_eq!(kept, [(1, Html::from("one")), (3, Html::from("three"))].into_iter().collect());

        // Nothing new and nothing dropped: the file is left alone.
        fs::write(path(&out), text_of(&kept, &crate::record::program())).unwrap();
        let same = Store::beside(&out);
        same.get_or(1, || made("x")).unwrap();
        same.get_or(3, || made("x")).unwrap();
        let before = fs::metadata(path(&out)).unwrap().modified().unwrap();
        same.save().unwrap();
        assert_eq!(fs::metadata(path(&out)).unwrap().modified().unwrap(), before);
    }
}
