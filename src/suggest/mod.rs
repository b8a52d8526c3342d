//! `briefing check --suggest`: discrepancies the claims file does not cover yet.
//!
//! The articles are scanned for dates, weekdays, quantities and quotations
//! ([`scan`]); each is given the weighted words around it ([`similar`]); then detectors
//! compare them: a weekday that does not fit its date, a relative weekday that does not
//! fit the date of the event it reports, the same thing dated or counted differently in
//! two articles, a quotation worded differently, a date that contradicts the timeline.
//! Every suggestion comes with a claims-file snippet ([`snippet`]) whose quotes anchor as
//! they are. Nothing here writes to the site: an editor reviews each one, and the
//! snippet's empty verdict keeps an unreviewed one from ever building.
//!
//! The detectors prefer silence to noise: pairs need words in common near the mention,
//! weighted by rarity, above thresholds measured in `docs/suggest.md`.

mod cues;
mod detect;
pub mod found;
pub mod index;
pub mod scan;
pub mod similar;
pub mod snippet;
pub mod words;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::model::article::Article;
use crate::model::claims::Claims;
use crate::model::date::Date;
use crate::model::diag::SourceFile;
use crate::stages::anchor::{Marks, Normalized, Target, normalize_quote};
use crate::stages::load::Site;

use scan::{Mention, Scan, What, When, weekday_name};
use similar::{Context, Vocab};

/// How much two date mentions must share to be taken for the same thing.
pub const SAME_DATE: f32 = 3.0;
/// How much a relative weekday's sentence must share with the evidence for a date.
pub const SAME_EVENT: f32 = 2.5;
/// What it adds to a date's evidence that the briefing is about that day.
pub const BRIEFING_DAY: f32 = 1.5;
/// How much a date mention must share with a timeline entry.
pub const SAME_ENTRY: f32 = 3.0;
/// How much two quantities must share.
pub const SAME_QUANTITY: f32 = 3.0;
/// How much two measures must share when they give the same number under two units of
/// one measure ("18 knots", "18 mph"): that coincidence is evidence of its own.
pub const SAME_SLIP: f32 = 1.5;

/// A place in an article a suggestion points to.
#[derive(Debug, Clone)]
pub struct Passage {
    /// The article's slug.
    pub article: String,
    /// The article file.
    pub file: SourceFile,
    /// The mention's byte range in the file.
    pub span: Range<usize>,
    /// The mention as the article writes it.
    pub text: String,
    /// A quote around it, unique in the article, ready for the claims file.
    pub quote: String,
    /// Which side of a conflict it is on: 0, with the first passage, or 1.
    pub side: usize,
}

/// One candidate discrepancy or error, ready to show.
#[derive(Debug, Clone)]
pub struct Suggestion {
    /// What kind: `weekday-date`, `weekday-event`, `date-conflict`, `date-timeline`,
    /// `number-conflict` or `quote-conflict`.
    pub code: &'static str,
    /// What looks wrong.
    pub message: String,
    /// Where: one passage, or the passages of a conflict, side by side.
    pub passages: Vec<Passage>,
    /// For a conflict, the pairs of passages that disagree (indices into `passages`).
    pub pairs: Vec<(usize, usize)>,
    /// Why the passages were paired, and the evidence.
    pub notes: Vec<String>,
    /// The claims-file entries to paste, for the editor to complete.
    pub snippet: String,
    /// How sure it is, from 0 to 1 ([`found::confidence`]); the strongest come first.
    pub confidence: f32,
    /// The claims file the snippet belongs in: in an archive, its briefing's.
    pub claims_file: String,
}

/// The suggestions shown, and how many there were in all.
#[derive(Debug, Clone, Default)]
pub struct Suggestions {
    /// The strongest, at most the limit asked for.
    pub shown: Vec<Suggestion>,
    /// How many there were before the limit.
    pub total: usize,
    /// How many more were scored under `--min-score`, and left out of `total`.
    pub below: usize,
}

/// One article's scan, with what the claims file already covers.
struct Doc<'a> {
    article: &'a Article,
    scan: Scan<'a>,
    mentions: Vec<Mention>,
    contexts: Vec<Context>,
    /// Byte ranges (in the rendered text) of appearances.
    covered: Vec<Range<usize>>,
    /// Byte ranges of artifacts: page chrome, not the article's words.
    chrome: Vec<Range<usize>>,
}

