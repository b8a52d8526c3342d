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
    assert_eq!(out.suggestions.shown.len(), out.suggestions.total, "no limit: every suggestion is made");
    out.suggestions.shown
}

/// `article: text` for each passage, the form `expected.toml` uses.
fn key(s: &Suggestion) -> (String, BTreeSet<String>) {
    (s.code.to_string(), s.passages.iter().map(|p| format!("{}: {}", p.article, p.text)).collect())
}

/// The keys of a suggestion's pairs (one conflict in many articles is one suggestion of
/// many pairs), or its own key.
fn keys(s: &Suggestion) -> Vec<(String, BTreeSet<String>)> {
    if s.pairs.is_empty() {
        return vec![key(s)];
    }
    let at = |i: usize| format!("{}: {}", s.passages[i].article, s.passages[i].text);
    s.pairs.iter().map(|&(a, b)| (s.code.to_string(), [at(a), at(b)].into_iter().collect())).collect()
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
    let (code, stdout, err) =
        outcome(&run(&["check", "--base-url=https://example.org/", "--suggest", "--format", "json", "--root", root]));
    assert_eq!(code, 0, "suggestions are advice, not errors: {err}");
    assert_eq!(common::tree(&out), before, "output changed");
    assert!(!site.join("output").exists(), "check wrote an output folder");
    let objects: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(objects.len(), 3, "two suggestions and the summary: {stdout}");
    assert_eq!(objects[2], serde_json::json!({ "severity": "summary", "suggestions": 2, "shown": 2 }));
    let first = &objects[0];
    assert_eq!(first["severity"], "suggestion");
    assert_eq!(first["code"], "date-conflict");
    assert_eq!(first["passages"][1]["file"], "content/articles/udaipur-freelancer.txt");
    assert_eq!(first["passages"][1]["line"], 31);
    assert_eq!(first["passages"][1]["column"], 89);
    assert_eq!(first["passages"][1]["quote"], "joint blog post in October 2024");
    assert!(first["snippet"].as_str().unwrap().contains("[[discrepancy]]"));

    let (code, stdout, _) = outcome(&run(&["check", "--base-url=https://example.org/", "--suggest", "--root", root]));
    assert_eq!(code, 0);
    assert!(
        stdout.ends_with(
            "2 suggestions for review; nothing was written (paste what holds up into content/claims.toml)\n"
        ),
        "{stdout}"
    );

    // Quiet: the suggestions, which were asked for, and no summary line.
    let (code, quiet, _) =
        outcome(&run(&["check", "--base-url=https://example.org/", "--suggest", "-q", "--root", root]));
    assert_eq!(code, 0);
    assert!(quiet.contains("[[discrepancy]]"), "{quiet}");
    assert!(
        !quiet.contains("for review") && !quiet.lines().any(|l| l.starts_with("checked ") && l.contains(" pages (")),
        "{quiet}"
    );
}

#[test]
fn no_suggestions_while_the_claims_file_has_errors() {
    let (_dir, site) = repo_without_date_claims();
    let claims = site.join("content/claims.toml");
    let text = std::fs::read_to_string(&claims).unwrap();
    let at = text.find("verdict = \"").unwrap() + "verdict = \"".len();
    std::fs::write(&claims, format!("{}bogus-{}", &text[..at], &text[at..])).unwrap();
    let root = site.to_str().unwrap();
    let (code, stdout, err) = outcome(&run(&["check", "--base-url=https://example.org/", "--suggest", "--root", root]));
    assert_eq!(code, 1);
    assert!(err.contains("error[unknown-verdict]"), "{err}");
    assert!(!stdout.contains("suggestion["), "{stdout}");
    assert!(stdout.ends_with("no suggestions were made: the site has errors; fix them first\n"), "{stdout}");
    let (_, stdout, _) = outcome(&run(&["check", "--suggest", "--format", "json", "--root", root]));
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["made"], false, "{summary}");
}

