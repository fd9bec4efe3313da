//! `heisen diff` and `heisen suggest`: why does prod differ from dev.

use super::common::{print_json, LoadArgs};
use super::query::report;
use crate::analysis::diff;
use crate::export::jsonl::event as ev;
use crate::model::time;
use crate::ops::{self, suggest::SuggestError};
use crate::text::sanitize;
use anyhow::Result;
use clap::Args;
use serde_json::{json, Value};

/// Arguments of `heisen diff`.
#[derive(Args, Debug)]
pub struct DiffArgs {
    /// Run A: a file, or a group in it: FILE@trace=ID, FILE@request=ID (any field or attribute).
    pub a: String,
    /// Run B, likewise.
    pub b: String,
    /// Zone for times written without one.
    #[arg(long, value_name = "OFFSET", allow_hyphen_values = true)]
    pub tz: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Exit with 3 when the runs differ (for CI gates).
    #[arg(long)]
    pub exit_code: bool,
}

/// Run `heisen diff`.
pub fn diff(a: DiffArgs) -> Result<i32> {
    let ra = ops::diff::load_run(&a.a, a.tz.as_deref())?;
    let rb = ops::diff::load_run(&a.b, a.tz.as_deref())?;
    let d = ops::diff::diff(&ra, &rb);
    let (sa, sb) = (&ra.store, &rb.store);
    if a.json {
        let mut v = serde_json::to_value(&d)?;
        if let (Some(fd), Value::Object(m)) = (&d.first_divergence, &mut v) {
            if let Some(Value::Object(f)) = m.get_mut("first_divergence") {
                f.insert("a".into(), fd.event_a.map_or(Value::Null, |i| ev(sa, i)));
                f.insert("b".into(), fd.event_b.map_or(Value::Null, |i| ev(sb, i)));
            }
        }
        print_json(&v)?;
        return Ok(super::exit::found(a.exit_code, d.differs()));
    }
    println!(
        "A: {} ({} events)   B: {} ({} events)",
        sanitize(&a.a, true),
        d.events_a,
        sanitize(&a.b, true),
        d.events_b
    );
    match &d.first_divergence {
        Some(f) => {
            println!(
                "first divergence in lane {} after {} common events (A #{}, B #{}):",
                sanitize(&f.lane, true),
                f.common_prefix,
                f.position_a + 1,
                f.position_b + 1
            );
            println!(
                "  A: {}",
                f.template_a
                    .as_deref()
                    .map_or("(nothing)".into(), |t| sanitize(t, true))
            );
            println!(
                "  B: {}",
                f.template_b
                    .as_deref()
                    .map_or("(nothing)".into(), |t| sanitize(t, true))
            );
        }
        None => println!("no divergence: the same templates in the same order in every lane"),
    }
    for r in &d.reorderings {
        println!("reordered in lane {}:", sanitize(&r.lane, true));
        println!("  A: {}", sanitize(&r.a_order.join(" → "), true));
        println!("  B: {}", sanitize(&r.b_order.join(" → "), true));
    }
    for (label, list) in [("only in A", &d.only_in_a), ("only in B", &d.only_in_b)] {
        for c in list {
            println!("{label}: {} ×{}", sanitize(&c.template, true), c.a.max(c.b));
        }
    }
    for c in &d.count_changes {
        println!(
            "count: {} A ×{} B ×{}",
            sanitize(&c.template, true),
            c.a,
            c.b
        );
    }
    for t in d.timing.iter().filter(|t| t.notable()) {
        let f = |x: &Option<diff::Timing>| {
            x.as_ref().map_or("-".into(), |x| {
                format!(
                    "n={} p50 {} p99 {}",
                    x.count,
                    time::format_duration(x.p50_ns),
                    time::format_duration(x.p99_ns)
                )
            })
        };
        println!(
            "timing: {} A {} · B {} · ×{:.2}",
            sanitize(&t.name, true),
            f(&t.a),
            f(&t.b),
            t.ratio.unwrap_or(0.0)
        );
    }
    for c in &d.attribute_changes {
        println!(
            "changed: {} on {}: {} in A, {} in B",
            sanitize(&c.key, true),
            sanitize(&c.template, true),
            sanitize(&c.a, true),
            sanitize(&c.b, true)
        );
    }
    for e in &d.environment {
        println!(
            "environment: {} = {} in A, {} in B",
            sanitize(&e.key, true),
            sanitize(&e.a, true),
            sanitize(&e.b, true)
        );
    }
    Ok(super::exit::found(a.exit_code, d.differs()))
}

/// Arguments of `heisen suggest`.
#[derive(Args, Debug)]
pub struct SuggestArgs {
    #[command(flatten)]
    pub load: LoadArgs,
    /// The outcome to explain (a filter), e.g. 'level = error'.
    #[arg(long)]
    pub outcome: String,
    /// What a group is: request, trace, thread, an attribute.
    #[arg(long)]
    pub per: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// How many suggestions.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

/// Run `heisen suggest`.
pub fn suggest(a: SuggestArgs) -> Result<i32> {
    if let Some(code) = super::query::syntax_error(&a.outcome) {
        return Ok(code);
    }
    let store = a.load.load()?;
    let s = match ops::suggest::suggest(&store, &a.outcome, &a.per, a.top) {
        Ok(s) => s,
        Err(SuggestError::Outcome(e)) => return Ok(report(&a.outcome, &e)),
        Err(SuggestError::OutcomeNotAFilter) => {
            super::common::say(format_args!(
                "heisen: --outcome takes a filter (e.g. 'level = error')"
            ));
            return Ok(super::exit::USAGE);
        }
        Err(SuggestError::Per(e)) => {
            super::common::say(format_args!("{}", e.render(&a.per)));
            return Ok(super::exit::USAGE);
        }
    };
    if a.json {
        print_json(&json!({"statistic": "ochiai", "suggestions": s}))?;
    } else {
        println!("ranked by Ochiai = both / sqrt((both + outcome_only) · (both + condition_only))");
        if s.is_empty() {
            println!(
                "no suggestions: no predicate holds in a group with the outcome (does '{}' match events that have a {}?)",
                sanitize(a.outcome.trim(), true),
                sanitize(&a.per, true)
            );
        }
        for x in &s {
            println!(
                "{:.3}  {}   [both {}, condition only {}, outcome only {}, neither {}]",
                x.score,
                sanitize(&x.predicate, true),
                x.counts.both,
                x.counts.condition_only,
                x.counts.outcome_only,
                x.counts.neither
            );
            println!(
                "       heisen check … --hypothesis '{}'",
                sanitize(&x.hypothesis, true)
            );
        }
    }
    Ok(0)
}
