"""Cluster and topic administration over raw sockets: Metadata over every version (the advertised
address, controller id = this node, topic ids), auto-creation honouring the broker setting and
Metadata v4+'s allow_auto_topic_creation, CreateTopics (validate-only, defaults, replication
factor 1 only, bad names, counts and assignments, duplicates), DeleteTopics, CreatePartitions,
DescribeCluster, DescribeLogDirs and OffsetForLeaderEpoch; and kcat -L and confluent-kafka's
list_topics against an advertised address that differs from the listener."""
import sys
import time

import kwire
from kwire import Conn
from kpk_harness import Broker, kcat

NODE = 7
INVALID_REPLICA_ASSIGNMENT = 39
UNKNOWN_TOPIC_ID = 100


def metadata(c, version, topics=None, allow=True):
    req = {"topics": None if topics is None else [{"name": t} for t in topics],
           "allow_auto_topic_creation": allow}
    if version == 0 and topics is None:
        req["topics"] = []  # v0: empty list means all
    return c.request(kwire.API_METADATA, version, req)


def test_metadata(b, advertised):
    host, port = advertised.rsplit(":", 1)
    with Conn(b.bootstrap) as c:
        kwire.create_topic(c, "meta", partitions=3)
        for version in range(0, 13):
            m = metadata(c, version)
            assert m["brokers"] == [dict(m["brokers"][0], node_id=NODE, host=host,
                                         port=int(port))], (version, m["brokers"])
            if version >= 1:
                assert m["controller_id"] == NODE, (version, m)
            if version >= 2:
                assert m["cluster_id"], version
            topics = {t["name"]: t for t in m["topics"]}
            t = topics["meta"]
            assert t["error_code"] == 0 and len(t["partitions"]) == 3, (version, t)
            for i, p in enumerate(sorted(t["partitions"], key=lambda p: p["partition_index"])):
                assert p["partition_index"] == i and p["leader_id"] == NODE, p
                assert p["replica_nodes"] == [NODE] and p["isr_nodes"] == [NODE], p
                if version >= 7:
                    assert p["leader_epoch"] == 0, p  # never -1 for a live leader
            if version >= 10:
                assert t["topic_id"] != b"\0" * 16, t
        # Asking for one topic, and for one that does not exist (and may not be created).
        m = metadata(c, 9, ["meta", "absent"], allow=False)
        errors = {t["name"]: t["error_code"] for t in m["topics"]}
        assert errors == {"meta": 0, "absent": kwire.UNKNOWN_TOPIC_OR_PARTITION}, errors
        # v10+: by topic id.
        topic_id = {t["name"]: t for t in metadata(c, 12)["topics"]}["meta"]["topic_id"]
        m = c.request(kwire.API_METADATA, 12, {"topics": [{"topic_id": topic_id, "name": None}]})
        assert m["topics"][0]["name"] == "meta", m
        m = c.request(kwire.API_METADATA, 12, {"topics": [{"topic_id": b"\1" * 16,
                                                           "name": None}]})
        assert m["topics"][0]["error_code"] == UNKNOWN_TOPIC_ID, m
        # The Java client (4.x) asks by id with the name at its default, "", not null: the id
        # decides (it was answered as a topic named "" before).
        m = c.request(kwire.API_METADATA, 12, {"topics": [{"topic_id": topic_id, "name": ""}]})
        assert m["topics"][0]["name"] == "meta" and m["topics"][0]["topic_id"] == topic_id, m
        m = c.request(kwire.API_METADATA, 12, {"topics": [{"topic_id": b"\1" * 16, "name": ""}]})
        assert m["topics"][0]["error_code"] == UNKNOWN_TOPIC_ID, m
    # Real clients connect to the advertised address, which is not the listener.
    out = kcat(b.bootstrap, "-L", timeout=20).stdout
    assert f"broker {NODE} at {advertised} (controller)" in out, out
    from confluent_kafka.admin import AdminClient
    md = AdminClient({"bootstrap.servers": b.bootstrap}).list_topics(timeout=10)
    assert md.controller_id == NODE and md.brokers[NODE].host == host, (md.controller_id,
                                                                        md.brokers)
    assert len(md.topics["meta"].partitions) == 3


def test_auto_create(b):
    with Conn(b.bootstrap) as c:
        # Metadata v4+ may forbid it even though the broker allows it.
        m = metadata(c, 9, ["auto-no"], allow=False)
        assert m["topics"][0]["error_code"] == kwire.UNKNOWN_TOPIC_OR_PARTITION, m
        assert "auto-no" not in {t["name"] for t in metadata(c, 9)["topics"]}
        m = metadata(c, 9, ["auto-yes"], allow=True)
        assert m["topics"][0]["error_code"] == 0 and len(m["topics"][0]["partitions"]) == 2, m
        # Before v4 there is no flag: the broker setting decides.
        m = metadata(c, 1, ["auto-v1"])
        assert m["topics"][0]["error_code"] == 0, m
        # Invalid names are not created.
        m = metadata(c, 9, ["bad/name"], allow=True)
        assert m["topics"][0]["error_code"] != 0, m
        # A produce to an auto-created topic works right away (kcat -P does exactly this).
        kcat(b.bootstrap, "-P", "-t", "auto-kcat", "-p", "0", input="hello\n", timeout=20)
        recs = kwire.fetch_all(c, "auto-kcat", 0)
        assert [r["value"] for r in recs] == [b"hello"], recs


