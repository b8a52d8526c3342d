//! `check --external`: are the sources still there? Every source's `url` (and its
//! `archive_url`), every event's `source` and every article's `url` and `archive_url` is
//! asked about over HTTP ([`probe`]), a few at a time and never more than a couple at once
//! per host, and what is dead or has moved is reported where the claims file or the
//! article gives it. Answers are kept with their time ([`kept`]), so that a second run
//! within `--max-age` asks the web only about what it has not asked lately. It never runs
//! during `build`: a build must not depend on the network.

pub mod kept;
pub mod probe;

use std::collections::{HashMap, VecDeque};
use std::ops::Range;
use std::sync::{Condvar, Mutex};

use crate::model::diag::{Diagnostic, SourceFile};
use crate::stages::load::Site;
use kept::Answers;
use probe::{Answer, Settings};

/// How the links are checked.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Each request's timeout, retries and backoff.
    pub settings: Settings,
    /// How many links are asked about at once.
    pub workers: usize,
    /// How many of them at most on one host.
    pub per_host: usize,
    /// How old (in seconds) a kept answer may be and still stand.
    pub max_age: u64,
}

/// A web address the site gives, and every place it is given.
#[derive(Debug, Clone)]
pub struct Link {
    /// The address.
    pub url: String,
    /// Where it is written.
    pub places: Vec<Place>,
}

/// One place a web address is written.
#[derive(Debug, Clone)]
pub struct Place {
    /// The file.
    pub file: SourceFile,
    /// The address's span in it.
    pub span: Range<usize>,
    /// What the address is there, which says what an editor can do about it.
    pub kind: Kind,
    /// Whether an archived copy is given beside it (then its death is no reader's loss).
    pub archived: bool,
}

/// What a web address is, where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A source's `url` or an article's `url`: an `archive_url` may stand beside it.
    Original,
    /// An `archive_url`.
    Archive,
    /// An event's `source`.
    Event,
}

/// What a run found, for its summary line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Links checked in all.
    pub links: usize,
    /// Of which asked now (the others were kept from a recent run).
    pub asked: usize,
    /// Dead (reported unless archived).
    pub dead: usize,
    /// Moved permanently (reported).
    pub moved: usize,
    /// The links that refused to answer (401, 403, 429), with the status: not known
    /// either way, for an editor to look at by hand.
    pub refused: Vec<(String, u16)>,
    /// No address asked now could be looked up: the machine seems offline, and no answer
    /// was kept or reported.
    pub offline: bool,
}

/// Every web address of the site, each once, in the order the site gives them. An
/// address that is not a web address (a `bad-url` error) is left out.
pub fn links(site: &Site) -> Vec<Link> {
    let mut found: Vec<Link> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut add = |url: &str, file: &SourceFile, span: Range<usize>, kind: Kind, archived: bool| {
        if !crate::model::config::is_web_url(url) || url.contains(char::is_whitespace) {
            return;
        }
        let i = *index.entry(url.to_string()).or_insert_with(|| {
            found.push(Link { url: url.to_string(), places: Vec::new() });
            found.len() - 1
        });
        found[i].places.push(Place { file: file.clone(), span, kind, archived });
    };
    let claims_file = &site.claims_file;
    for source in site.claims.claims.iter().flat_map(|c| &c.sources) {
        let archived = source.archive_url.is_some();
        add(&source.url.value, claims_file, source.url.span.clone(), Kind::Original, archived);
        if let Some(a) = &source.archive_url {
            add(&a.value, claims_file, a.span.clone(), Kind::Archive, false);
        }
    }
    for event in &site.claims.events {
        if let (Some(url), Some(at)) = (&event.source, &event.source_at) {
            add(url, claims_file, at.clone(), Kind::Event, false);
        }
    }
    for article in &site.articles {
        let (url, archive) = (&article.meta.url, &article.meta.archive_url);
        for (key, u, kind) in [("url", url, Kind::Original), ("archive_url", archive, Kind::Archive)] {
            if let Some(u) = u {
                let file = article.file();
                add(
                    u,
                    file,
                    front_matter_value(file, article.body_offset, key, u),
                    kind,
                    archive.is_some() && kind == Kind::Original,
                );
            }
        }
    }
    found
}

/// Where the value of `key` is written in an article's front matter (which ends at
/// `end`): the line `key = …` whose value holds `value`.
fn front_matter_value(file: &SourceFile, end: usize, key: &str, value: &str) -> Range<usize> {
    let front = &file.text[..end.min(file.text.len())];
    let mut at = 0;
    for line in front.split_inclusive('\n') {
        let rest = line.trim_start();
        if let Some(after) = rest.strip_prefix(key)
            && after.trim_start().starts_with('=')
            && let Some(i) = line.find(value)
        {
            return at + i..at + i + value.len();
        }
        at += line.len();
    }
    0..0
}

