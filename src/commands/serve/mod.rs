//! `briefing serve`: the editor's loop. Builds the site into memory, serves it, watches the
//! sources, rebuilds once per save and pushes a reload to every open page.
//!
//! Pages are served from memory, never written: the editor's `output/` is not touched,
//! and a rebuild costs no disk writes. When an edit introduces an error, pages keep being
//! served from the last good build with the diagnostics laid over them, so the editor sees
//! what is wrong where they are looking; fixing it brings the page back.
//!
//! - [`watch`]: which events are saves, and when a burst of them is over;
//! - [`http`]: the server, the reload channel and the errors panel;
//! - this module: the loop that joins them, and how the server is reached (the port, the
//!   address, the browser).

pub mod http;
pub mod pages;
pub mod watch;

use std::borrow::Cow;
use std::collections::HashSet;
use std::net::{IpAddr, TcpListener};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use crate::commands::Show;
use crate::model::diag::{Diagnostic, Report};
use crate::pipeline::{self, Memory, Options};

pub use http::{State, VERSION_PATH, content_type, respond, site_path};

/// The port `serve` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8000;

/// How many ports after the default are tried when it is busy.
const PORTS_TRIED: u16 = 50;

/// How `serve` was asked to run.
#[derive(Debug, Clone)]
pub struct Serve {
    /// The site's folder, as given.
    pub root: PathBuf,
    /// Overrides `base_url` from `briefing.toml`.
    pub base_url: Option<String>,
    /// The `claims.json` last published (the output's own when `None`).
    pub published: Option<PathBuf>,
    /// The address to listen on.
    pub bind: String,
    /// The port asked for; `None` for the default, which moves on to the next free one.
    pub port: Option<u16>,
    /// Open the site in the browser once it is served.
    pub open: bool,
    /// Which diagnostics to print.
    pub show: Show,
}

/// What the server publishes and the loop updates: the site, and a signal for the pages
/// that wait for the next version.
pub struct Shared {
    /// The site being served.
    pub state: RwLock<State>,
    /// Notified on every new version; the reload channel waits on it.
    pub bumped: Condvar,
    /// The lock [`Shared::bumped`] is used with.
    pub bump_lock: Mutex<()>,
}

impl Shared {
    fn new() -> Self {
        Shared { state: RwLock::new(State::default()), bumped: Condvar::new(), bump_lock: Mutex::new(()) }
    }
}

enum Signal {
    Stop,
    Event(notify::Event),
}

/// Runs the server until Ctrl-C. Returns the exit code: 2 when the server cannot start
/// (no site, a busy port asked for, a bad `--base-url`), else 0.
pub fn run(args: &Serve) -> i32 {
    // A long-lived process that rebuilds in place: see `alloc.rs`.
    crate::alloc::for_a_server();
    let opts = Options {
        root: args.root.clone(),
        output: None,
        base_url: args.base_url.clone(),
        published: args.published.clone(),
        // The editor sees the work in progress, each draft marked as one.
        drafts: true,
        dry_run: true,
        check_links: false,
        suggest: false,
        ..Options::default()
    };
    let fail = |code: &'static str, msg: String, help: &str| {
        eprintln!("{}", Diagnostic::error(code, msg).help(help).render(crate::commands::color()));
        2
    };
    if let Err(d) = pipeline::check_root(&args.root) {
        eprintln!("{}", d.render(crate::commands::color()));
        return 2;
    }
    // The port first, so that a busy one fails at once, not after the first build.
    let listener = match listen(&args.bind, args.port) {
        Ok(l) => l,
        Err(msg) => return fail("usage", msg, "`briefing serve --help` lists --port and --bind"),
    };
    // Then the watcher, so that an edit made during the first build is not missed.
    let (tx, rx) = mpsc::channel::<Signal>();
    let mut watcher = start_watching(&args.root, tx);
    let shared = Arc::new(Shared::new());
    let mut memory = Memory::new();
    let mut warned = Warned::new();
    // A site that cannot be read at all, or a bad option, is the command's error, as
    // with `build`; an error in the content is shown in the page until it is fixed.
    if rebuild(&opts, &mut memory, &shared, &mut warned, args.show) == 2 {
        eprintln!("serve stopped: fix the errors above and run it again");
        return 2;
    }
    // Said once the site is known to build: a site that cannot be read stops serve with
    // its errors alone.
    let port = listener.local_addr().map_or(0, |a| a.port());
    if args.port.is_none() && port != DEFAULT_PORT {
        eprintln!("note: port {DEFAULT_PORT} is busy; using {port}");
    }
    let url = format!("http://{}/", shown(&listener, &args.bind));
    {
        let shared = Arc::clone(&shared);
        thread::spawn(move || http::accept(listener, shared));
    }
    println!("serving {} at {url} (Ctrl-C to stop)", args.root.display());
    if let Some(warning) = exposure(&args.bind) {
        eprintln!("{warning}");
    }
    if args.open {
        // On a thread of its own: whether the browser started is known only after a
        // while (see `BROWSER_WATCH`), and saves are served meanwhile.
        let url = url.clone();
        thread::spawn(move || {
            if let Err(e) = open_browser(&url) {
                eprintln!("warning: cannot open a browser ({e}); open {url} yourself, or set $BROWSER");
            }
        });
    }
    let burst = watch::Burst::default();
    loop {
        let waited = burst.wait(&rx, |signal| match (signal, watcher.as_mut()) {
            (Signal::Stop, _) => watch::Seen::Other(()),
            (Signal::Event(event), Some(w)) => w.see(&event),
            (Signal::Event(_), None) => watch::Seen::Nothing,
        });
        match waited {
            watch::Wait::Changed => {
                memory.changed(watcher.as_mut().and_then(watch::Watch::take_changed));
                rebuild(&opts, &mut memory, &shared, &mut warned, args.show);
            }
            watch::Wait::Other(()) | watch::Wait::Closed => break,
        }
    }
    if !args.show.quiet {
        println!("stopped");
    }
    // The site in memory and the watcher's thread need no tidying on the way out: at
    // 10,000 articles freeing them would hold the exit up for a second.
    std::mem::forget((watcher, memory, shared));
    0
}

