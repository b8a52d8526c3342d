//! `briefing check --suggest`: finds what the claims file does not cover yet, on the
//! repository's own articles and on fixture corpora with planted discrepancies; its
//! snippets paste and anchor; it never writes.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use briefing::pipeline::{self, Options};
use briefing::suggest::Suggestion;
use common::{copy_dir, outcome, repo, repo_site, run};

fn suggestions(site: &Path) -> Vec<Suggestion> {
    let opts = Options { root: site.to_path_buf(), dry_run: true, suggest: true, ..Options::default() };
    let out = pipeline::build(&opts);
    assert!(!out.report.has_errors(), "{}", out.report.render(false));
    out.suggestions
}

/// `article: text` for each passage, the form `expected.toml` uses.
fn key(s: &Suggestion) -> (String, BTreeSet<String>) {
    (s.code.to_string(), s.passages.iter().map(|p| format!("{}: {}", p.article, p.text)).collect())
}

/// Drops the top-level entries (`[[claim]]`, `[[discrepancy]]`, …) whose id is in `ids`.
fn drop_entries(claims: &str, ids: &[&str]) -> String {
    let mut blocks: Vec<String> = vec![String::new()];
    for line in claims.split_inclusive('\n') {
        if line.starts_with("[[") {
            blocks.push(String::new());
        }
        blocks.last_mut().unwrap().push_str(line);
    }
    // A claim's entry by its id, and a correction by the claim it corrects.
    let names = |b: &str, id: &str| {
        b.lines().any(|l| l.trim() == format!("id = \"{id}\""))
            || (b.starts_with("[[correction]]") && b.lines().any(|l| l.trim() == format!("claim = \"{id}\"")))
    };
    blocks.retain(|b| !ids.iter().any(|id| names(b, id)));
    blocks.concat()
}

/// The repository's site with the claims about the two dates removed (and the
/// discrepancies that name them): the state before an editor found them.
fn repo_without_date_claims() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, site) = repo_site();
    let path = site.join("content/claims.toml");
    let ids = [
        "prior-post-october-2024",
        "prior-post-october-2025",
        "statement-on-tuesday",
        "statement-date",
        "prior-post-date",
        "which-day",
    ];
    let text = drop_entries(&fs::read_to_string(&path).unwrap(), &ids);
    for id in ids {
        assert!(!text.contains(&format!("\"{id}\"")), "{id} still referenced");
    }
    fs::write(&path, text).unwrap();
    (dir, site)
}

fn october() -> (String, BTreeSet<String>) {
    let passages = ["microsoft-reaffirms: October 2025", "udaipur-freelancer: October 2024"];
    ("date-conflict".into(), passages.iter().map(|s| s.to_string()).collect())
}

fn tuesday() -> (String, BTreeSet<String>) {
    ("weekday-event".into(), ["microsoft-reaffirms: Tuesday".to_string()].into())
}

#[test]
fn finds_october_2024_and_tuesday_in_the_repo_articles() {
    let (_dir, site) = repo_without_date_claims();
    let found: Vec<_> = suggestions(&site).iter().map(key).collect();
    assert_eq!(found, vec![october(), tuesday()]);
}

#[test]
fn finds_them_from_the_articles_alone_without_the_timeline() {
    let (_dir, site) = repo_without_date_claims();
    let path = site.join("content/claims.toml");
    let text = fs::read_to_string(&path).unwrap();
    let cut = text.find("[[event]]").unwrap();
    fs::write(&path, &text[..cut]).unwrap();
    let found: Vec<_> = suggestions(&site).iter().map(key).collect();
    assert_eq!(found, vec![october(), tuesday()]);
}

