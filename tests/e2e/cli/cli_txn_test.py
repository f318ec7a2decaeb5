"""`kpk cluster txn list|describe|describe-producers` against `kpk broker run` (--target
broker) or Apache Kafka (--target kafka), with a real
transactional producer (confluent-kafka): an open transaction is listed Ongoing with its
producer id, described with its partitions, epoch and timeout, and its producer is on the
partitions it wrote; after the commit it is CompleteCommit; a second producer with the same
transactional id bumps the epoch. Also the JSON shapes, the filters, unknown transactional ids,
unknown partitions and the flag combinations rpk refuses."""
import argparse
import datetime
import json
import sys
import time

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient

from cli_harness import TARGETS
from kpk_harness import free_port, kpk, wait_until

TXN_ID = "orders-app"
TOPIC = "txn-orders"


def table(text):
    return [line.split() for line in text.strip().splitlines()]


def transactional_producer(b):
    p = Producer({"bootstrap.servers": b.bootstrap, "transactional.id": TXN_ID,
                  "transaction.timeout.ms": 45000, "enable.idempotence": True})
    p.init_transactions(10)
    return p


def produce_open_transaction(p):
    """Begins a transaction and writes one record to partitions 0 and 2, leaving it open."""
    p.begin_transaction()
    for partition in (0, 2):
        p.produce(TOPIC, value=f"v{partition}".encode(), partition=partition)
    assert p.flush(10) == 0, "records not delivered"