/// Catches Ctrl-C and watches the site at `root`, both sending to `tx`.
fn start_watching(root: &std::path::Path, tx: mpsc::Sender<Signal>) -> Option<watch::Watch> {
    let ctrl = tx.clone();
    if ctrlc::set_handler(move || {
        let _ = ctrl.send(Signal::Stop);
    })
    .is_err()
    {
        eprintln!("warning: cannot catch Ctrl-C; stop the server with a kill signal");
    }
    match watch::Watch::new(root, move |e| {
        let _ = tx.send(Signal::Event(e));
    }) {
        Ok(w) => Some(w),
        Err(e) => {
            eprintln!("warning: cannot watch files ({e}); restart serve after edits");
            None
        }
    }
}

/// The address to print and open: the one listened on, or, for an address that means
/// every interface (`0.0.0.0`, `::`), this machine's loopback on the same port.
fn shown(listener: &TcpListener, bind: &str) -> String {
    match listener.local_addr() {
        Ok(a) if a.ip().is_unspecified() => {
            let ip: IpAddr = if a.is_ipv4() { [127, 0, 0, 1].into() } else { std::net::Ipv6Addr::LOCALHOST.into() };
            browsable(&std::net::SocketAddr::new(ip, a.port()).to_string())
        }
        Ok(a) => browsable(&a.to_string()),
        Err(_) => bind.to_string(),
    }
}

/// The listener: on the port asked for, or on the first free one from the default.
fn listen(bind: &str, port: Option<u16>) -> Result<TcpListener, String> {
    let ip: IpAddr = match bind {
        "localhost" => IpAddr::from([127, 0, 0, 1]),
        _ => bind.parse().map_err(|_| format!("`{bind}` is not an IP address; --bind takes one, such as 0.0.0.0"))?,
    };
    let busy = |e: &std::io::Error| e.kind() == std::io::ErrorKind::AddrInUse;
    match port {
        Some(port) => TcpListener::bind((ip, port)).map_err(|e| {
            let help = if busy(&e) { "; leave out --port to take the next free one, or pass --port 0" } else { "" };
            format!("cannot listen on {}: {e}{help}", browsable(&format!("{ip}:{port}")))
        }),
        None => {
            let last = DEFAULT_PORT + PORTS_TRIED;
            for port in DEFAULT_PORT..last {
                match TcpListener::bind((ip, port)) {
                    Ok(l) => return Ok(l),
                    Err(e) if busy(&e) => continue,
                    Err(e) => return Err(format!("cannot listen on {ip}:{port}: {e}")),
                }
            }
            // Every one busy: let the system pick.
            TcpListener::bind((ip, 0)).map_err(|e| format!("cannot listen on {ip}: {e}"))
        }
    }
}

/// How long a browser command is watched once started. One that fails does so at once
/// (`xdg-open` with no display exits 3 within milliseconds); one still running after this
/// is taken to have opened the page, as is one that exits well.
const BROWSER_WATCH: Duration = Duration::from_secs(3);

