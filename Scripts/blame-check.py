#!/usr/bin/env python3
"""Compares `yardstick blame` with `git blame --first-parent` line by line.

Picks --commits first-parent commits spread over the history of REPO (deterministically), and at each
--files text files (seeded sample), then prints how many lines agree. Usage:

    Scripts/blame-check.py --repo REPO [--commits 4] [--files 10] [--seed 1] [--yardstick PATH]

Exit status 0 when at least --threshold percent (default 99) of the lines agree.
"""
import argparse
import os
import random
import subprocess
import sys


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, check=True).stdout


def git_blame(repo, rev, path):
    out = git(repo, "blame", "--first-parent", "--porcelain", rev, "--", path).decode("utf-8", "replace")
    ids = []
    for line in out.split("\n"):
        parts = line.split(" ")
        if len(parts) >= 3 and len(parts[0]) == 40 and all(c in "0123456789abcdef" for c in parts[0]):
            ids.append(parts[0])
    return ids


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repo", required=True)
    p.add_argument("--commits", type=int, default=4)
    p.add_argument("--files", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threshold", type=float, default=99.0)
    p.add_argument("--yardstick", default=None)
    a = p.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    yardstick = a.yardstick or os.path.join(root, ".build", "release", "yardstick")
    rng = random.Random(a.seed)

    line = git(a.repo, "rev-list", "--first-parent", "HEAD").decode().split()
    picks = [line[int(i * (len(line) - 1) / max(1, a.commits - 1))] for i in range(a.commits)] if a.commits > 1 else [line[0]]
    total = agree = 0
    files_checked = 0
    mismatched_files = []
    for rev in picks:
        listing = git(a.repo, "ls-tree", "-r", "-z", "--format=%(objectmode) %(objectsize) %(path)", rev).decode("utf-8", "replace")
        candidates = []
        for entry in listing.split("\0"):
            if not entry:
                continue
            mode, size, path = entry.split(" ", 2)
            if mode in ("100644", "100755") and size.isdigit() and 0 < int(size) < 200_000:
                candidates.append(path)
        rng.shuffle(candidates)
        chosen = []
        for path in candidates:
            if len(chosen) == a.files:
                break
            blob = git(a.repo, "cat-file", "blob", f"{rev}:{path}")
            if b"\0" not in blob[:8000]:
                chosen.append(path)
        res = subprocess.run([yardstick, "blame", "--repo", a.repo, "--at", rev, *chosen], capture_output=True)
        if res.returncode != 0:
            sys.exit(f"blame-check: yardstick blame failed at {rev}: {res.stderr.decode(errors='replace').strip()}")
        ours = {}
        for row in res.stdout.decode("utf-8", "replace").split("\n"):
            if not row:
                continue
            commit, rest = row.split(" ", 1)
            # "<id> <path> <n>) <text>": the path may contain spaces; the line number ends with ')'.
            head = rest.split(") ", 1)[0]
            path, _ = head.rsplit(" ", 1)
            ours.setdefault(path, []).append(commit)
        for path in chosen:
            theirs = git_blame(a.repo, rev, path)
            mine = ours.get(path, [])
            n = len(theirs)
            same = sum(1 for x, y in zip(theirs, mine) if x == y)
            total += n
            agree += same
            files_checked += 1
            if same != n or len(mine) != n:
                mismatched_files.append((rev[:12], path, n - same, n))
    pct = 100.0 * agree / total if total else 100.0
    print(f"repository: {a.repo}")
    print(f"commits sampled: {len(picks)}, files: {files_checked}, lines: {total}")
    for rev, path, bad, n in mismatched_files[:10]:
        print(f"  differs: {rev} {path}: {bad}/{n} lines")
    print(f"blame agreement: {agree}/{total} lines ({pct:.2f}%)")
    sys.exit(0 if pct >= a.threshold else 1)


if __name__ == "__main__":
    main()
