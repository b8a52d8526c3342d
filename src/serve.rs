//! `briefing serve`: the editor's loop. Builds the site into memory, serves it on loopback,
//! watches the sources, rebuilds on change and reloads open pages.
//!
//! Pages are served from memory, never written: the editor's `output/` is not touched,
//! and a rebuild costs no disk writes. When an edit introduces an error, pages keep being
//! served from the last good build with the diagnostics laid over them, so the editor sees
//! what is wrong where they are looking; fixing it brings the page back.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{DebounceEventResult, new_debouncer};

use crate::diag::Report;
use crate::load::Cache;
use crate::markup::escape;
use crate::pipeline::{self, Options};

/// The polling script injected into HTML pages in serve mode only: it reloads the page
/// when the site's version changes. Never part of `build` output.
const RELOAD_SCRIPT: &str = r#"<script>(function(){var v=null;function poll(){fetch("/__briefing/version",{cache:"no-store"}).then(function(r){return r.text()}).then(function(t){if(v===null){v=t}else if(t!==v){location.reload();return}setTimeout(poll,400)}).catch(function(){setTimeout(poll,1000)})}poll()})();</script>"#;

/// Where the reload script asks for the version.
pub const VERSION_PATH: &str = "/__briefing/version";

/// What the server serves: the last good build, and the errors of the latest one.
#[derive(Default)]
pub struct State {
    /// Files of the last good build, by path.
    pub pages: HashMap<String, Arc<Vec<u8>>>,
    /// The diagnostics of the latest build when it failed.
    pub errors: Option<Report>,
    /// Bumped on every rebuild; pages reload when it changes.
    pub version: u64,
}

/// Runs the server until Ctrl-C. Returns the exit code.
pub fn run(root: &Path, base_url: Option<String>, bind: &str, port: u16, quiet: bool) -> i32 {
    let opts =
        Options { root: root.to_path_buf(), output: None, base_url, dry_run: true, check_links: false, suggest: false };
    let state = Arc::new(RwLock::new(State::default()));
    let mut cache = Cache::keeping();
    let memo = crate::render::Memo::new();
    rebuild(&opts, &mut cache, &memo, &state, quiet);

    let listener = match TcpListener::bind((bind, port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {bind}:{port}: {e}");
            return 2;
        }
    };
    let addr = listener.local_addr().map_or_else(|_| format!("{bind}:{port}"), |a| a.to_string());
    {
        let state = Arc::clone(&state);
        thread::spawn(move || accept(listener, state));
    }

    let (tx, rx) = mpsc::channel::<Signal>();
    let ctrl = tx.clone();
    if ctrlc::set_handler(move || {
        let _ = ctrl.send(Signal::Stop);
    })
    .is_err()
    {
        eprintln!("warning: cannot catch Ctrl-C; stop the server with a kill signal");
    }
    let watch_tx = tx.clone();
    let debouncer = new_debouncer(Duration::from_millis(120), move |res: DebounceEventResult| {
        if let Ok(events) = res
            && !events.is_empty()
        {
            let _ = watch_tx.send(Signal::Changed(events.into_iter().map(|e| e.path).collect()));
        }
    });
    let _watcher = match debouncer {
        Ok(mut d) => {
            for path in watched(root) {
                let mode = if path.is_dir() { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
                if let Err(e) = d.watcher().watch(&path, mode) {
                    eprintln!("warning: cannot watch {}: {e}", path.display());
                }
            }
            Some(d)
        }
        Err(e) => {
            eprintln!("warning: cannot watch files ({e}); restart serve after edits");
            None
        }
    };

    // Only now is everything in place: Ctrl-C is caught and edits are watched.
    println!("serving {} at http://{addr}/ (Ctrl-C to stop)", root.display());
    for signal in rx {
        match signal {
            Signal::Stop => break,
            Signal::Changed(paths) => {
                if paths.iter().any(|p| relevant(root, p)) {
                    rebuild(&opts, &mut cache, &memo, &state, quiet);
                }
            }
        }
    }
    if !quiet {
        println!("stopped");
    }
    0
}

enum Signal {
    Stop,
    Changed(Vec<PathBuf>),
}

/// The sources a site is built from.
fn watched(root: &Path) -> Vec<PathBuf> {
    ["content", "themes", "templates", "static", "briefing.toml"]
        .iter()
        .map(|p| root.join(p))
        .filter(|p| p.exists())
        .collect()
}

/// Editors' swap and backup files change all the time and are not sources.
fn relevant(root: &Path, path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let noise = name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".tmp");
    !noise && path.strip_prefix(root).is_ok_and(|rel| !rel.starts_with("output"))
}

