"""The one raw Kafka protocol client of the tests: what real clients cannot express (malformed
frames, exact API versions, pipelining, acks=0, ListOffsets -3, DeleteRecords, batched
FindCoordinator, ...), and the framing the test proxies and the broker benchmark need.

Messages are encoded and decoded from SCHEMAS (below), transcribed from the Kafka 3.9 specs.
Values are plain dicts keyed by snake_case field names; a field missing from a request dict gets
0, "", [], False, or None where the version makes it nullable. Record batches are built and read
with Debian's kafka-python (`kafka.record`), which computes and checks CRC32C; it is imported
only where a batch is built or read, so the framing alone needs nothing but the standard library.

    with Conn(broker.bootstrap) as c:
        r = c.request(API_METADATA, 1, {"topics": None})
"""

import socket
import struct
import time
import uuid as uuidlib

API_PRODUCE = 0
API_FETCH = 1
API_LIST_OFFSETS = 2
API_METADATA = 3
API_FIND_COORDINATOR = 10
API_DESCRIBE_GROUPS = 15
API_LIST_GROUPS = 16
API_API_VERSIONS = 18
API_CREATE_TOPICS = 19
API_DELETE_TOPICS = 20
API_DELETE_RECORDS = 21
API_OFFSET_FOR_LEADER_EPOCH = 23
API_DESCRIBE_ACLS = 29
API_CREATE_ACLS = 30
API_DELETE_ACLS = 31
API_DESCRIBE_CONFIGS = 32
API_ALTER_CONFIGS = 33
API_DESCRIBE_LOG_DIRS = 35
API_CREATE_PARTITIONS = 37
API_INCREMENTAL_ALTER_CONFIGS = 44
API_OFFSET_DELETE = 47
API_DESCRIBE_CLUSTER = 60

RESOURCE_TOPIC = 2
RESOURCE_BROKER = 4

# Kafka error codes used by the tests.
NONE = 0
OFFSET_OUT_OF_RANGE = 1
CORRUPT_MESSAGE = 2
UNKNOWN_TOPIC_OR_PARTITION = 3
MESSAGE_TOO_LARGE = 10
INVALID_TOPIC_EXCEPTION = 17
INVALID_REQUIRED_ACKS = 21
TOPIC_ALREADY_EXISTS = 36
INVALID_PARTITIONS = 37
INVALID_REPLICATION_FACTOR = 38
UNSUPPORTED_VERSION = 35
INVALID_REQUEST = 42
INVALID_CONFIG = 40
KAFKA_STORAGE_ERROR = 56
SECURITY_DISABLED = 54
INVALID_RECORD = 87


def _in_range(spec, version):
    """Whether `version` is in a spec range: "3+", "0-2", "5", "" (never), "none"."""
    if not spec or spec == "none":
        return False
    if spec.endswith("+"):
        return version >= int(spec[:-1])
    if "-" in spec:
        lo, hi = spec.split("-")
        return int(lo) <= version <= int(hi)
    return version == int(spec)


class Writer:
    def __init__(self, flexible):
        self.flexible = flexible
        self.buf = bytearray()

    def raw(self, b):
        self.buf += b

    def uvarint(self, n):
        while True:
            b = n & 0x7F
            n >>= 7
            if n:
                self.buf.append(b | 0x80)
            else:
                self.buf.append(b)
                return

    def length(self, n, nullable_null=False):
        """An array or string length: compact (n+1, 0 = null) or classic."""
        if self.flexible:
            self.uvarint(0 if nullable_null else n + 1)
        else:
            self.raw(struct.pack(">i", -1 if nullable_null else n))

    def string(self, s, nullable):
        if s is None:
            assert nullable, "null for a non-nullable string"
            if self.flexible:
                self.uvarint(0)
            else:
                self.raw(struct.pack(">h", -1))
            return
        b = s.encode() if isinstance(s, str) else bytes(s)
        if self.flexible:
            self.uvarint(len(b) + 1)
        else:
            self.raw(struct.pack(">h", len(b)))
        self.raw(b)

    def bytes_(self, b, nullable):
        if b is None:
            assert nullable, "null for non-nullable bytes"
            self.length(0, nullable_null=True)
            return
        self.length(len(b))
        self.raw(b)


class Reader:
    def __init__(self, data, flexible):
        self.data = memoryview(bytes(data))
        self.pos = 0
        self.flexible = flexible

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError(f"short read: need {n} bytes at {self.pos} of {len(self.data)}")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return bytes(b)

    def unpack(self, fmt):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def uvarint(self):
        shift = value = 0
        while True:
            b = self.take(1)[0]
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                return value
            shift += 7

    def length(self):
        """-1 for null."""
        if self.flexible:
            return self.uvarint() - 1
        return self.unpack(">i")

    def string(self):
        n = self.uvarint() - 1 if self.flexible else self.unpack(">h")
        return None if n < 0 else self.take(n).decode()

    def bytes_(self):
        n = self.length()
        return None if n < 0 else self.take(n)

    def skip_tags(self):
        for _ in range(self.uvarint()):
            self.uvarint()
            self.take(self.uvarint())


_FIXED = {"int8": ">b", "int16": ">h", "int32": ">i", "int64": ">q", "uint16": ">H",
          "float64": ">d"}


