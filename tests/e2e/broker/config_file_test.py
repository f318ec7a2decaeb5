"""`kpk broker run --config redpanda.yaml`: the file alone configures the node (data directory,
node id, listeners as redpanda.yaml writes them, advertised address, admin, developer mode) and
the cluster properties (auto-creation, default partitions, retention, segment size), kpk's
page_cache_tail_bytes, keys kpk does not know are ignored, flags override the file, bad files are usage errors (exit 2), and
SIGINT as well as SIGTERM stop it cleanly (exit 0)."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request

import kwire
from kwire import Conn
from kpk_harness import KPK_BIN, free_port, kcat, wait_until

REDPANDA_YAML = """\
# As `rpk redpanda config bootstrap` writes it, plus cluster properties.
redpanda:
    data_directory: {data}
    node_id: 3
    seed_servers: []
    rpc_server:
        address: 0.0.0.0
        port: 33145
    kafka_api:
        - address: 127.0.0.1
          port: {kafka}
          name: internal
    advertised_kafka_api:
        - address: localhost
          port: {kafka}
    admin:
        - address: 127.0.0.1
          port: {admin}
    developer_mode: true
    auto_create_topics_enabled: true
    default_topic_partitions: 4
    log_retention_ms: 123456789
    log_segment_size: 1048576
rpk:
    tune_network: true
pandaproxy: {{}}
schema_registry: {{}}
"""


class Proc:
    """`kpk broker run` with exactly the given arguments (no harness defaults)."""

    def __init__(self, args, admin, log_path):
        self.admin = admin
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.stdout = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([KPK_BIN, "broker", "run", *args], stdout=self.stdout,
                                     stderr=self.log, stdin=subprocess.DEVNULL)

    def ready(self):
        def check():
            if self.proc.poll() is not None:
                raise RuntimeError(f"broker exited with {self.proc.returncode}: {self.text()}")
            try:
                with urllib.request.urlopen(f"http://{self.admin}/v1/status/ready",
                                            timeout=1) as r:
                    return r.status == 200
            except OSError:
                return False
        wait_until(check, 10, what=f"broker ready on {self.admin}")
        return self

    def text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                raise AssertionError(f"no exit within 15 s of signal {sig}")
        self.log.close()
        self.stdout.seek(0)
        out = self.stdout.read()
        assert out == b"", f"the broker logs to stderr, but wrote to stdout: {out[:500]!r}"
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        if not self.log.closed:
            self.log.close()
        self.stdout.close()


def resident_bytes(partition_dir):
    """Bytes of the partition's .log files in the page cache (fincore, from util-linux)."""
    logs = [os.path.join(partition_dir, n) for n in os.listdir(partition_dir) if
            n.endswith(".log")]
    out = subprocess.run(["fincore", "--bytes", "--noheadings", "--output", "RES", *logs],
                         capture_output=True, text=True, timeout=20, check=True).stdout
    return sum(int(line) for line in out.split())


def node_config(admin):
    with urllib.request.urlopen(f"http://{admin}/v1/node_config", timeout=5) as r:
        return json.loads(r.read())


