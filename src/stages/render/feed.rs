//! Feeds and discovery: `feed.xml` (Atom) of the claims by date checked or corrected, and
//! when `base_url` is set, `sitemap.xml` and `robots.txt`.

use std::fmt::Write as _;

use crate::model::catalog::Catalog;
use crate::model::config::is_slug;
use crate::model::date::Date;
use crate::model::markup::escape;
use crate::stages::load::Site;

fn stamp(d: Date) -> String {
    format!("{d}T00:00:00Z")
}

/// A stable id for the site when it has no `base_url`: Atom ids must be permanent, and
/// without an address the title is the most stable thing there is.
fn site_urn(site: &Site) -> String {
    let slug = crate::model::article::suggest_slug(&site.config.title);
    format!("urn:briefing:{}", if is_slug(&slug) { slug } else { "site".into() })
}

/// The Atom feed: one entry per claim, most recently updated first. A correction moves its
/// claim's entry up and changes its `updated` date.
pub fn atom(site: &Site) -> String {
    let feed = Feed::new(site, None);
    let mut x = String::new();
    for piece in &feed.pieces {
        match piece {
            Piece::Text(text) => x.push_str(text),
            Piece::Entry { claim, date, .. } => x.push_str(&feed.entry(*claim, *date)),
        }
    }
    x
}

/// One piece of the feed, in order: its own text, or a claim's entry.
pub enum Piece {
    /// Text between entries.
    Text(String),
    /// Claim `claim`'s entry, updated on `date`, under a key of what it is made from.
    Entry { claim: usize, date: Date, key: u64 },
}

/// The feed as [`Piece`]s: a rebuild makes only the entries the previous file lacks (see
/// [`crate::model::page`]); at 20,000 claims the feed is 10 MB.
pub struct Feed<'a> {
    site: &'a Site,
    /// The feed, in order.
    pub pieces: Vec<Piece>,
}

impl<'a> Feed<'a> {
    /// The pieces of the feed of `site`. An entry is kept under `claim_keys`' key for its
    /// claim (a fingerprint of the claim as its page shows it, corrections included, see
    /// `render.rs`) and the feed's address; without them, under a hash of its text.
    pub fn new(site: &'a Site, claim_keys: Option<&[u64]>) -> Feed<'a> {
        let config = &site.config;
        let base = config.base_url.as_deref();
        let mut entries: Vec<(Date, usize)> =
            site.claims.claims.iter().enumerate().map(|(i, c)| (site.claims.updated(c), i)).collect();
        entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        if config.feed_limit > 0 {
            entries.truncate(config.feed_limit);
        }
        let feed_updated = entries.first().map(|e| e.0).or_else(|| site.claims.events.iter().map(|e| e.date).max());

        // Links are relative: to `xml:base` when the site's address is known, otherwise
        // to the feed's own address, which is where readers resolve them (RFC 3986, 5.1.3).
        let id = base.map_or_else(|| site_urn(site), str::to_string);
        let x = head(config, &Head { xml_base: base, title: &config.title, id: &id, updated: feed_updated });
        let mut feed = Feed { site, pieces: vec![Piece::Text(x)] };
        // An entry's words ("corrected twice") are the locale's.
        let locale = site.theme.locale.fingerprint();
        let keys: Vec<u64> = entries
            .iter()
            .map(|&(date, claim)| match claim_keys {
                Some(keys) => crate::stages::render::fingerprint::of(&("feed entry", keys[claim], date, base, locale)),
                None => xxhash_rust::xxh3::xxh3_64(feed.entry(claim, date).as_bytes()),
            })
            .collect();
        feed.pieces.extend(entries.into_iter().zip(keys).map(|((date, claim), key)| Piece::Entry { claim, date, key }));
        feed.pieces.push(Piece::Text("</feed>\n".into()));
        feed
    }

    /// Claim `i`'s entry, updated on `date`.
    pub fn entry(&self, i: usize, date: Date) -> String {
        let site = self.site;
        let config = &site.config;
        let base = config.base_url.as_deref();
        let c = &site.claims.claims[i];
        let verdict = config.verdict(&c.verdict.value).unwrap_or(&config.verdicts[0]);
        let path = format!("claims/{}/", c.id.value);
        // Permanent: the claim's address when the site's is known; otherwise a name made of
        // the claim's id and the date it was checked, never of the site's title.
        let id =
            base.map_or_else(|| format!("urn:briefing:claim:{}:{}", c.checked, c.id.value), |b| format!("{b}{path}"));
        let entry = Entry {
            title: &c.claim,
            id: &id,
            href: &path,
            published: c.checked,
            updated: date,
            verdict,
            finding: &c.finding,
            corrections: site.claims.corrections_of(&c.id.value).count(),
        };
        entry.xml(&site.theme.locale)
    }
}

/// What a feed's head says besides the config's.
struct Head<'a> {
    /// The address its links are relative to, when known.
    xml_base: Option<&'a str>,
    title: &'a str,
    /// Its permanent id.
    id: &'a str,
    /// Its latest entry's date, if it has one.
    updated: Option<Date>,
}

