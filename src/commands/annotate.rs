//! Diagnostics for CI systems, so that errors appear on the lines of a pull request:
//! GitHub Actions workflow commands (`check --format github`) and GitLab's code-quality
//! report (`check --format gitlab`).
//!
//! Paths are the repository's: a diagnostic names its file relative to the site root, so
//! the root as given (`--root sites/weekly`) is put in front of it.

use std::collections::HashMap;
use std::path::Path;

use crate::model::diag::{Diagnostic, Severity};

/// `name` (a path relative to the site root) as a path from the working folder, which is
/// the repository's root in CI: the root's `.` and `..` resolved, and an absolute root
/// inside the working folder made relative to it.
fn repo_path(root: &Path, name: &str) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let clean = crate::pipeline::lexical(&root.join(name));
    let shown = clean.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(clean);
    shown.to_string_lossy().replace('\\', "/")
}

/// Where a diagnostic points: (path from the working folder, line, column, end line, end
/// column). One with no file is about the site as a whole: its `briefing.toml`.
fn place(d: &Diagnostic, root: &Path) -> (String, usize, usize, usize, usize) {
    let Some(file) = d.file.as_ref() else { return (repo_path(root, "briefing.toml"), 1, 1, 1, 1) };
    let ((line, col), (end_line, end_col)) = match &d.primary {
        Some(l) => (file.line_col(l.span.start), file.line_col(l.span.end)),
        None => ((1, 1), (1, 1)),
    };
    (repo_path(root, &file.name), line, col, end_line, end_col)
}

/// The message with its help, as one text.
fn text(d: &Diagnostic) -> String {
    match &d.help {
        Some(help) => format!("{}\n{help}", d.message),
        None => d.message.clone(),
    }
}

/// A workflow command's message: `%`, carriage returns and newlines escaped, and other
/// control characters (an article's, a file name's) shown, not obeyed.
fn escape_data(s: &str) -> String {
    crate::model::diag::visible(s).replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property: also `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One GitHub Actions workflow command: `::error file=…,line=…,col=…,endLine=…,
/// endColumn=…,title=…::message`, or `::warning`; a warning is an error where
/// `--deny-warnings` makes it fail the run. Columns only on one line, as GitHub reads
/// them.
pub fn github(d: &Diagnostic, root: &Path, deny_warnings: bool) -> String {
    let level = match d.severity {
        Severity::Warning if !deny_warnings => "warning",
        _ => "error",
    };
    let title = escape_property(&format!("briefing {}", d.code));
    let (path, line, col, end_line, end_col) = place(d, root);
    let at = match (line == end_line, &d.file) {
        (true, Some(_)) => format!("line={line},col={col},endLine={end_line},endColumn={end_col}"),
        (false, Some(_)) => format!("line={line},endLine={end_line}"),
        (_, None) => format!("line={line}"),
    };
    format!("::{level} file={},{at},title={title}::{}", escape_property(&path), escape_data(&text(d)))
}

/// GitLab's code-quality report: one JSON array of every diagnostic. Each fingerprint
/// stays the same while the problem does: it is made of the code, the file, the message
/// and how many identical ones came before, not of the line, which moves when lines are
/// added above.
pub fn gitlab(diags: &[&Diagnostic], root: &Path, deny_warnings: bool) -> serde_json::Value {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let items: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let (path, line, ..) = place(d, root);
            let key = format!("{}\0{path}\0{}", d.code, d.message);
            let nth = seen.entry(key.clone()).or_insert(0);
            *nth += 1;
            let mut fp = crate::stages::render::fingerprint::Fingerprint::new();
            fp.bytes(format!("{key}\0{nth}").as_bytes());
            serde_json::json!({
                "description": text(d),
                "check_name": d.code,
                "fingerprint": format!("{:016x}", fp.finish()),
                "severity": if d.is_error() || deny_warnings { "major" } else { "minor" },
                "location": { "path": path, "lines": { "begin": line } },
            })
        })
        .collect();
    serde_json::Value::Array(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::diag::SourceFile;

    #[test]
    fn control_characters_reach_no_terminal() {
        let d = Diagnostic::error("x", "fee\u{1b}[2J was\u{7} 20").help("a\u{0}b");
        let line = github(&d, Path::new("."), false);
        assert!(!line.contains(['\u{1b}', '\u{7}', '\u{0}']) && line.contains("fee␛[2J was␇ 20%0Aa␀b"), "{line}");
    }

    #[test]
    fn commands_escape_what_github_reads_as_syntax() {
        let file = SourceFile::new("content/claims.toml", "a = 1\nverdict = \"x,y\"\n");
        let d = Diagnostic::error("unknown-verdict", "unknown verdict `x,y`: 100%")
            .at(&file, 16..21, "here")
            .help("use one of: a, b\nor add it");
        assert_eq!(
            github(&d, Path::new("sites/./weekly/../weekly"), false),
            "::error file=sites/weekly/content/claims.toml,line=2,col=11,endLine=2,endColumn=16,\
             title=briefing unknown-verdict::unknown verdict `x,y`: 100%25%0Ause one of: a, b%0Aor add it"
        );
        let bare = Diagnostic::warning("usage", "no file");
        assert_eq!(
            github(&bare, Path::new("."), false),
            "::warning file=briefing.toml,line=1,title=briefing usage::no file"
        );
        assert!(github(&bare, Path::new("."), true).starts_with("::error "), "denied warnings fail: errors");
    }

    #[test]
    fn fingerprints_survive_moved_lines_and_tell_twins_apart() {
        let one = SourceFile::new("c.toml", "claims = [\"nope\", \"nope\"]\n");
        let two = SourceFile::new("c.toml", "# a comment\nclaims = [\"nope\", \"nope\"]\n");
        let report = |f: &SourceFile, at: usize| {
            let d = |s: usize| Diagnostic::error("unknown-claim", "no claim `nope`").at(f, s..s + 6, "here");
            gitlab(&[&d(at + 10), &d(at + 18)], Path::new("."), false)
        };
        let prints = |r: serde_json::Value| -> Vec<String> {
            r.as_array().unwrap().iter().map(|i| i["fingerprint"].as_str().unwrap().to_string()).collect()
        };
        let (a, b) = (prints(report(&one, 0)), prints(report(&two, 12)));
        assert_eq!(a, b, "a line added above changes no fingerprint");
        assert_ne!(a[0], a[1], "two identical problems have two fingerprints");
    }
}
