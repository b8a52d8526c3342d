//! What was last published: each claim's verdict and finding, and the corrections, as the
//! site's `claims.json` records them. The build holds the claims file against it
//! (`stages/changes.rs`): a published verdict or finding changes only openly, with a
//! correction, as the fact-checkers' code (IFCN) asks.
//!
//! The record holds hashes, not texts: at 20,000 claims the texts made a 2 MB table that
//! cost a one-claim edit 60 ms to keep and read back, the hashes 0.4 MB. The texts are
//! read from `claims.json` ([`said`]) only to show what changed, when a build fails.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use crate::model::claims::Claims;

/// The published record: for each claim (by a hash of its id), a hash of what it said and
/// the date of its last update; and a hash of each correction.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Published {
    /// The published claims, by [`id_key`].
    pub claims: HashMap<u64, Stamp>,
    /// The published corrections, by [`correction_key`].
    pub corrections: HashSet<u64>,
}

/// What a published claim said, and when it was last updated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Its verdict: with the output deleted, the kept record still tells which of verdict
    /// and finding an edit changed.
    pub verdict: String,
    /// [`finding_key`] of its finding.
    pub finding: u64,
    /// Its last update then (the latest of its check and corrections), `YYYYMMDD`.
    pub updated: u32,
    /// How many corrections it had: a change needs one more, so that editing or
    /// re-dating a published correction cannot stand for a new one.
    pub corrections: u32,
}

/// `claims.json`, read leniently: unknown fields (the articles' texts, most of the file)
/// are skipped, and fields a later version adds are ignored.
#[derive(Deserialize)]
struct Doc {
    format: String,
    #[serde(default)]
    claims: Vec<DocClaim>,
    #[serde(default)]
    corrections: Vec<DocCorrection>,
}

#[derive(Deserialize)]
struct DocClaim {
    id: String,
    verdict: String,
    finding: String,
    updated: String,
    /// A draft in a preview build (`build --drafts`) was not published.
    #[serde(default)]
    draft: bool,
}

#[derive(Deserialize)]
struct DocCorrection {
    date: String,
    claim: String,
    text: String,
}

fn read(bytes: &[u8]) -> Result<Doc, String> {
    let doc: Doc = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if doc.format != "briefing-claims" {
        return Err(format!("its format is `{}`, not `briefing-claims`", doc.format));
    }
    Ok(doc)
}

impl Stamp {
    /// Whether a claim now says something other than it did: its verdict, or its finding
    /// once white space is squeezed.
    pub fn differs(&self, verdict: &str, finding: &str) -> bool {
        self.verdict != verdict || self.finding != finding_key(finding)
    }
}

impl Published {
    /// Reads a `claims.json`; the error says what is wrong with it.
    pub fn parse(bytes: &[u8]) -> Result<Published, String> {
        let doc = read(bytes)?;
        let mut count: HashMap<&str, u32> = HashMap::new();
        doc.corrections.iter().for_each(|c| *count.entry(c.claim.as_str()).or_default() += 1);
        let claims: HashMap<u64, Stamp> = doc
            .claims
            .iter()
            .filter(|c| !c.draft)
            .map(|c| {
                let corrections = count.get(c.id.as_str()).copied().unwrap_or(0);
                let (verdict, finding, updated) = (c.verdict.clone(), finding_key(&c.finding), day(&c.updated));
                (id_key(&c.id), Stamp { verdict, finding, updated, corrections })
            })
            .collect();
        let corrections = doc
            .corrections
            .iter()
            .filter(|c| claims.contains_key(&id_key(&c.claim)))
            .map(|c| correction_key(&c.claim, day(&c.date), &c.text))
            .collect();
        Ok(Published { claims, corrections })
    }

