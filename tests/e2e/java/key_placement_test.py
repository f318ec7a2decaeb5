"""Keyed records land where Apache Kafka's Java producer puts them: 1,000 keys on a 7-partition
topic, sent once by the Java producer (KeyPlacement.java) and once by `kpk topic produce -f
'%k %v\\n'`, read back with `kpk topic consume`: every key is on the same partition in both
topics (murmur2, as rpk and the Java client place keys)."""
import java_harness
from kpk_harness import Broker, kpk

KEYS = 1000
PARTITIONS = 7


def placement_by_kpk(b, topic):
    out = kpk("topic", "consume", topic, "-X", f"brokers={b.bootstrap}", "-n", str(KEYS),
              "-f", "%k %p\\n", timeout=60).stdout
    return dict((key, int(p)) for key, p in (line.split() for line in out.splitlines()))


def main():
    with java_harness.compiled("KeyPlacement.java") as classes, Broker() as b:
        for topic in ("java-keys", "kpk-keys"):
            kpk("topic", "create", topic, "-p", str(PARTITIONS), "-X", f"brokers={b.bootstrap}")
        out = java_harness.run_java(classes, "KeyPlacement", b, "java-keys", str(KEYS),
                                    timeout=90)
        line = next(line for line in out.splitlines() if line.startswith("placement "))
        java = {f"key-{i}": int(p) for i, p in enumerate(line.split()[1].split(","))}
        assert len(java) == KEYS and len(set(java.values())) == PARTITIONS, line[:200]
        records = "".join(f"key-{i} v{i}\n" for i in range(KEYS))
        kpk("topic", "produce", "kpk-keys", "-X", f"brokers={b.bootstrap}", "-f", "%k %v\\n",
            input=records, timeout=60)
        kpk_placed = placement_by_kpk(b, "kpk-keys")
        assert placement_by_kpk(b, "java-keys") == java, "kpk reads Java's placement differently"
        moved = [k for k in java if kpk_placed.get(k) != java[k]]
        assert not moved, f"{len(moved)} of {KEYS} keys on another partition than Java's: " \
                          f"{[(k, java[k], kpk_placed.get(k)) for k in moved[:5]]}"
        print(f"{KEYS} keys on {PARTITIONS} partitions: kpk places every key as Java does")


if __name__ == "__main__":
    main()
