"""Makes the Keras-generated test fixtures of swift-model-generator.

Keras is the oracle: every spec JSON, weight, output, activation value and
initializer statistic written here comes from Keras itself.

Setup and run (from anywhere; paths are relative to this file)::

    pip install keras jax safetensors   # made with keras 3.15.1, jax 0.10
    KERAS_BACKEND=jax python tools/make_fixtures.py

The script is deterministic (fixed numpy seeds and fixed initializer seeds)
and re-runnable; it overwrites what it wrote before. It writes:

* ``Tests/ModelRuntimeTests/Specs/NAME.model.json``: ``model.to_json(indent=2)``
  for the Keras-made models (the hand-written specs are written verbatim).
* ``Tests/Fixtures/NAME/arrays.npz`` (``fixture_common.save_arrays``: one
  zip of ``.npy`` members) with ``input.npy``, ``output.npy`` and
  ``weights_NN.npy``: float32 arrays; weights in ``model.get_weights()``
  order, output = ``model(x, training=False)``. Functional models with
  several inputs/outputs have ``input_N.npy`` / ``output_N.npy`` (N = 0, 1,
  ... in ``model.inputs`` / ``model.outputs`` order) instead of
  ``input.npy`` / ``output.npy``.
* Functional extras: ``merge_layers/broadcasting.json``,
  ``nested_two_levels/clone_model.json``, ``dropout_after_dense/variant.json``
  and ``variant_output.npy`` (in its ``arrays.npz``), ``new_input_shape/{batch2,features12,
  weight_shapes}.json`` and ``error.txt``, ``keras2_inbound_nodes/keras.json``
  (see tools/README.md).
* ``Tests/Fixtures/hand_written*/keras.json``: Keras's full ``to_json`` of the
  model it loads from a minimal hand-written spec.
* Weight files (section E) for ``fixture_common.WEIGHT_FILE_MODELS``:
  ``Tests/Fixtures/NAME/model.weights.h5`` (Keras's ``save_weights``), its
  datasets keyed by HDF5 path in ``weights.safetensors`` and ``weights.npz``,
  ``weight_paths.json`` (``[path, shape]`` in ``get_weights()`` order).
  ``make_weight_file_fixtures.py`` (run after this script) writes the
  ``.keras`` archives, legacy ``.h5`` files and HDF5 layout variants.
* ``Tests/Fixtures/activations/arrays.npz``: ``input.npy`` and one
  ``NAME.npy`` per activation (by name): activation kernels.
* ``Tests/Fixtures/initializers.json``: statistics of initializer draws.

The initializer draws depend on the backend's random number generator, so the
script refuses to run on any backend but JAX.
"""

import json
import os
import shutil
import sys
import zipfile

os.environ.setdefault("KERAS_BACKEND", "jax")

sys.dont_write_bytecode = True  # keep tools/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import safetensors.numpy  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

import fixture_common as fc  # noqa: E402
from fixture_common import gelu_approximate  # noqa: E402

if keras.backend.backend() != "jax":
    sys.exit("make_fixtures.py must run with KERAS_BACKEND=jax")

# Every activation name the Swift side must support, plus KerasHub's
# registered approximate GELU.
ACTIVATION_NAMES = [
    "linear", "relu", "relu6", "leaky_relu", "elu", "selu", "gelu",
    "sigmoid", "hard_sigmoid", "hard_silu", "hard_swish", "silu", "swish",
    "mish", "tanh", "softmax", "log_softmax", "softplus", "softsign",
    "exponential", "celu", "hard_tanh", "hard_shrink", "soft_shrink",
    "log_sigmoid", "sparse_plus", "squareplus", "tanh_shrink",
    "sparse_sigmoid", "sparsemax",
]
GELU_APPROXIMATE = "gelu_approximate"
ALL_ACTIVATIONS = ACTIVATION_NAMES + [GELU_APPROXIMATE]


def act(name):
    """What to pass as ``activation=`` for ``name``."""
    return gelu_approximate if name == GELU_APPROXIMATE else name


def activation_fn(name):
    return gelu_approximate if name == GELU_APPROXIMATE else keras.activations.get(name)


# Keras 3.15.1's sparsemax is wrong on every backend whenever more than one
# logit is in the support: it computes tau from the sum of the cumulative sums
# over the support instead of the k-th cumulative sum (keras-team/keras#23425,
# fixed on master by #23469, not released as of 3.15.1). The activation
# kernel fixture therefore uses this reference (Martins & Astudillo 2016,
# Algorithm 1), and the model fixtures only feed sparsemax rows whose support
# has size 1, where Keras 3.15.1 and the reference agree (checked below).
def reference_sparsemax(x):
    """Sparsemax along the last axis, in float64."""
    z = np.asarray(x, dtype=np.float64)
    z_sorted = -np.sort(-z, axis=-1)
    cumsum = np.cumsum(z_sorted, axis=-1)
    k = np.arange(1, z.shape[-1] + 1)
    in_support = 1.0 + k * z_sorted > cumsum
    support_size = in_support.sum(axis=-1, keepdims=True)
    tau = (np.take_along_axis(cumsum, support_size - 1, axis=-1) - 1.0) / support_size
    return np.maximum(z - tau, 0.0), support_size[..., 0]


# ----------------------------------------------------------------------------
# A. Sequential model fixtures
# ----------------------------------------------------------------------------


# Activation names as passed to block() (Keras itself resolves "swish" to silu
# and "hard_swish" to hard_silu, so the layers cannot tell them apart).
USED_BY_DENSE, USED_BY_ACTIVATION = set(), set()


def block(units, dense_act, layer_act, **dense_kwargs):
    """Dense(units, activation=dense_act) followed by Activation(layer_act)."""
    USED_BY_DENSE.add(dense_act)
    USED_BY_ACTIVATION.add(layer_act)
    return [
        layers.Dense(units, activation=act(dense_act), **dense_kwargs),
        layers.Activation(act(layer_act)),
    ]


