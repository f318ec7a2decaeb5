"""Golden shapes of kpk's --format json|yaml documents, against `kpk broker run`, and what
`--format help` prints: the field names, their order, nesting and value types must be those of
the Go structs rpk marshals (cited per command below, from redpanda-data/redpanda
src/go/rpk), and `--format help` must print rpk's rendering of those structs
(src/go/rpk/pkg/config/format.go, formatType: `name: type[,omitempty]`, two spaces a level,
`[]{` ... `}` for a slice of structs).

In rpk only `topic list`, `topic describe` and `cluster partitions list` have such shapes
(`group describe`, `group list`, `cluster info` and `cluster logdirs` have no --format there);
kpk's `cluster info --format json` gives its topics in `topic list`'s shape, checked here too.
"""
import json
import os
import sys
import tempfile

import yaml

from kpk_harness import Broker, kpk, wait_until


class Opt:
    """A field Go leaves out when empty (`,omitempty`)."""

    def __init__(self, shape):
        self.shape = shape


class Nullable:
    """A Go slice that may be nil: JSON null (YAML still [])."""

    def __init__(self, shape):
        self.shape = shape


def conforms(value, shape, path="$"):
    """Checks `value` against `shape`: a type, [elem], {key: shape} with keys in this order,
    Opt(...) and Nullable(...). Raises AssertionError naming the first difference."""
    if isinstance(shape, Nullable):
        if value is None:
            return
        shape = shape.shape
    if isinstance(shape, list):
        assert isinstance(value, list), f"{path}: want a list, got {value!r}"
        for i, v in enumerate(value):
            conforms(v, shape[0], f"{path}[{i}]")
        return
    if isinstance(shape, dict):
        assert isinstance(value, dict), f"{path}: want an object, got {value!r}"
        extra = [k for k in value if k not in shape]
        assert not extra, f"{path}: fields rpk does not have: {extra}"
        present = [k for k in shape if k in value]
        assert list(value) == present, f"{path}: field order {list(value)}, rpk's {present}"
        for key, sub in shape.items():
            if key not in value:
                assert isinstance(sub, Opt), f"{path}: missing {key!r} in {value!r}"
                continue
            conforms(value[key], sub.shape if isinstance(sub, Opt) else sub, f"{path}.{key}")
        return
    # bool is an int in Python: tell them apart.
    ok = isinstance(value, shape) and (shape is bool or not isinstance(value, bool))
    assert ok, f"{path}: want {shape.__name__}, got {value!r}"


# rpk topic/list.go, summarizedList.
TOPIC_LIST = [{"name": str, "partitions": int, "replicas": int}]
TOPIC_LIST_HELP = """[]{
  name: string
  partitions: int
  replicas: int
}
"""
# rpk topic/list.go, detailedListTopic and detailedListPartition: `json:"epoch,omitempty"` but
# `yaml:"epoch"`; OfflineReplicas is nil unless some replica is offline (JSON null, YAML []).
# rpk's own `--format help` panics on that epoch field (formatType refuses differing json and
# yaml tags); kpk prints the JSON tag.
TOPIC_LIST_D_JSON = [{"name": str, "partitions": int, "replicas": int,
                      "partition_list": [{"partition": int, "leader": int, "epoch": Opt(int),
                                          "replicas": [int], "offline_replicas": Nullable([int]),
                                          "load_error": str}]}]
TOPIC_LIST_D_YAML = [{"name": str, "partitions": int, "replicas": int,
                      "partition_list": [{"partition": int, "leader": int, "epoch": int,
                                          "replicas": [int], "offline_replicas": [int],
                                          "load_error": str}]}]
