//! `briefing import`: realistic saved pages (a news site with JSON-LD, a cookie banner, a
//! share bar, related stories and a newsletter box; a blog; a page with only Open Graph; a
//! page in Windows-1251; a right-to-left page) become articles that build at once, and
//! addresses on a local server are fetched within their limits. A failed import writes
//! nothing.

mod common;

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use common::*;

fn page_fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/import").join(name)
}

/// A new site, from `briefing new`.
fn new_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let (code, _, err) = outcome(&run(&["new", site.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    (dir, site)
}

fn import(site: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["import", "--root", site.to_str().unwrap()];
    all.extend_from_slice(args);
    outcome(&run(&all))
}

/// The front matter of an imported article, as TOML.
fn front(site: &Path, slug: &str) -> (toml::Table, String) {
    let text = fs::read_to_string(site.join(format!("content/articles/{slug}.md"))).unwrap();
    let rest = text.strip_prefix("+++\n").unwrap();
    let (head, body) = rest.split_once("+++\n").unwrap();
    (toml::from_str(head).unwrap(), body.to_string())
}

fn articles(site: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(site.join("content/articles"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into())
        .collect();
    names.sort();
    names
}

#[test]
fn realistic_pages_become_articles_that_build() {
    let (_dir, site) = new_site();
    let cases = [
        ("news.html", "news", "The Riverton Courier", Some("Dana Whitfield"), Some("2031-03-01")),
        ("blog.html", "blog", "", Some("Sam Okafor"), Some("2031-03-04")),
        ("og.html", "radio", "Riverton Radio", None, Some("2031-03-01")),
        ("cp1251.html", "vestnik", "Речной вестник", Some("Ирина Волкова"), None),
        ("rtl.html", "mina", "صحيفة الميناء", Some("ليلى حداد"), Some("2031-03-02")),
    ];
    for (file, slug, outlet, author, published) in cases {
        let (code, out, err) = import(&site, &[page_fixture(file).to_str().unwrap(), "--slug", slug]);
        assert_eq!(code, 0, "{file}: {err}");
        assert!(out.contains(&format!("imported `{slug}`")), "{out}");
        let (meta, body) = front(&site, slug);
        assert_eq!(meta.get("outlet").and_then(|v| v.as_str()).unwrap_or(""), outlet, "{file}");
        assert_eq!(meta.get("author").and_then(|v| v.as_str()), author, "{file}");
        let date = meta
            .get("published")
            .and_then(|v| v.as_datetime())
            .map(|d| d.date.map(|d| d.to_string()).unwrap_or_default());
        assert_eq!(date.as_deref(), published, "{file}");
        assert!(meta.get("retrieved").is_some(), "{file}");
        // The original, kept byte for byte, with its hash.
        let original = site.join("content/articles").join(meta["original"].as_str().unwrap());
        let bytes = fs::read(&original).unwrap();
        assert_eq!(bytes, fs::read(page_fixture(file)).unwrap(), "{file}: the page as it was");
        assert_eq!(meta["sha256"].as_str().unwrap(), briefing::model::article::Original::hash(&bytes));
        // The article's text, without the page's furniture.
        assert!(body.split_whitespace().count() > 40, "{file}: {body}");
        for furniture in ["Accept all cookies", "Related stories", "Library hours cut", "Archives", "Great post"] {
            assert!(!body.contains(furniture), "{file}: `{furniture}` kept:\n{body}");
        }
    }
    // Markdown kept: a heading, emphasis, a block quote, a list, absolute links.
    let (_, news) = front(&site, "news");
    for kept in [
        "## Why the cost rose",
        "**£2.4 million**",
        "*rising cost of steel*",
        "> \"We cannot",
        "- Closure: six weeks",
        "(https://courier.example.org/news/ferry-timetable)",
    ] {
        assert!(news.contains(kept), "`{kept}` in:\n{news}");
    }
    let (_, vestnik) = front(&site, "vestnik");
    assert!(vestnik.contains("Городской совет Ривертона"), "decoded from Windows-1251:\n{vestnik}");
    // It builds at once, with the page as retrieved beside the article, as text.
    let out = site.join("output");
    build(&site, &out);
    let page_html = fs::read_to_string(out.join("articles/news/index.html")).unwrap();
    assert!(page_html.contains("original.txt") && page_html.contains("SHA-256"), "the page names its original");
    assert_eq!(fs::read(out.join("articles/news/original.txt")).unwrap(), fs::read(page_fixture("news.html")).unwrap());
    // No script of the page survives into the site.
    for (path, bytes) in tree(&out).iter().filter(|(p, _)| p.ends_with(".html")) {
        let doc = scraper::Html::parse_document(std::str::from_utf8(bytes).unwrap());
        assert_eq!(doc.select(&sel("script:not([type='application/ld+json'])")).count(), 0, "{path}");
        assert_eq!(doc.select(&sel("[onload], [onerror], [onclick]")).count(), 0, "{path}");
    }
}

#[test]
fn leftovers_are_proposed_as_artifacts_that_anchor() {
    let (_dir, site) = new_site();
    let (code, out, err) = import(&site, &[page_fixture("news.html").to_str().unwrap(), "--slug", "news"]);
    assert_eq!(code, 0, "{err}");
    let snippet = &out[out.find("[[artifact]]").expect("a proposed artifact")..out.find("\n\nnext:").unwrap()];
    assert!(snippet.contains("quote = \"Read more: Ferry timetable for the bridge closure\""), "{snippet}");
    // Pasted as proposed, it anchors: the build marks the passage.
    let claims = site.join("content/claims.toml");
    let text = fs::read_to_string(&claims).unwrap();
    fs::write(&claims, format!("{text}\n{snippet}\n")).unwrap();
    let o = site.join("output");
    build(&site, &o);
    let doc = page(&o.join("articles/news/index.html"));
    assert_eq!(doc.select(&sel("mark.artifact[id]")).count(), 1);
}

#[test]
fn a_failed_import_writes_nothing() {
    let (dir, site) = new_site();
    let before = articles(&site);
    let nothing = dir.path().join("search.html");
    fs::write(&nothing, "<html><body><nav><a href=/>Home</a></nav><p>No results.</p></body></html>").unwrap();
    let not_html = dir.path().join("data.html");
    fs::write(&not_html, "%PDF-1.7 binary").unwrap();
    for (source, code, error) in [
        (nothing.to_str().unwrap(), 1, "import-no-article"),
        (not_html.to_str().unwrap(), 1, "import-no-article"),
        ("/no/such/page.html", 2, "io-read"),
    ] {
        let (c, _, err) = import(&site, &[source, "--slug", "x"]);
        assert_eq!(c, code, "{source}: {err}");
        assert!(err.contains(&format!("error[{error}]")) && err.contains("nothing was written"), "{err}");
        assert_eq!(articles(&site), before, "{source}");
    }
    // A second import of one name needs --force.
    let news = page_fixture("news.html");
    assert_eq!(import(&site, &[news.to_str().unwrap(), "--slug", "n"]).0, 0);
    let (c, _, err) = import(&site, &[news.to_str().unwrap(), "--slug", "n"]);
    assert_eq!(c, 2);
    assert!(err.contains("error[import-exists]"), "{err}");
    assert_eq!(import(&site, &[news.to_str().unwrap(), "--slug", "n", "--force"]).0, 0);
}

/// A local web server: `pages` by path, each with its headers; `/slow` answers after 3 s,
/// `/loop` redirects to itself. It counts requests by path.
fn serve(pages: Arc<Mutex<HashMap<String, (String, Vec<u8>)>>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let pages = Arc::clone(&pages);
            std::thread::spawn(move || answer(stream, &pages));
        }
    });
    addr
}

