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

use super::{Made, Options, Out, Prepared, ToTwin, keep_marks, keep_published, late_errors, load_site, prepare};
use crate::model::catalog::{Catalog, Entry, Listing, Story};
use crate::model::diag::{Diagnostic, Report, SourceFile};
use crate::model::highlight::Highlighter;
use crate::model::page::{Counts, Page, Runs};
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
    let highlighter = Arc::new(Highlighter::new());
    // Briefings are prepared side by side: each is small, and alone would leave a core idle.
    use rayon::prelude::*;
    let prepared: Vec<(&str, Result<Prepared, Report>, Suggestions)> = slugs
        .par_iter()
        .filter(|slug| briefing_name(slug))
        .map(|slug| {
            let mut found = Suggestions::default();
            let p = prepare_one(opts, store, &common, slug, &output, &highlighter, &mut found);
            (slug.as_str(), p, found)
        })
        .collect();
    for slug in slugs.iter().filter(|s| !briefing_name(s)) {
        report.push(bad_folder(slug));
    }
    let mut briefings = Vec::new();
    let mut found = Vec::new();
    for (slug, p, s) in prepared {
        found.push(s);
        match p {
            Ok(p) => briefings.push((slug, p)),
            Err(r) => report.extend(r.items),
        }
    }
    *suggestions = merge(found, opts.suggest_limit);
    if report.has_errors() {
        return (report, None);
    }
    // A preview with drafts is one site: none of it is to be indexed.
    let preview = briefings.iter().any(|(_, p)| p.checked.site.preview);
    for (_, p) in &mut briefings {
        p.checked.site.preview = preview;
    }
    let checked = start.elapsed();
    let mut home = home(opts, &common, &briefings);
    home.preview = preview;
    let made = match out {
        Out::Folder(output) => into_folder(output, store, &mut briefings, &home),
        Out::Sink(sink) => into_sink(store, &mut briefings, &home, sink),
        Out::Pages => in_memory(&mut briefings, &home, opts.check_links),
    };
    let made = match made {
        Ok(m) => m,
        Err(diags) => {
            for (_, p) in &briefings {
                report.extend(p.checked.report.items.iter().cloned());
            }
            report.extend(diags);
            return (report, None);
        }
    };
    let mut counts = made.1;
    for (slug, mut p) in briefings {
        if let Out::Folder(output) = out {
            keep_published(opts, &store.scoped(slug), &p.checked.site, &output.join(slug));
        }
        counts.articles += p.checked.site.articles.len();
        counts.claims += p.checked.site.claims.claims.len();
        counts.drafts += p.checked.drafts;
        counts.preview |= p.checked.site.preview;
        report.extend(std::mem::take(&mut p.checked.report.items));
        let whole = p.whole.as_mut().unwrap_or(&mut p.checked.marks);
        keep_marks(&store.scoped(slug), whole, p.keep, p.known);
    }
    if let Out::Folder(_) = out {
        store.forget_briefings_but(slugs);
    }
    let timings = vec![("check", checked), ("render and write", start.elapsed() - checked)];
    (report, Some(Made { pages: made.0, counts, timings }))
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
    let mut shown: Vec<_> = found.into_iter().flat_map(|s| s.shown).collect();
    // Stable: among equals, in the order of the briefings' folders.
    shown.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    if limit > 0 {
        shown.truncate(limit);
    }
    Suggestions { shown, total }
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
/// catalog of its briefings' instead.
fn home(opts: &Options, common: &Common, briefings: &[(&str, Prepared)]) -> load::Site {
    let mut listed: Vec<(Listing, &Prepared)> =
        briefings.iter().filter_map(|(slug, p)| Some((listing(slug, p)?, p))).collect();
    listed.sort_by(|(a, _), (b, _)| b.heading.date.cmp(&a.heading.date).then_with(|| a.slug.cmp(&b.slug)));
    let mut catalog = Catalog::default();
    for (n, (listing, p)) in listed.into_iter().enumerate() {
        add_to(&mut catalog, n, &p.checked.site);
        catalog.briefings.push(listing);
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

/// A briefing's line on the home, with its counts; `None` without a heading (an error
/// was reported).
fn listing(slug: &str, p: &Prepared) -> Option<Listing> {
    let site = &p.checked.site;
    let flag = |c: usize| {
        let key = &site.claims.claims[c].verdict.value;
        site.config.verdicts.iter().any(|v| &v.key == key && v.flag)
    };
    let flags = p
        .checked
        .marks
        .iter()
        .flatten()
        .filter(|m| matches!(m.target, Target::Appearance { claim, .. } if flag(claim)))
        .count();
    Some(Listing {
        slug: slug.to_string(),
        heading: site.heading.clone()?,
        articles: site.articles.len(),
        claims: site.claims.claims.len(),
        flags,
        discrepancies: site.claims.discrepancies.len(),
    })
}

/// Adds the published claims and articles of `site`, the `n`-th briefing, to `catalog`.
fn add_to(catalog: &mut Catalog, n: usize, site: &load::Site) {
    let first = catalog.articles.len();
    // A claim without a topic was given the front page's "Other claims": across
    // briefings, that is no topic.
    let other = site.theme.locale.get("other-claims", None, &[]);
    let mut by_slug = std::collections::HashMap::new();
    for (i, a) in site.articles.iter().enumerate() {
        by_slug.insert(a.slug.as_str(), first + i);
        catalog.articles.push(Story {
            briefing: n,
            slug: a.slug.clone(),
            title: a.meta.title.clone(),
            outlet: a.meta.outlet.clone(),
            published: a.meta.published,
            draft: a.meta.draft,
        });
    }
    for c in &site.claims.claims {
        let mut articles: Vec<usize> =
            c.appearances.iter().filter_map(|q| by_slug.get(q.article.value.as_str()).copied()).collect();
        articles.sort_unstable();
        articles.dedup();
        catalog.claims.push(Entry {
            briefing: n,
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
}

/// Every briefing and the home into the output's twin, which is swapped in.
fn into_folder(
    output: &Path,
    store: &Store,
    briefings: &mut [(&str, Prepared)],
    home: &load::Site,
) -> Result<(Vec<Page>, Counts), Vec<Diagnostic>> {
    let write_error = |e: std::io::Error| {
        Diagnostic::error("io-write", format!("cannot write the site to {}: {e}", output.display()))
            .help("check free space and permissions; the previous output was left as it was")
    };
    let twin = write::Twin::open(output, store).map_err(|e| vec![write_error(e)])?;
    let sink = ToTwin { twin: &twin, error: &write_error };
    let (_, mut counts) = into_sink(store, briefings, home, &sink)?;
    let written = twin.finish().map_err(|e| vec![write_error(e)])?;
    write::forget_siblings(output);
    counts.written = written.written;
    counts.unchanged = written.unchanged;
    counts.removed = written.removed;
    counts.in_place = written.in_place;
    Ok((Vec::new(), counts))
}

/// Every briefing, under its folder, and the home, to `sink`.
fn into_sink(
    store: &Store,
    briefings: &mut [(&str, Prepared)],
    home: &load::Site,
    sink: &dyn render::Sink,
) -> Result<(Vec<Page>, Counts), Vec<Diagnostic>> {
    use rayon::prelude::*;
    // Side by side, as they were prepared; each briefing's pages go under its folder.
    let made: Vec<Result<Counts, Vec<Diagnostic>>> =
        briefings.par_iter_mut().map(|(slug, p)| render_briefing(store, slug, p, sink)).collect();
    let mut counts = Counts::default();
    for m in made {
        add(&mut counts, &m?);
    }
    let highlighter = shared_highlighter(briefings);
    let made = render::render_to(home, &Vec::new(), &highlighter, None, sink)?;
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
    let made = render::render_to(&c.site, &c.marks, &c.highlighter, items.as_ref(), &prefixed);
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

/// Every page of every briefing, and of the home, in memory (`check`).
fn in_memory(
    briefings: &mut [(&str, Prepared)],
    home: &load::Site,
    check_links: bool,
) -> Result<(Vec<Page>, Counts), Vec<Diagnostic>> {
    let mut pages = Vec::new();
    let mut counts = Counts::default();
    for (slug, p) in briefings.iter() {
        let c = &p.checked;
        let (made, n) = render::render(&c.site, &c.marks, &c.highlighter)?;
        pages.extend(made.into_iter().map(|page| Page { path: format!("{slug}/{}", page.path), bytes: page.bytes }));
        add(&mut counts, &n);
    }
    let highlighter = shared_highlighter(briefings);
    let (made, n) = render::render(home, &Vec::new(), &highlighter)?;
    pages.extend(made);
    add(&mut counts, &n);
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    if check_links {
        let prefixes: Vec<String> = briefings.iter().map(|(slug, _)| format!("{slug}/")).collect();
        let scanned = crate::stages::links::Scanned::new(&pages);
        for ((_, p), prefix) in briefings.iter_mut().zip(&prefixes) {
            let c = &mut p.checked;
            c.report.extend(crate::stages::links::check_in(&c.site, &scanned, &c.draft_pages, prefix, &[]));
        }
        let broken = crate::stages::links::check_in(home, &scanned, &Default::default(), "", &prefixes);
        if let Some((_, p)) = briefings.first_mut() {
            p.checked.report.extend(broken);
            p.checked.report.extend(crate::stages::validate::no_base_url(&home.config));
        }
    }
    Ok((pages, counts))
}

/// The highlighter the briefings share, for the home (which highlights nothing of its
/// own, but renders through the same machinery).
fn shared_highlighter(briefings: &[(&str, Prepared)]) -> Arc<Highlighter> {
    briefings.first().map_or_else(|| Arc::new(Highlighter::new()), |(_, p)| Arc::clone(&p.checked.highlighter))
}

/// Adds the files, pages, flags and reuses of one render to `counts`.
fn add(counts: &mut Counts, made: &Counts) {
    counts.files += made.files;
    counts.pages += made.pages;
    counts.flags += made.flags;
    counts.reused += made.reused;
}

/// A sink that puts a briefing's pages under its folder.
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

    fn kept_items(&self, path: &str) -> Result<std::collections::HashSet<u64>, Diagnostic> {
        self.inner.kept_items(&self.path(path))
    }

    fn put_spliced(&self, path: &str, fingerprint: Option<u64>, runs: &dyn Runs) -> Result<(), Diagnostic> {
        self.inner.put_spliced(&self.path(path), fingerprint, runs)
    }

    fn wants_cards(&self) -> bool {
        self.inner.wants_cards()
    }
}
