"""The Admin API's cluster configuration against `kpk broker run`.

Shapes: GET /v1/cluster_config (include_defaults, key), /schema, /status and PUT's result as
Redpanda's swagger (cluster_config.json) describes them. Validation: a PUT with an unknown key
or a bad value is a 400 whose body is Redpanda's map of property to error, and nothing of it is
applied (config_version and the good key of the same request unchanged); dry_run validates only.
Behaviour: auto_create_topics_enabled, default_topic_partitions, default_topic_replications,
kafka_batch_max_bytes, log_segment_size and group_initial_rebalance_delay change what the broker
does. One store with Kafka's
dynamic broker configs: a value set here is DescribeConfigs' DYNAMIC_DEFAULT_BROKER_CONFIG, and
AlterConfigs on BROKER "" shows here with a new config_version. Restart: values and
config_version survive, entries that no longer load are listed in /status; retention_check_interval_ms needs a restart (status says so until then)
and only takes effect after it."""
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request

import kwire
from kwire import Conn
from kpk_harness import Broker, run_timed, wait_until

# From Redpanda's swagger (admin/api-doc/cluster_config.json): the models' fields and types.
STATUS_FIELDS = {"node_id": int, "restart": bool, "config_version": int, "invalid": list,
                 "unknown": list}
SCHEMA_REQUIRED = {"type": str, "description": str, "nullable": bool, "needs_restart": bool,
                   "visibility": str, "is_secret": bool, "aliases": list}
SCHEMA_OPTIONAL = {"units": str, "example": str, "enum_values": list, "items": dict}
SCHEMA_TYPES = {"integer", "boolean", "string", "number", "array"}
PY_TYPES = {"integer": int, "boolean": bool, "string": str, "number": (int, float)}
CHECK_MS = 200


