#!/usr/bin/env bash
# make-sample-repos.sh — build deterministic sample git repositories for Yardstick.
#
# Usage: Scripts/make-sample-repos.sh [TARGET_DIR]
#   TARGET_DIR defaults to <repo>/sample-repos.
#
# Every commit and merge is created with explicit author/committer names, emails
# and dates (with explicit UTC offsets), and the user's / system git config is
# ignored, so two runs produce byte-identical objects (same commit ids).
# Needs only bash, git (>= 2.31, tested with 2.39), coreutils, sed and printf.
#
# Ground truth for every repository is documented in sample-repos/README.md;
# Scripts/sample-truth.sh recomputes the numbers from the built repositories.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARGET=${1:-"$SCRIPT_DIR/../sample-repos"}
mkdir -p "$TARGET"
TARGET=$(cd "$TARGET" && pwd)

# ---------------------------------------------------------------------------
# Hermetic environment: never rely on the user's git config or environment.
# ---------------------------------------------------------------------------
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export LC_ALL=C TZ=UTC
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY \
      GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_NAMESPACE GIT_COMMON_DIR \
      GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE \
      GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_COMMITTER_DATE \
      GIT_TEMPLATE_DIR GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT 2>/dev/null || true
umask 022

g() {
    git -c init.defaultBranch=main \
        -c commit.gpgsign=false -c tag.gpgsign=false \
        -c core.autocrlf=false -c core.safecrlf=false -c core.eol=lf \
        -c core.hooksPath=/dev/null -c core.fileMode=true \
        -c gc.auto=0 -c maintenance.auto=false \
        -c merge.log=false -c merge.renames=true -c merge.conflictStyle=merge \
        -c advice.detachedHead=false -c i18n.commitEncoding=UTF-8 \
        "$@"
}

WORK_TMP=$(mktemp -d)
trap 'rm -rf "$WORK_TMP"' EXIT
MSGFILE=$WORK_TMP/msg

# ---------------------------------------------------------------------------
# Cast.
# ---------------------------------------------------------------------------
# René Lefèvre's name is stored as raw latin-1 bytes (NOT valid UTF-8).
RENE_NAME=$'Ren\xe9 Lef\xe8vre'
RENE_EMAIL='rene@vendorco.io'

set_ident() { # KEY -> sets _N and _E
    case $1 in
        alice)      _N='Alice Anders';     _E='alice@acme.com' ;;
        alice_old)  _N='Alice A';          _E='alice.anders@old-acme.example' ;;
        bob)        _N='Bob Brown';        _E='bob@acme.com' ;;
        vikram)     _N='Vikram Rao';       _E='vikram@vendorco.io' ;;
        wei)        _N='Wei Chen';         _E='wei@vendorco.io' ;;
        carla)      _N='Carla Diaz';       _E='carla.diaz@gmail.com' ;;
        dependabot) _N='dependabot[bot]';  _E='49699333+dependabot[bot]@users.noreply.github.com' ;;
        github)     _N='GitHub';           _E='noreply@github.com' ;;
        *) echo "unknown identity key: $1" >&2; exit 1 ;;
    esac
}

# with_env AUTHOR_KEY AUTHOR_DATE COMMITTER_KEY COMMITTER_DATE cmd...
with_env() {
    local an ae cn ce
    set_ident "$1"; an=$_N; ae=$_E
    set_ident "$3"; cn=$_N; ce=$_E
    GIT_AUTHOR_NAME=$an GIT_AUTHOR_EMAIL=$ae GIT_AUTHOR_DATE=$2 \
    GIT_COMMITTER_NAME=$cn GIT_COMMITTER_EMAIL=$ce GIT_COMMITTER_DATE=$4 \
        "${@:5}"
}

# commit_as AUTHOR_KEY AUTHOR_DATE COMMITTER_KEY COMMITTER_DATE MESSAGE
# Stages everything in the work tree (git add -A) and commits it.
commit_as() {
    printf '%s\n' "$5" > "$MSGFILE"
    g add -A
    with_env "$1" "$2" "$3" "$4" g commit -q --no-verify --allow-empty -F "$MSGFILE"
}

# merge_as AUTHOR_KEY AUTHOR_DATE COMMITTER_KEY COMMITTER_DATE MESSAGE BRANCH...
merge_as() {
    printf '%s\n' "$5" > "$MSGFILE"
    with_env "$1" "$2" "$3" "$4" g merge -q --no-ff --no-edit --no-verify -F "$MSGFILE" "${@:6}" >/dev/null
}

# raw_date ISO8601 -> "EPOCH +HHMM" (git's internal date format)
raw_date() { printf '%s %s' "$(date -d "$1" +%s)" "${1: -5}"; }

# commit_rene AUTHOR_DATE COMMITTER_DATE MESSAGE
# git commit / commit-tree silently re-encode a non-UTF-8 ident from latin-1 to
# UTF-8 (and print "commit message did not conform to UTF-8"), so the commit
# object is written by hand to keep the raw latin-1 bytes.
commit_rene() {
    local tree parent sha
    g add -A
    tree=$(g write-tree)
    parent=$(g rev-parse HEAD)
    sha=$({
        printf 'tree %s\nparent %s\n' "$tree" "$parent"
        printf 'author %s <%s> %s\n' "$RENE_NAME" "$RENE_EMAIL" "$(raw_date "$1")"
        printf 'committer %s <%s> %s\n' "$RENE_NAME" "$RENE_EMAIL" "$(raw_date "$2")"
        printf '\n%s\n' "$3"
    } | g hash-object -t commit -w --literally --stdin)
    with_env vikram "$1" vikram "$2" g update-ref -m "commit (raw): $3" HEAD "$sha" "$parent"
}

new_repo() { # NAME -> creates $TARGET/NAME and cd's into it
    rm -rf "${TARGET:?}/$1"
    g init -q "$TARGET/$1"
    cd "$TARGET/$1"
}

branch() { g checkout -q -b "$1" "${2:-HEAD}"; }
same_tree() { # REV1 REV2 — abort unless both commits have the same tree
    if [[ $(g rev-parse "$1^{tree}") != "$(g rev-parse "$2^{tree}")" ]]; then
        echo "$(basename "$PWD"): $1 and $2 should have the same tree" >&2
        exit 1
    fi
}
switch() { g checkout -q "$1"; }
drop_branch() { g branch -q -D "$@"; }

# ---------------------------------------------------------------------------
# File generators with exact line counts.
# ---------------------------------------------------------------------------
mkparent() { mkdir -p "$(dirname "$1")"; }

# gen_swift PATH TYPE N [SEED] — exactly N (>= 5) lines of Swift.
gen_swift() {
    local path=$1 name=$2 n=$3 seed=${4:-0} i
    mkparent "$path"
    {
        printf '// %s.swift\n' "$name"
        printf 'import Foundation\n'
        printf '\n'
        printf 'public struct %s {\n' "$name"
        for ((i = 1; i <= n - 5; i++)); do
            printf '    public var %s%d: Int = %d\n' "${name,}" "$i" "$((i + seed))"
        done
        printf '}\n'
    } > "$path"
}

# gen_c PATH NAME N — exactly N (>= 5) lines of C.
gen_c() {
    local path=$1 name=$2 n=$3 i
    mkparent "$path"
    {
        printf '/* %s */\n' "$(basename "$path")"
        printf '#include <stddef.h>\n'
        printf '\n'
        printf 'int %s_table[] = {\n' "$name"
        for ((i = 1; i <= n - 5; i++)); do
            printf '    %d, /* %s entry %d */\n' "$((i * 7))" "$name" "$i"
        done
        printf '};\n'
    } > "$path"
}

# gen_text PATH TITLE N — exactly N (>= 3) lines of Markdown/text.
gen_text() {
    local path=$1 title=$2 n=$3 i
    mkparent "$path"
    {
        printf '# %s\n' "$title"
        printf '\n'
        for ((i = 1; i <= n - 2; i++)); do
            printf '%s paragraph %d.\n' "$title" "$i"
        done
    } > "$path"
}

# append_lines PATH N TAG — append exactly N lines.
append_lines() {
    local path=$1 n=$2 tag=$3 i
    for ((i = 1; i <= n; i++)); do
        printf '// %s %d\n' "$tag" "$i"
    done >> "$path"
}

# touch_lines PATH FROM TO TAG — modify lines FROM..TO in place (N adds + N dels).
touch_lines() { sed -i "$2,$3s/\$/ \/\/ $4/" "$1"; }

# delete_lines PATH FROM TO
delete_lines() { sed -i "$2,$3d" "$1"; }

# change_id N -> deterministic Gerrit Change-Id
change_id() { printf 'I%s' "$(printf 'yardstick-change-%s' "$1" | g hash-object --stdin)"; }

write_png() { # PATH VARIANT — tiny binary file containing NUL bytes
    mkparent "$1"
    printf '\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00' > "$1"
    printf "\\x$(printf %02x "$2")" >> "$1"
    printf '\x00\x00\x00\x00IDAT\x78\x9c\x00\x01\x00\xfe\xff\x00\x00\x00\x00IEND\xaeB`\x82' >> "$1"
}

# write_npm_lock LODASH_VERSION INTEGRITY WITH_CHALK(0|1)
write_npm_lock() {
    local v=$1 integ=$2 chalk=$3 dep_chalk='' pkg_chalk=''
    if [[ $chalk == 1 ]]; then
        dep_chalk=$',\n        "chalk": "^5.3.0"'
        pkg_chalk=$',\n    "node_modules/chalk": {\n      "version": "5.3.0",\n      "resolved": "https://registry.npmjs.org/chalk/-/chalk-5.3.0.tgz",\n      "integrity": "sha512-dLitG79d+GV1Nb/VYcCDFivJeK1hiukt9QjRNVOsUtTy1rR1YJsmpGGTZ3qJos+uw7WmWF4wUwBd9jxjocFC2w==",\n      "engines": {\n        "node": "^12.17.0 || ^14.13 || >=16.0.0"\n      }\n    }'
    fi
    cat > package-lock.json <<EOF
{
  "name": "yard-web",
  "version": "0.1.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "yard-web",
      "version": "0.1.0",
      "dependencies": {
        "lodash": "^$v"$dep_chalk
      }
    },
    "node_modules/lodash": {
      "version": "$v",
      "resolved": "https://registry.npmjs.org/lodash/-/lodash-$v.tgz",
      "integrity": "$integ"
    }$pkg_chalk
  }
}
EOF
}

