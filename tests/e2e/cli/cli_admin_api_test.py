"""The CLI's Admin API commands against `kpk broker run`: `cluster brokers list` (rpk's columns)
and `redpanda admin brokers list` (old rpk's), `cluster partitions list` with its filters,
`cluster loggers list|set` and `redpanda admin config log-level set`, `version` with and without
an Admin API, their --format json, exit codes, and failures that name the host and the cause
within the configured timeouts: a port nobody listens on, and one that accepts and never
answers."""
import json
import os
import socket
import sys
import threading
import time

from kpk_harness import Broker, free_port, kpk


def admin_args(b):
    return ["-X", f"admin.hosts={b.admin}", "-X", f"brokers={b.bootstrap}"]


def table(text):
    return [line.split() for line in text.strip().splitlines()]


def check_brokers_list(b):
    version = kpk("version", "-X", "admin.hosts=127.0.0.1:1").stdout.split()[1]
    rows = table(kpk(*admin_args(b), "cluster", "brokers", "list").stdout)
    assert rows[0] == ["ID", "HOST", "PORT", "RACK", "CORES", "MEMBERSHIP", "IS-ALIVE",
                       "VERSION"], rows
    assert rows[1:] == [["0", "127.0.0.1", str(b.kafka_port), "-", str(os.cpu_count()),
                         "active", "true", f"v{version}"]], rows
    rows = table(kpk(*admin_args(b), "redpanda", "admin", "brokers", "list").stdout)
    assert rows[0] == ["NODE-ID", "NUM-CORES", "MEMBERSHIP-STATUS", "IS-ALIVE",
                       "BROKER-VERSION"], rows
    assert rows[1][0] == "0" and rows[1][2:] == ["active", "true", f"v{version}"], rows
    doc = json.loads(kpk(*admin_args(b), "cluster", "brokers", "list", "--format", "json").stdout)
    # The admin hosts from the environment, the first one unreachable: the next one answers.
    env_rows = table(kpk("cluster", "brokers", "list",
                         env={"KPK_ADMIN_HOSTS": f"127.0.0.1:{free_port()},{b.admin}"}).stdout)
    assert env_rows[1][0] == "0", env_rows
    assert doc[0]["node_id"] == 0 and doc[0]["version"].startswith(f"v{version} - "), doc


def check_partitions_list(b):
    for name, parts in (("alpha", 3), ("beta", 1)):
        kpk(*admin_args(b), "topic", "create", name, "-p", str(parts))
    header = ["NAMESPACE", "TOPIC", "PARTITION", "LEADER-ID", "REPLICA-CORE", "DISABLED"]
    rows = table(kpk(*admin_args(b), "cluster", "partitions", "list", "--all").stdout)
    assert rows == [header] + [["kafka", t, str(p), "0", "[0-0]", "false"]
                               for t, p in (("alpha", 0), ("alpha", 1), ("alpha", 2),
                                            ("beta", 0))], rows
    rows = table(kpk(*admin_args(b), "cluster", "partitions", "list", "beta", "kafka/alpha",
                     "-p", "0,2").stdout)
    assert [r[1:3] for r in rows[1:]] == [["alpha", "0"], ["alpha", "2"], ["beta", "0"]], rows
    rows = table(kpk(*admin_args(b), "cluster", "partitions", "list", "-a", "-n", "3").stdout)
    assert rows == [header], rows
    rows = table(kpk(*admin_args(b), "cluster", "partitions", "list", "-a",
                     "--disabled-only").stdout)
    assert rows == [header], rows
    doc = json.loads(kpk(*admin_args(b), "cluster", "partitions", "list", "alpha", "--format",
                         "json").stdout)
    assert [p["partition_id"] for p in doc] == [0, 1, 2] and doc[0]["replicas"] == \
        [{"node_id": 0, "core": 0}], doc
    # No topics and no --all prints the help; both is a usage error; a missing topic fails.
    out = kpk(*admin_args(b), "cluster", "partitions", "list")
    assert "--disabled-only" in out.stdout, out.stdout
    bad = kpk(*admin_args(b), "cluster", "partitions", "list", "-a", "alpha", check=False)
    assert bad.returncode == 2 and "--all" in bad.stderr, (bad.returncode, bad.stderr)
    bad = kpk(*admin_args(b), "cluster", "partitions", "list", "nosuch", check=False)
    assert bad.returncode == 1 and "nosuch" in bad.stderr and "404" in bad.stderr, bad.stderr