/// Checks `links`, asking the web only about those `answers` has no recent answer for,
/// and updating `answers`. Returns the warnings (one for each place a dead or moved
/// address is written, so that each shows on its own line of a pull request) and the
/// summary.
pub fn check(links: &[Link], answers: &mut Answers, opts: &Options) -> (Vec<Diagnostic>, Summary) {
    let now = kept::now();
    let ask: Vec<String> =
        links.iter().filter(|l| answers.recent(&l.url, now, opts.max_age).is_none()).map(|l| l.url.clone()).collect();
    let asked = ask.len();
    let found = ask_all(ask, opts);
    // Not one name resolved: the machine is offline (or its resolver is down), and the
    // addresses are no more dead than alive. Nothing is kept, and none is called dead.
    let no_host = |a: &Answer| matches!(a, Answer::Dead { why, .. } if why == probe::NO_HOST);
    let offline = !found.is_empty() && found.iter().all(|(_, a)| no_host(a));
    if offline {
        let summary = Summary { links: links.len(), asked, offline: true, ..Summary::default() };
        return (Vec::new(), summary);
    }
    for (url, answer) in found {
        answers.links.insert(url, (now, answer));
    }
    let mut summary = Summary { links: links.len(), asked, ..Summary::default() };
    let mut diags = Vec::new();
    for link in links {
        let Some((_, answer)) = answers.links.get(&link.url) else { continue };
        match answer {
            Answer::Alive { chain } if chain.iter().any(|(s, _)| matches!(s, 301 | 308)) => {
                summary.moved += 1;
                diags.extend(link.places.iter().map(|p| moved(&link.url, p, chain)));
            }
            Answer::Alive { .. } => {}
            Answer::Refused { status } => summary.refused.push((link.url.clone(), *status)),
            Answer::Dead { why, chain, .. } => {
                summary.dead += 1;
                diags.extend(link.places.iter().filter(|p| !p.archived).map(|p| dead(&link.url, p, why, chain)));
            }
        }
    }
    (diags, summary)
}

/// The warning for a dead address, at one place it is written.
fn dead(url: &str, place: &Place, why: &str, chain: &[(u16, String)]) -> Diagnostic {
    let d = Diagnostic::warning("dead-link", format!("`{url}` is dead: {why}")).at(
        &place.file,
        place.span.clone(),
        "this link",
    );
    let d = if chain.is_empty() { d } else { d.note(format!("after the redirects {}", hops(chain))) };
    d.help(match place.kind {
        Kind::Original => {
            "if the page moved, give its new address; if it is gone, add `archive_url = \"…\"` beside it, with the address of an archived copy (the Internet Archive's Wayback Machine, https://web.archive.org/, keeps many)"
        }
        Kind::Archive => "give the address of an archived copy that answers, or remove the line",
        Kind::Event => "if the page moved, give its new address; if it is gone, give an archived copy's address instead (the Internet Archive's Wayback Machine, https://web.archive.org/, keeps many)",
    })
}

/// The warning for an address that has moved for good, at one place it is written.
fn moved(url: &str, place: &Place, chain: &[(u16, String)]) -> Diagnostic {
    let last = chain.last().map_or("", |(_, to)| to.as_str());
    Diagnostic::warning("moved-link", format!("`{url}` has moved: it redirects to `{last}`"))
        .at(&place.file, place.span.clone(), "moved")
        .note(format!("the redirects: {}", hops(chain)))
        .help(format!("write the new address, `{last}`, so that readers and the check need not follow the redirect"))
}

fn hops(chain: &[(u16, String)]) -> String {
    chain.iter().map(|(s, to)| format!("{s} → {to}")).collect::<Vec<_>>().join(", ")
}

/// After this many addresses of one host gave no answer in time, its other addresses
/// are not asked: a host that hangs would otherwise cost the timeout, three times, for
/// every address it has.
const SILENT_HOST: usize = 2;

/// Asks about every one of `urls`, `opts.workers` at a time and at most `opts.per_host`
/// on one host.
fn ask_all(urls: Vec<String>, opts: &Options) -> Vec<(String, Answer)> {
    let agent = probe::agent(&opts.settings);
    let queue = Mutex::new((VecDeque::from(urls), HashMap::<String, usize>::new()));
    let (free, done) = (Condvar::new(), Mutex::new(Vec::new()));
    let silent = Mutex::new(HashMap::<String, usize>::new());
    let workers = opts.workers.max(1);
    let ask = |url: &str| {
        if silent.lock().is_ok_and(|s| s.get(&host(url)).copied().unwrap_or(0) >= SILENT_HOST) {
            let why = format!("not asked: its host gave no answer in time to {SILENT_HOST} other addresses");
            return Answer::Dead { why, chain: Vec::new(), lasting: false };
        }
        let asked = std::panic::AssertUnwindSafe(|| probe::probe(&agent, url, &opts.settings));
        let answer = std::panic::catch_unwind(asked).unwrap_or_else(|_| Answer::Dead {
            why: "it could not be asked (an internal error)".into(),
            chain: Vec::new(),
            lasting: false,
        });
        if matches!(&answer, Answer::Dead { why, .. } if why.starts_with("no answer"))
            && let Ok(mut s) = silent.lock()
        {
            *s.entry(host(url)).or_default() += 1;
        }
        answer
    };
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Some(url) = next(&queue, &free, opts.per_host.max(1)) {
                    let answer = ask(&url);
                    if let Ok(mut q) = queue.lock()
                        && let Some(n) = q.1.get_mut(&host(&url))
                    {
                        *n = n.saturating_sub(1);
                    }
                    free.notify_all();
                    if let Ok(mut done) = done.lock() {
                        done.push((url, answer));
                    }
                }
            });
        }
    });
    done.into_inner().unwrap_or_default()
}

/// The next link whose host has a free slot, waiting for one; `None` when none is left.
fn next(queue: &Mutex<(VecDeque<String>, HashMap<String, usize>)>, free: &Condvar, per_host: usize) -> Option<String> {
    let mut q = queue.lock().ok()?;
    loop {
        if q.0.is_empty() {
            return None;
        }
        let (waiting, busy) = &mut *q;
        if let Some(i) = waiting.iter().position(|u| busy.get(&host(u)).copied().unwrap_or(0) < per_host) {
            let url = waiting.remove(i)?;
            *busy.entry(host(&url)).or_default() += 1;
            return Some(url);
        }
        q = free.wait(q).ok()?;
    }
}

/// The host (and port) of `url`, lower-cased.
fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    rest[..end].rsplit('@').next().unwrap_or("").to_ascii_lowercase()
}
