//! `briefing build` end to end: the repo's own briefing, an unrelated fixture briefing,
//! relative links, determinism, safety of the output directory.

mod common;

use std::fs;
use std::path::Path;

use common::*;

#[test]
fn committed_output_is_what_a_fresh_build_gives() {
    let (dir, site) = repo_site();
    let out = dir.path().join("out");
    build(&site, &out);
    let fresh = tree(&out);
    let committed = tree(&repo().join("output"));
    let names = |t: &std::collections::BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&committed),
        names(&fresh),
        "output/ has other files than a fresh build: run `cargo run --release -- build`"
    );
    for (path, bytes) in &fresh {
        assert!(
            committed[path] == *bytes,
            "output/{path} is stale: run `cargo run --release -- build` and commit output/"
        );
    }
}

#[test]
fn the_repo_briefing_flags_the_october_2024_date() {
    let (dir, site) = repo_site();
    let out = dir.path().join("out");
    build(&site, &out);
    let doc = page(&out.join("articles/udaipur-freelancer/index.html"));
    let marks: Vec<_> = doc.select(&sel("mark.claim")).filter(|m| text(*m).contains("October 2024")).collect();
    assert_eq!(marks.len(), 1, "the October 2024 passage is marked once");
    let mark = marks[0];
    let class = mark.value().attr("class").unwrap();
    assert!(class.contains("v-false") && class.contains("flag"), "{class}");
    let id = mark.value().attr("id").unwrap();
    assert_eq!(id, "q-prior-post-october-2024-1");
    // Its note follows, names the verdict, and links to the claim page, which exists.
    let note = doc
        .select(&sel("a.note.v-false"))
        .find(|a| a.value().attr("href").unwrap().contains("prior-post-october-2024"))
        .unwrap();
    assert!(text(note).starts_with("False"));
    assert!(out.join("claims/prior-post-october-2024/index.html").is_file());
    // The summary box links to the mark.
    assert!(doc.select(&sel(".summary a")).any(|a| a.value().attr("href") == Some(&format!("#{id}"))));
    // The other article has October 2025, marked accurate.
    let doc = page(&out.join("articles/microsoft-reaffirms/index.html"));
    let m = doc.select(&sel("mark.claim.v-accurate")).find(|m| text(*m).contains("October 2025")).unwrap();
    assert!(m.value().attr("class").unwrap().contains("quiet"));
}

#[test]
fn the_repo_briefing_flags_the_leadership_crisis_framing() {
    let (dir, site) = repo_site();
    let out = dir.path().join("out");
    build(&site, &out);
    let doc = page(&out.join("articles/why-it-matters/index.html"));
    let marks: Vec<String> = doc.select(&sel("mark.claim.v-misleading.flag")).map(text).collect();
    assert!(marks.iter().any(|t| t.contains("leadership turmoil") && t.contains("Sam Altman")), "{marks:?}");
    assert!(marks.iter().any(|t| t.contains("leadership crisis")), "{marks:?}");
    // The front page sets the two sides of "why now" next to each other, with verdicts.
    let front = page(&out.join("index.html"));
    let section = front.select(&sel("section.discrepancy#why-now")).next().expect("why-now discrepancy");
    let badges: Vec<String> = section.select(&sel(".side .badge")).map(text).collect();
    assert_eq!(badges, vec!["Misleading", "Accurate"]);
}

#[test]
fn front_page_has_every_section() {
    let (dir, site) = repo_site();
    let out = dir.path().join("out");
    build(&site, &out);
    let doc = page(&out.join("index.html"));
    for id in ["discrepancies", "scorecard", "articles", "claims", "timeline", "methodology"] {
        assert!(doc.select(&sel(&format!("section#{id}"))).next().is_some(), "missing section {id}");
    }
    assert_eq!(doc.select(&sel("section.discrepancy")).count(), 8);
    assert_eq!(doc.select(&sel("#scorecard tbody tr")).count(), 5);
    assert_eq!(doc.select(&sel("#methodology dt")).count(), 6);
    let caption = text(doc.select(&sel("#scorecard caption")).next().unwrap());
    assert!(caption.contains("not a rating of the outlet"), "{caption}");
    // Timeline in date order.
    let dates: Vec<String> =
        doc.select(&sel("#timeline time")).map(|t| t.value().attr("datetime").unwrap().to_string()).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    // An article without an outlet says so rather than guessing.
    assert!(doc.select(&sel(".not-stated")).any(|e| text(e) == "Outlet not stated"));
}

