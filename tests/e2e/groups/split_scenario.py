"""The scenario every client library runs: three consumers split a topic's partitions, one
leaves cleanly and the other two take over its partitions without consuming anything twice,
and the offsets committed before a broker restart are where a new consumer resumes."""

import time
import uuid

from group_util import (check_no_duplicates, check_no_foreign, committed_offsets, create_topic,
                        produce, total_records, wait_split)
from kpk_harness import Broker, wait_until

PARTITIONS = 6
COUNT = 300  # records per phase
RESUME_COUNT = 60


def run(make_consumer, label):
    """`make_consumer(name, bootstrap, group, topic)` returns a started-later thread with .rec
    and .stop(). Returns the timings measured."""
    timings = {}
    topic = f"{label}-{uuid.uuid4().hex[:8]}"
    group = f"{label}-group"
    with Broker() as b:
        create_topic(b.bootstrap, topic, PARTITIONS)
        consumers = [make_consumer(n, b.bootstrap, group, topic) for n in ("a", "b", "c")]
        recs = [c.rec for c in consumers]
        try:
            t0 = time.monotonic()
            for c in consumers:
                c.start()
            wait_split(recs, PARTITIONS, 60, "three consumers to split the partitions")
            timings["split_s"] = round(time.monotonic() - t0, 3)
            # Produced only now, so every consumer gets records: produced earlier, the first
            # consumer could read them all while still alone in the group.
            produce(b.bootstrap, topic, PARTITIONS, COUNT)
            wait_until(lambda: total_records(recs) >= COUNT, 60, what=f"{COUNT} records")
            timings["first_phase_s"] = round(time.monotonic() - t0, 3)

            consumers[2].stop()  # a clean close: LeaveGroup
            timings["takeover_s"] = round(
                wait_split(recs[:2], PARTITIONS, 60, "two consumers to take over"), 3)
            produce(b.bootstrap, topic, PARTITIONS, COUNT, start=COUNT)
            wait_until(lambda: total_records(recs) >= 2 * COUNT, 60, what=f"{2 * COUNT} records")
            time.sleep(1.0)  # a record consumed twice would show up by now
        finally:
            for c in consumers:
                if c.is_alive():
                    c.stop()
        for r in recs:
            if r.errors:
                print(f"{r.name}: {r.errors[:5]}")
        seen = check_no_duplicates(recs)
        assert len(seen) == 2 * COUNT, len(seen)
        check_no_foreign(recs)
        for r in recs:
            assert r.snapshot()[1], f"{r.name} consumed nothing"

        per_partition = 2 * COUNT // PARTITIONS
        offsets = committed_offsets(b.bootstrap, group, topic, PARTITIONS)
        assert offsets == {p: per_partition for p in range(PARTITIONS)}, offsets

        assert b.stop() == 0
        b.start()
        produce(b.bootstrap, topic, PARTITIONS, RESUME_COUNT, start=2 * COUNT)
        d = make_consumer("d", b.bootstrap, group, topic)
        t1 = time.monotonic()
        d.start()
        try:
            wait_until(lambda: total_records([d.rec]) >= RESUME_COUNT, 60,
                       what="the resumed consumer's records")
            timings["resume_s"] = round(time.monotonic() - t1, 3)
            time.sleep(1.0)
        finally:
            d.stop()
        records = d.rec.snapshot()[1]
        assert len(records) == RESUME_COUNT, f"resumed consumer saw {len(records)} records"
        assert all(offset >= per_partition for _, offset in records), records[:10]
    return timings
