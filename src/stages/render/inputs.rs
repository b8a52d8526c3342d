//! What the pages of claims and articles, and the items that show them in lists, are made
//! from, hashed without making their contexts: the keys a rebuild skips what did not
//! change by.
//!
//! These keys used to be fingerprints of the contexts, which meant building every claim's
//! and article's context on every build to learn that it had not changed: at 10,000
//! articles and 20,000 claims, 230 ms of a 440 ms one-claim save in `serve`, for the one
//! claim that changed. Taken from the inputs instead, they cost a few hundred nanoseconds
//! each, and a context is made only for a page or an item the sink does not have.
//!
//! A key must cover everything its context is made from, or an edit would leave a page
//! stale (`tests/equivalence.rs` compares rebuilds with fresh builds after random edits
//! to catch that):
//! - what every page shares (`shared`: the renderer's common hash of the templates, the
//!   locale, the site's fields, the verdicts and the archive; the config's whole text;
//!   whether pages carry share cards, and how claims-file entries are highlighted), and
//!   what every item shares (`base`: the verdicts, and whether the site is an archive's
//!   briefing, which links topics and outlets);
//! - a claim's fields as read, but not the offsets where they were written (a claim that
//!   grows above would move them all, not what any page shows); its corrections; the
//!   discrepancies that name it; each article it appears in; and, for its page, its
//!   entry's text and lines;
//! - an article's file (its hash covers the front matter) and earlier versions, its
//!   marks (by the key they were found by, when the build has it: see `article`), the
//!   reasons of its artifacts, and each claim quoted in it as a list shows it.
//!
//! A claim's own fields are hashed once, when its entry is read (`Claim::said`, kept with
//! its piece of the claims file); marks are hashed field by field here. Either way each
//! struct is destructured in full: a field added to the model fails to compile until it
//! is hashed or said to be irrelevant.

use foldhash::HashMap;

use rayon::prelude::*;

use crate::model::claims::Claim;
use crate::stages::anchor::{Mark, Marks, Target};
use crate::stages::load::Site;
use crate::stages::render::fingerprint::{Fingerprint, of};

/// The keys of a render, each list in the site's order.
pub struct Keys {
    /// Each claim's page.
    pub claim_pages: Vec<u64>,
    /// Each article's page.
    pub article_pages: Vec<u64>,
    /// Each claim as its page shows it, and as `claims.json` and the feed key its entry.
    pub claims: Vec<u64>,
    /// Each claim as a list shows it.
    pub refs: Vec<u64>,
    /// Each article as the pages that refer to it show it.
    pub articles: Vec<u64>,
    /// The first and last lines of each claim's entry in the claims file.
    pub entry_lines: Vec<(usize, usize)>,
}

/// Where each claim's appearances were found: the article and the mark, by claim and
/// appearance. A flat table, not a map: at 10k/20k its 40,000 entries were hashed into a
/// map on every save in `serve` (5-8 ms, before any page could start).
pub struct Found<'a> {
    /// Where each claim's appearances start in `at`, and where the last one's end.
    start: Vec<usize>,
    at: Vec<Option<(usize, &'a Mark)>>,
    count: usize,
}

impl<'a> Found<'a> {
    /// The appearances of `site`'s claims found among `marks` (an article's marks by its
    /// index).
    pub fn new(site: &Site, marks: &'a Marks) -> Self {
        let mut start = Vec::with_capacity(site.claims.claims.len() + 1);
        let mut total = 0;
        for c in &site.claims.claims {
            start.push(total);
            total += c.appearances.len();
        }
        start.push(total);
        let mut found = Found { at: vec![None; total], start, count: 0 };
        for (a, list) in marks.iter().enumerate() {
            for m in list.iter() {
                if let Target::Appearance { claim, index } = m.target
                    && let Some(slot) = found.slot(claim, index)
                {
                    found.count += usize::from(found.at[slot].is_none());
                    found.at[slot] = Some((a, m));
                }
            }
        }
        found
    }

    fn slot(&self, claim: usize, index: usize) -> Option<usize> {
        let (&first, &end) = (self.start.get(claim)?, self.start.get(claim + 1)?);
        Some(first + index).filter(|&i| i < end)
    }

    /// Appearance `index` of claim `claim`: the article it was found in, and its mark.
    pub fn get(&self, claim: usize, index: usize) -> Option<(usize, &'a Mark)> {
        self.slot(claim, index).and_then(|i| self.at[i])
    }

    /// How many appearances were found.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The claim of each appearance found.
    pub fn claims(&self) -> impl Iterator<Item = usize> + '_ {
        self.start.windows(2).enumerate().flat_map(move |(c, w)| self.at[w[0]..w[1]].iter().flatten().map(move |_| c))
    }
}

