//! A global allocator that asks the kernel for transparent huge pages on large allocations.
//!
//! The store of a multi-GB load is a few large vectors and hash tables that are filled once and
//! then read at random. With 4 KiB pages, filling them costs one page fault per page and reading
//! them misses the TLB on almost every access; `MADV_HUGEPAGE` on the big blocks cuts both by
//! 512×. Small allocations go to the system allocator untouched. The binary installs it; the
//! library never does.

use std::alloc::{GlobalAlloc, Layout, System};

/// Allocations of at least this many bytes are advised to use huge pages.
pub const HUGE_MIN: usize = 4 << 20;

/// [`System`], plus `madvise(MADV_HUGEPAGE)` on blocks of [`HUGE_MIN`] bytes or more.
pub struct HugePageAlloc;

fn advise(p: *mut u8, size: usize) {
    #[cfg(target_os = "linux")]
    if !p.is_null() && size >= HUGE_MIN {
        const PAGE: usize = 4096;
        let start = (p as usize).next_multiple_of(PAGE);
        let end = (p as usize + size) / PAGE * PAGE;
        // SAFETY: the range lies inside a block the system allocator just handed out; the
        // advice changes how pages are backed, never their contents.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (p, size);
}

// SAFETY: every call is forwarded to `System` with the same arguments; `advise` only adds a
// hint about the returned memory.
unsafe impl GlobalAlloc for HugePageAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        advise(p, layout.size());
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        advise(p, layout.size());
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        System.dealloc(p, layout)
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = System.realloc(p, layout, new_size);
        advise(q, new_size);
        q
    }
}
