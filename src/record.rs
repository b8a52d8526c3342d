//! The build record: what each page of the output was rendered from, kept beside the
//! output (`.output.record`) so that the next build, in another process, skips the pages
//! whose inputs did not change.
//!
//! Each line holds a page's fingerprint (a hash of its template context and templates,
//! see [`crate::render`]) and the identity of the file it produced: inode, size and
//! modification time, as `make` and Git trust them. A page is reused only if the file in
//! the output is still that very file, so a hand edit, an interrupted build or a record
//! left over from an older output all fall back to rendering. The record names the
//! program that wrote it; any other build of briefing ignores it, since a new version may
//! render the same inputs differently.
//!
//! The record is a cache: deleting it costs one full render, never a wrong page.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The first line of a record, before the program's identity.
const MAGIC: &str = "briefing-record 1";

/// A rendered file as the record knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Hash of everything the page was rendered from.
    pub fingerprint: u64,
    /// The file it was written to.
    pub file: FileId,
}

/// What identifies one version of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileId {
    /// Inode number (0 where the platform has none: then nothing is ever reused).
    pub ino: u64,
    /// Length in bytes.
    pub size: u64,
    /// Modification time, in nanoseconds since the epoch.
    pub mtime: i128,
}

impl FileId {
    /// The identity of the file at `path`, if it is a regular file.
    pub fn of(path: &Path) -> Option<FileId> {
        let meta = fs::symlink_metadata(path).ok().filter(fs::Metadata::is_file)?;
        Some(FileId::from_meta(&meta))
    }

    /// The identity of the file `meta` describes.
    #[cfg(unix)]
    pub fn from_meta(meta: &fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        let mtime = i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec());
        FileId { ino: meta.ino(), size: meta.size(), mtime }
    }

    /// The identity of the file `meta` describes.
    #[cfg(not(unix))]
    pub fn from_meta(meta: &fs::Metadata) -> FileId {
        FileId { ino: 0, size: meta.len(), mtime: 0 }
    }

    /// Whether this identity can vouch for a file's bytes.
    pub fn usable(&self) -> bool {
        self.ino != 0
    }
}

/// Where the record of `output` lives: a hidden sibling, like the twin.
pub fn path(output: &Path) -> PathBuf {
    crate::write::sibling(output, "record")
}

/// The program that renders: its version and its executable's identity, so that a record
/// written by another build of briefing (a new release, or a developer's rebuild) is not
/// trusted.
pub fn program() -> String {
    let exe = std::env::current_exe().ok().and_then(|p| FileId::of(&p));
    let (size, mtime) = exe.map_or((0, 0), |f| (f.size, f.mtime));
    format!("{} {size} {mtime}", env!("CARGO_PKG_VERSION"))
}

/// The first line of a cache file kept beside the output: what it is (`magic`, with its
/// format's version) and the program that wrote it.
pub fn heading(magic: &str, program: &str) -> Vec<u8> {
    format!("{magic} {program}\n").into_bytes()
}

/// What follows [`heading`] in `bytes`, if they begin with it: a cache written by another
/// program, or of another format, is not read.
pub fn after_heading<'b>(bytes: &'b [u8], magic: &str, program: &str) -> Option<&'b [u8]> {
    bytes.strip_prefix(heading(magic, program).as_slice())
}

/// Reads the record of `output`. A missing, unreadable or foreign record is empty.
pub fn read(output: &Path) -> HashMap<String, Entry> {
    let Ok(text) = fs::read_to_string(path(output)) else { return HashMap::new() };
    parse(&text, &program())
}

/// Parses a record written by `program`; lines that do not parse are skipped.
pub fn parse(text: &str, program: &str) -> HashMap<String, Entry> {
    let mut lines = text.lines();
    if lines.next() != Some(&format!("{MAGIC} {program}")) {
        return HashMap::new();
    }
    lines
        .filter_map(|line| {
            let mut parts = line.splitn(5, ' ');
            let fingerprint = u64::from_str_radix(parts.next()?, 16).ok()?;
            let ino = parts.next()?.parse().ok()?;
            let size = parts.next()?.parse().ok()?;
            let mtime = parts.next()?.parse().ok()?;
            let path = parts.next().filter(|p| !p.is_empty())?;
            Some((path.to_string(), Entry { fingerprint, file: FileId { ino, size, mtime } }))
        })
        .collect()
}

/// The text of a record: sorted by path, so that the same site gives the same record.
pub fn format(entries: &[(String, Entry)], program: &str) -> String {
    let mut sorted: Vec<&(String, Entry)> = entries.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = format!("{MAGIC} {program}\n");
    for (path, e) in sorted {
        // A path with a line break could not be read back: leave it out (it is rendered
        // every time, which is merely slower).
        if path.contains(['\n', '\r']) {
            continue;
        }
        out.push_str(&format!("{:016x} {} {} {} {path}\n", e.fingerprint, e.file.ino, e.file.size, e.file.mtime));
    }
    out
}

/// Replaces the record of `output`, atomically.
pub fn write(output: &Path, entries: &[(String, Entry)]) -> io::Result<()> {
    crate::write::replace_sibling(output, "record", format(entries, &program()).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_and_a_foreign_one_is_ignored() {
        let e = Entry { fingerprint: 0xdead_beef, file: FileId { ino: 42, size: 7, mtime: -3 } };
        let entries = vec![("b/index.html".to_string(), e), ("a b.html".to_string(), e), ("bad\nname".to_string(), e)];
        let text = format(&entries, "1.0 5 6");
        assert!(text.starts_with("briefing-record 1 1.0 5 6\n00000000deadbeef 42 7 -3 a b.html\n"), "{text}");
        let back = parse(&text, "1.0 5 6");
        assert_eq!(back.len(), 2);
        assert_eq!(back["a b.html"], e);
        assert!(parse(&text, "1.0 5 7").is_empty(), "another program's record");
        assert!(parse(&format!("{text}zz 1 2 3 x\n1 2\n"), "1.0 5 6").len() == 2, "bad lines skipped");
    }
}
