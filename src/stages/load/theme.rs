//! Themes: tera templates and static files, with site-level overrides.
//!
//! A theme is `themes/<name>/templates/*.html`, `themes/<name>/static/**` and
//! `themes/<name>/locales/<language>.toml` (its interface strings, see
//! [`crate::model::locale`]). A site's own `templates/`, `static/` and `locales/` folders
//! override files of the same name, so a newsroom can restyle one page without copying
//! the theme.

use std::fs;
use std::ops::Range;
use std::path::Path;

use std::sync::Arc;

use tera::Tera;
use walkdir::WalkDir;

use crate::model::diag::{Diagnostic, SourceFile};
use crate::model::locale::Locale;
use crate::stages::load::{parsed, read_text};
use crate::stages::render::flat::unflatten;

/// A theme's files, read.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Templates by name (`index.html`), each with the file it came from.
    pub templates: Vec<(String, SourceFile)>,
    /// Static files: (path in the output, bytes).
    pub statics: Vec<(String, Vec<u8>)>,
    /// Locale tables by language (`fr` for `locales/fr.toml`), the built-in English first,
    /// then the theme's, then the site's: later ones override earlier ones string by string.
    pub locales: Vec<(String, SourceFile)>,
    /// The interface strings for the site's language, resolved from `locales` and the
    /// site's `[strings]` by the loader.
    pub locale: Arc<Locale>,
    /// The templates, compiled by the first render that needs them and shared by the
    /// others of the build: `[0]` without an archive's own templates (a site of one
    /// briefing), `[1]` with them (an archive's home and its briefings, 500 renders of one
    /// theme).
    pub compiled: [std::sync::OnceLock<Result<Compiled, Vec<Diagnostic>>>; 2],
}