def quick_start():
    # The example from the Keras documentation.
    return keras.Sequential(
        [
            keras.Input(shape=(728,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ],
        name="classifier",
    )


# Each block is Dense(activation=A) -> Activation(B). Dense activations with
# non-negative outputs are followed by activations that are interesting on
# non-negative inputs; signed ones by piecewise/thresholded activations.
def activations_1():
    return keras.Sequential(
        [keras.Input(shape=(8,))]
        + block(12, "linear", "relu", use_bias=False)
        + block(10, "relu", "tanh")
        + [layers.Dropout(0.5)]
        + block(10, "leaky_relu", "relu6")
        + block(9, "relu6", "linear")
        + block(9, "elu", "leaky_relu")
        + block(8, "sigmoid", "exponential")
        + block(8, "selu", "elu")
        + block(6, "hard_sigmoid", "softmax"),
        name="activations_1",
    )


def activations_2():
    return keras.Sequential(
        [keras.Input(shape=(6,))]
        + block(
            10,
            "gelu",
            "selu",
            kernel_initializer=keras.initializers.HeNormal(seed=3),
            bias_initializer=keras.initializers.Constant(0.25),
        )
        + block(10, "softmax", "log_sigmoid")
        + block(9, "hard_swish", "hard_sigmoid")
        + [layers.Dropout(0.25, seed=1337)]
        + block(9, "softplus", "sigmoid")
        + block(8, "silu", "hard_silu")
        + block(8, "exponential", "sparsemax")
        + block(7, "swish", "hard_swish"),
        name="activations_2",
    )


def activations_3():
    return keras.Sequential(
        [keras.Input(shape=(7,))]
        + block(11, "mish", "silu")
        + block(10, "sparse_plus", "log_softmax")
        + block(10, "tanh", "hard_shrink")
        + [layers.Dropout(0.1, noise_shape=(None, 1))]
        + block(9, "squareplus", "softsign")
        + block(9, "log_softmax", "swish")
        + block(8, "sparse_sigmoid", "softplus")
        + block(8, "celu", "mish"),
        name="activations_3",
    )


def activations_4():
    return keras.Sequential(
        [keras.Input(shape=(9,))]
        + block(10, "sparsemax", "squareplus")
        + block(12, "hard_tanh", "celu")
        + block(10, "hard_shrink", "soft_shrink")
        + [layers.Dropout(0.75)]
        + block(9, "soft_shrink", "tanh_shrink")
        + block(9, "log_sigmoid", "sparse_plus")
        + block(8, "tanh_shrink", "hard_tanh")
        + block(6, "softsign", "sparse_sigmoid"),
        name="activations_4",
    )


def activations_gelu_approximate():
    return keras.Sequential(
        [keras.Input(shape=(6,))]
        + block(8, GELU_APPROXIMATE, "gelu")
        + block(8, "hard_silu", GELU_APPROXIMATE)
        + [layers.Dense(3)],
        name="activations_gelu_approximate",
    )


def params(seed, batch, input_scale=1.5, gain=1.5, bias_std=0.3, gains=None):
    """How to fill a fixture: numpy seed, batch size, input ~ N(0, input_scale^2),
    kernels ~ N(0, gain^2/fan_in) (per-layer overrides in ``gains``, keyed by
    layer name), biases ~ N(0, bias_std^2)."""
    return dict(seed=seed, batch=batch, input_scale=input_scale, gain=gain,
                bias_std=bias_std, gains=gains or {})


# name -> (builder, fill parameters)
KERAS_MODELS = {
    "quick_start": (quick_start, params(100, 4, input_scale=1.0)),
    "activations_1": (activations_1, params(101, 5)),
    # dense_5 (exponential) feeds sparsemax: a larger gain keeps its support at 1.
    "activations_2": (activations_2, params(102, 4, gains={"dense_5": 4.0})),
    "activations_3": (activations_3, params(103, 5)),
    # dense (sparsemax) gets a large gain so that every row has support size 1.
    "activations_4": (activations_4, params(108, 4, gain=1.8, gains={"dense": 6.0})),
    "activations_gelu_approximate": (activations_gelu_approximate, params(105, 3)),
}

# The design's minimal hand-written spec, verbatim.
HAND_WRITTEN = {
    "class_name": "Sequential",
    "config": {
        "name": "classifier",
        "layers": [
            {"class_name": "InputLayer", "config": {"batch_shape": [None, 728]}},
            {"class_name": "Dense", "config": {"units": 32, "activation": "relu"}},
            {"class_name": "Dense", "config": {"units": 1, "activation": "sigmoid"}},
        ],
    },
}

# InputLayer with "shape" (no batch_shape), a string initializer, an
# Activation layer. Keras accepts "shape" and writes it back as batch_shape.
HAND_WRITTEN_SHAPE = {
    "class_name": "Sequential",
    "config": {
        "name": "hand_written_shape",
        "layers": [
            {"class_name": "InputLayer", "config": {"shape": [5]}},
            {
                "class_name": "Dense",
                "config": {"units": 7, "kernel_initializer": "he_normal"},
            },
            {"class_name": "Activation", "config": {"activation": "tanh"}},
        ],
    },
}

# Keras writes "swish" as "silu" and "hard_swish" as "hard_silu", so the
# alias names only ever reach a spec by hand.
HAND_WRITTEN_ALIASES = {
    "class_name": "Sequential",
    "config": {
        "name": "hand_written_aliases",
        "layers": [
            {"class_name": "InputLayer", "config": {"batch_shape": [None, 6]}},
            {"class_name": "Dense", "config": {"units": 8, "activation": "swish"}},
            {"class_name": "Activation", "config": {"activation": "hard_swish"}},
            {"class_name": "Dense", "config": {"units": 4, "activation": "hard_swish"}},
            {"class_name": "Activation", "config": {"activation": "swish"}},
        ],
    },
}

# name -> (spec dict, fill parameters)
HAND_WRITTEN_MODELS = {
    "hand_written": (HAND_WRITTEN, params(200, 4, input_scale=1.0)),
    "hand_written_shape": (HAND_WRITTEN_SHAPE, params(201, 3, input_scale=1.0)),
    "hand_written_aliases": (HAND_WRITTEN_ALIASES, params(202, 4)),
}


def random_weights(model, rng, gain, bias_std, gains=None):
    """Random values for ``model.get_weights()``: kernels N(0, g^2/fan_in)
    with g = gains.get(layer name, gain), biases N(0, bias_std^2) (non-zero)."""
    gains = gains or {}
    values = []
    for layer in model.layers:
        for w in layer.get_weights():
            if w.ndim == 1:
                values.append(rng.normal(0.0, bias_std, w.shape))
            else:
                fan_in = int(np.prod(w.shape[:-1]))
                g = gains.get(layer.name, gain)
                values.append(rng.normal(0.0, g / np.sqrt(fan_in), w.shape))
    assert [v.shape for v in values] == [w.shape for w in model.get_weights()]
    return [v.astype(np.float32) for v in values]


def check_layer_outputs(name, model, x):
    """Asserts every layer's inference output is finite and not constant."""
    h = keras.ops.convert_to_tensor(x)
    report = []
    for layer in model.layers:
        h_in = np.asarray(h, dtype=np.float64)
        h = layer(h, training=False)
        a = np.asarray(h, dtype=np.float64)
        if getattr(layer, "activation", None) is keras.activations.sparsemax:
            pre = h_in
            if isinstance(layer, layers.Dense):
                kernel, bias = layer.get_weights()
                pre = h_in @ kernel + bias
            expected, support = reference_sparsemax(pre)
            assert np.all(support == 1) and np.allclose(a, expected, atol=1e-6), (
                f"{name}/{layer.name}: sparsemax support sizes {support}; "
                "Keras 3.15.1 is only right for size 1")
        std = float(a.std())
        report.append(f"{layer.name}:{std:.3g}")
        assert np.all(np.isfinite(a)), f"{name}/{layer.name}: non-finite output"
        assert std > 1e-3, f"{name}/{layer.name}: output std {std} <= 1e-3"
        assert np.abs(a).max() < 1e4, f"{name}/{layer.name}: output too large"
    return report


def write_model_fixture(name, model, p):
    rng = np.random.default_rng(p["seed"])
    model.set_weights(random_weights(model, rng, p["gain"], p["bias_std"], p["gains"]))
    n_in = model.inputs[0].shape[-1]
    x = (rng.normal(0.0, p["input_scale"], (p["batch"], n_in))).astype(np.float32)
    stds = check_layer_outputs(name, model, x)
    y = np.asarray(model(x, training=False), dtype=np.float32)
    assert np.all(np.isfinite(y))

    weights = model.get_weights()
    fc.save_arrays(fc.fixture_dir(name), [("input", fc.f4(x)), ("output", fc.f4(y))]
                   + [(f"weights_{i:02d}", fc.f4(w)) for i, w in enumerate(weights)])
    print(f"  {name}: x{list(x.shape)} -> y{list(y.shape)}, {len(weights)} weights; "
          f"layer stds {' '.join(stds)}")


def layer_summary(model):
    out = []
    for layer in model.layers:
        c = layer.get_config()
        if isinstance(layer, layers.Dense):
            a = keras.activations.serialize(layer.activation)
            extra = "" if c["use_bias"] else ", use_bias=False"
            if c["kernel_initializer"]["class_name"] != "GlorotUniform":
                extra += f", kernel_initializer={c['kernel_initializer']['class_name']}"
            if c["bias_initializer"]["class_name"] != "Zeros":
                extra += f", bias_initializer={c['bias_initializer']['class_name']}"
            out.append(f"Dense({c['units']}, {a if isinstance(a, str) else a['config']}{extra})")
        elif isinstance(layer, layers.Activation):
            a = keras.activations.serialize(layer.activation)
            out.append(f"Activation({a if isinstance(a, str) else a['config']})")
        elif isinstance(layer, layers.Dropout):
            out.append(f"Dropout({c['rate']}, seed={c['seed']}, noise_shape={c['noise_shape']})")
        else:
            out.append(type(layer).__name__)
    return out


def make_keras_models():
    print("Keras-made models:")
    for name, (builder, p) in KERAS_MODELS.items():
        keras.backend.clear_session()  # layer names restart at dense, dense_1, ...
        model = builder()
        with open(fc.spec_path(name), "w") as f:
            f.write(model.to_json(indent=2) + "\n")
        write_model_fixture(name, model, p)
        print("    " + " -> ".join(layer_summary(model)))


def check_activation_coverage():
    missing_dense = set(ALL_ACTIVATIONS) - USED_BY_DENSE
    missing_layer = set(ALL_ACTIVATIONS) - USED_BY_ACTIVATION
    assert not missing_dense, f"activations never used by a Dense: {missing_dense}"
    assert not missing_layer, f"activations never used by an Activation: {missing_layer}"
    print(f"  every one of the {len(ALL_ACTIVATIONS)} activation names is used by a "
          "Dense and by an Activation layer")


def check_gelu_approximate_json():
    spec = fc.spec_path("activations_gelu_approximate")
    with open(spec) as f:
        cfg = json.load(f)
    forms = [l["config"]["activation"] for l in cfg["config"]["layers"]
             if isinstance(l["config"].get("activation"), dict)]
    assert forms, "no registered activation in activations_gelu_approximate"
    keras.backend.clear_session()
    loaded = fc.load_model_file(spec, strict=True)
    got = [l.activation for l in loaded.layers if hasattr(l, "activation")]
    assert got[0] is gelu_approximate and got[3] is gelu_approximate, got
    print("  gelu_approximate is written as " + json.dumps(forms[0]) +
          "; model_from_json restores the registered function")


def make_hand_written_models():
    print("Hand-written specs:")
    for name, (spec, p) in HAND_WRITTEN_MODELS.items():
        text = json.dumps(spec, indent=2) + "\n"
        with open(fc.spec_path(name), "w") as f:
            f.write(text)
        keras.backend.clear_session()
        try:
            fc.load_model_json(text, strict=True)
            strict = "loads"
        except TypeError:
            strict = "does NOT load (no top-level \"module\")"
        keras.backend.clear_session()
        model = fc.load_model_json(text, strict=False)
        os.makedirs(fc.fixture_dir(name), exist_ok=True)
        with open(os.path.join(fc.fixture_dir(name), "keras.json"), "w") as f:
            f.write(model.to_json(indent=2) + "\n")
        print(f"  {name}: plain model_from_json {strict}")
        write_model_fixture(name, model, p)
        print("    " + " -> ".join(layer_summary(model)))


# ----------------------------------------------------------------------------
# B. Activation kernels
# ----------------------------------------------------------------------------


def make_activation_kernels():
    rng = np.random.default_rng(300)
    x = np.empty((4, 50), dtype=np.float32)
    x[0] = np.linspace(-6.0, 6.0, 50, dtype=np.float32)
    x[1:] = (rng.normal(size=(3, 50)) * 3.0).astype(np.float32)
    d = os.path.join(fc.FIXTURES_DIR, "activations")
    if os.path.isdir(d):
        shutil.rmtree(d)
    outputs = {}
    for name in ALL_ACTIVATIONS:
        # softmax, log_softmax and sparsemax act along the last axis (default).
        y = np.asarray(activation_fn(name)(keras.ops.convert_to_tensor(x)), dtype=np.float32)
        assert y.shape == x.shape and np.all(np.isfinite(y)), name
        if name == "sparsemax":
            keras_y = y
            y, support = reference_sparsemax(x)
            y = y.astype(np.float32)
            agree = np.isclose(keras_y, y, atol=1e-6).all(axis=-1)
            print(f"  sparsemax: written from the reference; support sizes per row "
                  f"{support.tolist()}; Keras {keras.__version__} agrees on rows "
                  f"{np.flatnonzero(agree).tolist()}")
            assert np.allclose(y.sum(axis=-1), 1.0, atol=1e-5)
        outputs[name] = fc.f4(y)
    fc.save_arrays(d, [("input", fc.f4(x))] + sorted(outputs.items()))
    print(f"Activation kernels: {len(ALL_ACTIVATIONS)} arrays over input {list(x.shape)}")


# ----------------------------------------------------------------------------
# C. Initializer statistics
# ----------------------------------------------------------------------------

DENSE_SHAPE = [200, 300]
CONV_SHAPE = [3, 3, 16, 32]


def initializer_cases():
    I = keras.initializers
    variance_scaling = [
        I.GlorotUniform(seed=1),
        I.GlorotNormal(seed=1),
        I.HeUniform(seed=1),
        I.HeNormal(seed=1),
        I.LecunUniform(seed=1),
        I.LecunNormal(seed=1),
        I.VarianceScaling(seed=1),  # scale 1, fan_in, truncated_normal
        I.VarianceScaling(scale=2.0, mode="fan_out", distribution="untruncated_normal", seed=1),
        I.VarianceScaling(scale=0.5, mode="fan_avg", distribution="uniform", seed=1),
        I.VarianceScaling(scale=3.0, mode="fan_in", distribution="uniform", seed=1),
        # (1.5 with fan_avg on the conv shape would equal LecunNormal exactly.)
        I.VarianceScaling(scale=1.2, mode="fan_avg", distribution="truncated_normal", seed=1),
        # "normal" is an alias Keras stores as "truncated_normal".
        I.VarianceScaling(scale=0.7, mode="fan_out", distribution="normal", seed=1),
    ]
    cases = []
    for init in variance_scaling:
        cases.append((init, DENSE_SHAPE))
        cases.append((init, CONV_SHAPE))
    cases += [
        (I.RandomNormal(mean=0.5, stddev=2, seed=1), DENSE_SHAPE),
        (I.RandomUniform(minval=-0.3, maxval=0.7, seed=1), DENSE_SHAPE),
        (I.TruncatedNormal(mean=-1, stddev=0.5, seed=1), DENSE_SHAPE),
        (I.Orthogonal(gain=1.5, seed=1), [300, 200]),
        (I.Orthogonal(gain=1.5, seed=1), [200, 300]),
        (I.Identity(gain=2.0), [30, 40]),
        (I.Identity(), [30, 40]),
        (I.Zeros(), DENSE_SHAPE),
        (I.Ones(), DENSE_SHAPE),
        (I.Constant(0.7), DENSE_SHAPE),
    ]
    return cases


def make_initializer_stats():
    entries = []
    for init, shape in initializer_cases():
        w = np.asarray(init(shape=tuple(shape), dtype="float32"))
        assert list(w.shape) == shape
        a = w.astype(np.float64)
        entry = {
            "initializer": keras.initializers.serialize(init),
            "shape": shape,
            "count": int(a.size),
            "mean": float(a.mean()),
            "variance": float(a.var()),  # population variance (ddof=0)
            "min": float(a.min()),
            "max": float(a.max()),
        }
        if isinstance(init, keras.initializers.Orthogonal):
            m = a.reshape(-1, shape[-1])
            gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
            eye = np.eye(gram.shape[0]) * init.gain ** 2
            entry["gram_max_error"] = float(np.abs(gram - eye).max())
        if isinstance(init, keras.initializers.Identity):
            # Keras 3.15's Identity.get_config() returns {} and so drops gain;
            # record a non-default gain that produced these statistics.
            if "gain" not in entry["initializer"]["config"] and init.gain != 1.0:
                entry["initializer"]["config"]["gain"] = float(init.gain)
                entry["note"] = ("keras.initializers.serialize writes config {} for "
                                 "Identity (gain is lost); gain added here")
        entries.append(entry)
    fc.write_json(os.path.join(fc.FIXTURES_DIR, "initializers.json"), entries)
    print(f"Initializer statistics: {len(entries)} entries")


# ----------------------------------------------------------------------------
# D. Functional model fixtures
# ----------------------------------------------------------------------------
#
# Same conventions as section A, plus: a model with several inputs (outputs)
# gets input_0.npy, input_1.npy, ... in model.inputs order (output_N.npy in
# model.outputs order); a model with one keeps input.npy / output.npy.


def residual_block():
    x = keras.Input(shape=(8,))
    h = layers.Dense(8, activation="relu")(x)
    h = layers.Dense(8)(h)
    y = layers.Add()([x, h])
    y = layers.Activation("relu")(y)
    return keras.Model(x, y, name="residual_block")


def two_inputs_two_outputs():
    features = keras.Input(shape=(6,), name="features")
    context = keras.Input(shape=(4,), name="context")
    f = layers.Dense(5, activation="relu", name="features_dense")(features)
    c = layers.Dense(3, activation="tanh", name="context_dense")(context)
    h = layers.Concatenate()([f, c])
    class_out = layers.Dense(3, activation="softmax", name="class_out")(h)
    value_out = layers.Dense(1, name="value_out")(h)
    return keras.Model(inputs=[features, context], outputs=[class_out, value_out],
                       name="two_inputs_two_outputs")


def merge_layers():
    # a, b, c: (None, 4); s: (None, 1); p: (None, 2, 4); q: (None, 3, 4).
    a = keras.Input(shape=(4,), name="a")
    b = keras.Input(shape=(4,), name="b")
    c = keras.Input(shape=(4,), name="c")
    s = keras.Input(shape=(1,), name="s")
    p = keras.Input(shape=(2, 4), name="p")
    q = keras.Input(shape=(3, 4), name="q")
    proj = layers.Dense(4, name="proj")(a)  # a layer output feeding merges
    outputs = [
        layers.Add(name="add_two")([proj, b]),
        layers.Add(name="add_three")([a, b, c]),
        layers.Subtract(name="subtract")([proj, c]),
        layers.Multiply(name="multiply_two")([proj, b]),
        layers.Multiply(name="multiply_three")([a, b, c]),
        layers.Average(name="average_two")([proj, c]),
        layers.Average(name="average_three")([a, b, c]),
        layers.Maximum(name="maximum_two")([proj, b]),
        layers.Maximum(name="maximum_three")([a, b, c]),
        layers.Minimum(name="minimum_two")([proj, c]),
        layers.Minimum(name="minimum_three")([a, b, c]),
        layers.Concatenate(axis=1, name="concat_axis1")([p, q]),  # (None, 5, 4)
        layers.Concatenate(axis=-1, name="concat_last")([proj, s, b]),  # (None, 9)
        layers.Dot(axes=1, name="dot_axes1")([proj, b]),  # (None, 1)
        layers.Dot(axes=-1, normalize=True, name="dot_normalized")([a, c]),  # cosine
        layers.Dot(axes=(2, 2), name="dot_axes_pair")([p, q]),  # (None, 2, 3)
        # Broadcasting: a size-1 axis, and a lower-rank input (Keras expands
        # it at axis 1 until the ranks match, then broadcasts).
        layers.Add(name="add_broadcast")([a, s]),  # (None, 4) + (None, 1)
        layers.Multiply(name="multiply_rank_broadcast")([q, a]),  # (None, 3, 4) * (None, 4)
    ]
    return keras.Model(inputs=[a, b, c, s, p, q], outputs=outputs, name="merge_layers")


def siamese():
    e_in = keras.Input(shape=(5,))
    e = layers.Dense(4, activation="tanh")(e_in)
    e = layers.Dense(3)(e)
    encoder = keras.Model(e_in, e, name="encoder")
    left = keras.Input(shape=(5,), name="left")
    right = keras.Input(shape=(5,), name="right")
    diff = layers.Subtract()([encoder(left), encoder(right)])
    y = layers.Dense(1, activation="sigmoid")(diff)
    return keras.Model(inputs=[left, right], outputs=y, name="siamese")


def nested_two_levels():
    i = keras.Input(shape=(4,))
    inner = keras.Model(i, layers.Dense(4, activation="relu", name="inner_dense")(i),
                        name="inner")
    i = keras.Input(shape=(4,))
    middle = keras.Model(i, layers.Dense(4, name="middle_dense")(inner(i)), name="middle")
    i = keras.Input(shape=(4,))
    return keras.Model(i, layers.Dense(2, name="outer_dense")(middle(i)),
                       name="nested_two_levels")


def nested_sequential():
    seq_block = keras.Sequential(
        [keras.Input(shape=(4,)), layers.Dense(3, activation="tanh")], name="seq_block")
    x = keras.Input(shape=(4,))
    h = layers.Dense(4, activation="relu", name="pre")(x)
    h = seq_block(h)
    return keras.Model(x, layers.Dense(2, name="post")(h), name="nested_sequential")


def nested_outputs():
    # Nested models' outputs used directly as model outputs, where
    # output_layers gives a nested Functional's node index one higher than
    # inbound_nodes does (see the README); a shared Functional called twice
    # and a Sequential called once.
    e_in = keras.Input(shape=(4,))
    encoder = keras.Model(e_in, layers.Dense(3, activation="tanh", name="enc_dense")(e_in),
                          name="encoder")
    seq_block = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)], name="seq_block")
    a = keras.Input(shape=(4,), name="a")
    b = keras.Input(shape=(4,), name="b")
    ea, eb = encoder(a), encoder(b)
    total = layers.Add(name="sum")([ea, eb])
    return keras.Model(inputs=[a, b], outputs=[ea, eb, seq_block(a), total],
                       name="nested_outputs")


