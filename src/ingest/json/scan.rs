//! A one-pass reader for the usual JSON-lines record: it walks the line once and emits the
//! flattened entries (`{"http":{"status":200}}` → `http.status`) directly, with each key's
//! normalised target and interned id remembered per key, instead of building a tree, then
//! flattening it, then classifying and interning every key of every record.
//!
//! It answers only when it is sure: anything unusual (an invalid document, deep nesting) makes
//! it give up, and the caller parses the line with serde_json, which has the last word on what
//! is valid and says why it is not. So on every line it accepts, its entries are exactly what
//! [`super::record::flatten`] makes of serde_json's tree.

pub use super::keys::{KeyInfo, KeyMemo};

use super::keys::{MAX_KEYS, NONE, ROOT};
use super::J;
use crate::ingest::batch::Ctx;
use smallvec::SmallVec;
use std::borrow::Cow;

/// The flattened entries of one record: a key (an index into the [`KeyMemo`]) and a value.
pub type Entries<'a> = SmallVec<[(u32, J<'a>); 24]>;

/// What [`record`] made of a line.
#[derive(Debug, PartialEq, Eq)]
pub enum Scan {
    /// A record: its entries were pushed.
    Record,
    /// A saved repro (a top-level `heisen_repro` key), which is not an event.
    Repro,
    /// Not sure: parse it the general way.
    GiveUp,
}

/// Deeper nesting than this is left to serde_json (whose limit is 128).
const MAX_DEPTH: usize = 100;
/// Read `line` (a JSON object, as a whole) into `out`, or give up.
pub fn record<'a>(line: &'a str, memo: &mut KeyMemo, ctx: &Ctx, out: &mut Entries<'a>) -> Scan {
    if memo.keys.len() > MAX_KEYS {
        memo.clear();
    }
    out.clear();
    let mut s = Scanner {
        text: line,
        b: line.as_bytes(),
        pos: 0,
        memo,
        ctx,
        out,
        repro: false,
    };
    s.ws();
    if s.peek() != Some(b'{') {
        return Scan::GiveUp;
    }
    s.pos += 1;
    if s.object(ROOT, 1).is_none() {
        return Scan::GiveUp;
    }
    s.ws();
    if s.pos != s.b.len() {
        Scan::GiveUp
    } else if s.repro {
        Scan::Repro
    } else {
        Scan::Record
    }
}

/// The bytes that end the plain run of a string: a quote, a backslash, a control character.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// The index of the first quote, backslash or control character in `b`: sixteen bytes at a
/// time (SSE2, which every x86-64 has), then byte by byte.
pub(super) fn special_at(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        while i + 16 <= b.len() {
            // SAFETY: SSE2 is part of x86-64; the load reads the 16 bytes at `i`, in bounds.
            let mask = unsafe {
                let v = _mm_loadu_si128(b.as_ptr().add(i) as *const __m128i);
                let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
                let slash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
                // c < 0x20 exactly when min(c, 0x1f) == c (unsigned).
                let ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
                _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, slash), ctl))
            };
            if mask != 0 {
                return Some(i + mask.trailing_zeros() as usize);
            }
            i += 16;
        }
    }
    b[i..]
        .iter()
        .position(|&c| SPECIAL[c as usize])
        .map(|j| i + j)
}

/// Powers of ten as serde_json's table has them (exact up to 1e22).
const POW10: [f64; 20] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19,
];

struct Scanner<'a, 'm> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    memo: &'m mut KeyMemo,
    ctx: &'m Ctx,
    out: &'m mut Entries<'a>,
    repro: bool,
}

