#!/usr/bin/env python3
"""Benchmark `yardstick fleet` (issue 18, docs/fleet.md) against single-repository runs one after another.

Over the same repositories (at least 20 real ones of different sizes, from local mirrors), in one invocation:

  1. sequential: `yardstick analyze REPO --format json --output FILE` for each repository, one after another
     (each with every core: the default --workers);
  2. fleet: `yardstick fleet LIST --jobs J --reports DIR` over the same list (each analysis with cores / J
     workers);

and prints, for each, the wall time, the commits analysed (distinct commits in the landed changes, as the
fleet's summary counts them), commits per second, and the ratio of the two; then the repositories per hour
one worker (this machine: `nproc` cores) handles with the fleet, and the per-repository times. The reports of
both runs are compared byte for byte. Nothing is written to a store (both runs do the same work).

Usage:

    Scripts/fleet-benchmark.py [--mirrors DIR] [--yardstick PATH] [--jobs J] [--skip NAME]...

Repositories are looked up as DIR/OWNER+NAME/repo (the layout of the project's read-only mirrors); a mirror
that is absent is skipped with a message, and the script stops (exit 0, nothing measured) when fewer than 20
remain. Build first: `swift build -c release --product yardstick` (or pass --yardstick). Not part of CI.
"""
import argparse
import filecmp
import json
import os
import subprocess
import sys
import tempfile
import time

# OWNER/NAME, smallest to largest (first-parent history sizes vary from tens to tens of thousands of commits).
REPOSITORIES = [
    "antirez/kilo",
    "JohnSundell/Plot",
    "pkg/errors",
    "google/uuid",
    "swiftcsv/SwiftCSV",
    "yaml/libyaml",
    "tidwall/gjson",
    "gorilla/mux",
    "apple/swift-argument-parser",
    "BurntSushi/toml",
    "SnapKit/SnapKit",
    "madler/zlib",
    "jpsim/Yams",
    "spf13/cobra",
    "DaveGamble/cJSON",
    "akheron/jansson",
    "stretchr/testify",
    "sirupsen/logrus",
    "jqlang/jq",
    "lz4/lz4",
    "urfave/cli",
    "libuv/libuv",
    "libgit2/libgit2",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", default="/work/.mirror", help="folder of OWNER+NAME/repo mirrors")
    parser.add_argument("--yardstick", default=".build/release/yardstick")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip", action="append", default=[], help="OWNER/NAME to leave out")
    args = parser.parse_args()
    if not os.access(args.yardstick, os.X_OK):
        sys.exit(f"fleet-benchmark: {args.yardstick} is not an executable (swift build -c release --product yardstick)")

    repos = []
    for full in REPOSITORIES:
        if full in args.skip:
            continue
        path = os.path.join(args.mirrors, full.replace("/", "+"), "repo")
        if not os.path.isdir(path):
            print(f"skip {full}: no mirror at {path}")
            continue
        repos.append((full, path))
    if len(repos) < 20:
        print(f"fleet-benchmark: only {len(repos)} mirrors present (20 needed); nothing measured")
        return

    work = tempfile.mkdtemp(prefix="yardstick-fleet-benchmark-")
    names = {full: full.replace("/", "_") for full, _ in repos}

    # 1. One after another. A repository analyze refuses (a damaged mirror) is left out of both runs.
    seq_dir = os.path.join(work, "sequential")
    os.makedirs(seq_dir)
    seq_times = {}
    failed = []
    for full, path in repos:
        t = time.perf_counter()
        out = os.path.join(seq_dir, names[full] + ".json")
        done = subprocess.run(
            [args.yardstick, "analyze", path, "--format", "json", "--output", out],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            print(f"skip {full}: analyze exited {done.returncode}: {done.stderr.strip()}")
            failed.append(full)
            continue
        seq_times[full] = time.perf_counter() - t
    repos = [(f, p) for f, p in repos if f not in failed]
    seq_wall = sum(seq_times.values())
    if len(repos) < 20:
        print(f"fleet-benchmark: only {len(repos)} repositories analysed (20 needed); nothing compared")
        return
    with open(os.path.join(work, "repos.yml"), "w") as f:
        f.write("repositories:\n")
        for full, path in repos:
            f.write(f"  - path: {path}\n    name: {names[full]}\n")

    # 2. The fleet.
    fleet_dir = os.path.join(work, "fleet")
    start = time.perf_counter()
    done = subprocess.run(
        [args.yardstick, "fleet", os.path.join(work, "repos.yml"), "--jobs", str(args.jobs), "--reports", fleet_dir,
         "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    fleet_wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"fleet-benchmark: fleet exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    summary = json.loads(done.stdout)
    rows = {r["name"]: r for r in summary["repositories"]}

    same = all(
        filecmp.cmp(os.path.join(seq_dir, names[f] + ".json"), os.path.join(fleet_dir, names[f] + ".json"),
                    shallow=False)
        for f, _ in repos)
    commits = sum(rows[names[f]]["commits"] for f, _ in repos)
    cores = os.cpu_count()
    print(f"{len(repos)} repositories, {commits} commits in their landed changes; {cores} cores; "
          f"fleet --jobs {args.jobs}; yardstick {args.yardstick}")
    print(f"{'repository':32} {'commits':>8} {'sequential s':>13} {'fleet s':>8}")
    for full, _ in repos:
        r = rows[names[full]]
        print(f"{full:32} {r['commits']:>8} {seq_times[full]:>13.1f} {r['seconds']:>8.1f}")
    print(f"sequential analyze runs: {seq_wall:.1f} s, {commits / seq_wall:.0f} commits/s")
    print(f"fleet --jobs {args.jobs}:        {fleet_wall:.1f} s, {commits / fleet_wall:.0f} commits/s")
    print(f"ratio (fleet throughput / sequential): {seq_wall / fleet_wall:.2f}")
    print(f"repositories per hour, one {cores}-core worker (fleet, this mix): {len(repos) / fleet_wall * 3600:.0f}")
    print(f"reports identical in both runs: {'yes' if same else 'NO'}")
    print(f"(work folder {work}; remove it when done)")


if __name__ == "__main__":
    main()
