//! The `heisen` binary.

fn main() {
    std::process::exit(heisen::cli::run());
}