impl Doc<'_> {
    fn range(&self, m: &Mention) -> Range<usize> {
        self.scan.span(&m.tokens)
    }

    fn is_covered(&self, m: &Mention) -> bool {
        let r = self.range(m);
        self.covered.iter().any(|c| c.start < r.end && r.start < c.end)
    }

    fn in_chrome(&self, m: &Mention) -> bool {
        let r = self.range(m);
        self.chrome.iter().any(|c| c.start <= r.start && r.end <= c.end)
    }
}

/// A confidence as it is shown (`score` in `--format json`) and compared with
/// `--min-score`: to two decimals.
pub fn score(confidence: f32) -> f64 {
    (f64::from(confidence) * 100.0).round() / 100.0
}

/// Finds the discrepancies and errors no claim covers yet, and makes the `limit`
/// strongest of them scored `min_score` or more into suggestions (all of them for 0).
/// `marks` are the anchored quotes of the claims file, as the anchor stage found them.
pub fn suggest(site: &Site, marks: &Marks, limit: usize, min_score: f32) -> Suggestions {
    let (articles, claims) = (&site.articles, &site.claims);
    let verdicts: Vec<&str> = site.config.verdicts.iter().map(|v| v.key.as_str()).collect();
    let breaks: Vec<Vec<usize>> = articles.iter().map(|a| a.markup().block_breaks()).collect();
    let scans: Vec<Scan<'_>> = articles.iter().zip(&breaks).map(|(a, b)| Scan::new(&a.markup().text, b)).collect();
    let mut vocab = Vocab::default();
    for s in &scans {
        vocab.add_scan(s);
    }
    let event_words: Vec<Vec<String>> = claims.events.iter().map(|e| similar::words(&e.title)).collect();
    for w in &event_words {
        vocab.add(&w.iter().map(String::as_str).collect::<Vec<_>>());
    }
    let docs: Vec<Doc<'_>> = articles
        .iter()
        .zip(scans)
        .enumerate()
        .map(|(index, (article, scan))| doc(article, scan, &vocab, marks, index))
        .collect();
    let events: Vec<(Date, &str, Context)> = claims
        .events
        .iter()
        .zip(event_words)
        .map(|(e, w)| {
            (e.date, e.title.as_str(), Context::of_text(&w.iter().map(String::as_str).collect::<Vec<_>>(), &vocab))
        })
        .collect();

    let own = [site.config.title.as_str(), site.config.description.as_str(), site.lead.as_deref().unwrap_or("")];
    let ctx = Ctx { docs: &docs, vocab: &vocab, events: &events, verdicts: &verdicts, day: briefing_day(&docs, &own) };
    let found = detect::all(&ctx);
    // Compared as shown, so that `--min-score 0.7` keeps a suggestion shown as 0.7.
    let ranked = found::rank(&found);
    let all = ranked.len();
    let groups: Vec<found::Group> =
        ranked.into_iter().filter(|g| score(g.confidence) >= f64::from(min_score)).collect();
    let below = all - groups.len();
    let total = groups.len();
    let take = if limit == 0 { total } else { limit.min(total) };
    let mut ids = Ids::new(claims);
    let mut shown: Vec<Suggestion> = groups[..take].iter().map(|g| show(&ctx, &found, g, &mut ids)).collect();
    for s in &mut shown {
        s.claims_file.clone_from(&site.claims_file.name);
    }
    Suggestions { shown, total, below }
}

/// The year most full dates among `mentions` fall in (the earliest among equals).
fn common_year(mentions: &[Mention]) -> Option<i32> {
    let mut years: Vec<i32> = mentions.iter().filter_map(|m| day_of(&m.what)).map(|d| d.year()).collect();
    years.sort_unstable();
    let mut best: Option<(i32, usize)> = None;
    for chunk in years.chunk_by(|a, b| a == b) {
        if best.is_none_or(|(_, n)| chunk.len() > n) {
            best = Some((chunk[0], chunk.len()));
        }
    }
    best.map(|(y, _)| y)
}

