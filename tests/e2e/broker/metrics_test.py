"""/metrics and /public_metrics against real traffic, read with real Prometheus parsers
(promtool check metrics, and prometheus_client's parser), and `kpk generate
prometheus-config|grafana-dashboard` checked against Prometheus and the live broker.

A producer (confluent_kafka, acks=all) writes known records to two partitions, a consumer in
a group reads them all and commits chosen offsets; the test then checks that the counters
moved by exactly what was sent, histograms are consistent, group lag is high watermark minus
committed offset, log size grows, the connection gauge follows raw sockets, uptime advances,
and label values with quotes, backslashes and newlines survive escaping."""
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import yaml
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from prometheus_client.parser import text_string_to_metric_families

from kpk_harness import Broker, free_port, kpk, wait_until

TOPIC = "metrics-t"
GROUP = "metrics-g"
ODD_GROUP = 'odd"group\\with\nnewline'
PAYLOAD = b"v" * 1000  # partition 0 holds > 16 KiB, enough for reads that may be file ranges
# Redpanda's own names that Prometheus' linter objects to; nothing else may be flagged.
ALLOWED_LINT = {
    'vectorized_kafka_handler_latency_microseconds use base unit "seconds" instead of '
    '"microseconds"',
    'redpanda_kafka_consumer_group_lag_sum non-histogram and non-summary metrics should not '
    'have "_sum" suffix',
    'vectorized_cluster_partition_records_produced counter metrics should have "_total" suffix',
    'vectorized_cluster_partition_records_fetched counter metrics should have "_total" suffix',
}


def fetch(b, path):
    with urllib.request.urlopen(f"http://{b.admin}{path}", timeout=10) as r:
        assert r.status == 200, r.status
        assert r.headers.get("Content-Type", "").startswith("text/plain; version=0.0.4")
        return r.read().decode()


def promtool_problems(text):
    """promtool check metrics: its lint messages; a parse error fails the test."""
    p = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                       text=True, timeout=30)
    out = (p.stdout + p.stderr).strip()
    assert p.returncode in (0, 3), f"promtool failed ({p.returncode}): {out}"
    return {line.strip() for line in out.splitlines() if line.strip()}


class Scrape:
    """One scrape, parsed by prometheus_client: samples by (name, sorted labels)."""

    def __init__(self, text):
        self.text = text
        self.families = {}
        self.samples = {}
        for family in text_string_to_metric_families(text):
            self.families[family.name] = family
            for s in family.samples:
                self.samples[(s.name, tuple(sorted(s.labels.items())))] = s.value

    def get(self, name, **labels):
        key = (name, tuple(sorted(labels.items())))
        assert key in self.samples, f"no sample {key}"
        return self.samples[key]

    def has(self, name, **labels):
        return (name, tuple(sorted(labels.items()))) in self.samples

    def series_names(self):
        """Sample names as the text has them (the parser adds _total to every counter's)."""
        return set(re.findall(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", self.text, re.M))


def scrape(b, path="/metrics"):
    return Scrape(fetch(b, path))


def check_histogram(s, name, **labels):
    """Cumulative buckets, +Inf equal to _count; returns (count, sum)."""
    buckets = sorted(((float(dict(k)["le"]), v) for (n, k), v in s.samples.items()
                      if n == name + "_bucket" and
                      {x: y for x, y in k if x != "le"} == labels), key=lambda x: x[0])
    assert len(buckets) == 23, (name, labels, buckets)
    values = [v for _, v in buckets]
    assert values == sorted(values), f"{name} buckets not cumulative: {values}"
    count = s.get(name + "_count", **labels)
    assert buckets[-1][0] == float("inf") and buckets[-1][1] == count, (buckets[-1], count)
    return count, s.get(name + "_sum", **labels)


def produce(bootstrap, counts):
    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5})
    for partition, n in counts.items():
        for i in range(n):
            p.produce(TOPIC, key=b"k%d" % i, value=PAYLOAD, partition=partition)
    assert p.flush(30) == 0