write_package_json() { # LODASH_VERSION WITH_CHALK
    local extra=''
    [[ $2 == 1 ]] && extra=$',\n    "chalk": "^5.3.0"'
    cat > package.json <<EOF
{
  "name": "yard-web",
  "version": "0.1.0",
  "private": true,
  "dependencies": {
    "lodash": "^$1"$extra
  }
}
EOF
}

# write_package_resolved ARGPARSER_VERSION ARGPARSER_REV WITH_COLLECTIONS
write_package_resolved() {
    local extra=''
    if [[ $3 == 1 ]]; then
        extra=$',\n    {\n      "identity" : "swift-collections",\n      "kind" : "remoteSourceControl",\n      "location" : "https://github.com/apple/swift-collections",\n      "state" : {\n        "revision" : "94cf62b3ba8d4bed62680a282d4c25f9c63c2efb",\n        "version" : "1.1.0"\n      }\n    }'
    fi
    cat > Package.resolved <<EOF
{
  "pins" : [
    {
      "identity" : "swift-argument-parser",
      "kind" : "remoteSourceControl",
      "location" : "https://github.com/apple/swift-argument-parser",
      "state" : {
        "revision" : "$2",
        "version" : "$1"
      }
    }$extra
  ],
  "version" : 2
}
EOF
}

# ===========================================================================
# 1. github-merge — GitHub merge-commit workflow (the kitchen sink).
# ===========================================================================
build_github_merge() {
    new_repo github-merge

    # --- root commit: direct push by Alice -------------------------------
    gen_text README.md "Yard" 20
    cat > .gitattributes <<'EOF'
gen/** linguist-generated
*.pb.swift linguist-generated=true
docs/vendor-docs/** linguist-vendored
*.dat binary
*.snap -diff
EOF
    printf 'Alice Anders <alice@acme.com> Alice A <alice.anders@old-acme.example>\n' > .mailmap
    cat > Package.swift <<'EOF'
// swift-tools-version:5.9
import PackageDescription

let package = Package(
    name: "Yard",
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.2.0"),
    ],
    targets: [
        .target(name: "Yard", path: "Sources/Yard"),
        .testTarget(name: "YardTests", dependencies: ["Yard"], path: "tests"),
    ]
)
EOF
    write_package_resolved 1.2.3 46989693916f56d1186bd59ac15124caef896560 0
    write_package_json 4.17.20 0
    write_npm_lock 4.17.20 'sha512-PlhdFcillOINfeV7Ni6oF1TAEayyZBoZ8bcshTHqOYJYlrqzRK5hagpagky5o4HfCzzd1TRkXPMFq6cKk9rGmA==' 0
    gen_swift Sources/Yard/Core.swift Core 40
    gen_swift Sources/Yard/Util.swift Util 30
    gen_swift tests/CoreTests.swift CoreTests 25
    gen_text docs/guide.md "Guide" 30
    gen_c vendor/libfoo/foo.c foo 50
    gen_c third_party/json/json.h json 40
    write_png assets/logo.png 1
    mkdir -p Scripts
    printf '#!/bin/sh\nset -e\nswift build -c release\n' > Scripts/build.sh
    chmod 755 Scripts/build.sh
    commit_as alice 2024-01-02T09:00:00+0100 alice 2024-01-02T09:00:00+0100 'Initial commit'

    # --- PR #1 feature-parser (Alice, partly via her old alias, with fixup!) ---
    branch feature-parser
    gen_swift Sources/Yard/Tokenizer.swift Tokenizer 60
    commit_as alice_old 2024-01-03T10:00:00+0100 alice_old 2024-01-03T10:00:00+0100 'Add tokenizer'
    gen_swift Sources/Yard/Parser.swift Parser 80
    gen_swift tests/ParserTests.swift ParserTests 30
    commit_as alice 2024-01-03T14:30:00+0100 alice 2024-01-03T14:30:00+0100 $'Add parser\n\nRecursive-descent parser on top of the tokenizer.'
    touch_lines Sources/Yard/Tokenizer.swift 10 12 fixup
    commit_as alice_old 2024-01-04T09:15:00+0100 alice_old 2024-01-04T09:15:00+0100 'fixup! Add tokenizer'

    # --- PR #2 feature-export (mostly Vikram, one commit by Bob; branched from the root) ---
    branch feature-export main
    gen_swift Sources/Yard/CSVExporter.swift CSVExporter 70
    commit_as vikram 2024-01-04T11:00:00+0530 vikram 2024-01-04T11:00:00+0530 'Add CSV exporter'
    gen_swift Sources/Yard/JSONExporter.swift JSONExporter 55
    commit_as vikram 2024-01-04T15:00:00+0530 vikram 2024-01-04T15:00:00+0530 'Add JSON exporter'
    gen_swift Sources/Yard/Exporter.swift Exporter 15
    touch_lines Sources/Yard/CSVExporter.swift 5 6 conforms-to-Exporter
    commit_as bob 2024-01-04T18:00:00-0700 bob 2024-01-04T18:00:00-0700 'Share exporter protocol'
    gen_swift tests/ExporterTests.swift ExporterTests 45
    commit_as vikram 2024-01-05T12:00:00+0530 vikram 2024-01-05T12:00:00+0530 'Add exporter tests'

    switch main
    merge_as bob 2024-01-04T08:00:00-0800 github 2024-01-04T08:00:00-0800 \
        $'Merge pull request #1 from acme/feature-parser\n\nAdd parser' feature-parser
    drop_branch feature-parser

    # --- direct push: typo fix ------------------------------------------
    sed -i '3s/.*/Yard paragraph 1 (typo fixed)./' README.md
    commit_as bob 2024-01-05T08:00:00-0700 bob 2024-01-05T08:00:00-0700 'Fix typo in README'

    merge_as alice 2024-01-05T16:00:00+0100 github 2024-01-05T16:00:00+0100 \
        $'Merge pull request #2 from acme/feature-export\n\nAdd CSV and JSON exporters' feature-export
    drop_branch feature-export
    local after_pr2
    after_pr2=$(g rev-parse HEAD)

    # --- plain git.git-style merge of docs-polish (Carla), merged by Bob ---
    branch docs-polish
    append_lines docs/guide.md 25 'guide addendum'
    commit_as carla 2024-01-06T10:00:00-0500 carla 2024-01-06T10:00:00-0500 'Expand user guide'
    gen_text docs/faq.md "FAQ" 40
    commit_as carla 2024-01-06T11:00:00-0500 carla 2024-01-06T11:00:00-0500 'Add FAQ'
    switch main
    merge_as bob 2024-01-07T09:00:00-0700 bob 2024-01-07T09:00:00-0700 "Merge branch 'docs-polish'" docs-polish
    drop_branch docs-polish

    # --- PR #7 feature-i18n by René (non-UTF-8 name), branched from PR #2 merge ---
    branch feature-i18n "$after_pr2"
    gen_text Resources/fr.lproj/Localizable.strings "Localizable" 35
    commit_rene 2024-01-07T10:00:00+0100 2024-01-07T10:00:00+0100 'Add French localization'
    gen_swift Sources/Yard/Errors.swift Errors 25
    commit_rene 2024-01-08T10:00:00+0100 2024-01-08T10:05:00+0100 'Localize error messages'
    switch main

    # --- PR #3 feature-reorg: rename with edit + pure rename, co-authored ---
    branch feature-reorg
    mkdir -p Sources/Yard/Support
    g mv Sources/Yard/Util.swift Sources/Yard/Support/Util.swift
    sed -i '1s/.*/\/\/ Support\/Util.swift/' Sources/Yard/Support/Util.swift
    commit_as bob 2024-01-08T10:00:00-0700 bob 2024-01-08T10:00:00-0700 \
        $'Move Util into Support\n\nCo-authored-by: Carla Diaz <carla.diaz@gmail.com>'
    g mv docs/guide.md docs/user-guide.md
    commit_as bob 2024-01-08T11:00:00-0700 bob 2024-01-08T11:00:00-0700 'Rename guide to user-guide'
    switch main
    merge_as alice 2024-01-08T15:00:00+0100 github 2024-01-08T15:00:00+0100 \
        $'Merge pull request #3 from acme/feature-reorg\n\nReorganize sources' feature-reorg
    drop_branch feature-reorg

    # --- PR #4 deps-update: lock files + vendor/ + third_party/ + real code ---
    branch deps-update
    write_package_resolved 1.3.0 c8ed701b513cf5177118a175d85fbbbcd707ab41 1
    write_package_json 4.17.20 1
    write_npm_lock 4.17.20 'sha512-PlhdFcillOINfeV7Ni6oF1TAEayyZBoZ8bcshTHqOYJYlrqzRK5hagpagky5o4HfCzzd1TRkXPMFq6cKk9rGmA==' 1
    append_lines vendor/libfoo/foo.c 30 'libfoo 2.0'
    touch_lines third_party/json/json.h 10 14 'json 3.11'
    sed -i 's/from: "1.2.0"/from: "1.3.0"/' Package.swift
    commit_as bob 2024-01-09T10:00:00-0700 bob 2024-01-09T10:00:00-0700 'Update Swift and npm dependencies'
    touch_lines Sources/Yard/Core.swift 6 9 'libfoo-2'
    append_lines Sources/Yard/Core.swift 10 'libfoo 2 adapter'
    commit_as bob 2024-01-09T13:00:00-0700 bob 2024-01-09T13:00:00-0700 'Adapt to new libfoo API'
    switch main
    merge_as alice 2024-01-09T18:00:00+0100 github 2024-01-09T18:00:00+0100 \
        $'Merge pull request #4 from acme/deps-update\n\nUpdate dependencies' deps-update
    drop_branch deps-update

    # --- direct push by Alice's old alias (mailmap) ------------------------
    sed -i '4s/.*/Yard paragraph 2 (version 0.2.0)./' README.md
    gen_swift Sources/Yard/Version.swift Version 6
    commit_as alice_old 2024-01-10T09:00:00+0100 alice_old 2024-01-10T09:00:00+0100 'Bump version to 0.2.0'

    # --- PR #5 feature-proto: generated / vendored-docs / binary / -diff ---
    branch feature-proto
    gen_swift Sources/Yard/Model.pb.swift Model 120
    gen_text gen/schema.json "Schema" 40
    gen_swift Sources/Yard/ModelAdapter.swift ModelAdapter 35
    commit_as wei 2024-01-10T10:00:00+0800 wei 2024-01-10T10:00:00+0800 'Add protobuf model'
    gen_text tests/__snapshots__/render.snap "Snapshot" 30
    gen_text data/lookup.dat "Lookup" 20
    write_png assets/logo.png 2
    gen_text docs/vendor-docs/api.md "Vendor API" 50
    gen_swift tests/RenderTests.swift RenderTests 20
    commit_as wei 2024-01-10T14:00:00+0800 wei 2024-01-10T14:00:00+0800 'Add render snapshot, lookup table and logo'
    switch main
    merge_as bob 2024-01-11T09:00:00-0700 github 2024-01-11T09:00:00-0700 \
        $'Merge pull request #5 from acme/feature-proto\n\nAdd protobuf model and render snapshots' feature-proto
    drop_branch feature-proto

    # --- feature-cache (Wei) starts here; lands later as PR #8 ------------
    branch feature-cache
    gen_swift Sources/Yard/Cache.swift Cache 90
    commit_as wei 2024-01-11T15:00:00+0800 wei 2024-01-11T15:00:00+0800 'Add cache layer'
    switch main

    # --- PR #6 dependabot --------------------------------------------------
    branch dependabot/npm_and_yarn/lodash-4.17.21
    write_package_json 4.17.21 1
    write_npm_lock 4.17.21 'sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==' 1
    commit_as dependabot 2024-01-11T06:00:00+0000 dependabot 2024-01-11T06:00:00+0000 \
        $'Bump lodash from 4.17.20 to 4.17.21\n\nBumps [lodash](https://github.com/lodash/lodash) from 4.17.20 to 4.17.21.\n\n---\nupdated-dependencies:\n- dependency-name: lodash\n  dependency-type: direct:production\n...\n\nSigned-off-by: dependabot[bot] <support@github.com>'
    switch main
    merge_as alice 2024-01-11T10:00:00+0100 github 2024-01-11T10:00:00+0100 \
        $'Merge pull request #6 from acme/dependabot/npm_and_yarn/lodash-4.17.21\n\nBump lodash from 4.17.20 to 4.17.21' \
        dependabot/npm_and_yarn/lodash-4.17.21
    drop_branch dependabot/npm_and_yarn/lodash-4.17.21

    # --- octopus merge of fix-a (Bob x2), fix-b (Wei), fix-c (Carla) -------
    branch fix-a
    touch_lines Sources/Yard/Tokenizer.swift 20 21 'empty-input'
    commit_as bob 2024-01-12T09:00:00-0700 bob 2024-01-12T09:00:00-0700 'Handle empty input in tokenizer'
    gen_swift tests/TokenizerTests.swift TokenizerTests 15
    commit_as bob 2024-01-12T09:30:00-0700 bob 2024-01-12T09:30:00-0700 'Add regression test for empty input'
    branch fix-b main
    touch_lines Sources/Yard/CSVExporter.swift 20 22 'quote-fields'
    commit_as wei 2024-01-12T10:00:00+0800 wei 2024-01-12T10:00:00+0800 'Fix CSV quoting'
    branch fix-c main
    sed -i '5,6s/paragraph/answer/' docs/faq.md
    commit_as carla 2024-01-12T11:00:00-0500 carla 2024-01-12T11:00:00-0500 'Clarify FAQ wording'
    switch main
    merge_as alice 2024-01-12T17:00:00+0100 alice 2024-01-12T17:00:00+0100 \
        "Merge branches 'fix-a', 'fix-b' and 'fix-c'" fix-a fix-b fix-c
    drop_branch fix-a fix-b fix-c

    # --- feature-cache: sync merge of main into the branch, one more commit ---
    switch feature-cache
    merge_as wei 2024-01-13T09:00:00+0800 wei 2024-01-13T09:00:00+0800 \
        "Merge branch 'main' into feature-cache" main
    append_lines Sources/Yard/Cache.swift 25 'eviction'
    gen_swift tests/CacheTests.swift CacheTests 30
    commit_as wei 2024-01-13T11:00:00+0800 wei 2024-01-13T11:00:00+0800 'Add cache eviction'
    switch main

    # --- PR #7 (René, branched long ago) then PR #8 (cache) ---------------
    merge_as bob 2024-01-13T08:00:00-0700 github 2024-01-13T08:00:00-0700 \
        $'Merge pull request #7 from acme/feature-i18n\n\nAdd French localization' feature-i18n
    drop_branch feature-i18n
    merge_as alice 2024-01-13T17:00:00+0100 github 2024-01-13T17:00:00+0100 \
        $'Merge pull request #8 from acme/feature-cache\n\nAdd cache layer' feature-cache
    drop_branch feature-cache

    # --- an unmerged branch, for branch-selection tests --------------------
    branch wip/experiment
    gen_swift Sources/Yard/Experiment.swift Experiment 12
    commit_as carla 2024-01-14T10:00:00-0500 carla 2024-01-14T10:00:00-0500 'WIP: experiment with streaming parser'
    switch main
}

