#!/usr/bin/env python3
"""40 requests, each writing a row on the primary and then reading it back. 10 read from the
replica within 150 ms of their write and fail (stale read); 10 read from the replica after the
lag has passed (400-600 ms) and succeed; 20 read from the primary and succeed. Requests overlap
in time. Expected: `expect level = error when (msg ~ "db write") as w then (msg ~ "db read" and
node = "replica") as r within 150ms where r.request = w.request per request` is SUPPORTED with
both = 10, neither = 30."""
import json, random

rng = random.Random(11)
T0 = 1_763_890_200_000_000_000
MS = 1_000_000
kinds = ["stale"] * 10 + ["late"] * 10 + ["primary"] * 20
rng.shuffle(kinds)
events = []
t = T0
def iso(ns):
    s, frac = divmod(ns, 1_000_000_000)
    import datetime
    d = datetime.datetime.fromtimestamp(s, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + f".{frac:09d}Z"
for n, kind in enumerate(kinds):
    t += rng.randint(20, 60) * MS
    req = f"req-{n:03d}"
    events.append((t, {"level": "info", "msg": f"request started POST /orders/{n}", "request_id": req, "node": "api"}))
    w = t + rng.randint(1, 5) * MS
    events.append((w, {"level": "info", "msg": f"db write order {n} committed", "request_id": req, "node": "primary"}))
    delay = {"stale": rng.randint(5, 140), "late": rng.randint(400, 600), "primary": rng.randint(5, 140)}[kind] * MS
    node = "primary" if kind == "primary" else "replica"
    r = w + delay
    events.append((r, {"level": "info", "msg": f"db read order {n}", "request_id": req, "node": node}))
    if kind == "stale":
        events.append((r + MS, {"level": "error", "msg": f"order {n} not found after create", "request_id": req, "node": "api"}))
    else:
        events.append((r + MS, {"level": "info", "msg": f"request finished 201", "request_id": req, "node": "api"}))
events.sort(key=lambda e: e[0])
with open("app.jsonl", "w") as f:
    for ts, e in events:
        f.write(json.dumps({"time": iso(ts), **e}) + "\n")
