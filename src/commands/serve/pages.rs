//! The site `serve` holds in memory: each file with the fingerprint of what it was made
//! from, and the sink a rebuild hands its pages to.
//!
//! A rebuild asks the sink, for each page, whether it already has the page made from the
//! same inputs ([`Sink::reuse`]); if so the page is shared with the last version, not
//! rendered nor copied. At 10,000 articles and 20,000 claims the site is 571 MB: copying
//! it on every rebuild, as `serve` once did, took longer than the edit's own work.

use foldhash::HashMapExt;
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::model::diag::Diagnostic;
use crate::model::page::{Html, Keys, Page, Runs, Seg};
use crate::stages::render::Sink;

/// One file of the site being served.
#[derive(Clone, Debug)]
pub struct File {
    /// The fingerprint of what the page was made from (`None` for copied files).
    pub fingerprint: Option<u64>,
    /// Its bytes, shared between versions while they do not change.
    pub bytes: Arc<Body>,
    /// Its place among its version's files (see [`Next`]).
    pub slot: usize,
}

/// A file's bytes: whole, or in parts, some of them shared.
///
/// The large files (`claims.json`, 78 MB at 20,000 claims; the front page, 19 MB; the
/// sources page) are made of items that a rebuild keeps in memory anyway, so that an edit
/// makes only the items it changed (see `stages/render/parts.rs`). Joined into one buffer,
/// each of these files held a second copy of its items: 100 MB at 20,000 claims, a
/// tenth of what `serve` held. Their parts share the items instead.
#[derive(Debug)]
pub enum Body {
    /// One buffer.
    Whole(Vec<u8>),
    /// Parts to send one after another. The file's own bytes between its items are one
    /// buffer, `own`, which the parts name by range: kept as a buffer each, they were
    /// 80,000 allocations in every rebuild at 20,000 claims, most of them a line break
    /// and a few spaces.
    Parts {
        /// The file's own bytes, in order.
        own: Vec<u8>,
        /// What to send, in order.
        parts: Vec<Part>,
    },
}

/// A part of a file made of items.
#[derive(Debug)]
pub enum Part {
    /// Bytes of the file's own: a range of [`Body::Parts`]'s `own`.
    Own(std::ops::Range<usize>),
    /// An item and its key, shared with the versions after this one while its key stays.
    Item(u64, Html),
}

impl Body {
    /// The bytes in one piece (borrowed when they are).
    pub fn joined(&self) -> Cow<'_, [u8]> {
        match self {
            Body::Whole(bytes) => Cow::Borrowed(bytes),
            Body::Parts { own, parts } => {
                fn bytes<'b>(own: &'b [u8], p: &'b Part) -> &'b [u8] {
                    match p {
                        Part::Own(range) => &own[range.clone()],
                        Part::Item(_, html) => html.as_bytes(),
                    }
                }
                let mut out = Vec::with_capacity(parts.iter().map(|p| bytes(own, p).len()).sum());
                parts.iter().for_each(|p| out.extend_from_slice(bytes(own, p)));
                Cow::Owned(out)
            }
        }
    }

    /// Its items with their keys, in order (none for a file kept whole).
    fn items(&self) -> impl Iterator<Item = (u64, &Html)> {
        let parts = match self {
            Body::Parts { parts, .. } => &parts[..],
            Body::Whole(_) => &[],
        };
        parts.iter().filter_map(|p| match p {
            Part::Item(key, html) => Some((*key, html)),
            Part::Own(_) => None,
        })
    }
}

/// Every file of a version of the site, by path. foldhash, not SipHash: a save at
/// 10k/20k looks up each of 30,000 paths, and the paths are the site's own.
pub type Files = foldhash::HashMap<String, File>;

/// Takes the files of a rebuild, sharing those the last version has for the same inputs.
///
/// A rebuild after an edit hands over 30,000 pages at 10,000 articles and 20,000 claims,
/// and all but a few are the last version's. Each once went into a new map (its path
/// copied, hashed, inserted under the lock): a tenth of a one-claim save's CPU. Now a
/// page shared only ticks its place in `seen`; the new version is the last one's map,
/// copied whole (no hashing), with the pages made anew put in and the pages not handed
/// over taken out.
pub struct Next<'a> {
    last: &'a Files,
    /// Whether each of the last version's files (by its slot) was handed over again.
    seen: Vec<AtomicBool>,
    made: Mutex<Vec<(String, File)>>,
}

impl<'a> Next<'a> {
    /// A rebuild's sink, after the version `last`.
    pub fn after(last: &'a Files) -> Self {
        let slots = last.values().map(|f| f.slot + 1).max().unwrap_or(0);
        Next { last, seen: (0..slots).map(|_| AtomicBool::new(false)).collect(), made: Mutex::new(Vec::new()) }
    }

    /// The files of the new version, copied from the last one's where they are shared.
    pub fn files(self) -> Files {
        let last = self.last;
        self.change().apply(Cow::Borrowed(last))
    }

    /// What the rebuild changed: apply it to the last version's files, owned (see
    /// [`Change::apply`]).
    pub fn change(self) -> Change {
        Change {
            made: self.made.into_inner().unwrap_or_else(|e| e.into_inner()),
            seen: self.seen.into_iter().map(AtomicBool::into_inner).collect(),
        }
    }

