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

use crate::model::article::{self, Article, Format, Original, VERSIONS};
use crate::model::diag::{Diagnostic, decode, io_error};

use super::{ARTICLES, Options};

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
    },
}

/// Imports the article `slug` again from `opts.source`, or from its own `url` when
/// `opts.source` is empty.
pub fn update(opts: &Options, slug: &str) -> Result<Updated, Diagnostic> {
    super::check_site(&opts.root)?;
    let current = current(&opts.root, slug)?;
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
    let mut meta = page.extracted.meta.clone();
    if meta.url.is_none() {
        meta.url = page.found_at.clone().or(current.meta.url.clone());
    }
    if current.body().trim() == page.extracted.body.trim() {
        return Ok(Updated::Unchanged { article: current.name });
    }
    let original = format!("{ARTICLES}/{slug}.orig.html");
    let front = super::front_matter(&meta, &format!("{slug}.orig.html"), &Original::hash(&page.bytes));
    let body = format!("{front}{}", page.extracted.body);
    let version = next_version(&opts.root, slug);
    let mut old = vec![current.name.clone()];
    old.extend(current.original_path());
    swap(&opts.root, &version, &old, [(&current.name, body.as_bytes()), (&original, &page.bytes)])?;
    Ok(Updated::Kept { article: current.name, version })
}

/// The article as it is now.
fn current(root: &Path, slug: &str) -> Result<Article, Diagnostic> {
    for (ext, format) in [("md", Format::Markdown), ("txt", Format::Text)] {
        let rel = format!("{ARTICLES}/{slug}.{ext}");
        let Ok(bytes) = fs::read(root.join(&rel)) else { continue };
        let file = decode(&rel, bytes)?;
        let highlighter = std::sync::Arc::new(crate::model::highlight::Highlighter::new());
        return article::parse(file, slug, format, &highlighter).map_err(|ds| {
            let first = ds.into_iter().find(Diagnostic::is_error);
            first.unwrap_or_else(|| Diagnostic::error("usage", format!("`{rel}` cannot be read")))
        });
    }
    Err(Diagnostic::error("io-missing", format!("no article `{slug}` in {ARTICLES}/"))
        .help("give the slug of an article of the site (its file name without .md or .txt); to add one, import without --update"))
}

/// The folder of the next version: one past the highest kept.
fn next_version(root: &Path, slug: &str) -> String {
    let dir = format!("{ARTICLES}/{slug}{VERSIONS}");
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
        io_error(path, &e.to_string()).help("check free space and permissions; the article was not updated")
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
