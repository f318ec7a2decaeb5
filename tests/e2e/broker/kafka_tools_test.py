"""Apache Kafka's own command-line tools (the 4.x jars fetch.sh caches, run as `java -cp ...
<main class>`, as bin/kafka-*.sh would) against one kpk broker: kafka-topics, the console
producer and consumer, kafka-consumer-groups, kafka-configs, kafka-get-offsets,
kafka-delete-records, kafka-transactions and kafka-producer-perf-test. Each tool's output is
checked, and its effect is read back with kwire (or another tool).

Every JVM start costs a second or two on 2 cores, so each tool runs only as often as the
behaviour checked needs."""
import json
import os
import re
import sys
import tempfile
import time

import kwire
from kwire import Conn
from kpk_harness import Broker, run_timed
from kafka_cluster import run_tool

NODE_ID = 0  # kpk broker's default node.id


class Tools:
    """Runs Kafka's tools against one broker; every call is bounded."""

    def __init__(self, broker):
        self.broker = broker
        self.bootstrap = broker.bootstrap

    def run(self, main_class, *args, input=None, timeout=60, ok=True):
        started = time.monotonic()
        r = run_tool(main_class, *args, input=input, timeout=timeout)
        took = time.monotonic() - started
        print(f"  {main_class.rsplit('.', 1)[-1]} {' '.join(args[:4])} ... "
              f"exit {r.returncode} ({took:.1f}s)")
        if ok and r.returncode != 0:
            raise AssertionError(f"{main_class} {args} exited {r.returncode}\n"
                                 f"stdout:\n{r.stdout}\nstderr:\n{r.stderr}")
        return r

    def topics(self, *args, **kw):
        return self.run("org.apache.kafka.tools.TopicCommand", "--bootstrap-server",
                        self.bootstrap, *args, **kw)

    def groups(self, *args, **kw):
        return self.run("org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                        "--bootstrap-server", self.bootstrap, *args, **kw)

    def configs(self, *args, **kw):
        return self.run("org.apache.kafka.tools.ConfigCommand", "--bootstrap-server",
                        self.bootstrap, *args, **kw)

    def produce(self, topic, lines, *props):
        args = ["--bootstrap-server", self.bootstrap, "--topic", topic]
        for p in props:
            args += ["--reader-property", p]
        return self.run("org.apache.kafka.tools.ConsoleProducer", *args,
                        input="".join(line + "\n" for line in lines))

    def consume(self, topic, *args):
        return self.run("org.apache.kafka.tools.consumer.ConsoleConsumer", "--bootstrap-server",
                        self.bootstrap, "--topic", topic, *args)


def metadata(c, topics):
    body = c.request(kwire.API_METADATA, 9, {"topics": [{"name": t} for t in topics]})
    return {t["name"]: t for t in body["topics"]}


def committed(bootstrap, group, topic, partitions):
    """The group's committed offsets (OffsetFetch through librdkafka, which does not join)."""
    from confluent_kafka import Consumer, TopicPartition
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    try:
        got = consumer.committed([TopicPartition(topic, p) for p in partitions], timeout=10)
        return {tp.partition: tp.offset for tp in got}
    finally:
        consumer.close()


def table(text, first_column):
    """The rows of a tool's whitespace-aligned table, keyed by its header's column names."""
    lines = [line for line in text.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        header = line.split()
        if header and header[0] == first_column:
            return [dict(zip(header, row.split())) for row in lines[i + 1:]]
    raise AssertionError(f"no table with {first_column} in:\n{text}")


def test_topics(t, c):
    r = t.topics("--create", "--topic", "tt", "--partitions", "2", "--replication-factor", "1",
                 "--config", "retention.ms=3600000", "--config", "cleanup.policy=compact")
    assert "Created topic tt." in r.stdout, r.stdout
    m = metadata(c, ["tt"])["tt"]
    assert m["error_code"] == 0 and len(m["partitions"]) == 2, m

    # Creating it again is TOPIC_ALREADY_EXISTS, which the tool reports and fails on.
    r = t.topics("--create", "--topic", "tt", "--partitions", "1", ok=False)
    assert r.returncode != 0 and "already exists" in (r.stdout + r.stderr), r

    t.topics("--create", "--topic", "tt-other", "--partitions", "1")
    r = t.topics("--list")
    assert {"tt", "tt-other"} <= set(r.stdout.split()), r.stdout

    r = t.topics("--describe", "--topic", "tt")
    lines = r.stdout.splitlines()
    head = lines[0]
    assert re.match(r"Topic: tt\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 2\t"
                    r"ReplicationFactor: 1\tConfigs: ", head), r.stdout
    topic_configs = dict(kv.split("=", 1) for kv in head.split("Configs: ")[1].split(","))
    assert topic_configs == {"cleanup.policy": "compact", "retention.ms": "3600000"}, head
    partitions = [line.strip() for line in lines[1:] if "Partition:" in line]
    assert len(partitions) == 2, r.stdout
    for i, line in enumerate(partitions):
        assert re.match(rf"Topic: tt\tPartition: {i}\tLeader: {NODE_ID}\tReplicas: {NODE_ID}\t"
                        rf"Isr: {NODE_ID}", line), line

    t.topics("--alter", "--topic", "tt", "--partitions", "4")
    assert len(metadata(c, ["tt"])["tt"]["partitions"]) == 4
    # Fewer partitions than now is INVALID_PARTITIONS.
    r = t.topics("--alter", "--topic", "tt", "--partitions", "3", ok=False)
    assert r.returncode != 0 and "InvalidPartitionsException" in r.stdout + r.stderr, r

    t.topics("--delete", "--topic", "tt-other")
    assert metadata(c, ["tt-other"])["tt-other"]["error_code"] == kwire.UNKNOWN_TOPIC_OR_PARTITION
    r = t.topics("--list")
    assert "tt" in r.stdout.split() and "tt-other" not in r.stdout.split(), r.stdout


def test_console_and_groups(t, c):
    kwire.create_topic(c, "cp", partitions=1)
    t.produce("cp", [f"k{i}:v{i}" for i in range(5)], "parse.key=true", "key.separator=:")
    records = kwire.fetch_all(c, "cp", 0)
    assert [(r["key"], r["value"]) for r in records] == [
        (f"k{i}".encode(), f"v{i}".encode()) for i in range(5)], records

    r = t.consume("cp", "--from-beginning", "--max-messages", "5", "--group", "cg1",
                  "--formatter-property", "print.key=true",
                  "--formatter-property", "key.separator=:",
                  "--timeout-ms", "20000")
    assert r.stdout.splitlines() == [f"k{i}:v{i}" for i in range(5)], r.stdout
    assert "Processed a total of 5 messages" in r.stderr, r.stderr
    assert committed(t.bootstrap, "cg1", "cp", [0]) == {0: 5}

    # Values only, without keys, and three more records: the group lags by three.
    t.produce("cp", ["a", "b", "c"])
    assert [r["value"] for r in kwire.fetch_all(c, "cp", 0, offset=5)] == [b"a", b"b", b"c"]

    r = t.groups("--list")
    assert "cg1" in r.stdout.split(), r.stdout
    r = t.groups("--describe", "--group", "cg1")
    rows = table(r.stdout, "GROUP")
    assert len(rows) == 1, r.stdout
    row = rows[0]
    assert (row["GROUP"], row["TOPIC"], row["PARTITION"], row["CURRENT-OFFSET"],
            row["LOG-END-OFFSET"], row["LAG"]) == ("cg1", "cp", "0", "5", "8", "3"), r.stdout

    r = t.groups("--reset-offsets", "--group", "cg1", "--topic", "cp", "--to-earliest",
                 "--execute")
    rows = table(r.stdout, "GROUP")
    assert [(x["TOPIC"], x["PARTITION"], x["NEW-OFFSET"]) for x in rows] == [("cp", "0", "0")]
    assert committed(t.bootstrap, "cg1", "cp", [0]) == {0: 0}
    r = t.groups("--reset-offsets", "--group", "cg1", "--topic", "cp:0", "--to-offset", "6",
                 "--execute")
    assert [x["NEW-OFFSET"] for x in table(r.stdout, "GROUP")] == ["6"], r.stdout
    assert committed(t.bootstrap, "cg1", "cp", [0]) == {0: 6}

    # The group resumes where the reset put it.
    r = t.consume("cp", "--max-messages", "2", "--group", "cg1", "--timeout-ms", "20000")
    assert r.stdout.splitlines() == ["b", "c"], r.stdout

    r = t.groups("--delete", "--group", "cg1")
    assert "Deletion of requested consumer groups ('cg1') was successful." in r.stdout, r.stdout
    _, listed = kwire.list_groups(c, [])
    assert "cg1" not in [g["group_id"] for g in listed], listed


def describe_configs(c, rtype, name, keys=None):
    body = c.request(kwire.API_DESCRIBE_CONFIGS, 4, {"resources": [{
        "resource_type": rtype, "resource_name": name, "configuration_keys": keys}],
        "include_synonyms": True})
    result = body["results"][0]
    assert result["error_code"] == 0, result
    return {e["name"]: e for e in result["configs"]}


def test_configs(t, c):
    kwire.create_topic(c, "cfg", partitions=1)
    r = t.configs("--entity-type", "topics", "--entity-name", "cfg", "--alter",
                  "--add-config", "retention.ms=120000,max.message.bytes=2048")
    assert "Completed updating config for topic cfg." in r.stdout, r.stdout
    # As Apache Kafka 4.4 prints them: a topic override's synonyms go on to the broker config it
    # overrides (none for retention.ms, whose broker default Kafka derives from
    # log.retention.hours).
    r = t.configs("--entity-type", "topics", "--entity-name", "cfg", "--describe")
    assert r.stdout.splitlines() == [
        "Dynamic configs for topic cfg are:",
        "  max.message.bytes=2048 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:"
        "max.message.bytes=2048, DEFAULT_CONFIG:message.max.bytes=1048576}",
        "  retention.ms=120000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:"
        "retention.ms=120000}"], r.stdout
    # The limit is live: a record bigger than 2048 bytes is refused.
    batch = kwire.build_batch([(None, b"x" * 4000)])
    body = c.request(kwire.API_PRODUCE, 7, kwire.produce_request("cfg", 0, batch))
    error = body["responses"][0]["partition_responses"][0]["error_code"]
    assert error == kwire.MESSAGE_TOO_LARGE, body

    r = t.configs("--entity-type", "topics", "--entity-name", "cfg", "--alter",
                  "--delete-config", "max.message.bytes")
    assert "Completed updating config for topic cfg." in r.stdout, r.stdout
    entries = describe_configs(c, kwire.RESOURCE_TOPIC, "cfg")
    assert entries["retention.ms"]["value"] == "120000", entries["retention.ms"]
    assert entries["max.message.bytes"]["config_source"] == 5, entries["max.message.bytes"]

    # Broker configs at both of Kafka's levels: this broker's own, and the cluster-wide default
    # under it. Each describe shows only its own level, and this broker's value wins.
    r = t.configs("--entity-type", "brokers", "--entity-name", str(NODE_ID), "--alter",
                  "--add-config", "log.retention.ms=7200000,log.cleaner.backoff.ms=30000")
    assert f"Completed updating config for broker {NODE_ID}." in r.stdout, r.stdout
    r = t.configs("--entity-type", "brokers", "--entity-default", "--alter",
                  "--add-config", "log.cleaner.backoff.ms=20000")
    assert "Completed updating default config for brokers in the cluster." in r.stdout, r.stdout
    r = t.configs("--entity-type", "brokers", "--entity-name", str(NODE_ID), "--describe")
    lines = r.stdout.splitlines()
    assert lines[0] == f"Dynamic configs for broker {NODE_ID} are:", r.stdout
    assert len(lines) == 3, r.stdout
    assert lines[1].startswith(
        "  log.cleaner.backoff.ms=30000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:"
        "log.cleaner.backoff.ms=30000, DYNAMIC_DEFAULT_BROKER_CONFIG:log.cleaner.backoff.ms="
        "20000, "), r.stdout
    assert lines[2].startswith("  log.retention.ms=7200000 sensitive=false synonyms={"
                               "DYNAMIC_BROKER_CONFIG:log.retention.ms=7200000"), r.stdout
    r = t.configs("--entity-type", "brokers", "--entity-default", "--describe")
    assert r.stdout.splitlines() == [
        "Default configs for brokers in the cluster are:",
        "  log.cleaner.backoff.ms=20000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:"
        "log.cleaner.backoff.ms=20000}"], r.stdout

    # A topic without its own retention.ms inherits the broker's, and says where it comes
    # from: kafka-topics lists it among the topic's configs, as it does on Kafka.
    kwire.create_topic(c, "cfg2", partitions=1)
    e = describe_configs(c, kwire.RESOURCE_TOPIC, "cfg2", ["retention.ms"])["retention.ms"]
    assert (e["value"], e["config_source"]) == ("7200000", 2), e
    assert e["synonyms"][0] == {"name": "log.retention.ms", "value": "7200000", "source": 2}, e
    r = t.topics("--describe", "--topic", "cfg2")
    assert r.stdout.splitlines()[0].endswith("\tConfigs: retention.ms=7200000"), r.stdout

    # Without this broker's own value, the cluster-wide default applies.
    t.configs("--entity-type", "brokers", "--entity-name", str(NODE_ID), "--alter",
              "--delete-config", "log.cleaner.backoff.ms,log.retention.ms")
    entries = describe_configs(c, kwire.RESOURCE_BROKER, str(NODE_ID),
                               ["log.cleaner.backoff.ms", "log.retention.ms"])
    e = entries["log.cleaner.backoff.ms"]
    assert (e["value"], e["config_source"]) == ("20000", 3), e
    assert entries["log.retention.ms"]["value"] == "604800000", entries
    assert entries["log.retention.ms"]["config_source"] == 4, entries


def test_offsets_and_delete_records(t, c):
    kwire.create_topic(c, "go", partitions=2)
    base = int(time.time() * 1000) - 100000
    batch = kwire.build_batch([(None, b"v%d" % i, None, base + i * 1000) for i in range(10)])
    body = c.request(kwire.API_PRODUCE, 7, kwire.produce_request("go", 0, batch))
    assert body["responses"][0]["partition_responses"][0]["error_code"] == 0, body
    kwire.produce(c, "go", 1, [(None, b"x")])

    shell = "org.apache.kafka.tools.GetOffsetShell"
    r = t.run(shell, "--bootstrap-server", t.bootstrap, "--topic", "go", "--time", "-1")
    assert sorted(r.stdout.split()) == ["go:0:10", "go:1:1"], r.stdout
    r = t.run(shell, "--bootstrap-server", t.bootstrap, "--topic", "go", "--partitions", "0",
              "--time", str(base + 3500))
    assert r.stdout.split() == ["go:0:4"], r.stdout

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"version": 1, "partitions": [{"topic": "go", "partition": 0, "offset": 3}]}, f)
    try:
        r = t.run("org.apache.kafka.tools.DeleteRecordsCommand", "--bootstrap-server",
                  t.bootstrap, "--offset-json-file", f.name)
    finally:
        os.remove(f.name)
    assert re.search(r"partition: go-0\s+low_watermark: 3", r.stdout), r.stdout
    r = t.run(shell, "--bootstrap-server", t.bootstrap, "--topic", "go", "--time", "-2")
    assert sorted(r.stdout.split()) == ["go:0:3", "go:1:0"], r.stdout
    assert kwire.list_offset(c, "go", 0, -2)["offset"] == 3


