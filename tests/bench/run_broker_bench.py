#!/usr/bin/python3
"""Broker benchmark: `kpk broker run` against librdkafka's mock cluster, side by side.

For every scenario this starts a fresh kpk broker (real fsync, its own temp dir) and a fresh
mock cluster (tests/support/kpk_mock_cluster, its own process), runs the identical
kpk_kafka_load command against each, stops both, and reports both figures and their ratio.
It also measures startup (spawn -> first answered ApiVersions over TCP), idle and loaded RSS,
and repeats a SIGKILL crash test. "Groups and idempotence" (--only groups,idempotent) compares a
group of 3 consumers with one consumer on the same records, and an enable.idempotence=true
producer with a plain one.

    /usr/bin/python3 tests/bench/run_broker_bench.py --build-dir build-bench [--repeats 3]

Not a test: ctest never runs it. Everything it starts it stops; all traffic is on 127.0.0.1;
every wait and subprocess is bounded. Results go to stdout as a Markdown table (and to --json).
"""

import argparse
import contextlib
import json
import mmap
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "e2e", "lib"))
import kwire  # noqa: E402

MIB = 1024 * 1024


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def cpu_ticks():
    """(stolen, total) CPU ticks of the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:9]]
    return fields[7], sum(fields)


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cpu_seconds(pid):
    """CPU time of a process's live threads so far, in ns precision (schedstat), where
    /proc/PID/stat would give 10 ms ticks."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError):
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
    return total / 1e9


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
    try:
        with kwire.Conn(f"127.0.0.1:{port}", timeout=timeout) as c:
            cid = c.send(kwire.API_API_VERSIONS, 0)
            data = c.recv_frame()
            # The error code alone: decoding the API key list would add to the time measured.
            return (kwire.response_correlation_id(data) == cid
                    and kwire.Reader(data[4:], False).unpack(">h") == 0)
    except (OSError, ValueError):
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
    def __init__(self, developer_mode=False):
        from kpk_harness import Broker
        self.name = "kpk-nosync" if developer_mode else "kpk"
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
                # Server CPU per MB moved is robust to the machine's other load, unlike MB/s.
                cpu0 = cpu_seconds(t.pid)
                produce = load.run("produce", t.bootstrap, topic, partitions,
                                   ["--count", str(count), "--size", str(size), "--acks", "all",
                                    "--linger-ms", "5"])
                cpu1 = cpu_seconds(t.pid)
                consume = load.run("consume", t.bootstrap, topic, partitions,
                                   ["--tail-records", str(tail), "--passes", str(passes)])
                cpu2 = cpu_seconds(t.pid)
                produce["server_cpu_ms_per_mb"] = (cpu1 - cpu0) * 1e3 / (
                    produce["delivered"] * size / 1e6)
                consume["server_cpu_ms_per_mb"] = (cpu2 - cpu1) * 1e3 / (consume["bytes"] / 1e6)
                # Developer-mode rows ("kpk-nosync") stand in kpk's column.
                side = "mock" if t.name == "mock" else "kpk"
                if side == "kpk":
                    rss.append(rss_kib(t.pid))
                results[side].append({"produce": produce, "consume": consume})
                log(f"  {t.name:4} {size}B x{partitions}p: produce {produce['mb_per_s']:.1f} MB/s"
                    f" ({produce['records_per_s']:.0f}/s, {produce['failed']} failed),"
                    f" consume {consume['mb_per_s']:.1f} MB/s; server CPU"
                    f" {produce['server_cpu_ms_per_mb']:.1f} / {consume['server_cpu_ms_per_mb']:.1f}"
                    " ms per MB")
    return {
        "size": size, "partitions": partitions, "count": count, "runs": results,
        "kpk_rss_after_kib": max(rss) if rss else None,
        "produce_mb_s": {k: median(r["produce"]["mb_per_s"] for r in v) for k, v in results.items()},
        "produce_rec_s": {k: median(r["produce"]["records_per_s"] for r in v)
                          for k, v in results.items()},
        "produce_failed": {k: sum(r["produce"]["failed"] for r in v) for k, v in results.items()},
        "consume_mb_s": {k: median(r["consume"]["mb_per_s"] for r in v) for k, v in results.items()},
        "produce_cpu_ms_mb": {k: median(r["produce"]["server_cpu_ms_per_mb"] for r in v)
                              for k, v in results.items()},
        "consume_cpu_ms_mb": {k: median(r["consume"]["server_cpu_ms_per_mb"] for r in v)
                              for k, v in results.items()},
    }


