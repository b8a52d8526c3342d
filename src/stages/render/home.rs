//! The pages of an archive's home, made from its catalog alone: the list of briefings,
//! the topics and the outlets across briefings, every list page by page
//! (`paginate_by`), so that no page grows with the archive; the site's feed and each
//! topic's, of the latest `feed_limit` claims; and the site-wide export, `claims.jsonl`.

use serde::Serialize;

use super::{DateCtx, Done, Job, Own, Renderer};
use crate::model::catalog::{Catalog, Entry, Group, Story, Tallies};
use crate::model::config::Verdict;
use crate::model::diag::Diagnostic;
use crate::model::page::Page;

/// The templates only an archive's home uses: a briefing leaves them out of its compile.
pub const TEMPLATES: [&str; 5] = ["archive.html", "groups.html", "topic.html", "outlet.html", "search.html"];

/// The site-wide export: one claim of any briefing per line.
pub const CLAIMS_JSONL: &str = "claims.jsonl";

/// A list's page among its pages: `dir`, then `dir/page/2/`…
#[derive(Serialize)]
struct PagerCtx {
    /// This page's number, from 1.
    number: usize,
    /// How many pages the list has.
    count: usize,
    /// How many items it has in all.
    items: usize,
    previous: Option<String>,
    next: Option<String>,
    /// The pages to link by number: the first, the last and those near this one; `None`
    /// stands for the pages left out between them.
    pages: Vec<Option<PageLinkCtx>>,
}

#[derive(Serialize)]
struct PageLinkCtx {
    number: usize,
    href: String,
    current: bool,
}

/// A briefing on the archive's home.
#[derive(Serialize)]
struct ListingCtx<'a> {
    href: String,
    title: &'a str,
    date: DateCtx,
    summary: Option<&'a str>,
    articles: usize,
    claims: usize,
    flags: usize,
    discrepancies: usize,
}

/// A briefing a claim or an article belongs to.
#[derive(Serialize)]
struct BriefingCtx<'a> {
    title: &'a str,
    href: String,
}

/// A claim on a topic's page.
#[derive(Serialize)]
struct EntryCtx<'a> {
    draft: bool,
    href: String,
    claim: &'a str,
    finding: &'a str,
    verdict: &'a Verdict,
    updated: DateCtx,
    briefing: BriefingCtx<'a>,
}

/// An article on an outlet's page, with the verdicts of the claims it makes.
#[derive(Serialize)]
struct StoryCtx<'a> {
    draft: bool,
    href: String,
    title: &'a str,
    published: Option<DateCtx>,
    briefing: BriefingCtx<'a>,
    verdicts: Vec<CountCtx<'a>>,
}

/// How many claims of one verdict.
#[derive(Serialize)]
struct CountCtx<'a> {
    verdict: &'a Verdict,
    count: usize,
}

/// A topic or an outlet on its index page.
#[derive(Serialize)]
struct GroupCtx<'a> {
    name: &'a str,
    href: String,
    count: usize,
}

#[derive(Serialize)]
struct HomeCtx<'a> {
    briefings: Vec<ListingCtx<'a>>,
    pager: PagerCtx,
}

#[derive(Serialize)]
struct GroupsCtx<'a> {
    /// `topics` or `outlets`.
    kind: &'static str,
    /// The locale's key for a group's count: `claims-count`, `articles-count`.
    count_key: &'static str,
    groups: Vec<GroupCtx<'a>>,
    pager: PagerCtx,
}

#[derive(Serialize)]
struct SearchCtx {
    /// Documents per chunk of the index.
    chunk: usize,
}

#[derive(Serialize)]
struct TopicCtx<'a> {
    name: &'a str,
    /// Its feed, from the page.
    feed: String,
    claims: Vec<EntryCtx<'a>>,
    pager: PagerCtx,
}

#[derive(Serialize)]
struct OutletCtx<'a> {
    name: &'a str,
    /// Every verdict of the scale, with how many of the outlet's claims have it.
    totals: Vec<CountCtx<'a>>,
    /// How many claims its articles make (each once per article).
    claims: usize,
    articles: Vec<StoryCtx<'a>>,
    pager: PagerCtx,
}

/// The `n`-th page (from 1) of a list of `items` in `dir`: its folder, and the path
/// back to the site's root from it.
fn page_dir(dir: &str, n: usize) -> String {
    if n == 1 { dir.to_string() } else { format!("{dir}page/{n}/") }
}

