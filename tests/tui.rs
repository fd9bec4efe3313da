//! The workbench without a terminal: pure update tests (key → action → state) and snapshots of
//! every screen rendered on ratatui's TestBackend.

use heisen::ingest::{load_named_bytes, LoadOptions};
use heisen::replay::Replayer;
use heisen::ui::action::Action;
use heisen::ui::app::{self, App, Effect, Mode};
use heisen::ui::keymap::{Key, KeyMode, Keymap};
use heisen::ui::msg::Msg;
use heisen::ui::state::command::Analysis;
use heisen::ui::state::compare::AlignInput;
use heisen::ui::theme::Theme;
use heisen::ui::{view, worker, BUNDLED};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::Arc;

fn app() -> App {
    let store =
        load_named_bytes(&BUNDLED, &LoadOptions::default()).expect("bundled scenario loads");
    let mut a = App::new(
        Arc::new(store),
        Theme::default_theme(),
        Keymap::default_map(),
    );
    a.list_rows = 12;
    a
}

fn screen(a: &mut App, w: u16, h: u16) -> String {
    a.list_rows = view::list_rows(w, h);
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| view::draw(a, f)).expect("draw");
    format!("{}", t.backend())
}

fn run(a: &mut App, q: &str) {
    let key = a.lane_key;
    let o = worker::run_query(&a.store, q, key);
    a.apply_outcome(o);
}

/// Press keys; side-by-side alignments they ask for are computed at once and handed back
/// through `handle`, as the loop's workers would.
fn press(a: &mut App, keys: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for k in keys.split(' ') {
        let key = Key::parse(k).expect("key");
        match a.keymap.lookup(a.key_mode(), key) {
            Some(action) => fx.extend(app::update(a, action)),
            None => panic!("{k} is not bound in {:?}", a.key_mode()),
        }
        for e in &fx {
            if let Effect::Align(req) = e {
                let compare = AlignInput::new(a, req).align();
                let (gen, open) = (a.gens.align, req.open);
                app::handle(a, Msg::Aligned { gen, compare, open });
            }
        }
        fx.retain(|e| !matches!(e, Effect::Align(_)));
    }
    fx
}

#[test]
fn navigation_updates_are_pure() {
    let mut a = app();
    assert_eq!(a.selected, 0);
    press(&mut a, "j j j");
    assert_eq!(a.selected, 3);
    press(&mut a, "k");
    assert_eq!(a.selected, 2);
    press(&mut a, "G");
    assert_eq!(a.selected, a.visible.len() - 1);
    assert!(a.list_offset > 0, "the list scrolls with the selection");
    press(&mut a, "g");
    assert_eq!((a.selected, a.list_offset), (0, 0));
    let span = a.window.span;
    press(&mut a, "+");
    assert!((a.window.span - span / 2).abs() <= 2);
    press(&mut a, "- -");
    assert!((a.window.span - span * 2).abs() <= 4);
    assert_eq!(press(&mut a, "L"), vec![Effect::Relane]);
    assert_eq!(a.lane_key.as_str(), "thread");
    assert_eq!(press(&mut a, "q"), vec![Effect::Quit]);
}

#[test]
fn query_bar_flow() {
    let mut a = app();
    press(&mut a, "/");
    assert_eq!(a.mode, Mode::Query);
    for c in "level = error".chars() {
        app::insert_char(&mut a, c);
    }
    let fx = press(&mut a, "enter");
    assert_eq!(fx, vec![Effect::RunQuery("level = error".into())]);
    assert_eq!(a.mode, Mode::Normal);
    assert_eq!(a.history, ["level = error"]);
    run(&mut a, "level = error");
    // 10 error logs (replica lag) + 20 error spans (handler race: 10 handlers, 10 roots)
    assert_eq!(a.visible.len(), 30);
    // history comes back with up
    press(&mut a, "/");
    a.input.clear();
    press(&mut a, "up");
    assert_eq!(a.input, "level = error");
    press(&mut a, "esc");
    // an error is kept with its position
    run(&mut a, "levle = error");
    let (_, e) = a.query_error.clone().expect("error");
    assert_eq!((e.start, e.end), (0, 5));
    assert_eq!(
        a.visible.len(),
        30,
        "a failed query leaves the view as it was"
    );
}

