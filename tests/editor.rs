//! The editor's loop: `check`, `serve`, `new` and `completions`.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

// ---------------------------------------------------------------- check

fn check(site: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["check", "--root", site.to_str().unwrap()];
    args.extend_from_slice(extra);
    outcome(&run(&args))
}

#[test]
fn check_passes_on_valid_sites_and_writes_nothing() {
    for (dir, site) in [repo_site(), fixture("council")] {
        let (code, out, err) = check(&site, &[]);
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("checked "), "{out}");
        assert!(!site.join("output").exists(), "check wrote output/");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "check wrote beside the site");
        let (code, out, _) = check(&site, &["--format", "json"]);
        assert_eq!((code, out.as_str()), (0, ""));
    }
}

#[test]
fn check_reports_errors_in_both_formats() {
    let (_dir, site) = fixture("ui-base");
    let claims = site.join("content/claims.toml");
    let text = fs::read_to_string(&claims)
        .unwrap()
        .replace("verdict = \"imprecise\"", "verdict = \"bogus\"")
        .replace("titl", "tilte");
    fs::write(&claims, text).unwrap();
    let (code, out, err) = check(&site, &[]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("error[unknown-verdict]") && err.contains("--> content/claims.toml:4:11"), "{err}");
    assert!(err.contains("check failed: 2 errors"), "{err}");

    let (code, out, _) = check(&site, &["--format", "json"]);
    assert_eq!(code, 1);
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect();
    assert_eq!(lines.len(), 2);
    let verdict = lines.iter().find(|d| d["code"] == "unknown-verdict").unwrap();
    assert_eq!(verdict["file"], "content/claims.toml");
    assert_eq!((verdict["line"].as_u64(), verdict["column"].as_u64()), (Some(4), Some(11)));
    assert_eq!((verdict["end_line"].as_u64(), verdict["end_column"].as_u64()), (Some(4), Some(18)));
    assert_eq!(verdict["severity"], "error");
    assert!(verdict["message"].as_str().unwrap().contains("bogus"));
    assert!(verdict["help"].as_str().unwrap().contains("accurate"));
}

