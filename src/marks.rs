//! The marks of the last build, a table of the store so that a rebuild anchors only
//! the articles whose text or quotes changed.
//!
//! Anchoring normalises each article's text and scans it for its quotes: at 10,000
//! articles that is a fifth of a rebuild's work, and an edit of the claims file changes
//! the quotes of a handful of articles at most. The file maps [`Known::key`] (a hash of the
//! article's text and of every quote aimed at it) to the marks found. Like the build
//! record it names the program that wrote it: another build of briefing may normalise or
//! choose differently, so its file is ignored. A missing, foreign or garbled file costs a
//! full scan, never a wrong mark. The marks are encoded with postcard: at 10,000 articles
//! the JSON this file once held (15 MB) took 40 ms to read, on the build's critical path.

use std::io;

use crate::anchor::{Known, Mark};
use crate::store::{Store, Table};

/// The marks kept in `store`; empty when there are none this program can trust.
pub fn read(store: &Store) -> Known {
    store.read(Table::Marks).map(|body| parse(&body)).unwrap_or_default()
}

/// Parses kept marks; a body that does not decode is none.
pub fn parse(body: &[u8]) -> Known {
    match postcard::from_bytes::<Vec<(u64, Vec<Mark>)>>(body) {
        Ok(list) => Known(list.into_iter().collect()),
        Err(_) => Known::default(),
    }
}

/// The body of the kept marks: `keep` pairs a key with an index into `marks`. Sorted by
/// key, so that the same site gives the same bytes.
pub fn format(marks: &[Vec<Mark>], keep: &[(u64, usize)]) -> Vec<u8> {
    let mut list: Vec<(u64, &Vec<Mark>)> = keep.iter().filter_map(|&(k, i)| Some((k, marks.get(i)?))).collect();
    list.sort_unstable_by_key(|(k, _)| *k);
    postcard::to_allocvec(&list).unwrap_or_default()
}

/// Whether the kept marks `before` already hold exactly the keys of `keep`: a key's marks
/// are a function of the key's inputs, so then the file is already right.
pub fn unchanged(keep: &[(u64, usize)], before: &Known) -> bool {
    keep.len() == before.0.len() && keep.iter().all(|(k, _)| before.0.contains_key(k))
}

/// Replaces the marks kept in `store`, atomically.
pub fn write(store: &Store, marks: &[Vec<Mark>], keep: &[(u64, usize)]) -> io::Result<()> {
    store.write(Table::Marks, &format(marks, keep))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anchor::Target;

    fn marks() -> Vec<Vec<Mark>> {
        let mark = Mark {
            range: 3..9,
            target: Target::Appearance { claim: 2, index: 0 },
            before: "a b".into(),
            exact: "quoted \"words\"".into(),
            after: "c\nd".into(),
            raw: "quoted “words”".into(),
            chars: 2..8,
        };
        vec![Vec::new(), vec![mark], Vec::new()]
    }

    #[test]
    fn kept_marks_read_back_only_by_the_program_that_wrote_them() {
        let keep = [(u64::MAX, 2), (7, 1)];
        let text = format(&marks(), &keep);
        let want = Known([(7, marks()[1].clone()), (u64::MAX, Vec::new())].into_iter().collect());
        assert_eq!(parse(&text), want);
        assert_eq!(parse(&text[..text.len() - 3]), Known::default(), "cut short");
        assert_eq!(parse(b""), Known::default());
        assert_eq!(text, format(&marks(), &[(7, 1), (u64::MAX, 2)]), "sorted by key");
    }

    #[test]
    fn kept_marks_are_rewritten_only_when_the_keys_change() {
        let dir = tempfile::tempdir().unwrap();
        let out = Store::at(dir.path());
        write(&out, &marks(), &[(7, 1)]).unwrap();
        let known = read(&out);
        assert_eq!(known.0.len(), 1);
        assert!(unchanged(&[(7, 1)], &known));
        assert!(!unchanged(&[(8, 1)], &known));
        assert!(!unchanged(&[(7, 1), (8, 2)], &known));
        write(&out, &marks(), &[(8, 1)]).unwrap();
        assert_eq!(read(&out).0.keys().collect::<Vec<_>>(), [&8]);
    }
}
