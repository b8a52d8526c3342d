//! The command line: parses arguments, runs the library, prints, returns the exit code.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::model::diag::Diagnostic;
use crate::pipeline::{self, Options, Outcome};

/// briefing: build a fact-checked news briefing as a static site.
#[derive(Debug, Parser)]
#[command(name = "briefing", version = env!("BRIEFING_VERSION"), about, long_about = None)]
struct Cli {
    /// Print errors only: no summary line, no warnings.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Print every warning in full; by default, past the first 5 of one kind, the rest
    /// are counted in one line.
    #[arg(long, global = true)]
    all_warnings: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site from content/ into output/.
    Build(BuildArgs),
    /// Run every check of `build`, and check every link, without writing anything.
    Check(CheckArgs),
    /// Build, serve the site locally, and rebuild and reload on every change.
    Serve(ServeArgs),
    /// Create a new briefing in DIR, ready to build; or, with --briefing, add one to the
    /// archive in DIR.
    New {
        /// The folder to create (must not exist, or be empty); with --briefing, the
        /// archive's folder [default: .].
        #[arg(required_unless_present = "briefing")]
        dir: Option<PathBuf>,
        /// Add the briefing SLUG to an archive (content/SLUG/), creating the archive if
        /// DIR does not exist.
        #[arg(long, value_name = "SLUG")]
        briefing: Option<String>,
    },
    /// Import an article from a saved web page or an address into content/articles/.
    Import(ImportArgs),
    /// Print the default theme's strings in a language (en, fr, de, es, ru, ar): the table
    /// to copy into locales/<language>.toml to add or reword a language.
    Locale {
        /// The language.
        #[arg(default_value = "en")]
        language: String,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
struct SiteArgs {
    /// The site's folder (holding briefing.toml).
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// The absolute URL the site will be served from (overrides briefing.toml).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// The `claims.json` last published, downloaded from the live site, to hold verdicts
    /// and findings against [default: the output's own].
    #[arg(long, value_name = "FILE")]
    published: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Where to write the site [default: <root>/output].
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Where to keep what the next build reuses, and to stage the site before it is
    /// swapped in [default: <root>/.briefing]. On the output's file system, the swap is
    /// atomic.
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Fail at once if another build of the site is running, instead of waiting for it.
    #[arg(long)]
    no_wait: bool,
    /// Publish the drafts too, each marked DRAFT: for a preview, never for the live site.
    #[arg(long)]
    drafts: bool,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Treat warnings as errors (exit 1 when there are any).
    #[arg(long)]
    deny_warnings: bool,
    /// Check the site as `build --drafts` makes it (drafts checked in full either way).
    #[arg(long)]
    drafts: bool,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Also list discrepancies the claims file does not cover yet, each with a snippet
    /// to paste. Never changes output/ or the exit code.
    #[arg(long)]
    suggest: bool,
    /// With --suggest: show the N strongest suggestions and say how many more there are;
    /// 0 shows them all.
    #[arg(long, value_name = "N", default_value_t = 50, requires = "suggest")]
    limit: usize,
    /// With --suggest: only suggestions scored S or more, from 0 to 1 (each one's score is
    /// in --format json); docs/suggest.md gives the precision and recall measured at each.
    #[arg(long, value_name = "S", default_value_t = 0.0, requires = "suggest", value_parser = score, allow_negative_numbers = true)]
    min_score: f32,
    /// Also check that every source and article address still answers (over the network;
    /// never done by `build`). Dead and moved links are warnings.
    #[arg(long)]
    external: bool,
    /// With --external: how long, in seconds, one request may take (1 to 600).
    #[arg(long, value_name = "SECS", default_value_t = 10, requires = "external", value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
    /// With --external: how old, in hours, a kept answer may be and still stand; 0 asks
    /// about every link again.
    #[arg(long, value_name = "HOURS", default_value_t = 24, requires = "external")]
    max_age: u64,
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// A saved web page (.html), or the article's http(s):// address [with --update:
    /// default the article's `url`].
    #[arg(required_unless_present = "update")]
    source: Option<String>,
    /// Import the article SLUG again: its text and original are kept as a version, and
    /// every quote is anchored again; the passages that changed are reported.
    #[arg(long, value_name = "SLUG", conflicts_with_all = ["slug", "force", "format"])]
    update: Option<String>,
    /// In an archive: the briefing the article is for (content/SLUG/articles/).
    #[arg(long, value_name = "SLUG")]
    briefing: Option<String>,
    /// The site's folder (holding briefing.toml).
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// The article's name (its file name and page address) [default: made from its title].
    #[arg(long, value_name = "NAME")]
    slug: Option<String>,
    /// Write the article as markdown (keeping headings, emphasis, links, lists and block
    /// quotes) or as plain text.
    #[arg(long, value_enum, default_value_t = ArticleFormat::Md)]
    format: ArticleFormat,
    /// Replace an article of the same name.
    #[arg(long)]
    force: bool,
    /// With an address: how long, in seconds, the fetch may take (1 to 600).
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
}

/// The format of an imported article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ArticleFormat {
    /// Markdown (`.md`).
    Md,
    /// Plain text (`.txt`).
    Txt,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The port to listen on [default: 8000, or the next free one]; 0 picks any free one.
    #[arg(long)]
    port: Option<u16>,
    /// The address to listen on. Only loopback by default: the server is for the editor.
    /// `--bind 0.0.0.0` previews on the local network (with a warning).
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    bind: String,
    /// Open the site in the browser ($BROWSER, or the system's default).
    #[arg(long)]
    open: bool,
}

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// rustc-style text, as `build` prints.
    Human,
    /// One JSON object per line and diagnostic.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`): errors on the lines
    /// of a pull request.
    Github,
    /// GitLab's code-quality report: one JSON array.
    Gitlab,
}

