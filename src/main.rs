//! The `briefing` binary: all the work is in the library.

fn main() {
    briefing::alloc::tune();
    std::process::exit(briefing::commands::cli::run(std::env::args_os()));
}
