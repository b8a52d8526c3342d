//! What the detectors look at: an article's text cut into tokens and sentences, and the
//! dates, weekdays, quantities and quotations found in it.
//!
//! Everything here is English newsroom prose as general grammar, not vocabulary of any
//! one story: month and weekday names, number words, currency signs, quote marks.

use std::ops::Range;

use super::words::is_stop;
use crate::model::date::Date;

/// A token of the text: a word, a number, or one symbol.
#[derive(Debug, Clone)]
pub struct Token {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// Which sentence it belongs to (index into [`Scan::sentences`]).
    pub sentence: usize,
    /// Which block (paragraph, list item) it belongs to.
    pub block: usize,
}

/// A text, tokenized.
#[derive(Debug)]
pub struct Scan<'a> {
    /// The text.
    pub text: &'a str,
    /// Its tokens, in order. White space is not a token.
    pub tokens: Vec<Token>,
    /// Each sentence's token range.
    pub sentences: Vec<Range<usize>>,
}

impl<'a> Scan<'a> {
    /// Tokenizes `text`; `breaks` are byte offsets where a block (paragraph, list item)
    /// ends, which always end a sentence.
    pub fn new(text: &'a str, breaks: &[usize]) -> Scan<'a> {
        let mut tokens = Vec::new();
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if c.is_whitespace() {
                continue;
            }
            let mut end = at + c.len_utf8();
            if c.is_alphanumeric() {
                // Words keep inner apostrophes; numbers keep inner `,` and `.` ("1,000.5").
                while let Some(&(i, n)) = chars.peek() {
                    // Blocks are joined without a space ("What now" + "As of" gives
                    // "What nowAs of"): a word ends where its block does.
                    if breaks.binary_search(&i).is_ok() {
                        break;
                    }
                    let inner = |next: Option<char>, ok: fn(char) -> bool| next.is_some_and(ok);
                    let rest = &text[i + n.len_utf8()..];
                    let next = rest.chars().next();
                    let keep = n.is_alphanumeric()
                        || ((n == '\'' || n == '’') && c.is_alphabetic() && inner(next, char::is_alphabetic))
                        || ((n == ',' || n == '.')
                            && text[at..i].chars().all(|d| d.is_ascii_digit() || d == ',' || d == '.')
                            && inner(next, |d| d.is_ascii_digit()));
                    if !keep {
                        break;
                    }
                    end = i + n.len_utf8();
                    chars.next();
                }
            }
            tokens.push(Token { range: at..end, sentence: 0, block: 0 });
        }
        let mut sentences = Vec::new();
        let mut start = 0;
        let mut next_break = breaks.iter().peekable();
        let mut block = 0;
        for i in 0..tokens.len() {
            let mut ends = false;
            while next_break.peek().is_some_and(|&&b| b <= tokens[i].range.start) {
                next_break.next();
                ends = i > start;
            }
            if ends {
                block += 1;
            }
            tokens[i].block = block;
            if ends {
                sentences.push(start..i);
                start = i;
            }
            if i > start && is_full_stop(text, &tokens, i) {
                sentences.push(start..i + 1);
                start = i + 1;
            }
        }
        if start < tokens.len() {
            sentences.push(start..tokens.len());
        }
        for (s, r) in sentences.iter().enumerate() {
            for t in &mut tokens[r.clone()] {
                t.sentence = s;
            }
        }
        Scan { text, tokens, sentences }
    }

    /// The text of token `i`.
    pub fn tok(&self, i: usize) -> &'a str {
        self.tokens.get(i).map_or("", |t| &self.text[t.range.clone()])
    }

    /// The byte range of tokens `r` (non-empty) in the text.
    pub fn span(&self, r: &Range<usize>) -> Range<usize> {
        self.tokens[r.start].range.start..self.tokens[r.end - 1].range.end
    }
}

/// Whether token `i` ends a sentence: `.`, `!` or `?` followed by a capital, a digit or
/// a quote mark, and not after an abbreviation or an initial.
fn is_full_stop(text: &str, tokens: &[Token], i: usize) -> bool {
    let t = &text[tokens[i].range.clone()];
    if !matches!(t, "." | "!" | "?") {
        return false;
    }
    let Some(next) = tokens.get(i + 1) else { return true };
    if next.range.start == tokens[i].range.end {
        return false;
    }
    let next = text[next.range.clone()].chars().next().unwrap_or(' ');
    if !(next.is_uppercase() || next.is_ascii_digit() || "\"“‘'".contains(next)) {
        return false;
    }
    let prev = if i > 0 { &text[tokens[i - 1].range.clone()] } else { "" };
    let initial = prev.chars().count() == 1 && prev.chars().all(char::is_uppercase);
    !(t == "." && (initial || month(prev).is_some() || ABBREVIATIONS.contains(&prev)))
}

const ABBREVIATIONS: &[&str] =
    &["Mr", "Mrs", "Ms", "Dr", "St", "Prof", "Gen", "Sen", "Rep", "Gov", "Inc", "Ltd", "Co", "No", "vs", "etc"];

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// The month (1–12) a capitalised word names: full names and the usual abbreviations.
pub fn month(word: &str) -> Option<u32> {
    if !word.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    let w = word.to_lowercase();
    let full = MONTHS.iter().position(|m| *m == w);
    let short = || match w.as_str() {
        "sept" => Some(8),
        _ if w.len() == 3 => MONTHS.iter().position(|m| m.starts_with(&w)),
        _ => None,
    };
    full.or_else(short).map(|i| i as u32 + 1)
}

/// The weekday (0 = Monday) a capitalised word names.
pub fn weekday(word: &str) -> Option<usize> {
    if !word.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    WEEKDAYS.iter().position(|d| d.eq_ignore_ascii_case(word))
}

/// The English name of weekday `d` (0 = Monday).
pub fn weekday_name(d: usize) -> &'static str {
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][d % 7]
}

/// A date as precise as the text gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// A calendar day.
    Day(Date),
    /// A month of a year.
    Month(i32, u32),
}

impl When {
    /// The first day it can be.
    pub fn first_day(self) -> Date {
        match self {
            When::Day(d) => d,
            When::Month(y, m) => Date::new(y, m, 1).unwrap_or(Date::EPOCH),
        }
    }

    /// Whether two dates cannot be the same day: compared at the precision both have.
    pub fn conflicts(self, other: When) -> bool {
        let ym = |w: When| match w {
            When::Day(d) => (d.year(), d.month()),
            When::Month(y, m) => (y, m),
        };
        match (self, other) {
            (When::Day(a), When::Day(b)) => a != b,
            _ => ym(self) != ym(other),
        }
    }

