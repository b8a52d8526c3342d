//! Publishing standards: ClaimReview JSON-LD, claims.json, the feed, sitemap and robots,
//! Open Graph, corrections, edit links and the sources page. Each is checked on the repo's
//! briefing, on a fixture with `base_url` and `repo_url` (council) and on one without (ui-base).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::*;
use serde_json::Value;

fn built(which: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, site) = if which == "repo" { repo_site() } else { fixture(which) };
    let out = dir.path().join("out");
    build(&site, &out);
    (dir, out)
}

fn claim_pages(out: &Path) -> Vec<String> {
    tree(out).into_keys().filter(|p| p.starts_with("claims/") && p.ends_with("/index.html")).collect()
}

fn jsonld(out: &Path, page_path: &str) -> Value {
    let doc = page(&out.join(page_path));
    let scripts: Vec<_> = doc.select(&sel("script[type='application/ld+json']")).collect();
    assert_eq!(scripts.len(), 1, "{page_path}: one JSON-LD block");
    serde_json::from_str(&scripts[0].text().collect::<String>()).unwrap_or_else(|e| panic!("{page_path}: {e}"))
}

#[test]
fn every_claim_page_has_a_complete_claim_review() {
    for which in ["repo", "council", "ui-base"] {
        let (_dir, out) = built(which);
        let pages = claim_pages(&out);
        assert!(!pages.is_empty());
        let data: Value = serde_json::from_str(&fs::read_to_string(out.join("claims.json")).unwrap()).unwrap();
        for p in &pages {
            let v = jsonld(&out, p);
            assert_eq!(v["@context"], "https://schema.org", "{which} {p}");
            assert_eq!(v["@type"], "ClaimReview");
            let id = p.trim_start_matches("claims/").trim_end_matches("/index.html");
            let claim = data["claims"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap();
            assert_eq!(v["claimReviewed"], claim["claim"], "{which} {p}");
            let label = data["verdicts"].as_array().unwrap().iter().find(|x| x["key"] == claim["verdict"]).unwrap();
            assert_eq!(v["reviewRating"]["alternateName"], label["label"]);
            if label["rating"].is_null() {
                assert!(v["reviewRating"].get("ratingValue").is_none());
            } else {
                assert_eq!(v["reviewRating"]["ratingValue"], label["rating"]);
                assert_eq!(v["reviewRating"]["bestRating"], 5);
                assert_eq!(v["reviewRating"]["worstRating"], 1);
            }
            assert_eq!(v["itemReviewed"]["@type"], "Claim");
            assert!(v["author"]["name"].is_string());
            assert_eq!(v["datePublished"], claim["checked"]);
            let url = v["url"].as_str().unwrap();
            if which == "council" {
                assert_eq!(url, format!("https://example.org/riverton/claims/{id}/"));
            } else {
                assert_eq!(url, "./", "the page itself, from where it is");
            }
        }
    }
    // Where the article's outlet, address and date are known, the Claim carries them.
    let (_dir, out) = built("council");
    let v = jsonld(&out, "claims/vote-7-2/index.html");
    assert_eq!(v["itemReviewed"]["author"]["name"], "Riverton Gazette");
    assert_eq!(v["itemReviewed"]["appearance"][0]["url"], "https://gazette.example.org/budget");
    assert_eq!(v["itemReviewed"]["datePublished"], "2031-03-05");
    let v = jsonld(&out, "claims/library-figure/index.html");
    assert_eq!(v["dateModified"], "2031-03-10");
}

#[test]
fn json_ld_cannot_be_closed_by_content() {
    let (dir, site) = fixture("ui-base");
    let claims = site.join("content/claims.toml");
    let text = fs::read_to_string(&claims)
        .unwrap()
        .replace("The repairs cost two million.", "</script><script>alert(1)</script> & <!--");
    fs::write(&claims, text).unwrap();
    let out = dir.path().join("out");
    build(&site, &out);
    let html = fs::read_to_string(out.join("claims/repair-cost/index.html")).unwrap();
    let start = html.find("application/ld+json").unwrap();
    let end = start + html[start..].find("</script>").unwrap();
    let block = &html[start..end];
    assert!(!block.contains('<') && !block.contains('&'), "{block}");
    let v = jsonld(&out, "claims/repair-cost/index.html");
    assert_eq!(v["claimReviewed"], "</script><script>alert(1)</script> & <!--");
    assert_eq!(page(&out.join("claims/repair-cost/index.html")).select(&sel("script:not([type])")).count(), 0);
}

#[test]
fn claims_json_matches_its_schema_and_its_offsets_hold() {
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(repo().join("docs/claims.schema.json")).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    for which in ["repo", "council", "ui-base"] {
        let (_dir, out) = built(which);
        let text = fs::read_to_string(out.join("claims.json")).unwrap();
        let data: Value = serde_json::from_str(&text).unwrap();
        // The file is assembled from kept entries; it must read as serde_json's own pretty
        // printing of the document, keys in order.
        assert_eq!(text, serde_json::to_string_pretty(&data).unwrap() + "\n", "{which}: layout");
        let errors: Vec<String> =
            validator.iter_errors(&data).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{which}: {errors:#?}");
        let texts: BTreeMap<String, Vec<char>> = data["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["slug"].as_str().unwrap().to_string(), a["text"].as_str().unwrap().chars().collect()))
            .collect();
        let mut checked = 0;
        let appearances =
            data["claims"].as_array().unwrap().iter().flat_map(|c| c["appearances"].as_array().unwrap().iter());
        for q in appearances.chain(data["artifacts"].as_array().unwrap().iter()) {
            let text = &texts[q["article"].as_str().unwrap()];
            let (s, e) = (q["start"].as_u64().unwrap() as usize, q["end"].as_u64().unwrap() as usize);
            assert_eq!(text[s..e].iter().collect::<String>(), q["exact"].as_str().unwrap(), "{which}");
            checked += 1;
        }
        assert!(checked > 0);
    }
}

/// `claims.json`'s text has a line break where one paragraph ends and the next begins, as a
/// reader sees it ("library.The mayor" read as one word), and a passage across two
/// paragraphs has it too, at the same offsets.
#[test]
fn claims_json_keeps_paragraphs_apart() {
    let (dir, site) = fixture("council");
    let claims = site.join("content/claims.toml");
    let text = fs::read_to_string(&claims).unwrap();
    let article = site.join("content/articles/gazette.md");
    let body = fs::read_to_string(&article).unwrap();
    fs::write(&article, body.replacen("library.\n", "library.\n\nThe council approved it.\n", 1)).unwrap();
    fs::write(
        &claims,
        text.replacen("quote = \"by a vote of 7 to 2\"", "quote = \"library. The council approved it\"", 1),
    )
    .unwrap();
    let out = dir.path().join("out");
    build(&site, &out);
    let data: Value = serde_json::from_str(&fs::read_to_string(out.join("claims.json")).unwrap()).unwrap();
    let gazette = data["articles"].as_array().unwrap().iter().find(|a| a["slug"] == "gazette").unwrap();
    let text: Vec<char> = gazette["text"].as_str().unwrap().chars().collect();
    let q = data["claims"].as_array().unwrap().iter().flat_map(|c| c["appearances"].as_array().unwrap().iter());
    let q = q.filter(|q| q["quote"] == "library. The council approved it").next().expect("the quote");
    assert_eq!(q["exact"], "library.\nThe council approved it");
    let (s, e) = (q["start"].as_u64().unwrap() as usize, q["end"].as_u64().unwrap() as usize);
    assert_eq!(text[s..e].iter().collect::<String>(), q["exact"].as_str().unwrap());
    assert!(
        gazette["text"].as_str().unwrap().contains("about the\nlibrary.\nThe council approved it.\n"),
        "{}",
        gazette["text"]
    );
}

/// With no claims and no artifacts, the export's empty lists are laid out as serde_json
/// lays them out.
#[test]
fn claims_json_of_a_site_with_no_claims_is_pretty_json() {
    let (dir, site) = fixture("council");
    fs::write(site.join("content/claims.toml"), "").unwrap();
    let out = dir.path().join("out");
    build(&site, &out);
    let text = fs::read_to_string(out.join("claims.json")).unwrap();
    let data: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(data["claims"], Value::Array(Vec::new()));
    assert_eq!(data["artifacts"], Value::Array(Vec::new()));
    assert_eq!(text, serde_json::to_string_pretty(&data).unwrap() + "\n");
}

#[test]
fn the_feed_lists_every_claim_newest_first() {
    for which in ["repo", "council"] {
        let (_dir, out) = built(which);
        let xml = fs::read_to_string(out.join("feed.xml")).unwrap();
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{which}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "feed");
        assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2005/Atom"));
        let entries: Vec<_> = root.children().filter(|n| n.has_tag_name("entry")).collect();
        let claims = claim_pages(&out).len();
        assert_eq!(entries.len(), claims, "{which}");
        let updated: Vec<&str> =
            entries.iter().map(|e| e.children().find(|c| c.has_tag_name("updated")).unwrap().text().unwrap()).collect();
        let mut sorted = updated.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(updated, sorted, "{which}: newest first");
        for e in &entries {
            for field in ["title", "id", "link", "updated", "summary"] {
                assert!(e.children().any(|c| c.has_tag_name(field)), "{which}: entry without {field}");
            }
        }
    }
    // The corrected claim comes first, with the correction's date.
    let (_dir, out) = built("council");
    let xml = fs::read_to_string(out.join("feed.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let first = doc.root_element().children().find(|n| n.has_tag_name("entry")).unwrap();
    let get = |name: &str| first.children().find(|c| c.has_tag_name(name)).unwrap();
    assert_eq!(get("id").text(), Some("https://example.org/riverton/claims/library-figure/"));
    assert_eq!(get("updated").text(), Some("2031-03-10T00:00:00Z"));
    assert!(get("summary").text().unwrap().contains("corrected twice"));
}

#[test]
fn sitemap_robots_and_canonical_only_with_a_base_url() {
    let (_dir, out) = built("council");
    let xml = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let locs: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("loc")).filter_map(|n| n.text()).collect();
    assert!(locs.contains(&"https://example.org/riverton/"));
    assert!(locs.contains(&"https://example.org/riverton/claims/vote-8-1/"));
    assert!(locs.iter().all(|l| l.starts_with("https://example.org/riverton/") && !l.contains("404")));
    // Every dated page has its lastmod: here, all of them (the articles are quoted).
    let lastmod = |loc: &str| {
        let url = doc.descendants().find(|n| n.has_tag_name("loc") && n.text() == Some(loc)).unwrap().parent().unwrap();
        url.children().find(|c| c.has_tag_name("lastmod")).and_then(|c| c.text()).map(str::to_string)
    };
    for loc in &locs {
        assert!(lastmod(loc).is_some(), "{loc} has no lastmod");
    }
    assert_eq!(lastmod("https://example.org/riverton/claims/library-figure/").as_deref(), Some("2031-03-10"));
    assert_eq!(lastmod("https://example.org/riverton/corrections/").as_deref(), Some("2031-03-10"));
    // Crawlers read robots.txt only at a host's root: a site under a path has none.
    assert!(!out.join("robots.txt").exists());
    let (_dir, out) = built_at("council", "https://riverton.example.org/");
    assert!(
        fs::read_to_string(out.join("robots.txt"))
            .unwrap()
            .contains("Sitemap: https://riverton.example.org/sitemap.xml")
    );

    let (_dir, out) = built("ui-base");
    assert!(!out.join("sitemap.xml").exists());
    assert!(!out.join("robots.txt").exists());
    for (path, _) in tree(&out).into_iter().filter(|(p, _)| p.ends_with(".html")) {
        assert!(page(&out.join(&path)).select(&sel("link[rel=canonical]")).next().is_none(), "{path}");
    }
}

#[test]
fn every_page_has_description_and_open_graph() {
    for which in ["repo", "council"] {
        let (_dir, out) = built(which);
        for (path, _) in tree(&out).into_iter().filter(|(p, _)| p.ends_with(".html")) {
            let doc = page(&out.join(&path));
            let meta = |q: &str| doc.select(&sel(q)).next().and_then(|m| m.value().attr("content").map(str::to_string));
            assert!(meta("meta[name=description]").is_some_and(|d| !d.is_empty()), "{which} {path}");
            for p in ["og:title", "og:description", "og:type", "og:site_name"] {
                assert!(meta(&format!("meta[property='{p}']")).is_some(), "{which} {path}: {p}");
            }
            if which == "council" && path != "404.html" {
                assert!(
                    meta("meta[property='og:url']").unwrap().starts_with("https://example.org/riverton/"),
                    "{path}"
                );
            }
            // The footer links to the corrections page (with its policy) on every page.
            let footer_links: Vec<_> =
                doc.select(&sel(".site-footer a")).filter_map(|a| a.value().attr("href")).collect();
            assert!(footer_links.iter().any(|h| h.ends_with("corrections/index.html")), "{which} {path}");
        }
    }
}

#[test]
fn corrections_are_dated_newest_first_and_listed() {
    let (_dir, out) = built("council");
    let doc = page(&out.join("claims/library-figure/index.html"));
    let dates: Vec<&str> =
        doc.select(&sel(".corrections li time")).map(|t| t.value().attr("datetime").unwrap()).collect();
    assert_eq!(dates, vec!["2031-03-10", "2031-03-08"]);
    let checked = text(doc.select(&sel(".checked")).next().unwrap());
    assert!(checked.contains("last updated 10 March 2031"), "{checked}");
    let log = page(&out.join("corrections/index.html"));
    assert_eq!(log.select(&sel(".correction-log > li")).count(), 2);
    assert!(text(log.select(&sel("#policy-title")).next().unwrap()).contains("policy"));
    assert!(
        log.select(&sel(".correction-log a"))
            .all(|a| a.value().attr("href") == Some("../claims/library-figure/index.html"))
    );
    // Without corrections, the page says so.
    let (_dir, out) = built("ui-base");
    let log = page(&out.join("corrections/index.html"));
    assert_eq!(log.select(&sel(".correction-log")).count(), 0);
    assert!(log.select(&sel("p")).any(|p| text(p).contains("No corrections")));
}

#[test]
fn claim_pages_show_their_entry_and_link_to_it_in_git() {
    let (_dir, out) = built("council");
    let doc = page(&out.join("claims/vote-8-1/index.html"));
    let recorded = doc.select(&sel(".recorded pre")).next().unwrap();
    let shown = recorded.text().collect::<String>();
    let file = fs::read_to_string(repo().join("tests/fixtures/sites/council/content/claims.toml")).unwrap();
    let start = file.find("[[claim]]\nid = \"vote-8-1\"").unwrap();
    let entry_end = start + file[start..].find("\n\n[[claim]]").unwrap();
    assert_eq!(shown.trim_end(), &file[start..entry_end]);
    // Highlighted, in the short classes that stand for syntect's (see `highlight/classes.rs`).
    let header = recorded.select(&sel("span[class^='hl-t']")).find(|s| text(*s) == "claim");
    assert!(header.is_some(), "TOML is highlighted");
    let first = file[..start].lines().count() + 1;
    let last = file[..entry_end].lines().count();
    let edit = doc.select(&sel(".recorded a")).next().unwrap();
    assert_eq!(
        edit.value().attr("href"),
        Some(format!("https://git.example.org/desk/riverton/blob/HEAD/content/claims.toml#L{first}-L{last}").as_str())
    );
    assert_eq!(text(edit), "Suggest a correction");
    // No repo_url, no edit link; the entry is still shown.
    let (_dir, out) = built("ui-base");
    let doc = page(&out.join("claims/repair-cost/index.html"));
    assert!(doc.select(&sel(".recorded pre")).next().is_some());
    assert!(doc.select(&sel(".recorded a")).next().is_none());
}

#[test]
fn the_sources_page_lists_each_source_once_with_its_claims() {
    let (_dir, out) = built("council");
    let doc = page(&out.join("sources/index.html"));
    let items: Vec<_> = doc.select(&sel(".source-list > li")).collect();
    let urls: Vec<&str> = items
        .iter()
        .map(|li| li.select(&sel(".source-title a")).next().unwrap().value().attr("href").unwrap())
        .collect();
    assert_eq!(urls.len(), 2, "{urls:?}");
    let minutes = items
        .iter()
        .find(|li| {
            li.select(&sel(".source-title a")).next().unwrap().value().attr("href")
                == Some("https://example.org/minutes")
        })
        .unwrap();
    let cited: Vec<_> = minutes.select(&sel(".source-claims + ul a")).filter_map(|a| a.value().attr("href")).collect();
    assert_eq!(cited, vec!["../claims/vote-7-2/index.html", "../claims/vote-8-1/index.html"]);
    assert!(text(*minutes).contains("Riverton Council"));
    assert!(text(*minutes).contains("4 March 2031"));
    // The repo's briefing: every cited URL appears exactly once.
    let (_dir, out) = built("repo");
    let data: Value = serde_json::from_str(&fs::read_to_string(out.join("claims.json")).unwrap()).unwrap();
    let mut cited: Vec<String> = data["claims"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["sources"].as_array().unwrap().iter().map(|s| s["url"].as_str().unwrap().to_string()))
        .collect();
    cited.sort();
    cited.dedup();
    let doc = page(&out.join("sources/index.html"));
    let mut listed: Vec<String> =
        doc.select(&sel(".source-title a")).map(|a| a.value().attr("href").unwrap().to_string()).collect();
    listed.sort();
    assert_eq!(listed, cited);
}

/// Builds `which` with `base_url` set to `base` (the council fixture has its own).
fn built_at(which: &str, base: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, site) = if which == "repo" { repo_site() } else { fixture(which) };
    let out = dir.path().join("out");
    let o = run(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap(), "--base-url", base]);
    let (code, _, err) = outcome(&o);
    assert_eq!(code, 0, "{err}");
    (dir, out)
}

/// Every claim page's JSON-LD, held to schema.org's types and Google's required fields
/// (`tests/fixtures/structured-data/claim-review.schema.json`), and to what the site says:
/// an appearance for every article that makes the claim, dated ones first and by date, the
/// finding as the rating's explanation, the site's language.
#[test]
fn claim_reviews_hold_to_schema_org_and_google_with_no_gaps() {
    let path = repo().join("tests/fixtures/structured-data/claim-review.schema.json");
    let schema: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    for which in ["repo", "council", "ui-base"] {
        let (_dir, out) = built_at(which, "https://example.org/checks/");
        let data: Value = serde_json::from_str(&fs::read_to_string(out.join("claims.json")).unwrap()).unwrap();
        let articles: BTreeMap<&str, &Value> =
            data["articles"].as_array().unwrap().iter().map(|a| (a["slug"].as_str().unwrap(), a)).collect();
        for claim in data["claims"].as_array().unwrap() {
            let id = claim["id"].as_str().unwrap();
            let v = jsonld(&out, &format!("claims/{id}/index.html"));
            let errors: Vec<String> =
                validator.iter_errors(&v).map(|e| format!("{e} at {}", e.instance_path())).collect();
            assert!(errors.is_empty(), "{which} {id}: {errors:#?}");
            assert_eq!(v["url"], format!("https://example.org/checks/claims/{id}/"));
            let doc = page(&out.join(format!("claims/{id}/index.html")));
            let lang = doc.select(&sel("html")).next().unwrap().value().attr("lang").unwrap().to_string();
            assert_eq!(v["inLanguage"], lang.as_str(), "{which} {id}");
            assert_eq!(v["reviewRating"]["ratingExplanation"], claim["finding"]);
            // One appearance per article quoted, each with what is known of it.
            let mut quoted: Vec<&str> = Vec::new();
            for q in claim["appearances"].as_array().unwrap() {
                let slug = q["article"].as_str().unwrap();
                if !quoted.contains(&slug) {
                    quoted.push(slug);
                }
            }
            let item = &v["itemReviewed"];
            let shown = item["appearance"].as_array().map_or(0, Vec::len);
            assert_eq!(shown, quoted.len(), "{which} {id}: an appearance for every article");
            let dates: Vec<Option<&str>> =
                item["appearance"].as_array().into_iter().flatten().map(|a| a["datePublished"].as_str()).collect();
            let mut sorted = dates.clone();
            sorted.sort_by_key(|d| (d.is_none(), *d));
            assert_eq!(dates, sorted, "{which} {id}: dated first, by date");
            if shown > 0 {
                assert_eq!(item["firstAppearance"], item["appearance"][0]);
            }
            for a in item["appearance"].as_array().into_iter().flatten() {
                let article = quoted.iter().map(|s| articles[s]).find(|x| x["title"] == a["headline"]).unwrap();
                assert_eq!(a["url"].as_str(), article["url"].as_str(), "{which} {id}");
                assert_eq!(a["publisher"]["name"].as_str(), article["outlet"].as_str(), "{which} {id}");
                assert_eq!(a["datePublished"].as_str(), article["published"].as_str(), "{which} {id}");
            }
        }
    }
}

/// The claim's author is the `claimant` when the editor names one; otherwise the outlet of
/// the earliest-published article that makes it.
#[test]
fn the_claimant_is_named_or_the_first_outlet_to_publish() {
    let (dir, site) = fixture("council");
    let claims = site.join("content/claims.toml");
    let text = fs::read_to_string(&claims).unwrap();
    let first = text.find("[[claim]]").unwrap();
    let second = first + 1 + text[first + 1..].find("[[claim]]").unwrap();
    let (a, b) = text.split_at(second);
    let a = a.replacen("\nverdict", "\nclaimant = \"Mayor Jo Smith\"\nverdict", 1);
    let b = b.replacen("\nverdict", "\nclaimant = \"Riverton Council\"\nclaimant_type = \"organization\"\nverdict", 1);
    fs::write(&claims, format!("{a}{b}")).unwrap();
    let out = dir.path().join("out");
    build(&site, &out);
    let data: Value = serde_json::from_str(&fs::read_to_string(out.join("claims.json")).unwrap()).unwrap();
    let ids: Vec<&str> = data["claims"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    let author = |id: &str| jsonld(&out, &format!("claims/{id}/index.html"))["itemReviewed"]["author"].clone();
    assert_eq!(author(ids[0]), serde_json::json!({"@type": "Person", "name": "Mayor Jo Smith"}));
    assert_eq!(author(ids[1]), serde_json::json!({"@type": "Organization", "name": "Riverton Council"}));

    // Without a claimant: the outlet of the article published first, wherever it is quoted.
    let (dir, site) = fixture("council");
    let radio = site.join("content/articles/radio.txt");
    let text = fs::read_to_string(&radio).unwrap();
    let text = text.replacen("+++\n", "+++\noutlet = \"Riverton Radio\"\npublished = 2031-03-01\n", 1);
    fs::write(&radio, text).unwrap();
    let out = dir.path().join("out");
    build(&site, &out);
    for c in data["claims"].as_array().unwrap() {
        let slugs: Vec<&str> =
            c["appearances"].as_array().unwrap().iter().map(|q| q["article"].as_str().unwrap()).collect();
        let id = c["id"].as_str().unwrap();
        let v = jsonld(&out, &format!("claims/{id}/index.html"));
        let want = if slugs.contains(&"radio") { "Riverton Radio" } else { "Riverton Gazette" };
        assert_eq!(v["itemReviewed"]["author"]["name"], want, "{id}");
    }
}

/// The entries' ids and links of `site`'s feed, built into `out`, with the feed's
/// `xml:base`.
fn feed_of(site: &Path, out: &Path) -> (Option<String>, Vec<(String, String)>) {
    build(site, out);
    let xml = fs::read_to_string(out.join("feed.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let base = doc.root_element().attribute(("http://www.w3.org/XML/1998/namespace", "base")).map(str::to_string);
    let entries = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("entry"))
        .map(|e| {
            let id = e.children().find(|c| c.has_tag_name("id")).unwrap().text().unwrap().to_string();
            let link = e.children().find(|c| c.has_tag_name("link")).unwrap().attribute("href").unwrap().to_string();
            (id, link)
        })
        .collect();
    (base, entries)
}

/// Atom entry ids are permanent: a new title for the site changes none of them. Links
/// name the canonical `…/` address, relative to the feed's `xml:base` when the site's
/// address is known.
#[test]
fn feed_ids_survive_a_new_title_and_links_are_canonical() {
    for which in ["council", "ui-base"] {
        let (dir, site) = fixture(which);
        let (base, before) = feed_of(&site, &dir.path().join("a"));
        let config = site.join("briefing.toml");
        let text = fs::read_to_string(&config).unwrap();
        let first = text.lines().next().unwrap();
        fs::write(&config, text.replacen(first, "title = \"A new title\"", 1)).unwrap();
        let (_, after) = feed_of(&site, &dir.path().join("b"));
        assert_eq!(before, after, "{which}: the entries' ids and links");
        assert!(!before.is_empty());
        for (id, link) in &before {
            assert!(link.starts_with("claims/") && link.ends_with('/'), "{which}: {link}");
            assert!(!id.contains("title"), "{which}: {id}");
        }
        match which {
            "council" => {
                assert_eq!(base.as_deref(), Some("https://example.org/riverton/"));
                assert!(before.iter().all(|(id, link)| *id == format!("https://example.org/riverton/{link}")));
            }
            _ => {
                assert_eq!(base, None, "no address, no base: links resolve against the feed's own");
                assert!(before.iter().all(|(id, _)| id.starts_with("urn:briefing:claim:")));
            }
        }
    }
}

/// The size of a PNG, from its header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    (u32::from_be_bytes(bytes[16..20].try_into().unwrap()), u32::from_be_bytes(bytes[20..24].try_into().unwrap()))
}

/// With `base_url`, every claim page names its own share card, every other page the
/// briefing's, each a 1200×630 PNG that exists; a second fresh build makes the same bytes.
/// Without `base_url` (og:image must be absolute), or with `share_cards = false`, none.
#[test]
fn share_cards_for_every_claim_and_the_briefing() {
    let (_dir, out) = built("council");
    let files = tree(&out);
    let base = "https://example.org/riverton/";
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html") && *p != "404.html") {
        let doc = scraper::Html::parse_document(std::str::from_utf8(bytes).unwrap());
        let meta =
            |sel_: &str| doc.select(&sel(sel_)).next().and_then(|m| m.value().attr("content")).map(str::to_string);
        let image = meta("meta[property='og:image']").unwrap_or_else(|| panic!("{path}: no og:image"));
        let own = path.strip_suffix("index.html").filter(|d| d.starts_with("claims/")).unwrap_or("");
        assert_eq!(image, format!("{base}{own}card.png"), "{path}");
        assert_eq!(meta("meta[name='twitter:card']").as_deref(), Some("summary_large_image"), "{path}");
        assert_eq!(meta("meta[property='og:image:width']").as_deref(), Some("1200"));
        let card = &files[image.strip_prefix(base).unwrap()];
        assert_eq!(png_size(card), (1200, 630), "{path}");
    }
    let cards = files.keys().filter(|p| p.ends_with("card.png")).count();
    assert_eq!(cards, claim_pages(&out).len() + 1);
    let (_dir, again) = built("council");
    for (path, bytes) in tree(&again).iter().filter(|(p, _)| p.ends_with(".png")) {
        assert!(files[path] == *bytes, "{path}: the same card twice");
    }

    let (_dir, out) = built("ui-base");
    assert!(!tree(&out).keys().any(|p| p.ends_with(".png")));
    assert!(page(&out.join("index.html")).select(&sel("meta[property='og:image']")).next().is_none());
    let (dir, site) = fixture("council");
    let config = site.join("briefing.toml");
    let text = fs::read_to_string(&config).unwrap().replacen("\n[publisher]", "share_cards = false\n\n[publisher]", 1);
    fs::write(&config, text).unwrap();
    build(&site, &dir.path().join("out"));
    assert!(!tree(&dir.path().join("out")).keys().any(|p| p.ends_with(".png")));
}

/// Cards are kept like pages: a rebuild draws only the cards whose words changed, and
/// links the others from the previous output.
#[test]
fn a_rebuild_draws_only_the_cards_that_changed() {
    use std::os::unix::fs::MetadataExt;
    let (dir, site) = fixture("council");
    let out = dir.path().join("out");
    build(&site, &out);
    let inode = |p: &str| fs::metadata(out.join(p)).unwrap().ino();
    let before: Vec<(String, u64, Vec<u8>)> = claim_pages(&out)
        .iter()
        .map(|p| p.replace("index.html", "card.png"))
        .map(|p| (p.clone(), inode(&p), fs::read(out.join(&p)).unwrap()))
        .collect();
    let claims = site.join("content/claims.toml");
    let text = fs::read_to_string(&claims).unwrap();
    let first = text.lines().find(|l| l.starts_with("claim = ")).unwrap().to_string();
    fs::write(&claims, text.replacen(&first, &first.replace("claim = \"", "claim = \"Reworded: "), 1)).unwrap();
    build(&site, &out);
    let mut changed = 0;
    for (path, ino, bytes) in &before {
        let now = fs::read(out.join(path)).unwrap();
        if now == *bytes {
            assert_eq!(inode(path), *ino, "{path}: kept, not drawn again");
        } else {
            changed += 1;
        }
    }
    assert_eq!(changed, 1, "only the reworded claim's card");
}
