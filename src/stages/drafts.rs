//! Drafts: work in progress that can be committed. A claim, a discrepancy or an article
//! marked `draft = true` is loaded, validated and anchored like any other, so its errors
//! fail the build; then, unless drafts are asked for (`build --drafts`, `serve`), it is
//! left out of the site before rendering ([`leave_out`]), so that no page, list, feed,
//! sitemap or `claims.json` has it. Leaving it out of the data rather than skipping it
//! in each template keeps every present and future output honest at once.
//!
//! A published item must never link to a draft: [`links`] reports, at the link, a
//! published discrepancy that names a draft claim, and a published claim quoted from a
//! draft article, and a link written in the markdown of a published text (an explanation,
//! a resolution, a correction, the lead, the corrections policy) that leads into a draft's
//! page from the page the text is shown on. (A draft claim quoted in a published article
//! is simply not marked there.) `check`'s link check, over every rendered page, names a
//! draft's page as such too.

use std::collections::{HashMap, HashSet};

use crate::model::diag::{Diagnostic, SourceFile};
use crate::stages::anchor::{Marks, Target};
use crate::stages::load::Site;

/// Whether the site has any draft at all.
pub fn any(site: &Site) -> bool {
    count(site) > 0
}

/// How many drafts the site has: claims, discrepancies and articles.
pub fn count(site: &Site) -> usize {
    site.articles.iter().filter(|a| a.meta.draft).count()
        + site.claims.claims.iter().filter(|c| c.draft).count()
        + site.claims.discrepancies.iter().filter(|d| d.draft).count()
}

/// The folders of the pages drafts would have, from the site's root (`claims/<id>`,
/// `articles/<slug>`): a link into one of them is a link to a draft.
pub fn pages(site: &Site) -> HashSet<String> {
    let claims = site.claims.claims.iter().filter(|c| c.draft).map(|c| format!("claims/{}", c.id.value));
    let articles = site.articles.iter().filter(|a| a.meta.draft).map(|a| format!("articles/{}", a.slug));
    claims.chain(articles).collect()
}

/// Errors for every published item that links to a draft.
pub fn links(site: &Site) -> Vec<Diagnostic> {
    let file = &site.claims_file;
    let draft_claims: HashSet<&str> = site.claims.claims.iter().filter(|c| c.draft).map(|c| c.id.as_str()).collect();
    let draft_articles: HashSet<&str> =
        site.articles.iter().filter(|a| a.meta.draft).map(|a| a.slug.as_str()).collect();
    let mut diags = Vec::new();
    for d in site.claims.discrepancies.iter().filter(|d| !d.draft) {
        for id in d.claims.iter().filter(|id| draft_claims.contains(id.as_str())) {
            diags.push(
                Diagnostic::error(
                    "draft-link",
                    format!("published discrepancy `{}` names draft claim `{}`", d.id.value, id.value),
                )
                .at(file, id.span.clone(), "a draft")
                .help("publish the claim (remove its `draft = true`), or mark the discrepancy `draft = true` too"),
            );
        }
    }
    for c in site.claims.claims.iter().filter(|c| !c.draft) {
        for q in c.appearances.iter().filter(|q| draft_articles.contains(q.article.as_str())) {
            diags.push(
                Diagnostic::error(
                    "draft-link",
                    format!("published claim `{}` quotes draft article `{}`", c.id.value, q.article.value),
                )
                .at(file, q.article.span.clone(), "a draft")
                .help("publish the article (remove `draft = true` from its front matter), or mark the claim `draft = true` too"),
            );
        }
    }
    diags.extend(markdown_links(site));
    diags
}

