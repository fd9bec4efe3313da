//! Per-source summaries: format, counts, parse errors, time range, lanes. Shared by
//! `heisen stats` and the TUI's status line.

use crate::analysis::clock::{self, ClockFlags};
use crate::model::Sym;
use crate::model::{time, LaneKey, Store};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// How many lane values a summary lists.
pub const LANE_VALUES: usize = 20;

/// The distinct values of one lane key within a source.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LaneSummary {
    pub count: usize,
    /// The most frequent values first (at most [`LANE_VALUES`]).
    pub values: Vec<String>,
}

/// Everything `stats` says about one source.
#[derive(Clone, Debug, Serialize)]
pub struct SourceStats {
    pub path: String,
    pub format: &'static str,
    pub bytes: u64,
    pub gzip: bool,
    pub events: u64,
    pub parse_errors: u64,
    /// Of the parse errors, those whose line was kept (as an event, or repaired).
    pub parse_errors_kept: u64,
    /// The first errors as `file:line: reason`.
    pub errors: Vec<String>,
    pub first: Option<String>,
    pub last: Option<String>,
    pub first_ns: Option<i64>,
    pub last_ns: Option<i64>,
    /// Events whose time had no zone and were read as UTC (or `--tz`).
    pub naive_times: u64,
    pub assumed_utc: bool,
    /// Clock correction applied at load time (`--shift`), e.g. `+2h`.
    pub shift: Option<String>,
    pub lanes: BTreeMap<&'static str, LaneSummary>,
    /// Clock problems seen in this source.
    pub clock: ClockFlags,
    pub notes: Vec<String>,
}

/// Totals over all sources.
#[derive(Clone, Debug, Serialize)]
pub struct Totals {
    pub sources: usize,
    pub events: u64,
    pub parse_errors: u64,
    pub first: Option<String>,
    pub last: Option<String>,
}

/// The whole `stats` answer.
#[derive(Clone, Debug, Serialize)]
pub struct Stats {
    pub sources: Vec<SourceStats>,
    pub total: Totals,
}

/// The distinct values of one lane key in one source, and the most frequent ones.
#[derive(Default)]
struct LaneCounts {
    distinct: usize,
    /// The most frequent values, ties broken by text.
    top: Vec<String>,
}
/// Each source's earliest start and latest end, in one parallel pass.
fn time_ranges(store: &Store) -> Vec<Option<(i64, i64)>> {
    let n = store.sources().len();
    let widen = |r: &mut Option<(i64, i64)>, (a, b): (i64, i64)| {
        *r = Some(r.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
    };
    store
        .events()
        .par_iter()
        .fold(
            || vec![None; n],
            |mut acc, e| {
                widen(&mut acc[e.source() as usize], (e.ts, e.end()));
                acc
            },
        )
        .reduce(
            || vec![None; n],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    if let Some(y) = y {
                        widen(x, y);
                    }
                }
                a
            },
        )
}

