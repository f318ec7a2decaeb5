#!/usr/bin/python3
"""Log compaction benchmark: the cleaner's rate against the disk's; produce with and without it.

In one run, side by side:

1. Cleaning rate. A broker whose cleaner is idle (log_compaction_interval_ms 1 h) is filled
   with --fill-mb of 1 KiB keyed records over --fill-keys keys (most records are duplicates)
   in a compacted topic with 16 MiB segments. It is stopped, the segment files are dropped from
   the page cache (posix_fadvise DONTNEED), and a fresh broker with a 100 ms cleaner interval is
   started on the same data dir. The cleaner's bytes read + written per second of cleaning
   (metrics counters; the time from its log lines) is set against the disk's own sequential
   read and write bandwidth, probed in the same run on the same file system.
2. Produce throughput with and without the cleaner. The same acks=all load of 1 KiB keyed
   records (--keys keys, so the cleaner always has work) for --duration-s against a fresh broker
   with the cleaner every 100 ms, and against one whose cleaner never runs (1 h), alternating,
   --repeats times each. The topic has 4 MiB segments and min.cleanable.dirty.ratio 0.1.
   --cleaner-io-limit-mb sets the cleaner's log_cleaner_io_max_bytes_per_second in these runs.

    /usr/bin/python3 tests/bench/compaction_bench.py --build-dir build-bench [--json out.json]

Needs kpk and kpk_kafka_load (with --keys) in --build-dir. Not a test: ctest never runs it.
Everything it starts it stops; all traffic is on 127.0.0.1; every wait and subprocess is
bounded; its temp dirs (under /tmp) are removed. Results go to stdout as a Markdown table.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)
from run_broker_bench import (  # noqa: E402
    SOURCE_DIR, Load, cpu_seconds, cpu_ticks, fmt, load_average, log, median, ratio)

MIB = 1024 * 1024
NEVER_MS = 3_600_000  # a cleaner interval that no run outlives

CLEAN_LINE = re.compile(
    r"cleaner: (?P<log>\S+): cleaned offsets below (?P<end>\d+) \(dirty from (?P<dirty>\d+),"
    r" ratio (?P<ratio>[\d.]+)\): (?P<seg_before>\d+) segment\(s\) of (?P<mb_before>[\d.]+) MB ->"
    r" (?P<seg_after>\d+) of (?P<mb_after>[\d.]+) MB, (?P<removed>\d+) of (?P<records>\d+) records"
    r" removed, read (?P<mb_read>[\d.]+) MB in (?P<ms>\d+) ms")


# ------------------------------------------------------------------------------------------------
# Machine and process probes

def cpu_breakdown():
    """Ticks of the whole machine so far, from /proc/stat: user, nice, system, idle, iowait,
    irq, softirq, steal."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:9]]
    return dict(zip(("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"),
                    values))


def cpu_shares(before, after):
    """Percent of the machine's CPU time between two cpu_breakdown()s: busy, iowait, steal."""
    delta = {k: after[k] - before[k] for k in before}
    total = max(sum(delta.values()), 1)
    busy = total - delta["idle"] - delta["iowait"] - delta["steal"]
    return {"busy_pct": round(100.0 * busy / total, 1),
            "iowait_pct": round(100.0 * delta["iowait"] / total, 1),
            "steal_pct": round(100.0 * delta["steal"] / total, 1)}


def proc_io(pid):
    """Bytes a process made the storage layer read and write (/proc/PID/io), page cache hits
    excluded."""
    out = {}
    with contextlib.suppress(OSError):
        with open(f"/proc/{pid}/io") as f:
            for line in f:
                key, value = line.split(":")
                out[key] = int(value)
    return {"read_bytes": out.get("read_bytes", 0), "write_bytes": out.get("write_bytes", 0)}


def other_kpk_processes():
    """kpk processes on the machine (none of them this script's at the time of the call): a
    concurrent test run shares the two cores with the benchmark."""
    n = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            with open(f"/proc/{pid}/comm") as f:
                n += f.read().strip() in ("kpk", "kpk_kafka_load", "kpk_mock_cluster")
    return n


