//! `check --external`, against a local server only: every answer a source can give (200,
//! 404, 410, redirect chains and loops, a slow answer, a dropped connection, a server that
//! refuses HEAD, a flaky one, a TLS failure), the per-host limit, and the kept answers.
//! Run as editors run it: the binary, inside the site.

mod common;

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;

/// What the server saw: requests by path, and the most requests at once on `/busy/`.
#[derive(Default)]
struct Seen {
    hits: Mutex<HashMap<String, usize>>,
    busy: AtomicUsize,
    most_busy: AtomicUsize,
}

/// A server on a free port of 127.0.0.1 that answers by path; its address and what it saw.
fn server() -> (String, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("127.0.0.1:{}", listener.local_addr().unwrap().port());
    let seen = Arc::new(Seen::default());
    let s = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let s = Arc::clone(&s);
            std::thread::spawn(move || answer(stream, &s));
        }
    });
    (addr, seen)
}

fn answer(mut stream: TcpStream, seen: &Seen) {
    let Some((method, path)) = read_request(&stream) else { return };
    let n = {
        let mut hits = seen.hits.lock().unwrap();
        let n = hits.entry(path.clone()).or_default();
        *n += 1;
        *n
    };
    let reply = |stream: &mut TcpStream, status: &str, extra: &str| {
        let _ = write!(stream, "HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n");
    };
    match path.as_str() {
        "/ok" => reply(&mut stream, "200 OK", ""),
        "/missing" => reply(&mut stream, "404 Not Found", ""),
        "/gone" => reply(&mut stream, "410 Gone", ""),
        "/moved" => reply(&mut stream, "301 Moved Permanently", "Location: /ok\r\n"),
        "/chain-1" => reply(&mut stream, "302 Found", "Location: /chain-2\r\n"),
        "/chain-2" => reply(&mut stream, "301 Moved Permanently", "Location: /ok\r\n"),
        "/loop-a" => reply(&mut stream, "301 Moved Permanently", "Location: /loop-b\r\n"),
        "/loop-b" => reply(&mut stream, "301 Moved Permanently", "Location: /loop-a\r\n"),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(4));
            reply(&mut stream, "200 OK", "");
        }
        "/dropped" => drop(stream),
        "/no-head" if method == "HEAD" => reply(&mut stream, "405 Method Not Allowed", ""),
        "/no-head" => reply(&mut stream, "200 OK", ""),
        "/flaky" if n == 1 => reply(&mut stream, "503 Service Unavailable", ""),
        "/flaky" => reply(&mut stream, "200 OK", ""),
        "/forbidden" => reply(&mut stream, "403 Forbidden", ""),
        "/down" => reply(&mut stream, "503 Service Unavailable", ""),
        "/dir/rel" => reply(&mut stream, "301 Moved Permanently", "Location: ../ok\r\n"),
        "/q/loc?l=a/b" => reply(&mut stream, "302 Found", "Location: ?page=2\r\n"),
        "/q/loc?page=2" => reply(&mut stream, "200 OK", ""),
        p if p.starts_with("/busy/") => {
            let now = seen.busy.fetch_add(1, Ordering::SeqCst) + 1;
            seen.most_busy.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(300));
            seen.busy.fetch_sub(1, Ordering::SeqCst);
            reply(&mut stream, "200 OK", "");
        }
        _ => reply(&mut stream, "500 Internal Server Error", ""),
    }
}

/// A server that answers a TLS handshake with plain text: the client's TLS fails.
fn not_tls() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("127.0.0.1:{}", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().map_while(Result::ok) {
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    addr
}

/// The ui fixture, its one source replaced by `urls` (each a source of the one claim).
fn site_citing(urls: &[String]) -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, site) = fixture("ui-base");
    let claims = site.join("content/claims.toml");
    let sources: String = urls
        .iter()
        .enumerate()
        .map(|(i, u)| format!("  [[claim.source]]\n  title = \"Source {i}\"\n  url = \"{u}\"\n\n"))
        .collect();
    let text = fs::read_to_string(&claims)
        .unwrap()
        .replace("  [[claim.source]]\n  title = \"Invoice\"\n  url = \"https://example.org/invoice\"\n\n", &sources);
    fs::write(&claims, text).unwrap();
    (dir, site)
}

