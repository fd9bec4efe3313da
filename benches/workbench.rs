//! Speed of the query language, the analyses and rendering on generated stores, measured in one
//! run and printed as a table with the issue's targets. `cargo bench --bench workbench`
//! (HEISEN_BENCH_SCALE=0.1 for a quick run; HEISEN_BENCH_ONLY=suggest,diff for some of the
//! sections filters, query, races, verify, diff, suggest, minimize). Times are wall clock on
//! this machine; compare ratios within one run.

use heisen::analysis::{self, diff, minimize, races, suggest, verify};
use heisen::model::{Attr, Event, Kind, Level, Op, Parsed, Store, Strings, Value};
use heisen::query::{self, QueryResult};
use heisen::ui::app::App;
use heisen::ui::keymap::Keymap;
use heisen::ui::theme::Theme;
use heisen::ui::view;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::Arc;
use std::time::Instant;

fn scale(n: usize) -> usize {
    let s: f64 = std::env::var("HEISEN_BENCH_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1.0);
    ((n as f64) * s).max(1000.0) as usize
}

/// `n` log events: 6 services, `groups` requests, a hostname and a status code attribute.
fn logs(n: usize, groups: usize, seed: u64) -> Store {
    let strings = Strings::new();
    let mut st = Store::new(strings.clone());
    let mut p = Parsed::default();
    let src = heisen::model::Source::new("gen", heisen::model::Format::Jsonl);
    let mut r = StdRng::seed_from_u64(seed);
    let services: Vec<_> = ["api", "payments", "ledger", "auth", "search", "mailer"]
        .iter()
        .map(|s| strings.intern(s))
        .collect();
    let names: Vec<_> = ["handler X", "handler Y", "db write", "db read", "cache"]
        .iter()
        .map(|s| strings.intern(s))
        .collect();
    let hosts: Vec<_> = (0..8)
        .map(|i| strings.intern(&format!("pod-{i}")))
        .collect();
    let reqs: Vec<_> = (0..groups)
        .map(|i| strings.intern(&format!("r{i}")))
        .collect();
    let (k_host, k_code) = (
        strings.intern("hostname"),
        strings.intern("http.status_code"),
    );
    p.events.reserve(n);
    p.attrs.reserve(2 * n);
    let mut ts = 1_763_890_200_000_000_000i64;
    for i in 0..n {
        ts += r.gen_range(1_000..200_000);
        let mut e = Event::new(Kind::Log, ts);
        e.seq = i as u32;
        e.set_level(Some(Level::ALL[r.gen_range(1..6)]));
        e.service = Some(services[r.gen_range(0..services.len())]);
        e.name = Some(names[r.gen_range(0..names.len())]);
        e.trace = Some(reqs[r.gen_range(0..groups)]);
        e.request = e.trace;
        e.attr_start = p.attrs.len() as u32;
        e.set_attr_len(2);
        p.attrs.push(Attr::new(
            k_host,
            Value::Str(hosts[r.gen_range(0..hosts.len())]),
        ));
        p.attrs.push(Attr::new(
            k_code,
            Value::Int([200, 200, 301, 404, 500][r.gen_range(0..5)]),
        ));
        p.events.push(e);
    }
    st.append_source(src, p).expect("a generated source");
    st
}

/// The steps of the suggest bench's messages: one template each; the last is rare.
const STEPS: [&str; 10] = [
    "parse", "auth", "load", "price", "reserve", "charge", "ship", "notify", "audit", "retry",
];

/// `n` log events 100 µs apart over `groups` requests, each carrying `attrs` low-cardinality
/// attributes and a message of one of 10 templates. Errors follow attribute `a7 = v3` (on one
/// event in 20), and a (rare) retry within 1 ms of another request's retry: a `near`
/// co-occurrence.
fn with_attrs(n: usize, groups: usize, attrs: usize, seed: u64) -> Store {
    let strings = Strings::new();
    let mut st = Store::new(strings.clone());
    let mut p = Parsed::default();
    let src = heisen::model::Source::new("gen", heisen::model::Format::Jsonl);
    let mut r = StdRng::seed_from_u64(seed);
    let keys: Vec<_> = (0..attrs)
        .map(|i| strings.intern(&format!("a{i}")))
        .collect();
    let vals: Vec<_> = (0..5).map(|i| strings.intern(&format!("v{i}"))).collect();
    let reqs: Vec<_> = (0..groups)
        .map(|i| strings.intern(&format!("r{i}")))
        .collect();
    let step = 100_000i64;
    let retry = STEPS.len() - 1;
    let mut bad = vec![false; n];
    let mut steps = vec![0usize; n];
    for i in 0..n {
        let mut e = Event::new(Kind::Log, i as i64 * step);
        e.seq = i as u32;
        e.request = Some(reqs[r.gen_range(0..groups)]);
        e.attr_start = p.attrs.len() as u32;
        e.set_attr_len(attrs as u32);
        for (k, key) in keys.iter().enumerate() {
            let v = r.gen_range(0..vals.len());
            bad[i] |= k == 7 && v == 3 && i % 20 == 0;
            p.attrs.push(Attr::new(*key, Value::Str(vals[v])));
        }
        // The step is a word: a number would be masked into one template.
        steps[i] = if r.gen_bool(0.03) {
            retry
        } else {
            r.gen_range(0..retry)
        };
        e.msg = Some(strings.intern(&format!(
            "{} done for order {}",
            STEPS[steps[i]],
            i * 7919 % 100_003
        )));
        p.events.push(e);
    }
    // Retries of two requests within 1 ms (10 events either side) collide.
    let w = (1_000_000 / step) as usize;
    for i in (0..n).filter(|&i| steps[i] == retry) {
        let near = (i.saturating_sub(w)..(i + w + 1).min(n))
            .any(|j| steps[j] == retry && p.events[j].request != p.events[i].request);
        bad[i] |= near;
    }
    for (i, e) in p.events.iter_mut().enumerate() {
        e.set_level(Some(if bad[i] && r.gen_bool(0.9) {
            Level::Error
        } else {
            Level::Info
        }));
    }
    st.append_source(src, p).expect("a generated source");
    st
}

/// `n` schedule operations over 16 threads and 64 objects, half of them under locks.
fn schedule(n: usize, seed: u64) -> Store {
    let strings = Strings::new();
    let mut st = Store::new(strings.clone());
    let mut p = Parsed::default();
    let src = heisen::model::Source::new("gen", heisen::model::Format::Schedule);
    let mut r = StdRng::seed_from_u64(seed);
    let threads: Vec<_> = (0..16).map(|i| strings.intern(&format!("T{i}"))).collect();
    let objs: Vec<_> = (0..64)
        .map(|i| strings.intern(&format!("obj{i}")))
        .collect();
    let locks: Vec<_> = (0..8).map(|i| strings.intern(&format!("m{i}"))).collect();
    let mut ts = 0i64;
    let mut push = |p: &mut Parsed, t, op, obj, v: i64| {
        ts += 100;
        let mut e = Event::new(Kind::Op, ts);
        e.seq = p.events.len() as u32;
        e.thread = Some(t);
        e.set_op(Some(op));
        e.obj = Some(obj);
        e.set_value(Value::Int(v));
        p.events.push(e);
    };
    while p.events.len() < n {
        let t = threads[r.gen_range(0..threads.len())];
        let o = r.gen_range(0..objs.len());
        if o % 2 == 0 {
            let m = locks[o % locks.len()];
            push(&mut p, t, Op::Lock, m, 0);
            push(&mut p, t, Op::Read, objs[o], 1);
            push(&mut p, t, Op::Write, objs[o], 2);
            push(&mut p, t, Op::Unlock, m, 0);
        } else {
            let op = if r.gen_bool(0.5) { Op::Read } else { Op::Write };
            push(&mut p, t, op, objs[o], r.gen_range(0..100));
        }
    }
    st.append_source(src, p).expect("a generated source");
    st
}

/// An order state machine: `n` events over n/4 orders.
fn orders(n: usize) -> (Store, verify::Spec) {
    let strings = Strings::new();
    let mut st = Store::new(strings.clone());
    let mut p = Parsed::default();
    let src = heisen::model::Source::new("gen", heisen::model::Format::Jsonl);
    let (k_id, k_state) = (strings.intern("order_id"), strings.intern("state"));
    let states: Vec<_> = ["created", "paid", "shipped", "delivered"]
        .iter()
        .map(|s| strings.intern(s))
        .collect();
    let per = 4;
    for i in 0..n {
        let order = i / per;
        let mut e = Event::new(Kind::Log, i as i64 * 1000);
        e.seq = i as u32;
        e.attr_start = p.attrs.len() as u32;
        e.set_attr_len(2);
        p.attrs.push(Attr::new(k_id, Value::Int(order as i64)));
        // every 1000th order skips "shipped"
        let s = if order % 1000 == 7 && i % per == 2 {
            3
        } else {
            i % per
        };
        p.attrs.push(Attr::new(k_state, Value::Str(states[s])));
        p.events.push(e);
    }
    let spec = verify::Spec::parse(
        "key = \"order_id\"\nstate = \"state\"\ninitial = \"created\"\n[transitions]\ncreated = [\"paid\"]\npaid = [\"shipped\"]\nshipped = [\"delivered\"]\n",
    )
    .expect("spec");
    st.append_source(src, p).expect("a generated source");
    (st, spec)
}

/// A 100k-event schedule of correctly locked increments with one lost update in the middle.
fn one_lost_update(n: usize) -> Store {
    let strings = Strings::new();
    let mut st = Store::new(strings.clone());
    let mut p = Parsed::default();
    let src = heisen::model::Source::new("gen", heisen::model::Format::Schedule);
    let (c, m) = (strings.intern("counter"), strings.intern("m"));
    let threads: Vec<_> = (0..8).map(|i| strings.intern(&format!("T{i}"))).collect();
    let mut value = 0i64;
    let mut ts = 0i64;
    let mut push = |p: &mut Parsed, t, op, obj, v: Value| {
        ts += 100;
        let mut e = Event::new(Kind::Op, ts);
        e.seq = p.events.len() as u32;
        e.thread = Some(t);
        e.set_op(Some(op));
        e.obj = Some(obj);
        e.set_value(v);
        p.events.push(e);
    };
    let mut k = 0;
    let mut injected = false;
    while p.events.len() < n {
        let t = threads[k % threads.len()];
        if !injected && p.events.len() >= n / 2 {
            injected = true;
            // two threads read the same value, both write: one update lost
            let u = threads[(k + 1) % threads.len()];
            push(&mut p, t, Op::Read, c, Value::Int(value));
            push(&mut p, u, Op::Read, c, Value::Int(value));
            push(&mut p, t, Op::Write, c, Value::Int(value + 1));
            push(&mut p, u, Op::Write, c, Value::Int(value + 1));
            value += 1;
        } else {
            push(&mut p, t, Op::Lock, m, Value::Null);
            push(&mut p, t, Op::Read, c, Value::Int(value));
            push(&mut p, t, Op::Write, c, Value::Int(value + 1));
            push(&mut p, t, Op::Unlock, m, Value::Null);
            value += 1;
        }
        k += 1;
    }
    st.append_source(src, p).expect("a generated source");
    st
}

fn time<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed().as_secs_f64())
}

