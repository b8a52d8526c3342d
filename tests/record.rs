//! Builds in separate runs skip the pages whose inputs did not change (the build record,
//! `src/record.rs`), and the result is always byte for byte what a fresh build gives.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use briefing::pipeline::{self, Options, Summary};
use briefing::store::{Store, Table};

/// Where `table` of the site's store is kept: the default cache folder, `.briefing/`.
fn table(site: &Path, table: Table) -> PathBuf {
    Store::of_site(site).path(table)
}

/// `bytes`, a kept table, as if another program (say, an older briefing) had written it.
fn foreign(bytes: &[u8]) -> Vec<u8> {
    let head = bytes.iter().position(|&b| b == b'\n').unwrap();
    let name = std::str::from_utf8(&bytes[..head]).unwrap().split(' ').nth(1).unwrap().to_string();
    [format!("briefing-store {name} 2 0.0.0-other 1 2").as_bytes(), &bytes[head..]].concat()
}

fn build(site: &Path, output: &Path) -> Summary {
    build_with(site, output, None)
}

/// A build with its own cache folder, when given.
fn build_with(site: &Path, output: &Path, cache: Option<PathBuf>) -> Summary {
    let opts = Options {
        root: site.to_path_buf(),
        output: Some(output.to_path_buf()),
        cache_dir: cache,
        ..Default::default()
    };
    let outcome = pipeline::build(&opts);
    assert_eq!(outcome.exit_code(), 0, "{:?}", outcome.report);
    outcome.summary.expect("a summary")
}

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), fs::read(e.path()).unwrap()))
        .collect()
}

/// A build into a new, empty folder, with a cache folder of its own: no twin, no record.
fn fresh(site: &Path, scratch: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let _ = fs::remove_dir_all(scratch);
    build_with(site, &scratch.join("output"), Some(scratch.join("cache")));
    tree(&scratch.join("output"))
}

#[test]
fn rebuilds_reuse_recorded_pages_and_equal_fresh_builds() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let out = dir.path().join("out/output");
    corpus::write_site(&site, corpus::Spec { articles: 30, claims: 60, seed: 4 }).unwrap();
    let first = build(&site, &out);
    assert!(table(&site, Table::Record).is_file(), "the build leaves a record");

    // Nothing changed: every page is reused, nothing is written.
    let again = build(&site, &out);
    assert_eq!(again.counts.written, 0);
    assert_eq!(first.counts.reused, 0);
    assert_eq!(again.counts.reused, again.counts.pages, "no page rendered again");
    assert_eq!((again.counts.files, again.counts.pages), (first.counts.files, first.counts.pages));
    assert_eq!(tree(&out), fresh(&site, &dir.path().join("f0")));

    // One claim changed: a few files are written, and the site is a fresh build's.
    for n in 1..=2 {
        corpus::edit_one_claim(&site, n).unwrap();
        let s = build(&site, &out);
        assert!(
            s.counts.written > 0 && s.counts.written < s.counts.files / 4,
            "edit {n} wrote {} of {}",
            s.counts.written,
            s.counts.files
        );
        assert!(s.counts.reused > s.counts.pages * 3 / 4, "edit {n} reused {} of {}", s.counts.reused, s.counts.pages);
        assert_eq!(tree(&out), fresh(&site, &dir.path().join(format!("f{n}"))), "edit {n}");
    }

    // One article's text changed: its page follows.
    let article = fs::read_dir(site.join("content/articles")).unwrap().map(|e| e.unwrap().path()).min().unwrap();
    let text = fs::read_to_string(&article).unwrap();
    fs::write(&article, format!("{text}\nA closing line added by the editor.\n")).unwrap();
    build(&site, &out);
    let now = tree(&out);
    assert_eq!(now, fresh(&site, &dir.path().join("f3")));
    assert!(now.values().any(|b| String::from_utf8_lossy(b).contains("A closing line added by the editor.")));

    // A template change reaches every page.
    fs::create_dir_all(site.join("templates")).unwrap();
    let base = include_str!("../themes/default/templates/base.html")
        .replace("<main id=\"main\">", "<main id=\"main\" class=\"edited\">");
    fs::write(site.join("templates/base.html"), base).unwrap();
    build(&site, &out);
    let now = tree(&out);
    assert_eq!(now, fresh(&site, &dir.path().join("f4")));
    assert!(
        now.iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
            .all(|(_, b)| String::from_utf8_lossy(b).contains("class=\"edited\""))
    );
}

