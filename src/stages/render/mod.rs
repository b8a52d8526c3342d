//! Stage 4, render: pages from the loaded, validated and anchored site.
//!
//! This module turns plain data into template contexts (plain `Serialize` structs, so a
//! theme author can read exactly what a template receives) and runs the templates. Every
//! link in a context is relative to the site root; templates prefix it with `root`, the
//! way back from the page to the root, so that the output works under any path and from
//! disk. Machine-readable outputs are made by [`crate::stages::render::export`] (claims.json),
//! [`crate::stages::render::jsonld`] (ClaimReview) and [`crate::stages::render::feed`] (Atom, sitemap, robots.txt).

pub mod card;
pub mod export;
pub mod feed;
pub mod fingerprint;
pub mod flat;
mod home;
mod inputs;
pub mod jsonld;
pub mod parts;
pub mod search;
pub mod strings;
pub mod versions;

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::model::article::Article;
use crate::model::claims::Claim;
use crate::model::config::{Config, Publisher, Verdict};
use crate::model::date::Date;
use crate::model::diag::Diagnostic;
use crate::model::highlight::{self, Highlighter};
use crate::model::markup::{self, Highlight, escape};
use crate::model::page::{self, Counts, Keys, Page, Runs, Seg};
use crate::stages::anchor::{Marks, Target};
use crate::stages::load::theme::{self, Compiled, Theme};
use crate::stages::load::{Role, Site};
use crate::stages::render::fingerprint::Keyed;
use crate::stages::render::parts::{Html, KeptItems};

/// The render's own maps, of ids, slugs and indexes: std's SipHash was 7% of a rebuild's
/// time in them, and the keys are the site's own.
type FastMap<K, V> = foldhash::HashMap<K, V>;

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    publisher: &'a Publisher,
    base_url: Option<&'a str>,
    repo_url: Option<&'a str>,
    generator: String,
    /// A preview with drafts: every page asks not to be indexed.
    preview: bool,
    /// `ltr` or `rtl`: the writing direction of the locale.
    dir: &'a str,
    /// Open Graph's `language_TERRITORY`: the site's `language` when it names a region
    /// (`pt-BR` is `pt_BR`), else its table's `og-locale`.
    og_locale: String,
    /// The publisher's name, linked to its address when it has one, as HTML.
    publisher_html: String,
}

#[derive(Serialize)]
struct PageCtx {
    title: String,
    description: String,
    /// The page's path under the site root, as a directory URL (`claims/x/`).
    path: String,
    /// Absolute URL of the page, when `base_url` is set.
    canonical: Option<String>,
    /// Open Graph type: `website` or `article`.
    og_type: &'static str,
    /// The absolute address of the page's share card, when it has one.
    image: Option<String>,
    /// What the card shows, for `og:image:alt`: the page's title on a claim's own card,
    /// the briefing's title on the briefing's.
    image_alt: String,
}

/// An article as other pages refer to it.
#[derive(Serialize, Clone)]
pub struct ArticleRef<'a> {
    /// The slug.
    pub slug: &'a str,
    /// Headline.
    pub title: &'a str,
    /// Publication, if stated.
    pub outlet: Option<&'a str>,
    /// Byline, if stated.
    pub author: Option<&'a str>,
    /// Stated date.
    pub published: Option<Day>,
    /// When captured.
    pub retrieved: Option<Day>,
    /// Original address.
    pub url: Option<&'a str>,
    /// An archived copy of the original.
    pub archive_url: Option<&'a str>,
    /// Editor's note on the copy.
    pub note: Option<&'a str>,
    /// `markdown` or `text`.
    pub format: crate::model::article::Format,
    /// Its page, from the root.
    pub href: String,
    /// In an archive, its outlet's page across briefings, from the archive's root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlet_href: Option<String>,
    /// Appearances marked in this article.
    pub checked: usize,
    /// Of which flagged.
    pub flags: usize,
    /// Artifacts marked.
    pub artifacts: usize,
    /// How many checked passages changed after the check.
    pub changed: usize,
    /// A draft, shown only by `serve` and `build --drafts`.
    pub draft: bool,
    /// The SHA-256 of the page it was imported from, whose bytes are published beside
    /// its page as `original.txt`.
    pub sha256: Option<&'a str>,
}

/// A date in the forms templates need.
#[derive(Serialize, Clone)]
pub struct DateCtx {
    /// `2026-02-27`.
    pub iso: String,
    /// `27 February 2026`.
    pub long: String,
    /// `Friday`.
    pub weekday: &'static str,
}

impl From<Date> for DateCtx {
    fn from(d: Date) -> Self {
        DateCtx { iso: d.iso(), long: d.long(), weekday: d.weekday() }
    }
}

/// A date that a template sees as a [`DateCtx`], made when the template reads it; a
/// fingerprint takes the date itself. The sources page lists 20,000 sources at 10k/20k,
/// and making every source's date strings to key its item, and sorting by them, was a
/// third of that list's making on every `serve` rebuild; the same for each article's
/// dates in the 10,000 references to articles made on every rebuild.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(Date);

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            DateCtx::from(self.0).serialize(serializer)
        } else {
            serializer.serialize_u32(self.0.number())
        }
    }
}

#[derive(Serialize, Clone)]
struct AppearanceCtx<'a> {
    article: Arc<Keyed<ArticleRef<'a>>>,
    mark_id: String,
    href: String,
    before: &'a str,
    exact: &'a str,
    after: &'a str,
    note: Option<&'a str>,
    /// When the article changed after the check (`exact` is then the passage as checked).
    changed: Option<versions::NowCtx>,
}

#[derive(Serialize, Clone)]
struct SourceCtx<'a> {
    title: &'a str,
    /// `title` describes the page; its real title is not known.
    described: bool,
    publisher: Option<&'a str>,
    url: &'a str,
    /// An archived copy, when the editor gave one.
    archive_url: Option<&'a str>,
    date: Option<DateCtx>,
}

#[derive(Serialize, Clone)]
struct DiscrepancyRef<'a> {
    id: &'a str,
    title: &'a str,
    href: String,
}

#[derive(Serialize, Clone)]
struct CorrectionCtx {
    date: DateCtx,
    text_html: String,
}

/// A claim as every page shows it. Made once per build and shared by reference.
#[derive(Serialize)]
struct ClaimCtx<'a> {
    id: &'a str,
    claim: &'a str,
    verdict: &'a Verdict,
    finding: &'a str,
    explanation_html: Md<'a>,
    checked: DateCtx,
    /// The latest of `checked` and the corrections' dates.
    updated: DateCtx,
    topic: &'a str,
    href: String,
    sources: Vec<SourceCtx<'a>>,
    appearances: Vec<AppearanceCtx<'a>>,
    discrepancies: Vec<DiscrepancyRef<'a>>,
    /// Newest first.
    corrections: Vec<CorrectionCtx>,
    /// A draft, shown only by `serve` and `build --drafts`.
    draft: bool,
}

/// A claim as a list shows it (front page, sources, corrections, an article's flags):
/// what a line about it needs, without its appearances, sources or explanation. Lists
/// hold thousands of these in a large briefing, and a page's context is only as costly as
/// what it carries; the claim's own page and the discrepancies get the whole claim.
///
/// Made from the claim, not from its whole context ([`ClaimCtx`]): made for a list, the
/// whole context was kept to the render's end, 22 MB of a 10k/20k build's peak.
#[derive(Serialize)]
struct ClaimRef<'a> {
    id: &'a str,
    claim: &'a str,
    verdict: &'a Verdict,
    finding: &'a str,
    topic: &'a str,
    href: String,
    checked: DateCtx,
    updated: DateCtx,
    draft: bool,
}

/// A claim as a list shows it ([`ClaimRef`]), made only when a template reads it: the
/// item is keyed by the claim's inputs (see [`inputs`]), so a list's fingerprint never
/// needs it, and an unchanged item is never rendered.
struct Listed<'s> {
    claims: &'s (dyn ClaimRefs + 's),
    i: usize,
}

/// A claim as its page shows it ([`ClaimCtx`]), made only when a template reads it (a
/// discrepancy's sides, on the front page).
struct Whole<'s> {
    claims: &'s (dyn ClaimRefs + 's),
    i: usize,
}

/// Where a [`Listed`] or [`Whole`] claim is made from.
trait ClaimRefs: Sync {
    /// Claim `i` as a list shows it.
    fn claim_ref(&self, i: usize) -> ClaimRef<'_>;

    /// Claim `i` as its page shows it.
    fn whole(&self, i: usize) -> &ClaimCtx<'_>;
}

impl Serialize for Whole<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.claims.whole(self.i).serialize(serializer)
    }
}

/// An article as a list shows it ([`ArticleRef`]), made only when a template reads it.
struct ListedArticle<'s, 'a> {
    shared: &'s Shared<'a>,
    i: usize,
}

impl Serialize for ListedArticle<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.shared.article(self.i).value.serialize(serializer)
    }
}

impl Serialize for Listed<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.claims.claim_ref(self.i).serialize(serializer)
    }
}

#[derive(Serialize)]
struct DiscrepancyCtx<'a, 's> {
    id: &'a str,
    title: &'a str,
    resolution_html: Md<'a>,
    sides: Vec<Keyed<Whole<'s>>>,
    /// A draft, shown only by `serve` and `build --drafts`.
    draft: bool,
}

struct ScoreRow<'a, 's> {
    article: Keyed<ListedArticle<'s, 'a>>,
    /// The count of each verdict, in the order of the verdicts.
    counts: Vec<usize>,
    labels: Labels<'a>,
    artifacts: usize,
}

/// The verdicts' labels, for a scorecard row's cells, with their hash.
#[derive(Clone, Copy)]
struct Labels<'a> {
    verdicts: &'a [Verdict],
    key: u64,
}

/// A row as templates see it: its article, its counts, the same counts with their
/// verdict's label as `cells` (for a cell that names its column: the scorecard's stacked
/// layout on narrow screens), and its artifacts. A fingerprint takes the labels' hash in
/// place of the cells: at 10,000 articles, a list of cells made for every row, and their
/// labels hashed into every row's key, on every `serve` rebuild.
impl Serialize for ScoreRow<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let human = serializer.is_human_readable();
        let mut row = serializer.serialize_struct("ScoreRow", 4)?;
        row.serialize_field("article", &self.article)?;
        row.serialize_field("counts", &self.counts)?;
        if human {
            row.serialize_field("cells", &Cells(self))?;
        } else {
            row.serialize_field("cells", &self.labels.key)?;
        }
        row.serialize_field("artifacts", &self.artifacts)?;
        row.end()
    }
}

/// A row's cells, made as they are written.
struct Cells<'r, 'a, 's>(&'r ScoreRow<'a, 's>);

impl Serialize for Cells<'_, '_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let row = self.0;
        serializer
            .collect_seq(row.labels.verdicts.iter().zip(&row.counts).map(|(v, &n)| ScoreCell { label: &v.label, n }))
    }
}

/// One verdict's count in a scorecard row.
#[derive(Serialize)]
struct ScoreCell<'a> {
    label: &'a str,
    n: usize,
}

#[derive(Serialize)]
struct EventCtx<'a> {
    date: DateCtx,
    title: &'a str,
    source: Option<&'a str>,
}

#[derive(Serialize)]
struct FlagCtx<'a, 's> {
    mark_id: String,
    claim: Keyed<Listed<'s>>,
    exact: &'a str,
}

#[derive(Serialize)]
struct ArtifactCtx<'a> {
    mark_id: String,
    reason: &'a str,
    exact: &'a str,
}

#[derive(Serialize)]
struct SourceListCtx<'a, 's> {
    title: &'a str,
    /// `title` describes the page; its real title is not known.
    described: bool,
    publisher: Option<&'a str>,
    url: &'a str,
    /// An archived copy, when the editor gave one.
    archive_url: Option<&'a str>,
    date: Option<Day>,
    claims: Vec<Keyed<Listed<'s>>>,
}

#[derive(Serialize)]
struct CorrectionListCtx<'s> {
    date: DateCtx,
    text_html: String,
    claim: Keyed<Listed<'s>>,
}

/// The front page's lists, before their items are rendered.
struct IndexLists<'a, 's> {
    discrepancies: Parts<DiscrepancyCtx<'a, 's>>,
    scorecard: Parts<ScoreRow<'a, 's>>,
    articles: Parts<Keyed<ListedArticle<'s, 'a>>>,
    topics: Vec<(&'a str, Parts<Keyed<Listed<'s>>>)>,
}

