#!/usr/bin/env bash
# fuzz.sh — build Yardstick's fuzz targets with libFuzzer and AddressSanitizer, and run them.
#
# Usage: Scripts/fuzz.sh [--seconds N] [--jobs J] [--build-only] [TARGET…]
#   --seconds N   wall-clock seconds per target (default 60); the CPU seconds are measured and printed
#   --jobs J      targets run at once (default 1; the project's rule is at most 2)
#   --build-only  build the targets and stop
#   TARGET        config glob commit-message gitattributes timestamp pack (default: all of them)
#
# The targets are built outside the package (Package.swift is not touched): each Swift module a target
# needs is compiled from Sources/ (and Yams from .build/checkouts/Yams, fetched by `swift package resolve`)
# with `swiftc -sanitize=fuzzer,address`, the harness Fuzz/<target>/main.swift defines
# LLVMFuzzerTestOneInput, and libFuzzer supplies main. The pack target is pack.c with the C harness
# Fuzz/pack/harness.c, built with clang -fsanitize=fuzzer,address. Everything goes to .build/fuzz/.
#
# Each run starts from the seeds in Fuzz/corpus/<target>/ (plus what earlier runs kept in
# .build/fuzz/corpus/<target>/) and runs under `nice -n 19`. A crash, timeout or out-of-memory input is
# copied to Tests/FuzzRegressionTests/Inputs/<target>/, which the regression tests replay, and the target
# is started again for the rest of its time (at most 10 findings per target). An input counts as a timeout
# after 25 wall-clock seconds: under nice on a loaded machine, replay one before believing it.
# Per target the script prints the CPU seconds used, the inputs executed and the findings.
set -euo pipefail
# The Swift runtime's backtracer would race AddressSanitizer's and libFuzzer's reports.
export SWIFT_BACKTRACE=enable=no

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/.build/fuzz
ALL_TARGETS=(config glob commit-message gitattributes timestamp pack)
SECONDS_PER_TARGET=60
JOBS=1
BUILD_ONLY=0
TARGETS=()

usage() {
    sed -n '3,8p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 64
}

while [ $# -gt 0 ]; do
    case "$1" in
    --seconds)
        [ $# -ge 2 ] && [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -gt 0 ] || { echo "fuzz.sh: --seconds needs a whole number above 0" >&2; exit 64; }
        SECONDS_PER_TARGET=$2
        shift 2
        ;;
    --jobs)
        [ $# -ge 2 ] && [[ "$2" =~ ^[12]$ ]] || { echo "fuzz.sh: --jobs must be 1 or 2" >&2; exit 64; }
        JOBS=$2
        shift 2
        ;;
    --build-only) BUILD_ONLY=1; shift ;;
    -h | --help) usage ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 64 ;;
    *)
        [[ " ${ALL_TARGETS[*]} " == *" $1 "* ]] || { echo "fuzz.sh: unknown target '$1' (targets: ${ALL_TARGETS[*]})" >&2; exit 64; }
        TARGETS+=("$1")
        shift
        ;;
    esac
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL_TARGETS[@]}")

SWIFTC=${SWIFTC:-swiftc}
CLANG=${CLANG:-$(dirname "$(command -v "$SWIFTC")")/clang}
[ -x "$CLANG" ] || CLANG=clang
LLVM_AR=$(dirname "$CLANG")/llvm-ar
[ -x "$LLVM_AR" ] || LLVM_AR=ar
SANITIZE=(-sanitize=fuzzer,address)
OURS=(-swift-version 6 -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault
      -enable-upcoming-feature MemberImportVisibility)
mkdir -p "$OUT/lib" "$OUT/bin" "$OUT/logs"

# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------

# swift_module NAME DIRECTORY [EXTRA FLAGS…]: a static library and module interface in $OUT/lib.
swift_module() {
    local name=$1 dir=$2
    shift 2
    local sources=()
    # every Swift file of the target, subfolders included, in a fixed order
    while IFS= read -r f; do sources+=("$f"); done < <(find "$dir" -name '*.swift' | LC_ALL=C sort)
    # up to date: the library is newer than its sources, this script and the libraries it imports
    if [ -f "$OUT/lib/lib$name.a" ] && [ -z "$(find "${sources[@]}" "$0" "$OUT/lib" -newer "$OUT/lib/lib$name.a" -name '*.swift*' -o -newer "$OUT/lib/lib$name.a" -name 'fuzz.sh' 2>/dev/null)" ]; then
        return 0
    fi
    "$SWIFTC" -parse-as-library -O -g -enable-testing "${SANITIZE[@]}" -module-name "$name" -I "$OUT/lib" "$@" \
        -emit-module -emit-module-path "$OUT/lib/$name.swiftmodule" \
        -emit-library -static -o "$OUT/lib/lib$name.a" "${sources[@]}" >"$OUT/logs/build-$name.log" 2>&1 ||
        { cat "$OUT/logs/build-$name.log" >&2; echo "fuzz.sh: building module $name failed" >&2; exit 1; }
}

