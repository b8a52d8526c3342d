//! Anchoring: finding every quote of the claims file in its article's text.
//!
//! Quotes are matched against the text a reader sees ([`Markup::text`]), normalised so
//! that runs of white space (and block breaks) are one space and straight and curly quote
//! marks are equal; a quote must hold whole letters, in either Unicode form
//! ([`super::letters`]). Each article is scanned once, for all of its quotes together, with an
//! Aho-Corasick automaton: the cost is one pass per article whatever the number of quotes.
//! Prefix and suffix pick one of several occurrences, as in the W3C Web Annotation
//! TextQuoteSelector; two equally good matches are an error, never a guess.

use foldhash::{HashMap, HashMapExt};
use std::cell::OnceCell;
use std::ops::Range;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use unicode_normalization::char::is_combining_mark;

use crate::model::article::Article;
use crate::model::claims::{Claims, Quote};
use crate::model::diag::{Diagnostic, SourceFile};
use crate::model::markup::Markup;
use crate::stages::letters;
use crate::stages::reanchor::{self, How, Passage};

/// What a marked passage stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Target {
    /// The `index`-th appearance of the `claim`-th claim (both in file order).
    Appearance {
        /// Index into `Claims::claims`.
        claim: usize,
        /// Index into that claim's `appearances`.
        index: usize,
    },
    /// The n-th artifact of the claims file.
    Artifact(usize),
}

/// A quote found in an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// Byte range in the article's [`Markup::text`].
    pub range: Range<usize>,
    /// What it stands for.
    pub target: Target,
    /// A few words before the passage, white space normalised (for quotes in context).
    pub before: String,
    /// The passage as the article has it, white space normalised.
    pub exact: String,
    /// A few words after the passage.
    pub after: String,
    /// The passage exactly as the reader's text has it, a line break at each paragraph
    /// end within it (`claims.json`'s `exact`, see `count_chars`).
    pub raw: String,
    /// [`Mark::range`] counted in characters of `claims.json`'s `text` (its `start` and
    /// `end`).
    pub chars: Range<usize>,
    /// For a quote found only in an earlier version of the article: that version, and how
    /// the passage was found again in the article now. The mark's range is then where it
    /// stands now (empty for a passage that was cut).
    pub changed: Option<Box<Changed>>,
}

/// A checked passage that the article no longer has as it was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changed {
    /// The number of the version the quote was found in.
    pub version: u32,
    /// The passage as that version had it, white space normalised.
    pub was: String,
    /// How it was found again in the article now.
    pub how: How,
}

/// The marks of every article, indexed like the articles, each list sorted by position;
/// shared, not copied, with what the store keeps (an unchanged article's marks are those
/// of the last build, and copying 40,000 of them was a tenth of a rebuild).
pub type Marks = Vec<Arc<Vec<Mark>>>;

/// Finds every appearance and artifact in its article. Quotes naming an unknown article
/// are skipped here (validation reports them).
pub fn anchor(articles: &[Article], claims: &Claims, file: &SourceFile) -> (Marks, Vec<Diagnostic>) {
    let (marks, diags, _) = anchor_known(articles, claims, file, None);
    (marks, diags)
}

/// The marks of articles anchored before, by [`Known::key`]: a build keeps them beside
/// its output (`crate::store::marks`), so that a rebuild scans only the articles whose text, or
/// whose quotes, changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Known(pub HashMap<u64, Arc<Vec<Mark>>>);

impl Known {
    /// A hash of everything an article's marks are found from: its text and format, and
    /// each quote aimed at it, in order, with its kind, prefix and suffix. Not the
    /// quotes' targets: a claim added or taken out above moves every claim below it to
    /// another index, and with the indices in the key each article quoted below was
    /// searched again (0.9-1.2 s of a 10k/20k save in `serve`). Kept marks are given the
    /// targets of now by [`retarget`].
    pub fn key(article: &Article, quotes: &[(Target, &Quote)]) -> u64 {
        let mut fp = crate::stages::render::fingerprint::Fingerprint::new();
        fp.add(&article.hash);
        fp.add(&article.format);
        // A quote not in the text is looked for in the earlier versions.
        for v in &article.versions {
            fp.add(&(v.n, v.article.hash, v.article.format));
        }
        for (target, q) in quotes {
            fp.add(&(matches!(target, Target::Artifact(_)), q.sought));
        }
        fp.finish()
    }
}

/// The quotes sought in each article, in the claims file's order (appearances by claim,
/// then artifacts): one list for all, by article. A list of its own for each article
/// was 25,000 allocations as its quotes were pushed, at 10k/20k, on one thread, on every
/// save in `serve`.
struct Wanted<'c> {
    /// Every quote whose article exists, grouped by article.
    quotes: Vec<(Target, &'c Quote)>,
    /// Where each article's quotes end in `quotes` (they start where the last one's end).
    ends: Vec<usize>,
}

impl<'c> Wanted<'c> {
    fn new(articles: &[Article], claims: &'c Claims) -> Self {
        let index: HashMap<&str, usize> = articles.iter().enumerate().map(|(i, a)| (a.slug.as_str(), i)).collect();
        let of = |q: &Quote| index.get(q.article.as_str()).copied();
        // Each quote's article is looked up once, on every thread: looked up twice on one
        // (to count, then to place), the 40,000 quotes at 10k/20k were 8 ms of each save
        // in `serve` before any article could be anchored.
        let appearances = claims.claims.par_iter().enumerate().flat_map_iter(|(ci, claim)| {
            claim
                .appearances
                .iter()
                .enumerate()
                .filter_map(move |(ai, q)| Some((of(q)?, Target::Appearance { claim: ci, index: ai }, q)))
        });
        let artifacts = claims
            .artifacts
            .par_iter()
            .enumerate()
            .filter_map(|(n, a)| Some((of(&a.quote)?, Target::Artifact(n), &a.quote)));
        let found: Vec<(usize, Target, &Quote)> = appearances.chain(artifacts).collect();
        // Counted, then placed: each article's quotes keep their order.
        let mut ends = vec![0; articles.len()];
        for &(i, ..) in &found {
            ends[i] += 1;
        }
        let mut next = Vec::with_capacity(articles.len());
        let mut total = 0;
        for n in &mut ends {
            next.push(total);
            total += *n;
            *n = total;
        }
        let mut quotes = vec![None; total];
        for (i, target, q) in found {
            quotes[next[i]] = Some((target, q));
            next[i] += 1;
        }
        Wanted { quotes: quotes.into_iter().flatten().collect(), ends }
    }

