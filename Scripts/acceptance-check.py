#!/usr/bin/env python3
"""Check a Yardstick JSON report against git itself.

Usage:
    Scripts/acceptance-check.py --repo GITDIR --report yardstick.json \
        [--branch REF] [--limit N] [--jobs N]

Everything is recomputed from git, independently of the report:

1. Kinds.  Every first-parent commit of the branch is classified:
     more than one parent                         -> merge
     subject ends with "(#N)" or "(!N)"           -> squash
     a "Reviewed-on:" trailer line in the message -> gerrit
     committer email noreply@github.com and the
     author differs from the committer            -> rebase
       (consecutive such commits with an identical
        committer timestamp form one change)
     two or more consecutive other commits by one
     committer, each at most 60 s after the one
     before, one authored by someone else         -> applied (one change)
     anything else                                -> direct
   Each first-parent commit must be covered by exactly one pull request of
   the report (in its `commits`, or as its `commit`), each expected change
   must be covered by exactly one pull request that covers nothing else,
   and the kinds must agree.

2. Sizes.  For every pull request of the report, what the reviewer saw is
   recomputed from git (`git diff --numstat`, binary files excluded):
     merge M         sum over parents P after the first of
                     diff $(git merge-base M^1 P) P
     single commit C diff C^ C   (empty tree for a root commit)
     rebase or applied group    diff first^ last
   and compared with the report's additions/deletions.

   A merge whose parents share no history is diffed against the empty tree,
   as is a root commit.  git older than 2.43.2 leaves a file's last line
   without a newline out of rename similarity (ADR 0004), so with such a git
   a small renamed file can be counted differently here.  Diffs run on --jobs workers (default 2).

The kinds figure that decides the exit status counts changes (a rebase group
is one change); the per-commit figure is printed too.  --limit N restricts
the kinds check to the newest N expected changes and the sizes check to the
newest N pull requests of the report.  The branch is --branch, else the
report's repository.head, else HEAD.  When the repository has no
commit-graph, a scratch git dir borrowing its objects gets one (about 8x
faster merge-base on git/git); --no-commit-graph turns that off.  Lines
marked (info) do not affect the exit status.

Exit status 0 when both percentages are >= 99 %, 1 otherwise (2 on usage or
input errors).  Python 3 standard library only.
"""

import argparse
import concurrent.futures
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

KINDS = ("merge", "squash", "gerrit", "rebase", "applied", "direct", "integration")
APPLIED_GAP = 60  # seconds between neighbouring commits of an applied series


def merge_kind(kind):
    """`integration` (schema 3, ADR 0018) is a merge of a long-lived branch: checked as a merge."""
    return "merge" if kind == "integration" else kind
SQUASH_RE = re.compile(r"\((?:#|!)(\d+)\)\s*$")
MERGE_PR_RE = re.compile(r"^Merge pull request #(\d+) ")
REVIEWED_ON_RE = re.compile(r"^Reviewed-on:[ \t]*\S", re.MULTILINE)
GITHUB_EMAIL = "noreply@github.com"
THRESHOLD = 99.0
MAX_SHOWN = 10


class GitError(Exception):
    pass


