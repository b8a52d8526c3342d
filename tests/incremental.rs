//! `serve`'s incremental rebuilds give exactly what a full build gives.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use briefing::commands::serve::pages::{Files, Next};
use briefing::model::page::Page;
use briefing::pipeline::{self, Memory, Options};

fn pages(made: Option<pipeline::Made>) -> Vec<Page> {
    made.expect("the site builds").pages
}

/// `serve`'s way: a rebuild into memory with what the last one kept, its pages by path.
fn served(opts: &Options, memory: &mut Memory, last: &Files) -> (Files, Vec<Page>) {
    let next = Next::after(last);
    assert!(pipeline::make_in(opts, memory, &next).1.is_some(), "the site builds");
    let files = next.files();
    let mut pages: Vec<Page> =
        files.iter().map(|(p, f)| Page { path: p.clone(), bytes: f.bytes.joined().into_owned() }).collect();
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    (files, pages)
}

#[test]
fn a_rebuild_with_kept_work_equals_a_fresh_build() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    corpus::write_site(&site, corpus::Spec { articles: 40, claims: 80, seed: 9 }).unwrap();
    let opts = Options { root: site.clone(), dry_run: true, ..Default::default() };
    let mut memory = Memory::new();
    let (mut last, first) = served(&opts, &mut memory, &Files::default());
    for n in 1..=3 {
        corpus::edit_one_claim(&site, n).unwrap();
        let (files, kept) = served(&opts, &mut memory, &last);
        last = files;
        let fresh = pages(pipeline::make(&opts).1);
        assert_eq!(kept, fresh, "edit {n}");
        let changed = kept.iter().zip(&first).filter(|(a, b)| a != b).count();
        assert!(changed > 0 && changed < kept.len() / 4, "edit {n} changed {changed} of {} files", kept.len());
    }
    // A template edit changes every page that uses it.
    std::fs::create_dir_all(site.join("templates")).unwrap();
    let base = include_str!("../themes/default/templates/base.html")
        .replace("<main id=\"main\">", "<main id=\"main\" class=\"edited\">");
    std::fs::write(site.join("templates/base.html"), base).unwrap();
    let (_, kept) = served(&opts, &mut memory, &last);
    let fresh = pages(pipeline::make(&opts).1);
    assert_eq!(kept, fresh);
    assert!(
        kept.iter()
            .filter(|p| p.path.ends_with(".html"))
            .all(|p| String::from_utf8_lossy(&p.bytes).contains("class=\"edited\""))
    );
}

/// A sink that says every page is in place already, as a build record does for a site
/// whose inputs did not change; all but `claims.json`, which the test wants to see made.
struct AllInPlace(std::sync::Mutex<Vec<u8>>);

impl briefing::stages::render::Sink for AllInPlace {
    fn put(&self, page: Page, _: Option<u64>) -> Result<(), briefing::model::diag::Diagnostic> {
        assert!(
            page.path.ends_with(".xml") || page.path.ends_with(".css") || page.path.ends_with(".svg"),
            "{}",
            page.path
        );
        Ok(())
    }

    fn reuse(&self, path: &str, _: u64) -> Result<bool, briefing::model::diag::Diagnostic> {
        Ok(path != "claims.json")
    }

    fn put_spliced(
        &self,
        path: &str,
        _: Option<u64>,
        runs: &dyn briefing::model::page::Runs,
    ) -> Result<(), briefing::model::diag::Diagnostic> {
        assert_eq!(path, "claims.json");
        *self.0.lock().unwrap() = briefing::model::page::concat(runs).expect("every entry made");
        Ok(())
    }
}

#[test]
fn a_fresh_load_parses_each_body_and_lets_its_text_go() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    corpus::write_site(&site, corpus::Spec { articles: 12, claims: 20, seed: 5 }).unwrap();
    let h = std::sync::Arc::new(briefing::model::highlight::Highlighter::new());
    let mut cache = briefing::stages::load::Cache { parse_now: true, ..Default::default() };
    let loaded = briefing::stages::load::load_cached(&site, &h, &mut cache).0.expect("the site loads");
    assert!(loaded.articles.iter().all(|a| a.is_parsed() && !a.is_read()), "each body parsed, each text let go");
    // What points into an article reads its text again, as it was.
    for a in &loaded.articles {
        assert_eq!(a.file().text.as_str(), std::fs::read_to_string(site.join(&a.name)).unwrap());
    }
    assert!(loaded.late.take().is_empty());
}

