"""`kpk cluster config` (get, set, status, export, import, edit, list) with rpk's texts.

Against `kpk broker run` (--target broker) the verbs use the Admin API; the same verbs with no
Admin API answering fall back to the Kafka protocol and see the same values (one store).
Against Apache Kafka (--target kafka) they read and write the cluster-wide dynamic broker
configs: `set log_retention_ms 12345` shows in Kafka's own kafka-configs at the cluster
default, and properties Kafka cannot change are named."""
import argparse
import os
import re
import socket
import sys

from cli_harness import TARGETS, Env, expect, expect_eq, needs, run_each

ADMIN_API = "admin_api"  # the target serves the Admin API
NO_ADMIN_API = "no_admin_api"  # it does not (Apache Kafka)
DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000


def dead_admin():
    """An address nothing listens on: an Admin API that refuses."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


DEAD_ADMIN = dead_admin()


def admin(env):
    return {"admin.hosts": env.target.admin or DEAD_ADMIN}


def cfg(env, *args, editor=None):
    return env.kpk("cluster", "config", *args, settings=admin(env),
                   env={"EDITOR": editor} if editor else None)


def cfg_ok(env, *args, editor=None):
    return env.ok("cluster", "config", *args, settings=admin(env),
                  env={"EDITOR": editor} if editor else None)


def version_of(out):
    m = re.search(r"New configuration version is (\d+)\.", out)
    expect(m, out)
    return int(m.group(1))


@needs(ADMIN_API)
def test_get_set(env):
    expect_eq(cfg_ok(env, "get", "log_retention_ms").stdout, f"{DEFAULT_RETENTION_MS}\n", "get")
    expect_eq(cfg_ok(env, "get", "log_cleanup_policy").stdout, "delete\n", "get string")
    expect_eq(cfg_ok(env, "get", "auto_create_topics_enabled").stdout, "false\n", "get bool")
    expect_eq(cfg_ok(env, "get", "retention_bytes").stdout, "null\n", "get null")
    r = cfg_ok(env, "set", "log_retention_ms", "12345")
    expect(re.fullmatch(r"Successfully updated configuration\. New configuration version is "
                        r"\d+\.\n", r.stdout), r.stdout)
    v = version_of(r.stdout)
    expect_eq(cfg_ok(env, "get", "log_retention_ms").stdout, "12345\n", "after set")
    r = cfg_ok(env, "set", "log_retention_ms=-1", "default_topic_partitions=2")
    expect_eq(version_of(r.stdout), v + 1, "one version for both")
    expect_eq(cfg_ok(env, "get", "log_retention_ms").stdout, "-1\n", "k=v")
    expect_eq(cfg_ok(env, "get", "default_topic_partitions").stdout, "2\n", "k=v")
    cfg_ok(env, "set", "--", "log_retention_ms", "-1")  # rpk's way to pass a negative value
    cfg_ok(env, "set", "log_retention_ms", "")  # "" resets
    cfg_ok(env, "set", "default_topic_partitions=")
    expect_eq(cfg_ok(env, "get", "log_retention_ms").stdout, f"{DEFAULT_RETENTION_MS}\n", "reset")
    expect_eq(cfg_ok(env, "get", "default_topic_partitions").stdout, "1\n", "reset")
    cfg_ok(env, "set", "retention_bytes", "1000000")
    cfg_ok(env, "set", "retention_bytes", "null")  # nullable: null clears
    expect_eq(cfg_ok(env, "get", "retention_bytes").stdout, "null\n", "null")

    r = cfg(env, "get", "no_such_property")
    expect(r.returncode == 1 and "Property 'no_such_property' not found" in r.stderr, r)
    r = cfg(env, "set", "no_such_property", "1")
    expect(r.returncode == 1 and 'Unknown property "no_such_property"' in r.stderr, r)
    before = version_of(cfg_ok(env, "set", "log_segment_ms", "3600000").stdout)
    r = cfg(env, "set", "default_topic_partitions=many", "log_segment_ms=7200000")
    expect(r.returncode == 1, r)
    expect(r.stderr.startswith("No changes were made: Validation errors:\n"
                               " * default_topic_partitions: expected type integer\n"), r.stderr)
    expect_eq(cfg_ok(env, "get", "log_segment_ms").stdout, "3600000\n", "nothing applied")
    status = cfg_ok(env, "status").stdout
    expect(re.search(rf"^0 +{before} +false +\[\] +\[\]$", status, re.M), status)
    cfg_ok(env, "set", "log_segment_ms", "")


@needs(ADMIN_API)
def test_status_restart(env):
    r = cfg_ok(env, "set", "retention_check_interval_ms", "60000")
    v = version_of(r.stdout)
    expect(r.stdout.endswith("\nCluster needs to be restarted. See more details with "
                             "'kpk cluster config status'.\n"), r.stdout)
    lines = cfg_ok(env, "status").stdout.splitlines()
    expect_eq(re.split(r" {2,}", lines[0]),
              ["NODE", "CONFIG-VERSION", "NEEDS-RESTART", "INVALID", "UNKNOWN"], "header")
    expect_eq(re.split(r" {2,}", lines[1]), ["0", str(v), "true", "[]", "[]"], "row")
    # Back to the running value: nothing waits for a restart any more.
    r = cfg_ok(env, "set", "retention_check_interval_ms", "")
    expect("restarted" not in r.stdout, r.stdout)
    expect_eq(re.split(r" {2,}", cfg_ok(env, "status").stdout.splitlines()[1])[2], "false", "row")


@needs(ADMIN_API)
def test_export_import(env):
    path = os.path.join(env.home, "cluster.yaml")
    cfg_ok(env, "set", "log_segment_ms", "3600000")
    r = cfg_ok(env, "export", "-f", path)
    expect_eq(r.stdout, f'Wrote configuration to file "{path}".\n', "export")
    text = open(path).read()
    expect(f"\nlog_retention_ms: {DEFAULT_RETENTION_MS}\n" in text, text)
    expect("\n# Timestamp type of topics without message.timestamp.type" in text, text)
    expect("(one of CreateTime, LogAppendTime)\nlog_message_timestamp_type: CreateTime\n"
           in text, text)
    expect("\nretention_bytes:\n" in text and "may be nil" in text, text)
    expect("kafka_batch_max_bytes" not in text, "tunables only with --all")
    full = os.path.join(env.home, "all.yaml")
    cfg_ok(env, "export", "--all", "-f", full)
    all_text = open(full).read()
    expect("\nkafka_batch_max_bytes: 1048576\n" in all_text, all_text)
    expect("(restart required)\nretention_check_interval_ms:" in all_text, all_text)

    # Change one value and delete one line: the table shows both, the delete resets.
    edited = text.replace(f"log_retention_ms: {DEFAULT_RETENTION_MS}", "log_retention_ms: 777")
    edited = edited.replace("log_segment_ms: 3600000\n", "")
    open(path, "w").write(edited)
    r = cfg_ok(env, "import", "-f", path)
    lines = r.stdout.splitlines()
    expect_eq(re.split(r" {2,}", lines[0]), ["PROPERTY", "PRIOR", "NEW"], "table")
    rows = sorted(re.split(r" {2,}", l.rstrip()) for l in lines[1:] if l and "Success" not in l)
    expect_eq(rows, [["log_retention_ms", str(DEFAULT_RETENTION_MS), "777"],
                     ["log_segment_ms", "3600000"]], "rows")
    expect(re.search(r"^Successfully updated configuration\. New configuration version is \d+\.$",
                     r.stdout, re.M), r.stdout)
    expect_eq(cfg_ok(env, "get", "log_retention_ms").stdout, "777\n", "imported")
    expect_eq(cfg_ok(env, "get", "log_segment_ms").stdout, f"{14 * 24 * 3600 * 1000}\n", "reset")
    expect_eq(cfg_ok(env, "import", "-f", path).stdout, "No changes were made.\n", "no-op")

    open(path, "w").write(edited.replace("log_retention_ms: 777", "log_retention_ms: soon"))
    r = cfg(env, "import", "-f", path)
    expect(r.returncode == 1 and " * log_retention_ms: expected type integer" in r.stderr and
           "No changes were made" in r.stderr, r)
    expect_eq(cfg_ok(env, "get", "log_retention_ms").stdout, "777\n", "nothing applied")
    cfg_ok(env, "set", "log_retention_ms", "")


@needs(ADMIN_API)
def test_edit(env):
    script = os.path.join(env.home, "editor.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\nsed -i 's/^log_retention_ms: .*/log_retention_ms: 4444/' \"$1\"\n")
    os.chmod(script, 0o755)
    r = cfg_ok(env, "edit", editor=script)
    expect(re.search(rf"^log_retention_ms +{DEFAULT_RETENTION_MS} +4444$", r.stdout, re.M),
           r.stdout)
    expect_eq(cfg_ok(env, "get", "log_retention_ms").stdout, "4444\n", "edited")
    r = cfg(env, "edit", editor="false")
    expect(r.returncode == 1 and "error running editor" in r.stderr, r)
    expect_eq(cfg_ok(env, "get", "log_retention_ms").stdout, "4444\n", "unchanged")
    cfg_ok(env, "set", "log_retention_ms", "")


@needs(ADMIN_API)
def test_list(env):
    out = cfg_ok(env, "list", "--filter", "^log_segment").stdout.splitlines()
    expect_eq([re.split(r" {2,}", l) for l in out],
              [["PROPERTY", "VALUE"], ["log_segment_ms", str(14 * 24 * 3600 * 1000)],
               ["log_segment_size", str(128 << 20)]], "list")


@needs(ADMIN_API)
def test_kafka_view_of_kpk(env):
    """With no Admin API answering, the same verbs over the Kafka protocol see the same store."""
    cfg_ok(env, "set", "log_retention_ms", "12345")
    kafka = {"admin.hosts": DEAD_ADMIN}
    r = env.ok("cluster", "config", "get", "log_retention_ms", settings=kafka)
    expect_eq(r.stdout, "12345\n", "Kafka view")
    expect("using the Kafka protocol" in r.stderr, r.stderr)
    r = env.ok("cluster", "config", "set", "log_retention_ms", "54321", settings=kafka)
    expect_eq(r.stdout, "Successfully updated configuration.\n", "set over Kafka")
    expect_eq(cfg_ok(env, "get", "log_retention_ms").stdout, "54321\n", "Admin API view")
    r = env.kpk("cluster", "config", "set", "default_topic_replications", "1", settings=kafka)
    expect(r.returncode == 1 and "default_topic_replications: default.replication.factor is "
           "read-only" in r.stderr, r)
    cfg_ok(env, "set", "log_retention_ms", "")


@needs(NO_ADMIN_API)
def test_kafka_target(env):
    """Against Apache Kafka: the Kafka protocol, named on stderr."""
    from kafka_cluster import run_tool
    r = cfg_ok(env, "get", "log_retention_ms")
    expect("using the Kafka protocol" in r.stderr, r.stderr)
    expect("default_topic_replications (default.replication.factor)" in r.stderr, r.stderr)
    r = cfg_ok(env, "set", "log_retention_ms", "12345")
    expect_eq(r.stdout, "Successfully updated configuration.\n", "set")
    expect_eq(cfg_ok(env, "get", "log_retention_ms").stdout, "12345\n", "get")
    tool = run_tool("org.apache.kafka.tools.ConfigCommand", "--bootstrap-server", env.bootstrap,
                    "--describe", "--entity-type", "brokers", "--entity-default")
    expect(tool.returncode == 0 and "log.retention.ms=12345" in tool.stdout, tool)
    out = cfg_ok(env, "list", "--filter", "^log_retention_ms$").stdout.splitlines()
    expect_eq([re.split(r" {2,}", l) for l in out],
              [["PROPERTY", "VALUE"], ["log_retention_ms", "12345"]], "list")
    r = cfg(env, "status")
    expect(r.returncode == 1 and "no cluster config status" in r.stderr, r)
    r = cfg(env, "set", "default_topic_replications", "3")
    expect(r.returncode == 1 and "default.replication.factor is read-only" in r.stderr, r)
    r = cfg(env, "get", "no_such_property")
    expect(r.returncode == 1 and "Property 'no_such_property' not found" in r.stderr, r)
    cfg_ok(env, "set", "log_retention_ms", "")
    tool = run_tool("org.apache.kafka.tools.ConfigCommand", "--bootstrap-server", env.bootstrap,
                    "--describe", "--entity-type", "brokers", "--entity-default")
    expect(tool.returncode == 0 and "log.retention.ms" not in tool.stdout, tool)


TESTS = [test_get_set, test_status_restart, test_export_import, test_edit, test_list,
         test_kafka_view_of_kpk, test_kafka_target]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", choices=sorted(TARGETS), required=True)
    parser.add_argument("-k", dest="only")
    args = parser.parse_args()
    target = TARGETS[args.target]()
    target.start({})
    try:
        features = set(target.features) | {ADMIN_API if target.admin else NO_ADMIN_API}
        passed, failed, skipped = run_each(TESTS, lambda: Env(target), args.only, features,
                                           args.target)
    finally:
        target.stop()
    print(f"{passed} passed, {len(failed)} failed, {skipped} skipped on {args.target}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