/// Builds into memory and publishes the result: the new pages if the build succeeded, the
/// diagnostics (over the last good pages) if it did not.
pub fn rebuild(opts: &Options, cache: &mut Cache, memo: &crate::render::Memo, state: &RwLock<State>, quiet: bool) {
    let start = Instant::now();
    let (mut report, made) = pipeline::make_with(opts, cache, Some(memo));
    report.sort();
    let color = crate::cli::color();
    for d in &report.items {
        if !quiet || d.is_error() {
            eprintln!("{}\n", d.render(color));
        }
    }
    let mut s = state.write().unwrap_or_else(|e| e.into_inner());
    match made {
        Some(made) => {
            s.pages = made.rendered.pages.into_iter().map(|p| (p.path, Arc::new(p.bytes))).collect();
            s.errors = None;
            if !quiet {
                println!("{} in {} ms", if s.version == 0 { "built" } else { "rebuilt" }, start.elapsed().as_millis());
            }
        }
        None => {
            eprintln!("build failed: {} error(s); serving the last good build", report.errors());
            s.errors = Some(report);
        }
    }
    s.version += 1;
}

/// Connections served at once; past that, new ones get 503 at once instead of a thread.
const MAX_CONNECTIONS: usize = 64;
/// How long a client may take to send its request, or to take the response.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest request head accepted.
const MAX_HEAD: usize = 16 * 1024;

/// Accepts connections, one thread each: a slow or stalled client holds its own thread
/// until its timeout, never anyone else's.
fn accept(listener: TcpListener, state: Arc<RwLock<State>>) {
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        if active.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::AcqRel);
            let _ = send(&mut stream, &reply(503, "text/plain; charset=utf-8", b"busy\n".to_vec()), false);
            continue;
        }
        let state = Arc::clone(&state);
        let active = Arc::clone(&active);
        thread::spawn(move || {
            serve_connection(stream, &state);
            active.fetch_sub(1, Ordering::AcqRel);
        });
    }
}

/// Reads one request, answers it, closes the connection.
fn serve_connection(mut stream: TcpStream, state: &RwLock<State>) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return, // closed, or too slow: nothing to answer
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > MAX_HEAD {
            let _ = send(
                &mut stream,
                &reply(431, "text/plain; charset=utf-8", b"request head too large\n".to_vec()),
                false,
            );
            return;
        }
    }
    let line = head.split(|&b| b == b'\r').next().unwrap_or(&[]);
    let line = String::from_utf8_lossy(line);
    let mut parts = line.split(' ');
    let (method, target, version) =
        (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let answer = if !version.starts_with("HTTP/1.") || parts.next().is_some() {
        reply(400, "text/plain; charset=utf-8", b"bad request\n".to_vec())
    } else if method != "GET" && method != "HEAD" {
        let mut r = reply(405, "text/plain; charset=utf-8", b"only GET and HEAD\n".to_vec());
        r.headers.push(("Allow", "GET, HEAD".into()));
        r
    } else {
        respond(target, state)
    };
    let _ = send(&mut stream, &answer, method == "HEAD");
}

/// An HTTP response, before it is sent.
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

fn send(stream: &mut TcpStream, r: &Reply, head_only: bool) -> std::io::Result<()> {
    let reason = match r.status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    };
    let mut out =
        format!("HTTP/1.1 {} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n", r.status, r.body.len());
    for (name, value) in &r.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    stream.write_all(out.as_bytes())?;
    if !head_only {
        stream.write_all(&r.body)?;
    }
    stream.flush()
}

