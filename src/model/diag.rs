//! Diagnostics: what went wrong, where, and what to do about it.
//!
//! Every stage reports problems as [`Diagnostic`]s instead of returning early, so that one
//! run shows the editor every error at once, the way a compiler does. A diagnostic owns the
//! text of the file it points into, which keeps it plain data: stages hand them back up the
//! pipeline and only the CLI decides how to print them.

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The build cannot go on: exit code 1, `output/` untouched.
    Error,
    /// Worth a look, but the briefing is still correct.
    Warning,
}

/// A source file that diagnostics point into: its name as shown to the user, and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user should read it, relative to the site root where possible.
    pub name: String,
    /// The whole text of the file, shared by every diagnostic about it. An `Arc<String>`,
    /// not an `Arc<str>`: the text read is moved in, where making an `Arc<str>` copied it
    /// (54 MB at 10,000 articles, 1.6% of a fresh build's CPU).
    pub text: Arc<String>,
    /// Byte offset of the start of every line: a claims file of thousands of entries is
    /// asked for many line numbers, each found by binary search. Made when first asked
    /// for: most articles are never pointed into, and indexing 10,000 of them cost a
    /// fresh build 2% of its time.
    lines: Arc<OnceLock<Box<[usize]>>>,
}

impl PartialEq for SourceFile {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.text == other.text
    }
}

impl Eq for SourceFile {}

impl SourceFile {
    /// Wraps a file's name and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile { name: name.into(), text: Arc::new(text.into()), lines: Arc::default() }
    }

    /// The 1-based first and last lines of the byte range `span` (its first line for an
    /// empty one): where a claims-file entry stands, as its page and `claims.json` say.
    pub fn line_span(&self, span: &std::ops::Range<usize>) -> (usize, usize) {
        let (first, _) = self.line_col(span.start);
        let (last, _) = self.line_col(span.end.saturating_sub(1).max(span.start));
        (first, last)
    }

    /// [`Self::line_span`] of each of `spans`, in their order. Spans in file order (a claims
    /// file's entries) are counted: the line breaks between one place and the next, by
    /// runs of places on each thread. The index of every line start, which a span out of
    /// order needs, took 4-6 ms on one thread for a 14 MB claims file of 500,000 lines,
    /// before every save's render in `serve` at 20,000 claims (asked for twice: the keys
    /// and `claims.json`); the count takes under a millisecond a call.
    pub fn line_spans<'r>(&self, spans: impl IntoIterator<Item = &'r std::ops::Range<usize>>) -> Vec<(usize, usize)> {
        let len = self.text.len();
        let places: Vec<usize> = spans
            .into_iter()
            .flat_map(|s| [s.start, s.end.saturating_sub(1).max(s.start)].map(|o| o.min(len)))
            .collect();
        if self.lines.get().is_none() && places.is_sorted() {
            let lines = self.lines_at(&places);
            return lines.chunks_exact(2).map(|l| (l[0], l[1])).collect();
        }
        let lines = self.line_starts();
        let mut at = 0;
        let mut line_of = |offset: usize| {
            let offset = floor_char_boundary(&self.text, offset);
            at = gallop(lines, at, offset);
            at
        };
        places.chunks_exact(2).map(|p| (line_of(p[0]), line_of(p[1]))).collect()
    }

    /// The 1-based line of each of `places`, byte offsets in ascending order: one more
    /// than the line breaks before it. (An offset inside a character counts as its
    /// character's: a line break is one byte, never part of another character.)
    fn lines_at(&self, places: &[usize]) -> Vec<usize> {
        use rayon::prelude::*;
        const RUN: usize = 4096;
        let text = self.text.as_bytes();
        let breaks = |from: usize, to: usize| bytecount::count(&text[from..to], b'\n');
        // Each run's lines, counted from the run's first place; then each run moved on by
        // the breaks before its first place.
        let runs: Vec<Vec<usize>> = places
            .par_chunks(RUN)
            .map(|run| {
                let mut line = 0;
                let mut last = run[0];
                run.iter()
                    .map(|&p| {
                        line += breaks(last, p);
                        last = p;
                        line
                    })
                    .collect()
            })
            .collect();
        let mut out = Vec::with_capacity(places.len());
        let (mut line, mut last) = (1, 0);
        for (run, lines) in places.chunks(RUN).zip(runs) {
            line += breaks(last, run[0]);
            last = run[run.len() - 1];
            out.extend(lines.iter().map(|l| line + l));
            line += lines[lines.len() - 1];
        }
        out
    }

    /// Where each line starts, made when first asked for.
    fn line_starts(&self) -> &[usize] {
        self.lines.get_or_init(|| {
            std::iter::once(0).chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1)).collect()
        })
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let lines = self.line_starts();
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = lines.partition_point(|&start| start <= offset);
        let line_start = lines[line - 1];
        let col = self.text[line_start..offset].chars().count() + 1;
        (line, col)
    }
}