def _default(ftype, nullable):
    if nullable:
        return None
    if ftype in _FIXED:
        return 0
    if ftype == "bool":
        return False
    if ftype == "string":
        return ""
    if ftype in ("bytes", "records"):
        return b""
    if ftype == "uuid":
        return b"\0" * 16
    if ftype.startswith("[]"):
        return []
    if ftype == "struct":
        return {}
    raise ValueError(ftype)


def _encode_fields(w, fields, value, version):
    for field in fields:
        name, ftype, versions, nullable_versions = field[:4]
        if not _in_range(versions, version):
            continue
        nullable = _in_range(nullable_versions, version)
        v = value.get(name, _default(ftype, nullable)) if isinstance(value, dict) else value
        _encode_value(w, field, ftype, v, nullable, version)
    if w.flexible:
        w.uvarint(0)  # no tagged fields


def _encode_value(w, field, ftype, v, nullable, version):
    if ftype in _FIXED:
        w.raw(struct.pack(_FIXED[ftype], v))
    elif ftype == "bool":
        w.raw(b"\1" if v else b"\0")
    elif ftype == "string":
        w.string(v, nullable)
    elif ftype in ("bytes", "records"):
        w.bytes_(v, nullable)
    elif ftype == "uuid":
        w.raw(v if isinstance(v, (bytes, bytearray)) else uuidlib.UUID(v).bytes)
    elif ftype == "struct":
        _encode_fields(w, field[4], v, version)
    elif ftype.startswith("[]"):
        if v is None:
            assert nullable, f"null for non-nullable array {field[0]}"
            w.length(0, nullable_null=True)
            return
        w.length(len(v))
        for item in v:
            if ftype == "[]":
                _encode_fields(w, field[4], item, version)
            else:
                _encode_value(w, field, ftype[2:], item, False, version)
    else:
        raise ValueError(f"cannot encode {ftype}")


def _decode_fields(r, fields, version):
    out = {}
    for field in fields:
        name, ftype, versions, nullable_versions = field[:4]
        if _in_range(versions, version):
            out[name] = _decode_value(r, field, ftype, version)
    if r.flexible:
        r.skip_tags()
    return out


def _decode_value(r, field, ftype, version):
    if ftype in _FIXED:
        return r.unpack(_FIXED[ftype])
    if ftype == "bool":
        return r.take(1) != b"\0"
    if ftype == "string":
        return r.string()
    if ftype in ("bytes", "records"):
        return r.bytes_()
    if ftype == "uuid":
        return r.take(16)
    if ftype == "struct":
        return _decode_fields(r, field[4], version)
    if ftype.startswith("[]"):
        n = r.length()
        if n < 0:
            return None
        if ftype == "[]":
            return [_decode_fields(r, field[4], version) for _ in range(n)]
        return [_decode_value(r, field, ftype[2:], version) for _ in range(n)]
    raise ValueError(f"cannot decode {ftype}")


def is_flexible(api_key, version, kind="request"):
    return _in_range(SCHEMAS[(api_key, kind)][0], version)


def encode_body(api_key, version, value):
    flexible_spec, fields = SCHEMAS[(api_key, "request")]
    w = Writer(_in_range(flexible_spec, version))
    _encode_fields(w, fields, value, version)
    return bytes(w.buf)


def decode_body(api_key, version, data, kind="response"):
    flexible_spec, fields = SCHEMAS[(api_key, kind)]
    r = Reader(data, _in_range(flexible_spec, version))
    out = _decode_fields(r, fields, version)
    if r.pos != len(r.data):
        raise ValueError(f"{len(r.data) - r.pos} trailing bytes decoding API {api_key} "
                         f"v{version} {kind}")
    return out


def encode_request_header(api_key, version, correlation_id, client_id="kpk-e2e"):
    """Request header v1, or v2 (plus an empty tag buffer) for flexible versions. The client id
    is a classic nullable string in both."""
    w = Writer(False)
    w.raw(struct.pack(">hhi", api_key, version, correlation_id))
    w.string(client_id, True)
    flexible = (api_key, "request") in SCHEMAS and is_flexible(api_key, version)
    if flexible or (api_key == API_API_VERSIONS and version >= 3):
        w.uvarint(0)
    return bytes(w.buf)


def frame(payload):
    return struct.pack(">i", len(payload)) + payload


def request_ids(payload):
    """(api_key, api_version, correlation_id) of a request frame (without its size)."""
    return struct.unpack(">hhi", payload[:8])


def response_correlation_id(payload):
    """The correlation id of a response frame (without its size)."""
    return struct.unpack(">i", payload[:4])[0]


def request_body(payload):
    """The body of a request frame (without its size): after the header's client id and, for a
    flexible version, its tag buffer."""
    api_key, version, _ = request_ids(payload)
    r = Reader(payload[8:], False)
    r.string()  # client id: a classic nullable string in every header version
    if (api_key, "request") in SCHEMAS and is_flexible(api_key, version):
        r.skip_tags()
    return payload[8 + r.pos:]


def decode_response(api_key, version, payload):
    """(correlation_id, decoded body) of a response frame (without its size)."""
    # ApiVersions always answers with header v0 (KIP-511).
    flexible = api_key != API_API_VERSIONS and is_flexible(api_key, version, "response")
    r = Reader(payload[4:], flexible)
    if flexible:
        r.skip_tags()
    return response_correlation_id(payload), decode_body(api_key, version, payload[4 + r.pos:])


