#!/usr/bin/env bash
# Installs every Debian 12 package that building and testing kpk needs. Idempotent: packages
# already present are left alone, and KafkaJS is installed into tests/e2e/node_modules once.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config ccache git
  libcli11-dev libcurl4-openssl-dev librdkafka-dev nlohmann-json3-dev libfmt-dev
  libyaml-cpp-dev doctest-dev libasio-dev libexpected-dev
  libssl-dev  # kpk's own TLS and SCRAM (cli/client/broker_connection, scram)
  zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev python3
  kcat  # the quick start's demo client
)
test_packages=(
  clang-14 libclang-rt-14-dev python3-kafka python3-confluent-kafka python3-yaml
  nodejs npm clang-format clang-tidy curl procps
  openssl openjdk-17-jdk-headless maven  # Apache Kafka as a test peer (tests/support/apache_kafka)
  prometheus python3-prometheus-client python3-yaml  # metrics_test: promtool and a real parser
)

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

want=("${build_packages[@]}")
if [ "${1:-}" != "--build-only" ]; then want+=("${test_packages[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
# node/npm may come from elsewhere (nvm, NodeSource); accept a working one on PATH.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  sudo_if_needed apt-get update -q
  sudo_if_needed apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all Debian packages present" >&2
fi

if [ "${1:-}" != "--build-only" ]; then
  here=$(cd "$(dirname "$0")/.." && pwd)
  if [ ! -d "$here/tests/e2e/node_modules/kafkajs" ] && [ -f "$here/tests/e2e/package.json" ]; then
    (cd "$here/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
