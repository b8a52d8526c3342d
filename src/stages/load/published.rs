//! Reads the record of what was last published (`claims.json`), for the check that a
//! published verdict never changes silently (`stages/changes.rs`).
//!
//! At 10,000 articles and 20,000 claims `claims.json` is 78 MB, and reading it took
//! 80 ms of a 0.45 s rebuild after a one-claim edit. So a build that writes the output
//! keeps the record it wrote (the store's `published` table) with the file's identity;
//! the next build reads the file only if it has changed since (or was never kept).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::diag::Diagnostic;
use crate::model::file_id::FileId;
use crate::model::published::Published;

/// A record kept by the last build: where it was read from or written to, that file's
/// identity then, and what it holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Kept {
    /// The `claims.json` it stands for.
    pub path: PathBuf,
    /// That file's identity when the record was made.
    pub file: Option<FileId>,
    /// The record.
    pub record: Published,
    /// Whether it was read from the file now (and so is worth keeping).
    #[serde(skip)]
    pub fresh: bool,
}

impl Kept {
    /// The record of the file at `path`, as it is now (the file is only looked at).
    pub fn of_file(path: &Path, record: Published) -> Kept {
        Kept { path: path.to_path_buf(), file: FileId::of(path), record, fresh: true }
    }
}

/// The records kept by the last builds, one for each `claims.json` they wrote or read,
/// the latest first: building a preview into another folder (`build --drafts --output
/// preview`) must not take the live output's record away, or deleting the live output
/// would then lift the correction rule.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Records {
    /// The records, the latest first.
    pub list: Vec<Kept>,
}

/// How many outputs' records are kept: the live site, a preview, and a few more.
const RECORDS: usize = 4;

impl Records {
    /// Takes out the record of the `claims.json` at `path`, if one is kept.
    pub fn take(&mut self, path: &Path) -> Option<Kept> {
        let i = self.list.iter().position(|k| k.path == path)?;
        Some(self.list.remove(i))
    }

    /// Puts `kept` first, in place of any record of the same file; the oldest beyond
    /// [`RECORDS`] are let go of.
    pub fn put(&mut self, kept: Kept) {
        self.list.retain(|k| k.path != kept.path);
        self.list.insert(0, kept);
        self.list.truncate(RECORDS);
    }
}

/// The record at `path`, taken from `kept` when that stands for the file as it is now, or
/// when the file is gone (an output deleted is no licence to change what was published).
/// Where none was published yet (no file) there is nothing to compare, unless the record
/// was asked for by name (`required`: `--published`), which is then a usage error. A
/// file that does not read as a `claims.json` is an error when asked for, and otherwise a
/// warning: the comparison is skipped, and the editor told.
pub fn read(path: &Path, required: bool, kept: Option<Kept>) -> (Option<Kept>, Option<Diagnostic>) {
    let now = FileId::of(path);
    let stands = |k: &Kept| now.is_none_or(|n| n.usable() && k.file == Some(n));
    if let Some(kept) = kept.filter(|k| k.path == path && stands(k)) {
        return (Some(kept), None);
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => return (None, None),
        Err(e) => {
            let d = Diagnostic::error("io-read", format!("cannot read {}: {e}", path.display()))
                .help("give the `claims.json` of the published site, as downloaded from it");
            return (None, Some(d));
        }
    };
    match Published::parse(&bytes) {
        Ok(record) => (Some(Kept { path: path.to_path_buf(), file: now, record, fresh: true }), None),
        Err(why) if required => {
            let d = Diagnostic::error("usage", format!("{} is not a briefing's `claims.json`: {why}", path.display()))
                .help("give the `claims.json` of the published site, as downloaded from it");
            (None, Some(d))
        }
        Err(why) => {
            let d = Diagnostic::warning(
                "published-unreadable",
                format!("{} does not read as a `claims.json` ({why}): verdicts and findings were not compared with it", path.display()),
            )
            .help("a build replaces it, and the next compares with that; to compare now, download the published site's `claims.json` and pass it with `--published FILE`");
            (None, Some(d))
        }
    }
}

/// What the claims `ids` said when published (verdict, finding), read from the record at
/// `path`: only to show what changed, when a build fails for it.
pub fn said(path: &Path, ids: &[&str]) -> std::collections::HashMap<String, (String, String)> {
    std::fs::read(path).map(|b| crate::model::published::said(&b, ids)).unwrap_or_default()
}
