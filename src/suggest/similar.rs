//! Whether two passages talk about the same thing: the words around them, weighted by
//! how rare each word is in the whole briefing and how close it stands to the mention.
//!
//! A word every article uses (the names of the parties, "said") tells little; "blog post"
//! right beside a date tells a lot. So the weight of a shared word is its inverse
//! document frequency over the briefing's sentences, times its nearness on both sides.

use std::collections::HashMap;
use std::ops::Range;

use super::scan::{Scan, month, weekday};

/// English function words: they say nothing about what a sentence is about. General
/// grammar, not the vocabulary of any story.
const STOP: &[&str] = &[
    "a",
    "about",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "back",
    "be",
    "because",
    "been",
    "before",
    "being",
    "both",
    "but",
    "by",
    "can",
    "could",
    "day",
    "days",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "last",
    "least",
    "less",
    "let",
    "like",
    "made",
    "make",
    "many",
    "may",
    "me",
    "might",
    "month",
    "more",
    "most",
    "much",
    "must",
    "my",
    "new",
    "next",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "per",
    "said",
    "same",
    "say",
    "says",
    "she",
    "should",
    "since",
    "so",
    "some",
    "still",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "time",
    "to",
    "today",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "was",
    "we",
    "week",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "year",
    "years",
    "yes",
    "yesterday",
    "yet",
    "you",
    "your",
];

/// Whether a word is a function word.
pub fn is_stop(word: &str) -> bool {
    let w = word.to_lowercase();
    STOP.binary_search(&w.as_str()).is_ok()
}

/// A crude English stem: enough to fold plurals and verb endings together
/// ("announces", "announced", "announcement" → "announc").
pub fn stem(word: &str) -> String {
    let mut w = word.to_lowercase().replace('’', "'");
    if let Some(s) = w.strip_suffix("'s") {
        w = s.to_string();
    }
    for suffix in ["ments", "ment", "ings", "ing", "ies", "ied", "es", "ed", "ly", "s"] {
        if w.len() >= suffix.len() + 3 && w.ends_with(suffix) && !(suffix == "s" && w.ends_with("ss")) {
            w.truncate(w.len() - suffix.len());
            break;
        }
    }
    // "announce" and "announc(ing)" alike.
    if w.len() > 4 && w.ends_with('e') {
        w.pop();
    }
    w
}

/// Whether a token carries meaning for similarity: a word, not a function word, not a
/// number, not a date word (dates are what is being compared, not context).
fn content(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_alphabetic)
        && word.chars().count() > 1
        && !is_stop(word)
        && month(word).is_none()
        && weekday(word).is_none()
}

/// Document frequencies of stems over a set of sentences.
#[derive(Debug, Default)]
pub struct Vocab {
    df: HashMap<String, u32>,
    n: u32,
}

impl Vocab {
    /// Counts one sentence (each stem once).
    pub fn add<'a>(&mut self, words: impl IntoIterator<Item = &'a str>) {
        let mut seen: Vec<String> = words.into_iter().filter(|w| content(w)).map(stem).collect();
        seen.sort();
        seen.dedup();
        for s in seen {
            *self.df.entry(s).or_default() += 1;
        }
        self.n += 1;
    }

    /// Counts every sentence of a scanned text.
    pub fn add_scan(&mut self, s: &Scan<'_>) {
        for r in &s.sentences {
            self.add(r.clone().map(|i| s.tok(i)));
        }
    }

    /// Inverse document frequency: rare stems weigh more.
    pub fn idf(&self, stem: &str) -> f32 {
        let df = self.df.get(stem).copied().unwrap_or(0) as f32;
        ((self.n as f32 + 1.0) / (df + 1.0)).ln().max(0.0)
    }
}

/// The weighted words around a mention.
#[derive(Debug, Clone, Default)]
pub struct Context {
    weights: HashMap<String, f32>,
}

impl Context {
    /// The content words of the sentence around tokens `at`, each weighted by rarity and
    /// by nearness to the mention: `1 / (1 + d/3)` for `d` words in between.
    pub fn around(s: &Scan<'_>, at: &Range<usize>, vocab: &Vocab) -> Context {
        let sentence = s.sentences[s.tokens[at.start].sentence].clone();
        let mut weights: HashMap<String, f32> = HashMap::new();
        let words: Vec<usize> = sentence.filter(|i| !at.contains(i) && content(s.tok(*i))).collect();
        for &i in &words {
            let between = if i < at.start {
                words.iter().filter(|&&k| k > i && k < at.start).count()
            } else {
                words.iter().filter(|&&k| k < i && k >= at.end).count()
            };
            let near = 1.0 / (1.0 + between as f32 / 3.0);
            let st = stem(s.tok(i));
            let w = vocab.idf(&st) * near;
            let e = weights.entry(st).or_default();
            *e = e.max(w);
        }
        Context { weights }
    }

    /// A whole short text (a timeline entry), every word equally near.
    pub fn of_text(words: impl IntoIterator<Item = String>, vocab: &Vocab) -> Context {
        let mut weights = HashMap::new();
        for w in words.into_iter().filter(|w| content(w)) {
            let st = stem(&w);
            let idf = vocab.idf(&st);
            weights.insert(st, idf);
        }
        Context { weights }
    }

    /// How much two contexts share: the sum, over shared stems, of the smaller weight.
    pub fn similarity(&self, other: &Context) -> f32 {
        let (small, big) = if self.weights.len() <= other.weights.len() { (self, other) } else { (other, self) };
        small.weights.iter().filter_map(|(k, a)| big.weights.get(k).map(|b| a.min(*b))).sum()
    }

    /// The stems both contexts hold, heaviest first: why two passages were paired.
    pub fn shared(&self, other: &Context) -> Vec<String> {
        let mut v: Vec<(&String, f32)> =
            self.weights.iter().filter_map(|(k, a)| other.weights.get(k).map(|b| (k, a.min(*b)))).collect();
        v.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(y.0)));
        v.into_iter().map(|(k, _)| k.clone()).collect()
    }
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
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP.windows(2).all(|w| w[0] < w[1]), "keep STOP sorted");
    }

    #[test]
    fn stems_fold_endings() {
        assert_eq!(stem("announces"), stem("announced"));
        assert_eq!(stem("announcement"), stem("announcing"));
        assert_eq!(stem("posts"), "post");
        assert_eq!(stem("business"), "business");
        assert_eq!(stem("Microsoft's"), "microsoft");
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
            Context::around(s, &(i..i + 2), &v)
        };
        let (ca, cb, cc) = (ctx(&scans[0]), ctx(&scans[1]), ctx(&scans[2]));
        assert!(ca.similarity(&cb) > 2.0 * ca.similarity(&cc), "{} vs {}", ca.similarity(&cb), ca.similarity(&cc));
        assert_eq!(ca.shared(&cb)[..2].to_vec(), vec!["post".to_string(), "blog".to_string()]);
    }
}
