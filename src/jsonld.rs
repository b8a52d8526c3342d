//! ClaimReview structured data (schema.org), one per claim page, following Google's
//! fact-check rules: `claimReviewed`, `reviewRating` with `alternateName`, `author`, `url`,
//! `datePublished`, and the reviewed `Claim` with its author and appearances.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::anchor::Mark;
use crate::load::Site;
use crate::render::updated;

/// The JSON-LD of claim `ci`, as text safe to put inside a `<script>` element: `<`, `>`
/// and `&` are escaped as `\u003c`…, so no text can close the element.
pub fn claim_review(site: &Site, ci: usize, appearance_marks: &HashMap<(usize, usize), (usize, &Mark)>) -> String {
    let config = &site.config;
    let claim = &site.claims.claims[ci];
    let verdict = config.verdict(&claim.verdict.value).unwrap_or(&config.verdicts[0]);

    let mut rating = json!({ "@type": "Rating", "alternateName": verdict.label });
    if let Some(r) = verdict.rating {
        rating["ratingValue"] = json!(r);
        rating["bestRating"] = json!(5);
        rating["worstRating"] = json!(1);
    }

    // The articles that make the claim, in the order of the appearances, each once.
    let mut articles = Vec::new();
    for ai in 0..claim.appearances.len() {
        if let Some((article, _)) = appearance_marks.get(&(ci, ai))
            && !articles.contains(article)
        {
            articles.push(*article);
        }
    }
    let articles: Vec<_> = articles.into_iter().map(|i| &site.articles[i]).collect();
    let mut item = json!({ "@type": "Claim" });
    if let Some(outlet) = articles.iter().find_map(|a| a.meta.outlet.as_deref()) {
        item["author"] = json!({ "@type": "Organization", "name": outlet });
    } else if let Some(author) = articles.iter().find_map(|a| a.meta.author.as_deref()) {
        item["author"] = json!({ "@type": "Person", "name": author });
    }
    let appearances: Vec<Value> = articles
        .iter()
        .filter_map(|a| {
            let url = a.meta.url.as_deref()?;
            Some(json!({ "@type": "CreativeWork", "url": url, "headline": a.meta.title }))
        })
        .collect();
    if let Some(first) = appearances.first() {
        item["firstAppearance"] = first.clone();
        item["appearance"] = Value::Array(appearances);
    }
    if let Some(date) = articles.iter().filter_map(|a| a.meta.published).min() {
        item["datePublished"] = json!(date.to_string());
    }

    let path = format!("claims/{}/", claim.id.value);
    let mut author = json!({ "@type": "Organization", "name": config.publisher.name });
    if let Some(url) = &config.publisher.url {
        author["url"] = json!(url);
    }
    let mut review = json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": config.base_url.as_ref().map_or(path.clone(), |b| format!("{b}{path}")),
        "claimReviewed": claim.claim,
        "datePublished": claim.checked.to_string(),
        "author": author,
        "reviewRating": rating,
        "itemReviewed": item,
    });
    let last = updated(site, claim);
    if last != claim.checked {
        review["dateModified"] = json!(last.to_string());
    }
    script_safe(&serde_json::to_string_pretty(&review).unwrap_or_default())
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
