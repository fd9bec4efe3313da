//! Making untrusted text safe to show: control characters and escape sequences are escaped,
//! never sent to the terminal.

use std::borrow::Cow;

/// Escape control characters (ESC, BEL, backspace, CR, …) as `\x1b`-style text; newlines and
/// tabs become `\n` and `\t` when `one_line`, otherwise they are kept.
pub fn sanitize(s: &str, one_line: bool) -> Cow<'_, str> {
    let bad = |c: char| {
        ((one_line || !matches!(c, '\n' | '\t')) && c.is_control())
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
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
