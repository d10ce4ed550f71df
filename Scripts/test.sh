#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite (Swift Testing). The tests build their own
# sample repositories in a temporary folder with Scripts/make-sample-repos.sh. A throw-away PostgreSQL cluster
# (Scripts/postgres-test-server.sh) runs for the tests of the PostgreSQL store and is stopped on exit; with
# YARDSTICK_TEST_REQUIRE_POSTGRES=1 those tests fail, not skip, when they cannot reach it.
set -euo pipefail
cd "$(dirname "$0")/.."

source Scripts/setup.sh
swift build --build-tests
postgres_dir=$(mktemp -d "${TMPDIR:-/tmp}/yardstick-postgres.XXXXXX")
trap 'bash Scripts/postgres-test-server.sh stop "$postgres_dir"' EXIT
server=$(bash Scripts/postgres-test-server.sh start "$postgres_dir")
while IFS= read -r line; do export "${line?}"; done <<<"$server"
export YARDSTICK_TEST_REQUIRE_POSTGRES=1
swift test --skip-build "$@"