/// CPU seconds this process has used (all threads): on a shared machine wall time also counts
/// other processes' load, CPU time does not.
fn cpu_secs() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

/// Like [`time`], with the CPU seconds spent too.
fn time_cpu<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let c = cpu_secs();
    let (out, s) = time(f);
    (out, s, cpu_secs() - c)
}

fn row(what: &str, n: usize, secs: f64, target: &str, note: String) {
    println!(
        "{what:<44} {n:>11} {secs:>9.3} s {:>12.2} M/s   target {target:<12} {note}",
        n as f64 / secs / 1e6
    );
}

/// Sections to run: `HEISEN_BENCH_ONLY=suggest,diff` (all when unset).
fn selected(section: &str) -> bool {
    std::env::var("HEISEN_BENCH_ONLY")
        .map(|v| v.split(',').any(|x| x.trim() == section))
        .unwrap_or(true)
}

fn main() {
    println!(
        "{:<44} {:>11} {:>11} {:>14}   target",
        "what", "events", "time", "rate"
    );
    if selected("filters") {
        filters_and_render();
    }
    if selected("query") {
        pattern_and_hypothesis();
    }
    if selected("races") {
        race_detection();
    }
    if selected("verify") {
        verify_orders();
    }
    if selected("diff") {
        diff_runs();
    }
    if selected("suggest") {
        suggestions();
    }
    if selected("minimize") {
        minimization();
    }
}

