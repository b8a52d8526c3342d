//! Entry points for fuzzing: each takes arbitrary bytes, runs one part of the pipeline,
//! and asserts what must hold for every input, beyond "does not panic".
//!
//! The cargo-fuzz targets in `fuzz/` call these, and `tests/fuzz_regressions.rs` replays
//! every input that ever failed (and the seed corpus) through them in a plain
//! `cargo test`, on stable Rust, without libFuzzer.

use std::ops::Range;

use crate::model::article::{self, Format};
use crate::model::claims;
use crate::model::diag::{Diagnostic, SourceFile};
use crate::model::highlight::Highlighter;
use crate::model::markup::{self, Highlight, Markup};
use crate::stages::anchor;
use crate::suggest::scan::{self, Scan};
use crate::suggest::similar::{Context, Vocab};

/// One highlighter per process: syntect compiles a grammar on its first use, which would
/// otherwise dominate every run.
fn highlighter() -> &'static std::sync::Arc<Highlighter> {
    static H: std::sync::OnceLock<std::sync::Arc<Highlighter>> = std::sync::OnceLock::new();
    H.get_or_init(Default::default)
}

/// Splits at the first NUL byte: two inputs from one. Without one, the whole input is the
/// second part and `default` the first.
fn split<'a>(data: &'a [u8], default: &'a [u8]) -> (&'a [u8], &'a [u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (default, data),
    }
}

/// Every diagnostic renders, and points inside its file.
fn check_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        let _ = d.render(false);
        let _ = d.to_json();
        if let (Some(f), Some(p)) = (&d.file, &d.primary) {
            assert!(p.span.start <= p.span.end && p.span.end <= f.text.len(), "span {:?} outside {}", p.span, f.name);
        }
    }
}

/// Nothing in a body's HTML can run: no script or style element, no event-handler
/// attribute, no `javascript:`-like URL. Text is escaped, so every `<` opens a tag.
pub fn check_safe(html: &str) {
    let mut at = 0;
    while let Some(i) = html[at..].find('<').map(|i| at + i) {
        // Tags are walked one after another: a `<` inside a quoted value is not a tag.
        at = i + markup::tag_end(&html[i..]).max(1);
        let tag = html[i..at].trim_start_matches('<').trim_end_matches('>').to_ascii_lowercase();
        let name: String = tag.trim_start_matches('/').chars().take_while(char::is_ascii_alphanumeric).collect();
        assert!(!matches!(name.as_str(), "script" | "style" | "iframe" | "object" | "embed"), "<{tag}> in {html}");
        for (key, value) in attributes(&tag[tag.find(char::is_whitespace).unwrap_or(tag.len())..]) {
            assert!(!key.starts_with("on"), "event handler in <{tag}>");
            if matches!(key, "href" | "src") {
                let v: String = value.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
                for bad in ["javascript:", "vbscript:", "data:"] {
                    assert!(!v.starts_with(bad), "{bad} URL in <{tag}>");
                }
            }
        }
    }
}

/// A tag's attributes, quoted values unquoted.
fn attributes(s: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let key_end = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
        let key = &rest[..key_end];
        rest = rest[key_end..].trim_start();
        let mut value = "";
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, r) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    (&body[..end], body.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = v;
            rest = r.trim_start();
        }
        if key.is_empty() {
            // A stray `=` or quote: skip one character.
            rest = rest.get(1..).unwrap_or("");
            continue;
        }
        out.push((key, value));
    }
    out
}

/// An article file, front matter and body, read as markdown and as plain text.
pub fn article(data: &[u8]) {
    let file = match crate::model::diag::decode("content/articles/fuzz.md", data.to_vec()) {
        Ok(f) => f,
        Err(d) => return check_diagnostics(&[d]),
    };
    // Pieces made straight from the parser's events are those of its HTML read back.
    let (direct, via_html) = (
        markup::from_markdown(&file.text, 1, highlighter()).without_lines(),
        markup::from_markdown_via_html(&file.text, highlighter()),
    );
    assert_eq!(direct, via_html, "pieces from events differ from those of the HTML");
    for format in [Format::Markdown, Format::Text] {
        match article::parse(file.clone(), "fuzz", format, highlighter()) {
            Ok(a) => {
                check_markup(a.markup());
                check_safe(&a.markup().to_html());
            }
            Err(diags) => check_diagnostics(&diags),
        }
    }
}

/// The concatenated text is the text pieces, and every located offset resolves.
fn check_markup(m: &Markup) {
    let joined: String = m.texts().map(|(_, t, _)| t).collect();
    assert_eq!(joined, m.text);
    let total: usize = m
        .pieces
        .iter()
        .map(|p| match p {
            markup::Piece::Text { len, .. } => *len as usize,
            markup::Piece::Tag { .. } => 0,
        })
        .sum();
    assert_eq!(total, m.text.len(), "the text pieces cover the text exactly");
    for b in m.block_breaks() {
        assert!(b <= m.text.len());
    }
}

const ARTICLE: &[u8] = b"+++\ntitle = \"T\"\n+++\nThe council met on Tuesday, March 3, 2026.\n\nIt said \"we will build it\" and cost $5 million.\n";

