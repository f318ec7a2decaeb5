"""The Admin API's broker, cluster, partition, feature and logger routes in Redpanda's shapes
(checked against its swagger models), with real values: statvfs of the data dir, the core
count, the build's version, a cluster UUID kept across restarts, the broker's topics. Bad ids
get 400, unknown ones 404, and a log level set through the API shows debug lines in the broker
log until it expires. Malformed requests get 4xx JSON errors and leave the Kafka listener
serving."""
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request

from admin_models import check_model, self_test
from kpk_harness import Broker, kcat, kpk, wait_until

BROKER_FIELDS = ["node_id", "num_cores", "internal_rpc_address", "internal_rpc_port",
                 "membership_status", "is_alive", "version", "maintenance_status", "disk_space"]
PARTITION_FIELDS = ["ns", "topic", "partition_id", "status", "leader_id", "raft_group_id",
                    "replicas"]


def call(b, path, method="GET", body=None):
    """(status, parsed JSON body) of one request."""
    req = urllib.request.Request(f"http://{b.admin}{path}", method=method, data=body)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read().decode())
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        assert e.headers.get("Content-Type", "").startswith("application/json"), text
        return e.code, json.loads(text)


def expect_error(b, path, status, method="GET", body=None):
    got, doc = call(b, path, method, body)
    assert got == status, (path, got, doc)
    assert doc.get("code") == status and isinstance(doc.get("message"), str), doc
    return doc


def check_brokers(b):
    status, brokers = call(b, "/v1/brokers")
    assert status == 200 and len(brokers) == 1, brokers
    broker = brokers[0]
    check_model(broker, "broker", BROKER_FIELDS)
    check_model(broker["maintenance_status"], "maintenance_status",
                ["draining", "finished", "errors"])
    assert broker["node_id"] == 0 and broker["is_alive"] is True, broker
    assert broker["membership_status"] == "active", broker
    assert broker["num_cores"] == os.cpu_count(), (broker["num_cores"], os.cpu_count())
    version = kpk("version").stdout.split()[1]
    assert broker["version"].startswith(f"v{version} - "), (broker["version"], version)
    disk = broker["disk_space"][0]
    st = os.statvfs(b.data_dir)
    assert disk["path"] == b.data_dir and disk["total"] == st.f_blocks * st.f_frsize, disk
    # Free space moves with other writers; within 1 GiB of what statvfs says now.
    assert abs(disk["free"] - st.f_bfree * st.f_frsize) < 1 << 30, disk
    status, one = call(b, "/v1/brokers/0")
    # Free space may move between the two requests; the rest is the same broker.
    assert status == 200 and {**one, "disk_space": None} == {**broker, "disk_space": None}, one
    expect_error(b, "/v1/brokers/7", 404)
    expect_error(b, "/v1/brokers/abc", 400)
    expect_error(b, "/v1/brokers/1x", 400)


def check_uuid_and_features(b):
    status, doc = call(b, "/v1/cluster/uuid")
    assert status == 200, doc
    check_model(doc, "uuid", ["cluster_uuid"])
    uuid = doc["cluster_uuid"]
    assert len(uuid) == 36 and uuid.count("-") == 4, uuid
    with open(os.path.join(b.data_dir, "cluster_uuid")) as f:
        assert f.read().strip() == uuid
    status, features = call(b, "/v1/features")
    assert status == 200
    check_model(features, "features_response", ["cluster_version", "features"])
    names = {f["name"]: f for f in features["features"]}
    assert names["delete_records"]["state"] == "active", names
    status, nc = call(b, "/v1/node_config")
    assert status == 200 and nc["node_id"] == 0 and nc["data_directory"] == b.data_dir, nc
    assert nc["kafka_api"][0]["port"] == b.kafka_port, nc
    assert nc["admin"][0]["port"] == b.admin_port, nc
    return uuid


def check_partitions(b):
    kpk("topic", "create", "alpha", "-p", "3", "-X", f"brokers={b.bootstrap}")
    kpk("topic", "create", "beta", "-X", f"brokers={b.bootstrap}")
    status, all_parts = call(b, "/v1/cluster/partitions")
    assert status == 200, all_parts
    got = [(p["topic"], p["partition_id"]) for p in all_parts]
    assert got == [("alpha", 0), ("alpha", 1), ("alpha", 2), ("beta", 0)], got
    for p in all_parts:
        check_model(p, "cluster_partition", ["ns", "topic", "partition_id", "leader_id",
                                             "replicas", "disabled"])
        assert p["ns"] == "kafka" and p["leader_id"] == 0 and p["disabled"] is False, p
        assert p["replicas"] == [{"node_id": 0, "core": 0}], p
    assert call(b, "/v1/cluster/partitions?disabled=true") == (200, [])
    status, alpha = call(b, "/v1/cluster/partitions/kafka/alpha")
    assert status == 200 and alpha == all_parts[:3], alpha
    status, parts = call(b, "/v1/partitions/kafka/alpha")
    assert status == 200 and [p["partition_id"] for p in parts] == [0, 1, 2], parts
    for p in parts:
        check_model(p, "partition", PARTITION_FIELDS)
        check_model(p["replicas"][0], "assignment", ["node_id", "core"])
    assert len({p["raft_group_id"] for p in parts}) == 3, parts
    status, one = call(b, "/v1/partitions/kafka/alpha/2")
    assert status == 200 and one == parts[2], one
    expect_error(b, "/v1/partitions/kafka/alpha/3", 404)
    expect_error(b, "/v1/partitions/kafka/alpha/x", 400)
    expect_error(b, "/v1/partitions/kafka/nosuch", 404)
    expect_error(b, "/v1/partitions/redpanda/alpha", 404)
    expect_error(b, "/v1/cluster/partitions/kafka/nosuch", 404)


