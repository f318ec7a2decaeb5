"""Storage faults, made by editing segment files while the broker is down, and a full disk.

Torn tails (garbage after the last batch; a last batch cut short past the recovery point) are
truncated on startup and everything before them is served and appendable. Damage to data that
was acknowledged (a batch cut short below the recovery point, a broken batch header or a bad CRC
in the middle of the log) is reported loudly in the log, the partition goes offline (fetch and
produce get KAFKA_STORAGE_ERROR; health_test.py checks Metadata and the health overview), and
the bytes are kept on disk - never silently dropped. A full disk (tmpfs,
root only) fails produces with KAFKA_STORAGE_ERROR, loses nothing acknowledged, and produce
works again once space is freed."""
import os
import struct
import subprocess
import sys
import tempfile
import time

import kwire
from kwire import Conn
from kpk_harness import Broker


def partition_dir(b, topic):
    return os.path.join(b.data_dir, "topics", topic, "0")


def segment_files(b, topic):
    d = partition_dir(b, topic)
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".log"))


def batch_positions(path):
    """(position, size) of each batch in a segment file."""
    return kwire.batch_spans(read_file(path))


def patch(path, position, data):
    with open(path, "r+b") as f:
        f.seek(position)
        f.write(data)


def read_file(path):
    with open(path, "rb") as f:
        return f.read()


def fill(c, topic, n, start=0, size=100):
    for i in range(start, start + n):
        kwire.produce(c, topic, 0, [(b"k%d" % i, b"%d:" % i + b"v" * size)])


def check_served(c, topic, end):
    recs = kwire.fetch_all(c, topic, 0)
    assert [r["offset"] for r in recs] == list(range(end)), (topic, [r["offset"] for r in recs])
    assert all(r["value"].startswith(b"%d:" % r["offset"]) for r in recs), topic


def fetch_error(c, topic):
    body = c.request(kwire.API_FETCH, 11, kwire.fetch_request([(topic, 0, 0)]))
    return kwire.fetch_partition(body, topic, 0)["error_code"]


def produce_error(c, topic):
    r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request(
        topic, 0, kwire.build_batch([(b"k", b"refused?")])))
    return r["responses"][0]["partition_responses"][0]["error_code"]


def log_lines(b, topic):
    return [line for line in b.log().splitlines() if f"{topic}-0" in line]


