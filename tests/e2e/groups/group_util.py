"""Helpers for the consumer group tests: topics, producing to chosen partitions, consumer
threads for librdkafka (confluent-kafka) and kafka-python that record what they consume and
what they are assigned, and checks over what they saw. Every wait and loop is bounded."""

import threading
import time

from confluent_kafka import Consumer, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from kpk_harness import wait_until

CONSUMER_TIME_LIMIT = 120  # seconds a consumer thread may run at most


def create_topic(bootstrap, name, partitions):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(name, partitions, 1)], operation_timeout=10)
    futures[name].result(timeout=15)


def produce(bootstrap, topic, partitions, count, start=0):
    """`count` records, spread round-robin over the partitions, values v<start>.."""
    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5})
    for i in range(start, start + count):
        p.produce(topic, value=f"v{i}".encode(), partition=i % partitions)
    remaining = p.flush(30)
    assert remaining == 0, f"{remaining} records not delivered"


class Recorder:
    """What one consumer saw: records as (partition, offset) and each assignment it got."""

    def __init__(self, name):
        self.name = name
        self.lock = threading.Lock()
        self.records = []
        self.current = set()
        self.assignments = []
        self.revocations = []
        # Assignments taken away without a revoke (librdkafka's "lost"): the member was fenced.
        self.lost = []
        # (partition, offset) of records whose commit the coordinator refused.
        self.refused_commits = set()
        self.foreign = []  # records from partitions not assigned to it at the time
        self.errors = []

    def assigned(self, partitions, incremental=False):
        with self.lock:
            self.current = (self.current | set(partitions)) if incremental else set(partitions)
            self.assignments.append(sorted(partitions))

    def revoked(self, partitions, incremental=False):
        with self.lock:
            self.current = (self.current - set(partitions)) if incremental else set()
            self.revocations.append(sorted(partitions))

    def lost_all(self, partitions, incremental=False):
        with self.lock:
            self.current = (self.current - set(partitions)) if incremental else set()
            self.lost.append(sorted(partitions))

    def commit_refused(self, partition, offset, why):
        with self.lock:
            self.refused_commits.add((partition, offset))
            self.errors.append(f"commit {partition}@{offset}: {why}")

    def record(self, partition, offset):
        with self.lock:
            if partition not in self.current:
                self.foreign.append((partition, offset))
            self.records.append((partition, offset))

    def snapshot(self):
        with self.lock:
            return set(self.current), list(self.records)


class RdkafkaConsumer(threading.Thread):
    """A confluent-kafka consumer in its own thread, committing each record synchronously."""

    def __init__(self, name, bootstrap, group, topic, extra=None):
        super().__init__(daemon=True)
        self.rec = Recorder(name)
        self.topic = topic
        conf = {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "client.id": name,
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "session.timeout.ms": 10000,
            "heartbeat.interval.ms": 500,
        }
        conf.update(extra or {})
        self.incremental = conf.get("partition.assignment.strategy") == "cooperative-sticky"
        self.consumer = Consumer(conf)
        self.stop_event = threading.Event()

    def _on_assign(self, consumer, partitions):
        self.rec.assigned([p.partition for p in partitions], self.incremental)

    def _on_revoke(self, consumer, partitions):
        self.rec.revoked([p.partition for p in partitions], self.incremental)

    def _on_lost(self, consumer, partitions):
        self.rec.lost_all([p.partition for p in partitions], self.incremental)

    def run(self):
        deadline = time.monotonic() + CONSUMER_TIME_LIMIT
        self.consumer.subscribe([self.topic], on_assign=self._on_assign, on_revoke=self._on_revoke,
                                on_lost=self._on_lost)
        try:
            while not self.stop_event.is_set() and time.monotonic() < deadline:
                msg = self.consumer.poll(0.05)
                if msg is None:
                    continue
                if msg.error():
                    self.rec.errors.append(str(msg.error()))
                    continue
                self.rec.record(msg.partition(), msg.offset())
                try:
                    self.consumer.commit(message=msg, asynchronous=False)
                except KafkaException as e:
                    self.rec.commit_refused(msg.partition(), msg.offset(), e)
        finally:
            self.consumer.close()

    def stop(self, timeout=30):
        self.stop_event.set()
        self.join(timeout)
        assert not self.is_alive(), f"consumer {self.rec.name} did not stop"


class KafkaPythonConsumer(threading.Thread):
    """A kafka-python consumer in its own thread, committing after each poll."""

    def __init__(self, name, bootstrap, group, topic):
        super().__init__(daemon=True)
        from kafka import KafkaConsumer
        from kafka.consumer.subscription_state import ConsumerRebalanceListener

        rec = self.rec = Recorder(name)

        class Listener(ConsumerRebalanceListener):
            def on_partitions_revoked(self, revoked):
                rec.revoked([tp.partition for tp in revoked])

            def on_partitions_assigned(self, assigned):
                rec.assigned([tp.partition for tp in assigned])

        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, client_id=name,
                                      enable_auto_commit=False, auto_offset_reset="earliest",
                                      session_timeout_ms=10000, heartbeat_interval_ms=500)
        self.consumer.subscribe([topic], listener=Listener())
        self.stop_event = threading.Event()

    def run(self):
        deadline = time.monotonic() + CONSUMER_TIME_LIMIT
        try:
            while not self.stop_event.is_set() and time.monotonic() < deadline:
                batches = self.consumer.poll(timeout_ms=50)
                if not batches:
                    continue
                for tp, msgs in batches.items():
                    for m in msgs:
                        self.rec.record(tp.partition, m.offset)
                try:
                    self.consumer.commit()
                except Exception as e:  # kafka-python raises CommitFailedError and others
                    self.rec.errors.append(f"commit: {e!r}")
        finally:
            self.consumer.close()

    def stop(self, timeout=30):
        self.stop_event.set()
        self.join(timeout)
        assert not self.is_alive(), f"consumer {self.rec.name} did not stop"


def split_evenly(recorders, partitions):
    """The recorders' current assignments are disjoint, cover every partition, and each has
    its share (differing by at most one)."""
    current = [r.snapshot()[0] for r in recorders]
    union = set().union(*current)
    if union != set(range(partitions)) or sum(len(c) for c in current) != partitions:
        return False
    sizes = [len(c) for c in current]
    return max(sizes) - min(sizes) <= 1 and min(sizes) > 0


def wait_split(recorders, partitions, timeout, what):
    start = time.monotonic()
    wait_until(lambda: split_evenly(recorders, partitions), timeout, interval=0.05, what=what)
    return time.monotonic() - start


def total_records(recorders):
    return sum(len(r.snapshot()[1]) for r in recorders)


def check_no_duplicates(recorders):
    """Each record consumed once; only a record whose commit was refused may come again (the
    group hands out what is not committed: at least once)."""
    refused = set()
    for r in recorders:
        refused |= r.refused_commits
    seen = {}
    for r in recorders:
        for key in r.snapshot()[1]:
            assert key not in seen or key in refused, f"{key} consumed by {seen[key]} and by {r.name}"
            seen.setdefault(key, r.name)
    return seen


def check_no_foreign(recorders):
    for r in recorders:
        assert not r.foreign, f"{r.name} consumed from partitions it did not own: {r.foreign[:5]}"


def committed_offsets(bootstrap, group, topic, partitions):
    from confluent_kafka import TopicPartition
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        tps = c.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=10)
        return {tp.partition: tp.offset for tp in tps}
    finally:
        c.close()
