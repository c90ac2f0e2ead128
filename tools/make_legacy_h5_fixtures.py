"""Legacy full-model `.h5` files written by real tf.keras 2.x: fixtures for the Swift tests.

A Keras 2 user saves a model with `model.save("m.h5")`: an HDF5 file whose root group holds
the architecture as JSON in its `model_config` attribute (beside `keras_version` and
`backend`), and the weights in a `model_weights` group; a compiled model adds
`training_config` and an `optimizer_weights` group. The build plugin takes such a file as a
spec and the generated type loads its weights from it.

For each NAME, writes:
- `Tests/ModelRuntimeTests/Specs/NAME.h5` from tf.keras's `model.save(path)`;
- `Tests/Fixtures/NAME.json`: the inputs and tf.keras's outputs
  (`model(inputs, training=False)`, the format of `fixture_common.write_io_json`).

`keras2_sequential`: Input (6,) -> Dense 8 relu -> BatchNormalization -> Dropout 0.25 ->
Dense 3 softmax, compiled with Adam and fitted for two epochs on random data, so the file
also has `training_config` and `optimizer_weights`, as a trained model's file does.

`keras2_functional`: two inputs and two branches: `numbers` (6,) -> Dense 8 relu, and
`series` (5, 3) -> Conv1D 4 (kernel 3, relu) -> GlobalAveragePooling1D; Concatenate ->
Dense `score` (2) and, from the first branch, Dense `gate` (1, sigmoid). Not compiled.

Also writes three small files with h5py into `Tests/Fixtures/legacy_h5/`, root attributes
only (no weights), for the generator's tests:
- `fixed_length_config.h5`: `keras2_sequential.h5`'s `model_config`, `keras_version` and
  `backend` as fixed-length strings, as Keras 2 with h5py 2 wrote them (h5py 3 writes
  Keras 2's `json.dumps(...).encode("utf8")` as a variable-length ASCII string);
- `malformed_config.h5`: a `model_config` cut off in the middle of the JSON;
- `numeric_config.h5`: a `model_config` of three numbers instead of a string.

Needs TensorFlow 2.x with its own Keras 2 (not Keras 3), in a venv of its own:

    python3 -m venv /work/tfvenv
    /work/tfvenv/bin/pip install "tensorflow-cpu==2.15.1"   # tf.keras is Keras 2.15.0
    /work/tfvenv/bin/python tools/make_legacy_h5_fixtures.py

(with TensorFlow 2.16 or later, `pip install tf-keras` and run with `TF_USE_LEGACY_KERAS=1`).
The script refuses Keras 3. It loads each file back with tf.keras's `load_model` and checks the
outputs, and checks the file layout the Swift reader relies on. Deterministic (fixed seeds):
a rerun with the same versions (TensorFlow 2.15.1, h5py 3.16) rewrites every file byte for
byte. Run tools/verify_keras_json.sh afterwards: the generated types' `kerasJSON()` must
load in Keras 3 with the config Keras 3's `load_model` reads from the same `.h5`.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.dont_write_bytecode = True  # keep tools/ free of __pycache__

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

keras = tf.keras
# The package tf.keras's layers come from: keras (TF <= 2.15), tf_keras, or Keras 3.
KERAS_VERSION = sys.modules[keras.layers.Dense.__module__.split(".")[0]].__version__
if not KERAS_VERSION.startswith("2."):
    sys.exit(f"tf.keras is Keras {KERAS_VERSION}; this script needs Keras 2 "
             "(TensorFlow <= 2.15, or tf-keras with TF_USE_LEGACY_KERAS=1)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPECS_DIR = os.path.join(ROOT, "Tests", "ModelRuntimeTests", "Specs")
FIXTURES_DIR = os.path.join(ROOT, "Tests", "Fixtures")


def flat(array):
    array = np.asarray(array)
    if array.dtype.kind in "iub":
        return [int(v) for v in array.reshape(-1)]
    return [float(v) for v in array.astype(np.float32).reshape(-1)]


def write_io_json(path, model, inputs, outputs):
    """Same format as fixture_common.write_io_json (which imports Keras 3, so is not used
    here): inputs in ``model.inputs`` order, outputs in ``model.outputs`` order."""
    document = {
        "inputs": [{"name": t.name.split(":")[0], "shape": list(np.shape(x)), "dtype": str(np.asarray(x).dtype),
                    "data": flat(x)} for t, x in zip(model.inputs, inputs)],
        "outputs": [{"name": name, "shape": list(np.shape(y)), "data": flat(y)}
                    for name, y in zip(model.output_names, outputs)],
    }
    with open(path, "w") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")


def call(model, inputs):
    outputs = model(inputs if len(inputs) > 1 else inputs[0], training=False)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return [np.asarray(y, dtype=np.float32) for y in outputs]


def randomize(model, rng):
    """Random weights (not the initializers'), so every weight matters; a BatchNormalization's
    moving variance stays positive."""
    model.set_weights([rng.uniform(0.2, 1.5, w.shape).astype("float32") if "variance" in v.name
                       else rng.normal(0, 0.6, w.shape).astype("float32")
                       for v, w in zip(model.weights, model.get_weights())])


def sequential(rng):
    model = keras.Sequential([
        keras.Input((6,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(3, activation="softmax"),
    ])
    randomize(model, rng)
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    x = rng.normal(size=(32, 6)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 32)]
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    return model, [rng.normal(size=(4, 6)).astype("float32")]


def functional(rng):
    numbers = keras.Input((6,), name="numbers")
    series = keras.Input((5, 3), name="series")
    a = keras.layers.Dense(8, activation="relu")(numbers)
    b = keras.layers.Conv1D(4, 3, activation="relu")(series)
    b = keras.layers.GlobalAveragePooling1D()(b)
    joined = keras.layers.Concatenate()([a, b])
    score = keras.layers.Dense(2, name="score")(joined)
    gate = keras.layers.Dense(1, activation="sigmoid", name="gate")(a)
    model = keras.Model([numbers, series], [score, gate])
    randomize(model, rng)
    return model, [rng.normal(size=(3, 6)).astype("float32"), rng.normal(size=(3, 5, 3)).astype("float32")]


def check_layout(path, compiled):
    """What the Swift reader relies on, as tf.keras 2.x and h5py wrote it."""
    with h5py.File(path, "r") as f:
        expected = {"backend", "keras_version", "model_config"} | ({"training_config"} if compiled else set())
        assert set(f.attrs) == expected, set(f.attrs)
        config = json.loads(f.attrs["model_config"])
        assert f.attrs["keras_version"].startswith("2."), f.attrs["keras_version"]
        assert "model_weights" in f and ("optimizer_weights" in f) == compiled, list(f)
        kinds = {name: h5py.h5t.check_string_dtype(f.attrs.get_id(name).dtype) for name in f.attrs}
        return config, {name: ("vlen" if info.length is None else f"fixed {info.length}") + f" {info.encoding}"
                        for name, info in kinds.items()}


def write_small_files(config_text):
    """The files of `Tests/Fixtures/legacy_h5/` (see the module docstring)."""
    folder = os.path.join(FIXTURES_DIR, "legacy_h5")
    os.makedirs(folder, exist_ok=True)
    config = config_text.encode("utf8")
    cut = config[:config.index(b'"layers"') + 40]
    for name, model_config in [("fixed_length_config.h5", np.bytes_(config)),
                               ("malformed_config.h5", np.bytes_(cut)),
                               ("numeric_config.h5", np.array([1.0, 2.0, 3.0], dtype="<f4"))]:
        path = os.path.join(folder, name)
        with h5py.File(path, "w") as f:
            f.attrs["backend"] = np.bytes_(b"tensorflow")
            f.attrs["keras_version"] = np.bytes_(KERAS_VERSION.encode())
            f.attrs["model_config"] = model_config
        with h5py.File(path, "r") as f:
            info = h5py.h5t.check_string_dtype(f.attrs.get_id("model_config").dtype)
            assert (info is None) == (name == "numeric_config.h5") and (info is None or info.length is not None), name
        print(f"legacy_h5/{name}: {os.path.getsize(path)} bytes")


def main():
    tf.keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)
    for name, build, compiled in [("keras2_sequential", sequential, True), ("keras2_functional", functional, False)]:
        keras.backend.clear_session()
        model, inputs = build(rng)
        outputs = call(model, inputs)
        path = os.path.join(SPECS_DIR, name + ".h5")
        if os.path.exists(path):
            os.remove(path)
        model.save(path)
        config, kinds = check_layout(path, compiled)
        reloaded = keras.models.load_model(path)
        for mine, theirs in zip(call(reloaded, inputs), outputs):
            assert np.array_equal(mine, theirs), name
        write_io_json(os.path.join(FIXTURES_DIR, name + ".json"), model, inputs, outputs)
        if name == "keras2_sequential":
            with h5py.File(path, "r") as f:
                write_small_files(f.attrs["model_config"])
        print(f"{name}.h5: {os.path.getsize(path)} bytes, {config['class_name']}, Keras {KERAS_VERSION}, "
              f"root attributes {kinds}; outputs {[o.shape for o in outputs]}")


if __name__ == "__main__":
    main()
