//! The build, start to end: load → validate → anchor → render → write.
//!
//! Each stage is a function from plain data to plain data plus diagnostics. The pipeline
//! stops before writing if any stage reported an error, so `output/` is only ever replaced
//! by a complete, error-free site.

use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use crate::anchor;
use crate::config::normalize_base_url;
use crate::diag::{Diagnostic, Report};
use crate::highlight::Highlighter;
use crate::load;
use crate::render::{self, Rendered};
use crate::splice::Runs;
use crate::store::{Store, Table};
use crate::suggest::{self, Suggestion};
use crate::validate;
use crate::write;

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
    /// Where the incremental store lives; `<root>/.briefing` when `None`.
    pub cache_dir: Option<PathBuf>,
    /// Fail at once, rather than wait, when another process holds the cache folder.
    pub no_wait: bool,
}

impl Options {
    /// The site's incremental store: `--cache-dir`, else `<root>/.briefing`.
    pub fn store(&self) -> Store {
        self.cache_dir.as_ref().map_or_else(|| Store::of_site(&self.root), Store::at)
    }
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Files in the output.
    pub files: usize,
    /// Of which HTML pages.
    pub pages: usize,
    /// Files written with new bytes (0 on a dry run).
    pub written: usize,
    /// Pages not rendered at all, because the last build made them from the same inputs.
    pub reused: usize,
    /// Articles read.
    pub articles: usize,
    /// Claims checked.
    pub claims: usize,
    /// Flagged passages.
    pub flags: usize,
    /// Where the site went.
    pub output: PathBuf,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Wall time of each stage.
    pub timings: Vec<(&'static str, Duration)>,
    /// Whether the output was written in place, file by file, rather than swapped in at
    /// once: its twin in the cache folder could not trade places with it (another file
    /// system, a mount point, a folder that may not change).
    pub in_place: bool,
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
    pub suggestions: Vec<Suggestion>,
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
    Outcome { report, summary: None, suggestions: Vec::new() }
}

/// How many files a run made.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// Files in the output.
    pub files: usize,
    /// Of which HTML pages.
    pub pages: usize,
    /// Files written with new bytes (0 unless written).
    pub written: usize,
    /// Pages taken from the last build without rendering.
    pub reused: usize,
    /// Whether the output was written in place, file by file (see [`Summary::in_place`]).
    pub in_place: bool,
}

/// What the stages produce: the pages (unless they were streamed to disk), and what they
/// were made from.
pub struct Made {
    /// The rendered output files (none when they were written as rendered).
    pub rendered: Rendered,
    /// How many files, pages and writes.
    pub counts: Counts,
    /// Articles read.
    pub articles: usize,
    /// Claims checked.
    pub claims: usize,
    /// How long each stage took, in order.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Runs load → validate → anchor → render (and the link check when asked), writing
/// nothing. `cache` keeps parsed articles between runs.
pub fn make(opts: &Options, cache: &mut load::Cache) -> (Report, Option<Made>) {
    make_inner(opts, cache, &mut Vec::new(), None, None)
}

/// What a long-lived process (`serve`) keeps in memory between builds, as `build` keeps
/// it beside the output: the parsed sources, the marks found in each article, and the
/// large pages' items. With a sink that keeps the last build's pages by fingerprint, an
/// edit loads, anchors and renders only what it touched.
#[derive(Default)]
pub struct Memory {
    /// Articles, front matter and the claims file's pieces.
    pub cache: load::Cache,
    /// The marks of the last build, by their articles' keys.
    known: anchor::Known,
    /// The large pages' items, by fingerprint.
    parts: crate::parts::Store,
}

impl Memory {
    /// Nothing kept yet: the first build does all the work.
    pub fn new() -> Self {
        Memory { cache: load::Cache::keeping(), ..Default::default() }
    }
}

/// [`make`], handing each page to `sink` (which may reuse the page it has for the same
/// inputs, see [`render::Sink::reuse`]), and keeping in `memory` what the next build
/// reuses. `Made::rendered` holds no pages: the sink has them.
pub fn make_in(opts: &Options, memory: &mut Memory, sink: &dyn render::Sink) -> (Report, Option<Made>) {
    let held = Held { sink, known: &mut memory.known, parts: &memory.parts };
    make_inner(opts, &mut memory.cache, &mut Vec::new(), None, Some(held))
}

/// What [`make_in`] lends the stages.
struct Held<'a> {
    sink: &'a dyn render::Sink,
    known: &'a mut anchor::Known,
    parts: &'a crate::parts::Store,
}

/// Where a build writes: the output folder, and the store that stages it and keeps what
/// the next build reuses.
#[derive(Clone, Copy)]
struct To<'a> {
    output: &'a Path,
    store: &'a Store,
}

