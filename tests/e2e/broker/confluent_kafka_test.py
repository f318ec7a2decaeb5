"""confluent-kafka 1.7 (librdkafka 2.0.2): AdminClient create (validate-only, bad replication
factor, duplicates), create partitions, describe/alter configs, list and delete topics; a
Producer with acks=all, keys, headers (repeated and null-valued), explicit timestamps and
compression; a Consumer by assignment reading back exactly what was acknowledged; watermarks
and offsets for times."""
import sys
import time

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

from kpk_harness import Broker

BASE = 1_650_000_000_000


def wait_all(futures, timeout=15):
    return {k: f.result(timeout=timeout) if f.exception(timeout=timeout) is None
            else f.exception() for k, f in futures.items()}


def test_admin(b):
    admin = AdminClient({"bootstrap.servers": b.bootstrap})
    res = wait_all(admin.create_topics([NewTopic("ck", 3, 1, config={"retention.ms": "900000"}),
                                        NewTopic("ck-tmp", 1, 1)]))
    assert res == {"ck": None, "ck-tmp": None}, res
    res = wait_all(admin.create_topics([NewTopic("ck-validate", 2, 1)], validate_only=True))
    assert res["ck-validate"] is None, res
    topics = admin.list_topics(timeout=10).topics
    assert "ck-validate" not in topics and len(topics["ck"].partitions) == 3, topics
    for topic, error in ((NewTopic("ck-rf", 1, 2), KafkaError.INVALID_REPLICATION_FACTOR),
                         (NewTopic("ck", 1, 1), KafkaError.TOPIC_ALREADY_EXISTS),
                         (NewTopic("bad name", 1, 1), KafkaError.TOPIC_EXCEPTION),
                         (NewTopic("ck-cfg", 1, 1, config={"retention.ms": "x"}),
                          KafkaError.INVALID_CONFIG)):
        res = wait_all(admin.create_topics([topic]))
        err = res[topic.topic]
        assert err is not None and err.args[0].code() == error, (topic.topic, err)
    res = wait_all(admin.create_partitions([NewPartitions("ck-tmp", 4)]))
    assert res["ck-tmp"] is None, res
    assert len(admin.list_topics(timeout=10).topics["ck-tmp"].partitions) == 4
    res = wait_all(admin.create_partitions([NewPartitions("ck-tmp", 2)]))
    assert res["ck-tmp"].args[0].code() == KafkaError.INVALID_PARTITIONS, res

    resource = ConfigResource(ConfigResource.Type.TOPIC, "ck")
    configs = admin.describe_configs([resource])[resource].result(timeout=10)
    assert configs["retention.ms"].value == "900000", configs["retention.ms"]
    assert configs["retention.ms"].source == 1  # DYNAMIC_TOPIC_CONFIG
    assert configs["cleanup.policy"].value == "delete"
    # AlterConfigs replaces the topic's overrides with this set.
    resource = ConfigResource(ConfigResource.Type.TOPIC, "ck",
                              set_config={"retention.ms": "1800000", "segment.bytes": "1048576"})
    admin.alter_configs([resource])[resource].result(timeout=10)
    resource = ConfigResource(ConfigResource.Type.TOPIC, "ck")
    configs = admin.describe_configs([resource])[resource].result(timeout=10)
    assert (configs["retention.ms"].value, configs["segment.bytes"].value) == \
        ("1800000", "1048576"), configs
    resource = ConfigResource(ConfigResource.Type.TOPIC, "ck",
                              set_config={"cleanup.policy": "sideways"})
    err = admin.alter_configs([resource])[resource].exception(timeout=10)
    assert err is not None and err.args[0].code() == KafkaError.INVALID_CONFIG, err
    resource = ConfigResource(ConfigResource.Type.BROKER, "0")
    configs = admin.describe_configs([resource])[resource].result(timeout=10)
    assert configs["broker.id"].value == "0" and configs["broker.id"].is_read_only

    res = wait_all(admin.delete_topics(["ck-tmp"], operation_timeout=5))
    assert res == {"ck-tmp": None}, res
    res = wait_all(admin.delete_topics(["ck-tmp"], operation_timeout=5))
    assert res["ck-tmp"].args[0].code() == KafkaError.UNKNOWN_TOPIC_OR_PART, res
    assert "ck-tmp" not in admin.list_topics(timeout=10).topics