def consume_all(bootstrap, total, group=GROUP):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                  "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    c.subscribe([TOPIC])
    got = 0
    deadline = time.monotonic() + 30
    while got < total and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is not None and m.error() is None:
            got += 1
    assert got == total, f"consumed {got} of {total}"
    return c


def test_traffic(b):
    base = scrape(b)
    base_pub = scrape(b, "/public_metrics")
    admin = AdminClient({"bootstrap.servers": b.bootstrap})
    admin.create_topics([NewTopic(TOPIC, 2, 1)])[TOPIC].result(10)
    produce(b.bootstrap, {0: 20, 1: 10})
    mid = scrape(b)
    pub = scrape(b, "/public_metrics")
    topic = dict(redpanda_namespace="kafka", redpanda_topic=TOPIC)
    assert pub.get("redpanda_kafka_records_produced_total", **topic) == 30
    produced = mid.get("kpk_kafka_produced_bytes_total") - base.get("kpk_kafka_produced_bytes_total")
    assert produced >= 30 * len(PAYLOAD), produced
    assert pub.get("redpanda_kafka_request_bytes_total", redpanda_request="produce",
                   **topic) == produced
    assert pub.get("redpanda_kafka_partitions", **topic) == 2
    assert pub.get("redpanda_cluster_topics") == base_pub.get("redpanda_cluster_topics") + 1
    for partition, end in ((0, 20), (1, 10)):
        labels = dict(topic, redpanda_partition=str(partition))
        assert pub.get("redpanda_kafka_max_offset", **labels) == end
        assert pub.get("redpanda_kafka_under_replicated_replicas", **labels) == 0
        internal = dict(namespace="kafka", topic=TOPIC, partition=str(partition))
        size = mid.get("vectorized_storage_log_partition_size", **internal)
        assert size >= end * len(PAYLOAD), (partition, size)
        # prometheus_client names a counter's samples with _total, even where the text has none.
        assert mid.get("vectorized_cluster_partition_records_produced_total", **internal) == end
        assert mid.get("vectorized_cluster_partition_high_watermark", **internal) == end
    assert sum(mid.get("vectorized_cluster_partition_bytes_produced_total", namespace="kafka",
                       topic=TOPIC, partition=str(p)) for p in (0, 1)) == produced

    # Per-API counters and latency histograms: produce requests were timed, acks=all fsynced.
    handler = dict(handler="produce")
    done = (mid.get("vectorized_kafka_handler_requests_completed_total", **handler) -
            base.get("vectorized_kafka_handler_requests_completed_total", **handler))
    assert done >= 1, done
    count, total_us = check_histogram(mid, "vectorized_kafka_handler_latency_microseconds",
                                      **handler)
    base_count, _ = check_histogram(base, "vectorized_kafka_handler_latency_microseconds",
                                    **handler)
    assert count - base_count == done and total_us > 0, (count, base_count, done, total_us)
    assert mid.get("vectorized_kafka_handler_received_bytes_total", **handler) >= produced
    pub_count, pub_sum = check_histogram(pub, "redpanda_kafka_request_latency_seconds",
                                         redpanda_request="produce")
    assert pub_count == count and abs(pub_sum - total_us / 1e6) < 1e-3, (pub_count, pub_sum)
    fsyncs = mid.get("kpk_storage_fsyncs_total") - base.get("kpk_storage_fsyncs_total")
    fsync_count, fsync_sum = check_histogram(mid, "kpk_storage_fsync_latency_seconds")
    assert fsyncs >= 1 and fsync_count == mid.get("kpk_storage_fsyncs_total"), (fsyncs, fsync_count)
    assert fsync_sum > 0, fsync_sum
    md = "metadata"
    assert mid.get("vectorized_kafka_handler_requests_completed_total", handler=md) > \
        base.get("vectorized_kafka_handler_requests_completed_total", handler=md)

    # Consume everything in a group, commit 12 of 20 and 10 of 10: lag 8 and 0.
    c = consume_all(b.bootstrap, 30)
    c.commit(offsets=[TopicPartition(TOPIC, 0, 12), TopicPartition(TOPIC, 1, 10)],
             asynchronous=False)
    after = scrape(b)
    pub = scrape(b, "/public_metrics")
    assert pub.get("redpanda_kafka_records_fetched_total", **topic) == 30
    for partition, end in ((0, 20), (1, 10)):
        internal = dict(namespace="kafka", topic=TOPIC, partition=str(partition))
        assert after.get("vectorized_cluster_partition_records_fetched_total", **internal) == end
    fetched = after.get("kpk_kafka_fetched_bytes_total") - mid.get("kpk_kafka_fetched_bytes_total")
    assert pub.get("redpanda_kafka_request_bytes_total", redpanda_request="consume",
                   **topic) == fetched == produced, (fetched, produced)
    g = dict(redpanda_group=GROUP)
    for partition, committed, lag in ((0, 12, 8), (1, 10, 0)):
        assert pub.get("redpanda_kafka_consumer_group_committed_offset", redpanda_topic=TOPIC,
                       redpanda_partition=str(partition), **g) == committed
        assert after.get("kpk_kafka_consumer_group_lag", group=GROUP, topic=TOPIC,
                         partition=str(partition)) == lag
        assert after.get("vectorized_kafka_group_offset", group=GROUP, topic=TOPIC,
                         partition=str(partition)) == committed
    assert pub.get("redpanda_kafka_consumer_group_lag_sum", **g) == 8
    assert pub.get("redpanda_kafka_consumer_group_lag_max", **g) == 8
    assert pub.get("redpanda_kafka_consumer_group_consumers", **g) == 1
    assert pub.get("redpanda_kafka_consumer_group_topics", **g) == 1
    count, _ = check_histogram(pub, "redpanda_kafka_request_latency_seconds",
                               redpanda_request="consume")
    assert count >= 1
    c.close()
    wait_until(lambda: scrape(b, "/public_metrics").get("redpanda_kafka_consumer_group_consumers",
                                                        **g) == 0,
               10, what="the group to empty after close")

    # More records: lag and log size grow with them.
    produce(b.bootstrap, {0: 5})
    later = scrape(b)
    pub = scrape(b, "/public_metrics")
    assert pub.get("redpanda_kafka_consumer_group_lag_sum", **g) == 13
    assert pub.get("redpanda_kafka_records_produced_total", **topic) == 35
    part0 = dict(namespace="kafka", topic=TOPIC, partition="0")
    assert later.get("vectorized_storage_log_partition_size", **part0) > \
        after.get("vectorized_storage_log_partition_size", **part0)


