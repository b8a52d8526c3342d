//! The server of `briefing serve`: the site from memory, a reload channel, and the errors
//! panel laid over pages while the latest edit is broken.
//!
//! Plain std: GET and HEAD only, one thread and a timeout per connection, so no slow
//! client can hold a shared worker. Pages learn of a new version through Server-Sent
//! Events ([`EVENTS_PATH`]): pushed, so a save reloads the page as soon as the rebuild is
//! done, instead of at the next poll.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::thread;
use std::time::Duration;

use super::Shared;
use super::pages::{Body, Files};
use crate::model::diag::Report;
use crate::model::markup::escape;

/// The reload script injected into HTML pages in serve mode only, never part of `build`
/// output. It knows the version its page was served from, and reloads when the server
/// announces another one: a page served just after a rebuild never reloads for it, and a
/// page open while the server restarts reloads once it is back.
fn reload_script(version: u64) -> String {
    let version = tagged(version);
    format!(
        "<script>(function(){{var v=\"{version}\";var s=new EventSource(\"{EVENTS_PATH}\");\
         s.onmessage=function(e){{if(e.data!==v){{s.close();location.reload()}}}}}})();</script>"
    )
}

/// A version as pages see it: the server's start time, then the rebuild count, so that a
/// page left open while the server restarted reloads even when the counts agree.
fn tagged(version: u64) -> String {
    static RUN: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    let run = RUN
        .get_or_init(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    format!("{run:x}.{version}")
}

/// Where a test or a tool reads the site's version: a counter bumped by every rebuild.
pub const VERSION_PATH: &str = "/__briefing/version";

/// Where pages listen for new versions (Server-Sent Events).
pub const EVENTS_PATH: &str = "/__briefing/events";

/// How often an idle event stream sends a comment, so that a closed tab's connection is
/// noticed and its thread ends.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// What the server serves: the last good build, and the errors of the latest one.
#[derive(Default)]
pub struct State {
    /// Files of the last good build, by path.
    pub pages: Arc<Files>,
    /// The diagnostics of the latest build when it failed.
    pub errors: Option<Report>,
    /// Bumped on every rebuild; pages reload when it changes.
    pub version: u64,
}

/// Connections served at once; past that, new ones get 503 at once instead of a thread.
const MAX_CONNECTIONS: usize = 64;
/// Open pages listening for new versions at once. They are counted apart from
/// [`MAX_CONNECTIONS`]: each holds its connection for as long as the page is open, and
/// should not leave requests without a slot.
const MAX_STREAMS: usize = 256;
/// How long a client may take to send its request, or to take the response.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest request head accepted.
const MAX_HEAD: usize = 16 * 1024;

/// Accepts connections, one thread each: a slow or stalled client holds its own thread
/// until its timeout, never anyone else's.
pub fn accept(listener: TcpListener, shared: Arc<Shared>) {
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        if active.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::AcqRel);
            let _ = send(&mut stream, &reply(503, "text/plain; charset=utf-8", b"busy\n".to_vec()), false);
            continue;
        }
        let shared = Arc::clone(&shared);
        let active = Arc::clone(&active);
        thread::spawn(move || {
            serve_connection(stream, &shared, &active);
            active.fetch_sub(1, Ordering::AcqRel);
        });
    }
}

/// Reads one request, answers it, closes the connection.
fn serve_connection(mut stream: TcpStream, shared: &Shared, active: &AtomicUsize) {
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
    } else if target.split('?').next() == Some(EVENTS_PATH) && method == "GET" {
        return streaming(active, || events(stream, shared));
    } else {
        respond(target, &shared.state)
    };
    let _ = send(&mut stream, &answer, method == "HEAD");
}

/// Runs `stream` in a slot of the [`MAX_STREAMS`] rather than of the [`MAX_CONNECTIONS`]
/// that `active` counts; past them, the connection is closed (and the page's
/// `EventSource` tries again).
fn streaming(active: &AtomicUsize, stream: impl FnOnce()) {
    static STREAMS: AtomicUsize = AtomicUsize::new(0);
    if STREAMS.fetch_add(1, Ordering::AcqRel) < MAX_STREAMS {
        active.fetch_sub(1, Ordering::AcqRel);
        stream();
        active.fetch_add(1, Ordering::AcqRel);
    }
    STREAMS.fetch_sub(1, Ordering::AcqRel);
}