/// Runs briefing with `args` (program name first) and returns the process exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap: 0 for --help/--version, 2 for usage errors.
            return e.exit_code();
        }
    };
    let show = super::Show { quiet: cli.quiet, all_warnings: cli.all_warnings };
    match cli.command {
        Command::Build(a) => {
            let opts = Options {
                root: a.site.root,
                output: a.output,
                base_url: a.site.base_url,
                dry_run: false,
                check_links: false,
                suggest: false,
                suggest_limit: 0,
                suggest_min_score: 0.0,
                cache_dir: a.cache_dir,
                no_wait: a.no_wait,
                published: a.site.published,
                drafts: a.drafts,
                one_shot: true,
            };
            // Whether a failure leaves a site as it was, or none was there to leave.
            let before = opts.output.clone().unwrap_or_else(|| opts.root.join("output"));
            let previous = std::fs::read_dir(&before).is_ok_and(|mut d| d.next().is_some());
            let outcome = pipeline::build(&opts);
            print_outcome(&outcome, show, "built", previous);
            outcome.exit_code()
        }
        Command::Check(a) => check(a, show),
        Command::Import(a) => import(a, cli.quiet),
        Command::Locale { language } => locale(&language),
        Command::Serve(a) => crate::commands::serve::run(&crate::commands::serve::Serve {
            root: a.site.root,
            base_url: a.site.base_url,
            published: a.site.published,
            bind: a.bind,
            port: a.port,
            open: a.open,
            show,
        }),
        Command::New { dir, briefing: Some(slug) } => {
            new_briefing(&dir.unwrap_or_else(|| PathBuf::from(".")), &slug, cli.quiet)
        }
        Command::New { dir, briefing: None } => {
            let dir = dir.unwrap_or_default();
            match crate::commands::scaffold::create(&dir) {
                Ok(()) => {
                    if !cli.quiet {
                        let d = dir.display();
                        println!(
                            "created a new briefing in {d}\n\nnext:\n  cd {d}\n  briefing check    # verify the claims and quotes\n  briefing serve    # preview at http://127.0.0.1:8000/, rebuilt as you edit\n  briefing build    # write the site into output/"
                        );
                    }
                    0
                }
                Err(e) => {
                    let (code, help) = match e.kind() {
                        std::io::ErrorKind::AlreadyExists => {
                            ("usage", "choose a folder that does not exist yet, or an empty one")
                        }
                        _ => ("io-write", "check that the folder's parent exists and may be written"),
                    };
                    let d = Diagnostic::error(code, format!("cannot create {}: {e}", dir.display())).help(help);
                    eprintln!("{}", d.render(super::color()));
                    2
                }
            }
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "briefing", &mut std::io::stdout());
            0
        }
    }
}

