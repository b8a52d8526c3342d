//! `claims.json`: the whole briefing as data, for other tools. Documented, with its JSON
//! Schema, in `docs/claims-json.md` and `docs/claims.schema.json`.

use std::collections::HashMap;
use std::io::Write as _;

use serde::Serialize;

use rayon::prelude::*;

use crate::anchor::{Mark, Marks, Target};
use crate::article::Article;
use crate::date::Date;
use crate::fingerprint::Fingerprint;
use crate::load::Site;
use crate::parts::{Html, Store};
use crate::render::updated;

/// The format's version: bump it on any change that could break a reader.
pub const VERSION: u32 = 1;

/// The export, as pretty-printed JSON with a final newline. Deterministic: objects have
/// sorted keys, arrays follow the site's order.
pub fn claims_json(site: &Site, marks: &Marks) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail, and serde_json writes valid UTF-8.
    let _ = write_claims_json(site, marks, None, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`claims_json`], written to `out` as it is made: with every article's text in it, the
/// export is the largest file of a site, and a build streams it to disk rather than hold
/// it in memory. Each article's entry is kept in `parts` under a fingerprint of its file,
/// so that a rebuild neither parses the article again nor escapes its text again.
pub fn write_claims_json(
    site: &Site,
    marks: &Marks,
    parts: Option<&Store>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let config = &site.config;
    let claims = &site.claims;
    let located: HashMap<Target, &Mark> = marks.iter().flatten().map(|m| (m.target, m)).collect();
    let quote = |q, target, reason| quote_out(&located, q, target, reason);
    let articles: Vec<Html> = site
        .articles
        .par_iter()
        .map(|a| match parts {
            Some(store) => store.get_or(entry_key(a), || article_entry(a)),
            None => article_entry(a).map(Html::from),
        })
        .collect::<std::io::Result<_>>()?;
    let artifacts = Artifacts {
        artifacts: claims
            .artifacts
            .iter()
            .enumerate()
            .map(|(n, a)| quote(&a.quote, Target::Artifact(n), Some(&a.reason)))
            .collect(),
    };
    // Each claim's entry is kept like an article's, under a fingerprint of what it says:
    // an edit serializes one claim again, not 20,000.
    let entries: Vec<Html> = (0..claims.claims.len())
        .into_par_iter()
        .map(|ci| {
            let entry = claim_out(site, ci, &quote);
            match parts {
                Some(store) => {
                    store.get_or(crate::fingerprint::of(&("claims.json claim", &entry)), || indented(&entry))
                }
                None => indented(&entry).map(Html::from),
            }
        })
        .collect::<std::io::Result<_>>()?;
    let rest = Rest {
        corrections: claims
            .corrections
            .iter()
            .map(|c| CorrectionOut { claim: &c.claim.value, date: c.date, text: &c.text })
            .collect(),
        discrepancies: claims
            .discrepancies
            .iter()
            .map(|d| DiscrepancyOut {
                claims: d.claims.iter().map(|c| c.value.as_str()).collect(),
                id: &d.id.value,
                resolution: &d.resolution,
                title: &d.title,
            })
            .collect(),
        format: "briefing-claims",
        site: SiteOut {
            base_url: config.base_url.as_deref(),
            description: &config.description,
            language: &config.language,
            publisher: PublisherOut { name: &config.publisher.name, url: config.publisher.url.as_deref() },
            title: &config.title,
        },
        timeline: claims
            .events
            .iter()
            .map(|e| EventOut { date: e.date, source: e.source.as_deref(), title: &e.title })
            .collect(),
        verdicts: config
            .verdicts
            .iter()
            .map(|v| VerdictOut {
                description: &v.description,
                flag: v.flag,
                key: &v.key,
                label: &v.label,
                rating: v.rating,
            })
            .collect(),
        version: VERSION,
    };
    // The document's keys in order, as serde_json would write them: `articles` and `claims`
    // from their entries, the others as pretty JSON without their object's braces.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(b"{\n")?;
    write_list(&mut out, "articles", &articles)?;
    let artifacts = serde_json::to_string_pretty(&artifacts)?;
    out.write_all(artifacts.strip_prefix("{\n").and_then(|a| a.strip_suffix("\n}")).unwrap_or("").as_bytes())?;
    out.write_all(b",\n")?;
    write_list(&mut out, "claims", &entries)?;
    serde_json::to_writer_pretty(Skip { bytes: b"{\n".len(), inner: &mut out }, &rest)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// A list of entries as the pretty printer writes an array at the document's top level,
/// followed by the comma of a key that is not the last.
fn write_list(out: &mut impl std::io::Write, key: &str, entries: &[Html]) -> std::io::Result<()> {
    write!(out, "  \"{key}\": [")?;
    for (i, entry) in entries.iter().enumerate() {
        out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        out.write_all(entry.as_bytes())?;
    }
    out.write_all(if entries.is_empty() { b"],\n" } else { b"\n  ],\n" })
}

/// An entry of a top-level array, indented for its place in the document (JSON strings
/// hold no raw line breaks, so every line break is one of the layout's).
fn indented(entry: &impl Serialize) -> std::io::Result<String> {
    Ok(serde_json::to_string_pretty(entry)?.replace('\n', "\n    "))
}

/// Claim `ci` as the export writes it.
fn claim_out<'a>(
    site: &'a Site,
    ci: usize,
    quote: &(impl Fn(&'a crate::claims::Quote, Target, Option<&'a str>) -> QuoteOut<'a> + Sync),
) -> ClaimOut<'a> {
    let c = &site.claims.claims[ci];
    let (first, _) = site.claims_file.line_col(c.span.start);
    let (last, _) = site.claims_file.line_col(c.span.end.saturating_sub(1).max(c.span.start));
    ClaimOut {
        appearances: c
            .appearances
            .iter()
            .enumerate()
            .map(|(ai, q)| quote(q, Target::Appearance { claim: ci, index: ai }, None))
            .collect(),
        checked: c.checked,
        claim: &c.claim,
        explanation: &c.explanation,
        finding: &c.finding,
        id: &c.id.value,
        lines: [first, last],
        page: format!("claims/{}/", c.id.value),
        sources: c
            .sources
            .iter()
            .map(|s| SourceOut { date: s.date, publisher: s.publisher.as_deref(), title: &s.title, url: &s.url.value })
            .collect(),
        topic: &c.topic,
        updated: updated(site, c),
        verdict: &c.verdict.value,
    }
}

