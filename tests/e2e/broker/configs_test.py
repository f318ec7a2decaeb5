"""DescribeConfigs, AlterConfigs and IncrementalAlterConfigs for topics and the broker over their
advertised versions: defaults and sources, replace-all vs incremental semantics (SET, DELETE,
APPEND, SUBTRACT), validate_only, INVALID_CONFIG for bad values and read-only or unknown names,
effects (max.message.bytes, broker defaults for topics without overrides), and persistence
across a restart. Real clients: confluent-kafka's and kafka-python's admin APIs."""
import sys
import time

import kwire
from kwire import Conn
from kpk_harness import Broker

SET, DELETE, APPEND, SUBTRACT = 0, 1, 2, 3


def describe(c, rtype, name, keys=None, version=4):
    body = c.request(kwire.API_DESCRIBE_CONFIGS, version, {
        "resources": [{"resource_type": rtype, "resource_name": name,
                       "configuration_keys": keys}],
        "include_synonyms": True, "include_documentation": True})
    result = body["results"][0]
    return result, {e["name"]: e for e in result["configs"]}


def topic_values(c, name):
    result, entries = describe(c, kwire.RESOURCE_TOPIC, name)
    assert result["error_code"] == 0, result
    return {k: e["value"] for k, e in entries.items()}


def alter(c, rtype, name, configs, version=1, validate_only=False):
    body = c.request(kwire.API_ALTER_CONFIGS, version, {
        "resources": [{"resource_type": rtype, "resource_name": name,
                       "configs": [{"name": k, "value": v} for k, v in configs.items()]}],
        "validate_only": validate_only})
    return body["responses"][0]


def incremental(c, rtype, name, ops, version=0, validate_only=False):
    body = c.request(kwire.API_INCREMENTAL_ALTER_CONFIGS, version, {
        "resources": [{"resource_type": rtype, "resource_name": name,
                       "configs": [{"name": k, "config_operation": op, "value": v}
                                   for k, op, v in ops]}],
        "validate_only": validate_only})
    return body["responses"][0]


def test_describe(c):
    kwire.create_topic(c, "cfg", configs={"retention.ms": "3600000"})
    for version in range(0, 5):
        result, entries = describe(c, kwire.RESOURCE_TOPIC, "cfg", version=version)
        assert result["error_code"] == 0, (version, result)
        for key in ("retention.ms", "retention.bytes", "segment.bytes", "cleanup.policy",
                    "max.message.bytes", "message.timestamp.type", "segment.ms"):
            assert key in entries, (version, key, sorted(entries))
        assert entries["retention.ms"]["value"] == "3600000", entries["retention.ms"]
        assert entries["cleanup.policy"]["value"] == "delete"
        assert entries["message.timestamp.type"]["value"] == "CreateTime"
        if version == 0:
            assert not entries["retention.ms"]["is_default"]
            assert entries["segment.bytes"]["is_default"]
        else:
            assert entries["retention.ms"]["config_source"] == 1  # DYNAMIC_TOPIC_CONFIG
            assert entries["segment.bytes"]["config_source"] == 5  # DEFAULT_CONFIG
        if version >= 3:
            assert entries["retention.ms"]["config_type"] == 5  # LONG
    # Only the keys asked for.
    result, entries = describe(c, kwire.RESOURCE_TOPIC, "cfg", keys=["retention.ms"])
    assert list(entries) == ["retention.ms"], entries
    # Missing topic.
    result, _ = describe(c, kwire.RESOURCE_TOPIC, "no-such-topic")
    assert result["error_code"] == kwire.UNKNOWN_TOPIC_OR_PARTITION, result
    # The broker by id: all its configs.
    result, entries = describe(c, kwire.RESOURCE_BROKER, "0")
    assert result["error_code"] == 0, result
    for key in ("log.retention.ms", "log.segment.bytes", "auto.create.topics.enable",
                "num.partitions", "message.max.bytes", "broker.id", "advertised.listeners"):
        assert key in entries, (key, sorted(entries))
    assert entries["broker.id"]["read_only"]
    assert entries["advertised.listeners"]["value"].endswith(c.sock.getpeername()[0] + ":" +
                                                             str(c.sock.getpeername()[1]))
    # The empty name is the cluster-wide default resource: as in Kafka, only what was set there
    # at run time (nothing yet).
    result, entries = describe(c, kwire.RESOURCE_BROKER, "")
    assert result["error_code"] == 0 and entries == {}, result


