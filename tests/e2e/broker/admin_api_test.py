"""The admin HTTP address: GET /v1/status/ready (200 and {"status":"ready"} once serving),
/metrics and /public_metrics in Prometheus text whose counters follow the Kafka traffic,
/v1/node_config, 404 for unknown paths, and nothing listening after shutdown."""
import json
import re
import sys
import urllib.error
import urllib.request

import kwire
from kwire import Conn
from kpk_harness import Broker, wait_until


def get(b, path):
    try:
        with urllib.request.urlopen(f"http://{b.admin}{path}", timeout=5) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode()


def metrics(b, path="/metrics"):
    status, ctype, text = get(b, path)
    assert status == 200 and ctype.startswith("text/plain"), (status, ctype)
    values = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)", line)
        assert m, f"not Prometheus text: {line!r}"
        values[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    # Every sample has HELP and TYPE lines.
    for name in {re.sub(r"\{.*", "", k) for k in values}:
        assert f"# TYPE {name} " in text, f"{name} has no TYPE line"
    return values


def main():
    with Broker() as b:
        status, ctype, body = get(b, "/v1/status/ready")
        assert status == 200 and json.loads(body) == {"status": "ready"}, (status, body)
        assert ctype.startswith("application/json"), ctype
        before = metrics(b)
        for name in ("kpk_kafka_requests_total", "kpk_kafka_produced_bytes_total",
                     "kpk_kafka_fetched_bytes_total", "kpk_kafka_connections"):
            assert name in before, sorted(before)
        with Conn(b.bootstrap) as c:
            kwire.create_topic(c, "m")
            for _ in range(5):
                kwire.produce(c, "m", 0, [(b"k", b"x" * 1000)])
            kwire.fetch_all(c, "m", 0)
            during = metrics(b)
            assert during["kpk_kafka_connections"] == 1, during
            assert during["kpk_kafka_connections_accepted_total"] >= 1, during
            assert during["kpk_storage_fsyncs_total"] >= 1, during  # acks=-1, not dev mode
        wait_until(lambda: metrics(b)["kpk_kafka_connections"] == 0, 5,
                   what="the connection gauge to drop after a close")
        after = metrics(b)
        assert after["kpk_kafka_requests_total"] >= before["kpk_kafka_requests_total"] + 7
        assert after["kpk_kafka_produced_bytes_total"] >= \
            before["kpk_kafka_produced_bytes_total"] + 5000, after
        assert after["kpk_kafka_fetched_bytes_total"] >= 5000, after
        assert after["kpk_kafka_produced_batches_total"] >= 5, after
        public = metrics(b, "/public_metrics")
        assert "kpk_kafka_requests_total" in public, sorted(public)
        status, _, body = get(b, "/v1/node_config")
        nc = json.loads(body)
        assert status == 200 and nc["node_id"] == 0 and nc["data_directory"] == b.data_dir, nc
        status, _, _ = get(b, "/v1/no/such/endpoint")
        assert status == 404, status
        assert b.stop() == 0
        try:
            urllib.request.urlopen(f"http://{b.admin}/v1/status/ready", timeout=2)
            raise AssertionError("admin API still answering after shutdown")
        except urllib.error.URLError:
            pass
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
