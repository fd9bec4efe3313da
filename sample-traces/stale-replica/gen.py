#!/usr/bin/env python3
"""A writer updates `user:42.email` on the primary three times; a reader on the replica reads it
six times. The replica lags 80 ms: two reads start after the second write completed yet return
the first value. Expected `heisen stale`: 2 stale reads on user:42.email, lags 30 ms and 60 ms."""
import json

MS = 1_000_000
T0 = 1_763_890_200_000_000_000
ops = [
    (0, "writer", "write", "a@example.com"),
    (100, "reader", "read", "a@example.com"),
    (200, "writer", "write", "b@example.com"),
    (230, "reader", "read", "a@example.com"),   # stale: b completed 30 ms before
    (260, "reader", "read", "a@example.com"),   # stale: 60 ms
    (300, "reader", "read", "b@example.com"),
    (400, "writer", "write", "c@example.com"),
    (400, "reader", "read", "b@example.com"),   # concurrent with the write: not stale
    (600, "reader", "read", "c@example.com"),
]
with open("schedule.jsonl", "w") as f:
    for ms, th, op, v in ops:
        f.write(json.dumps({"ts": T0 + ms * MS, "thread": th, "op": op, "obj": "user:42.email",
                            "value": v, "node": "primary" if th == "writer" else "replica"}) + "\n")
