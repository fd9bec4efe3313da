#!/usr/bin/env python3
"""Ingest benchmark: heisen beside jq, lnav and ripgrep on the same generated file, in one run.

    python3 benches/ingest.py [--size 1G] [--kind jsonl|otlp|schedule] [--seed 1] [--repeat 5]

Prints wall time, MB/s and peak RSS for each tool and the ratios to heisen. heisen runs
`--repeat` times and its median run is the one compared (the virtual machines here vary by 2x
from minute to minute); every run is listed. The input is made by the seeded generator
(examples/gen.rs) under benches/data/ and reused. Peers missing from the machine are reported
as skipped (install: apt-get install jq lnav ripgrep).
"""
import argparse, os, shutil, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(name, cmd):
    if shutil.which(cmd[0]) is None and not os.path.exists(cmd[0]):
        return name, None, None, "skipped (not installed)"
    t = "/usr/bin/time"
    if not os.path.exists(t):
        start = time.time()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return name, time.time() - start, None, ""
    out = "/tmp/heisen-bench.time"
    start = time.time()
    p = subprocess.run([t, "-f", "%M", "-o", out] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    secs = time.time() - start
    rss_kb = int(open(out).read().strip().splitlines()[-1])
    note = "" if p.returncode == 0 else f"exit {p.returncode}"
    return name, secs, rss_kb, note


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1G")
    ap.add_argument("--kind", default="jsonl")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--repeat", type=int, default=5, help="heisen runs (the median is compared)")
    a = ap.parse_args()
    os.chdir(ROOT)
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--bin", "heisen", "--example", "gen"], check=True)
    os.makedirs("benches/data", exist_ok=True)
    path = f"benches/data/{a.kind}-{a.size}-s{a.seed}.jsonl"
    if not os.path.exists(path):
        start = time.time()
        subprocess.run(["target/release/examples/gen", a.kind, a.size, path, a.seed], check=True)
        print(f"generated {path} in {time.time() - start:.1f} s")
    size = os.path.getsize(path)
    print(f"input: {path}, {size / 1e6:.0f} MB; machine: {os.cpu_count()} cores")
    runs = [run("heisen", ["target/release/heisen", "stats", path]) for _ in range(max(1, a.repeat))]
    print("heisen runs (s): " + " ".join(f"{r[1]:.2f}" for r in runs))
    median = sorted(runs, key=lambda r: r[1])[len(runs) // 2]
    rows = [
        median,
        run("jq", ["jq", "-c", 'select(.level=="error")', path]),
        run("lnav", ["lnav", "-n", "-c", ";SELECT count(*) FROM all_logs", path]),
        run("rg", ["rg", "-c", "error", path]),
    ]
    base = rows[0][1]
    print(f"{'tool':<8} {'seconds':>8} {'MB/s':>8} {'peak RSS MB':>12} {'RSS/input':>10} {'time vs heisen':>15}")
    for name, secs, rss, note in rows:
        if secs is None:
            print(f"{name:<8} {note}")
            continue
        mbps = size / 1e6 / secs
        rss_mb = f"{rss / 1024:.0f}" if rss else "?"
        ratio = f"{rss * 1024 / size:.2f}x" if rss else "?"
        vs = f"{secs / base:.2f}x" if base else "?"
        print(f"{name:<8} {secs:8.2f} {mbps:8.0f} {rss_mb:>12} {ratio:>10} {vs:>15} {note}")


if __name__ == "__main__":
    sys.exit(main())
