//! Diagnostics for CI systems, so that errors appear on the lines of a pull request:
//! GitHub Actions workflow commands (`check --format github`) and GitLab's code-quality
//! report (`check --format gitlab`).
//!
//! Paths are the repository's: a diagnostic names its file relative to the site root, so
//! the root as given (`--root sites/weekly`) is put in front of it.

use std::path::Path;

use crate::model::diag::{Diagnostic, Severity};

/// Where a diagnostic points: (path from the working folder, line, column, end line, end
/// column); `None` for one with no file.
fn place(d: &Diagnostic, root: &Path) -> Option<(String, usize, usize, usize, usize)> {
    let file = d.file.as_ref()?;
    let path = if root == Path::new(".") || root.as_os_str().is_empty() {
        file.name.clone()
    } else {
        format!("{}/{}", root.display().to_string().trim_end_matches('/'), file.name)
    };
    let path = path.strip_prefix("./").map(str::to_string).unwrap_or(path);
    let ((line, col), (end_line, end_col)) = match &d.primary {
        Some(l) => (file.line_col(l.span.start), file.line_col(l.span.end)),
        None => ((1, 1), (1, 1)),
    };
    Some((path, line, col, end_line, end_col))
}

/// The message with its help, as one text.
fn text(d: &Diagnostic) -> String {
    match &d.help {
        Some(help) => format!("{}\n{help}", d.message),
        None => d.message.clone(),
    }
}

/// A workflow command's message: `%`, carriage returns and newlines escaped.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property: also `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One GitHub Actions workflow command: `::error file=…,line=…,col=…,endLine=…,
/// endColumn=…,title=…::message`, or `::warning`.
pub fn github(d: &Diagnostic, root: &Path) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let title = escape_property(&format!("briefing {}", d.code));
    let props = match place(d, root) {
        Some((path, line, col, end_line, end_col)) => format!(
            "file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={title}",
            escape_property(&path)
        ),
        None => format!("title={title}"),
    };
    format!("::{level} {props}::{}", escape_data(&text(d)))
}

/// GitLab's code-quality report: one JSON array of every diagnostic, each with a
/// fingerprint that stays the same while the problem does.
pub fn gitlab(diags: &[Diagnostic], root: &Path) -> serde_json::Value {
    let items: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let (path, line, ..) = place(d, root).unwrap_or_else(|| ("briefing.toml".to_string(), 1, 1, 1, 1));
            let mut fp = crate::stages::render::fingerprint::Fingerprint::new();
            fp.bytes(format!("{}\0{path}\0{line}\0{}", d.code, d.message).as_bytes());
            serde_json::json!({
                "description": text(d),
                "check_name": d.code,
                "fingerprint": format!("{:016x}", fp.finish()),
                "severity": if d.is_error() { "major" } else { "minor" },
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
    fn commands_escape_what_github_reads_as_syntax() {
        let file = SourceFile::new("content/claims.toml", "a = 1\nverdict = \"x,y\"\n");
        let d = Diagnostic::error("unknown-verdict", "unknown verdict `x,y`: 100%")
            .at(&file, 16..21, "here")
            .help("use one of: a, b\nor add it");
        assert_eq!(
            github(&d, Path::new("sites/weekly")),
            "::error file=sites/weekly/content/claims.toml,line=2,col=11,endLine=2,endColumn=16,\
             title=briefing unknown-verdict::unknown verdict `x,y`: 100%25%0Ause one of: a, b%0Aor add it"
        );
        let bare = Diagnostic::warning("usage", "no file");
        assert_eq!(github(&bare, Path::new(".")), "::warning title=briefing usage::no file");
    }
}
