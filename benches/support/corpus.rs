//! A synthetic briefing of any size, for benchmarks: N articles (about 5 KB each, half
//! markdown with emphasis, links and some code, half plain text) and M claims with one to
//! three appearances each, quoted from the articles' rendered text. Deterministic for a
//! seed. The same articles can be written as a minimal Hugo site and a minimal Zola site,
//! for side-by-side timing.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Number of articles.
    pub articles: usize,
    /// Number of claims.
    pub claims: usize,
    /// Seed of the generator: the same seed gives the same files.
    pub seed: u64,
}

/// SplitMix64: tiny, fast, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "the",
    "council",
    "said",
    "budget",
    "vote",
    "report",
    "minister",
    "agreement",
    "company",
    "market",
    "year",
    "week",
    "official",
    "statement",
    "figure",
    "million",
    "billion",
    "percent",
    "data",
    "source",
    "analysis",
    "policy",
    "city",
    "region",
    "court",
    "ruling",
    "plan",
    "project",
    "contract",
    "partner",
    "partnership",
    "growth",
    "cost",
    "tax",
    "school",
    "hospital",
    "road",
    "bridge",
    "river",
    "energy",
    "power",
    "price",
    "rate",
    "bank",
    "loan",
    "fund",
    "and",
    "of",
    "to",
    "in",
    "for",
    "on",
    "with",
    "by",
    "after",
    "before",
    "under",
    "over",
    "new",
    "old",
    "first",
    "last",
    "major",
    "minor",
    "public",
    "private",
    "local",
    "national",
    "early",
    "late",
    "strong",
    "weak",
    "clear",
    "announced",
    "confirmed",
    "denied",
    "reported",
    "estimated",
    "approved",
    "rejected",
    "delayed",
    "expanded",
];

/// One generated article: its slug, whether it is markdown, its file text, and its
/// sentences as plain words (what the reader sees).
pub struct Article {
    pub slug: String,
    pub markdown: bool,
    pub title: String,
    pub body: String,
    pub sentences: Vec<Vec<String>>,
}

fn words(rng: &mut Rng, n: usize) -> Vec<String> {
    (0..n).map(|_| WORDS[rng.below(WORDS.len())].to_string()).collect()
}

/// Generates article `i`.
pub fn article(rng: &mut Rng, i: usize) -> Article {
    let markdown = i.is_multiple_of(2);
    let slug = format!("article-{i:06}");
    let title = format!("Report {i}: {}", words(rng, 5).join(" "));
    let mut body = String::new();
    let mut sentences = Vec::new();
    for p in 0..8 {
        let mut para = String::new();
        for s in 0..6 {
            // A unique marker word makes every sentence findable by exactly one quote.
            let mut ws = vec![format!("k{i}s{}", p * 6 + s)];
            ws.extend(words(rng, 14));
            let mut shown = Vec::new();
            for (k, w) in ws.iter().enumerate() {
                let styled = if markdown && k > 0 && rng.below(12) == 0 {
                    format!("*{w}*")
                } else if markdown && k > 0 && rng.below(40) == 0 {
                    format!("[{w}](https://example.org/{i}/{k})")
                } else {
                    w.clone()
                };
                shown.push(styled);
            }
            let _ = write!(para, "{}. ", shown.join(" "));
            sentences.push(ws);
        }
        body.push_str(para.trim_end());
        body.push_str(if markdown { "\n\n" } else { "\n" });
        if markdown && p == 3 && i.is_multiple_of(10) {
            body.push_str("```rust\nfn total(items: &[u64]) -> u64 {\n    items.iter().sum()\n}\n```\n\n");
        }
    }
    Article { slug, markdown, title, body, sentences }
}

fn quote_of(sentence: &[String], rng: &mut Rng) -> String {
    let len = 3 + rng.below(5);
    sentence[..len.min(sentence.len())].join(" ")
}

const CONFIG: &str = "title = \"Synthetic briefing\"\ndescription = \"Generated for benchmarks.\"\n\n[publisher]\nname = \"Bench desk\"\n";

/// Writes a briefing site into `dir` (created if needed).
pub fn write_site(dir: &Path, spec: Spec) -> io::Result<()> {
    fs::create_dir_all(dir.join("content"))?;
    fs::write(dir.join("briefing.toml"), CONFIG)?;
    fs::write(dir.join("content/briefing.md"), "A generated briefing, for *benchmarks*.\n")?;
    write_briefing(&dir.join("content"), spec)
}

