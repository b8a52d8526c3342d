//! The `briefing` binary: all the work is in the library.

fn main() {
    briefing::alloc::tune();
    briefing::commands::quiet_on_closed_pipe();
    std::process::exit(briefing::commands::cli::run(std::env::args_os()));
}
