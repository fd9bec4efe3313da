//! Lazily allocated, never-moving segments of atomic slots: the building block of the
//! append-only arrays that parsers fill from several threads while readers take no lock
//! (the interner's start array, the wide-number pool).

use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, Ordering};

/// An atomic integer whose all-zero bytes are a valid value (zero).
///
/// # Safety
/// Implementors must be valid when zero-initialised.
pub unsafe trait Zeroed {}
// SAFETY: atomic integers are plain integers in memory; zero bytes are the value 0.
unsafe impl Zeroed for AtomicU32 {}
// SAFETY: as above.
unsafe impl Zeroed for AtomicU64 {}

/// An array of `SEGS * LEN` zeroed slots, in `SEGS` segments of `LEN` allocated on first
/// use and freed when the array is dropped. A slot never moves, so a reference to it stays
/// valid while the array lives; any index below [`Segments::CAPACITY`] may be asked for.
pub struct Segments<T: Zeroed, const LEN: usize, const SEGS: usize> {
    /// Each segment's first slot, null until it is allocated; a non-null pointer always
    /// comes from `Box::<[T]>::into_raw` of exactly `LEN` slots.
    segs: [AtomicPtr<T>; SEGS],
}

impl<T: Zeroed, const LEN: usize, const SEGS: usize> Segments<T, LEN, SEGS> {
    /// How many slots the array has.
    pub const CAPACITY: usize = LEN * SEGS;

    /// An array with no segment allocated yet (usable in a `static`).
    pub const fn new() -> Self {
        Segments {
            segs: [const { AtomicPtr::new(std::ptr::null_mut()) }; SEGS],
        }
    }

    /// Slot `i`, its segment allocated (zeroed) on first use; when several threads race to
    /// allocate one, one allocation wins and the others are freed.
    ///
    /// # Panics
    /// When `i` is not below [`Segments::CAPACITY`].
    pub fn get(&self, i: usize) -> &T {
        &self.segment(i / LEN)[i % LEN]
    }

    /// How many segments are allocated, for memory reports.
    pub fn allocated(&self) -> usize {
        self.segs
            .iter()
            .filter(|p| !p.load(Ordering::Relaxed).is_null())
            .count()
    }

    /// Bytes one segment takes.
    pub const fn segment_bytes() -> usize {
        LEN * std::mem::size_of::<T>()
    }

    fn segment(&self, s: usize) -> &[T] {
        let slot = &self.segs[s];
        let mut seg = slot.load(Ordering::Acquire);
        if seg.is_null() {
            // SAFETY: `T: Zeroed`, so zeroed memory is a valid array of `T`.
            let fresh = unsafe { Box::<[T]>::new_zeroed_slice(LEN).assume_init() };
            let fresh = Box::into_raw(fresh) as *mut T;
            match slot.compare_exchange(seg, fresh, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => seg = fresh,
                Err(won) => {
                    // SAFETY: `fresh` came from `Box::into_raw` of `LEN` slots just above and
                    // was never shared.
                    drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(fresh, LEN)) });
                    seg = won;
                }
            }
        }
        // SAFETY: a non-null segment pointer points at `LEN` live slots (the field's
        // invariant), freed only by `drop`, which cannot run while `&self` is borrowed.
        unsafe { std::slice::from_raw_parts(seg, LEN) }
    }
}

impl<T: Zeroed, const LEN: usize, const SEGS: usize> Default for Segments<T, LEN, SEGS> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Zeroed, const LEN: usize, const SEGS: usize> Drop for Segments<T, LEN, SEGS> {
    fn drop(&mut self) {
        for slot in &mut self.segs {
            let seg = *slot.get_mut();
            if !seg.is_null() {
                // SAFETY: every non-null segment came from `Box::into_raw` of `LEN` slots
                // (the field's invariant), and no reference into it outlives `&mut self`.
                drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(seg, LEN)) });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_start_at_zero_and_keep_what_is_stored_across_threads() {
        let a: Segments<AtomicU64, 8, 4> = Segments::new();
        assert_eq!(a.allocated(), 0);
        std::thread::scope(|s| {
            for t in 0..4 {
                let a = &a;
                s.spawn(move || {
                    for i in (t..32).step_by(4) {
                        assert_eq!(a.get(i).load(Ordering::Relaxed) % 1000, 0);
                        a.get(i).store(1000 + i as u64, Ordering::Relaxed);
                    }
                });
            }
        });
        for i in 0..32 {
            assert_eq!(a.get(i).load(Ordering::Relaxed), 1000 + i as u64);
        }
        assert_eq!(a.allocated(), 4);
    }

    #[test]
    #[should_panic]
    fn an_index_past_the_capacity_panics() {
        let a: Segments<AtomicU32, 8, 2> = Segments::new();
        a.get(16);
    }
}