class ConnectionClosed(ConnectionError):
    pass


def recv_exact(sock, n):
    """Exactly `n` bytes from `sock`; ConnectionClosed if the peer closes first."""
    out = bytearray()
    while len(out) < n:
        chunk = sock.recv(min(n - len(out), 1 << 20))
        if not chunk:
            raise ConnectionClosed(f"connection closed after {len(out)} of {n} bytes")
        out += chunk
    return bytes(out)


def recv_frame(sock, max_size=None):
    """The next size-prefixed frame from `sock`, without its size; ConnectionClosed at EOF, and
    ValueError for a size below 0 or above `max_size`."""
    size = struct.unpack(">i", recv_exact(sock, 4))[0]
    if size < 0 or (max_size is not None and size > max_size):
        raise ValueError(f"frame size {size}")
    return recv_exact(sock, size)


class Conn:
    """One TCP connection to the broker. Every wait is bounded by `timeout`."""

    def __init__(self, bootstrap, timeout=10):
        host, port = bootstrap.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.next_correlation_id = 1

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, api_key, version, value=None, body=None, correlation_id=None):
        """Sends one request; returns its correlation id. `body` overrides encoding `value`."""
        if correlation_id is None:
            correlation_id = self.next_correlation_id
            self.next_correlation_id += 1
        if body is None:
            body = encode_body(api_key, version, value or {})
        self.send_raw(frame(encode_request_header(api_key, version, correlation_id) + body))
        return correlation_id

    def recv_frame(self, timeout=None):
        """The next response frame (after its size), or ConnectionClosed."""
        self.sock.settimeout(timeout if timeout is not None else self.timeout)
        try:
            return recv_frame(self.sock)
        except ConnectionResetError as e:
            raise ConnectionClosed(str(e))

    def recv(self, api_key, version, timeout=None):
        """Reads one response: (correlation_id, decoded body)."""
        return decode_response(api_key, version, self.recv_frame(timeout))

    def request(self, api_key, version, value=None, timeout=None):
        cid = self.send(api_key, version, value)
        got, body = self.recv(api_key, version, timeout)
        assert got == cid, f"response correlation id {got}, expected {cid}"
        return body

    def is_closed_by_peer(self, timeout=3):
        """True if the broker closes the connection within `timeout` (reads and discards)."""
        self.sock.settimeout(timeout)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if not self.sock.recv(65536):
                    return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False
        return False


# --- record batches ---------------------------------------------------------------------------

def build_batch(records, base_sequence=-1, producer_id=-1, producer_epoch=-1, compression=0):
    """A magic-2 batch of (key, value, headers, timestamp_ms) tuples; headers are (str, bytes)
    pairs and a None timestamp means now."""
    from kafka.record.default_records import DefaultRecordBatchBuilder
    b = DefaultRecordBatchBuilder(magic=2, compression_type=compression, is_transactional=False,
                                  producer_id=producer_id, producer_epoch=producer_epoch,
                                  base_sequence=base_sequence, batch_size=1 << 30)
    for i, rec in enumerate(records):
        key, value, headers, ts = (tuple(rec) + (None, None, None, None))[:4]
        b.append(i, ts if ts is not None else int(time.time() * 1000), key, value, headers or [])
    return bytes(b.build())


def restamp_crc(batch):
    """The batch with its CRC32C recomputed (after a test edited bytes the CRC covers)."""
    from kafka.record.util import calc_crc32c
    b = bytearray(batch)
    struct.pack_into(">I", b, 17, calc_crc32c(bytes(b[21:])))
    return bytes(b)


def batch_spans(data):
    """(position, size) of each batch in concatenated record batches (a record set, a segment
    file): a batch is its base offset (int64), its length (int32) and that many bytes."""
    out = []
    pos = 0
    while pos + 12 <= len(data):
        size = struct.unpack(">i", data[pos + 8:pos + 12])[0] + 12
        out.append((pos, size))
        pos += size
    return out



def break_batch_header(path, batch):
    """Writes an impossible batch length (7) into the header of the batch-th batch of a
    segment file: a torn or corrupt batch, whichever side of the recovery point it is."""
    with open(path, "rb") as f:
        data = f.read()
    pos, _ = batch_spans(data)[batch]
    with open(path, "r+b") as f:
        f.seek(pos + 8)
        f.write(struct.pack(">i", 7))

def iter_batches(data):
    """The batches of a record set, as kafka-python reads them; their CRCs are not checked."""
    from kafka.record.memory_records import MemoryRecords
    mr = MemoryRecords(bytes(data))
    while (batch := mr.next_batch()) is not None:
        yield batch


def read_records(data):
    """(batches, records) from a fetch's record set; each record a dict. Checks every CRC."""
    batches, records = [], []
    if not data:
        return batches, records
    for batch in iter_batches(data):
        assert batch.validate_crc(), f"batch at offset {batch.base_offset} fails its CRC"
        batches.append(batch)
        for rec in batch:
            records.append({"offset": rec.offset, "timestamp": rec.timestamp,
                            "timestamp_type": rec.timestamp_type, "key": rec.key,
                            "value": rec.value, "headers": list(rec.headers)})
    return batches, records


