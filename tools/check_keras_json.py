"""Checks Keras JSON exported by the Swift side against Keras itself.

Usage::

    pip install keras jax
    KERAS_BACKEND=jax python tools/check_keras_json.py EXPORT_DIR

For every ``EXPORT_DIR/NAME.json`` (a string like ``model.to_json()``):

1. loads it with plain ``keras.models.model_from_json`` (with
   ``keras_hub>gelu_approximate`` and the ``Custom>...`` layers of
   ``tools/custom_layers.py`` registered), as a Keras user would;
2. loads the original ``Tests/ModelRuntimeTests/Specs/NAME.model.json`` the
   same way (the minimal hand-written specs, which lack a top-level
   ``"module"``, are loaded with ``Sequential`` passed as a custom object);
3. compares the two models' ``get_config()`` and reports the first differing
   key path;
4. sets the ``weights_NN.npy`` arrays of ``Tests/Fixtures/NAME/arrays.npz``
   (``fixture_common.load_weights``) on the model loaded from the export and
   compares its output on ``input.npy`` with ``output.npy`` within
   ``1e-4 * max(1, max|expected|)``. A multi-input or multi-output model
   has ``input_0.npy``, ``input_1.npy``, ... (``model.inputs`` order) and
   ``output_0.npy``, ... (``model.outputs`` order); the inputs are passed
   in the model's own input structure and every output is compared, each
   with its own tolerance.

Prints one line per model and a final ``N passed, M failed`` line; exits 1 on
any failure or when EXPORT_DIR holds no ``*.json`` file.
"""

import glob
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

sys.dont_write_bytecode = True  # keep tools/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import keras  # noqa: E402

import fixture_common as fc  # noqa: E402
import custom_layers  # noqa: E402,F401  (registers the Custom>... layers the custom-layer fixtures use)


CheckFailure = fc.CheckFailure


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def first_difference(expected, actual, path="config"):
    """The first place where ``actual`` differs from ``expected``, or None.

    Dict keys are compared in ``expected``'s order, then extra keys; tuples
    and lists are the same; ints and floats compare by value; bools do not
    equal numbers.
    """
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in expected:
            sub = f"{path}.{key}"
            if key not in actual:
                return f"{sub}: missing in export (spec has {expected[key]!r})"
            d = first_difference(expected[key], actual[key], sub)
            if d:
                return d
        for key in actual:
            if key not in expected:
                return f"{path}.{key}: not in spec (export has {actual[key]!r})"
        return None
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        for i, (e, a) in enumerate(zip(expected, actual)):
            d = first_difference(e, a, f"{path}[{i}]")
            if d:
                return d
        if len(expected) != len(actual):
            return f"{path}: length {len(actual)} in export, {len(expected)} in spec"
        return None
    if _is_number(expected) and _is_number(actual):
        if expected != actual:
            return f"{path}: spec {expected!r} != export {actual!r}"
        return None
    if type(expected) is not type(actual) or expected != actual:
        return f"{path}: spec {expected!r} != export {actual!r}"
    return None


def describe_path(model, path):
    """Adds the layer's class and name to a path into a Sequential or
    Functional model's get_config() (both have a top-level "layers" list)."""
    prefix = "config.layers["
    if path.startswith(prefix):
        index = int(path[len(prefix):path.index("]")])
        layers = model.get_config()["layers"]
        if index < len(layers):
            layer = layers[index]
            name = layer.get("config", {}).get("name")
            return f"{path} ({layer.get('class_name')} {name!r})"
    return path


