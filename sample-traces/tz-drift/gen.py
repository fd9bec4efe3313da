#!/usr/bin/env python3
"""Two services: the api logs UTC with a Z; the worker logs local time (UTC+2) without an
offset. Each job is enqueued by the api and started by the worker 5 ms later. Read as UTC the
worker's lines sit 2 h late. Expected: `heisen stats` flags worker.log with offset_hours = 2 and
suggests --shift worker.log=-2h; with that shift, each "job N started" follows "enqueue job N"."""
import datetime, json

t0 = datetime.datetime(2025, 11, 23, 9, 30, tzinfo=datetime.timezone.utc)
api, worker = [], []
for n in range(10):
    t = t0 + datetime.timedelta(milliseconds=200 * n)
    api.append(json.dumps({"time": t.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                           "level": "info", "service": "api", "msg": f"enqueue job {n}", "job": n}))
    local = (t + datetime.timedelta(milliseconds=5) + datetime.timedelta(hours=2)).replace(tzinfo=None)
    worker.append(f"{local.strftime('%Y-%m-%d %H:%M:%S')},{local.microsecond // 1000:03d} INFO [worker-1] job {n} started")
open("api.jsonl", "w").write("\n".join(api) + "\n")
open("worker.log", "w").write("\n".join(worker) + "\n")
