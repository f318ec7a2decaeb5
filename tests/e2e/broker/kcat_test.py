"""kcat (librdkafka 2.0.2) against the broker: -L (plain and JSON), -P with keys, headers, NULL
values, explicit partitions, every compression codec and acks=all, and -C -e reading back exactly
what was written (keys, values, headers, timestamps, partitions, offsets), from the beginning,
from relative and absolute offsets and from a timestamp; -Q offsets for times."""
import json
import sys
import time

from kpk_harness import Broker, kcat

FMT = "%p|%o|%k|%s|%h|%T\\n"


def consume(b, topic, *args, count=None):
    extra = ["-c", str(count)] if count else []
    # A short fetch wait: -e ends on an empty fetch at the end, which waits that long.
    out = kcat(b.bootstrap, "-C", "-t", topic, "-e", "-q", "-X", "fetch.wait.max.ms=50",
               "-f", FMT.replace("\\n", "\n"), *extra, *args, timeout=30).stdout
    rows = []
    for line in out.splitlines():
        p, o, k, s, h, ts = line.split("|")
        rows.append({"p": int(p), "o": int(o), "k": k, "s": s, "h": h, "ts": int(ts)})
    return rows


def main():
    with Broker() as b:
        kcat_admin = ["-X", "acks=all"]
        # kcat cannot create topics: do it with kpk's own broker-agnostic path, the protocol.
        import kwire
        with kwire.Conn(b.bootstrap) as c:
            kwire.create_topic(c, "kc", partitions=3)
            kwire.create_topic(c, "codecs")

        meta = kcat(b.bootstrap, "-L", timeout=20).stdout
        assert f"broker 0 at {b.bootstrap} (controller)" in meta, meta
        assert 'topic "kc" with 3 partitions' in meta, meta
        js = json.loads(kcat(b.bootstrap, "-L", "-J", timeout=20).stdout)
        assert js["controllerid"] == 0 and js["brokers"][0]["name"] == b.bootstrap, js
        kc = [t for t in js["topics"] if t["topic"] == "kc"][0]
        assert [p["leader"] for p in kc["partitions"]] == [0, 0, 0], kc

        # Keys and headers, to explicit partitions.
        start = int(time.time() * 1000)
        expected = {}
        for p in range(3):
            lines = "".join(f"key{p}-{i}:value {p}-{i}\n" for i in range(50))
            kcat(b.bootstrap, "-P", "-t", "kc", "-p", str(p), "-K:", "-H", f"part={p}",
                 "-H", "src=kcat", *kcat_admin, input=lines, timeout=30)
            expected[p] = [(f"key{p}-{i}", f"value {p}-{i}") for i in range(50)]
        end = int(time.time() * 1000)
        rows = consume(b, "kc", "-o", "beginning")
        assert len(rows) == 150, len(rows)
        for p in range(3):
            got = [r for r in rows if r["p"] == p]
            assert [(r["k"], r["s"]) for r in got] == expected[p], got[:3]
            assert [r["o"] for r in got] == list(range(50)), [r["o"] for r in got]
            assert all(r["h"] == f"part={p},src=kcat" for r in got), got[0]
            assert all(start - 1000 <= r["ts"] <= end + 1000 for r in got), (start, got[0], end)

        # Offsets: the last 5 of partition 1; from absolute offset 45; from a timestamp.
        rows = consume(b, "kc", "-p", "1", "-o", "-5")
        assert [r["o"] for r in rows] == [45, 46, 47, 48, 49], rows
        rows = consume(b, "kc", "-p", "2", "-o", "45")
        assert [r["o"] for r in rows] == [45, 46, 47, 48, 49], rows
        rows = consume(b, "kc", "-p", "0", "-o", "end")
        assert rows == [], rows
        rows = consume(b, "kc", "-p", "0", "-o", f"s@{end + 60000}")
        assert rows == [], rows
        rows = consume(b, "kc", "-p", "0", "-o", f"s@{start - 60000}", count=3)
        assert [r["o"] for r in rows] == [0, 1, 2], rows
        out = kcat(b.bootstrap, "-Q", "-t", f"kc:0:{start - 60000}", timeout=20).stdout
        assert "kc [0] offset 0" in out, out

        # NULL values (-Z) and a large message.
        kcat(b.bootstrap, "-P", "-t", "kc", "-p", "0", "-K:", "-Z", *kcat_admin,
             input="nullkey:\n", timeout=30)
        big = "B" * 900_000
        kcat(b.bootstrap, "-P", "-t", "kc", "-p", "0", *kcat_admin, input=big + "\n", timeout=30)
        out = kcat(b.bootstrap, "-C", "-t", "kc", "-p", "0", "-o", "50", "-e", "-q", "-Z",
                   "-f", "%k|%S\n", timeout=30).stdout
        assert out.splitlines() == ["nullkey|-1", f"NULL|{len(big)}"], out[:200]

        # Compression: batches are stored as produced, and read back intact.
        for codec in ("none", "gzip", "snappy", "lz4", "zstd"):
            lines = "".join(f"{codec}-{i}:{codec} value {i} " + "z" * (i % 50) + "\n"
                            for i in range(200))
            kcat(b.bootstrap, "-P", "-t", "codecs", "-K:", "-X", f"compression.codec={codec}",
                 "-X", "linger.ms=50", *kcat_admin, input=lines, timeout=30)
        rows = consume(b, "codecs", "-o", "beginning")
        want = [(f"{codec}-{i}", f"{codec} value {i} " + "z" * (i % 50))
                for codec in ("none", "gzip", "snappy", "lz4", "zstd") for i in range(200)]
        assert [(r["k"], r["s"]) for r in rows] == want, rows[:3]
        assert [r["o"] for r in rows] == list(range(1000))

        # JSON envelope consumer.
        out = kcat(b.bootstrap, "-C", "-t", "kc", "-p", "1", "-o", "0", "-c", "1", "-J", "-e",
                   "-q", timeout=30).stdout
        j = json.loads(out.splitlines()[0])
        assert (j["key"], j["payload"], j["offset"]) == ("key1-0", "value 1-0", 0), j
        assert j["headers"] == ["part", "1", "src", "kcat"], j
        assert j["tstype"] == "create", j
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
