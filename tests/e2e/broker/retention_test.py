"""Segments and retention: roll by segment.bytes and by segment.ms; retention.bytes and
retention.ms delete whole old segments (the log start moves to a segment boundary, older
offsets become OFFSET_OUT_OF_RANGE, newer ones stay readable); broker-level defaults apply to
topics without overrides; a restart keeps the trimmed log. The retention check interval is
shortened with the `retention_check_interval_ms` config key."""
import os
import sys
import tempfile
import time

import kwire
from kwire import Conn
from kpk_harness import Broker, wait_until

CHECK_MS = 100


def segments(b, topic, partition=0):
    d = os.path.join(b.data_dir, "topics", topic, str(partition))
    return sorted(int(f[:-4]) for f in os.listdir(d) if f.endswith(".log"))


def segment_sizes(b, topic, partition=0):
    d = os.path.join(b.data_dir, "topics", topic, str(partition))
    return [os.path.getsize(os.path.join(d, "%020d.log" % base)) for base in segments(b, topic)]


def produce_n(c, topic, n, size=400, ts=None, start=0):
    for i in range(start, start + n):
        kwire.produce(c, topic, 0, [(b"k%d" % i, b"%06d" % i + b"x" * size, None, ts)], acks=1)


def test_roll_by_size(b, c):
    kwire.create_topic(c, "roll", configs={"segment.bytes": "2000"})
    produce_n(c, "roll", 20)
    bases = segments(b, "roll")
    sizes = segment_sizes(b, "roll")
    assert len(bases) >= 4, f"20 batches of ~470 bytes in 2000-byte segments: {bases}"
    assert all(s <= 2000 for s in sizes), sizes
    assert bases[0] == 0 and bases == sorted(set(bases)), bases
    recs = kwire.fetch_all(c, "roll", 0)
    assert [r["offset"] for r in recs] == list(range(20)), recs
    assert all(r["value"].startswith(b"%06d" % r["offset"]) for r in recs)
    # A fetch in the middle of a later segment starts at the right batch.
    recs = kwire.fetch_all(c, "roll", 0, offset=bases[2] + 1)
    assert recs[0]["offset"] == bases[2] + 1, recs[0]


def test_roll_by_age(b, c):
    kwire.create_topic(c, "age", configs={"segment.ms": "300"})
    produce_n(c, "age", 2)
    assert len(segments(b, "age")) == 1
    time.sleep(0.4)
    produce_n(c, "age", 1, start=2)
    assert segments(b, "age") == [0, 2], segments(b, "age")


def test_retention_bytes(b, c):
    kwire.create_topic(c, "rbytes", configs={"segment.bytes": "2000", "retention.bytes": "4000"})
    produce_n(c, "rbytes", 30)
    wait_until(lambda: sum(segment_sizes(b, "rbytes")) <= 4000 + 2000, 5,
               what=f"retention.bytes to trim rbytes: {segment_sizes(b, 'rbytes')}")
    bases = segments(b, "rbytes")
    start = kwire.list_offset(c, "rbytes", 0, -2)["offset"]
    assert start == bases[0] > 0, (start, bases)  # whole segments, so a segment boundary
    assert kwire.list_offset(c, "rbytes", 0, -1)["offset"] == 30
    recs = kwire.fetch_all(c, "rbytes", 0, offset=start)
    assert [r["offset"] for r in recs] == list(range(start, 30)), recs
    body = c.request(kwire.API_FETCH, 11, kwire.fetch_request([("rbytes", 0, 0)]))
    p = kwire.fetch_partition(body, "rbytes", 0)
    assert p["error_code"] == kwire.OFFSET_OUT_OF_RANGE and p["log_start_offset"] == start, p
    return start


