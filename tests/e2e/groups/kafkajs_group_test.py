"""Three KafkaJS consumers in one group (kafkajs_group.js): split, clean leave and takeover
with nothing consumed twice, resume from committed offsets after a broker restart. KafkaJS
alone: its assignor ("RoundRobinAssigner") has no counterpart in the other clients."""
import json
import os
import sys

from group_util import committed_offsets, create_topic, produce
from kpk_harness import Broker, node

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kafkajs_group.js")
PARTITIONS = 6
COUNT = 300
RESUME_COUNT = 60


def run_node(*args):
    result = node(SCRIPT, *args, timeout=170, check=False)
    if result.returncode != 0:
        raise AssertionError(f"kafkajs_group.js {args[3]} failed ({result.returncode}):\n"
                             f"{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    topic, group = "kafkajs-topic", "kafkajs-group"
    with Broker() as b:
        create_topic(b.bootstrap, topic, PARTITIONS)
        out = run_node(b.bootstrap, topic, group, "split", str(COUNT))
        seen = {}
        for c in out["consumers"]:
            assert c["records"], f"{c['name']} consumed nothing"
            for p, o in c["records"]:
                assert (p, o) not in seen, f"{p}@{o} consumed by {seen[(p, o)]} and {c['name']}"
                seen[(p, o)] = c["name"]
            assert c["assignments"], c
        assert len(seen) == 2 * COUNT, len(seen)

        per_partition = 2 * COUNT // PARTITIONS
        offsets = committed_offsets(b.bootstrap, group, topic, PARTITIONS)
        assert offsets == {p: per_partition for p in range(PARTITIONS)}, offsets

        assert b.stop() == 0
        b.start()
        produce(b.bootstrap, topic, PARTITIONS, RESUME_COUNT, start=2 * COUNT)
        resumed = run_node(b.bootstrap, topic, group, "resume", str(RESUME_COUNT))
        records = resumed["consumers"][0]["records"]
        assert len(records) == RESUME_COUNT, len(records)
        assert all(o >= per_partition for _, o in records), records[:10]
        print("ok", {"split_ms": out["splitMs"], "takeover_ms": out["takeoverMs"]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
