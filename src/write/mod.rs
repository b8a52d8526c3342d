//! Stage 5, write: put the pages on disk, all or nothing, touching only what changed.
//!
//! The site is written into a twin folder beside the output (`.output.twin`), which is then
//! exchanged with the output in one atomic step. A reader, or a crash, sees either the
//! whole old site or the whole new one, and a failed build never touches the output.
//!
//! The twin is kept: after the exchange it holds the previous site, and the next build
//! brings it up to date by writing only the files whose bytes differ and deleting those
//! that are gone. On a disk where creating and deleting files is what costs (see
//! `docs/performance.md`), a rebuild after a small edit writes a handful of files instead
//! of the whole tree. The twin is compared by content, never trusted blindly, so an
//! interrupted update or a hand edit is repaired by the next build.

pub mod record;
pub mod splice;
pub mod tree;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::model::file_id::{FileId, Folder};
use crate::model::page::{Counts, Page, Runs};
use crate::store::Store;
use record::Entry;
use splice::Layout;

/// The hidden siblings that earlier versions kept beside an output named `name`
/// (`.output.twin`, `.output.record`…), before the cache folder held them.
const OLD_SIBLINGS: [&str; 10] =
    ["twin", "record", "fronts", "marks", "pieces", "layouts", "tree", "parts", "old", "swap"];

/// Removes what earlier versions kept beside `output`: the cache folder holds it now, and
/// nothing is to be left beside an output folder that lives elsewhere.
pub fn forget_siblings(output: &Path) {
    let name = output.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().to_string());
    for what in OLD_SIBLINGS {
        let old = output.with_file_name(format!(".{name}.{what}"));
        match fs::symlink_metadata(&old) {
            Ok(m) if m.is_dir() => drop(fs::remove_dir_all(&old)),
            Ok(_) => drop(fs::remove_file(&old)),
            Err(_) => {}
        }
    }
}

/// Writes `pages` as the new content of `output`, atomically, staged in `store`.
pub fn write(output: &Path, store: &Store, pages: &[Page]) -> io::Result<Counts> {
    let twin = Twin::open(output, store)?;
    pages.par_iter().try_for_each(|p| twin.put(p, None))?;
    twin.finish()
}

/// The next site, being written file by file into the output's twin, then swapped in.
/// Pages can be put from many threads as they are rendered, so that a large site is
/// never held in memory whole. Dropping a `Twin` without [`Twin::finish`] leaves the
/// output untouched.
pub struct Twin {
    output: PathBuf,
    dir: PathBuf,
    store: Store,
    /// Files put so far, relative to the twin.
    kept: Mutex<HashSet<PathBuf>>,
    written: AtomicUsize,
    reused: AtomicUsize,
    /// What the output's pages were rendered from, by the last build that wrote it.
    prior: HashMap<String, Entry>,
    /// The same for the pages of the next site, as they are put.
    next: Mutex<Vec<(String, Entry)>>,
    /// The paths of `prior` by their first folder (made when first needed).
    folders: std::sync::OnceLock<HashMap<String, Vec<String>>>,
    /// What the output's spliced files are made of (read when first needed).
    layouts: std::sync::OnceLock<HashMap<String, Layout>>,
    /// The same for the files spliced into the next site.
    next_layouts: Mutex<Vec<(String, Layout)>>,
    /// Set when the twin started empty (a first build, or one after `output/` was
    /// deleted): the folders made so far. Every file is then new, so a put needs no look
    /// at what is there, and nothing needs pruning: at 10,000 pages that is 10,000 `stat`s,
    /// 10,000 failed opens and 10,000 folders read back, a third of a fresh build's
    /// system calls.
    fresh: Option<Mutex<HashSet<PathBuf>>>,
}

