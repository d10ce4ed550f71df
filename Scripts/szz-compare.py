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
candidate), for Yardstick with its defaults, without each variant (`newerNeighbourLines: 0`,
`addOnlyFixContext: 0`), without both (classic SZZ over the same ownership) and for plain SZZ.

Usage: python3 Scripts/szz-compare.py --repo DIR [--name OWNER/NAME] [--yardstick PATH] [--workers N] [--misses]
"""
import argparse
import collections
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


def yardstick_report(binary, repo, workers, delivery, cache=None):
    """The JSON report; `delivery`: keys of the configuration's `delivery:` section (none: the defaults).
    With `cache` (a directory), the report is read from there when a run with the same settings left it."""
    if cache:
        key = "defaults" if not delivery else "-".join(f"{k}{v}" for k, v in sorted(delivery.items()))
        path = os.path.join(cache, f"{key}.json")
        if os.path.exists(path):
            with open(path) as f:
                return json.load(f)
        report = yardstick_report(binary, repo, workers, delivery)
        os.makedirs(cache, exist_ok=True)
        with open(path, "w") as f:
            json.dump(report, f)
        return report
    with tempfile.TemporaryDirectory() as tmp:
        args = [binary, "analyze", repo, "--format", "json", "--workers", str(workers)]
        if delivery:
            config = os.path.join(tmp, "yardstick.yml")
            with open(config, "w") as f:
                f.write("delivery:\n" + "".join(f"  {k}: {v}\n" for k, v in delivery.items()))
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


def blamed_changes(repo, fix, ranges, change_of, extra):
    """The changes `git blame --first-parent <extra> F^` names for the given old line ranges."""
    found = set()
    for path, rs in ranges.items():
        args = ["blame", "--first-parent", "--porcelain", *extra]
        for start, count in rs:
            args += ["-L", f"{start},+{count}"]
        for line in git(repo, *args, f"{fix}^", "--", path, check=False).splitlines():
            m = re.match(r"^([0-9a-f]{40}) \d+ \d+", line)
            if m and change_of.get(m.group(1)):
                found.add(change_of[m.group(1)])
    return found


def touched_files(repo, commit):
    return set(git(repo, "diff-tree", "--no-commit-id", "-r", "--name-only", "-m", "--first-parent", commit).split())


def miss_reason(repo, fix, own, tagged, tag_commits, pr, plain, change_of):
    """Why Yardstick's candidates miss the tagged change: the first of these that holds."""
    ranges = old_ranges(repo, fix)
    if not pr["delivery"]["isFix"]:
        return "not detected as a fix (message)"
    if len(touched_files(repo, fix)) > 20:
        return "more files than maxFixFiles"
    if not ranges:
        return "add-only, the context lines miss"
    if tagged & plain:
        return "plain SZZ finds it, Yardstick not"
    if tagged & blamed_changes(repo, fix, ranges, change_of, ["-w"]):
        return "white-space rewrite in between (blame -w finds it)"
    if tagged & blamed_changes(repo, fix, ranges, change_of, ["-w", "-M", "-C"]):
        return "move or copy in between (blame -w -M -C finds it)"
    shared = set(ranges) & set().union(*(touched_files(repo, t) for t in tag_commits))
    if not shared:
        return "fix changes files the tagged change did not touch"
    near = survives = False
    for path in shared:
        lines = []
        for line in git(repo, "blame", "--first-parent", "--porcelain", f"{fix}^", "--", path, check=False).splitlines():
            m = re.match(r"^([0-9a-f]{40}) \d+ (\d+)", line)
            if m and change_of.get(m.group(1)) in tagged:
                lines.append(int(m.group(2)))
        survives |= bool(lines)
        near |= any(s - 3 <= n <= s + c + 2 for s, c in ranges[path] for n in lines)
    if near:
        return "lines within 3 of the tagged change's lines"
    if survives:
        return "same file, other lines than the tagged change's"
    return "the tagged change's lines in that file rewritten since"


def walk_target(repo, fix, own, change_of, first_parent):
    """ADR 0025's target T of a branch fix: from F^, F's first parents are passed over while they belong to F's
    own change; the first one B that does not is T when it is on the analysed first-parent line, else the
    landing commit of B's change. None when the walk leaves the analysed history."""
    commits = git(repo, "rev-list", "--first-parent", f"{fix}^").split()
    for b in commits:
        change = change_of.get(b)
        if change is None:
            return None
        if change != own:
            return b if b in first_parent else change
    return None


