#!/usr/bin/env python3
"""An order service's logs: 12 orders move created -> paid -> shipped -> delivered (some are
cancelled or refunded). Four orders carry injected illegal transitions:
  o-1003: paid -> delivered   (skipped shipped)
  o-1006: created -> shipped  (never paid)
  o-1008: paid -> lost        (unknown state)
  o-1011: first seen as paid  (wrong initial state)
Expected `heisen verify --spec orders.toml`: 12 instances, 4 violations (the ones above)."""
import json, random, datetime

rng = random.Random(8)
T0 = datetime.datetime(2025, 11, 23, 9, 0, tzinfo=datetime.timezone.utc)
paths = {
    "o-1001": ["created", "paid", "shipped", "delivered"],
    "o-1002": ["created", "cancelled"],
    "o-1003": ["created", "paid", "delivered"],
    "o-1004": ["created", "paid", "refunded"],
    "o-1005": ["created", "paid", "shipped", "delivered"],
    "o-1006": ["created", "shipped", "delivered"],
    "o-1007": ["created", "paid", "shipped"],
    "o-1008": ["created", "paid", "lost"],
    "o-1009": ["created", "paid", "shipped", "delivered"],
    "o-1010": ["created", "cancelled"],
    "o-1011": ["paid", "shipped", "delivered"],
    "o-1012": ["created", "paid", "shipped", "delivered"],
}
events = []
for n, (oid, states) in enumerate(paths.items()):
    t = T0 + datetime.timedelta(seconds=7 * n)
    for s in states:
        t += datetime.timedelta(seconds=rng.randint(3, 40))
        events.append((t, {"level": "info", "msg": f"order {oid} is now {s}", "order_id": oid,
                           "state": s, "service": "orders", "worker": f"w{rng.randint(1, 3)}"}))
events.sort(key=lambda e: e[0])
with open("orders.jsonl", "w") as f:
    for t, e in events:
        f.write(json.dumps({"time": t.isoformat().replace("+00:00", "Z"), **e}) + "\n")