fn check(site: &Path, extra: &[&str]) -> (i32, String, String) {
    // A base_url, so that the only warnings are the links'; each printed, not only the
    // first five of a kind, since the tests read every one.
    let args =
        [&["check", "--base-url=https://example.org/", "--external", "--timeout", "1", "--all-warnings"][..], extra]
            .concat();
    outcome(&run_in(site, &args))
}

#[test]
fn every_kind_of_answer_is_told_apart_and_located() {
    let (addr, seen) = server();
    let at = |p: &str| format!("http://{addr}{p}");
    let paths = [
        "/ok",
        "/missing",
        "/gone",
        "/moved",
        "/chain-1",
        "/loop-a",
        "/slow",
        "/dropped",
        "/no-head",
        "/flaky",
        "/forbidden",
    ];
    let mut urls: Vec<String> = paths.iter().map(|p| at(p)).collect();
    // A TLS handshake with a server that speaks plain HTTP.
    let plain = not_tls();
    urls.push(format!("https://{plain}/ok"));
    let (_dir, site) = site_citing(&urls);
    let (code, out, err) = check(&site, &[]);
    assert_eq!(code, 0, "dead links are warnings: {err}");
    let warned = |code: &str, url: &str| err.contains(&format!("warning[{code}]: `{url}`"));
    for dead in ["/missing", "/gone", "/loop-a", "/slow", "/dropped"] {
        assert!(warned("dead-link", &at(dead)), "{dead} is dead: {err}");
    }
    assert!(warned("dead-link", &format!("https://{plain}/ok")), "TLS: {err}");
    assert!(err.contains("answers 404 Not Found") && err.contains("answers 410 Gone"), "{err}");
    assert!(err.contains("redirects go round in a loop"), "{err}");
    assert!(err.contains("no answer within the timeout"), "{err}");
    assert!(err.contains("TLS failed"), "{err}");
    assert!(err.contains("add `archive_url = \"…\"`"), "the hint: {err}");
    for moved in ["/moved", "/chain-1"] {
        assert!(warned("moved-link", &at(moved)), "{moved} moved: {err}");
    }
    assert!(err.contains(&format!("302 → {}, 301 → {}", at("/chain-2"), at("/ok"))), "the chain: {err}");
    for alive in ["/ok", "/no-head", "/flaky", "/forbidden"] {
        let url = at(alive);
        assert!(!warned("dead-link", &url) && !warned("moved-link", &url), "{alive} is not reported: {err}");
    }
    // Located at the address in the claims file.
    let line = fs::read_to_string(site.join("content/claims.toml"))
        .unwrap()
        .lines()
        .position(|l| l.contains(&at("/missing")))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("content/claims.toml:{line}:")), "{err}");
    assert!(out.contains("checked 12 external links (12 asked now): 6 dead, 2 moved, 1 refused to answer"), "{out}");
    assert!(out.contains(&format!("\n  {} (403)\n", at("/forbidden"))), "the refused are named: {out}");
    // HEAD first, GET when HEAD is refused; a 503 tried again.
    let hits = seen.hits.lock().unwrap();
    assert_eq!(hits["/no-head"], 2, "HEAD, then GET");
    assert_eq!(hits["/flaky"], 2, "tried again once");
    assert_eq!(hits["/ok"], 1 + 2, "once, and once at the end of each of the two moved chains");
}

#[test]
fn a_host_is_asked_at_most_twice_at_once() {
    let (addr, seen) = server();
    let urls: Vec<String> = (0..8).map(|i| format!("http://{addr}/busy/{i}")).collect();
    let (_dir, site) = site_citing(&urls);
    let (code, out, err) = check(&site, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("checked 8 external links (8 asked now): 0 dead, 0 moved"), "{out}");
    assert_eq!(seen.most_busy.load(Ordering::SeqCst), 2, "two at once, not more");
}

