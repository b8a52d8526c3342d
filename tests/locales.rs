//! The interface in other languages: every shipped table is complete and well formed, no
//! template writes a word of its own, the repository's briefing renders in each language
//! with no English string of the interface left, and a site rewords or adds strings.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::*;

const LANGUAGES: &[&str] = &["en", "fr", "de", "es", "ru", "ar"];

/// A shipped table, as TOML.
fn table(lang: &str) -> toml::Table {
    let path = repo().join(format!("themes/default/locales/{lang}.toml"));
    toml::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn strings(lang: &str) -> toml::Table {
    table(lang)["strings"].as_table().unwrap().clone()
}

#[test]
fn every_shipped_table_has_every_string_and_well_formed_dates() {
    let english = strings("en");
    for lang in LANGUAGES {
        let t = table(lang);
        assert_eq!(t["months"].as_array().unwrap().len(), 12, "{lang}");
        assert_eq!(t["weekdays"].as_array().unwrap().len(), 7, "{lang}");
        assert!(t["date"].as_str().unwrap().contains("{day}"), "{lang}");
        let own = strings(lang);
        let missing: Vec<&String> = english.keys().filter(|k| !own.contains_key(*k)).collect();
        let extra: Vec<&String> = own.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(missing.is_empty() && extra.is_empty(), "{lang}: missing {missing:?}, unknown {extra:?}");
        for (key, value) in &own {
            // The same values to fill in as English, so that no page loses one.
            let names = |v: &toml::Value| -> Vec<String> {
                let texts: Vec<&str> = match v {
                    toml::Value::String(s) => vec![s],
                    toml::Value::Table(forms) => forms.values().filter_map(|f| f.as_str()).collect(),
                    _ => panic!("{lang} {key}: neither text nor forms"),
                };
                let mut all: Vec<String> = texts
                    .iter()
                    .flat_map(|t| t.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string())))
                    .filter(|n| n != "n" && n != "count")
                    .collect();
                all.sort();
                all.dedup();
                all
            };
            assert_eq!(names(value), names(&english[key]), "{lang} {key}: the values it fills in");
            if let toml::Value::Table(forms) = value {
                assert!(forms.contains_key("other"), "{lang} {key}: no `other` form");
            }
        }
    }
    assert_eq!(table("ar")["dir"].as_str(), Some("rtl"));
}

/// Text a template writes itself, outside `{{ }}`, `{% %}` and `{# #}`: between tags, and
/// in the attributes a reader or a screen reader meets. A script is code, not words (the
/// search page's script takes its words from the form's `data-` attributes, from the
/// locale); what `<noscript>` holds is read as the HTML it is.
fn own_words(template: &str) -> Vec<String> {
    let mut code = template;
    let mut kept = String::new();
    while let Some(at) = code.find("<script") {
        kept.push_str(&code[..at]);
        code = code[at..].find("</script>").map_or("", |end| &code[at + end + "</script>".len()..]);
    }
    kept.push_str(code);
    let kept = kept.replace("<noscript>", "<div>").replace("</noscript>", "</div>");
    let mut plain = String::new();
    let mut rest = kept.as_str();
    while let Some(at) = rest.find(['{']) {
        plain.push_str(&rest[..at]);
        let close = match &rest[at..at + 2.min(rest.len() - at)] {
            "{{" => "}}",
            "{%" => "%}",
            "{#" => "#}",
            _ => {
                plain.push('{');
                rest = &rest[at + 1..];
                continue;
            }
        };
        let end = rest[at..].find(close).map_or(rest.len(), |e| at + e + 2);
        plain.push(' ');
        rest = &rest[end..];
    }
    plain.push_str(rest);
    let doc = scraper::Html::parse_fragment(&plain);
    let mut words: Vec<String> =
        doc.root_element().text().map(str::trim).filter(|t| has_letters(t)).map(str::to_string).collect();
    for el in doc.root_element().descendants().filter_map(scraper::ElementRef::wrap) {
        for attr in ["aria-label", "title", "alt", "placeholder", "data-label"] {
            if let Some(v) = el.value().attr(attr).filter(|v| has_letters(v)) {
                words.push(format!("{attr}=\"{v}\""));
            }
        }
    }
    words
}