# swift_target TARGET LIBRARIES…: Fuzz/TARGET/main.swift linked with the libraries into $OUT/bin/TARGET.
swift_target() {
    local target=$1
    shift
    local libs=()
    for l in "$@"; do
        libs+=("-l$l")
        # a static archive's autolink entries (the Swift and Foundation libraries it needs) are not read
        # by the linker: pass them on
        if [ -f "$OUT/lib/$l.autolink" ]; then
            while IFS= read -r flag; do [ -n "$flag" ] && libs+=("$flag"); done < <(tr '\0' '\n' <"$OUT/lib/$l.autolink")
        fi
    done
    "$SWIFTC" -parse-as-library -O -g "${SANITIZE[@]}" "${OURS[@]}" -module-name "Fuzz_${target//-/_}" \
        -I "$OUT/lib" -I "$ROOT/.build/checkouts/Yams/Sources/CYaml/include" -L "$OUT/lib" -use-ld=lld \
        "$ROOT/Fuzz/$target/main.swift" "${libs[@]}" -o "$OUT/bin/$target" \
        >"$OUT/logs/build-$target.log" 2>&1 ||
        { cat "$OUT/logs/build-$target.log" >&2; echo "fuzz.sh: building target $target failed" >&2; exit 1; }
}

needs() { [[ " ${TARGETS[*]} " == *" $1 "* ]]; }

