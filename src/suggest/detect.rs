//! The detectors: each reads the scanned articles and records what looks wrong as
//! [`Found`]s. Pairs come from an [`Index`] of shared words, never from all against all.

use std::collections::{HashMap, HashSet};

use super::cues;
use super::found::{At, Found, Why};
use super::index::Index;
use super::scan::{self, Mention, What, When, weekday_name};
use super::similar::Context;
use super::{BRIEFING_DAY, Ctx, Doc, SAME_DATE, SAME_ENTRY, SAME_EVENT, SAME_QUANTITY, SAME_SLIP, open, words};
use crate::model::date::Date;

/// Every detector, in turn.
pub fn all(c: &Ctx<'_>) -> Vec<Found> {
    let mut out = Vec::new();
    weekday_dates(c, &mut out);
    relative_weekdays(c, &mut out);
    date_conflicts(c, &mut out);
    timeline_conflicts(c, &mut out);
    number_conflicts(c, &mut out);
    quote_conflicts(c, &mut out);
    best_partners(c, out)
}

/// Keeps, for each mention and each sentence it was paired into, only its nearest partner
/// there: a misstatement is nearer its true value than the other figures beside it. In
/// "retroactive to Sept. 1 and running through Aug. 31, 2029", "August 2028" disagrees
/// with the end date, not the start; "$1,500 for full-time workers" with "$2,000 for each
/// full-time employee", not "$1,000 for each part-time one".
fn best_partners(c: &Ctx<'_>, found: Vec<Found>) -> Vec<Found> {
    let sentence = |(d, i): At| (d, c.docs[d].scan.tokens[c.docs[d].mentions[i].tokens.start].sentence);
    let what = |(d, i): At| &c.docs[d].mentions[i].what;
    let gap = |a: At, b: At| match (what(a), what(b)) {
        (What::Date { when: x, .. }, What::Date { when: y, .. }) => {
            (x.first_day().days_since_epoch() - y.first_day().days_since_epoch()).abs() as f64
        }
        (What::Quantity { value: x, .. }, What::Quantity { value: y, .. }) => {
            x.max(*y) / x.min(*y).max(f64::MIN_POSITIVE)
        }
        _ => 0.0,
    };
    let mut best: HashMap<(&str, At, (usize, usize)), f64> = HashMap::new();
    for f in &found {
        if let Some(b) = f.b {
            let g = gap(f.a, b);
            for key in [(f.code, f.a, sentence(b)), (f.code, b, sentence(f.a))] {
                let e = best.entry(key).or_insert(g);
                *e = e.min(g);
            }
        }
    }
    found
        .into_iter()
        .filter(|f| match f.b {
            Some(b) => {
                let g = gap(f.a, b);
                best[&(f.code, f.a, sentence(b))] >= g && best[&(f.code, b, sentence(f.a))] >= g
            }
            None => true,
        })
        .collect()
}

/// Every mention not in page chrome, with its place, in article order.
fn mentions<'a>(c: &'a Ctx<'a>) -> impl Iterator<Item = (At, &'a Doc<'a>, &'a Mention, &'a Context)> {
    c.docs.iter().enumerate().flat_map(|(d, doc)| {
        doc.mentions
            .iter()
            .zip(&doc.contexts)
            .enumerate()
            .filter(move |(_, (m, _))| !doc.in_chrome(m))
            .map(move |(i, (m, ctx))| ((d, i), doc, m, ctx))
    })
}

fn weekday_dates(c: &Ctx<'_>, out: &mut Vec<Found>) {
    for (at, doc, m, _) in mentions(c) {
        let What::Date { when: When::Day(date), weekday: Some((wd, _)) } = m.what else { continue };
        if !open(doc, m) || weekday_name(wd) == date.weekday() {
            continue;
        }
        let why = Why::WeekdayDate { date, weekday: wd };
        out.push(Found {
            code: "weekday-date",
            a: at,
            b: None,
            score: 10.0,
            values: (date.to_string(), String::new()),
            why,
        });
    }
}

/// Evidence for the date of an event: a full date in some article (its place), or a
/// timeline entry (its index).
struct Evidence<'a> {
    date: Date,
    from: Result<At, usize>,
    context: &'a Context,
}

