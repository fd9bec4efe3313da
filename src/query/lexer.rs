//! Tokens of the query language, recognised with nom. Each token keeps its byte range.

use nom::branch::alt;
use nom::bytes::complete::{escaped_transform, is_not, tag, take_while, take_while1};
use nom::character::complete::{char, digit1, one_of};
use nom::combinator::{map, opt, recognize, value};
use nom::sequence::{delimited, pair, tuple};
use nom::IResult;

/// One token.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// An identifier or keyword (keywords are recognised by the parser).
    Ident(String),
    Str(String),
    Num(f64),
    /// A number with a duration unit, in nanoseconds.
    Dur(i64),
    /// `= != < <= > >= ~ !~ ( ) , .`
    Sym(&'static str),
}

/// A token and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

const KEYWORDS: &[&str] = &[
    "and", "or", "not", "in", "contains", "exists", "as", "then", "near", "overlaps", "within",
    "where", "expect", "when", "per",
];

/// True for a reserved word.
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

fn ident(i: &str) -> IResult<&str, Tok> {
    map(
        recognize(pair(
            take_while1(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '@'),
            take_while(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '@'),
        )),
        |s: &str| Tok::Ident(s.to_string()),
    )(i)
}

fn string(i: &str) -> IResult<&str, Tok> {
    let inner = escaped_transform(
        is_not("\\\""),
        '\\',
        alt((
            value("\\", tag("\\")),
            value("\"", tag("\"")),
            value("\n", tag("n")),
            value("\t", tag("t")),
        )),
    );
    map(
        delimited(char('"'), opt(inner), char('"')),
        |s: Option<String>| Tok::Str(s.unwrap_or_default()),
    )(i)
}

fn number(i: &str) -> IResult<&str, Tok> {
    let (rest, text) = recognize(tuple((
        opt(one_of("+-")),
        digit1,
        opt(pair(char('.'), digit1)),
    )))(i)?;
    let (rest2, unit) = opt(alt((
        tag("ns"),
        tag("us"),
        tag("µs"),
        tag("ms"),
        tag("s"),
        tag("m"),
        tag("h"),
    )))(rest)?;
    // A unit must not run into more letters (`5min` is not `5m` + `in`).
    if unit.is_some()
        && rest2
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        let n: f64 = text.parse().unwrap_or(0.0);
        return Ok((rest, Tok::Num(n)));
    }
    match unit {
        Some(u) => {
            let ns = crate::model::time::parse_duration(&format!("{text}{u}")).unwrap_or(0);
            Ok((rest2, Tok::Dur(ns)))
        }
        None => Ok((rest, Tok::Num(text.parse().unwrap_or(0.0)))),
    }
}

fn symbol(i: &str) -> IResult<&str, Tok> {
    map(
        alt((
            tag("!="),
            tag("!~"),
            tag("<="),
            tag(">="),
            tag("=="),
            tag("="),
            tag("<"),
            tag(">"),
            tag("~"),
            tag("("),
            tag(")"),
            tag(","),
            tag("."),
        )),
        |s: &str| {
            Tok::Sym(match s {
                "!=" => "!=",
                "!~" => "!~",
                "<=" => "<=",
                ">=" => ">=",
                "=" | "==" => "=",
                "<" => "<",
                ">" => ">",
                "~" => "~",
                "(" => "(",
                ")" => ")",
                "," => ",",
                _ => ".",
            })
        },
    )(i)
}

/// A lexing failure: where, and what was found.
#[derive(Clone, Debug, PartialEq)]
pub struct LexError {
    pub pos: usize,
    pub message: String,
}

/// Split a query into tokens.
pub fn lex(src: &str) -> Result<Vec<Token>, LexError> {
    let mut out = Vec::new();
    let mut rest = src;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(out);
        }
        let start = src.len() - rest.len();
        let res = alt((string, number, ident, symbol))(rest);
        match res {
            Ok((r, tok)) => {
                let end = src.len() - r.len();
                if matches!(tok, Tok::Dur(_))
                    && crate::model::time::parse_duration(&src[start..end]).is_none()
                {
                    return Err(LexError {
                        pos: start,
                        message: format!(
                            "duration '{}' is too long (at most about 292 years, {}ns)",
                            &src[start..end],
                            i64::MAX
                        ),
                    });
                }
                out.push(Token { tok, start, end });
                rest = r;
            }
            Err(_) => {
                let c = rest.chars().next().unwrap_or(' ');
                let message = if c == '"' {
                    "unterminated string: a closing \" is missing".to_string()
                } else {
                    format!("unexpected character '{c}'")
                };
                return Err(LexError {
                    pos: start,
                    message,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn tokens() {
        assert_eq!(
            toks(r#"dur > 1.5s and msg ~ "a \"b\"""#),
            vec![
                Tok::Ident("dur".into()),
                Tok::Sym(">"),
                Tok::Dur(1_500_000_000),
                Tok::Ident("and".into()),
                Tok::Ident("msg".into()),
                Tok::Sym("~"),
                Tok::Str("a \"b\"".into()),
            ]
        );
        assert_eq!(
            toks("x-id != 5"),
            vec![Tok::Ident("x-id".into()), Tok::Sym("!="), Tok::Num(5.0)]
        );
        assert_eq!(toks(r#""""#), vec![Tok::Str(String::new())]);
        assert!(lex(r#"msg = "open"#).is_err());
        assert_eq!(lex("a = $").unwrap_err().pos, 4);
    }

    #[test]
    fn a_duration_too_long_for_nanoseconds_is_an_error_at_its_position() {
        for (q, pos) in [
            ("dur > 2562048h", 6),
            ("x within 18446744073709551616ns", 9),
        ] {
            let e = lex(q).unwrap_err();
            assert_eq!(e.pos, pos, "{q}");
            assert!(e.message.contains("too long"), "{}", e.message);
        }
        assert_eq!(
            toks("2562047h"),
            vec![Tok::Dur(2_562_047 * 3_600_000_000_000)]
        );
    }
}