# ===========================================================================
# 2. squash — GitHub squash merges (+ GitLab (!N), direct push, revert).
# ===========================================================================
build_squash() {
    new_repo squash
    gen_c src/main.c main 30
    gen_c src/util.c util 40
    gen_c src/util.h util_h 12
    gen_c tests/test_util.c test_util 25
    gen_text docs/README.md "Widgets" 15
    printf 'CFLAGS = -O2 -Wall\nSRC = src/main.c src/util.c\n\nall: widgets\n\nwidgets: $(SRC)\n\t$(CC) $(CFLAGS) -o $@ $(SRC)\n\nclean:\n\trm -f widgets\n' > Makefile
    write_package_json 4.17.20 0
    write_npm_lock 4.17.20 'sha512-PlhdFcillOINfeV7Ni6oF1TAEayyZBoZ8bcshTHqOYJYlrqzRK5hagpagky5o4HfCzzd1TRkXPMFq6cKk9rGmA==' 0
    commit_as alice 2024-02-01T09:00:00+0100 alice 2024-02-01T09:00:00+0100 'Initial commit'
    local root_commit squash12 squash14 before14
    root_commit=$(g rev-parse HEAD)

    gen_c src/login.c login 80
    gen_c src/login.h login_h 10
    gen_c tests/test_login.c test_login 30
    commit_as vikram 2024-02-02T11:00:00+0530 github 2024-02-03T10:00:00+0000 \
        $'Add login form (#12)\n\n* Add login form\n\n* Address review comments\n\nCo-authored-by: Wei Chen <wei@vendorco.io>'
    squash12=$(g rev-parse HEAD)

    gen_c src/session.c session 60
    gen_c src/session.h session_h 8
    touch_lines src/main.c 10 12 'session'
    commit_as bob 2024-02-03T09:00:00-0700 github 2024-02-04T16:00:00+0000 \
        $'Add session store (#13)\n\n* Add in-memory session store\n* Wire sessions into main'
    local session_commit
    session_commit=$(g rev-parse HEAD)

    mkdir -p .github/workflows
    printf 'name: CI\non: [push, pull_request]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make\n' > .github/workflows/ci.yml
    commit_as alice 2024-02-05T09:30:00+0100 alice 2024-02-05T09:30:00+0100 'Update CI config'

    gen_c src/ratelimit.c ratelimit 45
    sed -i 's|^SRC = .*|SRC = src/main.c src/util.c src/ratelimit.c|' Makefile
    commit_as wei 2024-02-06T10:00:00+0800 bob 2024-02-06T11:00:00-0700 \
        $'Add rate limiter (!7)\n\nToken-bucket rate limiter for the login endpoint.'

    before14=$(g rev-parse HEAD)
    gen_c src/reset.c reset 50
    touch_lines src/login.c 20 23 'reset-link'
    commit_as carla 2024-02-07T14:00:00-0500 github 2024-02-08T09:00:00+0000 'Add password reset (#14)'
    squash14=$(g rev-parse HEAD)

    write_package_json 4.17.21 0
    write_npm_lock 4.17.21 'sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==' 0
    commit_as dependabot 2024-02-08T06:00:00+0000 github 2024-02-08T12:00:00+0000 \
        $'Bump lodash from 4.17.20 to 4.17.21 (#16)\n\nBumps [lodash](https://github.com/lodash/lodash) from 4.17.20 to 4.17.21.\n\nSigned-off-by: dependabot[bot] <support@github.com>'

    with_env bob 2024-02-09T10:00:00-0700 bob 2024-02-09T10:00:00-0700 \
        g revert --no-edit "$session_commit" >/dev/null

    # --- PR head refs, as in a clone fetched with +refs/pull/*/head ---------
    # The original branch commits of #12 and #14, which the squashes above
    # summarise. Made after main is complete (main's commits do not change),
    # on a detached HEAD, and kept only as refs/pull/N/head: not reachable
    # from main. Each tip's tree equals its squash commit's tree.
    g checkout -q --detach "$root_commit"
    gen_c src/login.c login 70
    gen_c src/login.h login_h 10
    commit_as vikram 2024-02-02T11:00:00+0530 vikram 2024-02-02T11:00:00+0530 'Add login form'
    gen_c src/login.c login 80
    gen_c tests/test_login.c test_login 30
    commit_as vikram 2024-02-02T17:00:00+0530 vikram 2024-02-03T12:30:00+0530 \
        $'Address review comments\n\nCo-authored-by: Wei Chen <wei@vendorco.io>'
    same_tree HEAD "$squash12"
    g update-ref refs/pull/12/head HEAD

    g checkout -q --detach "$before14"
    gen_c src/reset.c reset 40
    commit_as carla 2024-02-07T14:00:00-0500 carla 2024-02-07T14:00:00-0500 'Add password reset endpoint'
    touch_lines src/login.c 20 23 'reset-link'
    commit_as carla 2024-02-07T16:30:00-0500 carla 2024-02-07T16:30:00-0500 'Link reset from the login form'
    gen_c src/reset.c reset 50
    commit_as carla 2024-02-07T18:00:00-0500 carla 2024-02-08T01:30:00-0500 'Cover all reset token states'
    same_tree HEAD "$squash14"
    g update-ref refs/pull/14/head HEAD
    switch main
}

