//! One link, asked about over HTTP: HEAD first, GET when a server refuses HEAD, every
//! redirect followed by hand (so that the chain can be reported and a loop caught), and
//! failures that may pass (a timeout, a reset, a 5xx, a 429) tried again a bounded number
//! of times.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ureq::Agent;

/// How a link was checked.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// The longest a request may take, start to end.
    pub timeout: Duration,
    /// How many times a failure that may pass is tried again.
    pub retries: u32,
    /// The pause before the first retry; doubled for each next one.
    pub backoff: Duration,
}

/// The most redirects followed before a chain is called a loop.
const MAX_REDIRECTS: usize = 10;

/// What asking about a link gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// The page is there (a 2xx), after the redirects in `chain` (empty: none).
    Alive {
        /// Each address redirected to, in order, with the status that sent there.
        chain: Vec<(u16, String)>,
    },
    /// The server refused to say (401, 403, 429): not known to be dead.
    Refused {
        /// The status.
        status: u16,
    },
    /// The link is dead: why, and the chain of redirects before.
    Dead {
        /// What went wrong, for the message.
        why: String,
        /// Each address redirected to, in order.
        chain: Vec<(u16, String)>,
        /// Whether asking again soon would give the same answer (a 404, a loop, a name
        /// that does not resolve), or may not (a timeout, a dropped connection, a 5xx):
        /// only a lasting answer is kept for the next run.
        lasting: bool,
    },
}

/// An agent for probing: no redirects followed by it, no status an error, the timeout.
pub fn agent(settings: &Settings) -> Agent {
    Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(settings.timeout))
        .user_agent(concat!("briefing/", env!("CARGO_PKG_VERSION"), " (link check)"))
        .build()
        .new_agent()
}

/// Asks about `url`, following redirects and trying again what may pass.
pub fn probe(agent: &Agent, url: &str, settings: &Settings) -> Answer {
    let mut chain: Vec<(u16, String)> = Vec::new();
    // As a browser sends it: non-ASCII percent-encoded, dot segments removed.
    let mut at = url::Url::parse(url).map_or_else(|_| url.to_string(), String::from);
    let start = at.clone();
    loop {
        let step = with_retries(settings, || ask(agent, &at));
        let lasting = !step.may_pass();
        match step {
            Step::Status(s) if (200..300).contains(&s) => return Answer::Alive { chain },
            Step::Status(s @ (401 | 403 | 429)) => return Answer::Refused { status: s },
            Step::Status(s) => return Answer::Dead { why: describe(s), chain, lasting },
            Step::Failed(why) => return Answer::Dead { why, chain, lasting },
            Step::Redirect(status, to) => {
                let next = join(&at, &to);
                if next == start || chain.iter().any(|(_, seen)| *seen == next) {
                    let why = format!("its redirects go round in a loop (back to {next})");
                    chain.push((status, next));
                    return Answer::Dead { why, chain, lasting: true };
                }
                chain.push((status, next.clone()));
                if chain.len() > MAX_REDIRECTS {
                    let why = format!("more than {MAX_REDIRECTS} redirects");
                    return Answer::Dead { why, chain, lasting: true };
                }
                at = next;
            }
        }
    }
}

/// One request's outcome.
#[derive(Debug)]
enum Step {
    Status(u16),
    Redirect(u16, String),
    Failed(String),
}

impl Step {
    /// Whether trying again may give another answer.
    fn may_pass(&self) -> bool {
        match self {
            Step::Status(s) => *s == 429 || (500..600).contains(s),
            Step::Failed(why) => why.starts_with("no answer") || why.starts_with("the connection"),
            Step::Redirect(..) => false,
        }
    }
}

fn with_retries(settings: &Settings, mut ask: impl FnMut() -> Step) -> Step {
    let mut step = ask();
    let mut pause = settings.backoff;
    for _ in 0..settings.retries {
        if !step.may_pass() {
            break;
        }
        std::thread::sleep(pause);
        pause *= 2;
        step = ask();
    }
    step
}

/// HEAD, then GET when the server will not answer HEAD (405, 501, and the 400 and 403
/// that some servers give it).
fn ask(agent: &Agent, url: &str) -> Step {
    match request(agent, url, true) {
        Step::Status(400 | 403 | 405 | 501) => request(agent, url, false),
        // Some servers drop the connection on HEAD.
        Step::Failed(why) if why.starts_with("the connection failed") => request(agent, url, false),
        other => other,
    }
}

fn request(agent: &Agent, url: &str, head: bool) -> Step {
    let response = if head { agent.head(url).call() } else { agent.get(url).call() };
    match response {
        Ok(r) => {
            let status = r.status().as_u16();
            let location = r.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_string);
            match (status, location) {
                (300..=399, Some(to)) => Step::Redirect(status, to),
                _ => Step::Status(status),
            }
        }
        Err(e) => Step::Failed(failure(&e, url.starts_with("https:"))),
    }
}

/// What a name that does not resolve is told: a lasting answer, unless no name did (see
/// `external::check`).
pub const NO_HOST: &str = "no such host (the name does not resolve)";

/// A failure in words an editor can act on. Over https, data the client cannot read is
/// the TLS layer's complaint (rustls reports it as invalid data).
fn failure(e: &ureq::Error, https: bool) -> String {
    use ureq::Error as E;
    match e {
        E::Timeout(_) => "no answer within the timeout".to_string(),
        E::HostNotFound => NO_HOST.to_string(),
        E::ConnectionFailed => "the connection was refused".to_string(),
        E::Tls(why) => format!("TLS failed: {why}"),
        E::Rustls(why) => format!("TLS failed: {why}"),
        E::Io(io) if https && io.kind() == std::io::ErrorKind::InvalidData => format!("TLS failed: {io}"),
        // The system's resolver, as std reports it: the name does not resolve.
        E::Io(io) if io.to_string().contains("failed to lookup address") => NO_HOST.to_string(),
        E::Io(io) => format!("the connection failed: {io}"),
        other if format!("{other:?}").to_ascii_lowercase().contains("tls") => format!("TLS failed: {other}"),
        E::BadUri(why) => format!("not a usable address: {why}"),
        other => format!("the connection failed: {other}"),
    }
}

fn describe(status: u16) -> String {
    let name = match status {
        404 => "Not Found",
        410 => "Gone",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    };
    match name {
        "" => format!("the server answers {status}"),
        name => format!("the server answers {status} {name}"),
    }
}

/// `to` (a `Location`) resolved against `from`, as a browser resolves it.
fn join(from: &str, to: &str) -> String {
    url::Url::parse(from).and_then(|base| base.join(to)).map_or_else(|_| to.to_string(), String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_against_the_page() {
        assert_eq!(join("http://a.org/x/y", "https://b.org/z"), "https://b.org/z");
        assert_eq!(join("http://a.org/x/y", "/z"), "http://a.org/z");
        assert_eq!(join("http://a.org/x/y", "z"), "http://a.org/x/z");
        assert_eq!(join("https://a.org", "//c.org/q"), "https://c.org/q");
        assert_eq!(join("http://a.org/dir/page", "../ok/p"), "http://a.org/ok/p");
        assert_eq!(join("http://a.org/a/b/loc?l=../../t/1", "../../t/1"), "http://a.org/t/1");
        assert_eq!(join("http://a.org/a/b/loc", "?page=2"), "http://a.org/a/b/loc?page=2");
        assert_eq!(join("http://a.org/a", "/ok/é"), "http://a.org/ok/%C3%A9");
    }
}