/// A theme's templates compiled for a render.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The templates.
    pub tera: tera::Tera,
    /// The parts whose item the render gives by flat names (`stages/render/flat.rs`),
    /// with the fields each reads.
    pub flat: Vec<(&'static str, Vec<String>)>,
    /// The names of every page's context read by flat names in every template, with the
    /// fields read (`site`, `page`).
    pub globals: Vec<(&'static str, Vec<String>)>,
}

impl Theme {
    /// Whether code on this theme's pages is styled as the default theme styles it: by
    /// briefing's own `highlight.css` (the theme brings none), with the default's rules
    /// for syntect's classes in `style.css`. Claims-file entries can then use the short
    /// classes that stand for those rules (see `model/highlight/classes.rs`).
    pub fn styles_code_as_default(&self) -> bool {
        let css = |name: &str| self.statics.iter().find(|(n, _)| n == name).map(|(_, b)| b.as_slice());
        let code_rules = |css: &[u8]| -> Vec<String> {
            String::from_utf8_lossy(css).lines().filter(|l| l.contains("hl-")).map(str::to_string).collect()
        };
        let default = BUILTIN.iter().find(|(p, _)| *p == "static/style.css").map_or(&b""[..], |(_, t)| t.as_bytes());
        css("highlight.css").is_none() && code_rules(css("style.css").unwrap_or_default()) == code_rules(default)
    }
}

/// The default theme, built into the binary so that a site needs no `themes/` folder.
/// `tests/theme.rs` checks that this list matches `themes/default/`.
pub const BUILTIN: &[(&str, &str)] = &[
    ("templates/404.html", include_str!("../../../themes/default/templates/404.html")),
    ("templates/archive.html", include_str!("../../../themes/default/templates/archive.html")),
    ("templates/article.html", include_str!("../../../themes/default/templates/article.html")),
    ("templates/base.html", include_str!("../../../themes/default/templates/base.html")),
    ("templates/claim.html", include_str!("../../../themes/default/templates/claim.html")),
    ("templates/corrections.html", include_str!("../../../themes/default/templates/corrections.html")),
    ("templates/groups.html", include_str!("../../../themes/default/templates/groups.html")),
    ("templates/index.html", include_str!("../../../themes/default/templates/index.html")),
    ("templates/macros.html", include_str!("../../../themes/default/templates/macros.html")),
    ("templates/parts/article-item.html", include_str!("../../../themes/default/templates/parts/article-item.html")),
    ("templates/parts/claim-item.html", include_str!("../../../themes/default/templates/parts/claim-item.html")),
    ("templates/parts/discrepancy.html", include_str!("../../../themes/default/templates/parts/discrepancy.html")),
    ("templates/parts/score-row.html", include_str!("../../../themes/default/templates/parts/score-row.html")),
    ("templates/parts/source.html", include_str!("../../../themes/default/templates/parts/source.html")),
    ("templates/outlet.html", include_str!("../../../themes/default/templates/outlet.html")),
    ("templates/topic.html", include_str!("../../../themes/default/templates/topic.html")),
    ("templates/search.html", include_str!("../../../themes/default/templates/search.html")),
    ("templates/sources.html", include_str!("../../../themes/default/templates/sources.html")),
    ("static/favicon.svg", include_str!("../../../themes/default/static/favicon.svg")),
    ("static/style.css", include_str!("../../../themes/default/static/style.css")),
    ("locales/ar.toml", include_str!("../../../themes/default/locales/ar.toml")),
    ("locales/de.toml", include_str!("../../../themes/default/locales/de.toml")),
    ("locales/en.toml", include_str!("../../../themes/default/locales/en.toml")),
    ("locales/es.toml", include_str!("../../../themes/default/locales/es.toml")),
    ("locales/fr.toml", include_str!("../../../themes/default/locales/fr.toml")),
    ("locales/ru.toml", include_str!("../../../themes/default/locales/ru.toml")),
];

/// How the built-in theme's files are named in messages.
pub const BUILTIN_PREFIX: &str = "(built-in theme)/";

/// Reads theme `name`: the built-in theme, overridden file by file by `themes/<name>/`
/// (which may hold only the files it changes: a theme of one stylesheet is a theme), then
/// by the site's own `templates/` and `static/`.
/// With its errors and warnings; no theme when there is an error.
pub fn load(root: &Path, name: &str) -> (Option<Theme>, Vec<Diagnostic>) {
    let base = format!("themes/{name}");
    let mut diags = Vec::new();
    let mut theme = Theme::default();
    if name != "default" && linked(root, &base).is_some() {
        let d = Diagnostic::error("io-symlink", format!("`{base}` is a symbolic link; briefing does not follow links"))
            .help("copy the theme into themes/ instead of linking it");
        return (None, vec![d]);
    }
    if name != "default" && !root.join(&base).is_dir() {
        let d = Diagnostic::error("io-missing", format!("theme `{name}` not found: no folder `{base}/`"))
            .help("set `theme` in briefing.toml to a folder under themes/, or remove it to use the built-in default");
        return (None, vec![d]);
    }
    for (path, text) in BUILTIN {
        let shown = format!("{BUILTIN_PREFIX}{path}");
        match path.split_once('/') {
            Some(("templates", n)) => theme.templates.push((n.to_string(), SourceFile::new(shown, *text))),
            Some(("locales", n)) => theme.locales.push((language_of(n), SourceFile::new(shown, *text))),
            Some((_, n)) => theme.statics.push((n.to_string(), text.as_bytes().to_vec())),
            None => {}
        }
    }
    for dir in [format!("{base}/templates"), "templates".to_string()] {
        for rel in files(root, &dir, &mut diags) {
            if !rel.ends_with(".html") {
                continue;
            }
            let name = rel[dir.len() + 1..].to_string();
            match read_text(root, &rel, true) {
                Ok(Some(file)) => {
                    theme.templates.retain(|(n, _)| *n != name);
                    theme.templates.push((name, file));
                }
                Ok(None) => {}
                Err(d) => diags.push(d),
            }
        }
    }
    for dir in [format!("{base}/locales"), "locales".to_string()] {
        for rel in files(root, &dir, &mut diags).into_iter().filter(|r| r.ends_with(".toml")) {
            match read_text(root, &rel, true) {
                Ok(Some(file)) => theme.locales.push((language_of(&rel[dir.len() + 1..]), file)),
                Ok(None) => {}
                Err(d) => diags.push(d),
            }
        }
    }
    for dir in [format!("{base}/static"), "static".to_string()] {
        for rel in files(root, &dir, &mut diags) {
            let name = rel[dir.len() + 1..].to_string();
            match fs::read(root.join(&rel)) {
                Ok(bytes) => {
                    theme.statics.retain(|(n, _)| *n != name);
                    theme.statics.push((name, bytes));
                }
                Err(e) => diags.push(Diagnostic::error("io-read", format!("cannot read `{rel}`: {e}"))),
            }
        }
    }
    theme.templates.sort_by(|a, b| a.0.cmp(&b.0));
    theme.statics.sort_by(|a, b| a.0.cmp(&b.0));
    let ok = !diags.iter().any(Diagnostic::is_error);
    (ok.then_some(theme), diags)
}

/// Where a theme's locale table comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Built into the binary, and checked by the tests.
    BuiltIn,
    /// A theme's file with the text of the built-in table of its language, word for word.
    Repeated,
    /// A theme's own: its strings are checked on every build.
    Own,
}