    /// The quotes sought in article `i`.
    fn of(&self, i: usize) -> &[(Target, &'c Quote)] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.quotes[start..self.ends[i]]
    }
}

/// [`anchor`], taking the marks of unchanged articles from `known`. With `known`, also
/// returns what to keep for the next build: the key of every article anchored without an
/// error, with the article's index (an error's message points into the claims file as it
/// is now, so it is always made anew). Without, no key is computed.
pub fn anchor_known(
    articles: &[Article],
    claims: &Claims,
    file: &SourceFile,
    known: Option<&Known>,
) -> (Marks, Vec<Diagnostic>, Vec<(u64, usize)>) {
    let wanted = Wanted::new(articles, claims);
    // A few articles a task: an article's cost varies a hundredfold (its body is parsed
    // here, its code highlighted), and with rayon's default splitting one core anchored
    // the last quarter alone (see `Renderer::pages`).
    let results: Vec<(Arc<Vec<Mark>>, Vec<Diagnostic>, Option<u64>)> = articles
        .par_iter()
        .enumerate()
        .map(|(i, article)| (article, wanted.of(i)))
        .with_max_len(4)
        .map(|(article, quotes)| {
            if quotes.is_empty() {
                return (Arc::default(), Vec::new(), None);
            }
            let key = known.map(|k| (k, Known::key(article, quotes)));
            if let Some(marks) = key.and_then(|(k, key)| k.0.get(&key)).and_then(|m| retarget(m, quotes)) {
                // A passage that changed is reported on every build, from its kept mark.
                let warnings = changed_warnings(article, quotes, &marks, file);
                return (marks, warnings, key.map(|(_, key)| key));
            }
            let (marks, diags) = anchor_article(article, quotes, file);
            let marks = Arc::new(marks);
            let only_changes = diags.iter().all(|d| d.code == "changed-after-check");
            let keep = key.filter(|_| only_changes).map(|(_, key)| key);
            (marks, diags, keep)
        })
        .collect();
    let mut marks = Vec::with_capacity(articles.len());
    let mut diags = Vec::new();
    let mut keep = Vec::new();
    for (i, (m, d, key)) in results.into_iter().enumerate() {
        if let Some(key) = key {
            keep.push((key, i));
        }
        marks.push(m);
        diags.extend(d);
    }
    (marks, diags, keep)
}

/// Kept marks with the targets of `quotes`, the article's quotes now: the same quotes in
/// the same order as when the marks were found (their key says so), perhaps of claims
/// that have moved. A quote's target is its place in the file, and quotes are listed in
/// file order, so the `r`-th smallest target kept is the `r`-th quote now. The marks'
/// order is kept: it breaks ties by target, and the map keeps their order. `None`, to
/// anchor again, when the kept marks are not one for each quote.
fn retarget(kept: &Arc<Vec<Mark>>, quotes: &[(Target, &Quote)]) -> Option<Arc<Vec<Mark>>> {
    let mut was: Vec<Target> = kept.iter().map(|m| m.target).collect();
    was.sort_unstable();
    was.dedup();
    if was.len() != quotes.len() || kept.len() != quotes.len() {
        return None;
    }
    if was.iter().zip(quotes).all(|(w, (now, _))| w == now) {
        return Some(Arc::clone(kept));
    }
    let mut marks = Vec::clone(kept);
    for m in &mut marks {
        m.target = quotes[was.binary_search(&m.target).ok()?].0;
    }
    Some(Arc::new(marks))
}

fn anchor_article(article: &Article, quotes: &[(Target, &Quote)], file: &SourceFile) -> (Vec<Mark>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut marks = Vec::new();
    if quotes.is_empty() {
        return (marks, diags);
    }
    let norm = Normalized::new(article.markup());
    let patterns: Vec<String> = quotes.iter().map(|(_, q)| normalize_quote(&q.quote.value)).collect();
    let occurrences = find_all(&norm.text, &patterns);
    let olds = OnceCell::new();

    for (i, (target, q)) in quotes.iter().enumerate() {
        if patterns[i].is_empty() {
            diags.push(
                Diagnostic::error("empty-quote", "the quote is empty once its invisible characters are removed")
                    .at(file, q.quote.span.clone(), "nothing to find")
                    .help("copy the exact words from the article into `quote`"),
            );
            continue;
        }
        let (found, split): (Vec<_>, Vec<_>) = occurrences[i].iter().cloned().partition(|r| norm.whole_letters(r));
        if found.is_empty() && !split.is_empty() {
            diags.push(split_letter(article, &norm, (&split[0], norm.cuts(&split[0]).1), q, file));
            continue;
        }
        let found = &found;
        if found.is_empty() {
            match in_versions((article, &olds), &norm, (*target, q), &patterns[i], file) {
                Some((mark, warning)) => {
                    marks.push(mark);
                    diags.push(warning);
                }
                None => match letters::in_decomposed(&norm.text, &patterns[i]) {
                    Some((r, ends)) => diags.push(split_letter(article, &norm, (&r, ends), q, file)),
                    None => diags.push(not_found(article, &norm, q, &patterns[i], file)),
                },
            }
            continue;
        }
        let chosen = with_affixes(&norm.text, found, q);
        match chosen.as_slice() {
            [one] => marks.push(norm.mark(one, *target)),
            [] => {
                let mut d = Diagnostic::error(
                    "affix-mismatch",
                    format!(
                        "the quote occurs {} in `{}`, but never with this prefix/suffix",
                        times(found.len()),
                        article.slug
                    ),
                )
                .at(file, affix_span(q), "matches no occurrence");
                for r in found.iter().take(5) {
                    d = d.note(format!(
                        "{} {}: {}",
                        article.file().name,
                        article.markup().locate(norm.orig(r).start),
                        norm.in_context(r)
                    ));
                }
                diags.push(d.help("copy `prefix`/`suffix` from the article text just before/after the quote"));
            }
            many => diags.push(ambiguous(article, &norm, many, q, file)),
        }
    }

    marks.sort_by(|a, b| {
        (a.range.start, std::cmp::Reverse(a.range.end), a.target).cmp(&(
            b.range.start,
            std::cmp::Reverse(b.range.end),
            b.target,
        ))
    });
    diags.extend(crossing(article, &marks, quotes, file));
    count_chars(&article.markup().text, &article.markup().seams(), &mut marks);
    (marks, diags)
}

/// The error for a quote found `many` times, none chosen by a prefix or suffix: the
/// first five, and a prefix that would choose the first.
fn ambiguous(
    article: &Article,
    norm: &Normalized<'_>,
    many: &[&Range<usize>],
    q: &Quote,
    file: &SourceFile,
) -> Diagnostic {
    let mut d = Diagnostic::error(
        "ambiguous-quote",
        format!("the quote occurs {} in `{}`; which one is meant?", times(many.len()), article.slug),
    )
    .at(file, q.quote.span.clone(), "found more than once");
    for r in many.iter().take(5) {
        let at = article.markup().locate(norm.orig(r).start);
        d = d.note(format!("{} {at}: {}", article.file().name, norm.in_context(r)));
    }
    let ranges: Vec<Range<usize>> = many.iter().map(|r| (*r).clone()).collect();
    // The first occurrence, chosen by the words before it or, when it starts the article
    // or shares them, by the words after it.
    let prefix = distinguishing(&norm.text, &ranges, true).map(|p| (p, "prefix", "before", "suffix"));
    let help =
        match prefix.or_else(|| distinguishing(&norm.text, &ranges, false).map(|s| (s, "suffix", "after", "prefix"))) {
            Some((affix, key, side, other)) => format!(
                "add `{key} = {}` (the words just {side} the first occurrence), or a `{other}`, to choose one",
                crate::model::tomlfile::basic_string(&affix)
            ),
            None => "add a `prefix` or `suffix` (the text just before or after) to choose one".to_string(),
        };
    d.help(help)
}

/// The occurrences of a quote that its prefix and suffix allow.
fn with_affixes<'r>(text: &str, found: &'r [Range<usize>], q: &Quote) -> Vec<&'r Range<usize>> {
    let prefix = q.prefix.as_ref().map(|p| normalize_affix(&p.value));
    let suffix = q.suffix.as_ref().map(|s| normalize_affix(&s.value));
    found
        .iter()
        .filter(|r| prefix.as_ref().is_none_or(|p| text[..r.start].ends_with(p.as_str())))
        .filter(|r| suffix.as_ref().is_none_or(|s| text[r.end..].starts_with(s.as_str())))
        .collect()
}

