"""rpk's configuration sources work with kpk, against a real broker: the hidden legacy flags
(--brokers, ...), RPK_* variables, the user's rpk.yaml when there is no kpk.yaml (and saving a
profile into it keeps rpk's own keys), a redpanda.yaml given with --config, and a config file kpk
cannot use failing instead of falling back to 127.0.0.1:9092; and `kpk --version`."""
import os
import tempfile

import yaml

from kpk_harness import Broker, kpk

RPK_YAML = """version: 6
globals:
    prompt: "bg-red %n"
current_profile: local
current_cloud_auth_org_id: org-1
profiles:
    - name: local
      prompt: hi-green
      kafka_api:
        brokers: [{bootstrap}]
      schema_registry:
        addresses: [127.0.0.1:8081]
cloud_auth: []
"""


def isolated_env(home):
    # No KPK_*/RPK_* from the caller, and no kpk.yaml: only what each case sets.
    env = {k: "" for k in os.environ if k.startswith(("KPK_", "RPK_", "REDPANDA_"))}
    env.update({"HOME": home, "XDG_CONFIG_HOME": ""})
    return env


def topics(*args, env):
    out = kpk("topic", "list", *args, env=env).stdout
    return {line.split()[0] for line in out.splitlines()[1:] if line.strip()}


def legacy_flags_and_env(b, env):
    kpk("topic", "create", "rpk-sources", "--brokers", b.bootstrap, env=env)
    assert "--brokers" not in kpk("--help", env=env).stdout, "legacy flags are hidden, as in rpk"
    assert "rpk-sources" in topics(env={**env, "RPK_BROKERS": b.bootstrap})
    assert "rpk-sources" in topics(env={**env, "REDPANDA_BROKERS": b.bootstrap})
    # KPK_* wins over RPK_*, and -X over the legacy flag.
    bad = kpk("topic", "list", env={**env, "RPK_BROKERS": b.bootstrap,
                                     "KPK_BROKERS": "127.0.0.1:1",
                                     "KPK_GLOBALS_COMMAND_TIMEOUT": "2s"}, check=False)
    assert bad.returncode == 1, bad
    assert "rpk-sources" in topics("--brokers", "127.0.0.1:1", "-X", f"brokers={b.bootstrap}",
                                   env=env)


def rpk_yaml(b, env, home):
    path = os.path.join(home, ".config", "rpk", "rpk.yaml")
    os.makedirs(os.path.dirname(path))
    with open(path, "w") as f:
        f.write(RPK_YAML.format(bootstrap=b.bootstrap))
    assert "rpk-sources" in topics(env=env), "rpk.yaml's current profile is used"
    kpk("profile", "set", "description=edited by kpk", env=env)
    saved = yaml.safe_load(open(path))
    assert saved["current_cloud_auth_org_id"] == "org-1", saved
    assert saved["globals"]["prompt"] == "bg-red %n", saved
    local = saved["profiles"][0]
    assert local["prompt"] == "hi-green" and local["description"] == "edited by kpk", local
    assert local["schema_registry"] == {"addresses": ["127.0.0.1:8081"]}, local
    assert not os.path.exists(os.path.join(home, ".config", "kpk", "kpk.yaml"))
    # rpk's prompt field, read from the rpk.yaml; set-globals writes into it, keeping the rest.
    assert kpk("profile", "prompt", env=env).stdout == "\x1b[92mlocal\x1b[0m"
    kpk("profile", "set-globals", "dial_timeout=4s", env=env)
    saved = yaml.safe_load(open(path))
    assert saved["globals"] == {"prompt": "bg-red %n", "dial_timeout": "4s"}, saved
    assert saved["current_cloud_auth_org_id"] == "org-1", saved


def redpanda_yaml(b, env, home):
    host, port = b.bootstrap.rsplit(":", 1)
    path = os.path.join(home, "redpanda.yaml")
    with open(path, "w") as f:
        f.write(f"redpanda:\n  kafka_api:\n    - address: 0.0.0.0\n      port: {port}\n")
    assert "rpk-sources" in topics("--config", path, env=env)


def unusable_file(env, home):
    path = os.path.join(home, "notes.yaml")
    with open(path, "w") as f:
        f.write("shopping: [milk, eggs]\n")
    out = kpk("topic", "list", "--config", path, env=env, check=False)
    assert out.returncode == 1 and "neither a profile file" in out.stderr, out


def version_flag(env):
    flag = kpk("--version", env=env)
    first = kpk("version", env=env).stdout.splitlines()[0]
    assert flag.returncode == 0 and flag.stdout.splitlines() == [first], flag
    assert flag.stdout.startswith("kpk "), flag.stdout


def main():
    with Broker() as b, tempfile.TemporaryDirectory() as home:
        env = isolated_env(home)
        version_flag(env)
        legacy_flags_and_env(b, env)
        rpk_yaml(b, env, home)
        redpanda_yaml(b, env, home)
        unusable_file(env, home)
        print("legacy flags, RPK_* and REDPANDA_*, rpk.yaml, redpanda.yaml, unusable file: ok")


if __name__ == "__main__":
    main()
