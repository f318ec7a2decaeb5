#!/usr/bin/env bash
# Regenerates the codec into a temporary directory and fails if it differs from the committed
# code. Exits 77 (ctest's "skipped") when the Kafka specs are not beside the checkout.
# Usage: check_generated.sh SOURCE_DIR [SPEC_ROOT]
set -euo pipefail
src=$1
specs=${2:-$src/../shared/kafka-protocol}
if [ ! -d "$specs/messages" ]; then
  echo "no Kafka specs at $specs: skipping the regeneration check"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$src/broker/protocol/codegen/kafka_codegen.py" "$specs/messages" "$specs/error-codes.tsv" \
  "$tmp/generated" "$tmp/samples"
status=0
diff -ru "$src/broker/protocol/generated" "$tmp/generated" || status=1
for f in "$tmp"/samples/*; do
  diff -u "$src/tests/unit/protocol/generated/$(basename "$f")" "$f" || status=1
done
if [ $status -ne 0 ]; then
  echo "generated code is stale: run broker/protocol/codegen/regenerate.sh and commit" >&2
else
  echo "generated code matches the specs"
fi
exit $status
