"""kafka-python 2.0.2 (version probing with pipelined ApiVersions v0 + Metadata v0): admin create
(validate-only, errors), create partitions, describe/alter configs and delete topics; a producer
with acks=all, keys, headers and timestamps; a consumer by assignment reading back exactly what
was acknowledged (with CRC checks on); beginning/end offsets and offsets for times."""
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, NewPartitions, \
    NewTopic
from kafka.errors import InvalidReplicationFactorError, TopicAlreadyExistsError

from kpk_harness import Broker

BASE = 1_660_000_000_000
TIMEOUTS = {"request_timeout_ms": 10000}


def test_admin(b):
    admin = KafkaAdminClient(bootstrap_servers=b.bootstrap, **TIMEOUTS)
    try:
        # kafka-python guesses the broker's release from what ApiVersions lists.
        assert admin.config["api_version"] >= (2, 1), admin.config["api_version"]
        admin.create_topics([NewTopic("kp", 2, 1, topic_configs={"retention.ms": "700000"})])
        admin.create_topics([NewTopic("kp-validate", 1, 1)], validate_only=True)
        admin.create_topics([NewTopic("kp-tmp", 1, 1)])
        for topic, error in ((NewTopic("kp-rf", 1, 3), InvalidReplicationFactorError),
                             (NewTopic("kp", 1, 1), TopicAlreadyExistsError)):
            try:
                admin.create_topics([topic])
                raise AssertionError(f"creating {topic.name} should have failed")
            except error:
                pass
        topics = set(admin.list_topics())
        assert {"kp", "kp-tmp"} <= topics and "kp-validate" not in topics, topics
        admin.create_partitions({"kp-tmp": NewPartitions(3)})
        described = admin.describe_topics(["kp-tmp"])
        assert len(described[0]["partitions"]) == 3, described

        resp = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, "kp")])
        entries = {e[0]: e[1] for e in resp[0].resources[0][4]}
        assert entries["retention.ms"] == "700000", entries
        resp = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, "kp",
                                                   configs={"retention.ms": "800000",
                                                            "max.message.bytes": "500000"})])
        assert resp.resources[0][0] == 0, resp
        resp = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, "kp")])
        entries = {e[0]: e[1] for e in resp[0].resources[0][4]}
        assert (entries["retention.ms"], entries["max.message.bytes"]) == ("800000", "500000")
        resp = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, "kp",
                                                   configs={"retention.ms": "-7"})])
        assert resp.resources[0][0] == 40, resp  # INVALID_CONFIG
        resp = admin.describe_configs([ConfigResource(ConfigResourceType.BROKER, "0")])
        entries = {e[0]: e[1] for e in resp[0].resources[0][4]}
        assert "log.retention.ms" in entries, entries

        admin.delete_topics(["kp-tmp"])
        assert "kp-tmp" not in set(admin.list_topics())
    finally:
        admin.close()


def produce(b):
    producer = KafkaProducer(bootstrap_servers=b.bootstrap, acks="all", linger_ms=5,
                             **TIMEOUTS)
    acked = {}
    try:
        futures = []
        for i in range(400):
            key = None if i % 13 == 0 else b"kp-key-%d" % i
            value = b"kp value %d" % i if i % 17 or key is None else None
            headers = [("n", b"%d" % i), ("empty", b"")]
            fut = producer.send("kp", key=key, value=value, headers=headers, partition=i % 2,
                                timestamp_ms=BASE + i * 10)
            futures.append((fut, (key, value, headers, BASE + i * 10)))
        producer.flush(30)
        for fut, rec in futures:
            md = fut.get(timeout=10)
            acked[(md.partition, md.offset)] = rec
    finally:
        producer.close(10)
    assert len(acked) == 400
    return acked


def consume(b, acked):
    consumer = KafkaConsumer(bootstrap_servers=b.bootstrap, group_id=None,
                             enable_auto_commit=False, check_crcs=True, fetch_max_wait_ms=50,
                             consumer_timeout_ms=3000, **TIMEOUTS)
    got = {}
    try:
        parts = [TopicPartition("kp", p) for p in range(2)]
        consumer.assign(parts)
        consumer.seek_to_beginning()
        deadline = time.monotonic() + 30
        while len(got) < len(acked) and time.monotonic() < deadline:
            for tp, msgs in consumer.poll(timeout_ms=500).items():
                for m in msgs:
                    got[(m.partition, m.offset)] = (m.key, m.value, m.headers, m.timestamp)
                    assert m.timestamp_type == 0, m
        assert consumer.beginning_offsets(parts) == {parts[0]: 0, parts[1]: 0}
        assert consumer.end_offsets(parts) == {parts[0]: 200, parts[1]: 200}
        # Partition 1 has timestamps BASE + 10, 30, 50, ...
        found = consumer.offsets_for_times({parts[1]: BASE + 31, parts[0]: BASE + 99999})
        assert found[parts[1]].offset == 2 and found[parts[1]].timestamp == BASE + 50, found
        assert found[parts[0]] is None, found
    finally:
        consumer.close()
    assert got.keys() == acked.keys(), (len(got), len(acked))
    for tp, rec in acked.items():
        assert got[tp] == rec, (tp, got[tp], rec)


def main():
    with Broker() as b:
        for step in (test_admin,):
            t = time.monotonic()
            step(b)
            print(f"{step.__name__}: ok ({time.monotonic() - t:.2f}s)")
        t = time.monotonic()
        acked = produce(b)
        print(f"produce: ok ({time.monotonic() - t:.2f}s)")
        t = time.monotonic()
        consume(b, acked)
        print(f"consume: ok ({time.monotonic() - t:.2f}s)")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
