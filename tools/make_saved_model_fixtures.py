"""Models saved with `model.save()`, as users save them: fixtures for the Swift tests.

`keras_operations`: 
Keras 3 saves each operation on Keras tensors (`x + 3.0`, `ops.mean(x, axis=1)`, `x[:, -1]`) as
a node of its own class (`Add`, `Mean`, `GetItem`, module `keras.src.ops.*`) with its Python
constants in the call's `args`. The model calls every operation
the generator supports.

`saved_recurrent`: SimpleRNN, GRU, LSTM and a Bidirectional LSTM. `model.save()` writes
`shared_object_id` on their initializers and dtype policies (objects it serializes more than
once), which `to_json()` never writes.

`applications_layers`: the layers keras.applications defines for its own models (ConvNeXt's
`LayerScale` and `StochasticDepth`, InceptionResNetV2's `CustomScaleLayer`), with a
`Normalization` of constant statistics and a `Rescaling`, as ConvNeXt's and EfficientNet's stems
have them.

`augmentation_layers`: the image augmentation layers keras.io puts in front of a model and
`Identity`, the identity at inference.

For each NAME, writes:
- `Tests/ModelRuntimeTests/Specs/NAME.keras` from `model.save()` (the build plugin generates a
  type from it; its weights are in the archive);
- `Tests/Fixtures/NAME.json`: the inputs and Keras's outputs (see `fixture_common.write_io_json`).

Run: `KERAS_BACKEND=jax venv/bin/python tools/make_saved_model_fixtures.py` (keras 3.15.1).
"""

import os
import zipfile

import numpy as np

from fixture_common import FIXTURES_DIR, SPECS_DIR, keras, write_io_json

from keras import layers, ops


def build():
    x = keras.Input((3, 4), name="x")
    y = keras.Input((4,), name="y")
    tokens = keras.Input((5,), name="tokens", dtype="int32")
    positive = ops.abs(x) + 0.5
    bools = x > 0
    y3 = y[:, None, :]
    outputs = {
        # Arithmetic with constants on either side, and between tensors (broadcast).
        "add_constant": x + 3.0,
        "reverse_subtract": 2.0 - x,
        "multiply_tensors": x * y3,
        "divide": x / 6.0,
        "floor_divide": x // 0.3,
        "mod": x % 0.7,
        "power_int": x ** 2,
        "power_float": ops.power(positive, 1.5),
        "negative": -x,
        "hard_swish": x * ops.relu6(x + 3.0) / 6.0,
        "maximum": ops.maximum(x, 0.25),
        "minimum": ops.minimum(x, y3),
        "constant_vector": x + np.array([1.0, -2.0, 3.0, 0.5], dtype="float32"),
        # Comparisons, logic and where.
        "not_equal": ops.cast(ops.not_equal(tokens, 0), "float32"),
        "equal": ops.cast(ops.equal(tokens, 3), "float32"),
        "greater_equal": ops.cast(x >= 0.1, "float32"),
        "less_equal": ops.cast(x <= -0.1, "float32"),
        "logical": ops.cast(ops.logical_or(ops.logical_and(bools, x < 1.0), ops.logical_not(x > -0.5)), "float32"),
        "logical_xor": ops.cast(ops.logical_xor(bools, y3 > 0), "float32"),
        "where": ops.where(bools, x, 0.5 * x),
        # Unary functions.
        "square": ops.square(x),
        "sqrt": ops.sqrt(positive),
        "rsqrt": ops.rsqrt(positive),
        "exp": ops.exp(x),
        "expm1": ops.expm1(x),
        "log": ops.log(positive),
        "log1p": ops.log1p(positive),
        "sign": ops.sign(x),
        "floor_ceil": ops.floor(x * 3.0) + ops.ceil(x * 2.0),
        "reciprocal": ops.reciprocal(positive),
        "erf": ops.erf(x),
        "sin_cos": ops.sin(x) + ops.cos(x),
        "tanh": ops.tanh(x),
        "relu": ops.relu(x),
        "sigmoid": ops.sigmoid(x),
        "silu": ops.silu(x),
        "hard_sigmoid": ops.hard_sigmoid(x),
        "hard_silu": ops.hard_silu(x),
        "softplus": ops.softplus(x),
        "softsign": ops.softsign(x),
        "selu": ops.selu(x),
        "gelu_approximate": ops.gelu(x),
        "gelu_exact": ops.gelu(x, approximate=False),
        "leaky_relu": ops.leaky_relu(x, negative_slope=0.3),
        "elu": ops.elu(x, alpha=0.7),
        "clip": ops.clip(x, -0.2, 0.4),
        "softmax_axis_1": ops.softmax(x, axis=1),
        "log_softmax": ops.log_softmax(x),
        "cast_int": ops.cast(x * 4.0, "int32"),
        # Reductions.
        "mean": ops.mean(x, axis=1),
        "mean_keepdims": ops.mean(x, axis=[1, 2], keepdims=True),
        "sum_all": ops.sum(x),
        "max_last": ops.max(x, axis=-1, keepdims=True),
        "min": ops.min(x, axis=1),
        "prod": ops.prod(positive, axis=2),
        "argmax": ops.cast(ops.argmax(x, axis=-1), "float32"),
        "argmin": ops.cast(ops.argmin(x, axis=1), "float32"),
        # Moving values.
        "reshape": ops.reshape(x, (-1, 2, 6)),
        "transpose": ops.transpose(x, (0, 2, 1)),
        "transpose_default": ops.transpose(ops.reshape(x, (-1, 12))),
        "expand_squeeze": ops.squeeze(ops.expand_dims(x, 1), 1),
        "expand_dims": ops.expand_dims(y, -1),
        "concatenate": ops.concatenate([x, x * 2.0], axis=1),
        "stack": ops.stack([y, -y], axis=1),
        "matmul": ops.matmul(x, ops.transpose(x, (0, 2, 1))),
        "matmul_vector": ops.matmul(x, np.array([1.0, 0.5, -1.0, 2.0], dtype="float32")),
        "get_item_last_step": x[:, -1],
        "get_item_slices": x[:, 1:3, ::2],
        "get_item_new_axis": x[..., None],
        "get_item_reverse": x[:, ::-1, 1],
        # A position embedding added in the graph, as keras.io's text transformer computes it.
        "position_embedding": layers.Embedding(10, 4, name="token_embedding")(tokens)
        + layers.Embedding(5, 4, name="position_embedding")(ops.arange(0, 5)),
        # A layer's output with constants, and a layer after an operation.
        "dense_plus_one": layers.Dense(3, name="dense")(ops.mean(x, axis=1)) + 1.0,
    }
    model = keras.Model(inputs=[x, y, tokens], outputs=list(outputs.values()), name="keras_operations")
    return model, list(outputs.keys())


