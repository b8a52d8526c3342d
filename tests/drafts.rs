//! Drafts: checked in full, left out of the published site, shown by `build --drafts` (and
//! `serve`, see tests/serve.rs) marked as drafts. Run as editors run it: the binary,
//! inside the site; the pages parsed, not grepped.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// The ui fixture with a draft of each kind: an article, a claim quoted in a published
/// article and in the draft one, with a correction, and a discrepancy.
fn site_with_drafts() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, site) = fixture("ui-base");
    fs::write(
        site.join("content/articles/wire.txt"),
        "+++\ntitle = \"Wire copy\"\ndraft = true\n+++\nThe harbour repairs took three weeks, the wire says.\n",
    )
    .unwrap();
    let drafts = r#"
[[claim]]
id = "repair-weeks"
claim = "The repairs took three weeks."
verdict = "unverifiable"
finding = "No record gives the dates."
explanation = "Not yet checked against the council's minutes."
checked = 2031-01-11
draft = true

  [[claim.appearance]]
  article = "news"
  quote = "three weeks of repairs"

  [[claim.appearance]]
  article = "wire"
  quote = "repairs took three weeks"

[[discrepancy]]
id = "repair-story"
title = "How long, and how much?"
claims = ["repair-cost", "repair-weeks"]
resolution = "Still being checked."
draft = true

[[correction]]
date = 2031-01-12
claim = "repair-weeks"
text = "A draft's correction."
"#;
    let claims = site.join("content/claims.toml");
    fs::write(&claims, fs::read_to_string(&claims).unwrap() + drafts).unwrap();
    (dir, site)
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn draft_marks(path: &Path) -> usize {
    page(path).select(&sel(".draft-mark")).count()
}

#[test]
fn drafts_are_left_out_of_every_published_output() {
    let (_dir, site) = site_with_drafts();
    let (code, stdout, err) = outcome(&run_in(&site, &["build", "--base-url", "https://example.org/"]));
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("; 3 drafts left out"), "{stdout}");
    let out = site.join("output");
    assert_eq!(page(&out.join("index.html")).select(&sel("meta[name=robots]")).count(), 0);
    assert!(read(&out.join("robots.txt")).contains("Allow: /"));
    assert!(!out.join("claims/repair-weeks").exists(), "no page for the draft claim");
    assert!(!out.join("articles/wire").exists(), "no page for the draft article");
    assert!(out.join("claims/repair-cost/index.html").is_file());
    for file in ["index.html", "sources/index.html", "corrections/index.html", "feed.xml", "sitemap.xml", "claims.json"]
    {
        let text = read(&out.join(file));
        for draft in ["repair-weeks", "Wire copy", "How long, and how much?", "A draft's correction."] {
            assert!(!text.contains(draft), "{file} has the draft `{draft}`");
        }
    }
    // The published article no longer marks the draft claim's passage.
    let news = page(&out.join("articles/news/index.html"));
    assert_eq!(news.select(&sel("[id^='q-repair-weeks']")).count(), 0);
    assert_eq!(news.select(&sel("[id^='q-repair-cost']")).count(), 1);
    assert_eq!(draft_marks(&out.join("index.html")), 0);
    // The counts are of what was published.
    let export: serde_json::Value = serde_json::from_str(&read(&out.join("claims.json"))).unwrap();
    assert_eq!(export["claims"].as_array().unwrap().len(), 1);
    assert_eq!(export["articles"].as_array().unwrap().len(), 1);
    assert_eq!(export["discrepancies"].as_array().unwrap().len(), 0);
}