#[test]
fn an_unrelated_briefing_builds_with_its_own_flags() {
    let (dir, site) = fixture("council");
    let out = dir.path().join("out");
    build(&site, &out);
    let radio = page(&out.join("articles/radio/index.html"));
    let false_marks: Vec<String> = radio.select(&sel("mark.v-false")).map(text).collect();
    assert_eq!(false_marks, vec!["by a vote of 8 to 1"]);
    // A suffix chose the first of two "The library gets".
    let imprecise: Vec<_> = radio.select(&sel("mark.v-imprecise")).collect();
    assert_eq!(imprecise.len(), 1);
    assert_eq!(imprecise[0].value().attr("id"), Some("q-library-figure-1"));
    // A quote across a line break and inside emphasis, in markdown.
    let gazette = page(&out.join("articles/gazette/index.html"));
    let m = gazette.select(&sel("em mark.v-accurate")).next().unwrap();
    assert_eq!(text(m), "by a vote of 7 to 2");
    // The canonical link is absolute when base_url is set; links stay relative.
    let canon = gazette.select(&sel("link[rel=canonical]")).next().unwrap();
    assert_eq!(canon.value().attr("href"), Some("https://example.org/riverton/articles/gazette/"));
    let css = gazette.select(&sel("link[rel=stylesheet]")).next().unwrap();
    assert_eq!(css.value().attr("href"), Some("../../style.css"));
}

#[test]
fn text_articles_are_shown_literally() {
    let (dir, site) = fixture("council");
    let out = dir.path().join("out");
    build(&site, &out);
    let doc = page(&out.join("articles/radio/index.html"));
    let paragraphs: Vec<String> = doc.select(&sel(".article-body p")).map(text).collect();
    for literal in ["<script>alert(\"txt\")</script>", "*stars*", "# hash", "1. one", "&amp;"] {
        assert!(paragraphs.iter().any(|p| p == literal), "{literal} not shown literally in {paragraphs:?}");
    }
    assert_eq!(
        doc.select(&sel(".article-body script, .article-body h1, .article-body ol, .article-body em")).count(),
        0
    );
}

#[test]
fn markdown_articles_are_sanitized() {
    let (dir, site) = fixture("council");
    let out = dir.path().join("out");
    build(&site, &out);
    let doc = page(&out.join("articles/gazette/index.html"));
    assert_eq!(doc.select(&sel("script")).count(), 0);
    for el in doc.select(&sel("*")) {
        for (name, value) in el.value().attrs() {
            assert!(!name.starts_with("on"), "event handler {name} survived");
            assert!(!value.trim().to_ascii_lowercase().starts_with("javascript:"), "{name}={value}");
        }
    }
    // Markdown features work: table, strikethrough, footnote, highlighted code.
    assert_eq!(doc.select(&sel(".article-body table td")).count(), 2);
    assert_eq!(doc.select(&sel(".article-body del")).count(), 1);
    assert!(doc.select(&sel(".article-body pre code span[class^=hl-]")).next().is_some());
    assert!(fs::read_to_string(out.join("highlight.css")).unwrap().contains(".hl-"));
}

#[test]
fn every_relative_link_resolves() {
    for (dir, site) in [repo_site(), fixture("council")] {
        let out = dir.path().join("out");
        build(&site, &out);
        check_links(&out);
    }
}

