//! The claims file, `content/claims.toml`: what was checked, and where the articles say it.
//!
//! This module only reads the file into plain data, keeping the span of every value that
//! a later stage may need to point at. Whether ids are unique, slugs and verdicts exist, or
//! quotes are found is decided by [`crate::validate`] and [`crate::anchor`].

use std::ops::Range;

use crate::date::Date;
use crate::diag::{Diagnostic, SourceFile};
use crate::tomlfile::{self, Fields, Sp, Table};

/// Where the claims file lives, relative to the site root.
pub const CLAIMS_FILE: &str = "content/claims.toml";

/// Everything the claims file records.
#[derive(Debug, Clone, Default)]
pub struct Claims {
    /// The checked claims, in file order.
    pub claims: Vec<Claim>,
    /// Points on which articles disagree.
    pub discrepancies: Vec<Discrepancy>,
    /// Passages in articles that are not the author's words.
    pub artifacts: Vec<Artifact>,
    /// The story's timeline.
    pub events: Vec<Event>,
    /// Changes made to claims after publication, in file order.
    pub corrections: Vec<Correction>,
}

/// A published change to a claim: what changed and why.
#[derive(Debug, Clone)]
pub struct Correction {
    /// When the correction was made.
    pub date: Date,
    /// The corrected claim's id.
    pub claim: Sp<String>,
    /// Markdown: what changed, and why.
    pub text: String,
}

/// One checked claim.
#[derive(Debug, Clone)]
pub struct Claim {
    /// `[a-z0-9-]+`, unique: the permalink `claims/<id>/`.
    pub id: Sp<String>,
    /// What was checked, as a neutral statement.
    pub claim: String,
    /// A key of the verdict scale.
    pub verdict: Sp<String>,
    /// The one-line conclusion.
    pub finding: String,
    /// Markdown: how we know.
    pub explanation: String,
    /// When it was checked.
    pub checked: Date,
    /// For grouping on the front page.
    pub topic: String,
    /// Evidence.
    pub sources: Vec<Source>,
    /// Where articles make the claim.
    pub appearances: Vec<Quote>,
    /// The entry's lines in the claims file (from its `[[claim]]` header).
    pub span: Range<usize>,
}

/// A source cited for a claim.
#[derive(Debug, Clone)]
pub struct Source {
    /// The document's title.
    pub title: String,
    /// Who published it.
    pub publisher: Option<String>,
    /// Where it is.
    pub url: Sp<String>,
    /// Its date.
    pub date: Option<Date>,
}

/// A quote from an article: an appearance of a claim, or an artifact.
#[derive(Debug, Clone)]
pub struct Quote {
    /// The article's slug.
    pub article: Sp<String>,
    /// The exact words, as the reader sees them.
    pub quote: Sp<String>,
    /// Text just before the quote, to choose among repeats.
    pub prefix: Option<Sp<String>>,
    /// Text just after the quote, to choose among repeats.
    pub suffix: Option<Sp<String>>,
    /// An editor's remark on this appearance.
    pub note: Option<String>,
    /// The table's span, for errors about the quote as a whole.
    pub span: Range<usize>,
}

/// Articles disagreeing on one point.
#[derive(Debug, Clone)]
pub struct Discrepancy {
    /// `[a-z0-9-]+`, unique: the anchor `#<id>` on the front page.
    pub id: Sp<String>,
    /// The question, e.g. "October 2024 or October 2025?".
    pub title: String,
    /// The claims that take sides.
    pub claims: Vec<Sp<String>>,
    /// Markdown: what is right, and why.
    pub resolution: String,
    /// The entry's span.
    pub span: Range<usize>,
}

/// Text captured with an article that its author did not write.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Where it is.
    pub quote: Quote,
    /// What it is, e.g. "Newsletter advertisement".
    pub reason: String,
}

/// A dated event of the story.
#[derive(Debug, Clone)]
pub struct Event {
    /// When.
    pub date: Date,
    /// What happened.
    pub title: String,
    /// A primary source for it.
    pub source: Option<String>,
}

