#!/usr/bin/env bash
# Regenerates the committed codec from the Kafka specs beside the checkout (../shared).
set -euo pipefail
src=$(cd "$(dirname "$0")/../../.." && pwd)
specs=${1:-$src/../shared/kafka-protocol}
python3 "$src/broker/protocol/codegen/kafka_codegen.py" "$specs/messages" "$specs/error-codes.tsv" \
  "$src/broker/protocol/generated" "$src/tests/unit/protocol/generated"