#[test]
fn a_rebuild_with_kept_marks_and_entries_parses_no_article() {
    use briefing::stages::anchor::{self, Known};
    use briefing::stages::render::parts::KeptItems;
    use std::sync::Arc;

    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    corpus::write_site(&site, corpus::Spec { articles: 30, claims: 60, seed: 4 }).unwrap();
    let h = Arc::new(briefing::model::highlight::Highlighter::new());
    let load = || briefing::stages::load::load(&site, &h).0.expect("the site loads");

    // The first build scans and renders every article.
    let first = load();
    assert!(first.articles.iter().all(|a| !a.is_parsed()), "loading reads front matter only");
    let (marks, diags, keep) =
        anchor::anchor_known(&first.articles, &first.claims, &first.claims_file, Some(&Known::default()));
    assert!(diags.is_empty(), "{diags:?}");
    let known = Known(keep.iter().map(|&(key, i)| (key, marks[i].clone())).collect());
    let store = KeptItems::new();
    let sink = AllInPlace(Default::default());
    briefing::stages::render::render_to(&first, &marks, &[], &h, Some(&store), &sink).expect("renders");
    let want = briefing::stages::render::export::claims_json(&first, &marks);
    assert_eq!(String::from_utf8(sink.0.into_inner().unwrap()).unwrap(), want);
    store.save();

    // A rebuild of the same site takes the marks and the entries it kept.
    let again = load();
    let (marks2, diags, _) = anchor::anchor_known(&again.articles, &again.claims, &again.claims_file, Some(&known));
    assert!(diags.is_empty());
    assert_eq!(marks2, marks);
    let sink = AllInPlace(Default::default());
    briefing::stages::render::render_to(&again, &marks2, &[], &h, Some(&store), &sink).expect("renders");
    assert_eq!(String::from_utf8(sink.0.into_inner().unwrap()).unwrap(), want, "claims.json from kept entries");
    let parsed: Vec<&str> = again.articles.iter().filter(|a| a.is_parsed()).map(|a| a.slug.as_str()).collect();
    assert!(parsed.is_empty(), "parsed again: {parsed:?}");

    // One article edited: that one alone is parsed.
    let victim = &again.articles[3];
    let path = site.join(&victim.name);
    std::fs::write(&path, format!("{}\nOne more paragraph.\n", victim.file().text)).unwrap();
    let edited = load();
    let (marks3, _, _) = anchor::anchor_known(&edited.articles, &edited.claims, &edited.claims_file, Some(&known));
    briefing::stages::render::render_to(&edited, &marks3, &[], &h, Some(&store), &AllInPlace(Default::default()))
        .expect("renders");
    let parsed: Vec<&str> = edited.articles.iter().filter(|a| a.is_parsed()).map(|a| a.slug.as_str()).collect();
    assert_eq!(parsed, [edited.articles[3].slug.as_str()]);
}

/// A claim added at the top of the claims file moves every claim below it to another
/// index. The quotes of the others are the same, so their articles' kept marks are taken,
/// with their claims' new indices, and only the new claim's article is searched again.
#[test]
fn a_claim_added_above_the_others_searches_its_article_alone() {
    use briefing::stages::anchor::{self, Known};
    use std::sync::Arc;

    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    corpus::write_site(&site, corpus::Spec { articles: 30, claims: 60, seed: 9 }).unwrap();
    let h = Arc::new(briefing::model::highlight::Highlighter::new());
    let load = || briefing::stages::load::load(&site, &h).0.expect("the site loads");
    let first = load();
    let (marks, diags, keep) =
        anchor::anchor_known(&first.articles, &first.claims, &first.claims_file, Some(&Known::default()));
    assert!(diags.is_empty(), "{diags:?}");
    let known = Known(keep.iter().map(|&(key, i)| (key, marks[i].clone())).collect());

    // The new claim is the first one's twin: the same passage, under another id.
    let path = site.join("content/claims.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("[[claim]]").unwrap();
    let end = start + 1 + text[start + 1..].find("[[claim]]").unwrap();
    let twin = text[start..end].replacen("id = \"", "id = \"added-", 1);
    std::fs::write(&path, format!("{}{twin}{}", &text[..start], &text[start..])).unwrap();
    let quoted = first.claims.claims[0].appearances[0].article.clone();

    let edited = load();
    let (marks2, diags, _) = anchor::anchor_known(&edited.articles, &edited.claims, &edited.claims_file, Some(&known));
    assert!(diags.is_empty(), "{diags:?}");
    let parsed: Vec<&str> = edited.articles.iter().filter(|a| a.is_parsed()).map(|a| a.slug.as_str()).collect();
    assert_eq!(parsed, [quoted.as_str()], "searched again");
    let fresh = load();
    let (want, _) = anchor::anchor(&fresh.articles, &fresh.claims, &fresh.claims_file);
    assert_eq!(marks2, want, "the kept marks, with the claims' indices of now");
    assert_ne!(marks2, marks, "every claim moved down one");
}

/// What the first build keeps is what the second one needs: the marks of every quoted
/// article, and (in memory) the large pages' items and the parsed articles. A first build
/// that kept nothing would still give the right site, a build later, so only this shows it.
#[test]
fn the_first_build_keeps_what_the_next_one_reuses() {
    use briefing::stages::anchor::Known;
    use briefing::stages::load::Articles;
    use briefing::stages::render::parts::KeptItems;
    use briefing::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    corpus::write_site(&site, corpus::Spec { articles: 30, claims: 60, seed: 3 }).unwrap();
    let quoted = 30 - 1; // the corpus leaves one article unquoted in thirty
    let opts = Options { root: site.clone(), ..Default::default() };
    assert_eq!(pipeline::build(&opts).exit_code(), 0);
    let known: Known = Store::of_site(&site).take().expect("the marks are kept on disk");
    assert!(known.0.len() >= quoted / 2, "{} articles' marks kept", known.0.len());

    let opts = Options { root: site.clone(), dry_run: true, ..Default::default() };
    let mut memory = Memory::new();
    let (_, _) = served(&opts, &mut memory, &Files::default());
    let store = memory.store();
    let known: Known = store.take().expect("the marks are kept in memory");
    assert!(known.0.len() >= quoted / 2, "{} articles' marks kept", known.0.len());
    assert!(store.take::<KeptItems>().is_some(), "the large pages' items are kept in memory");
    assert_eq!(store.take::<Articles>().map(|a| a.by_path.len()), Some(30), "the parsed articles are kept");
}
