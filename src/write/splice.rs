//! The largest files, rebuilt by copying the items an edit did not change from the file
//! they replace.
//!
//! The front page lists every claim and article, the sources page every source,
//! `claims.json` every article's text: an edit of one claim changes one item of each.
//! Such a file reaches the writer as a run of pieces ([`Seg`]). Writing it records its
//! layout, the key and length of each piece in order, in the store
//! (`.briefing/layouts`), with the identity of the file written. The next build makes only
//! the items the old file lacks, and copies the others from it in long runs
//! (`copy_file_range` where the system has it, so the bytes never leave the kernel). At
//! 10,000 articles and 20,000 claims this halves a one-claim edit: without it every
//! `claims.json` entry is made again, which reads and parses every article.
//!
//! The old file is trusted only while it is the very file the layout describes (inode,
//! size and modification time, as for the build record), and only by the program that
//! wrote the layout. A missing, foreign or garbled layout means making every item, never
//! a wrong byte.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

use serde::{Deserialize, Serialize};

use crate::model::file_id::FileId;
use crate::model::page::{Runs, Seg};
use crate::store::{Store, Table};

/// What a written file is made of: each piece's key and length, in order, and the file
/// they describe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// The file written, as it was when written.
    pub file: FileId,
    /// Each piece's key (a text's is a hash of its bytes) and length.
    pub segs: Vec<(u64, u64)>,
}

impl Layout {
    /// The keys of the items (and texts) the file holds.
    pub fn keys(&self) -> crate::model::page::Keys {
        self.segs.iter().map(|&(key, _)| key).collect()
    }
}

/// A text's key. Seeded apart from fingerprints, so that a text never passes for an item.
fn text_key(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(bytes, 0x7e47)
}

/// Writes the pieces of `runs` to `out`, taking the items without bytes from `old` (and
/// any piece that follows on from the one copied before it): contiguous pieces are copied
/// in one call, even across runs. Returns the new file's pieces, for its layout.
pub fn assemble(runs: &dyn Runs, old: Option<(&File, &Layout)>, out: &File) -> io::Result<Vec<(u64, u64)>> {
    let no_old: &[(u64, u64)] = &[];
    let old_segs = old.map_or(no_old, |(_, l)| &l.segs);
    // Where each old piece starts, and the first piece under each key.
    let mut starts = Vec::with_capacity(old_segs.len());
    let mut at = 0u64;
    for &(_, len) in old_segs {
        starts.push(at);
        at += len;
    }
    let mut first: HashMap<u64, usize> = HashMap::with_capacity(old_segs.len());
    for (i, &(key, _)) in old_segs.iter().enumerate().rev() {
        first.insert(key, i);
    }
    let mut w = Writer { out, old: old.map(|(f, _)| f), pending: Vec::with_capacity(1 << 16), run: None };
    let mut layout = Vec::with_capacity(old_segs.len());
    // The old piece that would continue the current run.
    let mut next = usize::MAX;
    runs.each(&mut |segs| {
        for seg in segs {
            let (key, bytes) = match *seg {
                Seg::Text([]) => continue,
                Seg::Text(bytes) => (text_key(bytes), Some(bytes)),
                Seg::Item { key, bytes } => (key, bytes),
                Seg::Shared { key, html } => (key, Some(html.as_bytes())),
            };
            let follows = old_segs.get(next).filter(|s| s.0 == key).map(|_| next);
            // A text is copied only as part of a run: alone it is cheaper written than copied.
            let found = follows.or_else(|| match seg {
                Seg::Item { .. } | Seg::Shared { .. } => first.get(&key).copied(),
                Seg::Text(_) => None,
            });
            match (found, bytes) {
                (Some(i), _) => {
                    let len = old_segs[i].1;
                    w.copy(starts[i], len)?;
                    layout.push((key, len));
                    next = i + 1;
                }
                (None, Some(bytes)) => {
                    w.write(bytes)?;
                    layout.push((key, bytes.len() as u64));
                    next = usize::MAX;
                }
                (None, None) => return Err(io::Error::other("an item is neither made nor in the previous file")),
            }
        }
        Ok(())
    })?;
    w.finish()?;
    Ok(layout)
}

/// Writes pieces in order: fresh bytes gathered in a buffer, copies from the old file
/// gathered into runs.
struct Writer<'f> {
    out: &'f File,
    old: Option<&'f File>,
    pending: Vec<u8>,
    /// The old file's bytes still to copy: start and length.
    run: Option<(u64, u64)>,
}

impl Writer<'_> {
    fn copy(&mut self, start: u64, len: u64) -> io::Result<()> {
        match &mut self.run {
            Some((s, l)) if *s + *l == start => *l += len,
            _ => {
                self.flush_run()?;
                self.flush_pending()?;
                self.run = Some((start, len));
            }
        }
        Ok(())
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.flush_run()?;
        self.pending.extend_from_slice(bytes);
        if self.pending.len() >= 1 << 20 {
            self.flush_pending()?;
        }
        Ok(())
    }

    fn flush_pending(&mut self) -> io::Result<()> {
        let mut out = self.out;
        out.write_all(&self.pending)?;
        self.pending.clear();
        Ok(())
    }

    fn flush_run(&mut self) -> io::Result<()> {
        let Some((start, len)) = self.run.take() else { return Ok(()) };
        self.flush_pending()?;
        let mut old = self.old.ok_or_else(|| io::Error::other("no previous file to copy from"))?;
        old.seek(SeekFrom::Start(start))?;
        // `File` to `File`: the standard library copies in the kernel where it can.
        let copied = io::copy(&mut old.take(len), &mut self.out)?;
        if copied != len {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the previous file is shorter than its layout"));
        }
        Ok(())
    }

    fn finish(mut self) -> io::Result<()> {
        self.flush_run()?;
        self.flush_pending()
    }
}

