//! `briefing import`: an article from a saved web page or an address, into the site.
//!
//! The page is read (a file) or fetched (`fetch.rs`: bounded in time, size and redirects,
//! HTML only), decoded by its declared charset, and the article found in it by Readability
//! with its metadata from the page's own data (`extract.rs`). What the extractor kept that
//! the author did not write is proposed as `[[artifact]]` entries (`leftovers.rs`). The
//! page is kept as it was, beside the article, with its SHA-256 in the front matter, so
//! that anyone can later check what exactly was checked. Every check comes before the first
//! byte is written: a failed import writes nothing.

pub mod extract;
pub mod fetch;
pub mod leftovers;
pub mod update;

use std::fs;
use std::path::{Path, PathBuf};

use crate::model::article::{Original, latin_slug};
use crate::model::config::is_slug;
use crate::model::date::Date;
use crate::model::diag::Diagnostic;
use extract::Meta;
use leftovers::Leftover;

/// What to import, and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site's folder.
    pub root: PathBuf,
    /// A saved page (a file) or an `http(s)://` address.
    pub source: String,
    /// The article's slug; by default made from its title.
    pub slug: Option<String>,
    /// Markdown (`md`, keeping headings, emphasis, links, lists and quotes) or text.
    pub markdown: bool,
    /// Replace an article of the same slug.
    pub force: bool,
    /// The limits of a fetch.
    pub limits: fetch::Limits,
    /// The briefing of an archive to import into (`content/<slug>/articles/`); `None`
    /// for a site of one briefing.
    pub briefing: Option<String>,
}

impl Options {
    /// The articles' folder, relative to the site.
    pub fn articles(&self) -> String {
        match &self.briefing {
            Some(slug) => crate::stages::load::Layout::briefing(slug).articles(),
            None => crate::stages::load::ARTICLES_DIR.to_string(),
        }
    }
}

/// What an import wrote.
#[derive(Debug)]
pub struct Imported {
    /// The article file, relative to the site.
    pub article: String,
    /// The page as it was, relative to the site.
    pub original: String,
    /// The article's slug.
    pub slug: String,
    /// What the page said of the article.
    pub meta: Meta,
    /// Text proposed as `[[artifact]]` entries.
    pub leftovers: Vec<Leftover>,
    /// The claims file its claims go in.
    pub claims: String,
}

/// Imports the article of `opts.source` into the site.
pub fn import(opts: &Options) -> Result<Imported, Diagnostic> {
    check_site(opts)?;
    let articles = opts.articles();
    let Page { bytes, found_at, extracted } = read_page(opts)?;
    let mut meta = extracted.meta;
    if meta.url.is_none() {
        meta.url = found_at.clone();
    }
    let slug = slug_for(opts, &meta)?;
    let extension = if opts.markdown { "md" } else { "txt" };
    let article = format!("{articles}/{slug}.{extension}");
    let original = format!("{articles}/{slug}.orig.html");
    let other = format!("{articles}/{slug}.{}", if opts.markdown { "txt" } else { "md" });
    let versions = format!("{articles}/{slug}{}", crate::model::article::VERSIONS);
    if opts.root.join(&versions).exists() {
        return Err(Diagnostic::error("import-exists", format!("`{slug}` has versions kept in `{versions}/`")).help(
            format!("import a new version with --update {slug}: replacing it would cut it off from its history"),
        ));
    }
    for path in [&article, &original, &other] {
        if opts.root.join(path).exists() && !opts.force {
            return Err(Diagnostic::error("import-exists", format!("`{path}` exists already"))
                .help(format!("pass --slug NAME for another name; --update {slug} to import a new version of it, keeping the one checked; or --force to replace it")));
        }
    }
    let file =
        article_file(&meta, &format!("{slug}.orig.html"), &Original::hash(&bytes), &extracted.body, &Extra::default());
    let leftovers = leftovers::find(&extracted.body, opts.markdown);
    write_both(&opts.root, (&original, &bytes), (&article, file.as_bytes()))?;
    if opts.force {
        // A replaced article of the other format would share its name with the new one.
        let _ = fs::remove_file(opts.root.join(&other));
    }
    let claims = match &opts.briefing {
        Some(b) => crate::stages::load::Layout::briefing(b).claims(),
        None => crate::model::claims::CLAIMS_FILE.to_string(),
    };
    Ok(Imported { article, original, slug, meta, leftovers, claims })
}

