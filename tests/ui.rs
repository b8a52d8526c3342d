//! Error messages, as the editor sees them: every case under `tests/ui/` is the base site
//! `tests/fixtures/sites/ui-base` with the case's files laid over it, and `expected.txt`
//! holds the exact exit code and stderr of `briefing build` (or of the command in the
//! case's `args.txt`, such as `check`). A case also checks that a failed build left the
//! previous output untouched.
//!
//! To accept new output after a deliberate change: `BLESS=1 cargo test --test ui`, then
//! read the diff of `tests/ui/` before committing it.

mod common;

use std::fs;
use std::path::Path;

use common::*;

#[test]
fn ui_cases() {
    let cases_dir = repo().join("tests/ui");
    let mut cases: Vec<_> =
        fs::read_dir(&cases_dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(cases.len() >= 20, "expected the full set of error fixtures");
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let (dir, site) = fixture("ui-base");
        overlay(case, &site);
        let out = dir.path().join("out");
        // A previous site that a failing build must leave alone.
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("index.html"), "previous site").unwrap();
        let args = match fs::read_to_string(case.join("args.txt")) {
            Ok(args) => args.split_whitespace().map(str::to_string).collect(),
            Err(_) => ["build", "--root", "site", "--output", "out"].map(str::to_string).to_vec(),
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run_in(dir.path(), &args);
        let (code, _stdout, stderr) = outcome(&o);
        let actual = format!("exit: {code}\n{stderr}");
        let expected_path = case.join("expected.txt");
        if bless {
            fs::write(&expected_path, &actual).unwrap();
        } else {
            let expected = fs::read_to_string(&expected_path).unwrap_or_default();
            if expected != actual {
                failures.push(format!("--- {name}: expected\n{expected}\n--- {name}: actual\n{actual}"));
            }
        }
        if code != 0 {
            assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "previous site", "{name}: output touched");
            assert_eq!(tree(&out).len(), 1, "{name}: output touched");
        }
    }
    assert!(failures.is_empty(), "{} case(s) differ:\n{}", failures.len(), failures.join("\n"));
}

/// Copies the case's files over the site (all but `expected.txt`); a file named
/// `DELETE` lists site files to remove, and one named `SETUP` makes what Git cannot hold
/// portably: `mkdir PATH` and `link PATH TARGET` (a symbolic link), one a line, after the
/// copy and the removals.
fn overlay(case: &Path, site: &Path) {
    copy_over(case, site);
    let Ok(setup) = fs::read_to_string(case.join("SETUP")) else { return };
    for line in setup.lines().filter(|l| !l.trim().is_empty()) {
        match line.split_whitespace().collect::<Vec<_>>()[..] {
            ["mkdir", path] => fs::create_dir_all(site.join(path)).unwrap(),
            #[cfg(unix)]
            ["link", path, target] => std::os::unix::fs::symlink(target, site.join(path)).unwrap(),
            _ => panic!("{}: bad SETUP line `{line}`", case.display()),
        }
    }
}

fn copy_over(case: &Path, site: &Path) {
    for entry in walkdir::WalkDir::new(case).min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(case).unwrap();
        let skip = ["expected.txt", "args.txt", "SETUP"].iter().any(|f| rel == Path::new(f));
        if skip || entry.file_type().is_dir() {
            continue;
        }
        if rel == Path::new("DELETE") {
            for line in fs::read_to_string(entry.path()).unwrap().lines().filter(|l| !l.is_empty()) {
                let _ = fs::remove_file(site.join(line));
            }
            continue;
        }
        let to = site.join(rel);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(entry.path(), to).unwrap();
    }
}