fn has_letters(s: &str) -> bool {
    s.chars().any(char::is_alphabetic)
}

#[test]
fn no_template_of_the_default_theme_writes_words_of_its_own() {
    for (path, text) in briefing::stages::load::theme::BUILTIN {
        if !path.starts_with("templates/") {
            continue;
        }
        assert_eq!(own_words(text), Vec::<String>::new(), "{path}: every string from the locale, with t()");
    }
    // The check itself finds a word.
    assert_eq!(own_words("<p>{{ t(k=\"x\") }} Hello</p><nav aria-label=\"Site\">"), ["Hello", "aria-label=\"Site\""]);
    assert_eq!(own_words("<script>var a = 'code';</script><noscript><p>Words</p></noscript>"), ["Words"]);
}

/// The repository's briefing with `language = lang`, built.
fn built_in(lang: &str) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let (dir, site) = repo_site();
    let config = site.join("briefing.toml");
    let text = fs::read_to_string(&config).unwrap().replace("language = \"en\"", &format!("language = \"{lang}\""));
    fs::write(&config, text).unwrap();
    let out = dir.path().join("out");
    let o = run(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    let (code, _, err) = outcome(&o);
    assert_eq!(code, 0, "{lang}: {err}");
    (dir, out, err)
}

/// The text of every page, and of the feed.
fn all_text(out: &Path) -> String {
    let mut all = String::new();
    for (path, bytes) in tree(out) {
        if path.ends_with(".html") {
            let doc = scraper::Html::parse_document(std::str::from_utf8(&bytes).unwrap());
            all.extend(doc.root_element().text().map(|t| format!("{t}\n")));
            for el in doc.root_element().descendants().filter_map(scraper::ElementRef::wrap) {
                for attr in ["aria-label", "title", "content", "data-label"] {
                    if let Some(v) = el.value().attr(attr) {
                        all.push_str(v);
                        all.push('\n');
                    }
                }
            }
        } else if path == "feed.xml" {
            all.push_str(std::str::from_utf8(&bytes).unwrap());
        }
    }
    all
}

/// The English strings' fixed words: each piece between values, long enough not to be a
/// word the content may use ("Article", "Source").
fn english_pieces() -> Vec<String> {
    let mut pieces = Vec::new();
    for value in strings("en").values() {
        let texts: Vec<String> = match value {
            toml::Value::String(s) => vec![s.clone()],
            toml::Value::Table(forms) => forms.values().filter_map(|f| f.as_str().map(str::to_string)).collect(),
            _ => continue,
        };
        for t in texts {
            for piece in t.split(['{', '}']).step_by(2) {
                let piece = piece.trim_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation());
                if piece.len() >= 14 {
                    pieces.push(piece.to_string());
                }
            }
        }
    }
    pieces
}

#[test]
fn the_briefing_renders_in_every_shipped_language_with_no_english_left() {
    let pieces = english_pieces();
    assert!(pieces.len() > 40, "{}", pieces.len());
    let months: BTreeMap<&str, &str> = [
        ("fr", "22 novembre 2026"),
        ("de", "22. November 2026"),
        ("es", "22 de noviembre de 2026"),
        ("ru", "22 ноября 2026 г."),
        ("ar", "22 نوفمبر 2026"),
    ]
    .into();
    for lang in LANGUAGES.iter().filter(|l| **l != "en") {
        let (_dir, out, err) = built_in(lang);
        assert!(!err.contains("warning"), "{lang}: {err}");
        let doc = page(&out.join("index.html"));
        let html = doc.select(&sel("html")).next().unwrap();
        assert_eq!(html.value().attr("lang"), Some(*lang));
        assert_eq!(html.value().attr("dir"), Some(if *lang == "ar" { "rtl" } else { "ltr" }));
        let og = doc.select(&sel("meta[property='og:locale']")).next().unwrap().value().attr("content").unwrap();
        assert_eq!(og, strings(lang)["og-locale"].as_str().unwrap(), "{lang}: Open Graph's language_TERRITORY");
        let text = all_text(&out);
        let left: Vec<&String> = pieces.iter().filter(|p| text.contains(p.as_str())).collect();
        assert!(left.is_empty(), "{lang}: English left in the pages: {left:#?}");
        let claim = fs::read_to_string(out.join("claims/prior-post-october-2024/index.html")).unwrap();
        assert!(claim.contains(months[lang]), "{lang}: the date in the language's form");
        // The default verdict scale speaks the language too.
        let label = strings(lang)["verdict-false"].as_str().unwrap().to_string();
        let card = page(&out.join("claims/prior-post-october-2024/index.html"));
        assert!(text_of(&card, ".rating-label").ends_with(&label), "{lang}");
    }
}

