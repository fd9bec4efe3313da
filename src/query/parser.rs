//! Recursive-descent parser over the nom tokens, producing the AST with positions.
//!
//! ```text
//! query      := hypothesis | pattern | filter
//! hypothesis := "expect" filter "when" (pattern | filter) "per" field
//! pattern    := step (("then" | "near" | "overlaps") step)+ ["within" DURATION] ["where" cond]
//! step       := "(" filter ")" "as" NAME
//! filter     := and ("or" and)*          and := unary ("and" unary)*
//! unary      := "not" unary | "(" filter ")" | "exists" "(" field ")" | STRING | comparison
//! comparison := field (op literal | "in" "(" literal ("," literal)* ")")
//! op         := "=" | "!=" | "<" | "<=" | ">" | ">=" | "~" | "!~" | "contains"
//! field      := NAME ("." NAME)* | "attrs" "." STRING
//! literal    := STRING | NUMBER | DURATION | WORD
//! cond       := cand ("or" cand)*   cand := cnot ("and" cnot)*
//! cnot       := "not" cnot | "(" cond ")" | operand op operand
//! operand    := NAME "." field | literal
//! ```

use super::ast::*;
use super::error::QueryError;
use super::lexer::{is_keyword, lex, Tok, Token};

/// How deep a query may nest: parentheses, `not`s and the `and`/`or`s of a chain each add a
/// level. The parser and everything that walks the tree recurse, so a bound keeps hostile
/// queries (`(`×10 000, `not `×25 000) from overflowing the stack; they get a syntax error.
/// 128 levels parse, compile and run on a 2 MiB thread stack in a debug build (about 300 do).
pub const MAX_DEPTH: usize = 128;

