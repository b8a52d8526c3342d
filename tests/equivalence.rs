//! The safety net of the incremental store, for this redesign and every later one.
//!
//! Random edit scripts are applied to a small site: articles, claims, appearances and
//! corrections edited, added and removed; templates, static files and the config changed;
//! files renamed, touched without a change, edited twice within one tick of the file
//! system's clock; the claims file broken and fixed; two builds started at once. After each
//! step three builds must agree, file by file and diagnostic by diagnostic:
//!
//! - (a) an incremental build into the kept output, with its kept cache folder;
//! - (b) a fresh build into an empty folder, with an empty cache folder;
//! - (c) `serve`'s in-memory site, kept across the steps as `serve` keeps it.
//!
//! A failed build must leave (a)'s output as the last good build left it. `cargo test` runs
//! a bounded number of scripts; `BRIEFING_EQUIVALENCE_CASES=2000 cargo test --release
//! --test equivalence` runs more. Failing scripts are kept as regressions in
//! `tests/equivalence.proptest-regressions`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use briefing::commands::serve::pages::{Files, Next};
use briefing::pipeline::{self, Memory, Options};
use common::tree;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const WORDS: [&str; 16] = [
    "council", "budget", "vote", "library", "mayor", "river", "bridge", "school", "tax", "park", "seven", "two",
    "approved", "delayed", "rose", "fell",
];
const VERDICTS: [&str; 4] = ["accurate", "false", "misleading", "imprecise"];

/// An article of the model site.
#[derive(Debug, Clone)]
struct Art {
    name: String,
    md: bool,
    title: String,
    sentences: Vec<String>,
}

/// A claim of the model site; appearances name an article and quote a sentence.
#[derive(Debug, Clone)]
struct Claim {
    id: String,
    verdict: usize,
    finding: String,
    apps: Vec<(String, String)>,
    draft: bool,
}

/// The site the script edits, written out in full after each step (only the files whose
/// bytes changed are written, as an editor saves).
#[derive(Debug, Clone)]
struct Site {
    title: String,
    arts: Vec<Art>,
    claims: Vec<Claim>,
    corrections: Vec<(String, String)>,
    template: u8,
    statics: BTreeMap<String, String>,
    broken: bool,
    made: usize,
}

/// One step of a script. Indices are taken modulo what exists when the step runs.
#[derive(Debug, Clone)]
enum Op {
    EditSentence(usize, usize, String),
    AddSentence(usize, String),
    Retitle(usize, String),
    AddArticle(bool, Vec<String>),
    RemoveArticle(usize),
    RenameArticle(usize),
    /// A new verdict and finding, announced by a correction or not.
    EditClaim(usize, usize, String, bool),
    /// A claim made a draft, or published.
    Draft(usize),
    AddClaim(usize, usize),
    RemoveClaim(usize),
    AddAppearance(usize, usize, usize),
    RemoveAppearance(usize),
    AddCorrection(usize, String),
    RemoveCorrection,
    Template(u8),
    Static(u8, String),
    Config(String),
    Touch(usize),
    RacyEdit(usize),
    Break,
    TwoBuildsAtOnce,
}

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS.as_slice()), 3..7).prop_map(|w| {
        let s = w.join(" ");
        format!("{}{}.", s[..1].to_uppercase(), &s[1..])
    })
}

fn op() -> impl Strategy<Value = Op> {
    let i = || 0usize..8;
    prop_oneof![
        3 => (i(), i(), sentence()).prop_map(|(a, s, t)| Op::EditSentence(a, s, t)),
        2 => (i(), sentence()).prop_map(|(a, t)| Op::AddSentence(a, t)),
        1 => (i(), sentence()).prop_map(|(a, t)| Op::Retitle(a, t)),
        1 => (any::<bool>(), prop::collection::vec(sentence(), 1..4)).prop_map(|(m, s)| Op::AddArticle(m, s)),
        1 => i().prop_map(Op::RemoveArticle),
        1 => i().prop_map(Op::RenameArticle),
        3 => (i(), 0..VERDICTS.len(), sentence(), any::<bool>()).prop_map(|(c, v, f, a)| Op::EditClaim(c, v, f, a)),
        1 => i().prop_map(Op::Draft),
        2 => (i(), i()).prop_map(|(a, s)| Op::AddClaim(a, s)),
        1 => i().prop_map(Op::RemoveClaim),
        2 => (i(), i(), i()).prop_map(|(c, a, s)| Op::AddAppearance(c, a, s)),
        1 => i().prop_map(Op::RemoveAppearance),
        1 => (i(), sentence()).prop_map(|(c, t)| Op::AddCorrection(c, t)),
        1 => Just(Op::RemoveCorrection),
        1 => (0u8..3).prop_map(Op::Template),
        1 => (0u8..4, sentence()).prop_map(|(k, t)| Op::Static(k, t)),
        1 => sentence().prop_map(Op::Config),
        1 => i().prop_map(Op::Touch),
        1 => i().prop_map(Op::RacyEdit),
        1 => Just(Op::Break),
        1 => Just(Op::TwoBuildsAtOnce),
    ]
}