/// A hash of everything the export (and the feed) is made from: the config (with any
/// `--base-url`), the claims file and every article file (the marks are found from
/// these), so that a rebuild of an unchanged site need not make them at all.
pub fn key(site: &Site) -> u64 {
    let articles: Vec<u64> = site.articles.par_iter().map(entry_key).collect();
    let mut fp = Fingerprint::new();
    fp.bytes(b"claims.json");
    fp.add(&site.config);
    fp.bytes(site.claims_file.name.as_bytes());
    fp.bytes(site.claims_file.text.as_bytes());
    fp.add(&articles);
    fp.finish()
}

/// What an article's entry is made from: its file (name, text, format), which gives its
/// front matter and its reader's text.
fn entry_key(a: &Article) -> u64 {
    let mut fp = Fingerprint::new();
    fp.bytes(b"claims.json article");
    fp.bytes(a.file.name.as_bytes());
    fp.add(&a.hash);
    fp.add(&a.format);
    fp.finish()
}

/// An article's entry in `articles`, indented for its place in the document.
fn article_entry(a: &Article) -> std::io::Result<String> {
    let entry = ArticleOut {
        author: a.meta.author.as_deref(),
        file: &a.file.name,
        format: a.format,
        note: a.meta.note.as_deref(),
        outlet: a.meta.outlet.as_deref(),
        page: format!("articles/{}/", a.slug),
        published: a.meta.published,
        retrieved: a.meta.retrieved,
        slug: &a.slug,
        text: &a.markup().text,
        title: &a.meta.title,
        url: a.meta.url.as_deref(),
    };
    indented(&entry)
}