def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.stat(os.path.join(root, name)).st_blocks * 512
    return total


def drop_from_page_cache(path):
    """posix_fadvise(DONTNEED) on every file under path: the next read of them goes to the
    disk. Per file, so nothing else on the machine loses its cache."""
    for root, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                fd = os.open(os.path.join(root, name), os.O_RDONLY)
                try:
                    os.fdatasync(fd)
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(fd)


def disk_probe(work, total_mib, repeats=2):
    """Sequential MB/s of the file system under `work`: write total_mib in 1 MiB writes and
    fdatasync (timed to the end of the sync), drop the file from the page cache, read it back in
    1 MiB reads. The ceiling for a cleaner that reads and writes whole segments."""
    block = b"x" * MIB
    buf = bytearray(MIB)
    writes, reads = [], []
    path = os.path.join(work, "disk-probe")
    for _ in range(repeats):
        fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o644)
        try:
            t0 = time.perf_counter()
            for _ in range(total_mib):
                os.write(fd, block)
            os.fdatasync(fd)
            writes.append(total_mib * MIB / 1e6 / (time.perf_counter() - t0))
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
        with open(path, "rb", buffering=0) as f:
            os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
            t0 = time.perf_counter()
            n = 0
            for _ in range(total_mib + 1):
                got = f.readinto(buf)
                if not got:
                    break
                n += got
            reads.append(n / 1e6 / (time.perf_counter() - t0))
        os.unlink(path)
    return {"write_mb_s": median(writes), "read_mb_s": median(reads), "mib": total_mib,
            "samples": {"write_mb_s": writes, "read_mb_s": reads}}


# ------------------------------------------------------------------------------------------------
# Broker helpers

def write_config(path, interval_ms, io_limit_bytes=0):
    with open(path, "w") as f:
        f.write(f"redpanda:\n  log_compaction_interval_ms: {interval_ms}\n"
                f"  log_cleaner_io_max_bytes_per_second: {io_limit_bytes}\n")
    return path


def cleaner_metrics(broker):
    """The kpk_log_cleaner_* series of /metrics, by name."""
    with urllib.request.urlopen(f"http://{broker.admin}/metrics", timeout=5) as r:
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        if line.startswith("kpk_log_cleaner_"):
            name, value = line.rsplit(None, 1)
            out[name.split("{")[0][len("kpk_log_cleaner_"):]] = float(value)
    return out


def metric_delta(before, after):
    return {k: after.get(k, 0) - before.get(k, 0) for k in after
            if k.endswith("_total")}


def create_topic(bootstrap, topic, partitions, config):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics(
        [NewTopic(topic, num_partitions=partitions, replication_factor=1, config=config)],
        request_timeout=15)
    futures[topic].result(timeout=20)


def broker_log_notes(text):
    """Cleaner log lines parsed, and every other line that looks like trouble."""
    cleans, trouble = [], []
    for line in text.splitlines():
        m = CLEAN_LINE.search(line)
        if m:
            cleans.append({k: (float(v) if "." in v else int(v)) if k != "log" else v
                           for k, v in m.groupdict().items()})
        elif re.search(r"cleaner|error|warn|fail|corrupt|cannot|abort", line, re.I):
            trouble.append(line.strip()[:400])
    return cleans, trouble


@contextlib.contextmanager
def broker_running(data_dir, config_file, log_path):
    from kpk_harness import Broker
    broker = Broker(data_dir=data_dir, config_file=config_file, log_path=log_path)
    try:
        broker.start(timeout=60)
        yield broker
    finally:
        with contextlib.suppress(Exception):
            broker.stop(timeout=30)
        broker.kill()


# ------------------------------------------------------------------------------------------------
# 1. Cleaning rate