/// Reads the claims file. Problems go to `diags`; what could be read is returned anyway,
/// so that later stages can report their own errors in the same run.
pub fn parse(file: &SourceFile, diags: &mut Vec<Diagnostic>) -> Claims {
    let text = file.text.clone();
    let Some(root) = tomlfile::parse(file, &text, 0, diags) else {
        return Claims::default();
    };
    let known = &["claim", "discrepancy", "artifact", "event", "correction"];
    let mut f = Fields::new(file, root.get_ref(), 0..0, "the claims file", known, 0, diags);
    let claim_tables = f.tables("claim");
    let discrepancy_tables = f.tables("discrepancy");
    let artifact_tables = f.tables("artifact");
    let event_tables = f.tables("event");
    let correction_tables = f.tables("correction");
    let headers = Headers::new(&text);

    let mut out = Claims::default();
    for (table, span) in claim_tables {
        let span = headers.entry("claim", span);
        if let Some(c) = parse_claim(file, table, span, &headers, diags) {
            out.claims.push(c);
        }
    }
    for (table, span) in discrepancy_tables {
        let span = headers.entry("discrepancy", span);
        let known = &["id", "title", "claims", "resolution"];
        let mut f = Fields::new(file, table, span.clone(), "`[[discrepancy]]`", known, 0, diags);
        let id = f.str("id");
        let title = f.str("title");
        let claims = f.str_array("claims", true);
        let resolution = f.str("resolution");
        if let (Some(id), Some(title), Some(resolution)) = (id, title, resolution) {
            out.discrepancies.push(Discrepancy { id, title: title.value, claims, resolution: resolution.value, span });
        }
    }
    for (table, span) in artifact_tables {
        let span = headers.entry("artifact", span);
        let known = &["article", "quote", "prefix", "suffix", "reason"];
        let mut f = Fields::new(file, table, span.clone(), "`[[artifact]]`", known, 0, diags);
        let quote = parse_quote(&mut f, span);
        let reason = f.str("reason");
        if let (Some(quote), Some(reason)) = (quote, reason) {
            out.artifacts.push(Artifact { quote, reason: reason.value });
        }
    }
    for (table, span) in event_tables {
        let span = headers.entry("event", span);
        let mut f = Fields::new(file, table, span, "`[[event]]`", &["date", "title", "source"], 0, diags);
        let date = f.date("date");
        let title = f.str("title");
        let source = f.opt_str("source");
        if let Some(s) = &source {
            check_url(file, s, diags);
        }
        if let (Some(date), Some(title)) = (date, title) {
            out.events.push(Event { date: date.value, title: title.value, source: source.map(|s| s.value) });
        }
    }
    for (table, span) in correction_tables {
        let span = headers.entry("correction", span);
        let mut f = Fields::new(file, table, span, "`[[correction]]`", &["date", "claim", "text"], 0, diags);
        let date = f.date("date");
        let claim = f.str("claim");
        let text = f.str("text");
        if let (Some(date), Some(claim), Some(text)) = (date, claim, text) {
            out.corrections.push(Correction { date: date.value, claim, text: text.value });
        }
    }
    out
}

fn parse_claim(
    file: &SourceFile,
    table: &Table<'_>,
    span: Range<usize>,
    headers: &Headers,
    diags: &mut Vec<Diagnostic>,
) -> Option<Claim> {
    let known = &["id", "claim", "verdict", "finding", "explanation", "checked", "topic", "source", "appearance"];
    let mut f = Fields::new(file, table, span.clone(), "`[[claim]]`", known, 0, diags);
    let id = f.str("id");
    let claim = f.str("claim");
    let verdict = f.str("verdict");
    let finding = f.str("finding");
    let explanation = f.str("explanation");
    let checked = f.date("checked");
    let topic = f.opt_str("topic");
    let source_tables = f.tables("source");
    let appearance_tables = f.tables("appearance");
    let text = &file.text;

    let mut sources = Vec::new();
    for (t, s) in source_tables {
        let s = headers.entry("claim.source", s);
        let mut f = Fields::new(file, t, s, "`[[claim.source]]`", &["title", "publisher", "url", "date"], 0, diags);
        let title = f.str("title");
        let publisher = f.opt_str("publisher");
        let url = f.str("url");
        let date = f.opt_date("date");
        if let Some(u) = &url {
            check_url(file, u, diags);
        }
        if let (Some(title), Some(url)) = (title, url) {
            sources.push(Source {
                title: title.value,
                publisher: publisher.map(|p| p.value),
                url,
                date: date.map(|d| d.value),
            });
        }
    }
    let mut appearances = Vec::new();
    for (t, s) in appearance_tables {
        let s = headers.entry("claim.appearance", s);
        let known = &["article", "quote", "prefix", "suffix", "note"];
        let mut f = Fields::new(file, t, s.clone(), "`[[claim.appearance]]`", known, 0, diags);
        let quote = parse_quote(&mut f, s);
        let note = f.opt_str("note");
        if let Some(mut q) = quote {
            q.note = note.map(|n| n.value);
            appearances.push(q);
        }
    }
    Some(Claim {
        id: id?,
        claim: claim?.value,
        verdict: verdict?,
        finding: finding?.value,
        explanation: explanation?.value,
        checked: checked?.value,
        topic: topic.map_or_else(|| "Other claims".to_string(), |t| t.value),
        sources,
        appearances,
        span: headers.extent(text, span),
    })
}

fn parse_quote(f: &mut Fields<'_, '_, '_>, span: Range<usize>) -> Option<Quote> {
    let article = f.str("article");
    let quote = f.str("quote");
    let prefix = raw_str(f, "prefix");
    let suffix = raw_str(f, "suffix");
    Some(Quote { article: article?, quote: quote?, prefix, suffix, note: None, span })
}