/// A quote not in the article as it is, looked for in its earlier versions, newest
/// first. Found once in one, it was checked there: the passage is found again in the
/// article now ([`reanchor::find`]) and marked there as changed, with a warning at the
/// quote that shows both passages.
fn in_versions<'a>(
    (article, olds): (&'a Article, &OnceCell<Vec<Normalized<'a>>>),
    norm: &Normalized<'_>,
    (target, q): (Target, &Quote),
    pattern: &str,
    file: &SourceFile,
) -> Option<(Mark, Diagnostic)> {
    // Each version is normalised once per article, whatever the number of its quotes.
    let olds = olds.get_or_init(|| article.versions.iter().map(|v| Normalized::new(v.article.markup())).collect());
    for (v, old) in article.versions.iter().zip(olds).rev() {
        let found: Vec<Range<usize>> = old.text.match_indices(pattern).map(|(i, p)| i..i + p.len()).collect();
        let [r] = with_affixes(&old.text, &found, q)[..] else { continue };
        let (before, after) = old.context(r, 12);
        let at = r.start as f64 / old.text.len().max(1) as f64;
        let passage = Passage { before: &before, exact: &old.text[r.clone()], after: &after, at };
        let (how, now) = reanchor::find(&passage, &norm.text);
        let mut mark = match &now {
            Some(now) if !now.is_empty() => norm.mark(now, target),
            Some(now) => norm.empty_mark(now.start, target),
            None => norm.empty_mark(norm.text.len(), target),
        };
        let changed = Changed { version: v.n, was: old.shown(r.clone()), how };
        let warning = changed_warning(article, &v.article, &changed, &mark, (q, file));
        mark.changed = Some(Box::new(changed));
        return Some((mark, warning));
    }
    None
}

/// The warnings for the marks of `article` that changed after the check, made anew from
/// kept marks: a warning points into the claims file as it is now.
fn changed_warnings(
    article: &Article,
    quotes: &[(Target, &Quote)],
    marks: &[Mark],
    file: &SourceFile,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for m in marks {
        let Some(changed) = &m.changed else { continue };
        let quote = quotes.iter().find(|(t, _)| *t == m.target).map(|(_, q)| *q);
        let version = article.versions.iter().find(|v| v.n == changed.version);
        if let (Some(q), Some(v)) = (quote, version) {
            out.push(changed_warning(article, &v.article, changed, m, (q, file)));
        }
    }
    out
}

/// "the article changed after the check", with the passage then and now and a word diff.
fn changed_warning(
    article: &Article,
    version: &Article,
    changed: &Changed,
    now: &Mark,
    (q, file): (&Quote, &SourceFile),
) -> Diagnostic {
    let label = match changed.how {
        How::Gone => "the passage is no longer in the article",
        _ => "the article now reads differently here",
    };
    let mut d = Diagnostic::warning(
        "changed-after-check",
        format!(
            "article `{}` changed after the check: this quote is only in its version {}",
            article.slug, changed.version
        ),
    )
    .at(file, q.quote.span.clone(), label)
    .note(format!("checked in `{}`: {}", version.name, quoted(&changed.was)));
    d = match changed.how {
        How::Gone => d.note(format!("now in `{}`: nothing (the passage was cut)", article.name)),
        how => {
            let diff = reanchor::plain(&reanchor::word_diff(&changed.was, &now.exact));
            d.note(format!("now in `{}`, found {}: {}", article.name, how_found(how), quoted(&now.exact)))
                .note(format!("word diff: {diff}"))
        }
    };
    d.help("check the passage as it reads now; then quote it as it is, or leave the quote: the briefing shows both versions")
}

/// A passage in a note, in quotation marks unless it opens and closes with its own (a
/// quotation quoted: "“We were lucky.”", not "\"“We were lucky.”\"").
fn quoted(passage: &str) -> String {
    let opens = |c: char| matches!(c, '"' | '“' | '„' | '«' | '\'' | '‘');
    let closes = |c: char| matches!(c, '"' | '”' | '»' | '\'' | '’');
    match (passage.chars().next(), passage.chars().next_back()) {
        (Some(a), Some(b)) if passage.chars().count() > 1 && opens(a) && closes(b) => passage.to_string(),
        _ => format!("\"{passage}\""),
    }
}

fn how_found(how: How) -> &'static str {
    match how {
        How::Exact => "word for word",
        How::Context => "between the words around it",
        How::Fuzzy => "as the closest passage",
        How::Gone => "nowhere",
    }
}

/// Each mark's character offsets and passage as `claims.json` gives them: in the body's
/// text with a line break at each of its `seams` (see `Markup::seams`), so that
/// `text[start:end] == exact` there. Kept with the marks, so that an entry of
/// `claims.json` is made again without parsing its article.
fn count_chars(text: &str, seams: &[usize], marks: &mut [Mark]) {
    let mut points: Vec<usize> = marks.iter().flat_map(|m| [m.range.start, m.range.end]).collect();
    points.sort_unstable();
    points.dedup();
    // The characters before each point: the bytes that start one (not continuation bytes,
    // `10xxxxxx`), counted between points. A character at a time, with a map of the
    // points, this was 2% of a fresh build's instructions at 2,000 claims.
    let bytes = text.as_bytes();
    let (mut last, mut chars) = (0, 0);
    let at: Vec<usize> = points
        .iter()
        .map(|&p| {
            // An end past the text was never reached by the walk over its characters.
            if p > bytes.len() {
                return 0;
            }
            chars += bytes[last..p].iter().filter(|&&b| (b as i8) >= -0x40).count();
            last = p;
            chars
        })
        .collect();
    let at = |p: usize| points.binary_search(&p).map_or(0, |i| at[i]);
    for m in marks {
        // A seam where the passage starts comes before it; one where it ends, after it.
        let before = seams.partition_point(|&p| p <= m.range.start);
        let within = seams[before..].partition_point(|&p| p < m.range.end);
        let start = at(m.range.start) + before;
        let end = at(m.range.end) + before + within;
        m.chars = start..end.max(start);
        if within > 0 {
            m.raw =
                crate::model::markup::with_seams(&m.raw, &seams[before..before + within], m.range.start).into_owned();
        }
    }
}