fn text_of(doc: &scraper::Html, selector: &str) -> String {
    text(doc.select(&sel(selector)).next().unwrap())
}

#[test]
fn plural_forms_follow_the_language() {
    // Five articles: Russian says "5 статей", Arabic "5 مقالات"; one article is "1 статья".
    let (_dir, out, _) = built_in("ru");
    let tally = text_of(&page(&out.join("index.html")), ".tally");
    assert!(tally.contains("5 статей"), "{tally}");
    assert!(tally.contains("20 утверждений проверено"), "{tally}");
    let (_dir, out, _) = built_in("ar");
    let tally = text_of(&page(&out.join("index.html")), ".tally");
    assert!(tally.contains("5 مقالات"), "{tally}");
    assert!(tally.contains("20 ادعاءً"), "{tally}");
}

#[test]
fn a_site_rewords_strings_and_adds_a_language() {
    let (dir, site) = fixture("council");
    let config = site.join("briefing.toml");
    let text = fs::read_to_string(&config).unwrap();
    let text = format!(
        "{text}\n[strings]\nnav-about = \"About this dossier\"\ntally-claims = {{ one = \"{{count}} statement\", other = \"{{count}} statements\" }}\n"
    );
    fs::write(&config, text.replace("language = \"en-GB\"", "language = \"it\"")).unwrap();
    let out = dir.path().join("out");
    let o = run(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    let (code, _, err) = outcome(&o);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning[no-locale]"), "{err}");
    let doc = page(&out.join("index.html"));
    assert_eq!(doc.select(&sel("footer nav")).next().unwrap().value().attr("aria-label"), Some("About this dossier"));
    assert!(text_of(&doc, ".tally").contains("3 statements"), "{}", text_of(&doc, ".tally"));

    // A table of the site's own: Italian, with the months; the warning goes.
    fs::create_dir_all(site.join("locales")).unwrap();
    let months = "[\"gennaio\", \"febbraio\", \"marzo\", \"aprile\", \"maggio\", \"giugno\", \"luglio\", \"agosto\", \"settembre\", \"ottobre\", \"novembre\", \"dicembre\"]";
    fs::write(site.join("locales/it.toml"), format!("months = {months}\n\n[strings]\nsources-title = \"Fonti\"\n"))
        .unwrap();
    let (code, _, err) = outcome(&run(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("no-locale"), "{err}");
    let doc = page(&out.join("sources/index.html"));
    assert_eq!(text_of(&doc, "h1"), "Fonti");
    let claim = fs::read_to_string(out.join("claims/library-figure/index.html")).unwrap();
    assert!(claim.contains("marzo 2031"), "the site's months");
}

/// Tables are layers: the built-in one, the theme's, the site's. A layer that repeats the
/// built-in table word for word is skipped only where it changes nothing: after a theme's
/// own table of its language, it puts the built-in strings back.
#[test]
fn a_table_that_repeats_the_built_in_one_is_still_a_layer_over_the_theme() {
    let (dir, site) = fixture("council");
    let config = site.join("briefing.toml");
    let text = fs::read_to_string(&config).unwrap().replace("language = \"en-GB\"", "language = \"fr\"");
    fs::write(&config, format!("theme = \"mine\"\n{text}")).unwrap();
    fs::create_dir_all(site.join("themes/mine/locales")).unwrap();
    fs::write(site.join("themes/mine/locales/fr.toml"), "[strings]\nsources-title = \"Nos sources\"\n").unwrap();
    let out = dir.path().join("out");
    let build = || {
        let (code, _, err) =
            outcome(&run(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]));
        assert_eq!(code, 0, "{err}");
        text_of(&page(&out.join("sources/index.html")), "h1")
    };
    assert_eq!(build(), "Nos sources", "the theme's table over the built-in one");
    fs::create_dir_all(site.join("locales")).unwrap();
    fs::copy(repo().join("themes/default/locales/fr.toml"), site.join("locales/fr.toml")).unwrap();
    assert_eq!(build(), strings("fr")["sources-title"].as_str().unwrap(), "the site's copy over the theme's");
}

/// A rebuild in another language, or with reworded strings, gives what a fresh build gives:
/// the locale is part of every page's fingerprint, and of the feed's entries.
#[test]
fn a_new_language_rebuilds_every_page_it_changes() {
    let (dir, site) = repo_site();
    let out = dir.path().join("out");
    let config = site.join("briefing.toml");
    let english = fs::read_to_string(&config).unwrap();
    build(&site, &out);
    let steps = [
        english.replace("language = \"en\"", "language = \"ru\""),
        english.replace("language = \"en\"", "language = \"ar\""),
        format!("{english}\n[strings]\nfeed-corrected = \"amended\"\nnav-about = \"About\"\n"),
    ];
    for (n, text) in steps.iter().enumerate() {
        fs::write(&config, text).unwrap();
        if n == 2 {
            // A table of the site's own, which only the feed's words come from.
            fs::create_dir_all(site.join("locales")).unwrap();
            fs::write(site.join("locales/en.toml"), "[strings]\nfeed-corrected = \"revised ({n})\"\n").unwrap();
        }
        build(&site, &out);
        let fresh = dir.path().join(format!("fresh{n}"));
        let o = run(&[
            "build",
            "--root",
            site.to_str().unwrap(),
            "--output",
            fresh.to_str().unwrap(),
            "--cache-dir",
            dir.path().join(format!("cache{n}")).to_str().unwrap(),
        ]);
        assert_eq!(outcome(&o).0, 0);
        assert!(tree(&out) == tree(&fresh), "step {n}: the rebuild differs from a fresh build");
    }
}

/// The built-in English table, read once for every build (`locale::english`), reads
/// without a diagnostic: a build that took it would report none.
#[test]
fn the_built_in_english_table_reads_cleanly() {
    use briefing::model::{diag::SourceFile, locale};
    let mut diags = Vec::new();
    locale::read_table(&SourceFile::new("(built-in)/locales/en.toml", locale::ENGLISH), &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(locale::Locale::default().get("fact-check", None, &[]), "Fact-check");
}

/// Every shipped table reads cleanly, and writes only the plural forms its language's
/// counts take (a build checks only the tables in use, and a theme's own).
#[test]
fn every_shipped_table_reads_cleanly_with_its_languages_forms() {
    use briefing::model::{diag::SourceFile, locale};
    for lang in LANGUAGES {
        let path = repo().join(format!("themes/default/locales/{lang}.toml"));
        let file = SourceFile::new(format!("locales/{lang}.toml"), fs::read_to_string(path).unwrap());
        let mut diags = Vec::new();
        let sheet = locale::read_table(&file, &mut diags);
        locale::check_forms(&file, sheet.entries(), lang, &mut diags);
        assert!(diags.is_empty(), "{lang}: {diags:?}");
    }
}

/// `briefing locale` finds a table as a build does: a tag with a region prints its
/// language's table (and says so on stderr), and a language with none is a usage error.
#[test]
fn the_locale_command_finds_a_table_as_a_build_does() {
    let (code, out, err) = outcome(&run(&["locale", "de-AT"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, fs::read_to_string(repo().join("themes/default/locales/de.toml")).unwrap());
    assert!(err.contains("`de-AT` is written with `de`'s"), "{err}");
    let (code, out, err) = outcome(&run(&["locale", "FR"]));
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.contains("Janvier") || out.contains("janvier"), "{out}");
    let (code, out, err) = outcome(&run(&["locale", "xx-YY"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("error[usage]: the default theme has no strings in `xx-YY`"), "{err}");
    // What `language` in briefing.toml refuses, the command refuses too.
    for bad in ["fr-", "../x", "", "english"] {
        let (code, out, err) = outcome(&run(&["locale", bad]));
        assert_eq!((code, out.as_str()), (2, ""), "{bad}");
        assert!(err.contains(&format!("error[usage]: `{bad}` is not a language tag")), "{bad}: {err}");
        assert!(!err.contains("locales/"), "{bad}: {err}");
    }
}