def dropout_after_dense():
    x = keras.Input(shape=(6,))
    h = layers.Dense(8, activation="relu", name="dense_a")(x)
    h = layers.Dense(8, activation="relu", name="dense_b")(h)
    return keras.Model(x, layers.Dense(2, name="head")(h), name="dropout_after_dense")


def new_input_shape():
    x = keras.Input(shape=(8,))
    h = layers.Dense(5, activation="relu")(x)
    return keras.Model(x, layers.Dense(3)(h), name="new_input_shape")


# A small Input(3) -> Dense(2) model written the way Keras 2 (tf.keras)
# wrote Functional JSON: no "module"/"registered_name", the legacy
# "batch_input_shape", and inbound_nodes as lists of
# [layer_name, node_index, tensor_index, kwargs] per call, input_layers and
# output_layers as lists of [layer_name, node_index, tensor_index].
KERAS2_INBOUND_NODES = {
    "class_name": "Functional",
    "config": {
        "name": "keras2_inbound_nodes",
        "trainable": True,
        "layers": [
            {
                "class_name": "InputLayer",
                "config": {
                    "batch_input_shape": [None, 3],
                    "dtype": "float32",
                    "sparse": False,
                    "ragged": False,
                    "name": "input_1",
                },
                "name": "input_1",
                "inbound_nodes": [],
            },
            {
                "class_name": "Dense",
                "config": {
                    "name": "dense",
                    "trainable": True,
                    "dtype": "float32",
                    "units": 2,
                    "activation": "tanh",
                    "use_bias": True,
                    "kernel_initializer": {"class_name": "GlorotUniform",
                                           "config": {"seed": None}},
                    "bias_initializer": {"class_name": "Zeros", "config": {}},
                    "kernel_regularizer": None,
                    "bias_regularizer": None,
                    "activity_regularizer": None,
                    "kernel_constraint": None,
                    "bias_constraint": None,
                },
                "name": "dense",
                "inbound_nodes": [[["input_1", 0, 0, {}]]],
            },
        ],
        "input_layers": [["input_1", 0, 0]],
        "output_layers": [["dense", 0, 0]],
    },
    "keras_version": "2.12.0",
    "backend": "tensorflow",
}