/// The front page's context: its lists are the HTML of their items (`parts/*.html`).
#[derive(Serialize)]
struct IndexCtx<'a, L: Serialize> {
    lead_html: Option<String>,
    discrepancies: L,
    scorecard: L,
    articles: L,
    topics: Vec<TopicCtx<'a, L>>,
    timeline: &'a [EventCtx<'a>],
    counts: &'a CountsCtx,
}

/// The front page's context for a theme whose `index.html` comes without its parts (one
/// written before parts existed): the lists as data, as they were. Slower at scale.
#[derive(Serialize)]
struct FullIndexCtx<'a, 's> {
    lead_html: Option<String>,
    discrepancies: Vec<DiscrepancyCtx<'a, 's>>,
    scorecard: Vec<ScoreRow<'a, 's>>,
    articles: Vec<Keyed<ListedArticle<'s, 'a>>>,
    topics: Vec<TopicCtx<'a, Vec<Keyed<Listed<'s>>>>>,
    timeline: Vec<EventCtx<'a>>,
    counts: CountsCtx,
}

#[derive(Serialize)]
struct TopicCtx<'a, L: Serialize> {
    name: &'a str,
    claims: L,
}

#[derive(Serialize)]
struct CountsCtx {
    articles: usize,
    claims: usize,
    appearances: usize,
    flags: usize,
    discrepancies: usize,
    artifacts: usize,
    corrections: usize,
}

#[derive(Serialize)]
struct SourcesCtx<L: Serialize> {
    sources: L,
}

#[derive(Serialize)]
struct CorrectionsCtx<'s> {
    corrections: Vec<CorrectionListCtx<'s>>,
    policy_html: String,
}

/// The archive a briefing's pages belong to: its title and its home.
#[derive(Serialize)]
struct ArchiveCtx<'a> {
    title: &'a str,
    href: String,
}

#[derive(Serialize)]
struct ArticlePageCtx<'a, 's> {
    article: &'s Arc<Keyed<ArticleRef<'a>>>,
    flags: Vec<FlagCtx<'a, 's>>,
    accurate: Vec<FlagCtx<'a, 's>>,
    artifacts: Vec<ArtifactCtx<'a>>,
    /// Its earlier versions, when it changed after it was checked.
    versions: Vec<versions::VersionCtx>,
    /// The checked passages that changed since.
    changes: Vec<versions::ChangeCtx<'a, Keyed<Listed<'s>>>>,
}

#[derive(Serialize)]
struct ClaimPageCtx<'a, 's> {
    claim: Mine<'s, Keyed<ClaimCtx<'a>>>,
    /// `content/claims.toml, lines 4–20`, in English: for themes written before locales.
    recorded_lines: String,
    /// Where the entry is: file, first and last line.
    recorded: (&'a str, usize, usize),
    edit_url: Option<String>,
    /// In an archive, its topic's page across briefings, from the archive's root.
    topic_href: Option<String>,
}

/// A value a context borrows from what the render keeps, or owns.
enum Mine<'s, T> {
    /// Kept by the render for other pages too.
    Lent(&'s T),
    /// Made for this page alone.
    Own(T),
}

impl<T: Serialize> Serialize for Mine<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Mine::Lent(t) => t.serialize(serializer),
            Mine::Own(t) => t.serialize(serializer),
        }
    }
}

/// A page without a context of its own.
#[derive(Serialize)]
struct NoCtx {}

/// A page's own template context: its fingerprint, taken from the typed structs (no
/// `serde_json::Value` tree is built for a page that is not rendered), and the context
/// itself, made on demand.
struct Own<'o> {
    hash: u64,
    make: MakeContext<'o>,
}

/// Makes a page's context, given the compiled templates (a large page renders its items
/// with them first).
type MakeContext<'o> = Box<dyn FnOnce(&Compiled) -> Result<Context, Diagnostic> + 'o>;

impl<'o> Own<'o> {
    fn of<T: Serialize + 'o>(value: T) -> Own<'o> {
        Own { hash: fingerprint::of(&value), make: Box::new(move |c| Ok(flat::page(&value, &c.globals))) }
    }
}

/// A part: the template of one list's items, and the name it gives its item.
#[derive(Clone, Copy)]
struct Part {
    template: &'static str,
    var: &'static str,
}

const DISCREPANCY: Part = Part { template: "parts/discrepancy.html", var: "d" };
const SCORE_ROW: Part = Part { template: "parts/score-row.html", var: "row" };
const ARTICLE_ITEM: Part = Part { template: "parts/article-item.html", var: "a" };
const CLAIM_ITEM: Part = Part { template: "parts/claim-item.html", var: "c" };
const SOURCE: Part = Part { template: "parts/source.html", var: "s" };

/// Every part, each read by flat names where that is safe (see [`flat`]).
const PARTS: [Part; 5] = [DISCREPANCY, SCORE_ROW, ARTICLE_ITEM, CLAIM_ITEM, SOURCE];

/// The structs of pages' contexts read by flat names where every template reads them
/// only through their fields (see [`flat::globals`]): each page reads `site` and `page`
/// about 15 times, a claim's page `claim` 25. (An article's page reads `article` 20
/// times, but the theme's macros `byline` and `outlet` take an argument of that name.)
/// Each is spread by [`Renderer::complete`] and [`flat::page`]; a name put into a context
/// anywhere else must not be one.
const GLOBALS: [&str; 3] = ["site", "page", "claim"];

/// The part templates of the front page.
const INDEX_PARTS: [&str; 4] = [DISCREPANCY.template, SCORE_ROW.template, ARTICLE_ITEM.template, CLAIM_ITEM.template];

/// Whether `page` is made of `parts`: unless its template comes from a later layer than
/// its parts (the built-in theme, then a theme folder, then the site's `templates/`). A
/// theme, or an override, written before parts existed loops over data, and gets it; an
/// override of one part of a theme's page applies.
fn uses_parts(theme: &theme::Theme, page: &str, parts: &[&str]) -> bool {
    // Site overrides are read from `templates/`; theme files from `themes/<name>/templates/`
    // or the built-in theme.
    let layer = |name: &str| {
        let file = theme.templates.iter().find(|(n, _)| n == name).map(|(_, f)| f.name.as_str())?;
        Some(match file {
            f if f.starts_with("templates/") => 2,
            f if f.starts_with(theme::BUILTIN_PREFIX) => 0,
            _ => 1,
        })
    };
    let Some(page_layer) = layer(page) else { return false };
    parts.iter().all(|p| layer(p).is_some_and(|l| l >= page_layer))
}

/// The items of one list of a large page, each rendered on its own with `template`
/// (given the item as `var`, and `root`) and kept by fingerprint in a [`KeptItems`]: an edit
/// renders the items it changed, and the page is given the items' HTML.
struct Parts<T> {
    part: Part,
    items: Vec<T>,
    /// Each item's fingerprint: its context, its template, the templates, the page's root.
    keys: Vec<u64>,
}

impl<T: Serialize + Sync> Parts<T> {
    fn new(part: Part, items: Vec<T>, common: u64) -> Self {
        let keys = items.par_iter().map(|item| fingerprint::of(&(common, part.template, item))).collect();
        Parts { part, items, keys }
    }
}

/// One list of a large page, as the page's splicing sees it: keys, and items made on
/// request.
trait Items: Sync {
    /// Each item's fingerprint.
    fn keys(&self) -> &[u64];

    /// Item `i`'s HTML, from the store or rendered. A part's final line break is dropped
    /// (as Jinja does), so that a part file can end the way editors end files.
    fn make(&self, i: usize, with: &PartsWith) -> Result<Html, Diagnostic>;
}

/// What a large page's items are made with.
struct PartsWith<'w> {
    tera: &'w tera::Tera,
    /// The parts whose item is given by flat names, with the fields each reads.
    flat: &'w [(&'static str, Vec<String>)],
    /// The page's root.
    root: &'w str,
    /// Where items are kept between renders (`serve`); a build lets each go once written.
    store: Option<&'w KeptItems>,
    theme: &'w theme::Theme,
}

impl<T: Serialize + Sync> Items for Parts<T> {
    fn keys(&self) -> &[u64] {
        &self.keys
    }

    fn make(&self, i: usize, with: &PartsWith) -> Result<Html, Diagnostic> {
        item(with.store, self.keys[i], || {
            let Part { template, var } = self.part;
            let error = |e: tera::Error| theme::template_error(with.theme, &e);
            let ctx = if let Some((_, read)) = with.flat.iter().find(|(t, _)| *t == template) {
                flat::context(var, read, &self.items[i], with.root).map_err(error)?
            } else {
                let mut ctx = Context::new();
                ctx.insert(var, &self.items[i]);
                ctx.insert("root", with.root);
                ctx
            };
            let mut html = with.tera.render(template, &ctx).map_err(error)?;
            if html.ends_with('\n') {
                html.pop();
            }
            Ok(html)
        })
    }
}

/// Gives a large page's context each of its lists' HTML, in turn. The lists are
/// borrowed for `'l`, past the context's making: their items are made after the page's
/// frame, as they are written.
type Fill<'f, 'l> = dyn FnMut(&'l dyn Items) -> Result<Vec<Html>, Diagnostic> + 'f;

/// A large page: the hash of its own context (its lists by their items' keys), the hash
/// of what its frame is made from (its own context with each list by its length), and
/// how to make that context given its lists' HTML (see [`Fill`]).
struct Big<'o> {
    hash: u64,
    frame: u64,
    context: Box<MakeBig<'o>>,
}

impl<'o> Big<'o> {
    fn new(
        (hash, frame): (u64, u64),
        context: impl Fn(&mut Fill<'_, 'o>) -> Result<Context, Diagnostic> + Sync + 'o,
    ) -> Self {
        Big { hash, frame, context: Box::new(context) }
    }
}

/// Makes a large page's context, given its lists' HTML.
type MakeBig<'o> = dyn Fn(&mut Fill<'_, 'o>) -> Result<Context, Diagnostic> + Sync + 'o;

/// The marker that stands for item `n` of a page while its frame is rendered: a comment,
/// which escaping would change (so an escaped item is noticed), with a nonce that content
/// cannot know (a hash of what the frame is made from).
fn marker(nonce: u64, n: usize) -> String {
    format!("{}{n}-->", marker_start(nonce))
}

/// What every marker of a page starts with.
fn marker_start(nonce: u64) -> String {
    format!("<!--&{nonce:016x}:")
}

/// The frame of a page split at its `count` markers: the text before each marker and the
/// marker's item, then the text after the last. `None` unless each item shows exactly
/// once: a template that dropped, repeated, escaped or changed an item is rendered whole.
///
/// The searchers are made once: `str::find` makes its own on every call, and at 20,000
/// claims that was 60,000 of each, 6% of a save's instructions in `serve`.
fn split(frame: &str, nonce: u64, count: usize) -> Option<(Vec<(&str, usize)>, &str)> {
    let prefix = marker_start(nonce);
    let (open, close) = (memchr::memmem::Finder::new(&prefix), memchr::memmem::Finder::new("-->"));
    let mut seen = vec![false; count];
    let mut pieces = Vec::with_capacity(count);
    let mut rest = frame;
    while let Some(at) = open.find(rest.as_bytes()) {
        let after = &rest[at + prefix.len()..];
        let end = close.find(after.as_bytes())?;
        let (digits, tail) = (&after[..end], &after[end + 3..]);
        let n: usize = digits.parse().ok()?;
        if std::mem::replace(seen.get_mut(n)?, true) {
            return None;
        }
        pieces.push((&rest[..at], n));
        rest = tail;
    }
    (pieces.len() == count).then_some((pieces, rest))
}

/// Markdown shown as HTML, converted only when a template receives it: a rebuild takes
/// every claim's fingerprint but renders the pages of few. A fingerprint takes the
/// markdown itself, from which the HTML follows.
struct Md<'a> {
    text: &'a str,
    html: OnceLock<String>,
    highlighter: &'a Highlighter,
}

impl Md<'_> {
    fn html(&self) -> &str {
        self.html.get_or_init(|| markup::markdown_to_html(self.text, self.highlighter))
    }
}

impl Serialize for Md<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.serialize_str(self.html())
        } else {
            serializer.serialize_str(self.text)
        }
    }
}

