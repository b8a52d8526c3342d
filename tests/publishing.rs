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
                assert_eq!(url, format!("claims/{id}/"));
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
    assert!(
        fs::read_to_string(out.join("robots.txt"))
            .unwrap()
            .contains("Sitemap: https://example.org/riverton/sitemap.xml")
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
    assert!(recorded.select(&sel("span[class*='hl-entity']")).next().is_some(), "TOML is highlighted");
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
