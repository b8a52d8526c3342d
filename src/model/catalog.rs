//! The catalog of an archive: its briefings, and their published claims and articles,
//! flattened into one list of each. The archive's home and its pages across briefings
//! (topics, outlets, the site's feed, its export and its search index) are made from it
//! alone, so none of them needs a briefing's parsed site.

use std::collections::HashMap;

use crate::model::date::Date;
use crate::model::lead::Heading;

/// A briefing as the archive's home lists it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Listing {
    /// Its folder, and its address under the archive.
    pub slug: String,
    /// What its `briefing.md` says of it.
    pub heading: Heading,
    /// How many articles, claims, flagged passages and discrepancies it has.
    pub articles: usize,
    /// Claims checked.
    pub claims: usize,
    /// Passages flagged.
    pub flags: usize,
    /// Discrepancies set out.
    pub discrepancies: usize,
}

/// A published claim of one of the archive's briefings.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// Its briefing, an index into [`Catalog::briefings`].
    pub briefing: usize,
    /// Its id, unique within its briefing.
    pub id: String,
    /// What was checked.
    pub claim: String,
    /// The one-line conclusion.
    pub finding: String,
    /// Its verdict's key.
    pub verdict: String,
    /// Its topic, as the claims file names it; empty when it names none.
    pub topic: String,
    /// When it was checked.
    pub checked: Date,
    /// When it was checked or last corrected.
    pub updated: Date,
    /// How many corrections it has had.
    pub corrections: usize,
    /// The articles that make it, indexes into [`Catalog::articles`], each once.
    pub articles: Vec<usize>,
    /// A draft, in a preview built with `--drafts` (otherwise drafts are left out).
    pub draft: bool,
}

/// A published article of one of the archive's briefings.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Story {
    /// Its briefing, an index into [`Catalog::briefings`].
    pub briefing: usize,
    /// Its slug, unique within its briefing.
    pub slug: String,
    /// Its headline.
    pub title: String,
    /// Who published it, when stated.
    pub outlet: Option<String>,
    /// When it was published, when stated.
    pub published: Option<Date>,
    /// A draft, in a preview built with `--drafts`.
    pub draft: bool,
}

/// The claims of one topic, or the articles of one outlet, across briefings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Its address: `topics/<slug>/`, `outlets/<slug>/`.
    pub slug: String,
    /// Its name, as first written.
    pub name: String,
    /// Indexes into [`Catalog::claims`] (a topic) or [`Catalog::articles`] (an outlet),
    /// newest first.
    pub members: Vec<usize>,
}

/// An archive's briefings, claims and articles.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Its briefings, newest event first.
    pub briefings: Vec<Listing>,
    /// Their published claims, briefing by briefing, in each claims file's order.
    pub claims: Vec<Entry>,
    /// Their published articles, briefing by briefing.
    pub articles: Vec<Story>,
}

/// One briefing's share of the catalog: its listing, and its published claims and
/// articles, numbered within it (briefing 0, articles from 0). Made when the briefing is
/// rendered, and kept for a build that skips the briefing (`pipeline/unchanged.rs`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Part {
    /// The briefing as the home lists it.
    pub listing: Listing,
    /// Its published claims, in its claims file's order.
    pub claims: Vec<Entry>,
    /// Its published articles.
    pub articles: Vec<Story>,
}

impl Catalog {
    /// Adds a briefing's part as the next briefing, newest event first: parts are added
    /// in the home's order.
    pub fn add(&mut self, part: Part) {
        let (n, first) = (self.briefings.len(), self.articles.len());
        self.briefings.push(part.listing);
        self.articles.extend(part.articles.into_iter().map(|a| Story { briefing: n, ..a }));
        self.claims.extend(part.claims.into_iter().map(|c| Entry {
            briefing: n,
            articles: c.articles.iter().map(|a| a + first).collect(),
            ..c
        }));
    }

    /// The claims grouped by topic, by name. Names that make the same address ("Dates",
    /// "dates") are one topic. Each topic's claims are the most recently updated first.
    pub fn topics(&self) -> Vec<Group> {
        let named = self.claims.iter().enumerate().map(|(i, c)| (i, Some(c.topic.as_str())));
        let mut groups = group(named);
        for g in &mut groups {
            g.members.sort_by(|&a, &b| self.newer_claim(a, b));
        }
        groups
    }

    /// The articles grouped by outlet, by name; articles that name none are in no group.
    /// Each outlet's articles are the most recently published first.
    pub fn outlets(&self) -> Vec<Group> {
        let named = self.articles.iter().enumerate().map(|(i, a)| (i, a.outlet.as_deref()));
        let mut groups = group(named);
        for g in &mut groups {
            g.members.sort_by(|&a, &b| {
                let (x, y) = (&self.articles[a], &self.articles[b]);
                y.published.cmp(&x.published).then(x.briefing.cmp(&y.briefing)).then(x.slug.cmp(&y.slug))
            });
        }
        groups
    }

    /// The claims, the most recently updated first: the order of the feeds.
    pub fn latest(&self) -> Vec<usize> {
        let mut all: Vec<usize> = (0..self.claims.len()).collect();
        all.sort_by(|&a, &b| self.newer_claim(a, b));
        all
    }

    /// The verdicts of the claims each article makes, once each, by article: an outlet's
    /// counts are read from these (made once, not once per article: 10,000 articles and
    /// 20,000 claims).
    pub fn tallies(&self) -> Tallies<'_> {
        let mut of_article: Vec<Vec<&str>> = vec![Vec::new(); self.articles.len()];
        for c in &self.claims {
            for &a in &c.articles {
                of_article[a].push(&c.verdict);
            }
        }
        Tallies(of_article)
    }

    /// `a` before `b` when it was updated later; then in the home's order of briefings,
    /// then by id.
    fn newer_claim(&self, a: usize, b: usize) -> std::cmp::Ordering {
        let (x, y) = (&self.claims[a], &self.claims[b]);
        y.updated.cmp(&x.updated).then(x.briefing.cmp(&y.briefing)).then(x.id.cmp(&y.id))
    }
}

