//! The query AST. Every node that can be wrong carries its byte range in the source, so errors
//! point at it. `Display` prints a query that parses back to the same AST, with no more
//! parentheses than that needs.

use std::fmt;
use std::ops::Range;

/// A byte range in the query text.
pub type Span = Range<usize>;

/// A field reference: a normalised field or an attribute key (dotted keys included).
#[derive(Clone, Debug, PartialEq)]
pub struct FieldRef {
    pub name: String,
    /// Written as `attrs."…"`: always an attribute, never a normalised field.
    pub attr_only: bool,
    pub span: Span,
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    Str(String),
    Num(f64),
    /// A number with a duration unit, in nanoseconds (`250ms`).
    Dur(i64),
    /// A bare word: a level name, `true`/`false`, a status, an op, a kind…
    Word(String),
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Match,
    NotMatch,
    Contains,
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Match => "~",
            CmpOp::NotMatch => "!~",
            CmpOp::Contains => "contains",
        }
    }
}

/// A filter over one event.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    Cmp {
        field: FieldRef,
        op: CmpOp,
        lit: Lit,
        span: Span,
    },
    In {
        field: FieldRef,
        lits: Vec<Lit>,
        span: Span,
    },
    Exists(FieldRef),
    /// A bare quoted string: the message contains it.
    Text(String, Span),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
}

/// How consecutive pattern steps relate in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rel {
    /// `0 <= b.ts - a.ts <= within`
    Then,
    /// `|b.ts - a.ts| <= within`
    Near,
    /// the spans' intervals intersect
    Overlaps,
}

impl Rel {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Rel::Then => "then",
            Rel::Near => "near",
            Rel::Overlaps => "overlaps",
        }
    }
}

/// One side of a `where` comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// `a.request`
    Ref {
        name: String,
        field: FieldRef,
    },
    Lit(Lit),
}

/// A condition relating the bound events of a pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum Where {
    Cmp {
        left: Operand,
        op: CmpOp,
        right: Operand,
        span: Span,
    },
    And(Box<Where>, Box<Where>),
    Or(Box<Where>, Box<Where>),
    Not(Box<Where>),
}

/// One step of a pattern: `(filter) as name`.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub filter: Filter,
    pub name: String,
    pub name_span: Span,
}

/// A temporal pattern over several events.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    pub first: Step,
    /// The following steps and how each relates to the one before it.
    pub rest: Vec<(Rel, Step)>,
    /// Bound on each consecutive pair (for `then` and `near`), nanoseconds.
    pub within: Option<i64>,
    pub where_: Option<Where>,
}

/// A condition of a hypothesis: a filter or a pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    Filter(Filter),
    Pattern(Box<Pattern>),
}

/// `expect OUTCOME when CONDITION per KEY`.
#[derive(Clone, Debug, PartialEq)]
pub struct Hypothesis {
    pub outcome: Filter,
    pub condition: Condition,
    pub per: FieldRef,
}

/// A whole query.
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    Filter(Filter),
    Pattern(Box<Pattern>),
    Hypothesis(Box<Hypothesis>),
}

fn is_plain_ident(s: &str) -> bool {
    let mut parts = s.split('.');
    parts.all(|p| {
        let mut c = p.chars();
        c.next()
            .is_some_and(|f| f.is_ascii_alphabetic() || f == '_' || f == '@')
            && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-' || ch == '@')
    }) && !super::lexer::is_keyword(s)
}

impl FieldRef {
    /// A field by name (a normalised field, else an attribute), built rather than parsed.
    pub fn named(name: &str) -> FieldRef {
        FieldRef {
            name: name.to_string(),
            attr_only: false,
            span: 0..0,
        }
    }
}

impl fmt::Display for FieldRef {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.attr_only || !is_plain_ident(&self.name) {
            write!(f, "attrs.{}", quote(&self.name))
        } else {
            f.write_str(&self.name)
        }
    }
}

/// Quote a string for the query language.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl fmt::Display for Lit {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Lit::Str(s) => f.write_str(&quote(s)),
            Lit::Num(n) => write!(f, "{n}"),
            Lit::Dur(ns) => write!(f, "{ns}ns"),
            Lit::Word(w) => f.write_str(w),
        }
    }
}