fn filters_and_render() {
    // Filters over 10 M events.
    let n = scale(10_000_000);
    let (st, gen) = time(|| logs(n, 100_000, 1));
    eprintln!("generated {n} events in {gen:.1} s");
    for q in [
        r#"level >= warn and service = "payments""#,
        r#"http.status_code >= 500 and hostname = "pod-2""#,
    ] {
        let c = query::compile(&st, q).expect("query");
        let (r, s) = time(|| query::run(&st, &c));
        let hits = match r {
            QueryResult::Events(v) => v.len(),
            _ => 0,
        };
        row(
            &format!("filter: {q}"),
            n,
            s,
            "≤ 0.5 s",
            format!("{hits} hits"),
        );
    }
    // Render one frame with everything loaded.
    let store = Arc::new(st);
    let mut app = App::new(store.clone(), Theme::default_theme(), Keymap::default_map());
    app.list_rows = view::list_rows(200, 60);
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    let _ = term.draw(|f| view::draw(&app, f));
    let frames = 20;
    let (_, s) = time(|| {
        for _ in 0..frames {
            let _ = term.draw(|f| view::draw(&app, f));
        }
    });
    row(
        "render one 200×60 frame (all zoomed out)",
        n,
        s / frames as f64,
        "≤ 10 ms",
        format!("{:.2} ms/frame", s * 1000.0 / frames as f64),
    );
    heisen::ui::app::update(&mut app, heisen::ui::action::Action::ZoomIn);
    for _ in 0..10 {
        heisen::ui::app::update(&mut app, heisen::ui::action::Action::ZoomIn);
    }
    let (_, s) = time(|| {
        for _ in 0..frames {
            let _ = term.draw(|f| view::draw(&app, f));
        }
    });
    row(
        "render one 200×60 frame (zoomed in ×2048)",
        n,
        s / frames as f64,
        "≤ 10 ms",
        format!("{:.2} ms/frame", s * 1000.0 / frames as f64),
    );
    drop(app);
    drop(store);
}

