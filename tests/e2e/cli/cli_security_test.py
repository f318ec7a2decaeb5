#!/usr/bin/python3
"""kpk against Apache Kafka's SASL_SSL listener: SCRAM-SHA-512 over TLS, which kpk speaks itself
(cli/client/auth_relay.h: librdkafka 2.0.2's SCRAM is refused by Kafka 4.x), and PLAIN over
TLS, which librdkafka speaks.

One split cluster (3 brokers + controller, PLAINTEXT and SASL_SSL listeners, StandardAuthorizer)
serves every test. The core commands run with -X settings and with a profile; wrong passwords,
an untrusted CA, and clients on the wrong port each fail with exit 1 within a bound, naming the
cause on stderr without -v; alice, who has no ACLs, is told she is not authorized.

Every kpk run has a timeout, the cluster is stopped in a finally block, and all traffic stays on
127.0.0.1.
"""

import json
import os
import subprocess
import sys
import time

import cli_harness
from cli_harness import expect, expect_eq, run_each
from kafka_cluster import USERS, KafkaCluster

SCRAM = "SCRAM-SHA-512"
# A failing command: the dial timeout (3 s by default) plus process start and slack. The
# command timeout (30 s) is what it would take without the real cause being recognised.
FAILURE_BOUND_S = 12

# PLAIN next to SCRAM on the SASL_SSL listener, for librdkafka's own SASL path.
PLAIN_CONFIGS = {
    "sasl.enabled.mechanisms": f"{SCRAM},PLAIN",
    "listener.name.sasl_ssl.plain.sasl.jaas.config":
        "org.apache.kafka.common.security.plain.PlainLoginModule required " +
        " ".join(f'user_{u}="{p}"' for u, p in USERS.items()) + ";",
}


class Env(cli_harness.Env):
    """The cluster, a private HOME for profiles, and `kpk` to run with SASL settings."""

    def __init__(self, cluster):
        super().__init__(cluster)
        self.cluster = cluster
        self.other_ca = make_other_ca(self.home)

    def sasl_settings(self, user="admin", password=None, mechanism=SCRAM, ca=None,
                      brokers=None):
        return {"brokers": brokers or self.cluster.sasl_ssl_bootstrap,
                "tls.ca": ca or self.cluster.ca_pem, "sasl.mechanism": mechanism,
                "user": user, "pass": USERS[user] if password is None else password}

    def kpk(self, *args, settings=None, input=None, timeout=60):
        """Runs kpk with `settings` as -X flags (none: the current profile)."""
        return super().kpk(*args, settings=settings, input=input, timeout=timeout,
                           brokers=False)

    def fails(self, what, args, settings, *words):
        """Runs kpk, which must exit 1 within FAILURE_BOUND_S naming every one of `words`."""
        result = self.kpk(*args, settings=settings, timeout=FAILURE_BOUND_S + 30)
        expect_eq(result.returncode, 1, f"{what}: exit code (stderr: {result.stderr!r})")
        expect(result.elapsed < FAILURE_BOUND_S,
               f"{what}: took {result.elapsed:.1f}s (bound {FAILURE_BOUND_S}s)")
        for word in words:
            expect(word.lower() in result.stderr.lower(),
                   f"{what}: {word!r} not in stderr {result.stderr!r}")
        expect("brokers are down" not in result.stderr, f"{what}: {result.stderr!r}")
        print(f"     {what}: {result.elapsed:.1f}s: {result.stderr.strip()}")
        return result


def make_other_ca(folder):
    """A CA that signed nothing the cluster uses: trusting only it must fail verification."""
    path = os.path.join(folder, "other-ca.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=not-the-kpk-test-ca", "-keyout",
                    os.path.join(folder, "other-ca.key"), "-out", path],
                   check=True, capture_output=True, timeout=60)
    return path


def rows(table):
    """A kpk table as dicts keyed by header."""
    lines = [line for line in table.splitlines() if line.strip()]
    header = lines[0].split()
    return [dict(zip(header, line.split())) for line in lines[1:]]


# --- the core commands over SASL_SSL ------------------------------------------------------

