//! The build record: what each page of the output was rendered from, a table of the
//! store (`.briefing/record`) so that the next build, in another process, skips the pages
//! whose inputs did not change.
//!
//! Each entry holds a page's path, its fingerprint (a hash of its template context and templates,
//! see [`crate::stages::render`]) and the identity of the file it produced: inode, size and
//! modification time, as `make` and Git trust them. A page is reused only if the file in
//! the output is still that very file, so a hand edit, an interrupted build or a record
//! left over from an older output all fall back to rendering. Like every table, the record
//! names the program that wrote it; any other build of briefing ignores it, since a new
//! version may render the same inputs differently.
//!
//! The record is a cache: deleting it costs one full render, never a wrong page.

use std::collections::HashMap;
use std::io;

use crate::model::file_id::FileId;
use crate::store::{Store, Table};

/// A rendered file as the record knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// Hash of everything the page was rendered from.
    pub fingerprint: u64,
    /// The file it was written to.
    pub file: FileId,
}

/// The record kept in `store`; empty when there is none this program can trust.
pub fn read(store: &Store) -> HashMap<String, Entry> {
    store.read(Table::Record).map(|body| parse(&body)).unwrap_or_default()
}

/// Parses a record's body; one that does not decode is empty.
pub fn parse(body: &[u8]) -> HashMap<String, Entry> {
    postcard::from_bytes::<Vec<(String, Entry)>>(body).map(|list| list.into_iter().collect()).unwrap_or_default()
}

/// The body of a record: sorted by path, so that the same site gives the same record.
pub fn format(entries: &[(String, Entry)]) -> Vec<u8> {
    let mut sorted: Vec<&(String, Entry)> = entries.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    postcard::to_allocvec(&sorted).unwrap_or_default()
}

/// Replaces the record kept in `store`, atomically.
pub fn write(store: &Store, entries: &[(String, Entry)]) -> io::Result<()> {
    store.write(Table::Record, &format(entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_sorted() {
        let e = Entry { fingerprint: 0xdead_beef, file: FileId { ino: 42, size: 7, mtime: -3 } };
        let entries = vec![("b/index.html".to_string(), e), ("a b.html".to_string(), e), ("bad\nname".to_string(), e)];
        let body = format(&entries);
        let back = parse(&body);
        assert_eq!(back.len(), 3);
        assert_eq!(back["a b.html"], e);
        let mut turned = entries.clone();
        turned.reverse();
        assert_eq!(format(&turned), body, "the same record whatever the order");
        assert!(parse(&body[..body.len() - 2]).is_empty(), "a record cut short");
    }
}
