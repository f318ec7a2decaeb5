"""`kpk broker run` waits Kafka's production initial rebalance delay (3 s) before a new group's
first assignment, so consumers started together share the partitions from the first generation
instead of the first one taking all of them and giving most back a moment later. The broker
reports the setting as group.initial.rebalance.delay.ms. (`kpk dev start` sets 0: dev_test.)"""
import sys
import threading
import time

from confluent_kafka import Consumer
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

from kpk_harness import Broker

PARTITIONS = 6
MEMBERS = 3


def main():
    with Broker(initial_rebalance_delay_ms=None) as b:
        admin = AdminClient({"bootstrap.servers": b.bootstrap})
        res = ConfigResource(ConfigResource.Type.BROKER, "0")
        value = admin.describe_configs([res])[res].result(timeout=10)[
            "group.initial.rebalance.delay.ms"].value
        assert value == "3000", value
        admin.create_topics([NewTopic("t", PARTITIONS, 1)])["t"].result(timeout=10)

        first = {}  # member -> (its first assignment, seconds after the start)
        lock = threading.Lock()
        started = time.monotonic()
        consumers = []
        for m in range(MEMBERS):
            def on_assign(consumer, partitions, m=m):
                with lock:
                    first.setdefault(m, ({p.partition for p in partitions},
                                         time.monotonic() - started))
            c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "together",
                          "session.timeout.ms": 10000})
            c.subscribe(["t"], on_assign=on_assign)
            consumers.append(c)
        try:
            deadline = time.monotonic() + 20
            while len(first) < MEMBERS and time.monotonic() < deadline:
                for c in consumers:
                    c.poll(0.05)
        finally:
            for c in consumers:
                c.close()
        assert len(first) == MEMBERS, f"not every member got an assignment: {first}"
        sets = [first[m][0] for m in range(MEMBERS)]
        assert all(len(s) == PARTITIONS // MEMBERS for s in sets), f"first assignments {sets}"
        assert set().union(*sets) == set(range(PARTITIONS)), sets
        waited = min(first[m][1] for m in range(MEMBERS))
        assert waited >= 2.5, f"first assignment after {waited:.2f}s, before the 3 s delay"
        print(f"ok: first assignments {sets} after {waited:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
