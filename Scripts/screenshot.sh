#!/usr/bin/env bash
# screenshot.sh — look at an HTML report in a real browser (Debian's chromium, headless).
#
# Usage: Scripts/screenshot.sh [REPORT.html PNG [DOM.html]]
#   With a report: renders it to PNG (1280x2000 unless SCREENSHOT_SIZE=W,H is set) and, when DOM.html is
#   given, writes the page's DOM as the browser built it. Without arguments: builds yardstick and the sample
#   repositories, renders the `delivery` sample's report (--window month) and writes docs/images/html-report.png.
#
# Fails (exit 1) when the page logs anything to the browser console: a script error ("Uncaught …"), a
# Content-Security-Policy violation ("… violates the following Content Security Policy directive …",
# "Refused to …") or any console message. Installs chromium with apt-get when it is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v chromium >/dev/null 2>&1; then
    echo "screenshot: installing chromium" >&2
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >&2
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [ $# -eq 0 ]; then
    (cd "$ROOT" && swift build -c release --product yardstick >&2)
    bash "$ROOT/Scripts/make-sample-repos.sh" "$WORK/samples" >/dev/null
    (cd "$WORK/samples" && "$ROOT/.build/release/yardstick" analyze delivery --format html --window month -o "$WORK/report.html")
    REPORT="$WORK/report.html"
    PNG="$ROOT/docs/images/html-report.png"
    DOM=""
    # Small enough for the README (< 300 KB), tall enough for the summary matrix and the first group.
    SCREENSHOT_SIZE="${SCREENSHOT_SIZE:-1100,1250}"
elif [ $# -ge 2 ]; then
    REPORT="$1"
    PNG="$2"
    DOM="${3:-}"
else
    echo "usage: Scripts/screenshot.sh [REPORT.html PNG [DOM.html]]" >&2
    exit 64
fi

if [ ! -f "$REPORT" ]; then
    echo "screenshot: $REPORT: no such file" >&2
    exit 1
fi
REPORT="$(cd "$(dirname "$REPORT")" && pwd)/$(basename "$REPORT")"
SIZE="${SCREENSHOT_SIZE:-1280,2000}"
# A private profile, so no user profile, extension or first-run state changes what the page does.
FLAGS=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
    --user-data-dir="$WORK/profile" --enable-logging=stderr --v=0)

timeout 120 chromium "${FLAGS[@]}" --window-size="$SIZE" --screenshot="$PNG" "file://$REPORT" >"$WORK/shot.out" 2>"$WORK/shot.log" || {
    echo "screenshot: chromium failed on $REPORT:" >&2
    tail -5 "$WORK/shot.log" >&2
    exit 1
}
timeout 120 chromium "${FLAGS[@]}" --dump-dom "file://$REPORT" >"$WORK/dom.html" 2>"$WORK/dom.log" || {
    echo "screenshot: chromium could not dump the DOM of $REPORT" >&2
    exit 1
}
if [ -n "$DOM" ]; then cp "$WORK/dom.html" "$DOM"; fi

# Console messages are logged as `INFO:CONSOLE…] "message", source: …`.
if grep -h -E ':CONSOLE|Uncaught|Refused to|Content Security Policy' "$WORK/shot.log" "$WORK/dom.log" >"$WORK/console.txt"; then
    echo "screenshot: $REPORT logged to the browser console:" >&2
    sed -E 's/^\[[^]]*\] ?//' "$WORK/console.txt" | sort -u >&2
    exit 1
fi
if [ ! -s "$PNG" ]; then
    echo "screenshot: chromium wrote no picture for $REPORT" >&2
    exit 1
fi
echo "screenshot: $PNG ($(wc -c <"$PNG") bytes), no console messages"
