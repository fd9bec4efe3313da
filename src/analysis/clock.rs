//! Clock checks per source: times a whole number of hours from the other sources (local time
//! written without an offset), and backwards jumps in file order.

use crate::model::{LaneNames, Store};
use rayon::prelude::*;
use serde::Serialize;

/// What looks wrong with a source's clock.
#[derive(Clone, Debug, Serialize, Default, PartialEq)]
pub struct ClockFlags {
    /// The source's times sit this many whole hours from the other sources' (local time
    /// written without an offset?). `None` when it agrees with them, or is alone.
    pub offset_hours: Option<i64>,
    /// The `--shift` that would line it up (the source named as its lane is).
    pub suggested_shift: Option<String>,
    /// Times that go backwards in file order by more than a second.
    pub backwards_jumps: u64,
    pub worst_backwards_jump_ns: i64,
    /// Line of the worst backwards jump.
    pub worst_backwards_jump_line: Option<u32>,
}

/// Hours are "near whole" within this tolerance.
const HOUR_TOLERANCE_NS: i64 = 5 * 60 * 1_000_000_000;

/// Clock problems per source: an offset of whole hours from the others (from the time-sorted
/// store, without copying it), and the backwards jumps in file order found while loading.
pub fn flags(store: &Store) -> Vec<ClockFlags> {
    flags_in_blocks(store, 1 << 16)
}

/// [`flags`], reading the events in blocks of `block`.
fn flags_in_blocks(store: &Store, block: usize) -> Vec<ClockFlags> {
    let n = store.sources().len();
    let medians = if n > 1 {
        medians_in_blocks(store, block)
    } else {
        // A source alone has no others to be hours away from.
        vec![None; n]
    };
    const HOUR: i64 = 3_600_000_000_000;
    let names = LaneNames::new(store);
    (0..n)
        .map(|i| {
            let jumps = store.sources()[i].jumps;
            let mut f = ClockFlags {
                backwards_jumps: jumps.count,
                worst_backwards_jump_ns: jumps.worst_ns,
                worst_backwards_jump_line: jumps.worst_line,
                ..ClockFlags::default()
            };
            let mut others: Vec<i64> = medians
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .filter_map(|(_, m)| *m)
                .collect();
            if let (Some(me), false) = (medians[i], others.is_empty()) {
                others.sort_unstable();
                let d = me.saturating_sub(others[others.len() / 2]);
                let hours = (d as f64 / HOUR as f64).round() as i64;
                // Only a source with times written without a zone can be in the wrong one.
                let naive = store.sources()[i].naive_times > 0;
                if naive && hours != 0 && (d - hours * HOUR).abs() <= HOUR_TOLERANCE_NS {
                    f.offset_hours = Some(hours);
                    // The source's lane name: `--shift` takes any suffix of its path.
                    let file = names.source(i as u32);
                    f.suggested_shift = Some(format!(
                        "{file}={}{}h",
                        if hours > 0 { "-" } else { "+" },
                        hours.abs()
                    ));
                }
            }
            f
        })
        .collect()
}

/// The median time of each source: its middle event in time order, found in the block (of
/// `block` events) that holds it after one parallel pass counting each source per block.
fn medians_in_blocks(store: &Store, block: usize) -> Vec<Option<i64>> {
    let n = store.sources().len();
    let events = &store.events();
    let blocks: Vec<Vec<usize>> = events
        .par_chunks(block)
        .map(|blk| {
            let mut counts = vec![0usize; n];
            for e in blk {
                counts[e.source() as usize] += 1;
            }
            counts
        })
        .collect();
    (0..n)
        .map(|s| {
            let mut left = blocks.iter().map(|c| c[s]).sum::<usize>() / 2;
            for (b, counts) in blocks.iter().enumerate() {
                if left < counts[s] {
                    let blk = &events[b * block..((b + 1) * block).min(events.len())];
                    return blk
                        .iter()
                        .filter(|e| e.source() as usize == s)
                        .nth(left)
                        .map(|e| e.ts);
                }
                left -= counts[s];
            }
            None
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{load_named_bytes, LoadOptions};

    #[test]
    fn clock_flags_do_not_depend_on_the_blocks_read() {
        // Three sources: one in order, one two hours off (times without a zone), one whose
        // clock jumps back twice; interleaved in time so that blocks split every source.
        let inorder: String = (0..40)
            .map(|i| format!("{{\"ts\":{},\"msg\":\"a\"}}\n", 1_700_000_000 + i * 3))
            .collect();
        let off: String = (0..25)
            .map(|i| {
                format!(
                    "{{\"ts\":\"2023-11-15T00:13:{:02}\",\"msg\":\"b\"}}\n",
                    20 + i
                )
            })
            .collect();
        let mut times: Vec<i64> = (0..30).map(|i| 1_700_000_000 + i * 4).collect();
        times[10] -= 50;
        times[20] -= 7;
        let jumpy: String = times
            .iter()
            .map(|t| format!("{{\"ts\":{t},\"msg\":\"c\"}}\n"))
            .collect();
        let store = load_named_bytes(
            &[
                ("a.log", inorder.as_bytes()),
                ("b.log", off.as_bytes()),
                ("c.log", jumpy.as_bytes()),
            ],
            &LoadOptions::default(),
        )
        .unwrap();
        let whole = flags_in_blocks(&store, usize::MAX / 2);
        assert_eq!(whole[0], ClockFlags::default());
        assert_eq!(whole[1].offset_hours, Some(2));
        assert_eq!(whole[2].backwards_jumps, 2);
        assert_eq!(whole[2].worst_backwards_jump_line, Some(11));
        for block in [1, 2, 3, 7, 16, 1000] {
            assert_eq!(flags_in_blocks(&store, block), whole, "blocks of {block}");
        }
    }

    #[test]
    fn the_suggested_shift_names_the_source_as_its_lane() {
        let utc: String = (0..5)
            .map(|i| format!("{{\"ts\":{},\"msg\":\"a\"}}\n", 1_700_000_000 + i))
            .collect();
        let local: String = (0..5)
            .map(|i| {
                format!(
                    "{{\"ts\":\"2023-11-15T00:13:{:02}\",\"msg\":\"b\"}}\n",
                    20 + i
                )
            })
            .collect();
        let store = load_named_bytes(
            &[
                ("dev/app.log", utc.as_bytes()),
                ("prod/app.log", local.as_bytes()),
            ],
            &LoadOptions::default(),
        )
        .unwrap();
        let f = flags(&store);
        assert_eq!(f[0].suggested_shift, None);
        assert_eq!(f[1].suggested_shift.as_deref(), Some("prod/app.log=-2h"));
    }
}
