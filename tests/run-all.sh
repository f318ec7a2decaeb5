#!/usr/bin/env bash
# Installs what the build and tests need, builds kpk from scratch-or-cache, and runs every test
# (unit, codec regeneration check, end-to-end with real clients and Apache Kafka, fuzzing for a
# bounded time).
# Ends with ctest's summary. Usage: tests/run-all.sh [extra ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
# Apache Kafka's jars from Maven Central into a cache (once); the tests then use only the cache.
tests/support/apache_kafka/fetch.sh >/dev/null
build=${KPK_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DKPK_WERROR=ON
cmake --build "$build" -j2
ctest --test-dir "$build" --output-on-failure --timeout 600 -j2 "$@"
