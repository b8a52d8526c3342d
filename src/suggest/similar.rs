//! Whether two passages talk about the same thing: the words around them, weighted by
//! how rare each word is in the whole briefing and how close it stands to the mention.
//!
//! A word every article uses (the names of the parties, "said") tells little; "blog post"
//! right beside a date tells a lot. So the weight of a shared word is its inverse
//! document frequency over the briefing's sentences, times its nearness on both sides.

use std::collections::HashMap;
use std::ops::Range;

use super::scan::{Scan, month, weekday};
use super::words::{is_stop, stem};

/// A word for messages: lowercase, without a possessive `'s`.
fn plain(word: &str) -> String {
    let w = word.to_lowercase();
    w.strip_suffix("'s").or_else(|| w.strip_suffix("’s")).unwrap_or(&w).to_string()
}

/// Whether a token carries meaning for similarity: a word, not a function word, not a
/// number, not a date word (dates are what is being compared, not context).
fn content(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_alphabetic)
        && word.chars().count() > 1
        && !is_stop(word)
        && month(word).is_none()
        && weekday(word).is_none()
        && !NUMBER_WORDS.contains(&word.to_lowercase().as_str())
}

/// Counting words: a quantity, not a topic.
const NUMBER_WORDS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "thirty",
    "forty", "fifty", "hundred", "thousand", "million", "billion", "trillion", "dozen", "half",
];

/// The weight of a word outside the mention's clause, relative to one inside.
pub const OTHER_CLAUSE: f32 = 0.4;

/// Document frequencies of stems over a set of sentences, each stem numbered, with the
/// word as first written (for messages).
#[derive(Debug, Default)]
pub struct Vocab {
    ids: HashMap<String, u32>,
    df: Vec<u32>,
    written: Vec<String>,
    n: u32,
}

impl Vocab {
    /// Counts one sentence (each term once).
    pub fn add(&mut self, words: &[&str]) {
        let mut seen: Vec<u32> = Vec::new();
        for t in terms(words) {
            let next = self.ids.len() as u32;
            let id = *self.ids.entry(t.stem).or_insert(next);
            if id == next {
                self.df.push(0);
                self.written.push(t.plain);
            }
            seen.push(id);
        }
        seen.sort_unstable();
        seen.dedup();
        for id in seen {
            self.df[id as usize] += 1;
        }
        self.n += 1;
    }

    /// Counts every sentence of a scanned text.
    pub fn add_scan(&mut self, s: &Scan<'_>) {
        for r in &s.sentences {
            let words: Vec<&str> = r.clone().map(|i| s.tok(i)).collect();
            self.add(&words);
        }
    }

    /// A stem's number and inverse document frequency (rare stems weigh more); `None`
    /// for a stem never counted.
    fn weigh(&self, stem: &str) -> Option<(u32, f32)> {
        let id = *self.ids.get(stem)?;
        let df = self.df[id as usize] as f32;
        Some((id, ((self.n as f32 + 1.0) / (df + 1.0)).ln().max(0.0)))
    }

    /// The word stem `id` was first written as.
    pub fn word(&self, id: u32) -> &str {
        self.written.get(id as usize).map_or("", String::as_str)
    }
}

/// The weighted words around a mention: (stem number, weight), sorted by number. Plain
/// numbers, not strings: an archive of 10,000 articles has hundreds of thousands of
/// mentions, and keeping each one's words as strings in a map took 0.7 GB.
#[derive(Debug, Clone, Default)]
pub struct Context {
    weights: Vec<(u32, f32)>,
}

