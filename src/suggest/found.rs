//! What the detectors found, before it is shown: ranked, grouped and cut to a limit.
//!
//! A detector records a [`Found`]: which mentions, how strong the evidence, the values
//! that conflict. That is cheap. Making a suggestion to show (its passages located in the
//! file, a quote that occurs once, a snippet with fresh ids) is not, so only the ones
//! shown are made: on 100 generated articles the old detectors made 469,217 suggestions
//! in 450 s and 1.4 GB, nearly all of the time spent making them.
//!
//! One conflict repeated across many articles (one article says £480 million where five
//! say £410 million) is one suggestion listing every passage, not five.

use std::collections::HashMap;

use crate::model::date::Date;

/// A mention: its article's index among the articles, and its own among that article's
/// mentions.
pub type At = (usize, usize);

/// One thing a detector found.
#[derive(Debug, Clone)]
pub struct Found {
    /// The suggestion's code.
    pub code: &'static str,
    /// The mention that looks wrong, or the first of two that conflict.
    pub a: At,
    /// The second of two that conflict.
    pub b: Option<At>,
    /// The strength of the evidence: how much the passages share (for pairs), or the
    /// evidence for a date; see [`confidence`].
    pub score: f32,
    /// The values that conflict, as keys (`2025-10`, `GBP 410000000`): a pair's two, so
    /// that the same conflict found in other articles is grouped with it.
    pub values: (String, String),
    /// What the message and notes need beyond the passages.
    pub why: Why,
}

/// The evidence behind a [`Found`], for its message and notes.
#[derive(Debug, Clone)]
pub enum Why {
    /// A weekday written with a date it does not fit.
    WeekdayDate {
        /// The date.
        date: Date,
        /// The weekday written (0 = Monday).
        weekday: usize,
    },
    /// A relative weekday that is not the day of the event its sentence reports.
    WeekdayEvent {
        /// The event's date, as the evidence has it.
        date: Date,
        /// The evidence, for the notes.
        notes: Vec<String>,
    },
    /// A date that contradicts a timeline entry.
    Timeline {
        /// The entry's date.
        date: Date,
        /// The entry's title.
        title: String,
        /// The words they share.
        shared: Vec<String>,
    },
    /// Two passages about the same thing that disagree; a note made in advance (a
    /// quotation's differing words), or none (the shared words are found when shown).
    Pair(Option<String>),
}

/// How sure a suggestion is, from 0 to 1: arithmetic (a weekday that does not fit its
/// date) is near certain; otherwise the evidence `s` gives `s / (s + 3)`, so that the
/// pairing threshold of 3.0 is an even chance and twice as much evidence is 2 in 3.
pub fn confidence(f: &Found) -> f32 {
    match f.why {
        Why::WeekdayDate { .. } => 0.99,
        _ => f.score / (f.score + 3.0),
    }
}

/// A suggestion to be: the finds it is made of (one, or the pairs of one conflict), the
/// strongest first.
#[derive(Debug, Clone)]
pub struct Group {
    /// Indices into the finds.
    pub members: Vec<usize>,
    /// The best member's confidence.
    pub confidence: f32,
}

/// The finds grouped and ranked: each pair joins the pairs of the same code and the same
/// two values that share a mention with it; then the strongest first, more articles
/// first among equals, then by place.
pub fn rank(found: &[Found]) -> Vec<Group> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut buckets: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
    for (i, f) in found.iter().enumerate() {
        if f.b.is_none() {
            groups.push(vec![i]);
            continue;
        }
        let (x, y) = (f.values.0.as_str(), f.values.1.as_str());
        let (x, y) = if x <= y { (x, y) } else { (y, x) };
        buckets.entry((f.code, x, y)).or_default().push(i);
    }
    let mut keyed: Vec<_> = buckets.into_iter().collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, members) in keyed {
        groups.extend(connected(found, &members));
    }
    let mut out: Vec<Group> = groups
        .into_iter()
        .map(|mut members| {
            members.sort_by(|&a, &b| found[b].score.total_cmp(&found[a].score).then(a.cmp(&b)));
            let confidence = confidence(&found[members[0]]);
            Group { members, confidence }
        })
        .collect();
    out.sort_by(|a, b| {
        let first = |g: &Group| found[g.members[0]].a;
        b.confidence.total_cmp(&a.confidence).then(b.members.len().cmp(&a.members.len())).then(first(a).cmp(&first(b)))
    });
    out
}

/// The pairs of `members` split into sets joined by shared mentions (union-find).
fn connected(found: &[Found], members: &[usize]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..members.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut owner: HashMap<At, usize> = HashMap::new();
    for (k, &i) in members.iter().enumerate() {
        for at in [Some(found[i].a), found[i].b].into_iter().flatten() {
            match owner.get(&at) {
                Some(&other) => {
                    let (r1, r2) = (root(&mut parent, k), root(&mut parent, other));
                    parent[r1.max(r2)] = r1.min(r2);
                }
                None => {
                    owner.insert(at, k);
                }
            }
        }
    }
    let mut sets: Vec<Vec<usize>> = Vec::new();
    let mut index: HashMap<usize, usize> = HashMap::new();
    for k in 0..members.len() {
        let r = root(&mut parent, k);
        let slot = *index.entry(r).or_insert_with(|| {
            sets.push(Vec::new());
            sets.len() - 1
        });
        sets[slot].push(members[k]);
    }
    sets
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(a: At, b: At, x: &str, y: &str, score: f32) -> Found {
        Found { code: "number-conflict", a, b: Some(b), score, values: (x.into(), y.into()), why: Why::Pair(None) }
    }

    #[test]
    fn one_conflict_in_many_articles_is_one_group_and_others_stay_apart() {
        let found = vec![
            pair((0, 1), (1, 1), "480", "410", 4.0),
            pair((0, 1), (2, 3), "480", "410", 5.0),
            pair((3, 0), (0, 1), "410", "480", 3.5),
            // The same values elsewhere, sharing no mention: another conflict.
            pair((4, 0), (5, 0), "480", "410", 3.1),
            pair((1, 2), (2, 2), "7", "9", 6.0),
        ];
        let groups = rank(&found);
        assert_eq!(groups.len(), 3);
        assert_eq!(groups[0].members, vec![4], "strongest first");
        assert_eq!(groups[1].members, vec![1, 0, 2], "the repeated conflict, best pair first");
        assert_eq!(groups[2].members, vec![3]);
        assert!(groups[0].confidence > groups[1].confidence);
        assert!((confidence(&found[3]) - 3.1 / 6.1).abs() < 1e-6);
    }
}
