#!/usr/bin/python3
"""Broker benchmark: `kpk broker run` against librdkafka's mock cluster, side by side.

For every scenario this starts a fresh kpk broker (real fsync, its own temp dir) and a fresh
mock cluster (tests/support/kpk_mock_cluster, its own process), runs the identical
kpk_kafka_load command against each, stops both, and reports both figures and their ratio.
It also measures startup (spawn -> first answered ApiVersions over TCP), idle and loaded RSS,
and repeats a SIGKILL crash test.

    /usr/bin/python3 tests/bench/run_broker_bench.py --build-dir build-bench [--repeats 3]

Not a test: ctest never runs it. Everything it starts it stops; all traffic is on 127.0.0.1;
every wait and subprocess is bounded. Results go to stdout as a Markdown table (and to --json).
"""

import argparse
import contextlib
import json
import os
import random
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "e2e", "lib"))

MIB = 1024 * 1024


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


# ------------------------------------------------------------------------------------------------
# Startup: a tight loop of TCP connect + ApiVersions v0 until one is answered.

def api_versions_answered(port, timeout=0.2):
    """True when 127.0.0.1:port answers an ApiVersions v0 request with error code 0."""
    client_id = b"kpk-bench"
    body = struct.pack(">hhih", 18, 0, 7, len(client_id)) + client_id
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(struct.pack(">i", len(body)) + body)
            header = b""
            while len(header) < 4:
                chunk = s.recv(4 - len(header))
                if not chunk:
                    return False
                header += chunk
            size = struct.unpack(">i", header)[0]
            data = b""
            while len(data) < min(size, 6):
                chunk = s.recv(size - len(data))
                if not chunk:
                    return False
                data += chunk
            correlation_id, error_code = struct.unpack(">ih", data[:6])
            return correlation_id == 7 and error_code == 0
    except OSError:
        return False


class FirstAnswer(threading.Thread):
    """Polls a port from before the server is spawned; records when it first answers."""

    def __init__(self, port, timeout=10.0):
        super().__init__(daemon=True)
        self.port = port
        self.timeout = timeout
        self.answered_at = None

    def run(self):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if api_versions_answered(self.port):
                self.answered_at = time.monotonic()
                return
            time.sleep(0.0005)


# ------------------------------------------------------------------------------------------------
# Servers

class KpkTarget:
    name = "kpk"

    def __init__(self, developer_mode=False):
        from kpk_harness import Broker
        self.broker = Broker(developer_mode=developer_mode)

    def start(self, topic, partitions, load):
        self.broker.start()
        self.bootstrap = self.broker.bootstrap
        if topic:
            load.run("create-topic", self.bootstrap, topic, partitions, [])
        return self

    @property
    def pid(self):
        return self.broker.proc.pid

    def stop(self):
        with contextlib.suppress(Exception):
            self.broker.stop()
        self.broker.cleanup()


class MockTarget:
    name = "mock"

    def start(self, topic, partitions, load):
        from kpk_harness import MockCluster
        self.mock = MockCluster(topics=[f"{topic}:{partitions}"] if topic else [])
        self.bootstrap = self.mock.bootstrap
        return self

    @property
    def pid(self):
        return self.mock.proc.pid

    def stop(self):
        self.mock.stop()


@contextlib.contextmanager
def running(target, topic, partitions, load):
    try:
        yield target.start(topic, partitions, load)
    finally:
        target.stop()


class Load:
    """Runs kpk_kafka_load and parses its JSON line."""

    def __init__(self, binary):
        self.binary = binary

    def run(self, mode, bootstrap, topic, partitions, args, timeout=120):
        cmd = [self.binary, mode, "--bootstrap", bootstrap, "--topic", topic,
               "--partitions", str(partitions), "--timeout-s", str(timeout - 5), *args]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
        if not lines:
            raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stderr[-2000:]}")
        result = json.loads(lines[-1])
        result["exit_code"] = r.returncode
        if r.returncode != 0 and mode not in ("crash-verify",):
            raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr[-2000:]}")
        return result

    def spawn(self, mode, bootstrap, topic, partitions, args, timeout):
        cmd = [self.binary, mode, "--bootstrap", bootstrap, "--topic", topic,
               "--partitions", str(partitions), "--timeout-s", str(timeout), *args]
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


