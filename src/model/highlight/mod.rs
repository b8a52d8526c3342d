//! Syntax highlighting of fenced code with syntect, as CSS classes; claims-file entries
//! (TOML) by our own reader of the same grammar, which gives the same HTML faster.
//!
//! Loading syntect's grammars is the slowest thing a small build does, so the set is loaded
//! on the first code block only: a briefing without code never pays for it.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxDefinition, SyntaxSet, SyntaxSetBuilder};
use syntect::util::LinesWithEndings;

#[cfg(test)]
mod cascade;
mod classes;
mod toml;

/// Class prefix for highlighted tokens, so that no theme or content class can collide.
const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: PREFIX };

/// The prefix of [`STYLE`].
const PREFIX: &str = "hl-";

/// briefing's own TOML grammar: claim pages show their claims-file entry highlighted, and
/// syntect's default set has no TOML.
pub const TOML_SYNTAX: &str = include_str!("syntaxes/toml.sublime-syntax");

/// The same grammar as a syntect dump: loading it skips parsing YAML, which took a quarter
/// of a small build's time. `toml_dump_matches_the_grammar` (below) keeps the two in step;
/// regenerate with `BLESS=1 cargo test --lib toml_dump`.
const TOML_DUMP: &[u8] = include_bytes!("syntaxes/toml.packdump");

/// A lazily loaded syntect highlighter, shared by all pages of a build.
#[derive(Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
    /// A set with the TOML grammar alone: small, so building it costs little.
    toml: OnceLock<SyntaxSet>,
}

impl Highlighter {
    /// A highlighter that has loaded nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the grammars have been loaded (for tests of laziness).
    pub fn is_loaded(&self) -> bool {
        self.syntaxes.get().is_some()
    }

    /// Highlights `code` written in `lang` (a fence's info string), as HTML with `hl-`
    /// classes. `None` when the language is unknown: the caller shows the code plain.
    pub fn highlight(&self, lang: &str, code: &str) -> Option<String> {
        let toml = lang.eq_ignore_ascii_case("toml");
        // The same HTML as syntect gives, several times faster (see `toml.rs`).
        if let Some(html) = toml.then(|| toml::html(code)).flatten() {
            return Some(html);
        }
        self.with_syntect(lang, code)
    }

    /// A claims-file entry, highlighted. With `short`, for a page styled by briefing's own
    /// `highlight.css`, in the short classes of `classes.rs`, which look the same in a
    /// third of the bytes; otherwise (a theme brings its own stylesheet for syntect's
    /// classes) as [`Highlighter::highlight`] does.
    pub fn entry(&self, code: &str, short: bool) -> Option<String> {
        if let Some(html) = short.then(|| toml::compact(code)).flatten() {
            return Some(html);
        }
        self.highlight("toml", code)
    }

    /// `code` highlighted by syntect's own grammars.
    fn with_syntect(&self, lang: &str, code: &str) -> Option<String> {
        let set = if lang.eq_ignore_ascii_case("toml") {
            self.toml.get_or_init(toml_set)
        } else {
            self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines)
        };
        let syntax = set.find_syntax_by_token(lang)?;
        let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, STYLE);
        for line in LinesWithEndings::from(code) {
            generator.parse_html_for_line_which_includes_newline(line).ok()?;
        }
        Some(generator.finalize())
    }
}

fn toml_set() -> SyntaxSet {
    syntect::dumps::from_uncompressed_data(TOML_DUMP).unwrap_or_else(|_| toml_set_from_yaml())
}

/// Builds the TOML set from the grammar's source.
pub fn toml_set_from_yaml() -> SyntaxSet {
    let mut builder = SyntaxSetBuilder::new();
    // The grammar is ours and tested; should it ever fail to load, TOML is shown plain.
    if let Ok(def) = SyntaxDefinition::load_from_str(TOML_SYNTAX, true, Some("toml")) {
        builder.add(def);
    }
    builder.build()
}

/// The CSS syntect writes for its two themes, light and dark, with `@dark` between them:
/// made once by the test `themes_css_is_current` (`BLESS=1 cargo test --lib themes_css`),
/// not at every build, where loading syntect's seven themes to write it was 8% of the
/// repository's fresh build.
const THEMES: &str = include_str!("syntaxes/themes.css");

/// What [`THEMES`] holds, made from syntect's themes.
#[cfg(test)]
fn themes_css() -> String {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let css = |name: &str| {
        themes
            .themes
            .get(name)
            .and_then(|t| syntect::html::css_for_theme_with_class_style(t, STYLE).ok())
            .unwrap_or_default()
    };
    format!("{}\n@dark\n{}", css("InspiredGitHub"), css("base16-ocean.dark"))
}