/// Parse a whole query.
pub fn parse(src: &str) -> Result<Query, QueryError> {
    let toks = lex(src).map_err(|e| {
        // The whole offending character, which may be more than one byte.
        let len = src[e.pos..].chars().next().map_or(1, char::len_utf8);
        QueryError::new(e.pos, e.pos + len, e.message)
    })?;
    let mut p = Parser {
        toks,
        pos: 0,
        len: src.len(),
        depth: 0,
    };
    if p.toks.is_empty() {
        return Err(QueryError::new(
            0,
            0,
            "empty query: expected a filter, a pattern or `expect …`",
        ));
    }
    let q = p.query()?;
    if let Some(t) = p.peek() {
        return Err(QueryError::new(
            t.start,
            t.end,
            format!("unexpected {} after a complete query", describe(&t.tok)),
        ));
    }
    Ok(q)
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    len: usize,
    /// Levels of nesting around the cursor (see [`MAX_DEPTH`]).
    depth: usize,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) if is_keyword(s) => format!("keyword '{s}'"),
        Tok::Ident(s) => format!("'{s}'"),
        Tok::Str(s) => format!("string {}", quote(s)),
        Tok::Num(n) => format!("number {n}"),
        Tok::Dur(d) => format!("duration {}", crate::model::time::format_duration(*d)),
        Tok::Sym(s) => format!("'{s}'"),
    }
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }
    fn peek_at(&self, k: usize) -> Option<&Token> {
        self.toks.get(self.pos + k)
    }
    fn here(&self) -> (usize, usize) {
        self.peek()
            .map_or((self.len, self.len), |t| (t.start, t.end))
    }
    /// The keyword at offset `k`, unless a `.` follows it at once: `in.bytes` or `or.x` is a
    /// field name, not a keyword.
    fn kw_at(&self, k: usize) -> Option<&str> {
        match self.peek_at(k) {
            Some(Token {
                tok: Tok::Ident(s),
                end,
                ..
            }) if is_keyword(s) => {
                let dotted = matches!(
                    self.peek_at(k + 1),
                    Some(Token { tok: Tok::Sym("."), start, .. }) if start == end
                );
                (!dotted).then_some(s.as_str())
            }
            _ => None,
        }
    }
    fn is_kw(&self, kw: &str) -> bool {
        self.kw_at(0) == Some(kw)
    }
    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Sym(x), .. }) if *x == s)
    }
    fn eat_kw(&mut self, kw: &str) -> bool {
        let ok = self.is_kw(kw);
        if ok {
            self.pos += 1;
        }
        ok
    }
    fn eat_sym(&mut self, s: &str) -> bool {
        let ok = self.is_sym(s);
        if ok {
            self.pos += 1;
        }
        ok
    }
    fn expected(&self, what: &str) -> QueryError {
        let (s, e) = self.here();
        let found = self
            .peek()
            .map_or("the end of the query".to_string(), |t| describe(&t.tok));
        QueryError::new(s, e, format!("expected {what}, found {found}"))
    }
    /// Run `f` one level deeper, or fail at the cursor past [`MAX_DEPTH`].
    fn nested<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, QueryError>,
    ) -> Result<T, QueryError> {
        self.deeper()?;
        let r = f(self);
        self.depth -= 1;
        r
    }
    /// One level deeper (undone by the caller), or an error past [`MAX_DEPTH`].
    fn deeper(&mut self) -> Result<(), QueryError> {
        if self.depth >= MAX_DEPTH {
            let (s, e) = self.here();
            return Err(QueryError::new(
                s,
                e,
                format!(
                    "the query nests deeper than {MAX_DEPTH} levels (parentheses, `not`s, \
                     `and`/`or` chains; for many values use `field in (a, b, …)`)"
                ),
            ));
        }
        self.depth += 1;
        Ok(())
    }
    fn expect_sym(&mut self, s: &str, what: &str) -> Result<(), QueryError> {
        if self.eat_sym(s) {
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }

    fn query(&mut self) -> Result<Query, QueryError> {
        if self.eat_kw("expect") {
            let outcome = self.filter()?;
            if !self.eat_kw("when") {
                return Err(self.expected("'when' after the outcome"));
            }
            let condition = if self.starts_pattern() {
                Condition::Pattern(Box::new(self.pattern()?))
            } else {
                Condition::Filter(self.filter()?)
            };
            if !self.eat_kw("per") {
                return Err(self.expected("'per KEY' (e.g. per request)"));
            }
            let per = self.field()?;
            return Ok(Query::Hypothesis(Box::new(Hypothesis {
                outcome,
                condition,
                per,
            })));
        }
        if self.starts_pattern() {
            return Ok(Query::Pattern(Box::new(self.pattern()?)));
        }
        Ok(Query::Filter(self.filter()?))
    }

    /// `( … ) as NAME` at the cursor: find the matching parenthesis and look for `as`.
    fn starts_pattern(&self) -> bool {
        if !self.is_sym("(") {
            return false;
        }
        let mut depth = 0usize;
        for (k, t) in self.toks[self.pos..].iter().enumerate() {
            match t.tok {
                Tok::Sym("(") => depth += 1,
                Tok::Sym(")") => {
                    depth -= 1;
                    if depth == 0 {
                        return matches!(self.peek_at(k + 1), Some(Token { tok: Tok::Ident(s), .. }) if s == "as");
                    }
                }
                _ => {}
            }
        }
        false
    }

    fn step(&mut self) -> Result<Step, QueryError> {
        self.expect_sym("(", "'(' to start a pattern step")?;
        let filter = self.filter()?;
        self.expect_sym(")", "')' to close the step's filter")?;
        if !self.eat_kw("as") {
            return Err(self.expected("'as NAME' to name the event"));
        }
        match self.peek().cloned() {
            Some(Token {
                tok: Tok::Ident(name),
                start,
                end,
            }) if !is_keyword(&name) => {
                self.pos += 1;
                Ok(Step {
                    filter,
                    name,
                    name_span: start..end,
                })
            }
            _ => Err(self.expected("a name for the event (e.g. `as a`)")),
        }
    }

    fn pattern(&mut self) -> Result<Pattern, QueryError> {
        let first = self.step()?;
        let mut names = vec![first.name.clone()];
        let mut rest = Vec::new();
        loop {
            let rel = if self.eat_kw("then") {
                Rel::Then
            } else if self.eat_kw("near") {
                Rel::Near
            } else if self.eat_kw("overlaps") {
                Rel::Overlaps
            } else {
                break;
            };
            let step = self.step()?;
            if names.contains(&step.name) {
                return Err(QueryError::new(
                    step.name_span.start,
                    step.name_span.end,
                    format!("the name '{}' is already used in this pattern", step.name),
                ));
            }
            names.push(step.name.clone());
            rest.push((rel, step));
        }
        if rest.is_empty() {
            return Err(self.expected("'then', 'near' or 'overlaps' and a second step"));
        }
        let mut within = None;
        if self.eat_kw("within") {
            match self.peek().map(|t| t.tok.clone()) {
                Some(Tok::Dur(d)) if d >= 0 => {
                    self.pos += 1;
                    within = Some(d);
                }
                _ => return Err(self.expected("a duration after 'within' (e.g. 10ms)")),
            }
        }
        let needs_within = rest.iter().any(|(r, _)| *r != Rel::Overlaps);
        if needs_within && within.is_none() {
            return Err(
                self.expected("'within DURATION' (then/near need a bound, e.g. within 10ms)")
            );
        }
        let where_ = if self.eat_kw("where") {
            Some(self.cond(&names)?)
        } else {
            None
        };
        Ok(Pattern {
            first,
            rest,
            within,
            where_,
        })
    }

    fn filter(&mut self) -> Result<Filter, QueryError> {
        let base = self.depth;
        let r = self.or_chain();
        self.depth = base;
        r
    }

    /// `and ("or" and)*`: each `or` nests the tree one level deeper.
    fn or_chain(&mut self) -> Result<Filter, QueryError> {
        let mut left = self.and()?;
        while self.is_kw("or") {
            self.deeper()?;
            self.pos += 1;
            let right = self.and()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, QueryError> {
        let base = self.depth;
        let r = self.and_chain();
        self.depth = base;
        r
    }

    /// `unary ("and" unary)*`: each `and` nests the tree one level deeper.
    fn and_chain(&mut self) -> Result<Filter, QueryError> {
        let mut left = self.unary()?;
        while self.is_kw("and") {
            self.deeper()?;
            self.pos += 1;
            let right = self.unary()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, QueryError> {
        if self.is_kw("not") {
            return self.nested(|p| {
                p.pos += 1;
                Ok(Filter::Not(Box::new(p.unary()?)))
            });
        }
        if self.is_sym("(") {
            return self.nested(|p| {
                p.pos += 1;
                let f = p.filter()?;
                p.expect_sym(")", "')'")?;
                Ok(f)
            });
        }
        if self.is_kw("exists")
            && matches!(
                self.peek_at(1),
                Some(Token {
                    tok: Tok::Sym("("),
                    ..
                })
            )
        {
            self.pos += 2;
            let f = self.field()?;
            self.expect_sym(")", "')' after the field")?;
            return Ok(Filter::Exists(f));
        }
        if let Some(Token {
            tok: Tok::Str(s),
            start,
            end,
        }) = self.peek().cloned()
        {
            self.pos += 1;
            return Ok(Filter::Text(s, start..end));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Filter, QueryError> {
        let field = self.field()?;
        let start = field.span.start;
        if self.eat_kw("in") {
            self.expect_sym("(", "'(' after 'in'")?;
            let mut lits = vec![self.literal()?];
            while self.eat_sym(",") {
                lits.push(self.literal()?);
            }
            self.expect_sym(")", "')' to close the list")?;
            let end = self.toks[self.pos - 1].end;
            return Ok(Filter::In {
                field,
                lits,
                span: start..end,
            });
        }
        let op = self.op().ok_or_else(|| {
            self.expected("an operator (= != < <= > >= ~ !~ contains in) after the field")
        })?;
        let lit = self.literal()?;
        let end = self.toks[self.pos - 1].end;
        Ok(Filter::Cmp {
            field,
            op,
            lit,
            span: start..end,
        })
    }

    fn op(&mut self) -> Option<CmpOp> {
        let op = match &self.peek()?.tok {
            Tok::Sym("=") => CmpOp::Eq,
            Tok::Sym("!=") => CmpOp::Ne,
            Tok::Sym("<") => CmpOp::Lt,
            Tok::Sym("<=") => CmpOp::Le,
            Tok::Sym(">") => CmpOp::Gt,
            Tok::Sym(">=") => CmpOp::Ge,
            Tok::Sym("~") => CmpOp::Match,
            Tok::Sym("!~") => CmpOp::NotMatch,
            Tok::Ident(s) if s == "contains" => CmpOp::Contains,
            _ => return None,
        };
        self.pos += 1;
        Some(op)
    }

    fn literal(&mut self) -> Result<Lit, QueryError> {
        let lit = match self.peek().map(|t| t.tok.clone()) {
            Some(Tok::Str(s)) => Lit::Str(s),
            Some(Tok::Num(n)) => Lit::Num(n),
            Some(Tok::Dur(d)) => Lit::Dur(d),
            Some(Tok::Ident(w)) if !is_keyword(&w) => Lit::Word(w),
            _ => {
                return Err(self.expected("a value (a \"string\", a number, a duration or a word)"))
            }
        };
        self.pos += 1;
        Ok(lit)
    }

    /// `name(.name)*` or `attrs."odd key"`.
    fn field(&mut self) -> Result<FieldRef, QueryError> {
        let Some(Token {
            tok: Tok::Ident(first),
            start,
            mut end,
        }) = self.peek().cloned()
        else {
            return Err(self.expected("a field name (e.g. level, service, http.status_code)"));
        };
        if self.kw_at(0).is_some() {
            return Err(self.expected("a field name"));
        }
        self.pos += 1;
        let mut name = first.clone();
        let mut attr_only = false;
        while self.is_sym(".") {
            match self.peek_at(1).cloned() {
                Some(Token {
                    tok: Tok::Ident(part),
                    end: e,
                    ..
                }) => {
                    name.push('.');
                    name.push_str(&part);
                    end = e;
                    self.pos += 2;
                }
                Some(Token {
                    tok: Tok::Str(part),
                    end: e,
                    ..
                }) if name == "attrs" => {
                    name = part;
                    attr_only = true;
                    end = e;
                    self.pos += 2;
                    break;
                }
                _ => {
                    self.pos += 1;
                    return Err(self.expected("a name after '.'"));
                }
            }
        }
        if !attr_only && name.starts_with("attrs.") {
            name = name["attrs.".len()..].to_string();
            attr_only = true;
        }
        Ok(FieldRef {
            name,
            attr_only,
            span: start..end,
        })
    }

    fn cond(&mut self, names: &[String]) -> Result<Where, QueryError> {
        let base = self.depth;
        let r = self.cond_or_chain(names);
        self.depth = base;
        r
    }

    fn cond_or_chain(&mut self, names: &[String]) -> Result<Where, QueryError> {
        let mut left = self.cond_and(names)?;
        while self.is_kw("or") {
            self.deeper()?;
            self.pos += 1;
            let right = self.cond_and(names)?;
            left = Where::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn cond_and(&mut self, names: &[String]) -> Result<Where, QueryError> {
        let base = self.depth;
        let r = self.cond_and_chain(names);
        self.depth = base;
        r
    }

    fn cond_and_chain(&mut self, names: &[String]) -> Result<Where, QueryError> {
        let mut left = self.cond_unary(names)?;
        while self.is_kw("and") {
            self.deeper()?;
            self.pos += 1;
            let right = self.cond_unary(names)?;
            left = Where::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn cond_unary(&mut self, names: &[String]) -> Result<Where, QueryError> {
        if self.is_kw("not") {
            return self.nested(|p| {
                p.pos += 1;
                Ok(Where::Not(Box::new(p.cond_unary(names)?)))
            });
        }
        if self.is_sym("(") {
            return self.nested(|p| {
                p.pos += 1;
                let c = p.cond(names)?;
                p.expect_sym(")", "')'")?;
                Ok(c)
            });
        }
        let start = self.here().0;
        let left = self.operand(names)?;
        let op = self
            .op()
            .ok_or_else(|| self.expected("an operator (= != < <= > >= ~ !~ contains)"))?;
        let right = self.operand(names)?;
        let end = self.toks[self.pos - 1].end;
        Ok(Where::Cmp {
            left,
            op,
            right,
            span: start..end,
        })
    }

    fn operand(&mut self, names: &[String]) -> Result<Operand, QueryError> {
        if let Some(Token {
            tok: Tok::Ident(n),
            start,
            end,
        }) = self.peek().cloned()
        {
            if matches!(
                self.peek_at(1),
                Some(Token {
                    tok: Tok::Sym("."),
                    ..
                })
            ) {
                if !names.contains(&n) {
                    return Err(QueryError::new(
                        start,
                        end,
                        format!(
                            "'{n}' is not an event of this pattern (names: {})",
                            names.join(", ")
                        ),
                    ));
                }
                self.pos += 2;
                let field = self.field()?;
                return Ok(Operand::Ref { name: n, field });
            }
        }
        Ok(Operand::Lit(self.literal()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_parse() {
        for q in [
            r#"level >= warn and service = "payments""#,
            r#"expect status = error when (name = "handler X") as a near (name = "handler X") as b within 10ms where a.trace != b.trace per trace"#,
            r#"expect level = error when (msg ~ "db write") as w then (msg ~ "db read" and node = "replica") as r within 150ms where r.request = w.request per request"#,
            r#"expect level = error when hostname = "pod-2" per request"#,
            r#"(kind = span) as a overlaps (kind = span) as b"#,
            r#"attrs."x-id" = 5 or exists(http.status_code) or "timeout""#,
            r#"status_code in (500, 502, "503") and not dur < 250ms"#,
            r#"(a = 1) as x then (b = 2) as y then (c = 3) as z within 1s"#,
            // A keyword followed by a dot starts a field name.
            r#"in.bytes > 5 and or.x = 1 and not not.y = 2 or exists(as.z)"#,
        ] {
            let ast = parse(q).unwrap_or_else(|e| panic!("{q}\n{}", e.render(q)));
            let printed = ast.to_string();
            assert_eq!(parse(&printed).unwrap(), strip(&ast), "{printed}");
        }
    }

    /// Spans differ after printing; compare shapes through a second print.
    fn strip(q: &Query) -> Query {
        parse(&q.to_string()).unwrap()
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = parse("level >= ").unwrap_err();
        assert_eq!(e.start, 9);
        assert!(e.message.starts_with("expected a value"), "{}", e.message);
        let e = parse(r#"service = "a" and"#).unwrap_err();
        assert!(e.message.contains("expected a field name"));
        let e = parse(r#"(a = 1) as x then (b = 2) as y"#).unwrap_err();
        assert!(e.message.contains("within"), "{}", e.message);
        let e = parse(r#"(a = 1) as x near (b = 2) as y within 1s where q.id = x.id"#).unwrap_err();
        assert!(e.message.contains("'q' is not an event"));
        let e = parse("expect level = error when x = 1").unwrap_err();
        assert!(e.message.contains("per KEY"));
        let r = parse("level >= ").unwrap_err().render("level >= ");
        assert!(r.ends_with("\n           ^"), "{r}");
    }
}
