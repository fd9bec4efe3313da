//! The reserved address space a shard's strings are packed into: the only raw-pointer code of
//! the interner.

/// Bytes of address space reserved per shard, largest first (smaller ones where address space
/// is limited): pages are only used as strings fill them. 1 GiB per shard holds 16 GiB of
/// distinct text in all, while thousands of tables fit in the address space.
pub(super) const REGION_SIZES: [usize; 4] = [1 << 30, 256 << 20, 64 << 20, 16 << 20];
/// The first bytes of a region stay on small pages, so a small table costs little memory.
const SMALL_PREFIX: usize = 2 << 20;

/// One shard's strings, packed into one reserved range of address space as records:
/// index (`u32`), length (`u32`), the bytes, padding to 4. A record never moves, so the table
/// names it by its offset and `resolve` by its address.
pub(super) struct Region {
    base: *mut u8,
    cap: usize,
    used: usize,
}

impl Region {
    /// A region of the first of `sizes` that the address space has room for.
    pub(super) fn new(sizes: &[usize]) -> Region {
        for &cap in sizes {
            // SAFETY: an anonymous private mapping at an address of the kernel's choosing;
            // nothing else refers to it.
            let p = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    cap,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | NORESERVE,
                    -1,
                    0,
                )
            };
            if p != libc::MAP_FAILED {
                // SAFETY: the offset is at most `cap`, the size of the mapping.
                let rest = unsafe { (p as *const u8).add(SMALL_PREFIX.min(cap)) };
                crate::alloc::advise_huge(rest, cap.saturating_sub(SMALL_PREFIX));
                return Region {
                    base: p as *mut u8,
                    cap,
                    used: 0,
                };
            }
        }
        panic!("cannot reserve address space for the string table");
    }

    /// Bytes a record of `s` takes.
    fn need(s: &str) -> usize {
        (8 + s.len()).next_multiple_of(4)
    }

    /// True when a record of `s` fits in what is left.
    pub(super) fn fits(&self, s: &str) -> bool {
        Self::need(s) <= self.cap - self.used
    }

    /// Append a record for string `idx`; returns its offset in 4-byte units.
    ///
    /// # Panics
    /// When the record does not fit (callers ask [`Region::fits`] first).
    pub(super) fn store(&mut self, idx: u32, s: &str) -> u32 {
        let need = Self::need(s);
        assert!(self.fits(s), "string record past the end of its region");
        let off = self.used;
        // SAFETY: `off + need <= cap`: the writes stay inside the mapping, in bytes past every
        // record already handed out (no reader looks there).
        unsafe {
            let p = self.base.add(off);
            std::ptr::copy_nonoverlapping(idx.to_le_bytes().as_ptr(), p, 4);
            std::ptr::copy_nonoverlapping((s.len() as u32).to_le_bytes().as_ptr(), p.add(4), 4);
            std::ptr::copy_nonoverlapping(s.as_ptr(), p.add(8), s.len());
        }
        self.used += need;
        (off / 4) as u32
    }

    /// The address of the record at `off`, for prefetching (any `off` gives some address).
    pub(super) fn record_ptr(&self, off: u32) -> *const u8 {
        self.base.wrapping_add(off as usize * 4)
    }

    /// The record at `off`: its index and its text.
    ///
    /// # Safety
    /// `off` must have been returned by [`Region::store`] of this region.
    pub(super) unsafe fn record(&self, off: u32) -> (u32, &str) {
        // SAFETY: the caller's contract; the region lives as long as `&self`, and records
        // are written by `&mut self`, so any record is published to a holder of `&self`.
        unsafe { read_record(self.base as usize, off) }
    }

    /// The base address, which never changes.
    pub(super) fn base(&self) -> usize {
        self.base as usize
    }

    /// Bytes of records stored.
    pub(super) fn used(&self) -> usize {
        self.used
    }

    /// Bytes of address space reserved.
    pub(super) fn cap(&self) -> usize {
        self.cap
    }
}

/// Read the record at offset `off` (in 4-byte units) of the region based at `base`: its
/// index and its text.
///
/// # Safety
/// `base + 4 * off` must be a record written by [`Region::store`] in a region that lives as
/// long as `'a`, published to this thread (its writer released it, this thread acquired it).
pub(super) unsafe fn read_record<'a>(base: usize, off: u32) -> (u32, &'a str) {
    let p = (base as *const u8).wrapping_add(off as usize * 4);
    let mut word = [0u8; 4];
    // SAFETY: a record starts with its index and its length (the caller's contract), then
    // holds `length` bytes of UTF-8 copied from a `&str`.
    unsafe {
        std::ptr::copy_nonoverlapping(p, word.as_mut_ptr(), 4);
        let idx = u32::from_le_bytes(word);
        std::ptr::copy_nonoverlapping(p.add(4), word.as_mut_ptr(), 4);
        let bytes = std::slice::from_raw_parts(p.add(8), u32::from_le_bytes(word) as usize);
        (idx, std::str::from_utf8_unchecked(bytes))
    }
}

impl Drop for Region {
    fn drop(&mut self) {
        // SAFETY: unmapping the mapping made in `new`, once.
        unsafe {
            libc::munmap(self.base as *mut libc::c_void, self.cap);
        }
    }
}

#[cfg(target_os = "linux")]
const NORESERVE: libc::c_int = libc::MAP_NORESERVE;
#[cfg(not(target_os = "linux"))]
const NORESERVE: libc::c_int = 0;

// SAFETY: a region owns its mapping; the table writes to it only through `&mut Region`
// (under its shard's mutex) and reads records that were published before.
unsafe impl Send for Region {}
// SAFETY: as above: `&Region` only reads records already written.
unsafe impl Sync for Region {}
