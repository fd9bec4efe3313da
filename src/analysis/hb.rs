//! Happens-before over a schedule with vector clocks: program order, `unlock → lock` of the
//! same lock, `spawn` → the child's first operation, the child's last operation → `join`, and
//! `send → recv` per channel (FIFO). [`Walker`] streams the clocks without keeping them;
//! [`compute`] keeps every event's clock (for slicing small inputs).

use crate::model::{Event, Op, Store, Sym};
use std::collections::{HashMap, VecDeque};

/// A vector clock, indexed by thread number.
pub type Clock = Vec<u32>;

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

/// An event's epoch: its thread and its own clock component (FastTrack).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Epoch {
    pub thread: usize,
    pub clock: u32,
}

impl Epoch {
    /// Does the event with this epoch happen before a point with clock `c`?
    pub fn before(self, c: &Clock) -> bool {
        self.clock <= c.get(self.thread).copied().unwrap_or(0)
    }
}

/// Streams vector clocks over schedule operations in time order.
#[derive(Default)]
pub struct Walker {
    pub threads: Vec<Sym>,
    tid: HashMap<Sym, usize>,
    clocks: Vec<Clock>,
    locks: HashMap<Sym, Clock>,
    chans: HashMap<Sym, VecDeque<Clock>>,
    spawned: HashMap<Sym, Clock>,
}

impl Walker {
    /// Advance over one operation; returns its thread number and clock.
    pub fn step(&mut self, e: &Event) -> Option<(usize, &Clock)> {
        let th = e.thread?;
        let t = match self.tid.get(&th) {
            Some(&t) => t,
            None => {
                self.threads.push(th);
                let mut c = vec![0; self.threads.len()];
                if let Some(p) = self.spawned.remove(&th) {
                    join(&mut c, &p);
                }
                self.clocks.push(c);
                self.tid.insert(th, self.threads.len() - 1);
                self.threads.len() - 1
            }
        };
        let n = self.threads.len();
        {
            let c = &mut self.clocks[t];
            if c.len() < n {
                c.resize(n, 0);
            }
            c[t] += 1;
        }
        match (e.op(), e.obj) {
            (Some(Op::Lock), Some(l)) => {
                if let Some(rel) = self.locks.get(&l) {
                    join(&mut self.clocks[t], rel);
                }
            }
            (Some(Op::Recv), Some(ch)) => {
                if let Some(sent) = self.chans.get_mut(&ch).and_then(VecDeque::pop_front) {
                    join(&mut self.clocks[t], &sent);
                }
            }
            (Some(Op::Join), Some(child)) => {
                if let Some(&ct) = self.tid.get(&child) {
                    let cc = self.clocks[ct].clone();
                    join(&mut self.clocks[t], &cc);
                }
            }
            (Some(Op::Unlock), Some(l)) => {
                self.locks.insert(l, self.clocks[t].clone());
            }
            (Some(Op::Send), Some(ch)) => {
                let c = self.clocks[t].clone();
                self.chans.entry(ch).or_default().push_back(c);
            }
            (Some(Op::Spawn), Some(child)) => {
                self.spawned.insert(child, self.clocks[t].clone());
            }
            _ => {}
        }
        Some((t, &self.clocks[t]))
    }
}

/// Every operation's clock.
pub struct Hb {
    pub thread_of: HashMap<u32, usize>,
    pub clock_of: HashMap<u32, Clock>,
    pub threads: Vec<Sym>,
}

/// Compute and keep the clocks of the schedule operations among `events` (store order).
pub fn compute(store: &Store, events: &[u32]) -> Hb {
    let mut w = Walker::default();
    let mut thread_of = HashMap::with_capacity(events.len());
    let mut clock_of = HashMap::with_capacity(events.len());
    for &i in events {
        if !super::is_schedule_op(store, i) {
            continue;
        }
        if let Some((t, c)) = w.step(&store.events()[i as usize]) {
            thread_of.insert(i, t);
            clock_of.insert(i, c.clone());
        }
    }
    Hb {
        thread_of,
        clock_of,
        threads: w.threads,
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