def test_alter_replaces_all(c):
    kwire.create_topic(c, "alt")
    for version in (0, 1, 2):
        r = alter(c, kwire.RESOURCE_TOPIC, "alt",
                  {"retention.ms": "1234567", "cleanup.policy": "compact"}, version=version)
        assert r["error_code"] == 0, (version, r)
        v = topic_values(c, "alt")
        assert (v["retention.ms"], v["cleanup.policy"]) == ("1234567", "compact"), v
        # AlterConfigs replaces every override: what is not named goes back to its default.
        r = alter(c, kwire.RESOURCE_TOPIC, "alt", {"segment.bytes": "1048576"}, version=version)
        assert r["error_code"] == 0, r
        v = topic_values(c, "alt")
        assert v["segment.bytes"] == "1048576" and v["cleanup.policy"] == "delete", v
        assert v["retention.ms"] == "604800000", v
        alter(c, kwire.RESOURCE_TOPIC, "alt", {})
    # validate_only changes nothing.
    r = alter(c, kwire.RESOURCE_TOPIC, "alt", {"retention.ms": "5"}, validate_only=True)
    assert r["error_code"] == 0, r
    assert topic_values(c, "alt")["retention.ms"] == "604800000"


def test_incremental(c):
    kwire.create_topic(c, "inc")
    for version in (0, 1):
        assert incremental(c, kwire.RESOURCE_TOPIC, "inc",
                           [("retention.ms", SET, "7777"), ("retention.bytes", SET, "99999")],
                           version=version)["error_code"] == 0
        v = topic_values(c, "inc")
        assert (v["retention.ms"], v["retention.bytes"]) == ("7777", "99999"), v
        # Incremental: other overrides stay.
        assert incremental(c, kwire.RESOURCE_TOPIC, "inc", [("retention.ms", DELETE, None)],
                           version=version)["error_code"] == 0
        v = topic_values(c, "inc")
        assert (v["retention.ms"], v["retention.bytes"]) == ("604800000", "99999"), v
        # Lists: APPEND adds missing items, SUBTRACT removes.
        assert incremental(c, kwire.RESOURCE_TOPIC, "inc", [("cleanup.policy", APPEND, "compact")],
                           version=version)["error_code"] == 0
        assert topic_values(c, "inc")["cleanup.policy"] == "delete,compact"
        assert incremental(c, kwire.RESOURCE_TOPIC, "inc", [("cleanup.policy", SUBTRACT, "delete")],
                           version=version)["error_code"] == 0
        assert topic_values(c, "inc")["cleanup.policy"] == "compact"
        incremental(c, kwire.RESOURCE_TOPIC, "inc",
                    [("cleanup.policy", DELETE, None), ("retention.bytes", DELETE, None)])
    r = incremental(c, kwire.RESOURCE_TOPIC, "inc", [("retention.ms", SET, "1")],
                    validate_only=True)
    assert r["error_code"] == 0 and topic_values(c, "inc")["retention.ms"] == "604800000", r
    # APPEND to a non-list.
    r = incremental(c, kwire.RESOURCE_TOPIC, "inc", [("retention.ms", APPEND, "1")])
    assert r["error_code"] == kwire.INVALID_CONFIG, r


def test_invalid_values(c):
    kwire.create_topic(c, "bad")
    bad = [("retention.ms", "abc"), ("retention.ms", "-2"), ("segment.bytes", "1"),
           ("segment.bytes", "99999999999"), ("cleanup.policy", "bogus"),
           ("cleanup.policy", "delete,bogus"), ("message.timestamp.type", "Whenever"),
           ("max.message.bytes", "-1"), ("no.such.config", "1"), ("retention.bytes", "")]
    for name, value in bad:
        for r in (alter(c, kwire.RESOURCE_TOPIC, "bad", {name: value}),
                  incremental(c, kwire.RESOURCE_TOPIC, "bad", [(name, SET, value)])):
            assert r["error_code"] == kwire.INVALID_CONFIG, (name, value, r)
            assert r["error_message"], (name, value, r)
        created = kwire.create_topic(c, "bad-create", configs={name: value})
        assert created["error_code"] == kwire.INVALID_CONFIG, (name, value, created)
    # Nothing was half-applied, and the failed creations left no topic.
    v = topic_values(c, "bad")
    assert v["retention.ms"] == "604800000" and v["cleanup.policy"] == "delete", v
    result, _ = describe(c, kwire.RESOURCE_TOPIC, "bad-create")
    assert result["error_code"] == kwire.UNKNOWN_TOPIC_OR_PARTITION
    # A batch of changes with one bad value applies none of them.
    r = incremental(c, kwire.RESOURCE_TOPIC, "bad",
                    [("retention.ms", SET, "1000"), ("segment.bytes", SET, "x")])
    assert r["error_code"] == kwire.INVALID_CONFIG
    assert topic_values(c, "bad")["retention.ms"] == "604800000"
    # Unknown topic.
    r = incremental(c, kwire.RESOURCE_TOPIC, "ghost", [("retention.ms", SET, "1")])
    assert r["error_code"] == kwire.UNKNOWN_TOPIC_OR_PARTITION, r
    # Broker: read-only, unknown and malformed.
    for name, value in (("broker.id", "7"), ("log.dirs", "/tmp"), ("no.such.thing", "1"),
                        ("log.retention.ms", "soon"), ("num.partitions", "0")):
        r = incremental(c, kwire.RESOURCE_BROKER, "0", [(name, SET, value)])
        assert r["error_code"] == kwire.INVALID_CONFIG, (name, r)
    # Another broker's id.
    r = incremental(c, kwire.RESOURCE_BROKER, "5", [("log.retention.ms", SET, "1000")])
    assert r["error_code"] != 0, r