fn relative_weekdays(c: &Ctx<'_>, out: &mut Vec<Found>) {
    let mut evidence = Vec::new();
    for (at, _, m, ctx) in mentions(c) {
        if let What::Date { when: When::Day(date), .. } = m.what {
            evidence.push(Evidence { date, from: Ok(at), context: ctx });
        }
    }
    for (i, (date, _, ctx)) in c.events.iter().enumerate() {
        evidence.push(Evidence { date: *date, from: Err(i), context: ctx });
    }
    let mut index = Index::default();
    for (i, e) in evidence.iter().enumerate() {
        index.add("evidence", i, e.context);
    }
    for (at, doc, m, ctx) in mentions(c) {
        // A weekday must be the event's; "yesterday" the day before the article's date.
        let fits: Box<dyn Fn(Date) -> bool> = match m.what {
            What::Weekday(wd) => Box::new(move |d: Date| d.weekday() == weekday_name(wd)),
            What::Relative(days) => match doc.article.meta.published {
                Some(p) => Box::new(move |d: Date| d == p.plus_days(days)),
                None => continue,
            },
            _ => continue,
        };
        if !open(doc, m) {
            continue;
        }
        // "Winds should ease on Thursday": a forecast, not the day of the news.
        if matches!(m.what, What::Weekday(_)) && cues::ahead(&doc.scan, &m.tokens) {
            continue;
        }
        // "Corvane said on Wednesday that …": the day of a statement, not of its news.
        if cues::said_on(&doc.scan, &m.tokens) {
            continue;
        }
        let near = index.near("evidence", ctx).into_iter().map(|i| &evidence[i]);
        let mut by_date = by_date(near, ctx, doc.article.meta.published);
        // The briefing's own day counts as evidence when the sentence shares anything
        // with what dates it: a weekday in an article about that news means that day.
        let mut own = false;
        if let Some(day) = c.day
            && let Some((_, total, _)) = by_date.iter_mut().find(|(d, ..)| *d == day)
        {
            *total += BRIEFING_DAY;
            own = true;
        }
        by_date.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let Some((date, best, why)) = by_date.first() else { continue };
        let second = by_date.get(1).map_or(0.0, |d| d.1);
        if *best < SAME_EVENT || *best < 1.5 * second || fits(*date) {
            continue;
        }
        // News names a weekday only for the week around its own date (AP style: a day of
        // the week within seven days): a follow-up's "at a vigil on Sunday", written ten
        // days after the news, is about a later day. So with "yesterday": weeks after the
        // news, "shares closed at 418p yesterday" is a new fact, not the news misdated.
        let far =
            doc.article.meta.published.is_some_and(|p| (p.days_since_epoch() - date.days_since_epoch()).abs() > 6);
        if far {
            continue;
        }
        // A weekday that, counted back from the article's date, falls after the news may
        // be a later development ("the toll rose to three on Sunday"): then the briefing's
        // day is no evidence, and the sentence's own words must point to the news.
        let later = match (&m.what, doc.article.meta.published) {
            (What::Weekday(wd), Some(p)) => last_weekday(p, *wd) > *date,
            _ => false,
        };
        let bonus = if own && Some(*date) == c.day { BRIEFING_DAY } else { 0.0 };
        if later && *best - bonus < SAME_EVENT {
            continue;
        }
        let mut notes: Vec<String> = Vec::new();
        if own && Some(*date) == c.day {
            notes.push("the briefing is about the news of that day".to_string());
        }
        notes.extend(why.iter().map(|e| evidence_note(c, e)));
        notes.truncate(3);
        if let (What::Relative(days), Some(p)) = (&m.what, doc.article.meta.published) {
            notes
                .insert(0, format!("the article is dated {}, so that day was {}", p.long(), p.plus_days(*days).long()));
        }
        let why = Why::WeekdayEvent { date: *date, notes };
        let values = (date.to_string(), String::new());
        out.push(Found { code: "weekday-event", a: at, b: None, score: *best, values, why });
    }
}

