//! Build script: the version `briefing --version` prints, with the commit it was built from.
//!
//! The commit comes from `BRIEFING_COMMIT` where set (the release workflow and the
//! container recipe, which build without a Git checkout), else from Git when the
//! package is a checkout, else it is left out (`cargo install briefing` from crates.io).
//! Only `--version` carries it: the pages and the cache keep the bare package version,
//! so that a new commit changes no byte of the output.

use std::env;
use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=BRIEFING_COMMIT");
    let version = env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let commit = env::var("BRIEFING_COMMIT").ok().filter(|c| !c.trim().is_empty()).or_else(from_git);
    match commit.map(|c| short(c.trim())) {
        Some(commit) => println!("cargo:rustc-env=BRIEFING_VERSION={version} ({commit})"),
        None => println!("cargo:rustc-env=BRIEFING_VERSION={version}"),
    }
}

/// A full 40-digit hash (as CI systems give it) cut to the 12 digits Git shows.
fn short(commit: &str) -> String {
    match commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()) {
        true => commit[..12].to_string(),
        false => commit.to_string(),
    }
}

/// `<short hash> <commit date>` of HEAD, when the package is a Git checkout; and asks
/// Cargo to run this again when HEAD moves.
fn from_git() -> Option<String> {
    let root = env::var("CARGO_MANIFEST_DIR").ok()?;
    if !Path::new(&root).join(".git").exists() {
        return None;
    }
    let dir = git(&root, &["rev-parse", "--git-dir"])?;
    let dir = Path::new(&root).join(dir);
    println!("cargo:rerun-if-changed={}", dir.join("HEAD").display());
    println!("cargo:rerun-if-changed={}", dir.join("packed-refs").display());
    if let Some(head) = git(&root, &["symbolic-ref", "-q", "HEAD"]) {
        println!("cargo:rerun-if-changed={}", dir.join(head).display());
    }
    git(&root, &["log", "-1", "--format=%h %cs", "--abbrev=12"])
}

/// What `git ARGS` prints in `root`, trimmed, if it succeeds.
fn git(root: &str, args: &[&str]) -> Option<String> {
    let out = Command::new("git").current_dir(root).args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}