impl Twin {
    /// Prepares the twin of `output` in `store`: the previous site, or a hard-linked copy
    /// of the output, or an empty folder.
    pub fn open(output: &Path, store: &Store) -> io::Result<Twin> {
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
        store.bind(output)?;
        let dir = store.twin();
        let empty = match fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => false,
            Ok(_) => {
                fs::remove_file(&dir)?;
                seed(output, &dir)?
            }
            Err(_) => seed(output, &dir)?,
        };
        Ok(Twin {
            output: output.to_path_buf(),
            dir,
            store: store.clone(),
            kept: Mutex::new(HashSet::new()),
            written: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
            prior: record::read(store),
            next: Mutex::new(Vec::new()),
            folders: std::sync::OnceLock::new(),
            layouts: std::sync::OnceLock::new(),
            next_layouts: Mutex::new(Vec::new()),
            fresh: empty.then(|| Mutex::new(HashSet::new())),
        })
    }

    /// Puts one file into the next site, writing it only if its bytes changed.
    /// `fingerprint`, when given, is a hash of everything the file was made from: it is
    /// recorded, so that the next build can [`Twin::reuse`] the file without making it.
    /// A file put without one is recorded by a hash of its bytes, which no render asks
    /// for, so that [`Twin::keep_folder`] knows every file of a folder.
    pub fn put(&self, page: &Page, fingerprint: Option<u64>) -> io::Result<()> {
        let rel = safe_relative(&page.path)?;
        let created = match &self.fresh {
            Some(made) => self.create_fresh(made, &rel, &page.bytes)?,
            None => None,
        };
        let (wrote, file) = match created {
            Some(file) => (true, Some(file)),
            None => put_one(&self.dir, &rel, &page.bytes)?,
        };
        let count = if wrote { &self.written } else { &self.reused };
        count.fetch_add(1, Ordering::Relaxed);
        let fingerprint = fingerprint.unwrap_or_else(|| xxhash_rust::xxh3::xxh3_64(&page.bytes));
        // The file keeps its inode, size and time when the twin becomes the output.
        if let Some(file) = file {
            self.next.lock().map_err(|_| poisoned())?.push((page.path.clone(), Entry { fingerprint, file }));
        }
        self.keep(rel)
    }

    /// Puts into the next site, as they are, every file the last build put under the
    /// folder `top` (a briefing's, in an archive whose briefing did not change). Returns
    /// how many; `None` when the last build put none there or one of them is no longer
    /// the very file it put (a hand edit): then the caller makes them all again, and puts
    /// each over what this put (whose records come first, and so count for nothing).
    pub fn keep_folder(&self, top: &str) -> io::Result<Option<usize>> {
        let folders = self.folders.get_or_init(|| by_folder(self.prior.keys()));
        let Some(paths) = folders.get(top) else { return Ok(None) };
        // Most are the twin's already (kept by the build before too): looked at from the
        // folder, and recorded all at once.
        let twin = Folder::open(&self.dir.join(top));
        let (mut next, mut kept) = (Vec::with_capacity(paths.len()), Vec::with_capacity(paths.len()));
        for path in paths {
            let entry = self.prior[path];
            let rel = path.get(top.len() + 1..).unwrap_or_default();
            if entry.file.usable() && twin.file(rel) == Some(entry.file) {
                next.push((path.clone(), entry));
                kept.push(safe_relative(path)?);
            } else if !self.reuse(path, entry.fingerprint)? {
                return Ok(None);
            }
        }
        self.reused.fetch_add(next.len(), Ordering::Relaxed);
        self.next.lock().map_err(|_| poisoned())?.extend(next);
        self.kept.lock().map_err(|_| poisoned())?.extend(kept);
        Ok(Some(paths.len()))
    }

    /// Puts the file the last build made for `path` into the next site, if it was made from
    /// inputs with this `fingerprint` and is still that very file. Returns whether it did;
    /// if not, the caller makes the file and puts it.
    ///
    /// The twin usually holds that file already: a link made by an earlier build, when the
    /// page last changed. Then there is nothing to do, and the output is not even looked
    /// at, since the twin's copy is what the swap puts in place. Otherwise the output's copy
    /// is hard-linked, not copied: files are always replaced, never written into, so the
    /// output cannot change through the link.
    pub fn reuse(&self, path: &str, fingerprint: u64) -> io::Result<bool> {
        let Some(entry) = self.prior.get(path).filter(|e| e.fingerprint == fingerprint && e.file.usable()) else {
            return Ok(false);
        };
        let rel = safe_relative(path)?;
        let target = self.dir.join(&rel);
        let mut file = entry.file;
        if FileId::of(&target) != Some(entry.file) {
            let from = self.output.join(&rel);
            if FileId::of(&from) != Some(entry.file) {
                return Ok(false);
            }
            if let Some(parent) = target.parent() {
                make_dir(&self.dir, parent)?;
            }
            if fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
                fs::remove_dir_all(&target)?;
            }
            let tmp = beside(&target);
            let _ = fs::remove_file(&tmp);
            if fs::hard_link(&from, &tmp).is_err() {
                fs::copy(&from, &tmp)?;
                file = FileId::of(&tmp).ok_or_else(|| io::Error::other("a copied file vanished"))?;
            }
            fs::rename(&tmp, &target)?;
        }
        self.reused.fetch_add(1, Ordering::Relaxed);
        self.next.lock().map_err(|_| poisoned())?.push((path.to_string(), Entry { fingerprint, file }));
        self.keep(rel)?;
        Ok(true)
    }

    /// The previous copy of `path` and its layout, if it is still the very file the
    /// layout describes: the output's copy (the last build's), else the twin's.
    fn previous(&self, path: &str) -> io::Result<Option<(fs::File, &Layout)>> {
        let Some(layout) = self.layouts.get_or_init(|| splice::read(&self.store)).get(path) else { return Ok(None) };
        let rel = safe_relative(path)?;
        for dir in [&self.output, &self.dir] {
            let at = dir.join(&rel);
            if FileId::of(&at) == Some(layout.file) && layout.file.usable() {
                let file = fs::File::open(&at)?;
                // Opened, then checked again: a file replaced in between is not used.
                if file.metadata().is_ok_and(|m| FileId::from_meta(&m) == layout.file) {
                    return Ok(Some((file, layout)));
                }
            }
        }
        Ok(None)
    }

    /// The keys of the items that the previous copy of `path` holds, so that they need
    /// not be made: [`Twin::put_spliced`] copies them from it.
    pub fn kept_items(&self, path: &str) -> io::Result<crate::model::page::Keys> {
        Ok(self.previous(path)?.map(|(_, layout)| layout.keys()).unwrap_or_default())
    }

    /// Puts one file made of `segs` (see [`crate::splice`]): items without bytes are
    /// copied from the previous copy of the file, and so is whatever continues a copied
    /// run. The file's layout is kept for the next build. `fingerprint` is recorded as
    /// for [`Twin::put`].
    pub fn put_spliced(&self, path: &str, fingerprint: Option<u64>, runs: &dyn Runs) -> io::Result<()> {
        let rel = safe_relative(path)?;
        let target = self.dir.join(&rel);
        if let Some(parent) = target.parent() {
            make_dir(&self.dir, parent)?;
        }
        if fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
            fs::remove_dir_all(&target)?;
        }
        let previous = self.previous(path)?;
        // The twin's copy is the site before last's. When nothing else links to it (not
        // the output, nor the file copied from), it is written over: replacing it would
        // free its blocks, which for the 77 MB claims.json of a large site cost more
        // (30-80 ms) than writing the new one.
        let ours = fs::symlink_metadata(&target).ok().filter(|m| m.is_file() && only_link(m));
        let ours = ours.filter(|m| previous.as_ref().is_none_or(|(_, l)| FileId::from_meta(m) != l.file));
        let tmp = beside(&target);
        let out = match ours {
            Some(_) => fs::OpenOptions::new().write(true).open(&target)?,
            None => fs::File::create(&tmp)?,
        };
        let segs = splice::assemble(runs, previous.as_ref().map(|(f, l)| (f, *l)), &out)?;
        out.set_len(segs.iter().map(|s| s.1).sum())?;
        drop(out);
        if ours.is_none() {
            fs::rename(&tmp, &target)?;
        }
        self.written.fetch_add(1, Ordering::Relaxed);
        // The file keeps its inode, size and time when the twin becomes the output.
        if let Some(file) = FileId::of(&target) {
            // Recorded with or without a fingerprint, for `keep_folder` (0: none, which no
            // render asks for).
            let fingerprint = fingerprint.unwrap_or(0);
            self.next.lock().map_err(|_| poisoned())?.push((path.to_string(), Entry { fingerprint, file }));
            self.next_layouts.lock().map_err(|_| poisoned())?.push((path.to_string(), Layout { file, segs }));
        }
        self.keep(rel)
    }

    /// Writes a file into a twin that started empty: its folder made first, once (most
    /// pages have a folder of their own), then the file created. `None` when it cannot be
    /// created so (its path was put before): the caller writes it as usual.
    fn create_fresh(&self, made: &Mutex<HashSet<PathBuf>>, rel: &Path, bytes: &[u8]) -> io::Result<Option<FileId>> {
        let target = self.dir.join(rel);
        if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            let new = made.lock().map_err(|_| poisoned())?.insert(parent.to_path_buf());
            if new {
                make_dir(&self.dir, &self.dir.join(parent))?;
            }
        }
        let Ok(mut file) = fs::OpenOptions::new().write(true).create_new(true).open(&target) else { return Ok(None) };
        io::Write::write_all(&mut file, bytes)?;
        Ok(Some(FileId::from_meta(&file.metadata()?)))
    }

    fn keep(&self, rel: PathBuf) -> io::Result<()> {
        self.kept.lock().map_err(|_| poisoned())?.insert(rel);
        Ok(())
    }

    /// Removes what the new site does not have, exchanges the twin with the output, and
    /// records what the new output's pages were made from.
    pub fn finish(self) -> io::Result<Counts> {
        let kept = self.kept.into_inner().map_err(|_| poisoned())?;
        let (mut trees, names) = rayon::join(|| tree::read(&self.store), || tree::names(&kept));
        let root = tree::root_of(&self.dir);
        let known = trees.iter().position(|t| Some(t.root) == root).map(|i| trees.swap_remove(i));
        let whole = |rel: &Path| prune_in(&self.dir, rel, &kept);
        let pruned =
            known.zip(names.as_ref()).and_then(|(t, names)| tree::prune_known(&self.dir, &kept, names, &t, &whole));
        let removed = match pruned {
            Some(removed) => removed?,
            // A twin that started empty holds only what this build put.
            None if self.fresh.is_some() => 0,
            None => prune(&self.dir, &kept)?,
        };
        // The output's record stays: its tree is the next build's twin.
        let output_root = tree::root_of(&self.output);
        trees.retain(|t| Some(t.root) == output_root);
        trees.extend(names.and_then(|names| tree::Tree::of(&self.dir, names)));
        let in_place = match swap(&self.dir, &self.output, &self.store) {
            Ok(()) => false,
            Err(e) if unswappable(&e) => {
                self.written.fetch_add(mirror(&self.dir, &self.output, &kept)?, Ordering::Relaxed);
                true
            }
            Err(e) => return Err(e),
        };
        // The site is in place. What follows are caches, side by side: one that cannot be
        // written only costs the next build the work it saves (and a stale one is caught
        // by the file identities).
        let next = self.next.into_inner().map_err(|_| poisoned())?;
        let mut layouts = self.next_layouts.into_inner().map_err(|_| poisoned())?;
        let old_layouts = self.layouts;
        let store = &self.store;
        rayon::scope(|scope| {
            scope.spawn(|_| {
                let _ = tree::write(store, &trees);
            });
            scope.spawn(|_| {
                let _ = record::write(store, &next);
            });
            if !layouts.is_empty() {
                // Files reused whole keep their layouts: they are the same files.
                let files: HashMap<&str, FileId> = next.iter().map(|(p, e)| (p.as_str(), e.file)).collect();
                let spliced: HashSet<String> = layouts.iter().map(|(p, _)| p.clone()).collect();
                for (path, layout) in old_layouts.into_inner().unwrap_or_default() {
                    if !spliced.contains(&path) && files.get(path.as_str()) == Some(&layout.file) {
                        layouts.push((path, layout));
                    }
                }
                let _ = splice::write(store, &layouts);
            }
        });
        let (written, unchanged) = (self.written.into_inner(), self.reused.into_inner());
        self.store.let_go((next, layouts, trees, kept, self.prior));
        Ok(Counts { written, unchanged, removed, in_place, ..Counts::default() })
    }
}

