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

pub mod scan;
pub mod similar;
pub mod snippet;
pub mod words;

use std::collections::HashSet;
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
}

/// One candidate discrepancy or error.
#[derive(Debug, Clone)]
pub struct Suggestion {
    /// What kind: `weekday-date`, `weekday-event`, `date-conflict`, `date-timeline`,
    /// `number-conflict` or `quote-conflict`.
    pub code: &'static str,
    /// What looks wrong.
    pub message: String,
    /// Where (one or two passages).
    pub passages: Vec<Passage>,
    /// Why the passages were paired, and the evidence.
    pub notes: Vec<String>,
    /// The claims-file entries to paste, for the editor to complete.
    pub snippet: String,
    /// How strong the evidence is: the shared context's weight (for ordering).
    pub score: f32,
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

/// Finds the discrepancies and errors no claim covers yet. `marks` are the anchored
/// quotes of the claims file, as the anchor stage found them.
pub fn suggest(site: &Site, marks: &Marks) -> Vec<Suggestion> {
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

    let mut docs = Vec::new();
    for (index, (article, scan)) in articles.iter().zip(scans).enumerate() {
        let mentions = scan::mentions(&scan);
        let contexts = mentions
            .iter()
            .map(|m| {
                let (reach, clause) = match m.what {
                    What::Quantity { .. } => (1.5, true),
                    What::Date { .. } => (3.0, true),
                    // A relative weekday dates the whole sentence's news.
                    What::Weekday(_) | What::Quotation(_) => (3.0, false),
                };
                Context::around(&scan, &m.tokens, &vocab, reach, clause)
            })
            .collect();
        let mut covered = Vec::new();
        let mut chrome = Vec::new();
        for mark in marks.get(index).into_iter().flatten() {
            match mark.target {
                Target::Appearance { .. } => covered.push(mark.range.clone()),
                Target::Artifact(_) => chrome.push(mark.range.clone()),
            }
        }
        docs.push(Doc { article, scan, mentions, contexts, covered, chrome });
    }
    let events: Vec<(Date, &str, Context)> = claims
        .events
        .iter()
        .zip(event_words)
        .map(|(e, w)| {
            (e.date, e.title.as_str(), Context::of_text(&w.iter().map(String::as_str).collect::<Vec<_>>(), &vocab))
        })
        .collect();

    let mut found = Vec::new();
    let mut ids = Ids::new(claims);
    let own = [site.config.title.as_str(), site.config.description.as_str(), site.lead.as_deref().unwrap_or("")];
    let ctx = Ctx { docs: &docs, events: &events, verdicts: &verdicts, day: briefing_day(&docs, &own) };
    weekday_dates(&ctx, &mut ids, &mut found);
    relative_weekdays(&ctx, &mut ids, &mut found);
    date_conflicts(&ctx, &mut ids, &mut found);
    timeline_conflicts(&ctx, &mut ids, &mut found);
    number_conflicts(&ctx, &mut ids, &mut found);
    quote_conflicts(&ctx, &mut ids, &mut found);
    found
}

struct Ctx<'a> {
    docs: &'a [Doc<'a>],
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
struct Ids(HashSet<String>);

impl Ids {
    fn new(claims: &Claims) -> Ids {
        let mut set: HashSet<String> = claims.claims.iter().map(|c| c.id.value.clone()).collect();
        set.extend(claims.discrepancies.iter().map(|d| d.id.value.clone()));
        Ids(set)
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
            return q;
        }
    }
}

/// Whether a mention can be suggested at all: not page chrome, not already a claim.
fn open(doc: &Doc<'_>, m: &Mention) -> bool {
    !doc.in_chrome(m) && !doc.is_covered(m)
}

fn weekday_dates(c: &Ctx<'_>, ids: &mut Ids, out: &mut Vec<Suggestion>) {
    for doc in c.docs {
        for m in &doc.mentions {
            let What::Date { when: When::Day(date), weekday: Some((wd, _)) } = m.what else { continue };
            if !open(doc, m) || weekday_name(wd) == date.weekday() {
                continue;
            }
            let p = passage(doc, m);
            let claim = ids.fresh(&format!("{}-{}", doc.article.slug, p.text));
            let snippet = snippet::claim(&claim, &p, c.verdicts);
            out.push(Suggestion {
                code: "weekday-date",
                message: format!("{} was a {}, not a {}", date.long(), date.weekday(), weekday_name(wd)),
                notes: vec![],
                passages: vec![p],
                snippet,
                score: f32::MAX,
            });
        }
    }
}

