"""Protocol edges over raw sockets: ApiVersions negotiation (a too-new version gets error 35 in a
v0 header and v0 body), unsupported versions and unknown API keys close the connection while
other clients keep being served, oversized / undersized / malformed frames, bad CRCs, produce
to a missing partition, invalid acks, acks=0 (no response), and in-order responses when
requests are pipelined."""
import struct
import sys
import time

import kwire
from kwire import Conn
from kpk_harness import SOURCE_DIR, Broker, kcat, wait_until

TOPIC = "edges"


def expect_closed(b, conn, what, log_needle):
    assert conn.is_closed_by_peer(timeout=5), f"broker kept the connection open after {what}"
    wait_until(lambda: log_needle in b.log(), 5, what=f"log line {log_needle!r} after {what}")


def still_served(b, bystander):
    """The connection opened before the abuse still works, and so does a new client."""
    meta = bystander.request(kwire.API_METADATA, 1, {"topics": [{"name": TOPIC}]})
    assert meta["topics"][0]["error_code"] == 0, meta
    with Conn(b.bootstrap) as fresh:
        assert fresh.request(kwire.API_API_VERSIONS, 0)["error_code"] == 0


def test_api_versions(b):
    with Conn(b.bootstrap) as c:
        for v in range(0, 5):
            body = c.request(kwire.API_API_VERSIONS, v, {"client_software_name": "kpk-e2e",
                                                         "client_software_version": "1.0"})
            assert body["error_code"] == 0, (v, body)
            keys = {k["api_key"]: (k["min_version"], k["max_version"]) for k in body["api_keys"]}
            # librdkafka turns magic-2 batches on only if the ranges contain Produce 3 and
            # Fetch 4 (notes §1.3); kafka-python probes with Metadata v0.
            assert keys[0][0] <= 3 <= keys[0][1], keys[0]
            assert keys[1][0] <= 4 <= keys[1][1], keys[1]
            assert keys[3][0] == 0, keys[3]
            assert keys[18] == (0, 4), keys[18]
            # Notes §7.8: low minimums (raising them breaks librdkafka, KafkaJS, kafka-python).
            for key in (2, 3, 18, 19, 20, 21, 23, 32, 33, 35, 37, 44, 60):
                assert keys[key][0] == 0, (key, keys[key])
        # KIP-511: software name/version must match the pattern, else INVALID_REQUEST.
        body = c.request(kwire.API_API_VERSIONS, 3, {"client_software_name": "bad name!",
                                                     "client_software_version": "1"})
        assert body["error_code"] == kwire.INVALID_REQUEST, body
        # A version from the future: header v0 and a v0 body with error 35 and the key list,
        # so that a client can read it whatever it sent; the connection stays open.
        for too_new in (5, 127):
            cid = c.send(kwire.API_API_VERSIONS, too_new,
                         body=b"\x08kpk-e2e\x041.0\x00")  # a v3-style flexible body
            data = c.recv_frame()
            assert struct.unpack(">i", data[:4])[0] == cid, "correlation id"
            body = kwire.decode_body(kwire.API_API_VERSIONS, 0, data[4:])  # exact: no trailing
            assert body["error_code"] == kwire.UNSUPPORTED_VERSION, body
            assert any(k["api_key"] == 18 and k["max_version"] == 4 for k in body["api_keys"]), \
                body
        assert c.request(kwire.API_API_VERSIONS, 2)["error_code"] == 0, "connection unusable"


def test_unsupported_versions_close(b, bystander):
    # Produce below v3 (magic 0/1 message sets), Fetch below v4 and a Metadata far above the
    # max: Kafka closes the connection on a version it does not serve.
    for key, version in ((kwire.API_PRODUCE, 2), (kwire.API_FETCH, 3), (kwire.API_METADATA, 99)):
        with Conn(b.bootstrap) as c:
            c.send(key, version, body=b"")
            expect_closed(b, c, f"API {key} v{version}", f"unsupported API key {key} version "
                          f"{version}")
        still_served(b, bystander)
    # Unknown API keys.
    for key in (999, -1, 77):
        with Conn(b.bootstrap) as c:
            c.send(key, 0, body=b"\0\0\0\0")
            expect_closed(b, c, f"unknown API key {key}", f"unsupported API key {key}")
        still_served(b, bystander)


