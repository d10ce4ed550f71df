#!/usr/bin/env python3
"""Benchmark `yardstick analyze` against `git log --numstat --no-renames` on the same repository.

Runs the two alternately (N times each), plus yardstick with one worker thread, and prints the median wall
time of each, the ratios, and yardstick's peak memory (max RSS, from wait4). Usage:

    Scripts/benchmark.py REPO [--runs N] [--yardstick PATH] [--workers N] [--compare OLD] [--compare-only]

With --compare OLD, a second yardstick binary (an earlier build) runs in the same rounds, alternating with
the others, and its median, peak memory and the new/old ratio are printed too. --compare-only leaves out
`git log` and the one-worker run (new against old only). CPU time (user + system, from wait4) is printed
beside wall time: on a shared machine it varies less with the load than wall time does.

REPO is any clone (bare or not). Build first: `swift build -c release --product yardstick`.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time


def run(cmd):
    """Runs cmd with output discarded; returns (wall seconds, max RSS in MiB, CPU seconds)."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(cmd, stdout=null, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"benchmark: {' '.join(cmd)} exited {code}: {err.strip()}")
    return wall, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--yardstick", default=None)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--compare", default=None, help="an earlier yardstick binary to run in the same rounds")
    parser.add_argument("--compare-only", action="store_true", help="with --compare: only the new and old binaries")
    args = parser.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    yardstick = args.yardstick or os.path.join(root, ".build", "release", "yardstick")
    if not os.access(yardstick, os.X_OK):
        sys.exit(f"benchmark: {yardstick} not found; run `swift build -c release --product yardstick` first")

    git_dir = subprocess.run(["git", "-C", args.repo, "rev-parse", "--git-dir"], capture_output=True, text=True)
    if git_dir.returncode != 0:
        sys.exit(f"benchmark: {args.repo}: not a git repository")
    commits = subprocess.run(["git", "-C", args.repo, "rev-list", "--count", "HEAD"], capture_output=True, text=True).stdout.strip()

    baseline = ["git", "-C", args.repo, "log", "--numstat", "--no-renames", "HEAD"]
    many = [yardstick, "analyze", args.repo, "--format", "json", "--workers", str(args.workers)]
    one = [yardstick, "analyze", args.repo, "--format", "json", "--workers", "1"]

    if args.compare_only and not args.compare:
        sys.exit("benchmark: --compare-only needs --compare OLD")
    commands = [("many", many)] if args.compare_only else [("git", baseline), ("many", many), ("one", one)]
    times = {name: [] for name, _ in commands}
    cpu = {name: [] for name, _ in commands}
    rss = {name: [] for name, _ in commands if name != "git"}
    if args.compare:
        if not os.access(args.compare, os.X_OK):
            sys.exit(f"benchmark: {args.compare} is not an executable")
        commands.append(("old", [args.compare, "analyze", args.repo, "--format", "json", "--workers", str(args.workers)]))
        times["old"] = []
        cpu["old"] = []
        rss["old"] = []
    for i in range(args.runs):
        for name, cmd in commands:
            wall, mem, seconds = run(cmd)
            times[name].append(wall)
            cpu[name].append(seconds)
            if name in rss:
                rss[name].append(mem)
            print(f"run {i + 1}/{args.runs} {name:>4}: {wall:7.2f} s  cpu {seconds:7.2f} s  {mem:8.1f} MiB", file=sys.stderr)

    med = {k: statistics.median(v) for k, v in times.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"repository: {args.repo} ({commits} commits reachable from HEAD)")
    print(f"runs: {args.runs} each, alternating; load average at the end: {load}")
    if not args.compare_only:
        print(f"git log --numstat --no-renames     median {med['git']:7.2f} s")
    print(f"yardstick analyze ({args.workers} workers)      median {med['many']:7.2f} s   cpu {med_cpu['many']:7.2f} s   peak RSS {max(rss['many']):7.1f} MiB")
    if not args.compare_only:
        print(f"yardstick analyze (1 worker)       median {med['one']:7.2f} s   cpu {med_cpu['one']:7.2f} s   peak RSS {max(rss['one']):7.1f} MiB")
        print(f"ratio yardstick/git: {med['many'] / med['git']:.2f}  (target <= 1.00)")
        print(f"speed-up {args.workers} workers vs 1: {med['one'] / med['many']:.2f}x  (target >= 1.60)")
    if args.compare:
        print(f"old yardstick ({args.workers} workers)          median {med['old']:7.2f} s   cpu {med_cpu['old']:7.2f} s   peak RSS {max(rss['old']):7.1f} MiB")
        print(
            f"ratio new/old: time {med['many'] / med['old']:.2f}, cpu {med_cpu['many'] / med_cpu['old']:.2f}, "
            f"peak RSS {max(rss['many']) / max(rss['old']):.2f}"
        )

if __name__ == "__main__":
    main()
