#!/usr/bin/env bash
# The README's "main job": install what is needed, build kpk, start a dev broker in the
# background, and show it working with kpk's own commands: its health over the Admin API, then
# create a topic, produce a keyed record, consume it back. The broker keeps running afterwards;
# `kpk dev stop` stops it.
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
status=$("$kpk" dev status --format json)
field() { python3 -c "import json,sys; print(json.load(sys.stdin)[0][\"$1\"])" <<<"$status"; }
brokers=$(field kafka_address)
admin=$(field admin_address)
x=(-X "brokers=$brokers" -X "admin.hosts=$admin")

step "kpk cluster health (Admin API at $admin)"
"$kpk" "${x[@]}" cluster health

step "kpk topic create quickstart -p 3 (against $brokers)"
"$kpk" "${x[@]}" topic create quickstart -p 3 --if-not-exists

record="hello from kpk at $(date -u +%FT%TZ)"
step "kpk topic produce: \"$record\" with key 'greeting'"
printf '%s\n' "$record" | "$kpk" "${x[@]}" topic produce quickstart -k greeting

step "kpk topic consume: read it back"
"$kpk" "${x[@]}" topic consume quickstart -o -1 -n 1 -f 'partition %p offset %o key %k: %v\n'

step "kpk topic describe quickstart -p"
"$kpk" "${x[@]}" topic describe quickstart -p

printf '\nThe dev broker is still running at %s (kpk dev status; kpk dev stop to stop it).\n' \
  "$brokers"