def new_ranges(repo, old, new, path):
    """[(start, count)] of the lines `git diff -U0 old new -- path` adds or replaces, in `new`'s numbering."""
    out = git(repo, "diff", "-U0", "--no-color", "--no-ext-diff", old, new, "--", path, check=False)
    ranges = []
    for line in out.splitlines():
        m = re.match(r"@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", line)
        if m and int(m.group(2) or "1") > 0:
            ranges.append((int(m.group(1)), int(m.group(2) or "1")))
    return ranges


def branch_miss_reason(repo, fix, own, tagged, tag_commits, pr, traced, plain, change_of, first_parent):
    """Why a fix commit inside a merged branch does not find its tag with its own blames (ADR 0025): the reasons
    of a branch commit first, then those of a first-parent fix."""
    if pr["delivery"]["isFix"] and not pr["delivery"].get("fixCommits"):
        return "merge traced as a whole (its title is a fix), its diff misses"
    if not traced:
        return "not detected as a fix (message)"
    ranges = old_ranges(repo, fix)
    if ranges and tagged & plain:
        target = walk_target(repo, fix, own, change_of, first_parent)
        if target is None:
            return "plain SZZ finds it; the walk leaves the analysed history"
        for path, rs in ranges.items():
            moved = new_ranges(repo, target, f"{fix}^", path)
            if any(ns <= s + i < ns + nc for s, c in rs for i in range(c) for ns, nc in moved):
                return "plain SZZ finds it; the lines differ between T and F^ (read as the change's own)"
        return "plain SZZ finds it, Yardstick not (other)"
    return miss_reason(repo, fix, own, tagged, tag_commits, pr, plain, change_of)


