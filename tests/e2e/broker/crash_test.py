"""Crash safety: SIGKILL the broker while a confluent-kafka producer with acks=all is writing,
restart it on the same data dir, and check that every acknowledged record is there exactly once,
at the offset it was acknowledged with, in produce order per partition.

The producer does not retry (message.send.max.retries=0) and is stopped before the restart, so
a record can only appear twice if the broker itself duplicated it; records that were in flight
at the kill may or may not be there, but at most once."""
import sys
import threading
import time

import kwire
from kwire import Conn
from kpk_harness import Broker

PARTITIONS = 3
TOPIC = "crash"


def main():
    from confluent_kafka import Producer
    with Broker() as b:
        with Conn(b.bootstrap) as c:
            kwire.create_topic(c, TOPIC, partitions=PARTITIONS,
                               configs={"segment.bytes": "65536"})  # kill across rolls too
        acked = {}  # value -> (partition, offset)
        failed = []
        lock = threading.Lock()

        def on_delivery(err, msg):
            with lock:
                if err is None:
                    acked[msg.value()] = (msg.partition(), msg.offset())
                else:
                    failed.append(err)

        producer = Producer({"bootstrap.servers": b.bootstrap, "acks": "all", "linger.ms": 2,
                             "message.send.max.retries": 0, "enable.idempotence": False,
                             "socket.timeout.ms": 2000, "message.timeout.ms": 5000,
                             "reconnect.backoff.ms": 50})
        stop = threading.Event()
        sent = [0]

        def run():
            i = 0
            while not stop.is_set() and i < 200000:
                try:
                    producer.produce(TOPIC, key=b"k%d" % i, value=b"v%08d" % i,
                                     partition=i % PARTITIONS, on_delivery=on_delivery)
                    i += 1
                except BufferError:
                    producer.poll(0.01)
                    continue
                if i % 100 == 0:
                    producer.poll(0)
                    time.sleep(0.001)  # keep the rate moderate: the check reads it all back
            sent[0] = i

        thread = threading.Thread(target=run)
        thread.start()
        # Let group commits go through for a while, then crash mid-stream.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(acked) < 3000:
            time.sleep(0.05)
        assert len(acked) >= 3000, f"only {len(acked)} acks before the crash"
        b.kill()
        killed_at = len(acked)
        time.sleep(0.3)
        stop.set()
        thread.join(10)
        # Collect the outcome of everything in flight, then drop what is left.
        producer.flush(3)
        producer.purge()
        producer.flush(1)
        print(f"sent {sent[0]}, acknowledged {len(acked)} ({killed_at} before the kill), "
              f"failed {len(failed)}")

        b.start()
        seen = {}
        with Conn(b.bootstrap) as c:
            for p in range(PARTITIONS):
                recs = kwire.fetch_all(c, TOPIC, p, limit=10000)
                assert [r["offset"] for r in recs] == list(range(len(recs))), \
                    f"partition {p}: offsets not contiguous from 0"
                last = -1
                for r in recs:
                    seq = int(r["value"][1:])
                    assert r["value"] not in seen, \
                        f"{r['value']} stored twice: {seen[r['value']]} and {(p, r['offset'])}"
                    seen[r["value"]] = (p, r["offset"])
                    assert seq % PARTITIONS == p, f"{r['value']} in partition {p}"
                    assert r["key"] == b"k%d" % seq, r
                    assert seq > last, f"partition {p}: {seq} after {last}: out of produce order"
                    last = seq
        missing = [v for v in acked if v not in seen]
        assert not missing, f"{len(missing)} acknowledged records lost, e.g. {missing[:5]}"
        moved = [(v, acked[v], seen[v]) for v in acked if acked[v] != seen[v]]
        assert not moved, f"acknowledged records at other offsets than acknowledged: {moved[:5]}"
        print(f"after restart: {len(seen)} records, every acknowledged one exactly once")
        # The restarted broker takes writes again, after the recovered data.
        with Conn(b.bootstrap) as c:
            for p in range(PARTITIONS):
                n = sum(1 for v in seen.values() if v[0] == p)
                assert kwire.produce(c, TOPIC, p, [(b"after", b"crash")])["base_offset"] == n
        assert b.stop() == 0
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