/// Evidence for the date of an event: a full date in some article, or a timeline entry.
struct Evidence<'a> {
    date: Date,
    what: String,
    context: &'a Context,
}

fn evidence<'a>(c: &'a Ctx<'a>) -> Vec<Evidence<'a>> {
    let mut out = Vec::new();
    for doc in c.docs {
        for (m, ctx) in doc.mentions.iter().zip(&doc.contexts) {
            if let What::Date { when: When::Day(date), .. } = m.what
                && !doc.in_chrome(m)
            {
                let (line, _) = doc.article.file().line_col(in_file(doc.article, &doc.range(m)).start);
                let text = squash(&doc.scan.text[doc.range(m)]);
                out.push(Evidence {
                    date,
                    what: format!("{} (line {line}) gives “{text}”", doc.article.name),
                    context: ctx,
                });
            }
        }
    }
    for (date, title, ctx) in c.events {
        out.push(Evidence { date: *date, what: format!("the timeline has {date}: “{title}”"), context: ctx });
    }
    out
}

fn relative_weekdays(c: &Ctx<'_>, ids: &mut Ids, out: &mut Vec<Suggestion>) {
    let evidence = evidence(c);
    for doc in c.docs {
        for (m, ctx) in doc.mentions.iter().zip(&doc.contexts) {
            let What::Weekday(wd) = m.what else { continue };
            if !open(doc, m) {
                continue;
            }
            // Sum the evidence for each date: a date several sources agree on wins.
            let mut by_date: Vec<(Date, f32, Vec<&str>)> = Vec::new();
            for e in &evidence {
                let s = ctx.similarity(e.context);
                if s < 0.5 {
                    continue;
                }
                match by_date.iter_mut().find(|(d, ..)| *d == e.date) {
                    Some((_, total, why)) => {
                        *total += s;
                        why.push(&e.what);
                    }
                    None => by_date.push((e.date, s, vec![&e.what])),
                }
            }
            // The briefing's own day counts as evidence when the sentence shares anything
            // with what dates it: a weekday in an article about that news means that day.
            if let Some(day) = c.day
                && let Some((_, total, why)) = by_date.iter_mut().find(|(d, ..)| *d == day)
            {
                *total += BRIEFING_DAY;
                why.insert(0, "the briefing is about the news of that day");
            }
            by_date.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let Some((date, best, why)) = by_date.first() else { continue };
            let second = by_date.get(1).map_or(0.0, |d| d.1);
            if *best < SAME_EVENT || *best < 1.5 * second || date.weekday() == weekday_name(wd) {
                continue;
            }
            let p = passage(doc, m);
            let claim = ids.fresh(&format!("{}-on-{}", doc.article.slug, weekday_name(wd)));
            let mut notes: Vec<String> = why.iter().map(|w| w.to_string()).collect();
            notes.truncate(3);
            out.push(Suggestion {
                code: "weekday-event",
                message: format!(
                    "“{}” cannot be the day of the event this sentence reports: {} was a {}",
                    p.text,
                    date.long(),
                    date.weekday()
                ),
                snippet: snippet::claim(&claim, &p, c.verdicts),
                passages: vec![p],
                notes,
                score: *best,
            });
        }
    }
}

/// Whether an article mentions a date compatible with `when` (at any precision): then
/// it tells the two dates apart itself, and they are not one thing dated twice.
fn mentions_date(doc: &Doc<'_>, when: When) -> bool {
    doc.mentions.iter().any(|m| matches!(m.what, What::Date { when: w, .. } if !w.conflicts(when)))
}

fn date_conflicts(c: &Ctx<'_>, ids: &mut Ids, out: &mut Vec<Suggestion>) {
    for (ai, a) in c.docs.iter().enumerate() {
        for b in &c.docs[ai + 1..] {
            for (ma, ca) in a.mentions.iter().zip(&a.contexts) {
                let What::Date { when: wa, .. } = ma.what else { continue };
                for (mb, cb) in b.mentions.iter().zip(&b.contexts) {
                    let What::Date { when: wb, .. } = mb.what else { continue };
                    if !wa.conflicts(wb) || a.in_chrome(ma) || b.in_chrome(mb) {
                        continue;
                    }
                    if a.is_covered(ma) && b.is_covered(mb) {
                        continue;
                    }
                    if mentions_date(a, wb) || mentions_date(b, wa) {
                        continue;
                    }
                    let score = ca.similarity(cb);
                    if score < SAME_DATE {
                        continue;
                    }
                    let notes = vec![format!("both passages speak of: {}", ca.shared(cb).join(", "))];
                    out.push(pair(c, ids, "date-conflict", (a, ma), (b, mb), notes, score, |pa, pb| {
                        format!(
                            "the same thing dated “{}” in {} and “{}” in {}",
                            pa.text, pa.article, pb.text, pb.article
                        )
                    }));
                }
            }
        }
    }
}

