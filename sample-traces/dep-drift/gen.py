#!/usr/bin/env python3
"""The same 8 requests traced in dev and prod (OTLP JSON lines). The HTTP client library differs
in the resource attributes (http.client.version 2.28.1 in dev, 2.31.0 in prod); a redirect is
answered 301 in dev and 200 in prod (the new client returns the login page), and every prod
request then logs an error. Expected: `heisen diff dev.jsonl prod.jsonl` names
http.client.version and http.status_code in the environment diff, and `heisen suggest dev.jsonl
prod.jsonl --outcome 'level = error' --per trace` ranks http.client.version = "2.31.0" first."""
import json, random

rng = random.Random(21)
def run(path, env_version, status, base, fail):
    lines = []
    for i in range(8):
        t0 = base + i * 500_000_000
        trace = f"{rng.getrandbits(128):032x}"
        root, client = f"{rng.getrandbits(64):016x}", f"{rng.getrandbits(64):016x}"
        res = {"attributes": [
            {"key": "service.name", "value": {"stringValue": "account-web"}},
            {"key": "http.client.version", "value": {"stringValue": env_version}}]}
        spans = [
            {"traceId": trace, "spanId": root, "name": "GET /account", "kind": 2,
             "startTimeUnixNano": str(t0), "endTimeUnixNano": str(t0 + 80_000_000), "status": {"code": 2 if fail else 1}},
            {"traceId": trace, "spanId": client, "parentSpanId": root, "name": "GET /auth/session", "kind": 3,
             "startTimeUnixNano": str(t0 + 5_000_000), "endTimeUnixNano": str(t0 + 60_000_000),
             "attributes": [{"key": "http.status_code", "value": {"intValue": str(status)}}]},
        ]
        lines.append({"resourceSpans": [{"resource": res, "scopeSpans": [{"scope": {"name": "web"}, "spans": spans}]}]})
        recs = [{"timeUnixNano": str(t0 + 70_000_000), "severityNumber": 17 if fail else 9,
                 "body": {"stringValue": "session payload is not JSON (got text/html)" if fail else "session loaded"},
                 "traceId": trace, "spanId": root}]
        lines.append({"resourceLogs": [{"resource": res, "scopeLogs": [{"logRecords": recs}]}]})
    with open(path, "w") as f:
        for l in lines:
            f.write(json.dumps(l, separators=(",", ":")) + "\n")

run("dev.jsonl", "2.28.1", 301, 1_763_890_200_000_000_000, False)
run("prod.jsonl", "2.31.0", 200, 1_763_893_800_000_000_000, True)
