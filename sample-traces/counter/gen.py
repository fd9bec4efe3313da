#!/usr/bin/env python3
"""Generate the unsynchronised-counter schedule: 4 threads each do read -> +1 -> write on one
shared `counter`, 5 times, interleaved by a seeded scheduler. Deterministic (seed 7)."""
import json, random

rng = random.Random(7)
T0 = 1_763_890_200_000_000_000  # 2025-11-23T09:30:00Z in ns
threads = ["T1", "T2", "T3", "T4"]
INCS = 5
counter = 0
lines = []
ts = T0
def emit(**kw):
    global ts
    ts += rng.randint(20_000, 120_000)  # 20-120 µs between operations
    lines.append(json.dumps({"ts": ts, **kw}))

emit(thread="main", op="write", obj="counter", value=0)
for t in threads:
    emit(thread="main", op="spawn", obj=t)
# Each thread: a program of (read, write) pairs; the scheduler picks a runnable thread at random.
pc = {t: 0 for t in threads}     # 0 = next is read, 1 = next is write
done = {t: 0 for t in threads}
local = {}
while any(done[t] < INCS for t in threads):
    t = rng.choice([t for t in threads if done[t] < INCS])
    if pc[t] == 0:
        local[t] = counter
        emit(thread=t, op="read", obj="counter", value=counter)
        pc[t] = 1
    else:
        counter = local[t] + 1
        emit(thread=t, op="write", obj="counter", value=counter)
        pc[t] = 0
        done[t] += 1
for t in threads:
    emit(thread="main", op="join", obj=t)
emit(thread="main", op="read", obj="counter", value=counter)
emit(thread="main", op="note", obj="counter", value=f"final value {counter}, expected {len(threads) * INCS}")
open("schedule.jsonl", "w").write("\n".join(lines) + "\n")
print(f"final counter {counter} of {len(threads) * INCS} increments; {len(lines)} operations")