def cleaning_scenario(load, work, partitions, fill_mb, fill_keys, segment_bytes, timeout_s):
    """Fill with the cleaner idle, then time one cleaner round over the cold data."""
    data = os.path.join(work, "clean-data")
    idle_cfg = write_config(os.path.join(work, "idle.yaml"), NEVER_MS)
    run_cfg = write_config(os.path.join(work, "clean.yaml"), 100)
    topic = "compact-fill"
    count = fill_mb * 1_000_000 // 1024
    out = {"partitions": partitions, "fill_mb": fill_mb, "keys": fill_keys,
           "segment_bytes": segment_bytes, "records": count}

    log(f"cleaning: fill {fill_mb} MB ({count:,} records of 1 KiB over {fill_keys:,} keys,"
        f" {partitions} partitions, segment.bytes {segment_bytes // MIB} MiB), cleaner idle")
    with broker_running(data, idle_cfg, os.path.join(work, "fill.log")) as b:
        create_topic(b.bootstrap, topic, partitions,
                     {"cleanup.policy": "compact", "segment.bytes": str(segment_bytes)})
        out["fill"] = load.run("produce", b.bootstrap, topic, partitions,
                               ["--count", str(count), "--size", "1024", "--keys", str(fill_keys),
                                "--acks", "all", "--linger-ms", "5"], timeout=timeout_s)
        if metric_delta({}, cleaner_metrics(b)).get("cleaned_partitions_total"):
            raise RuntimeError("the idle cleaner cleaned during the fill")
    out["bytes_before"] = dir_bytes(data)
    # Only sealed segments are cleaned: a partition whose records all sit in its active
    # segment has nothing to clean.
    cleanable = 0
    for root, _, files in os.walk(os.path.join(data, "topics", topic)):
        cleanable += sum(f.endswith(".log") for f in files) >= 2
    out["cleanable_partitions"] = cleanable
    if not cleanable:
        raise RuntimeError(f"{fill_mb} MB did not fill a segment of {segment_bytes} bytes")
    drop_from_page_cache(data)
    log(f"  filled: {out['fill']['mb_per_s']:.0f} MB/s, data dir {out['bytes_before'] / 1e6:.0f}"
        " MB; restarting with a 100 ms cleaner interval")

    clean_log = os.path.join(work, "clean.log")
    with broker_running(data, run_cfg, clean_log) as b:
        ready = time.monotonic()
        pid = b.proc.pid
        cpu0, io0 = cpu_seconds(pid), proc_io(pid)
        shares0 = cpu_breakdown()
        m = {}
        done_at = None
        deadline = ready + timeout_s
        while time.monotonic() < deadline:
            m = cleaner_metrics(b)
            if m.get("cleaned_partitions_total", 0) >= cleanable:
                done_at = time.monotonic()
                break
            if b.proc.poll() is not None:
                raise RuntimeError(f"broker exited:\n{b.log()[-2000:]}")
            time.sleep(0.02)
        cpu1, io1 = cpu_seconds(pid), proc_io(pid)
        out["cpu"] = cpu_shares(shares0, cpu_breakdown())
        # Nothing more is due once every partition is clean: a few more rounds must stay idle.
        time.sleep(0.5)
        settled = cleaner_metrics(b)
    cleans, trouble = broker_log_notes(open(clean_log, errors="replace").read())
    out["bytes_after"] = dir_bytes(data)
    out["finished"] = done_at is not None
    out["metrics"] = m
    out["extra_after_done"] = {k: settled.get(k, 0) - m.get(k, 0)
                               for k in ("read_bytes_total", "cleaned_partitions_total")}
    out["cleans"] = cleans
    out["trouble"] = trouble
    read, written = m.get("read_bytes_total", 0), m.get("written_bytes_total", 0)
    busy_s = sum(c["ms"] for c in cleans[:cleanable]) / 1e3 or None
    wall_s = (done_at - ready) if done_at else None
    out.update({
        "read_mb": read / 1e6, "written_mb": written / 1e6,
        "records_removed": m.get("removed_records_total", 0),
        "busy_s": busy_s, "wall_s": wall_s,
        # The cleaner's thread does the partitions back to back in one round, so the sum of its
        # per-partition times is the span from its start to its end.
        "mb_s": (read + written) / 1e6 / busy_s if busy_s else None,
        "mb_s_wall": (read + written) / 1e6 / wall_s if wall_s else None,
        "server_cpu_s": cpu1 - cpu0,
        "storage_read_mb": (io1["read_bytes"] - io0["read_bytes"]) / 1e6,
        "storage_write_mb": (io1["write_bytes"] - io0["write_bytes"]) / 1e6,
    })
    log(f"  cleaned: {out['read_mb']:.0f} MB read + {out['written_mb']:.0f} MB written in"
        f" {fmt(busy_s, 2)} s of cleaning ({fmt(wall_s, 2)} s from ready) = {fmt(out['mb_s'])}"
        f" MB/s; broker CPU {out['server_cpu_s']:.2f} s; storage reads"
        f" {out['storage_read_mb']:.0f} MB, writes {out['storage_write_mb']:.0f} MB; data dir"
        f" {out['bytes_before'] / 1e6:.0f} -> {out['bytes_after'] / 1e6:.0f} MB")
    for line in trouble:
        log(f"  broker log: {line}")
    shutil.rmtree(data, ignore_errors=True)
    return out