/// Marks may nest (one passage inside another) but not cross: HTML cannot express two
/// passages that overlap without one containing the other as separate highlights.
fn crossing(article: &Article, marks: &[Mark], quotes: &[(Target, &Quote)], file: &SourceFile) -> Vec<Diagnostic> {
    let quote_of = |t: Target| quotes.iter().find(|(qt, _)| *qt == t).map(|(_, q)| *q);
    let mut diags = Vec::new();
    let mut stack: Vec<&Mark> = Vec::new();
    for m in marks {
        while stack.last().is_some_and(|top| top.range.end <= m.range.start) {
            stack.pop();
        }
        if let Some(top) = stack.last()
            && m.range.end > top.range.end
        {
            if let (Some(a), Some(b)) = (quote_of(m.target), quote_of(top.target)) {
                diags.push(
                        Diagnostic::error(
                            "overlapping-quotes",
                            format!("two quotes in `{}` overlap without one containing the other", article.slug),
                        )
                        .at(file, a.quote.span.clone(), "this passage starts inside the other")
                        .also(b.quote.span.clone(), "the other passage")
                        .note(format!("overlap: \"{}\"", &article.markup().text[m.range.start..top.range.end]))
                        .help("shorten one quote so that the passages no longer overlap, or quote one passage inside the other"),
                    );
            }
            continue;
        }
        stack.push(m);
    }
    diags
}

/// "once", "twice", "3 times".
pub(crate) fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

fn affix_span(q: &Quote) -> Range<usize> {
    q.prefix.as_ref().or(q.suffix.as_ref()).map_or(q.quote.span.clone(), |p| p.span.clone())
}

/// All occurrences of every pattern in `text`, overlapping ones included, in one pass.
fn find_all(text: &str, patterns: &[String]) -> Vec<Vec<Range<usize>>> {
    let mut out = vec![Vec::new(); patterns.len()];
    // Identical quotes share a pattern; empty ones are left out of the automaton.
    let mut unique: Vec<&str> = Vec::new();
    let mut slot: HashMap<&str, usize> = HashMap::new();
    let mut owners: Vec<Vec<usize>> = Vec::new();
    for (i, p) in patterns.iter().enumerate() {
        if p.is_empty() {
            continue;
        }
        let k = *slot.entry(p.as_str()).or_insert_with(|| {
            unique.push(p.as_str());
            owners.push(Vec::new());
            unique.len() - 1
        });
        owners[k].push(i);
    }
    if unique.is_empty() {
        return out;
    }
    // A contiguous NFA: the DFA searches a little faster but takes far longer to build,
    // and each automaton here searches one article once.
    let built = AhoCorasick::builder().kind(Some(AhoCorasickKind::ContiguousNFA)).build(&unique);
    let Ok(ac) = built else { return out };
    for m in ac.find_overlapping_iter(text) {
        for &i in &owners[m.pattern().as_usize()] {
            out[i].push(m.start()..m.end());
        }
    }
    out
}

/// The normalised form of a character, or `None` to drop it.
fn fold(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{B4}' => Some('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => Some('"'),
        // Invisible characters that web pages scatter in text (Unicode's default ignorables).
        c if letters::ignorable(c) => None,
        c if c.is_whitespace() => Some(' '),
        c => Some(c),
    }
}

/// `original` folded and its white space collapsed (block `breaks`, byte offsets in
/// ascending order, count as white space), with, for each byte of the result, the offset
/// in `original` of the character it came from.
///
/// Runs of printable ASCII other than `` ` `` fold to themselves, and are copied whole
/// (ASCII white space is read without decoding a character): at 2,000 claims, character
/// by character this was 9% of a fresh build's instructions (86 a character), most of it
/// in runs like these.
///
/// With `check`, `None` as soon as a character says that `original` may not be in
/// Unicode's composed form (NFC): it is then normalised from its composition (see
/// [`Normalized::new`]). Only characters from U+0300 up are looked at for that.
fn normalize(original: &str, breaks: &[usize], check: bool) -> Option<(String, Vec<u32>)> {
    let bytes = original.as_bytes();
    let mut text = String::with_capacity(original.len());
    let mut starts = Vec::with_capacity(original.len());
    let mut next_break = breaks.iter().copied().peekable();
    let mut space_at: Option<usize> = None;
    let mut composed = letters::Composed::default();
    let mut at = 0;
    while at < bytes.len() {
        while let Some(b) = next_break.next_if(|&b| b <= at) {
            space_at.get_or_insert(b);
        }
        let plain = |b: u8| b.is_ascii_graphic() && b != b'`';
        if plain(bytes[at]) {
            let limit = next_break.peek().map_or(bytes.len(), |&b| b.min(bytes.len()));
            let end = at + bytes[at..limit].iter().position(|&b| !plain(b)).unwrap_or(limit - at);
            if let Some(s) = space_at.take()
                && !text.is_empty()
            {
                text.push(' ');
                starts.push(s as u32);
            }
            text.push_str(&original[at..end]);
            starts.extend(at as u32..end as u32);
            composed.plain();
            at = end;
            continue;
        }
        if matches!(bytes[at], b' ' | b'\t'..=b'\r') {
            space_at.get_or_insert(at);
            composed.plain();
            at += 1;
            continue;
        }
        let c = original[at..].chars().next().unwrap_or(' ');
        match c < '\u{300}' {
            true => composed.plain(),
            false if check => {
                composed.see(c);
                if composed.doubtful {
                    return None;
                }
            }
            false => {}
        }
        match fold(c) {
            None => {}
            Some(' ') => {
                space_at.get_or_insert(at);
            }
            Some(f) => {
                if let Some(s) = space_at.take()
                    && !text.is_empty()
                {
                    text.push(' ');
                    starts.push(s as u32);
                }
                let before = text.len();
                text.push(f);
                starts.extend(std::iter::repeat_n(at as u32, text.len() - before));
            }
        }
        at += c.len_utf8();
    }
    Some((text, starts))
}

/// A quote as matched: composed (NFC), folded, white space collapsed, trimmed.
pub fn normalize_quote(s: &str) -> String {
    collapsed(s, true)
}

/// `s` composed (NFC), its invisible characters dropped and its white space collapsed and
/// trimmed; its quotation marks folded, or left as written (`fold_marks`). Either way
/// the result has a character for each of the other's.
fn collapsed(s: &str, fold_marks: bool) -> String {
    let s = letters::composed(s);
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        match fold(c) {
            None => {}
            Some(' ') => space = true,
            Some(f) => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(if fold_marks { f } else { c });
            }
        }
    }
    out
}

/// A prefix or suffix: like a quote, but a leading or trailing space is kept, since
/// "in " and "in" say different things about what comes next.
fn normalize_affix(s: &str) -> String {
    let core = normalize_quote(s);
    let lead = s.chars().next().and_then(fold) == Some(' ');
    let trail = s.chars().next_back().and_then(fold) == Some(' ');
    match (core.is_empty(), lead, trail) {
        (true, _, _) => " ".to_string(),
        (false, l, t) => format!("{}{core}{}", if l { " " } else { "" }, if t { " " } else { "" }),
    }
}