def test_bad_frames(b, bystander):
    cases = [
        ("an oversized frame", struct.pack(">i", 200 << 20) + b"\0" * 64, "request frame of"),
        ("a negative frame size", struct.pack(">i", -5), "request frame of -5"),
        ("a frame too short for a header", struct.pack(">i", 3) + b"\0\0\0",
         "request frame of 3"),
        # Header says client id is 30000 bytes long; the frame has 4.
        ("a malformed header",
         kwire.frame(struct.pack(">hhih", 3, 1, 7, 30000) + b"abcd"), "malformed request header"),
        # Metadata v1 whose topic array claims 2^31-1 entries: must not allocate for them.
        ("a huge array count",
         kwire.frame(kwire.encode_request_header(3, 1, 8) + struct.pack(">i", 0x7FFFFFFF)),
         "malformed API 3 v1"),
        # Produce v7 cut off in the middle of its topic array.
        ("a truncated body",
         kwire.frame(kwire.encode_request_header(0, 7, 9) + struct.pack(">hhii", -1, -1, 1000, 1)
                     + b"\x00\x05ed"), "malformed API 0 v7"),
        # CreateTopics v5 (flexible) with a compact string length varint that never ends.
        ("a runaway varint",
         kwire.frame(kwire.encode_request_header(19, 5, 10) + b"\xff" * 12),
         "malformed API 19 v5"),
    ]
    for what, data, needle in cases:
        with Conn(b.bootstrap) as c:
            c.send_raw(data)
            expect_closed(b, c, what, needle)
        still_served(b, bystander)


def test_produce_errors(b):
    with Conn(b.bootstrap) as c:
        good = kwire.build_batch([(b"k", b"v")])
        hwm = kwire.list_offset(c, TOPIC, 0, -1)["offset"]

        # Bad CRC: flip one byte of a record value (covered by the CRC).
        bad = bytearray(good)
        bad[-3] ^= 0xFF
        r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request(TOPIC, 0, bytes(bad)))
        p = r["responses"][0]["partition_responses"][0]
        assert p["error_code"] == kwire.CORRUPT_MESSAGE, p

        # A record set that ends in the middle of a batch.
        r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request(TOPIC, 0, good[:-5]))
        p = r["responses"][0]["partition_responses"][0]
        assert p["error_code"] == kwire.CORRUPT_MESSAGE, p

        # Magic 1 in Produce v3+.
        legacy = bytearray(good)
        legacy[16] = 1
        r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request(TOPIC, 0, bytes(legacy)))
        p = r["responses"][0]["partition_responses"][0]
        assert p["error_code"] in (kwire.INVALID_RECORD, kwire.CORRUPT_MESSAGE), p

        # A valid CRC over malformed records: storing it would poison every consumer.
        records_at = 61  # the record batch v2 header is 61 bytes
        malformed = []
        b1 = bytearray(kwire.build_batch([(b"k", b"v")]))
        b1[records_at] = 0x7E  # record length 63: runs past the end
        malformed.append(("record length past the end", b1))
        b2 = bytearray(kwire.build_batch([(b"k", b"v"), (b"k2", b"v2")]))
        struct.pack_into(">i", b2, 57, 3)  # record count 3 with 2 records
        struct.pack_into(">i", b2, 23, 2)  # ... and a matching last offset delta
        malformed.append(("more records claimed than present", b2))
        b3 = bytearray(kwire.build_batch([(b"k", b"v")]))
        b3[records_at + 3] = 0x02  # offset delta 1 for the first record
        malformed.append(("wrong offset delta", b3))
        b4 = kwire.build_batch([(b"k", b"v")])
        b4 = bytearray(b4 + b"\0\0")  # trailing bytes after the last record
        struct.pack_into(">i", b4, 8, len(b4) - 12)
        malformed.append(("trailing bytes", b4))
        for what, batch in malformed:
            r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request(
                TOPIC, 0, kwire.restamp_crc(batch)))
            p = r["responses"][0]["partition_responses"][0]
            assert p["error_code"] in (kwire.INVALID_RECORD, kwire.CORRUPT_MESSAGE), (what, p)

        # Missing partition and missing topic.
        r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request(TOPIC, 7, good))
        p = r["responses"][0]["partition_responses"][0]
        assert p["error_code"] == kwire.UNKNOWN_TOPIC_OR_PARTITION, p
        r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request("no-such-topic", 0, good))
        p = r["responses"][0]["partition_responses"][0]
        assert p["error_code"] == kwire.UNKNOWN_TOPIC_OR_PARTITION, p

        # acks must be -1, 0 or 1.
        r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request(TOPIC, 0, good, acks=2))
        p = r["responses"][0]["partition_responses"][0]
        assert p["error_code"] == kwire.INVALID_REQUIRED_ACKS, p

        # A batch over max.message.bytes.
        kwire.create_topic(c, "edges-small", configs={"max.message.bytes": "1000"})
        big = kwire.build_batch([(b"k", b"x" * 2000)])
        r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request("edges-small", 0, big))
        p = r["responses"][0]["partition_responses"][0]
        assert p["error_code"] == kwire.MESSAGE_TOO_LARGE, p

        assert kwire.list_offset(c, TOPIC, 0, -1)["offset"] == hwm, "a rejected batch was written"
        # The connection is still good after all of that.
        kwire.produce(c, TOPIC, 0, [(b"k", b"after-errors")])
        assert kwire.list_offset(c, TOPIC, 0, -1)["offset"] == hwm + 1


