//! The model of a site: plain data and the parsers that make it, with located
//! diagnostics. Nothing here knows about stages, caches or the output folder.

pub mod article;
pub mod catalog;
pub mod claims;
pub mod config;
pub mod date;
pub mod diag;
pub mod file_id;
pub mod highlight;
pub mod lead;
pub mod locale;
pub mod markup;
pub mod page;
pub mod published;
pub mod tomlfile;
