//! briefing's TOML grammar (`syntaxes/toml.sublime-syntax`), read by hand.
//!
//! Every claim page shows its entry of the claims file highlighted. Through syntect's
//! regex engine that cost about 4 s of CPU for the 400,000 lines of a 20,000-claim
//! archive, a fifth of a fresh build's CPU. The grammar is ours and small, so this module
//! reads it directly: the same rules, tried in the same order at each position (the
//! leftmost match wins, and the earlier rule on a tie, as syntect does), giving the same
//! scope operations, turned into HTML as syntect's `line_tokens_to_classed_spans` does
//! (whose class names it looks up behind a global lock, for every span). The output is
//! byte-identical to syntect's; a test in `mod.rs` compares the two on every TOML file of
//! the repository and on 20,000 generated documents.
//!
//! The grammar's `\d` is any Unicode decimal digit: text with a digit outside ASCII is
//! left to syntect ([`html`] returns `None`).

use std::sync::OnceLock;

/// A scope's classes, as syntect writes them: `hl-string hl-quoted hl-double hl-toml`.
type Scope = &'static str;

/// What happens at a position of a line: a scope starts, or the latest one ends.
#[derive(Clone, Copy)]
enum Op {
    Push(Scope),
    Pop,
}

/// The grammar's scopes, as classes, made once.
struct Scopes {
    source: Scope,
    comment: Scope,
    array: [Scope; 3],
    table: [Scope; 3],
    key: Scope,
    assign: Scope,
    begin: Scope,
    end: Scope,
    escape: Scope,
    datetime: Scope,
    boolean: Scope,
    numeric: Scope,
    separator: Scope,
    /// The meta scopes of the four kinds of string, by [`Ctx`].
    strings: [Scope; 4],
}

fn scopes() -> &'static Scopes {
    static SCOPES: OnceLock<Scopes> = OnceLock::new();
    SCOPES.get_or_init(|| {
        // Made once per process (twenty short strings): kept for its life.
        let s = |name: &str| -> Scope {
            let classes: Vec<String> = name.split('.').map(|atom| format!("{}{atom}", super::PREFIX)).collect();
            Box::leak(classes.join(" ").into_boxed_str())
        };
        let t = |kind: &str| {
            [
                s(&format!("punctuation.definition.table{kind}.begin.toml")),
                s(&format!("entity.name.section.table{kind}.toml")),
                s(&format!("punctuation.definition.table{kind}.end.toml")),
            ]
        };
        Scopes {
            source: s("source.toml"),
            comment: s("comment.line.number-sign.toml"),
            array: t(".array"),
            table: t(""),
            key: s("variable.other.key.toml"),
            assign: s("keyword.operator.assignment.toml"),
            begin: s("punctuation.definition.string.begin.toml"),
            end: s("punctuation.definition.string.end.toml"),
            escape: s("constant.character.escape.toml"),
            datetime: s("constant.other.datetime.toml"),
            boolean: s("constant.language.boolean.toml"),
            numeric: s("constant.numeric.toml"),
            separator: s("punctuation.separator.toml"),
            strings: [
                s("string.quoted.double.toml"),
                s("string.quoted.single.toml"),
                s("string.quoted.triple.double.toml"),
                s("string.quoted.triple.single.toml"),
            ],
        }
    })
}

/// Every scope of the grammar, as classes (the same strings, at the same addresses, as
/// the highlighter uses).
pub fn all_scopes() -> Vec<Scope> {
    let sc = scopes();
    let mut all = vec![sc.source, sc.comment, sc.key, sc.assign, sc.begin, sc.end, sc.escape];
    all.extend([sc.datetime, sc.boolean, sc.numeric, sc.separator]);
    all.extend(sc.array.iter().chain(&sc.table).chain(&sc.strings));
    all
}

/// Every stack of scopes the grammar can make: the source alone, with one scope in it, or
/// with a string and its quotes or escapes.
#[cfg(test)]
pub fn all_stacks() -> Vec<Vec<Scope>> {
    let sc = scopes();
    let mut stacks = vec![vec![sc.source]];
    for scope in all_scopes().into_iter().filter(|s| *s != sc.source) {
        stacks.push(vec![sc.source, scope]);
    }
    for string in sc.strings {
        for inner in [sc.begin, sc.end, sc.escape] {
            stacks.push(vec![sc.source, string, inner]);
        }
    }
    stacks
}

