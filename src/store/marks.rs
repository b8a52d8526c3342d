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

use crate::stages::anchor::{Known, Mark};
use crate::store::{Keep, Table};

/// Parses kept marks; a body that does not decode is none.
pub fn parse(body: &[u8]) -> Known {
    match postcard::from_bytes::<Vec<(u64, Vec<Mark>)>>(body) {
        Ok(list) => Known(list.into_iter().map(|(k, m)| (k, std::sync::Arc::new(m))).collect()),
        Err(_) => Known::default(),
    }
}

/// Whether the kept marks `before` already hold exactly the keys of `keep`: a key's marks
/// are a function of the key's inputs, so then the file is already right.
pub fn unchanged(keep: &[(u64, usize)], before: &Known) -> bool {
    keep.len() == before.0.len() && keep.iter().all(|(k, _)| before.0.contains_key(k))
}

impl Keep for Known {
    const TABLE: Table = Table::Marks;

    fn encode(&self) -> Option<Vec<u8>> {
        let mut list: Vec<(&u64, &std::sync::Arc<Vec<Mark>>)> = self.0.iter().collect();
        list.sort_unstable_by_key(|(k, _)| **k);
        postcard::to_allocvec(&list).ok()
    }

    fn decode(body: &[u8]) -> Option<Self> {
        Some(parse(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::anchor::Target;

    fn marks() -> Vec<Vec<Mark>> {
        let mark = Mark {
            range: 3..9,
            target: Target::Appearance { claim: 2, index: 0 },
            before: "a b".into(),
            exact: "quoted \"words\"".into(),
            after: "c\nd".into(),
            raw: "quoted “words”".into(),
            chars: 2..8,
            changed: None,
        };
        vec![Vec::new(), vec![mark], Vec::new()]
    }

    #[test]
    fn kept_marks_read_back_sorted_and_a_cut_table_is_none() {
        let known = Known([(u64::MAX, Default::default()), (7, marks()[1].clone().into())].into_iter().collect());
        let body = known.encode().unwrap();
        assert_eq!(Known::decode(&body), Some(known.clone()));
        assert_eq!(Known::decode(&body[..body.len() - 3]), Some(Known::default()), "cut short");
        let mut list: Vec<_> = known.0.clone().into_iter().collect();
        list.reverse();
        assert_eq!(Known(list.into_iter().collect()).encode().unwrap(), body, "sorted by key");
    }

    #[test]
    fn kept_marks_are_rewritten_only_when_the_keys_change() {
        let known = Known([(7, marks()[1].clone().into())].into_iter().collect());
        assert!(unchanged(&[(7, 1)], &known));
        assert!(!unchanged(&[(8, 1)], &known));
        assert!(!unchanged(&[(7, 1), (8, 2)], &known));
    }
}