#[test]
fn the_evidence_is_shown() {
    let (_dir, site) = repo_without_date_claims();
    let s = suggestions(&site);
    let text = s.iter().map(|s| s.render(false)).collect::<Vec<_>>().join("\n");
    for want in [
        "suggestion[date-conflict]: the same thing dated “October 2025” in microsoft-reaffirms and “October 2024” in udaipur-freelancer",
        "--> content/articles/microsoft-reaffirms.txt:9:",
        "::: content/articles/udaipur-freelancer.txt:31:89",
        "note: both passages speak of: post, blog, joint",
        "suggestion[weekday-event]: “Tuesday” cannot be the day of the event this sentence reports: 27 February 2026 was a Friday",
        "--> content/articles/microsoft-reaffirms.txt:7:14",
        "content/articles/udaipur-freelancer.txt (line 13) gives “February 27, 2026”",
        "quote = \"joint blog post in October 2024\"",
        "quote = \"Microsoft on Tuesday\"",
        "verdict = \"\"",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
}

#[test]
fn nothing_is_suggested_that_the_claims_file_covers() {
    let (_dir, site) = repo_site();
    let found: Vec<_> = suggestions(&site).iter().map(key).collect();
    assert_eq!(found, vec![], "the repository's claims file covers every suggestion");
}

/// Pasting every snippet, with the verdict and date filled in, gives a claims file that
/// builds: the quotes anchor as written, the ids are fresh.
#[test]
fn snippets_paste_and_anchor() {
    for site in [repo_without_date_claims(), corpus("storm"), corpus("plant"), corpus("tram")] {
        let (_dir, site) = site;
        let s = suggestions(&site);
        assert!(!s.is_empty());
        let path = site.join("content/claims.toml");
        let mut text = fs::read_to_string(&path).unwrap();
        let before = text.clone();
        for sug in &s {
            text.push('\n');
            text.push_str(&sug.snippet);
        }
        // Unreviewed, the paste must not build.
        fs::write(&path, &text).unwrap();
        let (code, _, err) = outcome(&run(&["check", "--root", site.to_str().unwrap()]));
        assert_eq!(code, 1, "an unreviewed snippet built:\n{err}");
        assert!(err.contains("`verdict` is empty"), "{err}");
        // Reviewed, it builds.
        let mut reviewed = text[before.len()..]
            .replace("verdict = \"\"", "verdict = \"false\"")
            .replace("checked = \"\"", "checked = 2026-11-22");
        for field in ["claim", "finding", "explanation", "resolution"] {
            reviewed = reviewed.replace(&format!("{field} = \"\""), &format!("{field} = \"Reviewed.\""));
        }
        fs::write(&path, format!("{before}{reviewed}")).unwrap();
        let (code, _, err) = outcome(&run(&["check", "--root", site.to_str().unwrap()]));
        assert_eq!(code, 0, "{err}");
    }
}

#[test]
fn check_suggest_writes_nothing_and_prints_json() {
    let (dir, site) = repo_without_date_claims();
    let out = dir.path().join("out");
    common::build(&site, &out);
    let before = common::tree(&out);
    let root = site.to_str().unwrap();
    let (code, stdout, err) = outcome(&run(&["check", "--suggest", "--format", "json", "--root", root]));
    assert_eq!(code, 0, "suggestions are advice, not errors: {err}");
    assert_eq!(common::tree(&out), before, "output changed");
    assert!(!site.join("output").exists(), "check wrote an output folder");
    let objects: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(objects.len(), 2, "{stdout}");
    let first = &objects[0];
    assert_eq!(first["severity"], "suggestion");
    assert_eq!(first["code"], "date-conflict");
    assert_eq!(first["passages"][1]["file"], "content/articles/udaipur-freelancer.txt");
    assert_eq!(first["passages"][1]["line"], 31);
    assert_eq!(first["passages"][1]["column"], 89);
    assert_eq!(first["passages"][1]["quote"], "joint blog post in October 2024");
    assert!(first["snippet"].as_str().unwrap().contains("[[discrepancy]]"));

    let (code, stdout, _) = outcome(&run(&["check", "--suggest", "--root", root]));
    assert_eq!(code, 0);
    assert!(
        stdout.ends_with(
            "2 suggestions for review; nothing was written (paste what holds up into content/claims.toml)\n"
        ),
        "{stdout}"
    );

    // Quiet: the suggestions, which were asked for, and no summary line.
    let (code, quiet, _) = outcome(&run(&["check", "--suggest", "-q", "--root", root]));
    assert_eq!(code, 0);
    assert!(quiet.contains("[[discrepancy]]"), "{quiet}");
    assert!(
        !quiet.contains("for review") && !quiet.lines().any(|l| l.starts_with("checked ") && l.contains(" pages (")),
        "{quiet}"
    );
}

fn corpus(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&repo().join("tests/fixtures/suggest").join(name), &site);
    (dir, site)
}