/// The evidence near a day's context summed for each date, with what gave it: a date
/// several sources agree on wins. A day named by counting back is past: a date after
/// the article's own (`written`) cannot be it ("the operator said yesterday [the ship]
/// would be out from 27 March").
fn by_date<'e>(
    near: impl Iterator<Item = &'e Evidence<'e>>,
    ctx: &Context,
    written: Option<Date>,
) -> Vec<(Date, f32, Vec<&'e Evidence<'e>>)> {
    let mut by_date: Vec<(Date, f32, Vec<&Evidence<'_>>)> = Vec::new();
    for e in near {
        if written.is_some_and(|p| e.date > p) {
            continue;
        }
        let s = ctx.similarity(e.context);
        if s < 0.5 {
            continue;
        }
        match by_date.iter_mut().find(|(d, ..)| *d == e.date) {
            Some((_, total, why)) => {
                *total += s;
                why.push(e);
            }
            None => by_date.push((e.date, s, vec![e])),
        }
    }
    by_date
}

/// The last day before `p`, or `p` itself, that is weekday `wd` (0 = Monday): the day
/// news of `p` means by "on Tuesday".
fn last_weekday(p: Date, wd: usize) -> Date {
    p.plus_days(-(((p.weekday_index() + 7 - wd % 7) % 7) as i64))
}

/// What a piece of evidence says, for a note.
fn evidence_note(c: &Ctx<'_>, e: &Evidence<'_>) -> String {
    match e.from {
        Ok((d, i)) => {
            let doc = &c.docs[d];
            let m = &doc.mentions[i];
            let (line, _) = doc.article.file().line_col(super::in_file(doc.article, &doc.range(m)).start);
            let text = super::squash(&doc.scan.text[doc.range(m)]);
            format!("{} (line {line}) gives “{text}”", doc.article.name)
        }
        Err(i) => format!("the timeline has {}: “{}”", c.events[i].0, c.events[i].1),
    }
}

/// Whether an article mentions a date compatible with `when`, as precise as it or more:
/// then it tells the two dates apart itself, and they are not one thing dated twice. (A
/// month alone, "in November", does not tell 2 November from 10 November.)
fn mentions_date(doc: &Doc<'_>, when: When) -> bool {
    let precise = |w: When| matches!(w, When::Day(_)) || matches!(when, When::Month(..));
    doc.mentions.iter().any(|m| matches!(m.what, What::Date { when: w, .. } if !w.conflicts(when) && precise(w)))
}

/// The mentions `keep` accepts, filed by the kind it gives them and their context's
/// words; then every candidate pair from two articles.
fn candidates<'a>(c: &'a Ctx<'a>, keep: impl Fn(&Mention) -> Option<String>, mut f: impl FnMut(Item<'a>, Item<'a>)) {
    let mut items = Vec::new();
    let mut index = Index::default();
    for item in mentions(c) {
        if let Some(kind) = keep(item.2) {
            index.add(&kind, items.len(), item.3);
            items.push(item);
        }
    }
    index.pairs(|x, y| {
        if items[x].0.0 != items[y].0.0 {
            f(items[x], items[y]);
        }
    });
}

/// A mention with its place, its article and its context.
type Item<'a> = (At, &'a Doc<'a>, &'a Mention, &'a Context);

fn date_conflicts(c: &Ctx<'_>, out: &mut Vec<Found>) {
    let kind = |m: &Mention| matches!(m.what, What::Date { .. }).then(|| "date".to_string());
    candidates(c, kind, |(at_a, a, ma, ca), (at_b, b, mb, cb)| {
        let (What::Date { when: wa, .. }, What::Date { when: wb, .. }) = (&ma.what, &mb.what) else { return };
        if !wa.conflicts(*wb) || (a.is_covered(ma) && b.is_covered(mb)) {
            return;
        }
        if mentions_date(a, *wb) || mentions_date(b, *wa) || two_things((a, ma), (b, mb)) {
            return;
        }
        // A dateline dates the filing, not the news: no other article's date is its.
        if dateline(a, ma) || dateline(b, mb) {
            return;
        }
        // A date after its article was written is a plan ("available from Monday 23
        // November"); against a date the other article reports as past, a plan is no
        // misdating of it.
        let ahead = |doc: &Doc<'_>, w: When| doc.article.meta.published.is_some_and(|p| w.first_day() > p);
        if ahead(a, *wa) != ahead(b, *wb) || anniversary(*wa, *wb) {
            return;
        }
        let score = ca.similarity(cb);
        if score < SAME_DATE {
            return;
        }
        let values = (wa.key(), wb.key());
        out.push(Found { code: "date-conflict", a: at_a, b: Some(at_b), score, values, why: Why::Pair(None) });
    });
}