def http(b, method, path, body=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(f"http://{b.admin}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def get_ok(b, path):
    status, body = http(b, "GET", path)
    assert status == 200, (path, status, body)
    return body


def config(b, **query):
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return get_ok(b, "/v1/cluster_config" + (f"?{q}" if q else ""))


def version(b):
    return get_ok(b, "/v1/cluster_config/status")[0]["config_version"]


def put(b, upsert=None, remove=None, query=""):
    return http(b, "PUT", "/v1/cluster_config" + query,
                {"upsert": upsert or {}, "remove": remove or []})


def put_ok(b, upsert=None, remove=None):
    status, body = put(b, upsert, remove)
    assert status == 200 and set(body) == {"config_version"}, (status, body)
    assert isinstance(body["config_version"], int)
    return body["config_version"]


def is_type(value, type_name, nullable):
    if value is None:
        return nullable
    if type_name == "integer" and isinstance(value, bool):
        return False
    return isinstance(value, PY_TYPES[type_name])


def test_shapes(b, c):
    schema = get_ok(b, "/v1/cluster_config/schema")
    assert set(schema) == {"properties"}, schema.keys()
    props = schema["properties"]
    assert len(props) >= 15, sorted(props)
    for name, meta in props.items():
        for field, t in SCHEMA_REQUIRED.items():
            assert isinstance(meta.get(field), t), (name, field, meta)
        for field, t in SCHEMA_OPTIONAL.items():
            assert field not in meta or isinstance(meta[field], t), (name, field, meta)
        assert meta["type"] in SCHEMA_TYPES, (name, meta)
        assert meta["visibility"] in ("user", "tunable", "deprecated"), (name, meta)
        assert meta["description"], name
        assert "default" in meta and is_type(meta["default"], meta["type"], meta["nullable"]), meta
        assert set(meta) <= set(SCHEMA_REQUIRED) | set(SCHEMA_OPTIONAL) | {"default"}, meta
    # Truthful defaults, Redpanda's where Redpanda has the property.
    assert props["log_retention_ms"]["default"] == 7 * 24 * 3600 * 1000
    assert props["kafka_batch_max_bytes"]["default"] == 1 << 20
    assert props["auto_create_topics_enabled"]["default"] is False
    assert props["retention_bytes"]["nullable"] and props["retention_bytes"]["default"] is None
    assert props["retention_check_interval_ms"]["needs_restart"] is True
    assert not props["log_retention_ms"]["needs_restart"]
    assert props["log_message_timestamp_type"]["enum_values"] == ["CreateTime", "LogAppendTime"]

    # Every property, each of its schema type; include_defaults is Redpanda's default.
    values = config(b)
    assert values == config(b, include_defaults="true")
    assert set(values) == set(props), set(values) ^ set(props)
    for name, value in values.items():
        assert is_type(value, props[name]["type"], props[name]["nullable"]), (name, value)
    # Without defaults: only what differs from the default (the harness starts the broker with
    # a 0 ms initial rebalance delay, the test's config file sets the retention interval).
    changed = config(b, include_defaults="false")
    assert changed == {k: v for k, v in values.items() if v != props[k]["default"]}, changed
    assert changed == {"group_initial_rebalance_delay": 0,
                       "retention_check_interval_ms": CHECK_MS}, changed
    assert config(b, key="log_segment_size") == {"log_segment_size": values["log_segment_size"]}
    status, body = http(b, "GET", "/v1/cluster_config?key=no_such_property")
    assert status == 400 and body["code"] == 400 and "no_such_property" in body["message"], body

    status = get_ok(b, "/v1/cluster_config/status")
    assert isinstance(status, list) and len(status) == 1, status
    node = status[0]
    assert set(node) == set(STATUS_FIELDS), node
    for field, t in STATUS_FIELDS.items():
        assert isinstance(node[field], t), (field, node)
    assert node["node_id"] == 0 and node["restart"] is False
    assert node["invalid"] == [] and node["unknown"] == []


def test_validation(b, c):
    before, v0 = config(b), version(b)
    # An unknown key: a 400 naming it alone; the good key of the same request is not applied.
    status, body = put(b, {"no_such_property": 1, "log_retention_ms": 1234})
    assert status == 400 and body == {"no_such_property": "Unknown property"}, (status, body)
    # Bad values: wrong type, out of range, not one of the allowed.
    for bad in ({"default_topic_partitions": "many"}, {"log_segment_size": 1},
                {"log_message_timestamp_type": "rhubarb"}, {"auto_create_topics_enabled": 3},
                {"min_cleanable_dirty_ratio": 1.5}, {"default_topic_partitions": None}):
        status, body = put(b, {**bad, "log_retention_ms": 1234})
        assert status == 400 and set(body) == set(bad), (bad, status, body)
        assert all(isinstance(v, str) and v for v in body.values()), body
    status, body = put(b, remove=["no_such_property"])
    assert status == 400 and set(body) == {"no_such_property"}, body
    assert config(b) == before and version(b) == v0
    # dry_run validates only.
    status, body = put(b, {"log_message_timestamp_type": "rhubarb"}, query="?dry_run=true")
    assert status == 400 and set(body) == {"log_message_timestamp_type"}, body
    status, body = put(b, {"log_retention_ms": 1234}, query="?dry_run=true")
    assert status == 200 and body == {"config_version": v0}, body
    assert config(b) == before and version(b) == v0
    # Not a patch at all: Redpanda's {message, code}.
    status, body = http(b, "PUT", "/v1/cluster_config", raw=b"{not json")
    assert status == 400 and body["code"] == 400 and body["message"], body
    # Scalars as strings are taken (rpk sends them so); a change is a new version; the same
    # values again are not.
    v1 = put_ok(b, {"log_retention_ms": "-1", "auto_create_topics_enabled": "false"})
    assert v1 == v0 + 1 and config(b, key="log_retention_ms") == {"log_retention_ms": -1}
    assert put_ok(b, {"log_retention_ms": -1}) == v1
    assert put_ok(b, remove=["log_retention_ms"]) == v1 + 1
    assert config(b) == before


def test_behaviour(b, c):
    # auto_create_topics_enabled: a produce to a missing topic creates it.
    r = c.request(kwire.API_METADATA, 4, {"topics": [{"name": "auto-a"}],
                                          "allow_auto_topic_creation": True})
    assert r["topics"][0]["error_code"] == 3, r  # UNKNOWN_TOPIC_OR_PARTITION
    put_ok(b, {"auto_create_topics_enabled": True, "default_topic_partitions": 3})
    wait_until(lambda: c.request(kwire.API_METADATA, 4, {
        "topics": [{"name": "auto-a"}], "allow_auto_topic_creation": True})["topics"][0]
        ["error_code"] == 0, 5, what="auto-created topic")
    # default_topic_partitions: the auto-created topic and one created without a count.
    md = c.request(kwire.API_METADATA, 4, {"topics": [{"name": "auto-a"}],
                                           "allow_auto_topic_creation": False})
    assert len(md["topics"][0]["partitions"]) == 3, md
    assert kwire.create_topic(c, "counted", partitions=-1)["error_code"] == 0
    md = c.request(kwire.API_METADATA, 4, {"topics": [{"name": "counted"}],
                                           "allow_auto_topic_creation": False})
    assert len(md["topics"][0]["partitions"]) == 3, md
    put_ok(b, remove=["auto_create_topics_enabled", "default_topic_partitions"])
    r = c.request(kwire.API_METADATA, 4, {"topics": [{"name": "auto-b"}],
                                          "allow_auto_topic_creation": True})
    assert r["topics"][0]["error_code"] == 3, r
    # default_topic_replications: one broker cannot host 3 replicas.
    put_ok(b, {"default_topic_replications": 3})
    res = kwire.create_topic(c, "rf", partitions=1, replication_factor=-1)
    assert res["error_code"] == 38, res  # INVALID_REPLICATION_FACTOR
    put_ok(b, {"default_topic_replications": 1})
    assert kwire.create_topic(c, "rf", partitions=1, replication_factor=-1)["error_code"] == 0

    # kafka_batch_max_bytes: a batch above it is MESSAGE_TOO_LARGE.
    kwire.create_topic(c, "big")
    kwire.produce(c, "big", 0, [(b"k", b"x" * 4000)])
    put_ok(b, {"kafka_batch_max_bytes": 2000})
    body = c.request(kwire.API_PRODUCE, 7, kwire.produce_request(
        "big", 0, kwire.build_batch([(b"k", b"x" * 4000)])))
    assert body["responses"][0]["partition_responses"][0]["error_code"] == \
        kwire.MESSAGE_TOO_LARGE, body
    put_ok(b, remove=["kafka_batch_max_bytes"])
    kwire.produce(c, "big", 0, [(b"k", b"x" * 4000)])

    # log_segment_size: segments roll at the new size for topics without segment.bytes.
    put_ok(b, {"log_segment_size": 2000})
    kwire.create_topic(c, "rolling")
    for i in range(10):
        kwire.produce(c, "rolling", 0, [(b"k%d" % i, b"x" * 400)], acks=1)
    d = os.path.join(b.data_dir, "topics", "rolling", "0")
    logs = [f for f in os.listdir(d) if f.endswith(".log")]
    assert len(logs) >= 3, logs
    put_ok(b, remove=["log_segment_size"])


def seconds_to_assignment(b, group, topic):
    """Wall time until a new group's first consumer gets its assignment."""
    from confluent_kafka import Consumer
    assigned = []
    consumer = Consumer({"bootstrap.servers": b.bootstrap, "group.id": group,
                         "session.timeout.ms": 6000, "enable.auto.commit": False})
    try:
        started = time.monotonic()
        consumer.subscribe([topic], on_assign=lambda c, parts: assigned.append(
            time.monotonic() - started))
        for _ in range(200):
            consumer.poll(0.05)
            if assigned:
                return assigned[0]
        raise TimeoutError(f"{group} got no assignment in 10 s")
    finally:
        consumer.close()


def test_rebalance_delay(b, c):
    """group_initial_rebalance_delay: a new group's first rebalance waits for it."""
    kwire.create_topic(c, "grouped")
    quick = seconds_to_assignment(b, "g-quick", "grouped")  # the harness's 0 ms
    put_ok(b, {"group_initial_rebalance_delay": 2000})
    slow = seconds_to_assignment(b, "g-slow", "grouped")
    print(f"first assignment after {quick:.2f} s with 0 ms, {slow:.2f} s with 2000 ms")
    assert slow >= 2.0 and slow - quick >= 1.5, (quick, slow)


def describe_broker(c, name, keys):
    body = c.request(kwire.API_DESCRIBE_CONFIGS, 4, {"resources": [
        {"resource_type": kwire.RESOURCE_BROKER, "resource_name": name,
         "configuration_keys": keys}], "include_synonyms": False,
        "include_documentation": False})
    res = body["results"][0]
    assert res["error_code"] == 0, res
    return {e["name"]: (e["value"], e["config_source"]) for e in res["configs"]}


def test_kafka_view(b, c):
    """The Admin API's cluster config and Kafka's cluster-wide broker configs are one store."""
    v0 = version(b)
    put_ok(b, {"log_retention_ms": 4242000, "default_topic_replications": 3})
    assert describe_broker(c, "0", ["log.retention.ms"]) == {"log.retention.ms": ("4242000", 3)}
    assert describe_broker(c, "", ["log.retention.ms"]) == {"log.retention.ms": ("4242000", 3)}
    # Kafka's side: non-incremental AlterConfigs on the cluster default replaces its set.
    body = c.request(kwire.API_ALTER_CONFIGS, 1, {"resources": [
        {"resource_type": kwire.RESOURCE_BROKER, "resource_name": "",
         "configs": [{"name": "log.segment.bytes", "value": "3000000"}]}],
        "validate_only": False})
    assert body["responses"][0]["error_code"] == 0, body
    values = config(b)
    assert values["log_segment_size"] == 3000000
    assert values["log_retention_ms"] == 7 * 24 * 3600 * 1000  # replaced: back to the default
    # A property Kafka has no dynamic config for stays in the store.
    assert values["default_topic_replications"] == 3
    assert version(b) == v0 + 2
    body = c.request(kwire.API_INCREMENTAL_ALTER_CONFIGS, 0, {"resources": [
        {"resource_type": kwire.RESOURCE_BROKER, "resource_name": "",
         "configs": [{"name": "log.segment.bytes", "config_operation": 1, "value": None}]}],
        "validate_only": False})
    assert body["responses"][0]["error_code"] == 0, body
    assert version(b) == v0 + 3 and "log_segment_size" not in config(b, include_defaults="false")


def test_restart(b, c):
    put_ok(b, {"log_retention_ms": 60000, "log_segment_size": 2000})
    v = put_ok(b, {"retention_check_interval_ms": 3600000})
    node = get_ok(b, "/v1/cluster_config/status")[0]
    assert node["restart"] is True and node["config_version"] == v, node
    assert config(b, key="retention_check_interval_ms") == {"retention_check_interval_ms": 3600000}
    # Still the running interval (CHECK_MS) until the restart: old data goes. (The wait lets
    # the check scheduled before the change pass: later ones would be an hour away if the new
    # interval were in effect.)
    time.sleep(3 * CHECK_MS / 1000)
    old = int(time.time() * 1000) - 3600 * 1000
    kwire.create_topic(c, "before")
    for i in range(10):
        kwire.produce(c, "before", 0, [(b"k", b"x" * 400, None, old)], acks=1)
    wait_until(lambda: kwire.list_offset(c, "before", 0, -2)["offset"] > 0, 5,
               what="retention at the running interval")

    c.close()
    b.restart()
    c2 = Conn(b.bootstrap)
    try:
        node = get_ok(b, "/v1/cluster_config/status")[0]
        assert node["restart"] is False and node["config_version"] == v, node
        values = config(b)
        assert values["log_retention_ms"] == 60000 and values["log_segment_size"] == 2000
        assert values["retention_check_interval_ms"] == 3600000
        # Now the hour applies: old data stays for (far) longer than the old interval.
        kwire.create_topic(c2, "after")
        for i in range(10):
            kwire.produce(c2, "after", 0, [(b"k", b"x" * 400, None, old)], acks=1)
        time.sleep(10 * CHECK_MS / 1000)
        assert kwire.list_offset(c2, "after", 0, -2)["offset"] == 0
        # The Kafka view after the restart too.
        assert describe_broker(c2, "0", ["log.retention.ms"])["log.retention.ms"] == ("60000", 3)
    finally:
        c2.close()


def test_status_lists_what_did_not_load():
    """Persisted entries startup cannot apply are in /status: invalid (a bad value, by its
    property name) and unknown; config_version is the file's."""
    data_dir = tempfile.mkdtemp(prefix="kpk-e2e-")
    with open(os.path.join(data_dir, "broker_config.json"), "w") as f:
        json.dump({"config_version": 7, "log.retention.ms": "soon", "no.such.config": "1",
                   "log.segment.bytes": "2000"}, f)
    b = Broker(data_dir=data_dir)
    try:
        b.start()
        node = get_ok(b, "/v1/cluster_config/status")[0]
        assert node["invalid"] == ["log_retention_ms"] and node["unknown"] == ["no.such.config"]
        assert node["config_version"] == 7 and node["restart"] is False, node
        assert config(b, key="log_segment_size") == {"log_segment_size": 2000}
        assert put_ok(b, {"log_retention_ms": 1000}) == 8
    finally:
        b.__exit__(None, None, None)
        shutil.rmtree(data_dir, ignore_errors=True)
        if os.path.exists(b.log_path):
            os.remove(b.log_path)


def main():
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(f"redpanda:\n  retention_check_interval_ms: {CHECK_MS}\n")
    try:
        for test in (test_shapes, test_validation, test_behaviour, test_rebalance_delay,
                     test_kafka_view):
            with Broker(config_file=f.name) as b:
                c = Conn(b.bootstrap)
                try:
                    run_timed([test], b, c)
                finally:
                    c.close()
        with Broker(config_file=f.name) as b:
            c = Conn(b.bootstrap)
            run_timed([test_restart], b, c)
        run_timed([test_status_lists_what_did_not_load])
    finally:
        os.unlink(f.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