fn site() -> impl Strategy<Value = Site> {
    prop::collection::vec((any::<bool>(), prop::collection::vec(sentence(), 2..5)), 1..4).prop_map(|arts| {
        let arts: Vec<Art> = arts
            .into_iter()
            .enumerate()
            .map(|(n, (md, sentences))| Art { name: format!("a{n}"), md, title: sentences[0].clone(), sentences })
            .collect();
        let claims = arts
            .iter()
            .enumerate()
            .map(|(n, a)| Claim {
                id: format!("c{n}"),
                verdict: n % VERDICTS.len(),
                finding: a.sentences[0].clone(),
                apps: vec![(a.name.clone(), a.sentences[1].clone())],
                draft: false,
            })
            .collect();
        Site {
            title: "A briefing".into(),
            made: arts.len(),
            arts,
            claims,
            corrections: Vec::new(),
            template: 0,
            statics: BTreeMap::new(),
            broken: false,
        }
    })
}

/// A TOML basic string.
fn q(s: &str) -> String {
    format!("{s:?}")
}

impl Site {
    /// Every file of the site, by path relative to its root.
    fn files(&self) -> BTreeMap<String, String> {
        let mut files = BTreeMap::new();
        let config = format!(
            "title = {}\ndescription = \"Checked.\"\nlanguage = \"en\"\n\n[publisher]\nname = \"Desk\"\nurl = \"https://example.org/\"\n",
            q(&self.title)
        );
        files.insert("briefing.toml".into(), config);
        files.insert("content/briefing.md".into(), "A lead.\n".into());
        for a in &self.arts {
            let ext = if a.md { "md" } else { "txt" };
            let body = a.sentences.join(if a.md { "\n\n" } else { "\n" });
            let text =
                format!("+++\ntitle = {}\noutlet = \"Gazette\"\npublished = 2031-03-05\n+++\n{body}\n", q(&a.title));
            files.insert(format!("content/articles/{}.{ext}", a.name), text);
        }
        let mut claims = String::new();
        for c in &self.claims {
            claims += &format!(
                "[[claim]]\nid = {}\nclaim = \"A claim.\"\nverdict = {}\nfinding = {}\nexplanation = \"Why.\"\nchecked = 2031-03-06\n{}\n  [[claim.source]]\n  title = \"Minutes\"\n  url = \"https://example.org/minutes\"\n\n",
                q(&c.id),
                q(VERDICTS[c.verdict]),
                q(&c.finding),
                if c.draft { "draft = true\n" } else { "" }
            );
            for (article, quote) in &c.apps {
                claims += &format!("  [[claim.appearance]]\n  article = {}\n  quote = {}\n\n", q(article), q(quote));
            }
        }
        for (claim, text) in &self.corrections {
            claims += &format!("[[correction]]\ndate = 2031-03-08\nclaim = {}\ntext = {}\n\n", q(claim), q(text));
        }
        if self.broken {
            claims += "[[claim]\nid = \n";
        }
        files.insert("content/claims.toml".into(), claims);
        let theme = common::repo().join("themes/default/templates");
        match self.template {
            1 => {
                let base = fs::read_to_string(theme.join("base.html")).unwrap();
                files.insert(
                    "templates/base.html".into(),
                    base.replace("<main id=\"main\">", "<main id=\"main\" class=\"x\">"),
                );
            }
            2 => {
                let part = fs::read_to_string(theme.join("parts/claim-item.html")).unwrap();
                files.insert("templates/parts/claim-item.html".into(), part.replace("<li>", "<li class=\"x\">"));
            }
            _ => {}
        }
        for (name, text) in &self.statics {
            files.insert(format!("static/{name}"), text.clone());
        }
        files
    }

