#!/usr/bin/env python3
"""Benchmark `yardstick analyze --store` (ADR 0019) against the issue-15 targets on one repository.

Simulates a nightly job with `--branch`: the store is filled at REV~N (N first-parent commits back), then the
job runs at REV. Prints, with wall times, CPU times (user + system, of yardstick alone: on a loaded machine
the firmer figure) and yardstick's peak memory, and the load average before it starts:

  1. a run at REV~N without a store, then the first run with a new store at REV~N, and their ratio
     (target: at most 1.2);
  2. a rerun at REV~N with nothing new (target: under 0.3 s);
  3. the run at REV after N new commits, on a copy of the store from step 1 (target: under 1 s), repeated
     --runs times, and its report compared byte for byte with a run at REV without a store;
  4. a rerun at REV with nothing new;
  5. the store's size on disk, with its -wal file (target: under 100 MB).

Usage:

    Scripts/store-benchmark.py REPO [--rev REV] [--back N] [--runs R] [--yardstick PATH ...] [--timings]

`--yardstick` given twice (say main's binary, then a branch's) runs each step with each binary in turn, each on a
store of its own, so that both meet the same load; every line is then prefixed with the binary's number.

A `.mailmap` changed between REV~N and REV re-mines nothing: stored records keep raw identities (ADR 0019).

Build first: `swift build -c release --product yardstick`. The store and reports go to a temporary folder
that is removed at the end.
"""
import argparse
import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


TIMINGS = []
CPU = []


def cpu():
    """The CPU seconds of the last run, for printing."""
    return f"cpu {CPU[-1]:7.3f} s"


def run(cmd, output):
    """Runs cmd with standard output to `output`; returns (wall seconds, max RSS in MiB) and records the CPU
    seconds in CPU[-1]. With --timings, the step timings yardstick prints (YARDSTICK_TIMINGS=1) are kept for
    the end."""
    start = time.perf_counter()
    with open(output, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
    wall = time.perf_counter() - start
    CPU.append(usage.ru_utime + usage.ru_stime)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"store-benchmark: {' '.join(cmd)} exited {code}: {err.strip()}")
    if os.environ.get("YARDSTICK_TIMINGS") == "1":
        TIMINGS.append((" ".join(cmd[:1] + cmd[2:]), [l for l in err.splitlines() if l.startswith("timing:")]))
    return wall, usage.ru_maxrss / 1024.0