def check(name, export_path):
    spec = fc.spec_path(name)
    if not os.path.exists(spec):
        raise CheckFailure(f"no spec {os.path.relpath(spec, fc.ROOT)}")

    with open(export_path) as f:
        text = f.read()
    keras.backend.clear_session()  # so auto-generated layer names match
    try:
        exported = fc.load_model_json(text, strict=True)
    except Exception as e:  # noqa: BLE001 - report whatever Keras raises
        hint = ""
        if "Could not locate class" in str(e):
            hint = ' (Keras 3 needs "module" to resolve a class by name)'
        raise CheckFailure(
            f"model_from_json rejects the export: {type(e).__name__}: "
            f"{str(e)[:300]}{hint}"
        )

    keras.backend.clear_session()
    original = fc.load_model_file(spec, strict=False)

    diff = first_difference(original.get_config(), exported.get_config())
    if diff:
        raise CheckFailure("config differs at " + describe_path(original, diff))

    weights = fc.load_weights(name)
    shapes = [tuple(w.shape) for w in exported.get_weights()]
    if not weights and shapes:
        raise CheckFailure(f"no weights in {os.path.relpath(fc.fixture_dir(name), fc.ROOT)}")
    if shapes != [tuple(w.shape) for w in weights]:
        raise CheckFailure(
            f"weight shapes {shapes} != fixture {[tuple(w.shape) for w in weights]}"
        )
    exported.set_weights(weights)
    # Adapted Normalization layers take new statistics only in finalize_state(), as
    # load_weights calls it (set_weights alone keeps the old ones in use).
    for layer in exported._flatten_layers(include_self=False):
        if isinstance(layer, keras.layers.Normalization):
            layer.finalize_state()

    inputs, expected = fc.load_inputs(name), fc.load_outputs(name)
    if not inputs or not expected:
        raise CheckFailure("no input(s) or output(s) arrays in "
                           f"{os.path.relpath(fc.fixture_dir(name), fc.ROOT)}")
    # A subclassed model (its class at the top) has no symbolic inputs: it takes one tensor.
    model_inputs = 1 if fc.is_subclassed(exported) else len(exported.inputs)
    if len(inputs) != model_inputs:
        raise CheckFailure(f"the export has {model_inputs} inputs, "
                           f"the fixture {len(inputs)}")
    actual = fc.call_model(exported, inputs)
    if len(actual) != len(expected):
        raise CheckFailure(f"the export gives {len(actual)} outputs, "
                           f"the fixture has {len(expected)}")
    worst = fc.compare_outputs(actual, expected)
    if len(expected) == 1:
        return f"config equal, output max |diff| {worst:.2g}"
    return f"config equal, {len(expected)} outputs, max |diff| {worst:.2g}"


def without_built_batch_size(config):
    """``config`` with the batch size of every ``build_config`` input shape set to None.
    ``adapt()`` builds a preprocessing layer on its data, so Keras records that data's batch
    size (64) in the layer's ``build_config``, and a Sequential model without an ``Input``
    built by a call records that call's batch size; the architecture does not depend on it."""
    if isinstance(config, dict):
        result = {key: without_built_batch_size(value) for key, value in config.items()}
        shape = result.get("build_config", {}).get("input_shape") if isinstance(result.get("build_config"), dict) else None
        if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], int):
            result["build_config"] = dict(result["build_config"], input_shape=[None] + list(shape[1:]))
        return result
    if isinstance(config, list):
        return [without_built_batch_size(item) for item in config]
    return config


def check_saved(name, export_path):
    """A model saved with ``model.save()``: ``Specs/NAME.keras`` (or a legacy Keras 2
    ``Specs/NAME.h5``, which Keras 3's ``load_model`` reads too) and ``Fixtures/NAME.json``.
    The export must load in Keras with the same config as the saved model, take its
    weights, and give the fixture's outputs."""
    archive = os.path.join(fc.SPECS_DIR, name + ".keras")
    if not os.path.exists(archive):
        archive = os.path.join(fc.SPECS_DIR, name + ".h5")
    with open(export_path) as f:
        text = f.read()
    keras.backend.clear_session()
    try:
        exported = fc.load_model_json(text, strict=True)
    except Exception as e:  # noqa: BLE001 - report whatever Keras raises
        raise CheckFailure(f"model_from_json rejects the export: {type(e).__name__}: {str(e)[:300]}")
    keras.backend.clear_session()
    original = keras.saving.load_model(archive)
    # Both sides: a model built on data (adapted, or a Sequential without an Input called on a
    # batch) keeps that batch size in its build_config, in the archive and in the export.
    diff = first_difference(without_built_batch_size(original.get_config()),
                            without_built_batch_size(exported.get_config()))
    if diff:
        raise CheckFailure("config differs at " + describe_path(original, diff))
    exported.set_weights(original.get_weights())
    for layer in exported._flatten_layers(include_self=False):
        if isinstance(layer, keras.layers.Normalization):
            layer.finalize_state()
    inputs, expected = fc.load_io_json(os.path.join(fc.FIXTURES_DIR, name + ".json"))
    actual = fc.call_model(exported, inputs)
    if len(actual) != len(expected):
        raise CheckFailure(f"the export gives {len(actual)} outputs, the fixture has {len(expected)}")
    worst = fc.compare_outputs(actual, expected)
    return f"config equal, {len(expected)} output(s), max |diff| {worst:.2g}"


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[0])
        print("usage: check_keras_json.py EXPORT_DIR")
        return 2
    export_dir = argv[1]
    paths = sorted(glob.glob(os.path.join(export_dir, "*.json")))
    if not paths:
        print(f"no *.json files in {export_dir}")
        return 1
    # Layer cases are exported as layers--CASE.json (a file name cannot hold their '/').
    names = [os.path.basename(path)[: -len(".json")].replace("--", "/") for path in paths]
    def checker(name, path):
        if name.startswith("saved/"):
            return lambda: check_saved(name[len("saved/"):], path)
        return lambda: check(name, path)

    return fc.run_checks((name, checker(name, path)) for name, path in zip(names, paths))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
