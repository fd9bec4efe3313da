#!/usr/bin/env python3
"""A function behind a 2 s client timeout is deployed three times. The first request after each
deploy is a cold start (2.3 s, faas.coldstart = true) and times out; every other request takes
40-200 ms. Expected: `heisen suggest app.jsonl --outcome 'level = error' --per request` ranks
faas.coldstart = true first (3 of 3 failing requests, no other)."""
import json, random

rng = random.Random(4)
ms = 1_000_000
t = 1_763_890_200_000_000_000
lines = []
n = 0
for deploy in range(3):
    lines.append({"ts": t, "level": "info", "service": "fn", "msg": f"deploy v{deploy + 1} started"})
    t += 5_000 * ms
    for k in range(15):
        req = f"req-{n:03d}"
        n += 1
        cold = k == 0
        dur = 2300 if cold else rng.randint(40, 200)
        lines.append({"ts": t, "level": "info", "service": "fn", "request_id": req, "msg": "invocation",
                      "faas.coldstart": cold, "duration_ms": dur})
        if cold:
            lines.append({"ts": t + 2000 * ms, "level": "error", "service": "client", "request_id": req,
                          "msg": "request timed out after 2000ms"})
        else:
            lines.append({"ts": t + dur * ms, "level": "info", "service": "client", "request_id": req,
                          "msg": "200 OK"})
        t += rng.randint(300, 900) * ms
    t += 60_000 * ms
with open("app.jsonl", "w") as f:
    for l in lines:
        f.write(json.dumps(l) + "\n")
