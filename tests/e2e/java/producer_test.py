"""The Java producer (Apache Kafka's kafka-clients) against kpk: idempotent, acks=all, with each
compression codec, every record read back once, in order, at its acknowledged offset; records
larger than the consumer's fetch limits; and an idempotent producer that keeps sending while
the broker is stopped and then killed and restarted (ProducerTest.java)."""
import java_harness


def restart(broker, words):
    how, in_flight = words[1], words[2]
    if how == "stop":
        broker.stop()
    else:
        broker.kill()  # a crash: the retried batches' duplicates must be known from the log
    broker.start()
    print(f"broker {how} and restart with {in_flight} sends unacknowledged: done", flush=True)


if __name__ == "__main__":
    java_harness.main(["ProducerTest.java"], "ProducerTest", timeout=200, args=["restarts"],
                      on_request=restart)
