//! Per-stage benchmarks on a generated briefing (500 articles, 1,000 claims, about 2,000
//! appearances): `cargo bench`. Method and results: `docs/performance.md`.

#[path = "support/corpus.rs"]
mod corpus;

use std::path::PathBuf;
use std::sync::OnceLock;

use briefing::model::highlight::Highlighter;
use briefing::pipeline::{self, Options};
use briefing::stages::load::{self, Site};
use briefing::stages::{anchor, render, validate};
use briefing::write;
use divan::Bencher;

const SPEC: corpus::Spec = corpus::Spec { articles: 500, claims: 1000, seed: 7 };

fn main() {
    divan::main();
}

/// The generated site, made once per benchmark run.
fn site_dir() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = dir.path().join("site");
        corpus::write_site(&site, SPEC).expect("corpus");
        (dir, site)
    })
    .1
}

fn loaded() -> Site {
    let (site, _) = load::load(site_dir(), &Default::default());
    site.expect("the generated site loads")
}

#[divan::bench(sample_count = 10)]
fn stage_1_load() -> Option<Site> {
    load::load(site_dir(), &Default::default()).0
}

#[divan::bench(sample_count = 20)]
fn stage_2_validate(b: Bencher) {
    let site = loaded();
    b.bench(|| validate::validate(&site));
}

#[divan::bench(sample_count = 20)]
fn stage_3_anchor(b: Bencher) {
    let site = loaded();
    b.bench(|| anchor::anchor(&site.articles, &site.claims, &site.claims_file));
}

#[divan::bench(sample_count = 10)]
fn stage_4_render(b: Bencher) {
    let site = loaded();
    let (marks, _) = anchor::anchor(&site.articles, &site.claims, &site.claims_file);
    let h = Highlighter::new();
    b.bench(|| render::render(&site, &marks, &[], &h).map(|r| r.0.len()).unwrap_or(0));
}

#[divan::bench(sample_count = 10)]
fn stage_5_write_unchanged(b: Bencher) {
    let site = loaded();
    let (marks, _) = anchor::anchor(&site.articles, &site.claims, &site.claims_file);
    let pages = render::render(&site, &marks, &[], &Highlighter::new()).expect("render").0;
    let out = tempfile::tempdir().expect("temp dir");
    let output = out.path().join("output");
    let store = briefing::store::Store::at(out.path().join("cache"));
    write::write(&output, &store, &pages).expect("first write");
    b.bench(|| write::write(&output, &store, &pages).expect("write"));
}

/// What `serve` does after an edit of one claim: rebuild with what it keeps in memory (the
/// parsed sources, the marks, the large pages' items), sharing unchanged pages with the
/// last version.
#[divan::bench(sample_count = 10)]
fn serve_rebuild_after_one_claim_edit(b: Bencher) {
    use briefing::commands::serve::pages::{Files, Next};
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    corpus::write_site(&site, SPEC).expect("corpus");
    let opts = Options {
        root: site.clone(),
        output: None,
        base_url: None,
        dry_run: true,
        check_links: false,
        suggest: false,
        ..Default::default()
    };
    let mut memory = pipeline::Memory::new();
    let none = Files::default();
    let first = Next::after(&none);
    let _ = pipeline::make_in(&opts, &mut memory, &first);
    let mut last = first.files();
    let mut n = 0;
    b.bench_local(|| {
        n += 1;
        corpus::edit_one_claim(&site, n).expect("edit");
        let next = Next::after(&last);
        let made = pipeline::make_in(&opts, &mut memory, &next).1.map(|m| m.counts.files);
        last = next.files();
        made
    });
}