/// A site is there: its config and its articles' folder (a briefing's, in an archive).
fn check_site(opts: &Options) -> Result<(), Diagnostic> {
    let (root, articles) = (&opts.root, opts.articles());
    if let Some(b) = &opts.briefing {
        briefing_exists(root, b)?;
    }
    if root.join("briefing.toml").is_file() && root.join(&articles).is_dir() {
        return Ok(());
    }
    if opts.briefing.is_none()
        && let Some(slugs) = crate::stages::load::briefings(root)
    {
        return Err(Diagnostic::error(
            "usage",
            format!("{} is an archive: which briefing is the article for?", root.display()),
        )
        .help(format!("pass --briefing SLUG, one of: {}", slugs.join(", "))));
    }
    Err(Diagnostic::error("io-missing", format!("no site in {}: no briefing.toml or {articles}/", root.display()))
        .help("run inside a site, or pass --root (briefing new DIR makes one; briefing new --briefing SLUG adds a briefing to an archive)"))
}

/// `--briefing` names a briefing of the archive at `root`.
fn briefing_exists(root: &Path, briefing: &str) -> Result<(), Diagnostic> {
    let slugs = crate::stages::load::briefings(root);
    let Some(slugs) = slugs else {
        return Err(Diagnostic::error(
            "usage",
            format!("{} is a site of one briefing: it has no `--briefing {briefing}`", root.display()),
        )
        .help("import without --briefing; archives (content/<slug>/) are described in docs/archive.md"));
    };
    if is_slug(briefing) && slugs.iter().any(|s| s == briefing) {
        return Ok(());
    }
    let help = match crate::model::tomlfile::nearest(briefing, slugs.iter().map(String::as_str)) {
        Some(n) => format!("did you mean `{n}`? (briefing new --briefing {briefing} adds a briefing)"),
        None => format!("the briefings are: {} (briefing new --briefing {briefing} adds one)", slugs.join(", ")),
    };
    Err(Diagnostic::error("usage", format!("the archive has no briefing `{briefing}`")).help(help))
}

/// A page read or fetched, with the article found in it.
struct Page {
    /// The bytes, exactly as read.
    bytes: Vec<u8>,
    /// The address it was fetched from, after redirects.
    found_at: Option<String>,
    /// Its article.
    extracted: extract::Extracted,
}

/// Reads or fetches `opts.source`, decodes it and finds its article.
fn read_page(opts: &Options) -> Result<Page, Diagnostic> {
    let (bytes, found_at, charset) = read_source(opts)?;
    let (html, _) = fetch::decode(&bytes, charset.as_deref());
    if !looks_like_html(&html) {
        return Err(not_an_article(&opts.source, "it is not an HTML page"));
    }
    let extracted = extract::extract(&html, found_at.as_deref(), opts.markdown)
        .map_err(|why| not_an_article(&opts.source, &why))?;
    Ok(Page { bytes, found_at, extracted })
}

/// The page's bytes, the address it was found at (for a fetch), and the charset its
/// server declared.
fn read_source(opts: &Options) -> Result<(Vec<u8>, Option<String>, Option<String>), Diagnostic> {
    let s = &opts.source;
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let f = fetch::fetch(s, &opts.limits)?;
        return Ok((f.bytes, Some(f.url), f.charset));
    }
    if let Some((scheme, _)) = s.split_once("://").filter(|(scheme, _)| scheme.chars().all(|c| c.is_ascii_alphabetic()))
    {
        return Err(Diagnostic::error(
            "import-fetch",
            format!("cannot import `{s}`: `{scheme}://` addresses cannot be fetched"),
        )
        .help("give an http:// or https:// address, or a saved page"));
    }
    let path = Path::new(s);
    let too_big = fs::metadata(path).is_ok_and(|m| m.len() > opts.limits.max_bytes);
    if too_big {
        return Err(Diagnostic::error(
            "import-fetch",
            format!("cannot import `{s}`: it is over {} MB", opts.limits.max_bytes / (1024 * 1024)),
        )
        .help("save only the article's page, without its images and media"));
    }
    let bytes = fs::read(path).map_err(|e| {
        Diagnostic::error("io-read", format!("cannot read `{s}`: {e}"))
            .help("give a saved web page (.html) or an http(s):// address")
    })?;
    Ok((bytes, None, None))
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text.chars().take(4096).collect::<String>().to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html") || head.contains("<body") || head.contains("<p")
}

