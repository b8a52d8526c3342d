//! Reading TOML with a location for every value, and every problem reported at once.
//!
//! serde stops at the first error and loses where a value was written; editors need all the
//! errors of a file, each with its line. So the config, the front matter and the claims file
//! are all parsed into toml's spanned tree (`DeTable`) and read through [`Fields`], which
//! checks types, required keys and unknown keys (with the nearest valid name) as it goes.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::model::date::Date;
use crate::model::diag::{Diagnostic, SourceFile};

/// `s` as a TOML basic string: quoted, with `"`, `\\` and control characters escaped, so
/// that what a help suggests can be pasted into a file as it is.
pub fn basic_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value and the byte range in its file where it was written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where it was written (byte range in the file's text).
    pub span: Range<usize>,
}

impl<T> Sp<T> {
    /// Pairs a value with its span.
    pub fn new(value: T, span: Range<usize>) -> Self {
        Sp { value, span }
    }
}

impl Sp<String> {
    /// The string value.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// A table read from a TOML file.
pub type Table<'i> = DeTable<'i>;

/// Parses a whole TOML text, turning syntax errors into located diagnostics.
///
/// `offset` is added to every span: front matter is parsed on its own but reported at its
/// place in the article file.
pub fn parse<'i>(
    file: &SourceFile,
    text: &'i str,
    offset: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<Spanned<Table<'i>>> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if errors.is_empty() {
        return Some(table);
    }
    diags.extend(errors.iter().map(|e| syntax_error(file, e, offset)));
    None
}

/// The diagnostic for one TOML syntax error in `file`, whose text was parsed from
/// `offset` on.
pub fn syntax_error(file: &SourceFile, err: &toml::de::Error, offset: usize) -> Diagnostic {
    let span = err.span().unwrap_or(0..0);
    let span = (span.start + offset)..(span.end + offset);
    let message = err.message().trim().to_string();
    let line_start = file.text.get(..span.start).map_or(0, |t| t.rfind('\n').map_or(0, |i| i + 1));
    let line = file.text.get(line_start..).and_then(|t| t.lines().next()).unwrap_or("").trim();
    // `[claim]` among `[[claim]]` entries: TOML says only "duplicate key", at the second
    // of the two, whichever it is.
    let single = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')).filter(|n| !n.starts_with('['));
    let double = line.strip_prefix("[[").and_then(|l| l.strip_suffix("]]"));
    let earlier_single = |name: &str| {
        let before = &file.text[..line_start];
        let at = before.lines().position(|l| l.trim() == format!("[{name}]"))?;
        Some(at + 1)
    };
    let help = match (single, double.and_then(|n| Some((n, earlier_single(n)?)))) {
        (Some(name), _) if message.contains("duplicate") => {
            format!("each entry of a list is written `[[{name}]]`, with double brackets: write `[[{name}]]` here")
        }
        (_, Some((name, at))) if message.contains("duplicate") => format!(
            "`[{name}]` on line {at} is one table, not an entry of the list: write it `[[{name}]]`, with double brackets"
        ),
        _ => syntax_help(&message),
    };
    Diagnostic::error("toml-syntax", format!("invalid TOML: {message}")).at(file, span, "here").help(help)
}

/// A short hint for the TOML mistakes editors make most.
fn syntax_help(message: &str) -> String {
    if message.contains("date") || message.contains("time") {
        "write dates as YYYY-MM-DD, and only days that exist, e.g. 2026-02-27".into()
    } else if message.contains("duplicate key") {
        "each key may appear once per table; remove or rename one of them".into()
    } else if message.contains("string") || message.contains("quote") {
        "text values go in double quotes; use \"\"\" for text over several lines".into()
    } else {
        "fix the TOML syntax here; see https://toml.io for the format".into()
    }
}

/// Reads the keys of one table, reporting problems into a shared list.
///
/// Creating it checks for unknown keys; each getter reports a missing or mistyped value.
pub struct Fields<'a, 't, 'i> {
    file: &'t SourceFile,
    table: &'t Table<'i>,
    /// Where the table starts, for "missing key" errors (the `[[claim]]` header line).
    span: Range<usize>,
    /// How the table is named in messages, e.g. "`[[claim]]`".
    what: &'t str,
    offset: usize,
    diags: &'a mut Vec<Diagnostic>,
    /// Known keys that an unknown key was taken for a typo of: their absence is already
    /// explained by the "did you mean" error, so it is not reported twice.
    typos: Vec<&'t str>,
}

