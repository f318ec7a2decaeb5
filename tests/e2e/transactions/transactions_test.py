"""Transactions with real clients: committed records are visible to read_committed consumers in
order, aborted ones never are (but read_uncommitted consumers see everything), consume-transform-
produce commits its input offsets atomically with its output, and a new producer instance with
the same transactional id fences the old one."""
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition

from kpk_harness import Broker, node
from txn_common import create_topics, read_partitions

ROUNDS = 6
PER_ROUND = 20


def commit_and_abort(b):
    create_topics(b.bootstrap, 2, "txn-out")
    p = Producer({"bootstrap.servers": b.bootstrap, "transactional.id": "tx-a",
                  "transaction.timeout.ms": 10000})
    p.init_transactions(10)
    committed = {0: [], 1: []}
    for r in range(ROUNDS):
        p.begin_transaction()
        for i in range(PER_ROUND):
            value = f"r{r}-{i}"
            p.produce("txn-out", value.encode(), partition=i % 2)
            if r % 2 == 0:
                committed[i % 2].append(value)
        p.flush(10)  # abort_transaction purges unsent records; aborted ones must reach the log
        if r % 2 == 0:
            p.commit_transaction(10)
        else:
            p.abort_transaction(10)
    seen = read_partitions(b.bootstrap, "txn-out", 2, "read_committed")
    assert seen == committed, f"read_committed saw {seen}, expected {committed}"
    everything = read_partitions(b.bootstrap, "txn-out", 2, "read_uncommitted")
    total = sum(len(v) for v in everything.values())
    assert total == ROUNDS * PER_ROUND, f"read_uncommitted saw {total} records"
    return p


def open_transaction_holds_back_read_committed(b, p):
    p.begin_transaction()
    p.produce("txn-out", b"pending", partition=0)
    p.flush(10)
    seen = read_partitions(b.bootstrap, "txn-out", 2, "read_committed")
    assert "pending" not in seen[0], "read_committed saw a record of an open transaction"
    p.commit_transaction(10)
    seen = read_partitions(b.bootstrap, "txn-out", 2, "read_committed")
    assert seen[0][-1] == "pending", "committed record not visible after commit"


def fencing(b):
    old = Producer({"bootstrap.servers": b.bootstrap, "transactional.id": "tx-fence"})
    old.init_transactions(10)
    old.begin_transaction()
    old.produce("txn-out", b"zombie", partition=1)
    old.flush(10)
    new = Producer({"bootstrap.servers": b.bootstrap, "transactional.id": "tx-fence"})
    new.init_transactions(10)  # aborts the old instance's transaction and fences it
    try:
        old.commit_transaction(10)
        raise AssertionError("the fenced producer could still commit")
    except KafkaException as e:
        assert e.args[0].code() in (KafkaError._FENCED, KafkaError.PRODUCER_FENCED,
                                    KafkaError.INVALID_PRODUCER_EPOCH), e
    seen = read_partitions(b.bootstrap, "txn-out", 2, "read_committed")
    assert "zombie" not in seen[1], "the fenced producer's record became visible"


def consume_transform_produce(b):
    create_topics(b.bootstrap, 1, "ctp-in", "ctp-out")
    seed = Producer({"bootstrap.servers": b.bootstrap})
    for i in range(30):
        seed.produce("ctp-in", f"in-{i}".encode())
    seed.flush(10)
    consumer = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "ctp",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False,
                         "isolation.level": "read_committed"})
    consumer.subscribe(["ctp-in"])
    p = Producer({"bootstrap.servers": b.bootstrap, "transactional.id": "tx-ctp"})
    p.init_transactions(10)
    processed, batches = 0, 0
    deadline = time.monotonic() + 60
    while processed < 30 and time.monotonic() < deadline:
        msgs = [m for m in consumer.consume(10, 1.0) if m.error() is None]
        if not msgs:
            continue
        p.begin_transaction()
        for m in msgs:
            p.produce("ctp-out", m.value().replace(b"in-", b"out-"))
        p.send_offsets_to_transaction(consumer.position(consumer.assignment()),
                                      consumer.consumer_group_metadata(), 10)
        # Abort every third batch: its output must vanish and its input be read again.
        if batches % 3 == 2:
            p.abort_transaction(10)
            for tp in consumer.assignment():
                committed = consumer.committed([tp], 10)[0].offset
                consumer.seek(TopicPartition(tp.topic, tp.partition, max(committed, 0)))
        else:
            p.commit_transaction(10)
            processed += len(msgs)
        batches += 1
    consumer.close()
    assert processed == 30, f"processed {processed} of 30"
    out = read_partitions(b.bootstrap, "ctp-out", 1, "read_committed")[0]
    assert out == [f"out-{i}" for i in range(30)], f"output {out}"
    check = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "ctp"})
    offset = check.committed([TopicPartition("ctp-in", 0)], 10)[0].offset
    check.close()
    assert offset == 30, f"group committed offset {offset}, expected 30"


def kafkajs_transactions(b):
    create_topics(b.bootstrap, 1, "txn-js")
    node("transactions/transactions.js", b.bootstrap, "txn-js")
    seen = read_partitions(b.bootstrap, "txn-js", 1, "read_committed")[0]
    assert seen == ["commit-0", "commit-1", "commit-2"], f"read_committed saw {seen}"


def main():
    with Broker(auto_create=False) as b:
        p = commit_and_abort(b)
        open_transaction_holds_back_read_committed(b, p)
        fencing(b)
        kafkajs_transactions(b)
        consume_transform_produce(b)
        # Everything still holds after a restart (state rebuilt from the logs).
        b.restart()
        seen = read_partitions(b.bootstrap, "txn-out", 2, "read_committed")
        assert len(seen[0]) + len(seen[1]) == (ROUNDS // 2) * PER_ROUND + 1, seen
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
