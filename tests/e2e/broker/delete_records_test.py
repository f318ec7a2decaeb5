"""DeleteRecords (v0-v2): the low watermark moves to the requested offset (even mid-segment),
offsets below it become OFFSET_OUT_OF_RANGE while the rest stays readable, whole segments below
it are deleted from disk, -1 means the high watermark, it never moves back, out-of-range
offsets and missing partitions are errors, and the new log start survives a restart."""
import os
import sys
import time

import kwire
from kwire import Conn
from kpk_harness import Broker

T = "dr"


def delete_records(c, topic, partition, offset, version=1):
    body = c.request(kwire.API_DELETE_RECORDS, version, {
        "topics": [{"name": topic, "partitions": [{"partition_index": partition,
                                                   "offset": offset}]}],
        "timeout_ms": 5000})
    return body["topics"][0]["partitions"][0]


def segments(b, topic, partition=0):
    d = os.path.join(b.data_dir, "topics", topic, str(partition))
    return sorted(int(f[:-4]) for f in os.listdir(d) if f.endswith(".log"))



def main():
    with Broker() as b:
        with Conn(b.bootstrap) as c:
            kwire.create_topic(c, T, partitions=2, configs={"segment.bytes": "1000"})
            for i in range(30):
                kwire.produce(c, T, 0, [(b"k%d" % i, b"v%d" % i + b"." * 200)], acks=1)
            before = segments(b, T)
            assert len(before) >= 5, before

            def value_ok(start, end):
                recs = kwire.fetch_all(c, T, 0, offset=start)
                assert [r["offset"] for r in recs] == list(range(start, end)), recs
                assert all(r["value"].startswith(b"v%d." % r["offset"]) for r in recs)

            # Mid-segment: the start moves to exactly 7; segments wholly below 7 are gone.
            r = delete_records(c, T, 0, 7, version=0)
            assert r["error_code"] == 0 and r["low_watermark"] == 7, r
            assert kwire.list_offset(c, T, 0, -2)["offset"] == 7
            body = c.request(kwire.API_FETCH, 11, kwire.fetch_request([(T, 0, 6)]))
            p = kwire.fetch_partition(body, T, 0)
            assert p["error_code"] == kwire.OFFSET_OUT_OF_RANGE and p["log_start_offset"] == 7, p
            value_ok(7, 30)
            after = segments(b, T)
            assert after[0] <= 7 and (len(after) == 1 or after[1] > 7), (before, after)
            assert after[0] == max(s for s in before if s <= 7), (before, after)
            # ListOffsets by a time older than everything answers the log start, not 0.
            assert kwire.list_offset(c, T, 0, 0)["offset"] == 7

            # Never moves back; the same offset again is fine.
            for version in (1, 2):
                r = delete_records(c, T, 0, 3, version=version)
                assert r["error_code"] == 0 and r["low_watermark"] == 7, (version, r)
            r = delete_records(c, T, 0, 12, version=2)
            assert r["error_code"] == 0 and r["low_watermark"] == 12, r
            value_ok(12, 30)

            # Errors.
            r = delete_records(c, T, 0, 31)
            assert r["error_code"] == kwire.OFFSET_OUT_OF_RANGE, r
            r = delete_records(c, T, 5, 0)
            assert r["error_code"] == kwire.UNKNOWN_TOPIC_OR_PARTITION, r
            r = delete_records(c, "ghost", 0, 0)
            assert r["error_code"] == kwire.UNKNOWN_TOPIC_OR_PARTITION, r

            # -1: everything up to the high watermark; appends go on from there.
            kwire.produce(c, T, 1, [(b"a", b"1"), (b"b", b"2")])
            r = delete_records(c, T, 1, -1)
            assert r["error_code"] == 0 and r["low_watermark"] == 2, r
            assert kwire.produce(c, T, 1, [(b"c", b"3")])["base_offset"] == 2
            assert [x["value"] for x in kwire.fetch_all(c, T, 1, offset=2)] == [b"3"]

        t = time.monotonic()
        b.restart()
        with Conn(b.bootstrap) as c:
            assert kwire.list_offset(c, T, 0, -2)["offset"] == 12, "log start lost on restart"
            assert kwire.list_offset(c, T, 1, -2)["offset"] == 2
            recs = kwire.fetch_all(c, T, 0, offset=12)
            assert [r["offset"] for r in recs] == list(range(12, 30)), recs
            body = c.request(kwire.API_FETCH, 11, kwire.fetch_request([(T, 0, 11)]))
            assert kwire.fetch_partition(body, T, 0)["error_code"] == kwire.OFFSET_OUT_OF_RANGE
        print(f"restart: ok ({time.monotonic() - t:.2f}s)")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
