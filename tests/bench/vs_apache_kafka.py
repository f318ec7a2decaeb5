#!/usr/bin/python3
"""Broker benchmark: `kpk broker run` against a single Apache Kafka node, side by side in one run.

Every row gives the same load from the same client (kpk_kafka_load, librdkafka) to a fresh kpk
broker and a fresh Apache Kafka 4.x node (tests/support/apache_kafka, KRaft, combined
broker+controller, Kafka's default 1 GiB heap and G1), one after the other, alternating which
goes first between repeats. Four servers:

  kpk           acks=all is answered after fdatasync (kpk's default)
  kpk-nosync    kpk in developer_mode: no fsync
  kafka         Kafka's defaults: acks=all means "in the page cache of every ISR replica",
                never fsynced on the request path
  kafka-flush   Kafka with log.flush.interval.messages=1: an fsync per produce request

The fair pairs are kpk / kafka-flush (both durable on disk at the ack) and kpk-nosync / kafka
(neither); the issue's goals compare kpk, as shipped, with Kafka, as shipped.

Rows: produce and consume throughput (100 B and 1 KiB, 1 and 8 partitions, acks=all), end-to-end
p50/p99 at 1,000 msg/s with the default fetch wait, acks=all produce p50/p99 at 1,000 msg/s with
linger 0 (beside the disk's own fdatasync p99, measured in the same run), start to first answered
ApiVersions, idle RSS and RSS under load, and Kafka's own kafka-producer-perf-test against both.

    /usr/bin/python3 tests/bench/vs_apache_kafka.py --build-dir build-bench [--repeats 3]

Not a test: ctest never runs it. Everything it starts it stops; all traffic is on 127.0.0.1;
every wait and subprocess is bounded. Results: a Markdown table on stdout (and --json).
"""

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "support", "apache_kafka"))
import kafka_cluster  # noqa: E402
from run_broker_bench import (FirstAnswer, KpkTarget, Load, cpu_seconds, cpu_ticks,  # noqa: E402
                              fmt, fsync_probe, load_average, log, median, ratio, rss_kib)

KAFKA_JVM = dict(heap="1g", fast_start=False)  # kafka-server-start.sh's defaults
# Kafka runs with its own defaults (threads, buffers) except what a single node on loopback
# needs: KRaft listeners, replication factor 1 for internal topics, no initial rebalance delay.


class KafkaTarget:
    """One Apache Kafka node; `flush` fsyncs every produce request as kpk does."""

    def __init__(self, flush=False):
        self.name = "kafka-flush" if flush else "kafka"
        configs = {"auto.create.topics.enable": "false"}
        if flush:
            configs["log.flush.interval.messages"] = 1
        self.cluster = kafka_cluster.KafkaCluster("single", broker_configs=configs,
                                                  jvm=KAFKA_JVM, small=False)

    def start(self, topic, partitions, load):
        self.cluster.start()
        self.bootstrap = self.cluster.bootstrap
        if topic:
            load.run("create-topic", self.bootstrap, topic, partitions, [])
        return self

    @property
    def pid(self):
        return self.cluster.nodes[0].process.pid

    def stop(self):
        self.cluster.stop()


TARGETS = {
    "kpk": lambda: KpkTarget(),
    "kpk-nosync": lambda: KpkTarget(developer_mode=True),
    "kafka": lambda: KafkaTarget(),
    "kafka-flush": lambda: KafkaTarget(flush=True),
}


@contextlib.contextmanager
def running(name, topic, partitions, load):
    target = TARGETS[name]()
    try:
        yield target.start(topic, partitions, load)
    finally:
        target.stop()


def ordered(names, rep):
    return list(reversed(names)) if rep % 2 else list(names)


# ------------------------------------------------------------------------------------------------
# Scenarios