#[derive(serde::Deserialize)]
struct Expected {
    expect: Vec<Expect>,
}

#[derive(serde::Deserialize)]
struct Expect {
    code: String,
    passages: Vec<String>,
}

/// True positives, false positives and misses of a site against its expected list.
fn measure(site: &Path, expected: &[(String, BTreeSet<String>)]) -> (usize, Vec<String>, Vec<String>) {
    let found: Vec<_> = suggestions(site).iter().map(key).collect();
    let hits = found.iter().filter(|f| expected.contains(f)).count();
    let wrong = found.iter().filter(|f| !expected.contains(f)).map(|f| format!("{f:?}")).collect();
    let missed = expected.iter().filter(|e| !found.contains(e)).map(|e| format!("{e:?}")).collect();
    (hits, wrong, missed)
}

/// Precision and recall on the three corpora, printed for docs/suggest.md
/// (`cargo test --test suggest -- --nocapture precision`). Precision matters more than
/// recall: an editor learns to ignore a tool that cries wolf.
#[test]
fn precision_and_recall() {
    let mut total = (0, 0, 0);
    let mut rows = Vec::new();
    for name in ["storm", "plant", "tram"] {
        let (_dir, site) = corpus(name);
        let exp: Expected = toml::from_str(&fs::read_to_string(site.join("expected.toml")).unwrap()).unwrap();
        let exp: Vec<_> = exp.expect.into_iter().map(|e| (e.code, e.passages.into_iter().collect())).collect();
        let (hits, wrong, missed) = measure(&site, &exp);
        rows.push((name.to_string(), hits, wrong, missed));
    }
    // The repository's articles with every claim removed: what an editor would have
    // been shown before curating. The two date conflicts are what the detectors can see;
    // the other discrepancies are about meaning (framing, what changed), not dates or
    // figures.
    let (_dir, site) = repo_site();
    let path = site.join("content/claims.toml");
    let text = fs::read_to_string(&path).unwrap();
    // Only the artifacts and the timeline stay: corrections name claims that are gone.
    let rest = &text[text.find("[[artifact]]").unwrap()..];
    let cut = rest.find("[[correction]]").unwrap_or(rest.len());
    fs::write(&path, &rest[..cut]).unwrap();
    let (hits, wrong, missed) = measure(&site, &[october(), tuesday()]);
    rows.push(("repository".to_string(), hits, wrong, missed));

    println!("| corpus | found | right | wrong | missed | precision | recall |");
    println!("|---|---|---|---|---|---|---|");
    for (name, hits, wrong, missed) in &rows {
        let found = hits + wrong.len();
        println!(
            "| {name} | {found} | {hits} | {} | {} | {:.2} | {:.2} |",
            wrong.len(),
            missed.len(),
            *hits as f64 / found.max(1) as f64,
            *hits as f64 / (hits + missed.len()).max(1) as f64
        );
        for w in wrong {
            println!("  wrong in {name}: {w}");
        }
        for m in missed {
            println!("  missed in {name}: {m}");
        }
        total.0 += hits;
        total.1 += wrong.len();
        total.2 += missed.len();
    }
    let precision = total.0 as f64 / (total.0 + total.1) as f64;
    let recall = total.0 as f64 / (total.0 + total.2) as f64;
    println!("all: precision {precision:.2}, recall {recall:.2}");
    assert!(precision >= 0.9, "precision fell to {precision:.2}");
    assert!(recall >= 0.75, "recall fell to {recall:.2}");
}