/// A claims file anchored against an article (`article NUL claims`, or the claims file
/// alone against a fixed article). Marks must lie inside the text, on character
/// boundaries, sorted.
pub fn claims(data: &[u8]) {
    let (article_bytes, claims_bytes) = split(data, ARTICLE);
    let Ok(afile) = crate::model::diag::decode("content/articles/a.md", article_bytes.to_vec()) else { return };
    let Ok(article) = article::parse(afile, "a", Format::Markdown, highlighter()) else { return };
    let cfile = match crate::model::diag::decode(claims::CLAIMS_FILE, claims_bytes.to_vec()) {
        Ok(f) => f,
        Err(d) => return check_diagnostics(&[d]),
    };
    let mut diags = Vec::new();
    let parsed = claims::parse(&cfile, &mut diags);
    check_diagnostics(&diags);
    let articles = [article];
    let (marks, diags) = anchor::anchor(&articles, &parsed, &cfile);
    check_diagnostics(&diags);
    let text = &articles[0].markup().text;
    for list in &marks {
        for m in list.iter() {
            assert!(m.range.start <= m.range.end && m.range.end <= text.len());
            assert!(text.is_char_boundary(m.range.start) && text.is_char_boundary(m.range.end));
        }
        assert!(list.windows(2).all(|w| w[0].range.start <= w[1].range.start), "marks not sorted");
    }
}

/// A markdown body written with marks (`markdown NUL ranges`, ranges as little-endian
/// u16 pairs). With the marks taken out again, the HTML is exactly the unmarked HTML:
/// marking never loses, adds or reorders anything.
pub fn render(data: &[u8]) {
    let (md, ranges) = split(data, b"Some *emphasis* and [a link](https://example.org) in `code`.\n\n> quoted");
    let Ok(text) = std::str::from_utf8(md) else { return };
    let m = markup::from_markdown(text, 1, highlighter());
    check_markup(&m);
    let plain = m.to_html();
    check_safe(&plain);
    let len = m.text.len();
    if len == 0 {
        return;
    }
    let mut picked: Vec<Range<usize>> = Vec::new();
    for pair in ranges.chunks_exact(4).take(16) {
        let a = usize::from(u16::from_le_bytes([pair[0], pair[1]])) % (len + 1);
        let b = a + usize::from(u16::from_le_bytes([pair[2], pair[3]])) % (len + 1 - a);
        let (a, b) = (floor(&m.text, a), floor(&m.text, b));
        if a == b {
            continue;
        }
        // Highlights may nest but never cross.
        let crosses =
            |r: &Range<usize>| (r.start < a && a < r.end && r.end < b) || (a < r.start && r.start < b && b < r.end);
        if !picked.iter().any(crosses) {
            picked.push(a..b);
        }
    }
    let highlights: Vec<Highlight> = picked
        .iter()
        .enumerate()
        .map(|(i, r)| Highlight {
            start: r.start,
            end: r.end,
            // An element no body can contain (the sanitizer allows no custom elements),
            // so that taking the marks out cannot take out the body's own `<mark>`s.
            open: format!("<x-fuzz id=\"q{i}\">"),
            reopen: "<x-fuzz>".into(),
            close: "</x-fuzz>".into(),
            after: String::new(),
        })
        .collect();
    let marked = markup::write_html(&m, &highlights);
    let opens = marked.matches("<x-fuzz").count();
    assert_eq!(opens, marked.matches("</x-fuzz>").count(), "unbalanced marks: {marked}");
    let mut stripped = marked.replace("</x-fuzz>", "").replace("<x-fuzz>", "");
    for i in 0..highlights.len() {
        stripped = stripped.replace(&format!("<x-fuzz id=\"q{i}\">"), "");
    }
    assert_eq!(stripped, plain, "marking changed the page");
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The suggestion scanner over any text: mentions and contexts stay inside the text.
pub fn suggest(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let breaks: Vec<usize> = text.match_indices("\n\n").map(|(i, _)| i).collect();
    let s = Scan::new(text, &breaks);
    let mut vocab = Vocab::default();
    vocab.add_scan(&s);
    for m in scan::mentions(&s) {
        let r = s.span(&m.tokens);
        assert!(r.start < r.end && r.end <= text.len());
        let _ = Context::around(&s, &m.tokens, &vocab, 3.0, true);
    }
    let _ = SourceFile::new("x", text);
}

/// `import`'s reading of a web page: any bytes, decoded as a page would be, then the
/// article and its metadata found. Never panics, and what it makes is safe: no markup of
/// the page's survives into the article's text except what markdown writes.
pub fn import(data: &[u8]) {
    let (html, _) = crate::import::fetch::decode(data, None);
    let meta = crate::import::extract::metadata(&dom_query::Document::from(html.as_str()));
    if let Some(d) = meta.published {
        assert!(d.to_string().len() == 10);
    }
    if let Ok(found) = crate::import::extract::extract(&html, Some("https://example.org/a/"), true) {
        assert!(found.body.ends_with('\n'));
        let lower = found.body.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "a script survived: {}", found.body);
        let _ = crate::import::leftovers::find(&found.body, true);
        assert!(!found.body.contains("!["), "an image survived: {}", found.body);
    }
}
