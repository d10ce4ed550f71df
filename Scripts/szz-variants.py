#!/usr/bin/env python3
"""Variants of Yardstick's SZZ simulated with git on a history whose fixes carry `Fixes: <id>` tags (issue 17).

Every tagged fix commit F of `Scripts/szz-compare.py` (first-parent fixes and fix commits inside merged branches,
the tagged commit in another landed change than F's) is traced at its own parent, commit by commit, with
`git blame --first-parent` over whole files standing in for Yardstick's ownership state: at F^ for a first-parent
fix; for a fix commit inside a merged branch at ADR 0025's target T (the first commit on F's first-parent chain
outside F's own change, or the landing commit of its change), the lines of F^ followed to T by `git diff -U0 T F^`
(a line inside a hunk's new lines is F's own change's):

- F's diff is `git diff -b --ignore-blank-lines -U0 -M F^ F` (ADR 0021); more than `maxFixFiles` (20) entries
  blame nothing; added files are not traced;
- a line blames the landed change its commit belongs to (Yardstick's grouping, from its JSON report), never F's
  own change (ADR 0025: lines the fix's own change wrote blame nobody);
- the deleted or replaced lines are traced; when no file loses or replaces a line, the old lines right above and
  below each insertion point (`addOnlyFixContext` 1);
- a fix commit inside a merged branch whose merge title is a fix keeps the merge's blames (Yardstick traces such a
  merge as a whole, ADR 0025);
- the newer neighbour (`newerNeighbourLines` 1, first-parent fixes only): the line above and below each replaced
  range, its writer's change kept when it is newer on the first-parent line than every writer of the range and
  landed at most 90 days before F's change, the newest one per range.

Each variant changes one rule of that baseline; for each it prints, per history, the share of tagged fixes whose
tagged change is among F's candidates (the commit's own, as `delivery.fixCommits` lists them), the median and
mean number of candidates, and the lower bound of the share counted over the fix's whole landed change
(Yardstick's change `blames` with the variant's extra candidates of the tagged commits), the number of fixes whose
candidates change and of the candidates added that are not the tagged change. The baseline's agreement with
Yardstick's own per-commit figures is printed first.

Variants (f) and (g) are for fixes that only add lines (issue 17: "the lines around an insertion, the enclosing
function"): (f) also blames the enclosing header line, the nearest line at or above each insertion point that git's
default funcname rule takes for one (it begins with a letter, `_` or `$`: a C function's signature, a label), always
or only when the context lines blame nothing; (g) blames, when the context lines blame nothing, the nearest line
above and below each insertion that another change wrote.

Usage: python3 Scripts/szz-variants.py --repo DIR --name OWNER/NAME --cache DIR [--yardstick PATH] [--show VARIANT]
    [--only TEXT] [--add-only-fixes]
(the cache directory of `szz-compare.py --cache`, whose `defaults.json` is Yardstick's report with its defaults).
`--only TEXT` runs the baseline and the variants whose names contain TEXT; `--add-only-fixes` traces only the tagged
fixes whose diff deletes or replaces no line (the others' candidates are the baseline's under (f) and (g)), for a
large history.
"""
import argparse
import datetime
import importlib.util
import os
import re
import statistics
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
spec = importlib.util.spec_from_file_location("szz_compare", os.path.join(os.path.dirname(__file__), "szz-compare.py"))
compare = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare)
git = compare.git
MAX_FIX_FILES = 20
WINDOW = datetime.timedelta(days=90)


def fix_diff(repo, fix, ignore):
    """({old path: [(old start, old count)]}, number of entries) of F's white-space-insensitive diff."""
    out = git(repo, "diff", ignore, "--ignore-blank-lines", "-U0", "-M", "--no-color", "--no-ext-diff", f"{fix}^", fix)
    hunks, entries, path = {}, 0, None
    for line in out.splitlines():
        if line.startswith("diff --git "):
            entries += 1
            path = None
        elif line.startswith("--- "):
            path = line[6:] if line.startswith("--- a/") else None
        elif line.startswith("@@ ") and path:
            m = re.match(r"@@ -(\d+)(?:,(\d+))? ", line)
            hunks.setdefault(path, []).append((int(m.group(1)), int(m.group(2) or "1")))
    return hunks, entries


