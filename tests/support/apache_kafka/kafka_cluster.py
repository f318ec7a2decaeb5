#!/usr/bin/python3
"""Apache Kafka on loopback, as a test peer: formats KRaft storage in a temp dir and starts

  single    one combined broker+controller node,
  split     three brokers and one controller,
  combined  three combined broker+controller nodes,

on free 127.0.0.1 ports with small heaps, waits until every broker answers Metadata with the
whole cluster, and stops every JVM it started (on exit, on failure, on SIGINT/SIGTERM, and,
through PR_SET_PDEATHSIG, when this process is killed outright).

With sasl_ssl=True each broker also has a SASL_SSL listener: SCRAM-SHA-512 users from USERS, a
server certificate signed by a test CA made with openssl at start, and StandardAuthorizer on
(ANONYMOUS, the PLAINTEXT principal, and `admin` are super users).

The jars come from fetch.sh (Maven Central, cached; tests set KPK_KAFKA_OFFLINE=1 so that
only the cache is used). By hand:
  tests/support/apache_kafka/kafka_cluster.py --mode split --sasl-ssl
prints the bootstrap addresses and runs until Ctrl-C.
"""

import argparse
import atexit
import contextlib
import ctypes
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "e2e", "lib"))
import kwire  # noqa: E402

USERS = {"admin": "admin-secret", "alice": "alice-secret"}
STORE_PASSWORD = "kpk-test-store"
CONTROLLER_ID_BASE = 100
_live = []  # every started node, for the exit and signal handlers


def fetch_libs():
    """The folder of Apache Kafka's jars (fetch.sh downloads them once)."""
    cmd = [os.path.join(HERE, "fetch.sh")]
    if os.environ.get("KPK_KAFKA_OFFLINE"):  # tests: loopback only, the cache must be there
        cmd.append("--offline")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(f"Apache Kafka's jars are missing: {out.stderr.strip()}")
    return out.stdout.strip().splitlines()[-1]


def classpath():
    return os.path.join(fetch_libs(), "*")


def kafka_version():
    return os.path.basename(os.path.dirname(fetch_libs()))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent():
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    os.setsid()


