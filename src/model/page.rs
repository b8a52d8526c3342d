//! The output's files, as the render stage hands them to the writer: a [`Page`], or a
//! file made of text and items, handed over a run at a time.
//!
//! The largest files of a site list everything in it: the front page every claim and
//! article, the sources page every source, `claims.json` every article's text (77 MB at
//! 10,000 articles). Such a file is a run of pieces ([`Seg`]): text of its own, and items,
//! each under a key (a fingerprint of what it is made from). An item the writer can copy
//! from the file it replaces comes without bytes (see `write/splice.rs`); `serve` keeps
//! items in memory by key. The writer takes the pieces a run at a time ([`Runs`]), so that
//! a fresh build never holds all of such a file at once.

use std::io::{self, Write};
use std::sync::Arc;

/// An item's text (HTML, or JSON for `claims.json`), shared between the kept items, this
/// build's items and the file that shows it: at 20,000 claims the items are 27 MB, and
/// each copy would count.
#[derive(Clone)]
pub struct Html {
    buf: Arc<String>,
}

impl std::ops::Deref for Html {
    type Target = str;
    fn deref(&self) -> &str {
        &self.buf
    }
}

impl From<String> for Html {
    fn from(mut s: String) -> Self {
        // A rendered item's String grew by doubling: kept as it is, 60,000 of them held
        // up to twice their size (150 MB more for a fresh build at 10,000 articles).
        s.shrink_to_fit();
        Html { buf: Arc::new(s) }
    }
}

impl From<&str> for Html {
    fn from(s: &str) -> Self {
        Html { buf: Arc::new(s.to_string()) }
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

/// A file of the output: its path (relative, `/`-separated) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Where it goes in the output directory.
    pub path: String,
    /// What it holds.
    pub bytes: Vec<u8>,
}

/// What a build made, counted as it goes: the render stage counts what it hands over,
/// the writer what it wrote, the pipeline the sources; the summary line shows them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Articles read.
    pub articles: usize,
    /// Claims checked.
    pub claims: usize,
    /// Marked passages with a flagging verdict.
    pub flags: usize,
    /// Drafts (claims, discrepancies, articles): left out, or, in a preview, published.
    pub drafts: usize,
    /// Whether the drafts were published (`--drafts`, `serve`).
    pub preview: bool,
    /// Files in the output.
    pub files: usize,
    /// Of which HTML pages.
    pub pages: usize,
    /// Pages not rendered at all: the last build made them from the same inputs.
    pub reused: usize,
    /// Files written with new bytes (none unless written to disk).
    pub written: usize,
    /// Files whose bytes were already right.
    pub unchanged: usize,
    /// Files of the previous site that the new one does not have.
    pub removed: usize,
    /// Whether the output was written in place, file by file, rather than swapped in at
    /// once: its twin in the cache folder could not trade places with it (another file
    /// system, a mount point, a folder that may not change).
    pub in_place: bool,
}

/// The keys of the items a sink can supply itself (see `Sink::kept_items`). foldhash, not
/// SipHash: the keys are fingerprints of the site's own content, and `serve` gathers the
/// 20,000 of each large file on every save.
pub type Keys = foldhash::HashSet<u64>;

/// One piece of a file, in order.
#[derive(Debug, Clone, Copy)]
pub enum Seg<'a> {
    /// Text of the file's own.
    Text(&'a [u8]),
    /// An item kept under `key`: its bytes, or `None` until it is made.
    Item { key: u64, bytes: Option<&'a [u8]> },
    /// An item kept under `key`, made: its text, which a sink that keeps files in memory
    /// can share rather than copy (`serve`).
    Shared { key: u64, html: &'a Html },
}

/// A file's pieces, handed over in order a run at a time, so that a large file need not
/// be held whole: `claims.json` of a fresh build at 20,000 claims is 77 MB of entries,
/// which made in runs of a thousand never all exist at once.
pub trait Runs: Sync {
    /// Calls `take` with each run of pieces, in order, and stops at its first error.
    fn each(&self, take: &mut dyn FnMut(&[Seg]) -> io::Result<()>) -> io::Result<()>;
}

impl<'a> Seg<'a> {
    /// Its bytes: `None` for an item not made.
    pub fn bytes(&self) -> Option<&'a [u8]> {
        match *self {
            Seg::Text(bytes) => Some(bytes),
            Seg::Item { bytes, .. } => bytes,
            Seg::Shared { html, .. } => Some(html.as_bytes()),
        }
    }
}

/// Pieces all made already: one run.
impl Runs for Vec<Seg<'_>> {
    fn each(&self, take: &mut dyn FnMut(&[Seg]) -> io::Result<()>) -> io::Result<()> {
        take(self)
    }
}

/// Writes the pieces' bytes one after another to `out`; an item not made is an error.
pub fn write_to(runs: &dyn Runs, out: &mut dyn Write) -> io::Result<()> {
    runs.each(&mut |segs| {
        for seg in segs {
            out.write_all(seg.bytes().ok_or_else(|| io::Error::other("an item was not made"))?)?;
        }
        Ok(())
    })
}

/// The pieces' bytes one after another, for a sink that keeps files in memory. `None`
/// if an item's bytes are missing.
pub fn concat(runs: &dyn Runs) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    write_to(runs, &mut out).ok().map(|()| out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_joined_in_order_across_runs() {
        let one: Vec<Seg> = vec![Seg::Text(b"["), Seg::Item { key: 1, bytes: Some(b"a") }, Seg::Text(b",")];
        assert_eq!(concat(&one).unwrap(), b"[a,");
        let missing: Vec<Seg> = vec![Seg::Text(b"["), Seg::Item { key: 1, bytes: None }];
        assert!(concat(&missing).is_none(), "an item not made is never written as nothing");
    }
}
