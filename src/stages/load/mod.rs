//! Stage 1, load: read every input file of a site and parse it into plain data.
//!
//! Nothing here follows a symbolic link or reads outside the site root: content comes from
//! editors and the web, and a link to `/etc/passwd` in `content/` must not end up on a page.

pub mod fronts;
pub mod parsed;
pub mod published;
pub mod theme;
pub mod versions;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::model::article::{self, Article, Format, Late};
use crate::model::claims::{self, CLAIMS_FILE, Claims};
use crate::model::config::{self, CONFIG_FILE, Config};
use crate::model::diag::{Diagnostic, SourceFile, decode, io_error};
use crate::model::file_id::FileId;
use crate::model::highlight::Highlighter;
use crate::model::markup::Markup;
use theme::Theme;

/// Where articles live, relative to the site root.
pub const ARTICLES_DIR: &str = "content/articles";
/// The briefing's lead, markdown, relative to the site root.
pub const LEAD_FILE: &str = "content/briefing.md";

/// Everything a site's files say, parsed.
#[derive(Debug)]
pub struct Site {
    /// The site root.
    pub root: PathBuf,
    /// `briefing.toml`.
    pub config: Config,
    /// The articles, sorted by slug.
    pub articles: Vec<Article>,
    /// Slugs of article files that failed to load (already reported): quotes naming them
    /// are not reported again as naming an unknown article.
    pub broken: Vec<String>,
    /// The claims file's content (empty when there is none).
    pub claims: Claims,
    /// The claims file itself, for locating errors and showing entries.
    pub claims_file: SourceFile,
    /// The lead's markdown, if the site has one.
    pub lead: Option<String>,
    /// Templates and static files, shared by the briefings of an archive.
    pub theme: Arc<Theme>,
    /// Errors met reading an article file after loading (see [`Article::file`]): the
    /// pipeline fails the build on any.
    pub late: Arc<Late>,
    /// Published with its drafts (`build --drafts`, `serve`): a preview, whose pages ask
    /// search engines not to index them. Set by the pipeline, not read from a file.
    pub preview: bool,
    /// Where its files are: `content/`, or a briefing's folder in an archive.
    pub layout: Layout,
    /// In an archive, what `briefing.md` says of the briefing.
    pub heading: Option<crate::model::lead::Heading>,
    /// How many lines of its file come before the lead (an archive's front matter).
    pub lead_line: usize,
    /// A site of one briefing, a briefing of an archive, or an archive's home.
    pub role: Role,
}

/// What a site is to the archive it may be part of.
#[derive(Debug, Clone, Default)]
pub enum Role {
    /// A site of one briefing.
    #[default]
    Single,
    /// A briefing of an archive, published under `<slug>/`; the archive's title.
    Briefing(String),
    /// An archive's home: its briefings, their claims and articles.
    Home(Box<crate::model::catalog::Catalog>),
}

pub use crate::model::catalog::Listing;

/// Parsed articles kept between builds of a long-lived process, so that a rebuild after an
/// edit parses only the files whose text changed.
/// The default cache keeps nothing (a one-shot build would only pay for the copies).
#[derive(Debug, Default)]
pub struct Cache {
    /// Whether the parsed articles are kept (by a store in memory only).
    pub keep: bool,
    /// The parsed articles of the last load, by path.
    pub articles: Articles,
    /// The readings of the claims file's pieces, from the last load (or read from beside
    /// the output by the pipeline). Always kept: they are what a rebuild reuses.
    pub pieces: claims::Kept,
    /// The articles' front matter, from the last load (or read from beside the output by
    /// the pipeline): an article file whose identity is unchanged is not read.
    pub fronts: fronts::Kept,
    /// Whether nothing under the articles folder changed since the last load, as a file
    /// watcher saw (`serve`): the last load's articles are then taken as they were, without
    /// looking at 10,000 files' identities. `false` when nobody watched.
    pub untouched: bool,
    /// Whether each article read is parsed at once, its text let go of (see
    /// [`parse_body`]): a build that kept nothing from before (a fresh one) needs every
    /// body, where a rebuild parses only what its edits touched.
    pub parse_now: bool,
}

