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

/// The `len` zeroed slots `slot` points at, allocated on first use (when several threads race,
/// one allocation wins and the others are freed). Segments are freed only by [`free`].
pub fn get_or_alloc<T: Zeroed>(slot: &AtomicPtr<T>, len: usize) -> &[T] {
    let mut seg = slot.load(Ordering::Acquire);
    if seg.is_null() {
        // SAFETY: `T: Zeroed`, so zeroed memory is a valid array of `T`.
        let fresh = unsafe { Box::<[T]>::new_zeroed_slice(len).assume_init() };
        let fresh = Box::into_raw(fresh) as *mut T;
        match slot.compare_exchange(seg, fresh, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => seg = fresh,
            Err(won) => {
                // SAFETY: `fresh` came from `Box::into_raw` above and was never shared.
                drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(fresh, len)) });
                seg = won;
            }
        }
    }
    // SAFETY: a non-null segment pointer always points at `len` live slots (every caller of
    // one `slot` passes the same `len`), freed only by `free` when no reference is left.
    unsafe { std::slice::from_raw_parts(seg, len) }
}

/// Free the segment `slot` points at, if any.
///
/// # Safety
/// No reference returned by [`get_or_alloc`] for `slot` may be used afterwards, and `len`
/// must be the length it was allocated with.
pub unsafe fn free<T>(slot: &AtomicPtr<T>, len: usize) {
    let seg = slot.swap(std::ptr::null_mut(), Ordering::AcqRel);
    if !seg.is_null() {
        // SAFETY: every non-null segment came from `Box::into_raw` of `len` slots.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(seg, len)) });
    }
}
