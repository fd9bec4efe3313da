#!/usr/bin/env python3
"""30 traces through `handler X` (OTLP JSON lines, one trace per line). Five pairs of traces
hit the handler within 3 ms of each other and both fail; every other trace is alone and
succeeds. Expected: `expect status = error when (name = "handler X") as a near
(name = "handler X") as b within 10ms where a.trace != b.trace per trace` is SUPPORTED with
both = 10, neither = 20."""
import json, random

rng = random.Random(3)
T0 = 1_763_890_200_000_000_000
MS = 1_000_000
starts = []
t = T0
for i in range(20):
    t += rng.randint(80, 160) * MS
    starts.append((t, False))
for i in range(5):
    t += rng.randint(80, 160) * MS
    starts.append((t, True))
    starts.append((t + rng.randint(1, 3) * MS, True))
rng.shuffle(starts)
starts.sort()
lines = []
for n, (s, collided) in enumerate(starts):
    trace = f"{rng.getrandbits(128):032x}"
    root, child = f"{rng.getrandbits(64):016x}", f"{rng.getrandbits(64):016x}"
    dur = rng.randint(5, 20) * MS
    spans = [
        {"traceId": trace, "spanId": root, "name": "GET /cart", "kind": 2,
         "startTimeUnixNano": str(s - MS), "endTimeUnixNano": str(s + dur + MS),
         "status": {"code": 2 if collided else 1}},
        {"traceId": trace, "spanId": child, "parentSpanId": root, "name": "handler X", "kind": 1,
         "startTimeUnixNano": str(s), "endTimeUnixNano": str(s + dur),
         "attributes": [{"key": "cart.id", "value": {"stringValue": f"cart-{n % 7}"}}],
         "status": {"code": 2, "message": "lost update on cart"} if collided else {"code": 1}},
    ]
    doc = {"resourceSpans": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "cart"}}]},
        "scopeSpans": [{"scope": {"name": "cart-handlers"}, "spans": spans}]}]}
    lines.append(json.dumps(doc, separators=(",", ":")))
open("traces.jsonl", "w").write("\n".join(lines) + "\n")
