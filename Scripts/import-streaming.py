#!/usr/bin/env python3
"""Shows that large import files are streamed, not loaded whole: peak memory against file size.

For each kind (a `gh run list` JSON build export, the plain build CSV, an lcov tracefile, a Cobertura XML
report), generates a file of about --size-mb MiB in a temporary folder, runs
`yardstick analyze REPO --format json --output /dev/null` with it, and prints the file's size, the run's wall
time and its peak memory (max RSS of the child, from wait4), beside a run without imports. Each file is
removed before the next is generated.

The files are made against the repository: builds name its first-parent commits (and a few ids in no
history), every record distinct (a new run id, or a new start time in the CSV), so the duplicate check
holds one digest per record; the coverage reports repeat the text files at HEAD, one record (lcov `TN:`
section, Cobertura `<class>`) per file per simulated test run, with one `DA`/`<line>` per line of the file,
as per-test coverage of one code base grows. Deterministic (fixed seed). Usage:

    Scripts/import-streaming.py REPO [--size-mb 1024] [--kinds builds-json,builds-csv,lcov,cobertura]
                                     [--yardstick PATH] [--tmp DIR]

Build first: `swift build -c release --product yardstick`.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True).stdout


def run(cmd):
    """Runs cmd; returns (exit status, wall seconds, max RSS in MiB, standard error)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        err.seek(0)
        return os.waitstatus_to_exitcode(status), wall, usage.ru_maxrss / 1024, err.read().decode(errors="replace")


def write_until(path, size, header, chunk, footer):
    """Writes header, then chunk(i) for i = 0, 1, … until the file reaches size bytes, then footer."""
    written = 0
    i = 0
    with open(path, "w", buffering=1 << 20) as f:
        f.write(header)
        written += len(header)
        while written < size:
            text = chunk(i)
            f.write(text)
            written += len(text)
            i += 1
        f.write(footer)
    return i


def source_files(repo):
    """(path, number of lines) of the text files at HEAD."""
    out = []
    for path in git(repo, "ls-tree", "-r", "--name-only", "HEAD").splitlines():
        data = subprocess.run(["git", "-C", repo, "show", "HEAD:" + path], capture_output=True).stdout
        if b"\0" in data or not data:
            continue
        out.append((path, data.count(b"\n") or 1))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repo")
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--kinds", default="builds-json,builds-csv,lcov,cobertura")
    parser.add_argument("--yardstick", default=".build/release/yardstick")
    parser.add_argument("--tmp", default=None)
    args = parser.parse_args()
    size = args.size_mb << 20
    rng = random.Random(13)
    commits = git(args.repo, "rev-list", "--first-parent", "HEAD").split()
    outside = ["%040x" % rng.getrandbits(160) for _ in range(8)]
    files = source_files(args.repo)
    base = [args.yardstick, "analyze", args.repo, "--format", "json", "--output", "/dev/null"]
    work = tempfile.mkdtemp(prefix="yardstick-streaming-", dir=args.tmp)

    status, wall, rss, err = run(base)
    if status != 0:
        sys.exit("analyze failed: " + err)
    print(f"{'input':<26} {'file MiB':>9} {'records':>11} {'wall s':>8} {'peak RSS MiB':>13}")
    print(f"{'(no imports)':<26} {0:>9} {0:>11} {wall:>8.1f} {rss:>13.1f}")

    conclusions = ["success"] * 6 + ["failure", "failure", "cancelled", "skipped"]
    statuses = ["success"] * 6 + ["failed", "failed", "cancelled", "skipped"]

    def gh_run(i):
        sha = commits[i % len(commits)] if i % 50 else outside[i % len(outside)]
        day = 1 + i % 28
        return (
            ('{"attempt":%d,"conclusion":"%s","createdAt":"2024-02-%02dT10:%02d:%02dZ","databaseId":%d,'
             '"event":"push","headSha":"%s","status":"completed","updatedAt":"2024-02-%02dT10:%02d:%02dZ",'
             '"workflowName":"CI %d"}')
            % (1 + i % 3 // 2, conclusions[i % 10], day, i % 60, i % 59, 10_000_000 + i, sha, day, i % 60,
               (i + 7) % 60, i % 7)
        )

    def csv_row(i):
        # One row per second from 2020-01-01 on (28-day months): every row, hence every key, is distinct.
        sha = commits[i % len(commits)] if i % 50 else outside[i % len(outside)]
        s = i % 86400
        day = 1 + (i // 86400) % 28
        month = 1 + (i // (86400 * 28)) % 12
        year = 2020 + i // (86400 * 28 * 12)
        return "%s,%s,%d-%02d-%02dT%02d:%02d:%02dZ,%d-%02d-%02dT%02d:%02d:%02d+01:00,pipeline %d\n" % (
            sha, statuses[i % 10], year, month, day, s // 3600, s % 3600 // 60, s % 60,
            year, month, day, s // 3600, s % 3600 // 60, s % 60, i % 5)

    def lcov_section(i):
        path, lines = files[i % len(files)]
        body = "".join("DA:%d,%d\n" % (n, (n * 7 + i) % 3) for n in range(1, lines + 1))
        return "TN:run%d\nSF:%s\n%send_of_record\n" % (i // len(files), path, body)

    def cobertura_class(i):
        path, lines = files[i % len(files)]
        body = "".join('<line number="%d" hits="%d"/>' % (n, (n * 7 + i) % 3) for n in range(1, lines + 1))
        return '<class name="c%d" filename="%s"><methods/><lines>%s</lines></class>\n' % (i, path, body)

    kinds = {
        "builds-json": ("runs.json", "--builds", "[\n", lambda i: ("," if i else "") + gh_run(i) + "\n", "]\n"),
        "builds-csv": ("builds.csv", "--builds", "sha,status,started_at,finished_at,pipeline\n", csv_row, ""),
        "lcov": ("coverage.info", "--coverage", "", lcov_section, ""),
        "cobertura": (
            "coverage.xml", "--coverage",
            '<?xml version="1.0" ?>\n<coverage version="7.4"><sources><source>.</source></sources><packages>'
            '<package name="all"><classes>\n',
            cobertura_class, "</classes></package></packages></coverage>\n",
        ),
    }
    for kind in args.kinds.split(","):
        name, option, header, chunk, footer = kinds[kind]
        path = os.path.join(work, name)
        records = write_until(path, size, header, chunk, footer)
        mib = os.path.getsize(path) / (1 << 20)
        status, wall, rss, err = run(base + [option, path])
        os.remove(path)
        if status != 0:
            sys.exit(f"{kind}: analyze failed: {err}")
        print(f"{kind:<26} {mib:>9.0f} {records:>11,} {wall:>8.1f} {rss:>13.1f}")
    os.rmdir(work)
    print(f"load average: {' '.join('%.1f' % x for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
