#!/usr/bin/python3
"""Regenerates the codec's golden request fixtures from real clients. Run by hand, not by ctest.

  tests/support/capture_goldens.py --mock-cluster BUILD/kpk_mock_cluster [--clients kcat,...]

For each client (kcat = librdkafka 2.0.2, kafka-python 2.0.2, KafkaJS 2.2.4) it starts
librdkafka's mock cluster (kpk_mock_cluster) and kafka_capture_proxy.py in front of it, runs the
client's scenario through the proxy (metadata, produce, consume, consumer group, idempotent
producer where the client has one), and keeps as fixtures the first request of each
(API, version) the client sent, plus the first request of the APIs a run is about even when an
earlier run sent that (API, version) already (a topic-scoped Metadata after kcat -L's
all-topics one, an idempotent Produce after a plain one). Fixtures are frames without their
size prefix: tests/unit/protocol/fixtures/golden/<client>/<nn>_<api>_v<version>.bin.

After regenerating, update the expectations in tests/unit/protocol/golden_test.cc: the record
batches carry fresh timestamps, and a client may pick another version if its code changed.
Needs: kcat, /usr/bin/python3 with the kafka module, node with tests/e2e's npm ci done.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROXY = os.path.join(HERE, "kafka_capture_proxy.py")
FIXTURES = os.path.join(ROOT, "tests", "unit", "protocol", "fixtures", "golden")
STEP_TIMEOUT = 60  # seconds any one client run may take
MESSAGES = 3


class Run:
    """One client process; `keep` lists APIs whose first request in this run is always kept."""

    def __init__(self, name, argv, keep=(), stdin=None, stop_after=None, env=None):
        self.name = name
        self.argv = argv
        self.keep = set(keep)
        self.stdin = stdin
        self.stop_after = stop_after  # seconds, then SIGINT: the client closes gracefully
        self.env = env


def kcat_runs(boot, topic, group):
    common = ["kcat", "-b", boot, "-X", "broker.address.family=v4"]
    values = "".join("kcat-message-%d\n" % i for i in range(1, MESSAGES + 1))
    group_opts = ["-X", "heartbeat.interval.ms=100", "-X", "auto.commit.interval.ms=200",
                  "-X", "auto.offset.reset=earliest"]
    return [
        Run("metadata", common + ["-L"]),
        Run("produce", common + ["-P", "-t", topic, "-p", "0", "-k", "kcat-key",
                                 "-X", "acks=all", "-X", "enable.idempotence=false"],
            keep=["metadata"], stdin=values),
        Run("consume", common + ["-C", "-t", topic, "-p", "0", "-o", "beginning", "-e"]),
        Run("group", common + group_opts + ["-G", group, topic], stop_after=4),
        Run("idempotent", common + ["-P", "-t", topic, "-p", "1",
                                    "-X", "enable.idempotence=true"],
            keep=["produce"], stdin="kcat-idempotent\n"),
    ]


def python_runs(boot, topic, group):
    script = os.path.join(HERE, "golden_clients", "kafka_python_client.py")
    base = ["/usr/bin/python3", script, boot, topic, group, str(MESSAGES)]
    return [Run("produce", base + ["produce"]), Run("group", base + ["group"], keep=["metadata"])]


def kafkajs_runs(boot, topic, group):
    script = os.path.join(HERE, "golden_clients", "kafkajs_client.js")
    base = ["node", script, boot, topic, group, str(MESSAGES)]
    return [
        Run("produce", base + ["produce"]),
        Run("group", base + ["group"]),
        Run("transaction", base + ["transaction"], keep=["produce", "find_coordinator"]),
    ]


CLIENTS = {"kcat": kcat_runs, "kafka-python": python_runs, "kafkajs": kafkajs_runs}


class Child:
    """A helper process that prints one line when ready and stops on stdin EOF."""

    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        deadline = time.monotonic() + 10
        self.line = ""
        while not self.line and time.monotonic() < deadline and self.proc.poll() is None:
            self.line = self.proc.stdout.readline().strip()
        if not self.line:
            self.stop()
            raise RuntimeError("%s did not start" % argv[0])

    def stop(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def run_client(run, raw_dir):
    """Runs one client; returns the sorted capture files it produced."""
    before = set(os.listdir(raw_dir))
    proc = subprocess.Popen(run.argv, stdin=subprocess.PIPE, text=True, env=run.env,
                            stdout=subprocess.DEVNULL)
    try:
        if run.stop_after is not None:
            proc.stdin.close()
            time.sleep(run.stop_after)
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=STEP_TIMEOUT)
        else:
            proc.communicate(run.stdin or "", timeout=STEP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
        raise RuntimeError("run %s timed out" % run.name)
    if proc.returncode not in (0, -signal.SIGINT):
        raise RuntimeError("run %s exited %d" % (run.name, proc.returncode))
    time.sleep(0.5)  # the proxy writes frames from its own threads
    return sorted(set(os.listdir(raw_dir)) - before)


def parse_name(name):
    """'00012_c003_req_produce_v7.bin' -> ('produce', 7)."""
    stem = name[: -len(".bin")]
    api, _, version = stem.split("_req_", 1)[1].rpartition("_v")
    return api, int(version)


def select_fixtures(runs_and_files):
    """First request of each (api, version) per client, plus each run's `keep` APIs."""
    seen, kept = set(), []
    for run, files in runs_and_files:
        kept_in_run = set()
        for f in files:
            if "_req_" not in f:
                continue
            api, version = parse_name(f)
            fresh = (api, version) not in seen
            forced = api in run.keep and api not in kept_in_run
            if fresh or forced:
                seen.add((api, version))
                kept_in_run.add(api)
                kept.append((f, api, version))
    return kept


def capture_client(client, mock_cluster, raw_root):
    topic, group = "golden-" + client, "golden-" + client + "-group"
    raw_dir = os.path.join(raw_root, client)
    os.makedirs(raw_dir, exist_ok=True)
    mock = Child([mock_cluster, "--topic", topic + ":2"])
    try:
        proxy = Child(["/usr/bin/python3", PROXY, "--out", raw_dir] +
                      sum([["--upstream", b] for b in mock.line.split(",")], []))
        try:
            runs_and_files = []
            for run in CLIENTS[client](proxy.line, topic, group):
                print("capture: %s %s" % (client, run.name), file=sys.stderr)
                runs_and_files.append((run, run_client(run, raw_dir)))
        finally:
            proxy.stop()
    finally:
        mock.stop()
    return raw_dir, select_fixtures(runs_and_files)


def write_fixtures(client, raw_dir, kept):
    out = os.path.join(FIXTURES, client)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for n, (f, api, version) in enumerate(kept, start=1):
        name = "%02d_%s_v%d.bin" % (n, api, version)
        shutil.copyfile(os.path.join(raw_dir, f), os.path.join(out, name))
        print("%s/%s" % (client, name))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mock-cluster", required=True, help="path to kpk_mock_cluster")
    parser.add_argument("--clients", default=",".join(CLIENTS))
    parser.add_argument("--keep-raw", help="keep every captured frame in this directory")
    args = parser.parse_args()
    raw_root = args.keep_raw or tempfile.mkdtemp(prefix="kpk-golden-")
    try:
        for client in args.clients.split(","):
            raw_dir, kept = capture_client(client, os.path.abspath(args.mock_cluster), raw_root)
            write_fixtures(client, raw_dir, kept)
    finally:
        if not args.keep_raw:
            shutil.rmtree(raw_root, ignore_errors=True)


if __name__ == "__main__":
    main()