/// One article scanned: its mentions, their contexts, and what the claims file covers.
fn doc<'a>(article: &'a Article, scan: Scan<'a>, vocab: &Vocab, marks: &Marks, index: usize) -> Doc<'a> {
    // A date without a year is the one nearest the article's own date, else in the year
    // its full dates give most.
    let year = article
        .meta
        .published
        .map(scan::Year::Near)
        .or_else(|| common_year(&scan::mentions(&scan)).map(scan::Year::Of));
    let mentions = scan::mentions_in(&scan, year);
    let contexts = mentions
        .iter()
        .map(|m| {
            let (reach, clause) = match m.what {
                What::Quantity { .. } => (1.5, true),
                What::Date { .. } => (3.0, true),
                // A relative weekday dates the whole sentence's news.
                What::Weekday(_) | What::Relative(_) | What::Quotation(_) => (3.0, false),
            };
            Context::around(&scan, &m.tokens, vocab, reach, clause)
        })
        .collect();
    let mut covered = Vec::new();
    let mut chrome = Vec::new();
    for mark in marks.get(index).into_iter().flat_map(|l| l.iter()) {
        match mark.target {
            Target::Appearance { .. } => covered.push(mark.range.clone()),
            Target::Artifact(_) => chrome.push(mark.range.clone()),
        }
    }
    Doc { article, scan, mentions, contexts, covered, chrome }
}

struct Ctx<'a> {
    docs: &'a [Doc<'a>],
    vocab: &'a Vocab,
    events: &'a [(Date, &'a str, Context)],
    verdicts: &'a [&'a str],
    /// The day of the event the briefing is about, when the texts agree on one.
    day: Option<Date>,
}

