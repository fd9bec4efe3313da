#!/usr/bin/env python3
"""Query and verify resources: time and peak RSS on the inputs issue 15 found unbounded.

    python3 benches/query_resources.py [--heisen target/release/heisen] [--seconds 10] [--states 100000]

- a 6-step `then` chain on a 60-line file (about 50 million matches), through `query --json`
  and `export -q`, each stopped after --seconds: matches are streamed, so RSS stays flat however
  long it runs (it passed 4 GB in 10 s when every match was held);
- `query --limit 1000` on the same chain (stops by itself);
- `verify` with a state machine of --states states in one chain, one instance walking it
  (memory linear in the states; a matrix of states × states took > 4 GB at 100 000).

Prints one line per run: wall seconds, peak RSS, exit status (124: stopped by the time limit).
No figure is asserted: the machines here vary too much.
"""
import argparse, os, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest import ROOT, run  # noqa: E402

CHAIN = " then ".join(f'(name = "a") as x{i}' for i in range(6)) + " within 1h"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--heisen", default="target/release/heisen")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--states", type=int, default=100_000)
    a = ap.parse_args()
    os.chdir(ROOT)
    h = a.heisen
    with tempfile.TemporaryDirectory() as d:
        lines = os.path.join(d, "s60.jsonl")
        with open(lines, "w") as f:
            for i in range(60):
                f.write(f'{{"ts":{i + 1},"name":"a","msg":"m"}}\n')
        spec = os.path.join(d, "chain.toml")
        with open(spec, "w") as f:
            f.write('key = "obj"\nstate = "msg"\ninitial = "s0"\n[transitions]\n')
            for i in range(a.states - 1):
                f.write(f's{i} = ["s{i + 1}"]\n')
        walk = os.path.join(d, "walk.jsonl")
        with open(walk, "w") as f:
            for i in range(a.states):
                f.write(f'{{"ts":{i + 1},"obj":"o","msg":"s{i}"}}\n')
        stop = ["timeout", str(a.seconds)]
        runs = [
            ("query --json, 6-step chain", stop + [h, "query", lines, "-q", CHAIN, "--json"]),
            ("export -q, 6-step chain", stop + [h, "export", lines, "-q", CHAIN, "--to", "jsonl", "-o", os.path.join(d, "out.jsonl")]),
            ("query --limit 1000, 6-step chain", [h, "query", lines, "-q", CHAIN, "--limit", "1000"]),
            (f"verify, {a.states} states", [h, "verify", walk, "--spec", spec]),
        ]
        for label, cmd in runs:
            _, secs, rss_kb, note = run(label, cmd)
            rss = f"{rss_kb / 1024:.0f} MB" if rss_kb is not None else "n/a"
            print(f"{label:36} {secs:7.2f} s  peak RSS {rss:>8}  {note or 'exit 0'}")


if __name__ == "__main__":
    main()