# ------------------------------------------------------------------------------------------------
# Scenarios

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def throughput_scenario(load, size, partitions, count, tail, passes, repeats, developer_mode):
    """Produce `count` records, then consume the last `tail` of each partition `passes` times."""
    results = {"kpk": [], "mock": []}
    rss = []
    for rep in range(repeats):
        # Alternate which server goes first so slow drift in machine load hits both alike.
        order = [KpkTarget(developer_mode), MockTarget()]
        if rep % 2:
            order.reverse()
        for target in order:
            topic = f"bench-{size}-{partitions}"
            with running(target, topic, partitions, load) as t:
                produce = load.run("produce", t.bootstrap, topic, partitions,
                                   ["--count", str(count), "--size", str(size), "--acks", "all",
                                    "--linger-ms", "5"])
                consume = load.run("consume", t.bootstrap, topic, partitions,
                                   ["--tail-records", str(tail), "--passes", str(passes)])
                if t.name == "kpk":
                    rss.append(rss_kib(t.pid))
                results[t.name].append({"produce": produce, "consume": consume})
                log(f"  {t.name:4} {size}B x{partitions}p: produce {produce['mb_per_s']:.1f} MB/s"
                    f" ({produce['records_per_s']:.0f}/s, {produce['failed']} failed),"
                    f" consume {consume['mb_per_s']:.1f} MB/s")
    return {
        "size": size, "partitions": partitions, "count": count, "runs": results,
        "kpk_rss_after_kib": max(rss) if rss else None,
        "produce_mb_s": {k: median(r["produce"]["mb_per_s"] for r in v) for k, v in results.items()},
        "produce_rec_s": {k: median(r["produce"]["records_per_s"] for r in v)
                          for k, v in results.items()},
        "produce_failed": {k: sum(r["produce"]["failed"] for r in v) for k, v in results.items()},
        "consume_mb_s": {k: median(r["consume"]["mb_per_s"] for r in v) for k, v in results.items()},
    }


def latency_scenario(load, mode, args, repeats):
    results = {"kpk": [], "mock": []}
    for rep in range(repeats):
        order = [KpkTarget(), MockTarget()]
        if rep % 2:
            order.reverse()
        for target in order:
            topic = f"lat-{mode}"
            with running(target, topic, 1, load) as t:
                r = load.run(mode, t.bootstrap, topic, 1, args)
                results[t.name].append(r)
                log(f"  {t.name:4} {mode}: p50 {r['p50_us']:.0f} us, p99 {r['p99_us']:.0f} us,"
                    f" max {r['max_us']:.0f} us ({r['samples']} samples)")
    return {
        "mode": mode, "runs": results,
        "p50_us": {k: median(r["p50_us"] for r in v) for k, v in results.items()},
        "p99_us": {k: median(r["p99_us"] for r in v) for k, v in results.items()},
        "max_us": {k: max(r["max_us"] for r in v) for k, v in results.items()},
    }


def startup_scenario(repeats, settle_s):
    """Spawn -> first answered ApiVersions, and idle RSS, for kpk and for the mock."""
    from kpk_harness import Broker, MockCluster
    out = {"kpk": [], "mock": [], "kpk_ready_http": [], "kpk_rss_kib": [], "mock_rss_kib": []}
    for _ in range(repeats):
        broker = Broker()
        poller = FirstAnswer(broker.kafka_port)
        poller.start()
        try:
            broker.start()
            poller.join(10)
            if poller.answered_at is None:
                raise RuntimeError("kpk never answered ApiVersions")
            out["kpk"].append((poller.answered_at - broker.started_at) * 1e3)
            out["kpk_ready_http"].append(broker.ready_after * 1e3)
            time.sleep(settle_s)
            out["kpk_rss_kib"].append(rss_kib(broker.proc.pid))
        finally:
            with contextlib.suppress(Exception):
                broker.stop()
            broker.cleanup()

        # The mock picks its own port and prints it once listening; time spawn -> answer.
        spawned = time.monotonic()
        mock = MockCluster()
        try:
            port = int(mock.bootstrap.rsplit(":", 1)[1])
            deadline = time.monotonic() + 10
            while not api_versions_answered(port) and time.monotonic() < deadline:
                time.sleep(0.0005)
            out["mock"].append((time.monotonic() - spawned) * 1e3)
            time.sleep(settle_s)
            out["mock_rss_kib"].append(rss_kib(mock.proc.pid))
        finally:
            mock.stop()
    return {k: median(v) for k, v in out.items()} | {"samples": out}


