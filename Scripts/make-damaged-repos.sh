#!/usr/bin/env bash
# make-damaged-repos.sh — build deterministic, deliberately damaged git repositories for Yardstick's
# hardening tests (issue 12, ADR 0011).
#
# Usage: Scripts/make-damaged-repos.sh TARGET_DIR
#
# Every repository starts from the same small history (fixed names, e-mails and dates, the user's and the
# system's git configuration ignored), so object ids and byte offsets are the same on every run. The damage
# is done with git's plumbing (`hash-object --literally`, `mktree`) and python3 byte surgery on packs.
# Needs bash, git (>= 2.31, tested with 2.39), python3 and coreutils.
#
# Repositories (all bare):
#   base                        the intact history, loose objects: 3 commits on main
#   packed                      the same, in one pack (git repack -adf), no loose objects
#   pack-blob-rewritten         packed, uncompressed; one blob's bytes rewritten in place, same length, its
#                               zlib checksum fixed so the entry still inflates: the pack's trailer no longer matches
#   pack-rewritten-checksummed  as above, with the pack trailer and the index recomputed to match: only
#                               hashing each object (YARDSTICK_VERIFY=all) sees it
#   idx-offset-swapped          packed; the index's offset for one blob points at another blob
#   loose-rewritten             loose; one blob's file holds another content (same name)
#   loose-huge-header           loose; one blob's header claims 10^15 bytes (no allocation may follow it)
#   loose-fifo                  loose; one blob's file replaced by a FIFO (reading it must not block)
#   tree-cycle                  a crafted, self-consistent pack: the tip's tree lists itself as subtree `sub`
#   commit-cycle                a crafted, self-consistent pack: the tip names itself as its parent
#   fifo-idx                    packed, plus a FIFO named pack-<40 zeros>.idx in objects/pack
#   truncated-pack              packed; the pack cut to half its length
#   damaged-fanout              packed; one fan-out entry of the index changed
#   corrupt-head-commit         loose; the tip commit's file is not zlib data
#   head-time-overflow          a tip commit whose committer time does not fit 64 bits
#   far-future-time             a tip commit committed in the year 5138 (time 99999999999)
#   partial-clone               a blobless clone (--filter=blob:none) of base
#   promised-full               another small history with a binary file (logo.png) and a text file (table.txt),
#                               packed, every object present, with a .promisor file beside the pack (as git's
#                               partial clones and the fetched copies that leave out large files have)
#   promised-lacks-binary       the same without logo.png's two blobs: absent and promised
#   promised-lacks-text         the same without table.txt's first blob: absent and promised
#   lacks-blob                  the same without logo.png's first blob and without a .promisor file: damage
#   deep-tree                   valid objects: a file 1,001 folders deep (d/d/…/d/f), deeper than Yardstick walks
#   deep-tree-900               valid objects: the same, 900 folders deep, which Yardstick walks
set -euo pipefail

TARGET=${1:?usage: make-damaged-repos.sh TARGET_DIR}
mkdir -p "$TARGET"
TARGET=$(cd "$TARGET" && pwd)

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export LC_ALL=C TZ=UTC
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY \
      GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_NAMESPACE GIT_COMMON_DIR \
      GIT_TEMPLATE_DIR GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT 2>/dev/null || true
export GIT_AUTHOR_NAME='Alice Anders' GIT_AUTHOR_EMAIL='alice@acme.com'
export GIT_COMMITTER_NAME='Alice Anders' GIT_COMMITTER_EMAIL='alice@acme.com'
umask 022

g() {
    git -c init.defaultBranch=main -c commit.gpgsign=false -c core.autocrlf=false \
        -c core.hooksPath=/dev/null -c gc.auto=0 -c maintenance.auto=false "$@"
}

