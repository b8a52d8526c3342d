//! The archive's search index, for a search that needs no server: its files are scripts
//! that the search page (`search/index.html`) adds to itself, which browsers load from
//! `file://` and under any path, where `fetch` of a local file is refused.
//!
//! The index is split so that a query loads only what it needs: each word is filed in
//! the shard of its first two characters (`search/t/<code points>.js`), and the
//! documents (a claim, or an article) in chunks of [`CHUNK`] (`search/d/<n>.js`). A
//! query of two words loads two shards, then the chunks of the results it shows.
//! `search/meta.js` names the shards that exist, so that no script is asked for in
//! vain.
//!
//! Words are folded as the page folds a query (`themes/default/templates/search.html`):
//! decomposed (NFKD), marks dropped, lowercased, split at anything that is not a letter
//! or a digit. "Résumé" and "resume" are one word; a word in Greek or Cyrillic is
//! kept in its script.

use std::collections::HashMap;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::model::catalog::{Catalog, Group};
use crate::model::config::Config;

/// Documents per chunk: a result page shows up to 50 results, which are mostly the
/// latest claims, so most queries load one or two chunks.
pub const CHUNK: usize = 256;

/// A document as the search page shows it.
#[derive(Serialize)]
struct Doc<'a> {
    /// `claim` or `article`.
    k: &'static str,
    /// Its title: the claim, or the headline.
    t: &'a str,
    /// Its page, from the site's root.
    u: String,
    /// The verdict's key, label and whether it is flagged (a claim).
    #[serde(skip_serializing_if = "Option::is_none")]
    v: Option<(&'a str, &'a str, u8)>,
    /// The finding (a claim), or the outlet (an article).
    s: &'a str,
    /// The briefing's title.
    b: &'a str,
    /// 1 for a draft, in a preview.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    d: bool,
}

/// The files of the index: each path under the site's root, and its text.
pub fn files(catalog: &Catalog, config: &Config) -> Vec<(String, String)> {
    use rayon::prelude::*;
    let outlets = catalog.outlets();
    let docs = docs(catalog, config, &outlets);
    let ((mut files, keys), chunks) = rayon::join(
        || shards(&postings(&docs)),
        || {
            let chunks: Vec<_> = docs.chunks(CHUNK).enumerate().collect();
            chunks
                .into_par_iter()
                .map(|(n, chunk)| {
                    let list: Vec<&Doc> = chunk.iter().map(|(d, _)| d).collect();
                    (format!("search/d/{n}.js"), format!("briefingSearch.docs({n},{});\n", json(&list)))
                })
                .collect::<Vec<_>>()
        },
    );
    files.extend(chunks);
    let meta =
        format!("briefingSearch.meta({{\"docs\":{},\"chunk\":{CHUNK},\"shards\":{}}});\n", docs.len(), json(&keys));
    files.push(("search/meta.js".to_string(), meta));
    files
}