/// The layouts kept in `store`, by path; none when there are none this program can trust.
pub fn read(store: &Store) -> HashMap<String, Layout> {
    store.read(Table::Layouts).map(|body| parse(&body)).unwrap_or_default()
}

/// Parses kept layouts; a body that does not decode is none.
pub fn parse(body: &[u8]) -> HashMap<String, Layout> {
    let list: Vec<(String, Layout)> = postcard::from_bytes(body).unwrap_or_default();
    // A layout whose lengths do not add up to its file's cannot describe it.
    list.into_iter().filter(|(_, l)| l.segs.iter().map(|s| s.1).sum::<u64>() == l.file.size).collect()
}

/// The body of `layouts`, sorted by path so that the same output gives the same bytes.
pub fn format(layouts: &[(String, Layout)]) -> Vec<u8> {
    let mut list: Vec<&(String, Layout)> = layouts.iter().collect();
    list.sort_by(|a, b| a.0.cmp(&b.0));
    postcard::to_allocvec(&list).unwrap_or_default()
}

/// Replaces the layouts kept in `store`, atomically.
pub fn write(store: &Store, layouts: &[(String, Layout)]) -> io::Result<()> {
    store.write(Table::Layouts, &format(layouts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::path::Path;

    fn item<'a>(key: u64, bytes: &'a str) -> Seg<'a> {
        Seg::Item { key, bytes: Some(bytes.as_bytes()) }
    }

    fn write_file(dir: &Path, name: &str, segs: &[Seg], old: Option<(&Path, &Layout)>) -> (String, Layout) {
        let path = dir.join(name);
        let old_file = old.map(|(p, _)| File::open(p).unwrap());
        let out = File::create(&path).unwrap();
        let segs = assemble(&segs.to_vec(), old_file.as_ref().zip(old.map(|(_, l)| l)), &out).unwrap();
        drop(out);
        (fs::read_to_string(&path).unwrap(), Layout { file: FileId::of(&path).unwrap(), segs })
    }

    #[test]
    fn a_file_is_rebuilt_from_the_items_of_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let first =
            [Seg::Text(b"<ul>"), item(1, "<li>a</li>"), Seg::Text(b"\n"), item(2, "<li>b</li>"), Seg::Text(b"</ul>")];
        let (text, layout) = write_file(dir.path(), "one", &first, None);
        assert_eq!(text, "<ul><li>a</li>\n<li>b</li></ul>");
        assert_eq!(layout.segs.len(), 5);
        assert_eq!(crate::model::page::concat(&first.to_vec()).unwrap(), text.as_bytes());

        // Item 2 kept, item 1 replaced by item 3, a new item 4 first, the text changed.
        let kept = Seg::Item { key: 2, bytes: None };
        let next = [
            Seg::Text(b"<ol>"),
            item(4, "<li>d</li>"),
            Seg::Text(b""),
            kept,
            Seg::Text(b"\n"),
            item(3, "<li>c</li>"),
            Seg::Text(b"</ul>"),
            kept,
        ];
        let old = dir.path().join("one");
        let (text, layout2) = write_file(dir.path(), "two", &next, Some((&old, &layout)));
        assert_eq!(text, "<ol><li>d</li><li>b</li>\n<li>c</li></ul><li>b</li>");
        assert_eq!(layout2.segs.len(), 7, "an empty text is no piece");
        assert_eq!(layout2.segs.iter().map(|s| s.1).sum::<u64>(), text.len() as u64);
        assert!(crate::model::page::concat(&next.to_vec()).is_none(), "kept items have no bytes of their own");

        // Handed over a piece at a time, the same file and layout: a run of copies goes on
        // across the runs it is handed in.
        let out = File::create(dir.path().join("four")).unwrap();
        let old_file = File::open(&old).unwrap();
        let segs = assemble(&OneByOne(next.to_vec()), Some((&old_file, &layout)), &out).unwrap();
        assert_eq!(fs::read_to_string(dir.path().join("four")).unwrap(), text);
        assert_eq!(segs, layout2.segs);

        // Without the old file, a kept item cannot be written.
        let out = File::create(dir.path().join("three")).unwrap();
        assert!(assemble(&next.to_vec(), None, &out).is_err());
    }

    /// Pieces handed over one at a time.
    struct OneByOne<'a>(Vec<Seg<'a>>);

    impl Runs for OneByOne<'_> {
        fn each(&self, take: &mut dyn FnMut(&[Seg]) -> io::Result<()>) -> io::Result<()> {
            self.0.iter().try_for_each(|seg| take(std::slice::from_ref(seg)))
        }
    }

    #[test]
    fn layouts_read_back_only_by_the_program_that_wrote_them_and_only_if_they_add_up() {
        let file = FileId { ino: 9, size: 5, mtime: 1 };
        let good = Layout { file, segs: vec![(1, 2), (3, 3)] };
        let bad = Layout { file, segs: vec![(1, 2)] };
        let bytes = format(&[("b".into(), good.clone()), ("a".into(), bad)]);
        let back = parse(&bytes);
        assert_eq!(back.len(), 1);
        assert_eq!(back["b"], good);
        assert!(parse(&bytes[..bytes.len() - 2]).is_empty(), "cut short");
    }
}