def groups_scenario(load, repeats, consumers, per_partition, single_passes, group_passes,
                    size=1024, partitions=8):
    """One topic produced like the core 1 KiB x8 scenario, but only `per_partition` records per
    partition so the mock keeps all of them; then the same records read by one consumer
    (explicit assignment, as in the core consume) and by a group of `consumers` members."""
    results = {"kpk": [], "mock": []}
    count = per_partition * partitions
    for rep in range(repeats):
        order = [KpkTarget(), MockTarget()]
        if rep % 2:
            order.reverse()
        for target in order:
            topic = f"group-{size}-{partitions}"
            with running(target, topic, partitions, load) as t:
                produce = load.run("produce", t.bootstrap, topic, partitions,
                                   ["--count", str(count), "--size", str(size), "--acks", "all",
                                    "--linger-ms", "5"])
                cpu0 = cpu_seconds(t.pid)
                single = load.run("consume", t.bootstrap, topic, partitions,
                                  ["--tail-records", str(per_partition),
                                   "--passes", str(single_passes)])
                cpu1 = cpu_seconds(t.pid)
                single["server_cpu_ms_per_mb"] = (cpu1 - cpu0) * 1e3 / (single["bytes"] / 1e6)
                try:
                    group = load.run("group-consume", t.bootstrap, topic, partitions,
                                     ["--count", str(count), "--consumers", str(consumers),
                                      "--passes", str(group_passes)], timeout=90)
                except (RuntimeError, subprocess.TimeoutExpired) as e:
                    # Seen with the mock: a new group's JoinGroup sometimes never completes.
                    log(f"  {t.name:4} group-consume FAILED: {str(e)[-600:]}")
                    results[t.name].append({"produce": produce, "single": single,
                                            "group_error": str(e)[-600:]})
                    continue
                cpu2 = cpu_seconds(t.pid)
                # Includes joining, heartbeats, commits and leaving, not only the reading.
                group["server_cpu_ms_per_mb"] = (cpu2 - cpu1) * 1e3 / (group["bytes"] / 1e6)
                results[t.name].append({"produce": produce, "single": single, "group": group})
                log(f"  {t.name:4} {size}B x{partitions}p: single consumer"
                    f" {single['mb_per_s']:.1f} MB/s, group of {consumers}"
                    f" {group['mb_per_s']:.1f} MB/s ({group['protocol']}, shares"
                    f" {group['member_records']}, join {group['join_ms']} ms, passes"
                    f" {group['pass_ms']} ms,"
                    f" {group['duplicates']} duplicates, {group['rebalances_after_start']}"
                    " rebalance callbacks after the start)")
    ok = {k: [r for r in v if "group" in r] for k, v in results.items()}
    return {
        "size": size, "partitions": partitions, "count": count, "consumers": consumers,
        "runs": results,
        "group_failed": {k: sum("group_error" in r for r in v) for k, v in results.items()},
        "single_mb_s": {k: median(r["single"]["mb_per_s"] for r in v)
                        for k, v in results.items()},
        "group_mb_s": {k: median(r["group"]["mb_per_s"] for r in v) for k, v in ok.items()},
        "group_join_ms": {k: median(ms for r in v for ms in r["group"]["join_ms"])
                          for k, v in ok.items()},
        "group_duplicates": {k: sum(r["group"]["duplicates"] for r in v)
                             for k, v in ok.items()},
        "group_rebalances_after_start": {k: sum(r["group"]["rebalances_after_start"] for r in v)
                                         for k, v in ok.items()},
        "single_cpu_ms_mb": {k: median(r["single"]["server_cpu_ms_per_mb"] for r in v)
                             for k, v in results.items()},
        "group_cpu_ms_mb": {k: median(r["group"]["server_cpu_ms_per_mb"] for r in v)
                            for k, v in ok.items()},
    }


