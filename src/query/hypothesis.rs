//! Hypotheses: `expect OUTCOME when CONDITION per KEY` over groups, answered with a 2×2 table,
//! a verdict, the counterexamples, and Fisher's exact test.

use super::check::Pred;
use super::eval::filter;
use super::pattern::{run, CompiledPattern, Want};
use crate::model::field::{key_of, Field, GroupKey};
use crate::model::Store;
use serde::Serialize;
use std::collections::HashMap;

/// The condition side, compiled.
#[derive(Clone, Debug)]
pub enum CCondition {
    Filter(Pred),
    Pattern(CompiledPattern),
}

/// A compiled hypothesis.
#[derive(Clone, Debug)]
pub struct CompiledHypothesis {
    pub text: String,
    pub outcome: Pred,
    pub condition: CCondition,
    pub key: Field,
    pub key_name: String,
}

/// Counterexample group keys of each kind.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Counterexamples {
    /// Groups with the condition but not the outcome (against sufficiency).
    pub condition_only: Vec<String>,
    /// Groups with the outcome but not the condition (against necessity).
    pub outcome_only: Vec<String>,
}

/// The answer to a hypothesis.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Verdict {
    pub hypothesis: String,
    pub key: String,
    pub groups: usize,
    pub both: usize,
    pub condition_only: usize,
    pub outcome_only: usize,
    pub neither: usize,
    /// No outcome without the condition.
    pub necessary: bool,
    /// No condition without the outcome.
    pub sufficient: bool,
    /// `supported`, `falsified` or `inconclusive`.
    pub verdict: &'static str,
    pub counterexamples: Counterexamples,
    /// Fisher's exact test, one-sided: the chance of at least this much co-occurrence if the
    /// condition and the outcome were independent.
    pub p_value: f64,
    /// both / (both + condition_only)
    pub precision: Option<f64>,
    /// both / (both + outcome_only)
    pub recall: Option<f64>,
    /// For each group with the outcome or the condition: the first event index of each
    /// (for jumping to it); in `--json` only the counterexamples' are useful.
    #[serde(skip)]
    pub first_event: HashMap<String, u32>,
}

/// Evaluate a hypothesis.
pub fn evaluate(store: &Store, h: &CompiledHypothesis) -> Verdict {
    // group → (first event, condition, outcome)
    let mut groups: HashMap<GroupKey, (u32, bool, bool)> = HashMap::new();
    for (i, e) in store.events().iter().enumerate() {
        if let Some(k) = key_of(store, e, h.key) {
            groups.entry(k).or_insert((i as u32, false, false));
        }
    }
    let mark = |groups: &mut HashMap<GroupKey, (u32, bool, bool)>, idx: &[u32], cond: bool| {
        for &i in idx {
            if let Some(k) = key_of(store, &store.events()[i as usize], h.key) {
                if let Some(g) = groups.get_mut(&k) {
                    if cond {
                        g.1 = true;
                    } else {
                        g.2 = true;
                    }
                }
            }
        }
    };
    let out_idx = filter(store, &h.outcome);
    mark(&mut groups, &out_idx, false);
    let cond_idx: Vec<u32> = match &h.condition {
        CCondition::Filter(p) => filter(store, p),
        CCondition::Pattern(cp) => run(store, cp, Want::FirstPerStart)
            .into_iter()
            .map(|m| m[0])
            .collect(),
    };
    mark(&mut groups, &cond_idx, true);
    let mut rows: Vec<(u32, String, bool, bool)> = groups
        .into_iter()
        .map(|(k, (first, c, o))| (first, k.text(store), c, o))
        .collect();
    rows.sort();
    let (mut both, mut c_only, mut o_only, mut neither) = (0, 0, 0, 0);
    let mut cx = Counterexamples {
        condition_only: Vec::new(),
        outcome_only: Vec::new(),
    };
    let mut first_event = HashMap::new();
    for (first, key, c, o) in &rows {
        match (c, o) {
            (true, true) => both += 1,
            (true, false) => {
                c_only += 1;
                cx.condition_only.push(key.clone());
                first_event.insert(key.clone(), *first);
            }
            (false, true) => {
                o_only += 1;
                cx.outcome_only.push(key.clone());
                first_event.insert(key.clone(), *first);
            }
            (false, false) => neither += 1,
        }
    }
    let verdict = if both + c_only == 0 || both + o_only == 0 {
        "inconclusive"
    } else if c_only > 0 || o_only > 0 {
        "falsified"
    } else {
        "supported"
    };
    let ratio = |a: usize, b: usize| (a + b > 0).then(|| a as f64 / (a + b) as f64);
    Verdict {
        hypothesis: h.text.clone(),
        key: h.key_name.clone(),
        groups: rows.len(),
        both,
        condition_only: c_only,
        outcome_only: o_only,
        neither,
        necessary: o_only == 0,
        sufficient: c_only == 0,
        verdict,
        counterexamples: cx,
        p_value: fisher_greater(both, c_only, o_only, neither),
        precision: ratio(both, c_only),
        recall: ratio(both, o_only),
        first_event,
    }
}

/// ln Γ(x) for x > 0 (Lanczos approximation, g = 7).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return std::f64::consts::PI.ln()
            - (std::f64::consts::PI * x).sin().ln()
            - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + 7.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

fn ln_choose(n: usize, k: usize) -> f64 {
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

/// One-sided Fisher's exact test (greater) for the table [[a, b], [c, d]]:
/// P(X ≥ a) with X hypergeometric given the margins.
pub fn fisher_greater(a: usize, b: usize, c: usize, d: usize) -> f64 {
    let n = a + b + c + d;
    let row = a + b; // condition
    let col = a + c; // outcome
    if n == 0 {
        return 1.0;
    }
    let lo = a;
    let hi = row.min(col);
    let denom = ln_choose(n, col);
    let mut p = 0.0;
    for x in lo..=hi {
        if col < x || n - row < col - x {
            continue;
        }
        p += (ln_choose(row, x) + ln_choose(n - row, col - x) - denom).exp();
    }
    p.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fisher_matches_known_values() {
        // Lady tasting tea: [[3,1],[1,3]] one-sided p = 17/70
        assert!((fisher_greater(3, 1, 1, 3) - 17.0 / 70.0).abs() < 1e-9);
        assert!((fisher_greater(0, 5, 5, 0) - 1.0).abs() < 1e-9);
        assert!(fisher_greater(50, 0, 0, 50) < 1e-20);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-9);
    }
}