def admin_lines(b):
    return [line for line in b.log().splitlines() if "DEBUG admin API: GET /v1/features" in line]


def check_loggers(b):
    status, names = call(b, "/v1/loggers")
    assert status == 200 and all(set(n) == {"name"} for n in names), names
    status, loggers = call(b, "/v1/loggers?include-levels=true")
    levels = {lg["name"]: lg["level"] for lg in loggers}
    for name in ("kafka", "storage", "admin_api_server", "group", "tx", "main"):
        assert levels.get(name) == "info", levels
    call(b, "/v1/features")
    assert admin_lines(b) == [], "debug lines before any change"
    status, doc = call(b, "/v1/config/log_level/admin_api_server?level=debug&expires=2", "PUT")
    assert status == 200, doc
    check_model(doc, "set_log_level_response")
    assert doc == {"name": "admin_api_server", "previous_level": "info", "new_level": "debug",
                   "expiration": 2}, doc
    status, doc = call(b, "/v1/config/log_level/admin_api_server")
    check_model(doc, "get_log_level_response")
    assert doc["level"] == "debug" and 1 <= doc["expiration"] <= 2, doc
    call(b, "/v1/features")
    wait_until(lambda: len(admin_lines(b)) == 1, 5, what="a debug line after setting debug")
    # Other loggers keep their level: a Kafka connection logs no debug line.
    kcat(b.bootstrap, "-L")
    assert "accepted a Kafka connection" not in b.log()
    time.sleep(2.2)
    status, doc = call(b, "/v1/config/log_level/admin_api_server")
    assert doc == {"name": "admin_api_server", "level": "info", "expiration": 0}, doc
    for _ in range(3):
        call(b, "/v1/features")
    time.sleep(0.3)
    assert len(admin_lines(b)) == 1, "debug lines after the expiry"
    # The kafka logger, for ever (expires=0), then back by hand.
    call(b, "/v1/config/log_level/kafka?level=trace&expires=0", "PUT")
    kcat(b.bootstrap, "-L")
    wait_until(lambda: "accepted a Kafka connection" in b.log(), 5, what="kafka debug line")
    assert call(b, "/v1/config/log_level/kafka")[1]["expiration"] == 0
    call(b, "/v1/config/log_level/kafka?level=info", "PUT")
    expect_error(b, "/v1/config/log_level/nosuch?level=debug", 400, "PUT")
    expect_error(b, "/v1/config/log_level/nosuch", 400)
    expect_error(b, "/v1/config/log_level/kafka?level=loud", 400, "PUT")
    expect_error(b, "/v1/config/log_level/kafka", 400, "PUT")
    expect_error(b, "/v1/config/log_level/kafka?level=debug&expires=-1", 400, "PUT")


def check_bad_requests_leave_kafka_serving(b):
    expect_error(b, "/v1/no/such/route", 404)
    expect_error(b, "/v1/brokers", 405, "POST", b"{")
    expect_error(b, "/v1/config/log_level/kafka", 405, "DELETE")
    host, port = b.admin.split(":")
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(b"PUT /v1/config/log_level/kafka?level=debug HTTP/1.1\r\nContent-Length: 9\r\n"
                  b"\r\n{not json")
        head = s.recv(4096).decode()
        # The route takes its arguments from the query; the body is ignored, not parsed.
        assert head.startswith("HTTP/1.1 200"), head
    call(b, "/v1/config/log_level/kafka?level=info", "PUT")
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(b"GARBAGE\r\n\r\n")
        head = s.recv(4096).decode()
        assert head.startswith("HTTP/1.1 400") and '"code":400' in head, head
    out = kcat(b.bootstrap, "-P", "-t", "beta", input="after-bad-requests\n")
    assert out.returncode == 0
    got = kcat(b.bootstrap, "-C", "-t", "beta", "-o", "beginning", "-c", "1", "-e", "-q")
    assert got.stdout.strip() == "after-bad-requests", got.stdout


def main():
    self_test()
    with Broker() as b:
        check_brokers(b)
        uuid = check_uuid_and_features(b)
        check_partitions(b)
        check_loggers(b)
        check_bad_requests_leave_kafka_serving(b)
        b.restart()
        assert call(b, "/v1/cluster/uuid") == (200, {"cluster_uuid": uuid})
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
