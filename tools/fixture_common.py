"""Shared helpers for the Keras fixture tools in this folder.

Importing this module selects the JAX backend unless ``KERAS_BACKEND`` is
already set, imports Keras, and registers ``keras_hub>gelu_approximate`` (the
same function KerasHub registers) so that JSON configs which refer to it can
be written and read without installing keras_hub.

Requirements: ``pip install keras jax h5py`` (fixtures were made with keras 3.15.1).
Run with ``KERAS_BACKEND=jax``.
"""

import io
import json
import os
import tempfile
import zipfile

os.environ.setdefault("KERAS_BACKEND", "jax")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402

# Repository layout -----------------------------------------------------------

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS_DIR)
SPECS_DIR = os.path.join(ROOT, "Tests", "ModelRuntimeTests", "Specs")
FIXTURES_DIR = os.path.join(ROOT, "Tests", "Fixtures")

SPEC_SUFFIX = ".model.json"


def spec_path(name):
    """Path of the spec JSON for fixture model ``name`` (layer cases, ``layers/CASE``, live in
    ``Specs/layers/layer_CASE.model.json``; see tools/sync_layer_specs.py)."""
    if name.startswith("layers/"):
        return os.path.join(SPECS_DIR, "layers", "layer_" + name[len("layers/"):] + SPEC_SUFFIX)
    return os.path.join(SPECS_DIR, name + SPEC_SUFFIX)


def fixture_dir(name):
    """Folder holding input/output/weights for fixture model ``name``."""
    return os.path.join(FIXTURES_DIR, name)


# KerasHub's approximate GELU ---------------------------------------------------


@keras.saving.register_keras_serializable(
    package="keras_hub", name="gelu_approximate"
)
def gelu_approximate(x):
    """tanh-approximated GELU, registered as ``keras_hub>gelu_approximate``."""
    return keras.activations.gelu(x, approximate=True)


# Loading model JSON ------------------------------------------------------------


def load_model_json(text, strict=True):
    """Builds a Keras model from a JSON config string.

    With ``strict=True`` this is plain ``keras.models.model_from_json`` (with
    ``gelu_approximate`` registered), i.e. exactly what a Keras user would
    call. Keras 3 cannot resolve a top-level object without a ``"module"``
    key by plain ``model_from_json``; ``strict=False`` additionally maps the
    bare class name ``"Sequential"`` to ``keras.Sequential`` so that the
    minimal hand-written specs (which omit ``"module"``) load too, and the
    bare class name ``"Functional"`` to ``keras.Model`` (which builds a
    Functional model from a Functional config) for the hand-written Keras 2
    style Functional spec. Layers without ``"module"`` are handled by Keras
    itself (legacy layer path).
    """
    custom_objects = (
        None
        if strict
        else {"Sequential": keras.Sequential, "Functional": keras.Model}
    )
    return keras.models.model_from_json(text, custom_objects=custom_objects)


def load_model_file(path, strict=True):
    with open(path) as f:
        return load_model_json(f.read(), strict=strict)


# Arrays ------------------------------------------------------------------------------

# A fixture folder keeps its arrays in one file, ``arrays.npz``: a NumPy .npz
# (a zip of .npy members, what ``numpy.savez`` writes, readable with
# ``numpy.load``) whose member ``NAME.npy`` is what ``numpy.save`` would write
# to a file ``NAME.npy``. One file instead of a file per array keeps
# ``Tests/Fixtures`` small on disk (every file takes at least one 4 KiB
# block). The members are, in this order: ``input.npy`` (or ``input_0.npy``,
# ``input_1.npy``, ... in ``model.inputs`` order), ``output.npy`` (or
# ``output_N.npy`` in ``model.outputs`` order), ``weights_00.npy``,
# ``weights_01.npy``, ... in ``model.get_weights()`` order, then the folder's
# other arrays (``logits.npy``, ``variant_output.npy``, the activations'
# ``NAME.npy`` by name). N is not zero-padded, so inputs and outputs are
# ordered by the number, not by name.

ARRAYS_FILE = "arrays.npz"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # every member's date, so that a rerun writes the same bytes