/// `briefing check`: every check of `build` and the links, nothing written; with
/// `--suggest`, the suggestions.
fn check(a: CheckArgs, show: super::Show) -> i32 {
    let quiet = show.quiet;
    let root = a.site.root.clone();
    let opts = Options {
        root: a.site.root,
        output: None,
        base_url: a.site.base_url,
        dry_run: true,
        check_links: true,
        suggest: a.suggest,
        suggest_limit: a.limit,
        suggest_min_score: a.min_score,
        published: a.site.published,
        drafts: a.drafts,
        ..Options::default()
    };
    let mut outcome = pipeline::build(&opts);
    let external = a.external.then(|| external(&root, a.timeout, a.max_age, &mut outcome));
    // -q prints errors only; denied, warnings are errors too.
    let shown: Vec<&Diagnostic> =
        outcome.report.items.iter().filter(|d| !quiet || d.is_error() || a.deny_warnings).collect();
    match a.format {
        Format::Human => {
            // Denied, warnings are errors: -q shows them too.
            // Denied, warnings fail the check as errors do: each is printed, none counted.
            let show = super::Show { all_warnings: show.all_warnings || a.deny_warnings, ..show };
            if quiet && a.deny_warnings {
                let warnings = outcome.report.items.iter().filter(|d| !d.is_error());
                super::print_diagnostics(warnings, super::Show { quiet: false, ..show }, false);
            }
            print_outcome(&outcome, show, "checked", false);
            match external.filter(|_| !quiet) {
                Some(Some(s)) => print_external(&s, a.max_age),
                Some(None) => println!("external links were not checked: the site has errors; fix them first"),
                None => {}
            }
            match (a.suggest, outcome.report.errors()) {
                (false, _) => {}
                (true, 0) => print_suggestions(&outcome.suggestions, &opts.root, quiet),
                (true, _) => println!("no suggestions were made: the site has errors; fix them first"),
            }
        }
        Format::Github => {
            shown.iter().for_each(|d| println!("{}", crate::commands::annotate::github(d, &root, a.deny_warnings)));
        }
        Format::Gitlab => println!("{:#}", crate::commands::annotate::gitlab(&shown, &root, a.deny_warnings)),
        Format::Json => {
            shown.iter().for_each(|d| println!("{}", d.to_json()));
            for s in &outcome.suggestions.shown {
                println!("{}", s.to_json());
            }
            // What --external asked, as the human summary line says it.
            if let Some(external) = &external {
                let line = match external {
                    Some(s) => serde_json::json!({ "severity": "summary", "external": {
                        "links": s.links, "asked": s.asked, "dead": s.dead, "moved": s.moved,
                        "refused": s.refused.iter().map(|(u, status)| serde_json::json!({ "url": u, "status": status })).collect::<Vec<_>>(),
                        "offline": s.offline,
                    }}),
                    None => serde_json::json!({ "severity": "summary", "external": { "checked": false } }),
                };
                println!("{line}");
            }
            if a.suggest {
                // How many there were in all: --limit shows the strongest.
                let (shown, total) = (outcome.suggestions.shown.len(), outcome.suggestions.total);
                let mut summary = serde_json::json!({ "severity": "summary", "suggestions": total, "shown": shown });
                let below = outcome.suggestions.below;
                if below > 0 {
                    summary["below_min_score"] = below.into();
                }
                // None were looked for: the site has errors (see `print_suggestions`).
                if outcome.report.errors() > 0 {
                    summary["made"] = false.into();
                }
                println!("{summary}");
            }
        }
    }
    match outcome.exit_code() {
        0 if a.deny_warnings && outcome.report.warnings() > 0 => {
            if a.format == Format::Human {
                eprintln!("check failed: warnings are denied (--deny-warnings)");
            }
            1
        }
        code => code,
    }
}