/// Parsed articles by path: kept only in memory, where they save parsing an article whose
/// text is unchanged; on disk, the front matter (`fronts.rs`) does that job.
#[derive(Debug, Default)]
pub struct Articles {
    /// The parsed articles, by path.
    pub by_path: std::collections::HashMap<String, Article>,
    /// What the last load of the articles gave besides them, for a load that finds the
    /// folder untouched ([`Cache::untouched`]).
    pub last: Option<Loaded>,
}

/// What a load of the articles gave: the articles, the stems that failed, the
/// diagnostics, and where errors met later go (the kept articles report there).
///
/// The articles are lent to the build, not copied (copying 10,000 of them took 20–38 ms of
/// every `serve` rebuild), and given back at its end ([`Articles::give_back`]); while
/// they are out, or when a build failed and kept them, the next load reads the folder.
#[derive(Debug)]
pub struct Loaded {
    articles: Option<Vec<Article>>,
    /// The [`identity`] of the list lent: a build that left some out (drafts) gives back
    /// a list that is no longer the folder's.
    lent: (usize, u64),
    broken: Vec<String>,
    diags: Vec<Diagnostic>,
    late: Arc<Late>,
}

impl Articles {
    /// Takes back the articles lent to a build, without their parsed bodies, for the next
    /// load that finds the folder untouched, and returns the bodies; or returns the
    /// articles, when they are not the ones lent. Either is for the caller to let go of
    /// where it costs nothing (a fresh build's parsed bodies are 86 MB at 10,000).
    pub fn give_back(&mut self, mut articles: Vec<Article>) -> Result<Vec<Markup>, Vec<Article>> {
        let Some(last) = self.last.as_mut() else { return Err(articles) };
        if last.articles.is_some() || last.lent != identity(&articles) {
            return Err(articles);
        }
        let bodies = articles.par_iter_mut().filter_map(Article::forget_markup).collect();
        last.articles = Some(articles);
        Ok(bodies)
    }
}

/// How many `articles` there are, and a hash of their files' names, in order.
fn identity(articles: &[Article]) -> (usize, u64) {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    articles.iter().for_each(|a| h.update(a.name.as_bytes()));
    (articles.len(), h.digest())
}

/// Reads a site (see [`load_cached`]) with no cache.
pub fn load(root: &Path, highlighter: &Arc<Highlighter>) -> (Option<Site>, Vec<Diagnostic>) {
    load_cached(root, highlighter, &mut Cache::default())
}

/// Reads a site. Returns every diagnostic, and the site whenever its config and theme could
/// be read: later stages still check what did load, so one run reports every error.
pub fn load_cached(root: &Path, highlighter: &Arc<Highlighter>, cache: &mut Cache) -> (Option<Site>, Vec<Diagnostic>) {
    load_with(root, highlighter, cache, &|_| {})
}

/// [`load_cached`], handing the theme to `theme_read` as soon as it is read, before the
/// articles and the claims file: the pipeline starts compiling its templates then, so
/// that the compile overlaps the rest of the load (see `render::compile_ahead`).
pub fn load_with(
    root: &Path,
    highlighter: &Arc<Highlighter>,
    cache: &mut Cache,
    theme_read: &dyn Fn(&Arc<Theme>),
) -> (Option<Site>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    // Taken before the first file is looked at (see `fronts.rs`): reading the config and
    // the theme first must not widen the window in which an edit goes unseen.
    let mark = fronts::mark_now();
    let common = load_common(root, &mut diags);
    if let Some(c) = &common {
        theme_read(&c.theme);
    }
    let content = load_content_marked(root, &Layout::single(), highlighter, cache, &mut diags, mark);
    let site = common.map(|c| assemble(root, &c, content, &Layout::single()));
    (site, diags)
}

/// What every briefing of a site shares: its config, and its theme with the interface's
/// strings resolved for the site's language.
#[derive(Clone)]
pub struct Common {
    /// `briefing.toml`.
    pub config: Config,
    /// Templates, static files and strings.
    pub theme: Arc<Theme>,
}