    /// Writes the site into `root`: changed files written, files no longer in it removed.
    fn write(&self, root: &Path, before: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        let files = self.files();
        for (path, text) in &files {
            if before.get(path) != Some(text) {
                let at = root.join(path);
                fs::create_dir_all(at.parent().unwrap()).unwrap();
                fs::write(at, text).unwrap();
            }
        }
        for path in before.keys().filter(|p| !files.contains_key(*p)) {
            fs::remove_file(root.join(path)).unwrap();
        }
        files
    }

    /// The path of an article's file.
    fn article_path(&self, i: usize) -> String {
        let a = &self.arts[i];
        format!("content/articles/{}.{}", a.name, if a.md { "md" } else { "txt" })
    }

    /// Applies `op` to the model; `Some` for steps that act on the files themselves.
    fn apply(&mut self, op: &Op) {
        let (na, nc) = (self.arts.len().max(1), self.claims.len().max(1));
        match op.clone() {
            Op::EditSentence(a, s, t) if !self.arts.is_empty() => {
                let art = &mut self.arts[a % na];
                let n = art.sentences.len();
                art.sentences[s % n] = t;
            }
            Op::AddSentence(a, t) if !self.arts.is_empty() => self.arts[a % na].sentences.push(t),
            Op::Retitle(a, t) if !self.arts.is_empty() => self.arts[a % na].title = t,
            Op::AddArticle(md, sentences) => {
                let name = format!("a{}", self.made);
                self.made += 1;
                self.arts.push(Art { name, md, title: sentences[0].clone(), sentences });
            }
            Op::RemoveArticle(a) if self.arts.len() > 1 => {
                let gone = self.arts.remove(a % na).name;
                for c in &mut self.claims {
                    c.apps.retain(|(art, _)| *art != gone);
                }
            }
            Op::RenameArticle(a) if !self.arts.is_empty() => {
                let name = format!("a{}", self.made);
                self.made += 1;
                let old = std::mem::replace(&mut self.arts[a % na].name, name.clone());
                for (art, _) in self.claims.iter_mut().flat_map(|c| c.apps.iter_mut()) {
                    if *art == old {
                        *art = name.clone();
                    }
                }
            }
            Op::EditClaim(c, v, f, announced) if !self.claims.is_empty() => {
                let claim = &mut self.claims[c % nc];
                (claim.verdict, claim.finding) = (v, f);
                if announced {
                    self.corrections.push((claim.id.clone(), format!("Edit {}.", self.made)));
                    self.made += 1;
                }
            }
            Op::Draft(c) if !self.claims.is_empty() => {
                let claim = &mut self.claims[c % nc];
                claim.draft = !claim.draft;
            }
            Op::AddClaim(a, s) if !self.arts.is_empty() => {
                let art = &self.arts[a % na];
                let quote = art.sentences[s % art.sentences.len()].clone();
                let id = format!("c{}", self.made);
                self.made += 1;
                self.claims.push(Claim {
                    id,
                    verdict: 0,
                    finding: quote.clone(),
                    apps: vec![(art.name.clone(), quote)],
                    draft: false,
                });
            }
            Op::RemoveClaim(c) if !self.claims.is_empty() => {
                let gone = self.claims.remove(c % nc).id;
                self.corrections.retain(|(claim, _)| *claim != gone);
            }
            Op::AddAppearance(c, a, s) if !self.claims.is_empty() && !self.arts.is_empty() => {
                let art = &self.arts[a % na];
                let quote = art.sentences[s % art.sentences.len()].clone();
                let name = art.name.clone();
                self.claims[c % nc].apps.push((name, quote));
            }
            Op::RemoveAppearance(c) if !self.claims.is_empty() => {
                self.claims[c % nc].apps.pop();
            }
            Op::AddCorrection(c, t) if !self.claims.is_empty() => {
                let id = self.claims[c % nc].id.clone();
                self.corrections.push((id, t));
            }
            Op::RemoveCorrection => {
                self.corrections.pop();
            }
            Op::Template(t) => self.template = t,
            Op::Static(kind, text) => match kind {
                0 | 1 => drop(self.statics.insert(format!("s{kind}.css"), text)),
                2 => drop(self.statics.pop_first()),
                _ => {
                    if let Some((name, text)) = self.statics.pop_first() {
                        self.statics.insert(format!("r{name}"), text);
                    }
                }
            },
            Op::Config(t) => self.title = t,
            Op::Break => self.broken = !self.broken,
            _ => {}
        }
    }
}

