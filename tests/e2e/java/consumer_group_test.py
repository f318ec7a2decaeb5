"""The Java consumer in classic consumer groups against kpk: manual commits, seek, pause/resume,
and three members with range and with cooperative-sticky through a join and a leave, every
record consumed exactly once (GroupTest.java)."""
import java_harness

if __name__ == "__main__":
    java_harness.main(["GroupTest.java"], "GroupTest", timeout=190)