    /// Whether `day` falls within this date.
    pub fn contains(self, day: Date) -> bool {
        !self.conflicts(When::Day(day))
    }

    /// For ids: `2026-02-27` or `2025-10`.
    pub fn key(self) -> String {
        match self {
            When::Day(d) => d.to_string(),
            When::Month(y, m) => format!("{y:04}-{m:02}"),
        }
    }
}

/// What a mention is.
#[derive(Debug, Clone, PartialEq)]
pub enum What {
    /// A date; `weekday` when the text names one with it ("Tuesday, February 27").
    Date {
        /// The date.
        when: When,
        /// The weekday written with it, and its token.
        weekday: Option<(usize, usize)>,
    },
    /// A weekday on its own ("on Tuesday"), which only makes sense relative to the
    /// article's time.
    Weekday(usize),
    /// A number with a unit or currency ("$13 billion", "40 per cent", "300 jobs").
    Quantity {
        /// Its value, scale words applied; for a measure, in SI units (metres, kilograms,
        /// metres per second).
        value: f64,
        /// The unit: a currency code, `percent`, a measure (`length`, `mass`, `speed`),
        /// or the counted noun's stem.
        unit: String,
        /// Whether the text hedges it ("about", "more than").
        approximate: bool,
        /// The number as written, and its unit as written (`mph`, `km/h`, `foot`): a
        /// measure given in two units is compared converted, and the same number under
        /// two units is a likely unit slip.
        written: (f64, String),
    },
    /// A day counted from the article's own date ("yesterday": -1).
    Relative(i64),
    /// Words in quotation marks.
    Quotation(Vec<String>),
}

/// Something found in the text.
#[derive(Debug, Clone)]
pub struct Mention {
    /// Its tokens.
    pub tokens: Range<usize>,
    /// What it is.
    pub what: What,
}

/// Every mention in a scanned text, in order; dates without a year are not read.
pub fn mentions(s: &Scan<'_>) -> Vec<Mention> {
    mentions_in(s, None)
}

/// What a date written without a year ("Feb. 9", "2 June") is read in.
#[derive(Debug, Clone, Copy)]
pub enum Year {
    /// This year: the one an article's full dates give most.
    Of(i32),
    /// The year that puts it nearest this day, the article's own date: news dates what
    /// happened lately and what is coming soon, so "16 September" in an article of
    /// 3 March 2027 is the September before, not the one after.
    Near(Date),
}

impl Year {
    /// Month `m`, in this year: the nearest one's, for [`Year::Near`].
    fn month(self, m: u32) -> (i32, u32) {
        match self {
            Year::Of(y) => (y, m),
            Year::Near(p) => {
                // Months apart, nearest first; on a tie, the past.
                let at = |y: i32| i64::from(y) * 12 + i64::from(m) - (i64::from(p.year()) * 12 + i64::from(p.month()));
                let y = (p.year() - 1..=p.year() + 1).min_by_key(|y| (at(*y).abs(), at(*y) > 0)).unwrap_or(p.year());
                (y, m)
            }
        }
    }

    /// The day `d` of month `m`, in this year.
    fn day(self, m: u32, d: u32) -> Option<Date> {
        match self {
            Year::Of(y) => Date::new(y, m, d).ok(),
            Year::Near(p) => (p.year() - 1..=p.year() + 1)
                .filter_map(|y| Date::new(y, m, d).ok())
                // Nearest first; on a tie, the past.
                .min_by_key(|c| ((c.days_since_epoch() - p.days_since_epoch()).abs(), *c > p)),
        }
    }
}

/// Every mention in a scanned text, in order. A date written without a year ("Feb. 9",
/// "2 June") is read in `year`, when given.
pub fn mentions_in(s: &Scan<'_>, year: Option<Year>) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut i = 0;
    let n = s.tokens.len();
    while i < n {
        if let Some(days) = relative_day(s, i) {
            out.push(Mention { tokens: i..i + 1, what: What::Relative(days) });
            i += 1;
            continue;
        }
        if let Some((end, what)) = date_at(s, i, year) {
            out.push(Mention { tokens: i..end, what });
            i = end;
            continue;
        }
        let possessive = possessive(s.tok(i));
        if let Some(d) = weekday(possessive.unwrap_or(s.tok(i))) {
            let prev = s.tok(i.wrapping_sub(1)).to_lowercase();
            let same_sentence = i > 0 && s.tokens[i - 1].sentence == s.tokens[i].sentence;
            // "Monday night", "Tuesday morning": a day of this week too.
            // So is "Wednesday's meeting".
            let part = PARTS_OF_DAY.contains(&s.tok(i + 1).to_lowercase().as_str()) || possessive.is_some();
            if (same_sentence && (RELATIVE.contains(&prev.as_str()) || after_verb(s, i))) || part {
                out.push(Mention { tokens: i..i + 1, what: What::Weekday(d) });
            }
            i += 1;
            continue;
        }
        if let Some((end, what)) = quantity_at(s, i) {
            out.push(Mention { tokens: i..end, what });
            i = end;
            continue;
        }
        i += 1;
    }
    drop_conversions(s, &mut out);
    out.extend(quotations(s));
    out.sort_by_key(|m| (m.tokens.start, m.tokens.end));
    out
}

/// Drops the quantities that convert the one before them, in parentheses ("2.5 miles
/// (about 4 kilometers)", "€14.2bn ($15.3bn)"): the same figure, not one of its own.
fn drop_conversions(s: &Scan<'_>, out: &mut Vec<Mention>) {
    let unit = |m: &Mention| match &m.what {
        What::Quantity { unit, .. } => Some(if is_money(unit) { "money" } else { unit.as_str() }.to_string()),
        _ => None,
    };
    let mut keep = vec![true; out.len()];
    for k in 1..out.len() {
        let (before, m) = (&out[k - 1], &out[k]);
        // Between them: the thing measured, at most two words ("march"), then "(" and
        // maybe a hedge ("about").
        let between = (before.tokens.end..m.tokens.start).map(|i| s.tok(i)).collect::<Vec<_>>();
        let aside = between.iter().position(|w| *w == "(").is_some_and(|p| {
            p <= 2
                && between[..p].iter().all(|w| w.chars().all(char::is_alphabetic))
                && between[p + 1..].iter().all(|w| HEDGES.contains(&w.to_lowercase().as_str()))
        });
        if aside && unit(before).is_some() && unit(before) == unit(m) {
            keep[k] = false;
        }
    }
    let mut keep = keep.into_iter();
    out.retain(|_| keep.next().unwrap_or(true));
}

/// A day named relative to the article's own date: "yesterday" (-1). Not "today", which
/// news uses loosely ("today's economy").
fn relative_day(s: &Scan<'_>, i: usize) -> Option<i64> {
    let t = s.tok(i);
    possessive(t).unwrap_or(t).eq_ignore_ascii_case("yesterday").then_some(-1)
}