impl Table {
    /// Where the table for `language` in `file` comes from.
    pub fn of(language: &str, file: &SourceFile) -> Table {
        if file.name.starts_with(BUILTIN_PREFIX) {
            return Table::BuiltIn;
        }
        let path = format!("locales/{language}.toml");
        match BUILTIN.iter().find(|(p, _)| *p == path) {
            Some((_, text)) if *text == &*file.text => Table::Repeated,
            _ => Table::Own,
        }
    }
}

/// The first folder on the way from `root` to `root/dir` that is a symbolic link, as a
/// path relative to `root`: a walk from there would follow it out of the site.
fn linked(root: &Path, dir: &str) -> Option<String> {
    let mut at = String::new();
    for part in dir.split('/') {
        at = if at.is_empty() { part.to_string() } else { format!("{at}/{part}") };
        if fs::symlink_metadata(root.join(&at)).is_ok_and(|m| m.file_type().is_symlink()) {
            return Some(at);
        }
    }
    None
}

/// The language a locale file is for: its name without `.toml`.
fn language_of(name: &str) -> String {
    name.strip_suffix(".toml").unwrap_or(name).to_string()
}

/// Regular files under `root/dir`, as `/`-separated paths relative to `root`, sorted.
/// Links are reported and skipped.
fn files(root: &Path, dir: &str, diags: &mut Vec<Diagnostic>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(link) = linked(root, dir) {
        diags.push(Diagnostic::warning("symlink-skipped", format!("`{link}` is a symbolic link; it was not read")));
        return out;
    }
    if !root.join(dir).is_dir() {
        return out;
    }
    for entry in WalkDir::new(root.join(dir)).min_depth(1).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        let rel_path = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let rel = rel_path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        if entry.path_is_symlink() {
            diags.push(Diagnostic::warning("symlink-skipped", format!("`{rel}` is a symbolic link; it was not read")));
            continue;
        }
        if entry.file_type().is_file() && !rel.split('/').any(|p| p.starts_with('.')) {
            out.push(rel);
        }
    }
    out
}