/// An article's text, normalised for matching, with a map back to the original offsets.
pub struct Normalized<'a> {
    /// The normalised text.
    pub text: String,
    /// For each byte of `text`, the offset in the original of the character it came from
    /// (of the letter, when the original was not composed).
    starts: Vec<u32>,
    /// For each byte of `text`, where its letter ends in the original, when the original
    /// was not composed (a composed character stands for several); else `None`, and a
    /// character ends where its UTF-8 ends.
    ends: Option<Vec<u32>>,
    original: &'a str,
}

impl<'a> Normalized<'a> {
    /// Normalises an article's rendered text; block breaks count as white space. A text
    /// not in composed form (NFC) is composed first, a letter at a time: nearly every
    /// page is composed already, and is not copied.
    pub fn new(m: &'a Markup) -> Self {
        let original = m.text.as_str();
        let breaks = m.block_breaks();
        match normalize(original, &breaks, true) {
            Some((text, starts)) => Normalized { text, starts, ends: None, original },
            None => Self::composed(original, &breaks),
        }
    }

    /// [`Normalized::new`] for a text that may not be composed: normalised from its
    /// composition, each byte mapped back to its whole letter.
    fn composed(original: &'a str, breaks: &[usize]) -> Self {
        let (nfc, letters) = letters::composed_by_cluster(original);
        let moved = |b: usize| {
            let i = letters.partition_point(|(r, _)| r.start < b);
            letters.get(i).map_or(nfc.len(), |&(_, at)| at)
        };
        let breaks: Vec<usize> = breaks.iter().map(|&b| moved(b)).collect();
        let (text, at) = normalize(&nfc, &breaks, false).unwrap_or_default();
        let letter = |a: u32| &letters[letters.partition_point(|&(_, s)| s <= a as usize).saturating_sub(1)].0;
        let starts = at.iter().map(|&a| letter(a).start as u32).collect();
        let ends = Some(at.iter().map(|&a| letter(a).end as u32).collect());
        Normalized { text, starts, ends, original }
    }

    /// The original byte range of a normalised range (which never starts or ends in a
    /// collapsed space, since quotes are trimmed).
    pub fn orig(&self, r: &Range<usize>) -> Range<usize> {
        let start = self.starts[r.start] as usize;
        if let Some(ends) = &self.ends {
            return start..ends[r.end - 1] as usize;
        }
        let last = self.starts[r.end - 1] as usize;
        let len = self.original[last..].chars().next().map_or(0, char::len_utf8);
        start..letters::invisible_rest(self.original, last + len)
    }

    /// Whether a normalised range is made of whole letters of the original.
    fn whole_letters(&self, r: &Range<usize>) -> bool {
        self.cuts(r) == (false, false)
    }

    /// Whether a normalised range's start, and its end, cut a letter of the original in
    /// two. When the original was composed a letter at a time, each byte knows its letter;
    /// else the original is asked.
    fn cuts(&self, r: &Range<usize>) -> (bool, bool) {
        if self.ends.is_some() {
            // A space between them is never part of a letter (a block break's is placed at
            // the next block's start).
            let space = |a: usize, b: usize| self.text.as_bytes()[a] == b' ' || self.text.as_bytes()[b] == b' ';
            let same = |a: usize, b: usize| b < self.starts.len() && !space(a, b) && self.starts[a] == self.starts[b];
            return (r.start > 0 && same(r.start - 1, r.start), same(r.end - 1, r.end));
        }
        let o = self.orig(r);
        (!letters::at_boundary(self.original, o.start), !letters::at_boundary(self.original, o.end))
    }

    fn mark(&self, r: &Range<usize>, target: Target) -> Mark {
        let (before, after) = self.context_ranges(r, 12);
        let (before, after) = (self.shown(before), self.shown(after));
        let range = self.orig(r);
        let raw = self.original[range.clone()].to_string();
        // Counted in characters for all marks at once, by `count_chars`.
        Mark { range, target, before, exact: self.shown(r.clone()), after, raw, chars: 0..0, changed: None }
    }

    /// An empty mark at a normalised offset: where a passage that was cut used to be.
    fn empty_mark(&self, at: usize, target: Target) -> Mark {
        let o = self.starts.get(at).map_or(self.original.len(), |&s| s as usize);
        let (before, after) = self.context_ranges(&(at..at), 12);
        let (before, after) = (self.shown(before), self.shown(after));
        Mark {
            range: o..o,
            target,
            before,
            exact: String::new(),
            after,
            raw: String::new(),
            chars: 0..0,
            changed: None,
        }
    }

    /// Up to `words` words before and after a normalised range.
    pub fn context(&self, r: &Range<usize>, words: usize) -> (String, String) {
        let (before, after) = self.context_ranges(r, words);
        (self.text[before].to_string(), self.text[after].to_string())
    }

    /// The ranges of [`Normalized::context`]'s words.
    fn context_ranges(&self, r: &Range<usize>, words: usize) -> (Range<usize>, Range<usize>) {
        let before = &self.text[..r.start];
        let mut cut = before.len();
        for _ in 0..words {
            match before[..cut].trim_end().rfind(' ') {
                Some(i) => cut = i,
                None => {
                    cut = 0;
                    break;
                }
            }
        }
        let after = &self.text[r.end..];
        let mut end = 0;
        for _ in 0..words {
            let rest = &after[end..];
            let skip = rest.len() - rest.trim_start().len();
            match rest.trim_start().find(' ') {
                Some(i) => end += skip + i,
                None => {
                    end = after.len();
                    break;
                }
            }
        }
        let start = r.start - before[cut..].trim_start().len();
        (start..r.start, r.end..r.end + after[..end].trim_end().len())
    }

    /// A normalised range as the reader sees it: white space as in the normalised text,
    /// but quotation marks and apostrophes as the article prints them (“It’s”), not as
    /// they are folded for matching: a passage shown as checked is the article's own.
    pub fn shown(&self, r: Range<usize>) -> String {
        self.text[r.clone()]
            .char_indices()
            .map(|(i, c)| match c {
                '\'' | '"' => {
                    let o = self.starts[r.start + i] as usize;
                    self.original[o..].chars().next().filter(|&w| fold(w) == Some(c)).unwrap_or(c)
                }
                c => c,
            })
            .collect()
    }

    /// A passage between up to six words on each side, as the article prints them.
    fn in_context(&self, r: &Range<usize>) -> String {
        let (b, a) = self.context_ranges(r, 6);
        let (b, a) = (fewer_words(&self.text, b, true), fewer_words(&self.text, a, false));
        format!("\"…{}[{}]{}…\"", self.shown(b), self.shown(r.clone()), self.shown(a))
    }
}

