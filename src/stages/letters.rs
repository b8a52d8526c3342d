//! What counts as the same letter, and as one letter, when a quote is matched against its
//! article ([`super::anchor`]).
//!
//! Text copied from web pages differs from what an editor types in ways a reader never
//! sees: `é` as one character or as `e` and a combining accent (Unicode's canonical
//! equivalence); formatting characters such as zero-width joiners, direction marks and
//! emoji variation selectors (Unicode's *default ignorable* characters). Both forms must
//! match. And a quote must hold whole letters as a reader sees them (extended grapheme
//! clusters, UAX #29): `नमस` is not a quote of `नमस्ते`, nor `👨` of a family emoji, though
//! each is a run of the other's characters; a passage marked there would put the
//! verdict's note inside the letter.

use std::ops::Range;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

/// Unicode's `Default_Ignorable_Code_Point`: characters that show nothing when they have
/// no way to show themselves (soft hyphen, zero-width space and joiners, direction marks
/// and isolates, variation selectors, the byte order mark). Unicode 16's list, but for
/// the tag characters (U+E0001, U+E0020 to U+E007F): in an emoji tag sequence they tell
/// one flag from another (England's from Scotland's).
pub fn ignorable(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}' | '\u{E0002}'..='\u{E001F}' | '\u{E0080}'..='\u{E0FFF}')
}

/// Tells, one character at a time, whether a text may not be in Unicode's composed form
/// (NFC): its quick check, with the order of combining marks followed across calls.
/// Characters below U+0300 are always composed and need not be shown to it.
#[derive(Default)]
pub struct Composed {
    last_class: u8,
    /// Set once a character says the text may need composing.
    pub doubtful: bool,
}

impl Composed {
    /// Takes the next character of the text (any, or only those from U+0300 up when the
    /// ones before were all below it: those reset the order of marks, see [`Composed::plain`]).
    pub fn see(&mut self, c: char) {
        let class = canonical_combining_class(c);
        if class != 0 && class < self.last_class || is_nfc_quick(std::iter::once(c)) != IsNormalized::Yes {
            self.doubtful = true;
        }
        self.last_class = class;
    }

    /// Takes a character below U+0300 (a starter, always composed).
    pub fn plain(&mut self) {
        self.last_class = 0;
    }
}

/// `s` in Unicode's composed form (NFC), borrowed when it already is.
pub fn composed(s: &str) -> std::borrow::Cow<'_, str> {
    match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => s.into(),
        _ => s.nfc().collect::<String>().into(),
    }
}

/// `s` composed (NFC), one grapheme cluster at a time, with each cluster's place in `s`
/// and in the result: `(in s, start in the result)`, in order. Composition never joins
/// characters of two clusters, so the clusters map one to one.
pub fn composed_by_cluster(s: &str) -> (String, Vec<(Range<usize>, usize)>) {
    let mut out = String::with_capacity(s.len());
    let mut map = Vec::new();
    for (at, g) in s.grapheme_indices(true) {
        map.push((at..at + g.len(), out.len()));
        out.extend(g.nfc());
    }
    (out, map)
}

/// Where `pattern` is in `text` only once its letters are taken apart into base and marks
/// (canonical decomposition): `cafe` in `café`, `하` in `한`. Such a quote holds part of a
/// letter. Returns the whole characters of `text` that hold it, and whether it ends
/// inside a letter (else it starts inside one); `None` when it is not there, or is
/// there as whole characters.
pub fn in_decomposed(text: &str, pattern: &str) -> Option<(Range<usize>, bool)> {
    let (mut apart, mut from) = (String::with_capacity(text.len() * 2), Vec::with_capacity(text.len() * 2));
    for (at, c) in text.char_indices() {
        let before = apart.len();
        unicode_normalization::char::decompose_canonical(c, |d| apart.push(d));
        from.resize(apart.len(), at);
        debug_assert!(apart.len() > before);
    }
    let pattern: String = pattern.nfd().collect();
    let s = apart.find(pattern.as_str()).filter(|_| !pattern.is_empty())?;
    let e = s + pattern.len();
    let (starts_inside, ends_inside) = (s > 0 && from[s - 1] == from[s], e < apart.len() && from[e] == from[e - 1]);
    let last = from[e - 1];
    let end = last + text[last..].chars().next().map_or(0, char::len_utf8);
    (starts_inside || ends_inside).then_some((from[s]..end, ends_inside))
}