/// Compiles the templates. Syntax errors name the template file, line and column.
///
/// The built-in templates, as they are, come parsed with the binary (see [`parsed`]).
/// Parsing the others is most of a small build's fixed cost (tera's pest parser, about
/// 5 ms for the default theme's 33 KB), so they are parsed on two threads, in halves of
/// about equal size, then linked as `Tera::add_raw_templates` would. The templates
/// `unused` names (an archive's home, in a site of one briefing) are left out.
pub fn compile(theme: &Theme, unused: &[&str]) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(crate::model::markup::escape);
    let mut first = Vec::new();
    let mut by_size: Vec<usize> = Vec::new();
    for (i, (name, file)) in theme.templates.iter().enumerate() {
        if unused.contains(&name.as_str()) {
            continue;
        }
        match parsed::lookup(name, &file.text) {
            Some(t) => first.push((i, Ok(t))),
            None => by_size.push(i),
        }
    }
    by_size.sort_by_key(|&i| std::cmp::Reverse(theme.templates[i].1.text.len()));
    let (mut one, mut two) = (Vec::new(), Vec::new());
    let (mut size_one, mut size_two) = (0, 0);
    for i in by_size {
        let size = theme.templates[i].1.text.len();
        if size_one <= size_two {
            size_one += size;
            one.push(i);
        } else {
            size_two += size;
            two.push(i);
        }
    }
    let parse = |part: Vec<usize>| -> Vec<(usize, tera::Result<tera::Template>)> {
        part.into_iter()
            .map(|i| {
                let (name, file) = &theme.templates[i];
                let parsed = tera::Template::new(name, None, &file.text)
                    .map_err(|e| tera::Error::chain(format!("Failed to parse '{name}'"), e));
                (i, parsed)
            })
            .collect()
    };
    // A thread of its own, not rayon's: this runs inside a render job. None when every
    // template came parsed.
    let second = std::thread::scope(|scope| {
        let other = (!two.is_empty()).then(|| scope.spawn(|| parse(two)));
        first.extend(parse(one));
        other.map_or(Ok(Vec::new()), |o| o.join())
    });
    let Ok(second) = second else {
        return Err(vec![Diagnostic::error("internal", "a template parser thread panicked")]);
    };
    let mut all = first;
    all.extend(second);
    // Every template's syntax errors at once, in the theme's order, as one parser going
    // through them would report them.
    all.sort_by_key(|(i, _)| *i);
    let (mut parsed, mut errors) = (Vec::with_capacity(all.len()), Vec::new());
    for (i, result) in all {
        match result {
            Ok(t) => parsed.push((theme.templates[i].0.clone(), t)),
            Err(e) => errors.push(template_error(theme, &e)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    tera.templates.extend(parsed);
    if let Err(e) = tera.build_inheritance_chains().and_then(|()| tera.check_macro_files()) {
        return Err(vec![template_error(theme, &e)]);
    }
    Ok(tera)
}

/// A tera error as a diagnostic at the template's line, as far as tera tells it.
pub fn template_error(theme: &Theme, err: &tera::Error) -> Diagnostic {
    // A part's item read by flat names is named in messages as its template wrote it.
    let mut chain = vec![unflatten(&err.to_string())];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        chain.push(unflatten(&s.to_string()));
        source = s.source();
    }
    let full = chain.join("\n");
    let headline = chain.first().cloned().unwrap_or_default();
    let detail = chain[1..].join("; ");
    // Syntax errors carry a pest report; its `= expected …` line is the useful part.
    let label =
        detail.lines().find_map(|l| l.trim().strip_prefix("= ")).map_or_else(|| first_line(&detail), str::to_string);
    let mut d = Diagnostic::error("template", format!("template error: {headline}"));
    match place(theme, &full, chain.last().map_or("", String::as_str)) {
        Some((f, Some(span))) => d = d.at(f, span, label),
        Some((f, None)) => d = d.in_file(f).note(label),
        None if !label.is_empty() => d = d.note(label),
        None => {}
    }
    d.help("fix the template; the tera syntax is at https://keats.github.io/tera/docs/")
}

/// Where a tera error's mistake is, given its whole chain of messages and its cause (the
/// last). Tera names the page's template, though the mistake may be in a template it
/// extends, a macro it calls or a part it includes: so first the template the cause names
/// ("while rendering 'macros.html'"), then the page's, then the one template that has the
/// name the cause quotes; failing all, the page's template without a place.
fn place<'t>(theme: &'t Theme, full: &str, cause: &str) -> Option<(&'t SourceFile, Option<Range<usize>>)> {
    let named = |text: &str| theme.templates.iter().find(|(n, _)| text.contains(&format!("'{n}'"))).map(|(_, f)| f);
    let at = |f: Option<&'t SourceFile>, message: &str| f.and_then(|f| Some((f, Some(locate(message, f)?))));
    let only_one_with = || {
        let name = quoted(cause)?;
        let mut having = theme.templates.iter().filter_map(|(_, f)| Some((f, find_name(&f.text, name)?)));
        let (f, start) = having.next()?;
        having.next().is_none().then_some((f, Some(start..start + name.len())))
    };
    let page = named(full);
    at(named(cause), cause).or_else(|| at(page, full)).or_else(only_one_with).or(page.map(|f| (f, None)))
}

