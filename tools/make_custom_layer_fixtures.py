"""Makes the Keras fixtures of the custom-layer tests and of Examples/CustomLayers.

The layers are the Python classes in tools/custom_layers.py, registered under the package
``Custom``; their Swift twins live in Examples/CustomLayers/Sources/CustomLayers/Layers.swift
(the test target links the same file). Run::

    pip install keras jax h5py   # made with keras 3.15.1
    KERAS_BACKEND=jax python tools/make_custom_layer_fixtures.py

It writes, deterministically:

* ``Tests/ModelRuntimeTests/Specs/custom_{sequential,functional}.model.json``: Keras's
  ``model.to_json(indent=2)``;
* ``Tests/Fixtures/custom_*/arrays.npz`` (``input.npy``, ``output.npy``, ``weights_NN.npy``;
  ``fixture_common.save_arrays``), ``model.weights.h5`` (Keras's
  ``save_weights``, whose paths for the sublayers of ``ResidualDense`` are ``inner/vars/0``...)
  and ``weight_paths.json`` (``[path, shape]`` in ``get_weights()`` order);
* ``Tests/ModelRuntimeTests/Specs/subclassed_model.model.json`` and ``Tests/Fixtures/subclassed_model/``:
  the subclassed model ``ScaledMLP`` (its spec is the class's own config at the top level), with
  the same files and its ``model.keras``;
* ``Examples/CustomLayers/Sources/CustomLayers/channel_net.keras`` (``model.save``),
  ``input.npy`` and ``keras_output.npy``.

Every model is loaded back from its JSON and from its files before anything is written, and
must give the same output.
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import keras  # noqa: E402

import fixture_common as fc  # noqa: E402
from custom_layers import ChannelScale, Linear, ResidualDense, ScaledMLP  # noqa: E402

EXAMPLE_DIR = os.path.join(fc.ROOT, "Examples", "CustomLayers", "Sources", "CustomLayers")


def custom_sequential():
    return keras.Sequential([
        keras.Input((6,)),
        Linear(8, name="linear"),
        ChannelScale(0.5, name="scale"),
        ResidualDense(5, name="residual"),
        keras.layers.Dense(3, activation="tanh", name="head"),
    ], name="custom_sequential")


def custom_functional():
    tokens = keras.Input((5, 6), name="tokens")
    scaled = ChannelScale(2.0, name="scale")(tokens)
    projected = Linear(4, use_bias=False, name="project")(scaled)
    skip = keras.layers.Dense(4, name="skip")(tokens)
    total = keras.layers.Add(name="add")([projected, skip])
    block = ResidualDense(3, name="block")(total)
    return keras.Model(tokens, block, name="custom_functional")


def channel_net():
    return keras.Sequential([
        keras.Input((4,)),
        Linear(8, name="linear"),
        ChannelScale(1.0, name="scale"),
        ResidualDense(6, name="residual"),
        keras.layers.Dense(3, activation="softmax", name="classes"),
    ], name="channel_net")


def randomize(model, rng):
    """Non-trivial weights: every weight drawn, ChannelScale's gamma away from its start."""
    model.set_weights([rng.normal(0.0, 0.6, w.shape).astype(np.float32) for w in model.get_weights()])


def check_reload(model, x, y):
    """The model's JSON and weights give the same output in a fresh Keras model."""
    again = keras.models.model_from_json(model.to_json())
    again.set_weights(model.get_weights())
    assert np.allclose(np.asarray(again(x, training=False)), y, atol=1e-6), model.name
    assert json.loads(again.to_json()) == json.loads(model.to_json()), model.name


def write_files(name, model, x, y):
    """The spec, ``arrays.npz`` (input, output, weights), ``model.weights.h5`` and ``weight_paths.json`` of
    ``name``; returns the path of the ``.weights.h5``."""
    assert np.all(np.isfinite(y)) and float(y.std()) > 1e-3, name
    with open(fc.spec_path(name), "w") as f:
        f.write(model.to_json(indent=2) + "\n")
    d = fc.fixture_dir(name)
    fc.save_arrays(d, [("input", fc.f4(x)), ("output", fc.f4(y))]
                   + [(f"weights_{i:02d}", fc.f4(w)) for i, w in enumerate(model.get_weights())])
    h5 = os.path.join(d, "model.weights.h5")
    model.save_weights(h5)
    datasets = fc.h5_datasets(h5)
    paths = fc.match_weight_paths(model, datasets, h5)
    fc.write_json(os.path.join(d, fc.WEIGHT_PATHS_FILE), [[p, list(datasets[p].shape)] for p in paths])
    print(f"  {name}: x{list(x.shape)} -> y{list(y.shape)}, paths {paths}")
    return h5


def check_loads(name, h5, loaded, x, y):
    """A model Keras loaded from our files, given the saved weights, gives the same output."""
    if not loaded.weights:
        loaded(x)  # a subclassed model builds on its first call
    loaded.load_weights(h5)
    assert np.allclose(np.asarray(loaded(x, training=False)), y, atol=1e-6), name


def write_test_fixture(name, model, input_shape, seed):
    rng = np.random.default_rng(seed)
    randomize(model, rng)
    x = rng.normal(0.0, 1.0, input_shape).astype(np.float32)
    y = np.asarray(model(x, training=False), dtype=np.float32)
    check_reload(model, x, y)
    h5 = write_files(name, model, x, y)
    check_loads(name, h5, keras.models.model_from_json(model.to_json()), x, y)


def write_subclassed_fixture():
    """A subclassed model saved whole: its spec is the class's own config at the top level."""
    name = "subclassed_model"
    model = ScaledMLP(hidden=7, classes=3, name="scaled_mlp")
    rng = np.random.default_rng(13)
    x = rng.normal(0.0, 1.0, (4, 6)).astype(np.float32)
    model(x)  # builds it; build_config then records the input shape
    randomize(model, rng)
    y = np.asarray(model(x, training=False), dtype=np.float32)
    h5 = write_files(name, model, x, y)
    archive = os.path.join(fc.fixture_dir(name), "model.keras")
    model.save(archive)
    for loaded in (keras.saving.load_model(archive), keras.models.model_from_json(model.to_json())):
        check_loads(name, h5, loaded, x, y)


def write_example():
    model = channel_net()
    rng = np.random.default_rng(7)
    randomize(model, rng)
    x = rng.normal(0.0, 1.0, (5, 4)).astype(np.float32)
    y = np.asarray(model(x, training=False), dtype=np.float32)
    check_reload(model, x, y)
    os.makedirs(EXAMPLE_DIR, exist_ok=True)
    path = os.path.join(EXAMPLE_DIR, "channel_net.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert np.allclose(np.asarray(loaded(x, training=False)), y, atol=1e-6)
    fc.save_npy(os.path.join(EXAMPLE_DIR, "input.npy"), x)
    fc.save_npy(os.path.join(EXAMPLE_DIR, "keras_output.npy"), y)
    print(f"  example channel_net.keras: x{list(x.shape)} -> y{list(y.shape)}")


def main():
    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    keras.utils.set_random_seed(0)
    print("Custom layer fixtures:")
    write_test_fixture("custom_sequential", custom_sequential(), (4, 6), seed=11)
    write_test_fixture("custom_functional", custom_functional(), (3, 5, 6), seed=12)
    write_subclassed_fixture()
    write_example()


if __name__ == "__main__":
    main()