/// The path from `dir` back to the site's root.
fn up(dir: &str) -> String {
    "../".repeat(dir.matches('/').count())
}

impl PagerCtx {
    fn new(dir: &str, n: usize, per: usize, items: usize) -> PagerCtx {
        let count = items.div_ceil(per).max(1);
        let root = up(&page_dir(dir, n));
        let href = |m: usize| format!("{root}{}index.html", page_dir(dir, m));
        PagerCtx {
            number: n,
            count,
            items,
            previous: (n > 1).then(|| href(n - 1)),
            next: (n < count).then(|| href(n + 1)),
            pages: window(n, count)
                .into_iter()
                .map(|m| m.map(|m| PageLinkCtx { number: m, href: href(m), current: m == n }))
                .collect(),
        }
    }
}

impl<'a> Renderer<'a> {
    /// Every page and file of an archive's home.
    pub(super) fn home_jobs<'s>(&'s self, catalog: &'s Catalog) -> Vec<Job<'s>> {
        let per = self.site.config.paginate_by.max(1);
        let mut jobs: Vec<Job<'s>> = Vec::new();
        let pages = |items: usize| items.div_ceil(per).max(1);
        for n in 1..=pages(catalog.briefings.len()) {
            jobs.push(Box::new(move || self.home_page(catalog, n, per)));
        }
        let topics = std::sync::Arc::new(catalog.topics());
        let outlets = std::sync::Arc::new(catalog.outlets());
        for (kind, groups) in [("topics", &topics), ("outlets", &outlets)] {
            for n in 1..=pages(groups.len()) {
                let groups = std::sync::Arc::clone(groups);
                jobs.push(Box::new(move || self.groups_page(kind, &groups, n, per)));
            }
        }
        for g in 0..topics.len() {
            let count = pages(topics[g].members.len());
            for n in 1..=count {
                let topics = std::sync::Arc::clone(&topics);
                jobs.push(Box::new(move || self.topic_page(catalog, &topics[g], n, per)));
            }
            let topics = std::sync::Arc::clone(&topics);
            jobs.push(Box::new(move || self.topic_feed(catalog, &topics[g])));
        }
        let tallies = std::sync::Arc::new(catalog.tallies());
        for g in 0..outlets.len() {
            for n in 1..=pages(outlets[g].members.len()) {
                let (outlets, tallies) = (std::sync::Arc::clone(&outlets), std::sync::Arc::clone(&tallies));
                jobs.push(Box::new(move || self.outlet_page(catalog, &tallies, &outlets[g], n, per)));
            }
        }
        jobs.push(Box::new(move || {
            let latest = catalog.latest();
            let xml = super::feed::catalog_atom(self.site, catalog, &latest, "", None);
            Ok(file(super::FEED.to_string(), xml))
        }));
        jobs.push(Box::new(move || Ok(file(CLAIMS_JSONL.to_string(), super::export::jsonl(self.site, catalog)))));
        jobs.push(Box::new(move || self.search_page()));
        jobs.push(Box::new(move || self.search_index(catalog)));
        jobs
    }

    /// The `n`-th page of the home's list of briefings, newest first.
    fn home_page(&self, catalog: &Catalog, n: usize, per: usize) -> Result<Done, Diagnostic> {
        let config = &self.site.config;
        let dir = page_dir("", n);
        let root = up(&dir);
        let ctx = HomeCtx {
            briefings: slice(&catalog.briefings, n, per)
                .iter()
                .map(|b| ListingCtx {
                    href: format!("{}/index.html", b.slug),
                    title: &b.heading.title,
                    date: b.heading.date.into(),
                    summary: b.heading.summary.as_deref(),
                    articles: b.articles,
                    claims: b.claims,
                    flags: b.flags,
                    discrepancies: b.discrepancies,
                })
                .collect(),
            pager: PagerCtx::new("", n, per, catalog.briefings.len()),
        };
        let title = self.numbered(&config.title, n);
        let p = self.page(&title, config.description.clone(), &dir, "website");
        self.render_one("archive.html", &dir, &root, p, Own::of(ctx), Vec::new())
    }

