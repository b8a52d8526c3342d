//! Article bodies as the reader sees them: safe markup interleaved with plain text.
//!
//! A body (markdown or plain text) is turned into a list of [`Piece`]s: trusted tags that
//! we wrote or that survived sanitizing, and text that is escaped when written. The
//! concatenated text is what quotes are matched against; since marks are inserted between
//! pieces when the page is written, a quote can span emphasis or links and the page's text
//! never changes apart from the marks.

use std::borrow::Cow;
use std::num::NonZeroU32;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};

use crate::model::highlight::Highlighter;

mod direct;

/// One piece of a rendered body. Pieces are small (12 bytes): a tag is a number, naming
/// one of the common tags or one of the body's own ([`Markup::tag`]), and a text piece is
/// a length, its text being the next stretch of [`Markup::text`] (a body's text is stored
/// once, not once per piece). Every parsed article keeps its pieces until its page is
/// written: at 10,000 articles, 1.8 million of them, 58 MB when each was 32 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// Markup written verbatim: a tag, already safe.
    Tag {
        /// The tag, e.g. `<p>` or `<a href="…">`: see [`Markup::tag`].
        tag: TagId,
        /// Whether it separates blocks (paragraphs, list items…): a reader sees a break
        /// there, so it counts as white space when quotes are matched.
        block: bool,
    },
    /// Text, unescaped; escaped when written.
    Text {
        /// Its length in bytes: the text follows the previous text piece's in
        /// [`Markup::text`].
        len: u32,
        /// The line in the source file its text starts on, where it is known (plain-text
        /// articles; markdown made straight from the parser's events).
        line: Option<NonZeroU32>,
    },
}

/// A tag of a body: the n-th of [`COMMON`], or past them, one of the body's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagId(u32);

/// Tags and layout that make up most pieces, shared rather than allocated per piece.
const COMMON: &[&str] = &[
    "<p>",
    "</p>",
    "\n",
    "<em>",
    "</em>",
    "<strong>",
    "</strong>",
    "<code>",
    "</code>",
    "<pre>",
    "</pre>",
    "<ul>",
    "</ul>",
    "<ol>",
    "</ol>",
    "<li>",
    "</li>",
    "<blockquote>",
    "</blockquote>",
    "<h1>",
    "</h1>",
    "<h2>",
    "</h2>",
    "<h3>",
    "</h3>",
    "<h4>",
    "</h4>",
    "<h5>",
    "</h5>",
    "<h6>",
    "</h6>",
    "<a>",
    "</a>",
    "<br />",
    "<br>",
    "<hr />",
    "<hr>",
    "</span>",
    "<del>",
    "</del>",
    "<table>",
    "</table>",
    "<thead>",
    "</thead>",
    "<tbody>",
    "</tbody>",
    "<tr>",
    "</tr>",
    "<th>",
    "</th>",
    "<td>",
    "</td>",
    "\n\n",
];

/// The number of `html` among the common tags, if it is one. Looked up by hash: every tag
/// of every body comes here, and comparing with each of the common ones in turn was a
/// few percent of a fresh build.
/// With it, whether that tag separates blocks: known once for each common tag.
fn common(html: &str) -> Option<(u32, bool)> {
    type ByText = foldhash::HashMap<&'static str, (u32, bool)>;
    static BY_TEXT: std::sync::OnceLock<ByText> = std::sync::OnceLock::new();
    let by_text = BY_TEXT.get_or_init(|| (0..).zip(COMMON).map(|(i, c)| (*c, (i, is_block_tag(c)))).collect());
    by_text.get(html).copied()
}

/// A rendered body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Markup {
    /// The pieces, in order.
    pub pieces: Vec<Piece>,
    /// The text of all `Text` pieces concatenated: the article as a reader reads it.
    pub text: String,
    /// The tags of this body that are not common ones (links, highlighted code's spans).
    own: Vec<Box<str>>,
}

impl Markup {
    /// The tag a piece names.
    pub fn tag(&self, tag: TagId) -> &str {
        let i = tag.0 as usize;
        match COMMON.get(i) {
            Some(c) => c,
            None => self.own.get(i - COMMON.len()).map_or("", |t| t),
        }
    }

