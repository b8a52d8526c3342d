//! An archive: many briefings in one site. A site without `content/claims.toml` whose
//! folders `content/<slug>/` hold a `claims.toml` is one; each such folder is a briefing,
//! loaded, checked and rendered exactly as a site of one briefing is (with its own tables
//! in the store, `Store::scoped`), and published under `<slug>/`. The archive's home lists
//! them, newest first, and the theme's files are written once, at the top. Every
//! briefing is checked before anything is written: one error anywhere, and the output
//! stays as it was.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use super::{
    Made, Options, Out, Prepared, ToTwin, keep_marks, keep_published, late_errors, load_site, prepare, unchanged,
    write_error,
};
use crate::model::catalog::{Catalog, Entry, Listing, Part, Story};
use crate::model::diag::{Diagnostic, Report, SourceFile};
use crate::model::highlight::Highlighter;
use crate::model::page::{Counts, Page};
use crate::stages::anchor::Target;
use crate::stages::load::{self, Common, Layout, Role};
use crate::stages::render::{self, parts::KeptItems};
use crate::store::Store;
use crate::suggest::Suggestions;
use crate::write;

/// Builds the archive whose briefings are `slugs`; `base_url` overrides the config's.
pub(super) fn make(
    opts: &Options,
    store: &Store,
    slugs: &[String],
    base_url: Option<String>,
    suggestions: &mut Suggestions,
    out: Out<'_>,
) -> (Report, Option<Made>) {
    let start = Instant::now();
    let mut report = Report::default();
    let mut diags = Vec::new();
    let common = load::load_common(&opts.root, &mut diags);
    report.extend(diags);
    let Some(mut common) = common else { return (report, None) };
    if base_url.is_some() {
        common.config.base_url = base_url;
    }
    let output = opts.output.clone().unwrap_or_else(|| opts.root.join("output"));
    if let Some(d) = published_not_a_folder(opts) {
        report.push(d);
        return (report, None);
    }
    report.extend(record_of_one(opts, &output));
    for slug in slugs.iter().filter(|s| !briefing_name(s)) {
        report.push(bad_folder(slug));
    }
    report.extend(not_briefings(&opts.root));
    let write_error = |e: std::io::Error| write_error(&output, &e);
    let twin = match out {
        Out::Folder(output) => match write::Twin::open(output, store) {
            Ok(twin) => Some(twin),
            Err(e) => {
                report.push(write_error(e));
                return (report, None);
            }
        },
        _ => None,
    };
    let to_twin = twin.as_ref().map(|twin| ToTwin { twin, error: &write_error });
    let sink: Option<&dyn render::Sink> = match out {
        Out::Folder(_) => to_twin.as_ref().map(|s| s as &dyn render::Sink),
        Out::Sink(sink) => Some(sink),
        Out::Pages => None,
    };
    let each = Each::new(opts, store, &common, &output, sink, twin.as_ref());
    let (mut briefings, found) = each.all(slugs, &mut report);
    *suggestions = merge(found, opts.suggest_limit);
    if report.has_errors() {
        return (report, None);
    }
    let briefed = start.elapsed();
    let made = finish(opts, store, &common, &mut briefings, (sink, &each.highlighter));
    let homed = start.elapsed();
    let made = made.and_then(|(pages, mut counts)| {
        swap(twin, &output, &mut counts).map_err(|d| vec![d])?;
        Ok((pages, counts))
    });
    let (pages, mut counts) = match made {
        Ok(m) => m,
        Err(diags) => {
            for (_, b) in &briefings {
                report.extend(b.warnings().iter().cloned());
            }
            report.extend(diags);
            return (report, None);
        }
    };
    for (slug, b) in briefings {
        let scope = store.scoped(slug);
        let done = match b {
            Briefing::Done(done) => done,
            Briefing::Ready(p) => Done::of(&scope, slug, p, Counts::default(), None),
        };
        counts.articles += done.counts.articles;
        counts.claims += done.counts.claims;
        counts.drafts += done.counts.drafts;
        counts.preview |= done.counts.preview;
        add(&mut counts, &done.counts);
        if let (Out::Folder(output), Some(record)) = (out, done.record) {
            keep_published(opts, &scope, record, &output.join(slug));
        }
        match done.kept {
            Some(kept) => scope.keep(kept, true),
            // What was kept stands for inputs that changed since: never to be trusted.
            None if !done.whole => scope.forget(crate::store::Table::Briefing),
            None => {}
        }
        report.extend(done.warnings);
    }
    if let Out::Folder(_) = out {
        store.forget_briefings_but(slugs);
    }
    let timings = vec![("briefings", briefed), ("home", homed - briefed), ("write", start.elapsed() - homed)];
    (report, Some(Made { pages, counts, timings }))
}