/// Reads `briefing.toml` and the theme; `None` when either cannot be read (reported).
pub fn load_common(root: &Path, diags: &mut Vec<Diagnostic>) -> Option<Common> {
    let config = match read_text(root, CONFIG_FILE, true) {
        Ok(Some(file)) => config::parse(&file, diags),
        Ok(None) => None,
        Err(d) => {
            diags.push(d);
            None
        }
    };
    let theme = config.as_ref().and_then(|c| {
        let (theme, found) = theme::load(root, &c.theme);
        // A missing theme folder is pointed at where briefing.toml names it; a theme
        // file that cannot be read is that file's error.
        let at = |d: Diagnostic| match (&c.theme_span, d.file.is_none() && d.code == "io-missing") {
            (Some(span), true) => d.at(&c.file, span.clone(), "no such folder under themes/"),
            _ => d,
        };
        diags.extend(found.into_iter().map(at));
        theme
    });
    let (mut config, mut theme) = (config?, theme?);
    localize(&mut config, &mut theme, diags);
    Some(Common { config, theme: Arc::new(theme) })
}

/// What one briefing's own files say: its articles, claims file and lead.
pub struct Content {
    articles: Vec<Article>,
    broken: Vec<String>,
    claims: Claims,
    claims_file: SourceFile,
    lead: Option<String>,
    late: Arc<Late>,
    heading: Option<crate::model::lead::Heading>,
    lead_line: usize,
}

/// Reads the articles, the claims file and the lead of the briefing at `layout`.
pub fn load_content(
    root: &Path,
    layout: &Layout,
    highlighter: &Arc<Highlighter>,
    cache: &mut Cache,
    diags: &mut Vec<Diagnostic>,
) -> Content {
    load_content_marked(root, layout, highlighter, cache, diags, fronts::mark_now())
}

/// [`load_content`], trusting kept front matter only for files older than `mark`.
fn load_content_marked(
    root: &Path,
    layout: &Layout,
    highlighter: &Arc<Highlighter>,
    cache: &mut Cache,
    diags: &mut Vec<Diagnostic>,
    mark: i128,
) -> Content {
    // The claims file (its pieces read on every core, or taken from the kept readings),
    // side by side with the articles.
    let kept = std::mem::take(&mut cache.pieces);
    let claims_path = layout.claims();
    let ((articles, broken, article_diags, late), (claims, claims_file, claims_diags, pieces)) = rayon::join(
        || {
            if let Some(again) = untouched(cache) {
                return again;
            }
            let late = Arc::new(Late::default());
            let mut diags = Vec::new();
            let (articles, broken) = load_articles(root, (layout, mark), highlighter, cache, &late, &mut diags);
            if cache.keep {
                let late = Arc::clone(&late);
                let lent = identity(&articles);
                cache.articles.last =
                    Some(Loaded { articles: None, lent, broken: broken.clone(), diags: diags.clone(), late });
            }
            (articles, broken, diags, late)
        },
        || {
            let mut diags = Vec::new();
            let ((claims, pieces), file) = match read_text(root, &claims_path, false) {
                Ok(Some(file)) => (claims::parse_kept(&file, &mut diags, &kept), file),
                Ok(None) => (Default::default(), SourceFile::new(claims_path.as_str(), "")),
                Err(d) => {
                    diags.push(d);
                    (Default::default(), SourceFile::new(claims_path.as_str(), ""))
                }
            };
            (claims, file, diags, pieces)
        },
    );
    cache.pieces = pieces;
    diags.extend(article_diags);
    diags.extend(claims_diags);
    let lead = match read_text(root, &layout.lead(), false) {
        Ok(file) => file.map(|f| f.text.to_string()),
        Err(d) => {
            diags.push(d);
            None
        }
    };
    // In an archive, the lead starts with the briefing's title and date.
    let (heading, lead, lead_line) = match (layout.slug(), lead) {
        (Some(_), Some(text)) => {
            let file = SourceFile::new(layout.lead(), text);
            match crate::model::lead::parse(&file, diags) {
                Some((h, lead)) => {
                    let line = file.text[..file.text.len() - lead.len()].matches('\n').count();
                    (Some(h), Some(lead), line)
                }
                None => (None, None, 0),
            }
        }
        (Some(slug), None) => {
            diags.push(
                Diagnostic::error("missing-front-matter", format!("the briefing `{slug}` has no `{}`", layout.lead()))
                    .help("write its title and date there:\n+++\ntitle = \"The event, checked\"\ndate = 2026-02-27\n+++\nThe lead, in markdown.")
                    .in_file(&SourceFile::new(layout.lead(), "")),
            );
            (None, None, 0)
        }
        (None, lead) => (None, lead, 0),
    };
    Content { articles, broken, claims, claims_file, lead, late, heading, lead_line }
}

