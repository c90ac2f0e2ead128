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

`masking` (group of eight models, `masking_*`): Keras masks, written as keras.io and the Keras
masking guide write them. Token inputs are zero-padded at the end, the start and in the middle;
a fully padded row is included wherever Keras's outputs stay finite (a masked
GlobalAveragePooling1D of a fully masked row is 0/0). The script asserts that every mask changes
every output: each model is rebuilt without its masks (`mask_zero=False`, no `Masking`, no
explicit mask), given the same weights, and must give different outputs.
- `masking_embedding_lstm`: Embedding(mask_zero) -> LSTM; the same mask through Dense,
  Dropout and TimeDistributed(Dense) into an LSTM; and into and out of a nested Sequential
  (the GRU after it records `"mask": null`, yet Keras masks it at run time).
- `masking_layer`: Masking on float steps equal to `mask_value` -> LSTM(return_sequences) ->
  GRU; a step with some zeros is not masked.
- `masking_bidirectional`: Embedding(mask_zero) -> Bidirectional(LSTM, return_sequences)
  (Keras forces `zero_output_for_mask`) -> masked GlobalAveragePooling1D.
- `masking_rnn_directions`: SimpleRNN(go_backwards, zero_output_for_mask, return_sequences),
  whose output keeps the unreversed mask, into GRU(zero_output_for_mask) (last output zero
  when the last step is masked); GRU(reset_after=False, go_backwards); SimpleRNN(unroll), which
  ignores `zero_output_for_mask`.
- `masking_merges`: two masked branches through Add, Maximum and Multiply (which use the
  masks), Concatenate on the features and on the time axis, then GRU and LSTM.
- `masking_transformer`: token + position Embeddings added with `+` (an operation, which drops
  the Keras mask), so the padding mask is taken from `token_embedding.compute_mask(tokens)` and
  passed as MultiHeadAttention's `attention_mask` and GlobalAveragePooling1D's `mask`.
- `masking_attention`: Attention and AdditiveAttention on `[masked query, masked value]`, and
  MultiHeadAttention on implicitly masked query and value (fully masked rows).
- `masking_seq2seq`: an encoder LSTM(return_state) over masked tokens gives `initial_state` to
  a decoder LSTM over its own masked tokens. Keras does not pass a mask to a layer called with
  `initial_state` (asserted: an explicit mask would change the outputs), but the decoder's
  output keeps the mask, which its GlobalAveragePooling1D uses.

For each NAME, writes:
- `Tests/ModelRuntimeTests/Specs/NAME.keras` from `model.save()` (the build plugin generates a
  type from it; its weights are in the archive);
- `Tests/Fixtures/NAME.json`: the inputs and Keras's outputs (see `fixture_common.write_io_json`).

