#!/usr/bin/env python3
"""Compare the ingest speed and peak memory of two heisen binaries on one input, in
alternating runs (A B A B …) so that the machine's drift hits both alike.

  python3 benches/ingest_ab.py OLD_HEISEN NEW_HEISEN FILE [--runs 5]

Generate an input with `cargo run --release --example gen -- jsonl 256M FILE 1`.
"""
import argparse, os, resource, statistics, subprocess, time


def one(binary, path):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.time()
    subprocess.run([binary, "stats", path], stdout=subprocess.DEVNULL, check=True)
    wall = time.time() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def peak_rss_mb(binary, path):
    out = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "stats", path],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    return int(out.stderr.strip().splitlines()[-1]) / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("file")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    size = os.path.getsize(a.file)
    runs = {"old": [], "new": []}
    for _ in range(a.runs):
        for side, binary in (("old", a.old), ("new", a.new)):
            runs[side].append(one(binary, a.file))
    print(f"input {a.file}: {size / 1e6:.0f} MB; {a.runs} alternating runs each; {os.cpu_count()} cores")
    for side, binary in (("old", a.old), ("new", a.new)):
        walls = [w for w, _ in runs[side]]
        cpus = [c for _, c in runs[side]]
        rss = peak_rss_mb(binary, a.file)
        print(f"{side}: wall median {statistics.median(walls):.2f} s ({size / 1e6 / statistics.median(walls):.0f} MB/s), "
              f"CPU median {statistics.median(cpus):.2f} s, peak RSS {rss:.0f} MB ({rss * 1024 * 1024 / size:.2f}x input); "
              f"runs: {' '.join(f'{w:.2f}' for w in walls)}")
    ratio = statistics.median(w for w, _ in runs["new"]) / statistics.median(w for w, _ in runs["old"])
    print(f"new/old wall (medians): {ratio:.2f}")


if __name__ == "__main__":
    main()