class Blamer:
    """Whole-file `git blame --first-parent` at F^, each line mapped to its landed change (None: F's own or unknown)."""

    def __init__(self, repo, change_of):
        self.repo, self.change_of, self.memo = repo, change_of, {}

    def blame(self, commit, path, opts):
        key = (commit, path, opts)
        if key not in self.memo:
            out = git(self.repo, "blame", "--first-parent", "--porcelain", *opts, commit, "--", path, check=False)
            owner = {}
            for line in out.splitlines():
                m = re.match(r"^([0-9a-f]{40}) \d+ (\d+)", line)
                if m:
                    owner[int(m.group(2))] = self.change_of.get(m.group(1))
            self.memo[key] = owner
        return self.memo[key]

    def lines(self, fix, path, own, opts=(), target=None):
        """{line at F^: its change, "own" (F's own change) or None}. A first-parent fix: the blame at F^. A fix inside
        a merged branch (ADR 0025): the lines of F^ followed to the target T by `git diff -U0 T F^` (a line inside a
        hunk's new lines is F's own change's) and blamed at T, on the analysed first-parent line."""
        if target is None:
            owner = self.blame(f"{fix}^", path, opts)
        else:
            at_target = self.blame(target, path, opts)
            size = len(git(self.repo, "show", f"{fix}^:{path}", check=False).splitlines())
            hunks = []
            out = git(self.repo, "diff", "-U0", "--no-color", "--no-ext-diff", target, f"{fix}^", "--", path, check=False)
            for line in out.splitlines():
                m = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", line)
                if m:
                    oc, ns, nc = int(m.group(2) or "1"), int(m.group(3)), int(m.group(4) or "1")
                    hunks.append((oc, ns, nc))
            owner = {}
            for n in range(1, size + 1):
                shift, inside = 0, False
                for oc, ns, nc in hunks:
                    if nc > 0 and ns <= n < ns + nc:
                        inside = True
                        break
                    if n >= (ns + nc if nc > 0 else ns + 1):
                        shift += oc - nc
                owner[n] = "own" if inside or not at_target else at_target.get(n + shift)
        return {n: (c if c != own else "own") for n, c in owner.items()}


HEADER = re.compile(r"[A-Za-z_$]")


def header_line(text, s):
    """The nearest line at or above old line s that git's default funcname rule takes for a header (a line that
    begins with a letter, `_` or `$`), or None."""
    for n in range(min(s, len(text)), 0, -1):
        if HEADER.match(text[n - 1]):
            return n
    return None


