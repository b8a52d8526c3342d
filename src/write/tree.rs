//! What each of the output's two trees held when a build last finished writing it, so
//! that the next build that prunes it reads only the folders changed since.
//!
//! The twin and the output trade places on every build, so the twin a build prunes is the
//! tree the build before last wrote. Pruning reads every folder of it to find the files
//! the new site lacks: at 30,000 pages, 30,000 folders opened and read on every build
//! (about a quarter of a second of CPU here), to find the handful of pages an edit removed.
//! Instead, when a build finishes pruning a tree, it records the tree's files and a time
//! mark taken after its last change. A folder whose modification time is still before the
//! mark has not gained or lost an entry since (creating, removing or renaming an entry
//! sets the folder's time): it holds exactly the recorded files, and only those the new
//! site lacks are removed. Any other folder (one this build wrote into, or one changed by
//! hand while its tree was the output) is read, as before.
//!
//! Like `make`, this trusts the clock not to step back; a missing, garbled or foreign
//! record, or a tree it does not describe (told apart by the root folder's inode), only
//! means reading every folder.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::file_id::{FileId, Folder, Kind};
use crate::store::{Store, Table};

/// Folder times come from a clock that ticks coarsely (up to 10 ms); a mark this far
/// before the moment it is taken is before any later change's time.
const MARGIN: Duration = Duration::from_millis(20);

/// One tree as a build left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tree {
    /// The inode of the tree's root folder.
    pub root: u64,
    /// A time (nanoseconds since the epoch) after the build's last change to the tree.
    pub mark: i128,
    /// Every file of the tree, relative to its root, with `/` between names.
    pub files: Vec<String>,
}

impl Tree {
    /// The record of the tree at `dir`, which holds exactly the files `names` (sorted, as
    /// [`names`] gives them), taken now that the build is done changing it.
    pub fn of(dir: &Path, names: Vec<String>) -> Option<Tree> {
        let root = root_of(dir)?;
        let mark = SystemTime::now().checked_sub(MARGIN)?.duration_since(UNIX_EPOCH).ok()?.as_nanos();
        Some(Tree { root, mark: i128::try_from(mark).ok()?, files: names })
    }
}

/// The names of `files` as the record writes them (with `/` between names), sorted;
/// `None` if one cannot be written (not UTF-8).
pub fn names(files: &HashSet<PathBuf>) -> Option<Vec<String>> {
    let mut names = files
        .iter()
        .map(|f| Some(f.to_str()?.replace(std::path::MAIN_SEPARATOR, "/")))
        .collect::<Option<Vec<String>>>()?;
    names.sort_unstable();
    Some(names)
}