# ------------------------------------------------------------------------------------------------
# 2. Produce with and without the cleaner

def produce_run(load, work, variant, partitions, keys, segment_bytes, duration_s, index,
                io_limit_bytes):
    interval = 100 if variant == "with" else NEVER_MS
    data = os.path.join(work, f"produce-{variant}-{index}")
    cfg = write_config(os.path.join(work, f"{variant}.yaml"), interval, io_limit_bytes)
    broker_log = data + ".log"
    topic = "compact-load"
    try:
        with broker_running(data, cfg, broker_log) as b:
            create_topic(b.bootstrap, topic, partitions,
                         {"cleanup.policy": "compact", "segment.bytes": str(segment_bytes),
                          "min.cleanable.dirty.ratio": "0.1"})
            pid = b.proc.pid
            m0, cpu0, io0, shares0 = cleaner_metrics(b), cpu_seconds(pid), proc_io(pid), \
                cpu_breakdown()
            r = load.run("produce", b.bootstrap, topic, partitions,
                         ["--count", str(10**9), "--duration-s", str(duration_s), "--size", "1024",
                          "--keys", str(keys), "--acks", "all", "--linger-ms", "5"],
                         timeout=int(duration_s) + 60)
            m1, cpu1, io1 = cleaner_metrics(b), cpu_seconds(pid), proc_io(pid)
            r["cpu"] = cpu_shares(shares0, cpu_breakdown())
            r["server_cpu_s"] = cpu1 - cpu0
            r["storage_write_mb"] = (io1["write_bytes"] - io0["write_bytes"]) / 1e6
            r["storage_read_mb"] = (io1["read_bytes"] - io0["read_bytes"]) / 1e6
            r["cleaner"] = metric_delta(m0, m1)
            r["data_dir_mb"] = dir_bytes(data) / 1e6
        cleans, trouble = broker_log_notes(open(broker_log, errors="replace").read())
        r["cleans"] = len(cleans)
        r["trouble"] = trouble
    finally:
        shutil.rmtree(data, ignore_errors=True)
        with contextlib.suppress(OSError):
            os.remove(broker_log)
    c = r["cleaner"]
    log(f"  {variant:7} cleaner: produce {r['mb_per_s']:.1f} MB/s ({r['failed']} failed),"
        f" broker CPU {r['server_cpu_s'] / r['seconds']:.2f} cores, machine busy"
        f" {r['cpu']['busy_pct']}% iowait {r['cpu']['iowait_pct']}% steal"
        f" {r['cpu']['steal_pct']}%; cleaner {int(c.get('cleaned_partitions_total', 0))} cleans,"
        f" read {c.get('read_bytes_total', 0) / 1e6:.0f} MB, wrote"
        f" {c.get('written_bytes_total', 0) / 1e6:.0f} MB; data dir {r['data_dir_mb']:.0f} MB")
    for line in trouble:
        log(f"  broker log: {line}")
    return r


