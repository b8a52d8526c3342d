//! Stage 2, validate: the claims file's references, checked against the site.
//!
//! Ids must be unique and usable in URLs, every verdict must be on the scale, every quote
//! must name an article that exists, every discrepancy must name claims that exist. Found
//! problems come with the nearest valid name, since most of them are typos.

// foldhash: std's SipHash was the most of validation's time at 20,000 claims (ids,
// slugs); the keys are the site's own.
use std::sync::atomic::{AtomicBool, Ordering};

use foldhash::{HashMap, HashMapExt, HashSet};
use rayon::prelude::*;

use crate::model::config::is_slug;
use crate::model::diag::Diagnostic;
use crate::model::tomlfile::{Sp, nearest, quoted_list};
use crate::stages::load::Site;

/// Checks the site's cross-references. Errors stop the build; warnings do not.
pub fn validate(site: &Site) -> Vec<Diagnostic> {
    let claims = &site.claims;
    let slugs = Slugs::new(site);
    // The checks of the 40,000 quotes and 20,000 claims of 10k/20k side by side, and each
    // on every thread: one after another on one, they were 15 ms of every save in `serve`,
    // the longest step before rendering once anchoring reused its marks.
    let ((mut diags, quoted), untouched) = rayon::join(
        || {
            let mut diags = Vec::new();
            check_ids(&mut diags, &site.claims_file, "claim", claims.claims.iter().map(|c| &c.id));
            check_ids(&mut diags, &site.claims_file, "discrepancy", claims.discrepancies.iter().map(|d| &d.id));
            (diags, check_claims(site, &slugs))
        },
        || check_untouched(site, &slugs),
    );
    diags.extend(quoted);
    check_discrepancies(&mut diags, site);
    check_corrections(&mut diags, site);
    diags.extend(untouched);
    check_originals(&mut diags, site);
    diags
}

/// The articles' slugs, in order and by slug.
struct Slugs<'a> {
    list: Vec<&'a str>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Slugs<'a> {
    fn new(site: &'a Site) -> Self {
        let list: Vec<&str> = site.articles.iter().map(|a| a.slug.as_str()).collect();
        let index = list.iter().enumerate().map(|(i, s)| (*s, i)).collect();
        Slugs { list, index }
    }
}

/// Each imported article's original page is beside it and is what its `sha256` says: the
/// proof of what was checked. An edited or lost original is an error.
fn check_originals(diags: &mut Vec<Diagnostic>, site: &Site) {
    let versions = site.articles.iter().flat_map(|a| a.versions.iter().map(|v| &v.article));
    for article in site.articles.iter().chain(versions) {
        let (Some(original), Some(rel)) = (&article.meta.original, article.original_path()) else { continue };
        let problem = match std::fs::read(site.root.join(&rel)) {
            Ok(bytes) => {
                let found = crate::model::article::Original::hash(&bytes);
                (found != original.sha256)
                    .then(|| format!("`{rel}` is not the page that was imported: its SHA-256 is {found}"))
            }
            Err(e) => Some(format!("`{rel}`, the page this article was imported from, cannot be read: {e}")),
        };
        if let Some(message) = problem {
            let file = article.file();
            diags.push(
                Diagnostic::error("original-changed", message)
                    .at(file, original.at.clone(), "the hash recorded at import")
                    .help(format!("restore it from Git (git checkout -- {rel}); if the outlet has since changed the article, then import it again with --update, which keeps the checked version")),
            );
        }
    }
}

/// Each claim's verdict is on the scale, and its appearances and the artifacts name
/// articles that exist; a claim that appears nowhere is a warning.
fn check_claims(site: &Site, slugs: &Slugs<'_>) -> Vec<Diagnostic> {
    let file = &site.claims_file;
    let verdicts: Vec<&str> = site.config.verdicts.iter().map(|v| v.key.as_str()).collect();
    // A verdict that could not be read was reported as such (`Claim::complete`).
    let scale_read = site.config.verdicts_read;
    let claims =
        site.claims.claims.par_iter().flat_map_iter(|claim| {
            let mut diags = Vec::new();
            if scale_read && !claim.verdict.value.is_empty() && !verdicts.contains(&claim.verdict.as_str()) {
                let mut d = Diagnostic::error("unknown-verdict", format!("unknown verdict `{}`", claim.verdict.value))
                    .at(file, claim.verdict.span.clone(), "not on the verdict scale");
                if let Some(best) = nearest(&claim.verdict.value, verdicts.iter().copied()) {
                    d = d.note(format!("did you mean `{best}`?"));
                }
                diags.push(d.help(format!("use one of: {}", quoted_list(&verdicts))));
            }
            for q in &claim.appearances {
                check_article(&mut diags, site, slugs, &q.article);
            }
            if claim.appearances.is_empty() && claim.unread.is_empty() {
                diags.push(
                    Diagnostic::warning("no-appearance", format!("claim `{}` appears in no article", claim.id.value))
                        .at(file, claim.id.span.clone(), "no [[claim.appearance]]")
                        .help("add a [[claim.appearance]] with the article and the exact quote"),
                );
            }
            diags
        });
    let mut diags: Vec<Diagnostic> = claims.collect();
    for artifact in &site.claims.artifacts {
        check_article(&mut diags, site, slugs, &artifact.quote.article);
    }
    diags
}