/// Everything derived once and shared by all pages.
struct Shared<'a> {
    site: &'a Site,
    marks: &'a Marks,
    /// (claim index, appearance index) → (article index, mark).
    appearance_marks: inputs::Found<'a>,
    /// Each article as pages and lists show it, made when first asked for (see
    /// [`Shared::article`]), and shared, not copied, by the appearances and rows that
    /// show it.
    article_refs: Vec<OnceLock<Arc<Keyed<ArticleRef<'a>>>>>,
    /// Each claim's context, made when first asked for (see [`Shared::claim`]).
    claims: Vec<OnceLock<Keyed<ClaimCtx<'a>>>>,
    /// The keys of the claims' and articles' pages and items, from their inputs.
    keys: inputs::Keys,
    /// Claim id → the discrepancies naming it, in file order.
    discrepancies_of: FastMap<&'a str, Vec<usize>>,
    /// Each claim's verdict, by its place on the scale: the front page's scorecard and
    /// tallies look up 40,000 appearances' verdicts at 10k/20k, each once a search of
    /// the scale by name (together 10-15 ms of every save in `serve`).
    verdict_at: Vec<Option<usize>>,
    /// How many appearances have a verdict that flags them.
    flagged: usize,
    highlighter: &'a Highlighter,
    /// Whether claims-file entries are shown in the short classes (see
    /// [`Highlighter::entry`]).
    short_entries: bool,
}

/// The id of an appearance's mark: stable as long as the claim keeps its id and the
/// appearance its place in the claim.
pub fn appearance_id(claim: &Claim, index: usize) -> String {
    format!("q-{}-{}", claim.id.value, index + 1)
}

fn artifact_id(n: usize) -> String {
    format!("artifact-{}", n + 1)
}

/// The machine-readable export's path in the output.
const CLAIMS_JSON: &str = "claims.json";

/// The code stylesheet's path in the output.
const HIGHLIGHT_CSS: &str = "highlight.css";
/// The Atom feed of the fact-checks.
const FEED: &str = "feed.xml";
/// The page an imported article came from, beside the article's page.
const ORIGINAL: &str = "original.txt";
/// A share card's file name: the front page's at the root, a claim's in its folder.
const CARD: &str = "card.png";

type Job<'r> = Box<dyn Fn() -> Result<Done, Diagnostic> + Send + Sync + 'r>;

/// Renders every page of the site into memory: every file, sorted by path, and the counts.
pub fn render(
    site: &Site,
    marks: &Marks,
    found_by: &[Option<u64>],
    highlighter: &Highlighter,
) -> Result<(Vec<Page>, Counts), Vec<Diagnostic>> {
    let pages = Collect(Mutex::new(Vec::new()));
    let made = render_to(site, marks, found_by, highlighter, None, &pages)?;
    let mut pages =
        pages.0.into_inner().map_err(|_| vec![Diagnostic::error("internal", "a render thread panicked")])?;
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((pages, made))
}

/// Where [`render_to`] hands the files it makes.
pub trait Sink: Sync {
    /// Takes one file. `fingerprint`, for a page made from a template, is a hash of
    /// everything it was made from: its template context, the templates, and the inputs
    /// of the parts made lazily (article bodies, highlighted claims-file entries).
    fn put(&self, page: Page, fingerprint: Option<u64>) -> Result<(), Diagnostic>;

    /// Whether the page at `path` made from inputs with this `fingerprint` is already in
    /// place from an earlier build, so that it need not be made at all. If so, the sink
    /// has taken it as if [`Sink::put`] had been called.
    fn reuse(&self, _path: &str, _fingerprint: u64) -> Result<bool, Diagnostic> {
        Ok(false)
    }

    /// The keys of the items that the sink's copy of `path` holds, if it keeps one from
    /// an earlier build (the output's file, see `write/splice.rs`; `serve`'s last version,
    /// in memory): [`Sink::put_spliced`] takes them from it, so they need not be made.
    fn kept_items(&self, _path: &str) -> Result<Keys, Diagnostic> {
        Ok(Keys::default())
    }

    /// Takes one file made of pieces, a run at a time (see [`crate::model::page`]): text,
    /// and items, whose bytes are given unless [`Sink::kept_items`] named them. By default
    /// the pieces are joined and [`Sink::put`].
    fn put_spliced(&self, path: &str, fingerprint: Option<u64>, runs: &dyn Runs) -> Result<(), Diagnostic> {
        let bytes = page::concat(runs)
            .ok_or_else(|| Diagnostic::error("internal", format!("an item of {path} was not made")))?;
        self.put(Page { path: path.to_string(), bytes }, fingerprint)
    }

    /// Whether the sink wants the share cards drawn: `check`, which only reads the pages,
    /// does not (a card takes 12 ms; 20,000 of them, four minutes of one core).
    fn wants_cards(&self) -> bool {
        true
    }
}

/// A sink that keeps every page in memory, for `check`: no share cards.
struct Collect(Mutex<Vec<Page>>);

impl Sink for Collect {
    fn put(&self, page: Page, _: Option<u64>) -> Result<(), Diagnostic> {
        self.0.lock().map_err(|_| Diagnostic::error("internal", "a render thread panicked"))?.push(page);
        Ok(())
    }

    fn wants_cards(&self) -> bool {
        false
    }
}

/// The costly part of a page's context, made only if the page is rendered: the page is
/// fingerprinted by `key`, a hash of what `make` makes it from.
struct Lazy<'f> {
    /// The context key it fills.
    name: &'static str,
    /// Hash of its inputs.
    key: u64,
    make: Box<dyn FnOnce() -> String + 'f>,
}

/// What one page job did.
enum Done {
    /// Made the page, fingerprinted.
    Made(Page, u64),
    /// The sink had the page already.
    Reused(String),
    /// The sink took the page (spliced).
    Given(String),
    /// Not made: the templates do not compile (reported once, after the jobs).
    NoTemplates,
    /// Not made: the sink failed (reported once).
    SinkFailed(Diagnostic),
}

/// An entry of a file made from the whole site: from `store` when there is one (`serve`
/// keeps entries between builds), else made, and let go of once written (a build's own
/// store would hold all of `claims.json`'s 77 MB at 20,000 claims to its end).
fn item<E>(store: Option<&KeptItems>, key: u64, make: impl FnOnce() -> Result<String, E>) -> Result<Html, E> {
    match store {
        Some(store) => store.get_or(key, make),
        None => make().map(Html::from),
    }
}

/// `claims.json`, made of the entries the sink does not keep and those it does.
fn put_claims_json(shared: &Shared, parts: Option<&KeptItems>, sink: &dyn Sink, key: u64) -> Result<(), Failed> {
    let failed = |e: std::io::Error| Diagnostic::error("internal", format!("cannot make {CLAIMS_JSON}: {e}"));
    let keys = (&shared.keys.claims[..], &shared.keys.entry_lines[..]);
    let doc = export::Doc::new(shared.site, shared.marks, Some(keys)).map_err(|e| Failed::Item(failed(e)))?;
    let segs = doc
        .pieces
        .iter()
        .map(|piece| match piece {
            export::Piece::Text(text) => Seg::Text(text.as_bytes()),
            _ => Seg::Item { key: piece.key().unwrap_or_default(), bytes: None },
        })
        .collect();
    put_pieces(sink, CLAIMS_JSON, key, segs, &|i| {
        let piece = &doc.pieces[i];
        item(parts, piece.key().unwrap_or_default(), || doc.entry(piece)).map_err(failed)
    })
}

/// `feed.xml`, made of the entries the sink does not keep and those it does.
fn put_feed(shared: &Shared, parts: Option<&KeptItems>, sink: &dyn Sink, key: u64) -> Result<(), Failed> {
    let claim_keys = shared.claim_keys();
    let feed = feed::Feed::new(shared.site, Some(&claim_keys));
    let segs = feed
        .pieces
        .iter()
        .map(|piece| match piece {
            feed::Piece::Text(text) => Seg::Text(text.as_bytes()),
            feed::Piece::Entry { key, .. } => Seg::Item { key: *key, bytes: None },
        })
        .collect();
    put_pieces(sink, FEED, key, segs, &|i| match feed.pieces[i] {
        feed::Piece::Entry { claim, date, key } => item(parts, key, || Ok(feed.entry(claim, date))),
        feed::Piece::Text(_) => Err(Diagnostic::error("internal", "a feed's text is not an entry")),
    })
}

/// Puts a file of text and items (items without bytes), making with `make` (given the
/// piece's place) only the items that the sink does not keep from an earlier build, a
/// thousand at a time (see [`Runs`]).
fn put_pieces(
    sink: &dyn Sink,
    path: &str,
    fingerprint: u64,
    segs: Vec<Seg>,
    make: &(dyn Fn(usize) -> Result<Html, Diagnostic> + Sync),
) -> Result<(), Failed> {
    let pieces = Making { segs, kept: sink.kept_items(path).map_err(Failed::Sink)?, make, failed: Mutex::new(None) };
    let put = sink.put_spliced(path, Some(fingerprint), &pieces);
    // An item that could not be made stopped the writing: its error is the one to report.
    match pieces.failed.into_inner().ok().flatten() {
        Some(d) => Err(Failed::Item(d)),
        None => put.map_err(Failed::Sink),
    }
}

/// Why a file made of pieces was not put.
#[derive(Debug)]
enum Failed {
    /// One of its items could not be made (a template error): that file's error, reported
    /// with every other page's while the render goes on, so that one build shows them all.
    Item(Diagnostic),
    /// The sink could not take it: no further page is made.
    Sink(Diagnostic),
}

/// The pieces of a file whose items are made as the sink takes them.
struct Making<'m> {
    segs: Vec<Seg<'m>>,
    /// Keys of the items the sink keeps: not made.
    kept: Keys,
    make: &'m (dyn Fn(usize) -> Result<Html, Diagnostic> + Sync),
    /// The first item that could not be made.
    failed: Mutex<Option<Diagnostic>>,
}

impl Runs for Making<'_> {
    fn each(&self, take: &mut dyn FnMut(&[Seg]) -> std::io::Result<()>) -> std::io::Result<()> {
        const RUN: usize = 1024;
        for start in (0..self.segs.len()).step_by(RUN) {
            let run = &self.segs[start..(start + RUN).min(self.segs.len())];
            // A run the sink has every item of (most runs of a save in `serve`) is handed
            // over as it is, without a task for each item.
            if run.iter().all(|seg| !matches!(seg, Seg::Item { key, .. } if !self.kept.contains(key))) {
                take(run)?;
                continue;
            }
            let made = run
                .par_iter()
                .enumerate()
                .map(|(i, seg)| match seg {
                    Seg::Item { key, .. } if !self.kept.contains(key) => (self.make)(start + i).map(Some),
                    _ => Ok(None),
                })
                .collect::<Result<Vec<Option<Html>>, Diagnostic>>();
            let made = match made {
                Ok(made) => made,
                Err(d) => {
                    if let Ok(mut failed) = self.failed.lock() {
                        failed.get_or_insert(d);
                    }
                    return Err(std::io::Error::other("an item could not be made"));
                }
            };
            let segs: Vec<Seg> = run
                .iter()
                .zip(&made)
                .map(|(seg, made)| match (seg, made) {
                    (Seg::Item { key, .. }, Some(html)) => Seg::Shared { key: *key, html },
                    _ => *seg,
                })
                .collect();
            take(&segs)?;
        }
        Ok(())
    }
}

fn hash_of(value: impl Hash) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    value.hash(&mut h);
    h.finish()
}

/// Renders every page of the site and hands each file to `sink` as soon as it is made,
/// from several threads: a build streams pages into the output's twin rather than holding
/// the whole site in memory. Template errors are all collected; the first error of the
/// sink stops the rendering of further pages. `parts` keeps the large pages' items between
/// renders (`serve`); without it they are made for this render only.
pub fn render_to(
    site: &Site,
    marks: &Marks,
    found_by: &[Option<u64>],
    highlighter: &Highlighter,
    parts: Option<&KeptItems>,
    sink: &dyn Sink,
) -> Result<Counts, Vec<Diagnostic>> {
    let r = Renderer::new(site, (marks, found_by), highlighter, parts, sink);
    {
        let jobs = r.jobs();
        rayon::join(|| r.pages(&jobs), || r.whole_site());
    }
    r.finish()
}

