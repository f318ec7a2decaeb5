"""Admin CLI commands against `kpk broker run`: cluster logdirs and info aliases; topic create,
list, describe, delete, alter-config, add-partitions and trim-prefix; group list, describe,
seek, delete and offset-delete; and the profile commands with the kpk.yaml they write.

Each command is checked for rpk's output shape (tables, sections, columns; see
shared/research/rpk.md sections 1-3 and 7) in text and, where the command has it, --format
json; for its effect, read back with another command; and for its exit codes: 1 with
"unable to <verb> ..." (or a failed status row) when a topic or group is missing, 2 for a bad
flag. Run with --target broker or --target kafka (Apache Kafka, one node); the mock cluster
has no admin APIs. Where Kafka's answer legitimately differs (its node id is 1, kpk's broker's
0; Kafka has the internal topic __consumer_offsets) the test branches on env.is_kafka.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time

import yaml

from cli_harness import ADMIN, GROUPS, TIMESTAMPS, expect, expect_eq, main, needs
from kpk_harness import KPK_BIN, wait_until

# Topics the tests start with ({name: partitions}); tests that create or delete topics use
# names of their own so that the tests stay independent.
TOPICS = {"desc": 3, "alter": 1, "grow": 1, "trim": 2, "gdesc": 2, "gseek": 2, "gdel": 1,
          "goffdel": 2, "logdirs": 2}


# --- output parsing -----------------------------------------------------------------------

def parse_table(text):
    """Parses an rpk-style table (upper-case header, space-padded columns, cells that may be
    empty) into a list of dicts, slicing each row at the header's column starts."""
    lines = [l for l in text.splitlines() if l.strip()]
    expect(lines, "empty table")
    header = lines[0]
    starts = [m.start() for m in re.finditer(r"\S+", header)]
    names = header.split()
    rows = []
    for line in lines[1:]:
        cells = []
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(line)
            cells.append(line[start:end].strip())
        rows.append(dict(zip(names, cells)))
    return rows


def sections(text):
    """Splits rpk's multi-section output ("NAME\\n====\\n<body>", blank line between) into
    {NAME: body}."""
    out = {}
    for m in re.finditer(r"^([A-Z][A-Z -]*)\n(=+)\n(.*?)(?=\n\n[A-Z][A-Z -]*\n=+\n|\Z)", text,
                         re.S | re.M):
        expect_eq(len(m.group(2)), len(m.group(1)), f"underline of {m.group(1)}")
        out[m.group(1)] = m.group(3)
    return out


def key_values(text):
    """A header-less KEY VALUE block (topic summary, group summary) as a dict."""
    out = {}
    for line in text.splitlines():
        if line.strip():
            key, _, value = line.partition(" ")
            out[key] = value.strip()
    return out


def status_rows(out, item):
    rows = parse_table(out)
    expect_eq(out.splitlines()[0].split(), [item, "STATUS"], "status table header")
    return {r[item]: r["STATUS"] for r in rows}


def expect_fail(result, code, stderr_prefix=None, what=""):
    expect_eq(result.returncode, code, f"{what} exit code (stderr: {result.stderr!r})")
    if stderr_prefix is not None:
        expect(result.stderr.startswith(stderr_prefix),
               f"{what}: stderr {result.stderr!r} does not start with {stderr_prefix!r}")


def produce(env, topic, values, *args):
    env.ok("topic", "produce", topic, "-o", "", *args, input="".join(v + "\n" for v in values))


def topic_names(env):
    return [r["NAME"] for r in parse_table(env.ok("topic", "list").stdout)]


def configs(env, topic):
    """{key: (value, source)} from `topic describe -c`."""
    out = env.ok("topic", "describe", topic, "-c").stdout
    expect_eq(out.splitlines()[0].split(), ["KEY", "VALUE", "SOURCE"], "configs header")
    return {r["KEY"]: (r["VALUE"], r["SOURCE"]) for r in parse_table(out)}


def partitions(env, topic):
    """[{PARTITION, LEADER, ..., LOG-START-OFFSET, HIGH-WATERMARK}] from `topic describe -p`."""
    out = env.ok("topic", "describe", topic, "-p").stdout
    expect_eq(out.splitlines()[0].split(),
              ["PARTITION", "LEADER", "EPOCH", "REPLICAS", "LOG-START-OFFSET", "HIGH-WATERMARK"],
              "partitions header")
    return parse_table(out)


def commits(env, group):
    """{(topic, partition): committed offset} from `group describe --format json`."""
    doc = json.loads(env.ok("group", "describe", group, "--format", "json").stdout)
    expect_eq(len(doc), 1, "one group described")
    return {(p["topic"], p["partition"]): p["current_offset"] for p in doc[0]["partitions"]}


def node_id(env):
    """The id of the target's one broker: 0 on kpk's broker, 1 on the Kafka test cluster (its
    node.id; Kafka has no node 0 unless configured so)."""
    brokers = json.loads(env.ok("cluster", "info", "-b", "--format", "json").stdout)["brokers"]
    expect_eq(len(brokers), 1, "one broker")
    return brokers[0]["id"]


def consume_in_group(env, topic, group, n):
    out = env.ok("topic", "consume", topic, "-g", group, "-n", str(n), "-f", "%v\\n", timeout=40)
    expect_eq(len(out.stdout.splitlines()), n, f"records read by {group}")


# --- cluster ------------------------------------------------------------------------------

@needs(ADMIN)
def test_cluster_logdirs_describe(env):
    # Uncompressed: three 100-byte values take at least 300 bytes however they are batched.
    produce(env, "logdirs", ["a" * 100] * 3, "-p", "1", "-z", "none")
    result = env.kpk("cluster", "logdirs", "describe")
    expect_eq(result.returncode, 0, f"logdirs: {result.stderr}")
    expect_eq(result.stdout.splitlines()[0].split(),
              ["BROKER", "DIR", "TOPIC", "PARTITION", "SIZE", "ERROR"], "rpk's logdirs header")
    rows = [r for r in parse_table(result.stdout) if r["TOPIC"] == "logdirs"]
    expect_eq(sorted(r["PARTITION"] for r in rows), ["0", "1"], "logdirs partitions")
    # Each broker names its own data directory: kpk's broker its --data-dir, Kafka its
    # log.dirs entry (the test cluster's node folder).
    if env.is_kafka:
        want_dir = os.path.join(env.target.cluster.brokers[0].folder, "data")
    else:
        want_dir = os.path.abspath(env.target.broker.data_dir)
    expect_eq({os.path.realpath(r["DIR"]) for r in rows}, {os.path.realpath(want_dir)},
              "the log dir")
    sizes = {r["PARTITION"]: int(r["SIZE"]) for r in rows}
    expect(sizes["1"] >= 300 and sizes["0"] == 0, sizes)
    agg = parse_table(env.ok("cluster", "logdirs", "describe", "--topics", "logdirs",
                             "--aggregate-into", "topic").stdout)
    expect_eq([(r["TOPIC"], int(r["SIZE"])) for r in agg], [("logdirs", sizes["1"])],
              "aggregated into the topic")
    doc = json.loads(env.ok("cluster", "logdirs", "describe", "--topics", "logdirs",
                            "--sort-by-size", "--format", "json").stdout)
    expect_eq([(d["topic"], d["partition"], d["size"]) for d in doc],
              [("logdirs", 1, sizes["1"]), ("logdirs", 0, 0)], "json, largest first")
    expect_fail(env.kpk("cluster", "logdirs", "describe", "--topics", "nope"), 1,
                "unable to describe log dirs: topic \"nope\" does not exist", "missing topic")
    expect_fail(env.kpk("cluster", "logdirs", "describe", "--aggregate-into", "rack"), 2,
                what="bad --aggregate-into")


