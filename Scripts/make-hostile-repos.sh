#!/usr/bin/env bash
# make-hostile-repos.sh — build deterministic git repositories whose text is hostile to terminals and
# Markdown, for Yardstick's escaping tests.
#
# Usage: Scripts/make-hostile-repos.sh TARGET_DIR
#
# Builds TARGET_DIR/hostile: author names holding ESC[31m, BEL, CR and bidi overrides; subjects holding
# <script>, <img onerror=…>, a javascript: link, EventLoopFuture<T>, __init__ and control characters; a
# checked-out branch whose name holds a backtick; a path holding a newline and a file whose text holds
# ESC; a C1 control; a .gitattributes pattern that is exponential to a backtracking matcher; a bot whose name sets the terminal title; an author whose e-mail domain holds an escape sequence (so a group is named after it).
#
# Every commit object is written by hand (git hash-object) with fixed identities and dates, so the bytes
# are exactly these (git commit would keep them too, but this does not depend on it) and two runs give
# the same commit ids. The user's and the system's git configuration are ignored, as in
# Scripts/make-sample-repos.sh. Needs bash, git, coreutils and printf.
set -euo pipefail

TARGET=${1:?usage: make-hostile-repos.sh TARGET_DIR}
mkdir -p "$TARGET"
TARGET=$(cd "$TARGET" && pwd)

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
        -c commit.gpgsign=false -c core.autocrlf=false -c core.eol=lf \
        -c core.hooksPath=/dev/null -c core.fileMode=true -c core.quotePath=true \
        -c gc.auto=0 -c maintenance.auto=false -c i18n.commitEncoding=UTF-8 \
        "$@"
}

ESC=$'\e'
BEL=$'\a'
CR=$'\r'
# UTF-8 bytes, whatever the locale.
RLO=$'\xe2\x80\xae'   # U+202E RIGHT-TO-LEFT OVERRIDE
PDF=$'\xe2\x80\xac'   # U+202C POP DIRECTIONAL FORMATTING
LRI=$'\xe2\x81\xa6'   # U+2066 LEFT-TO-RIGHT ISOLATE
PDI=$'\xe2\x81\xa9'   # U+2069 POP DIRECTIONAL ISOLATE
CSI=$'\xc2\x9b'       # U+009B, the C1 control sequence introducer

# The cast: "name|email".
ALICE="Alice Anders|alice@acme.com"
EVE="Eve ${ESC}[31mRed${ESC}[0m|eve@acme.com"
BELLA="Bella${BEL} Bell|bella@acme.com"
CARL="Carl${CR}Overwrite|carl@acme.com"
BIDI="Bidi ${RLO}evil${PDF} ${LRI}x${PDI} ${CSI}31m|bidi@acme.com"
MALLORY="Mallory|mallory@evil${ESC}[31m.example"
BOT="robo${ESC}]0;pwned${BEL}[bot]|robo[bot]@users.noreply.github.com"

# commit_as "name|email" DATE MESSAGE — stages everything and writes the commit by hand.
commit_as() {
    local name=${1%%|*} email=${1#*|} date=$2 message=$3 tree parent sha
    g add -A
    tree=$(g write-tree)
    parent=$(g rev-parse -q --verify HEAD || true)
    sha=$({
        printf 'tree %s\n' "$tree"
        [[ -n $parent ]] && printf 'parent %s\n' "$parent"
        printf 'author %s <%s> %s +0000\n' "$name" "$email" "$(date -d "$date" +%s)"
        printf 'committer %s <%s> %s +0000\n' "$name" "$email" "$(date -d "$date" +%s)"
        printf '\n%s\n' "$message"
    } | g hash-object -t commit -w --literally --stdin)
    g update-ref HEAD "$sha"
}

rm -rf "${TARGET:?}/hostile"
g init -q "$TARGET/hostile"
cd "$TARGET/hostile"
# The checked-out branch has a backtick in its name (allowed by git-check-ref-format).
g symbolic-ref HEAD 'refs/heads/feat`x'

printf 'hello\n' > README.md
# A .gitattributes pattern that takes exponential time to a backtracking matcher, and names it must
# be tried on: 40 a's (no match) and 40 a's then b (a match: generated, so not counted).
AS=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
printf '*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b linguist-generated\n' > .gitattributes
printf 'x\n' > "$AS"
printf 'y\n' > "${AS}b"
commit_as "$ALICE" 2024-03-01T09:00:00Z 'Initial import'

printf 'alert\n' > a.js
commit_as "$EVE" 2024-03-02T09:00:00Z '<script>alert(1)</script>'

printf 'img\n' > b.html
commit_as "$BELLA" 2024-03-03T09:00:00Z '<img src=x onerror=alert(1)>'

printf 'link\n' > c.md
commit_as "$CARL" 2024-03-04T09:00:00Z '[x](javascript:alert(1))'

printf 'future\n' > d.swift
commit_as "$BIDI" 2024-03-05T09:00:00Z 'Add EventLoopFuture<T> & __init__ *helpers* `now` | #1'

printf 'one\ntwo\n' > $'new\nline.txt'
commit_as "$MALLORY" 2024-03-06T09:00:00Z "Subject with ESC ${ESC}[31mred${ESC}[0m and BEL${BEL} and DEL"$'\x7f'

printf 'plain\n\ttabbed\ncolour %s[31mred%s[0m\n' "$ESC" "$ESC" > $'esc\e[31m.txt'
commit_as "$ALICE" 2024-03-07T09:00:00Z '# Not a heading'

printf 'bump\n' > deps.txt
commit_as "$BOT" 2024-03-08T09:00:00Z 'Bump <b>deps</b>'