#[test]
fn build_drafts_publishes_them_marked() {
    let (dir, site) = site_with_drafts();
    let preview = dir.path().join("preview");
    let args = ["build", "--drafts", "--base-url", "https://example.org/", "--output", preview.to_str().unwrap()];
    let (code, stdout, err) = outcome(&run_in(&site, &args));
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("; 3 drafts published, marked: a preview, not for the live site"), "{stdout}");
    // A preview asks search engines to keep out, on every page and in robots.txt.
    for p in ["index.html", "claims/repair-cost/index.html", "articles/wire/index.html"] {
        let robots: Vec<String> = page(&preview.join(p))
            .select(&sel("meta[name=robots]"))
            .filter_map(|m| m.value().attr("content").map(str::to_string))
            .collect();
        assert_eq!(robots, ["noindex, nofollow"], "{p}");
    }
    assert_eq!(read(&preview.join("robots.txt")), "User-agent: *\nDisallow: /\n");
    assert_eq!(draft_marks(&preview.join("claims/repair-weeks/index.html")), 1);
    assert_eq!(draft_marks(&preview.join("articles/wire/index.html")), 1);
    assert_eq!(draft_marks(&preview.join("claims/repair-cost/index.html")), 0);
    // The front page lists the draft claim and the draft discrepancy, each marked; the
    // articles list marks the draft article.
    assert_eq!(draft_marks(&preview.join("index.html")), 3);
    let export: serde_json::Value = serde_json::from_str(&read(&preview.join("claims.json"))).unwrap();
    let draft = |list: &str, key: &str, id: &str| {
        export[list].as_array().unwrap().iter().find(|e| e[key] == id).map(|e| e.get("draft").cloned())
    };
    assert_eq!(draft("claims", "id", "repair-weeks"), Some(Some(serde_json::json!(true))));
    assert_eq!(draft("claims", "id", "repair-cost"), Some(None), "a published claim has no `draft`");
    assert_eq!(draft("articles", "slug", "wire"), Some(Some(serde_json::json!(true))));
    assert_eq!(draft("discrepancies", "id", "repair-story"), Some(Some(serde_json::json!(true))));
}

#[test]
fn a_draft_is_checked_in_full() {
    let (_dir, site) = site_with_drafts();
    let claims = site.join("content/claims.toml");
    fs::write(
        &claims,
        read(&claims).replace("quote = \"repairs took three weeks\"", "quote = \"repairs took a month\""),
    )
    .unwrap();
    let (code, _, err) = outcome(&run_in(&site, &["build"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[quote-not-found]"), "{err}");
    assert!(!site.join("output").exists(), "nothing published");
}

#[test]
fn leaving_drafts_out_then_in_then_out_gives_fresh_builds_each_time() {
    let (dir, site) = site_with_drafts();
    for (round, drafts) in [false, true, false].into_iter().enumerate() {
        let mut args = vec!["build"];
        if drafts {
            args.push("--drafts");
        }
        let (code, _, err) = outcome(&run_in(&site, &args));
        assert_eq!(code, 0, "{err}");
        let fresh = dir.path().join(format!("fresh{round}"));
        let mut fresh_args = args.clone();
        fresh_args.extend(["--output", fresh.to_str().unwrap(), "--cache-dir"]);
        let cache = dir.path().join(format!("cache{round}"));
        fresh_args.push(cache.to_str().unwrap());
        assert_eq!(outcome(&run_in(&site, &fresh_args)).0, 0);
        assert_eq!(tree(&site.join("output")), tree(&fresh), "round {round} (drafts: {drafts})");
    }
}

#[test]
fn a_drafts_correction_before_a_published_claims_correction_is_left_out_cleanly() {
    let (_dir, site) = site_with_drafts();
    assert_eq!(outcome(&run_in(&site, &["build"])).0, 0);
    // The draft's correction comes first; the published claim's, after it.
    let claims = site.join("content/claims.toml");
    let text = read(&claims).replacen("verdict = \"imprecise\"", "verdict = \"misleading\"", 1)
        + "\n[[correction]]\ndate = 2031-01-20\nclaim = \"repair-cost\"\ntext = \"Now misleading.\"\n";
    fs::write(&claims, text).unwrap();
    let (code, _, err) = outcome(&run_in(&site, &["build"]));
    assert_eq!(code, 0, "{err}");
    let corrections = read(&site.join("output/corrections/index.html"));
    assert!(corrections.contains("Now misleading.") && !corrections.contains("A draft's correction."));
}
