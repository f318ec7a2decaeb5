"""Shared end-to-end test support: a real `kpk broker run` process on loopback, free ports,
bounded waits, and helpers to run kcat, node (KafkaJS) and kpk itself.

Every broker a test starts is stopped by it (use `with Broker() as b:`), every wait is bounded,
and all traffic goes to 127.0.0.1. Run tests with /usr/bin/python3 (Debian's kafka and
confluent_kafka modules live there). CTest passes the binaries through the environment:
KPK_BIN, KPK_MOCK_CLUSTER_BIN, KPK_SOURCE_DIR.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

KPK_BIN = os.environ.get("KPK_BIN", "kpk")
MOCK_CLUSTER_BIN = os.environ.get("KPK_MOCK_CLUSTER_BIN", "kpk_mock_cluster")
SOURCE_DIR = os.environ.get(
    "KPK_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
E2E_DIR = os.path.join(SOURCE_DIR, "tests", "e2e")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, interval=0.02, what="condition"):
    """Polls `predicate` until it returns a truthy value or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Broker:
    """A `kpk broker run` process with its own data directory and free ports.

    Groups form without the production initial rebalance delay (3 s) unless a test asks for it
    with initial_rebalance_delay_ms=None (the broker's default, or its config file's) or a
    number: most tests start one consumer and would only wait."""

    def __init__(self, data_dir=None, developer_mode=False, auto_create=False, extra_args=(),
                 config_file=None, log_path=None, initial_rebalance_delay_ms=0):
        self._own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="kpk-e2e-")
        self.developer_mode = developer_mode
        self.auto_create = auto_create
        self.extra_args = list(extra_args)
        self.config_file = config_file
        self.initial_rebalance_delay_ms = initial_rebalance_delay_ms
        self.kafka_port = free_port()
        self.admin_port = free_port()
        self.proc = None
        # Next to the data dir by default (which need not exist yet); a test that fills the
        # data dir's file system passes a log_path elsewhere.
        data_path = os.path.normpath(os.path.abspath(self.data_dir))
        self.log_path = log_path or os.path.join(os.path.dirname(data_path),
                                                 os.path.basename(data_path) + ".log")
        self._log = None

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def admin(self):
        return f"127.0.0.1:{self.admin_port}"

    def start(self, timeout=10):
        args = [KPK_BIN, "broker", "run", "--data-dir", self.data_dir,
                "--kafka-addr", self.bootstrap, "--admin-addr", self.admin]
        if self.config_file:
            args += ["--config", self.config_file]
        if self.developer_mode:
            args.append("--developer-mode")
        if self.auto_create:
            args.append("--auto-create-topics")
        if self.initial_rebalance_delay_ms is not None:
            args += ["--group-initial-rebalance-delay-ms", str(self.initial_rebalance_delay_ms)]
        args += self.extra_args
        self._log = open(self.log_path, "ab")
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        wait_until(self._ready, timeout, what=f"broker ready on {self.admin}")
        self.ready_after = time.monotonic() - self.started_at
        return self

    def _ready(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"broker exited with {self.proc.returncode}:\n{self.log()}")
        try:
            with urllib.request.urlopen(f"http://{self.admin}/v1/status/ready", timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    def stop(self, timeout=15):
        """SIGTERM and wait; returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                raise RuntimeError("broker did not stop within %ss of SIGTERM" % timeout)
        code = self.proc.returncode
        self.proc = None
        self._log.close()
        return code

    def kill(self):
        """SIGKILL: a crash, no chance to flush or close."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None
        if self._log:
            self._log.close()

    def restart(self, timeout=10):
        self.stop()
        return self.start(timeout)

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def cleanup(self):
        with contextlib.suppress(Exception):
            self.kill()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            with contextlib.suppress(OSError):
                os.remove(self.log_path)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        try:
            if self.proc is not None and self.proc.poll() is None:
                self.stop()
        finally:
            self.cleanup()


class MockCluster:
    """librdkafka's mock cluster in its own process (tests/support/kpk_mock_cluster)."""

    def __init__(self, topics=(), brokers=1):
        args = [MOCK_CLUSTER_BIN, "--brokers", str(brokers)]
        for t in topics:
            args += ["--topic", t]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        self.bootstrap = self.proc.stdout.readline().strip()
        if not self.bootstrap:
            raise RuntimeError("mock cluster did not print its bootstrap servers")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def run_timed(tests, *args):
    """Runs each test function with `args`, printing its name and how long it took."""
    for test in tests:
        started = time.monotonic()
        test(*args)
        print(f"{test.__name__}: ok ({time.monotonic() - started:.2f}s)")


def run(args, timeout=60, input=None, check=True, env=None):
    """Runs a command with a bound; returns CompletedProcess (text)."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    result = subprocess.run(args, input=input, capture_output=True, text=True, timeout=timeout,
                            env=full_env)
    if check and result.returncode != 0:
        raise RuntimeError(f"{args} exited {result.returncode}\nstdout:{result.stdout}\n"
                           f"stderr:{result.stderr}")
    return result


def kcat(bootstrap, *args, timeout=60, input=None, check=True):
    return run(["kcat", "-b", bootstrap, *args], timeout=timeout, input=input, check=check)


def node(script, *args, timeout=120, check=True):
    """Runs a KafkaJS script from tests/e2e (node_modules installed by install-deps.sh).
    A relative script path is taken from tests/e2e, not from ctest's working directory."""
    script = os.path.join(E2E_DIR, script)
    return run(["node", script, *args], timeout=timeout, check=check,
               env={"NODE_PATH": os.path.join(E2E_DIR, "node_modules")})


def kpk(*args, timeout=60, input=None, check=True, env=None):
    return run([KPK_BIN, *args], timeout=timeout, input=input, check=check, env=env)


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]
