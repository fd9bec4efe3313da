//! Opt-in phase timings on stderr (`HEISEN_TIMING=1`), for benchmarks and for finding where a
//! slow load spends its time.

use std::sync::OnceLock;
use std::time::Instant;

fn start() -> Option<&'static Instant> {
    static START: OnceLock<Option<Instant>> = OnceLock::new();
    START
        .get_or_init(|| std::env::var_os("HEISEN_TIMING").map(|_| Instant::now()))
        .as_ref()
}

/// Start the clock (call early; later calls do nothing).
pub fn init() {
    let _ = start();
}

/// Print `label` with the seconds since [`init`] and the resident memory, when
/// `HEISEN_TIMING` is set.
pub fn mark(label: &str) {
    if let Some(t) = start() {
        eprintln!(
            "[timing] {:8.3} s {:>7} MB resident  {label}",
            t.elapsed().as_secs_f64(),
            resident_mb().map_or("?".into(), |m| m.to_string())
        );
    }
}

/// Resident memory of this process in MB (Linux), from `/proc/self/statm`.
pub fn resident_mb() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096 / 1_000_000)
}