/// The stylesheet for highlighted code: a light theme, and a dark one under
/// `prefers-color-scheme: dark`.
pub fn stylesheet() -> String {
    let (light_themes, dark_themes) = THEMES.split_once("\n@dark\n").unwrap_or((THEMES, ""));
    // The claims-file entries' short classes follow each scheme's rules, as they stand for
    // them (see `classes.rs`).
    let (light, dark) = classes::rules();
    format!(
        "/* Code highlighting, generated by briefing from syntect's themes. */\n{light_themes}\n{light}@media (prefers-color-scheme: dark) {{\n{dark_themes}\n{dark}}}\n",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_lazily_and_highlights_with_classes() {
        let h = Highlighter::new();
        assert!(!h.is_loaded());
        let html = h.highlight("rust", "fn main() {}\n").unwrap();
        assert!(h.is_loaded());
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
        assert!(h.highlight("no-such-language", "x").is_none());
    }

    #[test]
    fn toml_is_highlighted_by_our_grammar() {
        let h = Highlighter::new();
        let html = h.highlight("toml", "[[claim]]\nid = \"a\" # note\nchecked = 2026-11-21\n").unwrap();
        assert!(!h.is_loaded(), "TOML alone does not load the default set");
        for class in [
            "hl-entity hl-name hl-section",
            "hl-variable hl-other hl-key",
            "hl-string",
            "hl-comment",
            "hl-constant hl-other hl-datetime",
        ] {
            assert!(html.contains(class), "{class} in {html}");
        }
    }

    #[test]
    fn toml_dump_matches_the_grammar() {
        let fresh = toml_set_from_yaml();
        if std::env::var_os("BLESS").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/model/highlight/syntaxes/toml.packdump");
            syntect::dumps::dump_to_uncompressed_file(&fresh, path).unwrap();
            return;
        }
        let sample = include_str!("../../commands/scaffold/claims.toml");
        let with = |set: SyntaxSet| {
            let h = Highlighter { toml: OnceLock::from(set), ..Highlighter::default() };
            h.highlight("toml", sample).unwrap()
        };
        assert_eq!(
            with(toml_set()),
            with(fresh),
            "src/model/highlight/syntaxes/toml.packdump is stale: BLESS=1 cargo test --lib toml_dump"
        );
    }

    /// Our reader of the TOML grammar and syntect's give the same HTML for `code`.
    fn same_as_syntect(h: &Highlighter, code: &str) {
        let (ours, theirs) = (toml::html(code).expect("ASCII digits only"), h.with_syntect("toml", code).unwrap());
        if ours != theirs {
            let at = ours.bytes().zip(theirs.bytes()).take_while(|(a, b)| a == b).count();
            let near = |s: &str| s.get(at.saturating_sub(150)..(at + 100).min(s.len())).unwrap_or(s).to_string();
            panic!("for {:?}\nours:   {}\nsyntect: {}", &code[..code.len().min(400)], near(&ours), near(&theirs));
        }
    }

    #[test]
    fn toml_by_hand_is_byte_identical_to_syntect_on_the_repositorys_files() {
        let h = Highlighter::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = 0;
        for dir in ["content", "tests", "src"] {
            for e in walkdir::WalkDir::new(root.join(dir)).into_iter().filter_map(Result::ok) {
                if e.path().extension().is_some_and(|x| x == "toml") {
                    same_as_syntect(&h, &std::fs::read_to_string(e.path()).unwrap_or_default());
                    files += 1;
                }
            }
        }
        assert!(files > 20, "{files} TOML files");
    }

    /// The grammar's pieces, and look-alikes, that generated documents are made of.
    const PIECES: &[&str] = &[
        "[[claim]]",
        "[claim.x]",
        "  [a b]",
        "[[a]",
        "[]",
        "key",
        "a.b-c",
        r#""quoted key""#,
        "'lit'",
        " = ",
        "=",
        "\"",
        "'",
        r#"""""#,
        "'''",
        "\\",
        "\\\"",
        "\\n",
        "#",
        " ",
        "\t",
        "2026-11-22",
        "2026-11-22T10:30:00Z",
        "2026-11-22 10:30:00.5+01:00",
        "1979-05-27t07:32",
        "10:30",
        "true",
        "false",
        "xtrue",
        "true_",
        "1_000",
        "-3.5e+2",
        "1.e5",
        "0x1F",
        "0x",
        "0o7",
        "0b12",
        "+inf",
        "nan",
        "info",
        "+",
        "-",
        "[",
        "]",
        "{",
        "}",
        ",",
        "é",
        "–",
        "text",
        "_",
        ".",
        "\r",
        "ñtrue",
        "12026-01-01",
        "\u{a0}",
        "\u{2028}",
    ];

    #[test]
    fn toml_by_hand_is_byte_identical_to_syntect_on_generated_documents() {
        let h = Highlighter::new();
        for code in generated(20_000) {
            same_as_syntect(&h, &code);
        }
    }

    /// `n` documents made of the grammar's pieces, the same every run.
    fn generated(n: usize) -> Vec<String> {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        (0..n)
            .map(|_| {
                let mut code = String::new();
                for _ in 0..1 + next(6) {
                    for _ in 0..next(10) {
                        code.push_str(PIECES[next(PIECES.len())]);
                    }
                    code.push('\n');
                }
                if next(4) == 0 {
                    code.pop();
                }
                code
            })
            .collect()
    }

    /// The table of `classes.rs`, made afresh from syntect's themes: each stack of the
    /// grammar's scopes gets the style the stylesheet's rules give it (under the `<pre>`
    /// the entry is shown in), and each style one class.
    fn classes_table() -> String {
        let [light, both] = sheets();
        let mut styles: Vec<(String, String)> = Vec::new();
        let mut out =
            String::from("# Made by `BLESS=1 cargo test --lib toml_classes` from syntect's themes (see classes.rs).\n");
        for stack in toml::all_stacks() {
            let chain = in_pre(stack.iter().map(|s| s.to_string()).collect());
            let chain = borrowed(&chain);
            let pair = (
                cascade::declarations(&cascade::style(&light, &chain)),
                cascade::declarations(&cascade::style(&both, &chain)),
            );
            let class = match pair.0.is_empty() && pair.1.is_empty() {
                true => String::new(),
                false => {
                    let n = styles.iter().position(|s| *s == pair).unwrap_or_else(|| {
                        styles.push(pair);
                        styles.len() - 1
                    });
                    format!("hl-t{n}")
                }
            };
            out.push_str(&format!("{}\t{class}\n", stack.join(" / ")));
        }
        out.push_str("@light\n");
        for (n, (light, _)) in styles.iter().enumerate().filter(|(_, s)| !s.0.is_empty()) {
            out.push_str(&format!(".hl-t{n} {{{light} }}\n"));
        }
        out.push_str("@dark\n");
        for (n, (_, dark)) in styles.iter().enumerate().filter(|(_, s)| s.0 != s.1) {
            out.push_str(&format!(".hl-t{n} {{{dark} }}\n"));
        }
        out
    }

    /// Checks that the generated file `name` (under `syntaxes/`) holds `fresh`, or with
    /// `BLESS` set, writes it.
    fn check_generated(name: &str, current: &str, fresh: &str, test: &str) {
        let path = format!("{}/src/model/highlight/syntaxes/{name}", env!("CARGO_MANIFEST_DIR"));
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(path, fresh).unwrap();
            return;
        }
        assert_eq!(current, fresh, "src/model/highlight/syntaxes/{name} is stale: BLESS=1 cargo test --lib {test}");
    }

    #[test]
    fn themes_css_is_current() {
        check_generated("themes.css", THEMES, &themes_css(), "themes_css");
    }

    #[test]
    fn toml_classes_match_the_themes() {
        check_generated("toml.classes", classes::TABLE, &classes_table(), "toml_classes");
    }

    /// The text of highlighted HTML, each character with the stack of classes it is shown
    /// in (its spans' classes, outermost first).
    fn styled_chars(html: &str) -> Vec<(char, Vec<String>)> {
        let mut out = Vec::new();
        let mut stack: Vec<String> = Vec::new();
        let mut rest = html;
        while !rest.is_empty() {
            if let Some(tail) = rest.strip_prefix("<span class=\"") {
                let end = tail.find("\">").unwrap();
                stack.push(tail[..end].to_string());
                rest = &tail[end + 2..];
            } else if let Some(tail) = rest.strip_prefix("</span>") {
                stack.pop();
                rest = tail;
            } else {
                let (c, len) = match rest.as_bytes()[0] {
                    b'&' => {
                        let end = rest.find(';').unwrap();
                        let c = match &rest[..=end] {
                            "&lt;" => '<',
                            "&gt;" => '>',
                            "&amp;" => '&',
                            "&quot;" => '"',
                            "&#39;" => '\'',
                            e => panic!("entity {e}"),
                        };
                        (c, end + 1)
                    }
                    _ => {
                        let c = rest.chars().next().unwrap();
                        (c, c.len_utf8())
                    }
                };
                out.push((c, stack.clone()));
                rest = &rest[len..];
            }
        }
        out
    }

    /// The short classes show `code` as syntect's classes do: the same text, each
    /// character in the same style, light and dark, by the whole stylesheet's rules.
    fn looks_the_same(sheets: &[Vec<cascade::Rule>; 2], code: &str) {
        let (short, long) = (toml::compact(code).expect("ASCII digits only"), toml::html(code).unwrap());
        let (short, long) = (styled_chars(&short), styled_chars(&long));
        assert_eq!(
            short.iter().map(|c| c.0).collect::<String>(),
            long.iter().map(|c| c.0).collect::<String>(),
            "the same text for {code:?}"
        );
        for ((c, s), (_, l)) in short.iter().zip(&long) {
            let (s, l) = (in_pre(s.clone()), in_pre(l.clone()));
            for rules in sheets {
                let (s, l) = (cascade::style(rules, &borrowed(&s)), cascade::style(rules, &borrowed(&l)));
                assert_eq!(s, l, "{c:?} in {code:?}");
            }
        }
    }

    /// The elements that show text in spans of these classes (outermost first): the
    /// `<pre>` of a claim page, then the spans.
    fn in_pre(spans: Vec<String>) -> Vec<Vec<String>> {
        let pre = vec!["<pre>".to_string(), "toml".to_string()];
        let span = |classes: &String| std::iter::once("<span>").chain(classes.split(' ')).map(str::to_string).collect();
        std::iter::once(pre).chain(spans.iter().map(span)).collect()
    }

    fn borrowed(chain: &[Vec<String>]) -> Vec<cascade::Element<'_>> {
        chain.iter().map(|e| e.iter().map(String::as_str).collect()).collect()
    }

    /// The rules that style highlighted code on a page of the default theme, for the light
    /// scheme and for the dark one (where the light rules apply too, before the dark
    /// ones): `highlight.css`, and the theme's own rules for syntect's classes (colours
    /// darkened for contrast, in `style.css`).
    fn sheets() -> [Vec<cascade::Rule>; 2] {
        let style = include_str!("../../../themes/default/static/style.css");
        let (css, style) = (schemes(&stylesheet()), schemes(style));
        let light = format!("{}\n{}", css.0, style.0);
        let dark = format!("{light}\n{}\n{}", css.1, style.1);
        [cascade::parse(&light), cascade::parse(&dark)]
    }

    /// The rules of a stylesheet for syntect's classes and the short ones (the rest does
    /// not style code): those for every scheme, and those for the dark scheme only. Rules
    /// under other media (print, widths) are left out.
    fn schemes(css: &str) -> (String, String) {
        let (mut light, mut dark) = (String::new(), String::new());
        let (mut depth, mut media, mut rule) = (0, String::new(), String::new());
        for c in cascade::without_comments(css).chars() {
            rule.push(c);
            match c {
                '{' if rule.trim_start().starts_with('@') => {
                    (depth, media) = (depth + 1, std::mem::take(&mut rule));
                }
                '}' if rule.trim() == "}" => (depth, media, rule) = (depth - 1, String::new(), String::new()),
                '}' => {
                    if rule.contains(".hl-") {
                        match (depth, media.contains("prefers-color-scheme: dark")) {
                            (0, _) => light.push_str(&rule),
                            (_, true) => dark.push_str(&rule),
                            _ => {}
                        }
                    }
                    rule.clear();
                }
                _ => {}
            }
        }
        (light, dark)
    }

    #[test]
    fn short_classes_look_the_same_as_syntects_on_the_repositorys_files() {
        let sheets = sheets();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in ["content", "tests", "src"] {
            for e in walkdir::WalkDir::new(root.join(dir)).into_iter().filter_map(Result::ok) {
                if e.path().extension().is_some_and(|x| x == "toml") {
                    looks_the_same(&sheets, &std::fs::read_to_string(e.path()).unwrap_or_default());
                }
            }
        }
    }

    #[test]
    fn short_classes_look_the_same_as_syntects_on_generated_documents() {
        let sheets = sheets();
        for code in generated(4_000) {
            looks_the_same(&sheets, &code);
        }
    }

    #[test]
    fn stylesheet_has_both_schemes() {
        let css = stylesheet();
        assert!(css.contains(".hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}
