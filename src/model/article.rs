//! One article: its front matter, its body, and the text a reader sees.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use crate::model::config::is_slug;
use crate::model::date::Date;
use crate::model::diag::{Diagnostic, SourceFile};
use crate::model::highlight::Highlighter;
use crate::model::markup::{self, Markup};
use crate::model::tomlfile::{self, Fields};

/// How an article's body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `.md`: CommonMark with tables, footnotes and strikethrough.
    Markdown,
    /// `.txt`: text exactly as published, one paragraph per non-empty line.
    Text,
}

/// What an article says of itself, from its front matter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The headline.
    pub title: String,
    /// The publication; `None` when the article does not say (shown as "not stated").
    pub outlet: Option<String>,
    /// The byline.
    pub author: Option<String>,
    /// Where the article was published.
    pub url: Option<String>,
    /// An archived copy of it (a web archive's address), for when `url` dies.
    pub archive_url: Option<String>,
    /// The date the article gives for itself.
    pub published: Option<Date>,
    /// When the copy in `content/` was taken.
    pub retrieved: Option<Date>,
    /// An editor's note about the copy (e.g. how it was captured).
    pub note: Option<String>,
    /// `draft = true`: checked in full, but published only by `build --drafts` and `serve`.
    pub draft: bool,
    /// The web page the article was imported from, kept beside it (`briefing import`).
    pub original: Option<Original>,
    /// The SHA-256 of the text as imported (`text_sha256`): every build checks it.
    pub text_sha256: Option<Digest>,
    /// The SHA-256 of the article file of its previous version (`previous_sha256`), kept
    /// by `import --update`: the versions form a chain that cannot lose a link unseen.
    pub previous_sha256: Option<Digest>,
}

/// A SHA-256 a front matter records, and where.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    /// 64 hex digits.
    pub sha256: String,
    /// Where it is written in the file, for an error.
    pub at: std::ops::Range<usize>,
}

/// The page an article was imported from, as retrieved: a file beside the article, and
/// the SHA-256 its front matter records, which every build checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Original {
    /// Its file name in `content/articles/` (`<slug>.orig.html`).
    pub file: String,
    /// Its SHA-256, 64 hex digits.
    pub sha256: String,
    /// Where `sha256` is written in the article file, for an error.
    pub at: std::ops::Range<usize>,
}

