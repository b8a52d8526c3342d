//! The command line: parses arguments, runs the library, prints, returns the exit code.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::pipeline::{self, Options, Outcome};

/// briefing: build a fact-checked news briefing as a static site.
#[derive(Debug, Parser)]
#[command(name = "briefing", version, about, long_about = None)]
struct Cli {
    /// Print errors only: no summary line, no warnings.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site from content/ into output/.
    Build(BuildArgs),
}

#[derive(Debug, Args)]
struct BuildArgs {
    /// The site's folder (holding briefing.toml).
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Where to write the site [default: <root>/output].
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// The absolute URL the site will be served from (overrides briefing.toml).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
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
    match cli.command {
        Command::Build(a) => {
            let opts = Options { root: a.root, output: a.output, base_url: a.base_url, dry_run: false };
            let outcome = pipeline::build(&opts);
            print_outcome(&outcome, cli.quiet);
            outcome.exit_code()
        }
    }
}

fn print_outcome(outcome: &Outcome, quiet: bool) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in &outcome.report.items {
        if quiet && !d.is_error() {
            continue;
        }
        eprintln!("{}\n", d.render(color));
    }
    let (errors, warnings) = (outcome.report.errors(), outcome.report.warnings());
    match &outcome.summary {
        Some(s) if !quiet => {
            let warn = if warnings > 0 { format!("; {warnings} warning{}", plural(warnings)) } else { String::new() };
            println!(
                "built {} pages ({} articles, {} claims, {} flags) into {} in {} ms{warn}",
                s.pages,
                s.articles,
                s.claims,
                s.flags,
                s.output.display(),
                s.elapsed.as_millis()
            );
        }
        Some(_) => {}
        None => eprintln!(
            "build failed: {errors} error{}{}; the previous output was left untouched",
            plural(errors),
            if warnings > 0 { format!(", {warnings} warning{}", plural(warnings)) } else { String::new() }
        ),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
