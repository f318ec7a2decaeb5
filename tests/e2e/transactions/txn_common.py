"""Helpers shared by the transaction tests."""
import time

from confluent_kafka import Consumer, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def create_topics(bootstrap, partitions, *names):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for f in admin.create_topics([NewTopic(n, partitions, 1) for n in names]).values():
        f.result(10)


def read_partitions(bootstrap, topic, partitions, isolation, expected_end=None, timeout_s=20):
    """Reads every partition from the start by assignment (no group) until each partition's
    end for this isolation level is reached; returns values per partition, in order."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "unused",
                  "isolation.level": isolation, "enable.auto.commit": False,
                  "enable.partition.eof": True, "auto.offset.reset": "earliest"})
    c.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    out = {p: [] for p in range(partitions)}
    at_eof = set()
    deadline = time.monotonic() + timeout_s
    while len(at_eof) < partitions and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() == -191:  # _PARTITION_EOF
                at_eof.add(m.partition())
                continue
            raise KafkaException(m.error())
        at_eof.discard(m.partition())
        out[m.partition()].append(m.value().decode())
    c.close()
    assert len(at_eof) == partitions, f"did not reach the end of {topic} within {timeout_s}s"
    return out
