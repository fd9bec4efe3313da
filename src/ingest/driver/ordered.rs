//! Parallel work whose results are consumed in order, without a barrier.
//!
//! Parsing chunks in waves leaves a core idle at the end of every wave (the last chunk of a
//! wave is parsed alone) and while the wave's results are appended. Here every thread takes
//! the next item as soon as it is free, and whichever thread finishes the item that is next
//! in order appends it, and every finished item after it: parsing and appending overlap, and
//! no thread waits unless it is more than `ahead` items in front of the appending.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

/// The consumer's side: its state and how far it got.
struct Tail<S> {
    state: S,
    /// Results consumed so far (the index of the next one to consume).
    next: usize,
}

/// Run `work` on every item of `items` (taken one at a time, in order, by whichever thread is
/// free: reading an input can be the iterator), on all of rayon's threads, and hand each
/// result to `take` in item order (`take(&mut state, index, result)`, one call at a time). At
/// most `ahead` results wait to be taken at any moment, which bounds the memory they hold.
/// Returns the state.
pub fn run<T, R, S>(
    items: impl Iterator<Item = T> + Send,
    ahead: usize,
    state: S,
    work: impl Fn(T) -> R + Sync,
    take: impl Fn(&mut S, usize, R) + Sync,
) -> S
where
    T: Send,
    R: Send,
    S: Send,
{
    let ahead = ahead.max(1);
    let most = items.size_hint().1;
    // Results by index modulo `ahead`: a result is stored only once its index is below
    // `next + ahead`, so the one stored before in its place was taken.
    let done: Vec<Mutex<Option<R>>> = (0..ahead).map(|_| Mutex::new(None)).collect();
    // The items, and how many were handed out.
    let source = Mutex::new((items, 0usize));
    let tail = Mutex::new(Tail { state, next: 0 });
    let moved = Condvar::new();
    // Set when a result is stored: a thread that holds the tail looks again before leaving.
    let dirty = AtomicBool::new(false);
    // Consume every finished result that is next in order.
    let drain = |t: &mut Tail<S>| {
        dirty.store(false, Ordering::SeqCst);
        while let Some(r) = done[t.next % ahead]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            let i = t.next;
            take(&mut t.state, i, r);
            t.next += 1;
        }
    };
    let worker = || loop {
        let (i, item) = {
            let mut src = source.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(item) = src.0.next() else { return };
            src.1 += 1;
            (src.1 - 1, item)
        };
        {
            let mut t = tail.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                drain(&mut t);
                if i < t.next + ahead {
                    break;
                }
                // The item the tail waits for is being worked on by another thread, which
                // appends it when done; the timeout covers a wake-up lost in between.
                t = moved
                    .wait_timeout(t, Duration::from_millis(1))
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
        }
        let r = work(item);
        *done[i % ahead]
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(r);
        dirty.store(true, Ordering::SeqCst);
        // Append if no other thread is appending; one that is sees `dirty` and looks again.
        while let Ok(mut t) = tail.try_lock() {
            drain(&mut t);
            drop(t);
            moved.notify_all();
            if !dirty.load(Ordering::SeqCst) {
                break;
            }
        }
    };
    let threads = rayon::current_num_threads().clamp(1, most.unwrap_or(usize::MAX).max(1));
    rayon::scope(|s| {
        for _ in 0..threads {
            s.spawn(|_| worker());
        }
    });
    let mut t = tail.into_inner().unwrap_or_else(PoisonError::into_inner);
    drain(&mut t);
    let handed = source
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .1;
    debug_assert_eq!(t.next, handed, "every result is taken");
    t.state
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_taken_in_order_and_all_of_them() {
        for n in [0usize, 1, 2, 7, 100, 1000] {
            for ahead in [1, 2, 8] {
                let items: Vec<usize> = (0..n).collect();
                let got = run(
                    items.iter(),
                    ahead,
                    Vec::new(),
                    |&x| {
                        // Uneven work, so that results finish out of order.
                        let spin = (x * 7919) % 13;
                        (0..spin * 100).fold(x, |a, b| a ^ b)
                            ^ (0..spin * 100).fold(0, |a, b| a ^ b)
                    },
                    |v: &mut Vec<(usize, usize)>, i, r| v.push((i, r)),
                );
                let want: Vec<(usize, usize)> = (0..n).map(|i| (i, i)).collect();
                assert_eq!(got, want, "n {n}, ahead {ahead}");
            }
        }
    }

    #[test]
    fn no_more_than_ahead_results_wait() {
        use std::sync::atomic::AtomicUsize;
        let waiting = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let items: Vec<usize> = (0..500).collect();
        run(
            items.iter(),
            3,
            (),
            |&x| {
                let w = waiting.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(w, Ordering::SeqCst);
                x
            },
            |_, _, _| {
                waiting.fetch_sub(1, Ordering::SeqCst);
            },
        );
        assert!(most.load(Ordering::SeqCst) <= 3);
    }
}