class Git:
    def __init__(self, git_dir):
        self.git_dir = git_dir
        env = dict(os.environ)
        # Keep the user's and the system's configuration out of the figures.
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["GIT_CONFIG_GLOBAL"] = os.devnull
        env["LC_ALL"] = "C"
        env.pop("GIT_DIR", None)
        env.pop("GIT_WORK_TREE", None)
        self.env = env
        self._empty_tree = None

    def run(self, args, check=True, stdin=None):
        cmd = ["git", "--git-dir=" + self.git_dir,
               "-c", "log.showSignature=false",
               "-c", "diff.renames=true",
               "-c", "core.quotePath=true"] + list(args)
        proc = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=self.env)
        if check and proc.returncode != 0:
            # git's own words first: a mismatch line keeps the first 200 characters (a blob a partial copy lacks
            # reads "fatal: unable to read <id>"), the arguments after them.
            raise GitError("%s (exit %d; git %s)" % (
                proc.stderr.decode("utf-8", "replace").strip(), proc.returncode, " ".join(args)))
        return proc

    def has_commit_graph(self):
        info = os.path.join(self.git_dir, "objects", "info")
        return (os.path.isfile(os.path.join(info, "commit-graph"))
                or os.path.isdir(os.path.join(info, "commit-graphs")))

    def with_commit_graph(self, tip):
        """A scratch git dir borrowing this one's objects (alternates) with a
        commit-graph for tip's history, so merge-base does not parse every
        commit again; the repository itself is left untouched.  Returns the
        new Git and the directory to remove afterwards, or (self, None)."""
        objects = os.path.abspath(os.path.join(self.git_dir, "objects"))
        scratch = tempfile.mkdtemp(prefix="acceptance-check-")
        try:
            shim = os.path.join(scratch, "git")
            subprocess.run(["git", "init", "-q", "--bare", shim], check=True,
                           env=self.env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            with open(os.path.join(shim, "objects", "info", "alternates"), "w") as f:
                f.write(objects + "\n")
            other = Git(shim)
            other.run(["commit-graph", "write", "--no-progress", "--stdin-commits"],
                      stdin=(tip + "\n").encode("ascii"))
            return other, scratch
        except (OSError, subprocess.CalledProcessError, GitError) as e:
            print("note: no scratch commit-graph (%s); merge-base will be slower" % e)
            shutil.rmtree(scratch, ignore_errors=True)
            return self, None

    def rev_parse(self, ref):
        proc = self.run(["rev-parse", "--verify", "--quiet",
                         ref + "^{commit}"], check=False)
        if proc.returncode != 0:
            return None
        return proc.stdout.decode("ascii", "replace").strip()

    def empty_tree(self):
        if self._empty_tree is None:
            proc = self.run(["hash-object", "-t", "tree", "--stdin"], stdin=b"")
            self._empty_tree = proc.stdout.decode("ascii").strip()
        return self._empty_tree

    def merge_base(self, a, b):
        proc = self.run(["merge-base", a, b], check=False)
        out = proc.stdout.decode("ascii", "replace").strip()
        if proc.returncode == 0 and out:
            return out.splitlines()[0]
        if proc.returncode == 1:  # unrelated histories
            return None
        raise GitError("git merge-base %s %s failed: %s" % (
            a, b, proc.stderr.decode("utf-8", "replace").strip()))

    def numstat(self, base, tip):
        """(additions, deletions) of `git diff --numstat base tip`, text files only."""
        base = base or self.empty_tree()
        proc = self.run(["diff", "--numstat", "--no-color", "--no-ext-diff",
                         base, tip])
        adds = dels = 0
        for line in proc.stdout.split(b"\n"):
            if not line:
                continue
            fields = line.split(b"\t", 2)
            if len(fields) < 3:
                continue
            if fields[0] == b"-" or fields[1] == b"-":
                continue  # binary
            adds += int(fields[0])
            dels += int(fields[1])
        return adds, dels


class Commit:
    __slots__ = ("sha", "parents", "an", "ae", "cn", "ce", "ct", "mae", "mce", "message",
                 "subject", "index")


def subject_of(message):
    """Like git's %s: the first paragraph, its lines joined with a space."""
    lines = message.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    para = []
    while i < len(lines) and lines[i].strip():
        para.append(lines[i].strip())
        i += 1
    return " ".join(para)


def first_parent_commits(git, tip):
    """First-parent commits of tip, newest first."""
    fmt = "%H%x1f%P%x1f%an%x1f%ae%x1f%cn%x1f%ce%x1f%ct%x1f%aE%x1f%cE%x1f%B"
    # %aE/%cE: after the tip's .mailmap, which Yardstick reads (a bare or scratch git dir has no work tree).
    proc = git.run(["-c", "mailmap.blob=%s:.mailmap" % tip, "log", "--first-parent", "-z", "--no-color",
                    "--format=" + fmt, tip, "--"])
    commits = []
    for record in proc.stdout.split(b"\0"):
        if not record.strip():
            continue
        fields = record.split(b"\x1f", 9)
        if len(fields) != 10:
            raise GitError("unexpected git log record: %r" % record[:200])
        c = Commit()
        dec = [f.decode("utf-8", "replace") for f in fields]
        c.sha = dec[0].strip()
        c.parents = dec[1].split()
        c.an, c.ae, c.cn, c.ce = dec[2], dec[3], dec[4], dec[5]
        c.ct = dec[6]
        c.mae, c.mce = dec[7], dec[8]  # after .mailmap, as Yardstick compares people
        c.message = dec[9]
        c.subject = subject_of(c.message)
        c.index = len(commits)
        commits.append(c)
    return commits


def commit_kind(c):
    if len(c.parents) > 1:
        return "merge"
    if SQUASH_RE.search(c.subject):
        return "squash"
    if REVIEWED_ON_RE.search(c.message):
        return "gerrit"
    if (c.ce.strip().lower() == GITHUB_EMAIL
            and (c.an, c.ae.lower()) != (c.cn, c.ce.lower())):
        return "rebase"
    return "direct"


def expected_number(kind, c):
    if kind == "merge":
        m = MERGE_PR_RE.match(c.subject) or SQUASH_RE.search(c.subject)
        return int(m.group(1)) if m else None
    if kind == "squash":
        m = SQUASH_RE.search(c.subject)
        return int(m.group(1)) if m else None
    return None


class Change:
    """One landed change expected from git: commits newest first."""
    __slots__ = ("kind", "commits", "number")

    @property
    def newest(self):
        return self.commits[0]

    @property
    def oldest(self):
        return self.commits[-1]


def tip_attributes(git, tip):
    """The binary and diff rules of every .gitattributes file at tip, re-rooted for
    $GIT_DIR/info/attributes: a pattern without a slash matches at any depth
    below its folder, one with a slash is anchored there."""
    listing = git.run(["ls-tree", "-r", "-z", "--name-only", tip]).stdout.decode("utf-8", "replace")
    files = sorted((p for p in listing.split("\0") if p == ".gitattributes" or p.endswith("/.gitattributes")),
                   key=lambda p: (p.count("/"), p))
    out = []
    for path in files:
        folder = path[: -len(".gitattributes")]
        text = git.run(["show", "%s:%s" % (tip, path)]).stdout.decode("utf-8", "replace")
        for line in text.splitlines():
            fields = line.split()
            if not fields or fields[0].startswith("#") or fields[0].startswith("[attr]") or fields[0].startswith('"'):
                continue
            # Every form of `diff` is kept: a later `diff=<driver>` overrides an earlier `-diff` (vim/vim's
            # src/po/vim.pot), and a driver no config defines leaves git to detect binary content itself.
            attrs = [a for a in fields[1:] if a in ("binary", "-diff", "diff", "!diff") or a.startswith("diff=")]
            if not attrs:
                continue
            pattern = fields[0]
            anchored = "/" in pattern.rstrip("/")
            pattern = pattern.lstrip("/")
            rooted = folder + pattern if anchored else (folder + "**/" + pattern if folder else pattern)
            out.append("%s %s" % (rooted, " ".join(attrs)))
    return "".join(line + "\n" for line in out)


def same_sitting(newer, older):
    """Whether two neighbouring first-parent commits belong to one applied series."""
    gap = int(newer.ct) - int(older.ct)
    return newer.mce.lower() == older.mce.lower() and 0 <= gap <= APPLIED_GAP


def rebased_runs(commits):
    """Shas of runs of >= 2 consecutive single-parent first-parent commits (not squash, not gerrit) by one
    committer, each at most APPLIED_GAP seconds after the one before, at least one authored by someone
    else: what a maintainer's `git am` or rebase leaves (kind applied)."""
    out = set()
    run = []

    def flush():
        if len(run) >= 2 and any(c.mae.lower() != c.mce.lower() for c in run):
            out.update(c.sha for c in run)
        run.clear()

    for c in commits:  # newest first; runs are symmetric
        candidate = (len(c.parents) <= 1 and not SQUASH_RE.search(c.subject)
                     and not REVIEWED_ON_RE.search(c.message))
        if not candidate:
            flush()
            continue
        if run and not same_sitting(run[-1], c):
            flush()
        run.append(c)
    flush()
    return out


def expected_changes(commits):
    """Group the first-parent commits (newest first) into changes, newest first."""
    changes = []
    rebased = rebased_runs(commits)
    for c in commits:
        kind = commit_kind(c)
        if kind == "direct" and c.sha in rebased:
            kind = "applied"
        if (kind == "rebase" and changes and changes[-1].kind == "rebase"
                and changes[-1].oldest.ct == c.ct
                and changes[-1].oldest.ce.lower() == c.ce.lower()
                and changes[-1].oldest.index == c.index - 1):
            changes[-1].commits.append(c)
            continue
        if (kind == "applied" and changes and changes[-1].kind == "applied"
                and same_sitting(changes[-1].oldest, c)
                and changes[-1].oldest.index == c.index - 1):
            changes[-1].commits.append(c)
            continue
        ch = Change()
        ch.kind = kind
        ch.commits = [c]
        ch.number = expected_number(kind, c)
        changes.append(ch)
    return changes


def expected_size(git, change):
    """(additions, deletions) the reviewer saw, and the (base, tip) pairs."""
    pairs = []
    if change.kind == "merge":
        m = change.newest
        for p in m.parents[1:]:
            pairs.append((git.merge_base(m.parents[0], p), p))
    else:
        first, last = change.oldest, change.newest
        pairs.append((first.parents[0] if first.parents else None, last.sha))
    adds = dels = 0
    for base, tip in pairs:
        a, d = git.numstat(base, tip)
        adds += a
        dels += d
    return adds, dels, pairs


def pct(n, d):
    return 100.0 if d == 0 else 100.0 * n / d


def shown_pct(n, d):
    return shown(pct(n, d))


def shown(p):
    """Percentage for display, rounded down so 98.96 never prints as 99.0."""
    return "%.1f" % (math.floor(p * 10 + 1e-9) / 10)


def short(sha):
    return (sha or "-")[:12]


def clip(text, width=72):
    text = text.replace("\t", " ")
    return text if len(text) <= width else text[:width - 1] + "…"


def fail(message):
    print("acceptance-check: " + message, file=sys.stderr)
    sys.exit(2)


def load_report(path):
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read().decode("utf-8", "replace"))
    except (OSError, ValueError) as e:
        fail("cannot read report %s: %s" % (path, e))
    if not isinstance(data, dict):
        fail("report is not a JSON object")
    if data.get("schemaVersion") not in (1, 2, 3, None):
        print("warning: report schemaVersion is %r, expected 1 to 3"
              % data.get("schemaVersion"))
    prs = data.get("pullRequests")
    if not isinstance(prs, list):
        fail("report has no pullRequests list")
    return data, prs