/// How tightly a connective binds: `or` below `and` below everything else.
const OR: u8 = 1;
const AND: u8 = 2;

/// Write `a op b`, in parentheses when the context binds tighter than `op` (`prec`); the
/// right operand binds one tighter, since `and` and `or` group to the left.
fn binary(
    f: &mut fmt::Formatter,
    ctx: u8,
    prec: u8,
    kw: &str,
    a: &dyn Fn(&mut fmt::Formatter, u8) -> fmt::Result,
    b: &dyn Fn(&mut fmt::Formatter, u8) -> fmt::Result,
) -> fmt::Result {
    let parens = ctx > prec;
    if parens {
        f.write_str("(")?;
    }
    a(f, prec)?;
    write!(f, " {kw} ")?;
    b(f, prec + 1)?;
    if parens {
        f.write_str(")")?;
    }
    Ok(())
}

impl Filter {
    /// `field op lit`, built rather than parsed (it has no position in a text).
    pub fn cmp(field: FieldRef, op: CmpOp, lit: Lit) -> Filter {
        Filter::Cmp {
            field,
            op,
            lit,
            span: 0..0,
        }
    }

    /// `a and b`.
    pub fn and(a: Filter, b: Filter) -> Filter {
        Filter::And(Box::new(a), Box::new(b))
    }

    fn fmt_in(&self, f: &mut fmt::Formatter, ctx: u8) -> fmt::Result {
        match self {
            Filter::Cmp { field, op, lit, .. } => write!(f, "{field} {} {lit}", op.as_str()),
            Filter::In { field, lits, .. } => {
                let items: Vec<String> = lits.iter().map(ToString::to_string).collect();
                write!(f, "{field} in ({})", items.join(", "))
            }
            Filter::Exists(field) => write!(f, "exists({field})"),
            Filter::Text(s, _) => f.write_str(&quote(s)),
            Filter::And(a, b) => binary(f, ctx, AND, "and", &|f, c| a.fmt_in(f, c), &|f, c| {
                b.fmt_in(f, c)
            }),
            Filter::Or(a, b) => binary(f, ctx, OR, "or", &|f, c| a.fmt_in(f, c), &|f, c| {
                b.fmt_in(f, c)
            }),
            Filter::Not(a) => write!(f, "not ({a})"),
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.fmt_in(f, 0)
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Operand::Ref { name, field } => write!(f, "{name}.{field}"),
            Operand::Lit(l) => write!(f, "{l}"),
        }
    }
}

impl Where {
    fn fmt_in(&self, f: &mut fmt::Formatter, ctx: u8) -> fmt::Result {
        match self {
            Where::Cmp {
                left, op, right, ..
            } => write!(f, "{left} {} {right}", op.as_str()),
            Where::And(a, b) => binary(f, ctx, AND, "and", &|f, c| a.fmt_in(f, c), &|f, c| {
                b.fmt_in(f, c)
            }),
            Where::Or(a, b) => binary(f, ctx, OR, "or", &|f, c| a.fmt_in(f, c), &|f, c| {
                b.fmt_in(f, c)
            }),
            Where::Not(a) => write!(f, "not ({a})"),
        }
    }
}

impl fmt::Display for Where {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.fmt_in(f, 0)
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "({}) as {}", self.first.filter, self.first.name)?;
        for (rel, s) in &self.rest {
            write!(f, " {} ({}) as {}", rel.as_str(), s.filter, s.name)?;
        }
        match self.within {
            Some(w) if w % 1_000_000 == 0 => write!(f, " within {}ms", w / 1_000_000)?,
            Some(w) => write!(f, " within {w}ns")?,
            None => {}
        }
        if let Some(w) = &self.where_ {
            write!(f, " where {w}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Condition::Filter(x) => write!(f, "{x}"),
            Condition::Pattern(p) => write!(f, "{p}"),
        }
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Query::Filter(x) => write!(f, "{x}"),
            Query::Pattern(p) => write!(f, "{p}"),
            Query::Hypothesis(h) => {
                write!(f, "expect {} when {} per {}", h.outcome, h.condition, h.per)
            }
        }
    }
}
