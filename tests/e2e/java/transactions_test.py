"""The Java transactional producer against kpk: read_committed skips aborted records, fencing,
and an exactly-once consume-transform-produce loop across aborts and a crash
(TransactionsTest.java)."""
import java_harness

if __name__ == "__main__":
    java_harness.main(["TransactionsTest.java"], "TransactionsTest", timeout=170)