/// The last load's articles, when a watcher saw nothing change under their folder since
/// (see [`Cache::untouched`]) and the last build gave them back: lent again.
fn untouched(cache: &mut Cache) -> Option<(Vec<Article>, Vec<String>, Vec<Diagnostic>, Arc<Late>)> {
    let (untouched, keep) = (cache.untouched, cache.keep);
    let last = cache.articles.last.as_mut().filter(|_| untouched && keep)?;
    let articles = last.articles.take()?;
    Some((articles, last.broken.clone(), last.diags.clone(), Arc::clone(&last.late)))
}

/// Topics whose names make the same address ("Money", "money") are one topic, named by
/// its most used spelling: on the front page as on an archive's topic pages.
///
/// Each spelling is slugged once: 20,000 claims name a few dozen topics, and slugging
/// every claim's topic (two strings each) was 6 ms of every `serve` rebuild's load.
fn one_spelling_per_topic(claims: &mut [crate::model::claims::Claim]) {
    use std::collections::HashMap;
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for c in claims.iter().filter(|c| !c.topic.trim().is_empty()) {
        *uses.entry(c.topic.as_str()).or_insert(0) += 1;
    }
    let mut spellings: HashMap<String, HashMap<&str, usize>> = HashMap::new();
    for (&topic, &n) in &uses {
        if let Some(slug) = crate::model::article::latin_slug(topic) {
            *spellings.entry(slug).or_default().entry(topic).or_insert(0) += n;
        }
    }
    let renamed: HashMap<String, String> = spellings
        .values()
        .filter(|names| names.len() > 1)
        .flat_map(|names| {
            let name = crate::model::catalog::spelling(names);
            names.keys().filter(move |&&n| n != name).map(move |&n| (n.to_string(), name.to_string()))
        })
        .collect();
    if renamed.is_empty() {
        return;
    }
    for c in claims.iter_mut() {
        if let Some(name) = renamed.get(c.topic.as_str()) {
            c.topic.clone_from(name);
        }
    }
}

/// A site of the `common` config and theme and one briefing's `content`.
pub fn assemble(root: &Path, common: &Common, content: Content, layout: &Layout) -> Site {
    let Content { articles, broken, mut claims, claims_file, lead, late, heading, lead_line } = content;
    one_spelling_per_topic(&mut claims.claims);
    let other = common.theme.locale.get("other-claims", None, &[]);
    for c in claims.claims.iter_mut().filter(|c| c.topic.is_empty()) {
        c.topic.clone_from(&other);
    }
    Site {
        root: root.to_path_buf(),
        config: common.config.clone(),
        articles,
        broken,
        claims,
        claims_file,
        lead,
        theme: Arc::clone(&common.theme),
        late,
        preview: false,
        layout: layout.clone(),
        heading,
        lead_line,
        role: Role::Single,
    }
}

impl Site {
    /// The lead as a file, for locating an error in it: its lines numbered as in
    /// `briefing.md`, whose front matter (in an archive) comes first.
    pub fn lead_file(&self) -> Option<SourceFile> {
        let lead = self.lead.as_ref()?;
        Some(SourceFile::new(self.layout.lead(), format!("{}{lead}", "\n".repeat(self.lead_line))))
    }
}

/// Where a briefing's files are, relative to the site's root: `content/` for a site of
/// one briefing, `content/<slug>/` for a briefing of an archive.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Layout {
    dir: String,
}

impl Layout {
    /// A site of one briefing: `content/`.
    pub fn single() -> Self {
        Layout { dir: "content".into() }
    }