fn timeline_conflicts(c: &Ctx<'_>, out: &mut Vec<Found>) {
    for (at, doc, m, ctx) in mentions(c) {
        let What::Date { when, .. } = m.what else { continue };
        if !open(doc, m) {
            continue;
        }
        let published = doc.article.meta.published;
        if dateline(doc, m) {
            continue;
        }
        // A date after the article was written is a plan or a deadline ("the long-stop
        // date is 30 June"); the timeline records what happened.
        if published.is_some_and(|p| when.first_day() > p) {
            continue;
        }
        // Nor can the article report what happened after it was written.
        let reportable = c.events.iter().filter(|e| published.is_none_or(|p| e.0 <= p));
        let mut scored: Vec<(f32, &(Date, &str, Context))> = reportable.map(|e| (ctx.similarity(&e.2), e)).collect();
        scored.sort_by(|x, y| y.0.total_cmp(&x.0));
        let Some(&(best, (date, title, ectx))) = scored.first() else { continue };
        if best < SAME_ENTRY || !when.conflicts(When::Day(*date)) {
            continue;
        }
        // Years away from the entry, a date is another event of the same kind (the flood
        // of 2015, the last merger): a misdated entry is off by days, months, a year.
        if (when.first_day().days_since_epoch() - date.days_since_epoch()).abs() > 2 * 366
            && !mistyped_year(when.first_day().year(), date.year())
        {
            continue;
        }
        // Another entry nearly as close that agrees: the mention may well be that one.
        // Nor is a date that is itself an entry's, in words the entry shares, a mistake.
        if scored.iter().any(|(s, e)| (*s >= 0.75 * best || *s >= SAME_ENTRY / 2.0) && when.contains(e.0)) {
            continue;
        }
        // An article that gives the entry's own day elsewhere tells the two apart itself;
        // and a passage that names another thing than the entry is about that thing.
        if gives_day(doc, m, *date)
            || cues::distinct(&cues::names_around(&doc.scan, &m.tokens), &cues::names(title.split(' ')))
        {
            continue;
        }
        let why = Why::Timeline { date: *date, title: title.to_string(), shared: ctx.shared(ectx, c.vocab) };
        out.push(Found {
            code: "date-timeline",
            a: at,
            b: None,
            score: best,
            values: (when.key(), String::new()),
            why,
        });
    }
}

/// Whether two days are one day of the year, years apart ("the record of 12 August 2003"
/// and "on Aug. 12" this year): an anniversary, not one event misdated.
fn anniversary(a: When, b: When) -> bool {
    let (When::Day(x), When::Day(y)) = (a, b) else { return false };
    (x.month(), x.day()) == (y.month(), y.day())
        && (x.year() - y.year()).abs() >= 2
        && !mistyped_year(x.year(), y.year())
}

/// Whether two years differ as a typing slip does: in one digit (1961 for 1971), or by two
/// neighbouring digits swapped (1978 for 1987). Other years far apart are two events.
fn mistyped_year(a: i32, b: i32) -> bool {
    typing_slip(a.to_string().as_bytes(), b.to_string().as_bytes()).is_some()
}

/// How two strings of digits of one length differ when one is a typing slip of the
/// other: in one digit (its place), or by two neighbouring digits swapped.
#[derive(Debug, PartialEq)]
enum Slip {
    /// One digit differs, at this place.
    Digit(usize),
    /// Two neighbouring digits swapped ("4,612" for "4,162").
    Swap,
}

fn typing_slip(a: &[u8], b: &[u8]) -> Option<Slip> {
    if a.len() != b.len() {
        return None;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    match diff.as_slice() {
        [i] => Some(Slip::Digit(*i)),
        [i, j] if *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i] => Some(Slip::Swap),
        _ => None,
    }
}

/// Whether two figures in one unit, written in digits to one scale, differ as a slip of
/// the keyboard does, in three significant digits or more: two neighbouring digits
/// swapped ("221" for "212", "4,162" for "4,612"), or one digit other than the last
/// ("12.8" for "11.8", "14,311" for "14,331"). That is rare between two figures chosen
/// apart (about 3% of pairs of three digits, fewer the longer they are), so, like the
/// same number under two units, it is itself evidence that they are one figure. What
/// is common between two figures chosen apart is not: two digits ("43" and "34", two
/// people's ages), round figures ("500 calls", "200 calls"), and a last digit alone (a
/// count that moves, a revision, a rounding change the last digit most).
fn mistyped((a, ma): (&Doc<'_>, &Mention), (b, mb): (&Doc<'_>, &Mention)) -> bool {
    let (What::Quantity { written: (_, ua), .. }, What::Quantity { written: (_, ub), .. }) = (&ma.what, &mb.what)
    else {
        return false;
    };
    let digits = |doc: &Doc<'_>, m: &Mention| digit_token(doc, m).map(significant);
    let (Some(x), Some(y)) = (digits(a, ma), digits(b, mb)) else { return false };
    ua == ub && slipped(&x, &y)
}

