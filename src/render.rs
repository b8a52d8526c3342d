//! Stage 4, render: pages from the loaded, validated and anchored site.
//!
//! This module turns plain data into template contexts (plain `Serialize` structs, so a
//! theme author can read exactly what a template receives) and runs the templates. Every
//! link in a context is relative to the site root; templates prefix it with `root`, the
//! way back from the page to the root, so that the output works under any path and from
//! disk.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::anchor::{Mark, Marks, Target};
use crate::article::Article;
use crate::claims::Claim;
use crate::config::{Config, Publisher, Verdict};
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::highlight::{self, Highlighter};
use crate::load::Site;
use crate::markup::{self, Highlight, escape};
use crate::theme;

/// A file of the output: its path (relative, `/`-separated) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Where it goes in the output directory.
    pub path: String,
    /// What it holds.
    pub bytes: Vec<u8>,
}

/// What the render stage made, and a few counts for the summary line.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Every output file, sorted by path.
    pub pages: Vec<Page>,
    /// Marked passages with a flagging verdict.
    pub flags: usize,
}

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    publisher: &'a Publisher,
    base_url: Option<&'a str>,
    repo_url: Option<&'a str>,
    generator: String,
}

#[derive(Serialize)]
struct PageCtx {
    title: String,
    description: String,
    /// Absolute URL of the page, when `base_url` is set.
    canonical: Option<String>,
}

#[derive(Serialize, Clone)]
struct ArticleRef<'a> {
    slug: &'a str,
    title: &'a str,
    outlet: Option<&'a str>,
    author: Option<&'a str>,
    published: Option<DateCtx>,
    retrieved: Option<DateCtx>,
    url: Option<&'a str>,
    note: Option<&'a str>,
    format: crate::article::Format,
    href: String,
    /// Appearances marked in this article.
    checked: usize,
    /// Of which flagged.
    flags: usize,
    artifacts: usize,
}

#[derive(Serialize, Clone)]
struct DateCtx {
    iso: String,
    long: String,
    weekday: &'static str,
}

impl From<Date> for DateCtx {
    fn from(d: Date) -> Self {
        DateCtx { iso: d.to_string(), long: d.long(), weekday: d.weekday() }
    }
}

#[derive(Serialize, Clone)]
struct AppearanceCtx<'a> {
    article: ArticleRef<'a>,
    mark_id: String,
    href: String,
    before: &'a str,
    exact: &'a str,
    after: &'a str,
    note: Option<&'a str>,
}

#[derive(Serialize, Clone)]
struct SourceCtx<'a> {
    title: &'a str,
    publisher: Option<&'a str>,
    url: &'a str,
    date: Option<DateCtx>,
}

#[derive(Serialize, Clone)]
struct DiscrepancyRef<'a> {
    id: &'a str,
    title: &'a str,
    href: String,
}

#[derive(Serialize, Clone)]
struct ClaimCtx<'a> {
    id: &'a str,
    claim: &'a str,
    verdict: &'a Verdict,
    finding: &'a str,
    explanation_html: String,
    checked: DateCtx,
    topic: &'a str,
    href: String,
    sources: Vec<SourceCtx<'a>>,
    appearances: Vec<AppearanceCtx<'a>>,
    discrepancies: Vec<DiscrepancyRef<'a>>,
}

#[derive(Serialize)]
struct DiscrepancyCtx<'a> {
    id: &'a str,
    title: &'a str,
    resolution_html: String,
    sides: Vec<ClaimCtx<'a>>,
}

#[derive(Serialize)]
struct ScoreRow<'a> {
    article: ArticleRef<'a>,
    counts: Vec<usize>,
    artifacts: usize,
}

#[derive(Serialize)]
struct TopicCtx<'a> {
    name: &'a str,
    claims: Vec<ClaimCtx<'a>>,
}

#[derive(Serialize)]
struct EventCtx<'a> {
    date: DateCtx,
    title: &'a str,
    source: Option<&'a str>,
}

#[derive(Serialize)]
struct FlagCtx<'a> {
    mark_id: String,
    claim: ClaimCtx<'a>,
    exact: &'a str,
}

#[derive(Serialize)]
struct ArtifactCtx<'a> {
    mark_id: String,
    reason: &'a str,
    exact: &'a str,
}

/// Everything derived once and shared by all pages.
struct Shared<'a> {
    site: &'a Site,
    marks: &'a Marks,
    /// (claim index, appearance index) → (article index, mark).
    appearance_marks: HashMap<(usize, usize), (usize, &'a Mark)>,
    article_refs: Vec<ArticleRef<'a>>,
    highlighter: &'a Highlighter,
}