def test_connections_and_uptime(b):
    def gauge():
        return scrape(b, "/public_metrics").get("redpanda_rpc_active_connections",
                                                redpanda_server="kafka")
    base = gauge()
    host, port = b.bootstrap.split(":")
    socks = [socket.create_connection((host, int(port)), timeout=5) for _ in range(3)]
    try:
        wait_until(lambda: gauge() == base + 3, 5, what="3 more connections")
        assert scrape(b).get("kpk_kafka_connections") == base + 3
    finally:
        for s in socks:
            s.close()
    wait_until(lambda: gauge() == base, 5, what="the connections to close")
    first = scrape(b, "/public_metrics").get("redpanda_application_uptime_seconds_total")
    started = time.monotonic()
    time.sleep(1.1)
    second = scrape(b, "/public_metrics").get("redpanda_application_uptime_seconds_total")
    assert 1.0 <= second - first <= time.monotonic() - started + 0.2, (first, second)
    internal = scrape(b).get("vectorized_application_uptime")
    assert internal >= second * 1000, (internal, second)


def test_escaping_and_linting(b):
    """A group id with a quote, a backslash and a newline comes back intact; both endpoints
    parse and pass promtool's lint but for two names that are Redpanda's own; every public
    family is a redpanda_ one."""
    c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": ODD_GROUP})
    try:
        c.commit(offsets=[TopicPartition(TOPIC, 1, 3)], asynchronous=False)
    finally:
        c.close()
    pub = scrape(b, "/public_metrics")
    assert pub.get("redpanda_kafka_consumer_group_committed_offset", redpanda_group=ODD_GROUP,
                   redpanda_topic=TOPIC, redpanda_partition="1") == 3
    assert pub.get("redpanda_kafka_consumer_group_lag_sum", redpanda_group=ODD_GROUP) == 7
    internal = fetch(b, "/metrics")
    Scrape(internal)
    for text in (pub.text, internal):
        problems = promtool_problems(text)
        assert problems <= ALLOWED_LINT, problems - ALLOWED_LINT
    for name in pub.families:
        assert name.startswith("redpanda_"), name
    for text in (internal, pub.text):  # HELP and TYPE once per family
        for kind in ("HELP", "TYPE"):
            names = re.findall(rf"^# {kind} (\S+) ", text, re.M)
            assert len(names) == len(set(names)), f"a family with two {kind} lines"


