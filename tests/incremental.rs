//! `serve`'s incremental rebuilds give exactly what a full build gives.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use briefing::load::Cache;
use briefing::pipeline::{self, Options};
use briefing::render::{Memo, Page};

fn pages(made: Option<pipeline::Made>) -> Vec<Page> {
    made.expect("the site builds").rendered.pages
}

#[test]
fn a_rebuild_with_kept_work_equals_a_fresh_build() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    corpus::write_site(&site, corpus::Spec { articles: 40, claims: 80, seed: 9 }).unwrap();
    let opts =
        Options { root: site.clone(), output: None, base_url: None, dry_run: true, check_links: false, suggest: false };
    let mut cache = Cache::keeping();
    let memo = Memo::new();
    let first = pages(pipeline::make_with(&opts, &mut cache, Some(&memo)).1);
    for n in 1..=3 {
        corpus::edit_one_claim(&site, n).unwrap();
        let kept = pages(pipeline::make_with(&opts, &mut cache, Some(&memo)).1);
        let fresh = pages(pipeline::make(&opts, &mut Cache::default()).1);
        assert_eq!(kept, fresh, "edit {n}");
        let changed = kept.iter().zip(&first).filter(|(a, b)| a != b).count();
        assert!(changed > 0 && changed < kept.len() / 4, "edit {n} changed {changed} of {} files", kept.len());
    }
    // A template edit changes every page that uses it, memo or not.
    std::fs::create_dir_all(site.join("templates")).unwrap();
    let base = include_str!("../themes/default/templates/base.html")
        .replace("<main id=\"main\">", "<main id=\"main\" class=\"edited\">");
    std::fs::write(site.join("templates/base.html"), base).unwrap();
    let kept = pages(pipeline::make_with(&opts, &mut cache, Some(&memo)).1);
    let fresh = pages(pipeline::make(&opts, &mut Cache::default()).1);
    assert_eq!(kept, fresh);
    assert!(
        kept.iter()
            .filter(|p| p.path.ends_with(".html"))
            .all(|p| String::from_utf8_lossy(&p.bytes).contains("class=\"edited\""))
    );
}