TOPIC_LIST_D_HELP = """[]{
  name: string
  partitions: int
  replicas: int
  partition_list: []{
    partition: int32
    leader: int32
    epoch: int32,omitempty
    replicas: []int32
    offline_replicas: []int32
    load_error: string
  }
}
"""
# rpk topic/describe.go, describedTopic, describeTopicSummary, describeTopicConfig and
# describeTopicPartition.
TOPIC_DESCRIBE = [{
    "summary": {"name": str, "internal": bool, "partitions": int, "replicas": int, "error": str},
    "configs": [{"key": str, "value": str, "source": str}],
    "partitions": [{"partition": int, "leader": int, "epoch": int, "replicas": [int],
                    "offline_replicas": Opt([int]), "load_error": Opt(str),
                    "log_start_offset": int, "last_stable_offset": Opt(int),
                    "high_watermark": int, "error": Opt([str])}]}]
TOPIC_DESCRIBE_HELP = """[]{
  summary: {
    name: string
    internal: bool
    partitions: int
    replicas: int
    error: string
  }
  configs: []{
    key: string
    value: string
    source: string
  }
  partitions: []{
    partition: int32
    leader: int32
    epoch: int32
    replicas: []int32
    offline_replicas: []int32,omitempty
    load_error: string,omitempty
    log_start_offset: int64
    last_stable_offset: int64,omitempty
    high_watermark: int64
    error: []string,omitempty
  }
}
"""
# rpk cluster/partitions/list.go prints []rpadmin.ClusterPartition (with rpadmin.Replica).
CLUSTER_PARTITIONS = [{"ns": str, "topic": str, "partition_id": int, "leader_id": Opt(int),
                       "replicas": [{"node_id": int, "core": int}], "disabled": Opt(bool)}]
CLUSTER_PARTITIONS_HELP = """[]{
  ns: string
  topic: string
  partition_id: int
  leader_id: *int,omitempty
  replicas: []{
    node_id: int
    core: int
  }
  disabled: *bool,omitempty
}
"""


class Env:
    def __init__(self, broker, home):
        self.broker = broker
        self.env = {k: "" for k in os.environ if k.startswith(("KPK_", "RPK_", "REDPANDA_"))}
        self.env.update({"HOME": home, "XDG_CONFIG_HOME": ""})

    def run(self, *args, check=True, input=None):
        return kpk(*args, "-X", f"brokers={self.broker.bootstrap}",
                   "-X", f"admin.hosts={self.broker.admin}", env=self.env, check=check,
                   input=input)

    def docs(self, *args):
        """The command's document in JSON and in YAML, which must agree but for Go's
        JSON-only tags."""
        as_json = json.loads(self.run(*args, "--format", "json").stdout)
        as_yaml = yaml.safe_load(self.run(*args, "--format", "yaml").stdout)
        return as_json, as_yaml

    def help(self, *args):
        return self.run(*args, "--format", "help").stdout


def check(name, value, shape):
    try:
        conforms(value, shape)
    except AssertionError as e:
        raise AssertionError(f"{name}: {e}\n{json.dumps(value, indent=1)}") from None


def expect_eq(got, want, what):
    assert got == want, f"{what}:\n got  {got!r}\n want {want!r}"


def test_topic_list(env):
    as_json, as_yaml = env.docs("topic", "list")
    for doc in (as_json, as_yaml):
        check("topic list", doc, TOPIC_LIST)
        expect_eq([t["name"] for t in doc], ["alpha", "beta"], "sorted, no internal topics")
        expect_eq([(t["partitions"], t["replicas"]) for t in doc], [(3, 1), (1, 1)], "counts")
    expect_eq(env.help("topic", "list"), TOPIC_LIST_HELP, "topic list --format help")


