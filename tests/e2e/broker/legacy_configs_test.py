"""Config names Kafka 3.9 still accepts although they do nothing, accepted the same way instead of
failing the whole request: a topic's message.format.version (validated as a Kafka version,
stored and shown, records still written in format v2) and the broker's SASL and Kerberos keys
through AlterConfigs and IncrementalAlterConfigs (type-checked, per broker only as in Kafka,
shown by DescribeConfigs, sasl.jaas.config as a sensitive null, persisted across a restart).
Unknown names are still INVALID_CONFIG. Real client: confluent-kafka's admin API."""
import sys
import time

import kwire
from kwire import Conn
from kpk_harness import Broker, run_timed

SET, DELETE = 0, 1
DYNAMIC_TOPIC, DYNAMIC_BROKER, DEFAULT = 1, 2, 5


def describe(c, rtype, name):
    body = c.request(kwire.API_DESCRIBE_CONFIGS, 4, {
        "resources": [{"resource_type": rtype, "resource_name": name,
                       "configuration_keys": None}],
        "include_synonyms": False, "include_documentation": False})
    result = body["results"][0]
    assert result["error_code"] == 0, result
    return {e["name"]: e for e in result["configs"]}


def incremental(c, rtype, name, ops):
    body = c.request(kwire.API_INCREMENTAL_ALTER_CONFIGS, 1, {
        "resources": [{"resource_type": rtype, "resource_name": name,
                       "configs": [{"name": k, "config_operation": op, "value": v}
                                   for k, op, v in ops]}],
        "validate_only": False})
    return body["responses"][0]


def alter(c, rtype, name, configs):
    body = c.request(kwire.API_ALTER_CONFIGS, 1, {
        "resources": [{"resource_type": rtype, "resource_name": name,
                       "configs": [{"name": k, "value": v} for k, v in configs.items()]}],
        "validate_only": False})
    return body["responses"][0]


def test_message_format_version(c):
    created = kwire.create_topic(c, "legacy", configs={"message.format.version": "0.10.0"})
    assert created["error_code"] == 0, created
    entry = describe(c, kwire.RESOURCE_TOPIC, "legacy")["message.format.version"]
    assert (entry["value"], entry["config_source"]) == ("0.10.0", DYNAMIC_TOPIC), entry
    kwire.create_topic(c, "plain")
    entry = describe(c, kwire.RESOURCE_TOPIC, "plain")["message.format.version"]
    assert (entry["value"], entry["config_source"]) == ("3.0-IV1", DEFAULT), entry
    # Ignored, as in Kafka 3.x: a 0.10.0 format would mean v1 records, but v2 is what is kept.
    kwire.produce(c, "legacy", 0, [(b"k", b"v")])
    body = c.request(kwire.API_FETCH, 11, kwire.fetch_request([("legacy", 0, 0)]))
    records = kwire.fetch_partition(body, "legacy", 0)["records"]
    assert records[16] == 2, f"magic {records[16]}"
    # Kafka's version strings, including the forms it truncates; anything else is refused.
    for good in ("2.8", "2.8-IV1", "2.8.1", "0.10.2.1", "0.8.0", "3.9", "3.7-IV4"):
        r = kwire.create_topic(c, "v", configs={"message.format.version": good},
                               validate_only=True)
        assert r["error_code"] == 0, (good, r)
    for bad in ("2.99", "1", "abc", "", "0.10", "2.8."):
        r = kwire.create_topic(c, "v", configs={"message.format.version": bad},
                               validate_only=True)
        assert r["error_code"] == kwire.INVALID_CONFIG, (bad, r)
        assert "message.format.version" in r["error_message"], (bad, r)
        r = incremental(c, kwire.RESOURCE_TOPIC, "plain", [("message.format.version", SET, bad)])
        assert r["error_code"] == kwire.INVALID_CONFIG, (bad, r)
    assert incremental(c, kwire.RESOURCE_TOPIC, "plain",
                       [("message.format.version", SET, "2.1")])["error_code"] == 0
    assert describe(c, kwire.RESOURCE_TOPIC, "plain")["message.format.version"]["value"] == "2.1"
    assert alter(c, kwire.RESOURCE_TOPIC, "plain", {})["error_code"] == 0
    assert describe(c, kwire.RESOURCE_TOPIC, "plain")["message.format.version"]["value"] == \
        "3.0-IV1"


