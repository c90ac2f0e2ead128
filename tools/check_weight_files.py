"""Checks weight files written by the Swift side against the Keras fixtures.

Usage::

    pip install keras jax safetensors
    KERAS_BACKEND=jax python tools/check_weight_files.py DIR

For every ``DIR/NAME.safetensors``, ``DIR/NAME.npz`` and ``DIR/NAME.weights.h5``
(NAME one of ``fixture_common.WEIGHT_FILE_MODELS``; other files in DIR are
ignored):

1. loads it with ``safetensors.numpy.load_file``, ``numpy.load``
   (``allow_pickle=False``) or h5py (every dataset by path);
2. checks that its keys are exactly those of the fixture's
   ``Tests/Fixtures/NAME/weights.safetensors`` / ``weights.npz`` (the HDF5
   dataset paths of Keras's ``save_weights``, e.g. ``layers/dense/vars/0``)
   and that every array has the fixture's dtype (float32), shape and values,
   exactly;
3. builds the model from ``Tests/ModelRuntimeTests/Specs/NAME.model.json``,
   assigns the arrays to ``model.weights`` in the order of the fixture's
   ``weight_paths.json``, and compares ``model(inputs)`` with the fixture's
   ``output*.npy`` within ``1e-4 * max(1, max|expected|)`` per output;
4. for ``.weights.h5``, also loads it with Keras's own ``model.load_weights``
   into a fresh model from the spec and compares that model's outputs too.

Prints one line per file and a final ``N passed, M failed`` line; exits 1 on
any failure or when DIR holds none of these files.
"""

import glob
import os
import sys
import zipfile

os.environ.setdefault("KERAS_BACKEND", "jax")

sys.dont_write_bytecode = True  # keep tools/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import safetensors.numpy  # noqa: E402
import keras  # noqa: E402

import fixture_common as fc  # noqa: E402

FORMATS = {  # extension -> fixture file
    ".safetensors": "weights.safetensors",
    ".npz": "weights.npz",
    ".weights.h5": "model.weights.h5",
}


CheckFailure = fc.CheckFailure


def load_arrays(path):
    """``{key: array}`` of a .safetensors, .npz or .weights.h5 file."""
    if path.endswith(".safetensors"):
        return safetensors.numpy.load_file(path)
    if path.endswith(".h5"):
        return fc.h5_datasets(path)
    with np.load(path, allow_pickle=False) as z:
        return {key: z[key] for key in z.files}


def compare_arrays(actual, expected):
    """Raises CheckFailure unless ``actual`` has exactly ``expected``'s keys,
    and every array its dtype, shape and values."""
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    if missing or extra:
        raise CheckFailure(f"keys differ: missing {missing[:5]}, unexpected {extra[:5]}"
                           + (" (more)" if len(missing) > 5 or len(extra) > 5 else ""))
    for key in sorted(expected):
        a, e = actual[key], expected[key]
        if not isinstance(a, np.ndarray):  # np.load gives bytes for a non-.npy member
            raise CheckFailure(f"{key}: not an array ({type(a).__name__})")
        if a.dtype != e.dtype:
            raise CheckFailure(f"{key}: dtype {a.dtype} != {e.dtype}")
        if a.shape != e.shape:
            raise CheckFailure(f"{key}: shape {a.shape} != {e.shape}")
        if not np.array_equal(a, e):
            diff = np.abs(a.astype(np.float64) - e)
            raise CheckFailure(f"{key}: {int(np.count_nonzero(a != e))} values differ "
                               f"(max |diff| {float(np.nanmax(diff)):.3g})")


def check_outputs(name, arrays):
    """Sets ``arrays`` on the spec's model by ``weight_paths.json`` order and
    compares its outputs with the fixture's; returns the worst |diff|."""
    keras.backend.clear_session()
    model = fc.load_model_file(fc.spec_path(name), strict=False)
    try:
        fc.assign_weights_by_path(model, arrays, fc.load_weight_paths(name))
    except ValueError as e:
        raise CheckFailure(f"cannot assign to model.weights: {e}")
    inputs, expected = fc.load_inputs(name), fc.load_outputs(name)
    actual = fc.call_model(model, inputs)
    if len(actual) != len(expected):
        raise CheckFailure(f"{len(actual)} outputs, the fixture has {len(expected)}")
    worst = fc.compare_outputs(actual, expected)
    return worst, len(expected)


def check(path):
    base = os.path.basename(path)
    ext = next(e for e in FORMATS if base.endswith(e))
    name = base[: -len(ext)]
    if name not in fc.WEIGHT_FILE_MODELS:
        raise CheckFailure(f"no weight-file fixture {name!r} (known: "
                           f"{', '.join(fc.WEIGHT_FILE_MODELS)})")
    try:
        arrays = load_arrays(path)
    except Exception as e:  # noqa: BLE001 - report whatever the reader raises
        raise CheckFailure(f"does not load: {type(e).__name__}: {str(e)[:200]}")
    expected = load_arrays(os.path.join(fc.fixture_dir(name), FORMATS[ext]))
    compare_arrays(arrays, expected)
    note = ""
    if ext == ".npz":
        with zipfile.ZipFile(path) as z:
            plain = [m for m in z.namelist() if not m.endswith(".npy")]
        if plain:  # numpy.load accepts them; numpy.savez would add ".npy"
            note = f"; {len(plain)} members without .npy (e.g. {plain[0]!r})"
    worst, count = check_outputs(name, arrays)
    if ext == ".weights.h5":
        keras.backend.clear_session()
        model = fc.load_model_file(fc.spec_path(name), strict=False)
        try:
            model.load_weights(path)
        except Exception as e:  # noqa: BLE001 - report whatever Keras raises
            raise CheckFailure(f"Keras's load_weights refuses it: {type(e).__name__}: {str(e)[:200]}")
        worst = max(worst, fc.compare_outputs(fc.call_model(model, fc.load_inputs(name)), fc.load_outputs(name)))
        note += "; Keras's load_weights reads it"
    outputs = "output" if count == 1 else f"{count} outputs"
    return (f"{len(arrays)} arrays equal to the fixture's, {outputs} max |diff| "
            f"{worst:.2g}{note}")


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[0])
        print("usage: check_weight_files.py DIR")
        return 2
    directory = argv[1]
    paths = sorted(p for ext in FORMATS for p in glob.glob(os.path.join(directory, "*" + ext)))
    if not paths:
        print(f"no *.safetensors, *.npz or *.weights.h5 files in {directory}")
        return 1
    return fc.run_checks((os.path.basename(path), lambda path=path: check(path)) for path in paths)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