def test_cluster_info_aliases(env):
    want = json.loads(env.ok("cluster", "info", "--format", "json").stdout)
    for alias in ("metadata", "status"):
        got = json.loads(env.ok("cluster", alias, "--format", "json").stdout)
        expect_eq(got, want, f"cluster {alias} --format json")
        expect_eq(env.ok("cluster", alias, "-t").stdout, env.ok("cluster", "info", "-t").stdout,
                  f"cluster {alias} -t")
    expect_fail(env.kpk("cluster", "metadata", "--bogus"), 2, what="bad flag on an alias")


@needs(ADMIN)
def test_cluster_brokers_list_needs_an_admin_api(env):
    """kpk's broker answers `cluster brokers list` on its Admin API. Apache Kafka has none: with
    admin.hosts pointing at its Kafka listener (which does not speak HTTP) the command fails
    at once, naming the host, instead of hanging."""
    if env.target.admin:
        rows = parse_table(env.ok("cluster", "brokers", "list",
                                  settings={"admin.hosts": env.target.admin}).stdout)
        expect_eq([(r["ID"], r["MEMBERSHIP"], r["IS-ALIVE"]) for r in rows],
                  [("0", "active", "true")], "brokers list rows")
    result = env.kpk("cluster", "brokers", "list",
                     settings={"admin.hosts": env.bootstrap, "globals.dial_timeout": "2s",
                               "globals.request_timeout_overhead": "2s"})
    expect_fail(result, 1, "unable to request brokers: ", "brokers list against a Kafka port")
    expect(env.bootstrap in result.stderr, f"the host is not named: {result.stderr!r}")
    expect(result.elapsed < 10, f"took {result.elapsed:.1f} s")


# --- topic create / list / delete ---------------------------------------------------------

@needs(ADMIN)
def test_topic_create(env):
    out = env.ok("topic", "create", "cr-a", "-p", "4").stdout
    expect_eq(out.splitlines()[0].split(), ["TOPIC", "STATUS"], "create header")
    expect_eq(status_rows(out, "TOPIC"), {"cr-a": "OK"}, "create rows")
    listed = {r["NAME"]: r for r in parse_table(env.ok("topic", "list").stdout)}
    expect_eq((listed["cr-a"]["PARTITIONS"], listed["cr-a"]["REPLICAS"]), ("4", "1"), "created")

    dup = env.kpk("topic", "create", "cr-a")
    expect_eq(dup.returncode, 1, "duplicate exit")
    expect(status_rows(dup.stdout, "TOPIC")["cr-a"].startswith("TOPIC_ALREADY_EXISTS"), dup.stdout)
    again = env.ok("topic", "create", "cr-a", "--if-not-exists").stdout
    expect_eq(status_rows(again, "TOPIC"), {"cr-a": "OK"}, "--if-not-exists")

    # One broker: replication factor 2 cannot be met; the row says why and the exit is 1.
    rf = env.kpk("topic", "create", "cr-rf", "-r", "2")
    expect_eq(rf.returncode, 1, "-r 2 exit")
    expect(status_rows(rf.stdout, "TOPIC")["cr-rf"].startswith("INVALID_REPLICATION_FACTOR"),
           rf.stdout)
    expect("cr-rf" not in topic_names(env), "-r 2 created nothing")

    env.ok("topic", "create", "cr-c", "-c", "cleanup.policy=compact", "-c", "retention.ms=12345")
    cfg = configs(env, "cr-c")
    expect_eq(cfg["cleanup.policy"], ("compact", "DYNAMIC_TOPIC_CONFIG"), "-c cleanup.policy")
    expect_eq(cfg["retention.ms"], ("12345", "DYNAMIC_TOPIC_CONFIG"), "-c retention.ms")
    expect_eq(cfg["segment.bytes"][1], "DEFAULT_CONFIG", "an unset key's source")

    dry = env.ok("topic", "create", "cr-dry", "-p", "2", "--dry").stdout
    expect_eq(status_rows(dry, "TOPIC"), {"cr-dry": "OK"}, "--dry validates")
    expect("cr-dry" not in topic_names(env), "--dry creates nothing")
    bad_dry = env.kpk("topic", "create", "cr-dry", "-r", "2", "--dry")
    expect_eq(bad_dry.returncode, 1, "--dry still reports errors")

    # Several topics: every row printed, exit 1 if any failed.
    mixed = env.kpk("topic", "create", "cr-b", "cr-a", "-c", "retention.ms=1000")
    expect_eq(mixed.returncode, 1, "partial failure exit")
    rows = status_rows(mixed.stdout, "TOPIC")
    expect_eq(rows["cr-b"], "OK", "the good topic")
    expect(rows["cr-a"].startswith("TOPIC_ALREADY_EXISTS"), rows)

    bad_cfg = env.kpk("topic", "create", "cr-bad", "-c", "no.such.key=1")
    expect_eq(bad_cfg.returncode, 1, "unknown config exit")
    expect(status_rows(bad_cfg.stdout, "TOPIC")["cr-bad"].startswith("INVALID_CONFIG"),
           bad_cfg.stdout)
    for args in (["-p", "0"], ["-c", "novalue"], ["--format", "json"], ["--bogus"]):
        expect_fail(env.kpk("topic", "create", "cr-x", *args), 2, what=f"create {args}")
    expect("cr-x" not in topic_names(env), "usage errors create nothing")