/// The id of an appearance's mark: stable as long as the claim keeps its id and the
/// appearance its place in the claim.
pub fn appearance_id(claim: &Claim, index: usize) -> String {
    format!("q-{}-{}", claim.id.value, index + 1)
}

fn artifact_id(n: usize) -> String {
    format!("artifact-{}", n + 1)
}

/// Renders every page of the site.
pub fn render(site: &Site, marks: &Marks, highlighter: &Highlighter) -> Result<Rendered, Vec<Diagnostic>> {
    let tera = theme::compile(&site.theme)?;
    let shared = Shared::new(site, marks, highlighter);
    let config = &site.config;
    let site_ctx = SiteCtx {
        title: &config.title,
        description: &config.description,
        language: &config.language,
        publisher: &config.publisher,
        base_url: config.base_url.as_deref(),
        repo_url: config.repo_url.as_deref(),
        generator: format!("briefing {}", env!("CARGO_PKG_VERSION")),
    };
    let render_one =
        |template: &str, path: String, root: &str, page: PageCtx, extra: Context| -> Result<Page, Diagnostic> {
            let mut ctx = Context::new();
            ctx.insert("site", &site_ctx);
            ctx.insert("root", root);
            ctx.insert("page", &page);
            ctx.insert("verdicts", &config.verdicts);
            ctx.extend(extra);
            tera.render(template, &ctx)
                .map(|html| Page { path, bytes: html.into_bytes() })
                .map_err(|e| theme::template_error(&site.theme, &e))
        };

    let mut jobs: Vec<Box<dyn Fn() -> Result<Page, Diagnostic> + Send + Sync + '_>> = Vec::new();
    jobs.push(Box::new(|| {
        let page = PageCtx {
            title: config.title.clone(),
            description: config.description.clone(),
            canonical: shared.canonical(""),
        };
        render_one("index.html", "index.html".into(), "", page, shared.index_context())
    }));
    jobs.push(Box::new(|| {
        let page = PageCtx { title: "Page not found".into(), description: config.description.clone(), canonical: None };
        // The 404 page is served at any depth: only an absolute base can make its links work.
        let root = config.base_url.clone().unwrap_or_default();
        render_one("404.html", "404.html".into(), &root, page, Context::new())
    }));
    for (i, article) in site.articles.iter().enumerate() {
        let shared = &shared;
        let render_one = &render_one;
        jobs.push(Box::new(move || {
            let path = format!("articles/{}/", article.slug);
            let page = PageCtx {
                title: article.meta.title.clone(),
                description: shared.article_description(i),
                canonical: shared.canonical(&path),
            };
            render_one("article.html", format!("{path}index.html"), "../../", page, shared.article_context(i))
        }));
    }
    for (i, claim) in site.claims.claims.iter().enumerate() {
        let shared = &shared;
        let render_one = &render_one;
        jobs.push(Box::new(move || {
            let path = format!("claims/{}/", claim.id.value);
            let page = PageCtx {
                title: claim.claim.clone(),
                description: format!("{}: {}", shared.verdict(claim).label, claim.finding),
                canonical: shared.canonical(&path),
            };
            let mut extra = Context::new();
            extra.insert("claim", &shared.claim_ctx(i));
            render_one("claim.html", format!("{path}index.html"), "../../", page, extra)
        }));
    }

    let results: Vec<Result<Page, Diagnostic>> = jobs.par_iter().map(|job| job()).collect();
    let mut pages = Vec::with_capacity(results.len() + site.theme.statics.len() + 1);
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(p) => pages.push(p),
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    for (path, bytes) in &site.theme.statics {
        pages.push(Page { path: path.clone(), bytes: bytes.clone() });
    }
    pages.push(Page { path: "highlight.css".into(), bytes: highlight::stylesheet().into_bytes() });
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    pages.dedup_by(|a, b| a.path == b.path);
    let flags = shared.appearance_marks.keys().filter(|(c, _)| shared.verdict(&site.claims.claims[*c]).flag).count();
    Ok(Rendered { pages, flags })
}

impl<'a> Shared<'a> {
    fn new(site: &'a Site, marks: &'a Marks, highlighter: &'a Highlighter) -> Self {
        let mut appearance_marks = HashMap::new();
        for (ai, list) in marks.iter().enumerate() {
            for m in list {
                if let Target::Appearance { claim, index } = m.target {
                    appearance_marks.insert((claim, index), (ai, m));
                }
            }
        }
        let mut shared = Shared { site, marks, appearance_marks, article_refs: Vec::new(), highlighter };
        shared.article_refs = site.articles.iter().enumerate().map(|(i, a)| shared.article_ref(i, a)).collect();
        shared
    }

