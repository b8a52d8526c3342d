//! Items of the large files, kept in memory between renders.
//!
//! The front page and the sources page list every claim, article and source of the site.
//! Each list item is rendered on its own, with a template of its own (`parts/*.html`),
//! under a fingerprint of its context, its template and the templates (see `render.rs`);
//! `claims.json`'s entries likewise. A build into an output keeps them in the output's
//! files themselves, and copies them from there (see [`crate::model::page`]); `serve`, which
//! keeps its site in memory, keeps them here, so that an edit of one claim renders one
//! item again, not 20,000.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

/// An item's HTML, shared between the kept items, this build's items and the page that
/// shows it: at 20,000 claims the items are 27 MB, and each copy would count.
#[derive(Clone)]
pub struct Html {
    buf: Arc<String>,
}

impl std::ops::Deref for Html {
    type Target = str;
    fn deref(&self) -> &str {
        &self.buf
    }
}

impl From<String> for Html {
    fn from(mut s: String) -> Self {
        // A rendered item's String grew by doubling: kept as it is, 60,000 of them held
        // up to twice their size (150 MB more for a fresh build at 10,000 articles).
        s.shrink_to_fit();
        Html { buf: Arc::new(s) }
    }
}

impl From<&str> for Html {
    fn from(s: &str) -> Self {
        Html { buf: Arc::new(s.to_string()) }
    }
}

impl PartialEq for Html {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for Html {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl serde::Serialize for Html {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

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