def keras2_inbound_nodes():
    text = json.dumps(KERAS2_INBOUND_NODES, indent=2) + "\n"
    with open(fc.spec_path("keras2_inbound_nodes"), "w") as f:
        f.write(text)
    keras.backend.clear_session()
    try:
        fc.load_model_json(text, strict=True)
        strict = "loads"
    except TypeError as e:
        strict = f"does NOT load ({str(e).splitlines()[0][:60]}...)"
    keras.backend.clear_session()
    model = fc.load_model_json(text, strict=False)
    with open(os.path.join(fc.fixture_dir("keras2_inbound_nodes"), "keras.json"), "w") as f:
        f.write(model.to_json(indent=2) + "\n")
    cfg = model.get_config()
    print(f"  keras2_inbound_nodes: plain model_from_json {strict}; with "
          "custom_objects={'Functional': keras.Model} it loads; Keras writes it back "
          f"with input_layers={cfg['input_layers']} output_layers={cfg['output_layers']}")
    return model


def io_arrays(model, rng, batch, scale):
    """One random float32 array per model input, in model.inputs order."""
    return [rng.normal(0.0, scale, (batch,) + tuple(t.shape[1:])).astype(np.float32)
            for t in model.inputs]


def check_node_outputs(name, model, xs):
    """Runs ``model``'s graph on ``xs`` node by node and asserts that every
    node's output (a nested model counts as one node) is finite, not constant
    and not huge. Uses the private Functional._run_through_graph (Keras 3.15)."""
    report = []

    def operation_fn(op):
        def call(*args, **kwargs):
            y = op(*args, **kwargs)
            for t in keras.tree.flatten(y):
                a = np.asarray(t, dtype=np.float64)
                std = float(a.std())
                report.append(f"{op.name}:{std:.3g}")
                assert np.all(np.isfinite(a)), f"{name}/{op.name}: non-finite output"
                assert std > 1e-3, f"{name}/{op.name}: output std {std} <= 1e-3"
                assert np.abs(a).max() < 1e4, f"{name}/{op.name}: output too large"
            return y
        return call

    outputs = model._run_through_graph(
        [keras.ops.convert_to_tensor(x) for x in xs], operation_fn=operation_fn)
    return report, [np.asarray(y, dtype=np.float32) for y in keras.tree.flatten(outputs)]