/// Whether significant digits `y` are a typing slip of `x` as [`mistyped`] counts them.
fn slipped(x: &str, y: &str) -> bool {
    x.len() >= 3
        && match typing_slip(x.as_bytes(), y.as_bytes()) {
            Some(Slip::Swap) => true,
            Some(Slip::Digit(i)) => i + 1 < x.len(),
            None => false,
        }
}

/// The significant digits a figure's token is written with: "118" for "11.8", "4612" for
/// "4,612", "42" for "4.2m", "5" for "500".
fn significant(token: &str) -> String {
    let t: String =
        token.chars().take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',').filter(|c| *c != ',').collect();
    let t = t.trim_end_matches('.');
    let whole = if t.contains('.') { t.to_string() } else { t.trim_end_matches('0').to_string() };
    whole.replace('.', "").trim_start_matches('0').to_string()
}

/// Whether `m` is the date of the article's dateline ("KOUROU, 18 October (CPA) –"): the
/// day it was filed, at the head of its first sentence, before the agency or the dash.
fn dateline(doc: &Doc<'_>, m: &Mention) -> bool {
    let s = &doc.scan;
    m.tokens.start < 12
        && s.tokens[m.tokens.start].sentence == 0
        && matches!(s.tok(m.tokens.end), "(" | "–" | "—" | "-" | "--")
}

/// Whether `doc` gives the full date `day` in a mention other than `m`.
fn gives_day(doc: &Doc<'_>, m: &Mention, day: Date) -> bool {
    doc.mentions
        .iter()
        .any(|o| !std::ptr::eq(o, m) && matches!(o.what, What::Date { when: When::Day(d), .. } if d == day))
}

fn number_conflicts(c: &Ctx<'_>, out: &mut Vec<Found>) {
    // Money is filed together whatever its currency, for the slips between currencies.
    let kind = |m: &Mention| match &m.what {
        What::Quantity { unit, .. } if scan::is_money(unit) => Some("quantity money".to_string()),
        What::Quantity { unit, .. } => Some(format!("quantity {unit}")),
        _ => None,
    };
    candidates(c, kind, |(at_a, a, ma, ca), (at_b, b, mb, cb)| {
        let What::Quantity { value: va, unit, approximate: xa, written: (na, ua) } = &ma.what else { return };
        let What::Quantity { value: vb, unit: unit_b, approximate: xb, written: (nb, ub) } = &mb.what else { return };
        if a.is_covered(ma) && b.is_covered(mb) {
            return;
        }
        if unit != unit_b {
            // Two currencies: no rate to compare them by, but the same number in both
            // ("£5.6bn", "€5.6bn") is likely a slip.
            let score = ca.similarity(cb) + SAME_QUANTITY - SAME_SLIP;
            if (va / vb - 1.0).abs() <= 0.005 && score >= SAME_QUANTITY && !two_things((a, ma), (b, mb)) {
                let values = (format!("{unit} {va}"), format!("{unit_b} {vb}"));
                out.push(Found { code: "unit-slip", a: at_a, b: Some(at_b), score, values, why: Why::Pair(None) });
            }
            return;
        }
        if unit == "tally" {
            // "8-5" and "9-4": one count is no nearer the truth than another.
            let score = ca.similarity(cb);
            if va != vb && score >= SAME_QUANTITY && !two_things((a, ma), (b, mb)) {
                let values = (format!("{unit} {va}"), format!("{unit} {vb}"));
                out.push(Found {
                    code: "number-conflict",
                    a: at_a,
                    b: Some(at_b),
                    score,
                    values,
                    why: Why::Pair(None),
                });
            }
            return;
        }
        if unit.starts_with("temperature") {
            // Degrees compare by difference: a degree apart, or three when hedged.
            let close = if *xa || *xb { 3.0 } else { 1.0 };
            if (va - vb).abs() <= close || ca.similarity(cb) < SAME_QUANTITY {
                return;
            }
            let code = if ua != ub && (na - nb).abs() < 0.01 { "unit-slip" } else { "number-conflict" };
            let values = (format!("{unit} {va:.1}"), format!("{unit} {vb:.1}"));
            let score = ca.similarity(cb);
            out.push(Found { code, a: at_a, b: Some(at_b), score, values, why: Why::Pair(None) });
            return;
        }
        let ratio = |x: f64, y: f64| x.max(y) / x.min(y).max(f64::MIN_POSITIVE);
        if rounded((a, ma), (b, mb)) {
            return;
        }
        // A conversion is rounded ("130 km/h (81 mph)"): 2% between two units.
        let exact = if ua == ub { 1.005 } else { 1.02 };
        let tolerance = if *xa || *xb { 1.15 } else { exact };
        if ratio(*va, *vb) <= tolerance {
            return;
        }
        // Threefold and more, but for a slip of scale (thousand for million): two things
        // that share words, not one thing misstated (a 1.4 km climb in a 9 km finale).
        let r = ratio(*va, *vb);
        let scale_slip = [1e3, 1e6, 1e9].iter().any(|s| (r / s - 1.0).abs() < 0.01);
        // The same number under two units of one measure ("42-foot", "42-metre"): far
        // apart once converted, and yet one figure.
        let slip = ua != ub && ratio(*na, *nb) <= 1.005;
        if r >= 3.0 && !scale_slip && !slip {
            return;
        }
        // The same number under two units of one measure: likely a unit slip, and a
        // coincidence that is itself evidence, so less shared context is asked for (and
        // the score counts it).
        if !slip && other_days((a, ma), (b, mb)) {
            return;
        }
        // An article that also gives the other figure, in the same unit, tells the two
        // apart itself ("revenue of €9.6bn (Brenner: €5.9bn)").
        if !slip && (mentions_quantity(a, unit, *vb) || mentions_quantity(b, unit, *va)) {
            return;
        }
        if two_things((a, ma), (b, mb)) || (!slip && running_on_two_days((a, ma), (b, mb))) {
            return;
        }
        let named = unit == "age" && same_name((a, ma), (b, mb));
        let typo = !slip && mistyped((a, ma), (b, mb));
        let score = ca.similarity(cb) + if slip || typo { SAME_QUANTITY - SAME_SLIP } else { 0.0 };
        let score = if named { score + SAME_QUANTITY } else { score };
        if score < SAME_QUANTITY {
            return;
        }
        let code = if slip { "unit-slip" } else { "number-conflict" };
        let values = (format!("{unit} {va}"), format!("{unit} {vb}"));
        out.push(Found { code, a: at_a, b: Some(at_b), score, values, why: Why::Pair(None) });
    });
}

