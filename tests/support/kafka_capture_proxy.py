#!/usr/bin/python3
"""A logging TCP proxy for the Kafka protocol: captures the request frames real clients send.

  kafka_capture_proxy.py --upstream HOST:PORT [--upstream HOST:PORT ...] --out DIR [--responses]

Opens one listener on 127.0.0.1 per upstream broker and prints the listeners as one bootstrap
line ("127.0.0.1:P1,127.0.0.1:P2") on stdout. Every complete request frame a client sends is
forwarded unchanged and written to DIR as one file holding the frame without its 4-byte size
prefix (request header + body), named

  <seq>_c<conn>_req_<api>_v<version>.bin      (and <seq>_c<conn>_resp_<api>_v<version>.bin)

where seq orders frames across all connections by arrival.

Clients reconnect to the brokers that Metadata and FindCoordinator responses advertise, which
would bypass the proxy after bootstrap. The proxy therefore rewrites, in those two responses
only, each "host followed by an int32 upstream port" to the matching listener's port. That
substitution keeps the frame length (a port is a fixed int32 whatever the encoding, and the host
string is unchanged), so no other field needs re-encoding.

Serves until SIGTERM/SIGINT or until stdin reaches EOF, so a harness that dies never leaves a
proxy behind. Python standard library and tests/e2e/lib/kwire.py (its framing needs nothing
more); runs under /usr/bin/python3.
"""

import argparse
import os
import select
import signal
import socket
import struct
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e", "lib"))
import kwire  # noqa: E402

API_NAMES = {
    0: "produce", 1: "fetch", 2: "list_offsets", 3: "metadata", 8: "offset_commit",
    9: "offset_fetch", 10: "find_coordinator", 11: "join_group", 12: "heartbeat",
    13: "leave_group", 14: "sync_group", 15: "describe_groups", 16: "list_groups",
    17: "sasl_handshake", 18: "api_versions", 19: "create_topics", 20: "delete_topics",
    21: "delete_records", 22: "init_producer_id", 24: "add_partitions_to_txn",
    25: "add_offsets_to_txn", 26: "end_txn", 28: "txn_offset_commit", 32: "describe_configs",
    36: "sasl_authenticate", 37: "create_partitions", 42: "delete_groups",
}
REWRITTEN_APIS = (3, 10)  # Metadata, FindCoordinator
MAX_FRAME = 100 * 1024 * 1024  # a guard against a corrupt size prefix, not a Kafka limit


def api_name(key):
    return API_NAMES.get(key, "api%d" % key)


def recv_frame(sock):
    """One size-prefixed frame without its prefix; None at EOF, on an error or a bad size."""
    try:
        return kwire.recv_frame(sock, MAX_FRAME)
    except (OSError, ValueError):  # kwire.ConnectionClosed at EOF is an OSError
        return None


class Capture:
    """Names and writes captured frames; shared by all connections."""

    def __init__(self, out_dir, responses):
        self.out_dir = out_dir
        self.responses = responses
        self.lock = threading.Lock()
        self.seq = 0
        self.conns = 0

    def new_connection(self):
        with self.lock:
            self.conns += 1
            return self.conns

    def write(self, conn, kind, key, version, frame):
        with self.lock:
            self.seq += 1
            seq = self.seq
        name = "%05d_c%03d_%s_%s_v%d.bin" % (seq, conn, kind, api_name(key), version)
        with open(os.path.join(self.out_dir, name), "wb") as f:
            f.write(frame)


class Connection:
    """One client connection and its upstream connection, with a pump thread each way."""

    def __init__(self, client, upstream, capture, port_map):
        self.client = client
        self.upstream = upstream
        self.capture = capture
        self.port_map = port_map  # [(upstream host:port bytes, listener host:port bytes)]
        self.id = capture.new_connection()
        self.pending = {}  # correlation id -> (api key, api version)
        self.lock = threading.Lock()

    def start(self):
        for target in (self.pump_requests, self.pump_responses):
            threading.Thread(target=target, daemon=True).start()

    def close(self):
        for s in (self.client, self.upstream):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def pump_requests(self):
        while True:
            frame = recv_frame(self.client)
            if frame is None or len(frame) < 8:
                break
            key, version, correlation = kwire.request_ids(frame)
            with self.lock:
                self.pending[correlation] = (key, version)
            self.capture.write(self.id, "req", key, version, frame)
            if not send_frame(self.upstream, frame):
                break
        self.close()

    def pump_responses(self):
        while True:
            frame = recv_frame(self.upstream)
            if frame is None or len(frame) < 4:
                break
            correlation = kwire.response_correlation_id(frame)
            with self.lock:
                key, version = self.pending.pop(correlation, (-1, -1))
            if key in REWRITTEN_APIS:
                frame = self.rewrite_ports(frame)
            if self.capture.responses:
                self.capture.write(self.id, "resp", key, version, frame)
            if not send_frame(self.client, frame):
                break
        self.close()

    def rewrite_ports(self, frame):
        for upstream, listener in self.port_map:
            frame = frame.replace(upstream, listener)
        return frame


def send_frame(sock, frame):
    try:
        sock.sendall(kwire.frame(frame))
        return True
    except OSError:
        return False


def host_port_bytes(host, port):
    return host.encode() + struct.pack(">i", port)


def parse_host_port(text):
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError("expected HOST:PORT, got %r" % text)
    return host, int(port)


def serve_listener(listener, upstream_addr, capture, port_map):
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        try:
            upstream = socket.create_connection(upstream_addr, timeout=10)
            upstream.settimeout(None)
        except OSError as e:
            print("kafka_capture_proxy: upstream %s:%d: %s" % (*upstream_addr, e), file=sys.stderr)
            client.close()
            continue
        Connection(client, upstream, capture, port_map).start()


def wait_for_stop():
    """Returns on SIGTERM/SIGINT or stdin EOF."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.is_set():
        try:
            ready, _, _ = select.select([sys.stdin], [], [], 0.2)
        except InterruptedError:
            continue
        if ready and not os.read(sys.stdin.fileno(), 256):
            return


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", action="append", required=True, type=parse_host_port)
    parser.add_argument("--out", required=True, help="directory for captured frames")
    parser.add_argument("--responses", action="store_true", help="capture responses too")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    listeners = []
    for _ in args.upstream:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        listeners.append(s)
    port_map = [(host_port_bytes(host, port), host_port_bytes(host, l.getsockname()[1]))
                for (host, port), l in zip(args.upstream, listeners)]
    capture = Capture(args.out, args.responses)
    for listener, upstream in zip(listeners, args.upstream):
        threading.Thread(target=serve_listener, args=(listener, upstream, capture, port_map),
                         daemon=True).start()

    print(",".join("127.0.0.1:%d" % l.getsockname()[1] for l in listeners), flush=True)
    wait_for_stop()
    for l in listeners:
        l.close()


if __name__ == "__main__":
    main()