/// The response for a request target.
pub fn respond(url: &str, state: &RwLock<State>) -> Reply {
    let path = url.split(['?', '#']).next().unwrap_or("");
    if path == VERSION_PATH {
        let version = state.read().map(|s| s.version).unwrap_or(0);
        return reply(200, "text/plain; charset=utf-8", version.to_string().into_bytes());
    }
    let Some(key) = site_path(path) else {
        return reply(400, "text/plain; charset=utf-8", b"bad request: the path leaves the site\n".to_vec());
    };
    let s = state.read().unwrap_or_else(|e| e.into_inner());
    if let Some(bytes) = s.pages.get(&key) {
        return file(200, &key, bytes, &s);
    }
    if s.pages.contains_key(&format!("{key}/index.html")) {
        // A folder without its slash: send the browser to the slash form, so that the
        // page's relative links resolve.
        let mut r = reply(301, "text/plain; charset=utf-8", Vec::new());
        r.headers.push(("Location", format!("{path}/")));
        return r;
    }
    match s.pages.get("404.html") {
        Some(bytes) => file(404, "404.html", bytes, &s),
        None if s.errors.is_some() => {
            let page = inject(b"<!DOCTYPE html><title>briefing</title><body></body>", s.errors.as_ref());
            reply(404, "text/html; charset=utf-8", page.into_bytes())
        }
        None => reply(404, "text/plain; charset=utf-8", b"not found\n".to_vec()),
    }
}

/// A file of the site; HTML gets the reload script (and the errors panel, if any).
fn file(status: u16, key: &str, bytes: &[u8], s: &State) -> Reply {
    let kind = content_type(key);
    let body =
        if kind.starts_with("text/html") { inject(bytes, s.errors.as_ref()).into_bytes() } else { bytes.to_vec() };
    reply(status, kind, body)
}

fn reply(status: u16, kind: &str, body: Vec<u8>) -> Reply {
    Reply {
        status,
        headers: vec![
            ("Content-Type", kind.to_string()),
            ("Cache-Control", "no-store".into()),
            ("X-Content-Type-Options", "nosniff".into()),
        ],
        body,
    }
}

/// The site path for a request path: percent-decoded, `/` → `index.html`, `dir/` →
/// `dir/index.html`. `None` for anything that could leave the site (`..`, encoded or not,
/// backslashes, NUL, invalid UTF-8).
pub fn site_path(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(path)?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    let mut key = parts.join("/");
    if key.is_empty() || decoded.ends_with('/') {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Some(key)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type for a file of the site.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Adds the reload script, and the diagnostics panel when the latest build failed.
fn inject(html: &[u8], errors: Option<&Report>) -> String {
    let html = String::from_utf8_lossy(html);
    let mut extra = String::new();
    if let Some(report) = errors {
        extra.push_str(
            "<div id=\"briefing-errors\" role=\"alert\" style=\"position:fixed;inset:0 0 auto 0;max-height:75vh;overflow:auto;\
             z-index:2147483647;background:#2a0f0f;color:#fff;padding:1rem 1.2rem;font:14px/1.45 ui-monospace,monospace;\
             border-bottom:4px solid #e5484d\">",
        );
        extra.push_str(&format!(
            "<p style=\"margin:0 0 .6rem;font-weight:bold\">briefing: the latest edit has {} error{}; this page is the last good build.</p>",
            report.errors(),
            if report.errors() == 1 { "" } else { "s" }
        ));
        for d in report.items.iter().filter(|d| d.is_error()) {
            let place = match (&d.file, d.line_col()) {
                (Some(f), Some((l, c))) => format!("{}:{l}:{c}", f.name),
                (Some(f), None) => f.name.clone(),
                _ => String::new(),
            };
            extra.push_str(&format!(
                "<pre class=\"briefing-error\" data-file=\"{}\" style=\"white-space:pre-wrap;margin:0 0 .8rem\">{}</pre>",
                escape(&place),
                escape(&d.render(false))
            ));
        }
        extra.push_str("</div>");
    }
    extra.push_str(RELOAD_SCRIPT);
    match html.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &html[..i], &html[i..]),
        None => format!("{html}{extra}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_site_are_refused() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(site_path("/claims/a/").as_deref(), Some("claims/a/index.html"));
        assert_eq!(site_path("/style.css").as_deref(), Some("style.css"));
        assert_eq!(site_path("/a%20b.html").as_deref(), Some("a b.html"));
        for bad in ["/../x", "/%2e%2e/x", "/a/%2E%2E/%2e%2e/x", "/a\\..\\x", "/%00", "/%zz", "x", "/%c3%28"] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("feed.xml"), "application/xml");
        assert_eq!(content_type("claims.json"), "application/json");
        assert_eq!(content_type("x"), "application/octet-stream");
    }
}
