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