def parse_timestamp(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def check_unreachable():
    """No broker: each verb fails within the dial timeout, saying why, and prints no table."""
    args = ["-X", f"brokers=127.0.0.1:{free_port()}", "-X", "globals.dial_timeout=1s"]
    for verb, says in ((["list"], "unable to list transactions"),
                       (["describe"], "unable to list transactions"),
                       (["describe", "x"], "unable to describe transactions"),
                       (["describe-producers", "--all"], "unable to describe producers")):
        started = time.monotonic()
        bad = kpk(*args, "cluster", "txn", *verb, check=False, timeout=20)
        assert bad.returncode == 1 and bad.stderr.startswith(says), (verb, bad)
        assert "reachable" in bad.stderr and bad.stdout == "", (verb, bad)
        assert time.monotonic() - started < 10, verb


def check_before_any_transaction(b):
    args = ["-X", f"brokers={b.bootstrap}"]
    assert table(kpk(*args, "cluster", "txn", "list").stdout) == \
        [["COORDINATOR", "TRANSACTIONAL-ID", "PRODUCER-ID", "STATE"]]
    assert json.loads(kpk(*args, "cluster", "txn", "list", "--format", "json").stdout) == []
    bad = kpk(*args, "cluster", "txn", "describe", "nosuch", check=False)
    assert bad.returncode == 1, bad
    assert "TRANSACTIONAL_ID_NOT_FOUND" in bad.stderr and '"nosuch"' in bad.stderr, bad.stderr
    assert table(bad.stdout)[1:] == [], bad.stdout


def node_id(b):
    """The id of the target's only broker, which coordinates and leads everything."""
    brokers = AdminClient({"bootstrap.servers": b.bootstrap}).list_topics(timeout=10).brokers
    assert len(brokers) == 1, brokers
    return str(next(iter(brokers)))


def check_open_transaction(b, started):
    args = ["-X", f"brokers={b.bootstrap}"]
    node = node_id(b)
    rows = table(kpk(*args, "cluster", "txn", "list").stdout)
    assert len(rows) == 2 and rows[1][0] == node and rows[1][1] == TXN_ID, rows
    assert rows[1][3] == "Ongoing", rows
    pid = int(rows[1][2])
    assert pid >= 0, rows
    listed = json.loads(kpk(*args, "cluster", "transaction", "ls", "--format", "json").stdout)
    assert listed == [{"broker": int(node), "transaction_id": TXN_ID, "producer_id": pid,
                       "state": "Ongoing"}], listed

    out = kpk(*args, "cluster", "txn", "describe", TXN_ID).stdout
    rows = table(out)
    assert rows[0] == ["COORDINATOR", "TRANSACTIONAL-ID", "PRODUCER-ID", "PRODUCER-EPOCH",
                       "STATE", "START-TIMESTAMP", "TIMEOUT", "TOPICS"], rows
    assert rows[1][:5] == [node, TXN_ID, str(pid), "0", "Ongoing"], rows
    assert abs(parse_timestamp(rows[1][5]) - started) < 60, (rows, started)
    assert rows[1][6:] == ["45s", TOPIC], rows
    # -p: the partitions in the transaction; --format long -p: a row per partition. No ids:
    # every listed transaction.
    rows = table(kpk(*args, "cluster", "txn", "describe", "-p").stdout)
    assert rows[1][1] == TXN_ID and rows[1][7] == f"{TOPIC}[0;2]", rows
    rows = table(kpk(*args, "cluster", "txn", "describe", TXN_ID, "--format", "long",
                     "--print-partitions").stdout)
    assert rows[0][-2:] == ["TOPIC", "PARTITION"], rows
    assert [r[-2:] for r in rows[1:]] == [[TOPIC, "0"], [TOPIC, "2"]], rows
    doc = json.loads(kpk(*args, "cluster", "txn", "describe", TXN_ID, "--format",
                         "json").stdout)
    # rpk's shape: a row per partition; the start time a string of ms, the timeout in ms.
    assert [(d["topic"], d["partition"]) for d in doc] == [(TOPIC, 0), (TOPIC, 2)], doc
    for d in doc:
        assert (d["coordinator_id"], d["transaction_id"], d["producer_id"],
                d["producer_epoch"], d["state"], d["timeout"]) == \
            (int(node), TXN_ID, pid, 0, "Ongoing", 45000), d
        assert abs(int(d["start_timestamp"]) / 1000 - started) < 60, d
    # One known and one unknown id: the known one is printed, the unknown one fails the command.
    mixed = kpk(*args, "cluster", "txn", "describe", TXN_ID, "ghost", check=False)
    assert mixed.returncode == 1 and '"ghost"' in mixed.stderr, mixed
    assert [r[1] for r in table(mixed.stdout)[1:]] == [TXN_ID], mixed.stdout
    return pid


def check_producers(b, pid, started):
    args = ["-X", f"brokers={b.bootstrap}"]
    node = node_id(b)
    rows = table(kpk(*args, "cluster", "txn", "describe-producers", "-t", TOPIC).stdout)
    assert rows[0] == ["LEADER", "TOPIC", "PARTITION", "PRODUCER-ID", "PRODUCER-EPOCH",
                       "LAST-SEQUENCE", "LAST-TIMESTAMP", "COORDINATOR-EPOCH",
                       "TXN-START-OFFSET", "ERROR"], rows
    assert [r[:5] for r in rows[1:]] == [[node, TOPIC, "0", str(pid), "0"],
                                         [node, TOPIC, "2", str(pid), "0"]], rows
    for r in rows[1:]:
        assert abs(parse_timestamp(r[6]) - started) < 60, r
        # One record each, written at offset 0: sequence 0, the transaction starts at 0.
        assert r[5] == "0" and r[8] == "0", r
    rows = table(kpk(*args, "cluster", "txn", "describe-producers", "--topics", TOPIC,
                     "-p", "2").stdout)
    assert [r[2] for r in rows[1:]] == ["2"], rows
    doc = json.loads(kpk(*args, "cluster", "txn", "describe-producers", "--all", "--format",
                         "json").stdout)
    mine = [d for d in doc if d["topic"] == TOPIC]
    assert [(d["partition"], d["producer_id"], d["transaction_start_offset"]) for d in mine] == \
        [(0, pid, 0), (2, pid, 0)], doc
    assert abs(int(mine[0]["last_timestamp"]) / 1000 - started) < 60, mine
    # A partition that does not exist, and a topic that does not: error rows, exit 0 as rpk.
    out = kpk(*args, "cluster", "txn", "describe-producers", "-t", f"{TOPIC},nosuch",
              "-p", "1,7", "--format", "json").stdout
    doc = json.loads(out)
    assert [(d["topic"], d["partition"], d["error"].split(":")[0]) for d in doc] == \
        [("nosuch", -1, "UNKNOWN_TOPIC_OR_PARTITION"),
         (TOPIC, 7, "UNKNOWN_TOPIC_OR_PARTITION")], doc  # partition 1 has no producer
    rows = table(kpk(*args, "cluster", "txn", "describe-producers", "-t", TOPIC,
                     "-p", "7").stdout)
    assert rows[1][:8] == ["-1", TOPIC, "7", "0", "0", "0", "0", "0"], rows  # zeros, as rpk
    assert rows[1][8].startswith("UNKNOWN_TOPIC_OR_PARTITION"), rows
    # rpk's refusals: nothing to describe, partitions without topics, --all with a filter.
    for bad_args, says in ((["describe-producers"], "--all or --topics"),
                           (["describe-producers", "-p", "0"], "without any topics"),
                           (["describe-producers", "--all", "-t", TOPIC], "--all")):
        bad = kpk(*args, "cluster", "txn", *bad_args, check=False)
        assert bad.returncode == 2 and says in bad.stderr, (bad_args, bad.returncode, bad.stderr)


def check_after_commit(b, p, pid):
    args = ["-X", f"brokers={b.bootstrap}"]
    p.commit_transaction(10)
    # Kafka answers EndTxn in PrepareCommit and writes the markers after; kpk's broker before.
    listed = lambda: table(kpk(*args, "cluster", "txn", "list").stdout)  # noqa: E731
    wait_until(lambda: listed()[1:][0][3] == "CompleteCommit", 15, interval=0.2,
               what="the transaction to complete")
    rows = listed()
    assert rows[1:] == [[node_id(b), TXN_ID, str(pid), "CompleteCommit"]], rows
    rows = table(kpk(*args, "cluster", "txn", "describe", TXN_ID).stdout)
    assert rows[1][:5] == [node_id(b), TXN_ID, str(pid), "0", "CompleteCommit"], rows
    assert len(rows[1]) == 7, "no topics once committed"
    # rpk's JSON lists partitions in transactions: none now.
    assert json.loads(kpk(*args, "cluster", "txn", "describe", TXN_ID, "--format",
                          "json").stdout) == []
    doc = json.loads(kpk(*args, "cluster", "txn", "describe-producers", "-t", TOPIC,
                         "--format", "json").stdout)
    assert [(d["partition"], d["transaction_start_offset"]) for d in doc] == \
        [(0, -1), (2, -1)], doc


def check_epoch_bump(b, pid):
    """A second producer with the same transactional id fences the first: same id, epoch 1."""
    args = ["-X", f"brokers={b.bootstrap}"]
    p2 = transactional_producer(b)
    try:
        rows = table(kpk(*args, "cluster", "txn", "describe", TXN_ID).stdout)
        assert rows[1][1:4] == [TXN_ID, str(pid), "1"], rows
    finally:
        p2.flush(5)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", choices=["broker", "kafka"], default="broker")
    check_unreachable()
    target = TARGETS[parser.parse_args().target]().start({TOPIC: 3})
    try:
        check_before_any_transaction(target)
        p = transactional_producer(target)
        started = time.time()
        produce_open_transaction(p)
        pid = check_open_transaction(target, started)
        check_producers(target, pid, started)
        check_after_commit(target, p, pid)
        check_epoch_bump(target, pid)
    finally:
        target.stop()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
