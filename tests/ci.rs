//! Diagnostics for CI systems, exactly: `check --format github` (workflow commands that put
//! errors on a pull request's lines) and `check --format gitlab` (a code-quality report),
//! on the `many-errors-at-once` case of `tests/ui/`, with the site in a subfolder as in a
//! repository that holds more than the site.
//!
//! To accept new output after a deliberate change: `BLESS=1 cargo test --test ci`.

mod common;

use std::fs;

use common::*;

/// The exit code and stdout of `check --format FORMAT` on the broken site.
fn check(format: &str) -> (i32, String) {
    let (dir, site) = fixture("ui-base");
    let case = repo().join("tests/ui/many-errors-at-once/content/claims.toml");
    fs::copy(case, site.join("content/claims.toml")).unwrap();
    let (code, out, _) = outcome(&run_in(dir.path(), &["check", "--format", format, "--root", "site"]));
    (code, out)
}

/// Compares `actual` with the committed file `name`, or writes it under BLESS.
fn golden(name: &str, actual: &str) {
    let path = repo().join("tests/golden/ci").join(name);
    if std::env::var_os("BLESS").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, actual).unwrap();
    }
    let expected = fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(actual, expected, "{name} differs; BLESS=1 cargo test --test ci accepts it");
}

#[test]
fn github_workflow_commands() {
    let (code, out) = check("github");
    assert_eq!(code, 1);
    assert!(out.lines().all(|l| l.starts_with("::error ") || l.starts_with("::warning ")), "{out}");
    assert!(out.contains("::error file=site/content/claims.toml,line="), "{out}");
    golden("github.txt", &out);
}

#[test]
fn gitlab_code_quality_report() {
    let (code, out) = check("gitlab");
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let items = report.as_array().unwrap();
    assert!(items.len() >= 3, "{out}");
    for item in items {
        assert!(item["location"]["path"].as_str().unwrap().starts_with("site/"), "{item}");
        assert!(item["location"]["lines"]["begin"].as_u64().unwrap() >= 1, "{item}");
        assert_eq!(item["fingerprint"].as_str().unwrap().len(), 16, "{item}");
        assert!(["major", "minor"].contains(&item["severity"].as_str().unwrap()), "{item}");
    }
    let prints: std::collections::HashSet<&str> = items.iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(prints.len(), items.len(), "fingerprints are distinct");
    golden("gitlab.json", &out);
}