/// A briefing of the build, checked.
enum Briefing {
    /// Not rendered yet: a preview's briefings wait to learn whether any has drafts, and
    /// `check` renders every page to read its links.
    Ready(Prepared),
    /// Rendered as soon as it was checked, or kept whole: what the rest of the build needs.
    Done(Done),
}

impl Briefing {
    fn warnings(&self) -> &[Diagnostic] {
        match self {
            Briefing::Ready(p) => &p.checked.report.items,
            Briefing::Done(d) => &d.warnings,
        }
    }

    /// Its share of the catalog; `None` without a heading (an error was reported).
    fn part(&self, slug: &str) -> Option<Part> {
        match self {
            Briefing::Ready(p) => part_of(slug, p),
            Briefing::Done(d) => d.part.clone(),
        }
    }
}

/// What the build keeps of a briefing it rendered or kept whole.
struct Done {
    part: Option<Part>,
    /// Its sources, and the files its render made.
    counts: Counts,
    warnings: Vec<Diagnostic>,
    /// What it published, kept with its record's identity once the site is in place.
    record: Option<crate::model::published::Published>,
    /// What a build that finds its inputs unchanged needs, kept once the site is in place.
    kept: Option<unchanged::Kept>,
    /// Whether it was kept whole, its inputs unchanged.
    whole: bool,
}

impl Done {
    /// A briefing rendered (its render counted `made`): its marks are kept for the next
    /// build at once, and its parsed site let go of.
    fn of(scope: &Store, slug: &str, mut p: Prepared, made: Counts, key: Option<u64>) -> Done {
        let site = &p.checked.site;
        let counts = Counts {
            articles: site.articles.len(),
            claims: site.claims.claims.len(),
            drafts: p.checked.drafts,
            preview: site.preview,
            ..made
        };
        let part = part_of(slug, &p);
        let record = Some(crate::model::published::Published::of(&site.claims));
        let warnings = std::mem::take(&mut p.checked.report.items);
        let kept = key.zip(part.clone()).map(|(k, part)| unchanged::Kept::new(k, part, &counts, &warnings));
        let whole = p.whole.as_mut().unwrap_or(&mut p.checked.marks);
        keep_marks(scope, whole, p.keep, p.known);
        let mut site = p.checked.site;
        super::give_back(scope, std::mem::take(&mut site.articles));
        super::drop_aside((site, p.checked.marks, p.whole));
        Done { part, counts, warnings, record, kept, whole: false }
    }

    /// A briefing kept whole, as `kept` describes it.
    fn kept(kept: unchanged::Kept) -> Done {
        let part = Some(kept.part.clone());
        let warnings = kept.warnings.diagnostics();
        Done { part, counts: kept.counts(), warnings, record: None, kept: None, whole: true }
    }
}