#[test]
fn hypothesis_counterexamples_jump() {
    let mut a = app();
    run(
        &mut a,
        r#"expect level = error when (msg ~ "db read") as r near (msg ~ "db write") as w within 150ms where r.request = w.request per request"#,
    );
    let v = a.verdict.clone().expect("verdict");
    assert_eq!(v.verdict, "falsified");
    // without `node = "replica"`, the 20 fast reads from the primary are counterexamples
    assert_eq!(v.condition_only, 20);
    assert_eq!(a.results.len(), 20);
    // The verdict selects the first counterexample: request 2's start; `n` goes to request 4's.
    let request = |a: &App| {
        let i = a.selected_event().expect("selection") as usize;
        let v = a.store.view(&a.store.events()[i]);
        serde_json::to_value(v).expect("json")["request"].clone()
    };
    assert_eq!(a.selected_event(), Some(a.results[0]));
    assert_eq!(request(&a), "req-002");
    press(&mut a, "n");
    assert_eq!(a.result_pos, Some(1));
    assert_eq!(a.selected_event(), Some(a.results[1]));
    assert_eq!(request(&a), "req-004");
    press(&mut a, "N");
    assert_eq!(a.result_pos, Some(0));
    assert_eq!(request(&a), "req-002");
    // Back past the first wraps to the last.
    press(&mut a, "N");
    assert_eq!(a.result_pos, Some(19));
    assert_eq!(a.selected_event(), Some(a.results[19]));
}

#[test]
fn replay_compare_and_overlays() {
    let mut a = app();
    let fx = press(&mut a, "r");
    assert_eq!(a.mode, Mode::Replay);
    assert_eq!(fx, vec![Effect::ReplayAt(0)]);
    let fx = press(&mut a, "l l");
    assert_eq!(fx.last(), Some(&Effect::ReplayAt(2)));
    press(&mut a, "space");
    assert!(a.replay.as_ref().is_some_and(|r| r.playing));
    press(&mut a, "esc");
    assert_eq!(a.mode, Mode::Normal);
    press(&mut a, "m");
    assert!(a.marked.is_some());
    a.jump_to(a.lanes[1].events[0]);
    press(&mut a, "c");
    assert_eq!(a.mode, Mode::Compare);
    press(&mut a, "esc ?");
    assert_eq!(a.mode, Mode::Help);
    press(&mut a, "esc E");
    assert_eq!(a.mode, Mode::Errors);
    assert_eq!(
        a.keymap
            .lookup(KeyMode::Overlay, Key::parse("esc").unwrap()),
        Some(Action::Back)
    );
}

#[test]
fn snapshot_normal() {
    let mut a = app();
    press(&mut a, "j j j j j");
    insta::assert_snapshot!("normal_120x36", screen(&mut a, 120, 36));
}

#[test]
fn snapshot_small_terminal() {
    let mut a = app();
    insta::assert_snapshot!("normal_80x24", screen(&mut a, 80, 24));
}

#[test]
fn snapshot_query_error() {
    let mut a = app();
    run(&mut a, "levle >= warn");
    press(&mut a, "/");
    a.input = "levle >= warn".into();
    a.input_cursor = a.input.len();
    let s = screen(&mut a, 100, 30);
    // The popup sits inside the list: the list's left and bottom borders stay whole.
    let rows: Vec<&str> = s.lines().collect();
    let above_bar = rows[rows.len() - 3];
    assert!(above_bar.starts_with("\"└───"), "{above_bar}");
    assert!(
        rows.iter().any(|r| r.starts_with("\"│ │✗ unknown field")),
        "{s}"
    );
    insta::assert_snapshot!("query_error", s);
}