def build_recurrent():
    x = keras.Input((5, 3), name="sequence")
    simple = layers.SimpleRNN(4, return_sequences=True, name="simple_rnn")(x)
    gru = layers.GRU(4, return_sequences=True, name="gru")(simple)
    lstm = layers.LSTM(3, name="lstm")(gru)
    both = layers.Bidirectional(layers.LSTM(2), name="bidirectional")(x)
    out = layers.Concatenate(name="joined")([lstm, both])
    return keras.Model(x, out, name="saved_recurrent"), ["joined"]


def build_applications_layers():
    from keras.src.applications.convnext import LayerScale, StochasticDepth
    from keras.src.applications.inception_resnet_v2 import CustomScaleLayer

    x = keras.Input((4, 4, 3), name="image")
    h = layers.Rescaling(1.0 / 127.5, offset=-1.0, name="rescaling")(x)
    h = layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.052441, 0.050176, 0.050625], name="normalization")(h)
    h = layers.Conv2D(8, 3, padding="same", name="stem")(h)
    branch = layers.Dense(8, name="pointwise")(h)
    branch = LayerScale(0.5, 8, name="layer_scale")(branch)
    branch = StochasticDepth(0.1, name="stochastic_depth")(branch)
    h = h + branch
    residual = layers.Conv2D(8, 1, name="residual_conv")(h)
    out = CustomScaleLayer(0.17, name="custom_scale_layer")([h, residual])
    return keras.Model(x, out, name="applications_layers"), ["custom_scale_layer"]


def build_augmentation_layers():
    x = keras.Input((6, 6, 3), name="image")
    h = layers.RandomFlip("horizontal", seed=1, name="flip")(x)
    h = layers.RandomRotation((-0.2, 0.3), fill_mode="nearest", name="rotation")(h)
    h = layers.RandomZoom(0.1, width_factor=(-0.2, 0.1), name="zoom")(h)
    h = layers.RandomTranslation(0.1, 0.2, fill_value=1.0, name="translation")(h)
    h = layers.RandomContrast(0.3, name="contrast")(h)
    h = layers.RandomBrightness(0.2, value_range=(0.0, 1.0), name="brightness")(h)
    h = layers.Identity(name="identity")(h)
    out = layers.Conv2D(4, 3, name="conv")(h)
    return keras.Model(x, out, name="augmentation_layers"), ["conv"]


def save(model, names, inputs, rng, check_shared_objects=False):
    for weight in model.weights:
        weight.assign(rng.normal(0, 0.5, weight.shape).astype("float32"))
    packed = inputs[0] if len(inputs) == 1 else inputs
    outputs = model(packed, training=False)
    outputs = [np.asarray(o) for o in (outputs if isinstance(outputs, (list, tuple)) else [outputs])]
    for name, output in zip(names, outputs):
        assert np.all(np.isfinite(output)), name
        assert output.size == 1 or np.std(output) > 1e-3, name
    path = os.path.join(SPECS_DIR, model.name + ".keras")
    model.save(path)
    if check_shared_objects:
        with zipfile.ZipFile(path) as archive:
            assert b"shared_object_id" in archive.read("config.json"), "model.save() wrote no shared_object_id"
    reloaded = keras.saving.load_model(path)
    again = reloaded(packed, training=False)
    for name, a, b in zip(names, outputs, again if isinstance(again, (list, tuple)) else [again]):
        assert np.max(np.abs(a - np.asarray(b))) <= 1e-6, name
    keras.models.model_from_json(model.to_json())
    write_io_json(os.path.join(FIXTURES_DIR, model.name + ".json"), model, inputs, outputs, names)
    print(f"{model.name}: {len(names)} output(s), {len(model.layers)} layers")


def main():
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(11)
    model, names = build()
    inputs = [
        rng.normal(0, 1, (2, 3, 4)).astype("float32"),
        rng.normal(0, 1, (2, 4)).astype("float32"),
        np.array([[1, 3, 0, 0, 9], [4, 3, 2, 1, 0]], dtype="int32"),
    ]
    save(model, names, inputs, rng)
    model, names = build_recurrent()
    save(model, names, [rng.normal(0, 1, (2, 5, 3)).astype("float32")], rng, check_shared_objects=True)
    model, names = build_applications_layers()
    save(model, names, [rng.uniform(0, 255, (2, 4, 4, 3)).astype("float32")], rng)
    model, names = build_augmentation_layers()
    save(model, names, [rng.uniform(0, 1, (2, 6, 6, 3)).astype("float32")], rng)


if __name__ == "__main__":
    main()