/// `paths` by their first folder; a file at the top is in none.
fn by_folder<'p>(paths: impl Iterator<Item = &'p String>) -> HashMap<String, Vec<String>> {
    let mut folders: HashMap<String, Vec<String>> = HashMap::new();
    for path in paths {
        if let Some((top, _)) = path.split_once('/') {
            folders.entry(top.to_string()).or_default().push(path.clone());
        }
    }
    folders
}

fn poisoned() -> io::Error {
    io::Error::other("a writer thread panicked")
}

/// Whether no other name links to the file `meta` describes.
#[cfg(unix)]
fn only_link(meta: &fs::Metadata) -> bool {
    std::os::unix::fs::MetadataExt::nlink(meta) == 1
}

/// Whether no other name links to the file (where links cannot be counted: never).
#[cfg(not(unix))]
fn only_link(_: &fs::Metadata) -> bool {
    false
}

/// A temporary name beside `target`, in the same folder.
fn beside(target: &Path) -> PathBuf {
    target.with_file_name(format!(
        ".{}.tmp",
        target.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
    ))
}

/// A new twin: hard links to the output's files where there is an output (cheap, and the
/// next step replaces files rather than writing into them, so the output is never
/// changed through a link), else an empty folder. Returns whether it is empty.
fn seed(output: &Path, twin: &Path) -> io::Result<bool> {
    fs::create_dir(twin)?;
    if !output.is_dir() {
        return Ok(true);
    }
    for entry in WalkDir::new(output).min_depth(1) {
        let entry = entry.map_err(io::Error::other)?;
        let rel = entry.path().strip_prefix(output).map_err(io::Error::other)?;
        let to = twin.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&to)?;
        } else if entry.file_type().is_file() && fs::hard_link(entry.path(), &to).is_err() {
            fs::copy(entry.path(), &to)?;
        }
    }
    Ok(false)
}