/// A build's files, or its diagnostics when it failed; diagnostics always.
#[derive(Debug, PartialEq)]
struct Seen {
    diagnostics: String,
    files: Option<BTreeMap<String, Vec<u8>>>,
}

/// Where the three builds run.
struct World {
    root: PathBuf,
    out: PathBuf,
    cache: PathBuf,
    scratch: PathBuf,
    memory: Memory,
    served: Files,
    last_good: Option<BTreeMap<String, Vec<u8>>>,
    written: BTreeMap<String, String>,
    /// The paths written since the served build last ran, as `serve`'s watcher reports
    /// them: the served build is told of them, and must find every other file unchanged.
    changed: Vec<String>,
    step: usize,
}

fn options(root: &Path, out: &Path, cache: &Path) -> Options {
    Options { root: root.into(), output: Some(out.into()), cache_dir: Some(cache.into()), ..Options::default() }
}

fn rendered(report: &briefing::model::diag::Report) -> String {
    let mut report = briefing::model::diag::Report { items: report.items.clone() };
    report.sort();
    report.render(false)
}

impl World {
    fn new(dir: &Path) -> World {
        World {
            root: dir.join("site"),
            out: dir.join("out/output"),
            cache: dir.join("cache"),
            scratch: dir.join("fresh"),
            memory: Memory::new(),
            served: Files::default(),
            last_good: None,
            written: BTreeMap::new(),
            changed: Vec::new(),
            step: 0,
        }
    }

    /// (a): an incremental build into the kept output.
    fn incremental(&self) -> Seen {
        let outcome = pipeline::build(&options(&self.root, &self.out, &self.cache));
        let files = outcome.summary.is_some().then(|| tree(&self.out));
        Seen { diagnostics: rendered(&outcome.report), files }
    }

    /// (b): a fresh build into an empty folder, with an empty cache.
    fn fresh(&self) -> Seen {
        let _ = fs::remove_dir_all(&self.scratch);
        let (out, cache) = (self.scratch.join("output"), self.scratch.join("cache"));
        let outcome = pipeline::build(&Options { published: self.record(), ..options(&self.root, &out, &cache) });
        let files = outcome.summary.is_some().then(|| tree(&out));
        Seen { diagnostics: rendered(&outcome.report), files }
    }

    /// (c): `serve`'s in-memory site, rebuilt from what it kept.
    fn served(&mut self) -> Seen {
        let opts = Options { root: self.root.clone(), dry_run: true, published: self.record(), ..Options::default() };
        let next = Next::after(&self.served);
        self.memory.changed(Some(std::mem::take(&mut self.changed)));
        let (report, made) = pipeline::make_in(&opts, &mut self.memory, &next);
        let files = next.files();
        let files = made.is_some().then(|| {
            self.served = files;
            self.served.iter().map(|(p, f)| (p.clone(), f.bytes.joined().into_owned())).collect()
        });
        Seen { diagnostics: rendered(&report), files }
    }

    /// What the incremental build published last, as the fresh and served builds compare
    /// with it (the incremental build, with its own output's).
    fn record(&self) -> Option<std::path::PathBuf> {
        let record = self.cache.with_file_name("published.json");
        record.exists().then_some(record)
    }

    /// Writes the site's changed files, noting their paths as a watcher would.
    fn write(&mut self, site: &Site) {
        let before = std::mem::take(&mut self.written);
        self.written = site.write(&self.root, &before);
        let (now, was) = (&self.written, &before);
        self.changed.extend(now.iter().filter(|(p, t)| was.get(*p) != Some(t)).map(|(p, _)| p.clone()));
        self.changed.extend(was.keys().filter(|p| !now.contains_key(*p)).cloned());
    }

