"""The ACL APIs without an authorizer, as Kafka answers them: DescribeAcls (29), CreateAcls (30)
and DeleteAcls (31) are advertised over v0-v3 and answer SECURITY_DISABLED with "No Authorizer is
configured." (DescribeAcls once at the top; CreateAcls once per creation, DeleteAcls once per
filter, in order); the connection stays usable. Real client: kafka-python's describe_acls,
create_acls and delete_acls get SecurityDisabledError rather than "unsupported by the broker"."""
import sys

import kwire
from kwire import Conn
from kpk_harness import Broker, run_timed

MESSAGE = "No Authorizer is configured."
LITERAL, MATCH, ANY = 3, 4, 1  # pattern types
TOPIC, GROUP = 2, 3  # resource types
READ, WRITE, ALLOW = 3, 4, 3


def test_advertised(c):
    keys = {k["api_key"]: (k["min_version"], k["max_version"])
            for k in c.request(kwire.API_API_VERSIONS, 3, {
                "client_software_name": "kpk-e2e", "client_software_version": "1"})["api_keys"]}
    for key in (kwire.API_DESCRIBE_ACLS, kwire.API_CREATE_ACLS, kwire.API_DELETE_ACLS):
        assert keys.get(key) == (0, 3), (key, keys.get(key))


def test_raw(c):
    for v in range(0, 4):
        body = c.request(kwire.API_DESCRIBE_ACLS, v, {
            "resource_type_filter": ANY, "resource_name_filter": None,
            "pattern_type_filter": ANY if v >= 1 else LITERAL, "principal_filter": None,
            "host_filter": None, "operation": ANY, "permission_type": ANY})
        assert body["error_code"] == kwire.SECURITY_DISABLED, (v, body)
        assert body["error_message"] == MESSAGE and body["resources"] == [], (v, body)

        creations = [{"resource_type": TOPIC, "resource_name": f"t{i}",
                      "resource_pattern_type": LITERAL, "principal": "User:alice",
                      "host": "*", "operation": op, "permission_type": ALLOW}
                     for i, op in enumerate((READ, WRITE, READ))]
        body = c.request(kwire.API_CREATE_ACLS, v, {"creations": creations})
        assert [(r["error_code"], r["error_message"]) for r in body["results"]] == \
            [(kwire.SECURITY_DISABLED, MESSAGE)] * 3, (v, body)
        body = c.request(kwire.API_CREATE_ACLS, v, {"creations": []})
        assert body["results"] == [], (v, body)

        filters = [{"resource_type_filter": t, "resource_name_filter": None,
                    "pattern_type_filter": MATCH if v >= 1 else LITERAL,
                    "principal_filter": "User:bob", "host_filter": None, "operation": ANY,
                    "permission_type": ANY} for t in (TOPIC, GROUP)]
        body = c.request(kwire.API_DELETE_ACLS, v, {"filters": filters})
        assert [(r["error_code"], r["error_message"], r["matching_acls"])
                for r in body["filter_results"]] == \
            [(kwire.SECURITY_DISABLED, MESSAGE, [])] * 2, (v, body)
    # Still a working connection.
    assert c.request(kwire.API_METADATA, 1, {"topics": None})["brokers"], "metadata after ACLs"


def test_kafka_python(b):
    # confluent-kafka 1.7 (Debian's) has no ACL admin calls; kafka-python 2.0 has them (v0-v1).
    from kafka.admin import (ACL, ACLFilter, ACLOperation, ACLPermissionType,
                             ACLResourcePatternType, KafkaAdminClient, ResourcePattern,
                             ResourcePatternFilter, ResourceType)
    from kafka.errors import SecurityDisabledError
    admin = KafkaAdminClient(bootstrap_servers=b.bootstrap, request_timeout_ms=10000)
    try:
        everything = ACLFilter(principal=None, host=None, operation=ACLOperation.ANY,
                               permission_type=ACLPermissionType.ANY,
                               resource_pattern=ResourcePatternFilter(
                                   ResourceType.ANY, None, ACLResourcePatternType.ANY))
        try:
            admin.describe_acls(everything)
            raise AssertionError("describe_acls succeeded without an authorizer")
        except SecurityDisabledError as e:
            assert MESSAGE in str(e), e
        acl = ACL(principal="User:alice", host="*", operation=ACLOperation.READ,
                  permission_type=ACLPermissionType.ALLOW,
                  resource_pattern=ResourcePattern(ResourceType.TOPIC, "orders",
                                                   ACLResourcePatternType.LITERAL))
        created = admin.create_acls([acl])
        assert created["succeeded"] == [], created
        assert [(a, err) for a, err in created["failed"]] == [(acl, SecurityDisabledError)], \
            created
        deleted = admin.delete_acls([everything])
        assert deleted == [(everything, [], SecurityDisabledError)], deleted
    finally:
        admin.close()


def main():
    with Broker() as b:
        with Conn(b.bootstrap) as c:
            run_timed((test_advertised, test_raw), c)
        run_timed((test_kafka_python,), b)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
