#!/usr/bin/env python3
"""Build a large synthetic git history, for benchmarks on machines without a real one.

    Scripts/make-synthetic-history.py OUT [--commits N] [--files N] [--seed N] [--no-repack]

Writes a new repository at OUT (which must not exist) through `git fast-import`. The history is
deterministic for a given seed: fixed names, e-mails and dates, no clock or randomness from the
machine. It has the shapes Yardstick reads:

- GitHub-style pull requests: a branch of 1-5 commits off main, merged with
  "Merge pull request #N from owner/branch". Main has often moved on in between, so the merge base
  is older than the first parent.
- Squash merges ("Subject (#N)"), Gerrit-style commits with Reviewed-on/Reviewed-by trailers, and
  direct pushes.
- Fixes ("Fix ..."), reverts ("This reverts commit <id>."), fix-up commits on branches, and
  Reviewed-by trailers.
- Three groups of authors: an in-house team, a vendor and a contractor, each on its own domain.
- Files added, edited line by line, renamed and deleted, plus a few binary files, under src/, tests/
  and docs/adr/.

The pack is then rewritten the way a server packs (`git repack -adf --depth=50 --window=10`) unless
--no-repack is given. --commits counts every commit, merges included (default 80,000, about the size
of git.git).
"""
import argparse
import os
import random
import subprocess
import sys

PEOPLE = [
    ("Alice Andersen", "alice@inhouse.example"),
    ("Bob Brown", "bob@inhouse.example"),
    ("Chen Wei", "chen@inhouse.example"),
    ("Dana Diaz", "dana@inhouse.example"),
    ("Emeka Obi", "emeka@vendor.example"),
    ("Farah Khan", "farah@vendor.example"),
    ("Goran Ilic", "goran@vendor.example"),
    ("Hana Sato", "hana@contractor.example"),
    ("Ivan Petrov", "ivan@contractor.example"),
]
MAINTAINER = ("Release Bot", "maintainer@inhouse.example")
WORDS = ("parse config cache index reader writer buffer stream token session graph commit tree blob "
         "merge branch rebase review report metric window group vendor sample table render error").split()
START = 1_600_000_000  # 2020-09-13T12:26:40Z
STEP = 600             # ten minutes between commits


