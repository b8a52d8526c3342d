//! No silent changes: a published verdict or finding changes only with a correction.
//! Each test runs the binary as an editor does, from inside the site (the default root
//! and output), and holds the claims file against the `claims.json` the last build
//! published.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// The ui fixture's only claim, as published: verdict `imprecise`, checked 2031-01-10.
const VERDICT: &str = "verdict = \"imprecise\"";
const FINDING: &str = "finding = \"The invoice is for 1.9 million.\"";

fn claims(site: &Path) -> String {
    fs::read_to_string(site.join("content/claims.toml")).unwrap()
}

fn edit(site: &Path, from: &str, to: &str) {
    let text = claims(site);
    assert!(text.contains(from), "no `{from}` in the claims file");
    fs::write(site.join("content/claims.toml"), text.replacen(from, to, 1)).unwrap();
}

fn correct(site: &Path, date: &str, text: &str) {
    let entry = format!("\n[[correction]]\ndate = {date}\nclaim = \"repair-cost\"\ntext = \"{text}\"\n");
    fs::write(site.join("content/claims.toml"), claims(site) + &entry).unwrap();
}

/// Appends the correction an error offers to the claims file, as an editor copies it from
/// the terminal: its lines as printed, indentation and all.
fn paste(site: &Path, err: &str) {
    let from = err.find("[[correction]]").expect("a correction to paste");
    let from = err[..from].rfind('\n').map_or(0, |i| i + 1);
    let lines: Vec<&str> = err[from..].lines().collect();
    let end = lines.iter().position(|l| l.trim_start().starts_with("text = ")).expect("the snippet's end") + 1;
    fs::write(site.join("content/claims.toml"), claims(site) + "\n" + &lines[..end].join("\n") + "\n").unwrap();
}