@needs(ADMIN)
def test_topic_list(env):
    for name, p in (("ls-one", 1), ("ls-two", 2), ("other-ls", 1)):
        env.ok("topic", "create", name, "-p", str(p))
    out = env.ok("topic", "list").stdout
    expect_eq(out.splitlines()[0].split(), ["NAME", "PARTITIONS", "REPLICAS"], "list header")
    rows = {r["NAME"]: (r["PARTITIONS"], r["REPLICAS"]) for r in parse_table(out)}
    expect_eq(rows["ls-two"], ("2", "1"), "ls-two row")
    expect_eq(rows["desc"], ("3", "1"), "desc row")
    names = [r["NAME"] for r in parse_table(out)]
    expect_eq(names, sorted(names), "sorted by name")
    node = node_id(env)
    expect_eq(env.ok("topic", "ls").stdout, out, "alias ls")
    if env.is_kafka:
        # Kafka keeps group commits in its internal topic __consumer_offsets, made by the
        # first commit (here a seek's, in case no test has committed yet), shown only with -i.
        path = os.path.join(env.home, "offsets.txt")
        with open(path, "w") as f:
            f.write("ls-one 0 0\n")
        env.ok("group", "seek", "ls-g", "--to-file", path)
        out = env.ok("topic", "list").stdout
        internal = parse_table(env.ok("topic", "list", "-i").stdout)
        expect("__consumer_offsets" not in [r["NAME"] for r in parse_table(out)], out)
        expect_eq([r for r in internal if r["NAME"] != "__consumer_offsets"], parse_table(out),
                  "-i adds only internal topics")
        expect_eq([r["NAME"] for r in internal if r["NAME"].startswith("__")],
                  ["__consumer_offsets"], "Kafka's internal topic with -i")
    else:
        # The broker shows no internal topics, so -i lists the same topics.
        expect_eq(env.ok("topic", "list", "-i").stdout, out, "-i")

    regex = env.ok("topic", "list", "-r", "ls-.*").stdout
    expect_eq([r["NAME"] for r in parse_table(regex)], ["ls-one", "ls-two"], "-r is anchored")
    two = env.ok("topic", "list", "-r", "ls-o.*", "other-.*").stdout
    expect_eq([r["NAME"] for r in parse_table(two)], ["ls-one", "other-ls"], "-r several")
    named = env.ok("topic", "list", "ls-two", "desc").stdout
    expect_eq(sorted(r["NAME"] for r in parse_table(named)), ["desc", "ls-two"], "named topics")

    detailed = env.ok("topic", "list", "-d", "-r", "ls-two").stdout
    expect(detailed.startswith("ls-two, 2 partitions, 1 replicas\n"), detailed)
    # rpk's EPOCH column: shown when some leader epoch is known (Metadata v7).
    expect(re.search(rf"^      PARTITION  LEADER  EPOCH  REPLICAS\n      0 +{node} +0 +\[{node}\]\n"
                     rf"      1 +{node} +0 +\[{node}\]$", detailed, re.M), detailed)

    doc = json.loads(env.ok("topic", "list", "--format", "json").stdout)
    entry = [t for t in doc if t["name"] == "ls-two"]
    expect_eq(entry, [{"name": "ls-two", "partitions": 2, "replicas": 1}], "json entry")
    ddoc = json.loads(env.ok("topic", "list", "-d", "-r", "ls-two", "--format", "json").stdout)
    expect_eq([p["partition"] for p in ddoc[0]["partition_list"]], [0, 1], "json -d")
    expect_eq(ddoc[0]["partition_list"][0]["replicas"], [node], "json -d replicas")
    # rpk's `json:"epoch,omitempty"`: epoch 0 is left out of the JSON, but not of the YAML.
    expect("epoch" not in ddoc[0]["partition_list"][0], f"json -d epoch 0: {ddoc}")
    ydoc = yaml.safe_load(env.ok("topic", "list", "-d", "-r", "ls-two", "--format", "yaml").stdout)
    expect_eq(ydoc[0]["partition_list"][0]["epoch"], 0, "yaml -d leader epoch")

    expect_fail(env.kpk("topic", "list", "-i", "-r", "ls-.*"), 2,
                "cannot list with internal topics and list by regular expression", "-i -r")
    expect_fail(env.kpk("topic", "list", "-r", "("), 2, "invalid regex", "bad regex")
    expect_fail(env.kpk("topic", "list", "--format", "xml"), 2, what="--format xml")


@needs(ADMIN)
def test_topic_delete(env):
    for name in ("del-a", "del-b", "del-c", "keep-del"):
        env.ok("topic", "create", name)
    out = env.ok("topic", "delete", "del-a").stdout
    expect_eq(status_rows(out, "TOPIC"), {"del-a": "OK"}, "delete")
    expect("del-a" not in topic_names(env), "deleted")

    regex = env.ok("topic", "delete", "-r", "del-.*").stdout
    expect_eq(status_rows(regex, "TOPIC"), {"del-b": "OK", "del-c": "OK"}, "delete -r")
    names = topic_names(env)
    expect("keep-del" in names and "del-b" not in names and "del-c" not in names, names)
    none = env.ok("topic", "delete", "-r", "del-.*")
    expect_eq(none.stdout, "did not match any topics, exiting.\n", "no match")

    missing = env.kpk("topic", "delete", "keep-del", "nope-del", "--format", "json")
    expect_eq(missing.returncode, 1, "missing topic exit")
    doc = json.loads(missing.stdout)
    by_topic = {d["topic"]: d["status"] for d in doc}
    expect_eq(by_topic["keep-del"], "OK", "json status")
    expect(by_topic["nope-del"].startswith("UNKNOWN_TOPIC_OR_PART"), doc)
    expect_eq(env.ok("topic", "rm", "-r", "keep-.*").returncode, 0, "alias rm")
    expect_fail(env.kpk("topic", "delete"), 2, what="no topics")
    expect_fail(env.kpk("topic", "delete", "-r", "(x"), 2, what="bad regex")


# --- topic describe -----------------------------------------------------------------------