def test_create_topics(b):
    with Conn(b.bootstrap) as c:
        for version in (0, 1, 4, 5, 7):
            name = f"ct-v{version}"
            if version >= 1:
                r = kwire.create_topic(c, name, partitions=2, version=version, validate_only=True)
                assert r["error_code"] == 0, (version, r)
                assert name not in {t["name"] for t in metadata(c, 1)["topics"]}, \
                    "validate_only created the topic"
            r = kwire.create_topic(c, name, partitions=2, version=version)
            assert r["error_code"] == 0, (version, r)
            if version >= 5:
                assert r["num_partitions"] == 2 and r["replication_factor"] == 1, r
                assert any(cfg["name"] == "retention.ms" for cfg in r["configs"]), r
            if version >= 7:
                assert r["topic_id"] != b"\0" * 16, r
            r = kwire.create_topic(c, name, partitions=2, version=version)
            assert r["error_code"] == kwire.TOPIC_ALREADY_EXISTS, (version, r)
        for rf in (2, 3, 0):
            for validate_only in (False, True):
                r = kwire.create_topic(c, "rf", replication_factor=rf, validate_only=validate_only)
                assert r["error_code"] == kwire.INVALID_REPLICATION_FACTOR, (rf, r)
        for bad in ("", ".", "..", "a" * 250, "sp ace", "slash/ed", "t\u00e9"):
            r = kwire.create_topic(c, bad)
            assert r["error_code"] == kwire.INVALID_TOPIC_EXCEPTION, (bad, r)
        for partitions in (0, -5):
            r = kwire.create_topic(c, "parts", partitions=partitions)
            assert r["error_code"] == kwire.INVALID_PARTITIONS, (partitions, r)
        # Defaults: -1 partitions and replication (v4+) take the broker's.
        r = kwire.create_topic(c, "defaults", partitions=-1, replication_factor=-1, version=5)
        assert r["error_code"] == 0 and r["num_partitions"] == 2, r
        # Manual assignments: every partition on this node, one replica.
        body = c.request(kwire.API_CREATE_TOPICS, 4, {"topics": [
            {"name": "assigned", "num_partitions": -1, "replication_factor": -1,
             "assignments": [{"partition_index": 0, "broker_ids": [NODE]},
                             {"partition_index": 1, "broker_ids": [NODE]}], "configs": []},
            {"name": "elsewhere", "num_partitions": -1, "replication_factor": -1,
             "assignments": [{"partition_index": 0, "broker_ids": [NODE + 1]}], "configs": []}],
            "timeout_ms": 5000, "validate_only": False})
        results = {t["name"]: t["error_code"] for t in body["topics"]}
        assert results == {"assigned": 0, "elsewhere": INVALID_REPLICA_ASSIGNMENT}, body
        assert len({t["name"]: t for t in metadata(c, 1)["topics"]}["assigned"]["partitions"]) \
            == 2
        # The same name twice in one request.
        body = c.request(kwire.API_CREATE_TOPICS, 4, {"topics": [
            {"name": "twice", "num_partitions": 1, "replication_factor": 1, "assignments": [],
             "configs": []}] * 2, "timeout_ms": 5000, "validate_only": False})
        assert all(t["error_code"] == kwire.INVALID_REQUEST for t in body["topics"]), body