/// Where a claim's page looks up what it shows of other things, made once per render.
pub struct Index<'s, 'a> {
    /// Where each appearance was found.
    pub appearances: &'s Found<'a>,
    /// Claim id → the discrepancies naming it.
    pub discrepancies: &'s HashMap<&'a str, Vec<usize>>,
}

/// The keys of `site`'s claims and articles. `shared` covers what every page's context
/// shares, `base` what every item's does (see the module's doc).
pub fn keys(
    site: &Site,
    (marks, found_by): (&Marks, &[Option<u64>]),
    (shared, base): (u64, u64),
    index: &Index<'_, '_>,
) -> Keys {
    let claims = &site.claims.claims;
    let entry_lines = site.claims_file.line_spans(claims.iter().map(|c| &c.span));
    let listed: Vec<u64> = claims.par_iter().map(|c| listed(site, c)).collect();
    let article_inputs: Vec<u64> =
        (0..site.articles.len()).into_par_iter().map(|a| article(site, marks, found_by, &listed, a)).collect();
    let articles: Vec<u64> = article_inputs.iter().map(|k| of(&(base, "article", k))).collect();
    let (claims, claim_pages): (Vec<u64>, Vec<u64>) = (0..claims.len())
        .into_par_iter()
        .map(|ci| {
            let mut fp = Fingerprint::new();
            fp.add(&(base, "claim", listed[ci], whole(site, ci, index)));
            let mut seen: Vec<usize> = Vec::new();
            for ai in 0..claims[ci].appearances.len() {
                if let Some((a, _)) = index.appearances.get(ci, ai)
                    && !seen.contains(&a)
                {
                    seen.push(a);
                }
            }
            for a in seen {
                fp.add(&articles[a]);
            }
            let claim = fp.finish();
            let (first, last) = entry_lines[ci];
            (claim, of(&(shared, "claim page", claim, (claims[ci].said.entry, first, last))))
        })
        .unzip();
    Keys {
        claim_pages,
        article_pages: article_inputs.iter().map(|k| of(&(shared, "article page", k))).collect(),
        claims,
        refs: listed.iter().map(|k| of(&(base, "ref", k))).collect(),
        articles,
        entry_lines,
    }
}

/// A claim as lists show it (an article's flags, its marks' notes, the front page): what
/// `ClaimRef` is made from.
fn listed(site: &Site, c: &Claim) -> u64 {
    of(&(c.said.listed, &c.topic, site.claims.updated(c)))
}

/// The rest of a claim: its other fields, its corrections and its discrepancies.
fn whole(site: &Site, ci: usize, index: &Index<'_, '_>) -> u64 {
    let c = &site.claims.claims[ci];
    let mut fp = Fingerprint::new();
    fp.add(&c.said.rest);
    for k in site.claims.corrections_of(&c.id.value) {
        fp.add(&(k.date, &k.text, k.dated));
    }
    for &d in index.discrepancies.get(c.id.value.as_str()).map_or(&[][..], Vec::as_slice) {
        let d = &site.claims.discrepancies[d];
        fp.add(&(&d.id.value, &d.title));
    }
    fp.finish()
}

/// An article: its file, versions and marks, and each claim quoted in it as lists show it.
///
/// `found_by[a]`, when known, is the key the article's marks were found by
/// ([`crate::stages::anchor::Known::key`]): its text, format and versions, and the quotes
/// sought in it, in order. Anchoring makes the same marks from the same inputs (kept marks
/// are reused on that promise), so that key stands for the marks' passages, which are then
/// not hashed: 12 MB of them at 10k/20k, most of the keys' time on every save in `serve`.
/// What the key does not cover is hashed either way: which claim each mark is of now (the
/// drafts left out of a build take some marks away after anchoring, and renumber the rest).
fn article(site: &Site, marks: &Marks, found_by: &[Option<u64>], listed: &[u64], a: usize) -> u64 {
    let article = &site.articles[a];
    let mut fp = Fingerprint::new();
    fp.add(&(&article.slug, &article.name, article.format, article.hash));
    for v in &article.versions {
        fp.add(&(v.n, v.article.hash, &v.sha256, &v.article.name));
    }
    // The claim a mark is of by what it is, not by its place in the file.
    let target = |t: Target| match t {
        Target::Appearance { claim, index } => (0u8, listed.get(claim).copied().unwrap_or(0), index, ""),
        Target::Artifact(n) => (1, 0, n, site.claims.artifacts.get(n).map_or("", |x| x.reason.as_str())),
    };
    if let Some(key) = found_by.get(a).copied().flatten() {
        fp.add(&("found by", key));
        for m in marks[a].iter() {
            fp.add(&target(m.target));
        }
        return fp.finish();
    }
    for m in marks[a].iter() {
        let Mark { range, target: t, before, exact, after, raw, chars, changed } = m;
        fp.add(&(range, target(*t), before, exact, after, raw, chars, changed));
    }
    fp.finish()
}
