"""Core CLI commands against any target (mock cluster or kpk broker): cluster info, topic
produce / consume with their format and offset grammars, group describe, config precedence,
exit codes and error messages."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import yaml

from cli_harness import GROUPS, TIMESTAMPS, expect, expect_eq, main, needs
from kpk_harness import KPK_BIN

TOPICS = {"info": 3, "pc": 1, "multi": 3, "keys": 1, "tomb": 1, "offs": 1, "grp": 2,
          "sig": 1, "pipe": 1, "ts": 1, "fmt": 1, "gstart": 1}

PRODUCED = re.compile(r"^Produced to partition (\d+) at offset (\d+) with timestamp (\d+)\.$")


def produce_lines(env, topic, lines, *args):
    result = env.ok("topic", "produce", topic, *args, input="".join(l + "\n" for l in lines))
    return result.stdout.splitlines()


# --- cluster info -------------------------------------------------------------------------

def test_cluster_info_sections(env):
    out = env.ok("cluster", "info").stdout
    expect(out.startswith("CLUSTER\n=======\n"), out)
    expect("\n\nBROKERS\n=======\nID    HOST       PORT\n" in out, out)
    port = env.bootstrap.split(",")[0].rsplit(":", 1)[1]
    expect(re.search(rf"^\d+\*?\s+127\.0\.0\.1\s+{port}$", out, re.M), out)
    expect("\n\nTOPICS\n======\nNAME" in out, out)
    expect(re.search(r"^info\s+3\s+1$", out, re.M), out)
    for alias in ("metadata", "status"):
        expect_eq(env.ok("cluster", alias).stdout, out, alias)


def test_cluster_info_section_flags(env):
    brokers = env.ok("cluster", "info", "-b").stdout
    expect(brokers.startswith("ID    HOST"), brokers)  # one section: no header
    topics = env.ok("cluster", "info", "-t").stdout
    expect(topics.startswith("NAME"), topics)
    both = env.ok("cluster", "info", "-b", "-t").stdout
    expect(both.startswith("BROKERS\n") and "TOPICS\n" in both and "CLUSTER" not in both, both)
    detailed = env.ok("cluster", "info", "-d").stdout
    expect("info, 3 partitions, 1 replicas" in detailed, detailed)
    # rpk adds EPOCH when some leader epoch is known (Metadata v7): kpk's broker and Kafka
    # report them, librdkafka's mock cluster does not.
    epoch = "" if env.target.name == "mock" else "  EPOCH"
    expect(re.search(rf"^      PARTITION  LEADER{epoch}  REPLICAS$", detailed, re.M), detailed)


def test_cluster_info_json_yaml(env):
    doc = json.loads(env.ok("cluster", "info", "--format", "json").stdout)
    expect_eq(list(doc), ["cluster_id", "controller_id", "brokers", "topics"], "keys")
    expect(all(isinstance(b["port"], int) for b in doc["brokers"]), doc)
    info = [t for t in doc["topics"] if t["name"] == "info"]
    # Topics in the shape of rpk's `topic list --format json` (summarizedList).
    expect_eq(info, [{"name": "info", "partitions": 3, "replicas": 1}], "topic")
    ydoc = yaml.safe_load(env.ok("cluster", "info", "--format", "yaml").stdout)
    expect_eq(ydoc["brokers"], doc["brokers"], "yaml brokers")


def test_unreachable_broker_fails_within_bound(env):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    result = env.kpk("-X", f"brokers=127.0.0.1:{port}", "-X", "globals.dial_timeout=1s",
                     "cluster", "info", brokers=False)
    elapsed = time.monotonic() - started
    expect_eq(result.returncode, 1, "exit code")
    expect(result.stderr.startswith("unable to request metadata: "), result.stderr)
    expect(elapsed < 8, f"took {elapsed:.1f}s")
    expect_eq(result.stdout, "", "stdout")


# --- produce / consume --------------------------------------------------------------------

def test_produce_prints_each_delivery_and_consume_reads_back(env):
    lines = [f"line-{i}" for i in range(20)]
    out = produce_lines(env, "pc", lines)
    expect_eq(len(out), 20, "delivery lines")
    offsets = [int(PRODUCED.match(l).group(2)) for l in out]
    expect_eq(offsets, list(range(20)), "offsets")
    got = env.ok("topic", "consume", "pc", "-o", ":end", "-f", "%v\\n", timeout=20).stdout
    expect_eq(got.splitlines(), lines, "consumed values")


def test_consume_default_json_one_per_line(env):
    produce_lines(env, "keys", ["v1"], "-k", "k1", "-H", "h1:x", "-H", "h2=y")
    out = env.ok("topic", "consume", "keys", "-o", ":end").stdout
    lines = out.splitlines()
    expect_eq(len(lines), 1, "one object per line when not a terminal")
    rec = json.loads(lines[0])
    expect_eq(list(rec), ["topic", "key", "value", "headers", "timestamp", "partition", "offset"],
              "field order")
    expect_eq(rec["headers"], [{"key": "h1", "value": "x"}, {"key": "h2", "value": "y"}], "headers")
    expect_eq((rec["topic"], rec["key"], rec["value"], rec["offset"]), ("keys", "k1", "v1", 0), "rec")
    expect(abs(rec["timestamp"] / 1000 - time.time()) < 120, rec)
    pretty = env.ok("topic", "consume", "keys", "-o", ":end", "--pretty-print", "true").stdout
    expect(pretty.startswith('{\n  "topic": "keys",\n  "key": "k1",\n'), pretty)
    meta = json.loads(env.ok("topic", "consume", "keys", "-o", ":end", "--meta-only").stdout)
    expect("value" not in meta and meta["value_size"] == 2, meta)


def test_tombstones_and_empty_values(env):
    produce_lines(env, "tomb", ["", "x", ""], "-Z", "-o", "")
    recs = [json.loads(l) for l in env.ok("topic", "consume", "tomb", "-o", ":end").stdout.splitlines()]
    expect_eq(["value" in r for r in recs], [False, True, False], "tombstones have no value")
    produce_lines(env, "tomb", [""], "-o", "")
    last = json.loads(env.ok("topic", "consume", "tomb", "-o", "3:end").stdout)
    # rpk's JSON record tags value `omitempty`: an empty value is left out like a tombstone.
    expect("value" not in last and last["offset"] == 3, last)


def test_produce_input_and_output_formats(env):
    out = env.ok("topic", "produce", "fmt", "-f", "%k %v\\n", "-o", "%k=%v@%o\\n",
                 input="a 1\nb 2\nc 3 3\n").stdout
    expect_eq(out, "a=1@0\nb=2@1\nc=3 3@2\n", "output format")
    quiet = env.ok("topic", "produce", "fmt", "-o", "", input="q\n").stdout
    expect_eq(quiet, "", "-o '' prints nothing")
    got = env.ok("topic", "consume", "fmt", "-o", ":end", "-f",
                 "%p %o %k{hex} %v %K %V %d{go[2006]} %T%t{base64}\\n").stdout.splitlines()
    year = time.strftime("%Y", time.gmtime())
    expect_eq(got[0], f"0 0 61 1 1 1 {year} 3Zm10", "verbs")
    expect_eq(got[2], f"0 2 63 3 3 1 3 {year} 3Zm10", "value with spaces")
    expect_eq(got[3], f"0 3  q 0 1 {year} 3Zm10", "no key")
    hdr = env.ok("topic", "produce", "fmt", "-f", "%H %h{%k=%v,}%v\\n", "-o", "",
                 input="2 a=1,b=2,body\n")
    expect_eq(hdr.returncode, 0, "headers parsed")
    last = env.ok("topic", "consume", "fmt", "-o", "4:end", "-f", "%H|%h{%k:%v;}|%v\\n").stdout
    expect_eq(last, "2|a:1;b:2;|body\n", "headers")


def test_produce_to_partition_and_consume_partitions(env):
    for p in range(3):
        produce_lines(env, "multi", [f"p{p}-a", f"p{p}-b"], "-p", str(p), "-o", "")
    out = env.ok("topic", "consume", "multi", "-o", ":end", "-p", "1,2", "-f", "%p:%v\\n").stdout
    expect_eq(sorted(out.splitlines()), ["1:p1-a", "1:p1-b", "2:p2-a", "2:p2-b"], "partitions 1,2")
    parsed = env.ok("topic", "produce", "multi", "-p", "0", "-f", "%p %v\\n",
                    "-o", "%p\\n", input="2 to-two\n").stdout
    expect_eq(parsed, "2\n", "%p from input takes precedence")


def test_offset_grammar(env):
    produce_lines(env, "offs", [str(i) for i in range(10)], "-o", "")
    cases = {
        ":end": [str(i) for i in range(10)],
        "3:6": ["3", "4", "5"],
        "3-6": ["3", "4", "5"],
        "7:end": ["7", "8", "9"],
        ":2": ["0", "1"],
        "+8:end": None,  # invalid: "+8:end" is not a form
    }
    for spec, want in cases.items():
        result = env.kpk("topic", "consume", "offs", "-o", spec, "-f", "%v\\n", timeout=20)
        if want is None:
            expect_eq(result.returncode, 2, f"-o {spec} exit")
            continue
        expect_eq(result.returncode, 0, f"-o {spec}: {result.stderr}")
        expect_eq(result.stdout.splitlines(), want, f"-o {spec}")
    for spec, n, want in (("start", 2, ["0", "1"]), ("+4", 2, ["4", "5"]), ("-3", 3, ["7", "8", "9"]),
                          ("5", 1, ["5"])):
        result = env.ok("topic", "consume", "offs", "-o", spec, "-n", str(n), "-f", "%v\\n", timeout=20)
        expect_eq(result.stdout.splitlines(), want, f"-o {spec} -n {n}")
    empty = env.ok("topic", "consume", "offs", "-o", "10:end", timeout=10)
    expect_eq(empty.stdout, "", "nothing past the end")


@needs(TIMESTAMPS)
def test_timestamp_offsets(env):
    now_ms = int(time.time() * 1000)
    lines = "".join(f"{now_ms - 10000 + i * 1000} v{i}\n" for i in range(5))
    env.ok("topic", "produce", "ts", "-f", "%d %v\\n", "-o", "", input=lines)
    at = env.ok("topic", "consume", "ts", "-o", f"@{now_ms - 8000}:end", "-f", "%v\\n").stdout
    expect_eq(at.splitlines(), ["v2", "v3", "v4"], "@ts:end")
    window = env.ok("topic", "consume", "ts", "-o", f"@{now_ms - 9000}:{now_ms - 7000}",
                    "-f", "%v\\n").stdout
    expect_eq(window.splitlines(), ["v1", "v2"], "@t1:t2")
    relative = env.ok("topic", "consume", "ts", "-o", "@-1h:end", "-f", "%v\\n").stdout
    expect_eq(len(relative.splitlines()), 5, "@-1h:end")
    stamp = env.ok("topic", "consume", "ts", "-o", ":end", "-n", "1", "-f", "%d\\n").stdout
    expect_eq(int(stamp), now_ms - 10000, "timestamps from input are kept")


def test_missing_topic_errors(env):
    result = env.kpk("topic", "consume", "nope", timeout=20)
    expect_eq(result.returncode, 1, "consume exit")
    expect(result.stderr.startswith('unable to consume topic "nope": UNKNOWN_TOPIC_OR_PART'), result.stderr)
    result = env.kpk("topic", "produce", "nope", input="x\n", timeout=20)
    expect_eq(result.returncode, 1, "produce exit")
    expect(result.stderr.startswith('unable to produce to topic "nope": '), result.stderr)


def test_produce_reports_every_failure(env):
    # %t routes records; the missing topic's records fail, the others are produced.
    result = env.kpk("topic", "produce", "-f", "%t %v\\n", "-o", "%t:%v\\n",
                     input="pc ok1\nmissing-a bad1\npc ok2\nmissing-a bad2\n", timeout=20)
    expect_eq(result.returncode, 1, "exit")
    expect_eq(result.stdout.splitlines(), ["pc:ok1", "pc:ok2"], "delivered")
    expect_eq(result.stderr.count("unable to produce record: "), 2, result.stderr)


@needs(GROUPS)  # the kpk broker: auto-creation off, so the record times out undelivered
def test_failed_delivery_names_the_error_not_the_record(env):
    result = env.kpk("topic", "produce", "never-created", "--allow-auto-topic-creation",
                     "--delivery-timeout", "1s", input="secret-payload\n", timeout=20)
    expect_eq(result.returncode, 1, "exit")
    expect("unable to produce record: _MSG_TIMED_OUT: " in result.stderr, result.stderr)
    expect("secret-payload" not in result.stderr, result.stderr)


def test_produce_to_an_unreachable_broker_says_so(env):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = env.kpk("-X", f"brokers=127.0.0.1:{port}", "-X", "globals.dial_timeout=1s",
                     "topic", "produce", "pc", input="x\n", brokers=False, timeout=20)
    expect_eq(result.returncode, 1, "exit")
    expect("does not exist" not in result.stderr, result.stderr)
    expect(result.stderr.startswith('unable to produce to topic "pc": '), result.stderr)
    expect("reachable" in result.stderr, result.stderr)


def test_a_group_without_a_verb_shows_its_help(env):
    for group in (["topic"], ["group"], ["cluster", "logdirs"], ["profile"]):
        result = env.kpk(*group, timeout=10)
        expect_eq(result.returncode, 0, f"{group}: {result.stderr}")
        expect_eq(result.stdout, env.kpk(*group, "--help", timeout=10).stdout, f"{group} help")
        expect(f"Usage: kpk {' '.join(group)} " in result.stdout, result.stdout)


def test_bad_flags_exit_2(env):
    for args in (["topic", "consume"], ["cluster", "info", "--format", "xml"],
                 ["-X", "nosuch=1", "cluster", "info"], ["topic", "consume", "pc", "-o", "bogus"],
                 ["topic", "consume", "pc", "-f", "%q"], ["topic", "produce", "pc", "-f", "%v{x}"],
                 ["topic", "produce", "pc", "--acks", "2"], ["topic", "nosuchverb"]):
        result = env.kpk(*args, input="", timeout=10)
        expect_eq(result.returncode, 2, f"{args}: {result.stderr}")
        expect(result.stderr, f"{args} explains itself")


def test_stop_on_sigterm_and_closed_stdout(env):
    produce_lines(env, "sig", ["a", "b"], "-o", "")
    proc = subprocess.Popen([KPK_BIN, "-X", f"brokers={env.bootstrap}", "topic", "consume", "sig",
                             "-f", "%v\\n"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        expect_eq(proc.stdout.readline(), "a\n", "first record")
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
        expect_eq(proc.returncode, 0, "exit after SIGTERM")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    produce_lines(env, "pipe", [f"r{i}" for i in range(5000)], "-o", "")
    pipeline = subprocess.run(
        f"'{KPK_BIN}' -X brokers={env.bootstrap} topic consume pipe -f '%v\\n' | head -1",
        shell=True, capture_output=True, text=True, timeout=20)
    expect_eq(pipeline.stdout, "r0\n", "head -1")


@needs(GROUPS)
def test_group_consume_commits_and_describe(env):
    produce_lines(env, "grp", [f"g{i}" for i in range(6)], "-o", "")
    out = env.ok("topic", "consume", "grp", "-g", "cg1", "-n", "6", "-f", "%v\\n", timeout=40).stdout
    expect_eq(sorted(out.splitlines()), [f"g{i}" for i in range(6)], "group consume")
    desc = env.ok("group", "describe", "cg1", timeout=20).stdout
    expect(re.search(r"^GROUP\s+cg1$", desc, re.M), desc)
    expect(re.search(r"^TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-START-OFFSET\s+LOG-END-OFFSET\s+LAG\s+"
                     r"MEMBER-ID\s+CLIENT-ID\s+HOST$", desc, re.M), desc)
    rows = re.findall(r"^grp\s+(\d)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", desc, re.M)
    # Unkeyed records stick to one partition per batch, so one or both partitions have commits.
    expect(1 <= len(rows) <= 2, desc)
    expect_eq(sum(int(r[1]) for r in rows), 6, "committed offsets sum to the records read")
    expect(all(r[4] == "0" for r in rows), "no lag")
    doc = json.loads(env.ok("group", "describe", "cg1", "--format", "json").stdout)
    expect_eq(doc[0]["group"], "cg1", "json group")
    expect_eq(sum(p["lag"] for p in doc[0]["partitions"]), 0, "json lag")


@needs(GROUPS)
def test_group_consume_starts_new_groups_where_the_offset_says(env):
    produce_lines(env, "gstart", [f"s{i}" for i in range(10)], "-o", "")
    # A new group starts at -o; rpk passes any start offset through as the reset offset.
    for offset, first in (("+3", "s3"), ("-2", "s8"), ("6", "s6")):
        group = f"gs{offset}"
        out = env.ok("topic", "consume", "gstart", "-g", group, "-o", offset, "-n", "1", "-f",
                     "%v\n", timeout=40).stdout
        expect_eq(out, first + "\n", f"-o {offset}")
    # A group with committed offsets resumes from them, whatever -o says.
    out = env.ok("topic", "consume", "gstart", "-g", "gs+3", "-o", "+1", "-n", "1", "-f", "%v\n",
                 timeout=40).stdout
    expect_eq(out, "s4\n", "resumed after the commit")
    result = env.kpk("topic", "consume", "gstart", "-g", "gsx", "-o", "1:3", timeout=10)
    expect_eq(result.returncode, 2, "an end offset with a group is a usage error")


# --- configuration ------------------------------------------------------------------------

def test_precedence_flag_env_profile(env):
    bad = "127.0.0.1:1"
    env.ok("profile", "create", "p1", "--set", f"brokers={env.bootstrap}", brokers=False)
    expect(os.path.exists(os.path.join(env.config_dir, "kpk", "kpk.yaml")), "profile file under XDG")
    env.ok("cluster", "info", "-b", brokers=False)  # the current profile is used
    short = {"KPK_GLOBALS_DIAL_TIMEOUT": "500ms"}
    result = env.kpk("cluster", "info", "-b", brokers=False, env={"KPK_BROKERS": bad, **short})
    expect_eq(result.returncode, 1, "env beats profile")
    env.ok("cluster", "info", "-b", env={"KPK_BROKERS": bad, **short})  # -X beats env
    env.ok("profile", "create", "p2", "--set", f"brokers={bad}", brokers=False)
    result = env.kpk("cluster", "info", "-b", brokers=False, env=short)
    expect_eq(result.returncode, 1, "p2 is current now")
    env.ok("--profile", "p1", "cluster", "info", "-b", brokers=False)
    env.ok("cluster", "info", "-b", brokers=False, env={"KPK_PROFILE": "p1"})
    result = env.kpk("--profile", "nope", "cluster", "info", brokers=False)
    expect_eq(result.returncode, 1, "missing profile")
    expect("unable to load config: requested profile \"nope\" does not exist" in result.stderr,
           result.stderr)


def test_x_help_and_list(env):
    helped = env.ok("-X", "help", brokers=False).stdout
    for key in ("brokers=", "tls.ca=", "sasl.mechanism=", "admin.hosts=", "KPK_ADMIN_HOSTS",
                "globals.command_timeout="):
        expect(key in helped, key)
    listed = env.ok("-X", "list", brokers=False).stdout.splitlines()
    expect("user=text" in listed and "pass=text" in listed, listed)


def test_verbose_logs_on_stderr_only(env):
    result = env.ok("-v", "cluster", "info", "-b")
    expect(" DEBUG " in result.stderr, result.stderr[:200])
    expect(" DEBUG " not in result.stdout and "\x1b[" not in result.stdout, result.stdout)


TESTS = [v for k, v in sorted(globals().items()) if k.startswith("test_")]

if __name__ == "__main__":
    sys.exit(main(TESTS, TOPICS))
