//! A briefing of an archive whose inputs did not change since the last build is not
//! loaded, checked nor rendered again: its files stay in the output as they are
//! ([`crate::write::Twin::keep_folder`]), and what the archive's home needs of it (its
//! listing, claims and articles) comes from the store. At 500 briefings, a one-claim edit
//! otherwise loads, checks and fingerprints all 500 to learn that 499 did not change.
//!
//! "Did not change" is read from names and file identities, as `make` and Git read them:
//! every file and folder under `content/<slug>/` has the path and the identity (inode,
//! size, modification time) it had; the site's config and theme have the same bytes; and
//! the build is asked the same (base address, record of what was published, today's
//! date, which validation reads). The key is kept only when it can vouch for the files:
//! not when one of them changed in the moments before the build read it (see
//! [`crate::stages::load::fronts::mark_now`]), since a second edit within the same tick
//! of the clock would leave its identity as it was. A briefing's warnings are kept with
//! it, and shown by every build that skips it, as they would be without this.

use std::path::Path;

use xxhash_rust::xxh3::Xxh3;

use crate::model::catalog::Part;
use crate::model::diag::{self, Diagnostic};
use crate::model::file_id::{FileId, Folder};
use crate::model::page::Counts;
use crate::stages::load::Common;

/// What a briefing's last build made, kept with the key of its inputs.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Kept {
    /// The key of the inputs it was made from (see [`key`]).
    pub key: u64,
    /// Its share of the archive's catalog.
    pub part: Part,
    /// What it counted: articles, claims, drafts left out, files, pages, flags.
    pub counts: [usize; 6],
    /// Its warnings, shown again by every build that skips it.
    pub warnings: diag::Kept,
}

impl Kept {
    /// Kept for `key`: `part`, what the build of the briefing counted, and its warnings.
    pub fn new(key: u64, part: Part, c: &Counts, warnings: &[Diagnostic]) -> Kept {
        let counts = [c.articles, c.claims, c.drafts, c.files, c.pages, c.flags];
        Kept { key, part, counts, warnings: diag::Kept::of(warnings) }
    }

    /// The counts of a build that skips the briefing: every file kept, none made.
    pub fn counts(&self) -> Counts {
        let [articles, claims, drafts, files, pages, flags] = self.counts;
        Counts { articles, claims, drafts, files, pages, flags, reused: pages, ..Counts::default() }
    }
}

/// What every briefing of a build shares: the bytes of the config and the theme, the
/// base address, and today's date.
pub fn common_key(common: &Common, today: crate::model::date::Date) -> u64 {
    let mut h = Xxh3::new();
    let mut text = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    text(common.config.file.text.as_bytes());
    text(common.config.base_url.as_deref().unwrap_or("").as_bytes());
    text(today.to_string().as_bytes());
    let theme = &common.theme;
    for (name, file) in theme.templates.iter().chain(&theme.locales) {
        text(name.as_bytes());
        text(file.text.as_bytes());
    }
    for (path, bytes) in &theme.statics {
        text(path.as_bytes());
        text(bytes);
    }
    h.digest()
}

/// The key of the briefing in `content/<slug>/` of `root`: `common`, the record it is held
/// against (`record`, when not the output's own, whose files are checked by the writer),
/// and every path and file identity under its folder. `None` when one of them cannot be
/// read (a name that is not UTF-8 included), or changed at or after `mark` (a time in
/// nanoseconds since the epoch).
pub fn key(root: &Path, slug: &str, common: u64, record: Option<&Path>, mark: i128) -> Option<u64> {
    let mut h = Xxh3::new();
    h.update(&common.to_le_bytes());
    if let Some(record) = record {
        let id = FileId::of(record);
        h.update(&[u8::from(id.is_some())]);
        add_id(&mut h, id?, mark)?;
    }
    let dir = root.join("content").join(slug);
    add_folder(&mut h, (&dir, &Folder::open(&dir)), "", mark)?;
    Some(h.digest())
}

/// Adds every name under the folder `rel` of `dir` to `h`, in order, with each file's
/// identity (looked at from `dir`'s open folder: see [`Folder`]).
fn add_folder(h: &mut Xxh3, (dir, folder): (&Path, &Folder), rel: &str, mark: i128) -> Option<()> {
    let mut entries: Vec<(String, std::fs::FileType)> = std::fs::read_dir(dir.join(rel))
        .ok()?
        .map(|e| {
            let e = e.ok()?;
            Some((e.file_name().into_string().ok()?, e.file_type().ok()?))
        })
        .collect::<Option<_>>()?;
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (name, kind) in entries {
        let rel = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        h.update(&(rel.len() as u64).to_le_bytes());
        h.update(rel.as_bytes());
        h.update(&[u8::from(kind.is_dir()) | u8::from(kind.is_symlink()) << 1]);
        if kind.is_dir() {
            add_folder(h, (dir, folder), &rel, mark)?;
        } else if kind.is_file() {
            add_id(h, folder.file(&rel)?, mark)?;
        }
    }
    Some(())
}

/// Adds a file's identity to `h`; `None` for one that cannot vouch for its bytes.
fn add_id(h: &mut Xxh3, id: FileId, mark: i128) -> Option<()> {
    if !id.usable() || id.mtime >= mark {
        return None;
    }
    h.update(&id.ino.to_le_bytes());
    h.update(&id.size.to_le_bytes());
    h.update(&id.mtime.to_le_bytes());
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_changes_with_any_file_of_the_folder_and_not_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let b = dir.path().join("content/b");
        std::fs::create_dir_all(b.join("articles")).unwrap();
        std::fs::write(b.join("claims.toml"), "x").unwrap();
        std::fs::write(b.join("articles/a.md"), "a").unwrap();
        let later = i128::MAX;
        let first = key(dir.path(), "b", 1, None, later).unwrap();
        assert_eq!(key(dir.path(), "b", 1, None, later), Some(first), "the same files");
        assert_ne!(key(dir.path(), "b", 2, None, later), Some(first), "another config or theme");
        std::fs::write(b.join("articles/a.md"), "ab").unwrap();
        let second = key(dir.path(), "b", 1, None, later).unwrap();
        assert_ne!(second, first, "an article edited");
        std::fs::create_dir(b.join("articles/a.versions")).unwrap();
        assert_ne!(key(dir.path(), "b", 1, None, later), Some(second), "a folder added");
        assert_eq!(key(dir.path(), "b", 1, None, 0), None, "a file changed after the mark vouches for nothing");
        assert_eq!(key(dir.path(), "b", 1, Some(&dir.path().join("none.json")), later), None, "no record");
    }
}