#[test]
fn answers_are_kept_for_max_age_hours() {
    let (addr, seen) = server();
    let urls = vec![format!("http://{addr}/ok"), format!("http://{addr}/missing")];
    let mut urls = urls;
    urls.push(format!("http://{addr}/down"));
    let (_dir, site) = site_citing(&urls);
    let (_, _, first) = check(&site, &[]);
    let (code, out, again) = check(&site, &[]);
    assert_eq!(code, 0);
    // A 503 may pass: it is asked again; the 200 and the 404 are kept.
    assert!(out.contains("(1 asked now, 2 answered in the last 24 h): 2 dead"), "{out}");
    assert_eq!(first, again, "the kept answers report the same");
    assert_eq!(seen.hits.lock().unwrap()["/down"], 6, "three tries a run");
    assert_eq!(seen.hits.lock().unwrap()["/missing"], 1, "not asked again");
    let (_, out, _) = check(&site, &["--max-age", "0"]);
    assert!(out.contains("(3 asked now)"), "{out}");
    assert_eq!(seen.hits.lock().unwrap()["/missing"], 2);
    // And the links of articles and events are checked too; `build` never asks.
    let (code, _, _) = outcome(&run_in(&site, &["build"]));
    assert_eq!(code, 0);
    assert_eq!(seen.hits.lock().unwrap()["/missing"], 2, "build asks nothing");
}

#[test]
fn an_archived_copy_silences_a_dead_source_and_is_checked_itself() {
    let (addr, _seen) = server();
    let (_dir, site) = site_citing(&[format!("http://{addr}/gone")]);
    let claims = site.join("content/claims.toml");
    let archived = fs::read_to_string(&claims).unwrap().replace(
        &format!("url = \"http://{addr}/gone\"\n"),
        &format!("url = \"http://{addr}/gone\"\n  archive_url = \"http://{addr}/missing\"\n"),
    );
    fs::write(&claims, archived).unwrap();
    // An article's address is checked too.
    let article = site.join("content/articles/news.txt");
    let text =
        fs::read_to_string(&article).unwrap().replacen("+++\n", &format!("+++\nurl = \"http://{addr}/gone\"\n"), 1);
    fs::write(&article, text).unwrap();
    let (code, out, err) = check(&site, &[]);
    assert_eq!(code, 0, "{err}");
    // The source has an archived copy, the article does not: reported at the article only.
    let gone = format!("warning[dead-link]: `http://{addr}/gone` is dead");
    assert_eq!(err.matches(&gone).count(), 1, "{err}");
    assert!(err.contains("--> content/articles/news.txt:2:8"), "{err}");
    assert!(
        err.contains(&format!("warning[dead-link]: `http://{addr}/missing` is dead")),
        "the archive is checked: {err}"
    );
    assert!(out.contains("checked 2 external links"), "{out}");
    // With an archived copy at every place, the dead original is no reader's loss.
    let text = fs::read_to_string(&article).unwrap().replacen(
        &format!("url = \"http://{addr}/gone\"\n"),
        &format!("url = \"http://{addr}/gone\"\narchive_url = \"http://{addr}/ok\"\n"),
        1,
    );
    fs::write(&article, text).unwrap();
    let (_, _, err) = check(&site, &["--max-age", "0"]);
    assert!(!err.contains(&format!("`http://{addr}/gone` is dead")), "{err}");
}

/// The exact report, as `tests/ui` keeps them (the server's port written `PORT`). To
/// accept a deliberate change: `BLESS=1 cargo test --test external`.
#[test]
fn the_report_reads_exactly_as_kept() {
    let (addr, _seen) = server();
    let urls = vec![format!("http://{addr}/missing"), format!("http://{addr}/moved"), format!("http://{addr}/ok")];
    let (_dir, site) = site_citing(&urls);
    let (code, out, err) = check(&site, &[]);
    let actual = format!("exit: {code}\n--- stdout\n{out}--- stderr\n{err}").replace(&addr, "127.0.0.1:PORT");
    let actual = actual.lines().filter(|l| !l.starts_with("checked 6 pages")).collect::<Vec<_>>().join("\n") + "\n";
    let expected = repo().join("tests/golden/external/check.txt");
    if std::env::var_os("BLESS").is_some() {
        fs::create_dir_all(expected.parent().unwrap()).unwrap();
        fs::write(&expected, &actual).unwrap();
    }
    assert_eq!(fs::read_to_string(&expected).unwrap_or_default(), actual);
}