/// Every word of the documents, sorted, with the documents it is in and its weight in
/// each. The words are folded side by side: the folding is most of the work (30,000
/// documents at 500 briefings).
fn postings(docs: &[(Doc<'_>, String)]) -> Vec<(String, Vec<(usize, u8)>)> {
    use rayon::prelude::*;
    let terms: Vec<Vec<(String, u8)>> = docs.par_iter().map(|(doc, rest)| weighted(doc.t, rest)).collect();
    // foldhash: SipHash (std's) was a tenth of an archive edit's time here, for 450,000
    // short words; the map is only gathered into a sorted list, so its order is no matter.
    let mut postings: HashMap<String, Vec<(usize, u8)>, foldhash::fast::FixedState> = HashMap::default();
    for (id, words) in terms.into_iter().enumerate() {
        for (word, weight) in words {
            postings.entry(word).or_default().push((id, weight));
        }
    }
    let mut words: Vec<(String, Vec<(usize, u8)>)> = postings.into_iter().collect();
    words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    words
}

/// The shards of the sorted `words` (one file per [`shard_key`]: sorted words of one key
/// are side by side), and their keys.
fn shards(words: &[(String, Vec<(usize, u8)>)]) -> (Vec<(String, String)>, Vec<String>) {
    use rayon::prelude::*;
    let groups: Vec<&[(String, Vec<(usize, u8)>)]> =
        words.chunk_by(|a, b| first_two(&a.0) == first_two(&b.0)).collect();
    let made: Vec<(String, String)> = groups
        .into_par_iter()
        .map(|group| {
            let key = shard_key(&group[0].0);
            let js = shard_js(&key, group);
            (key, js)
        })
        .collect();
    let keys = made.iter().map(|(key, _)| key.clone()).collect();
    (made.into_iter().map(|(key, js)| (format!("search/t/{key}.js"), js)).collect(), keys)
}

/// One shard's script: its words, each with the documents it is in and its weight in
/// each. Written straight into the text: 450,000 postings at 500 briefings.
fn shard_js(key: &str, group: &[(String, Vec<(usize, u8)>)]) -> String {
    use std::fmt::Write as _;
    let mut js = String::from("briefingSearch.shard(\"");
    js.push_str(key);
    js.push_str("\",{");
    for (i, (word, list)) in group.iter().enumerate() {
        js.push_str(if i == 0 { "" } else { "," });
        js.push_str(&json(word));
        js.push_str(":[");
        for (j, (d, w)) in list.iter().enumerate() {
            let _ = write!(js, "{}{d},{w}", if j == 0 { "" } else { "," });
        }
        js.push(']');
    }
    js.push_str("});\n");
    js
}

/// A word's first two characters, which name its shard.
fn first_two(word: &str) -> &str {
    word.char_indices().nth(2).map_or(word, |(i, _)| &word[..i])
}

/// A document's words, each once, with the weight of where it is best found: 3 in its
/// title, 1 in the rest.
fn weighted(title: &str, rest: &str) -> Vec<(String, u8)> {
    let mut all: Vec<(String, u8)> = words(title).into_iter().map(|w| (w, 3)).collect();
    all.extend(words(rest).into_iter().map(|w| (w, 1)));
    // The heaviest of each word first, then one of each.
    all.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    all.dedup_by(|later, first| later.0 == first.0);
    all
}

/// Every claim, then every article, each with the words it is found by besides its
/// title: a claim's finding and topic; an article's outlet. (Not its briefing's title,
/// which every document of the briefing shares: a word of it would find them all.) An
/// article's outlet is named as its outlet's page names it ("Alder Times", where some
/// articles wrote "alder times").
fn docs<'a>(catalog: &'a Catalog, config: &'a Config, outlets: &'a [Group]) -> Vec<(Doc<'a>, String)> {
    let mut docs = Vec::with_capacity(catalog.claims.len() + catalog.articles.len());
    for c in &catalog.claims {
        let b = &catalog.briefings[c.briefing];
        let verdict = config.verdict(&c.verdict).map(|v| (v.key.as_str(), v.label.as_str(), u8::from(v.flag)));
        let doc = Doc {
            k: "claim",
            t: &c.claim,
            u: format!("{}/claims/{}/index.html", b.slug, c.id),
            v: verdict,
            s: &c.finding,
            b: &b.heading.title,
            d: c.draft,
        };
        docs.push((doc, format!("{} {}", c.finding, c.topic)));
    }
    let mut named: Vec<Option<&str>> = vec![None; catalog.articles.len()];
    for g in outlets {
        g.members.iter().for_each(|&m| named[m] = Some(g.name.as_str()));
    }
    for (a, name) in catalog.articles.iter().zip(named) {
        let b = &catalog.briefings[a.briefing];
        let outlet = name.or(a.outlet.as_deref()).unwrap_or("");
        let doc = Doc {
            k: "article",
            t: &a.title,
            u: format!("{}/articles/{}/index.html", b.slug, a.slug),
            v: None,
            s: outlet,
            b: &b.heading.title,
            d: a.draft,
        };
        docs.push((doc, outlet.to_string()));
    }
    docs
}

/// The words of `text`, folded: decomposed, without marks, lowercased.
pub fn words(text: &str) -> Vec<String> {
    if text.is_ascii() {
        // ASCII is its own decomposition, and has no marks.
        return text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
    }
    let folded: String = text.nfkd().filter(|c| !is_combining_mark(*c)).collect::<String>().to_lowercase();
    folded
        .split(|c: char| !(c.is_alphabetic() || c.is_numeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The shard a word is filed in: its first two characters' code points, in hex.
pub fn shard_key(word: &str) -> String {
    word.chars().take(2).map(|c| format!("{:x}", c as u32)).collect::<Vec<_>>().join("-")
}

/// `value` as JSON, safe inside a script: no `</script>` nor line separator can end it.
fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_as_the_page_folds_a_query() {
        assert_eq!(words("Résumé: £2.4m, ΣΟΦΊΑ и Ёлка"), ["resume", "2", "4m", "σοφια", "и", "елка"]);
        assert_eq!(shard_key("resume"), "72-65");
        assert_eq!(shard_key("и"), "438");
    }

    #[test]
    fn text_from_the_web_cannot_close_the_script() {
        assert_eq!(json(&"</script><b>"), "\"\\u003c/script>\\u003cb>\"");
    }
}
