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

/// Print `label` with the seconds since [`init`], the CPU seconds used (user + system, all
/// threads) and the resident memory, when `HEISEN_TIMING` is set.
pub fn mark(label: &str) {
    if let Some(t) = start() {
        let (rss, peak) = memory_mb();
        let mb = |m: Option<u64>| m.map_or("?".into(), |m| m.to_string());
        eprintln!(
            "[timing] {:8.3} s {:7.3} s cpu {:>6} MB resident {:>6} MB peak  {label}",
            t.elapsed().as_secs_f64(),
            cpu_seconds(),
            mb(rss),
            mb(peak)
        );
    }
}

/// CPU time of this process so far, user plus system, in seconds (0 where unknown).
fn cpu_seconds() -> f64 {
    // SAFETY: `rusage` is plain integers, for which all-zero bytes are a valid value.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage only writes the struct it is given.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return 0.0;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

/// Resident and peak resident memory of this process in MB (Linux, `/proc/self/status`).
pub fn memory_mb() -> (Option<u64>, Option<u64>) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024 / 1_000_000)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
