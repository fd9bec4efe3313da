//! Tests of the pure update: messages in, state and effects out, no terminal and no threads.

use super::action::Action;
use super::app::{self, App, Effect, Mode};
use super::keymap::Keymap;
use super::msg::Msg;
use super::state::compare::{AlignInput, AlignRequest};
use super::theme::Theme;
use super::{worker, BUNDLED};
use crate::ingest::{load_named_bytes, LiveBatch, LoadOptions};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use std::sync::Arc;

fn bundled() -> App {
    let store = load_named_bytes(&BUNDLED, &LoadOptions::default()).expect("bundled loads");
    App::new(
        Arc::new(store),
        Theme::default_theme(),
        Keymap::default_map(),
    )
}

fn key(c: KeyCode) -> Msg {
    Msg::Term(Event::Key(KeyEvent::new(c, KeyModifiers::NONE)))
}

/// Type `text` into the query bar (opened with `/`) and press Enter: the effects of Enter.
fn submit(a: &mut App, text: &str) -> Vec<Effect> {
    app::handle(a, key(KeyCode::Char('/')));
    a.input.clear();
    a.input_cursor = 0;
    for c in text.chars() {
        app::handle(a, key(KeyCode::Char(c)));
    }
    app::handle(a, key(KeyCode::Enter))
}

fn outcome(a: &App, text: &str) -> Box<app::QueryOutcome> {
    Box::new(worker::run_query(&a.store, text, a.lane_key))
}

#[test]
fn the_newest_query_wins_not_the_last_to_finish() {
    let mut a = bundled();
    assert_eq!(
        submit(&mut a, "level = error"),
        vec![Effect::RunQuery("level = error".into())]
    );
    let first = a.gens.query;
    submit(&mut a, "level = warn");
    let second = a.gens.query;
    assert!(second > first);
    let errors = outcome(&a, "level = error");
    let warnings = outcome(&a, "level = warn");
    let warning_count = warnings.result.as_ref().map(|f| f.visible.len()).ok();
    // The second query finishes first; the first one's late result is ignored.
    app::handle(
        &mut a,
        Msg::Query {
            gen: second,
            outcome: warnings,
        },
    );
    app::handle(
        &mut a,
        Msg::Query {
            gen: first,
            outcome: errors,
        },
    );
    assert_eq!(a.query.as_deref(), Some("level = warn"));
    assert_eq!(Some(a.visible.len()), warning_count);
    assert_eq!(a.running, None);
}

#[test]
fn an_older_query_result_is_ignored_while_the_newest_runs() {
    let mut a = bundled();
    submit(&mut a, "level = error");
    let old = a.gens.query;
    submit(&mut a, "level = warn");
    let all = a.visible.len();
    let late = outcome(&a, "level = error");
    app::handle(
        &mut a,
        Msg::Query {
            gen: old,
            outcome: late,
        },
    );
    assert_eq!(a.visible.len(), all, "the old result changed the list");
    assert_eq!(a.running.as_deref(), Some("level = warn"), "still waiting");
}

#[test]
fn typed_commands_and_stale_suggestions() {
    let mut a = bundled();
    app::handle(&mut a, key(KeyCode::Char(':')));
    for c in "suggest level = error per request".chars() {
        app::handle(&mut a, key(KeyCode::Char(c)));
    }
    let fx = app::handle(&mut a, key(KeyCode::Enter));
    assert_eq!(
        fx,
        vec![Effect::Suggest {
            outcome: "level = error".into(),
            per: "request".into()
        }]
    );
    let result = worker::run_suggest(&a.store, "level = error", "request");
    let n = result.as_ref().map_or(0, Vec::len);
    assert!(n > 1);
    let old = a.gens.suggest - 1;
    app::handle(
        &mut a,
        Msg::Suggestions {
            gen: old,
            result: result.clone(),
        },
    );
    assert!(
        a.suggestions.is_empty(),
        "an older request's answer is dropped"
    );
    let gen = a.gens.suggest;
    app::handle(&mut a, Msg::Suggestions { gen, result });
    assert_eq!(a.suggestions.len(), n);
    assert_eq!(
        a.message.as_deref(),
        Some(format!("{n} suggestions · n/N to choose · Enter runs the hypothesis").as_str())
    );
}

