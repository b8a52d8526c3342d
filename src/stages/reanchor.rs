//! Re-anchoring: finding again, in an article's new text, a passage that was checked in
//! an earlier version of it.
//!
//! Outlets edit articles after they are checked. A quote that no longer occurs in the
//! new text is looked for in three ways, in order, as Hypothesis re-anchors annotations
//! on a page that changed:
//!
//! 1. **exactly**: the passage is still there, word for word (perhaps moved);
//! 2. **by its context**: the words just before and just after it, as the checked version
//!    had them, are still there, close together: whatever now stands between them is the
//!    passage as it reads now (or nothing, when it was cut);
//! 3. **fuzzily**: the passage of the new text closest to the old one by edit distance,
//!    if it differs in at most [`FUZZ`] of its characters.
//!
//! Otherwise the passage is gone. All texts here are normalised as the anchor stage
//! normalises them ([`super::anchor::Normalized`]), and ranges are byte ranges in them.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// The share of a passage's characters that may differ for a fuzzy match: beyond a
/// quarter, "the closest passage" is often a different sentence that shares some words.
pub const FUZZ: f64 = 0.25;

/// Words of context looked for around a passage: five are rarely repeated in an article
/// by chance, and few enough to survive an edit nearby.
const CONTEXT_WORDS: usize = 5;

/// A checked passage with its context, as the checked version had it.
#[derive(Debug, Clone, Copy)]
pub struct Passage<'a> {
    /// The words just before it.
    pub before: &'a str,
    /// The passage.
    pub exact: &'a str,
    /// The words just after it.
    pub after: &'a str,
    /// Where it started in the checked version, as a share of that text's length: it
    /// picks the nearest of several candidates.
    pub at: f64,
}

/// How a passage was found again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum How {
    /// Word for word.
    Exact,
    /// Between its old context: the passage itself was edited.
    Context,
    /// By edit distance: the passage and what surrounds it were edited.
    Fuzzy,
    /// Not found: the passage was cut.
    Gone,
}

impl How {
    /// The name used in messages and in `claims.json`.
    pub fn name(self) -> &'static str {
        match self {
            How::Exact => "exact",
            How::Context => "context",
            How::Fuzzy => "fuzzy",
            How::Gone => "gone",
        }
    }
}

/// Finds `old` in `text`: how, and where (a range of `text`; for a passage that is gone,
/// an empty range where its context meets, or `None` when even that is not found).
pub fn find(old: &Passage<'_>, text: &str) -> (How, Option<Range<usize>>) {
    if old.exact.is_empty() {
        return (How::Gone, None);
    }
    let exact: Vec<Range<usize>> = text.match_indices(old.exact).map(|(i, s)| i..i + s.len()).collect();
    if let Some(r) = best(&exact, old, text) {
        return (How::Exact, Some(r));
    }
    if let Some(r) = between_context(old, text) {
        return (if r.is_empty() { How::Gone } else { How::Context }, Some(r));
    }
    if let Some((r, distance)) = super::anchor::closest(text, old.exact)
        && (distance as f64) <= FUZZ * old.exact.chars().count() as f64
    {
        return (How::Fuzzy, Some(whole_words(text, r)));
    }
    (How::Gone, None)
}

/// Of several candidates, the one whose surroundings agree most with the old context,
/// then the nearest to the old position.
fn best(found: &[Range<usize>], old: &Passage<'_>, text: &str) -> Option<Range<usize>> {
    let agree = |r: &Range<usize>| {
        let before = common_suffix(&text[..r.start], old.before);
        let after = common_prefix(&text[r.end..], old.after);
        before + after
    };
    let distance = |r: &Range<usize>| {
        let at = r.start as f64 / text.len().max(1) as f64;
        ((at - old.at).abs() * 1e6) as u64
    };
    found.iter().max_by_key(|r| (agree(r), std::cmp::Reverse(distance(r)))).cloned()
}