/// The theme's templates compiled for a site of one briefing (`single`) or for an
/// archive, by whichever asks first; a second caller waits for the first's compile.
fn compiled(theme: &Theme, single: bool) -> &Result<Compiled, Vec<Diagnostic>> {
    theme.compiled[usize::from(!single)].get_or_init(|| {
        // Only an archive's home is made from its own templates; an archive's briefings
        // share the home's compile.
        let unused: &[&str] = if single { &home::TEMPLATES } else { &[] };
        let mut tera = theme::compile(theme, unused)?;
        strings::register(&mut tera, &theme.locale);
        strings::fold(&mut tera, &theme.locale);
        let globals = flat::globals(&mut tera, &GLOBALS);
        let flat =
            PARTS.iter().filter_map(|p| Some((p.template, flat::flatten(&mut tera, p.template, p.var)?))).collect();
        Ok(Compiled { tera, flat, globals })
    })
}

/// The syntax errors of a site of one briefing's templates, once their compile is over
/// (see [`compile_ahead`]): a build that fails on its content reports them too.
pub fn syntax_errors(site: &Site) -> Vec<Diagnostic> {
    match site.role {
        Role::Single => compiled(&site.theme, true).as_ref().err().cloned().unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Starts compiling the templates of a site of one briefing on a thread of its own, as
/// soon as its theme is read: the compile (Tera parsing the templates, a third of the
/// repository's fresh build) then overlaps the loading of the articles and the claims
/// file, validation and anchoring, instead of waiting for the first page. The render
/// takes the result, or waits for it (see [`compiled`]); errors are reported there.
pub fn compile_ahead(theme: &Arc<Theme>) {
    if theme.compiled[0].get().is_some() {
        return;
    }
    let theme = Arc::clone(theme);
    // Should no thread start, the first page compiles them, as before.
    let _ = std::thread::Builder::new().name("templates".into()).spawn(move || {
        compiled(&theme, true);
    });
}

/// The most page jobs one rayon task runs (see [`Renderer::pages`]): a job is 20-100 µs,
/// a split well under one.
const JOBS_A_TASK: usize = 4;

/// One render of a site: what every page shares, and what the pages' jobs report.
struct Renderer<'a> {
    site: &'a Site,
    shared: Shared<'a>,
    sink: &'a dyn Sink,
    /// The large pages' items: kept by the caller (`serve`), or none.
    kept_parts: Option<&'a KeptItems>,
    /// `site` and `verdicts`, the same for every page: made into template values once.
    /// Serialized for each page, the verdicts alone were 3% of a fresh build's CPU.
    shared_values: [(&'static str, serde_json::Value); 2],
    /// The templates, part of every fingerprint.
    templates_hash: u64,
    /// What every page's fingerprint shares, hashed once.
    common_hash: u64,
    /// Whether the front page and the sources page are made of parts.
    index_parts: bool,
    sources_parts: bool,
    /// Held while a large page is rendered whole (see [`Renderer::jobs`]).
    one_big_page: Mutex<()>,
    /// Paths of the files the sink took: for the sitemap, and so that a static file
    /// never replaces a page.
    paths: Mutex<Vec<String>>,
    diags: Mutex<Vec<Diagnostic>>,
    sink_failed: AtomicBool,
    reused: AtomicUsize,
}

impl<'a> Renderer<'a> {
    fn new(
        site: &'a Site,
        (marks, found_by): (&'a Marks, &[Option<u64>]),
        highlighter: &'a Highlighter,
        kept_parts: Option<&'a KeptItems>,
        sink: &'a dyn Sink,
    ) -> Self {
        // The locale's strings are part of the templates: a page's text comes from both.
        let templates_hash = hash_of((
            site.theme.templates.iter().map(|(name, file)| (name, &*file.text)).collect::<Vec<_>>(),
            site.theme.locale.fingerprint(),
        ));
        let config = &site.config;
        let site_ctx = SiteCtx {
            title: &config.title,
            description: &config.description,
            language: &config.language,
            publisher: &config.publisher,
            base_url: config.base_url.as_deref(),
            repo_url: config.repo_url.as_deref(),
            generator: format!("briefing {}", env!("CARGO_PKG_VERSION")),
            preview: site.preview,
            dir: &site.theme.locale.dir,
            og_locale: match config.language.split_once('-') {
                Some((l, r)) => format!("{l}_{}", r.to_ascii_uppercase()),
                None if site.theme.locale.own => site.theme.locale.get("og-locale", None, &[]),
                None => config.language.clone(),
            },
            publisher_html: match &config.publisher.url {
                Some(url) => format!("<a href=\"{}\">{}</a>", escape(url), escape(&config.publisher.name)),
                None => escape(&config.publisher.name),
            },
        };
        let archive = match &site.role {
            Role::Briefing(title) => Some((title.as_str(), site.heading.as_ref().map(|h| h.date))),
            _ => None,
        };
        let common_hash = fingerprint::of(&(templates_hash, &site_ctx, &config.verdicts, archive));
        let cards = cards_on(site);
        let short = site.theme.styles_code_as_default();
        let text = &*config.file.text;
        let pages = fingerprint::of(&(common_hash, text, &config.base_url, cards, short, &site.claims_file.name));
        let items = fingerprint::of(&(&config.verdicts, matches!(site.role, Role::Briefing(_))));
        let shared_values = [
            ("site", serde_json::to_value(&site_ctx).unwrap_or_default()),
            ("verdicts", serde_json::to_value(&config.verdicts).unwrap_or_default()),
        ];
        Renderer {
            site,
            shared: Shared::new(site, (marks, found_by), highlighter, (pages, items)),
            sink,
            kept_parts,
            shared_values,
            templates_hash,
            common_hash,
            index_parts: uses_parts(&site.theme, "index.html", &INDEX_PARTS),
            sources_parts: uses_parts(&site.theme, "sources.html", &["parts/source.html"]),
            one_big_page: Mutex::new(()),
            paths: Mutex::new(Vec::new()),
            diags: Mutex::new(Vec::new()),
            sink_failed: AtomicBool::new(false),
            reused: AtomicUsize::new(0),
        }
    }

    /// The compiled templates and what was made of them, or `None` (see [`Self::tera`]).
    fn templates(&self) -> Option<&Compiled> {
        compiled(&self.site.theme, matches!(self.site.role, Role::Single)).as_ref().ok()
    }

    /// Where the theme keeps the templates compiled for this site's role.
    fn compiled(&self) -> &OnceLock<Result<Compiled, Vec<Diagnostic>>> {
        &self.site.theme.compiled[usize::from(!matches!(self.site.role, Role::Single))]
    }

    /// A large page's items see only themselves and the page's root.
    fn parts_common(&self, root: &str) -> u64 {
        fingerprint::of(&(self.templates_hash, root))
    }

    /// A page's fingerprint: what every page shares, its template and root, its own
    /// context's hash and the keys of its lazy parts.
    fn fingerprint(&self, template: &str, root: &str, own: u64, lazy: &[Lazy<'_>], page: &PageCtx) -> u64 {
        let lazy = lazy.iter().map(|l| (l.name, l.key)).collect::<Vec<_>>();
        fingerprint::of(&(self.common_hash, template, root, own, lazy, page))
    }

    /// The page the sink has from an earlier build, made from the same inputs.
    fn settled(&self, path: &str, fingerprint: u64) -> Option<Done> {
        match self.sink.reuse(path, fingerprint) {
            Ok(true) => Some(Done::Reused(path.to_string())),
            Ok(false) => None,
            Err(d) => Some(Done::SinkFailed(d)),
        }
    }

    /// Adds what every page's context has; the page's own keys win, as
    /// `Context::extend` did.
    fn complete(&self, ctx: &mut Context, root: &str, page: &PageCtx) {
        // Names every template reads by flat names are given so (see `flat::globals`).
        let globals = self.templates().map_or(&[][..], |c| &c.globals[..]);
        let flat = |name: &str| globals.iter().find(|(g, _)| *g == name).map(|(_, read)| read);
        // Moved in, not serialized again: a clone of a value tree is a copy of its strings.
        let mut shared = serde_json::Map::new();
        for (name, value) in &self.shared_values {
            if !ctx.contains_key(name) {
                match flat(name) {
                    Some(read) => flat::spread(name, read, value, &mut shared),
                    None => drop(shared.insert(name.to_string(), value.clone())),
                }
            }
        }
        if !ctx.contains_key("page") {
            match flat("page").and_then(|read| flat::pick("page", read, page)) {
                Some(fields) => shared.extend(fields),
                None => ctx.insert("page", page),
            }
        }
        // A page's own value of such a name (a claim's `claim`) is spread too.
        for (name, read) in globals {
            if let Some(own) = ctx.remove(name) {
                flat::spread_owned(name, read, own, &mut shared);
            }
        }
        // The page's own values win, as they did over whole values.
        shared.retain(|name, _| !ctx.contains_key(name));
        if let Ok(shared) = Context::from_value(serde_json::Value::Object(shared)) {
            ctx.extend(shared);
        }
        if !ctx.contains_key("root") {
            ctx.insert("root", root);
        }
        // The theme's files are the archive's, one folder up from a briefing's pages.
        if let Role::Briefing(title) = &self.site.role {
            let up = if root.contains("://") { String::new() } else { format!("../{root}") };
            ctx.insert("assets", &up);
            ctx.insert("archive", &ArchiveCtx { title, href: format!("{up}index.html") });
            if let Some(h) = &self.site.heading {
                ctx.insert("event_date", &DateCtx::from(h.date));
            }
        } else {
            ctx.insert("assets", root);
        }
        // The archive's home has no briefing's feed, sources or corrections to link.
        if matches!(self.site.role, Role::Home(_)) {
            ctx.insert("archive_home", &true);
        }
    }

    fn template_error(&self, e: tera::Error) -> Diagnostic {
        theme::template_error(&self.site.theme, &e)
    }

    /// A page's template context for its path and metadata.
    fn page(&self, title: &str, description: String, path: &str, og_type: &'static str) -> PageCtx {
        PageCtx {
            title: title.to_string(),
            description,
            path: path.to_string(),
            canonical: self.shared.canonical(path),
            og_type,
            // A claim page has a card of its own; every other page shows the briefing's.
            image: self
                .cards()
                .then(|| {
                    let own = if path.starts_with("claims/") { path } else { "" };
                    self.shared.canonical(&format!("{own}{CARD}"))
                })
                .flatten(),
            image_alt: if path.starts_with("claims/") { title.to_string() } else { self.site.config.title.clone() },
        }
    }

    /// Whether pages get share cards: only with an absolute address to give them, and
    /// unless the site turns them off.
    fn cards(&self) -> bool {
        cards_on(self.site)
    }

    /// The job that makes the share card at `path`, unless the sink has it from the same
    /// words.
    fn card_job(&self, path: String, card: card::Card) -> Job<'_> {
        let fingerprint = fingerprint::of(&("card", card::VERSION, &card));
        self.card_made(path, fingerprint, Box::new(move || card.clone()))
    }

    /// The job that makes the share card at `path`, whose words `card` gives, unless the
    /// sink has it under `fingerprint`.
    fn card_made<'s>(
        &'s self,
        path: String,
        fingerprint: u64,
        card: Box<dyn Fn() -> card::Card + Send + Sync + 's>,
    ) -> Job<'s> {
        Box::new(move || {
            if let Some(done) = self.settled(&path, fingerprint) {
                return Ok(done);
            }
            Ok(Done::Made(Page { path: path.clone(), bytes: card::png(&card()) }, fingerprint))
        })
    }

    /// The share cards' jobs: one per claim, and the briefing's own, which every page
    /// that has none of its own names.
    fn card_jobs(&self) -> Vec<Job<'_>> {
        if !self.cards() || !self.sink.wants_cards() {
            return Vec::new();
        }
        let (site, l) = (self.site, &self.site.theme.locale);
        let rtl = l.dir == "rtl";
        let count = |key: &str, n: usize| l.get(key, Some(n as i64), &[("count", &n.to_string())]);
        let flags = self.shared.flagged;
        let tally = [
            count("tally-articles", site.articles.len()),
            count("tally-claims", site.claims.claims.len()),
            count("tally-flags", flags),
        ];
        let front = card::Card {
            headline: site.config.title.clone(),
            verdict: None,
            body: tally.join(" · "),
            footer: site.config.publisher.name.clone(),
            rtl,
        };
        let mut jobs = vec![self.card_job(CARD.to_string(), front)];
        // A claim's card is keyed by what its words are made from (its verdict and text,
        // the locale, the site's title), so that the words are put together, and the card
        // drawn, only for a claim whose card the sink does not have.
        let words = fingerprint::of(&("card", card::VERSION, l.fingerprint(), &site.config.title, rtl));
        for (i, claim) in site.claims.claims.iter().enumerate() {
            let key = fingerprint::of(&(words, self.shared.keys.refs[i]));
            let card = move || {
                let verdict = self.shared.verdict(claim);
                let quoted = l.quote(&claim.claim);
                card::Card {
                    headline: verdict.label.to_uppercase(),
                    verdict: Some(verdict.key.clone()),
                    body: format!("{} {quoted}", l.get("claim-label", None, &[])),
                    footer: site.config.title.clone(),
                    rtl,
                }
            };
            jobs.push(self.card_made(format!("claims/{}/{CARD}", claim.id.value), key, Box::new(card)));
        }
        jobs
    }

    /// Renders one page from its own context and its lazy parts, unless the sink has it.
    fn render_one(
        &self,
        template: &str,
        dir: &str,
        root: &str,
        page: PageCtx,
        own: Own<'_>,
        lazy: Vec<Lazy<'_>>,
    ) -> Result<Done, Diagnostic> {
        let path = path_of(template, dir);
        let fingerprint = self.fingerprint(template, root, own.hash, &lazy, &page);
        if let Some(done) = self.settled(&path, fingerprint) {
            return Ok(done);
        }
        self.render_made(template, root, path, fingerprint, (page, own, lazy))
    }

    /// Renders the page at `path` from its context, to be kept under `fingerprint`.
    fn render_made(
        &self,
        template: &str,
        root: &str,
        path: String,
        fingerprint: u64,
        (page, own, lazy): (PageCtx, Own<'_>, Vec<Lazy<'_>>),
    ) -> Result<Done, Diagnostic> {
        let Some(compiled) = self.templates() else { return Ok(Done::NoTemplates) };
        let mut ctx = (own.make)(compiled)?;
        for l in lazy {
            ctx.insert(l.name, &(l.make)());
        }
        self.complete(&mut ctx, root, &page);
        let html = compiled.tera.render(template, &ctx).map_err(|e| self.template_error(e))?;
        Ok(Done::Made(Page { path, bytes: html.into_bytes() }, fingerprint))
    }

    /// Renders the page at `path` (an `index.html` two folders down) whose fingerprint is
    /// `key`, taken from its inputs (see [`inputs`]), unless the sink has it: its context
    /// is made (given the page's folder) only then. The path is made once, by the caller,
    /// and moved on: at 10k/20k a save visits 30,000 such pages, and their folders, paths
    /// and the copies handed back were 90,000 allocations of each rebuild.
    fn render_known<'o>(
        &self,
        template: &str,
        path: String,
        key: u64,
        make: &dyn Fn(&str) -> (PageCtx, Own<'o>, Vec<Lazy<'o>>),
    ) -> Result<Done, Diagnostic> {
        match self.sink.reuse(&path, key) {
            Ok(true) => return Ok(Done::Reused(path)),
            Ok(false) => {}
            Err(d) => return Ok(Done::SinkFailed(d)),
        }
        let (page, own, lazy) = make(path.strip_suffix(INDEX).unwrap_or(&path));
        self.render_made(template, "../../", path, key, (page, own, lazy))
    }

    /// Renders a large page as a frame, with a marker for each item of its lists, then
    /// hands the sink the frame's text and the items in the markers' place, so that the
    /// template never copies 17 MB of HTML and `serve` makes only the items an edit
    /// changed. The items are made as the sink writes them, a thousand at a time (see
    /// [`Making`]): a build holds one run of them, not the 20 MB of a 10,000-article front
    /// page, at the moment its memory peaks.
    fn render_big<'o>(
        &self,
        template: &str,
        dir: &str,
        root: &str,
        page: PageCtx,
        big: Big<'o>,
    ) -> Result<Done, Diagnostic> {
        let path = path_of(template, dir);
        let fingerprint = self.fingerprint(template, root, big.hash, &[], &page);
        if let Some(done) = self.settled(&path, fingerprint) {
            return Ok(done);
        }
        let Some(Compiled { tera, flat, .. }) = self.templates() else { return Ok(Done::NoTemplates) };
        let with = PartsWith { tera, flat, root, store: self.kept_parts, theme: &self.site.theme };
        // The frame is kept, like an item, under a hash of what it is made from: an edit
        // that changes items but not how many renders no frame (at 10k/20k the front
        // page's took 16-27 ms).
        let nonce = fingerprint::of(&(self.common_hash, template, root, &page, big.frame));
        // Each item of the lists, in the order the context asked for them.
        let mut order: Vec<(&'o dyn Items, usize)> = Vec::new();
        let frame = item(self.kept_parts, nonce, || {
            let mut fill = |list: &'o dyn Items| -> Result<Vec<Html>, Diagnostic> {
                let first = order.len();
                order.extend((0..list.keys().len()).map(|i| (list, i)));
                Ok((first..order.len()).map(|n| Html::from(marker(nonce, n))).collect())
            };
            let mut ctx = (big.context)(&mut fill)?;
            self.complete(&mut ctx, root, &page);
            tera.render(template, &ctx).map_err(|e| self.template_error(e))
        })?;
        if order.is_empty() {
            // A kept frame: the lists' order, without rendering.
            let mut fill = |list: &'o dyn Items| -> Result<Vec<Html>, Diagnostic> {
                order.extend((0..list.keys().len()).map(|i| (list, i)));
                Ok(Vec::new())
            };
            (big.context)(&mut fill)?;
        }
        let Some((pieces, last)) = split(&frame, nonce, order.len()) else {
            // The template did more than place its items: render it with them.
            let mut fill =
                |list: &'o dyn Items| (0..list.keys().len()).into_par_iter().map(|i| list.make(i, &with)).collect();
            let mut ctx = (big.context)(&mut fill)?;
            self.complete(&mut ctx, root, &page);
            let html = tera.render(template, &ctx).map_err(|e| self.template_error(e))?;
            return Ok(Done::Made(Page { path, bytes: html.into_bytes() }, fingerprint));
        };
        let key = |n: usize| order[n].0.keys()[order[n].1];
        let mut segs = Vec::with_capacity(2 * pieces.len() + 1);
        for (text, n) in &pieces {
            segs.push(Seg::Text(text.as_bytes()));
            segs.push(Seg::Item { key: key(*n), bytes: None });
        }
        segs.push(Seg::Text(last.as_bytes()));
        // Segment 2k + 1 is the item of the k-th marker.
        let make = |s: usize| {
            let (list, i) = order[pieces[s / 2].1];
            list.make(i, &with)
        };
        match put_pieces(self.sink, &path, fingerprint, segs, &make) {
            Ok(()) => Ok(Done::Given(path)),
            Err(Failed::Item(d)) => Err(d),
            Err(Failed::Sink(d)) => Ok(Done::SinkFailed(d)),
        }
    }

    /// The front page: its lists as parts, or as data for a theme written before parts.
    fn front_page(&self) -> Result<Done, Diagnostic> {
        let config = &self.site.config;
        let (lead_html, lists, timeline, counts) = self.shared.index_context(self.parts_common(""));
        let p = self.page(&config.title, config.description.clone(), "", "website");
        if !self.index_parts {
            let _big = self.one_big_page.lock();
            let ctx = FullIndexCtx {
                lead_html,
                discrepancies: lists.discrepancies.items,
                scorecard: lists.scorecard.items,
                articles: lists.articles.items,
                topics: lists.topics.into_iter().map(|(name, p)| TopicCtx { name, claims: p.items }).collect(),
                timeline,
                counts,
            };
            return self.render_one("index.html", "", "", p, Own::of(ctx), Vec::new());
        }
        let hash = fingerprint::of(&IndexCtx {
            lead_html: lead_html.clone(),
            discrepancies: &lists.discrepancies.keys,
            scorecard: &lists.scorecard.keys,
            articles: &lists.articles.keys,
            topics: lists.topics.iter().map(|(name, p)| TopicCtx { name, claims: &p.keys }).collect(),
            timeline: &timeline,
            counts: &counts,
        });
        let frame = fingerprint::of(&IndexCtx {
            lead_html: lead_html.clone(),
            discrepancies: lists.discrepancies.keys.len(),
            scorecard: lists.scorecard.keys.len(),
            articles: lists.articles.keys.len(),
            topics: lists.topics.iter().map(|(name, p)| TopicCtx { name, claims: p.keys.len() }).collect(),
            timeline: &timeline,
            counts: &counts,
        });
        let lists = &lists;
        let big = Big::new((hash, frame), move |fill| {
            let ctx = IndexCtx {
                lead_html: lead_html.clone(),
                discrepancies: fill(&lists.discrepancies)?,
                scorecard: fill(&lists.scorecard)?,
                articles: fill(&lists.articles)?,
                topics: lists.topics.iter().map(|(name, p)| Ok(TopicCtx { name, claims: fill(p)? })).collect::<Result<
                    Vec<_>,
                    Diagnostic,
                >>(
                )?,
                timeline: &timeline,
                counts: &counts,
            };
            Ok(Context::from_serialize(&ctx).unwrap_or_default())
        });
        self.render_big("index.html", "", "", p, big)
    }

    /// The sources page: its list as parts, or as data for a theme written before parts.
    fn sources_page(&self) -> Result<Done, Diagnostic> {
        let l = &self.site.theme.locale;
        let description = l.get("sources-description", None, &[("site", &self.site.config.title)]);
        let sources = self.shared.sources_context(self.parts_common("../"));
        let p = self.page(&l.get("sources-title", None, &[]), description, "sources/", "website");
        if !self.sources_parts {
            let _big = self.one_big_page.lock();
            let ctx = Own::of(SourcesCtx { sources: sources.items });
            return self.render_one("sources.html", "sources/", "../", p, ctx, Vec::new());
        }
        let hash = fingerprint::of(&SourcesCtx { sources: &sources.keys });
        let frame = fingerprint::of(&SourcesCtx { sources: sources.keys.len() });
        let sources = &sources;
        let big = Big::new((hash, frame), move |fill| {
            Ok(Context::from_serialize(SourcesCtx { sources: fill(sources)? }).unwrap_or_default())
        });
        self.render_big("sources.html", "sources/", "../", p, big)
    }

    /// Every page's job. Given their lists as data (a theme written before parts), the
    /// front page and the sources page have the largest template contexts of a build
    /// (hundreds of megabytes at 20,000 claims): one at a time, the other core rendering
    /// ordinary pages meanwhile. Made of parts, their contexts hold markers, and they are
    /// made side by side.
    fn jobs(&self) -> Vec<Job<'_>> {
        let config = &self.site.config;
        let l = &self.site.theme.locale;
        let not_found: Job<'_> = Box::new(|| {
            let title = l.get("not-found-title", None, &[]);
            let mut p = self.page(&title, config.description.clone(), "404.html", "website");
            p.canonical = None;
            // Served at any depth: only an absolute base can make its links work.
            let root = config.base_url.clone().unwrap_or_default();
            self.render_one("404.html", "", &root, p, Own::of(NoCtx {}), Vec::new())
        });
        let mut jobs = match &self.site.role {
            Role::Home(catalog) => {
                let mut jobs = self.home_jobs(catalog);
                jobs.push(not_found);
                return jobs;
            }
            _ => self.briefing_jobs(),
        };
        // A briefing of an archive is served under the archive's own 404 page.
        if matches!(self.site.role, Role::Single) {
            jobs.insert(1, not_found);
        }
        jobs
    }

    /// The pages of a briefing: its front page, sources, corrections, articles and claims.
    fn briefing_jobs(&self) -> Vec<Job<'_>> {
        let config = &self.site.config;
        let l = &self.site.theme.locale;
        let mut jobs: Vec<Job<'_>> = vec![
            Box::new(|| self.front_page()),
            Box::new(|| self.sources_page()),
            Box::new(|| {
                let description = l.get("corrections-description", None, &[("site", &config.title)]);
                let p = self.page(&l.get("corrections-title", None, &[]), description, "corrections/", "website");
                let ctx = Own::of(self.shared.corrections_context());
                self.render_one("corrections.html", "corrections/", "../", p, ctx, Vec::new())
            }),
        ];
        let keys = &self.shared.keys;
        for (i, article) in self.site.articles.iter().enumerate() {
            jobs.push(Box::new(move || {
                let path = ["articles/", &article.slug, "/", INDEX].concat();
                self.render_known("article.html", path, keys.article_pages[i], &|dir| {
                    let p = self.page(&article.meta.title, self.shared.article_description(i), dir, "article");
                    let (ctx, body) = self.shared.article_context(i);
                    (p, Own::of(ctx), vec![body])
                })
            }));
        }
        for (i, claim) in self.site.claims.claims.iter().enumerate() {
            jobs.push(Box::new(move || {
                let path = ["claims/", &claim.id.value, "/", INDEX].concat();
                self.render_known("claim.html", path, keys.claim_pages[i], &|dir| {
                    let label = &self.shared.verdict(claim).label;
                    let title = l.get(
                        "claim-title",
                        None,
                        &[("verdict", label), ("claim", &crate::model::locale::unquoted(&claim.claim))],
                    );
                    let p = self.page(&title, [label, ": ", &claim.finding].concat(), dir, "article");
                    let (ctx, lazy) = self.shared.claim_page_context(i);
                    (p, Own::of(ctx), lazy)
                })
            }));
        }
        jobs.extend(self.card_jobs());
        jobs.extend(self.original_jobs());
        jobs.extend(self.version_jobs());
        jobs
    }

    /// The text of each earlier version of an article, beside its page.
    fn version_jobs(&self) -> Vec<Job<'_>> {
        let mut jobs: Vec<Job<'_>> = Vec::new();
        for article in &self.site.articles {
            for v in &article.versions {
                let path = format!("articles/{}/{}", article.slug, versions::file_name(v.n));
                let fingerprint = fingerprint::of(&("version", v.article.hash));
                jobs.push(Box::new(move || {
                    if let Some(done) = self.settled(&path, fingerprint) {
                        return Ok(done);
                    }
                    let bytes = versions::text(&v.article).into_bytes();
                    Ok(Done::Made(Page { path: path.clone(), bytes }, fingerprint))
                }));
                let (Some(original), Some(rel)) = (&v.article.meta.original, v.article.original_path()) else {
                    continue;
                };
                let path = format!("articles/{}/{}", article.slug, versions::original_name(v.n));
                jobs.push(self.copy_job(path, rel, &original.sha256));
            }
        }
        jobs
    }

    /// The page each imported article came from, published beside its page as text (its
    /// bytes as retrieved, so that a reader can check them against the SHA-256 the page
    /// shows; as `.txt`, so that no script of it can run on the site). Kept like a page,
    /// under its hash, which validation checked.
    fn original_jobs(&self) -> Vec<Job<'_>> {
        let site = self.site;
        let mut jobs: Vec<Job<'_>> = Vec::new();
        for article in &site.articles {
            let (Some(original), Some(rel)) = (&article.meta.original, article.original_path()) else { continue };
            let path = format!("articles/{}/{ORIGINAL}", article.slug);
            jobs.push(self.copy_job(path, rel, &original.sha256));
        }
        jobs
    }

    /// The job that publishes the site's file `rel` (a page as retrieved, whose SHA-256 is
    /// `sha256`) at `path`.
    fn copy_job(&self, path: String, rel: String, sha256: &str) -> Job<'_> {
        let fingerprint = fingerprint::of(&("original", sha256));
        let file = self.site.root.join(rel);
        Box::new(move || {
            if let Some(done) = self.settled(&path, fingerprint) {
                return Ok(done);
            }
            let bytes = std::fs::read(&file).map_err(|e| {
                Diagnostic::error("io-read", format!("cannot read `{}`: {e}", file.display()))
                    .help("check that the file exists and that you may read it")
            })?;
            Ok(Done::Made(Page { path: path.clone(), bytes }, fingerprint))
        })
    }

    /// Runs the pages' jobs side by side, handing each page to the sink.
    ///
    /// Split down to a few jobs a task: rayon otherwise splits a slice only as often as
    /// there are threads, unless a task is stolen, and a worker runs a quarter of the jobs
    /// as one task that no other can take from. At 10k/20k the other core, done with
    /// `claims.json`, sat idle for the last 0.45 s of a 2.8 s build while one worker
    /// rendered that quarter's claim pages.
    fn pages(&self, jobs: &[Job<'_>]) {
        // The paths taken are gathered by each task and added at the end: one lock for
        // each of 30,000 pages reused at 10k/20k was a lock the two threads fought over.
        let taken: Vec<String> = jobs
            .par_iter()
            .with_max_len(JOBS_A_TASK)
            .filter_map(|job| {
                if self.sink_failed.load(Relaxed) {
                    return None;
                }
                match job() {
                    Ok(Done::Made(page, fingerprint)) => self.put(page, Some(fingerprint)),
                    Ok(Done::Reused(path)) => {
                        self.reused.fetch_add(1, Relaxed);
                        Some(path)
                    }
                    Ok(Done::Given(path)) => Some(path),
                    Ok(Done::NoTemplates) => None,
                    Ok(Done::SinkFailed(d)) => {
                        self.fail(d);
                        None
                    }
                    Err(d) => {
                        if let Ok(mut ds) = self.diags.lock() {
                            ds.push(d);
                        }
                        None
                    }
                }
            })
            .collect();
        if let Ok(mut p) = self.paths.lock() {
            p.extend(taken);
        }
    }

    /// The feed and the export, made from the config, the claims file and the articles
    /// (the marks are found from these): one key for both. They are made side by side
    /// with the pages: the export is mostly writing (77 MB at 10,000 articles), which the
    /// pages' work can overlap.
    fn whole_site(&self) {
        if matches!(self.site.role, Role::Home(_)) {
            return;
        }
        let site_key = export::key(self.site);
        let (shared, parts, sink) = (&self.shared, self.kept_parts, self.sink);
        // The feed's words ("corrected twice") are the locale's; the export has none.
        let feed_key = fingerprint::of(&(FEED, site_key, self.site.theme.locale.fingerprint()));
        self.whole_file(FEED, feed_key, &|key| put_feed(shared, parts, sink, key));
        self.whole_file(CLAIMS_JSON, site_key, &|key| put_claims_json(shared, parts, sink, key));
    }

    /// A file made from the whole site, unless the sink keeps it from inputs with this
    /// key. A theme's static file of the same name wins, as for the other generated files
    /// (no page can have these names).
    fn whole_file(&self, path: &str, key: u64, put: &dyn Fn(u64) -> Result<(), Failed>) {
        if self.is_static(path) || self.sink_failed.load(Relaxed) {
            return;
        }
        let made = match self.sink.reuse(path, key) {
            Ok(true) => Ok(()),
            Ok(false) => put(key),
            Err(d) => Err(Failed::Sink(d)),
        };
        match made {
            Ok(()) => self.taken(path.to_string()),
            Err(Failed::Item(d)) => self.diags.lock().map(|mut ds| ds.push(d)).unwrap_or_default(),
            Err(Failed::Sink(d)) => self.fail(d),
        }
    }

    fn is_static(&self, path: &str) -> bool {
        self.site.theme.statics.iter().any(|(p, _)| p == path)
    }

    /// The sink took the file at `path`.
    fn taken(&self, path: String) {
        if let Ok(mut p) = self.paths.lock() {
            p.push(path);
        }
    }

    /// The sink failed: its first error is reported, and no more pages are made.
    fn fail(&self, d: Diagnostic) {
        if !self.sink_failed.swap(true, Relaxed)
            && let Ok(mut ds) = self.diags.lock()
        {
            ds.push(d);
        }
    }

    fn give(&self, page: Page, fingerprint: Option<u64>) {
        if let Some(path) = self.put(page, fingerprint) {
            self.taken(path);
        }
    }

    /// Hands `page` to the sink: its path if the sink took it; else the render fails.
    fn put(&self, page: Page, fingerprint: Option<u64>) -> Option<String> {
        let path = page.path.clone();
        self.sink.put(page, fingerprint).map_err(|d| self.fail(d)).ok().map(|()| path)
    }

    /// A file that the sink may have already, made from the same inputs.
    fn unless_kept(&self, path: &str, fingerprint: u64, make: &dyn Fn() -> String) {
        if self.sink_failed.load(Relaxed) {
            return;
        }
        match self.sink.reuse(path, fingerprint) {
            Ok(true) => self.taken(path.to_string()),
            Ok(false) => self.give(Page { path: path.into(), bytes: make().into_bytes() }, Some(fingerprint)),
            Err(d) => self.fail(d),
        }
    }

    /// The errors so far, in a stable order (jobs finish in any order), if any.
    fn failed(&self) -> Option<Vec<Diagnostic>> {
        let mut ds = self.diags.lock().map(|d| d.clone()).unwrap_or_default();
        ds.sort_by_key(|d| (d.line_col(), d.message.clone()));
        // One mistake in a template that many page templates extend or call (`base.html`,
        // a macro) is one error, where the first page met it.
        let place = |d: &Diagnostic| Some((d.file.as_ref()?.name.clone(), d.primary.as_ref()?.span.clone()));
        let mut seen = HashSet::new();
        ds.retain(|d| place(d).is_none_or(|p| seen.insert(p)));
        (!ds.is_empty()).then_some(ds)
    }

    /// After the pages: the files made from the list of them (the sitemap), the theme's
    /// static files and the code stylesheet; then what the render made.
    fn finish(self) -> Result<Counts, Vec<Diagnostic>> {
        if let Some(Err(ds)) = self.compiled().get() {
            return Err(ds.clone());
        }
        if let Some(ds) = self.failed() {
            return Err(ds);
        }
        let config = &self.site.config;
        // Taken out, not copied (30,000 paths at 10k/20k, on every save in `serve`), and put
        // back before the extras are given.
        let rendered: Vec<String> = self.paths.lock().map(|mut p| std::mem::take(&mut *p)).unwrap_or_default();
        // The first of two with the same name wins: a page over a static file, a theme's
        // static file over a generated one.
        let mut extra: Vec<Page> = Vec::new();
        // A briefing of an archive shares the archive's static files.
        let own_files = !matches!(self.site.role, Role::Briefing(_));
        for (path, bytes) in self.site.theme.statics.iter().filter(|_| own_files) {
            extra.push(Page { path: path.clone(), bytes: bytes.clone() });
        }
        if let Some(robots) = feed::robots(self.site).filter(|_| own_files) {
            extra.push(Page { path: "robots.txt".into(), bytes: robots.into_bytes() });
        }
        if config.base_url.is_some() {
            let mut all: Vec<&str> = rendered
                .iter()
                .map(String::as_str)
                .chain(extra.iter().map(|p| p.path.as_str()))
                .chain([FEED, HIGHLIGHT_CSS, CLAIMS_JSON])
                .collect();
            all.sort_unstable();
            all.dedup();
            let sitemap = feed::sitemap(self.site, &all).into_bytes();
            // An archive's `sitemap.xml` indexes its own pages' and its briefings': one
            // address to give a search engine, where no `robots.txt` can name them (under
            // a path).
            if let Role::Home(catalog) = &self.site.role {
                extra.push(Page { path: feed::HOME_SITEMAP.into(), bytes: sitemap });
                extra.push(Page {
                    path: "sitemap.xml".into(),
                    bytes: feed::sitemap_index(self.site, catalog).into_bytes(),
                });
            } else {
                extra.push(Page { path: "sitemap.xml".into(), bytes: sitemap });
            }
        }
        // Which of the few extra names a page took: the pages are looked up in a set of
        // those names, not put in a set of their own (30,000 paths hashed into a new table
        // on every save in `serve` at 10k/20k, after every page was made).
        let names: foldhash::HashSet<&str> = extra.iter().map(|p| p.path.as_str()).chain([HIGHLIGHT_CSS]).collect();
        let mut seen: foldhash::HashSet<&str> =
            rendered.iter().map(String::as_str).filter(|p| names.contains(p)).collect();
        let keep: Vec<bool> = extra.iter().map(|p| seen.insert(p.path.as_str())).collect();
        let css = own_files && !seen.contains(HIGHLIGHT_CSS);
        let mut keep = keep.into_iter();
        extra.retain(|_| keep.next().unwrap_or(false));
        if let Ok(mut paths) = self.paths.lock() {
            paths.splice(0..0, rendered);
        }
        // The code stylesheet depends on nothing but the program, which the build record
        // names: a constant fingerprint lets a rebuild skip making it (syntect's themes
        // take a few milliseconds to load).
        if css {
            self.unless_kept(HIGHLIGHT_CSS, hash_of(HIGHLIGHT_CSS), &highlight::stylesheet);
        }
        for page in extra {
            self.give(page, None);
        }
        if let Some(ds) = self.failed() {
            return Err(ds);
        }
        let paths = self.paths.into_inner().unwrap_or_default();
        let pages = paths.iter().filter(|p| p.ends_with(".html")).count();
        let shared = &self.shared;
        let flags = shared.flagged;
        Ok(Counts { files: paths.len(), pages, flags, reused: self.reused.into_inner(), ..Counts::default() })
    }
}