impl<'a, 't, 'i> Fields<'a, 't, 'i> {
    /// Starts reading `table` (found at `span`), and reports every key not in `known`.
    pub fn new(
        file: &'t SourceFile,
        table: &'t Table<'i>,
        span: Range<usize>,
        what: &'t str,
        known: &[&'t str],
        offset: usize,
        diags: &'a mut Vec<Diagnostic>,
    ) -> Self {
        let mut typos = Vec::new();
        for (key, _) in table.iter() {
            let name = key.get_ref().as_ref();
            if !known.contains(&name) {
                let span = shift(key.span(), offset);
                let mut d = Diagnostic::error("unknown-field", format!("unknown field `{name}` in {what}")).at(
                    file,
                    span,
                    format!("not a field of {what}"),
                );
                d = match nearest(name, known.iter().copied()) {
                    Some(best) => {
                        typos.push(best);
                        d.help(format!("did you mean `{best}`?"))
                    }
                    None => d.help(format!("the fields of {what} are: {}", quoted_list(known))),
                };
                diags.push(d);
            }
        }
        Fields { file, table, span: shift(span, offset), what, offset, diags, typos }
    }

    /// The same fields, with `span` (in the whole file, not shifted) as the place a missing
    /// field is reported: front matter's opening `+++`, which lies before its text.
    pub fn reported_at(mut self, span: Range<usize>) -> Self {
        self.span = span;
        self
    }

    fn get(&self, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        self.table.iter().find(|(k, _)| k.get_ref().as_ref() == key).map(|(_, v)| v)
    }

    /// The span of `key`'s value, if the key is present.
    pub fn span_of(&self, key: &str) -> Option<Range<usize>> {
        self.get(key).map(|v| shift(v.span(), self.offset))
    }

    /// Whether `key` is present and a list of texts, with no diagnostic either way.
    pub fn is_str_array(&self, key: &str) -> bool {
        self.get(key)
            .and_then(|v| v.get_ref().as_array())
            .is_some_and(|items| items.iter().all(|i| i.get_ref().as_str().is_some()))
    }

    /// `key`'s text, if it is present and text, with no diagnostic either way.
    pub fn peek_str(&self, key: &str) -> Option<String> {
        self.get(key).and_then(|v| v.get_ref().as_str()).map(str::to_string)
    }

    /// The whole table's span as given to [`Fields::new`].
    pub fn table_span(&self) -> Range<usize> {
        self.span.clone()
    }

    fn missing(&mut self, key: &str, example: &str) {
        if self.typos.contains(&key) {
            return;
        }
        let d = Diagnostic::error("missing-field", format!("missing field `{key}` in {}", self.what))
            .at(self.file, self.span.clone(), format!("this {} has no `{key}`", self.what))
            .help(format!("add a line such as: {key} = {example}"));
        self.diags.push(d);
    }

    fn wrong_type(&mut self, key: &str, value: &Spanned<DeValue<'_>>, expected: &str) {
        let d =
            Diagnostic::error("wrong-type", format!("`{key}` must be {expected}, not {}", value.get_ref().type_str()))
                .at(self.file, shift(value.span(), self.offset), format!("expected {expected}"))
                .help(format!("change `{key}` to {expected}"));
        self.diags.push(d);
    }

    /// A required string. Empty or blank strings are reported too.
    pub fn str(&mut self, key: &str) -> Option<Sp<String>> {
        match self.text(key, true) {
            Some(s) => Some(s),
            None if self.get(key).is_none() => {
                self.missing(key, "\"…\"");
                None
            }
            None => None,
        }
    }

    /// An optional string. Present but blank is an error: delete the line instead.
    pub fn opt_str(&mut self, key: &str) -> Option<Sp<String>> {
        self.text(key, false)
    }

    /// A string if present; blank is an error, whose help depends on whether the key
    /// could be left out.
    fn text(&mut self, key: &str, required: bool) -> Option<Sp<String>> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::String(s) => {
                let span = shift(value.span(), self.offset);
                if s.trim().is_empty() {
                    let help = if required {
                        format!("fill in the {key}: it is required")
                    } else {
                        format!("write the {key}, or remove the line if it does not apply")
                    };
                    let d = Diagnostic::error("empty-field", format!("`{key}` is empty"))
                        .at(self.file, span, "empty text")
                        .help(help);
                    self.diags.push(d);
                    return None;
                }
                Some(Sp::new(s.to_string(), span))
            }
            _ => {
                self.wrong_type(key, value, "text in double quotes");
                None
            }
        }
    }

    /// An optional boolean.
    pub fn opt_bool(&mut self, key: &str) -> Option<bool> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(key, value, "true or false");
                None
            }
        }
    }

    /// An optional integer in `range`.
    pub fn opt_int(&mut self, key: &str, range: Range<i64>) -> Option<Sp<i64>> {
        let value = self.get(key)?;
        let span = shift(value.span(), self.offset);
        let Some(integer) = value.get_ref().as_integer() else {
            self.wrong_type(key, value, "a whole number");
            return None;
        };
        // An integer too large for 64 bits is out of range too, shown as written.
        let parsed = i64::from_str_radix(&integer.as_str().replace('_', ""), integer.radix()).ok();
        match parsed {
            Some(n) if range.contains(&n) => Some(Sp::new(n, span)),
            _ => {
                let n = parsed.map_or_else(|| integer.as_str().to_string(), |n| n.to_string());
                let d = Diagnostic::error(
                    "out-of-range",
                    format!("`{key}` is {n}, outside {}..={}", range.start, range.end - 1),
                )
                .at(self.file, span, "out of range")
                .help(format!("use a whole number from {} to {}", range.start, range.end - 1));
                self.diags.push(d);
                None
            }
        }
    }

    /// A required date.
    pub fn date(&mut self, key: &str) -> Option<Sp<Date>> {
        match self.opt_date(key) {
            Some(d) => Some(d),
            None if self.get(key).is_none() => {
                self.missing(key, "2026-02-27");
                None
            }
            None => None,
        }
    }

    /// An optional date: a bare TOML date (`2026-02-27`) or the same in quotes.
    pub fn opt_date(&mut self, key: &str) -> Option<Sp<Date>> {
        let value = self.get(key)?;
        let span = shift(value.span(), self.offset);
        let parsed = match value.get_ref() {
            DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt
                .date
                .as_ref()
                .ok_or_else(|| "a time of day without a date".to_string())
                .and_then(|d| Date::new(i32::from(d.year), u32::from(d.month), u32::from(d.day))),
            DeValue::Datetime(_) => Err("a date and time; only the date is wanted".to_string()),
            DeValue::String(s) => Date::parse(s),
            _ => Err(format!("{}, not a date", value.get_ref().type_str())),
        };
        match parsed {
            Ok(d) => Some(Sp::new(d, span)),
            Err(why) => {
                let d = Diagnostic::error("bad-date", format!("`{key}` is not a valid date: {why}"))
                    .at(self.file, span, "not a calendar date")
                    .help("write dates as YYYY-MM-DD, e.g. 2026-02-27");
                self.diags.push(d);
                None
            }
        }
    }

    /// An optional array of strings (e.g. a discrepancy's claim ids).
    pub fn str_array(&mut self, key: &str, required: bool) -> Vec<Sp<String>> {
        let Some(value) = self.get(key) else {
            if required {
                self.missing(key, "[\"…\", \"…\"]");
            }
            return Vec::new();
        };
        let Some(items) = value.get_ref().as_array() else {
            self.wrong_type(key, value, "a list of texts, like [\"a\", \"b\"]");
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref().as_str() {
                Some(s) => out.push(Sp::new(s.to_string(), shift(item.span(), self.offset))),
                None => self.wrong_type(key, item, "a list of texts"),
            }
        }
        out
    }

    /// The tables of an array of tables (`[[claim.source]]`), each with its span. A single
    /// inline table is accepted as a list of one.
    pub fn tables(&mut self, key: &str) -> Vec<(&'t Table<'i>, Range<usize>)> {
        let Some(value) = self.get(key) else { return Vec::new() };
        match value.get_ref() {
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::Table(t) => out.push((t, item.span())),
                        _ => self.wrong_type(key, item, "a table"),
                    }
                }
                out
            }
            DeValue::Table(t) => vec![(t, value.span())],
            _ => {
                self.wrong_type(key, value, &format!("a list of tables written [[{key}]]"));
                Vec::new()
            }
        }
    }

    /// A sub-table (`[verdicts.false]`), with its span.
    pub fn table(&mut self, key: &str) -> Option<(&'t Table<'i>, Range<usize>)> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::Table(t) => Some((t, value.span())),
            _ => {
                self.wrong_type(key, value, "a table");
                None
            }
        }
    }

    /// The diagnostics list, for callers that report problems of their own.
    pub fn diags(&mut self) -> &mut Vec<Diagnostic> {
        self.diags
    }

    /// The file being read.
    pub fn file(&self) -> &'t SourceFile {
        self.file
    }

    /// The offset added to spans (non-zero for front matter).
    pub fn offset(&self) -> usize {
        self.offset
    }
}

