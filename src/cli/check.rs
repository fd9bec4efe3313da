//! `heisen check`: test a hypothesis — verdict, 2×2 table, counterexamples.

use super::common::{error_summary, print_json, LoadArgs};
use super::query::report;
use crate::ops;
use crate::query::Verdict;
use anyhow::Result;
use clap::Args;
use std::fmt::Write;

/// Arguments of `heisen check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub load: LoadArgs,
    /// `expect OUTCOME when CONDITION per KEY`.
    #[arg(long, value_name = "H")]
    pub hypothesis: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Exit with 3 when the hypothesis is falsified (for CI gates).
    #[arg(long)]
    pub exit_code: bool,
}

/// How many counterexamples the text output lists per kind.
const SHOWN: usize = 10;

/// The human-readable answer.
pub fn verdict_text(v: &Verdict) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "hypothesis: {}",
        crate::text::sanitize(&v.hypothesis, true)
    );
    let _ = writeln!(
        o,
        "verdict:    {}  ({} groups by {})",
        v.verdict.to_uppercase(),
        v.groups,
        crate::text::sanitize(&v.key, true)
    );
    let _ = writeln!(o, "                   outcome   no outcome");
    let _ = writeln!(o, "  condition      {:>9} {:>12}", v.both, v.condition_only);
    let _ = writeln!(
        o,
        "  no condition   {:>9} {:>12}",
        v.outcome_only, v.neither
    );
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let _ = writeln!(
        o,
        "necessary:  {} ({} groups have the outcome without the condition)",
        yes_no(v.necessary),
        v.outcome_only
    );
    let _ = writeln!(
        o,
        "sufficient: {} ({} groups have the condition without the outcome)",
        yes_no(v.sufficient),
        v.condition_only
    );
    let pct = |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{:.2}", x));
    let _ = writeln!(
        o,
        "strength:   p = {:.3e} (Fisher's exact test, one-sided); precision {}, recall {}",
        v.p_value,
        pct(v.precision),
        pct(v.recall)
    );
    for (label, list) in [
        (
            "condition without outcome",
            &v.counterexamples.condition_only,
        ),
        ("outcome without condition", &v.counterexamples.outcome_only),
    ] {
        if list.is_empty() {
            continue;
        }
        let shown: Vec<String> = list
            .iter()
            .take(SHOWN)
            .map(|k| crate::text::sanitize(k, true).into_owned())
            .collect();
        let more = if list.len() > SHOWN {
            format!(" … and {} more (--json lists all)", list.len() - SHOWN)
        } else {
            String::new()
        };
        let _ = writeln!(o, "counterexamples, {label}: {}{more}", shown.join(", "));
    }
    o
}

/// Run `heisen check`.
pub fn run(a: CheckArgs) -> Result<i32> {
    match ops::check::is_hypothesis(&a.hypothesis) {
        Err(e) => {
            super::common::say(format_args!("{}", e.render(&a.hypothesis)));
            return Ok(super::exit::USAGE);
        }
        Ok(true) => {}
        Ok(false) => {
            super::common::say(format_args!(
                "error: --hypothesis takes `expect OUTCOME when CONDITION per KEY`; use `heisen query -q` for filters and patterns"
            ));
            return Ok(super::exit::USAGE);
        }
    }
    let store = a.load.load()?;
    let v = match ops::check::check(&store, &a.hypothesis) {
        Ok(v) => v,
        Err(e) => return Ok(report(&a.hypothesis, &e)),
    };
    if a.json {
        print_json(&v)?;
    } else {
        print!("{}", verdict_text(&v));
    }
    if let Some(s) = error_summary(&store) {
        super::common::say(s);
    }
    Ok(super::exit::found(a.exit_code, v.verdict == "falsified"))
}
