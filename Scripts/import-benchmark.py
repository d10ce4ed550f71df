#!/usr/bin/env python3
"""What imports add to `yardstick analyze`: generated build, coverage and review exports against a real history.

Generates, against the repository's own commit ids (`git rev-list`), 100,000 build records (60,000 in the plain
CSV, 40,000 as `gh run list` JSON, with re-runs, every outcome, duplicates and commits outside the analysed
line), a 300,000-line lcov tracefile over the C sources at HEAD (line numbers within each file, from
`git grep -c`), and 5,000 pull requests as `gh pr list` JSON (one per merge commit of the first-parent line,
with reviews, comments and bots; when the line has fewer merges, the rest are PRs that landed nowhere). Then runs `yardstick analyze REPO --format json` without and with them,
alternately, N times each, and prints the median wall and CPU (user + system) times, their differences and
the peak memory (max RSS). On a shared machine the wall times stretch with the load; the CPU times do not.
The generated files are deterministic (fixed seed). Usage:

    Scripts/import-benchmark.py REPO [--runs N] [--yardstick PATH] [--keep DIR]

Build first: `swift build -c release --product yardstick`.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True).stdout


def run(cmd):
    """Runs cmd; returns (wall seconds, CPU seconds (user + system), max RSS in MiB, standard output)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.exit(f"import-benchmark: {' '.join(cmd)} exited {proc.returncode}: {err.read().decode(errors='replace').strip()}")
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, out.read()