impl Context {
    /// The content words around tokens `at`, each weighted by rarity and by nearness to
    /// the mention: `1 / (1 + d/reach)` for `d` words in between. A date is about its
    /// clause (reach 3); a number about the few words beside it (reach 1.5: "winds of 90
    /// mph" and "gusts of 75 mph" in otherwise alike sentences are two measures).
    ///
    /// With `clause`, words outside the mention's own clause count for less
    /// ([`OTHER_CLAUSE`]): in "Construction began in May 2023, two years after the council
    /// approved the route", the council's approval is not what May 2023 dates. A clause
    /// holding nothing but the mention ("On 27 February, the companies…") is widened.
    pub fn around(s: &Scan<'_>, at: &Range<usize>, vocab: &Vocab, reach: f32, clause: bool) -> Context {
        let sentence = s.sentences[s.tokens[at.start].sentence].clone();
        let own = if clause { clause_of(s, at, &sentence) } else { sentence.clone() };
        let words: Vec<&str> = sentence.clone().map(|i| s.tok(i)).collect();
        let terms: Vec<Term> = terms(&words)
            .into_iter()
            .map(|mut t| {
                t.at += sentence.start;
                t
            })
            .filter(|t| !at.contains(&t.at))
            .collect();
        let mut weights: Vec<(u32, f32)> = Vec::new();
        for t in &terms {
            let Some((id, idf)) = vocab.weigh(&t.stem) else { continue };
            let between = if t.at < at.start {
                terms.iter().filter(|k| k.at > t.at && k.at < at.start).count()
            } else {
                terms.iter().filter(|k| k.at < t.at && k.at >= at.end).count()
            };
            let near = 1.0 / (1.0 + between as f32 / reach);
            let scope = if own.contains(&t.at) { 1.0 } else { OTHER_CLAUSE };
            weights.push((id, idf * near * scope));
        }
        Context::of(weights)
    }

    /// A whole short text (a timeline entry), every word equally near.
    pub fn of_text(words: &[&str], vocab: &Vocab) -> Context {
        Context::of(terms(words).iter().filter_map(|t| vocab.weigh(&t.stem)).collect())
    }

    /// Sorted by stem, each stem once at its greatest weight.
    fn of(mut weights: Vec<(u32, f32)>) -> Context {
        weights.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        weights.dedup_by_key(|w| w.0);
        weights.shrink_to_fit();
        Context { weights }
    }

    /// The numbers of the stems it holds.
    pub fn stems(&self) -> impl Iterator<Item = u32> + '_ {
        self.weights.iter().map(|w| w.0)
    }

    /// The stems both hold, each with the smaller of the two weights.
    fn common<'a>(&'a self, other: &'a Context) -> impl Iterator<Item = (u32, f32)> + 'a {
        let (mut i, mut j) = (0, 0);
        std::iter::from_fn(move || {
            while i < self.weights.len() && j < other.weights.len() {
                let (a, b) = (self.weights[i], other.weights[j]);
                match a.0.cmp(&b.0) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        (i, j) = (i + 1, j + 1);
                        return Some((a.0, a.1.min(b.1)));
                    }
                }
            }
            None
        })
    }

    /// How much two contexts share: the sum, over shared stems, of the smaller weight.
    pub fn similarity(&self, other: &Context) -> f32 {
        self.common(other).map(|(_, w)| w).sum()
    }

    /// The words both contexts hold (as first written), heaviest first: why two passages
    /// were paired.
    pub fn shared(&self, other: &Context, vocab: &Vocab) -> Vec<String> {
        let mut v: Vec<(&str, f32)> = self.common(other).map(|(id, w)| (vocab.word(id), w)).collect();
        v.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(y.0)));
        v.into_iter().map(|(w, _)| w.to_string()).collect()
    }
}

/// A meaningful word of a sentence: its token index, stem and written form.
#[derive(Debug, Clone)]
pub struct Term {
    at: usize,
    stem: String,
    plain: String,
}

/// The content words of a run of tokens. A capitalised word followed by a small number
/// is one name ("Line 3", "Route 66"): Line 2 and Line 3 are different things.
fn terms(words: &[&str]) -> Vec<Term> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let next = words.get(i + 1).copied().unwrap_or("");
        if w.starts_with(|c: char| c.is_uppercase())
            && !next.is_empty()
            && next.len() <= 3
            && next.bytes().all(|b| b.is_ascii_digit())
            && month(w).is_none()
        {
            let name = format!("{} {next}", plain(w));
            out.push(Term { at: i, stem: name.clone(), plain: name });
            i += 2;
            continue;
        }
        if content(w) {
            out.push(Term { at: i, stem: stem(w), plain: plain(w) });
        }
        i += 1;
    }
    out
}

