#!/usr/bin/env python3
"""Precision and recall of the fix flag a report gives each landed change, against labelled commits.

    Scripts/fix-precision.py LABELS.csv OWNER/NAME=REPORT.json [OWNER/NAME=REPORT.json ...] [--list]
        [--claims CLAIMS.csv]

LABELS.csv has the columns of docs/validation/fix-detection.csv (commit, history, subject, label, reason;
label `fix` or `not`). REPORT.json is `yardstick analyze --format json` of that history. Each labelled commit is
looked up among the report's pull requests (its landing commit, else one of its commits) and its
`delivery.isFix` compared with the label: this measures the flag users see, with every rule behind it (the
messages, a group's or a pull request's or a merged branch's fix commits), not the message patterns alone as
`FixDetectionTests` does. Where a change groups several labelled commits (a rebase or applied run), each is
counted with the change's flag. --list prints each false positive and false negative.

A second line per history, "series commits by their own tracing", scores a labelled commit inside a rebase or applied
run of several commits by whether it is among its change's traced fix commits (`delivery.fixCommits`), the unit
such a run is traced by (each commit on its own message, ADR 0021): the run's flag says that some commit of the run
is a fix, which is not a claim about each of its commits. Every other labelled commit is scored as on the first line.

With --claims (columns commit, history, merge, subject, label, reason: the traced fix commits of merged branches,
labelled on their own, as docs/validation/fix-detection-branch-claims.csv), a third line scores the claims the report
makes: series commits as on the second line, and a labelled merge flagged only by its branch's fix commits (its own
title is no fix) by whether one of those commits is labelled a fix, whatever the merge's own label. Only precision is
printed for it: its positives are claims, its negatives the merges' labels.
"""
import csv
import json
import sys


def main():
    argv = sys.argv[1:]
    claims = None
    if "--claims" in argv:
        at = argv.index("--claims")
        if at + 1 >= len(argv):
            sys.exit(__doc__)
        with open(argv[at + 1], newline="", encoding="utf-8") as f:
            claims = {row["commit"]: row["label"] == "fix" for row in csv.DictReader(f)}
        argv = argv[:at] + argv[at + 2 :]
    args = [a for a in argv if a != "--list"]
    if len(args) < 2 or any("=" not in a for a in args[1:]):
        sys.exit(__doc__)
    with open(args[0], newline="", encoding="utf-8") as f:
        labels = list(csv.DictReader(f))
    for spec in args[1:]:
        history, path = spec.split("=", 1)
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        change = {}
        for pr in report["pullRequests"]:
            change[pr["commit"]] = pr
        for pr in report["pullRequests"]:
            for c in pr.get("commits", []):
                change.setdefault(c, pr)
        counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0, "missing": 0}
        own = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
        claimed = {"right": 0, "wrong": 0, "unlabelled": 0}
        wrong = []
        for row in labels:
            if row["history"] != history:
                continue
            pr = change.get(row["commit"])
            if pr is None:
                counts["missing"] += 1
                continue
            flagged = bool(pr.get("delivery", {}).get("isFix"))
            fix = row["label"] == "fix"
            key = ("t" if flagged == fix else "f") + ("p" if flagged else "n")
            counts[key] += 1
            if pr["kind"] in ("rebase", "applied") and len(pr.get("commits", [])) > 1:
                traced = {c["commit"] if isinstance(c, dict) else c for c in pr.get("delivery", {}).get("fixCommits", [])}
                mine = row["commit"] in traced
            else:
                mine = flagged
            own[("t" if mine == fix else "f") + ("p" if mine else "n")] += 1
            traced = [c["commit"] if isinstance(c, dict) else c for c in pr.get("delivery", {}).get("fixCommits", [])]
            if claims is not None and mine:
                if pr["kind"] in ("merge", "integration") and traced and pr["commit"] not in traced:
                    if any(c not in claims for c in traced):
                        claimed["unlabelled"] += 1
                    else:
                        claimed["right" if any(claims[c] for c in traced) else "wrong"] += 1
                else:
                    claimed["right" if fix else "wrong"] += 1
            if flagged != fix:
                wrong.append(("false positive" if flagged else "false negative", row["commit"][:12], row["subject"]))
        tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
        precision = f"{tp}/{tp + fp} = {100 * tp / (tp + fp):.1f}%" if tp + fp else "-"
        recall = f"{tp}/{tp + fn} = {100 * tp / (tp + fn):.1f}%" if tp + fn else "-"
        print(
            f"{history}: flagged and fix {tp}, flagged not fix {fp}, missed fix {fn}, neither {counts['tn']}"
            + (f", not found {counts['missing']}" if counts["missing"] else "")
            + f"; precision {precision}, recall {recall}"
        )
        tp, fp, fn = own["tp"], own["fp"], own["fn"]
        print(
            f"  series commits by their own tracing: flagged and fix {tp}, flagged not fix {fp}, missed fix {fn}, "
            + f"neither {own['tn']}; precision "
            + (f"{tp}/{tp + fp} = {100 * tp / (tp + fp):.1f}%" if tp + fp else "-")
            + ", recall "
            + (f"{tp}/{tp + fn} = {100 * tp / (tp + fn):.1f}%" if tp + fn else "-")
        )
        if claims is not None:
            right, all_ = claimed["right"], claimed["right"] + claimed["wrong"]
            print(
                f"  claims (series commits and merged branches' fix commits by their own labels): right {right}, "
                + f"wrong {claimed['wrong']}"
                + (f", merges with unlabelled fix commits {claimed['unlabelled']}" if claimed["unlabelled"] else "")
                + "; precision "
                + (f"{right}/{all_} = {100 * right / all_:.1f}%" if all_ else "-")
            )
        if "--list" in sys.argv:
            for kind, commit, subject in wrong:
                print(f"  {kind}: {commit} {subject[:90]}")


if __name__ == "__main__":
    main()
