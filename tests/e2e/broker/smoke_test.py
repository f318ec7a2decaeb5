"""The broker starts, answers kcat, keeps what it acknowledged across a clean restart, and
stops on SIGTERM with exit code 0."""
import sys

from kpk_harness import Broker, kcat, wait_until


def main():
    with Broker(auto_create=True) as b:
        assert b.ready_after < 5, b.ready_after
        records = "".join(f"k{i}:v{i}\n" for i in range(100))
        kcat(b.bootstrap, "-P", "-t", "smoke", "-K:", "-X", "acks=all", input=records)
        out = kcat(b.bootstrap, "-C", "-t", "smoke", "-o", "beginning", "-e", "-f", "%k:%s\n",
                   timeout=30).stdout
        assert out == records, out
        code = b.stop()
        assert code == 0, code
        b.start()
        out = kcat(b.bootstrap, "-C", "-t", "smoke", "-o", "beginning", "-e", "-f", "%k:%s\n",
                   timeout=30).stdout
        assert out == records, "records changed across a restart"
        meta = kcat(b.bootstrap, "-L", "-t", "smoke").stdout
        assert "broker 0 at " + b.bootstrap in meta, meta
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