/// The 1-based line of `offset` among line starts `lines` (the first is 0), searched from
/// line `from` (1-based; 0 for none): forward in doubling steps while the line starts at
/// or before `offset`, else over the whole index.
fn gallop(lines: &[usize], from: usize, offset: usize) -> usize {
    let from = from.saturating_sub(1);
    if from >= lines.len() || lines[from] > offset {
        return lines.partition_point(|&start| start <= offset);
    }
    let (mut low, mut step) = (from, 1);
    while low + step < lines.len() && lines[low + step] <= offset {
        low += step;
        step *= 2;
    }
    let high = (low + step).min(lines.len());
    low + lines[low..high].partition_point(|&start| start <= offset)
}

/// A place in a source file: a byte range, with an optional label shown under it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Label {
    /// Byte range in the file's text.
    pub span: Range<usize>,
    /// What this place is, shown beside the carets.
    pub text: String,
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable short code, e.g. `unknown-field`, for tools and for the docs.
    pub code: &'static str,
    /// The one-line headline.
    pub message: String,
    /// The file this is about; `None` for problems with no file (bad arguments).
    pub file: Option<SourceFile>,
    /// The primary place, in `file`. `None` when the problem is about the file as a whole.
    pub primary: Option<Label>,
    /// Further places in the same file (e.g. the first definition of a duplicate id).
    pub secondary: Vec<Label>,
    /// Free-text notes, printed as `= note:` lines.
    pub notes: Vec<String>,
    /// What the user should do, printed as `= help:`.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with a headline and no location yet.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: None,
            primary: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// A warning with a headline and no location yet.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    /// Points the diagnostic at `span` in `file`, with a label under it.
    pub fn at(mut self, file: &SourceFile, span: Range<usize>, label: impl Into<String>) -> Self {
        self.file = Some(file.clone());
        self.primary = Some(Label { span: clamp(&file.text, span), text: label.into() });
        self
    }

    /// Names the file without pointing into it.
    pub fn in_file(mut self, file: &SourceFile) -> Self {
        self.file = Some(file.clone());
        self
    }

    /// Adds a secondary place in the same file.
    pub fn also(mut self, span: Range<usize>, label: impl Into<String>) -> Self {
        let span = match &self.file {
            Some(f) => clamp(&f.text, span),
            None => span,
        };
        self.secondary.push(Label { span, text: label.into() });
        self
    }

    /// Adds a `note:` line.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Sets the `help:` line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether this diagnostic stops the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The 1-based line and column of the primary place, if there is one.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let file = self.file.as_ref()?;
        let label = self.primary.as_ref()?;
        Some(file.line_col(label.span.start))
    }

    /// The diagnostic as one JSON object, for editors and CI: file, 1-based line and column
    /// of the start and end, severity, code, message, help and notes.
    pub fn to_json(&self) -> serde_json::Value {
        let (start, end) = match (&self.file, &self.primary) {
            (Some(f), Some(l)) => (Some(f.line_col(l.span.start)), Some(f.line_col(l.span.end))),
            _ => (None, None),
        };
        serde_json::json!({
            "file": self.file.as_ref().map(|f| &f.name),
            "line": start.map(|s| s.0),
            "column": start.map(|s| s.1),
            "end_line": end.map(|e| e.0),
            "end_column": end.map(|e| e.1),
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "label": self.primary.as_ref().map(|l| &l.text),
            "help": self.help,
            "notes": self.notes,
        })
    }

    /// Renders the diagnostic as rustc does: headline, `--> file:line:col`, the line with
    /// carets, then notes and help. `color` adds ANSI styling for terminals.
    pub fn render(&self, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        // Notes and help quote articles from the web: a control character there would
        // reach the terminal as it is (an escape sequence can clear it, or set its title).
        let (message, notes, help) = (
            visible(&self.message),
            self.notes.iter().map(|n| visible(n)).collect::<Vec<_>>(),
            self.help.as_deref().map(visible),
        );
        let title = level.primary_title(&*message).id(self.code);
        let mut group: Group<'_> = match (&self.file, &self.primary) {
            (Some(file), Some(primary)) => {
                let mut snippet = Snippet::source(&*file.text)
                    .path(visible(&file.name))
                    .annotation(AnnotationKind::Primary.span(primary.span.clone()).label(primary.text.as_str()));
                for label in &self.secondary {
                    snippet =
                        snippet.annotation(AnnotationKind::Context.span(label.span.clone()).label(label.text.as_str()));
                }
                title.element(snippet)
            }
            _ => Group::with_title(title),
        };
        if let (Some(file), None) = (&self.file, &self.primary) {
            group = group.element(Level::NOTE.message(format!("in {}", visible(&file.name))));
        }
        for note in &notes {
            group = group.element(Level::NOTE.message(&**note));
        }
        if let Some(help) = &help {
            group = group.element(Level::HELP.message(&**help));
        }
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        renderer.render(&[group])
    }
}

