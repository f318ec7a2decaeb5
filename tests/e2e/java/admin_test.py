"""The Java AdminClient against kpk: topics, the cluster, configs, offsets by timestamp,
DeleteRecords and consumer groups (AdminTest.java)."""
import java_harness

if __name__ == "__main__":
    java_harness.main(["AdminTest.java"], "AdminTest", timeout=120)