# --- requests the tests use often -------------------------------------------------------------

def produce_request(topic, partition, batch, acks=-1, timeout_ms=10000):
    return {"transactional_id": None, "acks": acks, "timeout_ms": timeout_ms,
            "topic_data": [{"name": topic, "partition_data": [
                {"index": partition, "records": batch}]}]}


def fetch_request(partitions, max_wait_ms=0, min_bytes=1, max_bytes=50 << 20,
                  partition_max_bytes=1 << 20):
    """`partitions`: [(topic, partition, offset)]."""
    topics = {}
    for topic, p, offset in partitions:
        topics.setdefault(topic, []).append(
            {"partition": p, "current_leader_epoch": -1, "fetch_offset": offset,
             "last_fetched_epoch": -1, "log_start_offset": -1,
             "partition_max_bytes": partition_max_bytes})
    return {"cluster_id": None, "replica_id": -1, "max_wait_ms": max_wait_ms,
            "min_bytes": min_bytes, "max_bytes": max_bytes, "isolation_level": 1,
            "session_id": 0, "session_epoch": -1,
            "topics": [{"topic": t, "partitions": ps} for t, ps in topics.items()],
            "forgotten_topics_data": [], "rack_id": ""}


def fetch_partition(response, topic, partition):
    for t in response["responses"]:
        if t["topic"] == topic:
            for p in t["partitions"]:
                if p["partition_index"] == partition:
                    return p
    raise AssertionError(f"fetch response has no {topic}-{partition}: {response}")


def list_offsets_request(topic, partition, timestamp):
    return {"replica_id": -1, "isolation_level": 0, "topics": [
        {"name": topic, "partitions": [
            {"partition_index": partition, "current_leader_epoch": -1, "timestamp": timestamp,
             "max_num_offsets": 1}]}]}


def create_topic(conn, name, partitions=1, configs=None, version=4, validate_only=False,
                 replication_factor=1):
    """CreateTopics; returns the topic's result entry."""
    body = conn.request(API_CREATE_TOPICS, version, {
        "topics": [{"name": name, "num_partitions": partitions,
                    "replication_factor": replication_factor, "assignments": [],
                    "configs": [{"name": k, "value": v} for k, v in (configs or {}).items()]}],
        "timeout_ms": 10000, "validate_only": validate_only})
    return body["topics"][0]


def produce(conn, topic, partition, records, acks=-1, version=7):
    """Produces one batch; returns the partition response (asserting no error)."""
    body = conn.request(API_PRODUCE, version,
                        produce_request(topic, partition, build_batch(records), acks))
    r = body["responses"][0]["partition_responses"][0]
    assert r["error_code"] == 0, f"produce to {topic}-{partition} failed: {r}"
    return r


def fetch_all(conn, topic, partition, offset=0, version=11, limit=100):
    """Every record from `offset` to the high watermark, fetch after fetch (bounded)."""
    records = []
    for _ in range(limit):
        body = conn.request(API_FETCH, version, fetch_request([(topic, partition, offset)]))
        p = fetch_partition(body, topic, partition)
        assert p["error_code"] == 0, f"fetch {topic}-{partition}@{offset}: {p['error_code']}"
        _, recs = read_records(p["records"])
        records += [r for r in recs if r["offset"] >= offset]
        if recs:
            offset = recs[-1]["offset"] + 1
        if offset >= p["high_watermark"]:
            return records
    raise AssertionError(f"fetching {topic}-{partition} did not reach the end in {limit} fetches")


def list_offset(conn, topic, partition, timestamp, version=7):
    body = conn.request(API_LIST_OFFSETS, version, list_offsets_request(topic, partition,
                                                                         timestamp))
    return body["topics"][0]["partitions"][0]


def find_coordinators(conn, keys, key_type, version=4):
    """FindCoordinator with batched keys; returns the coordinators' entries."""
    return conn.request(API_FIND_COORDINATOR, version,
                        {"key_type": key_type, "coordinator_keys": keys})["coordinators"]


def list_groups(conn, states, version=4):
    """ListGroups filtered by state; returns (error_code, the groups' entries)."""
    body = conn.request(API_LIST_GROUPS, version, {"states_filter": states})
    return body["error_code"], body["groups"]


def describe_groups(conn, groups, version=5):
    """DescribeGroups; returns the groups' entries."""
    return conn.request(API_DESCRIBE_GROUPS, version, {"groups": groups})["groups"]


def offset_delete(conn, group, topics, version=0):
    """topics: {name: [partitions]}. Returns (error_code, {(topic, partition): error_code})."""
    body = conn.request(API_OFFSET_DELETE, version, {
        "group_id": group,
        "topics": [{"name": name, "partitions": [{"partition_index": p} for p in partitions]}
                   for name, partitions in topics.items()]})
    return body["error_code"], {(t["name"], p["partition_index"]): p["error_code"]
                                for t in body["topics"] for p in t["partitions"]}