def produce_scenario(load, work, repeats, partitions, keys, segment_bytes, duration_s,
                     io_limit_bytes=0):
    log(f"produce: 1 KiB records over {keys:,} keys, {partitions} partitions, acks=all,"
        f" segment.bytes {segment_bytes // MIB} MiB, {duration_s} s per run, cleaner on / off")
    runs = {"with": [], "without": []}
    for rep in range(repeats):
        # Alternate which goes first so slow drift in the machine's load hits both alike.
        order = ["with", "without"] if rep % 2 == 0 else ["without", "with"]
        for variant in order:
            runs[variant].append(produce_run(load, work, variant, partitions, keys,
                                             segment_bytes, duration_s, rep, io_limit_bytes))
    out = {"partitions": partitions, "keys": keys, "segment_bytes": segment_bytes,
           "duration_s": duration_s, "io_limit_bytes": io_limit_bytes, "runs": runs}
    for key, field in (("mb_s", "mb_per_s"), ("data_dir_mb", "data_dir_mb")):
        out[key] = {v: median(r[field] for r in rs) for v, rs in runs.items()}
    out["server_cores"] = {v: median(r["server_cpu_s"] / r["seconds"] for r in rs)
                           for v, rs in runs.items()}
    out["busy_pct"] = {v: median(r["cpu"]["busy_pct"] for r in rs) for v, rs in runs.items()}
    out["iowait_pct"] = {v: median(r["cpu"]["iowait_pct"] for r in rs) for v, rs in runs.items()}
    out["failed"] = {v: sum(r["failed"] for r in rs) for v, rs in runs.items()}
    out["storage_write_mb_s"] = {v: median(r["storage_write_mb"] / r["seconds"] for r in rs)
                                 for v, rs in runs.items()}
    w = runs["with"]
    out["cleaner_with"] = {
        "cleans": median(r["cleaner"].get("cleaned_partitions_total", 0) for r in w),
        "read_mb": median(r["cleaner"].get("read_bytes_total", 0) / 1e6 for r in w),
        "written_mb": median(r["cleaner"].get("written_bytes_total", 0) / 1e6 for r in w),
        "records_removed": median(r["cleaner"].get("removed_records_total", 0) for r in w),
        "failures": sum(r["cleaner"].get("failures_total", 0) for r in w),
        "produced_mb": median(r["delivered"] * 1024 / 1e6 for r in w),
    }
    out["cleaner_without"] = {
        "cleans": sum(r["cleaner"].get("cleaned_partitions_total", 0) for r in runs["without"])}
    return out


# ------------------------------------------------------------------------------------------------
# Report

