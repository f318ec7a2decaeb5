"""The profile verbs rpk has beyond create/use/set: `profile prompt` (rpk's colour syntax, with
and without --validate, the globals' prompt as fallback), `set-globals`, `print-globals` and
`edit-globals` (validated, rpk's own globals kept), `clear`, and `create --from-redpanda` and
`--from-rpk-container`, whose profiles then reach a real `kpk broker run`. Each case runs with
a private HOME, so the user's files are never read or written."""
import os
import sys
import tempfile

import yaml

from kpk_harness import Broker, kpk


def isolated_env(home):
    env = {k: "" for k in os.environ if k.startswith(("KPK_", "RPK_", "REDPANDA_"))}
    env.update({"HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config")})
    return env


def kpk_yaml(home):
    with open(os.path.join(home, ".config", "kpk", "kpk.yaml")) as f:
        return yaml.safe_load(f)


def check_prompt(b, env):
    kpk("profile", "create", "dev", "-s", f"brokers={b.bootstrap}",
        "-s", 'prompt=hi-white, bg-red, bold, "[%p]"', env=env)
    out = kpk("profile", "prompt", env=env)
    assert out.stdout == "\x1b[97;41;1m[dev]\x1b[0m", repr(out.stdout)
    out = kpk("profile", "prompt", "--validate", env=env)
    assert out.stdout == "Prompt ok! Output:\nvvv\n\x1b[97;41;1m[dev]\x1b[0m\n^^^\n", \
        repr(out.stdout)
    # Groups, and an invalid prompt: silent without --validate (a PS1 must not break).
    kpk("profile", "set", 'prompt=("<") (green "%n")', env=env)
    assert kpk("profile", "prompt", env=env).stdout == "<\x1b[32mdev\x1b[0m"
    kpk("profile", "set", "prompt=purple", env=env)
    out = kpk("profile", "prompt", env=env)
    assert out.returncode == 0 and out.stdout == "" and out.stderr == "", out
    bad = kpk("profile", "prompt", "--validate", env=env, check=False)
    assert bad.returncode == 1 and 'invalid color or attribute "purple"' in bad.stderr, bad
    kpk("profile", "set", "prompt=", env=env)
    assert "prompt" not in kpk_yaml(env["HOME"])["profiles"][0]
    assert kpk("profile", "prompt", env=env).stdout == ""  # no prompt anywhere: nothing


def check_globals(env):
    out = kpk("profile", "set-globals", "globals.command_timeout=45s", "prompt=bold", env=env)
    assert out.stdout == "kpk.yaml updated successfully.\n", out.stdout
    kpk("profile", "set-globals", "dial_timeout", "2s", env=env)  # rpk's `key value` form
    printed = yaml.safe_load(kpk("profile", "print-globals", env=env).stdout)
    assert printed == {"command_timeout": "45s", "prompt": "bold", "dial_timeout": "2s"}, printed
    assert kpk_yaml(env["HOME"])["globals"] == printed
    # The profile has no prompt now: the globals' prompt is used.
    assert kpk("profile", "prompt", env=env).stdout == "\x1b[1mdev\x1b[0m"
    for bad_args, says in ((["nope=1"], 'unknown globals key "nope"'),
                           (["dial_timeout=soon"], "dial_timeout"),
                           (["no-equals-sign", "a", "b"], "invalid key=value pair")):
        bad = kpk("profile", "set-globals", *bad_args, env=env, check=False)
        assert bad.returncode in (1, 2) and says in bad.stderr, (bad_args, bad)
    assert kpk_yaml(env["HOME"])["globals"] == printed, "a refused change writes nothing"

    edit_env = {**env, "EDITOR": "sed -i s/45s/50s/"}
    out = kpk("profile", "edit-globals", env=edit_env)
    assert out.stdout == "Globals updated successfully.\n", out.stdout
    assert kpk_yaml(env["HOME"])["globals"]["command_timeout"] == "50s"
    bad = kpk("profile", "edit-globals", env={**env, "EDITOR": "sed -i s/50s/never/"},
              check=False)
    assert bad.returncode == 1 and "unable to edit globals" in bad.stderr, bad
    assert kpk_yaml(env["HOME"])["globals"]["command_timeout"] == "50s"
    kpk("profile", "set-globals", "command_timeout=", "dial_timeout=", "prompt=", env=env)
    assert "globals" not in kpk_yaml(env["HOME"])
    assert kpk("profile", "print-globals", env=env).stdout == "{}\n"