/// A discrepancy names at least one claim, and only claims that exist.
fn check_discrepancies(diags: &mut Vec<Diagnostic>, site: &Site) {
    let file = &site.claims_file;
    let claim_set: HashSet<&str> = site.claims.claims.iter().map(|c| c.id.as_str()).collect();
    for disc in &site.claims.discrepancies {
        // An entry whose `claims` failed to read had its error reported.
        if let Some(at) = disc.listed.as_ref().filter(|_| disc.claims.is_empty()) {
            diags.push(
                Diagnostic::error("empty-discrepancy", format!("discrepancy `{}` names no claims", disc.id.value))
                    .at(file, at.clone(), "no claims")
                    .help("list the ids of the claims that disagree: claims = [\"a\", \"b\"]"),
            );
        }
        for id in disc.claims.iter().filter(|id| !claim_set.contains(id.as_str()) && !broken(site, id)) {
            // An id the entry already lists is no suggestion for a misspelt one.
            let listed: Vec<&str> = disc.claims.iter().map(|c| c.as_str()).collect();
            diags.push(unknown_claim(site, "discrepancy", id, &listed));
        }
    }
}

/// A correction names a claim that exists, and is not dated before it was checked.
fn check_corrections(diags: &mut Vec<Diagnostic>, site: &Site) {
    for correction in &site.claims.corrections {
        match site.claims.claims.iter().find(|c| c.id.value == correction.claim.value) {
            None if broken(site, &correction.claim) => {}
            None => diags.push(unknown_claim(site, "correction", &correction.claim, &[])),
            Some(claim) if claim.complete && correction.dated && correction.date < claim.checked => diags.push(
                Diagnostic::warning(
                    "correction-before-check",
                    format!("correction of `{}` is dated before the claim was checked", claim.id.value),
                )
                .at(
                    &site.claims_file,
                    correction.date_at.clone(),
                    format!("before {}, when it was checked", claim.checked),
                )
                .help("check the correction's date, or update the claim's `checked` date"),
            ),
            Some(_) => {}
        }
    }
}

/// Whether `id` is written in an entry of the claims file not read for its syntax errors.
fn broken(site: &Site, id: &Sp<String>) -> bool {
    site.claims.broken_ids.iter().any(|b| *b == id.value)
}

/// `what` (a discrepancy, a correction) names `id`, which no claim has; the ids in
/// `listed` are not offered in its place.
fn unknown_claim(site: &Site, what: &str, id: &Sp<String>, listed: &[&str]) -> Diagnostic {
    let d = Diagnostic::error("unknown-claim", format!("{what} names unknown claim `{}`", id.value)).at(
        &site.claims_file,
        id.span.clone(),
        "no claim has this id",
    );
    let others = site.claims.claims.iter().map(|c| c.id.as_str()).filter(|c| !listed.contains(c));
    match nearest(&id.value, others) {
        Some(best) => d.help(format!("did you mean `{best}`?")),
        None => d.help("use the `id` of a [[claim]] in this file"),
    }
}

