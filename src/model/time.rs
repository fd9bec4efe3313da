//! Time: parse RFC 3339 and epoch numbers into UTC nanoseconds, format them back, parse durations.

/// Nanoseconds per unit.
pub const NS_PER_US: i64 = 1_000;
pub const NS_PER_MS: i64 = 1_000_000;
pub const NS_PER_S: i64 = 1_000_000_000;

/// A parsed wall-clock time: UTC nanoseconds, and the offset the text carried (minutes), if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub ns: i64,
    pub offset_min: Option<i16>,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days in month `m` (1–12) of year `y` (proleptic Gregorian).
pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// UTC nanoseconds of a civil date-time; `None` for a date or time that does not exist
/// (`2025-02-30`, `24:00`), a leap second (`:60`) being allowed.
pub fn civil_to_ns(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: u32) -> Option<i64> {
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60
    {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    let secs = days
        .checked_mul(86_400)?
        .checked_add((h * 3600 + mi * 60 + s) as i64)?;
    secs.checked_mul(NS_PER_S)?.checked_add(nanos as i64)
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let s = b.get(at..at + n)?;
    let mut v = 0u32;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as u32;
    }
    Some(v)
}

/// Parse RFC 3339 / ISO 8601 date-times: `2026-11-23T09:30:00.000001Z`, `…+02:00`, `…+0200`,
/// a space instead of `T`, a comma before the fraction (log4j), or no zone at all (then
/// `offset_min` is `None` and the time is read in `default_offset_min`).
/// Returns the parsed time and the number of bytes consumed.
pub fn parse_iso(s: &str, default_offset_min: i32) -> Option<(Parsed, usize)> {
    let b = s.as_bytes();
    let y = digits(b, 0, 4)? as i64;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let mo = digits(b, 5, 2)?;
    let d = digits(b, 8, 2)?;
    let sep = *b.get(10)?;
    if sep != b'T' && sep != b't' && sep != b' ' && sep != b'_' {
        return None;
    }
    let h = digits(b, 11, 2)?;
    if b.get(13) != Some(&b':') {
        return None;
    }
    let mi = digits(b, 14, 2)?;
    let (sec, mut i) = if b.get(16) == Some(&b':') {
        (digits(b, 17, 2)?, 19)
    } else {
        (0, 16)
    };
    let mut nanos = 0u32;
    if matches!(b.get(i), Some(b'.') | Some(b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        let mut n = 0;
        while let Some(&c) = b.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            if n < 9 {
                nanos = nanos * 10 + (c - b'0') as u32;
                n += 1;
            }
            i += 1;
        }
        while n < 9 {
            nanos *= 10;
            n += 1;
        }
    }
    let mut offset: Option<i32> = None;
    match b.get(i) {
        Some(b'Z') | Some(b'z') => {
            offset = Some(0);
            i += 1;
        }
        Some(&c @ (b'+' | b'-')) => {
            let oh = digits(b, i + 1, 2);
            if let Some(oh) = oh {
                let (om, used) = if b.get(i + 3) == Some(&b':') {
                    (digits(b, i + 4, 2), 6)
                } else if let Some(om) = digits(b, i + 3, 2) {
                    (Some(om), 5)
                } else {
                    (Some(0), 3)
                };
                if let Some(om) = om {
                    // An offset past ±23:59 is not a time zone (RFC 3339): not a time.
                    if oh > 23 || om > 59 {
                        return None;
                    }
                    let total = (oh * 60 + om) as i32;
                    offset = Some(if c == b'-' { -total } else { total });
                    i += used;
                }
            }
        }
        _ => {}
    }
    let local = civil_to_ns(y, mo, d, h, mi, sec, nanos)?;
    let off = offset.unwrap_or(default_offset_min);
    let ns = local.checked_sub(off as i64 * 60 * NS_PER_S)?;
    Some((
        Parsed {
            ns,
            offset_min: offset.map(|o| o as i16),
        },
        i,
    ))
}

/// Parse a whole string as an RFC 3339 time (trailing text is an error).
pub fn parse_rfc3339(s: &str, default_offset_min: i32) -> Option<Parsed> {
    let s = s.trim();
    match parse_iso(s, default_offset_min) {
        Some((p, used)) if used == s.len() => Some(p),
        _ => None,
    }
}

/// Read an epoch number in seconds, milliseconds, microseconds or nanoseconds, guessed by
/// magnitude (a time between 1973 and 5138 in any unit lands in the right one).
pub fn epoch_guess_f64(x: f64) -> Option<i64> {
    if !x.is_finite() || x < 0.0 {
        return None;
    }
    let ns = if x < 1e11 {
        // f64 seconds carry ~16 significant digits: keep microseconds, not float noise.
        return ((x * 1e6).round() as i64).checked_mul(NS_PER_US);
    } else if x < 1e14 {
        x * 1e6
    } else if x < 1e17 {
        x * 1e3
    } else {
        x
    };
    if ns > i64::MAX as f64 {
        return None;
    }
    Some(ns.round() as i64)
}