def produce(b):
    """Returns the acknowledged records: (partition, offset) -> (key, value, headers, ts)."""
    acked = {}
    errors = []

    def delivered(headers, ts):
        # Delivery reports do not carry the headers: keep what was sent.
        def on_delivery(err, msg):
            if err:
                errors.append(err)
            else:
                assert msg.timestamp() == (1, ts), (msg.timestamp(), ts)
                acked[(msg.partition(), msg.offset())] = (msg.key(), msg.value(), headers,
                                                          msg.timestamp())
        return on_delivery

    for compression in ("none", "lz4", "zstd"):
        p = Producer({"bootstrap.servers": b.bootstrap, "acks": "all", "linger.ms": 10,
                      "compression.type": compression})
        for i in range(600):
            headers = [("i", b"%d" % i), ("codec", compression.encode()), ("dup", b"1"),
                       ("dup", b"2")]
            if i % 7 == 0:
                headers.append(("null", None))
            key = None if i % 11 == 0 else b"%s-key-%d" % (compression.encode(), i)
            p.produce("ck", key=key, value=b"%s value %d" % (compression.encode(), i) * (i % 5),
                      partition=i % 3, headers=headers, timestamp=BASE + i,
                      on_delivery=delivered(headers, BASE + i))
            if i % 100 == 0:
                p.poll(0)
        assert p.flush(30) == 0, "producer did not finish"
    assert not errors, errors[:3]
    assert len(acked) == 1800, len(acked)
    return acked


def consume(b, acked):
    c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "unused-assign-only",
                  "enable.auto.commit": False, "fetch.wait.max.ms": 50,
                  "enable.partition.eof": True})
    try:
        c.assign([TopicPartition("ck", p, 0) for p in range(3)])
        got = {}
        eof = set()
        deadline = time.monotonic() + 30
        while len(eof) < 3 and time.monotonic() < deadline:
            for msg in c.consume(500, timeout=1):
                if msg.error():
                    assert msg.error().code() == KafkaError._PARTITION_EOF, msg.error()
                    eof.add(msg.partition())
                    continue
                got[(msg.partition(), msg.offset())] = (msg.key(), msg.value(), msg.headers(),
                                                        msg.timestamp())
        assert len(eof) == 3, f"did not reach the end of every partition: {eof}"
    finally:
        c.close()
    assert got.keys() == acked.keys(), (len(got), len(acked))
    for tp, (key, value, headers, ts) in acked.items():
        g = got[tp]
        assert g[0] == key and g[1] == value, (tp, g, acked[tp])
        assert g[2] == headers, (tp, g[2], headers)
        assert g[3] == (1, ts[1]), (tp, g[3], ts)  # TIMESTAMP_CREATE_TIME, as produced
    offsets = {p: sorted(o for (q, o) in got if q == p) for p in range(3)}
    assert all(offsets[p] == list(range(600)) for p in range(3)), "offsets not contiguous"


def test_offsets(b):
    c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "unused-offsets"})
    try:
        for p in range(3):
            lo, hi = c.get_watermark_offsets(TopicPartition("ck", p), timeout=10)
            assert (lo, hi) == (0, 600), (p, lo, hi)
        # Records of partition 0 have timestamps BASE + 0, 3, 6, ... per codec round.
        asked = [TopicPartition("ck", 0, BASE + 4), TopicPartition("ck", 1, BASE - 1),
                 TopicPartition("ck", 2, BASE + 10_000)]
        found = {tp.partition: tp.offset for tp in c.offsets_for_times(asked, timeout=10)}
        assert found == {0: 2, 1: 0, 2: -1}, found
    finally:
        c.close()


def main():
    with Broker() as b:
        t = time.monotonic()
        test_admin(b)
        print(f"admin: ok ({time.monotonic() - t:.2f}s)")
        t = time.monotonic()
        acked = produce(b)
        print(f"produce: ok ({time.monotonic() - t:.2f}s)")
        t = time.monotonic()
        consume(b, acked)
        print(f"consume: ok ({time.monotonic() - t:.2f}s)")
        test_offsets(b)
        print("offsets: ok")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
