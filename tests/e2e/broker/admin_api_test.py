"""The admin HTTP address: GET /v1/status/ready (200 and {"status":"ready"} once serving),
/metrics and /public_metrics in Prometheus text whose counters follow the Kafka traffic,
/v1/node_config, 404 for unknown paths, and nothing listening after shutdown.

The HTTP server is kpk's own, so the raw-socket part checks its manners: keep-alive, HEAD,
405 for other methods, 400/505/431 with a closed connection for malformed, unsupported and
oversized requests, and a silent client not holding up anyone else."""
import json
import re
import socket
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
    # Every sample has HELP and TYPE lines (a histogram's under its family's name).
    for name in {re.sub(r"\{.*", "", k) for k in values}:
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        assert f"# TYPE {name} " in text or f"# TYPE {family} histogram" in text, \
            f"{name} has no TYPE line"
    return values


def raw_exchange(sock, request, timeout=5):
    """Sends `request`, returns (status, headers, body) of one response."""
    sock.settimeout(timeout)
    sock.sendall(request)
    data = b""
    for _ in range(1000):
        if b"\r\n\r\n" in data:
            break
        chunk = sock.recv(65536)
        assert chunk, f"closed before a response head: {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers["content-length"])
    if request.startswith(b"HEAD "):
        return status, headers, rest
    for _ in range(1000):
        if len(rest) >= length:
            break
        chunk = sock.recv(65536)
        assert chunk, "closed inside the body"
        rest += chunk
    return status, headers, rest[:length]


def closed_by_server(sock):
    sock.settimeout(5)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def check_http_manners(b):
    host, port = b.admin.rsplit(":", 1)
    addr = (host, int(port))
    silent = socket.create_connection(addr, timeout=5)  # sends nothing at all
    with socket.create_connection(addr, timeout=5) as s:
        for _ in range(2):  # keep-alive: two requests on one connection
            status, headers, body = raw_exchange(
                s, b"GET /v1/status/ready HTTP/1.1\r\nHost: x\r\n\r\n")
            assert status == 200 and json.loads(body) == {"status": "ready"}, (status, body)
            assert headers["connection"] == "keep-alive", headers
        status, headers, body = raw_exchange(s, b"HEAD /metrics?x=1 HTTP/1.1\r\n\r\n")
        assert status == 200 and int(headers["content-length"]) > 0 and body == b"", headers
    with socket.create_connection(addr, timeout=5) as s:
        # The body is read, so the connection carries the next request.
        status, headers, body = raw_exchange(
            s, b"POST /v1/status/ready HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}")
        assert status == 405 and headers["allow"] == "GET, HEAD", (status, headers)
        assert json.loads(body)["code"] == 405, body
        status, _, body = raw_exchange(s, b"GET /v1/no/such/path HTTP/1.1\r\n\r\n")
        assert status == 404 and json.loads(body)["code"] == 404, (status, body)
        assert "/v1/no/such/path" in json.loads(body)["message"], body
        status, _, _ = raw_exchange(s, b"GET /v1/status/ready HTTP/1.1\r\n\r\n")
        assert status == 200, status
    big = b"PUT /v1/cluster_config HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n"
    for request, expected in ((b"HELLO\r\n\r\n", 400),
                              (b"GET /v1/status/ready HTTP/2.0\r\n\r\n", 505),
                              (b"GET / HTTP/1.1\r\nno colon here\r\n\r\n", 400),
                              (b"GET / HTTP/1.1\r\nContent-Length: x1\r\n\r\n", 400),
                              (b"PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411),
                              (big + b"{" * 1000, 413),
                              (b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n", 431)):
        with socket.create_connection(addr, timeout=5) as s:
            status, _, body = raw_exchange(s, request)
            assert status == expected, (request[:40], status, body)
            assert json.loads(body)["code"] == expected, body
            assert closed_by_server(s), request[:40]
    status, _, _ = get(b, "/v1/status/ready")  # the silent client held nobody up
    assert status == 200, status
    silent.close()


def main():
    with Broker() as b:
        check_http_manners(b)
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
        assert "redpanda_application_uptime_seconds_total" in public, sorted(public)
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
