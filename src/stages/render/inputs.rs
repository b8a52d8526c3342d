//! What the page of a claim or of an article is made from, hashed without making its
//! context: the key a rebuild skips an unchanged page by.
//!
//! A page's fingerprint used to be taken from its context, which meant building every
//! claim's and article's context on every build to learn that it had not changed: at
//! 10,000 articles and 20,000 claims, 175 ms of a 440 ms one-claim save in `serve`, for the
//! one page that changed. These keys are taken from the inputs instead, at a few hundred
//! nanoseconds a page, and a page whose key the sink has is not even given a context.
//!
//! A key must cover everything its page's context is made from, or an edit would leave a
//! page stale (`tests/equivalence.rs` compares rebuilds with fresh builds after random
//! edits to catch that):
//! - what every page shares ([`Renderer`]'s common hash: the templates and the locale,
//!   the site's fields, the verdicts, the archive), the config's whole text, whether pages
//!   carry share cards, and how claims-file entries are highlighted;
//! - a claim's fields as read, but not the offsets where they were written (a claim that
//!   grows above would move them all, not what any page shows); its entry's text and lines;
//!   its corrections; the discrepancies that name it; and each article it appears in;
//! - an article's file (its hash covers the front matter) and earlier versions, its
//!   marks, the reasons of its artifacts, and each claim quoted in it as a list shows it.
//!
//! Claims are hashed field by field, each struct destructured in full: a field added to
//! the model fails to compile here until it is hashed or said to be irrelevant.
//!
//! [`Renderer`]: super::Renderer

use std::collections::HashMap;

use rayon::prelude::*;

use crate::model::claims::{Claim, Quote, Source};
use crate::stages::anchor::{Mark, Marks, Target};
use crate::stages::load::Site;
use crate::stages::render::fingerprint::Fingerprint;

/// The key of each claim's page and of each article's page, in the site's order.
pub struct Keys {
    /// By claim index.
    pub claims: Vec<u64>,
    /// By article index.
    pub articles: Vec<u64>,
}

/// Where a claim's page looks up what it shows of other things, made once per render.
pub struct Index<'s, 'a> {
    /// (claim, appearance) → the article its mark was found in, and the mark.
    pub appearances: &'s HashMap<(usize, usize), (usize, &'a Mark)>,
    /// Claim id → the discrepancies naming it.
    pub discrepancies: &'s HashMap<&'a str, Vec<usize>>,
}

/// The pages' keys. `shared` covers what every page's context shares (the renderer's
/// common hash and the switches named in the module's doc).
pub fn keys(site: &Site, marks: &Marks, shared: u64, index: &Index<'_, '_>) -> Keys {
    let claims = &site.claims.claims;
    let listed: Vec<u64> = claims.par_iter().map(|c| listed(site, c)).collect();
    let articles: Vec<u64> =
        (0..site.articles.len()).into_par_iter().map(|a| article(site, marks, &listed, a)).collect();
    let claim_pages = (0..claims.len())
        .into_par_iter()
        .map(|ci| {
            let mut fp = Fingerprint::new();
            fp.add(&(shared, "claim", listed[ci], whole(site, ci, index)));
            let mut seen: Vec<usize> = Vec::new();
            for ai in 0..claims[ci].appearances.len() {
                if let Some(&(a, _)) = index.appearances.get(&(ci, ai))
                    && !seen.contains(&a)
                {
                    seen.push(a);
                }
            }
            for a in seen {
                fp.add(&articles[a]);
            }
            fp.finish()
        })
        .collect();
    let article_pages =
        articles.iter().map(|k| crate::stages::render::fingerprint::of(&(shared, "article", k))).collect();
    Keys { claims: claim_pages, articles: article_pages }
}

/// A claim as lists show it (an article's flags, its marks' notes): what `ClaimRef` is made
/// from.
fn listed(site: &Site, c: &Claim) -> u64 {
    let updated = site.claims.updated(c);
    crate::stages::render::fingerprint::of(&(
        &c.id.value,
        &c.claim,
        &c.verdict.value,
        &c.finding,
        &c.topic,
        c.checked,
        updated,
        c.draft,
    ))
}

/// The rest of a claim's page: its other fields, its entry, corrections and discrepancies.
fn whole(site: &Site, ci: usize, index: &Index<'_, '_>) -> u64 {
    let Claim {
        id,
        claim: _,
        verdict: _,
        finding: _,
        finding_at: _,
        explanation,
        checked: _,
        topic: _,
        sources,
        appearances,
        span,
        complete,
        unread,
        draft: _,
        claimant,
    } = &site.claims.claims[ci];
    let file = &site.claims_file;
    let entry = file.text.get(span.clone()).unwrap_or_default();
    let lines = (file.line_col(span.start).0, file.line_col(span.end.saturating_sub(1).max(span.start)).0);
    let mut fp = Fingerprint::new();
    fp.add(&(explanation, complete, unread, claimant, entry, lines));
    for s in sources {
        fp.add(&source(s));
    }
    for q in appearances {
        fp.add(&quote(q));
    }
    for c in site.claims.corrections_of(&id.value) {
        fp.add(&(c.date, &c.text, c.dated));
    }
    for &d in index.discrepancies.get(id.value.as_str()).map_or(&[][..], Vec::as_slice) {
        let d = &site.claims.discrepancies[d];
        fp.add(&(&d.id.value, &d.title));
    }
    fp.finish()
}

type SourceKey<'a> = (&'a str, bool, Option<&'a str>, &'a str, Option<&'a str>, Option<crate::model::date::Date>);

fn source(s: &Source) -> SourceKey<'_> {
    let Source { title, described, publisher, url, archive_url, date } = s;
    (title, *described, publisher.as_deref(), &url.value, archive_url.as_ref().map(|a| a.value.as_str()), *date)
}

type QuoteKey<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);

fn quote(q: &Quote) -> QuoteKey<'_> {
    let Quote { article, quote, prefix, suffix, note, span: _ } = q;
    let (prefix, suffix) = (prefix.as_ref().map(|s| s.value.as_str()), suffix.as_ref().map(|s| s.value.as_str()));
    (&article.value, &quote.value, prefix, suffix, note.as_deref())
}

/// An article's page, and the article as the pages of the claims quoting it show it.
fn article(site: &Site, marks: &Marks, listed: &[u64], a: usize) -> u64 {
    let article = &site.articles[a];
    let mut fp = Fingerprint::new();
    fp.add(&(&article.slug, &article.name, article.format, article.hash));
    for v in &article.versions {
        fp.add(&(v.n, v.article.hash, &v.sha256, &v.article.name));
    }
    for m in &marks[a] {
        let Mark { range, target, before, exact, after, raw, chars, changed } = m;
        // The claim a mark is of by what it is, not by its place in the file.
        let target = match *target {
            Target::Appearance { claim, index } => (0u8, listed.get(claim).copied().unwrap_or(0), index, ""),
            Target::Artifact(n) => (1, 0, n, site.claims.artifacts.get(n).map_or("", |x| x.reason.as_str())),
        };
        fp.add(&(range, target, before, exact, after, raw, chars, changed));
    }
    fp.finish()
}
