//! The claims file, `content/claims.toml`: what was checked, and where the articles say it.
//!
//! This module only reads the file into plain data, keeping the span of every value that
//! a later stage may need to point at. Whether ids are unique, slugs and verdicts exist, or
//! quotes are found is decided by [`crate::stages::validate`] and [`crate::stages::anchor`].

use std::collections::HashMap;
use std::ops::Range;

use crate::model::date::Date;
use crate::model::diag::{Diagnostic, SourceFile};
use toml::Spanned;

use crate::model::tomlfile::{self, Fields, Sp, Table};

/// Where the claims file lives, relative to the site root.
pub const CLAIMS_FILE: &str = "content/claims.toml";

/// Everything the claims file records.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Claims {
    /// The checked claims, in file order.
    pub claims: Vec<Claim>,
    /// Points on which articles disagree.
    pub discrepancies: Vec<Discrepancy>,
    /// Passages in articles that are not the author's words.
    pub artifacts: Vec<Artifact>,
    /// The story's timeline.
    pub events: Vec<Event>,
    /// Changes made to claims after publication, in file order.
    pub corrections: Vec<Correction>,
    /// Claim id → the indexes of its corrections, made on first use: every claim's page,
    /// feed entry and `claims.json` entry asks, and scanning every correction for each of
    /// 20,000 claims would make a growing archive quadratic.
    #[serde(skip)]
    by_claim: std::sync::OnceLock<HashMap<String, Vec<usize>>>,
    /// The entries of a file with syntax errors that were not read (see [`read_around`]):
    /// what later stages say of them would be about what the reader guessed, not what
    /// the editor wrote.
    #[serde(skip)]
    pub broken: Vec<Range<usize>>,
    /// The ids written in those entries, whatever became of their lines, and in lists of
    /// a misspelt name (`[[claims]]`): what names one of them is not naming an unknown
    /// claim.
    #[serde(skip)]
    pub broken_ids: Vec<String>,
}

/// A published change to a claim: what changed and why.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Correction {
    /// When the correction was made.
    pub date: Date,
    /// The corrected claim's id.
    pub claim: Sp<String>,
    /// Markdown: what changed, and why.
    pub text: String,
    /// Whether `date` was read: a correction whose date failed (reported) is kept, with
    /// `date` 1970-01-01, only so that the claim it names is checked.
    pub dated: bool,
    /// Where `date` is written (where `claim` is, when it is not).
    pub date_at: Range<usize>,
}

/// One checked claim.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Claim {
    /// `[a-z0-9-]+`, unique: the permalink `claims/<id>/`.
    pub id: Sp<String>,
    /// What was checked, as a neutral statement.
    pub claim: String,
    /// A key of the verdict scale.
    pub verdict: Sp<String>,
    /// The one-line conclusion.
    pub finding: String,
    /// Where the finding was written (the claim's header when it could not be read).
    pub finding_at: Range<usize>,
    /// Markdown: how we know.
    pub explanation: String,
    /// When it was checked.
    pub checked: Date,
    /// For grouping on the front page.
    pub topic: String,
    /// Evidence.
    pub sources: Vec<Source>,
    /// Where articles make the claim.
    pub appearances: Vec<Quote>,
    /// The entry's lines in the claims file (from its `[[claim]]` header).
    pub span: Range<usize>,
    /// Whether every required field was read. An entry with an error in a field is still
    /// a claim (blank or dated 1970 where the field failed), so that its other errors are
    /// reported and nothing that names it is reported as naming no claim; an error was
    /// reported, so it is never rendered.
    pub complete: bool,
    /// The articles named by appearances that failed to read (an error was reported):
    /// the claim is not said to appear nowhere, nor those articles to be quoted by none.
    pub unread: Vec<String>,
    /// `draft = true`: checked in full, but published only by `build --drafts` and `serve`.
    pub draft: bool,
    /// Who made the claim, when the editor names them (`claimant`): the claim's author
    /// in its ClaimReview. Without it, the outlet that published it first.
    pub claimant: Option<Claimant>,
    /// Hashes of what the entry says, taken when it is read.
    pub said: Said,
}

/// Hashes of what a claim's entry says, taken once, when the entry is read, and kept with
/// the reading of its piece of the claims file: a rebuild keys the pages and list items
/// that show a claim by these (see `stages::render::inputs`) instead of hashing 20,000
/// claims' fields again, which was 36–49 ms of a one-claim save in `serve` at 10,000
/// articles. The offsets where values were written are left out (a claim that grows above
/// moves them all, not what any page shows), and so is the topic, which the loader may
/// respell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Said {
    /// What lists show: the id, the claim, the verdict, the finding, the date checked,
    /// whether it is a draft.
    pub listed: u64,
    /// The rest: the explanation, the sources, the appearances, the claimant, and what
    /// failed to read.
    pub rest: u64,
    /// The entry's text, as its page shows it.
    pub entry: u64,
}

impl Claim {
    /// [`Said`] of this claim, whose entry is `entry`. Every field is named, so that a
    /// field added to the model fails to compile here until it is hashed or said to be
    /// irrelevant.
    fn said(&self, entry: &str) -> Said {
        use std::hash::{Hash, Hasher};
        let Claim {
            id,
            claim,
            verdict,
            finding,
            finding_at: _,
            explanation,
            checked,
            topic: _,
            sources,
            appearances,
            span: _,
            complete,
            unread,
            draft,
            claimant,
            said: _,
        } = self;
        let hash = |value: &dyn Fn(&mut xxhash_rust::xxh3::Xxh3)| {
            let mut h = xxhash_rust::xxh3::Xxh3::new();
            value(&mut h);
            h.finish()
        };
        let listed = hash(&|h| (&id.value, claim, &verdict.value, finding, checked, draft).hash(h));
        let rest = hash(&|h| {
            (explanation, complete, unread, claimant).hash(h);
            for s in sources {
                let Source { title, described, publisher, url, archive_url, date } = s;
                (title, described, publisher, &url.value, archive_url.as_ref().map(|a| &a.value), date).hash(h);
            }
            for q in appearances {
                // The quote, prefix and suffix by their hash, taken as the quote was read.
                let Quote { article, quote: _, prefix: _, suffix: _, note, span: _, sought } = q;
                (&article.value, sought, note).hash(h);
            }
        });
        Said { listed, rest, entry: xxhash_rust::xxh3::xxh3_64(entry.as_bytes()) }
    }
}

/// Who made a claim.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Claimant {
    /// Their name.
    pub name: String,
    /// A person (the default) or an organization (`claimant_type = "organization"`).
    pub organization: bool,
}

/// A source cited for a claim.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Source {
    /// The document's title, or, when [`Source::described`], a description of it.
    pub title: String,
    /// Whether `title` describes the document (the claims file's `description`) because
    /// its real title is not known: shown as a description, never as a quoted title.
    pub described: bool,
    /// Who published it.
    pub publisher: Option<String>,
    /// Where it is.
    pub url: Sp<String>,
    /// An archived copy (a web archive's address), for when `url` dies.
    pub archive_url: Option<Sp<String>>,
    /// Its date.
    pub date: Option<Date>,
}

/// A quote from an article: an appearance of a claim, or an artifact.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Quote {
    /// The article's slug.
    pub article: Sp<String>,
    /// The exact words, as the reader sees them.
    pub quote: Sp<String>,
    /// Text just before the quote, to choose among repeats.
    pub prefix: Option<Sp<String>>,
    /// Text just after the quote, to choose among repeats.
    pub suffix: Option<Sp<String>>,
    /// An editor's remark on this appearance.
    pub note: Option<String>,
    /// The table's span, for errors about the quote as a whole.
    pub span: Range<usize>,
    /// A hash of what anchoring seeks: the quote, its prefix and its suffix (see
    /// [`Quote::new`]). Taken when the entry is read, which `serve` does ahead of a save
    /// for all but the edited entries: hashed on every save instead, the 40,000 quotes of
    /// 10k/20k were 11 ms of CPU on the way to the new version (`anchor::Known::key`).
    pub sought: u64,
}

impl Quote {
    /// A quote of `article`, with what [`Quote::sought`] hashes taken now.
    pub fn new(
        article: Sp<String>,
        quote: Sp<String>,
        (prefix, suffix): (Option<Sp<String>>, Option<Sp<String>>),
        note: Option<String>,
        span: Range<usize>,
    ) -> Quote {
        use std::hash::{Hash, Hasher};
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        (&quote.value, prefix.as_ref().map(|p| &p.value), suffix.as_ref().map(|s| &s.value)).hash(&mut h);
        Quote { article, quote, prefix, suffix, note, span, sought: h.finish() }
    }
}

/// Articles disagreeing on one point.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Discrepancy {
    /// `[a-z0-9-]+`, unique: the anchor `#<id>` on the front page.
    pub id: Sp<String>,
    /// The question, e.g. "October 2024 or October 2025?".
    pub title: String,
    /// The claims that take sides.
    pub claims: Vec<Sp<String>>,
    /// Markdown: what is right, and why.
    pub resolution: String,
    /// The entry's span.
    pub span: Range<usize>,
    /// Where `claims` is written, when it read as a list of texts (an empty list is then
    /// an error of its own, pointed at there). An entry with a field error is kept, blank
    /// where the field failed, so that the claims it names are still checked; an error
    /// was reported, so it is never rendered.
    pub listed: Option<Range<usize>>,
    /// `draft = true`: checked in full, but published only by `build --drafts` and `serve`.
    pub draft: bool,
}