impl Original {
    /// The SHA-256 of `bytes` in hex, as `sha256` records it.
    pub fn hash(bytes: &[u8]) -> String {
        use sha2::{Digest, Sha256};
        Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A loaded article. Its front matter is parsed as it is read; its body only when first
/// asked for ([`Article::markup`]): a rebuild that reuses an article's page, its marks and
/// its entry in `claims.json` never parses it, and at 10,000 articles that was a quarter
/// of the work and most of the memory of a rebuild after an edit. An article whose front
/// matter was kept by the last build (see `fronts.rs`) is not even read until a later
/// stage asks for its text ([`Article::file`]).
#[derive(Clone)]
pub struct Article {
    /// The file stem: `[a-z0-9-]+`, unique; the page is `articles/<slug>/`.
    pub slug: String,
    /// The file's path, relative to the site root.
    pub name: String,
    /// Markdown or plain text.
    pub format: Format,
    /// Front matter, shared between the copies of an article: `serve` copies its 10,000
    /// unchanged articles from the last load on every rebuild.
    pub meta: Arc<Meta>,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
    /// A fingerprint of the file's text, taken once: the article's page, its marks and its
    /// entry in `claims.json` are all keyed by it, and at 10,000 articles hashing the text
    /// for each of them was 54 MB hashed four times a build.
    pub hash: u64,
    /// The file (its name and text): read with the front matter, or when first needed.
    file: OnceLock<SourceFile>,
    /// Where the file is read from when it was not read with the front matter.
    unread: Option<Arc<Unread>>,
    /// The body as the reader sees it, once parsed.
    markup: OnceLock<Markup>,
    /// What parses code blocks, when the body is parsed.
    highlighter: Arc<Highlighter>,
    /// Its earlier versions, oldest first (see [`Version`]).
    pub versions: Vec<Version>,
}

/// The folder beside an article that keeps its earlier versions: `<slug>.versions/`.
pub const VERSIONS: &str = ".versions";

/// An earlier version of an article, kept when `briefing import --update` brought in a
/// newer one: the article file and its original, moved unchanged into
/// `content/articles/<slug>.versions/<n>/`. Quotes checked against it, and no longer in
/// the article, are reported as changed after the check.
#[derive(Debug, Clone)]
pub struct Version {
    /// Its number: 1 for the first kept, and so on.
    pub n: u32,
    /// The article as it was.
    pub article: Article,
    /// The SHA-256 of its file, which the next version's `previous_sha256` records.
    pub sha256: String,
}

/// An article file not yet read: the site it is in (the article's `name` is its path
/// there), and where to report a failed reading.
#[derive(Debug)]
pub struct Unread {
    root: PathBuf,
    late: Arc<Late>,
}

impl Unread {
    /// Files of the site at `root`, whose failed readings go to `late`.
    pub fn new(root: &Path, late: &Arc<Late>) -> Arc<Unread> {
        Arc::new(Unread { root: root.to_path_buf(), late: Arc::clone(late) })
    }
}

/// Errors met after loading, when a later stage reads an article file whose front matter
/// was kept: the file vanished, or its bytes are no longer those the front matter was
/// kept for (it changed during the build). The pipeline reports them and fails the build
/// before anything is swapped in, as for any error.
#[derive(Debug, Default)]
pub struct Late(Mutex<Vec<Diagnostic>>);

impl Late {
    /// The errors met so far, taken.
    pub fn take(&self) -> Vec<Diagnostic> {
        self.0.lock().map(|mut d| std::mem::take(&mut *d)).unwrap_or_default()
    }

    fn push(&self, d: Diagnostic) {
        if let Ok(mut list) = self.0.lock() {
            list.push(d);
        }
    }
}

/// What a build keeps of an article that parsed without a diagnostic, so that the next
/// build can take its front matter without reading the file (see `fronts.rs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Front {
    /// The file's path, relative to the site root.
    pub name: String,
    /// A fingerprint of the file's text ([`Article::hash`]).
    pub hash: u64,
    /// The front matter.
    pub meta: Meta,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
}

impl std::fmt::Debug for Article {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Article")
            .field("slug", &self.slug)
            .field("file", &self.name)
            .field("format", &self.format)
            .field("meta", &self.meta)
            .field("parsed", &self.markup.get().is_some())
            .finish()
    }
}

impl Article {
    /// An article whose body is already parsed (tests, and tools that make their own).
    pub fn with_markup(
        slug: String,
        file: SourceFile,
        format: Format,
        meta: Meta,
        body_offset: usize,
        markup: Markup,
    ) -> Self {
        Article {
            slug,
            name: file.name.clone(),
            hash: text_hash(&file.text),
            file: OnceLock::from(file),
            unread: None,
            format,
            meta: Arc::new(meta),
            body_offset,
            markup: OnceLock::from(markup),
            highlighter: Default::default(),
            versions: Vec::new(),
        }
    }

    /// An article whose front matter was kept by an earlier build, from the file
    /// `front.name` of the site at `root`, whose identity vouches that its bytes are still
    /// those `front` was taken from. The file is read when a stage first needs its text;
    /// should it no longer hash as kept, the error goes to `late`.
    pub fn kept(
        front: Front,
        slug: &str,
        format: Format,
        root: &Path,
        late: &Arc<Late>,
        highlighter: &Arc<Highlighter>,
    ) -> Self {
        Article {
            slug: slug.to_string(),
            name: front.name,
            format,
            meta: Arc::new(front.meta),
            body_offset: front.body_offset,
            hash: front.hash,
            file: OnceLock::new(),
            unread: Some(Arc::new(Unread { root: root.to_path_buf(), late: Arc::clone(late) })),
            markup: OnceLock::new(),
            highlighter: Arc::clone(highlighter),
            versions: Vec::new(),
        }
    }

    /// What the next build may keep of this article.
    pub fn front(&self) -> Front {
        Front { name: self.name.clone(), hash: self.hash, meta: Meta::clone(&self.meta), body_offset: self.body_offset }
    }

