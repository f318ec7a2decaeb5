"""The Java producer (Apache Kafka's kafka-clients) against kpk: idempotent, acks=all, with each
compression codec; every record is read back once, in order, at its acknowledged offset
(ProducerTest.java)."""
import java_harness

if __name__ == "__main__":
    java_harness.main(["ProducerTest.java"], "ProducerTest", timeout=150)
