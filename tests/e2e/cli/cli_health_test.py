"""kpk cluster health against kpk's broker (its Admin API) and against three Apache Kafka
brokers (no Admin API: derived from Kafka metadata); kpk topic consume of an offline partition.

Exit codes as rpk's: 0 healthy, 10 unhealthy; -e waits for healthy within
globals.command_timeout. Against kpk's broker a partition goes offline when its acknowledged
data is corrupt (broker/health_test.py covers the broker's side); against Kafka a stopped broker
leaves its replicas out of the ISRs."""
import json
import os
import sys

import kwire
from cli_harness import expect, expect_eq, main
from kpk_harness import free_port, wait_until

TOPICS = {}
HEADER = ["CLUSTER HEALTH OVERVIEW", "======================="]
LABELS = ["Healthy:", "Unhealthy reasons:", "Controller ID:", "All nodes:", "Nodes down:",
          "Nodes in recovery mode:", "Leaderless partitions", "Under-replicated partitions"]


def overview_rows(text):
    """The block's rows as {label: value}; checks rpk's layout on the way."""
    lines = text.splitlines()
    expect_eq(lines[:2], HEADER, "rpk's section header")
    rows = {}
    for line in lines[2:]:
        label, _, value = line.partition(":")
        rows[label.split(" (")[0] + ":"] = value.strip()
        # rpk's tabwriter: one column of values, two spaces after the longest label.
        expect(line.index(value.strip()) == lines[2].index(lines[2].split()[-1]), text)
    expect_eq([k for k in rows][:8], [l if l.endswith(":") else l + ":" for l in LABELS],
              "rpk's rows")
    return rows


def health(env, *args, settings=None, timeout=60):
    """kpk cluster health with the target's Admin API (where it has one) unless `settings`
    name other admin hosts."""
    full = {"admin.hosts": env.target.admin} if getattr(env.target, "admin", None) else {}
    full.update(settings or {})
    return env.kpk("cluster", "health", *args, settings=full, timeout=timeout)


def test_healthy_and_formats(env):
    settings = None if env.target.name == "broker" else {"admin.hosts": f"127.0.0.1:{free_port()}"}
    r = health(env, settings=settings)
    expect_eq(r.returncode, 0, r.stderr + r.stdout)
    rows = overview_rows(r.stdout)
    expect_eq((rows["Healthy:"], rows["Unhealthy reasons:"], rows["Nodes down:"]),
              ("true", "[]", "[]"), r.stdout)
    if env.target.name == "broker":
        expect_eq((rows["All nodes:"], rows["Controller ID:"]), ("[0]", "0"), r.stdout)
        expect_eq(r.stderr, "", "the Admin API answered")
    else:
        expect_eq(rows["All nodes:"], "[1 2 3]", r.stdout)
        expect("no Admin API at 127.0.0.1:" in r.stderr and
               "health derived from Kafka metadata" in r.stderr, r.stderr)
    j = health(env, "--format", "json", settings=settings)
    expect_eq(j.returncode, 0, j.stderr)
    doc = json.loads(j.stdout)
    expect_eq((doc["is_healthy"], doc["unhealthy_reasons"], doc["leaderless_partitions"]),
              (True, [], []), doc)
    bad = health(env, "-w", "--format", "json", settings=settings)
    expect_eq(bad.returncode, 2, bad.stderr)
    expect("cannot be used along with --watch or --exit-when-healthy" in bad.stderr, bad.stderr)


def corrupt_partition(broker, topic, partition, at_start=True):
    """A broken batch header below the recovery point: found at the next start when the
    index is gone (opening walks the framing), else by the first read."""
    d = os.path.join(broker.data_dir, "topics", topic, str(partition))
    logs = sorted(f for f in os.listdir(d) if f.endswith(".log"))
    kwire.break_batch_header(os.path.join(d, logs[-1]), 0)
    for f in os.listdir(d):
        if at_start and f.endswith(".index"):
            os.remove(os.path.join(d, f))


