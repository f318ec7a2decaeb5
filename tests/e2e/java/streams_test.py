"""Kafka Streams word count against kpk (exactly_once_v2): the repartition and changelog topics
are created by Streams, the counts are exact, they continue from the changelog after a restart
with an empty state directory and after the Streams JVM is killed mid-transaction, and while
the broker itself restarts under a running Streams app (StreamsTest.java)."""
import java_harness


def restart(broker, words):
    broker.stop()
    broker.start()
    print("broker stopped and restarted", flush=True)


if __name__ == "__main__":
    java_harness.main(["StreamsTest.java"], "StreamsTest", timeout=200,
                      args=["exactly_once_v2", "restarts"], on_request=restart)
