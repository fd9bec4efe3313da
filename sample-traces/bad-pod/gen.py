#!/usr/bin/env python3
"""30 requests over three pods. pod-2 serves 10 requests, 8 of which fail (req-002 and req-017
succeed); pods 1 and 3 serve 20, one of which fails (req-025 on pod-3). Expected:
`expect level = error when hostname = "pod-2" per request` is FALSIFIED with both = 8,
condition_only = 2 (req-002, req-017), outcome_only = 1 (req-025), neither = 19."""
import json, datetime

T0 = datetime.datetime(2025, 11, 23, 9, 30, tzinfo=datetime.timezone.utc)
pod2 = {0, 2, 5, 8, 11, 14, 17, 20, 23, 26}
ok_on_pod2 = {2, 17}
lines = []
for n in range(30):
    t = T0 + datetime.timedelta(milliseconds=137 * n)
    host = "pod-2" if n in pod2 else ("pod-1" if n % 2 else "pod-3")
    req = f"req-{n:03d}"
    fail = (n in pod2 and n not in ok_on_pod2) or n == 25
    lines.append({"ts": t.isoformat().replace("+00:00", "Z"), "level": "info", "msg": "GET /profile", "request_id": req, "hostname": host})
    end = t + datetime.timedelta(milliseconds=40)
    lines.append({"ts": end.isoformat().replace("+00:00", "Z"), "level": "error" if fail else "info",
                  "msg": "upstream timeout" if fail else "200 OK", "request_id": req, "hostname": host,
                  "http": {"status_code": 504 if fail else 200}})
with open("app.jsonl", "w") as f:
    for l in lines:
        f.write(json.dumps(l) + "\n")
