"""Commits offsets in a process of its own, so that a test can kill the broker (and this
process) under it. Prints one line per acknowledged commit.

    commit_loop.py simple <bootstrap> <group> <topic> <partitions> <max rounds>
        commits offset n*10+p for every partition p in rounds n = 1, 2, ...; prints n
    commit_loop.py member <bootstrap> <group> <topic> <partitions> <seconds>
        joins the group, commits 100+p for every partition, prints "committed", and stays a
        member (polling) until killed or the time runs out
"""
import sys
import time

from confluent_kafka import Consumer, KafkaException, TopicPartition


def main():
    mode, bootstrap, group, topic, partitions, limit = sys.argv[1:7]
    partitions, limit = int(partitions), int(limit)
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False,
                  "session.timeout.ms": 6000, "heartbeat.interval.ms": 500})
    if mode == "simple":
        for n in range(1, limit + 1):
            try:
                c.commit(offsets=[TopicPartition(topic, p, n * 10 + p) for p in range(partitions)],
                         asynchronous=False)
            except KafkaException as e:
                print(f"failed {e}", flush=True)
                return
            print(n, flush=True)
        return
    c.subscribe([topic])
    deadline = time.monotonic() + limit
    while len(c.assignment()) < partitions and time.monotonic() < deadline:
        c.poll(0.1)
    c.commit(offsets=[TopicPartition(topic, p, 100 + p) for p in range(partitions)],
             asynchronous=False)
    print("committed", flush=True)
    while time.monotonic() < deadline:
        c.poll(0.1)


if __name__ == "__main__":
    main()