/// `text` with its control characters shown, not obeyed: C0 controls as their Unicode
/// pictures (`␛`, `␇`), others as `\u{…}`; line breaks and tabs are kept.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return std::borrow::Cow::Borrowed(text);
    }
    let shown = text.chars().map(|c| match c {
        '\n' | '\t' => c.to_string(),
        c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}').to_string(),
        '\u{7f}' => '\u{2421}'.to_string(),
        c if c.is_control() => format!("\\u{{{:x}}}", c as u32),
        c => c.to_string(),
    });
    std::borrow::Cow::Owned(shown.collect())
}

/// Keeps a span inside the text and on character boundaries, so rendering never panics
/// whatever a stage computed.
fn clamp(text: &str, span: Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.clamp(start, text.len()));
    start..end
}

/// The largest char boundary at or below `i`.
pub(crate) fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Diagnostics as kept between builds (a briefing of an archive skipped whole shows the
/// warnings of the build that made it): each file's name and text once, and each
/// diagnostic pointing into them by index.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Kept {
    files: Vec<(String, String)>,
    items: Vec<KeptItem>,
}

/// One diagnostic of [`Kept`].
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct KeptItem {
    severity: Severity,
    code: String,
    message: String,
    file: Option<usize>,
    primary: Option<Label>,
    secondary: Vec<Label>,
    notes: Vec<String>,
    help: Option<String>,
}

impl Kept {
    /// Keeps `diags`.
    pub fn of(diags: &[Diagnostic]) -> Kept {
        let mut kept = Kept::default();
        for d in diags {
            let file = d.file.as_ref().map(|f| match kept.files.iter().position(|(name, _)| *name == f.name) {
                Some(i) => i,
                None => {
                    kept.files.push((f.name.clone(), f.text.to_string()));
                    kept.files.len() - 1
                }
            });
            kept.items.push(KeptItem {
                severity: d.severity,
                code: d.code.to_string(),
                message: d.message.clone(),
                file,
                primary: d.primary.clone(),
                secondary: d.secondary.clone(),
                notes: d.notes.clone(),
                help: d.help.clone(),
            });
        }
        kept
    }

    /// The diagnostics kept.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let files: Vec<SourceFile> =
            self.files.iter().map(|(name, text)| SourceFile::new(name.as_str(), text.as_str())).collect();
        self.items
            .iter()
            .map(|d| Diagnostic {
                severity: d.severity,
                code: intern(&d.code),
                message: d.message.clone(),
                file: d.file.and_then(|i| files.get(i).cloned()),
                primary: d.primary.clone(),
                secondary: d.secondary.clone(),
                notes: d.notes.clone(),
                help: d.help.clone(),
            })
            .collect()
    }
}