/// A feed's opening, to its last element before the entries.
fn head(config: &crate::model::config::Config, h: &Head<'_>) -> String {
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let xml_base = h.xml_base.map(|b| format!(" xml:base=\"{}\"", escape(b))).unwrap_or_default();
    let _ =
        writeln!(x, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\"{xml_base}>", escape(&config.language));
    let _ = writeln!(x, "  <title>{}</title>", escape(h.title));
    let _ = writeln!(x, "  <subtitle>{}</subtitle>", escape(&config.description));
    let _ = writeln!(x, "  <id>{}</id>", escape(h.id));
    x.push_str("  <link rel=\"alternate\" type=\"text/html\" href=\"./\"/>\n");
    x.push_str("  <link rel=\"self\" type=\"application/atom+xml\" href=\"feed.xml\"/>\n");
    let _ = writeln!(x, "  <updated>{}</updated>", h.updated.map_or_else(|| "1970-01-01T00:00:00Z".into(), stamp));
    let _ = write!(x, "  <author><name>{}</name>", escape(&config.publisher.name));
    if let Some(u) = &config.publisher.url {
        let _ = write!(x, "<uri>{}</uri>", escape(u));
    }
    x.push_str("</author>\n");
    let _ = writeln!(x, "  <generator version=\"{}\">briefing</generator>", env!("CARGO_PKG_VERSION"));
    x
}

/// A claim's entry, as every feed writes it.
struct Entry<'a> {
    title: &'a str,
    id: &'a str,
    /// Its page, relative to the feed.
    href: &'a str,
    published: Date,
    updated: Date,
    verdict: &'a crate::model::config::Verdict,
    finding: &'a str,
    corrections: usize,
}

impl Entry<'_> {
    /// The entry's XML; its words ("corrected twice") are `locale`'s.
    fn xml(&self, locale: &crate::model::locale::Locale) -> String {
        let mut x = String::new();
        x.push_str("  <entry>\n");
        let _ = writeln!(x, "    <title>{}</title>", escape(self.title));
        let _ = writeln!(x, "    <id>{}</id>", escape(self.id));
        let _ = writeln!(x, "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", escape(self.href));
        let _ = writeln!(x, "    <published>{}</published>", stamp(self.published));
        let _ = writeln!(x, "    <updated>{}</updated>", stamp(self.updated));
        let (key, label) = (&self.verdict.key, &self.verdict.label);
        let _ = writeln!(x, "    <category term=\"{}\" label=\"{}\"/>", escape(key), escape(label));
        let mut summary = format!("{label}: {}", self.finding);
        if self.corrections > 0 {
            let _ = write!(summary, " ({})", locale.get("feed-corrected", Some(self.corrections as i64), &[]));
        }
        let _ = writeln!(x, "    <summary>{}</summary>", escape(&summary));
        x.push_str("  </entry>\n");
        x
    }
}

/// An archive's feed of `claims` (the latest first, at most `feed_limit` of them), at
/// `dir` (`""` for the site's feed, `topics/<slug>/` for a topic's), titled `title` after
/// the site's. Its entries are the briefings' own: the same ids, under the same
/// addresses.
pub fn catalog_atom(site: &Site, catalog: &Catalog, claims: &[usize], dir: &str, title: Option<&str>) -> String {
    let config = &site.config;
    let limit = if config.feed_limit == 0 { claims.len() } else { config.feed_limit.min(claims.len()) };
    let claims = &claims[..limit];
    let base = config.base_url.as_deref().map(|b| format!("{b}{dir}"));
    let up = "../".repeat(dir.matches('/').count());
    let full = title.map_or_else(|| config.title.clone(), |t| format!("{t} · {}", config.title));
    let id =
        base.clone().unwrap_or_else(|| format!("{}:{}", site_urn(site), dir.trim_end_matches('/').replace('/', ":")));
    let updated = claims.first().map(|&c| catalog.claims[c].updated);
    let head_of = Head { xml_base: base.as_deref(), title: &full, id: id.trim_end_matches(':'), updated };
    let mut x = head(config, &head_of);
    for &i in claims {
        let c = &catalog.claims[i];
        let slug = &catalog.briefings[c.briefing].slug;
        let path = format!("{slug}/claims/{}/", c.id);
        let id = config
            .base_url
            .as_deref()
            .map_or_else(|| format!("urn:briefing:claim:{}:{slug}:{}", c.checked, c.id), |b| format!("{b}{path}"));
        let entry = Entry {
            title: &c.claim,
            id: &id,
            href: &format!("{up}{path}"),
            published: c.checked,
            updated: c.updated,
            verdict: config.verdict(&c.verdict).unwrap_or(&config.verdicts[0]),
            finding: &c.finding,
            corrections: c.corrections,
        };
        x.push_str(&entry.xml(&site.theme.locale));
    }
    x.push_str("</feed>\n");
    x
}