fn pattern_and_hypothesis() {
    // A near pattern over 1 M events.
    let n = scale(1_000_000);
    let st = logs(n, 100_000, 2);
    let q = r#"(name = "handler X") as a near (name = "handler X") as b within 10ms where a.trace != b.trace"#;
    let c = query::compile(&st, q).expect("pattern");
    let (r, s) = time(|| query::run(&st, &c));
    let m = match r {
        QueryResult::Matches(v) => v.len(),
        _ => 0,
    };
    row(
        "pattern: near … within 10ms where a≠b",
        n,
        s,
        "≤ 2 s",
        format!("{m} matches"),
    );
    // A hypothesis over 100 k groups.
    let q = r#"expect level = error when hostname = "pod-2" per request"#;
    let c = query::compile(&st, q).expect("hypothesis");
    let (r, s) = time(|| query::run(&st, &c));
    let g = match r {
        QueryResult::Hypothesis(v) => v.groups,
        _ => 0,
    };
    row(
        "hypothesis per request",
        n,
        s,
        "≤ 2 s",
        format!("{g} groups"),
    );
    drop(st);
}

fn race_detection() {
    // Races over 10 M schedule operations.
    let n = scale(10_000_000);
    let st = schedule(n, 3);
    let all = analysis::all(&st);
    let (r, s) = time(|| races::analyse(&st, &all));
    row(
        "races + lost updates (happens-before)",
        n,
        s,
        "≥ 2 M ops/s",
        format!(
            "{} races, {} lost updates",
            r.races.len(),
            r.lost_updates.len()
        ),
    );
    drop((st, all));
}