/// Text captured with an article that its author did not write.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Artifact {
    /// Where it is.
    pub quote: Quote,
    /// What it is, e.g. "Newsletter advertisement".
    pub reason: String,
}

/// A dated event of the story.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Event {
    /// When.
    pub date: Date,
    /// What happened.
    pub title: String,
    /// A primary source for it.
    pub source: Option<String>,
    /// Where `source` is written.
    pub source_at: Option<Range<usize>>,
}

/// Reads the claims file. Problems go to `diags`; what could be read is returned anyway,
/// so that later stages can report their own errors in the same run.
///
/// A large file is read in pieces, side by side (cut at `[[claim]]` lines); any problem
/// at all sends it back to be read whole, so that the diagnostics are always the whole
/// file's.
pub fn parse(file: &SourceFile, diags: &mut Vec<Diagnostic>) -> Claims {
    parse_kept(file, diags, &Kept::default()).0
}

/// The readings of a large claims file's pieces, by a hash of each piece's text: kept by
/// a build beside its output (see [`crate::store::pieces`]) and by `serve` in memory, so that a
/// rebuild parses again only the pieces an edit touched. TOML is read at ~40 MB/s here:
/// at 20,000 claims, parsing the whole file again was a sixth of a rebuild's work.
#[derive(Debug, Default, Clone)]
pub struct Kept {
    /// Piece hash → its [`Piece`], encoded (postcard); shared from one build's table to
    /// the next, not copied.
    pub pieces: HashMap<u64, std::sync::Arc<[u8]>>,
    /// Whether any piece was parsed afresh (the kept readings then need saving).
    pub fresh: bool,
    /// Readings decoded ahead of the next parse, while a long-lived process waits for an
    /// edit (see [`Kept::prepare`]); shared by the copies of this value.
    ready: Ready,
}

/// Decoded readings of kept pieces, by piece hash, made between two builds.
///
/// Decoding 20,000 claims' readings from their bytes was an eighth of the CPU of a
/// one-claim save in `serve` at 10k/20k, on the way from the save to the new version;
/// made in the idle time after the last build, a save only takes them.
#[derive(Default, Clone)]
struct Ready(std::sync::Arc<ReadyInner>);

#[derive(Default)]
struct ReadyInner {
    pieces: std::sync::Mutex<HashMap<u64, Piece>>,
    /// Counts the parses that took readings: a preparation started before one stops.
    taken: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for Ready {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ready = self.0.pieces.lock().map_or(0, |p| p.len());
        write!(f, "Ready({ready})")
    }
}

impl Kept {
    /// Decodes every kept reading not decoded yet, for the next parse to take instead of
    /// decoding it then; readings of pieces no longer kept are let go. One piece at a
    /// time, on the calling thread: a parse that starts meanwhile takes what is ready
    /// (and decodes the rest itself), and this stops.
    pub fn prepare(&self) {
        use std::sync::atomic::Ordering;
        let inner = &self.ready.0;
        let started = inner.taken.load(Ordering::Acquire);
        if let Ok(mut ready) = inner.pieces.lock() {
            ready.retain(|key, _| self.pieces.contains_key(key));
        }
        for (key, bytes) in &self.pieces {
            if inner.taken.load(Ordering::Acquire) != started {
                return;
            }
            let decoded = inner.pieces.lock().is_ok_and(|ready| ready.contains_key(key));
            if decoded {
                continue;
            }
            let Ok(piece) = postcard::from_bytes::<Piece>(bytes) else { continue };
            match inner.pieces.lock() {
                Ok(mut ready) if inner.taken.load(Ordering::Acquire) == started => drop(ready.insert(*key, piece)),
                _ => return,
            }
        }
    }

    /// How many readings are decoded ahead (see [`Kept::prepare`]).
    pub fn prepared(&self) -> usize {
        self.ready.0.pieces.lock().map_or(0, |p| p.len())
    }

    /// Takes the decoded readings of `keys` that are ready, in their order.
    fn take_ready(&self, keys: &[u64]) -> Vec<Option<Piece>> {
        let inner = &self.ready.0;
        inner.taken.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        let mut ready = inner.pieces.lock().map(|mut p| std::mem::take(&mut *p)).unwrap_or_default();
        keys.iter().map(|k| ready.remove(k)).collect()
    }
}

/// What one piece of the claims file says, with spans relative to the piece's start.
#[derive(serde::Serialize, serde::Deserialize)]
struct Piece {
    /// Its top-level keys other than `claim` (each may live in one piece only).
    keys: Vec<String>,
    claims: Claims,
    /// How many `[[claim]]` headers it has (see [`Headers`]). A piece's headers are found
    /// when it is parsed, and only then: a rebuild scans only the pieces an edit changed
    /// (scanning all 14 MB at 20,000 claims took 40 ms of a `serve` rebuild).
    claim_headers: usize,
}

/// [`parse`], reusing the readings of pieces in `kept`. Returns the readings of this
/// file's pieces (none when it was read whole).
pub fn parse_kept(file: &SourceFile, diags: &mut Vec<Diagnostic>, kept: &Kept) -> (Claims, Kept) {
    let text = file.text.clone();
    if let Some(found) = parse_in_pieces(file, &text, kept) {
        return found;
    }
    let (root, errors) = toml::de::DeTable::parse_recoverable(&text);
    if !errors.is_empty() {
        return (read_around(file, &text, errors, diags), Kept::default());
    }
    (read(file, &[(root, 0)], &Headers::new(&text), diags), Kept::default())
}

/// The most entries [`read_around`] blanks before it gives up and reports every error.
const ROUNDS: usize = 32;

/// Reads a file with syntax errors as far as can be trusted, so that one mistyped date
/// neither hides the file's other errors nor, as an unclosed array would, sets off a
/// hundred more: the top-level entry (a table with its sub-tables) where the first error
/// falls is reported and blanked, all but its header and a plain `id = "…"` line (so that
/// what names it still finds it), and the file is parsed again, until it parses. The
/// rest is then read as usual; what the reading says inside a blanked entry is dropped,
/// and later stages drop theirs too (see [`Claims::broken`]). When blanking does not
/// help (an unclosed `"""` runs to the end of the file), every error is reported, and
/// nothing is read.
fn read_around(file: &SourceFile, text: &str, first: Vec<toml::de::Error>, diags: &mut Vec<Diagnostic>) -> Claims {
    let entries = top_entries(text);
    let (mut bytes, mut broken, mut reported) = (text.as_bytes().to_vec(), Vec::new(), Vec::new());
    let mut errors = first.clone();
    for _ in 0..ROUNDS {
        let at = |e: &toml::de::Error| e.span().map_or(0, |s| s.start);
        let Some(start) = errors.iter().map(at).min() else { break };
        let Some(hit) = entries.iter().position(|e| e.contains(&start) || start == e.end && e.end == text.len()) else {
            break;
        };
        // A string or array left open in an earlier entry runs on into this one: the
        // error is where it opened.
        let unclosed = entries[..=hit].iter().filter(|e| !broken.contains(*e)).find_map(|e| unclosed(text, e));
        // `[claim]` before `[[claim]]` entries: each of those is a "duplicate key", and
        // the mistake is the single table (or a sub-table under no `[[claim]]`).
        // From that line to its entry's end: a misspelt `[[claims]]` above a sub-table keeps
        // its own lines, and its own error.
        let single = || {
            single_table(text, start).and_then(|(at, d)| Some((at..entries.iter().find(|e| e.contains(&at))?.end, d)))
        };
        let (entry, error) = match (unclosed, single()) {
            (Some((entry, d)), _) => (entry, d.in_file_of(file)),
            (None, Some((entry, d))) => (entry, d.in_file(file)),
            // The entry's first error alone: its later ones mostly repeat what it broke.
            (None, None) => match errors.iter().find(|e| at(e) == start) {
                Some(e) => (entries[hit].clone(), tomlfile::syntax_error(file, e, 0)),
                None => break,
            },
        };
        let entry = &entry;
        if broken.contains(entry) {
            break;
        }
        // The line the error is reported at goes too (a `[claim]` header, say).
        let shown = error.primary.as_ref().map(|l| l.span.clone());
        reported.push(error);
        blank(&mut bytes, text, entry, &errors, shown);
        broken.push(entry.clone());
        // Only whole lines were turned to ASCII spaces: the text is still UTF-8.
        let cleaned = String::from_utf8(bytes.clone()).unwrap_or_default();
        let (root, again) = toml::de::DeTable::parse_recoverable(&cleaned);
        if again.is_empty() {
            diags.extend(reported);
            let mut found = Vec::new();
            let mut claims = read(file, &[(root, 0)], &Headers::new(&cleaned), &mut found);
            claims.broken_ids.extend(broken.iter().flat_map(|e| text[e.clone()].lines().filter_map(id_of)));
            claims.broken = broken;
            diags.extend(found.into_iter().filter(|d| !claims.hides(d)));
            return claims;
        }
        errors = again;
    }
    diags.extend(first.iter().map(|e| tomlfile::syntax_error(file, e, 0)));
    Claims::default()
}

