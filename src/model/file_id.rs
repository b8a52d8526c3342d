//! What identifies one version of a file without reading it: inode, size and modification
//! time, as `make` and Git trust them. Kept things (front matter, the build record, the
//! output's trees) are trusted only while a file still has the identity they were made
//! from.

use std::fs;
use std::path::Path;

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