/// The text between the end of the old context before and the start of the old context
/// after, when both are found in that order, near each other.
fn between_context(old: &Passage<'_>, text: &str) -> Option<Range<usize>> {
    let before = last_words(old.before, CONTEXT_WORDS);
    let after = first_words(old.after, CONTEXT_WORDS);
    if before.is_empty() && after.is_empty() {
        return None;
    }
    // A passage may have grown, but not without bound: past three times its length plus a
    // paragraph, the "passage" between is more likely a stretch of unrelated text.
    let most = old.exact.len() * 3 + 400;
    let mut found = Vec::new();
    for (start, _) in text.match_indices(before) {
        let from = start + before.len();
        let rest = &text[from..];
        // No context after: the passage ended the text, and may still.
        let end = if after.is_empty() { Some(rest.len()) } else { rest.find(after) };
        if let Some(end) = end.filter(|&e| e <= most) {
            found.push(trim(text, from..from + end));
        }
        if before.is_empty() {
            break;
        }
    }
    best(&found, old, text)
}

/// `r` widened to whole words: the closest passage by edit distance may start or end
/// inside one ("nspectors found" for "Engineers found").
fn whole_words(text: &str, r: Range<usize>) -> Range<usize> {
    let start = text[..r.start]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(r.start, |(i, _)| i);
    let tail = text[r.end..].char_indices().take_while(|(_, c)| c.is_alphanumeric()).last();
    let end = tail.map_or(r.end, |(i, c)| r.end + i + c.len_utf8());
    start..end
}

/// `r` without the spaces at its ends.
fn trim(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let start = r.start + (s.len() - s.trim_start().len());
    let end = r.end - (s.len() - s.trim_end().len());
    start..end.max(start)
}

fn last_words(s: &str, n: usize) -> &str {
    let s = s.trim_end();
    let cut = s.char_indices().filter(|(_, c)| *c == ' ').map(|(i, _)| i + 1).rev().nth(n - 1).unwrap_or(0);
    &s[cut..]
}

fn first_words(s: &str, n: usize) -> &str {
    let s = s.trim_start();
    let cut = s.char_indices().filter(|(_, c)| *c == ' ').map(|(i, _)| i).nth(n - 1).unwrap_or(s.len());
    &s[..cut]
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.chars().rev().zip(b.chars().rev()).take_while(|(x, y)| x == y).count()
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// A piece of a word diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", content = "text", rename_all = "lowercase")]
pub enum Piece {
    /// In both.
    Same(String),
    /// Only in the old passage.
    Removed(String),
    /// Only in the new one.
    Added(String),
}

/// The word diff from `old` to `new`. Changes separated only by white space are one
/// change ("[-nearly double-]{+far above+}", not word by word).
pub fn word_diff(old: &str, new: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut run: (String, String, usize) = (String::new(), String::new(), 0);
    let flush = |out: &mut Vec<Piece>, run: &mut (String, String, usize)| {
        let (removed, added, _) = std::mem::take(run);
        out.extend((!removed.is_empty()).then_some(Piece::Removed(removed)));
        out.extend((!added.is_empty()).then_some(Piece::Added(added)));
    };
    let pieces = by_word(old, new);
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Removed(s) => run.0.push_str(s),
            Piece::Added(s) => run.1.push_str(s),
            Piece::Same(s) if s.trim().is_empty() && run != Default::default() && changes_follow(&pieces[i + 1..]) => {
                run.0.push_str(s);
                run.1.push_str(s);
            }
            Piece::Same(s) => {
                flush(&mut out, &mut run);
                out.push(Piece::Same(s.clone()));
            }
        }
    }
    flush(&mut out, &mut run);
    out
}

/// Whether a change comes next, before any word in common.
fn changes_follow(rest: &[Piece]) -> bool {
    matches!(rest.first(), Some(Piece::Removed(_) | Piece::Added(_)))
}