#[test]
fn min_score_leaves_out_the_weaker_suggestions() {
    let (_dir, site) = corpus("quake");
    let root = site.to_str().unwrap();
    let scores = |extra: &[&str]| -> Vec<f64> {
        let mut args = vec!["check", "--suggest", "--limit", "0", "--format", "json", "--root", root];
        args.extend_from_slice(extra);
        let (code, stdout, err) = outcome(&run(&args));
        assert_eq!(code, 0, "{err}");
        stdout
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|o| o["severity"] == "suggestion")
            .map(|o| o["score"].as_f64().unwrap())
            .collect()
    };
    let all = scores(&[]);
    let strong = scores(&["--min-score", "0.7"]);
    let want: Vec<f64> = all.iter().copied().filter(|&s| s >= 0.7).collect();
    assert!(!strong.is_empty() && strong.len() < all.len(), "{all:?}");
    assert_eq!(strong, want);
    // Those left out are counted, in both formats.
    let (_, stdout, _) = outcome(&run(&[
        "check",
        "--suggest",
        "--limit",
        "0",
        "--format",
        "json",
        "--min-score",
        "0.7",
        "--root",
        root,
    ]));
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["below_min_score"], all.len() - strong.len(), "{summary}");
    let (_, stdout, _) = outcome(&run(&["check", "--suggest", "--min-score", "0.7", "--root", root]));
    let left_out = format!("; {} more scored under --min-score were left out\n", all.len() - strong.len());
    assert!(stdout.ends_with(&left_out), "{stdout}");
    for bad in ["1.5", "-0.1"] {
        let (code, _, err) = outcome(&run(&["check", "--suggest", "--min-score", bad, "--root", root]));
        assert_eq!(code, 2);
        assert!(err.contains(&format!("`{bad}` is not a score: give a number from 0 to 1")), "{err}");
    }
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

/// Whether a suggestion's key is an expected one. With `overlap`, a passage also matches
/// one of the same article whose text contains it or is contained in it: the corpora
/// written blind chose their spans without knowing the tool's ("312" for "312 people").
fn same(got: &(String, BTreeSet<String>), want: &(String, BTreeSet<String>), overlap: bool) -> bool {
    let one = |g: &str, w: &str| {
        let (Some((ga, gt)), Some((wa, wt))) = (g.split_once(": "), w.split_once(": ")) else { return false };
        ga == wa && (gt == wt || (overlap && (gt.contains(wt) || wt.contains(gt))))
    };
    let (g, w): (Vec<&String>, Vec<&String>) = (got.1.iter().collect(), want.1.iter().collect());
    got.0 == want.0
        && g.len() == w.len()
        && match g.len() {
            1 => one(g[0], w[0]),
            2 => (one(g[0], w[0]) && one(g[1], w[1])) || (one(g[0], w[1]) && one(g[1], w[0])),
            _ => got == want,
        }
}

/// Right suggestions (one of whose pairs is expected), wrong ones, and expected entries
/// no suggestion covers, of a site against its expected list.
fn measure(site: &Path, expected: &[(String, BTreeSet<String>)], overlap: bool) -> (usize, Vec<String>, Vec<String>) {
    let mut covered = vec![false; expected.len()];
    let (mut right, mut wrong) = (0, Vec::new());
    for s in suggestions(site) {
        let mut ok = false;
        for k in keys(&s) {
            for i in (0..expected.len()).filter(|&i| same(&k, &expected[i], overlap)) {
                covered[i] = true;
                ok = true;
            }
        }
        if ok { right += 1 } else { wrong.push(format!("{:?}", key(&s))) }
    }
    let missed = expected.iter().zip(&covered).filter(|(_, c)| !**c).map(|(e, _)| format!("{e:?}")).collect();
    (right, wrong, missed)
}

/// The corpora written blind by someone who never saw the detectors, and changed for
/// since they were first run (their first, blind figures are in docs/suggest.md).
const LOOKED_AT: [&str; 13] = [
    "court", "match", "wildfire", "merger", "strike", "launch", "flood", "transfer", "heist", "recall", "ferry",
    "trial", "budget",
];

