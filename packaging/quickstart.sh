#!/usr/bin/env bash
# The README's "main job": install what is needed, build kpk, start a dev broker in the
# background, and show it working with a real client (kcat): create a topic, produce a record,
# consume it back. The broker keeps running afterwards; `kpk dev stop` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh --build-only
build=${KPK_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j2 --target kpk
kpk="$build/kpk"

step() { printf '\n==> %s\n' "$*"; }

step "kpk dev start"
"$kpk" dev start "$@"
brokers=$("$kpk" dev status --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["kafka_address"])')

step "kpk topic create quickstart -p 3 (against $brokers)"
"$kpk" -X "brokers=$brokers" topic create quickstart -p 3 --if-not-exists

record="hello from kpk at $(date -u +%FT%TZ)"
step "kcat -P: produce \"$record\" with key 'greeting'"
printf '%s\n' "$record" | kcat -b "$brokers" -P -t quickstart -k greeting -p 0

step "kcat -C: consume it back"
kcat -b "$brokers" -C -t quickstart -p 0 -o -1 -c 1 -e -f 'partition %p offset %o key %k: %s\n'

step "kpk topic describe quickstart -p"
"$kpk" -X "brokers=$brokers" topic describe quickstart -p

printf '\nThe dev broker is still running at %s (kpk dev status; kpk dev stop to stop it).\n' \
  "$brokers"