def test_multi_batch_produce(b):
    with Conn(b.bootstrap) as c:
        kwire.create_topic(c, "edges-multi", partitions=2)
        two = kwire.build_batch([(b"a", b"1"), (b"b", b"2")]) + kwire.build_batch([(b"c", b"3")])
        for version in (3, 5, 8, 9, 10):
            start = kwire.list_offset(c, "edges-multi", 0, -1)["offset"]
            body = c.request(kwire.API_PRODUCE, version, {
                "transactional_id": None, "acks": -1, "timeout_ms": 5000, "topic_data": [
                    {"name": "edges-multi", "partition_data": [
                        {"index": 0, "records": two}, {"index": 1, "records": two}]},
                    {"name": "edges", "partition_data": [{"index": 0, "records": two}]}]})
            results = [(t["name"], p["index"], p["error_code"], p["base_offset"])
                       for t in body["responses"] for p in t["partition_responses"]]
            assert [(n, i, e) for n, i, e, _ in results] == \
                [("edges-multi", 0, 0), ("edges-multi", 1, 0), ("edges", 0, 0)], (version, body)
            assert results[0][3] == start, (version, results)
            assert kwire.list_offset(c, "edges-multi", 0, -1)["offset"] == start + 3
        # One bad batch among good ones: nothing of that partition is written.
        end = kwire.list_offset(c, "edges-multi", 0, -1)["offset"]
        bad = bytearray(kwire.build_batch([(b"d", b"4")]))
        bad[-2] ^= 1
        r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request(
            "edges-multi", 0, kwire.build_batch([(b"x", b"ok")]) + bytes(bad)))
        assert r["responses"][0]["partition_responses"][0]["error_code"] == kwire.CORRUPT_MESSAGE
        assert kwire.list_offset(c, "edges-multi", 0, -1)["offset"] == end
        recs = kwire.fetch_all(c, "edges-multi", 0)
        assert [r["value"] for r in recs] == [b"1", b"2", b"3"] * 5, recs


def test_null_client_id_and_many_connections(b):
    with Conn(b.bootstrap) as c:
        header = struct.pack(">hhih", kwire.API_METADATA, 1, 42, -1)  # client id null
        c.send_raw(kwire.frame(header + kwire.encode_body(kwire.API_METADATA, 1,
                                                           {"topics": None})))
        got, body = c.recv(kwire.API_METADATA, 1)
        assert got == 42 and body["brokers"], body
    conns = [Conn(b.bootstrap) for _ in range(200)]
    try:
        for i, c in enumerate(conns):
            c.send(kwire.API_API_VERSIONS, i % 3)
        for i, c in enumerate(conns):
            _, body = c.recv(kwire.API_API_VERSIONS, i % 3)
            assert body["error_code"] == 0
    finally:
        for c in conns:
            c.close()
    # A client that sends half a frame and goes away, and one that stalls mid-frame, do not
    # disturb anyone else.
    with Conn(b.bootstrap) as half:
        half.send_raw(struct.pack(">i", 100) + b"\0\3\0\1")
    with Conn(b.bootstrap) as stalled, Conn(b.bootstrap) as other:
        stalled.send_raw(struct.pack(">i", 100) + b"\0\3")
        assert other.request(kwire.API_API_VERSIONS, 0)["error_code"] == 0


