//! The build, start to end: load → validate → anchor → render → write.
//!
//! Each stage is a function from plain data to plain data plus diagnostics. The pipeline
//! stops before writing if any stage reported an error, so `output/` is only ever replaced
//! by a complete, error-free site.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::model::claims;
use crate::model::config::normalize_base_url;
use crate::model::diag::{Diagnostic, Report};
use crate::model::highlight::Highlighter;
use crate::model::page::Runs;
use crate::model::page::{Counts, Page};
use crate::stages::anchor;
use crate::stages::drafts;
use crate::stages::load;
use crate::stages::render;
use crate::stages::render::parts::KeptItems;
use crate::stages::validate;
use crate::store::{Store, Table};
use crate::suggest::{self, Suggestions};
use crate::write;

mod archive;
pub mod unchanged;

/// What to build, and where.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The site root (holds `briefing.toml`).
    pub root: PathBuf,
    /// Where to write; `<root>/output` when `None`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from `briefing.toml`.
    pub base_url: Option<String>,
    /// Run every check but write nothing.
    pub dry_run: bool,
    /// Also check every internal link and fragment of the rendered pages.
    pub check_links: bool,
    /// Also look for discrepancies no claim covers yet (`check --suggest`).
    pub suggest: bool,
    /// How many suggestions to make, the strongest first (0: all of them).
    pub suggest_limit: usize,
    /// The least score a suggestion must have to be made (0: any).
    pub suggest_min_score: f32,
    /// Where the incremental store lives; `<root>/.briefing` when `None`.
    pub cache_dir: Option<PathBuf>,
    /// Fail at once, rather than wait, when another process holds the cache folder.
    pub no_wait: bool,
    /// The `claims.json` last published, to hold the claims against (`--published`);
    /// the output's own when `None`, if it has one.
    pub published: Option<PathBuf>,
    /// Publish the drafts too (`build --drafts`, `serve`), each marked as one.
    pub drafts: bool,
    /// The process ends right after this build (`briefing build`): what the build is done
    /// with at its end is left to the process's end (see `Store::let_go`).
    pub one_shot: bool,
}

impl Options {
    /// Where the record of what was last published is read from: `--published`, else the
    /// output's `claims.json`.
    pub fn published(&self) -> PathBuf {
        let output = || self.output.clone().unwrap_or_else(|| self.root.join("output"));
        self.published.clone().unwrap_or_else(|| output().join("claims.json"))
    }