    fn insert(&self, path: String, file: File) -> Result<(), Diagnostic> {
        let mut made = self.made.lock().map_err(|_| Diagnostic::error("internal", "a render thread panicked"))?;
        made.push((path, file));
        Ok(())
    }
}

/// The pages a rebuild made, and which of the last version's files it handed over again.
pub struct Change {
    made: Vec<(String, File)>,
    /// By the last version's slots.
    seen: Vec<bool>,
}

impl Change {
    /// The new version, from the last one's files. Given them owned (`serve` holds the only
    /// other reference), the map is updated in place, not copied: at 10,000 articles the
    /// copy of 30,000 paths, and freeing it after, showed as 20–25 ms of a save's main
    /// thread in a profile, though saves timed in turns showed no gain within this VM's
    /// noise (`docs/performance.md`, session 31).
    pub fn apply(self, last: Cow<'_, Files>) -> Files {
        let gone = last.values().filter(|f| !self.seen[f.slot]).count();
        let mut files = if gone == last.len() { Files::with_capacity(self.made.len()) } else { last.into_owned() };
        if gone > 0 {
            files.retain(|_, f| self.seen[f.slot]);
        }
        files.extend(self.made);
        files.values_mut().enumerate().for_each(|(i, f)| f.slot = i);
        files
    }
}