/// A word without its possessive `'s` ("Wednesday's" gives "Wednesday"), if it has one.
fn possessive(t: &str) -> Option<&str> {
    t.strip_suffix("'s").or_else(|| t.strip_suffix("’s"))
}

/// Words before a month alone that make it a date ("in June", "back in May"): read in
/// the article's year, as a month.
const MONTH_ALONE: &[&str] = &["in", "since", "until", "till", "by", "last", "early", "late", "mid", "during"];

/// Words after a weekday that make it a day of this week ("Monday night").
const PARTS_OF_DAY: &[&str] = &["night", "morning", "afternoon", "evening", "overnight"];

/// Verbs in the past tense that are not made with "-ed", as news writes them before a
/// day without "on" ("fell Tuesday", "met Friday").
const PAST: &[&str] = &[
    "said", "told", "wrote", "met", "began", "fell", "rose", "won", "lost", "held", "took", "gave", "sent", "left",
    "came", "went", "made", "sold", "paid", "struck", "sank", "hit", "broke", "spoke", "ran", "quit", "flew",
];

/// Whether the weekday at token `i` follows a verb in the past tense without "on", as
/// American news dates what happened ("a report published Monday", "shares fell
/// Tuesday"), and is not itself an adjective before a noun ("the postponed Monday
/// session").
fn after_verb(s: &Scan<'_>, i: usize) -> bool {
    let prev = s.tok(i.wrapping_sub(1));
    let next = s.tok(i + 1);
    let past = prev.starts_with(|c: char| c.is_lowercase())
        && ((prev.len() > 4 && prev.ends_with("ed")) || PAST.contains(&prev));
    let noun_next = next.starts_with(|c: char| c.is_lowercase()) && !is_stop(next);
    past && !noun_next
}

/// Words before a weekday that make it a day of this week ("on Tuesday", "last Friday").
const RELATIVE: &[&str] = &["on", "last", "this", "next", "since", "until", "till", "by", "early", "late", "from"];

