//! What an article page shows of an article that changed after it was checked: its
//! earlier versions, published as text beside the page (`v<n>.txt`), and each checked
//! passage as it was and as it reads now, with a word diff.

use serde::Serialize;

use crate::model::article::Article;
use crate::model::markup::escape;
use crate::stages::anchor::{Changed, Mark};
use crate::stages::reanchor::{self, How, Piece};

use super::DateCtx;

/// An earlier version, as the article page links it.
#[derive(Serialize)]
pub struct VersionCtx {
    /// Its number.
    pub n: u32,
    /// When it was retrieved.
    pub retrieved: Option<DateCtx>,
    /// Its text, beside the page.
    pub href: String,
    /// The page it was imported from, beside the page, if it was imported.
    pub original_href: Option<String>,
    /// That page's SHA-256.
    pub sha256: Option<String>,
}

/// A checked passage that changed, as the article page lists it.
#[derive(Serialize)]
pub struct ChangeCtx<'a, C> {
    /// The id of its mark in the text, or of its entry when the passage was cut.
    pub mark_id: String,
    /// The claim it is an appearance of.
    pub claim: C,
    /// The passage as checked.
    pub was: &'a str,
    /// The passage now (empty when cut).
    pub now: &'a str,
    /// Whether it was cut.
    pub cut: bool,
    /// The word diff, as `<del>` and `<ins>`.
    pub diff_html: String,
    /// The version it was checked in.
    pub version: u32,
}

impl<'a, C> ChangeCtx<'a, C> {
    /// The entry for `mark`, which `changed` describes.
    pub fn new(mark_id: String, claim: C, mark: &'a Mark, changed: &'a Changed) -> Self {
        let (cut, diff_html) = then_and_now(mark, changed);
        ChangeCtx { mark_id, claim, was: &changed.was, now: &mark.exact, cut, diff_html, version: changed.version }
    }
}

/// A changed passage as it reads now, as a claim page shows it under the passage checked.
#[derive(Serialize, Clone, Hash)]
pub struct NowCtx {
    /// Whether it was cut.
    pub cut: bool,
    /// The word diff from the passage checked, as `<del>` and `<ins>`.
    pub diff_html: String,
    /// The version it was checked in.
    pub version: u32,
    /// That version's text, from the site's root.
    pub version_href: String,
}

impl NowCtx {
    /// The passage of `mark` in the article `slug` now, which `changed` describes.
    pub fn new(slug: &str, mark: &Mark, changed: &Changed) -> Self {
        let (cut, diff_html) = then_and_now(mark, changed);
        let version_href = format!("articles/{slug}/{}", file_name(changed.version));
        NowCtx { cut, diff_html, version: changed.version, version_href }
    }
}

/// Whether the passage of `mark` was cut, and if not, the word diff from the passage
/// checked to the passage now.
fn then_and_now(mark: &Mark, changed: &Changed) -> (bool, String) {
    match changed.how {
        How::Gone => (true, String::new()),
        _ => (false, diff_html(&reanchor::word_diff(&changed.was, &mark.exact))),
    }
}

/// The versions of `article`, oldest first.
pub fn versions(article: &Article) -> Vec<VersionCtx> {
    article
        .versions
        .iter()
        .map(|v| VersionCtx {
            n: v.n,
            retrieved: v.article.meta.retrieved.map(DateCtx::from),
            href: file_name(v.n),
            original_href: v.article.meta.original.as_ref().map(|_| original_name(v.n)),
            sha256: v.article.meta.original.as_ref().map(|o| o.sha256.clone()),
        })
        .collect()
}

/// The name of version `n`'s text beside the article page.
pub fn file_name(n: u32) -> String {
    format!("v{n}.txt")
}

/// The name of the page version `n` was imported from, beside the article page: as text,
/// like `original.txt`, so that none of its scripts can run on the site.
pub fn original_name(n: u32) -> String {
    format!("v{n}-original.txt")
}

/// A version as a reader reads it: its title, then its text, a blank line between blocks.
/// Plain text, so that nothing in it can run on the site.
pub fn text(version: &Article) -> String {
    let markup = version.markup();
    let mut cuts = markup.block_breaks();
    cuts.push(markup.text.len());
    let mut blocks = vec![version.meta.title.as_str()];
    let mut from = 0;
    for b in cuts {
        blocks.push(markup.text[from..b].trim());
        from = b;
    }
    blocks.retain(|b| !b.is_empty());
    blocks.join("\n\n") + "\n"
}

fn diff_html(diff: &[Piece]) -> String {
    diff.iter()
        .map(|p| match p {
            Piece::Same(s) => escape(s),
            Piece::Removed(s) => format!("<del>{}</del>", escape(s)),
            Piece::Added(s) => format!("<ins>{}</ins>", escape(s)),
        })
        .collect()
}
