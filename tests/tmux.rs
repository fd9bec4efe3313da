//! Runs tests/tmux_smoke.sh against the real binary when tmux is installed.

#[test]
fn real_binary_in_tmux() {
    let has_tmux = std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_tmux {
        eprintln!("SKIPPED: tmux is not installed (apt-get install tmux)");
        return;
    }
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
