"""Health: a partition that cannot be served goes offline as Kafka's do, the rest keep serving,
and the Admin API's health overview says so; the disk alert puts the node in
high_disk_usage_nodes.

An offline partition (acknowledged data in it is corrupt) answers Metadata as Apache Kafka's
KRaftMetadataCache answers for a partition whose only replica's log directory failed: leader -1,
LEADER_NOT_AVAILABLE, the replica in offline_replicas; produce, fetch and ListOffsets get
KAFKA_STORAGE_ERROR. Corruption is found at open (a segment's framing is walked where no saved
index covers it) or by the first read of data below the recovery point (trusted at open); either
way it is logged once, not once per fetch."""
import json
import os
import shutil
import tempfile
import urllib.request

import kwire
from kwire import Conn
from kpk_harness import Broker, run_timed, wait_until

LEADER_NOT_AVAILABLE = 5


def partition_dir(b, topic, p=0):
    return os.path.join(b.data_dir, "topics", topic, str(p))


def segment_files(b, topic, suffix=".log"):
    d = partition_dir(b, topic)
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(suffix))


def fill(c, topic, n, partition=0):
    for i in range(n):
        kwire.produce(c, topic, partition, [(b"k%d" % i, b"%d:value" % i)])


def overview(b):
    with urllib.request.urlopen(f"http://{b.admin}/v1/cluster/health_overview", timeout=5) as r:
        assert r.status == 200 and r.headers["Content-Type"] == "application/json"
        return json.loads(r.read())


def metadata_partitions(c, topic):
    body = c.request(kwire.API_METADATA, 9, {"topics": [{"name": topic}],
                                             "allow_auto_topic_creation": False})
    (t,) = body["topics"]
    assert t["error_code"] == 0, t
    return {p["partition_index"]: p for p in t["partitions"]}


def fetch_error(c, topic, partition=0, offset=0):
    body = c.request(kwire.API_FETCH, 11, kwire.fetch_request([(topic, partition, offset)]))
    return kwire.fetch_partition(body, topic, partition)["error_code"]


def produce_error(c, topic, partition=0):
    r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request(
        topic, partition, kwire.build_batch([(b"k", b"refused?")])))
    return r["responses"][0]["partition_responses"][0]["error_code"]


def list_offsets_error(c, topic, partition=0):
    body = c.request(kwire.API_LIST_OFFSETS, 5, kwire.list_offsets_request(topic, partition, -1))
    return body["topics"][0]["partitions"][0]["error_code"]


def delete_records_error(c, topic, partition=0):
    body = c.request(kwire.API_DELETE_RECORDS, 1, {
        "topics": [{"name": topic, "partitions": [{"partition_index": partition, "offset": -1}]}],
        "timeout_ms": 5000})
    return body["topics"][0]["partitions"][0]["error_code"]


def corruption_lines(b, topic):
    return [line for line in b.log().splitlines() if "CORRUPTION" in line and topic in line]


def check_offline(c, topic, partition=0):
    p = metadata_partitions(c, topic)[partition]
    assert (p["leader_id"], p["error_code"]) == (-1, LEADER_NOT_AVAILABLE), p
    assert (p["replica_nodes"], p["isr_nodes"], p["offline_replicas"]) == ([0], [0], [0]), p
    assert produce_error(c, topic, partition) == kwire.KAFKA_STORAGE_ERROR
    assert fetch_error(c, topic, partition) == kwire.KAFKA_STORAGE_ERROR
    assert list_offsets_error(c, topic, partition) == kwire.KAFKA_STORAGE_ERROR
    assert delete_records_error(c, topic, partition) == kwire.KAFKA_STORAGE_ERROR


def client_view(b, topic):
    """(leader, error code) of each partition as librdkafka (confluent-kafka) sees them."""
    from confluent_kafka.admin import AdminClient
    md = AdminClient({"bootstrap.servers": b.bootstrap}).list_topics(topic, timeout=10)
    return {p.id: (p.leader, p.error.code() if p.error else 0)
            for p in md.topics[topic].partitions.values()}


def check_online(c, topic, partition=0):
    p = metadata_partitions(c, topic)[partition]
    assert (p["leader_id"], p["error_code"], p["offline_replicas"]) == (0, 0, []), p