fn verify_orders() {
    // verify over 10 M events.
    let n = scale(10_000_000);
    let (st, spec) = orders(n);
    let all = analysis::all(&st);
    let (r, s) = time(|| verify::verify(&st, &spec, &all));
    row(
        "verify (state machine)",
        n,
        s,
        "≥ 5 M ev/s",
        format!(
            "{} instances, {} violations",
            r.instances,
            r.violations.len()
        ),
    );
    drop((st, all));
}

fn diff_runs() {
    // diff of two 1 M-event runs.
    let n = scale(1_000_000);
    // B is A with 1 in 1000 events renamed and a few neighbours swapped: two runs of one system.
    let a = logs(n, 1_000, 5);
    let other = a.strings().intern("handler Z");
    let mut events = a.events().to_vec();
    for i in (0..events.len()).step_by(1000) {
        events[i].name = Some(other);
        if i + 1 < events.len() {
            let (x, y) = (events[i].name, events[i + 1].name);
            events[i].name = y;
            events[i + 1].name = x;
        }
    }
    let mut b = Store::new(a.strings().clone());
    let parsed = Parsed {
        events,
        attrs: a.attr_pool().to_vec(),
    };
    b.append_source(a.sources()[0].clone(), parsed)
        .expect("one source");
    let (d, s, cpu) = time_cpu(|| {
        diff::diff(
            &diff::Side {
                store: &a,
                events: analysis::all(&a),
            },
            &diff::Side {
                store: &b,
                events: analysis::all(&b),
            },
        )
    });
    row(
        "diff of two runs (per-lane Myers)",
        2 * n,
        s,
        "≤ 5 s",
        format!(
            "cpu {cpu:.2} s, {} reorderings, {} env",
            d.reorderings.len(),
            d.environment.len()
        ),
    );
    drop((a, b));
}

fn suggestions() {
    // suggest over 100 k groups and 50 attributes.
    let n = scale(1_000_000);
    let st = with_attrs(n, scale(100_000), 50, 7);
    let q = query::compile(&st, "level = error").expect("outcome");
    let query::Compiled::Filter(p) = q else {
        panic!("filter")
    };
    let key = query::check::resolve(
        &st,
        &heisen::query::ast::FieldRef {
            name: "request".into(),
            attr_only: false,
            span: 0..0,
        },
    )
    .expect("key");
    let (sg, s, cpu) = time_cpu(|| suggest::suggest(&st, &p, "level = error", key, "request", 10));
    let groups = sg.first().map_or(0, |x| {
        x.counts.both + x.counts.condition_only + x.counts.outcome_only + x.counts.neither
    });
    let near = sg.iter().filter(|x| x.predicate.contains(" near ")).count();
    row(
        "suggest (50 attributes, 10 templates, near)",
        n,
        s,
        "≤ 5 s",
        format!(
            "cpu {cpu:.2} s, {groups} groups, {near} near in top 10, top: {}",
            sg.first().map_or("-".into(), |x| x.predicate.clone())
        ),
    );
    drop(st);
}

fn minimization() {
    // minimize a 100 k-event schedule with one lost update.
    let n = scale(100_000);
    let st = one_lost_update(n);
    let all = analysis::all(&st);
    let o = minimize::Oracle::parse("lost-update:counter", None).expect("oracle");
    let (r, s) = time(|| minimize::minimize(&st, &all, &o));
    let (out, calls) = r.map_or((0, 0), |m| (m.events.len(), m.oracle_calls));
    row(
        "minimize to a 1-minimal repro",
        n,
        s,
        "≤ 10 s, ≤ 10 ev",
        format!("{out} events, {calls} oracle calls"),
    );
}
