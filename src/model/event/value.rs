//! Typed values and attributes: an interned key beside a value packed into 35 bits.

use crate::model::packed;
use crate::model::strings::{Strings, Sym};

/// A typed value: attribute values and schedule `value`s. Strings are interned.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Sym),
}

impl Value {
    /// The value as JSON.
    pub fn to_json(self, strings: &Strings) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => b.into(),
            Value::Int(i) => i.into(),
            Value::Float(f) => serde_json::Number::from_f64(f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::Str(s) => strings.resolve(s).into(),
        }
    }
    /// The value as display text (strings unquoted).
    pub fn to_text(self, strings: &Strings) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Str(s) => strings.resolve(s).to_string(),
        }
    }
    /// The value as a number, when it is one or is text that reads as one (`"500"`).
    pub fn as_f64(self, strings: &Strings) -> Option<f64> {
        match self {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            Value::Str(s) => strings.resolve(s).trim().parse().ok(),
            _ => None,
        }
    }
    /// True for `Null`.
    pub fn is_null(self) -> bool {
        matches!(self, Value::Null)
    }
}

/// One attribute: an interned key and a typed value, in 8 bytes (the pool holds several per
/// event): the value's tag (see [`super::packed`]) sits in the low bits of the key word, its
/// payload in the other word.
#[derive(Clone, Copy)]
pub struct Attr {
    word: u32,
    payload: u32,
}

/// Bits of the key word that hold the value's tag.
pub(super) const TAG_BITS: u32 = packed::TAG_BITS;
const TAG_MASK: u32 = (1 << TAG_BITS) - 1;

impl Attr {
    /// The largest key index an attribute can hold (2^29 − 1 distinct strings).
    pub const MAX_KEY: usize = (u32::MAX >> TAG_BITS) as usize;

    /// An attribute. Keys are interned early (they repeat), so the limit on the key's index
    /// is far beyond any input.
    ///
    /// # Panics
    /// When the key's index is above [`Attr::MAX_KEY`]; parsers use [`Attr::try_new`].
    pub fn new(key: Sym, value: Value) -> Attr {
        Self::try_new(key, value)
            .unwrap_or_else(|| panic!("attribute key index {} out of range", key.into_usize()))
    }
    /// An attribute, or `None` when the key's index is above [`Attr::MAX_KEY`].
    pub fn try_new(key: Sym, value: Value) -> Option<Attr> {
        let k = key.into_usize();
        if k > Self::MAX_KEY {
            return None;
        }
        let (tag, payload) = packed::pack(value);
        Some(Attr {
            word: ((k as u32) << TAG_BITS) | u32::from(tag),
            payload,
        })
    }
    /// The key.
    pub fn key(&self) -> Sym {
        Sym::from_usize((self.word >> TAG_BITS) as usize)
    }
    /// The value.
    pub fn value(&self) -> Value {
        packed::unpack((self.word & TAG_MASK) as u8, self.payload)
    }
    /// The id of a string value (other values are not unpacked).
    pub fn str_sym(&self) -> Option<Sym> {
        ((self.word & TAG_MASK) as u8 == packed::STR)
            .then(|| Sym::from_usize(self.payload as usize))
    }
    /// Replace the id of a string value (see [`Attr::str_sym`]); other values are left alone.
    pub fn set_str_sym(&mut self, s: Sym) {
        if (self.word & TAG_MASK) as u8 == packed::STR {
            self.payload = s.into_usize() as u32;
        }
    }
}

impl PartialEq for Attr {
    fn eq(&self, o: &Attr) -> bool {
        self.key() == o.key() && self.value() == o.value()
    }
}

impl std::fmt::Debug for Attr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attr")
            .field("key", &self.key())
            .field("value", &self.value())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Sym;
    #[test]
    fn attributes_round_trip_every_kind() {
        use super::{Attr, Value};
        let s = crate::model::Strings::new();
        let k = s.intern("k");
        for v in [
            Value::Null,
            Value::Bool(true),
            Value::Bool(false),
            Value::Int(-5),
            Value::Int(i64::MIN),
            Value::Float(-2.5),
            Value::Float(f64::INFINITY),
            Value::Str(s.intern("v")),
        ] {
            let a = Attr::new(k, v);
            assert_eq!((a.key(), a.value()), (k, v));
        }
    }

    #[test]
    fn attributes_keep_wide_numbers_and_float_bits() {
        use super::{Attr, Value};
        let s = crate::model::Strings::new();
        let k = s.intern("k");
        for v in [
            Value::Int(i64::MAX),
            Value::Int(i32::MIN as i64 - 1),
            Value::Float(0.1),
            Value::Float(-0.0),
        ] {
            let a = Attr::new(k, v);
            assert_eq!((a.key(), a.value()), (k, v));
        }
        let neg_zero = Attr::new(k, Value::Float(-0.0)).value();
        assert!(matches!(neg_zero, Value::Float(f) if f.to_bits() == (-0.0f64).to_bits()));
        let nan = Attr::new(k, Value::Float(f64::NAN)).value();
        assert!(matches!(nan, Value::Float(f) if f.to_bits() == f64::NAN.to_bits()));
        // Equal values compare equal wherever they were pooled; NaN stays unequal, as before.
        assert_eq!(
            Attr::new(k, Value::Int(1 << 40)),
            Attr::new(k, Value::Int(1 << 40))
        );
        assert_ne!(
            Attr::new(k, Value::Float(f64::NAN)),
            Attr::new(k, Value::Float(f64::NAN))
        );
        let big = Sym::from_usize(Attr::MAX_KEY);
        assert_eq!(Attr::new(big, Value::Bool(true)).key(), big);
    }

    #[test]
    #[should_panic(expected = "out of range")]
    fn attribute_key_beyond_the_limit_panics() {
        super::Attr::new(
            Sym::from_usize(super::Attr::MAX_KEY + 1),
            super::Value::Null,
        );
    }
}
