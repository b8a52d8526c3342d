//! ClaimReview structured data (schema.org), one per claim page, following Google's
//! fact-check rules: `claimReviewed`, `reviewRating` with `alternateName` and
//! `ratingExplanation`, `author`, an absolute `url` when `base_url` is set, `datePublished`,
//! `inLanguage`, and the reviewed `Claim` with its claimant, its first appearance by date
//! and every appearance.

use serde::Serialize;

use crate::model::claims::Claimant;
use crate::model::date::Date;
use crate::stages::load::Site;
use crate::stages::render::inputs::Found;

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
#[derive(Serialize, Clone, Copy)]
struct Source<'a> {
    outlet: Option<&'a str>,
    author: Option<&'a str>,
    url: Option<&'a str>,
    headline: &'a str,
    published: Option<Date>,
}

/// What the JSON-LD of claim `ci` is made from.
pub fn inputs<'a>(site: &'a Site, ci: usize, found: &Found<'_>) -> Inputs<'a> {
    let config = &site.config;
    let claim = &site.claims.claims[ci];
    let verdict = config.verdict(&claim.verdict.value).unwrap_or(&config.verdicts[0]);
    let mut seen = Vec::new();
    for ai in 0..claim.appearances.len() {
        if let Some((article, _)) = found.get(ci, ai)
            && !seen.contains(&article)
        {
            seen.push(article);
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
///
/// Written from structs whose fields are in the order of their keys' bytes, as a
/// `serde_json::Value`'s map orders them (the JSON published before): building a `Value`
/// tree for each of 20,000 claim pages, then writing it, was 3% of a fresh build.
pub fn review(i: &Inputs<'_>) -> String {
    let works: Vec<Work<'_>> = i.articles.iter().map(work).collect();
    let review = Review {
        context: "https://schema.org",
        kind: "ClaimReview",
        author: Agent { kind: "Organization", name: i.publisher, url: i.publisher_url },
        claim_reviewed: i.claim,
        modified: (i.updated != i.checked).then_some(i.updated),
        published: i.checked,
        language: i.language,
        item: Item {
            kind: "Claim",
            first: works.first().cloned(),
            author: claim_author(i),
            published: i.articles.iter().filter_map(|a| a.published).min(),
            appearance: works,
        },
        rating: Rating {
            kind: "Rating",
            name: i.label,
            best: i.rating.map(|_| 5),
            explanation: i.finding,
            value: i.rating,
            worst: i.rating.map(|_| 1),
        },
        // Without an address, the page itself: `./`, which resolves to it from where it is.
        url: i.base_url.map_or_else(|| "./".to_string(), |b| format!("{b}claims/{}/", i.id)),
    };
    // On one line: it is read by machines, and indented it was a sixth of a claim page.
    script_safe(serde_json::to_string(&review).unwrap_or_default())
}

/// A `ClaimReview`. Every struct here lists its fields in the byte order of their keys.
#[derive(Serialize)]
struct Review<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    author: Agent<'a>,
    #[serde(rename = "claimReviewed")]
    claim_reviewed: &'a str,
    #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
    modified: Option<Date>,
    #[serde(rename = "datePublished")]
    published: Date,
    #[serde(rename = "inLanguage")]
    language: &'a str,
    #[serde(rename = "itemReviewed")]
    item: Item<'a>,
    #[serde(rename = "reviewRating")]
    rating: Rating<'a>,
    url: String,
}

/// The reviewed `Claim`.
#[derive(Serialize)]
struct Item<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    appearance: Vec<Work<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<Agent<'a>>,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    published: Option<Date>,
    #[serde(rename = "firstAppearance", skip_serializing_if = "Option::is_none")]
    first: Option<Work<'a>>,
}

/// The verdict as a `Rating`; the numbers only for a verdict that has one.
#[derive(Serialize)]
struct Rating<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "alternateName")]
    name: &'a str,
    #[serde(rename = "bestRating", skip_serializing_if = "Option::is_none")]
    best: Option<u8>,
    #[serde(rename = "ratingExplanation")]
    explanation: &'a str,
    #[serde(rename = "ratingValue", skip_serializing_if = "Option::is_none")]
    value: Option<u8>,
    #[serde(rename = "worstRating", skip_serializing_if = "Option::is_none")]
    worst: Option<u8>,
}

/// A `Person` or an `Organization`, with its address if known.
#[derive(Serialize, Clone, Copy)]
struct Agent<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

/// One article that makes the claim, as a `CreativeWork`.
#[derive(Serialize, Clone, Copy)]
struct Work<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<Agent<'a>>,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    published: Option<Date>,
    headline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Agent<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

/// Who made the claim: the `claimant` the editor named; otherwise the outlet of the
/// earliest-published article that makes it (any article's outlet when none is dated),
/// or failing an outlet, that article's author.
fn claim_author<'a>(i: &Inputs<'a>) -> Option<Agent<'a>> {
    let agent = |kind, name| Agent { kind, name, url: None };
    if let Some(c) = i.claimant {
        return Some(agent(if c.organization { "Organization" } else { "Person" }, c.name.as_str()));
    }
    if let Some(outlet) = i.articles.iter().find_map(|a| a.outlet) {
        return Some(agent("Organization", outlet));
    }
    i.articles.iter().find_map(|a| a.author).map(|author| agent("Person", author))
}

/// One article that makes the claim: its headline, and its address, outlet, author and
/// date where they are known.
fn work<'a>(a: &Source<'a>) -> Work<'a> {
    Work {
        kind: "CreativeWork",
        author: a.author.map(|name| Agent { kind: "Person", name, url: None }),
        published: a.published,
        headline: a.headline,
        publisher: a.outlet.map(|name| Agent { kind: "Organization", name, url: None }),
        url: a.url,
    }
}

/// Escapes the characters that could end a `<script>` element or start markup. They can
/// only occur inside JSON strings, where `\uXXXX` means the same.
pub fn script_safe(json: String) -> String {
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// The structs list their fields in the order a `Value`'s map writes its keys, so the
    /// JSON is the same as the one made from a `Value` tree before: every optional field
    /// set, then none.
    #[test]
    fn keys_in_the_order_a_value_writes_them() {
        let claimant = Claimant { name: "A <b>".into(), organization: true };
        let (d1, d2) = (Date::parse("2026-01-02").unwrap(), Date::parse("2026-03-04").unwrap());
        let full = Source {
            outlet: Some("O"),
            author: Some("Au"),
            url: Some("https://x/"),
            headline: "H",
            published: Some(d1),
        };
        let bare = Source { outlet: None, author: None, url: None, headline: "H2", published: None };
        let inputs = |articles, claimant, rating, updated, url| Inputs {
            id: "c1",
            claim: "C & D",
            finding: "F",
            label: "L",
            rating,
            checked: d1,
            updated,
            claimant,
            articles,
            publisher: "P",
            publisher_url: url,
            base_url: url,
            language: "en",
        };
        for i in [
            inputs(vec![full, bare], Some(&claimant), Some(3), d2, Some("https://p/")),
            inputs(vec![bare], None, None, d1, None),
            inputs(vec![], None, None, d1, None),
        ] {
            let ours = review(&i);
            let value: Value = serde_json::from_str(&ours).unwrap();
            assert_eq!(ours, script_safe(serde_json::to_string(&value).unwrap()));
        }
    }

    #[test]
    fn nothing_can_close_the_script() {
        let s = script_safe(serde_json::to_string(&json!({"a": "</script><b>&amp;"})).unwrap());
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["a"], "</script><b>&amp;");
    }
}