/// An explanation is markdown, turned into HTML only for the pages that are rendered; its
/// edit must still reach every page that shows it, here the front page's discrepancies
/// (through a site's own part) as well as the claim's page.
#[test]
fn an_edited_explanation_reaches_every_page_that_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let out = dir.path().join("out/output");
    corpus::write_site(&site, corpus::Spec { articles: 30, claims: 60, seed: 4 }).unwrap();
    fs::create_dir_all(site.join("templates/parts")).unwrap();
    let part = include_str!("../themes/default/templates/parts/discrepancy.html").replace(
        "<p class=\"finding\" dir=\"auto\">{{ side.finding }}</p>",
        "<p class=\"finding\" dir=\"auto\">{{ side.finding }}</p><div class=\"why\">{{ side.explanation_html | safe }}</div>",
    );
    assert!(part.contains("class=\"why\""), "the discrepancy part changed shape");
    fs::write(site.join("templates/parts/discrepancy.html"), part).unwrap();
    build(&site, &out);

    let claims = site.join("content/claims.toml");
    let text = fs::read_to_string(&claims).unwrap();
    let first = text.find("[[discrepancy]]").and_then(|d| text[d..].find("claims = [\"").map(|c| d + c + 11)).unwrap();
    let side = &text[first..first + text[first..].find('"').unwrap()];
    let entry = text.find(&format!("id = \"{side}\"")).unwrap();
    let at = entry + text[entry..].find("Checked against [").unwrap();
    let edited = format!("{}Checked *twice* against [{}", &text[..at], &text[at + "Checked against [".len()..]);
    fs::write(&claims, edited).unwrap();
    let s = build(&site, &out);
    assert!(
        s.counts.written >= 2 && s.counts.written < s.counts.files / 4,
        "the edit wrote {} of {}",
        s.counts.written,
        s.counts.files
    );
    let now = tree(&out);
    assert_eq!(now, fresh(&site, &dir.path().join("fresh")));
    let shown = |p: &str| String::from_utf8_lossy(&now[Path::new(p)]).contains("Checked <em>twice</em> against");
    assert!(shown("index.html"), "the front page shows the new explanation");
    assert!(shown(&format!("claims/{side}/index.html")), "the claim's page shows it");
}

/// A small generated site, built once: (temporary folder, site, output).
fn small_site(seed: u64) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let out = dir.path().join("out/output");
    corpus::write_site(&site, corpus::Spec { articles: 5, claims: 8, seed }).unwrap();
    // Files written in the tick a build begins are read again by the next (see
    // `fronts.rs`): let that tick pass, so that the next build may trust them.
    std::thread::sleep(std::time::Duration::from_millis(50));
    build(&site, &out);
    (dir, site, out)
}

/// The kept file `kept` (whose heading begins `magic`) replaced by one that names another
/// program, then cut to `cut(its length)` bytes: each build after costs the work the file
/// saves, never a wrong byte. Claims 1 and 2 are edited, so that each has work to do.
fn foreign_then_cut(dir: &Path, site: &Path, out: &Path, kept: &Path, cut: fn(usize) -> usize) {
    fs::write(kept, foreign(&fs::read(kept).unwrap())).unwrap();
    corpus::edit_one_claim(site, 1).unwrap();
    build(site, out);
    assert_eq!(tree(out), fresh(site, &dir.join("f2")));
    let bytes = fs::read(kept).unwrap();
    fs::write(kept, &bytes[..cut(bytes.len())]).unwrap();
    corpus::edit_one_claim(site, 2).unwrap();
    build(site, out);
    assert_eq!(tree(out), fresh(site, &dir.join("f3")));
}

#[test]
fn a_hand_edited_or_deleted_page_is_made_again() {
    let (_dir, site, out) = small_site(2);
    let want = tree(&out);
    let page = out.join("index.html");
    // Same length, different bytes: only the file's identity gives it away.
    let bytes = fs::read(&page).unwrap();
    fs::remove_file(&page).unwrap();
    fs::write(&page, vec![b'x'; bytes.len()]).unwrap();
    fs::remove_file(
        out.join(fs::read_dir(out.join("claims")).unwrap().next().unwrap().unwrap().path().join("index.html")),
    )
    .unwrap();
    let s = build(&site, &out);
    assert!(s.counts.written >= 2, "{s:?}");
    assert_eq!(s.counts.reused, s.counts.pages - 2, "{s:?}");
    assert_eq!(tree(&out), want);
}

#[test]
fn files_added_by_hand_are_pruned_whichever_tree_they_fall_in() {
    let (dir, site, out) = small_site(7);
    // Let the build's time mark fall behind the folders' times the hand edits set.
    std::thread::sleep(std::time::Duration::from_millis(50));
    for round in 0..4 {
        let claim = fs::read_dir(out.join("claims")).unwrap().next().unwrap().unwrap().path();
        fs::write(claim.join("notes.txt"), "by hand").unwrap();
        fs::create_dir_all(out.join("extra/deep")).unwrap();
        fs::write(out.join("extra/deep/page.html"), "by hand").unwrap();
        fs::write(out.join("CNAME"), "by hand").unwrap();
        corpus::edit_one_claim(&site, round + 1).unwrap();
        build(&site, &out);
        // Twice: the hand-edited tree is the twin the second build prunes.
        build(&site, &out);
        assert_eq!(tree(&out), fresh(&site, &dir.path().join(format!("f{round}"))), "round {round}");
        assert!(table(&site, Table::Tree).is_file());
    }
}

