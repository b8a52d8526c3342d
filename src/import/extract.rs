//! The article in a web page: its body by Readability (`dom_smoothie`, a port of Firefox's
//! reader view), as markdown or text, and its metadata from the page's own data, each
//! field from the first source that has it, in this order: schema.org `NewsArticle` /
//! `Article` JSON-LD, Open Graph, `<meta name="author">`, `<time datetime>`, and
//! `<link rel="canonical">`.

use dom_query::Document;
use dom_smoothie::{Config, Readability, TextMode};
use serde_json::Value;

use crate::model::date::Date;

/// What the page says of the article.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Meta {
    /// The headline.
    pub title: Option<String>,
    /// The publication that published it.
    pub outlet: Option<String>,
    /// Who wrote it.
    pub author: Option<String>,
    /// When it was published.
    pub published: Option<Date>,
    /// Its canonical address.
    pub url: Option<String>,
}

/// The article found in a page.
#[derive(Debug)]
pub struct Extracted {
    /// What the page says of it.
    pub meta: Meta,
    /// Its text: markdown (headings, emphasis, links, lists, block quotes) or plain text.
    pub body: String,
}

/// The most elements read: a page with more is not an article (50 MB of markup is).
const MAX_ELEMENTS: usize = 200_000;

/// The article in `html` (found at `url`, if known), its body as markdown or as text.
/// `None` when the page has no article to find.
pub fn extract(html: &str, url: Option<&str>, markdown: bool) -> Result<Extracted, String> {
    let doc = Document::from(html);
    let meta = metadata(&doc);
    let cfg = Config {
        max_elements_to_parse: MAX_ELEMENTS,
        text_mode: if markdown { TextMode::Markdown } else { TextMode::Formatted },
        ..Config::default()
    };
    // Relative links are made absolute against where the page was found, else against the
    // address it gives for itself.
    let url = url.or(meta.url.as_deref()).filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    strip(&doc, url.is_some());
    let html = doc.html();
    let mut reader = Readability::new(&*html, url, Some(cfg)).map_err(|e| e.to_string())?;
    let article = reader.parse().map_err(|e| match e {
        dom_smoothie::ReadabilityError::GrabFailed => "no article was found in the page".to_string(),
        other => other.to_string(),
    })?;
    let body = tidy(&article.text_content);
    if body.split_whitespace().count() < 20 {
        return Err("no article was found in the page (fewer than 20 words of text)".into());
    }
    let mut meta = meta;
    if meta.title.is_none() && !article.title.trim().is_empty() {
        let title = article.title.trim();
        meta.title = Some(meta.outlet.as_deref().map_or(title, |o| without_site(title, o)).to_string());
    }
    Ok(Extracted { meta, body })
}

/// Removes what must not reach the site: media, which would load from the outlet's (or a
/// tracker's) servers for every reader of the briefing; and links that lead nowhere from
/// the briefing: to a place in the outlet's page (`#…`), to a script, or, when the page's
/// address is not known, relative ones. A link removed keeps its text.
fn strip(doc: &Document, has_base: bool) {
    doc.select("img, picture, source, svg, video, audio, iframe, object, embed, canvas, map").remove();
    for a in doc.select("a").iter() {
        let href = a.attr("href").map(|h| h.trim().to_ascii_lowercase()).unwrap_or_default();
        let absolute = href.starts_with("http://") || href.starts_with("https://") || href.starts_with("mailto:");
        let relative = !href.is_empty() && !href.starts_with('#') && !href.contains(':');
        if !(absolute || relative && has_base) {
            let inner = a.inner_html();
            a.replace_with_html(inner);
        }
    }
}

/// Lines trimmed at the end, runs of blank lines made one, a final newline.
fn tidy(text: &str) -> String {
    let mut out = String::new();
    let mut blank = true;
    for line in text.lines().map(str::trim_end) {
        if line.trim().is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
        blank = false;
    }
    out.trim_end().to_string() + "\n"
}

