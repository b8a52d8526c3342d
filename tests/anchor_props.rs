//! Property tests of anchoring: a quote cut from any rendered article is found, at the
//! place it was cut from, and marking it changes nothing in the page but the marks.

use std::ops::Range;

use briefing::model::article::{Article, Format, Meta};
use briefing::model::claims::{Claim, Claims, Quote};
use briefing::model::date::Date;
use briefing::model::diag::SourceFile;
use briefing::model::highlight::Highlighter;
use briefing::model::markup::{self, Highlight, Markup};
use briefing::model::tomlfile::Sp;
use briefing::stages::anchor::{self, Target, normalize_quote};
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "the",
    "council",
    "said",
    "October",
    "2025",
    "it’s",
    "“quoted”",
    "don't",
    "a",
    "vote",
    "of",
    "7–2",
    "£1.2m",
    "Amazon,",
    "post.",
    "(note)",
    "&",
    "<tag>",
    "über",
    "naïve",
    "x",
];

/// A markdown or plain-text article body from random words and inline markup.
fn body() -> impl Strategy<Value = (String, bool)> {
    let word = prop::sample::select(WORDS);
    let inline = prop_oneof![
        4 => word.clone().prop_map(|w| w.to_string()),
        1 => word.clone().prop_map(|w| format!("*{w}*")),
        1 => (word.clone(), word.clone()).prop_map(|(a, b)| format!("**{a} {b}**")),
        1 => (word.clone(), word.clone()).prop_map(|(a, b)| format!("[{a} {b}](https://e.org/x)")),
    ];
    let sep = prop_oneof![6 => Just(" "), 1 => Just("\n"), 1 => Just("\n\n"), 1 => Just("  ")];
    let para = prop::collection::vec((inline, sep), 3..40);
    (para, any::<bool>()).prop_map(|(items, md)| {
        let mut s = String::new();
        for (w, sep) in items {
            s.push_str(&w);
            s.push_str(sep);
        }
        (s, md)
    })
}

fn article(body: &str, md: bool) -> Article {
    let markup =
        if md { markup::from_markdown(body, 1, &Highlighter::new()) } else { markup::from_plain_text(body, 1) };
    Article::with_markup(
        "a".into(),
        SourceFile::new("a", body),
        if md { Format::Markdown } else { Format::Text },
        Meta { title: "t".into(), ..Meta::default() },
        0,
        markup,
    )
}

fn claims_with(quote: &str, (prefix, suffix): (Option<String>, Option<String>)) -> Claims {
    let sp = |s: &str| Sp::new(s.to_string(), 0..0);
    let q = Quote::new(sp("a"), sp(quote), (prefix.map(|p| sp(&p)), suffix.map(|s| sp(&s))), None, 0..0);
    let mut claims = Claims::default();
    claims.claims = vec![Claim {
        id: sp("c"),
        claim: "c".into(),
        verdict: sp("false"),
        finding: "f".into(),
        finding_at: 0..0,
        explanation: "e".into(),
        checked: Date::parse("2026-01-01").unwrap(),
        topic: "t".into(),
        sources: vec![],
        appearances: vec![q],
        span: 0..0,
        complete: true,
        unread: Vec::new(),
        draft: false,
        claimant: None,
        said: Default::default(),
    }];
    claims
}

/// Char-aligned range of the normalised text, trimmed to non-space ends.
fn cut(norm: &str, a: usize, b: usize) -> Option<Range<usize>> {
    let idx: Vec<usize> = norm.char_indices().map(|(i, _)| i).chain([norm.len()]).collect();
    let n = idx.len() - 1;
    if n == 0 {
        return None;
    }
    let (s, e) = (a % n, b % n);
    let (s, e) = if s <= e { (s, e + 1) } else { (e, s + 1) };
    let mut r = idx[s]..idx[e.min(n)];
    while norm[r.clone()].starts_with(' ') {
        r.start += 1;
    }
    while norm[r.clone()].ends_with(' ') {
        r.end -= 1;
    }
    (!r.is_empty()).then_some(r)
}

fn normalized_text(m: &Markup) -> String {
    anchor::Normalized::new(m).text
}