# ===========================================================================
# 3. gerrit — Gerrit "cherry-pick"/rebase-always submit with trailers.
# ===========================================================================
build_gerrit() {
    new_repo gerrit
    gen_c src/widget.c widget 60
    gen_c src/widget.h widget_h 15
    gen_c src/render.c render 50
    gen_text docs/api.md "libwidget API" 25
    printf '[gerrit]\nhost=review.example.org\nport=29418\nproject=project.git\n' > .gitreview
    commit_as alice 2024-03-01T09:00:00+0100 alice 2024-03-01T09:00:00+0100 'Initial import'

    # committer 2h after author
    touch_lines src/widget.c 10 14 'resize'
    append_lines src/widget.c 20 'resize support'
    append_lines src/widget.h 3 'resize decl'
    commit_as vikram 2024-03-02T10:00:00+0530 bob 2024-03-01T23:30:00-0700 \
        "widget: add resize support

Windows can now be resized at runtime.

Change-Id: $(change_id 1)
Reviewed-on: https://review.example.org/c/project/+/1234
Reviewed-by: Bob Brown <bob@acme.com>
Tested-by: Jenkins CI <ci@review.example.org>"

    # committer 26h after author
    touch_lines src/render.c 30 30 'clip-fix'
    commit_as wei 2024-03-03T09:00:00+0800 alice 2024-03-04T04:00:00+0100 \
        "render: fix off-by-one in clip rect

Change-Id: $(change_id 2)
Reviewed-on: https://review.example.org/c/project/+/1240
Reviewed-by: Alice Anders <alice@acme.com>
Reviewed-by: Bob Brown <bob@acme.com>
Acked-by: Vikram Rao <vikram@vendorco.io>"

    # committer 5h after author
    append_lines docs/api.md 18 'resize api'
    commit_as carla 2024-03-04T12:00:00-0500 bob 2024-03-04T15:00:00-0700 \
        "docs: describe resize API

Change-Id: $(change_id 3)
Reviewed-on: https://review.example.org/c/project/+/1251
Reviewed-by: Bob Brown <bob@acme.com>
Tested-by: Carla Diaz <carla.diaz@gmail.com>"

    # direct push, no review trailers
    printf '[gerrit]\nhost=review.example.org\nport=29418\nproject=project.git\ndefaultbranch=main\n' > .gitreview
    commit_as bob 2024-03-05T08:00:00-0700 bob 2024-03-05T08:00:00-0700 'Update .gitreview'

    # clock skew: committer date 3h EARLIER than author date
    touch_lines src/widget.c 40 41 'zero-size'
    gen_c tests/test_widget.c test_widget 22
    commit_as bob 2024-03-06T10:00:00-0700 alice 2024-03-06T15:00:00+0100 \
        "widget: handle zero-size windows

Change-Id: $(change_id 4)
Reviewed-on: https://review.example.org/c/project/+/1262
Reviewed-by: Alice Anders <alice@acme.com>
Tested-by: Jenkins CI <ci@review.example.org>
Acked-by: Wei Chen <wei@vendorco.io>"

    # committer 1h after author
    printf 'CFLAGS = -O2 -Wall -Wextra\n' > config.mk
    commit_as alice 2024-03-07T09:00:00+0100 bob 2024-03-07T02:00:00-0700 \
        "build: enable -Wall -Wextra

Change-Id: $(change_id 5)
Reviewed-on: https://review.example.org/c/project/+/1270
Reviewed-by: Bob Brown <bob@acme.com>"
}

# ===========================================================================
# 4. rebase — GitHub "rebase and merge".
# ===========================================================================
build_rebase() {
    new_repo rebase
    gen_swift Sources/Net/Client.swift Client 45
    gen_swift Sources/Net/Logger.swift Logger 20
    gen_swift Tests/ClientTests.swift ClientTests 20
    gen_text docs/README.md "Net" 12
    commit_as alice 2024-04-01T09:00:00+0100 alice 2024-04-01T09:00:00+0100 'Initial commit'

    # PR A: 3 commits, one shared committer date
    local pra=2024-04-04T12:00:00+0000
    gen_swift Sources/Net/Metrics.swift Metrics 50
    commit_as vikram 2024-04-02T10:00:00+0530 github "$pra" 'Add metrics collector'
    append_lines Sources/Net/Metrics.swift 12 'histogram buckets'
    commit_as vikram 2024-04-02T15:00:00+0530 github "$pra" 'Add histogram bucket config'
    gen_text docs/metrics.md "Metrics" 22
    commit_as wei 2024-04-03T09:00:00+0800 github "$pra" 'Document metrics API'

    touch_lines Sources/Net/Logger.swift 6 7 'iso8601'
    commit_as bob 2024-04-04T13:00:00-0700 bob 2024-04-04T13:00:00-0700 'Tweak logging format'

    # PR B: 2 commits, one shared committer date
    local prb=2024-04-06T15:30:00+0000
    gen_swift Sources/Net/RetryPolicy.swift RetryPolicy 40
    commit_as carla 2024-04-05T10:00:00-0500 github "$prb" 'Add retry policy'
    gen_swift Tests/RetryPolicyTests.swift RetryPolicyTests 28
    commit_as carla 2024-04-05T11:30:00-0500 github "$prb" 'Add retry tests'

    # single-commit rebase landing (immediately after PR B, different date)
    touch_lines Sources/Net/RetryPolicy.swift 15 16 'overflow-safe'
    commit_as bob 2024-04-07T09:00:00-0700 github 2024-04-07T18:00:00+0000 'Fix retry jitter overflow'

    sed -i '3s/.*/Net paragraph 1 (release 1.0.0)./' docs/README.md
    commit_as alice 2024-04-08T10:00:00+0200 alice 2024-04-08T10:00:00+0200 'Release 1.0.0'
}

# ===========================================================================
# 5. forges — GitLab, Bitbucket, Azure DevOps and plain merge commits.
# ===========================================================================
build_forges() {
    new_repo forges
    gen_swift Sources/App/App.swift App 30
    gen_swift Sources/App/Config.swift Config 25
    gen_text README.md "Webapp" 10
    commit_as alice 2024-05-01T09:00:00+0100 alice 2024-05-01T09:00:00+0100 'Initial commit'

    branch feature-login
    gen_swift Sources/App/LoginView.swift LoginView 55
    commit_as vikram 2024-05-02T10:00:00+0530 vikram 2024-05-02T10:00:00+0530 'Add login view'
    gen_swift Tests/LoginViewTests.swift LoginViewTests 25
    commit_as vikram 2024-05-02T12:00:00+0530 vikram 2024-05-02T12:00:00+0530 'Add login tests'

    # branched from the root too, lands after the GitLab merge
    branch feature/search main
    gen_swift Sources/App/SearchIndex.swift SearchIndex 65
    commit_as wei 2024-05-02T16:00:00+0800 wei 2024-05-02T16:00:00+0800 'Add search index'

    switch main
    merge_as bob 2024-05-03T09:00:00-0700 bob 2024-05-03T09:00:00-0700 \
        $'Merge branch \'feature-login\' into \'main\'\n\nAdd login\n\nSee merge request acme/webapp!12' feature-login
    drop_branch feature-login
    merge_as alice 2024-05-04T11:00:00+0200 alice 2024-05-04T11:00:00+0200 \
        $'Merged in feature/search (pull request #7)\n\nAdd search\n\nApproved-by: Bob Brown <bob@acme.com>' feature/search
    drop_branch feature/search

    sed -i '3s/.*/Webapp paragraph 1 [build passing]./' README.md
    commit_as bob 2024-05-05T08:00:00-0700 bob 2024-05-05T08:00:00-0700 'Update README badges'

    branch export
    gen_swift Sources/App/ExportCommand.swift ExportCommand 48
    commit_as carla 2024-05-06T10:00:00-0500 carla 2024-05-06T10:00:00-0500 'Add export command'
    gen_text docs/export.md "Export" 14
    commit_as carla 2024-05-06T11:00:00-0500 carla 2024-05-06T11:00:00-0500 'Add export docs'
    switch main
    merge_as wei 2024-05-07T09:00:00+0800 wei 2024-05-07T09:00:00+0800 \
        $'Merged PR 42: Add export\n\nAdds CSV export to the CLI.' export
    drop_branch export

    branch hotfix
    touch_lines Sources/App/Config.swift 8 8 'nil-safe'
    commit_as bob 2024-05-08T07:00:00-0700 bob 2024-05-08T07:00:00-0700 'Fix crash on empty config'
    switch main
    merge_as alice 2024-05-08T17:00:00+0100 alice 2024-05-08T17:00:00+0100 "Merge branch 'hotfix'" hotfix
    drop_branch hotfix
}