    /// The briefing `slug` of an archive: `content/<slug>/`.
    pub fn briefing(slug: &str) -> Self {
        Layout { dir: format!("content/{slug}") }
    }

    /// The briefing's slug in an archive; `None` for a site of one briefing.
    pub fn slug(&self) -> Option<&str> {
        self.dir.strip_prefix("content/")
    }

    /// Its articles' folder.
    pub fn articles(&self) -> String {
        format!("{}/articles", self.dir)
    }

    /// Its claims file.
    pub fn claims(&self) -> String {
        format!("{}/claims.toml", self.dir)
    }

    /// Its lead (and, in an archive, its title and date).
    pub fn lead(&self) -> String {
        format!("{}/briefing.md", self.dir)
    }
}

/// The folders of an archive's own pages: no briefing can have these names.
pub const TAKEN: [&str; 5] = ["articles", "topics", "outlets", "search", "page"];

/// The briefings of an archive, by slug, sorted: every folder `content/<slug>/` that holds
/// a `claims.toml`. `None` for a site of one briefing, which has `content/claims.toml` (or
/// no briefing folder at all).
///
/// `content/articles/` is a site of one briefing's own folder, never a briefing; the names
/// of the archive's own pages ([`TAKEN`]) are found, for the build to refuse them.
pub fn briefings(root: &Path) -> Option<Vec<String>> {
    if root.join(CLAIMS_FILE).exists() {
        return None;
    }
    let content = root.join("content");
    let found: Vec<String> = folders(&content)
        .into_iter()
        .filter(|slug| slug != TAKEN[0] && content.join(slug).join("claims.toml").is_file())
        .collect();
    (!found.is_empty()).then_some(found)
}

/// The folders of an archive's `content/` that hold files but no `claims.toml`, sorted:
/// not briefings, so left out of the site (hidden folders aside).
pub fn left_out(root: &Path) -> Vec<String> {
    let content = root.join("content");
    folders(&content)
        .into_iter()
        .filter(|name| !name.starts_with('.') && !content.join(name).join("claims.toml").exists())
        .filter(|name| fs::read_dir(content.join(name)).is_ok_and(|mut d| d.next().is_some()))
        .collect()
}

