//! The interface's language: every string a page shows that is not content, with plural
//! forms and long dates, from a locale table.
//!
//! A table is TOML (`themes/<theme>/locales/<language>.toml`), the format of everything
//! else an editor touches, so a site overrides any string in `briefing.toml`'s `[strings]`
//! in the same shape. Plural forms are chosen by CLDR's rules for the language
//! (`icu_plurals`, the Unicode Consortium's ICU4X: Russian's one/few/many and Arabic's six
//! forms are data, not code of ours). Dates are written by the table's own pattern and
//! month names: pages show days, never times or zones, so twelve names and a pattern are
//! all a language needs, and a newsroom adds one by writing a table, without a new build
//! of the program.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use icu_locale_core::Locale as LangId;
use icu_plurals::{PluralCategory, PluralRules};
use toml::Spanned;
use toml::de::DeValue;

use crate::model::date::Date;
use crate::model::diag::{Diagnostic, SourceFile};
use crate::model::tomlfile::{self, Fields, Table};

/// A string as a table writes it: its key, its text, and where the text is in its file.
pub type Entry = (String, Text, Range<usize>);

/// A string of the interface: one text, or one per CLDR plural category.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Text {
    /// The same whatever the count.
    One(String),
    /// By plural category (`zero`, `one`, `two`, `few`, `many`, `other`) or exact count
    /// (`=2`); `other` is always there.
    Plural(Vec<(String, String)>),
}

/// The interface's strings and date forms in one language.
#[derive(Debug, Clone)]
pub struct Locale {
    /// The language the pages are in (`language` in `briefing.toml`).
    pub language: String,
    /// `ltr` or `rtl`.
    pub dir: String,
    /// Whether a table for the language itself was found (English otherwise).
    pub own: bool,
    months: Vec<String>,
    weekdays: Vec<String>,
    /// The days of a month as dates write them (`1er`, `2`, …), when not as numbers.
    days: Vec<String>,
    date: String,
    strings: HashMap<String, Text>,
    plurals: Arc<Option<PluralRules>>,
}

/// The count, for `{n}` and `{count}`.
pub fn count(name: &str, n: Option<i64>) -> Option<String> {
    n.filter(|_| name == "n" || name == "count").map(|n| n.to_string())
}

/// The braces around a value's name in a string.
const BRACES: (char, char) = ('{', '}');

