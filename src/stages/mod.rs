//! The stages of a build, each a function from plain data to plain data plus
//! diagnostics: [`load`] → [`validate`] → [`anchor`] → [`render`] (and [`links`], the link
//! check of `check`). The fifth stage, writing, is [`crate::write`]. What a stage may take
//! from the last build (front matter, readings, marks, items) it is handed as a value; it
//! never knows where that was kept.

pub mod anchor;
pub mod changes;
pub mod drafts;
pub mod letters;
pub mod links;
pub mod load;
pub mod reanchor;
pub mod render;
pub mod validate;