/// A diagnostic's code, read back, as the `&'static str` codes are: each distinct code is
/// allocated once for the process (there are a few dozen).
fn intern(code: &str) -> &'static str {
    static CODES: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let Ok(mut codes) = CODES.lock() else { return "kept" };
    if let Some(c) = codes.iter().find(|c| **c == code) {
        return c;
    }
    let c: &'static str = Box::leak(code.to_string().into_boxed_str());
    codes.push(c);
    c
}

/// All the diagnostics of a run, in the order they should be read.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// The diagnostics, errors and warnings mixed.
    pub items: Vec<Diagnostic>,
}

impl Report {
    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds many.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    /// How many errors.
    pub fn errors(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// How many warnings.
    pub fn warnings(&self) -> usize {
        self.items.len() - self.errors()
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// The exit code these diagnostics call for: 0 ok, 1 content errors, 2 usage or I/O
    /// errors (an error whose code is `usage` or starts with `io`).
    pub fn exit_code(&self) -> i32 {
        let io = |d: &Diagnostic| d.code.starts_with("io") || d.code == "usage";
        if !self.has_errors() {
            0
        } else if self.items.iter().any(|d| d.is_error() && io(d)) {
            2
        } else {
            1
        }
    }

    /// Sorts by file, then position, so that output reads top to bottom and is the same on
    /// every run whatever order the (parallel) stages found things in.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                (
                    d.file.as_ref().map(|f| f.name.clone()),
                    d.primary.as_ref().map(|l| l.span.start),
                    d.severity,
                    d.message.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        self.items.dedup();
    }

    /// Renders every diagnostic, separated by blank lines.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        for d in &self.items {
            let _ = writeln!(out, "{}\n", d.render(color));
        }
        out
    }
}

/// How many warnings of one code are printed in full before the rest are counted in one
/// line. A site with 3,000 articles no claim quotes printed 3,000 `untouched-article`
/// warnings, and a reader scrolled past every other diagnostic to find the summary.
pub const WARNINGS_SHOWN: usize = 5;

/// `items` as a person reads them: every error, the first [`WARNINGS_SHOWN`] warnings of
/// each code, and right after the last of them one warning saying how many more of that
/// code there are. With `all`, every warning in full and no count. `fresh` says the items
/// are the warnings new since the last rebuild (`serve`), as the count then says.
/// Machine formats (`--format json`, `github`, `gitlab`) are not folded.
pub fn folded<'a>(
    items: impl IntoIterator<Item = &'a Diagnostic>,
    all: bool,
    fresh: bool,
) -> Vec<std::borrow::Cow<'a, Diagnostic>> {
    use std::borrow::Cow;
    let items: Vec<&Diagnostic> = items.into_iter().collect();
    // Each code's warnings: how many in all, and how many met so far.
    let mut codes: Vec<(&'static str, usize, usize)> = Vec::new();
    for d in items.iter().filter(|d| !d.is_error()) {
        match codes.iter_mut().find(|(code, ..)| *code == d.code) {
            Some((_, total, _)) => *total += 1,
            None => codes.push((d.code, 1, 0)),
        }
    }
    let mut shown = Vec::with_capacity(items.len());
    for d in items {
        let Some((_, total, met)) =
            codes.iter_mut().find(|(code, ..)| *code == d.code).filter(|_| !all && !d.is_error())
        else {
            shown.push(Cow::Borrowed(d));
            continue;
        };
        *met += 1;
        if *met <= WARNINGS_SHOWN {
            shown.push(Cow::Borrowed(d));
        }
        if *met == WARNINGS_SHOWN && *total > WARNINGS_SHOWN {
            shown.push(Cow::Owned(more(d.code, *total, fresh)));
        }
    }
    shown
}

/// The warning that counts the `total - WARNINGS_SHOWN` warnings of `code` not shown.
fn more(code: &'static str, total: usize, fresh: bool) -> Diagnostic {
    let more = total - WARNINGS_SHOWN;
    let (s, are) = if more == 1 { ("", "is") } else { ("s", "are") };
    let (new, all) = if fresh { ("new ", "new since the last build") } else { ("", "in all") };
    let help = if fresh {
        "start `briefing serve` with `--all-warnings` to print every one; `briefing check --format json` lists them all"
    } else {
        "run again with `--all-warnings` to print every one (`--format json` lists them all too)"
    };
    Diagnostic::warning(code, format!("{more} more {new}warning{s} of this kind {are} not shown ({total} {all})"))
        .help(help)
}