def test_golden_frames(b):
    """Real request frames captured from kcat, kafka-python and KafkaJS, replayed as sent: every
    one for an API the broker advertises is answered, and the answer decodes."""
    import glob
    import os
    golden = os.path.join(SOURCE_DIR, "tests", "unit", "protocol", "fixtures", "golden")
    files = sorted(glob.glob(os.path.join(golden, "*", "*.bin")))
    assert files, f"no golden frames under {golden}"
    with Conn(b.bootstrap) as c:
        advertised = {k["api_key"]: (k["min_version"], k["max_version"])
                      for k in c.request(kwire.API_API_VERSIONS, 0)["api_keys"]}
        for client in ("kcat", "kafka-python", "kafkajs"):
            kwire.create_topic(c, f"golden-{client}", partitions=2)
    replayed = 0
    for path in files:
        with open(path, "rb") as f:
            payload = f.read()
        key, version, cid = kwire.request_ids(payload)
        lo, hi = advertised.get(key, (0, -1))
        if not lo <= version <= hi:
            continue
        with Conn(b.bootstrap) as c:
            c.send_raw(kwire.frame(payload))
            if key == kwire.API_PRODUCE:
                request = kwire.decode_body(key, version, kwire.request_body(payload),
                                            "request")
                if request["acks"] == 0:
                    continue
            try:
                data = c.recv_frame(timeout=10)
            except kwire.ConnectionClosed:
                raise AssertionError(f"{os.path.relpath(path, golden)}: connection closed")
            assert struct.unpack(">i", data[:4])[0] == cid, path
            if (key, "response") in kwire.SCHEMAS:
                kwire.decode_response(key, version, data)
            replayed += 1
    assert replayed >= 15, f"only {replayed} golden frames replayed"
    print(f"  replayed {replayed} of {len(files)} golden frames")


def test_acks_zero(b):
    with Conn(b.bootstrap) as c:
        start = kwire.list_offset(c, TOPIC, 0, -1)["offset"]
        for i in range(5):
            c.send(kwire.API_PRODUCE, 7, kwire.produce_request(
                TOPIC, 0, kwire.build_batch([(b"z", b"acks0-%d" % i)]), acks=0))
        # The next response on the wire must be the ListOffsets, not a produce response.
        cid = c.send(kwire.API_LIST_OFFSETS, 7, kwire.list_offsets_request(TOPIC, 0, -1))
        got, body = c.recv(kwire.API_LIST_OFFSETS, 7)
        assert got == cid, f"got a response with correlation id {got} to an acks=0 produce"
        assert body["topics"][0]["partitions"][0]["offset"] == start + 5, body
        # Even an acks=0 produce that fails gets no response (Kafka closes the connection on
        # some errors; answering would break the client's correlation).
        c.send(kwire.API_PRODUCE, 7, kwire.produce_request(
            "no-such-topic", 0, kwire.build_batch([(b"z", b"lost")]), acks=0))
        cid = c.send(kwire.API_API_VERSIONS, 0)
        try:
            got, _ = c.recv(kwire.API_API_VERSIONS, 0)
            assert got == cid, f"got a response with correlation id {got} to an acks=0 produce"
        except kwire.ConnectionClosed:
            pass  # also acceptable: Kafka closes the connection on a failed acks=0 produce


def test_pipelining_in_order(b):
    with Conn(b.bootstrap) as c:
        kwire.create_topic(c, "edges-pipe", partitions=2)
        sent = []
        # A long-poll fetch on an empty partition first: everything behind it finishes sooner
        # but must be answered after it.
        sent.append((c.send(kwire.API_FETCH, 11, kwire.fetch_request(
            [("edges-pipe", 1, 0)], max_wait_ms=300, min_bytes=1)), kwire.API_FETCH, 11))
        for i in range(20):
            if i % 4 == 0:
                sent.append((c.send(kwire.API_PRODUCE, 7, kwire.produce_request(
                    "edges-pipe", 0, kwire.build_batch([(b"p", b"%d" % i)]), acks=-1)),
                    kwire.API_PRODUCE, 7))
            elif i % 4 == 1:
                sent.append((c.send(kwire.API_METADATA, 1, {"topics": None}),
                             kwire.API_METADATA, 1))
            elif i % 4 == 2:
                sent.append((c.send(kwire.API_API_VERSIONS, 2), kwire.API_API_VERSIONS, 2))
            else:
                sent.append((c.send(kwire.API_LIST_OFFSETS, 7, kwire.list_offsets_request(
                    "edges-pipe", 0, -1)), kwire.API_LIST_OFFSETS, 7))
        started = time.monotonic()
        order = []
        offsets = []
        for cid, key, version in sent:
            got, body = c.recv(key, version)
            order.append(got)
            if key == kwire.API_PRODUCE:
                offsets.append(body["responses"][0]["partition_responses"][0]["base_offset"])
        assert order == [s[0] for s in sent], f"responses out of order: {order}"
        assert offsets == list(range(len(offsets))), f"appends out of order: {offsets}"
        assert time.monotonic() - started < 5


