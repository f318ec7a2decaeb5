"""Harness for the CLI end-to-end tests: the same test functions run against any target
cluster, chosen with --target (mock = librdkafka's mock cluster, broker = `kpk broker run`,
kafka = one single-node Apache Kafka from tests/support/apache_kafka, shared by the suite,
kafka-split = three Kafka brokers and a controller, for tests that stop brokers).

A target is a small class with `start(topics)`, `stop()`, `bootstrap`, `admin` (the Admin API
address, None where there is none) and the set of features it serves; adding a target is one
entry in TARGETS. Tests branch on env.is_kafka only where Kafka's answer legitimately differs
from kpk's broker (node ids, internal topics), saying why. Tests declare the features they
need with @needs(...), and are reported as skipped on targets without them (the mock cluster
has no admin APIs: no CreateTopics, configs, ListGroups or DescribeGroups, and no offsets by
timestamp).

Every kpk run has a timeout, every cluster is stopped in a finally block, and all traffic stays
on 127.0.0.1. CTest passes binaries in KPK_BIN and KPK_MOCK_CLUSTER_BIN.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

from kpk_harness import KPK_BIN, Broker, MockCluster

# Features a target may serve.
ADMIN = "admin"    # CreateTopics, DeleteTopics, configs, partitions, DeleteRecords
GROUPS = "groups"  # ListGroups / DescribeGroups / DeleteGroups / offset admin
TIMESTAMPS = "timestamps"  # ListOffsets by timestamp (the mock cluster answers only -1 / -2)


def create_topics(bootstrap, topics, timeout=30):
    """Creates {name: partitions} with `kpk topic create`."""
    for name, partitions in topics.items():
        result = subprocess.run(
            [KPK_BIN, "-X", f"brokers={bootstrap}", "topic", "create", name, "-p",
             str(partitions)], capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"creating topic {name}: {result.stdout}{result.stderr}")


class MockTarget:
    """librdkafka's mock cluster; topics are created when it starts."""
    name = "mock"
    features = set()

    def start(self, topics):
        self.mock = MockCluster(topics=[f"{n}:{p}" for n, p in topics.items()])
        self.bootstrap = self.mock.bootstrap
        self.admin = None
        return self

    def stop(self):
        self.mock.stop()


class BrokerTarget:
    """`kpk broker run` with a temp data dir; topics are created with `kpk topic create`."""
    name = "broker"
    features = {ADMIN, GROUPS, TIMESTAMPS}

    def start(self, topics):
        self.broker = Broker()
        self.broker.start()
        self.bootstrap = self.broker.bootstrap
        self.admin = self.broker.admin
        create_topics(self.bootstrap, topics)
        return self

    def stop(self):
        self.broker.__exit__(None, None, None)


class KafkaTarget:
    """Apache Kafka (one combined broker+controller node, KRaft) from
    tests/support/apache_kafka; topics are created with `kpk topic create`. It has no Admin
    API (admin is None). Tests that expect an answer only Kafka gives branch on env.is_kafka."""
    name = "kafka"
    mode = "single"
    features = {ADMIN, GROUPS, TIMESTAMPS}

    def start(self, topics):
        from kafka_cluster import KafkaCluster  # on PYTHONPATH through APACHE_KAFKA tests
        # Topic auto-creation off, as on `kpk broker run` (Kafka's default is on): the
        # tests expect a record for a missing topic to fail.
        self.cluster = KafkaCluster(self.mode,
                                    broker_configs={"auto.create.topics.enable": "false"})
        self.cluster.__enter__()
        try:
            self.bootstrap = self.cluster.bootstrap
            self.admin = None
            create_topics(self.bootstrap, topics)
        except BaseException:
            self.cluster.stop()
            raise
        return self

    def stop(self):
        self.cluster.stop()


class KafkaSplitTarget(KafkaTarget):
    """Apache Kafka with three brokers and one controller (`env.target.cluster` stops and
    starts brokers)."""
    name = "kafka-split"
    mode = "split"


TARGETS = {
    "mock": MockTarget,
    "broker": BrokerTarget,
    "kafka": KafkaTarget,
    "kafka-split": KafkaSplitTarget,
}


