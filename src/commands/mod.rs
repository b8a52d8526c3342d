//! The commands: the command line ([`cli`]: `build`, `check`, `new`, `completions`), the
//! editor's loop ([`serve`]), the new site's scaffold ([`scaffold`]) and diagnostics for
//! CI systems ([`annotate`]).

pub mod annotate;
pub mod cli;
pub mod scaffold;
pub mod serve;

/// Whether diagnostics on stderr should be coloured: on a terminal, unless `NO_COLOR` is
/// set.
pub fn color() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Lets a write into a closed pipe end the process quietly, as it ends `cat` or `grep`
/// (`briefing check | head -1`), instead of failing the write: Rust ignores `SIGPIPE`, and
/// `println!` panics on the error that follows. Sockets are not concerned: the server's
/// writes are sent with `MSG_NOSIGNAL`, so a reader that goes away never stops `serve`.
pub fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring a signal's default action, before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