#[test]
fn alignment_arrives_as_a_message_and_opens_side_by_side() {
    let mut a = bundled();
    a.lane_key = crate::model::LaneKey::Thread;
    let rerun = outcome(&a, "");
    a.apply_outcome(*rerun);
    let lane = |a: &App, name: &str| {
        a.lanes
            .iter()
            .find(|l| l.name == name)
            .map(|l| l.events[0])
            .expect("lane")
    };
    a.jump_to(lane(&a, "T1"));
    app::update(&mut a, Action::MarkGroup);
    assert_eq!(
        a.message.as_deref(),
        Some("marked lane 'T1': select another lane and press c")
    );
    a.jump_to(lane(&a, "T2"));
    let fx = app::update(&mut a, Action::Compare);
    let [Effect::Align(req)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(a.mode, Mode::Normal, "nothing to show before the alignment");
    let compare = AlignInput::new(&a, req).align();
    assert!(!compare.rows.is_empty());
    let stale = Msg::Aligned {
        gen: a.gens.align - 1,
        compare: compare.clone(),
        open: true,
    };
    app::handle(&mut a, stale);
    assert_eq!((a.mode, a.compare.is_none()), (Mode::Normal, true));
    let gen = a.gens.align;
    app::handle(
        &mut a,
        Msg::Aligned {
            gen,
            compare,
            open: true,
        },
    );
    assert_eq!(a.mode, Mode::Compare);
    // `a` asks for the other alignment without leaving the screen; pressed again before
    // that arrives, it asks for the first one back.
    let at = |fx: Vec<Effect>| match fx.as_slice() {
        [Effect::Align(AlignRequest {
            at_selected,
            open: false,
            ..
        })] => *at_selected,
        _ => panic!("{fx:?}"),
    };
    assert!(at(app::update(&mut a, Action::ToggleAlign)));
    assert!(!at(app::update(&mut a, Action::ToggleAlign)));
}

#[test]
fn keys_and_mouse_arrive_as_terminal_messages() {
    let mut a = bundled();
    app::handle(&mut a, key(KeyCode::Char('j')));
    assert_eq!(a.selected, 1);
    let scroll = MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 0,
        row: 0,
        modifiers: KeyModifiers::NONE,
    };
    app::handle(&mut a, Msg::Term(Event::Mouse(scroll)));
    assert_eq!(a.selected, 2);
    app::handle(&mut a, Msg::Term(Event::Resize(120, 36)));
    assert_eq!(a.list_rows, super::view::list_rows(120, 36));
    assert_eq!(
        app::handle(&mut a, key(KeyCode::Char('q'))),
        vec![Effect::Quit]
    );
    assert_eq!(
        app::handle(&mut a, Msg::InputFailed("gone".into())),
        vec![Effect::Fail("reading the terminal: gone".into())]
    );
}

#[test]
fn a_query_typed_while_loading_runs_again_on_the_loaded_store() {
    let mut a = App::new(
        Arc::new(crate::model::Store::default()),
        Theme::default_theme(),
        Keymap::default_map(),
    );
    submit(&mut a, "level = error");
    let before = a.gens.query;
    let store = load_named_bytes(&BUNDLED, &LoadOptions::default()).map_err(|e| e.to_string());
    let fx = app::handle(&mut a, Msg::Loaded(store));
    assert_eq!(fx, vec![Effect::RunQuery("level = error".into())]);
    assert_eq!(a.gens.query, before + 1, "the re-run is the newest request");
    assert_eq!(
        app::handle(&mut a, Msg::Loaded(Err("gone".into()))),
        vec![Effect::Fail("gone".into())]
    );
}

/// A live batch of one event (at 2030-01-01) for `a`'s store, and that event's time.
fn live_batch(a: &App) -> (Msg, i64) {
    let ctx = crate::ingest::Ctx {
        strings: a.store.strings().clone(),
        default_offset_min: 0,
    };
    let line = b"{\"ts\":\"2030-01-01T00:00:00Z\",\"level\":\"info\",\"msg\":\"late\"}\n";
    let (src, batch) =
        crate::ingest::parse_bytes("live.jsonl", line, &ctx, &LoadOptions::default())
            .expect("parses");
    let newest = batch.events.iter().map(|e| e.ts).max().expect("one event");
    let msg = Msg::Live(Box::new(LiveBatch {
        path: "live.jsonl".into(),
        format: src.format,
        batch,
    }));
    (msg, newest)
}

