"""Compaction survives SIGKILL at any point of a clean: rounds of keyed writes (acks=all, values
increasing per key) to a compacted topic with small segments, the cleaner running every 20 ms,
and a SIGKILL at a random moment while it works. After each restart the log must read as a
compacted form of what was acknowledged: offsets increasing, every key's newest acknowledged
value present and last, values per key only increasing, no corruption reported, and appends
accepted. Across the rounds the kills must land inside cleans (the broker's log then shows
swaps that were finished or abandoned at start)."""
import os
import random
import shutil
import sys
import tempfile
import threading
import time

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from kpk_harness import Broker

TOPIC = "crashy"
KEYS = 300
ROUNDS = 12


class Writer:
    """Writes keyed records with increasing values until stopped; remembers what was acked."""

    def __init__(self, b, start, latest):
        self.producer = Producer({"bootstrap.servers": b.bootstrap, "acks": "all",
                                  "linger.ms": 5, "batch.size": 16384, "message.send.max.retries": 0,
                                  "enable.idempotence": False, "socket.timeout.ms": 10000,
                                  "message.timeout.ms": 8000})
        self.next = start
        self.latest = latest
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def on_delivery(self, err, msg):
        if err is None:
            key = msg.key()
            self.latest[key] = max(self.latest.get(key, b""), msg.value()[:9])

    def run(self):
        while not self.stop.is_set() and self.next < 10_000_000:
            try:
                self.producer.produce(TOPIC, key=b"key-%04d" % (self.next % KEYS),
                                      value=b"%09d" % self.next + b"." * 200,
                                      on_delivery=self.on_delivery)
                self.next += 1
            except BufferError:
                self.producer.poll(0.01)
                continue
            if self.next % 100 == 0:
                self.producer.poll(0)
                time.sleep(0.002)

    def finish(self):
        self.stop.set()
        self.thread.join(30)
        self.producer.flush(10)
        return self.next


def read_all(b):
    c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": f"g{time.monotonic_ns()}",
                  "enable.auto.commit": False, "enable.partition.eof": True})
    end = c.get_watermark_offsets(TopicPartition(TOPIC, 0), timeout=10)[1]
    c.assign([TopicPartition(TOPIC, 0, 0)])
    out = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            msg = c.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF and msg.offset() >= end:
                    return out
                if msg.error().code() != KafkaError._PARTITION_EOF:
                    raise AssertionError(f"consume error: {msg.error()}")
                continue
            out.append((msg.offset(), msg.key(), msg.value()[:9]))
    finally:
        c.close()
    raise AssertionError(f"did not reach offset {end}")


def check(b, latest):
    last = {}
    previous = -1
    for offset, key, value in read_all(b):
        assert offset > previous, f"offset {offset} after {previous}"
        previous = offset
        assert value > last.get(key, b""), f"{key}: {value} after {last.get(key)}"
        last[key] = value
    for key, value in latest.items():
        # Unacknowledged writes of the killed round may be there too, but never less.
        assert last.get(key, b"") >= value, f"{key}: newest acknowledged {value}, read {last.get(key)}"
    assert "CORRUPTION" not in b.log(), b.log()[-3000:]
    return previous + 1


def main():
    rng = random.Random(int(os.environ.get("KPK_SEED", time.time())))
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "kpk.yaml")
        with open(config, "w") as f:
            f.write("redpanda:\n  log_compaction_interval_ms: 20\n")
        b = Broker(config_file=config)
        try:
            b.start()
            admin = AdminClient({"bootstrap.servers": b.bootstrap})
            admin.create_topics([NewTopic(
                TOPIC, 1, 1, config={"cleanup.policy": "compact", "segment.bytes": "131072",
                                     "min.cleanable.dirty.ratio": "0.05",
                                     "delete.retention.ms": "100"})])[TOPIC].result(10)
            latest = {}
            written = 0
            started = time.monotonic()
            for round_number in range(ROUNDS):
                if time.monotonic() - started > 150:
                    break
                writer = Writer(b, written, latest)
                time.sleep(rng.uniform(0.3, 1.2))
                b.kill()
                written = writer.finish()
                b.start()
                end = check(b, latest)
                print(f"round {round_number}: {written} written, log end {end}, "
                      f"{b.log().count('cleaner: crashy-0')} cleans so far")
            log = b.log()
            recovered = log.count("finished a compaction swap interrupted")
            print(f"swaps finished at start: {recovered}, "
                  f"cleans logged: {log.count('cleaner: crashy-0')}")
            assert log.count("cleaner: crashy-0") >= ROUNDS, "the cleaner hardly ran"
            # Appends still work after all of it.
            writer = Writer(b, written, latest)
            time.sleep(0.3)
            writer.finish()
            check(b, latest)
        except BaseException:
            print(b.log()[-6000:])
            keep = os.environ.get("KPK_KEEP_DATA")
            if keep:
                b.kill()
                shutil.copytree(b.data_dir, keep, dirs_exist_ok=True)
            raise
        finally:
            b.cleanup()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
