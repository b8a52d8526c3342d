//! `claims.json`: the whole briefing as data, for other tools. Documented, with its JSON
//! Schema, in `docs/claims-json.md` and `docs/claims.schema.json`.

use serde::Serialize;
use std::borrow::Cow;

use rayon::prelude::*;

use crate::model::article::Article;
use crate::model::catalog::Catalog;
use crate::model::date::Date;
use crate::stages::anchor::{Mark, Marks, Target};
use crate::stages::load::Site;
use crate::stages::render::fingerprint::Fingerprint;

/// The format's version: bump it on any change that could break a reader.
pub const VERSION: u32 = 1;

/// The export, as pretty-printed JSON with a final newline. Deterministic: objects have
/// sorted keys, arrays follow the site's order.
pub fn claims_json(site: &Site, marks: &Marks) -> String {
    // Writing into memory cannot fail, and serde_json writes valid UTF-8.
    let Ok(doc) = Doc::new(site, marks, None) else { return String::new() };
    let mut out = String::new();
    for piece in &doc.pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            entry => out.push_str(&doc.entry(entry).unwrap_or_default()),
        }
    }
    out
}

/// The site-wide export of an archive, `claims.jsonl`: one line per published claim of
/// every briefing, the home's order of briefings and each claims file's order within
/// one, each a JSON object with sorted keys. Its lines are documented in
/// `docs/claims-json.md` and `docs/claims-line.schema.json`.
pub fn jsonl(site: &Site, catalog: &Catalog) -> String {
    let base = site.config.base_url.as_deref().unwrap_or("");
    let mut out = String::new();
    for c in &catalog.claims {
        let b = &catalog.briefings[c.briefing];
        let verdict = site.config.verdict(&c.verdict);
        let line = LineOut {
            articles: c
                .articles
                .iter()
                .map(|&a| {
                    let a = &catalog.articles[a];
                    LineArticleOut {
                        outlet: a.outlet.as_deref(),
                        published: a.published,
                        slug: &a.slug,
                        title: &a.title,
                        url: format!("{base}{}/articles/{}/", b.slug, a.slug),
                    }
                })
                .collect(),
            briefing: &b.slug,
            draft: c.draft.then_some(true),
            briefing_date: b.heading.date,
            briefing_title: &b.heading.title,
            checked: c.checked,
            claim: &c.claim,
            corrections: c.corrections,
            finding: &c.finding,
            id: &c.id,
            topic: &c.topic,
            updated: c.updated,
            url: format!("{base}{}/claims/{}/", b.slug, c.id),
            verdict: &c.verdict,
            verdict_label: verdict.map_or("", |v| v.label.as_str()),
        };
        // Writing into memory cannot fail.
        if let Ok(text) = serde_json::to_string(&line) {
            out.push_str(&text);
            out.push('\n');
        }
    }
    out
}

/// A line of `claims.jsonl`: a claim with its briefing and the articles that make it.
#[derive(Serialize)]
struct LineOut<'a> {
    articles: Vec<LineArticleOut<'a>>,
    briefing: &'a str,
    briefing_date: Date,
    briefing_title: &'a str,
    checked: Date,
    claim: &'a str,
    corrections: usize,
    /// `true` for a draft, in a preview built with `--drafts`; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    draft: Option<bool>,
    finding: &'a str,
    id: &'a str,
    topic: &'a str,
    updated: Date,
    url: String,
    verdict: &'a str,
    verdict_label: &'a str,
}

/// An article that makes a claim, on its line of `claims.jsonl`.
#[derive(Serialize)]
struct LineArticleOut<'a> {
    outlet: Option<&'a str>,
    published: Option<Date>,
    slug: &'a str,
    title: &'a str,
    url: String,
}

