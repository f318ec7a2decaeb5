"""Just enough of the Kafka wire format to send the group requests no installed client sends:
FindCoordinator v4 (batched keys), ListGroups v4 (states filter), DescribeGroups v5 (instance
ids) and OffsetDelete v0. Each function encodes a request body and decodes the response."""

import socket
import struct


class Writer:
    def __init__(self):
        self.buf = bytearray()

    def i8(self, v):
        self.buf += struct.pack(">b", v)
        return self

    def i16(self, v):
        self.buf += struct.pack(">h", v)
        return self

    def i32(self, v):
        self.buf += struct.pack(">i", v)
        return self

    def uvarint(self, v):
        while v >= 0x80:
            self.buf.append((v & 0x7F) | 0x80)
            v >>= 7
        self.buf.append(v)
        return self

    def string(self, s):
        b = s.encode()
        return self.i16(len(b)).raw(b)

    def cstring(self, s):
        b = s.encode()
        return self.uvarint(len(b) + 1).raw(b)

    def raw(self, b):
        self.buf += b
        return self


class Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def _take(self, fmt):
        v = struct.unpack_from(fmt, self.data, self.pos)[0]
        self.pos += struct.calcsize(fmt)
        return v

    def i8(self):
        return self._take(">b")

    def i16(self):
        return self._take(">h")

    def i32(self):
        return self._take(">i")

    def uvarint(self):
        shift = value = 0
        while True:
            b = self.data[self.pos]
            self.pos += 1
            value |= (b & 0x7F) << shift
            if b < 0x80:
                return value
            shift += 7

    def raw(self, n):
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return bytes(b)

    def string(self):
        n = self.i16()
        return None if n < 0 else self.raw(n).decode()

    def cstring(self):
        n = self.uvarint() - 1
        return None if n < 0 else self.raw(n).decode()

    def cbytes(self):
        n = self.uvarint() - 1
        return None if n < 0 else self.raw(n)

    def carray(self, item):
        n = self.uvarint() - 1
        return None if n < 0 else [item(self) for _ in range(n)]

    def array(self, item):
        n = self.i32()
        return None if n < 0 else [item(self) for _ in range(n)]

    def tags(self):
        for _ in range(self.uvarint()):
            self.uvarint()
            self.raw(self.uvarint())


class Conn:
    def __init__(self, bootstrap):
        host, port = bootstrap.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.correlation = 0

    def request(self, api_key, version, body, flexible):
        self.correlation += 1
        header = Writer().i16(api_key).i16(version).i32(self.correlation).string("kpk-raw")
        if flexible:
            header.uvarint(0)
        frame = bytes(header.buf) + bytes(body.buf)
        self.sock.sendall(struct.pack(">i", len(frame)) + frame)
        size = struct.unpack(">i", self._read(4))[0]
        r = Reader(self._read(size))
        assert r.i32() == self.correlation
        if flexible:
            r.tags()
        return r

    def _read(self, n):
        out = bytearray()
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise ConnectionError("broker closed the connection")
            out += chunk
        return bytes(out)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def find_coordinators(conn, keys, key_type):
    body = Writer().i8(key_type).uvarint(len(keys) + 1)
    for k in keys:
        body.cstring(k)
    body.uvarint(0)
    r = conn.request(10, 4, body, flexible=True)
    r.i32()

    def coordinator(r):
        c = {"key": r.cstring(), "node_id": r.i32(), "host": r.cstring(), "port": r.i32(),
             "error_code": r.i16(), "error_message": r.cstring()}
        r.tags()
        return c

    return r.carray(coordinator)


def list_groups(conn, states):
    body = Writer().uvarint(len(states) + 1)
    for s in states:
        body.cstring(s)
    body.uvarint(0)
    r = conn.request(16, 4, body, flexible=True)
    r.i32()
    error = r.i16()

    def group(r):
        g = {"group_id": r.cstring(), "protocol_type": r.cstring(), "state": r.cstring()}
        r.tags()
        return g

    return error, r.carray(group)


def describe_groups(conn, groups):
    body = Writer().uvarint(len(groups) + 1)
    for g in groups:
        body.cstring(g)
    body.i8(0).uvarint(0)
    r = conn.request(15, 5, body, flexible=True)
    r.i32()

    def member(r):
        m = {"member_id": r.cstring(), "instance_id": r.cstring(), "client_id": r.cstring(),
             "client_host": r.cstring(), "metadata": r.cbytes(), "assignment": r.cbytes()}
        r.tags()
        return m

    def group(r):
        g = {"error_code": r.i16(), "group_id": r.cstring(), "state": r.cstring(),
             "protocol_type": r.cstring(), "protocol": r.cstring(), "members": r.carray(member),
             "authorized_operations": r.i32()}
        r.tags()
        return g

    return r.carray(group)


def offset_delete(conn, group, topics):
    """topics: {name: [partitions]}. Returns (error_code, {(topic, partition): error_code})."""
    body = Writer().string(group).i32(len(topics))
    for name, partitions in topics.items():
        body.string(name).i32(len(partitions))
        for p in partitions:
            body.i32(p)
    r = conn.request(47, 0, body, flexible=False)
    error = r.i16()
    r.i32()
    results = {}

    def topic(r):
        name = r.string()
        for index, code in r.array(lambda r: (r.i32(), r.i16())):
            results[(name, index)] = code

    r.array(topic)
    return error, results
