"""A Kafka-aware TCP proxy on 127.0.0.1 that injects faults: it drops the response to every Nth
request of a chosen API and cuts that connection, so the client must retry a request the broker
has already processed. Start the broker with --advertise-kafka-addr set to the proxy, so every
client connection goes through it.
"""

import socket
import threading

import kwire


class FaultProxy:
    def __init__(self, upstream_port, api_key=0, drop_every=5, max_drops=10):
        self.upstream_port = upstream_port
        self.api_key = api_key
        self.drop_every = drop_every
        self.max_drops = max_drops
        self.drops = 0
        self.seen = 0
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._stopping = False
        self._sockets = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopping = True
        self._listener.close()
        for s in list(self._sockets):
            try:
                s.close()
            except OSError:
                pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _accept(self):
        while not self._stopping:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=10)
            upstream.settimeout(None)
            self._sockets += [client, upstream]
            pending = {}  # correlation id -> api key, for this connection
            threading.Thread(target=self._requests, args=(client, upstream, pending),
                             daemon=True).start()
            threading.Thread(target=self._responses, args=(upstream, client, pending),
                             daemon=True).start()

    def _requests(self, client, upstream, pending):
        try:
            while True:
                frame = kwire.recv_frame(client)
                api_key, _, correlation = kwire.request_ids(frame)
                pending[correlation] = api_key
                upstream.sendall(kwire.frame(frame))
        except (OSError, ValueError):  # kwire.ConnectionClosed at EOF is an OSError
            pass
        self._close(client, upstream)

    def _responses(self, upstream, client, pending):
        try:
            while True:
                frame = kwire.recv_frame(upstream)
                correlation = kwire.response_correlation_id(frame)
                if pending.pop(correlation, None) == self.api_key and self._should_drop():
                    break  # the broker did the work; the client never hears of it
                client.sendall(kwire.frame(frame))
        except (OSError, ValueError):  # kwire.ConnectionClosed at EOF is an OSError
            pass
        self._close(client, upstream)

    def _should_drop(self):
        with self._lock:
            self.seen += 1
            if self.drops < self.max_drops and self.seen % self.drop_every == 0:
                self.drops += 1
                return True
            return False

    @staticmethod
    def _close(*socks):
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass
