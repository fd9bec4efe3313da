//! Runs tests/tmux_smoke.sh against the real binary in tmux. tmux is required: `.ci/run`
//! installs it, and without it this test fails rather than passing unseen.

#[test]
fn real_binary_in_tmux() {
    let has_tmux = std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        has_tmux,
        "tmux is required for this test: apt-get install tmux (.ci/run does)"
    );
    let out = std::process::Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tmux_smoke.sh"))
        .arg(env!("CARGO_BIN_EXE_heisen"))
        .output()
        .expect("run the smoke script");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("tmux smoke: ok"), "{text}");
}