/// One piece of the document, in order: text of its own, or an entry of `articles` or
/// `claims`, under a key of what it is made from.
pub enum Piece {
    /// Text between entries: most of it the same few bytes between two entries, not
    /// copied (30,000 allocations of `",\n    "` at 10k/20k, on every save in `serve`).
    Text(Cow<'static, str>),
    /// Article `i`'s entry.
    Article(usize, u64),
    /// Claim `i`'s entry.
    Claim(usize, u64),
}

impl Piece {
    /// An entry's key.
    pub fn key(&self) -> Option<u64> {
        match self {
            Piece::Text(_) => None,
            Piece::Article(_, key) | Piece::Claim(_, key) => Some(*key),
        }
    }
}

/// The export as [`Piece`]s. Every entry has a key, and is made only on request: with
/// every article's text in it, the export is the largest file of a site (77 MB at 10,000
/// articles), and a rebuild copies the entries it kept from the previous file (see
/// [`crate::model::page`]) rather than escape every article's text again.
pub struct Doc<'a> {
    site: &'a Site,
    located: Located<'a>,
    /// The first and last lines of each claim's entry.
    lines: Vec<(usize, usize)>,
    /// The document, in order.
    pub pieces: Vec<Piece>,
}

/// How serde_json's pretty printer opens an object: its brace and a line break (and it
/// closes one with a line break and its brace). The document's members are spliced from
/// objects printed whole, without these.
const OBJECT_START: &str = "\x7b\n";

/// What the render knows of each claim, in the claims file's order: its key (see
/// `render/inputs.rs`), and the first and last lines of its entry.
pub type ClaimKeys<'k> = (&'k [u64], &'k [(usize, usize)]);

impl<'a> Doc<'a> {
    /// The pieces of the export of `site`. A claim's entry is kept under a fingerprint of
    /// what it is made from: given `claim_keys` (fingerprints of each claim as the pages
    /// show it, see `render.rs`), the key adds only what the export has and the pages do
    /// not; without them, it is a fingerprint of the entry itself.
    pub fn new(site: &'a Site, marks: &'a Marks, claim_keys: Option<ClaimKeys<'_>>) -> std::io::Result<Doc<'a>> {
        let config = &site.config;
        let claims = &site.claims;
        let located = Located::new(site, marks);
        let quote = |q, target, reason| quote_out(located.of(target), q, reason);
        // The lines the render found for its keys; else found here, all at once (a claim's
        // own lookup would index all of a large file's lines for one entry).
        let lines = match claim_keys {
            Some((_, lines)) => lines.to_vec(),
            None => site.claims_file.line_spans(claims.claims.iter().map(|c| &c.span)),
        };
        let claim_keys = claim_keys_of(site, &located, claim_keys.map(|(keys, _)| keys), &lines);
        let artifacts = Artifacts {
            artifacts: claims
                .artifacts
                .iter()
                .enumerate()
                .map(|(n, a)| quote(&a.quote, Target::Artifact(n), Some(&a.reason)))
                .collect(),
        };
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
                    draft: d.draft,
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
        // The document's keys in order, as serde_json would write them: `articles` and
        // `claims` from their entries, the others as pretty JSON without their object's
        // braces.
        let mut pieces = vec![Piece::Text(Cow::Borrowed(OBJECT_START))];
        let article_keys: Vec<u64> = site.articles.par_iter().map(entry_key).collect();
        list(&mut pieces, "articles", article_keys.into_iter().enumerate().map(|(i, k)| Piece::Article(i, k)));
        let artifacts = serde_json::to_string_pretty(&artifacts)?;
        let artifacts = artifacts.get(OBJECT_START.len()..artifacts.len().saturating_sub(2)).unwrap_or("");
        pieces.push(Piece::Text(format!("{artifacts},\n").into()));
        list(&mut pieces, "claims", claim_keys.into_iter().enumerate().map(|(i, k)| Piece::Claim(i, k)));
        let rest = serde_json::to_string_pretty(&rest)?;
        pieces.push(Piece::Text(format!("{}\n", rest.get(OBJECT_START.len()..).unwrap_or(&rest)).into()));
        Ok(Doc { site, located, lines, pieces })
    }

    /// An entry's text, as it stands in the document (text pieces are their own).
    pub fn entry(&self, piece: &Piece) -> std::io::Result<String> {
        match piece {
            Piece::Text(text) => Ok(text.to_string()),
            Piece::Article(i, _) => article_entry(&self.site.articles[*i]),
            Piece::Claim(i, _) => {
                let quote = |q, target, reason| quote_out(self.located.of(target), q, reason);
                indented(&claim_out(self.site, *i, self.lines[*i], &quote))
            }
        }
    }
}

/// A list of entries as the pretty printer writes an array at the document's top level,
/// followed by the comma of a key that is not the last.
fn list(pieces: &mut Vec<Piece>, key: &str, entries: impl Iterator<Item = Piece>) {
    let mut first = true;
    for entry in entries {
        pieces.push(Piece::Text(if first { format!("  \"{key}\": [\n    ").into() } else { Cow::Borrowed(",\n    ") }));
        pieces.push(entry);
        first = false;
    }
    pieces.push(Piece::Text(if first { format!("  \"{key}\": [],\n").into() } else { Cow::Borrowed("\n  ],\n") }));
}

/// An entry of a top-level array, indented for its place in the document (JSON strings
/// hold no raw line breaks, so every line break is one of the layout's).
fn indented(entry: &impl Serialize) -> std::io::Result<String> {
    Ok(serde_json::to_string_pretty(entry)?.replace('\n', "\n    "))
}

/// Where each appearance and artifact was found, by its place in the claims file.
struct Located<'a> {
    appearances: Vec<Vec<Option<&'a Mark>>>,
    artifacts: Vec<Option<&'a Mark>>,
}