def main():
    work = tempfile.mkdtemp(prefix="kpk-e2e-config-")
    try:
        data = os.path.join(work, "data")
        kafka, admin = free_port(), free_port()
        config = os.path.join(work, "redpanda.yaml")
        with open(config, "w") as f:
            f.write(REDPANDA_YAML.format(data=data, kafka=kafka, admin=admin))
        log = os.path.join(work, "broker.log")

        # The file alone.
        with Proc(["--config", config], f"127.0.0.1:{admin}", log) as p:
            p.ready()
            assert "developer_mode" in p.text(), "developer mode must be said loudly"
            nc = node_config(p.admin)
            assert (nc["node_id"], nc["data_directory"], nc["developer_mode"]) == \
                (3, data, True), nc
            with Conn(f"127.0.0.1:{kafka}") as c:
                m = c.request(kwire.API_METADATA, 9, {"topics": [{"name": "auto"}],
                                                      "allow_auto_topic_creation": True})
                assert [(x["node_id"], x["host"], x["port"]) for x in m["brokers"]] == \
                    [(3, "localhost", kafka)], m["brokers"]
                assert m["controller_id"] == 3
                assert len(m["topics"][0]["partitions"]) == 4, m["topics"]
                body = c.request(kwire.API_DESCRIBE_CONFIGS, 1, {"resources": [
                    {"resource_type": kwire.RESOURCE_TOPIC, "resource_name": "auto",
                     "configuration_keys": ["retention.ms", "segment.bytes"]}],
                    "include_synonyms": False})
                values = {e["name"]: e["value"] for e in body["results"][0]["configs"]}
                assert values == {"retention.ms": "123456789", "segment.bytes": "1048576"}, values
            # A real client through the advertised name.
            kcat(f"127.0.0.1:{kafka}", "-P", "-t", "auto", "-p", "1", input="via localhost\n",
                 timeout=20)
            out = kcat(f"127.0.0.1:{kafka}", "-C", "-t", "auto", "-p", "1", "-e", "-q",
                       timeout=20).stdout
            assert out == "via localhost\n", out
            assert os.path.isdir(os.path.join(data, "topics", "auto")), os.listdir(data)
            assert p.stop(signal.SIGINT) == 0, p.text()[-2000:]

        # Flags override the file.
        data2 = os.path.join(work, "data2")
        kafka2, admin2 = free_port(), free_port()
        with Proc(["--config", config, "--data-dir", data2, "--node-id", "5",
                   "--kafka-addr", f"127.0.0.1:{kafka2}",
                   "--advertise-kafka-addr", f"127.0.0.1:{kafka2}",
                   "--admin-addr", f"127.0.0.1:{admin2}"], f"127.0.0.1:{admin2}", log) as p:
            p.ready()
            assert node_config(p.admin)["node_id"] == 5
            assert node_config(p.admin)["data_directory"] == data2
            with Conn(f"127.0.0.1:{kafka2}") as c:
                m = c.request(kwire.API_METADATA, 1, {"topics": None})
                assert [(x["node_id"], x["host"], x["port"]) for x in m["brokers"]] == \
                    [(5, "127.0.0.1", kafka2)], m["brokers"]
                # The file's data dir held "auto"; this one does not.
                assert m["topics"] == [], m["topics"]
            assert p.stop() == 0

        # page_cache_tail_bytes: a synced partition keeps only its newest bytes in the page
        # cache (1 MiB here); the default (16 MiB) keeps all of a few MiB.
        for tail, most_resident, least_resident in ((1 << 20, 1.5 * (1 << 20), 0),
                                                    (None, None, 5.5 * (1 << 20))):
            data4 = os.path.join(work, f"data-tail-{tail}")
            kafka4, admin4 = free_port(), free_port()
            config4 = os.path.join(work, "tail.yaml")
            with open(config4, "w") as f:
                f.write(f"redpanda:\n  data_directory: {data4}\n")
                if tail is not None:
                    f.write(f"  page_cache_tail_bytes: {tail}\n")
            with Proc(["--config", config4, "--kafka-addr", f"127.0.0.1:{kafka4}",
                       "--admin-addr", f"127.0.0.1:{admin4}"], f"127.0.0.1:{admin4}", log) as p:
                p.ready()
                with Conn(f"127.0.0.1:{kafka4}") as c:
                    kwire.create_topic(c, "tail")
                    for i in range(24):  # 6 MiB, acks=-1: every batch synced
                        kwire.produce(c, "tail", 0, [(b"k", bytes([65 + i % 26]) * (256 << 10))])
                    resident = resident_bytes(os.path.join(data4, "topics", "tail", "0"))
                    if most_resident is not None:
                        assert resident <= most_resident, (tail, resident)
                    assert resident >= least_resident, (tail, resident)
                    # Dropped from the cache, not lost: every record reads back.
                    records = kwire.fetch_all(c, "tail", 0)
                    assert [r["value"][:1] for r in records] == \
                        [bytes([65 + i % 26]) for i in range(24)]
                assert p.stop() == 0

        # Bad configuration is a usage error, said on stderr.
        bad = os.path.join(work, "bad.yaml")
        for text in ("redpanda: [unclosed\n", "redpanda:\n  node_id: many\n",
                     "redpanda:\n  kafka_api:\n    - address: 127.0.0.1\n      port: 99999\n"):
            with open(bad, "w") as f:
                f.write(text)
            r = subprocess.run([KPK_BIN, "broker", "run", "--config", bad], capture_output=True,
                               text=True, timeout=20)
            assert r.returncode == 2, (text, r.returncode, r.stderr)
            assert "unable to configure broker" in r.stderr, r.stderr
        r = subprocess.run([KPK_BIN, "broker", "run", "--config", os.path.join(work, "none.yaml")],
                           capture_output=True, text=True, timeout=20)
        assert r.returncode == 2 and "none.yaml" in r.stderr, (r.returncode, r.stderr)
        r = subprocess.run([KPK_BIN, "broker", "run", "--kafka-addr", "nonsense"],
                           capture_output=True, text=True, timeout=20)
        assert r.returncode == 2, (r.returncode, r.stderr)
        # A port in use: a clear failure, not a hang.
        with Proc(["--config", config], f"127.0.0.1:{admin}", log) as p:
            p.ready()
            r = subprocess.run([KPK_BIN, "broker", "run", "--config", config,
                                "--data-dir", os.path.join(work, "data3")],
                               capture_output=True, text=True, timeout=20)
            assert r.returncode == 1 and "unable to start broker" in r.stderr, \
                (r.returncode, r.stderr)
            assert p.stop() == 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