/// The diff, word by word, equal pieces joined.
fn by_word(old: &str, new: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for change in similar::TextDiff::from_words(old, new).iter_all_changes() {
        let text = change.value();
        let piece = match (change.tag(), out.pop()) {
            (similar::ChangeTag::Equal, Some(Piece::Same(s))) => Piece::Same(s + text),
            (similar::ChangeTag::Delete, Some(Piece::Removed(s))) => Piece::Removed(s + text),
            (similar::ChangeTag::Insert, Some(Piece::Added(s))) => Piece::Added(s + text),
            (tag, last) => {
                out.extend(last);
                match tag {
                    similar::ChangeTag::Equal => Piece::Same(text.to_string()),
                    similar::ChangeTag::Delete => Piece::Removed(text.to_string()),
                    similar::ChangeTag::Insert => Piece::Added(text.to_string()),
                }
            }
        };
        out.push(piece);
    }
    out
}

/// A word diff as `git diff --word-diff=plain` writes one: `[-removed-]{+added+}`.
pub fn plain(diff: &[Piece]) -> String {
    diff.iter()
        .map(|p| match p {
            Piece::Same(s) => s.clone(),
            Piece::Removed(s) => format!("[-{}-]{}", s.trim_end(), &s[s.trim_end().len()..]),
            Piece::Added(s) => format!("{{+{}+}}{}", s.trim_end(), &s[s.trim_end().len()..]),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "The council met on Monday. It said the bridge repairs will cost £2.4m and finish in May. Work starts next week.";

    fn passage<'a>(text: &'a str, exact: &'a str) -> Passage<'a> {
        let start = text.find(exact).unwrap();
        Passage {
            before: &text[..start],
            exact,
            after: &text[start + exact.len()..],
            at: start as f64 / text.len() as f64,
        }
    }

    fn found(new: &str) -> (How, Option<String>) {
        let old = passage(OLD, "the bridge repairs will cost £2.4m");
        let (how, r) = find(&old, new);
        (how, r.map(|r| new[r].to_string()))
    }

    #[test]
    fn an_unchanged_or_moved_passage_is_found_exactly() {
        assert_eq!(found(OLD), (How::Exact, Some("the bridge repairs will cost £2.4m".into())));
        let moved = "Work starts next week. It said the bridge repairs will cost £2.4m and more.";
        assert_eq!(found(moved).0, How::Exact);
    }

    #[test]
    fn an_edited_passage_is_found_between_its_context() {
        let new = "The council met on Monday. It said the repairs to the harbour bridge will cost £3.1m and finish in May. Work starts next week.";
        assert_eq!(found(new), (How::Context, Some("the repairs to the harbour bridge will cost £3.1m".into())));
    }

    #[test]
    fn a_passage_edited_with_its_context_is_found_fuzzily() {
        let new =
            "Councillors met on Monday evening. They said that the bridge repair will cost £2.4m, finishing by June.";
        assert_eq!(found(new), (How::Fuzzy, Some("the bridge repair will cost £2.4m".into())));
        let inside = "In January, inspectors said the bridge repair would cost £2.4m.";
        let old = passage(
            "Engineers said the bridge repair will cost £2.4m in all.",
            "Engineers said the bridge repair will cost £2.4m",
        );
        let (how, r) = find(&old, inside);
        assert_eq!((how, &inside[r.unwrap()]), (How::Fuzzy, "inspectors said the bridge repair would cost £2.4m"));
    }

    #[test]
    fn a_cut_passage_is_gone() {
        let cut = "The council met on Monday. It said and finish in May. Work starts next week.";
        let (how, r) = find(&passage(OLD, "the bridge repairs will cost £2.4m"), cut);
        assert_eq!(how, How::Gone);
        assert!(r.unwrap().is_empty());
        assert_eq!(found("An article about something else entirely, with no bridge in it."), (How::Gone, None));
    }

    #[test]
    fn of_two_exact_candidates_the_one_in_the_old_context_wins() {
        let old = passage("Alpha said yes. Beta said yes.", "said yes");
        let old = Passage { before: "Beta ", at: 0.6, ..old };
        let (_, r) = find(&old, "Beta said yes. Alpha said yes.");
        assert_eq!(r, Some(5..13));
    }

    #[test]
    fn word_diff_reads_like_git() {
        let d = word_diff("will cost £2.4m and finish", "will cost £3.1m and finish soon");
        assert_eq!(plain(&d), "will cost [-£2.4m-]{+£3.1m+} and finish{+ soon+}");
    }
}
