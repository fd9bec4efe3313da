#!/usr/bin/env python3
"""4 threads increment `counter` under mutex `m` (no race possible) and, outside the lock,
bump an unprotected statistic `stats.hits`. Expected: races ONLY on stats.hits; no lost update
on counter (final 20 of 20)."""
import json, random

rng = random.Random(5)
T0 = 1_763_890_200_000_000_000
ts = T0
lines = []
def emit(**kw):
    global ts
    ts += rng.randint(10_000, 90_000)
    lines.append(json.dumps({"ts": ts, **kw}))
threads = ["T1", "T2", "T3", "T4"]
emit(thread="main", op="write", obj="counter", value=0)
emit(thread="main", op="write", obj="stats.hits", value=0)
for t in threads:
    emit(thread="main", op="spawn", obj=t)
# Each thread: 5 x [lock, read, write, unlock, read hits, write hits]; a seeded scheduler
# interleaves threads but never lets two hold the lock.
prog = {t: [] for t in threads}
for t in threads:
    for _ in range(5):
        prog[t] += ["lock", "read", "write", "unlock", "hread", "hwrite"]
pc = {t: 0 for t in threads}
holder = None
counter = 0
hits = 0
local = {}
hlocal = {}
while any(pc[t] < len(prog[t]) for t in threads):
    runnable = [t for t in threads if pc[t] < len(prog[t]) and not (prog[t][pc[t]] == "lock" and holder not in (None, t))]
    t = rng.choice(runnable)
    step = prog[t][pc[t]]
    pc[t] += 1
    if step == "lock":
        holder = t
        emit(thread=t, op="lock", obj="m", pc="inc.go:10")
    elif step == "read":
        local[t] = counter
        emit(thread=t, op="read", obj="counter", value=counter, pc="inc.go:11")
    elif step == "write":
        counter = local[t] + 1
        emit(thread=t, op="write", obj="counter", value=counter, pc="inc.go:12")
    elif step == "unlock":
        holder = None
        emit(thread=t, op="unlock", obj="m", pc="inc.go:13")
    elif step == "hread":
        hlocal[t] = hits
        emit(thread=t, op="read", obj="stats.hits", value=hits, pc="stats.go:7")
    else:
        hits = hlocal[t] + 1
        emit(thread=t, op="write", obj="stats.hits", value=hits, pc="stats.go:8")
for t in threads:
    emit(thread="main", op="join", obj=t)
emit(thread="main", op="read", obj="counter", value=counter)
open("schedule.jsonl", "w").write("\n".join(lines) + "\n")
print("counter", counter, "hits", hits)
