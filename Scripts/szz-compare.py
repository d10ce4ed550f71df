#!/usr/bin/env python3
"""Side by side: Yardstick's SZZ against plain SZZ on a history whose fixes carry Linux-style
`Fixes: <id>` tags (ADR 0021, issue 17).

For every first-parent commit F whose message has a `Fixes: <id>` line naming a commit T of the
analysed range (by `git rev-parse`), where T belongs to another landed change than F:

- Yardstick: the changes F's landed change blames with at least one line (`pullRequests[].delivery.
  blames`, lines > 0: the 0-line blame that the tag itself adds is not counted);
- plain SZZ: `git blame --first-parent F^` over the lines F's diff (`git diff -U0 F^ F`) deletes or
  modifies, each blamed commit mapped to its landed change as Yardstick groups them.

A fix "finds" its tag when T's landed change is among the candidates. Printed: the share of tagged
fixes that find it, the median number of candidates per fix (all fixes, and fixes with at least one
candidate), for Yardstick with its defaults, for Yardstick without the add-only variant
(`addOnlyFixContext: 0`) and for plain SZZ.

Usage: python3 Scripts/szz-compare.py --repo DIR [--name OWNER/NAME] [--yardstick PATH] [--workers N] [--misses]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

FIXES = re.compile(r"^fixes:\s*([0-9a-f]{7,40})\b", re.I | re.M)


def git(repo, *args, check=True):
    r = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True, errors="replace")
    if check and r.returncode != 0:
        sys.exit(f"git {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def yardstick_report(binary, repo, workers, context):
    with tempfile.TemporaryDirectory() as tmp:
        args = [binary, "analyze", repo, "--format", "json", "--workers", str(workers)]
        if context is not None:
            config = os.path.join(tmp, "yardstick.yml")
            with open(config, "w") as f:
                f.write(f"delivery:\n  addOnlyFixContext: {context}\n")
            args += ["--config", config]
        r = subprocess.run(args, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"yardstick failed: {r.stderr.strip()}")
        return json.loads(r.stdout)


def changes_of(report):
    """first-parent commit (and branch commit) -> landed change id (its landing commit)."""
    change_of = {}
    for pr in report["pullRequests"]:
        change_of[pr["commit"]] = pr["commit"]
    for pr in report["pullRequests"]:
        for c in pr["commits"]:
            change_of.setdefault(c, pr["commit"])
    return change_of


def candidates(report):
    return {
        pr["commit"]: {b["commit"] for b in pr["delivery"]["blames"] if b["lines"] > 0}
        for pr in report["pullRequests"]
        if pr.get("delivery")
    }


def old_ranges(repo, fix):
    """{old path: [(start, count)]} of the lines `git diff -U0 F^ F` deletes or modifies."""
    out = git(repo, "diff", "-U0", "--no-color", "--no-ext-diff", f"{fix}^", fix)
    ranges, path = {}, None
    for line in out.splitlines():
        if line.startswith("--- "):
            path = None if line == "--- /dev/null" else line[6:] if line.startswith("--- a/") else None
        elif line.startswith("@@ ") and path:
            m = re.match(r"@@ -(\d+)(?:,(\d+))? ", line)
            start, count = int(m.group(1)), int(m.group(2) or "1")
            if count > 0:
                ranges.setdefault(path, []).append((start, count))
    return ranges


def plain_szz(repo, fix, change_of, own):
    found = set()
    for path, ranges in old_ranges(repo, fix).items():
        args = ["blame", "--first-parent", "--porcelain"]
        for start, count in ranges:
            args += ["-L", f"{start},+{count}"]
        out = git(repo, *args, f"{fix}^", "--", path, check=False)
        for line in out.splitlines():
            m = re.match(r"^([0-9a-f]{40}) \d+ \d+", line)
            if m:
                change = change_of.get(m.group(1))
                if change and change != own:
                    found.add(change)
    return found


def summary(label, rows):
    n = len(rows)
    hits = sum(1 for found, _ in rows if found)
    sizes = [size for _, size in rows]
    nonzero = [s for s in sizes if s > 0]
    return (
        f"{label:<34} {hits:>4}/{n} = {100 * hits / n:5.1f}%   median candidates {statistics.median(sizes):g}"
        f" (fixes with any: {len(nonzero)}, median {statistics.median(nonzero) if nonzero else 0:g})"
    )


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repo", required=True)
    p.add_argument("--name", help="OWNER/NAME to print instead of the path")
    p.add_argument("--yardstick", default=os.path.join(os.path.dirname(__file__), "..", ".build", "debug", "yardstick"))
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--misses", action="store_true", help="list the fixes whose tag Yardstick does not find")
    a = p.parse_args()
    repo = a.repo
    default = yardstick_report(a.yardstick, repo, a.workers, None)
    classic = yardstick_report(a.yardstick, repo, a.workers, 0)
    change_of = changes_of(default)
    mainline = git(repo, "rev-list", "--first-parent", default["repository"]["head"]).split()
    with_default, with_classic = candidates(default), candidates(classic)

    rows = {"yardstick": [], "classic": [], "plain": []}
    add_only = {"fixes": 0, "found": 0, "candidates": 0}
    for fix in mainline:
        message = git(repo, "log", "-1", "--format=%B", fix)
        own = change_of.get(fix)
        tagged = set()
        for prefix in FIXES.findall(message):
            full = git(repo, "rev-parse", "-q", "--verify", f"{prefix}^{{commit}}", check=False).strip()
            if full and change_of.get(full) and change_of[full] != own:
                tagged.add(change_of[full])
        if not tagged or own is None:
            continue
        y, c = with_default.get(own, set()), with_classic.get(own, set())
        plain = plain_szz(repo, fix, change_of, own)
        rows["yardstick"].append((bool(tagged & y), len(y)))
        rows["classic"].append((bool(tagged & c), len(c)))
        rows["plain"].append((bool(tagged & plain), len(plain)))
        if a.misses and not tagged & y:
            subject = message.splitlines()[0] if message else ""
            print(f"miss {fix[:12]} plain={'hit' if tagged & plain else 'miss'} candidates={len(y)} {subject}")
        if not old_ranges(repo, fix):
            add_only["fixes"] += 1
            add_only["found"] += bool(tagged & y)
            add_only["candidates"] += len(y - tagged)

    print(f"history: {a.name or repo}")
    print(f"first-parent commits: {len(mainline)}, tagged fixes with the tagged change in range: {len(rows['plain'])}")
    if not rows["plain"]:
        return
    print(summary("Yardstick SZZ (defaults)", rows["yardstick"]))
    print(summary("Yardstick SZZ (addOnlyFixContext 0)", rows["classic"]))
    print(summary("plain SZZ (git blame --first-parent)", rows["plain"]))
    print(
        f"add-only fixes: {add_only['fixes']}, tagged change found by the context lines: {add_only['found']},"
        f" other candidates they add: {add_only['candidates']}"
    )


if __name__ == "__main__":
    main()