/// Removes from `dir` every file not in `kept` (and anything else in the way), then the
/// folders that leaves empty. Returns how many files went.
fn prune(dir: &Path, kept: &HashSet<PathBuf>) -> io::Result<usize> {
    prune_in(dir, Path::new(""), kept).map(|(removed, _)| removed)
}

/// Prunes the folder `rel` of `root`, its subfolders side by side (a site of 30,000 pages
/// has 30,000 folders, and one thread walking them was a tenth of a rebuild). Returns how
/// many files went, and whether the folder still holds anything.
fn prune_in(root: &Path, rel: &Path, kept: &HashSet<PathBuf>) -> io::Result<(usize, bool)> {
    let entries = fs::read_dir(root.join(rel))?.collect::<io::Result<Vec<fs::DirEntry>>>()?;
    let each = entries
        .par_iter()
        .map(|entry| {
            let rel = rel.join(entry.file_name());
            // Not followed: a link is removed like a file unless the site has that name.
            if entry.file_type()?.is_dir() {
                let (removed, full) = prune_in(root, &rel, kept)?;
                Ok((removed, full || fs::remove_dir(entry.path()).is_err()))
            } else if kept.contains(&rel) {
                Ok((0, true))
            } else {
                fs::remove_file(entry.path())?;
                Ok((1, false))
            }
        })
        .collect::<io::Result<Vec<(usize, bool)>>>()?;
    Ok((each.iter().map(|e| e.0).sum(), each.iter().any(|e| e.1)))
}

