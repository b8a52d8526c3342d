//! Candidate pairs by shared words, so that mentions are compared with the few that could
//! be about the same thing instead of with every other one.
//!
//! Comparing all against all made `check --suggest` quadratic: 200 generated articles
//! took 12 s and 1,000 did not finish in ten minutes. Two mentions are only ever paired
//! when their contexts share weighty words (similarity is a sum over shared words), so
//! each mention is filed under its words, and a pair is a candidate when it shares one.
//! A word filed under more than [`CAP`] mentions of one kind is left out: so common a
//! word weighs little (its rarity is low), and its list would bring the quadratic cost
//! back. Below that size nothing is left out, so a briefing of tens of articles gets
//! exactly the pairs of the all-against-all comparison.

use std::collections::HashMap;

use super::similar::Context;

/// The most mentions one word may be filed under and still make pairs.
pub const CAP: usize = 200;

/// Mentions filed by (kind, word): the kind keeps dates with dates and quantities with
/// quantities of the same unit. Keys are hashes: two words that collide only make an
/// extra candidate, which the detector's own comparison then turns down.
#[derive(Default)]
pub struct Index {
    postings: HashMap<u64, Vec<u32>>,
    /// Each item's keys, for [`Index::pairs`].
    keys: Vec<Vec<u64>>,
}

/// The key of a word (its bytes: a stem's number, or a word's text) for a kind.
fn key(kind: &str, word: &[u8]) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(kind.as_bytes());
    h.update(&[0]);
    h.update(word);
    h.digest()
}

impl Index {
    /// Files item `id` of `kind` under every word of its context. Items are filed in
    /// order: `id` is the number of items filed before it.
    pub fn add(&mut self, kind: &str, id: usize, context: &Context) {
        self.file(id, context.stems().map(|s| key(kind, &s.to_le_bytes())));
    }

    /// Files item `id` of `kind` under the given words.
    pub fn add_words<'a>(&mut self, kind: &str, id: usize, words: impl IntoIterator<Item = &'a str>) {
        self.file(id, words.into_iter().map(|w| key(kind, w.as_bytes())));
    }

    fn file(&mut self, id: usize, keys: impl Iterator<Item = u64>) {
        if self.keys.len() <= id {
            self.keys.resize(id + 1, Vec::new());
        }
        for k in keys {
            self.postings.entry(k).or_default().push(id as u32);
            self.keys[id].push(k);
        }
    }

    /// Calls `f(a, b)`, `a < b`, once for every pair filed together under some word whose
    /// list is at most [`CAP`] long, in order. Only one item's candidates are held at a
    /// time.
    pub fn pairs(&self, mut f: impl FnMut(usize, usize)) {
        let mut near: Vec<u32> = Vec::new();
        for (a, keys) in self.keys.iter().enumerate() {
            near.clear();
            for k in keys {
                if let Some(ids) = self.postings.get(k).filter(|ids| ids.len() <= CAP) {
                    near.extend(ids.iter().filter(|&&b| b as usize > a));
                }
            }
            near.sort_unstable();
            near.dedup();
            for &b in &near {
                f(a, b as usize);
            }
        }
    }

    /// The items filed with `kind` under any word of `context` (lists longer than [`CAP`]
    /// left out), sorted, each once.
    pub fn near(&self, kind: &str, context: &Context) -> Vec<usize> {
        let mut out = Vec::new();
        for stem in context.stems() {
            if let Some(ids) = self.postings.get(&key(kind, &stem.to_le_bytes())).filter(|ids| ids.len() <= CAP) {
                out.extend(ids.iter().map(|&i| i as usize));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}