impl Sink for Next<'_> {
    fn put(&self, page: Page, fingerprint: Option<u64>) -> Result<(), Diagnostic> {
        self.insert(page.path, File { fingerprint, bytes: Arc::new(Body::Whole(page.bytes)), slot: 0 })
    }

    fn put_spliced(&self, path: &str, fingerprint: Option<u64>, runs: &dyn Runs) -> Result<(), Diagnostic> {
        // Sized as the last version was, which an edit seldom changes much: grown by
        // doubling, the 40,000 parts of a large file were copied over and over.
        let last = self.last.get(path);
        let (mut parts, mut own) = match last.map(|f| &*f.bytes) {
            Some(Body::Parts { own, parts }) => (Vec::with_capacity(parts.len()), Vec::with_capacity(own.len())),
            _ => (Vec::new(), Vec::new()),
        };
        // Where the own bytes not yet in a part start.
        let mut from = 0;
        let mut old = Old::new(last);
        let joined = runs.each(&mut |segs| {
            for seg in segs {
                let (key, html) = match *seg {
                    Seg::Shared { key, html } => (key, html.clone()),
                    Seg::Item { key, bytes: None } => {
                        (key, old.item(key).ok_or_else(|| std::io::Error::other("an item was not made"))?)
                    }
                    Seg::Text(bytes) | Seg::Item { bytes: Some(bytes), .. } => {
                        own.extend_from_slice(bytes);
                        continue;
                    }
                };
                if own.len() > from {
                    parts.push(Part::Own(from..own.len()));
                    from = own.len();
                }
                parts.push(Part::Item(key, html));
            }
            Ok(())
        });
        joined.map_err(|e| Diagnostic::error("internal", format!("cannot make {path}: {e}")))?;
        if own.len() > from {
            parts.push(Part::Own(from..own.len()));
        }
        own.shrink_to_fit();
        self.insert(path.to_string(), File { fingerprint, bytes: Arc::new(Body::Parts { own, parts }), slot: 0 })
    }

    /// The items of the last version's copy of `path`: a save at 10k/20k changes a few of
    /// the 20,000 items of each large file, and the others are taken from there, not made
    /// nor looked up in the renderer's store (three lookups and an insert in tables of
    /// 80,000 items, for each item of each file: a fifth of a save's CPU).
    fn kept_items(&self, path: &str) -> Result<Keys, Diagnostic> {
        Ok(self.last.get(path).map(|f| f.bytes.items().map(|(key, _)| key).collect()).unwrap_or_default())
    }

    fn reuse(&self, path: &str, fingerprint: u64) -> Result<bool, Diagnostic> {
        match self.last.get(path) {
            Some(file) if file.fingerprint == Some(fingerprint) => {
                self.seen[file.slot].store(true, Ordering::Relaxed);
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

/// The items of a file's last version, for its next one: found in order, as an edit
/// leaves most of them, else by key.
struct Old<'f> {
    items: Vec<(u64, &'f Html)>,
    /// Where the next item in order is.
    next: usize,
    /// Each key's first item, made when an item is first not where the order says.
    by_key: Option<foldhash::HashMap<u64, usize>>,
}

impl<'f> Old<'f> {
    fn new(file: Option<&'f File>) -> Self {
        let items = file.map(|f| f.bytes.items().collect()).unwrap_or_default();
        Old { items, next: 0, by_key: None }
    }

    /// The item kept under `key`.
    fn item(&mut self, key: u64) -> Option<Html> {
        let at = match self.items.get(self.next) {
            Some(&(k, _)) if k == key => self.next,
            _ => {
                let items = &self.items;
                let by_key = self.by_key.get_or_insert_with(|| {
                    let mut map = foldhash::HashMap::with_capacity(items.len());
                    for (i, &(k, _)) in items.iter().enumerate().rev() {
                        map.insert(k, i);
                    }
                    map
                });
                *by_key.get(&key)?
            }
        };
        self.next = at + 1;
        Some(self.items[at].1.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_shared_only_for_the_same_fingerprint() {
        let none = Files::default();
        let next = Next::after(&none);
        next.put(Page { path: "a/index.html".into(), bytes: b"A".to_vec() }, Some(1)).unwrap();
        next.put(Page { path: "style.css".into(), bytes: b"css".to_vec() }, None).unwrap();
        let first = next.files();
        let next = Next::after(&first);
        assert!(next.reuse("a/index.html", 1).unwrap());
        assert!(!next.reuse("a/index.html", 2).unwrap(), "other inputs");
        assert!(!next.reuse("b/index.html", 1).unwrap(), "a page the last version did not have");
        assert!(!next.reuse("style.css", 0).unwrap());
        let second = next.files();
        assert_eq!(second.len(), 1, "a page not handed over is gone");
        assert!(Arc::ptr_eq(&first["a/index.html"].bytes, &second["a/index.html"].bytes), "shared, not copied");
        // Versions after versions: each file is found by its place in the one before.
        let mut last = second;
        for round in 0..4u64 {
            let next = Next::after(&last);
            assert!(next.reuse("a/index.html", 1).unwrap());
            for p in ["b", "c"] {
                if !next.reuse(&format!("{p}/index.html"), round).unwrap() {
                    next.put(Page { path: format!("{p}/index.html"), bytes: b"B".to_vec() }, Some(round + 1)).unwrap();
                }
            }
            // As `serve` does: the last version given up, and changed in place.
            let change = next.change();
            last = change.apply(Cow::Owned(last));
            let mut slots: Vec<usize> = last.values().map(|f| f.slot).collect();
            slots.sort_unstable();
            assert_eq!(slots, vec![0, 1, 2], "round {round}");
        }
    }

    #[test]
    fn a_file_of_items_shares_them_and_joins_to_its_bytes() {
        let none = Files::default();
        let next = Next::after(&none);
        let item = Html::from("\"a\"");
        let runs: Vec<Seg> = vec![
            Seg::Text(b"["),
            Seg::Shared { key: 1, html: &item },
            Seg::Text(b","),
            Seg::Item { key: 2, bytes: Some(b"2") },
            Seg::Text(b"]"),
        ];
        next.put_spliced("claims.json", Some(7), &runs).unwrap();
        let missing: Vec<Seg> = vec![Seg::Item { key: 1, bytes: None }];
        assert!(next.put_spliced("feed.xml", Some(8), &missing).is_err(), "an item not made is an error");
        let files = next.files();
        let f = &files["claims.json"];
        assert_eq!((f.fingerprint, &*f.bytes.joined()), (Some(7), &b"[\"a\",2]"[..]));
        let Body::Parts { parts, .. } = &*f.bytes else { panic!("in parts") };
        assert!(matches!(&parts[1], Part::Item(1, h) if std::ptr::eq(h.as_ptr(), item.as_ptr())), "shared, not copied");
        assert!(!files.contains_key("feed.xml"));
    }

    #[test]
    fn a_file_of_items_takes_the_items_its_last_version_has_in_order_or_not() {
        let none = Files::default();
        let next = Next::after(&none);
        let (a, b, c) = (Html::from("A"), Html::from("B"), Html::from("C"));
        let first: Vec<Seg> = vec![
            Seg::Text(b"<"),
            Seg::Shared { key: 1, html: &a },
            Seg::Shared { key: 2, html: &b },
            Seg::Shared { key: 3, html: &c },
            Seg::Text(b">"),
        ];
        next.put_spliced("index.html", Some(1), &first).unwrap();
        let last = next.files();
        let next = Next::after(&last);
        assert_eq!(next.kept_items("index.html").unwrap(), Keys::from_iter([1, 2, 3]));
        assert!(next.kept_items("feed.xml").unwrap().is_empty(), "no last version");
        // An item added at the top moves the others; one is gone; one is new.
        let d = Html::from("D");
        let second: Vec<Seg> = vec![
            Seg::Text(b"<"),
            Seg::Shared { key: 4, html: &d },
            Seg::Item { key: 1, bytes: None },
            Seg::Item { key: 3, bytes: None },
            Seg::Item { key: 1, bytes: None },
            Seg::Text(b">"),
        ];
        next.put_spliced("index.html", Some(2), &second).unwrap();
        let files = next.files();
        assert_eq!(&*files["index.html"].bytes.joined(), b"<DACA>");
        let Body::Parts { parts, .. } = &*files["index.html"].bytes else { panic!("in parts") };
        assert!(matches!(&parts[2], Part::Item(1, h) if std::ptr::eq(h.as_ptr(), a.as_ptr())), "shared, not copied");
        let next = Next::after(&files);
        let missing: Vec<Seg> = vec![Seg::Item { key: 2, bytes: None }];
        assert!(next.put_spliced("index.html", Some(3), &missing).is_err(), "an item the last version lacks");
    }
}
