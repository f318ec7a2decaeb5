"""KafkaJS 2.2.4 (admin and producer; kafkajs_driver.js): create (validate-only, duplicates, bad
replication factor), list, metadata, describe cluster, create partitions, describe/alter
configs, producing keys, headers and timestamps with acks=-1 and gzip, offsets (latest, by
timestamp), DeleteRecords and DeleteTopics. The records are read back over the wire and must be
exactly the ones KafkaJS wrote."""
import json
import os
import sys
import time

import kwire
from kwire import Conn
from kpk_harness import Broker, node

BASE = 1_670_000_000_000


def main():
    with Broker() as b:
        t = time.monotonic()
        driver = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kafkajs_driver.js")
        out = json.loads(node(driver, b.bootstrap, timeout=60).stdout.splitlines()[-1])
        print(f"driver: {time.monotonic() - t:.2f}s")
        assert out["validateOnly"] is True and out["created"] is True, out
        assert out["createdAgain"] is False, out  # TOPIC_ALREADY_EXISTS
        assert out["badReplication"] == "INVALID_REPLICATION_FACTOR", out
        assert out["topics"] == ["kjs", "kjs-tmp"], out["topics"]  # not kjs-validate
        assert out["partitions"] == [[0, 0], [1, 0], [2, 0]], out["partitions"]
        host, port = b.bootstrap.rsplit(":", 1)
        assert out["cluster"] == {"brokers": [{"nodeId": 0, "host": host, "port": int(port)}],
                                  "controller": 0, "clusterId": out["cluster"]["clusterId"]}, \
            out["cluster"]
        assert out["tmpPartitions"] == 2
        assert out["configs"] == {"retention.ms": "654321", "cleanup.policy": "delete"}, out
        assert out["alteredRetention"] == "111111"
        assert out["badConfig"] == "INVALID_CONFIG", out["badConfig"]
        assert [(r["partition"], r["errorCode"], r["baseOffset"]) for r in out["produced"]] == \
            [(0, 0, "0"), (1, 0, "0"), (2, 0, "0")], out["produced"]
        assert out["producedGzip"][0]["baseOffset"] == "100", out["producedGzip"]
        assert out["producedBatch"][0]["errorCode"] == 0, out["producedBatch"]
        assert [(o["partition"], o["high"], o["low"]) for o in out["offsets"]] == \
            [(0, "103", "0"), (1, "100", "0"), (2, "100", "0")], out["offsets"]
        # Partition p holds i = p, p+3, ...: the first with timestamp >= BASE + 150.
        assert [o["offset"] for o in out["offsetsByTime"]] == ["50", "50", "50"], out
        assert out["afterDeleteRecords"][2]["low"] == "10", out["afterDeleteRecords"]
        assert out["topicsAfterDelete"] == ["kjs"], out["topicsAfterDelete"]

        with Conn(b.bootstrap) as c:
            for p in range(3):
                start = 10 if p == 2 else 0
                recs = kwire.fetch_all(c, "kjs", p, offset=start)
                want = [i for i in range(300) if i % 3 == p][start:]
                got = recs[:len(want)]
                assert [r["offset"] for r in got] == list(range(start, 100)), p
                for i, r in zip(want, got):
                    key = None if i % 10 == 0 else b"kjs-key-%d" % i
                    assert (r["key"], r["value"]) == (key, b"kjs value %d" % i), (i, r)
                    assert r["headers"] == [("i", b"%d" % i), ("origin", b"kafkajs")], r
                    assert r["timestamp"] == BASE + i and r["timestamp_type"] == 0, r
                if p == 0:
                    gz = recs[len(want):]
                    assert [(r["key"], r["value"]) for r in gz] == \
                        [(b"gz-%d" % i, b"gzip value %d" % i) for i in range(3)], gz
                    assert [r["offset"] for r in gz] == [100, 101, 102]
                else:
                    assert len(recs) == len(want)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