/// What every briefing of a build is checked (and rendered) with.
struct Each<'a> {
    opts: &'a Options,
    store: &'a Store,
    common: &'a Common,
    output: &'a Path,
    highlighter: Arc<Highlighter>,
    /// Where a briefing is rendered as soon as it is checked, when it can be.
    sink: Option<&'a dyn render::Sink>,
    /// The output's twin, when a briefing whose inputs did not change can be kept whole.
    twin: Option<&'a write::Twin>,
    /// The key of what the briefings share (see [`unchanged::common_key`]).
    common_key: u64,
    /// Files changed after this instant vouch for nothing (see [`unchanged::key`]).
    mark: i128,
    /// Whether a briefing failed: then the others are checked, to report every error,
    /// but not rendered.
    failed: std::sync::atomic::AtomicBool,
}

impl<'a> Each<'a> {
    fn new(
        opts: &'a Options,
        store: &'a Store,
        common: &'a Common,
        output: &'a Path,
        sink: Option<&'a dyn render::Sink>,
        twin: Option<&'a write::Twin>,
    ) -> Self {
        // A preview is one site, all or none of it indexed: it is rendered once every
        // briefing is checked, and made whole each time (`serve`, `--drafts`).
        let sink = sink.filter(|_| !opts.drafts);
        let twin = twin.filter(|_| !opts.drafts && !opts.suggest);
        Each {
            opts,
            store,
            common,
            output,
            highlighter: Arc::new(Highlighter::new()),
            sink,
            twin,
            common_key: unchanged::common_key(common, crate::model::date::Date::today()),
            mark: crate::stages::load::fronts::mark_now(),
            failed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Every briefing, side by side: each is small, and alone would leave a core idle.
    /// Their errors go into `report`.
    fn all<'s>(&self, slugs: &'s [String], report: &mut Report) -> (Vec<(&'s str, Briefing)>, Vec<Suggestions>) {
        use rayon::prelude::*;
        let each: Vec<(&str, Result<Briefing, Report>, Suggestions)> = slugs
            .par_iter()
            .filter(|slug| briefing_name(slug))
            .map(|slug| {
                let mut found = Suggestions::default();
                let b = self.one(slug, &mut found);
                (slug.as_str(), b, found)
            })
            .collect();
        let mut briefings = Vec::new();
        let mut found = Vec::new();
        for (slug, b, s) in each {
            found.push(s);
            match b {
                Ok(b) => briefings.push((slug, b)),
                Err(r) => report.extend(r.items),
            }
        }
        (briefings, found)
    }

    /// One briefing: kept whole when its inputs did not change, else checked, and rendered
    /// at once when it can be.
    fn one(&self, slug: &str, found: &mut Suggestions) -> Result<Briefing, Report> {
        use std::sync::atomic::Ordering::Relaxed;
        let scope = self.store.scoped(slug);
        let key = self.twin.and_then(|_| {
            unchanged::key(&self.opts.root, slug, self.common_key, self.record(slug).as_deref(), self.mark)
        });
        if let (Some(key), Some(twin)) = (key, self.twin)
            && let Some(kept) = scope.take::<unchanged::Kept>().filter(|k| k.key == key)
            && !self.failed.load(Relaxed)
        {
            match twin.keep_folder(slug) {
                Ok(Some(_)) => return Ok(Briefing::Done(Done::kept(kept))),
                Ok(None) => {}
                Err(e) => return Err(self.write_failed(e)),
            }
        }
        let prepared = prepare_one(self.opts, self.store, self.common, slug, self.output, &self.highlighter, found);
        let mut p = prepared.inspect_err(|_| self.failed.store(true, Relaxed))?;
        let Some(sink) = self.sink.filter(|_| !self.failed.load(Relaxed)) else { return Ok(Briefing::Ready(p)) };
        match render_briefing(self.store, slug, &mut p, sink) {
            Ok(made) => Ok(Briefing::Done(Done::of(&scope, slug, p, made, key))),
            Err(diags) => {
                self.failed.store(true, Relaxed);
                let mut report = std::mem::take(&mut p.checked.report);
                report.extend(diags);
                Err(report)
            }
        }
    }

    /// The record a briefing is held against, when not its own in the output.
    fn record(&self, slug: &str) -> Option<std::path::PathBuf> {
        self.opts.published.as_ref().map(|dir| dir.join(slug).join("claims.json")).filter(|p| p.exists())
    }

    fn write_failed(&self, e: std::io::Error) -> Report {
        self.failed.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut report = Report::default();
        report.push(write_error(self.output, &e));
        report
    }
}

/// The briefings not rendered yet, then the home, to `sink` or into memory. Returns the
/// pages made in memory and what was made.
fn finish(
    opts: &Options,
    store: &Store,
    common: &Common,
    briefings: &mut [(&str, Briefing)],
    (sink, highlighter): (Option<&dyn render::Sink>, &Highlighter),
) -> Result<(Vec<Page>, Counts), Vec<Diagnostic>> {
    // A preview with drafts is one site: none of it is to be indexed.
    let preview = briefings.iter().any(|(_, b)| matches!(b, Briefing::Ready(p) if p.checked.site.preview));
    for (_, b) in briefings.iter_mut() {
        if let Briefing::Ready(p) = b {
            p.checked.site.preview = preview;
        }
    }
    let mut home = home(opts, common, briefings);
    home.preview = preview;
    match sink {
        Some(sink) => into_sink(store, briefings, &home, highlighter, sink),
        None => in_memory(briefings, &home, highlighter, opts.check_links),
    }
}

/// Swaps the twin in, if there is one, and counts what it wrote.
fn swap(twin: Option<write::Twin>, output: &Path, counts: &mut Counts) -> Result<(), Diagnostic> {
    let Some(twin) = twin else { return Ok(()) };
    let written = twin.finish().map_err(|e| write_error(output, &e))?;
    write::forget_siblings(output);
    counts.written = written.written;
    counts.unchanged = written.unchanged;
    counts.removed = written.removed;
    counts.in_place = written.in_place;
    Ok(())
}

/// One briefing, loaded with the archive's config and theme and its own store, checked
/// and ready to render under `<slug>/`.
fn prepare_one(
    opts: &Options,
    store: &Store,
    common: &Common,
    slug: &str,
    output: &Path,
    highlighter: &Arc<Highlighter>,
    suggestions: &mut Suggestions,
) -> Result<Prepared, Report> {
    let scope = store.scoped(slug);
    // What the briefing published last is in its own folder of the output, or of the live
    // site's copy that `--published` names.
    let published = opts.published.as_ref().map(|dir| dir.join(slug).join("claims.json")).filter(|p| p.exists());
    let opts = Options { output: Some(output.join(slug)), published, ..opts.clone() };
    let layout = Layout::briefing(slug);
    let load = |store: &Store, highlighter: &Arc<Highlighter>| {
        load_site(store, |cache| {
            let mut diags = Vec::new();
            let content = load::load_content(&opts.root, &layout, highlighter, cache, &mut diags);
            let mut site = load::assemble(&opts.root, common, content, &layout);
            site.role = Role::Briefing(common.config.title.clone());
            if let Some(h) = &site.heading {
                site.config.title.clone_from(&h.title);
                // Described by its summary, else by its title: the archive's words are
                // about every briefing.
                site.config.description.clone_from(h.summary.as_ref().unwrap_or(&h.title));
            }
            (Some(site), diags)
        })
    };
    let base = common.config.base_url.as_ref().map(|b| format!("{b}{slug}/"));
    prepare(&opts, &scope, suggestions, base.as_deref(), &load, Arc::clone(highlighter))
}

/// The suggestions of every briefing (`check --suggest`), the strongest first, at most
/// `limit` of them (0: all). Each briefing gave its strongest `limit`, so these are the
/// archive's strongest; a conflict is sought within a briefing, among the articles about
/// one event.
fn merge(found: Vec<Suggestions>, limit: usize) -> Suggestions {
    let total = found.iter().map(|s| s.total).sum();
    let below = found.iter().map(|s| s.below).sum();
    let mut shown: Vec<_> = found.into_iter().flat_map(|s| s.shown).collect();
    // Stable: among equals, in the order of the briefings' folders.
    shown.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    if limit > 0 {
        shown.truncate(limit);
    }
    Suggestions { shown, total, below }
}

/// In an archive, `--published` names a folder: a copy of the live site, each briefing's
/// record in `<slug>/claims.json`.
fn published_not_a_folder(opts: &Options) -> Option<Diagnostic> {
    let given = opts.published.as_ref()?;
    (!given.is_dir()).then(|| {
        Diagnostic::error("usage", format!("`--published {}` is not a folder", given.display())).help(
            "in an archive, --published names a copy of the live site's output: each briefing's record is read from <folder>/<slug>/claims.json",
        )
    })
}

/// Whether `name` can be a briefing's folder: an address, and not one of the archive's
/// own pages'.
fn briefing_name(name: &str) -> bool {
    crate::model::config::is_slug(name) && !load::TAKEN.contains(&name)
}

/// The error for an output that holds a site of one briefing's record (`claims.json` at
/// its top) while the site is now an archive: built as it is, nothing would hold its
/// published verdicts, and the build would replace the record.
fn record_of_one(opts: &Options, output: &Path) -> Option<Diagnostic> {
    let record = output.join("claims.json");
    (opts.published.is_none() && record.is_file()).then(|| {
        Diagnostic::error(
            "record-moved",
            format!("{} is the record of a site of one briefing, and this site is now an archive", record.display()),
        )
        .help(
            "to keep holding its published verdicts, build once with --published FOLDER, a copy of that output with its claims.json moved to FOLDER/<slug>/claims.json (docs/archive.md, \"From one briefing to an archive\"); or, to start the record afresh, remove it",
        )
    })
}

/// A warning for each folder of an archive's `content/` that is left out because it has no
/// claims file ([`load::left_out`]): a briefing written before its claims is not
/// published, and says so.
fn not_briefings(root: &Path) -> Vec<Diagnostic> {
    load::left_out(root)
        .into_iter()
        .map(|name| {
            Diagnostic::warning(
                "not-a-briefing",
                format!("`content/{name}/` has no claims.toml, so it is not a briefing and was left out of the site"),
            )
            .help(format!(
                "to publish it, give it what a briefing has: content/{name}/claims.toml, briefing.md and articles/ (docs/archive.md); files that are not a briefing belong outside content/"
            ))
        })
        .collect()
}

/// The error for a folder of `content/` with a claims file whose name cannot be a
/// briefing's address.
fn bad_folder(name: &str) -> Diagnostic {
    let (why, help) = if load::TAKEN.contains(&name) {
        (
            format!("`{name}/` is the address of the archive's own pages"),
            "rename the folder: topics, outlets, search and page are the archive's, articles a site of one briefing's",
        )
    } else {
        (
            "its name is its address".to_string(),
            "rename the folder with a-z, 0-9 and single hyphens (for example content/harbour-reopening/)",
        )
    };
    Diagnostic::error("bad-slug", format!("`content/{name}/` cannot be a briefing: {why}"))
        .help(help)
        .in_file(&SourceFile::new(format!("content/{name}/claims.toml"), ""))
}

/// The archive's home, as a site of its own: no articles nor claims of its own, the
/// catalog of its briefings' instead, newest event first.
fn home(opts: &Options, common: &Common, briefings: &[(&str, Briefing)]) -> load::Site {
    let mut parts: Vec<Part> = briefings.iter().filter_map(|(slug, b)| b.part(slug)).collect();
    parts.sort_by(|a, b| {
        let (a, b) = (&a.listing, &b.listing);
        b.heading.date.cmp(&a.heading.date).then_with(|| a.slug.cmp(&b.slug))
    });
    let mut catalog = Catalog::default();
    for part in parts {
        catalog.add(part);
    }
    load::Site {
        root: opts.root.clone(),
        config: common.config.clone(),
        articles: Vec::new(),
        broken: Vec::new(),
        claims: Default::default(),
        claims_file: SourceFile::new("", ""),
        lead: None,
        theme: Arc::clone(&common.theme),
        late: Arc::default(),
        preview: false,
        layout: Layout::single(),
        heading: None,
        lead_line: 0,
        role: Role::Home(Box::new(catalog)),
    }
}

/// A briefing's share of the catalog: its line on the home, with its counts, and its
/// published claims and articles. `None` without a heading (an error was reported).
fn part_of(slug: &str, p: &Prepared) -> Option<Part> {
    let site = &p.checked.site;
    let flag = |c: usize| {
        let key = &site.claims.claims[c].verdict.value;
        site.config.verdicts.iter().any(|v| &v.key == key && v.flag)
    };
    let flags = p
        .checked
        .marks
        .iter()
        .flat_map(|l| l.iter())
        .filter(|m| matches!(m.target, Target::Appearance { claim, .. } if flag(claim)))
        .count();
    let listing = Listing {
        slug: slug.to_string(),
        heading: site.heading.clone()?,
        articles: site.articles.len(),
        claims: site.claims.claims.len(),
        flags,
        discrepancies: site.claims.discrepancies.len(),
    };
    let (claims, articles) = published(site);
    Some(Part { listing, claims, articles })
}

/// The published claims and articles of `site`, numbered within it.
fn published(site: &load::Site) -> (Vec<Entry>, Vec<Story>) {
    // A claim without a topic was given the front page's "Other claims": across
    // briefings, that is no topic.
    let other = site.theme.locale.get("other-claims", None, &[]);
    let mut by_slug = std::collections::HashMap::new();
    let mut stories = Vec::new();
    for (i, a) in site.articles.iter().enumerate() {
        by_slug.insert(a.slug.as_str(), i);
        stories.push(Story {
            briefing: 0,
            slug: a.slug.clone(),
            title: a.meta.title.clone(),
            outlet: a.meta.outlet.clone(),
            published: a.meta.published,
            draft: a.meta.draft,
        });
    }
    let mut entries = Vec::new();
    for c in &site.claims.claims {
        let mut articles: Vec<usize> =
            c.appearances.iter().filter_map(|q| by_slug.get(q.article.value.as_str()).copied()).collect();
        articles.sort_unstable();
        articles.dedup();
        entries.push(Entry {
            briefing: 0,
            id: c.id.value.clone(),
            claim: c.claim.clone(),
            finding: c.finding.clone(),
            verdict: c.verdict.value.clone(),
            topic: if c.topic == other { String::new() } else { c.topic.clone() },
            checked: c.checked,
            updated: site.claims.updated(c),
            corrections: site.claims.corrections_of(&c.id.value).count(),
            articles,
            draft: c.draft,
        });
    }
    (entries, stories)
}

/// The briefings not rendered yet, under their folders, and the home, to `sink`.
fn into_sink(
    store: &Store,
    briefings: &mut [(&str, Briefing)],
    home: &load::Site,
    highlighter: &Highlighter,
    sink: &dyn render::Sink,
) -> Result<(Vec<Page>, Counts), Vec<Diagnostic>> {
    use rayon::prelude::*;
    // Side by side, as they were prepared; each briefing's pages go under its folder.
    let made: Vec<Result<Counts, Vec<Diagnostic>>> = briefings
        .par_iter_mut()
        .filter_map(|(slug, b)| match b {
            Briefing::Ready(p) => Some(render_briefing(store, slug, p, sink)),
            Briefing::Done(_) => None,
        })
        .collect();
    let mut counts = Counts::default();
    for m in made {
        add(&mut counts, &m?);
    }
    let made = render::render_to(home, &Vec::new(), &[], highlighter, None, sink)?;
    add(&mut counts, &made);
    Ok((Vec::new(), counts))
}

/// One briefing's pages, under its folder, to `sink`.
fn render_briefing(
    store: &Store,
    slug: &str,
    p: &mut Prepared,
    sink: &dyn render::Sink,
) -> Result<Counts, Vec<Diagnostic>> {
    let scope = store.scoped(slug);
    let items = scope.take::<KeptItems>().or_else(|| scope.in_memory_only().then(KeptItems::new));
    let prefixed = Prefixed { prefix: format!("{slug}/"), inner: sink };
    let c = &p.checked;
    let made = render::render_to(&c.site, &c.marks, &c.found_by, &c.highlighter, items.as_ref(), &prefixed);
    let late = late_errors(&c.site, &scope);
    let made = made.map_err(|mut ds| {
        ds.extend(late.iter().cloned());
        ds
    })?;
    if !late.is_empty() {
        return Err(late);
    }
    if let Some(items) = items {
        items.save();
        scope.keep(items, true);
    }
    Ok(made)
}

/// Every page of every briefing, and of the home, in memory (`check`: every briefing is
/// ready, none rendered yet).
fn in_memory(
    briefings: &mut [(&str, Briefing)],
    home: &load::Site,
    highlighter: &Highlighter,
    check_links: bool,
) -> Result<(Vec<Page>, Counts), Vec<Diagnostic>> {
    let mut ready: Vec<(&str, &mut Prepared)> = briefings
        .iter_mut()
        .filter_map(|(slug, b)| match b {
            Briefing::Ready(p) => Some((*slug, p)),
            Briefing::Done(_) => None,
        })
        .collect();
    let mut pages = Vec::new();
    let mut counts = Counts::default();
    for (slug, p) in &ready {
        let c = &p.checked;
        let (made, n) = render::render(&c.site, &c.marks, &c.found_by, &c.highlighter)?;
        pages.extend(made.into_iter().map(|page| Page { path: format!("{slug}/{}", page.path), bytes: page.bytes }));
        add(&mut counts, &n);
    }
    let (made, n) = render::render(home, &Vec::new(), &[], highlighter)?;
    pages.extend(made);
    add(&mut counts, &n);
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    if check_links {
        let prefixes: Vec<String> = ready.iter().map(|(slug, _)| format!("{slug}/")).collect();
        let scanned = crate::stages::links::Scanned::new(&pages);
        for ((_, p), prefix) in ready.iter_mut().zip(&prefixes) {
            let c = &mut p.checked;
            c.report.extend(crate::stages::links::check_in(&c.site, &scanned, &c.draft_pages, prefix, &[]));
        }
        let broken = crate::stages::links::check_in(home, &scanned, &Default::default(), "", &prefixes);
        if let Some((_, p)) = ready.first_mut() {
            p.checked.report.extend(broken);
            p.checked.report.extend(crate::stages::validate::no_base_url(&home.config));
        }
    }
    Ok((pages, counts))
}

/// Adds the files, pages, flags and reuses of one render to `counts`.
fn add(counts: &mut Counts, made: &Counts) {
    counts.files += made.files;
    counts.pages += made.pages;
    counts.flags += made.flags;
    counts.reused += made.reused;
}

/// A sink that puts a briefing's pages under its folder, each file whole: an archive's
/// pages are bounded (a briefing's largest, its `claims.json`, is ~150 KB at 40 claims),
/// and splicing them from their last version (`write/splice.rs`) saved nothing measurable
/// at 500 briefings, for an edit (0.29-0.42 s either way) or a fresh build (3.9-4.2 s),
/// while it kept a 2.2 MB table of their layouts.
struct Prefixed<'s> {
    prefix: String,
    inner: &'s dyn render::Sink,
}

impl Prefixed<'_> {
    fn path(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }
}

impl render::Sink for Prefixed<'_> {
    fn put(&self, page: Page, fingerprint: Option<u64>) -> Result<(), Diagnostic> {
        self.inner.put(Page { path: self.path(&page.path), bytes: page.bytes }, fingerprint)
    }

    fn reuse(&self, path: &str, fingerprint: u64) -> Result<bool, Diagnostic> {
        self.inner.reuse(&self.path(path), fingerprint)
    }

    fn wants_cards(&self) -> bool {
        self.inner.wants_cards()
    }
}
