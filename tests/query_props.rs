//! Property tests of the query parser: it never panics on any input, and printing a parsed
//! query then parsing it again gives the same query.

use heisen::query;
use proptest::prelude::*;

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("level".to_string()),
        Just("service".to_string()),
        Just("http.status_code".to_string()),
        Just("attrs.\"x-id\"".to_string()),
        "[a-z][a-z_]{0,6}(\\.[a-z]{1,4})?".prop_filter("not a keyword", |s| {
            !heisen::query::lexer::is_keyword(s)
        }),
    ]
}

fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,6}".prop_filter("not a keyword", |s| !heisen::query::lexer::is_keyword(s)),
        "\"[a-zA-Z0-9 ._:/=-]{0,8}\"",
        (0u32..100_000).prop_map(|n| n.to_string()),
        (
            1u32..999,
            prop::sample::select(vec!["ms", "s", "us", "ns", "m", "h"])
        )
            .prop_map(|(n, u)| format!("{n}{u}")),
    ]
}

fn comparison() -> impl Strategy<Value = String> {
    let op = prop::sample::select(vec!["=", "!=", "<", "<=", ">", ">=", "~", "!~", "contains"]);
    prop_oneof![
        (field(), op, literal()).prop_map(|(f, o, l)| format!("{f} {o} {l}")),
        field().prop_map(|f| format!("exists({f})")),
        (field(), prop::collection::vec(literal(), 1..4))
            .prop_map(|(f, ls)| format!("{f} in ({})", ls.join(", "))),
        "\"[a-z ]{1,8}\"",
    ]
}

fn filter() -> impl Strategy<Value = String> {
    comparison().prop_recursive(3, 16, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) and ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} or {b}")),
            inner.prop_map(|a| format!("not ({a})")),
        ]
    })
}

fn any_query() -> impl Strategy<Value = String> {
    let rel = prop::sample::select(vec!["then", "near", "overlaps"]);
    prop_oneof![
        filter(),
        (filter(), rel, filter(), 1u32..500).prop_map(|(a, r, b, w)| {
            format!("({a}) as a {r} ({b}) as b within {w}ms where a.request = b.request")
        }),
        (filter(), filter(), field()).prop_map(|(o, c, k)| format!("expect {o} when {c} per {k}")),
    ]
}

proptest! {
    // A fixed seed keeps CI deterministic; vary it locally to explore
    // (`HEISEN_PROPTEST_SEED=$RANDOM cargo test --test query_props`).
    #![proptest_config(ProptestConfig {
        cases: 400,
        rng_seed: proptest::test_runner::RngSeed::Fixed(
            std::env::var("HEISEN_PROPTEST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20261125),
        ),
        ..ProptestConfig::default()
    })]

    #[test]
    fn parser_never_panics(s in "\\PC{0,80}") {
        let _ = query::parse(&s);
    }

    #[test]
    fn parser_never_panics_on_near_queries(s in any_query(), cut in 0usize..200) {
        let cut = s.char_indices().nth(cut).map_or(s.len(), |(i, _)| i);
        let _ = query::parse(&s[..cut]);
    }

    #[test]
    fn print_then_parse_is_the_same_query(s in any_query()) {
        let q = query::parse(&s).map_err(|e| TestCaseError::fail(e.render(&s)))?;
        let printed = q.to_string();
        let again = query::parse(&printed).map_err(|e| TestCaseError::fail(e.render(&printed)))?;
        // positions differ between the two texts; the printed forms must agree
        prop_assert_eq!(again.to_string(), printed);
    }
}