def size(path):
    return sum(os.path.getsize(path + s) for s in ("", "-wal") if os.path.exists(path + s))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo")
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--back", type=int, default=100)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--yardstick", action="append", default=None,
                        help="the binary to measure; given more than once, each step runs each binary in turn")
    parser.add_argument("--timings", action="store_true", help="print yardstick's step timings at the end")
    args = parser.parse_args()
    if args.timings:
        os.environ["YARDSTICK_TIMINGS"] = "1"

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binaries = args.yardstick or [os.path.join(root, ".build", "release", "yardstick")]
    for yardstick in binaries:
        if not os.access(yardstick, os.X_OK):
            sys.exit(f"store-benchmark: {yardstick} not found; run `swift build -c release --product yardstick` "
                     "first")
    old = f"{args.rev}~{args.back}"
    for rev in (args.rev, old):
        check = subprocess.run(["git", "-C", args.repo, "rev-parse", "--verify", "-q", rev + "^{commit}"],
                               capture_output=True, text=True)
        if check.returncode != 0:
            sys.exit(f"store-benchmark: {args.repo}: no commit {rev}")

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    work = tempfile.mkdtemp(prefix="yardstick-store-benchmark-")
    try:
        # With several binaries (--yardstick A --yardstick B), each step runs each binary in turn, each with a store
        # of its own, so that they meet the same load.
        labels = [f"[{i + 1}] " if len(binaries) > 1 else "" for i in range(len(binaries))]
        if len(binaries) > 1:
            for i, b in enumerate(binaries):
                print(f"[{i + 1}] {b}")
        folders = []
        for i in range(len(binaries)):
            folders.append(os.path.join(work, str(i)))
            os.mkdir(folders[-1])
        store = lambda i: os.path.join(folders[i], "store.sqlite")
        saved = lambda i: os.path.join(folders[i], "saved.sqlite")
        report = lambda i, name: os.path.join(folders[i], name + ".json")
        base = lambda i: [binaries[i], "analyze", args.repo, "--format", "json"]
        each = range(len(binaries))

        for i in each:
            plain_old, plain_old_rss = run(base(i) + ["--branch", old], report(i, "plain-old"))
            first, first_rss = run(base(i) + ["--branch", old, "--store", store(i)], report(i, "first"))
            plain_old_cpu, first_cpu = CPU[-2], CPU[-1]
            print(f"{labels[i]}run at {old} without a store:   {plain_old:8.3f} s  cpu {plain_old_cpu:7.3f} s  "
                  f"(peak {plain_old_rss:.0f} MiB)")
            print(f"{labels[i]}first run with the store:        {first:8.3f} s  cpu {first_cpu:7.3f} s  "
                  f"(peak {first_rss:.0f} MiB)  ratio {first / plain_old:.2f}, cpu {first_cpu / plain_old_cpu:.2f} "
                  f"(target <= 1.2)")
            if not filecmp.cmp(report(i, "plain-old"), report(i, "first"), shallow=False):
                sys.exit("store-benchmark: the first run with the store wrote another report than the run without")
        for i in each:
            rerun_old, _ = run(base(i) + ["--branch", old, "--store", store(i)], report(i, "rerun-old"))
            print(f"{labels[i]}rerun, nothing new:              {rerun_old:8.3f} s  {cpu()}  (target < 0.3 s)")
            print(f"{labels[i]}store after the first run:       {size(store(i)) / 1e6:8.1f} MB")
            # The store as the first run left it, restored before each run at REV.
            subprocess.run(["sqlite3", store(i), "PRAGMA wal_checkpoint(TRUNCATE);"], check=True, capture_output=True)
            shutil.copyfile(store(i), saved(i))
        times = [[] for _ in each]
        cpus = [[] for _ in each]
        peak = [0.0 for _ in each]
        for _ in range(args.runs):
            for i in each:
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(store(i) + suffix):
                        os.remove(store(i) + suffix)
                shutil.copyfile(saved(i), store(i))
                t, peak[i] = run(base(i) + ["--branch", args.rev, "--store", store(i)], report(i, "incremental"))
                times[i].append(t)
                cpus[i].append(CPU[-1])
        for i in each:
            mined = subprocess.run(
                ["sqlite3", store(i), "SELECT recordsMined || ' mined, ' || recordsReused || ' reused' FROM run "
                 "ORDER BY id DESC LIMIT 1"], capture_output=True, text=True).stdout.strip()
            print(f"{labels[i]}run at {args.rev} after {args.back} commits: median "
                  f"{statistics.median(times[i]):8.3f} s of {', '.join(f'{t:.3f}' for t in times[i])}, cpu median "
                  f"{statistics.median(cpus[i]):.3f} s of {', '.join(f'{c:.3f}' for c in cpus[i])}  "
                  f"(peak {peak[i]:.0f} MiB; records {mined}; target < 1 s)")
        same = True
        for i in each:
            plain, _ = run(base(i) + ["--branch", args.rev], report(i, "plain"))
            ok = filecmp.cmp(report(i, "plain"), report(i, "incremental"), shallow=False)
            same = same and ok
            print(f"{labels[i]}run at {args.rev} without a store: {plain:8.3f} s  {cpu()}; incremental report "
                  f"{'identical' if ok else 'DIFFERENT'} ({os.path.getsize(report(i, 'plain'))} bytes)")
        for i in each:
            rerun, _ = run(base(i) + ["--branch", args.rev, "--store", store(i)], report(i, "rerun"))
            print(f"{labels[i]}rerun at {args.rev}, nothing new:  {rerun:8.3f} s  {cpu()}  (target < 0.3 s)")
            print(f"{labels[i]}store on disk:                   {size(store(i)) / 1e6:8.1f} MB  (target < 100 MB)")
        for command, lines in TIMINGS:
            print(f"\n{command}")
            for line in lines:
                print("  " + line)
        if not same:
            sys.exit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
