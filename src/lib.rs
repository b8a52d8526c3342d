//! briefing: a static site generator for fact-checked news briefings.
//!
//! The folders show the architecture; a build flows one way through them:
//!
//! - [`model`]: what a site is made of: its config, articles, claims, markup, dates,
//!   diagnostics, and the files of its output ([`model::page`]);
//! - [`stages`]: the stages, each from plain data to plain data plus diagnostics:
//!   [`stages::load`] reads files → [`stages::validate`] checks references →
//!   [`stages::anchor`] finds every quote in its article → [`stages::render`] makes pages;
//! - [`write`]: the fifth stage, the output writer: puts the pages on disk, atomically;
//! - [`store`]: what one build keeps for the next (the cache folder), and how;
//! - [`pipeline`]: strings the stages together, taking and keeping the store's tables
//!   around them (the stages never see the store);
//! - [`commands`]: `build`, `check`, `serve`, `new` and the rest; `main.rs` only calls
//!   [`commands::cli::run`];
//! - [`suggest`]: discrepancies no claim covers yet (`check --suggest`);
//! - [`external`]: whether the sources' web addresses still answer (`check --external`).
//!
//! Imports run down this list and never back up: the model knows no stage, the stages
//! know neither the store nor the writer, the store knows no writer.

// Diagnostics are built only on error paths, and carry the source they point into.
#![allow(clippy::result_large_err)]

pub mod alloc;
pub mod commands;
pub mod external;
#[doc(hidden)]
pub mod fuzz;
pub mod import;
pub mod model;
pub mod pipeline;
pub mod stages;
pub mod store;
pub mod suggest;
pub mod write;