def iso(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def generate(repo, folder, rng):
    first_parent = git(repo, "rev-list", "--first-parent", "--format=%H %P %ct", "HEAD").split("\n")
    line = [l.split() for l in first_parent if l and not l.startswith("commit ")]
    commits = [(f[0], int(f[-1])) for f in line]
    merges = [(f[0], int(f[-1])) for f in line if len(f) > 3]
    others = git(repo, "rev-list", "--max-count=20000", "HEAD").split()
    outcomes_csv = ["success"] * 8 + ["failed", "cancelled", "skipped", "running"]
    conclusions = ["success"] * 8 + ["failure", "cancelled", "skipped", "timed_out"]

    # 60,000 CSV rows: mostly first-parent commits, some branch commits, some ids in no history, 1% repeated rows.
    rows = ["sha,status,started_at,finished_at,pipeline"]
    while len(rows) < 60_001:
        pick = rng.random()
        sha, t = rng.choice(commits) if pick < 0.8 else (rng.choice(others), 1_500_000_000)
        if pick > 0.97:
            sha = "%040x" % rng.getrandbits(160)
        start = t + rng.randint(60, 86_400)
        row = f"{sha},{rng.choice(outcomes_csv)},{iso(start)},{iso(start + 900)},{rng.choice(['ci', 'nightly', 'asan'])}"
        rows.append(row)
        if rng.random() < 0.01 and len(rows) < 60_001:
            rows.append(row)
    with open(os.path.join(folder, "builds.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")

    # 40,000 gh run list records with attempts 1-3.
    runs = []
    for i in range(40_000):
        sha, t = rng.choice(commits)
        runs.append({
            "attempt": rng.choice([1, 1, 1, 2, 3]), "conclusion": rng.choice(conclusions), "createdAt": iso(t + 30),
            "databaseId": 7_000_000_000 + i, "event": "push", "headSha": sha, "status": "completed",
            "workflowName": rng.choice(["CI", "Coverity", "Fuzzing"]),
        })
    with open(os.path.join(folder, "runs.json"), "w") as f:
        json.dump(runs, f, separators=(",", ":"))

    # A 300,000-line lcov tracefile over the C sources at HEAD.
    counts = []
    for entry in git(repo, "grep", "-c", "", "HEAD", "--", "*.c", "*.h").splitlines():
        _, path, n = entry.rsplit(":", 2) if entry.count(":") >= 2 else (None, None, None)
        if path and int(n) > 0:
            counts.append((path, int(n)))
    lines = []
    i = 0
    target = 300_000
    while target - len(lines) >= 4:  # SF, at least one DA, LF, end_of_record
        path, n = counts[i % len(counts)]
        i += 1
        room = target - len(lines) - 3
        body = [f"DA:{number},{rng.choice([0, 0, 1, 3, 12, 40])}" for number in range(1, n + 1, 2)][:room]
        lines += [f"SF:/home/ci/build/{path}"] + body + [f"LF:{len(body)}", "end_of_record"]
    # Fill the last lines with summary records lcov writes anyway, inside the last file record.
    filler = ["FNF:0", "FNH:0", "BRF:0"][: target - len(lines)]
    lines[-1:-1] = filler
    assert len(lines) == target
    with open(os.path.join(folder, "coverage.info"), "w") as f:
        f.write("\n".join(lines) + "\n")

    # 5,000 merged pull requests joined by merge commit.
    people = ["ada", "bo", "cy", "dee", "eli", "fay", "gus", "hal"]
    prs = []
    for number, (sha, t) in enumerate(merges[:5000], start=1):
        author = rng.choice(people)
        opened = t - rng.randint(3600, 14 * 86400)
        reviews = [{
            "author": {"login": rng.choice(people)}, "body": rng.choice(["", "LGTM", "nit"]),
            "state": rng.choice(["APPROVED", "COMMENTED", "CHANGES_REQUESTED"]), "id": f"PRR_{number}_{k}",
            "submittedAt": iso(opened + rng.randint(60, 86400)),
        } for k in range(rng.randint(0, 3))]
        comments = [{
            "author": {"login": rng.choice(people + ["app/github-actions"])}, "body": "comment", "id": f"IC_{number}_{k}",
            "createdAt": iso(opened + rng.randint(60, 86400)),
        } for k in range(rng.randint(0, 4))]
        prs.append({
            "author": {"login": author, "is_bot": False}, "comments": comments, "createdAt": iso(opened),
            "mergeCommit": {"oid": sha}, "mergedAt": iso(t), "number": number, "reviews": reviews,
        })
    while len(prs) < 5000:  # a history with fewer merges: the rest are PRs that landed nowhere
        prs.append({"author": {"login": "ada"}, "comments": [], "createdAt": iso(0), "mergeCommit": None,
                    "mergedAt": None, "number": 100_000 + len(prs), "reviews": []})
    with open(os.path.join(folder, "prs.json"), "w") as f:
        json.dump(prs, f, separators=(",", ":"))
    return len(merges)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--yardstick", default=None)
    parser.add_argument("--keep", default=None, help="write the generated files here and keep them")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    yardstick = args.yardstick or os.path.join(root, ".build", "release", "yardstick")
    folder = args.keep or tempfile.mkdtemp(prefix="yardstick-imports-")
    os.makedirs(folder, exist_ok=True)
    merges = generate(args.repo, folder, random.Random(13))
    sizes = {name: os.path.getsize(os.path.join(folder, name)) for name in sorted(os.listdir(folder))}
    print(f"generated in {folder}: " + ", ".join(f"{n} {s / 1e6:.1f} MB" for n, s in sizes.items())
          + f" (first-parent merges available for PRs: {merges})")
    base = [yardstick, "analyze", args.repo, "--format", "json"]
    imports = base + ["--builds", os.path.join(folder, "builds.csv"), os.path.join(folder, "runs.json"),
                      "--coverage", os.path.join(folder, "coverage.info"), "--reviews", os.path.join(folder, "prs.json")]
    plain, loaded, cpu_plain, cpu_loaded, rss_plain, rss_loaded = [], [], [], [], [], []
    load = os.getloadavg()[0]
    for _ in range(args.runs):
        w, c, rss, out_plain = run(base)
        plain.append(w)
        cpu_plain.append(c)
        rss_plain.append(rss)
        w, c, rss, out_loaded = run(imports)
        loaded.append(w)
        cpu_loaded.append(c)
        rss_loaded.append(rss)
    report = json.loads(out_loaded)
    notes = [n for n in report["notes"] if "imported" in n]
    a, b = statistics.median(plain), statistics.median(loaded)
    ca, cb = statistics.median(cpu_plain), statistics.median(cpu_loaded)
    print(f"load average before the runs: {load:.1f} on {os.cpu_count()} cores (wall times stretch with it; CPU times do not)")
    print(f"analyze without imports: wall median {a:.2f} s ({', '.join(f'{x:.2f}' for x in plain)}), CPU median {ca:.2f} s")
    print(f"analyze with imports:    wall median {b:.2f} s ({', '.join(f'{x:.2f}' for x in loaded)}), CPU median {cb:.2f} s")
    print(f"imports add: {b - a:.2f} s wall, {cb - ca:.2f} s CPU; peak memory {max(rss_plain):.0f} MiB without, {max(rss_loaded):.0f} MiB with")
    for n in notes:
        print("note:", n)
    if not args.keep:
        for name in sizes:
            os.remove(os.path.join(folder, name))
        os.rmdir(folder)


if __name__ == "__main__":
    main()
