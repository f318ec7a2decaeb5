"""The CLI against a three-broker Apache Kafka cluster (KRaft: three brokers and a separate
controller, one cluster for the whole file): `cluster info` lists the brokers and marks the
controller; `topic create -r 3` and `topic describe -p` show the replicas and leader epochs
(rpk's columns: PARTITION LEADER EPOCH REPLICAS [OFFLINE-REPLICAS] [LOAD-ERROR]
LOG-START-OFFSET [LAST-STABLE-OFFSET] HIGH-WATERMARK; rpk shows no ISR, not even in its JSON,
so the test reads the ISR from Kafka's own Metadata answer); stopping a broker moves leaders off it, shrinks the ISR and shows
the broker under OFFLINE-REPLICAS; and a consumer group whose partitions are led by different
brokers describes with its members, commits and lag, as Kafka's own kafka-consumer-groups does.

Run with --target kafka-split. The tests run in the order of TESTS: the broker-stopping test
is last and restarts the broker it stopped. Every wait is bounded.
"""

import json
import sys
import time

from cli_admin_test import key_values, parse_table, sections
from cli_harness import expect, expect_eq, main
from kpk_harness import wait_until

TOPICS = {"spread": 6}
BROKER_IDS = [1, 2, 3]
PER_PARTITION = 3  # records produced to each partition of "spread" before the group reads


def describe_json(env, topic):
    """`topic describe --format json` for one topic: {partition: details}, each with the ISR
    Kafka reports for it (under "isr", which rpk's document does not have)."""
    doc = json.loads(env.ok("topic", "describe", topic, "--format", "json").stdout)
    expect_eq(len(doc), 1, "one topic")
    isr = kafka_isr(env, topic)
    return {p["partition"]: dict(p, isr=isr.get(p["partition"])) for p in doc[0]["partitions"]}


def kafka_isr(env, topic):
    """{partition: sorted ISR} from Kafka's Metadata, asked of a running broker."""
    md = env.target.cluster.metadata()
    for t in md["topics"]:
        if t["name"] == topic:
            return {p["partition_index"]: sorted(p["isr_nodes"]) for p in t["partitions"]}
    return {}


def test_cluster_info_lists_three_brokers(env):
    out = env.ok("cluster", "info").stdout
    secs = sections(out)
    expect_eq(list(secs), ["CLUSTER", "BROKERS", "TOPICS"], "sections")
    # A KRaft cluster id: 16 bytes in URL-safe base64, as the cluster was formatted with.
    expect_eq(secs["CLUSTER"].strip(), env.target.cluster.cluster_id, "cluster id")
    rows = parse_table(secs["BROKERS"])
    expect_eq(secs["BROKERS"].splitlines()[0].split(), ["ID", "HOST", "PORT"], "brokers header")
    ports = {n.node_id: n.port for n in env.target.cluster.brokers}
    expect_eq([(int(r["ID"].rstrip("*")), r["HOST"], int(r["PORT"])) for r in rows],
              [(i, "127.0.0.1", ports[i]) for i in BROKER_IDS], "brokers, by id")
    starred = [int(r["ID"][:-1]) for r in rows if r["ID"].endswith("*")]
    expect_eq(len(starred), 1, f"one controller marked: {rows}")
    # In KRaft the active controller (node 100 here) is no broker: Metadata's controller_id is
    # an alive broker Kafka picks at random for each answer, to which clients send the
    # requests the broker forwards. So the mark is the controller_id of kpk's own answer, one
    # of the brokers, and may differ between two calls.
    expect(starred[0] in BROKER_IDS, starred)
    expect(env.target.cluster.metadata()["controller_id"] in BROKER_IDS, "Kafka's own answer")
    doc = json.loads(env.ok("cluster", "info", "--format", "json").stdout)
    expect(doc["controller_id"] in BROKER_IDS, doc)
    expect_eq([b["id"] for b in doc["brokers"] if b["controller"]], [doc["controller_id"]],
              "json marks the controller it reports")
    expect_eq([b["id"] for b in doc["brokers"]], BROKER_IDS, "json brokers")
    # Kafka's internal topic shows with -i (and in the default, all-sections output).
    internal = parse_table(env.ok("cluster", "info", "-t", "-i").stdout)
    offsets = [r for r in internal if r["NAME"] == "__consumer_offsets"]
    if offsets:  # created by the first group; not there on a fresh cluster
        expect_eq(offsets[0]["REPLICAS"], "3", "__consumer_offsets replicas")