/// Count the values of each lane key per source. Interned ids are dense, so a count is a slot
/// of one array shared by every key and source in turn (one increment per event, from all
/// cores); the first increment of a slot also notes its id, so the summary visits only the
/// values met (a handful for services, millions for trace ids), not every string.
fn lane_counts<'s>(store: &'s Store, keys: &[LaneKey]) -> Vec<Vec<LaneCounts>> {
    use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
    let n = store.sources().len();
    let events = &store.events();
    // Event indexes by source, when there are several.
    let by_source: Option<Vec<Vec<u32>>> = (n > 1).then(|| {
        let mut g = vec![Vec::new(); n];
        for (i, e) in events.iter().enumerate() {
            g[e.source() as usize].push(i as u32);
        }
        g
    });
    let counts: Vec<AtomicU32> = (0..store.strings().len())
        .map(|_| AtomicU32::new(0))
        .collect();
    keys.iter()
        .map(|&key| {
            (0..n)
                .map(|src| {
                    // Values are read a few events ahead of their counting, so that the
                    // counts' cache misses (ids spread over millions of slots) overlap.
                    const AHEAD: usize = 8;
                    let slot = |e: &crate::model::Event| {
                        let v = store.lane_of(e, key)?.into_usize();
                        Some((v as u32, counts.get(v)?))
                    };
                    // Counts `n` events, the `j`-th of which is `at(j)`.
                    let count = |n: usize, at: &dyn Fn(usize) -> &'s crate::model::Event| {
                        let mut met = Vec::new();
                        for j in 0..n {
                            if let Some((_, c)) =
                                (j + AHEAD < n).then(|| slot(at(j + AHEAD))).flatten()
                            {
                                crate::alloc::prefetch(c);
                            }
                            if let Some((v, c)) = slot(at(j)) {
                                if c.fetch_add(1, Relaxed) == 0 {
                                    met.push(v);
                                }
                            }
                        }
                        met
                    };
                    const BLOCK: usize = 4096;
                    let met: Vec<Vec<u32>> = match &by_source {
                        Some(g) => g[src]
                            .par_chunks(BLOCK)
                            .map(|ix| count(ix.len(), &|j| &events[ix[j] as usize]))
                            .collect(),
                        None => events
                            .par_chunks(BLOCK)
                            .map(|ev| count(ev.len(), &|j| &ev[j]))
                            .collect(),
                    };
                    summarise(&counts, &met, store)
                })
                .collect()
        })
        .collect()
}

/// The number of values met and the [`LANE_VALUES`] most frequent ones (count descending,
/// then text), setting their counts back to zero. Each thread keeps a bounded heap whose top
/// is the worst value kept, so millions of values tied at the cut (unique ids) cost one
/// comparison each, not a sort.
fn summarise<'s>(
    counts: &[std::sync::atomic::AtomicU32],
    met: &[Vec<u32>],
    store: &'s Store,
) -> LaneCounts {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    use std::sync::atomic::Ordering::Relaxed;
    // Ordered so that the greatest element is the worst: lowest count, then greatest text.
    type Heap<'s> = BinaryHeap<(Reverse<u32>, &'s str)>;
    let offer = |heap: &mut Heap<'s>, item: (Reverse<u32>, &'s str)| {
        if heap.len() < LANE_VALUES {
            heap.push(item);
        } else if heap.peek().is_some_and(|worst| item < *worst) {
            heap.pop();
            heap.push(item);
        }
    };
    // The text is only looked up for a count that can still make the list.
    let keep = |heap: &mut Heap<'s>, c: u32, i: usize| {
        if heap.len() < LANE_VALUES || heap.peek().is_some_and(|w| c >= w.0 .0) {
            offer(heap, (Reverse(c), store.s(Sym::from_usize(i))));
        }
    };
    let heap = met
        .par_iter()
        .flat_map_iter(|ids| ids.iter())
        .fold(Heap::new, |mut heap, &i| {
            let c = counts[i as usize].swap(0, Relaxed);
            keep(&mut heap, c, i as usize);
            heap
        })
        .reduce(Heap::new, |mut a, b| {
            for item in b {
                offer(&mut a, item);
            }
            a
        });
    LaneCounts {
        distinct: met.iter().map(Vec::len).sum(),
        top: heap
            .into_sorted_vec()
            .into_iter()
            .map(|(_, t)| t.to_string())
            .collect(),
    }
}