/// The verdicts of the claims each article makes (see [`Catalog::tallies`]).
#[derive(Debug, Clone)]
pub struct Tallies<'c>(Vec<Vec<&'c str>>);

impl<'c> Tallies<'c> {
    /// How many claims of each verdict the articles `articles` make: a claim made twice
    /// in one article counts once for it.
    pub fn of(&self, articles: &[usize]) -> HashMap<&'c str, usize> {
        let mut counts = HashMap::new();
        for v in articles.iter().filter_map(|&a| self.0.get(a)).flatten() {
            *counts.entry(*v).or_insert(0) += 1;
        }
        counts
    }
}

/// Members grouped by the address their name makes, the groups sorted by address. A
/// member without a name, or whose name makes no address, is in none. A group is named
/// by its most used spelling (see [`spelling`]).
fn group<'a>(named: impl Iterator<Item = (usize, Option<&'a str>)>) -> Vec<Group> {
    let mut by_slug: HashMap<String, (Vec<usize>, HashMap<&'a str, usize>)> = HashMap::new();
    for (i, name) in named {
        let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else { continue };
        let Some(slug) = crate::model::article::latin_slug(name) else { continue };
        let (members, names) = by_slug.entry(slug).or_default();
        members.push(i);
        *names.entry(name).or_insert(0) += 1;
    }
    let mut groups: Vec<Group> = by_slug
        .into_iter()
        .map(|(slug, (members, names))| Group { slug, name: spelling(&names).to_string(), members })
        .collect();
    // By address: folded, so that "Économie" sorts with the e's.
    groups.sort_by(|a, b| a.slug.cmp(&b.slug));
    groups
}

/// The spelling most members use; among equals, the one that keeps the most accents and
/// capitals ("Économie" over "economie", "Dates" over "dates"), then the first in order.
pub fn spelling<'a>(names: &HashMap<&'a str, usize>) -> &'a str {
    let rank = |n: &str| (n.chars().filter(|c| !c.is_ascii()).count(), n.chars().filter(|c| c.is_uppercase()).count());
    names
        .iter()
        .max_by(|(a, x), (b, y)| x.cmp(y).then_with(|| rank(a).cmp(&rank(b))).then_with(|| b.cmp(a)))
        .map_or("", |(n, _)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(briefing: usize, id: &str, topic: &str, verdict: &str, updated: &str, articles: &[usize]) -> Entry {
        let date = Date::parse(updated).unwrap();
        Entry {
            briefing,
            id: id.into(),
            claim: format!("claim {id}"),
            finding: String::new(),
            verdict: verdict.into(),
            topic: topic.into(),
            checked: date,
            updated: date,
            corrections: 0,
            articles: articles.to_vec(),
            draft: false,
        }
    }

    fn story(briefing: usize, slug: &str, outlet: Option<&str>, published: Option<&str>) -> Story {
        Story {
            briefing,
            slug: slug.into(),
            title: slug.into(),
            outlet: outlet.map(Into::into),
            published: published.map(|d| Date::parse(d).unwrap()),
            draft: false,
        }
    }

    fn catalog() -> Catalog {
        Catalog {
            briefings: Vec::new(),
            claims: vec![
                entry(0, "a", "Dates", "false", "2031-01-02", &[0, 1]),
                entry(0, "b", "Costs", "true", "2031-01-05", &[1]),
                entry(1, "a", "dates", "false", "2031-01-03", &[2]),
                entry(1, "c", "  ", "true", "2031-01-03", &[]),
            ],
            articles: vec![
                story(0, "x", Some("The Courier"), Some("2031-01-01")),
                story(0, "y", Some("Daily Post"), None),
                story(1, "x", Some("the courier"), Some("2031-01-02")),
                story(1, "z", None, Some("2031-01-02")),
            ],
        }
    }

    #[test]
    fn topics_join_names_that_make_one_address_and_put_the_latest_first() {
        let topics = catalog().topics();
        let names: Vec<(&str, &str, &[usize])> =
            topics.iter().map(|g| (g.slug.as_str(), g.name.as_str(), g.members.as_slice())).collect();
        assert_eq!(names, [("costs", "Costs", &[1][..]), ("dates", "Dates", &[2, 0][..])]);
        let spellings = HashMap::from([("economie", 1), ("Économie", 1), ("ECONOMIE", 1)]);
        assert_eq!(spelling(&spellings), "Économie");
        assert_eq!(spelling(&HashMap::from([("dates", 2), ("Dates", 1)])), "dates", "the most used wins");
    }

    #[test]
    fn outlets_leave_out_articles_that_name_none() {
        let outlets = catalog().outlets();
        let names: Vec<(&str, &[usize])> = outlets.iter().map(|g| (g.slug.as_str(), g.members.as_slice())).collect();
        assert_eq!(names, [("daily-post", &[1][..]), ("the-courier", &[2, 0][..])]);
    }

    #[test]
    fn verdicts_count_each_claim_once_per_article() {
        let c = catalog();
        let counts = c.tallies().of(&[0, 1]);
        assert_eq!(counts.get("false"), Some(&2));
        assert_eq!(counts.get("true"), Some(&1));
        assert_eq!(c.latest(), [1, 2, 3, 0]);
    }
}