def test_effects(c):
    kwire.create_topic(c, "limits")
    big = kwire.build_batch([(b"k", b"x" * 3000)])
    assert incremental(c, kwire.RESOURCE_TOPIC, "limits",
                       [("max.message.bytes", SET, "2000")])["error_code"] == 0
    r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request("limits", 0, big))
    assert r["responses"][0]["partition_responses"][0]["error_code"] == kwire.MESSAGE_TOO_LARGE
    assert incremental(c, kwire.RESOURCE_TOPIC, "limits",
                       [("max.message.bytes", DELETE, None)])["error_code"] == 0
    r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request("limits", 0, big))
    assert r["responses"][0]["partition_responses"][0]["error_code"] == 0, r
    # Broker-level message.max.bytes is the default for topics without an override.
    assert incremental(c, kwire.RESOURCE_BROKER, "0",
                       [("message.max.bytes", SET, "2000")])["error_code"] == 0
    assert topic_values(c, "limits")["max.message.bytes"] == "2000"
    r = c.request(kwire.API_PRODUCE, 7, kwire.produce_request("limits", 0, big))
    assert r["responses"][0]["partition_responses"][0]["error_code"] == kwire.MESSAGE_TOO_LARGE
    assert incremental(c, kwire.RESOURCE_BROKER, "0",
                       [("message.max.bytes", DELETE, None)])["error_code"] == 0
    # num.partitions is the default for new topics.
    assert incremental(c, kwire.RESOURCE_BROKER, "0",
                       [("num.partitions", SET, "3"), ("log.retention.ms", SET, "86400000")]
                       )["error_code"] == 0
    created = kwire.create_topic(c, "defaulted", partitions=-1, replication_factor=-1,
                                 version=5)
    assert created["error_code"] == 0 and created["num_partitions"] == 3, created
    assert topic_values(c, "defaulted")["retention.ms"] == "86400000"


def test_persisted(b):
    b.restart()
    with Conn(b.bootstrap) as c:
        v = topic_values(c, "cfg")
        assert v["retention.ms"] == "3600000", v
        # No override: the broker default set before the restart.
        v = topic_values(c, "inc")
        assert v["retention.ms"] == "86400000", v
        _, entries = describe(c, kwire.RESOURCE_BROKER, "0")
        assert entries["num.partitions"]["value"] == "3", entries["num.partitions"]
        assert entries["log.retention.ms"]["value"] == "86400000"
        assert entries["num.partitions"]["config_source"] != 4  # not STATIC_BROKER_CONFIG
        assert topic_values(c, "defaulted")["retention.ms"] == "86400000"
        # Resetting a broker config brings back the static value.
        assert incremental(c, kwire.RESOURCE_BROKER, "0",
                           [("num.partitions", DELETE, None)])["error_code"] == 0
        _, entries = describe(c, kwire.RESOURCE_BROKER, "0")
        assert entries["num.partitions"]["value"] == "1"


def test_real_clients(b):
    from confluent_kafka.admin import AdminClient, ConfigResource
    admin = AdminClient({"bootstrap.servers": b.bootstrap})
    res = ConfigResource(ConfigResource.Type.TOPIC, "cfg")
    configs = admin.describe_configs([res])[res].result(timeout=10)
    assert configs["retention.ms"].value == "3600000", configs["retention.ms"]
    res = ConfigResource(ConfigResource.Type.TOPIC, "cfg", set_config={"retention.ms": "42000"})
    admin.alter_configs([res])[res].result(timeout=10)
    res = ConfigResource(ConfigResource.Type.BROKER, "0")
    configs = admin.describe_configs([res])[res].result(timeout=10)
    assert "log.retention.ms" in configs, sorted(configs)

    from kafka.admin import KafkaAdminClient, ConfigResource as KPConfigResource, \
        ConfigResourceType
    kp = KafkaAdminClient(bootstrap_servers=b.bootstrap, request_timeout_ms=10000)
    try:
        resp = kp.describe_configs([KPConfigResource(ConfigResourceType.TOPIC, "cfg")])
        entries = {e[0]: e[1] for e in resp[0].resources[0][4]}
        assert entries["retention.ms"] == "42000", entries
        kp.alter_configs([KPConfigResource(ConfigResourceType.TOPIC, "cfg",
                                           configs={"retention.ms": "43000"})])
        with Conn(b.bootstrap) as c:
            assert topic_values(c, "cfg")["retention.ms"] == "43000"
    finally:
        kp.close()


