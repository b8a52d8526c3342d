//! Pieces made straight from pulldown-cmark's events, for the markup most articles use.
//!
//! A body used to be written to HTML by pulldown-cmark and read back into pieces
//! ([`super::tokenize`]): at 10,000 markdown articles, writing and reading back was a tenth
//! of a fresh build's CPU. Here each event gives the tags and text pulldown-cmark's HTML
//! writer would have written for it (its line breaks between blocks included), and they
//! go through the same [`Tokens`] as HTML read back, so both ways make the same pieces.
//! Bodies with anything else (raw HTML, headings with attributes, alerts, task lists) still
//! go by way of HTML.
//! Tests and the fuzzer hold the two ways to the same pieces.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, LinkType, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use super::{Markup, Tokens, tag_end};
use crate::model::highlight::Highlighter;

/// Whether [`pieces`] can make what pulldown-cmark's HTML writer makes of `event`.
pub(super) fn handles(event: &Event<'_>) -> bool {
    match event {
        Event::Start(Tag::Heading { id, classes, attrs, .. }) => id.is_none() && classes.is_empty() && attrs.is_empty(),
        Event::Start(tag) => matches!(
            tag,
            Tag::Paragraph
                | Tag::BlockQuote(None)
                | Tag::CodeBlock(_)
                | Tag::List(_)
                | Tag::Item
                | Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::Table(_)
                | Tag::TableHead
                | Tag::TableRow
                | Tag::TableCell
                | Tag::FootnoteDefinition(_)
        ),
        Event::End(tag) => matches!(
            tag,
            TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::List(_)
                | TagEnd::Item
                | TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Table
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::TableCell
                | TagEnd::FootnoteDefinition
        ),
        Event::Text(_)
        | Event::Code(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::Rule
        | Event::FootnoteReference(_) => true,
        _ => false,
    }
}

/// The pieces of a body whose every event [`handles`] accepts (and that was policed),
/// each text with its source line from `lines`.
pub(super) fn pieces(events: &[Event<'_>], mut lines: Lines<'_>, highlighter: &Highlighter) -> Markup {
    let mut w = Writer {
        tokens: Tokens::new(highlighter),
        end_newline: true,
        table: Table::default(),
        alt: None,
        notes: Notes::default(),
    };
    for (i, event) in events.iter().enumerate() {
        w.event(event, || lines.of(i));
    }
    w.tokens.finish()
}

/// The source line each event starts on, counted as the events go (they come in the
/// body's order but for a few, such as a link's reference definition, which are counted
/// again from the start). One pass of `memchr` over the body in all.
pub(super) struct Lines<'b> {
    body: &'b [u8],
    starts: &'b [u32],
    /// The body's first line in its file.
    first: usize,
    /// Up to where lines are counted, and how many there are before it.
    at: usize,
    before: usize,
}

impl<'b> Lines<'b> {
    /// The lines of `body`, which starts on line `first` of its file; `starts` are its
    /// events' byte offsets.
    pub(super) fn new(body: &'b str, starts: &'b [u32], first: usize) -> Self {
        Lines { body: body.as_bytes(), starts, first, at: 0, before: 0 }
    }

    /// The file line event `i` starts on.
    fn of(&mut self, i: usize) -> usize {
        let to = (self.starts.get(i).copied().unwrap_or(0) as usize).min(self.body.len());
        if to < self.at {
            (self.at, self.before) = (0, 0);
        }
        self.before += memchr::memchr_iter(b'\n', &self.body[self.at..to]).count();
        self.at = to;
        self.first + self.before
    }
}

/// pulldown-cmark's HTML writer (`pulldown_cmark::html`), its output split into tags and
/// text as it goes.
struct Writer<'h> {
    tokens: Tokens<'h>,
    /// Whether the output ends a line: the writer puts a line break before a block
    /// otherwise.
    end_newline: bool,
    /// The table being written.
    table: Table,
    /// The image being written, while its `alt` text is read.
    alt: Option<Alt>,
    /// The footnotes' numbers.
    notes: Notes,
}

/// Footnotes numbered as pulldown-cmark numbers them: by first mention, reference or
/// definition.
#[derive(Default)]
struct Notes(std::collections::HashMap<String, usize>);