def trace(fix, own, hunks, entries, blame, rule, order, landed, first_parent, text=None):
    """The candidate changes of F under `rule` (a dict of the variant's settings)."""
    if entries > rule.get("max_files", MAX_FIX_FILES):
        return set()
    owners = {path: blame(path) for path in hunks}
    replaced = {path: [(s, c) for s, c in hs if c > 0] for path, hs in hunks.items()}
    add_only = not any(replaced.values())

    def writers(path, numbers):
        return {owners[path].get(n) for n in numbers} - {None, "own"}

    def around(s, c, k):
        # the k old lines above and below a hunk (an insertion, c == 0, inserts after line s)
        above = range(s - k, s) if c > 0 else range(s - k + 1, s + 1)
        below = range(s + c, s + c + k) if c > 0 else range(s + 1, s + 1 + k)
        return [n for n in (*above, *below) if n >= 1]

    found = set()
    if add_only:
        k = rule.get("add_only", 1)
        for path, hs in hunks.items():
            found |= writers(path, [n for s, c in hs for n in around(s, c, k)])
        if rule.get("header") and (rule["header"] == "always" or not found):
            for path, hs in hunks.items():
                lines = text(path)
                found |= writers(path, [h for s, c in hs for h in [header_line(lines, s)] if h])
        if rule.get("nearest_other") and not found:
            for path, hs in hunks.items():
                size = max(owners[path], default=0)
                for s, c in hs:
                    for step, start in ((-1, s), (1, s + 1)):
                        n = start
                        while 1 <= n <= size and owners[path].get(n) in ("own", None):
                            n += step
                        found |= writers(path, [n])
        return found
    own_lines = {path: {n for s, c in rs for n in range(s, s + c)} for path, rs in replaced.items()}
    for path, rs in replaced.items():
        found |= writers(path, own_lines[path])
    if rule.get("context_when_empty") and not found:
        k = rule["context_when_empty"]
        for path, hs in hunks.items():
            found |= writers(path, [n for s, c in hs for n in around(s, c, k)])
    if rule.get("adjacent_when_own") and not found:
        only_own = any(owners[p].get(n) == "own" for p, ns in own_lines.items() for n in ns)
        if only_own:
            for path, rs in replaced.items():
                for s, c in rs:
                    for step, start in ((-1, s - 1), (1, s + c)):
                        n = start
                        while 1 <= n <= max(owners[path], default=0) and owners[path].get(n) in ("own", None):
                            n += step
                        found |= writers(path, [n])
    k = rule.get("neighbour", 1)
    if k and (fix in first_parent or rule.get("neighbour_on_branches")):
        for path, rs in replaced.items():
            for s, c in rs:
                hunk_writers = writers(path, range(s, s + c))
                newest_own = max((order[w] for w in hunk_writers if w in order), default=-1)
                near = [
                    w
                    for w in writers(path, [n for n in around(s, c, k) if n not in own_lines[path]])
                    if w in order
                    and (order[w] > newest_own or rule.get("neighbour_any"))
                    and w != own
                    and datetime.timedelta(0) <= landed[own] - landed[w] <= WINDOW
                ]
                if near:
                    found.add(max(near, key=order.get))
    return found


