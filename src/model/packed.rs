//! A [`Value`] packed into a 3-bit tag and a 32-bit payload, so that attributes and events
//! hold one in 35 bits instead of 16 bytes.
//!
//! Most values fit the payload directly: null, booleans, interned strings, integers that fit
//! an `i32` and floats that an `f32` holds exactly. The others ("wide" numbers) spill their
//! 64 raw bits into a pool and the payload names their slot.
//!
//! The pool is **process-global and never shrinks**: every wide number ever packed keeps its
//! 8 bytes until the process exits, whichever store it belonged to. Pushes are safe from any
//! number of parser threads at once (one atomic counter, segments allocated on first use) and
//! reads take no lock.

use super::event::Value;
use super::segments::Segments;
use super::strings::Sym;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// The tag of [`Value::Null`].
pub const NULL: u8 = 0;
/// A [`Value::Bool`]: payload 0 or 1.
pub const BOOL: u8 = 1;
/// A [`Value::Int`] that fits an `i32`: the payload is its bits.
pub const INT: u8 = 2;
/// A [`Value::Float`] that an `f32` holds exactly: the payload is the `f32`'s bits.
pub const FLOAT: u8 = 3;
/// A [`Value::Str`]: the payload is the string's dense index.
pub const STR: u8 = 4;
/// Any other [`Value::Int`]: the payload is its slot in the wide pool.
pub const INT_WIDE: u8 = 5;
/// Any other [`Value::Float`]: the payload is its slot in the wide pool.
pub const FLOAT_WIDE: u8 = 6;

/// Bits a tag needs.
pub const TAG_BITS: u32 = 3;

/// Pack a value.
///
/// # Panics
/// When the wide pool is full ([`WIDE_CAP`] numbers, 16 GiB of them).
pub fn pack(v: Value) -> (u8, u32) {
    match v {
        Value::Null => (NULL, 0),
        Value::Bool(b) => (BOOL, b as u32),
        Value::Str(s) => (STR, s.into_usize() as u32),
        Value::Int(i) => match i32::try_from(i) {
            Ok(small) => (INT, small as u32),
            Err(_) => (INT_WIDE, push_wide(i as u64)),
        },
        Value::Float(f) => match narrow(f) {
            Some(bits) => (FLOAT, bits),
            None => (FLOAT_WIDE, push_wide(f.to_bits())),
        },
    }
}

/// The value a [`pack`] returned `(tag, payload)` for.
pub fn unpack(tag: u8, payload: u32) -> Value {
    match tag {
        BOOL => Value::Bool(payload != 0),
        INT => Value::Int(payload as i32 as i64),
        FLOAT => Value::Float(widen(payload)),
        STR => Value::Str(Sym::from_usize(payload as usize)),
        INT_WIDE => Value::Int(wide(payload) as i64),
        FLOAT_WIDE => Value::Float(f64::from_bits(wide(payload))),
        _ => Value::Null,
    }
}

/// The bits of the `f32` that holds `f` exactly (every bit of it, NaN payload and sign of
/// zero included), if one does.
fn narrow(f: f64) -> Option<u32> {
    let bits = f.to_bits();
    if f.is_nan() {
        // Float casts may change a NaN's payload: convert NaNs by hand, and only those whose
        // mantissa fits 23 bits (it stays non-zero, so the result is a NaN again).
        let mant = bits & ((1 << 52) - 1);
        if mant & ((1 << 29) - 1) != 0 {
            return None;
        }
        let sign = ((bits >> 63) as u32) << 31;
        return Some(sign | (0xff << 23) | (mant >> 29) as u32);
    }
    let n = f as f32;
    ((n as f64).to_bits() == bits).then_some(n.to_bits())
}

/// The inverse of [`narrow`].
fn widen(bits: u32) -> f64 {
    let n = f32::from_bits(bits);
    if n.is_nan() {
        let sign = u64::from(bits >> 31) << 63;
        let mant = u64::from(bits & ((1 << 23) - 1)) << 29;
        return f64::from_bits(sign | (0x7ff << 52) | mant);
    }
    n as f64
}

/// Slots per segment of the wide pool (512 KiB each).
const SEG_BITS: u32 = 16;
const SEG: usize = 1 << SEG_BITS;
/// How many wide numbers the pool holds: 2^31 − 1, so that a slot also fits 31 bits with one
/// value to spare (an event's duration uses the high bit as a flag and `u32::MAX` for none).
pub const WIDE_CAP: u32 = (1 << 31) - 1;
const SEGS: usize = (WIDE_CAP as usize).div_ceil(SEG);