    /// The `n`-th page of the index of topics or outlets.
    fn groups_page(&self, kind: &'static str, groups: &[Group], n: usize, per: usize) -> Result<Done, Diagnostic> {
        let l = &self.site.theme.locale;
        let dir = page_dir(&format!("{kind}/"), n);
        let root = up(&dir);
        let ctx = GroupsCtx {
            kind,
            count_key: if kind == "topics" { "claims-count" } else { "articles-count" },
            groups: slice(groups, n, per)
                .iter()
                .map(|g| GroupCtx {
                    name: &g.name,
                    href: format!("{kind}/{}/index.html", g.slug),
                    count: g.members.len(),
                })
                .collect(),
            pager: PagerCtx::new(&format!("{kind}/"), n, per, groups.len()),
        };
        let title = self.numbered(&l.get(&format!("{kind}-title"), None, &[]), n);
        let description = l.get(&format!("{kind}-description"), None, &[("site", &self.site.config.title)]);
        let p = self.page(&title, description, &dir, "website");
        self.render_one("groups.html", &dir, &root, p, Own::of(ctx), Vec::new())
    }

    /// The `n`-th page of a topic's claims, across briefings, the latest first.
    fn topic_page(&self, catalog: &Catalog, topic: &Group, n: usize, per: usize) -> Result<Done, Diagnostic> {
        let l = &self.site.theme.locale;
        let home = format!("topics/{}/", topic.slug);
        let dir = page_dir(&home, n);
        let ctx = TopicCtx {
            name: &topic.name,
            feed: format!("{}{home}feed.xml", up(&dir)),
            claims: slice(&topic.members, n, per)
                .iter()
                .map(|&c| self.entry_ctx(catalog, &catalog.claims[c]))
                .collect(),
            pager: PagerCtx::new(&home, n, per, topic.members.len()),
        };
        let title = self.numbered(&l.get("topic-title", None, &[("topic", &topic.name)]), n);
        let description = l.get("topic-description", Some(topic.members.len() as i64), &[("topic", &topic.name)]);
        let p = self.page(&title, description, &dir, "website");
        self.render_one("topic.html", &dir, &up(&dir), p, Own::of(ctx), Vec::new())
    }

    /// The `n`-th page of an outlet's articles, across briefings, with its claims counted
    /// by verdict: counts, not a rating.
    fn outlet_page(
        &self,
        catalog: &Catalog,
        tallies: &Tallies<'_>,
        outlet: &Group,
        n: usize,
        per: usize,
    ) -> Result<Done, Diagnostic> {
        let l = &self.site.theme.locale;
        let verdicts = &self.site.config.verdicts;
        let home = format!("outlets/{}/", outlet.slug);
        let dir = page_dir(&home, n);
        let all = tallies.of(&outlet.members);
        let totals: Vec<CountCtx> = verdicts
            .iter()
            .map(|v| CountCtx { verdict: v, count: all.get(v.key.as_str()).copied().unwrap_or(0) })
            .collect();
        let claims = totals.iter().map(|c| c.count).sum();
        let ctx = OutletCtx {
            name: &outlet.name,
            totals,
            claims,
            articles: slice(&outlet.members, n, per).iter().map(|&a| self.story_ctx(catalog, tallies, a)).collect(),
            pager: PagerCtx::new(&home, n, per, outlet.members.len()),
        };
        let title = self.numbered(&l.get("outlet-title", None, &[("outlet", &outlet.name)]), n);
        let description = l.get("outlet-description", Some(outlet.members.len() as i64), &[("outlet", &outlet.name)]);
        let p = self.page(&title, description, &dir, "website");
        self.render_one("outlet.html", &dir, &up(&dir), p, Own::of(ctx), Vec::new())
    }

    /// A topic's feed: its latest claims.
    fn topic_feed(&self, catalog: &Catalog, topic: &Group) -> Result<Done, Diagnostic> {
        let dir = format!("topics/{}/", topic.slug);
        let title = self.site.theme.locale.get("topic-title", None, &[("topic", &topic.name)]);
        let xml = super::feed::catalog_atom(self.site, catalog, &topic.members, &dir, Some(&title));
        Ok(file(format!("{dir}{}", super::FEED), xml))
    }

    /// The search page: a form, and the script that searches the index.
    fn search_page(&self) -> Result<Done, Diagnostic> {
        let l = &self.site.theme.locale;
        let description = l.get("search-description", None, &[("site", &self.site.config.title)]);
        let p = self.page(&l.get("search-title", None, &[]), description, "search/", "website");
        self.render_one(
            "search.html",
            "search/",
            "../",
            p,
            Own::of(SearchCtx { chunk: super::search::CHUNK }),
            Vec::new(),
        )
    }