/// `check --external`: the site's web addresses asked about, their warnings added to
/// `outcome`; the summary, when the site could be read.
fn external(
    root: &std::path::Path,
    timeout: u64,
    max_age: u64,
    outcome: &mut Outcome,
) -> Option<crate::external::Summary> {
    use crate::external::{self, kept::Answers, probe::Settings};
    let highlighter = std::sync::Arc::new(crate::model::highlight::Highlighter::new());
    // A site that does not read cleanly may have lost some of its addresses: none is asked.
    let (site, diags) = crate::stages::load::load(root, &highlighter);
    let site = site.filter(|_| !diags.iter().any(Diagnostic::is_error))?;
    let store = crate::store::Store::of_site(root);
    let mut answers = store.take::<Answers>().unwrap_or_default();
    let settings = Settings {
        timeout: std::time::Duration::from_secs(timeout),
        retries: 2,
        backoff: std::time::Duration::from_millis(250),
    };
    let opts = external::Options { settings, workers: 8, per_host: 2, max_age: max_age.saturating_mul(3600) };
    let (diags, summary) = external::check(&external::links(&site), &mut answers, &opts);
    store.keep(answers, true);
    outcome.report.extend(diags);
    outcome.report.sort();
    Some(summary)
}

/// The summary line of `check --external`.
fn print_external(s: &crate::external::Summary, max_age: u64) {
    if s.offline {
        println!(
            "external links were not checked: none of the {} address{} asked could be looked up, so this machine seems offline; nothing was kept, and no link was called dead",
            s.asked,
            if s.asked == 1 { "" } else { "es" }
        );
        return;
    }
    let kept = s.links - s.asked;
    let from = if kept > 0 { format!(", {kept} answered in the last {max_age} h") } else { String::new() };
    let refused = match s.refused.len() {
        0 => String::new(),
        n => format!(", {n} refused to answer (not known to be dead; look at them in a browser):"),
    };
    println!(
        "checked {} external link{} ({} asked now{from}): {} dead, {} moved{refused}",
        s.links,
        plural(s.links),
        s.asked,
        s.dead,
        s.moved
    );
    for (url, status) in &s.refused {
        println!("  {url} ({status})");
    }
}

/// `briefing locale`: the built-in table for `language`, or the list of those there are.
fn locale(language: &str) -> i32 {
    // As `language` in briefing.toml is checked: `fr-` or `../x` would name a file no
    // build reads.
    if !crate::model::config::valid_language(language) {
        let d = Diagnostic::error("usage", format!("`{language}` is not a language tag"))
            .help("use a BCP 47 language tag, as `language` in briefing.toml takes: `en`, `fr`, `pt-BR`");
        eprintln!("{}", d.render(super::color()));
        return 2;
    }
    let tables = crate::stages::load::theme::BUILTIN
        .iter()
        .filter_map(|(p, t)| Some((p.strip_prefix("locales/")?.strip_suffix(".toml")?, t)));
    let tables: Vec<(&str, &&str)> = tables.collect();
    // As a build finds a language's table: the tag's own, else its primary language's
    // (`de-AT` is written with `de`'s).
    let primary = language.split('-').next().unwrap_or(language);
    let found =
        [language, primary].into_iter().find_map(|tag| tables.iter().find(|(l, _)| l.eq_ignore_ascii_case(tag)));
    match found {
        Some((tag, text)) => {
            if !tag.eq_ignore_ascii_case(language) {
                eprintln!(
                    "note: no table of its own for `{language}`: a site in `{language}` is written with `{tag}`'s, printed here"
                );
            }
            print!("{text}");
            0
        }
        None => {
            let have: Vec<&str> = tables.iter().map(|(l, _)| *l).collect();
            let d = Diagnostic::error("usage", format!("the default theme has no strings in `{language}`"))
                .help(format!("it has: {}; to add a language, copy `briefing locale en` into locales/{language}.toml and translate it", have.join(", ")));
            eprintln!("{}", d.render(super::color()));
            2
        }
    }
}

/// `briefing new --briefing SLUG [DIR]`: exit 0 added, 2 refused.
fn new_briefing(dir: &std::path::Path, slug: &str, quiet: bool) -> i32 {
    match crate::commands::scaffold::add_briefing(dir, slug) {
        Ok(()) => {
            if !quiet {
                let at = dir.join("content").join(slug);
                println!(
                    "added the briefing `{slug}` in {}\n\nnext: write its title, date and lead in briefing.md, its articles and claims, then\n  briefing check --root {}",
                    at.display(),
                    dir.display()
                );
            }
            0
        }
        Err((message, help)) => {
            eprintln!("{}", Diagnostic::error("usage", message).help(help).render(super::color()));
            2
        }
    }
}