def throughput(load, size, partitions, count, passes, repeats, names):
    """Produce `count` records acks=all (linger 5 ms), then read them all `passes` times."""
    runs = {n: [] for n in names}
    for rep in range(repeats):
        for name in ordered(names, rep):
            topic = f"bench-{size}-{partitions}"
            with running(name, topic, partitions, load) as t:
                cpu0 = cpu_seconds(t.pid)
                produce = load.run("produce", t.bootstrap, topic, partitions,
                                   ["--count", str(count), "--size", str(size), "--acks", "all",
                                    "--linger-ms", "5"], timeout=300)
                rss = rss_kib(t.pid)
                cpu1 = cpu_seconds(t.pid)
                consume = load.run("consume", t.bootstrap, topic, partitions,
                                   ["--passes", str(passes)], timeout=300)
                cpu2 = cpu_seconds(t.pid)
                mb = produce["delivered"] * size / 1e6
                runs[name].append({
                    "produce_mb_s": produce["mb_per_s"], "produce_rec_s": produce["records_per_s"],
                    "failed": produce["failed"], "consume_mb_s": consume["mb_per_s"],
                    "rss_kib": max(rss, rss_kib(t.pid)),
                    "produce_cpu_ms_mb": (cpu1 - cpu0) * 1e3 / max(mb, 1e-9),
                    "consume_cpu_ms_mb": (cpu2 - cpu1) * 1e3 / max(consume["bytes"] / 1e6, 1e-9)})
                r = runs[name][-1]
                log(f"  {name:11} {size}B x{partitions}p: produce {r['produce_mb_s']:.1f} MB/s"
                    f" ({r['failed']} failed), consume {r['consume_mb_s']:.1f} MB/s,"
                    f" RSS {r['rss_kib'] / 1024:.0f} MB")
    return {"size": size, "partitions": partitions, "count": count, "runs": runs,
            **{key: {n: median(r[key] for r in v) for n, v in runs.items()}
               for key in ("produce_mb_s", "produce_rec_s", "consume_mb_s", "rss_kib",
                           "produce_cpu_ms_mb", "consume_cpu_ms_mb")},
            "failed": {n: sum(r["failed"] for r in v) for n, v in runs.items()}}