/// Writes an archive into `dir`: `briefings` briefings (`content/b-0000/`…), each with the
/// articles and claims of `spec` (its seed plus the briefing's number), an event date a day
/// apart, and the same 37 outlets and 20 topics across briefings.
pub fn write_archive(dir: &Path, briefings: usize, spec: Spec) -> io::Result<()> {
    fs::create_dir_all(dir.join("content"))?;
    fs::write(dir.join("briefing.toml"), CONFIG)?;
    for b in 0..briefings {
        let folder = dir.join(format!("content/b-{b:04}"));
        fs::create_dir_all(&folder)?;
        let day = 1 + b % 28;
        let month = 1 + (b / 28) % 12;
        let year = 2026 + b / (28 * 12);
        fs::write(
            folder.join("briefing.md"),
            format!(
                "+++\ntitle = \"Briefing {b}\"\ndate = {year}-{month:02}-{day:02}\nsummary = \"Generated briefing {b}.\"\n+++\nA generated briefing, for *benchmarks*.\n"
            ),
        )?;
        write_briefing(&folder, Spec { seed: spec.seed + b as u64, ..spec })?;
    }
    Ok(())
}

/// Writes a briefing's articles (`articles/`) and claims (`claims.toml`) into `content`.
fn write_briefing(content: &Path, spec: Spec) -> io::Result<()> {
    let articles_dir = content.join("articles");
    fs::create_dir_all(&articles_dir)?;
    let mut rng = Rng::new(spec.seed);
    let mut all = Vec::with_capacity(spec.articles);
    for i in 0..spec.articles {
        let a = article(&mut rng, i);
        let ext = if a.markdown { "md" } else { "txt" };
        let text = format!(
            "+++\ntitle = \"{}\"\noutlet = \"Outlet {}\"\npublished = 2026-01-{:02}\n+++\n{}",
            a.title,
            i % 37,
            1 + i % 28,
            a.body
        );
        fs::write(articles_dir.join(format!("{}.{ext}", a.slug)), text)?;
        all.push(a);
    }
    // Each sentence is quoted at most once, so no two passages overlap.
    let mut used = vec![0usize; all.len()];
    let verdicts = ["accurate", "imprecise", "misleading", "outdated", "false", "unverifiable"];
    let mut claims = String::with_capacity(spec.claims * 700);
    for c in 0..spec.claims {
        let _ = write!(
            claims,
            "[[claim]]\nid = \"claim-{c:06}\"\nclaim = \"Claim number {c} about {}.\"\nverdict = \"{}\"\nfinding = \"Finding {c}: {}.\"\nexplanation = \"\"\"\nChecked against [the source](https://example.org/source/{c}); *{}*.\n\"\"\"\nchecked = 2026-02-{:02}\ntopic = \"Topic {}\"\n\n  [[claim.source]]\n  title = \"Source {c}\"\n  publisher = \"Publisher {}\"\n  url = \"https://example.org/source/{c}\"\n  date = 2026-01-{:02}\n",
            words(&mut rng, 4).join(" "),
            verdicts[c % verdicts.len()],
            words(&mut rng, 8).join(" "),
            words(&mut rng, 6).join(" "),
            1 + c % 28,
            c % 20,
            c % 50,
            1 + c % 28,
        );
        let appearances = 1 + (c % 3);
        for _ in 0..appearances {
            if all.is_empty() {
                break;
            }
            let mut ai = rng.below(all.len());
            let mut tries = 0;
            while used[ai] >= all[ai].sentences.len() && tries < all.len() {
                ai = (ai + 1) % all.len();
                tries += 1;
            }
            if used[ai] >= all[ai].sentences.len() {
                break;
            }
            let s = used[ai];
            used[ai] += 1;
            let q = quote_of(&all[ai].sentences[s], &mut rng);
            let _ = write!(claims, "\n  [[claim.appearance]]\n  article = \"{}\"\n  quote = \"{q}\"\n", all[ai].slug);
        }
        claims.push('\n');
    }
    for d in 0..spec.claims / 10 {
        let _ = write!(
            claims,
            "[[discrepancy]]\nid = \"d-{d:05}\"\ntitle = \"Discrepancy {d}\"\nclaims = [\"claim-{:06}\", \"claim-{:06}\"]\nresolution = \"Resolved {d}.\"\n\n",
            d * 10,
            d * 10 + 1
        );
    }
    for e in 0..20 {
        let _ = write!(claims, "[[event]]\ndate = 2026-01-{:02}\ntitle = \"Event {e}\"\n\n", 1 + e);
    }
    fs::write(content.join("claims.toml"), claims)
}

