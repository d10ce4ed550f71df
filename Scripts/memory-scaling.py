#!/usr/bin/env python3
"""How Yardstick's peak memory grows with the length of history, on one repository.

Runs `yardstick analyze` on POINTS prefixes of the history (the branch as it was when it had about 1/POINTS,
2/POINTS, ... of its commits: first-parent ancestors of the tip), each RUNS times, and prints per prefix the
commits, the files in the tree (the working set's size) and the median peak memory (max RSS, from wait4);
then the least-squares slope in KiB per commit. The slope is an upper bound on what each commit of history
costs on its own: the working set (the tree, and the caches that fill with it) usually grows along too. Usage:

    Scripts/memory-scaling.py REPO [--points 4] [--runs 1] [--yardstick PATH] [--workers N]

Build first: `swift build -c release --product yardstick`.
"""
import argparse
import os
import statistics
import subprocess
import sys


def git(repo, *args):
    out = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"memory-scaling: git {' '.join(args)}: {out.stderr.strip()}")
    return out.stdout


def peak_rss(cmd):
    """Runs cmd with output discarded; returns its max RSS in MiB."""
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(cmd, stdout=null, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"memory-scaling: {' '.join(cmd)} failed: {err.strip()}")
    return usage.ru_maxrss / 1024.0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo")
    parser.add_argument("--points", type=int, default=4)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--yardstick", default=None)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    if args.points < 2:
        sys.exit("memory-scaling: --points must be at least 2")

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    yardstick = args.yardstick or os.path.join(root, ".build", "release", "yardstick")
    if not os.access(yardstick, os.X_OK):
        sys.exit(f"memory-scaling: {yardstick} not found; run `swift build -c release --product yardstick` first")

    # The first-parent line, oldest first, with each commit's count of reachable commits (rev-list --count
    # per candidate would take minutes; the count at a first-parent commit is found by bisection instead).
    line = git(args.repo, "rev-list", "--first-parent", "--reverse", "HEAD").split()
    total = int(git(args.repo, "rev-list", "--count", "HEAD"))

    def count(sha):
        return int(git(args.repo, "rev-list", "--count", sha))

    rows = []
    for k in range(1, args.points + 1):
        target = total * k // args.points
        low, high = 0, len(line) - 1
        while low < high:
            mid = (low + high) // 2
            if count(line[mid]) < target:
                low = mid + 1
            else:
                high = mid
        sha = line[low]
        commits = count(sha)
        files = len(git(args.repo, "ls-tree", "-r", "--name-only", sha).splitlines())
        cmd = [yardstick, "analyze", args.repo, "--branch", sha, "--format", "json", "--workers", str(args.workers)]
        rss = statistics.median(peak_rss(cmd) for _ in range(args.runs))
        rows.append((sha, commits, files, rss))
        print(f"{sha[:12]}  {commits:>8} commits  {files:>7} files in the tree  peak {rss:8.1f} MiB", flush=True)

    if len({r[1] for r in rows}) < 2:
        sys.exit("memory-scaling: the history is too short for two different prefixes")
    xs = [r[1] for r in rows]
    ys = [r[3] for r in rows]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    print(f"slope: {slope * 1024:.2f} KiB per commit; intercept {my - slope * mx:.1f} MiB")
    print(f"first to last: {rows[0][1]} -> {rows[-1][1]} commits (x{rows[-1][1] / rows[0][1]:.2f}), "
          f"peak {rows[0][3]:.1f} -> {rows[-1][3]:.1f} MiB (x{rows[-1][3] / rows[0][3]:.2f})")


if __name__ == "__main__":
    main()