def markdown(res):
    lines = [f"Run: {res['date']}, {res['cores']} cores, load average before/after:"
             f" {res['load_before']} / {res['load_after']}, CPU time stolen by the hypervisor:"
             f" {res.get('steal_percent', '?')}%, {res['seconds']} s; other kpk processes on the"
             f" machine before/after: {res.get('other_kpk_before', '?')} /"
             f" {res.get('other_kpk_after', '?')}."]
    lines.append("")
    lines.append("| Target | kpk | reference | ratio | Goal | Met |")
    lines.append("|---|---:|---:|---:|---|---|")
    c, d = res.get("cleaning"), res.get("disk")
    if d:
        lines.append(f"| disk: {d['mib']} MiB in 1 MiB writes + fdatasync / read back after"
                     f" DONTNEED (MB/s) | {fmt(d['write_mb_s'], 0)} / {fmt(d['read_mb_s'], 0)}"
                     " | | | - | |")
    if c and d:
        r_mb, w_mb = c["read_mb"], c["written_mb"]
        # The disk's rate for the cleaner's own mix: its reads at the read bandwidth plus its
        # writes at the write bandwidth.
        disk_mix = (r_mb + w_mb) / (r_mb / d["read_mb_s"] + w_mb / d["write_mb_s"]) \
            if (r_mb or w_mb) else None
        c["disk_mix_mb_s"] = disk_mix
        shape = (f"{c['fill_mb']} MB of 1 KiB records over {c['keys']:,} keys, {c['partitions']}"
                 f" part., {c['segment_bytes'] // MIB} MiB segments")
        lines.append(f"| cleaner: read + written per second of cleaning, {shape} (MB/s) |"
                     f" {fmt(c['mb_s'])} | {fmt(disk_mix)} | {fmt(ratio(c['mb_s'], disk_mix), 2)}x"
                     " | - | |")
        lines.append(f"| cleaner: same, from broker ready to all partitions clean (MB/s) |"
                     f" {fmt(c['mb_s_wall'])} | {fmt(disk_mix)} |"
                     f" {fmt(ratio(c['mb_s_wall'], disk_mix), 2)}x | - | |")
        # What reached the disk (/proc/PID/io): the copy pass re-reads what the map pass just
        # read, mostly from the page cache.
        sr, sw = c["storage_read_mb"], c["storage_write_mb"]
        disk_mix_io = (sr + sw) / (sr / d["read_mb_s"] + sw / d["write_mb_s"]) \
            if (sr or sw) else None
        io_rate = (sr + sw) / c["busy_s"] if c["busy_s"] else None
        lines.append(f"| cleaner: reads + writes that reached the disk, per second of cleaning"
                     f" (MB/s) | {fmt(io_rate)} | {fmt(disk_mix_io)} |"
                     f" {fmt(ratio(io_rate, disk_mix_io), 2)}x | - | |")
    p = res.get("produce")
    if p:
        k, m = p["mb_s"]["with"], p["mb_s"]["without"]
        r = ratio(k, m)
        limit = p.get("io_limit_bytes") or 0
        lines.append(f"| produce 1 KiB, {p['partitions']} part., acks=all, {p['keys']:,} keys,"
                     f" {p['segment_bytes'] // MIB} MiB segments, cleaner every 100 ms"
                     + (f" (I/O limit {limit / 1e6:g} MB/s)" if limit else "") + " / never"
                     f" (MB/s) | {fmt(k)} | {fmt(m)} | {fmt(r, 2)}x | >= 0.8x |"
                     f" {'-' if r is None else ('yes' if r >= 0.8 else 'NO')} |")
        # Runs of one repeat are back to back, so their ratio is less exposed to the host's
        # drift over the whole run than the ratio of the medians.
        pairs = [a["mb_per_s"] / b["mb_per_s"]
                 for a, b in zip(p["runs"]["with"], p["runs"]["without"]) if b["mb_per_s"]]
        pr = median(pairs)
        lines.append(f"| same, median of the per-repeat ratios"
                     f" ({', '.join(f'{x:.2f}' for x in pairs)}) | | | {fmt(pr, 2)}x | >= 0.8x |"
                     f" {'-' if pr is None else ('yes' if pr >= 0.8 else 'NO')} |")
        lines.append(f"| data dir after {p['duration_s']:g} s of produce, cleaner / none (MB) |"
                     f" {fmt(p['data_dir_mb']['with'], 0)} | {fmt(p['data_dir_mb']['without'], 0)}"
                     f" | {fmt(ratio(p['data_dir_mb']['with'], p['data_dir_mb']['without']), 3)}x"
                     " | - | |")
        lines.append(f"| broker CPU during produce, cleaner / none (cores of {res['cores']}) |"
                     f" {fmt(p['server_cores']['with'], 2)} |"
                     f" {fmt(p['server_cores']['without'], 2)} | | - | |")
        lines.append(f"| machine CPU busy during produce, cleaner / none (%) |"
                     f" {fmt(p['busy_pct']['with'], 0)} | {fmt(p['busy_pct']['without'], 0)} | |"
                     " - | |")
        io = {v: (median(r["storage_write_mb"] / r["seconds"] for r in rs),
                  median(r["storage_read_mb"] / r["seconds"] for r in rs))
              for v, rs in p["runs"].items()}
        lines.append(f"| broker writes / reads reaching the disk, cleaner (MB/s) |"
                     f" {fmt(io['with'][0], 0)} / {fmt(io['with'][1], 0)} | | | - | |")
        lines.append(f"| broker writes / reads reaching the disk, no cleaner (MB/s) |"
                     f" {fmt(io['without'][0], 0)} / {fmt(io['without'][1], 0)} | | | - | |")
        lines.append(f"| machine iowait during produce, cleaner / none (%) |"
                     f" {fmt(p['iowait_pct']['with'], 0)} | {fmt(p['iowait_pct']['without'], 0)}"
                     " | | - | |")
    if c:
        lines.append("")
        lines.append(f"Cleaning: {c['read_mb']:.0f} MB read + {c['written_mb']:.0f} MB written by"
                     f" the cleaner in {fmt(c['busy_s'], 2)} s (sum of its per-partition times;"
                     f" {fmt(c['wall_s'], 2)} s from broker ready), {c['records_removed']:,.0f} of"
                     f" {c['records']:,} records removed, data dir {c['bytes_before'] / 1e6:.0f} ->"
                     f" {c['bytes_after'] / 1e6:.0f} MB. Broker CPU {c['server_cpu_s']:.2f} s"
                     f" ({fmt(c['server_cpu_s'] / c['wall_s'] if c['wall_s'] else None, 2)} cores);"
                     f" reads that reached the disk {c['storage_read_mb']:.0f} MB, writes"
                     f" {c['storage_write_mb']:.0f} MB; machine iowait {c['cpu']['iowait_pct']}%."
                     + ("" if c["finished"] else " NOT FINISHED within the time limit."))
        for cl in c["cleans"]:
            lines.append(f"- {cl['log']}: {cl['seg_before']} segments of {cl['mb_before']} MB ->"
                         f" {cl['seg_after']} of {cl['mb_after']} MB, read {cl['mb_read']} MB in"
                         f" {cl['ms']} ms")
    if p:
        cw = p["cleaner_with"]
        lines.append("")
        lines.append(f"Produce, cleaner every 100 ms (median per run): {cw['cleans']:.0f} partition"
                     f" cleans, {cw['read_mb']:.0f} MB read and {cw['written_mb']:.0f} MB written"
                     f" by the cleaner, {cw['records_removed']:,.0f} records removed, while"
                     f" {cw['produced_mb']:.0f} MB were produced; {cw['failures']:.0f} failures."
                     f" Cleans in the cleaner-off runs: {p['cleaner_without']['cleans']:.0f}."
                     f" Delivery errors: {p['failed']}.")
        lines.append("")
        lines.append("| Run | cleaner | MB/s | broker cores | busy % | iowait % | cleans |"
                     " cleaner MB read / written | data dir MB |")
        lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for variant in ("with", "without"):
            for i, r in enumerate(p["runs"][variant]):
                cl = r["cleaner"]
                lines.append(f"| {i + 1} | {'100 ms' if variant == 'with' else 'never'} |"
                             f" {r['mb_per_s']:.1f} | {r['server_cpu_s'] / r['seconds']:.2f} |"
                             f" {r['cpu']['busy_pct']} | {r['cpu']['iowait_pct']} |"
                             f" {cl.get('cleaned_partitions_total', 0):.0f} |"
                             f" {cl.get('read_bytes_total', 0) / 1e6:.0f} /"
                             f" {cl.get('written_bytes_total', 0) / 1e6:.0f} |"
                             f" {r['data_dir_mb']:.0f} |")
    trouble = (c["trouble"] if c else []) + [t for v in (p["runs"].values() if p else [])
                                            for r in v for t in r["trouble"]]
    if trouble:
        lines.append("")
        lines.append("Broker log lines that look like trouble:")
        lines.extend(f"- `{t}`" for t in trouble[:20])
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(SOURCE_DIR, "build-bench"))
    parser.add_argument("--load", help="kpk_kafka_load binary (default: in --build-dir)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--duration-s", type=float, default=10.0)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--keys", type=int, default=10_000, help="keys of the produce load")
    parser.add_argument("--fill-mb", type=int, default=256)
    parser.add_argument("--fill-keys", type=int, default=100_000)
    parser.add_argument("--fill-segment-mib", type=int, default=16)
    parser.add_argument("--disk-probe-mib", type=int, default=512)
    parser.add_argument("--cleaner-io-limit-mb", type=float, default=0,
                        help="log_cleaner_io_max_bytes_per_second of the produce runs' cleaner,"
                        " in MB/s (default 0: unlimited)")
    parser.add_argument("--only", default="", help="comma list: disk,cleaning,produce")
    parser.add_argument("--quick", action="store_true",
                        help="64 MB fill in 4 MiB segments, 128 MiB probe, one 4 s repeat")
    parser.add_argument("--json", help="write raw results here")
    parser.add_argument("--from-json", help="only print the table for results saved by --json")
    args = parser.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            print(markdown(json.load(f)))
        return 0
    if args.quick:
        args.repeats, args.duration_s, args.fill_mb, args.disk_probe_mib = 1, 4.0, 64, 128
        args.fill_segment_mib = 4
    only = set(filter(None, args.only.split(","))) or {"disk", "cleaning", "produce"}

    build = os.path.abspath(args.build_dir)
    os.environ["KPK_BIN"] = os.path.join(build, "kpk")
    load = Load(os.path.abspath(args.load or os.path.join(build, "kpk_kafka_load")))
    for path in (os.environ["KPK_BIN"], load.binary):
        if not os.access(path, os.X_OK):
            sys.exit(f"missing {path}: cmake --build {args.build_dir} --target kpk kpk_kafka_load")
    usage = subprocess.run([load.binary], capture_output=True, text=True, timeout=10).stderr
    if "--keys" not in usage:
        sys.exit(f"{load.binary} has no --keys: rebuild it (--target kpk_kafka_load)")
    # SIGTERM unwinds like Ctrl-C, so every broker is stopped and every temp dir removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    ticks_before = cpu_ticks()
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "load_before": load_average(),
               "cores": os.cpu_count(), "args": vars(args),
               "other_kpk_before": other_kpk_processes()}
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="kpk-bench-compact-")
    try:
        if "disk" in only:
            log(f"disk probe: {args.disk_probe_mib} MiB sequential write + read under {work}")
            results["disk"] = disk_probe(work, args.disk_probe_mib)
            log(f"  write {results['disk']['write_mb_s']:.0f} MB/s,"
                f" read {results['disk']['read_mb_s']:.0f} MB/s")
        if "cleaning" in only:
            results["cleaning"] = cleaning_scenario(
                load, work, args.partitions, args.fill_mb, args.fill_keys,
                args.fill_segment_mib * MIB,
                timeout_s=120)
        if "produce" in only:
            results["produce"] = produce_scenario(
                load, work, args.repeats, args.partitions, args.keys, 4 * MIB, args.duration_s,
                int(args.cleaner_io_limit_mb * 1e6))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["load_after"] = load_average()
    results["other_kpk_after"] = other_kpk_processes()
    stolen, total = (after - before for after, before in zip(cpu_ticks(), ticks_before))
    results["steal_percent"] = round(100.0 * stolen / max(total, 1), 1)
    results["seconds"] = round(time.monotonic() - started, 1)
    table = markdown(results)  # also fills in derived figures (disk_mix_mb_s)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    print(table)
    log(f"done in {results['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
