//! Share cards: the 1200×630 PNG a link to a claim page (or to the front page) shows in
//! social posts and chat previews (`og:image`). A card leads with the verdict, as the page
//! does, then the claim, then the briefing's title.
//!
//! A card is an SVG of our own drawn by resvg with DejaVu Sans (Latin, Greek, Cyrillic and
//! Arabic, from the `dejavu` crate), both compiled into the binary: no font of the machine
//! is looked up, so the same site gives the same bytes everywhere. SVG text does not wrap,
//! so lines are broken here, by the font's own advance widths (`ttf-parser`). A card takes
//! about 12 ms (measured: resvg and PNG encoding of one card, one core), so cards are made
//! only where a page can name them, with `base_url` (`og:image` must be absolute), and
//! kept like pages: a rebuild makes only those whose words changed.

use std::sync::{Arc, LazyLock};

use resvg::{tiny_skia, usvg};

use crate::model::markup::escape;

/// The card's size, in pixels: Open Graph's recommended 1.91:1.
pub const WIDTH: u32 = 1200;
/// See [`WIDTH`].
pub const HEIGHT: u32 = 630;
/// Changes when the drawing changes: part of every card's fingerprint.
pub const VERSION: u32 = 1;

const MARGIN: f32 = 80.0;
const FAMILY: &str = "DejaVu Sans";

/// What a card shows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Card {
    /// The big first line: a verdict's label, or the briefing's title.
    pub headline: String,
    /// The verdict's key, for its colours (none: the front page's neutral card).
    pub verdict: Option<String>,
    /// The text under it: "Claim: “…”", or the briefing's tally.
    pub body: String,
    /// The small last line: the briefing's title, or its publisher.
    pub footer: String,
    /// Right to left (Arabic): the text starts at the right, the bar is on the right.
    pub rtl: bool,
}

/// A verdict's text and background colours, as the default theme has them in light mode.
fn colours(verdict: Option<&str>) -> (&'static str, &'static str) {
    match verdict {
        Some("accurate") => ("#1d6b3a", "#e3f2e8"),
        Some("imprecise") => ("#7a5a00", "#fbf0c9"),
        Some("misleading") => ("#9a4300", "#fde3cf"),
        Some("outdated") => ("#5b3f8c", "#ece4f7"),
        Some("false") => ("#a3161c", "#fbdcdc"),
        Some(_) => ("#4f5561", "#e6e8ec"),
        None => ("#1d1d1f", "#f3f2ee"),
    }
}

/// The card as SVG.
pub fn svg(card: &Card) -> String {
    let (fg, bg) = colours(card.verdict.as_deref());
    let max = WIDTH as f32 - 2.0 * MARGIN;
    let (x, anchor, bar) = if card.rtl { (WIDTH as f32 - MARGIN, "end", WIDTH - 24) } else { (MARGIN, "start", 0) };
    let dir = if card.rtl { " direction=\"rtl\"" } else { "" };
    let line = |y: f32, size: f32, bold: bool, colour: &str, text: &str| {
        format!(
            "<text x=\"{x}\" y=\"{y}\" font-family=\"{FAMILY}\" font-size=\"{size}\"{} fill=\"{colour}\" text-anchor=\"{anchor}\"{dir}>{}</text>\n",
            if bold { " font-weight=\"bold\"" } else { "" },
            escape(text)
        )
    };
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">\n\
         <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"{bg}\"/>\n<rect x=\"{bar}\" width=\"24\" height=\"{HEIGHT}\" fill=\"{fg}\"/>\n"
    );
    let mut y = 150.0;
    let (size, lines) = fit(&card.headline, true, max, &[(72.0, 1), (56.0, 2), (44.0, 3)]);
    for l in &lines {
        out.push_str(&line(y, size, true, fg, l));
        y += size * 1.2;
    }
    y += 30.0;
    let room = ((HEIGHT as f32 - 130.0 - y) / 54.0).floor().max(1.0) as usize;
    for l in wrap(&card.body, false, 40.0, max, room) {
        out.push_str(&line(y, 40.0, false, "#1d1d1f", &l));
        y += 54.0;
    }
    for l in wrap(&card.footer, false, 28.0, max, 1) {
        out.push_str(&line(HEIGHT as f32 - 60.0, 28.0, false, "#4a4a55", &l));
    }
    out.push_str("</svg>\n");
    out
}