/// The grammar's contexts: `main`, or inside one of the four kinds of string.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Main,
    Basic,
    Literal,
    TripleBasic,
    TripleLiteral,
}

/// What a rule matched: its span, and what it does.
struct Token {
    start: usize,
    end: usize,
    kind: Kind,
}

enum Kind {
    /// One scope over the whole match.
    Scoped(Scope),
    /// A table header: its three captures' scopes, where its brackets open, where its name
    /// starts and ends.
    Header(&'static [Scope; 3], usize, usize, usize),
    /// A key and its `=`, at the given offset.
    Key(usize),
    /// A string's opening quotes: pushes the context.
    Open(Ctx),
    /// A string's closing quotes: pops the context.
    Close,
    /// The end of a line inside a one-line string: pops it, matching nothing.
    LineEnd,
}

/// `code` highlighted as syntect highlights it with the TOML grammar, with `hl-` classes;
/// `None` when it holds a non-ASCII digit (see the module's note).
pub fn html(code: &str) -> Option<String> {
    let mut out = String::with_capacity(code.len() * 4);
    let mut open = 0;
    each_line(code, |line, ops| {
        spans(line, ops, &mut out, &mut open);
        Some(())
    })?;
    for _ in 0..open {
        out.push_str("</span>");
    }
    Some(out)
}

/// Calls `each` with every line of `code` and its scope operations, until it returns
/// `None`; `None` then, or when `code` holds a non-ASCII digit.
fn each_line(code: &str, mut each: impl FnMut(&str, &[(usize, Op)]) -> Option<()>) -> Option<()> {
    if code.chars().any(|c| !c.is_ascii() && c.is_numeric()) {
        return None;
    }
    let mut ctx = Ctx::Main;
    let mut ops = Vec::new();
    for (n, line) in code.split_inclusive('\n').enumerate() {
        ops.clear();
        if n == 0 {
            ops.push((0, Op::Push(scopes().source)));
        }
        ctx = parse_line(line, ctx, &mut ops);
        each(line, &ops)?;
    }
    Some(())
}

/// `code` highlighted with one short class per run of text that looks the same (see
/// `classes.rs`), for a page whose stylesheet is briefing's own; `None` as for [`html`], or
/// should the grammar give a stack of scopes that the classes do not cover.
///
/// A claims-file entry in syntect's classes is half of a claim page's bytes: every token
/// carries its scopes' atoms (`hl-punctuation hl-definition hl-string hl-begin hl-toml`),
/// nested three deep. Flat runs make the entry a third of that size, and look the same:
/// each run's class has the style that the stylesheet's rules give the scopes it stands
/// for.
pub fn compact(code: &str) -> Option<String> {
    let mut runs = Runs { out: String::with_capacity(code.len() * 2), class: "" };
    let mut stack: Vec<Scope> = Vec::with_capacity(4);
    each_line(code, |line, ops| {
        let mut at = 0;
        for &(i, op) in ops {
            if i > at {
                runs.text(&line[at..i], super::classes::of(&stack)?);
                at = i;
            }
            match op {
                Op::Push(scope) => stack.push(scope),
                Op::Pop => {
                    stack.pop();
                }
            }
        }
        if line.len() > at {
            runs.text(&line[at..], super::classes::of(&stack)?);
        }
        Some(())
    })?;
    runs.text("", "");
    Some(runs.out)
}

/// HTML made of runs of text, each in a span of its class (none for `""`).
struct Runs {
    out: String,
    /// The class of the run being written.
    class: &'static str,
}

impl Runs {
    /// Adds `text` shown with `class`: to the run being written, or in a new one.
    fn text(&mut self, text: &str, class: &'static str) {
        if class != self.class {
            if !self.class.is_empty() {
                self.out.push_str("</span>");
            }
            if !class.is_empty() {
                self.out.push_str("<span class=\"");
                self.out.push_str(class);
                self.out.push_str("\">");
            }
            self.class = class;
        }
        // Text, not an attribute: quotes need no escaping.
        let mut last = 0;
        for (i, b) in text.bytes().enumerate() {
            let entity = match b {
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'&' => "&amp;",
                _ => continue,
            };
            self.out.push_str(&text[last..i]);
            self.out.push_str(entity);
            last = i + 1;
        }
        self.out.push_str(&text[last..]);
    }
}

/// A line's text and its scopes' spans, as syntect's `line_tokens_to_classed_spans` writes
/// them: a span that ends where it starts, on the same line, is left out; `open` counts
/// the spans left open.
fn spans(line: &str, ops: &[(usize, Op)], out: &mut String, open: &mut usize) {
    let (mut at, mut empty, mut start) = (0, false, 0);
    for &(i, op) in ops {
        if i > at {
            empty = false;
            escape_into(out, &line[at..i]);
            at = i;
        }
        match op {
            Op::Push(classes) => {
                (start, empty) = (out.len(), true);
                out.push_str("<span class=\"");
                out.push_str(classes);
                out.push_str("\">");
                *open += 1;
            }
            Op::Pop => {
                if empty {
                    out.truncate(start);
                } else {
                    out.push_str("</span>");
                }
                empty = false;
                *open = open.saturating_sub(1);
            }
        }
    }
    escape_into(out, &line[at..]);
}

/// `text` escaped as syntect escapes it: `<`, `>`, `&`, `'` and `"`.
fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'\'' => "&#39;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(entity);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

/// Reads one line from context `ctx`, adding its scope operations to `ops`; returns the
/// context the line ends in.
fn parse_line(line: &str, mut ctx: Ctx, ops: &mut Vec<(usize, Op)>) -> Ctx {
    let sc = scopes();
    let mut pos = 0;
    while let Some(tok) = next(line, pos, ctx) {
        let (s, e) = (tok.start, tok.end);
        match tok.kind {
            Kind::Scoped(scope) => scoped(ops, scope, s, e),
            Kind::Header(caps, open, a, b) => {
                scoped(ops, caps[0], open, a);
                if b > a {
                    scoped(ops, caps[1], a, b);
                }
                scoped(ops, caps[2], b, e);
            }
            Kind::Key(eq) => {
                let key_end = line[..eq].trim_end().len();
                scoped(ops, sc.key, s, key_end);
                scoped(ops, sc.assign, eq, e);
            }
            Kind::Open(to) => {
                ops.push((s, Op::Push(sc.strings[to as usize - 1])));
                scoped(ops, sc.begin, s, e);
                ctx = to;
            }
            Kind::Close => {
                scoped(ops, sc.end, s, e);
                ops.push((e, Op::Pop));
                ctx = Ctx::Main;
            }
            Kind::LineEnd => {
                ops.push((s, Op::Pop));
                ctx = Ctx::Main;
            }
        }
        pos = e;
    }
    ctx
}

/// A scope pushed at `s` and popped at `e`.
fn scoped(ops: &mut Vec<(usize, Op)>, scope: Scope, s: usize, e: usize) {
    ops.push((s, Op::Push(scope)));
    ops.push((e, Op::Pop));
}

/// The leftmost match at or after `pos` of `ctx`'s rules, the earlier rule on a tie.
fn next(line: &str, pos: usize, ctx: Ctx) -> Option<Token> {
    let rest = line[pos..].char_indices().map(|(i, _)| pos + i).chain(std::iter::once(line.len()));
    for i in rest {
        let found = match ctx {
            Ctx::Main => main_at(line, i),
            Ctx::Basic | Ctx::TripleBasic | Ctx::Literal | Ctx::TripleLiteral => string_at(line, i, ctx),
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The first of a string's rules to match at `i`: an escape (in basic strings), the
/// closing quotes, and the line's end (in one-line strings).
fn string_at(line: &str, i: usize, ctx: Ctx) -> Option<Token> {
    let at = &line[i..];
    let token = |end, kind| Some(Token { start: i, end, kind });
    if matches!(ctx, Ctx::Basic | Ctx::TripleBasic)
        && at.starts_with('\\')
        && let Some(c) = at[1..].chars().next().filter(|&c| c != '\n')
    {
        return token(i + 1 + c.len_utf8(), Kind::Scoped(scopes().escape));
    }
    let close = match ctx {
        Ctx::Basic => "\"",
        Ctx::Literal => "'",
        Ctx::TripleBasic => "\"\"\"",
        _ => "'''",
    };
    if at.starts_with(close) {
        return token(i + close.len(), Kind::Close);
    }
    let one_line = matches!(ctx, Ctx::Basic | Ctx::Literal);
    if one_line && (at.is_empty() || at.starts_with('\n')) {
        return token(i, Kind::LineEnd);
    }
    None
}

/// The first of `main`'s rules to match at `i`: a comment, a table header (at the start
/// of the line), a key and its `=`, then the values' rules.
fn main_at(line: &str, i: usize) -> Option<Token> {
    let sc = scopes();
    let at = &line[i..];
    let token = |end, kind| Some(Token { start: i, end, kind });
    if at.starts_with('#') {
        let end = at.find('\n').map_or(line.len(), |n| i + n);
        return token(end, Kind::Scoped(sc.comment));
    }
    if i == 0
        && let Some(t) = header(line, "[[", "]]", &sc.array).or_else(|| header(line, "[", "]", &sc.table))
    {
        return Some(t);
    }
    if let Some(eq) = key(at) {
        return token(i + eq + 1, Kind::Key(i + eq));
    }
    value_at(line, i)
}

/// `^\s*(open)([^\]#]*)(close)` on the whole line.
fn header(line: &str, open: &str, close: &str, caps: &'static [Scope; 3]) -> Option<Token> {
    let start = line.len() - line.trim_start().len();
    let name = start + open.len();
    if !line[start..].starts_with(open) {
        return None;
    }
    let name_end = line[name..].find([']', '#']).map_or(line.len(), |n| name + n);
    line[name_end..].starts_with(close).then(|| Token {
        start: 0,
        end: name_end + close.len(),
        kind: Kind::Header(caps, start, name, name_end),
    })
}

/// `([A-Za-z0-9_.-]+|"[^"\n]*"|'[^'\n]*')\s*(=)` at the start of `at`: the offset of
/// the `=`.
fn key(at: &str) -> Option<usize> {
    let bare = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    let end = match at.chars().next()? {
        q @ ('"' | '\'') => 1 + at[1..].find([q, '\n']).filter(|&n| at[1 + n..].starts_with(q))? + 1,
        c if bare(c) => at.find(|c| !bare(c)).unwrap_or(at.len()),
        _ => return None,
    };
    let spaces = at[end..].len() - at[end..].trim_start().len();
    at[end + spaces..].starts_with('=').then_some(end + spaces)
}

/// The first of the values' rules to match at `i`: strings, a date and time, a boolean,
/// a number, a bracket or separator.
fn value_at(line: &str, i: usize) -> Option<Token> {
    let sc = scopes();
    let at = &line[i..];
    let token = |end, kind| Some(Token { start: i, end, kind });
    for (quotes, ctx) in
        [("\"\"\"", Ctx::TripleBasic), ("'''", Ctx::TripleLiteral), ("\"", Ctx::Basic), ("'", Ctx::Literal)]
    {
        if at.starts_with(quotes) {
            return token(i + quotes.len(), Kind::Open(ctx));
        }
    }
    if let Some(n) = datetime(at.as_bytes()) {
        return token(i + n, Kind::Scoped(sc.datetime));
    }
    if let Some(n) = boolean(line, i) {
        return token(i + n, Kind::Scoped(sc.boolean));
    }
    if let Some(n) = number(at.as_bytes()) {
        return token(i + n, Kind::Scoped(sc.numeric));
    }
    if at.starts_with(['[', ']', '{', '}', ',']) {
        return token(i + 1, Kind::Scoped(sc.separator));
    }
    None
}

/// How many of `b`'s first bytes are digits (ASCII: see the module's note).
fn digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// Exactly `n` digits at the start of `b`.
fn exactly(b: &[u8], n: usize) -> bool {
    b.len() >= n && b[..n].iter().all(u8::is_ascii_digit)
}

/// `\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?([Zz]|[+-]\d{2}:\d{2})?`: its
/// length at the start of `b`.
fn datetime(b: &[u8]) -> Option<usize> {
    let ok = exactly(b, 4) && b.get(4) == Some(&b'-') && exactly(&b[5..], 2) && b.get(7) == Some(&b'-');
    if !(ok && exactly(&b[8..], 2)) {
        return None;
    }
    let mut n = 10;
    let time = |b: &[u8]| {
        matches!(b.first(), Some(b'T' | b't' | b' '))
            && exactly(&b[1..], 2)
            && b.get(3) == Some(&b':')
            && exactly(&b[4..], 2)
    };
    if time(&b[n..]) {
        n += 6;
        if b.get(n) == Some(&b':') && exactly(&b[n + 1..], 2) {
            n += 3;
            if b.get(n) == Some(&b'.') && digits(&b[n + 1..]) > 0 {
                n += 1 + digits(&b[n + 1..]);
            }
        }
    }
    match b.get(n) {
        Some(b'Z' | b'z') => n += 1,
        Some(b'+' | b'-') if exactly(&b[n + 1..], 2) && b.get(n + 3) == Some(&b':') && exactly(&b[n + 4..], 2) => {
            n += 6
        }
        _ => {}
    }
    Some(n)
}

/// `\b(true|false)\b` at `i` of `line`: its length.
fn boolean(line: &str, i: usize) -> Option<usize> {
    let word = |c: Option<char>| c.is_some_and(regex_syntax::is_word_character);
    let at = &line[i..];
    let n = ["true", "false"].into_iter().find(|w| at.starts_with(w))?.len();
    (!word(line[..i].chars().next_back()) && !word(at[n..].chars().next())).then_some(n)
}

/// `[+-]?(0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|inf|nan|\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?)`
/// at the start of `b`: its length.
fn number(b: &[u8]) -> Option<usize> {
    let sign = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let b = &b[sign..];
    let run = |b: &[u8], ok: fn(&u8) -> bool| b.iter().take_while(|c| ok(c)).count();
    for (prefix, ok) in [
        (&b"0x"[..], (|c: &u8| c.is_ascii_hexdigit() || *c == b'_') as fn(&u8) -> bool),
        (b"0o", |c| (b'0'..=b'7').contains(c) || *c == b'_'),
        (b"0b", |c| matches!(c, b'0' | b'1' | b'_')),
    ] {
        if b.starts_with(prefix) && run(&b[2..], ok) > 0 {
            return Some(sign + 2 + run(&b[2..], ok));
        }
    }
    if b.starts_with(b"inf") || b.starts_with(b"nan") {
        return Some(sign + 3);
    }
    let int = |b: &[u8]| {
        if b.first().is_some_and(u8::is_ascii_digit) {
            1 + run(&b[1..], |c| c.is_ascii_digit() || *c == b'_')
        } else {
            0
        }
    };
    let mut n = int(b);
    if n == 0 {
        return None;
    }
    if b.get(n) == Some(&b'.') && int(&b[n + 1..]) > 0 {
        n += 1 + int(&b[n + 1..]);
    }
    if matches!(b.get(n), Some(b'e' | b'E')) {
        let s = usize::from(matches!(b.get(n + 1), Some(b'+' | b'-')));
        let d = digits(&b[n + 1 + s..]);
        if d > 0 {
            n += 1 + s + d;
        }
    }
    Some(sign + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_dates_and_keys_are_read_as_the_grammar_reads_them() {
        assert_eq!(number(b"-0x_1fz"), Some(6));
        assert_eq!(number(b"0xz"), Some(1));
        assert_eq!(number(b"1_000.5e-3,"), Some(10));
        assert_eq!(number(b"1.e5"), Some(1));
        assert_eq!(number(b"+nano"), Some(4));
        assert_eq!(datetime(b"2026-11-22T10:30:05.25+01:00 "), Some(28));
        assert_eq!(datetime(b"2026-11-22 10:3"), Some(10));
        assert_eq!(key("a.b-c = 1"), Some(6));
        assert_eq!(key("\"a b\"= 1"), Some(5));
        assert_eq!(key("a b = 1"), None);
        assert_eq!(boolean("xtrue", 1), None);
        assert_eq!(boolean("[true]", 1), Some(4));
    }
}
