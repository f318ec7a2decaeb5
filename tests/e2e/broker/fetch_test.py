"""Fetch semantics over raw sockets: long-poll wake-up as soon as data arrives (well under
max wait), max wait respected when nothing comes, min_bytes, max_bytes and partition_max_bytes
with KIP-74's one-whole-batch rule, OFFSET_OUT_OF_RANGE, several partitions and topics in one
fetch (high watermark, log start, last stable offset), and every advertised Fetch version."""
import struct
import sys
import threading
import time

import kwire
from kwire import Conn
from kpk_harness import Broker

T = "fetchy"


def fetch(c, parts, version=11, **kw):
    return c.request(kwire.API_FETCH, version, kwire.fetch_request(parts, **kw), timeout=15)


def test_long_poll_wakeup(b):
    with Conn(b.bootstrap) as consumer, Conn(b.bootstrap) as producer:
        hwm = kwire.list_offset(producer, T, 0, -1)["offset"]
        for round_ in range(3):
            cid = consumer.send(kwire.API_FETCH, 11, kwire.fetch_request(
                [(T, 0, hwm)], max_wait_ms=5000, min_bytes=1))
            time.sleep(0.2)  # the fetch is parked by now
            sent_at = time.monotonic()
            kwire.produce(producer, T, 0, [(b"wake", b"round-%d" % round_)], acks=1)
            got, body = consumer.recv(kwire.API_FETCH, 11, timeout=10)
            latency = time.monotonic() - sent_at
            assert got == cid
            p = kwire.fetch_partition(body, T, 0)
            _, recs = kwire.read_records(p["records"])
            assert [r["value"] for r in recs] == [b"round-%d" % round_], recs
            # max wait is 5 s: a wake-up must come right after the append.
            assert latency < 0.25, f"fetch woke {latency * 1000:.0f} ms after the produce"
            hwm += 1
        print(f"  wake-up latency {latency * 1000:.1f} ms")


def test_max_wait_respected(b):
    with Conn(b.bootstrap) as c:
        hwm = kwire.list_offset(c, T, 0, -1)["offset"]
        started = time.monotonic()
        body = fetch(c, [(T, 0, hwm)], max_wait_ms=400, min_bytes=1)
        took = time.monotonic() - started
        p = kwire.fetch_partition(body, T, 0)
        assert p["error_code"] == 0 and not p["records"], p
        assert 0.35 <= took < 1.5, f"an empty fetch with max wait 400 ms took {took:.3f}s"
        # max_wait 0 answers at once.
        started = time.monotonic()
        fetch(c, [(T, 0, hwm)], max_wait_ms=0)
        assert time.monotonic() - started < 0.2


def test_min_bytes(b):
    with Conn(b.bootstrap) as c, Conn(b.bootstrap) as producer:
        kwire.create_topic(c, "minbytes")
        kwire.produce(producer, "minbytes", 0, [(b"k", b"small")])
        # Less than min_bytes available: waits out max_wait, then returns what there is.
        started = time.monotonic()
        body = fetch(c, [("minbytes", 0, 0)], max_wait_ms=500, min_bytes=10000)
        took = time.monotonic() - started
        _, recs = kwire.read_records(kwire.fetch_partition(body, "minbytes", 0)["records"])
        assert len(recs) == 1, recs
        assert 0.45 <= took < 2, f"min_bytes not honoured: returned after {took:.3f}s"
        # Enough data arriving during the wait ends it early.
        cid = c.send(kwire.API_FETCH, 11, kwire.fetch_request(
            [("minbytes", 0, 0)], max_wait_ms=5000, min_bytes=10000))
        time.sleep(0.1)
        started = time.monotonic()
        kwire.produce(producer, "minbytes", 0, [(b"k", b"x" * 12000)])
        got, body = c.recv(kwire.API_FETCH, 11, timeout=10)
        took = time.monotonic() - started
        assert got == cid
        _, recs = kwire.read_records(kwire.fetch_partition(body, "minbytes", 0)["records"])
        assert len(recs) == 2 and took < 0.5, (len(recs), took)


