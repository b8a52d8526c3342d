//! The tables whose values the stages define: how each is kept. The front matter is
//! encoded by its own module (`stages/load/fronts.rs`). The parsed articles, the claims
//! file's readings and the large pages' items are kept in memory only (`serve`), where
//! they save parsing and rendering again. On disk the readings saved 3% of a one-claim edit
//! at 10,000 articles and 20,000 claims with the files in the page cache and nothing
//! without (`bench/tables.sh`): decoding 10 MB of them costs what parsing the claims file
//! in parallel pieces does, so they are not written.

use super::{Keep, Table};
use crate::model::claims;
use crate::stages::load::{Articles, fronts, published};
use crate::stages::render::parts;

impl Keep for fronts::Kept {
    const TABLE: Table = Table::Fronts;

    fn encode(&self) -> Option<Vec<u8>> {
        Some(fronts::format(self))
    }

    fn decode(body: &[u8]) -> Option<Self> {
        Some(fronts::parse(body))
    }
}

impl Keep for super::Changed {
    const TABLE: Table = Table::Changed;

    fn encode(&self) -> Option<Vec<u8>> {
        None
    }

    fn decode(_: &[u8]) -> Option<Self> {
        None
    }
}

impl Keep for Articles {
    const TABLE: crate::store::Table = Table::Articles;

    fn encode(&self) -> Option<Vec<u8>> {
        None
    }

    fn decode(_: &[u8]) -> Option<Self> {
        None
    }
}

impl Keep for parts::KeptItems {
    const TABLE: crate::store::Table = Table::Items;

    fn encode(&self) -> Option<Vec<u8>> {
        None
    }

    fn decode(_: &[u8]) -> Option<Self> {
        None
    }
}

impl Keep for claims::Kept {
    const TABLE: Table = Table::Pieces;

    fn encode(&self) -> Option<Vec<u8>> {
        None
    }

    fn decode(_: &[u8]) -> Option<Self> {
        None
    }
}

impl Keep for published::Records {
    const TABLE: Table = Table::Published;

    fn encode(&self) -> Option<Vec<u8>> {
        postcard::to_allocvec(self).ok()
    }

    fn decode(body: &[u8]) -> Option<Self> {
        postcard::from_bytes(body).ok()
    }
}

impl Keep for crate::external::kept::Answers {
    const TABLE: Table = Table::Links;

    fn encode(&self) -> Option<Vec<u8>> {
        postcard::to_allocvec(self).ok()
    }

    fn decode(body: &[u8]) -> Option<Self> {
        postcard::from_bytes(body).ok()
    }
}

impl Keep for crate::pipeline::unchanged::Kept {
    const TABLE: Table = Table::Briefing;

    fn encode(&self) -> Option<Vec<u8>> {
        postcard::to_allocvec(self).ok()
    }

    fn decode(body: &[u8]) -> Option<Self> {
        postcard::from_bytes(body).ok()
    }
}