def latency(load, mode, count, repeats, names):
    runs = {n: [] for n in names}
    for rep in range(repeats):
        for name in ordered(names, rep):
            with running(name, f"lat-{mode}", 1, load) as t:
                r = load.run(mode, t.bootstrap, f"lat-{mode}", 1,
                             ["--count", str(count), "--rate", "1000", "--size", "100",
                              "--acks", "all", "--linger-ms", "0"], timeout=count // 500 + 90)
                runs[name].append(r)
                log(f"  {name:11} {mode}: p50 {r['p50_us']:.0f} us, p99 {r['p99_us']:.0f} us")
    return {"mode": mode, "runs": runs,
            "p50_ms": {n: median(r["p50_us"] for r in v) / 1e3 for n, v in runs.items()},
            "p99_ms": {n: median(r["p99_us"] for r in v) / 1e3 for n, v in runs.items()}}


def startup(repeats, settle_s):
    """Spawn to first answered ApiVersions, and RSS `settle_s` later. Kafka's storage is
    formatted before the clock starts (kpk needs no such step)."""
    from kpk_harness import Broker
    out = {"kpk_ms": [], "kafka_ms": [], "kpk_rss_kib": [], "kafka_rss_kib": []}
    for _ in range(repeats):
        broker = Broker()
        poller = FirstAnswer(broker.kafka_port)
        poller.start()
        try:
            broker.start()
            poller.join(10)
            out["kpk_ms"].append((poller.answered_at - broker.started_at) * 1e3)
            time.sleep(settle_s)
            out["kpk_rss_kib"].append(rss_kib(broker.proc.pid))
        finally:
            with contextlib.suppress(Exception):
                broker.stop()
            broker.cleanup()

        cluster = kafka_cluster.KafkaCluster("single", jvm=KAFKA_JVM, small=False)
        try:
            cluster.format_all()
            node = cluster.nodes[0]
            poller = FirstAnswer(node.port, timeout=120)
            poller.start()
            spawned = time.monotonic()
            node.start(kafka_cluster.classpath())
            poller.join(120)
            if poller.answered_at is None:
                raise RuntimeError(f"Kafka never answered ApiVersions\n{node.tail_log()}")
            out["kafka_ms"].append((poller.answered_at - spawned) * 1e3)
            cluster.wait_ready(120)
            time.sleep(settle_s)
            out["kafka_rss_kib"].append(rss_kib(node.process.pid))
        finally:
            cluster.stop()
        log(f"  start kpk {out['kpk_ms'][-1]:.1f} ms, kafka {out['kafka_ms'][-1]:.0f} ms;"
            f" idle RSS kpk {out['kpk_rss_kib'][-1] / 1024:.1f} MB,"
            f" kafka {out['kafka_rss_kib'][-1] / 1024:.0f} MB")
    return {k: median(v) for k, v in out.items()} | {"samples": out}


PERF_LINE = re.compile(r"(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), "
                       r"([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, "
                       r"(\d+) ms 95th, (\d+) ms 99th")


def producer_perf_test(load, records, size, repeats, names):
    """Kafka's own kafka-producer-perf-test (acks=all, unthrottled) against each server."""
    runs = {n: [] for n in names}
    for rep in range(repeats):
        for name in ordered(names, rep):
            with running(name, "perf", 1, load) as t:
                r = subprocess.run(kafka_cluster.java_command(
                    "org.apache.kafka.tools.ProducerPerformance", "--topic", "perf",
                    "--num-records", str(records), "--record-size", str(size), "--throughput",
                    "-1", "--producer-props", f"bootstrap.servers={t.bootstrap}", "acks=all",
                    heap="512m", fast_start=False), capture_output=True, text=True, timeout=300)
                m = PERF_LINE.search(r.stdout.strip().splitlines()[-1] if r.stdout else "")
                if r.returncode != 0 or not m:
                    raise RuntimeError(f"producer-perf-test on {name}: {r.stdout[-800:]}"
                                       f"{r.stderr[-800:]}")
                runs[name].append({"rec_s": float(m.group(2)), "mb_s": float(m.group(3)),
                                   "p99_ms": float(m.group(8))})
                log(f"  {name:11} producer-perf-test: {m.group(2)} rec/s, {m.group(3)} MB/s,"
                    f" p99 {m.group(8)} ms")
    return {"records": records, "size": size, "runs": runs,
            **{key: {n: median(r[key] for r in v) for n, v in runs.items()}
               for key in ("rec_s", "mb_s", "p99_ms")}}


# ------------------------------------------------------------------------------------------------
# Report

def markdown(results):
    lines = [f"Run: {results['date']}, Apache Kafka {results['kafka_version']}, load average"
             f" before/after: {results['load_before']} / {results['load_after']}, CPU time stolen"
             f" by the hypervisor: {results.get('steal_percent', '?')}%, repeats:"
             f" {results['repeats']} (median shown).", ""]
    lines.append("| Row | kpk | kafka | kpk/kafka | goal | met | kpk-nosync | kafka-flush |"
                 " kpk/kafka-flush |")
    lines.append("|---|---:|---:|---:|---|---|---:|---:|---:|")

    def row(name, v, goal="", met=None, digits=1, higher_is_better=True):
        k, kf = v.get("kpk"), v.get("kafka")
        flush = v.get("kafka-flush")
        mark = "" if met is None else ("yes" if met else "NO")
        lines.append(f"| {name} | {fmt(k, digits)} | {fmt(kf, digits)} | {fmt(ratio(k, kf), 2)}x"
                     f" | {goal} | {mark} | {fmt(v.get('kpk-nosync'), digits)} |"
                     f" {fmt(flush, digits)} | {fmt(ratio(k, flush), 2)}x |")

    for s in results.get("throughput", []):
        r = ratio(s["produce_mb_s"].get("kpk"), s["produce_mb_s"].get("kafka"))
        row(f"produce {s['size']} B, {s['partitions']} part., acks=all (MB/s)",
            s["produce_mb_s"], ">= 1.0x", r is not None and r >= 1.0)
    for s in results.get("throughput", []):
        r = ratio(s["consume_mb_s"].get("kpk"), s["consume_mb_s"].get("kafka"))
        row(f"consume {s['size']} B, {s['partitions']} part. (MB/s)", s["consume_mb_s"],
            ">= 1.0x", r is not None and r >= 1.0)
    if "e2e" in results:
        e = results["e2e"]
        row("end-to-end p50 at 1,000 msg/s, fetch wait 500 ms (ms)", e["p50_ms"], digits=2)
        row("end-to-end p99 (ms)", e["p99_ms"], "<= 1.0x",
            e["p99_ms"]["kpk"] <= e["p99_ms"]["kafka"], digits=2)
    if "produce_latency" in results:
        p = results["produce_latency"]
        probe = p["fsync_probe"]
        row("produce p50, acks=all, linger 0, 1,000 msg/s (ms)", p["p50_ms"], digits=3)
        row("produce p99 (ms)", p["p99_ms"], f"<= 1.2x disk p99 ({probe['p99_ms']:.3f})",
            p["p99_ms"]["kpk"] <= 1.2 * probe["p99_ms"], digits=3)
        lines.append(f"| disk: 100-byte append + fdatasync, p50 / p99 (ms) |"
                     f" {probe['p50_ms']:.3f} / {probe['p99_ms']:.3f} | | | | | | | |")
    if "startup" in results:
        st = results["startup"]
        r = ratio(st["kafka_ms"], st["kpk_ms"])
        lines.append(f"| start to first answered ApiVersions (ms) | {fmt(st['kpk_ms'])} |"
                     f" {fmt(st['kafka_ms'], 0)} | kafka/kpk {fmt(r, 0)}x | >= 100x |"
                     f" {'yes' if r and r >= 100 else 'NO'} | | | |")
        r = ratio(st["kafka_rss_kib"], st["kpk_rss_kib"])
        lines.append(f"| idle RSS (MB) | {fmt(st['kpk_rss_kib'] / 1024)} |"
                     f" {fmt(st['kafka_rss_kib'] / 1024, 0)} | kafka/kpk {fmt(r, 0)}x | >= 20x |"
                     f" {'yes' if r and r >= 20 else 'NO'} | | | |")
    if results.get("throughput"):
        peak = {n: max(s["rss_kib"][n] for s in results["throughput"]) / 1024
                for n in results["throughput"][0]["rss_kib"]}
        row("RSS after the heaviest load (MB)", peak, digits=0)
    if "perf_test" in results:
        p = results["perf_test"]
        shape = f"{p['records']:,} x {p['size']} B, acks=all"
        row(f"kafka-producer-perf-test, {shape} (records/s)", p["rec_s"], digits=0)
        row("kafka-producer-perf-test p99 (ms)", p["p99_ms"], digits=0)
    failed = {f"{s['size']}x{s['partitions']}": s["failed"] for s in results.get("throughput", [])
              if any(s["failed"].values())}
    if failed:
        lines += ["", f"Delivery errors: {failed}"]
    if results.get("throughput"):
        lines += ["", "Server CPU per MB moved (ms/MB, all threads; lower is better):", "",
                  "| Load | " + " | ".join(results["throughput"][0]["runs"]) + " |",
                  "|---|" + "---:|" * len(results["throughput"][0]["runs"])]
        for phase in ("produce", "consume"):
            for s in results["throughput"]:
                cells = " | ".join(fmt(v, 2) for v in s[f"{phase}_cpu_ms_mb"].values())
                lines.append(f"| {phase} {s['size']} B, {s['partitions']} part. | {cells} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(SOURCE_DIR, "build-bench"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply record counts")
    parser.add_argument("--only", default="", help="comma list: throughput,e2e,produce-latency,"
                        "startup,perf-test (default: all)")
    parser.add_argument("--json", help="write raw results here")
    parser.add_argument("--from-json", help="only print the table for results saved by --json")
    args = parser.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            print(markdown(json.load(f)))
        return 0
    build = os.path.abspath(args.build_dir)
    os.environ["KPK_BIN"] = os.path.join(build, "kpk")
    load = Load(os.path.join(build, "kpk_kafka_load"))
    for path in (os.environ["KPK_BIN"], load.binary):
        if not os.access(path, os.X_OK):
            sys.exit(f"missing {path}: cmake --build {args.build_dir} --target kpk kpk_kafka_load")
    known = {"throughput", "e2e", "produce-latency", "startup", "perf-test"}
    only = set(filter(None, args.only.split(","))) or known
    if only - known:
        sys.exit(f"--only: unknown {','.join(sorted(only - known))}")

    all_four = ["kpk", "kafka", "kpk-nosync", "kafka-flush"]
    counts = {100: int(500_000 * args.scale), 1024: int(150_000 * args.scale)}
    ticks_before = cpu_ticks()
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "load_before": load_average(),
               "kafka_version": kafka_cluster.kafka_version(), "repeats": args.repeats}
    started = time.monotonic()
    if "startup" in only:
        log("startup and idle RSS")
        results["startup"] = startup(args.repeats, settle_s=2.0)
    if "throughput" in only:
        results["throughput"] = []
        for size, partitions in [(100, 1), (100, 8), (1024, 1), (1024, 8)]:
            log(f"throughput {size} B x {partitions} partitions")
            results["throughput"].append(throughput(load, size, partitions, counts[size], 2,
                                                    args.repeats, all_four))
    n_lat = int(10_000 * args.scale)
    if "e2e" in only:
        log("end-to-end latency")
        results["e2e"] = latency(load, "e2e-latency", n_lat, args.repeats, ["kpk", "kafka"])
    if "produce-latency" in only:
        log("produce latency")
        results["produce_latency"] = latency(load, "produce-latency", n_lat, args.repeats,
                                             all_four)
        results["produce_latency"]["fsync_probe"] = fsync_probe()
        log(f"  fdatasync probe: {results['produce_latency']['fsync_probe']}")
    if "perf-test" in only:
        log("kafka-producer-perf-test")
        results["perf_test"] = producer_perf_test(load, int(500_000 * args.scale), 100,
                                                  args.repeats, all_four)
    results["load_after"] = load_average()
    stolen, total = (a - b for a, b in zip(cpu_ticks(), ticks_before))
    results["steal_percent"] = round(100.0 * stolen / max(total, 1), 1)
    results["seconds"] = round(time.monotonic() - started, 1)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    print(markdown(results))
    log(f"done in {results['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