/// `briefing import`: exit 0 imported, 1 no article in the page, 2 usage, I/O or fetch.
fn import(a: ImportArgs, quiet: bool) -> i32 {
    let opts = crate::import::Options {
        root: a.root,
        source: a.source.unwrap_or_default(),
        slug: a.slug,
        markdown: a.format == ArticleFormat::Md,
        force: a.force,
        limits: crate::import::fetch::Limits {
            timeout: std::time::Duration::from_secs(a.timeout),
            ..crate::import::fetch::Limits::default()
        },
        briefing: a.briefing,
    };
    if let Some(slug) = a.update {
        return update(&opts, &slug, quiet);
    }
    match crate::import::import(&opts) {
        Ok(done) => {
            if !quiet {
                print_imported(&done);
            }
            0
        }
        Err(d) => {
            eprintln!(
                "{}
",
                d.render(super::color())
            );
            eprintln!("import failed; nothing was written");
            if d.code == "import-no-article" || d.code == "bad-slug" { 1 } else { 2 }
        }
    }
}

/// `briefing import --update`: the new version in place, then the site checked, and what
/// changed after the check reported. Exit 0, or 1 when the site now has errors.
fn update(opts: &crate::import::Options, slug: &str, quiet: bool) -> i32 {
    let (article, version) = match crate::import::update::update(opts, slug) {
        Ok(crate::import::update::Updated::Unchanged { article }) => {
            if !quiet {
                println!("`{article}` is unchanged: the page has the same article text; nothing was written");
            }
            return 0;
        }
        Ok(crate::import::update::Updated::Kept { article, version, fields }) => {
            if !quiet {
                for (field, before, now) in &fields {
                    println!("the page's {field} changed: \"{before}\" → \"{now}\"");
                }
            }
            (article, version)
        }
        Err(d) => {
            eprintln!("{}\n", d.render(super::color()));
            eprintln!("update failed; nothing was written");
            return if matches!(d.code, "import-no-article" | "original-changed") { 1 } else { 2 };
        }
    };
    if !quiet {
        println!("updated `{article}`; the version before is kept in {version}/");
    }
    let opts = Options { root: opts.root.clone(), dry_run: true, ..Options::default() };
    let outcome = pipeline::build(&opts);
    let color = super::color();
    let about = format!("article `{slug}` changed");
    let changed: Vec<&Diagnostic> = outcome
        .report
        .items
        .iter()
        .filter(|d| d.code == "changed-after-check" && d.message.starts_with(&about))
        .collect();
    for d in outcome.report.items.iter().filter(|d| d.is_error()).chain(changed.iter().copied().filter(|_| !quiet)) {
        eprintln!("{}\n", d.render(color));
    }
    let errors = outcome.report.items.iter().filter(|d| d.is_error()).count();
    if !quiet {
        match changed.len() {
            0 => println!("every quote of `{slug}` is still in its text, word for word"),
            n => println!(
                "{n} checked passage(s) of `{slug}` changed after the check (above); the claims file was not changed"
            ),
        }
    }
    if errors > 0 {
        eprintln!("the site now has {errors} error(s): run `briefing check`");
        return 1;
    }
    0
}

fn print_imported(done: &crate::import::Imported) {
    let m = &done.meta;
    println!("imported `{}` into {} (the page as retrieved: {})", done.slug, done.article, done.original);
    let fields = [
        ("title", m.title.is_some()),
        ("outlet", m.outlet.is_some()),
        ("author", m.author.is_some()),
        ("published", m.published.is_some()),
        ("url", m.url.is_some()),
    ];
    let missing: Vec<&str> = fields.iter().filter(|(_, found)| !found).map(|(k, _)| *k).collect();
    if !missing.is_empty() {
        println!("the page does not give: {}; add them to the front matter if you know them", missing.join(", "));
    }
    if !done.leftovers.is_empty() {
        println!(
            "\n{} passage(s) look like text the author did not write; if so, paste into {}:\n\n{}",
            done.leftovers.len(),
            done.claims,
            crate::import::leftovers::snippet(&done.slug, &done.leftovers).trim_end()
        );
    }
    println!("\nnext: briefing check, then record its claims in {}", done.claims);
}

