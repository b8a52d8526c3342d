//! Parts of the large pages, kept between builds.
//!
//! The front page and the sources page list every claim, article and source of the site.
//! Each list item is rendered on its own, with a template of its own (`parts/*.html`),
//! and the page is given the items' HTML. An item is kept under a fingerprint of its
//! context, its template and the templates (see `render.rs`), so that an edit of one
//! claim renders one item again, not 20,000; a build into an output keeps them beside it
//! in `.output.parts`, named for the program that wrote them, like the build record. A
//! missing, foreign or garbled file only means rendering every item again.
//!
//! The file is a log: a build appends the items it rendered, and rewrites the file only
//! when items no longer used outweigh those in use. Items read from it are slices of one
//! buffer, not copies: at 20,000 claims and 10,000 articles the file is 50 MB, and
//! copying it out item by item, then writing it again whole, was a fifth of a rebuild.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

const MAGIC: &str = "briefing-parts 1";

/// An item's HTML, shared between the kept items, this build's items and the page that
/// shows it: at 20,000 claims the items are 27 MB, and each copy would count. Either a
/// slice of the kept file, read once, or a string of its own.
#[derive(Clone)]
pub struct Html {
    // A `String`, not a `str`: an `Arc<str>` of the 80 MB file would be a copy of it.
    buf: Arc<String>,
    range: Range<usize>,
}

impl std::ops::Deref for Html {
    type Target = str;
    fn deref(&self) -> &str {
        &self.buf[self.range.clone()]
    }
}

impl From<String> for Html {
    fn from(mut s: String) -> Self {
        // A rendered item's String grew by doubling: kept as it is, 60,000 of them held
        // up to twice their size (150 MB more for a fresh build at 10,000 articles).
        s.shrink_to_fit();
        let range = 0..s.len();
        Html { buf: Arc::new(s), range }
    }
}

impl From<&str> for Html {
    fn from(s: &str) -> Self {
        Html { buf: Arc::new(s.to_string()), range: 0..s.len() }
    }
}

impl PartialEq for Html {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for Html {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl serde::Serialize for Html {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

/// Rendered items by fingerprint: those of the last build (read on first use) and those
/// this build used.
#[derive(Default)]
pub struct Store {
    /// The output the items are kept beside, if any.
    output: Option<PathBuf>,
    /// What the last build kept; `None` until first needed.
    old: RwLock<Option<HashMap<u64, Html>>>,
    /// The size of the kept file, when it was read whole and valid (items can then be
    /// appended to it).
    file: Mutex<Option<usize>>,
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
            let text = self.output.as_ref().and_then(|output| fs::read_to_string(path(output)).ok());
            let items = text.map(|text| {
                let size = text.len();
                let items = parse(Arc::new(text), &crate::record::program());
                if let Ok(mut file) = self.file.lock() {
                    // An empty result may be a foreign or garbled file: never append to it.
                    *file = (!items.is_empty()).then_some(size);
                }
                items
            });
            *old = Some(items.unwrap_or_default());
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

