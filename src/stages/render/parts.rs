//! Items of the large files, kept in memory between renders.
//!
//! The front page and the sources page list every claim, article and source of the site.
//! Each list item is rendered on its own, with a template of its own (`parts/*.html`),
//! under a fingerprint of its context, its template and the templates (see `render.rs`);
//! `claims.json`'s entries likewise. A build into an output keeps them in the output's
//! files themselves, and copies them from there (see [`crate::model::page`]); `serve`, which
//! keeps its site in memory, takes them likewise from its last version's files
//! (`commands/serve/pages.rs`), so that an edit of one claim renders one item again, not
//! 20,000. This store holds what those cannot give: each large page's frame, the items a
//! render made, and the items of an archive's briefings, whose files are kept whole.

use foldhash::HashMap;
use std::sync::{Mutex, RwLock};

pub use crate::model::page::Html;

/// Rendered items by fingerprint: those of the last render and those this one used.
#[derive(Default)]
pub struct KeptItems {
    old: RwLock<HashMap<u64, Html>>,
    used: Mutex<HashMap<u64, Html>>,
}

impl KeptItems {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The item kept under `fingerprint`, else `make`'s, kept from now on.
    pub fn get_or<E>(&self, fingerprint: u64, make: impl FnOnce() -> Result<String, E>) -> Result<Html, E> {
        if let Some(html) = self.used.lock().ok().and_then(|u| u.get(&fingerprint).cloned()) {
            return Ok(html);
        }
        let kept = self.old.read().ok().and_then(|old| old.get(&fingerprint).cloned());
        let html = match kept {
            Some(html) => html,
            None => Html::from(make()?),
        };
        if let Ok(mut used) = self.used.lock() {
            used.insert(fingerprint, html.clone());
        }
        Ok(html)
    }

    /// Ends a render: the next one starts from the items this one used (items no page
    /// uses any more are let go).
    pub fn save(&self) {
        if let (Ok(mut used), Ok(mut old)) = (self.used.lock(), self.old.write()) {
            *old = std::mem::take(&mut *used);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_keeps_what_the_last_render_used() {
        let store = KeptItems::new();
        let made = |s: &str| Ok::<_, ()>(s.to_string());
        assert_eq!(store.get_or(1, || made("one")), Ok(Html::from("one")));
        assert_eq!(store.get_or(2, || made("two")), Ok(Html::from("two")));
        assert_eq!(store.get_or(1, || made("again")), Ok(Html::from("one")), "kept within a render");
        store.save();
        assert_eq!(store.get_or(1, || made("again")), Ok(Html::from("one")), "kept for the next");
        store.save();
        assert_eq!(store.get_or(2, || made("two, again")), Ok(Html::from("two, again")), "unused: let go");
        assert_eq!(store.get_or(3, || Err(())), Err(()));
    }
}