@needs(ADMIN)
def test_topic_describe(env):
    produce(env, "desc", ["a", "b", "c", "d"], "-p", "1")
    produce(env, "desc", ["e"], "-p", "2")
    env.ok("topic", "trim-prefix", "desc", "-o", "1", "-p", "1", "--no-confirm")

    default = env.ok("topic", "describe", "desc").stdout
    secs = sections(default)
    expect_eq(list(secs), ["SUMMARY", "CONFIGS"], "default sections")
    expect_eq(key_values(secs["SUMMARY"]), {"NAME": "desc", "PARTITIONS": "3", "REPLICAS": "1"},
              "summary")
    expect_eq(secs["CONFIGS"].splitlines()[0].split(), ["KEY", "VALUE", "SOURCE"], "configs header")
    cfg = {r["KEY"]: r for r in parse_table(secs["CONFIGS"])}
    expect_eq((cfg["cleanup.policy"]["VALUE"], cfg["cleanup.policy"]["SOURCE"]),
              ("delete", "DEFAULT_CONFIG"), "cleanup.policy")
    expect_eq(list(cfg), sorted(cfg), "configs sorted by key")

    # One section: no header (rpk's NewMaybeHeaderSections).
    summary = env.ok("topic", "describe", "desc", "-s").stdout
    expect(summary.startswith("NAME"), summary)
    expect_eq(key_values(summary)["PARTITIONS"], "3", "-s")
    expect(env.ok("topic", "describe", "desc", "-c").stdout.startswith("KEY"), "-c alone")
    parts = {r["PARTITION"]: r for r in partitions(env, "desc")}
    expect_eq(sorted(parts), ["0", "1", "2"], "partition rows")
    expect_eq({p: (r["LOG-START-OFFSET"], r["HIGH-WATERMARK"]) for p, r in parts.items()},
              {"0": ("0", "0"), "1": ("1", "4"), "2": ("0", "1")}, "log start and high watermark")
    node = node_id(env)
    expect_eq((parts["1"]["LEADER"], parts["1"]["REPLICAS"]), (str(node), f"[{node}]"),
              "leader, replicas")
    # The broker's Metadata v7+ answer, asked for with kpk's own codec (librdkafka 2.0 hides it).
    expect_eq({r["EPOCH"] for r in parts.values()}, {"0"}, "leader epochs")

    everything = env.ok("topic", "describe", "desc", "-a").stdout
    expect_eq(list(sections(everything)), ["SUMMARY", "CONFIGS", "PARTITIONS"], "-a sections")
    expect_eq(env.ok("topic", "info", "desc", "-s", "-p").stdout.count("=====\n"), 2, "alias info")

    doc = json.loads(env.ok("topic", "describe", "desc", "--format", "json").stdout)
    expect_eq(len(doc), 1, "one topic")
    expect_eq(list(doc[0]), ["summary", "configs", "partitions"], "json keys (rpk's)")
    summary = doc[0]["summary"]
    expect_eq((summary["name"], summary["partitions"], summary["replicas"]), ("desc", 3, 1), "json")
    jcfg = {c["key"]: (c["value"], c["source"]) for c in doc[0]["configs"]}
    expect_eq(jcfg["cleanup.policy"], ("delete", "DEFAULT_CONFIG"), "json config")
    expect_eq(doc[0]["partitions"][1],
              {"partition": 1, "leader": node, "epoch": 0, "replicas": [node],
               "log_start_offset": 1, "high_watermark": 4}, "json partition")

    # Several topics: every section for each, in order; -r matches by expression.
    two = env.ok("topic", "describe", "desc", "alter").stdout
    expect_eq(two.count("SUMMARY\n=======\n"), 2, "two topics")
    expect_eq(two.count("PARTITIONS\n==========\n"), 2, "partitions for each")
    regex = json.loads(env.ok("topic", "describe", "-r", "des.", "--format", "json").stdout)
    expect_eq([d["summary"]["name"] for d in regex], ["desc"], "-r")

    missing = env.kpk("topic", "describe", "nope-desc")
    expect_fail(missing, 1, 'unable to describe topic "nope-desc": UNKNOWN_TOPIC_OR_PART',
                "missing")
    expect_eq(missing.stdout, "", "nothing on stdout for a missing topic")
    partial = env.kpk("topic", "describe", "desc", "nope-desc", "-s")
    expect_eq(partial.returncode, 1, "one missing of two")
    expect("NAME        desc" in partial.stdout, partial.stdout)
    expect_fail(env.kpk("topic", "describe"), 2, what="no topic")


# --- topic alter-config / add-partitions / trim-prefix ------------------------------------

@needs(ADMIN)
def test_topic_alter_config(env):
    out = env.ok("topic", "alter-config", "alter", "--set", "retention.ms=5000",
                 "--set", "cleanup.policy=compact").stdout
    expect_eq(status_rows(out, "TOPIC"), {"alter": "OK"}, "--set")
    cfg = configs(env, "alter")
    expect_eq(cfg["retention.ms"], ("5000", "DYNAMIC_TOPIC_CONFIG"), "set retention.ms")
    expect_eq(cfg["cleanup.policy"], ("compact", "DYNAMIC_TOPIC_CONFIG"), "set cleanup.policy")

    env.ok("topic", "alter-config", "alter", "--append", "cleanup.policy=delete")
    expect_eq(configs(env, "alter")["cleanup.policy"][0], "compact,delete", "--append")
    env.ok("topic", "alter-config", "alter", "--append", "cleanup.policy=delete")
    expect_eq(configs(env, "alter")["cleanup.policy"][0], "compact,delete", "append is a set")
    env.ok("topic", "alter-config", "alter", "--subtract", "cleanup.policy=compact")
    expect_eq(configs(env, "alter")["cleanup.policy"], ("delete", "DYNAMIC_TOPIC_CONFIG"),
              "--subtract")
    expect_eq(configs(env, "alter")["retention.ms"][0], "5000", "other keys kept")

    dry = env.ok("topic", "alter-config", "alter", "--set", "retention.ms=1", "--dry").stdout
    expect_eq(status_rows(dry, "TOPIC"), {"alter": "OK"}, "--dry")
    expect_eq(configs(env, "alter")["retention.ms"][0], "5000", "--dry changes nothing")

    doc = json.loads(env.ok("topic", "alter-config", "alter", "--delete", "retention.ms",
                            "--format", "json").stdout)
    expect_eq(doc, [{"topic": "alter", "status": "OK"}], "json")
    expect_eq(configs(env, "alter")["retention.ms"], ("604800000", "DEFAULT_CONFIG"),
              "--delete reverts to the default")

    missing = env.kpk("topic", "alter-config", "nope-alter", "--set", "retention.ms=1")
    expect_eq(missing.returncode, 1, "missing topic exit")
    expect(status_rows(missing.stdout, "TOPIC")["nope-alter"].startswith("UNKNOWN_TOPIC_OR_PART"),
           missing.stdout)
    bad = env.kpk("topic", "alter-config", "alter", "--set", "no.such.key=1")
    expect_eq(bad.returncode, 1, "unknown key exit")
    expect(status_rows(bad.stdout, "TOPIC")["alter"].startswith("INVALID_CONFIG"), bad.stdout)
    expect_fail(env.kpk("topic", "alter-config", "alter"), 2, "nothing to alter", "no edits")
    expect_fail(env.kpk("topic", "alter-config", "alter", "--set", "x"), 2, what="--set x")
    expect_fail(env.kpk("topic", "alter-config", "alter", "--set", "retention.ms=1",
                        "--delete", "retention.ms"), 2, what="set and delete one key")