/// Summarise a store.
pub fn compute(store: &Store, tz_given: bool) -> Stats {
    let n = store.sources().len();
    let range = time_ranges(store);
    let keys = [
        LaneKey::Service,
        LaneKey::Thread,
        LaneKey::Request,
        LaneKey::Trace,
    ];
    let lanes = lane_counts(store, &keys);
    crate::timing::mark("stats: lanes");
    let sources: Vec<SourceStats> = store
        .sources()
        .iter()
        .enumerate()
        .map(|(i, src)| {
            let mut lane_map = BTreeMap::new();
            for (j, k) in keys.iter().enumerate() {
                let counts = &lanes[j][i];
                if counts.distinct == 0 {
                    continue;
                }
                lane_map.insert(
                    k.as_str(),
                    LaneSummary {
                        count: counts.distinct,
                        values: counts.top.clone(),
                    },
                );
            }
            SourceStats {
                path: src.path.clone(),
                format: src.format.as_str(),
                bytes: src.bytes,
                gzip: src.gzip,
                events: src.events,
                parse_errors: src.error_count,
                parse_errors_kept: src.errors_kept,
                errors: src.errors.iter().map(|e| e.located(&src.path)).collect(),
                first: range[i].map(|r| time::format_ns(r.0)),
                last: range[i].map(|r| time::format_ns(r.1)),
                first_ns: range[i].map(|r| r.0),
                last_ns: range[i].map(|r| r.1),
                naive_times: src.naive_times,
                assumed_utc: src.naive_times > 0 && !tz_given,
                shift: (src.shift_ns != 0).then(|| {
                    let sign = if src.shift_ns < 0 { "-" } else { "+" };
                    format!("{sign}{}", time::format_duration(src.shift_ns.abs()))
                }),
                lanes: lane_map,
                clock: ClockFlags::default(),
                notes: src.notes.clone(),
            }
        })
        .collect();
    let all = store.time_range();
    let flags = clock::flags(store);
    crate::timing::mark("stats: clock");
    let mut sources = sources;
    for (s, f) in sources.iter_mut().zip(flags) {
        if let Some(h) = f.offset_hours {
            s.notes.push(format!(
                "times sit {}{h}h from the other sources: local time written without an offset? try --shift {}",
                if h > 0 { "+" } else { "" },
                f.suggested_shift.clone().unwrap_or_default()
            ));
        }
        if f.backwards_jumps > 0 {
            s.notes.push(format!(
                "the clock jumps backwards {} times (worst {} at line {})",
                f.backwards_jumps,
                time::format_duration(f.worst_backwards_jump_ns),
                f.worst_backwards_jump_line.unwrap_or(0)
            ));
        }
        s.clock = f;
    }
    Stats {
        total: Totals {
            sources: n,
            events: store.events().len() as u64,
            parse_errors: store.sources().iter().map(|s| s.error_count).sum(),
            first: all.map(|r| time::format_ns(r.0)),
            last: all.map(|r| time::format_ns(r.1)),
        },
        sources,
    }
}

impl Stats {
    /// Human-readable report.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut o = String::new();
        for s in &self.sources {
            let _ = writeln!(o, "{}", crate::text::sanitize(&s.path, true));
            let gz = if s.gzip { " (gzip)" } else { "" };
            let _ = writeln!(o, "  format       {}{gz}", s.format);
            let _ = writeln!(o, "  bytes        {}", s.bytes);
            let _ = writeln!(o, "  events       {}", s.events);
            let kept = match s.parse_errors_kept {
                0 => String::new(),
                k => format!(" ({k} kept, {} skipped)", s.parse_errors - k),
            };
            let _ = writeln!(o, "  parse errors {}{kept}", s.parse_errors);
            for e in s.errors.iter().take(10) {
                let _ = writeln!(o, "    {}", crate::text::sanitize(e, true));
            }
            if s.parse_errors > 10 {
                let _ = writeln!(
                    o,
                    "    … {} more (all in --json, first 100)",
                    s.parse_errors - 10
                );
            }
            if let (Some(a), Some(b)) = (&s.first, &s.last) {
                let _ = writeln!(o, "  time range   {a} .. {b}");
            }
            if s.assumed_utc {
                let _ = writeln!(
                    o,
                    "  time zone    {} events had no zone: assumed UTC (use --tz to say otherwise)",
                    s.naive_times
                );
            } else if s.naive_times > 0 {
                let _ = writeln!(
                    o,
                    "  time zone    {} events had no zone: read in --tz",
                    s.naive_times
                );
            }
            if let Some(sh) = &s.shift {
                let _ = writeln!(o, "  shifted      {sh} (--shift)");
            }
            let mut keys: Vec<_> = s.lanes.keys().collect();
            keys.sort();
            for k in keys {
                let l = &s.lanes[k];
                let shown: Vec<String> = l
                    .values
                    .iter()
                    .take(5)
                    .map(|v| crate::text::sanitize(v, true).into_owned())
                    .collect();
                let more = if l.count > 5 { ", …" } else { "" };
                let _ = writeln!(o, "  {:<12} {} ({}{more})", k, l.count, shown.join(", "));
            }
            for n in &s.notes {
                let _ = writeln!(o, "  note         {}", crate::text::sanitize(n, true));
            }
        }
        let t = &self.total;
        let _ = writeln!(
            o,
            "total: {} sources, {} events, {} parse errors{}",
            t.sources,
            t.events,
            t.parse_errors,
            match (&t.first, &t.last) {
                (Some(a), Some(b)) => format!(", {a} .. {b}"),
                _ => String::new(),
            }
        );
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{load_named_bytes, LoadOptions};

