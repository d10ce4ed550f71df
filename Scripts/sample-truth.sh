#!/usr/bin/env bash
# sample-truth.sh — print the ground-truth table for one sample repository.
#
# Usage: Scripts/sample-truth.sh REPO_DIR [BRANCH]      (BRANCH defaults to HEAD)
#
# For every commit on BRANCH's first-parent line, oldest first, prints one
# Markdown table row with the diff the reviewer saw:
#   merge M (side parents P...): sum over P of  git diff --numstat $(git merge-base M^1 P) P
#   single commit C:             git diff --numstat C^ C
#                                (root: git diff-tree --root, i.e. against the empty tree;
#                                 "git diff 4b825dc6... C" fails with "bad object" in git
#                                 2.39 when the empty tree is not stored in the repository)
# and after a run of >= 2 consecutive non-merge commits with an identical
# committer (name, email, date) — a rebase-merge group — one extra row for
#   group first..last:           git diff --numstat first^ last
#
# Columns: "+"/"-" sum every text file (binary files show "-" in numstat and
# add nothing); "c+"/"c-" only the counted files, i.e. excluding lock files,
# vendor/ third_party/ node_modules/ paths, and paths whose .gitattributes (as
# of the change's tip tree) say linguist-generated, linguist-vendored, binary
# or -diff. The "excluded" column lists those paths with the reason.
# "branch-side authors" counts (mailmapped) authors of commits reachable from
# the side parents but not from M^1, i.e. what PR attribution should use.
# Bytes outside printable ASCII in names are shown as \xNN.
#
# The kind column of sample-repos/README.md is assigned by hand; this script
# only computes the numbers. Uses default git diff options (rename detection on).
set -euo pipefail

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C
REPO=${1:?usage: sample-truth.sh REPO_DIR [BRANCH]}
BRANCH=${2:-HEAD}

g() { git -C "$REPO" "$@"; }

TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT

esc() { # escape bytes outside printable ASCII, and '|' for Markdown tables
    local s=$1 out='' c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        if [[ $c == '|' ]]; then
            out+='\|'
        elif [[ $c == [\ -~] ]]; then
            out+=$c
        else
            out+=$(printf '\\x%02x' "'$c")
        fi
    done
    printf '%s' "$out"
}

LOCKS=' package-lock.json Package.resolved yarn.lock Cargo.lock go.sum Gemfile.lock poetry.lock composer.lock pnpm-lock.yaml '