/// Writes one file of the twin unless it already holds these bytes. Returns whether it
/// wrote, and the file's identity.
fn put_one(dir: &Path, rel: &Path, bytes: &[u8]) -> io::Result<(bool, Option<FileId>)> {
    let target = dir.join(rel);
    let meta = fs::symlink_metadata(&target);
    if let Err(e) = &meta
        && e.kind() == io::ErrorKind::NotFound
        && let Some(file) = create(&target, bytes)?
    {
        return Ok((true, Some(file)));
    }
    if let Ok(m) = &meta
        && same_bytes(&target, m, bytes)
    {
        return Ok((false, Some(FileId::from_meta(m))));
    }
    if let Some(parent) = target.parent() {
        make_dir(dir, parent)?;
    }
    if meta.is_ok_and(|m| m.is_dir()) {
        fs::remove_dir_all(&target)?;
    }
    // Write beside, then rename over: the old file may be a hard link into the output,
    // which must not change.
    let tmp = beside(&target);
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, &target)?;
    Ok((true, FileId::of(&target)))
}

/// Writes a file that does not exist yet (every file of a fresh build) in place, making
/// its folder if need be: no old file to keep safe, so none of the checks and renames of
/// a replacement, which cost a fresh build of 30,000 pages five more system calls a file. Its
/// identity comes from the open file. `None` when it cannot be opened so (a file stands
/// where a folder should, or appeared there meanwhile): the caller replaces as usual.
fn create(target: &Path, bytes: &[u8]) -> io::Result<Option<FileId>> {
    let open = || fs::OpenOptions::new().write(true).create_new(true).open(target);
    let file = match open() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => match target.parent().map(fs::create_dir_all) {
            Some(Ok(())) => open(),
            _ => return Ok(None),
        },
        other => other,
    };
    let Ok(mut file) = file else { return Ok(None) };
    io::Write::write_all(&mut file, bytes)?;
    Ok(Some(FileId::from_meta(&file.metadata()?)))
}

