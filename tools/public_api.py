#!/usr/bin/env python3
"""Lists the public API of ModelRuntime from its symbol graphs and compares it with the
committed list, so that any change to what apps can call shows up as a diff in review.

    python3 tools/public_api.py GRAPH_DIR LIST           # fails with a diff when they differ
    python3 tools/public_api.py GRAPH_DIR LIST --update  # rewrites LIST

GRAPH_DIR holds `ModelRuntime.symbols.json` and `ModelRuntime@*.symbols.json`, as
`tools/build-docs.sh` writes them (ModelRuntime re-exports ModelSpec, so its graph holds
ModelSpec's public symbols too). One line per declaration, `Path.to.member: declaration`, and
one per conformance, `Type: Protocol`, sorted; members a protocol gives a type for free
(synthesized by the symbol graph) follow from the conformance and are left out. Standard
library only, so CI needs no Python packages.
"""

import difflib
import glob
import json
import os
import re
import sys


def spelled(fragments):
    """A declaration's fragments as one line of source, whitespace collapsed."""
    return re.sub(r"\s+", " ", "".join(fragment["spelling"] for fragment in fragments)).strip()


def constraint_parts(items):
    """Generic constraints as `A: B` / `C == D` strings."""
    operators = {"conformance": ": ", "superclass": ": ", "sameType": " == "}
    return [item["lhs"] + operators.get(item["kind"], " ? ") + item["rhs"] for item in items or []]


def constraints(items, own=()):
    """` where A: B, C == D` for generic constraints, or ``; constraints the type declares
    itself (`own`) are left out, so a member declared in an extension reads as one declared in
    the type's body."""
    parts = [part for part in constraint_parts(items) if part not in own]
    return " where " + ", ".join(parts) if parts else ""


def api_lines(graph_dir):
    paths = sorted(glob.glob(os.path.join(graph_dir, "ModelRuntime.symbols.json"))
                   + glob.glob(os.path.join(graph_dir, "ModelRuntime@*.symbols.json")))
    if not paths:
        raise SystemExit(f"public_api: no ModelRuntime symbol graph in {graph_dir}")
    lines = set()
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            graph = json.load(handle)
        names = {}
        own = {}  # a type's own generic constraints, by name
        for symbol in graph["symbols"]:
            precise = symbol["identifier"]["precise"]
            name = ".".join(symbol["pathComponents"])
            names[precise] = name
            if "swiftExtension" not in symbol:
                own.setdefault(name, set()).update(
                    constraint_parts(symbol.get("swiftGenerics", {}).get("constraints")))
        for symbol in graph["symbols"]:
            precise = symbol["identifier"]["precise"]
            name = names[precise]
            if "::SYNTHESIZED::" in precise or symbol.get("accessLevel") != "public":
                continue
            declaration = spelled(symbol.get("declarationFragments", []))
            extension = symbol.get("swiftExtension", {})
            parent = ".".join(symbol["pathComponents"][:-1])
            where = constraints(extension.get("constraints"), own.get(parent, ()))
            if where and where[len(" where "):] not in declaration:
                declaration += where
            lines.add(f"{name}: {declaration}")
        for relation in graph["relationships"]:
            if relation["kind"] != "conformsTo" or "::SYNTHESIZED::" in relation["source"]:
                continue
            source = names.get(relation["source"])
            if source is None:
                continue
            target = names.get(relation["target"]) or relation.get("targetFallback") or relation["target"]
            where = constraints(relation.get("swiftConstraints"), own.get(source, ()))
            lines.add(f"{source}: conforms to {target}{where}")
    return sorted(lines)


def main(arguments):
    if len(arguments) not in (2, 3) or (len(arguments) == 3 and arguments[2] != "--update"):
        raise SystemExit(__doc__)
    graph_dir, listing = arguments[0], arguments[1]
    current = [line + "\n" for line in api_lines(graph_dir)]
    if len(arguments) == 3:
        with open(listing, "w", encoding="utf-8") as handle:
            handle.writelines(current)
        print(f"public_api: wrote {len(current)} lines to {listing}")
        return 0
    try:
        with open(listing, encoding="utf-8") as handle:
            committed = handle.readlines()
    except FileNotFoundError:
        committed = []
    if committed == current:
        print(f"public_api: the public API matches {listing} ({len(current)} lines)")
        return 0
    sys.stdout.writelines(difflib.unified_diff(committed, current, listing, "the sources"))
    print(f"public_api: the public API of ModelRuntime changed (above, - committed + now). If that is\n"
          f"intended, run `UPDATE_PUBLIC_API=1 bash tools/build-docs.sh` and commit {listing}.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
