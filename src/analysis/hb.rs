//! Happens-before over a schedule with vector clocks: program order, `unlock → lock` of the
//! same lock, `spawn` → the child's first operation, the child's last operation → `join`, and
//! `send → recv` per channel (FIFO).

use crate::model::{Op, Store, Sym};
use std::collections::{HashMap, VecDeque};

/// A vector clock, indexed by thread number.
pub type Clock = Vec<u32>;

/// Vector clocks of schedule operations.
pub struct Hb {
    /// Thread number of each processed event (by position in the input order).
    pub thread_of: HashMap<u32, usize>,
    /// Clock of each processed event, after it happened.
    pub clock_of: HashMap<u32, Clock>,
    pub threads: Vec<Sym>,
}

fn join(a: &mut Clock, b: &Clock) {
    if a.len() < b.len() {
        a.resize(b.len(), 0);
    }
    for (x, y) in a.iter_mut().zip(b) {
        *x = (*x).max(*y);
    }
}

/// True when the event with clock `a` on thread `ta` happens before clock `b`.
pub fn before(a: &Clock, ta: usize, b: &Clock) -> bool {
    a.get(ta).copied().unwrap_or(0) <= b.get(ta).copied().unwrap_or(0)
}

/// Compute clocks for the schedule operations among `events` (store order).
pub fn compute(store: &Store, events: &[u32]) -> Hb {
    let mut threads: Vec<Sym> = Vec::new();
    let mut tid: HashMap<Sym, usize> = HashMap::new();
    let mut clocks: Vec<Clock> = Vec::new();
    let mut locks: HashMap<Sym, Clock> = HashMap::new();
    let mut chans: HashMap<Sym, VecDeque<Clock>> = HashMap::new();
    let mut spawned: HashMap<Sym, Clock> = HashMap::new();
    let mut thread_of = HashMap::with_capacity(events.len());
    let mut clock_of = HashMap::with_capacity(events.len());
    for &i in events {
        if !super::is_schedule_op(store, i) {
            continue;
        }
        let e = &store.events[i as usize];
        let Some(th) = e.thread else { continue };
        let t = *tid.entry(th).or_insert_with(|| {
            threads.push(th);
            let mut c = vec![0; threads.len()];
            if let Some(p) = spawned.remove(&th) {
                join(&mut c, &p);
            }
            clocks.push(c);
            threads.len() - 1
        });
        let n = threads.len();
        let c = &mut clocks[t];
        if c.len() < n {
            c.resize(n, 0);
        }
        c[t] += 1;
        match (e.op, e.obj) {
            (Some(Op::Lock), Some(l)) => {
                if let Some(rel) = locks.get(&l) {
                    join(c, rel);
                }
            }
            (Some(Op::Recv), Some(ch)) => {
                if let Some(sent) = chans.get_mut(&ch).and_then(VecDeque::pop_front) {
                    join(c, &sent);
                }
            }
            (Some(Op::Join), Some(child)) => {
                if let Some(&ct) = tid.get(&child) {
                    let cc = clocks[ct].clone();
                    join(&mut clocks[t], &cc);
                }
            }
            _ => {}
        }
        let c = clocks[t].clone();
        match (e.op, e.obj) {
            (Some(Op::Unlock), Some(l)) => {
                locks.insert(l, c.clone());
            }
            (Some(Op::Send), Some(ch)) => chans.entry(ch).or_default().push_back(c.clone()),
            (Some(Op::Spawn), Some(child)) => {
                spawned.insert(child, c.clone());
            }
            _ => {}
        }
        thread_of.insert(i, t);
        clock_of.insert(i, c);
    }
    Hb {
        thread_of,
        clock_of,
        threads,
    }
}

impl Hb {
    /// Does event `a` happen before event `b`? (Both must be processed operations.)
    pub fn happens_before(&self, a: u32, b: u32) -> bool {
        match (
            self.thread_of.get(&a),
            self.clock_of.get(&a),
            self.clock_of.get(&b),
        ) {
            (Some(&ta), Some(ca), Some(cb)) => before(ca, ta, cb),
            _ => false,
        }
    }
}
