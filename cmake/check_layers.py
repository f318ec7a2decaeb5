#!/usr/bin/env python3
"""Checks every #include "..." in the source tree against the dependency rule in
cmake/Layers.cmake: a file may include headers from its own folder's library and from the
libraries its rule lists, transitively. Exits 1 listing each include that breaks the rule, or
a cycle in the rule itself.

Usage: check_layers.py SOURCE_DIR [STAMP_FILE]
"""
import os
import re
import sys

RULE = re.compile(r"^kpk_layer_rule\([ \t]*([^\s)]+)((?:[ \t]+[^\s)]+)*)[ \t]*\)", re.M)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SOURCE_SUFFIXES = (".h", ".cc")
# Folders that hold no library code: tests, benchmarks and build output may use any layer.
UNCHECKED = ("tests/", "build", "packaging/", "docs/", "cmake/")


def load_rules(source_dir):
    with open(os.path.join(source_dir, "cmake", "Layers.cmake"), encoding="utf-8") as f:
        text = f.read()
    return {m.group(1): m.group(2).split() for m in RULE.finditer(text)}


def owner(path, rules):
    """The rule a file or included header belongs to: the longest matching folder."""
    best = None
    for layer in rules:
        if layer.endswith("/**"):
            hit = path.startswith(layer[:-2])
        elif layer.endswith(".cc") or layer.endswith(".h"):
            hit = path == layer
        else:
            hit = os.path.dirname(path) == layer
        if hit and (best is None or len(layer) > len(best)):
            best = layer
    return best


def closure(rules):
    """Every layer each layer may use; raises on a cycle."""
    done, visiting = {}, set()

    def visit(layer, trail):
        if layer in done:
            return done[layer]
        if layer in visiting:
            raise ValueError("cycle in cmake/Layers.cmake: " + " -> ".join(trail + [layer]))
        if layer not in rules:
            raise ValueError(f"cmake/Layers.cmake names {layer}, which has no rule")
        visiting.add(layer)
        allowed = {layer}
        for dep in rules[layer]:
            allowed |= visit(dep, trail + [layer])
        visiting.discard(layer)
        done[layer] = allowed
        return allowed

    for layer in rules:
        visit(layer, [])
    return done


def source_files(source_dir):
    for root, dirs, files in os.walk(source_dir):
        rel_root = os.path.relpath(root, source_dir)
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "node_modules"]
        if rel_root == ".":
            rel_root = ""
        if any((rel_root + "/").startswith(u) for u in UNCHECKED):
            dirs[:] = []
            continue
        for name in files:
            if name.endswith(SOURCE_SUFFIXES):
                yield os.path.join(rel_root, name) if rel_root else name


def violations(source_dir, rules, allowed):
    for path in sorted(source_files(source_dir)):
        layer = owner(path, rules)
        if layer is None:
            yield f"{path}: in no folder of cmake/Layers.cmake"
            continue
        with open(os.path.join(source_dir, path), encoding="utf-8", errors="replace") as f:
            text = f.read()
        for include in INCLUDE.findall(text):
            if not os.path.exists(os.path.join(source_dir, include)):
                continue  # a generated file or a sibling include; the compiler checks those
            target = owner(include, rules)
            if target is None or target not in allowed[layer]:
                yield (f"{path}: includes {include} ({target or 'no layer'}), "
                       f"which {layer} may not use")


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    source_dir = argv[1]
    rules = load_rules(source_dir)
    try:
        allowed = closure(rules)
    except ValueError as e:
        print(e, file=sys.stderr)
        return 1
    bad = list(violations(source_dir, rules, allowed))
    for line in bad:
        print(f"layering: {line}", file=sys.stderr)
    if bad:
        print(f"layering: {len(bad)} include(s) break the rule in cmake/Layers.cmake",
              file=sys.stderr)
        return 1
    if len(argv) == 3:
        with open(argv[2], "w", encoding="utf-8") as f:
            f.write("ok\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