/// The names of the folders in `dir`, sorted; none if it cannot be read.
fn folders(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

/// Resolves the interface strings for the site's language (see [`crate::model::locale`])
/// and puts the defaults in it: the verdict scale's labels and meanings and the
/// corrections policy, unless the site gives its own, and the topic of claims that name
/// none. A language no table covers is written in English, with a warning.
fn localize(config: &mut Config, theme: &mut Theme, diags: &mut Vec<Diagnostic>) {
    use crate::model::locale;
    // Which tables are parsed: English, the site's language's, and every table a theme
    // or the site writes itself, so that an error in any of those is reported on every
    // build. The built-in tables of other languages, and a file that repeats a built-in
    // one word for word (this repository's `themes/default/`), are checked by the tests:
    // parsing and checking all thirteen was a tenth of the repository's fresh build.
    let primary = config.language.split('-').next().unwrap_or(&config.language);
    let in_use = |l: &str| ["en", config.language.as_str(), primary].iter().any(|t| l.eq_ignore_ascii_case(t));
    // A repeated table changes nothing, unless a table of the theme's own came before it:
    // then, as a later layer, it puts the built-in strings back.
    let mut own = Vec::new();
    let mut read: Vec<(&String, &SourceFile, bool)> = Vec::new();
    for (l, f) in &theme.locales {
        match theme::Table::of(l, f) {
            theme::Table::Own => {
                own.push(l.to_ascii_lowercase());
                read.push((l, f, true));
            }
            theme::Table::Repeated if own.contains(&l.to_ascii_lowercase()) => read.push((l, f, false)),
            theme::Table::BuiltIn if in_use(l) && !l.eq_ignore_ascii_case("en") => read.push((l, f, false)),
            _ => {}
        }
    }
    let sheets: Vec<(String, locale::Sheet)> = std::iter::once(("en".to_string(), locale::english().clone()))
        .chain(read.iter().map(|(l, f, _)| ((*l).clone(), locale::read_table(f, diags))))
        .collect();
    let (locale, found) = locale::resolve(&config.language, &sheets, &config.strings);
    // Each table's and the site's strings, against English; a name no English string has
    // may be a template's own.
    let english = locale::Locale::default();
    let used = |key: &str| {
        theme
            .templates
            .iter()
            .any(|(_, f)| f.text.contains(&format!("k=\"{key}\"")) || f.text.contains(&format!("k='{key}'")))
    };
    for ((language, sheet), (_, file, own)) in sheets.iter().skip(1).zip(&read) {
        if *own {
            locale::check(file, sheet.entries(), &english, &used, diags);
            locale::check_forms(file, sheet.entries(), language, diags);
        }
    }
    locale::check_forms(&config.file, &config.strings, &config.language, diags);
    locale::check(&config.file, &std::mem::take(&mut config.strings), &english, &used, diags);
    // A language that is not a tag was reported as such.
    if !found && !config.language.eq_ignore_ascii_case("en") && config::valid_language(&config.language) {
        diags.push(no_locale(config, theme));
    }
    if !config.own.0 {
        for v in &mut config.verdicts {
            v.label = locale.get(&format!("verdict-{}", v.key), None, &[]);
            v.description = locale.get(&format!("verdict-{}-meaning", v.key), None, &[]);
        }
    }
    if !config.own.1 {
        config.corrections_policy = locale.get("corrections-policy", None, &[]);
    }
    theme.locale = Arc::new(locale);
}

/// The warning for a language the theme has no table for, at `language` in briefing.toml.
fn no_locale(config: &Config, theme: &Theme) -> Diagnostic {
    let mut have: Vec<&str> = theme.locales.iter().map(|(l, _)| l.as_str()).chain(["en"]).collect();
    have.sort_unstable();
    have.dedup();
    let d = Diagnostic::warning("no-locale", format!("the theme has no strings in `{}`", config.language));
    let file = &config.file;
    let mut at = 0;
    let mut line = None;
    for l in file.text.split_inclusive('\n') {
        if l.trim_start().starts_with("language") {
            line = Some(at..at + l.trim_end().len());
            break;
        }
        at += l.len();
    }
    let d = match line {
        Some(span) => d.at(file, span, "pages will be in English"),
        None => d.in_file(file),
    };
    d.help(format!(
        "the theme has: {}; add locales/{}.toml to the site (docs/locales.md says how), or pick one of those",
        have.join(", "),
        config.language
    ))
}

fn load_articles(
    root: &Path,
    (layout, mark): (&Layout, i128),
    highlighter: &Arc<Highlighter>,
    cache: &mut Cache,
    late: &Arc<Late>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Article>, Vec<String>) {
    let mut kept = Vec::new();
    let (found, unread) = find_articles(root, &layout.articles(), &mut kept, diags);
    let (mut articles, mut broken) = read_articles(root, highlighter, cache, late, diags, (&found, mark));
    broken.extend(unread);
    versions::attach(root, &layout.articles(), &kept, &mut articles, highlighter, diags);
    (articles, broken)
}

/// The article files of the site, sorted: (relative path, stem, format), and the stems
/// not read. Links are skipped, with a warning; two files with one stem are an error, and
/// neither is read (which text would the quotes be checked against?). The folders of
/// earlier versions (`<slug>.versions`) go in `versions`.
fn find_articles(
    root: &Path,
    articles: &str,
    versions: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<(String, String, Format)>, Vec<String>) {
    let dir = root.join(articles);
    if !dir.is_dir() {
        diags.push(Diagnostic::error("io-missing", format!("no `{articles}/` folder in {}", root.display())).help(
            format!("put the articles, as .md or .txt files, in {articles}/ (or pass --root to the site's folder)"),
        ));
        return (Vec::new(), Vec::new());
    }
    let mut found: Vec<(String, String, Format)> = Vec::new();
    for entry in WalkDir::new(&dir).min_depth(1).max_depth(1).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(io_error(&format!("{articles}/"), &e.to_string()));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy().to_string();
        let rel = format!("{articles}/{name}");
        if name.ends_with(article::VERSIONS) && entry.file_type().is_dir() {
            versions.push(name);
            continue;
        }
        let format = match Path::new(&name).extension().and_then(|e| e.to_str()) {
            Some("md") => Format::Markdown,
            Some("txt") => Format::Text,
            _ => continue,
        };
        if entry.path_is_symlink() {
            diags.push(
                Diagnostic::warning("symlink-skipped", format!("`{rel}` is a symbolic link; it was not read"))
                    .help(format!("copy the article into {articles}/ instead of linking to it")),
            );
            continue;
        }
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s).to_string();
        found.push((rel, stem, format));
    }

    // `a.md` beside `a.txt` would both become articles/a/ (<slug>/articles/a/ in an
    // archive: the address is the folder's, under `content/`).
    let address = articles.strip_prefix("content/").unwrap_or(articles);
    for pair in found.windows(2) {
        if pair[0].1 == pair[1].1 {
            diags.push(
                Diagnostic::error("duplicate-slug", format!("two articles are named `{}`", pair[0].1))
                    .note(format!(
                        "`{}` and `{}` would both be published at {address}/{}/",
                        pair[0].0, pair[1].0, pair[0].1
                    ))
                    .help("rename or remove one of them")
                    .in_file(&SourceFile::new(pair[1].0.as_str(), "")),
            );
        }
    }
    let twice: Vec<String> = found.windows(2).filter(|p| p[0].1 == p[1].1).map(|p| p[0].1.clone()).collect();
    found.retain(|f| !twice.contains(&f.1));
    (found, twice)
}