def test_offline_partitions():
    with Broker() as b:
        with Conn(b.bootstrap) as c:
            kwire.create_topic(c, "at-open")
            kwire.create_topic(c, "at-read")
            kwire.create_topic(c, "mixed", partitions=2)
            kwire.create_topic(c, "no-dir")
            for t in ("at-open", "at-read", "no-dir"):
                fill(c, t, 10)
            fill(c, "mixed", 10, partition=0)
            fill(c, "mixed", 10, partition=1)
        healthy = overview(b)
        assert healthy["is_healthy"] and healthy["unhealthy_reasons"] == [], healthy
        assert b.stop() == 0
        # After a clean stop the saved index covers every batch, so opening reads no batch:
        # a broken header below the recovery point is found by the first read. Without the
        # index, opening walks the framing and finds it there.
        kwire.break_batch_header(segment_files(b, "at-read")[-1], 4)
        kwire.break_batch_header(segment_files(b, "at-open")[-1], 4)
        for index in segment_files(b, "at-open", ".index"):
            os.remove(index)
        mixed = os.path.join(b.data_dir, "topics", "mixed", "1")
        (mixed_log,) = [os.path.join(mixed, f) for f in os.listdir(mixed) if f.endswith(".log")]
        kwire.break_batch_header(mixed_log, 2)
        for f in os.listdir(mixed):
            if f.endswith(".index"):
                os.remove(os.path.join(mixed, f))
        # A partition directory that cannot be read (a file where it should be): the broker
        # still starts and serves the rest.
        shutil.rmtree(partition_dir(b, "no-dir"))
        with open(partition_dir(b, "no-dir"), "w") as f:
            f.write("not a directory")
        b.start()

        h = overview(b)
        assert h["is_healthy"] is False and h["unhealthy_reasons"] == ["leaderless_partitions"], h
        assert sorted(h["leaderless_partitions"]) == \
            ["kafka/at-open/0", "kafka/mixed/1", "kafka/no-dir/0"], h
        assert h["leaderless_count"] == 3 and h["under_replicated_partitions"] == [], h
        assert sum("cannot open partition no-dir-0" in line
                   for line in b.log().splitlines()) == 1, b.log()[-3000:]
        assert (h["all_nodes"], h["nodes_down"], h["controller_id"]) == ([0], [], 0), h
        assert len(corruption_lines(b, "at-open-0")) == 1, b.log()[-3000:]

        with Conn(b.bootstrap) as c:
            check_offline(c, "at-open")
            check_offline(c, "mixed", 1)
            assert client_view(b, "mixed") == {0: (0, 0), 1: (-1, LEADER_NOT_AVAILABLE)}
            check_offline(c, "no-dir")
            # The other partition of the same topic, and other topics, serve as before.
            check_online(c, "mixed", 0)
            assert kwire.produce(c, "mixed", 0, [(b"k", b"10:more")])["base_offset"] == 10
            assert len(kwire.fetch_all(c, "mixed", 0)) == 11

            # Not found until a read reaches it; then offline, and said once.
            check_online(c, "at-read")
            for _ in range(5):
                fetch_error(c, "at-read", offset=4)
            check_offline(c, "at-read")
            lines = corruption_lines(b, "at-read-0")
            assert len(lines) == 1 and "found by a read" in lines[0], lines

            h = overview(b)
            assert sorted(h["leaderless_partitions"]) == \
                ["kafka/at-open/0", "kafka/at-read/0", "kafka/mixed/1", "kafka/no-dir/0"], h

            # What an operator does with a partition whose data is lost: delete the topic.
            for t in ("at-open", "at-read", "mixed", "no-dir"):
                body = c.request(kwire.API_DELETE_TOPICS, 4, {"topic_names": [t],
                                                              "timeout_ms": 10000})
                assert body["responses"][0]["error_code"] == 0, body
        h = overview(b)
        assert h["is_healthy"] and h["leaderless_partitions"] == [] and \
            h["leaderless_count"] == 0, h
        assert b.stop() == 0, b.log()[-3000:]
        b.cleanup()


def write_config(path, **props):
    with open(path, "w") as f:
        f.write("redpanda:\n")
        for k, v in props.items():
            f.write(f"  {k}: {v}\n")


def test_disk_alert():
    with tempfile.TemporaryDirectory(prefix="kpk-health-") as tmp:
        config = os.path.join(tmp, "redpanda.yaml")
        # More bytes than any disk has: free space is under the threshold.
        write_config(config, storage_space_alert_free_threshold_bytes=1 << 60)
        b = Broker(config_file=config)
        try:
            b.start()
            h = overview(b)
            assert h["is_healthy"] is False, h
            assert (h["unhealthy_reasons"], h["high_disk_usage_nodes"]) == \
                (["high_disk_usage_nodes"], [0]), h
            assert b.stop() == 0
            # The percent alone, at Redpanda's bound of 50: unhealthy only if this disk is
            # more than half full, which statvfs tells.
            st = os.statvfs(b.data_dir)
            over_half = st.f_bfree * st.f_frsize <= st.f_blocks * st.f_frsize * 0.5
            write_config(config, storage_space_alert_free_threshold_percent=50)
            b.start()
            h = overview(b)
            assert h["high_disk_usage_nodes"] == ([0] if over_half else []), (h, st)
            assert b.stop() == 0
            write_config(config, storage_space_alert_free_threshold_percent=0,
                         storage_space_alert_free_threshold_bytes=0)
            b.start()
            h = overview(b)
            assert h["is_healthy"] and h["high_disk_usage_nodes"] == [], h
            assert b.stop() == 0
            # Out of Redpanda's bounds: refused at startup, naming the property.
            write_config(config, storage_space_alert_free_threshold_percent=51)
            try:
                b.start(timeout=5)
                raise AssertionError("a percent over 50 was accepted")
            except RuntimeError as e:
                assert "storage_space_alert_free_threshold_percent" in str(e), e
        finally:
            b.cleanup()


if __name__ == "__main__":
    run_timed([test_offline_partitions, test_disk_alert])
