"""A static group member (group.instance.id) in a process of its own, so a test can SIGKILL it.
Prints a JSON line for each assignment and then for every record it consumes.

    static_member.py <bootstrap> <group> <topic> <instance id> <time limit s>
"""
import json
import sys
import time

from confluent_kafka import Consumer


def main():
    bootstrap, group, topic, instance, limit = sys.argv[1:6]
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "group.instance.id": instance,
                  "session.timeout.ms": 6000, "heartbeat.interval.ms": 500,
                  "enable.auto.commit": False, "auto.offset.reset": "earliest"})

    def on_assign(consumer, partitions):
        print(json.dumps({"assigned": sorted(p.partition for p in partitions)}), flush=True)

    c.subscribe([topic], on_assign=on_assign)
    deadline = time.monotonic() + float(limit)
    while time.monotonic() < deadline:
        msg = c.poll(0.1)
        if msg is not None and not msg.error():
            print(json.dumps({"record": [msg.partition(), msg.offset()]}), flush=True)
    c.close()


if __name__ == "__main__":
    main()
