//! Which file-system events are saves of a source, and when a burst of them is over.
//!
//! `serve` rebuilds once per save. Two things stood in the way, and each has a home here:
//!
//! - **What the watcher reports.** The kernel reports every *open* of a watched file, and
//!   every rebuild opens the sources: counted as changes, each rebuild started the next one
//!   (107 rebuilds in 5 s after one save). It also reports paths under the folder it was
//!   asked to watch, which for `--root .` had to be matched against an absolute path.
//!   So the root is made absolute and resolved once ([`Watch::new`]), and only events that
//!   change a file's bytes or its presence count ([`changes`]); opens, reads, closes and
//!   attribute changes (a `touch`) never do.
//! - **How editors save.** Writing in place, truncating then writing, writing a temporary
//!   file and renaming it over the original (vim, VS Code, JetBrains "safe write"), or
//!   deleting then creating: each is a burst of events on one or more paths. [`Burst`]
//!   waits until the events have been quiet for [`QUIET`], so that a burst is one rebuild.
//!
//! `notify` is the watcher: the one the Rust ecosystem maintains for inotify, FSEvents and
//! ReadDirectoryChangesW. Its debouncers were not enough on their own: the `mini` one drops
//! the event kinds (so opens could not be told from writes), and the `full` one debounces
//! each path separately, so a save that touches three paths could still be three batches.
//! Any relevant path rebuilds the whole site, so one quiet window over all paths is
//! both simpler and exact.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{EventKind, ModifyKind};
use notify::{Event, RecommendedWatcher, RecursiveMode, Watcher};

use crate::model::article::VERSIONS;
use crate::model::claims::CLAIMS_FILE;
use crate::model::config::CONFIG_FILE;
use crate::stages::load::{ARTICLES_DIR, LEAD_FILE};

/// How long the events must be quiet before a rebuild starts. Editors' saves take well
/// under a millisecond between their steps (a truncation and its write, a temporary
/// file's rename and the removal of the backup), so 10 ms joins each save into one burst
/// while keeping the time from a save to the reload short.
pub const QUIET: Duration = Duration::from_millis(10);

/// How long a burst waits for a source that it saw deleted, and that is still missing, to
/// come back: an editor that saves by deleting the file and creating it again may take
/// tens of milliseconds between the two, and a rebuild in between would publish a site
/// without that file (a briefing without its claims, say), then reload again.
pub const GRACE: Duration = Duration::from_millis(300);

/// The longest a burst may delay its rebuild: a tool that writes without pause (a
/// generator writing thousands of articles) still gets a rebuild every so often.
pub const LONGEST: Duration = Duration::from_millis(1000);

/// The folders of a site whose files are sources, watched with everything under them
/// (`locales/`: the site's own strings, over the theme's).
pub const SOURCE_DIRS: [&str; 5] = ["content", "themes", "templates", "static", "locales"];

/// A watcher on a site's sources.
pub struct Watch {
    /// The site root, absolute and with symbolic links resolved, as the kernel names it.
    pub root: PathBuf,
    watcher: RecommendedWatcher,
    /// The source paths changed since [`Watch::take_changed`] was last called, relative to
    /// the root; `None` once the watcher lost track of some.
    changed: Option<Vec<String>>,
}