/// A two-passage suggestion: a claim per passage not covered yet, and a discrepancy.
#[allow(clippy::too_many_arguments)]
fn pair(
    c: &Ctx<'_>,
    ids: &mut Ids,
    code: &'static str,
    (a, ma): (&Doc<'_>, &Mention),
    (b, mb): (&Doc<'_>, &Mention),
    notes: Vec<String>,
    score: f32,
    message: impl Fn(&Passage, &Passage) -> String,
) -> Suggestion {
    let (pa, pb) = (passage(a, ma), passage(b, mb));
    let mut snippet = String::new();
    let mut claim_ids = Vec::new();
    for (doc, m, p) in [(a, ma, &pa), (b, mb, &pb)] {
        if doc.is_covered(m) {
            claim_ids.push(None);
            continue;
        }
        let id = ids.fresh(&format!("{}-{}", doc.article.slug, p.text));
        snippet.push_str(&snippet::claim(&id, p, c.verdicts));
        snippet.push('\n');
        claim_ids.push(Some(id));
    }
    let title = format!("{} or {}?", pa.text, pb.text);
    let disc = ids.fresh(&title);
    snippet.push_str(&snippet::discrepancy(&disc, &title, &claim_ids));
    Suggestion { code, message: message(&pa, &pb), passages: vec![pa, pb], notes, snippet, score }
}

fn timeline_conflicts(c: &Ctx<'_>, ids: &mut Ids, out: &mut Vec<Suggestion>) {
    for doc in c.docs {
        for (m, ctx) in doc.mentions.iter().zip(&doc.contexts) {
            let What::Date { when, .. } = m.what else { continue };
            if !open(doc, m) {
                continue;
            }
            let mut scored: Vec<(f32, &(Date, &str, Context))> =
                c.events.iter().map(|e| (ctx.similarity(&e.2), e)).collect();
            scored.sort_by(|x, y| y.0.total_cmp(&x.0));
            let Some(&(best, (date, title, ectx))) = scored.first() else { continue };
            if best < SAME_ENTRY || !when.conflicts(When::Day(*date)) {
                continue;
            }
            // Another entry nearly as close that agrees: the mention may well be that one.
            if scored.iter().any(|(s, e)| *s >= 0.75 * best && when.contains(e.0)) {
                continue;
            }
            let p = passage(doc, m);
            let claim = ids.fresh(&format!("{}-{}", doc.article.slug, p.text));
            out.push(Suggestion {
                code: "date-timeline",
                message: format!("“{}” contradicts the timeline, which dates this {}", p.text, date.long()),
                notes: vec![
                    format!("the timeline has {date}: “{title}”"),
                    format!("both speak of: {}", ctx.shared(ectx).join(", ")),
                ],
                snippet: snippet::claim(&claim, &p, c.verdicts),
                passages: vec![p],
                score: best,
            });
        }
    }
}

fn number_conflicts(c: &Ctx<'_>, ids: &mut Ids, out: &mut Vec<Suggestion>) {
    for (ai, a) in c.docs.iter().enumerate() {
        for b in &c.docs[ai + 1..] {
            for (ma, ca) in a.mentions.iter().zip(&a.contexts) {
                let What::Quantity { value: va, unit: ua, approximate: xa } = &ma.what else { continue };
                for (mb, cb) in b.mentions.iter().zip(&b.contexts) {
                    let What::Quantity { value: vb, unit: ub, approximate: xb } = &mb.what else { continue };
                    if ua != ub || a.in_chrome(ma) || b.in_chrome(mb) || (a.is_covered(ma) && b.is_covered(mb)) {
                        continue;
                    }
                    let ratio = va.max(*vb) / va.min(*vb).max(f64::MIN_POSITIVE);
                    let tolerance = if *xa || *xb { 1.15 } else { 1.005 };
                    if ratio <= tolerance {
                        continue;
                    }
                    let score = ca.similarity(cb);
                    if score < SAME_QUANTITY {
                        continue;
                    }
                    let notes = vec![format!("both passages speak of: {}", ca.shared(cb).join(", "))];
                    out.push(pair(c, ids, "number-conflict", (a, ma), (b, mb), notes, score, |pa, pb| {
                        format!(
                            "the same quantity is “{}” in {} and “{}” in {}",
                            pa.text, pa.article, pb.text, pb.article
                        )
                    }));
                }
            }
        }
    }
}

/// Capitalised words of a quotation's sentence, outside the quotation: who is quoted.
fn speakers(doc: &Doc<'_>, m: &Mention) -> HashSet<String> {
    let s = &doc.scan;
    let sentence = s.sentences[s.tokens[m.tokens.start].sentence].clone();
    sentence
        .filter(|i| !(m.tokens.start.saturating_sub(1)..m.tokens.end + 1).contains(i))
        .map(|i| s.tok(i))
        .filter(|w| w.starts_with(|c: char| c.is_uppercase()) && !words::is_stop(w) && w.chars().count() > 1)
        .map(words::stem)
        .collect()
}

/// The words two quotations word differently, once the ends where one quote simply
/// stops earlier are set aside; `None` when they agree where they overlap.
fn reworded(a: &[String], b: &[String]) -> Option<(Vec<String>, Vec<String>)> {
    let ops = ::similar::capture_diff_slices(::similar::Algorithm::Myers, a, b);
    let first = ops.iter().position(|o| matches!(o.tag(), ::similar::DiffTag::Equal))?;
    let last = ops.iter().rposition(|o| matches!(o.tag(), ::similar::DiffTag::Equal))?;
    let (mut from, mut to) = (Vec::new(), Vec::new());
    for op in &ops[first..=last] {
        if op.tag() != ::similar::DiffTag::Equal {
            from.extend(a[op.old_range()].iter().cloned());
            to.extend(b[op.new_range()].iter().cloned());
        }
    }
    (!from.is_empty() || !to.is_empty()).then_some((from, to))
}

fn quote_conflicts(c: &Ctx<'_>, ids: &mut Ids, out: &mut Vec<Suggestion>) {
    for (ai, a) in c.docs.iter().enumerate() {
        for b in &c.docs[ai + 1..] {
            for ma in &a.mentions {
                let What::Quotation(qa) = &ma.what else { continue };
                for mb in &b.mentions {
                    let What::Quotation(qb) = &mb.what else { continue };
                    if a.in_chrome(ma) || b.in_chrome(mb) || (a.is_covered(ma) && b.is_covered(mb)) {
                        continue;
                    }
                    let sa: HashSet<&String> = qa.iter().collect();
                    let sb: HashSet<&String> = qb.iter().collect();
                    let shared = sa.intersection(&sb).count();
                    let dice = 2.0 * shared as f32 / (sa.len() + sb.len()) as f32;
                    if shared < 3 || dice < 0.5 {
                        continue;
                    }
                    let Some((from, to)) = reworded(qa, qb) else { continue };
                    let (speak_a, speak_b) = (speakers(a, ma), speakers(b, mb));
                    if !speak_a.is_empty() && !speak_b.is_empty() && speak_a.is_disjoint(&speak_b) {
                        continue;
                    }
                    let notes = vec![format!("“{}” where the other has “{}”", from.join(" "), to.join(" "))];
                    out.push(pair(c, ids, "quote-conflict", (a, ma), (b, mb), notes, dice * 10.0, |pa, pb| {
                        format!("the same quotation is worded differently in {} and {}", pa.article, pb.article)
                    }));
                }
            }
        }
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
            let label = if i == 0 && self.passages.len() > 1 { "this passage" } else { "this" };
            let label = if i > 0 { "disagrees with this one" } else { label };
            group = group.element(
                Snippet::source(&*p.file.text)
                    .path(p.file.name.as_str())
                    .annotation(AnnotationKind::Primary.span(p.span.clone()).label(label)),
            );
        }
        for note in &self.notes {
            group = group.element(Level::NOTE.message(note.as_str()));
        }
        group =
            group.element(Level::HELP.message(
                "if it holds up, paste this into content/claims.toml and fill in the verdict, finding and date",
            ));
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        format!("{}\n\n{}", renderer.render(&[group]), self.snippet.trim_end())
    }

    /// One JSON object: code, message, every passage (file, line, column, end, article,
    /// text, quote), the notes and the snippet.
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
                    "article": p.article, "text": p.text, "quote": p.quote,
                })
            })
            .collect();
        serde_json::json!({
            "severity": "suggestion",
            "code": self.code,
            "message": self.message,
            "passages": passages,
            "notes": self.notes,
            "snippet": self.snippet,
        })
    }
}

/// Sorted for reading: strongest evidence first, then by file and place.
pub fn sort(s: &mut [Suggestion]) {
    s.sort_by(|a, b| {
        let key = |x: &Suggestion| x.passages.first().map(|p| (p.file.name.clone(), p.span.start));
        b.score.total_cmp(&a.score).then_with(|| key(a).cmp(&key(b)))
    });
}