Run: `KERAS_BACKEND=jax venv/bin/python tools/make_saved_model_fixtures.py [--only GROUP,...]`
(keras 3.15.1). Groups: `keras_operations`, `saved_recurrent`, `applications_layers`,
`augmentation_layers`, `masking`. The first four share one random generator; a group left out
still draws its weights, so the others get the same weights as in a full run.
"""

import argparse
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


# Masking ------------------------------------------------------------------------------------
# Each builder takes `masked`: False builds the same layers and weights without any mask
# (`mask_zero=False`, no `Masking`, no explicit mask), for the check that every mask matters.


def build_masking_embedding_lstm(masked=True):
    tokens = keras.Input((6,), dtype="int32", name="tokens")
    embedded = layers.Embedding(8, 4, mask_zero=masked, name="embedding")(tokens)
    direct = layers.LSTM(3, name="lstm")(embedded)
    # The mask passes through Dense, Dropout and TimeDistributed(Dense) unchanged.
    x = layers.Dense(4, activation="relu", name="dense")(embedded)
    x = layers.Dropout(0.2, name="dropout")(x)
    x = layers.TimeDistributed(layers.Dense(3), name="time_distributed")(x)
    projected = layers.LSTM(3, name="projected_lstm")(x)
    # Into a nested model (Functional.call(mask=...)) and out of it at run time.
    projection = keras.Sequential([
        keras.Input((6, 4)),
        layers.Dense(3, activation="tanh", name="nested_dense"),
        layers.Dropout(0.1, name="nested_dropout"),
    ], name="projection")
    nested = layers.GRU(2, name="gru_after_nested")(projection(embedded))
    model = keras.Model(tokens, [direct, projected, nested], name="masking_embedding_lstm")
    return model, ["lstm", "projected_lstm", "gru_after_nested"]


def build_masking_layer(masked=True):
    sequence = keras.Input((5, 3), name="sequence")
    x = layers.Masking(mask_value=0.0, name="masking")(sequence) if masked else sequence
    x = layers.LSTM(4, return_sequences=True, name="lstm")(x)
    last = layers.GRU(3, name="gru")(x)
    return keras.Model(sequence, [x, last], name="masking_layer"), ["lstm", "gru"]


def build_masking_bidirectional(masked=True):
    tokens = keras.Input((6,), dtype="int32", name="tokens")
    x = layers.Embedding(8, 3, mask_zero=masked, name="embedding")(tokens)
    x = layers.Bidirectional(layers.LSTM(3, return_sequences=True), name="bidirectional")(x)
    pooled = layers.GlobalAveragePooling1D(name="average")(x)
    return keras.Model(tokens, [x, pooled], name="masking_bidirectional"), ["bidirectional", "average"]


def build_masking_rnn_directions(masked=True):
    tokens = keras.Input((6,), dtype="int32", name="tokens")
    x = layers.Embedding(8, 3, mask_zero=masked, name="embedding")(tokens)
    backward = layers.SimpleRNN(4, go_backwards=True, zero_output_for_mask=True, return_sequences=True,
                                name="backward_simple_rnn")(x)
    zero_last = layers.GRU(3, zero_output_for_mask=True, name="gru_zero_output")(backward)
    reset_before = layers.GRU(3, reset_after=False, go_backwards=True, name="gru_reset_before")(x)
    unrolled = layers.SimpleRNN(3, unroll=True, zero_output_for_mask=True, return_sequences=True,
                                name="unrolled_simple_rnn")(x)
    outputs = [backward, zero_last, reset_before, unrolled]
    names = ["backward_simple_rnn", "gru_zero_output", "gru_reset_before", "unrolled_simple_rnn"]
    return keras.Model(tokens, outputs, name="masking_rnn_directions"), names


def build_masking_merges(masked=True):
    tokens_a = keras.Input((5,), dtype="int32", name="tokens_a")
    tokens_b = keras.Input((5,), dtype="int32", name="tokens_b")
    a = layers.Embedding(8, 3, mask_zero=masked, name="embedding_a")(tokens_a)
    b = layers.Embedding(8, 3, mask_zero=masked, name="embedding_b")(tokens_b)
    added = layers.Add(name="add")([a, b])
    largest = layers.Maximum(name="maximum")([a, b])
    product = layers.Multiply(name="multiply")([a, b])
    features = layers.Concatenate(name="concatenate_features")([added, largest, product])
    gru = layers.GRU(4, name="gru")(features)
    steps = layers.Concatenate(axis=1, name="concatenate_steps")([a, b])
    lstm = layers.LSTM(3, name="lstm")(steps)
    return keras.Model([tokens_a, tokens_b], [gru, lstm], name="masking_merges"), ["gru", "lstm"]


def build_masking_transformer(masked=True):
    maxlen, vocab_size, embed_dim = 6, 10, 4
    tokens = keras.Input((maxlen,), dtype="int32", name="tokens")
    token_embedding = layers.Embedding(vocab_size, embed_dim, mask_zero=masked, name="token_embedding")
    # ops.zeros_like(tokens) keeps the position Embedding in the graph (an Embedding of a bare
    # ops.arange would run once, eagerly, and be baked in as a constant).
    positions = ops.zeros_like(tokens) + ops.arange(0, maxlen)
    x = token_embedding(tokens) + layers.Embedding(maxlen, embed_dim, name="position_embedding")(positions)
    # `+` is an operation: it drops the Keras mask, so the padding mask is passed explicitly.
    padding_mask = token_embedding.compute_mask(tokens)
    attention_mask = None if padding_mask is None else padding_mask[:, None, :]
    attention = layers.MultiHeadAttention(num_heads=2, key_dim=2, name="self_attention")(
        x, x, attention_mask=attention_mask)
    attention = layers.Dropout(0.1, name="attention_dropout")(attention)
    x = layers.LayerNormalization(epsilon=1e-6, name="attention_norm")(x + attention)
    ffn = layers.Dense(8, activation="relu", name="ffn_in")(x)
    ffn = layers.Dense(embed_dim, name="ffn_out")(ffn)
    x = layers.LayerNormalization(epsilon=1e-6, name="ffn_norm")(x + ffn)
    pooled = layers.GlobalAveragePooling1D(name="average")(x, mask=padding_mask)
    probabilities = layers.Dense(2, activation="softmax", name="classifier")(pooled)
    return keras.Model(tokens, [pooled, probabilities], name="masking_transformer"), ["average", "classifier"]


def build_masking_attention(masked=True):
    query_tokens = keras.Input((4,), dtype="int32", name="query_tokens")
    value_tokens = keras.Input((5,), dtype="int32", name="value_tokens")
    query = layers.Embedding(8, 4, mask_zero=masked, name="query_embedding")(query_tokens)
    value = layers.Embedding(8, 4, mask_zero=masked, name="value_embedding")(value_tokens)
    dot = layers.Attention(name="attention")([query, value])
    additive = layers.AdditiveAttention(name="additive_attention")([query, value])
    # MultiHeadAttention removes the masks of the tensors it is called on: give it its own.
    cross = layers.MultiHeadAttention(num_heads=2, key_dim=2, name="cross_attention")(
        layers.LayerNormalization(name="query_norm")(query),
        layers.LayerNormalization(name="value_norm")(value))
    names = ["attention", "additive_attention", "cross_attention"]
    return keras.Model([query_tokens, value_tokens], [dot, additive, cross], name="masking_attention"), names


def build_masking_seq2seq(masked=True, decoder_mask=False):
    encoder_tokens = keras.Input((5,), dtype="int32", name="encoder_tokens")
    decoder_tokens = keras.Input((4,), dtype="int32", name="decoder_tokens")
    encoded = layers.Embedding(8, 3, mask_zero=masked, name="encoder_embedding")(encoder_tokens)
    _, state_h, state_c = layers.LSTM(4, return_state=True, name="encoder")(encoded)
    decoder_embedding = layers.Embedding(8, 3, mask_zero=masked, name="decoder_embedding")
    decoded = decoder_embedding(decoder_tokens)
    decoder = layers.LSTM(4, return_sequences=True, name="decoder")
    if decoder_mask:  # only for the check that Keras ignores the decoder's own mask
        mask = decoder_embedding.compute_mask(decoder_tokens)
        decoded = decoder(decoded, initial_state=[state_h, state_c], mask=mask)
    else:
        decoded = decoder(decoded, initial_state=[state_h, state_c])
    next_token = layers.Dense(6, activation="softmax", name="next_token")(decoded)
    summary = layers.GlobalAveragePooling1D(name="decoder_summary")(decoded)
    model = keras.Model([encoder_tokens, decoder_tokens], [next_token, summary], name="masking_seq2seq")
    return model, ["next_token", "decoder_summary"]


def save(model, names, inputs, rng, check_shared_objects=False, write=True):
    for weight in model.weights:
        weight.assign(rng.normal(0, 0.5, weight.shape).astype("float32"))
    if not write:
        return
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


def outputs_of(model, inputs):
    outputs = model(inputs[0] if len(inputs) == 1 else inputs, training=False)
    return [np.asarray(o) for o in (outputs if isinstance(outputs, (list, tuple)) else [outputs])]


def assert_outputs_differ(model, other, names, inputs, what):
    """Gives `other` the weights of `model` and asserts that every output differs."""
    other.set_weights(model.get_weights())
    for name, a, b in zip(names, outputs_of(model, inputs), outputs_of(other, inputs)):
        assert a.shape == b.shape and np.max(np.abs(a - b)) > 1e-3, f"{model.name}/{name}: {what} does not change it"


def make_masking():
    # A group of its own: fresh names and its own random generator, the same alone or in a full run.
    keras.backend.clear_session()
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(23)
    # Rows padded at the end, at the start, in the middle; the last row fully padded, or unpadded
    # where a fully padded row would make Keras's output 0/0 (masked GlobalAveragePooling1D).
    tokens = np.array([[3, 1, 4, 2, 0, 0], [0, 0, 5, 2, 6, 1], [2, 0, 7, 0, 3, 5], [0, 0, 0, 0, 0, 0]],
                      dtype="int32")
    full_row = np.array([[4, 6, 1, 3, 2, 7]], dtype="int32")
    unpadded_last = np.concatenate([tokens[:3], full_row])
    sequence = rng.normal(0, 1, (4, 5, 3)).astype("float32")
    sequence[0, 3:] = 0.0   # post-padded
    sequence[1, :2] = 0.0   # pre-padded
    sequence[2, 2] = 0.0    # a masked step in the middle
    sequence[2, 4, :2] = 0.0  # some zeros, not masked
    sequence[3] = 0.0       # fully padded
    cases = [
        (build_masking_embedding_lstm, [tokens]),
        (build_masking_layer, [sequence]),
        (build_masking_bidirectional, [unpadded_last]),
        (build_masking_rnn_directions, [tokens]),
        (build_masking_merges, [
            np.array([[3, 1, 4, 0, 0], [0, 0, 5, 2, 6], [2, 0, 7, 0, 3], [0, 0, 0, 0, 0]], dtype="int32"),
            np.array([[5, 2, 0, 0, 0], [0, 3, 0, 1, 4], [0, 6, 1, 0, 0], [0, 0, 0, 0, 0]], dtype="int32"),
        ]),
        (build_masking_transformer, [np.concatenate([tokens[:3] + (tokens[:3] > 0) * 2, full_row])]),
        (build_masking_attention, [
            np.array([[2, 5, 0, 0], [0, 3, 1, 4], [6, 0, 2, 0], [0, 0, 0, 0]], dtype="int32"),
            np.array([[1, 2, 3, 0, 0], [0, 0, 4, 5, 6], [0, 0, 0, 0, 0], [3, 0, 0, 2, 1]], dtype="int32"),
        ]),
        (build_masking_seq2seq, [
            np.array([[3, 1, 4, 0, 0], [0, 0, 5, 2, 6], [2, 0, 7, 0, 3], [0, 0, 0, 0, 0]], dtype="int32"),
            np.array([[1, 5, 2, 0], [0, 0, 3, 6], [4, 0, 0, 2], [1, 0, 7, 0]], dtype="int32"),
        ]),
    ]
    for builder, inputs in cases:
        model, names = builder()
        save(model, names, inputs, rng)
        assert_outputs_differ(model, builder(masked=False)[0], names, inputs, "the mask")
    # Keras passes no mask to an RNN called with `initial_state`: the decoder ignores its own.
    model = keras.saving.load_model(os.path.join(SPECS_DIR, "masking_seq2seq.keras"))
    explicit, names = build_masking_seq2seq(decoder_mask=True)
    assert_outputs_differ(model, explicit, names, cases[-1][1], "an explicit decoder mask")


GROUPS = ["keras_operations", "saved_recurrent", "applications_layers", "augmentation_layers", "masking"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated groups: " + ", ".join(GROUPS))
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else set(GROUPS)
    unknown = only - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s) {sorted(unknown)}; groups: {', '.join(GROUPS)}")

    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(11)
    model, names = build()
    inputs = [
        rng.normal(0, 1, (2, 3, 4)).astype("float32"),
        rng.normal(0, 1, (2, 4)).astype("float32"),
        np.array([[1, 3, 0, 0, 9], [4, 3, 2, 1, 0]], dtype="int32"),
    ]
    save(model, names, inputs, rng, write="keras_operations" in only)
    model, names = build_recurrent()
    save(model, names, [rng.normal(0, 1, (2, 5, 3)).astype("float32")], rng, check_shared_objects=True,
         write="saved_recurrent" in only)
    model, names = build_applications_layers()
    save(model, names, [rng.uniform(0, 255, (2, 4, 4, 3)).astype("float32")], rng,
         write="applications_layers" in only)
    model, names = build_augmentation_layers()
    save(model, names, [rng.uniform(0, 1, (2, 6, 6, 3)).astype("float32")], rng,
         write="augmentation_layers" in only)
    if "masking" in only:
        make_masking()


if __name__ == "__main__":
    main()