static NEXT: AtomicU32 = AtomicU32::new(0);
/// The pool's slots (never freed: the pool lives as long as the process).
static POOL: Segments<AtomicU64, SEG, SEGS> = Segments::new();

/// Store 64 bits in a fresh slot of the wide pool and return the slot.
///
/// # Panics
/// When the pool already holds [`WIDE_CAP`] numbers.
pub fn push_wide(bits: u64) -> u32 {
    let i = NEXT
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
            (n < WIDE_CAP).then_some(n + 1)
        })
        .unwrap_or_else(|_| panic!("more than {WIDE_CAP} wide numbers (64-bit values) loaded"));
    POOL.get(i as usize).store(bits, Ordering::Release);
    i
}

/// The 64 bits stored in slot `i` of the wide pool, which [`push_wide`] must have returned.
pub fn wide(i: u32) -> u64 {
    POOL.get(i as usize).load(Ordering::Acquire)
}

/// How many wide numbers the pool holds (8 bytes each), for memory reports.
pub fn wide_len() -> usize {
    NEXT.load(Ordering::Relaxed) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: Value, b: Value) -> bool {
        match (a, b) {
            (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
            _ => a == b,
        }
    }

    fn round_trip(v: Value) -> (u8, Value) {
        let (tag, payload) = pack(v);
        let back = unpack(tag, payload);
        assert!(same(v, back), "{v:?} came back as {back:?}");
        (tag, back)
    }

    #[test]
    fn every_kind_round_trips() {
        let s = crate::model::Strings::new();
        assert_eq!(round_trip(Value::Null).0, NULL);
        assert_eq!(round_trip(Value::Bool(true)).0, BOOL);
        assert_eq!(round_trip(Value::Bool(false)).0, BOOL);
        assert_eq!(round_trip(Value::Str(s.intern("v"))).0, STR);
        assert_eq!(
            round_trip(Value::Str(Sym::from_usize(u32::MAX as usize - 2))).0,
            STR
        );
        for i in [0, 1, -1, 42, i32::MIN as i64, i32::MAX as i64] {
            assert_eq!(round_trip(Value::Int(i)).0, INT, "{i}");
        }
        for i in [
            i64::MIN,
            i64::MAX,
            i32::MIN as i64 - 1,
            i32::MAX as i64 + 1,
            1 << 40,
        ] {
            assert_eq!(round_trip(Value::Int(i)).0, INT_WIDE, "{i}");
        }
        for f in [
            0.0,
            -0.0,
            1.5,
            -2.5,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            f32::MAX as f64,
            f32::MIN_POSITIVE as f64,
            f32::from_bits(1) as f64, // the smallest f32 subnormal
            f64::from_bits(0x7ff0_0000_2000_0000), // a signalling NaN an f32 holds
        ] {
            assert_eq!(round_trip(Value::Float(f)).0, FLOAT, "{f}");
        }
        for f in [
            0.1,
            1e300,
            -1e-300,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::from_bits(0x7ff8_0000_0000_0001), // NaN payload in the low bits
            f64::from_bits(0xfff0_0000_0000_0001), // negative signalling NaN
            f64::from_bits(0x7ff0_0000_1000_0000), // sNaN whose top 23 mantissa bits are zero
        ] {
            assert_eq!(round_trip(Value::Float(f)).0, FLOAT_WIDE, "{f}");
        }
        // -0.0 stays distinct from 0.0.
        let (tag, payload) = pack(Value::Float(-0.0));
        assert_eq!((tag, payload), (FLOAT, (-0.0f32).to_bits()));
    }

    #[test]
    fn concurrent_pushes_keep_every_value() {
        let threads: Vec<_> = (0..4u64)
            .map(|t| {
                std::thread::spawn(move || {
                    (0..(SEG as u64 / 2 + 1000))
                        .map(|n| {
                            let bits = (t << 56) | n;
                            (bits, push_wide(bits))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut slots = Vec::new();
        for t in threads {
            for (bits, slot) in t.join().unwrap() {
                assert_eq!(wide(slot), bits);
                slots.push(slot);
            }
        }
        let n = slots.len();
        slots.sort_unstable();
        slots.dedup();
        assert_eq!(slots.len(), n, "two pushes got one slot");
        assert!(wide_len() >= n);
    }
}
