//! Link checking of the rendered site, for `briefing check`: every relative `href` and
//! `src` must name a file of the site, and every `#fragment` an id of its page.
//!
//! Pages are scanned as text: they were written by briefing's templates and sanitizer, so
//! a small attribute scanner is enough, and it keeps an HTML parser out of the binary.

use std::collections::{HashMap, HashSet};

use crate::model::diag::{Diagnostic, SourceFile};
use crate::model::page::Page;
use crate::stages::load::Site;

/// The links and ids of one HTML page.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// `href` and `src` values, in order, entities decoded.
    pub links: Vec<String>,
    /// `id` values.
    pub ids: HashSet<String>,
}

/// Finds the `href`, `src` and `id` attributes of every tag in `html`.
pub fn scan(html: &str) -> Scan {
    let mut out = Scan::default();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        // Skip comments, doctype and closing tags; skip raw text of script and style.
        if rest.starts_with("<!--") {
            rest = rest.find("-->").map_or("", |j| &rest[j + 3..]);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("</") {
            rest = &rest[1..];
            continue;
        }
        // The same scanner that splits article HTML into pieces.
        let end = crate::model::markup::tag_end(rest);
        let tag = rest[1..end].strip_suffix('>').unwrap_or(&rest[1..end]);
        rest = &rest[end..];
        let name: String =
            tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        for (attr, value) in attributes(&tag[name.len()..]) {
            match attr.as_str() {
                "href" | "src" => out.links.push(value),
                "id" => {
                    out.ids.insert(value);
                }
                _ => {}
            }
        }
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            rest = rest.find(&close).map_or("", |j| &rest[j..]);
        }
    }
    out
}

/// `name="value"` pairs of a tag's attribute text.
fn attributes(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        let name = s[start..i].to_ascii_lowercase();
        if name.is_empty() {
            i += 1;
            continue;
        }
        if i < b.len() && b[i] == b'=' {
            i += 1;
            let value = if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let from = i + 1;
                let to = s[from..].bytes().position(|c| c == q).map_or(s.len(), |p| from + p);
                i = (to + 1).min(b.len());
                &s[from..to]
            } else {
                let from = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                &s[from..i]
            };
            out.push((name, decode(value)));
        } else {
            out.push((name, String::new()));
        }
    }
    out
}