def kpk_x(b, *args, check=True):
    return kpk(*args, "-X", f"brokers={b.bootstrap}", "-X", f"admin.hosts={b.admin}",
               check=check)


def test_prometheus_config(b):
    configs = yaml.safe_load(kpk_x(b, "generate", "prometheus-config").stdout)
    assert configs == [{"job_name": "redpanda", "static_configs": [{"targets": [b.admin]}],
                        "metrics_path": "/public_metrics"}], configs
    out = kpk_x(b, "generate", "prometheus-config", "--internal-metrics", "--job-name", "kpk",
                "--labels", "pub:env=prod,int:tier=debug", "--seed-addr", b.bootstrap).stdout
    configs = yaml.safe_load(out)
    assert [c["metrics_path"] for c in configs] == ["/public_metrics", "/metrics"], configs
    assert configs[0]["static_configs"] == [{"targets": [b.admin], "labels": {"env": "prod"}}]
    assert configs[1]["static_configs"] == [{"targets": [b.admin], "labels": {"tier": "debug"}}]
    assert [c["job_name"] for c in configs] == ["kpk", "kpk_internal"], configs
    # Prometheus itself accepts it as the scrape_configs of a prometheus.yml.
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "prometheus.yml")
        with open(path, "w") as f:
            yaml.safe_dump({"scrape_configs": configs}, f)
        p = subprocess.run(["promtool", "check", "config", path], capture_output=True, text=True,
                           timeout=30)
        assert p.returncode == 0, p.stdout + p.stderr
    configs = yaml.safe_load(kpk("generate", "prometheus-config", "--node-addrs",
                                 "10.0.0.1:9644,10.0.0.2:9644").stdout)
    assert configs[0]["static_configs"][0]["targets"] == ["10.0.0.1:9644", "10.0.0.2:9644"]
    bad = kpk("generate", "prometheus-config", "--node-addrs", "a:1", "--labels", "env=prod",
              check=False)
    assert bad.returncode == 2 and "unable to parse label" in bad.stderr, bad