/// Tokens that end a clause.
fn is_boundary(t: &str) -> bool {
    matches!(t, "," | ";" | ":" | "—" | "–" | "(" | ")")
}

/// Words that open a relative clause set off by commas ("the dam, which held, was…"):
/// such an aside is skipped, so that the subject stays in the mention's clause.
fn is_relative(t: &str) -> bool {
    matches!(t.to_lowercase().as_str(), "which" | "who" | "whom" | "whose")
}

/// The clause around tokens `at` within `sentence`, widened while it holds fewer than
/// two content words besides the mention: first towards its subject, on the left.
pub(super) fn clause_of(s: &Scan<'_>, at: &Range<usize>, sentence: &Range<usize>) -> Range<usize> {
    let grow_left = |mut start: usize| {
        loop {
            while start > sentence.start && !is_boundary(s.tok(start - 1)) {
                start -= 1;
            }
            // `, which held,` right before: step over the aside.
            let comma = start.checked_sub(1).filter(|&c| c > sentence.start && s.tok(c) == ",");
            let Some(comma) = comma else { break };
            let mut open = comma;
            while open > sentence.start && !is_boundary(s.tok(open - 1)) {
                open -= 1;
            }
            if open > sentence.start && s.tok(open - 1) == "," && is_relative(s.tok(open)) {
                start = open - 1;
            } else {
                break;
            }
        }
        start
    };
    let grow_right = |mut end: usize| {
        while end < sentence.end && !is_boundary(s.tok(end)) {
            end += 1;
        }
        end
    };
    let (mut start, mut end) = (grow_left(at.start), grow_right(at.end));
    let count = |start: usize, end: usize| {
        let words: Vec<&str> = (start..end).map(|i| s.tok(i)).collect();
        terms(&words).iter().filter(|t| !at.contains(&(t.at + start))).count()
    };
    while count(start, end) < 2 && (end < sentence.end || start > sentence.start) {
        if start > sentence.start {
            start = grow_left(start - 1);
        } else {
            end = grow_right(end + 1);
        }
    }
    start..end
}

/// Splits a short text into words, as [`Scan`] does.
pub fn words(text: &str) -> Vec<String> {
    let s = Scan::new(text, &[]);
    (0..s.tokens.len()).map(|i| s.tok(i).to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_fold_endings() {
        assert_eq!(stem("announces"), stem("announced"));
        assert_eq!(stem("announcement"), stem("announcing"));
        assert_eq!(stem("posts"), "post");
        assert_eq!(stem("business"), "business");
        assert_eq!(stem("Council's"), "council");
    }

    #[test]
    fn rare_near_words_weigh_most() {
        let a = "They shared it in a joint blog post in October 2024, the company said.";
        let b = "Details were in a joint blog post from October 2025 titled Next Steps.";
        let c = "The company said in October 2025 that the company would grow.";
        let mut v = Vocab::default();
        let scans: Vec<Scan<'_>> = [a, b, c].iter().map(|t| Scan::new(t, &[])).collect();
        for s in &scans {
            v.add_scan(s);
        }
        let ctx = |s: &Scan<'_>| {
            let i = (0..s.tokens.len()).find(|&i| s.tok(i) == "October").unwrap();
            Context::around(s, &(i..i + 2), &v, 3.0, true)
        };
        let (ca, cb, cc) = (ctx(&scans[0]), ctx(&scans[1]), ctx(&scans[2]));
        assert!(ca.similarity(&cb) > 2.0 * ca.similarity(&cc), "{} vs {}", ca.similarity(&cb), ca.similarity(&cc));
        assert_eq!(ca.shared(&cb, &v)[..2].to_vec(), vec!["post".to_string(), "blog".to_string()]);
    }
}