    /// The record a build publishing `claims` writes (in its `claims.json`), without
    /// writing or reading it: what [`Published::parse`] reads from that file. Drafts are
    /// not published, nor the corrections of drafts.
    pub fn of(claims: &Claims) -> Published {
        let record: HashMap<u64, Stamp> = claims
            .claims
            .iter()
            .filter(|c| !c.draft)
            .map(|c| {
                let updated = claims.updated(c).number();
                let corrections = claims.corrections_of(&c.id.value).count() as u32;
                let (verdict, finding) = (c.verdict.value.clone(), finding_key(&c.finding));
                (id_key(&c.id.value), Stamp { verdict, finding, updated, corrections })
            })
            .collect();
        let corrections = claims
            .corrections
            .iter()
            .filter(|k| record.contains_key(&id_key(&k.claim.value)))
            .map(|k| correction_key(&k.claim.value, k.date.number(), &k.text))
            .collect();
        Published { claims: record, corrections }
    }
}

/// What the published claims in `ids` said, verdict and finding, read from a
/// `claims.json`, to show what changed.
pub fn said(bytes: &[u8], ids: &[&str]) -> HashMap<String, (String, String)> {
    let Ok(doc) = read(bytes) else { return HashMap::new() };
    doc.claims
        .into_iter()
        .filter(|c| !c.draft && ids.contains(&c.id.as_str()))
        .map(|c| (c.id, (c.verdict, c.finding)))
        .collect()
}

/// The key of a claim id.
pub fn id_key(id: &str) -> u64 {
    xxh3_64(id.as_bytes())
}

/// The key of a finding, its white space squeezed (reflowing a text changes nothing a
/// reader sees).
pub fn finding_key(finding: &str) -> u64 {
    let mut h = Xxh3::new();
    squeezed(&mut h, finding);
    h.digest()
}

/// The key of a correction of claim `id`, dated `date` (`YYYYMMDD`).
pub fn correction_key(id: &str, date: u32, text: &str) -> u64 {
    let mut h = Xxh3::new();
    h.update(id.as_bytes());
    h.update(&[0]);
    h.update(&date.to_le_bytes());
    squeezed(&mut h, text);
    h.digest()
}

/// Hands `h` each word of `text` followed by a space. The hasher sees the bytes, not the
/// calls: a text already so (`is_squeezed`) is handed whole, with its final space. Word
/// by word, 20,000 findings were 4% of a one-claim save in `serve`, once to compare them
/// with what was published and once to keep the record.
fn squeezed(h: &mut Xxh3, text: &str) {
    if is_squeezed(text) {
        h.update(text.as_bytes());
        h.update(b" ");
        return;
    }
    for word in text.split_whitespace() {
        h.update(word.as_bytes());
        h.update(b" ");
    }
}

/// Whether `text` is words with one plain space between each: its squeezed form, less
/// the final space.
fn is_squeezed(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ")
        && text.chars().all(|c| c == ' ' || !c.is_whitespace())
}

/// A `YYYY-MM-DD` date as the number `YYYYMMDD` (0 when it is not one), as
/// [`crate::model::date::Date::number`] gives it.
pub fn day(date: &str) -> u32 {
    date.bytes().filter(u8::is_ascii_digit).fold(0u32, |n, b| n.saturating_mul(10).saturating_add(u32::from(b - b'0')))
}

/// `s` with each run of white space one space, and none at the ends.
pub fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys are kept on disk (the published record): a faster way to hash must give
    /// the same keys as the word-by-word one.
    #[test]
    fn keys_are_those_of_the_text_word_by_word() {
        let by_words = |text: &str| {
            let mut h = Xxh3::new();
            for word in text.split_whitespace() {
                h.update(word.as_bytes());
                h.update(b" ");
            }
            h.digest()
        };
        let texts = [
            "",
            " ",
            "One.",
            "One two three.",
            " One two.",
            "One two. ",
            "One  two.",
            "One\ntwo.",
            "One\ttwo.",
            "One\u{a0}two.",
            "Un\u{202f}: deux",
            "Verdict: « faux », dit-il.",
        ];
        for text in texts {
            assert_eq!(finding_key(text), by_words(text), "{text:?}");
            let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(is_squeezed(text), !text.is_empty() && words == text, "{text:?}");
        }
        assert_eq!(finding_key("One  two.\n"), finding_key("One two."));
    }
}