    /// The search index's files: all but the last handed to the sink here.
    fn search_index(&self, catalog: &Catalog) -> Result<Done, Diagnostic> {
        let mut files = super::search::files(catalog, &self.site.config);
        let Some((path, text)) = files.pop() else { return Ok(Done::NoTemplates) };
        for (path, text) in files {
            if let Done::Made(page, fingerprint) = file(path, text) {
                self.give(page, Some(fingerprint));
            }
        }
        Ok(file(path, text))
    }

    /// `title`, with the page's number after the first.
    fn numbered(&self, title: &str, n: usize) -> String {
        if n == 1 {
            return title.to_string();
        }
        self.site.theme.locale.get("page-numbered", None, &[("title", title), ("number", &n.to_string())])
    }

    fn briefing_ctx<'c>(&self, catalog: &'c Catalog, b: usize) -> BriefingCtx<'c> {
        let b = &catalog.briefings[b];
        BriefingCtx { title: &b.heading.title, href: format!("{}/index.html", b.slug) }
    }

    fn entry_ctx<'c>(&'c self, catalog: &'c Catalog, c: &'c Entry) -> EntryCtx<'c> {
        let slug = &catalog.briefings[c.briefing].slug;
        EntryCtx {
            draft: c.draft,
            href: format!("{slug}/claims/{}/index.html", c.id),
            claim: &c.claim,
            finding: &c.finding,
            verdict: self.verdict_of(&c.verdict),
            updated: c.updated.into(),
            briefing: self.briefing_ctx(catalog, c.briefing),
        }
    }

    fn story_ctx<'c>(&'c self, catalog: &'c Catalog, tallies: &Tallies<'_>, a: usize) -> StoryCtx<'c> {
        let s: &Story = &catalog.articles[a];
        let counts = tallies.of(&[a]);
        StoryCtx {
            draft: s.draft,
            href: format!("{}/articles/{}/index.html", catalog.briefings[s.briefing].slug, s.slug),
            title: &s.title,
            published: s.published.map(Into::into),
            briefing: self.briefing_ctx(catalog, s.briefing),
            verdicts: self
                .site
                .config
                .verdicts
                .iter()
                .filter_map(|v| counts.get(v.key.as_str()).map(|&count| CountCtx { verdict: v, count }))
                .collect(),
        }
    }

    /// The verdict of this key; the scale's first for an unknown one (validation reports
    /// those, so none is ever rendered).
    fn verdict_of(&self, key: &str) -> &Verdict {
        let config = &self.site.config;
        config.verdict(key).unwrap_or(&config.verdicts[0])
    }
}

/// The numbers of the pages linked from page `n` of `count`: the first and the last, and
/// two either side of `n`, with `None` for each gap, so that a list of 400 pages does not
/// link 400 of them from each.
fn window(n: usize, count: usize) -> Vec<Option<usize>> {
    let mut out = Vec::new();
    for m in 1..=count {
        if m == 1 || m == count || m.abs_diff(n) <= 2 {
            out.push(Some(m));
        } else if out.last().is_some_and(Option::is_some) {
            out.push(None);
        }
    }
    out
}

/// The items of the `n`-th page.
fn slice<T>(items: &[T], n: usize, per: usize) -> &[T] {
    let start = ((n - 1) * per).min(items.len());
    &items[start..(start + per).min(items.len())]
}

/// A file that is not a page, fingerprinted by its bytes.
fn file(path: String, text: String) -> Done {
    let fingerprint = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
    Done::Made(Page { path, bytes: text.into_bytes() }, fingerprint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pager_links_the_ends_and_the_neighbours() {
        assert_eq!(window(1, 1), [Some(1)]);
        assert_eq!(window(5, 10), [Some(1), None, Some(3), Some(4), Some(5), Some(6), Some(7), None, Some(10)]);
        assert_eq!(window(2, 4), [Some(1), Some(2), Some(3), Some(4)]);
        let p = PagerCtx::new("topics/dates/", 2, 10, 25);
        assert_eq!(p.count, 3);
        assert_eq!(p.previous.as_deref(), Some("../../../../topics/dates/index.html"));
        assert_eq!(p.next.as_deref(), Some("../../../../topics/dates/page/3/index.html"));
        assert_eq!(slice(&[1, 2, 3], 2, 2), [3]);
    }
}