/// Reads each article file `found`, or takes it from what was kept when its file is
/// unchanged since before `mark`; keeps what the next build may take.
fn read_articles(
    root: &Path,
    highlighter: &Arc<Highlighter>,
    cache: &mut Cache,
    late: &Arc<Late>,
    diags: &mut Vec<Diagnostic>,
    (found, mark): (&[(String, String, Format)], i128),
) -> (Vec<Article>, Vec<String>) {
    let kept = std::mem::take(&mut cache.fronts);
    let cached = &cache.articles.by_path;
    let unread = article::Unread::new(root, late);
    let results: Vec<Result<(Article, FileId, bool), Vec<Diagnostic>>> = found
        .par_iter()
        .map(|(rel, stem, format)| {
            let Some(meta) = regular(root, rel, true).map_err(|d| vec![d])? else { return Err(Vec::new()) };
            let id = FileId::from_meta(&meta);
            if let Some(front) = kept.trusted(rel, id) {
                let a = Article::kept(front.clone(), stem, *format, root, late, highlighter);
                return Ok((a, id, true));
            }
            let bytes = fs::read(root.join(rel)).map_err(|e| vec![io_error(rel, &e.to_string())])?;
            let file = decode(rel, bytes).map_err(|d| vec![d])?;
            let mut article = match cached.get(rel) {
                Some(a) if a.file().text == file.text && a.format == *format => a.clone(),
                _ => article::parse(file, stem, *format, highlighter)?,
            };
            if cache.parse_now {
                parse_body(&mut article, &unread);
            }
            Ok((article, id, false))
        })
        .collect();
    if cache.keep {
        cache.articles.by_path =
            results.iter().filter_map(|r| r.as_ref().ok()).map(|(a, _, _)| (a.name.clone(), a.clone())).collect();
    }
    // Kept for the next build: every article that loaded (none with a diagnostic: `parse`
    // returns those as errors). Written only if something changed.
    let trusted = results.iter().filter(|r| matches!(r, Ok((_, _, true)))).count();
    let fronts: std::collections::HashMap<String, (FileId, article::Front)> =
        results.iter().filter_map(|r| r.as_ref().ok()).map(|(a, id, _)| (a.name.clone(), (*id, a.front()))).collect();
    let fresh = trusted != fronts.len() || fronts.len() != kept.fronts.len();
    cache.fronts = fronts::Kept { mark: if fresh { mark } else { kept.mark }, fronts, fresh };
    let mut articles = Vec::new();
    let mut broken = Vec::new();
    for (r, (_, stem, _)) in results.into_iter().zip(found) {
        match r {
            Ok((a, _, _)) => articles.push(a),
            Err(ds) => {
                diags.extend(ds);
                broken.push(stem.clone());
            }
        }
    }
    (articles, broken)
}