def java_command(main_class, *args, heap="256m", fast_start=True, cp=None, jvm_args=()):
    """A `java` command line running one of Kafka's main classes from the cached jars.
    fast_start trades peak speed for start time (C1 only), which suits 2-core test machines."""
    if fast_start:
        cmd = ["java", f"-Xmx{heap}", "-Xms64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
    else:  # kafka-server-start.sh's settings (with heap="1g")
        cmd = ["java", f"-Xmx{heap}", f"-Xms{heap}", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20"]
    cmd.append("-Djava.awt.headless=true")
    return cmd + list(jvm_args) + ["-cp", cp or classpath(), main_class] + list(args)


def run_tool(main_class, *args, timeout=120, **kw):
    """Runs one of Kafka's command-line tools (e.g. org.apache.kafka.tools.TopicCommand)."""
    return subprocess.run(java_command(main_class, *args, heap="192m"), capture_output=True,
                          text=True, timeout=timeout, preexec_fn=_die_with_parent, **kw)


def _write_log4j(path, log_file):
    with open(path, "w") as f:
        f.write("status = warn\n"
                "appender.file.type = File\n"
                "appender.file.name = FILE\n"
                f"appender.file.fileName = {log_file}\n"
                "appender.file.layout.type = PatternLayout\n"
                "appender.file.layout.pattern = [%d] %p %m (%c)%n\n"
                "rootLogger.level = INFO\n"
                "rootLogger.appenderRef.file.ref = FILE\n"
                "logger.kafka.name = kafka\nlogger.kafka.level = WARN\n"
                "logger.apache.name = org.apache.kafka\nlogger.apache.level = WARN\n"
                "logger.state.name = state.change.logger\nlogger.state.level = WARN\n")


def make_test_ca(folder):
    """A CA and a server certificate for 127.0.0.1/localhost, made with openssl; returns
    (ca.pem, server.p12). The PKCS12 keystore is what the JVM broker reads."""
    def ssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=folder,
                       timeout=60)
    ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=kpk-test-ca",
        "-keyout", "ca.key", "-out", "ca.pem")
    with open(os.path.join(folder, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    ssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
        "-out", "server.csr")
    ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.pem")
    ssl("pkcs12", "-export", "-in", "server.pem", "-inkey", "server.key", "-certfile", "ca.pem",
        "-name", "server", "-out", "server.p12", "-passout", f"pass:{STORE_PASSWORD}")
    return os.path.join(folder, "ca.pem"), os.path.join(folder, "server.p12")


class Node:
    """One Kafka JVM: a broker, a controller, or both."""

    def __init__(self, node_id, roles, folder):
        self.node_id = node_id
        self.roles = roles
        self.folder = folder
        self.port = free_port() if "broker" in roles else None
        self.sasl_ssl_port = None
        self.controller_port = free_port() if "controller" in roles else None
        self.process = None
        self.stop_timeout = 20
        os.makedirs(folder, exist_ok=True)

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    @property
    def config_path(self):
        return os.path.join(self.folder, "server.properties")

    @property
    def log_path(self):
        return os.path.join(self.folder, "server.log")

    def start(self, cp, jvm=None):
        """jvm: java_command's heap and fast_start (tests: 256 MiB, C1 only)."""
        log4j = os.path.join(self.folder, "log4j2.properties")
        _write_log4j(log4j, self.log_path)
        cmd = java_command("kafka.Kafka", self.config_path, cp=cp, **(jvm or {}),
                           jvm_args=[f"-Dlog4j2.configurationFile={log4j}",
                                     f"-Dkafka.logs.dir={self.folder}"])
        self.stdout = open(os.path.join(self.folder, "stdout.log"), "ab")
        self.process = subprocess.Popen(cmd, stdout=self.stdout, stderr=subprocess.STDOUT,
                                        preexec_fn=_die_with_parent)
        _live.append(self)

    def signal_stop(self):
        """SIGTERM: Kafka's controlled shutdown starts."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)

    def stop(self):
        """SIGTERM, then SIGKILL after stop_timeout seconds."""
        self.signal_stop()
        if self.process and self.process.poll() is None:
            try:
                self.process.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        if self.process:
            self.stdout.close()
        if self in _live:
            _live.remove(self)
        self.process = None

    def running(self):
        return self.process is not None and self.process.poll() is None

    def tail_log(self, lines=40):
        text = ""
        for path in (self.log_path, os.path.join(self.folder, "stdout.log")):
            with contextlib.suppress(OSError), open(path, errors="replace") as f:
                text += f"--- {path}\n" + "".join(f.readlines()[-lines:])
        return text


class KafkaCluster:
    """Apache Kafka in KRaft mode on loopback; use as a context manager."""

    def __init__(self, mode="single", sasl_ssl=False, broker_configs=None, keep_dir=False,
                 jvm=None, small=True):
        """jvm: java_command's heap and fast_start; small=False keeps Kafka's own thread counts
        and buffers (benchmarks), where tests trim them for 2-core machines."""
        if mode not in ("single", "split", "combined"):
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.sasl_ssl = sasl_ssl
        self.broker_configs = dict(broker_configs or {})
        self.keep_dir = keep_dir
        self.jvm = dict(jvm or {})
        self.small = small
        self.dir = tempfile.mkdtemp(prefix=f"kpk-apache-kafka-{mode}-")
        self.cluster_id = kwire_cluster_id()
        self.ca_pem = None
        self.nodes = self._plan()

    def _plan(self):
        d = lambda i: os.path.join(self.dir, f"node-{i}")  # noqa: E731
        if self.mode == "single":
            return [Node(1, "broker,controller", d(1))]
        if self.mode == "combined":
            nodes = [Node(i, "broker,controller", d(i)) for i in (1, 2, 3)]
            # Combined nodes stopping together wait for a quorum that is going away (20 s seen
            # with Kafka 4.4); a test cluster's data is thrown away, so 5 s, then SIGKILL.
            for node in nodes:
                node.stop_timeout = 5
            return nodes
        return ([Node(CONTROLLER_ID_BASE, "controller", d(CONTROLLER_ID_BASE))] +
                [Node(i, "broker", d(i)) for i in (1, 2, 3)])

    @property
    def brokers(self):
        return [n for n in self.nodes if n.port]

    @property
    def controllers(self):
        return [n for n in self.nodes if n.controller_port]

    @property
    def bootstrap(self):
        return ",".join(n.bootstrap for n in self.brokers if n.running()) or \
            ",".join(n.bootstrap for n in self.brokers)

    @property
    def sasl_ssl_bootstrap(self):
        return ",".join(f"127.0.0.1:{n.sasl_ssl_port}" for n in self.brokers)

    def broker(self, node_id):
        return next(n for n in self.nodes if n.node_id == node_id)

    def _properties(self, node):
        replication = min(3, len(self.brokers))
        voters = ",".join(f"{c.node_id}@127.0.0.1:{c.controller_port}" for c in self.controllers)
        listeners, advertised = [], []
        protocols = ["CONTROLLER:PLAINTEXT", "PLAINTEXT:PLAINTEXT"]
        if node.port:
            listeners.append(f"PLAINTEXT://127.0.0.1:{node.port}")
            advertised.append(f"PLAINTEXT://127.0.0.1:{node.port}")
        if node.controller_port:
            listeners.append(f"CONTROLLER://127.0.0.1:{node.controller_port}")
        props = {
            "process.roles": node.roles,
            "node.id": node.node_id,
            "controller.quorum.voters": voters,
            "controller.listener.names": "CONTROLLER",
            "log.dirs": os.path.join(node.folder, "data"),
            "num.partitions": 1,
            "offsets.topic.replication.factor": replication,
            "offsets.topic.num.partitions": 3,
            "transaction.state.log.replication.factor": replication,
            "transaction.state.log.min.isr": 1,
            "transaction.state.log.num.partitions": 3,
            "group.initial.rebalance.delay.ms": 0,
            "share.coordinator.state.topic.replication.factor": replication,
            "share.coordinator.state.topic.min.isr": 1,
        }
        if self.small:  # fewer threads and a 2 MiB cleaner buffer (Kafka's default: 128 MiB)
            props.update({"num.network.threads": 2, "num.io.threads": 2,
                          "background.threads": 2, "log.cleaner.dedupe.buffer.size": 2 << 20})
        if node.port:
            props["inter.broker.listener.name"] = "PLAINTEXT"
        if self.sasl_ssl and node.port:
            node.sasl_ssl_port = node.sasl_ssl_port or free_port()
            listeners.append(f"SASL_SSL://127.0.0.1:{node.sasl_ssl_port}")
            advertised.append(f"SASL_SSL://127.0.0.1:{node.sasl_ssl_port}")
            protocols.append("SASL_SSL:SASL_SSL")
            props.update({
                "sasl.enabled.mechanisms": "SCRAM-SHA-512",
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config":
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "ssl.keystore.type": "PKCS12",
                "ssl.keystore.location": os.path.join(self.dir, "server.p12"),
                "ssl.keystore.password": STORE_PASSWORD,
                "ssl.key.password": STORE_PASSWORD,
            })
        if self.sasl_ssl:
            props.update({
                "authorizer.class.name":
                    "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users": "User:ANONYMOUS;User:admin",
            })
        props["listeners"] = ",".join(listeners)
        if advertised:
            props["advertised.listeners"] = ",".join(advertised)
        props["listener.security.protocol.map"] = ",".join(protocols)
        if node.port:
            props.update(self.broker_configs)
        return props

    def _format(self, node, cp):
        with open(node.config_path, "w") as f:
            for key, value in self._properties(node).items():
                f.write(f"{key}={value}\n")
        args = ["format", f"--cluster-id={self.cluster_id}", "-c", node.config_path,
                "--ignore-formatted"]
        if self.sasl_ssl:
            for user, password in USERS.items():
                args += ["--add-scram", f"SCRAM-SHA-512=[name={user},password={password}]"]
        result = subprocess.run(java_command("kafka.tools.StorageTool", *args, heap="128m",
                                             cp=cp), capture_output=True, text=True,
                                timeout=120, preexec_fn=_die_with_parent)
        if result.returncode != 0:
            raise RuntimeError(f"formatting node {node.node_id}: {result.stdout}{result.stderr}")

    def format_all(self):
        """Makes the test CA (with sasl_ssl) and formats every node's storage."""
        cp = classpath()
        if self.sasl_ssl:
            self.ca_pem, _ = make_test_ca(self.dir)
        for node in self.nodes:
            self._format(node, cp)

    def start(self, timeout=120):
        self.format_all()
        cp = classpath()
        for node in self.nodes:
            node.start(cp, self.jvm)
        self.wait_ready(timeout)
        return self

    def start_node(self, node_id, timeout=120):
        """Starts a node stopped with stop_node, and waits for the whole cluster again."""
        self.broker(node_id).start(classpath(), self.jvm)
        self.wait_ready(timeout)

    def stop_node(self, node_id):
        self.broker(node_id).stop()

    def wait_ready(self, timeout=120):
        """Waits until every running broker answers Metadata listing every running broker."""
        want = {n.node_id for n in self.brokers if n.running()}
        deadline = time.monotonic() + timeout
        while True:
            dead = [n for n in self.nodes if n.process and n.process.poll() is not None]
            if dead:
                raise RuntimeError(f"Kafka node {dead[0].node_id} exited:\n{dead[0].tail_log()}")
            if all(self._sees(n, want) for n in self.brokers if n.running()):
                return
            if time.monotonic() > deadline:
                logs = "".join(n.tail_log() for n in self.nodes)
                raise TimeoutError(f"Kafka cluster not ready after {timeout}s\n{logs}")
            time.sleep(0.25)

    @staticmethod
    def _sees(node, want):
        try:
            with kwire.Conn(node.bootstrap, timeout=2) as conn:
                body = conn.request(3, 12, {"topics": [], "allow_auto_topic_creation": False})
            return {b["node_id"] for b in body["brokers"]} == want and \
                body.get("controller_id", -1) >= 0
        except (OSError, kwire.ConnectionClosed, AssertionError, KeyError):
            return False

    def metadata(self):
        with kwire.Conn(self.bootstrap.split(",")[0], timeout=5) as conn:
            return conn.request(3, 12, {"topics": None, "allow_auto_topic_creation": False})

    def stop(self):
        # Brokers first, while the controllers can still take their controlled shutdown; the
        # nodes of a group stop together.
        for group in ([n for n in self.nodes if "controller" not in n.roles],
                      [n for n in self.nodes if "controller" in n.roles]):
            for node in group:
                node.signal_stop()
            for node in group:
                node.stop()
        if not self.keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()


def kwire_cluster_id():
    """A KRaft cluster id: 16 random bytes in URL-safe base64 without padding. Like Kafka's
    Uuid.randomUuid, never one that starts with '-', which command lines take for a flag."""
    import base64
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def _stop_all(*_):
    for node in list(_live):
        node.signal_stop()
    for node in list(_live):
        node.stop()


def _on_signal(signum, _frame):
    _stop_all()
    sys.exit(128 + signum)


atexit.register(_stop_all)
for _sig in (signal.SIGTERM, signal.SIGINT):
    if signal.getsignal(_sig) in (signal.SIG_DFL, signal.default_int_handler):
        signal.signal(_sig, _on_signal)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["single", "split", "combined"], default="single")
    parser.add_argument("--sasl-ssl", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    with KafkaCluster(args.mode, sasl_ssl=args.sasl_ssl) as cluster:
        print(f"Apache Kafka {kafka_version()} ({args.mode}) ready in "
              f"{time.monotonic() - started:.1f}s in {cluster.dir}")
        print(f"bootstrap: {cluster.bootstrap}")
        if args.sasl_ssl:
            print(f"sasl_ssl:  {cluster.sasl_ssl_bootstrap}  (CA {cluster.ca_pem}; users "
                  + ", ".join(f"{u}/{p}" for u, p in USERS.items()) + ")")
        print("Ctrl-C stops it.", flush=True)
        while all(n.running() for n in cluster.nodes):
            time.sleep(1)
        print("a node exited", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