/// The stages; with `to`, pages are streamed into the output's twin as they are rendered
/// and the twin is swapped in (then `Made::rendered` holds no pages), else kept in memory.
fn make_inner(
    opts: &Options,
    cache: &mut load::Cache,
    suggestions: &mut Vec<Suggestion>,
    to: Option<To<'_>>,
    held: Option<Held<'_>>,
) -> (Report, Option<Made>) {
    let mut report = Report::default();
    let base_url = match opts.base_url.as_deref().map(normalize_base_url).transpose() {
        Ok(b) => b,
        Err(msg) => {
            report.push(Diagnostic::error("usage", msg));
            return (report, None);
        }
    };
    let mut laps = Laps { timings: Vec::new(), clock: Instant::now() };
    let highlighter = std::sync::Arc::new(Highlighter::new());
    // The kept marks are read while the site loads: they are needed only to anchor.
    let store = to.map(|t| t.store);
    let known = store.map(|s| {
        let s = s.clone();
        std::thread::spawn(move || crate::marks::read(&s))
    });
    let (site, diags) = load_site(opts, cache, store, &highlighter);
    laps.lap("load");
    report.extend(diags);
    let Some(mut site) = site else { return (report, None) };
    if base_url.is_some() {
        site.config.base_url = base_url;
    }
    let known = match held.as_ref() {
        Some(h) => Known::Lent(h.known),
        None => Known::Reading(known),
    };
    let Some((marks, keep)) = check_site(&site, known, &mut report, &mut laps) else { return (report, None) };
    // An article read only now, for its quotes, may have changed since it was loaded: then
    // its quotes were sought in no text, and only the reading's error is worth reporting.
    let late = late_errors(&site, store);
    if !late.is_empty() {
        report.extend(late);
        return (report, None);
    }
    report.extend(marks.1);
    let marks = marks.0;
    if opts.suggest {
        *suggestions = suggest::suggest(&site, &marks);
        suggest::sort(suggestions);
        report.extend(late_errors(&site, store));
        laps.lap("suggest");
    }
    if report.has_errors() {
        return (report, None);
    }
    let checked = Checked { site, marks, keep, highlighter, report, laps };
    match (to, held) {
        (Some(to), _) => write_out(checked, to, cache),
        (None, Some(held)) => make_held(checked, held),
        (None, None) => in_memory(checked, opts.check_links),
    }
}

/// The load stage: the site, read with what `cache` kept (and, for a build, with the
/// readings kept in the `store`, which are then brought up to date).
fn load_site(
    opts: &Options,
    cache: &mut load::Cache,
    store: Option<&Store>,
    highlighter: &std::sync::Arc<Highlighter>,
) -> (Option<load::Site>, Vec<Diagnostic>) {
    if let Some(store) = store {
        let (pieces, fronts) = rayon::join(
            || cache.pieces.pieces.is_empty().then(|| crate::pieces::read(store)),
            || cache.fronts.fronts.is_empty().then(|| crate::fronts::read(store)),
        );
        cache.pieces = pieces.unwrap_or(std::mem::take(&mut cache.pieces));
        cache.fronts = fronts.unwrap_or(std::mem::take(&mut cache.fronts));
    }
    let loaded = load::load_cached(&opts.root, highlighter, cache);
    if let Some(store) = store {
        // Kept at once, and let go of: a reading stands for its text whatever becomes of
        // the build, and a fresh build of 20,000 claims need not hold 10 MB of them to its
        // end. (Should the store not be writable yet, they are kept after the swap.)
        keep_readings(store, cache);
    }
    loaded
}

/// Where the marks of the last build come from.
enum Known<'a> {
    /// Read from the store on a thread of their own (a build), or none.
    Reading(Option<std::thread::JoinHandle<anchor::Known>>),
    /// Kept in memory by a long-lived process (`serve`).
    Lent(&'a anchor::Known),
}

/// The marks found, with their diagnostics, and what to keep of them when they changed.
type Anchored = ((anchor::Marks, Vec<Diagnostic>), Option<Vec<(u64, usize)>>);

/// The validate and anchor stages. They only read the site, and validation is one
/// thread's work: they run side by side, anchoring filling the other core. Each reports
/// its own time. Validation's diagnostics go into `report`; anchoring's are returned
/// with the marks.
fn check_site(site: &load::Site, known: Known<'_>, report: &mut Report, laps: &mut Laps) -> Option<Anchored> {
    let took = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        f();
        start.elapsed()
    };
    let (mut validated, mut anchored) = (Vec::new(), None);
    let mut known = Some(known);
    let (validate_time, anchor_time) = rayon::join(
        || took(&mut || validated = validate::validate(site)),
        || took(&mut || anchored = known.take().map(|k| anchor_site(site, k))),
    );
    report.extend(validated);
    laps.took("validate", validate_time);
    laps.took("anchor", anchor_time);
    anchored
}

