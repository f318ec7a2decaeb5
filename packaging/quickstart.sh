#!/usr/bin/env bash
# The README's "main job": install what is needed, build kpk, and show it working.
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh --build-only
build=${KPK_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j2 --target kpk
"$build/kpk" version
"$build/kpk" --help
