//! What the words of a mention's clause say about it, beyond the context they share:
//! a figure that is a running tally, a day that is a plan or a forecast, and the named
//! things a figure or date belongs to. English grammar only, nothing of one story.

use std::ops::Range;

use super::scan::Scan;
use super::similar::clause_of;
use super::words::is_stop;

/// Words that make a figure a running tally, true as of the day it was written: "has
/// burned 22,900 acres", "as of Monday, 48 percent", "so far", "up from 6,800". Two
/// articles of two different days may both be right.
const RUNNING: &[&str] = &["currently", "latest", "now", "so far", "to date", "as of", "up from", "down from"];

/// Verbs of growth and decline, whose perfect ("has burned", "had risen to") gives a
/// tally as of a day; a one-off act in the perfect ("has approved $1.5 million") is not.
const CHANGES: &[&str] = &[
    "burned",
    "burnt",
    "scorched",
    "grown",
    "risen",
    "climbed",
    "reached",
    "increased",
    "fallen",
    "dropped",
    "declined",
    "spread",
    "swelled",
    "topped",
    "jumped",
    "doubled",
    "tripled",
    "surged",
    "soared",
    "passed",
    "killed",
    "infected",
    "sickened",
    "claimed",
    "destroyed",
    "damaged",
    "displaced",
    "totalled",
    "totaled",
];

/// Words that put a day in the future of what its sentence reports: a forecast, a plan.
const AHEAD: &[&str] = &[
    "will",
    "would",
    "'ll",
    "expected",
    "expects",
    "expect",
    "forecast",
    "forecasts",
    "scheduled",
    "due",
    "plans",
    "planned",
    "planning",
    "set to",
    "next",
    "until",
    "hopes",
    "hope",
    "aims",
];

/// The tokens of the clause of the mention at tokens `at`.
pub fn clause(s: &Scan<'_>, at: &Range<usize>) -> Range<usize> {
    let sentence = s.sentences[s.tokens[at.start].sentence].clone();
    clause_of(s, at, &sentence)
}

/// The clause of the mention at tokens `at`, lowercase, one string with single spaces
/// around each word (so that a cue is found as `" so far "`); with `before`, only its
/// words before the mention.
fn clause_text(s: &Scan<'_>, at: &Range<usize>, before: bool) -> String {
    let clause = clause(s, at);
    let end = if before { at.start } else { clause.end };
    let mut text = String::from(" ");
    for i in clause.start..end {
        text.push_str(&s.tok(i).to_lowercase());
        text.push(' ');
    }
    text
}

/// Whether the figure at `at` is a running tally.
pub fn running(s: &Scan<'_>, at: &Range<usize>) -> bool {
    let text = clause_text(s, at, false);
    let has = |cue: &str| text.contains(&format!(" {cue} "));
    if RUNNING.iter().any(|c| has(c)) {
        return true;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(2).any(|w| matches!(w[0], "has" | "have" | "had" | "'s") && CHANGES.contains(&w[1]))
}

/// Verbs of speech: a day written right after one ("said on Wednesday", "told reporters
/// Friday") is the day of the statement.
const SPEECH: &[&str] = &["said", "says", "told", "tells", "added", "adds", "wrote", "writes", "stated", "explained"];

/// Whether the day at `at` is the day something was said: a verb of speech at most three
/// words before it, nothing but words between ("Corvane said on Wednesday that the sites
/// had closed", "the operator told reporters yesterday"). A statement reacts to the news
/// or reports it, often a day or more later, so the news its sentence tells is no
/// evidence of what that day was.
pub fn said_on(s: &Scan<'_>, at: &Range<usize>) -> bool {
    let sentence = s.tokens[at.start].sentence;
    (at.start.saturating_sub(3)..at.start).rev().take_while(|&i| s.tokens[i].sentence == sentence).any(|i| {
        SPEECH.contains(&s.tok(i).to_lowercase().as_str())
            && (i + 1..at.start).all(|k| s.tok(k).starts_with(char::is_alphabetic))
    })
}

/// Whether the day at `at` is one its clause looks ahead to: a cue before it ("expected
/// winds to ease on Thursday"; not "announced on Monday that it will close").
pub fn ahead(s: &Scan<'_>, at: &Range<usize>) -> bool {
    let text = clause_text(s, at, true);
    AHEAD.iter().any(|c| text.contains(&format!(" {c} "))) || arranged(&text)
}

/// Whether a clause (lowercase words, see [`clause_text`]) has a verb in the present
/// progressive: with a day, English uses it for what is arranged ahead ("members are
/// organising a vigil on Saturday").
fn arranged(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(2).any(|w| {
        matches!(w[0], "is" | "are" | "am" | "'re")
            && w[1].len() > 5
            && w[1].ends_with("ing")
            && !matches!(w[1], "during" | "nothing" | "something" | "anything" | "everything")
    })
}

/// The named things among `words`: runs of two or more capitalised words that are not
/// function words ("the Halvorsen Fire" gives `["halvorsen", "fire"]`).
pub fn names<'w>(words: impl IntoIterator<Item = &'w str>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut run: Vec<String> = Vec::new();
    for w in words.into_iter().chain([""]) {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        if w.starts_with(char::is_uppercase) && !is_stop(w) {
            run.push(w.to_lowercase());
            continue;
        }
        if run.len() >= 2 {
            out.push(std::mem::take(&mut run));
        }
        run.clear();
    }
    out
}