/// The whole text before the cut as prefix and the whole text after it as suffix make the
/// intended occurrence the only one.
fn affixes(norm: &str, r: &Range<usize>) -> (Option<String>, Option<String>) {
    ((r.start > 0).then(|| norm[..r.start].to_string()), (r.end < norm.len()).then(|| norm[r.end..].to_string()))
}

/// What a range of the rendered text reads as, spaces aside (a range may span a block
/// break, which is white space to a reader but no character of the text).
fn letters(s: &str) -> String {
    normalize_quote(s).replace(' ', "")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_cut_quote_is_found_where_it_was_cut((body, md) in body(), a in 0usize..10_000, b in 0usize..10_000) {
        let art = article(&body, md);
        let norm = normalized_text(art.markup());
        let Some(r) = cut(&norm, a, b) else { return Ok(()) };
        let quote = &norm[r.clone()];
        let claims = claims_with(quote, affixes(&norm, &r));
        let (marks, diags) = anchor::anchor(std::slice::from_ref(&art), &claims, &SourceFile::new("c", ""));
        prop_assert!(diags.is_empty(), "{:?}", diags.iter().map(|d| d.render(false)).collect::<Vec<_>>());
        prop_assert_eq!(marks[0].len(), 1);
        let m = &marks[0][0];
        prop_assert_eq!(m.target, Target::Appearance { claim: 0, index: 0 });
        prop_assert_eq!(m.range.clone(), anchor::Normalized::new(art.markup()).orig(&r));
        prop_assert_eq!(letters(&art.markup().text[m.range.clone()]), letters(quote));

        // Marking changes nothing but the marks, and marks exactly the quote.
        let h = Highlight {
            start: m.range.start,
            end: m.range.end,
            open: "<mark id=\"the-mark\">".into(),
            reopen: "<mark>".into(),
            close: "</mark>".into(),
            after: String::new(),
        };
        let plain = art.markup().to_html();
        let marked = markup::write_html(art.markup(), &[h]);
        let stripped = marked.replace("<mark id=\"the-mark\">", "").replace("<mark>", "").replace("</mark>", "");
        prop_assert_eq!(&stripped, &plain);
        prop_assert_eq!(marked.matches("id=\"the-mark\"").count(), 1);
        let doc = scraper::Html::parse_fragment(&marked);
        let sel = scraper::Selector::parse("mark").unwrap();
        let marked_text: String = doc.select(&sel).flat_map(|e| e.text()).collect();
        prop_assert_eq!(marked_text, art.markup().text[m.range.clone()].to_string());
    }

    #[test]
    fn spacing_and_quote_styles_do_not_matter((body, md) in body(), a in 0usize..10_000, b in 0usize..10_000, style in 0u8..3) {
        let art = article(&body, md);
        let norm = normalized_text(art.markup());
        let Some(r) = cut(&norm, a, b) else { return Ok(()) };
        let quote = &norm[r.clone()];
        // The editor typed it differently: other spaces, other quote marks.
        let typed = match style {
            0 => quote.replace(' ', " \n\t "),
            1 => quote.replace('\'', "’").replace('"', "”"),
            _ => format!("  {}  ", quote.replace(' ', "  ")),
        };
        let (marks, diags) = anchor::anchor(std::slice::from_ref(&art), &claims_with(&typed, affixes(&norm, &r)), &SourceFile::new("c", ""));
        prop_assert!(diags.is_empty());
        prop_assert_eq!(marks[0][0].range.clone(), anchor::Normalized::new(art.markup()).orig(&r));
    }

    #[test]
    fn repeated_quotes_without_a_prefix_are_an_error_never_a_guess(word in prop::sample::select(WORDS), n in 2usize..5) {
        let body = vec![format!("{word} zz"); n].join(" ");
        let art = article(&body, false);
        let (marks, diags) = anchor::anchor(std::slice::from_ref(&art), &claims_with(&format!("{word} zz"), (None, None)), &SourceFile::new("c", ""));
        prop_assert!(marks[0].is_empty());
        prop_assert_eq!(diags.len(), 1);
        prop_assert_eq!(diags[0].code, "ambiguous-quote");
    }
}

/// Words for texts the re-anchoring is tried on: a few repeat, some are multi-byte.
fn words(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(prop::sample::select(WORDS), n)
}

