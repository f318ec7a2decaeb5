"""`kpk dev start|status|stop|purge` (and the `container` alias) with a private HOME: the broker
starts in the background on free ports, answers kcat, a second start reports it instead of
starting another, the `dev` profile points at it, stop stops it and purge deletes its data."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from kpk_harness import KPK_BIN, kcat

TABLE = re.compile(r"^NODE-ID\s+STATUS\s+KAFKA-ADDRESS\s+ADMIN-ADDRESS$", re.M)


class Dev:
    def __init__(self):
        self.home = tempfile.mkdtemp(prefix="kpk-dev-e2e-")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KPK_")}
        self.env.update({"HOME": self.home, "XDG_CONFIG_HOME": f"{self.home}/config",
                         "XDG_DATA_HOME": f"{self.home}/data", "NO_COLOR": "1"})

    def kpk(self, *args, check=True, timeout=30):
        r = subprocess.run([KPK_BIN, *args], capture_output=True, text=True, timeout=timeout,
                           env=self.env)
        if check and r.returncode != 0:
            raise AssertionError(f"kpk {' '.join(args)} exited {r.returncode}\n{r.stdout}{r.stderr}")
        return r

    def instance(self):
        with open(f"{self.home}/data/kpk/dev/instance.json") as f:
            return json.load(f)

    def cleanup(self):
        """Kills a broker the test left behind, whatever happened, then removes the HOME."""
        try:
            os.kill(self.instance()["pid"], signal.SIGKILL)
        except (OSError, KeyError, ValueError):
            pass
        shutil.rmtree(self.home, ignore_errors=True)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purposes.
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split()[2] != "Z"


def main():
    dev = Dev()
    try:
        # As rpk container status/purge with no cluster: an answer on stdout, exit 0.
        status = dev.kpk("dev", "status", check=False)
        assert status.returncode == 0 and "No dev broker detected" in status.stdout, status
        purge = dev.kpk("dev", "purge", check=False)
        assert purge.returncode == 0 and "No dev broker to remove" in purge.stdout, purge

        started = time.monotonic()
        out = dev.kpk("dev", "start", "--any-port").stdout
        start_s = time.monotonic() - started
        assert TABLE.search(out), out
        inst = dev.instance()
        bootstrap = inst["kafka_address"]
        assert re.search(rf"^0\s+running\s+{re.escape(bootstrap)}\s+", out, re.M), out
        assert f"bootstrap.servers={bootstrap}" in out, out

        # A real client, with topic auto-creation on as in Redpanda's dev container.
        kcat(bootstrap, "-P", "-t", "dev-auto", input="one\ntwo\n")
        got = kcat(bootstrap, "-C", "-t", "dev-auto", "-e", "-f", "%s\n").stdout.split()
        assert got == ["one", "two"], got

        again = dev.kpk("dev", "start", "--any-port").stdout
        assert "Found a running dev broker" in again and bootstrap in again, again
        assert dev.instance()["pid"] == inst["pid"], "a second start started another broker"

        # The dev profile is current and reaches the broker without -X.
        topics = dev.kpk("topic", "list").stdout
        assert re.search(r"^dev-auto\s+1\s+1$", topics, re.M), topics
        cur = dev.kpk("profile", "current").stdout.strip()
        assert cur == "dev", cur

        # Redpanda's dev mode: a new group gets its partitions without the production 3 s wait.
        from confluent_kafka.admin import AdminClient, ConfigResource
        res = ConfigResource(ConfigResource.Type.BROKER, "0")
        admin = AdminClient({"bootstrap.servers": bootstrap})
        configs = admin.describe_configs([res])[res].result(timeout=10)
        assert configs["group.initial.rebalance.delay.ms"].value == "0", \
            configs["group.initial.rebalance.delay.ms"]

        doc = json.loads(dev.kpk("container", "status", "--format", "json").stdout)
        assert doc == [{"node_id": 0, "status": "running", "kafka_address": bootstrap,
                        "admin_address": inst["admin_address"]}], doc

        dev.kpk("dev", "stop")
        deadline = time.monotonic() + 10
        while alive(inst["pid"]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(inst["pid"]), "dev stop left the broker running"
        stopped = dev.kpk("dev", "status", check=False)
        assert stopped.returncode == 0 and re.search(r"^0\s+stopped\s+", stopped.stdout, re.M), \
            stopped

        # Data survives a stop/start; purge removes it. With --config the dev profile goes
        # into that file, not the default one.
        other = f"{dev.home}/other.yaml"
        dev.kpk("--config", other, "dev", "start", "--any-port")
        bootstrap = dev.instance()["kafka_address"]
        assert bootstrap in open(other).read(), open(other).read()
        default = open(f"{dev.home}/config/kpk/kpk.yaml").read()
        assert bootstrap not in default or bootstrap == inst["kafka_address"], default
        got = kcat(bootstrap, "-C", "-t", "dev-auto", "-e", "-f", "%s\n").stdout.split()
        assert got == ["one", "two"], got
        purged = dev.kpk("dev", "purge").stdout
        assert not os.path.exists(f"{dev.home}/data/kpk/dev/data"), "purge kept the data"
        # The dev profile goes with it, as rpk-container does with rpk container purge.
        assert 'Deleted profile "dev".' in purged and "This was the selected profile" in purged, \
            purged
        assert "dev" not in dev.kpk("profile", "list").stdout.split(), "purge kept the profile"
        print(f"ok (dev start took {start_s * 1000:.0f} ms including the readiness wait)")
        return 0
    finally:
        dev.cleanup()


if __name__ == "__main__":
    sys.exit(main())