def core_commands(env, tag, settings):
    """Every core command with `settings` (-X flags, or None for the current profile)."""
    run = lambda *a, **kw: env.ok(*a, settings=settings, **kw)  # noqa: E731
    topic, group = f"sec-{tag}", f"sec-group-{tag}"

    info = run("cluster", "info").stdout
    ports = sorted(int(line.split()[2]) for line in info.splitlines()
                   if len(line.split()) == 3 and line.split()[1] == "127.0.0.1")
    expect_eq(ports, sorted(b.sasl_ssl_port for b in env.cluster.brokers),
              f"advertised SASL_SSL ports in {info!r}")

    run("topic", "create", topic, "-p", "3", "-r", "3")
    listed = [r["NAME"] for r in rows(run("topic", "list").stdout)]
    expect(topic in listed, f"{topic} in {listed}")

    values = [f"{tag}-{i}" for i in range(6)]
    run("topic", "produce", topic, "-p", "0", input="\n".join(values) + "\n")
    got = run("topic", "consume", topic, "-o", "start", "-n", "6", "-f", "%v\\n").stdout.split()
    expect_eq(got, values, "consumed values")
    got = run("topic", "consume", topic, "-p", "0", "-o", "2:4", "-f", "%v\\n").stdout.split()
    expect_eq(got, values[2:4], "consume -o 2:4")

    # kpk's own codec (leader epochs) goes through the same TLS + SCRAM connect path.
    doc = json.loads(run("topic", "describe", topic, "-p", "--format", "json").stdout)
    parts = doc[0]["partitions"]
    expect_eq(len(parts), 3, f"partitions in {doc!r}")
    expect(all(p["epoch"] >= 0 for p in parts), f"leader epochs in {doc!r}")
    expect_eq(parts[0]["high_watermark"], 6, "partition 0's high watermark")
    logdirs = run("cluster", "logdirs", "describe", "--topics", topic).stdout
    expect(topic in logdirs, f"{topic} in logdirs {logdirs!r}")

    # A consumer group formed through the SASL_SSL listener.
    got = run("topic", "consume", topic, "-g", group, "-n", "6", "-f", "%v\\n").stdout.split()
    expect_eq(sorted(got), sorted(values), "group consume")
    groups = [r["GROUP"] for r in rows(run("group", "list").stdout)]
    expect(group in groups, f"{group} in {groups}")
    desc = run("group", "describe", group).stdout
    summary = dict(line.split(None, 1) for line in desc.split("\n\n")[0].splitlines()
                   if len(line.split(None, 1)) == 2)
    expect_eq((summary.get("GROUP"), summary.get("TOTAL-LAG")), (group, "0"), desc)

    run("topic", "delete", topic)
    listed = [r["NAME"] for r in rows(run("topic", "list").stdout)]
    expect(topic not in listed, f"{topic} deleted: {listed}")


def test_core_commands_with_x_settings(env):
    core_commands(env, "x", env.sasl_settings())


def test_core_commands_with_a_profile(env):
    settings = env.sasl_settings()
    args = ["profile", "create", "secure"]
    for key, value in settings.items():
        args += ["-s", f"{key}={value}"]
    env.ok(*args)
    core_commands(env, "profile", None)


def test_plain_over_tls(env):
    """PLAIN stays with librdkafka (only SCRAM is relayed)."""
    settings = env.sasl_settings(mechanism="PLAIN")
    env.ok("topic", "create", "sec-plain", settings=settings)
    env.ok("topic", "produce", "sec-plain", settings=settings, input="p1\n")
    got = env.ok("topic", "consume", "sec-plain", "-n", "1", "-f", "%v\\n",
                 settings=settings).stdout
    expect_eq(got, "p1\n", "PLAIN round trip")
    env.ok("topic", "delete", "sec-plain", settings=settings)


# --- failures name their cause -------------------------------------------------------------