/// The text of the last correction published in the site's `claims.json`.
fn last_correction(site: &Path) -> String {
    let export: serde_json::Value = serde_json::from_slice(&published(site)).unwrap();
    export["corrections"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_string()
}

/// `briefing <args>` run inside the site: exit code and stderr.
fn briefing(site: &Path, args: &[&str]) -> (i32, String) {
    let (code, _, err) = outcome(&run_in(site, args));
    (code, err)
}

fn published(site: &Path) -> Vec<u8> {
    fs::read(site.join("output/claims.json")).unwrap()
}

#[test]
fn a_changed_verdict_needs_a_correction_and_each_change_its_own() {
    let (_dir, site) = fixture("ui-base");
    assert_eq!(briefing(&site, &["build"]).0, 0);
    let before = published(&site);

    edit(&site, VERDICT, "verdict = \"false\"");
    let mut err = String::new();
    for args in [&["build"][..], &["check"]] {
        let code;
        (code, err) = briefing(&site, args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains("error[silent-change]: the verdict of published claim `repair-cost` changed"), "{err}");
        assert!(err.contains("content/claims.toml:4:11"), "{err}");
        assert!(err.contains("published as `imprecise`"), "{err}");
        assert!(err.contains("date = 2031-01-15\n"), "today's date, to paste: {err}");
        assert!(err.contains("The verdict was changed from Imprecise to False."), "{err}");
    }
    assert_eq!(published(&site), before, "a failed build published nothing");

    // The snippet the error offers, pasted, is a correction that holds.
    paste(&site, &err);
    let (code, err) = briefing(&site, &["build"]);
    assert_eq!(code, 0, "{err}");
    // Published as written, not as an indented (code) block.
    assert_eq!(last_correction(&site), "The verdict was changed from Imprecise to False.");

    // That correction is published now: a second change needs one of its own.
    edit(&site, "verdict = \"false\"", "verdict = \"misleading\"");
    let (code, err) = briefing(&site, &["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("published as `false`"), "{err}");
    correct(&site, "2031-01-16", "The verdict was changed from False to Misleading.");
    assert_eq!(briefing(&site, &["build"]).0, 0);
}

#[test]
fn a_changed_finding_needs_one_too_but_not_a_reflowed_one() {
    let (_dir, site) = fixture("ui-base");
    assert_eq!(briefing(&site, &["build"]).0, 0);
    // White space is not a change: the same words, reflowed.
    edit(&site, FINDING, "finding = \"The invoice   is for\\n1.9 million.\"");
    assert_eq!(briefing(&site, &["build"]), (0, String::new()));
    edit(&site, "1.9 million", "1.8 million");
    let (code, err) = briefing(&site, &["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[silent-change]: the finding of published claim `repair-cost` changed"), "{err}");
    assert!(err.contains("note: the published finding: The invoice is for 1.9 million."), "{err}");
    assert!(err.contains(r#"The finding was revised. It read: \"The invoice is for 1.9 million.\"""#), "{err}");
    paste(&site, &err);
    assert_eq!(briefing(&site, &["build"]), (0, String::new()));
    assert_eq!(last_correction(&site), "The finding was revised. It read: \"The invoice is for 1.9 million.\"");
}

#[test]
fn explanations_sources_and_new_claims_change_freely() {
    let (_dir, site) = fixture("ui-base");
    assert_eq!(briefing(&site, &["build"]).0, 0);
    edit(&site, "explanation = \"From the invoice.\"", "explanation = \"From the invoice itself.\"");
    edit(&site, "title = \"Invoice\"", "title = \"The invoice\"");
    let new = "\n[[claim]]\nid = \"new-claim\"\nclaim = \"New.\"\nverdict = \"false\"\nfinding = \"F.\"\nexplanation = \"E.\"\nchecked = 2031-01-12\n\n  [[claim.appearance]]\n  article = \"news\"\n  quote = \"the repairs cost 2 million\"\n";
    fs::write(site.join("content/claims.toml"), claims(&site) + new).unwrap();
    let (code, err) = briefing(&site, &["build"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("silent-change"), "{err}");
}

#[test]
fn a_misspelled_verdict_or_a_duplicate_id_is_its_own_error_not_a_change_to_announce() {
    let (_dir, site) = fixture("ui-base");
    assert_eq!(briefing(&site, &["build"]).0, 0);
    edit(&site, VERDICT, "verdict = \"imprecse\"");
    let (code, err) = briefing(&site, &["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[unknown-verdict]") && !err.contains("silent-change"), "{err}");
    edit(&site, "verdict = \"imprecse\"", VERDICT);
    let twin = claims(&site).replace("verdict = \"imprecise\"", "verdict = \"accurate\"");
    fs::write(site.join("content/claims.toml"), claims(&site) + "\n" + &twin).unwrap();
    let (code, err) = briefing(&site, &["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[duplicate-id]") && !err.contains("silent-change"), "{err}");
}

#[test]
fn a_correction_older_than_the_published_update_does_not_count() {
    let (_dir, site) = fixture("ui-base");
    assert_eq!(briefing(&site, &["build"]).0, 0);
    edit(&site, VERDICT, "verdict = \"false\"");
    // Dated before the claim was last checked (2031-01-10): it cannot be about this change.
    correct(&site, "2031-01-09", "An old note.");
    let (code, err) = briefing(&site, &["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("silent-change"), "{err}");
}

#[test]
fn a_fresh_clone_with_output_committed_compares_with_it() {
    let (_dir, site) = fixture("ui-base");
    assert_eq!(briefing(&site, &["build"]).0, 0);
    // A clone has the output but no cache folder: the record is read from claims.json.
    fs::remove_dir_all(site.join(".briefing")).unwrap();
    edit(&site, VERDICT, "verdict = \"false\"");
    let (code, err) = briefing(&site, &["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("published as `imprecise`"), "{err}");
}

#[test]
fn an_output_changed_by_hand_is_read_again() {
    let (_dir, site) = fixture("ui-base");
    assert_eq!(briefing(&site, &["build"]).0, 0);
    // What the last build kept stands for the file it wrote; another file is read anew.
    let other = String::from_utf8(published(&site)).unwrap().replace("\"imprecise\"", "\"accurate\"");
    fs::write(site.join("output/claims.json"), other).unwrap();
    let (code, err) = briefing(&site, &["check"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("published as `accurate`"), "{err}");
}

#[test]
fn published_names_the_record_to_compare_with() {
    let (dir, site) = fixture("ui-base");
    assert_eq!(briefing(&site, &["build"]).0, 0);
    let record = dir.path().join("live-claims.json");
    fs::copy(site.join("output/claims.json"), &record).unwrap();
    fs::remove_dir_all(site.join("output")).unwrap();
    edit(&site, VERDICT, "verdict = \"false\"");
    let (code, err) = briefing(&site, &["check", "--published", record.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("published as `imprecise`"), "{err}");
    // Asked for by name, a missing record is an error of use, not a first publication.
    let (code, err) = briefing(&site, &["check", "--published", "nowhere.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error[io-read]: cannot read nowhere.json"), "{err}");
}

#[test]
fn the_record_a_build_keeps_is_the_one_its_claims_json_reads_as() {
    use briefing::model::published::Published;
    let (dir, site) = repo_site();
    let out = dir.path().join("out");
    build(&site, &out);
    let highlighter = std::sync::Arc::new(briefing::model::highlight::Highlighter::new());
    let (loaded, _) = briefing::stages::load::load(&site, &highlighter);
    let kept = Published::of(&loaded.unwrap().claims);
    let read = Published::parse(&fs::read(out.join("claims.json")).unwrap()).unwrap();
    assert!(!read.claims.is_empty() && !read.corrections.is_empty());
    assert_eq!(kept, read);
}

#[test]
fn editing_or_redating_a_published_correction_is_not_a_new_one() {
    let (_dir, site) = fixture("ui-base");
    assert_eq!(briefing(&site, &["build"]).0, 0);
    edit(&site, VERDICT, "verdict = \"false\"");
    correct(&site, "2031-01-15", "Now false.");
    assert_eq!(briefing(&site, &["build"]).0, 0);
    edit(&site, "verdict = \"false\"", "verdict = \"misleading\"");
    edit(&site, "date = 2031-01-15", "date = 2031-01-16");
    edit(&site, "Now false.", "Now false!");
    let (code, err) = briefing(&site, &["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("published as `false`"), "{err}");
}

#[test]
fn the_offered_date_is_never_before_the_last_published_update() {
    let (_dir, site) = fixture("ui-base");
    // Checked "in the future" of the test's today (2031-01-15).
    edit(&site, "checked = 2031-01-10", "checked = 2031-02-01");
    assert_eq!(briefing(&site, &["build"]).0, 0);
    edit(&site, VERDICT, "verdict = \"false\"");
    let (code, err) = briefing(&site, &["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("date = 2031-02-01\n"), "{err}");
    paste(&site, &err);
    assert_eq!(briefing(&site, &["build"]), (0, String::new()));
}

#[test]
fn a_deleted_output_is_no_licence_to_change_what_was_published() {
    let (_dir, site) = fixture("ui-base");
    assert_eq!(briefing(&site, &["build"]).0, 0);
    fs::remove_dir_all(site.join("output")).unwrap();
    edit(&site, VERDICT, "verdict = \"false\"");
    let (code, err) = briefing(&site, &["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[silent-change]"), "{err}");
}

#[test]
fn a_preview_built_elsewhere_keeps_the_live_outputs_record() {
    let (dir, site) = fixture("ui-base");
    assert_eq!(briefing(&site, &["build"]).0, 0);
    let preview = dir.path().join("preview");
    assert_eq!(briefing(&site, &["build", "--drafts", "--output", preview.to_str().unwrap()]).0, 0);
    fs::remove_dir_all(site.join("output")).unwrap();
    edit(&site, FINDING, "finding = \"The invoice is for 2.1 million.\"");
    let (code, err) = briefing(&site, &["build"]);
    assert_eq!(code, 1, "{err}");
    // Held from the cache folder, the record still tells the finding from the verdict.
    assert!(err.contains("error[silent-change]: the finding of published claim `repair-cost` changed"), "{err}");
    assert!(err.contains("text = \"The finding was revised.\""), "{err}");
    assert!(!err.contains("verdict is now"), "{err}");
}

#[test]
fn a_correction_dated_before_the_last_update_is_named_in_the_error() {
    let (_dir, site) = fixture("ui-base");
    assert_eq!(briefing(&site, &["build"]).0, 0);
    edit(&site, VERDICT, "verdict = \"false\"");
    correct(&site, "2031-01-05", "The verdict is now False.");
    let (code, err) = briefing(&site, &["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("changed, and its new correction is dated too early")
            && err.contains(
                "its new correction is dated 2031-01-05, before the claim's last published update (2031-01-10)"
            ),
        "{err}"
    );
    // The correction's date is shown, and the help is to date it again, not to add one.
    assert!(err.contains("date = 2031-01-05") && err.contains("dated before 2031-01-10"), "{err}");
    assert!(err.contains("help: date this correction 2031-01-10 or later"), "{err}");
    assert!(!err.contains("add a new correction"), "{err}");
}