    fn push_tag<'t>(&mut self, html: impl Into<Cow<'t, str>>) {
        let html = html.into();
        let piece = match common(&html) {
            Some((i, block)) => Piece::Tag { tag: TagId(i), block },
            None => Piece::Tag { block: is_block_tag(&html), tag: self.own_tag(html) },
        };
        self.pieces.push(piece);
    }

    /// A number for `html`: its place among the common tags, or among the body's own.
    fn tag_id(&mut self, html: Cow<'_, str>) -> TagId {
        match common(&html) {
            Some((i, _)) => TagId(i),
            None => self.own_tag(html),
        }
    }

    /// A number for a tag that is not a common one: its place among the body's own.
    fn own_tag(&mut self, html: Cow<'_, str>) -> TagId {
        self.own.push(html.into_owned().into_boxed_str());
        TagId(u32::try_from(COMMON.len() + self.own.len() - 1).unwrap_or(u32::MAX))
    }

    fn push_text(&mut self, text: &str, line: Option<usize>) {
        let line = line.and_then(|l| u32::try_from(l).ok()).and_then(NonZeroU32::new);
        // A piece's length is 32 bits: a longer stretch of text (4 GB) is several pieces.
        let mut rest = text;
        while !rest.is_empty() {
            let mut cut = rest.len().min(u32::MAX as usize);
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            self.text.push_str(&rest[..cut]);
            self.pieces.push(Piece::Text { len: cut as u32, line });
            rest = &rest[cut..];
        }
    }

    /// Appends `other`'s pieces and text (a highlighted block of code, parsed on its own).
    fn append(&mut self, other: &Markup) {
        self.text.push_str(&other.text);
        for &p in &other.pieces {
            let p = match p {
                Piece::Tag { tag, block } => Piece::Tag { tag: self.tag_id(Cow::Borrowed(other.tag(tag))), block },
                text => text,
            };
            self.pieces.push(p);
        }
    }

    /// Lets go of the room left by growing the body's lists: every parsed body is kept
    /// until its page is written.
    pub fn shrink_to_fit(&mut self) {
        self.pieces.shrink_to_fit();
        self.text.shrink_to_fit();
        self.own.shrink_to_fit();
    }

    /// The text pieces with their text and their offset in [`Markup::text`].
    pub fn texts(&self) -> impl Iterator<Item = (usize, &str, Option<usize>)> {
        let mut at = 0;
        self.pieces.iter().filter_map(move |p| match p {
            Piece::Text { len, line } => {
                let start = at;
                at += *len as usize;
                Some((start, &self.text[start..at], line.map(|l| l.get() as usize)))
            }
            Piece::Tag { .. } => None,
        })
    }

    /// Where a reader sees a paragraph end that the text does not write (one block's last
    /// word against the next one's first: "Monday.He said"): the byte offsets of
    /// [`Markup::text`] at which `claims.json`'s text has a line break (see [`with_seams`]).
    pub fn seams(&self) -> Vec<usize> {
        let text = &self.text;
        self.block_breaks()
            .into_iter()
            .filter(|&p| {
                p > 0
                    && p < text.len()
                    && !text[..p].ends_with(char::is_whitespace)
                    && !text[p..].starts_with(char::is_whitespace)
            })
            .collect()
    }

    /// Byte offsets in [`Markup::text`] where a block boundary falls.
    pub fn block_breaks(&self) -> Vec<usize> {
        let mut at = 0;
        let mut out = Vec::new();
        for p in &self.pieces {
            match p {
                Piece::Text { len, .. } => at += *len as usize,
                Piece::Tag { block: true, .. } => {
                    if out.last() != Some(&at) {
                        out.push(at)
                    }
                }
                Piece::Tag { .. } => {}
            }
        }
        out
    }

    /// Where a text offset falls: the source line if known, else the 1-based paragraph.
    pub fn locate(&self, offset: usize) -> Location {
        let mut at = 0;
        let mut paragraph = 0;
        let mut last_block = true;
        for p in &self.pieces {
            match p {
                // A line break separates words, not paragraphs.
                Piece::Tag { block, tag } => last_block |= *block && !self.tag(*tag).starts_with("<br"),
                Piece::Text { len, line } => {
                    let len = *len as usize;
                    if last_block {
                        paragraph += 1;
                        last_block = false;
                    }
                    if offset < at + len || (offset == at + len && offset == self.text.len()) {
                        // A markdown piece runs over the lines of its paragraph.
                        let down =
                            || memchr::memchr_iter(b'\n', &self.text.as_bytes()[at..offset.min(at + len)]).count();
                        return match line {
                            Some(l) => Location::Line(l.get() as usize + down()),
                            None => Location::Paragraph(paragraph),
                        };
                    }
                    at += len;
                }
            }
        }
        Location::Paragraph(paragraph.max(1))
    }

    /// The same markup with no piece's source line: what the two ways of making markdown
    /// pieces are compared on (reading HTML back knows no lines).
    #[doc(hidden)]
    pub fn without_lines(mut self) -> Markup {
        for p in &mut self.pieces {
            if let Piece::Text { line, .. } = p {
                *line = None;
            }
        }
        self
    }

    /// Writes the body as HTML without marks.
    pub fn to_html(&self) -> String {
        write_html(self, &[])
    }
}

/// Where in an article a passage is, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A line of the article file.
    Line(usize),
    /// The n-th paragraph of the rendered article.
    Paragraph(usize),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Line(l) => write!(f, "line {l}"),
            Location::Paragraph(p) => write!(f, "paragraph {p}"),
        }
    }
}

/// A plain-text body: each non-empty line one paragraph, shown exactly as written.
/// `first_line` is the file line the body starts on.
pub fn from_plain_text(body: &str, first_line: usize) -> Markup {
    let mut m = Markup::default();
    for (i, line) in body.split('\n').enumerate() {
        let line_text = line.strip_suffix('\r').unwrap_or(line);
        if line_text.trim().is_empty() {
            continue;
        }
        m.push_tag("<p>");
        m.push_text(line_text, Some(first_line + i));
        m.push_tag("</p>");
    }
    m
}

