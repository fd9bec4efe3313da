//! Making untrusted text safe to show: control characters and escape sequences are escaped,
//! never sent to the terminal.

use std::borrow::Cow;

/// Escape control characters (ESC, BEL, backspace, CR, …) as `\x1b`-style text; newlines and
/// tabs become `\n` and `\t` when `one_line`, otherwise they are kept. Characters that are
/// invisible yet change what the terminal shows are escaped too (`\u{202e}`): see
/// [`is_invisible_control`].
pub fn sanitize(s: &str, one_line: bool) -> Cow<'_, str> {
    let bad = |c: char| {
        ((one_line || !matches!(c, '\n' | '\t')) && c.is_control()) || is_invisible_control(c)
    };
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !bad(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// Bidirectional controls (U+061C, U+200E/F, U+202A–202E, U+2066–2069), which reorder the
/// text around them, and invisible characters that can hide or split text: zero width space
/// (U+200B), line and paragraph separators (U+2028/9), word joiner and invisible operators
/// (U+2060–2064), the byte order mark (U+FEFF) and interlinear annotations (U+FFF9–FFFB).
/// Zero width (non-)joiners stay: scripts and emoji sequences need them.
pub fn is_invisible_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200b}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
    )
}

/// JSON written by heisen: like `serde_json`, which escapes C0 controls, but C1 controls
/// (U+0080–U+009F, such as the 8-bit CSI U+009B) and the characters of
/// [`is_invisible_control`] are written as `\uXXXX` escapes too, so JSON output is as safe on
/// a terminal as text output. The value read back is the same.
pub mod json {
    use serde::Serialize;
    use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
    use std::io::{self, Write};

    /// Wraps a formatter; escapes what [`super::sanitize`] would escape in strings.
    struct Safe<F>(F);

    fn unsafe_char(c: char) -> bool {
        ('\u{80}'..='\u{9f}').contains(&c) || super::is_invisible_control(c)
    }

    macro_rules! delegate {
        ($($name:ident),*) => {$(
            fn $name<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
                self.0.$name(w)
            }
        )*};
    }

    impl<F: Formatter> Formatter for Safe<F> {
        delegate!(
            begin_array,
            end_array,
            end_array_value,
            begin_object,
            end_object,
            begin_object_value,
            end_object_value
        );

        fn begin_array_value<W: ?Sized + Write>(
            &mut self,
            w: &mut W,
            first: bool,
        ) -> io::Result<()> {
            self.0.begin_array_value(w, first)
        }

        fn begin_object_key<W: ?Sized + Write>(
            &mut self,
            w: &mut W,
            first: bool,
        ) -> io::Result<()> {
            self.0.begin_object_key(w, first)
        }

        fn write_string_fragment<W: ?Sized + Write>(
            &mut self,
            w: &mut W,
            s: &str,
        ) -> io::Result<()> {
            let mut from = 0;
            for (i, c) in s.char_indices().filter(|&(_, c)| unsafe_char(c)) {
                w.write_all(&s.as_bytes()[from..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                from = i + c.len_utf8();
            }
            w.write_all(&s.as_bytes()[from..])
        }
    }

    /// Write `v` as one line of JSON.
    pub fn write<W: Write, T: Serialize + ?Sized>(w: W, v: &T) -> serde_json::Result<()> {
        v.serialize(&mut serde_json::Serializer::with_formatter(
            w,
            Safe(CompactFormatter),
        ))
    }

    /// Write `v` as indented JSON.
    pub fn write_pretty<W: Write, T: Serialize + ?Sized>(w: W, v: &T) -> serde_json::Result<()> {
        let f = Safe(PrettyFormatter::new());
        v.serialize(&mut serde_json::Serializer::with_formatter(w, f))
    }

    /// `v` as one line of JSON.
    pub fn to_string<T: Serialize + ?Sized>(v: &T) -> serde_json::Result<String> {
        let mut out = Vec::new();
        write(&mut out, v)?;
        // Only whole UTF-8 strings and ASCII were written.
        Ok(String::from_utf8(out).expect("JSON is UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(sanitize("plain", true), "plain");
        assert_eq!(sanitize("\x1b[31mred\x07", true), "\\x1b[31mred\\x07");
        assert_eq!(sanitize("a\nb\tc", true), "a\\nb\\tc");
        assert_eq!(sanitize("a\nb", false), "a\nb");
        assert_eq!(sanitize("x\u{202e}y", false), "x\\u{202e}y");
        assert_eq!(sanitize("\u{9b}2J", true), "\\x9b2J");
    }

    #[test]
    fn json_escapes_c1_and_bidi_controls_and_reads_back() {
        let v = serde_json::json!({"k\u{202e}": ["\u{1b}]0;X\u{7}", "\u{9b}2J é→"]});
        let text = json::to_string(&v).unwrap();
        assert_eq!(text, r#"{"k\u202e":["\u001b]0;X\u0007","\u009b2J é→"]}"#);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), v);
        let mut pretty = Vec::new();
        json::write_pretty(&mut pretty, &v).unwrap();
        let plain =
            serde_json::to_string_pretty(&serde_json::json!({"a": [1, {"b": "c"}]})).unwrap();
        let mut ours = Vec::new();
        json::write_pretty(&mut ours, &serde_json::json!({"a": [1, {"b": "c"}]})).unwrap();
        assert_eq!(String::from_utf8(ours).unwrap(), plain);
        assert!(!pretty.iter().any(|&b| b == 0x9b || b == 0x1b));
    }
}

/// A Drain-style template of a message: numbers, hex ids, UUIDs and quoted values masked, so
/// that `took 12ms for req 8f3a…` and `took 7ms for req 1b2c…` compare equal.
pub fn template(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, word) in s.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let w = word.trim_matches(|c: char| matches!(c, ',' | ';' | ')' | '(' | '[' | ']'));
        let digits = w.chars().filter(char::is_ascii_digit).count();
        let hexish = w.len() >= 8 && w.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        let quoted = w.len() >= 2
            && (w.starts_with('"') && w.ends_with('"') || w.starts_with('\'') && w.ends_with('\''));
        if quoted || hexish || (digits > 0 && digits * 2 >= w.chars().count().max(1)) {
            out.push_str("<*>");
        } else if digits > 0 {
            // mask digit runs inside a word: blk_123 -> blk_<*>, id=42 -> id=<*>
            let mut in_run = false;
            for c in word.chars() {
                if c.is_ascii_digit() {
                    if !in_run {
                        out.push_str("<*>");
                    }
                    in_run = true;
                } else {
                    in_run = false;
                    out.push(c);
                }
            }
        } else {
            out.push_str(word);
        }
    }
    out
}

#[cfg(test)]
mod template_tests {
    use super::template;

    #[test]
    fn masks_variable_parts() {
        assert_eq!(
            template("took 12ms for req 8f3a9c1d22"),
            "took <*> for req <*>"
        );
        assert_eq!(
            template("block blk_123 id=42 done"),
            "block blk_<*> id=<*> done"
        );
        assert_eq!(template("user \"bob\" logged in"), "user <*> logged in");
        assert_eq!(template("GET /cart"), "GET /cart");
    }
}