/// Anchors every quote of `site`, reusing the marks of unchanged articles. A build into
/// an output keeps the marks beside it, for the next build to reuse (and lets go of the
/// old ones before rendering); `serve` keeps them in memory, and lends them.
fn anchor_site(site: &load::Site, known: Known<'_>) -> Anchored {
    let anchor = |known| anchor::anchor_known(&site.articles, &site.claims, &site.claims_file, known);
    match known {
        Known::Lent(known) => {
            let (marks, diags, keep) = anchor(Some(known));
            let changed = !crate::marks::unchanged(&keep, known);
            ((marks, diags), changed.then_some(keep))
        }
        Known::Reading(reading) => {
            let known = reading.map(|reading| reading.join().unwrap_or_default());
            let (marks, diags, keep) = anchor(known.as_ref());
            let changed = known.as_ref().is_some_and(|k| !crate::marks::unchanged(&keep, k));
            drop_aside(known);
            ((marks, diags), changed.then_some(keep))
        }
    }
}

/// A site that passed every check, ready to render, with what the run has so far.
struct Checked {
    site: load::Site,
    marks: anchor::Marks,
    /// The marks to keep for the next build, when they changed.
    keep: Option<Vec<(u64, usize)>>,
    highlighter: std::sync::Arc<Highlighter>,
    report: Report,
    laps: Laps,
}

impl Checked {
    /// The run's end: its report, and what it made.
    fn made(self, rendered: Rendered, counts: Counts) -> (Report, Option<Made>) {
        let (articles, claims) = (self.site.articles.len(), self.site.claims.claims.len());
        let made = Made { rendered, counts, articles, claims, timings: self.laps.timings };
        drop_aside((self.site, self.marks));
        (self.report, Some(made))
    }
}

/// The render and write stages of a build: pages streamed into the output's twin, which
/// is swapped in.
fn write_out(mut c: Checked, to: To<'_>, cache: &mut load::Cache) -> (Report, Option<Made>) {
    let To { output, store } = to;
    let write_error = |e: std::io::Error| {
        Diagnostic::error("io-write", format!("cannot write the site to {}: {e}", output.display()))
            .help("check free space and permissions; the previous output was left as it was")
    };
    let twin = match write::Twin::open(output, store) {
        Ok(t) => t,
        Err(e) => {
            c.report.push(write_error(e));
            return (c.report, None);
        }
    };
    if let Some(keep) = &c.keep {
        // Only a cache: a build that cannot keep it merely anchors everything next time.
        let _ = crate::marks::write(store, &c.marks, keep);
    }
    let sink = ToTwin { twin: &twin, error: &write_error };
    let made = render::render_to(&c.site, &c.marks, &c.highlighter, None, &sink);
    let late = late_errors(&c.site, Some(store));
    let made = match made {
        Ok(m) if late.is_empty() => m,
        Ok(_) => {
            c.report.extend(late);
            return (c.report, None);
        }
        Err(ds) => {
            c.report.extend(ds);
            c.report.extend(late);
            return (c.report, None);
        }
    };
    c.laps.lap("render");
    let written = match twin.finish() {
        Ok(w) => w,
        Err(e) => {
            c.report.push(write_error(e));
            return (c.report, None);
        }
    };
    write::forget_siblings(output);
    keep_readings(store, cache);
    c.laps.lap("write");
    let rendered = Rendered { pages: Vec::new(), flags: made.flags };
    let counts = Counts {
        files: made.files,
        pages: made.pages,
        written: written.written,
        reused: made.reused,
        in_place: written.in_place,
    };
    c.made(rendered, counts)
}

/// The render stage into memory (`check`, tests): every page returned, and every link
/// checked when asked.
fn in_memory(mut c: Checked, check_links: bool) -> (Report, Option<Made>) {
    let rendered = match render::render(&c.site, &c.marks, &c.highlighter) {
        Ok(r) => r,
        Err(ds) => {
            c.report.extend(ds);
            c.report.extend(late_errors(&c.site, None));
            return (c.report, None);
        }
    };
    c.laps.lap("render");
    if check_links {
        c.report.extend(crate::links::check(&c.site, &rendered.pages));
    }
    c.report.extend(late_errors(&c.site, None));
    if c.report.has_errors() {
        return (c.report, None);
    }
    let counts = Counts {
        files: rendered.pages.len(),
        pages: rendered.pages.iter().filter(|p| p.path.ends_with(".html")).count(),
        written: 0,
        reused: 0,
        in_place: false,
    };
    c.made(rendered, counts)
}