proptest! {
    /// Whatever an edit did to an article, a passage of its checked version is found again
    /// within the new text, on character boundaries; found exactly when it is still there.
    #[test]
    fn reanchoring_stays_in_the_new_text(
        old in words(3..60),
        cut in (0usize..60, 1usize..8),
        edits in prop::collection::vec((0usize..60, prop::option::of(prop::sample::select(WORDS))), 0..8),
    ) {
        use briefing::stages::reanchor::{self, How, Passage};
        let start = cut.0 % old.len();
        let end = (start + cut.1).min(old.len());
        let (before, exact, after) = (old[..start].join(" "), old[start..end].join(" "), old[end..].join(" "));
        let mut new: Vec<&str> = old.clone();
        for (at, word) in edits {
            let at = at % (new.len() + 1);
            match word {
                Some(w) => new.insert(at, w),
                None if at < new.len() => { new.remove(at); }
                None => {}
            }
        }
        let new = new.join(" ");
        let passage = Passage { before: &before, exact: &exact, after: &after, at: 0.5 };
        let (how, range) = reanchor::find(&passage, &new);
        if let Some(r) = &range {
            prop_assert!(r.start <= r.end && r.end <= new.len());
            prop_assert!(new.is_char_boundary(r.start) && new.is_char_boundary(r.end));
        }
        prop_assert_eq!(how == How::Exact, new.contains(exact.as_str()), "{:?} in {:?}", exact, new);
        let diff = reanchor::word_diff(&exact, range.map_or("", |r| &new[r]));
        prop_assert!(reanchor::plain(&diff).len() >= exact.len().min(1));
    }
}

/// Words whose letters are several characters: accents composed and decomposed, an Indic
/// conjunct, emoji joined and with a variation selector, and invisible characters.
const LETTERED: &[&str] = &[
    "café",
    "cafe\u{301}",
    "nai\u{308}ve",
    "नमस्ते",
    "👨\u{200D}👩\u{200D}👧",
    "❤\u{FE0F}",
    "\u{200E}ok\u{200F}",
    "a\u{323}\u{302}",
    "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
    "\u{1112}\u{1161}\u{11AB}",
    "한",
    "x",
    "y,",
    "z",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// A quote cut anywhere from a text, on character boundaries, is marked where it is
    /// whole letters, and never where it cuts a letter in two; and a quote typed composed
    /// or decomposed (NFC or NFD) finds the same passage.
    #[test]
    fn quotes_hold_whole_letters_in_any_form(
        words in prop::collection::vec(prop::sample::select(LETTERED), 2..12),
        a in 0usize..10_000, b in 0usize..10_000, nfd in any::<bool>(),
    ) {
        use unicode_normalization::UnicodeNormalization;
        use unicode_segmentation::UnicodeSegmentation;
        let body = words.join(" ");
        let art = article(&body, false);
        let text = art.markup().text.clone();
        let chars: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let (s, e) = (a % chars.len(), b % chars.len());
        let r = chars[s.min(e)]..chars[s.max(e)];
        let quote = &text[r.clone()];
        let typed: String = if nfd { quote.nfd().collect() } else { quote.nfc().collect() };
        let normalized = normalize_quote(&typed);
        if normalized.is_empty() {
            return Ok(());
        }
        let (marks, diags) = anchor::anchor(std::slice::from_ref(&art), &claims_with(&typed, (None, None)), &SourceFile::new("c", ""));
        let bounds: Vec<usize> = text.grapheme_indices(true).map(|(i, _)| i).chain([text.len()]).collect();
        for m in marks[0].iter() {
            prop_assert!(bounds.contains(&m.range.start) && bounds.contains(&m.range.end), "{:?} cuts a letter of {:?}", m.range, text);
            prop_assert_eq!(normalize_quote(&m.raw), normalized.clone());
        }
        // Cut on whole letters, it is found (once or more: the text repeats words).
        if bounds.contains(&r.start) && bounds.contains(&r.end) {
            let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
            prop_assert!(codes.iter().all(|c| *c == "ambiguous-quote"), "{:?} of {:?}: {:?}", typed, text, codes);
        }
        if marks[0].is_empty() {
            prop_assert!(!diags.is_empty());
        }
    }
}