impl Watch {
    /// Watches the site at `root` (in whatever form it was given), sending every event to
    /// `send`. The root itself is watched alone, for `briefing.toml` and for source folders
    /// created later; each source folder is watched with all it holds.
    pub fn new(root: &Path, send: impl Fn(Event) + Send + 'static) -> notify::Result<Watch> {
        let root = root.canonicalize().map_err(notify::Error::io)?;
        let ours = root.clone();
        let watcher = notify::recommended_watcher(move |res: notify::Result<Event>| match res {
            // What is no change is dropped here, on the watcher's thread. Sent on, each
            // event woke the server's loop: a 14 MB claims file written aside before its
            // rename is 3,500 writes, and the wake-ups took 35 ms of CPU a save (a profile
            // at 10k/20k), beside the rebuild. A source folder created is a change too.
            Ok(event) if changes(&ours, &event) => send(event),
            Ok(_) => {}
            // An overflowed queue or a watch that failed: rebuild, to be safe.
            Err(_) => send(Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan)),
        })?;
        let mut watch = Watch { root, watcher, changed: Some(Vec::new()) };
        watch.watcher.watch(&watch.root, RecursiveMode::NonRecursive)?;
        for dir in SOURCE_DIRS {
            watch.folder(dir);
        }
        Ok(watch)
    }

    /// Watches the source folder `name` and all it holds, if it exists: at the start, and
    /// again after it was created (or deleted and created again), since a watch ends with
    /// its folder.
    fn folder(&mut self, name: &str) {
        let path = self.root.join(name);
        if path.is_dir()
            && let Err(e) = self.watcher.watch(&path, RecursiveMode::Recursive)
        {
            eprintln!("warning: cannot watch {}: {e}", path.display());
        }
    }

    /// What `event` means to a burst: a change of the sources (with those it deleted), or
    /// nothing. A source folder it created is watched from now on.
    pub fn see<T>(&mut self, event: &Event) -> Seen<T> {
        for dir in self.created_folders(event) {
            self.folder(dir);
        }
        match changes(&self.root, event) {
            true => {
                self.note(event);
                Seen::Change(removed(&self.root, event))
            }
            false => Seen::Nothing,
        }
    }

    /// Records the paths a change touched; an event that names none, or a path outside
    /// the root, means the watcher can no longer say what changed.
    fn note(&mut self, event: &Event) {
        let Some(list) = self.changed.as_mut() else { return };
        if event.need_rescan() || event.paths.is_empty() {
            self.changed = None;
            return;
        }
        for path in &event.paths {
            match path.strip_prefix(&self.root) {
                Ok(rel) => {
                    list.push(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
                }
                Err(_) => {
                    self.changed = None;
                    return;
                }
            }
        }
    }

    /// The source paths changed since the last call, relative to the root (see
    /// `pipeline::Memory::changed`); `None` when the watcher lost track of some.
    pub fn take_changed(&mut self) -> Option<Vec<String>> {
        self.changed.replace(Vec::new())
    }

    /// The source folders that `event` created, to be watched anew.
    fn created_folders(&self, event: &Event) -> Vec<&'static str> {
        if !matches!(event.kind, EventKind::Create(_) | EventKind::Modify(ModifyKind::Name(_))) {
            return Vec::new();
        }
        SOURCE_DIRS.into_iter().filter(|dir| event.paths.iter().any(|p| p == &self.root.join(dir))).collect()
    }
}

/// Whether `event` may have changed what the site at `root` (absolute, resolved) is built
/// from: a change of a file's bytes or presence, on a source path.
pub fn changes(root: &Path, event: &Event) -> bool {
    let kind = match event.kind {
        // Opens, reads and closes: every build makes them. A close after writing follows
        // the write, which already counted.
        EventKind::Access(_) => false,
        // Attributes (a `touch`, a `chmod`) do not change what is built.
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(_) => true,
        // The watcher lost track (its queue overflowed): only a rebuild is safe.
        EventKind::Any | EventKind::Other => return event.need_rescan() || event.paths.iter().any(|p| source(root, p)),
    };
    kind && event.paths.iter().any(|p| source(root, p))
}

/// The source paths that `event` deleted, renamed away or left empty: a burst waits
/// [`GRACE`] for them to come back ([`missing`]). An empty file is a save half done as
/// often as a missing one: an editor that truncates the file and then writes it may take
/// longer than [`QUIET`] between the two, and a rebuild in between would publish the
/// briefing without its claims, then reload again.
pub fn removed(root: &Path, event: &Event) -> Vec<PathBuf> {
    use notify::event::RenameMode;
    let paths = match event.kind {
        EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(RenameMode::From)) => &event.paths[..],
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => &event.paths[..event.paths.len().min(1)],
        EventKind::Create(_) | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any) => {
            return event.paths.iter().filter(|p| source(root, p) && empty(p)).cloned().collect();
        }
        _ => &[],
    };
    paths.iter().filter(|p| source(root, p)).cloned().collect()
}

/// Whether the source at `path` is still missing, or an empty file.
pub fn missing(path: &Path) -> bool {
    !path.exists() || empty(path)
}

fn empty(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0)
}