def idempotent_scenario(load, repeats, count, size=1024, partitions=8):
    """The core produce (acks=all, linger 5 ms) plain and with enable.idempotence=true, each on a
    fresh server; which variant and which server go first alternates between repeats."""
    results = {"kpk": {"plain": [], "idempotent": []}, "mock": {"plain": [], "idempotent": []}}
    for rep in range(repeats):
        order = [KpkTarget, MockTarget]
        variants = ["plain", "idempotent"]
        if rep % 2:
            order.reverse()
            variants.reverse()
        for make in order:
            for variant in variants:
                topic = f"idem-{size}-{partitions}"
                with running(make(), topic, partitions, load) as t:
                    cpu0 = cpu_seconds(t.pid)
                    r = load.run("produce", t.bootstrap, topic, partitions,
                                 ["--count", str(count), "--size", str(size), "--acks", "all",
                                  "--linger-ms", "5"]
                                 + (["--idempotent"] if variant == "idempotent" else []))
                    r["server_cpu_ms_per_mb"] = (cpu_seconds(t.pid) - cpu0) * 1e3 / (
                        max(r["delivered"], 1) * size / 1e6)
                    results[t.name][variant].append(r)
                    log(f"  {t.name:4} {variant:10} {size}B x{partitions}p: produce"
                        f" {r['mb_per_s']:.1f} MB/s ({r['records_per_s']:.0f}/s,"
                        f" {r['failed']} failed); server CPU {r['server_cpu_ms_per_mb']:.1f}"
                        " ms per MB")
    out = {"size": size, "partitions": partitions, "count": count, "runs": results}
    for key, field in (("mb_s", "mb_per_s"), ("cpu_ms_mb", "server_cpu_ms_per_mb")):
        out[key] = {k: {variant: median(r[field] for r in runs) for variant, runs in v.items()}
                    for k, v in results.items()}
    out["failed"] = {k: {variant: sum(r["failed"] for r in runs) for variant, runs in v.items()}
                     for k, v in results.items()}
    return out