def test_min_bytes_across_segments(b):
    """More than min_bytes is available, but spread over small segments: answered at once (as
    Kafka does), not after max wait at every segment boundary."""
    with Conn(b.bootstrap) as c:
        kwire.create_topic(c, "minseg", configs={"segment.bytes": "1000"})
        for i in range(10):
            kwire.produce(c, "minseg", 0, [(b"k", b"%d:" % i + b"x" * 300)], acks=1)
        # Two batches per segment: the last segment alone holds less than min_bytes, and a fetch
        # there rightly waits; every fetch before it must not.
        offset, started = 0, time.monotonic()
        for _ in range(20):
            body = fetch(c, [("minseg", 0, offset)], max_wait_ms=3000, min_bytes=1000)
            _, recs = kwire.read_records(kwire.fetch_partition(body, "minseg", 0)["records"])
            assert recs, f"nothing at offset {offset}"
            offset = recs[-1]["offset"] + 1
            if offset >= 8:
                break
        took = time.monotonic() - started
        assert offset >= 8, offset
        assert took < 2, f"reading 8 batches over small segments took {took:.1f}s"


def test_max_bytes_whole_batches(b):
    with Conn(b.bootstrap) as c:
        kwire.create_topic(c, "bigbatches")
        batches = [kwire.build_batch([(b"k%d" % i, bytes([65 + i]) * 50000)]) for i in range(3)]
        for i, batch in enumerate(batches):
            r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request("bigbatches", 0, batch))
            assert r["responses"][0]["partition_responses"][0]["base_offset"] == i
        size = len(batches[0])
        # KIP-74: a first batch larger than max_bytes and partition_max_bytes is still returned
        # whole, so the consumer can make progress.
        for max_bytes, part_max in ((1000, 1 << 20), (1 << 20, 1000), (1, 1)):
            body = fetch(c, [("bigbatches", 0, 0)], max_bytes=max_bytes,
                         partition_max_bytes=part_max)
            data = kwire.fetch_partition(body, "bigbatches", 0)["records"]
            got, recs = kwire.read_records(data)
            assert len(got) == 1 and len(data) == size, \
                f"max_bytes={max_bytes} part={part_max}: {len(got)} batches, {len(data)} bytes"
            assert recs[0]["value"] == b"A" * 50000
        # A limit between one and two batches gives exactly one whole batch.
        body = fetch(c, [("bigbatches", 0, 0)], max_bytes=size + size // 2)
        data = kwire.fetch_partition(body, "bigbatches", 0)["records"]
        got, _ = kwire.read_records(data)
        assert len(got) == 1 and len(data) == size, (len(got), len(data))
        # Room for everything: all three.
        body = fetch(c, [("bigbatches", 0, 1)], max_bytes=10 * size)
        data = kwire.fetch_partition(body, "bigbatches", 0)["records"]
        got, recs = kwire.read_records(data)
        assert [r["offset"] for r in recs] == [1, 2] and len(data) == 2 * size, recs


def test_max_bytes_across_partitions(b):
    """KIP-74: only the first partition to return data may exceed max_bytes; after it each
    partition adds whole batches within what remains, or nothing."""
    with Conn(b.bootstrap) as c:
        kwire.create_topic(c, "widebatches", partitions=4)
        batch = kwire.build_batch([(b"k%d" % i, bytes([66 + i]) * 100_000) for i in range(6)])
        size = len(batch)
        for p in range(4):
            for _ in range(2):
                r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request("widebatches", p, batch))
                assert r["responses"][0]["partition_responses"][0]["error_code"] == 0
        wanted = [("widebatches", p, 0) for p in range(4)]
        for max_bytes, part_max, expect in ((1_000_000, 1 << 20, [1, 0, 0, 0]),
                                            (size * 3 // 2, size // 2, [1, 0, 0, 0]),
                                            (size * 5 // 2, 1 << 20, [1, 1, 0, 0]),
                                            (size * 5 // 2, size // 2, [1, 0, 0, 0]),
                                            (size * 8, size * 2, [2, 2, 2, 2]),
                                            (1, 1, [1, 0, 0, 0])):
            body = fetch(c, wanted, max_bytes=max_bytes, partition_max_bytes=part_max)
            counts, total = [], 0
            for p in range(4):
                data = kwire.fetch_partition(body, "widebatches", p)["records"]
                counts.append(len(kwire.read_records(data)[0]))
                total += len(data)
            assert counts == expect, (max_bytes, part_max, counts)
            assert total <= max(max_bytes, size), (max_bytes, total)


def test_offset_out_of_range(b):
    with Conn(b.bootstrap) as c:
        hwm = kwire.list_offset(c, T, 0, -1)["offset"]
        for bad in (hwm + 1, hwm + 1000, -5):
            started = time.monotonic()
            body = fetch(c, [(T, 0, bad)], max_wait_ms=2000)
            p = kwire.fetch_partition(body, T, 0)
            assert p["error_code"] == kwire.OFFSET_OUT_OF_RANGE, (bad, p)
            assert p["high_watermark"] == hwm, p
            # An error is answered at once, not after max wait.
            assert time.monotonic() - started < 1
        # Exactly the high watermark is not out of range: empty, no error.
        p = kwire.fetch_partition(fetch(c, [(T, 0, hwm)]), T, 0)
        assert p["error_code"] == 0 and not p["records"], p


def test_several_partitions(b):
    with Conn(b.bootstrap) as c:
        kwire.create_topic(c, "multi", partitions=3)
        kwire.create_topic(c, "multi2", partitions=1)
        expected = {}
        for p in range(3):
            n = p + 1
            recs = [(b"p%d-%d" % (p, i), b"v%d-%d" % (p, i)) for i in range(n)]
            kwire.produce(c, "multi", p, recs)
            expected[("multi", p)] = recs
        kwire.produce(c, "multi2", 0, [(b"other", b"topic")])
        expected[("multi2", 0)] = [(b"other", b"topic")]
        for version in (4, 5, 7, 11, 12):
            body = fetch(c, [("multi", 0, 0), ("multi", 1, 0), ("multi", 2, 0), ("multi2", 0, 0),
                             ("multi", 9, 0)], version=version)
            for (topic, p), recs in expected.items():
                part = kwire.fetch_partition(body, topic, p)
                assert part["error_code"] == 0, (version, topic, p, part)
                assert part["high_watermark"] == len(recs), (version, part)
                assert part["last_stable_offset"] == len(recs), (version, part)
                if version >= 5:
                    assert part["log_start_offset"] == 0, (version, part)
                if version >= 11:
                    assert part["preferred_read_replica"] == -1, part
                _, got = kwire.read_records(part["records"])
                assert [(r["key"], r["value"]) for r in got] == recs, (version, topic, p, got)
            # Notes §7: throttle time always 0; sessions declined with id 0.
            assert body["throttle_time_ms"] == 0, body["throttle_time_ms"]
            if version >= 7:
                assert body["error_code"] == 0 and body["session_id"] == 0, body
            # Every batch carries leader epoch 0, whatever the producer sent (-1).
            data = kwire.fetch_partition(body, "multi", 2)["records"]
            pos = 0
            while pos < len(data):
                assert struct.unpack(">i", data[pos + 12:pos + 16])[0] == 0, "leader epoch"
                pos += struct.unpack(">i", data[pos + 8:pos + 12])[0] + 12
            missing = kwire.fetch_partition(body, "multi", 9)
            assert missing["error_code"] == kwire.UNKNOWN_TOPIC_OR_PARTITION, missing
            # An empty record set, never a null one (librdkafka rejects the whole response
            # over it), and -1 for what an unknown partition does not have, as in Kafka.
            assert missing["records"] == b"", missing
            assert missing["high_watermark"] == -1 and missing.get("log_start_offset", -1) == -1, missing


def test_concurrent_fetchers(b):
    """Ten parked fetches on one partition all wake on one append."""
    conns = [Conn(b.bootstrap) for _ in range(10)]
    try:
        with Conn(b.bootstrap) as producer:
            kwire.create_topic(producer, "fanout")
            for c in conns:
                c.send(kwire.API_FETCH, 11, kwire.fetch_request([("fanout", 0, 0)],
                                                                max_wait_ms=5000))
            time.sleep(0.2)
            started = time.monotonic()
            kwire.produce(producer, "fanout", 0, [(b"k", b"for everyone")])
            results = [None] * len(conns)

            def recv(i):
                results[i] = conns[i].recv(kwire.API_FETCH, 11, timeout=10)[1]

            threads = [threading.Thread(target=recv, args=(i,)) for i in range(len(conns))]
            for t in threads:
                t.start()
            for t in threads:
                t.join(10)
            took = time.monotonic() - started
            for body in results:
                assert body is not None, "a parked fetch never answered"
                _, recs = kwire.read_records(kwire.fetch_partition(body, "fanout", 0)["records"])
                assert [r["value"] for r in recs] == [b"for everyone"]
            assert took < 1, took
    finally:
        for c in conns:
            c.close()


def test_large_fetches_sent_from_segment_files(b):
    """Record sets of 16 KiB and more go from the segment file to the socket (sendfile) between
    the encoded parts of the response: the bytes must be the batches that were produced, whole,
    within the limits, next to partitions whose records are copied, and in pipelined
    responses."""
    with Conn(b.bootstrap) as c:
        kwire.create_topic(c, "filefetch", partitions=3)
        expected = {0: [], 1: [], 2: []}
        for p, batches in ((0, 40), (1, 25), (2, 1)):
            for i in range(batches):
                recs = [(b"p%d-b%d-r%d" % (p, i, j), bytes([97 + (i + j) % 26]) * 200,
                         [("h", b"%d" % j)]) for j in range(30 if p < 2 else 2)]
                kwire.produce(c, "filefetch", p, recs)
                expected[p] += [(k, v) for k, v, _ in recs]
        for version in (4, 11, 12):
            got = {0: [], 1: [], 2: []}
            offsets = {0: 0, 1: 0, 2: 0}
            for _ in range(100):
                wanted = [("filefetch", p, o) for p, o in offsets.items() if o < len(expected[p])]
                if not wanted:
                    break
                body = fetch(c, wanted, version=version, max_bytes=100 * 1024,
                             partition_max_bytes=64 * 1024)
                total = 0
                for _, p, _ in wanted:
                    part = kwire.fetch_partition(body, "filefetch", p)
                    assert part["error_code"] == 0, part
                    data = part["records"] or b""
                    batches, recs = kwire.read_records(data)
                    # Whole batches only: read_records saw every byte as part of a batch.
                    assert sum(len(x._buffer) for x in batches) == len(data), (version, p)
                    assert len(data) <= 64 * 1024 or len(batches) == 1, (version, p, len(data))
                    total += len(data)
                    for r in recs:
                        assert r["offset"] >= offsets[p], (p, r["offset"], offsets[p])
                    if recs:
                        got[p] += [(r["key"], r["value"]) for r in recs
                                   if r["offset"] >= offsets[p]]
                        offsets[p] = recs[-1]["offset"] + 1
                assert total <= 100 * 1024 + 64 * 1024, (version, total)
            for p in expected:
                assert got[p] == expected[p], (version, p, len(got[p]), len(expected[p]))
        # Twenty fetches pipelined on one connection come back in order, each whole.
        ids = [c.send(kwire.API_FETCH, 12, kwire.fetch_request(
            [("filefetch", 0, 30 * i), ("filefetch", 2, 0)])) for i in range(20)]
        for i, cid in enumerate(ids):
            got_id, body = c.recv(kwire.API_FETCH, 12, timeout=15)
            assert got_id == cid
            _, recs = kwire.read_records(kwire.fetch_partition(body, "filefetch", 0)["records"])
            assert recs[0]["offset"] == 30 * i and recs[-1]["offset"] == len(expected[0]) - 1
            _, small = kwire.read_records(kwire.fetch_partition(body, "filefetch", 2)["records"])
            assert [(r["key"], r["value"]) for r in small] == expected[2]


def main():
    with Broker() as b:
        with Conn(b.bootstrap) as c:
            assert kwire.create_topic(c, T)["error_code"] == 0
            kwire.produce(c, T, 0, [(b"a", b"1"), (b"b", b"2")])
        for test in (test_long_poll_wakeup, test_max_wait_respected, test_min_bytes,
                     test_min_bytes_across_segments, test_max_bytes_whole_batches,
                     test_max_bytes_across_partitions,
                     test_offset_out_of_range, test_several_partitions,
                     test_large_fetches_sent_from_segment_files, test_concurrent_fetchers):
            t = time.monotonic()
            test(b)
            print(f"{test.__name__}: ok ({time.monotonic() - t:.2f}s)")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