def crash_scenario(load, rounds, duration_s, rate, partitions):
    """acks=all producer while the broker is SIGKILLed twice per round; every acked key must be
    in the log exactly once, in this round's topic and in every earlier round's."""
    from kpk_harness import Broker
    work = tempfile.mkdtemp(prefix="kpk-bench-crash-")
    broker = Broker(data_dir=os.path.join(work, "data"))
    os.makedirs(broker.data_dir)
    rng = random.Random(42)
    rounds_out = []
    try:
        broker.start()
        for i in range(rounds):
            topic = f"crash-{i}"
            acked_file = os.path.join(work, f"{topic}.acked")
            load.run("create-topic", broker.bootstrap, topic, partitions, [])
            producer = load.spawn("crash-produce", broker.bootstrap, topic, partitions,
                                  ["--rate", str(rate), "--duration-s", str(duration_s),
                                   "--size", "100", "--acks", "all", "--linger-ms", "5",
                                   "--acked-file", acked_file], timeout=duration_s + 60)
            spawned = time.monotonic()
            kills = []
            try:
                # Two kills at random points of the run; restart at once on the same dir/port.
                for lo, hi in ((0.15, 0.4), (0.55, 0.8)):
                    at = rng.uniform(lo, hi) * duration_s
                    while time.monotonic() - spawned < at and producer.poll() is None:
                        time.sleep(0.01)
                    broker.kill()
                    t0 = time.monotonic()
                    broker.start()
                    kills.append({"at_s": round(at, 2),
                                  "restart_ms": round((time.monotonic() - t0) * 1e3, 1)})
                stdout, stderr = producer.communicate(timeout=duration_s + 90)
            finally:
                if producer.poll() is None:
                    producer.kill()
                    producer.wait(5)
            produced = json.loads([ln for ln in stdout.splitlines() if ln.startswith("{")][-1])
            verify = load.run("crash-verify", broker.bootstrap, topic, partitions,
                              ["--acked-file", acked_file])
            rounds_out.append({"topic": topic, "kills": kills, "produce": produced,
                               "verify": verify})
            log(f"  crash round {i}: acked {produced['acked']} of {produced['produced']},"
                f" failed {produced['failed']}, present {verify['records']},"
                f" violations {verify['violations']} ({verify['example'] or 'none'})")
        # Recovery must not have damaged what earlier rounds wrote.
        broker.kill()
        broker.start()
        recheck = []
        for r in rounds_out:
            v = load.run("crash-verify", broker.bootstrap, r["topic"], partitions,
                         ["--acked-file", os.path.join(work, f"{r['topic']}.acked")])
            recheck.append(v["violations"])
    finally:
        with contextlib.suppress(Exception):
            broker.stop()
        broker.kill()
        shutil.rmtree(work, ignore_errors=True)
    return {"rounds": rounds_out, "recheck_violations": recheck,
            "acked": sum(r["produce"]["acked"] for r in rounds_out),
            "violations": sum(r["verify"]["violations"] for r in rounds_out) + sum(recheck),
            "kills": sum(len(r["kills"]) for r in rounds_out)}


# ------------------------------------------------------------------------------------------------
# Report

def fmt(v, digits=1):
    return "-" if v is None else f"{v:,.{digits}f}"


def ratio(a, b):
    return None if not a or not b else a / b