    /// Keeps, beside the output, the items this build rendered, and starts the next build
    /// from the items this one used (`serve` holds one store throughout).
    pub fn save(&self) -> io::Result<()> {
        let poisoned = || io::Error::other("a render thread panicked");
        let used = std::mem::take(&mut *self.used.lock().map_err(|_| poisoned())?);
        let grew = self.grew.swap(false, Ordering::Relaxed);
        let file = self.file.lock().map_err(|_| poisoned())?.take();
        let mut old = self.old.write().map_err(|_| poisoned())?;
        // Not read: no large page was rendered, and what is kept still stands.
        let Some(before) = old.as_ref() else { return Ok(()) };
        let result = match &self.output {
            Some(output) => {
                let new: HashMap<u64, Html> =
                    used.iter().filter(|(fp, _)| !before.contains_key(fp)).map(|(k, v)| (*k, v.clone())).collect();
                let in_use: usize = used.values().map(|h| h.len() + 24).sum();
                let added: usize = new.values().map(|h| h.len() + 24).sum();
                match file {
                    // Nothing new, and what is no longer used does not outweigh the rest.
                    Some(size) if !grew && size <= 2 * in_use + (1 << 20) => Ok(()),
                    Some(size) if size + added <= 2 * in_use + (1 << 20) => append(&path(output), &new),
                    _ => {
                        let tmp = crate::write::sibling(output, "parts.tmp");
                        write_to(&tmp, &used, &crate::record::program()).and_then(|()| fs::rename(&tmp, path(output)))
                    }
                }
            }
            None => Ok(()),
        };
        *old = Some(used);
        result
    }
}

/// Parses kept items written by `program`, as slices of `text`; anything unexpected
/// means none.
pub fn parse(text: Arc<String>, program: &str) -> HashMap<u64, Html> {
    let mut items = HashMap::new();
    let Some(mut rest) = text.strip_prefix(&format!("{MAGIC} {program}\n")) else { return items };
    while !rest.is_empty() {
        // `<fingerprint> <length>\n<html>\n`
        let Some((head, after)) = rest.split_once('\n') else { return HashMap::new() };
        let Some((fp, len)) = head.split_once(' ') else { return HashMap::new() };
        let (Ok(fp), Ok(len)) = (u64::from_str_radix(fp, 16), len.parse::<usize>()) else { return HashMap::new() };
        let Some(html) = after.get(..len) else { return HashMap::new() };
        let Some(next) = after[len..].strip_prefix('\n') else { return HashMap::new() };
        let start = html.as_ptr() as usize - text.as_ptr() as usize;
        items.insert(fp, Html { buf: Arc::clone(&text), range: start..start + len });
        rest = next;
    }
    items
}

/// Adds items at the end of the kept file.
fn append(path: &Path, items: &HashMap<u64, Html>) -> io::Result<()> {
    let mut out = io::BufWriter::new(fs::OpenOptions::new().append(true).open(path)?);
    write_items(items, &mut out)?;
    io::Write::flush(&mut out)
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
    writeln!(out, "{MAGIC} {program}")?;
    write_items(items, out)
}

/// Each item as `<fingerprint> <length>`, the item and a line break, in order of
/// fingerprint.
fn write_items(items: &HashMap<u64, Html>, out: &mut dyn io::Write) -> io::Result<()> {
    let mut list: Vec<(&u64, &Html)> = items.iter().collect();
    list.sort_unstable_by_key(|(fp, _)| **fp);
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

    fn parsed(text: &str, program: &str) -> HashMap<u64, Html> {
        parse(Arc::new(text.to_string()), program)
    }

    fn kept(out: &Path) -> HashMap<u64, Html> {
        parsed(&fs::read_to_string(path(out)).unwrap(), &crate::record::program())
    }

    #[test]
    fn kept_parts_read_back_only_by_the_program_that_wrote_them() {
        let items: HashMap<u64, Html> =
            [(1, Html::from("<li>a</li>")), (u64::MAX, Html::from("line\nbreaks\n\nand é")), (7, Html::from(""))]
                .into_iter()
                .collect();
        let text = text_of(&items, "p 1 2");
        assert_eq!(parsed(&text, "p 1 2"), items);
        assert!(parsed(&text, "p 1 3").is_empty(), "another build of briefing");
        assert!(parsed(&text[..text.len() - 1], "p 1 2").is_empty(), "cut short");
        assert!(parsed(&text.replace("<li>a", "<li>ab"), "p 1 2").is_empty(), "a length that lies");
    }

    #[test]
    fn a_store_appends_what_a_build_rendered_and_compacts_when_unused_items_outweigh() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let store = Store::beside(&out);
        let made = |s: &str| Ok::<_, ()>(s.to_string());
        assert_eq!(store.get_or(1, || made("one")), Ok(Html::from("one")));
        assert_eq!(store.get_or(2, || made("two")), Ok(Html::from("two")));
        store.save().unwrap();
        assert_eq!(kept(&out).len(), 2);

        // A new item is appended; an unused one stays while it weighs little.
        let next = Store::beside(&out);
        assert_eq!(next.get_or(1, || made("not rendered again")), Ok(Html::from("one")));
        assert_eq!(next.get_or(3, || made("three")), Ok(Html::from("three")));
        let size = fs::metadata(path(&out)).unwrap().len();
        next.save().unwrap();
        let text = fs::read_to_string(path(&out)).unwrap();
        assert_eq!(text.len() as u64, size + "0000000000000003 5\nthree\n".len() as u64, "{text}");
        assert_eq!(kept(&out), [(1, "one"), (2, "two"), (3, "three")].map(|(k, v)| (k, Html::from(v))).into());

        // Nothing new: the file is left alone.
        let same = Store::beside(&out);
        same.get_or(1, || made("x")).unwrap();
        same.get_or(3, || made("x")).unwrap();
        let before = fs::metadata(path(&out)).unwrap().modified().unwrap();
        same.save().unwrap();
        assert_eq!(fs::metadata(path(&out)).unwrap().modified().unwrap(), before);

        // Unused items that outweigh the used ones: the file is written anew, with only
        // what this build used.
        let big = "x".repeat(3 << 20);
        let heavy = Store::beside(&out);
        heavy.get_or(9, || Ok::<_, ()>(big.clone())).unwrap();
        heavy.save().unwrap();
        let light = Store::beside(&out);
        light.get_or(1, || made("x")).unwrap();
        light.get_or(4, || made("four")).unwrap();
        light.save().unwrap();
        assert_eq!(kept(&out), [(1, "one"), (4, "four")].map(|(k, v)| (k, Html::from(v))).into());
    }

    #[test]
    fn a_garbled_or_foreign_file_is_replaced_not_appended_to() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        fs::write(path(&out), "briefing-parts 1 another program\n0000000000000001 3\nold\n").unwrap();
        let store = Store::beside(&out);
        store.get_or(2, || Ok::<_, ()>("new".to_string())).unwrap();
        store.save().unwrap();
        assert_eq!(kept(&out), [(2, Html::from("new"))].into());
    }
}
