"""The Java transactional producer against kpk: read_committed skips aborted records, fencing,
a stalled transaction aborted by its timeout, pending transactional offsets holding back a new
consumer (KIP-447), an exactly-once consume-transform-produce loop across aborts and a crash,
and an open transaction that survives a broker restart (TransactionsTest.java)."""
import java_harness


def restart(broker, words):
    broker.stop()
    broker.start()
    print("broker stopped and restarted", flush=True)


if __name__ == "__main__":
    java_harness.main(["TransactionsTest.java"], "TransactionsTest", timeout=170,
                      args=["restarts"], on_request=restart)
