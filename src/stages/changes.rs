//! No silent changes: once published, a claim's verdict and finding change only openly.
//!
//! The fact-checkers' code (IFCN) asks that a change to a published fact-check be made
//! in the open. So each claim is held against the record of what was last published
//! (`model/published.rs`, read from the output's `claims.json`): when its verdict or its
//! finding differs, the claims file must also hold a `[[correction]]` of that claim that
//! the record does not, dated on or after the claim's last published update. Without one
//! the build fails at the changed line, showing the old and new values and a correction
//! to paste. Everything else may change freely: the explanation and sources (typo fixes,
//! a better link), and new claims. A finding is compared with its white space squeezed,
//! so reflowing it is no change.

use std::collections::HashMap;

use crate::model::claims::{Claim, Correction};
use crate::model::config::Config;
use crate::model::date::Date;
use crate::model::diag::{Diagnostic, SourceFile};
use crate::model::published::{Published, Stamp, correction_key, finding_key, id_key, squeeze};
use crate::stages::load::Site;

/// The published claims whose verdict or finding changed with no correction to say so,
/// each with what the record says of it (among which, the date of its last published
/// update).
pub fn unannounced<'s, 'p>(site: &'s Site, published: &'p Published) -> Vec<(&'s Claim, &'p Stamp)> {
    let claims = &site.claims;
    let fresh = |c: &Claim, since: u32| {
        claims.corrections_of(c.id.as_str()).any(|k| {
            let date = k.date.number();
            k.dated && date >= since && !published.corrections.contains(&correction_key(&k.claim.value, date, &k.text))
        })
    };
    // A claim whose id is taken twice, or whose verdict is unknown, is already an error,
    // and no change to announce: which of the two was published, what is `acurate`?
    // foldhash, not SipHash: this runs on every save in `serve`, over every claim.
    let mut ids: foldhash::HashMap<&str, usize> =
        foldhash::HashMap::with_capacity_and_hasher(claims.claims.len(), Default::default());
    for c in &claims.claims {
        *ids.entry(c.id.as_str()).or_default() += 1;
    }
    // On both cores: at 20,000 claims, squeezing and hashing each finding is 10-20 ms of
    // every save in `serve`.
    use rayon::prelude::*;
    claims
        .claims
        .par_iter()
        .filter(|c| {
            c.complete && !c.draft && ids[c.id.as_str()] == 1 && site.config.verdict(&c.verdict.value).is_some()
        })
        .filter_map(|c| Some((c, published.claims.get(&id_key(c.id.as_str()))?)))
        .filter(|(c, was)| {
            let more = claims.corrections_of(c.id.as_str()).count() as u32 > was.corrections;
            was.differs(&c.verdict.value, &c.finding) && !(more && fresh(c, was.updated))
        })
        .collect()
}

/// The errors for `claims` (see [`unannounced`]); `said` holds what each said when it was
/// published (verdict, finding), and `today` dates the correction each error offers.
pub fn errors(
    site: &Site,
    (published, claims): (&Published, &[(&Claim, &Stamp)]),
    said: &HashMap<String, (String, String)>,
    today: Date,
) -> Vec<Diagnostic> {
    claims
        .iter()
        .map(|&(c, stamp)| {
            // Dated today, unless the claim's last update is later (a date written ahead).
            let updated = stamp.updated;
            let since = Date::new((updated / 10_000) as i32, updated / 100 % 100, updated % 100).unwrap_or(today);
            // The published texts, read from the record's file while it is there; else the
            // record's own verdict, and whether the finding's key differs.
            let was = match said.get(c.id.as_str()) {
                Some((v, f)) => {
                    Was { verdict: v, finding: Some(f), finding_changed: squeeze(&c.finding) != squeeze(f) }
                }
                None => Was {
                    verdict: &stamp.verdict,
                    finding: None,
                    finding_changed: finding_key(&c.finding) != stamp.finding,
                },
            };
            let early = early(site, published, c, updated).map(|k| (k.date, since, k.date_at.clone()));
            error(&site.config, &site.claims_file, c, &was, early, today.max(since))
        })
        .collect()
}

/// A correction of `claim` that the record does not hold, but dated before the claim's
/// last published update (`YYYYMMDD`), so that it cannot announce this change.
fn early<'s>(site: &'s Site, published: &Published, claim: &Claim, updated: u32) -> Option<&'s Correction> {
    site.claims.corrections_of(claim.id.as_str()).find(|k| {
        let date = k.date.number();
        k.dated && date < updated && !published.corrections.contains(&correction_key(&k.claim.value, date, &k.text))
    })
}

/// What a published claim said, as far as the record tells.
struct Was<'a> {
    verdict: &'a str,
    /// The finding's text, when the record's file could be read.
    finding: Option<&'a str>,
    finding_changed: bool,
}

/// The error for a claim changed without a correction: at its verdict when that changed,
/// else at its finding. `early` is a new correction's date that comes before the claim's
/// last published update (the second date): the editor wrote one, so the error says why it
/// does not count, not that there is none.
fn error(
    config: &Config,
    file: &SourceFile,
    claim: &Claim,
    was: &Was<'_>,
    early: Option<(Date, Date, std::ops::Range<usize>)>,
    today: Date,
) -> Diagnostic {
    let id = claim.id.as_str();
    let label = |key: &str| config.verdict(key).map_or_else(|| key.to_string(), |v| v.label.clone());
    let (verdict, finding) = (claim.verdict.value != was.verdict, was.finding_changed);
    let what = match (verdict, finding) {
        (true, true) => "verdict and finding",
        (true, false) => "verdict",
        _ => "finding",
    };
    let why = if early.is_some() { "its new correction is dated too early" } else { "no correction says so" };
    let mut d = Diagnostic::error("silent-change", format!("the {what} of published claim `{id}` changed, and {why}"));
    if let Some((date, since, _)) = &early {
        d = d.note(format!(
            "its new correction is dated {date}, before the claim's last published update ({since}): a correction counts from that day on; date it {since} or later"
        ));
    }
    let mut text = Vec::new();
    if verdict {
        let v = was.verdict;
        d = d.at(file, claim.verdict.span.clone(), format!("published as `{v}`"));
        text.push(format!("The verdict was changed from {} to {}.", label(v), label(&claim.verdict.value)));
    }
    if finding {
        d = if verdict {
            d.also(claim.finding_at.clone(), "changed since it was published")
        } else {
            d.at(file, claim.finding_at.clone(), "changed since it was published")
        };
        match was.finding {
            Some(f) => {
                d = d.note(format!("the published finding: {}", squeeze(f)));
                text.push(format!("The finding was revised. It read: \"{}\"", squeeze(f)));
            }
            None => text.push("The finding was revised.".to_string()),
        }
    }
    // A correction was written, only dated too early: it is what to fix.
    if let Some((_, since, at)) = early {
        return d.also(at, format!("dated before {since}")).help(format!(
            "date this correction {since} or later: a correction counts from the claim's last published update on"
        ));
    }
    // The text on one line: the help is printed indented, and indented lines pasted into a
    // multi-line string would be a code block in the published markdown.
    let text = text.join(" ").replace('\\', "\\\\").replace('"', "\\\"");
    let snippet = format!("[[correction]]\ndate = {today}\nclaim = \"{id}\"\ntext = \"{text}\"");
    d.help(format!(
        "a published fact-check changes openly: add a new correction of `{id}`, dated on or after its last published update, that says what changed and why (see docs/claims-format.md), such as:\n{snippet}"
    ))
}