def fsync_probe(samples=2000, interval_s=0.001):
    """p50/p99 (ms) of a 100-byte append + fdatasync on the disk under the benchmark's temp
    dir, one every `interval_s`: what one acks=all record costs the disk at this moment."""
    times = []
    with tempfile.TemporaryDirectory(prefix="kpk-bench-fsync-") as d:
        fd = os.open(os.path.join(d, "probe"), os.O_CREAT | os.O_WRONLY, 0o644)
        try:
            for _ in range(samples):
                t0 = time.perf_counter()
                os.write(fd, b"x" * 100)
                os.fdatasync(fd)
                times.append((time.perf_counter() - t0) * 1e3)
                time.sleep(interval_s)
        finally:
            os.close(fd)
    times.sort()
    return {"p50_ms": times[len(times) // 2], "p99_ms": times[int(len(times) * 0.99) - 1]}


def write_bandwidth_probe(total_mib=256, sync_every_mib=2, repeats=3):
    """MB/s of sequential writes to the disk under the benchmark's temp dir, in 1 MiB writes:
    buffered with an fdatasync every `sync_every_mib` (what a broker's group commit does under
    a heavy acks=all load), and O_DIRECT (the device's own ceiling). No broker that persists
    what it acknowledges can produce faster than the first for long."""
    block = mmap.mmap(-1, 1 << 20)  # page-aligned, as O_DIRECT needs
    block.write(b"x" * (1 << 20))
    out = {"buffered_mb_s": [], "direct_mb_s": []}
    with tempfile.TemporaryDirectory(prefix="kpk-bench-disk-") as d:
        for _ in range(repeats):
            for key, flags in (("buffered_mb_s", 0), ("direct_mb_s", os.O_DIRECT)):
                path = os.path.join(d, "probe")
                fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY | flags, 0o644)
                try:
                    t0 = time.perf_counter()
                    for i in range(total_mib):
                        os.write(fd, block)
                        if not flags and (i + 1) % sync_every_mib == 0:
                            os.fdatasync(fd)
                    os.fdatasync(fd)
                    out[key].append(total_mib * (1 << 20) / 1e6 / (time.perf_counter() - t0))
                finally:
                    os.close(fd)
                    os.unlink(path)
    return {k: median(v) for k, v in out.items()}


def latency_scenario(load, mode, args, repeats, with_nosync=False):
    """With with_nosync, kpk also runs in developer_mode (no fsync): what is left of its
    latency then is the machine's scheduling, not the disk."""
    results = {"kpk": [], "mock": []} | ({"kpk-nosync": []} if with_nosync else {})
    for rep in range(repeats):
        order = [KpkTarget(), MockTarget()] + ([KpkTarget(developer_mode=True)]
                                               if with_nosync else [])
        if rep % 2:
            order.reverse()
        for target in order:
            topic = f"lat-{mode}"
            with running(target, topic, 1, load) as t:
                r = load.run(mode, t.bootstrap, topic, 1, args)
                results[t.name].append(r)
                log(f"  {t.name:10} {mode}: p50 {r['p50_us']:.0f} us, p99 {r['p99_us']:.0f} us,"
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
    """The report; a section whose scenario did not run (--only) is left out."""
    lines = []
    lines.append(f"Run: {results['date']}, load average before/after: {results['load_before']} /"
                 f" {results['load_after']}, CPU time stolen by the hypervisor:"
                 f" {results.get('steal_percent', '?')}%, repeats: {args.repeats} (median shown)"
                 + (f", throughput record counts x{results['produce_scale']}"
                    if results.get("produce_scale", 1.0) != 1.0 else "") + ".")
    core = {"throughput", "e2e", "produce_latency", "startup", "crash"} & set(results)
    if core:
        lines.append("")
        lines.append("| Target | kpk | mock | kpk/mock | Goal | Met |")
        lines.append("|---|---:|---:|---:|---|---|")

    def row(name, k, m, goal, met, unit="", digits=1):
        r = ratio(k, m)
        lines.append(f"| {name} | {fmt(k, digits)}{unit} | {fmt(m, digits)}{unit} |"
                     f" {fmt(r, 2)}x | {goal} | {'yes' if met else 'NO'} |")

    throughput = results.get("throughput", [])
    for s in throughput:
        k, m = s["produce_mb_s"]["kpk"], s["produce_mb_s"]["mock"]
        row(f"produce {s['size']} B, {s['partitions']} part., acks=all, linger 5 ms (MB/s)", k, m,
            ">= 1.0x", ratio(k, m) is not None and ratio(k, m) >= 1.0)
    if "disk_write" in results:
        disk = results["disk_write"]
        lines.append(f"| disk: 1 MiB writes + fdatasync every 2 MiB / O_DIRECT (MB/s) |"
                     f" {fmt(disk['buffered_mb_s'], 0)} / {fmt(disk['direct_mb_s'], 0)} | | |"
                     " - | |")
    for s in throughput:
        k, m = s["consume_mb_s"]["kpk"], s["consume_mb_s"]["mock"]
        row(f"consume {s['size']} B, {s['partitions']} part. (MB/s)", k, m, ">= 1.0x",
            ratio(k, m) is not None and ratio(k, m) >= 1.0)
    if "e2e" in results:
        e2e = results["e2e"]
        k, m = e2e["p99_us"]["kpk"] / 1e3, e2e["p99_us"]["mock"] / 1e3
        row("end-to-end p99 at 1,000 msg/s, fetch wait 500 ms (ms)", k, m, "< 5 ms", k < 5,
            digits=2)
        k50, m50 = e2e["p50_us"]["kpk"] / 1e3, e2e["p50_us"]["mock"] / 1e3
        row("end-to-end p50 (ms)", k50, m50, "-", True, digits=2)
    if "produce_latency" in results:
        pl = results["produce_latency"]
        k, m = pl["p99_us"]["kpk"] / 1e3, pl["p99_us"]["mock"] / 1e3
        row("produce p99, acks=all, linger 0, 1,000 msg/s (ms)", k, m, "< 1 ms", k < 1, digits=3)
        k50, m50 = pl["p50_us"]["kpk"] / 1e3, pl["p50_us"]["mock"] / 1e3
        row("produce p50 (ms)", k50, m50, "-", True, digits=3)
        if "kpk-nosync" in pl["p99_us"]:
            row("produce p99, same load, kpk in developer_mode (no fsync) (ms)",
                pl["p99_us"]["kpk-nosync"] / 1e3, m, "-", True, digits=3)
        if "fsync_probe" in pl:
            probe = pl["fsync_probe"]
            lines.append(f"| disk: 100-byte append + fdatasync, 1 per ms, p50 / p99 (ms) |"
                         f" {probe['p50_ms']:.3f} / {probe['p99_ms']:.3f} | | | - | |")
    if "startup" in results:
        st = results["startup"]
        row("startup: spawn to first answered ApiVersions (ms)", st["kpk"], st["mock"],
            "< 50 ms", st["kpk"] < 50)
        row("idle RSS after startup (MB)", st["kpk_rss_kib"] / 1024, st["mock_rss_kib"] / 1024,
            "< 20 MB", st["kpk_rss_kib"] / 1024 < 20)
    if throughput:
        rss_after = max(s["kpk_rss_after_kib"] for s in throughput)
        lines.append(f"| kpk RSS after the throughput load (MB, max over scenarios) |"
                     f" {fmt(rss_after / 1024)} | | | - | |")
    if "startup" in results:
        lines.append(f"| kpk startup to HTTP /v1/status/ready (ms, 20 ms poll) |"
                     f" {fmt(results['startup']['kpk_ready_http'])} | | | - | |")
    if "crash" in results:
        c = results["crash"]
        lines.append(f"| crash test: {len(c['rounds'])} rounds, {c['kills']} SIGKILLs,"
                     f" {c['acked']:,} acked records | {c['violations']} violations | | |"
                     f" 0 | {'yes' if c['violations'] == 0 else 'NO'} |")
    for s in throughput:
        failed = s["produce_failed"]
        if failed["kpk"] or failed["mock"]:
            lines.append("")
            lines.append(f"Delivery errors in {s['size']} B x{s['partitions']}: {failed}")
    if throughput:
        lines.append("")
        lines.append("Server CPU per MB moved (all threads, from /proc/PID/task/*/schedstat; lower"
                     " is better, and robust to the machine's other load):")
        lines.append("")
        lines.append("| Load | kpk ms/MB | mock ms/MB | kpk/mock |")
        lines.append("|---|---:|---:|---:|")
        for phase in ("produce", "consume"):
            for s in throughput:
                k, m = s[f"{phase}_cpu_ms_mb"]["kpk"], s[f"{phase}_cpu_ms_mb"]["mock"]
                lines.append(f"| {phase} {s['size']} B, {s['partitions']} part. | {fmt(k, 2)} |"
                             f" {fmt(m, 2)} | {fmt(ratio(k, m), 2)}x |")
    if "groups" in results or "idempotent" in results:
        lines.append("")
        lines.extend(groups_markdown(results))
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


def groups_markdown(results):
    """The "Groups and idempotence" section."""
    lines = ["Groups and idempotence:", ""]
    lines.append("| Target | kpk | mock | kpk/mock | Goal | Met |")
    lines.append("|---|---:|---:|---:|---|---|")

    def row(name, k, m, goal, met, digits=1):
        lines.append(f"| {name} | {fmt(k, digits)} | {fmt(m, digits)} | {fmt(ratio(k, m), 2)}x |"
                     f" {goal} | {met} |")

    g = results.get("groups")
    if g:
        shape = f"{g['size']} B, {g['partitions']} part., {g['count']:,} records"
        single, group = g["single_mb_s"], g["group_mb_s"]
        row(f"single consumer, {shape} (MB/s)", single["kpk"], single["mock"], "-", "")
        row(f"group of {g['consumers']} consumers, same records, first to last record (MB/s)",
            group["kpk"], group["mock"], "-", "")
        gk, gm = ratio(group["kpk"], single["kpk"]), ratio(group["mock"], single["mock"])
        met = "-" if gk is None else ("yes" if gk >= 1.0 else "NO")
        row("group / single consumer (x)", gk, gm, ">= 1.0x on kpk", met, digits=2)
        row("group join: subscribe to every member holding its share (ms)",
            g["group_join_ms"]["kpk"], g["group_join_ms"]["mock"], "-", "", digits=0)
        row("group server CPU per MB, incl. join/commit/leave (ms/MB)", g["group_cpu_ms_mb"]["kpk"],
            g["group_cpu_ms_mb"]["mock"], "-", "", digits=2)
    i = results.get("idempotent")
    if i:
        shape = f"{i['size']} B, {i['partitions']} part., acks=all, linger 5 ms"
        mb = i["mb_s"]
        row(f"produce {shape}, plain (MB/s)", mb["kpk"]["plain"], mb["mock"]["plain"], "-", "")
        row(f"produce {shape}, enable.idempotence=true (MB/s)", mb["kpk"]["idempotent"],
            mb["mock"]["idempotent"], "-", "")
        ik = ratio(mb["kpk"]["idempotent"], mb["kpk"]["plain"])
        im = ratio(mb["mock"]["idempotent"], mb["mock"]["plain"])
        met = "-" if ik is None else ("yes" if ik >= 0.9 else "NO")
        row("idempotent / plain produce (x)", ik, im, ">= 0.9x on kpk", met, digits=2)
        cpu = i["cpu_ms_mb"]
        row("idempotent produce server CPU per MB (ms/MB)", cpu["kpk"]["idempotent"],
            cpu["mock"]["idempotent"], "-", "", digits=2)
    notes = []
    if g:
        for name in ("kpk", "mock"):
            for r in g["runs"][name]:
                if "group_error" in r:
                    notes.append(f"{name} group-consume FAILED (not in the medians):"
                                 f" `{r['group_error'].strip().splitlines()[-1]}`")
                    continue
                gr = r["group"]
                notes.append(f"{name} group run: {gr['protocol']}, records per member"
                             f" {gr['member_records']}, ms per pass {gr['pass_ms']}, join ms"
                             f" {gr['join_ms']}, {gr['duplicates']} duplicates,"
                             f" {gr['rebalances_after_start']} rebalance callbacks while reading,"
                             f" {gr['errors']} errors ({gr['first_error'] or '-'})")
    if i and any(v for f in i["failed"].values() for v in f.values()):
        notes.append(f"Delivery errors in the idempotence runs: {i['failed']}")
    if notes:
        lines.append("")
        lines.extend(notes)
    lines.append("")
    lines.append("In the kpk/mock column of the two ratio rows the figure is (kpk ratio) /"
                 " (mock ratio). The group rows use a smaller topic than the core throughput"
                 " (the mock keeps only 5 MiB per partition); the group clock starts at the first"
                 " record, after every member holds its partitions (paused until then).")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(SOURCE_DIR, "build-bench"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--crash-rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="smaller counts, one repeat")
    parser.add_argument("--produce-scale", type=float, default=1.0,
                        help="multiply the throughput rows' record counts (3: runs of ~0.5 s"
                        " instead of ~0.15 s)")
    parser.add_argument("--only", default="", help="comma list: throughput,e2e,produce-latency,"
                        "startup,crash,groups,idempotent,devmode (default: all but devmode)")
    parser.add_argument("--developer-mode-rows", action="store_true",
                        help="also produce-throughput with kpk --developer-mode")
    parser.add_argument("--json", help="write raw results here")
    parser.add_argument("--from-json", help="only print the table for results saved by --json")
    args = parser.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            print(markdown(json.load(f), args))
        return 0

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
    known = {"throughput", "e2e", "produce-latency", "startup", "crash", "groups", "idempotent",
             "devmode"}
    only = set(filter(None, args.only.split(","))) or known - {"devmode"}
    if only - known:
        sys.exit(f"--only: unknown {','.join(sorted(only - known))}"
                 f" (known: {','.join(sorted(known))})")
    if args.developer_mode_rows:
        only.add("devmode")
    scale = 0.3 if args.quick else 1.0

    # Counts: each produce run moves ~30-100 MB. Consumption reads at most 3 MiB per partition
    # per pass, because librdkafka's mock keeps only the newest 5 MiB of each partition.
    shapes = [(100, 1), (100, 8), (1024, 1), (1024, 8)]
    counts = {100: int(300_000 * scale * args.produce_scale),
              1024: int(100_000 * scale * args.produce_scale)}
    tails = {100: 30_000, 1024: 3_000}
    passes = {1: 20, 8: 4}

    ticks_before = cpu_ticks()
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "load_before": load_average(),
               "produce_scale": args.produce_scale}
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
        results["disk_write"] = write_bandwidth_probe()
        log(f"  disk write probe: {results['disk_write']}")
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
                                      "--acks", "all", "--linger-ms", "0"], args.repeats,
            with_nosync=True)
        results["produce_latency"]["fsync_probe"] = fsync_probe()
        log(f"  fdatasync probe: {results['produce_latency']['fsync_probe']}")
    if "groups" in only:
        log("group consume: 3 consumers vs 1, 1 KiB x 8 partitions")
        results["groups"] = groups_scenario(load, args.repeats, consumers=3, per_partition=3_000,
                                            single_passes=4, group_passes=1)
    if "idempotent" in only:
        log("idempotent vs plain produce, 1 KiB x 8 partitions")
        results["idempotent"] = idempotent_scenario(load, args.repeats, counts[1024])
    if "crash" in only:
        log("crash test")
        results["crash"] = crash_scenario(load, args.crash_rounds, duration_s=6 * scale + 2,
                                          rate=5000, partitions=2)
    results["load_after"] = load_average()
    stolen, total = (after - before for after, before in zip(cpu_ticks(), ticks_before))
    results["steal_percent"] = round(100.0 * stolen / max(total, 1), 1)
    results["seconds"] = round(time.monotonic() - started, 1)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    print(markdown(results, args))
    log(f"done in {results['seconds']} s")
    crash = results.get("crash")
    return 1 if crash and crash["violations"] else 0


if __name__ == "__main__":
    sys.exit(main())