    /// Writes the site, runs the three builds and checks that they agree.
    fn check(&mut self, site: &Site, what: &str) -> Result<(), TestCaseError> {
        self.step += 1;
        self.write(site);
        if let Ok(published) = fs::read(self.out.join("claims.json")) {
            // A new file each time: what the served build kept of the last is not trusted.
            let record = self.cache.with_file_name("published.json");
            let _ = fs::remove_file(&record);
            fs::write(record, published).unwrap();
        }
        let (a, b, c) = (self.incremental(), self.fresh(), self.served());
        if std::env::var_os("BRIEFING_EQUIVALENCE_SHOW").is_some() {
            eprintln!(
                "step {} ({what}): {} files\n{}",
                self.step,
                b.files.as_ref().map_or(0, |f| f.len()),
                b.diagnostics
            );
        }
        prop_assert_eq!(
            &a.diagnostics,
            &b.diagnostics,
            "step {} ({}): incremental and fresh diagnostics",
            self.step,
            what
        );
        prop_assert_eq!(&c.diagnostics, &b.diagnostics, "step {} ({}): serve and fresh diagnostics", self.step, what);
        match &b.files {
            Some(fresh) => {
                prop_assert!(
                    a.files.as_ref() == Some(fresh),
                    "step {} ({}): incremental output differs",
                    self.step,
                    what
                );
                prop_assert!(c.files.as_ref() == Some(fresh), "step {} ({}): serve's site differs", self.step, what);
                self.last_good = Some(fresh.clone());
            }
            None => {
                prop_assert!(
                    a.files.is_none() && c.files.is_none(),
                    "step {} ({}): only fresh failed",
                    self.step,
                    what
                );
                let now = self.out.exists().then(|| tree(&self.out));
                prop_assert!(now == self.last_good, "step {} ({}): a failed build changed the output", self.step, what);
            }
        }
        Ok(())
    }

    /// Applies a step that acts on the files themselves, before the builds.
    fn act(&mut self, site: &mut Site, op: &Op) {
        match op {
            Op::Touch(n) => {
                let paths: Vec<&String> = self.written.keys().collect();
                let path = self.root.join(paths[n % paths.len()]);
                let now = SystemTime::now();
                fs::File::options().write(true).open(path).unwrap().set_modified(now).unwrap();
            }
            Op::RacyEdit(a) if !site.arts.is_empty() => {
                // Two edits of the same length within one tick: the file's time is set back
                // to what it was after the first, with a build between them.
                let i = a % site.arts.len();
                let path = self.root.join(site.article_path(i));
                flip_case(&mut site.arts[i].title);
                self.write(site);
                let tick = fs::metadata(&path).unwrap().modified().unwrap();
                let _ = pipeline::build(&options(&self.root, &self.out, &self.cache));
                flip_case(&mut site.arts[i].title);
                self.write(site);
                fs::File::options().write(true).open(&path).unwrap().set_modified(tick).unwrap();
            }
            Op::TwoBuildsAtOnce => {
                self.write(site);
                let opts = options(&self.root, &self.out, &self.cache);
                std::thread::scope(|s| {
                    let one = s.spawn(|| pipeline::build(&opts).exit_code());
                    let two = s.spawn(|| pipeline::build(&opts).exit_code());
                    assert_eq!(one.join().unwrap(), two.join().unwrap());
                });
            }
            _ => {}
        }
    }
}

/// Swaps the case of a title's first letter: an edit that keeps the file's length.
fn flip_case(title: &mut String) {
    let first = title.remove(0);
    let flipped = if first.is_uppercase() { first.to_ascii_lowercase() } else { first.to_ascii_uppercase() };
    title.insert(0, flipped);
}

fn cases() -> u32 {
    std::env::var("BRIEFING_EQUIVALENCE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(200)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: 200,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/equivalence.proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn incremental_fresh_and_served_builds_agree_after_every_edit(
        start in site(),
        script in prop::collection::vec(op(), 1..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut world = World::new(dir.path());
        let mut site = start;
        world.check(&site, "first build")?;
        prop_assert!(world.last_good.is_some(), "the first site builds");
        for op in &script {
            site.apply(op);
            world.act(&mut site, op);
            world.check(&site, &format!("{op:?}"))?;
        }
        // Settle: a step with no edit at all changes nothing.
        std::thread::sleep(Duration::from_millis(1));
        world.check(&site, "no edit")?;
    }
}
