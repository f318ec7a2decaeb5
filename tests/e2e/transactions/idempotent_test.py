"""Idempotent producers with injected retries write every record exactly once.

A fault proxy between client and broker drops some Produce responses and cuts the connection,
so the client resends batches the broker already appended. The broker must recognise them by
producer id, epoch and sequence and answer with the original offsets instead of appending again.
"""
import sys

from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from fault_proxy import FaultProxy
from kpk_harness import Broker, free_port, node

RECORDS = 3000


def create_topic(bootstrap, name, partitions):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for f in admin.create_topics([NewTopic(name, partitions, 1)]).values():
        f.result(10)


def consume_all(bootstrap, topic, expected, timeout_s=30):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "verify-" + topic,
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c.subscribe([topic])
    values = []
    import time
    deadline = time.monotonic() + timeout_s
    while len(values) < expected and time.monotonic() < deadline:
        for m in c.consume(500, 1.0):
            if m.error() is None:
                values.append(m.value().decode())
    # A little longer: duplicates would arrive after the expected count.
    for m in c.consume(500, 1.0):
        if m.error() is None:
            values.append(m.value().decode())
    c.close()
    return values


def check_exactly_once(values, prefix, n):
    assert len(values) == n, f"{prefix}: read {len(values)} records, wrote {n}"
    assert sorted(values) == sorted(f"{prefix}-{i}" for i in range(n)), f"{prefix}: wrong records"


def confluent_kafka_case(b, proxy_bootstrap):
    create_topic(b.bootstrap, "idem", 3)
    p = Producer({"bootstrap.servers": proxy_bootstrap, "enable.idempotence": True,
                  "linger.ms": 2, "batch.num.messages": 50, "message.timeout.ms": 60000,
                  "socket.timeout.ms": 3000})
    failures = []
    for i in range(RECORDS):
        p.produce("idem", f"ck-{i}".encode(), key=str(i % 7).encode(),
                  on_delivery=lambda err, msg: err and failures.append(err))
        p.poll(0)
    assert p.flush(60) == 0, "records still in flight after 60 s"
    assert not failures, failures[:3]
    check_exactly_once(consume_all(b.bootstrap, "idem", RECORDS), "ck", RECORDS)


def kafkajs_case(b, proxy_bootstrap):
    create_topic(b.bootstrap, "idem-js", 2)
    node("transactions/idempotent_producer.js", proxy_bootstrap, "idem-js", "500")
    check_exactly_once(consume_all(b.bootstrap, "idem-js", 500), "js", 500)


def main():
    kafka_port = free_port()
    # The proxy needs the broker's port before the broker starts, and the broker needs the
    # proxy's port to advertise: pick the broker's first.
    with FaultProxy(kafka_port, api_key=0, drop_every=7, max_drops=6) as proxy:
        b = Broker(extra_args=["--advertise-kafka-addr", f"127.0.0.1:{proxy.port}"])
        b.kafka_port = kafka_port
        with b:
            confluent_kafka_case(b, f"127.0.0.1:{proxy.port}")
            dropped_ck = proxy.drops
            assert dropped_ck > 0, "the proxy never dropped a produce response"
            kafkajs_case(b, f"127.0.0.1:{proxy.port}")
            print(f"ok: {proxy.drops} produce responses dropped, no duplicates")
    return 0


if __name__ == "__main__":
    sys.exit(main())