/// Whether two ages are each set off by commas after the same surname ("Darren Pike, 41,"
/// and "Pike, 43,"): a person has one age, and the name is what the age is of, however
/// little else the two sentences share.
fn same_name((a, ma): (&Doc<'_>, &Mention), (b, mb): (&Doc<'_>, &Mention)) -> bool {
    let name = |d: &Doc<'_>, m: &Mention| {
        let i = m.tokens.start;
        (i >= 2 && d.scan.tok(i - 1) == ",").then(|| d.scan.tok(i - 2).to_lowercase())
    };
    name(a, ma).zip(name(b, mb)).is_some_and(|(x, y)| x == y)
}

/// The day a figure's own clause gives it ("closed at 418p yesterday", "on Friday"),
/// counted from its article's date where the clause counts from it.
fn day_of(doc: &Doc<'_>, m: &Mention) -> Option<Date> {
    let clause = cues::clause(&doc.scan, &m.tokens);
    let published = doc.article.meta.published;
    doc.mentions.iter().filter(|o| clause.contains(&o.tokens.start) && !std::ptr::eq(*o, m)).find_map(|o| {
        match o.what {
            What::Date { when: When::Day(d), .. } => Some(d),
            What::Relative(days) => published.map(|p| p.plus_days(days)),
            // The last such weekday, as news counts them.
            What::Weekday(wd) => published.map(|p| last_weekday(p, wd)),
            _ => None,
        }
    })
}

/// Whether two figures are of two different days: both dated by their own clauses, to
/// two days; or one dated to a day after the other's article was written ("closed at
/// 418p yesterday", in November, against a September report), which that article cannot
/// be about.
fn other_days((a, ma): (&Doc<'_>, &Mention), (b, mb): (&Doc<'_>, &Mention)) -> bool {
    let after = |day: Date, doc: &Doc<'_>| doc.article.meta.published.is_some_and(|p| day > p);
    match (day_of(a, ma), day_of(b, mb)) {
        (Some(x), Some(y)) => x != y,
        (Some(x), None) => after(x, b),
        (None, Some(y)) => after(y, a),
        (None, None) => false,
    }
}

