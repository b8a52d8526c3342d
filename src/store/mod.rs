//! The incremental store: what one build keeps for the next, in the site's cache folder.
//!
//! A rebuild after a one-claim edit at 10,000 articles takes 0.65 s instead of 11 s
//! because a build keeps what it read and made: each kept thing is a [`Table`] of the
//! store, a file of the cache folder (by default `<root>/.briefing/`, see
//! `docs/architecture.md` for its layout). Every table has the same header (what it is,
//! its format's version, and the program that wrote it) and the same atomic write, so a
//! table written by another build of briefing, or of another format, or half written, is
//! never read: it is as if there were none, which costs the next build only the work the
//! table saves. The staging twin of the output lives in the cache folder too.
//!
//! A long-lived process (`serve`) keeps the same tables in memory ([`Store::in_memory`]),
//! as values rather than bytes, and two more that only pay there: the parsed articles and
//! the large pages' items. The pipeline takes each table before the stage that uses it and
//! keeps it after, one code path for both; the stages never see this module, only the
//! [`Keep`] trait their kept types implement.

pub mod marks;
mod tables;

use std::any::Any;
use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The folder the cache lives in when no `--cache-dir` is given, inside the site's root.
pub const DEFAULT_DIR: &str = ".briefing";

/// A kept thing: one file of the cache folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Each article file's identity, hash, front matter and body offset (`fronts.rs`).
    Fronts,
    /// The readings of the claims file's pieces, by the hash of each piece: in memory only.
    Pieces,
    /// The marks found in each article, by the article's key (`marks.rs`).
    Marks,
    /// Each output page's fingerprint and file identity (`record.rs`).
    Record,
    /// What the largest output files are made of (`write/splice.rs`).
    Layouts,
    /// The folders of the output and of its twin (`tree.rs`).
    Tree,
    /// The parsed articles, by path: in memory only (`load.rs`).
    Articles,
    /// The large pages' items, by fingerprint: in memory only (`parts.rs`).
    Items,
    /// The record of what was last published, with its file's identity (`published.rs`).
    Published,
    /// The answers of the last `check --external`, with their times (`external/kept.rs`).
    Links,
    /// What a briefing of an archive made, with the identity of its inputs, so that a
    /// build where they did not change skips it (`pipeline/unchanged.rs`).
    Briefing,
    /// The paths a file watcher saw change since the last build: in memory only
    /// ([`Changed`]).
    Changed,
}

impl Table {
    /// Every table kept on disk, in the order `docs/architecture.md` lists them.
    pub const ALL: [Table; 7] =
        [Table::Fronts, Table::Marks, Table::Record, Table::Layouts, Table::Tree, Table::Published, Table::Links];

    /// The table's file name in the cache folder.
    pub fn name(self) -> &'static str {
        match self {
            Table::Fronts => "fronts",
            Table::Pieces => "pieces",
            Table::Marks => "marks",
            Table::Record => "record",
            Table::Layouts => "layouts",
            Table::Tree => "tree",
            Table::Articles => "articles",
            Table::Items => "items",
            Table::Published => "published",
            Table::Links => "links",
            Table::Briefing => "briefing",
            Table::Changed => "changed",
        }
    }

    /// The version of the table's format: raise it when the encoding changes, and every
    /// table of the old format is ignored.
    fn version(self) -> u32 {
        // Every table's format changed with the store (2); raise a table's own when its
        // encoding changes. Marks: 3 since they say whether a passage changed; fronts: 3
        // since front matter records the hashes of an imported text and of its previous
        // version; published: 3 since it keeps a record for each of the last outputs.
        // Fronts and published: 4 since dates are kept as a count of days. Marks: 4 since
        // articles are keyed by their quotes' hashes (`Quote::sought`).
        match self {
            Table::Fronts | Table::Published | Table::Marks => 4,
            _ => 2,
        }
    }

    /// Whether the table describes the output's files (and so is void for another output).
    fn of_output(self) -> bool {
        matches!(self, Table::Record | Table::Layouts | Table::Tree)
    }
}

/// The source paths (relative to the site root, `/`-separated) that a file watcher saw
/// change since the last build, kept for the next build only by the process that watched
/// (`serve`). A build without it knows nothing of what changed, and looks at every file.
#[derive(Debug, Clone, Default)]
pub struct Changed(pub Vec<String>);

impl Changed {
    /// Whether nothing at or under the folder `dir`, nor any folder above it, changed.
    pub fn untouched(&self, dir: &str) -> bool {
        let dir = dir.trim_end_matches('/');
        self.0.iter().all(|p| {
            let p = p.trim_end_matches('/');
            let within = |a: &str, b: &str| a == b || a.strip_prefix(b).is_some_and(|r| r.starts_with('/'));
            !within(p, dir) && !within(dir, p)
        })
    }
}