    /// The path of its original (`meta.original`), relative to the site root: beside the
    /// article file.
    pub fn original_path(&self) -> Option<String> {
        let original = self.meta.original.as_ref()?;
        Some(match self.name.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/{}", original.file),
            None => original.file.clone(),
        })
    }

    /// Whether the file has been read (for tests of laziness).
    pub fn is_read(&self) -> bool {
        self.file.get().is_some()
    }

    /// The article file: its name and text, read on first use if it was not read at load.
    /// A file that cannot be read, or whose bytes changed since its front matter was kept,
    /// reads as empty and its error goes to the build's late errors, which fail the build.
    pub fn file(&self) -> &SourceFile {
        self.file.get_or_init(|| {
            let Some(unread) = &self.unread else { return SourceFile::new(self.name.as_str(), "") };
            // A link put in the file's place reads as its target: only bytes that hash as
            // kept are taken, so nothing but the article's own text can come through.
            let read = std::fs::read(unread.root.join(&self.name))
                .map_err(|e| crate::model::diag::io_error(&self.name, &e.to_string()))
                .and_then(|bytes| crate::model::diag::decode(&self.name, bytes));
            match read {
                Ok(file) if text_hash(&file.text) == self.hash => file,
                Ok(_) => {
                    unread.late.push(
                        Diagnostic::error("io-changed", format!("`{}` changed while the site was built", self.name))
                            .help("build again once the file is saved"),
                    );
                    SourceFile::new(self.name.as_str(), "")
                }
                Err(d) => {
                    unread.late.push(d);
                    SourceFile::new(self.name.as_str(), "")
                }
            }
        })
    }

    /// The body exactly as written in the file.
    pub fn body(&self) -> &str {
        self.file().text.get(self.body_offset..).unwrap_or("")
    }

    /// The body as the reader sees it, parsed on first use (by whichever thread asks
    /// first; the others wait for it).
    pub fn markup(&self) -> &Markup {
        self.markup.get_or_init(|| {
            let body = self.body();
            let head = self.file().text.get(..self.body_offset).unwrap_or("");
            let first_line = memchr::memchr_iter(b'\n', head.as_bytes()).count() + 1;
            let mut markup = match self.format {
                Format::Text => markup::from_plain_text(body, first_line),
                Format::Markdown => markup::from_markdown(body, first_line, &self.highlighter),
            };
            // Kept for the whole build: at 10,000 articles the room left by growing these
            // two (up to half of each) was a quarter of a rebuild's peak memory.
            markup.shrink_to_fit();
            markup
        })
    }

    /// Lets go of the file's text, if its body is parsed: once anchored, an article is
    /// rendered from its markup alone. Should anything ask for the file again (a link
    /// check, a diagnostic), it is read again from `unread`, and must hash as it did.
    /// Returns the text let go of, for the caller to drop where it costs nothing.
    pub fn release_text(&mut self, unread: &Arc<Unread>) -> Option<SourceFile> {
        if self.markup.get().is_none() {
            return None;
        }
        let file = self.file.take()?;
        if self.unread.is_none() {
            self.unread = Some(Arc::clone(unread));
        }
        Some(file)
    }

    /// Lets go of the parsed body, returned for the caller to drop where it costs
    /// nothing; it is made again, from the text (read again, and checked against the
    /// hash, if the text was let go of too), when next asked for. `serve` keeps its
    /// articles between rebuilds without their bodies: 86 MB at 10,000.
    pub fn forget_markup(&mut self) -> Option<Markup> {
        self.markup.take()
    }

    /// Whether the body has been parsed (for tests of laziness).
    pub fn is_parsed(&self) -> bool {
        self.markup.get().is_some()
    }
}

const KNOWN: &[&str] = &[
    "title",
    "outlet",
    "author",
    "url",
    "published",
    "retrieved",
    "note",
    "draft",
    "archive_url",
    "original",
    "sha256",
    "text_sha256",
    "previous_sha256",
];

