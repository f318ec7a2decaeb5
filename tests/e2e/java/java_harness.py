"""Runs the Java client test programs of this folder against a kpk broker.

The sources are compiled once per test run with javac against Apache Kafka's cached jars
(tests/support/apache_kafka/fetch.sh, offline under ctest) into a temp dir; nothing is built
ahead or committed. Each program takes the bootstrap address first, prints one line per
scenario, and exits 0 on success; this module bounds it with a subprocess timeout, kills its
JVM with the test (PR_SET_PDEATHSIG), and prints its output and the broker's log on failure.

    with compiled("ProducerTest.java") as classes, Broker() as b:
        run_java(classes, "ProducerTest", b, timeout=120)
"""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import kafka_cluster

HERE = os.path.dirname(os.path.abspath(__file__))
HEAP = "256m"

# Client logs: warnings and errors on stderr, which is shown when the program fails.
LOG4J2 = """status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = %d{HH:mm:ss.SSS} %p [%t] %c{1}: %m%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
"""


@contextlib.contextmanager
def compiled(*sources, timeout=180):
    """Compiles Support.java and `sources` into a temp dir; yields the dir, removes it after."""
    folder = tempfile.mkdtemp(prefix="kpk-java-")
    try:
        paths = [os.path.join(HERE, s) for s in ("Support.java",) + sources]
        started = time.monotonic()
        out = subprocess.run(
            ["javac", "-J-Xmx256m", "-nowarn", "-encoding", "UTF-8", "-cp",
             kafka_cluster.classpath(), "-d", folder, *paths],
            capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            raise RuntimeError(f"javac failed:\n{out.stdout}{out.stderr}")
        with open(os.path.join(folder, "log4j2.properties"), "w") as f:
            f.write(LOG4J2)
        print(f"javac {' '.join(sources)}: {time.monotonic() - started:.2f}s", flush=True)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_java(classes, main, broker, *args, timeout=120, on_request=None):
    """Runs `main` with the broker's bootstrap and `args`; prints its scenario lines; raises with
    its output and the broker's log if it fails or outlives `timeout`.

    A line the program prints starting with "@" is a request to the driver: on_request(words)
    handles it (e.g. restarts the broker), and then a line on the program's stdin answers it."""
    cmd = kafka_cluster.java_command(
        main, broker.bootstrap, *args, heap=HEAP,
        cp=f"{classes}{os.pathsep}{kafka_cluster.classpath()}",
        jvm_args=[f"-Dlog4j2.configurationFile={os.path.join(classes, 'log4j2.properties')}"])
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, bufsize=1,
                            preexec_fn=kafka_cluster._die_with_parent)
    stderr = []
    drain = threading.Thread(target=lambda: stderr.extend(proc.stderr), daemon=True)
    drain.start()
    # The whole run is bounded: a watchdog kills the JVM (it leads its own session) at the end.
    killer = threading.Timer(timeout, lambda: _kill(proc))
    killer.start()
    stdout = []
    try:
        for line in proc.stdout:
            stdout.append(line)
            if line.startswith("@"):
                if on_request is None:
                    raise AssertionError(f"{main} asked for {line.strip()} with nobody to answer")
                on_request(line[1:].split())
                proc.stdin.write("done\n")
                proc.stdin.flush()
            else:
                sys.stdout.write(line)
                sys.stdout.flush()
        proc.wait(timeout=10)
    except Exception as e:
        _kill(proc)
        proc.wait(timeout=10)
        drain.join(5)
        _fail(f"{main} failed in the driver: {e!r}", "".join(stdout), "".join(stderr), broker)
    finally:
        killer.cancel()
    drain.join(5)
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        what = (f"{main} still running after {timeout}s; killed" if elapsed >= timeout
                else f"{main} exited with {proc.returncode}")
        _fail(what, "", "".join(stderr), broker)
    print(f"{main}: ok ({elapsed:.2f}s)", flush=True)
    return "".join(stdout)


def _kill(proc):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, 9)


def _fail(what, stdout, stderr, broker):
    log = broker.log().splitlines()
    raise AssertionError(f"{what}\n--- stdout\n{stdout}\n--- stderr (last 150 lines)\n"
                         + "\n".join(stderr.splitlines()[-150:])
                         + "\n--- broker log (last 60 lines)\n" + "\n".join(log[-60:]))


def main(sources, program, timeout, args=(), on_request=None, **broker_args):
    """The whole of a simple test: compile, start a broker, run the program once.
    on_request(broker, words) answers the program's "@" requests."""
    from kpk_harness import Broker
    with compiled(*sources) as classes, Broker(**broker_args) as b:
        handler = (lambda words: on_request(b, words)) if on_request else None
        run_java(classes, program, b, *args, timeout=timeout, on_request=handler)