def test_topic_create_three_replicas_and_describe(env):
    out = env.ok("topic", "create", "rep", "-p", "3", "-r", "3").stdout
    expect_eq(parse_table(out), [{"TOPIC": "rep", "STATUS": "OK"}], "create -r 3")
    listed = {r["NAME"]: r for r in parse_table(env.ok("topic", "list").stdout)}
    expect_eq((listed["rep"]["PARTITIONS"], listed["rep"]["REPLICAS"]), ("3", "3"), "list")
    # Kafka needs at least three brokers for -r 3; even replication factors are Kafka's to
    # refuse (rpk's "must be odd" is Redpanda's rule): -r 2 works here.
    env.ok("topic", "create", "rep2", "-r", "2")
    four = env.kpk("topic", "create", "rep4", "-r", "4")
    expect_eq(four.returncode, 1, "-r 4 on three brokers")
    expect(parse_table(four.stdout)[0]["STATUS"].startswith("INVALID_REPLICATION_FACTOR"),
           four.stdout)

    def all_in_sync():
        parts = describe_json(env, "rep")
        return parts if all(p["isr"] == BROKER_IDS for p in parts.values()) else None
    parts = wait_until(all_in_sync, 30, interval=0.5, what="rep's ISR to be [1, 2, 3]")

    text = env.ok("topic", "describe", "rep", "-p").stdout
    expect_eq(text.splitlines()[0].split(),
              ["PARTITION", "LEADER", "EPOCH", "REPLICAS", "LOG-START-OFFSET", "HIGH-WATERMARK"],
              "rpk's columns: no OFFLINE-REPLICAS while every replica is online")
    rows = parse_table(text)
    expect_eq([r["PARTITION"] for r in rows], ["0", "1", "2"], "partitions")
    for r in rows:
        expect_eq(r["REPLICAS"], "[1 2 3]", "replicas")
        expect(int(r["LEADER"]) in BROKER_IDS, r)
        expect(int(r["EPOCH"]) >= 0, f"a leader epoch from Kafka: {r}")
        expect_eq((r["LOG-START-OFFSET"], r["HIGH-WATERMARK"]), ("0", "0"), "offsets")
        p = parts[int(r["PARTITION"])]
        expect_eq((p["leader"], p["epoch"], p["replicas"]),
                  (int(r["LEADER"]), int(r["EPOCH"]), BROKER_IDS), "json = text")
        expect("offline_replicas" not in p, p)
    # Kafka spreads the leaders of a new topic over the brokers.
    expect_eq(sorted(p["leader"] for p in parts.values()), BROKER_IDS, "one leader per broker")
    summary = key_values(env.ok("topic", "describe", "rep", "-s").stdout)
    expect_eq((summary["PARTITIONS"], summary["REPLICAS"]), ("3", "3"), "summary")
    detail = env.ok("topic", "list", "-d", "-r", "rep").stdout
    expect(detail.startswith("rep, 3 partitions, 3 replicas\n"), detail)
    expect_eq(detail.splitlines()[1].split(), ["PARTITION", "LEADER", "EPOCH", "REPLICAS"],
              "rpk's -d columns")


