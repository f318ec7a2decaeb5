"""librdkafka's cooperative-sticky assignor (KIP-429): consumers joining and leaving move only
the partitions that must move, through back-to-back rebalances, and nothing is consumed twice."""
import sys
import time
import uuid

from group_util import (RdkafkaConsumer, check_no_duplicates, check_no_foreign, create_topic,
                        produce, total_records, wait_split)
from kpk_harness import Broker, wait_until

PARTITIONS = 6
COUNT = 300
COOPERATIVE = {"partition.assignment.strategy": "cooperative-sticky"}


def main():
    topic = f"coop-{uuid.uuid4().hex[:8]}"
    group = "coop-group"
    timings = {}
    with Broker() as b:
        create_topic(b.bootstrap, topic, PARTITIONS)
        produce(b.bootstrap, topic, PARTITIONS, COUNT)
        consumers = []

        def add(name):
            c = RdkafkaConsumer(name, b.bootstrap, group, topic, COOPERATIVE)
            consumers.append(c)
            c.start()
            return c

        try:
            a = add("a")
            wait_split([a.rec], PARTITIONS, 30, "the first consumer to own every partition")
            wait_until(lambda: total_records([a.rec]) >= COUNT // 3, 30, what="some records")
            owned_by_a = a.rec.snapshot()[0]

            t0 = time.monotonic()
            bc = add("b")
            wait_split([a.rec, bc.rec], PARTITIONS, 60, "a and b to share the partitions")
            timings["second_join_s"] = round(time.monotonic() - t0, 3)
            # Incremental: a gave up only what b took, and never everything at once.
            assert all(len(r) < PARTITIONS for r in a.rec.revocations), a.rec.revocations
            # librdkafka calls its whole assignment lost when a commit it sent with the old
            # generation is refused (ILLEGAL_GENERATION) because its own rejoin completed
            # first (Kafka 3 answers so too; Kafka 2 said REBALANCE_IN_PROGRESS). Any other
            # loss would be the coordinator's doing.
            assert not a.rec.lost or a.rec.refused_commits, a.rec.lost
            assert a.rec.snapshot()[0] <= owned_by_a

            t1 = time.monotonic()
            c = add("c")
            wait_split([a.rec, bc.rec, c.rec], PARTITIONS, 60, "three consumers to share")
            timings["third_join_s"] = round(time.monotonic() - t1, 3)

            produce(b.bootstrap, topic, PARTITIONS, COUNT, start=COUNT)
            wait_until(lambda: total_records([x.rec for x in consumers]) >= 2 * COUNT, 60,
                       what=f"{2 * COUNT} records")

            kept_by_a = a.rec.snapshot()[0]
            t2 = time.monotonic()
            c.stop()
            wait_split([a.rec, bc.rec], PARTITIONS, 60, "a and b to take over c's partitions")
            timings["leave_s"] = round(time.monotonic() - t2, 3)
            assert kept_by_a <= a.rec.snapshot()[0], "a lost partitions when c left"
            time.sleep(1.0)
        finally:
            for x in consumers:
                if x.is_alive():
                    x.stop()
        recs = [x.rec for x in consumers]
        for r in recs:
            if r.errors:
                print(f"{r.name}: {r.errors[:5]}")
        seen = check_no_duplicates(recs)
        assert len(seen) == 2 * COUNT, len(seen)
        check_no_foreign(recs)
    timings["lost_assignments"] = sum(len(r.lost) for r in recs)
    print("ok", timings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