@needs(ADMIN)
def test_topic_add_partitions(env):
    out = env.ok("topic", "add-partitions", "grow", "-n", "2").stdout
    expect_eq(status_rows(out, "TOPIC"), {"grow": "OK"}, "add-partitions")
    expect_eq(key_values(env.ok("topic", "describe", "grow", "-s").stdout)["PARTITIONS"], "3",
              "1 + 2 partitions")
    expect_eq([r["PARTITION"] for r in partitions(env, "grow")], ["0", "1", "2"], "new partitions")
    produce(env, "grow", ["x"], "-p", "2")  # the new partition takes records
    expect_eq(partitions(env, "grow")[2]["HIGH-WATERMARK"], "1", "produced to partition 2")

    doc = json.loads(env.ok("topic", "add-partitions", "grow", "--num", "1", "--format",
                            "json").stdout)
    expect_eq(doc, [{"topic": "grow", "status": "OK"}], "json")
    missing = env.kpk("topic", "add-partitions", "nope-grow", "-n", "1")
    expect_eq(missing.returncode, 1, "missing topic exit")
    expect(status_rows(missing.stdout, "TOPIC")["nope-grow"].startswith("UNKNOWN_TOPIC_OR_PART"),
           missing.stdout)
    expect_fail(env.kpk("topic", "add-partitions", "grow", "-n", "0"), 2, what="-n 0")
    expect_fail(env.kpk("topic", "add-partitions", "grow"), 2, what="no -n")
    expect_eq(key_values(env.ok("topic", "describe", "grow", "-s").stdout)["PARTITIONS"], "4",
              "failed calls added nothing")


@needs(ADMIN)
def test_topic_trim_prefix(env):
    produce(env, "trim", [f"r{i}" for i in range(6)], "-p", "0")
    produce(env, "trim", [f"s{i}" for i in range(2)], "-p", "1")

    # Without --no-confirm there is no terminal to ask on: refused, nothing trimmed.
    closed = env.kpk("topic", "trim-prefix", "trim", "-o", "3", "-p", "0", stdin=subprocess.DEVNULL)
    expect_fail(closed, 1, 'unable to trim topic "trim": confirmation needs a terminal', "closed")
    expect_eq(parse_table(closed.stdout),
              [{"TOPIC": "trim", "PARTITION": "0", "NEW-START-OFFSET": "3"}], "the plan is shown")
    piped = env.kpk("topic", "trim-prefix", "trim", "-o", "3", input="n\n")
    expect_fail(piped, 1, 'unable to trim topic "trim": confirmation needs a terminal', "piped")
    # On a terminal (script(1) gives it one), "n" declines: nothing trimmed, exit 0 as rpk.
    said_no = subprocess.run(
        ["script", "-qec", f"{KPK_BIN} -X brokers={env.bootstrap} topic trim-prefix trim -o 3",
         "/dev/null"], input="n\n", capture_output=True, text=True, timeout=20)
    expect_eq(said_no.returncode, 0, "answer n exit (rpk: out.Exit)")
    expect("Trimming canceled." in said_no.stdout, said_no.stdout)
    expect_eq(partitions(env, "trim")[0]["LOG-START-OFFSET"], "0", "nothing trimmed without yes")

    out = env.ok("topic", "trim-prefix", "trim", "-o", "3", "-p", "0", "--no-confirm").stdout
    expect_eq(out.splitlines()[0].split(), ["TOPIC", "PARTITION", "NEW-START-OFFSET", "ERROR"],
              "trim header")
    expect_eq(parse_table(out),
              [{"TOPIC": "trim", "PARTITION": "0", "NEW-START-OFFSET": "3", "ERROR": ""}], "rows")
    parts = partitions(env, "trim")
    expect_eq([(p["LOG-START-OFFSET"], p["HIGH-WATERMARK"]) for p in parts],
              [("3", "6"), ("0", "2")], "only partition 0 trimmed")
    left = env.ok("topic", "consume", "trim", "-p", "0", "-o", ":end", "-f", "%o:%v\\n").stdout
    expect_eq(left.splitlines(), ["3:r3", "4:r4", "5:r5"], "records below 3 are gone")

    doc = json.loads(env.ok("topic", "trim", "trim", "-o", "end", "--no-confirm",
                            "--format", "json").stdout)
    expect_eq(sorted((d["partition"], d["new_start_offset"]) for d in doc), [(0, 6), (1, 2)],
              "-o end trims every partition to its high watermark")
    expect(all("error" not in d for d in doc), doc)
    expect_eq([p["LOG-START-OFFSET"] for p in partitions(env, "trim")], ["6", "2"], "after end")

    beyond = env.kpk("topic", "trim-prefix", "trim", "-o", "99", "-p", "1", "--no-confirm")
    expect_eq(beyond.returncode, 1, "beyond the high watermark exit")
    row = parse_table(beyond.stdout)[0]
    expect_eq(row["NEW-START-OFFSET"], "-", "no new start")
    expect(row["ERROR"].startswith("OFFSET_OUT_OF_RANGE"), row)
    expect_fail(env.kpk("topic", "trim-prefix", "nope-trim", "-o", "1", "--no-confirm"), 1,
                'unable to trim topic "nope-trim": UNKNOWN_TOPIC_OR_PART', "missing topic")
    expect_fail(env.kpk("topic", "trim-prefix", "trim", "-o", "1", "-p", "7", "--no-confirm"), 1,
                'unable to trim topic "trim"', "missing partition")
    expect_fail(env.kpk("topic", "trim-prefix", "trim", "-o", "-1", "--no-confirm"), 2,
                what="negative offset")
    expect_fail(env.kpk("topic", "trim-prefix", "trim", "--no-confirm"), 2, what="no -o")


# --- groups -------------------------------------------------------------------------------