def write_functional_fixture(name, model, p):
    """Random weights, random inputs; writes input(s), output(s) and weights.
    Returns ``(inputs, outputs)`` as lists of arrays."""
    rng = np.random.default_rng(p["seed"])
    model.set_weights(random_weights(model, rng, p["gain"], p["bias_std"], p["gains"]))
    xs = io_arrays(model, rng, p["batch"], p["input_scale"])
    stds, by_node = check_node_outputs(name, model, xs)
    ys = fc.call_model(model, xs)
    assert len(ys) == len(model.outputs)
    for y, y_node in zip(ys, by_node):
        assert np.all(np.isfinite(y)) and np.array_equal(y, y_node)

    weights = model.get_weights()
    fc.save_arrays(fc.fixture_dir(name), list(zip(fc.io_names("input", len(xs)), map(fc.f4, xs)))
                   + list(zip(fc.io_names("output", len(ys)), map(fc.f4, ys)))
                   + [(f"weights_{i:02d}", fc.f4(w)) for i, w in enumerate(weights)])
    print(f"  {name}: inputs {[list(x.shape) for x in xs]} -> outputs "
          f"{[list(y.shape) for y in ys]}, {len(weights)} weights")
    print(f"    node stds {' '.join(stds)}")
    return xs, ys


def check_round_trip(name, xs, ys):
    """The written spec loads with model_from_json and, with the fixture
    weights, gives the fixture outputs."""
    keras.backend.clear_session()
    loaded = fc.load_model_file(fc.spec_path(name), strict=False)
    loaded.set_weights(fc.load_weights(name))
    got = fc.call_model(loaded, xs)
    assert len(got) == len(ys), name
    for g, y in zip(got, ys):
        assert g.shape == y.shape and np.allclose(g, y, atol=1e-6), name