/// Drops the first `bytes` bytes written through it.
struct Skip<W> {
    bytes: usize,
    inner: W,
}

impl<W: std::io::Write> std::io::Write for Skip<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let skipped = self.bytes.min(buf.len());
        self.bytes -= skipped;
        if skipped == buf.len() {
            return Ok(skipped);
        }
        Ok(skipped + self.inner.write(&buf[skipped..])?)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// An appearance or artifact as written: where it was found, if it was.
fn quote_out<'a>(
    located: &HashMap<Target, &'a Mark>,
    q: &'a crate::claims::Quote,
    target: Target,
    reason: Option<&'a str>,
) -> QuoteOut<'a> {
    let found = located.get(&target);
    QuoteOut {
        article: &q.article.value,
        end: found.map(|m| m.chars.end),
        exact: found.map(|m| Some(m.raw.as_str())),
        note: q.note.as_deref(),
        prefix: q.prefix.as_ref().map(|p| p.value.as_str()),
        quote: &q.quote.value,
        reason,
        start: found.map(|m| m.chars.start),
        suffix: q.suffix.as_ref().map(|p| p.value.as_str()),
    }
}

// The document, written straight from the site's data: no intermediate JSON tree, which at
// 10,000 articles held a second copy of every article's text. Fields are declared in
// alphabetical order, the order the format has always had (and the schema's examples show).

/// The document's `artifacts`, which follow the articles.
#[derive(Serialize)]
struct Artifacts<'a> {
    artifacts: Vec<QuoteOut<'a>>,
}

/// The document after `claims`.
#[derive(Serialize)]
struct Rest<'a> {
    corrections: Vec<CorrectionOut<'a>>,
    discrepancies: Vec<DiscrepancyOut<'a>>,
    format: &'static str,
    site: SiteOut<'a>,
    timeline: Vec<EventOut<'a>>,
    verdicts: Vec<VerdictOut<'a>>,
    version: u32,
}

#[derive(Serialize)]
struct ArticleOut<'a> {
    author: Option<&'a str>,
    file: &'a str,
    format: crate::article::Format,
    note: Option<&'a str>,
    outlet: Option<&'a str>,
    page: String,
    published: Option<Date>,
    retrieved: Option<Date>,
    slug: &'a str,
    text: &'a str,
    title: &'a str,
    url: Option<&'a str>,
}

/// An appearance or an artifact. Absent optional fields are left out, not `null`.
#[derive(Serialize)]
struct QuoteOut<'a> {
    article: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exact: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<&'a str>,
    quote: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suffix: Option<&'a str>,
}

#[derive(Serialize)]
struct ClaimOut<'a> {
    appearances: Vec<QuoteOut<'a>>,
    checked: Date,
    claim: &'a str,
    explanation: &'a str,
    finding: &'a str,
    id: &'a str,
    lines: [usize; 2],
    page: String,
    sources: Vec<SourceOut<'a>>,
    topic: &'a str,
    updated: Date,
    verdict: &'a str,
}

#[derive(Serialize)]
struct SourceOut<'a> {
    date: Option<Date>,
    publisher: Option<&'a str>,
    title: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct CorrectionOut<'a> {
    claim: &'a str,
    date: Date,
    text: &'a str,
}

#[derive(Serialize)]
struct DiscrepancyOut<'a> {
    claims: Vec<&'a str>,
    id: &'a str,
    resolution: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct SiteOut<'a> {
    base_url: Option<&'a str>,
    description: &'a str,
    language: &'a str,
    publisher: PublisherOut<'a>,
    title: &'a str,
}

#[derive(Serialize)]
struct PublisherOut<'a> {
    name: &'a str,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct EventOut<'a> {
    date: Date,
    source: Option<&'a str>,
    title: &'a str,
}

#[derive(Serialize)]
struct VerdictOut<'a> {
    description: &'a str,
    flag: bool,
    key: &'a str,
    label: &'a str,
    rating: Option<u8>,
}