fn day_number(t: &str) -> Option<u32> {
    let digits = t.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &t[digits.len()..];
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !matches!(suffix, "" | "st" | "nd" | "rd" | "th") {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

/// Ordinal words for the days of a month, as transcripts and formal prose write them
/// ("the fourteenth of November", "March the twentieth"); the twenties and thirties add
/// a unit ("twenty-first").
const ORDINALS: &[&str] = &[
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
];

/// A day of the month at token `j`, in digits ("14", "14th") or in words ("fourteenth",
/// "twenty-first", "twenty first"): the token after it and the day.
fn day_at(s: &Scan<'_>, j: usize) -> Option<(usize, u32)> {
    if let Some(d) = day_number(s.tok(j)) {
        return Some((j + 1, d));
    }
    let ordinal = |t: &str| ORDINALS.iter().position(|o| t.eq_ignore_ascii_case(o)).map(|p| p as u32 + 1);
    let t = s.tok(j).to_lowercase();
    match t.as_str() {
        "twentieth" => Some((j + 1, 20)),
        "thirtieth" => Some((j + 1, 30)),
        "twenty" | "thirty" => {
            let tens = if t == "twenty" { 20 } else { 30 };
            let k = if s.tok(j + 1) == "-" { j + 2 } else { j + 1 };
            let d = tens + ordinal(s.tok(k)).filter(|u| *u < 10)?;
            (d <= 31).then_some((k + 1, d))
        }
        _ => ordinal(&t).map(|d| (j + 1, d)),
    }
}

fn year_number(t: &str) -> Option<i32> {
    (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse().ok())
        .flatten()
        .filter(|y| (1000..=2999).contains(y))
}

/// A date starting at token `i`: an optional weekday, then "Month D, YYYY", "D Month
/// YYYY", "Month YYYY" or "YYYY-MM-DD"; "Month D" and "D Month" in `year` when given.
/// Returns the end token and the date.
fn date_at(s: &Scan<'_>, i: usize, year: Option<Year>) -> Option<(usize, What)> {
    let mut j = i;
    let mut wd = None;
    if let Some(d) = weekday(s.tok(j)) {
        wd = Some((d, j));
        j += 1;
        if s.tok(j) == "," {
            j += 1;
        }
    }
    let skip = |k: usize, t: &str| if s.tok(k) == t { k + 1 } else { k };
    let found: Option<(usize, When)> = (|| {
        if let Some(m) = month(s.tok(j)) {
            let k = skip(j + 1, ".");
            // A day in words after its month ("March the twentieth", "November
            // fourteenth") ends its clause or comes before the year: in "in March the
            // first shipment arrived", "first" is no day.
            let words = |k: usize| {
                day_at(s, k).filter(|(after, _)| {
                    day_number(s.tok(k)).is_some() || !s.tok(*after).starts_with(|c: char| c.is_lowercase())
                })
            };
            if let Some((after, d)) = words(k).or_else(|| if s.tok(k) == "the" { words(k + 1) } else { None }) {
                let k2 = skip(after, ",");
                return match year_number(s.tok(k2)) {
                    Some(y) => Some((k2 + 1, When::Day(Date::new(y, m, d).ok()?))),
                    None => Some((after, When::Day(year?.day(m, d)?))),
                };
            }
            let k = skip(skip(k, ","), "of");
            let Some(y) = year_number(s.tok(k)) else {
                let alone = wd.is_none() && MONTH_ALONE.contains(&s.tok(j.wrapping_sub(1)).to_lowercase().as_str());
                let (y, m) = year.filter(|_| alone)?.month(m);
                return Some((j + 1, When::Month(y, m)));
            };
            return Some((k + 1, When::Month(y, m)));
        }
        if let Some((after, d)) = day_at(s, j) {
            // In words, the day needs its "of" ("the fourteenth of November"): "the first
            // May Day rally" holds no date.
            if day_number(s.tok(j)).is_none() && s.tok(after) != "of" {
                return None;
            }
            let k = skip(skip(after, "the"), "of");
            let m = month(s.tok(k))?;
            // "28 Sept." keeps its abbreviation's dot; "2 June." ends a sentence.
            let k1 = if MONTHS.contains(&s.tok(k).to_lowercase().as_str()) { k + 1 } else { skip(k + 1, ".") };
            let k2 = skip(k1, ",");
            return match year_number(s.tok(k2)) {
                Some(y) => Some((k2 + 1, When::Day(Date::new(y, m, d).ok()?))),
                None => Some((k1, When::Day(year?.day(m, d)?))),
            };
        }
        if let Some(y) = year_number(s.tok(j))
            && s.tok(j + 1) == "-"
            && s.tok(j + 3) == "-"
            && s.tokens.get(j + 4).is_some_and(|t| t.range.start == s.tokens[j + 3].range.end)
        {
            let (m, d) = (s.tok(j + 2), s.tok(j + 4));
            if m.len() == 2 && d.len() == 2 {
                let date = Date::new(y, m.parse().ok()?, d.parse().ok()?).ok()?;
                return Some((j + 5, When::Day(date)));
            }
        }
        None
    })();
    let (end, when) = found?;
    Some((end, What::Date { when, weekday: wd }))
}

const UNITS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: &[&str] = &["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

fn number_word(w: &str) -> Option<f64> {
    let w = w.to_lowercase();
    UNITS
        .iter()
        .position(|u| *u == w)
        .or_else(|| TENS.iter().position(|t| !t.is_empty() && *t == w).map(|t| t * 10))
        .map(|v| v as f64)
}

fn scale(w: &str) -> Option<f64> {
    match w.to_lowercase().as_str() {
        "hundred" => Some(1e2),
        "thousand" => Some(1e3),
        "million" | "mn" => Some(1e6),
        "billion" | "bn" => Some(1e9),
        "trillion" | "tn" => Some(1e12),
        _ => None,
    }
}

fn currency_sign(t: &str) -> Option<&'static str> {
    match t {
        "$" => Some("USD"),
        "€" => Some("EUR"),
        "£" => Some("GBP"),
        "¥" => Some("JPY"),
        "₹" => Some("INR"),
        _ => None,
    }
}

/// A share price in pence, as British papers write it: "412p".
fn pence(t: &str) -> Option<f64> {
    let d = t.strip_suffix('p').filter(|d| d.starts_with(|c: char| c.is_ascii_digit()))?;
    d.replace(',', "").parse().ok()
}

/// Whether a quantity's unit is money: a currency, or pence.
pub fn is_money(unit: &str) -> bool {
    matches!(unit, "USD" | "EUR" | "GBP" | "JPY" | "INR" | "pence")
}

fn currency_word(w: &str) -> Option<&'static str> {
    match w.to_lowercase().as_str() {
        "dollar" | "dollars" | "usd" => Some("USD"),
        "euro" | "euros" | "eur" => Some("EUR"),
        "pound" | "pounds" | "gbp" => Some("GBP"),
        "yen" | "jpy" => Some("JPY"),
        "rupee" | "rupees" | "inr" => Some("INR"),
        _ => None,
    }
}

/// Hedges before a number: the text does not claim an exact figure.
const HEDGES: &[&str] = &[
    "about",
    "around",
    "nearly",
    "almost",
    "roughly",
    "some",
    "approximately",
    "over",
    "under",
    "least",
    "than",
    "up",
    "to",
    "estimated",
    "~",
];

/// Words after a tally that make it one ("an 8-5 vote", "a 5-4 ruling").
const TALLY_NOUNS: &[&str] = &[
    "vote", "votes", "decision", "ruling", "verdict", "split", "majority", "win", "victory", "defeat", "loss", "draw",
];

/// Verbs before a tally that make it one ("passed 9-4", "won 3-1").
const TALLY_VERBS: &[&str] = &[
    "voted", "passed", "approved", "adopted", "rejected", "defeated", "won", "lost", "beat", "drew", "ruled",
    "finished", "ended",
];

/// The value a tally is kept as: its two counts, one in the thousandths (votes and
/// scores are small); compared only for equality (see the detectors).
pub fn tally_value(x: u32, y: u32) -> f64 {
    f64::from(x) + f64::from(y) / 1000.0
}

/// A tally of votes or a score at token `i`: two whole numbers joined by a dash, after a
/// verb of voting or winning or before a noun of one ("passed 9-4", "an 8-5 vote", "won
/// 3-1"). Its unit is `tally`.
fn tally_at(s: &Scan<'_>, i: usize) -> Option<(usize, What)> {
    let small =
        |t: &str| (t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse::<u32>().ok()).flatten();
    let joined = |k: usize| {
        s.tokens.get(k).zip(s.tokens.get(k.wrapping_sub(1))).is_some_and(|(a, b)| a.range.start == b.range.end)
    };
    let (x, y) = (small(s.tok(i))?, small(s.tok(i + 2))?);
    if !matches!(s.tok(i + 1), "-" | "–") || !joined(i + 1) || !joined(i + 2) {
        return None;
    }
    let before = TALLY_VERBS.contains(&s.tok(i.wrapping_sub(1)).to_lowercase().as_str());
    let after = TALLY_NOUNS.contains(&s.tok(i + 3).to_lowercase().as_str());
    if !before && !after {
        return None;
    }
    let end = if after { i + 4 } else { i + 3 };
    let value = tally_value(x, y);
    let written = (value, "tally".to_string());
    Some((end, What::Quantity { value, unit: "tally".into(), approximate: false, written }))
}

/// Whether token `k`, just before a figure, hedges it: "about", "more than", "up to";
/// not the "to" of a verb ("rises to $621 million" is exact).
fn hedged_by(s: &Scan<'_>, k: usize) -> bool {
    match s.tok(k).to_lowercase().as_str() {
        "to" => k > 0 && s.tok(k - 1).eq_ignore_ascii_case("up"),
        "up" => false,
        w => HEDGES.contains(&w),
    }
}

/// A quantity starting at token `i` (a currency sign, a number or number word, a scale
/// word, a unit). Returns its end token and value. Bare numbers and years are not
/// quantities: without a unit there is nothing to say they measure the same thing.
fn quantity_at(s: &Scan<'_>, i: usize) -> Option<(usize, What)> {
    if let Some(age) = age_after_name(s, i) {
        return Some(age);
    }
    if let Some(tally) = tally_at(s, i) {
        return Some(tally);
    }
    let mut j = i;
    let mut unit: Option<String> = currency_sign(s.tok(j)).map(str::to_string);
    if unit.is_some() {
        j += 1;
    }
    let t = s.tok(j);
    let hedge = i > 0 && hedged_by(s, i - 1);
    if unit.is_none()
        && let Some(value) = pence(t)
    {
        let written = (value, "pence".to_string());
        return Some((j + 1, What::Quantity { value, unit: "pence".into(), approximate: hedge, written }));
    }
    let (next, mut value, suffix) = number_at(s, j)?;
    let is_year = year_number(t).is_some() && unit.is_none();
    j = next;
    let joined = |k: usize| s.tokens.get(k).zip(s.tokens.get(k - 1)).is_some_and(|(a, b)| a.range.start == b.range.end);
    // A scale in a compound adjective: "a $184-million subsidy", "the $4.91-billion budget".
    if s.tok(j) == "-" && joined(j) && joined(j + 1) && scale(s.tok(j + 1)).is_some() {
        j += 1;
    }
    // A range ("40-50 people", "between 40 and 50", "40 to 50"): its middle, hedged.
    let mut ranged = false;
    let between = s.tok(i.wrapping_sub(1)).eq_ignore_ascii_case("between");
    let from = s.tok(i.wrapping_sub(1)).eq_ignore_ascii_case("from");
    let dash = matches!(s.tok(j), "-" | "–" | "—");
    if (dash || (s.tok(j) == "to" && !from) || (between && s.tok(j) == "and"))
        && let Some(upper) = plain_number(s.tok(j + 1))
        && upper > value
    {
        value = (value + upper) / 2.0;
        ranged = true;
        j += 2;
    }
    value *= suffix;
    let mut scaled = suffix > 1.0;
    while let Some(f) = scale(s.tok(j)) {
        value *= f;
        scaled = true;
        j += 1;
        // "one hundred and twenty", "twelve thousand four hundred"
        let and = usize::from(s.tok(j) == "and");
        if let Some((next, more, _)) = number_at(s, j + and).filter(|_| number_word(s.tok(j + and)).is_some()) {
            let (more, next) = match scale(s.tok(next)).filter(|g| *g < f) {
                Some(g) => (more * g, next + 1),
                None => (more, next),
            };
            if more < f {
                value += more;
                j = next;
            }
        }
    }
    // A compound adjective: "a 12-year term", "the 1,340-pound bell".
    if unit.is_none() && s.tok(j) == "-" && joined(j) && joined(j + 1) && s.tok(j + 1).chars().all(char::is_alphabetic)
    {
        j += 1;
    }
    let hedged = ranged || hedge;
    // An age: "a 41-year-old man", "who is 43 years old".
    if let Some(end) = years_old(s, j).filter(|_| unit.is_none() && !scaled) {
        let written = (value, "age".to_string());
        return Some((end, What::Quantity { value, unit: "age".into(), approximate: hedged, written }));
    }
    let money = scaled && s.tok(j).to_lowercase().starts_with("pound");
    if unit.is_none()
        && !money
        && let Some((end, measure)) = measure_at(s, j, value)
    {
        let (value, unit, written) = measure;
        return Some((end, What::Quantity { value, unit: unit.to_string(), approximate: hedged, written }));
    }
    if unit.is_none()
        && let Some((u, next)) = unit_word(s, i, j, scaled, is_year)
    {
        unit = Some(u);
        j = next;
    }
    let mut unit = unit?;
    // A rate is its own unit: "miles per hour", "$5 per share".
    let rate = s.tok(j + 1);
    if s.tok(j).eq_ignore_ascii_case("per")
        && !rate.is_empty()
        && rate.chars().all(char::is_alphabetic)
        && !rate.eq_ignore_ascii_case("cent")
    {
        unit = format!("{unit}/{}", super::words::stem(rate));
        j += 2;
    }
    let written = (value, unit.clone());
    Some((j, What::Quantity { value, unit, approximate: hedged, written }))
}

/// The end of "year-old" or "years old" starting at token `j` (after a number, or after
/// the hyphen of "41-year-old"), if it is there.
fn years_old(s: &Scan<'_>, j: usize) -> Option<usize> {
    let year = s.tok(j).to_lowercase();
    let old = |k: usize| s.tok(k).eq_ignore_ascii_case("old");
    match year.as_str() {
        "year" if s.tok(j + 1) == "-" && old(j + 2) => Some(j + 3),
        "years" | "year" if old(j + 1) => Some(j + 2),
        _ => None,
    }
}

/// An age written as newsrooms write it, between commas after a name: "Darren Pike, 43,
/// of Brindham". A whole number under 120, after a comma that follows a capitalised word,
/// and followed by a comma.
fn age_after_name(s: &Scan<'_>, i: usize) -> Option<(usize, What)> {
    let t = s.tok(i);
    if i < 2 || s.tok(i - 1) != "," || s.tok(i + 1) != "," || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let name = s.tok(i - 2);
    let same_sentence = s.tokens[i - 2].sentence == s.tokens[i].sentence;
    let dated = month(name).is_some() || weekday(name).is_some();
    if !same_sentence || !name.starts_with(|c: char| c.is_uppercase()) || super::words::is_stop(name) || dated {
        return None;
    }
    let value: f64 = t.parse().ok().filter(|v| (1.0..120.0).contains(v))?;
    let written = (value, "age".to_string());
    Some((i + 1, What::Quantity { value, unit: "age".into(), approximate: false, written }))
}

/// The unit written after a number that ends at token `j` (the quantity began at `i`):
/// a currency word, percent, or the counted noun. Returns it and the token after it.
fn unit_word(s: &Scan<'_>, i: usize, j: usize, scaled: bool, is_year: bool) -> Option<(String, usize)> {
    let w = s.tok(j);
    // "13 billion pounds" is money; "1,340 pounds" a weight (a measure, read before).
    if let Some(c) = currency_word(w).filter(|_| scaled || !w.to_lowercase().starts_with("pound")) {
        return Some((c.to_string(), j + 1));
    }
    if w == "%" || w.eq_ignore_ascii_case("percent") {
        return Some(("percent".into(), j + 1));
    }
    if w.eq_ignore_ascii_case("per") && s.tok(j + 1).eq_ignore_ascii_case("cent") {
        return Some(("percent".into(), j + 2));
    }
    let counted = !is_year
        && w.chars().all(char::is_lowercase)
        && w.chars().count() > 2
        && !super::words::is_stop(w)
        && s.tokens.get(j).is_some_and(|t| t.sentence == s.tokens[i].sentence);
    // Heads counted under other names are one count: "1,150 staff", "1,510 people".
    let heads = matches!(w, "staff" | "staffers" | "employees" | "workers" | "personnel" | "people" | "persons");
    counted.then(|| (if heads { "people".to_string() } else { super::words::stem(w) }, j + 1))
}

/// The number at token `j`, in digits ("1,340", "13bn": its scale apart) or words
/// ("twenty-five"): the token after it, its value, and the scale written onto it.
fn number_at(s: &Scan<'_>, j: usize) -> Option<(usize, f64, f64)> {
    let t = s.tok(j);
    if t.starts_with(|c: char| c.is_ascii_digit()) {
        let digits = t.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        if !digits.bytes().all(|b| b.is_ascii_digit() || b == b',' || b == b'.') {
            return None;
        }
        let suffix = if digits.len() < t.len() { short_scale(&t[digits.len()..])? } else { 1.0 };
        return Some((j + 1, digits.replace(',', "").parse::<f64>().ok()?, suffix));
    }
    let v = number_word(t)?;
    // "twenty-five", and "twenty five"
    if v >= 20.0
        && s.tok(j + 1) == "-"
        && let Some(u) = number_word(s.tok(j + 2)).filter(|u| *u < 10.0)
    {
        return Some((j + 3, v + u, 1.0));
    }
    if v >= 20.0
        && let Some(u) = number_word(s.tok(j + 1)).filter(|u| *u < 10.0 && *u > 0.0)
    {
        return Some((j + 2, v + u, 1.0));
    }
    Some((j + 1, v, 1.0))
}

/// A number in digits or words, for the top of a range.
fn plain_number(t: &str) -> Option<f64> {
    match t.starts_with(|c: char| c.is_ascii_digit()) {
        true => t.replace(',', "").parse().ok(),
        false => number_word(t),
    }
}

/// A scale written onto a number: "13bn", "4.5m", "20k".
fn short_scale(s: &str) -> Option<f64> {
    match s.to_lowercase().as_str() {
        "k" => Some(1e3),
        "m" | "mn" => Some(1e6),
        "bn" | "b" => Some(1e9),
        "tn" => Some(1e12),
        _ => None,
    }
}

/// What a measure reads as: its value in SI units (°C for temperatures), its dimension,
/// and the number and unit as written.
type Measure = (f64, &'static str, (f64, String));

/// A unit of measure at token `j` ("km/h", "mph", "feet", "kilograms", "miles per
/// hour") after `number`: its end token and the measure.
fn measure_at(s: &Scan<'_>, j: usize, number: f64) -> Option<(usize, Measure)> {
    let w = s.tok(j).to_lowercase();
    // Degrees: compared in Celsius.
    if w == "°" || w == "degrees" {
        let scale = s.tok(j + 1);
        // "rose 2 °C", "by 3.6 °F": a change of temperature, converted without the offset.
        let before = s.tok(j.saturating_sub(2)).to_lowercase();
        let change =
            ["by", "rose", "fell", "risen", "fallen", "dropped", "climbed", "up", "down"].contains(&before.as_str());
        let celsius = match scale {
            "C" | "Celsius" | "celsius" => number,
            "F" | "Fahrenheit" | "fahrenheit" if change => number * 5.0 / 9.0,
            "F" | "Fahrenheit" | "fahrenheit" => (number - 32.0) * 5.0 / 9.0,
            _ => return None,
        };
        let name = if scale.starts_with(['C', 'c']) { "°C" } else { "°F" };
        let unit = if change { "temperature change" } else { "temperature" };
        return Some((j + 2, (celsius, unit, (number, name.to_string()))));
    }
    let per_hour = s.tok(j + 1).eq_ignore_ascii_case("per") && s.tok(j + 2).eq_ignore_ascii_case("hour");
    let slash_h = s.tok(j + 1) == "/" && s.tok(j + 2).eq_ignore_ascii_case("h");
    let (dimension, factor, name, end) = match w.as_str() {
        "mph" => ("speed", 0.44704, "mph", j + 1),
        "kph" | "kmh" => ("speed", 1.0 / 3.6, "km/h", j + 1),
        "km" if slash_h => ("speed", 1.0 / 3.6, "km/h", j + 3),
        "mile" | "miles" if per_hour => ("speed", 0.44704, "mph", j + 3),
        "kilometre" | "kilometres" | "kilometer" | "kilometers" if per_hour => ("speed", 1.0 / 3.6, "km/h", j + 3),
        "knot" | "knots" => ("speed", 0.514444, "knot", j + 1),
        "km" | "kilometre" | "kilometres" | "kilometer" | "kilometers" => ("length", 1000.0, "km", j + 1),
        "mile" | "miles" => ("length", 1609.344, "mile", j + 1),
        "m" | "metre" | "metres" | "meter" | "meters" => ("length", 1.0, "metre", j + 1),
        "ft" | "foot" | "feet" => ("length", 0.3048, "foot", j + 1),
        "kg" | "kilogram" | "kilograms" | "kilo" | "kilos" => ("mass", 1.0, "kg", j + 1),
        "lb" | "lbs" | "pound" | "pounds" => ("mass", 0.453_592_37, "lb", j + 1),
        "tonne" | "tonnes" => ("mass", 1000.0, "tonne", j + 1),
        // Volumes, in litres; a gallon is the US one unless the text says imperial.
        "l" if s.tok(j) == "L" => ("volume", 1.0, "litre", j + 1),
        "litre" | "litres" | "liter" | "liters" => ("volume", 1.0, "litre", j + 1),
        "ml" | "millilitre" | "millilitres" | "milliliter" | "milliliters" => ("volume", 0.001, "ml", j + 1),
        "gallon" | "gallons" => ("volume", 3.785_411_784, "gallon", j + 1),
        "imperial" if s.tok(j + 1).to_lowercase().starts_with("gallon") => {
            ("volume", 4.546_09, "imperial gallon", j + 2)
        }
        "cubic" if ["metre", "metres", "meter", "meters"].contains(&s.tok(j + 1).to_lowercase().as_str()) => {
            ("volume", 1000.0, "cubic metre", j + 2)
        }
        _ => return None,
    };
    Some((end, (number * factor, dimension, (number, name.to_string()))))
}

/// Quotations of three words or more, within one paragraph: curly pairs, or straight
/// double quotes taken two by two.
/// A word with its contraction spelled out ("I'm" is "i am", "don't" "do not"): two
/// outlets transcribing one sentence differ in these, and the words are the same.
fn uncontracted(w: &str) -> Vec<String> {
    let w = w.replace('’', "'");
    let split = |stem: &str, tail: &str| vec![stem.to_string(), tail.to_string()];
    match w.as_str() {
        "won't" => return split("will", "not"),
        "can't" => return split("can", "not"),
        "let's" => return split("let", "us"),
        _ => {}
    }
    let tails = [("n't", "not"), ("'m", "am"), ("'re", "are"), ("'ve", "have"), ("'ll", "will"), ("'d", "would")];
    for (end, full) in tails {
        if let Some(stem) = w.strip_suffix(end).filter(|s| !s.is_empty()) {
            return split(stem, full);
        }
    }
    // "it's", "he's", "that's": "is" (a possessive 's is left as it is).
    match w.strip_suffix("'s") {
        Some(stem @ ("it" | "he" | "she" | "that" | "there" | "what" | "who" | "here")) => split(stem, "is"),
        _ => vec![w],
    }
}

fn quotations(s: &Scan<'_>) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut straight: Option<usize> = None;
    for i in 0..s.tokens.len() {
        let t = s.tok(i);
        let close = |start: usize, out: &mut Vec<Mention>| {
            let words: Vec<String> = (start + 1..i)
                .map(|k| s.tok(k))
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .flat_map(|w| uncontracted(&w.to_lowercase()))
                .collect();
            if words.len() >= 3 {
                out.push(Mention { tokens: start + 1..i, what: What::Quotation(words) });
            }
        };
        match t {
            "“" => open = Some(i),
            "”" => {
                if let Some(start) = open.take() {
                    close(start, &mut out);
                }
            }
            "\"" => match straight.take() {
                Some(start) => close(start, &mut out),
                None => straight = Some(i),
            },
            _ => {}
        }
        // A quote never runs across paragraphs: a stray mark must not pair with one far
        // away.
        if s.tokens.get(i + 1).is_some_and(|n| n.block != s.tokens[i].block) {
            open = None;
            straight = None;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, What)> {
        let s = Scan::new(text, &[]);
        mentions(&s).into_iter().map(|m| (text[s.span(&m.tokens)].to_string(), m.what)).collect()
    }

    #[test]
    fn dates_in_their_usual_forms() {
        let d = |y, m, d| When::Day(Date::new(y, m, d).unwrap());
        let f = found("On February 27, 2026, and on 3rd of March 2026, in Oct. 2024 and by 2025-10-28.");
        let whens: Vec<When> = f
            .iter()
            .filter_map(|(_, w)| match w {
                What::Date { when, .. } => Some(*when),
                _ => None,
            })
            .collect();
        assert_eq!(whens, vec![d(2026, 2, 27), d(2026, 3, 3), When::Month(2024, 10), d(2025, 10, 28)]);
    }

    #[test]
    fn days_in_words() {
        let d = |y, m, d| When::Day(Date::new(y, m, d).unwrap());
        let whens = |text: &str| -> Vec<(String, When)> {
            found(text)
                .into_iter()
                .filter_map(|(t, w)| match w {
                    What::Date { when, .. } => Some((t, when)),
                    _ => None,
                })
                .collect()
        };
        let f = whens(
            "It failed on the fourteenth of November 2019, again on March the twentieth, 2026, and on \
             the twenty-first of June 2021 and November thirtieth, 2020.",
        );
        let f: Vec<When> = f.into_iter().map(|(_, w)| w).collect();
        assert_eq!(f, vec![d(2019, 11, 14), d(2026, 3, 20), d(2021, 6, 21), d(2020, 11, 30)]);
        // An ordinal that counts something is no day.
        let none = "The first May Day rally came in March the first time, and the second of three vessels \
                    sailed in June 2021.";
        assert_eq!(whens(none), vec![("June 2021".to_string(), When::Month(2021, 6))]);
    }

    #[test]
    fn a_weekday_after_a_past_verb_without_on() {
        let days: Vec<String> =
            found("A report published Monday said shares fell Tuesday. The postponed Friday session met later.")
                .into_iter()
                .filter(|(_, w)| matches!(w, What::Weekday(_)))
                .map(|(t, _)| t)
                .collect();
        assert_eq!(days, vec!["Monday", "Tuesday"]);
    }

    #[test]
    fn weekday_with_a_date_and_alone() {
        let f = found("It was Tuesday, February 27, 2026. The board met on Friday. Tuesday Group rose.");
        assert!(matches!(f[0].1, What::Date { weekday: Some((1, 2)), .. }), "{f:?}");
        assert_eq!(f[1], ("Friday".to_string(), What::Weekday(4)));
        assert_eq!(f.len(), 2, "a weekday opening a name is not a date: {f:?}");
    }

    #[test]
    fn quantities_need_a_unit() {
        let q: Vec<(f64, String, bool)> =
            quantities("It paid $13 billion, more than thirteen billion dollars, 40 per cent, 300 jobs in 2019 and 7.")
                .into_iter()
                .map(|(v, u, h, _)| (v, u, h))
                .collect();
        assert_eq!(
            q,
            vec![
                (13e9, "USD".to_string(), false),
                (13e9, "USD".to_string(), true),
                (40.0, "percent".to_string(), false),
                (300.0, "job".to_string(), false),
            ]
        );
    }

    #[test]
    fn a_scale_in_a_compound_adjective() {
        let q: Vec<(f64, String)> = quantities(
            "A $184-million subsidy, the $4.91-billion budget and a $40-million draw, ranging 40-50 people.",
        )
        .into_iter()
        .map(|(v, u, ..)| (v, u))
        .collect();
        let usd = |v: f64| (v, "USD".to_string());
        assert_eq!(q, vec![usd(184e6), usd(4.91e9), usd(40e6), (45.0, "people".to_string())]);
    }

    #[test]
    fn tallies_of_votes_and_scores() {
        let q: Vec<(f64, String)> =
            quantities("It passed 9-4, after an 8-5 vote and a 4-5 ruling; they won 3-1; 40-50 people came.")
                .into_iter()
                .map(|(v, u, ..)| (v, u))
                .collect();
        let tally = |x, y| (tally_value(x, y), "tally".to_string());
        assert_eq!(q, vec![tally(9, 4), tally(8, 5), tally(4, 5), tally(3, 1), (45.0, "people".to_string())]);
    }

    #[test]
    fn the_to_of_a_verb_is_no_hedge() {
        let hedged: Vec<bool> =
            quantities("It rises to $621 million; up to 50 people came, about 30 jobs, up 40 percent.")
                .into_iter()
                .map(|(_, _, h, _)| h)
                .collect();
        assert_eq!(hedged, vec![false, true, true, false]);
    }

    /// Each quantity of `text`: (value, unit, hedged, the number and unit as written).
    fn quantities(text: &str) -> Vec<(f64, String, bool, String)> {
        found(text)
            .into_iter()
            .filter_map(|(_, w)| match w {
                What::Quantity { value, unit, approximate, written } => {
                    Some(((value * 1000.0).round() / 1000.0, unit, approximate, format!("{} {}", written.0, written.1)))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn broader_readers_of_numbers() {
        let q = quantities(
            "A $13bn deal, a £4.5m fee, a 1,340-pound bell, between 40 and 50 people, \
             40-50 people, one hundred and twenty jobs, twelve percent, and costs rose from 12 to 15 dollars.",
        );
        let got: Vec<(f64, &str, bool)> = q.iter().map(|(v, u, h, _)| (*v, u.as_str(), *h)).collect();
        assert_eq!(
            got,
            vec![
                (13e9, "USD", false),
                (4.5e6, "GBP", false),
                (607.814, "mass", false),
                (45.0, "people", true),
                (45.0, "people", true),
                (120.0, "job", false),
                (12.0, "percent", false),
                (15.0, "USD", false), // "rose … to 15 dollars" is exact
            ]
        );
    }

    #[test]
    fn ages_as_newsrooms_write_them() {
        let q = quantities(
            "Darren Pike, 43, of Brindham was charged; a 41-year-old man and a woman who is 34 years old were \
             released. On Monday, 12, the count, and Smith, 300, stayed; a 12-year term.",
        );
        let got: Vec<(f64, &str)> = q.iter().map(|(v, u, _, _)| (*v, u.as_str())).collect();
        assert_eq!(got, vec![(43.0, "age"), (41.0, "age"), (34.0, "age")]);
    }

    #[test]
    fn what_an_outside_review_found_unread() {
        let q = quantities(
            "Between 40 and 50 workers, 40–50 workers, twelve thousand four hundred bricks, twenty two boats, \
             2.8 million pounds, temperatures rose 3.6 °F.",
        );
        let got: Vec<(f64, &str)> = q.iter().map(|(v, u, _, _)| (*v, u.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (45.0, "people"),
                (45.0, "people"),
                (12400.0, "brick"),
                (22.0, "boat"),
                (2.8e6, "GBP"),
                (2.0, "temperature change"),
            ]
        );
        let text = "It opened on 2 June. Then it closed.";
        let s = Scan::new(text, &[]);
        let dated = mentions_in(&s, Some(Year::Of(2026)));
        assert_eq!(&text[s.span(&dated[0].tokens)], "2 June", "the sentence's full stop is not the date's");
    }

    #[test]
    fn measures_in_two_units_compare_converted() {
        let q = quantities(
            "Gusts of 130 km/h, or 81 mph; a 42-foot wall and 42 metres; 3,100 feet; 9 kilometres per hour; \
             68 °F and 20 °C; 2 miles; 5 kg.",
        );
        let got: Vec<(f64, &str, String)> = q.iter().map(|(v, u, _, w)| (*v, u.as_str(), w.clone())).collect();
        assert_eq!(
            got,
            vec![
                (36.111, "speed", "130 km/h".to_string()),
                (36.21, "speed", "81 mph".to_string()),
                (12.802, "length", "42 foot".to_string()),
                (42.0, "length", "42 metre".to_string()),
                (944.88, "length", "3100 foot".to_string()),
                (2.5, "speed", "9 km/h".to_string()),
                (20.0, "temperature", "68 °F".to_string()),
                (20.0, "temperature", "20 °C".to_string()),
                (3218.688, "length", "2 mile".to_string()),
                (5.0, "mass", "5 kg".to_string()),
            ]
        );
    }

    #[test]
    fn volumes_compare_in_litres() {
        let q = quantities(
            "9,500 litres, 9,500 gallons, 2,500 imperial gallons, 291 million gallons, 40 cubic metres, 250 ml.",
        );
        let got: Vec<(f64, &str, String)> =
            q.iter().map(|(v, u, _, w)| ((v * 10.0).round() / 10.0, u.as_str(), w.clone())).collect();
        assert_eq!(
            got,
            vec![
                (9500.0, "volume", "9500 litre".to_string()),
                (35961.4, "volume", "9500 gallon".to_string()),
                (11365.2, "volume", "2500 imperial gallon".to_string()),
                (1101554829.1, "volume", "291000000 gallon".to_string()),
                (40000.0, "volume", "40 cubic metre".to_string()),
                (0.3, "volume", "250 ml".to_string()),
            ]
        );
    }

    #[test]
    fn dates_without_a_year_take_the_article_year() {
        let text = "It was filed Sept. 28 and heard on 2 June, the 5th of May, and Jan. 5, 2025. Yesterday it closed.";
        let s = Scan::new(text, &[]);
        let got: Vec<String> = mentions_in(&s, Some(Year::Of(2026)))
            .into_iter()
            .map(|m| match m.what {
                What::Date { when, .. } => when.key(),
                What::Relative(d) => format!("{d} day"),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(got, ["2026-09-28", "2026-06-02", "2026-05-05", "2025-01-05", "-1 day"]);
        // With no year to take, only the full date is read.
        assert_eq!(mentions(&s).iter().filter(|m| matches!(m.what, What::Date { .. })).count(), 1);
    }

    #[test]
    fn a_rate_at_the_very_end_is_not_read_past() {
        // Found by the property test below: "per" as the last token.
        let f = found("It costs £13 per");
        assert!(matches!(f.as_slice(), [(_, What::Quantity { unit, .. })] if unit == "GBP"), "{f:?}");
    }

    #[test]
    fn quotations_of_three_words_or_more() {
        let f = found("She said “we will rebuild the bridge” and \"no comment\" then \"it is over now\".");
        let q: Vec<&str> = f.iter().filter(|(_, w)| matches!(w, What::Quotation(_))).map(|(t, _)| t.as_str()).collect();
        assert_eq!(q, vec!["we will rebuild the bridge", "it is over now"]);
    }

    #[test]
    fn sentences_end_at_full_stops_not_abbreviations() {
        let s = Scan::new("Mr. Smith left in Oct. 2024. He came back. 3.5 was the U.S. figure.", &[]);
        assert_eq!(s.sentences.len(), 3, "{:?}", s.sentences);
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;
    use crate::suggest::similar::{Context, Vocab};

    /// Pieces that exercise every pattern, and its edges.
    const PIECES: &[&str] = &[
        "Tuesday",
        "on",
        "Friday,",
        "February",
        "Feb.",
        "27,",
        "27th",
        "of",
        "2026",
        "2026-02-30",
        "2026-02-27",
        "May",
        "$",
        "£13",
        "13",
        "1,000.5",
        "billion",
        "per",
        "cent",
        "%",
        "jobs",
        "thirteen",
        "twenty",
        "-",
        "“",
        "”",
        "\"",
        "’",
        "'s",
        ",",
        ".",
        "which",
        "held,",
        "Line",
        "3",
        "\n\n",
        "é",
        "🙂",
        "Mr.",
        "U.S.",
        "99999999999999999999",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Any soup of date-like, number-like and quote-like pieces scans without panic,
        /// and every mention and its context lie inside the text.
        #[test]
        fn any_text_scans(picks in proptest::collection::vec(0..PIECES.len(), 0..60)) {
            let text = picks.iter().map(|&i| PIECES[i]).collect::<Vec<_>>().join(" ");
            let breaks: Vec<usize> = text.match_indices("\n\n").map(|(i, _)| i).collect();
            let s = Scan::new(&text, &breaks);
            let mut v = Vocab::default();
            v.add_scan(&s);
            for m in mentions(&s) {
                let r = s.span(&m.tokens);
                prop_assert!(r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                let _ = Context::around(&s, &m.tokens, &v, 3.0, true);
                let _ = Context::around(&s, &m.tokens, &v, 1.5, false);
            }
        }
    }
}
