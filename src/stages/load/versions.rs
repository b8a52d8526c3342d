//! The earlier versions of articles: `content/articles/<slug>.versions/<n>/<slug>.md`
//! (or `.txt`), each beside the original it was imported from, as `briefing import
//! --update` moved them there. They are read in full on every build: they are few, and
//! a quote is looked for in them only when it is not in the article as it is now.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use crate::model::article::{self, Article, Format, VERSIONS, Version};
use crate::model::diag::{Diagnostic, SourceFile, decode, io_error};
use crate::model::highlight::Highlighter;

use super::ARTICLES_DIR;

/// Reads the versions kept in each folder `dirs` names (`<slug>.versions`) and gives them
/// to their articles. A folder whose article is missing is a warning: its versions would
/// show nowhere.
pub fn attach(
    root: &Path,
    dirs: &[String],
    articles: &mut [Article],
    highlighter: &Arc<Highlighter>,
    diags: &mut Vec<Diagnostic>,
) {
    for dir in dirs {
        let slug = dir.trim_end_matches(VERSIONS);
        let Some(article) = articles.iter_mut().find(|a| a.slug == slug) else {
            diags.push(
                Diagnostic::warning(
                    "orphan-versions",
                    format!("`{ARTICLES_DIR}/{dir}/` keeps versions of `{slug}`, which is not an article"),
                )
                .help(format!("remove the folder, or restore `{ARTICLES_DIR}/{slug}.md` (or .txt)"))
                .in_file(&SourceFile::new(format!("{ARTICLES_DIR}/{dir}/"), "")),
            );
            continue;
        };
        article.versions = read(root, dir, slug, highlighter, diags);
    }
}

/// The versions in one folder, by number.
fn read(
    root: &Path,
    dir: &str,
    slug: &str,
    highlighter: &Arc<Highlighter>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Version> {
    let folder = format!("{ARTICLES_DIR}/{dir}");
    let entries = match fs::read_dir(root.join(&folder)) {
        Ok(e) => e,
        Err(e) => {
            diags.push(io_error(&folder, &e.to_string()));
            return Vec::new();
        }
    };
    let mut numbers: Vec<u32> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect();
    numbers.sort_unstable();
    let mut versions = Vec::new();
    for n in numbers {
        match read_one(root, &format!("{folder}/{n}"), slug, highlighter) {
            Ok(article) => versions.push(Version { n, article }),
            Err(ds) => diags.extend(ds),
        }
    }
    versions
}

/// The article file in one version's folder.
fn read_one(root: &Path, folder: &str, slug: &str, highlighter: &Arc<Highlighter>) -> Result<Article, Vec<Diagnostic>> {
    for (ext, format) in [("md", Format::Markdown), ("txt", Format::Text)] {
        let rel = format!("{folder}/{slug}.{ext}");
        let path = root.join(&rel);
        if !path.is_file() {
            continue;
        }
        let bytes = fs::read(&path).map_err(|e| vec![io_error(&rel, &e.to_string())])?;
        let file = decode(&rel, bytes).map_err(|d| vec![d])?;
        return article::parse(file, slug, format, highlighter);
    }
    Err(vec![
        Diagnostic::error("io-missing", format!("`{folder}/` holds no `{slug}.md` or `{slug}.txt`"))
            .help("restore the version's article file from Git, or remove its folder"),
    ])
}