class Env:
    """What a test gets: the cluster, a private HOME/XDG_CONFIG_HOME, and `kpk` to run."""

    def __init__(self, target):
        self.target = target
        self.home = tempfile.mkdtemp(prefix="kpk-cli-e2e-")
        self.config_dir = os.path.join(self.home, "config")

    @property
    def bootstrap(self):
        return self.target.bootstrap

    @property
    def is_kafka(self):
        """True against Apache Kafka, whose answers differ from kpk's broker in places the
        protocol leaves open (internal topics, error texts, ids, paths, config sources)."""
        return isinstance(self.target, KafkaTarget)

    def has(self, feature):
        return feature in self.target.features

    def kpk(self, *args, input=None, timeout=30, env=None, brokers=True, stdin=None,
            settings=None):
        """Runs kpk (with -X brokers=<target> unless brokers=False, and each of `settings` as
        -X key=value); returns CompletedProcess, with the wall time in `elapsed`."""
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("KPK_") or
                    k in ("KPK_BIN", "KPK_MOCK_CLUSTER_BIN", "KPK_SOURCE_DIR")}
        full_env.update({"HOME": self.home, "XDG_CONFIG_HOME": self.config_dir, "NO_COLOR": "1"})
        if env:
            full_env.update(env)
        flags = ["-X", f"brokers={self.bootstrap}"] if brokers else []
        for key, value in (settings or {}).items():
            flags += ["-X", f"{key}={value}"]
        kwargs = {"input": input} if stdin is None else {"stdin": stdin}
        started = time.monotonic()
        result = subprocess.run([KPK_BIN, *flags, *args], capture_output=True, text=True,
                                timeout=timeout, env=full_env, **kwargs)
        result.elapsed = time.monotonic() - started
        return result

    def ok(self, *args, **kw):
        """Runs kpk and requires exit 0."""
        result = self.kpk(*args, **kw)
        if result.returncode != 0:
            raise AssertionError(f"kpk {' '.join(args)} exited {result.returncode}\n"
                                 f"stdout: {result.stdout}\nstderr: {result.stderr}")
        return result

    def cleanup(self):
        shutil.rmtree(self.home, ignore_errors=True)


def needs(*features):
    def mark(fn):
        fn.needs = set(features)
        return fn
    return mark


def expect(cond, message=""):
    if not cond:
        raise AssertionError(message)


def expect_eq(got, want, what=""):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


def run_each(tests, make_env, only=None, features=None, target_name=""):
    """Runs each test (a function taking an Env from make_env()) that matches `only` and whose
    needs `features` has (None: every test). Reports every failure and carries on; returns
    (passed, failed names, skipped)."""
    failed, passed, skipped = [], 0, 0
    for test in tests:
        if only and only not in test.__name__:
            continue
        missing = getattr(test, "needs", set()) - (features if features is not None
                                                    else getattr(test, "needs", set()))
        if missing:
            print(f"SKIP {test.__name__} (target {target_name} lacks {', '.join(sorted(missing))})")
            skipped += 1
            continue
        env = make_env()
        started = time.monotonic()
        try:
            test(env)
            passed += 1
            print(f"ok   {test.__name__} ({time.monotonic() - started:.2f}s)")
        except Exception:  # report every failure, then carry on
            failed.append(test.__name__)
            print(f"FAIL {test.__name__}\n{traceback.format_exc()}")
        finally:
            env.cleanup()
        sys.stdout.flush()
    return passed, failed, skipped


def main(tests, topics):
    """Runs `tests` (functions taking an Env) against the --target cluster, created with
    `topics` ({name: partitions}). Exits 0 if every test passed or was skipped."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", choices=sorted(TARGETS), required=True)
    parser.add_argument("-k", dest="only", help="run only tests whose name contains this")
    args = parser.parse_args()
    target = TARGETS[args.target]()
    target.start(topics)
    try:
        passed, failed, skipped = run_each(tests, lambda: Env(target), args.only,
                                           target.features, args.target)
    finally:
        target.stop()
    print(f"{passed} passed, {len(failed)} failed, {skipped} skipped on {args.target}")
    return 1 if failed else 0
