#!/usr/bin/env bash
# Builds the libFuzzer targets in their own build dir (clang-14, ASan + UBSan) and runs
# request_decode_fuzzer for a bounded time, seeded with the golden client frames, the record
# batch fixtures and a frame for every (API, version) of the generated samples. Prints the
# number of executions; exits non-zero on any finding (crash, leak, timeout, out-of-memory,
# sanitizer report) and 77 (ctest's "skipped") without clang-14.
# Usage: tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
build=$1
seconds=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v clang++-14 >/dev/null; then
  echo "run_fuzz: clang++-14 not installed: skipping"
  exit 77
fi

cmake -S "$src" -B "$build" -G Ninja -DKPK_FUZZ=ON -DCMAKE_BUILD_TYPE=Fuzz \
  -DCMAKE_CXX_FLAGS_FUZZ="-O1 -gline-tables-only" -DCMAKE_C_FLAGS_FUZZ="-O1 -gline-tables-only" \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 >"$build.configure.log" 2>&1 ||
  { cat "$build.configure.log" >&2; exit 1; }
cmake --build "$build" -j2 --target request_decode_fuzzer write_fuzz_seeds >"$build.build.log" 2>&1 ||
  { tail -80 "$build.build.log" >&2; exit 1; }

# libFuzzer adds what it finds to the first directory; the seed directories stay untouched.
corpus=$build/corpus
artifacts=$build/artifacts
# The corpus carries over between runs; libFuzzer never prunes it, so start over once it has
# grown large enough to slow the start of a bounded run.
if [ -d "$corpus" ] && [ "$(ls "$corpus" | wc -l)" -gt 20000 ]; then rm -rf "$corpus"; fi
mkdir -p "$corpus" "$artifacts"
rm -f "$artifacts"/*
# Every (API, version) of the generated samples, beside the real clients' frames.
"$build/tests/fuzz/write_fuzz_seeds" "$build/seeds" >/dev/null
log=$build/request_decode_fuzzer.log
fixtures=$src/tests/unit/protocol/fixtures
status=0
"$build/tests/fuzz/request_decode_fuzzer" "$corpus" "$build/seeds" "$fixtures/golden" \
  "$fixtures/record_batches" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1 || status=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
echo "request_decode_fuzzer: ${execs:-unknown} executions in ${seconds} s, corpus $(ls "$corpus" | wc -l) inputs"
if [ $status -ne 0 ] || ls "$artifacts"/* >/dev/null 2>&1; then
  tail -60 "$log" >&2
  echo "request_decode_fuzzer: FINDING (exit $status); reproducer in $artifacts" >&2
  exit 1
fi
