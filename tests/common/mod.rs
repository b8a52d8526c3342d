//! Helpers shared by the integration tests: fixture sites in temporary folders, running
//! the binary, reading output trees and parsing pages.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the `briefing` binary with `args`.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_briefing")).args(args).env("NO_COLOR", "1").output().expect("run briefing")
}

/// Runs the `briefing` binary with `args` in the folder `cwd`.
pub fn run_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        // "Today" for messages that offer a date to paste: 2031-01-15.
        .env("SOURCE_DATE_EPOCH", "1926201600")
        .output()
        .expect("run briefing")
}

/// Exit code, stdout and stderr of a run, as text.
pub fn outcome(o: &Output) -> (i32, String, String) {
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Copies a folder recursively.
pub fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for entry in fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// A temporary copy of `tests/fixtures/sites/<name>`; the site is at `<dir>/site`.
pub fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&repo().join("tests/fixtures/sites").join(name), &site);
    (dir, site)
}

/// A temporary copy of the repository's own site (config and content).
pub fn repo_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    fs::create_dir_all(&site).unwrap();
    fs::copy(repo().join("briefing.toml"), site.join("briefing.toml")).unwrap();
    copy_dir(&repo().join("content"), &site.join("content"));
    copy_dir(&repo().join("themes"), &site.join("themes"));
    (dir, site)
}

/// Builds `site` into `out`, asserting success.
pub fn build(site: &Path, out: &Path) {
    let o = run(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    let (code, _, err) = outcome(&o);
    assert_eq!(code, 0, "build failed:\n{err}");
}

/// Every file under `dir`, by `/`-separated relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap();
            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            out.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// Parses an HTML file.
pub fn page(path: &Path) -> Html {
    Html::parse_document(&fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// A CSS selector.
pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// The text of an element, white space collapsed.
pub fn text(el: scraper::ElementRef<'_>) -> String {
    el.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Changes the first `verdict = "<from>"` of the claims file at `claims` to `to`, with the
/// correction that a published verdict's change needs (each one its own, dated 2099).
pub fn change_verdict(claims: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(claims).unwrap();
    let at = text.find(&format!("verdict = \"{from}\"")).expect("the verdict");
    let id_at = text[..at].rfind("id = \"").expect("its claim's id");
    let id = text[id_at + 6..].split('"').next().unwrap();
    let k = text.matches("[[correction]]").count();
    let correction = format!("\n[[correction]]\ndate = 2099-01-01\nclaim = \"{id}\"\ntext = \"Now {to} ({k}).\"\n");
    let text = text.replacen(&format!("verdict = \"{from}\""), &format!("verdict = \"{to}\""), 1);
    fs::write(claims, text + &correction).unwrap();
}

/// Reads an HTTP request from `stream` up to its blank line: its method and path, or
/// `None` when the client sent nothing. For the tests' small local web servers.
#[allow(dead_code)]
pub fn read_request(stream: &std::net::TcpStream) -> Option<(String, String)> {
    use std::io::BufRead;
    let mut reader = std::io::BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return None;
    }
    let mut header = String::new();
    while reader.read_line(&mut header).unwrap_or(0) > 0 && header.trim() != "" {
        header.clear();
    }
    let mut parts = line.split_whitespace();
    Some((parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string()))
}