/// The program that wrote a table: its version and its executable's identity, so that a
/// table written by another build of briefing (a new release, or a developer's rebuild) is
/// not trusted. Computed once: it costs a `stat` of the executable.
pub fn program() -> &'static str {
    static PROGRAM: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PROGRAM.get_or_init(|| {
        let exe = std::env::current_exe().ok().and_then(|p| crate::model::file_id::FileId::of(&p));
        let (size, mtime) = exe.map_or((0, 0), |f| (f.size, f.mtime));
        format!("{} {size} {mtime}", env!("CARGO_PKG_VERSION"))
    })
}

/// The first line of every table: what it is, its format, and who wrote it.
fn header(table: Table, program: &str) -> String {
    format!("briefing-store {} {} {program}\n", table.name(), table.version())
}

/// A value kept in a table of the store between builds: its type names its table, and
/// says how it is written to disk, or that it is kept in memory only.
pub trait Keep: Any + Send + Sized {
    /// The table it is kept in.
    const TABLE: Table;

    /// The table's body on disk; `None` for a value kept in memory only.
    fn encode(&self) -> Option<Vec<u8>>;

    /// The value a table's body holds; `None` when it does not decode.
    fn decode(body: &[u8]) -> Option<Self>;
}

/// The tables of a store in memory, by name: values of the types that [`Keep`] them.
/// Keyed by scope (a briefing of an archive, or none) and table name.
type Tables = HashMap<(String, &'static str), Box<dyn Any + Send>>;

/// The incremental store of a site: its cache folder, or a process's memory.
#[derive(Clone)]
pub struct Store {
    /// The cache folder (empty for a store in memory).
    dir: PathBuf,
    /// The tables, for a store in memory.
    memory: Option<Arc<Mutex<Tables>>>,
    /// The briefing of an archive whose tables these are (see [`Store::scoped`]); empty
    /// for the site's own.
    scope: String,
    /// Whether the process ends right after this build (see [`Store::let_go`]).
    one_shot: bool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.memory {
            Some(_) => f.write_str("Store(in memory)"),
            None => write!(f, "Store({})", self.dir.display()),
        }
    }
}

impl Store {
    /// The store in `dir` (created when first written).
    pub fn at(dir: impl Into<PathBuf>) -> Store {
        Store { dir: dir.into(), memory: None, scope: String::new(), one_shot: false }
    }

    /// This store, for a process that ends right after its one build (`briefing build`):
    /// what the build is done with at its end need not be freed (see [`Store::let_go`]).
    pub fn one_shot(self) -> Store {
        Store { one_shot: true, ..self }
    }

    /// Lets go of a large value the build is done with at its end: dropped, or, in a
    /// process that ends right after its build ([`Store::one_shot`]), left to the
    /// process's end, which gives all of its memory back at once. At 10,000 articles and
    /// 20,000 claims, freeing the kept marks and the output's records one allocation at a
    /// time took about 50 ms at the end of a fresh build, on one core, the other idle.
    /// Only for values let go of as the build ends: memory forgotten earlier is memory a
    /// later stage cannot reuse.
    pub fn let_go<T>(&self, value: T) {
        if self.one_shot {
            std::mem::forget(value);
        }
    }

    /// A store in memory, for a long-lived process: its tables are values, never written.
    pub fn in_memory() -> Store {
        Store { dir: PathBuf::new(), memory: Some(Arc::default()), scope: String::new(), one_shot: false }
    }

    /// The store of the briefing `slug` of an archive: its own tables (front matter,
    /// readings, marks, what was published), in `briefings/<slug>/` of the cache folder, or
    /// apart in memory. The tables of the output (and the twin) stay the archive's.
    pub fn scoped(&self, slug: &str) -> Store {
        let dir = match self.memory {
            Some(_) => PathBuf::new(),
            None => self.dir.join("briefings").join(slug),
        };
        Store { dir, memory: self.memory.clone(), scope: format!("{}{slug}/", self.scope), one_shot: self.one_shot }
    }

