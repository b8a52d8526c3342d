//! The commands: the command line ([`cli`]: `build`, `check`, `new`, `completions`), the
//! editor's loop ([`serve`]), the new site's scaffold ([`scaffold`]) and diagnostics for
//! CI systems ([`annotate`]).

pub mod annotate;
pub mod cli;
pub mod scaffold;
pub mod serve;

use crate::model::diag::{self, Diagnostic};

/// Whether diagnostics on stderr should be coloured: on a terminal, unless `NO_COLOR` is
/// set.
pub fn color() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// What a person asked to read of the diagnostics, on the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Show {
    /// Errors only (`-q`): no warnings, no summary line.
    pub quiet: bool,
    /// Every warning in full (`--all-warnings`), not only the first few of each code.
    pub all_warnings: bool,
}

/// Prints `items` on stderr for a person: errors always; warnings unless quiet, the first
/// few of each code in full and the rest counted ([`diag::folded`]; `fresh`: the items
/// are the warnings new since the last rebuild).
pub fn print_diagnostics<'a>(items: impl IntoIterator<Item = &'a Diagnostic>, show: Show, fresh: bool) {
    let color = color();
    let items = items.into_iter().filter(|d| d.is_error() || !show.quiet);
    for d in diag::folded(items, show.all_warnings, fresh) {
        eprintln!("{}\n", d.render(color));
    }
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
