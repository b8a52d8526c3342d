//! `briefing import --update SLUG`: the article imported again, its previous text kept as
//! a version, and every quote anchored again.
//!
//! The article file and its original move, unchanged, into
//! `content/articles/<slug>.versions/<n>/`; the new ones take their names. The claims
//! file is never touched: a quote that is no longer in the new text is found in the
//! version it was checked in, and the build reports it as changed after the check, with
//! the passage as it reads now (see `stages/reanchor.rs`).

use std::fs;
use std::path::Path;

use crate::import::extract::Meta;
use crate::model::article::{self, Article, Format, Original, VERSIONS};
use crate::model::diag::{Diagnostic, decode, io_error};

use super::Options;

/// What an update did.
#[derive(Debug)]
pub enum Updated {
    /// The page's article reads as before: nothing was written.
    Unchanged {
        /// The article file.
        article: String,
    },
    /// The new text is in place, the previous one kept.
    Kept {
        /// The article file, now the new text.
        article: String,
        /// The folder the previous version was moved to.
        version: String,
        /// Each field of the page's data that changed: name, before, now.
        fields: Vec<(&'static str, String, String)>,
    },
}

/// Imports the article `slug` again from `opts.source`, or from its own `url` when
/// `opts.source` is empty.
pub fn update(opts: &Options, slug: &str) -> Result<Updated, Diagnostic> {
    super::check_site(opts)?;
    let articles = opts.articles();
    let current = current(&opts.root, &articles, slug)?;
    intact(&opts.root, &current)?;
    let source = match opts.source.as_str() {
        "" => current.meta.url.clone().ok_or_else(|| {
            Diagnostic::error("usage", format!("`{}` records no `url` to fetch it again from", current.name))
                .help(format!("give the page: briefing import --update {slug} PAGE.html (or its address)"))
        })?,
        s => s.to_string(),
    };
    let opts = Options { source, markdown: current.format == Format::Markdown, ..opts.clone() };
    let page = super::read_page(&opts)?;
    if current.meta.original.as_ref().is_some_and(|o| o.sha256 == Original::hash(&page.bytes)) {
        return Ok(Updated::Unchanged { article: current.name });
    }
    let meta = merged(&current, &page);
    same_article(&current, &meta, &opts.source)?;
    let fields = changed_fields(&current, &meta);
    if current.body().trim() == page.extracted.body.trim() && fields.is_empty() {
        return Ok(Updated::Unchanged { article: current.name });
    }
    let bytes = fs::read(opts.root.join(&current.name)).map_err(|e| io_error(&current.name, &e.to_string()))?;
    let extra = super::Extra {
        note: current.meta.note.as_deref(),
        draft: current.meta.draft,
        previous_sha256: Some(Original::hash(&bytes)),
    };
    let original = format!("{articles}/{slug}.orig.html");
    let sha256 = Original::hash(&page.bytes);
    let body = super::article_file(&meta, &format!("{slug}.orig.html"), &sha256, &page.extracted.body, &extra);
    let version = next_version(&opts.root, &articles, slug);
    let mut old = vec![current.name.clone()];
    old.extend(current.original_path());
    swap(&opts.root, &version, &old, [(&current.name, body.as_bytes()), (&original, &page.bytes)])?;
    Ok(Updated::Kept { article: current.name, version, fields })
}

/// The page's data, and where it says nothing, what the article's front matter said.
fn merged(current: &Article, page: &super::Page) -> Meta {
    let m = &page.extracted.meta;
    let c = &current.meta;
    Meta {
        title: m.title.clone().or_else(|| Some(c.title.clone())),
        outlet: m.outlet.clone().or_else(|| c.outlet.clone()),
        author: m.author.clone().or_else(|| c.author.clone()),
        published: m.published.or(c.published),
        url: m.url.clone().or_else(|| page.found_at.clone()).or_else(|| c.url.clone()),
    }
}

/// The fields of the page's data that differ from the article's: a new headline or byline
/// is an edit too.
fn changed_fields(current: &Article, now: &Meta) -> Vec<(&'static str, String, String)> {
    let c = &current.meta;
    let text = |v: Option<&str>| v.unwrap_or("(none)").to_string();
    let date = |d: Option<crate::model::date::Date>| d.map_or("(none)".to_string(), |d| d.to_string());
    [
        ("title", text(Some(&c.title)), text(now.title.as_deref())),
        ("outlet", text(c.outlet.as_deref()), text(now.outlet.as_deref())),
        ("author", text(c.author.as_deref()), text(now.author.as_deref())),
        ("published", date(c.published), date(now.published)),
    ]
    .into_iter()
    .filter(|(_, before, after)| before != after)
    .collect()
}

/// The page is the article's: when both give their address, it is the same one.
fn same_article(current: &Article, now: &Meta, source: &str) -> Result<(), Diagnostic> {
    let key = |u: &str| {
        u.trim_end_matches('/').split_once("://").map_or(u.to_string(), |(_, rest)| rest.to_ascii_lowercase())
    };
    match (current.meta.url.as_deref(), now.url.as_deref()) {
        (Some(was), Some(is)) if key(was) != key(is) => Err(Diagnostic::error(
            "import-mismatch",
            format!("`{source}` is not the page of `{}`: it gives its address as {is}, the article as {was}", current.slug),
        )
        .help("check the page; if the outlet moved the article, write its new address as `url` in the article's front matter first")),
        _ => Ok(()),
    }
}

/// The article's original is still the page imported: an update moves it into the
/// versions, where an edited one would pass for the record of what was checked.
fn intact(root: &Path, current: &Article) -> Result<(), Diagnostic> {
    let (Some(original), Some(rel)) = (&current.meta.original, current.original_path()) else { return Ok(()) };
    let ok = fs::read(root.join(&rel)).is_ok_and(|b| Original::hash(&b) == original.sha256);
    if ok {
        return Ok(());
    }
    Err(Diagnostic::error("original-changed", format!("`{rel}` is not the page that was imported"))
        .at(current.file(), original.at.clone(), "the hash recorded at import")
        .help(format!("restore it from Git (git checkout -- {rel}), then update")))
}

/// The article as it is now.
fn current(root: &Path, articles: &str, slug: &str) -> Result<Article, Diagnostic> {
    for (ext, format) in [("md", Format::Markdown), ("txt", Format::Text)] {
        let rel = format!("{articles}/{slug}.{ext}");
        let Ok(bytes) = fs::read(root.join(&rel)) else { continue };
        let file = decode(&rel, bytes)?;
        let highlighter = std::sync::Arc::new(crate::model::highlight::Highlighter::new());
        return article::parse(file, slug, format, &highlighter).map_err(|ds| {
            let first = ds.into_iter().find(Diagnostic::is_error);
            first.unwrap_or_else(|| Diagnostic::error("usage", format!("`{rel}` cannot be read")))
        });
    }
    let names: Vec<String> = fs::read_dir(root.join(articles))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| {
                    e.file_name()
                        .to_str()?
                        .strip_suffix(".md")
                        .or(e.file_name().to_str()?.strip_suffix(".txt"))
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    let near = crate::model::tomlfile::nearest(slug, names.iter().map(String::as_str));
    let help = match near {
        Some(n) => format!("did you mean `{n}`? (to add an article, import without --update)"),
        None => "give the slug of an article of the site (its file name without .md or .txt); to add one, import without --update".to_string(),
    };
    Err(Diagnostic::error("io-missing", format!("no article `{slug}` in {articles}/")).help(help))
}

/// The folder of the next version: one past the highest kept.
fn next_version(root: &Path, articles: &str, slug: &str) -> String {
    let dir = format!("{articles}/{slug}{VERSIONS}");
    let highest = fs::read_dir(root.join(&dir))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0);
    format!("{dir}/{}", highest + 1)
}

/// Moves the files `old` into the folder `version` and puts the `new` ones in place,
/// each written under a temporary name first: if anything fails, what was moved is moved
/// back, and the site is as it was.
fn swap(root: &Path, version: &str, old: &[String], new: [(&String, &[u8]); 2]) -> Result<(), Diagnostic> {
    let fail = |path: &str, e: std::io::Error| {
        Diagnostic::error("io-write", format!("cannot write `{path}`: {e}"))
            .help("check free space and permissions; the article was not updated")
    };
    let temp = |p: &str| root.join(format!("{p}.importing"));
    let clean = || new.iter().for_each(|(p, _)| drop(fs::remove_file(temp(p))));
    for (path, bytes) in new {
        if let Err(e) = fs::write(temp(path), bytes) {
            clean();
            return Err(fail(path, e));
        }
    }
    if let Err(e) = fs::create_dir_all(root.join(version)) {
        clean();
        return Err(fail(version, e));
    }
    let kept = |p: &str| root.join(version).join(p.rsplit('/').next().unwrap_or(p));
    let mut moved = Vec::new();
    for path in old {
        if let Err(e) = fs::rename(root.join(path), kept(path)) {
            moved.iter().for_each(|p: &&String| drop(fs::rename(kept(p), root.join(p))));
            let _ = fs::remove_dir(root.join(version));
            clean();
            return Err(fail(path, e));
        }
        moved.push(path);
    }
    for (path, _) in new {
        fs::rename(temp(path), root.join(path)).map_err(|e| fail(path, e))?;
    }
    Ok(())
}