def layer_paths(model, prefix=""):
    """``(path, layer)`` for every layer of ``model``, walking nested models."""
    out = []
    for layer in model.layers:
        path = prefix + layer.name
        out.append((path, layer))
        if isinstance(layer, keras.Model):
            out += layer_paths(layer, path + "/")
    return out


def record_clone_model(model):
    """clone_model(model, recursive=False/True) with a sharing clone_function
    that records the layers it receives; classifies every layer of the clone
    (walking nested models) as the original object or a new one."""
    original_ids = {id(layer) for _, layer in layer_paths(model)}
    result = {}
    for recursive in (False, True):
        calls = []

        def clone_function(layer):
            calls.append([layer.name, type(layer).__name__])
            return layer

        clone = keras.models.clone_model(model, clone_function=clone_function,
                                         recursive=recursive)
        same, new, inputs = [], [], []
        for path, layer in layer_paths(clone):
            (same if id(layer) in original_ids else new).append(path)
            if isinstance(layer, layers.InputLayer):
                inputs.append({"path": path, "batch_shape": list(layer.batch_shape),
                               "same_object": id(layer) in original_ids})
        result[f"recursive_{str(recursive).lower()}"] = {
            "calls": calls,
            "same_objects": same,
            "new_objects": new,
            "input_layers": inputs,
        }
        print(f"  clone_model(recursive={recursive}): clone_function got {calls}; "
              f"same {same}; new {new}")
    # Name paths of the original, for comparing with the clone's.
    result["original_layers"] = [path for path, _ in layer_paths(model)]
    return result