/// Creates `path` (inside `root`) as a folder, replacing a file that stands in the way.
fn make_dir(root: &Path, path: &Path) -> io::Result<()> {
    match fs::create_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) => {
            // A file where a folder should be: remove the blocking file, then retry.
            let mut p = path.to_path_buf();
            while p.starts_with(root) && p != root {
                if fs::symlink_metadata(&p).is_ok_and(|m| !m.is_dir()) {
                    fs::remove_file(&p)?;
                    return fs::create_dir_all(path);
                }
                if !p.pop() {
                    break;
                }
            }
            Err(e)
        }
    }
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

/// Whether the file at `path` holds `bytes`, read a block at a time (a site's largest
/// files are tens of megabytes: never read one whole just to compare it).
fn same_bytes(path: &Path, meta: &fs::Metadata, bytes: &[u8]) -> bool {
    match meta {
        m if m.is_file() && m.len() == bytes.len() as u64 => {
            let Ok(mut file) = fs::File::open(path) else { return false };
            let mut block = vec![0u8; (1 << 16).min(bytes.len().max(1))];
            let mut at = 0;
            while at < bytes.len() {
                let want = block.len().min(bytes.len() - at);
                if io::Read::read_exact(&mut file, &mut block[..want]).is_err() || block[..want] != bytes[at..at + want]
                {
                    return false;
                }
                at += want;
            }
            io::Read::read(&mut file, &mut [0u8; 1]).is_ok_and(|n| n == 0)
        }
        _ => false,
    }
}

/// Puts `twin` in the place of `output`, and the old output in the place of the twin. On
/// Linux and macOS both exist at every instant and the exchange is one atomic step;
/// elsewhere (Windows) there is a short window between renames.
fn swap(twin: &Path, output: &Path, store: &Store) -> io::Result<()> {
    if !output.exists() {
        return fs::rename(twin, output);
    }
    #[cfg(any(target_os = "linux", target_os = "macos"))]
    {
        if exchange(twin, output).is_ok() {
            return Ok(());
        }
    }
    let old = store.dir().join("old");
    if old.exists() {
        fs::remove_dir_all(&old)?;
    }
    fs::rename(output, &old)?;
    if let Err(e) = fs::rename(twin, output) {
        let _ = fs::rename(&old, output);
        return Err(e);
    }
    fs::rename(&old, twin)
}

/// Whether `e` says that the twin and the output cannot trade places at all: they are on
/// two file systems, the output is a mount point (a container's volume), or its folder
/// may not be changed. Then the site is written in place instead.
fn unswappable(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::CrossesDevices | io::ErrorKind::ResourceBusy | io::ErrorKind::PermissionDenied)
        || e.raw_os_error() == Some(18) // EXDEV, on platforms whose kind is not mapped
}

