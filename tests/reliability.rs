//! Bad input never breaks the site: links out of the root are not followed, odd encodings
//! are handled, and no input makes the build panic.

mod common;

use std::fs;

use common::*;

#[test]
fn symlinks_out_of_the_root_are_never_read() {
    let (dir, site) = fixture("ui-base");
    let secret = dir.path().join("secret.txt");
    fs::write(&secret, "+++\ntitle = \"Secret\"\n+++\nTOP SECRET\n").unwrap();
    std::os::unix::fs::symlink(&secret, site.join("content/articles/leak.txt")).unwrap();
    let out = dir.path().join("out");
    let (code, _, err) = outcome(&run(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("symlink-skipped"), "{err}");
    assert!(!out.join("articles/leak").exists());
    for (path, bytes) in tree(&out) {
        assert!(!String::from_utf8_lossy(&bytes).contains("TOP SECRET"), "{path} leaks the linked file");
    }
    // A linked claims file is refused outright.
    let claims = site.join("content/claims.toml");
    fs::rename(&claims, dir.path().join("claims.toml")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("claims.toml"), &claims).unwrap();
    let (code, _, err) = outcome(&run(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("symbolic link"), "{err}");
}

#[test]
fn a_claims_file_that_is_a_directory_is_an_io_error() {
    let (dir, site) = fixture("ui-base");
    fs::remove_file(site.join("content/claims.toml")).unwrap();
    fs::create_dir(site.join("content/claims.toml")).unwrap();
    let (code, _, err) =
        outcome(&run(&["build", "--root", site.to_str().unwrap(), "--output", dir.path().join("o").to_str().unwrap()]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a regular file"), "{err}");
}

#[test]
fn byte_order_marks_are_ignored() {
    let (dir, site) = fixture("ui-base");
    for f in ["content/claims.toml", "content/articles/news.txt", "briefing.toml"] {
        let p = site.join(f);
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(fs::read(&p).unwrap());
        fs::write(&p, bytes).unwrap();
    }
    build(&site, &dir.path().join("out"));
}

#[test]
fn empty_files_give_located_errors_not_panics() {
    for f in ["content/claims.toml", "content/articles/news.txt", "briefing.toml"] {
        let (dir, site) = fixture("ui-base");
        fs::write(site.join(f), "").unwrap();
        let (code, _, err) = outcome(&run(&[
            "build",
            "--root",
            site.to_str().unwrap(),
            "--output",
            dir.path().join("o").to_str().unwrap(),
        ]));
        assert!(code == 0 || code == 1, "{f}: exit {code}\n{err}");
        assert!(!err.contains("panicked"), "{f}: {err}");
        if f != "content/claims.toml" {
            assert_eq!(code, 1, "{f}: {err}");
            assert!(err.contains(f), "{f}: the error names the file:\n{err}");
        }
    }
}

#[test]
fn hostile_text_in_the_claims_file_stays_text() {
    let (dir, site) = fixture("ui-base");
    let claims = site.join("content/claims.toml");
    let hostile = fs::read_to_string(&claims)
        .unwrap()
        .replace("The invoice is for 1.9 million.", "<script>alert(1)</script> {{ site.title }} {% raw %} &amp;")
        .replace("From the invoice.", "<img src=x onerror=alert(1)> [x](javascript:alert(1)) <b>bold</b>");
    fs::write(&claims, hostile).unwrap();
    let out = dir.path().join("out");
    build(&site, &out);
    for (path, bytes) in tree(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        let doc = scraper::Html::parse_document(std::str::from_utf8(&bytes).unwrap());
        assert_eq!(doc.select(&sel("script:not([type='application/ld+json'])")).count(), 0, "{path}");
        assert_eq!(doc.select(&sel("[onerror]")).count(), 0, "{path}");
        assert_eq!(doc.select(&sel("[href^='javascript']")).count(), 0, "{path}");
    }
    let doc = page(&out.join("claims/repair-cost/index.html"));
    let finding = text(doc.select(&sel(".rating-card .rating-finding")).next().unwrap());
    assert_eq!(finding, "<script>alert(1)</script> {{ site.title }} {% raw %} &amp;");
}

/// Runs a build with a watchdog: bad input must end in bounded time.
fn build_within(site: &std::path::Path, out: &std::path::Path, limit: std::time::Duration) -> (i32, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["build", "-q", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            return (status.code().unwrap_or(-1), err);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("the build took longer than {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn pathological_and_huge_articles_build_in_bounded_time() {
    let (dir, site) = fixture("ui-base");
    let articles = site.join("content/articles");
    let fm = |t: &str| format!("+++\ntitle = \"{t}\"\n+++\n");
    fs::write(articles.join("deep-quote.md"), format!("{}{} deep\n", fm("q"), ">".repeat(10_000))).unwrap();
    fs::write(articles.join("deep-link.md"), format!("{}{}x{}(u)\n", fm("l"), "[".repeat(10_000), "]".repeat(10_000)))
        .unwrap();
    fs::write(articles.join("deep-html.md"), format!("{}{}x\n", fm("h"), "<div>".repeat(10_000))).unwrap();
    fs::write(articles.join("long-line.md"), format!("{}{}\n", fm("ll"), "word *em* ".repeat(200_000))).unwrap();
    fs::write(articles.join("long-line-text.txt"), format!("{}{}\n", fm("lt"), "word ".repeat(400_000))).unwrap();
    // A 50 MB article, quoted once near its end.
    let line = "A line of a very large article, repeated many times over. ".repeat(10) + "\n";
    let big = format!("{}{}the needle sentence\n", fm("big"), line.repeat(90_000));
    assert!(big.len() > 50_000_000);
    fs::write(articles.join("big.txt"), big).unwrap();
    let claims = site.join("content/claims.toml");
    let mut claims_text = fs::read_to_string(&claims).unwrap();
    claims_text.push_str("\n[[claim]]\nid = \"needle\"\nclaim = \"c\"\nverdict = \"false\"\nfinding = \"f\"\nexplanation = \"e\"\nchecked = 2031-01-10\n\n  [[claim.appearance]]\n  article = \"big\"\n  quote = \"the needle sentence\"\n");
    fs::write(&claims, claims_text).unwrap();
    let out = dir.path().join("out");
    let (code, err) = build_within(&site, &out, std::time::Duration::from_secs(240));
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("panicked"));
    let doc = page(&out.join("articles/big/index.html"));
    assert_eq!(doc.select(&sel("mark#q-needle-1")).map(text).collect::<Vec<_>>(), vec!["the needle sentence"]);
    for slug in ["deep-quote", "deep-link", "deep-html", "long-line", "long-line-text"] {
        assert!(out.join(format!("articles/{slug}/index.html")).is_file(), "{slug}");
    }
}

#[test]
fn ten_thousand_claims_build() {
    #[path = "../benches/support/corpus.rs"]
    #[allow(dead_code, clippy::all)]
    mod corpus;
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    corpus::write_site(&site, corpus::Spec { articles: 400, claims: 10_000, seed: 5 }).unwrap();
    let out = dir.path().join("out");
    let (code, err) = build_within(&site, &out, std::time::Duration::from_secs(300));
    assert_eq!(code, 0, "{}", err.lines().take(20).collect::<Vec<_>>().join("\n"));
    assert!(out.join("claims/claim-009999/index.html").is_file());
}

/// Runs briefing as an unprivileged user when the tests run as root (as in CI), since
/// root reads any file whatever its mode.
fn run_unprivileged(args: &[&str]) -> std::process::Output {
    let bin = env!("CARGO_BIN_EXE_briefing");
    let root = std::process::Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
    let mut cmd = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin]);
        c
    } else {
        std::process::Command::new(bin)
    };
    cmd.args(args).env("NO_COLOR", "1").output().expect("run briefing (setpriv is in util-linux)")
}

/// Opens a temporary tree to other users (tempdir makes it 0700), so that the
/// unprivileged run can reach the site.
fn open_up(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        let mode = if entry.file_type().is_dir() { 0o755 } else { 0o644 };
        fs::set_permissions(entry.path(), fs::Permissions::from_mode(mode)).unwrap();
    }
}

#[test]
fn unreadable_files_are_io_errors_with_their_name() {
    use std::os::unix::fs::PermissionsExt;
    for (file, also) in [("content/articles/news.txt", "news"), ("content/claims.toml", "claims.toml")] {
        let (dir, site) = fixture("ui-base");
        open_up(dir.path());
        fs::set_permissions(site.join(file), fs::Permissions::from_mode(0o000)).unwrap();
        let (code, _, err) = outcome(&run_unprivileged(&["check", "--root", site.to_str().unwrap()]));
        assert_eq!(code, 2, "{file}: {err}");
        assert!(err.contains(file) && err.contains("Permission denied"), "{file}: {err}");
        assert!(err.contains(also), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// A disk that fills up mid-build: file writes past a size limit fail (RLIMIT_FSIZE, with
/// SIGXFSZ ignored, so the write returns EFBIG as a full disk returns ENOSPC). The build
/// must fail with an I/O error, leave the previous site exactly as it was, and the next
/// build, with room again, must succeed.
#[test]
fn a_full_disk_leaves_the_previous_site_whole() {
    let (dir, site) = fixture("ui-base");
    let out = dir.path().join("out");
    build(&site, &out);
    let before = tree(&out);
    // Change every page, so that the build has large files to write.
    let config = site.join("briefing.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, text.replacen("title = \"", "title = \"Changed: ", 1)).unwrap();
    fs::create_dir_all(site.join("static")).unwrap();
    fs::write(site.join("static/big.txt"), "x".repeat(64 * 1024)).unwrap();
    let bin = env!("CARGO_BIN_EXE_briefing");
    let o = std::process::Command::new("bash")
        .args(["-c", "trap '' XFSZ; ulimit -f 16; exec \"$0\" \"$@\""])
        .args([bin, "build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let (code, _, err) = outcome(&o);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot write the site") && err.contains("File too large"), "{err}");
    assert!(err.contains("previous output was left"), "{err}");
    assert_eq!(tree(&out), before, "the previous site changed");
    build(&site, &out);
    let fresh = dir.path().join("fresh");
    build(&site, &fresh);
    assert_eq!(tree(&out), tree(&fresh), "the build after the failure differs from a fresh one");
    assert_eq!(fs::read(out.join("big.txt")).unwrap().len(), 64 * 1024);
}

/// `briefing build | head` and the like: a reader that closes the pipe ends the command
/// as it ends other Unix tools (SIGPIPE), never with a panic, and the site is built.
#[test]
fn a_closed_pipe_ends_the_command_without_a_panic() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    let (dir, site) = fixture("ui-base");
    let out = dir.path().join("out");
    for args in [vec!["build"], vec!["check", "--format", "json"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(&args)
            .args(["--root", site.to_str().unwrap()])
            .args(if args[0] == "build" { vec!["--output", out.to_str().unwrap()] } else { vec![] })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        // 13: SIGPIPE.
        assert!(o.status.success() || o.status.signal() == Some(13), "{args:?}: {:?}", o.status);
    }
    assert!(out.join("index.html").is_file(), "the build finished before its one line was printed");
}

/// A mistyped `--root` is one error, and leaves nothing behind (no cache folder, no lock).
#[test]
fn a_mistyped_root_is_one_error_and_makes_no_folder() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["build", "check"] {
        let (code, _, err) = outcome(&run_in(dir.path(), &[command, "--root", "nowhere"]));
        assert_eq!(code, 2, "{err}");
        assert_eq!(err.matches("error[").count(), 1, "{err}");
        assert!(err.contains("no site folder at nowhere"), "{err}");
        assert!(!dir.path().join("nowhere").exists(), "{command} made the mistyped root");
    }
    // A folder that is not a site (a build run by mistake in a home folder) is told so,
    // and nothing is made in it: no cache folder, no lock, no output.
    fs::create_dir_all(dir.path().join("home")).unwrap();
    for command in ["build", "check"] {
        let (code, _, err) = outcome(&run_in(&dir.path().join("home"), &[command]));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("`briefing.toml` not found"), "{err}");
        assert_eq!(fs::read_dir(dir.path().join("home")).unwrap().count(), 0, "{command} left something");
    }
}

/// A theme folder, or a template, linked from outside the site is not followed: the
/// default theme's folder and a site's template are skipped with a warning (the built-in
/// theme is used), a theme the site names is an error.
#[test]
fn linked_theme_folders_and_templates_are_not_followed() {
    let (dir, site) = fixture("ui-base");
    let outside = dir.path().join("outside/templates");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("404.html"), "<p>FROM OUTSIDE</p>").unwrap();
    fs::create_dir_all(site.join("themes")).unwrap();
    fs::create_dir_all(site.join("templates")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("outside"), site.join("themes/default")).unwrap();
    std::os::unix::fs::symlink(outside.join("404.html"), site.join("templates/404.html")).unwrap();
    let out = dir.path().join("out");
    let (code, _, err) = outcome(&run(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("`themes/default` is a symbolic link"), "{err}");
    assert!(err.contains("`templates/404.html` is a symbolic link"), "{err}");
    assert!(!String::from_utf8_lossy(&fs::read(out.join("404.html")).unwrap()).contains("FROM OUTSIDE"));
    std::os::unix::fs::symlink(dir.path().join("outside"), site.join("themes/mine")).unwrap();
    let config = fs::read_to_string(site.join("briefing.toml")).unwrap();
    fs::write(site.join("briefing.toml"), format!("theme = \"mine\"\n{config}")).unwrap();
    let (code, _, err) = outcome(&run(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`themes/mine` is a symbolic link"), "{err}");
}

/// No articles folder is one error, not one more for every quote of the claims file.
#[test]
fn a_missing_articles_folder_is_one_error() {
    let (dir, site) = fixture("ui-base");
    fs::remove_dir_all(site.join("content/articles")).unwrap();
    let out = dir.path().join("out");
    let (code, _, err) = outcome(&run(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]));
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.matches("error[").count(), 1, "{err}");
    assert!(err.contains("no `content/articles/` folder"), "{err}");
}