def nested_two_levels_extras(model, xs, ys):
    fc.write_json(os.path.join(fc.fixture_dir("nested_two_levels"), "clone_model.json"),
                  record_clone_model(model))


def dropout_call_function(layer, *args, **kwargs):
    # Keras's clone_model docstring example: a Dropout after every Dense.
    out = layer(*args, **kwargs)
    if isinstance(layer, keras.layers.Dense):
        out = keras.layers.Dropout(0.5)(out)
    return out


def dropout_after_dense_extras(model, xs, ys):
    d = fc.fixture_dir("dropout_after_dense")
    variant = keras.models.clone_model(model, clone_function=lambda layer: layer,
                                       call_function=dropout_call_function)
    with open(os.path.join(d, "variant.json"), "w") as f:
        f.write(variant.to_json(indent=2) + "\n")
    vy = fc.call_model(variant, xs)
    assert len(vy) == 1 and np.array_equal(vy[0], ys[0]), "variant output differs"
    fc.add_arrays(d, [("variant_output", fc.f4(vy[0]))])
    order = [f"{l.name}({type(l).__name__})" for l in variant.layers]
    assert all(a is b for a, b in zip(
        [l for l in variant.layers if isinstance(l, layers.Dense)], model.layers[1:]))
    print(f"  dropout_after_dense variant: {' -> '.join(order)}; "
          f"output_layers {variant.get_config()['output_layers']}")


def new_input_shape_extras(model, xs, ys):
    d = fc.fixture_dir("new_input_shape")
    shapes = {}
    for file, tensor in (("batch2", keras.Input(batch_shape=(2, 8))),
                         ("features12", keras.Input(shape=(12,)))):
        clone = keras.models.clone_model(model, input_tensors=tensor)
        with open(os.path.join(d, file + ".json"), "w") as f:
            f.write(clone.to_json(indent=2) + "\n")
        shapes[file] = [list(w.shape) for w in clone.get_weights()]
        print(f"  new_input_shape {file}: input batch_shape "
              f"{list(clone.layers[0].batch_shape)}, weight shapes {shapes[file]}")
    shapes["original"] = [list(w.shape) for w in model.get_weights()]
    fc.write_json(os.path.join(d, "weight_shapes.json"), shapes)

    # A residual Add stops matching when the feature size changes.
    keras.backend.clear_session()
    x = keras.Input(shape=(8,))
    residual = keras.Model(x, layers.Add()([x, layers.Dense(8)(x)]), name="residual")
    try:
        keras.models.clone_model(residual, input_tensors=keras.Input(shape=(12,)))
    except ValueError as e:
        message = str(e)
    else:
        raise AssertionError("cloning the residual model on Input(12) did not fail")
    with open(os.path.join(d, "error.txt"), "w") as f:
        f.write(message + "\n")
    print(f"  new_input_shape residual on Input(shape=(12,)): ValueError: {message}")


# Elementwise-merge broadcasting cases: (layer, per-input shapes without the
# batch axis). Keras 3.15 aligns the shapes at the right, lets a 1 match any
# size, and at call time expands lower-rank inputs at axis 1.
BROADCAST_CASES = [
    ("Add", [[4], [1]]),
    ("Add", [[1], [4]]),
    ("Subtract", [[4], [1]]),
    ("Add", [[4], [1], [4]]),
    ("Multiply", [[3, 4], [1, 4]]),
    ("Multiply", [[3, 4], [3, 1]]),
    ("Multiply", [[3, 4], [4]]),
    ("Maximum", [[4], [3, 1]]),
    ("Add", [[4], [3]]),
    ("Minimum", [[3], [3, 4]]),
    ("Average", [[2, 4], [3, 4]]),
    ("Concatenate", [[1, 4], [3, 4]]),
]


def record_broadcasting():
    """Which broadcasts Keras's merge layers accept (symbolic and eager
    output shapes), and which they reject with what message."""
    entries = []
    rng = np.random.default_rng(7)
    for cls, shapes in BROADCAST_CASES:
        keras.backend.clear_session()
        entry = {"layer": cls, "input_shapes": [[None] + s for s in shapes]}
        try:
            y = getattr(layers, cls)()([keras.Input(shape=tuple(s)) for s in shapes])
        except ValueError as e:
            entry.update(accepted=False, error=str(e))
        else:
            xs = [rng.normal(size=[2] + s).astype(np.float32) for s in shapes]
            eager = getattr(layers, cls)()(xs)
            assert tuple(eager.shape[1:]) == tuple(y.shape[1:])
            entry.update(accepted=True, output_shape=list(y.shape))
        entries.append(entry)
        print(f"    {cls}{[tuple(s) for s in shapes]}: "
              + (f"-> {entry['output_shape']}" if entry["accepted"]
                 else f"rejected: {entry['error']}"))
    fc.write_json(os.path.join(fc.fixture_dir("merge_layers"), "broadcasting.json"),
                  entries)


