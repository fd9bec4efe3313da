//! Sorting events that are nearly in order already.
//!
//! A log is written in time order up to local disorder: concurrent writers, and times of
//! coarser precision (milliseconds beside microseconds) that belong a few lines earlier.
//! Sorting such a slice whole moves every element through memory many times; here blocks
//! small enough for the cache are sorted in parallel (by insertion, each element moving the
//! few places it is out of order), and each boundary between blocks is repaired by sorting
//! only the few elements that overlap it. Disorder wider than that falls back to a full
//! parallel sort.

use rayon::prelude::*;

/// Elements per block: a block of events (72 bytes) fits in a core's L2 cache.
const BLOCK: usize = 4096;

/// Sort `v` by `key` (unstable: give equal elements distinct keys where order matters).
pub fn sort_by_key<T, K>(v: &mut [T], key: impl Fn(&T) -> K + Sync)
where
    T: Send,
    K: Ord,
{
    sort_in_blocks(v, &key, BLOCK);
}

/// [`sort_by_key`] with blocks of `block` elements.
fn sort_in_blocks<T, K>(v: &mut [T], key: &(impl Fn(&T) -> K + Sync), block: usize)
where
    T: Send,
    K: Ord,
{
    let block = block.max(2);
    v.par_chunks_mut(block).for_each(|b| sort_block(b, key));
    // The repairs may together sort at most this many elements before giving up.
    let mut budget = v.len() / 4 + block;
    for start in (block..v.len()).step_by(block) {
        let end = (start + block).min(v.len());
        // v[..start] is sorted, and so is v[start..end].
        if key(&v[start - 1]) <= key(&v[start]) {
            continue;
        }
        let first = key(&v[start]);
        let last = key(&v[start - 1]);
        // Before `from`, nothing is above the block's first; from `to` on, nothing in the
        // block is below the prefix's last: only the elements between need sorting.
        let from = v[..start].partition_point(|e| key(e) <= first);
        let to = start + v[start..end].partition_point(|e| key(e) < last);
        if to - from > budget {
            v.par_sort_unstable_by_key(key);
            return;
        }
        budget -= to - from;
        v[from..to].sort_unstable_by_key(key);
    }
}

/// Sort one block: by insertion while the elements are only a few places out of order (each
/// moves a few places, in the nearest cache), else by a general sort.
fn sort_block<T, K: Ord>(b: &mut [T], key: &impl Fn(&T) -> K) {
    // Element moves allowed before the general sort takes over: a few per element.
    let mut moves = 8 * b.len();
    for i in 1..b.len() {
        let k = key(&b[i]);
        if key(&b[i - 1]) <= k {
            continue;
        }
        let mut j = i - 1;
        while j > 0 && key(&b[j - 1]) > k {
            j -= 1;
        }
        if i - j > moves {
            b.sort_unstable_by_key(key);
            return;
        }
        moves -= i - j;
        b[j..=i].rotate_right(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(mut v: Vec<(u32, u32)>, block: usize) {
        let mut want = v.clone();
        want.sort();
        sort_in_blocks(&mut v, &|e: &(u32, u32)| *e, block);
        assert_eq!(v, want);
    }

    #[test]
    fn edges() {
        check(vec![], 4);
        check(vec![(1, 0)], 4);
        check(vec![(2, 0), (1, 0)], 4);
        // Everything reversed: far beyond a repair, so the full sort.
        check((0..1000).rev().map(|i| (i, 0)).collect(), 16);
        // Blocks too disordered for insertion.
        check((0..1000).rev().map(|i| (i, 0)).collect(), 300);
        // A late element that belongs many blocks back.
        let mut v: Vec<(u32, u32)> = (1..1000).map(|i| (i, 0)).collect();
        v.push((0, 0));
        check(v, 16);
    }

    proptest! {
        #[test]
        fn sorts_like_a_full_sort(
            jitter in proptest::collection::vec(0u32..50, 0..2000),
            spread in 0u32..200,
            block in 2usize..300,
        ) {
            // Nearly sorted (time plus jitter), with distinct tie-breaks.
            let v: Vec<(u32, u32)> = jitter
                .iter()
                .enumerate()
                .map(|(i, j)| ((i as u32 * 3 + j * spread / 10), i as u32))
                .collect();
            check(v, block);
        }

        #[test]
        fn sorts_anything(v in proptest::collection::vec((0u32..100, 0u32..5), 0..500), block in 2usize..64) {
            check(v, block);
        }
    }
}
