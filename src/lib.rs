//! briefing: a static site generator for fact-checked news briefings.
//!
//! The pipeline runs one way, each stage a module with one job and plain data between
//! them: [`load`] reads files → [`validate`] checks references → [`anchor`] finds every
//! quote in its article → [`render`] makes pages → [`write`](mod@write) puts them on disk atomically.
//! [`pipeline`] strings them together; `main.rs` only parses arguments.

// Diagnostics are built only on error paths, and carry the source they point into.
#![allow(clippy::result_large_err)]

pub mod alloc;
pub mod anchor;
pub mod article;
pub mod claims;
pub mod cli;
pub mod config;
pub mod date;
pub mod diag;
pub mod export;
pub mod feed;
pub mod fingerprint;
pub mod fronts;
#[doc(hidden)]
pub mod fuzz;
pub mod highlight;
pub mod jsonld;
pub mod links;
pub mod load;
pub mod marks;
pub mod markup;
pub mod parts;
pub mod pieces;
pub mod pipeline;
pub mod record;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod splice;
pub mod store;
pub mod suggest;
pub mod theme;
pub mod tomlfile;
pub mod tree;
pub mod validate;
pub mod write;
