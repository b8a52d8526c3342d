//! Crash safety: a build killed (SIGKILL) at any moment leaves the output either the
//! complete old site or the complete new one, and the next build repairs everything.

mod common;
#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Instant;

use common::*;

#[test]
fn a_killed_build_leaves_the_old_site_or_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    corpus::write_site(&site, corpus::Spec { articles: 60, claims: 120, seed: 3 }).unwrap();
    let out = dir.path().join("out");
    // Edits go back and forth between two sites: both are held against the site as first
    // published, where each has corrections enough.
    let first = dir.path().join("first");
    build(&site, &first);
    let record = first.join("claims.json");
    let args = ["build", "-q", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()];
    let args = [&args[..], &["--published", record.to_str().unwrap()]].concat();
    let briefing = || Command::new(env!("CARGO_BIN_EXE_briefing")).args(&args).spawn().unwrap();

    // The new site (edit 1), built elsewhere for reference.
    corpus::edit_one_claim(&site, 1).unwrap();
    let reference = dir.path().join("reference");
    build(&site, &reference);
    let new = tree(&reference);

    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    let rounds = 12;
    let mut full = None;
    for i in 0..rounds {
        // Start each round from the old site (edit 0), fully built.
        corpus::edit_one_claim(&site, 0).unwrap();
        let start = Instant::now();
        assert!(briefing().wait().unwrap().success());
        let took = *full.get_or_insert(start.elapsed());
        let old = tree(&out);
        assert_ne!(old, new);

        // Build the new site, and kill it somewhere between its start and a little past
        // its end.
        corpus::edit_one_claim(&site, 1).unwrap();
        let delay = took.mul_f64(i as f64 / (rounds - 3) as f64);
        let mut child = briefing();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let now = tree(&out);
        let which = if now == old {
            "old"
        } else if now == new {
            "new"
        } else {
            let diff: Vec<_> = now.keys().filter(|k| old.get(*k) != now.get(*k)).take(5).collect();
            panic!("round {i}, killed after {delay:?}: the output is neither the old site nor the new one ({diff:?})");
        };
        *outcomes.entry(which).or_default() += 1;
    }
    // Kills early in the build leave the old site; late ones find the new one complete.
    assert!(outcomes.get("old").is_some_and(|&n| n > 0), "{outcomes:?}");
    assert!(outcomes.get("new").is_some_and(|&n| n > 0), "{outcomes:?}");
    // Whatever the kills left in the twin, the next build gives exactly the new site.
    assert!(briefing().wait().unwrap().success());
    assert_eq!(tree(&out), new);
}