/// The named things of the sentence of the mention at `at`.
pub fn names_around(s: &Scan<'_>, at: &Range<usize>) -> Vec<Vec<String>> {
    names(s.sentences[s.tokens[at.start].sentence].clone().map(|i| s.tok(i)))
}

/// Whether two sentences name two different things of one kind, and neither names the
/// other's: "the Keller Fire of 2019" and "the Halvorsen Fire", the same last word with
/// different names before it. Their figures and dates are about two things.
pub fn distinct(a: &[Vec<String>], b: &[Vec<String>]) -> bool {
    a.iter().any(|x| {
        !b.contains(x)
            && b.iter().any(|y| !a.contains(y) && x.last() == y.last() && x != y && !x.ends_with(y) && !y.ends_with(x))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_after_a_verb_of_speech_is_the_statements() {
        let said = |text: &str, day: &str| {
            let s = Scan::new(text, &[]);
            let i = (0..s.tokens.len()).find(|&i| s.tok(i) == day).unwrap();
            said_on(&s, &(i..i + 1))
        };
        assert!(said("Corvane said on Wednesday that the sites had closed.", "Wednesday"));
        assert!(said("The operator told reporters yesterday it would take weeks.", "yesterday"));
        assert!(said("Officials said late Monday the road was open.", "Monday"));
        assert!(!said("The report, it said, was published on Monday.", "Monday"));
        assert!(!said("The company announced its own recall on Monday.", "Monday"));
    }

    #[test]
    fn the_present_progressive_looks_ahead() {
        assert!(arranged(" members are organising a vigil on the museum steps on "));
        assert!(arranged(" the council is holding a hearing on "));
        assert!(!arranged(" crews were working through the night on "));
        assert!(!arranged(" the line is closed during works on "));
        assert!(!arranged(" it is king of the hill on "));
    }

    #[test]
    fn names_are_runs_of_capitalised_words() {
        let words = "The Halvorsen Fire started near Keller Canyon Road , said Cal Fire .".split(' ');
        assert_eq!(names(words), [vec!["halvorsen", "fire"], vec!["keller", "canyon", "road"], vec!["cal", "fire"]]);
    }

    #[test]
    fn two_fires_are_two_things_but_one_fire_named_twice_is_one() {
        let keller = names("the Keller Fire of October 2019 burned".split(' '));
        let halvorsen = names("the Halvorsen Fire started near Keller Canyon Road".split(' '));
        assert!(distinct(&keller, &halvorsen));
        let again = names("the Halvorsen Fire has burned".split(' '));
        assert!(!distinct(&again, &halvorsen));
        // A longer name of the same thing is the same thing.
        let longer = names("the Castellan Brenner Group said".split(' '));
        let shorter = names("Brenner Group shares".split(' '));
        assert!(!distinct(&longer, &shorter));
    }
}