/// A markdown body: CommonMark with tables, footnotes and strikethrough; raw HTML is
/// sanitized, fenced code is highlighted. `first_line` is the file line the body starts
/// on: text made straight from the parser's events knows its line.
pub fn from_markdown(body: &str, first_line: usize, highlighter: &Highlighter) -> Markup {
    let (mut events, starts) = markdown_events(body);
    if has_raw_html(&events) {
        return sanitized(events, highlighter);
    }
    // Without raw HTML, pulldown-cmark escapes every text and attribute; what is left to
    // police is link and image addresses, and the ids footnotes write. This path is
    // several times faster than parsing the HTML again to sanitize it.
    events.iter_mut().for_each(police_in_place);
    if events.iter().all(direct::handles) {
        return direct::pieces(&events, direct::Lines::new(body, &starts, first_line), highlighter);
    }
    read_back(events, highlighter)
}

/// [`from_markdown`] as it was before pieces were made from the parser's events: by way
/// of the HTML pulldown-cmark writes, read back. Tests and the fuzzer hold the two to the
/// same pieces.
#[doc(hidden)]
pub fn from_markdown_via_html(body: &str, highlighter: &Highlighter) -> Markup {
    let (mut events, _) = markdown_events(body);
    if has_raw_html(&events) {
        return sanitized(events, highlighter);
    }
    events.iter_mut().for_each(police_in_place);
    read_back(events, highlighter)
}

/// Whether a body has raw HTML, from the web: only a real HTML sanitizer can be trusted
/// with it.
fn has_raw_html(events: &[Event<'_>]) -> bool {
    events.iter().any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)))
}

/// The pieces of a body with raw HTML: written to HTML, sanitized, and read back.
fn sanitized(events: Vec<Event<'_>>, highlighter: &Highlighter) -> Markup {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    tokenize(&sanitizer().clean(&html).to_string(), highlighter)
}

/// The pieces of a policed body, by way of the HTML pulldown-cmark writes.
fn read_back(events: Vec<Event<'_>>, highlighter: &Highlighter) -> Markup {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    tokenize(&html, highlighter)
}

/// The parser's events for a body, with the extensions articles may use, and where each
/// starts in the body.
fn markdown_events(body: &str) -> (Vec<Event<'_>>, Vec<u32>) {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    // `## Background {#background}`, as claims-format.md promises.
    options.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    let (mut events, mut starts) = (Vec::new(), Vec::new());
    for (e, r) in Parser::new_ext(body, options).into_offset_iter() {
        events.push(e);
        starts.push(u32::try_from(r.start).unwrap_or(u32::MAX));
    }
    (events, starts)
}

/// [`police`], in place: most events need nothing, and moving each one out and back was a
/// few percent of parsing a body.
fn police_in_place(event: &mut Event<'_>) {
    if matches!(
        event,
        Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::FootnoteDefinition(_)) | Event::FootnoteReference(_)
    ) || matches!(event, Event::Start(Tag::Heading { id, classes, attrs, .. }) if id.is_some() || !classes.is_empty() || !attrs.is_empty())
    {
        *event = police(std::mem::replace(event, Event::SoftBreak));
    }
}

/// Makes a markdown event safe to render: no dangerous URL scheme, footnote and heading
/// ids prefixed `c-` as the sanitizer prefixes content ids, and a heading's other
/// attributes (`{.class key=value}`) dropped, as the sanitizer drops them.
fn police(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Start(Tag::Heading { level, id, .. }) => Event::Start(Tag::Heading {
            level,
            id: id.map(|id| format!("c-{id}").into()),
            classes: Vec::new(),
            attrs: Vec::new(),
        }),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: safe_url(dest_url), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Image { link_type, dest_url: safe_url(dest_url), title, id })
        }
        Event::FootnoteReference(label) => Event::FootnoteReference(format!("c-{label}").into()),
        Event::Start(Tag::FootnoteDefinition(label)) => {
            Event::Start(Tag::FootnoteDefinition(format!("c-{label}").into()))
        }
        e => e,
    }
}

/// The URL if its scheme is harmless (http, https, mailto, or none: relative and
/// fragment links, whose fragments get the content prefix); otherwise nothing.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    if url.chars().any(|c| c.is_ascii_control() || c.is_whitespace()) {
        return CowStr::Borrowed("");
    }
    if let Some(fragment) = url.strip_prefix('#') {
        return format!("#c-{fragment}").into();
    }
    let scheme_end = url.find(':');
    let path_start = url.find(['/', '?', '#']).unwrap_or(url.len());
    match scheme_end {
        Some(i) if i < path_start => {
            let scheme = url[..i].to_ascii_lowercase();
            if matches!(scheme.as_str(), "http" | "https" | "mailto") { url } else { CowStr::Borrowed("") }
        }
        _ => url,
    }
}

/// The sanitizer for untrusted HTML. Ids and fragment links are prefixed with `c-` so that
/// content can neither collide with the ids briefing writes (`q-…`, `note-…`) nor fake them.
fn sanitizer() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id"]);
    b.add_tag_attributes("code", ["class"]);
    b.add_tag_attributes("a", ["id"]);
    // pulldown-cmark's footnote markers: a reference's number is markup, not text (Tokens).
    b.add_tag_attributes("sup", ["class"]);
    b.attribute_filter(|element, attribute, value| match (element, attribute) {
        (_, "id") => Some(format!("c-{value}").into()),
        ("a", "href") if value.starts_with('#') => Some(format!("#c-{}", &value[1..]).into()),
        ("sup", "class") => matches!(value, "footnote-reference" | "footnote-definition-label").then(|| value.into()),
        ("code", "class") => {
            let lang = value.split_whitespace().find_map(|c| c.strip_prefix("language-"))?;
            let ok = !lang.is_empty()
                && lang.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'#' | b'_' | b'.'));
            ok.then(|| format!("language-{lang}").into())
        }
        _ => Some(value.into()),
    });
    b
}