#[test]
fn kept_feed_and_export_entries_follow_corrections_and_verdicts() {
    let (dir, site, out) = small_site(8);
    let claims = site.join("content/claims.toml");
    let feed_and_export = |tree: &BTreeMap<PathBuf, Vec<u8>>| {
        [Path::new("feed.xml"), Path::new("claims.json")].map(|p| String::from_utf8(tree[p].clone()).unwrap())
    };

    // A correction: the claim's feed entry moves up and says so; its export entry is updated.
    let text = fs::read_to_string(&claims).unwrap();
    let correction = "\n[[correction]]\nclaim = \"claim-000001\"\ndate = 2027-01-01\ntext = \"Fixed a figure.\"\n";
    fs::write(&claims, format!("{text}{correction}")).unwrap();
    build(&site, &out);
    let now = tree(&out);
    assert_eq!(now, fresh(&site, &dir.path().join("f1")));
    let [feed, export] = feed_and_export(&now);
    assert!(feed.contains("corrected once"), "{feed}");
    assert!(export.contains("Fixed a figure."));

    // A verdict changed: only that claim's entries differ, and they are made again.
    let text = fs::read_to_string(&claims).unwrap();
    let at = text.find("id = \"claim-000002\"").unwrap();
    let v = at + text[at..].find("verdict = \"").unwrap();
    let end = v + text[v..].find('\n').unwrap();
    let verdict = if text[v..end].contains("\"false\"") { "accurate" } else { "false" };
    let correction = "\n[[correction]]\nclaim = \"claim-000002\"\ndate = 2099-01-01\ntext = \"A new verdict.\"\n";
    fs::write(&claims, format!("{}verdict = \"{verdict}\"{}{correction}", &text[..v], &text[end..])).unwrap();
    build(&site, &out);
    assert_eq!(tree(&out), fresh(&site, &dir.path().join("f2")));
}

#[test]
fn a_stale_or_foreign_record_is_never_trusted() {
    let (dir, site, out) = small_site(3);
    let record = table(&site, Table::Record);
    // A record from another program (say, an older briefing) is ignored.
    fs::write(&record, foreign(&fs::read(&record).unwrap())).unwrap();
    corpus::edit_one_claim(&site, 1).unwrap();
    build(&site, &out);
    assert_eq!(tree(&out), fresh(&site, &dir.path().join("f1")));

    // A record that outlived its output (as after a crash between the swap and the
    // record's write) describes files that are no longer there.
    let before_edit = fs::read(&record).unwrap();
    corpus::edit_one_claim(&site, 2).unwrap();
    build(&site, &out);
    fs::write(&record, before_edit).unwrap();
    corpus::edit_one_claim(&site, 3).unwrap();
    build(&site, &out);
    assert_eq!(tree(&out), fresh(&site, &dir.path().join("f3")));

    // A garbled record costs a full render, nothing more.
    let garbled = format!("briefing-store record 2 {}\n\u{0}\u{1}", briefing::store::program());
    fs::write(&record, garbled).unwrap();
    build(&site, &out);
    assert_eq!(tree(&out), fresh(&site, &dir.path().join("f4")));
}

#[test]
fn kept_marks_follow_edited_quotes_and_are_never_trusted_from_elsewhere() {
    let (dir, site, out) = small_site(5);
    let marks = table(&site, Table::Marks);
    assert!(marks.is_file(), "the build keeps the marks it found");

    // A quote shortened by its last word: the article it quotes is scanned again.
    let claims = site.join("content/claims.toml");
    let text = fs::read_to_string(&claims).unwrap();
    let at = text.find("quote = \"").unwrap();
    let end = at + text[at..].find('\n').unwrap();
    let line = &text[at..end];
    let cut = line[..line.len() - 1].rfind(' ').unwrap();
    fs::write(&claims, format!("{}{}\"{}", &text[..at], &line[..cut], &text[end..])).unwrap();
    build(&site, &out);
    let now = tree(&out);
    assert_eq!(now, fresh(&site, &dir.path().join("f1")));

    // Marks kept by another program, or garbled, cost a full scan, nothing more.
    foreign_then_cut(dir.path(), &site, &out, &marks, |n| n / 2);
}