    fn verdict(&self, claim: &Claim) -> &'a Verdict {
        let config: &'a Config = &self.site.config;
        // Validation guarantees the verdict exists; fall back to the first step rather
        // than panic if a caller skipped it.
        config.verdict(&claim.verdict.value).unwrap_or(&config.verdicts[0])
    }

    fn canonical(&self, path: &str) -> Option<String> {
        self.site.config.base_url.as_ref().map(|b| format!("{b}{path}"))
    }

    fn article_ref(&self, i: usize, a: &'a Article) -> ArticleRef<'a> {
        let marks = &self.marks[i];
        let claims = &self.site.claims.claims;
        let mut checked = 0;
        let mut flags = 0;
        let mut artifacts = 0;
        for m in marks {
            match m.target {
                Target::Appearance { claim, .. } => {
                    checked += 1;
                    flags += usize::from(self.verdict(&claims[claim]).flag);
                }
                Target::Artifact(_) => artifacts += 1,
            }
        }
        ArticleRef {
            slug: &a.slug,
            title: &a.meta.title,
            outlet: a.meta.outlet.as_deref(),
            author: a.meta.author.as_deref(),
            published: a.meta.published.map(DateCtx::from),
            retrieved: a.meta.retrieved.map(DateCtx::from),
            url: a.meta.url.as_deref(),
            note: a.meta.note.as_deref(),
            format: a.format,
            href: format!("articles/{}/index.html", a.slug),
            checked,
            flags,
            artifacts,
        }
    }

    fn article_description(&self, i: usize) -> String {
        let r = &self.article_refs[i];
        let outlet = r.outlet.unwrap_or("an unstated outlet");
        format!("“{}” ({outlet}): {} claims checked, {} flagged.", r.title, r.checked, r.flags)
    }

    fn claim_ctx(&self, ci: usize) -> ClaimCtx<'a> {
        let claim: &'a Claim = &self.site.claims.claims[ci];
        let appearances = claim
            .appearances
            .iter()
            .enumerate()
            .filter_map(|(ai, q)| {
                let (article, mark) = self.appearance_marks.get(&(ci, ai))?;
                let mark_id = appearance_id(claim, ai);
                Some(AppearanceCtx {
                    article: self.article_refs[*article].clone(),
                    href: format!("articles/{}/index.html#{mark_id}", self.site.articles[*article].slug),
                    mark_id,
                    before: &mark.before,
                    exact: &mark.exact,
                    after: &mark.after,
                    note: q.note.as_deref(),
                })
            })
            .collect();
        let discrepancies = self
            .site
            .claims
            .discrepancies
            .iter()
            .filter(|d| d.claims.iter().any(|c| c.value == claim.id.value))
            .map(|d| DiscrepancyRef { id: &d.id.value, title: &d.title, href: format!("index.html#{}", d.id.value) })
            .collect();
        ClaimCtx {
            id: &claim.id.value,
            claim: &claim.claim,
            verdict: self.verdict(claim),
            finding: &claim.finding,
            explanation_html: markup::markdown_to_html(&claim.explanation, self.highlighter),
            checked: claim.checked.into(),
            topic: &claim.topic,
            href: format!("claims/{}/index.html", claim.id.value),
            sources: claim
                .sources
                .iter()
                .map(|s| SourceCtx {
                    title: &s.title,
                    publisher: s.publisher.as_deref(),
                    url: &s.url.value,
                    date: s.date.map(DateCtx::from),
                })
                .collect(),
            appearances,
            discrepancies,
        }
    }

    fn index_context(&self) -> Context {
        let site = self.site;
        let claims = &site.claims;
        let by_id: HashMap<&str, usize> = claims.claims.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
        let discrepancies: Vec<DiscrepancyCtx<'_>> = claims
            .discrepancies
            .iter()
            .map(|d| DiscrepancyCtx {
                id: &d.id.value,
                title: &d.title,
                resolution_html: markup::markdown_to_html(&d.resolution, self.highlighter),
                sides: d.claims.iter().filter_map(|c| by_id.get(c.as_str())).map(|&i| self.claim_ctx(i)).collect(),
            })
            .collect();

        let verdict_index: HashMap<&str, usize> =
            site.config.verdicts.iter().enumerate().map(|(i, v)| (v.key.as_str(), i)).collect();
        let scorecard: Vec<ScoreRow<'_>> = self
            .marks
            .iter()
            .enumerate()
            .map(|(ai, list)| {
                let mut counts = vec![0; site.config.verdicts.len()];
                let mut artifacts = 0;
                for m in list {
                    match m.target {
                        Target::Appearance { claim, .. } => {
                            if let Some(&v) = verdict_index.get(claims.claims[claim].verdict.as_str()) {
                                counts[v] += 1;
                            }
                        }
                        Target::Artifact(_) => artifacts += 1,
                    }
                }
                ScoreRow { article: self.article_refs[ai].clone(), counts, artifacts }
            })
            .collect();

        let mut topics: Vec<TopicCtx<'_>> = Vec::new();
        for (i, c) in claims.claims.iter().enumerate() {
            let ctx = self.claim_ctx(i);
            match topics.iter_mut().find(|t| t.name == c.topic) {
                Some(t) => t.claims.push(ctx),
                None => topics.push(TopicCtx { name: &c.topic, claims: vec![ctx] }),
            }
        }

        let mut timeline: Vec<EventCtx<'_>> = claims
            .events
            .iter()
            .map(|e| EventCtx { date: e.date.into(), title: &e.title, source: e.source.as_deref() })
            .collect();
        timeline.sort_by(|a, b| a.date.iso.cmp(&b.date.iso));

        let flagged = self.appearance_marks.keys().filter(|(c, _)| self.verdict(&claims.claims[*c]).flag).count();
        let mut ctx = Context::new();
        ctx.insert("lead_html", &site.lead.as_deref().map(|l| markup::markdown_to_html(l, self.highlighter)));
        ctx.insert("articles", &self.article_refs);
        ctx.insert("discrepancies", &discrepancies);
        ctx.insert("scorecard", &scorecard);
        ctx.insert("topics", &topics);
        ctx.insert("timeline", &timeline);
        ctx.insert(
            "counts",
            &serde_json::json!({
                "articles": site.articles.len(),
                "claims": claims.claims.len(),
                "appearances": self.appearance_marks.len(),
                "flags": flagged,
                "discrepancies": claims.discrepancies.len(),
                "artifacts": claims.artifacts.len(),
            }),
        );
        ctx
    }

    fn article_context(&self, i: usize) -> Context {
        let site = self.site;
        let article = &site.articles[i];
        let root = "../../";
        let mut highlights = Vec::new();
        let mut flags = Vec::new();
        let mut accurate = Vec::new();
        let mut artifacts = Vec::new();
        for m in &self.marks[i] {
            match m.target {
                Target::Appearance { claim: ci, index } => {
                    let claim = &site.claims.claims[ci];
                    let verdict = self.verdict(claim);
                    let id = appearance_id(claim, index);
                    let class = format!("claim v-{} {}", verdict.key, if verdict.flag { "flag" } else { "quiet" });
                    highlights.push(Highlight {
                        start: m.range.start,
                        end: m.range.end,
                        open: format!("<mark class=\"{class}\" id=\"{id}\">"),
                        reopen: format!("<mark class=\"{class}\">"),
                        close: "</mark>".into(),
                        after: format!(
                            "<a class=\"note v-{key}\" href=\"{root}claims/{cid}/index.html\"><span class=\"note-label\">{label}</span> <span class=\"note-text\">{finding}</span></a>",
                            key = verdict.key,
                            cid = escape(&claim.id.value),
                            label = escape(&verdict.label),
                            finding = escape(&claim.finding),
                        ),
                    });
                    let flag = FlagCtx { mark_id: id, claim: self.claim_ctx(ci), exact: &m.exact };
                    if verdict.flag { flags.push(flag) } else { accurate.push(flag) }
                }
                Target::Artifact(n) => {
                    let artifact = &site.claims.artifacts[n];
                    let id = artifact_id(n);
                    highlights.push(Highlight {
                        start: m.range.start,
                        end: m.range.end,
                        open: format!("<mark class=\"artifact\" id=\"{id}\">"),
                        reopen: "<mark class=\"artifact\">".into(),
                        close: "</mark>".into(),
                        after: format!(
                            "<span class=\"note artifact-note\"><span class=\"note-label\">Not the author’s text</span> <span class=\"note-text\">{}</span></span>",
                            escape(&artifact.reason)
                        ),
                    });
                    artifacts.push(ArtifactCtx { mark_id: id, reason: &artifact.reason, exact: &m.exact });
                }
            }
        }
        let mut ctx = Context::new();
        ctx.insert("article", &self.article_refs[i]);
        ctx.insert("body_html", &markup::write_html(&article.markup, &highlights));
        ctx.insert("flags", &flags);
        ctx.insert("accurate", &accurate);
        ctx.insert("artifacts", &artifacts);
        ctx
    }
}