/// Decodes UTF-8, locating the first invalid byte.
pub fn decode(rel: &str, mut bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(rel, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).to_string();
            let file = SourceFile::new(rel, lossy);
            Err(Diagnostic::error("invalid-utf8", format!("`{rel}` is not valid UTF-8"))
                .at(&file, at..at + 1, "this byte is not UTF-8")
                .help("save the file as UTF-8 (most editors: \"Save with encoding\" → UTF-8)"))
        }
    }
}

/// The error of a site file that could not be read.
pub fn io_error(rel: &str, message: &str) -> Diagnostic {
    Diagnostic::error("io-read", format!("cannot read `{rel}`: {message}"))
        .help("check that the file exists and that you may read it")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let file = SourceFile::new("content/claims.toml", "[[claim]]\nverdic = \"false\"\n");
        let d = Diagnostic::error("unknown-field", "unknown field `verdic` in [[claim]]")
            .at(&file, 10..16, "not a field of a claim")
            .help("did you mean `verdict`?");
        let text = d.render(false);
        assert_eq!(
            text,
            "error[unknown-field]: unknown field `verdic` in [[claim]]\n \
             --> content/claims.toml:2:1\n  \
             |\n\
             2 | verdic = \"false\"\n  \
             | ^^^^^^ not a field of a claim\n  \
             |\n  \
             = help: did you mean `verdict`?"
        );
        assert_eq!(d.line_col(), Some((2, 1)));
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        let d = Diagnostic::error("x", "a\u{1b}[2J b").note("bell\u{7} del\u{7f} csi\u{9b}").help("line\nbreak\ttab");
        let out = d.render(false);
        assert!(out.contains("a␛[2J b") && out.contains("bell␇ del␡ csi\\u{9b}"), "{out}");
        assert!(out.contains("break\ttab") && !out.contains(['\u{1b}', '\u{7}', '\u{7f}', '\u{9b}']), "{out}");
    }

    #[test]
    fn line_spans_match_line_span_in_any_order() {
        let text = "a\n\nbc\né\n\n\nlast line\nend";
        let file = SourceFile::new("a", text);
        let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
        for start in 0..=text.len() + 2 {
            for end in [start, start + 1, start + 4, text.len(), text.len() + 3] {
                spans.push(start..end.max(start));
            }
        }
        // In file order, backwards, and out of order.
        let backwards: Vec<_> = spans.iter().rev().cloned().collect();
        let mixed: Vec<_> = spans.iter().step_by(3).chain(spans.iter().step_by(2)).cloned().collect();
        for list in [&spans, &backwards, &mixed] {
            let want: Vec<_> = list.iter().map(|s| file.line_span(s)).collect();
            // Counted (a new file, in order), and looked up in the index of line starts.
            let fresh = SourceFile::new("a", text);
            assert_eq!(fresh.line_spans(list.iter()), want);
            assert_eq!(file.line_spans(list.iter()), want);
        }
        // More places than one thread's run, in order.
        let long = "x\n\ny\n".repeat(5000);
        let spans: Vec<std::ops::Range<usize>> = (0..long.len()).step_by(3).map(|s| s..s + 5).collect();
        let indexed = SourceFile::new("l", long.as_str());
        let want: Vec<_> = spans.iter().map(|s| indexed.line_span(s)).collect();
        assert_eq!(SourceFile::new("l", long.as_str()).line_spans(&spans), want);
        assert_eq!(SourceFile::new("e", "").line_spans([&(0..0)]), vec![(1, 1)]);
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let file = SourceFile::new("a", "é\nab€cd");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (2, 1));
        assert_eq!(file.line_col(8), (2, 4));
        // Offsets past the end or inside a character never panic.
        assert_eq!(file.line_col(1), (1, 1));
        assert_eq!(file.line_col(999), (2, 6));
    }

    #[test]
    fn spans_are_clamped() {
        let file = SourceFile::new("a", "abc");
        let d = Diagnostic::error("x", "y").at(&file, 2..99, "z");
        assert_eq!(d.primary.unwrap().span, 2..3);
    }
}
