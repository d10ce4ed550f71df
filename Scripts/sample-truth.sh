#!/usr/bin/env bash
# sample-truth.sh — print the ground-truth table for one sample repository.
#
# Usage: Scripts/sample-truth.sh REPO_DIR [BRANCH]      (BRANCH defaults to HEAD)
#        Scripts/sample-truth.sh --delivery REPO_DIR [BRANCH]
#
# With --delivery it prints the review / rework / test / ADR tables of the
# `delivery` section of sample-repos/README.md instead (see delivery_truth).
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
MODE=sizes
if [[ ${1:-} == --delivery ]]; then MODE=delivery; shift; fi
REPO=${1:?usage: sample-truth.sh [--delivery] REPO_DIR [BRANCH]}
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

# ---------------------------------------------------------------------------
# --delivery: review, rework, test and ADR ground truth (sample-repos/README.md
# section "delivery"). Times are committer (%ct) / author (%at) epoch seconds;
# spans are printed in hours (or days), exact to the second.
# ---------------------------------------------------------------------------
REVIEW_KEYS='^(Reviewed-by|Acked-by|Approved-by|Tested-by):'
ADR_DIRS=(docs/adr doc/adr docs/decisions)

hours() { awk -v s="$1" 'BEGIN { printf "%.10g", s / 3600 }'; }
days() { awk -v s="$1" 'BEGIN { printf "%.4g", s / 86400 }'; }