/// Changes one claim's finding, with the correction a published finding's change needs:
/// the edit of a rebuild benchmark. Edit `n` always gives the same file, with `n + 1`
/// corrections of the claim (a change needs one more than were published), so edits with
/// a rising `n` each pass the rule.
pub fn edit_one_claim(dir: &Path, n: u64) -> io::Result<()> {
    let path = dir.join("content/claims.toml");
    let text = fs::read_to_string(&path)?;
    let at = text.find("finding = \"Finding 0").ok_or_else(|| io::Error::other("no claim 0"))?;
    let id_at = text[..at].rfind("id = \"").ok_or_else(|| io::Error::other("no id"))?;
    let id = text[id_at + 6..].split('"').next().unwrap_or_default();
    let end = at + text[at..].find('\n').unwrap_or(0);
    let mark = format!("\n[[correction]]\ndate = 2099-01-01\nclaim = \"{id}\"\ntext = \"Edit ");
    let rest = &text[end..];
    let rest = rest.find(&mark).map_or(rest, |k| &rest[..k]);
    let corrections: String = (0..=n).map(|k| format!("{mark}{k}.\"\n")).collect();
    let new = format!("{}finding = \"Finding 0, edit {n}.\"{rest}{corrections}", &text[..at]);
    fs::write(&path, new)
}

/// The same articles (markdown bodies, no claims) as a minimal Hugo site.
pub fn write_hugo(dir: &Path, spec: Spec) -> io::Result<()> {
    fs::create_dir_all(dir.join("content/articles"))?;
    fs::create_dir_all(dir.join("layouts/_default"))?;
    fs::write(
        dir.join("hugo.toml"),
        "baseURL = \"https://example.org/\"\ntitle = \"Synthetic\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\"]\n",
    )?;
    fs::write(
        dir.join("layouts/_default/single.html"),
        "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n",
    )?;
    fs::write(
        dir.join("layouts/_default/list.html"),
        "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n",
    )?;
    fs::write(
        dir.join("layouts/index.html"),
        "<!DOCTYPE html><html><head><title>{{ .Site.Title }}</title></head><body><ul>{{ range .Site.RegularPages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n",
    )?;
    let mut rng = Rng::new(spec.seed);
    for i in 0..spec.articles {
        let a = article(&mut rng, i);
        fs::write(
            dir.join(format!("content/articles/{}.md", a.slug)),
            format!("+++\ntitle = \"{}\"\n+++\n{}", a.title, a.body),
        )?;
    }
    Ok(())
}

/// The same articles as a minimal Zola site.
pub fn write_zola(dir: &Path, spec: Spec) -> io::Result<()> {
    fs::create_dir_all(dir.join("content/articles"))?;
    fs::create_dir_all(dir.join("templates"))?;
    fs::write(
        dir.join("config.toml"),
        "base_url = \"https://example.org\"\ntitle = \"Synthetic\"\ncompile_sass = false\nbuild_search_index = false\n",
    )?;
    fs::write(
        dir.join("templates/page.html"),
        "<!DOCTYPE html><html><head><title>{{ page.title }}</title></head><body><h1>{{ page.title }}</h1>{{ page.content | safe }}</body></html>\n",
    )?;
    fs::write(
        dir.join("templates/section.html"),
        "<!DOCTYPE html><html><body><ul>{% for p in section.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}</ul></body></html>\n",
    )?;
    fs::write(dir.join("templates/index.html"), "<!DOCTYPE html><html><body>Synthetic</body></html>\n")?;
    fs::write(dir.join("content/articles/_index.md"), "+++\ntitle = \"Articles\"\n+++\n")?;
    let mut rng = Rng::new(spec.seed);
    for i in 0..spec.articles {
        let a = article(&mut rng, i);
        fs::write(
            dir.join(format!("content/articles/{}.md", a.slug)),
            format!("+++\ntitle = \"{}\"\n+++\n{}", a.title, a.body),
        )?;
    }
    Ok(())
}
