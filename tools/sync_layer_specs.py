"""Puts the layer fixtures' specs into the test target, for the layers the runtime supports.

Run from anywhere: ``python3 tools/sync_layer_specs.py`` (standard library only), after
``tools/make_layer_fixtures.py`` or after adding a layer to ``LayerRegistry``.

For every case folder in ``Tests/Fixtures/layers/`` whose spec uses only supported layer
classes (the supported-layers table in README.md, which ``swift test`` keeps equal to
``LayerRegistry``) and that the generator accepts (``swift build`` must have built
``.build/debug/swift-model-generator``; cases with options it refuses, such as
``return_state``, are listed in ``Tests/Fixtures/layers/refused.json``), it copies ``Tests/Fixtures/layers/CASE/spec.json`` to
``Tests/ModelRuntimeTests/Specs/layers/layer_CASE.model.json`` (the build plugin turns it
into the type ``LayerCASE`` in UpperCamelCase), removes specs of cases no longer listed, and
writes ``Tests/ModelRuntimeTests/LayerFixtures.swift``, the list of those models that the
parity tests run, each called with as many inputs as the case's ``arrays.npz`` holds
(``input.npy`` or ``input_0.npy``, ``input_1.npy``, ...). Deterministic.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

sys.dont_write_bytecode = True
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "layers")
SPECS = os.path.join(ROOT, "Tests", "ModelRuntimeTests", "Specs", "layers")
LIST = os.path.join(ROOT, "Tests", "ModelRuntimeTests", "LayerFixtures.swift")
GENERATOR = os.path.join(ROOT, ".build", "debug", "swift-model-generator")


def supported_classes():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    table = text.split("<!-- supported-layers")[1].split("<!-- end supported-layers -->")[0]
    return set(re.findall(r"^\| (\w+) \|", table, re.M)) - {"Layer"}


def class_names(value):
    """Every class_name in a spec (layers of nested models too), but not the objects inside
    configs (initializers, regularizers)."""
    names = set()
    if isinstance(value, dict):
        if "class_name" in value and "config" in value and isinstance(value["config"], dict) and (
                "layers" in value["config"] or "name" in value["config"]):
            names.add(value["class_name"])
        for key, item in value.items():
            if key not in ("kernel_initializer", "bias_initializer", "depthwise_initializer", "pointwise_initializer",
                           "beta_initializer", "gamma_initializer", "moving_mean_initializer",
                           "moving_variance_initializer", "dtype"):
                names |= class_names(item)
    elif isinstance(value, list):
        for item in value:
            names |= class_names(item)
    return names


def type_name(case):
    return "Layer" + "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", case) if part)


def sync_applications(supported):
    """Copies ``Tests/Fixtures/applications/NAME/spec.json`` to
    ``Checks/Tests/LargeGraphTests/NAME.model.json`` when every layer is supported (the Checks
    package runs them against Keras: compiling them in debug slowed every root ``swift test``)."""
    source = os.path.join(ROOT, "Tests", "Fixtures", "applications")
    target = os.path.join(ROOT, "Checks", "Tests", "LargeGraphTests")
    os.makedirs(target, exist_ok=True)
    wanted = set()
    for name in sorted(os.listdir(source)) if os.path.isdir(source) else []:
        path = os.path.join(source, name, "spec.json")
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if class_names(json.loads(text)) - supported:
            continue
        wanted.add(f"{name}.model.json")
        out = os.path.join(target, f"{name}.model.json")
        if not os.path.exists(out) or open(out, encoding="utf-8").read() != text:
            with open(out, "w", encoding="utf-8") as f:
                f.write(text)
    # The folder holds other checks too: only an application's spec that is no longer wanted goes.
    for name in sorted(os.listdir(source)) if os.path.isdir(source) else []:
        out = os.path.join(target, f"{name}.model.json")
        if f"{name}.model.json" not in wanted and os.path.exists(out):
            os.remove(out)
    print(f"applications synced: {sorted(wanted)}")


def main():
    supported = supported_classes() | {"Sequential", "Functional", "InputLayer"}
    cases = sorted(name for name in os.listdir(FIXTURES) if os.path.exists(os.path.join(FIXTURES, name, "spec.json")))
    os.makedirs(SPECS, exist_ok=True)
    kept = []
    refused = {}
    for case in cases:
        with open(os.path.join(FIXTURES, case, "spec.json"), encoding="utf-8") as f:
            spec_text = f.read()
        missing = class_names(json.loads(spec_text)) - supported
        if missing:
            continue
        with tempfile.TemporaryDirectory() as out:
            result = subprocess.run([GENERATOR, "generate", os.path.join(FIXTURES, case, "spec.json"), "--output-directory", out],
                                    capture_output=True, text=True)
        if result.returncode != 0:
            refused[case] = result.stderr.strip().split("error: ", 1)[-1]
            continue
        with zipfile.ZipFile(os.path.join(FIXTURES, case, "arrays.npz")) as arrays:
            inputs = [n for n in arrays.namelist() if re.fullmatch(r"input(_\d+)?\.npy", n)]
        target = os.path.join(SPECS, f"layer_{case}.model.json")
        if not os.path.exists(target) or open(target, encoding="utf-8").read() != spec_text:
            with open(target, "w", encoding="utf-8") as f:
                f.write(spec_text)
        kept.append((case, len(inputs)))
    wanted = {f"layer_{case}.model.json" for case, _ in kept}
    for name in os.listdir(SPECS):
        if name not in wanted:
            os.remove(os.path.join(SPECS, name))
    lines = [
        "// Generated by tools/sync_layer_specs.py from Tests/Fixtures/layers/; do not edit.",
        "",
        "extension FixtureModel {",
        "    /// One model per layer fixture case whose layers are supported: InputLayer → the layer(s).",
        "    static let layers: [FixtureModel] = [",
    ]
    for case, count in kept:
        arguments = ", ".join(f"$1[{i}]" for i in range(max(count, 1)))
        lines.append(f'        .of({type_name(case)}.self, "layers/{case}") {{ $0({arguments}) }},')
    lines += ["    ]", "}", ""]
    with open(LIST, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    sync_applications(supported)
    with open(os.path.join(FIXTURES, "refused.json"), "w", encoding="utf-8") as f:
        json.dump(refused, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(kept)} of {len(cases)} layer cases synced, {len(refused)} refused by the generator")


if __name__ == "__main__":
    main()