#[test]
fn relative_redirects_resolve_as_browsers_resolve_them() {
    let (addr, _seen) = server();
    let urls = vec![format!("http://{addr}/dir/rel"), format!("http://{addr}/q/loc?l=a/b")];
    let (_dir, site) = site_citing(&urls);
    let (code, out, err) = check(&site, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 dead, 1 moved"), "{out}\n{err}");
    assert!(err.contains(&format!("redirects to `http://{addr}/ok`")), "{err}");
}

#[test]
fn each_place_an_address_is_given_gets_its_own_warning() {
    let (addr, _seen) = server();
    let (_dir, site) = site_citing(&[format!("http://{addr}/ok")]);
    let claims = site.join("content/claims.toml");
    let events = format!(
        "\n[[event]]\ndate = 2031-01-01\ntitle = \"One.\"\nsource = 'http://{addr}/missing'\n\n[[event]]\ndate = 2031-01-02\ntitle = \"Two.\"\nsource = \"http://{addr}/missing\"\n"
    );
    let text = fs::read_to_string(&claims).unwrap() + &events;
    fs::write(&claims, &text).unwrap();
    let (_, _, err) = check(&site, &[]);
    let lines: Vec<usize> =
        text.lines().enumerate().filter(|(_, l)| l.contains("/missing")).map(|(i, _)| i + 1).collect();
    assert_eq!(lines.len(), 2);
    for line in lines {
        assert!(err.contains(&format!("--> content/claims.toml:{line}:")), "line {line}: {err}");
    }
    assert!(err.contains("give an archived copy's address instead"), "an event has no archive_url: {err}");
}

#[test]
fn a_host_that_never_answers_costs_two_timeouts_not_one_per_address() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("127.0.0.1:{}", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().map_while(Result::ok) {
            held.push(stream);
        }
    });
    let urls: Vec<String> = (0..12).map(|i| format!("http://{addr}/hang/{i}")).collect();
    let (_dir, site) = site_citing(&urls);
    let start = std::time::Instant::now();
    let (code, out, err) = check(&site, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("12 dead"), "{out}");
    // Two at once: the third may start as the first gives up, before the second has.
    let timed_out = err.matches("no answer within the timeout").count();
    assert!((2..=3).contains(&timed_out), "{err}");
    assert_eq!(err.matches("not asked: its host gave no answer in time").count(), 12 - timed_out, "{err}");
    // Each asked address costs three tries of one second and the pauses between (3.75 s):
    // asking all twelve, two at a time, would take 22 s.
    assert!(start.elapsed() < Duration::from_secs(12), "{:?}", start.elapsed());
}

/// `--timeout` takes 1 to 600 seconds, as its help says: 0 would fail every address, and
/// a longer one would hold `check` for an hour on one dead host.
#[test]
fn a_timeout_out_of_range_is_refused() {
    let (_dir, site) = site_citing(&[]);
    for bad in ["0", "601"] {
        let (code, _, err) = outcome(&run_in(&site, &["check", "--external", "--timeout", bad]));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("1..=600"), "{err}");
    }
}

/// A name that does not resolve is dead for good, and kept as such; but when not one
/// name resolves, the machine is offline: nothing is called dead, and nothing is kept.
#[test]
fn an_offline_machine_calls_no_link_dead() {
    let (addr, _seen) = server();
    let (_dir, site) = site_citing(&["http://briefing-test.invalid/a".into(), format!("http://{addr}/ok")]);
    let (code, out, err) = check(&site, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("no such host (the name does not resolve)"), "{err}");
    assert!(out.contains("1 dead"), "{out}");
    let (_dir, site) = site_citing(&["http://briefing-test.invalid/a".into(), "http://another.invalid/b".into()]);
    let (code, out, err) = check(&site, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("dead-link"), "{err}");
    assert!(out.contains("this machine seems offline"), "{out}");
    // Asked again on the next run: no answer was kept.
    let (_, out, _) = check(&site, &[]);
    assert!(out.contains("none of the 2 addresses asked"), "{out}");
    // In JSON too.
    let (_, out, _) = check(&site, &["--format", "json"]);
    let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(last["external"]["offline"], true, "{out}");
    assert_eq!(last["external"]["dead"], 0, "{out}");
}
