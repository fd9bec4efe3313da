//! Per-source summaries: format, counts, parse errors, time range, lanes. Shared by
//! `heisen stats` and the TUI's status line.

use crate::model::Sym;
use crate::model::{time, LaneKey, Store};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

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
    pub lanes: HashMap<&'static str, LaneSummary>,
    /// Clock problems seen in this source.
    pub clock: ClockFlags,
    pub notes: Vec<String>,
}

/// What looks wrong with a source's clock.
#[derive(Clone, Debug, Serialize, Default, PartialEq)]
pub struct ClockFlags {
    /// The source's times sit this many whole hours from the other sources' (local time
    /// written without an offset?). `None` when it agrees with them, or is alone.
    pub offset_hours: Option<i64>,
    /// The `--shift` that would line it up.
    pub suggested_shift: Option<String>,
    /// Times that go backwards in file order by more than a second.
    pub backwards_jumps: u64,
    pub worst_backwards_jump_ns: i64,
    /// Line of the worst backwards jump.
    pub worst_backwards_jump_line: Option<u32>,
}

/// Hours are "near whole" within this tolerance.
const HOUR_TOLERANCE_NS: i64 = 5 * 60 * 1_000_000_000;
/// Backwards jumps smaller than this are ordinary interleaving of concurrent writers.
const JUMP_TOLERANCE_NS: i64 = 1_000_000_000;

/// Clock problems per source: an offset of whole hours from the others, and backwards jumps
/// in file order. Works from the time-sorted store without copying it.
fn clock_flags(store: &Store) -> Vec<ClockFlags> {
    let n = store.sources.len();
    let events = &store.events;
    let mut count = vec![0usize; n];
    // A source whose events, in time order, are also in file order never jumps backwards.
    let mut last_seq: Vec<Option<u32>> = vec![None; n];
    let mut in_file_order = vec![true; n];
    for e in events {
        let s = e.source as usize;
        count[s] += 1;
        if last_seq[s].is_some_and(|q| q > e.seq) {
            in_file_order[s] = false;
        }
        last_seq[s] = Some(e.seq);
    }
    // The median time of each source is its middle event in time order.
    let mut medians: Vec<Option<i64>> = vec![None; n];
    let mut seen = vec![0usize; n];
    for e in events {
        let s = e.source as usize;
        if seen[s] == count[s] / 2 {
            medians[s] = Some(e.ts);
        }
        seen[s] += 1;
    }
    const HOUR: i64 = 3_600_000_000_000;
    (0..n)
        .map(|i| {
            let mut f = ClockFlags::default();
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
                let naive = store.sources[i].naive_times > 0;
                if naive && hours != 0 && (d - hours * HOUR).abs() <= HOUR_TOLERANCE_NS {
                    f.offset_hours = Some(hours);
                    let path = &store.sources[i].path;
                    let file = std::path::Path::new(path)
                        .file_name()
                        .map_or(path.clone(), |x| x.to_string_lossy().into_owned());
                    f.suggested_shift = Some(format!(
                        "{file}={}{}h",
                        if hours > 0 { "-" } else { "+" },
                        hours.abs()
                    ));
                }
            }
            if !in_file_order[i] {
                let mut order: Vec<u32> = (0..events.len() as u32)
                    .filter(|&k| events[k as usize].source as usize == i)
                    .collect();
                order.par_sort_unstable_by_key(|&k| events[k as usize].seq);
                let mut max_ts = i64::MIN;
                for &k in &order {
                    let (ts, line) = (events[k as usize].ts, events[k as usize].line);
                    if ts < max_ts.saturating_sub(JUMP_TOLERANCE_NS) {
                        f.backwards_jumps += 1;
                        if max_ts.saturating_sub(ts) > f.worst_backwards_jump_ns {
                            f.worst_backwards_jump_ns = max_ts.saturating_sub(ts);
                            f.worst_backwards_jump_line = Some(line);
                        }
                    }
                    max_ts = max_ts.max(ts);
                }
            }
            f
        })
        .collect()
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
    /// (count, value) of the most frequent values, ties at the cut included, unordered.
    top: Vec<(u32, Sym)>,
}