/// Streams the site's version to a page: at once, then on every rebuild, with a comment
/// every [`HEARTBEAT`] so that a closed tab ends its thread. Ends when the page goes.
fn events(mut stream: TcpStream, shared: &Shared) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 300\n\n";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let current = || shared.state.read().map(|s| s.version).unwrap_or_else(|e| e.into_inner().version);
    let mut sent = None;
    loop {
        let version = current();
        let message =
            if sent != Some(version) { format!("data: {}\n\n", tagged(version)) } else { ": idle\n\n".into() };
        if stream.write_all(message.as_bytes()).and_then(|()| stream.flush()).is_err() {
            return;
        }
        sent = Some(version);
        let guard = shared.bump_lock.lock().unwrap_or_else(|e| e.into_inner());
        // A version made between the read above and this wait is seen on waking, at the
        // latest after one heartbeat; the rebuild notifies under this lock, so it is not.
        if current() == version {
            let _ = shared.bumped.wait_timeout(guard, HEARTBEAT);
        }
    }
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
    if let Some(f) = s.pages.get(&key) {
        return file(200, &key, &f.bytes, &s);
    }
    if s.pages.contains_key(&format!("{key}/index.html")) {
        // A folder without its slash: send the browser to the slash form, so that the
        // page's relative links resolve.
        let mut r = reply(301, "text/plain; charset=utf-8", Vec::new());
        r.headers.push(("Location", format!("{path}/")));
        return r;
    }
    match s.pages.get("404.html") {
        Some(f) => file(404, "404.html", &f.bytes, &s),
        None if s.errors.is_some() => {
            let page = inject(b"<!DOCTYPE html><title>briefing</title><body></body>", &s, None);
            reply(404, "text/html; charset=utf-8", page.into_bytes())
        }
        None => reply(404, "text/plain; charset=utf-8", b"not found\n".to_vec()),
    }
}

/// A file of the site; HTML gets the reload script (and the errors panel, if any).
fn file(status: u16, key: &str, bytes: &Body, s: &State) -> Reply {
    let kind = content_type(key);
    let body = if kind.starts_with("text/html") {
        inject(&bytes.joined(), s, Some(key)).into_bytes()
    } else {
        bytes.joined().into_owned()
    };
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

/// Adds the reload script (for the version the page comes from), and the diagnostics
/// panel when the latest build failed. `page` is the file shown, if it is one of the
/// site's (`None` for the blank page shown before any build succeeded).
fn inject(html: &[u8], s: &State, page: Option<&str>) -> String {
    let (errors, version) = (s.errors.as_ref(), s.version);
    let html = String::from_utf8_lossy(html);
    let mut extra = String::new();
    if let Some(report) = errors {
        extra.push_str(
            "<div id=\"briefing-errors\" role=\"alert\" style=\"position:fixed;inset:0 0 auto 0;max-height:75vh;overflow:auto;\
             z-index:2147483647;background:#2a0f0f;color:#fff;padding:1rem 1.2rem;font:14px/1.45 ui-monospace,monospace;\
             border-bottom:4px solid #e5484d\">",
        );
        let (n, plural) = (report.errors(), if report.errors() == 1 { "" } else { "s" });
        let headline = match page {
            Some(_) => format!("the latest edit has {n} error{plural}; this page is the last good build."),
            None if s.pages.is_empty() => {
                format!("the site has {n} error{plural}; its pages show here once they are fixed.")
            }
            None => format!("the latest edit has {n} error{plural}; the last good build has no such page."),
        };
        extra.push_str(&format!("<p style=\"margin:0 0 .6rem;font-weight:bold\">briefing: {headline}</p>"));
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
    extra.push_str(&reload_script(version));
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
