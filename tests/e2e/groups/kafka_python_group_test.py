"""Three kafka-python consumers in one group (JoinGroup v2, no MEMBER_ID_REQUIRED): split,
clean leave and takeover with nothing consumed twice, resume after a broker restart."""
import sys

import split_scenario
from group_util import KafkaPythonConsumer


def main():
    timings = split_scenario.run(KafkaPythonConsumer, "kafkapython")
    print("ok", timings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