/// Where a page's template puts it.
/// Whether `site`'s pages carry share cards: asked for, with an address to give them, and
/// not an archive's home. Part of every claim's and article's key (`Renderer::new`).
fn cards_on(site: &Site) -> bool {
    let config = &site.config;
    config.share_cards && config.base_url.is_some() && !matches!(site.role, Role::Home(_))
}

fn path_of(template: &str, dir: &str) -> String {
    if template == "404.html" { "404.html".to_string() } else { [dir, INDEX].concat() }
}

/// The file a page's folder holds it in.
const INDEX: &str = "index.html";

impl ClaimRefs for Shared<'_> {
    fn claim_ref(&self, i: usize) -> ClaimRef<'_> {
        let claim = &self.site.claims.claims[i];
        ClaimRef {
            id: &claim.id.value,
            claim: &claim.claim,
            verdict: self.verdict(claim),
            finding: &claim.finding,
            topic: &claim.topic,
            href: claim_href(claim),
            checked: claim.checked.into(),
            updated: self.site.claims.updated(claim).into(),
            draft: claim.draft,
        }
    }

    fn whole(&self, i: usize) -> &ClaimCtx<'_> {
        self.claim(i)
    }
}

/// A claim's page, from the site's root.
fn claim_href(claim: &Claim) -> String {
    format!("claims/{}/index.html", claim.id.value)
}