def report_head(data):
    repo = data.get("repository") or {}
    head = repo.get("head") if isinstance(repo, dict) else None
    if isinstance(head, dict):
        head = head.get("sha") or head.get("commit") or head.get("oid")
    return head if isinstance(head, str) and head else None


def norm(sha):
    return sha.strip().lower() if isinstance(sha, str) else None


def int_or_none(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return None


def check_kinds(changes, commits, prs, limit):
    """Prints the kinds section; returns (right, total)."""
    by_sha = {c.sha: c for c in commits}
    change_of = {}
    for ci, ch in enumerate(changes):
        for c in ch.commits:
            change_of[c.sha] = ci

    # Which PRs cover each first-parent commit.
    covering = {}
    pr_fp = []  # per PR: set of first-parent shas it covers
    for pi, pr in enumerate(prs):
        shas = set()
        for s in [pr.get("commit")] + list(pr.get("commits") or []):
            s = norm(s)
            if s in by_sha:
                shas.add(s)
        pr_fp.append(shas)
        for s in shas:
            covering.setdefault(s, []).append(pi)

    checked = changes if limit is None else changes[:limit]
    checked_fp = [c for ch in checked for c in ch.commits]

    missing = [c for c in checked_fp if not covering.get(c.sha)]
    multiple = [c for c in checked_fp if len(covering.get(c.sha, ())) > 1]

    # PRs found: those whose commit is a first-parent commit in the checked window.
    window = {c.sha for c in checked_fp}
    found_on_line = [pi for pi, pr in enumerate(prs)
                     if norm(pr.get("commit")) in window]
    off_line = [pi for pi, pr in enumerate(prs)
                if norm(pr.get("commit")) not in by_sha]
    bad_kind_values = [pi for pi, pr in enumerate(prs)
                       if pr.get("kind") not in KINDS]

    # Per change: exactly one PR covering all its commits and nothing else,
    # with the right kind.
    right = 0
    mismatches = []
    per_commit_right = 0
    confusion = {}
    for ch in checked:
        pis = set()
        for c in ch.commits:
            pis.update(covering.get(c.sha, ()))
        for c in ch.commits:
            cov = covering.get(c.sha, ())
            if len(cov) == 1 and merge_kind(prs[cov[0]].get("kind")) == ch.kind:
                per_commit_right += 1
        if not pis:
            mismatches.append((ch, "missing from the report"))
            confusion[(ch.kind, "missing")] = confusion.get((ch.kind, "missing"), 0) + 1
            continue
        if len(pis) > 1:
            kinds = ",".join(sorted({str(prs[p].get("kind")) for p in pis}))
            mismatches.append((ch, "split over %d pull requests (%s)" % (len(pis), kinds)))
            confusion[(ch.kind, "split")] = confusion.get((ch.kind, "split"), 0) + 1
            continue
        pi = next(iter(pis))
        pr = prs[pi]
        expect_shas = {c.sha for c in ch.commits}
        found_kind = merge_kind(pr.get("kind"))
        confusion[(ch.kind, str(found_kind))] = confusion.get((ch.kind, str(found_kind)), 0) + 1
        if pr_fp[pi] != expect_shas:
            extra = len(pr_fp[pi] - expect_shas)
            mismatches.append((ch, "grouped with %d other first-parent commit(s) as %s"
                               % (extra, found_kind)))
            continue
        if found_kind != ch.kind:
            mismatches.append((ch, "kind %s, expected %s" % (found_kind, ch.kind)))
            continue
        right += 1

    print("== kinds")
    print("branch first-parent commits:  %d%s" % (
        len(commits), "" if limit is None else
        " (checking the newest %d changes: %d commits)" % (len(checked), len(checked_fp))))
    exp_counts = {}
    for ch in checked:
        exp_counts[ch.kind] = exp_counts.get(ch.kind, 0) + 1
    found_counts = {}
    for pi in found_on_line:
        k = str(prs[pi].get("kind"))
        found_counts[k] = found_counts.get(k, 0) + 1
    print("landed changes expected:      %d  (%s)" % (
        len(checked), fmt_counts(exp_counts)))
    print("landed changes found:         %d  (%s)" % (
        len(found_on_line), fmt_counts(found_counts)))
    print("report pull requests:         %d  (%d with a commit off the first-parent line)"
          % (len(prs), len(off_line)))
    if bad_kind_values:
        print("pull requests with an unknown kind value: %d" % len(bad_kind_values))
    print("first-parent commits missing from the report: %d, in more than one PR: %d"
          % (len(missing), len(multiple)))
    print("commits with the right kind:  %d/%d (%s%%)" % (
        per_commit_right, len(checked_fp), shown_pct(per_commit_right, len(checked_fp))))
    print("changes with the right kind:  %d/%d (%s%%)" % (
        right, len(checked), shown_pct(right, len(checked))))
    off_diag = sorted(((n, e, f) for (e, f), n in confusion.items() if e != f),
                      reverse=True)
    if off_diag:
        print("expected -> found: " + ", ".join(
            "%s->%s %d" % (e, f, n) for n, e, f in off_diag))
    for ch, why in mismatches[:MAX_SHOWN]:
        print("  %s %-8s %s | %s" % (short(ch.newest.sha), ch.kind, why,
                                      clip(ch.newest.subject, 60)))
    if len(mismatches) > MAX_SHOWN:
        print("  ... and %d more" % (len(mismatches) - MAX_SHOWN))

    # Informational: runs of "direct" commits that look like a rebase done by
    # someone other than GitHub's committer (GitHub's own "Rebase and merge"
    # records the merging user as committer): same committer and committer
    # timestamp, authored by someone else.
    runs = looks_rebased(checked)
    if runs:
        print("(info) direct commits in runs sharing committer+timestamp with "
              "another author: %d runs, %d commits" % (len(runs), sum(runs)))

    # Informational: PR numbers where git's subject gives one.
    num_checked = num_right = 0
    for ch in checked:
        if ch.number is None:
            continue
        pis = covering.get(ch.newest.sha, ())
        if len(pis) != 1:
            continue
        num_checked += 1
        if int_or_none(prs[pis[0]].get("number")) == ch.number:
            num_right += 1
    if num_checked:
        print("(info) numbers from subjects matching: %d/%d (%s%%)" % (
            num_right, num_checked, shown_pct(num_right, num_checked)))
    return right, len(checked), change_of


def looks_rebased(changes):
    """Lengths of runs (>= 2) of consecutive direct commits with the same
    committer identity and timestamp, at least one authored by someone else."""
    runs = []
    run = []

    def flush():
        if len(run) >= 2 and any((c.an, c.ae) != (c.cn, c.ce) for c in run):
            runs.append(len(run))

    for ch in changes:
        c = ch.newest
        if ch.kind == "direct" and run and (c.cn, c.ce, c.ct) == (
                run[-1].cn, run[-1].ce, run[-1].ct):
            run.append(c)
            continue
        flush()
        run = [c] if ch.kind == "direct" else []
    flush()
    return runs


def fmt_counts(counts):
    order = list(KINDS) + sorted(k for k in counts if k not in KINDS)
    return ", ".join("%s %d" % (k, counts[k]) for k in order if counts.get(k))


def check_sizes(git, changes, commits, change_of, prs, limit, jobs):
    """Prints the sizes section; returns (right, total)."""
    by_sha = {c.sha: c for c in commits}
    order = []
    for pi, pr in enumerate(prs):
        s = norm(pr.get("commit"))
        idx = by_sha[s].index if s in by_sha else len(commits) + pi
        order.append((idx, pi))
    order.sort()
    if limit is not None:
        order = order[:limit]

    tasks = {}
    results = []  # (pi, expected or None, why)
    for _, pi in order:
        s = norm(prs[pi].get("commit"))
        if s not in change_of:
            results.append((pi, None, "commit not on the first-parent line"))
            continue
        tasks[pi] = changes[change_of[s]]

    computed = {}
    errors = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futs = {pool.submit(expected_size, git, ch): pi for pi, ch in tasks.items()}
        for fut in concurrent.futures.as_completed(futs):
            pi = futs[fut]
            try:
                computed[pi] = fut.result()
            except GitError as e:
                errors[pi] = str(e)

    right = 0
    mismatches = []
    pairs_checked = pairs_right = 0
    for _, pi in order:
        pr = prs[pi]
        found = (int_or_none(pr.get("additions")), int_or_none(pr.get("deletions")))
        if pi in errors:
            mismatches.append((pr, None, found, "git failed: " + errors[pi][:200]))
            continue
        if pi not in computed:
            mismatches.append((pr, None, found, "commit not on the first-parent line"))
            continue
        adds, dels, pairs = computed[pi]
        if found == (adds, dels):
            right += 1
        else:
            mismatches.append((pr, (adds, dels), found, ""))
        # Informational: do the report's reviewedDiffs name the same endpoints?
        rd = pr.get("reviewedDiffs")
        if isinstance(rd, list):
            pairs_checked += 1
            got = sorted((norm(d.get("base")) or "", norm(d.get("tip")) or "")
                         for d in rd if isinstance(d, dict))
            want = sorted((b or "", t) for b, t in pairs)
            if got == want:
                pairs_right += 1

    total = len(order)
    print("== sizes")
    print("pull requests checked:        %d%s" % (
        total, "" if limit is None else " (newest %d)" % limit))
    print("additions/deletions equal:    %d/%d (%s%%)" % (right, total, shown_pct(right, total)))
    if pairs_checked:
        print("(info) reviewedDiffs endpoints as expected: %d/%d (%s%%)" % (
            pairs_right, pairs_checked, shown_pct(pairs_right, pairs_checked)))
    for pr, exp, found, why in mismatches[:MAX_SHOWN]:
        c = by_sha.get(norm(pr.get("commit")))
        subject = clip(c.subject, 50) if c else ""
        exp_s = "+%d -%d" % exp if exp else "?"
        found_s = "+%s -%s" % (found[0], found[1])
        print("  %s %-6s expected %s found %s%s | %s" % (
            short(norm(pr.get("commit"))), pr.get("kind"), exp_s, found_s,
            (" (" + why + ")") if why else "", subject))
    if len(mismatches) > MAX_SHOWN:
        print("  ... and %d more" % (len(mismatches) - MAX_SHOWN))
    return right, total


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Check a Yardstick JSON report against git.")
    ap.add_argument("--repo", required=True, help="git directory (bare or .git)")
    ap.add_argument("--report", required=True, help="Yardstick JSON report")
    ap.add_argument("--branch", help="branch or commit (default: the report's "
                    "repository.head, else HEAD)")
    ap.add_argument("--limit", type=int, help="only check the newest N changes")
    ap.add_argument("--jobs", type=int, default=2, help="git diff workers (default 2)")
    ap.add_argument("--no-attributes", action="store_true",
                    help="ignore the tip's .gitattributes (by default its binary and -diff "
                         "rules apply, as in a working tree)")
    ap.add_argument("--no-commit-graph", action="store_true",
                    help="do not build a scratch commit-graph when the "
                    "repository has none")
    args = ap.parse_args(argv)
    try:
        sys.stdout.reconfigure(errors="replace")
    except AttributeError:
        pass
    if args.limit is not None and args.limit < 0:
        ap.error("--limit must be >= 0")
    if args.jobs < 1:
        ap.error("--jobs must be >= 1")

    repo = args.repo
    if os.path.isdir(os.path.join(repo, ".git")):
        repo = os.path.join(repo, ".git")
    git = Git(repo)
    data, prs = load_report(args.report)
    prs = [pr if isinstance(pr, dict) else {} for pr in prs]

    head_in_report = report_head(data)
    ref = args.branch or head_in_report or "HEAD"
    tip = git.rev_parse(ref)
    if tip is None and not args.branch and head_in_report:
        print("warning: report head %r is not in the repository; using HEAD"
              % head_in_report)
        ref, tip = "HEAD", git.rev_parse("HEAD")
    if tip is None:
        print("acceptance-check: cannot resolve %r in %s" % (ref, repo), file=sys.stderr)
        return 2
    print("repository %s" % repo)
    print("checking %s%s" % (ref, "" if ref == tip else " = " + tip))
    if head_in_report:
        rh = git.rev_parse(head_in_report)
        if rh != tip:
            print("warning: report repository.head is %s, checking %s" % (
                head_in_report, tip))

    scratch = None
    if not args.no_commit_graph and not git.has_commit_graph():
        git, scratch = git.with_commit_graph(tip)
    if not args.no_attributes:
        attributes = tip_attributes(git, tip)
        if attributes:
            if scratch is None:
                git, scratch = git.with_commit_graph(tip)
            if scratch is not None:
                # git reads $GIT_DIR/info/attributes even in a bare repository: the tip's
                # .gitattributes, re-rooted, make `binary` and `-diff` files count as binary,
                # as they do in a clone's working tree and in the forge's PR view.
                os.makedirs(os.path.join(git.git_dir, "info"), exist_ok=True)
                with open(os.path.join(git.git_dir, "info", "attributes"), "w") as f:
                    f.write(attributes)
                print("note: %d binary/-diff attribute rules from the tip's .gitattributes applied"
                      % attributes.count("\n"))
    try:
        commits = first_parent_commits(git, tip)
        changes = expected_changes(commits)
        k_right, k_total, change_of = check_kinds(changes, commits, prs, args.limit)
        s_right, s_total = check_sizes(git, changes, commits, change_of, prs,
                                       args.limit, args.jobs)
    except GitError as e:
        print("acceptance-check: %s" % e, file=sys.stderr)
        return 2
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)

    kp, sp = pct(k_right, k_total), pct(s_right, s_total)
    print("kinds: %d/%d (%s%%)  sizes: %d/%d (%s%%)" % (
        k_right, k_total, shown(kp), s_right, s_total, shown(sp)))
    return 0 if kp >= THRESHOLD and sp >= THRESHOLD else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(1)
