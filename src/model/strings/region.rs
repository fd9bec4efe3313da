//! The address space a shard's strings are packed into: the only raw-pointer code of the
//! interner.
//!
//! A region is a logical range of offsets cut into chunks that double in size (1 MiB, 2 MiB,
//! 4 MiB, …), each mapped only when the first record reaches it. A small table so reserves a
//! few MiB, and a process whose address space is limited (`ulimit -v`) loads whatever fits,
//! while the largest table still holds 1023 MiB per shard.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The first chunk's size (a power of two): chunk `k` holds `FIRST << k` bytes.
const FIRST_BITS: u32 = 20;
const FIRST: usize = 1 << FIRST_BITS;
/// Chunks a region may have.
const CHUNKS: usize = 10;
/// The largest region: every chunk, 1023 MiB.
pub(super) const REGION_CAP: usize = FIRST * ((1 << CHUNKS) - 1);

/// Each chunk's base address, 0 until it is mapped: published by the region (kept in its
/// table, next to the other shards', for readers that hold no lock).
pub(super) type Bases = [AtomicUsize; CHUNKS];

/// An empty [`Bases`].
pub(super) fn no_bases() -> Bases {
    std::array::from_fn(|_| AtomicUsize::new(0))
}

/// The chunk holding logical offset `at` (bytes), and where that chunk starts.
fn chunk_of(at: usize) -> (usize, usize) {
    let k = (usize::BITS - 1 - ((at >> FIRST_BITS) + 1).leading_zeros()) as usize;
    (k, FIRST * ((1 << k) - 1))
}

/// One shard's strings, packed as records: index (`u32`), length (`u32`), the bytes, padding
/// to 4. A record never moves and never straddles two chunks, so the table names it by its
/// logical offset and `resolve` finds it through the chunk bases.
pub(super) struct Region {
    /// Each chunk's base, 0 until mapped (a copy of what is published).
    bases: [usize; CHUNKS],
    cap: usize,
    used: usize,
}

impl Region {
    /// An empty region of at most `cap` bytes (nothing is mapped yet).
    pub(super) fn new(cap: usize) -> Region {
        Region {
            bases: [0; CHUNKS],
            cap: cap.min(REGION_CAP),
            used: 0,
        }
    }

    /// Bytes a record of `s` takes.
    fn need(s: &str) -> usize {
        (8 + s.len()).next_multiple_of(4)
    }

    /// Bytes of chunk `k` this region may use.
    fn chunk_len(&self, k: usize) -> usize {
        let start = FIRST * ((1 << k) - 1);
        (FIRST << k).min(self.cap.saturating_sub(start))
    }

    /// Map chunk `k` unless it is mapped, publishing its base in `publish`.
    fn map_chunk(&mut self, k: usize, publish: &Bases) -> Result<(), String> {
        if self.bases[k] != 0 {
            return Ok(());
        }
        let len = self.chunk_len(k);
        // SAFETY: an anonymous private mapping at an address of the kernel's choosing;
        // nothing else refers to it.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(format!(
                "string table full: cannot reserve {} MiB more address space (is `ulimit -v` set?)",
                len.div_ceil(1 << 20)
            ));
        }
        crate::alloc::advise_huge(p as *const u8, len);
        self.bases[k] = p as usize;
        publish[k].store(p as usize, Ordering::Release);
        Ok(())
    }

    /// Where a record of `s` goes (its offset in 4-byte units), its chunk mapped (and its base
    /// published in `publish`); the record is written by [`Region::store`]. Fails when the
    /// region is full or its next chunk cannot be mapped.
    pub(super) fn reserve(&mut self, s: &str, publish: &Bases) -> Result<u32, String> {
        let need = Self::need(s);
        let mut at = self.used;
        loop {
            let (k, start) = chunk_of(at);
            if k >= CHUNKS || self.chunk_len(k) == 0 {
                let mib = self.cap >> 20;
                return Err(format!(
                    "string table full: more than {mib} MiB of distinct text in one of its shards"
                ));
            }
            if at + need <= start + self.chunk_len(k) {
                self.map_chunk(k, publish)?;
                self.used = at;
                return Ok((at / 4) as u32);
            }
            at = start + (FIRST << k);
        }
    }

    /// Write the record of string `idx` at `off`, just returned by [`Region::reserve`] for `s`.
    ///
    /// # Panics
    /// When `off` is not where the last reservation put `s`.
    pub(super) fn store(&mut self, off: u32, idx: u32, s: &str) {
        let (at, need) = (off as usize * 4, Self::need(s));
        assert!(at == self.used, "a string record where none was reserved");
        let (k, start) = chunk_of(at);
        assert!(
            at + need <= start + self.chunk_len(k),
            "a record past its chunk"
        );
        let base = self.bases[k];
        assert!(base != 0, "a record in an unmapped chunk");
        // SAFETY: the record lies inside chunk `k`, mapped (checked above) and
        // `chunk_len(k)` bytes long, in bytes past every record already handed out (no reader
        // looks there).
        unsafe {
            let p = (base as *mut u8).add(at - start);
            std::ptr::copy_nonoverlapping(idx.to_le_bytes().as_ptr(), p, 4);
            std::ptr::copy_nonoverlapping((s.len() as u32).to_le_bytes().as_ptr(), p.add(4), 4);
            std::ptr::copy_nonoverlapping(s.as_ptr(), p.add(8), s.len());
        }
        self.used = at + need;
    }

    /// The address of the record at `off`, for prefetching (any `off` gives some address).
    pub(super) fn record_ptr(&self, off: u32) -> *const u8 {
        address(|k| self.bases.get(k).copied(), off) as *const u8
    }

    /// The record at `off`: its index and its text.
    ///
    /// # Safety
    /// `off` must have been returned by [`Region::reserve`] of this region and its record
    /// stored.
    pub(super) unsafe fn record(&self, off: u32) -> (u32, &str) {
        // SAFETY: the caller's contract; the region lives as long as `&self`, and records
        // are written by `&mut self`, so any record is published to a holder of `&self`.
        unsafe { record_at(address(|k| self.bases.get(k).copied(), off)) }
    }

    /// Bytes of records stored (with the tails of chunks skipped).
    pub(super) fn used(&self) -> usize {
        self.used
    }
}