impl Notes {
    /// The number of the footnote `name`: the next one, at its first mention.
    fn number(&mut self, name: &str) -> String {
        let next = self.0.len() + 1;
        self.0.entry(name.to_string()).or_insert(next).to_string()
    }
}

/// Where the writer is in a table: its columns' alignments, whether past its head row,
/// and the cell's column.
#[derive(Default)]
struct Table {
    alignments: Vec<Alignment>,
    body: bool,
    cell: usize,
}

/// An image's tag as it is written: its `alt` attribute is the text of every event up to
/// the image's end, escaped (pulldown-cmark's `raw_text`), so that no text piece is made
/// of it.
struct Alt {
    html: String,
    title: String,
    /// How many tags inside the image are open.
    nest: usize,
}

impl Writer<'_> {
    /// Markup the writer writes: tags, and the line breaks between them.
    fn write(&mut self, html: &str) {
        let mut rest = html;
        while !rest.is_empty() {
            if rest.starts_with('<') {
                let (tag, after) = rest.split_at(tag_end(rest));
                self.tokens.tag(tag);
                rest = after;
            } else {
                let (text, after) = rest.split_at(rest.find('<').unwrap_or(rest.len()));
                self.tokens.text(text);
                rest = after;
            }
        }
        if !html.is_empty() {
            self.end_newline = html.ends_with('\n');
        }
    }

    /// A block's opening markup, on a line of its own.
    fn block(&mut self, html: &str) {
        if !self.end_newline {
            self.write("\n");
        }
        self.write(html);
    }

    fn event(&mut self, event: &Event<'_>, mut line: impl FnMut() -> usize) {
        if self.alt.is_some() {
            return self.in_alt(event);
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(*tag),
            Event::Text(text) => {
                self.tokens.text_on(text, line);
                self.end_newline = text.ends_with('\n');
            }
            Event::Code(text) => {
                self.write("<code>");
                self.tokens.text_on(text, line);
                self.write("</code>");
            }
            // A break's line ending is text: it starts the stretch after an image or a
            // hard break, which takes its line from it.
            Event::SoftBreak => self.line_end(line),
            Event::HardBreak => {
                self.write("<br />");
                self.line_end(line);
            }
            Event::Rule => self.block("<hr />\n"),
            Event::FootnoteReference(name) => {
                let mut html = String::from("<sup class=\"footnote-reference\"><a href=\"#");
                let _ = escape_html(&mut html, name);
                html.push_str("\">");
                self.write(&html);
                self.tokens.text_on(&self.notes.number(name), &mut line);
                self.write("</a></sup>");
            }
            // Not handled (see `handles`): such a body goes by way of HTML.
            _ => {}
        }
    }

    /// A line ending, written as text on line `line()`.
    fn line_end(&mut self, line: impl FnMut() -> usize) {
        self.tokens.text_on("\n", line);
        self.end_newline = true;
    }

    /// An event inside an image: part of its `alt` text, or its end.
    fn in_alt(&mut self, event: &Event<'_>) {
        let Some(alt) = &mut self.alt else { return };
        match event {
            Event::Start(_) => alt.nest += 1,
            Event::End(_) if alt.nest > 0 => alt.nest -= 1,
            Event::End(_) => {
                let mut html = std::mem::take(&mut alt.html);
                if !alt.title.is_empty() {
                    html.push_str("\" title=\"");
                    let _ = escape_html(&mut html, &alt.title);
                }
                html.push_str("\" />");
                self.alt = None;
                self.write(&html);
            }
            Event::Text(text) | Event::Code(text) | Event::InlineHtml(text) => {
                let _ = escape_html(&mut alt.html, text);
            }
            Event::SoftBreak | Event::HardBreak | Event::Rule => alt.html.push(' '),
            Event::FootnoteReference(name) => {
                let n = self.notes.number(name);
                alt.html.push_str(&format!("[{n}]"));
            }
            _ => {}
        }
    }

    /// A table cell's opening tag, aligned as its column.
    fn cell(&mut self) {
        let tag = if self.table.body { "<td" } else { "<th" };
        let style = match self.table.alignments.get(self.table.cell) {
            Some(Alignment::Left) => " style=\"text-align: left\">",
            Some(Alignment::Center) => " style=\"text-align: center\">",
            Some(Alignment::Right) => " style=\"text-align: right\">",
            _ => ">",
        };
        self.write(&format!("{tag}{style}"));
    }

    fn start(&mut self, tag: &Tag<'_>) {
        match tag {
            Tag::Paragraph => self.block("<p>"),
            Tag::Heading { level, .. } => self.block(&format!("<{level}>")),
            Tag::BlockQuote(_) => self.block("<blockquote>\n"),
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split(' ').next().unwrap_or(""),
                    CodeBlockKind::Indented => "",
                };
                if lang.is_empty() {
                    self.block("<pre><code>");
                } else {
                    let mut html = String::from("<pre><code class=\"language-");
                    let _ = escape_html(&mut html, lang);
                    html.push_str("\">");
                    self.block(&html);
                }
            }
            Tag::List(Some(1)) => self.block("<ol>\n"),
            Tag::List(Some(start)) => self.block(&format!("<ol start=\"{start}\">\n")),
            Tag::List(None) => self.block("<ul>\n"),
            Tag::Item => self.block("<li>"),
            Tag::Emphasis => self.write("<em>"),
            Tag::Strong => self.write("<strong>"),
            Tag::Strikethrough => self.write("<del>"),
            Tag::Link { link_type, dest_url, title, .. } => {
                let mut html = String::from("<a href=\"");
                if *link_type == LinkType::Email {
                    html.push_str("mailto:");
                }
                let _ = escape_href(&mut html, dest_url);
                if !title.is_empty() {
                    html.push_str("\" title=\"");
                    let _ = escape_html(&mut html, title);
                }
                html.push_str("\">");
                self.write(&html);
            }
            Tag::Image { dest_url, title, .. } => {
                let mut html = String::from("<img src=\"");
                let _ = escape_href(&mut html, dest_url);
                html.push_str("\" alt=\"");
                self.alt = Some(Alt { html, title: title.to_string(), nest: 0 });
            }
            Tag::Table(alignments) => {
                self.table.alignments.clone_from(alignments);
                self.write("<table>");
            }
            Tag::TableHead => {
                (self.table.body, self.table.cell) = (false, 0);
                self.write("<thead><tr>");
            }
            Tag::TableRow => {
                self.table.cell = 0;
                self.write("<tr>");
            }
            Tag::TableCell => self.cell(),
            Tag::FootnoteDefinition(name) => {
                let mut html = String::from("<div class=\"footnote-definition\" id=\"");
                let _ = escape_html(&mut html, name);
                html.push_str("\"><sup class=\"footnote-definition-label\">");
                self.block(&html);
                self.tokens.text(&self.notes.number(name));
                self.write("</sup>");
            }
            // Not handled (see `handles`).
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.write("</p>\n"),
            TagEnd::Heading(level) => self.write(&format!("</{level}>\n")),
            TagEnd::BlockQuote(_) => self.write("</blockquote>\n"),
            TagEnd::CodeBlock => self.write("</code></pre>\n"),
            TagEnd::List(true) => self.write("</ol>\n"),
            TagEnd::List(false) => self.write("</ul>\n"),
            TagEnd::Item => self.write("</li>\n"),
            TagEnd::Emphasis => self.write("</em>"),
            TagEnd::Strong => self.write("</strong>"),
            TagEnd::Strikethrough => self.write("</del>"),
            TagEnd::Link => self.write("</a>"),
            TagEnd::Table => self.write("</tbody></table>\n"),
            TagEnd::TableHead => {
                self.write("</tr></thead><tbody>\n");
                self.table.body = true;
            }
            TagEnd::TableRow => self.write("</tr>\n"),
            TagEnd::FootnoteDefinition => self.write("</div>\n"),
            TagEnd::TableCell => {
                self.write(if self.table.body { "</td>" } else { "</th>" });
                self.table.cell += 1;
            }
            // Not handled (see `handles`).
            _ => {}
        }
    }
}
