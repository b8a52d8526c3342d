//! Archives: a site whose briefings each have a folder `content/<slug>/` is built as one
//! site per briefing, under `<slug>/`, with a home that lists them newest first. Errors
//! name the briefing's files; a failed build leaves the output as it was; an edit builds
//! the same site as a fresh build; `new --briefing` and `import --briefing` add to one.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// Every relative link of every HTML page of `out` leads to a file of `out`.
fn links_resolve(out: &Path) {
    let files = tree(out);
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html") && *p != "404.html") {
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(bytes));
        for a in doc.select(&sel("a[href], link[href]")) {
            let href = a.value().attr("href").unwrap();
            if href.contains("://") || href.starts_with('#') || href.starts_with("mailto:") {
                continue;
            }
            let file = href.split('#').next().unwrap();
            let mut parts: Vec<&str> = path.split('/').collect();
            parts.pop();
            for part in file.split('/') {
                match part {
                    ".." => assert!(parts.pop().is_some(), "{path}: {href} leads above the site"),
                    "." | "" => {}
                    p => parts.push(p),
                }
            }
            let target = parts.join("/");
            assert!(files.contains_key(&target), "{path}: {href} → {target} is not in the site");
        }
    }
}

#[test]
fn each_briefing_is_built_under_its_folder_and_the_home_lists_them_newest_first() {
    let (dir, site) = fixture("archive");
    let out = dir.path().join("out");
    build(&site, &out);
    for path in [
        "index.html",
        "404.html",
        "style.css",
        "harbour/index.html",
        "harbour/articles/example/index.html",
        "harbour/claims/repair-cost/index.html",
        "harbour/claims.json",
        "harbour/feed.xml",
        "bridge/index.html",
        "bridge/articles/example/index.html",
        "bridge/claims/repair-cost/index.html",
    ] {
        assert!(out.join(path).is_file(), "{path}");
    }
    assert!(!out.join("harbour/style.css").exists(), "the theme's files are the archive's, once");
    let home = page(&out.join("index.html"));
    let titles: Vec<String> = home.select(&sel("ol.briefings h3 a")).map(text).collect();
    assert_eq!(titles, ["Harbour bridge repairs, checked", "The harbour reopening, checked"]);
    let hrefs: Vec<&str> = home.select(&sel("ol.briefings h3 a")).map(|a| a.value().attr("href").unwrap()).collect();
    assert_eq!(hrefs, ["bridge/index.html", "harbour/index.html"]);
    let tally: Vec<String> = home.select(&sel("ol.briefings > li:nth-child(2) .tally li")).map(text).collect();
    assert_eq!(tally, ["1 article", "2 claims checked", "1 flagged passage", "1 discrepancy"]);
    // A briefing's pages name the archive and lead back to its home.
    let claim = page(&out.join("harbour/claims/repair-cost/index.html"));
    let archive = claim.select(&sel("a.archive-title")).next().expect("the archive's link");
    assert_eq!(
        (text(archive).as_str(), archive.value().attr("href")),
        ("Riverton, checked", Some("../../../index.html"))
    );
    links_resolve(&out);
    let (code, _, err) = outcome(&run(&["check", "--root", site.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn addresses_are_absolute_under_the_briefing_with_a_base_url() {
    let (dir, site) = fixture("archive");
    let out = dir.path().join("out");
    let o = run(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--base-url",
        "https://example.org/riverton/",
    ]);
    assert_eq!(outcome(&o).0, 0, "{}", outcome(&o).2);
    let claim = page(&out.join("bridge/claims/repair-cost/index.html"));
    let canonical = claim.select(&sel("link[rel=canonical]")).next().unwrap().value().attr("href").unwrap().to_string();
    assert_eq!(canonical, "https://example.org/riverton/bridge/claims/repair-cost/");
    let data: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("bridge/claims.json")).unwrap()).unwrap();
    assert_eq!(data["site"]["base_url"], "https://example.org/riverton/bridge/");
    assert_eq!(data["site"]["title"], "Harbour bridge repairs, checked");
}

#[test]
fn errors_are_located_in_the_briefing_and_the_output_is_left_alone() {
    let (dir, site) = fixture("archive");
    let out = dir.path().join("out");
    build(&site, &out);
    let before = tree(&out);
    let claims = site.join("content/bridge/claims.toml");
    let text = fs::read_to_string(&claims).unwrap();
    fs::write(&claims, text.replace("quote = \"seven votes to two\"", "quote = \"seven votes to three\"")).unwrap();
    fs::write(site.join("content/harbour/briefing.md"), "No front matter.\n").unwrap();
    let (code, _, err) = outcome(&run(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[quote-not-found]") && err.contains("--> content/bridge/claims.toml:24:11"), "{err}");
    assert!(
        err.contains("error[missing-front-matter]") && err.contains("--> content/harbour/briefing.md:1:1"),
        "{err}"
    );
    assert!(tree(&out) == before, "a failed build writes nothing");
}

#[test]
fn an_edit_in_one_briefing_builds_what_a_fresh_build_does() {
    let (dir, site) = fixture("archive");
    let out = dir.path().join("out");
    build(&site, &out);
    change_verdict(&site.join("content/harbour/claims.toml"), "accurate", "imprecise");
    build(&site, &out);
    let (fresh_dir, fresh_site) = fixture("archive");
    change_verdict(&fresh_site.join("content/harbour/claims.toml"), "accurate", "imprecise");
    let fresh = fresh_dir.path().join("out");
    build(&fresh_site, &fresh);
    assert!(tree(&out) == tree(&fresh), "incremental = fresh");
    assert!(site.join(".briefing/briefings/harbour").is_dir(), "each briefing keeps its own tables");
}

#[test]
fn new_briefing_and_import_briefing_add_to_an_archive() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("news");
    let root = site.to_str().unwrap();
    for slug in ["first", "second"] {
        let (code, _, err) = outcome(&run(&["new", "--briefing", slug, root]));
        assert_eq!(code, 0, "{err}");
    }
    let page_file = repo().join("tests/fixtures/import/news.html");
    let (code, _, err) = outcome(&run(&["import", "--root", root, page_file.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(err.contains("pass --briefing SLUG, one of: first, second"), "{err}");
    let (code, _, err) = outcome(&run(&[
        "import",
        "--root",
        root,
        "--briefing",
        "second",
        page_file.to_str().unwrap(),
        "--slug",
        "courier",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(site.join("content/second/articles/courier.md").is_file());
    let (code, _, err) = outcome(&run(&["check", "--root", root]));
    assert_eq!(code, 0, "a new briefing builds as created: {err}");
    let (code, _, err) = outcome(&run(&["new", "--briefing", "first", root]));
    assert_eq!(code, 2);
    assert!(err.contains("exists already"), "{err}");
    let (_single_dir, single) = fixture("ui-base");
    let (code, _, err) = outcome(&run(&["new", "--briefing", "x", single.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(err.contains("is a site of one briefing"), "{err}");
}

#[test]
fn a_preview_with_drafts_is_never_indexed_and_one_sitemap_indexes_every_briefings() {
    let (dir, site) = fixture("archive");
    let out = dir.path().join("out");
    let root = site.to_str().unwrap();
    let o = run(&["build", "--root", root, "--output", out.to_str().unwrap(), "--base-url", "https://example.org/"]);
    assert_eq!(outcome(&o).0, 0, "{}", outcome(&o).2);
    let robots = fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(robots.ends_with("\nSitemap: https://example.org/sitemap.xml\n"), "{robots}");
    // The one sitemap a search engine is given indexes the home's pages and every briefing's.
    let index = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let locs: Vec<&str> = index.split("<loc>").skip(1).map(|l| l.split('<').next().unwrap()).collect();
    assert!(index.contains("<sitemapindex "), "{index}");
    assert_eq!(
        locs,
        [
            "https://example.org/sitemap-home.xml",
            "https://example.org/bridge/sitemap.xml",
            "https://example.org/harbour/sitemap.xml"
        ]
    );
    for file in ["sitemap-home.xml", "bridge/sitemap.xml", "harbour/sitemap.xml"] {
        assert!(fs::read_to_string(out.join(file)).unwrap().contains("<urlset "), "{file}");
    }
    assert!(
        fs::read_to_string(out.join("sitemap-home.xml")).unwrap().contains("<loc>https://example.org/topics/</loc>")
    );
    let home_404 = fs::read_to_string(out.join("404.html")).unwrap();
    assert!(
        home_404.contains("https://example.org/topics/index.html") && !home_404.contains("corrections/"),
        "the home's 404 links the archive's pages, and no briefing's"
    );
    let claims = site.join("content/harbour/claims.toml");
    let text = fs::read_to_string(&claims).unwrap();
    fs::write(&claims, text.replacen("id = \"repair-cost\"", "id = \"repair-cost\"\ndraft = true", 1)).unwrap();
    let preview = dir.path().join("preview");
    let o = run(&[
        "build",
        "--root",
        root,
        "--output",
        preview.to_str().unwrap(),
        "--drafts",
        "--base-url",
        "https://example.org/",
    ]);
    assert_eq!(outcome(&o).0, 0, "{}", outcome(&o).2);
    assert_eq!(fs::read_to_string(preview.join("robots.txt")).unwrap(), "User-agent: *\nDisallow: /\n");
    for page_path in ["index.html", "404.html", "bridge/index.html", "harbour/index.html", "topics/money/index.html"] {
        let doc = page(&preview.join(page_path));
        assert!(doc.select(&sel("meta[name=robots][content='noindex, nofollow']")).next().is_some(), "{page_path}");
    }
    // The archive's own pages and data mark the draft, as a briefing's pages do.
    let money = page(&preview.join("topics/money/index.html"));
    let marked: Vec<String> = money
        .select(&sel("ol.entries > li"))
        .filter(|li| li.select(&sel(".draft-mark")).next().is_some())
        .map(common::text)
        .collect();
    assert_eq!(marked.len(), 1, "{marked:?}");
    assert!(marked[0].contains("The repairs cost 2 million."), "{marked:?}");
    let lines = fs::read_to_string(preview.join("claims.jsonl")).unwrap();
    let drafts: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| l["draft"] == true)
        .collect();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0]["id"], "repair-cost");
    let search = fs::read_to_string(preview.join("search/d/0.js")).unwrap();
    assert_eq!(search.matches("\"d\":true").count(), 1, "{search}");
}

#[test]
fn links_to_pages_in_their_folder_form_are_checked_as_the_host_serves_them() {
    let (_dir, site) = fixture("archive");
    let lead = site.join("content/bridge/briefing.md");
    let links = "\n\nSee [the cost](claims/bridge-cost/), [the harbour](../harbour/), [money](../topics/money/), [home](../).\n";
    fs::write(&lead, fs::read_to_string(&lead).unwrap() + links).unwrap();
    let o = run_in(&site, &["check"]);
    assert_eq!(outcome(&o).0, 0, "{}", outcome(&o).2);
    // A folder that is not in the site is still broken, and the check says it failed.
    fs::write(&lead, fs::read_to_string(&lead).unwrap() + "\n[gone](../nowhere/) [no slash](../harbour)\n").unwrap();
    let (code, out, err) = outcome(&run_in(&site, &["check"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[broken-link]: broken link `../nowhere/`"), "{err}");
    assert!(err.contains("harbour is a folder: write `../harbour/` to link to its page"), "{err}");
    assert!(err.contains("check failed: 2 errors") && !out.contains("checked "), "{out}\n{err}");
}

#[test]
fn two_articles_of_one_name_are_located_at_their_briefings_address() {
    let (_dir, site) = fixture("archive");
    let article = site.join("content/bridge/articles/example.md");
    fs::copy(&article, article.with_extension("txt")).unwrap();
    let err = outcome(&run_in(&site, &["build"])).2;
    assert!(err.contains("would both be published at bridge/articles/example/"), "{err}");
}

#[test]
fn names_and_folders_that_are_not_briefings_are_refused() {
    let (dir, site) = fixture("archive");
    let root = site.to_str().unwrap();
    let page_file = repo().join("tests/fixtures/import/news.html");
    let page_file = page_file.to_str().unwrap();
    for (briefing, says) in [("../../outside", "no briefing `../../outside`"), ("bridg", "did you mean `bridge`?")] {
        let (code, _, err) =
            outcome(&run(&["import", "--root", root, "--briefing", briefing, page_file, "--slug", "x"]));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(says), "{err}");
    }
    assert!(!dir.path().join("outside").exists(), "nothing written outside the site");
    let (code, _, err) = outcome(&run(&["new", "--briefing", "articles", root]));
    assert_eq!((code, err.contains("cannot be a briefing's name")), (2, true), "{err}");
    let busy = dir.path().join("busy");
    fs::create_dir_all(&busy).unwrap();
    fs::write(busy.join(".gitignore"), "mine\n").unwrap();
    let (code, _, err) = outcome(&run(&["new", "--briefing", "a", busy.to_str().unwrap()]));
    assert_eq!((code, err.contains("neither an archive")), (2, true), "{err}");
    assert_eq!(fs::read_to_string(busy.join(".gitignore")).unwrap(), "mine\n");
    let (code, _, err) = outcome(&run(&["check", "--root", root, "--published", page_file]));
    assert_eq!((code, err.contains("is not a folder")), (2, true), "{err}");
    copy_dir(&site.join("content/bridge"), &site.join("content/Bad Name"));
    let (code, _, err) = outcome(&run(&["check", "--root", root]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[bad-slug]: `content/Bad Name/` cannot be a briefing"), "{err}");
}

/// The texts of the elements `selector` picks in `page`.
fn texts(page: &scraper::Html, selector: &str) -> Vec<String> {
    page.select(&sel(selector)).map(text).collect()
}

/// How many `<entry>` a feed has, parsed.
fn entries(feed: &Path) -> Vec<String> {
    let xml = fs::read_to_string(feed).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("a feed that parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("entry"))
        .map(|e| e.children().find(|c| c.has_tag_name("id")).and_then(|c| c.text()).unwrap().to_string())
        .collect()
}

#[test]
fn topics_gather_claims_across_briefings_with_a_feed_each() {
    let (dir, site) = fixture("archive");
    let out = dir.path().join("out");
    build(&site, &out);
    let index = page(&out.join("topics/index.html"));
    // "money" and "Money" are one topic; a claim without one is in none.
    // Named by the spelling that keeps its capitals, as many claims use each.
    assert_eq!(texts(&index, "ul.group-list a"), ["Dates", "Money"]);
    assert_eq!(texts(&index, "ul.group-list .count"), ["1 claim", "2 claims"]);
    let money = page(&out.join("topics/money/index.html"));
    let claims: Vec<&str> =
        money.select(&sel("ol.entries > li > p:first-child > a")).map(|a| a.value().attr("href").unwrap()).collect();
    // The most recently updated first, across briefings.
    assert_eq!(claims, ["../../bridge/claims/bridge-cost/index.html", "../../harbour/claims/repair-cost/index.html"]);
    assert_eq!(texts(&money, ".byline a")[0], "Harbour bridge repairs, checked");
    // A claim page links its topic's page; a briefing's front page gives its event's date.
    let claim = page(&out.join("harbour/claims/repair-cost/index.html"));
    let kicker = claim.select(&sel(".kicker a")).map(|a| a.value().attr("href").unwrap()).collect::<Vec<_>>();
    assert_eq!(kicker, ["../../index.html#claims", "../../../topics/money/index.html"]);
    let front = page(&out.join("harbour/index.html"));
    assert_eq!(texts(&front, ".page-header time"), ["6 January 2031"]);
    assert_eq!(
        entries(&out.join("topics/money/feed.xml")),
        ["urn:briefing:claim:2031-03-02:bridge:bridge-cost", "urn:briefing:claim:2031-01-08:harbour:repair-cost"]
    );
    assert_eq!(entries(&out.join("feed.xml")).len(), 4, "the site's feed has every briefing's claims");
    links_resolve(&out);
}

#[test]
fn the_search_names_an_outlet_as_its_page_does() {
    let (dir, site) = fixture("archive");
    let article = site.join("content/bridge/articles/example.md");
    let text = fs::read_to_string(&article).unwrap();
    fs::write(&article, text.replace("outlet = \"Example Town Herald\"", "outlet = \"example town herald\"")).unwrap();
    let out = dir.path().join("out");
    build(&site, &out);
    assert!(out.join("outlets/example-town-herald/index.html").is_file());
    let index = fs::read_to_string(out.join("search/d/0.js")).unwrap();
    assert_eq!(index.matches("\"s\":\"Example Town Herald\"").count(), 2, "{index}");
    assert!(!index.contains("example town herald"), "{index}");
}

#[test]
fn outlets_count_their_articles_claims_by_verdict() {
    let (dir, site) = fixture("archive");
    let out = dir.path().join("out");
    build(&site, &out);
    let index = page(&out.join("outlets/index.html"));
    assert_eq!(texts(&index, "ul.group-list a"), ["Example Town Herald", "The Riverton Courier"]);
    assert_eq!(texts(&index, "ul.group-list .count"), ["2 articles", "1 article"]);
    let herald = page(&out.join("outlets/example-town-herald/index.html"));
    let rows: Vec<String> = herald
        .select(&sel("table.totals tbody tr"))
        .map(|tr| {
            format!("{} {}", text(tr.select(&sel("th")).next().unwrap()), text(tr.select(&sel("td")).next().unwrap()))
        })
        .collect();
    assert_eq!(rows, ["Accurate 2", "Imprecise 0", "Misleading 0", "Outdated 0", "False 1", "Unverifiable 0"]);
    assert_eq!(texts(&herald, "table.totals tfoot td"), ["3"]);
    // Newest first: the bridge's article (2 March 2031) before the harbour's.
    let articles: Vec<&str> = herald.select(&sel("ol.stories h3 a")).map(|a| a.value().attr("href").unwrap()).collect();
    assert_eq!(articles, ["../../bridge/articles/example/index.html", "../../harbour/articles/example/index.html"]);
    let counts: Vec<String> = herald
        .select(&sel("ol.stories > li:nth-child(2) .verdict-counts li"))
        .map(|li| text(li).split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(counts, ["Accurate 1", "False 1"]);
    // An article's byline leads to its outlet's page.
    let article = page(&out.join("bridge/articles/example/index.html"));
    let byline: Vec<&str> = article.select(&sel(".byline a")).map(|a| a.value().attr("href").unwrap()).collect();
    assert_eq!(byline, ["../../../outlets/example-town-herald/index.html"]);
    // So does each passage a claim's page quotes.
    let claim = page(&out.join("bridge/claims/bridge-cost/index.html"));
    let cited: Vec<&str> =
        claim.select(&sel(".in-context footer > a")).map(|a| a.value().attr("href").unwrap()).collect();
    assert!(!cited.is_empty() && cited.iter().all(|h| h.starts_with("../../../outlets/")), "{cited:?}");
    links_resolve(&out);
}

#[test]
fn lists_and_feeds_are_bounded_by_the_config() {
    let (dir, site) = fixture("archive");
    let config = site.join("briefing.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, text.replace("language = \"en\"", "language = \"en\"\npaginate_by = 1\nfeed_limit = 1"))
        .unwrap();
    let out = dir.path().join("out");
    build(&site, &out);
    let first = page(&out.join("index.html"));
    assert_eq!(texts(&first, "ol.briefings h3 a"), ["Harbour bridge repairs, checked"]);
    let next = first.select(&sel(".pager a[rel=next]")).next().expect("a link to the next page");
    assert_eq!(next.value().attr("href"), Some("page/2/index.html"));
    let second = page(&out.join("page/2/index.html"));
    assert_eq!(texts(&second, "ol.briefings h3 a"), ["The harbour reopening, checked"]);
    assert_eq!(texts(&second, ".pager a[aria-current=page]"), ["2"]);
    assert!(second.select(&sel(".pager a[rel=next]")).next().is_none());
    let money = page(&out.join("topics/money/page/2/index.html"));
    assert_eq!(money.select(&sel("ol.entries > li")).count(), 1);
    assert!(out.join("topics/page/2/index.html").is_file(), "the index of topics too");
    assert!(out.join("outlets/example-town-herald/page/2/index.html").is_file());
    assert_eq!(entries(&out.join("feed.xml")), ["urn:briefing:claim:2031-03-03:bridge:repair-cost"]);
    assert_eq!(entries(&out.join("harbour/feed.xml")).len(), 1, "a briefing's feed too");
    assert_eq!(entries(&out.join("topics/money/feed.xml")).len(), 1);
    links_resolve(&out);
}

#[test]
fn the_site_wide_export_has_a_line_per_claim_that_meets_its_schema() {
    let (dir, site) = fixture("archive");
    let out = dir.path().join("out");
    build(&site, &out);
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(common::repo().join("docs/claims-line.schema.json")).unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let text = fs::read_to_string(out.join("claims.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    for line in &lines {
        let errors: Vec<String> = validator.iter_errors(line).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{line}: {errors:?}");
    }
    let ids: Vec<String> = lines.iter().map(|l| format!("{}/{}", l["briefing"], l["id"])).collect();
    assert_eq!(ids.len(), 4, "{ids:?}");
    assert_eq!(lines[0]["url"], "bridge/claims/bridge-cost/");
    assert_eq!(lines[0]["topic"], "money");
    assert_eq!(lines[0]["articles"][0]["outlet"], "The Riverton Courier");
}

#[test]
fn check_suggest_looks_in_every_briefing_and_names_each_ones_claims_file() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    fs::copy(repo().join("tests/fixtures/sites/archive/briefing.toml"), site.join("briefing.toml")).unwrap();
    let mut alone = 0;
    for name in ["storm", "plant"] {
        let from = repo().join("tests/fixtures/suggest").join(name).join("content");
        let to = site.join("content").join(name);
        copy_tree(&from, &to);
        let lead = fs::read_to_string(to.join("briefing.md")).unwrap();
        fs::write(to.join("briefing.md"), format!("+++\ntitle = \"{name}\"\ndate = 2030-01-01\n+++\n{lead}")).unwrap();
        let (code, out, err) =
            outcome(&run(&["check", "--suggest", "--limit", "0", "--root", from.parent().unwrap().to_str().unwrap()]));
        assert_eq!(code, 0, "{err}");
        alone += out.matches("\nsuggestion[").count() + usize::from(out.starts_with("suggestion["));
    }
    let (code, out, err) =
        outcome(&run(&["check", "--suggest", "--limit", "0", "--format", "json", "--root", site.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    let found: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["severity"] == "suggestion")
        .collect();
    assert_eq!(found.len(), alone, "the archive finds what each briefing finds alone");
    for s in &found {
        let file = s["passages"][0]["file"].as_str().unwrap();
        let briefing = file.split('/').nth(1).unwrap();
        assert_eq!(s["claims_file"], format!("content/{briefing}/claims.toml"), "{s}");
    }
    let scores: Vec<f64> = found.iter().map(|s| s["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "the strongest first, across briefings: {scores:?}");
    let briefings: std::collections::HashSet<&str> = found.iter().map(|s| s["claims_file"].as_str().unwrap()).collect();
    assert_eq!(briefings.len(), 2);
}

/// Copies the folder `from` to `to`, recursively.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()));
        } else {
            fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn a_removed_briefing_leaves_no_page_entry_or_cache_behind() {
    let (dir, site) = fixture("archive");
    let out = dir.path().join("out");
    build(&site, &out);
    assert!(site.join(".briefing/briefings/bridge").is_dir());
    fs::remove_dir_all(site.join("content/bridge")).unwrap();
    build(&site, &out);
    assert!(!out.join("bridge").exists(), "its pages are gone");
    assert!(!site.join(".briefing/briefings/bridge").exists(), "its tables are gone");
    let money = page(&out.join("topics/money/index.html"));
    assert_eq!(money.select(&sel("ol.entries > li")).count(), 1, "its claims left the topics");
    assert!(!out.join("outlets/the-riverton-courier").exists(), "an outlet it alone had is gone");
    let index = fs::read_to_string(out.join("search/d/0.js")).unwrap();
    assert!(!index.contains("bridge/"), "and the search index");
    let (fresh_dir, fresh_site) = fixture("archive");
    fs::remove_dir_all(fresh_site.join("content/bridge")).unwrap();
    let fresh = fresh_dir.path().join("out");
    build(&fresh_site, &fresh);
    assert!(tree(&out) == tree(&fresh), "incremental = fresh");
}

#[test]
fn the_archives_own_addresses_are_never_a_briefings() {
    let (dir, site) = fixture("archive");
    let root = site.to_str().unwrap();
    for name in ["topics", "outlets", "search", "page", "articles"] {
        let (code, _, err) = outcome(&run(&["new", "--briefing", name, root]));
        assert_eq!(code, 2, "`new --briefing {name}` is refused: {err}");
    }
    fs::create_dir_all(site.join("content/search")).unwrap();
    fs::copy(site.join("content/bridge/claims.toml"), site.join("content/search/claims.toml")).unwrap();
    let out = dir.path().join("out");
    let (code, _, err) = outcome(&run(&["build", "--root", root, "--output", out.to_str().unwrap()]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[bad-slug]: `content/search/` cannot be a briefing: `search/` is the address of the archive's own pages"), "{err}");
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn topics_spelled_two_ways_are_one_on_the_front_page_too() {
    let (dir, site) = fixture("archive");
    let claims = site.join("content/harbour/claims.toml");
    let text = fs::read_to_string(&claims).unwrap();
    fs::write(&claims, text.replace("topic = \"Dates\"", "topic = \"money\"")).unwrap();
    let out = dir.path().join("out");
    build(&site, &out);
    let front = page(&out.join("harbour/index.html"));
    let sections: Vec<&str> =
        front.select(&sel("section[aria-label]")).filter_map(|s| s.value().attr("aria-label")).collect();
    assert_eq!(sections.iter().filter(|s| s.eq_ignore_ascii_case("money")).count(), 1, "{sections:?}");
    // Without JavaScript, the search page leads to the topics and the outlets.
    let search = fs::read_to_string(out.join("search/index.html")).unwrap();
    let noscript = &search[search.find("<noscript>").unwrap()..search.find("</noscript>").unwrap()];
    assert!(noscript.contains("<a href=\"../topics/index.html\">topics</a>"), "{noscript}");
    assert!(
        noscript.contains("<a href=\"../outlets/index.html\">outlets</a>") && !noscript.contains('{'),
        "{noscript}"
    );
}

/// Sets every file under `dir` an hour back: files changed in the moments before a build
/// vouch for nothing (a second edit within the clock's tick would not show).
fn age(dir: &Path) {
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in walkdir::WalkDir::new(dir).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_file()) {
        fs::File::options().write(true).open(entry.path()).unwrap().set_modified(then).unwrap();
    }
}

/// The archive fixture with a third briefing, `ferry`, a copy of `harbour`.
fn three_briefings() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, site) = fixture("archive");
    copy_tree(&site.join("content/harbour"), &site.join("content/ferry"));
    (dir, site)
}

#[test]
fn a_briefing_whose_inputs_did_not_change_is_kept_whole() {
    let (dir, site) = three_briefings();
    let out = dir.path().join("out");
    age(&site.join("content"));
    build(&site, &out);
    let tables = |slug: &str| site.join(".briefing/briefings").join(slug);
    for slug in ["ferry", "bridge", "harbour"] {
        assert!(tables(slug).join("briefing").is_file(), "what {slug} made is kept with the key of its inputs");
    }
    // Kept whole, its tables are not even read: one deleted is not made again.
    for slug in ["ferry", "bridge", "harbour"] {
        fs::remove_file(tables(slug).join("fronts")).unwrap();
    }
    change_verdict(&site.join("content/harbour/claims.toml"), "accurate", "imprecise");
    let o = run(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    let (code, _, err) = outcome(&o);
    assert_eq!(code, 0, "{err}");
    assert!(!tables("ferry").join("fronts").exists(), "a briefing that did not change was not loaded");
    assert!(!tables("bridge").join("fronts").exists(), "nor one that warned");
    assert!(tables("harbour").join("fronts").is_file(), "the edited one was");
    let (fresh_dir, fresh_site) = three_briefings();
    change_verdict(&fresh_site.join("content/harbour/claims.toml"), "accurate", "imprecise");
    let fresh = fresh_dir.path().join("out");
    let o = run(&["build", "--root", fresh_site.to_str().unwrap(), "--output", fresh.to_str().unwrap()]);
    let warnings =
        |err: &str| -> Vec<String> { err.lines().filter(|l| !l.starts_with("built ")).map(String::from).collect() };
    assert!(err.contains("warning[changed-after-check]"), "the briefing that warned warns again: {err}");
    assert_eq!(warnings(&err), warnings(&outcome(&o).2), "the same warnings as a fresh build");
    assert!(tree(&out) == tree(&fresh), "incremental = fresh");

    // The config is every briefing's input.
    let config = site.join("briefing.toml");
    fs::write(&config, fs::read_to_string(&config).unwrap().replace("Riverton, checked", "Riverton, fact-checked"))
        .unwrap();
    build(&site, &out);
    assert!(tables("ferry").join("fronts").is_file(), "a config edited builds every briefing again");
    let claim = page(&out.join("ferry/claims/repair-cost/index.html"));
    assert_eq!(text(claim.select(&sel("a.archive-title")).next().unwrap()), "Riverton, fact-checked");

    // A page of the output changed by hand is not kept: the briefing is made again.
    fs::remove_file(tables("ferry").join("fronts")).unwrap();
    let index = out.join("ferry/index.html");
    let made = fs::read(&index).unwrap();
    fs::write(&index, "changed by hand").unwrap();
    build(&site, &out);
    assert!(tables("ferry").join("fronts").is_file(), "made again");
    assert_eq!(fs::read(&index).unwrap(), made, "and repaired");
}