/// Integer variant of [`epoch_guess_f64`], exact for nanoseconds.
pub fn epoch_guess_i64(x: i64) -> Option<i64> {
    if x < 0 {
        return None;
    }
    Some(if x < 100_000_000_000 {
        x.checked_mul(NS_PER_S)?
    } else if x < 100_000_000_000_000 {
        x.checked_mul(NS_PER_MS)?
    } else if x < 100_000_000_000_000_000 {
        x.checked_mul(NS_PER_US)?
    } else {
        x
    })
}

/// Parse an epoch number written as text (`"1700000000.123"`, `"1700000000123"`).
pub fn epoch_guess_str(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        return None;
    }
    if let Ok(i) = s.parse::<i64>() {
        return epoch_guess_i64(i);
    }
    // Seconds with a fraction: keep nanosecond precision by splitting at the dot.
    let (whole, frac) = s.split_once('.')?;
    // One dot at most (`1.2.3` is no number).
    if frac.contains('.') {
        return None;
    }
    let w: i64 = whole.parse().ok()?;
    if w >= 100_000_000_000 {
        return epoch_guess_f64(s.parse().ok()?);
    }
    let mut nanos: i64 = 0;
    for (n, c) in frac.bytes().enumerate() {
        if n >= 9 {
            break;
        }
        nanos += (c - b'0') as i64 * 10i64.pow(8 - n as u32);
    }
    w.checked_mul(NS_PER_S)?.checked_add(nanos)
}

/// Parse a time given as text: RFC 3339 first, then an epoch number.
pub fn parse_time_text(s: &str, default_offset_min: i32) -> Option<Parsed> {
    parse_rfc3339(s, default_offset_min).or_else(|| {
        epoch_guess_str(s).map(|ns| Parsed {
            ns,
            offset_min: Some(0),
        })
    })
}

/// Format UTC nanoseconds as RFC 3339 with nine fraction digits: `2026-11-23T09:30:00.000001000Z`.
pub fn format_ns(ns: i64) -> String {
    let secs = ns.div_euclid(NS_PER_S);
    let frac = ns.rem_euclid(NS_PER_S);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z",
        y,
        m,
        d,
        sod / 3600,
        (sod / 60) % 60,
        sod % 60,
        frac
    )
}

/// Format a time of day with milliseconds (`09:30:00.123`), for compact displays.
pub fn format_time_of_day_ms(ns: i64) -> String {
    let secs = ns.div_euclid(NS_PER_S);
    let ms = ns.rem_euclid(NS_PER_S) / NS_PER_MS;
    let sod = secs.rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        sod / 3600,
        (sod / 60) % 60,
        sod % 60,
        ms
    )
}

/// Format an offset in minutes as `+02:00`.
pub fn format_offset(min: i16) -> String {
    let sign = if min < 0 { '-' } else { '+' };
    let a = min.unsigned_abs();
    format!("{}{:02}:{:02}", sign, a / 60, a % 60)
}

/// Parse a UTC offset: `UTC`, `Z`, `+02:00`, `-0500`, `+2`.
pub fn parse_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("utc") || s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("gmt")
    {
        return Some(0);
    }
    let s = s
        .strip_prefix("UTC")
        .or_else(|| s.strip_prefix("GMT"))
        .unwrap_or(s);
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = if let Some((h, m)) = rest.split_once(':') {
        (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?)
    } else if rest.len() == 4 {
        (rest[..2].parse().ok()?, rest[2..].parse().ok()?)
    } else {
        (rest.parse().ok()?, 0)
    };
    if h > 18 || m > 59 {
        return None;
    }
    Some(sign * (h * 60 + m))
}

/// Parse a duration with a unit: `250ms`, `1.5s`, `300us`, `300µs`, `20ns`, `2m`, `2h`, `1d`;
/// an optional leading sign (`-2h`, `+30m`). Returns nanoseconds.
pub fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    let (sign, s) = match s.as_bytes().first()? {
        b'+' => (1.0, &s[1..]),
        b'-' => (-1.0, &s[1..]),
        _ => (1.0, s),
    };
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult = match unit.trim() {
        "ns" => 1.0,
        "us" | "µs" | "μs" => 1e3,
        "ms" => 1e6,
        "s" | "sec" => 1e9,
        "m" | "min" => 60e9,
        "h" => 3600e9,
        "d" => 86_400e9,
        _ => return None,
    };
    let v = sign * n * mult;
    if !v.is_finite() || v.abs() > i64::MAX as f64 {
        return None;
    }
    Some(v.round() as i64)
}