/// The entry and the error, when `entry` ends inside a multi-line string or array that
/// it opened.
fn unclosed(text: &str, entry: &Range<usize>) -> Option<(Range<usize>, Unclosed)> {
    let (mut within, mut depth, mut at, mut opened) = (Within::Toml, 0, entry.start, entry.start..entry.start);
    for line in text[entry.clone()].split_inclusive('\n') {
        let was_plain = within == Within::Toml && depth == 0;
        (within, depth) = scan(line, within, depth);
        if was_plain && (within != Within::Toml || depth > 0) {
            opened = at..at + line.trim_end().len();
        }
        at += line.len();
    }
    let close = match (within, depth) {
        (Within::Basic, _) => "\"\"\"",
        (Within::Literal, _) => "'''",
        (Within::Toml, 0) => return None,
        (Within::Toml, _) => "]",
    };
    Some((entry.clone(), Unclosed { span: opened, close, last: entry.end == text.len() }))
}

/// A multi-line string or array never closed within its entry.
struct Unclosed {
    /// The line that opens it.
    span: Range<usize>,
    /// What closes it.
    close: &'static str,
    /// Whether it is in the file's last entry (no entry after it to swallow).
    last: bool,
}

impl Unclosed {
    fn in_file_of(self, file: &SourceFile) -> Diagnostic {
        let what = if self.close == "]" { "an array" } else { "a multi-line string" };
        let (before, after) = match self.last {
            true => ("by the end of the file", ""),
            false => ("before the next entry", "; until then, the entries after it are read as part of it"),
        };
        Diagnostic::error("toml-syntax", format!("invalid TOML: {what} opened here is not closed {before}"))
            .at(file, self.span, format!("never closed with {}", self.close))
            .help(format!("close it with {} where it ends{after}", self.close))
    }
}

/// When the line at `start` opens an entry of a list (`[[claim]]`) that TOML calls a
/// duplicate key, the earlier line that made it one: a single table of that name
/// (`[claim]`), or a sub-table (`[[claim.source]]`) under no `[[claim]]` (after a
/// misspelt `[[claims]]`, say), which makes `claim` a table. Where that line starts, and
/// the error to report there.
fn single_table(text: &str, start: usize) -> Option<(usize, SingleTable)> {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let name = match header(text[line_start..].lines().next()?)? {
        (name, true) => name,
        (_, false) => return None,
    };
    let (mut at, mut top) = (0, None);
    for l in text[..line_start].split_inclusive('\n') {
        let lead = at + l.len() - l.trim_start().len();
        let span = lead..lead + l.trim().len();
        let found = |under| Some((at, SingleTable { span: span.clone(), name: name.to_string(), under }));
        match header(l) {
            Some((h, false)) if h == name => return found(None),
            Some((h, _)) if h.starts_with(&format!("{name}.")) && top != Some((name, true)) => {
                let under = top.map(|(n, list)| if list { format!("[{n}]") } else { n.to_string() });
                return found(Some(under.unwrap_or_default()));
            }
            Some((h, list)) if !h.contains('.') => top = Some((h, list)),
            _ => {}
        }
        at += l.len();
    }
    None
}

/// The name of the table a line opens, alone on it (`[meta]`, `[[claim.source]]`), and
/// whether it is an entry of a list (double brackets).
fn header(line: &str) -> Option<(&str, bool)> {
    let t = line.trim();
    let (name, list) = match t.strip_prefix("[[").and_then(|r| r.strip_suffix("]]")) {
        Some(name) => (name, true),
        None => (t.strip_prefix('[')?.strip_suffix(']')?, false),
    };
    let bare = |n: &str| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    bare(name).then_some((name, list))
}

/// A single table (`[claim]`) where the file has a list of them (`[[claim]]`), or a
/// sub-table under no entry of that list (`under`: the header it comes after).
struct SingleTable {
    span: Range<usize>,
    name: String,
    under: Option<String>,
}

impl SingleTable {
    fn in_file(self, file: &SourceFile) -> Diagnostic {
        let name = &self.name;
        match &self.under {
            None => Diagnostic::error(
                "toml-syntax",
                format!("invalid TOML: `[{name}]` is one table, where the file lists `[[{name}]]` entries"),
            )
            .at(file, self.span, "one bracket too few")
            .help(format!("write `[[{name}]]`, with double brackets: each entry of a list is written so")),
            Some(under) => {
                let after = if under.is_empty() { String::new() } else { format!(", after `[{under}]`") };
                Diagnostic::error("toml-syntax", format!("invalid TOML: this belongs to no `[[{name}]]` entry{after}"))
                    .at(file, self.span, format!("not under a `[[{name}]]`"))
                    .help(format!("open the entry it belongs to with `[[{name}]]` above it; until then, TOML refuses the `[[{name}]]` entries after it"))
            }
        }
    }
}

/// The top-level entries of a file: what comes before the first header, then each
/// table with its sub-tables. A header is any line that is one alone (`[[claim]]`,
/// `[meta]`), even where an unclosed string or array would hide it from [`Headers`]:
/// that is where the error's damage ends.
fn top_entries(text: &str) -> Vec<Range<usize>> {
    let mut starts = vec![0];
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if at > 0 && header(line).is_some_and(|(name, _)| !name.contains('.')) {
            starts.push(at);
        }
        at += line.len();
    }
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    starts.iter().zip(ends).map(|(&s, e)| s..e).collect()
}

/// Turns every line of `entry` to spaces in `bytes`, byte for byte (so that every offset
/// still points where it did), but for its header and a plain id line when no error
/// touches them.
fn blank(bytes: &mut [u8], text: &str, entry: &Range<usize>, errors: &[toml::de::Error], shown: Option<Range<usize>>) {
    let (mut at, mut own) = (entry.start, false);
    for (i, line) in text[entry.clone()].split_inclusive('\n').enumerate() {
        let hit = |s: Range<usize>| s.start < at + line.len() && at <= s.end;
        let clean = !errors.iter().filter_map(toml::de::Error::span).chain(shown.clone()).any(hit);
        let t = line.trim();
        // Past the header, the id is kept only from the entry's own table.
        own = if i == 0 { clean && t.starts_with('[') } else { own && !t.starts_with('[') };
        if !(own && clean && (i == 0 || plain_id(t))) {
            bytes[at..at + line.len()].iter_mut().filter(|b| !b"\r\n".contains(b)).for_each(|b| *b = b' ');
        }
        at += line.len();
    }
}

/// The id an `id = "…"` line gives, read leniently: its closing quote may be missing
/// (the syntax error that broke the entry may be just that).
fn id_of(line: &str) -> Option<String> {
    let value = line.trim().strip_prefix("id")?.trim_start().strip_prefix('=')?.trim_start().strip_prefix('"')?;
    let id = value.split('"').next().unwrap_or(value).trim_end();
    (!id.is_empty() && !id.contains('\\')).then(|| id.to_string())
}

/// `id = "…"` with nothing else on the line: safe to keep out of a broken entry.
fn plain_id(line: &str) -> bool {
    let value = line.trim().strip_prefix("id").and_then(|r| r.trim_start().strip_prefix('=')).map(str::trim);
    id_of(line).is_some_and(|id| value == Some(format!("\"{id}\"").as_str()))
}

/// Below this size a file is read whole: splitting it would cost more than it saves.
const WHOLE: usize = 256 * 1024;

/// The least size of a piece. An edit parses its piece again: at 256 KB (pieces of
/// 320 KB on average) that was 10 ms of a one-claim save in `serve` at 20,000 claims;
/// pieces of 40 KB on average take a millisecond.
const PIECE: usize = 32 * 1024;

/// The offsets at which to cut `text` into pieces of [`PIECE`] bytes or more: each cut is
/// at the start of a line that is exactly `[[claim]]`, so that every piece after the first
/// opens a claim. A cut that falls inside a multi-line string leaves the piece before it
/// with an unclosed string, which fails to parse: then the file is read whole.
///
/// Where to cut is decided by the text (a hash of the line after the header, usually the
/// claim's id), not by the distance from the file's start: an edit then changes the piece
/// it falls in, and the cuts after it fall where they fell before, so that the other
/// pieces' readings can be reused.
///
/// The headers are found by searching for `[[claim]]`, not by reading every line: this
/// runs over the whole file on every build, before anything can go on two cores (7–15 ms
/// at 14 MB line by line; 20 ms with `str::match_indices`, whose searcher reads a byte at
/// a time, against 1–2 ms with memchr's vectorised `memmem`).
fn pieces(text: &str) -> Vec<usize> {
    let mut cuts = vec![0];
    for found in memchr::memmem::find_iter(text.as_bytes(), b"[[claim]]") {
        let start = text[..found].rfind('\n').map_or(0, |n| n + 1);
        let end = text[found..].find('\n').map_or(text.len(), |n| found + n + 1);
        if text[start..end].trim() != "[[claim]]" || start < cuts[cuts.len() - 1] + PIECE {
            continue;
        }
        // The line after the header decides.
        let Some(next) = text[end..].split_inclusive('\n').next() else { continue };
        if xxhash_rust::xxh3::xxh3_64(next.as_bytes()).is_multiple_of(CUT) {
            cuts.push(start);
        }
    }
    cuts
}