/// Errors for links written in the markdown of published texts that lead into a draft's
/// page, each resolved from the page the text is shown on.
fn markdown_links(site: &Site) -> Vec<Diagnostic> {
    let drafts = pages(site);
    if drafts.is_empty() {
        return Vec::new();
    }
    let claims = &site.claims;
    let published: HashSet<&str> = claims.claims.iter().filter(|c| !c.draft).map(|c| c.id.as_str()).collect();
    let mut texts: Vec<(&str, String, &SourceFile)> = Vec::new();
    let file = &site.claims_file;
    for c in claims.claims.iter().filter(|c| !c.draft) {
        texts.push((&c.explanation, format!("claims/{}/index.html", c.id.value), file));
    }
    for d in claims.discrepancies.iter().filter(|d| !d.draft) {
        texts.push((&d.resolution, "index.html".into(), file));
    }
    for k in claims.corrections.iter().filter(|k| published.contains(k.claim.as_str())) {
        texts.push((&k.text, "corrections/index.html".into(), file));
        texts.push((&k.text, format!("claims/{}/index.html", k.claim.value), file));
    }
    let lead = site.lead_file();
    if let Some(lead) = &lead {
        texts.push((&lead.text, "index.html".into(), lead));
    }
    texts.push((&site.config.corrections_policy, "corrections/index.html".into(), &site.config.file));
    let mut seen = HashSet::new();
    let mut diags = Vec::new();
    for (text, page, file) in texts {
        for dest in link_destinations(text) {
            let path = dest.split(['#', '?']).next().unwrap_or("");
            let Some(target) = crate::stages::links::resolve(&page, path) else { continue };
            let target = target.trim_end_matches("/index.html").trim_end_matches('/');
            if drafts.contains(target) && seen.insert((file.name.clone(), dest.clone())) {
                let at = file.text.find(&format!("]({dest}")).map_or(0..0, |i| i + 2..i + 2 + dest.len());
                diags.push(
                    Diagnostic::error("draft-link", format!("a published text links to `{dest}`, the page of a draft"))
                        .at(file, at, "a draft's page")
                        .help("publish the draft (remove its `draft = true`), or link to it once it is"),
                );
            }
        }
    }
    diags
}

/// The relative link destinations of a markdown text.
fn link_destinations(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag};
    Parser::new(markdown)
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. }) if !dest_url.contains(':') => Some(dest_url.to_string()),
            _ => None,
        })
        .collect()
}

/// Leaves the drafts out of `site` and `marks`: draft claims with their corrections and
/// marks, draft discrepancies, and draft articles with their marks and artifacts. What
/// is left is renumbered, so that every index in the marks names what it named before.
pub fn leave_out(site: &mut Site, marks: &mut Marks) {
    let claims = &mut site.claims;
    let drafts: HashSet<String> = claims.claims.iter().filter(|c| c.draft).map(|c| c.id.value.clone()).collect();
    let articles: HashSet<String> = site.articles.iter().filter(|a| a.meta.draft).map(|a| a.slug.clone()).collect();
    let claim_at = renumber(claims.claims.iter().map(|c| !c.draft));
    let artifact_at = renumber(claims.artifacts.iter().map(|a| !articles.contains(a.quote.article.as_str())));
    claims.claims.retain(|c| !c.draft);
    claims.artifacts.retain(|a| !articles.contains(a.quote.article.as_str()));
    claims.discrepancies.retain(|d| !d.draft);
    claims.retain_corrections(|k| !drafts.contains(&k.claim.value));
    let kept: Vec<bool> = site.articles.iter().map(|a| !a.meta.draft).collect();
    site.articles.retain(|a| !a.meta.draft);
    let mut at = 0;
    marks.retain(|_| {
        at += 1;
        kept[at - 1]
    });
    for list in marks.iter_mut() {
        std::sync::Arc::make_mut(list).retain_mut(|m| match &mut m.target {
            Target::Appearance { claim, .. } => claim_at.get(claim).map(|&new| *claim = new).is_some(),
            Target::Artifact(n) => artifact_at.get(n).map(|&new| *n = new).is_some(),
        });
    }
}

/// The new index of each kept item, by its old index.
fn renumber(kept: impl Iterator<Item = bool>) -> HashMap<usize, usize> {
    kept.enumerate().filter(|(_, k)| *k).enumerate().map(|(new, (old, _))| (old, new)).collect()
}