def summary(label, rows):
    n = len(rows)
    hits = sum(1 for found, _ in rows if found)
    sizes = [size for _, size in rows]
    nonzero = [s for s in sizes if s > 0]
    return (
        f"{label:<40} {hits:>4}/{n} = {100 * hits / n:5.1f}%   median candidates {statistics.median(sizes):g}"
        f" mean {statistics.mean(sizes):.2f} (fixes with any: {len(nonzero)}, median"
        f" {statistics.median(nonzero) if nonzero else 0:g})"
    )


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repo", required=True)
    p.add_argument("--name", help="OWNER/NAME to print instead of the path")
    p.add_argument("--yardstick", default=os.path.join(os.path.dirname(__file__), "..", ".build", "debug", "yardstick"))
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--cache", help="a directory to keep Yardstick's reports in and read them back from (one per history)")
    p.add_argument(
        "--misses", action="store_true", help="list the fixes whose tag Yardstick does not find, each with a reason"
    )
    a = p.parse_args()
    repo = a.repo
    default = yardstick_report(a.yardstick, repo, a.workers, None, a.cache)
    variants = {
        "no newer neighbour": candidates(yardstick_report(a.yardstick, repo, a.workers, {"newerNeighbourLines": 0}, a.cache)),
        "no add-only context": candidates(yardstick_report(a.yardstick, repo, a.workers, {"addOnlyFixContext": 0}, a.cache)),
        "classic (both 0)": candidates(
            yardstick_report(a.yardstick, repo, a.workers, {"addOnlyFixContext": 0, "newerNeighbourLines": 0}, a.cache)
        ),
    }
    change_of = changes_of(default)
    mainline = git(repo, "rev-list", "--first-parent", default["repository"]["head"]).split()
    with_default = candidates(default)
    by_commit = {pr["commit"]: pr for pr in default["pullRequests"]}
    reasons = collections.Counter()

    rows = {"yardstick": [], "plain": [], **{name: [] for name in variants}}
    add_only = {"fixes": 0, "found": 0, "candidates": 0}
    for fix in mainline:
        message = git(repo, "log", "-1", "--format=%B", fix)
        own = change_of.get(fix)
        tagged, tag_commits = set(), set()
        for prefix in FIXES.findall(message):
            full = git(repo, "rev-parse", "-q", "--verify", f"{prefix}^{{commit}}", check=False).strip()
            if full and change_of.get(full) and change_of[full] != own:
                tagged.add(change_of[full])
                tag_commits.add(full)
        if not tagged or own is None:
            continue
        y = with_default.get(own, set())
        plain = plain_szz(repo, fix, change_of, own)
        rows["yardstick"].append((bool(tagged & y), len(y)))
        for name, found in variants.items():
            c = found.get(own, set())
            rows[name].append((bool(tagged & c), len(c)))
        rows["plain"].append((bool(tagged & plain), len(plain)))
        if a.misses and not tagged & y:
            subject = message.splitlines()[0] if message else ""
            reason = miss_reason(repo, fix, own, tagged, tag_commits, by_commit[own], plain, change_of)
            reasons[reason] += 1
            print(f"miss {fix[:12]} {reason}; candidates={len(y)}: {subject}")
        if not old_ranges(repo, fix):
            add_only["fixes"] += 1
            add_only["found"] += bool(tagged & y)
            add_only["candidates"] += len(y - tagged)

    # Fixes inside merged branches (ADR 0025): a branch-side commit with a `Fixes:` tag is traced on its own, at
    # its own parent, and its blames are its landed change's (the merge's). Plain SZZ at the commit's own
    # parent. Candidates: the change's blames (all its fixes'), and the commit's own where the report lists
    # them (`delivery.fixCommits`; a merge traced as a whole lists none, and its blames count).
    first_parent = set(mainline)
    per_commit = {
        f["commit"]: {b["commit"] for b in f["blames"] if b["lines"] > 0}
        for pr in default["pullRequests"]
        if pr.get("delivery")
        for f in pr["delivery"].get("fixCommits", [])
    }
    branch_rows = {"change": [], "commit": [], "plain": []}
    branch_reasons = collections.Counter()
    listed = git(repo, "log", "--format=%H", "-i", "-E", "--grep=^fixes: *[0-9a-f]{7,}", default["repository"]["head"])
    for fix in listed.split():
        own = change_of.get(fix)
        if fix in first_parent or own is None:
            continue
        tagged, tag_commits = set(), set()
        for prefix in FIXES.findall(git(repo, "log", "-1", "--format=%B", fix)):
            full = git(repo, "rev-parse", "-q", "--verify", f"{prefix}^{{commit}}", check=False).strip()
            if full and change_of.get(full) and change_of[full] != own:
                tagged.add(change_of[full])
                tag_commits.add(full)
        if not tagged:
            continue
        y = with_default.get(own, set())
        # A merge traced as a whole (its title is a fix) lists no commit: its blames are the commit's too.
        mine = per_commit.get(fix, y if not by_commit[own]["delivery"].get("fixCommits") else set())
        plain = plain_szz(repo, fix, change_of, own)
        branch_rows["change"].append((bool(tagged & y), len(y)))
        branch_rows["commit"].append((bool(tagged & mine), len(mine)))
        branch_rows["plain"].append((bool(tagged & plain), len(plain)))
        if a.misses and not tagged & mine:
            message = git(repo, "log", "-1", "--format=%B", fix)
            subject = message.splitlines()[0] if message else ""
            reason = branch_miss_reason(
                repo, fix, own, tagged, tag_commits, by_commit[own], fix in per_commit, plain, change_of, first_parent
            )
            branch_reasons[reason] += 1
            found_by_change = "found by the change" if tagged & y else "missed by the change"
            print(f"branch miss {fix[:12]} {reason}; {found_by_change}; candidates={len(mine)}: {subject}")

    print(f"history: {a.name or repo}")
    print(f"first-parent commits: {len(mainline)}, tagged fixes with the tagged change in range: {len(rows['plain'])}")
    if not rows["plain"]:
        return
    print(summary("Yardstick SZZ (defaults)", rows["yardstick"]))
    for name in variants:
        print(summary(f"Yardstick SZZ ({name})", rows[name]))
    print(summary("plain SZZ (git blame --first-parent)", rows["plain"]))
    print(
        f"add-only fixes: {add_only['fixes']}, tagged change found by the context lines: {add_only['found']},"
        f" other candidates they add: {add_only['candidates']}"
    )
    if branch_rows["plain"]:
        print(f"tagged fixes inside merged branches: {len(branch_rows['plain'])}")
        print(summary("  Yardstick SZZ, the change's blames", branch_rows["change"]))
        print(summary("  Yardstick SZZ, the commit's own", branch_rows["commit"]))
        print(summary("  plain SZZ at the commit's parent", branch_rows["plain"]))
        print(f"all tagged fixes: {len(rows['plain']) + len(branch_rows['plain'])}")
        print(summary("  Yardstick SZZ, the change's blames", rows["yardstick"] + branch_rows["change"]))
        print(summary("  Yardstick SZZ, the commit's own", rows["yardstick"] + branch_rows["commit"]))
        print(summary("  plain SZZ", rows["plain"] + branch_rows["plain"]))
    for reason, count in reasons.most_common():
        print(f"misses: {count:3} {reason}")
    for reason, count in branch_reasons.most_common():
        print(f"branch misses (the commit's own): {count:3} {reason}")


if __name__ == "__main__":
    main()