class History:
    def __init__(self, proc, seed, files):
        """`proc` is a `git fast-import --cat-blob-fd=1` with pipes for stdin and stdout."""
        self.rng = random.Random(seed)
        self.files = {}        # path -> list of lines (text) or bytes (binary)
        self.target_files = files
        self.clock = START
        self.mark = 0
        self.commits = 0
        self.pr = 0
        self.main = None       # mark of main's tip
        self.main_history = [] # marks on main, oldest first (for branch points and reverts)
        self.landed = []       # (mark, subject) of landed changes, for reverts
        self.proc = proc
        self.out = proc.stdin
        self.answers = proc.stdout

    # --- content ---------------------------------------------------------------------------------

    def line(self):
        r = self.rng
        return "    " * r.randint(0, 2) + " ".join(r.choice(WORDS) for _ in range(r.randint(2, 9)))

    def new_path(self):
        r = self.rng
        kind = r.random()
        name = "_".join(r.choice(WORDS) for _ in range(2)) + str(r.randint(0, 999))
        if kind < 0.6:
            return f"src/{r.choice(WORDS)}/{name}.c"
        if kind < 0.9:
            return f"tests/{r.choice(WORDS)}/{name}_test.c"
        if kind < 0.97:
            return f"docs/adr/{len(self.files):04d}-{name}.md"
        return f"assets/{name}.bin"

    def edit(self, changes):
        """One commit's worth of file changes: a dict path -> new content (None to delete)."""
        r = self.rng
        paths = sorted(p for p in self.files if not p.endswith(".bin"))
        for _ in range(r.choice([1, 1, 1, 2, 2, 3, 5])):
            roll = r.random()
            if roll < 0.15 or len(paths) < self.target_files // 4:
                path = self.new_path()
                if path in self.files or path in changes:
                    continue
                if path.endswith(".bin"):
                    changes[path] = bytes(r.randrange(256) for _ in range(r.randint(200, 4000)))
                else:
                    changes[path] = [self.line() for _ in range(r.randint(10, 150))]
            elif roll < 0.18 and len(paths) > self.target_files:
                path = r.choice(paths)
                changes.setdefault(path, None)
            elif roll < 0.20 and paths:
                path = r.choice(paths)
                if path in changes:
                    continue
                renamed = path.rsplit("/", 1)[0] + "/renamed_" + path.rsplit("/", 1)[1]
                if renamed not in self.files and renamed not in changes:
                    changes[path] = None
                    changes[renamed] = list(self.files[path])
            elif paths:
                path = r.choice(paths)
                lines = list(changes.get(path) or self.files[path])
                for _ in range(r.randint(1, 6)):
                    at = r.randrange(len(lines) + 1)
                    op = r.random()
                    if op < 0.45 and lines:
                        lines[min(at, len(lines) - 1)] = self.line()
                    elif op < 0.8:
                        lines[at:at] = [self.line() for _ in range(r.randint(1, 12))]
                    elif lines:
                        del lines[at:at + r.randint(1, 8)]
                changes[path] = lines
        return changes

    # --- fast-import ---------------------------------------------------------------------------

    def write(self, text):
        self.out.write(text.encode() if isinstance(text, str) else text)

    def data(self, payload):
        if isinstance(payload, list):
            payload = ("\n".join(payload) + "\n").encode() if payload else b""
        elif isinstance(payload, str):
            payload = payload.encode()
        self.write(f"data {len(payload)}\n")
        self.write(payload)
        self.write("\n")

    def commit(self, ref, parents, author, message, changes, committer=None, author_time=None, replay=False):
        """Writes one commit. fast-import builds its tree from the first parent's plus `changes`; a merge
        gives the branch's changes again (`replay`), deletions included, so that main gets them."""
        self.mark += 1
        self.commits += 1
        self.clock += STEP
        committer = committer or author
        when = author_time or self.clock
        self.write(f"commit {ref}\nmark :{self.mark}\n")
        self.write(f"author {author[0]} <{author[1]}> {when} +0000\n")
        self.write(f"committer {committer[0]} <{committer[1]}> {self.clock} +0000\n")
        self.data(message)
        if parents:
            self.write(f"from :{parents[0]}\n")
            for p in parents[1:]:
                self.write(f"merge :{p}\n")
        for path in sorted(changes):
            content = changes[path]
            if content is None:
                if path in self.files or replay:
                    self.write(f"D {path}\n")
                    self.files.pop(path, None)
            else:
                self.write(f"M 100644 inline {path}\n")
                self.data(content)
                self.files[path] = content
        return self.mark

    def subject(self, fix=False):
        r = self.rng
        verb = "Fix" if fix else r.choice(["Add", "Improve", "Refactor", "Speed up", "Document", "Support"])
        return f"{verb} {r.choice(WORDS)} {r.choice(WORDS)}"

    # --- history shapes ------------------------------------------------------------------------

    def land(self, mark, subject):
        self.main = mark
        self.main_history.append(mark)
        self.landed.append((mark, subject))

    def pull_request(self):
        r = self.rng
        self.pr += 1
        author = r.choice(PEOPLE)
        # Branch off a recent main commit, not always the tip.
        back = min(len(self.main_history) - 1, r.randint(0, 6))
        base = self.main_history[-1 - back]
        fix = r.random() < 0.15
        title = self.subject(fix)
        branch = "refs/heads/pr-work"
        self.write(f"reset {branch}\nfrom :{base}\n")
        tip = base
        landed = {}
        for k in range(r.randint(1, 5)):
            msg = title if k == 0 else (f"fixup! {title}" if r.random() < 0.2 else self.subject())
            changes = self.edit({})
            landed.update(changes)
            tip = self.commit(branch, [tip], author, msg + "\n", changes)
        reviewer = r.choice([p for p in PEOPLE if p != author])
        owner = author[1].split("@")[0]
        message = (f"Merge pull request #{self.pr} from {owner}/pr-{self.pr}\n\n{title}\n\n"
                   f"Reviewed-by: {reviewer[0]} <{reviewer[1]}>\n")
        merge = self.commit("refs/heads/main", [self.main, tip], reviewer, message, landed, replay=True)
        self.land(merge, title)

    def squash(self):
        r = self.rng
        self.pr += 1
        author = r.choice(PEOPLE)
        title = self.subject(r.random() < 0.15)
        mark = self.commit("refs/heads/main", [self.main], author, f"{title} (#{self.pr})\n",
                           self.edit({}), committer=("GitHub", "noreply@github.com"),
                           author_time=self.clock - r.randint(1, 48) * 3600)
        self.land(mark, title)

    def gerrit(self):
        r = self.rng
        author = r.choice(PEOPLE)
        reviewer = r.choice([p for p in PEOPLE if p != author])
        title = self.subject(r.random() < 0.15)
        change = 10_000 + self.commits
        message = (f"{title}\n\nChange-Id: I{change:040x}\n"
                   f"Reviewed-on: https://review.example/c/project/+/{change}\n"
                   f"Reviewed-by: {reviewer[0]} <{reviewer[1]}>\n")
        mark = self.commit("refs/heads/main", [self.main], author, message, self.edit({}),
                           committer=MAINTAINER, author_time=self.clock - r.randint(1, 72) * 3600)
        self.land(mark, title)

    def direct(self):
        author = self.rng.choice(PEOPLE)
        title = self.subject(self.rng.random() < 0.1)
        mark = self.commit("refs/heads/main", [self.main], author, title + "\n", self.edit({}))
        self.land(mark, title)

    def revert(self):
        # A revert names a landed change by id; fast-import resolves nothing inside messages, so the id of
        # the change's mark is read back with `get-mark`.
        r = self.rng
        mark, subject = self.landed[-1 - r.randint(1, min(20, len(self.landed) - 1))]
        self.write(f"get-mark :{mark}\n")
        self.out.flush()
        commit_id = self.answers.readline().decode().strip()
        author = r.choice(PEOPLE)
        message = f'Revert "{subject}"\n\nThis reverts commit {commit_id}.\n'
        new = self.commit("refs/heads/main", [self.main], author, message, self.edit({}))
        self.land(new, f'Revert "{subject}"')

    def build(self, total):
        r = self.rng
        first = self.commit("refs/heads/main", [], PEOPLE[0], "Initial commit\n",
                            self.edit({"README.md": ["# Synthetic project", "", "Built by make-synthetic-history.py."]}))
        self.land(first, "Initial commit")
        reported = 0
        while self.commits < total:
            roll = r.random()
            if roll < 0.55:
                self.pull_request()
            elif roll < 0.70:
                self.squash()
            elif roll < 0.85:
                self.gerrit()
            elif roll < 0.98 or len(self.landed) < 25:
                self.direct()
            else:
                self.revert()
            if self.commits // 10_000 != reported:
                reported = self.commits // 10_000
                print(f"  {self.commits} commits", file=sys.stderr, flush=True)
        self.write("done\n")
        self.out.close()
        return self.proc.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--commits", type=int, default=80_000)
    parser.add_argument("--files", type=int, default=3_000, help="files the tree grows to (about)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-repack", action="store_true")
    args = parser.parse_args()
    if os.path.exists(args.out):
        sys.exit(f"make-synthetic-history: {args.out} already exists")
    if args.commits < 30:
        sys.exit("make-synthetic-history: --commits must be at least 30")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
    os.environ.clear()
    os.environ.update(env)
    subprocess.run(["git", "init", "-q", "-b", "main", args.out], check=True)
    # fast-import answers `get-mark` (for reverts) on the cat-blob fd, here its stdout.
    proc = subprocess.Popen(["git", "-C", args.out, "fast-import", "--quiet", "--done", "--cat-blob-fd=1"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    if History(proc, args.seed, args.files).build(args.commits) != 0:
        sys.exit("make-synthetic-history: git fast-import failed")
    subprocess.run(["git", "-C", args.out, "update-ref", "-d", "refs/heads/pr-work"], check=True)
    subprocess.run(["git", "-C", args.out, "checkout", "-q", "main"], check=True)
    if not args.no_repack:
        subprocess.run(["git", "-C", args.out, "-c", "gc.auto=0", "repack", "-adfq", "--depth=50", "--window=10"],
                       check=True)
    count = subprocess.run(["git", "-C", args.out, "rev-list", "--count", "HEAD"], capture_output=True,
                           text=True, check=True).stdout.strip()
    print(f"{args.out}: {count} commits reachable from main (seed {args.seed})")


if __name__ == "__main__":
    main()