build() {
    echo "building fuzz targets in .build/fuzz (${TARGETS[*]})"
    if needs config || needs glob || needs commit-message || needs gitattributes || needs timestamp; then
        swift_module HistoryModel "$ROOT/Sources/HistoryModel" "${OURS[@]}"
        swift_module HistoryParsing "$ROOT/Sources/HistoryParsing" "${OURS[@]}"
    fi
    if needs config; then
        swift_module ReportContract "$ROOT/Sources/ReportContract" "${OURS[@]}"
        swift_module HistoryMetrics "$ROOT/Sources/HistoryMetrics" "${OURS[@]}"
    fi
    if needs config; then
        local yams=$ROOT/.build/checkouts/Yams
        if [ ! -d "$yams/Sources/CYaml" ]; then
            (cd "$ROOT" && swift package resolve >/dev/null)
        fi
        [ -d "$yams/Sources/CYaml" ] || { echo "fuzz.sh: Yams is not checked out in .build/checkouts/Yams (run swift package resolve)" >&2; exit 1; }
        local objs=()
        for c in "$yams"/Sources/CYaml/src/*.c; do
            local o=$OUT/lib/CYaml-$(basename "$c" .c).o
            "$CLANG" -c -O1 -g -fsanitize=fuzzer-no-link,address -DYAML_DECLARE_STATIC \
                -I "$yams/Sources/CYaml/include" "$c" -o "$o"
            objs+=("$o")
        done
        rm -f "$OUT/lib/libCYaml.a"
        "$LLVM_AR" rcs "$OUT/lib/libCYaml.a" "${objs[@]}"
        swift_module Yams "$yams/Sources/Yams" -swift-version 5 -D SWIFT_PACKAGE -I "$yams/Sources/CYaml/include" \
            -Xcc -DYAML_DECLARE_STATIC
        swift_module YardstickConfig "$ROOT/Sources/YardstickConfig" "${OURS[@]}" -I "$yams/Sources/CYaml/include" \
            -Xcc -DYAML_DECLARE_STATIC
        swift_target config YardstickConfig Yams CYaml HistoryMetrics ReportContract HistoryParsing HistoryModel
    fi
    needs glob && swift_target glob HistoryParsing
    needs commit-message && swift_target commit-message HistoryModel
    needs gitattributes && swift_target gitattributes HistoryParsing
    needs timestamp && swift_target timestamp HistoryParsing
    if needs pack; then
        "$CLANG" -O1 -g -fsanitize=fuzzer,address -I "$ROOT/Sources/CGitPack/include" \
            "$ROOT/Fuzz/pack/harness.c" "$ROOT/Sources/CGitPack/pack.c" "$ROOT/Sources/CGitPack/verify.c" -lgit2 -lz -lpthread -o "$OUT/bin/pack" \
            >"$OUT/logs/build-pack.log" 2>&1 ||
            { cat "$OUT/logs/build-pack.log" >&2; echo "fuzz.sh: building target pack failed" >&2; exit 1; }
    fi
}

build
[ "$BUILD_ONLY" = 1 ] && exit 0

# ---------------------------------------------------------------------------
# Run
# ---------------------------------------------------------------------------

max_len() {
    case "$1" in
    timestamp) echo 64 ;;
    glob) echo 1024 ;;
    pack) echo 65536 ;;
    *) echo 8192 ;;
    esac
}

# fuzz_target TARGET: runs it for SECONDS_PER_TARGET wall seconds; writes $OUT/logs/TARGET.summary.
fuzz_target() {
    local target=$1
    local corpus=$OUT/corpus/$target artifacts=$OUT/artifacts/$target
    local regress=$ROOT/Tests/FuzzRegressionTests/Inputs/$target
    rm -rf "$artifacts"
    mkdir -p "$corpus" "$artifacts"
    local cpu=0 execs=0 findings=0 runs=0 names=""
    local start=$(date +%s)
    local log=$OUT/logs/$target.log
    : >"$log"
    while :; do
        local left=$((SECONDS_PER_TARGET - ($(date +%s) - start)))
        [ "$left" -gt 0 ] && [ "$findings" -lt 10 ] || break
        runs=$((runs + 1))
        local times=$OUT/logs/$target.time run=$OUT/logs/$target.run.log
        set +e
        /usr/bin/time -f "%U %S" -o "$times" nice -n 19 "$OUT/bin/$target" \
            -max_total_time="$left" -max_len="$(max_len "$target")" -timeout=25 -rss_limit_mb=2048 \
            -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$ROOT/Fuzz/corpus/$target" >"$run" 2>&1
        set -e
        cat "$run" >>"$log"
        cpu=$(awk -v c="$cpu" '/^[0-9.]+ [0-9.]+$/ { c += $1 + $2 } END { printf "%.1f", c }' "$times")
        local n
        n=$(grep '^stat::number_of_executed_units:' "$run" | tail -n 1 | awk '{ print $2 }')
        execs=$((execs + ${n:-0}))
        local found
        # (libFuzzer also writes slow-unit-* files: slow under the machine's load, not failures)
        found=$(sed -n 's/.*Test unit written to \(.*\/\(crash\|timeout\|oom\|leak\)-[0-9a-f]*\)$/\1/p' "$run")
        if [ -n "$found" ]; then
            mkdir -p "$regress"
            while IFS= read -r unit; do
                findings=$((findings + 1))
                names="$names $(basename "$unit")"
                cp "$unit" "$regress"/
                echo "$target: $(basename "$unit"): $(grep -m 1 -E 'Fatal error|ERROR: (AddressSanitizer|libFuzzer)' "$run")" >&2
            done <<<"$found"
        elif ! grep -q '^Done [0-9]* runs' "$run"; then
            tail -n 20 "$run" >&2
            echo "fuzz.sh: $target stopped without finishing or a finding (see .build/fuzz/logs/$target.log)" >&2
            break
        fi
    done
    local distinct
    distinct=$(printf '%s\n' $names | sort -u | grep -c . || true)
    printf '%-15s %10s %14s %9s %9s %5s\n' "$target" "$cpu" "$execs" "$findings" "$distinct" "$runs" >"$OUT/logs/$target.summary"
}

printf 'fuzzing %s for %s s each, %s at a time, under nice -n 19\n' "${TARGETS[*]}" "$SECONDS_PER_TARGET" "$JOBS"
running=0
for target in "${TARGETS[@]}"; do
    fuzz_target "$target" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

printf '%-15s %10s %14s %9s %9s %5s\n' target cpu_seconds executions findings distinct runs
total_findings=0
for target in "${TARGETS[@]}"; do
    cat "$OUT/logs/$target.summary"
    total_findings=$((total_findings + $(awk '{ print $4 }' "$OUT/logs/$target.summary")))
done
if [ "$total_findings" -gt 0 ]; then
    echo "findings copied to Tests/FuzzRegressionTests/Inputs/<target>/; details in .build/fuzz/logs/<target>.log"
    exit 1
fi