/// Prints the diagnostics and the summary line of a build (`verb` "built") or a check
/// ("checked"). A failed build says it left the previous output untouched when there
/// was one (`previous`).
fn print_outcome(outcome: &Outcome, show: super::Show, verb: &str, previous: bool) {
    let quiet = show.quiet;
    super::print_diagnostics(&outcome.report.items, show, false);
    let (errors, warnings) = (outcome.report.errors(), outcome.report.warnings());
    if let Some(s) = outcome.summary.as_ref().filter(|s| s.counts.in_place) {
        // Not a warning: where the output lives is the host's choice, not the content's.
        eprintln!(
            "note: {} was written in place, one file at a time, not swapped in at once: it could not trade places with its copy in the cache folder (they are on two file systems, the output is a mount point such as a container's volume, or its parent folder may not change), so readers may meet old and new pages side by side while a build writes; for an atomic swap, build into a folder that is not a mount point, on the cache folder's file system (see `--cache-dir`)\n",
            s.output.display()
        );
    }
    // An archive's `check` finds broken links after every briefing was made: a summary
    // with errors is a failure all the same.
    match outcome.summary.as_ref().filter(|_| errors == 0) {
        Some(s) if !quiet => {
            let warn = if warnings > 0 { format!("; {warnings} warning{}", plural(warnings)) } else { String::new() };
            let place = if verb == "built" { format!(" into {}", s.output.display()) } else { String::new() };
            let drafts = match (s.counts.drafts, s.counts.preview) {
                (0, _) => String::new(),
                (n, false) => format!("; {n} draft{} left out", plural(n)),
                (n, true) => format!("; {n} draft{} published, marked: a preview, not for the live site", plural(n)),
            };
            println!(
                "{verb} {} page{} ({} article{}, {} claim{}, {} flag{}){place} in {} ms{drafts}{warn}",
                s.counts.pages,
                plural(s.counts.pages),
                s.counts.articles,
                plural(s.counts.articles),
                s.counts.claims,
                plural(s.counts.claims),
                s.counts.flags,
                plural(s.counts.flags),
                s.elapsed.as_millis()
            );
            // For profiling: `BRIEFING_TIMINGS=1 briefing build` prints each stage's time.
            if std::env::var_os("BRIEFING_TIMINGS").is_some() {
                for (stage, t) in &s.timings {
                    eprintln!("  {stage:<9} {:>8.1} ms", t.as_secs_f64() * 1000.0);
                }
            }
        }
        Some(_) => {}
        // `-q` prints the errors, not the count of them.
        None if quiet => {}
        None => {
            let untouched = if previous { "; the previous output was left untouched" } else { "" };
            eprintln!(
                "{} failed: {errors} error{}{}{untouched}",
                if verb == "built" { "build" } else { "check" },
                plural(errors),
                if warnings > 0 { format!(", {warnings} warning{}", plural(warnings)) } else { String::new() }
            );
        }
    }
}

/// Suggestions go to stdout: they are what `check --suggest` was asked for.
/// The suggestions, then a summary line unless `quiet` (which prints errors only: the
/// suggestions are what was asked for, the count is not).
fn print_suggestions(suggestions: &crate::suggest::Suggestions, root: &std::path::Path, quiet: bool) {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for s in &suggestions.shown {
        println!("{}\n", s.render(color));
    }
    if quiet {
        return;
    }
    let (n, total) = (suggestions.shown.len(), suggestions.total);
    let more = match total - n {
        0 => String::new(),
        more => format!(", the strongest {n} of {total} ({more} more with --limit 0)"),
    };
    let below = match suggestions.below {
        0 => String::new(),
        below => format!("; {below} more scored under --min-score were left out"),
    };
    // In an archive, each suggestion belongs in its briefing's claims file.
    let mut files: Vec<&str> = suggestions.shown.iter().map(|s| s.claims_file.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    let into = match files.as_slice() {
        [one] => (*one).to_string(),
        [] | [_, ..] if crate::stages::load::briefings(root).is_some() => "its briefing's claims file".to_string(),
        _ => "content/claims.toml".to_string(),
    };
    println!(
        "{total} suggestion{}{more} for review; nothing was written (paste what holds up into {into}){below}",
        plural(total)
    );
}

/// A score for `--min-score`: a number from 0 to 1.
fn score(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("`{s}` is not a score: give a number from 0 to 1, such as 0.7")),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