    /// One JSON-lines source: the given request ids in order, a second apart.
    fn log(reqs: &[String], start_s: i64) -> String {
        reqs.iter()
            .enumerate()
            .map(|(i, r)| {
                format!(
                    "{{\"ts\":{},\"msg\":\"m\",\"req_id\":\"{r}\"}}\n",
                    start_s + i as i64
                )
            })
            .collect()
    }

    #[test]
    fn lane_values_by_count_then_text_per_source() {
        // Source a: z×3, y×2, then 20 000 ids once each (ties at the cut, in reverse text
        // order, enough to be split between threads).
        let mut a: Vec<String> = ["z", "z", "z", "y", "y"].map(String::from).to_vec();
        a.extend((0..20_000).rev().map(|i| format!("id{i:05}")));
        // Source b shares a value but counts on its own.
        let b: Vec<String> = ["z", "q", "q"].map(String::from).to_vec();
        let (ta, tb) = (log(&a, 1_700_000_000), log(&b, 1_700_000_010));
        let store = load_named_bytes(
            &[("a.log", ta.as_bytes()), ("b.log", tb.as_bytes())],
            &LoadOptions::default(),
        )
        .unwrap();
        let s = compute(&store, false);
        let la = &s.sources[0].lanes["request"];
        assert_eq!(la.count, 20_002);
        let mut want = vec!["z".to_string(), "y".to_string()];
        want.extend((0..18).map(|i| format!("id{i:05}")));
        assert_eq!(la.values, want);
        let lb = &s.sources[1].lanes["request"];
        assert_eq!(
            (lb.count, lb.values.clone()),
            (2, vec!["q".into(), "z".into()])
        );
        assert_eq!(s.sources[0].clock.backwards_jumps, 0);
    }

    #[test]
    fn a_value_under_two_keys_counts_for_each() {
        let text = [
            r#"{"ts":1,"msg":"m","service":"x","req_id":"x"}"#,
            r#"{"ts":2,"msg":"m","service":"x","req_id":"y"}"#,
            r#"{"ts":3,"msg":"m","service":"z","req_id":"x"}"#,
            r#"{"ts":4,"msg":"m","service":"z","req_id":"x"}"#,
        ]
        .join("\n");
        let store =
            load_named_bytes(&[("a.log", text.as_bytes())], &LoadOptions::default()).unwrap();
        let s = compute(&store, false);
        let lane = |k: &str| {
            let l = &s.sources[0].lanes[k];
            (l.count, l.values.clone())
        };
        assert_eq!(lane("service"), (2, vec!["x".into(), "z".into()]));
        assert_eq!(lane("request"), (2, vec!["x".into(), "y".into()]));
    }
}