impl<'a> Scanner<'a, '_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// The members of an object whose `{` was just read, up to and including its `}`.
    fn object(&mut self, parent: u32, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Some(());
        }
        // Records of one logger repeat their keys in one order: each key is first compared
        // with the one that followed the key before it last time, and only looked up when
        // it is another.
        let mut guess = self.memo.first_child(parent);
        let mut prev = NONE;
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return None;
            }
            self.pos += 1;
            let id = match self.expected(guess, parent) {
                Some(id) => id,
                None => {
                    let name = self.string()?;
                    self.memo.id(parent, &name, self.ctx)
                }
            };
            self.memo.link(parent, prev, id);
            (prev, guess) = (id, self.memo.keys[id as usize].next);
            self.ws();
            if self.peek() != Some(b':') {
                return None;
            }
            self.pos += 1;
            self.ws();
            let k = &self.memo.keys[id as usize];
            if parent == ROOT && depth == 1 && &*k.name == "heisen_repro" {
                self.repro = true;
            }
            self.member(parent, id, depth)?;
            self.ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Key `guess` (of `parent`) if it is the one whose text starts here (just past its
    /// opening quote), which is then read.
    fn expected(&mut self, guess: u32, parent: u32) -> Option<u32> {
        let k = self.memo.keys.get(guess as usize)?;
        let n = k.name.len();
        let here = self.b.get(self.pos..self.pos + n + 1)?;
        if k.plain && k.parent == parent && here[n] == b'"' && here[..n] == *k.name.as_bytes() {
            self.pos += n + 1;
            Some(guess)
        } else {
            None
        }
    }

    /// The value of member `id` of an object under `parent`.
    fn member(&mut self, parent: u32, id: u32, depth: usize) -> Option<()> {
        if self.peek()? == b'{' {
            self.pos += 1;
            let start = self.pos;
            self.ws();
            let empty = self.peek() == Some(b'}');
            self.pos = start;
            // heisen's own events keep their attributes under "attrs", read back unprefixed
            // (an empty one adds nothing).
            if parent == ROOT && &*self.memo.keys[id as usize].name == "attrs" {
                return self.object(ROOT, depth + 1);
            }
            if empty {
                self.object(ROOT, depth + 1)?;
                self.out.push((id, J::Obj(Vec::new())));
                return Some(());
            }
            return self.object(id, depth + 1);
        }
        self.leaf(id, depth)
    }

    /// A value that is not an object, pushed as entry `id`. Each arm pushes its value where
    /// it is made (moving an `Option<J>` around first costs a stall on every entry).
    fn leaf(&mut self, id: u32, depth: usize) -> Option<()> {
        let v = match self.peek()? {
            b'"' => {
                self.pos += 1;
                if let Some(s) = self.plain_str() {
                    self.out.push((id, J::Str(Cow::Borrowed(s))));
                    return Some(());
                }
                J::Str(self.string()?)
            }
            b'[' => self.array(depth)?,
            b't' => self.literal(b"true", J::Bool(true))?,
            b'f' => self.literal(b"false", J::Bool(false))?,
            b'n' => self.literal(b"null", J::Null)?,
            b'-' | b'0'..=b'9' => return self.number(id),
            _ => return None,
        };
        self.out.push((id, v));
        Some(())
    }

    /// The rest of a string whose opening quote was just read, when it has no escapes (else
    /// nothing is read).
    fn plain_str(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let end = special_at(&self.b[start..])?;
        if self.b[start + end] != b'"' {
            return None;
        }
        self.pos = start + end + 1;
        Some(&self.text[start..start + end])
    }

    fn literal(&mut self, word: &[u8], v: J<'a>) -> Option<J<'a>> {
        if self.b[self.pos..].starts_with(word) {
            self.pos += word.len();
            Some(v)
        } else {
            None
        }
    }

    /// The rest of a string whose opening quote was just read. Strings without escapes are
    /// borrowed; escaped ones are decoded by serde_json.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let start = self.pos;
        let rest = &self.b[start..];
        let end = special_at(rest)?;
        if rest[end] < 0x20 {
            return None;
        }
        if rest[end] == b'"' {
            self.pos = start + end + 1;
            return Some(Cow::Borrowed(&self.text[start..start + end]));
        }
        // Find the closing quote past the escapes, then let serde_json decode (and judge) it.
        let i = self.string_end(start + end)?;
        self.pos = i + 1;
        let quoted = self.text.get(start - 1..i + 1)?;
        serde_json::from_str::<String>(quoted).ok().map(Cow::Owned)
    }

    /// The index of the quote that closes the string whose text goes on at `i`, skipping
    /// escaped characters.
    fn string_end(&self, mut i: usize) -> Option<usize> {
        loop {
            i += memchr::memchr2(b'"', b'\\', self.b.get(i..)?)?;
            if self.b[i] == b'"' {
                return Some(i);
            }
            i += 2;
        }
    }

    /// An array, read by serde_json once its extent is known (arrays are rare in logs, and are
    /// kept whole as one value).
    fn array(&mut self, depth: usize) -> Option<J<'a>> {
        let start = self.pos;
        let mut level = 0usize;
        let mut i = start;
        loop {
            let c = *self.b.get(i)?;
            match c {
                b'[' | b'{' => {
                    level += 1;
                    if depth + level > MAX_DEPTH {
                        return None;
                    }
                }
                b']' | b'}' => {
                    level -= 1;
                    if level == 0 {
                        break;
                    }
                }
                b'"' => i = self.string_end(i + 1)?,
                _ => {}
            }
            i += 1;
        }
        self.pos = i + 1;
        J::parse(self.text.get(start..i + 1)?).ok()
    }

    /// A number. Plain integers, and plain decimals of at most 19 digits, are read here,
    /// computed as serde_json computes them without its `float_roundtrip` feature: the digits
    /// as one integer, converted and divided by the power of ten of the fraction's length.
    /// Anything else (exponents, longer numbers, `-0`) is read by serde_json itself.
    fn number(&mut self, id: u32) -> Option<()> {
        let start = self.pos;
        let tail = &self.b[start..];
        let len = tail
            .iter()
            .position(|c| !matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            .unwrap_or(tail.len());
        let tok = &tail[..len];
        self.pos = start + len;
        let (neg, rest) = match tok.split_first() {
            Some((b'-', d)) => (true, d),
            _ => (false, tok),
        };
        let (int, frac) = match rest.iter().position(|&c| c == b'.') {
            Some(dot) => (&rest[..dot], Some(&rest[dot + 1..])),
            None => (rest, None),
        };
        let digits = |d: &[u8]| d.iter().all(u8::is_ascii_digit);
        let int_ok = !int.is_empty() && digits(int) && (int[0] != b'0' || int.len() == 1);
        let value = |d: &[u8], acc: u64| d.iter().fold(acc, |n, &c| n * 10 + u64::from(c - b'0'));
        match frac {
            None if int_ok && int.len() <= 18 && !(neg && int == b"0") => {
                let n = value(int, 0) as i64;
                self.out.push((id, J::Int(if neg { -n } else { n })));
                return Some(());
            }
            Some(f) if int_ok && !f.is_empty() && digits(f) && int.len() + f.len() <= 19 => {
                let n = value(f, value(int, 0)) as f64 / POW10[f.len()];
                self.out.push((id, J::Float(if neg { -n } else { n })));
                return Some(());
            }
            _ => {}
        }
        let v = J::parse(self.text.get(start..start + len)?).ok()?;
        self.out.push((id, v));
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::json::record::{flatten, Flat};
    use crate::model::Strings;
    use proptest::prelude::*;

    /// What the general path makes of a line: serde_json's tree, flattened.
    fn general(line: &str) -> Option<Vec<(String, J<'static>)>> {
        match J::parse(line).ok()? {
            J::Obj(entries) => {
                let mut flat = Flat::new();
                flatten(&entries, &mut flat);
                Some(
                    flat.iter()
                        .map(|(k, v)| (k.to_string(), owned(v)))
                        .collect(),
                )
            }
            _ => None,
        }
    }

    fn scanned(line: &str, ctx: &Ctx) -> (Scan, Vec<(String, J<'static>)>) {
        let mut memo = KeyMemo::default();
        let mut out = Entries::new();
        let r = record(line, &mut memo, ctx, &mut out);
        let entries = out
            .iter()
            .map(|(id, v)| (memo.get(*id).full.to_string(), owned(v)))
            .collect();
        (r, entries)
    }

    fn owned(v: &J) -> J<'static> {
        match v {
            J::Null => J::Null,
            J::Bool(b) => J::Bool(*b),
            J::Int(i) => J::Int(*i),
            J::UInt(u) => J::UInt(*u),
            J::Float(f) => J::Float(*f),
            J::Str(s) => J::Str(Cow::Owned(s.to_string())),
            J::Arr(a) => J::Arr(a.iter().map(owned).collect()),
            J::Obj(o) => J::Obj(
                o.iter()
                    .map(|(k, v)| (Cow::Owned(k.to_string()), owned(v)))
                    .collect(),
            ),
        }
    }

    /// The scanner either gives up or agrees exactly with the general path (floats by bits).
    fn agrees(line: &str) -> Result<Scan, TestCaseError> {
        let ctx = Ctx::new(Strings::new());
        let (r, got) = scanned(line, &ctx);
        if r == Scan::GiveUp {
            return Ok(r);
        }
        let Some(want) = general(line) else {
            return Err(TestCaseError::fail(format!(
                "accepted what serde_json refuses: {line:?}"
            )));
        };
        let exact = |v: &[(String, J)]| -> Vec<(String, String)> {
            v.iter().map(|(k, v)| (k.clone(), exact_text(v))).collect()
        };
        prop_assert_eq!(exact(&got), exact(&want), "{:?}", line);
        Ok(r)
    }

    /// A value's debug text, with floats by their bits.
    fn exact_text(v: &J) -> String {
        match v {
            J::Float(f) => format!("F{:x}", f.to_bits()),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn usual_records_are_read_here() {
        for line in [
            r#"{"level":30,"time":1763890200000,"pid":25895,"msg":"db write committed","latency_ms":2992}"#,
            r#"{"level":"info","ts":1763890200.000218,"http":{"method":"POST","status_code":200},"a":{}}"#,
            r#" { "ts" : "2025-11-23T09:30:00Z" , "msg" : "tab\tand \"quote\" \u00e9 \ud83d\ude00", "x" : [1, {"y": [2]}], "n": null, "t": true, "f": false } "#,
            r#"{"attrs":{"k":1,"attrs":{"j":2},"o":{"p":3}},"m":{"attrs":{"q":4}},"e":{"attrs":{}},"attrs":{}}"#,
            r#"{"d16":1763890200.000218,"d19":0.1234567890123456789,"d19b":9999999999.999999999,"d20":0.12345678901234567890,"neg":-12,"zero":0,"negzero":-0,"big":123456789012345678901,"u":18446744073709551615,"f":1e5,"g":-1.5E-3}"#,
            r#"{"dup":1,"dup":"two","a.b":1,"a":{"b":2}}"#,
            r#"{}"#,
        ] {
            assert_eq!(agrees(line).unwrap(), Scan::Record, "{line}");
        }
    }

    #[test]
    fn invalid_or_unusual_lines_are_left_to_serde() {
        for line in [
            r#"{"a":1"#,
            r#"{"a":1}}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":-}"#,
            r#"{"a":tru}"#,
            r#"{"a":"x	y"}"#,
            r#"{"a":"\x"}"#,
            r#"{"a" 1}"#,
            r#"{"a":1,}"#,
            r#"{a:1}"#,
            r#"{"a":[1,2}"#,
            r#"[1]"#,
            "{\"a\":\"\\ud800\"}",
        ] {
            assert_eq!(agrees(line).unwrap(), Scan::GiveUp, "{line}");
        }
        let deep = format!("{}1{}", "{\"a\":".repeat(120), "}".repeat(120));
        assert_eq!(agrees(&deep).unwrap(), Scan::GiveUp);
    }

    #[test]
    fn special_bytes_are_found_in_and_after_the_wide_steps() {
        for len in 0..40 {
            for at in 0..len {
                for c in [b'"', b'\\', 0u8, 0x1f, b'\n'] {
                    let mut b = vec![b'a'; len];
                    b[at] = c;
                    if at + 1 < len {
                        b[at + 1] = b'"';
                    }
                    assert_eq!(special_at(&b), Some(at), "{len} {at} {c}");
                }
            }
            // Bytes that are not special, high ones included.
            let plain: Vec<u8> = (0..len)
                .map(|i| [b' ', b'~', 0x80, 0xff, 0x20][i % 5])
                .collect();
            assert_eq!(special_at(&plain), None);
        }
    }

    #[test]
    fn a_repro_is_recognised_at_the_top_only() {
        let ctx = Ctx::new(Strings::new());
        assert_eq!(scanned(r#"{"heisen_repro":{"v":1}}"#, &ctx).0, Scan::Repro);
        assert_eq!(scanned(r#"{"x":{"heisen_repro":1}}"#, &ctx).0, Scan::Record);
    }

    #[test]
    fn keys_are_remembered_once_with_their_targets() {
        let ctx = Ctx::new(Strings::new());
        let mut memo = KeyMemo::default();
        let mut out = Entries::new();
        for _ in 0..3 {
            record(
                r#"{"trace":{"id":"t1"},"msg":"m"}"#,
                &mut memo,
                &ctx,
                &mut out,
            );
        }
        assert_eq!(memo.keys.len(), 3); // trace, trace.id, msg
        let k = memo.get(out[0].0);
        assert_eq!(&*k.full, "trace.id");
        assert_eq!(
            k.class.map(|c| c.0),
            Some(crate::ingest::json::fields::Target::Trace)
        );
        assert_eq!(ctx.strings.resolve(k.sym), "trace.id");
    }

    fn json_value() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_string()),
            Just("true".to_string()),
            Just("false".to_string()),
            any::<i64>().prop_map(|i| i.to_string()),
            any::<u64>().prop_map(|u| u.to_string()),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| format!("{f:e}")),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| f.to_string()),
            "[ -~]{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap()),
            any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap()),
            "-?[0-9]{1,22}(\\.[0-9]{0,19})?([eE][-+]?[0-9]{0,3})?",
        ];
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                prop::collection::vec(("(attrs|a|b|[a-z.]{1,4}|heisen_repro)", inner), 0..4)
                    .prop_map(|v| {
                        let members: Vec<String> = v
                            .into_iter()
                            .map(|(k, v)| format!("\"{k}\" : {v}"))
                            .collect();
                        format!("{{ {} }}", members.join(" ,"))
                    }),
            ]
        })
    }

    proptest! {
        #[test]
        fn agrees_with_serde_on_generated_records(v in json_value()) {
            agrees(&format!("{{\"v\":{v},\"w\":{v}}}"))?;
            agrees(&v)?;
        }

        #[test]
        fn agrees_with_serde_on_damaged_records(v in json_value(), cut in any::<prop::sample::Index>(), byte in any::<u8>()) {
            let line = format!("{{\"v\":{v}}}");
            let at = cut.index(line.len());
            if line.is_char_boundary(at) {
                agrees(&line[..at])?;
                if byte.is_ascii() {
                    let mut s = line.clone();
                    s.insert(at, byte as char);
                    agrees(&s)?;
                }
            }
        }
    }
}