#[test]
fn snapshot_hypothesis() {
    let mut a = app();
    run(
        &mut a,
        r#"expect level = error when (msg ~ "db write") as w then (msg ~ "db read" and node = "replica") as r within 150ms where r.request = w.request per request"#,
    );
    insta::assert_snapshot!("hypothesis", screen(&mut a, 120, 36));
}

#[test]
fn snapshot_side_by_side() {
    let mut a = app();
    press(&mut a, "L");
    run(&mut a, "");
    let t1 = a
        .lanes
        .iter()
        .position(|l| l.name == "T1")
        .expect("lane T1");
    let t2 = a
        .lanes
        .iter()
        .position(|l| l.name == "T2")
        .expect("lane T2");
    a.jump_to(a.lanes[t1].events[0]);
    press(&mut a, "m");
    a.jump_to(a.lanes[t2].events[0]);
    press(&mut a, "c");
    // The same ten operations, each with another counter value: aligned, but not the same.
    let c = a.compare.as_ref().expect("comparing");
    use heisen::analysis::diff::RowKind;
    assert_eq!(c.rows.len(), 10);
    assert!(
        c.rows.iter().all(|r| r.kind == RowKind::Values),
        "{:?}",
        c.rows
    );
    assert_eq!(c.first, None);
    let s = screen(&mut a, 120, 36);
    assert!(
        s.contains("read counter = 0    ") && s.contains(" ~ +0ns"),
        "{s}"
    );
    insta::assert_snapshot!("side_by_side", s);
}

#[test]
fn snapshot_replay() {
    let mut a = app();
    for _ in 0..20 {
        press(&mut a, "j");
    }
    press(&mut a, "r");
    let idx = a.selected_event().unwrap_or(0) as usize;
    let state = Replayer::new(&a.store).state_at(idx);
    if let Some(r) = a.replay.as_mut() {
        r.state = Some(state);
    }
    insta::assert_snapshot!("replay", screen(&mut a, 120, 36));
}

#[test]
fn snapshot_help() {
    let mut a = app();
    press(&mut a, "?");
    insta::assert_snapshot!("help", screen(&mut a, 120, 40));
}

#[test]
fn hostile_text_is_escaped_on_screen() {
    let evil = b"{\"ts\":1700000000000,\"level\":\"error\",\"msg\":\"\\u001b[2J\\u001b]0;pwned\\u0007 clear\",\"service\":\"\\u001b[31mred\"}\n";
    let store = load_named_bytes(&[("evil.jsonl", evil)], &LoadOptions::default()).expect("load");
    let mut a = App::new(
        Arc::new(store),
        Theme::default_theme(),
        Keymap::default_map(),
    );
    let s = screen(&mut a, 100, 24);
    assert!(
        !s.contains('\u{1b}') && !s.contains('\u{7}'),
        "control characters reached the screen"
    );
    assert!(s.contains("\\x1b[2J"), "{s}");
}

#[test]
fn analyses_as_views() {
    let mut a = app();
    press(&mut a, ":");
    for c in "races".chars() {
        app::insert_char(&mut a, c);
    }
    assert_eq!(
        press(&mut a, "enter"),
        vec![Effect::Analyse(Analysis::Races)]
    );
    let o = worker::run_analysis(&a.store, &Analysis::Races, a.lane_key);
    a.apply_outcome(o);
    assert_eq!(a.summary, "19 races, 10 lost updates");
    // Two events per race and four per lost update, in that order.
    assert_eq!(a.results.len(), 19 * 2 + 10 * 4);
    let op = |a: &App| {
        let i = a.selected_event().expect("selection") as usize;
        let v = serde_json::to_value(a.store.view(&a.store.events()[i])).expect("json");
        format!("{} {} {} {}", v["thread"], v["op"], v["obj"], v["value"])
    };
    // The first race: T1 writes the counter, then T2 reads it.
    assert_eq!(a.result_pos, Some(0));
    assert_eq!(a.selected_event(), Some(a.results[0]));
    assert_eq!(op(&a), r#""T1" "write" "counter" 1"#);
    press(&mut a, "n");
    assert_eq!(a.result_pos, Some(1));
    assert_eq!(a.selected_event(), Some(a.results[1]));
    assert_eq!(op(&a), r#""T2" "read" "counter" 1"#);
}

#[test]
fn suggestions_list_then_check() {
    let mut a = app();
    press(&mut a, ":");
    for c in "suggest level = error per request".chars() {
        app::insert_char(&mut a, c);
    }
    let fx = press(&mut a, "enter");
    assert_eq!(
        fx,
        vec![Effect::Suggest {
            outcome: "level = error".into(),
            per: "request".into()
        }]
    );
    a.suggestions = worker::run_suggest(&a.store, "level = error", "request").expect("suggest");
    assert_eq!(a.suggestions.len(), 9);
    assert_eq!(
        a.suggestions[0].hypothesis,
        r#"expect level = error when node = "replica" per request"#
    );
    assert!(screen(&mut a, 120, 36).contains("suggested hypotheses"));
    press(&mut a, "n");
    assert_eq!(a.suggestion_pos, 1);
    let fx = press(&mut a, "enter");
    assert_eq!(
        fx,
        vec![Effect::RunQuery(a.suggestions[1].hypothesis.clone())]
    );
}

/// Grow the store as a live source does: copies of stored events, retimed, merged into
/// their sources.
fn merge_copies(
    store: &mut heisen::model::Store,
    events: Vec<heisen::model::Event>,
) -> heisen::model::Grown {
    let parts = events
        .into_iter()
        .map(|mut e| {
            let attrs = store.attrs(&e).to_vec();
            e.attr_start = 0;
            heisen::model::LivePart {
                path: store.source_path(&e).to_string(),
                format: store.format_of(&e),
                parsed: heisen::model::Parsed {
                    events: vec![e],
                    attrs,
                },
                errors: Vec::new(),
            }
        })
        .collect();
    store.merge_live(parts).expect("merges")
}

#[test]
fn live_growth_follows_the_end_or_keeps_the_place() {
    let mut a = app();
    let n = a.store.len();
    let grow = |store: &mut heisen::model::Store| {
        let mut late = store.events()[0].clone();
        late.ts -= 1_000_000; // arrives late: goes first
        late.seq += 1_000_000;
        let mut newest = store.events().last().expect("events").clone();
        newest.ts += 1_000_000;
        newest.seq += 1_000_000;
        merge_copies(store, vec![late, newest])
    };
    // In the middle: the selected event stays selected although one was inserted before it.
    press(&mut a, "j j j");
    let before = a.store.events()[a.selected_event().unwrap() as usize].clone();
    let fx = a.store_grew(grow);
    assert_eq!(a.store.len(), n + 2);
    assert_eq!(
        a.store.events()[a.selected_event().unwrap() as usize],
        before
    );
    // No query: list and lanes are up to date at once, nothing is re-run.
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(a.visible, (0..a.store.len() as u32).collect::<Vec<_>>());
    assert_eq!(
        a.lanes,
        heisen::ui::lanes::compute(&a.store, &a.visible, a.lane_key)
    );
    // At the end: the view follows the newest event.
    press(&mut a, "G");
    a.store_grew(grow);
    assert_eq!(a.selected_event(), Some(a.store.len() as u32 - 1));
    // With a query the query runs again on the grown store; until it is back the list keeps
    // what matched before (the late event went first, so every old index moved by one).
    run(&mut a, "level >= warn");
    let matched: Vec<_> = a
        .visible
        .iter()
        .map(|&i| a.store.events()[i as usize].clone())
        .collect();
    // 30 errors and the two copies of the newest event (an error span) added so far.
    assert_eq!((matched.len(), a.store.len()), (32, 275));
    let fx = a.store_grew(grow);
    assert_eq!(fx, vec![Effect::RunQuery("level >= warn".into())]);
    assert!(
        a.visible.is_empty(),
        "nothing before the change point: {:?}",
        a.visible
    );
    run(&mut a, "level >= warn");
    let rerun: Vec<_> = a
        .visible
        .iter()
        .map(|&i| a.store.events()[i as usize].clone())
        .collect();
    // ... and the third copy of that error span.
    assert_eq!(rerun.len(), 33);
    assert!(
        matched.iter().all(|e| rerun.contains(e)),
        "the re-run lists the old matches again"
    );
    // Growth at the end keeps the matches listed.
    let at_end = |store: &mut heisen::model::Store| {
        let mut e = store.events().last().expect("events").clone();
        e.ts += 1_000_000;
        e.seq += 1_000_000;
        let grown = merge_copies(store, vec![e]);
        assert_eq!(grown.from, store.len() - 1, "at the end");
        grown
    };
    let before = a.visible.clone();
    let lanes = a.lanes.clone();
    a.store_grew(at_end);
    assert_eq!(a.visible, before);
    assert_eq!(a.lanes, lanes);
}

#[test]
fn side_by_side_uses_the_diff_alignment() {
    let dev = std::fs::read("sample-traces/promise-all/dev.jsonl").expect("dev");
    let prod = std::fs::read("sample-traces/promise-all/prod.jsonl").expect("prod");
    let store = load_named_bytes(
        &[
            ("dev.jsonl", dev.as_slice()),
            ("prod.jsonl", prod.as_slice()),
        ],
        &LoadOptions::default(),
    )
    .expect("loads");
    let mut a = App::new(
        Arc::new(store),
        Theme::default_theme(),
        Keymap::default_map(),
    );
    a.lane_key = heisen::model::LaneKey::Source;
    run(&mut a, "");
    let lane = |a: &App, name: &str| {
        a.lanes
            .iter()
            .find(|l| l.name.contains(name))
            .map(|l| l.events[0])
            .expect("lane")
    };
    a.jump_to(lane(&a, "dev"));
    press(&mut a, "m");
    a.jump_to(lane(&a, "prod"));
    press(&mut a, "c");
    let c = a.compare.as_ref().expect("comparing");
    // Started, both fetches sent: the same three events; then settings and profile swap.
    assert_eq!(c.first, Some(3));
    use heisen::analysis::diff::RowKind;
    assert!(c.rows[..3].iter().all(|r| r.kind == RowKind::Same));
    assert_eq!(c.rows.last().map(|r| r.kind), Some(RowKind::Same));
    insta::assert_snapshot!("side_by_side_divergence", screen(&mut a, 120, 30));
}

#[test]
fn status_line_names_clock_shifts() {
    let api = std::fs::read("sample-traces/tz-drift/api.jsonl").expect("api");
    let worker = std::fs::read("sample-traces/tz-drift/worker.log").expect("worker");
    let opts = LoadOptions {
        shifts: vec!["worker.log=-2h".parse().expect("shift")],
        ..Default::default()
    };
    let store = load_named_bytes(
        &[
            ("tz-drift/api.jsonl", api.as_slice()),
            ("tz-drift/worker.log", worker.as_slice()),
        ],
        &opts,
    )
    .expect("load");
    let mut a = App::new(
        Arc::new(store),
        Theme::default_theme(),
        Keymap::default_map(),
    );
    let s = screen(&mut a, 120, 30);
    assert!(s.contains("shifted worker.log -2h"), "{s}");
    assert!(!s.contains("api.jsonl -"), "{s}");
}

#[test]
fn non_ascii_query_errors_draw() {
    let mut a = app();
    for q in ["level ≥ warn", "日本 = 1", "🔥"] {
        run(&mut a, q);
        let (_, e) = a.query_error.clone().expect("error");
        assert!(e.message.starts_with("unexpected character"), "{q}: {e:?}");
        // The range covers whole characters.
        assert!(
            q.is_char_boundary(e.start) && q.is_char_boundary(e.end),
            "{q}: {e:?}"
        );
        press(&mut a, "/");
        a.input = q.into();
        a.input_cursor = a.input.len();
        let s = screen(&mut a, 100, 30);
        assert!(s.contains(&format!("✗ {}", e.message)), "{s}");
        press(&mut a, "esc");
    }
}
