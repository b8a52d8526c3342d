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