/// `range` of `text`, beside a quote, cut to the six words nearest it (`before`: its last
/// six) when it holds more, as it can in a script written without spaces, where one run
/// between spaces can be a paragraph.
fn fewer_words(text: &str, range: Range<usize>, before: bool) -> Range<usize> {
    let spans = word_spans(&text[range.clone()]);
    match spans.len() {
        0..=6 => range,
        n if before => range.start + spans[n - 6].start..range.end,
        _ => range.start..range.start + spans[5].end,
    }
}

/// The fewest words just before (`before`) or after the first range that no other range
/// has there: the shortest `prefix` or `suffix` that picks the first occurrence.
fn distinguishing(text: &str, ranges: &[Range<usize>], before: bool) -> Option<String> {
    let words = |r: &Range<usize>, n: usize| -> String {
        let side = if before { &text[..r.start] } else { &text[r.end..] };
        let spans = word_spans(side);
        match spans.len() {
            0 => String::new(),
            len if before => side[spans[len.saturating_sub(n)].start..].to_string(),
            len => side[..spans[n.min(len) - 1].end].to_string(),
        }
    };
    let has = |r: &Range<usize>, affix: &str| {
        if before { text[..r.start].ends_with(affix) } else { text[r.end..].starts_with(affix) }
    };
    let first = ranges.first()?;
    (1..=6).map(|n| words(first, n)).find(|a| !a.trim().is_empty() && ranges[1..].iter().all(|r| !has(r, a)))
}

/// Where each word of `side` is: the runs between its spaces, and, in a run of a script
/// written without spaces (Chinese, Japanese), each word UAX #29 finds, so that a
/// suggested prefix is a few characters, not the sentence.
fn word_spans(side: &str) -> Vec<Range<usize>> {
    use unicode_segmentation::UnicodeSegmentation;
    let unspaced = |c: char| matches!(c as u32, 0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF);
    let (mut spans, mut at) = (Vec::new(), 0);
    for chunk in side.split(' ') {
        if chunk.chars().any(unspaced) {
            spans.extend(chunk.split_word_bound_indices().map(|(i, w)| at + i..at + i + w.len()));
        } else if !chunk.is_empty() {
            spans.push(at..at + chunk.len());
        }
        at += chunk.len() + 1;
    }
    spans
}

/// The error for a quote found only as part of a letter (`नमस` in `नमस्ते`, `cafe` in
/// `cafe` and a combining accent, one person of a family emoji): marked there, the
/// verdict's note would stand inside the letter.
///
/// `r` is the normalised range that holds the part, and `ends` whether the part ends
/// inside a letter (else it starts inside one).
fn split_letter(
    article: &Article,
    norm: &Normalized<'_>,
    (r, ends): (&Range<usize>, bool),
    q: &Quote,
    file: &SourceFile,
) -> Diagnostic {
    let whole = letters::widened(norm.original, &norm.orig(r));
    let end = if ends { "ends" } else { "starts" };
    Diagnostic::error(
        "split-letter",
        format!("the quote {end} inside a letter of article `{}`: only part of it is quoted", article.slug),
    )
    .at(file, q.quote.span.clone(), "not whole letters")
    .note(format!(
        "{} {}: the article has {}",
        article.file().name,
        article.markup().locate(whole.start),
        quoted(&norm.original[whole])
    ))
    .help("quote whole letters: copy the passage from the article, with the marks and joined characters that belong to its first and last letters")
}

/// The error for a quote that is not in its article: the closest passage, and what differs.
fn not_found(article: &Article, norm: &Normalized<'_>, q: &Quote, pattern: &str, file: &SourceFile) -> Diagnostic {
    let mut d = Diagnostic::error("quote-not-found", format!("quote not found in article `{}`", article.slug)).at(
        file,
        q.quote.span.clone(),
        "not in the article's text",
    );
    match closest(&norm.text, pattern) {
        Some((r, distance)) if distance * 10 <= pattern.chars().count() * 4 => {
            let r = whole_words(&norm.text, r, pattern);
            let passage = &norm.text[r.clone()];
            let shown = norm.shown(r.clone());
            d = d.note(format!(
                "closest passage, {} {}: {}",
                article.file().name,
                article.markup().locate(norm.orig(&r).start),
                quoted(&shown)
            ));
            let written = written_quote(&q.quote.value);
            let diffs =
                differences(Texts { folded: pattern, written: &written }, Texts { folded: passage, written: &shown });
            let help = if diffs.is_empty() {
                "copy the passage exactly as the article has it".to_string()
            } else {
                format!("the article has {}; copy the passage exactly", diffs.join(", "))
            };
            d.help(help)
        }
        _ => d.help(format!(
            "no passage of `{}` is close to this quote: check the `article` slug, or copy the words from its text",
            article.slug
        )),
    }
}

/// A text as matched (`folded`), and as written (`written`): character for character
/// the same but for quotation marks and apostrophes, which are folded in one.
#[derive(Clone, Copy)]
struct Texts<'t> {
    folded: &'t str,
    written: &'t str,
}

impl Texts<'_> {
    /// The written text of the folded one's characters `from..from + n`.
    fn written(&self, from: usize, n: usize) -> &str {
        let at = |i: usize| self.written.char_indices().nth(i).map_or(self.written.len(), |(b, _)| b);
        &self.written[at(from)..at(from + n)]
    }
}

/// A quote as its editor wrote it, white space collapsed and invisible characters dropped
/// as in [`normalize_quote`], but with its own quotation marks: character for character
/// beside the normalised quote.
fn written_quote(s: &str) -> String {
    collapsed(s, false)
}

/// "`October` where the quote has `Octobr`", word by word: compared as matched, shown as
/// written (a curly apostrophe is not a difference, and is shown as the article has it).
fn differences(quote: Texts<'_>, passage: Texts<'_>) -> Vec<String> {
    let diff = similar::TextDiff::from_words(quote.folded, passage.folded);
    let mut out = Vec::new();
    let mut removed = String::new();
    let mut added = String::new();
    let flush = |removed: &mut String, added: &mut String, out: &mut Vec<String>| {
        let (r, a) = (removed.trim(), added.trim());
        match (r.is_empty(), a.is_empty()) {
            (false, false) => out.push(format!("`{a}` where the quote has `{r}`")),
            (false, true) => out.push(format!("no `{r}`")),
            (true, false) => out.push(format!("`{a}` not in the quote")),
            (true, true) => {}
        }
        removed.clear();
        added.clear();
    };
    // Where each side is, in characters.
    let (mut old, mut new) = (0, 0);
    for change in diff.iter_all_changes() {
        let n = change.value().chars().count();
        match change.tag() {
            similar::ChangeTag::Equal => {
                flush(&mut removed, &mut added, &mut out);
                (old, new) = (old + n, new + n);
            }
            similar::ChangeTag::Delete => {
                removed.push_str(quote.written(old, n));
                old += n;
            }
            similar::ChangeTag::Insert => {
                added.push_str(passage.written(new, n));
                new += n;
            }
        }
    }
    flush(&mut removed, &mut added, &mut out);
    out.truncate(3);
    out
}

