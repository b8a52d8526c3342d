//! Writes a synthetic briefing for benchmarks (see `docs/performance.md`):
//!
//! ```sh
//! cargo run --release --example corpus -- DIR ARTICLES CLAIMS [SEED] [--hugo DIR] [--zola DIR]
//! cargo run --release --example corpus -- DIR ARTICLES CLAIMS [SEED] --archive BRIEFINGS
//! ```
//!
//! With `--archive`, DIR is an archive of BRIEFINGS briefings of ARTICLES articles and
//! CLAIMS claims each.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: corpus DIR ARTICLES CLAIMS [SEED] [--hugo DIR] [--zola DIR] [--archive BRIEFINGS]";
    let num = |i: usize| args.get(i).and_then(|a| a.parse::<usize>().ok());
    let (Some(dir), Some(articles), Some(claims)) = (args.first(), num(1), num(2)) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let spec = corpus::Spec { articles, claims, seed };
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(PathBuf::from);
    if let Some(briefings) = flag("--archive").and_then(|b| b.to_str()?.parse().ok()) {
        corpus::write_archive(&PathBuf::from(dir), briefings, spec).expect("write the archive");
        return;
    }
    corpus::write_site(&PathBuf::from(dir), spec).expect("write the site");
    if let Some(h) = flag("--hugo") {
        corpus::write_hugo(&h, spec).expect("write the Hugo site");
    }
    if let Some(z) = flag("--zola") {
        corpus::write_zola(&z, spec).expect("write the Zola site");
    }
}