impl<'a> Located<'a> {
    fn new(site: &Site, marks: &'a Marks) -> Self {
        let claims = &site.claims;
        let mut located = Located {
            appearances: claims.claims.iter().map(|c| vec![None; c.appearances.len()]).collect(),
            artifacts: vec![None; claims.artifacts.len()],
        };
        for m in marks.iter().flat_map(|l| l.iter()) {
            let slot = match m.target {
                Target::Appearance { claim, index } => {
                    located.appearances.get_mut(claim).and_then(|a| a.get_mut(index))
                }
                Target::Artifact(n) => located.artifacts.get_mut(n),
            };
            if let Some(slot) = slot {
                *slot = Some(m);
            }
        }
        located
    }

    fn of(&self, target: Target) -> Option<&'a Mark> {
        match target {
            Target::Appearance { claim, index } => self.appearances.get(claim)?.get(index).copied().flatten(),
            Target::Artifact(n) => self.artifacts.get(n).copied().flatten(),
        }
    }
}

/// Claim `ci` as the export writes it.
fn claim_out<'a>(
    site: &'a Site,
    ci: usize,
    (first, last): (usize, usize),
    quote: &(impl Fn(&'a crate::model::claims::Quote, Target, Option<&'a str>) -> QuoteOut<'a> + Sync),
) -> ClaimOut<'a> {
    let c = &site.claims.claims[ci];
    ClaimOut {
        appearances: c
            .appearances
            .iter()
            .enumerate()
            .map(|(ai, q)| quote(q, Target::Appearance { claim: ci, index: ai }, None))
            .collect(),
        checked: c.checked,
        claim: &c.claim,
        draft: c.draft,
        explanation: &c.explanation,
        finding: &c.finding,
        id: &c.id.value,
        lines: [first, last],
        page: format!("claims/{}/", c.id.value),
        sources: c
            .sources
            .iter()
            .map(|s| SourceOut {
                archive_url: s.archive_url.as_ref().map(|a| a.value.as_str()),
                date: s.date,
                described: s.described,
                publisher: s.publisher.as_deref(),
                title: &s.title,
                url: &s.url.value,
            })
            .collect(),
        topic: &c.topic,
        updated: site.claims.updated(c),
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
    // Which of them are published: the same files give fewer claims or discrepancies
    // when drafts are left out.
    fp.add(&(site.claims.claims.len(), site.claims.discrepancies.len()));
    fp.finish()
}