def test_topic_list_detailed(env):
    as_json, as_yaml = env.docs("topic", "list", "-d", "alpha")
    check("topic list -d (json)", as_json, TOPIC_LIST_D_JSON)
    check("topic list -d (yaml)", as_yaml, TOPIC_LIST_D_YAML)
    parts = as_json[0]["partition_list"]
    expect_eq([p["partition"] for p in parts], [0, 1, 2], "partition_list, by partition")
    # A fresh topic's leader epoch is 0: left out of the JSON (omitempty), present in YAML.
    expect(all("epoch" not in p for p in parts), f"json epoch 0 omitted: {parts}")
    expect_eq([p["epoch"] for p in as_yaml[0]["partition_list"]], [0, 0, 0], "yaml epochs")
    expect_eq([p["offline_replicas"] for p in parts], [None] * 3, "json: Go's nil slice")
    expect_eq([p["offline_replicas"] for p in as_yaml[0]["partition_list"]], [[]] * 3, "yaml")
    expect_eq([(p["replicas"], p["load_error"]) for p in parts], [([0], "")] * 3, "replicas")
    expect_eq(env.help("topic", "list", "-d"), TOPIC_LIST_D_HELP, "topic list -d --format help")


def test_topic_describe(env):
    as_json, as_yaml = env.docs("topic", "describe", "alpha")
    expect_eq(as_json, as_yaml, "json and yaml agree")
    check("topic describe", as_json, TOPIC_DESCRIBE)
    t = as_json[0]
    expect_eq(t["summary"], {"name": "alpha", "internal": False, "partitions": 3, "replicas": 1,
                             "error": ""}, "summary")
    configs = {c["key"]: c for c in t["configs"]}
    expect_eq(configs["cleanup.policy"]["value"], "delete", "a config")
    expect("retention.ms" in configs, f"configs: {list(configs)}")
    expect_eq([(p["partition"], p["log_start_offset"], p["high_watermark"])
               for p in t["partitions"]], [(0, 0, 2), (1, 0, 0), (2, 0, 0)], "offsets")
    expect_eq(env.help("topic", "describe", "alpha"), TOPIC_DESCRIBE_HELP,
              "topic describe --format help")
    two = json.loads(env.run("topic", "describe", "alpha", "beta", "--format", "json").stdout)
    check("topic describe, two topics", two, TOPIC_DESCRIBE)
    expect_eq([d["summary"]["name"] for d in two], ["alpha", "beta"], "one entry per topic")


def test_cluster_partitions_list(env):
    as_json, as_yaml = env.docs("cluster", "partitions", "list", "alpha")
    expect_eq(as_json, as_yaml, "json and yaml agree")
    check("cluster partitions list", as_json, CLUSTER_PARTITIONS)
    expect_eq([(p["ns"], p["topic"], p["partition_id"]) for p in as_json],
              [("kafka", "alpha", i) for i in range(3)], "alpha's partitions")
    expect_eq(env.help("cluster", "partitions", "list"), CLUSTER_PARTITIONS_HELP,
              "cluster partitions list --format help")


def test_cluster_info_topics(env):
    as_json, _ = env.docs("cluster", "info")
    check("cluster info topics", as_json["topics"], TOPIC_LIST)
    detailed, _ = env.docs("cluster", "info", "-d")
    check("cluster info -d topics", detailed["topics"], TOPIC_LIST_D_JSON)


def test_help_needs_a_shape(env):
    # Commands without an rpk shape do not take --format help.
    r = env.run("group", "list", "--format", "help", check=False)
    expect_eq(r.returncode, 2, f"group list --format help: {r.stderr}")
    r = env.run("topic", "list", "--format", "xml", check=False)
    expect_eq(r.returncode, 2, f"--format xml: {r.stderr}")


def expect(cond, what):
    assert cond, what


def main():
    home = tempfile.mkdtemp(prefix="kpk-shapes-home-")
    with Broker() as broker:
        env = Env(broker, home)
        env.run("topic", "create", "alpha", "-p", "3")
        env.run("topic", "create", "beta")
        env.run("topic", "produce", "alpha", "-p", "0", input="a\nb\n")
        wait_until(lambda: "alpha" in env.run("topic", "list").stdout, 10, what="alpha listed")
        for test in (test_topic_list, test_topic_list_detailed, test_topic_describe,
                     test_cluster_partitions_list, test_cluster_info_topics,
                     test_help_needs_a_shape):
            test(env)
            print(f"{test.__name__}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
