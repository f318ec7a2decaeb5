"""Log compaction with real clients: a topic with cleanup.policy=compact keeps the newest record
per key once its segments are sealed (segment.ms) and cleaned; tombstones stay for
delete.retention.ms and then go; records without a key are refused (INVALID_RECORD) as Kafka
refuses them; aborted transactional records disappear; consumers reading while the cleaner
works see every key's values in order; librdkafka (confluent-kafka, kcat) and kafka-python read
across the offset gaps. The cleaner's progress shows in the broker log and in /metrics.

The cleaner runs every 100 ms here (log_compaction_interval_ms in the config file)."""
import os
import sys
import tempfile
import threading
import time
import urllib.request

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from kpk_harness import Broker, run, run_timed, wait_until

COMPACT = {"cleanup.policy": "compact", "segment.ms": "200", "min.cleanable.dirty.ratio": "0.01",
           "delete.retention.ms": "3000"}


def create(b, name, partitions=1, configs=None):
    admin = AdminClient({"bootstrap.servers": b.bootstrap})
    topic = NewTopic(name, num_partitions=partitions, replication_factor=1,
                     config=configs or COMPACT)
    admin.create_topics([topic], request_timeout=10)[name].result(timeout=10)


def produce(b, topic, records, config=None):
    """records: (key, value[, partition]); returns how many failed."""
    failures = []
    p = Producer({"bootstrap.servers": b.bootstrap, "acks": "all", "linger.ms": 5,
                  **(config or {})})
    for rec in records:
        key, value = rec[0], rec[1]
        kwargs = {"partition": rec[2]} if len(rec) > 2 else {}
        p.produce(topic, key=key, value=value,
                  on_delivery=lambda err, msg: err and failures.append(err), **kwargs)
        p.poll(0)
    assert p.flush(30) == 0, "undelivered records"
    return failures


def end_offsets(b, topic, partitions):
    c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "probe"})
    try:
        return [c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                for p in range(partitions)]
    finally:
        c.close()


def read_all(b, topic, partitions=1, isolation="read_uncommitted"):
    """Every record from the beginning to the current end: [(partition, offset, key, value)]."""
    ends = end_offsets(b, topic, partitions)
    c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": f"r{time.monotonic_ns()}",
                  "enable.auto.commit": False, "isolation.level": isolation,
                  "enable.partition.eof": True})
    c.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    out, done = [], set(p for p in range(partitions) if ends[p] == 0)
    deadline = time.monotonic() + 30
    try:
        while len(done) < partitions and time.monotonic() < deadline:
            msg = c.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    if msg.offset() >= ends[msg.partition()]:
                        done.add(msg.partition())
                    continue
                raise AssertionError(f"consume error: {msg.error()}")
            out.append((msg.partition(), msg.offset(), msg.key(), msg.value()))
            if msg.offset() >= ends[msg.partition()] - 1:
                done.add(msg.partition())  # the end it had when the read started
    finally:
        c.close()
    assert len(done) == partitions, f"did not reach the end {ends}: {len(out)} records"
    return out


def metric(b, name):
    with urllib.request.urlopen(f"http://{b.admin}/metrics", timeout=5) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    raise AssertionError(f"no metric {name}")


def roll(b, topic, partitions=1):
    """Seals the active segments: segment.ms passes, then one record per partition rolls them."""
    time.sleep(0.3)
    produce(b, topic, [(b"roll", b"r", p) for p in range(partitions)])


def wait_cleaned(b, topic, end, partitions=1):
    """Until every partition's offsets below `end` (the rolled segment's end) were cleaned."""
    lines = [f"cleaner: {topic}-{p}: cleaned offsets below {end} " for p in range(partitions)]
    wait_until(lambda: all(line in b.log() for line in lines), 20, interval=0.1,
               what=f"the cleaner to clean {topic} below {end}")


def test_latest_value_per_key(b):
    create(b, "kv", partitions=2)
    latest = {}
    records = []
    for i in range(3000):
        key = b"key-%03d" % (i % 60)
        value = b"v%05d" % i
        records.append((key, value, i % 2))
        latest[(i % 2, key)] = value
    assert produce(b, "kv", records) == []
    roll(b, "kv", 2)
    wait_cleaned(b, "kv", 1500, 2)
    got = read_all(b, "kv", 2)
    assert len(got) < 3000 / 4, f"{len(got)} records left of 3000"
    seen = {}
    for p, offset, key, value in got:
        if key == b"roll":
            continue
        assert (p, key) not in seen, f"{key} twice in partition {p}"
        seen[(p, key)] = value
    assert seen == latest, "newest values differ"
    # Offsets kept their gaps and the end did not move.
    assert end_offsets(b, "kv", 2) == [1501, 1501]
    assert metric(b, "kpk_log_cleaner_removed_records_total") >= 2800
    assert metric(b, "kpk_log_cleaner_cleaned_partitions_total") >= 2


