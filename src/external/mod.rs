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
    /// Where it is written: the file and the span of the address.
    pub places: Vec<(SourceFile, Range<usize>)>,
    /// Whether an archived copy is given beside it at every place (then its death is no
    /// reader's loss).
    pub archived: bool,
}

/// What a run found, for its summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Links checked in all.
    pub links: usize,
    /// Of which asked now (the others were kept from a recent run).
    pub asked: usize,
    /// Dead (reported unless archived).
    pub dead: usize,
    /// Moved permanently (reported).
    pub moved: usize,
    /// Refused to answer (401, 403, 429): not known either way.
    pub refused: usize,
}

/// Every web address of the site, each once, in the order the site gives them.
pub fn links(site: &Site) -> Vec<Link> {
    let mut found: Vec<Link> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut add = |url: &str, file: &SourceFile, span: Range<usize>, archived: bool| {
        let i = *index.entry(url.to_string()).or_insert_with(|| {
            found.push(Link { url: url.to_string(), places: Vec::new(), archived: true });
            found.len() - 1
        });
        found[i].places.push((file.clone(), span));
        found[i].archived &= archived;
    };
    let claims_file = &site.claims_file;
    for source in site.claims.claims.iter().flat_map(|c| &c.sources) {
        add(&source.url.value, claims_file, source.url.span.clone(), source.archive_url.is_some());
        if let Some(a) = &source.archive_url {
            add(&a.value, claims_file, a.span.clone(), false);
        }
    }
    for event in &site.claims.events {
        if let Some(url) = &event.source {
            add(url, claims_file, written(claims_file, url), false);
        }
    }
    for article in &site.articles {
        let (url, archive) = (&article.meta.url, &article.meta.archive_url);
        for (u, archived) in [(url, archive.is_some()), (archive, false)] {
            if let Some(u) = u {
                let file = article.file();
                add(u, file, written(file, u), archived);
            }
        }
    }
    found
}

/// Where `url` is written in `file` (the first place, in quotes), for a value read
/// without its span.
fn written(file: &SourceFile, url: &str) -> Range<usize> {
    file.text.find(&format!("\"{url}\"")).map_or(0..0, |at| at + 1..at + 1 + url.len())
}

/// Checks `links`, asking the web only about those `answers` has no recent answer for,
/// and updating `answers`. Returns the warnings and the summary.
pub fn check(links: &[Link], answers: &mut Answers, opts: &Options) -> (Vec<Diagnostic>, Summary) {
    let now = kept::now();
    let ask: Vec<String> =
        links.iter().filter(|l| answers.recent(&l.url, now, opts.max_age).is_none()).map(|l| l.url.clone()).collect();
    let asked = ask.len();
    for (url, answer) in ask_all(ask, opts) {
        answers.links.insert(url, (now, answer));
    }
    let mut summary = Summary { links: links.len(), asked, ..Summary::default() };
    let mut diags = Vec::new();
    for link in links {
        let Some((_, answer)) = answers.links.get(&link.url) else { continue };
        match answer {
            Answer::Alive { chain } if chain.iter().any(|(s, _)| matches!(s, 301 | 308)) => {
                summary.moved += 1;
                diags.push(moved(link, chain));
            }
            Answer::Alive { .. } => {}
            Answer::Refused { .. } => summary.refused += 1,
            Answer::Dead { why, chain } => {
                summary.dead += 1;
                if !link.archived {
                    diags.push(dead(link, why, chain));
                }
            }
        }
    }
    (diags, summary)
}

/// The warning for a dead link, at its first place, with the others.
fn dead(link: &Link, why: &str, chain: &[(u16, String)]) -> Diagnostic {
    let d = Diagnostic::warning("dead-link", format!("`{}` is dead: {why}", link.url));
    let d = located(d, link, "this link");
    let d = if chain.is_empty() { d } else { d.note(format!("after the redirects {}", hops(chain))) };
    d.help(
        "if the page moved, give its new address; if it is gone, add `archive_url = \"…\"` beside it, with the address of an archived copy (the Internet Archive's Wayback Machine, https://web.archive.org/, keeps many)",
    )
}

/// The warning for a link that has moved for good.
fn moved(link: &Link, chain: &[(u16, String)]) -> Diagnostic {
    let last = chain.last().map_or("", |(_, to)| to.as_str());
    let d = Diagnostic::warning("moved-link", format!("`{}` has moved: it redirects to `{last}`", link.url));
    located(d, link, "moved")
        .note(format!("the redirects: {}", hops(chain)))
        .help(format!("write the new address, `{last}`, so that readers and the check need not follow the redirect"))
}

fn hops(chain: &[(u16, String)]) -> String {
    chain.iter().map(|(s, to)| format!("{s} → {to}")).collect::<Vec<_>>().join(", ")
}

/// `d` at the link's first place, with its other places in that file, and a note of the
/// files it is also given in.
fn located(d: Diagnostic, link: &Link, label: &str) -> Diagnostic {
    let Some((file, span)) = link.places.first() else { return d };
    let mut d = d.at(file, span.clone(), label);
    for (other, span) in &link.places[1..] {
        if other.name == file.name {
            d = d.also(span.clone(), "also here");
        } else {
            let (line, _) = other.line_col(span.start);
            d = d.note(format!("also given in {}:{line}", other.name));
        }
    }
    d
}

/// Asks about every one of `urls`, `opts.workers` at a time and at most `opts.per_host`
/// on one host.
fn ask_all(urls: Vec<String>, opts: &Options) -> Vec<(String, Answer)> {
    let agent = probe::agent(&opts.settings);
    let queue = Mutex::new((VecDeque::from(urls), HashMap::<String, usize>::new()));
    let (free, done) = (Condvar::new(), Mutex::new(Vec::new()));
    let workers = opts.workers.max(1);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Some(url) = next(&queue, &free, opts.per_host.max(1)) {
                    let answer = probe::probe(&agent, &url, &opts.settings);
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