def check_loggers(b):
    rows = table(kpk(*admin_args(b), "cluster", "loggers", "list").stdout)
    assert rows[0] == ["LOGGER", "LEVEL"] and ["kafka", "info"] in rows, rows
    out = kpk(*admin_args(b), "cluster", "loggers", "set", "kafka", "storage", "-l", "debug",
              "-e", "30")
    assert out.stdout == "SUCCESSES\nkafka\nstorage\n\n", out.stdout
    rows = table(kpk(*admin_args(b), "cluster", "loggers", "list").stdout)
    assert ["kafka", "debug"] in rows and ["storage", "debug"] in rows, rows
    out = kpk(*admin_args(b), "redpanda", "admin", "config", "log-level", "set", "kafka",
              "--level", "info", "--host", "0")
    assert out.stdout == "SUCCESSES\nkafka\n\n", out.stdout
    bad = kpk(*admin_args(b), "cluster", "loggers", "set", "tx", "nosuch", check=False)
    assert bad.returncode == 1, bad
    assert bad.stdout.startswith("SUCCESSES\ntx\n\nFAILURES\nnosuch: HTTP 400"), bad.stdout
    assert "unknown logger" in bad.stdout, bad.stdout
    bad = kpk(*admin_args(b), "cluster", "loggers", "set", "kafka", "-l", "loud", check=False)
    assert bad.returncode != 0, bad
    doc = json.loads(kpk(*admin_args(b), "cluster", "loggers", "list", "--format", "json").stdout)
    assert {"name": "kafka", "level": "info"} in doc and \
        {"name": "tx", "level": "debug"} in doc, doc


def check_version(b):
    out = kpk("version", *admin_args(b)).stdout
    lines = out.splitlines()
    assert lines[0].startswith("kpk ") and lines[1:3] == ["", "Redpanda Cluster"], out
    assert lines[3].startswith(f"  node-0  v{lines[0].split()[1]} - "), out


class SilentServer:
    """Accepts connections and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        for _ in range(100):
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for c in self.held:
            c.close()


def timed(*args):
    start = time.monotonic()
    result = kpk(*args, check=False, timeout=30)
    return result, time.monotonic() - start


def check_unreachable():
    closed = f"127.0.0.1:{free_port()}"
    result, took = timed("-X", f"admin.hosts={closed}", "cluster", "brokers", "list")
    assert result.returncode == 1 and closed in result.stderr, result.stderr
    assert "connect" in result.stderr.lower(), result.stderr
    assert took < 5, took
    silent = SilentServer()
    try:
        host = f"127.0.0.1:{silent.port}"
        limits = ["-X", "globals.dial_timeout=1s", "-X", "globals.request_timeout_overhead=1s"]
        result, took = timed("-X", f"admin.hosts={host}", *limits, "cluster", "brokers", "list")
        assert result.returncode == 1 and host in result.stderr, result.stderr
        assert "timed out" in result.stderr.lower() or "timeout" in result.stderr.lower(), \
            result.stderr
        assert 0.9 < took < 5, took
        # version prints the client version and exits 0, within its own bound (2 s).
        result, took = timed("-X", f"admin.hosts={host}", "version")
        assert result.returncode == 0 and result.stdout.startswith("kpk "), result
        assert "Redpanda Cluster" not in result.stdout and took < 5, (result.stdout, took)
    finally:
        silent.close()
    result, took = timed("-X", f"admin.hosts={closed}", "version")
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 1 and took < 3, result


def main():
    check_unreachable()
    with Broker() as b:
        check_brokers_list(b)
        check_partitions_list(b)
        check_loggers(b)
        check_version(b)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
