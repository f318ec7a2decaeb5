#!/usr/bin/env bash
# Fetches Apache Kafka (the kafka_2.13 broker, kafka-tools, kafka-clients, kafka-streams and
# their runtime dependencies) from Maven Central into a cache outside the source tree, once,
# and prints the folder that holds the jars. The version is the newest 4.x Maven Central lists
# (or KPK_KAFKA_VERSION); offline, the newest version already cached is reused.
# With --offline (how the tests call it) Maven Central is not asked at all.
#
# Cache: ${KPK_TEST_CACHE:-$HOME/.cache/kpk-tests}/apache-kafka/<version>/libs
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${KPK_TEST_CACHE:-$HOME/.cache/kpk-tests}/apache-kafka
metadata=https://repo.maven.apache.org/maven2/org/apache/kafka/kafka_2.13/maven-metadata.xml

newest_listed() {
  curl -fsS --max-time 20 "$metadata" 2>/dev/null |
    grep -o '<version>4\.[0-9]*\.[0-9]*</version>' | sed 's/<[^>]*>//g' | sort -V | tail -1
}
newest_cached() {
  ls -1 "$cache" 2>/dev/null | while read -r v; do
    [ -f "$cache/$v/libs/.complete" ] && echo "$v"
  done | sort -V | tail -1
}

offline=false
[ "${1:-}" = "--offline" ] && offline=true
if $offline; then
  version=${KPK_KAFKA_VERSION:-$(newest_cached)}
  [ -n "$version" ] && [ -f "$cache/$version/libs/.complete" ] || {
    echo "fetch.sh: no Apache Kafka cached in $cache; run tests/support/apache_kafka/fetch.sh (or tests/run-all.sh) once online" >&2
    exit 1; }
else
  version=${KPK_KAFKA_VERSION:-$(newest_listed || true)}
fi
if [ -z "$version" ]; then
  version=$(newest_cached)
  [ -n "$version" ] || { echo "fetch.sh: Maven Central is unreachable and no Apache Kafka is cached in $cache" >&2; exit 1; }
  echo "fetch.sh: Maven Central unreachable; using cached Apache Kafka $version" >&2
fi

libs=$cache/$version/libs
if [ ! -f "$libs/.complete" ]; then
  echo "fetch.sh: fetching Apache Kafka $version from Maven Central into $libs" >&2
  rm -rf "$libs.partial"
  mkdir -p "$libs.partial"
  mvn -q -B -f "$here/pom.xml" -Dkafka.version="$version" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs.partial" >&2
  touch "$libs.partial/.complete"
  rm -rf "$libs"
  mv "$libs.partial" "$libs"
fi
echo "$libs"