/// The card as PNG.
pub fn png(card: &Card) -> Vec<u8> {
    let options = usvg::Options { fontdb: Arc::clone(&FONTS), font_family: FAMILY.into(), ..usvg::Options::default() };
    let Ok(tree) = usvg::Tree::from_str(&svg(card), &options) else { return Vec::new() };
    let Some(mut pixmap) = tiny_skia::Pixmap::new(WIDTH, HEIGHT) else { return Vec::new() };
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.encode_png().unwrap_or_default()
}

static FONTS: LazyLock<Arc<usvg::fontdb::Database>> = LazyLock::new(|| {
    let mut db = usvg::fontdb::Database::new();
    db.load_font_data(dejavu::sans::regular().to_vec());
    db.load_font_data(dejavu::sans::bold().to_vec());
    Arc::new(db)
});

static REGULAR: LazyLock<Option<ttf_parser::Face<'static>>> =
    LazyLock::new(|| ttf_parser::Face::parse(dejavu::sans::regular(), 0).ok());
static BOLD: LazyLock<Option<ttf_parser::Face<'static>>> =
    LazyLock::new(|| ttf_parser::Face::parse(dejavu::sans::bold(), 0).ok());

/// The width of `text` at `size` pixels.
fn width(text: &str, bold: bool, size: f32) -> f32 {
    let face = if bold { &*BOLD } else { &*REGULAR };
    let Some(face) = face.as_ref() else { return text.chars().count() as f32 * size * 0.6 };
    let units: u32 = text
        .chars()
        .map(|c| face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).map_or(size as u32 / 2, u32::from))
        .sum();
    units as f32 * size / f32::from(face.units_per_em())
}

/// The first of `sizes` (size, most lines) at which `text` fits whole, else the last,
/// cut short.
fn fit(text: &str, bold: bool, max: f32, sizes: &[(f32, usize)]) -> (f32, Vec<String>) {
    for &(size, lines) in sizes {
        let wrapped = wrap(text, bold, size, max, usize::MAX);
        if wrapped.len() <= lines {
            return (size, wrapped);
        }
    }
    let (size, lines) = sizes.last().copied().unwrap_or((44.0, 3));
    (size, wrap(text, bold, size, max, lines))
}

/// `text` broken into lines no wider than `max`, at spaces (inside a word longer than a
/// line, anywhere); past `most` lines, the last ends with "…".
fn wrap(text: &str, bold: bool, size: f32, max: f32, most: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        if width(&candidate, bold, size) <= max {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        for c in word.chars() {
            current.push(c);
            if width(&current, bold, size) > max {
                current.pop();
                lines.push(std::mem::replace(&mut current, c.to_string()));
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > most {
        lines.truncate(most);
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && width(&format!("{last}…"), bold, size) > max {
                last.pop();
            }
            *last = format!("{}…", last.trim_end());
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fit_and_a_long_text_ends_with_an_ellipsis() {
        let text = "word ".repeat(200);
        let lines = wrap(&text, false, 40.0, 1040.0, 3);
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| width(l, false, 40.0) <= 1040.0));
        assert!(lines[2].ends_with('…'));
        let long = "x".repeat(400);
        assert!(wrap(&long, true, 72.0, 1040.0, 9).iter().all(|l| width(l, true, 72.0) <= 1040.0));
    }

    #[test]
    fn a_card_is_a_png_of_the_open_graph_size_and_the_same_every_time() {
        let card = Card {
            headline: "False".into(),
            verdict: Some("false".into()),
            body: "Claim: “<b>&</b>”".into(),
            footer: "A briefing".into(),
            rtl: false,
        };
        assert!(svg(&card).contains("&lt;b&gt;&amp;"));
        let png = png(&card);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), WIDTH);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), HEIGHT);
        assert_eq!(png, super::png(&card));
    }
}