/// The token a figure's digits are written in ("4,612" of "4,612 patients"); `None` for
/// a figure in words.
fn digit_token<'d>(doc: &'d Doc<'_>, m: &Mention) -> Option<&'d str> {
    m.tokens.clone().map(|i| doc.scan.tok(i)).find(|t| t.starts_with(|c: char| c.is_ascii_digit()))
}

/// The step a figure is written to, in its unit: 0.1 for "6.8 metres", 0.1 million for
/// "$4.3 million", 1,000 for "about 18,000 acres"; a whole number that is not hedged
/// counts as exact ("$2,000" is no rounding of $1,500).
fn step(doc: &Doc<'_>, m: &Mention) -> Option<f64> {
    let What::Quantity { value, written: (n, _), approximate, .. } = &m.what else { return None };
    let digits = digit_token(doc, m)?;
    let digits: String = digits.chars().take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',').collect();
    let written = match digits.split_once('.') {
        Some((_, decimals)) => 10f64.powi(-(decimals.len() as i32)),
        None => {
            let zeros = digits.replace(',', "").bytes().rev().take_while(|b| *b == b'0').count();
            if zeros >= 2 && *approximate { 10f64.powi(zeros as i32) } else { 1.0 }
        }
    };
    Some(written * value / n.max(f64::MIN_POSITIVE))
}

/// Whether one figure is the other rounded to the step it is written to: "6.8 metres"
/// and "6.84 metres", "about 18,000 acres" and "18,400 acres".
fn rounded((a, ma): (&Doc<'_>, &Mention), (b, mb): (&Doc<'_>, &Mention)) -> bool {
    let (What::Quantity { value: va, .. }, What::Quantity { value: vb, .. }) = (&ma.what, &mb.what) else {
        return false;
    };
    let (Some(sa), Some(sb)) = (step(a, ma), step(b, mb)) else { return false };
    let (coarse, fine, coarse_value) = if sa >= sb { (sa, vb, va) } else { (sb, va, vb) };
    coarse > sa.min(sb) && ((fine / coarse).round() * coarse - coarse_value).abs() <= coarse * 1e-6
}

/// Whether an article gives the quantity `value` in `unit` somewhere.
fn mentions_quantity(doc: &Doc<'_>, unit: &str, value: f64) -> bool {
    doc.mentions.iter().any(|m| {
        matches!(&m.what, What::Quantity { value: v, unit: u, .. } if u == unit && (v / value - 1.0).abs() <= 0.005)
    })
}

/// Whether the sentences of two mentions name two different things of one kind (see
/// [`cues::distinct`]).
fn two_things((a, ma): (&Doc<'_>, &Mention), (b, mb): (&Doc<'_>, &Mention)) -> bool {
    cues::distinct(&cues::names_around(&a.scan, &ma.tokens), &cues::names_around(&b.scan, &mb.tokens))
}

/// Whether two figures come from articles of two different days and one of them is a
/// running tally ("has burned 22,900 acres"): a fire grows, a count goes up, and both
/// can be right on their day.
fn running_on_two_days((a, ma): (&Doc<'_>, &Mention), (b, mb): (&Doc<'_>, &Mention)) -> bool {
    let days = (a.article.meta.published, b.article.meta.published);
    matches!(days, (Some(p), Some(q)) if p != q)
        && (cues::running(&a.scan, &ma.tokens) || cues::running(&b.scan, &mb.tokens))
}

/// Capitalised words of a quotation's sentence, outside the quotation: who is quoted.
fn speakers(doc: &Doc<'_>, m: &Mention) -> HashSet<String> {
    let s = &doc.scan;
    let sentence = s.sentences[s.tokens[m.tokens.start].sentence].clone();
    // A capital that only opens a sentence, or a clause after a quotation, names no one
    // ("Speaking on Wednesday, the coach said:"); nor do days and months.
    let opens = |i: usize| i == sentence.start || matches!(s.tok(i.wrapping_sub(1)), "." | "”" | "\"" | ":" | "—");
    sentence
        .clone()
        .filter(|i| !(m.tokens.start.saturating_sub(1)..m.tokens.end + 1).contains(i) && !opens(*i))
        .map(|i| s.tok(i))
        .filter(|w| w.starts_with(|c: char| c.is_uppercase()) && !words::is_stop(w) && w.chars().count() > 1)
        .filter(|w| scan::weekday(w).is_none() && scan::month(w).is_none())
        .map(words::stem)
        .collect()
}

