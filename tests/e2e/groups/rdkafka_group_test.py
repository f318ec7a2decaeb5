"""Three librdkafka (confluent-kafka) consumers in one group: split, clean leave and takeover
with nothing consumed twice, resume from committed offsets after a broker restart."""
import sys

import split_scenario
from group_util import RdkafkaConsumer


def main():
    timings = split_scenario.run(RdkafkaConsumer, "rdkafka")
    print("ok", timings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
