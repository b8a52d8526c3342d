//! `briefing serve`, run as an editor runs it: from inside the site (the default root) and
//! with every other form of root, saved to the way each editor saves, with every rebuild
//! counted. A save must make exactly one rebuild: `/__briefing/version` counts them, and
//! each test waits through an idle period before it counts.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

/// Longer than the watcher's quiet window and a debug build's rebuild of a small site,
/// many times over: a second rebuild for the same save would show within it.
const IDLE: Duration = Duration::from_millis(800);

struct Served {
    child: Child,
    addr: String,
    /// Everything the server printed on stdout, as it prints it.
    out: Arc<Mutex<String>>,
    err: Arc<Mutex<String>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `briefing serve ARGS` in `cwd` and waits until it listens.
fn serve_in(cwd: &Path, args: &[&str]) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .arg("serve")
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let err = Arc::new(Mutex::new(String::new()));
    {
        let err = Arc::clone(&err);
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        std::thread::spawn(move || {
            let mut line = String::new();
            while stderr.read_line(&mut line).unwrap_or(0) > 0 {
                err.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
    }
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let out = Arc::new(Mutex::new(String::new()));
    while !line.contains("http://") {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0, "serve exited before listening: {}", err.lock().unwrap());
        out.lock().unwrap().push_str(&line);
    }
    // Keep draining stdout so that the server never blocks on a full pipe.
    {
        let out = Arc::clone(&out);
        std::thread::spawn(move || {
            for l in reader.lines().map_while(Result::ok) {
                out.lock().unwrap().push_str(&format!("{l}\n"));
            }
        });
    }
    let addr =
        line.split("http://").nth(1).and_then(|r| r.split('/').next()).unwrap_or_else(|| panic!("{line}")).to_string();
    Served { child, addr, out, err }
}

/// `briefing serve --port 0 --root ROOT` from the folder `cwd`.
fn serve_root(cwd: &Path, root: &str) -> Served {
    serve_in(cwd, &["--port", "0", "--root", root])
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

fn version(addr: &str) -> u64 {
    get(addr, "/__briefing/version").2.trim().parse().expect("a version number")
}

/// Waits for the next rebuild after `before`, then through an idle period, and returns how
/// many rebuilds there were in all.
fn rebuilds_after(addr: &str, before: u64) -> u64 {
    let start = Instant::now();
    while version(addr) == before {
        assert!(start.elapsed() < Duration::from_secs(20), "no rebuild after the save");
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(IDLE);
    version(addr) - before
}

/// Asserts that nothing rebuilds within an idle period after `before`.
fn no_rebuild(addr: &str, before: u64, what: &str) {
    std::thread::sleep(IDLE);
    assert_eq!(version(addr), before, "{what} made a rebuild");
}

/// A way to save a file: writes the new bytes to the path.
type Save = fn(&Path, &str);

/// The ways editors save a file.
const SAVES: [(&str, Save); 5] = [
    ("in place", |p, text| {
        let mut f = fs::OpenOptions::new().write(true).open(p).unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f.set_len(text.len() as u64).unwrap();
    }),
    ("truncate, then write", |p, text| {
        let mut f = fs::File::create(p).unwrap();
        let (a, b) = text.split_at(text.len() / 2);
        f.write_all(a.as_bytes()).unwrap();
        f.flush().unwrap();
        f.write_all(b.as_bytes()).unwrap();
    }),
    ("temporary file renamed over (VS Code, atomic writers)", |p, text| {
        let tmp = p.with_file_name(format!(".{}.tmp-1234", p.file_name().unwrap().to_str().unwrap()));
        fs::write(&tmp, text).unwrap();
        fs::rename(&tmp, p).unwrap();
    }),
    ("vim: write test, backup by rename, new file, backup removed", |p, text| {
        let dir = p.parent().unwrap();
        fs::write(dir.join("4913"), "").unwrap();
        fs::remove_file(dir.join("4913")).unwrap();
        let backup = p.with_file_name(format!("{}~", p.file_name().unwrap().to_str().unwrap()));
        fs::rename(p, &backup).unwrap();
        fs::write(p, text).unwrap();
        fs::remove_file(&backup).unwrap();
    }),
    ("delete, then create (JetBrains safe write)", |p, text| {
        let name = p.file_name().unwrap().to_str().unwrap();
        let tmp = p.with_file_name(format!("{name}___jb_tmp___"));
        let old = p.with_file_name(format!("{name}___jb_old___"));
        fs::write(&tmp, text).unwrap();
        fs::rename(p, &old).unwrap();
        fs::rename(&tmp, p).unwrap();
        fs::remove_file(&old).unwrap();
    }),
];

/// Saves the claims file in every way, from the server in `served`, checking one rebuild
/// per save and the new text on the page.
fn every_save_rebuilds_once(served: &Served, site: &Path) {
    let addr = &served.addr;
    let claims = site.join("content/claims.toml");
    let good = fs::read_to_string(&claims).unwrap();
    for (i, (how, save)) in SAVES.iter().enumerate() {
        let finding = format!("The invoice is for 1.9 million (save {i}).");
        let before = version(addr);
        save(&claims, &good.replace("The invoice is for 1.9 million.", &finding));
        assert_eq!(rebuilds_after(addr, before), 1, "{how}: not one rebuild");
        let (status, _, body) = get(addr, "/claims/repair-cost/");
        assert_eq!(status, 200, "{how}");
        assert!(body.contains(&finding), "{how}: the page does not show the save");
    }
    // Deleting the file and creating it again: each is a save of its own, one rebuild each.
    let before = version(addr);
    fs::remove_file(&claims).unwrap();
    assert_eq!(rebuilds_after(addr, before), 1, "deleting the claims file");
    let before = version(addr);
    fs::write(&claims, &good).unwrap();
    assert_eq!(rebuilds_after(addr, before), 1, "creating the claims file again");
    assert!(get(addr, "/claims/repair-cost/").2.contains("The invoice is for 1.9 million."));
}

#[test]
fn the_default_root_rebuilds_once_per_save() {
    let (_dir, site) = fixture("ui-base");
    let served = serve_in(&site, &["--port", "0"]);
    every_save_rebuilds_once(&served, &site);
}

#[test]
fn relative_absolute_and_linked_roots_rebuild_once_per_save() {
    let (dir, site) = fixture("ui-base");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&site, dir.path().join("link")).unwrap();
    let nested = site.join("content");
    let abs = site.to_str().unwrap().to_string();
    let mut roots: Vec<(PathBuf, String)> =
        vec![(dir.path().to_path_buf(), "site".into()), (nested, "..".into()), (dir.path().into(), abs)];
    if cfg!(unix) {
        roots.push((dir.path().into(), "link".into()));
        roots.push((dir.path().into(), dir.path().join("link").to_str().unwrap().into()));
    }
    for (cwd, root) in roots {
        let served = serve_root(&cwd, &root);
        let claims = site.join("content/claims.toml");
        let good = fs::read_to_string(&claims).unwrap();
        let before = version(&served.addr);
        (SAVES[2].1)(&claims, &good.replace("1.9 million.", "1.9 million, root."));
        assert_eq!(rebuilds_after(&served.addr, before), 1, "--root {root} from {}", cwd.display());
        assert!(get(&served.addr, "/claims/repair-cost/").2.contains("1.9 million, root."), "--root {root}");
        fs::write(&claims, good).unwrap();
        let _ = rebuilds_after(&served.addr, before + 1);
    }
}

#[test]
fn a_burst_of_saves_is_one_rebuild() {
    let (_dir, site) = fixture("ui-base");
    let served = serve_in(&site, &["--port", "0"]);
    let claims = site.join("content/claims.toml");
    let good = fs::read_to_string(&claims).unwrap();
    // A save of two files and a second save of one, back to back. On a loaded machine the
    // test's own writes can take longer than the quiet window that ends a burst: such a
    // burst was not one, and is tried again (a broken debounce splits every burst).
    for attempt in 1..=3 {
        let before = version(&served.addr);
        let lead = format!("A lead, take {attempt}.\n");
        let start = Instant::now();
        fs::write(&claims, good.replace("1.9 million.", &format!("1.9 million, first {attempt}."))).unwrap();
        fs::write(site.join("content/briefing.md"), lead).unwrap();
        fs::write(&claims, good.replace("1.9 million.", &format!("1.9 million, last {attempt}."))).unwrap();
        let took = start.elapsed();
        let rebuilds = rebuilds_after(&served.addr, before);
        if rebuilds != 1 && took >= briefing::commands::serve::watch::QUIET && attempt < 3 {
            continue;
        }
        assert_eq!(rebuilds, 1, "the burst's writes took {took:?}");
        assert!(get(&served.addr, "/claims/repair-cost/").2.contains(&format!("1.9 million, last {attempt}.")));
        return;
    }
}

#[test]
fn reading_and_scratch_files_never_rebuild() {
    let (_dir, site) = fixture("ui-base");
    fs::create_dir_all(site.join(".git")).unwrap();
    fs::create_dir_all(site.join("output")).unwrap();
    let served = serve_in(&site, &["--port", "0"]);
    let addr = &served.addr;
    let before = version(addr);
    // The first build's own opens, and an idle server: nothing.
    no_rebuild(addr, before, "an idle server");
    let claims = site.join("content/claims.toml");
    let _ = fs::read_to_string(&claims).unwrap();
    let _ = fs::read_to_string(site.join("briefing.toml")).unwrap();
    let _ = fs::read_dir(site.join("content/articles")).unwrap().count();
    no_rebuild(addr, before, "reading the sources");
    // What `touch` does: opened for writing, closed, both times set; the bytes are the
    // same. (Setting the modification time alone is reported by the kernel as a write.)
    let now = std::time::SystemTime::now();
    let touched = fs::OpenOptions::new().write(true).open(&claims).unwrap();
    touched.set_times(fs::FileTimes::new().set_accessed(now).set_modified(now)).unwrap();
    drop(touched);
    no_rebuild(addr, before, "touching the claims file");
    let content = site.join("content");
    for (path, what) in [
        (site.join("output/index.html"), "the output folder"),
        (site.join(".output.record"), "a kept cache file"),
        (site.join(".briefing/cache"), "the cache folder"),
        (site.join(".git/index"), "Git"),
        (site.join("target/x"), "a folder beside the sources"),
        (content.join(".claims.toml.swp"), "vim's swap file"),
        (content.join(".claims.toml.swx"), "vim's swap test file"),
        (content.join("claims.toml~"), "a backup file"),
        (content.join("4913"), "vim's write test"),
        (content.join(".#claims.toml"), "Emacs' lock"),
        (content.join("#claims.toml#"), "Emacs' auto-save"),
        (content.join("articles/.news.txt.swp"), "vim's swap file of an article"),
    ] {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "x").unwrap();
        fs::write(&path, "xy").unwrap();
        fs::remove_file(&path).unwrap();
        no_rebuild(addr, before, what);
    }
    assert!(served.out.lock().unwrap().matches("rebuilt").count() == 0, "{}", served.out.lock().unwrap());
}

#[test]
fn new_and_deleted_sources_are_picked_up() {
    let (_dir, site) = fixture("ui-base");
    let served = serve_in(&site, &["--port", "0"]);
    let addr = &served.addr;
    let step = |what: &str, change: &dyn Fn()| {
        let before = version(addr);
        change();
        assert_eq!(rebuilds_after(addr, before), 1, "{what}");
    };
    // A new article, then deleted.
    let extra = site.join("content/articles/extra.md");
    step("a new article", &|| fs::write(&extra, "+++\ntitle = \"Extra\"\n+++\nAn extra article.\n").unwrap());
    assert_eq!(get(addr, "/articles/extra/").0, 200);
    step("a deleted article", &|| fs::remove_file(&extra).unwrap());
    assert_eq!(get(addr, "/articles/extra/").0, 404);
    // A new static file, in a folder that did not exist when serve started.
    step("a new static folder", &|| {
        fs::create_dir_all(site.join("static/img")).unwrap();
        fs::write(site.join("static/img/logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    });
    assert_eq!(get(addr, "/img/logo.svg").0, 200, "{}", served.err.lock().unwrap());
    step("a changed static file", &|| fs::write(site.join("static/img/logo.svg"), "<svg/>").unwrap());
    assert_eq!(get(addr, "/img/logo.svg").2, "<svg/>");
    // A new template, overriding the theme's.
    let theme_404 = fs::read_to_string(repo().join("themes/default/templates/404.html")).unwrap();
    step("a new template", &|| {
        fs::create_dir_all(site.join("templates")).unwrap();
        fs::write(site.join("templates/404.html"), theme_404.replace("{{ t(k=\"not-found-title\") }}", "Nothing here"))
            .unwrap();
    });
    assert!(get(addr, "/nowhere").2.contains("Nothing here"));
    // The whole content folder moved away and back.
    step("content moved away", &|| fs::rename(site.join("content"), site.join("content-away")).unwrap());
    step("content moved back", &|| fs::rename(site.join("content-away"), site.join("content")).unwrap());
    step("an article in the returned folder", &|| fs::write(&extra, "+++\ntitle = \"Back\"\n+++\nBack.\n").unwrap());
    assert_eq!(get(addr, "/articles/extra/").0, 200);
}

#[test]
fn edits_rebuild_and_errors_show_in_place() {
    let (_dir, site) = fixture("ui-base");
    let server = serve_in(&site, &["--port", "0"]);
    let addr = &server.addr;
    assert!(addr.starts_with("127.0.0.1:"), "loopback by default: {addr}");

    let (status, head, body) = get(addr, "/claims/repair-cost/");
    assert_eq!(status, 200);
    assert!(head.to_ascii_lowercase().contains("content-type: text/html; charset=utf-8"), "{head}");
    assert!(body.contains("The invoice is for 1.9 million.") && body.contains("/__briefing/events"));

    // A broken edit: the diagnostics over the last good page, one rebuild.
    let claims = site.join("content/claims.toml");
    let good = fs::read_to_string(&claims).unwrap();
    let v = version(addr);
    fs::write(&claims, good.replace("verdict = \"imprecise\"", "verdict = \"bogus\"")).unwrap();
    assert_eq!(rebuilds_after(addr, v), 1);
    let (status, _, body) = get(addr, "/claims/repair-cost/");
    assert_eq!(status, 200);
    let doc = scraper::Html::parse_document(&body);
    let panel = doc.select(&sel("#briefing-errors")).next().expect("the errors panel");
    let shown = text(panel);
    assert!(shown.contains("unknown verdict `bogus`") && shown.contains("content/claims.toml:4:11"), "{shown}");
    assert!(body.contains("The invoice is for 1.9 million."), "the last good page stays underneath");
    let errors = server.err.lock().unwrap().clone();
    assert_eq!(errors.matches("error[unknown-verdict]").count(), 1, "the errors are printed once:\n{errors}");

    // Fixed: the page comes back.
    let v = version(addr);
    fs::write(&claims, &good).unwrap();
    assert_eq!(rebuilds_after(addr, v), 1);
    let body = get(addr, "/claims/repair-cost/").2;
    assert!(!body.contains("briefing-errors"), "the fixed page has no errors panel");
    assert!(!site.join("output").exists(), "serve never writes output/");
}

/// A site whose first build fails has no last good build to show: the panel says the
/// pages come once the errors are fixed, and they do.
#[test]
fn a_first_build_that_fails_says_no_page_is_there_yet() {
    let (_dir, site) = fixture("ui-base");
    let claims = site.join("content/claims.toml");
    let good = fs::read_to_string(&claims).unwrap();
    fs::write(&claims, good.replace("verdict = \"imprecise\"", "verdict = \"bogus\"")).unwrap();
    let server = serve_in(&site, &["--port", "0"]);
    let addr = &server.addr;
    let (status, _, body) = get(addr, "/");
    assert_eq!(status, 404);
    let doc = scraper::Html::parse_document(&body);
    let panel = text(doc.select(&sel("#briefing-errors")).next().expect("the errors panel"));
    assert!(panel.contains("its pages show here once they are fixed") && !panel.contains("last good"), "{panel}");
    let v = version(addr);
    fs::write(&claims, &good).unwrap();
    assert_eq!(rebuilds_after(addr, v), 1);
    assert_eq!(get(addr, "/").0, 200);
}

#[test]
fn pages_hear_of_each_new_version_once() {
    let (_dir, site) = fixture("ui-base");
    let served = serve_in(&site, &["--port", "0"]);
    let addr = served.addr.clone();
    let v = version(&addr);
    // The page carries the version it was served from.
    let body = get(&addr, "/").2;
    let tag = body.split("var v=\"").nth(1).and_then(|r| r.split('"').next()).expect("the page's version");
    assert!(tag.ends_with(&format!(".{v}")), "{tag}");
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET /__briefing/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut reader = BufReader::new(stream);
    let mut data = Vec::new();
    let mut line = String::new();
    let mut head = String::new();
    while data.is_empty() {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0);
        head.push_str(&line);
        if let Some(d) = line.strip_prefix("data: ") {
            data.push(d.trim().to_string());
        }
    }
    assert!(head.to_ascii_lowercase().contains("content-type: text/event-stream"), "{head}");
    assert_eq!(data, [tag.to_string()]);
    let claims = site.join("content/claims.toml");
    let good = fs::read_to_string(&claims).unwrap();
    fs::write(&claims, good.replace("1.9 million.", "1.9 million, pushed.")).unwrap();
    while data.len() < 2 {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0);
        if let Some(d) = line.strip_prefix("data: ") {
            data.push(d.trim().to_string());
        }
    }
    let run = tag.rsplit_once('.').unwrap().0;
    assert_eq!(data[1], format!("{run}.{}", v + 1));
}

/// `briefing serve --open` started in `site` with `$BROWSER` set to `browser`, and the
/// address it printed once listening.
fn serve_open(site: &Path, args: &[&str], browser: &str) -> (Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_briefing"));
    command.args(["serve", "--open"]).args(args).current_dir(site).env("BROWSER", browser);
    if browser.is_empty() {
        // No $BROWSER, and a PATH with no xdg-open: nothing can open the page.
        command.env_remove("BROWSER").env("PATH", site);
    }
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("http://") {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0, "serve exited before listening");
    }
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap().to_string();
    (child, url)
}

#[test]
fn a_busy_default_port_moves_on_and_open_starts_the_browser() {
    let (dir, site) = fixture("ui-base");
    // Hold the default port if it is free (if not, something else holds it: the same case).
    let _held = std::net::TcpListener::bind(("127.0.0.1", 8000));
    let opened = dir.path().join("opened");
    let browser = dir.path().join("browser.sh");
    fs::write(&browser, format!("#!/bin/sh\necho \"$*\" > {}\n", opened.display())).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&browser, fs::Permissions::from_mode(0o755)).unwrap();
    }
    // As other tools read it: commands tried in turn, each with its arguments. One that
    // starts and fails (`false`) is passed over like one that cannot start.
    let chain = format!("false:no-such-browser-here:{} --new-window", browser.display());
    let (mut child, url) = serve_open(&site, &[], &chain);
    assert!(url.starts_with("http://127.0.0.1:") && !url.contains(":8000/"), "{url}");
    let start = Instant::now();
    while !opened.exists() || fs::read_to_string(&opened).unwrap().trim().is_empty() {
        assert!(start.elapsed() < Duration::from_secs(10), "--open started no browser");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(fs::read_to_string(&opened).unwrap().trim(), format!("--new-window {url}"));
    let _ = child.kill();
    let _ = child.wait();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(err.contains("port 8000 is busy"), "{err}");
}

#[test]
fn a_browser_that_fails_or_is_missing_is_told_of_and_serve_goes_on() {
    let (_dir, site) = fixture("ui-base");
    // What xdg-open does with no display: it starts, then exits with a failure.
    let (mut child, url) = serve_open(&site, &["--port", "0"], "false");
    expect_warning(&mut child, &url, "`false`: exit status: 1");
    if cfg!(all(unix, not(target_os = "macos"))) {
        let (mut child, url) = serve_open(&site, &["--port", "0"], "");
        expect_warning(&mut child, &url, "no xdg-open on PATH");
    }
}

/// Reads `child`'s stderr to the line saying no browser opened, which must give `why`, and
/// checks serve goes on; then stops it.
fn expect_warning(child: &mut Child, url: &str, why: &str) {
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut warning = String::new();
    while !warning.contains("cannot open a browser") {
        warning.clear();
        assert!(err.read_line(&mut warning).unwrap() > 0, "serve said nothing of the failed browser");
    }
    assert_eq!(warning.trim(), format!("warning: cannot open a browser ({why}); open {url} yourself, or set $BROWSER"));
    // Still serving.
    assert!(child.try_wait().unwrap().is_none(), "serve stopped after a failed browser");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_busy_asked_port_fails_and_an_outside_bind_warns() {
    let (_dir, site) = fixture("ui-base");
    let held = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    let (code, _, err) = outcome(&run_in(&site, &["serve", "--port", &port]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot listen on 127.0.0.1:") && err.contains("leave out --port"), "{err}");
    let served = serve_in(&site, &["--port", "0", "--bind", "0.0.0.0"]);
    assert!(served.addr.starts_with("127.0.0.1:"), "every interface is shown as this machine's: {}", served.addr);
    let start = Instant::now();
    while !served.err.lock().unwrap().contains("reachable from other machines") {
        assert!(start.elapsed() < Duration::from_secs(10), "no warning: {}", served.err.lock().unwrap());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn serve_refuses_traversal_and_serves_types_concurrently() {
    let (_dir, site) = fixture("ui-base");
    let server = serve_in(&site, &["--port", "0"]);
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

/// Ctrl-C (SIGINT) and `docker stop` (SIGTERM) both stop serve cleanly, with exit 0: a
/// process killed by the signal instead has no exit code.
#[test]
fn serve_exits_cleanly_on_ctrl_c_and_sigterm() {
    for (signal, name) in [(libc::SIGINT, "Ctrl-C"), (libc::SIGTERM, "SIGTERM")] {
        let (_dir, site) = fixture("ui-base");
        let mut server = serve_in(&site, &["--port", "0"]);
        assert_eq!(get(&server.addr, "/").0, 200);
        // SAFETY: sending a signal to our own child process.
        unsafe { libc::kill(server.child.id() as i32, signal) };
        let start = Instant::now();
        loop {
            if let Some(status) = server.child.try_wait().unwrap() {
                assert_eq!(status.code(), Some(0), "{name}: {status}");
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "serve did not stop on {name}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A served file as `build` writes it: HTML without the reload script `serve` adds.
fn as_built(path: &str, body: &[u8]) -> Vec<u8> {
    if !path.ends_with(".html") {
        return body.to_vec();
    }
    let text = String::from_utf8_lossy(body).to_string();
    let start = text.rfind("<script>(function(){var v=").unwrap_or_else(|| panic!("{path}: no reload script"));
    let end = start + text[start..].find("</script>").unwrap() + "</script>".len();
    format!("{}{}", &text[..start], &text[end..]).into_bytes()
}

/// A raw GET of the body's bytes.
fn get_bytes(addr: &str, path: &str) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET /{path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let status = String::from_utf8_lossy(&raw[..split]).split(' ').nth(1).unwrap().parse().unwrap();
    (status, raw[split + 4..].to_vec())
}

#[test]
fn the_served_site_is_the_built_site_after_every_edit() {
    let (dir, site) = fixture("council");
    let served = serve_in(&site, &["--port", "0"]);
    let addr = &served.addr;
    let claims = site.join("content/claims.toml");
    let gazette = site.join("content/articles/gazette.md");
    type Edit<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let edits: Vec<Edit> = vec![
        ("nothing yet", Box::new(|| {})),
        (
            "a finding",
            Box::new(|| {
                let text = fs::read_to_string(&claims).unwrap();
                fs::write(&claims, text.replacen("The line is £1.18m.", "The line is £1.18m, per the budget.", 1))
                    .unwrap()
            }),
        ),
        (
            "an article's text",
            Box::new(|| {
                let text = fs::read_to_string(&gazette).unwrap();
                fs::write(&gazette, text.replace("after a [long debate]", "after a [lengthy debate]")).unwrap()
            }),
        ),
        (
            "the site's title",
            Box::new(|| {
                let config = site.join("briefing.toml");
                let text = fs::read_to_string(&config).unwrap();
                let title = text.lines().find(|l| l.starts_with("title")).unwrap().to_string();
                fs::write(&config, text.replacen(&title, "title = \"Budget night, checked\"", 1)).unwrap()
            }),
        ),
        (
            "a template override",
            Box::new(|| {
                let theme = repo().join("themes/default/templates/claim.html");
                fs::create_dir_all(site.join("templates")).unwrap();
                let text = fs::read_to_string(theme).unwrap();
                fs::write(site.join("templates/claim.html"), text.replacen("<article", "<article data-x=\"1\"", 1))
                    .unwrap()
            }),
        ),
        (
            "a new article",
            Box::new(|| {
                fs::write(site.join("content/articles/late.txt"), "+++\ntitle = \"Late\"\n+++\nLate news.\n").unwrap()
            }),
        ),
    ];
    for (i, (what, edit)) in edits.iter().enumerate() {
        if i > 0 {
            let before = version(addr);
            edit();
            assert_eq!(rebuilds_after(addr, before), 1, "{what}");
        }
        let out = dir.path().join(format!("out{i}"));
        build(&site, &out);
        for (path, bytes) in tree(&out) {
            let (status, body) = get_bytes(addr, &path);
            assert_eq!(status, 200, "after {what}: {path}");
            assert!(as_built(&path, &body) == bytes, "after {what}: {path} differs from the built file");
        }
    }
}

#[test]
fn a_file_deleted_and_created_again_later_is_one_rebuild() {
    let (_dir, site) = fixture("ui-base");
    let served = serve_in(&site, &["--port", "0"]);
    let claims = site.join("content/claims.toml");
    let good = fs::read_to_string(&claims).unwrap();
    let before = version(&served.addr);
    fs::remove_file(&claims).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    fs::write(&claims, good.replace("1.9 million.", "1.9 million, recreated.")).unwrap();
    assert_eq!(rebuilds_after(&served.addr, before), 1);
    assert!(get(&served.addr, "/claims/repair-cost/").2.contains("1.9 million, recreated."));
}

/// Renamed to a backup name beside it and back, 50 ms later; and truncated, then written
/// 30 ms later: each is one rebuild, made once the file is whole again. (The first gave
/// two: the kernel had the file back before serve read the rename's events. The second
/// built a briefing without its claims in between.)
#[test]
fn a_source_put_back_or_refilled_later_is_one_rebuild() {
    let (_dir, site) = fixture("ui-base");
    let served = serve_in(&site, &["--port", "0"]);
    let claims = site.join("content/claims.toml");
    let good = fs::read_to_string(&claims).unwrap();
    for backup in ["claims.toml.bak", "claims.toml~", ".claims.toml.swp"] {
        let before = version(&served.addr);
        let aside = site.join("content").join(backup);
        fs::rename(&claims, &aside).unwrap();
        std::thread::sleep(Duration::from_millis(50));
        fs::rename(&aside, &claims).unwrap();
        assert_eq!(rebuilds_after(&served.addr, before), 1, "put back from {backup}");
    }
    let before = version(&served.addr);
    let mut file = fs::File::create(&claims).unwrap();
    std::thread::sleep(Duration::from_millis(30));
    std::io::Write::write_all(&mut file, good.replace("1.9 million.", "1.9 million, refilled.").as_bytes()).unwrap();
    drop(file);
    assert_eq!(rebuilds_after(&served.addr, before), 1, "truncated, then written");
    assert!(get(&served.addr, "/claims/repair-cost/").2.contains("1.9 million, refilled."));
}

#[test]
fn a_site_that_cannot_be_read_or_a_bad_option_stops_serve() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = outcome(&run_in(dir.path(), &["serve", "--port", "0"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("serve stopped"), "{err}");
    assert!(!err.contains("the page shows them"), "no page will: {err}");
    let (_dir, site) = fixture("ui-base");
    let (code, _, err) = outcome(&run_in(&site, &["serve", "--port", "0", "--base-url", "not a url"]));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn open_pages_leave_slots_for_requests() {
    let (_dir, site) = fixture("ui-base");
    let served = serve_in(&site, &["--port", "0"]);
    let pages: Vec<BufReader<TcpStream>> = (0..80)
        .map(|_| {
            let mut s = TcpStream::connect(&served.addr).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            write!(s, "GET /__briefing/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut r = BufReader::new(s);
            let mut line = String::new();
            while !line.starts_with("data: ") {
                line.clear();
                assert!(r.read_line(&mut line).unwrap() > 0);
            }
            r
        })
        .collect();
    assert_eq!(get(&served.addr, "/").0, 200, "a request found no slot with 80 pages open");
    drop(pages);
}

#[test]
fn a_warning_is_printed_once_when_it_first_appears() {
    let (_dir, site) = fixture("ui-base");
    fs::write(site.join("content/articles/other.txt"), "+++\ntitle = \"Other\"\n+++\nUnquoted.\n").unwrap();
    let served = serve_in(&site, &["--port", "0"]);
    let claims = site.join("content/claims.toml");
    let good = fs::read_to_string(&claims).unwrap();
    let count = |what: &str| served.err.lock().unwrap().matches(what).count();
    let before = version(&served.addr);
    fs::write(&claims, good.replace("1.9 million.", "1.9 million, again.")).unwrap();
    assert_eq!(rebuilds_after(&served.addr, before), 1);
    assert_eq!(count("article `other`"), 1, "{}", served.err.lock().unwrap());
    let before = version(&served.addr);
    fs::write(site.join("content/articles/third.txt"), "+++\ntitle = \"Third\"\n+++\nAlso unquoted.\n").unwrap();
    assert_eq!(rebuilds_after(&served.addr, before), 1);
    assert_eq!((count("article `other`"), count("article `third`")), (1, 1), "{}", served.err.lock().unwrap());
    // Each good build's line counts the warnings in all, printed before or not, as
    // `build`'s does: one more for the second unquoted article.
    let counted = || -> Vec<usize> {
        let out = served.out.lock().unwrap();
        let lines = out.lines().filter(|l| l.starts_with("rebuilt in "));
        lines.map(|l| l.split("; ").nth(1).and_then(|w| w.split(' ').next()?.parse().ok()).unwrap_or(0)).collect()
    };
    let start = Instant::now();
    while counted().len() < 2 && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let n = counted();
    assert!(n.len() == 2 && n[0] >= 1 && n[1] == n[0] + 1, "{n:?}: {}", served.out.lock().unwrap());
}

/// A warning that a line added above it moved is the same warning, not printed again;
/// and many new warnings in one save are printed five in full, the rest counted as new.
#[test]
fn a_moved_warning_is_not_new_and_many_new_ones_are_counted() {
    let (_dir, site) = fixture("ui-base");
    let claims = site.join("content/claims.toml");
    let lonely = |from: usize, to: usize| -> String {
        (from..to)
            .map(|i| {
                format!("\n[[claim]]\nid = \"lonely-{i}\"\nclaim = \"A claim.\"\nverdict = \"accurate\"\nfinding = \"So.\"\nexplanation = \"So.\"\nchecked = 2031-01-10\n")
            })
            .collect()
    };
    let good = fs::read_to_string(&claims).unwrap();
    fs::write(&claims, format!("{good}{}", lonely(0, 2))).unwrap();
    fs::write(site.join("content/articles/other.txt"), "+++\ntitle = \"Other\"\n+++\nUnquoted.\n").unwrap();
    let served = serve_in(&site, &["--port", "0"]);
    let count = |what: &str| served.err.lock().unwrap().matches(what).count();
    // The first build's warnings reach the test's reader of stderr in their own time.
    let start = Instant::now();
    while count("claim `lonely-1` appears in no article") == 0 && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(count("claim `lonely-1` appears in no article"), 1, "{}", served.err.lock().unwrap());
    let before = version(&served.addr);
    fs::write(&claims, format!("# A comment moves every entry down a line.\n{good}{}", lonely(0, 2))).unwrap();
    assert_eq!(rebuilds_after(&served.addr, before), 1);
    assert_eq!(count("claim `lonely-1` appears in no article"), 1, "moved, not new: {}", served.err.lock().unwrap());
    let before = version(&served.addr);
    fs::write(&claims, format!("{good}{}", lonely(0, 10))).unwrap();
    assert_eq!(rebuilds_after(&served.addr, before), 1);
    let err = served.err.lock().unwrap().clone();
    let shown = (2..10).filter(|i| err.contains(&format!("claim `lonely-{i}` appears in no article"))).count();
    assert_eq!(shown, 5, "five of the eight new ones in full: {err}");
    assert!(err.contains("3 more new warnings of this kind are not shown (8 new since the last build)"), "{err}");
    // A syntax error stops the build before its warnings; once fixed, they are not new.
    let before = version(&served.addr);
    fs::write(&claims, format!("{good}{}\n[[claim", lonely(0, 10))).unwrap();
    assert_eq!(rebuilds_after(&served.addr, before), 1);
    let before = version(&served.addr);
    fs::write(&claims, format!("{good}{}", lonely(0, 10))).unwrap();
    assert_eq!(rebuilds_after(&served.addr, before), 1);
    assert_eq!(count("claim `lonely-1` appears in no article"), 1, "{}", served.err.lock().unwrap());
    assert_eq!(count("claim `lonely-2` appears in no article"), 1, "{}", served.err.lock().unwrap());
    assert_eq!(
        count("no claim quotes article `other`"),
        1,
        "said once the file parses: {}",
        served.err.lock().unwrap()
    );
}

#[test]
fn serve_shows_drafts_marked() {
    let (_dir, site) = fixture("ui-base");
    let claims = site.join("content/claims.toml");
    let text = fs::read_to_string(&claims).unwrap();
    fs::write(&claims, text.replacen("checked = 2031-01-10\n", "checked = 2031-01-10\ndraft = true\n", 1)).unwrap();
    let server = serve_in(&site, &["--port", "0"]);
    let (status, _, body) = get(&server.addr, "/claims/repair-cost/");
    assert_eq!(status, 200);
    let html = scraper::Html::parse_document(&body);
    let marks: Vec<String> = html.select(&sel(".draft-mark")).map(common::text).collect();
    assert_eq!(marks, ["Draft"], "the draft is shown, marked");
    // `build` leaves it out.
    let (code, _, err) = outcome(&run_in(&site, &["build"]));
    assert_eq!(code, 0, "{err}");
    assert!(!site.join("output/claims/repair-cost").exists());
}