/// Opens `url` in `$BROWSER`, else in the system's default browser. `$BROWSER` is read
/// as other tools read it: commands separated by `:`, each tried in turn, with its own
/// arguments (`firefox --new-window`), and `%s` where the address goes (after them, if
/// none). opener takes the whole value for a program's name. A command that starts but
/// exits with a failure within `BROWSER_WATCH` counts as not opened, so the next is
/// tried and the editor is told: opener spawns `xdg-open` without looking at how it
/// ends, and `--open` over SSH said nothing while no page opened.
fn open_browser(url: &str) -> Result<(), String> {
    let browser = std::env::var("BROWSER").ok().filter(|b| !b.trim().is_empty());
    let Some(browser) = browser.or_else(default_browser) else {
        if free_unix() && !wsl() {
            // opener's fallback there runs a copy of xdg-open whose failure it never sees.
            return Err("no xdg-open on PATH".into());
        }
        return opener::open_browser(url).map_err(|e| e.to_string());
    };
    let mut failed = Vec::new();
    for command in browser.split(':').filter(|c| !c.trim().is_empty()) {
        let mut words: Vec<String> = command.split_whitespace().map(|w| w.replace("%s", url)).collect();
        if !command.contains("%s") {
            words.push(url.to_string());
        }
        let spawned = std::process::Command::new(&words[0])
            .args(&words[1..])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .spawn();
        match spawned.map_err(|e| e.to_string()).and_then(watch_browser) {
            Ok(()) => return Ok(()),
            Err(e) => failed.push(format!("`{}`: {e}", command.trim())),
        }
    }
    Err(failed.join("; "))
}

/// The system's opener where briefing can see how it ends: `xdg-open` on the free
/// Unixes, when it is on `PATH`. Elsewhere (macOS, Windows, WSL without it) opener's own.
fn default_browser() -> Option<String> {
    if !free_unix() {
        return None;
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).any(|d| d.join("xdg-open").is_file()).then(|| "xdg-open".to_string())
}

/// Whether the system opens addresses with `xdg-open`: Unix, not macOS.
fn free_unix() -> bool {
    cfg!(unix) && !cfg!(target_os = "macos")
}

/// Whether this is Linux under WSL, where opener hands the address to Windows.
fn wsl() -> bool {
    std::env::var_os("WSL_DISTRO_NAME").is_some()
        || std::path::Path::new("/proc/sys/fs/binfmt_misc/WSLInterop").exists()
}

/// Waits up to `BROWSER_WATCH` for `child` to fail; a child still running is left to a
/// thread that reaps it when it ends.
fn watch_browser(mut child: std::process::Child) -> Result<(), String> {
    let start = Instant::now();
    while start.elapsed() < BROWSER_WATCH {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(status.to_string()),
            Ok(None) => thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(e.to_string()),
        }
    }
    thread::spawn(move || child.wait());
    Ok(())
}

/// An address as a browser takes it: IPv6 in brackets.
fn browsable(addr: &str) -> String {
    match addr.parse::<std::net::SocketAddr>() {
        Ok(std::net::SocketAddr::V6(a)) => format!("[{}]:{}", a.ip(), a.port()),
        _ => addr.to_string(),
    }
}

/// The warning for a server that other machines can reach.
fn exposure(bind: &str) -> Option<String> {
    let ip: IpAddr = if bind == "localhost" { return None } else { bind.parse().ok()? };
    (!ip.is_loopback()).then(|| {
        format!(
            "warning: listening on {}: the preview, drafts included, is reachable from other machines on \
             your network; use it only on a network you trust",
            // `::` in brackets, as in an address: "listening on :::" read as a typo.
            if ip.is_ipv6() { format!("[{bind}]") } else { bind.to_string() }
        )
    })
}

