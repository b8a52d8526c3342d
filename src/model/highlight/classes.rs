//! The short classes of claims-file entries (see [`super::toml::compact`]): which class
//! each stack of the TOML grammar's scopes is shown with, and the classes' rules.
//!
//! The table (`syntaxes/toml.classes`) is made from syntect's two themes by the test
//! `toml_classes_match_the_themes`, which works out, as a browser would, the style that
//! the stylesheet's rules give each stack of scopes (see `cascade.rs`), and gives one
//! class to each style. Regenerate it with `BLESS=1 cargo test --lib toml_classes`.

use std::collections::HashMap;
use std::sync::OnceLock;

use foldhash::fast::FixedState;

/// The table: a line per stack (its scopes' classes, outermost first, joined by ` / `,
/// a tab, then its class, empty for the code's own style), then the rules of the light
/// scheme after `@light`, and the dark scheme's after `@dark`.
pub(super) const TABLE: &str = include_str!("syntaxes/toml.classes");

/// Where the table says the rules of the light scheme begin.
const LIGHT: &str = "@light\n";
/// Where the table says the rules of the dark scheme begin.
const DARK: &str = "@dark\n";

/// The deepest stack of scopes the grammar makes: the source, a string, its quotes.
const DEEPEST: usize = 4;

/// A stack of scopes as a key: their addresses (each scope is one string for the whole
/// run, see `toml.rs`), outermost first, then zeros.
type Key = [usize; DEEPEST];

/// The class for the text under `stack` (`""` for the code's own style); `None` for a
/// stack the table does not know.
pub fn of(stack: &[&'static str]) -> Option<&'static str> {
    // foldhash, not SipHash: this runs for each run of text of every claims-file entry
    // shown (300,000 times at 2,000 claims, 2% of a fresh build's instructions hashing).
    static CLASSES: OnceLock<HashMap<Key, &'static str, FixedState>> = OnceLock::new();
    let classes = CLASSES.get_or_init(|| {
        let by_name: HashMap<&str, &'static str> = super::toml::all_scopes().into_iter().map(|s| (s, s)).collect();
        let mut map = HashMap::with_hasher(FixedState::default());
        for line in TABLE.lines().take_while(|l| *l != LIGHT.trim_end()) {
            let Some((names, class)) = line.split_once('\t') else { continue };
            let scopes: Option<Vec<&'static str>> = names.split(" / ").map(|n| by_name.get(n).copied()).collect();
            if let Some(key) = scopes.and_then(|s| key(&s)) {
                map.insert(key, class);
            }
        }
        map
    });
    classes.get(&key(stack)?).copied()
}

fn key(stack: &[&'static str]) -> Option<Key> {
    let mut key = [0; DEEPEST];
    for (k, scope) in key.iter_mut().zip(stack) {
        *k = scope.as_ptr() as usize;
    }
    (stack.len() <= DEEPEST).then_some(key)
}

/// The classes' rules for the light scheme, then for the dark one.
pub fn rules() -> (&'static str, &'static str) {
    let light = TABLE.find(LIGHT).map_or("", |at| &TABLE[at + LIGHT.len()..]);
    let (light, dark) = light.split_once(DARK).unwrap_or((light, ""));
    (light, dark)
}