/// The passage of `text` with the smallest edit distance to `pattern` (Sellers'
/// algorithm), in normalised byte offsets, with that distance. Bounded so that a huge
/// article cannot make an error message slow.
pub(crate) fn closest(text: &str, pattern: &str) -> Option<(Range<usize>, usize)> {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<(usize, char)> = text.char_indices().collect();
    if p.is_empty() || t.is_empty() || p.len().saturating_mul(t.len()) > 200_000_000 {
        return None;
    }
    // cost[i], start[i]: best alignment of p[..i] ending at the current text position.
    let mut cost: Vec<usize> = (0..=p.len()).collect();
    let mut start: Vec<usize> = vec![0; p.len() + 1];
    let mut best: Option<(usize, usize, usize)> = None; // (distance, start char, end char)
    for (j, &(_, tc)) in t.iter().enumerate() {
        let (mut diag_cost, mut diag_start) = (0usize, j); // row 0: free start here
        for i in 1..=p.len() {
            let (up_cost, up_start) = (cost[i], start[i]);
            let sub = diag_cost + usize::from(p[i - 1] != tc);
            let (mut c, mut s) = (sub, diag_start);
            if up_cost + 1 < c {
                c = up_cost + 1;
                s = up_start;
            }
            if cost[i - 1] + 1 < c {
                c = cost[i - 1] + 1;
                s = start[i - 1];
            }
            diag_cost = up_cost;
            diag_start = up_start;
            cost[i] = c;
            start[i] = s;
        }
        start[0] = j + 1;
        let d = cost[p.len()];
        // Of passages as close, one that runs on to the end of its word: "since 2019"
        // for "since 2018", not "since 201" (a deletion costs what a change does).
        let ends_word = |k: usize| t.get(k).is_none_or(|&(_, c)| !c.is_alphanumeric() || !t[k - 1].1.is_alphanumeric());
        let longer =
            |(bd, _, be): (usize, usize, usize)| d == bd && start[p.len()] <= be && ends_word(j + 1) && !ends_word(be);
        if best.is_none_or(|b| d < b.0 || longer(b)) {
            best = Some((d, start[p.len()], j + 1));
        }
    }
    let (d, s, e) = best?;
    let byte = |k: usize| t.get(k).map_or(text.len(), |&(b, _)| b);
    Some((byte(s)..byte(e), d))
}

