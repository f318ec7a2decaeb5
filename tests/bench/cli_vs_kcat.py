#!/usr/bin/python3
"""CLI vs kcat and Kafka's console tools, side by side in one run against one cluster (not a
test; run by hand):

  * produce 1,000,000 lines:   kpk topic produce T -o '' -z none   vs  kcat -P -t T
                               vs  kafka-console-producer --topic T
  * consume them to the end:   kpk topic consume T -o :end -f '%v\\n'  vs  kcat -C -e -f '%s\\n'
                               vs  kafka-console-consumer --from-beginning --max-messages N
  * metadata:                  kpk cluster info                      vs  kcat -L

Produce and consume are repeated (--runs) and the best wall time is kept; cluster info is the
median of 200 runs of each, alternated. Ratios are the other tool's time divided by kpk's: 1.0
or more means kpk is at least as fast. The console tools (a JVM each, from the jars that
tests/support/apache_kafka/fetch.sh caches) run with --console-tools. --target kafka runs
against a single Apache Kafka node (tests/support/apache_kafka). The mock cluster keeps only
the newest ~5 MB of a partition, so --target mock needs --records 40000 or fewer.

  /usr/bin/python3 tests/bench/cli_vs_kcat.py --kpk build/kpk --mock build/kpk_mock_cluster
  [--target broker|kafka|mock] [--console-tools] [--records 1000000] [--runs 3]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e", "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support", "apache_kafka"))


def timed(args, stdin=None, stdout=subprocess.DEVNULL, timeout=600):
    started = time.monotonic()
    result = subprocess.run(args, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                            timeout=timeout)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise RuntimeError(f"{args} exited {result.returncode}: {result.stderr.decode()[-2000:]}")
    return elapsed


def best_of(runs, fn):
    return min(fn() for _ in range(runs))


def count_lines(path):
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kpk", required=True)
    parser.add_argument("--mock", help="kpk_mock_cluster binary (for --target mock)")
    parser.add_argument("--target", choices=("broker", "kafka", "mock"), default="broker")
    parser.add_argument("--console-tools", action="store_true",
                        help="also time kafka-console-producer and -consumer")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ["KPK_BIN"] = os.path.abspath(args.kpk)
    if args.mock:
        os.environ["KPK_MOCK_CLUSTER_BIN"] = os.path.abspath(args.mock)
    import kpk_harness  # reads the binaries from the environment

    work = tempfile.mkdtemp(prefix="kpk-cli-bench-")
    input_path = os.path.join(work, "input.txt")
    with open(input_path, "w") as f:
        for i in range(args.records):
            f.write(f"record-{i:09d}-" + "x" * 80 + "\n")

    tools = ["kpk", "kcat"] + (["console"] if args.console_tools else [])
    topics = [f"{tool}{i}" for tool in tools for i in range(args.runs)]
    if args.target == "mock":
        cluster = kpk_harness.MockCluster(topics=[f"{t}:1" for t in topics])
    else:
        if args.target == "kafka":
            import kafka_cluster
            cluster = kafka_cluster.KafkaCluster("single", jvm={"heap": "1g", "fast_start": False},
                                                 small=False)
            cluster.__enter__()
        else:
            cluster = kpk_harness.Broker().start()
        for t in topics:
            kpk_harness.kpk("-X", f"brokers={cluster.bootstrap}", "topic", "create", t, "-p", "1")
    brokers = cluster.bootstrap
    kpk = [args.kpk, "-X", f"brokers={brokers}"]
    results = {}
    try:
        # Produce: each run writes a fresh topic so consume later reads exactly N records.
        def produce(cmd_for_topic, prefix):
            times = []
            for i in range(args.runs):
                with open(input_path, "rb") as stdin:
                    times.append(timed(cmd_for_topic(f"{prefix}{i}"), stdin=stdin))
            return min(times)

        def console(main_class, *tool_args):
            import kafka_cluster
            return kafka_cluster.java_command(main_class, "--bootstrap-server", brokers,
                                              *tool_args, heap="512m", fast_start=False)

        results["produce"] = [
            produce(lambda t: kpk + ["topic", "produce", t, "-o", "", "-z", "none"], "kpk"),
            produce(lambda t: ["kcat", "-b", brokers, "-P", "-t", t], "kcat")]
        if args.console_tools:
            results["produce"].append(produce(lambda t: console(
                "org.apache.kafka.tools.ConsoleProducer", "--topic", t), "console"))

        out_path = os.path.join(work, "out.txt")

        def consume(cmd):
            with open(out_path, "wb") as out:
                elapsed = timed(cmd, stdout=out)
            lines = count_lines(out_path)
            if lines != args.records:
                raise RuntimeError(f"{cmd[:3]}... printed {lines} lines, want {args.records}")
            return elapsed

        results["consume"] = [
            best_of(args.runs, lambda: consume(kpk + ["topic", "consume", "kpk0", "-o", ":end",
                                                      "-f", "%v\\n"])),
            best_of(args.runs, lambda: consume(["kcat", "-b", brokers, "-C", "-t", "kpk0", "-o",
                                                "beginning", "-e", "-q", "-f", "%s\\n"]))]
        if args.console_tools:
            results["consume"].append(best_of(args.runs, lambda: consume(console(
                "org.apache.kafka.tools.consumer.ConsoleConsumer", "--topic", "kpk0",
                "--from-beginning", "--max-messages", str(args.records)))))

        # Alternating the two spreads any change in the machine's load over both sides.
        def alternating_medians(n, cmd_a, cmd_b):
            a, b = [], []
            for _ in range(n):
                a.append(timed(cmd_a))
                b.append(timed(cmd_b))
            return statistics.median(a), statistics.median(b)

        results["cluster info"] = list(alternating_medians(
            200, kpk + ["cluster", "info"], ["kcat", "-b", brokers, "-L"]))
        # Reported for information: kpk's defaults (snappy, a line per delivered record).
        with open(input_path, "rb") as stdin:
            kpk_defaults = timed(kpk + ["topic", "produce", "kpk0"], stdin=stdin)
    finally:
        if args.target == "mock":
            cluster.stop()
        else:
            cluster.__exit__(None, None, None)  # Broker and KafkaCluster alike
        import shutil
        shutil.rmtree(work, ignore_errors=True)

    def cells(times):
        kpk_t = times[0]
        console = (f" {times[2] * 1000:.2f} | {times[2] / kpk_t:.2f} |" if len(times) > 2
                   else (" - | - |" if args.console_tools else ""))
        return f" {kpk_t * 1000:.2f} | {times[1] * 1000:.2f} | {times[1] / kpk_t:.2f} |" + console

    head = " console (ms) | console/kpk |" if args.console_tools else ""
    print(f"| operation ({args.records:,} records, {args.target}) | kpk (ms) | kcat (ms) |"
          f" kcat/kpk |{head}")
    print("|---|---:|---:|---:|" + ("---:|---:|" if args.console_tools else ""))
    for name, times in results.items():
        print(f"| {name} |{cells(times)}")
    print(f"\nkpk produce with its defaults (snappy, a delivery line per record):"
          f" {kpk_defaults:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