fn not_an_article(source: &str, why: &str) -> Diagnostic {
    Diagnostic::error("import-no-article", format!("cannot import `{source}`: {why}"))
        .help("import the page of one article (not a home page or a search page); or copy its text into a .txt file with front matter, as docs/claims-format.md shows")
}

/// `--slug`, or a slug made from the title, transliterated to Latin letters.
fn slug_for(opts: &Options, meta: &Meta) -> Result<String, Diagnostic> {
    let slug = match &opts.slug {
        Some(s) => s.clone(),
        None => latin_slug(meta.title.as_deref().unwrap_or("")).unwrap_or_default(),
    };
    if is_slug(&slug) {
        return Ok(slug);
    }
    let what = if slug.is_empty() {
        "the page's title makes no name".to_string()
    } else {
        format!("`{slug}` cannot be an article's name")
    };
    Err(Diagnostic::error("bad-slug", what)
        .help("pass --slug NAME, with a-z, 0-9 and single hyphens (for example --slug council-vote)"))
}

/// What an article file's front matter says beyond the page's own data: the editor's
/// `note` and `draft`, kept by an update, and the hash of the version before.
#[derive(Debug, Default)]
struct Extra<'a> {
    note: Option<&'a str>,
    draft: bool,
    previous_sha256: Option<String>,
}

/// The article file: front matter (what the page said, when it was retrieved, the
/// original's file and SHA-256, the text's SHA-256, and `extra`), then `body`.
fn article_file(meta: &Meta, original: &str, sha256: &str, body: &str, extra: &Extra<'_>) -> String {
    let quoted = |s: &str| crate::model::tomlfile::basic_string(s);
    let mut out = String::from("+++\n");
    out.push_str(&format!("title = {}\n", quoted(meta.title.as_deref().unwrap_or("Untitled"))));
    for (key, value) in [("outlet", &meta.outlet), ("author", &meta.author), ("url", &meta.url)] {
        if let Some(v) = value {
            out.push_str(&format!("{key} = {}\n", quoted(v)));
        }
    }
    if let Some(d) = meta.published {
        out.push_str(&format!("published = {d}\n"));
    }
    out.push_str(&format!("retrieved = {}\n", Date::today()));
    if let Some(note) = extra.note {
        out.push_str(&format!("note = {}\n", quoted(note)));
    }
    if extra.draft {
        out.push_str("draft = true\n");
    }
    out.push_str(&format!("original = {}\nsha256 = \"{sha256}\"\n", quoted(original)));
    out.push_str(&format!("text_sha256 = \"{}\"\n", Original::hash(body.as_bytes())));
    if let Some(previous) = &extra.previous_sha256 {
        out.push_str(&format!("previous_sha256 = \"{previous}\"\n"));
    }
    out.push_str("+++\n");
    out.push_str(body);
    out
}

/// Writes both files, or neither: each to a temporary name first, then renamed.
fn write_both(root: &Path, a: (&str, &[u8]), b: (&str, &[u8])) -> Result<(), Diagnostic> {
    let fail = |path: &str, e: std::io::Error| {
        Diagnostic::error("io-write", format!("cannot write `{path}`: {e}"))
            .help("check free space and permissions; nothing was imported")
    };
    let temp = |p: &str| root.join(format!("{p}.importing"));
    for (path, bytes) in [a, b] {
        if let Err(e) = fs::write(temp(path), bytes) {
            let _ = fs::remove_file(temp(a.0));
            let _ = fs::remove_file(temp(b.0));
            return Err(fail(path, e));
        }
    }
    for (path, _) in [a, b] {
        fs::rename(temp(path), root.join(path)).map_err(|e| fail(path, e))?;
    }
    Ok(())
}