/// The folder that holds `name` ("" for the root).
fn parent(name: &str) -> &str {
    name.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The inode of the folder at `dir` (`None` where there are none).
pub fn root_of(dir: &Path) -> Option<u64> {
    let meta = fs::symlink_metadata(dir).ok().filter(fs::Metadata::is_dir)?;
    let id = FileId::from_meta(&meta);
    id.usable().then_some(id.ino)
}

/// The recorded trees kept in `store`; none if the table is missing or garbled.
pub fn read(store: &Store) -> Vec<Tree> {
    store.read(Table::Tree).and_then(|body| postcard::from_bytes(&body).ok()).unwrap_or_default()
}

/// Records `trees` in `store`, atomically.
pub fn write(store: &Store, trees: &[Tree]) -> io::Result<()> {
    store.write(Table::Tree, &postcard::to_allocvec(trees).map_err(io::Error::other)?)
}

/// Removes from `root` (the tree `tree` describes) every file not in `kept` (whose
/// names, sorted, are `kept_names`), reading only the folders changed since the tree was
/// recorded; `prune_in` prunes a folder the record does not know (one added by hand, or
/// by this build) whole. Then removes the recorded folders it left empty. Returns how
/// many files went, or `None` if the tree is not as the record has it (a folder became a
/// file): then the caller prunes it whole.
pub fn prune_known(
    root: &Path,
    kept: &HashSet<PathBuf>,
    kept_names: &[String],
    tree: &Tree,
    prune_in: &(dyn Fn(&Path) -> io::Result<(usize, bool)> + Sync),
) -> Option<io::Result<usize>> {
    // Both lists are sorted: the recorded files the new site lacks, in one pass.
    let mut gone: Vec<&str> = Vec::new();
    let mut next = kept_names.iter().peekable();
    for name in &tree.files {
        while next.next_if(|k| k.as_str() < name.as_str()).is_some() {}
        if next.peek().is_none_or(|k| k.as_str() != name.as_str()) {
            gone.push(name);
        }
    }
    // Every recorded folder, the root included.
    let mut folders: HashSet<&str> = HashSet::new();
    for name in &tree.files {
        let mut dir = parent(name);
        while folders.insert(dir) && !dir.is_empty() {
            dir = parent(dir);
        }
    }
    let list: Vec<&str> = folders.iter().copied().collect();
    let at = Folder::open(root);
    let each = list.par_iter().map(|rel| prune_folder((root, &at), rel, tree.mark, kept, &folders, prune_in));
    let mut removed = match each.collect::<io::Result<Option<Vec<usize>>>>() {
        Ok(Some(counts)) => counts.iter().sum::<usize>(),
        Ok(None) => return None,
        Err(e) => return Some(Err(e)),
    };
    // In the folders that did not change, the files that went are known without reading.
    for name in &gone {
        let at = root.join(name);
        match fs::remove_file(&at) {
            Ok(()) => removed += 1,
            // Gone already, or a folder of the new site now stands there.
            Err(e) if e.kind() == io::ErrorKind::NotFound || at.is_dir() => {}
            Err(e) => return Some(Err(e)),
        }
    }
    // The folders of those files, and above, that hold none of the new site's files,
    // deepest first; one that something else keeps full stays.
    let mut above: HashSet<&str> = HashSet::new();
    for name in &gone {
        let mut dir = parent(name);
        while !dir.is_empty() && above.insert(dir) {
            dir = parent(dir);
        }
    }
    let mut empty: Vec<&str> = above.into_iter().collect();
    empty.retain(|dir| {
        let prefix = format!("{dir}/");
        let at = kept_names.partition_point(|k| k.as_str() < prefix.as_str());
        kept_names.get(at).is_none_or(|k| !k.starts_with(&prefix))
    });
    empty.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
    for dir in empty {
        let _ = fs::remove_dir(root.join(dir));
    }
    Some(Ok(removed))
}

/// Prunes one recorded folder, if it changed since the record was made, by reading it
/// (the files an unchanged folder lost are removed by the caller). `None` if it is no
/// longer a folder.
fn prune_folder(
    (root, folder): (&Path, &Folder),
    rel: &str,
    mark: i128,
    kept: &HashSet<PathBuf>,
    folders: &HashSet<&str>,
    prune_in: &(dyn Fn(&Path) -> io::Result<(usize, bool)> + Sync),
) -> io::Result<Option<usize>> {
    let at = root.join(rel);
    let (kind, id) = match folder.stat(if rel.is_empty() { "." } else { rel }) {
        Ok(stat) => stat,
        // Gone (by hand): nothing in it to remove.
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Some(0)),
        // A folder above it became a file.
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => return Ok(None),
        Err(e) => return Err(e),
    };
    if kind != Kind::Folder {
        return Ok(None);
    }
    if id.mtime < mark {
        return Ok(Some(0));
    }
    let mut removed = 0;
    for entry in fs::read_dir(&at)? {
        let entry = entry?;
        let name = Path::new(rel).join(entry.file_name());
        if entry.file_type()?.is_dir() {
            // A recorded folder is pruned on its own; another is pruned whole.
            if !name.to_str().is_some_and(|n| folders.contains(n)) {
                let (gone, full) = prune_in(&name)?;
                removed += gone;
                if !full {
                    let _ = fs::remove_dir(entry.path());
                }
            }
        } else if !kept.contains(&name) {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(Some(removed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(names: &[&str]) -> HashSet<PathBuf> {
        names.iter().map(PathBuf::from).collect()
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut all: Vec<String> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap().path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        all.sort();
        all
    }

    #[test]
    fn only_folders_changed_since_the_mark_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        let old = ["index.html", "a/index.html", "b/index.html", "b/c/index.html", "d/index.html"];
        for name in old {
            fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
            fs::write(root.join(name), "old").unwrap();
        }
        std::thread::sleep(MARGIN * 2);
        let tree = Tree::of(&root, names(&files(&old)).unwrap()).unwrap();
        assert_eq!(tree.files, ["a/index.html", "b/c/index.html", "b/index.html", "d/index.html", "index.html"]);
        std::thread::sleep(MARGIN * 2);

        // By hand: a file in `a/` (its time moves), and one in `d/` whose folder time is
        // set back (as no editor does): the record is trusted for `d/`.
        fs::write(root.join("a/notes.txt"), "x").unwrap();
        let d_time = fs::metadata(root.join("d")).unwrap().modified().unwrap();
        fs::write(root.join("d/hidden.txt"), "x").unwrap();
        fs::File::open(root.join("d")).unwrap().set_modified(d_time).unwrap();
        // The new site: `b/c/` and `d/index.html` are gone, `e/` is new.
        fs::create_dir_all(root.join("e")).unwrap();
        fs::write(root.join("e/index.html"), "new").unwrap();
        let kept = files(&["index.html", "a/index.html", "b/index.html", "e/index.html"]);
        // A folder the record does not know is pruned whole (here: by the caller's function).
        let unknown = std::sync::Mutex::new(Vec::new());
        let whole = |rel: &Path| -> io::Result<(usize, bool)> {
            unknown.lock().unwrap().push(rel.to_path_buf());
            Ok((0, true))
        };
        let removed = prune_known(&root, &kept, &names(&kept).unwrap(), &tree, &whole).unwrap().unwrap();
        assert_eq!(*unknown.lock().unwrap(), [PathBuf::from("e")]);
        assert_eq!(removed, 3, "a/notes.txt, b/c/index.html, d/index.html");
        assert_eq!(
            listing(&root),
            ["a", "a/index.html", "b", "b/index.html", "d", "d/hidden.txt", "e", "e/index.html", "index.html"]
        );

        // A recorded folder that became a file: removed with its folder (whose time moved),
        // or the tree is given back to be pruned whole.
        fs::remove_dir_all(root.join("b")).unwrap();
        fs::write(root.join("b"), "x").unwrap();
        if let Some(removed) = prune_known(&root, &kept, &names(&kept).unwrap(), &tree, &whole) {
            removed.unwrap();
            assert!(!root.join("b").exists());
        }
    }

    #[test]
    fn a_record_reads_back_and_a_garbled_one_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let out = Store::at(dir.path());
        let trees = vec![Tree { root: 7, mark: -1, files: vec!["a/b.html".into()] }];
        write(&out, &trees).unwrap();
        assert_eq!(read(&out), trees);
        let bytes = fs::read(out.path(Table::Tree)).unwrap();
        fs::write(out.path(Table::Tree), &bytes[..bytes.len() - 3]).unwrap();
        assert!(read(&out).is_empty());
    }
}