/// Prefix and suffix may legitimately be a single space or punctuation, so they are read
/// without the blank check of [`Fields::opt_str`].
fn raw_str(f: &mut Fields<'_, '_, '_>, key: &str) -> Option<Sp<String>> {
    let span = f.span_of(key)?;
    let text = &f.file().text[span.clone()];
    match toml::de::DeValue::parse(text).ok().and_then(|v| v.get_ref().as_str().map(str::to_string)) {
        Some(s) if !s.is_empty() => Some(Sp::new(s, span)),
        Some(_) => None,
        None => f.opt_str(key),
    }
}

fn check_url(file: &SourceFile, url: &Sp<String>, diags: &mut Vec<Diagnostic>) {
    if !crate::config::is_web_url(&url.value) {
        diags.push(
            Diagnostic::error("bad-url", format!("`{}` is not an http or https address", url.value))
                .at(file, url.span.clone(), "not a web address")
                .help("cite sources by their full address, starting with https://"),
        );
    }
}

/// The table headers of the file (`[[claim]]`, `[[claim.source]]`…), for spans that start
/// at a header: toml reports an array element's span as its first key, but an editor
/// thinks of an entry as starting at its header line.
struct Headers {
    /// (offset of the header line, end of that line, header name)
    lines: Vec<(usize, usize, String)>,
}

impl Headers {
    fn new(text: &str) -> Self {
        let mut lines = Vec::new();
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let t = line.trim();
            if let Some(name) = t.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
                lines.push((at, at + line.trim_end().len(), name.trim().to_string()));
            } else if t.starts_with('[') && !t.starts_with("[[") && t.contains(']') {
                let name = t[1..t.find(']').unwrap_or(1)].trim().to_string();
                lines.push((at, at + line.trim_end().len(), name));
            }
            at += line.len();
        }
        Headers { lines }
    }

    /// The span of the `[[name]]` header that opens the entry whose values start at
    /// `span`; `span` itself for inline tables. Headers are sorted by offset, so this is a
    /// binary search (a claims file can have tens of thousands of entries).
    fn entry(&self, name: &str, span: Range<usize>) -> Range<usize> {
        let upto = self.lines.partition_point(|(start, _, _)| *start <= span.start);
        self.lines[..upto]
            .iter()
            .rev()
            .take(64)
            .find(|(_, _, n)| n == name)
            .map_or(span, |(start, end, _)| *start..*end)
    }

    /// From an entry's header to the next header of its own level or above (a parent or
    /// sibling), trailing blank lines dropped: the entry as it stands in the file.
    fn extent(&self, text: &str, header: Range<usize>) -> Range<usize> {
        let i = self.lines.partition_point(|(start, _, _)| *start < header.start);
        let Some((_, _, name)) = self.lines.get(i).filter(|(s, _, _)| *s == header.start) else { return header };
        let child = format!("{name}.");
        let end =
            self.lines[i + 1..].iter().find(|(_, _, n)| !n.starts_with(&child)).map_or(text.len(), |(s, _, _)| *s);
        // Comments and blank lines before the next header belong to what follows (a
        // section heading, say), not to this entry.
        let mut body = text[header.start..end].trim_end();
        while let Some(last) = body.rfind('\n').map(|i| &body[i + 1..]) {
            if last.trim().is_empty() || last.trim_start().starts_with('#') {
                body = body[..body.len() - last.len()].trim_end();
            } else {
                break;
            }
        }
        header.start..header.start + body.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
[[claim]]
id = "a"
claim = "The post was in October 2024."
verdict = "false"
finding = "It was October 2025."
explanation = "See the post."
checked = 2026-11-21
topic = "Dates"

  [[claim.source]]
  title = "Post"
  url = "https://example.org/post"
  date = 2025-10-28

  [[claim.appearance]]
  article = "blog"
  quote = "in October 2024"
  prefix = " "

[[artifact]]
article = "blog"
quote = "Follow Us"
reason = "Page chrome."

[[event]]
date = 2026-02-27
title = "Statement"
"#;

    #[test]
    fn reads_a_complete_file() {
        let file = SourceFile::new("content/claims.toml", FILE);
        let mut diags = Vec::new();
        let c = parse(&file, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(c.claims.len(), 1);
        let claim = &c.claims[0];
        assert_eq!(claim.sources[0].date.unwrap().to_string(), "2025-10-28");
        assert_eq!(claim.appearances[0].prefix.as_ref().unwrap().value, " ");
        let entry = &FILE[claim.span.clone()];
        assert!(entry.starts_with("[[claim]]") && entry.ends_with("prefix = \" \""), "{entry}");
        assert_eq!(c.artifacts[0].reason, "Page chrome.");
        assert_eq!(c.events[0].source, None);
    }

    #[test]
    fn missing_fields_point_at_the_header() {
        let text = "[[claim]]\nid = \"a\"\n";
        let file = SourceFile::new("c.toml", text);
        let mut diags = Vec::new();
        parse(&file, &mut diags);
        assert!(diags.len() >= 5);
        for d in &diags {
            assert_eq!(d.code, "missing-field");
            assert_eq!(d.line_col(), Some((1, 1)), "{}", d.render(false));
        }
    }
}
