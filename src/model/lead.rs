//! A briefing's `briefing.md` in an archive: front matter between `+++` lines (`title`,
//! `date`, the event's date, and an optional `summary`), then the lead in markdown. The
//! archive's home lists each briefing by these. (A site of one briefing takes its title
//! from `briefing.toml`, and its `content/briefing.md` is the lead alone.)

use crate::model::date::Date;
use crate::model::diag::{Diagnostic, SourceFile};
use crate::model::tomlfile::{self, Fields};

/// What a briefing says of itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    /// Its title.
    pub title: String,
    /// The date of the event it is about.
    pub date: Date,
    /// A sentence or two for the archive's home.
    pub summary: Option<String>,
}

const KNOWN: &[&str] = &["title", "date", "summary"];

/// The heading and the lead (the markdown after the front matter) of `file`; `None`, with
/// the errors, when the heading is missing or wrong.
pub fn parse(file: &SourceFile, diags: &mut Vec<Diagnostic>) -> Option<(Heading, String)> {
    let text = file.text.as_ref();
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let close = (text[..first_end].trim_end() == "+++")
        .then(|| {
            let mut at = first_end;
            while at < text.len() {
                let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
                if text[at..end].trim_end() == "+++" {
                    return Some((at, end));
                }
                at = end;
            }
            None
        })
        .flatten();
    let opened = text[..first_end].trim_end() == "+++";
    let Some((front_end, body)) = close else {
        let d = match opened {
            true => Diagnostic::error("unclosed-front-matter", "the front matter is never closed")
                .at(file, 0..3, "opened here")
                .help("add a line with `+++` after the front matter, before the lead"),
            false => Diagnostic::error("missing-front-matter", "a briefing of an archive needs its title and date")
                .at(file, 0..first_end.saturating_sub(1), "expected `+++` on the first line")
                .help("start the file with front matter between two `+++` lines:\n+++\ntitle = \"The event, checked\"\ndate = 2026-02-27\n+++"),
        };
        diags.push(d);
        return None;
    };
    let table = tomlfile::parse(file, &text[first_end..front_end], first_end, diags)?;
    let mut f = Fields::new(file, table.get_ref(), 0..0, "front matter of briefing.md", KNOWN, first_end, diags)
        .reported_at(0..3);
    let title = f.str("title");
    let date = f.date("date");
    let summary = f.opt_str("summary");
    let heading = Heading { title: title?.value, date: date?.value, summary: summary.map(|s| s.value) };
    Some((heading, text[body..].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_then_lead() {
        let file = SourceFile::new("content/a/briefing.md", "+++\ntitle = \"T\"\ndate = 2026-02-27\n+++\nThe lead.\n");
        let mut diags = Vec::new();
        let (h, lead) = parse(&file, &mut diags).unwrap();
        assert_eq!((h.title.as_str(), h.date.to_string().as_str(), lead.as_str()), ("T", "2026-02-27", "The lead.\n"));
        let bad = SourceFile::new("content/a/briefing.md", "No front matter.\n");
        assert!(parse(&bad, &mut diags).is_none());
        assert_eq!(diags[0].code, "missing-front-matter");
    }

    #[test]
    fn a_missing_field_is_reported_at_the_opening_line() {
        let file = SourceFile::new(
            "content/a/briefing.md",
            "+++
title = \"T\"\n+++\nThe lead.\n",
        );
        let mut diags = Vec::new();
        assert!(parse(&file, &mut diags).is_none());
        assert_eq!((diags[0].code, diags[0].line_col()), ("missing-field", Some((1, 1))));
        assert_eq!(diags[0].primary.as_ref().map(|l| l.span.clone()), Some(0..3));
    }
}