/// Each source's earliest start and latest end, in one parallel pass.
fn time_ranges(store: &Store) -> Vec<Option<(i64, i64)>> {
    let n = store.sources.len();
    let widen = |r: &mut Option<(i64, i64)>, (a, b): (i64, i64)| {
        *r = Some(r.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
    };
    store
        .events
        .par_iter()
        .fold(
            || vec![None; n],
            |mut acc, e| {
                widen(&mut acc[e.source as usize], (e.ts, e.end()));
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

/// Count the values of `key` per source by sorting (source, value) pairs in parallel: no hash
/// table, so millions of distinct ids cost a sort, not a cache miss each; only the most
/// frequent values are kept.
fn lane_counts(store: &Store, key: LaneKey) -> Vec<LaneCounts> {
    // Filled in one pass (a parallel collect of a filtered iterator would hold it twice).
    let mut pairs: Vec<(u32, Sym)> = Vec::with_capacity(store.events.len());
    pairs.extend(
        store
            .events
            .iter()
            .filter_map(|e| store.lane_of(e, key).map(|v| (e.source, v))),
    );
    pairs.par_sort_unstable();
    let mut out: Vec<LaneCounts> = (0..store.sources.len())
        .map(|_| Default::default())
        .collect();
    let mut runs: Vec<(u32, Sym)> = Vec::new();
    let mut flush = |src: u32, runs: &mut Vec<(u32, Sym)>| {
        let c = &mut out[src as usize];
        c.distinct = runs.len();
        if runs.len() > LANE_VALUES {
            // The count of the LANE_VALUES-th most frequent value: everything at or above it
            // may make the list once ties are broken by text.
            runs.select_nth_unstable_by(LANE_VALUES - 1, |a, b| b.0.cmp(&a.0));
            let cut = runs[LANE_VALUES - 1].0;
            runs.retain(|r| r.0 >= cut);
        }
        c.top = std::mem::take(runs);
    };
    let mut current = None;
    for run in pairs.chunk_by(|a, b| a == b) {
        let (src, sym) = run[0];
        if current.is_some_and(|c| c != src) {
            flush(current.unwrap_or(0), &mut runs);
        }
        current = Some(src);
        runs.push((run.len() as u32, sym));
    }
    if let Some(src) = current {
        flush(src, &mut runs);
    }
    out
}

/// Summarise a store.
pub fn compute(store: &Store, tz_given: bool) -> Stats {
    let n = store.sources.len();
    let range = time_ranges(store);
    let keys = [
        LaneKey::Service,
        LaneKey::Thread,
        LaneKey::Request,
        LaneKey::Trace,
    ];
    let lanes: Vec<Vec<LaneCounts>> = keys.iter().map(|k| lane_counts(store, *k)).collect();
    let sources: Vec<SourceStats> = store
        .sources
        .iter()
        .enumerate()
        .map(|(i, src)| {
            let mut lane_map = HashMap::new();
            for (j, k) in keys.iter().enumerate() {
                let counts = &lanes[j][i];
                if counts.distinct == 0 {
                    continue;
                }
                let mut v: Vec<(u32, &str)> =
                    counts.top.iter().map(|(c, s)| (*c, store.s(*s))).collect();
                v.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
                v.truncate(LANE_VALUES);
                lane_map.insert(
                    k.as_str(),
                    LaneSummary {
                        count: counts.distinct,
                        values: v.iter().map(|(_, s)| s.to_string()).collect(),
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
    let flags = clock_flags(store);
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
            events: store.events.len() as u64,
            parse_errors: store.sources.iter().map(|s| s.error_count).sum(),
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
            let _ = writeln!(o, "  parse errors {}", s.parse_errors);
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