impl<'a> Shared<'a> {
    /// `hashes`: what every page shares, and what every item shares (see [`inputs`]).
    fn new(
        site: &'a Site,
        (marks, found_by): (&'a Marks, &[Option<u64>]),
        highlighter: &'a Highlighter,
        hashes: (u64, u64),
    ) -> Self {
        let appearance_marks = inputs::Found::new(site, marks);
        let mut discrepancies_of: FastMap<&str, Vec<usize>> = FastMap::default();
        for (i, d) in site.claims.discrepancies.iter().enumerate() {
            for c in &d.claims {
                let list = discrepancies_of.entry(c.as_str()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        let scale = &site.config.verdicts;
        let verdict_at: Vec<Option<usize>> =
            site.claims.claims.iter().map(|c| scale.iter().position(|v| v.key == c.verdict.value)).collect();
        // As `Shared::verdict` reads an unknown verdict (which validation rules out).
        let flagged = appearance_marks.claims().filter(|&c| scale[verdict_at[c].unwrap_or(0)].flag).count();
        let index = inputs::Index { appearances: &appearance_marks, discrepancies: &discrepancies_of };
        let keys = inputs::keys(site, (marks, found_by), hashes, &index);
        Shared {
            site,
            marks,
            appearance_marks,
            article_refs: (0..site.articles.len()).map(|_| OnceLock::new()).collect(),
            claims: (0..site.claims.claims.len()).map(|_| OnceLock::new()).collect(),
            keys,
            discrepancies_of,
            verdict_at,
            flagged,
            highlighter,
            short_entries: site.theme.styles_code_as_default(),
        }
    }

    /// Article `i` as pages and lists show it, made on first use: a save renders a few
    /// of the front page's 20,000 rows and items at 10k/20k, and making all 10,000
    /// references on every save was 5-7 ms before any page could start.
    fn article(&self, i: usize) -> &Arc<Keyed<ArticleRef<'a>>> {
        self.article_refs[i].get_or_init(|| {
            Arc::new(Keyed { key: self.keys.articles[i], value: self.article_ref(i, &self.site.articles[i]) })
        })
    }

    /// Article `i` as a list's item: its key now, its reference when a template reads it.
    fn listed_article(&self, i: usize) -> Keyed<ListedArticle<'_, 'a>> {
        Keyed { key: self.keys.articles[i], value: ListedArticle { shared: self, i } }
    }

    /// Claim `i`'s verdict (see [`Shared::verdict`]).
    fn verdict_of(&self, i: usize) -> &'a Verdict {
        let scale: &'a [Verdict] = &self.site.config.verdicts;
        &scale[self.verdict_at[i].unwrap_or(0)]
    }

    fn verdict(&self, claim: &Claim) -> &'a Verdict {
        let config: &'a Config = &self.site.config;
        // Validation guarantees the verdict exists; fall back to the first step rather
        // than panic if a caller skipped it.
        config.verdict(&claim.verdict.value).unwrap_or(&config.verdicts[0])
    }

    fn canonical(&self, path: &str) -> Option<String> {
        self.site.config.base_url.as_ref().map(|b| format!("{b}{path}"))
    }

    /// `text` as HTML, converted when a template first asks for it.
    fn md_lazy(&self, text: &'a str) -> Md<'a> {
        Md { text, html: OnceLock::new(), highlighter: self.highlighter }
    }

    /// Claim `i`'s context, made on first use: most claims are on no page that a rebuild
    /// makes.
    fn claim(&self, i: usize) -> &Keyed<ClaimCtx<'a>> {
        self.claims[i].get_or_init(|| Keyed { key: self.keys.claims[i], value: self.claim_ctx(i) })
    }

    /// A claim as a list shows it.
    fn claim_ref(&self, i: usize) -> Keyed<Listed<'_>> {
        Keyed { key: self.keys.refs[i], value: Listed { claims: self, i } }
    }