def test_after_clean_stop(b):
    """Damage made after a clean shutdown (recovery point = log end)."""
    with Conn(b.bootstrap) as c:
        for t in ("garbage", "cut-acked", "sealed-crc"):
            kwire.create_topic(c, t, configs={"segment.bytes": "1024"} if t == "sealed-crc"
                               else None)
            fill(c, t, 10)
    assert b.stop() == 0
    # 1. Garbage after the last batch: a torn write nobody was told about.
    active = segment_files(b, "garbage")[-1]
    good_size = os.path.getsize(active)
    with open(active, "ab") as f:
        f.write(b"\x00\x00\x00\x00\x00\x00\x00\x0a\x00\x00\x01\x00garbage" * 3)
    # 2. The last acknowledged batch cut in half: acknowledged data is gone.
    active = segment_files(b, "cut-acked")[-1]
    pos, size = batch_positions(active)[-1]
    os.truncate(active, pos + size // 2)
    cut_size = os.path.getsize(active)
    # 3. A flipped value byte in the first sealed segment: its data was fsynced, so startup
    # trusts it without reading it (as Kafka does); the consumer's CRC check must see it.
    first = segment_files(b, "sealed-crc")[0]
    pos, size = batch_positions(first)[1]
    patch(first, pos + size - 3, b"X")
    b.start()
    with Conn(b.bootstrap) as c:
        assert any("torn tail" in line for line in log_lines(b, "garbage")), b.log()[-3000:]
        assert os.path.getsize(segment_files(b, "garbage")[-1]) == good_size
        check_served(c, "garbage", 10)
        assert kwire.produce(c, "garbage", 0, [(b"k10", b"10:after")])["base_offset"] == 10

        lines = log_lines(b, "cut-acked")
        assert any("CORRUPTION" in line for line in lines), b.log()[-3000:]
        assert fetch_error(c, "cut-acked") == kwire.KAFKA_STORAGE_ERROR
        assert produce_error(c, "cut-acked") == kwire.KAFKA_STORAGE_ERROR
        assert os.path.getsize(segment_files(b, "cut-acked")[-1]) == cut_size, "bytes dropped"

        body = c.request(kwire.API_FETCH, 11, kwire.fetch_request([("sealed-crc", 0, 0)]))
        p = kwire.fetch_partition(body, "sealed-crc", 0)
        crcs = [batch.validate_crc() for batch in kwire.iter_batches(p["records"])]
        assert crcs[0] and not crcs[1], f"the damaged batch must reach the client as is: {crcs}"
        # Everything after the damaged batch is still there.
        recs = kwire.fetch_all(c, "sealed-crc", 0, offset=2)
        assert [r["offset"] for r in recs] == list(range(2, 10))


def test_after_crash(b):
    """Damage made after a SIGKILL (recovery needed) to batches in the active segment."""
    with Conn(b.bootstrap) as c:
        for t in ("torn", "header", "crc"):
            kwire.create_topic(c, t)
            fill(c, t, 10)
    b.kill()
    # 1. The last batch cut short past the recovery point: a torn tail. Without the
    # recovery-point checkpoint (as after a crash before the first one was written) the whole
    # log is checked.
    active = segment_files(b, "torn")[-1]
    pos, size = batch_positions(active)[-1]
    os.truncate(active, pos + size - 7)
    os.remove(os.path.join(partition_dir(b, "torn"), "recovery-point"))
    # 2. A broken header (batch length) in the middle of acknowledged data.
    active = segment_files(b, "header")[-1]
    positions = batch_positions(active)
    header_size = os.path.getsize(active)
    patch(active, positions[3][0] + 8, struct.pack(">i", 7))
    header_bytes = read_file(active)
    # 3. A CRC mismatch in the middle with valid batches after it, found by a full check.
    active = segment_files(b, "crc")[-1]
    pos, size = batch_positions(active)[5]
    patch(active, pos + size - 3, b"X")
    os.remove(os.path.join(partition_dir(b, "crc"), "recovery-point"))
    crc_bytes = read_file(active)
    b.start()
    with Conn(b.bootstrap) as c:
        assert any("torn tail" in line for line in log_lines(b, "torn")), b.log()[-3000:]
        check_served(c, "torn", 9)
        assert kwire.produce(c, "torn", 0, [(b"k9", b"9:again")])["base_offset"] == 9
        check_served(c, "torn", 10)

        assert any("CORRUPTION" in line for line in log_lines(b, "header")), b.log()[-3000:]
        assert fetch_error(c, "header") == kwire.KAFKA_STORAGE_ERROR
        assert produce_error(c, "header") == kwire.KAFKA_STORAGE_ERROR
        active = segment_files(b, "header")[-1]
        assert os.path.getsize(active) == header_size and read_file(active) == header_bytes, \
            "a corrupt segment was changed"

        assert any("CORRUPTION" in line for line in log_lines(b, "crc")), b.log()[-3000:]
        assert fetch_error(c, "crc") == kwire.KAFKA_STORAGE_ERROR
        assert produce_error(c, "crc") == kwire.KAFKA_STORAGE_ERROR
        assert read_file(segment_files(b, "crc")[-1]) == crc_bytes, "a corrupt segment changed"
        # Other partitions are unaffected.
        kwire.create_topic(c, "healthy")
        assert kwire.produce(c, "healthy", 0, [(b"k", b"v")])["base_offset"] == 0


def test_full_disk():
    if os.geteuid() != 0:
        print("test_full_disk: SKIPPED: needs root to mount a tmpfs")
        return
    mnt = tempfile.mkdtemp(prefix="kpk-e2e-tmpfs-")
    log_path = mnt + ".log"  # off the full file system
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt], check=True)
    try:
        data_dir = os.path.join(mnt, "data")
        with Broker(data_dir=data_dir, log_path=log_path) as b, Conn(b.bootstrap) as c:
            kwire.create_topic(c, "full")
            acked = []
            for i in range(20):
                r = kwire.produce(c, "full", 0, [(b"k%d" % i, b"%d:" % i + b"a" * 2000)])
                acked.append(r["base_offset"])
            # Take (almost) all the space that is left.
            filler = os.path.join(mnt, "filler")
            with open(filler, "wb", buffering=0) as f:
                for chunk in (65536, 4096, 1):
                    try:
                        for _ in range(10000):
                            f.write(b"\0" * chunk)
                    except OSError:
                        pass
            # Small appends may still fit in the segment's last page; keep going until one fails.
            error = 0
            for i in range(20, 300):
                batch = kwire.build_batch([(b"k%d" % i, b"%d:" % i + b"a" * 1000)])
                r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request("full", 0, batch))
                p = r["responses"][0]["partition_responses"][0]
                error = p["error_code"]
                if error:
                    break
                acked.append(p["base_offset"])
            assert error == kwire.KAFKA_STORAGE_ERROR, f"produce on a full disk: error {error}"
            big = kwire.build_batch([(b"big", b"b" * 100000)])
            r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request("full", 0, big))
            p = r["responses"][0]["partition_responses"][0]
            assert p["error_code"] == kwire.KAFKA_STORAGE_ERROR, p
            assert any("full-0" in line and "No space" in line for line in b.log().splitlines()), \
                b.log()[-2000:]
            # Nothing acknowledged was lost, nothing half-written is visible.
            n = len(acked)
            assert acked == list(range(n)), acked
            check_served(c, "full", n)
            assert kwire.list_offset(c, "full", 0, -1)["offset"] == n
            # Space back: produce works again and continues the offsets.
            os.remove(filler)
            r = kwire.produce(c, "full", 0, [(b"k%d" % n, b"%d:after" % n)])
            assert r["base_offset"] == n, r
            check_served(c, "full", n + 1)
            b.restart()
            with Conn(b.bootstrap) as c2:
                check_served(c2, "full", n + 1)
    finally:
        subprocess.run(["umount", "-l", mnt], check=False)
        os.rmdir(mnt)
        if os.path.exists(log_path):
            os.remove(log_path)


def main():
    with Broker() as b:
        for test in (test_after_clean_stop, test_after_crash):
            t = time.monotonic()
            test(b)
            print(f"{test.__name__}: ok ({time.monotonic() - t:.2f}s)")
    t = time.monotonic()
    test_full_disk()
    print(f"test_full_disk: done ({time.monotonic() - t:.2f}s)")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