def test_tombstones(b):
    create(b, "tomb")
    produce(b, "tomb", [(b"gone", b"1"), (b"kept", b"1"), (b"gone", None)])
    roll(b, "tomb")
    wait_cleaned(b, "tomb", 3)
    keys = [(k, v) for _, _, k, v in read_all(b, "tomb")]
    assert keys == [(b"kept", b"1"), (b"gone", None), (b"roll", b"r")], keys
    # delete.retention.ms (3 s) later the cleaner removes the tombstone by itself.
    wait_until(lambda: [k for _, _, k, _ in read_all(b, "tomb")] == [b"kept", b"roll"], 15,
               interval=0.5, what="the tombstone to expire")


def test_keyless_refused(b):
    create(b, "keyed")
    failures = produce(b, "keyed", [(None, b"no key")], {"retries": 0})
    assert len(failures) == 1 and failures[0].code() == KafkaError.INVALID_RECORD, failures
    assert produce(b, "keyed", [(b"k", b"with key")]) == []
    # A topic that is not compacted takes them.
    create(b, "plain", configs={"cleanup.policy": "delete"})
    assert produce(b, "plain", [(None, b"no key")]) == []


def test_aborted_transactions_removed(b):
    create(b, "txn")
    p = Producer({"bootstrap.servers": b.bootstrap, "transactional.id": "compaction-txn"})
    p.init_transactions(10)
    p.begin_transaction()
    p.produce("txn", key=b"a", value=b"aborted")
    p.flush(10)
    p.abort_transaction(10)
    p.begin_transaction()
    p.produce("txn", key=b"b", value=b"committed")
    p.commit_transaction(10)
    roll(b, "txn")
    wait_cleaned(b, "txn", 4)
    for isolation in ("read_uncommitted", "read_committed"):
        got = [(k, v) for _, _, k, v in read_all(b, "txn", isolation=isolation)]
        assert got == [(b"b", b"committed"), (b"roll", b"r")], (isolation, got)


def test_consistent_while_cleaning(b):
    """A producer keeps updating 40 keys with increasing values while consumers read the topic
    from the start again and again: each key's values must only ever go up, in offset order."""
    create(b, "live", configs={**COMPACT, "segment.ms": "50"})
    stop = threading.Event()
    errors = []

    def writer():
        p = Producer({"bootstrap.servers": b.bootstrap, "acks": "all", "linger.ms": 2})
        i = 0
        while not stop.is_set() and i < 200000:
            p.produce("live", key=b"k%02d" % (i % 40), value=b"%08d" % i)
            i += 1
            if i % 100 == 0:
                p.flush(10)
                time.sleep(0.02)
        p.flush(10)

    t = threading.Thread(target=writer)
    t.start()
    before = b.log().count("cleaner: live-")
    passes = 0
    try:
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline and passes < 2000:
            last = {}
            previous_offset = -1
            for _, offset, key, value in read_all(b, "live"):
                assert offset > previous_offset, (offset, previous_offset)
                previous_offset = offset
                assert value > last.get(key, b""), f"{key}: {value} after {last.get(key)}"
                last[key] = value
            passes += 1
    except AssertionError as e:
        errors.append(e)
    finally:
        stop.set()
        t.join(30)
    assert not errors, errors
    cleaned = b.log().count("cleaner: live-") - before
    assert cleaned >= 3, f"only {cleaned} cleans during {passes} read passes"
    print(f"  {passes} read passes over {cleaned} cleans")


def test_other_readers(b):
    """kcat and kafka-python read a cleaned topic with gaps and empty batches to its end."""
    create(b, "gaps")
    records = [(b"k%d" % (i % 5), b"v%d" % i) for i in range(100)]
    produce(b, "gaps", records, {"enable.idempotence": True})
    roll(b, "gaps")
    wait_cleaned(b, "gaps", 100)
    expected = [(b"k%d" % (i % 5), b"v%d" % i) for i in range(95, 100)] + [(b"roll", b"r")]
    out = run(["kcat", "-C", "-b", b.bootstrap, "-t", "gaps", "-e", "-q", "-f", "%k=%s\\n"],
              timeout=30).stdout
    assert out.split("\n")[:-1] == [f"{k.decode()}={v.decode()}" for k, v in expected], out

    from kafka import KafkaConsumer, TopicPartition as KTP
    consumer = KafkaConsumer(bootstrap_servers=b.bootstrap, enable_auto_commit=False,
                             consumer_timeout_ms=5000, request_timeout_ms=10000)
    try:
        consumer.assign([KTP("gaps", 0)])
        consumer.seek_to_beginning()
        got = []
        for msg in consumer:
            got.append((msg.key, msg.value))
            if msg.offset >= 100:
                break
        assert got == expected, got
    finally:
        consumer.close()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "kpk.yaml")
        with open(config, "w") as f:
            f.write("redpanda:\n  log_compaction_interval_ms: 100\n")
        with Broker(config_file=config) as b:
            try:
                run_timed((test_latest_value_per_key, test_tombstones, test_keyless_refused,
                           test_aborted_transactions_removed, test_consistent_while_cleaning,
                           test_other_readers), b)
            except BaseException:
                print(b.log()[-4000:])
                raise
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