/// Every `href`/`src` that is not absolute points at a file of the output, and every
/// `#fragment` at an id of its page.
fn check_links(out: &Path) {
    let files = tree(out);
    for (path, bytes) in &files {
        if !path.ends_with(".html") || path == "404.html" {
            continue;
        }
        let doc = scraper::Html::parse_document(std::str::from_utf8(bytes).unwrap());
        for el in doc.select(&sel("[href], [src]")) {
            let link = el.value().attr("href").or(el.value().attr("src")).unwrap();
            if link.starts_with("http://") || link.starts_with("https://") || link.starts_with("mailto:") {
                continue;
            }
            assert!(!link.starts_with('/'), "{path}: root-absolute link {link} breaks under a subpath");
            let (file, fragment) = link.split_once('#').unwrap_or((link, ""));
            let target = if file.is_empty() {
                path.clone()
            } else {
                briefing::stages::links::resolve(path, file).unwrap_or_else(|| panic!("{path}: {link} leaves the site"))
            };
            assert!(files.contains_key(&target), "{path}: {link} → {target} does not exist");
            if !fragment.is_empty() && target.ends_with(".html") {
                let tdoc = scraper::Html::parse_document(std::str::from_utf8(&files[&target]).unwrap());
                let found = tdoc.select(&sel(&format!("[id=\"{fragment}\"]"))).next().is_some();
                assert!(found, "{path}: {link}: no id {fragment} in {target}");
            }
        }
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let (dir, site) = fixture("council");
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    build(&site, &a);
    build(&site, &b);
    assert_eq!(tree(&a), tree(&b));
    // A rebuild in place changes nothing either.
    build(&site, &a);
    assert_eq!(tree(&a), tree(&b));
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let (dir, site) = fixture("council");
    let out = dir.path().join("out");
    build(&site, &out);
    let before = tree(&out);
    let claims = site.join("content/claims.toml");
    let text = fs::read_to_string(&claims).unwrap().replace("by a vote of 8 to 1", "by a vote of 9 to 0");
    fs::write(&claims, text).unwrap();
    let (code, stdout, stderr) =
        outcome(&run(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("quote-not-found"), "{stderr}");
    assert!(stderr.contains("previous output was left untouched"), "{stderr}");
    assert_eq!(tree(&out), before);
    assert!(!dir.path().join(".out.staging").exists() && !dir.path().join(".out.old").exists());
    // With no output before, there is none to speak of, and none is made.
    let fresh = dir.path().join("fresh");
    let (code, _, stderr) =
        outcome(&run(&["build", "--root", site.to_str().unwrap(), "--output", fresh.to_str().unwrap()]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.lines().last().unwrap().ends_with("build failed: 1 error"), "{stderr}");
    assert!(!fresh.exists());
}

#[test]
fn dangerous_outputs_are_refused() {
    let (_dir, site) = fixture("council");
    let s = site.to_str().unwrap();
    for bad in [".", "content", "content/articles", "..", "themes"] {
        let out = site.join(bad);
        let (code, _, stderr) = outcome(&run(&["build", "--root", s, "--output", out.to_str().unwrap()]));
        assert_eq!(code, 2, "{bad}: {stderr}");
        assert!(stderr.contains("refusing to write"), "{stderr}");
    }
    assert!(site.join("content/claims.toml").is_file(), "sources survived");
}

#[test]
fn cli_basics() {
    let (code, out, _) = outcome(&run(&["--version"]));
    assert_eq!(code, 0);
    assert!(out.starts_with(&format!("briefing {}", env!("CARGO_PKG_VERSION"))), "{out}");
    // The commit it was built from, in a checkout (build.rs); the one CI tests is one.
    let head = std::process::Command::new("git")
        .args(["log", "-1", "--format=%h %cs", "--abbrev=12"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    if let (Ok(head), true, None) =
        (head, Path::new(env!("CARGO_MANIFEST_DIR")).join(".git").exists(), option_env!("BRIEFING_COMMIT"))
    {
        let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
        assert!(out.contains(&format!("({head})")), "{out} does not name {head}");
    }
    let (code, out, _) = outcome(&run(&["build", "--help"]));
    assert_eq!(code, 0);
    for flag in ["--root", "--output", "--base-url", "--quiet"] {
        assert!(out.contains(flag), "{flag} missing from help");
    }
    let (code, _, err) = outcome(&run(&["build", "--no-such-flag"]));
    assert_eq!(code, 2, "{err}");
    let gone = tempfile::tempdir().unwrap().path().join("site");
    let (code, _, err) = outcome(&run(&["build", "--root", gone.to_str().unwrap()]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no site folder at"), "{err}");
}

#[test]
fn summary_line_and_quiet() {
    let (dir, site) = fixture("council");
    let out = dir.path().join("out");
    let s = site.to_str().unwrap();
    let o = out.to_str().unwrap();
    let (code, stdout, _) = outcome(&run(&["build", "--root", s, "--output", o]));
    assert_eq!(code, 0);
    assert!(stdout.starts_with("built 9 pages (2 articles, 3 claims, 3 flags) into"), "{stdout}");
    let (code, stdout, stderr) = outcome(&run(&["build", "-q", "--root", s, "--output", o]));
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));
}

#[test]
fn base_url_from_the_command_line() {
    let (dir, site) = fixture("council");
    let out = dir.path().join("out");
    let (code, _, err) = outcome(&run(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--base-url",
        "https://news.example.com/b",
    ]));
    assert_eq!(code, 0, "{err}");
    let doc = page(&out.join("index.html"));
    let canon = doc.select(&sel("link[rel=canonical]")).next().unwrap();
    assert_eq!(canon.value().attr("href"), Some("https://news.example.com/b/"));
    let (code, _, err) = outcome(&run(&["build", "--root", site.to_str().unwrap(), "--base-url", "javascript:x"]));
    assert_eq!(code, 2, "{err}");
}

/// Pages are streamed into the twin as they are rendered; a template that fails on some
/// pages only (here every claim page), after others were already written, must still
/// leave the previous site whole, and the next good build must equal a fresh one.
#[test]
fn a_template_error_mid_render_leaves_the_previous_output_untouched() {
    let (dir, site) = fixture("council");
    let out = dir.path().join("out");
    build(&site, &out);
    let before = tree(&out);
    let config = site.join("briefing.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, text.replacen("title = \"", "title = \"New: ", 1)).unwrap();
    fs::create_dir_all(site.join("templates")).unwrap();
    fs::write(
        site.join("templates/claim.html"),
        "{% extends \"base.html\" %}{% block main %}{{ claim.nope }}{% endblock %}",
    )
    .unwrap();
    let (code, _, stderr) =
        outcome(&run(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("templates/claim.html"), "{stderr}");
    assert!(stderr.contains("previous output was left untouched"), "{stderr}");
    assert_eq!(tree(&out), before, "the output changed");
    fs::remove_file(site.join("templates/claim.html")).unwrap();
    build(&site, &out);
    let fresh = dir.path().join("fresh");
    build(&site, &fresh);
    assert_eq!(tree(&out), tree(&fresh));
    assert_ne!(tree(&out), before);
}

/// Each claim page shows its whole claims-file entry: every source and appearance is in
/// the recorded entry, and `claims.json` gives the same lines. (Five of the repository's
/// nineteen entries once stopped at an explanation line opening with a markdown link.)
#[test]
fn every_claim_page_records_its_whole_entry() {
    let (dir, site) = repo_site();
    let out = dir.path().join("out");
    build(&site, &out);
    let data: serde_json::Value = serde_json::from_slice(&fs::read(out.join("claims.json")).unwrap()).unwrap();
    let claims = data["claims"].as_array().unwrap();
    assert!(claims.len() > 1);
    let lines: Vec<&str> = fs::read_to_string(site.join("content/claims.toml")).unwrap().leak().lines().collect();
    for claim in claims {
        let id = claim["id"].as_str().unwrap();
        let doc = page(&out.join(format!("claims/{id}/index.html")));
        let recorded = text(doc.select(&sel("details.recorded pre")).next().expect("the recorded entry"));
        let range = &claim["lines"];
        let (first, last) = (range[0].as_u64().unwrap() as usize, range[1].as_u64().unwrap() as usize);
        // `text` joins the page's whitespace; so does this.
        let entry = lines[first - 1..last].join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(recorded.trim(), entry, "{id}: the page and claims.json differ");
        let (appearances, sources) = (claim["appearances"].as_array().unwrap(), claim["sources"].as_array().unwrap());
        assert_eq!(recorded.matches("[[claim.appearance]]").count(), appearances.len(), "{id}: the entry stops early");
        assert_eq!(recorded.matches("[[claim.source]]").count(), sources.len(), "{id}: the entry stops early");
    }
}

/// A source whose page title is not known is given a `description`: shown as one on the
/// claim page and the sources page, and marked in `claims.json`.
#[test]
fn a_described_source_is_shown_as_a_description() {
    let (dir, site) = fixture("ui-base");
    let claims = site.join("content/claims.toml");
    let before = fs::read_to_string(&claims).unwrap();
    fs::write(&claims, before.replace("title = \"Invoice\"", "description = \"The contractor's invoice\"")).unwrap();
    let out = dir.path().join("out");
    build(&site, &out);
    for path in ["claims/repair-cost/index.html", "sources/index.html"] {
        let doc = page(&out.join(path));
        let link = doc.select(&sel("a.described")).next().unwrap_or_else(|| panic!("{path}: no described source"));
        assert_eq!(text(link), "The contractor's invoice", "{path}");
        assert!(text(doc.root_element()).contains("the page's title was not recorded"), "{path}");
    }
    let data: serde_json::Value = serde_json::from_slice(&fs::read(out.join("claims.json")).unwrap()).unwrap();
    let source = &data["claims"][0]["sources"][0];
    assert_eq!(
        (source["title"].as_str(), source["described"].as_bool()),
        (Some("The contractor's invoice"), Some(true))
    );
}

/// What a failed build may write (docs/cli.md): in the cache folder, `lock` and `fronts`;
/// nothing else, there or anywhere in the site.
#[test]
fn a_failed_build_writes_only_the_lock_and_the_front_matter() {
    let (_dir, site) = fixture("ui-base");
    let s = site.to_str().unwrap();
    let broken = |site: &Path| {
        let claims = site.join("content/claims.toml");
        let text = fs::read_to_string(&claims).unwrap();
        fs::write(&claims, text.replace("verdict = \"", "verdict = \"no-such-")).unwrap();
    };
    // A first build that fails: only the lock and the front matter appear.
    broken(&site);
    let sources = tree(&site);
    assert_eq!(outcome(&run(&["build", "--root", s])).0, 1);
    let mut after = tree(&site);
    assert!(
        after.remove(".briefing/lock").is_some() && after.remove(".briefing/fronts").is_some(),
        "{:?}",
        after.keys()
    );
    assert_eq!(after, sources, "a failed first build wrote more than lock and fronts");

    // After a good build, a failed one changes nothing but `fronts`.
    let (_dir, site) = fixture("ui-base");
    let s = site.to_str().unwrap();
    assert_eq!(outcome(&run(&["build", "--root", s])).0, 0);
    broken(&site);
    let mut before = tree(&site);
    assert_eq!(outcome(&run(&["build", "--root", s])).0, 1);
    let mut after = tree(&site);
    before.remove(".briefing/fronts");
    after.remove(".briefing/fronts");
    assert_eq!(after.keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>());
    let changed: Vec<_> = after.iter().filter(|(k, v)| before[*k] != **v).map(|(k, _)| k).collect();
    assert!(changed.is_empty(), "a failed build changed {changed:?}");
}

/// `-q` prints errors only; with `--deny-warnings` the warnings are errors, so `-q` shows
/// the ones the check fails on, in every format.
#[test]
fn quiet_check_shows_the_warnings_it_fails_on() {
    let (_dir, site) = fixture("ui-base");
    // An article no claim quotes: a warning.
    fs::write(site.join("content/articles/other.txt"), "+++\ntitle = \"Other\"\n+++\nSome text.\n").unwrap();
    let s = site.to_str().unwrap();
    let base = "--base-url=https://example.org/";
    let (code, _, err) = outcome(&run(&["check", "-q", "--root", s, base]));
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("untouched-article"), "-q hides warnings: {err}");
    let (code, _, err) = outcome(&run(&["check", "-q", "--deny-warnings", "--root", s, base]));
    assert_eq!(code, 1);
    assert!(err.contains("warning[untouched-article]"), "{err}");
    let (code, out, _) = outcome(&run(&["check", "-q", "--deny-warnings", "--format", "github", "--root", s, base]));
    assert_eq!(code, 1);
    assert!(out.contains("::error file=") && out.contains("untouched-article"), "{out}");
}

/// Past the first five warnings of one kind, the rest are counted in one line (a site of
/// 3,000 articles no claim quotes printed 3,000 warnings); `--all-warnings` prints each,
/// machine formats list each, and errors are never folded.
#[test]
fn many_warnings_of_one_kind_are_counted_not_printed() {
    let (_dir, site) = fixture("ui-base");
    for i in 0..8 {
        let text = format!("+++\ntitle = \"Other {i}\"\n+++\nSome text.\n");
        fs::write(site.join(format!("content/articles/other-{i}.txt")), text).unwrap();
    }
    let s = site.to_str().unwrap();
    let base = "--base-url=https://example.org/";
    let headers = |err: &str| err.lines().filter(|l| l.starts_with("warning[untouched-article]")).count();
    let (code, out, err) = outcome(&run(&["check", "--root", s, base]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(headers(&err), 6, "five in full and one count: {err}");
    assert!(err.contains("warning[untouched-article]: 3 more warnings of this kind are not shown (8 in all)"), "{err}");
    assert!(err.contains("--all-warnings"), "the count says how to see them all: {err}");
    let fifth = err.find("other-4`").unwrap();
    let count = err.find("3 more warnings").unwrap();
    assert!(fifth < count, "the count follows the fifth in full: {err}");
    let (code, _, err) = outcome(&run(&["check", "-q", "--deny-warnings", "--root", s, base]));
    assert_eq!((code, headers(&err)), (1, 8), "denied, warnings fail the check: each is printed: {err}");
    assert!(out.contains("; 8 warnings"), "the summary counts every one: {out}");
    let (_, _, err) = outcome(&run(&["check", "--all-warnings", "--root", s, base]));
    assert_eq!(headers(&err), 8, "{err}");
    assert!(!err.contains("not shown"), "{err}");
    let (_, out, _) = outcome(&run(&["check", "--format", "json", "--root", s, base]));
    assert_eq!(out.lines().filter(|l| l.contains("\"untouched-article\"")).count(), 8, "{out}");
    let (_, _, err) = outcome(&run(&["build", "--root", s, base]));
    assert_eq!(headers(&err), 6, "build prints as check does: {err}");
}

#[test]
fn counts_read_in_the_singular_when_there_is_one() {
    let (dir, site) = fixture("ui-base");
    let out = dir.path().join("out");
    build(&site, &out);
    let front = page(&out.join("index.html"));
    let tally: Vec<String> = front.select(&sel(".tally li")).map(text).collect();
    assert_eq!(tally, ["1 article", "1 claim checked", "1 flagged passage", "0 discrepancies"]);
    let description =
        front.select(&sel("meta[name=description]")).next().and_then(|m| m.value().attr("content").map(str::to_string));
    assert!(description.is_some());
    let article = page(&out.join("articles/news/index.html"));
    let about = article.select(&sel("meta[name=description]")).next().and_then(|m| m.value().attr("content"));
    assert!(about.is_some_and(|d| d.contains(": 1 claim checked, 1 flagged.")), "{about:?}");
}