/// One `[[claim]]` header in this many, past [`PIECE`] bytes, is a cut: pieces of a
/// claims file of 700-byte claims average about 43 KB.
const CUT: u64 = 16;

/// Reads a large, valid file in pieces, on every core; `None` when the file is small, or
/// when anything (a syntax error, an unknown key, a key spread over pieces, a missing
/// field…) needs the whole file's reading and diagnostics.
///
/// A piece's reading depends on its text alone (entries never reach past a cut, which is
/// a header), so a reading kept under the hash of the same text is the one parsing it
/// again would give.
fn parse_in_pieces(file: &SourceFile, text: &str, kept: &Kept) -> Option<(Claims, Kept)> {
    use rayon::prelude::*;
    if text.len() < WHOLE {
        return None;
    }
    let cuts = pieces(text);
    if cuts.len() < 2 {
        return None;
    }
    let end = |i: usize| cuts.get(i + 1).copied().unwrap_or(text.len());
    let keys: Vec<u64> = cuts
        .par_iter()
        .enumerate()
        .map(|(i, &start)| xxhash_rust::xxh3::xxh3_64(&text.as_bytes()[start..end(i)]))
        .collect();
    let ready = kept.take_ready(&keys);
    let read: Vec<(u64, Piece, Option<std::sync::Arc<[u8]>>)> = cuts
        .par_iter()
        .zip(keys)
        .zip(ready)
        .enumerate()
        .map(|(i, ((&start, key), ready))| {
            let kept_bytes = kept.pieces.get(&key);
            // A reading made ahead stands for the same text: it is kept under its hash.
            if let Some(piece) = ready.filter(|_| kept_bytes.is_some()) {
                return Some((key, piece, None));
            }
            if let Some(piece) = kept_bytes.and_then(|bytes| postcard::from_bytes::<Piece>(bytes).ok()) {
                return Some((key, piece, None));
            }
            let piece = parse_piece(file, text, start..end(i))?;
            let bytes = postcard::to_allocvec(&piece).ok()?;
            Some((key, piece, Some(bytes.into())))
        })
        .collect::<Option<_>>()?;
    // Arrays of tables add up across pieces; anything else must live in one piece, or
    // reading it whole might give another answer (a duplicate key, say).
    let mut seen = std::collections::HashSet::new();
    if read.iter().flat_map(|(_, p, _)| &p.keys).any(|k| !seen.insert(k)) {
        return None;
    }
    let mut claims = Claims::default();
    let mut now = Kept::default();
    let written: usize = read.iter().map(|(_, p, _)| p.claim_headers).sum();
    for ((key, mut piece, bytes), &start) in read.into_iter().zip(&cuts) {
        piece.claims.rebase(0, start);
        claims.append(piece.claims);
        now.fresh |= bytes.is_some();
        let bytes = match bytes {
            Some(bytes) => bytes,
            None => std::sync::Arc::clone(kept.pieces.get(&key)?),
        };
        now.pieces.insert(key, bytes);
    }
    // Every `[[claim]]` header became a claim: none was hidden in a string, and no piece
    // wrote claims as an inline array.
    (claims.claims.len() == written).then_some((claims, now))
}

/// Reads the piece of `text` at `range` (see `pieces`), spans relative to its start;
/// `None` when it needs the whole file's reading. Its headers are its own, and the next
/// piece's `[[claim]]`, where its last entry ends.
fn parse_piece(file: &SourceFile, text: &str, range: Range<usize>) -> Option<Piece> {
    let start = range.start;
    let mut lines = Headers::piece(&text[range.clone()], start)?;
    let claim_headers = lines.iter().filter(|(_, _, name)| name == "claim").count();
    if let Some(line) = text[range.end..].split_inclusive('\n').next() {
        lines.push((range.end, range.end + line.trim_end().len(), "claim".into()));
    }
    let (root, errors) = toml::de::DeTable::parse_recoverable(&text[range]);
    if !errors.is_empty() {
        return None;
    }
    let keys = root.get_ref().iter().map(|(k, _)| k.get_ref().to_string()).filter(|k| k != "claim").collect();
    let mut quiet = Vec::new();
    let mut claims = read(file, &[(root, start)], &Headers { lines }, &mut quiet);
    if !quiet.is_empty() {
        return None;
    }
    claims.rebase(start, 0);
    Some(Piece { keys, claims, claim_headers })
}

impl Claims {
    /// Whether `d` is about an entry that was not read for its syntax errors (see
    /// [`read_around`]), and so says nothing the editor can act on. Its syntax errors are
    /// kept.
    pub fn hides(&self, d: &Diagnostic) -> bool {
        let Some(place) = d.primary.as_ref().filter(|_| d.code != "toml-syntax") else { return false };
        self.broken.iter().any(|e| e.contains(&place.span.start))
    }

    /// The latest of a claim's checked date and its corrections' dates.
    pub fn updated(&self, claim: &Claim) -> Date {
        self.corrections_of(&claim.id.value).map(|c| c.date).fold(claim.checked, Date::max)
    }

    /// Keeps only the corrections `keep` says to (and forgets the index of them by claim).
    pub fn retain_corrections(&mut self, keep: impl FnMut(&Correction) -> bool) {
        self.corrections.retain(keep);
        self.by_claim = std::sync::OnceLock::new();
    }

    /// The corrections of claim `id`, in file order.
    pub fn corrections_of(&self, id: &str) -> impl Iterator<Item = &Correction> {
        let index = self.by_claim.get_or_init(|| {
            let mut index: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, c) in self.corrections.iter().enumerate() {
                index.entry(c.claim.value.clone()).or_default().push(i);
            }
            index
        });
        index.get(id).map_or(&[][..], Vec::as_slice).iter().map(|&i| &self.corrections[i])
    }

    /// Moves every span by `to - from`: readings of pieces are kept with spans relative to
    /// their piece.
    fn rebase(&mut self, from: usize, to: usize) {
        // Wrapping, so that a move there and back is exact whatever the spans.
        let at = |r: &mut Range<usize>| {
            *r = r.start.wrapping_sub(from).wrapping_add(to)..r.end.wrapping_sub(from).wrapping_add(to);
        };
        let quote = |q: &mut Quote| {
            at(&mut q.article.span);
            at(&mut q.quote.span);
            q.prefix.iter_mut().chain(q.suffix.iter_mut()).for_each(|s| at(&mut s.span));
            at(&mut q.span);
        };
        for c in &mut self.claims {
            at(&mut c.id.span);
            at(&mut c.verdict.span);
            at(&mut c.finding_at);
            at(&mut c.span);
            c.sources.iter_mut().for_each(|s| {
                at(&mut s.url.span);
                s.archive_url.iter_mut().for_each(|a| at(&mut a.span));
            });
            c.appearances.iter_mut().for_each(quote);
        }
        for d in &mut self.discrepancies {
            at(&mut d.id.span);
            d.claims.iter_mut().for_each(|c| at(&mut c.span));
            d.listed.iter_mut().for_each(at);
            at(&mut d.span);
        }
        self.artifacts.iter_mut().for_each(|a| quote(&mut a.quote));
        self.corrections.iter_mut().for_each(|c| {
            at(&mut c.claim.span);
            at(&mut c.date_at);
        });
        self.events.iter_mut().for_each(|e| e.source_at.iter_mut().for_each(at));
    }

    /// Adds what a later piece of the file says.
    fn append(&mut self, mut later: Claims) {
        self.claims.append(&mut later.claims);
        self.discrepancies.append(&mut later.discrepancies);
        self.artifacts.append(&mut later.artifacts);
        self.events.append(&mut later.events);
        self.corrections.append(&mut later.corrections);
        self.by_claim = Default::default();
    }
}

/// The tables of `key` in every root, in file order, each with its span in the file and
/// the offset of its root's text.
fn tables_of<'t, 'i>(
    file: &'t SourceFile,
    roots: &'t [(Spanned<Table<'i>>, usize)],
    key: &'t str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(&'t Table<'i>, Range<usize>, usize)> {
    let known = &LISTS;
    let mut out = Vec::new();
    for (root, offset) in roots {
        let mut found = Vec::new();
        let tables = Fields::new(file, root.get_ref(), 0..0, "the claims file", known, *offset, &mut found).tables(key);
        // Unknown keys are reported once, when the first key is read.
        if key != known[0] {
            found.retain(|d| d.code != "unknown-field");
        }
        diags.extend(found);
        out.extend(tables.into_iter().map(|(t, s)| (t, tomlfile::shift(s, *offset), *offset)));
    }
    out
}

/// The lists a claims file holds, by their names (`[[claim]]`, …): its only top-level keys.
const LISTS: [&str; 5] = ["claim", "discrepancy", "artifact", "event", "correction"];

