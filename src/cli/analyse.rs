//! `heisen races`, `heisen verify` and `heisen stale`: the narrowing-down analyses, run by
//! [`crate::ops::analyse`] and printed here.

use super::common::{error_summary, print_json, LoadArgs};
use crate::analysis::{races, stale, verify};
use crate::export::jsonl::event as ev;
use crate::model::{time, Store};
use crate::ops::analyse::{read_spec, Analysis, Findings};
use crate::text::sanitize;
use anyhow::Result;
use clap::Args;
use serde_json::{json, Value};

/// One line naming an event.
pub fn ev_text(store: &Store, i: u32) -> String {
    sanitize(&store.line_text(&store.events()[i as usize]), true).into_owned()
}

/// Arguments of `heisen races`.
#[derive(Args, Debug)]
pub struct RacesArgs {
    #[command(flatten)]
    pub load: LoadArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Exit with 3 when something was found (for CI gates).
    #[arg(long)]
    pub exit_code: bool,
}

/// Run `heisen races`.
pub fn races(a: RacesArgs) -> Result<i32> {
    run(&a.load, Analysis::Races, a.json, a.exit_code)
}

/// Load the inputs, run an analysis, print its findings; with `exit_code`, exit 3 when it
/// found something.
fn run(load: &LoadArgs, analysis: Analysis, json: bool, exit_code: bool) -> Result<i32> {
    let store = load.load()?;
    let findings = analysis.run(&store);
    match &findings {
        Findings::Races(r) => print_races(&store, r, json)?,
        Findings::Verify(r) => print_violations(&store, r, json)?,
        Findings::Stale(r) => print_stale(&store, r, json)?,
    }
    if let Some(s) = error_summary(&store) {
        super::common::say(s);
    }
    Ok(super::exit::found(exit_code, findings.found()))
}

fn print_races(store: &Store, r: &races::Analysis, json: bool) -> Result<()> {
    if json {
        let races: Vec<Value> = r
            .races
            .iter()
            .map(|x| {
                json!({"obj": x.obj, "kind": x.kind, "a": ev(store, x.a), "b": ev(store, x.b),
                       "count": x.count, "found_by": x.found_by})
            })
            .collect();
        let lost: Vec<Value> = r
            .lost_updates
            .iter()
            .map(|l| {
                json!({"obj": l.obj, "value": l.value,
                       "events": l.events.iter().map(|&i| ev(store, i)).collect::<Vec<_>>()})
            })
            .collect();
        print_json(&json!({"races": races, "lost_updates": lost, "objects": r.objects}))?;
    } else {
        println!(
            "{} races, {} lost updates",
            r.races.len(),
            r.lost_updates.len()
        );
        for x in &r.races {
            println!(
                "race ({}, {}) on {}{}:",
                x.kind,
                x.found_by,
                sanitize(&x.obj, true),
                if x.count > 1 {
                    format!(" ×{}", x.count)
                } else {
                    String::new()
                }
            );
            println!("  {}", ev_text(store, x.a));
            println!("  {}", ev_text(store, x.b));
        }
        for l in &r.lost_updates {
            println!(
                "lost update on {} (both read {}):",
                sanitize(&l.obj, true),
                l.value
            );
            for &i in &l.events {
                println!("  {}", ev_text(store, i));
            }
        }
        for (obj, s) in &r.objects {
            if s.increments_attempted > 0 {
                println!(
                    "{}: {} increments attempted from {}, expected {}, final {} — {} lost",
                    sanitize(obj, true),
                    s.increments_attempted,
                    s.initial_value.clone().unwrap_or(Value::Null),
                    s.expected_final.unwrap_or(0.0),
                    s.final_value.clone().unwrap_or(Value::Null),
                    s.expected_final.unwrap_or(0.0)
                        - s.final_value
                            .as_ref()
                            .and_then(Value::as_f64)
                            .unwrap_or(0.0)
                );
            }
        }
    }
    Ok(())
}

/// Arguments of `heisen verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub load: LoadArgs,
    /// The state machine: key, state, initial and [transitions] (TOML).
    #[arg(long, value_name = "MACHINE.toml")]
    pub spec: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Exit with 3 when something was found (for CI gates).
    #[arg(long)]
    pub exit_code: bool,
}

/// Run `heisen verify`.
pub fn verify(a: VerifyArgs) -> Result<i32> {
    let spec = read_spec(&a.spec).map_err(anyhow::Error::msg)?;
    run(&a.load, Analysis::Verify(spec), a.json, a.exit_code)
}

fn print_violations(store: &Store, r: &verify::Report, json: bool) -> Result<()> {
    if json {
        let v: Vec<Value> = r
            .violations
            .iter()
            .map(|x| {
                json!({"key": x.key, "from": x.from, "to": x.to, "reason": x.reason,
                       "event": ev(store, x.event),
                       "previous": x.previous.map(|p| ev(store, p)),
                       "between": x.between.iter().map(|&i| ev(store, i)).collect::<Vec<_>>()})
            })
            .collect();
        print_json(&json!({"instances": r.instances, "violations": v}))?;
    } else {
        println!(
            "{} instances, {} with an illegal transition",
            r.instances,
            r.violations.len()
        );
        for x in &r.violations {
            println!(
                "{}: {} → {} ({})",
                sanitize(&x.key, true),
                x.from.as_deref().unwrap_or("(start)"),
                sanitize(&x.to, true),
                x.reason
            );
            if let Some(p) = x.previous {
                println!("  previous  {}", ev_text(store, p));
            }
            for &b in &x.between {
                println!("  between   {}", ev_text(store, b));
            }
            println!("  offending {}", ev_text(store, x.event));
        }
    }
    Ok(())
}

/// Arguments of `heisen stale`.
#[derive(Args, Debug)]
pub struct StaleArgs {
    #[command(flatten)]
    pub load: LoadArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Exit with 3 when something was found (for CI gates).
    #[arg(long)]
    pub exit_code: bool,
}

/// Run `heisen stale`.
pub fn stale(a: StaleArgs) -> Result<i32> {
    run(&a.load, Analysis::Stale, a.json, a.exit_code)
}

fn print_stale(store: &Store, r: &[stale::StaleRead], json: bool) -> Result<()> {
    if json {
        let v: Vec<Value> = r
            .iter()
            .map(|s| {
                json!({"obj": s.obj, "value": s.value, "read": ev(store, s.read),
                       "write": ev(store, s.write),
                       "stale_from": s.stale_from.map(|i| ev(store, i)), "lag_ns": s.lag_ns})
            })
            .collect();
        print_json(&json!({"stale_reads": v}))?;
    } else {
        println!("{} stale reads", r.len());
        for s in r {
            println!(
                "{} read {} {} after a newer write completed:",
                sanitize(&s.obj, true),
                sanitize(&s.value, true),
                time::format_duration(s.lag_ns)
            );
            println!("  write {}", ev_text(store, s.write));
            println!("  read  {}", ev_text(store, s.read));
        }
    }
    Ok(())
}
