"""A clean restart (SIGTERM, exit 0, start again on the same data dir) keeps every topic (ids,
partition counts, added partitions), every topic and broker config, every record (offsets,
keys, values, headers, timestamps), log start offsets, and forgets deleted topics. Twice, with
writes in between; the broker is ready again quickly."""
import sys
import time

import kwire
from kwire import Conn
from kpk_harness import Broker

BASE = 1_700_000_000_000


def snapshot(b):
    """Everything a client can see: metadata, configs, offsets and records."""
    with Conn(b.bootstrap) as c:
        meta = c.request(kwire.API_METADATA, 12, {"topics": None,
                                                   "include_topic_authorized_operations": False})
        topics = {t["name"]: (t["topic_id"], len(t["partitions"])) for t in meta["topics"]}
        state = {"topics": topics, "configs": {}, "records": {}, "offsets": {}}
        for name, (_, partitions) in sorted(topics.items()):
            body = c.request(kwire.API_DESCRIBE_CONFIGS, 1, {"resources": [
                {"resource_type": kwire.RESOURCE_TOPIC, "resource_name": name,
                 "configuration_keys": None}], "include_synonyms": False})
            state["configs"][name] = {e["name"]: e["value"]
                                      for e in body["results"][0]["configs"]
                                      if e["config_source"] == 1}
            for p in range(partitions):
                start = kwire.list_offset(c, name, p, -2)["offset"]
                end = kwire.list_offset(c, name, p, -1)["offset"]
                state["offsets"][(name, p)] = (start, end)
                state["records"][(name, p)] = kwire.fetch_all(c, name, p, offset=start)
        body = c.request(kwire.API_DESCRIBE_CONFIGS, 1, {"resources": [
            {"resource_type": kwire.RESOURCE_BROKER, "resource_name": "0",
             "configuration_keys": ["log.retention.ms", "num.partitions"]}],
            "include_synonyms": False})
        state["broker"] = {e["name"]: e["value"] for e in body["results"][0]["configs"]}
        return state


def assert_same(before, after, label):
    for key in ("topics", "configs", "offsets", "broker"):
        assert before[key] == after[key], f"{label}: {key} changed\n{before[key]}\n{after[key]}"
    for tp, recs in before["records"].items():
        got = after["records"][tp]
        assert got == recs, f"{label}: records of {tp} changed\nbefore {recs[:3]}\nafter {got[:3]}"


def produce_round(c, round_):
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": c, "acks": "all", "linger.ms": 5})
    errors = []
    for i in range(300):
        p.produce("orders", key=b"r%d-k%d" % (round_, i), value=b"r%d-v%d" % (round_, i),
                  partition=i % 3, headers=[("round", str(round_).encode()), ("i", b"%d" % i)],
                  timestamp=BASE + round_ * 100000 + i,
                  on_delivery=lambda err, msg: err and errors.append(err))
    assert p.flush(30) == 0, "producer did not finish"
    assert not errors, errors


def main():
    with Broker() as b:
        with Conn(b.bootstrap) as c:
            kwire.create_topic(c, "orders", partitions=3,
                               configs={"retention.ms": "86400000", "cleanup.policy": "delete"})
            kwire.create_topic(c, "events", partitions=1, configs={"segment.bytes": "4096"})
            kwire.create_topic(c, "doomed", partitions=2)
            kwire.create_topic(c, "lat", configs={"message.timestamp.type": "LogAppendTime"})
            for i in range(50):
                kwire.produce(c, "events", 0, [(b"e%d" % i, b"x" * 300, [("h", b"%d" % i)],
                                                BASE + i)], acks=1)
            kwire.produce(c, "lat", 0, [(b"k", b"v", None, BASE)])
            c.request(kwire.API_DELETE_RECORDS, 1, {"topics": [
                {"name": "events", "partitions": [{"partition_index": 0, "offset": 20}]}],
                "timeout_ms": 5000})
            body = c.request(kwire.API_DELETE_TOPICS, 1, {"topic_names": ["doomed"],
                                                          "timeout_ms": 5000})
            assert body["responses"][0]["error_code"] == 0, body
            body = c.request(kwire.API_CREATE_PARTITIONS, 1, {
                "topics": [{"name": "events", "count": 2, "assignments": None}],
                "timeout_ms": 5000, "validate_only": False})
            assert body["results"][0]["error_code"] == 0, body
            kwire.produce(c, "events", 1, [(b"new", b"partition")])
            body = c.request(kwire.API_INCREMENTAL_ALTER_CONFIGS, 0, {"resources": [
                {"resource_type": kwire.RESOURCE_BROKER, "resource_name": "0",
                 "configs": [{"name": "log.retention.ms", "config_operation": 0,
                              "value": "172800000"}]}], "validate_only": False})
            assert body["responses"][0]["error_code"] == 0, body
        produce_round(b.bootstrap, 0)

        before = snapshot(b)
        assert "doomed" not in before["topics"]
        assert before["offsets"][("events", 0)] == (20, 50), before["offsets"]
        assert sum(len(before["records"][("orders", p)]) for p in range(3)) == 300
        rec = before["records"][("events", 0)][0]
        assert (rec["key"], rec["headers"], rec["timestamp"]) == \
            (b"e20", [("h", b"20")], BASE + 20), rec
        assert before["records"][("lat", 0)][0]["timestamp_type"] == 1

        for round_ in (1, 2):
            code = b.stop()
            assert code == 0, f"SIGTERM exit code {code}"
            b.start()
            assert b.ready_after < 3, f"restart took {b.ready_after:.2f}s"
            after = snapshot(b)
            assert_same(before, after, f"restart {round_}")
            # Writes after a restart continue the offsets and survive the next one.
            produce_round(b.bootstrap, round_)
            before = snapshot(b)
            assert sum(len(before["records"][("orders", p)]) for p in range(3)) == \
                300 * (round_ + 1)
        with Conn(b.bootstrap) as c:
            # A deleted topic's name can be reused, starting afresh.
            assert kwire.create_topic(c, "doomed")["error_code"] == 0
            assert kwire.list_offset(c, "doomed", 0, -1)["offset"] == 0
        # SIGTERM does not wait for parked fetches' max wait (clients may ask for minutes).
        with Conn(b.bootstrap) as c:
            end = kwire.list_offset(c, "orders", 0, -1)["offset"]
            c.send(kwire.API_FETCH, 11, kwire.fetch_request([("orders", 0, end)],
                                                            max_wait_ms=60000))
            time.sleep(0.2)
            started = time.monotonic()
            assert b.stop() == 0
            took = time.monotonic() - started
            assert took < 3, f"SIGTERM took {took:.1f}s with a parked fetch"
        log = b.log()
        assert log.count("shutting down") >= 3 and log.count("stopped") >= 3, log[-2000:]
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
