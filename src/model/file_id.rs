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

/// What a name in a [`Folder`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    /// A folder.
    Folder,
    /// Anything else (a link, a device…).
    Other,
}

/// A folder opened once, whose entries are looked at by names relative to it. At 33,000
/// output files a rebuild looks at each file and folder: from an open folder, the
/// kernel walks the two or three names below it, not the whole path from `/`, and that
/// walk was most of the time those looks took (`docs/performance.md`).
pub struct Folder {
    path: std::path::PathBuf,
    #[cfg(any(target_os = "linux", target_os = "macos"))]
    fd: Option<fs::File>,
}

impl Folder {
    /// The folder at `path` (looked at by whole paths where it cannot be opened).
    pub fn open(path: &Path) -> Folder {
        Folder {
            path: path.to_path_buf(),
            #[cfg(any(target_os = "linux", target_os = "macos"))]
            fd: fs::File::open(path).ok(),
        }
    }

    /// What `rel` (a relative path with `/` between names) is, and its identity; not
    /// following a link.
    pub fn stat(&self, rel: &str) -> std::io::Result<(Kind, FileId)> {
        #[cfg(any(target_os = "linux", target_os = "macos"))]
        if let Some(fd) = &self.fd {
            use rustix::fs::{AtFlags, FileType, statat};
            let st = statat(fd, rel, AtFlags::SYMLINK_NOFOLLOW)?;
            let kind = match FileType::from_raw_mode(st.st_mode as _) {
                FileType::RegularFile => Kind::File,
                FileType::Directory => Kind::Folder,
                _ => Kind::Other,
            };
            let mtime = i128::from(st.st_mtime) * 1_000_000_000 + i128::from(st.st_mtime_nsec);
            return Ok((kind, FileId { ino: st.st_ino as u64, size: st.st_size as u64, mtime }));
        }
        let meta = fs::symlink_metadata(self.path.join(rel))?;
        let kind = match meta.file_type() {
            t if t.is_file() => Kind::File,
            t if t.is_dir() => Kind::Folder,
            _ => Kind::Other,
        };
        Ok((kind, FileId::from_meta(&meta)))
    }

    /// The identity of the regular file `rel`, if it is one.
    pub fn file(&self, rel: &str) -> Option<FileId> {
        self.stat(rel).ok().filter(|(kind, _)| *kind == Kind::File).map(|(_, id)| id)
    }
}
