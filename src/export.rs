//! `claims.json`: the whole briefing as data, for other tools. Documented, with its JSON
//! Schema, in `docs/claims-json.md` and `docs/claims.schema.json`.

use std::collections::HashMap;
use std::io::Write as _;

use serde::Serialize;

use crate::anchor::{Marks, Target};
use crate::date::Date;
use crate::load::Site;
use crate::render::updated;

/// The format's version: bump it on any change that could break a reader.
pub const VERSION: u32 = 1;

/// The export, as pretty-printed JSON with a final newline. Deterministic: objects have
/// sorted keys, arrays follow the site's order.
pub fn claims_json(site: &Site, marks: &Marks) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail, and serde_json writes valid UTF-8.
    let _ = write_claims_json(site, marks, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`claims_json`], written to `out` as it is made: with every article's text in it, the
/// export is the largest file of a site, and a build streams it to disk rather than hold
/// it in memory.
pub fn write_claims_json(site: &Site, marks: &Marks, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let config = &site.config;
    let claims = &site.claims;

    // Character offsets of every mark, computed in one pass over each article's text.
    let mut located: HashMap<Target, (usize, usize, usize)> = HashMap::new();
    for (ai, (article, list)) in site.articles.iter().zip(marks).enumerate() {
        let offsets = char_offsets(&article.markup.text, list.iter().map(|m| (m.range.start, m.range.end)));
        for (m, (s, e)) in list.iter().zip(offsets) {
            located.insert(m.target, (ai, s, e));
        }
    }
    let quote = |q, target, reason| quote_out(site, marks, &located, q, target, reason);
    let doc = Doc {
        articles: site
            .articles
            .iter()
            .map(|a| ArticleOut {
                author: a.meta.author.as_deref(),
                file: &a.file.name,
                format: a.format,
                note: a.meta.note.as_deref(),
                outlet: a.meta.outlet.as_deref(),
                page: format!("articles/{}/", a.slug),
                published: a.meta.published,
                retrieved: a.meta.retrieved,
                slug: &a.slug,
                text: &a.markup.text,
                title: &a.meta.title,
                url: a.meta.url.as_deref(),
            })
            .collect(),
        artifacts: claims
            .artifacts
            .iter()
            .enumerate()
            .map(|(n, a)| quote(&a.quote, Target::Artifact(n), Some(&a.reason)))
            .collect(),
        claims: claims
            .claims
            .iter()
            .enumerate()
            .map(|(ci, c)| {
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
                        .map(|s| SourceOut {
                            date: s.date,
                            publisher: s.publisher.as_deref(),
                            title: &s.title,
                            url: &s.url.value,
                        })
                        .collect(),
                    topic: &c.topic,
                    updated: updated(site, c),
                    verdict: &c.verdict.value,
                }
            })
            .collect(),
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
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, &doc)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// An appearance or artifact as written: where it was found, if it was.
fn quote_out<'a>(
    site: &'a Site,
    marks: &'a Marks,
    located: &HashMap<Target, (usize, usize, usize)>,
    q: &'a crate::claims::Quote,
    target: Target,
    reason: Option<&'a str>,
) -> QuoteOut<'a> {
    let found = located.get(&target).map(|&(ai, s, e)| {
        let exact =
            marks[ai].iter().find(|m| m.target == target).map(|m| &site.articles[ai].markup.text[m.range.clone()]);
        (s, e, exact)
    });
    QuoteOut {
        article: &q.article.value,
        end: found.map(|f| f.1),
        exact: found.map(|f| f.2),
        note: q.note.as_deref(),
        prefix: q.prefix.as_ref().map(|p| p.value.as_str()),
        quote: &q.quote.value,
        reason,
        start: found.map(|f| f.0),
        suffix: q.suffix.as_ref().map(|p| p.value.as_str()),
    }
}

// The document, written straight from the site's data: no intermediate JSON tree, which at
// 10,000 articles held a second copy of every article's text. Fields are declared in
// alphabetical order, the order the format has always had (and the schema's examples show).

#[derive(Serialize)]
struct Doc<'a> {
    articles: Vec<ArticleOut<'a>>,
    artifacts: Vec<QuoteOut<'a>>,
    claims: Vec<ClaimOut<'a>>,
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

/// Converts byte ranges of `text` into character (Unicode scalar value) ranges, in one
/// pass over the text whatever the number of ranges.
pub fn char_offsets(text: &str, ranges: impl Iterator<Item = (usize, usize)>) -> Vec<(usize, usize)> {
    let ranges: Vec<(usize, usize)> = ranges.collect();
    let mut points: Vec<usize> = ranges.iter().flat_map(|&(s, e)| [s, e]).collect();
    points.sort_unstable();
    points.dedup();
    let mut map = std::collections::HashMap::with_capacity(points.len());
    let mut next = points.iter().peekable();
    for (chars, (byte, _)) in text.char_indices().chain([(text.len(), ' ')]).enumerate() {
        while next.peek().is_some_and(|&&p| p <= byte) {
            map.insert(*next.next().unwrap_or(&byte), chars);
        }
    }
    ranges.iter().map(|(s, e)| (map.get(s).copied().unwrap_or(0), map.get(e).copied().unwrap_or(0))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets_count_characters() {
        let text = "é€a b";
        assert_eq!(char_offsets(text, [(0, 2), (2, 6), (7, 8)].into_iter()), vec![(0, 1), (1, 3), (4, 5)]);
    }
}
