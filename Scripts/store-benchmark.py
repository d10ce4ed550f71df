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

    Scripts/store-benchmark.py REPO [--rev REV] [--back N] [--runs R] [--yardstick PATH] [--timings]

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
        TIMINGS.append((" ".join(cmd[2:]), [l for l in err.splitlines() if l.startswith("timing:")]))
    return wall, usage.ru_maxrss / 1024.0


def size(path):
    return sum(os.path.getsize(path + s) for s in ("", "-wal") if os.path.exists(path + s))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo")
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--back", type=int, default=100)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--yardstick", default=None)
    parser.add_argument("--timings", action="store_true", help="print yardstick's step timings at the end")
    args = parser.parse_args()
    if args.timings:
        os.environ["YARDSTICK_TIMINGS"] = "1"

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    yardstick = args.yardstick or os.path.join(root, ".build", "release", "yardstick")
    if not os.access(yardstick, os.X_OK):
        sys.exit(f"store-benchmark: {yardstick} not found; run `swift build -c release --product yardstick` first")
    old = f"{args.rev}~{args.back}"
    for rev in (args.rev, old):
        check = subprocess.run(["git", "-C", args.repo, "rev-parse", "--verify", "-q", rev + "^{commit}"],
                               capture_output=True, text=True)
        if check.returncode != 0:
            sys.exit(f"store-benchmark: {args.repo}: no commit {rev}")

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    work = tempfile.mkdtemp(prefix="yardstick-store-benchmark-")
    try:
        store = os.path.join(work, "store.sqlite")
        saved = os.path.join(work, "saved.sqlite")
        report = lambda name: os.path.join(work, name + ".json")
        base = [yardstick, "analyze", args.repo, "--format", "json"]

        plain_old, plain_old_rss = run(base + ["--branch", old], report("plain-old"))
        first, first_rss = run(base + ["--branch", old, "--store", store], report("first"))
        plain_old_cpu, first_cpu = CPU[-2], CPU[-1]
        print(f"run at {old} without a store:   {plain_old:8.3f} s  cpu {plain_old_cpu:7.3f} s  "
              f"(peak {plain_old_rss:.0f} MiB)")
        print(f"first run with the store:        {first:8.3f} s  cpu {first_cpu:7.3f} s  (peak {first_rss:.0f} MiB)"
              f"  ratio {first / plain_old:.2f}, cpu {first_cpu / plain_old_cpu:.2f} (target <= 1.2)")
        if not filecmp.cmp(report("plain-old"), report("first"), shallow=False):
            sys.exit("store-benchmark: the first run with the store wrote another report than the run without")
        rerun_old, _ = run(base + ["--branch", old, "--store", store], report("rerun-old"))
        print(f"rerun, nothing new:              {rerun_old:8.3f} s  {cpu()}  (target < 0.3 s)")
        print(f"store after the first run:       {size(store) / 1e6:8.1f} MB")

        # The store as the first run left it, restored before each run at REV.
        subprocess.run(["sqlite3", store, "PRAGMA wal_checkpoint(TRUNCATE);"], check=True, capture_output=True)
        shutil.copyfile(store, saved)
        times = []
        cpus = []
        for _ in range(args.runs):
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(store + suffix):
                    os.remove(store + suffix)
            shutil.copyfile(saved, store)
            t, rss = run(base + ["--branch", args.rev, "--store", store], report("incremental"))
            times.append(t)
            cpus.append(CPU[-1])
        mined = subprocess.run(
            ["sqlite3", store, "SELECT recordsMined || ' mined, ' || recordsReused || ' reused' FROM run "
             "ORDER BY id DESC LIMIT 1"], capture_output=True, text=True).stdout.strip()
        print(f"run at {args.rev} after {args.back} commits: median {statistics.median(times):8.3f} s of "
              f"{', '.join(f'{t:.3f}' for t in times)}, cpu median {statistics.median(cpus):.3f} s  "
              f"(peak {rss:.0f} MiB; records {mined}; target < 1 s)")
        plain, _ = run(base + ["--branch", args.rev], report("plain"))
        same = filecmp.cmp(report("plain"), report("incremental"), shallow=False)
        print(f"run at {args.rev} without a store: {plain:8.3f} s  {cpu()}; incremental report "
              f"{'identical' if same else 'DIFFERENT'} ({os.path.getsize(report('plain'))} bytes)")
        rerun, _ = run(base + ["--branch", args.rev, "--store", store], report("rerun"))
        print(f"rerun at {args.rev}, nothing new:  {rerun:8.3f} s  {cpu()}  (target < 0.3 s)")
        print(f"store on disk:                   {size(store) / 1e6:8.1f} MB  (target < 100 MB)")
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
