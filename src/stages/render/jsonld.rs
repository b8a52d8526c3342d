//! ClaimReview structured data (schema.org), one per claim page, following Google's
//! fact-check rules: `claimReviewed`, `reviewRating` with `alternateName` and
//! `ratingExplanation`, `author`, an absolute `url` when `base_url` is set, `datePublished`,
//! `inLanguage`, and the reviewed `Claim` with its claimant, its first appearance by date
//! and every appearance.

use foldhash::HashMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::model::claims::Claimant;
use crate::model::date::Date;
use crate::stages::anchor::Mark;
use crate::stages::load::Site;

/// Everything the JSON-LD of one claim is made from, borrowed from the site. A page
/// fingerprints these (a few hundred bytes), and the JSON itself is made only for a page
/// that is rendered: at 20,000 claims, making it for every page only to hash it was a
/// twentieth of a rebuild.
#[derive(Serialize)]
pub struct Inputs<'a> {
    id: &'a str,
    claim: &'a str,
    finding: &'a str,
    label: &'a str,
    rating: Option<u8>,
    checked: Date,
    updated: Date,
    claimant: Option<&'a Claimant>,
    /// The articles that make the claim, each once: by date published, the undated last,
    /// then in the order of the appearances.
    articles: Vec<Source<'a>>,
    publisher: &'a str,
    publisher_url: Option<&'a str>,
    base_url: Option<&'a str>,
    language: &'a str,
}

/// What the JSON-LD says of an article that makes the claim.
#[derive(Serialize)]
struct Source<'a> {
    outlet: Option<&'a str>,
    author: Option<&'a str>,
    url: Option<&'a str>,
    headline: &'a str,
    published: Option<Date>,
}

/// What the JSON-LD of claim `ci` is made from.
pub fn inputs<'a>(site: &'a Site, ci: usize, appearance_marks: &HashMap<(usize, usize), (usize, &Mark)>) -> Inputs<'a> {
    let config = &site.config;
    let claim = &site.claims.claims[ci];
    let verdict = config.verdict(&claim.verdict.value).unwrap_or(&config.verdicts[0]);
    let mut seen = Vec::new();
    for ai in 0..claim.appearances.len() {
        if let Some((article, _)) = appearance_marks.get(&(ci, ai))
            && !seen.contains(article)
        {
            seen.push(*article);
        }
    }
    let mut articles: Vec<Source<'a>> = seen
        .into_iter()
        .map(|i| {
            let m = &site.articles[i].meta;
            Source {
                outlet: m.outlet.as_deref(),
                author: m.author.as_deref(),
                url: m.url.as_deref(),
                headline: &m.title,
                published: m.published,
            }
        })
        .collect();
    // Stable: articles of one date keep the order of the appearances.
    articles.sort_by_key(|a| (a.published.is_none(), a.published));
    Inputs {
        id: &claim.id.value,
        claim: &claim.claim,
        finding: &claim.finding,
        label: &verdict.label,
        rating: verdict.rating,
        checked: claim.checked,
        updated: site.claims.updated(claim),
        claimant: claim.claimant.as_ref(),
        articles,
        publisher: &config.publisher.name,
        publisher_url: config.publisher.url.as_deref(),
        base_url: config.base_url.as_deref(),
        language: &config.language,
    }
}

/// The JSON-LD of a claim, as text safe to put inside a `<script>` element: `<`, `>` and
/// `&` are escaped as `\u003c`…, so no text can close the element.
pub fn review(i: &Inputs<'_>) -> String {
    let mut rating = json!({ "@type": "Rating", "alternateName": i.label, "ratingExplanation": i.finding });
    if let Some(r) = i.rating {
        rating["ratingValue"] = json!(r);
        rating["bestRating"] = json!(5);
        rating["worstRating"] = json!(1);
    }

    let mut item = json!({ "@type": "Claim" });
    if let Some(author) = claim_author(i) {
        item["author"] = author;
    }
    let appearances: Vec<Value> = i.articles.iter().map(appearance).collect();
    if let Some(first) = appearances.first() {
        item["firstAppearance"] = first.clone();
        item["appearance"] = Value::Array(appearances);
    }
    if let Some(date) = i.articles.iter().filter_map(|a| a.published).min() {
        item["datePublished"] = json!(date.to_string());
    }

    let path = format!("claims/{}/", i.id);
    let mut author = json!({ "@type": "Organization", "name": i.publisher });
    if let Some(url) = i.publisher_url {
        author["url"] = json!(url);
    }
    let mut review = json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        // Without an address, the page itself: `./`, which resolves to it from where it is.
        "url": i.base_url.map_or_else(|| "./".to_string(), |b| format!("{b}{path}")),
        "claimReviewed": i.claim,
        "datePublished": i.checked.to_string(),
        "inLanguage": i.language,
        "author": author,
        "reviewRating": rating,
        "itemReviewed": item,
    });
    if i.updated != i.checked {
        review["dateModified"] = json!(i.updated.to_string());
    }
    // On one line: it is read by machines, and indented it was a sixth of a claim page.
    script_safe(&serde_json::to_string(&review).unwrap_or_default())
}

/// Who made the claim: the `claimant` the editor named; otherwise the outlet of the
/// earliest-published article that makes it (any article's outlet when none is dated),
/// or failing an outlet, that article's author.
fn claim_author(i: &Inputs<'_>) -> Option<Value> {
    if let Some(c) = i.claimant {
        let kind = if c.organization { "Organization" } else { "Person" };
        return Some(json!({ "@type": kind, "name": c.name }));
    }
    if let Some(outlet) = i.articles.iter().find_map(|a| a.outlet) {
        return Some(json!({ "@type": "Organization", "name": outlet }));
    }
    let author = i.articles.iter().find_map(|a| a.author)?;
    Some(json!({ "@type": "Person", "name": author }))
}

/// One article that makes the claim, as a `CreativeWork`: its headline, and its address,
/// outlet, author and date where they are known.
fn appearance(a: &Source<'_>) -> Value {
    let mut work = json!({ "@type": "CreativeWork", "headline": a.headline });
    if let Some(url) = a.url {
        work["url"] = json!(url);
    }
    if let Some(outlet) = a.outlet {
        work["publisher"] = json!({ "@type": "Organization", "name": outlet });
    }
    if let Some(author) = a.author {
        work["author"] = json!({ "@type": "Person", "name": author });
    }
    if let Some(date) = a.published {
        work["datePublished"] = json!(date.to_string());
    }
    work
}

/// Escapes the characters that could end a `<script>` element or start markup. They can
/// only occur inside JSON strings, where `\uXXXX` means the same.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_can_close_the_script() {
        let s = script_safe(&serde_json::to_string(&json!({"a": "</script><b>&amp;"})).unwrap());
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["a"], "</script><b>&amp;");
    }
}
