#!/usr/bin/env bash
# Drive the real heisen binary in tmux as a user would: open the bundled scenario, move, filter,
# test a hypothesis, step through counterexamples, open help, quit — then check that the shell
# got its terminal back. Usage: tests/tmux_smoke.sh path/to/heisen
set -euo pipefail
BIN=$(realpath "${1:?usage: tmux_smoke.sh path/to/heisen}")
S="heisen-smoke-$$"
export TERM=xterm-256color
tmux -f /dev/null new-session -d -s "$S" -x 110 -y 32 "bash --norc --noprofile"
trap 'tmux kill-session -t "$S" 2>/dev/null || true' EXIT
screen() { tmux capture-pane -t "$S" -p; }
wait_for() {
  for _ in $(seq 1 100); do
    if screen | grep -qF -- "$1"; then return 0; fi
    sleep 0.1
  done
  echo "FAIL: the screen never showed: $1"
  screen
  exit 1
}
keys() { tmux send-keys -t "$S" "$@"; }

keys "cd /tmp && PS1='prompt$ ' && clear" Enter
wait_for "prompt$"
keys "$BIN" Enter
wait_for "events 1/271"
wait_for "timeline · lanes by service"
keys j j j
wait_for "events 4/271"
keys /
keys -l 'level = error'
keys Enter
wait_for "events 1/30 (filtered)"
keys x
# clearing the filter keeps the selection on the same event (the first error)
wait_for "events 63/271"
keys /
keys -l 'levle = error'
keys Enter
wait_for "unknown field 'levle' — did you mean 'level'?"
keys /
keys C-u
for _ in $(seq 1 20); do keys BSpace; done
keys -l 'expect level = error when hostname = "pod-2" per request'
keys Enter
wait_for "unknown field 'hostname'"
keys /
for _ in $(seq 1 80); do keys BSpace; done
keys -l 'expect level = error when (msg ~ "db write") as w then (msg ~ "db read" and node = "replica") as r within 150ms where r.request = w.request per request'
keys Enter
wait_for "hypothesis: SUPPORTED"
wait_for "condition          10           0"
keys '?'
wait_for "help — keys"
keys Escape
keys L
wait_for "lanes by thread"
keys q
wait_for "prompt$"
# The alternate screen is gone and the shell echoes again.
keys "echo restored-ok" Enter
wait_for "restored-ok"
echo "tmux smoke: ok"