    /// Each claim's key, in the claims file's order: what the claim's pages and list items
    /// are made from, which `claims.json` and the feed key their entries by.
    fn claim_keys(&self) -> Vec<u64> {
        self.keys.claims.clone()
    }

    fn md(&self, text: &str) -> String {
        markup::markdown_to_html(text, self.highlighter)
    }

    fn article_ref(&self, i: usize, a: &'a Article) -> ArticleRef<'a> {
        let (mut checked, mut flags, mut artifacts, mut changed) = (0, 0, 0, 0);
        for m in self.marks[i].iter() {
            match m.target {
                Target::Appearance { claim, .. } => {
                    checked += 1;
                    changed += usize::from(m.changed.is_some());
                    flags += usize::from(self.verdict_of(claim).flag);
                }
                Target::Artifact(_) => artifacts += 1,
            }
        }
        ArticleRef {
            slug: &a.slug,
            title: &a.meta.title,
            outlet: a.meta.outlet.as_deref(),
            author: a.meta.author.as_deref(),
            published: a.meta.published.map(Day),
            retrieved: a.meta.retrieved.map(Day),
            url: a.meta.url.as_deref(),
            archive_url: a.meta.archive_url.as_deref(),
            note: a.meta.note.as_deref(),
            format: a.format,
            href: format!("articles/{}/index.html", a.slug),
            outlet_href: self.outlet_href(a.meta.outlet.as_deref()),
            checked,
            flags,
            artifacts,
            changed,
            draft: a.meta.draft,
            sha256: a.meta.original.as_ref().map(|o| o.sha256.as_str()),
        }
    }

    fn article_description(&self, i: usize) -> String {
        let l = &self.site.theme.locale;
        let r = self.article(i);
        let outlet = r.outlet.map_or_else(|| l.get("article-description-no-outlet", None, &[]), str::to_string);
        let title = l.quote(r.title);
        let checked = l.get("tally-claims", Some(r.checked as i64), &[("count", &r.checked.to_string())]);
        let flagged = l.get("passages-flagged", Some(r.flags as i64), &[]);
        let args = [("title", title.as_str()), ("outlet", &outlet), ("checked", &checked), ("flagged", &flagged)];
        l.get("article-description", None, &args)
    }

    fn claim_ctx(&self, ci: usize) -> ClaimCtx<'a> {
        let site = self.site;
        let claim: &'a Claim = &site.claims.claims[ci];
        let appearances = claim
            .appearances
            .iter()
            .enumerate()
            .filter_map(|(ai, q)| {
                let (article, mark) = self.appearance_marks.get(ci, ai)?;
                let mark_id = appearance_id(claim, ai);
                // A passage that changed is quoted as it was checked, then as it reads now.
                let (before, exact, after, changed) = match mark.changed.as_deref() {
                    Some(c) => {
                        ("", c.was.as_str(), "", Some(versions::NowCtx::new(&site.articles[article].slug, mark, c)))
                    }
                    None => (mark.before.as_str(), mark.exact.as_str(), mark.after.as_str(), None),
                };
                Some(AppearanceCtx {
                    article: self.article(article).clone(),
                    href: format!("articles/{}/index.html#{mark_id}", site.articles[article].slug),
                    mark_id,
                    before,
                    exact,
                    after,
                    note: q.note.as_deref(),
                    changed,
                })
            })
            .collect();
        let discrepancies = self
            .discrepancies_of
            .get(claim.id.as_str())
            .map(|list| list.iter().map(|&i| &site.claims.discrepancies[i]).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .map(|d| DiscrepancyRef { id: &d.id.value, title: &d.title, href: format!("index.html#{}", d.id.value) })
            .collect();
        // In file order, so that the position breaks ties of date as the file does.
        let mut corrections: Vec<(usize, CorrectionCtx, Date)> = site
            .claims
            .corrections_of(&claim.id.value)
            .enumerate()
            .map(|(n, c)| (n, CorrectionCtx { date: c.date.into(), text_html: self.md(&c.text) }, c.date))
            .collect();
        corrections.sort_by_key(|c| std::cmp::Reverse((c.2, c.0)));
        ClaimCtx {
            id: &claim.id.value,
            claim: &claim.claim,
            verdict: self.verdict(claim),
            finding: &claim.finding,
            explanation_html: self.md_lazy(&claim.explanation),
            checked: claim.checked.into(),
            updated: site.claims.updated(claim).into(),
            topic: &claim.topic,
            href: claim_href(claim),
            sources: claim
                .sources
                .iter()
                .map(|s| SourceCtx {
                    title: &s.title,
                    described: s.described,
                    publisher: s.publisher.as_deref(),
                    url: &s.url.value,
                    archive_url: s.archive_url.as_ref().map(|a| a.value.as_str()),
                    date: s.date.map(DateCtx::from),
                })
                .collect(),
            appearances,
            discrepancies,
            corrections: corrections.into_iter().map(|(_, c, _)| c).collect(),
            draft: claim.draft,
        }
    }

    /// In an archive's briefing, the address of a topic's page across briefings, from the
    /// archive's root (a claim without a topic was given the front page's "Other claims",
    /// which is no topic there).
    fn topic_href(&self, topic: &str) -> Option<String> {
        if !matches!(self.site.role, Role::Briefing(_))
            || topic == self.site.theme.locale.get("other-claims", None, &[])
        {
            return None;
        }
        crate::model::article::latin_slug(topic.trim()).map(|slug| format!("topics/{slug}/index.html"))
    }

    /// In an archive's briefing, the address of an outlet's page across briefings, from
    /// the archive's root (as the catalog names outlets: `catalog::group`).
    fn outlet_href(&self, outlet: Option<&str>) -> Option<String> {
        if !matches!(self.site.role, Role::Briefing(_)) {
            return None;
        }
        crate::model::article::latin_slug(outlet?.trim()).map(|slug| format!("outlets/{slug}/index.html"))
    }

    fn claim_page_context(&self, ci: usize) -> (ClaimPageCtx<'a, '_>, Vec<Lazy<'a>>) {
        let site = self.site;
        let claim = &site.claims.claims[ci];
        let file = &site.claims_file;
        let entry = &file.text[claim.span.clone()];
        let (first, last) = self.keys.entry_lines[ci];
        let (highlighter, short) = (self.highlighter, self.short_entries);
        let recorded_html = move || {
            highlighter.entry(&format!("{entry}\n"), short).unwrap_or_else(|| format!("<code>{}</code>", escape(entry)))
        };
        let edit_url = site
            .config
            .repo_url
            .as_ref()
            .map(|repo| format!("{}/blob/HEAD/{}#L{first}-L{last}", repo.trim_end_matches('/'), file.name));
        // A claim's whole context is kept only where a discrepancy's sides made it: the
        // page is its only other reader.
        let claim_ctx = match self.claims[ci].get() {
            Some(kept) => Mine::Lent(kept),
            None => Mine::Own(Keyed { key: self.keys.claims[ci], value: self.claim_ctx(ci) }),
        };
        let ctx = ClaimPageCtx {
            claim: claim_ctx,
            recorded_lines: format!("{}, lines {first}–{last}", file.name),
            recorded: (file.name.as_str(), first, last),
            edit_url,
            topic_href: self.topic_href(&claim.topic),
        };
        let inputs = jsonld::inputs(site, ci, &self.appearance_marks);
        let jsonld =
            Lazy { name: "jsonld", key: fingerprint::of(&inputs), make: Box::new(move || jsonld::review(&inputs)) };
        let key = hash_of((entry, short));
        (ctx, vec![Lazy { name: "recorded_html", key, make: Box::new(recorded_html) }, jsonld])
    }

    /// The front page: its own fields, and its lists with each item's fingerprint
    /// (`common` covers the templates and the page's root).
    fn index_context(&self, common: u64) -> (Option<String>, IndexLists<'a, '_>, Vec<EventCtx<'a>>, CountsCtx) {
        let site = self.site;
        let claims = &site.claims;
        let by_id: FastMap<&str, usize> = claims.claims.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
        let discrepancies: Vec<DiscrepancyCtx<'_, '_>> = claims
            .discrepancies
            .iter()
            .map(|d| DiscrepancyCtx {
                id: &d.id.value,
                title: &d.title,
                resolution_html: self.md_lazy(&d.resolution),
                draft: d.draft,
                sides: d
                    .claims
                    .iter()
                    .filter_map(|c| by_id.get(c.as_str()))
                    .map(|&i| Keyed { key: self.keys.claims[i], value: Whole { claims: self, i } })
                    .collect(),
            })
            .collect();

        let verdicts = &site.config.verdicts;
        let labels = Labels { verdicts, key: fingerprint::of(&verdicts.iter().map(|v| &v.label).collect::<Vec<_>>()) };
        let scorecard: Vec<ScoreRow<'_, '_>> = self
            .marks
            .par_iter()
            .enumerate()
            .map(|(ai, list)| {
                let mut counts = vec![0; site.config.verdicts.len()];
                let mut artifacts = 0;
                for m in list.iter() {
                    match m.target {
                        Target::Appearance { claim, .. } => {
                            if let Some(v) = self.verdict_at[claim] {
                                counts[v] += 1;
                            }
                        }
                        Target::Artifact(_) => artifacts += 1,
                    }
                }
                ScoreRow { article: self.listed_article(ai), counts, labels, artifacts }
            })
            .collect();

        // Topics in the order they first appear, each with its claims in file order.
        let mut topics: Vec<(&str, Vec<Keyed<Listed<'_>>>)> = Vec::new();
        let mut topic_of: FastMap<&str, usize> = FastMap::default();
        for (i, c) in claims.claims.iter().enumerate() {
            let t = *topic_of.entry(c.topic.as_str()).or_insert_with(|| {
                topics.push((&c.topic, Vec::new()));
                topics.len() - 1
            });
            topics[t].1.push(self.claim_ref(i));
        }

        let mut timeline: Vec<EventCtx<'_>> = claims
            .events
            .iter()
            .map(|e| EventCtx { date: e.date.into(), title: &e.title, source: e.source.as_deref() })
            .collect();
        timeline.sort_by(|a, b| a.date.iso.cmp(&b.date.iso));

        let flagged = self.flagged;
        let lists = IndexLists {
            discrepancies: Parts::new(DISCREPANCY, discrepancies, common),
            scorecard: Parts::new(SCORE_ROW, scorecard, common),
            articles: Parts::new(
                ARTICLE_ITEM,
                (0..site.articles.len()).map(|i| self.listed_article(i)).collect(),
                common,
            ),
            topics: topics.into_iter().map(|(name, list)| (name, Parts::new(CLAIM_ITEM, list, common))).collect(),
        };
        let counts = CountsCtx {
            articles: site.articles.len(),
            claims: claims.claims.len(),
            appearances: self.appearance_marks.len(),
            flags: flagged,
            discrepancies: claims.discrepancies.len(),
            artifacts: claims.artifacts.len(),
            corrections: claims.corrections.len(),
        };
        (site.lead.as_deref().map(|l| self.md(l)), lists, timeline, counts)
    }

    /// The sources page's list, each source with the claims that cite it, newest first.
    fn sources_context(&self, common: u64) -> Parts<SourceListCtx<'a, '_>> {
        let mut sources: Vec<SourceListCtx<'_, '_>> = Vec::new();
        let claims = &self.site.claims.claims;
        // Most claims cite a source of their own: sized once, not grown by doubling.
        let mut by_url: FastMap<&str, usize> = FastMap::with_capacity_and_hasher(claims.len(), Default::default());
        for (i, claim) in claims.iter().enumerate() {
            for s in &claim.sources {
                match by_url.get(s.url.as_str()) {
                    Some(&x) => {
                        let x = &mut sources[x];
                        if x.claims.last().is_none_or(|c| c.value.i != i) {
                            x.claims.push(self.claim_ref(i));
                        }
                    }
                    None => {
                        by_url.insert(s.url.as_str(), sources.len());
                        sources.push(SourceListCtx {
                            title: &s.title,
                            described: s.described,
                            publisher: s.publisher.as_deref(),
                            url: &s.url.value,
                            archive_url: s.archive_url.as_ref().map(|a| a.value.as_str()),
                            date: s.date.map(Day),
                            claims: vec![self.claim_ref(i)],
                        });
                    }
                }
            }
        }
        // Newest first, then by title: a reader scans for the primary documents by date.
        // (Dates compare as their ISO forms do: four-digit years, padded months and days.)
        // No two sources have the same address (`by_url`), so none compare equal: an
        // unstable sort puts them in the one order a stable sort would, without its buffer.
        sources.sort_unstable_by(|a, b| {
            b.date.cmp(&a.date).then_with(|| a.title.cmp(b.title)).then_with(|| a.url.cmp(b.url))
        });
        Parts::new(SOURCE, sources, common)
    }

    fn corrections_context(&self) -> CorrectionsCtx<'_> {
        let claims = &self.site.claims;
        let index: FastMap<&str, usize> = claims.claims.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
        let mut list: Vec<(Date, usize, CorrectionListCtx<'_>)> = claims
            .corrections
            .iter()
            .enumerate()
            .filter_map(|(n, c)| {
                let i = *index.get(c.claim.as_str())?;
                Some((
                    c.date,
                    n,
                    CorrectionListCtx { date: c.date.into(), text_html: self.md(&c.text), claim: self.claim_ref(i) },
                ))
            })
            .collect();
        list.sort_by_key(|c| std::cmp::Reverse((c.0, c.1)));
        CorrectionsCtx {
            corrections: list.into_iter().map(|(_, _, c)| c).collect(),
            policy_html: self.md(&self.site.config.corrections_policy),
        }
    }

    /// The article page's context, and its body with the passages marked (made lazily).
    fn article_context(&self, i: usize) -> (ArticlePageCtx<'a, '_>, Lazy<'a>) {
        let site = self.site;
        let article = &site.articles[i];
        let root = "../../";
        let mut highlights = Vec::new();
        let mut flags = Vec::new();
        let mut accurate = Vec::new();
        let mut artifacts = Vec::new();
        let mut changes = Vec::new();
        for m in self.marks[i].iter() {
            match m.target {
                Target::Appearance { claim: ci, index } => {
                    let claim = &site.claims.claims[ci];
                    let verdict = self.verdict(claim);
                    let id = appearance_id(claim, index);
                    let mut class = format!("claim v-{} {}", verdict.key, if verdict.flag { "flag" } else { "quiet" });
                    let mut label = escape(&verdict.label);
                    if m.changed.is_some() {
                        class.push_str(" changed");
                        label = format!("{label} · {}", escape(&site.theme.locale.get("changed-mark", None, &[])));
                    }
                    highlights.push(Highlight {
                        start: m.range.start,
                        end: m.range.end,
                        open: format!("<mark class=\"{class}\" id=\"{id}\">"),
                        reopen: format!("<mark class=\"{class}\">"),
                        close: "</mark>".into(),
                        after: format!(
                            "<a class=\"note v-{key}{quiet}\" href=\"{root}claims/{cid}/index.html\"><span class=\"note-label\">{label}</span><span class=\"note-text\"> {finding}</span></a>",
                            key = verdict.key,
                            quiet = if verdict.flag || m.changed.is_some() { "" } else { " quiet" },
                            cid = escape(&claim.id.value),
                            finding = escape(&claim.finding),
                        ),
                    });
                    let exact = match &m.changed {
                        Some(changed) => {
                            changes.push(versions::ChangeCtx::new(id.clone(), self.claim_ref(ci), m, changed));
                            changed.was.as_str()
                        }
                        None => m.exact.as_str(),
                    };
                    let flag = FlagCtx { mark_id: id, claim: self.claim_ref(ci), exact };
                    if verdict.flag { flags.push(flag) } else { accurate.push(flag) }
                }
                // Furniture the outlet has since removed is no longer worth a mention.
                Target::Artifact(_) if m.range.is_empty() => {}
                Target::Artifact(n) => {
                    let artifact = &site.claims.artifacts[n];
                    let id = artifact_id(n);
                    highlights.push(Highlight {
                        start: m.range.start,
                        end: m.range.end,
                        open: format!("<mark class=\"artifact\" id=\"{id}\">"),
                        reopen: "<mark class=\"artifact\">".into(),
                        close: "</mark>".into(),
                        after: format!(
                            "<span class=\"note artifact-note\"><span class=\"note-label\">{}</span><span class=\"note-text\"> {}</span></span>",
                            escape(&site.theme.locale.get("not-authors-text", None, &[])),
                            escape(&artifact.reason)
                        ),
                    });
                    artifacts.push(ArtifactCtx { mark_id: id, reason: &artifact.reason, exact: &m.exact });
                }
            }
        }
        let versions = versions::versions(article);
        let ctx = ArticlePageCtx { article: self.article(i), flags, accurate, artifacts, versions, changes };
        // The body is a function of the file's text (the markup is parsed from it) and of
        // the marks.
        let key = hash_of((article.hash, article.format, &highlights));
        let body =
            Lazy { name: "body_html", key, make: Box::new(move || markup::write_html(article.markup(), &highlights)) };
        (ctx, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_pieces_is_made_a_run_at_a_time_and_stops_at_an_item_that_fails() {
        let texts: Vec<String> = (0..3000).map(|i| format!("<{i}>")).collect();
        let segs = |texts: &[String]| -> Vec<Seg<'static>> {
            let mut segs = vec![Seg::Text(b"[")];
            segs.extend((0..texts.len()).map(|i| Seg::Item { key: i as u64, bytes: None }));
            segs.push(Seg::Text(b"]"));
            segs
        };
        let sink = Collect(Mutex::new(Vec::new()));
        let make = |i: usize| Ok(Html::from(texts[i - 1].as_str()));
        put_pieces(&sink, "a.json", 1, segs(&texts), &make).unwrap();
        let pages = sink.0.into_inner().unwrap();
        assert_eq!(String::from_utf8(pages[0].bytes.clone()).unwrap(), format!("[{}]", texts.concat()));

        let sink = Collect(Mutex::new(Vec::new()));
        let made = std::sync::atomic::AtomicUsize::new(0);
        let failing = |i: usize| {
            made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if i == 1500 { Err(Diagnostic::error("internal", "item 1500")) } else { Ok(Html::from("x")) }
        };
        let Err(Failed::Item(err)) = put_pieces(&sink, "a.json", 1, segs(&texts), &failing) else {
            panic!("an item's failure is the item's error")
        };
        assert_eq!(err.message, "item 1500", "the item's own error, not the writer's");
        assert!(sink.0.into_inner().unwrap().is_empty(), "nothing is put");
        assert!(made.into_inner() < 3000, "the runs after the failing one are not made");
    }

    #[test]
    fn a_frame_splits_at_each_marker_once_in_any_order() {
        let frame = format!("<ul>{}\n{}</ul>", marker(7, 1), marker(7, 0));
        let (pieces, last) = split(&frame, 7, 2).expect("splits");
        assert_eq!(pieces, [("<ul>", 1), ("\n", 0)]);
        assert_eq!(last, "</ul>");
        assert!(split(&frame, 7, 3).is_none(), "an item missing");
        assert!(split(&format!("{frame}{}", marker(7, 1)), 7, 2).is_none(), "an item twice");
        assert!(split(&frame, 8, 2).is_none(), "another page's markers");
        let escaped = frame.replace('<', "&lt;");
        assert!(split(&escaped, 7, 2).is_none(), "escaped markers");
        assert!(split(&format!("{}x", marker(7, 0).replace("-->", "")), 7, 1).is_none(), "cut short");
    }
}