/// An article no claim quotes is a warning (unless there are no claims yet).
fn check_untouched(site: &Site, slugs: &Slugs<'_>) -> Vec<Diagnostic> {
    let claims = &site.claims;
    if claims.claims.is_empty() {
        return Vec::new();
    }
    let touched: Vec<AtomicBool> = site.articles.iter().map(|_| AtomicBool::new(false)).collect();
    let touch = |slug: &str| {
        if let Some(&i) = slugs.index.get(slug) {
            touched[i].store(true, Ordering::Relaxed);
        }
    };
    claims.claims.par_iter().for_each(|c| {
        c.appearances.iter().map(|q| q.article.as_str()).chain(c.unread.iter().map(String::as_str)).for_each(touch);
    });
    claims.artifacts.iter().for_each(|a| touch(a.quote.article.as_str()));
    let untouched = site.articles.iter().zip(&touched).filter(|(_, t)| !t.load(Ordering::Relaxed));
    untouched
        .map(|(article, _)| {
            let file = article.file();
            let d = Diagnostic::warning("untouched-article", format!("no claim quotes article `{}`", article.slug));
            let d = match title_line(&file.text[..article.body_offset.min(file.text.len())]) {
                Some(span) => d.at(file, span, "no [[claim.appearance]] quotes this article"),
                None => d.in_file(file),
            };
            d.help(format!("record what this article claims in {}, or remove the article", site.layout.claims()))
        })
        .collect()
}

/// `check`'s warning for a site without `base_url`: its ClaimReview `url`, canonical
/// links, sitemap and feed ids cannot be absolute, which search engines require of
/// structured data. A build needs none of them, so only `check` says so.
pub fn no_base_url(config: &crate::model::config::Config) -> Option<Diagnostic> {
    if config.base_url.is_some() {
        return None;
    }
    let file = &config.file;
    let d = Diagnostic::warning("no-base-url", "`base_url` is not set");
    let d = match title_line(&file.text) {
        Some(span) => d.at(file, span, "this site does not say where it is published"),
        None => d.in_file(file),
    };
    Some(d.help(
        "add `base_url = \"https://…/\"` (the address the site is served from) to briefing.toml, or pass --base-url: \
         ClaimReview data, canonical links and the sitemap need absolute addresses",
    ))
}

/// The span of the `title` line of an article's front matter (`head`), trimmed: where a
/// warning about the whole article points.
fn title_line(head: &str) -> Option<std::ops::Range<usize>> {
    let mut at = 0;
    for line in head.split_inclusive('\n') {
        if let Some(rest) = line.trim_start().strip_prefix("title")
            && rest.trim_start().starts_with([':', '='])
        {
            let start = at + (line.len() - line.trim_start().len());
            return Some(start..at + line.trim_end().len());
        }
        at += line.len();
    }
    None
}

fn check_ids<'a>(
    diags: &mut Vec<Diagnostic>,
    file: &crate::model::diag::SourceFile,
    what: &str,
    ids: impl Iterator<Item = &'a Sp<String>>,
) {
    let mut seen: HashMap<&str, &Sp<String>> = HashMap::new();
    // An entry whose id is missing or failed to read has an empty one: its error was
    // reported.
    for id in ids.filter(|id| !id.value.is_empty()) {
        if !is_slug(&id.value) {
            diags.push(
                Diagnostic::error("bad-id", format!("{what} id `{}` cannot be used in a web address", id.value))
                    .at(file, id.span.clone(), "invalid id")
                    .help(format!(
                        "use a-z and 0-9, with single hyphens between words, e.g. `{}`",
                        crate::model::article::suggest_slug(&id.value)
                    )),
            );
        }
        if let Some(first) = seen.get(id.as_str()) {
            diags.push(
                Diagnostic::error("duplicate-id", format!("{what} id `{}` is used twice", id.value))
                    .at(file, id.span.clone(), "used again here")
                    .also(first.span.clone(), "first used here")
                    .help(format!("give each {what} its own id")),
            );
        } else {
            seen.insert(id.as_str(), id);
        }
    }
}

fn check_article(diags: &mut Vec<Diagnostic>, site: &Site, slugs: &Slugs<'_>, article: &Sp<String>) {
    if slugs.index.contains_key(article.as_str()) || site.broken.contains(&article.value) {
        return;
    }
    let slugs = &slugs.list;
    // With no articles folder at all, load's one error says it: not one more per quote.
    if slugs.is_empty() && !site.root.join(site.layout.articles()).is_dir() {
        return;
    }
    let mut d = Diagnostic::error("unknown-article", format!("no article `{}`", article.value)).at(
        &site.claims_file,
        article.span.clone(),
        "no such article",
    );
    d = match nearest(&article.value, slugs.iter().copied()) {
        Some(best) => d.help(format!("did you mean `{best}`?")),
        None if slugs.is_empty() => {
            d.help(format!("{}/ holds no article yet: add the article, as a .md or .txt file", site.layout.articles()))
        }
        None => {
            d.help(format!("articles are named by their file in {}/: {}", site.layout.articles(), quoted_list(slugs)))
        }
    };
    diags.push(d);
}