def f4(array):
    """``array`` as little-endian float32 in C order."""
    # np.asarray(order="C"), not np.ascontiguousarray: the latter turns a scalar into shape (1,).
    return np.asarray(array, dtype="<f4", order="C")


def save_npy(path, array):
    """Saves ``array`` as little-endian float32 .npy (no pickle)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, f4(array), allow_pickle=False)


def load_npy(path):
    return np.load(path, allow_pickle=False)


def save_arrays(folder, arrays):
    """Writes ``folder/arrays.npz``: one stored (uncompressed) member
    ``NAME.npy`` per ``(NAME, array)`` of ``arrays`` (a list of pairs or a
    dict), in that order, each array stored as given (no pickle; pass float
    arrays through ``f4``). This is the zip ``numpy.savez`` writes, except
    that every member is dated 1980-01-01, so the file depends only on the
    arrays."""
    os.makedirs(folder, exist_ok=True)
    items = list(arrays.items()) if isinstance(arrays, dict) else list(arrays)
    names = [name for name, _ in items]
    assert len(set(names)) == len(names), f"duplicate array names in {names}"
    with zipfile.ZipFile(os.path.join(folder, ARRAYS_FILE), "w", zipfile.ZIP_STORED) as z:
        for name, array in items:
            buffer = io.BytesIO()
            np.save(buffer, np.asarray(array), allow_pickle=False)
            z.writestr(zipfile.ZipInfo(name + ".npy", date_time=ZIP_DATE), buffer.getvalue())


def add_arrays(folder, arrays):
    """Appends ``arrays`` (as for ``save_arrays``) to ``folder/arrays.npz``."""
    with np.load(os.path.join(folder, ARRAYS_FILE), allow_pickle=False) as z:
        existing = [(key, z[key]) for key in z.files]
    items = list(arrays.items()) if isinstance(arrays, dict) else list(arrays)
    save_arrays(folder, existing + items)


def load_arrays(name):
    """``{NAME: array}`` of fixture folder ``name`` (``quick_start``,
    ``layers/conv1d_valid``): the members ``NAME.npy`` of its ``arrays.npz``,
    in file order."""
    with np.load(os.path.join(fixture_dir(name), ARRAYS_FILE), allow_pickle=False) as z:
        return {key: z[key] for key in z.files}


def load_array(path):
    """The array ``FOLDER/NAME.npy`` (relative to ``Tests/Fixtures``, e.g.
    ``quick_start/weights_00.npy``): member ``NAME.npy`` of ``FOLDER/arrays.npz``."""
    folder, file = os.path.split(path)
    assert file.endswith(".npy"), path
    return load_arrays(folder)[file[:-4]]


def io_names(kind, count):
    """Array names for ``count`` arrays of ``kind`` ("input" or "output")."""
    if count == 1:
        return [kind]
    return [f"{kind}_{i}" for i in range(count)]


def io_arrays(arrays, kind, where=""):
    """The ``kind`` or ``kind_N`` arrays of ``arrays`` (``load_arrays``), in
    order (N ascending)."""
    numbered = {int(key[len(kind) + 1:]): a for key, a in arrays.items()
                if key.startswith(kind + "_") and key[len(kind) + 1:].isdigit()}
    if kind in arrays and numbered:
        raise ValueError(f"{where} has both {kind} and {kind}_N arrays")
    if kind in arrays:
        return [arrays[kind]]
    if sorted(numbered) != list(range(len(numbered))):
        raise ValueError(f"{where}: {kind}_N arrays are not numbered 0, 1, ...")
    return [numbered[i] for i in range(len(numbered))]


def load_weights(name):
    """The weights of fixture model ``name`` in ``model.get_weights()`` order."""
    arrays = load_arrays(name)
    return [arrays[key] for key in sorted(arrays) if key.startswith("weights_")]


def load_inputs(name):
    """The input arrays of fixture model ``name`` (a list, in model.inputs order)."""
    return io_arrays(load_arrays(name), "input", fixture_dir(name))


def load_outputs(name):
    """The expected output arrays of fixture model ``name`` (a list, in
    model.outputs order)."""
    return io_arrays(load_arrays(name), "output", fixture_dir(name))


def is_subclassed(model):
    """Whether ``model`` is a subclassed model (neither Sequential nor Functional)."""
    return not isinstance(model, keras.Sequential) and type(model).__name__ != "Functional"


def call_model(model, inputs):
    """``model(inputs, training=False)`` with ``inputs`` (a list of arrays in
    ``model.inputs`` order) packed into the model's own input structure;
    returns the outputs as a list of float32 arrays in ``model.outputs`` order."""
    inputs = list(inputs)
    if isinstance(model, keras.Sequential) or is_subclassed(model):
        if len(inputs) != 1:
            raise ValueError(f"a Sequential model takes 1 input, got {len(inputs)}")
        packed = inputs[0]
    else:  # Functional: model.input is the structure it was built with
        packed = keras.tree.pack_sequence_as(model.input, inputs)
    outputs = model(packed, training=False)
    return [np.asarray(y, dtype=np.float32) for y in keras.tree.flatten(outputs)]


def jsonable(value):
    """JSON-safe copy: tuples to lists, numpy scalars to Python numbers."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    return value


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