def test_retention_ms(b, c):
    old = int(time.time() * 1000) - 3600 * 1000
    kwire.create_topic(c, "rms", configs={"segment.bytes": "2000", "retention.ms": "60000"})
    produce_n(c, "rms", 10, ts=old)  # an hour old: past retention.ms
    produce_n(c, "rms", 10, start=10)  # now
    wait_until(lambda: kwire.list_offset(c, "rms", 0, -2)["offset"] > 0, 5,
               what="retention.ms to delete the old segments")
    time.sleep(3 * CHECK_MS / 1000)  # a few more checks must not delete fresh data
    start = kwire.list_offset(c, "rms", 0, -2)["offset"]
    assert 0 < start <= 10, start
    recs = kwire.fetch_all(c, "rms", 0, offset=start)
    assert [r["offset"] for r in recs] == list(range(start, 20))

    # Everything expired, the active segment included: the log empties and goes on at its end.
    kwire.create_topic(c, "rms-all", configs={"retention.ms": "60000"})
    produce_n(c, "rms-all", 5, ts=old)
    wait_until(lambda: kwire.list_offset(c, "rms-all", 0, -2)["offset"] == 5, 5,
               what="retention.ms to empty rms-all")
    assert kwire.produce(c, "rms-all", 0, [(b"k", b"new")])["base_offset"] == 5
    assert [r["value"] for r in kwire.fetch_all(c, "rms-all", 0, offset=5)] == [b"new"]


def test_broker_defaults(b, c):
    """log.retention.bytes set on the broker applies to topics without an override."""
    kwire.create_topic(c, "rdefault", configs={"segment.bytes": "2000"})
    produce_n(c, "rdefault", 20)
    time.sleep(3 * CHECK_MS / 1000)
    assert kwire.list_offset(c, "rdefault", 0, -2)["offset"] == 0
    body = c.request(kwire.API_INCREMENTAL_ALTER_CONFIGS, 0, {"resources": [
        {"resource_type": kwire.RESOURCE_BROKER, "resource_name": "0",
         "configs": [{"name": "log.retention.bytes", "config_operation": 0, "value": "3000"}]}],
        "validate_only": False})
    assert body["responses"][0]["error_code"] == 0, body
    wait_until(lambda: kwire.list_offset(c, "rdefault", 0, -2)["offset"] > 0, 5,
               what="the broker's log.retention.bytes to trim a topic without an override")
    assert sum(segment_sizes(b, "rdefault")) <= 3000 + 2000
    body = c.request(kwire.API_INCREMENTAL_ALTER_CONFIGS, 0, {"resources": [
        {"resource_type": kwire.RESOURCE_BROKER, "resource_name": "0",
         "configs": [{"name": "log.retention.bytes", "config_operation": 1, "value": None}]}],
        "validate_only": False})
    assert body["responses"][0]["error_code"] == 0, body


def main():
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(f"redpanda:\n  retention_check_interval_ms: {CHECK_MS}\n")
        config = f.name
    try:
        with Broker(config_file=config) as b:
            with Conn(b.bootstrap) as c:
                for test in (test_roll_by_size, test_roll_by_age, test_retention_bytes,
                             test_retention_ms, test_broker_defaults):
                    t = time.monotonic()
                    test(b, c)
                    print(f"{test.__name__}: ok ({time.monotonic() - t:.2f}s)")
                start = kwire.list_offset(c, "rbytes", 0, -2)["offset"]
                # test_broker_defaults trimmed "roll" too: it has no retention override.
                roll_start = kwire.list_offset(c, "roll", 0, -2)["offset"]
            b.restart()
            with Conn(b.bootstrap) as c:
                assert kwire.list_offset(c, "rbytes", 0, -2)["offset"] == start
                recs = kwire.fetch_all(c, "rbytes", 0, offset=start)
                assert [r["offset"] for r in recs] == list(range(start, 30))
                assert kwire.list_offset(c, "rms-all", 0, -2)["offset"] == 5
                assert kwire.list_offset(c, "roll", 0, -2)["offset"] == roll_start
                roll = kwire.fetch_all(c, "roll", 0, offset=roll_start)
                assert [r["offset"] for r in roll] == list(range(roll_start, 20))
            print("restart: ok")
    finally:
        os.remove(config)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