@needs(GROUPS)
def test_group_list_and_describe(env):
    produce(env, "gdesc", ["a", "b", "c"], "-p", "0")
    produce(env, "gdesc", ["d"], "-p", "1")
    consume_in_group(env, "gdesc", "gd-1", 4)
    produce(env, "gdesc", ["e", "f"], "-p", "0")  # lag 2 on partition 0

    out = env.ok("group", "list").stdout
    expect_eq(out.splitlines()[0].split(), ["BROKER", "GROUP", "STATE"], "rpk's list header")
    rows = {r["GROUP"]: r for r in parse_table(out)}
    node = node_id(env)
    expect_eq((rows["gd-1"]["BROKER"], rows["gd-1"]["STATE"]), (str(node), "Empty"), "gd-1 row")
    expect_eq(env.ok("group", "ls").stdout, out, "alias ls")
    empty = [r["GROUP"] for r in parse_table(env.ok("group", "list", "-s", "empty,dead").stdout)]
    expect("gd-1" in empty, empty)
    stable = [r["GROUP"] for r in parse_table(env.ok("group", "list", "-s", "Stable").stdout)]
    expect("gd-1" not in stable, stable)
    doc = json.loads(env.ok("group", "list", "--format", "json").stdout)
    expect({"broker": node, "group": "gd-1", "state": "Empty"} in doc, doc)
    expect_fail(env.kpk("group", "list", "-s", "Sleeping"), 2, "invalid group state", "bad state")

    desc = env.ok("group", "describe", "gd-1").stdout
    summary, _, table = desc.partition("\n\n")
    # The last member left, so the group's generation has no protocol (Kafka's
    # initNextGeneration clears it): BALANCER is empty. test_group_delete sees a live one.
    expect_eq(key_values(summary), {"GROUP": "gd-1", "COORDINATOR": str(node), "STATE": "Empty",
                                    "BALANCER": "", "MEMBERS": "0",
                                    "TOTAL-LAG": "2"}, "summary")
    expect_eq(table.splitlines()[0].split(),
              ["TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-START-OFFSET", "LOG-END-OFFSET", "LAG",
               "MEMBER-ID", "CLIENT-ID", "HOST"], "commits header")
    got = [(r["TOPIC"], r["PARTITION"], r["CURRENT-OFFSET"], r["LOG-START-OFFSET"],
            r["LOG-END-OFFSET"], r["LAG"], r["MEMBER-ID"]) for r in parse_table(table)]
    expect_eq(got, [("gdesc", "0", "3", "0", "5", "2", ""), ("gdesc", "1", "1", "0", "1", "0", "")],
              "commit rows")

    only_summary = env.ok("group", "describe", "gd-1", "-s").stdout
    expect_eq(only_summary, summary + "\n", "-s prints only the summary")
    only_commits = env.ok("group", "describe", "gd-1", "-c").stdout
    expect_eq(only_commits, table, "-c prints only the commits")
    per_topic = env.ok("group", "describe", "gd-1", "-t").stdout
    expect(per_topic.startswith(summary + "\n\n"), per_topic)
    expect_eq(parse_table(per_topic.split("\n\n")[1]), [{"TOPIC": "gdesc", "LAG": "2"}], "-t")

    doc = json.loads(env.ok("group", "describe", "gd-1", "--format", "json").stdout)
    expect_eq(len(doc), 1, "one group")
    expect_eq({k: v for k, v in doc[0].items() if k != "partitions"},
              {"group": "gd-1", "coordinator": node, "state": "Empty",
               "balancer": "", "members": 0, "total_lag": 2}, "json summary")
    expect_eq(doc[0]["partitions"][0],
              {"topic": "gdesc", "partition": 0, "current_offset": 3, "log_start_offset": 0,
               "log_end_offset": 5, "lag": 2, "member_id": "", "client_id": "", "host": ""},
              "json partition")

    # Kafka describes an unknown group as Dead with no members, not as an error.
    dead = key_values(env.ok("group", "describe", "gd-nope", "-s").stdout)
    expect_eq((dead["STATE"], dead["MEMBERS"], dead["TOTAL-LAG"]), ("Dead", "0", "0"), "unknown")
    expect_fail(env.kpk("group", "describe", "gd-1", "-s", "-c"), 2, what="-s -c")
    expect_fail(env.kpk("group", "describe"), 2, what="no group")