def test_transactions(t, c):
    from confluent_kafka import Producer
    kwire.create_topic(c, "txt", partitions=2)
    p = Producer({"bootstrap.servers": t.bootstrap, "transactional.id": "tools-txn",
                  "transaction.timeout.ms": 60000})
    p.init_transactions(10)
    p.begin_transaction()
    p.produce("txt", b"one", partition=0)
    p.commit_transaction(10)
    # A second one stays open while the tools look at it.
    p.begin_transaction()
    p.produce("txt", b"two", partition=1)
    p.flush(10)

    tx = "org.apache.kafka.tools.TransactionsCommand"
    r = t.run(tx, "--bootstrap-server", t.bootstrap, "list")
    rows = table(r.stdout, "TransactionalId")
    assert [(x["TransactionalId"], x["Coordinator"], x["TransactionState"]) for x in rows] == [
        ("tools-txn", str(NODE_ID), "Ongoing")], r.stdout
    producer_id = rows[0]["ProducerId"]
    r = t.run(tx, "--bootstrap-server", t.bootstrap, "describe", "--transactional-id",
              "tools-txn")
    rows = table(r.stdout, "CoordinatorId")
    assert len(rows) == 1, r.stdout
    assert (rows[0]["TransactionalId"], rows[0]["ProducerId"], rows[0]["TransactionState"],
            rows[0]["TransactionTimeoutMs"]) == ("tools-txn", producer_id, "Ongoing", "60000"), \
        r.stdout
    assert r.stdout.rstrip().endswith("txt-1"), r.stdout
    r = t.run(tx, "--bootstrap-server", t.bootstrap, "describe-producers", "--topic", "txt",
              "--partition", "1")
    rows = table(r.stdout, "ProducerId")
    assert [x["ProducerId"] for x in rows] == [producer_id], r.stdout

    p.commit_transaction(10)
    r = t.run(tx, "--bootstrap-server", t.bootstrap, "list")
    assert [x["TransactionState"] for x in table(r.stdout, "TransactionalId")] == \
        ["CompleteCommit"], r.stdout


def test_producer_perf(t, c):
    kwire.create_topic(c, "perf", partitions=1)
    r = t.run("org.apache.kafka.tools.ProducerPerformance", "--topic", "perf",
              "--num-records", "20000", "--throughput", "-1", "--record-size", "100",
              "--producer-props", f"bootstrap.servers={t.bootstrap}", "acks=all", timeout=90)
    assert re.search(r"^20000 records sent, ", r.stdout, re.M), r.stdout
    assert kwire.list_offset(c, "perf", 0, -1)["offset"] == 20000


def main():
    with Broker() as b, Conn(b.bootstrap) as c:
        t = Tools(b)
        run_timed([test_topics, test_console_and_groups, test_configs,
                   test_offsets_and_delete_records, test_transactions, test_producer_perf],
                  t, c)
    return 0


if __name__ == "__main__":
    sys.exit(main())