/// Parses an article's body as soon as its file is read, and lets go of the file's text:
/// a fresh build needs the body of every article it anchors or renders, and the text only for
/// the few diagnostics that point into it, which read it again (`Article::file`). Held
/// until anchoring ended, the 10,000 texts of a large site (54 MB) sat beside their parsed
/// bodies where a fresh build's memory peaked.
fn parse_body(article: &mut Article, unread: &Arc<article::Unread>) {
    article.markup();
    drop(article.release_text(unread));
}

/// Reads a UTF-8 text file of the site: a regular file, never through a link. A leading
/// byte-order mark is dropped. `Ok(None)` when an optional file is absent.
pub fn read_text(root: &Path, rel: &str, required: bool) -> Result<Option<SourceFile>, Diagnostic> {
    if regular(root, rel, required)?.is_none() {
        return Ok(None);
    }
    let bytes = fs::read(root.join(rel)).map_err(|e| io_error(rel, &e.to_string()))?;
    decode(rel, bytes).map(Some)
}

/// The metadata of a regular file of the site, never through a link. `Ok(None)` when an
/// optional file is absent.
fn regular(root: &Path, rel: &str, required: bool) -> Result<Option<fs::Metadata>, Diagnostic> {
    let path = root.join(rel);
    let meta = match fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound && !required => return Ok(None),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(Diagnostic::error("io-missing", format!("`{rel}` not found in {}", root.display()))
                .help("run briefing in the site's folder, or pass --root; `briefing new DIR` creates a site"));
        }
        Err(e) => return Err(io_error(rel, &e.to_string())),
    };
    if meta.file_type().is_symlink() {
        return Err(Diagnostic::error(
            "io-symlink",
            format!("`{rel}` is a symbolic link; briefing does not follow links"),
        )
        .help("replace the link with the file itself"));
    }
    if !meta.is_file() {
        return Err(Diagnostic::error("io-not-a-file", format!("`{rel}` is not a regular file"))
            .help(format!("`{rel}` must be a text file")));
    }
    Ok(Some(meta))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::article::{Format, Meta};

    fn article(slug: &str) -> Article {
        let file = SourceFile::new(format!("content/articles/{slug}.txt"), "Text.\n");
        Article::with_markup(slug.into(), file, Format::Text, Meta::default(), 0, Markup::default())
    }

    fn lent_out(articles: &[Article]) -> Cache {
        let late = Arc::new(Late::default());
        let last = Loaded { articles: None, lent: identity(articles), broken: Vec::new(), diags: Vec::new(), late };
        let articles = Articles { last: Some(last), ..Articles::default() };
        Cache { keep: true, untouched: true, articles, ..Cache::default() }
    }

    #[test]
    fn articles_lent_to_a_build_are_lent_again_once_given_back() {
        let mut cache = lent_out(&[article("a"), article("b")]);
        assert!(untouched(&mut cache).is_none(), "still lent: the folder is read");
        let bodies = cache.articles.give_back(vec![article("a"), article("b")]).expect("taken back");
        assert_eq!(bodies.len(), 2, "their bodies returned to be let go of");
        let (again, ..) = untouched(&mut cache).expect("given back");
        assert_eq!(again.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert!(!again[0].is_parsed(), "given back without their bodies");
        assert!(untouched(&mut cache).is_none(), "lent once at a time");
    }

    #[test]
    fn a_list_that_is_not_the_one_lent_is_not_taken_back() {
        let mut cache = lent_out(&[article("a"), article("b")]);
        assert!(cache.articles.give_back(vec![article("b")]).is_err(), "a draft left out");
        assert!(untouched(&mut cache).is_none());
        assert!(cache.articles.give_back(vec![article("b"), article("a")]).is_err(), "another order");
        assert!(untouched(&mut cache).is_none());
        assert!(cache.articles.give_back(vec![article("a"), article("b")]).is_ok());
        cache.untouched = false;
        assert!(untouched(&mut cache).is_none(), "the watcher saw a change");
    }
}