/// Writes the files of `twin` named in `kept` into `output`, each one atomically (copied
/// beside its place, then renamed over it), and removes what the twin lacks. Only files
/// that differ from the twin's copy in size or modification time (which the copy takes
/// from the twin's) are written. Returns how many were. A reader may meet a mix of old
/// and new pages while this runs, never a page cut short.
fn mirror(twin: &Path, output: &Path, kept: &HashSet<PathBuf>) -> io::Result<usize> {
    fs::create_dir_all(output)?;
    let written = AtomicUsize::new(0);
    kept.par_iter().try_for_each(|rel| {
        let (from, to) = (twin.join(rel), output.join(rel));
        let theirs = fs::metadata(&from)?;
        let ours = fs::symlink_metadata(&to).ok();
        if ours.is_some_and(|o| o.is_file() && o.len() == theirs.len() && o.modified().ok() == theirs.modified().ok()) {
            return Ok(());
        }
        if let Some(parent) = to.parent() {
            make_dir(output, parent)?;
        }
        if fs::symlink_metadata(&to).is_ok_and(|m| m.is_dir()) {
            fs::remove_dir_all(&to)?;
        }
        let tmp = beside(&to);
        fs::copy(&from, &tmp)?;
        fs::File::options().write(true).open(&tmp)?.set_modified(theirs.modified()?)?;
        fs::rename(&tmp, &to)?;
        written.fetch_add(1, Ordering::Relaxed);
        Ok::<(), io::Error>(())
    })?;
    prune(output, kept)?;
    Ok(written.into_inner())
}

