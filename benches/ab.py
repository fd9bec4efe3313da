#!/usr/bin/env python3
"""Compare two builds of the workbench benchmark (`cargo bench --bench workbench`) in one run:
the binaries alternate (A B A B …) so that the machine's drift hits both alike, and each row's
median time is compared.

  python3 benches/ab.py OLD_BENCH_BINARY NEW_BENCH_BINARY [--runs 3] [--scale 0.3]

Build a binary with `cargo bench --bench workbench --no-run` (it prints its path) at each commit.
"""
import argparse, os, re, statistics, subprocess

ROW = re.compile(r"^(?P<what>.+?)\s{2,}(?P<events>\d+)\s+(?P<secs>[\d.]+) s\s")


def run(binary, scale):
    env = dict(os.environ, HEISEN_BENCH_SCALE=str(scale))
    out = subprocess.run([binary], env=env, capture_output=True, text=True, check=True).stdout
    rows = {}
    for line in out.splitlines():
        m = ROW.match(line)
        if m:
            rows[m["what"].strip()] = float(m["secs"])
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale", type=float, default=0.3)
    a = ap.parse_args()
    times = {"old": {}, "new": {}}
    for _ in range(a.runs):
        for side, binary in (("old", a.old), ("new", a.new)):
            for what, secs in run(binary, a.scale).items():
                times[side].setdefault(what, []).append(secs)
    print(f"{'what':50} {'old s':>8} {'new s':>8} {'new/old':>8}   (medians of {a.runs} alternating runs)")
    ratios = []
    for what, olds in times["old"].items():
        news = times["new"].get(what)
        if not news:
            continue
        o, n = statistics.median(olds), statistics.median(news)
        r = n / o if o > 0 else float("nan")
        if o >= 0.005:
            ratios.append(r)
        print(f"{what[:50]:50} {o:8.3f} {n:8.3f} {r:8.2f}")
    if ratios:
        print(f"geometric mean of ratios (rows ≥ 5 ms): {statistics.geometric_mean(ratios):.2f}")


if __name__ == "__main__":
    main()