    /// The site's incremental store: `--cache-dir`, else `<root>/.briefing`.
    pub fn store(&self) -> Store {
        let store = self.cache_dir.as_ref().map_or_else(|| Store::of_site(&self.root), Store::at);
        if self.one_shot { store.one_shot() } else { store }
    }
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct Summary {
    /// What it read and made.
    pub counts: Counts,
    /// Where the site went.
    pub output: PathBuf,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Wall time of each stage.
    pub timings: Vec<(&'static str, Duration)>,
}

/// The result of a build: every diagnostic, and a summary when it succeeded.
#[derive(Debug)]
pub struct Outcome {
    /// Errors and warnings, sorted.
    pub report: Report,
    /// Set when the build succeeded.
    pub summary: Option<Summary>,
    /// Candidate discrepancies, when [`Options::suggest`] asked for them. Advisory: they
    /// never change the exit code or the output.
    pub suggestions: Suggestions,
}

impl Outcome {
    /// 0 ok, 1 content errors, 2 usage or I/O errors.
    pub fn exit_code(&self) -> i32 {
        self.report.exit_code()
    }
}

fn failed(report: Report) -> Outcome {
    let mut report = report;
    report.sort();
    Outcome { report, summary: None, suggestions: Suggestions::default() }
}

/// What the stages produce: the pages (unless they were streamed to a sink or to disk),
/// and what was read and made.
pub struct Made {
    /// The output files, sorted by path (none when they were handed over as rendered).
    pub pages: Vec<Page>,
    /// How many articles, claims, flags, files, pages and writes.
    pub counts: Counts,
    /// How long each stage took, in order.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Runs load → validate → anchor → render (and the link check when asked), writing
/// nothing: every page is returned in `Made::rendered` (`check`, tests).
pub fn make(opts: &Options) -> (Report, Option<Made>) {
    make_inner(opts, &Store::in_memory(), &mut Suggestions::default(), Out::Pages)
}

/// What a long-lived process (`serve`) keeps between builds: the store's tables in
/// memory (the parsed sources, the marks found in each article, the large pages' items),
/// as `build` keeps them in the cache folder. With a sink that keeps the last build's
/// pages by fingerprint, an edit loads, anchors and renders only what it touched.
pub struct Memory(Store);

impl Memory {
    /// Nothing kept yet: the first build does all the work.
    pub fn new() -> Self {
        Memory(Store::in_memory())
    }

    /// The store in memory, for a look at what it keeps.
    pub fn store(&self) -> &Store {
        &self.0
    }

    /// Tells the next build which source paths (relative to the site root) a watcher saw
    /// change since the last one, so that it need not look at the others; `None` when
    /// the watcher may have missed some (it lost track), and the next build looks at all.
    pub fn changed(&mut self, paths: Option<Vec<String>>) {
        match paths {
            Some(paths) => self.0.keep(crate::store::Changed(paths), true),
            None => drop(self.0.take::<crate::store::Changed>()),
        }
    }

    /// Work for the next build that can be done while the process waits for an edit: the
    /// claims file's kept readings decoded (see [`claims::Kept::prepare`]); the next build
    /// takes what is ready when it starts. On the build's own threads (rayon's), not a
    /// thread of its own: glibc gives each thread its own arena, and claims allocated in
    /// another arena and freed by the build's threads made the next render 25-35 ms
    /// slower at 20,000 claims (malloc 12% -> 17% of a save's CPU; measured when `serve`
    /// still ran on glibc's allocator, see `alloc.rs`).
    pub fn prepare(&self) {
        let kept = self.0.copies_in_memory::<claims::Kept>();
        if !kept.is_empty() {
            rayon::spawn(move || kept.iter().for_each(claims::Kept::prepare));
        }
    }
}

impl Default for Memory {
    fn default() -> Self {
        Self::new()
    }
}

/// [`make`], handing each page to `sink` (which may reuse the page it has for the same
/// inputs, see [`render::Sink::reuse`]), and keeping in `memory` what the next build
/// reuses. `Made::rendered` holds no pages: the sink has them.
pub fn make_in(opts: &Options, memory: &mut Memory, sink: &dyn render::Sink) -> (Report, Option<Made>) {
    make_inner(opts, &memory.0, &mut Suggestions::default(), Out::Sink(sink))
}

/// Where the rendered pages go.
#[derive(Clone, Copy)]
enum Out<'a> {
    /// Into the output folder, staged in the store's twin and swapped in.
    Folder(&'a Path),
    /// To a sink (`serve`).
    Sink(&'a dyn render::Sink),
    /// Returned, every one.
    Pages,
}

/// The stages, with what `store` kept from the last build; the pages go `out`.
fn make_inner(opts: &Options, store: &Store, suggestions: &mut Suggestions, out: Out<'_>) -> (Report, Option<Made>) {
    let base_url = match opts.base_url.as_deref().map(normalize_base_url).transpose() {
        Ok(b) => b,
        Err(msg) => {
            let mut report = Report::default();
            report.push(Diagnostic::error("usage", msg));
            return (report, None);
        }
    };
    if let Some(slugs) = load::briefings(&opts.root) {
        return archive::make(opts, store, &slugs, base_url, suggestions, out);
    }
    let load = |store: &Store, highlighter: &Arc<Highlighter>| {
        load_site(store, |cache| load::load_with(&opts.root, highlighter, cache, &render::compile_ahead))
    };
    let highlighter = Arc::new(Highlighter::new());
    let mut prepared = match prepare(opts, store, suggestions, base_url.as_deref(), &load, highlighter) {
        Ok(p) => p,
        Err(report) => return (report, None),
    };
    let mut c = prepared.checked;
    release_texts(&mut c.site);
    // The large pages' items are kept only in memory: there the first build starts them.
    let items = store.take::<KeptItems>().or_else(|| store.in_memory_only().then(KeptItems::new));
    let made = match out {
        Out::Folder(output) => write_out(&mut c, output, store, items.as_ref()),
        Out::Sink(sink) => render_to(&mut c, items.as_ref(), sink),
        Out::Pages => in_memory(&mut c, opts.check_links),
    };
    let Some((pages, counts)) = made else { return (c.report, None) };
    if let Out::Folder(output) = out {
        keep_published(opts, store, crate::model::published::Published::of(&c.site.claims), output);
    }
    if let Some(items) = items {
        items.save();
        store.keep(items, true);
    }
    keep_marks(store, prepared.whole.as_mut().unwrap_or(&mut c.marks), prepared.keep, prepared.known);
    c.made(pages, counts)
}

/// What this build published, so that the next need not read it back (unless the record
/// is another file, `--published`).
fn keep_published(opts: &Options, store: &Store, record: crate::model::published::Published, output: &Path) {
    if opts.published.is_none() {
        let mut records = store.take::<load::published::Records>().unwrap_or_default();
        records.put(load::published::Kept::of_file(&output.join("claims.json"), record));
        store.keep(records, true);
    }
}

/// A briefing checked and ready to render, with the marks to keep for the next build.
struct Prepared {
    checked: Checked,
    /// The marks of the whole site, drafts included, when some were left out.
    whole: Option<anchor::Marks>,
    keep: Vec<(u64, usize)>,
    known: Option<anchor::Known>,
}

/// How a briefing's site is read: with what a store kept, and a highlighter.
type Loader<'l> = dyn Fn(&Store, &Arc<Highlighter>) -> (Option<load::Site>, Vec<Diagnostic>) + 'l;

/// The stages before rendering, for one briefing: loaded by `load` with what `store`
/// kept, validated and anchored, held against what was published, its drafts left out
/// unless asked for. Every diagnostic is in the report, which is returned alone when
/// there is an error. `highlighter` is shared by the briefings of an archive: each one's
/// own would compile syntect's grammars again.
fn prepare(
    opts: &Options,
    store: &Store,
    suggestions: &mut Suggestions,
    base_url: Option<&str>,
    load: &Loader<'_>,
    highlighter: Arc<Highlighter>,
) -> Result<Prepared, Report> {
    let mut report = Report::default();
    let mut laps = Laps { timings: Vec::new(), clock: Instant::now() };
    // The kept marks are read while the site loads: they are needed only to anchor.
    let known = {
        let store = store.clone();
        std::thread::spawn(move || store.take::<anchor::Known>())
    };
    let published = {
        let (path, required, store) = (opts.published(), opts.published.is_some(), store.clone());
        std::thread::spawn(move || {
            let mut records = store.take::<load::published::Records>().unwrap_or_default();
            let (found, unread) = load::published::read(&path, required, records.take(&path));
            (found, unread, records)
        })
    };
    let (site, diags) = load(store, &highlighter);
    let (published, unread, mut records) = published.join().unwrap_or_default();
    laps.lap("load");
    report.extend(diags);
    report.extend(unread);
    let Some(mut site) = site else { return Err(report) };
    if let Some(base) = base_url {
        site.config.base_url = Some(base.to_string());
    }
    // No marks kept yet is an empty set, not none: anchoring then says what to keep.
    let known = known.join().ok().flatten().unwrap_or_default();
    let Some(anchored) = check_site(&site, known, &mut report, &mut laps) else { return Err(report) };
    // The other outputs' records go back whatever this one's fate: a record not read
    // again is kept as it was.
    let mut fresh = false;
    if let Some(published) = published {
        report.extend(unannounced_changes(&site, &published, &opts.published()));
        fresh = published.fresh;
        records.put(published);
    }
    store.keep(records, fresh);
    // An article read only now, for its quotes, may have changed since it was loaded: then
    // its quotes were sought in no text, and only the reading's error is worth reporting.
    let late = late_errors(&site, store);
    if !late.is_empty() {
        report.extend(late);
        return Err(report);
    }
    report.extend(anchored.diags);
    // A claim with an error cannot say which passages it covers: suggestions would
    // repeat it, so they wait until the site is sound (`check` says so).
    if opts.suggest && report.errors() == 0 {
        *suggestions = suggest::suggest(&site, &anchored.marks, opts.suggest_limit, opts.suggest_min_score);
        report.extend(late_errors(&site, store));
        laps.lap("suggest");
    }
    report.extend(drafts::links(&site));
    leave_out_guesses(&site, &mut report);
    if report.has_errors() {
        // A template's syntax errors are known without rendering: they are reported with
        // the content's, so that one build shows both.
        report.extend(render::syntax_errors(&site));
        return Err(report);
    }
    let Anchored { mut marks, keep, known, .. } = anchored;
    let mut found_by = vec![None; site.articles.len()];
    for &(key, a) in &keep {
        if let Some(slot) = found_by.get_mut(a) {
            *slot = Some(key);
        }
    }
    let drafts = drafts::count(&site);
    site.preview = opts.drafts && drafts > 0;
    let (whole, draft_pages) = match opts.drafts {
        true => (None, HashSet::new()),
        false => leave_out_drafts(&mut site, &mut marks, &mut found_by),
    };
    let checked =
        Checked { site, marks, found_by, highlighter, report, laps, store: store.clone(), draft_pages, drafts };
    Ok(Prepared { checked, whole, keep, known })
}

/// Drops what the stages said about the claims file's entries that were not read for
/// their syntax errors (see `Claims::broken`), and which articles no claim quotes: with
/// entries unread, that is a guess.
fn leave_out_guesses(site: &load::Site, report: &mut Report) {
    if site.claims.broken.is_empty() {
        return;
    }
    let claims_file = |d: &Diagnostic| d.file.as_ref().is_some_and(|f| f.name == site.claims_file.name);
    report.items.retain(|d| !(d.code == "untouched-article" || claims_file(d) && site.claims.hides(d)));
}

/// Drafts were checked in full; unless asked for, they are left out before rendering.
/// Returns the marks found, whole, to keep for the next build (when some were left out),
/// and the folders of the drafts' pages, for the link check.
fn leave_out_drafts(
    site: &mut load::Site,
    marks: &mut anchor::Marks,
    found_by: &mut Vec<Option<u64>>,
) -> (Option<anchor::Marks>, HashSet<String>) {
    if !drafts::any(site) {
        return (None, HashSet::new());
    }
    let pages = drafts::pages(site);
    let whole = marks.clone();
    // By article, as the marks are: the draft articles' go with them.
    let mut drafted = site.articles.iter().map(|a| a.meta.draft);
    found_by.retain(|_| !drafted.next().unwrap_or(false));
    drafts::leave_out(site, marks);
    (Some(whole), pages)
}

/// The errors for published verdicts and findings changed with no correction: what they
/// said is read from the record only when there are some.
fn unannounced_changes(site: &load::Site, published: &load::published::Kept, path: &Path) -> Vec<Diagnostic> {
    let changed = crate::stages::changes::unannounced(site, &published.record);
    if changed.is_empty() {
        return Vec::new();
    }
    let ids: Vec<&str> = changed.iter().map(|(c, _)| c.id.as_str()).collect();
    let said = load::published::said(path, &ids);
    crate::stages::changes::errors(site, (&published.record, &changed), &said, crate::model::date::Date::today())
}

/// The load stage: the site, read with what `store` kept, which is then brought up to
/// date.
fn load_site(
    store: &Store,
    read: impl FnOnce(&mut load::Cache) -> (Option<load::Site>, Vec<Diagnostic>),
) -> (Option<load::Site>, Vec<Diagnostic>) {
    let (pieces, fronts) =
        rayon::join(|| store.take::<claims::Kept>(), || store.take::<crate::stages::load::fronts::Kept>());
    let untouched = store.take::<crate::store::Changed>().is_some_and(|c| c.untouched(load::ARTICLES_DIR));
    let mut cache = load::Cache {
        // Nothing kept: every body will be needed (a store in memory keeps them instead).
        parse_now: fronts.is_none() && !store.in_memory_only(),
        keep: store.in_memory_only(),
        articles: store.take::<load::Articles>().unwrap_or_default(),
        pieces: pieces.unwrap_or_default(),
        fronts: fronts.unwrap_or_default(),
        untouched,
    };
    let loaded = read(&mut cache);
    // Kept at once, and let go of: a reading stands for its text whatever becomes of the
    // build, and a fresh build of 20,000 claims need not hold 10 MB of them to its end.
    let (pieces_fresh, fronts_fresh) = (cache.pieces.fresh, cache.fronts.fresh);
    store.keep(cache.pieces, pieces_fresh);
    store.keep(cache.fronts, fronts_fresh);
    store.keep(cache.articles, true);
    loaded
}

/// The marks found, with their diagnostics; what to keep of them for the next build (an
/// index into the marks for each article's key), and the marks kept before, if any.
struct Anchored {
    marks: anchor::Marks,
    diags: Vec<Diagnostic>,
    keep: Vec<(u64, usize)>,
    known: Option<anchor::Known>,
}

/// The validate and anchor stages. They only read the site, and validation is one
/// thread's work: they run side by side, anchoring filling the other core. Each reports
/// its own time. Validation's diagnostics go into `report`; anchoring's are returned
/// with the marks.
fn check_site(site: &load::Site, known: anchor::Known, report: &mut Report, laps: &mut Laps) -> Option<Anchored> {
    let took = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        f();
        start.elapsed()
    };
    let (mut validated, mut anchored) = (Vec::new(), None);
    let (validate_time, anchor_time) = rayon::join(
        || took(&mut || validated = validate::validate(site)),
        || {
            took(&mut || {
                let (marks, diags, keep) =
                    anchor::anchor_known(&site.articles, &site.claims, &site.claims_file, Some(&known));
                anchored = Some(Anchored { marks, diags, keep, known: None });
            })
        },
    );
    report.extend(validated);
    laps.took("validate", validate_time);
    laps.took("anchor", anchor_time);
    anchored.map(|a| Anchored { known: Some(known), ..a })
}

/// Keeps the marks of this build for the next, by their articles' keys: moved out of
/// `marks` (rendering is over), and written to disk only when the keys changed. The old
/// ones are let go of aside.
fn keep_marks(store: &Store, marks: &mut anchor::Marks, keep: Vec<(u64, usize)>, known: Option<anchor::Known>) {
    let changed = known.as_ref().is_none_or(|k| !crate::store::marks::unchanged(&keep, k));
    if !changed && let Some(known) = known {
        store.keep(known, false);
        return;
    }
    let now = anchor::Known(keep.iter().map(|&(k, i)| (k, std::mem::take(&mut marks[i]))).collect());
    store.keep_last(now, true);
    drop_aside(known);
}

/// A site that passed every check, ready to render, with what the run has so far.
struct Checked {
    /// Where the run's store is, to drop what a late error shows to be stale.
    store: Store,
    site: load::Site,
    marks: anchor::Marks,
    /// For each article, the key its marks were found by, when known (see
    /// `render::inputs`): its page's key takes it in place of the marks' passages.
    found_by: Vec<Option<u64>>,
    highlighter: std::sync::Arc<Highlighter>,
    report: Report,
    laps: Laps,
    /// The folders of the drafts' pages, left out (`claims/<id>`): a link into one is a
    /// link to a draft.
    draft_pages: HashSet<String>,
    /// How many drafts the site has.
    drafts: usize,
}

impl Checked {
    /// The run's end: its report, and what it made.
    fn made(self, pages: Vec<Page>, counts: Counts) -> (Report, Option<Made>) {
        let (articles, claims) = (self.site.articles.len(), self.site.claims.claims.len());
        let (drafts, preview) = (self.drafts, self.site.preview);
        let counts = Counts { articles, claims, drafts, preview, ..counts };
        let made = Made { pages, counts, timings: self.laps.timings };
        let mut site = self.site;
        give_back(&self.store, std::mem::take(&mut site.articles));
        drop_aside((site, self.marks));
        (self.report, Some(made))
    }

    /// Fails the run with `diags` (and any late error).
    fn fail(&mut self, diags: Vec<Diagnostic>) -> Option<(Vec<Page>, Counts)> {
        self.report.extend(diags);
        self.report.extend(late_errors(&self.site, &self.store));
        None
    }
}

/// The error for an output that cannot be written.
fn write_error(output: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error("io-write", format!("cannot write the site to {}: {e}", output.display()))
        .help("check free space and permissions; the previous output was left as it was")
}

/// The render and write stages of a build: pages streamed into the output's twin, which
/// is swapped in.
fn write_out(c: &mut Checked, output: &Path, store: &Store, items: Option<&KeptItems>) -> Option<(Vec<Page>, Counts)> {
    let write_error = |e: std::io::Error| write_error(output, &e);
    let twin = match write::Twin::open(output, store) {
        Ok(t) => t,
        Err(e) => return c.fail(vec![write_error(e)]),
    };
    let sink = ToTwin { twin: &twin, error: &write_error };
    let made = match render::render_to(&c.site, &c.marks, &c.found_by, &c.highlighter, items, &sink) {
        Ok(m) => m,
        Err(ds) => return c.fail(ds),
    };
    let late = late_errors(&c.site, &c.store);
    if !late.is_empty() {
        return c.fail(late);
    }
    c.laps.lap("render");
    let written = match twin.finish() {
        Ok(w) => w,
        Err(e) => return c.fail(vec![write_error(e)]),
    };
    write::forget_siblings(output);
    c.laps.lap("write");
    let counts = Counts {
        written: written.written,
        unchanged: written.unchanged,
        removed: written.removed,
        in_place: written.in_place,
        ..made
    };
    Some((Vec::new(), counts))
}

/// The render stage into memory (`check`, tests): every page returned, and every link
/// checked when asked.
fn in_memory(c: &mut Checked, check_links: bool) -> Option<(Vec<Page>, Counts)> {
    let (pages, made) = match render::render(&c.site, &c.marks, &c.found_by, &c.highlighter) {
        Ok(r) => r,
        Err(ds) => return c.fail(ds),
    };
    c.laps.lap("render");
    if check_links {
        c.report.extend(crate::stages::links::check(&c.site, &pages, &c.draft_pages));
        c.report.extend(crate::stages::validate::no_base_url(&c.site.config));
    }
    c.report.extend(late_errors(&c.site, &c.store));
    if c.report.has_errors() {
        return None;
    }
    Some((pages, made))
}

/// The render stage of [`make_in`]: pages to the sink, the items kept in `items`.
fn render_to(c: &mut Checked, items: Option<&KeptItems>, sink: &dyn render::Sink) -> Option<(Vec<Page>, Counts)> {
    let made = render::render_to(&c.site, &c.marks, &c.found_by, &c.highlighter, items, sink);
    c.report.extend(late_errors(&c.site, &c.store));
    let made = match made {
        Ok(m) if !c.report.has_errors() => m,
        Ok(_) => return None,
        Err(ds) => return c.fail(ds),
    };
    c.laps.lap("render");
    Some((Vec::new(), made))
}

/// The errors met reading article files after loading (see [`crate::model::article::Late`]).
/// The front matter kept vouched for bytes a file no longer has: it goes, so that the
/// next build reads every article.
fn late_errors(site: &load::Site, store: &Store) -> Vec<Diagnostic> {
    let late = site.late.take();
    if !late.is_empty() {
        store.forget(Table::Fronts);
    }
    late
}

/// Lets go of the articles' texts before rendering (see `Article::release_text`): at
/// 10,000 articles they are 54 MB that no page reads, held through the render, where a
/// fresh build's memory peaks. They are freed on a thread of their own.
fn release_texts(site: &mut load::Site) {
    let unread = crate::model::article::Unread::new(&site.root, &site.late);
    let texts: Vec<_> = site.articles.iter_mut().filter_map(|a| a.release_text(&unread)).collect();
    drop_aside(texts);
}

/// Gives the articles a build was lent back to the load's cache, for the next build (see
/// `load::Loaded`); where nothing lent them (a build to a folder), lets go of them. What
/// is let go of goes on a thread of its own.
fn give_back(store: &Store, articles: Vec<crate::model::article::Article>) {
    let Some(mut kept) = store.in_memory_only().then(|| store.take::<load::Articles>()).flatten() else {
        return drop_aside(articles);
    };
    match kept.give_back(articles) {
        Ok(bodies) => drop_aside(bodies),
        Err(articles) => drop_aside(articles),
    }
    store.keep(kept, true);
}

/// Lets go of `value` on a thread of its own. At 10,000 articles, freeing a build's site
/// and marks (54 MB of text, hundreds of thousands of small strings) takes 60–90 ms that
/// nothing needs to wait for: a one-shot build exits meanwhile.
fn drop_aside<T: Send + 'static>(value: T) {
    // Should no thread start, the value is dropped here, as it would have been.
    let _ = std::thread::Builder::new().name("drop".into()).spawn(move || drop(value));
}

/// Each stage's wall time, in order.
struct Laps {
    timings: Vec<(&'static str, Duration)>,
    clock: Instant,
}

impl Laps {
    /// Stage `name` ends now.
    fn lap(&mut self, name: &'static str) {
        self.took(name, self.clock.elapsed());
    }

    /// Stage `name` took `time` (stages run side by side overlap), and the next starts now.
    fn took(&mut self, name: &'static str, time: Duration) {
        self.timings.push((name, time));
        self.clock = Instant::now();
    }
}

/// Streams rendered pages into the output's twin, reusing the pages the last build made
/// from the same inputs.
struct ToTwin<'t> {
    twin: &'t write::Twin,
    error: &'t (dyn Fn(std::io::Error) -> Diagnostic + Sync),
}

impl render::Sink for ToTwin<'_> {
    fn put(&self, page: crate::model::page::Page, fingerprint: Option<u64>) -> Result<(), Diagnostic> {
        self.twin.put(&page, fingerprint).map_err(self.error)
    }

    fn reuse(&self, path: &str, fingerprint: u64) -> Result<bool, Diagnostic> {
        self.twin.reuse(path, fingerprint).map_err(self.error)
    }

    fn kept_items(&self, path: &str) -> Result<crate::model::page::Keys, Diagnostic> {
        self.twin.kept_items(path).map_err(self.error)
    }

    fn put_spliced(&self, path: &str, fingerprint: Option<u64>, runs: &dyn Runs) -> Result<(), Diagnostic> {
        self.twin.put_spliced(path, fingerprint, runs).map_err(self.error)
    }
}

/// Builds the site.
pub fn build(opts: &Options) -> Outcome {
    let output = opts.output.clone().unwrap_or_else(|| opts.root.join("output"));
    // Before anything is made under it: a mistyped `--root` must leave no folder behind.
    if let Err(d) = check_root(&opts.root).and_then(|()| check_output(&opts.root, &output)) {
        let mut report = Report::default();
        report.push(d);
        return failed(report);
    }
    let store = opts.store();
    if let Err(d) = check_cache(&opts.root, &output, store.dir()) {
        let mut report = Report::default();
        report.push(d);
        return failed(report);
    }
    // A folder with no `briefing.toml` fails to load whatever else it holds: nothing is
    // made in it, not even the cache folder's lock (a build run by mistake in a home
    // folder must leave no trace there).
    let dry_run = opts.dry_run || !opts.root.join(crate::model::config::CONFIG_FILE).is_file();
    // Held to the end: the output and the store are this build's alone.
    let _lock = match (!dry_run).then(|| lock(&store, opts.no_wait)).transpose() {
        Ok(lock) => lock,
        Err(d) => {
            let mut report = Report::default();
            report.push(d);
            return failed(report);
        }
    };
    // Timed from here: a wait for another build is not this build's time.
    let start = Instant::now();
    let mut suggestions = Suggestions::default();
    let (store, out) = match dry_run {
        true => (Store::in_memory(), Out::Pages),
        false => (store, Out::Folder(&output)),
    };
    let (mut report, made) = make_inner(opts, &store, &mut suggestions, out);
    let Some(Made { counts, timings, .. }) = made else {
        return Outcome { suggestions, ..failed(report) };
    };
    report.sort();
    let summary = Summary { counts, output, elapsed: start.elapsed(), timings };
    Outcome { report, summary: Some(summary), suggestions }
}

/// Takes the site's cache folder for this build (see [`Store::lock`]), saying once on
/// standard error that it waits for another, as Cargo does.
fn lock(store: &Store, no_wait: bool) -> Result<crate::store::Lock, Diagnostic> {
    let dir = store.dir().display().to_string();
    let waiting = || eprintln!("     Waiting for the lock on {dir}: another briefing build of this site is running");
    store.lock(!no_wait, waiting).map_err(|e| {
        if e.kind() == std::io::ErrorKind::WouldBlock {
            Diagnostic::error("io-busy", format!("another briefing build is using {dir}"))
                .help("wait for it to finish, or run without `--no-wait` to wait for it")
        } else {
            Diagnostic::error("io-write", format!("cannot lock the cache folder {dir}: {e}"))
                .help("check that the folder can be written, or choose another with `--cache-dir`")
        }
    })
}

/// Refuses a cache folder that the swap would carry away or that holds the output: one
/// inside the output, the output itself, or one that holds it; and one that is the site's
/// root or holds its sources.
pub fn check_cache(root: &Path, output: &Path, cache: &Path) -> Result<(), Diagnostic> {
    let (root, out, cache_abs) = (absolute(root), absolute(output), absolute(cache));
    let refuse = |why: &str| {
        Err(Diagnostic::error("usage", format!("refusing {} as the cache folder: {why}", cache.display()))
            .help("choose a folder of its own, such as the default `.briefing/` in the site's root"))
    };
    if root.starts_with(&cache_abs) {
        return refuse("it holds the site");
    }
    if cache_abs.starts_with(&out) || out.starts_with(&cache_abs) {
        return refuse("the output would be written into it, or it into the output");
    }
    if std::fs::symlink_metadata(cache).is_ok() && !cache.is_dir() {
        return refuse("it exists and is not a folder");
    }
    for precious in SOURCES {
        if cache_abs.starts_with(root.join(precious)) {
            return refuse(&format!("it is inside `{precious}`"));
        }
    }
    Ok(())
}

/// What a site's root holds that a build must never replace or write into.
const SOURCES: [&str; 6] = ["content", "themes", "templates", "static", ".git", "briefing.toml"];

/// The error for a site root that is not a folder (mistyped, or a file given for it).
pub fn check_root(root: &Path) -> Result<(), Diagnostic> {
    if root.is_dir() {
        return Ok(());
    }
    Err(Diagnostic::error("io-missing", format!("no site folder at {}", root.display()))
        .help("run briefing in the site's folder, or pass --root; `briefing new DIR` creates a site"))
}

/// Refuses an output directory whose replacement would destroy the sources: the root,
/// anything holding or inside `content/`, `themes/`, `templates/`, `static/` or `.git/`.
pub fn check_output(root: &Path, output: &Path) -> Result<(), Diagnostic> {
    let root_abs = absolute(root);
    let out_abs = absolute(output);
    let refuse = |why: String| {
        Err(Diagnostic::error("usage", format!("refusing to write the site to {}: {why}", output.display()))
            .help("choose an output folder of its own, such as the default `output/`"))
    };
    if out_abs == root_abs || root_abs.starts_with(&out_abs) {
        return refuse("it holds the site's sources, and a build replaces the whole folder".into());
    }
    for precious in SOURCES {
        let p = root_abs.join(precious);
        if out_abs.starts_with(&p) {
            return refuse(format!("it is inside `{precious}`"));
        }
    }
    // The output, or a folder it would be made in, is a file.
    if let Some(file) = output.ancestors().find(|a| std::fs::metadata(a).is_ok_and(|m| !m.is_dir())) {
        return refuse(format!("`{}` is a file, not a folder", file.display()));
    }
    Ok(())
}

/// `p` from the working folder, absolute, with `.` and `..` resolved by their names alone
/// (no file system access).
pub fn lexical(p: &Path) -> PathBuf {
    let base = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
    let mut out = PathBuf::new();
    for c in base.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// An absolute, lexically normalised path; symbolic links in existing parents resolved,
/// so that `out/../content` and a link to `content` are both seen for what they are.
fn absolute(p: &Path) -> PathBuf {
    let out = lexical(p);
    // Resolve the longest existing prefix.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => rest.push(name.to_owned()),
            None => break,
        }
        existing.pop();
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangerous_outputs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        for bad in [".", "content", "content/x", "themes", "..", "content/../.", ".git"] {
            assert!(check_output(&root, &root.join(bad)).is_err(), "{bad}");
        }
        assert!(check_output(&root, &root.join("output")).is_ok());
        assert!(check_output(&root, &dir.path().join("elsewhere")).is_ok());
    }
}