def test_wrong_passwords(env):
    for mechanism in (SCRAM, "PLAIN"):
        env.fails(f"wrong {mechanism} password", ["topic", "list"],
                  env.sasl_settings(password="not-the-password", mechanism=mechanism),
                  "authentication failed", "invalid")
    env.fails("unknown SCRAM user", ["cluster", "info"],
              env.sasl_settings(password="x") | {"user": "mallory"}, "authentication failed")


def test_untrusted_ca(env):
    for mechanism in (SCRAM, "PLAIN"):
        env.fails(f"untrusted CA ({mechanism})", ["topic", "list"],
                  env.sasl_settings(mechanism=mechanism, ca=env.other_ca),
                  "certificate verify failed")


def test_wrong_ports(env):
    plain_port = env.cluster.bootstrap.split(",")[0]
    tls_port = env.cluster.sasl_ssl_bootstrap.split(",")[0]
    # librdkafka's own paths: plaintext on the TLS port, TLS on the plaintext port.
    env.fails("plaintext client on the TLS port", ["topic", "list"], {"brokers": tls_port},
              "ssl listener")
    env.fails("TLS client on the plaintext port", ["topic", "list"],
              {"brokers": plain_port, "tls.ca": env.cluster.ca_pem}, "ssl")
    # The relay's paths.
    env.fails("SCRAM over TLS on the plaintext port", ["topic", "list"],
              env.sasl_settings(brokers=plain_port), "TLS handshake", "plaintext port")
    no_tls = env.sasl_settings(brokers=plain_port)
    del no_tls["tls.ca"]
    env.fails("SCRAM without TLS on the plaintext port", ["topic", "list"], no_tls,
              "SaslHandshake", "SASL listener")
    no_tls["brokers"] = tls_port
    env.fails("SCRAM without TLS on the TLS port", ["topic", "list"], no_tls,
              "answered with TLS", "tls.enabled")


def test_acl_denied(env):
    """alice authenticates but has no ACLs: she sees no topics and may not touch one."""
    admin = env.sasl_settings()
    alice = env.sasl_settings(user="alice")
    env.ok("topic", "create", "sec-acl", settings=admin)
    try:
        listed = env.ok("topic", "list", settings=alice).stdout
        expect("sec-acl" not in listed, f"alice sees no topic: {listed!r}")
        result = env.kpk("topic", "create", "sec-acl-alice", settings=alice,
                         timeout=FAILURE_BOUND_S + 30)
        expect_eq(result.returncode, 1, f"create as alice: {result.stdout!r} {result.stderr!r}")
        expect("AUTHORIZATION_FAILED" in result.stdout + result.stderr,
               f"create as alice: {result.stdout!r} {result.stderr!r}")
        print(f"     alice: {result.stdout.strip()} {result.stderr.strip()}")
        # A topic she may not describe is left out of a full listing; asked for by name, Kafka
        # says why, and kpk passes that on instead of "unknown topic".
        for verb in (["topic", "describe", "sec-acl"], ["topic", "consume", "sec-acl", "-n", "1"],
                     ["topic", "add-partitions", "sec-acl", "-n", "1"]):
            result = env.kpk(*verb, settings=alice, timeout=FAILURE_BOUND_S + 30)
            expect_eq(result.returncode, 1, f"{verb} as alice: {result.stdout!r} {result.stderr!r}")
            expect("TOPIC_AUTHORIZATION_FAILED" in result.stdout + result.stderr,
                   f"{verb} as alice: {result.stdout!r} {result.stderr!r}")
    finally:
        env.kpk("topic", "delete", "sec-acl", settings=admin)


TESTS = [
    test_core_commands_with_x_settings,
    test_core_commands_with_a_profile,
    test_plain_over_tls,
    test_wrong_passwords,
    test_untrusted_ca,
    test_wrong_ports,
    test_acl_denied,
]


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else None
    cluster = KafkaCluster("split", sasl_ssl=True, broker_configs=PLAIN_CONFIGS)
    started = time.monotonic()
    try:
        cluster.start()
        print(f"cluster ready in {time.monotonic() - started:.1f}s", flush=True)
        passed, failed, _ = run_each(TESTS, lambda: Env(cluster), only)
    finally:
        cluster.stop()
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