/// The closest passage to `pattern`, `r` of normalised text, widened to show whole words:
/// on to the end of a word it stops inside ("here" for a passage "her" of it), and over
/// the marks next to it when the quote has marks at that end ("harbour”" for a quote
/// that ends `harbour'`); at most 12 characters each way, and always to whole letters.
/// An end where the quote's word is the passage's is left as it is: the quote meant to
/// stop inside the word ("the harb").
fn whole_words(text: &str, r: Range<usize>, pattern: &str) -> Range<usize> {
    const MOST: usize = 12;
    let passage = &text[r.clone()];
    let first_word = |s: &str| s.split(' ').next().unwrap_or("").to_string();
    let last_word = |s: &str| s.rsplit(' ').next().unwrap_or("").to_string();
    let (keep_start, keep_end) = (first_word(passage) == first_word(pattern), last_word(passage) == last_word(pattern));
    let word = |c: char| c.is_alphanumeric() || is_combining_mark(c);
    let grow = |c: char, marks: bool| word(c) || marks && c != ' ';
    let (first, last) = (pattern.chars().next(), pattern.chars().next_back());
    let mut start = r.start;
    let marks_before = first.is_some_and(|c| !word(c));
    let inside = |a: Option<char>, b: Option<char>| a.zip(b).is_some_and(|(a, b)| word(a) && word(b));
    if !keep_start && (marks_before || inside(text[..start].chars().next_back(), text[start..].chars().next())) {
        for (i, c) in text[..start].char_indices().rev().take(MOST) {
            if !grow(c, marks_before) {
                break;
            }
            start = i;
        }
    }
    let mut end = r.end;
    let marks_after = last.is_some_and(|c| !word(c));
    if !keep_end && (marks_after || inside(text[..end].chars().next_back(), text[end..].chars().next())) {
        for (i, c) in text[end..].char_indices().take(MOST) {
            if !grow(c, marks_after) {
                break;
            }
            end = r.end + i + c.len_utf8();
        }
    }
    letters::widened(text, &(start..end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::highlight::Highlighter;
    use crate::model::markup;

    /// A mark of `range`, its characters not yet counted.
    fn mark(range: Range<usize>) -> Mark {
        Mark {
            range,
            target: Target::Artifact(0),
            before: String::new(),
            exact: String::new(),
            after: String::new(),
            raw: String::new(),
            chars: 0..0,
            changed: None,
        }
    }

    #[test]
    fn marks_count_characters() {
        let mut marks = [mark(0..2), mark(2..6), mark(7..8), mark(8..8)];
        count_chars("é€a b", &[], &mut marks);
        let chars: Vec<Range<usize>> = marks.iter().map(|m| m.chars.clone()).collect();
        assert_eq!(chars, [0..1, 1..3, 4..5, 5..5]);
        // An end past the text counts none, as the walk over its characters never got there.
        let mut past = [mark(1..9)];
        count_chars("ab", &[], &mut past);
        assert_eq!(past[0].chars, 1..1);
    }

    #[test]
    fn normalisation_folds_quotes_and_space() {
        assert_eq!(normalize_quote("  Council’s \n “core”\toffer "), "Council's \"core\" offer");
        assert_eq!(normalize_affix("in "), "in ");
        assert_eq!(normalize_affix(" "), " ");
    }

    /// [`normalize`] as a specification: every character folded, a block break as a space
    /// before the first character at or after it; then each run of spaces is the first of
    /// them, and none leads the text.
    fn normalize_by_chars(original: &str, breaks: &[usize]) -> (String, Vec<u32>) {
        let mut folded = Vec::new();
        for (at, c) in original.char_indices() {
            let before = folded.iter().filter(|(c, _)| *c == '\u{0}').count();
            folded.extend(breaks.iter().skip(before).take_while(|&&b| b <= at).map(|&b| ('\u{0}', b)));
            folded.extend(fold(c).map(|f| (if f == ' ' { '\u{1}' } else { f }, at)));
        }
        let (mut text, mut starts, mut gap) = (String::new(), Vec::new(), None::<usize>);
        for (c, at) in folded {
            if c < '\u{2}' {
                gap = gap.or(Some(at));
                continue;
            }
            if let Some(s) = gap.take().filter(|_| !text.is_empty()) {
                text.push(' ');
                starts.push(s as u32);
            }
            text.push(c);
            starts.resize(text.len(), at as u32);
        }
        (text, starts)
    }

    proptest::proptest! {
        /// Copying runs of ASCII whole gives what a character at a time gave, for any text
        /// and any block breaks (at characters' starts or not, past the end or not).
        #[test]
        fn normalizing_by_runs_is_normalizing_by_characters(
            text in "[a-c `'.\t\n\r\x0b\x0c\u{a0}\u{ad}\u{2019}\u{201c}é€\u{200b}\u{1f}-]{0,40}",
            mut breaks in proptest::collection::vec(0usize..45, 0..6),
        ) {
            breaks.sort_unstable();
            breaks.dedup();
            proptest::prop_assert_eq!(normalize(&text, &breaks, true), Some(normalize_by_chars(&text, &breaks)));
        }
    }

    proptest::proptest! {
        /// A mark's characters are those of the text before its ends, whatever the text.
        #[test]
        fn marks_count_the_characters_before_them(
            text in "[ab é€\u{1f600}]{0,30}",
            ends in proptest::collection::vec((0usize..31, 0usize..31), 0..5),
        ) {
            let cut = |i: usize| text.char_indices().map(|(b, _)| b).chain([text.len()]).nth(i).unwrap_or(text.len());
            let mut marks: Vec<Mark> = ends.iter().map(|&(a, b)| mark(cut(a.min(b))..cut(a.max(b)))).collect();
            count_chars(&text, &[], &mut marks);
            for m in &marks {
                let count = |p: usize| text[..p].chars().count();
                proptest::prop_assert_eq!(m.chars.clone(), count(m.range.start)..count(m.range.end));
            }
        }
    }

    #[test]
    fn matches_across_markup_and_blocks() {
        let m = markup::from_markdown("He said *“joint* blog post” in\n\nOctober.\n", 1, &Highlighter::new());
        let n = Normalized::new(&m);
        assert_eq!(n.text, "He said \"joint blog post\" in October.");
        let r = n.text.find("joint blog").unwrap()..n.text.find(" in").unwrap();
        let o = n.orig(&r);
        assert_eq!(&m.text[o], "joint blog post”");
    }

    #[test]
    fn closest_passage_and_differences() {
        let text = "the terms shared in a joint blog post in October 2025 remain";
        let (r, d) = closest(text, "joint blog post in Octobr 2025").unwrap();
        assert_eq!(&text[r], "joint blog post in October 2025");
        assert_eq!(d, 1);
        // A last word changed or misspelt: the passage runs to the end of the article's word.
        for (quote, passage) in
            [("since 2018", "since 2019"), ("long-standing partnershp", "long-standing partnership")]
        {
            let text = format!("have collaborated {passage} to promote");
            let (r, _) = closest(&text, quote).unwrap();
            assert_eq!(&text[r], passage, "{quote}");
        }
        let same = |s| Texts { folded: s, written: s };
        assert_eq!(
            differences(same("joint blog post in Octobr 2025"), same("joint blog post in October 2025")),
            vec!["`October` where the quote has `Octobr`"]
        );
        // Compared as matched, shown as written: the quotation marks are the article's.
        let quote = Texts { folded: "the \"core\" deal", written: "the \"core\" deal" };
        let passage = Texts { folded: "the \"core\" offer", written: "the “core” offer" };
        assert_eq!(differences(quote, passage), vec!["`offer` where the quote has `deal`"]);
        let passage = Texts { folded: "a \"core\" offer", written: "a “core” offer" };
        let quote = Texts { folded: "a core offer", written: "a core offer" };
        assert_eq!(differences(quote, passage), vec!["`“core”` where the quote has `core`"]);
        assert_eq!(written_quote("  “It’s\u{200D}  here” "), "“It’s here”");
    }

    #[test]
    fn the_closest_passage_shows_whole_words() {
        for (text, quote, shown) in [
            ("We saw the harbour here. Then", "harbour heer", "harbour here"),
            ("said \"no\" today. Then", "said \"no\" todya", "said \"no\" today"),
            (
                "said \"we're not closing the harbour\" then",
                "said 'we're not closing the harbour'",
                "said \"we're not closing the harbour\"",
            ),
            ("the repairs cost 2 million. Then", "the repairs cost 3 million", "the repairs cost 2 million"),
            // A quote that stops inside a word on purpose keeps its end.
            ("We saw the harbour here", "We sav the harb", "We saw the harb"),
        ] {
            let (r, _) = closest(text, quote).unwrap();
            assert_eq!(&text[whole_words(text, r, quote)], shown, "{quote}");
        }
    }

    #[test]
    fn finds_overlapping_occurrences_once_each() {
        let found = find_all("abab ab", &["ab".into(), "bab".into(), "ab".into(), "".into()]);
        assert_eq!(found[0], vec![0..2, 2..4, 5..7]);
        assert_eq!(found[1], vec![1..4]);
        assert_eq!(found[2], found[0]);
        assert!(found[3].is_empty());
    }

    #[test]
    fn notes_in_scripts_without_spaces_show_a_few_words() {
        let text = "港口很大。".repeat(20);
        let m = markup::from_plain_text(&text, 1);
        let n = Normalized::new(&m);
        let at = "港口很大。".len() * 10;
        let shown = n.in_context(&(at..at + "港口".len()));
        // Six words each side, as in English, each a character here (UAX #29).
        assert_eq!(shown, "\"…。港口很大。[港口]很大。港口很…\"");
    }

    #[test]
    fn distinguishing_prefix_is_short() {
        let text = "one cat sat. two cat sat.";
        let r = vec![4..7, 17..20];
        assert_eq!(distinguishing(text, &r, true).as_deref(), Some("one "));
        // The first occurrence starts the text: only the words after it can choose it.
        let text = "cat sat. one cat ran.";
        let r = vec![0..3, 13..16];
        assert_eq!(distinguishing(text, &r, true), None);
        assert_eq!(distinguishing(text, &r, false).as_deref(), Some(" sat."));
        // In a script written without spaces, a word is a few characters.
        let text = "東京は大きい。東京は大きいです。";
        let r = vec![0..18, 21..39];
        assert_eq!(distinguishing(text, &r, false).as_deref(), Some("。"));
        // Six words shared on each side: neither chooses it.
        let text = "w w w w w w cat w w w w w w cat w w w w w w";
        assert_eq!(distinguishing(text, &[12..15, 28..31], true), None);
        assert_eq!(distinguishing(text, &[12..15, 28..31], false), None);
    }

    #[test]
    fn a_passage_is_shown_as_the_article_prints_it() {
        let m = markup::from_plain_text("He said:  “It’s the  sounder’s fault.” Then\nhe ‘left’.", 1);
        let n = Normalized::new(&m);
        let q = normalize_quote("\"It's the sounder's fault.\"");
        let at = n.text.find(&q).unwrap();
        let mark = n.mark(&(at..at + q.len()), Target::Artifact(0));
        assert_eq!(mark.exact, "“It’s the sounder’s fault.”");
        assert_eq!((mark.before.as_str(), mark.after.as_str()), ("He said: ", " Then he ‘left’."));
        assert_eq!(quoted(&mark.exact), "“It’s the sounder’s fault.”");
        assert_eq!(quoted("It’s"), "\"It’s\"");
    }

    #[test]
    fn context_words() {
        let m = markup::from_plain_text("a b c d e f g h", 1);
        let n = Normalized::new(&m);
        let r = 6..7; // "d"
        assert_eq!(n.context(&r, 2), ("b c ".to_string(), " e f".to_string()));
        assert_eq!(n.context(&(0..1), 2), ("".to_string(), " b c".to_string()));
    }
}