/// `sitemap.xml` of every HTML page but the 404 page, by absolute URL, each dated page
/// with its `lastmod` (see [`last_changes`]). Only made when `base_url` is set: a sitemap
/// needs absolute addresses.
pub fn sitemap(site: &Site, files: &[&str]) -> String {
    let base = escape(site.config.base_url.as_deref().unwrap_or(""));
    let mut paths: Vec<&str> = files.iter().copied().filter(|p| p.ends_with(".html") && *p != "404.html").collect();
    paths.sort_unstable();
    let lastmod = last_changes(site);
    let mut x = String::with_capacity(200 + paths.len() * (base.len() + 80));
    x.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in paths {
        let dir = p.strip_suffix("index.html").unwrap_or(p);
        x.push_str("  <url><loc>");
        x.push_str(&base);
        crate::model::markup::escape_into(&mut x, dir);
        x.push_str("</loc>");
        if let Some(d) = lastmod.get(&Folder::of(dir)) {
            let _ = write!(x, "<lastmod>{d}</lastmod>");
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    x
}

/// Where an archive's home lists its own pages; `sitemap.xml` is then the index of it and
/// of the briefings' sitemaps.
pub const HOME_SITEMAP: &str = "sitemap-home.xml";

/// An archive's `sitemap.xml`: a sitemap index of [`HOME_SITEMAP`] and every briefing's
/// `sitemap.xml`, by absolute URL.
pub fn sitemap_index(site: &Site, catalog: &Catalog) -> String {
    let base = site.config.base_url.as_deref().unwrap_or("");
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let briefings = catalog.briefings.iter().map(|b| format!("{}/sitemap.xml", b.slug));
    for path in std::iter::once(HOME_SITEMAP.to_string()).chain(briefings) {
        let _ = writeln!(x, "  <sitemap><loc>{}</loc></sitemap>", escape(&format!("{base}{path}")));
    }
    x.push_str("</sitemapindex>\n");
    x
}

/// A dated page's folder, borrowed from what names it: at 20,000 claims the sitemap,
/// made on every save in `serve`, once formatted 70,000 folder names to find their dates.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Folder<'a> {
    /// `articles/<slug>/`.
    Article(&'a str),
    /// `claims/<id>/`.
    Claim(&'a str),
    /// Any other folder, as written (`""` for the front page, `sources/`).
    Other(&'a str),
}

impl<'a> Folder<'a> {
    /// The folder of the page at `dir` (a path ending in `/`, or `""`).
    fn of(dir: &'a str) -> Self {
        let inner = |prefix: &str| dir.strip_prefix(prefix)?.strip_suffix('/').filter(|s| !s.contains('/'));
        match (inner("articles/"), inner("claims/")) {
            (Some(slug), _) => Folder::Article(slug),
            (_, Some(id)) => Folder::Claim(id),
            _ => Folder::Other(dir),
        }
    }
}

/// When each dated page last changed, by its folder: a claim page when its claim was
/// checked or last corrected; an article page when it was published or a claim quoting
/// it last changed; the front page and the sources page when any claim did; the
/// corrections page at its latest correction. A page with no date has none.
fn last_changes<'a>(site: &'a Site) -> foldhash::HashMap<Folder<'a>, Date> {
    let claims = &site.claims;
    let mut at: foldhash::HashMap<Folder<'a>, Date> = foldhash::HashMap::default();
    at.reserve(site.articles.len() + claims.claims.len() + 3);
    let mut later = |folder: Folder<'a>, d: Date| {
        let e = at.entry(folder).or_insert(d);
        *e = (*e).max(d);
    };
    for a in &site.articles {
        if let Some(d) = a.meta.published {
            later(Folder::Article(&a.slug), d);
        }
    }
    for c in &claims.claims {
        let d = claims.updated(c);
        later(Folder::Claim(&c.id.value), d);
        for q in &c.appearances {
            later(Folder::Article(&q.article.value), d);
        }
        later(Folder::Other(""), d);
        if !c.sources.is_empty() {
            later(Folder::Other("sources/"), d);
        }
    }
    for c in claims.corrections.iter().filter(|c| c.dated) {
        later(Folder::Other("corrections/"), c.date);
    }
    at
}

/// `robots.txt`: everything may be crawled, and the sitemap is named; nothing, in a
/// preview with drafts. None when the site is not at its host's root: crawlers read
/// `robots.txt` only there.
pub fn robots(site: &Site) -> Option<String> {
    let base = site.config.base_url.as_deref()?;
    let at_root = url::Url::parse(base).is_ok_and(|u| u.path() == "/");
    if !at_root {
        return None;
    }
    if site.preview {
        return Some("User-agent: *\nDisallow: /\n".to_string());
    }
    // An archive's `sitemap.xml` is the index of its briefings' own.
    Some(format!("User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n"))
}
