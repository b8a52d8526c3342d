//! The floor of issue 25: what bare pulldown-cmark costs on a site's markdown articles.
//!
//! ```sh
//! cargo run --release --example floor -- SITE OUT
//! ```
//!
//! Reads every `*.md` under `SITE/content/articles`, drops its `+++` front matter, renders
//! the body with pulldown-cmark on every core (rayon), and writes one
//! `OUT/<name>/index.html` for each, wrapped in a one-line page. No templates, no
//! sanitizing, no index pages: the least any generator must do for the same articles.
//! `bench/fresh.sh` times it beside `briefing build` and Hugo.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [site, out] = args.as_slice() else {
        eprintln!("usage: floor SITE OUT");
        std::process::exit(2);
    };
    let files: Vec<PathBuf> = fs::read_dir(site.join("content/articles"))
        .expect("read the articles folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.par_iter().for_each(|p| render(p, out).expect("render an article"));
}

/// Renders one article into `out/<file stem>/index.html`.
fn render(path: &Path, out: &Path) -> std::io::Result<()> {
    let text = fs::read_to_string(path)?;
    let body = match text.strip_prefix("+++\n").and_then(|t| t.split_once("\n+++\n")) {
        Some((_, body)) => body,
        None => &text,
    };
    let mut html = String::from("<!DOCTYPE html><html><body>");
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(body));
    html.push_str("</body></html>\n");
    let dir = out.join(path.file_stem().unwrap_or_default());
    fs::create_dir_all(&dir)?;
    fs::write(dir.join("index.html"), html)
}