def markdown(results, args):
    lines = []
    lines.append(f"Run: {results['date']}, load average before/after: {results['load_before']} /"
                 f" {results['load_after']}, repeats: {args.repeats} (median shown).")
    lines.append("")
    lines.append("| Target | kpk | mock | kpk/mock | Goal | Met |")
    lines.append("|---|---:|---:|---:|---|---|")

    def row(name, k, m, goal, met, unit="", digits=1):
        r = ratio(k, m)
        lines.append(f"| {name} | {fmt(k, digits)}{unit} | {fmt(m, digits)}{unit} |"
                     f" {fmt(r, 2)}x | {goal} | {'yes' if met else 'NO'} |")

    for s in results["throughput"]:
        k, m = s["produce_mb_s"]["kpk"], s["produce_mb_s"]["mock"]
        row(f"produce {s['size']} B, {s['partitions']} part., acks=all, linger 5 ms (MB/s)", k, m,
            ">= 1.0x", ratio(k, m) is not None and ratio(k, m) >= 1.0)
    for s in results["throughput"]:
        k, m = s["consume_mb_s"]["kpk"], s["consume_mb_s"]["mock"]
        row(f"consume {s['size']} B, {s['partitions']} part. (MB/s)", k, m, ">= 1.0x",
            ratio(k, m) is not None and ratio(k, m) >= 1.0)
    e2e = results["e2e"]
    k, m = e2e["p99_us"]["kpk"] / 1e3, e2e["p99_us"]["mock"] / 1e3
    row("end-to-end p99 at 1,000 msg/s, fetch wait 500 ms (ms)", k, m, "< 5 ms", k < 5, digits=2)
    k50, m50 = e2e["p50_us"]["kpk"] / 1e3, e2e["p50_us"]["mock"] / 1e3
    row("end-to-end p50 (ms)", k50, m50, "-", True, digits=2)
    pl = results["produce_latency"]
    k, m = pl["p99_us"]["kpk"] / 1e3, pl["p99_us"]["mock"] / 1e3
    row("produce p99, acks=all, linger 0, 1,000 msg/s (ms)", k, m, "< 1 ms", k < 1, digits=3)
    k50, m50 = pl["p50_us"]["kpk"] / 1e3, pl["p50_us"]["mock"] / 1e3
    row("produce p50 (ms)", k50, m50, "-", True, digits=3)
    st = results["startup"]
    row("startup: spawn to first answered ApiVersions (ms)", st["kpk"], st["mock"], "< 50 ms",
        st["kpk"] < 50)
    row("idle RSS after startup (MB)", st["kpk_rss_kib"] / 1024, st["mock_rss_kib"] / 1024,
        "< 20 MB", st["kpk_rss_kib"] / 1024 < 20)
    rss_after = max(s["kpk_rss_after_kib"] for s in results["throughput"])
    lines.append(f"| kpk RSS after the throughput load (MB, max over scenarios) |"
                 f" {fmt(rss_after / 1024)} | | | - | |")
    lines.append(f"| kpk startup to HTTP /v1/status/ready (ms, 20 ms poll) |"
                 f" {fmt(st['kpk_ready_http'])} | | | - | |")
    c = results["crash"]
    lines.append(f"| crash test: {len(c['rounds'])} rounds, {c['kills']} SIGKILLs,"
                 f" {c['acked']:,} acked records | {c['violations']} violations | | |"
                 f" 0 | {'yes' if c['violations'] == 0 else 'NO'} |")
    for s in results["throughput"]:
        failed = s["produce_failed"]
        if failed["kpk"] or failed["mock"]:
            lines.append("")
            lines.append(f"Delivery errors in {s['size']} B x{s['partitions']}: {failed}")
    if results.get("developer_mode"):
        lines.append("")
        lines.append("Extra: kpk with `--developer-mode` (no fsync) against the mock:")
        lines.append("")
        lines.append("| Target | kpk --developer-mode | mock | kpk/mock |")
        lines.append("|---|---:|---:|---:|")
        for s in results["developer_mode"]:
            k, m = s["produce_mb_s"]["kpk"], s["produce_mb_s"]["mock"]
            lines.append(f"| produce {s['size']} B, {s['partitions']} part. (MB/s) | {fmt(k)} |"
                         f" {fmt(m)} | {fmt(ratio(k, m), 2)}x |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(SOURCE_DIR, "build-bench"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--crash-rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="smaller counts, one repeat")
    parser.add_argument("--only", default="", help="comma list: throughput,e2e,produce-latency,"
                        "startup,crash,devmode (default: all but devmode)")
    parser.add_argument("--developer-mode-rows", action="store_true",
                        help="also produce-throughput with kpk --developer-mode")
    parser.add_argument("--json", help="write raw results here")
    args = parser.parse_args()

    build = os.path.abspath(args.build_dir)
    os.environ["KPK_BIN"] = os.path.join(build, "kpk")
    os.environ["KPK_MOCK_CLUSTER_BIN"] = os.path.join(build, "kpk_mock_cluster")
    load = Load(os.path.join(build, "kpk_kafka_load"))
    for path in (os.environ["KPK_BIN"], os.environ["KPK_MOCK_CLUSTER_BIN"], load.binary):
        if not os.access(path, os.X_OK):
            sys.exit(f"missing {path}: cmake --build {args.build_dir} --target kpk "
                     "kpk_mock_cluster kpk_kafka_load")
    if args.quick:
        args.repeats = 1
    only = set(filter(None, args.only.split(","))) or {"throughput", "e2e", "produce-latency",
                                                        "startup", "crash"}
    if args.developer_mode_rows:
        only.add("devmode")
    scale = 0.3 if args.quick else 1.0

    # Counts: each produce run moves ~30-100 MB. Consumption reads at most 3 MiB per partition
    # per pass, because librdkafka's mock keeps only the newest 5 MiB of each partition.
    shapes = [(100, 1), (100, 8), (1024, 1), (1024, 8)]
    counts = {100: int(300_000 * scale), 1024: int(100_000 * scale)}
    tails = {100: 30_000, 1024: 3_000}
    passes = {1: 20, 8: 4}

    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "load_before": load_average()}
    started = time.monotonic()
    if "startup" in only:
        log("startup and idle RSS")
        results["startup"] = startup_scenario(5 if not args.quick else 2, settle_s=1.0)
        log(f"  {results['startup']}")
    if "throughput" in only:
        results["throughput"] = []
        for size, partitions in shapes:
            log(f"throughput {size} B x {partitions} partitions")
            results["throughput"].append(throughput_scenario(
                load, size, partitions, counts[size], tails[size], passes[partitions],
                args.repeats, developer_mode=False))
    if "devmode" in only:
        results["developer_mode"] = []
        for size, partitions in shapes:
            log(f"developer-mode throughput {size} B x {partitions} partitions")
            results["developer_mode"].append(throughput_scenario(
                load, size, partitions, counts[size], tails[size], passes[partitions], 1,
                developer_mode=True))
    n_lat = str(int(10_000 * scale))
    if "e2e" in only:
        log("end-to-end latency")
        results["e2e"] = latency_scenario(
            load, "e2e-latency", ["--count", n_lat, "--rate", "1000", "--size", "100",
                                  "--acks", "all", "--linger-ms", "0"], args.repeats)
    if "produce-latency" in only:
        log("produce latency")
        results["produce_latency"] = latency_scenario(
            load, "produce-latency", ["--count", n_lat, "--rate", "1000", "--size", "100",
                                      "--acks", "all", "--linger-ms", "0"], args.repeats)
    if "crash" in only:
        log("crash test")
        results["crash"] = crash_scenario(load, args.crash_rounds, duration_s=6 * scale + 2,
                                          rate=5000, partitions=2)
    results["load_after"] = load_average()
    results["seconds"] = round(time.monotonic() - started, 1)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    if {"throughput", "e2e", "produce-latency", "startup", "crash"} <= set(results):
        print(markdown(results, args))
    else:
        print(json.dumps({k: v for k, v in results.items()}, indent=1, default=str)[:20000])
    log(f"done in {results['seconds']} s")
    crash = results.get("crash")
    return 1 if crash and crash["violations"] else 0


if __name__ == "__main__":
    sys.exit(main())