def test_unknown_still_refused(c):
    # The broker form is not a topic config, and unknown names fail the topic's creation whole.
    for name in ("log.message.format.version", "no.such.config", "sasl.jaas.config"):
        r = kwire.create_topic(c, "unknown", configs={"message.format.version": "2.8",
                                                     name: "1"})
        assert r["error_code"] == kwire.INVALID_CONFIG and name in r["error_message"], (name, r)
        r = incremental(c, kwire.RESOURCE_TOPIC, "plain", [(name, SET, "1")])
        assert r["error_code"] == kwire.INVALID_CONFIG, (name, r)
    body = c.request(kwire.API_METADATA, 1, {"topics": [{"name": "unknown"}]})
    assert body["topics"][0]["error_code"] == kwire.UNKNOWN_TOPIC_OR_PARTITION, body
    for name in ("no.such.broker.config", "sasl.mechanism", "sasl.login.class"):
        r = incremental(c, kwire.RESOURCE_BROKER, "0", [(name, SET, "x")])
        assert r["error_code"] == kwire.INVALID_CONFIG, (name, r)
    # Kafka keeps the broker form but does not let it change at run time either.
    r = incremental(c, kwire.RESOURCE_BROKER, "0", [("log.message.format.version", SET, "2.8")])
    assert r["error_code"] == kwire.INVALID_CONFIG, r
    assert describe(c, kwire.RESOURCE_BROKER, "0")["log.message.format.version"]["value"] == \
        "3.0-IV1"


def test_sasl_keys(c):
    entries = describe(c, kwire.RESOURCE_BROKER, "0")
    assert entries["sasl.enabled.mechanisms"]["value"] == "GSSAPI", entries
    assert entries["sasl.kerberos.service.name"]["value"] is None
    assert entries["sasl.kerberos.service.name"]["config_source"] == DEFAULT
    ops = [("sasl.kerberos.service.name", SET, "kafka"),
           ("sasl.enabled.mechanisms", SET, "GSSAPI,PLAIN"),
           ("sasl.mechanism.inter.broker.protocol", SET, "PLAIN"),
           ("sasl.kerberos.kinit.cmd", SET, "/usr/local/bin/kinit"),
           ("sasl.kerberos.min.time.before.relogin", SET, "30000"),
           ("sasl.kerberos.principal.to.local.rules", SET,
            "RULE:[1:$1@$0](.*@EXAMPLE.COM)s/@.*//,DEFAULT"),
           ("sasl.kerberos.ticket.renew.jitter", SET, "0.1"),
           ("sasl.kerberos.ticket.renew.window.factor", SET, "0.9"),
           ("sasl.login.refresh.window.factor", SET, "0.7"),
           ("sasl.login.refresh.window.jitter", SET, "0.02"),
           ("sasl.login.refresh.min.period.seconds", SET, "30"),
           ("sasl.login.refresh.buffer.seconds", SET, "120"),
           ("sasl.jaas.config", SET, 'org.apache.kafka.common.security.plain.PlainLoginModule '
                                     'required username="a" password="secret";')]
    r = incremental(c, kwire.RESOURCE_BROKER, "0", ops)
    assert r["error_code"] == 0, r
    entries = describe(c, kwire.RESOURCE_BROKER, "0")
    for name, _, value in ops:
        e = entries[name]
        assert e["config_source"] == DYNAMIC_BROKER and not e["read_only"], e
        if name == "sasl.jaas.config":
            assert e["value"] is None and e["is_sensitive"], e
        else:
            assert e["value"] == value and not e["is_sensitive"], (name, e)
    # Values are parsed as Kafka parses their types; a bad one changes nothing.
    for name, bad in (("sasl.login.refresh.buffer.seconds", "99999"),
                      ("sasl.kerberos.min.time.before.relogin", "soon"),
                      ("sasl.kerberos.ticket.renew.jitter", "abc")):
        r = incremental(c, kwire.RESOURCE_BROKER, "0", [(name, SET, bad)])
        assert r["error_code"] == kwire.INVALID_CONFIG and name in r["error_message"], (name, r)
    assert describe(c, kwire.RESOURCE_BROKER, "0")["sasl.login.refresh.buffer.seconds"][
        "value"] == "120"
    # Per broker only, as in Kafka: the cluster-wide default resource refuses them, and replacing
    # the defaults leaves the broker's own SASL settings alone.
    r = incremental(c, kwire.RESOURCE_BROKER, "", [("sasl.kerberos.service.name", SET, "x")])
    assert r["error_code"] == kwire.INVALID_REQUEST, r
    r = alter(c, kwire.RESOURCE_BROKER, "", {"sasl.enabled.mechanisms": "PLAIN"})
    assert r["error_code"] == kwire.INVALID_REQUEST, r
    assert alter(c, kwire.RESOURCE_BROKER, "", {"log.retention.ms": "86400000"})[
        "error_code"] == 0
    entries = describe(c, kwire.RESOURCE_BROKER, "0")
    assert entries["sasl.kerberos.service.name"]["value"] == "kafka", entries
    assert entries["log.retention.ms"]["value"] == "86400000"