/// Reads an article file's front matter; `stem` and `format` come from its name. The body
/// is parsed when first needed, with `highlighter`. Nothing in a body is an error: any
/// text is a valid article, so putting its parse off loses no diagnostic.
pub fn parse(
    file: SourceFile,
    stem: &str,
    format: Format,
    highlighter: &Arc<Highlighter>,
) -> Result<Article, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    if !is_slug(stem) {
        let fixed = suggest_slug(stem);
        diags.push(
            Diagnostic::error("bad-slug", format!("article file name `{stem}` cannot be a page address"))
                .in_file(&file)
                .help(format!(
                    "rename the file to use only a-z, 0-9 and - (e.g. `{fixed}`): the name becomes the article's address"
                )),
        );
    }
    let text = file.text.clone();
    let Some((front, front_offset, body_offset)) = split_front_matter(&file, &text, &mut diags) else {
        return Err(diags);
    };
    let meta = parse_meta(&file, front, front_offset, &mut diags);
    let recorded = meta.as_ref().and_then(|m| m.text_sha256.as_ref());
    diags.extend(recorded.and_then(|r| text_changed(&file, text.get(body_offset..).unwrap_or(""), r)));
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    Ok(Article {
        slug: stem.to_string(),
        name: file.name.clone(),
        hash: text_hash(&file.text),
        file: OnceLock::from(file),
        unread: None,
        format,
        meta: Arc::new(meta.unwrap_or_default()),
        body_offset,
        markup: OnceLock::new(),
        highlighter: Arc::clone(highlighter),
        versions: Vec::new(),
    })
}

/// A fingerprint of an article file's text.
fn text_hash(text: &str) -> u64 {
    let mut fp = crate::stages::render::fingerprint::Fingerprint::new();
    fp.bytes(text.as_bytes());
    fp.finish()
}

/// Finds the `+++` fences. Returns the front matter text, its offset, and the body offset.
fn split_front_matter<'t>(
    file: &SourceFile,
    text: &'t str,
    diags: &mut Vec<Diagnostic>,
) -> Option<(&'t str, usize, usize)> {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_end].trim_end() != "+++" {
        diags.push(
            Diagnostic::error("missing-front-matter", "the article has no front matter")
                .at(file, 0..first_end.saturating_sub(1), "expected `+++` on the first line")
                .help("start the file with front matter between two `+++` lines:\n+++\ntitle = \"The headline\"\n+++"),
        );
        return None;
    }
    let mut at = first_end;
    while at < text.len() {
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        if text[at..end].trim_end() == "+++" {
            return Some((&text[first_end..at], first_end, end));
        }
        at = end;
    }
    diags.push(
        Diagnostic::error("unclosed-front-matter", "the front matter is never closed")
            .at(file, 0..3, "opened here")
            .help("add a line with `+++` after the front matter, before the article's text"),
    );
    None
}

fn parse_meta(file: &SourceFile, front: &str, offset: usize, diags: &mut Vec<Diagnostic>) -> Option<Meta> {
    let table = tomlfile::parse(file, front, offset, diags)?;
    let mut f = Fields::new(file, table.get_ref(), 0..0, "the front matter", KNOWN, offset, diags).reported_at(0..3);
    let title = f.str("title");
    let outlet = f.opt_str("outlet");
    let author = f.opt_str("author");
    let url = f.opt_str("url");
    let archive_url = f.opt_str("archive_url");
    let published = f.opt_date("published");
    let retrieved = f.opt_date("retrieved");
    let note = f.opt_str("note");
    let draft = f.opt_bool("draft").unwrap_or(false);
    let original = parse_original(&mut f);
    let text_sha256 = digest(&mut f, "text_sha256");
    let previous_sha256 = digest(&mut f, "previous_sha256");
    for (key, u) in [("url", &url), ("archive_url", &archive_url)] {
        if let Some(u) = u
            && !crate::model::config::is_web_url(&u.value)
        {
            let message = format!("`{key}` must be an http or https address");
            let help = match key {
                "url" => "give the article's original address, or remove the line if it is not known",
                _ => "give the archived copy's full address, or remove the line",
            };
            f.diags().push(crate::model::config::bad_url(
                file,
                u.span.clone(),
                &u.value,
                [&message, "not a web address", help],
            ));
        }
    }
    Some(Meta {
        title: title?.value,
        outlet: outlet.map(|s| s.value),
        author: author.map(|s| s.value),
        url: url.map(|s| s.value),
        archive_url: archive_url.map(|s| s.value),
        published: published.map(|d| d.value),
        retrieved: retrieved.map(|d| d.value),
        note: note.map(|s| s.value),
        draft,
        original,
        text_sha256,
        previous_sha256,
    })
}