# Weight files keyed by Keras object path -------------------------------------------

# Fixture models that also have ``model.weights.h5`` (Keras's
# ``save_weights``), ``weights.safetensors``, ``weights.npz`` and
# ``weight_paths.json``, all keyed by the HDF5 dataset path Keras writes
# (``layers/dense/vars/0``, ``layers/functional/layers/dense/vars/1``, ...).
WEIGHT_FILE_MODELS = [
    "quick_start",
    "residual_block",
    "two_inputs_two_outputs",
    "siamese",
    "nested_two_levels",
    "nested_outputs",
    "merge_layers",
]

WEIGHT_PATHS_FILE = "weight_paths.json"


def load_weight_paths(name):
    """``[(path, shape), ...]`` of fixture model ``name`` from its
    ``weight_paths.json``: the dataset path of every weight, in
    ``model.get_weights()`` order, and its shape as a tuple."""
    with open(os.path.join(fixture_dir(name), WEIGHT_PATHS_FILE)) as f:
        entries = json.load(f)
    return [(path, tuple(shape)) for path, shape in entries]


def assign_weights_by_path(model, arrays, paths):
    """Sets ``model.weights[i]`` to ``arrays[paths[i][0]]`` (``arrays`` maps
    path -> array, ``paths`` as returned by ``load_weight_paths``). Raises
    ``ValueError`` on a count, key or shape mismatch."""
    if len(paths) != len(model.weights):
        raise ValueError(f"the model has {len(model.weights)} weights, "
                         f"{WEIGHT_PATHS_FILE} lists {len(paths)}")
    for variable, (path, shape) in zip(model.weights, paths):
        if path not in arrays:
            raise ValueError(f"no array {path!r}")
        value = np.asarray(arrays[path])
        if tuple(variable.shape) != shape or value.shape != shape:
            raise ValueError(f"{path}: array shape {value.shape}, variable "
                             f"{variable.path} {tuple(variable.shape)}, listed {shape}")
        variable.assign(value)


def h5_datasets(path):
    """``{dataset path without the leading '/': array}`` of an HDF5 file, in
    h5py's visit order (sorted by name within each group)."""
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            out[name] = obj[()]

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return out


def match_weight_paths(model, datasets, h5_path):
    """The dataset path of each ``model.weights[i]``, found twice: by value
    (the one dataset with the same shape and exactly equal values; the
    weights are random, so this must be unique), and by markers (every
    weight set to the constant i + 1, saved again, each dataset's constant
    read back). Both must give the same 1:1 map, and each dataset's ``vars``
    group must carry the owning layer's name (the last scope of the
    variable's path) as its ``name`` attribute."""
    values = model.get_weights()
    by_value = []
    for i, w in enumerate(values):
        hits = [p for p, a in datasets.items()
                if a.shape == w.shape and np.array_equal(a, w)]
        assert len(hits) == 1, f"weight {i} ({model.weights[i].path}) matches {hits}"
        by_value.append(hits[0])
    assert sorted(by_value) == sorted(datasets), (
        f"weights and datasets are not 1:1: {by_value} vs {list(datasets)}")

    with tempfile.TemporaryDirectory() as tmp:
        for i, variable in enumerate(model.weights):
            variable.assign(np.full(variable.shape, i + 1, dtype=np.float32))
        marked = os.path.join(tmp, "marked.weights.h5")
        model.save_weights(marked)
        model.set_weights(values)
        by_marker = [None] * len(values)
        for p, a in h5_datasets(marked).items():
            marks = np.unique(a)
            assert marks.size == 1 and by_marker[int(marks[0]) - 1] is None, p
            by_marker[int(marks[0]) - 1] = p
    assert by_marker == by_value, f"by marker {by_marker} != by value {by_value}"

    with h5py.File(h5_path, "r") as f:
        for variable, p in zip(model.weights, by_value):
            # The owning layer's name: the last scope of the variable's path
            # (sublayers built inside a layer, e.g. an RNN's cell or a
            # MultiHeadAttention's EinsumDense, have "outer/inner/kernel").
            owner = variable.path.rsplit("/", 1)[0].rsplit("/", 1)[-1]
            assert f[p].parent.attrs["name"] == owner, (p, variable.path)
    return by_value


