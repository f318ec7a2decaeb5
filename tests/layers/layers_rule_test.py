#!/usr/bin/env python3
"""The dependency rule is enforced: cmake/check_layers.py (which every build runs before
compiling) passes on the tree as it is, and fails on a copy with an include that crosses the
rule, with an include of a folder no rule names, and with a cycle in the rule table."""
import os
import shutil
import subprocess
import sys
import tempfile

SOURCE = sys.argv[1]
CHECK = os.path.join("cmake", "check_layers.py")


def run_check(tree):
    return subprocess.run([sys.executable, os.path.join(tree, CHECK), tree],
                          capture_output=True, text=True, timeout=60)


def expect(condition, message):
    if not condition:
        print("FAIL:", message)
        sys.exit(1)


def copy_tree(dest):
    for folder in ("common", "broker", "cli", "cmake"):
        shutil.copytree(os.path.join(SOURCE, folder), os.path.join(dest, folder),
                        ignore=shutil.ignore_patterns("__pycache__"))


def append(tree, path, text):
    with open(os.path.join(tree, path), "a", encoding="utf-8") as f:
        f.write(text)


def main():
    result = run_check(SOURCE)
    expect(result.returncode == 0, "the tree breaks its own rule:\n" + result.stderr)

    with tempfile.TemporaryDirectory() as tmp:
        copy_tree(tmp)
        expect(run_check(tmp).returncode == 0, "a faithful copy fails the check")
        # The codec reaching up into the broker core.
        append(tmp, "broker/protocol/wire.cc", '\n#include "broker/core/broker_state.h"\n')
        result = run_check(tmp)
        expect(result.returncode == 1, "an upward include passed")
        expect("broker/protocol/wire.cc: includes broker/core/broker_state.h" in result.stderr,
               "the failure does not name the include: " + result.stderr)

    with tempfile.TemporaryDirectory() as tmp:
        copy_tree(tmp)
        # The network layer reaching sideways into the handlers.
        append(tmp, "broker/net/connection.h", '\n#include "broker/handlers/registry.h"\n')
        result = run_check(tmp)
        expect(result.returncode == 1 and "broker/handlers/registry.h" in result.stderr,
               "a sideways include passed: " + result.stderr)

    with tempfile.TemporaryDirectory() as tmp:
        copy_tree(tmp)
        # A cycle in the table itself: common may use the CLI, which uses common.
        path = os.path.join(tmp, "cmake", "Layers.cmake")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = text.replace("kpk_layer_rule(common)", "kpk_layer_rule(common cli/format)")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        result = run_check(tmp)
        expect(result.returncode == 1 and "cycle" in result.stderr,
               "a cycle in the rule passed: " + result.stderr)
    print("the dependency rule holds, and breaking it fails the check")


if __name__ == "__main__":
    main()