/// What an article's entry is made from: its file (name, text, format), which gives its
/// front matter and its reader's text.
fn entry_key(a: &Article) -> u64 {
    let mut fp = Fingerprint::new();
    fp.bytes(b"claims.json article");
    fp.bytes(a.name.as_bytes());
    fp.add(&a.hash);
    fp.add(&a.format);
    for v in &a.versions {
        fp.add(&(v.n, &v.article.name, v.article.hash));
    }
    fp.finish()
}

/// An article's entry in `articles`, indented for its place in the document.
fn article_entry(a: &Article) -> std::io::Result<String> {
    let entry = ArticleOut {
        archive_url: a.meta.archive_url.as_deref(),
        author: a.meta.author.as_deref(),
        draft: a.meta.draft,
        file: &a.name,
        format: a.format,
        note: a.meta.note.as_deref(),
        outlet: a.meta.outlet.as_deref(),
        page: format!("articles/{}/", a.slug),
        published: a.meta.published,
        retrieved: a.meta.retrieved,
        slug: &a.slug,
        // Spliced in below, escaped by `escape_into`.
        text: "".into(),
        title: &a.meta.title,
        url: a.meta.url.as_deref(),
        original: a.meta.original.as_ref().map(|o| OriginalOut {
            file: a.original_path().unwrap_or_else(|| o.file.clone()),
            page: format!("articles/{}/original.txt", a.slug),
            sha256: &o.sha256,
        }),
        versions: a
            .versions
            .iter()
            .map(|v| VersionOut {
                file: &v.article.name,
                page: format!("articles/{}/{}", a.slug, super::versions::file_name(v.n)),
                retrieved: v.article.meta.retrieved,
                sha256: v.article.meta.original.as_ref().map(|o| o.sha256.as_str()),
                version: v.n,
            })
            .collect(),
    };
    let mut json = indented(&entry)?;
    // The entry's only line `  "text": "",` at its first depth (keys are this file's; values
    // hold no raw line break), then indented by `indented`'s four spaces.
    const EMPTY: &str = "\n      \"text\": \"\"";
    let Some(at) = json.find(EMPTY) else { return Err(std::io::Error::other("no text in an article's entry")) };
    let text = crate::model::markup::with_seams(&a.markup().text, &a.markup().seams(), 0);
    let mut escaped = String::with_capacity(text.len() + text.len() / 8);
    escape_into(&text, &mut escaped);
    json.insert_str(at + EMPTY.len() - 1, &escaped);
    Ok(json)
}

/// Appends `s` to `out` as serde_json writes a string's contents: `"` and `\\` escaped,
/// control characters as `\n`, `\t`… or `\u00XX`, all else as it is.
///
/// serde_json looks each byte up in a table: 9 instructions a byte, 5% of a fresh build
/// of 1,000 markdown articles (callgrind), for the articles' text in `claims.json`. Runs
/// between line breaks, quotes and backslashes are found with SIMD (`memchr3`) and checked
/// for another control character in one pass the compiler vectorizes.
fn escape_into(s: &str, out: &mut String) {
    let mut rest = s;
    while !rest.is_empty() {
        let end = memchr::memchr3(b'\n', b'"', b'\\', rest.as_bytes()).unwrap_or(rest.len());
        let run = &rest[..end];
        if run.bytes().fold(false, |any, b| any | (b < 0x20)) {
            run.chars().for_each(|c| escape_char(c, out));
        } else {
            out.push_str(run);
        }
        if let Some(c) = rest[end..].chars().next() {
            escape_char(c, out);
        }
        rest = &rest[(end + 1).min(rest.len())..];
    }
}

fn escape_char(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push(c),
    }
}

