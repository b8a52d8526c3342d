//! `claims.json`: the whole briefing as data, for other tools. Documented, with its JSON
//! Schema, in `docs/claims-json.md` and `docs/claims.schema.json`.

use serde_json::{Value, json};

use crate::anchor::{Marks, Target};
use crate::load::Site;
use crate::render::updated;

/// The format's version: bump it on any change that could break a reader.
pub const VERSION: u32 = 1;

/// The export, as pretty-printed JSON with a final newline. Deterministic: objects have
/// sorted keys, arrays follow the site's order.
pub fn claims_json(site: &Site, marks: &Marks) -> String {
    let config = &site.config;
    let claims = &site.claims;

    // Character offsets of every mark, computed in one pass over each article's text.
    let mut offsets: Vec<Vec<(usize, usize)>> = Vec::with_capacity(marks.len());
    for (article, list) in site.articles.iter().zip(marks) {
        offsets.push(char_offsets(&article.markup.text, list.iter().map(|m| (m.range.start, m.range.end))));
    }
    let mut located: std::collections::HashMap<Target, (usize, usize, usize)> = std::collections::HashMap::new();
    for (ai, list) in marks.iter().enumerate() {
        for (m, &(s, e)) in list.iter().zip(&offsets[ai]) {
            located.insert(m.target, (ai, s, e));
        }
    }
    let quote = |q: &crate::claims::Quote, target: Target| {
        let mut v = json!({ "article": q.article.value, "quote": q.quote.value });
        if let Some(p) = &q.prefix {
            v["prefix"] = json!(p.value);
        }
        if let Some(s) = &q.suffix {
            v["suffix"] = json!(s.value);
        }
        if let Some(n) = &q.note {
            v["note"] = json!(n);
        }
        if let Some(&(ai, s, e)) = located.get(&target) {
            let m = marks[ai].iter().find(|m| m.target == target);
            v["start"] = json!(s);
            v["end"] = json!(e);
            v["exact"] = json!(m.map(|m| &site.articles[ai].markup.text[m.range.clone()]));
        }
        v
    };

    let articles: Vec<Value> = site
        .articles
        .iter()
        .map(|a| {
            json!({
                "slug": a.slug,
                "title": a.meta.title,
                "outlet": a.meta.outlet,
                "author": a.meta.author,
                "url": a.meta.url,
                "published": a.meta.published,
                "retrieved": a.meta.retrieved,
                "note": a.meta.note,
                "format": a.format,
                "file": a.file.name,
                "page": format!("articles/{}/", a.slug),
                "text": a.markup.text,
            })
        })
        .collect();
    let claim_values: Vec<Value> = claims
        .claims
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let (first, _) = site.claims_file.line_col(c.span.start);
            let (last, _) = site.claims_file.line_col(c.span.end.saturating_sub(1).max(c.span.start));
            json!({
                "id": c.id.value,
                "claim": c.claim,
                "verdict": c.verdict.value,
                "finding": c.finding,
                "explanation": c.explanation,
                "checked": c.checked,
                "updated": updated(site, c),
                "topic": c.topic,
                "page": format!("claims/{}/", c.id.value),
                "lines": [first, last],
                "sources": c.sources.iter().map(|s| json!({
                    "title": s.title, "publisher": s.publisher, "url": s.url.value, "date": s.date,
                })).collect::<Vec<_>>(),
                "appearances": c.appearances.iter().enumerate()
                    .map(|(ai, q)| quote(q, Target::Appearance { claim: ci, index: ai }))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "format": "briefing-claims",
        "version": VERSION,
        "site": {
            "title": config.title,
            "description": config.description,
            "language": config.language,
            "base_url": config.base_url,
            "publisher": { "name": config.publisher.name, "url": config.publisher.url },
        },
        "verdicts": config.verdicts,
        "articles": articles,
        "claims": claim_values,
        "discrepancies": claims.discrepancies.iter().map(|d| json!({
            "id": d.id.value,
            "title": d.title,
            "claims": d.claims.iter().map(|c| &c.value).collect::<Vec<_>>(),
            "resolution": d.resolution,
        })).collect::<Vec<_>>(),
        "artifacts": claims.artifacts.iter().enumerate().map(|(n, a)| {
            let mut v = quote(&a.quote, Target::Artifact(n));
            v["reason"] = json!(a.reason);
            v
        }).collect::<Vec<_>>(),
        "corrections": claims.corrections.iter().map(|c| json!({
            "date": c.date, "claim": c.claim.value, "text": c.text,
        })).collect::<Vec<_>>(),
        "timeline": claims.events.iter().map(|e| json!({
            "date": e.date, "title": e.title, "source": e.source,
        })).collect::<Vec<_>>(),
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
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