# ===========================================================================
# 5b. integration — integration merges of long-lived branches (ADR 0018) and
#     the default exclusions of vendored and minified files (Linguist).
#     Ends mid-September 2024: the last month and quarter are partial.
# ===========================================================================
build_integration() {
    new_repo integration
    gen_c src/core.c core 20
    gen_text README.md "Integration" 5
    commit_as alice 2024-07-01T09:00:00+0000 alice 2024-07-01T09:00:00+0000 'Initial commit'

    # An ordinary pull request (30 lines).
    branch feature/parser
    gen_c src/parser.c parser 30
    commit_as bob 2024-07-02T10:00:00+0000 bob 2024-07-02T10:00:00+0000 'Add parser'
    switch main
    merge_as alice 2024-07-03T09:00:00+0000 alice 2024-07-03T09:00:00+0000 \
        $'Merge pull request #1 from acme/feature/parser\n\nAdd parser' feature/parser
    drop_branch feature/parser

    # A long-lived development branch with two pull requests, merged by name: integration.
    branch development
    local n
    for n in 1 2; do
        branch "topic-$n" development
        gen_c "src/dev$n.c" "dev$n" 10
        commit_as wei "2024-07-1${n}T10:00:00+0000" wei "2024-07-1${n}T10:00:00+0000" "Add dev$n"
        switch development
        merge_as vikram "2024-07-1${n}T12:00:00+0000" vikram "2024-07-1${n}T12:00:00+0000" \
            "Merge pull request #1$n from acme/topic-$n" "topic-$n"
        drop_branch "topic-$n"
    done
    switch main
    merge_as alice 2024-07-20T09:00:00+0000 alice 2024-07-20T09:00:00+0000 "Merge branch 'development'" development
    drop_branch development

    # A pull request from a fork's master branch: an ordinary pull request (12 lines).
    branch fork-master
    gen_c src/fork.c fork 12
    commit_as carla 2024-08-01T10:00:00+0000 carla 2024-08-01T10:00:00+0000 'Add fork feature'
    switch main
    merge_as bob 2024-08-02T09:00:00+0000 bob 2024-08-02T09:00:00+0000 \
        $'Merge pull request #3 from carla/master\n\nAdd fork feature' fork-master
    drop_branch fork-master

    # A release train whose own first-parent line holds ten merges, landed as a pull request: integration.
    branch next-gen
    for n in 0 1 2 3 4 5 6 7 8 9; do
        branch "ng-$n" next-gen
        gen_c "src/ng$n.c" "ng$n" 5
        commit_as wei "2024-08-1${n}T10:00:00+0000" wei "2024-08-1${n}T10:00:00+0000" "Add ng$n"
        switch next-gen
        merge_as vikram "2024-08-1${n}T12:00:00+0000" vikram "2024-08-1${n}T12:00:00+0000" \
            "Merge pull request #2$n from acme/ng-$n" "ng-$n"
        drop_branch "ng-$n"
    done
    switch main
    merge_as alice 2024-08-20T09:00:00+0000 alice 2024-08-20T09:00:00+0000 \
        $'Merge pull request #4 from acme/next-gen\n\nNext generation' next-gen
    drop_branch next-gen

    # A dependency import under deps/ (left out: Linguist's deps/), one taken back by .gitattributes, and
    # own code: 153 lines, 53 counted.
    branch import-pcre
    gen_c deps/pcre/pcre.c pcre 100
    gen_c deps/zlib/zlib.c zlib 40
    printf 'deps/zlib/* linguist-vendored=false\n' > .gitattributes
    gen_c src/regex.c regex 12
    commit_as bob 2024-09-02T10:00:00+0000 bob 2024-09-02T10:00:00+0000 'Import PCRE and zlib, add regex wrapper'
    switch main
    merge_as alice 2024-09-03T09:00:00+0000 alice 2024-09-03T09:00:00+0000 \
        $'Merge pull request #5 from acme/import-pcre\n\nImport PCRE' import-pcre
    drop_branch import-pcre

    # A squash merge with a minified copy (left out: *.min.js): 11 lines, 8 counted.
    mkdir -p web
    printf 'function a(){return 1}\nfunction b(){return 2}\nfunction c(){return 3}\n' > web/app.min.js
    for n in 1 2 3 4 5 6 7 8; do printf 'export const v%s = %s;\n' "$n" "$n"; done > web/app.js
    commit_as carla 2024-09-05T10:00:00+0000 alice 2024-09-05T10:00:00+0000 'Add web client (#6)'

    # maint merged into main: integration.
    branch maint
    touch_lines src/core.c 6 7 'overflow'
    commit_as bob 2024-09-08T10:00:00+0000 bob 2024-09-08T10:00:00+0000 'Fix core overflow'
    switch main
    merge_as alice 2024-09-10T09:00:00+0000 alice 2024-09-10T09:00:00+0000 "Merge branch 'maint'" maint
    drop_branch maint
}

# ===========================================================================
# 6. delivery — delivery and quality workflows: review trailers and
#    turnaround, fixup commits, rework, fixes, a revert, Gerrit-style and
#    cherry-picked landings, tests, ADRs, a rename. Three months, 2024-01..03.
# ===========================================================================

# gen_go PATH NAME N — exactly N (>= 5) lines of Go (package = directory name).
gen_go() {
    local path=$1 name=$2 n=$3 i
    mkparent "$path"
    {
        printf 'package %s\n' "$(basename "$(dirname "$path")")"
        printf '\n'
        printf '// %sTable lists the %s entries.\n' "$name" "$name"
        printf 'var %sTable = []int{\n' "$name"
        for ((i = 1; i <= n - 5; i++)); do
            printf '\t%d, // %s entry %d\n' "$((i * 7))" "$name" "$i"
        done
        printf '}\n'
    } > "$path"
}

# gen_py PATH NAME N — exactly N (>= 3) lines of Python. Growing N only appends.
gen_py() {
    local path=$1 name=$2 n=$3 i
    mkparent "$path"
    {
        printf '# %s\n' "$path"
        printf '"""The %s module."""\n' "$name"
        for ((i = 1; i <= n - 2; i++)); do
            printf '%s_%d = %d\n' "${name^^}" "$i" "$((i * 3))"
        done
    } > "$path"
}

# gen_ts PATH NAME N — exactly N (>= 4) lines of TypeScript.
gen_ts() {
    local path=$1 name=$2 n=$3 i
    mkparent "$path"
    {
        printf '// %s\n' "$path"
        printf 'export const %s: number[] = [\n' "$name"
        for ((i = 1; i <= n - 3; i++)); do
            printf '  %d, // %s item %d\n' "$((i * 5))" "$name" "$i"
        done
        printf '];\n'
    } > "$path"
}

# gen_adr PATH NUMBER TITLE N — exactly N (>= 7) lines of Markdown ADR.
gen_adr() {
    local path=$1 num=$2 title=$3 n=$4 i
    mkparent "$path"
    {
        printf '# ADR %s: %s\n' "$num" "$title"
        printf '\n'
        printf 'Status: Accepted\n'
        printf '\n'
        printf '## Context\n'
        printf '\n'
        for ((i = 1; i <= n - 6; i++)); do
            printf '%s, point %d.\n' "$title" "$i"
        done
    } > "$path"
}

# gen_locale CODE — locales/CODE.json, 6 lines; line 2 carries a typo.
gen_locale() {
    mkparent "locales/$1.json"
    printf '{\n  "_header": "Delivery transaltions (%s)",\n  "greeting": "Hello [%s]",\n  "cart": "Cart [%s]",\n  "checkout": "Checkout [%s]"\n}\n' \
        "$1" "$1" "$1" "$1" > "locales/$1.json"
}

# edit_lines PATH FROM TO TAG — modify lines FROM..TO in place, with a comment
# marker that suits the file type (N adds + N dels).
edit_lines() {
    local mark
    case $1 in
        *.py | *.sh) mark=" # $4" ;;
        *.md) mark=" ($4)" ;;
        *) mark=" \\/\\/ $4" ;;
    esac
    sed -i "$2,$3s/\$/$mark/" "$1"
}

# pr_merge MERGER DATE PR BRANCH TITLE [TRAILER_BLOCK] — a GitHub merge: author
# MERGER, committer GitHub, both at DATE; the branch is deleted afterwards.
pr_merge() {
    local msg="Merge pull request #$3 from acme/$4"$'\n\n'"$5"
    [[ -n ${6:-} ]] && msg+=$'\n\n'"$6"
    merge_as "$1" "$2" github "$2" "$msg" "$4"
    drop_branch "$4"
}