/// The address of offset `off` (4-byte units): its chunk's base (`base(chunk)`, 0 or `None`
/// when unmapped) plus the offset inside the chunk.
fn address(base: impl Fn(usize) -> Option<usize>, off: u32) -> usize {
    let at = off as usize * 4;
    let (k, start) = chunk_of(at);
    base(k).unwrap_or(0).wrapping_add(at - start)
}

/// Read the record at offset `off` (in 4-byte units) of the region whose chunks are `bases`:
/// its index and its text.
///
/// # Safety
/// `off` must be a record written by [`Region::store`] in a region that lives as long as
/// `'a`, published to this thread (its writer released it, this thread acquired it).
pub(super) unsafe fn read_record(bases: &Bases, off: u32) -> (u32, &str) {
    let p = address(|k| bases.get(k).map(|b| b.load(Ordering::Acquire)), off);
    // SAFETY: the caller's contract.
    unsafe { record_at(p) }
}

/// The record at address `p`.
///
/// # Safety
/// As for [`read_record`]: `p` is the address of a published record that lives for `'a`.
unsafe fn record_at<'a>(p: usize) -> (u32, &'a str) {
    let p = p as *const u8;
    let mut word = [0u8; 4];
    // SAFETY: a record starts with its index and its length (the caller's contract), then
    // holds `length` bytes of UTF-8 copied from a `&str`, all inside one mapped chunk.
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
        for k in 0..CHUNKS {
            let base = self.bases[k];
            if base != 0 {
                // SAFETY: unmapping chunk `k`, mapped by `map_chunk` with this length, once.
                unsafe {
                    libc::munmap(base as *mut libc::c_void, self.chunk_len(k));
                }
            }
        }
    }
}

#[cfg(target_os = "linux")]
const NORESERVE: libc::c_int = libc::MAP_NORESERVE;
#[cfg(not(target_os = "linux"))]
const NORESERVE: libc::c_int = 0;

// SAFETY: a region owns its chunks; the table writes to them only through `&mut Region`
// (under its shard's mutex) and reads records that were published before.
unsafe impl Send for Region {}
// SAFETY: as above: `&Region` only reads records already written.
unsafe impl Sync for Region {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_double_and_records_never_straddle_them() {
        assert_eq!(chunk_of(0), (0, 0));
        assert_eq!(chunk_of(FIRST - 1), (0, 0));
        assert_eq!(chunk_of(FIRST), (1, FIRST));
        assert_eq!(chunk_of(3 * FIRST), (2, 3 * FIRST));
        assert_eq!(chunk_of(REGION_CAP - 1).0, CHUNKS - 1);
        let mut r = Region::new(REGION_CAP);
        let published = no_bases();
        let big = "x".repeat(FIRST - 100);
        let a = r.reserve(&big, &published).unwrap();
        r.store(a, 0, &big);
        // Does not fit in what is left of the first chunk: starts the second.
        let b = r.reserve(&big, &published).unwrap();
        assert_eq!(b as usize * 4, FIRST);
        r.store(b, 1, &big);
        let c = r.reserve("small", &published).unwrap();
        r.store(c, 2, "small");
        // SAFETY: all three were stored above.
        unsafe {
            assert_eq!(r.record(a), (0, big.as_str()));
            assert_eq!(r.record(b), (1, big.as_str()));
            assert_eq!(r.record(c), (2, "small"));
        }
        assert!(r.reserve(&"y".repeat(REGION_CAP), &published).is_err());
        assert_eq!(r.bases.iter().filter(|&&b| b != 0).count(), 2);
        let mapped = published.iter().map(|b| b.load(Ordering::Relaxed));
        assert!(mapped.eq(r.bases));
        // SAFETY: stored above.
        assert_eq!(unsafe { read_record(&published, c) }, (2, "small"));
    }
}
