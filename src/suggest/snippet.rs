//! Claims-file entries for a suggestion, ready to paste: exact quotes filled in, the
//! judgement left to the editor.
//!
//! The verdict and the `checked` date are left empty on purpose: `briefing build`
//! refuses both, so a pasted suggestion cannot reach the published site unreviewed.

use super::Passage;

/// A claim id from free text: lowercase ASCII letters and digits joined by `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "suggested".to_string() } else { out }
}

/// A TOML basic string. JSON's string escapes (`\"`, `\\`, `\n`, `\uXXXX`…) are all
/// valid in TOML basic strings, so serde_json writes one correctly.
pub fn string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// A `[[claim]]` with one appearance.
pub fn claim(id: &str, p: &Passage, verdicts: &[&str]) -> String {
    format!(
        "[[claim]]\nid = {id}\nclaim = \"\"        # what the article asserts, in your own words\nverdict = \"\"      # one of: {verdicts}\nfinding = \"\"\nexplanation = \"\"\nchecked = \"\"      # the day you checked, as an unquoted date: 2026-01-31\n\n  [[claim.appearance]]\n  article = {article}\n  quote = {quote}\n",
        id = string(id),
        verdicts = verdicts.join(", "),
        article = string(&p.article),
        quote = string(&p.quote),
    )
}

/// A `[[discrepancy]]` between claims; `None` marks a passage an existing claim already
/// covers, whose id the editor adds.
pub fn discrepancy(id: &str, title: &str, claims: &[Option<String>]) -> String {
    let ids: Vec<String> = claims.iter().flatten().map(|c| string(c)).collect();
    let missing = claims.iter().any(Option::is_none);
    format!(
        "[[discrepancy]]\nid = {}\ntitle = {}\nclaims = [{}]{}\nresolution = \"\"\n",
        string(id),
        string(title),
        ids.join(", "),
        if missing { "  # add the id of the claim that already quotes the other passage" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_strings() {
        assert_eq!(slug("harbour-gazette-October 2024"), "harbour-gazette-october-2024");
        assert_eq!(slug("“¿?”"), "suggested");
        assert_eq!(string("say \"hi\"\n"), r#""say \"hi\"\n""#);
    }
}