build_delivery() {
    new_repo delivery
    local LOCALE_CODES='cs da de el es fi fr hi hu it ja ko nb nl pl pt ro ru sv tr uk zh'
    local code after_pr22 db_commit before_cherry release_fix cache_commit

    # --- 1. root: direct push by Alice (Tue 2024-01-02) ---------------------
    gen_text README.md "Delivery" 12
    printf 'Alice Anders <alice@acme.com> Alice A <alice.anders@old-acme.example>\n' > .mailmap
    printf 'all: build\n\nbuild:\n\tgo build ./...\n\tswift build\n\ntest:\n\tgo test ./...\n\tswift test\n' > Makefile
    gen_go parser/lexer.go lexer 40
    gen_py app/config.py config 30
    gen_ts web/src/app.ts app 20
    gen_swift Sources/Delivery/Queue.swift Queue 35
    gen_text docs/guide.md "Guide" 40
    commit_as alice 2024-01-02T09:00:00+0100 alice 2024-01-02T09:00:00+0100 'Initial commit'

    # --- 2. PR #20 parser (Vikram): fixup! + "address review comments" ------
    branch parser
    gen_go parser/parser.go parser 60
    commit_as vikram 2024-01-03T10:00:00+0530 vikram 2024-01-03T10:00:00+0530 'Add parser'
    gen_go parser/parser_test.go parserTest 25
    commit_as vikram 2024-01-03T15:00:00+0530 vikram 2024-01-03T15:00:00+0530 'Add parser tests'
    edit_lines parser/parser.go 10 12 fixup
    commit_as vikram 2024-01-04T11:00:00+0530 vikram 2024-01-04T11:00:00+0530 'fixup! Add parser'
    edit_lines parser/parser.go 20 21 review
    commit_as vikram 2024-01-04T13:00:00+0530 vikram 2024-01-04T13:00:00+0530 'address review comments'
    switch main
    pr_merge alice 2024-01-04T16:00:00+0100 20 parser 'Add expression parser' \
        $'Reviewed-by: Alice Anders <alice@acme.com>\nReviewed-by: Wei Chen <wei@vendorco.io>'

    # --- 3. PR #21 billing (Bob): squash!, alias reviewer, lands on a Saturday
    branch billing
    gen_py app/billing.py billing 44
    commit_as bob 2024-01-05T10:00:00+0100 bob 2024-01-05T10:00:00+0100 'Add billing module'
    gen_py app/test_billing.py test_billing 20
    commit_as bob 2024-01-05T14:00:00+0100 bob 2024-01-05T14:00:00+0100 'Add billing tests'
    gen_py app/billing.py billing 50
    commit_as bob 2024-01-05T16:00:00+0100 bob 2024-01-05T16:00:00+0100 \
        $'squash! Add billing module\n\nReviewed-by: Alice Anders <alice@acme.com>'
    switch main
    pr_merge alice 2024-01-06T11:00:00+0100 21 billing 'Add billing module' \
        $'Approved-by: Alice A <alice.anders@old-acme.example>\nTested-by: Carla Diaz <carla.diaz@gmail.com>'

    # --- 4. direct push (Bob) ------------------------------------------------
    sed -i '3s/.*/Delivery paragraph 1 (see docs\/guide.md)./' README.md
    commit_as bob 2024-01-08T09:30:00+0100 bob 2024-01-08T09:30:00+0100 'Update README'

    # --- 5. PR #22 cart (Carla): most of it is rewritten within 21 days -----
    branch cart
    gen_ts web/src/cart.ts cart 40
    commit_as carla 2024-01-09T09:00:00-0500 carla 2024-01-09T09:00:00-0500 'Add shopping cart'
    gen_ts web/src/cart.spec.ts cartSpec 10
    commit_as carla 2024-01-09T11:00:00-0500 carla 2024-01-09T11:00:00-0500 'Add cart spec'
    switch main
    pr_merge bob 2024-01-10T10:00:00+0100 22 cart 'Add shopping cart' \
        $'Reviewed-by: Bob Brown <bob@acme.com>\nAcked-by: Vikram Rao <vikram@vendorco.io>'
    after_pr22=$(g rev-parse HEAD)

    # --- 6. PR #23 worker (Wei): Friday -> Monday, self-review trailer ------
    branch worker
    gen_swift Sources/Delivery/Worker.swift Worker 40
    commit_as wei 2024-01-12T15:00:00+0530 wei 2024-01-12T15:00:00+0530 'Add background worker'
    gen_swift Tests/DeliveryTests/WorkerTests.swift WorkerTests 30
    commit_as wei 2024-01-12T19:00:00+0530 wei 2024-01-12T19:00:00+0530 \
        $'Add worker tests\n\nReviewed-by: Wei Chen <wei@vendorco.io>\nReviewed-by: Bob Brown <bob@acme.com>'

    # --- 7. PR #24 cart-totals (Vikram) rewrites Carla's #22 lines, 5 days on;
    #        branched from #22's merge, before #23 landed --------------------
    branch cart-totals "$after_pr22"
    edit_lines web/src/cart.ts 5 24 totals
    delete_lines web/src/cart.ts 25 28
    commit_as vikram 2024-01-15T09:00:00+0530 vikram 2024-01-15T09:00:00+0530 'Compute cart totals'
    switch main
    pr_merge bob 2024-01-15T09:30:00+0100 23 worker 'Add background worker'
    pr_merge alice 2024-01-15T10:00:00+0100 24 cart-totals 'Compute cart totals' \
        'Reviewed-by: Carla Diaz <carla.diaz@gmail.com>'

    # --- 8. PR #25 billing-rounding (Bob) rewrites his own #21 lines, 10 days on
    branch billing-rounding
    edit_lines app/billing.py 10 17 rounding
    gen_py app/test_billing.py test_billing 24
    commit_as bob 2024-01-16T09:00:00+0100 bob 2024-01-16T09:00:00+0100 'Round billing amounts'
    switch main
    pr_merge alice 2024-01-16T11:00:00+0100 25 billing-rounding 'Round billing amounts' \
        'Reviewed-by: Alice Anders <alice@acme.com>'

    # --- 9. PR #26 adr-postgres (Alice): ADR 0001 under docs/adr/ ------------
    branch adr-postgres
    gen_adr docs/adr/0001-use-postgres.md 0001 'Use Postgres' 20
    commit_as alice 2024-01-17T10:00:00+0100 alice 2024-01-17T10:00:00+0100 'ADR 0001: use Postgres'
    gen_py app/db.py db 25
    commit_as alice 2024-01-17T14:00:00+0100 alice 2024-01-17T14:00:00+0100 'Add database module'
    db_commit=$(g rev-parse HEAD)
    switch main
    pr_merge bob 2024-01-18T09:00:00+0100 26 adr-postgres 'Use Postgres' \
        $'Reviewed-by: Bob Brown <bob@acme.com>\nAcked-by: Vikram Rao <vikram@vendorco.io>'

    # --- 10. PR #27 locales (Wei): 22 files, each with a typo on line 2 -------
    branch locales
    for code in $LOCALE_CODES; do gen_locale "$code"; done
    commit_as wei 2024-01-22T10:00:00+0530 wei 2024-01-22T10:00:00+0530 'Add translations for 22 locales'
    switch main
    pr_merge alice 2024-01-23T10:00:00+0100 27 locales 'Add translations' \
        'Reviewed-by: Alice Anders <alice@acme.com>'

    # --- 11. PR #28 move-billing (Alice): git mv + one-line edit --------------
    branch move-billing
    mkdir -p app/payments
    g mv app/billing.py app/payments/billing.py
    sed -i '1s|.*|# app/payments/billing.py|' app/payments/billing.py
    commit_as alice 2024-01-24T10:00:00+0100 alice 2024-01-24T10:00:00+0100 'Move billing into payments package'
    switch main
    pr_merge bob 2024-01-24T15:00:00+0100 28 move-billing 'Move billing into payments package' \
        'Reviewed-by: Bob Brown <bob@acme.com>'

    # --- 12. PR #29 empty-cart (Carla): "fix: ..." + "Closes #9" -------------
    branch empty-cart
    edit_lines web/src/cart.ts 25 30 empty-cart
    commit_as carla 2024-01-24T16:00:00-0500 carla 2024-01-24T16:00:00-0500 'fix: handle empty cart'
    gen_ts web/src/cart.spec.ts cartSpec 15
    mkparent tests/e2e/empty-cart.sh
    printf '#!/bin/sh\n# tests/e2e/empty-cart.sh\nset -e\n./delivery cart --empty\ntest "$(./delivery cart --total)" = 0\n' > tests/e2e/empty-cart.sh
    commit_as carla 2024-01-25T09:00:00-0500 carla 2024-01-25T09:00:00-0500 'Add empty-cart tests'
    switch main
    pr_merge bob 2024-01-25T17:00:00+0100 29 empty-cart $'fix: handle empty cart\n\nCloses #9' \
        'Reviewed-by: Vikram Rao <vikram@vendorco.io>'

    # --- 13. direct push (Alice): "Fix crash in parser" + whitespace-only edit
    edit_lines parser/parser.go 30 32 nil-check
    sed -i '10s/^\t/        /' parser/lexer.go
    commit_as alice 2024-01-29T09:00:00+0100 alice 2024-01-29T09:00:00+0100 \
        $'Fix crash in parser\n\nGuard against a nil token at the end of the input.'

    # --- 14. PR #30 vat-rounding (Bob): "Fixes: #12", after the rename -------
    branch vat-rounding
    edit_lines app/payments/billing.py 20 22 vat
    gen_py app/test_billing.py test_billing 27
    commit_as bob 2024-02-01T09:00:00+0100 bob 2024-02-01T09:00:00+0100 'Correct VAT rounding'
    switch main
    pr_merge alice 2024-02-01T14:00:00+0100 30 vat-rounding 'Correct VAT rounding' \
        $'Fixes: #12\nReviewed-by: Vikram Rao <vikram@vendorco.io>'

    # --- 15. PR #31 worker-pool (Bob), merged by Bob himself, no trailers ---
    branch worker-pool
    edit_lines Sources/Delivery/Worker.swift 20 21 pool-size
    commit_as bob 2024-02-06T10:00:00+0100 bob 2024-02-06T10:00:00+0100 'Tune worker pool size'
    printf 'Worker pool: 8 workers by default.\nWorker pool: set DELIVERY_WORKERS to override.\nWorker pool: at most 64 workers.\n' >> docs/guide.md
    commit_as bob 2024-02-06T10:30:00+0100 bob 2024-02-06T10:30:00+0100 'Document worker pool size'
    switch main
    merge_as bob 2024-02-06T11:30:00+0100 bob 2024-02-06T11:30:00+0100 \
        $'Merge pull request #31 from acme/worker-pool\n\nTune worker pool size' worker-pool
    drop_branch worker-pool

    # --- 16. PR #32 adr-queue-backend (Vikram): ADR 0002 under doc/adr/ ------
    branch adr-queue-backend
    gen_adr doc/adr/0002-queue-backend.md 0002 'Queue backend' 18
    commit_as vikram 2024-02-07T11:00:00+0530 vikram 2024-02-07T11:00:00+0530 'ADR 0002: queue backend'
    gen_swift Sources/Delivery/QueueBackend.swift QueueBackend 25
    commit_as vikram 2024-02-07T15:00:00+0530 vikram 2024-02-07T15:00:00+0530 'Add queue backend protocol'
    switch main
    pr_merge bob 2024-02-08T10:00:00+0100 32 adr-queue-backend 'Queue backend' \
        $'Reviewed-by: Bob Brown <bob@acme.com>\nReviewed-by: Alice Anders <alice@acme.com>'

    # --- 17. Gerrit-style landing #1 (Wei, submitted by Alice 9.5 h later) ---
    append_lines Sources/Delivery/Queue.swift 12 'retry backoff'
    commit_as wei 2024-02-13T09:00:00+0530 alice 2024-02-13T14:00:00+0100 \
        "queue: add retry backoff

Change-Id: $(change_id delivery-301)
Reviewed-on: https://review.acme.com/c/delivery/+/301
Reviewed-by: Alice Anders <alice@acme.com>"

    # --- 18. PR #33 metrics (Wei): first commit dated over a year earlier ---
    branch metrics
    gen_swift Sources/Delivery/Metrics.swift Metrics 30
    commit_as wei 2023-01-16T10:00:00+0530 wei 2023-01-16T10:00:00+0530 'Add delivery metrics'
    gen_swift Tests/DeliveryTests/MetricsTests.swift MetricsTests 20
    commit_as wei 2024-02-14T11:00:00+0530 wei 2024-02-14T11:00:00+0530 'Add metrics tests'
    switch main
    pr_merge alice 2024-02-15T10:00:00+0100 33 metrics 'Add delivery metrics' \
        $'Reviewed-by: Alice Anders <alice@acme.com>\nTested-by: Vikram Rao <vikram@vendorco.io>'
    before_cherry=$(g rev-parse HEAD)

    # --- release/1.0 branch (kept) with a fix that is cherry-picked to main ---
    branch release/1.0
    edit_lines Sources/Delivery/Queue.swift 38 39 drain
    commit_as bob 2024-02-20T16:00:00+0100 bob 2024-02-20T16:00:00+0100 'Fix off-by-one in queue drain'
    release_fix=$(g rev-parse HEAD)

    # --- PR #34 checkout (Carla) starts before the cherry-pick lands ----------
    branch checkout "$before_cherry"
    gen_ts web/src/checkout.ts checkout 30
    commit_as carla 2024-02-20T09:00:00-0500 carla 2024-02-20T09:00:00-0500 'Add checkout flow'
    gen_ts web/src/checkout.spec.ts checkoutSpec 15
    # Carla's clock is ahead: committed 2 h after the merge below.
    commit_as carla 2024-02-21T09:30:00-0500 carla 2024-02-21T10:00:00-0500 'Add checkout spec'

    # --- 19. cherry-pick of the release fix (committed by Alice 17 h later) --
    switch main
    edit_lines Sources/Delivery/Queue.swift 38 39 drain
    commit_as bob 2024-02-20T16:00:00+0100 alice 2024-02-21T09:00:00+0100 \
        "Fix off-by-one in queue drain

(cherry picked from commit $release_fix)"

    # --- 20. PR #34 lands: merge time is before the branch tip's commit time -
    pr_merge bob 2024-02-21T14:00:00+0100 34 checkout 'Add checkout flow' \
        'Approved-by: Bob Brown <bob@acme.com>'

    # --- 21. PR #35 scheduler (Vikram): rewrites its own first commit --------
    branch scheduler
    gen_swift Sources/Delivery/Scheduler.swift Scheduler 40
    commit_as vikram 2024-02-22T10:00:00+0530 vikram 2024-02-22T10:00:00+0530 'Add job scheduler'
    edit_lines Sources/Delivery/Scheduler.swift 5 24 v2
    delete_lines Sources/Delivery/Scheduler.swift 25 29
    commit_as vikram 2024-02-22T16:00:00+0530 vikram 2024-02-22T16:00:00+0530 'Rework scheduler API'
    edit_lines Sources/Delivery/Scheduler.swift 5 6 v2b
    commit_as vikram 2024-02-23T09:00:00+0530 vikram 2024-02-23T09:00:00+0530 'squash! Rework scheduler API'
    switch main
    pr_merge alice 2024-02-23T15:00:00+0100 35 scheduler 'Add job scheduler' \
        $'Reviewed-by: Wei Chen <wei@vendorco.io>\nAcked-by: Bob Brown <bob@acme.com>'

    # --- 22./23. direct push (Alice), reverted by Bob two days later ---------
    edit_lines app/config.py 5 6 cache-on
    commit_as alice 2024-02-26T09:00:00+0100 alice 2024-02-26T09:00:00+0100 'Enable response cache by default'
    cache_commit=$(g rev-parse HEAD)
    with_env bob 2024-02-28T10:00:00+0100 bob 2024-02-28T10:00:00+0100 \
        g revert --no-edit "$cache_commit" >/dev/null

    # --- 24. PR #36 guide-rewrite (Alice): rewrites 60-day-old root lines ----
    branch guide-rewrite
    edit_lines docs/guide.md 3 22 rewritten
    delete_lines docs/guide.md 23 27
    commit_as alice 2024-03-01T10:00:00+0100 alice 2024-03-01T10:00:00+0100 'Rewrite the user guide'
    switch main
    pr_merge bob 2024-03-02T10:00:00+0100 36 guide-rewrite 'Rewrite the user guide' \
        $'Reviewed-by: Bob Brown <bob@acme.com>\nReviewed-by: Carla Diaz <carla.diaz@gmail.com>'

    # --- 25. direct push (Bob): Linux-style "Fixes: <12 hex> ("subject")" ----
    edit_lines app/db.py 10 12 close-on-error
    commit_as bob 2024-03-05T09:00:00+0100 bob 2024-03-05T09:00:00+0100 \
        "db: close connections on error

Fixes: ${db_commit:0:12} (\"Add database module\")
Signed-off-by: Bob Brown <bob@acme.com>"

    # --- 26. PR #37 frontend-adr (Carla): ADR 0003 under docs/decisions/ -----
    branch frontend-adr
    gen_adr docs/decisions/0003-frontend-framework.md 0003 'Frontend framework' 16
    commit_as carla 2024-03-06T10:00:00-0500 carla 2024-03-06T10:00:00-0500 'ADR 0003: frontend framework'
    edit_lines web/src/cart.ts 31 33 signals
    commit_as carla 2024-03-06T13:00:00-0500 carla 2024-03-06T13:00:00-0500 'Migrate cart to the new framework'
    switch main
    pr_merge alice 2024-03-07T10:00:00+0100 37 frontend-adr 'Frontend framework' \
        'Reviewed-by: Alice Anders <alice@acme.com>'

    # --- 27. PR #38 locale-typo (Wei): a fix touching 23 files ---------------
    branch locale-typo
    for code in $LOCALE_CODES; do sed -i '2s/transaltions/translations/' "locales/$code.json"; done
    sed -i '3s/.*/Delivery paragraph 1 (see docs\/guide.md; translations in locales\/)./' README.md
    commit_as wei 2024-03-08T10:00:00+0530 wei 2024-03-08T10:00:00+0530 'fix: correct locale header typo'
    switch main
    pr_merge bob 2024-03-08T11:00:00+0100 38 locale-typo 'fix: correct locale header typo' \
        'Reviewed-by: Bob Brown <bob@acme.com>'

    # --- 28. Gerrit-style landing #2 (Vikram, submitted by Bob 29.5 h later) -
    append_lines Sources/Delivery/Scheduler.swift 10 'cron syntax'
    gen_swift Tests/DeliveryTests/SchedulerTests.swift SchedulerTests 15
    commit_as vikram 2024-03-12T10:00:00+0530 bob 2024-03-13T11:00:00+0100 \
        "scheduler: add cron syntax

Change-Id: $(change_id delivery-318)
Reviewed-on: https://review.acme.com/c/delivery/+/318
Reviewed-by: Bob Brown <bob@acme.com>
Tested-by: Wei Chen <wei@vendorco.io>"

    # --- 29. PR #39 worker-timeout (Wei): "Fixes: acme/webapp#7" + fixup! ----
    branch worker-timeout
    edit_lines Sources/Delivery/Worker.swift 10 11 timeout
    gen_swift Tests/DeliveryTests/WorkerTests.swift WorkerTests 34
    commit_as wei 2024-03-14T10:00:00+0530 wei 2024-03-14T10:00:00+0530 'Handle worker timeout'
    edit_lines Sources/Delivery/Worker.swift 12 12 timeout
    commit_as wei 2024-03-14T12:00:00+0530 wei 2024-03-14T12:00:00+0530 'fixup! Handle worker timeout'
    switch main
    pr_merge alice 2024-03-15T09:00:00+0100 39 worker-timeout 'Handle worker timeout' \
        $'Fixes: acme/webapp#7\nReviewed-by: Alice Anders <alice@acme.com>\nAcked-by: Vikram Rao <vikram@vendorco.io>'

    # --- 30. PR #40 adr-superseded (Bob): modifies ADR 0001 (not a new ADR) --
    branch adr-superseded
    sed -i 's/^Status: Accepted$/Status: Superseded by ADR 0002/' docs/adr/0001-use-postgres.md
    printf '\nSuperseded on 2024-03-18 by ADR 0002 (queue backend).\n' >> docs/adr/0001-use-postgres.md
    commit_as bob 2024-03-18T10:00:00+0100 bob 2024-03-18T10:00:00+0100 'Mark ADR 0001 as superseded'
    switch main
    pr_merge alice 2024-03-19T09:00:00+0100 40 adr-superseded 'Mark ADR 0001 as superseded' \
        'Reviewed-by: Alice Anders <alice@acme.com>'

    # --- 31. PR #41 export (Vikram): no tests, no reviewer trailer -----------
    branch export
    gen_py app/export.py export 30
    commit_as vikram 2024-03-25T10:00:00+0530 vikram 2024-03-25T10:00:00+0530 'Add CSV export'
    gen_py app/export.py export 36
    commit_as vikram 2024-03-26T10:00:00+0530 vikram 2024-03-26T10:00:00+0530 'Support TSV export'
    switch main
    pr_merge bob 2024-03-27T10:00:00+0100 41 export 'Add CSV and TSV export'

    # --- 32. direct push (Alice) ----------------------------------------------
    sed -i '4s/.*/Delivery paragraph 2 (release 1.0.0)./' README.md
    commit_as alice 2024-03-28T09:00:00+0100 alice 2024-03-28T09:00:00+0100 'Release 1.0.0'

    # Packed, with delta chains, so the delivery tests read every object through Yardstick's pack reader
    # (ADR 0009); the other work-tree samples keep loose objects and are read by libgit2 alone.
    g repack -adq --depth=50 --window=50
}

# ===========================================================================
# 7. error-path fixtures.
# ===========================================================================
build_empty() {
    rm -rf "${TARGET:?}/empty"
    g init -q "$TARGET/empty"
}

build_bare() {
    rm -rf "${TARGET:?}/github-merge.git"
    g clone -q --bare --no-local "$TARGET/github-merge" "$TARGET/github-merge.git"
}

build_shallow() {
    rm -rf "${TARGET:?}/shallow"
    g clone -q --depth 3 "file://$TARGET/github-merge" "$TARGET/shallow"
}

# Blob of src/session.c as added by "Add session store (#13)" (gen_c session 60);
# referenced by the trees of #13 .. #16, removed again by the revert.
build_corrupt() {
    rm -rf "${TARGET:?}/corrupt"
    cp -a "$TARGET/squash" "$TARGET/corrupt"
    local blob
    blob=$(g -C "$TARGET/corrupt" rev-parse 'HEAD~1:src/session.c')
    local obj="$TARGET/corrupt/.git/objects/${blob:0:2}/${blob:2}"
    if [[ ! -f $obj ]]; then
        echo "corrupt: expected loose object $obj" >&2
        exit 1
    fi
    rm -f "$obj"
    CORRUPT_BLOB=$blob
}

build_not_a_repo() {
    rm -rf "${TARGET:?}/not-a-repo"
    mkdir -p "$TARGET/not-a-repo"
    printf 'This directory is intentionally not a git repository.\n' > "$TARGET/not-a-repo/README.txt"
}

# ===========================================================================
# applied — series a maintainer applies for others (git am), a fix early in a
# series, and a fix that only adds lines (SZZ, ADR 0021).
# ===========================================================================
build_applied() {
    new_repo applied
    gen_swift Sources/Core/Parser.swift Parser 40
    gen_swift Sources/Core/Lexer.swift Lexer 30
    commit_as alice 2024-05-01T09:00:00+0000 alice 2024-05-01T09:00:00+0000 'Initial commit'

    touch_lines Sources/Core/Lexer.swift 10 12 'token cache'
    commit_as bob 2024-05-03T10:00:00+0000 bob 2024-05-03T10:00:00+0000 'Add a token cache'

    # Series 1, applied by Alice within 45 s, no review trailer: its oldest commit is a fix of Bob's line 11.
    touch_lines Sources/Core/Lexer.swift 11 11 'bounds checked'
    commit_as vikram 2024-05-09T08:00:00+0000 alice 2024-05-10T10:00:00+0000 'Lexer: fix out-of-bounds read in the token cache'
    append_lines Sources/Core/Lexer.swift 10 'lexer modes'
    commit_as wei 2024-05-09T09:00:00+0000 alice 2024-05-10T10:00:20+0000 'Lexer: add modes'
    touch_lines Sources/Core/Parser.swift 5 6 'modes'
    commit_as vikram 2024-05-09T10:00:00+0000 alice 2024-05-10T10:00:45+0000 'Parser: use lexer modes'

    # Series 2, applied by Alice 30 s apart, reviewed (Acked-by) on one commit.
    append_lines Sources/Core/Parser.swift 6 'recovery'
    commit_as carla 2024-05-15T08:00:00+0000 alice 2024-05-20T11:00:00+0000 'Parser: add error recovery'
    append_lines Sources/Core/Parser.swift 4 'recovery notes'
    commit_as carla 2024-05-15T09:00:00+0000 alice 2024-05-20T11:00:30+0000 "$(printf 'Parser: document recovery\n\nAcked-by: Bob Brown <bob@acme.com>')"

    # An add-only fix: two lines inserted after line 10 of the lexer (Bob's), before line 11 (series 1's).
    sed -i '10a\        guard !token.isEmpty else { return nil }\n        guard token.count < limit else { return nil }' Sources/Core/Lexer.swift
    commit_as alice 2024-05-25T09:00:00+0000 alice 2024-05-25T09:00:00+0000 'Fix crash on an empty token'
}

# branchfix — fix commits inside merged branches, traced one by one at their own parents (issue 17; the newer
# neighbour and the context of a fix whose replaced lines blame nothing, as for first-parent fixes):
# topic/eviction is built on topic/stats before topic/stats lands; the main line inserts three lines at
# the top of Net.swift after both branched off, so only the fork point knows whose line 11 is.
build_branchfix() {
    new_repo branchfix
    gen_swift Sources/Core/Net.swift Net 40
    gen_swift Sources/Core/Cache.swift Cache 30
    commit_as alice 2024-06-03T09:00:00+0000 alice 2024-06-03T09:00:00+0000 'Initial commit'

    touch_lines Sources/Core/Net.swift 10 12 'retry'
    commit_as bob 2024-06-04T10:00:00+0000 bob 2024-06-04T10:00:00+0000 'Add retries'

    branch topic/stats
    touch_lines Sources/Core/Cache.swift 20 21 'stats'
    commit_as wei 2024-06-05T09:00:00+0000 wei 2024-06-05T09:00:00+0000 'Cache: add statistics'

    branch topic/eviction
    touch_lines Sources/Core/Cache.swift 5 6 'eviction'
    commit_as carla 2024-06-05T11:00:00+0000 carla 2024-06-05T11:00:00+0000 'Cache: add eviction'
    # Bob's line 11, unchanged since the fork point.
    touch_lines Sources/Core/Net.swift 11 11 'off by one'
    commit_as carla 2024-06-05T12:00:00+0000 carla 2024-06-05T12:00:00+0000 'Net: fix retry count off by one'
    # Line 20 is Wei's (landed by the merge of topic/stats), line 6 this branch's own.
    touch_lines Sources/Core/Cache.swift 20 20 'overflow'
    touch_lines Sources/Core/Cache.swift 6 6 'pinned'
    commit_as carla 2024-06-05T13:00:00+0000 carla 2024-06-05T13:00:00+0000 'Cache: fix statistics overflow and pinned eviction'
    # Add-only: a line inserted after line 30 (the initial commit's lines 30 and 31 around it).
    sed -i '30a\        guard timeout > 0 else { return nil }' Sources/Core/Net.swift
    commit_as carla 2024-06-05T14:00:00+0000 carla 2024-06-05T14:00:00+0000 'Net: fix missing timeout check'
    # A fix-up is never traced, though its subject names a fix: Bob's line 12 stays unblamed.
    touch_lines Sources/Core/Net.swift 12 12 'review'
    commit_as carla 2024-06-05T15:00:00+0000 carla 2024-06-05T15:00:00+0000 'fixup! Net: fix retry count off by one'
    # A fix of a line the branch wrote itself (line 22, between Wei's line 21 and the initial commit's line 23):
    # it corrects its branch's own work, so it is not traced and makes no claim (analysis revision 11).
    touch_lines Sources/Core/Cache.swift 22 22 'expiry'
    commit_as carla 2024-06-05T16:00:00+0000 carla 2024-06-05T16:00:00+0000 'Cache: add expiry'
    touch_lines Sources/Core/Cache.swift 22 22 'checked'
    commit_as carla 2024-06-05T17:00:00+0000 carla 2024-06-05T17:00:00+0000 'Cache: fix expiry check'

    switch main
    sed -i '1i // Net: the transport.\n// Retries and timeouts.\n//' Sources/Core/Net.swift
    commit_as alice 2024-06-06T09:00:00+0000 alice 2024-06-06T09:00:00+0000 'Net: add a header comment'
    merge_as alice 2024-06-07T09:00:00+0000 alice 2024-06-07T09:00:00+0000 "Merge branch 'topic/stats'" topic/stats
    merge_as alice 2024-06-10T09:00:00+0000 alice 2024-06-10T09:00:00+0000 "Merge branch 'topic/eviction'" topic/eviction
    drop_branch topic/stats topic/eviction
}

# fixmerge — a merge whose own title is a fix (`Merge branch 'fix/parser-limits'`): traced as a whole, and its
# branch's fix commits one by one too (issue 17, ADR 0025's second addendum). The branch's add-only fix blames
# Bob's lines around it, which the merge's whole diff (it also replaces a line) does not; its Lexer fix blames
# Wei's line both ways, counted once.
build_fixmerge() {
    new_repo fixmerge
    gen_swift Sources/Parser/Parser.swift Parser 40
    gen_swift Sources/Parser/Lexer.swift Lexer 30
    commit_as alice 2024-07-01T09:00:00+0000 alice 2024-07-01T09:00:00+0000 'Initial commit'

    touch_lines Sources/Parser/Parser.swift 10 11 'depth'
    commit_as bob 2024-07-02T09:00:00+0000 bob 2024-07-02T09:00:00+0000 'Parser: add depth limits'
    touch_lines Sources/Parser/Lexer.swift 15 15 'unicode'
    commit_as wei 2024-07-03T09:00:00+0000 wei 2024-07-03T09:00:00+0000 'Lexer: accept unicode identifiers'

    branch fix/parser-limits
    touch_lines Sources/Parser/Parser.swift 30 30 'configurable'
    commit_as carla 2024-07-04T09:00:00+0000 carla 2024-07-04T09:00:00+0000 'Parser: make the depth limit configurable'
    # Add-only: a line inserted between Bob's lines 10 and 11.
    sed -i '10a\        guard depth < limit else { return nil }' Sources/Parser/Parser.swift
    commit_as carla 2024-07-04T10:00:00+0000 carla 2024-07-04T10:00:00+0000 'Parser: fix missing depth check'
    touch_lines Sources/Parser/Lexer.swift 15 15 'escaped'
    commit_as carla 2024-07-04T11:00:00+0000 carla 2024-07-04T11:00:00+0000 'Lexer: fix escaped identifiers'

    switch main
    merge_as alice 2024-07-05T09:00:00+0000 alice 2024-07-05T09:00:00+0000 "Merge branch 'fix/parser-limits'" fix/parser-limits
    drop_branch fix/parser-limits
}

# ownwork — fix commits inside merged branches that correct their own branch's work (issue 17, analysis revision 11,
# ADR 0025's third addendum). topic/retry holds a fix of a line the branch wrote (no claim), a fix in a file the
# branch added (kept: a file missing where the branch forked says nothing of who wrote it) and a fix of a line the
# branch wrote that names the commit it fixes (kept, as the project says). topic/limits holds only a fix of its
# own line, so its merge is no fix.
build_ownwork() {
    new_repo ownwork
    gen_swift Sources/Core/Net.swift Net 30
    commit_as alice 2024-08-01T09:00:00+0000 alice 2024-08-01T09:00:00+0000 'Initial commit'

    branch topic/retry
    touch_lines Sources/Core/Net.swift 10 10 'retry'
    commit_as carla 2024-08-02T09:00:00+0000 carla 2024-08-02T09:00:00+0000 'Net: add retries'
    local retries
    retries=$(g rev-parse --short=12 HEAD)
    touch_lines Sources/Core/Net.swift 10 10 'bounded'
    commit_as carla 2024-08-02T10:00:00+0000 carla 2024-08-02T10:00:00+0000 'Net: fix retry loop'
    gen_swift Sources/Core/Backoff.swift Backoff 10
    commit_as carla 2024-08-02T11:00:00+0000 carla 2024-08-02T11:00:00+0000 'Net: add backoff'
    touch_lines Sources/Core/Backoff.swift 5 5 'capped'
    commit_as carla 2024-08-02T12:00:00+0000 carla 2024-08-02T12:00:00+0000 'Backoff: fix overflow'
    touch_lines Sources/Core/Net.swift 10 10 'jitter'
    commit_as carla 2024-08-02T13:00:00+0000 carla 2024-08-02T13:00:00+0000 "Net: fix retry jitter

Fixes: $retries (\"Net: add retries\")"
    switch main
    merge_as alice 2024-08-05T09:00:00+0000 alice 2024-08-05T09:00:00+0000 "Merge branch 'topic/retry'" topic/retry

    branch topic/limits
    touch_lines Sources/Core/Net.swift 20 20 'limit'
    commit_as wei 2024-08-06T09:00:00+0000 wei 2024-08-06T09:00:00+0000 'Net: add a size limit'
    touch_lines Sources/Core/Net.swift 20 20 'inclusive'
    commit_as wei 2024-08-06T10:00:00+0000 wei 2024-08-06T10:00:00+0000 'Net: fix off-by-one in the size limit'
    switch main
    merge_as alice 2024-08-07T09:00:00+0000 alice 2024-08-07T09:00:00+0000 "Merge branch 'topic/limits'" topic/limits
    drop_branch topic/retry topic/limits
}

report() { # NAME [extra]
    local head
    head=$(g -C "$TARGET/$1" rev-parse -q --verify HEAD 2>/dev/null || echo '(no commits)')
    printf '%-16s %s%s\n' "$1" "$head" "${2:+  $2}"
}

build_github_merge; report github-merge
build_bare;         report github-merge.git "(bare clone)"
build_shallow;      report shallow "(depth 3)"
build_squash;       report squash
build_corrupt;      report corrupt "(deleted loose blob $CORRUPT_BLOB)"
build_gerrit;       report gerrit
build_rebase;       report rebase
build_forges;       report forges
build_integration;  report integration
build_delivery;     report delivery
build_empty;        report empty "(unborn refs/heads/main)"
build_not_a_repo;   printf '%-16s %s\n' not-a-repo '(plain directory)'
build_applied;      report applied
build_branchfix;    report branchfix
build_fixmerge;     report fixmerge
build_ownwork;      report ownwork