/// The render stage of [`make_in`]: pages to the held sink; on success, the marks and items
/// kept for the next build.
fn make_held(mut c: Checked, held: Held<'_>) -> (Report, Option<Made>) {
    let made = render::render_to(&c.site, &c.marks, &c.highlighter, Some(held.parts), held.sink);
    c.report.extend(late_errors(&c.site, None));
    let made = match made {
        Ok(m) if !c.report.has_errors() => m,
        Ok(_) => return (c.report, None),
        Err(ds) => {
            c.report.extend(ds);
            return (c.report, None);
        }
    };
    held.parts.save();
    // The marks are kept by their articles' keys (`keep` is `None` when those did not
    // change). The old ones are let go of aside, with the site.
    if let Some(keep) = c.keep.take() {
        let known = anchor::Known(keep.iter().map(|&(k, i)| (k, std::mem::take(&mut c.marks[i]))).collect());
        drop_aside(std::mem::replace(held.known, known));
    }
    c.laps.lap("render");
    let rendered = Rendered { pages: Vec::new(), flags: made.flags };
    c.made(rendered, Counts { files: made.files, pages: made.pages, reused: made.reused, ..Counts::default() })
}

/// Keeps in `store` the claims file's readings and the articles' front matter that the
/// load made afresh, and lets go of what needs no more writing. Only caches: a build that
/// cannot keep them merely parses and reads more next time.
fn keep_readings(store: &Store, cache: &mut load::Cache) {
    if !cache.pieces.fresh || crate::pieces::write(store, &cache.pieces).is_ok() {
        cache.pieces = Default::default();
    }
    if !cache.fronts.fresh || crate::fronts::write(store, &cache.fronts).is_ok() {
        cache.fronts = Default::default();
    }
}

/// The errors met reading article files after loading (see [`crate::article::Late`]).
/// The front matter kept for the output vouched for bytes a file no longer has: it goes,
/// so that the next build reads every article.
fn late_errors(site: &load::Site, store: Option<&Store>) -> Vec<Diagnostic> {
    let late = site.late.take();
    if let Some(store) = store
        && !late.is_empty()
    {
        store.forget(Table::Fronts);
    }
    late
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
    fn put(&self, page: render::Page, fingerprint: Option<u64>) -> Result<(), Diagnostic> {
        self.twin.put(&page, fingerprint).map_err(self.error)
    }

    fn reuse(&self, path: &str, fingerprint: u64) -> Result<bool, Diagnostic> {
        self.twin.reuse(path, fingerprint).map_err(self.error)
    }

    fn put_runs(&self, path: &str, fingerprint: Option<u64>, runs: &dyn Runs) -> Result<(), Diagnostic> {
        self.twin.put_runs(path, fingerprint, runs).map_err(self.error)
    }
}

/// Builds the site.
pub fn build(opts: &Options) -> Outcome {
    let start = Instant::now();
    let output = opts.output.clone().unwrap_or_else(|| opts.root.join("output"));
    if let Err(d) = check_output(&opts.root, &output) {
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
    // Held to the end: the output and the store are this build's alone.
    let _lock = match (!opts.dry_run).then(|| lock(&store, opts.no_wait)).transpose() {
        Ok(lock) => lock,
        Err(d) => {
            let mut report = Report::default();
            report.push(d);
            return failed(report);
        }
    };
    let mut suggestions = Vec::new();
    let to = (!opts.dry_run).then_some(To { output: &output, store: &store });
    let (mut report, made) = make_inner(opts, &mut load::Cache::default(), &mut suggestions, to, None);
    let Some(Made { rendered, counts, articles, claims, timings }) = made else {
        return Outcome { suggestions, ..failed(report) };
    };
    report.sort();
    let summary = Summary {
        files: counts.files,
        pages: counts.pages,
        written: counts.written,
        reused: counts.reused,
        articles,
        claims,
        flags: rendered.flags,
        output,
        elapsed: start.elapsed(),
        timings,
        in_place: counts.in_place,
    };
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
    if cache_abs.starts_with(&out) || out.starts_with(&cache_abs) {
        return refuse("the output would be written into it, or it into the output");
    }
    if root.starts_with(&cache_abs) {
        return refuse("it holds the site");
    }
    for precious in ["content", "themes", "templates", "static", ".git", "briefing.toml"] {
        if cache_abs.starts_with(root.join(precious)) {
            return refuse(&format!("it is inside `{precious}`"));
        }
    }
    Ok(())
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
    for precious in ["content", "themes", "templates", "static", ".git", "briefing.toml"] {
        let p = root_abs.join(precious);
        if out_abs.starts_with(&p) {
            return refuse(format!("it is inside `{precious}`"));
        }
    }
    Ok(())
}

/// An absolute, lexically normalised path; symbolic links in existing parents resolved,
/// so that `out/../content` and a link to `content` are both seen for what they are.
fn absolute(p: &Path) -> PathBuf {
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
