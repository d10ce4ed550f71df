#!/usr/bin/env bash
# Installs what Yardstick needs to build: the system libgit2 (Debian libgit2-dev, 1.5.x), libdeflate for the pack reader
# (libdeflate-dev), SQLite, Zstandard and zlib for the store (libsqlite3-dev, libzstd-dev, zlib1g-dev) and pkg-config; Debian's postgresql, whose throw-away cluster
# (Scripts/postgres-test-server.sh) the tests of the PostgreSQL store run against; Debian's chromium, which the tests and Scripts/screenshot.sh
# use to look at the HTML report; and cmark-gfm, the CommonMark (GitHub) renderer the tests render the Markdown
# report with. Sourced by Scripts/run.sh and Scripts/test.sh; does nothing when all are already there.
set -euo pipefail

if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libgit2 libdeflate sqlite3 libzstd zlib \
    || ! command -v chromium >/dev/null 2>&1 || ! command -v cmark-gfm >/dev/null 2>&1 \
    || ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    echo "setup: installing libgit2-dev, libdeflate-dev, libsqlite3-dev, libzstd-dev, zlib1g-dev, pkg-config, postgresql, chromium and cmark-gfm" >&2
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libgit2-dev libdeflate-dev libsqlite3-dev libzstd-dev zlib1g-dev pkg-config \
        postgresql chromium cmark-gfm >&2
fi
if ! command -v git >/dev/null 2>&1; then
    echo "setup: git is needed to build the sample repositories" >&2
    exit 1
fi
# prometheus_client's parsers read the `--format openmetrics` output in a test (skipped where it is missing).
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import prometheus_client' >/dev/null 2>&1; then
    echo "setup: installing prometheus_client (python3 -m pip)" >&2
    python3 -m pip install -q prometheus_client >&2 || echo "setup: prometheus_client not installed; its test is skipped" >&2
fi