@needs(GROUPS, TIMESTAMPS)
def test_group_seek(env):
    now_ms = int(time.time() * 1000)
    base = now_ms - 100000
    # Partition 0: timestamps base, base+10s, ... base+40s; partition 1: two records.
    lines = "".join(f"{base + i * 10000} v{i}\n" for i in range(5))
    env.ok("topic", "produce", "gseek", "-p", "0", "-f", "%d %v\\n", "-o", "", input=lines)
    produce(env, "gseek", ["w0", "w1"], "-p", "1")
    consume_in_group(env, "gseek", "gs-1", 7)
    expect_eq(commits(env, "gs-1"), {("gseek", 0): 5, ("gseek", 1): 2}, "consumed to the end")

    out = env.ok("group", "seek", "gs-1", "--to", "start").stdout
    expect_eq(out.splitlines()[0].split(), ["TOPIC", "PARTITION", "PRIOR-OFFSET", "CURRENT-OFFSET"],
              "seek header")
    expect_eq([(r["PARTITION"], r["PRIOR-OFFSET"], r["CURRENT-OFFSET"]) for r in parse_table(out)],
              [("0", "5", "0"), ("1", "2", "0")], "seek rows")
    expect_eq(commits(env, "gs-1"), {("gseek", 0): 0, ("gseek", 1): 0}, "--to start")

    doc = json.loads(env.ok("group", "seek", "gs-1", "--to", "end", "--format", "json").stdout)
    expect_eq(sorted((d["partition"], d["prior_offset"], d["current_offset"]) for d in doc),
              [(0, 0, 5), (1, 0, 2)], "json --to end")
    expect_eq(set(doc[0]), {"topic", "partition", "prior_offset", "current_offset"}, "json keys")

    # A timestamp (13-digit ms, then 10-digit s) seeks to the first record at or after it;
    # partition 1's records are newer than both, so it goes to its first record.
    env.ok("group", "seek", "gs-1", "--to", str(base + 15000))
    expect_eq(commits(env, "gs-1"), {("gseek", 0): 2, ("gseek", 1): 0}, "--to ms")
    env.ok("group", "seek", "gs-1", "--to", str((base + 30000) // 1000 + 1))
    expect_eq(commits(env, "gs-1")[("gseek", 0)], 4, "--to seconds")
    env.ok("group", "seek", "gs-1", "--to", str(now_ms + 3600 * 1000))
    expect_eq(commits(env, "gs-1"), {("gseek", 0): 5, ("gseek", 1): 2}, "a future time: the end")

    # --to-file: lines of "topic partition offset"; it can also give a new group its commits.
    path = os.path.join(env.home, "offsets.txt")
    with open(path, "w") as f:
        f.write("gseek 0 4\n\ngseek\t1 1\n")
    env.ok("group", "seek", "gs-1", "--to-file", path)
    expect_eq(commits(env, "gs-1"), {("gseek", 0): 4, ("gseek", 1): 1}, "--to-file")
    with open(path, "w") as f:
        f.write("gseek 0 1\n")
    out = env.ok("group", "seek", "gs-2", "--to-file", path).stdout
    expect_eq(parse_table(out), [{"TOPIC": "gseek", "PARTITION": "0", "PRIOR-OFFSET": "-",
                                  "CURRENT-OFFSET": "1"}], "no prior commit prints -")
    expect_eq(commits(env, "gs-2"), {("gseek", 0): 1}, "gs-2 has one commit")

    # --to-group moves only the partitions the other group committed; --topics filters.
    to_group = env.ok("group", "seek", "gs-1", "--to-group", "gs-2").stdout
    expect_eq([(r["PARTITION"], r["PRIOR-OFFSET"], r["CURRENT-OFFSET"])
               for r in parse_table(to_group)], [("0", "4", "1")], "--to-group")
    expect_eq(commits(env, "gs-1"), {("gseek", 0): 1, ("gseek", 1): 1}, "after --to-group")
    env.ok("group", "seek", "gs-1", "--to", "end", "--topics", "gseek")
    expect_eq(commits(env, "gs-1"), {("gseek", 0): 5, ("gseek", 1): 2}, "--topics")
    expect_fail(env.kpk("group", "seek", "gs-1", "--to", "start", "--topics", "logdirs"), 1,
                'unable to seek group "gs-1": group has no commits for topic "logdirs"',
                "a topic the group never committed")

    with open(path, "w") as f:
        f.write("gseek 0 oops\n")
    expect_fail(env.kpk("group", "seek", "gs-1", "--to-file", path), 1,
                'unable to seek group "gs-1": ', "bad file")
    expect_fail(env.kpk("group", "seek", "gs-1", "--to-file", path + ".missing"), 1,
                'unable to seek group "gs-1": ', "missing file")
    expect_eq(commits(env, "gs-1"), {("gseek", 0): 5, ("gseek", 1): 2}, "failed seeks move nothing")

    expect_fail(env.kpk("group", "seek", "gs-1", "--to", "end", "--topics", "nope-seek"), 1,
                'unable to seek group "gs-1": ', "missing topic")
    for args in (["--to", "yesterday"], ["--to", "123"], [], ["--to", "end", "--to-group", "x"]):
        expect_fail(env.kpk("group", "seek", "gs-1", *args), 2, what=f"seek {args}")


@needs(GROUPS)
def test_group_delete(env):
    produce(env, "gdel", ["a", "b"])
    consume_in_group(env, "gdel", "gx-empty", 2)
    proc = subprocess.Popen([KPK_BIN, "-X", f"brokers={env.bootstrap}", "topic", "consume", "gdel",
                             "-g", "gx-live", "-f", "%v\\n"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                            env={**os.environ, "HOME": env.home, "XDG_CONFIG_HOME": env.config_dir})
    try:
        expect_eq(proc.stdout.readline(), "a\n", "the live member reads")

        def stable():
            listed = parse_table(env.ok("group", "list", "-s", "Stable").stdout + "\n")
            return any(r["GROUP"] == "gx-live" for r in listed)
        wait_until(stable, 20, interval=0.2, what="gx-live to be Stable")
        live = key_values(env.ok("group", "describe", "gx-live", "-s").stdout)
        expect_eq((live["STATE"], live["BALANCER"], live["MEMBERS"]),
                  ("Stable", "cooperative-sticky", "1"), "a live group's summary")

        busy = env.kpk("group", "delete", "gx-live")
        expect_eq(busy.returncode, 1, "deleting a group with a member")
        expect(status_rows(busy.stdout, "GROUP")["gx-live"].startswith("NON_EMPTY_GROUP"),
               busy.stdout)
        # Only members may commit for a group that has members (Kafka: UNKNOWN_MEMBER_ID),
        # which kpk reports in rpk's words.
        seek_busy = env.kpk("group", "seek", "gx-live", "--to", "start", "--topics", "gdel",
                            "--allow-new-topics")
        expect_eq(seek_busy.returncode, 1, f"seeking a group with a member: {seek_busy.stdout}")
        expect("INVALID_OPERATION: seeking a non-empty group is not allowed." in seek_busy.stdout,
               seek_busy)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
            raise
    expect_eq(proc.returncode, 0, "the consumer leaves on SIGTERM")

    out = env.ok("group", "delete", "gx-live", "gx-empty").stdout
    expect_eq(out.splitlines()[0].split(), ["GROUP", "STATUS"], "delete header")
    expect_eq(status_rows(out, "GROUP"), {"gx-live": "OK", "gx-empty": "OK"}, "deleted")
    groups = [r["GROUP"] for r in parse_table(env.ok("group", "list").stdout + "\n")]
    expect("gx-live" not in groups and "gx-empty" not in groups, groups)
    expect_eq(commits(env, "gx-empty"), {}, "a deleted group's commits are gone")

    missing = env.kpk("group", "delete", "gx-nope", "--format", "json")
    expect_eq(missing.returncode, 1, "missing group exit")
    doc = json.loads(missing.stdout)
    expect_eq(len(doc), 1, doc)
    expect_eq(doc[0]["group"], "gx-nope", "json group")
    expect(doc[0]["status"].startswith("GROUP_ID_NOT_FOUND"), doc)
    expect_fail(env.kpk("group", "delete"), 2, what="no group")


@needs(GROUPS)
def test_group_offset_delete(env):
    produce(env, "goffdel", ["a"], "-p", "0")
    produce(env, "goffdel", ["b"], "-p", "1")
    consume_in_group(env, "goffdel", "go-1", 2)
    expect_eq(commits(env, "go-1"), {("goffdel", 0): 1, ("goffdel", 1): 1}, "committed")

    out = env.ok("group", "offset-delete", "go-1", "-t", "goffdel:0").stdout
    expect_eq(out.splitlines()[0].split(), ["TOPIC", "PARTITION", "STATUS"], "header")
    expect_eq(parse_table(out), [{"TOPIC": "goffdel", "PARTITION": "0", "STATUS": "OK"}], "rows")
    expect_eq(commits(env, "go-1"), {("goffdel", 1): 1}, "partition 0's commit is gone")

    consume_in_group(env, "goffdel", "go-2", 2)
    path = os.path.join(env.home, "parts.txt")
    with open(path, "w") as f:
        f.write("goffdel 1\n")
    doc = json.loads(env.ok("group", "offset-delete", "go-2", "--from-file", path,
                            "--format", "json").stdout)
    expect_eq(doc, [{"topic": "goffdel", "partition": 1, "status": "OK"}], "json --from-file")
    expect_eq(commits(env, "go-2"), {("goffdel", 0): 1}, "after --from-file")
    env.ok("group", "offset-delete", "go-2", "-t", "goffdel")
    expect_eq(commits(env, "go-2"), {}, "whole topic")

    expect_fail(env.kpk("group", "offset-delete", "go-1", "-t", "nope-od"), 1,
                'unable to delete group offsets: topic "nope-od" does not exist', "missing topic")
    expect_fail(env.kpk("group", "offset-delete", "go-1"), 2, what="nothing to delete")
    expect_fail(env.kpk("group", "offset-delete", "go-1", "-t", "goffdel:x"), 1,
                "unable to delete group offsets: invalid partition", "bad partition")


# --- profiles -----------------------------------------------------------------------------

def profile_file(env):
    path = os.path.join(env.config_dir, "kpk", "kpk.yaml")
    with open(path) as f:
        return yaml.safe_load(f)


def test_profiles(env):
    p = lambda *a, **kw: env.kpk("profile", *a, brokers=False, **kw)  # noqa: E731
    ok = lambda *a, **kw: env.ok("profile", *a, brokers=False, **kw)  # noqa: E731
    expect_eq(ok("current").stdout, "\n", "no profile yet")
    expect_eq(ok("list").stdout.split(), ["NAME", "DESCRIPTION"], "empty list")
    expect(not os.path.exists(os.path.join(env.config_dir, "kpk")),
           "read-only commands write nothing")

    out = ok("create", "dev", "--set", f"brokers={env.bootstrap}", "-s", "admin.hosts=127.0.0.1:1",
             "-d", "Dev cluster").stdout
    expect_eq(out, 'Created and switched to new profile "dev".\n', "create")
    # SASL keys in any order (sasl.mechanism before user used to be refused).
    ok("create", "prod", "-s", "sasl.mechanism=SCRAM-SHA-256", "-s", "user=u", "-s", "pass=p",
       "-s", "brokers=10.0.0.1:9092,10.0.0.2:9092", "-s", "tls.enabled=true")
    doc = profile_file(env)
    expect_eq(list(doc), ["version", "current_profile", "profiles"], "file keys")
    expect_eq((doc["version"], doc["current_profile"]), (1, "prod"), "create switches")
    expect_eq(doc["profiles"][0], {"name": "dev", "description": "Dev cluster",
                                   "kafka_api": {"brokers": [env.bootstrap]},
                                   "admin_api": {"addresses": ["127.0.0.1:1"]}}, "dev in the file")
    expect_eq(doc["profiles"][1]["kafka_api"],
              {"brokers": ["10.0.0.1:9092", "10.0.0.2:9092"], "tls": {"enabled": True},
               "sasl": {"mechanism": "SCRAM-SHA-256", "user": "u", "password": "p"}},
              "prod kafka_api")

    dup = p("create", "dev")
    expect_fail(dup, 1, 'unable to create profile: profile "dev" already exists', "duplicate")
    listed = parse_table(ok("list").stdout)
    expect_eq(listed, [{"NAME": "dev", "DESCRIPTION": "Dev cluster"},
                       {"NAME": "prod*", "DESCRIPTION": ""}], "list marks the current profile")
    expect_eq(json.loads(ok("list", "--format", "json").stdout),
              [{"name": "dev", "description": "Dev cluster", "current": False},
               {"name": "prod", "description": "", "current": True}], "list json")
    expect_eq(ok("current").stdout, "prod\n", "current")

    expect_eq(ok("use", "dev").stdout, 'Set current profile to "dev".\n', "use")
    expect_eq(ok("current", "-n").stdout, "dev", "current -n")
    expect_eq(profile_file(env)["current_profile"], "dev", "use is saved")
    expect_fail(p("use", "nope"), 1, 'unable to use profile: profile "nope" does not exist', "use")
    env.ok("cluster", "info", "-b", brokers=False)  # the selected profile reaches the broker

    printed = yaml.safe_load(ok("print").stdout)
    expect_eq(printed, profile_file(env)["profiles"][0], "print = the file's entry")
    expect_eq(yaml.safe_load(ok("print", "prod").stdout)["kafka_api"]["sasl"]["user"], "u",
              "print NAME")
    expect_fail(p("print", "nope"), 1, 'unable to find profile: profile "nope" does not exist',
                "print missing")

    out = ok("set", "description=changed", "admin_api.addresses=127.0.0.1:2").stdout
    expect_eq(out, 'Profile "dev" updated successfully.\n', "set")
    # Dependent keys in one call, in any order; a yaml path works as a key.
    ok("set", "kafka_api.sasl.mechanism=PLAIN", "user=alice", "pass=x")
    ok("set", "pass", "pw")  # the "key value" form
    expect_fail(p("set", "user="), 1, 'unable to update profile "dev": sasl.mechanism needs user',
                "removing a key another needs")
    dev = profile_file(env)["profiles"][0]
    expect_eq(dev["description"], "changed", "set description")
    expect_eq(dev["admin_api"], {"addresses": ["127.0.0.1:2"]}, "set admin address")
    expect_eq(dev["kafka_api"]["sasl"], {"mechanism": "PLAIN", "user": "alice", "password": "pw"},
              "set sasl")
    expect_fail(p("set", "no.such.key=1"), 1, 'unable to update profile "dev": unknown profile key',
                "set unknown key")
    expect_fail(p("set", "tls.enabled=maybe"), 1, 'unable to update profile "dev": ', "bad value")
    expect_eq(profile_file(env)["profiles"][0], dev, "failed sets change nothing")

    # EDITOR=true leaves the file as written: the profile must survive the round trip.
    edited = ok("edit", "prod", env={"EDITOR": "true"}).stdout
    expect_eq(edited, 'Profile "prod" updated successfully.\n', "edit")
    expect_eq(profile_file(env)["profiles"][1]["kafka_api"]["sasl"]["user"], "u", "edit kept prod")
    expect_fail(p("edit", "prod", env={"EDITOR": "false"}), 1, "unable to edit profile: editor",
                "failing editor")

    expect_eq(ok("rename-to", "dev2").stdout, 'Renamed profile "dev" to "dev2".\n', "rename-to")
    expect_fail(p("rename-to", "prod"), 1,
                'unable to rename profile: profile "prod" already exists', "rename onto another")
    doc = profile_file(env)
    expect_eq((doc["current_profile"], [x["name"] for x in doc["profiles"]]),
              ("dev2", ["dev2", "prod"]), "renamed in the file")

    out = ok("delete", "dev2").stdout
    expect(out.startswith('Deleted profile "dev2".\n'), out)
    expect_fail(p("delete", "dev2"), 1,
                'unable to delete profile: profile "dev2" does not exist', "delete twice")
    doc = profile_file(env)
    expect_eq((doc["current_profile"], [x["name"] for x in doc["profiles"]]), ("", ["prod"]),
              "after delete")
    expect_eq(ok("current").stdout, "\n", "no current profile")
    expect_fail(p("set", "brokers=x:1"), 1, "unable to find profile", "set without a profile")
    for args in (["create"], ["use"], ["nosuchverb"], ["list", "--format", "xml"],
                 ["create", "x", "--set", "novalue"]):
        expect_fail(p(*args), 2, what=f"profile {args}")


TESTS = [v for k, v in sorted(globals().items()) if k.startswith("test_")]

if __name__ == "__main__":
    sys.exit(main(TESTS, TOPICS))