/// The article's metadata, each field from the first source that has it.
pub fn metadata(doc: &Document) -> Meta {
    let mut meta = Meta::default();
    for found in [json_ld(doc), open_graph(doc), plain(doc)] {
        meta.title = meta.title.or(found.title);
        meta.outlet = meta.outlet.or(found.outlet);
        meta.author = meta.author.or(found.author);
        meta.published = meta.published.or(found.published);
        meta.url = meta.url.or(found.url);
    }
    if meta.title.is_none() {
        meta.title = text(&doc.select("title").text());
    }
    if let (Some(title), Some(outlet)) = (&meta.title, &meta.outlet) {
        meta.title = Some(without_site(title, outlet).to_string());
    }
    meta
}

/// `title` without the site's name that pages append to it, or put before it, in their
/// `<title>` (and often their `og:title`): "Bridge shut | Daily Courier" is "Bridge shut"
/// when the outlet is the Daily Courier. A title that is only the name is kept.
fn without_site<'t>(title: &'t str, outlet: &str) -> &'t str {
    const SEPARATORS: [&str; 6] = [" | ", " - ", " – ", " — ", " · ", " :: "];
    let name = outlet.trim();
    for sep in SEPARATORS {
        let (len, tail) = (title.len(), name.len() + sep.len());
        if len > tail
            && title.is_char_boundary(len - tail)
            && title[len - tail..].eq_ignore_ascii_case(&format!("{sep}{name}"))
        {
            return title[..len - tail].trim_end();
        }
        if len > tail && title.is_char_boundary(tail) && title[..tail].eq_ignore_ascii_case(&format!("{name}{sep}")) {
            return title[tail..].trim_start();
        }
    }
    title
}

/// A non-empty trimmed text, without the characters that override the direction of the
/// text around them (U+202A–U+202E, U+2066–U+2069): in an outlet's name they would make
/// the site show it reversed.
fn text(s: &str) -> Option<String> {
    let bidi = |c: &char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    let s: String = s.chars().filter(|c| !bidi(c)).collect();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

/// The day of an ISO 8601 date or date-time (`2026-02-27T10:00:00Z`).
fn day(s: &str) -> Option<Date> {
    Date::parse(s.trim().get(..10)?).ok()
}

/// A web address, only `http(s)://`.
fn address(s: &str) -> Option<String> {
    let s = s.trim();
    (s.starts_with("http://") || s.starts_with("https://")).then(|| s.to_string())
}

/// The article types of schema.org whose data describes a news article.
const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BlogPosting",
    "Report",
];

/// From the first schema.org article object of the page's JSON-LD (inside `@graph` and
/// lists too).
fn json_ld(doc: &Document) -> Meta {
    let parsed: Vec<Value> = doc
        .select(r#"script[type="application/ld+json"]"#)
        .iter()
        .filter_map(|script| serde_json::from_str::<Value>(script.text().trim()).ok())
        .collect();
    let mut objects = Vec::new();
    for v in &parsed {
        collect(v, &mut objects);
    }
    // Yoast and others give the author and publisher as references: `{"@id": "…#org"}`.
    let by_id: std::collections::HashMap<&str, &Value> =
        objects.iter().filter_map(|o| Some((o.get("@id")?.as_str()?, *o))).collect();
    let Some(a) = objects.iter().copied().find(|o| is_article(o)) else { return Meta::default() };
    let named = |v: &Value| -> Option<String> {
        let v = match v.get("name") {
            None => v.get("@id").and_then(Value::as_str).and_then(|id| by_id.get(id)).copied().unwrap_or(v),
            Some(_) => v,
        };
        v.get("name").and_then(Value::as_str).and_then(text)
    };
    let name = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => text(s),
            Value::Object(_) => named(v),
            Value::Array(items) => {
                let names: Vec<String> = items
                    .iter()
                    .filter_map(|i| match i {
                        Value::String(s) => text(s),
                        _ => named(i),
                    })
                    .collect();
                (!names.is_empty()).then(|| names.join(", "))
            }
            _ => None,
        }
    };
    let url = a.get("url").and_then(Value::as_str).or_else(|| {
        a.get("mainEntityOfPage").and_then(|m| m.as_str().or_else(|| m.get("@id").and_then(Value::as_str)))
    });
    Meta {
        title: a.get("headline").or_else(|| a.get("name")).and_then(Value::as_str).and_then(text),
        outlet: a.get("publisher").and_then(name),
        author: a.get("author").and_then(name),
        published: a.get("datePublished").and_then(Value::as_str).and_then(day),
        url: url.and_then(address),
    }
}

