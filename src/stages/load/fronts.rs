//! The articles' front matter, a table of the store (`.briefing/fronts`), so that a rebuild reads only the
//! article files that changed.
//!
//! At 10,000 articles, reading and hashing every article file (54 MB) took a fifth of a
//! rebuild after a one-claim edit, though the edit changed no article; and this machine's
//! page cache lets go of files within seconds, so the reads often went to the disk. Most
//! stages need an article's front matter and hash, not its text: the text is needed only
//! to render its page, anchor its quotes or make its `claims.json` entry again.
//!
//! The file maps each article file's path to its identity (inode, size, modification
//! time) and what its reading gave: hash, front matter, body offset. A file whose identity
//! is unchanged has the same bytes, with one exception that this file guards against as
//! Git guards its index ("racy Git"): a file written in the same tick of the file system's
//! coarse clock as it was read may change again without its time changing. So the file
//! records `mark`, a time a little before the build began reading (20 ms, several ticks),
//! and only a file last modified before the mark is trusted. Like make, this trusts the
//! clock not to step backwards (see docs/reliability.md).
//!
//! An article taken from here is read only when a stage asks for its text, and its text
//! must then hash as kept; if not, the build fails, reporting the file as changed during
//! the build. Only articles that parsed without any diagnostic are kept, so a kept article
//! never hides a warning. Like the build record, the file names the program that wrote it;
//! a missing, foreign or garbled file costs reading every article, never a wrong one.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use crate::model::article::Front;
use crate::model::file_id::FileId;

/// How long before the build began reading a kept file must have last changed: several
/// ticks of the kernel's coarse clock, which stamps file times.
const MARGIN: Duration = Duration::from_millis(20);

/// Front matter kept by a build, by article path.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Kept {
    /// Files modified at or after this time (ns since the epoch) are not trusted.
    pub mark: i128,
    /// Each file's identity when it was read, and its reading.
    pub fronts: HashMap<String, (FileId, Front)>,
    /// Whether these differ from the file they were read from (so must be written).
    pub fresh: bool,
}

impl Kept {
    /// The reading kept for `name`, if the file now has the identity it had then and was
    /// last modified before the mark.
    pub fn trusted(&self, name: &str, now: FileId) -> Option<&Front> {
        let (was, front) = self.fronts.get(name)?;
        (*was == now && now.usable() && now.mtime < self.mark).then_some(front)
    }
}

/// The mark for a build that begins reading now (see the module's doc).
pub fn mark_now() -> i128 {
    let now = SystemTime::now().checked_sub(MARGIN).unwrap_or(SystemTime::UNIX_EPOCH);
    now.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i128)
}

/// Parses kept front matter; a body that does not decode is none.
pub fn parse(body: &[u8]) -> Kept {
    match postcard::from_bytes::<(i128, Vec<(FileId, Front)>)>(body) {
        Ok((mark, list)) => {
            Kept { mark, fronts: list.into_iter().map(|(id, f)| (f.name.clone(), (id, f))).collect(), fresh: false }
        }
        Err(_) => Kept::default(),
    }
}

/// The body of `kept`, sorted by path so that the same site gives the same bytes.
pub fn format(kept: &Kept) -> Vec<u8> {
    let mut list: Vec<&(FileId, Front)> = kept.fronts.values().collect();
    list.sort_unstable_by(|a, b| a.1.name.cmp(&b.1.name));
    postcard::to_allocvec(&(kept.mark, list)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::article::Meta;

    fn kept() -> Kept {
        let id = FileId { ino: 7, size: 30, mtime: 1_000 };
        let front = Front { name: "content/articles/a.md".into(), hash: 9, meta: Meta::default(), body_offset: 12 };
        Kept { mark: 2_000, fronts: [(front.name.clone(), (id, front))].into(), fresh: true }
    }

    #[test]
    fn kept_front_matter_reads_back_only_by_the_program_that_wrote_it() {
        let bytes = format(&kept());
        assert_eq!(parse(&bytes), Kept { fresh: false, ..kept() });
        assert_eq!(parse(&bytes[..bytes.len() - 1]), Kept::default(), "cut short");
        assert_eq!(parse(b""), Kept::default());
    }

    #[test]
    fn only_an_unchanged_file_older_than_the_mark_is_trusted() {
        let k = kept();
        let name = "content/articles/a.md";
        let id = FileId { ino: 7, size: 30, mtime: 1_000 };
        assert!(k.trusted(name, id).is_some());
        assert!(k.trusted("content/articles/b.md", id).is_none(), "not kept");
        assert!(k.trusted(name, FileId { size: 31, ..id }).is_none(), "another size");
        assert!(k.trusted(name, FileId { ino: 8, ..id }).is_none(), "another file");
        assert!(k.trusted(name, FileId { mtime: 1_001, ..id }).is_none(), "modified since");
        let racy = Kept { mark: 1_000, ..kept() };
        assert!(racy.trusted(name, id).is_none(), "modified in the tick it was read");
        let unknown =
            Kept { fronts: [(name.into(), (FileId { ino: 0, ..id }, k.fronts[name].1.clone()))].into(), ..kept() };
        assert!(unknown.trusted(name, FileId { ino: 0, ..id }).is_none(), "no identity to vouch for it");
    }
}
