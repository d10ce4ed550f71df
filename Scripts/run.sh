#!/usr/bin/env bash
# The main job: install dependencies, build Yardstick (release), build the bundled sample repositories and
# analyse one. Any arguments are passed to `yardstick` instead, e.g.
#   Scripts/run.sh analyze /path/to/clone --format markdown
# Relative paths in the arguments are resolved against the folder the script was called from.
set -euo pipefail
caller="$PWD"
cd "$(dirname "$0")/.."

source Scripts/setup.sh
swift build -c release --product yardstick >&2
bin="$(swift build -c release --show-bin-path)/yardstick"

if [ "$#" -eq 0 ]; then
    bash Scripts/make-sample-repos.sh sample-repos >&2
    exec "$bin" analyze sample-repos/github-merge
fi
cd "$caller"
exec "$bin" "$@"