/// Whether `path` is, or may hold, a source of the site at `root`: the config file; in
/// `content/`, the claims file, the lead and the articles (see [`article`]) and their
/// folders; anything under `themes/`, `templates/`, `static/` or `locales/`; and never an
/// editor's swap, backup or lock file. A temporary file that an editor writes beside the claims
/// file before renaming it over is not a source: writing 10 MB of it can take longer
/// than the quiet window, and would otherwise rebuild before the rename.
pub fn source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else { return false };
    // Named as the loader names its files, with `/` between the parts.
    let Some(rel) = rel.to_str().map(|r| r.replace(std::path::MAIN_SEPARATOR, "/")) else { return false };
    let article = rel.strip_prefix(ARTICLES_DIR).and_then(|r| r.strip_prefix('/')).is_some_and(article);
    let known = [CONFIG_FILE, CLAIMS_FILE, LEAD_FILE, ARTICLES_DIR, SOURCE_DIRS[0]].contains(&rel.as_str())
        || article
        || in_briefing(&rel, path)
        || SOURCE_DIRS[1..].iter().any(|dir| rel.split('/').next() == Some(dir));
    known && !path.file_name().and_then(|n| n.to_str()).is_some_and(scratch)
}

/// Whether `name`, a path in an articles folder, is what an article is read from: an
/// article (`.md`, `.txt`), an imported article's original (`<slug>.orig.html`, its
/// hash checked on every build), or a folder of earlier versions (`<slug>.versions/`)
/// and anything in it.
fn article(name: &str) -> bool {
    match name.split_once('/') {
        Some((folder, _)) => folder.ends_with(VERSIONS),
        None => [".md", ".txt", ".html", ".htm", VERSIONS].iter().any(|end| name.ends_with(end)),
    }
}

/// Whether `rel` (at `path`) is a source of a briefing of an archive: its folder
/// `content/<slug>`, its claims file, its `briefing.md`, its articles' folder, or what an
/// article is read from. A file directly in `content/` (a `TODO`) is no briefing folder:
/// only a folder, or a path gone, may be one.
fn in_briefing(rel: &str, path: &Path) -> bool {
    let Some(rest) = rel.strip_prefix("content/") else { return false };
    let (slug, inside) = rest.split_once('/').unwrap_or((rest, ""));
    if slug == "articles" || slug.contains('.') || slug.is_empty() {
        return false;
    }
    if inside.is_empty() {
        return path.is_dir() || !path.exists();
    }
    inside.strip_prefix("articles/").is_some_and(article)
        || ["claims.toml", "briefing.md", "articles"].contains(&inside)
}

/// Editors' own files beside the one being edited: vim's swap files (`.x.swp`, `.swo`, …,
/// `.swx`) and its write test (`4913`, `5036`, …), backups (`x~`, JetBrains'
/// `x___jb_old___` and `x___jb_tmp___`), Emacs' locks and auto-saves (`.#x`, `#x#`),
/// Kate's and gedit's temporary files, and macOS folder metadata.
pub fn scratch(name: &str) -> bool {
    let swap = name.len() > 4
        && name.starts_with('.')
        && name[name.len() - 4..].starts_with(".sw")
        && name.as_bytes()[name.len() - 1].is_ascii_lowercase();
    swap || name.ends_with('~')
        || (!name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()))
        || name.ends_with("___jb_old___")
        || name.ends_with("___jb_tmp___")
        || name.starts_with(".#")
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || name.starts_with(".goutputstream-")
        || name.ends_with(".kate-swp")
        || name == ".DS_Store"
}

/// Gathers a burst of events into one: the first relevant event opens it, and it closes
/// once events have been quiet for [`QUIET`] ([`GRACE`] while a source it saw deleted or
/// emptied is still missing or empty; [`QUIET`] again from the moment it is back), or
/// after [`LONGEST`].
pub struct Burst {
    quiet: Duration,
    grace: Duration,
    longest: Duration,
}

/// What one message meant to a [`Burst`].
pub enum Seen<T> {
    /// Nothing that changes the site.
    Nothing,
    /// A change; with the source paths it deleted, if any.
    Change(Vec<PathBuf>),
    /// Not an event: ends the wait at once.
    Other(T),
}

/// What waiting on the events gave.
pub enum Wait<T> {
    /// A burst of changes ended: rebuild.
    Changed,
    /// Something else arrived (a stop).
    Other(T),
    /// Every sender is gone.
    Closed,
}

impl Default for Burst {
    fn default() -> Self {
        Burst { quiet: QUIET, grace: GRACE, longest: LONGEST }
    }
}