fn collect<'v>(v: &'v Value, out: &mut Vec<&'v Value>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
        Value::Object(o) => {
            out.push(v);
            if let Some(graph) = o.get("@graph") {
                collect(graph, out);
            }
        }
        _ => {}
    }
}

fn is_article(o: &Value) -> bool {
    match o.get("@type") {
        Some(Value::String(t)) => ARTICLE_TYPES.contains(&t.as_str()),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(|t| ARTICLE_TYPES.contains(&t)),
        _ => false,
    }
}

fn meta_content(doc: &Document, selector: &str) -> Option<String> {
    doc.select(selector).iter().find_map(|m| m.attr("content").and_then(|c| text(&c)))
}

/// From Open Graph (`og:` and `article:` properties).
fn open_graph(doc: &Document) -> Meta {
    Meta {
        title: meta_content(doc, r#"meta[property="og:title"]"#),
        outlet: meta_content(doc, r#"meta[property="og:site_name"]"#),
        // Often the author's profile page: a name only.
        author: meta_content(doc, r#"meta[property="article:author"]"#).filter(|a| address(a).is_none()),
        published: meta_content(doc, r#"meta[property="article:published_time"]"#).and_then(|d| day(&d)),
        url: meta_content(doc, r#"meta[property="og:url"]"#).and_then(|u| address(&u)),
    }
}

/// From `<meta name="author">`, the first `<time datetime>` and `<link rel="canonical">`.
fn plain(doc: &Document) -> Meta {
    Meta {
        title: None,
        outlet: None,
        author: meta_content(doc, r#"meta[name="author"]"#),
        published: doc.select("time[datetime]").iter().find_map(|t| t.attr("datetime").and_then(|d| day(&d))),
        url: doc.select(r#"link[rel="canonical"]"#).iter().find_map(|l| l.attr("href").and_then(|h| address(&h))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sites_name_is_taken_off_a_title() {
        assert_eq!(without_site("Bridge shut — The Courier", "The Courier"), "Bridge shut");
        assert_eq!(without_site("THE COURIER | Bridge shut", "The Courier"), "Bridge shut");
        assert_eq!(without_site("Ремонт моста - Курьер", "Курьер"), "Ремонт моста");
        assert_eq!(without_site("The Courier", "The Courier"), "The Courier");
        assert_eq!(without_site("Courier strike - a day on", "Courier"), "Courier strike - a day on");
    }

    #[test]
    fn json_ld_comes_before_open_graph_and_the_rest() {
        let html = r#"<html><head>
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"X"},
              {"@type":"NewsArticle","headline":"From JSON-LD","author":[{"@type":"Person","name":"A. One"},{"name":"B. Two"}],
               "publisher":{"@type":"Organization","name":"The Daily"},"datePublished":"2026-02-27T09:00:00+01:00"}]}</script>
            <meta property="og:title" content="From OG"><meta property="og:url" content="https://example.org/og">
            <meta name="author" content="Meta Author"><link rel="canonical" href="https://example.org/canonical">
            </head><body><time datetime="2020-01-01">then</time></body></html>"#;
        let m = metadata(&Document::from(html));
        assert_eq!(m.title.as_deref(), Some("From JSON-LD"));
        assert_eq!(m.author.as_deref(), Some("A. One, B. Two"));
        assert_eq!(m.outlet.as_deref(), Some("The Daily"));
        assert_eq!(m.published, Date::parse("2026-02-27").ok());
        assert_eq!(m.url.as_deref(), Some("https://example.org/og"));
        let only_plain = r#"<html><head><title> A  page </title><meta name="author" content="Meta Author">
            <link rel="canonical" href="https://example.org/c"></head><body><time datetime="2025-10-28T00:00">x</time></body></html>"#;
        let m = metadata(&Document::from(only_plain));
        assert_eq!(m.title.as_deref(), Some("A page"));
        let named = r#"<html><head><title>Bridge shut for repairs | Daily Courier</title>
            <meta property="og:site_name" content="Daily Courier"></head><body></body></html>"#;
        assert_eq!(metadata(&Document::from(named)).title.as_deref(), Some("Bridge shut for repairs"));
        assert_eq!(m.author.as_deref(), Some("Meta Author"));
        assert_eq!(m.published, Date::parse("2025-10-28").ok());
        assert_eq!(m.url.as_deref(), Some("https://example.org/c"));
    }
}
