"""Group administration as kafka-python's admin client and raw requests see it: FindCoordinator
(batched, group and transaction keys), ListGroups (states filter), DescribeGroups (members,
static instance ids, assignments), OffsetDelete and DeleteGroups (refused while the group has
members; durable once done)."""
import sys
import uuid

from kafka import KafkaAdminClient
from kafka.structs import TopicPartition

import kwire
from group_util import RdkafkaConsumer, committed_offsets, create_topic, produce, wait_split
from kpk_harness import Broker, wait_until

NONE = 0
UNKNOWN_TOPIC_OR_PARTITION = 3
INVALID_REQUEST = 42
NON_EMPTY_GROUP = 68
GROUP_ID_NOT_FOUND = 69
GROUP_SUBSCRIBED_TO_TOPIC = 86
PARTITIONS = 3


def check_find_coordinator(b):
    with kwire.Conn(b.bootstrap) as conn:
        for key_type in (0, 1):  # groups, transactional ids
            found = kwire.find_coordinators(conn, ["g1", "g2"], key_type)
            assert [c["key"] for c in found] == ["g1", "g2"], found
            for c in found:
                assert (c["error_code"], c["node_id"], c["port"]) == (NONE, 0, b.kafka_port), c
                assert c["host"] == "127.0.0.1", c
        bad = kwire.find_coordinators(conn, ["g1"], 7)
        assert bad[0]["error_code"] == INVALID_REQUEST, bad


def main():
    topic = f"admin-{uuid.uuid4().hex[:8]}"
    group = "admin-group"
    with Broker() as b:
        check_find_coordinator(b)
        create_topic(b.bootstrap, topic, PARTITIONS)
        produce(b.bootstrap, topic, PARTITIONS, 30)
        consumer = RdkafkaConsumer("admin-client", b.bootstrap, group, topic,
                                   {"group.instance.id": "inst-1"})
        admin = KafkaAdminClient(bootstrap_servers=b.bootstrap)
        conn = kwire.Conn(b.bootstrap)
        try:
            consumer.start()
            wait_split([consumer.rec], PARTITIONS, 30, "the consumer's assignment")
            wait_until(lambda: len(consumer.rec.snapshot()[1]) >= 30, 30, what="30 records")

            assert (group, "consumer") in admin.list_consumer_groups()
            described = admin.describe_consumer_groups([group])[0]
            assert described.state == "Stable", described
            assert described.protocol in ("range", "roundrobin"), described
            [member] = described.members
            assert member.client_id == "admin-client", member
            assert member.client_host == "127.0.0.1", member
            owned = {p for t in member.member_assignment.assignment if t[0] == topic for p in t[1]}
            assert owned == set(range(PARTITIONS)), member.member_assignment

            [raw] = kwire.describe_groups(conn, [group])
            assert raw["members"][0]["group_instance_id"] == "inst-1", raw
            [dead] = kwire.describe_groups(conn, ["no-such-group"])
            assert (dead["error_code"], dead["group_state"]) == (NONE, "Dead"), dead
            err, stable = kwire.list_groups(conn, ["Stable"])
            assert err == NONE and group in [g["group_id"] for g in stable], stable
            err, empty = kwire.list_groups(conn, ["Empty"])
            assert group not in [g["group_id"] for g in empty], empty

            # While the group is active: its subscribed topic and the group itself are in use.
            err, parts = kwire.offset_delete(conn, group, {topic: [0], "no-such-topic": [0]})
            assert err == NONE, err
            assert parts == {(topic, 0): GROUP_SUBSCRIBED_TO_TOPIC,
                             ("no-such-topic", 0): UNKNOWN_TOPIC_OR_PARTITION}, parts
            [(name, error)] = admin.delete_consumer_groups([group])
            assert error.errno == NON_EMPTY_GROUP, error
        finally:
            consumer.stop()

        # librdkafka may close a static member without LeaveGroup: then its 10 s session expires.
        wait_until(lambda: kwire.describe_groups(conn, [group])[0]["group_state"] == "Empty", 20,
                   interval=0.2, what="the group to become Empty")
        offsets = admin.list_consumer_group_offsets(group)
        assert {tp.partition: om.offset for tp, om in offsets.items()} == \
            {p: 10 for p in range(PARTITIONS)}, offsets
        err, parts = kwire.offset_delete(conn, group, {topic: [0]})
        assert (err, parts) == (NONE, {(topic, 0): NONE}), (err, parts)
        assert committed_offsets(b.bootstrap, group, topic, PARTITIONS)[0] < 0
        err, _ = kwire.offset_delete(conn, "no-such-group", {topic: [0]})
        assert err == GROUP_ID_NOT_FOUND, err

        [(name, error)] = admin.delete_consumer_groups([group])
        assert error.errno == NONE, error
        conn.close()
        admin.close()
        b.stop()
        b.start()
        admin = KafkaAdminClient(bootstrap_servers=b.bootstrap)
        try:
            assert group not in [g for g, _ in admin.list_consumer_groups()]
            assert not admin.list_consumer_group_offsets(group)
        finally:
            admin.close()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