# attributed COMMIT -> "Name <email>" (mailmapped): the majority author of the
# branch side of a merge (ties: alphabetical), else the commit's author.
attributed() {
    local ps
    read -r -a ps <<<"$(g rev-list --parents -n 1 "$1")"
    if ((${#ps[@]} >= 3)); then
        g log --use-mailmap --format='%aN <%aE>' "${ps[@]:2}" --not "${ps[1]}" |
            sort | uniq -c | sort -k1,1nr -k2 | head -1 | sed 's/^ *[0-9]* //'
    else
        g log -1 --use-mailmap --format='%aN <%aE>' "$1"
    fi
}

is_test_path() {
    local p=$1 base=${1##*/}
    case "/$p" in */tests/* | */Tests/*) return 0 ;; esac
    case "$base" in *_test.go | test_*.py | *Tests.swift | *.spec.ts) return 0 ;; esac
    return 1
}

# numstat_split BASE SIDE -> sets TADD TDEL OADD ODEL (test / other lines)
numstat_split() {
    local rec a d rest path old
    TADD=0 TDEL=0 OADD=0 ODEL=0
    while IFS= read -r -d '' rec; do
        a=${rec%%$'\t'*}; rest=${rec#*$'\t'}; d=${rest%%$'\t'*}; path=${rest#*$'\t'}
        if [[ -z $path ]]; then
            IFS= read -r -d '' old
            IFS= read -r -d '' path
        fi
        [[ $a == - ]] && continue
        if is_test_path "$path"; then
            TADD=$((TADD + a)); TDEL=$((TDEL + d))
        else
            OADD=$((OADD + a)); ODEL=$((ODEL + d))
        fi
    done < <(if [[ -z $1 ]]; then g diff-tree -r --root --no-commit-id --numstat -z "$2"
             else g diff --numstat -z "$1" "$2"; fi)
}

# deleted_blame OLD NEW [diff options] -> one line per deleted line of
# "git diff -U0 OLD NEW": the full id that "git blame --first-parent --root OLD"
# names for it (OLD must be on the first-parent line for that to name landings).
deleted_blame() {
    local old=$1 new=$2 line path='' s c
    shift 2
    while IFS= read -r line; do
        case $line in
            '--- a/'*) path=${line#--- a/} ;;
            '--- /dev/null') path='' ;;
            '@@ -'*)
                s=${line#@@ -}; s=${s%% *}
                if [[ $s == *,* ]]; then c=${s#*,}; s=${s%,*}; else c=1; fi
                if ((c > 0)) && [[ -n $path ]]; then
                    g blame --first-parent --root -l -s -L "$s,+$c" "$old" -- "$path" | cut -c1-40
                fi ;;
        esac
    done < <(g diff -U0 --no-color "$@" "$old" "$new")
}

delivery_truth() {
    local -a line
    mapfile -t line < <(g rev-list --first-parent --reverse "$BRANCH")
    local -A AUTH CT
    local sha n=0
    for sha in "${line[@]}"; do
        AUTH[$sha]=$(attributed "$sha")
        CT[$sha]=$(g log -1 --format=%ct "$sha")
    done

    echo "## Landed changes (first-parent line of $BRANCH)"
    echo
    echo "Reviewed diff: merge M -> merge-base(M^1,M^2)..M^2; other C -> C^..C. Reviewers: distinct mailmapped"
    echo "Reviewed-by/Acked-by/Approved-by/Tested-by trailer identities on M and its branch commits (or on C),"
    echo "minus the attributed author. tip = M^2; first = first of 'rev-list --topo-order --reverse M^2 --not M^1'."
    echo
    echo "| # | commit | subject | author (attributed) | landed (committer date) | branch commits | fixup!/squash! | 'address review comments' | reviewers | M.ct - tip.ct (h) | M.ct - first.at (h) | C.ct - C.at (h) | test +/- | other +/- | ADRs added |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    local ps base side subj landed nbr nfix nrev revs span1 span2 span3 adrs author
    for sha in "${line[@]}"; do
        n=$((n + 1))
        read -r -a ps <<<"$(g rev-list --parents -n 1 "$sha")"
        subj=$(g log -1 --format=%s "$sha")
        landed=$(g log -1 --format=%cd --date=format:'%a %Y-%m-%d %H:%M %z' "$sha")
        author=${AUTH[$sha]}
        local msgs_from=("$sha")
        nbr='-' nfix='-' nrev='-' span1='-' span2='-' span3='-'
        if ((${#ps[@]} >= 3)); then
            side=${ps[2]}
            base=$(g merge-base "${ps[1]}" "$side")
            local branch_commits
            mapfile -t branch_commits < <(g rev-list --topo-order --reverse "$side" --not "${ps[1]}")
            nbr=${#branch_commits[@]}
            nfix=$(g log --format=%s "$side" --not "${ps[1]}" | grep -cE '^(fixup|squash)! ' || true)
            nrev=$(g log --format=%s "$side" --not "${ps[1]}" | grep -cix 'address review comments' || true)
            span1=$(hours $((CT[$sha] - $(g log -1 --format=%ct "$side"))))
            span2=$(hours $((CT[$sha] - $(g log -1 --format=%at "${branch_commits[0]}"))))
            msgs_from+=("${branch_commits[@]}")
        else
            side=$sha
            if ((${#ps[@]} == 2)); then base=${ps[1]}; else base=''; fi
            span3=$(hours $((CT[$sha] - $(g log -1 --format=%at "$sha"))))
        fi
        revs=$(for c in "${msgs_from[@]}"; do g log -1 --format='%(trailers:only,unfold)' "$c"; done |
            grep -E "$REVIEW_KEYS" | sed 's/^[^:]*: *//' |
            while IFS= read -r id; do g check-mailmap "$id"; done |
            sort -u | grep -vxF "$author" | sed 's/ <.*//' | paste -sd ',' - | sed 's/,/, /g' || true)
        local nrevs=0
        [[ -n $revs ]] && nrevs=$(awk -F', ' '{ print NF }' <<<"$revs")
        numstat_split "$base" "$side"
        if [[ -n $base ]]; then
            adrs=$(g diff --name-only --diff-filter=A "$base" "$side" -- "${ADR_DIRS[@]}" | paste -sd ' ' -)
        else
            adrs=$(g diff-tree -r --root --no-commit-id --name-only --diff-filter=A "$side" -- "${ADR_DIRS[@]}" | paste -sd ' ' -)
        fi
        printf '| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
            "$n" "${sha:0:7}" "$(esc "$subj")" "$(esc "${author% <*}")" "$landed" "$nbr" "$nfix" "$nrev" \
            "$nrevs${revs:+ ($revs)}" "$span1" "$span2" "$span3" "$TADD/$TDEL" "$OADD/$ODEL" "${adrs:--}"
    done

    echo
    echo "## Deleted lines by introducing landing"
    echo
    echo "Lines deleted by 'git diff -U0 C^1 C', blamed with 'git blame --first-parent --root C^1'."
    echo "age = C.ct - I.ct; own = same attributed author. '-w': the same with 'git diff -w'."
    echo
    echo "| # | commit | deleted | deleted (-w) | by introducing landing I (author, age days, own/other) x lines | < 21 d own | < 21 d others | >= 21 d |"
    echo "|---|---|---|---|---|---|---|---|"
    local -A REWORK=() REWORK_BY=()
    local i tot totw own oth old detail intro cnt age
    n=0
    for sha in "${line[@]}"; do
        n=$((n + 1))
        read -r -a ps <<<"$(g rev-list --parents -n 1 "$sha")"
        ((${#ps[@]} >= 2)) || continue
        local blamed
        blamed=$(deleted_blame "${ps[1]}" "$sha")
        [[ -z $blamed ]] && continue
        tot=$(wc -l <<<"$blamed")
        totw=$(deleted_blame "${ps[1]}" "$sha" -w | grep -c . || true)
        own=0 oth=0 old=0 detail=''
        while read -r cnt intro; do
            age=$((CT[$sha] - CT[$intro]))
            local who=other
            [[ ${AUTH[$intro]} == "${AUTH[$sha]}" ]] && who=own
            detail+="${detail:+; }\`${intro:0:7}\` (${AUTH[$intro]% <*}, $(days "$age") d, $who) x$cnt"
            if ((age < 21 * 86400)); then
                if [[ $who == own ]]; then own=$((own + cnt)); else oth=$((oth + cnt)); fi
                REWORK[$intro]=$((${REWORK[$intro]:-0} + cnt))
                REWORK_BY[$intro]+="${REWORK_BY[$intro]:+, }${sha:0:7} x$cnt"
            else
                old=$((old + cnt))
            fi
        done < <(sort <<<"$blamed" | uniq -c | sort -k1,1nr -k2)
        printf '| %d | %s | %d | %d | %s | %d | %d | %d |\n' "$n" "${sha:0:7}" "$tot" "$totw" "$detail" "$own" "$oth" "$old"
    done

    echo
    echo "## Rework received within 21 days of landing"
    echo
    echo "added = lines added by 'git diff C^1 C'; rewritten = those of them deleted by later landings"
    echo "less than 21 days after C landed (from the table above)."
    echo
    echo "| # | commit | added | rewritten < 21 d | share | by |"
    echo "|---|---|---|---|---|---|"
    n=0
    local added
    for sha in "${line[@]}"; do
        n=$((n + 1))
        [[ -n ${REWORK[$sha]:-} ]] || continue
        read -r -a ps <<<"$(g rev-list --parents -n 1 "$sha")"
        numstat_split "${ps[1]:-}" "$sha"
        added=$((TADD + OADD))
        printf '| %d | %s | %d | %d | %s%% | %s |\n' "$n" "${sha:0:7}" "$added" "${REWORK[$sha]}" \
            "$(awk -v a="${REWORK[$sha]}" -v b="$added" 'BEGIN { printf "%.1f", 100 * a / b }')" "${REWORK_BY[$sha]}"
    done

    echo
    echo "## Rewrites inside PR branches (before merge)"
    echo
    echo "For each branch commit B of merge M: lines deleted by B^..B that 'git blame B^' attributes to an"
    echo "earlier commit of the same branch. added = sum of lines added by the branch commits."
    echo
    echo "| # | merge | branch commits | added by branch commits | rewritten inside the branch | of which from the first branch commit | first branch commit added |"
    echo "|---|---|---|---|---|---|---|"
    n=0
    local -A inbranch=()
    for sha in "${line[@]}"; do
        n=$((n + 1))
        read -r -a ps <<<"$(g rev-list --parents -n 1 "$sha")"
        ((${#ps[@]} >= 3)) || continue
        local bc b first='' sum=0 inner=0 fromfirst=0 firstadd=0 a d rest
        inbranch=()
        mapfile -t bc < <(g rev-list --topo-order --reverse "${ps[2]}" --not "${ps[1]}")
        for b in "${bc[@]}"; do inbranch[$b]=1; done
        first=${bc[0]}
        for b in "${bc[@]}"; do
            [[ $(g rev-list --parents -n 1 "$b" | wc -w) == 2 ]] || continue
            while read -r a d rest; do [[ $a == - ]] || sum=$((sum + a)); done < <(g diff --numstat "$b^" "$b")
            [[ $b == "$first" ]] && firstadd=$sum
            while read -r intro; do
                [[ -n ${inbranch[$intro]:-} ]] || continue
                inner=$((inner + 1))
                [[ $intro == "$first" ]] && fromfirst=$((fromfirst + 1))
            done < <(deleted_blame "$b^" "$b")
        done
        ((inner > 0)) || continue
        printf '| %d | %s | %d | %d | %d | %d | %d |\n' "$n" "${sha:0:7}" "${#bc[@]}" "$sum" "$inner" "$fromfirst" "$firstadd"
    done
}

if [[ $MODE == delivery ]]; then
    delivery_truth
    exit 0
fi

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