/// Format a duration in the largest unit that keeps it readable: `850ns`, `12.5µs`, `250ms`, `2.3s`.
pub fn format_duration(ns: i64) -> String {
    let a = ns.unsigned_abs() as f64;
    let sign = if ns < 0 { "-" } else { "" };
    let (v, u) = if a < 1e3 {
        (a, "ns")
    } else if a < 1e6 {
        (a / 1e3, "µs")
    } else if a < 1e9 {
        (a / 1e6, "ms")
    } else if a < 60e9 {
        (a / 1e9, "s")
    } else if a < 3600e9 {
        (a / 60e9, "m")
    } else {
        (a / 3600e9, "h")
    };
    let mut t = format!("{:.3}", v);
    while t.contains('.') && (t.ends_with('0') || t.ends_with('.')) {
        t.pop();
    }
    format!("{sign}{t}{u}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_variants() {
        let z = parse_rfc3339("2026-11-23T09:30:00.000001Z", 0).unwrap();
        assert_eq!(format_ns(z.ns), "2026-11-23T09:30:00.000001000Z");
        assert_eq!(z.offset_min, Some(0));
        let p = parse_rfc3339("2026-11-23T11:30:00.000001+02:00", 0).unwrap();
        assert_eq!(p.ns, z.ns);
        assert_eq!(p.offset_min, Some(120));
        let q = parse_rfc3339("2026-11-23 04:30:00,000001-0500", 0).unwrap();
        assert_eq!(q.ns, z.ns);
        let naive = parse_rfc3339("2026-11-23T09:30:00.000001", 0).unwrap();
        assert_eq!(naive.ns, z.ns);
        assert_eq!(naive.offset_min, None);
        let shifted = parse_rfc3339("2026-11-23T11:30:00.000001", 120).unwrap();
        assert_eq!(shifted.ns, z.ns);
        assert!(parse_rfc3339("2026-13-23T09:30:00Z", 0).is_none());
        assert!(parse_rfc3339("xxx", 0).is_none());
        assert!(parse_rfc3339("2026-11-23T09:30:00Zjunk", 0).is_none());
    }

    #[test]
    fn epochs_by_magnitude() {
        let want = 1_700_000_000_123_000_000;
        assert_eq!(epoch_guess_i64(1_700_000_000_123), Some(want));
        assert_eq!(epoch_guess_i64(1_700_000_000_123_000), Some(want));
        assert_eq!(epoch_guess_i64(want), Some(want));
        assert_eq!(epoch_guess_str("1700000000.123"), Some(want));
        assert_eq!(
            epoch_guess_f64(1_700_000_000.5),
            Some(1_700_000_000_500_000_000)
        );
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000i64, -1, 0, 1, 19_000, 20_415, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(format_ns(-1), "1969-12-31T23:59:59.999999999Z");
    }

    #[test]
    fn impossible_dates_and_offsets_are_not_times() {
        for bad in [
            "2025-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2025-04-31T00:00:00Z",
            "2025-01-01T24:00:00Z",
            "2025-01-01T00:00:00+99:99",
            "2025-01-01T00:00:00+24:00",
            "2025-01-01T00:00:00-0960",
        ] {
            assert!(parse_rfc3339(bad, 0).is_none(), "{bad}");
        }
        for good in [
            "2024-02-29T00:00:00Z",
            "2000-02-29T00:00:00Z",
            "2025-12-31T23:59:60Z",
            "2025-01-01T00:00:00+14:00",
            "2025-01-01T00:00:00-23:59",
        ] {
            assert!(parse_rfc3339(good, 0).is_some(), "{good}");
        }
        assert!(parse_rfc3339("1900-02-29T00:00:00Z", 0).is_none());
    }

    #[test]
    fn durations_and_offsets() {
        assert_eq!(parse_duration("250ms"), Some(250 * NS_PER_MS));
        assert_eq!(parse_duration("1.5s"), Some(1_500 * NS_PER_MS));
        assert_eq!(parse_duration("300us"), Some(300_000));
        assert_eq!(parse_duration("20ns"), Some(20));
        assert_eq!(parse_duration("-2h"), Some(-7200 * NS_PER_S));
        assert_eq!(parse_duration("2x"), None);
        assert_eq!(parse_offset("+02:00"), Some(120));
        assert_eq!(parse_offset("-0530"), Some(-330));
        assert_eq!(parse_offset("UTC"), Some(0));
        assert_eq!(format_duration(2_300_000_000), "2.3s");
        assert_eq!(format_offset(-330), "-05:30");
    }
}