    /// Forgets the tables of every briefing but `slugs`: a briefing whose folder was
    /// removed or renamed leaves nothing behind in the cache folder. In memory, the tables
    /// of a briefing no build asks for are never read again, and go with the process.
    pub fn forget_briefings_but(&self, slugs: &[String]) {
        if self.memory.is_some() {
            return;
        }
        let Ok(entries) = std::fs::read_dir(self.dir.join("briefings")) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !slugs.iter().any(|s| name.to_str() == Some(s.as_str())) {
                // Best effort: a table left behind is only disk space.
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }

    /// Takes the value kept in `T`'s table, if there is one this program can trust; the
    /// table is left empty until [`Store::keep`] puts one back.
    pub fn take<T: Keep>(&self) -> Option<T> {
        match &self.memory {
            Some(tables) => {
                let value = tables.lock().ok()?.remove(&(self.scope.clone(), T::TABLE.name()))?;
                value.downcast::<T>().ok().map(|b| *b)
            }
            None => T::decode(&self.read(T::TABLE)?),
        }
    }

    /// Keeps `value` in its table for the next build. On disk it is written only when
    /// `changed` (and only if the table is kept on disk at all); in memory it is always
    /// put back. Only a cache: a table that cannot be written costs the next build the
    /// work it saves.
    pub fn keep<T: Keep>(&self, value: T, changed: bool) {
        drop(self.put(value, changed));
    }

    /// As [`Store::keep`], for a value kept as a build ends: once written, it is let go
    /// of (see [`Store::let_go`]; the marks of 10,000 articles took 30 ms to free).
    pub fn keep_last<T: Keep>(&self, value: T, changed: bool) {
        self.let_go(self.put(value, changed));
    }

    /// Keeps `value`, and gives it back unless the store holds it in memory.
    fn put<T: Keep>(&self, value: T, changed: bool) -> Option<T> {
        match &self.memory {
            Some(tables) => {
                if let Ok(mut tables) = tables.lock() {
                    tables.insert((self.scope.clone(), T::TABLE.name()), Box::new(value));
                }
                None
            }
            None => {
                if changed && let Some(body) = value.encode() {
                    let _ = self.write(T::TABLE, &body);
                }
                Some(value)
            }
        }
    }

    /// Copies of the values kept in memory in `T`'s table, in every briefing's scope
    /// (none for a store on disk): for work done on them between builds.
    pub fn copies_in_memory<T: Keep + Clone>(&self) -> Vec<T> {
        let Some(tables) = &self.memory else { return Vec::new() };
        let Ok(tables) = tables.lock() else { return Vec::new() };
        let table = T::TABLE.name();
        tables
            .iter()
            .filter(|((_, name), _)| *name == table)
            .filter_map(|(_, v)| v.downcast_ref::<T>())
            .cloned()
            .collect()
    }

    /// Whether the store keeps tables that live in memory only (parsed articles, items).
    pub fn in_memory_only(&self) -> bool {
        self.memory.is_some()
    }

    /// The store of the site at `root` when no folder is given: `<root>/.briefing`.
    pub fn of_site(root: &Path) -> Store {
        Store::at(root.join(DEFAULT_DIR))
    }

    /// The cache folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where `table` is kept.
    pub fn path(&self, table: Table) -> PathBuf {
        self.dir.join(table.name())
    }

    /// Where the next site is staged before it is swapped in (see `write.rs`).
    pub fn twin(&self) -> PathBuf {
        self.dir.join("twin")
    }

    /// The body of `table`, if it was written by this program in this format (none in
    /// memory: see [`Store::take`]).
    pub fn read(&self, table: Table) -> Option<Vec<u8>> {
        if self.memory.is_some() {
            return None;
        }
        let bytes = fs::read(self.path(table)).ok()?;
        body(&bytes, table, program()).map(|b| b.to_vec())
    }

    /// Replaces `table` with `body`, atomically: written beside it and renamed over it,
    /// so that a reader finds the old table or the new one, never part of either.
    pub fn write(&self, table: Table, body: &[u8]) -> io::Result<()> {
        if self.memory.is_some() {
            return Ok(());
        }
        fs::create_dir_all(&self.dir)?;
        let path = self.path(table);
        let tmp = self.dir.join(format!("{}.tmp", table.name()));
        let mut file = fs::File::create(&tmp)?;
        file.write_all(header(table, program()).as_bytes())?;
        file.write_all(body)?;
        drop(file);
        fs::rename(&tmp, path)
    }

    /// Drops `table`: the next build does the work it saved.
    pub fn forget(&self, table: Table) {
        match &self.memory {
            Some(tables) => drop(tables.lock().map(|mut t| t.remove(&(self.scope.clone(), table.name())))),
            None => drop(fs::remove_file(self.path(table))),
        }
    }

    /// Binds the store to `output`: the tables that describe an output's files, and the
    /// twin, are dropped when they were kept for another output (another `--output`).
    pub fn bind(&self, output: &Path) -> io::Result<()> {
        let named = self.dir.join("output");
        let want = std::path::absolute(output)?;
        let want = want.to_string_lossy();
        if fs::read_to_string(&named).is_ok_and(|had| had == want) {
            return Ok(());
        }
        for table in Table::ALL.into_iter().filter(|t| t.of_output()) {
            self.forget(table);
        }
        match fs::remove_dir_all(self.twin()) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        fs::create_dir_all(&self.dir)?;
        let tmp = self.dir.join("output.tmp");
        fs::write(&tmp, want.as_bytes())?;
        fs::rename(tmp, named)
    }
}

/// What follows the header of `table` in `bytes`, if they begin with it.
fn body<'b>(bytes: &'b [u8], table: Table, program: &str) -> Option<&'b [u8]> {
    bytes.strip_prefix(header(table, program).as_bytes())
}

