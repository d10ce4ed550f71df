#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite (Swift Testing). The tests build their own
# sample repositories in a temporary folder with Scripts/make-sample-repos.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

source Scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