impl Burst {
    /// Blocks until a burst of relevant events has ended, or something else arrives.
    /// `see` tells what each message means.
    pub fn wait<M, T>(&self, rx: &Receiver<M>, mut see: impl FnMut(M) -> Seen<T>) -> Wait<T> {
        let mut gone = Vec::new();
        // The first relevant event, however long it takes.
        loop {
            match rx.recv().map(&mut see) {
                Ok(Seen::Change(removed)) => {
                    gone.extend(removed);
                    break;
                }
                Ok(Seen::Nothing) => {}
                Ok(Seen::Other(other)) => return Wait::Other(other),
                Err(_) => return Wait::Closed,
            }
        }
        // Then until the events are quiet.
        let start = Instant::now();
        let mut last = start;
        loop {
            let waited = gone.len();
            gone.retain(|p: &PathBuf| missing(p));
            if gone.len() < waited {
                // A source came back, and the events that say so may still be on their
                // way (a rename's other half, a write): they belong to this burst.
                last = Instant::now();
            }
            let quiet = if gone.is_empty() { self.quiet } else { self.grace };
            let left = (last + quiet).min(start + self.longest).saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Wait::Changed;
            }
            match rx.recv_timeout(left).map(&mut see) {
                Ok(Seen::Change(removed)) => {
                    gone.extend(removed);
                    last = Instant::now();
                }
                Ok(Seen::Nothing) => {}
                Ok(Seen::Other(other)) => return Wait::Other(other),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return Wait::Changed,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, MetadataKind, RemoveKind, RenameMode};
    use std::sync::mpsc;

    fn event(kind: EventKind, path: &str) -> Event {
        Event::new(kind).add_path(PathBuf::from(path))
    }

    #[test]
    fn the_watch_says_which_sources_changed_until_it_loses_track() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/articles")).unwrap();
        let mut watch = Watch::new(dir.path(), |_| {}).unwrap();
        let at = |rel: &str| watch_path(&watch, rel);
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let (claims, article) = (at("content/claims.toml"), at("content/articles/a.md"));
        let _: Seen<()> = watch.see(&Event::new(write).add_path(claims));
        let _: Seen<()> = watch.see(&Event::new(EventKind::Access(AccessKind::Any)).add_path(article.clone()));
        assert_eq!(watch.take_changed(), Some(vec!["content/claims.toml".to_string()]), "an open is no change");
        assert_eq!(watch.take_changed(), Some(vec![]), "taken");
        let _: Seen<()> = watch.see(&Event::new(write).add_path(article));
        let _: Seen<()> = watch.see(&Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan));
        assert_eq!(watch.take_changed(), None, "lost track");
        assert_eq!(watch.take_changed(), Some(vec![]), "and starts again");
    }

    #[test]
    fn only_changes_are_sent_on() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        let claims = dir.path().join("content/claims.toml");
        std::fs::write(&claims, "x").unwrap();
        let (tx, rx) = mpsc::channel();
        let watch = Watch::new(dir.path(), move |e| drop(tx.send(e))).unwrap();
        // Reads of a source and writes of a file beside it: nothing is sent.
        for _ in 0..50 {
            std::fs::read(&claims).unwrap();
            std::fs::write(dir.path().join("content/claims.toml.new"), "y").unwrap();
        }
        std::fs::write(&claims, "z").unwrap();
        // The claims file's write is sent (waited for, however busy the machine), and what
        // follows it within a moment is gathered too.
        let first = rx.recv_timeout(Duration::from_secs(10)).expect("the write of the claims file is sent");
        std::thread::sleep(Duration::from_millis(200));
        let sent: Vec<Event> = std::iter::once(first).chain(rx.try_iter()).collect();
        for e in &sent {
            assert!(changes(&watch.root, e), "{e:?}");
            assert!(e.paths.iter().all(|p| p.ends_with("content/claims.toml")), "{e:?}");
        }
    }

    #[test]
    fn a_file_directly_in_content_is_no_briefing_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/harbour")).unwrap();
        std::fs::write(root.join("content/TODO"), "x").unwrap();
        assert!(!source(root, &root.join("content/TODO")), "a file");
        assert!(source(root, &root.join("content/harbour")), "a folder");
        assert!(source(root, &root.join("content/gone")), "gone: it may have been a folder");
    }

    fn watch_path(watch: &Watch, rel: &str) -> PathBuf {
        watch.root.join(rel)
    }

    #[test]
    fn only_changes_to_sources_count() {
        let root = Path::new("/site");
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        for path in [
            "/site/briefing.toml",
            "/site/content/claims.toml",
            "/site/content/articles/new.md",
            "/site/themes/default/templates/base.html",
            "/site/templates/claim.html",
            "/site/static/logo.svg",
            "/site/content",
            "/site/content/harbour/claims.toml",
            "/site/content/harbour/briefing.md",
            "/site/content/harbour/articles/a.md",
            "/site/content/harbour",
            "/site/content/articles/a.orig.html",
            "/site/content/articles/a.versions",
            "/site/content/articles/a.versions/1/a.md",
            "/site/content/harbour/articles/a.versions/1/a.orig.html",
            "/site/locales/en.toml",
        ] {
            assert!(changes(root, &event(write, path)), "{path}");
            assert!(changes(root, &event(EventKind::Create(CreateKind::File), path)), "{path}");
            assert!(changes(root, &event(EventKind::Remove(RemoveKind::Any), path)), "{path}");
            assert!(changes(root, &event(EventKind::Modify(ModifyKind::Name(RenameMode::To)), path)), "{path}");
            for quiet in [
                EventKind::Access(AccessKind::Open(AccessMode::Any)),
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
            ] {
                assert!(!changes(root, &event(quiet, path)), "{quiet:?} {path}");
            }
        }
        for path in [
            "/site/content/claims.toml.new",
            "/site/content/.claims.toml.tmp-1",
            "/site/content/notes.txt",
            "/site/content/articles/draft.doc",
            "/site/content/articles/sub/a.md",
            "/site/content/harbour/notes.txt",
            "/site/content/harbour/claims.toml.new",
            "/site/output/index.html",
            "/site/.output.record",
            "/site/.git/index",
            "/site/target/x",
            "/site/briefing.toml/x",
            "/elsewhere/content/claims.toml",
            "/site",
            "/site/content/.claims.toml.swp",
            "/site/content/.claims.toml.swx",
            "/site/content/claims.toml~",
            "/site/content/4913",
            "/site/content/.#claims.toml",
            "/site/content/#claims.toml#",
            "/site/content/claims.toml___jb_tmp___",
            "/site/content/claims.toml___jb_old___",
        ] {
            assert!(!changes(root, &event(write, path)), "{path}");
        }
        // A rename names both paths: one source is enough.
        let both = Event::new(EventKind::Modify(ModifyKind::Name(RenameMode::Both)))
            .add_path(PathBuf::from("/site/content/claims.toml___jb_tmp___"))
            .add_path(PathBuf::from("/site/content/claims.toml"));
        assert!(changes(root, &both));
        // A lost track of events is a rebuild.
        assert!(changes(root, &Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan)));
    }

    #[test]
    fn scratch_names() {
        for name in [".a.md.swp", ".a.md.swo", ".a.swn", "a.md~", "4913", "5036", ".DS_Store", "x.kate-swp"] {
            assert!(scratch(name), "{name}");
        }
        for name in ["claims.toml", "a.md", "4913.md", ".well-known", "swp", "a.swp.md", "#", ".swp"] {
            assert!(!scratch(name), "{name}");
        }
    }

    /// A test's message: `Ok(true)` a change, `Ok(false)` nothing, `Err` something else.
    fn seen<T>(m: Result<bool, T>) -> Seen<T> {
        match m {
            Ok(true) => Seen::Change(Vec::new()),
            Ok(false) => Seen::Nothing,
            Err(t) => Seen::Other(t),
        }
    }

    #[test]
    fn a_deleted_source_is_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("claims.toml");
        let (tx, rx) = mpsc::channel::<Seen<()>>();
        let burst = Burst { quiet: Duration::from_millis(10), grace: Duration::from_millis(400), longest: LONGEST };
        // Deleted, then created again 100 ms later: one burst, ending after the creation.
        tx.send(Seen::Change(vec![file.clone()])).unwrap();
        let again = std::thread::spawn({
            let file = file.clone();
            move || {
                std::thread::sleep(Duration::from_millis(100));
                std::fs::write(&file, "x").unwrap();
                tx.send(Seen::Change(Vec::new())).unwrap();
            }
        });
        let start = Instant::now();
        assert!(matches!(burst.wait(&rx, |m| m), Wait::Changed));
        assert!(file.exists(), "the burst ended before the file came back");
        assert!(start.elapsed() < Duration::from_millis(350), "{:?}", start.elapsed());
        again.join().unwrap();
        // Deleted for good: the burst ends after the grace.
        let (tx, rx) = mpsc::channel::<Seen<()>>();
        tx.send(Seen::Change(vec![dir.path().join("gone.md")])).unwrap();
        let start = Instant::now();
        assert!(matches!(burst.wait(&rx, |m| m), Wait::Changed));
        assert!(start.elapsed() >= Duration::from_millis(400));
    }

    #[test]
    fn removals_name_the_sources_that_went() {
        let root = Path::new("/site");
        let gone = event(EventKind::Remove(RemoveKind::File), "/site/content/claims.toml");
        assert_eq!(removed(root, &gone), [PathBuf::from("/site/content/claims.toml")]);
        let away = event(EventKind::Modify(ModifyKind::Name(RenameMode::From)), "/site/content/claims.toml");
        assert_eq!(removed(root, &away).len(), 1);
        let scratch = event(EventKind::Remove(RemoveKind::File), "/site/content/claims.toml~");
        assert!(removed(root, &scratch).is_empty());
        let write = event(EventKind::Modify(ModifyKind::Data(DataChange::Any)), "/site/content/claims.toml");
        assert!(removed(root, &write).is_empty(), "no such file: not an empty one");
    }

    #[test]
    fn an_emptied_source_is_waited_for_like_a_deleted_one() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let claims = root.join("content/claims.toml");
        std::fs::write(&claims, "").unwrap();
        let truncated = Event::new(EventKind::Modify(ModifyKind::Data(DataChange::Any))).add_path(claims.clone());
        assert_eq!(removed(root, &truncated), [claims.clone()]);
        assert!(missing(&claims));
        std::fs::write(&claims, "[[claim]]\n").unwrap();
        assert!(removed(root, &truncated).is_empty() && !missing(&claims));
    }

    /// A source renamed to a backup name beside it and back: the kernel has it back
    /// before the burst reads the rename's events, and an event that is no change (the
    /// backup's side of the rename) came first. The burst ended then, and the rename's
    /// other half started a second rebuild.
    #[test]
    fn a_source_back_before_its_events_waits_for_them() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("claims.toml");
        let (tx, rx) = mpsc::channel::<Seen<()>>();
        let burst = Burst { quiet: Duration::from_millis(50), grace: Duration::from_millis(400), longest: LONGEST };
        tx.send(Seen::Change(vec![file.clone()])).unwrap();
        let back = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            std::fs::write(&file, "x").unwrap();
            tx.send(Seen::Nothing).unwrap();
            std::thread::sleep(Duration::from_millis(20));
            tx.send(Seen::Change(Vec::new())).unwrap();
            tx
        });
        assert!(matches!(burst.wait(&rx, |m| m), Wait::Changed));
        let tx = back.join().unwrap();
        drop(tx);
        assert!(matches!(burst.wait(&rx, |m| m), Wait::Closed), "the rename's other half was left for a second burst");
    }

    #[test]
    fn a_burst_is_one_change_and_quiet_events_are_none() {
        let (tx, rx) = mpsc::channel::<Result<bool, &str>>();
        let burst = Burst { quiet: Duration::from_millis(30), grace: GRACE, longest: Duration::from_millis(500) };
        // Three relevant events 5 ms apart, and noise: one change.
        let sender = std::thread::spawn({
            let tx = tx.clone();
            move || {
                for _ in 0..3 {
                    tx.send(Ok(false)).unwrap();
                    tx.send(Ok(true)).unwrap();
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        });
        assert!(matches!(burst.wait(&rx, |m| seen(m.map_err(|_| ()))), Wait::Changed));
        sender.join().unwrap();
        // Nothing left over that would make a second rebuild: only noise follows.
        tx.send(Ok(false)).unwrap();
        tx.send(Err("stop")).unwrap();
        assert!(matches!(burst.wait(&rx, seen), Wait::Other("stop")));
        drop(tx);
        assert!(matches!(burst.wait(&rx, seen), Wait::Closed));
    }

    #[test]
    fn an_endless_burst_still_rebuilds() {
        let (tx, rx) = mpsc::channel::<Result<bool, ()>>();
        let burst = Burst { quiet: Duration::from_millis(50), grace: GRACE, longest: Duration::from_millis(200) };
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sender = std::thread::spawn({
            let stop = stop.clone();
            move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    if tx.send(Ok(true)).is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        });
        let start = Instant::now();
        assert!(matches!(burst.wait(&rx, seen), Wait::Changed));
        assert!(start.elapsed() < Duration::from_millis(450), "{:?}", start.elapsed());
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        sender.join().unwrap();
    }
}
