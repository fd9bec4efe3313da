//! The `heisen` binary.

#[global_allocator]
static ALLOC: heisen::alloc::HugePageAlloc = heisen::alloc::HugePageAlloc;

fn main() {
    // Like other Unix tools, end quietly when the reader of stdout goes away (`| head`).
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::exit(heisen::cli::run());
}