/// Moves a span by `offset`.
pub fn shift(span: Range<usize>, offset: usize) -> Range<usize> {
    (span.start + offset)..(span.end + offset)
}

/// The candidate closest to `name`, if it is close enough to be a plausible typo.
pub fn nearest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(name, c);
        if score >= 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `a`, `b`, `c` — for "valid values are" help lines.
pub fn quoted_list(items: &[&str]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<Diagnostic>, Option<String>, Option<Date>) {
        let file = SourceFile::new("t.toml", text);
        let mut diags = Vec::new();
        let table = parse(&file, text, 0, &mut diags).unwrap();
        let mut f = Fields::new(&file, table.get_ref(), 0..0, "`[site]`", &["title", "date"], 0, &mut diags);
        let title = f.str("title").map(|s| s.value);
        let date = f.opt_date("date").map(|d| d.value);
        (diags, title, date)
    }

    #[test]
    fn unknown_keys_suggest_the_nearest() {
        let (diags, title, _) = read("titel = \"x\"\n");
        assert_eq!(title, None);
        // The typo explains the missing `title`: one error, not two.
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "unknown-field");
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(diags[0].line_col(), Some((1, 1)));
    }

    #[test]
    fn dates_are_checked_against_the_calendar() {
        let (diags, _, date) = read("title = \"x\"\ndate = 2026-02-27\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(date.unwrap().to_string(), "2026-02-27");
        let (diags, _, date) = read("title = \"x\"\ndate = \"2026-02-30\"\n");
        assert_eq!(date, None);
        assert_eq!(diags[0].code, "bad-date");
        assert_eq!(diags[0].line_col(), Some((2, 8)));
    }

    #[test]
    fn syntax_errors_are_located() {
        let file = SourceFile::new("t.toml", "a = 1\nb = \"open\n");
        let mut diags = Vec::new();
        assert!(parse(&file, &file.text.clone(), 0, &mut diags).is_none());
        assert_eq!(diags[0].code, "toml-syntax");
        assert_eq!(diags[0].line_col().unwrap().0, 2);
    }

    #[test]
    fn nearest_ignores_distant_names() {
        assert_eq!(nearest("verdic", ["verdict", "claim"]), Some("verdict"));
        assert_eq!(nearest("zzz", ["verdict", "claim"]), None);
    }
}