def test_broker_levels(b):
    """Kafka's two levels of dynamic broker configs: this broker's (resource "0") over the
    cluster-wide default (resource ""), each described and deleted on its own, both persisted;
    synonyms list every level, and a topic inheriting a run-time value says so."""
    with Conn(b.bootstrap) as c:
        kwire.create_topic(c, "levels")
        assert incremental(c, kwire.RESOURCE_BROKER, "",
                           [("log.cleaner.backoff.ms", SET, "20000"),
                            ("log.segment.bytes", SET, "2000000")])["error_code"] == 0
        assert incremental(c, kwire.RESOURCE_BROKER, "0",
                           [("log.cleaner.backoff.ms", SET, "30000")])["error_code"] == 0
    b.restart()
    with Conn(b.bootstrap) as c:
        _, defaults = describe(c, kwire.RESOURCE_BROKER, "")
        assert sorted(defaults) == ["log.cleaner.backoff.ms", "log.segment.bytes"], defaults
        e = defaults["log.cleaner.backoff.ms"]
        assert (e["value"], e["config_source"]) == ("20000", 3), e
        _, entries = describe(c, kwire.RESOURCE_BROKER, "0")
        e = entries["log.cleaner.backoff.ms"]
        assert (e["value"], e["config_source"]) == ("30000", 2), e
        assert [(s["value"], s["source"]) for s in e["synonyms"]][:2] == [("30000", 2),
                                                                         ("20000", 3)], e
        e = entries["log.segment.bytes"]
        assert (e["value"], e["config_source"]) == ("2000000", 3), e
        # The topic has no segment.bytes of its own: the broker's default level gives it.
        _, entries = describe(c, kwire.RESOURCE_TOPIC, "levels")
        e = entries["segment.bytes"]
        assert (e["value"], e["config_source"]) == ("2000000", 3), e
        assert [(s["name"], s["value"], s["source"]) for s in e["synonyms"]] == [
            ("log.segment.bytes", "2000000", 3), ("log.segment.bytes", "134217728", 5)], e
        assert [(s["name"], s["source"]) for s in entries["cleanup.policy"]["synonyms"]] == [
            ("log.cleanup.policy", 5)], entries["cleanup.policy"]
        # log.retention.ms (set on this broker by test_effects) has no static synonym: Kafka's
        # default lives in log.retention.hours.
        assert [(s["name"], s["source"]) for s in entries["retention.ms"]["synonyms"]] == [
            ("log.retention.ms", 2)], entries["retention.ms"]
        # Deleting this broker's value uncovers the default; deleting at the default level
        # leaves this broker's own alone.
        assert incremental(c, kwire.RESOURCE_BROKER, "0",
                           [("log.cleaner.backoff.ms", DELETE, None)])["error_code"] == 0
        _, entries = describe(c, kwire.RESOURCE_BROKER, "0")
        e = entries["log.cleaner.backoff.ms"]
        assert (e["value"], e["config_source"]) == ("20000", 3), e
        assert incremental(c, kwire.RESOURCE_BROKER, "0",
                           [("log.segment.bytes", SET, "3000000")])["error_code"] == 0
        assert alter(c, kwire.RESOURCE_BROKER, "", {})["error_code"] == 0
        _, defaults = describe(c, kwire.RESOURCE_BROKER, "")
        assert defaults == {}, defaults
        _, entries = describe(c, kwire.RESOURCE_BROKER, "0")
        assert entries["log.segment.bytes"]["value"] == "3000000", entries["log.segment.bytes"]
        assert entries["log.cleaner.backoff.ms"]["config_source"] == 4
        assert topic_values(c, "levels")["segment.bytes"] == "3000000"


def main():
    with Broker() as b:
        with Conn(b.bootstrap) as c:
            for test in (test_describe, test_alter_replaces_all, test_incremental,
                         test_invalid_values, test_effects):
                t = time.monotonic()
                test(c)
                print(f"{test.__name__}: ok ({time.monotonic() - t:.2f}s)")
        for test in (test_persisted, test_real_clients, test_broker_levels):
            t = time.monotonic()
            test(b)
            print(f"{test.__name__}: ok ({time.monotonic() - t:.2f}s)")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