/// Whether byte offset `at` of `text` (a character boundary) is also a boundary between
/// two letters as a reader sees them (extended grapheme clusters).
pub fn at_boundary(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    if at == 0 || at >= bytes.len() {
        return true;
    }
    // Two ASCII characters are two letters, but for a CR LF pair: most checks end here.
    let (before, after) = (bytes[at - 1], bytes[at]);
    if before.is_ascii() && after.is_ascii() {
        return !(before == b'\r' && after == b'\n');
    }
    GraphemeCursor::new(at, text.len(), true).is_boundary(text, 0).unwrap_or(true)
}

/// Where the letter that goes on at `at` ends, when what is left of it is only
/// [`ignorable`] characters (an emoji's variation selector, a joiner with nothing after
/// it), which matching leaves out; else `at`.
pub fn invisible_rest(text: &str, at: usize) -> usize {
    if at_boundary(text, at) {
        return at;
    }
    let next = GraphemeCursor::new(at, text.len(), true).next_boundary(text, 0).ok().flatten().unwrap_or(text.len());
    if text[at..next].chars().all(ignorable) { next } else { at }
}

/// The smallest run of whole letters of `text` that holds `r`.
pub fn widened(text: &str, r: &Range<usize>) -> Range<usize> {
    let mut start = r.start;
    let mut cursor = GraphemeCursor::new(start, text.len(), true);
    if !at_boundary(text, start) {
        start = cursor.prev_boundary(text, 0).ok().flatten().unwrap_or(0);
    }
    let mut end = r.end;
    if !at_boundary(text, end) {
        cursor = GraphemeCursor::new(end, text.len(), true);
        end = cursor.next_boundary(text, 0).ok().flatten().unwrap_or(text.len());
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_are_between_letters_as_read() {
        let family = "a 👨\u{200D}👩\u{200D}👧 b";
        let man = family.find('👨').unwrap() + '👨'.len_utf8();
        assert!(!at_boundary(family, man));
        assert!(at_boundary(family, family.find(" b").unwrap()));
        let namaste = "नमस्ते";
        let sa = namaste.find('स').unwrap() + 'स'.len_utf8();
        assert!(!at_boundary(namaste, sa));
        assert!(!at_boundary("cafe\u{301}", 4));
        assert!(at_boundary("café", 3) && at_boundary("ab", 1) && !at_boundary("a\r\nb", 2));
        assert_eq!(widened(family, &(2..man)), 2..family.find(" b").unwrap());
        assert_eq!(invisible_rest("❤\u{FE0F} x", 3), 6);
        assert_eq!(invisible_rest(family, man), man);
        assert_eq!(invisible_rest("ab", 1), 1);
    }

    #[test]
    fn composition_is_by_cluster_and_only_when_needed() {
        let (text, map) = composed_by_cluster("cafe\u{301} x");
        assert_eq!(text, "café x");
        assert_eq!(map[3], (3..6, 3));
        assert_eq!(map[4], (6..7, 5));
        assert!(matches!(composed("café"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(composed("cafe\u{301}"), "café");
        let doubt = |s: &str| {
            let mut c = Composed::default();
            s.chars().for_each(|ch| if ch < '\u{300}' { c.plain() } else { c.see(ch) });
            c.doubtful
        };
        assert!(!doubt("café “naïve” नमस्ते 👨\u{200D}👩"));
        assert!(doubt("cafe\u{301}"));
        // Two marks that compose with nothing, in and out of their canonical order.
        assert!(!doubt("\u{5E9}\u{5B8}\u{5C1}") && doubt("\u{5E9}\u{5C1}\u{5B8}"));
    }

    #[test]
    fn part_of_a_letter_is_found_once_letters_are_taken_apart() {
        assert_eq!(in_decomposed("Le café noir", "Le cafe"), Some((0..8, true)));
        assert_eq!(in_decomposed("Le café noir", "\u{301} noir"), Some((6..13, false)));
        assert_eq!(in_decomposed("그 한국", "그 하"), Some((0..7, true)));
        assert_eq!(in_decomposed("Le café noir", "café"), None);
        assert_eq!(in_decomposed("Le café noir", "thé"), None);
    }

    #[test]
    fn ignorable_characters() {
        for c in ['\u{AD}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{FE0F}', '\u{2066}', '\u{E0100}'] {
            assert!(ignorable(c), "{c:?}");
        }
        for c in ['a', ' ', '\u{301}', '\u{A0}', '’', '\u{E0067}', '\u{E007F}'] {
            assert!(!ignorable(c), "{c:?}");
        }
    }
}
