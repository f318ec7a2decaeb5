"""A broker killed (SIGKILL) in the middle of a transaction: after restart the open transaction
is aborted when its timeout runs out, as Kafka specifies; read_committed consumers never see its
records, and records committed before the crash are all there."""
import sys
import time

from confluent_kafka import Producer

from kpk_harness import Broker, wait_until
from txn_common import create_topics, read_partitions


def main():
    with Broker() as b:
        create_topics(b.bootstrap, 1, "crash-txn")
        p = Producer({"bootstrap.servers": b.bootstrap, "transactional.id": "tx-crash",
                      "transaction.timeout.ms": 3000})
        p.init_transactions(10)
        p.begin_transaction()
        for i in range(10):
            p.produce("crash-txn", f"committed-{i}".encode())
        p.commit_transaction(10)
        p.begin_transaction()
        for i in range(10):
            p.produce("crash-txn", f"in-flight-{i}".encode())
        p.flush(10)  # appended, not committed
        b.kill()
        del p
        b.start()
        # Until the timeout aborts it, the open transaction holds read_committed readers back at
        # its first offset, so they see exactly the committed records either way.
        seen = read_partitions(b.bootstrap, "crash-txn", 1, "read_committed")[0]
        assert seen == [f"committed-{i}" for i in range(10)], seen
        started = time.monotonic()
        # After the 3 s timeout the coordinator writes an abort marker; a new record committed
        # afterwards becomes visible, and the in-flight ones never do.
        p2 = Producer({"bootstrap.servers": b.bootstrap, "transactional.id": "tx-after"})
        p2.init_transactions(10)
        p2.begin_transaction()
        p2.produce("crash-txn", b"after")
        p2.commit_transaction(10)

        def visible():
            values = read_partitions(b.bootstrap, "crash-txn", 1, "read_committed", timeout_s=5)[0]
            return values if values and values[-1] == "after" else None

        values = wait_until(visible, 20, interval=0.5, what="the crashed transaction to abort")
        assert not any(v.startswith("in-flight") for v in values), values
        assert values == [f"committed-{i}" for i in range(10)] + ["after"], values
        print(f"ok: aborted {time.monotonic() - started:.1f}s after restart")
    return 0


if __name__ == "__main__":
    sys.exit(main())