/// Splits sanitized HTML (as html5ever serializes it) into pieces, highlighting
/// `<pre><code class="language-x">` blocks on the way.
fn tokenize(html: &str, highlighter: &Highlighter) -> Markup {
    let mut tokens = Tokens::new(highlighter);
    let mut rest = html;
    while !rest.is_empty() {
        if rest.starts_with('<') {
            let end = tag_end(rest);
            tokens.tag(&rest[..end]);
            rest = &rest[end..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            tokens.text(&decode_entities(&rest[..end]));
            rest = &rest[end..];
        }
    }
    tokens.finish()
}

/// Turns a body's tags and texts, in the order HTML has them, into pieces: what reading
/// HTML back ([`tokenize`]) and the parser's events ([`direct`]) share, so that both
/// make the same pieces of the same markup.
struct Tokens<'h> {
    m: Markup,
    highlighter: &'h Highlighter,
    /// Set between `<pre><code class="language-x">` and `</code>`: the code's language.
    code_lang: Option<String>,
    code: String,
    /// The text since the last tag, unescaped: HTML's text between two tags is one piece.
    pending: String,
    /// The source line `pending` starts on, when known.
    line: Option<usize>,
    /// Set within a footnote's reference (`<sup class="footnote-reference">`): its number
    /// is markup, not the reader's text, or "on Saturday.[^1]" would read "Saturday.1" in
    /// `claims.json` and a quote could not span it.
    in_note_ref: bool,
}

impl<'h> Tokens<'h> {
    fn new(highlighter: &'h Highlighter) -> Self {
        Tokens {
            m: Markup::default(),
            highlighter,
            code_lang: None,
            code: String::new(),
            pending: String::new(),
            line: None,
            in_note_ref: false,
        }
    }

    /// Text, unescaped, to be joined with the text next to it.
    fn text(&mut self, text: &str) {
        self.pending.push_str(text);
    }

    /// [`Tokens::text`], from source line `line()`: asked only when the text starts a
    /// stretch, since a stretch knows the line it starts on.
    fn text_on(&mut self, text: &str, line: impl FnOnce() -> usize) {
        if self.pending.is_empty() {
            self.line = Some(line());
        }
        self.pending.push_str(text);
    }

    /// The text since the last tag, as one stretch.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            self.line = None;
            return;
        }
        let text = std::mem::take(&mut self.pending);
        let line = self.line.take();
        let m = &mut self.m;
        if self.code_lang.is_some() {
            self.code.push_str(&text);
        } else if self.in_note_ref {
            let tag = m.own_tag(Cow::Owned(escape(&text)));
            m.pieces.push(Piece::Tag { tag, block: false });
        } else if text.trim().is_empty() && matches!(m.pieces.last(), Some(Piece::Tag { block: true, .. })) {
            // White space between blocks: layout of the HTML, not text a reader sees.
            let tag = m.tag_id(Cow::Borrowed(text.as_str()));
            m.pieces.push(Piece::Tag { tag, block: false });
        } else {
            m.push_text(&text, line);
        }
        // Its room is kept for the next stretch.
        self.pending = text;
        self.pending.clear();
    }

    /// A tag, as HTML writes it.
    fn tag(&mut self, tag: &str) {
        self.flush();
        let m = &mut self.m;
        if self.code_lang.is_some() && tag == "</code>" {
            let lang = self.code_lang.take().unwrap_or_default();
            match self.highlighter.highlight(&lang, &self.code) {
                Some(h) => m.append(&tokenize(&h, self.highlighter)),
                None => m.push_text(&self.code, None),
            }
            self.code.clear();
            m.push_tag(tag);
            return;
        }
        // What the sanitizer emptied is dropped, so the page stays valid HTML: an image
        // whose address was refused, the `rel` of a link whose address was refused.
        if tag.starts_with("<img") && !tag.contains(" src=") {
            return;
        }
        if tag.starts_with("<a ") && !tag.contains(" href=") {
            return m.push_tag("<a>");
        }
        // Links to other sites carry no referrer, on both paths (ammonia adds it).
        if tag.starts_with("<a href=") && !tag.contains(" rel=") {
            return m.push_tag([&tag[..tag.len() - 1], " rel=\"noopener noreferrer\">"].concat());
        }
        if tag.starts_with("<sup class=\"footnote-reference\"") {
            self.in_note_ref = true;
        } else if tag == "</sup>" {
            self.in_note_ref = false;
        }
        if let Some(lang) = tag.strip_prefix("<code class=\"language-").and_then(|t| t.strip_suffix("\">")) {
            let in_pre = matches!(m.pieces.last(), Some(Piece::Tag { tag, .. }) if m.tag(*tag) == "<pre>");
            if in_pre {
                self.code_lang = Some(lang.to_string());
            }
        }
        m.push_tag(tag);
    }

    /// The pieces: code left open at the end is kept as text.
    fn finish(mut self) -> Markup {
        self.flush();
        if !self.code.is_empty() {
            self.m.push_text(&self.code, None);
        }
        self.m
    }
}

