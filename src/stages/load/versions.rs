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

/// Reads the versions kept in each folder `dirs` names (`<slug>.versions`) and gives them
/// to their articles. A folder whose article is missing is a warning: its versions would
/// show nowhere.
pub fn attach(
    root: &Path,
    articles_dir: &str,
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
                    format!("`{articles_dir}/{dir}/` keeps versions of `{slug}`, which is not an article"),
                )
                .help(format!("remove the folder, or restore `{articles_dir}/{slug}.md` (or .txt)"))
                .in_file(&SourceFile::new(format!("{articles_dir}/{dir}/"), "")),
            );
            continue;
        };
        article.versions = read(root, &format!("{articles_dir}/{dir}"), slug, highlighter, diags);
    }
    diags.extend(articles.iter().filter_map(chain));
}

/// The versions of `article` form an unbroken chain: numbered from 1 without a gap, and
/// each file (the article's own last) recording the SHA-256 of the version before it. A
/// version deleted, renumbered or edited by hand breaks it.
fn chain(article: &Article) -> Option<Diagnostic> {
    let numbered = article.versions.iter().enumerate().all(|(i, v)| v.n as usize == i + 1);
    if !numbered {
        let have: Vec<String> = article.versions.iter().map(|v| v.n.to_string()).collect();
        return Some(
            broken(article, "its versions are not numbered 1, 2, 3…", &article.name, None)
                .note(format!("versions found: {}", have.join(", ")))
                .help("restore the folders of `content/articles/<slug>.versions/` from Git"),
        );
    }
    let mut before: Option<&Version> = None;
    let files = article.versions.iter().map(|v| (&v.article, Some(v))).chain([(article, None)]);
    for (file, version) in files {
        let recorded = file.meta.previous_sha256.as_ref();
        let wrong = match (before, recorded) {
            (None, None) => None,
            (None, Some(r)) => Some((r, "records a previous version, which is not there".to_string())),
            (Some(v), Some(r)) if r.sha256 != v.sha256 => Some((r, format!("is not the hash of version {}", v.n))),
            (Some(_), Some(_)) => None,
            (Some(v), None) => {
                return Some(broken(
                    article,
                    &format!("records no `previous_sha256`, though version {} is kept", v.n),
                    &file.name,
                    None,
                ));
            }
        };
        if let Some((r, why)) = wrong {
            return Some(broken(article, &format!("`previous_sha256` {why}"), &file.name, Some((file, r))));
        }
        before = version;
    }
    None
}

/// A `version-changed` error about `article`'s chain, at `file` (and a span in it).
fn broken(article: &Article, why: &str, name: &str, at: Option<(&Article, &article::Digest)>) -> Diagnostic {
    let d = Diagnostic::error(
        "version-changed",
        format!("the versions of `{}` were changed: `{name}` {why}", article.slug),
    );
    let d = match at {
        Some((file, r)) => d.at(file.file(), r.at.clone(), "the hash of the version before"),
        None => d.in_file(&SourceFile::new(name, "")),
    };
    d.help("restore the article and its `.versions/` folder from Git: kept versions are the record of what was checked")
}

/// The versions in one folder, by number.
fn read(
    root: &Path,
    folder: &str,
    slug: &str,
    highlighter: &Arc<Highlighter>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Version> {
    let entries = match fs::read_dir(root.join(folder)) {
        Ok(e) => e,
        Err(e) => {
            diags.push(io_error(folder, &e.to_string()));
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
            Ok((article, sha256)) => versions.push(Version { n, article, sha256 }),
            Err(ds) => diags.extend(ds),
        }
    }
    versions
}

/// The article file in one version's folder.
fn read_one(
    root: &Path,
    folder: &str,
    slug: &str,
    highlighter: &Arc<Highlighter>,
) -> Result<(Article, String), Vec<Diagnostic>> {
    for (ext, format) in [("md", Format::Markdown), ("txt", Format::Text)] {
        let rel = format!("{folder}/{slug}.{ext}");
        let path = root.join(&rel);
        if !path.is_file() {
            continue;
        }
        let bytes = fs::read(&path).map_err(|e| vec![io_error(&rel, &e.to_string())])?;
        let sha256 = article::Original::hash(&bytes);
        let file = decode(&rel, bytes).map_err(|d| vec![d])?;
        return article::parse(file, slug, format, highlighter).map(|a| (a, sha256));
    }
    Err(vec![
        Diagnostic::error("version-changed", format!("`{folder}/` holds no `{slug}.md` or `{slug}.txt`"))
            .help("restore the version's article file from Git: kept versions are the record of what was checked")
            .in_file(&SourceFile::new(format!("{folder}/"), "")),
    ])
}