/// The name a runtime error quotes: "Variable `foo.bar` not found", "Filter 'upcase' not
/// found", "Macro `m::badge` not found".
fn quoted(message: &str) -> Option<&str> {
    let ticked = message.split('`').nth(1);
    let kinds = ["Filter '", "Function '", "Test '"];
    let named = || kinds.iter().find_map(|k| message.split_once(k)?.1.split('\'').next());
    ticked.or_else(named).filter(|n| !n.is_empty())
}

fn first_line(s: &str) -> String {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string()
}

/// The byte span in `file` that a tera message points at: `--> line:col` for syntax
/// errors, else the first line naming the variable or filter the message quotes.
fn locate(message: &str, file: &SourceFile) -> Option<Range<usize>> {
    let offset_of = |line: usize, col: usize| -> Option<usize> {
        let start = file.text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum::<usize>();
        let line_text = file.text[start..].lines().next()?;
        let col_bytes = line_text.char_indices().nth(col.saturating_sub(1)).map_or(line_text.len(), |(b, _)| b);
        Some(start + col_bytes)
    };
    if let Some(pos) = message.find("--> ") {
        let rest = &message[pos + 4..];
        let mut nums = rest.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
        let line = nums.next()?.parse().ok()?;
        let col = nums.next()?.parse().ok()?;
        let at = offset_of(line, col)?;
        return Some(at..at + 1);
    }
    // Runtime errors quote the name: "Variable `foo.bar` not found", "Filter 'x' not found".
    let name = quoted(message)?;
    let at = find_name(&file.text, name)?;
    Some(at..at + name.len())
}

/// Where `name` is written in `text` as a whole name: `page.descriptio` is not found in
/// `page.description`.
fn find_name(text: &str, name: &str) -> Option<usize> {
    let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
    text.match_indices(name)
        .map(|(at, _)| at)
        .find(|&at| !part(text[..at].chars().next_back()) && !part(text[at + name.len()..].chars().next()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(templates: &[(&str, &str)]) -> Theme {
        Theme {
            templates: templates
                .iter()
                .map(|(n, t)| (n.to_string(), SourceFile::new(format!("templates/{n}"), *t)))
                .collect(),
            ..Theme::default()
        }
    }

    #[test]
    fn templates_parsed_in_halves_link_and_report_every_error_in_order() {
        let ok = theme(&[
            ("base.html", "<main>{% block body %}{% endblock body %}</main>"),
            ("macros.html", "{% macro hi(n) %}hi {{ n }}{% endmacro hi %}"),
            (
                "page.html",
                "{% extends \"base.html\" %}{% import \"macros.html\" as m %}{% block body %}{{ m::hi(n=x) }}{% endblock body %}",
            ),
            ("other.html", "{{ x }}"),
        ]);
        let tera = compile(&ok, &[]).expect("compiles");
        let mut ctx = tera::Context::new();
        ctx.insert("x", "you");
        assert_eq!(tera.render("page.html", &ctx).unwrap(), "<main>hi you</main>");

        // Two broken templates, the later one in order the larger (so parsed first, on
        // the other half): both are reported, in the theme's order.
        let broken = theme(&[
            ("a.html", "{% if %}"),
            ("b.html", "fine"),
            ("z.html", &format!("{}{{% for %}}", "padding ".repeat(100))),
        ]);
        let Err(errors) = compile(&broken, &[]) else { panic!("the broken templates compiled") };
        assert_eq!(errors.len(), 2);
        let shown = format!("{errors:?}");
        let (a, z) = (shown.find("templates/a.html"), shown.find("templates/z.html"));
        assert!(a.is_some() && z.is_some() && a < z, "{shown}");
    }
}
