"""Static membership (KIP-345) with librdkafka: a static member that crashes and comes back
within its session timeout takes its old place without a rebalance; one that stays away is
expired after the session timeout, which rebalances its partitions to the others."""
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid

from group_util import RdkafkaConsumer, create_topic, produce, wait_split
from kpk_harness import Broker, wait_until

PARTITIONS = 4
HERE = os.path.dirname(os.path.abspath(__file__))


class StaticMember:
    """static_member.py in a subprocess, its JSON lines collected by a reader thread."""

    def __init__(self, bootstrap, group, topic, instance):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "static_member.py"), bootstrap, group, topic,
             instance, "90"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.assignments = []

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))

    def wait_assignment(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                event = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if "assigned" in event and event["assigned"]:
                self.assignments.append(event["assigned"])
                return event["assigned"]
        raise TimeoutError("the static member got no assignment")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)


def main():
    topic = f"static-{uuid.uuid4().hex[:8]}"
    group = "static-group"
    members = []
    with Broker() as b:
        create_topic(b.bootstrap, topic, PARTITIONS)
        produce(b.bootstrap, topic, PARTITIONS, 40)
        a = RdkafkaConsumer("a", b.bootstrap, group, topic,
                            {"group.instance.id": "instance-a", "session.timeout.ms": 6000})
        try:
            a.start()
            wait_split([a.rec], PARTITIONS, 30, "a to own every partition")
            first = StaticMember(b.bootstrap, group, topic, "instance-b")
            members.append(first)
            b_share = set(first.wait_assignment(30))
            wait_until(lambda: a.rec.snapshot()[0] == set(range(PARTITIONS)) - b_share, 30,
                       what="a and b to split the partitions")
            a_assignments = len(a.rec.assignments)

            # A crash and a restart within the session timeout: no rebalance.
            first.kill()
            time.sleep(1.0)
            second = StaticMember(b.bootstrap, group, topic, "instance-b")
            members.append(second)
            t0 = time.monotonic()
            assert set(second.wait_assignment(30)) == b_share
            rejoin_s = round(time.monotonic() - t0, 3)
            time.sleep(2.0)
            assert len(a.rec.assignments) == a_assignments, a.rec.assignments
            assert a.rec.snapshot()[0] == set(range(PARTITIONS)) - b_share

            # Gone for good: after the 6 s session timeout, a takes everything.
            second.kill()
            t1 = time.monotonic()
            wait_split([a.rec], PARTITIONS, 30, "a to take over the expired member's partitions")
            expiry_s = round(time.monotonic() - t1, 3)
            assert expiry_s >= 4.0, f"the member was expired after only {expiry_s}s"
        finally:
            for m in members:
                m.kill()
            if a.is_alive():
                a.stop()
    print("ok", {"static_rejoin_s": rejoin_s, "expiry_s": expiry_s})
    return 0


if __name__ == "__main__":
    sys.exit(main())