/// Exchanges `a` and `b` in one atomic step: renameat2(RENAME_EXCHANGE) on Linux (a raw
/// system call, so it works on every libc, musl included), renameatx_np(RENAME_SWAP) on
/// macOS. Fails where the file system cannot, and the caller falls back to renames.
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::page::Seg;

    fn page(path: &str, text: &str) -> Page {
        Page { path: path.into(), bytes: text.as_bytes().to_vec() }
    }

    /// The cache folder of the tests' outputs: beside them, as any folder may be.
    fn store_of(out: &Path) -> Store {
        Store::at(out.with_file_name("cache"))
    }

    fn read(p: &Path) -> String {
        fs::read_to_string(p).unwrap()
    }

    #[test]
    fn writes_only_what_changed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let w = write(&out, &store_of(&out), &[page("index.html", "a"), page("x/index.html", "b")]).unwrap();
        assert_eq!(w, Counts { written: 2, unchanged: 0, removed: 0, ..Counts::default() });
        let w = write(&out, &store_of(&out), &[page("index.html", "a"), page("x/index.html", "c")]).unwrap();
        assert_eq!(w, Counts { written: 1, unchanged: 1, removed: 0, ..Counts::default() });
        assert_eq!(read(&out.join("x/index.html")), "c");
        // The twin now holds the previous site, and the next build updates it.
        assert_eq!(read(&store_of(&out).twin().join("x/index.html")), "b");
        let w = write(&out, &store_of(&out), &[page("index.html", "a"), page("x/index.html", "c")]).unwrap();
        assert_eq!(w.written, 1, "the twin had the old x/index.html");
        // Files the new site lacks are gone, folders too.
        let w = write(&out, &store_of(&out), &[page("index.html", "a")]).unwrap();
        assert_eq!(w.removed, 1);
        assert!(!out.join("x").exists());
    }

    #[test]
    fn a_hand_edited_twin_is_repaired_and_the_output_never_changes_through_links() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("index.html"), "old").unwrap();
        // No twin yet: it is seeded with hard links to the output.
        write(&out, &store_of(&out), &[page("index.html", "new")]).unwrap();
        assert_eq!(read(&out.join("index.html")), "new");
        assert_eq!(read(&store_of(&out).twin().join("index.html")), "old");
        fs::write(store_of(&out).twin().join("index.html"), "new").unwrap(); // same bytes by accident
        fs::write(store_of(&out).twin().join("stray.html"), "x").unwrap();
        write(&out, &store_of(&out), &[page("index.html", "newer")]).unwrap();
        assert_eq!(read(&out.join("index.html")), "newer");
        assert!(!out.join("stray.html").exists());
        assert_eq!(read(&store_of(&out).twin().join("index.html")), "new");
    }

    #[test]
    fn spliced_files_copy_kept_items_and_never_trust_a_changed_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let path = "data/list.json";
        // Items by key; `None` asks for the previous file's copy of the item.
        let build = |items: &[(u64, Option<&str>)], reuse: Option<u64>| {
            let twin = Twin::open(&out, &store_of(&out)).unwrap();
            let kept = twin.kept_items(path).unwrap();
            if let Some(fp) = reuse {
                assert!(twin.reuse(path, fp).unwrap(), "reused whole");
            } else {
                let mut segs = vec![Seg::Text(b"[")];
                for (key, bytes) in items {
                    segs.push(Seg::Item { key: *key, bytes: bytes.map(str::as_bytes) });
                    segs.push(Seg::Text(b","));
                }
                segs.push(Seg::Text(b"]"));
                twin.put_spliced(path, Some(7), &segs).unwrap();
            }
            twin.finish().unwrap();
            kept
        };
        let read_out = || read(&out.join(path));
        assert!(build(&[(1, Some("a")), (2, Some("b"))], None).is_empty(), "nothing kept at first");
        assert_eq!(read_out(), "[a,b,]");
        let before = read_out();
        let kept = build(&[(2, None), (3, Some("c")), (1, None)], None);
        assert!(kept.contains(&1) && kept.contains(&2) && !kept.contains(&3));
        assert_eq!(read_out(), "[b,c,a,]");
        assert_eq!(
            read(&store_of(&out).twin().join(path)),
            before,
            "the previous output was not written through a link"
        );
        // Reused whole, the file keeps its layout.
        build(&[], Some(7));
        assert!(build(&[(3, None), (1, None)], None).contains(&3));
        assert_eq!(read_out(), "[c,a,]");

        // A hand-edited file is not trusted: its items must be made again.
        fs::write(out.join(path), "[c,a,],").unwrap();
        let twin = Twin::open(&out, &store_of(&out)).unwrap();
        assert!(twin.kept_items(path).unwrap().is_empty());
        let segs = [Seg::Item { key: 3, bytes: None }];
        assert!(twin.put_spliced(path, None, &segs.to_vec()).is_err(), "nothing to copy from");
        drop(twin);
        assert_eq!(read_out(), "[c,a,],", "a failed build leaves the output as it was");

        // Layouts of another program are not trusted either.
        build(&[(5, Some("e"))], None);
        let table = store_of(&out).path(crate::store::Table::Layouts);
        let layouts = fs::read(&table).unwrap();
        let end = layouts.iter().position(|&b| b == b'\n').unwrap();
        fs::write(&table, [b"briefing-store layouts 2 0.0 1 2".as_slice(), &layouts[end..]].concat()).unwrap();
        assert!(Twin::open(&out, &store_of(&out)).unwrap().kept_items(path).unwrap().is_empty());
    }

    #[test]
    fn refuses_paths_that_leave_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write(&out, &store_of(&out), &[page("index.html", "old")]).unwrap();
        for bad in ["../evil", "/etc/x", "a/../../b", "", "a//b"] {
            assert!(write(&out, &store_of(&out), &[page(bad, "x")]).is_err(), "{bad}");
        }
        assert_eq!(read(&out.join("index.html")), "old");
        assert!(!dir.path().join("evil").exists());
    }

    #[test]
    fn pruning_empties_only_the_folders_it_emptied() {
        let dir = tempfile::tempdir().unwrap();
        let twin = dir.path().join("twin");
        for (path, text) in [("a/b/c/index.html", "x"), ("a/b/keep.html", "y"), ("d/e/index.html", "z"), ("f/g/h", "w")]
        {
            fs::create_dir_all(twin.join(path).parent().unwrap()).unwrap();
            fs::write(twin.join(path), text).unwrap();
        }
        fs::create_dir_all(twin.join("empty/nested")).unwrap();
        let kept: HashSet<PathBuf> = ["a/b/keep.html", "f/g/h"].into_iter().map(PathBuf::from).collect();
        assert_eq!(prune(&twin, &kept).unwrap(), 2);
        let mut left: Vec<String> = WalkDir::new(&twin)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap().path().strip_prefix(&twin).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        left.sort();
        assert_eq!(left, ["a", "a/b", "a/b/keep.html", "f", "f/g", "f/g/h"]);
    }

    #[test]
    fn files_and_folders_can_trade_places() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write(&out, &store_of(&out), &[page("a", "file")]).unwrap();
        write(&out, &store_of(&out), &[page("a/index.html", "in a folder")]).unwrap();
        assert_eq!(read(&out.join("a/index.html")), "in a folder");
        write(&out, &store_of(&out), &[page("a", "file again")]).unwrap();
        assert_eq!(read(&out.join("a")), "file again");
    }
}