class FakeAdminApi:
    """An Admin API that answers only GET /v1/brokers, with `brokers` (Redpanda's shape)."""

    def __init__(self, brokers):
        body = json.dumps(brokers).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                status = 200 if self.path == "/v1/brokers" else 404
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body) if status == 200 else 0))
                self.end_headers()
                if status == 200:
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.address = f"127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def test_prometheus_config_from_admin_api(b):
    """With an Admin API that lists brokers, their addresses at its port are the targets; the
    Kafka metadata (one broker) is not asked."""
    brokers = [{"node_id": i, "num_cores": 1, "membership_status": "active", "is_alive": True,
                "internal_rpc_address": f"10.9.0.{i + 1}", "internal_rpc_port": 33145}
               for i in range(3)]
    with FakeAdminApi(brokers) as admin:
        port = admin.address.split(":")[1]
        out = kpk("generate", "prometheus-config", "-X", f"brokers={b.bootstrap}", "-X",
                  f"admin.hosts={admin.address}").stdout
        targets = yaml.safe_load(out)[0]["static_configs"][0]["targets"]
        assert targets == [f"10.9.0.{i}:{port}" for i in (1, 2, 3)], targets
        # --seed-addr asks the Kafka metadata, as rpk does: one broker, at the admin port.
        out = kpk("generate", "prometheus-config", "--seed-addr", b.bootstrap, "-X",
                  f"admin.hosts={admin.address}").stdout
        targets = yaml.safe_load(out)[0]["static_configs"][0]["targets"]
        assert targets == [f"127.0.0.1:{port}"], targets
    # Neither answering: exit 1 within the dial bound, naming both addresses.
    kafka, admin = f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"
    started = time.monotonic()
    down = kpk("generate", "prometheus-config", "-X", f"brokers={kafka}", "-X",
               f"admin.hosts={admin}", check=False, timeout=30)
    assert down.returncode == 1 and kafka in down.stderr and admin in down.stderr, down
    assert time.monotonic() - started < 15, time.monotonic() - started


def metric_names(expr):
    """The metric names a PromQL expression reads: what is left once label matchers and
    `by (...)` clauses are taken out."""
    bare = re.sub(r"\{[^}]*\}|\bby \([^)]*\)", "", expr)
    return set(re.findall(r"\b((?:redpanda|vectorized|kpk)_[a-zA-Z0-9_]+)", bare))


def dashboard_exprs(dashboard):
    assert isinstance(dashboard["schemaVersion"], int) and dashboard["panels"], dashboard.keys()
    exprs = []
    for panel in dashboard["panels"]:
        assert {"type", "id", "gridPos"} <= panel.keys(), panel
        if panel["type"] == "row":
            continue
        assert panel["targets"], panel["title"]
        for t in panel["targets"]:
            assert t["refId"] and t["expr"], t
            exprs.append(t["expr"])
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "panel ids repeat"
    return exprs


def test_grafana_dashboard(b):
    exported = scrape(b).series_names() | scrape(b, "/public_metrics").series_names()
    ops = json.loads(kpk_x(b, "generate", "grafana-dashboard", "--datasource", "prom").stdout)
    exprs = dashboard_exprs(ops)
    named = set().union(*(metric_names(e) for e in exprs))
    assert len(named) >= 15 and named <= exported, named - exported
    assert ops["templating"]["list"][0]["current"]["value"] == "prom"
    legacy = json.loads(kpk_x(b, "generate", "grafana-dashboard", "--dashboard", "legacy",
                              "--metrics-endpoint", f"http://{b.admin}/metrics").stdout)
    exprs = dashboard_exprs(legacy)
    families = scrape(b).families
    assert len(exprs) == len(families), (len(exprs), len(families))  # one panel per family
    named = set().union(*(metric_names(e) for e in exprs))
    assert named <= exported, named - exported
    assert all('job="redpanda_internal"' in e for e in exprs), exprs  # prometheus-config's job
    help_text = kpk("generate", "grafana-dashboard", "--dashboard", "help").stdout
    assert "operations" in help_text and "legacy" in help_text
    bad = kpk("generate", "grafana-dashboard", "--dashboard", "nope", check=False)
    assert bad.returncode == 2, bad
    down = kpk("generate", "grafana-dashboard", "--dashboard", "legacy", "--metrics-endpoint",
               "127.0.0.1:1/metrics", check=False)
    assert down.returncode == 1 and "127.0.0.1:1" in down.stderr, down


def main():
    with Broker() as b:
        for test in (test_traffic, test_connections_and_uptime, test_escaping_and_linting,
                     test_prometheus_config, test_prometheus_config_from_admin_api,
                     test_grafana_dashboard):
            started = time.monotonic()
            test(b)
            print(f"{test.__name__}: ok ({time.monotonic() - started:.2f}s)")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