#[test]
fn spliced_files_follow_edits_and_are_never_trusted_from_elsewhere() {
    let (dir, site, out) = small_site(6);
    let layouts = table(&site, Table::Layouts);
    assert!(layouts.is_file(), "the build keeps what the large files are made of");

    // An override of one item's template reaches the front page.
    fs::create_dir_all(site.join("templates/parts")).unwrap();
    let item =
        include_str!("../themes/default/templates/parts/claim-item.html").replace("<li>", "<li class=\"edited\">");
    fs::write(site.join("templates/parts/claim-item.html"), item).unwrap();
    build(&site, &out);
    let now = tree(&out);
    assert_eq!(now, fresh(&site, &dir.path().join("f1")));
    assert!(String::from_utf8_lossy(&now[Path::new("index.html")]).contains("<li class=\"edited\">"));

    // Layouts kept by another program, or garbled, mean making every item.
    foreign_then_cut(dir.path(), &site, &out, &layouts, |n| n - 9);

    // A large file edited by hand is not copied from: its items are made again.
    for file in ["index.html", "claims.json", "sources/index.html"] {
        let path = out.join(file);
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replacen('<', "<!-- hand edit -->\n<", 1).replacen("\"claims\"", "\"clams\"", 1))
            .unwrap();
    }
    corpus::edit_one_claim(&site, 3).unwrap();
    build(&site, &out);
    assert_eq!(tree(&out), fresh(&site, &dir.path().join("f4")));
}

#[test]
fn kept_front_matter_follows_edited_articles_and_is_never_trusted_from_elsewhere() {
    let (dir, site, out) = small_site(8);
    let fronts = table(&site, Table::Fronts);
    let first = fs::read(&fronts).expect("the build keeps the articles' front matter");

    // Nothing changed: no article is read, and the kept front matter is not written again.
    build(&site, &out);
    assert_eq!(fs::read(&fronts).unwrap(), first);
    let h = std::sync::Arc::new(briefing::model::highlight::Highlighter::new());
    let kept = Store::of_site(&site).take().unwrap_or_default();
    let mut cache = briefing::stages::load::Cache { fronts: kept, ..Default::default() };
    let loaded = briefing::stages::load::load_cached(&site, &h, &mut cache).0.unwrap();
    assert!(loaded.articles.iter().all(|a| !a.is_read()), "unchanged files are not read");
    assert!(!cache.fronts.fresh);

    // A title edited in place, to the same length: only the file's time gives it away.
    let victim = site.join(&loaded.articles[2].name);
    let text = fs::read_to_string(&victim).unwrap();
    let at = text.find("title = \"").unwrap() + "title = \"".len();
    let edited = format!("{}Q{}", &text[..at], &text[at + 1..]);
    assert_eq!(edited.len(), text.len());
    fs::OpenOptions::new().write(true).open(&victim).unwrap().write_all(edited.as_bytes()).unwrap();
    build(&site, &out);
    let now = tree(&out);
    assert_eq!(now, fresh(&site, &dir.path().join("f1")));
    let page = String::from_utf8_lossy(&now[&Path::new("articles").join(&loaded.articles[2].slug).join("index.html")])
        .to_string();
    assert!(page.contains("<title>Q"), "the new title is on the page");

    // Another program's front matter, or a garbled file, means reading every article.
    foreign_then_cut(dir.path(), &site, &out, &fronts, |n| n - 5);
}

#[test]
fn an_article_whose_bytes_are_not_those_kept_fails_the_build_and_keeps_the_output() {
    let (_dir, site, out) = small_site(9);
    let before = tree(&out);

    // As if the file had changed between the look at its identity and the reading of its
    // text: the kept front matter vouches for bytes the file no longer has.
    let path = table(&site, Table::Fronts);
    let store = Store::of_site(&site);
    let mut kept: briefing::stages::load::fronts::Kept = store.take().unwrap();
    let (_, front) = kept.fronts.values_mut().min_by(|a, b| a.1.name.cmp(&b.1.name)).unwrap();
    front.hash ^= 1;
    let name = front.name.clone();
    store.keep(kept, true);

    let opts = Options { root: site.clone(), output: Some(out.clone()), ..Default::default() };
    let outcome = pipeline::build(&opts);
    assert_eq!(outcome.exit_code(), 2, "{:?}", outcome.report);
    let errors: Vec<_> = outcome.report.items.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, "io-changed");
    assert_eq!(errors[0].message, format!("`{name}` changed while the site was built"));
    assert_eq!(tree(&out), before, "the previous output is left as it was");
    assert!(!path.exists(), "front matter that vouched for other bytes is dropped");

    // Built again, the file is read afresh.
    build(&site, &out);
    assert_eq!(tree(&out), before);
}
