//! The reference docs stay true: every diagnostic code the program can emit is in
//! `docs/errors.md` (and every code there exists), every flag of `--help` is in
//! `docs/cli.md`, and every key `briefing.toml` may hold is in `docs/config.md`.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::{outcome, repo, run};

/// The source of every `.rs` file under `dir`, each without its test module.
fn sources(dir: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let text = fs::read_to_string(e.path()).unwrap();
            let text = text.split("#[cfg(test)]").next().unwrap_or_default().to_string();
            (e.path().display().to_string(), text)
        })
        .collect()
}

/// The codes given to `Diagnostic::error(` and `Diagnostic::warning(` in `text`.
fn codes_in(text: &str) -> Vec<String> {
    let mut codes = Vec::new();
    for call in ["Diagnostic::error(", "Diagnostic::warning("] {
        for (at, _) in text.match_indices(call) {
            let rest = text[at + call.len()..].trim_start();
            if let Some(literal) = rest.strip_prefix('"') {
                codes.push(literal[..literal.find('"').unwrap()].to_string());
            }
        }
    }
    codes
}

/// The words in backticks that begin the table rows of a markdown file.
fn first_cells(markdown: &str) -> BTreeSet<String> {
    markdown
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .map(str::to_string)
        .collect()
}

/// Codes that no `tests/ui/` case can show, and the test that covers each instead.
const NOT_IN_UI: &[(&str, &str)] = &[
    ("io-read", "root reads every file, and CI runs as root: no test makes a file unreadable"),
    ("io-changed", "a file changing mid-build is a race: tests/record.rs"),
    ("io-busy", "needs a second build holding the lock: tests/store.rs"),
    ("dead-link", "needs a web server: tests/external.rs, with an exact fixture in tests/golden/external/"),
    ("moved-link", "needs a web server: tests/external.rs, with an exact fixture in tests/golden/external/"),
    ("import-fetch", "needs a web server: tests/import.rs, against a local one"),
    ("internal", "a bug, not a content error: no input reaches it (a unit test in stages/render)"),
];

#[test]
fn every_code_in_the_table_has_a_ui_case() {
    let table = first_cells(&fs::read_to_string(repo().join("docs/errors.md")).unwrap());
    let mut shown = String::new();
    for case in fs::read_dir(repo().join("tests/ui")).unwrap() {
        shown += &fs::read_to_string(case.unwrap().path().join("expected.txt")).unwrap_or_default();
    }
    let uncovered: Vec<_> = table
        .iter()
        .filter(|code| !shown.contains(&format!("error[{code}]")) && !shown.contains(&format!("warning[{code}]")))
        .filter(|code| !NOT_IN_UI.iter().any(|(c, _)| c == code))
        .collect();
    assert!(uncovered.is_empty(), "codes of docs/errors.md with no tests/ui/ case: {uncovered:?}");
}

#[test]
fn every_code_the_program_emits_is_in_the_table_and_no_other() {
    let emitted: BTreeSet<String> = sources(&repo().join("src")).iter().flat_map(|(_, t)| codes_in(t)).collect();
    assert!(emitted.len() > 30, "the scan found the codes: {emitted:?}");
    let table = first_cells(&fs::read_to_string(repo().join("docs/errors.md")).unwrap());
    let missing: Vec<_> = emitted.difference(&table).collect();
    assert!(missing.is_empty(), "codes missing from docs/errors.md: {missing:?}");
    let stale: Vec<_> = table.difference(&emitted).collect();
    assert!(stale.is_empty(), "docs/errors.md lists codes the program no longer emits: {stale:?}");
}

#[test]
fn every_flag_of_every_command_is_in_the_cli_reference() {
    let doc = fs::read_to_string(repo().join("docs/cli.md")).unwrap();
    let mut seen = 0;
    for command in
        [&["--help"][..], &["build", "--help"], &["check", "--help"], &["serve", "--help"], &["new", "--help"]]
            .iter()
            .chain(&[&["completions", "--help"][..]])
    {
        let (code, help, _) = outcome(&run(command));
        assert_eq!(code, 0, "{command:?}");
        for word in help.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
            if word.len() > 2 && word.starts_with("--") {
                seen += 1;
                assert!(doc.contains(&format!("`{word}")), "`{word}` of {command:?} is missing from docs/cli.md");
            }
        }
    }
    assert!(seen > 15, "the help was read: {seen} flags");
}

#[test]
fn every_key_of_briefing_toml_is_in_the_config_reference() {
    let source = fs::read_to_string(repo().join("src/model/config.rs")).unwrap();
    let doc = first_cells(&fs::read_to_string(repo().join("docs/config.md")).unwrap());
    // The lists of keys each table accepts: `KNOWN`, and those given to `Fields::new`.
    let mut keys = BTreeSet::new();
    for marker in ["const KNOWN: &[&str] = &[", "\"`[publisher]`\", &[", "let known = &["] {
        let at = source.find(marker).unwrap_or_else(|| panic!("{marker} not found")) + marker.len();
        let list = &source[at..at + source[at..].find(']').unwrap()];
        keys.extend(list.split('"').skip(1).step_by(2).map(str::to_string));
    }
    assert!(keys.len() > 12, "the scan found the keys: {keys:?}");
    for key in ["publisher", "verdict", "strings"] {
        assert!(keys.remove(key), "{key} is a table");
    }
    let missing: Vec<_> = keys.difference(&doc).collect();
    assert!(missing.is_empty(), "keys missing from docs/config.md: {missing:?}");
}