def test_large_frames_in_pieces(b, bystander):
    """Large request frames are read with a raised receive low-watermark: a frame dribbled in
    pieces, one sent together with the next request, and one cut off by a closing client must
    each be handled as a plain read would, while everyone else is served."""
    with Conn(b.bootstrap) as c:
        kwire.create_topic(c, "edges-big")
        values = [bytes([65 + i]) * 700_000 for i in range(3)]
        frames = [kwire.frame(kwire.encode_request_header(kwire.API_PRODUCE, 7, 100 + i) +
                              kwire.encode_body(kwire.API_PRODUCE, 7, kwire.produce_request(
                                  "edges-big", 0, kwire.build_batch([(b"k", v)]))))
                  for i, v in enumerate(values)]
        # 1: in 50 pieces with pauses, so the broker waits for the rest several times.
        step = len(frames[0]) // 50 + 1
        for pos in range(0, len(frames[0]), step):
            c.send_raw(frames[0][pos:pos + step])
            time.sleep(0.005)
        got, body = c.recv(kwire.API_PRODUCE, 7, timeout=10)
        assert got == 100 and body["responses"][0]["partition_responses"][0]["error_code"] == 0
        # 2 and 3: two large frames and a small request in one write, then nothing more until
        # the answers are in. The broker must not wait for bytes beyond the frame it is reading.
        tail = kwire.frame(kwire.encode_request_header(kwire.API_API_VERSIONS, 0, 200))
        c.send_raw(frames[1][:1000])
        time.sleep(0.05)
        c.send_raw(frames[1][1000:] + frames[2] + tail)
        assert c.recv(kwire.API_PRODUCE, 7, timeout=10)[0] == 101
        assert c.recv(kwire.API_PRODUCE, 7, timeout=10)[0] == 102
        assert c.recv(kwire.API_API_VERSIONS, 0, timeout=10)[0] == 200
        _, recs = kwire.read_records(kwire.fetch_partition(c.request(
            kwire.API_FETCH, 11, kwire.fetch_request([("edges-big", 0, 0)],
                                                     partition_max_bytes=10 << 20)),
            "edges-big", 0)[
            "records"])
        assert [r["value"] for r in recs] == values
    # Half a large frame, then the client goes away: the broker lets go of it.
    with Conn(b.bootstrap) as c:
        c.send_raw(frames[0][:len(frames[0]) // 2])
        time.sleep(0.05)
    still_served(b, bystander)


def main():
    with Broker() as b:
        with Conn(b.bootstrap) as bystander:
            assert kwire.create_topic(bystander, TOPIC)["error_code"] == 0
            for test in (test_api_versions, test_produce_errors, test_multi_batch_produce,
                         test_null_client_id_and_many_connections, test_golden_frames,
                         test_acks_zero,
                         test_pipelining_in_order):
                t = time.monotonic()
                test(b)
                print(f"{test.__name__}: ok ({time.monotonic() - t:.2f}s)")
            for test in (test_unsupported_versions_close, test_bad_frames,
                         test_large_frames_in_pieces):
                t = time.monotonic()
                test(b, bystander)
                print(f"{test.__name__}: ok ({time.monotonic() - t:.2f}s)")
        # A real client after all the abuse.
        meta = kcat(b.bootstrap, "-L", "-t", TOPIC, timeout=20).stdout
        assert f'topic "{TOPIC}" with 1 partitions' in meta, meta
        assert b.stop() == 0
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