/// The corpora no change was made for: `quake` (held out since session 11),
/// `outbreak` (since session 19), `derailment` (since session 25), `election` (since
/// session 26) and `mine` (since session 33), measured last; `outage` and `heatwave`, run
/// once, after the last change of session 19.
const NEVER_TUNED: [&str; 7] = ["quake", "outbreak", "outage", "heatwave", "derailment", "election", "mine"];

/// The least precision and recall allowed on each group, passages matched by overlap
/// (see [`same`]): a little under what they scored when this test was last changed (docs/suggest.md), so
/// that a change that loses ground on text it was not written for fails here.
const FLOORS: [(f64, f64); 2] = [(0.8, 0.75), (0.55, 0.53)];

/// Precision and recall on every corpus, printed for docs/suggest.md
/// (`cargo test --test suggest -- --nocapture precision`). Precision matters more than
/// recall: an editor learns to ignore a tool that cries wolf.
#[test]
fn precision_and_recall() {
    let mut rows = Vec::new();
    for name in ["storm", "plant", "tram"].iter().chain(&LOOKED_AT).chain(&NEVER_TUNED) {
        let (_dir, site) = corpus(name);
        let exp: Expected = toml::from_str(&fs::read_to_string(site.join("expected.toml")).unwrap()).unwrap();
        let exp: Vec<_> = exp.expect.into_iter().map(|e| (e.code, e.passages.into_iter().collect())).collect();
        let planted = exp.len();
        let blind = LOOKED_AT.contains(name) || NEVER_TUNED.contains(name);
        let (hits, wrong, missed) = measure(&site, &exp, blind);
        rows.push((name.to_string(), hits, wrong, missed, planted));
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
    let (hits, wrong, missed) = measure(&site, &[october(), tuesday()], false);
    rows.push(("repository".to_string(), hits, wrong, missed, 2));

    println!("| corpus | planted | found | right | wrong | missed | precision | recall |");
    println!("|---|---|---|---|---|---|---|---|");
    // (right, wrong, planted, missed) over the corpora tuned on, those written blind and
    // looked at since, and those never tuned on.
    let mut groups = [(0, 0, 0, 0); 3];
    for (name, hits, wrong, missed, planted) in &rows {
        let found = hits + wrong.len();
        println!(
            "| {name} | {planted} | {found} | {hits} | {} | {} | {:.2} | {:.2} |",
            wrong.len(),
            missed.len(),
            *hits as f64 / found.max(1) as f64,
            (planted - missed.len()) as f64 / (*planted).max(1) as f64
        );
        for w in wrong {
            println!("  wrong in {name}: {w}");
        }
        for m in missed {
            println!("  missed in {name}: {m}");
        }
        let g = match name.as_str() {
            n if LOOKED_AT.contains(&n) => 1,
            n if NEVER_TUNED.contains(&n) => 2,
            _ => 0,
        };
        let t = &mut groups[g];
        *t = (t.0 + hits, t.1 + wrong.len(), t.2 + planted, t.3 + missed.len());
    }
    let rates = |t: (usize, usize, usize, usize)| {
        (t.0 as f64 / (t.0 + t.1).max(1) as f64, (t.2 - t.3) as f64 / t.2.max(1) as f64)
    };
    let [tuned, looked, never] = groups.map(rates);
    println!(
        "tuned: {:.2} / {:.2}; written blind, looked at since: {:.2} / {:.2}; never tuned on: {:.2} / {:.2}",
        tuned.0, tuned.1, looked.0, looked.1, never.0, never.1
    );
    assert!(tuned.0 >= 0.9, "precision fell to {:.2}", tuned.0);
    assert!(tuned.1 >= 0.75, "recall fell to {:.2}", tuned.1);
    for ((p, r), (min_p, min_r)) in [looked, never].into_iter().zip(FLOORS) {
        assert!(p >= min_p && r >= min_r, "blind corpora fell to {p:.2} / {r:.2} (floor {min_p} / {min_r})");
    }
}

/// A site with no articles yet, and `claims` as its claims file.
fn bare_site(claims: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    fs::create_dir_all(site.join("content/articles")).unwrap();
    fs::write(site.join("briefing.toml"), "title = \"T\"\ndescription = \"D\"\n\n[publisher]\nname = \"P\"\n").unwrap();
    fs::write(site.join("content/claims.toml"), claims).unwrap();
    (dir, site)
}

/// One conflict that repeats across articles is one suggestion listing every passage,
/// with the pairs that disagree; `--limit` shows the strongest and counts the rest;
/// JSON carries the confidence.
#[test]
fn a_repeated_conflict_is_one_suggestion_and_the_limit_counts_the_rest() {
    let (_dir, site) = bare_site("");
    let says = |cost: &str, weekday: &str| {
        let filler = [
            "Crowds lined the quay.",
            "Gulls circled overhead.",
            "Traders sold tea and cake.",
            "A brass band played marches.",
            "Children waved paper flags.",
            "The rain held off.",
        ];
        format!(
            "+++\ntitle = \"Bridge\"\n+++\nThe new harbour footbridge in Kelloway cost {cost} to build, the transport \
             authority said.\n\nIt opened on {weekday}, February 3, 2026.\n\n{}\n",
            filler.join(" ")
        )
    };
    for (name, cost) in [("a", "£410 million"), ("b", "£410 million"), ("c", "£480 million"), ("d", "£410 million")]
    {
        fs::write(site.join(format!("content/articles/{name}.md")), says(cost, "Tuesday")).unwrap();
    }
    let found = suggestions(&site);
    let costs: Vec<_> = found.iter().filter(|s| s.code == "number-conflict").collect();
    assert_eq!(costs.len(), 1, "{:?}", found.iter().map(key).collect::<Vec<_>>());
    let s = costs[0];
    assert_eq!(s.passages.len(), 4);
    assert_eq!(s.passages[0].text, "£480 million", "the odd one out leads: it is in every pair");
    assert_eq!(s.pairs.len(), 3);
    assert!(s.message.contains("“£410 million” in a, b, d"), "{}", s.message);
    assert!(s.confidence > 0.5 && s.confidence < 1.0, "{}", s.confidence);

    // Four weekday errors (3 February 2026 was a Tuesday: none), so two kinds of finds.
    for (name, cost) in [("a", "£410 million"), ("b", "£410 million"), ("c", "£480 million"), ("d", "£410 million")]
    {
        fs::write(site.join(format!("content/articles/{name}.md")), says(cost, "Friday")).unwrap();
    }
    let root = site.to_str().unwrap();
    let (code, out, _) =
        outcome(&run(&["check", "--base-url=https://example.org/", "--suggest", "--limit", "2", "--root", root]));
    assert_eq!(code, 0);
    assert_eq!(out.matches("suggestion[").count(), 2, "{out}");
    assert!(out.contains("5 suggestions, the strongest 2 of 5 (3 more with --limit 0)"), "{out}");
    assert!(!out.contains("suggestion[number-conflict]"), "the near-certain come first:\n{out}");
    let (_, json, _) = outcome(&run(&[
        "check",
        "--base-url=https://example.org/",
        "--suggest",
        "--format",
        "json",
        "--limit",
        "0",
        "--root",
        root,
    ]));
    let mut lines: Vec<serde_json::Value> = json.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let summary = lines.pop().unwrap();
    assert_eq!((summary["severity"].as_str(), summary["suggestions"].as_u64()), (Some("summary"), Some(5)), "{json}");
    assert_eq!(lines.len(), 5);
    assert!(lines.iter().all(|l| l["score"].as_f64().is_some_and(|s| s > 0.0 && s <= 1.0)), "{json}");
    let scores: Vec<f64> = lines.iter().map(|l| l["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "strongest first: {scores:?}");
}

/// The forms issue 22 names: an abbreviated month without a year against a full one and
/// the timeline, and a weight as a compound adjective against the same weight in pounds.
#[test]
fn abbreviated_months_and_compound_adjectives_are_read() {
    let (_dir, site) =
        bare_site("[[event]]\ndate = 2026-09-26\ntitle = \"The bronze bell is hoisted into the cathedral tower.\"\n");
    let filler = "Crowds lined the square. A choir sang. Traders sold chestnuts. Pigeons scattered. The mayor waved.";
    let a = format!(
        "+++\ntitle = \"A\"\npublished = 2026-10-01\n+++\nThe 1,340-pound bronze bell was hoisted into the \
         cathedral tower on Sept. 28, the foundry said.\n\n{filler}\n"
    );
    let b = format!(
        "+++\ntitle = \"B\"\npublished = 2026-10-02\n+++\nThe bronze bell, which weighs 1,260 pounds, was hoisted \
         into the cathedral tower on September 26, the foundry said.\n\n{filler}\n"
    );
    fs::write(site.join("content/articles/a.md"), a).unwrap();
    fs::write(site.join("content/articles/b.md"), b).unwrap();
    let found: Vec<_> = suggestions(&site).iter().flat_map(keys).collect();
    let want = |code: &str, passages: &[&str]| (code.to_string(), passages.iter().map(|p| p.to_string()).collect());
    // The weights are read ("1,340-pound" and "1,260 pounds" as 608 and 572 kg), but the
    // words they share are too far from the figures to pass the threshold: "bell" is
    // behind an aside in one sentence. See docs/suggest.md, what it misses.
    assert!(!found.iter().any(|(code, _)| code == "number-conflict"), "{found:?}");
    for expected in
        [want("date-conflict", &["a: Sept. 28", "b: September 26"]), want("date-timeline", &["a: Sept. 28"])]
    {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
}

/// Two ages set off by commas after the same surname are one person's, however little
/// else their sentences share; an age with no name ("a 45-year-old man") is not paired
/// with them on so little.
#[test]
fn ages_after_the_same_name_are_paired() {
    let (_dir, site) = bare_site("");
    let article = |title: &str, body: &str| format!("+++\ntitle = \"{title}\"\npublished = 2026-03-02\n+++\n{body}\n");
    let texts = [
        ("a", "The fishing boat sank off Brindham on Sunday. Darren Pike, 41, said the crew had been warned."),
        ("b", "The boat went down on Sunday. Its skipper, Darren Pike, 43, of Brindham, told reporters."),
        ("c", "A 45-year-old man, the boat's skipper, was rescued off Brindham on Sunday with his crew."),
    ];
    for (name, body) in texts {
        fs::write(site.join(format!("content/articles/{name}.md")), article(name, body)).unwrap();
    }
    let found: Vec<_> = suggestions(&site).iter().flat_map(keys).collect();
    let pair = |x: &str, y: &str| ("number-conflict".to_string(), [x.to_string(), y.to_string()].into_iter().collect());
    assert_eq!(found, vec![pair("a: 41", "b: 43")], "{found:?}");
}

/// A passage in two suggestions (here a date-conflict and, against a timeline entry on
/// another subject, a date-timeline) gets one claim: the second snippet names the first
/// one's entry instead of writing a `…-2` of the same passage.
#[test]
fn a_passage_in_two_suggestions_is_one_claim() {
    let (_dir, site) = repo_site();
    let events = "[[event]]\ndate = 2026-02-27\ntitle = \"Microsoft and OpenAI publish a joint statement.\"\n";
    fs::write(site.join("content/claims.toml"), events).unwrap();
    let shown = suggestions(&site);
    let snippets: String = shown.iter().map(|s| s.snippet.clone()).collect();
    let ids: Vec<&str> = snippets.lines().filter_map(|l| l.strip_prefix("id = \"")).collect();
    assert!(!ids.iter().any(|id| id.ends_with("-2\"")), "{snippets}");
    let quotes: Vec<(&str, &str)> = snippets
        .split("[[claim]]")
        .skip(1)
        .filter_map(|e| {
            let field = |k: &str| e.lines().find_map(|l| l.trim().strip_prefix(k));
            field("article = ").zip(field("quote = "))
        })
        .collect();
    let mut unique = quotes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), quotes.len(), "{snippets}");
    assert!(snippets.contains("in a snippet above"), "{snippets}");
}