def test_persisted_and_reset(b):
    b.restart()
    with Conn(b.bootstrap) as c:
        entries = describe(c, kwire.RESOURCE_BROKER, "0")
        assert entries["sasl.kerberos.service.name"]["value"] == "kafka", entries
        assert entries["sasl.jaas.config"]["config_source"] == DYNAMIC_BROKER
        assert describe(c, kwire.RESOURCE_TOPIC, "legacy")["message.format.version"][
            "value"] == "0.10.0"
        r = incremental(c, kwire.RESOURCE_BROKER, "0",
                        [("sasl.kerberos.service.name", DELETE, None),
                         ("sasl.jaas.config", DELETE, None)])
        assert r["error_code"] == 0, r
        entries = describe(c, kwire.RESOURCE_BROKER, "0")
        for name in ("sasl.kerberos.service.name", "sasl.jaas.config"):
            assert entries[name]["value"] is None, entries[name]
            assert entries[name]["config_source"] == DEFAULT, entries[name]


def test_confluent_kafka(b):
    from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic
    admin = AdminClient({"bootstrap.servers": b.bootstrap})
    topic = NewTopic("legacy-ck", num_partitions=1, replication_factor=1,
                     config={"message.format.version": "2.8"})
    admin.create_topics([topic], request_timeout=10)["legacy-ck"].result(timeout=10)
    res = ConfigResource(ConfigResource.Type.TOPIC, "legacy-ck")
    configs = admin.describe_configs([res])[res].result(timeout=10)
    assert configs["message.format.version"].value == "2.8", configs["message.format.version"]

    res = ConfigResource(ConfigResource.Type.BROKER, "0",
                         set_config={"sasl.kerberos.service.name": "kafka-ck",
                                     "sasl.enabled.mechanisms": "SCRAM-SHA-512"})
    admin.alter_configs([res])[res].result(timeout=10)
    res = ConfigResource(ConfigResource.Type.BROKER, "0")
    configs = admin.describe_configs([res])[res].result(timeout=10)
    assert configs["sasl.kerberos.service.name"].value == "kafka-ck", configs
    assert configs["sasl.enabled.mechanisms"].value == "SCRAM-SHA-512", configs
    assert configs["sasl.jaas.config"].is_sensitive, configs["sasl.jaas.config"]


def main():
    with Broker() as b:
        with Conn(b.bootstrap) as c:
            run_timed((test_message_format_version, test_unknown_still_refused, test_sasl_keys),
                      c)
        run_timed((test_persisted_and_reset, test_confluent_kafka), b)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
