"""Committed offsets survive a broker crash (SIGKILL): every OffsetCommit the broker
acknowledged before the kill is there after the restart, even with commits streaming in as it
dies, and a group that had a member at the crash comes back Empty with its protocol type."""
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid

from kafka import KafkaAdminClient

from group_util import committed_offsets, create_topic
from kpk_harness import Broker

PARTITIONS = 8
HERE = os.path.dirname(os.path.abspath(__file__))


class Loop:
    """commit_loop.py in a subprocess; its output lines arrive on a queue."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "commit_loop.py"), *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def wait_line(self, predicate, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if predicate(line):
                return line
        raise TimeoutError("no matching line from commit_loop.py")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def drain(self):
        out = []
        while not self.lines.empty():
            out.append(self.lines.get())
        return out


def main():
    topic = f"crash-{uuid.uuid4().hex[:8]}"
    loops = []
    with Broker() as b:
        create_topic(b.bootstrap, topic, PARTITIONS)
        try:
            member = Loop("member", b.bootstrap, "members", topic, str(PARTITIONS), "60")
            loops.append(member)
            member.wait_line(lambda line: line == "committed", 30)
            simple = Loop("simple", b.bootstrap, "simple", topic, str(PARTITIONS), "100000")
            loops.append(simple)
            simple.wait_line(lambda line: line.isdigit() and int(line) >= 50, 30)
            b.kill()
            time.sleep(0.5)
        finally:
            for loop in loops:
                loop.kill()
        time.sleep(0.2)  # let the reader threads take the last lines
        acked = max(int(line) for line in simple.drain() + ["50"] if line.isdigit())

        b.start()
        offsets = committed_offsets(b.bootstrap, "simple", topic, PARTITIONS)
        for p in range(PARTITIONS):
            # The last acknowledged commit is there; the one in flight at the kill may be too.
            assert offsets[p] in (acked * 10 + p, (acked + 1) * 10 + p), (p, offsets[p], acked)
        member_offsets = committed_offsets(b.bootstrap, "members", topic, PARTITIONS)
        assert member_offsets == {p: 100 + p for p in range(PARTITIONS)}, member_offsets

        admin = KafkaAdminClient(bootstrap_servers=b.bootstrap)
        try:
            group = admin.describe_consumer_groups(["members"])[0]
            assert group.state == "Empty", group
            assert group.protocol_type == "consumer", group
            assert not group.members, group
        finally:
            admin.close()
    print("ok", {"acknowledged_commit_rounds": acked})
    return 0


if __name__ == "__main__":
    sys.exit(main())