#[test]
fn live_batches_wait_until_the_merge_is_due() {
    let mut a = bundled();
    a.live = Some(app::LiveStatus::default());
    let n = a.store.len();
    let (batch, newest) = live_batch(&a);
    app::handle(&mut a, batch);
    assert_eq!((a.store.len(), a.live_pending.len()), (n, 1));
    let due = Msg::MergeDue {
        secs: 0.5,
        now_ns: newest + 7,
    };
    let fx = app::handle(&mut a, due);
    assert!(fx.is_empty(), "no query to re-run: {fx:?}");
    assert_eq!(a.store.len(), n + 1);
    assert!(a.live_pending.is_empty());
    assert_eq!(a.visible.len(), n + 1);
    let live = a.live.clone().expect("live status");
    assert_eq!((live.received, live.rate, live.lag_ns), (1, 2.0, 7));
}

#[test]
fn a_store_a_worker_reads_grows_on_a_worker() {
    let mut a = bundled();
    a.live = Some(app::LiveStatus::default());
    let n = a.store.len();
    let reader = a.store.clone(); // a query still running on the store
    let (batch, newest) = live_batch(&a);
    app::handle(&mut a, batch);
    let due = |secs| Msg::MergeDue {
        secs,
        now_ns: newest + 7,
    };
    let fx = app::handle(&mut a, due(0.5));
    let [Effect::Grow(handoff)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(a.store.len(), n, "the loop did not copy the store");
    // Batches arriving meanwhile wait for the next merge.
    let (batch, _) = live_batch(&a);
    app::handle(&mut a, batch);
    assert!(app::handle(&mut a, due(0.1)).is_empty());
    let grown = super::state::live::grow_copy(&a.store, handoff.take().expect("batches"));
    assert!(handoff.take().is_none(), "handed over once");
    let fx = app::handle(&mut a, grown);
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!((a.store.len(), reader.len()), (n + 1, n));
    assert_eq!(a.visible.len(), n + 1);
    assert_eq!(a.live_pending.len(), 1);
    let live = a.live.clone().expect("live status");
    assert_eq!((live.received, live.rate, live.lag_ns), (1, 2.0, 7));
}

#[test]
fn large_payloads_are_highlighted_by_a_worker_once() {
    let items: Vec<u32> = (0..2000).collect();
    let doc = serde_json::json!({ "items": items }).to_string();
    let lines = format!(
        "{}\n{}\n",
        serde_json::json!({"ts": 1_700_000_000_000u64, "msg": "small", "body": "{\"a\": 1}"}),
        serde_json::json!({"ts": 1_700_000_000_001u64, "msg": "big", "body": doc}),
    );
    let store = load_named_bytes(&[("big.jsonl", lines.as_bytes())], &LoadOptions::default())
        .expect("loads");
    let mut a = App::new(
        Arc::new(store),
        Theme::default_theme(),
        Keymap::default_map(),
    );
    assert_eq!(
        app::update(&mut a, Action::Down),
        vec![Effect::Highlight(1)]
    );
    assert_eq!(app::update(&mut a, Action::Up), vec![]);
    let late = super::state::detail::highlight_large(&a.store, 1);
    app::handle(&mut a, Msg::Highlighted(Box::new(late.clone())));
    assert_eq!(a.highlighted, None, "not for the selected event");
    assert_eq!(
        app::update(&mut a, Action::Down),
        vec![],
        "asked for already: not again"
    );
    app::handle(&mut a, Msg::Highlighted(Box::new(late)));
    let start = a.store.events()[1].attr_start;
    let body = a.store.attrs(&a.store.events()[1]).len() - 1;
    let ready = super::state::detail::ready(&a, start, body).expect("highlighted");
    assert!(ready.len() > 2000, "pretty-printed: one line per item");
}