def merge_layers_extras(model, xs, ys):
    print("  merge broadcasting:")
    record_broadcasting()


# name -> (builder, fill parameters, extra writer or None). Builders run
# right after clear_session(); keras2_inbound_nodes writes its own spec.
FUNCTIONAL_MODELS = {
    "residual_block": (residual_block, params(400, 4), None),
    "two_inputs_two_outputs": (two_inputs_two_outputs, params(401, 4), None),
    "merge_layers": (merge_layers, params(402, 3), merge_layers_extras),
    "siamese": (siamese, params(403, 4), None),
    "nested_two_levels": (nested_two_levels, params(404, 4), nested_two_levels_extras),
    "nested_sequential": (nested_sequential, params(405, 4), None),
    "nested_outputs": (nested_outputs, params(406, 4), None),
    "dropout_after_dense": (dropout_after_dense, params(407, 4), dropout_after_dense_extras),
    "new_input_shape": (new_input_shape, params(408, 4), new_input_shape_extras),
    "keras2_inbound_nodes": (keras2_inbound_nodes, params(409, 4, input_scale=1.0), None),
}


def make_functional_models():
    print("Functional models:")
    for name, (builder, p, extras) in FUNCTIONAL_MODELS.items():
        keras.backend.clear_session()
        os.makedirs(fc.fixture_dir(name), exist_ok=True)
        model = builder()
        if name != "keras2_inbound_nodes":
            with open(fc.spec_path(name), "w") as f:
                f.write(model.to_json(indent=2) + "\n")
        xs, ys = write_functional_fixture(name, model, p)
        if extras:
            extras(model, xs, ys)
        check_round_trip(name, xs, ys)


# ----------------------------------------------------------------------------
# E. Weight files keyed by Keras object path
# ----------------------------------------------------------------------------
#
# Keras 3 stores weights by object path, not by layer name: per container,
# each layer in model.layers order is named to_snake_case(class name) with a
# counter (dense, dense_1, ...; InputLayers and weightless layers count
# too), nested models recurse (layers/functional/layers/dense/vars/0), and a
# layer's variables are vars/0, vars/1, ... For each model in
# fc.WEIGHT_FILE_MODELS, loaded from its spec with the fixture weights:
# model.weights.h5 (Keras's own save_weights), the same datasets keyed by
# path in weights.safetensors and weights.npz, and weight_paths.json, the
# [path, shape] of every weight in model.get_weights() order.


def make_weight_files():
    print("Weight files keyed by object path:")
    total = 0
    for name in fc.WEIGHT_FILE_MODELS:
        keras.backend.clear_session()
        model = fc.load_model_file(fc.spec_path(name), strict=False)
        weights = fc.load_weights(name)
        model.set_weights(weights)
        d = fc.fixture_dir(name)
        h5_path = os.path.join(d, "model.weights.h5")
        model.save_weights(h5_path)
        datasets = fc.h5_datasets(h5_path)
        assert all(a.dtype == np.float32 for a in datasets.values()), name
        paths = fc.match_weight_paths(model, datasets, h5_path)
        assert all(np.array_equal(datasets[p], w) for p, w in zip(paths, weights))

        arrays = {p: np.ascontiguousarray(a, dtype="<f4") for p, a in datasets.items()}
        st_path = os.path.join(d, "weights.safetensors")
        npz_path = os.path.join(d, "weights.npz")
        safetensors.numpy.save_file(arrays, st_path)
        np.savez(npz_path, **arrays)
        fc.write_json(os.path.join(d, fc.WEIGHT_PATHS_FILE),
                      [[p, list(datasets[p].shape)] for p in paths])

        # Everything reads back: both files hold exactly the h5's datasets,
        # Keras loads its own h5, and the paths set the fixture weights.
        from_st = safetensors.numpy.load_file(st_path)
        with np.load(npz_path, allow_pickle=False) as z:
            from_npz = {k: z[k] for k in z.files}
            with zipfile.ZipFile(npz_path) as zf:
                npz_members = zf.namelist()
        for got in (from_st, from_npz):
            assert sorted(got) == sorted(datasets), name
            assert all(got[k].dtype == np.float32 and np.array_equal(got[k], datasets[k])
                       for k in got), name
        assert npz_members == [p + ".npy" for p in arrays], npz_members
        xs, ys = fc.load_inputs(name), fc.load_outputs(name)
        for how in ("load_weights", "paths"):
            keras.backend.clear_session()
            fresh = fc.load_model_file(fc.spec_path(name), strict=False)
            if how == "load_weights":
                fresh.load_weights(h5_path)
            else:
                fc.assign_weights_by_path(fresh, from_npz, fc.load_weight_paths(name))
            for g, y in zip(fc.call_model(fresh, xs), ys):
                assert np.array_equal(g, y), (name, how)

        files = [h5_path, st_path, npz_path]
        print(f"  {name}: {len(paths)} weights, in get_weights() order: "
              + ", ".join(f"{p} {list(datasets[p].shape)}" for p in paths))
        sizes = {os.path.basename(f): os.path.getsize(f) for f in files}
        total += sum(sizes.values()) + os.path.getsize(os.path.join(d, fc.WEIGHT_PATHS_FILE))
        print(f"    sizes {sizes}")
    print(f"  weight files total {total} bytes")


def main():
    os.makedirs(fc.SPECS_DIR, exist_ok=True)
    os.makedirs(fc.FIXTURES_DIR, exist_ok=True)
    make_keras_models()
    check_activation_coverage()
    check_gelu_approximate_json()
    make_hand_written_models()
    make_activation_kernels()
    make_initializer_stats()
    make_functional_models()
    make_weight_files()


if __name__ == "__main__":
    main()