/// The length of the tag at the start of `s` (which starts with `<`), quotes in attribute
/// values respected.
pub(crate) fn tag_end(s: &str) -> usize {
    let mut quote: Option<u8> = None;
    for (i, b) in s.bytes().enumerate().skip(1) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

fn is_block_tag(tag: &str) -> bool {
    let name = tag.trim_start_matches('<').trim_start_matches('/');
    let end = name.bytes().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(name.len());
    let name = &name[..end];
    // Tag names are short: lowercased on the stack, not in a new string for every tag.
    let mut lower = [0u8; 10];
    let Some(buf) = lower.get_mut(..name.len()) else { return false };
    buf.copy_from_slice(name.as_bytes());
    buf.make_ascii_lowercase();
    matches!(
        &*buf,
        b"p" | b"div"
            | b"li"
            | b"ul"
            | b"ol"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"blockquote"
            | b"pre"
            | b"table"
            | b"thead"
            | b"tbody"
            | b"tr"
            | b"td"
            | b"th"
            | b"br"
            | b"hr"
            | b"dl"
            | b"dt"
            | b"dd"
            | b"figure"
            | b"figcaption"
            | b"section"
            | b"aside"
            | b"header"
            | b"footer"
            | b"article"
    )
}

/// Decodes the character references html5ever's serializer writes (and numeric ones).
fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let semi = rest.find(';').filter(|&j| j <= 10);
        let decoded = semi.and_then(|j| {
            let name = &rest[1..j];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let n = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"));
                    let code = match n {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => name.strip_prefix('#').and_then(|d| d.parse().ok()),
                    };
                    code.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, j + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Escapes text for HTML text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

/// Escapes `s` as [`escape`] does, onto the end of `out`.
pub fn escape_into(out: &mut String, s: &str) {
    // Runs of plain text copied whole: most text has nothing to escape.
    let mut rest = s;
    while let Some(i) = next_special(rest.as_bytes()) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// The first byte of `b` that HTML text must escape. Eight bytes at a time, with the
/// zero-byte test of "Bit Twiddling Hacks": every page's body goes through here, and one
/// byte at a time it was 6% of a fresh build's CPU.
fn next_special(b: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    let has = |w: u64, c: u8| {
        let v = w ^ (ONES * u64::from(c));
        v.wrapping_sub(ONES) & !v & HIGH
    };
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        if has(w, b'&') | has(w, b'<') | has(w, b'>') | has(w, b'"') | has(w, b'\'') != 0 {
            break;
        }
        i += 8;
    }
    b[i..].iter().position(|c| matches!(c, b'&' | b'<' | b'>' | b'"' | b'\'')).map(|p| i + p)
}

/// A passage to mark in a body: a byte range of [`Markup::text`] and the HTML around it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Highlight {
    /// Start of the passage in the text.
    pub start: usize,
    /// End of the passage in the text (exclusive).
    pub end: usize,
    /// The opening tag for the first part of the passage (carries the `id`).
    pub open: String,
    /// The opening tag for later parts, when markup splits the passage.
    pub reopen: String,
    /// The closing tag.
    pub close: String,
    /// Markup written right after the passage (its note); moved after an enclosing link,
    /// since links cannot nest.
    pub after: String,
}

/// Writes the body as HTML with passages marked. Highlights must not cross each other (one
/// may contain another); a passage cut by markup is marked in parts, so the HTML stays
/// well-formed whatever tags a quote spans.
pub fn write_html(m: &Markup, highlights: &[Highlight]) -> String {
    let mut w = Marking::new(m, highlights);
    let mut at = 0usize;
    for piece in &m.pieces {
        match piece {
            Piece::Tag { tag, .. } => w.tag(m.tag(*tag)),
            Piece::Text { len, .. } => {
                let len = *len as usize;
                w.text(at, at + len);
                at += len;
            }
        }
    }
    w.finish()
}

/// The state of [`write_html`]: the HTML so far and the passages open at this point.
struct Marking<'m> {
    text: &'m str,
    highlights: &'m [Highlight],
    /// Highlights by start (outer before inner at the same offset), and the next to open.
    starts: Vec<usize>,
    next_start: usize,
    out: String,
    /// The highlights open here, outermost first.
    stack: Vec<usize>,
    /// Whether each highlight's first part was written.
    opened: Vec<bool>,
    /// Whether the stack's tags are open in `out` (markup closes them for a while).
    in_output: bool,
    link_depth: usize,
    /// Notes waiting for a link to close.
    pending: Vec<usize>,
}

impl<'m> Marking<'m> {
    fn new(m: &'m Markup, highlights: &'m [Highlight]) -> Self {
        let mut starts: Vec<usize> = (0..highlights.len()).collect();
        starts.sort_by_key(|&i| (highlights[i].start, std::cmp::Reverse(highlights[i].end), i));
        Marking {
            text: &m.text,
            highlights,
            starts,
            next_start: 0,
            out: String::with_capacity(m.text.len() * 2),
            stack: Vec::new(),
            opened: vec![false; highlights.len()],
            in_output: false,
            link_depth: 0,
            pending: Vec::new(),
        }
    }

    /// Closes the open highlights' tags, to be reopened after markup.
    fn close_all(&mut self) {
        if self.in_output {
            for &i in self.stack.iter().rev() {
                self.out.push_str(&self.highlights[i].close);
            }
            self.in_output = false;
        }
    }

    /// A tag of markup: highlights pause around it; a note waits for its link to close.
    fn tag(&mut self, html: &str) {
        self.close_all();
        self.out.push_str(html);
        if html.starts_with("<a ") || html == "<a>" {
            self.link_depth += 1;
        } else if html == "</a>" {
            self.link_depth = self.link_depth.saturating_sub(1);
            if self.link_depth == 0 {
                for i in std::mem::take(&mut self.pending) {
                    self.out.push_str(&self.highlights[i].after);
                }
            }
        }
    }

    /// The text from `at` to `end`, with highlights opened and closed at their bounds.
    fn text(&mut self, at: usize, end: usize) {
        let mut pos = at;
        while pos < end {
            self.open_starting(pos);
            // Write up to the next boundary.
            let mut stop = end;
            if let Some(&top) = self.stack.last() {
                stop = stop.min(self.highlights[top].end);
            }
            if let Some(&next) = self.starts.get(self.next_start) {
                stop = stop.min(self.highlights[next].start.max(pos + 1));
            }
            let stop = ceil_boundary(self.text, stop.max(pos + 1)).min(end);
            escape_into(&mut self.out, &self.text[pos..stop]);
            pos = stop;
            self.close_ending(pos);
        }
    }

    /// Opens every highlight starting at or before `pos` (and reopens those paused).
    fn open_starting(&mut self, pos: usize) {
        while let Some(&i) = self.starts.get(self.next_start).filter(|&&i| self.highlights[i].start <= pos) {
            self.next_start += 1;
            if self.highlights[i].end <= pos {
                continue; // empty or already past: nothing to mark
            }
            self.resume();
            self.out.push_str(&self.highlights[i].open);
            self.opened[i] = true;
            self.stack.push(i);
        }
        if !self.stack.is_empty() {
            self.resume();
        }
    }

    fn resume(&mut self) {
        if !self.in_output {
            reopen(&mut self.out, self.highlights, &self.stack, &mut self.opened);
            self.in_output = true;
        }
    }

    /// Closes every highlight ending at `pos`, right away: its note belongs here.
    fn close_ending(&mut self, pos: usize) {
        while let Some(&top) = self.stack.last() {
            if self.highlights[top].end > pos {
                break;
            }
            self.stack.pop();
            if self.in_output {
                self.out.push_str(&self.highlights[top].close);
            }
            if self.link_depth > 0 {
                self.pending.push(top);
            } else {
                self.out.push_str(&self.highlights[top].after);
            }
        }
        if self.stack.is_empty() {
            self.in_output = false;
        }
    }

    fn finish(mut self) -> String {
        self.close_all();
        for i in std::mem::take(&mut self.stack).into_iter().rev().chain(std::mem::take(&mut self.pending)) {
            self.out.push_str(&self.highlights[i].after);
        }
        self.out
    }
}

fn reopen(out: &mut String, highlights: &[Highlight], stack: &[usize], opened: &mut [bool]) {
    for &i in stack {
        out.push_str(if opened[i] { &highlights[i].reopen } else { &highlights[i].open });
        opened[i] = true;
    }
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// `text`, which starts at byte `base` of a body's text, with a line break at each of
/// `seams` (offsets in the body's text, within `text`).
pub fn with_seams<'t>(text: &'t str, seams: &[usize], base: usize) -> Cow<'t, str> {
    if seams.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + seams.len());
    let mut at = 0;
    for &p in seams {
        let p = p.saturating_sub(base).min(text.len());
        out.push_str(&text[at..p]);
        out.push('\n');
        at = p;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// Renders trusted-but-sanitized markdown (claims' explanations, the lead) to HTML.
pub fn markdown_to_html(text: &str, highlighter: &Highlighter) -> String {
    from_markdown(text, 1, highlighter).to_html()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_text_knows_its_lines() {
        let h = Highlighter::new();
        let body = "# Title\n\nFirst line of a paragraph\nand its second, *emphasised* here.\n\n> quoted\n> on two lines\n\n- an item\n- another `code` item\n";
        let m = from_markdown(body, 5, &h);
        let line_of = |needle: &str| m.locate(m.text.find(needle).unwrap());
        for (needle, line) in [
            ("Title", 5),
            ("First", 7),
            ("and its", 8),
            ("emphasised", 8),
            (" here", 8),
            ("quoted", 10),
            ("on two", 11),
            ("an item", 13),
            ("another", 14),
            ("code", 14),
        ] {
            assert_eq!(line_of(needle), Location::Line(line), "{needle}");
        }
        // Tables and images are made from events too: each cell's text has its line.
        let table = from_markdown("a\n\n| x | z |\n|---|:-:|\n| y | w |\n\n![an *image*](i.png \"t\") after\n", 1, &h);
        let line_of = |needle: &str| table.locate(table.text.find(needle).unwrap());
        for (needle, line) in [("x", 3), ("z", 3), ("y", 5), ("w", 5), ("after", 7)] {
            assert_eq!(line_of(needle), Location::Line(line), "{needle}");
        }
        // And the text after an image or a hard break, on the next line.
        for body in ["a\n\n![alt](h.png \"T\")\ncaption", "a\n\nfirst  \ncaption", "a\n\nfirst\\\ncaption"] {
            let m = from_markdown(body, 1, &h);
            assert_eq!(m.locate(m.text.find("caption").unwrap()), Location::Line(4), "{body:?}");
        }
        // A line break is no new paragraph where paragraphs are counted (raw HTML here).
        let br = from_markdown("a <b>b</b>  \nc\n", 1, &h);
        assert_eq!(br.locate(br.text.find('c').unwrap()), Location::Paragraph(1));
        // And footnotes.
        let note = from_markdown("a\n\nb[^n]\n\n[^n]: c\n", 1, &h);
        assert_eq!(note.locate(note.text.find('b').unwrap()), Location::Line(3));
        assert_eq!(note.locate(note.text.find('c').unwrap()), Location::Line(5));
        // By way of HTML (raw HTML here), no line is known: paragraphs are counted.
        let raw = from_markdown("a\n\nb <b>c</b>\n", 1, &h);
        assert_eq!(raw.locate(raw.text.find('c').unwrap()), Location::Paragraph(2));
    }

    #[test]
    fn escaping_eight_bytes_at_a_time_finds_what_one_at_a_time_finds() {
        let alphabet = ['a', '&', '<', '>', '"', '\'', 'é', ' ', '\u{26}', '%', '\u{a6}'];
        let mut seed = 7u64;
        for len in 0..200 {
            let text: String = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    let k = (seed >> 33) as usize;
                    // Mostly plain letters, so that long runs without a special occur.
                    if k % 5 == 0 { alphabet[k % alphabet.len()] } else { 'x' }
                })
                .collect();
            let slow: String = text
                .chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c => c.to_string(),
                })
                .collect();
            assert_eq!(escape(&text), slow, "{text:?}");
        }
    }

    fn hl(start: usize, end: usize, name: &str) -> Highlight {
        Highlight {
            start,
            end,
            open: format!("<mark id=\"{name}\">"),
            reopen: "<mark>".into(),
            close: "</mark>".into(),
            after: format!("<sup>{name}</sup>"),
        }
    }

    #[test]
    fn plain_text_is_literal() {
        let m = from_plain_text("<script>alert(1)</script>\n*stars*\n\n# hash\n1. one\n&amp;\n", 3);
        assert_eq!(
            m.to_html(),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><p>*stars*</p><p># hash</p><p>1. one</p><p>&amp;amp;</p>"
        );
        assert_eq!(m.locate(0), Location::Line(3));
        assert_eq!(m.locate(m.text.find("# hash").unwrap()), Location::Line(6));
    }

    #[test]
    fn markdown_is_sanitized() {
        let h = Highlighter::new();
        let m = from_markdown(
            "Hi <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) <a href=\"#f\" id=\"q-1\">y</a>\n",
            1,
            &h,
        );
        let html = m.to_html();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("id=\"c-q-1\""), "{html}");
        assert!(html.contains("href=\"#c-f\""), "{html}");
        assert!(!h.is_loaded(), "no code block, no syntaxes");
    }

    /// Random bodies from the markup articles use, and from what only HTML handles:
    /// pieces straight from events are the pieces of the HTML read back.
    #[test]
    fn pieces_from_events_are_the_pieces_of_the_html() {
        let h = Highlighter::new();
        let bits = [
            "word ",
            "two words",
            "*em*",
            "**strong**",
            "~~del~~",
            "`code`",
            "`a <b> & c`",
            "[link](https://e.org/a?b=1&c=2 \"t&\\\"\")",
            "<https://e.org/x>",
            "<a@b.c>",
            "[rel](../x#y)",
            "[bad](javascript:x)",
            "a & b < c > d \" e ' f",
            "&amp; &nbsp; &#65;",
            "\n",
            "\n\n",
            "  \n",
            "\\\n",
            "\n> ",
            "\n- ",
            "\n1. ",
            "\n3. ",
            "\n# ",
            "\n### ",
            "\n---\n",
            "\n```rust\nlet a = \"<b>\";\n```\n",
            "\n```\nplain <x>\n```\n",
            "\n```toml x\na = 1\n```\n",
            "\n    indented code\n",
            "\n\n  - nested\n    - deeper\n",
            "\n| a | b |\n|---|:-:|\n| 1 | 2 |\n",
            "\n\n| *x* | `c` | ![i](j.png) |\n|:--|--:|---|\n| [l](u) |  | a \\| b |\n| one |\n",
            "\n\n| h |\n|---|\n",
            "![a [link](u) `c`\nsoft  \nhard ![in](k.png)](i.png)",
            "![](e.png)",
            "[![img](i.png \"t<\")](u)",
            "![alt[^m]](i.png)",
            "\n\n[^m]: *first* defined\n    more\n",
            "y[^m] z[^n] [^zz]",
            "x[^n]",
            "\n\n[^n]: note\n",
            "![alt *x*](i.png \"t\")",
            "<b>raw</b>",
            "\n# Head {#id .c}\n",
            "\n> [!NOTE]\n> x\n",
            "- [ ] task",
            "é ü 漢字",
            "\t",
            "1) ",
        ];
        let (mut seed, mut direct) = (11u64, 0);
        for _ in 0..4000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1442695040888963407);
            let n = (seed >> 60) as usize + 1;
            let mut body = String::new();
            for _ in 0..n {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1442695040888963407);
                body.push_str(bits[(seed >> 33) as usize % bits.len()]);
            }
            assert_eq!(from_markdown(&body, 1, &h).without_lines(), from_markdown_via_html(&body, &h), "{body:?}");
            direct += usize::from(markdown_events(&body).0.into_iter().map(police).all(|e| direct::handles(&e)));
        }
        assert!(direct > 1000, "only {direct} bodies made from events");
    }

    #[test]
    fn markdown_without_html_takes_the_fast_path_safely() {
        let h = Highlighter::new();
        for (md, bad) in [
            ("[x](javascript:alert(1))", "javascript"),
            ("[x](JaVaScRiPt:alert(1))", "alert"),
            ("[x](&#106;avascript:alert(1))", "alert"),
            ("![x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
            ("[x](<java\tscript:alert(1)>)", "script"),
            ("[x](vbscript:msgbox)", "vbscript"),
        ] {
            let html = from_markdown(md, 1, &h).to_html();
            assert!(!html.to_ascii_lowercase().contains(bad), "{md} -> {html}");
        }
        let html = from_markdown("[a](https://e.org/x:y) [b](../rel:x) [c](#top) [d](mailto:a@b.c)\n", 1, &h).to_html();
        assert!(html.contains("href=\"https://e.org/x:y\""), "{html}");
        assert!(html.contains("href=\"../rel:x\""), "{html}");
        assert!(html.contains("href=\"#c-top\""), "{html}");
        assert!(html.contains("href=\"mailto:a@b.c\""), "{html}");
        let html = from_markdown("x[^n]\n\n[^n]: note\n", 1, &h).to_html();
        assert!(html.contains("href=\"#c-n\"") && html.contains("id=\"c-n\""), "{html}");
    }

    #[test]
    fn a_headings_id_is_prefixed_and_its_other_attributes_dropped() {
        let h = Highlighter::new();
        for md in ["## Plain {#plain}\n\n[up](#plain)\n", "## Plain {#plain .x onclick=alert(1)}\n\n[up](#plain)\n"] {
            let html = from_markdown(md, 1, &h).to_html();
            assert!(html.starts_with("<h2 id=\"c-plain\">Plain</h2>"), "{html}");
            assert!(
                html.contains("href=\"#c-plain\"") && !html.contains("onclick") && !html.contains("class"),
                "{html}"
            );
        }
        // With raw HTML, by way of the sanitizer: the same.
        let html = from_markdown("## Plain {#plain onclick=x}\n\n<b>b</b>\n", 1, &h).to_html();
        assert!(html.starts_with("<h2 id=\"c-plain\">Plain</h2>") && !html.contains("onclick"), "{html}");
    }

    #[test]
    fn a_footnote_reference_is_not_the_readers_text() {
        let h = Highlighter::new();
        let m = from_markdown("It fell on Saturday.[^1] Then it rose.\n\n[^1]: A note.\n", 1, &h);
        assert!(m.text.contains("on Saturday. Then it rose."), "{:?}", m.text);
        assert!(m.text.contains("A note."), "{:?}", m.text);
        let html = m.to_html();
        assert!(html.contains(">1</a></sup>"), "{html}");
    }

    #[test]
    fn code_is_highlighted_and_its_text_kept() {
        let h = Highlighter::new();
        let m = from_markdown("```rust\nlet a = \"<b>\";\n```\n", 1, &h);
        assert!(m.text.contains("let a = \"<b>\";"), "{:?}", m.text);
        let html = m.to_html();
        assert!(html.contains("hl-"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
    }

    #[test]
    fn marks_split_across_markup() {
        let h = Highlighter::new();
        let m = from_markdown("one *two* three\n\nfour\n", 1, &h);
        assert_eq!(m.text, "one two threefour");
        let start = m.text.find("ne").unwrap();
        let end = m.text.find("thr").unwrap() + 3;
        let html = write_html(&m, &[hl(start, end, "a")]);
        assert_eq!(
            html,
            "<p>o<mark id=\"a\">ne </mark><em><mark>two</mark></em><mark> thr</mark><sup>a</sup>ee</p>\n<p>four</p>\n"
        );
    }

    #[test]
    fn nested_marks_and_notes_after_links() {
        let h = Highlighter::new();
        let m = from_markdown("see [the long link](https://e.org/) now\n", 1, &h);
        let s = m.text.find("the").unwrap();
        let html = write_html(&m, &[hl(s, s + 8, "outer"), hl(s + 4, s + 8, "inner")]);
        assert_eq!(
            html,
            "<p>see <a href=\"https://e.org/\" rel=\"noopener noreferrer\"><mark id=\"outer\">the <mark id=\"inner\">long</mark></mark> link</a><sup>inner</sup><sup>outer</sup> now</p>\n"
        );
    }

    #[test]
    fn a_mark_at_the_end_of_a_paragraph_keeps_its_note_there() {
        let m = from_plain_text("alpha\nbeta\n", 1);
        let html = write_html(&m, &[hl(0, 5, "a")]);
        assert_eq!(html, "<p><mark id=\"a\">alpha</mark><sup>a</sup></p><p>beta</p>");
    }

    #[test]
    fn block_breaks_and_entities() {
        let h = Highlighter::new();
        let m = from_markdown("a &amp; b\n\nc&nbsp;d\n", 1, &h);
        assert_eq!(m.text, "a & bc\u{a0}d");
        assert_eq!(m.block_breaks(), vec![0, 5, 9]);
        assert_eq!(m.locate(6), Location::Line(3));
    }
}