VARIANTS = {
    "baseline (Yardstick's rules)": {},
    "(a) context ±1 when the replaced lines blame nothing": {"context_when_empty": 1},
    "(a) context ±3 when the replaced lines blame nothing": {"context_when_empty": 3},
    "(b) nearest other change's line when they blame only F's own": {"adjacent_when_own": True},
    "(c) blame -w": {"blame": ("-w",)},
    "(c) diff -w and blame -w": {"blame": ("-w",), "diff": "-w"},
    "(c) blame -w -M": {"blame": ("-w", "-M")},
    "(d) newer neighbour on branch fixes too": {"neighbour_on_branches": True},
    "(d) newer neighbour over 3 lines": {"neighbour": 3},
    "(d) newer neighbour over 3 lines, on branch fixes too": {"neighbour": 3, "neighbour_on_branches": True},
    "(d) neighbour in the window, newer or not, on branch fixes too": {"neighbour_any": True, "neighbour_on_branches": True},
    "(d) add-only context 3": {"add_only": 3},
    "(e) branch fix commits traced on their own under a fix-titled merge too": {"whole_merges_too": True},
    "(c) blame -w + (d) newer neighbour on branch fixes too": {"blame": ("-w",), "neighbour_on_branches": True},
    "(a) context ±1 when the replaced lines blame nothing + (d) newer neighbour on branch fixes too": {
        "context_when_empty": 1,
        "neighbour_on_branches": True,
    },
    "(a) ±1 + (d) newer neighbour on branch fixes + (e)": {
        "context_when_empty": 1,
        "neighbour_on_branches": True,
        "whole_merges_too": True,
    },
    "(c) blame -w + (a) ±1 + (d) newer neighbour on branch fixes": {
        "blame": ("-w",),
        "context_when_empty": 1,
        "neighbour_on_branches": True,
    },
    "(f) add-only: the enclosing header line too": {"header": "always"},
    "(f) add-only: the enclosing header line when the context blames nothing": {"header": "empty"},
    "(g) add-only: nearest other change's line when the context blames nothing": {"nearest_other": True},
    "(f)+(g) add-only": {"header": "empty", "nearest_other": True},
}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repo", required=True)
    p.add_argument("--name", help="OWNER/NAME to print instead of the path")
    p.add_argument("--cache", required=True, help="szz-compare.py's --cache directory for this history")
    p.add_argument("--yardstick", default=os.path.join(os.path.dirname(__file__), "..", ".build", "debug", "yardstick"))
    p.add_argument("--only", default="", help="run only the variants whose names contain this (and the baseline)")
    p.add_argument(
        "--add-only-fixes", action="store_true", help="trace only the fixes whose diff deletes or replaces no line"
    )
    p.add_argument("--show", action="append", default=[], help="print the fixes a variant finds or loses")
    a = p.parse_args()
    repo = a.repo
    report = compare.yardstick_report(a.yardstick, repo, 2, None, a.cache)
    change_of = compare.changes_of(report)
    mainline = git(repo, "rev-list", "--first-parent", report["repository"]["head"]).split()
    first_parent = set(mainline)
    position = {c: i for i, c in enumerate(reversed(mainline))}
    order = {pr["commit"]: position[pr["commit"]] for pr in report["pullRequests"] if pr["commit"] in position}
    landed = {
        pr["commit"]: datetime.datetime.fromisoformat(pr["landedAt"].replace("Z", "+00:00"))
        for pr in report["pullRequests"]
    }
    change_blames = compare.candidates(report)
    by_commit = {pr["commit"]: pr for pr in report["pullRequests"]}
    per_commit = {
        f["commit"]: {b["commit"] for b in f["blames"] if b["lines"] > 0}
        for pr in report["pullRequests"]
        if pr.get("delivery")
        for f in pr["delivery"].get("fixCommits", [])
    }

    fixes = []
    listed = git(repo, "log", "--format=%H", "-i", "-E", "--grep=^fixes: *[0-9a-f]{7,}", report["repository"]["head"])
    for fix in listed.split():
        own = change_of.get(fix)
        if own is None:
            continue
        tagged = set()
        for prefix in compare.FIXES.findall(git(repo, "log", "-1", "--format=%B", fix)):
            full = git(repo, "rev-parse", "-q", "--verify", f"{prefix}^{{commit}}", check=False).strip()
            if full and change_of.get(full) and change_of[full] != own:
                tagged.add(change_of[full])
        if not tagged:
            continue
        y = change_blames.get(own, set())
        if fix in first_parent:
            mine = y
        else:
            mine = per_commit.get(fix, y if not by_commit[own]["delivery"].get("fixCommits") else set())
        fixes.append((fix, own, tagged, mine, y))

    if a.add_only_fixes:
        kept = []
        for f in fixes:
            hunks, entries = fix_diff(repo, f[0], "-b")
            if entries <= MAX_FIX_FILES and not any(c > 0 for hs in hunks.values() for s, c in hs):
                kept.append(f)
        print(f"add-only fixes only: {len(kept)} of {len(fixes)}")
        fixes = kept
    blamer = Blamer(repo, change_of)
    targets = {
        fix: compare.walk_target(repo, fix, own, change_of, first_parent) or "none"
        for fix, own, *_ in fixes
        if fix not in first_parent
    }
    diffs = {}
    results = {}
    for name, rule in VARIANTS.items():
        if a.only and a.only not in name and not name.startswith("baseline"):
            continue
        rows = []
        for fix, own, tagged, mine, y in fixes:
            ignore = rule.get("diff", "-b")
            if (fix, ignore) not in diffs:
                diffs[(fix, ignore)] = fix_diff(repo, fix, ignore)
            hunks, entries = diffs[(fix, ignore)]
            opts = rule.get("blame", ())
            found = trace(
                fix,
                own,
                hunks,
                entries,
                lambda path: blamer.lines(fix, path, own, opts, targets.get(fix)),
                rule,
                order,
                landed,
                first_parent,
                text=lambda path: git(repo, "show", f"{fix}^:{path}", check=False).splitlines(),
            )
            delivery = by_commit[own]["delivery"]
            if fix not in first_parent and fix not in per_commit and delivery["isFix"]:
                if delivery.get("fixCommits"):
                    # the merge's branch fix commits are traced one by one and this one is not a fix by its message
                    found = set()
                else:
                    # a merge whose title is a fix is traced as a whole (ADR 0025): its blames are the commit's,
                    # and its branch's commits are traced on their own only under the variant (e), which takes
                    # every tagged commit of such a branch for a fix (the report does not say which are)
                    found = mine | found if rule.get("whole_merges_too") else mine
            rows.append(found)
        results[name] = rows

    print(f"history: {a.name or repo}; tagged fixes: {len(fixes)} ({sum(f[0] in first_parent for f in fixes)} first-parent)")
    base = results["baseline (Yardstick's rules)"]
    agree = sum(bool(t & m) == bool(t & b) for (_, _, t, m, _), b in zip(fixes, base))
    yardstick_found = sum(bool(t & m) for _, _, t, m, _ in fixes)
    sizes = [len(m) for *_, m, _ in fixes]
    print(
        f"Yardstick (the commit's own blames): {yardstick_found}/{len(fixes)} ="
        f" {100 * yardstick_found / len(fixes):.1f}%, median {statistics.median(sizes):g} mean"
        f" {statistics.mean(sizes):.2f}; the baseline simulation agrees on found/missed for {agree} of {len(fixes)}"
    )
    for (fix, own, tagged, mine, _), b in zip(fixes, base):
        if bool(tagged & mine) != bool(tagged & b):
            where = "first-parent" if fix in first_parent else "branch"
            whole = ""
            print(
                f"  differs: {fix[:12]} {where}{whole}: Yardstick {'found' if tagged & mine else 'missed'},"
                f" the simulation {'found' if tagged & b else 'missed'}"
            )
    for name, rows in results.items():
        hits = sum(bool(t & r) for (_, _, t, _, _), r in zip(fixes, rows))
        union = sum(bool(t & (y | (r - b))) for (_, _, t, _, y), r, b in zip(fixes, rows, base))
        sizes = [len(r) for r in rows]
        fp = [len(r) for (f, *_), r in zip(fixes, rows) if f in first_parent]
        changed = sum(r != b for r, b in zip(rows, base))
        others = sum(len(r - b - t) for (_, _, t, _, _), r, b in zip(fixes, rows, base))
        print(
            f"{name:<64} {hits:>4}/{len(fixes)} = {100 * hits / len(fixes):5.1f}%  median {statistics.median(sizes):g}"
            f" mean {statistics.mean(sizes):.2f}  (first-parent median {statistics.median(fp) if fp else 0:g});"
            f" the change's blames >= {union}/{len(fixes)} = {100 * union / len(fixes):.1f}%;"
            f" fixes whose candidates change {changed}, other changes added {others}"
        )
    for name in a.show:
        if name not in results:
            continue
        for (fix, own, tagged, _, _), r, b in zip(fixes, results[name], base):
            if bool(tagged & r) != bool(tagged & b):
                gained = "found" if tagged & r else "lost"
                subject = git(repo, "log", "-1", "--format=%s", fix).strip()
                print(f"{name}: {gained} {fix[:12]} candidates {len(b)} -> {len(r)}: {subject}")


if __name__ == "__main__":
    main()
