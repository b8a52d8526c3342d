//! The editor's loop: `check`, `new` and `completions` (`serve` has tests/serve.rs).

mod common;

use std::fs;
use std::path::Path;

use common::*;
use serde_json::Value;

// ---------------------------------------------------------------- check

fn check(site: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["check", "--root", site.to_str().unwrap()];
    args.extend_from_slice(extra);
    outcome(&run(&args))
}

#[test]
fn check_passes_on_valid_sites_and_writes_nothing() {
    // The council fixture has a base_url; the repo's site is given one.
    for (dir, site) in [repo_site(), fixture("council")] {
        let base = ["--base-url", "https://example.org/checks/"];
        let (code, out, err) = check(&site, &base);
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("checked "), "{out}");
        assert!(!site.join("output").exists(), "check wrote output/");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "check wrote beside the site");
        let (code, out, _) = check(&site, &["--format", "json", base[0], base[1]]);
        assert_eq!((code, out.as_str()), (0, ""));
    }
}

#[test]
fn check_reports_errors_in_both_formats() {
    let (_dir, site) = fixture("ui-base");
    let claims = site.join("content/claims.toml");
    let text = fs::read_to_string(&claims)
        .unwrap()
        .replace("verdict = \"imprecise\"", "verdict = \"bogus\"")
        .replace("titl", "tilte");
    fs::write(&claims, text).unwrap();
    let (code, out, err) = check(&site, &[]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("error[unknown-verdict]") && err.contains("--> content/claims.toml:4:11"), "{err}");
    assert!(err.contains("check failed: 2 errors"), "{err}");
    // `-q` prints the errors themselves, and no summary line (docs/cli.md).
    let (code, out, err) = check(&site, &["-q"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("error[unknown-verdict]") && !err.contains("check failed"), "{err}");

    let (code, out, _) = check(&site, &["--format", "json"]);
    assert_eq!(code, 1);
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect();
    assert_eq!(lines.len(), 2);
    let verdict = lines.iter().find(|d| d["code"] == "unknown-verdict").unwrap();
    assert_eq!(verdict["file"], "content/claims.toml");
    assert_eq!((verdict["line"].as_u64(), verdict["column"].as_u64()), (Some(4), Some(11)));
    assert_eq!((verdict["end_line"].as_u64(), verdict["end_column"].as_u64()), (Some(4), Some(18)));
    assert_eq!(verdict["severity"], "error");
    assert!(verdict["message"].as_str().unwrap().contains("bogus"));
    assert!(verdict["help"].as_str().unwrap().contains("accurate"));
}

#[test]
fn deny_warnings_turns_warnings_into_failure() {
    let (_dir, site) = fixture("ui-base");
    fs::write(site.join("content/articles/other.txt"), "+++\ntitle = \"Other\"\n+++\nUnquoted.\n").unwrap();
    let base = ["--base-url", "https://example.org/"];
    let (code, _, err) = check(&site, &base);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning[untouched-article]"));
    let (code, _, err) = check(&site, &["--deny-warnings", base[0], base[1]]);
    assert_eq!(code, 1, "{err}");
    let (code, out, _) = check(&site, &["--deny-warnings", "--format", "json", base[0], base[1]]);
    assert_eq!(code, 1);
    assert_eq!(serde_json::from_str::<Value>(out.trim()).unwrap()["severity"], "warning");
}

#[test]
fn check_finds_broken_links_in_articles_and_templates() {
    let (_dir, site) = fixture("council");
    let gazette = site.join("content/articles/gazette.md");
    let text = fs::read_to_string(&gazette)
        .unwrap()
        .replace("about the\nlibrary.", "about the\n[library](../library/index.html) and [budget](#nowhere).");
    fs::write(&gazette, text).unwrap();
    fs::create_dir_all(site.join("templates")).unwrap();
    fs::write(site.join("templates/404.html"), "{% extends \"base.html\" %}{% block main %}x{% endblock main %}")
        .unwrap();
    let base = fs::read_to_string(repo().join("themes/default/templates/base.html")).unwrap();
    fs::write(
        site.join("templates/base.html"),
        base.replace("{{ root }}sources/index.html", "{{ root }}sauces/index.html"),
    )
    .unwrap();
    let (code, out, _) = check(&site, &["--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let diags: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(diags.iter().all(|d| d["code"] == "broken-link"), "{out}");
    let files: Vec<&str> = diags.iter().filter_map(|d| d["file"].as_str()).collect();
    assert!(files.contains(&"content/articles/gazette.md"), "{out}");
    assert!(files.contains(&"templates/base.html"), "{out}");
    assert!(diags.iter().any(|d| d["message"].as_str().unwrap().contains("nowhere")), "{out}");
    // A build does not check links, and does not fail on them.
    build(&site, &site.parent().unwrap().join("out"));
}

#[test]
fn a_broken_link_is_pointed_at_in_the_body_not_the_front_matter() {
    let (_dir, site) = fixture("council");
    let gazette = site.join("content/articles/gazette.md");
    let text = fs::read_to_string(&gazette).unwrap();
    // "x" is in the front matter's address ("example") before it is in the body's image.
    assert!(text[..text.find("\n+++\n").unwrap()].contains('x'));
    let text = text + "\n<img src=\"x\" alt=\"a\">\n";
    fs::write(&gazette, &text).unwrap();
    let (code, out, _) = check(&site, &["--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let d: Value =
        out.lines().map(|l| serde_json::from_str(l).unwrap()).find(|d: &Value| d["code"] == "broken-link").unwrap();
    let line = text.lines().position(|l| l.starts_with("<img")).unwrap() + 1;
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(line as u64), Some(11)), "{d}");
}

#[test]
fn links_in_any_script_are_checked_and_pointed_at_as_written() {
    let (_dir, site) = fixture("council");
    let claims = site.join("content/claims.toml");
    let text = fs::read_to_string(&claims).unwrap();
    // A heading's `{#id}` and an id in another script, linked to from the same text: fine.
    let good = "Rounded up.\\n\\n## Détails {#détails}\\n\\nSee [below](#détails) and [Итоги](#итоги).\\n\\n<p id=\\\"итоги\\\">…</p>";
    let text = text.replacen("Rounded up.", good, 1);
    fs::write(&claims, &text).unwrap();
    let (code, out, err) = check(&site, &["-q", "--base-url", "https://example.org/"]);
    assert_eq!(code, 0, "{out}{err}");
    // Broken, and written in another script: reported as written, where it is written.
    let text = text.replacen("[below](#détails)", "[below](#nöpe)", 1);
    fs::write(&claims, &text).unwrap();
    let (code, out, _) = check(&site, &["--format", "json", "--base-url", "https://example.org/"]);
    assert_eq!(code, 1, "{out}");
    let d: Value =
        out.lines().map(|l| serde_json::from_str(l).unwrap()).find(|d: &Value| d["code"] == "broken-link").unwrap();
    assert!(d["message"].as_str().unwrap().starts_with("broken link `#nöpe` in claims/"), "{d}");
    let line = text.lines().position(|l| l.contains("#nöpe")).unwrap();
    let column = text.lines().nth(line).unwrap().split("#nöpe").next().unwrap().chars().count() + 1;
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(line as u64 + 1), Some(column as u64)), "{d}");
}

// ---------------------------------------------------------------- new and completions

#[test]
fn new_creates_a_site_that_builds_and_checks_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("my-briefing");
    let (code, out, err) = outcome(&run(&["new", site.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("briefing check") && out.contains("briefing serve"), "{out}");
    // Its one warning: where it will be published is not known yet.
    let (code, _, err) = check(&site, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("warning[").count(), 1, "{err}");
    assert!(err.contains("warning[no-base-url]"), "{err}");
    let (code, _, err) = check(&site, &["--deny-warnings", "--base-url", "https://example.org/news/"]);
    assert_eq!(code, 0, "{err}");
    let out_dir = site.join("output");
    build(&site, &out_dir);
    let doc = page(&out_dir.join("articles/example/index.html"));
    assert_eq!(doc.select(&sel("mark.claim[id]")).count(), 2);
    assert_eq!(doc.select(&sel("mark.artifact")).count(), 1);
    assert_eq!(page(&out_dir.join("corrections/index.html")).select(&sel(".correction-log li")).count(), 1);
    // It never overwrites.
    let (code, _, err) = outcome(&run(&["new", site.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn completions_for_common_shells() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, _) = outcome(&run(&["completions", shell]));
        assert_eq!(code, 0);
        assert!(out.contains("briefing") && out.contains("serve"), "{shell}");
    }
}

#[test]
fn built_pages_never_carry_the_reload_script() {
    let (dir, site) = fixture("council");
    let out = dir.path().join("out");
    build(&site, &out);
    for (path, bytes) in tree(&out) {
        assert!(!String::from_utf8_lossy(&bytes).contains("__briefing"), "{path}");
    }
}