def check_clear(env):
    assert kpk("profile", "current", env=env).stdout == "dev\n"
    out = kpk("profile", "clear", env=env)
    assert out.stdout == "" and out.stderr == "", out
    assert kpk("profile", "current", env=env).stdout == "\n"
    assert [p["name"] for p in kpk_yaml(env["HOME"])["profiles"]] == ["dev"], "profiles stay"
    kpk("profile", "clear", env=env)  # nothing to clear is fine
    kpk("profile", "use", "dev", env=env)


def topic_names(env):
    out = kpk("topic", "list", env=env).stdout
    return {line.split()[0] for line in out.splitlines()[1:] if line.strip()}


def check_from_redpanda(b, env, home):
    path = os.path.join(home, "redpanda.yaml")
    with open(path, "w") as f:
        f.write("redpanda:\n  kafka_api: [{address: 0.0.0.0, port: 1}]\n"
                f"rpk:\n  kafka_api:\n    brokers: [{b.bootstrap}]\n"
                f"  admin_api:\n    addresses: [{b.admin}]\n")
    out = kpk("profile", "create", "rp", "--from-redpanda", path, env=env)
    assert out.stdout == 'Created and switched to new profile "rp".\n', out.stdout
    rp = kpk_yaml(home)["profiles"][-1]
    assert rp == {"name": "rp", "kafka_api": {"brokers": [b.bootstrap]},
                  "admin_api": {"addresses": [b.admin]}}, rp
    assert "profile-extras" in topic_names(env), "the new profile reaches the broker"
    bad = kpk("profile", "create", "x", "--from-redpanda", os.path.join(home, "nope.yaml"),
              env=env, check=False)
    assert bad.returncode == 1 and "nope.yaml" in bad.stderr, bad
    bad = kpk("profile", "create", "x", "--from-redpanda", path, "--from-profile", "dev",
              env=env, check=False)
    assert bad.returncode == 2, bad


def check_from_rpk_container(b, env, home):
    bad = kpk("profile", "create", "c", "--from-rpk-container", env=env, check=False)
    assert bad.returncode == 1 and "rpk-container" in bad.stderr, bad
    rpk_dir = os.path.join(home, ".config", "rpk")
    os.makedirs(rpk_dir)
    with open(os.path.join(rpk_dir, "rpk.yaml"), "w") as f:
        f.write("version: 6\ncurrent_profile: rpk-container\nprofiles:\n"
                "  - name: rpk-container\n    description: rpk container\n"
                f"    kafka_api: {{brokers: [{b.bootstrap}]}}\n")
    kpk("profile", "create", "c", "--from-rpk-container", env=env)
    c = kpk_yaml(home)["profiles"][-1]
    assert c == {"name": "c", "kafka_api": {"brokers": [b.bootstrap]}}, c
    assert kpk_yaml(home)["current_profile"] == "c"
    assert "profile-extras" in topic_names(env)


def main():
    with Broker() as b, tempfile.TemporaryDirectory() as home:
        kpk("-X", f"brokers={b.bootstrap}", "topic", "create", "profile-extras")
        env = isolated_env(home)
        check_prompt(b, env)
        check_globals(env)
        check_clear(env)
        check_from_redpanda(b, env, home)
        check_from_rpk_container(b, env, home)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