/// Where two quotations are worded differently, each change on its own ("“best” where
/// the other has “better”"), once the ends where one quote simply stops earlier are set
/// aside; `None` when they agree where they overlap. (Joined into one, two changes read as
/// words neither quote has together.)
fn reworded(a: &[String], b: &[String]) -> Option<Vec<String>> {
    use ::similar::DiffTag;
    let ops = ::similar::capture_diff_slices(::similar::Algorithm::Myers, a, b);
    let first = ops.iter().position(|o| o.tag() == DiffTag::Equal)?;
    let last = ops.iter().rposition(|o| o.tag() == DiffTag::Equal)?;
    // Past the stretch both share, one quote may simply stop earlier (an insert or a
    // delete): not a rewording. Both going on with other words is one.
    let replaced = |o: &::similar::DiffOp| o.tag() == DiffTag::Replace;
    let (first, last) = (
        if first > 0 && replaced(&ops[first - 1]) { first - 1 } else { first },
        if last + 1 < ops.len() && replaced(&ops[last + 1]) { last + 1 } else { last },
    );
    let changes: Vec<String> = ops[first..=last]
        .iter()
        .filter_map(|op| {
            let (from, to) = (a[op.old_range()].join(" "), b[op.new_range()].join(" "));
            match op.tag() {
                DiffTag::Equal => None,
                DiffTag::Delete => Some(format!("“{from}”, which the other leaves out")),
                DiffTag::Insert => Some(format!("the other adds “{to}”")),
                DiffTag::Replace => Some(format!("“{from}” where the other has “{to}”")),
            }
        })
        .collect();
    (!changes.is_empty()).then_some(changes)
}

fn quote_conflicts(c: &Ctx<'_>, out: &mut Vec<Found>) {
    let items: Vec<_> = mentions(c).filter(|(_, _, m, _)| matches!(m.what, What::Quotation(_))).collect();
    let mut index = Index::default();
    for (i, (_, _, m, _)) in items.iter().enumerate() {
        if let What::Quotation(q) = &m.what {
            let distinct: HashSet<&str> = q.iter().map(String::as_str).collect();
            index.add_words("quote", i, distinct);
        }
    }
    index.pairs(|x, y| quote_pair(items[x], items[y], out));
}

fn quote_pair((at_a, a, ma, _): Item<'_>, (at_b, b, mb, _): Item<'_>, out: &mut Vec<Found>) {
    {
        let (What::Quotation(qa), What::Quotation(qb)) = (&ma.what, &mb.what) else { return };
        if at_a.0 == at_b.0 || (a.is_covered(ma) && b.is_covered(mb)) {
            return;
        }
        let sa: HashSet<&String> = qa.iter().collect();
        let sb: HashSet<&String> = qb.iter().collect();
        let shared = sa.intersection(&sb).count();
        let dice = 2.0 * shared as f32 / (sa.len() + sb.len()) as f32;
        if shared < 3 || dice < 0.5 {
            return;
        }
        let Some(changes) = reworded(qa, qb) else { return };
        let (speak_a, speak_b) = (speakers(a, ma), speakers(b, mb));
        if !speak_a.is_empty() && !speak_b.is_empty() && speak_a.is_disjoint(&speak_b) {
            return;
        }
        let note = changes.join("; ");
        let values = (qa.join(" "), qb.join(" "));
        out.push(Found {
            code: "quote-conflict",
            a: at_a,
            b: Some(at_b),
            score: dice * 10.0,
            values,
            why: Why::Pair(Some(note)),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_slips_in_figures() {
        let slip = |x: &str, y: &str| slipped(&significant(x), &significant(y));
        // Neighbours swapped, or one digit but the last, in three significant digits.
        assert!(slip("212", "221"));
        assert!(slip("4,612", "4,162"));
        assert!(slip("11.8", "12.8"));
        assert!(slip("14,331", "14,311"));
        // Two digits, round figures, a last digit, other lengths: common between two
        // figures chosen apart.
        assert!(!slip("43", "34"));
        assert!(!slip("500", "200"));
        assert!(!slip("4.2m", "4.7m"));
        assert!(!slip("3,747", "3,742"));
        assert!(!slip("1,180", "1,800"));
        assert!(!slip("212", "212"));
        assert_eq!(significant("0.045"), "45");
        assert!(mistyped_year(1961, 1971) && mistyped_year(1978, 1987) && !mistyped_year(1961, 1985));
    }
}