/// An appearance or artifact as written: where it was found, if it was.
fn quote_out<'a>(found: Option<&'a Mark>, q: &'a crate::model::claims::Quote, reason: Option<&'a str>) -> QuoteOut<'a> {
    QuoteOut {
        article: &q.article.value,
        changed: found.and_then(|m| m.changed.as_deref()).map(|c| ChangedOut {
            how: c.how.name(),
            version: c.version,
            was: &c.was,
        }),
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
    #[serde(skip_serializing_if = "Option::is_none")]
    archive_url: Option<&'a str>,
    author: Option<&'a str>,
    /// Only in a build with drafts (`--drafts`), and only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    draft: bool,
    file: &'a str,
    format: crate::model::article::Format,
    note: Option<&'a str>,
    outlet: Option<&'a str>,
    page: String,
    published: Option<Date>,
    retrieved: Option<Date>,
    slug: &'a str,
    text: std::borrow::Cow<'a, str>,
    title: &'a str,
    url: Option<&'a str>,
    /// The page it was imported from, as retrieved; only for an imported article.
    #[serde(skip_serializing_if = "Option::is_none")]
    original: Option<OriginalOut<'a>>,
    /// Its earlier versions; only when it has some.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    versions: Vec<VersionOut<'a>>,
}

/// A quote found only in an earlier version of its article.
#[derive(Serialize)]
struct ChangedOut<'a> {
    how: &'static str,
    version: u32,
    was: &'a str,
}

/// An earlier version of an article.
#[derive(Serialize)]
struct VersionOut<'a> {
    file: &'a str,
    page: String,
    retrieved: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sha256: Option<&'a str>,
    version: u32,
}

/// The page an imported article came from: in the repository, in the site, and its hash.
#[derive(Serialize)]
struct OriginalOut<'a> {
    file: String,
    page: String,
    sha256: &'a str,
}

/// An appearance or an artifact. Absent optional fields are left out, not `null`.
#[derive(Serialize)]
struct QuoteOut<'a> {
    article: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    changed: Option<ChangedOut<'a>>,
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
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    draft: bool,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    archive_url: Option<&'a str>,
    date: Option<Date>,
    /// `title` describes the page; its real title is not known.
    described: bool,
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
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    draft: bool,
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

/// Each claim's entry key: with `keys` (each claim's key from its inputs, which covers
/// its fields, corrections and discrepancies and every mark of the articles it appears
/// in, see `render/inputs.rs`), a hash of that and what only the export has (its lines);
/// without, a hash of the whole entry.
fn claim_keys_of(site: &Site, located: &Located, keys: Option<&[u64]>, lines: &[(usize, usize)]) -> Vec<u64> {
    let quote = |q, target, reason| quote_out(located.of(target), q, reason);
    (0..site.claims.claims.len())
        .into_par_iter()
        .map(|ci| match keys {
            Some(keys) => {
                let (first, last) = lines[ci];
                crate::stages::render::fingerprint::of(&("claims.json claim", keys[ci], [first, last]))
            }
            None => {
                crate::stages::render::fingerprint::of(&("claims.json claim", claim_out(site, ci, lines[ci], &quote)))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::escape_into;

    /// Every character serde_json escapes, and runs of text around them, come out as
    /// serde_json writes them.
    #[test]
    fn text_is_escaped_as_serde_json_escapes_it() {
        let mut all: String = (0u32..0x80).filter_map(char::from_u32).collect();
        all.push_str("é “quoted” \u{2028} \u{7f} 日本 \"\\\n\r\t\u{8}\u{c}\u{1f}\u{0} end");
        let samples = ["", "plain", "\n", "a\"b\\c\nd", "\u{1}", "line\n\nbreaks\r\n", "tab\there", &all];
        for s in samples {
            let mut got = String::from("\"");
            escape_into(s, &mut got);
            got.push('"');
            assert_eq!(got, serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }
}