def test_offline_partition(env):
    if env.target.name != "broker":
        print("  (kpk's broker only: corrupts a partition's files)")
        return
    env.ok("topic", "create", "hbad", "-p", "2")
    env.ok("topic", "create", "hread")
    for t, p in (("hbad", 0), ("hbad", 1), ("hread", 0)):
        env.ok("topic", "produce", t, "-p", str(p), input="".join(f"{p}-{i}\n" for i in range(5)))
    broker = env.target.broker
    assert broker.stop() == 0
    corrupt_partition(broker, "hbad", 1)
    corrupt_partition(broker, "hread", 0, at_start=False)
    broker.start()

    r = health(env)
    expect_eq(r.returncode, 10, r.stderr + r.stdout)
    rows = overview_rows(r.stdout)
    expect_eq((rows["Healthy:"], rows["Unhealthy reasons:"], rows["Leaderless partitions:"]),
              ("false", "[leaderless_partitions]", "[kafka/hbad/1]"), r.stdout)
    expect("Leaderless partitions (1):" in r.stdout, r.stdout)
    # Without the Admin API, Kafka metadata tells the same: partition 1 has no leader.
    no_admin = {"admin.hosts": f"127.0.0.1:{free_port()}"}
    k = health(env, settings=no_admin)
    expect_eq(k.returncode, 10, k.stderr + k.stdout)
    expect_eq(overview_rows(k.stdout)["Leaderless partitions:"], "[kafka/hbad/1]", k.stdout)
    expect("health derived from Kafka metadata" in k.stderr, k.stderr)

    # Consuming the offline partition says why and fails at once instead of waiting.
    c = env.kpk("topic", "consume", "hbad", "-p", "1", timeout=20)
    expect_eq(c.returncode, 1, c.stderr)
    expect(c.stderr.startswith("ERR: topic hbad partition 1: LEADER_NOT_AVAILABLE"), c.stderr)
    expect_eq(c.stdout, "", "nothing consumed")
    # The whole topic: the other partition is consumed up to the bound, then exit 1.
    c = env.kpk("topic", "consume", "hbad", "-o", ":end", "-f", "%v\\n", timeout=20)
    expect_eq(c.returncode, 1, c.stderr)
    expect_eq(c.stdout, "".join(f"0-{i}\n" for i in range(5)), "partition 0 is served")
    expect_eq(c.stderr.count("ERR: topic hbad partition 1:"), 1, c.stderr)
    # A group member: the offline partition is reported, the rest consumed, exit 1.
    c = env.kpk("topic", "consume", "hbad", "-g", "hgroup", "-n", "5", "-f", "%v\n", timeout=30)
    expect_eq(c.returncode, 1, c.stderr)
    expect_eq(c.stdout, "".join(f"0-{i}\n" for i in range(5)), "partition 0 is served")
    expect_eq(c.stderr.count("ERR: topic hbad partition 1:"), 1, c.stderr)

    # A partition found corrupt by the consumer's own fetch goes offline under it: the
    # consume reports it (kpk looks at the metadata every second) instead of waiting.
    c = env.kpk("topic", "consume", "hread", "-o", ":end", timeout=30)
    expect_eq(c.returncode, 1, c.stderr)
    expect(c.stderr.startswith("ERR: topic hread partition 0: LEADER_NOT_AVAILABLE"), c.stderr)
    expect(c.elapsed < 15, f"reported after {c.elapsed:.1f}s")
    r = health(env)
    expect_eq(overview_rows(r.stdout)["Leaderless partitions:"], "[kafka/hbad/1 kafka/hread/0]",
              r.stdout)
    env.ok("topic", "delete", "hread")

    # Unhealthy while the partition is there; -e gives up at the command timeout with 10.
    w = health(env, "-e", settings={"globals.command_timeout": "3s"})
    expect_eq(w.returncode, 10, w.stderr)
    expect("still unhealthy after" in w.stderr, w.stderr)
    env.ok("topic", "delete", "hbad")
    r = health(env, "-e")
    expect_eq(r.returncode, 0, r.stderr + r.stdout)
    expect_eq(overview_rows(r.stdout)["Healthy:"], "true", r.stdout)


def describe_isr(env, topic):
    r = env.ok("topic", "describe", topic, "-p", "--format", "json")
    return json.loads(r.stdout)


def test_kafka_broker_down(env):
    if env.target.name != "kafka-split":
        print("  (three Apache Kafka brokers only)")
        return
    cluster = env.target.cluster
    no_admin = {"admin.hosts": f"127.0.0.1:{free_port()}"}
    env.ok("topic", "create", "hrep", "-p", "3", "-r", "3")
    victim = 3
    cluster.stop_node(victim)
    try:
        def unhealthy():
            r = health(env, settings=no_admin)
            if r.returncode != 10:
                return None
            rows = overview_rows(r.stdout)
            return rows if rows["Under-replicated partitions:"] == \
                "[kafka/hrep/0 kafka/hrep/1 kafka/hrep/2]" else None
        rows = wait_until(unhealthy, 60, interval=1, what="hrep under-replicated")
        expect_eq((rows["Nodes down:"], rows["All nodes:"], rows["Leaderless partitions:"]),
                  (f"[{victim}]", "[1 2 3]", "[]"), rows)
        expect_eq(rows["Unhealthy reasons:"], "[nodes_down under_replicated_partitions]", rows)
        doc = json.loads(health(env, "--format", "json", settings=no_admin).stdout)
        expect_eq((doc["under_replicated_count"], doc["nodes_down"]), (3, [victim]), doc)
    finally:
        cluster.start_node(victim)
    settings = dict(no_admin, **{"globals.command_timeout": "90s"})
    r = health(env, "-e", settings=settings, timeout=120)
    expect_eq(r.returncode, 0, r.stderr + r.stdout)
    last = r.stdout.split("CLUSTER HEALTH OVERVIEW")[-1]
    expect("Healthy:                          true" in last, r.stdout)


TESTS = [test_healthy_and_formats, test_offline_partition, test_kafka_broker_down]

if __name__ == "__main__":
    sys.exit(main(TESTS, TOPICS))
