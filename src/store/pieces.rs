//! The readings of the claims file's pieces, kept beside the output so that a rebuild
//! parses again only the pieces an edit touched (see [`crate::model::claims::Kept`]).
//!
//! After a header line, one record per piece: its hash and its reading's length (8 bytes
//! each, little-endian), then the reading (postcard). Like the build record, the file
//! names the program that wrote it: another build of briefing may read TOML differently,
//! so its file is ignored. A missing, foreign or garbled file costs a full parse, never a
//! wrong reading: a reading that does not decode is parsed again.

use crate::model::claims::Kept;
use crate::store::{Keep, Table};

/// Parses kept readings; a body that does not decode is none.
pub fn parse(body: &[u8]) -> Kept {
    match postcard::from_bytes::<Vec<(u64, &[u8])>>(body) {
        Ok(list) => Kept { pieces: list.into_iter().map(|(k, r)| (k, r.to_vec())).collect(), fresh: false },
        Err(_) => Kept::default(),
    }
}

/// The body of the kept readings, sorted by hash so that the same file gives the same bytes.
pub fn format(kept: &Kept) -> Vec<u8> {
    let mut list: Vec<(u64, &[u8])> = kept.pieces.iter().map(|(k, r)| (*k, r.as_slice())).collect();
    list.sort_unstable_by_key(|(k, _)| *k);
    postcard::to_allocvec(&list).unwrap_or_default()
}

impl Keep for Kept {
    const TABLE: Table = Table::Pieces;

    fn encode(&self) -> Option<Vec<u8>> {
        Some(format(self))
    }

    fn decode(body: &[u8]) -> Option<Self> {
        Some(parse(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_readings_read_back_only_by_the_program_that_wrote_them() {
        let kept = Kept { pieces: [(7, b"abc".to_vec()), (u64::MAX, Vec::new())].into(), fresh: true };
        let bytes = format(&kept);
        assert_eq!(parse(&bytes).pieces, kept.pieces);
        assert!(!parse(&bytes).fresh);
        assert_eq!(bytes, format(&kept.clone()), "the same readings, the same bytes");
        assert!(parse(&bytes[..bytes.len() - 1]).pieces.is_empty(), "cut short");
        assert!(parse(b"").pieces.is_empty());
    }
}
