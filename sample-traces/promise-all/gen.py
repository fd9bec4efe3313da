#!/usr/bin/env python3
"""A dashboard load fetches the profile and the settings with Promise.all and applies each as it
resolves. In dev the settings resolve first; in prod the profile does, so the profile is applied
before the settings. Expected: `heisen diff dev.jsonl prod.jsonl` reports the reordering of
"settings applied" and "profile applied" in lane web, where the runs first diverge."""
import json

def run(path, t0, settings_first):
    ms = 1_000_000
    ev = [(0, "dashboard load started"), (1, "fetch profile sent"), (2, "fetch settings sent")]
    if settings_first:
        ev += [(40, "settings applied theme=dark"), (95, "profile applied user=42")]
    else:
        ev += [(38, "profile applied user=42"), (120, "settings applied theme=dark")]
    ev += [(130, "dashboard rendered")]
    with open(path, "w") as f:
        for dt, msg in ev:
            f.write(json.dumps({"ts": t0 + dt * ms, "level": "info", "service": "web", "msg": msg}) + "\n")

run("dev.jsonl", 1_763_890_200_000_000_000, True)
run("prod.jsonl", 1_763_893_800_000_000_000, False)