def test_delete_topics_and_partitions(b):
    with Conn(b.bootstrap) as c:
        for version in (0, 1, 4, 5, 6):
            name = f"del-v{version}"
            kwire.create_topic(c, name)
            kwire.produce(c, name, 0, [(b"k", b"v")])
            req = ({"topics": [{"name": name, "topic_id": b"\0" * 16}], "timeout_ms": 5000}
                   if version >= 6 else {"topic_names": [name], "timeout_ms": 5000})
            body = c.request(kwire.API_DELETE_TOPICS, version, req)
            assert body["responses"][0]["error_code"] == 0, (version, body)
            body = c.request(kwire.API_DELETE_TOPICS, version, req)
            assert body["responses"][0]["error_code"] == kwire.UNKNOWN_TOPIC_OR_PARTITION, body
            r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request(
                name, 0, kwire.build_batch([(b"k", b"v")])))
            assert r["responses"][0]["partition_responses"][0]["error_code"] == \
                kwire.UNKNOWN_TOPIC_OR_PARTITION
        # By id (v6).
        kwire.create_topic(c, "del-id")
        tid = {t["name"]: t for t in metadata(c, 12)["topics"]}["del-id"]["topic_id"]
        body = c.request(kwire.API_DELETE_TOPICS, 6, {"topics": [{"name": None, "topic_id": tid}],
                                                      "timeout_ms": 5000})
        assert body["responses"][0]["error_code"] == 0 and \
            body["responses"][0]["name"] == "del-id", body
        # Re-created under the same name: empty.
        kwire.create_topic(c, "del-v0")
        assert kwire.list_offset(c, "del-v0", 0, -1)["offset"] == 0

        kwire.create_topic(c, "grow")
        kwire.produce(c, "grow", 0, [(b"k", b"before")])
        for version, count, validate_only, error in ((0, 3, True, 0), (1, 3, False, 0),
                                                     (1, 2, False, kwire.INVALID_PARTITIONS),
                                                     (1, 3, False, kwire.INVALID_PARTITIONS),
                                                     (3, 4, False, 0)):
            body = c.request(kwire.API_CREATE_PARTITIONS, version, {
                "topics": [{"name": "grow", "count": count, "assignments": None}],
                "timeout_ms": 5000, "validate_only": validate_only})
            assert body["results"][0]["error_code"] == error, (version, count, body)
        assert len({t["name"]: t for t in metadata(c, 1)["topics"]}["grow"]["partitions"]) == 4
        kwire.produce(c, "grow", 3, [(b"k", b"new partition")])
        assert [r["value"] for r in kwire.fetch_all(c, "grow", 0)] == [b"before"]
        body = c.request(kwire.API_CREATE_PARTITIONS, 1, {
            "topics": [{"name": "ghost", "count": 2, "assignments": None}],
            "timeout_ms": 5000, "validate_only": False})
        assert body["results"][0]["error_code"] == kwire.UNKNOWN_TOPIC_OR_PARTITION, body


def test_describe_cluster_log_dirs_epochs(b, advertised):
    host, port = advertised.rsplit(":", 1)
    with Conn(b.bootstrap) as c:
        for version in (0, 1):
            body = c.request(kwire.API_DESCRIBE_CLUSTER, version, {
                "include_cluster_authorized_operations": False, "endpoint_type": 1})
            assert body["error_code"] == 0, body
            assert body["controller_id"] == NODE and body["cluster_id"], body
            assert [(x["broker_id"], x["host"], x["port"]) for x in body["brokers"]] == \
                [(NODE, host, int(port))], body
        kwire.create_topic(c, "dirs", partitions=2)
        kwire.produce(c, "dirs", 1, [(b"k", b"x" * 1000)])
        for version in range(0, 5):
            body = c.request(kwire.API_DESCRIBE_LOG_DIRS, version, {
                "topics": [{"topic": "dirs", "partitions": [0, 1]}]})
            [result] = body["results"]
            assert result["error_code"] == 0 and result["log_dir"].startswith("/"), result
            sizes = {p["partition_index"]: p["partition_size"]
                     for p in result["topics"][0]["partitions"]}
            assert sizes[0] == 0 and sizes[1] > 1000, sizes
            if version >= 4:
                assert result["total_bytes"] > 0 and result["usable_bytes"] > 0, result
        body = c.request(kwire.API_DESCRIBE_LOG_DIRS, 1, {"topics": None})
        assert "dirs" in {t["name"] for t in body["results"][0]["topics"]}

        for version in range(0, 5):
            body = c.request(kwire.API_OFFSET_FOR_LEADER_EPOCH, version, {
                "replica_id": -1, "topics": [{"topic": "dirs", "partitions": [
                    {"partition": 1, "current_leader_epoch": -1, "leader_epoch": 0},
                    {"partition": 0, "current_leader_epoch": 0, "leader_epoch": 0},
                    {"partition": 9, "current_leader_epoch": -1, "leader_epoch": 0}]}]})
            parts = {p["partition"]: p for p in body["topics"][0]["partitions"]}
            assert parts[1]["error_code"] == 0 and parts[1]["end_offset"] == 1, (version, parts)
            assert parts[0]["error_code"] == 0 and parts[0]["end_offset"] == 0, parts
            if version >= 1:
                assert parts[1]["leader_epoch"] == 0, parts
            assert parts[9]["error_code"] == kwire.UNKNOWN_TOPIC_OR_PARTITION, parts


def main():
    b = Broker(auto_create=True)
    # Advertise a name, not the listener's address: clients must use what Metadata says.
    advertised = f"localhost:{b.kafka_port}"
    b.extra_args += ["--node-id", str(NODE), "--advertise-kafka-addr", advertised]
    with b:
        with Conn(b.bootstrap) as c:
            body = c.request(kwire.API_INCREMENTAL_ALTER_CONFIGS, 0, {"resources": [
                {"resource_type": kwire.RESOURCE_BROKER, "resource_name": str(NODE),
                 "configs": [{"name": "num.partitions", "config_operation": 0, "value": "2"}]}],
                "validate_only": False})
            assert body["responses"][0]["error_code"] == 0, body
        for test, args in ((test_metadata, (b, advertised)), (test_auto_create, (b,)),
                           (test_create_topics, (b,)), (test_delete_topics_and_partitions, (b,)),
                           (test_describe_cluster_log_dirs_epochs, (b, advertised))):
            t = time.monotonic()
            test(*args)
            print(f"{test.__name__}: ok ({time.monotonic() - t:.2f}s)")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