/// A key holding a SHA-256: 64 lower-case hex digits.
fn digest(f: &mut Fields<'_, '_, '_>, key: &str) -> Option<Digest> {
    let file = f.file();
    let v = f.opt_str(key)?;
    if v.value.len() == 64 && v.value.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Some(Digest { sha256: v.value, at: v.span });
    }
    f.diags().push(
        Diagnostic::error("bad-value", format!("`{key}` is not a SHA-256"))
            .at(file, v.span, "not 64 hex digits")
            .help("restore the line as `briefing import` wrote it (git checkout -- <file>), or remove it"),
    );
    None
}

/// The error for an imported article whose text is no longer the text imported.
fn text_changed(file: &SourceFile, body: &str, recorded: &Digest) -> Option<Diagnostic> {
    let found = Original::hash(body.as_bytes());
    (found != recorded.sha256).then(|| {
        Diagnostic::error("text-changed", format!("the text of `{}` is not the text imported", file.name))
            .at(file, recorded.at.clone(), "the SHA-256 of the text as imported")
            .note(format!("its text now has the SHA-256 {found}"))
            .help(format!("restore the text from Git (git checkout -- {}); if you corrected it on purpose, record its new hash: text_sha256 = \"{found}\"", file.name))
    })
}

/// `original` and `sha256`, which come together: a plain file name beside the article,
/// and 64 hex digits.
fn parse_original(f: &mut Fields<'_, '_, '_>) -> Option<Original> {
    let file = f.file();
    let (name, sha) = (f.opt_str("original"), f.opt_str("sha256"));
    let mut bad = |span: std::ops::Range<usize>, message: String, label: &str, help: &str| {
        f.diags()
            .push(Diagnostic::error("bad-value", message).at(file, span, label.to_string()).help(help.to_string()));
    };
    match (&name, &sha) {
        (Some(n), None) => bad(
            n.span.clone(),
            "`original` without `sha256`".into(),
            "no `sha256` with it",
            "add `sha256 = \"…\"`, the page's SHA-256 as `briefing import` wrote it, or remove this line",
        ),
        (None, Some(s)) => bad(
            s.span.clone(),
            "`sha256` without `original`".into(),
            "no `original` with it",
            "add `original = \"<slug>.orig.html\"`, the page it is the hash of, or remove this line",
        ),
        _ => {}
    }
    let (n, s) = (name?, sha?);
    if n.value.contains(['/', '\\']) || n.value.starts_with('.') {
        bad(
            n.span.clone(),
            format!("`{}` is not a file name", n.value),
            "a file beside the article",
            "name a file in content/articles/, such as `my-article.orig.html`",
        );
        return None;
    }
    if s.value.len() != 64 || !s.value.bytes().all(|b| b.is_ascii_hexdigit()) {
        bad(
            s.span.clone(),
            "`sha256` is not a SHA-256".into(),
            "64 hex digits expected",
            "copy the hash `briefing import` wrote, or compute it with `sha256sum`",
        );
        return None;
    }
    Some(Original { file: n.value, sha256: s.value.to_ascii_lowercase(), at: s.span })
}

/// A slug close to `stem`, for the help line.
pub fn suggest_slug(stem: &str) -> String {
    let mut s = String::new();
    for c in stem.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "article".into() } else { s }
}