#[test]
fn deny_warnings_turns_warnings_into_failure() {
    let (_dir, site) = fixture("ui-base");
    fs::write(site.join("content/articles/other.txt"), "+++\ntitle = \"Other\"\n+++\nUnquoted.\n").unwrap();
    let (code, _, err) = check(&site, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning[untouched-article]"));
    let (code, _, err) = check(&site, &["--deny-warnings"]);
    assert_eq!(code, 1, "{err}");
    let (code, out, _) = check(&site, &["--deny-warnings", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(serde_json::from_str::<Value>(out.trim()).unwrap()["severity"], "warning");
}

#[test]
fn check_finds_broken_links_in_articles_and_templates() {
    let (_dir, site) = fixture("council");
    let gazette = site.join("content/articles/gazette.md");
    let text = fs::read_to_string(&gazette)
        .unwrap()
        .replace("about the\nlibrary.", "about the\n[library](../library/index.html) and [budget](#nowhere).");
    fs::write(&gazette, text).unwrap();
    fs::create_dir_all(site.join("templates")).unwrap();
    fs::write(site.join("templates/404.html"), "{% extends \"base.html\" %}{% block main %}x{% endblock main %}")
        .unwrap();
    let base = fs::read_to_string(repo().join("themes/default/templates/base.html")).unwrap();
    fs::write(
        site.join("templates/base.html"),
        base.replace("{{ root }}sources/index.html", "{{ root }}sauces/index.html"),
    )
    .unwrap();
    let (code, out, _) = check(&site, &["--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let diags: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(diags.iter().all(|d| d["code"] == "broken-link"), "{out}");
    let files: Vec<&str> = diags.iter().filter_map(|d| d["file"].as_str()).collect();
    assert!(files.contains(&"content/articles/gazette.md"), "{out}");
    assert!(files.contains(&"templates/base.html"), "{out}");
    assert!(diags.iter().any(|d| d["message"].as_str().unwrap().contains("nowhere")), "{out}");
    // A build does not check links, and does not fail on them.
    build(&site, &site.parent().unwrap().join("out"));
}

// ---------------------------------------------------------------- new and completions

#[test]
fn new_creates_a_site_that_builds_and_checks_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("my-briefing");
    let (code, out, err) = outcome(&run(&["new", site.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("briefing check") && out.contains("briefing serve"), "{out}");
    let (code, _, err) = check(&site, &["--deny-warnings"]);
    assert_eq!(code, 0, "{err}");
    let out_dir = site.join("output");
    build(&site, &out_dir);
    let doc = page(&out_dir.join("articles/example/index.html"));
    assert_eq!(doc.select(&sel("mark.claim[id]")).count(), 2);
    assert_eq!(doc.select(&sel("mark.artifact")).count(), 1);
    assert_eq!(page(&out_dir.join("corrections/index.html")).select(&sel(".correction-log li")).count(), 1);
    // It never overwrites.
    let (code, _, err) = outcome(&run(&["new", site.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn completions_for_common_shells() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, _) = outcome(&run(&["completions", shell]));
        assert_eq!(code, 0);
        assert!(out.contains("briefing") && out.contains("serve"), "{shell}");
    }
}

// ---------------------------------------------------------------- serve

struct Served {
    child: Child,
    addr: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(site: &Path) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["serve", "--port", "0", "--root", site.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("http://") {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0, "serve exited before listening");
    }
    // Keep draining stdout so that the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in reader.lines() {});
    let addr =
        line.split("http://").nth(1).and_then(|r| r.split('/').next()).unwrap_or_else(|| panic!("{line}")).to_string();
    Served { child, addr }
}

/// A raw HTTP/1.1 GET, so that paths reach the server exactly as written.
fn get(addr: &str, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

fn version(addr: &str) -> String {
    get(addr, "/__briefing/version").2
}

/// Waits until the site's version differs from `before`.
fn wait_for_rebuild(addr: &str, before: &str) {
    let start = Instant::now();
    while version(addr) == before {
        assert!(start.elapsed() < Duration::from_secs(20), "no rebuild after the edit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until the page at `path` satisfies `done`, and returns it. A write can reach the
/// watcher as two events (the truncation, then the bytes), each rebuilt: the first
/// rebuild may see a half-written file, so a test waits for the state it expects.
fn wait_for_page(addr: &str, path: &str, done: impl Fn(&str) -> bool) -> (u16, String) {
    let start = Instant::now();
    loop {
        let (status, _, body) = get(addr, path);
        if done(&body) {
            return (status, body);
        }
        assert!(start.elapsed() < Duration::from_secs(20), "the page never reached the expected state:\n{body}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_rebuilds_on_edits_and_shows_errors_in_place() {
    let (_dir, site) = fixture("ui-base");
    let server = serve(&site);
    let addr = &server.addr;
    assert!(addr.starts_with("127.0.0.1:"), "loopback by default: {addr}");

    let (status, head, body) = get(addr, "/claims/repair-cost/");
    assert_eq!(status, 200);
    assert!(head.to_ascii_lowercase().contains("content-type: text/html; charset=utf-8"), "{head}");
    assert!(body.contains("The invoice is for 1.9 million.") && body.contains("/__briefing/version"));

    // An edit is rebuilt and served.
    let claims = site.join("content/claims.toml");
    let good = fs::read_to_string(&claims).unwrap();
    let v = version(addr);
    fs::write(&claims, good.replace("The invoice is for 1.9 million.", "The invoice says 1.95 million.")).unwrap();
    wait_for_rebuild(addr, &v);
    let (status, _) = wait_for_page(addr, "/claims/repair-cost/", |b| {
        b.contains("The invoice says 1.95 million.") && !b.contains("briefing-errors")
    });
    assert_eq!(status, 200);

    // A broken edit: the diagnostics over the last good page.
    let v = version(addr);
    fs::write(&claims, good.replace("verdict = \"imprecise\"", "verdict = \"bogus\"")).unwrap();
    wait_for_rebuild(addr, &v);
    let (status, body) =
        wait_for_page(addr, "/claims/repair-cost/", |b| b.contains("briefing-errors") && b.contains("bogus"));
    assert_eq!(status, 200);
    let doc = scraper::Html::parse_document(&body);
    let panel = doc.select(&sel("#briefing-errors")).next().expect("the errors panel");
    let shown = text(panel);
    assert!(shown.contains("unknown verdict `bogus`") && shown.contains("content/claims.toml:4:11"), "{shown}");
    assert!(body.contains("The invoice says 1.95 million."), "the last good page stays underneath");

    // Fixed: the page comes back.
    let v = version(addr);
    fs::write(&claims, &good).unwrap();
    wait_for_rebuild(addr, &v);
    // The truncation the editor's write starts with is itself a valid, empty claims file:
    // its 404 page has no errors panel either, so wait for the restored text.
    let (status, body) = wait_for_page(addr, "/claims/repair-cost/", |b| b.contains("The invoice is for 1.9 million."));
    assert_eq!(status, 200);
    assert!(!body.contains("briefing-errors"), "the fixed page has no errors panel");
    assert!(!site.join("output").exists(), "serve never writes output/");
}

#[test]
fn serve_refuses_traversal_and_serves_types_concurrently() {
    let (_dir, site) = fixture("ui-base");
    let server = serve(&site);
    let addr = &server.addr;
    for bad in [
        "/../briefing.toml",
        "/%2e%2e/briefing.toml",
        "/..%2fbriefing.toml",
        "/claims/..%2F..%2Fbriefing.toml",
        "/%2E%2E%5Cbriefing.toml",
    ] {
        let (status, _, body) = get(addr, bad);
        assert!(status == 400 || status == 404, "{bad}: {status}");
        assert!(!body.contains("[publisher]"), "{bad} leaked the config");
    }
    for (path, kind) in [
        ("/style.css", "text/css"),
        ("/claims.json", "application/json"),
        ("/feed.xml", "application/xml"),
        ("/", "text/html"),
    ] {
        let (status, head, _) = get(addr, path);
        assert_eq!(status, 200, "{path}");
        assert!(head.to_ascii_lowercase().contains(&format!("content-type: {kind}")), "{path}: {head}");
    }
    let (status, _, body) = get(addr, "/no/such/page.html");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
    let (status, head, _) = get(addr, "/claims/repair-cost");
    assert_eq!(status, 301);
    assert!(head.contains("/claims/repair-cost/"), "{head}");

    // Only GET and HEAD; malformed and oversized requests are refused.
    let raw = |req: &[u8]| {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(req).unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).split(' ').nth(1).unwrap_or("").to_string()
    };
    assert_eq!(raw(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), "405");
    assert_eq!(raw(b"GET / SPDY/9\r\n\r\n"), "400");
    assert_eq!(raw(format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(20_000)).as_bytes()), "431");
    assert_eq!(raw(b"HEAD /style.css HTTP/1.1\r\nHost: x\r\n\r\n"), "200");

    // Slow clients that never finish their request do not block others.
    let stalled: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut s = TcpStream::connect(addr).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
            s
        })
        .collect();
    let start = Instant::now();
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let addr = addr.clone();
            std::thread::spawn(move || get(&addr, "/").0)
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 200);
    }
    assert!(start.elapsed() < Duration::from_secs(5), "requests were blocked by slow clients");
    drop(stalled);
}

#[test]
fn serve_exits_cleanly_on_ctrl_c() {
    let (_dir, site) = fixture("ui-base");
    let mut server = serve(&site);
    assert_eq!(get(&server.addr, "/").0, 200);
    // SAFETY: sending SIGINT to our own child process.
    unsafe { libc::kill(server.child.id() as i32, libc::SIGINT) };
    let start = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0));
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn built_pages_never_carry_the_reload_script() {
    let (dir, site) = fixture("council");
    let out = dir.path().join("out");
    build(&site, &out);
    for (path, bytes) in tree(&out) {
        assert!(!String::from_utf8_lossy(&bytes).contains("__briefing"), "{path}");
    }
}