rm -rf "${TARGET:?}"/*
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# --- the intact history -------------------------------------------------------------------------------------
g init -q "$WORK/src"
cd "$WORK/src"
at() { export GIT_AUTHOR_DATE="$1" GIT_COMMITTER_DATE="$1"; }
printf 'alpha one\nalpha two\nalpha three\n' > a.txt
printf 'bravo one\nbravo two\n' > b.txt
mkdir dir && printf 'charlie\n' > dir/c.txt
g add -A && at '2024-01-02T10:00:00+00:00' && g commit -q -m 'Add a, b and c'
printf 'bravo one\nbravo two\nbravo three\n' > b.txt
g add -A && at '2024-01-03T10:00:00+00:00' && g commit -q -m 'Extend b'
printf 'delta file content\n' > d.txt
g add -A && at '2024-01-04T10:00:00+00:00' && g commit -q -m 'Add d'
cd "$TARGET"

g clone -q --bare --no-hardlinks "$WORK/src" base
rm -rf base/hooks

fresh_packed() { # NAME [repack options…]: a bare copy with every object in one pack
    local name=$1
    shift
    g clone -q --bare --no-hardlinks "$WORK/src" "$name"
    rm -rf "$name/hooks"
    g -C "$name" repack -adfq "$@"
    g -C "$name" prune-packed
}
the_pack() { ls "$1"/objects/pack/pack-*.pack; }
the_idx() { ls "$1"/objects/pack/pack-*.idx; }

fresh_packed packed

D_BLOB=$(g -C base rev-parse 'main:d.txt')
A_BLOB=$(g -C base rev-parse 'main:a.txt')

# --- 1. a blob rewritten inside the pack (same length), its zlib checksum fixed ------------------------------
rewrite_blob() { # PACK: stored (uncompressed) deflate, so the blob's bytes are in the pack as they are
    python3 - "$1" <<'EOF'
import sys, zlib
path = sys.argv[1]
data = bytearray(open(path, 'rb').read())
old, new = b'delta file content\n', b'DELTA FILE CONTENT\n'
i = data.find(old)
assert i > 0 and data.find(old, i + 1) < 0, 'the blob must be stored once, uncompressed'
data[i:i + len(old)] = new
data[i + len(new):i + len(new) + 4] = zlib.adler32(new).to_bytes(4, 'big')
open(path, 'wb').write(bytes(data))
EOF
}
fresh_packed pack-blob-rewritten --window=0
g -C pack-blob-rewritten -c pack.compression=0 repack -adFq --window=0
rewrite_blob "$(the_pack pack-blob-rewritten)"

# The same, then every checksum recomputed: a consistent pack that lies about one object.
fresh_packed pack-rewritten-checksummed --window=0
g -C pack-rewritten-checksummed -c pack.compression=0 repack -adFq --window=0
rewrite_blob "$(the_pack pack-rewritten-checksummed)"
python3 - "$(the_pack pack-rewritten-checksummed)" "$(the_idx pack-rewritten-checksummed)" <<'EOF'
import sys, hashlib
pack_path, idx_path = sys.argv[1:3]
pack = bytearray(open(pack_path, 'rb').read())
pack[-20:] = hashlib.sha1(pack[:-20]).digest()
idx = bytearray(open(idx_path, 'rb').read())
idx[-40:-20] = pack[-20:]
idx[-20:] = hashlib.sha1(idx[:-20]).digest()
open(pack_path, 'wb').write(bytes(pack))
open(idx_path, 'wb').write(bytes(idx))
EOF

# --- 1. an index offset pointed at another blob ------------------------------------------------------------
fresh_packed idx-offset-swapped
python3 - "$(the_idx idx-offset-swapped)" "$A_BLOB" "$D_BLOB" <<'EOF'
import sys
path, victim, other = sys.argv[1], bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3])
idx = bytearray(open(path, 'rb').read())
n = int.from_bytes(idx[8 + 255 * 4:8 + 256 * 4], 'big')
names = [bytes(idx[1032 + 20 * k:1032 + 20 * (k + 1)]) for k in range(n)]
offsets = 1032 + 24 * n
v, o = names.index(victim), names.index(other)
idx[offsets + 4 * v:offsets + 4 * v + 4] = idx[offsets + 4 * o:offsets + 4 * o + 4]
open(path, 'wb').write(bytes(idx))
EOF

# --- 1. a loose object rewritten in place --------------------------------------------------------------------
g clone -q --bare --no-hardlinks "$WORK/src" loose-rewritten
rm -rf loose-rewritten/hooks
LOOSE=loose-rewritten/objects/${D_BLOB:0:2}/${D_BLOB:2}
chmod u+w "$LOOSE"
python3 - "$LOOSE" <<'EOF'
import sys, zlib
content = b'DELTA FILE CONTENT\n'
open(sys.argv[1], 'wb').write(zlib.compress(b'blob %d\0' % len(content) + content))
EOF

g clone -q --bare --no-hardlinks "$WORK/src" loose-huge-header
rm -rf loose-huge-header/hooks
LOOSE=loose-huge-header/objects/${D_BLOB:0:2}/${D_BLOB:2}
chmod u+w "$LOOSE"
python3 - "$LOOSE" <<'EOF'
import sys, zlib
open(sys.argv[1], 'wb').write(zlib.compress(b'blob 1000000000000000\0delta file content\n'))
EOF

g clone -q --bare --no-hardlinks "$WORK/src" loose-fifo
rm -rf loose-fifo/hooks
rm -f "loose-fifo/objects/${D_BLOB:0:2}/${D_BLOB:2}"
mkfifo "loose-fifo/objects/${D_BLOB:0:2}/${D_BLOB:2}"

# --- 2 and 3. cycles: crafted packs whose index claims ids their objects do not hash to ---------------------
# write_pack REPO: reads "claimed-id type file" lines on stdin and writes one pack and its index holding
# those objects under those ids, every checksum right; then points main at the last one.
cat > "$WORK/write_pack.py" <<'EOF'
import sys, zlib, hashlib, struct, os
repo = sys.argv[1]
types = {'commit': 1, 'tree': 2, 'blob': 3}
objects = []
for line in sys.stdin.read().split('\n'):
    if not line.strip():
        continue
    oid, kind, path = line.split(' ', 2)
    objects.append((bytes.fromhex(oid), types[kind], open(path, 'rb').read()))
pack = bytearray(b'PACK' + struct.pack('>II', 2, len(objects)))
entries = []
for oid, kind, content in objects:
    offset = len(pack)
    size = len(content)
    byte = (kind << 4) | (size & 15)
    size >>= 4
    header = bytearray()
    while size:
        header.append(byte | 0x80)
        byte = size & 0x7f
        size >>= 7
    header.append(byte)
    entry = bytes(header) + zlib.compress(content)
    pack += entry
    entries.append((oid, zlib.crc32(entry), offset))
pack += hashlib.sha1(pack).digest()
entries.sort()
idx = bytearray(b'\377tOc' + struct.pack('>I', 2))
for b in range(256):
    idx += struct.pack('>I', sum(1 for e in entries if e[0][0] <= b))
for e in entries: idx += e[0]
for e in entries: idx += struct.pack('>I', e[1])
for e in entries: idx += struct.pack('>I', e[2])
idx += pack[-20:]
idx += hashlib.sha1(idx).digest()
name = pack[-20:].hex()
os.makedirs(repo + '/objects/pack', exist_ok=True)
open('%s/objects/pack/pack-%s.pack' % (repo, name), 'wb').write(bytes(pack))
open('%s/objects/pack/pack-%s.idx' % (repo, name), 'wb').write(bytes(idx))
EOF
write_pack() { python3 "$WORK/write_pack.py" "$1"; }
crafted_repo() { # NAME TIP: an empty bare repository whose main will point at TIP
    g init -q --bare "$1"
    rm -rf "$1/hooks"
    printf '%s\n' "$2" > "$1/refs/heads/main"
}
X_TREE=1111111111111111111111111111111111111111
X_COMMIT=2222222222222222222222222222222222222222
ROOT_TREE=$(g -C base rev-parse 'main~2^{tree}')
ROOT=$(g -C base rev-parse 'main~2')
mkdir -p "$WORK/objects"
keep() { g -C base cat-file "$1" "$2" > "$WORK/objects/$2"; printf '%s %s %s\n' "$2" "$1" "$WORK/objects/$2"; }
root_objects() { # the first commit of base and everything it reaches
    for blob in $(g -C base ls-tree -r main~2 | awk '{print $3}'); do keep blob "$blob"; done
    keep tree "$ROOT_TREE"
    keep tree "$(g -C base rev-parse 'main~2:dir')"
    keep commit "$ROOT"
}

# The tip's tree holds a.txt and `sub`, and `sub` is that very tree.
python3 - "$WORK/objects/cycle-tree" "$X_TREE" "$A_BLOB" <<'EOF'
import sys
out, me, blob = sys.argv[1], bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3])
open(out, 'wb').write(b'100644 a.txt\0' + blob + b'40000 sub\0' + me)
EOF
printf 'tree %s\nparent %s\nauthor Alice Anders <alice@acme.com> 1704448800 +0000\ncommitter Alice Anders <alice@acme.com> 1704448800 +0000\n\nNest the tree in itself\n' \
    "$X_TREE" "$ROOT" > "$WORK/objects/cycle-tree-commit"
TREE_TIP=3333333333333333333333333333333333333333
crafted_repo tree-cycle "$TREE_TIP"
{ root_objects
  printf '%s tree %s\n' "$X_TREE" "$WORK/objects/cycle-tree"
  printf '%s commit %s\n' "$TREE_TIP" "$WORK/objects/cycle-tree-commit"; } | write_pack tree-cycle

# The tip names itself as its parent.
printf 'tree %s\nparent %s\nauthor Alice Anders <alice@acme.com> 1704448800 +0000\ncommitter Alice Anders <alice@acme.com> 1704448800 +0000\n\nBe my own parent\n' \
    "$ROOT_TREE" "$X_COMMIT" > "$WORK/objects/cycle-commit"
crafted_repo commit-cycle "$X_COMMIT"
{ root_objects; printf '%s commit %s\n' "$X_COMMIT" "$WORK/objects/cycle-commit"; } | write_pack commit-cycle

# --- 6. a FIFO named like a pack index -----------------------------------------------------------------------
fresh_packed fifo-idx
mkfifo fifo-idx/objects/pack/pack-0000000000000000000000000000000000000000.idx

# --- 7. damage that used to read as "no commits yet" --------------------------------------------------------
fresh_packed truncated-pack
PACK=$(the_pack truncated-pack)
chmod u+w "$PACK"
truncate -s $(( $(stat -c %s "$PACK") / 2 )) "$PACK"

fresh_packed damaged-fanout
IDX=$(the_idx damaged-fanout)
chmod u+w "$IDX"
python3 - "$IDX" <<'EOF'
import sys
path = sys.argv[1]
idx = bytearray(open(path, 'rb').read())
idx[8 + 4 * 200:8 + 4 * 201] = (0xFFFF).to_bytes(4, 'big')  # more objects below 0xc9 than the index holds
open(path, 'wb').write(bytes(idx))
EOF

g clone -q --bare --no-hardlinks "$WORK/src" corrupt-head-commit
rm -rf corrupt-head-commit/hooks
TIP=$(g -C corrupt-head-commit rev-parse main)
chmod u+w "corrupt-head-commit/objects/${TIP:0:2}/${TIP:2}"
printf 'this is not zlib data\n' > "corrupt-head-commit/objects/${TIP:0:2}/${TIP:2}"

literal_tip() { # NAME TIME: base plus a tip commit with this committer time, written as git would not
    g clone -q --bare --no-hardlinks "$WORK/src" "$1"
    rm -rf "$1/hooks"
    local tree parent commit
    tree=$(g -C "$1" rev-parse 'main^{tree}')
    parent=$(g -C "$1" rev-parse main)
    commit=$(printf 'tree %s\nparent %s\nauthor Alice Anders <alice@acme.com> 1704448800 +0000\ncommitter Alice Anders <alice@acme.com> %s +0000\n\nCommit from the far future\n' \
        "$tree" "$parent" "$2" | g -C "$1" hash-object -t commit -w --literally --stdin)
    g -C "$1" update-ref refs/heads/main "$commit"
}
literal_tip head-time-overflow 99999999999999999999999
literal_tip far-future-time 99999999999

# --- 7. a blobless partial clone -----------------------------------------------------------------------------
g -C "$WORK/src" config uploadpack.allowFilter true
g clone -q --bare --filter=blob:none "file://$WORK/src" partial-clone 2>/dev/null
rm -rf partial-clone/hooks

# --- 8. blobs absent from a copy whose pack is marked .promisor (ADR 0011's addendum) -------------------------
g init -q "$WORK/big"
cd "$WORK/big"
printf 'alpha one\nalpha two\nalpha three\n' > a.txt
g add -A && at '2024-02-01T10:00:00+00:00' && g commit -q -m 'Add a'
python3 -c "import sys; sys.stdout.buffer.write(bytes(range(256)) * 40)" > logo.png
printf 'row 1\nrow 2\nrow 3\nrow 4\nrow 5\n' > table.txt
g add -A && at '2024-02-02T10:00:00+00:00' && g commit -q -m 'Add the logo and the table'
printf 'alpha one\nalpha two\nalpha three\nalpha four\n' > a.txt
printf 'row 1\nrow 2\nrow 3\nrow 4\nrow 5\nrow 6\n' > table.txt
g add -A && at '2024-02-03T10:00:00+00:00' && g commit -q -m 'Extend a and the table'
python3 -c "import sys; sys.stdout.buffer.write(bytes(range(255, -1, -1)) * 40)" > logo.png
g add -A && at '2024-02-04T10:00:00+00:00' && g commit -q -m 'Replace the logo'
LOGO1=$(g rev-parse 'HEAD~2:logo.png')
LOGO2=$(g rev-parse 'HEAD:logo.png')
TABLE1=$(g rev-parse 'HEAD~2:table.txt')
cd "$TARGET"
promised() { # NAME PROMISOR(yes|no) [BLOB…]: a bare copy in one pack without the given blobs
    local name=$1 promisor=$2
    shift 2
    g clone -q --bare --no-hardlinks "$WORK/big" "$name"
    rm -rf "$name/hooks"
    g -C "$name" repack -adfq
    g -C "$name" prune-packed
    local drop=() blob hash
    for blob in "$@"; do drop+=(-e "$blob"); done
    mkdir -p "$WORK/pack-$name"
    hash=$(g -C "$name" rev-list --objects --all | cut -d' ' -f1 | { grep -v -x -F "${drop[@]}" -e none || true; } |
        g -C "$name" pack-objects -q "$WORK/pack-$name/pack")
    rm -f "$name"/objects/pack/pack-*
    mv "$WORK/pack-$name"/pack-* "$name/objects/pack/"
    if [ "$promisor" = yes ]; then : > "$name/objects/pack/pack-$hash.promisor"; fi
}
promised promised-full yes
promised promised-lacks-binary yes "$LOGO1" "$LOGO2"
promised promised-lacks-text yes "$TABLE1"
promised lacks-blob no "$LOGO1"

# --- trees nested deeper than Yardstick walks (valid objects, loose) -----------------------------------------
deep_tree() { # NAME DEPTH
    g init -q --bare "$1"
    rm -rf "$1/hooks"
    python3 - "$1" "$2" <<'EOF'
import sys, zlib, hashlib, os
repo, depth = sys.argv[1], int(sys.argv[2])
def write(kind, content):
    raw = b'%s %d\0' % (kind, len(content)) + content
    oid = hashlib.sha1(raw).hexdigest()
    os.makedirs('%s/objects/%s' % (repo, oid[:2]), exist_ok=True)
    with open('%s/objects/%s/%s' % (repo, oid[:2], oid[2:]), 'wb') as f:
        f.write(zlib.compress(raw))
    return oid
tree = write(b'tree', b'100644 f\0' + bytes.fromhex(write(b'blob', b'deep\n')))
for _ in range(depth):
    tree = write(b'tree', b'40000 d\0' + bytes.fromhex(tree))
commit = write(b'commit', b'tree %s\nauthor Alice Anders <alice@acme.com> 1704448800 +0000\n'
               b'committer Alice Anders <alice@acme.com> 1704448800 +0000\n\nDig deep\n' % tree.encode())
open(repo + '/refs/heads/main', 'w').write(commit + '\n')
EOF
}
deep_tree deep-tree 1001
deep_tree deep-tree-900 900