class CheckFailure(Exception):
    """A check found a difference; its message says which."""


def run_checks(items):
    """Runs `check()` for each `(label, check)`, printing PASS/FAIL lines and the closing
    `N passed, M failed` line; returns the exit status (1 on any failure)."""
    passed = failed = 0
    for label, check in items:
        try:
            detail = check()
        except CheckFailure as e:
            failed += 1
            print(f"FAIL {label}: {e}")
        except Exception as e:  # noqa: BLE001 - one bad file must not stop the run
            failed += 1
            print(f"FAIL {label}: {type(e).__name__}: {str(e)[:300]}")
        else:
            passed += 1
            print(f"PASS {label}: {detail}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def compare_outputs(actual, expected):
    """Checks each output against Keras's within 1e-4 * max(1, max|expected|); returns the
    largest difference or raises CheckFailure naming the output."""
    worst = 0.0
    for i, (a, e) in enumerate(zip(actual, expected)):
        which = "output" if len(expected) == 1 else f"output {i}"
        if a.shape != e.shape:
            raise CheckFailure(f"{which} shape {a.shape} != expected {e.shape}")
        error = float(np.max(np.abs(a.astype(np.float64) - e)))
        tolerance = 1e-4 * max(1.0, float(np.max(np.abs(e))))
        if not error <= tolerance:
            raise CheckFailure(f"{which} max |diff| {error:.3g} > tolerance {tolerance:.3g}")
        worst = max(worst, error)
    return worst


# Inputs and outputs in one JSON file -------------------------------------------------


def _flat(array):
    """Row-major values of ``array``: ints for integer and bool arrays, floats (exact float32
    values, which JSON's shortest repr of the float64 keeps) otherwise."""
    array = np.asarray(array)
    if array.dtype.kind in "iub":
        return [int(v) for v in array.reshape(-1)]
    return [float(v) for v in array.astype(np.float32).reshape(-1)]


def write_io_json(path, model, inputs, outputs, output_names=None, extra=None):
    """Writes ``{"inputs": [...], "outputs": [...]}`` (plus ``extra``) to ``path``: each
    input ``{"name", "shape", "dtype", "data"}`` in ``model.inputs`` order, each output
    ``{"name", "shape", "data"}`` in ``model.outputs`` order; data row-major. One small file
    instead of an ``.npy`` per tensor."""
    names = output_names or [t.name for t in model.outputs]
    document = dict(extra or {})
    document["inputs"] = [
        {"name": t.name, "shape": list(np.shape(x)), "dtype": str(np.asarray(x).dtype), "data": _flat(x)}
        for t, x in zip(model.inputs, inputs)
    ]
    document["outputs"] = [
        {"name": name, "shape": list(np.shape(y)), "data": _flat(y)} for name, y in zip(names, outputs)
    ]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")


def load_io_json(path):
    """The inputs (with their dtypes) and outputs (float32) of a ``write_io_json`` file."""
    with open(path) as f:
        document = json.load(f)
    inputs = [np.asarray(i["data"], dtype=i["dtype"]).reshape(i["shape"]) for i in document["inputs"]]
    outputs = [np.asarray(o["data"], dtype=np.float32).reshape(o["shape"]) for o in document["outputs"]]
    return inputs, outputs