# Generated once from the Kafka 3.9 message specs (tagged fields left out: this client never
# sends them and skips them when reading). (api_key, 'request'|'response') -> (flexible, fields);
# a field is (name, type, versions, nullable_versions[, subfields]).
SCHEMAS = {
    (29, 'request'):
        ('2+',
         [('resource_type_filter', 'int8', '0+', ''),
          ('resource_name_filter', 'string', '0+', '0+'),
          ('pattern_type_filter', 'int8', '1+', ''), ('principal_filter', 'string', '0+', '0+'),
          ('host_filter', 'string', '0+', '0+'), ('operation', 'int8', '0+', ''),
          ('permission_type', 'int8', '0+', '')]),
    (29, 'response'):
        ('2+',
         [('throttle_time_ms', 'int32', '0+', ''), ('error_code', 'int16', '0+', ''),
          ('error_message', 'string', '0+', '0+'),
          ('resources', '[]', '0+', '',
           [('resource_type', 'int8', '0+', ''), ('resource_name', 'string', '0+', ''),
            ('pattern_type', 'int8', '1+', ''),
            ('acls', '[]', '0+', '',
             [('principal', 'string', '0+', ''), ('host', 'string', '0+', ''),
              ('operation', 'int8', '0+', ''), ('permission_type', 'int8', '0+', '')])])]),
    (30, 'request'):
        ('2+',
         [('creations', '[]', '0+', '',
           [('resource_type', 'int8', '0+', ''), ('resource_name', 'string', '0+', ''),
            ('resource_pattern_type', 'int8', '1+', ''), ('principal', 'string', '0+', ''),
            ('host', 'string', '0+', ''), ('operation', 'int8', '0+', ''),
            ('permission_type', 'int8', '0+', '')])]),
    (30, 'response'):
        ('2+',
         [('throttle_time_ms', 'int32', '0+', ''),
          ('results', '[]', '0+', '',
           [('error_code', 'int16', '0+', ''), ('error_message', 'string', '0+', '0+')])]),
    (31, 'request'):
        ('2+',
         [('filters', '[]', '0+', '',
           [('resource_type_filter', 'int8', '0+', ''),
            ('resource_name_filter', 'string', '0+', '0+'),
            ('pattern_type_filter', 'int8', '1+', ''),
            ('principal_filter', 'string', '0+', '0+'), ('host_filter', 'string', '0+', '0+'),
            ('operation', 'int8', '0+', ''), ('permission_type', 'int8', '0+', '')])]),
    (31, 'response'):
        ('2+',
         [('throttle_time_ms', 'int32', '0+', ''),
          ('filter_results', '[]', '0+', '',
           [('error_code', 'int16', '0+', ''), ('error_message', 'string', '0+', '0+'),
            ('matching_acls', '[]', '0+', '',
             [('error_code', 'int16', '0+', ''), ('error_message', 'string', '0+', '0+'),
              ('resource_type', 'int8', '0+', ''), ('resource_name', 'string', '0+', ''),
              ('pattern_type', 'int8', '1+', ''), ('principal', 'string', '0+', ''),
              ('host', 'string', '0+', ''), ('operation', 'int8', '0+', ''),
              ('permission_type', 'int8', '0+', '')])])]),
    (18, 'request'):
        ('3+',
         [('client_software_name', 'string', '3+', ''),
          ('client_software_version', 'string', '3+', '')]),
    (18, 'response'):
        ('3+',
         [('error_code', 'int16', '0+', ''),
          ('api_keys', '[]', '0+', '',
           [('api_key', 'int16', '0+', ''), ('min_version', 'int16', '0+', ''),
            ('max_version', 'int16', '0+', '')]),
          ('throttle_time_ms', 'int32', '1+', '')]),
    (3, 'request'):
        ('9+',
         [('topics', '[]', '0+', '1+',
           [('topic_id', 'uuid', '10+', ''), ('name', 'string', '0+', '10+')]),
          ('allow_auto_topic_creation', 'bool', '4+', ''),
          ('include_cluster_authorized_operations', 'bool', '8-10', ''),
          ('include_topic_authorized_operations', 'bool', '8+', '')]),
    (3, 'response'):
        ('9+',
         [('throttle_time_ms', 'int32', '3+', ''),
          ('brokers', '[]', '0+', '',
           [('node_id', 'int32', '0+', ''), ('host', 'string', '0+', ''),
            ('port', 'int32', '0+', ''), ('rack', 'string', '1+', '1+')]),
          ('cluster_id', 'string', '2+', '2+'), ('controller_id', 'int32', '1+', ''),
          ('topics', '[]', '0+', '',
           [('error_code', 'int16', '0+', ''), ('name', 'string', '0+', '12+'),
            ('topic_id', 'uuid', '10+', ''), ('is_internal', 'bool', '1+', ''),
            ('partitions', '[]', '0+', '',
             [('error_code', 'int16', '0+', ''), ('partition_index', 'int32', '0+', ''),
              ('leader_id', 'int32', '0+', ''), ('leader_epoch', 'int32', '7+', ''),
              ('replica_nodes', '[]int32', '0+', ''), ('isr_nodes', '[]int32', '0+', ''),
              ('offline_replicas', '[]int32', '5+', '')]),
            ('topic_authorized_operations', 'int32', '8+', '')]),
          ('cluster_authorized_operations', 'int32', '8-10', '')]),
    (0, 'request'):
        ('9+',
         [('transactional_id', 'string', '3+', '3+'), ('acks', 'int16', '0+', ''),
          ('timeout_ms', 'int32', '0+', ''),
          ('topic_data', '[]', '0+', '',
           [('name', 'string', '0+', ''),
            ('partition_data', '[]', '0+', '',
             [('index', 'int32', '0+', ''), ('records', 'records', '0+', '0+')])])]),
    (0, 'response'):
        ('9+',
         [('responses', '[]', '0+', '',
           [('name', 'string', '0+', ''),
            ('partition_responses', '[]', '0+', '',
             [('index', 'int32', '0+', ''), ('error_code', 'int16', '0+', ''),
              ('base_offset', 'int64', '0+', ''), ('log_append_time_ms', 'int64', '2+', ''),
              ('log_start_offset', 'int64', '5+', ''),
              ('record_errors', '[]', '8+', '',
               [('batch_index', 'int32', '8+', ''),
                ('batch_index_error_message', 'string', '8+', '8+')]),
              ('error_message', 'string', '8+', '8+')])]),
          ('throttle_time_ms', 'int32', '1+', '')]),
    (1, 'request'):
        ('12+',
         [('replica_id', 'int32', '0-14', ''), ('max_wait_ms', 'int32', '0+', ''),
          ('min_bytes', 'int32', '0+', ''), ('max_bytes', 'int32', '3+', ''),
          ('isolation_level', 'int8', '4+', ''), ('session_id', 'int32', '7+', ''),
          ('session_epoch', 'int32', '7+', ''),
          ('topics', '[]', '0+', '',
           [('topic', 'string', '0-12', ''), ('topic_id', 'uuid', '13+', ''),
            ('partitions', '[]', '0+', '',
             [('partition', 'int32', '0+', ''), ('current_leader_epoch', 'int32', '9+', ''),
              ('fetch_offset', 'int64', '0+', ''), ('last_fetched_epoch', 'int32', '12+', ''),
              ('log_start_offset', 'int64', '5+', ''),
              ('partition_max_bytes', 'int32', '0+', '')])]),
          ('forgotten_topics_data', '[]', '7+', '',
           [('topic', 'string', '7-12', ''), ('topic_id', 'uuid', '13+', ''),
            ('partitions', '[]int32', '7+', '')]),
          ('rack_id', 'string', '11+', '')]),
    (1, 'response'):
        ('12+',
         [('throttle_time_ms', 'int32', '1+', ''), ('error_code', 'int16', '7+', ''),
          ('session_id', 'int32', '7+', ''),
          ('responses', '[]', '0+', '',
           [('topic', 'string', '0-12', ''), ('topic_id', 'uuid', '13+', ''),
            ('partitions', '[]', '0+', '',
             [('partition_index', 'int32', '0+', ''), ('error_code', 'int16', '0+', ''),
              ('high_watermark', 'int64', '0+', ''), ('last_stable_offset', 'int64', '4+', ''),
              ('log_start_offset', 'int64', '5+', ''),
              ('aborted_transactions', '[]', '4+', '4+',
               [('producer_id', 'int64', '4+', ''), ('first_offset', 'int64', '4+', '')]),
              ('preferred_read_replica', 'int32', '11+', ''),
              ('records', 'records', '0+', '0+')])])]),
    (2, 'request'):
        ('6+',
         [('replica_id', 'int32', '0+', ''), ('isolation_level', 'int8', '2+', ''),
          ('topics', '[]', '0+', '',
           [('name', 'string', '0+', ''),
            ('partitions', '[]', '0+', '',
             [('partition_index', 'int32', '0+', ''),
              ('current_leader_epoch', 'int32', '4+', ''), ('timestamp', 'int64', '0+', ''),
              ('max_num_offsets', 'int32', '0', '')])])]),
    (2, 'response'):
        ('6+',
         [('throttle_time_ms', 'int32', '2+', ''),
          ('topics', '[]', '0+', '',
           [('name', 'string', '0+', ''),
            ('partitions', '[]', '0+', '',
             [('partition_index', 'int32', '0+', ''), ('error_code', 'int16', '0+', ''),
              ('old_style_offsets', '[]int64', '0', ''), ('timestamp', 'int64', '1+', ''),
              ('offset', 'int64', '1+', ''), ('leader_epoch', 'int32', '4+', '')])])]),
    (19, 'request'):
        ('5+',
         [('topics', '[]', '0+', '',
           [('name', 'string', '0+', ''), ('num_partitions', 'int32', '0+', ''),
            ('replication_factor', 'int16', '0+', ''),
            ('assignments', '[]', '0+', '',
             [('partition_index', 'int32', '0+', ''), ('broker_ids', '[]int32', '0+', '')]),
            ('configs', '[]', '0+', '',
             [('name', 'string', '0+', ''), ('value', 'string', '0+', '0+')])]),
          ('timeout_ms', 'int32', '0+', ''), ('validate_only', 'bool', '1+', '')]),
    (19, 'response'):
        ('5+',
         [('throttle_time_ms', 'int32', '2+', ''),
          ('topics', '[]', '0+', '',
           [('name', 'string', '0+', ''), ('topic_id', 'uuid', '7+', ''),
            ('error_code', 'int16', '0+', ''), ('error_message', 'string', '1+', '0+'),
            ('num_partitions', 'int32', '5+', ''), ('replication_factor', 'int16', '5+', ''),
            ('configs', '[]', '5+', '5+',
             [('name', 'string', '5+', ''), ('value', 'string', '5+', '5+'),
              ('read_only', 'bool', '5+', ''), ('config_source', 'int8', '5+', ''),
              ('is_sensitive', 'bool', '5+', '')])])]),
    (20, 'request'):
        ('4+',
         [('topics', '[]', '6+', '',
           [('name', 'string', '6+', '6+'), ('topic_id', 'uuid', '6+', '')]),
          ('topic_names', '[]string', '0-5', ''), ('timeout_ms', 'int32', '0+', '')]),
    (20, 'response'):
        ('4+',
         [('throttle_time_ms', 'int32', '1+', ''),
          ('responses', '[]', '0+', '',
           [('name', 'string', '0+', '6+'), ('topic_id', 'uuid', '6+', ''),
            ('error_code', 'int16', '0+', ''), ('error_message', 'string', '5+', '5+')])]),
    (37, 'request'):
        ('2+',
         [('topics', '[]', '0+', '',
           [('name', 'string', '0+', ''), ('count', 'int32', '0+', ''),
            ('assignments', '[]', '0+', '0+', [('broker_ids', '[]int32', '0+', '')])]),
          ('timeout_ms', 'int32', '0+', ''), ('validate_only', 'bool', '0+', '')]),
    (37, 'response'):
        ('2+',
         [('throttle_time_ms', 'int32', '0+', ''),
          ('results', '[]', '0+', '',
           [('name', 'string', '0+', ''), ('error_code', 'int16', '0+', ''),
            ('error_message', 'string', '0+', '0+')])]),
    (21, 'request'):
        ('2+',
         [('topics', '[]', '0+', '',
           [('name', 'string', '0+', ''),
            ('partitions', '[]', '0+', '',
             [('partition_index', 'int32', '0+', ''), ('offset', 'int64', '0+', '')])]),
          ('timeout_ms', 'int32', '0+', '')]),
    (21, 'response'):
        ('2+',
         [('throttle_time_ms', 'int32', '0+', ''),
          ('topics', '[]', '0+', '',
           [('name', 'string', '0+', ''),
            ('partitions', '[]', '0+', '',
             [('partition_index', 'int32', '0+', ''), ('low_watermark', 'int64', '0+', ''),
              ('error_code', 'int16', '0+', '')])])]),
    (32, 'request'):
        ('4+',
         [('resources', '[]', '0+', '',
           [('resource_type', 'int8', '0+', ''), ('resource_name', 'string', '0+', ''),
            ('configuration_keys', '[]string', '0+', '0+')]),
          ('include_synonyms', 'bool', '1+', ''), ('include_documentation', 'bool', '3+', '')]),
    (32, 'response'):
        ('4+',
         [('throttle_time_ms', 'int32', '0+', ''),
          ('results', '[]', '0+', '',
           [('error_code', 'int16', '0+', ''), ('error_message', 'string', '0+', '0+'),
            ('resource_type', 'int8', '0+', ''), ('resource_name', 'string', '0+', ''),
            ('configs', '[]', '0+', '',
             [('name', 'string', '0+', ''), ('value', 'string', '0+', '0+'),
              ('read_only', 'bool', '0+', ''), ('is_default', 'bool', '0', ''),
              ('config_source', 'int8', '1+', ''), ('is_sensitive', 'bool', '0+', ''),
              ('synonyms', '[]', '1+', '',
               [('name', 'string', '1+', ''), ('value', 'string', '1+', '0+'),
                ('source', 'int8', '1+', '')]),
              ('config_type', 'int8', '3+', ''), ('documentation', 'string', '3+', '0+')])])]),
    (33, 'request'):
        ('2+',
         [('resources', '[]', '0+', '',
           [('resource_type', 'int8', '0+', ''), ('resource_name', 'string', '0+', ''),
            ('configs', '[]', '0+', '',
             [('name', 'string', '0+', ''), ('value', 'string', '0+', '0+')])]),
          ('validate_only', 'bool', '0+', '')]),
    (33, 'response'):
        ('2+',
         [('throttle_time_ms', 'int32', '0+', ''),
          ('responses', '[]', '0+', '',
           [('error_code', 'int16', '0+', ''), ('error_message', 'string', '0+', '0+'),
            ('resource_type', 'int8', '0+', ''), ('resource_name', 'string', '0+', '')])]),
    (44, 'request'):
        ('1+',
         [('resources', '[]', '0+', '',
           [('resource_type', 'int8', '0+', ''), ('resource_name', 'string', '0+', ''),
            ('configs', '[]', '0+', '',
             [('name', 'string', '0+', ''), ('config_operation', 'int8', '0+', ''),
              ('value', 'string', '0+', '0+')])]),
          ('validate_only', 'bool', '0+', '')]),
    (44, 'response'):
        ('1+',
         [('throttle_time_ms', 'int32', '0+', ''),
          ('responses', '[]', '0+', '',
           [('error_code', 'int16', '0+', ''), ('error_message', 'string', '0+', '0+'),
            ('resource_type', 'int8', '0+', ''), ('resource_name', 'string', '0+', '')])]),
    (60, 'request'):
        ('0+',
         [('include_cluster_authorized_operations', 'bool', '0+', ''),
          ('endpoint_type', 'int8', '1+', '')]),
    (60, 'response'):
        ('0+',
         [('throttle_time_ms', 'int32', '0+', ''), ('error_code', 'int16', '0+', ''),
          ('error_message', 'string', '0+', '0+'), ('endpoint_type', 'int8', '1+', ''),
          ('cluster_id', 'string', '0+', ''), ('controller_id', 'int32', '0+', ''),
          ('brokers', '[]', '0+', '',
           [('broker_id', 'int32', '0+', ''), ('host', 'string', '0+', ''),
            ('port', 'int32', '0+', ''), ('rack', 'string', '0+', '0+')]),
          ('cluster_authorized_operations', 'int32', '0+', '')]),
    (35, 'request'):
        ('2+',
         [('topics', '[]', '0+', '0+',
           [('topic', 'string', '0+', ''), ('partitions', '[]int32', '0+', '')])]),
    (35, 'response'):
        ('2+',
         [('throttle_time_ms', 'int32', '0+', ''), ('error_code', 'int16', '3+', ''),
          ('results', '[]', '0+', '',
           [('error_code', 'int16', '0+', ''), ('log_dir', 'string', '0+', ''),
            ('topics', '[]', '0+', '',
             [('name', 'string', '0+', ''),
              ('partitions', '[]', '0+', '',
               [('partition_index', 'int32', '0+', ''), ('partition_size', 'int64', '0+', ''),
                ('offset_lag', 'int64', '0+', ''), ('is_future_key', 'bool', '0+', '')])]),
            ('total_bytes', 'int64', '4+', ''), ('usable_bytes', 'int64', '4+', '')])]),
    (23, 'request'):
        ('4+',
         [('replica_id', 'int32', '3+', ''),
          ('topics', '[]', '0+', '',
           [('topic', 'string', '0+', ''),
            ('partitions', '[]', '0+', '',
             [('partition', 'int32', '0+', ''), ('current_leader_epoch', 'int32', '2+', ''),
              ('leader_epoch', 'int32', '0+', '')])])]),
    (23, 'response'):
        ('4+',
         [('throttle_time_ms', 'int32', '2+', ''),
          ('topics', '[]', '0+', '',
           [('topic', 'string', '0+', ''),
            ('partitions', '[]', '0+', '',
             [('error_code', 'int16', '0+', ''), ('partition', 'int32', '0+', ''),
              ('leader_epoch', 'int32', '1+', ''), ('end_offset', 'int64', '0+', '')])])]),
    (10, 'request'):
        ('3+',
         [('key', 'string', '0-3', ''), ('key_type', 'int8', '1+', ''),
          ('coordinator_keys', '[]string', '4+', '')]),
    (10, 'response'):
        ('3+',
         [('throttle_time_ms', 'int32', '1+', ''), ('error_code', 'int16', '0-3', ''),
          ('error_message', 'string', '1-3', '1-3'), ('node_id', 'int32', '0-3', ''),
          ('host', 'string', '0-3', ''), ('port', 'int32', '0-3', ''),
          ('coordinators', '[]', '4+', '',
           [('key', 'string', '4+', ''), ('node_id', 'int32', '4+', ''),
            ('host', 'string', '4+', ''), ('port', 'int32', '4+', ''),
            ('error_code', 'int16', '4+', ''), ('error_message', 'string', '4+', '4+')])]),
    (15, 'request'):
        ('5+',
         [('groups', '[]string', '0+', ''), ('include_authorized_operations', 'bool', '3+', '')]),
    (15, 'response'):
        ('5+',
         [('throttle_time_ms', 'int32', '1+', ''),
          ('groups', '[]', '0+', '',
           [('error_code', 'int16', '0+', ''), ('group_id', 'string', '0+', ''),
            ('group_state', 'string', '0+', ''), ('protocol_type', 'string', '0+', ''),
            ('protocol_data', 'string', '0+', ''),
            ('members', '[]', '0+', '',
             [('member_id', 'string', '0+', ''), ('group_instance_id', 'string', '4+', '4+'),
              ('client_id', 'string', '0+', ''), ('client_host', 'string', '0+', ''),
              ('member_metadata', 'bytes', '0+', ''), ('member_assignment', 'bytes', '0+', '')]),
            ('authorized_operations', 'int32', '3+', '')])]),
    (16, 'request'):
        ('3+',
         [('states_filter', '[]string', '4+', ''), ('types_filter', '[]string', '5+', '')]),
    (16, 'response'):
        ('3+',
         [('throttle_time_ms', 'int32', '1+', ''), ('error_code', 'int16', '0+', ''),
          ('groups', '[]', '0+', '',
           [('group_id', 'string', '0+', ''), ('protocol_type', 'string', '0+', ''),
            ('group_state', 'string', '4+', ''), ('group_type', 'string', '5+', '')])]),
    (47, 'request'):
        ('none',
         [('group_id', 'string', '0+', ''),
          ('topics', '[]', '0+', '',
           [('name', 'string', '0+', ''),
            ('partitions', '[]', '0+', '', [('partition_index', 'int32', '0+', '')])])]),
    (47, 'response'):
        ('none',
         [('error_code', 'int16', '0+', ''), ('throttle_time_ms', 'int32', '0+', ''),
          ('topics', '[]', '0+', '',
           [('name', 'string', '0+', ''),
            ('partitions', '[]', '0+', '',
             [('partition_index', 'int32', '0+', ''), ('error_code', 'int16', '0+', '')])])]),
}
