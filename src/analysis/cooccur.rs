//! Co-occurrence across groups: which groups have an event labelled A with an event labelled B
//! *from another group* within a window — the data behind a suggested
//! `(A) as a near (B) as b within W where a.KEY != b.KEY` hypothesis ("requests that hit
//! handler X within 10 ms of another request fail").

use super::bits::Bits;

/// One labelled event of a group, in time order.
#[derive(Clone, Copy, Debug)]
pub struct Labelled {
    pub ts: i64,
    pub label: u32,
    pub group: u32,
}

/// Groups where the pair (first label, second label) co-occurs within the window.
#[derive(Debug)]
pub struct Pair {
    pub a: u32,
    pub b: u32,
    pub window_ns: i64,
    /// Groups of the `a` events that have a `b` event of another group within the window.
    pub groups: Bits,
}

/// Every pair of labels that co-occurs at least once, for each window. `events` must be sorted
/// by time; labels are below `labels`, groups below `groups`. One sweep per window keeps the
/// events within ±window and counts them per label and per (label, group): an event of group
/// g sees label B from another group when the count of B exceeds the count of (B, g).
pub fn near_pairs(events: &[Labelled], labels: usize, groups: usize, windows: &[i64]) -> Vec<Pair> {
    let mut out = Vec::new();
    for &w in windows {
        let mut found: Vec<Option<Bits>> = (0..labels * labels).map(|_| None).collect();
        let mut count = vec![0u32; labels];
        let mut per_group: ahash::HashMap<(u32, u32), u32> = ahash::HashMap::default();
        let (mut lo, mut hi) = (0, 0);
        for e in events {
            while hi < events.len() && events[hi].ts <= e.ts.saturating_add(w) {
                let x = events[hi];
                count[x.label as usize] += 1;
                *per_group.entry((x.label, x.group)).or_default() += 1;
                hi += 1;
            }
            while events[lo].ts < e.ts.saturating_sub(w) {
                let x = events[lo];
                count[x.label as usize] -= 1;
                if let Some(c) = per_group.get_mut(&(x.label, x.group)) {
                    *c -= 1;
                    if *c == 0 {
                        per_group.remove(&(x.label, x.group));
                    }
                }
                lo += 1;
            }
            for b in 0..labels {
                let total = count[b];
                if total == 0 {
                    continue;
                }
                let own = per_group.get(&(b as u32, e.group)).copied().unwrap_or(0);
                if total > own {
                    found[e.label as usize * labels + b]
                        .get_or_insert_with(|| Bits::new(groups))
                        .set(e.group as usize);
                }
            }
        }
        for (k, bits) in found.into_iter().enumerate() {
            if let Some(groups) = bits {
                out.push(Pair {
                    a: (k / labels) as u32,
                    b: (k % labels) as u32,
                    window_ns: w,
                    groups,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(ts: i64, label: u32, group: u32) -> Labelled {
        Labelled { ts, label, group }
    }

    #[test]
    fn pairs_need_another_group_within_the_window() {
        // Groups 0 and 1 hit label 0 within 5 ns; group 2 hits it alone, 100 ns later; group 3
        // has labels 0 and 1 together, but in its own group only.
        let events = [
            ev(0, 0, 0),
            ev(5, 0, 1),
            ev(100, 0, 2),
            ev(200, 0, 3),
            ev(201, 1, 3),
        ];
        let pairs = near_pairs(&events, 2, 4, &[10, 1000]);
        let find = |a, b, w| {
            pairs
                .iter()
                .find(|p| p.a == a && p.b == b && p.window_ns == w)
                .map(|p| (0..4).filter(|&g| p.groups.get(g)).collect::<Vec<_>>())
        };
        assert_eq!(find(0, 0, 10), Some(vec![0, 1]));
        assert_eq!(find(0, 1, 10), None);
        assert_eq!(find(1, 0, 10), None);
        assert_eq!(find(0, 0, 1000), Some(vec![0, 1, 2, 3]));
        assert_eq!(find(1, 0, 1000), Some(vec![3]));
        assert_eq!(find(0, 1, 1000), Some(vec![0, 1, 2]));
    }

    #[test]
    fn bounds_are_inclusive() {
        let events = [ev(0, 0, 0), ev(10, 0, 1), ev(21, 0, 2)];
        let pairs = near_pairs(&events, 1, 3, &[10]);
        let g: Vec<usize> = (0..3).filter(|&g| pairs[0].groups.get(g)).collect();
        assert_eq!(g, [0, 1]);
    }
}