class GroupMembers:
    """Three confluent_kafka consumers in one group, polled in turn from one thread until they
    have read and committed every record and each owns two of the six partitions; then they
    stay members (librdkafka heartbeats in the background) without polling, until closed."""

    def __init__(self, bootstrap, group, topic, partitions, records):
        from confluent_kafka import Consumer  # /usr/bin/python3 has Debian's module
        self.want = {p: records for p in range(partitions)}
        self.committed = {}
        self.consumers = []
        for i in range(3):
            c = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                          "client.id": f"member-{i}", "enable.auto.commit": False,
                          "auto.offset.reset": "earliest", "session.timeout.ms": 10000,
                          "heartbeat.interval.ms": 500,
                          "partition.assignment.strategy": "range"})
            self.consumers.append(c)
            c.subscribe([topic])

    def run_until_settled(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for c in self.consumers:
                msg = c.poll(0.1)
                if msg is not None and msg.error() is None:
                    c.commit(message=msg, asynchronous=False)
                    self.committed[msg.partition()] = max(self.committed.get(msg.partition(), 0),
                                                          msg.offset() + 1)
            if self.committed == self.want and all(len(c.assignment()) == 2
                                                   for c in self.consumers):
                return
        raise TimeoutError(f"group not settled in {timeout}s: committed {self.committed}, "
                           f"assignments {[len(c.assignment()) for c in self.consumers]}")

    def owners(self):
        """{partition: client id} as each consumer sees its assignment (confluent_kafka 1.7
        has no memberid(); Kafka's member ids start with the client id)."""
        return {tp.partition: f"member-{i}"
                for i, c in enumerate(self.consumers) for tp in c.assignment()}

    def close(self):
        for c in self.consumers:
            c.close()  # leaves the group


def test_group_across_brokers(env):
    leaders = {p: d["leader"] for p, d in describe_json(env, "spread").items()}
    expect(len(set(leaders.values())) >= 2, f"spread's leaders span brokers: {leaders}")
    for p in range(6):
        env.ok("topic", "produce", "spread", "-p", str(p), "-o", "",
               input="".join(f"p{p}-{i}\n" for i in range(PER_PARTITION)))
    members = GroupMembers(env.bootstrap, "spread-g", "spread", 6, PER_PARTITION)
    try:
        members.run_until_settled(60)
        for p in range(6):  # lag 2 everywhere: the members do not poll any more
            env.ok("topic", "produce", "spread", "-p", str(p), "-o", "", input="x\ny\n")
        owners = members.owners()
        out = env.ok("group", "describe", "spread-g", timeout=30).stdout
        summary, _, table = out.partition("\n\n")
        s = key_values(summary)
        expect_eq({k: s[k] for k in ("GROUP", "STATE", "BALANCER", "MEMBERS", "TOTAL-LAG")},
                  {"GROUP": "spread-g", "STATE": "Stable", "BALANCER": "range", "MEMBERS": "3",
                   "TOTAL-LAG": "12"}, "summary")
        expect(int(s["COORDINATOR"]) in BROKER_IDS, s)
        expect_eq(table.splitlines()[0].split(),
                  ["TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-START-OFFSET", "LOG-END-OFFSET",
                   "LAG", "MEMBER-ID", "CLIENT-ID", "HOST"], "rpk's columns")
        rows = parse_table(table)
        expect_eq([(r["TOPIC"], int(r["PARTITION"])) for r in rows],
                  [("spread", p) for p in range(6)], "one row per partition")
        for r in rows:
            p = int(r["PARTITION"])
            expect_eq((r["CURRENT-OFFSET"], r["LOG-START-OFFSET"], r["LOG-END-OFFSET"], r["LAG"]),
                      (str(PER_PARTITION), "0", str(PER_PARTITION + 2), "2"), f"partition {p}")
            expect_eq(r["CLIENT-ID"], owners[p], f"partition {p}'s owner")
            expect(r["MEMBER-ID"].startswith(owners[p] + "-"), r)
            expect_eq(r["HOST"], "/127.0.0.1", "Kafka's member host")

        # Kafka's own kafka-consumer-groups agrees on owners, offsets and lag.
        from kafka_cluster import run_tool
        kafka = run_tool("org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                         "--bootstrap-server", env.bootstrap, "--describe", "--group",
                         "spread-g", timeout=90)
        expect_eq(kafka.returncode, 0, kafka.stderr)
        theirs = {}
        for line in kafka.stdout.splitlines():
            f = line.split()
            if len(f) >= 7 and f[1] == "spread" and f[2].isdigit():
                theirs[int(f[2])] = (f[3], f[4], f[5], f[6])
        ours = {int(r["PARTITION"]): (r["CURRENT-OFFSET"], r["LOG-END-OFFSET"], r["LAG"],
                                      r["MEMBER-ID"]) for r in rows}
        expect_eq(ours, theirs, "kpk's rows against kafka-consumer-groups --describe")
        expect_eq(len({r["MEMBER-ID"] for r in rows}), 3, "three members own the partitions")

        doc = json.loads(env.ok("group", "describe", "spread-g", "--format", "json").stdout)[0]
        expect_eq((doc["state"], doc["members"], doc["total_lag"]), ("Stable", 3, 12), "json")
        expect_eq({p["partition"]: p["client_id"] for p in doc["partitions"]}, owners,
                  "json owners")
        listed = {r["GROUP"]: r for r in parse_table(env.ok("group", "list").stdout)}
        expect_eq((listed["spread-g"]["BROKER"], listed["spread-g"]["STATE"]),
                  (s["COORDINATOR"], "Stable"), "group list names the coordinator")
    finally:
        members.close()


def test_stopped_broker_leaves_isr_and_leadership(env):
    cluster = env.target.cluster
    before = describe_json(env, "rep")
    victim = before[0]["leader"]
    cluster.stop_node(victim)
    try:
        others = [b for b in BROKER_IDS if b != victim]

        def moved():
            parts = describe_json(env, "rep")
            done = all(p["leader"] in others and p["isr"] == others for p in parts.values())
            return parts if done else None
        parts = wait_until(moved, 45, interval=0.5,
                           what=f"leaders and ISR to leave broker {victim}")
        for p, d in parts.items():
            expect_eq(d["replicas"], BROKER_IDS, "replicas stay")
            expect_eq(d["offline_replicas"], [victim], f"partition {p}'s offline replica")
            if before[p]["leader"] == victim:
                expect(d["epoch"] > before[p]["epoch"],
                       f"a new leader, a new epoch: {before[p]} -> {d}")
        text = env.ok("topic", "describe", "rep", "-p").stdout
        expect_eq(text.splitlines()[0].split(),
                  ["PARTITION", "LEADER", "EPOCH", "REPLICAS", "OFFLINE-REPLICAS",
                   "LOG-START-OFFSET", "HIGH-WATERMARK"], "rpk adds OFFLINE-REPLICAS")
        for r in parse_table(text):
            d = parts[int(r["PARTITION"])]
            expect_eq((int(r["LEADER"]), int(r["EPOCH"]), r["REPLICAS"], r["OFFLINE-REPLICAS"]),
                      (d["leader"], d["epoch"], "[1 2 3]", f"[{victim}]"), "text row")
        detail = env.ok("topic", "list", "-d", "-r", "rep").stdout
        expect(detail.startswith("rep, 3 partitions, 3 replicas\n"), detail)
        expect_eq(detail.splitlines()[1].split(),
                  ["PARTITION", "LEADER", "EPOCH", "REPLICAS", "OFFLINE-REPLICAS"],
                  "rpk's -d columns with a replica offline")
        expect_eq(sorted(tuple(line.split()[3:]) for line in detail.splitlines()[2:]),
                  [("[1", "2", "3]", f"[{victim}]")] * 3, "-d rows")
        brokers = parse_table(env.ok("cluster", "info", "-b").stdout)
        expect_eq([int(r["ID"].rstrip("*")) for r in brokers], others,
                  "a stopped broker is not listed")
        env.ok("topic", "produce", "rep", "-p", "0", "-o", "", input="still\n")
        got = env.ok("topic", "consume", "rep", "-p", "0", "-o", ":end", "-f", "%v\\n").stdout
        expect_eq(got, "still\n", "the partition serves from its new leader")
    finally:
        cluster.start_node(victim)

    def rejoined():
        parts = describe_json(env, "rep")
        done = all(p["isr"] == BROKER_IDS and "offline_replicas" not in p for p in parts.values())
        return parts if done else None
    wait_until(rejoined, 60, interval=0.5, what=f"broker {victim} back in every ISR")
    expect_eq(len(parse_table(env.ok("cluster", "info", "-b").stdout)), 3, "three brokers again")


TESTS = [test_cluster_info_lists_three_brokers, test_topic_create_three_replicas_and_describe,
         test_group_across_brokers, test_stopped_broker_leaves_isr_and_leadership]

if __name__ == "__main__":
    sys.exit(main(TESTS, TOPICS))
