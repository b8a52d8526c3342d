//! The site's cache folder (`.briefing/`, or `--cache-dir`): what a build keeps for the
//! next lives there and nowhere else, one build at a time holds it, and an output that
//! cannot trade places with its staged copy is written in place. Run as users run it: the
//! binary, from the site's folder or with `--root`.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use briefing::store::{Store, Table};
use common::{outcome, repo_site, run, run_in, tree};

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    names.sort();
    names
}

/// A fresh build of `site` into a folder of its own, with a cache folder of its own.
fn fresh(site: &Path, scratch: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let (out, cache) = (scratch.join("output"), scratch.join("cache"));
    let o = run(&["build", "--root", s(site), "--output", s(&out), "--cache-dir", s(&cache)]);
    assert_eq!(outcome(&o).0, 0, "{}", outcome(&o).2);
    tree(&out)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_default_build_keeps_its_cache_in_the_site_and_nothing_beside_the_output() {
    let (dir, site) = repo_site();
    let (code, _, err) = outcome(&run_in(&site, &["build"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(names(&site), [".briefing", "briefing.toml", "content", "output", "themes"]);
    let store = Store::of_site(&site);
    // `links` is written by `check --external` only (tests/external.rs).
    for table in Table::ALL.into_iter().filter(|t| *t != Table::Links) {
        // Read by path: a table is trusted only by the program that wrote it.
        assert!(store.path(table).is_file(), "{} is kept", table.name());
    }
    assert_eq!(outcome(&run_in(&site, &["build"])).0, 0);
    assert!(store.twin().is_dir(), "the staging twin (the previous site) is in the cache folder");
    assert_eq!(names(&site), [".briefing", "briefing.toml", "content", "output", "themes"]);

    // An output elsewhere: its parent folder gets the output and nothing else.
    let www = dir.path().join("www");
    fs::create_dir_all(&www).unwrap();
    for _ in 0..2 {
        let (code, _, err) = outcome(&run_in(&site, &["build", "--output", s(&www.join("site"))]));
        assert_eq!(code, 0, "{err}");
        assert_eq!(names(&www), ["site"]);
    }
    assert_eq!(tree(&www.join("site")), fresh(&site, &dir.path().join("f")));
}

#[test]
fn a_cache_dir_elsewhere_holds_everything_and_the_site_gets_nothing() {
    let (dir, site) = repo_site();
    let cache = dir.path().join("caches/briefing");
    let (code, _, err) = outcome(&run_in(&site, &["build", "--cache-dir", s(&cache)]));
    assert_eq!(code, 0, "{err}");
    assert!(!site.join(".briefing").exists());
    assert!(Store::at(&cache).path(Table::Record).is_file());
    let o = run_in(&site, &["build", "--cache-dir", s(&cache)]);
    assert_eq!(outcome(&o).0, 0);
    assert_eq!(tree(&site.join("output")), fresh(&site, &dir.path().join("f")));
}

#[test]
fn a_cache_dir_the_swap_would_carry_away_or_that_holds_sources_is_refused() {
    let (_dir, site) = repo_site();
    for bad in ["output", "output/cache", ".", "content/cache"] {
        let (code, _, err) = outcome(&run_in(&site, &["build", "--cache-dir", bad]));
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains(&format!("error[usage]: refusing {bad} as the cache folder")), "{bad}: {err}");
        assert!(!site.join("output").exists(), "{bad}: nothing written");
    }
}

#[test]
fn what_earlier_versions_kept_beside_the_output_is_removed() {
    let (dir, site) = repo_site();
    fs::create_dir_all(site.join(".output.twin/claims")).unwrap();
    fs::write(site.join(".output.twin/index.html"), "old").unwrap();
    fs::write(site.join(".output.record"), "briefing-record 1 0.1.0 1 2\n").unwrap();
    fs::write(site.join(".output.keep"), "not ours").unwrap();
    let (code, _, err) = outcome(&run_in(&site, &["build"]));
    assert_eq!(code, 0, "{err}");
    assert!(!site.join(".output.twin").exists() && !site.join(".output.record").exists());
    assert!(site.join(".output.keep").exists(), "only the names briefing used are removed");
    assert_eq!(tree(&site.join("output")), fresh(&site, &dir.path().join("f")));
}

#[test]
fn a_second_build_waits_for_the_first_or_fails_at_once_with_no_wait() {
    let (dir, site) = repo_site();
    let held = Store::of_site(&site).lock(false, || panic!("nothing else holds it")).unwrap();

    let (code, out, err) = outcome(&run_in(&site, &["build", "--no-wait"]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("error[io-busy]: another briefing build is using ./.briefing"), "{err}");
    assert!(err.contains("run without `--no-wait` to wait for it"), "{err}");
    assert!(!site.join("output").exists(), "nothing written");

    let waiting = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .arg("build")
        .current_dir(&site)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(!site.join("output").exists(), "the second build waits for the lock");
    drop(held);
    let o = waiting.wait_with_output().unwrap();
    let (code, _, err) = outcome(&o);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("Waiting for the lock on ./.briefing").count(), 1, "said once: {err}");
    assert_eq!(tree(&site.join("output")), fresh(&site, &dir.path().join("f")));
}

#[test]
fn builds_started_together_leave_the_site_a_fresh_build_gives() {
    let (dir, site) = repo_site();
    assert_eq!(outcome(&run_in(&site, &["build"])).0, 0);
    let claims = site.join("content/claims.toml");
    common::change_verdict(&claims, "false", "misleading");
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(["build", "-q"])
            .current_dir(&site)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let runs: Vec<_> = (0..4).map(|_| spawn()).collect();
    for run in runs {
        let o = run.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(tree(&site.join("output")), fresh(&site, &dir.path().join("f")));
}

/// The device of the file system `path` is on.
#[cfg(unix)]
fn device(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::dev(&fs::metadata(path).unwrap())
}

#[cfg(target_os = "linux")]
#[test]
fn an_output_on_another_file_system_is_written_in_place_and_said_so_once() {
    // /dev/shm is a tmpfs on every Linux: a file system of its own.
    let cache = tempfile::tempdir_in("/dev/shm").expect("a folder in /dev/shm");
    let (dir, site) = repo_site();
    assert_ne!(device(cache.path()), device(dir.path()), "two file systems");
    let out = dir.path().join("public");
    let args = ["build", "--output", s(&out), "--cache-dir", s(cache.path())];
    let (code, _, err) = outcome(&run_in(&site, &args));
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("note:").count(), 1, "{err}");
    assert!(err.contains("was written in place, one file at a time"), "{err}");
    assert_eq!(names(dir.path()), ["public", "site"], "nothing beside the output");
    assert_eq!(tree(&out), fresh(&site, &dir.path().join("f")));

    // An edit, a stray file and a hand-edited page: the next build repairs them all.
    let claims = site.join("content/claims.toml");
    common::change_verdict(&claims, "false", "misleading");
    fs::write(out.join("stray.html"), "x").unwrap();
    fs::write(out.join("sources/index.html"), "edited by hand").unwrap();
    let (code, _, err) = outcome(&run_in(&site, &args));
    assert_eq!(code, 0, "{err}");
    let fresh_now = fresh(&site, &dir.path().join("g"));
    assert_eq!(tree(&out), fresh_now);
    let (code, _, _) = outcome(&run_in(&site, &args));
    assert_eq!(code, 0);
    assert_eq!(tree(&out), fresh_now, "an unchanged rebuild");
    let leftovers: Vec<_> = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
