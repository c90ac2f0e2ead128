"""Shared helpers for the Keras fixture tools in this folder.

Importing this module selects the JAX backend unless ``KERAS_BACKEND`` is
already set, imports Keras, and registers ``keras_hub>gelu_approximate`` (the
same function KerasHub registers) so that JSON configs which refer to it can
be written and read without installing keras_hub.

Requirements: ``pip install keras jax`` (fixtures were made with keras 3.15.1).
Run with ``KERAS_BACKEND=jax``.
"""

import glob
import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import keras  # noqa: E402

# Repository layout -----------------------------------------------------------

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS_DIR)
SPECS_DIR = os.path.join(ROOT, "Tests", "ModelRuntimeTests", "Specs")
FIXTURES_DIR = os.path.join(ROOT, "Tests", "Fixtures")

SPEC_SUFFIX = ".model.json"


def spec_path(name):
    """Path of the spec JSON for fixture model ``name``."""
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
    minimal hand-written specs (which omit ``"module"``) load too. Layers
    without ``"module"`` are handled by Keras itself (legacy layer path).
    """
    custom_objects = None if strict else {"Sequential": keras.Sequential}
    return keras.models.model_from_json(text, custom_objects=custom_objects)


def load_model_file(path, strict=True):
    with open(path) as f:
        return load_model_json(f.read(), strict=strict)


# npy helpers ---------------------------------------------------------------------


def save_npy(path, array):
    """Saves ``array`` as little-endian float32 .npy (no pickle)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    array = np.ascontiguousarray(np.asarray(array, dtype="<f4"))
    np.save(path, array, allow_pickle=False)


def load_npy(path):
    return np.load(path, allow_pickle=False)


def weight_paths(name):
    """Sorted ``weights_NN.npy`` paths of fixture model ``name``."""
    return sorted(glob.glob(os.path.join(fixture_dir(name), "weights_*.npy")))


def load_weights(name):
    """The weights of fixture model ``name`` in ``model.get_weights()`` order."""
    return [load_npy(p) for p in weight_paths(name)]


def load_io(name):
    """``(input, expected_output)`` arrays of fixture model ``name``."""
    d = fixture_dir(name)
    return load_npy(os.path.join(d, "input.npy")), load_npy(
        os.path.join(d, "output.npy")
    )


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