fn answer(mut stream: TcpStream, pages: &Mutex<HashMap<String, (String, Vec<u8>)>>) {
    let Some((_, path)) = read_request(&stream) else { return };
    let (head, body) = match path.as_str() {
        "/loop" => ("HTTP/1.1 302 Found\r\nLocation: /loop\r\n".to_string(), Vec::new()),
        "/slow" => {
            std::thread::sleep(std::time::Duration::from_secs(3));
            ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n".to_string(), b"<html></html>".to_vec())
        }
        p => match pages.lock().unwrap().get(p) {
            Some((headers, body)) => (format!("HTTP/1.1 200 OK\r\n{headers}"), body.clone()),
            None => ("HTTP/1.1 404 Not Found\r\n".to_string(), Vec::new()),
        },
    };
    let _ = write!(stream, "{head}Content-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    let _ = stream.write_all(&body);
}

#[test]
fn addresses_are_fetched_within_limits_and_a_changed_page_is_caught() {
    let pages = Arc::new(Mutex::new(HashMap::new()));
    let html = "Content-Type: text/html; charset=utf-8\r\n".to_string();
    let news = fs::read(page_fixture("news.html")).unwrap();
    let cp1251 = fs::read(page_fixture("cp1251.html")).unwrap();
    {
        let mut p = pages.lock().unwrap();
        p.insert("/news".to_string(), (html.clone(), news.clone()));
        // The charset in the header only: the page's own <meta> is removed.
        let meta = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">";
        let at = cp1251.windows(meta.len()).position(|w| w == meta).expect("the page's own charset");
        let bare = [&cp1251[..at], &cp1251[at + meta.len()..]].concat();
        p.insert("/ru".to_string(), ("Content-Type: text/html; charset=windows-1251\r\n".to_string(), bare));
        p.insert("/report.pdf".to_string(), ("Content-Type: application/pdf\r\n".to_string(), b"%PDF-1.7".to_vec()));
        let huge = format!("<html><body><p>{}</p></body></html>", "word ".repeat(2_300_000));
        p.insert("/huge".to_string(), (html.clone(), huge.into_bytes()));
    }
    let base = serve(Arc::clone(&pages));
    let (_dir, site) = new_site();
    let before = articles(&site);
    for (path, why) in [
        ("/loop", "redirects"),
        ("/slow", "no answer within 1 s"),
        ("/report.pdf", "`application/pdf`, not an HTML page"),
        ("/huge", "over 10 MB"),
        ("/missing", "the server answers 404"),
    ] {
        let (code, _, err) = import(&site, &[&format!("{base}{path}"), "--slug", "x", "--timeout", "1"]);
        assert_eq!(code, 2, "{path}: {err}");
        assert!(err.contains("error[import-fetch]") && err.contains(why), "{path}: {err}");
        assert_eq!(articles(&site), before, "{path}: nothing written");
    }
    let (code, _, err) = import(&site, &[&format!("{base}/ru"), "--slug", "ru"]);
    assert_eq!(code, 0, "{err}");
    let ru = front(&site, "ru").1;
    eprintln!("ORIG {:?}", &fs::read(site.join("content/articles/ru.orig.html")).unwrap()[..200]);
    assert!(ru.contains("Городской совет"), "the header's charset: {ru}");

    // Import, record a claim on it, build; the outlet edits its page; import again: the
    // build reports the quote the new text no longer has.
    let (code, _, err) = import(&site, &[&format!("{base}/news"), "--slug", "courier"]);
    assert_eq!(code, 0, "{err}");
    let (meta, _) = front(&site, "courier");
    assert_eq!(meta["url"].as_str(), Some("https://courier.example.org/news/harbour-bridge"));
    let claims = "[[claim]]\nid = \"cost\"\nclaim = \"The repairs cost £2.4 million.\"\nverdict = \"accurate\"\nfinding = \"The council's papers say so.\"\nexplanation = \"From the meeting papers.\"\nchecked = 2031-03-02\n\n  [[claim.appearance]]\n  article = \"courier\"\n  quote = \"nearly double the estimate it gave in the autumn\"\n";
    fs::write(site.join("content/claims.toml"), claims).unwrap();
    fs::remove_file(site.join("content/articles/example.md")).unwrap();
    let out = site.join("output");
    build(&site, &out);
    let edited = String::from_utf8(news)
        .unwrap()
        .replace("nearly double the estimate it gave in the autumn", "far above the estimate it gave last year");
    pages.lock().unwrap().insert("/news".to_string(), (html, edited.into_bytes()));
    let (code, _, err) = import(&site, &[&format!("{base}/news"), "--slug", "courier", "--force"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = outcome(&run(&["build", "--root", site.to_str().unwrap()]));
    assert_eq!(code, 1);
    assert!(err.contains("error[quote-not-found]") && err.contains("content/claims.toml:11"), "{err}");
}

/// The quotes of the e2e test of `--update`: one the edit leaves alone, one whose words
/// change between the same context, one rewritten with its context, one cut.
const CHECKED: [&str; 4] = [
    "seven votes to two",
    "nearly double the estimate it gave in the autumn",
    "Engineers found corrosion in twelve of the bridge's forty support cables",
    "A ferry service will run every twenty minutes while it is closed",
];

/// The outlet's edit of the news page, against [`CHECKED`].
fn edit(news: &str) -> String {
    news.replace("nearly double the estimate it gave in the autumn", "far above the estimate it gave last year")
        .replace(
            "Engineers found corrosion in twelve of the bridge's forty support cables during an inspection in January",
            "In January, inspectors found corrosion in twelve of the bridge's support cables",
        )
        .replace("A ferry service will run every twenty minutes while it is closed, the council said.", "")
}

#[test]
fn an_article_edited_after_the_check_is_updated_and_every_changed_passage_shown() {
    let pages = Arc::new(Mutex::new(HashMap::new()));
    let html = "Content-Type: text/html; charset=utf-8\r\n".to_string();
    let news = fs::read_to_string(page_fixture("news.html")).unwrap();
    pages.lock().unwrap().insert("/news".to_string(), (html.clone(), news.clone().into_bytes()));
    let url = format!("{}/news", serve(Arc::clone(&pages)));
    let (_dir, site) = new_site();
    let (code, _, err) = import(&site, &[&url, "--slug", "courier"]);
    assert_eq!(code, 0, "{err}");
    let mut claims = "[[claim]]\nid = \"cost\"\nclaim = \"The repairs cost £2.4 million.\"\nverdict = \"accurate\"\nfinding = \"The council's papers say so.\"\nexplanation = \"From the meeting papers.\"\nchecked = 2031-03-02\n".to_string();
    for q in CHECKED {
        claims.push_str(&format!("\n  [[claim.appearance]]\n  article = \"courier\"\n  quote = \"{q}\"\n"));
    }
    fs::write(site.join("content/claims.toml"), &claims).unwrap();
    fs::remove_file(site.join("content/articles/example.md")).unwrap();
    let out = site.join("output");
    build(&site, &out);
    let article = site.join("content/articles/courier.md");
    // The editor's own note survives an update; the page's data is the page's.
    let noted = fs::read_to_string(&article).unwrap().replacen("+++\n", "+++\nnote = \"Saved by the desk.\"\n", 1);
    fs::write(&article, &noted).unwrap();
    let (checked_text, checked_page) =
        (fs::read(&article).unwrap(), fs::read(site.join("content/articles/courier.orig.html")).unwrap());

    // The same page again: nothing to do, nothing written.
    let before = tree(&site.join("content"));
    let (code, stdout, err) = import(&site, &["--update", "courier", &url]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(stdout.contains("unchanged"), "{stdout}");
    assert_eq!(tree(&site.join("content")), before);

    // The outlet edits the page; the update keeps the checked version and reports each
    // passage that changed, at its line of the claims file, with a word diff.
    pages.lock().unwrap().insert("/news".to_string(), (html, edit(&news).into_bytes()));
    let (code, stdout, err) = import(&site, &["--update", "courier", &url]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("3 checked passage(s) of `courier` changed"), "{stdout}");
    assert_eq!(err.matches("warning[changed-after-check]").count(), 3, "{err}");
    for (line, how) in [
        (15, "found between the words around it"),
        (19, "found as the closest passage"),
        (23, "nothing (the passage was cut)"),
    ] {
        assert!(err.contains(&format!("--> content/claims.toml:{line}:11")), "line {line}: {err}");
        assert!(err.contains(how), "{how}: {err}");
    }
    assert!(
        err.contains("word diff: [-nearly double-]{+far above+} the estimate it gave [-in the autumn-]{+last year+}"),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(site.join("content/claims.toml")).unwrap(),
        claims,
        "the claims file is never touched"
    );
    let kept = site.join("content/articles/courier.versions/1");
    assert_eq!(fs::read(kept.join("courier.md")).unwrap(), checked_text);
    assert_eq!(fs::read(kept.join("courier.orig.html")).unwrap(), checked_page);
    let (meta, body) = front(&site, "courier");
    assert!(body.contains("far above the estimate"));
    assert_eq!(meta["note"].as_str(), Some("Saved by the desk."));
    let sha = |b: &[u8]| briefing::model::article::Original::hash(b);
    assert_eq!(meta["previous_sha256"].as_str(), Some(sha(&checked_text).as_str()), "the chain of versions");
    assert_eq!(meta["text_sha256"].as_str(), Some(sha(body.as_bytes()).as_str()));

    // The build passes, with the same warnings, and is the same incrementally as fresh.
    let (code, _, err) = outcome(&run(&["build", "--root", site.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("warning[changed-after-check]").count(), 3, "{err}");
    let (_fresh_dir, fresh) = {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("site");
        copy_dir(&site.join("content"), &copy.join("content"));
        fs::copy(site.join("briefing.toml"), copy.join("briefing.toml")).unwrap();
        build(&copy, &copy.join("output"));
        (dir, copy.join("output"))
    };
    assert!(tree(&out) == tree(&fresh), "an incremental build after an update is the fresh one");

    // The page says the article changed, links the version checked, and lists each
    // changed passage then and now.
    let doc = page(&out.join("articles/courier/index.html"));
    let changed = doc.select(&sel("aside.changed-after")).next().expect("the changed-after note");
    assert!(changed.select(&sel("a[href='v1.txt']")).next().is_some());
    let items: Vec<String> = changed.select(&sel("ul.changes > li")).map(text).collect();
    assert_eq!(items.len(), 3, "{items:#?}");
    assert!(items[0].contains("“nearly double the estimate it gave in the autumn”"), "{items:#?}");
    assert!(items[2].contains("cut from the article"), "{items:#?}");
    let ins: Vec<String> = changed.select(&sel("ins")).map(text).collect();
    assert!(ins.contains(&"far above".to_string()), "{ins:?}");
    assert_eq!(doc.select(&sel("mark.changed")).count(), 2, "the passages as they read now are marked");
    let v1 = fs::read_to_string(out.join("articles/courier/v1.txt")).unwrap();
    assert!(v1.starts_with("Harbour bridge repairs") && v1.contains(CHECKED[3]), "{v1}");
    assert_eq!(
        fs::read(out.join("articles/courier/v1-original.txt")).unwrap(),
        checked_page,
        "the page checked, published"
    );
    let listed: Vec<String> = page(&out.join("index.html")).select(&sel(".changed-count")).map(text).collect();
    assert_eq!(listed, ["3 changed after the check"]);
    // On the claim page, each changed passage is quoted as checked, then as it reads now.
    let claim = page(&out.join("claims/cost/index.html"));
    let now: Vec<String> = claim.select(&sel(".appearance-changed dd")).map(text).collect();
    assert_eq!(now.len(), 3, "{now:?}");
    assert!(now[2].contains("cut from the article"), "{now:?}");

    // claims.json says so too.
    let data: serde_json::Value = serde_json::from_str(&fs::read_to_string(out.join("claims.json")).unwrap()).unwrap();
    let apps = data["claims"][0]["appearances"].as_array().unwrap();
    let hows: Vec<&str> = apps.iter().map(|a| a["changed"]["how"].as_str().unwrap_or("-")).collect();
    assert_eq!(hows, ["-", "context", "fuzzy", "gone"]);
    assert_eq!(apps[1]["exact"], "far above the estimate it gave last year");
    let versions = &data["articles"][0]["versions"];
    assert_eq!(versions[0]["file"], "content/articles/courier.versions/1/courier.md");
    assert_eq!(versions[0]["page"], "articles/courier/v1.txt");
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(repo().join("docs/claims.schema.json")).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&data).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    history_is_guarded(&site);
}

/// After an update, the history cannot be cut or edited unseen, nor replaced by `--force`.
fn history_is_guarded(site: &Path) {
    let root = site.to_str().unwrap();
    let (code, _, err) = import(site, &[page_fixture("news.html").to_str().unwrap(), "--slug", "courier", "--force"]);
    assert_eq!(code, 2);
    assert!(err.contains("error[import-exists]") && err.contains("--update courier"), "{err}");
    let article = site.join("content/articles/courier.md");
    let text = fs::read_to_string(&article).unwrap();
    fs::write(&article, text.replace("far above", "well above")).unwrap();
    let (code, _, err) = outcome(&run(&["build", "--root", root]));
    assert_eq!(code, 1);
    assert!(err.contains("error[text-changed]") && err.contains("courier.md"), "{err}");
    fs::write(&article, &text).unwrap();
    let kept = site.join("content/articles/courier.versions/1/courier.md");
    let version = fs::read_to_string(&kept).unwrap();
    fs::write(&kept, version.replacen("Riverton", "Rivertown", 1)).unwrap();
    let (code, _, err) = outcome(&run(&["build", "--root", root]));
    assert_eq!(code, 1);
    assert!(err.contains("error[text-changed]") || err.contains("error[version-changed]"), "{err}");
    fs::write(&kept, &version).unwrap();
    let versions = site.join("content/articles/courier.versions");
    fs::rename(versions.join("1"), versions.join("2")).unwrap();
    let (code, _, err) = outcome(&run(&["build", "--root", root]));
    assert_eq!(code, 1);
    assert!(err.contains("error[version-changed]"), "{err}");
    fs::rename(versions.join("2"), versions.join("1")).unwrap();
    let (code, _, err) = outcome(&run(&["build", "--root", root]));
    assert_eq!(code, 0, "{err}");
}
