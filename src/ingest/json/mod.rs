//! A borrowed JSON value (strings without escapes are not copied) and helpers shared by the
//! JSON-based parsers.
//!
//! Beside it: [`scan`] (the one-pass record reader) with [`keys`] (the keys it has met),
//! [`record`] (records → events) and [`fields`] (which keys fill which event field).

pub mod fields;
pub mod keys;
pub mod record;
pub mod scan;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Append `s` as a JSON string literal (quoted and escaped).
pub fn push_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// A JSON value that borrows from the input where it can.
#[derive(Clone, Debug, PartialEq)]
pub enum J<'a> {
    Null,
    Bool(bool),
    Int(i64),
    /// An unsigned integer above `i64::MAX`.
    UInt(u64),
    Float(f64),
    Str(Cow<'a, str>),
    Arr(Vec<J<'a>>),
    /// Entries in document order.
    Obj(Vec<(Cow<'a, str>, J<'a>)>),
}

impl<'a> J<'a> {
    /// True when the value holds no memory of its own (a scalar, or text borrowed from the
    /// input), so that forgetting it leaks nothing.
    pub fn owns_nothing(&self) -> bool {
        !matches!(self, J::Str(Cow::Owned(_)) | J::Arr(_) | J::Obj(_))
    }

    /// Parse one JSON document.
    pub fn parse(s: &'a str) -> Result<J<'a>, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(s);
        let v = <J as serde::Deserialize>::deserialize(&mut de)?;
        de.end()?;
        Ok(v)
    }

    /// Look up a key in an object.
    pub fn get(&self, key: &str) -> Option<&J<'a>> {
        match self {
            J::Obj(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            J::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The number as i64 (integers, integral floats, numeric strings).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            J::Int(i) => Some(*i),
            J::UInt(u) => i64::try_from(*u).ok(),
            J::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(*f as i64),
            J::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The number as f64 (numbers and numeric strings).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            J::Int(i) => Some(*i as f64),
            J::UInt(u) => Some(*u as f64),
            J::Float(f) => Some(*f),
            J::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The array's items, if this is one.
    pub fn as_array(&self) -> Option<&[J<'a>]> {
        match self {
            J::Arr(a) => Some(a),
            _ => None,
        }
    }

    /// The object's entries, if this is one.
    pub fn as_object(&self) -> Option<&[(Cow<'a, str>, J<'a>)]> {
        match self {
            J::Obj(o) => Some(o),
            _ => None,
        }
    }

    /// Scalars as display text (strings unquoted); arrays and objects as compact JSON.
    pub fn to_text(&self) -> String {
        match self {
            J::Str(s) => s.to_string(),
            other => {
                let mut out = String::new();
                other.write_json(&mut out);
                out
            }
        }
    }

    /// Append compact JSON.
    pub fn write_json(&self, out: &mut String) {
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Int(i) => out.push_str(&i.to_string()),
            J::UInt(u) => out.push_str(&u.to_string()),
            J::Float(f) => out.push_str(
                &serde_json::Number::from_f64(*f)
                    .map_or_else(|| "null".to_string(), |n| n.to_string()),
            ),
            J::Str(s) => push_str(out, s),
            J::Arr(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write_json(out);
                }
                out.push(']');
            }
            J::Obj(o) => {
                out.push('{');
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    push_str(out, k);
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

struct CowStr;

impl<'de> Visitor<'de> for CowStr {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

impl<'de> DeserializeSeed<'de> for CowStr {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(CowStr)
    }
}

struct JVisitor;

impl<'de> Visitor<'de> for JVisitor {
    type Value = J<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<J<'de>, E> {
        Ok(J::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<J<'de>, E> {
        Ok(J::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<J<'de>, E> {
        Ok(J::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<J<'de>, E> {
        Ok(i64::try_from(v).map_or(J::UInt(v), J::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<J<'de>, E> {
        Ok(J::Float(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<J<'de>, E> {
        Ok(J::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<J<'de>, E> {
        Ok(J::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<J<'de>, E> {
        Ok(J::Str(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<J<'de>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(4));
        while let Some(v) = seq.next_element::<J<'de>>()? {
            out.push(v);
        }
        Ok(J::Arr(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<J<'de>, A::Error> {
        let mut out = Vec::with_capacity(map.size_hint().unwrap_or(16));
        while let Some(k) = map.next_key_seed(CowStr)? {
            let v = map.next_value::<J<'de>>()?;
            out.push((k, v));
        }
        Ok(J::Obj(out))
    }
}

impl<'de> serde::Deserialize<'de> for J<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JVisitor)
    }
}

/// The elements of a JSON array document, parsed one by one so that a truncated document
/// (a crash mid-write, or the closing `]` omitted) still yields every complete element before
/// the cut. `text` must start (after whitespace) with `[`. Returns the elements and, when the
/// document is cut or broken, the byte offset and reason where reading stopped.
pub fn array_elements(text: &str) -> (Vec<J<'_>>, Option<(usize, String)>) {
    let bytes = text.as_bytes();
    let mut i = skip_ws(bytes, 0);
    let mut out = Vec::new();
    if bytes.get(i) != Some(&b'[') {
        return (out, Some((i, "expected '['".into())));
    }
    i += 1;
    loop {
        i = skip_ws(bytes, i);
        match bytes.get(i) {
            None => return (out, None), // closing bracket omitted: allowed for trace files
            Some(b']') => return (out, None),
            Some(b',') => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let rest = &text[i..];
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<J>();
        match stream.next() {
            Some(Ok(v)) => {
                i += stream.byte_offset();
                out.push(v);
            }
            Some(Err(e)) => {
                let reason = if e.is_eof() {
                    "document truncated inside an element".to_string()
                } else {
                    e.to_string()
                };
                return (out, Some((i, reason)));
            }
            None => return (out, None),
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Line numbers of values inside a parsed document, for parsers that report `file:line` for
/// records found deep in one JSON document. Built once per document (one pass over newlines).
pub struct Lines<'t> {
    text: &'t str,
    newlines: Vec<usize>,
}

impl<'t> Lines<'t> {
    /// Index the newlines of `text`.
    pub fn new(text: &'t str) -> Self {
        Lines {
            text,
            newlines: memchr::memchr_iter(b'\n', text.as_bytes()).collect(),
        }
    }

    /// 1-based line of a byte offset.
    pub fn line_at(&self, offset: usize) -> u32 {
        self.newlines.partition_point(|&n| n < offset) as u32 + 1
    }

    /// 1-based line where an object or array parsed from this text starts, found through the
    /// first string it borrows from the text (a key without escapes). 0 when it borrows none.
    pub fn line_of_value(&self, v: &J) -> u32 {
        self.offset_of(v).map_or(0, |o| self.line_at(o))
    }

    fn offset_of(&self, v: &J) -> Option<usize> {
        let base = self.text.as_ptr() as usize;
        let within = |s: &str| {
            let p = s.as_ptr() as usize;
            (p >= base && p <= base + self.text.len()).then(|| p - base)
        };
        match v {
            J::Str(Cow::Borrowed(s)) => within(s),
            J::Obj(entries) => entries.iter().find_map(|(k, v)| match k {
                Cow::Borrowed(k) => within(k),
                Cow::Owned(_) => self.offset_of(v),
            }),
            J::Arr(items) => items.iter().find_map(|x| self.offset_of(x)),
            _ => None,
        }
    }
}

/// 1-based line number of a byte offset.
pub fn line_of(text: &str, offset: usize) -> u32 {
    let end = offset.min(text.len());
    memchr::memchr_iter(b'\n', &text.as_bytes()[..end]).count() as u32 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrows_plain_strings() {
        let j = J::parse(r#"{"a":"x","b":"y\n","c":[1,2.5,null],"d":{"e":true}}"#).unwrap();
        assert!(matches!(j.get("a"), Some(J::Str(Cow::Borrowed("x")))));
        assert!(matches!(j.get("b"), Some(J::Str(Cow::Owned(_)))));
        assert_eq!(j.get("c").unwrap().to_text(), "[1,2.5,null]");
        assert_eq!(j.get("d").unwrap().get("e"), Some(&J::Bool(true)));
    }

    #[test]
    fn lines_of_nested_values() {
        let text = "{\n \"a\": [\n  {\"x\": 1},\n  {\"y\\n\": {\"z\": 2}}\n ]\n}";
        let j = J::parse(text).unwrap();
        let lines = Lines::new(text);
        let a = j.get("a").and_then(J::as_array).unwrap();
        assert_eq!(lines.line_of_value(&a[0]), 3);
        // an escaped key is skipped in favour of the first borrowed string inside
        assert_eq!(lines.line_of_value(&a[1]), 4);
        assert_eq!(lines.line_of_value(&J::Int(1)), 0);
        assert_eq!(lines.line_at(0), 1);
        assert_eq!(lines.line_at(text.len()), 6);
    }

    #[test]
    fn truncated_array_keeps_complete_elements() {
        let (v, err) = array_elements(r#"[{"a":1},{"a":2},{"a":"#);
        assert_eq!(v.len(), 2);
        assert!(err.is_some());
        let (v, err) = array_elements("[{\"a\":1},\n{\"a\":2}\n");
        assert_eq!(v.len(), 2);
        assert!(err.is_none());
    }
}
