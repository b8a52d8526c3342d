//! Golden pages: the fixture briefing `council` must build to exactly the files under
//! `tests/golden/council/`. After a deliberate change to the theme or renderer, run
//! `BLESS=1 cargo test --test golden` and review the diff of `tests/golden/`.
//! (The repo's own briefing has its golden copy in `output/`, checked by `tests/build.rs`.)

mod common;

use std::fs;

use common::*;

#[test]
fn council_pages_match_the_golden_files() {
    let (dir, site) = fixture("council");
    let out = dir.path().join("out");
    build(&site, &out);
    let golden_dir = repo().join("tests/golden/council");
    let actual = tree(&out);
    if std::env::var_os("BLESS").is_some() {
        let _ = fs::remove_dir_all(&golden_dir);
        copy_dir(&out, &golden_dir);
        return;
    }
    let golden = tree(&golden_dir);
    assert_eq!(golden.keys().collect::<Vec<_>>(), actual.keys().collect::<Vec<_>>(), "the set of files changed");
    for (path, bytes) in &actual {
        if golden[path] != *bytes {
            let (g, a) = (String::from_utf8_lossy(&golden[path]), String::from_utf8_lossy(bytes));
            let line = g.lines().zip(a.lines()).position(|(x, y)| x != y).unwrap_or(0);
            panic!(
                "{path} differs from its golden file at line {}:\n golden: {}\n actual: {}",
                line + 1,
                g.lines().nth(line).unwrap_or(""),
                a.lines().nth(line).unwrap_or("")
            );
        }
    }
}
