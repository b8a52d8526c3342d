//! Stage 5, write: put the pages on disk, all or nothing.
//!
//! The new site is staged in a folder beside the output and swapped in with one atomic
//! rename, so a reader (or a crash) sees either the whole old site or the whole new one,
//! and a failed build never touches the old one. Files whose bytes did not change are
//! hard-linked from the old output instead of written again: on most disks creating and
//! writing files is what a build spends its time on.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::Page;

/// What writing did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Files written with new bytes.
    pub written: usize,
    /// Files unchanged, linked from the previous output.
    pub reused: usize,
}

/// The staging folder for `output`: a hidden sibling, so the final rename stays on one
/// file system.
pub fn staging_dir(output: &Path) -> PathBuf {
    sibling(output, "staging")
}

fn sibling(output: &Path, what: &str) -> PathBuf {
    let name = output.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().to_string());
    output.with_file_name(format!(".{name}.{what}"))
}

/// Writes `pages` as the new content of `output`, atomically.
pub fn write(output: &Path, pages: &[Page]) -> io::Result<Written> {
    if let Ok(meta) = fs::symlink_metadata(output)
        && !meta.is_dir()
    {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not a directory", output.display()),
        ));
    }
    if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)?;
    }
    let staging = staging_dir(output);
    // A build killed before its swap leaves its staging folder behind: it was never the
    // site, so it can go.
    remove_if_present(&staging)?;
    fs::create_dir(&staging)?;

    let result = stage(output, &staging, pages).and_then(|w| swap(&staging, output).map(|()| w));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn stage(output: &Path, staging: &Path, pages: &[Page]) -> io::Result<Written> {
    let mut w = Written::default();
    for page in pages {
        let rel = safe_relative(&page.path)?;
        let target = staging.join(&rel);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir)?;
        }
        let old = output.join(&rel);
        if same_bytes(&old, &page.bytes) && fs::hard_link(&old, &target).is_ok() {
            w.reused += 1;
        } else {
            fs::write(&target, &page.bytes)?;
            w.written += 1;
        }
    }
    Ok(w)
}

/// Page paths come from slugs and ids that validation restricted, but the writer is the
/// last line of defence against writing outside the output.
fn safe_relative(path: &str) -> io::Result<PathBuf> {
    let ok = !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path.split('/').all(|seg| !seg.is_empty() && seg != "." && seg != ".." && !seg.contains('\0'));
    if ok {
        Ok(PathBuf::from(path))
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, format!("refusing to write outside the output: {path:?}")))
    }
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => fs::read(path).is_ok_and(|b| b == bytes),
        _ => false,
    }
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Puts `staging` in the place of `output`. On Linux both exist at every instant and the
/// exchange is one atomic step; elsewhere there is a short window between two renames.
fn swap(staging: &Path, output: &Path) -> io::Result<()> {
    if !output.exists() {
        return fs::rename(staging, output);
    }
    #[cfg(target_os = "linux")]
    {
        if exchange(staging, output).is_ok() {
            // `staging` now holds the old site.
            return fs::remove_dir_all(staging);
        }
    }
    let old = sibling(output, "old");
    remove_if_present(&old)?;
    fs::rename(output, &old)?;
    if let Err(e) = fs::rename(staging, output) {
        let _ = fs::rename(&old, output);
        return Err(e);
    }
    fs::remove_dir_all(&old)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
    let rc = unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    if rc == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, text: &str) -> Page {
        Page { path: path.into(), bytes: text.as_bytes().to_vec() }
    }

    #[test]
    fn writes_then_reuses_unchanged_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let w = write(&out, &[page("index.html", "a"), page("x/index.html", "b")]).unwrap();
        assert_eq!(w, Written { written: 2, reused: 0 });
        let w = write(&out, &[page("index.html", "a"), page("x/index.html", "c")]).unwrap();
        assert_eq!(w, Written { written: 1, reused: 1 });
        assert_eq!(fs::read_to_string(out.join("x/index.html")).unwrap(), "c");
        assert!(!staging_dir(&out).exists());
        // Files of the old site that the new one lacks are gone.
        write(&out, &[page("index.html", "a")]).unwrap();
        assert!(!out.join("x").exists());
    }

    #[test]
    fn refuses_paths_that_leave_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write(&out, &[page("index.html", "old")]).unwrap();
        for bad in ["../evil", "/etc/x", "a/../../b", "", "a//b"] {
            assert!(write(&out, &[page(bad, "x")]).is_err(), "{bad}");
        }
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert!(!dir.path().join("evil").exists());
    }
}