# exclusion_reason PATH -> prints reasons (comma separated) or nothing.
# Needs $GIT_INDEX_FILE pointing at an index holding the change's tip tree.
exclusion_reason() {
    local p=$1 base r=() attrs
    base=${p##*/}
    [[ $LOCKS == *" $base "* ]] && r+=(lockfile)
    case "/$p" in
        */vendor/*) r+=(vendor/) ;;
        */third_party/*) r+=(third_party/) ;;
        */node_modules/*) r+=(node_modules/) ;;
    esac
    attrs=$(GIT_INDEX_FILE=$IDX g check-attr --cached linguist-generated linguist-vendored binary diff -- "$p")
    [[ $attrs == *"linguist-generated: set"* || $attrs == *"linguist-generated: true"* ]] && r+=(linguist-generated)
    [[ $attrs == *"linguist-vendored: set"* || $attrs == *"linguist-vendored: true"* ]] && r+=(linguist-vendored)
    [[ $attrs == *"binary: set"* ]] && r+=(binary-attr)
    [[ $attrs == *"diff: unset"* && $attrs != *"binary: set"* ]] && r+=(-diff)
    local IFS=,
    printf '%s' "${r[*]:-}"
}

# measure TIP_FOR_ATTRS BASE1 SIDE1 [BASE2 SIDE2 ...]
# sets ADD DEL CADD CDEL EXCL
measure() {
    local tip=$1; shift
    IDX=$TMPD/index
    rm -f "$IDX"
    GIT_INDEX_FILE=$IDX g read-tree "$tip"
    ADD=0 DEL=0 CADD=0 CDEL=0 EXCL=''
    local -A seen=()
    while (($#)); do
        local base=$1 side=$2; shift 2
        local rec a d rest path old reason
        while IFS= read -r -d '' rec; do
            a=${rec%%$'\t'*}; rest=${rec#*$'\t'}; d=${rest%%$'\t'*}; path=${rest#*$'\t'}
            if [[ -z $path ]]; then
                IFS= read -r -d '' old
                IFS= read -r -d '' path
            fi
            reason=$(exclusion_reason "$path")
            if [[ $a == - ]]; then
                [[ -z $reason ]] && reason=binary-content
            else
                ADD=$((ADD + a)); DEL=$((DEL + d))
                if [[ -z $reason ]]; then
                    CADD=$((CADD + a)); CDEL=$((CDEL + d))
                fi
            fi
            if [[ -n $reason && -z ${seen[$path]:-} ]]; then
                seen[$path]=1
                EXCL+="${EXCL:+; }\`$path\` ($reason)"
            fi
        done < <(if [[ -z $base ]]; then
                     # root commit: diff against the empty tree
                     g diff-tree -r --root --no-commit-id --numstat -z "$side"
                 else
                     g diff --numstat -z "$base" "$side"
                 fi)
    done
}

echo "| # | commit | parents | subject | author (mailmap) | committer | branch-side authors | + | - | c+ | c- | excluded from counted size |"
echo "|---|--------|---------|---------|-----------------|-----------|---------------------|---|---|----|----|----------------------------|"

n=0
prev_key='' run_first='' run_last='' run_len=0
flush_run() {
    if ((run_len >= 2)); then
        measure "$run_last" "$run_first^" "$run_last"
        printf '| group | %s..%s | | rebase group of %d (%s) | | | | %d | %d | %d | %d | %s |\n' \
            "${run_first:0:7}" "${run_last:0:7}" "$run_len" "$(esc "$prev_key")" \
            "$ADD" "$DEL" "$CADD" "$CDEL" "${EXCL:--}"
    fi
    run_len=0 run_first='' run_last=''
}

while read -r sha; do
    n=$((n + 1))
    read -r -a all <<<"$(g rev-list --parents -n 1 "$sha")"
    ps=("${all[@]:1}")
    subject=$(g log -1 --format=%s "$sha")
    author=$(g log -1 --use-mailmap --format='%aN <%aE>' "$sha")
    committer=$(g log -1 --format='%cn <%ce> %cd' --date=iso-strict "$sha")
    key=$(g log -1 --format='%cn <%ce> %cd' --date=raw "$sha")
    sideauth='-'
    if ((${#ps[@]} >= 2)); then
        flush_run
        args=()
        for p in "${ps[@]:1}"; do
            args+=("$(g merge-base "${ps[0]}" "$p")" "$p")
        done
        measure "$sha" "${args[@]}"
        sideauth=$(g log --use-mailmap --format='%aN <%aE>' "${ps[@]:1}" --not "${ps[0]}" |
            sort | uniq -c | sort -k1,1nr -k2 | sed 's/^ *\([0-9]*\) \(.*\)$/\2 x\1/' |
            paste -sd ';' - | sed 's/;/; /g')
        pc="${#ps[@]}"
    else
        if ((${#ps[@]} == 0)); then base=""; pc=0; else base=${ps[0]}; pc=1; fi
        if [[ $pc == 1 && $key == "$prev_key" ]]; then
            run_len=$((run_len + 1)); run_last=$sha
        else
            flush_run
            run_first=$sha run_last=$sha run_len=1
        fi
        measure "$sha" "$base" "$sha"
    fi
    prev_key=$key
    printf '| %d | %s | %s | %s | %s | %s | %s | %d | %d | %d | %d | %s |\n' \
        "$n" "${sha:0:7}" "$pc" "$(esc "$subject")" "$(esc "$author")" "$(esc "$committer")" \
        "$(esc "$sideauth")" "$ADD" "$DEL" "$CADD" "$CDEL" "${EXCL:--}"
done < <(g rev-list --first-parent --reverse "$BRANCH")
flush_run
