//! The readings of the claims file's pieces, kept beside the output so that a rebuild
//! parses again only the pieces an edit touched (see [`crate::claims::Kept`]).
//!
//! After a header line, one record per piece: its hash and its reading's length (8 bytes
//! each, little-endian), then the reading (postcard). Like the build record, the file
//! names the program that wrote it: another build of briefing may read TOML differently,
//! so its file is ignored. A missing, foreign or garbled file costs a full parse, never a
//! wrong reading: a reading that does not decode is parsed again.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::claims::Kept;

const MAGIC: &str = "briefing-pieces 1";

/// Where the readings kept for `output` live: a hidden sibling, like the twin and the record.
pub fn path(output: &Path) -> PathBuf {
    crate::write::sibling(output, "pieces")
}

/// The readings kept for `output`; none when there are none this program can trust.
pub fn read(output: &Path) -> Kept {
    let Ok(bytes) = fs::read(path(output)) else { return Kept::default() };
    parse(&bytes, &crate::record::program())
}

/// Parses the readings written by `program`.
pub fn parse(bytes: &[u8], program: &str) -> Kept {
    let mut pieces = HashMap::new();
    let Some(mut rest) = crate::record::after_heading(bytes, MAGIC, program) else { return Kept::default() };
    let word = |b: &[u8]| -> Option<u64> { Some(u64::from_le_bytes(b.get(..8)?.try_into().ok()?)) };
    while !rest.is_empty() {
        let (Some(key), Some(len)) = (word(rest), rest.get(8..).and_then(word)) else { return Kept::default() };
        let Some(body) = usize::try_from(len).ok().and_then(|len| rest.get(16..16 + len)) else {
            return Kept::default();
        };
        pieces.insert(key, body.to_vec());
        rest = &rest[16 + body.len()..];
    }
    Kept { pieces, fresh: false }
}

/// The bytes of the kept readings, sorted by hash so that the same file gives the same bytes.
pub fn format(kept: &Kept, program: &str) -> Vec<u8> {
    let mut list: Vec<(&u64, &Vec<u8>)> = kept.pieces.iter().collect();
    list.sort_unstable_by_key(|(k, _)| **k);
    let mut out = crate::record::heading(MAGIC, program);
    for (key, body) in list {
        out.extend_from_slice(&key.to_le_bytes());
        out.extend_from_slice(&(body.len() as u64).to_le_bytes());
        out.extend_from_slice(body);
    }
    out
}

/// Replaces the readings kept for `output`, atomically.
pub fn write(output: &Path, kept: &Kept) -> io::Result<()> {
    crate::write::replace_sibling(output, "pieces", &format(kept, &crate::record::program()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_readings_read_back_only_by_the_program_that_wrote_them() {
        let kept = Kept { pieces: [(7, b"abc".to_vec()), (u64::MAX, Vec::new())].into(), fresh: true };
        let bytes = format(&kept, "1.0 10 20");
        assert_eq!(parse(&bytes, "1.0 10 20").pieces, kept.pieces);
        assert!(!parse(&bytes, "1.0 10 20").fresh);
        assert_eq!(bytes, format(&kept.clone(), "1.0 10 20"), "the same readings, the same bytes");
        assert!(parse(&bytes, "1.0 10 21").pieces.is_empty(), "another build of briefing");
        assert!(parse(&bytes[..bytes.len() - 1], "1.0 10 20").pieces.is_empty(), "cut short");
        assert!(parse(b"", "1.0 10 20").pieces.is_empty());
    }
}
