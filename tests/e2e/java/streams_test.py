"""Kafka Streams word count against kpk (exactly_once_v2): the repartition and changelog topics
are created by Streams, the counts are exact, and after a restart with an empty state directory
they continue from the changelog (StreamsTest.java)."""
import java_harness

if __name__ == "__main__":
    java_harness.main(["StreamsTest.java"], "StreamsTest", timeout=190)