fn decode(v: &str) -> String {
    v.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// Resolves a relative link from the page at `from` (both `/`-separated). `None` when the
/// link climbs above the site root.
pub fn resolve(from: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            ".." => {
                parts.pop()?;
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The file a link to `target` opens: a folder's `index.html` when the link names a
/// folder (`claims/x/`, `../`), as a host serves it; `target` itself otherwise.
fn page_of(link: &str, target: String) -> String {
    let last = link.rsplit('/').next().unwrap_or("");
    if !matches!(last, "" | "." | "..") {
        target
    } else if target.is_empty() {
        "index.html".to_string()
    } else {
        format!("{target}/index.html")
    }
}

fn is_external(link: &str) -> bool {
    let scheme = link.split([':', '/', '?', '#']).next().unwrap_or("");
    link.contains(':') && link.find(':') == Some(scheme.len()) && !scheme.is_empty()
}

/// Checks every internal link of the rendered pages. A broken link in an article's text is
/// reported at the article file; one written by a template, at the template. A link to
/// one of `drafts` (pages left out as drafts, `claims/<id>/`) is a link to a draft.
pub fn check(site: &Site, pages: &[Page], drafts: &HashSet<String>) -> Vec<Diagnostic> {
    check_in(site, &Scanned::new(pages), drafts, "", &[])
}

/// The rendered pages, each HTML page's links and ids read once: an archive checks each
/// of its 500 briefings against the same pages.
pub struct Scanned<'p> {
    scans: HashMap<&'p str, Scan>,
    files: HashSet<&'p str>,
}

impl<'p> Scanned<'p> {
    /// Reads the links and ids of every HTML page of `pages`, side by side.
    pub fn new(pages: &'p [Page]) -> Self {
        use rayon::prelude::*;
        let scans = pages
            .par_iter()
            .filter(|p| p.path.ends_with(".html"))
            .map(|p| (p.path.as_str(), scan(&String::from_utf8_lossy(&p.bytes))))
            .collect();
        Scanned { scans, files: pages.iter().map(|p| p.path.as_str()).collect() }
    }
}

/// [`check`] for the pages of one site among those of an archive: those under `prefix`
/// (a briefing's folder) and not under any of `others` (the home's pages are those under
/// no briefing's). The links of other pages are not checked, but may be led to.
pub fn check_in(
    site: &Site,
    scanned: &Scanned<'_>,
    drafts: &HashSet<String>,
    prefix: &str,
    others: &[String],
) -> Vec<Diagnostic> {
    let own = |path: &str| -> Option<String> {
        let within = path.strip_prefix(prefix)?;
        (!others.iter().any(|o| path.starts_with(o.as_str()))).then(|| within.to_string())
    };
    let (scans, files) = (&scanned.scans, &scanned.files);
    let mut diags = Vec::new();
    let mut seen = HashSet::new();
    let mut paths: Vec<&&str> = scans.keys().filter(|p| p.starts_with(prefix)).collect();
    paths.sort();
    for path in paths {
        let Some(within) = own(path) else { continue };
        let within = within.as_str();
        if within == "404.html" {
            continue; // its links are absolute when base_url is set, root-relative otherwise
        }
        for link in &scans[*path].links {
            if link.is_empty() || is_external(link) || link.starts_with("//") {
                continue;
            }
            // As written, not as the page encodes it: `#détails` is `#d%C3%A9tails` in an
            // `href`, and the element's id, the file's name and the source say `détails`.
            let link = &percent_encoding::percent_decode_str(link).decode_utf8_lossy().into_owned();
            let (file, fragment) = link.split_once('#').unwrap_or((link.as_str(), ""));
            let file = file.split('?').next().unwrap_or("");
            let target =
                if file.is_empty() { Some(path.to_string()) } else { resolve(path, file).map(|t| page_of(file, t)) };
            let to_draft = target.as_ref().is_some_and(|t| {
                !files.contains(t.as_str())
                    && own(t).is_some_and(|t| drafts.contains(t.trim_end_matches("/index.html")))
            });
            let problem = match &target {
                None => Some("it leads above the site's root".to_string()),
                Some(t) if link.starts_with('/') => Some(format!(
                    "it is root-absolute, so it breaks when the site is served under a path (it points at {t})"
                )),
                Some(t) if to_draft => Some(format!("{t} is the page of a draft, and drafts are not published")),
                Some(t) if files.contains(format!("{t}/index.html").as_str()) => {
                    Some(format!("{t} is a folder: write `{file}/` to link to its page"))
                }
                Some(t) if !files.contains(t.as_str()) => Some(format!("there is no file {t} in the site")),
                Some(t) if !fragment.is_empty() && scans.get(t.as_str()).is_some_and(|s| !s.ids.contains(fragment)) => {
                    Some(format!("{t} has no element with id `{fragment}`"))
                }
                _ => None,
            };
            if let Some(why) = problem
                && seen.insert((path.to_string(), link.clone()))
            {
                let d = broken(site, (within, path), link, &why, to_draft);
                diags.push(match to_draft {
                    true => d.help("publish the draft (remove its `draft = true`), or link to it once it is"),
                    false => d,
                });
            }
        }
    }
    // A broken link in a template breaks it on every page, one in the claims file on each
    // page that shows its text: report it once, where it is written.
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut pages_per_place: HashMap<(String, usize), usize> = HashMap::new();
    for d in diags {
        let place = d.file.as_ref().zip(d.primary.as_ref()).map(|(f, l)| (f.name.clone(), l.span.start));
        match place {
            Some(key) => {
                let n = pages_per_place.entry(key).or_insert(0);
                *n += 1;
                if *n == 1 {
                    out.push(d);
                }
            }
            _ => out.push(d),
        }
    }
    for d in &mut out {
        let key = d.file.as_ref().zip(d.primary.as_ref()).map(|(f, l)| (f.name.clone(), l.span.start));
        if let Some(n) = key.and_then(|k| pages_per_place.get(&k)).filter(|&&n| n > 1) {
            let others = if *n == 2 { "1 other page".to_string() } else { format!("{} other pages", n - 1) };
            d.notes.push(format!("the same link is broken on {others}"));
        }
    }
    out
}

/// Where `written` stands as a link in `text`: a markdown link's `](…)`, an autolink's
/// `<…>`, or a quoted attribute's value (`src="…"`, `href='…'`).
fn link_at(text: &str, written: &str) -> Option<usize> {
    [("](", ""), ("<", ">"), ("\"", "\""), ("'", "'")]
        .iter()
        .find_map(|(open, close)| text.find(&format!("{open}{written}{close}")).map(|at| at + open.len()))
}

fn broken(site: &Site, (page, shown_page): (&str, &str), link: &str, why: &str, to_draft: bool) -> Diagnostic {
    // Fragments written in content are given a `c-` prefix on the page (so that they never
    // clash with the theme's ids): the message shows them as written.
    let shown = if link.starts_with("#c-") { link.replacen("#c-", "#", 1) } else { link.to_string() };
    let why = if link.starts_with("#c-") { why.replacen("id `c-", "id `", 1) } else { why.to_string() };
    let message = format!("broken link `{shown}` in {shown_page}: {why}");
    let d = match to_draft {
        true => Diagnostic::error("draft-link", message),
        false => Diagnostic::error("broken-link", message),
    };
    // Where did the link come from? The article shown on the page, or a template.
    let article = page.strip_prefix("articles/").and_then(|r| r.strip_suffix("/index.html"));
    if let Some(a) = article.and_then(|slug| site.articles.iter().find(|a| a.slug == slug)) {
        // The sanitizer prefixed fragments with `c-`; the article has them without.
        let written = link.replacen("#c-", "#", 1);
        // In the body, not the front matter: a short link ("x") is found in a title first.
        let body = a.file().text.get(a.body_offset..).unwrap_or("");
        if let Some(at) = link_at(body, &written).or_else(|| body.find(&written)).map(|at| at + a.body_offset) {
            return d
                .at(a.file(), at..at + written.len(), "this link")
                .help("fix or remove the link in the article; relative links must point at files of the site");
        }
    }
    // In the markdown of the claims file (an explanation, a finding, a resolution), of the
    // lead, or of briefing.toml (the corrections policy).
    let written = link.replacen("#c-", "#", 1);
    let lead = site.lead_file();
    for file in [Some(&site.claims_file), lead.as_ref(), Some(&site.config.file)].into_iter().flatten() {
        if let Some(at) = link_at(&file.text, &written) {
            return d.at(file, at..at + written.len(), "this link").help(format!(
                "fix or remove the link in {}; a `#fragment` must name an element of the page it is shown on",
                file.name
            ));
        }
    }
    // In a template, the link is written after `{{ root }}`: look for what follows the
    // climb to the root.
    let mut tail = link.split('#').next().unwrap_or(link);
    while let Some(rest) = tail.strip_prefix("../").or_else(|| tail.strip_prefix("./")) {
        tail = rest;
    }
    let from_template: Option<(&SourceFile, usize)> = (!tail.is_empty())
        .then(|| site.theme.templates.iter().find_map(|(_, f)| f.text.find(tail).map(|at| (f, at))))
        .flatten();
    match from_template {
        Some((f, at)) => d
            .at(f, at..at + tail.len(), "this link")
            .help("fix the link in the template; build links from `root` so they work on every page"),
        None => d.help("links are relative to the page; check the template or content that writes it"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_attributes() {
        let s = scan(
            "<!-- <a href=\"no\"> --><a class=x href=\"a.html#f\" id='top'>x</a><img src=b.png><script>var a='<a href=c>'</script><p id=\"q&amp;1\">",
        );
        assert_eq!(s.links, vec!["a.html#f", "b.png"]);
        assert!(s.ids.contains("top") && s.ids.contains("q&1"));
    }

    #[test]
    fn resolves_and_classifies() {
        assert_eq!(resolve("articles/x/index.html", "../../index.html").as_deref(), Some("index.html"));
        assert_eq!(resolve("index.html", "../x"), None);
        assert_eq!(page_of("claims/x/", "b/claims/x".into()), "b/claims/x/index.html");
        assert_eq!(page_of("../", String::new()), "index.html");
        assert_eq!(page_of("..", "b".into()), "b/index.html");
        assert_eq!(page_of("style.css", "style.css".into()), "style.css");
        assert!(is_external("https://e.org") && is_external("mailto:a@b"));
        assert!(!is_external("a/b:c") && !is_external("../x.html"));
    }
}