/// Builds into memory and publishes the result: the new pages if the build succeeded, the
/// diagnostics (over the last good pages) if it did not. Every call is one new version.
/// Pages whose inputs did not change are shared with the last version (see [`pages`]).
/// Returns the exit code the build's diagnostics call for.
pub fn rebuild(opts: &Options, memory: &mut Memory, shared: &Shared, warned: &mut Warned, show: Show) -> i32 {
    let start = Instant::now();
    let (last, fresh) = {
        let state = shared.state.read().unwrap_or_else(|e| e.into_inner());
        (Arc::clone(&state.pages), state.version > 0)
    };
    let next = pages::Next::after(&last);
    let (mut report, made) = pipeline::make_in(opts, memory, &next);
    let change = next.change();
    report.sort();
    let (code, warnings) = (report.exit_code(), report.warnings());
    print_report(&report, warned, show, fresh);
    let version = {
        let mut s = shared.state.write().unwrap_or_else(|e| e.into_inner());
        match made {
            Some(made) => {
                // For profiling, as with `build`: each stage's time.
                if std::env::var_os("BRIEFING_TIMINGS").is_some() {
                    for (stage, t) in &made.timings {
                        eprintln!("  {stage:<9} {:>8.1} ms", t.as_secs_f64() * 1000.0);
                    }
                }
                // The last version is given up here (no request holds it outside the
                // lock), so that its map is changed in place, not copied.
                let old = std::mem::take(&mut s.pages);
                drop(last);
                s.pages = Arc::new(match Arc::try_unwrap(old) {
                    Ok(owned) => change.apply(Cow::Owned(owned)),
                    Err(shared) => change.apply(Cow::Borrowed(&*shared)),
                });
                s.errors = None;
            }
            None => s.errors = Some(report),
        }
        s.version += 1;
        (s.version, s.errors.as_ref().map(Report::errors))
    };
    {
        let _guard = shared.bump_lock.lock().unwrap_or_else(|e| e.into_inner());
        shared.bumped.notify_all();
    }
    // The new version is out: what the next build can do ahead is done while the editor
    // reads it.
    memory.prepare();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    match version {
        // A site that cannot be read at all stops serve (see `run`): no page will show them.
        (1, Some(errors)) if code == 2 => eprintln!("build failed: {errors} error{}", plural(errors)),
        (1, Some(errors)) => {
            eprintln!("build failed: {errors} error{}; the page shows them until fixed", plural(errors))
        }
        (_, Some(errors)) => {
            eprintln!("build failed: {errors} error{}; serving the last good build", plural(errors))
        }
        (v, None) if !show.quiet => {
            // As `build` ends its line: the site's warnings in all, new or not (each is
            // printed once, when it first appears).
            let warn = match warnings {
                0 => String::new(),
                n => format!("; {n} warning{}", plural(n)),
            };
            println!("{} in {} ms{warn}", if v == 1 { "built" } else { "rebuilt" }, start.elapsed().as_millis())
        }
        _ => {}
    }
    code
}

/// The warnings of the latest build, each by a hash of what it says, so that each is
/// printed once, when it first appears: a site with hundreds of warnings would otherwise
/// bury each rebuild's errors under them. (Hashed, not rendered: rendering 800 warnings
/// on every rebuild only to compare them cost milliseconds.)
pub type Warned = HashSet<u64>;

/// Prints every error, and the warnings not printed before (none when quiet), the first
/// few of each code in full and the rest counted, as `build` prints them; `fresh`: a
/// rebuild, whose count says the warnings are new.
fn print_report(report: &Report, warned: &mut Warned, show: Show, fresh: bool) {
    use std::hash::{Hash, Hasher};
    let mut now = Warned::with_capacity(warned.len());
    let mut new = Vec::new();
    for d in &report.items {
        if d.is_error() {
            new.push(d);
            continue;
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        // Not its place in the file: a warning that a line added above it moved is the
        // same warning, not a new one.
        let label = d.primary.as_ref().map(|l| &l.text);
        (d.code, &d.message, d.file.as_ref().map(|f| &f.name), label, &d.notes, &d.help).hash(&mut h);
        let key = h.finish();
        if !warned.contains(&key) {
            new.push(d);
        }
        now.insert(key);
    }
    crate::commands::print_diagnostics(new, show, fresh);
    // A failed build may stop before some checks (a syntax error stops all): what it did
    // not say is not gone, and is not new once the error is fixed.
    if report.has_errors() {
        warned.extend(now);
    } else {
        *warned = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_asked_port_fails_and_a_bad_address_is_named() {
        // Hold a port, then ask for the default as if it were that port's turn.
        let held = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = held.local_addr().unwrap().port();
        let err = listen("127.0.0.1", Some(port)).unwrap_err();
        assert!(err.contains("leave out --port"), "{err}");
        assert!(listen("127.0.0.1", Some(0)).is_ok());
        assert!(listen("nonsense", None).unwrap_err().contains("--bind"));
    }

    #[test]
    fn outside_addresses_are_warned_about() {
        assert!(exposure("127.0.0.1").is_none());
        assert!(exposure("::1").is_none());
        assert!(exposure("localhost").is_none());
        assert!(exposure("0.0.0.0").unwrap().contains("reachable from other machines"));
        assert!(exposure("192.168.1.5").is_some());
        assert_eq!(browsable("[::1]:8000"), "[::1]:8000");
        assert_eq!(browsable("127.0.0.1:8000"), "127.0.0.1:8000");
    }
}
