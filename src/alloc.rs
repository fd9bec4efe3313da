//! Memory hints: transparent huge pages for the few large tables that are read at random, and
//! prefetches.
//!
//! The string table of a multi-GB load is hundreds of MB probed at random: with 4 KiB pages
//! almost every probe also misses the TLB, which costs most in a VM (two-level page walks).
//! Advising huge pages for those blocks only pays there; vectors that are filled once in order
//! (the events) stay on normal pages, where huge pages would only add compaction time.

use std::sync::atomic::{AtomicBool, Ordering};

/// Blocks smaller than this are never advised (no 2 MiB page fits in them usefully).
pub const HUGE_MIN: usize = 4 << 20;

static ENABLED: AtomicBool = AtomicBool::new(true);

/// Turn the advice off (`HEISEN_NO_HUGEPAGES=1` in the binary, for measuring what it buys).
pub fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

/// Whether huge-page advice is on.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Advise huge pages for the whole pages inside `len` bytes at `p` (Linux; elsewhere, and for
/// blocks under [`HUGE_MIN`], nothing happens).
pub fn advise_huge(p: *const u8, len: usize) {
    #[cfg(target_os = "linux")]
    if !p.is_null() && len >= HUGE_MIN && enabled() {
        const PAGE: usize = 4096;
        let start = (p as usize).next_multiple_of(PAGE);
        let end = (p as usize + len) / PAGE * PAGE;
        // SAFETY: the range lies inside memory the caller owns; the advice changes how pages
        // are backed, never their contents.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (p, len);
}

/// Ask the CPU to start loading the cache line at `p` (a hint: it never faults, so any
/// address will do).
pub fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint and never faults.
    unsafe {
        std::arch::x86_64::_mm_prefetch(p as *const i8, std::arch::x86_64::_MM_HINT_T0);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