/// The day the briefing's news happened: the full date most of its texts give (each
/// article, and the briefing's own title, description and lead, one vote per date), if
/// one date has more votes than any other. A briefing is about one event, so this is
/// the day a relative weekday most likely means.
fn briefing_day(docs: &[Doc<'_>], own: &[&str]) -> Option<Date> {
    let mut votes: Vec<(Date, usize)> = Vec::new();
    let mut vote = |days: Vec<Date>| {
        let mut days = days;
        days.sort();
        days.dedup();
        for d in days {
            match votes.iter_mut().find(|(x, _)| *x == d) {
                Some((_, n)) => *n += 1,
                None => votes.push((d, 1)),
            }
        }
    };
    for doc in docs {
        vote(doc.mentions.iter().filter(|m| !doc.in_chrome(m)).filter_map(|m| day_of(&m.what)).collect());
    }
    for text in own {
        let s = Scan::new(text, &[]);
        vote(scan::mentions(&s).iter().filter_map(|m| day_of(&m.what)).collect());
    }
    votes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    match votes.as_slice() {
        [(d, _)] => Some(*d),
        [(d, a), (_, b), ..] if a > b => Some(*d),
        _ => None,
    }
}

fn day_of(w: &What) -> Option<Date> {
    match w {
        What::Date { when: When::Day(d), .. } => Some(*d),
        _ => None,
    }
}

/// Claim ids in use, so that snippets never propose a taken one.
struct Ids(HashSet<String>, HashMap<(String, usize), String>);

impl Ids {
    fn new(claims: &Claims) -> Ids {
        let mut set: HashSet<String> = claims.claims.iter().map(|c| c.id.value.clone()).collect();
        set.extend(claims.discrepancies.iter().map(|d| d.id.value.clone()));
        Ids(set, HashMap::new())
    }

    /// The claim for the passage of mention `m` in `doc`, and its snippet: a new entry
    /// the first time the passage is suggested, and after that a comment naming the
    /// entry made before. Two entries for one passage, the second `…-2`, were two
    /// claims of one passage once both were pasted.
    fn claim(&mut self, doc: &Doc<'_>, m: &Mention, base: &str, pass: &Passage, verdicts: &[&str]) -> (String, String) {
        let key = (doc.article.slug.clone(), m.tokens.start);
        if let Some(id) = self.1.get(&key) {
            return (
                id.clone(),
                format!("# “{}” in {}: the claim `{id}`, in a snippet above\n", pass.text, pass.article),
            );
        }
        let id = self.fresh(base);
        self.1.insert(key, id.clone());
        let snippet = snippet::claim(&id, pass, verdicts);
        (id, snippet)
    }

    fn fresh(&mut self, base: &str) -> String {
        let base = snippet::slug(base);
        let mut id = base.clone();
        let mut n = 2;
        while !self.0.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

/// The passage of mention `m` in `doc`.
fn passage(doc: &Doc<'_>, m: &Mention) -> Passage {
    let range = doc.range(m);
    Passage {
        article: doc.article.slug.clone(),
        file: doc.article.file().clone(),
        span: in_file(doc.article, &range),
        text: squash(&doc.scan.text[range]),
        quote: unique_quote(doc, m),
        side: 0,
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where a range of the rendered text is in the article file: exact for plain text,
/// whose lines are kept; for markdown, the matching occurrence of the same words.
fn in_file(article: &Article, range: &Range<usize>) -> Range<usize> {
    let text = &article.file().text;
    for (at, t, line) in article.markup().texts() {
        if range.start < at + t.len() {
            if let Some(line) = line {
                let start = line_start(text, line) + (range.start - at);
                let end = start + (range.end.min(at + t.len()) - range.start);
                if text.get(start..end) == article.markup().text.get(range.start..range.end.min(at + t.len())) {
                    return start..end;
                }
            }
            break;
        }
    }
    let needle = &article.markup().text[range.clone()];
    let nth = article.markup().text[..range.start].matches(needle).count();
    let body = article.body_offset;
    match text[body..].match_indices(needle).nth(nth).or_else(|| text[body..].match_indices(needle).next()) {
        Some((i, _)) => body + i..body + i + needle.len(),
        None => body..body,
    }
}

fn line_start(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1)
}

/// The shortest quote ending with the mention, grown word by word to the left (then to
/// the right) within its sentence, that occurs once in the article.
fn unique_quote(doc: &Doc<'_>, m: &Mention) -> String {
    let norm = Normalized::new(doc.article.markup());
    let s = &doc.scan;
    let sentence = s.sentences[s.tokens[m.tokens.start].sentence].clone();
    let words = |r: &Range<usize>| r.clone().filter(|&i| s.tok(i).chars().any(char::is_alphanumeric)).count();
    let mut r = m.tokens.clone();
    // A little context makes the quote readable on the page: a few words before.
    while r.start > sentence.start && words(&(r.start..m.tokens.start)) < 4 {
        r.start -= 1;
    }
    loop {
        let q = normalize_quote(&s.text[s.span(&r)]);
        if norm.text.matches(q.as_str()).count() <= 1 {
            return q;
        }
        if r.start > sentence.start {
            r.start -= 1;
        } else if r.end < sentence.end {
            r.end += 1;
        } else {
            // A sentence the article repeats: the quote takes in the sentences around
            // it, within its paragraph, until it occurs once.
            let block = s.tokens[m.tokens.start].block;
            let within = |i: usize| s.tokens.get(i).is_some_and(|t| t.block == block);
            if r.start > 0 && within(r.start - 1) {
                r.start -= 1;
            } else if within(r.end) {
                r.end += 1;
            } else {
                return q;
            }
        }
    }
}

/// Whether a mention can be suggested at all: not page chrome, not already a claim.
fn open(doc: &Doc<'_>, m: &Mention) -> bool {
    !doc.in_chrome(m) && !doc.is_covered(m)
}

/// Makes a ranked group into the suggestion shown: its passages located, its message,
/// notes and snippet.
fn show(c: &Ctx<'_>, found: &[found::Found], group: &found::Group, ids: &mut Ids) -> Suggestion {
    let best = &found[group.members[0]];
    let at = |(d, i): found::At| (&c.docs[d], &c.docs[d].mentions[i]);
    let Some(_) = best.b else { return single(c, best, group.confidence, ids) };
    let places = places(found, group);
    let passages: Vec<Passage> = places
        .iter()
        .map(|&(p, side)| {
            let (doc, m) = at(p);
            Passage { side, ..passage(doc, m) }
        })
        .collect();
    let order: HashMap<found::At, usize> = places.iter().enumerate().map(|(i, (p, _))| (*p, i)).collect();
    let index = |p: found::At| order.get(&p).copied().unwrap_or(0);
    let pairs = group.members.iter().map(|&k| (index(found[k].a), index(found[k].b.unwrap_or(found[k].a)))).collect();
    let notes = match &best.why {
        found::Why::Pair(Some(note)) => vec![note.clone()],
        _ => {
            let ((da, ia), (db, ib)) = (best.a, best.b.unwrap_or(best.a));
            let shared = c.docs[da].contexts[ia].shared(&c.docs[db].contexts[ib], c.vocab);
            vec![format!("both passages speak of: {}", shared.join(", "))]
        }
    };
    let mut snippet = String::new();
    let mut claim_ids = Vec::new();
    for (&(p, _), pass) in places.iter().zip(&passages) {
        let (doc, m) = at(p);
        if doc.is_covered(m) {
            claim_ids.push(None);
            continue;
        }
        let (id, entry) = ids.claim(doc, m, &format!("{}-{}", doc.article.slug, pass.text), pass, c.verdicts);
        snippet.push_str(&entry);
        snippet.push('\n');
        claim_ids.push(Some(id));
    }
    let other = passages.iter().find(|p| p.side == 1).unwrap_or(&passages[1]);
    // An age is titled by its two numbers, as "52" and "55-year-old" are both ages.
    let age = match (&at(best.a).1.what, best.b.map(|b| &at(b).1.what)) {
        (What::Quantity { unit: a, value: x, .. }, Some(What::Quantity { unit: b, value: y, .. }))
            if a == "age" && b == "age" =>
        {
            Some((*x, *y))
        }
        _ => None,
    };
    let title = match age {
        Some((x, y)) => format!("aged {x} or {y}?"),
        None => format!("{} or {}?", passages[0].text, other.text),
    };
    let disc = ids.fresh(&title);
    snippet.push_str(&snippet::discrepancy(&disc, &title, &claim_ids));
    Suggestion {
        code: best.code,
        message: conflict_message(best.code, age.is_some(), &passages),
        passages,
        pairs,
        notes,
        snippet,
        confidence: group.confidence,
        claims_file: String::new(),
    }
}

/// The mentions of a conflict's pairs, each once with its side (0 with the first, 1
/// against it): first the one in most pairs (the odd one out, when one article disagrees
/// with several), then by place.
fn places(found: &[found::Found], group: &found::Group) -> Vec<(found::At, usize)> {
    // Each mention's value and how many pairs it is in, in the order first met.
    let mut seen: HashMap<found::At, (usize, &str, usize)> = HashMap::new();
    for &k in &group.members {
        let f = &found[k];
        for (p, v) in [(f.a, &f.values.0), (f.b.unwrap_or(f.a), &f.values.1)] {
            let next = seen.len();
            seen.entry(p).or_insert((next, v.as_str(), 0)).2 += 1;
        }
    }
    let mut places: Vec<(found::At, usize, &str, usize)> =
        seen.into_iter().map(|(p, (i, v, n))| (p, i, v, n)).collect();
    places.sort_by_key(|&(_, first, _, _)| first);
    let lead = (0..places.len()).max_by_key(|&i| (places[i].3, std::cmp::Reverse(i))).unwrap_or(0);
    places.swap(0, lead);
    places[1..].sort_by_key(|&(p, ..)| p);
    let lead_value = places[0].2;
    places.iter().map(|&(p, _, v, _)| (p, usize::from(v != lead_value))).collect()
}

/// The message of a conflict: each side's value and the articles that give it (`ages`:
/// both are ages, of one person).
fn conflict_message(code: &str, ages: bool, passages: &[Passage]) -> String {
    let side = |s: usize| {
        let ps: Vec<&Passage> = passages.iter().filter(|p| p.side == s).collect();
        let mut articles: Vec<&str> = ps.iter().map(|p| p.article.as_str()).collect();
        articles.dedup();
        (ps.first().map_or("", |p| p.text.as_str()).to_string(), articles.join(", "))
    };
    let ((ta, aa), (tb, ab)) = (side(0), side(1));
    match code {
        "quote-conflict" => format!("the same quotation is worded differently in {aa} and {ab}"),
        "number-conflict" if ages => format!("the same person's age is “{ta}” in {aa} and “{tb}” in {ab}"),
        "number-conflict" => format!("the same quantity is “{ta}” in {aa} and “{tb}” in {ab}"),
        "unit-slip" => format!(
            "the same quantity is “{ta}” in {aa} and “{tb}” in {ab}: one number under two units, likely a unit slip"
        ),
        _ => format!("the same thing dated “{ta}” in {aa} and “{tb}” in {ab}"),
    }
}

/// A one-passage suggestion.
fn single(c: &Ctx<'_>, f: &found::Found, confidence: f32, ids: &mut Ids) -> Suggestion {
    let (d, i) = f.a;
    let (doc, m) = (&c.docs[d], &c.docs[d].mentions[i]);
    let p = passage(doc, m);
    let (message, notes, base) = match &f.why {
        found::Why::WeekdayDate { date, weekday } => (
            format!("{} was a {}, not a {}", date.long(), date.weekday(), weekday_name(*weekday)),
            vec![],
            format!("{}-{}", doc.article.slug, p.text),
        ),
        found::Why::WeekdayEvent { date, notes } => (
            format!(
                "“{}” cannot be the day of the event this sentence reports: {} was a {}",
                p.text,
                date.long(),
                date.weekday()
            ),
            notes.clone(),
            format!("{}-on-{}", doc.article.slug, p.text),
        ),
        found::Why::Timeline { date, title, shared } => (
            format!("“{}” contradicts the timeline, which dates this {}", p.text, date.long()),
            vec![format!("the timeline has {date}: “{title}”"), format!("both speak of: {}", shared.join(", "))],
            format!("{}-{}", doc.article.slug, p.text),
        ),
        found::Why::Pair(_) => (String::new(), vec![], p.text.clone()),
    };
    let (_, snippet) = ids.claim(doc, m, &base, &p, c.verdicts);
    Suggestion {
        code: f.code,
        message,
        passages: vec![p],
        pairs: vec![],
        notes,
        snippet,
        confidence,
        claims_file: String::new(),
    }
}

impl Suggestion {
    /// Renders the suggestion as rustc renders a diagnostic, each passage with its line,
    /// then the snippet to paste, unindented so that it can be copied as it is.
    pub fn render(&self, color: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
        let level = Level::INFO.with_name("suggestion");
        let mut group: Group<'_> = Group::with_title(level.primary_title(self.message.as_str()).id(self.code));
        for (i, p) in self.passages.iter().enumerate() {
            let label = match (i, p.side) {
                (0, _) if self.passages.len() > 1 => "this passage",
                (0, _) => "this",
                (_, 0) => "says the same",
                _ => "disagrees with this one",
            };
            group = group.element(
                Snippet::source(&*p.file.text)
                    .path(p.file.name.as_str())
                    .annotation(AnnotationKind::Primary.span(p.span.clone()).label(label)),
            );
        }
        for note in &self.notes {
            group = group.element(Level::NOTE.message(note.as_str()));
        }
        let help = format!(
            "if it holds up, paste this into {} and fill in the claim, verdict, finding, explanation and date",
            self.claims_file
        );
        group = group.element(Level::HELP.message(help.as_str()));
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        format!("{}\n\n{}", renderer.render(&[group]), self.snippet.trim_end())
    }

    /// One JSON object: code, message, confidence, every passage (file, line, column,
    /// end, article, text, quote, side), the pairs that disagree, the notes and the
    /// snippet.
    pub fn to_json(&self) -> serde_json::Value {
        let passages: Vec<serde_json::Value> = self
            .passages
            .iter()
            .map(|p| {
                let (line, column) = p.file.line_col(p.span.start);
                let (end_line, end_column) = p.file.line_col(p.span.end);
                serde_json::json!({
                    "file": p.file.name, "line": line, "column": column,
                    "end_line": end_line, "end_column": end_column,
                    "article": p.article, "text": p.text, "quote": p.quote, "side": p.side,
                })
            })
            .collect();
        serde_json::json!({
            "severity": "suggestion",
            "code": self.code,
            "message": self.message,
            "score": score(self.confidence),
            "passages": passages,
            "pairs": self.pairs,
            "notes": self.notes,
            "snippet": self.snippet,
            "claims_file": self.claims_file,
        })
    }
}