/// Holds the site's cache folder for one build: see [`Store::lock`].
#[derive(Debug)]
pub struct Lock {
    _file: fs::File,
}

impl Store {
    /// Takes the cache folder for this process alone, until the [`Lock`] is dropped: two
    /// builds of one site at once would each stage, swap and record their own view of it,
    /// and leave an output that neither made (see `docs/reliability.md`). When another
    /// process holds it, `waiting` is called once, then the lock is waited for, as Cargo
    /// waits for its build folder; with `wait` false, the error is returned at once.
    pub fn lock(&self, wait: bool, waiting: impl FnOnce()) -> io::Result<Lock> {
        fs::create_dir_all(&self.dir)?;
        let file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(self.dir.join("lock"))?;
        match file.try_lock() {
            Ok(()) => return Ok(Lock { _file: file }),
            Err(fs::TryLockError::Error(e)) => return Err(e),
            Err(fs::TryLockError::WouldBlock) if !wait => {
                return Err(io::Error::new(io::ErrorKind::WouldBlock, "another briefing process is using it"));
            }
            Err(fs::TryLockError::WouldBlock) => waiting(),
        }
        file.lock()?;
        Ok(Lock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_untouched_unless_a_path_at_in_or_above_it_changed() {
        let changed = |paths: &[&str]| Changed(paths.iter().map(|p| p.to_string()).collect());
        let dir = "content/articles";
        assert!(changed(&[]).untouched(dir));
        assert!(changed(&["content/claims.toml", "content/articles2/a.md", "briefing.toml"]).untouched(dir));
        for path in ["content/articles/a.md", "content/articles", "content", "content/articles/a.versions/1/a.md"] {
            assert!(!changed(&[path]).untouched(dir), "{path}");
        }
    }

    #[test]
    fn a_table_reads_back_only_for_its_program_and_format() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("cache"));
        assert_eq!(store.read(Table::Marks), None, "nothing kept yet");
        store.write(Table::Marks, b"abc").unwrap();
        assert_eq!(store.read(Table::Marks).as_deref(), Some(b"abc".as_slice()));
        assert_eq!(store.read(Table::Record), None, "another table");
        let bytes = fs::read(store.path(Table::Marks)).unwrap();
        assert!(body(&bytes, Table::Marks, "0.0 1 2").is_none(), "another program's table");
        assert!(body(&bytes, Table::Fronts, program()).is_none(), "another table's header");
        fs::write(store.path(Table::Marks), &bytes[..bytes.len() / 2]).unwrap();
        assert_eq!(store.read(Table::Marks), None, "a table cut short");
        assert!(!store.dir().join("marks.tmp").exists());
    }

    #[test]
    fn another_output_drops_the_tables_of_the_last_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("cache"));
        store.bind(&dir.path().join("a")).unwrap();
        store.write(Table::Record, b"r").unwrap();
        store.write(Table::Marks, b"m").unwrap();
        fs::create_dir_all(store.twin()).unwrap();
        store.bind(&dir.path().join("a")).unwrap();
        assert!(store.read(Table::Record).is_some(), "the same output keeps its record");
        store.bind(&dir.path().join("b")).unwrap();
        assert!(store.read(Table::Record).is_none(), "a record of another output's files");
        assert!(!store.twin().exists());
        assert!(store.read(Table::Marks).is_some(), "the marks are the sources', whatever the output");
    }

    #[test]
    fn a_second_lock_waits_or_fails_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path());
        let held = store.lock(false, || panic!("not held yet")).unwrap();
        let err = store.lock(false, || panic!("told not to wait")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        let (tx, rx) = std::sync::mpsc::channel();
        let other = store.clone();
        let waiter = std::thread::spawn(move || {
            let _lock = other.lock(true, || tx.send(()).unwrap()).unwrap();
        });
        rx.recv().unwrap();
        drop(held);
        waiter.join().unwrap();
    }
}