/// `template` with each `{name}` replaced by `value(name)`, in one pass: a value is never
/// read for braces of its own. A name with no value stays as written.
pub fn fill(template: &str, mut value: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find(BRACES.0) {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(BRACES.1).map(|close| (&after[..close], close)) {
            Some((name, close)) if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => {
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push(BRACES.0);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The default theme's English table: the base of every locale, so that a theme that
/// names fewer strings, or none, still has every one the program writes itself.
pub const ENGLISH: &str = include_str!("../../themes/default/locales/en.toml");

impl Default for Locale {
    /// English, from [`ENGLISH`].
    fn default() -> Self {
        static EN: std::sync::LazyLock<Locale> =
            std::sync::LazyLock::new(|| resolve("en", &[("en".to_string(), english().clone())], &[]).0);
        EN.clone()
    }
}

/// The built-in English table, read once: every build starts from it, and reading it
/// twice (for the default locale, then to resolve the site's) was 4% of the repository's
/// fresh build. The tests check that it reads without a diagnostic.
pub fn english() -> &'static Sheet {
    static SHEET: std::sync::LazyLock<Sheet> = std::sync::LazyLock::new(|| {
        read_table(&SourceFile::new("(built-in)/locales/en.toml", ENGLISH), &mut Vec::new())
    });
    &SHEET
}

/// Whether `text` already stands in quotation marks: it opens with one and closes with
/// one, which a full stop or comma may follow (as British usage has it). A passage quoted
/// from an article is often a quotation itself, and quoting it again showed ““…””. A
/// straight `'` is not taken for one: it opens and closes words too ('tis, students').
pub fn already_quoted(text: &str) -> bool {
    const OPEN: &[char] = &['“', '”', '„', '«', '»', '‘', '‚', '‹', '›', '"', '「', '『'];
    const CLOSE: &[char] = &['”', '“', '»', '«', '’', '‘', '›', '‹', '"', '」', '』'];
    let t = text.trim();
    let t = t.strip_suffix(['.', ',']).unwrap_or(t);
    let (Some(first), Some(last)) = (t.chars().next(), t.chars().next_back()) else { return false };
    // One quotation, not two ("“One” and “two”"): its marks do not close and open again
    // inside it.
    let inner = t.get(first.len_utf8()..t.len() - last.len_utf8()).unwrap_or("");
    t.chars().count() >= 2 && OPEN.contains(&first) && CLOSE.contains(&last) && !inner.contains([first, last])
}

/// `text` without the quotation marks it stands in (see [`already_quoted`]), a full stop
/// or comma after them kept: for a string that quotes its value itself (`claim-title`,
/// `{verdict}: “{claim}”`), so that a claim written as a quotation is quoted once.
pub fn unquoted(text: &str) -> String {
    if !already_quoted(text) {
        return text.to_string();
    }
    let t = text.trim();
    let (t, after) = match t.strip_suffix(['.', ',']) {
        Some(rest) => (rest, &t[rest.len()..]),
        None => (t, ""),
    };
    let mut inner = t.chars();
    inner.next();
    inner.next_back();
    // French sets its guillemets off with spaces, « comme ceci »: they go with the marks.
    format!("{}{after}", inner.as_str().trim_matches(|c: char| c.is_whitespace()))
}

/// The plural categories a table may use, as CLDR names them.
const CATEGORIES: &[&str] = &["zero", "one", "two", "few", "many", "other"];

impl Locale {
    /// String `key` for count `n` (if any), with `{name}` replaced by each argument and
    /// `{n}` (and `{count}`, unless an argument gives it) by the count; `None` if the table
    /// has no such string.
    pub fn text(&self, key: &str, n: Option<i64>, args: &[(&str, &str)]) -> Option<String> {
        let form = self.form(key, n)?;
        Some(fill(form, |name| {
            args.iter().find(|(a, _)| *a == name).map(|(_, v)| v.to_string()).or_else(|| count(name, n))
        }))
    }

    /// The form of string `key` for count `n`: by the exact count (`=2`), else by the
    /// count's plural category, else `other`.
    pub fn form(&self, key: &str, n: Option<i64>) -> Option<&str> {
        Some(match self.strings.get(key)? {
            Text::One(s) => s.as_str(),
            Text::Plural(forms) => {
                let n = n.unwrap_or(0);
                let (exact, category) = (format!("={n}"), self.category(n));
                let pick = forms
                    .iter()
                    .find(|(c, _)| *c == exact)
                    .or_else(|| forms.iter().find(|(c, _)| c == category))
                    .or_else(|| forms.iter().find(|(c, _)| c == "other"));
                pick.map_or("", |(_, s)| s.as_str())
            }
        })
    }

    /// `text` in the table's quotation marks (string `quote`), unless it already stands
    /// in some (see [`already_quoted`]).
    pub fn quote(&self, text: &str) -> String {
        if already_quoted(text) { text.to_string() } else { self.get("quote", None, &[("text", text)]) }
    }

    /// String `key`, or the key itself in brackets when the table lacks it (the tables
    /// shipped are tested to have every key the program asks for).
    pub fn get(&self, key: &str, n: Option<i64>, args: &[(&str, &str)]) -> String {
        self.text(key, n, args).unwrap_or_else(|| format!("[{key}]"))
    }

    fn category(&self, n: i64) -> &'static str {
        let Some(rules) = self.plurals.as_ref() else { return if n == 1 { "one" } else { "other" } };
        category_name(rules.category_for(n.unsigned_abs()))
    }

    /// `d` in the table's long form: `27 February 2026`, `27. Februar 2026`.
    pub fn date(&self, d: Date) -> String {
        let month = self.months.get(d.month() as usize - 1).map_or("", String::as_str);
        let day = self.days.get(d.day() as usize - 1).cloned().unwrap_or_else(|| d.day().to_string());
        let year = d.year().to_string();
        // Replaced in turn, a month's name could make or hide a name: with braces of its
        // own, or after a brace of the form's that opens no name (`{{month}}`, `year`).
        let in_turn = || self.date.replace("{day}", &day).replace("{month}", month).replace("{year}", &year);
        if month.contains(['{', '}']) {
            return in_turn();
        }
        // One pass over the form: three `replace` calls were 0.8% of a fresh build's
        // instructions at 2,000 claims (a date is written for every source and claim).
        let mut out = String::with_capacity(self.date.len() + month.len());
        let mut rest = self.date.as_str();
        while let Some(at) = rest.find('{') {
            out.push_str(&rest[..at]);
            rest = &rest[at..];
            let Some((name, value)) = [("{day}", day.as_str()), ("{month}", month), ("{year}", year.as_str())]
                .into_iter()
                .find(|(name, _)| rest.starts_with(name))
            else {
                return in_turn();
            };
            out.push_str(value);
            rest = &rest[name.len()..];
        }
        out.push_str(rest);
        out
    }

    /// `d`'s day of the week in the table's language.
    pub fn weekday(&self, d: Date) -> &str {
        self.weekdays.get(d.weekday_index()).map_or("", String::as_str)
    }

    /// What a page's fingerprint must cover: everything a string or date may come from.
    pub fn fingerprint(&self) -> u64 {
        let mut strings: Vec<(&String, &Text)> = self.strings.iter().collect();
        strings.sort_unstable_by_key(|(k, _)| *k);
        crate::stages::render::fingerprint::of(&(
            &self.language,
            &self.dir,
            &self.months,
            &self.days,
            &self.weekdays,
            &self.date,
            strings.iter().map(|(k, t)| (k, format!("{t:?}"))).collect::<Vec<_>>(),
        ))
    }
}

/// The text's forms: one, or one for each plural category.
fn forms(text: &Text) -> Vec<&str> {
    match text {
        Text::One(s) => vec![s],
        Text::Plural(forms) => forms.iter().map(|(_, s)| s.as_str()).collect(),
    }
}

/// Where in `form` a brace opens or closes no `{name}`, which [`fill`] would show as
/// written (`Checked on {date.`): every such brace, in order.
fn stray_braces(form: &str) -> Vec<usize> {
    let bytes = form.as_bytes();
    let (mut at, mut stray) = (0, Vec::new());
    while at < bytes.len() {
        match bytes[at] {
            b'{' => {
                let name = bytes[at + 1..].iter().position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'));
                match name {
                    Some(n) if n > 0 && bytes[at + 1 + n] == b'}' => at += n + 2,
                    _ => {
                        stray.push(at);
                        at += 1;
                    }
                }
            }
            b'}' => {
                stray.push(at);
                at += 1;
            }
            _ => at += 1,
        }
    }
    stray
}

/// Where byte `at` of `form` is written in the value at `value`, escapes and all: `None`
/// when no string of the value reads as `form` (a multi-line string, say).
fn in_value(file: &SourceFile, value: &Range<usize>, form: &str, at: usize) -> Option<Range<usize>> {
    let text = file.text.get(value.clone())?;
    if let Some(i) = text.find(form).filter(|_| !form.is_empty()) {
        return Some(value.start + i + at..value.start + i + at + 1);
    }
    // Each one-line basic string of the value, decoded with where each byte came from.
    let mut rest = 0;
    while let Some(open) = text[rest..].find('"').map(|i| rest + i) {
        let (decoded, from, close) = decode_basic(&text[open + 1..])?;
        if decoded == form {
            let raw = value.start + open + 1 + *from.get(at)?;
            return Some(raw..raw + 1);
        }
        rest = open + 1 + close + 1;
    }
    None
}

/// A TOML basic string's text up to its closing quote, decoded, with the offset in `raw`
/// each decoded byte came from, and where the closing quote is.
fn decode_basic(raw: &str) -> Option<(String, Vec<usize>, usize)> {
    let (mut out, mut from) = (String::new(), Vec::new());
    let mut chars = raw.char_indices();
    while let Some((i, c)) = chars.next() {
        let decoded = match c {
            '"' => return Some((out, from, i)),
            '\\' => match chars.next()?.1 {
                'b' => '\u{8}',
                't' => '\t',
                'n' => '\n',
                'f' => '\u{c}',
                'r' => '\r',
                'e' => '\u{1b}',
                '"' => '"',
                '\\' => '\\',
                u @ ('u' | 'U' | 'x') => {
                    let len = match u {
                        'u' => 4,
                        'U' => 8,
                        _ => 2,
                    };
                    let hex: String = (0..len).filter_map(|_| chars.next().map(|(_, h)| h)).collect();
                    char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
                }
                _ => return None,
            },
            c => c,
        };
        from.extend(std::iter::repeat_n(i, decoded.len_utf8()));
        out.push(decoded);
    }
    None
}

/// The `{names}` a text fills in.
fn names(text: &Text) -> Vec<String> {
    let forms = forms(text);
    let mut out = Vec::new();
    for form in forms {
        fill(form, |name| {
            if !out.iter().any(|n: &String| n == name) {
                out.push(name.to_string());
            }
            None
        });
    }
    out
}

/// Checks a table's strings (`entries`, in `file`) against `base`, the English strings: a
/// key neither in `base` nor named by a template (`used`) is a warning, as it does
/// nothing; a value a string fills in that its English never gives is an error, as it
/// would show as `{name}` on the page.
pub fn check(
    file: &SourceFile,
    entries: &[Entry],
    base: &Locale,
    used: &dyn Fn(&str) -> bool,
    diags: &mut Vec<Diagnostic>,
) {
    for (key, text, span) in entries {
        let Some(english) = base.strings.get(key) else {
            if !used(key) {
                let mut d = Diagnostic::warning("unknown-string", format!("no page uses a string named `{key}`")).at(
                    file,
                    name_span(file, span, key),
                    "this string is never shown",
                );
                let table_key = ["dir", "months", "weekdays", "days", "date"].contains(&key.as_str());
                d = match crate::model::tomlfile::nearest(key, base.strings.keys().map(String::as_str)) {
                    _ if table_key => d.help(format!(
                        "`{key}` is a setting of a whole locale table: write it at the top of locales/<language>.toml, before [strings]"
                    )),
                    Some(best) => d.help(format!("did you mean `{best}`?")),
                    None => d.help("see the theme's locales/en.toml for the names (`briefing locale en` prints it)"),
                };
                diags.push(d);
            }
            continue;
        };
        check_braces(file, (key, text, span), english, diags);
        let allowed: Vec<String> = names(english).into_iter().chain(["n".to_string(), "count".to_string()]).collect();
        for name in names(text).into_iter().filter(|n| !allowed.contains(n)) {
            let mut given: Vec<String> = names(english).into_iter().map(|n| format!("{{{n}}}")).collect();
            if matches!(english, Text::Plural(_)) && !given.iter().any(|g| g == "{n}") {
                given.push("{n}".into());
            }
            let help = if given.is_empty() {
                "this string fills in no value: remove the braces".to_string()
            } else {
                format!("its values are: {}", given.join(", "))
            };
            diags.push(
                Diagnostic::error("bad-value", format!("string `{key}` has no value `{{{name}}}`"))
                    .at(file, span.clone(), "would show as written")
                    .help(help),
            );
        }
    }
}

/// A brace in a string (`key`, `text` at `span`) that opens or closes no value is an
/// error: the page would show it as written, as it does a value the string does not have.
fn check_braces(
    file: &SourceFile,
    (key, text, span): (&str, &Text, &Range<usize>),
    english: &Text,
    diags: &mut Vec<Diagnostic>,
) {
    for form in forms(text) {
        let stray = stray_braces(form);
        let Some(&first) = stray.first() else { continue };
        let given: Vec<String> = names(english).into_iter().map(|n| format!("{{{n}}}")).collect();
        let (a, brace) = if stray.len() == 1 {
            ("a brace that opens or closes", "the brace")
        } else {
            ("braces that open or close", "the braces")
        };
        let help = match given.is_empty() {
            true => format!("this string fills in no value: remove {brace}"),
            false => format!("close the value's braces, or remove {brace}: its values are {}", given.join(", ")),
        };
        let label = "would show as written";
        let at = in_value(file, span, form, first).unwrap_or_else(|| span.clone());
        let mut d = Diagnostic::error("bad-value", format!("string `{key}` has {a} no value")).at(file, at, label);
        for &more in &stray[1..] {
            if let Some(at) = in_value(file, span, form, more) {
                d = d.also(at, "");
            }
        }
        diags.push(d.help(help));
    }
}

/// One locale table, read: what it sets, each string with where it was written.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    dir: Option<String>,
    months: Option<Vec<String>>,
    weekdays: Option<Vec<String>>,
    days: Option<Vec<String>>,
    date: Option<String>,
    strings: Vec<Entry>,
}

impl Sheet {
    /// Its strings.
    pub fn entries(&self) -> &[Entry] {
        &self.strings
    }
}

/// Reads a locale table file (`locales/<language>.toml`).
pub fn read_table(file: &SourceFile, diags: &mut Vec<Diagnostic>) -> Sheet {
    let text = file.text.clone();
    let Some(root) = tomlfile::parse(file, &text, 0, diags) else { return Sheet::default() };
    let known = &["dir", "months", "weekdays", "days", "date", "strings"];
    let mut f = Fields::new(file, root.get_ref(), 0..0, "a locale table", known, 0, diags);
    let dir = f.opt_str("dir");
    let months = f.str_array("months", false);
    let weekdays = f.str_array("weekdays", false);
    let days = f.str_array("days", false);
    let date = f.opt_str("date");
    let strings = f.table("strings");
    if let Some(d) = dir.as_ref().filter(|d| d.value != "ltr" && d.value != "rtl") {
        f.diags().push(
            Diagnostic::error("bad-value", format!("`dir` is `{}`, not a writing direction", d.value))
                .at(file, d.span.clone(), "`ltr` or `rtl`")
                .help("write `dir = \"rtl\"` for a language written right to left, `dir = \"ltr\"` otherwise"),
        );
    }
    if let Some(d) = &date {
        check_date(file, d, f.diags());
    }
    let mut out = Sheet {
        dir: dir.map(|d| d.value).filter(|d| d == "ltr" || d == "rtl"),
        months: (!months.is_empty()).then(|| months.into_iter().map(|m| m.value).collect()),
        weekdays: (!weekdays.is_empty()).then(|| weekdays.into_iter().map(|m| m.value).collect()),
        days: (!days.is_empty()).then(|| days.into_iter().map(|m| m.value).collect()),
        date: date.map(|d| d.value),
        strings: Vec::new(),
    };
    if let Some((t, _)) = strings {
        out.strings = texts(file, t, 0, diags);
    }
    check_lengths(file, &root, &out, diags);
    out
}

/// A date pattern fills in `{day}`, `{month}` and `{year}`, each once, and nothing else:
/// any other name, or a brace left open, would show as written on every page
/// (`28. Februar {yeer}`, `27 {month 2026`), and a date without one of them is no date.
fn check_date(file: &SourceFile, date: &crate::model::tomlfile::Sp<String>, diags: &mut Vec<Diagnostic>) {
    let known = ["day", "month", "year"];
    let values = "a date's values are {day}, {month} and {year}";
    let error = |message: String, help: String| {
        Diagnostic::error("bad-value", message).at(file, date.span.clone(), "would show as written").help(help)
    };
    let found = names(&Text::One(date.value.clone()));
    let unknown: Vec<&String> = found.iter().filter(|n| !known.contains(&n.as_str())).collect();
    for name in &unknown {
        let help = match tomlfile::nearest(name, known.iter().copied()) {
            Some(best) => format!("did you mean `{{{best}}}`? {values}"),
            None => values.to_string(),
        };
        diags.push(error(format!("the date pattern has no value `{{{name}}}`"), help));
    }
    let mut rest = date.value.clone();
    for name in &found {
        rest = rest.replace(&format!("{{{name}}}"), "");
    }
    if rest.contains(['{', '}']) {
        let help = format!("close each value's braces: {values}");
        let first = stray_braces(&date.value).first().copied();
        let at = first.and_then(|at| in_value(file, &date.span, &date.value, at)).unwrap_or(date.span.clone());
        diags.push(
            Diagnostic::error("bad-value", "the date pattern has a brace that opens or closes no value")
                .at(file, at, "would show as written")
                .help(help),
        );
    } else if let Some(missing) =
        // A misspelt value is the missing one: it is told once, as misspelt.
        known.iter().find(|k| !found.iter().any(|n| n == *k)).filter(|_| unknown.is_empty())
    {
        diags.push(error(
            format!("the date pattern has no `{{{missing}}}`"),
            format!("write it where it goes: {values}"),
        ));
    }
}

/// Twelve months, seven weekdays and 31 days of a month, or none: a table that gives another number is an error
/// at the list.
fn check_lengths(file: &SourceFile, root: &Spanned<Table<'_>>, t: &Sheet, diags: &mut Vec<Diagnostic>) {
    for (key, len, want) in [
        ("months", t.months.as_ref().map(Vec::len), 12),
        ("weekdays", t.weekdays.as_ref().map(Vec::len), 7),
        ("days", t.days.as_ref().map(Vec::len), 31),
    ] {
        let Some(len) = len else { continue };
        if len == want {
            continue;
        }
        let span = root.get_ref().iter().find(|(k, _)| k.get_ref().as_ref() == key).map_or(0..0, |(_, v)| v.span());
        diags.push(
            Diagnostic::error("bad-value", format!("`{key}` must give {want} names; it gives {len}"))
                .at(file, span, format!("{want} names expected"))
                .help(format!(
                    "give the {want} {key} in order, starting with {}",
                    match want {
                        12 => "January",
                        7 => "Monday",
                        _ => "the first",
                    }
                )),
        );
    }
}

/// The strings of a `[strings]` table (a locale table's, or `briefing.toml`'s overrides)
/// read at `offset`: text, or a table of plural forms with at least `other`.
pub fn texts(file: &SourceFile, table: &Table<'_>, offset: usize, diags: &mut Vec<Diagnostic>) -> Vec<Entry> {
    let mut out = Vec::new();
    for (key, value) in table.iter() {
        let name = key.get_ref().to_string();
        let span = tomlfile::shift(value.span(), offset);
        match value.get_ref() {
            DeValue::String(s) => out.push((name, Text::One(s.to_string()), span)),
            DeValue::Table(forms) => {
                if let Some(t) = plural(file, &name, forms, span.clone(), offset, diags) {
                    out.push((name, t, span));
                }
            }
            other => diags.push(
                Diagnostic::error("wrong-type", format!("string `{name}` must be text, not {}", other.type_str()))
                    .at(file, span, "expected text, or a table of plural forms")
                    .help(format!("write `{name} = \"…\"`, or `{name} = {{ one = \"…\", other = \"…\" }}`")),
            ),
        }
    }
    out
}

fn plural(
    file: &SourceFile,
    name: &str,
    forms: &Table<'_>,
    span: Range<usize>,
    offset: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<Text> {
    let mut out = Vec::new();
    for (key, value) in forms.iter() {
        let category = key.get_ref().to_string();
        let at = tomlfile::shift(key.span(), offset);
        let exact = category.strip_prefix('=').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if !exact && !CATEGORIES.contains(&category.as_str()) {
            diags.push(
                Diagnostic::error("bad-value", format!("`{category}` is not a plural form"))
                    .at(file, at, "not a CLDR plural category")
                    .help(format!(
                        "use the forms your language has, among: {}; or an exact count, such as \"=2\"",
                        tomlfile::quoted_list(CATEGORIES)
                    )),
            );
            continue;
        }
        match value.get_ref().as_str() {
            Some(s) => out.push((category, s.to_string())),
            None => diags.push(
                Diagnostic::error("wrong-type", format!("plural form `{category}` of `{name}` must be text"))
                    .at(file, tomlfile::shift(value.span(), offset), "expected text")
                    .help(format!("write `{category} = \"…\"`")),
            ),
        }
    }
    if !out.iter().any(|(c, _)| c == "other") {
        diags.push(
            Diagnostic::error("missing-field", format!("string `{name}` has no `other` form"))
                .at(file, span, "no `other` form")
                .help("add `other = \"…\"`: the form for every count no other form covers"),
        );
        return None;
    }
    Some(Text::Plural(out))
}

/// Warns of each plural form in `entries` that the counts of `language` never take (a
/// `few` form in a French table): it is never shown, and the translator who wrote it
/// believes it is. Exact counts (`=2`) and `other` are always taken; a language whose
/// rules are not known is not checked.
pub fn check_forms(file: &SourceFile, entries: &[Entry], language: &str, diags: &mut Vec<Diagnostic>) {
    let Some(rules) = plural_rules(language) else { return };
    let taken: Vec<&str> = rules.categories().map(category_name).collect();
    for (key, text, span) in entries {
        let Text::Plural(forms) = text else { continue };
        for (form, _) in forms.iter().filter(|(f, _)| !f.starts_with('=') && !taken.contains(&f.as_str())) {
            diags.push(
                Diagnostic::warning(
                    "unused-form",
                    format!("`{language}` has no `{form}` form: `{key}` never shows it"),
                )
                .at(file, form_span(file, span, form), format!("no count in `{language}` takes the `{form}` form"))
                .help(format!(
                    "the forms of `{language}` are {}; write an exact count such as \"=2\" for one number",
                    tomlfile::quoted_list(&taken)
                )),
            );
        }
    }
}

/// Where the name `key` of the string whose value is at `value` is written, on the
/// value's line (`nav-abuot = "…"`); the value's span when it is not found there.
fn name_span(file: &SourceFile, value: &Range<usize>, key: &str) -> Range<usize> {
    let line = file.text.get(..value.start).map_or(0, |t| t.rfind('\n').map_or(0, |i| i + 1));
    let before = file.text.get(line..value.start).unwrap_or("");
    let at = before.find(key).filter(|_| !key.is_empty());
    at.map_or(value.clone(), |i| line + i..line + i + key.len())
}

/// What stands before a key in an inline table of plural forms: its opening brace, the
/// comma after the last form, or a line break.
const BEFORE_FORM: [char; 3] = ['{', ',', '\n'];

/// Where the plural form `form` is written in the table of forms at `value`
/// (`{ one = "…", few = "…" }`); the table's span when it is not found.
fn form_span(file: &SourceFile, value: &Range<usize>, form: &str) -> Range<usize> {
    let text = file.text.get(value.clone()).unwrap_or("");
    let key = |i: &usize| {
        let (before, after) = (&text[..*i], &text[*i + form.len()..]);
        before.trim_end().ends_with(BEFORE_FORM) && after.trim_start().starts_with('=')
    };
    let at = text.match_indices(form).map(|(i, _)| i).find(key);
    at.map_or(value.clone(), |i| value.start + i..value.start + i + form.len())
}

/// CLDR's plural rules for `language`, if it is a tag they know.
fn plural_rules(language: &str) -> Option<PluralRules> {
    language.parse::<LangId>().ok().and_then(|l| PluralRules::try_new(l.into(), Default::default()).ok())
}

/// A plural category as tables name it.
fn category_name(c: PluralCategory) -> &'static str {
    match c {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

/// The locale for `language`: the English tables, under the tables for the language's tag
/// or, failing that, its primary subtag (`pt` for `pt-BR`), under the site's `overrides`.
/// Tables later in `tables` override earlier ones of their language. Returns whether a
/// table for the language was found.
pub fn resolve(language: &str, tables: &[(String, Sheet)], overrides: &[Entry]) -> (Locale, bool) {
    let is = |l: &str, tag: &str| l.eq_ignore_ascii_case(tag);
    let primary = language.split('-').next().unwrap_or(language);
    let own = [language, primary].into_iter().find(|tag| tables.iter().any(|(l, _)| is(l, tag)));
    let plurals = plural_rules(language);
    let mut locale = Locale {
        language: language.to_string(),
        dir: "ltr".into(),
        own: own.is_some(),
        months: Vec::new(),
        weekdays: Vec::new(),
        days: Vec::new(),
        date: "{day} {month} {year}".into(),
        strings: HashMap::new(),
        plurals: Arc::new(plurals),
    };
    let english = tables.iter().filter(|(l, _)| is(l, "en"));
    let own_tables = tables.iter().filter(|(l, _)| own.is_some_and(|tag| is(l, tag)) && !is(l, "en"));
    for (_, t) in english.chain(own_tables) {
        if let Some(d) = &t.dir {
            locale.dir = d.clone();
        }
        if let Some(m) = &t.months {
            locale.months = m.clone();
        }
        if let Some(d) = &t.days {
            locale.days = d.clone();
        }
        if let Some(w) = &t.weekdays {
            locale.weekdays = w.clone();
        }
        if let Some(d) = &t.date {
            locale.date = d.clone();
        }
        locale.strings.extend(t.strings.iter().map(|(k, v, _)| (k.clone(), v.clone())));
    }
    locale.strings.extend(overrides.iter().map(|(k, v, _)| (k.clone(), v.clone())));
    (locale, own.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Forms an outside review found where a month's name completes a name (a form's stray
    /// brace is an error `check_date` reports, but the fill must not differ).
    #[test]
    fn a_month_that_completes_a_name_is_filled_as_before() {
        for (form, month) in
            [("{{month}}y", "year"), ("{ye{month}}", "ar"), ("{{{month}ar}}ay", "ye"), ("{{month}year}", "")]
        {
            let locale = Locale { date: form.into(), months: vec![month.into(); 12], ..Locale::default() };
            let in_turn = form.replace("{day}", "5").replace("{month}", month).replace("{year}", "2026");
            assert_eq!(locale.date(Date::new(2026, 1, 5).unwrap()), in_turn, "{form}");
        }
    }

    proptest::proptest! {
        /// A date's form filled in one pass reads as filled by one `replace` a name, for
        /// any form and any month's name, braces in it or not.
        #[test]
        fn dates_fill_their_form_as_replacing_in_turn_did(
            pieces in proptest::collection::vec(
                proptest::prop_oneof!["\\{day\\}", "\\{month\\}", "\\{year\\}", "[a-z .{}]{0,3}", "\\{|ye|ar|year|\\}"],
                0..6,
            ),
            month in "[A-Za-zé{}]{0,8}|year|ye|ar|day",
            (y, m, d) in (1i32..3000, 1u32..=12, 1u32..=28),
        ) {
            let locale = Locale { date: pieces.concat(), months: vec![month.clone(); 12], ..Locale::default() };
            let date = Date::new(y, m, d).unwrap();
            let replaced =
                locale.date.replace("{day}", &d.to_string()).replace("{month}", &month).replace("{year}", &y.to_string());
            proptest::prop_assert_eq!(locale.date(date), replaced);
        }
    }

    #[test]
    fn a_table_may_name_the_days_of_a_month() {
        let file = SourceFile::new("locales/fr.toml", include_str!("../../themes/default/locales/fr.toml"));
        let mut diags = Vec::new();
        let french = read_table(&file, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        let (locale, _) = resolve("fr", &[("en".into(), english().clone()), ("fr".into(), french)], &[]);
        assert_eq!(locale.date(Date::parse("2026-12-01").unwrap()), "1er décembre 2026");
        assert_eq!(locale.date(Date::parse("2026-12-02").unwrap()), "2 décembre 2026");
        let short = SourceFile::new("locales/xx.toml", "days = [\"1st\", \"2nd\"]\n");
        read_table(&short, &mut diags);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].message, "`days` must give 31 names; it gives 2");
    }

    #[test]
    fn stray_braces_are_found_where_fill_would_show_them() {
        for (form, at) in [
            ("Checked on {date}.", None),
            ("Checked on {date.", Some(11)),
            ("{count}} articles", Some(7)),
            ("{a b}", Some(0)),
            ("{{day}}", Some(0)),
            ("ends {", Some(5)),
            ("{}", Some(0)),
            ("{weekday}, {date}", None),
        ] {
            assert_eq!(stray_braces(form).first().copied(), at, "{form}");
            // What `fill` shows as written is where the brace is.
            let filled = fill(form, |_| Some(String::new()));
            assert_eq!(filled.contains(['{', '}']), at.is_some(), "{form}");
        }
    }

    #[test]
    fn quotations_are_told_and_unquoted() {
        assert!(already_quoted("“It’s the sounder’s fault.”"));
        assert!(already_quoted("«Oui»."));
        assert!(!already_quoted("'tis"));
        assert!(!already_quoted("\"No,\" he said"));
        assert_eq!(unquoted("“It’s the sounder’s fault.”"), "It’s the sounder’s fault.");
        assert_eq!(unquoted("“Yes”."), "Yes.");
        assert_eq!(unquoted("« Des années de collaboration. »"), "Des années de collaboration.");
        assert!(!already_quoted("“One” and “two”"));
        assert!(already_quoted("“He said ‘no’ to it.”"));
        assert_eq!(unquoted("The harbour reopened."), "The harbour reopened.");
        let l = Locale::default();
        assert_eq!(
            l.get("claim-title", None, &[("verdict", "False"), ("claim", &unquoted("“It rained.”"))]),
            "False: “It rained.”"
        );
    }
}