/// The ids of the entries of a list with a name the file does not have (`[[claims]]`,
/// reported as an unknown field): what names one of them is not naming an unknown claim,
/// only a claim written under a misspelt name.
fn misnamed_ids(roots: &[(Spanned<Table<'_>>, usize)]) -> Vec<String> {
    let mut ids = Vec::new();
    for (root, _) in roots {
        for (_, value) in root.get_ref().iter().filter(|(k, _)| !LISTS.contains(&k.get_ref().as_ref())) {
            let Some(items) = value.get_ref().as_array() else { continue };
            let id = |t: &Table<'_>| t.get("id").and_then(|v| v.get_ref().as_str()).map(str::to_string);
            ids.extend(items.iter().filter_map(|i| i.get_ref().as_table().and_then(id)));
        }
    }
    ids
}

/// The fields of a table whose entry starts at `header` (a span in the file), in a root
/// read at `offset`.
fn fields<'a, 't, 'i>(
    file: &'t SourceFile,
    table: &'t Table<'i>,
    header: &Range<usize>,
    offset: usize,
    what: &'t str,
    known: &[&'t str],
    diags: &'a mut Vec<Diagnostic>,
) -> Fields<'a, 't, 'i> {
    let relative = header.start.saturating_sub(offset)..header.end.saturating_sub(offset);
    Fields::new(file, table, relative, what, known, offset, diags)
}

/// Reads the entries of `roots`: the whole file's table, or its pieces' tables.
fn read(
    file: &SourceFile,
    roots: &[(Spanned<Table<'_>>, usize)],
    headers: &Headers,
    diags: &mut Vec<Diagnostic>,
) -> Claims {
    use rayon::prelude::*;
    let claim_tables = tables_of(file, roots, "claim", diags);
    let discrepancy_tables = tables_of(file, roots, "discrepancy", diags);
    let artifact_tables = tables_of(file, roots, "artifact", diags);
    let event_tables = tables_of(file, roots, "event", diags);
    let correction_tables = tables_of(file, roots, "correction", diags);

    let mut out = Claims::default();
    out.broken_ids = misnamed_ids(roots);
    // Each claim on its own, on every core; their diagnostics in file order.
    let claims: Vec<(Option<Claim>, Vec<Diagnostic>)> = claim_tables
        .par_iter()
        .map(|(table, span, offset)| {
            let mut diags = Vec::new();
            let span = headers.entry("claim", span.clone());
            (parse_claim(file, table, span, *offset, headers, &mut diags), diags)
        })
        .collect();
    for (claim, ds) in claims {
        out.claims.extend(claim);
        diags.extend(ds);
    }
    for (table, span, offset) in discrepancy_tables {
        let span = headers.entry("discrepancy", span);
        let known = &["id", "title", "claims", "resolution", "draft"];
        let mut f = fields(file, table, &span, offset, "`[[discrepancy]]`", known, diags);
        let id = f.str("id");
        let title = f.str("title");
        let listed = f.span_of("claims").filter(|_| f.is_str_array("claims"));
        let claims = f.str_array("claims", true);
        let resolution = f.str("resolution");
        let draft = f.opt_bool("draft").unwrap_or(false);
        // Kept whatever failed (blank, and never rendered: an error was reported), so that
        // the claims it names are checked.
        let text_of = |t: Option<Sp<String>>| t.map(|t| t.value).unwrap_or_default();
        let id = id.unwrap_or_else(|| Sp::new(String::new(), span.clone()));
        let (title, resolution) = (text_of(title), text_of(resolution));
        out.discrepancies.push(Discrepancy { id, title, claims, resolution, span, listed, draft });
    }
    for (table, span, offset) in artifact_tables {
        let span = headers.entry("artifact", span);
        let known = &["article", "quote", "prefix", "suffix", "reason"];
        let mut f = fields(file, table, &span, offset, "`[[artifact]]`", known, diags);
        let quote = parse_quote(&mut f, span);
        let reason = f.str("reason");
        // Kept without its reason (reported) so that its quote is still found.
        if let Some(quote) = quote {
            out.artifacts.push(Artifact { quote, reason: reason.map(|r| r.value).unwrap_or_default() });
        }
    }
    for (table, span, offset) in event_tables {
        let span = headers.entry("event", span);
        let mut f = fields(file, table, &span, offset, "`[[event]]`", &["date", "title", "source"], diags);
        let date = f.date("date");
        let title = f.str("title");
        let source = f.opt_str("source");
        if let Some(s) = &source {
            check_url(file, s, diags);
        }
        if let (Some(date), Some(title)) = (date, title) {
            let source_at = source.as_ref().map(|s| s.span.clone());
            out.events.push(Event { date: date.value, title: title.value, source: source.map(|s| s.value), source_at });
        }
    }
    for (table, span, offset) in correction_tables {
        let span = headers.entry("correction", span);
        let mut f = fields(file, table, &span, offset, "`[[correction]]`", &["date", "claim", "text"], diags);
        let date = f.date("date");
        let claim = f.str("claim");
        let text = f.str("text");
        // Kept when only its date or text failed, so that the claim it names is checked.
        if let Some(claim) = claim {
            let date_at = date.as_ref().map_or_else(|| claim.span.clone(), |d| d.span.clone());
            let date = date.map(|d| d.value);
            out.corrections.push(Correction {
                dated: date.is_some(),
                date: date.unwrap_or(Date::EPOCH),
                claim,
                text: text.map(|t| t.value).unwrap_or_default(),
                date_at,
            });
        }
    }
    out
}

fn parse_claim(
    file: &SourceFile,
    table: &Table<'_>,
    span: Range<usize>,
    offset: usize,
    headers: &Headers,
    diags: &mut Vec<Diagnostic>,
) -> Option<Claim> {
    let known = &[
        "id",
        "claim",
        "verdict",
        "finding",
        "explanation",
        "checked",
        "topic",
        "draft",
        "claimant",
        "claimant_type",
        "source",
        "appearance",
    ];
    let mut f = fields(file, table, &span, offset, "`[[claim]]`", known, diags);
    let id = f.str("id");
    let claim = f.str("claim");
    let verdict = f.str("verdict");
    let finding = f.str("finding");
    let explanation = f.str("explanation");
    let checked = f.date("checked");
    let topic = f.opt_str("topic");
    let draft = f.opt_bool("draft").unwrap_or(false);
    let claimant = parse_claimant(&mut f);
    let source_tables = f.tables("source");
    let appearance_tables = f.tables("appearance");
    let text = &file.text;

    let sources = source_tables
        .into_iter()
        .filter_map(|(t, s)| {
            parse_source(file, t, headers.entry("claim.source", tomlfile::shift(s, offset)), offset, diags)
        })
        .collect();
    let (mut appearances, mut unread) = (Vec::new(), Vec::new());
    for (t, s) in appearance_tables {
        let s = headers.entry("claim.appearance", tomlfile::shift(s, offset));
        let known = &["article", "quote", "prefix", "suffix", "note"];
        let mut f = fields(file, t, &s, offset, "`[[claim.appearance]]`", known, diags);
        let article = f.peek_str("article");
        let quote = parse_quote(&mut f, s);
        let note = f.opt_str("note");
        match quote {
            Some(mut q) => {
                q.note = note.map(|n| n.value);
                appearances.push(q);
            }
            None => unread.push(article.unwrap_or_default()),
        }
    }
    // Without an id (reported) nothing can name the claim, but its verdict and quotes
    // are still checked; nor can it be rendered, as an error was reported.
    let id = id.unwrap_or_else(|| Sp::new(String::new(), span.clone()));
    let complete =
        claim.is_some() && verdict.is_some() && finding.is_some() && explanation.is_some() && checked.is_some();
    let text_of = |t: Option<Sp<String>>| t.map(|t| t.value).unwrap_or_default();
    let finding_at = finding.as_ref().map_or_else(|| id.span.clone(), |f| f.span.clone());
    let mut c = Claim {
        verdict: verdict.unwrap_or_else(|| Sp::new(String::new(), id.span.clone())),
        id,
        claim: text_of(claim),
        finding: text_of(finding),
        finding_at,
        explanation: text_of(explanation),
        checked: checked.map_or(Date::EPOCH, |c| c.value),
        // None given: the loader puts "Other claims" in the site's language.
        topic: topic.map_or_else(String::new, |t| t.value),
        sources,
        appearances,
        span: headers.extent(text, span),
        complete,
        unread,
        draft,
        claimant,
        said: Said::default(),
    };
    c.said = c.said(text.get(c.span.clone()).unwrap_or_default());
    Some(c)
}

/// A claim's `claimant` and `claimant_type`. A type without a name is an error, as is a
/// type other than `person` and `organization`.
fn parse_claimant(f: &mut Fields<'_, '_, '_>) -> Option<Claimant> {
    let name = f.opt_str("claimant");
    let kind = f.opt_str("claimant_type");
    let file = f.file();
    let organization = match &kind {
        None => false,
        Some(k) if k.value == "person" => false,
        Some(k) if k.value == "organization" => true,
        Some(k) => {
            f.diags().push(
                Diagnostic::error("bad-value", format!("unknown claimant type `{}`", k.value))
                    .at(file, k.span.clone(), "not a claimant type")
                    .help("write `claimant_type = \"person\"` or `claimant_type = \"organization\"`"),
            );
            false
        }
    };
    if let (None, Some(k)) = (&name, &kind) {
        f.diags().push(
            Diagnostic::error("missing-field", "`claimant_type` without `claimant`")
                .at(file, k.span.clone(), "the type of a claimant not named")
                .help("add `claimant = \"…\"`, the name of who made the claim, or remove this line"),
        );
    }
    name.map(|n| Claimant { name: n.value, organization })
}

/// A `[[claim.source]]` table whose entry is `s`; `None` (with its errors reported) when
/// its title or address could not be read.
fn parse_source(
    file: &SourceFile,
    t: &Table<'_>,
    s: Range<usize>,
    offset: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<Source> {
    let known = &["title", "description", "publisher", "url", "archive_url", "date"];
    let mut f = fields(file, t, &s, offset, "`[[claim.source]]`", known, diags);
    // The page's real title; or, when it is not known, a description of the page.
    let description = f.opt_str("description");
    let (title, both) = match (&description, f.span_of("title")) {
        (Some(d), Some(span)) => (None, Some((span, d.span.clone()))),
        (Some(d), None) => (Some(d.clone()), None),
        (None, _) => (f.str("title"), None),
    };
    let publisher = f.opt_str("publisher");
    let url = f.str("url");
    let archive_url = f.opt_str("archive_url");
    let date = f.opt_date("date");
    if let Some((title, description)) = both {
        diags.push(
            Diagnostic::error("title-and-description", "a source has both a `title` and a `description`")
                .at(file, title, "the page's title")
                .also(description, "a description of the page")
                .help("keep `title` when it is the page's real title, `description` when it is not known"),
        );
    }
    for u in url.iter().chain(&archive_url) {
        check_url(file, u, diags);
    }
    Some(Source {
        title: title?.value,
        described: description.is_some(),
        publisher: publisher.map(|p| p.value),
        url: url?,
        archive_url,
        date: date.map(|d| d.value),
    })
}

fn parse_quote(f: &mut Fields<'_, '_, '_>, span: Range<usize>) -> Option<Quote> {
    let article = f.str("article");
    let quote = f.str("quote");
    let prefix = raw_str(f, "prefix");
    let suffix = raw_str(f, "suffix");
    Some(Quote::new(article?, quote?, (prefix, suffix), None, span))
}

/// Prefix and suffix may legitimately be a single space or punctuation, so they are read
/// without the blank check of [`Fields::opt_str`]; an empty one (`prefix = ""`) is
/// reported as it would be, since it says nothing and may be a prefix forgotten.
fn raw_str(f: &mut Fields<'_, '_, '_>, key: &str) -> Option<Sp<String>> {
    let span = f.span_of(key)?;
    let text = &f.file().text[span.clone()];
    match toml::de::DeValue::parse(text).ok().and_then(|v| v.get_ref().as_str().map(str::to_string)) {
        Some(s) if !s.is_empty() => Some(Sp::new(s, span)),
        _ => f.opt_str(key),
    }
}

fn check_url(file: &SourceFile, url: &Sp<String>, diags: &mut Vec<Diagnostic>) {
    if !crate::model::config::is_web_url(&url.value) {
        let message = format!("`{}` is not an http or https address", url.value);
        let help = "cite sources by their full address, starting with https://";
        diags.push(crate::model::config::bad_url(
            file,
            url.span.clone(),
            &url.value,
            [&message, "not a web address", help],
        ));
    }
}

/// The table headers of the file (`[[claim]]`, `[[claim.source]]`…), for spans that start
/// at a header: toml reports an array element's span as its first key, but an editor
/// thinks of an entry as starting at its header line.
///
/// A header is a line that opens with `[` where TOML would read one: not inside a
/// multi-line string (an explanation whose line starts with a markdown link `[the
/// source](…)`, or with `[[`) and not inside a multi-line array. Reading those as headers
/// cut entries short: five of the repository's nineteen claim pages stopped mid-entry.
struct Headers {
    /// (offset of the header line, end of that line, header name)
    lines: Vec<(usize, usize, String)>,
}

/// Where a line starts, for [`Headers::new`]: in plain TOML, or inside a multi-line value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Within {
    /// Keys, values and headers.
    Toml,
    /// A `"""` string.
    Basic,
    /// A `'''` string.
    Literal,
}

impl Headers {
    fn new(text: &str) -> Self {
        Headers { lines: Self::scan_from(text, 0).0 }
    }

    /// The headers of one piece of the file (see `pieces`), which starts at `base`. A cut
    /// falls at a `[[claim]]` line, so each piece starts in plain TOML; `None` when it does
    /// not also end there (a multi-line value spans the cut), and the file must be read
    /// whole. When every piece ends in plain TOML, their headers are the whole text's.
    fn piece(text: &str, base: usize) -> Option<Vec<(usize, usize, String)>> {
        let (lines, within, depth) = Self::scan_from(text, base);
        (within == Within::Toml && depth == 0).then_some(lines)
    }

    /// The headers of `text`, whose first byte is at `base` in the file, and where its
    /// end leaves the scan.
    fn scan_from(text: &str, base: usize) -> (Vec<(usize, usize, String)>, Within, usize) {
        let mut lines = Vec::new();
        let (mut at, mut within, mut depth) = (base, Within::Toml, 0usize);
        for line in text.split_inclusive('\n') {
            let t = line.trim();
            if within == Within::Toml && depth == 0 && t.starts_with('[') {
                let name = match t.strip_prefix("[[") {
                    Some(rest) => rest.split("]]").next().unwrap_or(""),
                    None => &t[1..t.find(']').unwrap_or(1)],
                };
                if t.contains(']') {
                    lines.push((at, at + line.trim_end().len(), name.trim().to_string()));
                }
            } else {
                (within, depth) = scan(line, within, depth);
            }
            at += line.len();
        }
        (lines, within, depth)
    }

    /// The span of the `[[name]]` header that opens the entry whose values start at
    /// `span`; `span` itself for inline tables. Headers are sorted by offset, so this is a
    /// binary search (a claims file can have tens of thousands of entries).
    fn entry(&self, name: &str, span: Range<usize>) -> Range<usize> {
        let upto = self.lines.partition_point(|(start, _, _)| *start <= span.start);
        self.lines[..upto]
            .iter()
            .rev()
            .take(64)
            .find(|(_, _, n)| n == name)
            .map_or(span, |(start, end, _)| *start..*end)
    }

    /// From an entry's header to the next header of its own level or above (a parent or
    /// sibling), trailing blank lines dropped: the entry as it stands in the file.
    fn extent(&self, text: &str, header: Range<usize>) -> Range<usize> {
        let i = self.lines.partition_point(|(start, _, _)| *start < header.start);
        let Some((_, _, name)) = self.lines.get(i).filter(|(s, _, _)| *s == header.start) else { return header };
        let child = format!("{name}.");
        let end =
            self.lines[i + 1..].iter().find(|(_, _, n)| !n.starts_with(&child)).map_or(text.len(), |(s, _, _)| *s);
        // Comments and blank lines before the next header belong to what follows (a
        // section heading, say), not to this entry.
        let mut body = text[header.start..end].trim_end();
        while let Some(last) = body.rfind('\n').map(|i| &body[i + 1..]) {
            let comment = last.trim_start().starts_with('#') && !in_string(&body[..body.len() - last.len()]);
            if last.trim().is_empty() || comment {
                body = body[..body.len() - last.len()].trim_end();
            } else {
                break;
            }
        }
        header.start..header.start + body.len()
    }
}

/// Whether the line after `before` (an entry's text up to a line start) starts inside a
/// multi-line string: then a `#` there is text (`# x"""` closes a string), not a comment.
fn in_string(before: &str) -> bool {
    let (mut within, mut depth) = (Within::Toml, 0);
    for line in before.split_inclusive('\n') {
        (within, depth) = scan(line, within, depth);
    }
    within != Within::Toml
}

/// Reads one line of TOML that is not a header, from `within` and at array `depth`, and
/// returns where the next line starts: in a multi-line string or not, and how deep in
/// multi-line arrays. Single-line strings and comments are skipped whole. Bytes, not
/// characters: every byte it looks for is ASCII, and never part of a longer character.
fn scan(line: &str, mut within: Within, mut depth: usize) -> (Within, usize) {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        match within {
            Within::Basic if b[i] == b'\\' => i += 2,
            Within::Basic if rest.starts_with(b"\"\"\"") => {
                (within, i) = (Within::Toml, i + 3 + quotes(&rest[3..], b'"'))
            }
            Within::Literal if rest.starts_with(b"'''") => {
                (within, i) = (Within::Toml, i + 3 + quotes(&rest[3..], b'\''))
            }
            Within::Basic | Within::Literal => i += 1,
            Within::Toml => match b[i] {
                b'#' => break,
                b'"' if rest.starts_with(b"\"\"\"") => (within, i) = (Within::Basic, i + 3),
                b'\'' if rest.starts_with(b"'''") => (within, i) = (Within::Literal, i + 3),
                b'"' => i += 1 + single(&rest[1..], b'"', true),
                b'\'' => i += 1 + single(&rest[1..], b'\'', false),
                b'[' => (depth, i) = (depth + 1, i + 1),
                b']' => (depth, i) = (depth.saturating_sub(1), i + 1),
                _ => i += 1,
            },
        }
    }
    (within, depth)
}

/// How many of the (at most two) bytes after a closing `"""` or `'''` are more quotes,
/// which belong to the string.
fn quotes(rest: &[u8], quote: u8) -> usize {
    rest.iter().take(2).take_while(|&&c| c == quote).count()
}

/// The length of a one-line string's body and its closing `quote` (or of the rest of the
/// line, for one left open), escapes honoured where `escapes`.
fn single(b: &[u8], quote: u8, escapes: bool) -> usize {
    let mut i = 0;
    while i < b.len() {
        if escapes && b[i] == b'\\' {
            i += 2;
        } else if b[i] == quote {
            return i + 1;
        } else {
            i += 1;
        }
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
[[claim]]
id = "a"
claim = "The post was in October 2024."
verdict = "false"
finding = "It was October 2025."
explanation = "See the post."
checked = 2026-11-21
topic = "Dates"

  [[claim.source]]
  title = "Post"
  url = "https://example.org/post"
  date = 2025-10-28

  [[claim.appearance]]
  article = "blog"
  quote = "in October 2024"
  prefix = " "

[[artifact]]
article = "blog"
quote = "Follow Us"
reason = "Page chrome."

[[event]]
date = 2026-02-27
title = "Statement"
"#;

    #[test]
    fn reads_a_complete_file() {
        let file = SourceFile::new("content/claims.toml", FILE);
        let mut diags = Vec::new();
        let c = parse(&file, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(c.claims.len(), 1);
        let claim = &c.claims[0];
        assert_eq!(claim.sources[0].date.unwrap().to_string(), "2025-10-28");
        assert_eq!(claim.appearances[0].prefix.as_ref().unwrap().value, " ");
        let entry = &FILE[claim.span.clone()];
        assert!(entry.starts_with("[[claim]]") && entry.ends_with("prefix = \" \""), "{entry}");
        assert_eq!(c.artifacts[0].reason, "Page chrome.");
        assert_eq!(c.events[0].source, None);
    }

    #[test]
    fn each_claim_has_its_own_corrections_in_file_order() {
        let text = format!(
            "{FILE}\n[[correction]]\ndate = 2026-11-22\nclaim = \"a\"\ntext = \"One.\"\n\n[[correction]]\ndate = 2026-11-23\nclaim = \"zz\"\ntext = \"Other.\"\n\n[[correction]]\ndate = 2026-11-21\nclaim = \"a\"\ntext = \"Two.\"\n"
        );
        let file = SourceFile::new("content/claims.toml", text);
        let mut diags = Vec::new();
        let c = parse(&file, &mut diags);
        let texts = |id| c.corrections_of(id).map(|k| k.text.as_str()).collect::<Vec<_>>();
        assert_eq!(texts("a"), ["One.", "Two."]);
        assert_eq!(texts("zz"), ["Other."]);
        assert!(texts("b").is_empty());
    }

    /// A claims file of `n` claims, large enough to be read in pieces.
    fn large(n: usize, explanation: impl Fn(usize) -> String) -> String {
        let mut text = String::from("# A generated file.\n\n");
        for i in 0..n {
            text.push_str(&format!(
                "[[claim]]\nid = \"c{i}\"\nclaim = \"Claim {i}.\"\nverdict = \"false\"\nfinding = \"Finding {i}.\"\nexplanation = {}\nchecked = 2026-11-21\n\n  [[claim.source]]\n  title = \"Source {i}\"\n  url = \"https://example.org/{i}\"\n\n  [[claim.appearance]]\n  article = \"a{}\"\n  quote = \"words {i}\"\n  prefix = \" \"\n\n",
                explanation(i),
                i % 7
            ));
        }
        text.push_str("[[discrepancy]]\nid = \"d\"\ntitle = \"D\"\nclaims = [\"c1\", \"c2\"]\nresolution = \"R.\"\n\n[[event]]\ndate = 2026-02-27\ntitle = \"E\"\n");
        text
    }

    /// The file read whole, as a small file is.
    fn whole(file: &SourceFile) -> (Claims, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let headers = Headers::new(&file.text);
        let claims = match tomlfile::parse(file, &file.text, 0, &mut diags) {
            Some(root) => read(file, &[(root, 0)], &headers, &mut diags),
            None => Claims::default(),
        };
        (claims, diags)
    }

    fn same_as_whole(text: &str) -> (Claims, Vec<Diagnostic>) {
        let file = SourceFile::new("content/claims.toml", text);
        let mut diags = Vec::new();
        let claims = parse(&file, &mut diags);
        let (want, want_diags) = whole(&file);
        assert_eq!(format!("{claims:?}"), format!("{want:?}"));
        let render = |ds: &[Diagnostic]| ds.iter().map(|d| d.render(false)).collect::<Vec<_>>();
        assert_eq!(render(&diags), render(&want_diags));
        (claims, diags)
    }

    #[test]
    fn pieces_are_cut_where_a_line_by_line_reading_cuts_them() {
        // The reading `pieces` replaced: every line, trimmed.
        fn by_lines(text: &str) -> Vec<usize> {
            let (mut cuts, mut at, mut header) = (vec![0], 0, None);
            for line in text.split_inclusive('\n') {
                if let Some(h) = header.take()
                    && h >= cuts[cuts.len() - 1] + PIECE
                    && xxhash_rust::xxh3::xxh3_64(line.as_bytes()).is_multiple_of(CUT)
                {
                    cuts.push(h);
                }
                if line.trim() == "[[claim]]" {
                    header = Some(at);
                }
                at += line.len();
            }
            cuts
        }
        let headers =
            ["[[claim]]\n", "  [[claim]] \r\n", "\u{a0}[[claim]]\n", "x = \"[[claim]]\"\n", "[[claim]][[claim]]\n"];
        for variant in 0..headers.len() {
            let text = large(3000, |i| format!("\"{i}\"")).replace("[[claim]]\n", headers[variant]).replacen(
                "\"1\"",
                "\"1\"\n[[claim]]",
                1,
            );
            assert!(pieces(&text).len() > 2 || variant >= 3, "variant {variant} is cut");
            assert_eq!(pieces(&text), by_lines(&text), "variant {variant}");
            let end = format!("{text}[[claim]]");
            assert_eq!(pieces(&end), by_lines(&end), "a header on the last line, variant {variant}");
        }
    }

    #[test]
    fn a_large_file_read_in_pieces_reads_as_it_does_whole() {
        let text = large(3000, |i| format!("\"Because {i}.\""));
        assert!(pieces(&text).len() > 2, "the file is cut");
        let file = SourceFile::new("content/claims.toml", text.as_str());
        assert!(parse_in_pieces(&file, &text, &Kept::default()).is_some(), "and read in pieces");
        let (claims, diags) = same_as_whole(&text);
        assert!(diags.is_empty());
        assert_eq!((claims.claims.len(), claims.discrepancies.len(), claims.events.len()), (3000, 1, 1));
        let entry = &text[claims.claims[2999].span.clone()];
        assert!(entry.starts_with("[[claim]]\nid = \"c2999\"") && entry.ends_with("prefix = \" \""), "{entry}");
    }

    #[test]
    fn kept_readings_are_reused_for_the_pieces_an_edit_did_not_touch() {
        let text = large(6000, |i| format!("\"Because {i}.\""));
        let file = SourceFile::new("content/claims.toml", text.as_str());
        let (first, kept) = parse_kept(&file, &mut Vec::new(), &Kept::default());
        let cuts = pieces(&text);
        assert!(cuts.len() > 4, "the file is cut: {cuts:?}");
        assert!(kept.fresh && kept.pieces.len() == cuts.len());
        assert_eq!(format!("{first:?}"), format!("{:?}", whole(&file).0));

        // Nothing changed: every reading is reused, and nothing needs saving.
        let (again, same) = parse_kept(&file, &mut Vec::new(), &kept);
        assert!(!same.fresh);
        assert_eq!(format!("{again:?}"), format!("{first:?}"));

        // An edit that moves everything after it: the cuts after it fall where they did,
        // one piece is read afresh, and the spans of the reused pieces follow the text.
        let edited = text.replace("finding = \"Finding 3000.\"", "finding = \"Finding 3000, and then some.\"");
        let file = SourceFile::new("content/claims.toml", edited.as_str());
        let (now, next) = parse_kept(&file, &mut Vec::new(), &kept);
        assert!(next.fresh);
        assert_eq!(next.pieces.keys().filter(|k| !kept.pieces.contains_key(k)).count(), 1, "one piece changed");
        assert_eq!(format!("{now:?}"), format!("{:?}", whole(&file).0));
        let entry = &edited[now.claims[5999].span.clone()];
        assert!(entry.starts_with("[[claim]]\nid = \"c5999\""), "{entry}");

        // A kept reading that does not decode is parsed again.
        let mut garbled = kept.clone();
        garbled.pieces.values_mut().for_each(|b| *b = b[..b.len() / 2].into());
        let (now, _) = parse_kept(&file, &mut Vec::new(), &garbled);
        assert_eq!(format!("{now:?}"), format!("{:?}", whole(&file).0));
    }

    #[test]
    fn readings_prepared_ahead_are_taken_and_read_the_same() {
        let text = large(6000, |i| format!("\"Because {i}.\""));
        let file = SourceFile::new("content/claims.toml", text.as_str());
        let (first, kept) = parse_kept(&file, &mut Vec::new(), &Kept::default());
        assert_eq!(kept.prepared(), 0);
        kept.prepare();
        assert_eq!(kept.prepared(), kept.pieces.len(), "every kept reading is decoded ahead");

        // An edit: the next parse takes every prepared reading it can use (all but the
        // edited piece's), and reads as a parse from nothing does.
        let edited = text.replace("finding = \"Finding 3000.\"", "finding = \"Finding 3000, and more.\"");
        let file = SourceFile::new("content/claims.toml", edited.as_str());
        let (now, next) = parse_kept(&file, &mut Vec::new(), &kept);
        assert_eq!(kept.prepared(), 0, "the parse took what was ready");
        assert_eq!(format!("{now:?}"), format!("{:?}", whole(&file).0));
        assert_eq!(format!("{:?}", parse_kept(&file, &mut Vec::new(), &next).0), format!("{now:?}"));
        assert_ne!(format!("{now:?}"), format!("{first:?}"));

        // Prepared again and parsed again, unchanged: every reading is taken.
        next.prepare();
        drop(parse_kept(&file, &mut Vec::new(), &next));
        assert_eq!(next.prepared(), 0);
    }

    #[test]
    fn a_claim_header_inside_a_string_or_an_error_sends_the_file_back_whole() {
        // A `[[claim]]` line inside a multi-line string: not a header. Where a cut falls on
        // it, the piece before it does not parse, and the file is read whole; either way it
        // reads as it does whole.
        let text = large(3000, |i| format!("\"\"\"\n[[claim]]\nline {i}\n\"\"\""));
        let file = SourceFile::new("content/claims.toml", text.as_str());
        assert!(parse_in_pieces(&file, &text, &Kept::default()).is_none());
        for text in
            [text, large(3000, |i| if i % 50 == 0 { "\"\"\"\n[[claim]]\n\"\"\"".into() } else { format!("\"{i}\"") })]
        {
            let (claims, diags) = same_as_whole(&text);
            assert!(diags.is_empty(), "{diags:?}");
            assert_eq!(claims.claims.len(), 3000);
        }

        // Errors far into the file, and a key written in two pieces.
        let broken = large(3000, |i| format!("\"{i}\"")).replace("finding = \"Finding 2500.\"\n", "");
        let (_, diags) = same_as_whole(&broken);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "missing-field");
        let twice =
            format!("[[event]]\ndate = 2026-01-01\ntitle = \"First\"\n\n{}", large(3000, |i| format!("\"{i}\"")));
        let (claims, diags) = same_as_whole(&twice);
        assert!(diags.is_empty());
        assert_eq!(claims.events.len(), 2);
        let typo = large(3000, |i| format!("\"{i}\"")).replace("[[event]]", "[[evnt]]");
        let (_, diags) = same_as_whole(&typo);
        assert_eq!(diags[0].code, "unknown-field");
    }

    #[test]
    fn missing_fields_point_at_the_header() {
        let text = "[[claim]]\nid = \"a\"\n";
        let file = SourceFile::new("c.toml", text);
        let mut diags = Vec::new();
        parse(&file, &mut diags);
        assert!(diags.len() >= 5);
        for d in &diags {
            assert_eq!(d.code, "missing-field");
            assert_eq!(d.line_col(), Some((1, 1)), "{}", d.render(false));
        }
    }

    /// A claim whose explanation holds `body`, then a second claim.
    fn two_claims(body: &str) -> String {
        format!(
            "[[claim]]\nid = \"a\"\nclaim = \"C.\"\nverdict = \"false\"\nfinding = \"F.\"\nexplanation = {body}\n\
             checked = 2026-11-21\n\n  [[claim.source]]\n  title = \"S\"\n  url = \"https://example.org/s\"\n\n  \
             [[claim.appearance]]\n  article = \"x\"\n  quote = \"q\"\n\n# Next\n\n[[claim]]\nid = \"b\"\n\
             claim = \"D.\"\nverdict = \"accurate\"\nfinding = \"G.\"\nexplanation = \"E.\"\nchecked = 2026-11-21\n"
        )
    }

    #[test]
    fn an_entry_runs_past_header_like_lines_in_its_strings() {
        for body in [
            "\"\"\"\nSee\n[the post](https://example.org/p) for the date.\n\"\"\"",
            "\"\"\"\n[[claim]]\n[claim.source]\n\"\"\"",
            "\"\"\"\n# not a comment\n[x]\n\"\"\"",
            "\"\"\"\nA quote: \\\"\"\"\n[x]\nstill inside.\"\"\"",
            "\"\"\"\nends with quotes [y]\"\"\"\"\"",
            "'''\n[literal](x) \\\n[[z]]\n'''",
            "\"one line with ''' and [brackets]\"",
            "'a literal with \"\"\" in it'",
            "\"\"\"\nHarbour–Council \\\"“quoted”\\\"\n[é](x)\n\"\"\"",
        ] {
            let text = two_claims(body);
            let file = SourceFile::new("c.toml", text.as_str());
            let mut diags = Vec::new();
            let claims = parse(&file, &mut diags);
            assert!(diags.is_empty(), "{body}: {:?}", diags.iter().map(|d| d.render(false)).collect::<Vec<_>>());
            let entry = &text[claims.claims[0].span.clone()];
            assert!(entry.starts_with("[[claim]]\nid = \"a\""), "{body}");
            assert!(entry.ends_with("quote = \"q\""), "{body}: the entry stops early:\n{entry}");
            assert!(text[claims.claims[1].span.clone()].starts_with("[[claim]]\nid = \"b\""), "{body}");
        }
    }

    /// A text block that is the entry's last value, closing on a line that starts with
    /// `#`: that line is the string's, not a comment before the next entry.
    #[test]
    fn an_entry_ends_with_a_text_block_whose_last_line_starts_with_a_hash() {
        for close in ["# x\"\"\"", "  # indented\"\"\"", "#'''"] {
            let open = if close.ends_with("'''") { "'''" } else { "\"\"\"" };
            let entry = format!(
                "[[claim]]\nid = \"a\"\nclaim = \"C.\"\nverdict = \"false\"\nfinding = \"F.\"\nexplanation = \"E.\"\n\
                 checked = 2026-11-21\n\n  [[claim.appearance]]\n  article = \"x\"\n  quote = \"q\"\n  note = {open}\na\n{close}"
            );
            let next =
                "[[claim]]\nid = \"b\"\nclaim = \"D.\"\nverdict = \"false\"\nfinding = \"G.\"\nexplanation = \"E.\"\n";
            let text = format!("{entry}\n\n# Next\n\n{next}checked = 2026-11-21\n");
            let file = SourceFile::new("c.toml", text.as_str());
            let mut diags = Vec::new();
            let claims = parse(&file, &mut diags);
            assert!(diags.is_empty(), "{close}: {:?}", diags.iter().map(|d| d.render(false)).collect::<Vec<_>>());
            assert_eq!(&text[claims.claims[0].span.clone()], entry, "{close}: the entry stops early");
        }
    }

    #[test]
    fn an_array_over_several_lines_holds_no_headers() {
        let headers = Headers::new("a = [\n  [1, 2],\n  [3],\n]\n[[claim]]\nid = \"x\"\n");
        assert_eq!(headers.lines.iter().map(|(_, _, n)| n.as_str()).collect::<Vec<_>>(), ["claim"]);
    }

    proptest::proptest! {
        /// Whatever an explanation holds, each claim's entry covers every key the parser
        /// gives that claim: its id, verdict, sources and appearances.
        #[test]
        fn every_entry_covers_its_keys(lines in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just("[a link](https://example.org/x) opens the line".to_string()),
                proptest::strategy::Just("[[claim]]".to_string()),
                proptest::strategy::Just("[claim.source]".to_string()),
                proptest::strategy::Just("# a hash".to_string()),
                proptest::strategy::Just("\\\"\\\"\\\" escaped quotes".to_string()),
                proptest::strategy::Just("'''".to_string()),
                proptest::strategy::Just("  [x] = 1".to_string()),
                "[a-z \\[\\]#'=–é“”]{0,12}",
            ],
            0..8,
        )) {
            let body = format!("\"\"\"\nBecause:\n{}\n\"\"\"", lines.join("\n"));
            let text = two_claims(&body);
            let file = SourceFile::new("c.toml", text.as_str());
            let mut diags = Vec::new();
            let claims = parse(&file, &mut diags);
            let shown = diags.iter().map(|d| d.render(false)).collect::<Vec<_>>();
            proptest::prop_assert!(diags.is_empty(), "{:?}", shown);
            for claim in &claims.claims {
                let covers = |r: &Range<usize>| claim.span.start <= r.start && r.end <= claim.span.end;
                let entry = &text[claim.span.clone()];
                proptest::prop_assert!(covers(&claim.id.span) && covers(&claim.verdict.span), "{}", entry);
                for s in &claim.sources {
                    proptest::prop_assert!(covers(&s.url.span), "{}", entry);
                }
                for q in &claim.appearances {
                    proptest::prop_assert!(covers(&q.span), "{}", entry);
                }
            }
        }
    }
}