/// A slug made of `text`'s letters and digits, transliterated to Latin ones ("Выборы" →
/// `vybory`), at most 60 characters; `None` when it has none. deunicode spells symbols
/// out ("£" → "PS"), so only letters and digits are transliterated.
pub fn latin_slug(text: &str) -> Option<String> {
    let latin: String = text
        .chars()
        .map(|c| if c.is_alphanumeric() { deunicode::deunicode_char(c).unwrap_or(" ") } else { " " })
        .collect();
    let made = suggest_slug(&latin).chars().take(60).collect::<String>().trim_end_matches('-').to_string();
    // `suggest_slug` names a text with no letter at all `article`.
    latin.chars().any(|c| c.is_ascii_alphanumeric()).then_some(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(name: &str, text: &str) -> Result<Article, Vec<Diagnostic>> {
        let file = SourceFile::new(format!("content/articles/{name}.txt"), text);
        parse(file, name, Format::Text, &Arc::new(Highlighter::new()))
    }

    #[test]
    fn body_is_kept_byte_for_byte() {
        let a = load("a", "+++\ntitle = \"T\"\n+++\n\nNow loading...\nline two\n").unwrap();
        assert_eq!(a.body(), "\nNow loading...\nline two\n");
        assert_eq!(a.meta.title, "T");
        assert_eq!(a.markup().locate(0), crate::model::markup::Location::Line(5));
    }

    #[test]
    fn front_matter_errors_point_at_the_line() {
        let err = load("a", "+++\ntitle = \"T\"\noutlet = \n+++\nx\n").unwrap_err();
        assert_eq!(err[0].code, "toml-syntax");
        assert_eq!(err[0].line_col().unwrap().0, 3);
        let err = load("a", "+++\ntitel = \"T\"\n+++\nx\n").unwrap_err();
        assert_eq!(err[0].code, "unknown-field");
        assert_eq!(err[0].line_col(), Some((2, 1)));
        assert_eq!(err.len(), 1);
    }

    #[test]
    fn unclosed_and_missing_front_matter() {
        assert_eq!(load("a", "+++\ntitle = \"T\"\nbody\n").unwrap_err()[0].code, "unclosed-front-matter");
        assert_eq!(load("a", "title = \"T\"\n").unwrap_err()[0].code, "missing-front-matter");
        assert_eq!(load("a", "").unwrap_err()[0].code, "missing-front-matter");
    }

    #[test]
    fn crlf_front_matter() {
        let a = load("a", "+++\r\ntitle = \"T\"\r\n+++\r\nx\r\n").unwrap();
        assert_eq!(a.markup().text, "x");
    }

    /// An article file's text, for the tests that read it from disk.
    const TEXT: &str = "+++\ntitle = \"T\"\n+++\n\nBody text.\n";

    /// A site folder holding `content/articles/a.txt` with `text`, and that file's path.
    fn one_article(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("content/articles/a.txt");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn a_kept_article_is_read_when_needed_and_only_if_it_hashes_as_kept() {
        let (dir, path) = one_article(TEXT);
        let (root, text) = (dir.path(), TEXT);
        let read = load("a", text).unwrap();
        let late = Arc::new(Late::default());
        let h = Arc::new(Highlighter::new());
        let kept = Article::kept(read.front(), "a", Format::Text, root, &late, &h);
        assert!(!kept.is_read());
        assert_eq!(kept.meta.title, "T");
        assert_eq!(kept.body(), "\nBody text.\n");
        assert_eq!(kept.markup().text, read.markup().text);
        assert!(late.take().is_empty());

        std::fs::write(&path, text.replace("Body", "Bods")).unwrap();
        let changed = Article::kept(read.front(), "a", Format::Text, root, &late, &h);
        assert_eq!(changed.file().text.as_ref(), "", "never bytes other than those kept");
        let errors = late.take();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, "io-changed");

        std::fs::remove_file(&path).unwrap();
        let gone = Article::kept(read.front(), "a", Format::Text, root, &late, &h);
        assert_eq!(gone.body(), "");
        assert_eq!(late.take()[0].code, "io-read");
    }

    #[test]
    fn a_released_text_is_read_again_only_as_it_was() {
        let (dir, path) = one_article(TEXT);
        let (root, text) = (dir.path(), TEXT);
        let late = Arc::new(Late::default());
        let unread = Unread::new(root, &late);
        let mut a = load("a", text).unwrap();
        a.name = "content/articles/a.txt".into();
        assert!(a.release_text(&unread).is_none(), "the body is not parsed yet: the text is kept");
        let markup = a.markup().clone();
        assert_eq!(a.release_text(&unread).unwrap().text.as_ref(), text);
        assert!(!a.is_read());
        assert_eq!(a.markup(), &markup, "the markup stays");
        assert_eq!(a.file().text.as_ref(), text, "read again from the file");
        assert!(late.take().is_empty());

        a.release_text(&unread);
        std::fs::write(&path, text.replace("Body", "Bods")).unwrap();
        assert_eq!(a.file().text.as_ref(), "", "never bytes other than those released");
        assert_eq!(late.take()[0].code, "io-changed");
    }

    #[test]
    fn bad_slugs_are_refused_with_a_suggestion() {
        let err = load("My Article", "+++\ntitle = \"T\"\n+++\n").unwrap_err();
        assert_eq!(err[0].code, "bad-slug");
        assert!(err[0].help.as_ref().unwrap().contains("my-article"));
    }
}
