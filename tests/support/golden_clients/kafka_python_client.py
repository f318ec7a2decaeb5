#!/usr/bin/python3
"""kafka-python 2.0.2 scenarios for capture_goldens.py (runs under Debian's /usr/bin/python3).

  kafka_python_client.py BOOTSTRAP TOPIC GROUP COUNT produce|group

produce: sends COUNT keyed messages to partition 0 with acks=1 (kafka-python's default) and
flushes. group: joins GROUP with a fast heartbeat, reads COUNT messages from the beginning,
commits, and leaves the group on close. Each step is bounded by a timeout.
"""

import sys
import time

from kafka import KafkaConsumer, KafkaProducer

TIMEOUT_S = 30


def produce(boot, topic, count):
    producer = KafkaProducer(bootstrap_servers=boot, acks=1, linger_ms=50)
    for i in range(1, count + 1):
        producer.send(topic, key=b"python-key", value=b"python-message-%d" % i, partition=0)
    producer.flush(timeout=TIMEOUT_S)
    producer.close(timeout=TIMEOUT_S)


def group(boot, topic, group_id, count):
    consumer = KafkaConsumer(topic, bootstrap_servers=boot, group_id=group_id,
                             auto_offset_reset="earliest", enable_auto_commit=False,
                             heartbeat_interval_ms=100, session_timeout_ms=10000)
    got, deadline = 0, time.monotonic() + TIMEOUT_S
    while got < count and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=500).values():
            got += len(records)
    time.sleep(0.5)  # long enough for a few heartbeats
    consumer.commit()
    consumer.close()
    if got < count:
        sys.exit("kafka-python: read %d of %d messages" % (got, count))


def main():
    boot, topic, group_id, count, mode = sys.argv[1:6]
    if mode == "produce":
        produce(boot, topic, int(count))
    else:
        group(boot, topic, group_id, int(count))


if __name__ == "__main__":
    main()
