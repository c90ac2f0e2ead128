"""Makes the "in-the-wild" corpus: small Keras 3 models written the way keras.io
examples and everyday Keras code write them, each saved with ``model.save()``.

Run (from anywhere; paths are relative to this file)::

    KERAS_BACKEND=jax python tools/make_wild_corpus.py            # write everything
    KERAS_BACKEND=jax python tools/make_wild_corpus.py NAME ...   # only these models

For every model NAME it writes:

* ``NAME.keras``: ``model.save(path)``, exactly as a user would save it, into
  ``Tests/ModelRuntimeTests/Specs/wild/`` (a spec of the Swift tests).
* ``Tests/Fixtures/wild/NAME.json``: ``name``, ``description``, ``features`` (tags), ``params``
  (``count_params()``), ``inputs`` and ``outputs``. Each input is ``{"name",
  "shape", "dtype", "data"}`` (``data`` flat, row-major; ``name`` is the
  InputLayer's name, ``dtype`` the array's: float32, int32, or int64 where the
  model's Input says int64), in ``model.inputs`` order; each output ``{"name",
  "shape", "dtype", "data"}`` (``name`` is the producing layer's or op's name)
  in ``model.outputs`` order. Models built with dict inputs or outputs add ``"key"`` (the dict key;
  Keras orders the flattened dict by key). Floats are written as the shortest
  decimal that gives the float32 back (also through a float64 parse); integers
  as integers.

Everything is deterministic: ``keras.backend.clear_session()`` before each
model (so auto-generated layer names do not depend on the other models),
``keras.utils.set_random_seed`` and a numpy generator seeded from the model's
name. Weights are never the initializers' values: every float variable is
drawn from numpy (kernels N(0, 2/fan_in), biases and betas N(0, 0.2^2),
gammas N(1, 0.2^2), embeddings N(0, 0.6^2), moving means N(0, 0.3^2), moving
variances U(0.5, 1.5)); adapted preprocessing layers (Normalization) keep the
statistics ``adapt()`` computed on deterministic data. The outputs are
``model(x, training=False)`` on a batch of 2 or 3.

Checks (the script fails on any): every output is finite, not constant (std >
1e-3) and differs between batch rows; ``keras.saving.load_model(path)``
reproduces every output within 1e-6; ``keras.models.model_from_json(
model.to_json())`` builds and, given the weights, reproduces them too; each
model has under 20,000 parameters and a JSON file of at most 20 KB. The
``.keras`` size is reported, not enforced: Keras's HDF5 writer spends about
1 KB per group (two per layer, weightless layers included) and 360 bytes per
dataset whatever the parameter count, so a model of 15+ layers passes 40 KB
with only a few KB of weights; archives over 40 KB are listed at the end.

``model.save()`` is not byte-reproducible: it stamps ``date_saved`` into
``metadata.json``, dates the weights member with the current time, and
``config.json`` carries ``shared_object_id`` values that are Python ``id()``s
(memory addresses of the shared DTypePolicy objects). To keep reruns from
touching git, an existing archive is kept when its members are otherwise
identical (same names and order, same bytes once ``date_saved`` is dropped and
each ``shared_object_id`` is renumbered by first appearance; the weights h5 is
byte-identical between runs). The JSON files are byte-identical on every run.
"""

import json
import os
import re
import sys
import tempfile
import zipfile
import zlib

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers, ops  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_common as fc  # noqa: E402

if keras.backend.backend() != "jax":
    sys.exit("make_wild_corpus.py needs KERAS_BACKEND=jax")

OUT_DIR = os.path.join(fc.FIXTURES_DIR, "wild")
# The archives are specs: the Swift tests' build plugin generates a type from each one in
# SPECS_DIR, and each must match Keras.
SPECS_DIR = os.path.join(fc.SPECS_DIR, "wild")


def archive_path(name):
    return os.path.join(SPECS_DIR, name + ".keras")

MAX_PARAMS = 20_000
MAX_KERAS_BYTES = 40 * 1024
MAX_JSON_BYTES = 20 * 1024

# ----------------------------------------------------------------------------
# Deterministic data
# ----------------------------------------------------------------------------


def normal(rng, shape, scale=1.0, mean=0.0):
    return (mean + scale * rng.standard_normal(shape)).astype(np.float32)


def uniform(rng, shape, low, high):
    return rng.uniform(low, high, shape).astype(np.float32)


def tokens(rng, batch, length, vocab, pad="post", min_len=3):
    """Integer ids in [1, vocab) with zero padding, a different length per row."""
    x = rng.integers(1, vocab, (batch, length))
    for b in range(batch):
        n = max(min_len, length - 2 * b - 1)  # row 0 almost full, later rows shorter
        if pad == "post":
            x[b, n:] = 0
        else:
            x[b, : length - n] = 0
    return x.astype(np.int32)


def one_hot_sequence(rng, batch, steps, depth):
    ids = rng.integers(0, depth, (batch, steps))
    return np.eye(depth, dtype=np.float32)[ids]


def images(rng, batch, h, w, c, pixels=False):
    if pixels:  # 0..255 as float32, what an image loader gives
        return rng.integers(0, 256, (batch, h, w, c)).astype(np.float32)
    return uniform(rng, (batch, h, w, c), 0.0, 1.0)


# ----------------------------------------------------------------------------
# The corpus. Each builder takes a numpy Generator and returns (model, inputs),
# inputs a list of arrays in model.inputs order.
# ----------------------------------------------------------------------------

MODELS = []


def model(name, description, features):
    def register(builder):
        MODELS.append({"name": name, "description": description,
                       "features": list(features), "build": builder})
        return builder
    return register


@model("structured_mlp",
       "Tabular MLP: adapted Normalization, Dense and Dropout "
       "(keras.io 'Structured data classification from scratch' style)",
       ["preprocessing"])
def build_structured_mlp(rng):
    centers = np.array([50.0, -3.0, 0.5, 1000.0, 7.0, 0.0], np.float32)
    scales = np.array([10.0, 2.0, 0.1, 300.0, 1.0, 5.0], np.float32)
    train = centers + scales * normal(rng, (64, 6))
    normalizer = layers.Normalization()
    normalizer.adapt(train)

    inputs = keras.Input(shape=(6,), name="features")
    x = normalizer(inputs)
    x = layers.Dense(16, activation="relu")(x)
    x = layers.Dropout(0.3)(x)
    x = layers.Dense(16, activation="relu")(x)
    x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    m = keras.Model(inputs, outputs)
    return m, [centers + scales * normal(rng, (3, 6))]


@model("structured_mixed_inputs",
       "Structured data with three inputs: numeric features through adapted Normalization, "
       "an integer category through Embedding + Flatten, raw counts through Rescaling, "
       "Concatenate and a Dense head (keras.io structured-data idiom)",
       ["preprocessing", "multi-input", "integer-input"])
def build_structured_mixed_inputs(rng):
    train = np.array([20.0, 0.0, 3.0, -1.0], np.float32) + \
        np.array([4.0, 1.0, 0.5, 2.0], np.float32) * normal(rng, (64, 4))
    normalizer = layers.Normalization(axis=-1)
    normalizer.adapt(train)

    numeric = keras.Input(shape=(4,), name="numeric")
    category = keras.Input(shape=(1,), dtype="int32", name="category")
    counts = keras.Input(shape=(2,), name="counts")
    a = normalizer(numeric)
    b = layers.Embedding(input_dim=10, output_dim=4)(category)
    b = layers.Flatten()(b)
    c = layers.Rescaling(scale=1.0 / 100.0)(counts)
    x = layers.Concatenate()([a, b, c])
    x = layers.Dense(16, activation="relu")(x)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    m = keras.Model([numeric, category, counts], outputs)
    xs = [
        np.array([20.0, 0.0, 3.0, -1.0], np.float32)
        + np.array([4.0, 1.0, 0.5, 2.0], np.float32) * normal(rng, (3, 4)),
        rng.integers(0, 10, (3, 1)).astype(np.int32),
        rng.integers(0, 300, (3, 2)).astype(np.float32),
    ]
    return m, xs


@model("mnist_convnet",
       "Sequential convnet: Conv2D, MaxPooling2D, Flatten, Dropout, Dense softmax "
       "(keras.io 'Simple MNIST convnet', 16x16x1 inputs)",
       [])
def build_mnist_convnet(rng):
    m = keras.Sequential([
        keras.Input(shape=(16, 16, 1)),
        layers.Conv2D(8, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(16, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])
    return m, [images(rng, 2, 16, 16, 1)]


@model("cnn_batchnorm_gap",
       "Conv2D(use_bias=False) + BatchNormalization + Activation('relu') blocks, "
       "GlobalAveragePooling2D and a softmax head (common Keras CNN idiom), 12x12x3 inputs",
       [])
def build_cnn_batchnorm_gap(rng):
    inputs = keras.Input(shape=(12, 12, 3))
    x = inputs
    for filters in (8, 16):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(16, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(5, activation="softmax")(x)
    return keras.Model(inputs, outputs), [images(rng, 2, 12, 12, 3)]


@model("residual_separable",
       "Xception-like residual CNN: Rescaling(1/255), SeparableConv2D + BatchNormalization, "
       "MaxPooling2D and 1x1 strided Conv2D shortcuts merged with layers.add "
       "(keras.io 'Image classification from scratch' make_model)",
       ["preprocessing"])
def build_residual_separable(rng):
    inputs = keras.Input(shape=(16, 16, 3))
    x = layers.Rescaling(1.0 / 255)(inputs)
    x = layers.Conv2D(8, 3, strides=2, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    previous_block_activation = x
    for size in [16, 24]:
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(size, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(size, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
        residual = layers.Conv2D(size, 1, strides=2, padding="same")(previous_block_activation)
        x = layers.add([x, residual])
        previous_block_activation = x
    x = layers.SeparableConv2D(32, 3, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.25)(x)
    outputs = layers.Dense(3, activation=None)(x)
    return keras.Model(inputs, outputs), [images(rng, 2, 16, 16, 3, pixels=True)]


@model("unet_small",
       "Small U-Net on 16x16x1: Conv2D pairs, MaxPooling2D, Conv2DTranspose and "
       "UpSampling2D decoders with Concatenate skips, sigmoid mask "
       "(keras.io segmentation / U-Net idiom)",
       ["unet"])
def build_unet_small(rng):
    inputs = keras.Input(shape=(16, 16, 1))
    c1 = layers.Conv2D(4, 3, activation="relu", padding="same")(inputs)
    c1 = layers.Conv2D(4, 3, activation="relu", padding="same")(c1)
    p1 = layers.MaxPooling2D((2, 2))(c1)
    c2 = layers.Conv2D(8, 3, activation="relu", padding="same")(p1)
    c2 = layers.Conv2D(8, 3, activation="relu", padding="same")(c2)
    p2 = layers.MaxPooling2D((2, 2))(c2)
    b = layers.Conv2D(16, 3, activation="relu", padding="same")(p2)
    u2 = layers.Conv2DTranspose(8, 2, strides=2, padding="same")(b)
    u2 = layers.Concatenate()([u2, c2])
    c3 = layers.Conv2D(8, 3, activation="relu", padding="same")(u2)
    u1 = layers.UpSampling2D(2)(c3)
    u1 = layers.Concatenate()([u1, c1])
    c4 = layers.Conv2D(4, 3, activation="relu", padding="same")(u1)
    outputs = layers.Conv2D(1, 1, activation="sigmoid")(c4)
    return keras.Model(inputs, outputs, name="unet"), [images(rng, 2, 16, 16, 1)]


@model("text_bilstm_masked",
       "Text classifier: Embedding(mask_zero=True), two Bidirectional(LSTM), sigmoid Dense "
       "(keras.io 'Bidirectional LSTM on IMDB'), variable-length int input, post-padded",
       ["masking", "integer-input", "rnn", "bidirectional"])
def build_text_bilstm_masked(rng):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(40, 8, mask_zero=True)(inputs)
    x = layers.Bidirectional(layers.LSTM(8, return_sequences=True))(x)
    x = layers.Bidirectional(layers.LSTM(8))(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs), [tokens(rng, 2, 8, 40)]


@model("text_masked_average",
       "Sequential text model: Embedding(mask_zero=True), GlobalAveragePooling1D (masked mean), "
       "Dense (keras.io / TF text-classification basics)",
       ["masking", "integer-input"])
def build_text_masked_average(rng):
    m = keras.Sequential([
        keras.Input(shape=(10,), dtype="int32"),
        layers.Embedding(50, 8, mask_zero=True),
        layers.GlobalAveragePooling1D(),
        layers.Dense(8, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ])
    return m, [tokens(rng, 3, 10, 50)]


@model("masking_lstm",
       "Masking(mask_value=0.0) then LSTM on float sequences zero-padded by pad_sequences "
       "(pre-padding, the default, and post-padding rows) (Keras masking guide)",
       ["masking", "rnn"])
def build_masking_lstm(rng):
    inputs = keras.Input(shape=(8, 3))
    x = layers.Masking(mask_value=0.0)(inputs)
    x = layers.LSTM(8)(x)
    outputs = layers.Dense(2)(x)
    x = normal(rng, (3, 8, 3))
    x[0, :3] = 0.0   # pre-padded
    x[1, 5:] = 0.0   # post-padded
    return keras.Model(inputs, outputs), [x]


@model("transformer_text",
       "Transformer text classifier in the functional graph: token Embedding + position "
       "Embedding of ops.zeros_like(tokens) + ops.arange(0, maxlen) (so that the position "
       "Embedding stays in the graph), added with +, MultiHeadAttention, residual +, "
       "LayerNormalization, Dense FFN, GlobalAveragePooling1D "
       "(keras.io 'Text classification with Transformer' without its custom layers)",
       ["transformer", "position-embedding", "attention", "integer-input", "ops"])
def build_transformer_text(rng):
    maxlen, vocab_size, embed_dim, num_heads, ff_dim = 8, 40, 16, 2, 16
    inputs = keras.Input(shape=(maxlen,), dtype="int32")
    # ops.arange alone is a constant: an Embedding called on it runs eagerly and is not
    # part of the model (its table would be baked into the config as a constant). Adding
    # it to a tensor derived from the input keeps the position Embedding in the graph.
    positions = ops.zeros_like(inputs) + ops.arange(0, maxlen)
    token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)(inputs)
    pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)(positions)
    x = token_emb + pos_emb
    attn_output = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim // num_heads)(x, x)
    attn_output = layers.Dropout(0.1)(attn_output)
    out1 = layers.LayerNormalization(epsilon=1e-6)(x + attn_output)
    ffn_output = layers.Dense(ff_dim, activation="relu")(out1)
    ffn_output = layers.Dense(embed_dim)(ffn_output)
    ffn_output = layers.Dropout(0.1)(ffn_output)
    x = layers.LayerNormalization(epsilon=1e-6)(out1 + ffn_output)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(0.1)(x)
    x = layers.Dense(8, activation="relu")(x)
    x = layers.Dropout(0.1)(x)
    outputs = layers.Dense(2, activation="softmax")(x)
    return keras.Model(inputs=inputs, outputs=outputs), [
        rng.integers(0, vocab_size, (2, maxlen)).astype(np.int32)]


@model("position_embedding_constant",
       "The same position embedding written literally, Embedding(maxlen, dim)(ops.arange(0, maxlen)), "
       "in a functional graph: Keras runs it eagerly, so the position table becomes a constant "
       "(__tensor__) argument of the + op and is not a weight (a common user trap)",
       ["position-embedding", "integer-input", "ops"])
def build_position_embedding_constant(rng):
    maxlen, vocab_size, embed_dim = 6, 30, 8
    inputs = keras.Input(shape=(maxlen,), dtype="int32")
    positions = ops.arange(start=0, stop=maxlen, step=1)
    pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim,
                               embeddings_initializer="random_normal")(positions)
    x = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)(inputs)
    x = x + pos_emb
    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(3)(x)
    return keras.Model(inputs, outputs), [
        rng.integers(0, vocab_size, (2, maxlen)).astype(np.int32)]


@model("lstm_seq2seq",
       "Character-level seq2seq training model: encoder LSTM(return_state=True), states [h, c] "
       "as the decoder LSTM's initial_state, Dense softmax (keras.io 'lstm_seq2seq'), "
       "one-hot inputs of shape (None, tokens)",
       ["seq2seq", "rnn-state", "rnn", "multi-input"])
def build_lstm_seq2seq(rng):
    num_encoder_tokens, num_decoder_tokens, latent_dim = 6, 7, 8
    encoder_inputs = keras.Input(shape=(None, num_encoder_tokens))
    encoder = layers.LSTM(latent_dim, return_state=True)
    encoder_outputs, state_h, state_c = encoder(encoder_inputs)
    encoder_states = [state_h, state_c]
    decoder_inputs = keras.Input(shape=(None, num_decoder_tokens))
    decoder_lstm = layers.LSTM(latent_dim, return_sequences=True, return_state=True)
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
    decoder_dense = layers.Dense(num_decoder_tokens, activation="softmax")
    decoder_outputs = decoder_dense(decoder_outputs)
    m = keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)
    return m, [one_hot_sequence(rng, 2, 6, num_encoder_tokens),
               one_hot_sequence(rng, 2, 5, num_decoder_tokens)]


@model("gru_seq2seq",
       "GRU seq2seq with token Embeddings: encoder GRU(return_state=True), decoder "
       "GRU(return_sequences=True)(x, initial_state=[h]), Dense softmax (lstm_seq2seq variant)",
       ["seq2seq", "rnn-state", "rnn", "multi-input", "integer-input"])
def build_gru_seq2seq(rng):
    vocab, dim, latent = 20, 6, 8
    encoder_inputs = keras.Input(shape=(None,), dtype="int32", name="encoder_tokens")
    decoder_inputs = keras.Input(shape=(None,), dtype="int32", name="decoder_tokens")
    x = layers.Embedding(vocab, dim)(encoder_inputs)
    _, state_h = layers.GRU(latent, return_state=True)(x)
    y = layers.Embedding(vocab, dim)(decoder_inputs)
    y = layers.GRU(latent, return_sequences=True)(y, initial_state=[state_h])
    outputs = layers.Dense(vocab, activation="softmax")(y)
    m = keras.Model([encoder_inputs, decoder_inputs], outputs)
    return m, [rng.integers(1, vocab, (2, 7)).astype(np.int32),
               rng.integers(1, vocab, (2, 5)).astype(np.int32)]


@model("convlstm_next_frame",
       "Next-frame prediction: two ConvLSTM2D(return_sequences=True) + BatchNormalization, "
       "Conv3D sigmoid, 4 frames of 8x8x1 (keras.io 'Next-frame video prediction with "
       "convolutional LSTMs', tiny)",
       ["convlstm"])
def build_convlstm_next_frame(rng):
    inp = layers.Input(shape=(None, 8, 8, 1))
    x = layers.ConvLSTM2D(filters=4, kernel_size=(3, 3), padding="same",
                          return_sequences=True, activation="relu")(inp)
    x = layers.BatchNormalization()(x)
    x = layers.ConvLSTM2D(filters=4, kernel_size=(1, 1), padding="same",
                          return_sequences=True, activation="relu")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Conv3D(filters=1, kernel_size=(3, 3, 3), activation="sigmoid", padding="same")(x)
    return keras.Model(inp, x), [uniform(rng, (2, 4, 8, 8, 1), 0.0, 1.0)]


@model("convlstm1d",
       "ConvLSTM1D over 5 steps of 10x2 signals, Flatten, Dense",
       ["convlstm"])
def build_convlstm1d(rng):
    inputs = keras.Input(shape=(5, 10, 2))
    x = layers.ConvLSTM1D(4, 3, padding="same")(inputs)
    x = layers.Flatten()(x)
    outputs = layers.Dense(3)(x)
    return keras.Model(inputs, outputs), [normal(rng, (2, 5, 10, 2))]


def hard_swish(x):
    return x * ops.relu6(x + 3.0) / 6.0


def hard_sigmoid(x):
    return ops.relu6(x + 3.0) / 6.0


@model("mobilenetv3_block",
       "MobileNetV3-style inverted residual with hard-swish written with ops "
       "(x * ops.relu6(x + 3.0) / 6.0), DepthwiseConv2D, squeeze-excite with "
       "GlobalAveragePooling2D(keepdims=True) and x * s, residual add",
       ["ops"])
def build_mobilenetv3_block(rng):
    inputs = keras.Input(shape=(8, 8, 3))
    x = layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    x = hard_swish(x)
    shortcut = x
    x = layers.Conv2D(16, 1, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = hard_swish(x)
    x = layers.DepthwiseConv2D(3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = hard_swish(x)
    s = layers.GlobalAveragePooling2D(keepdims=True)(x)
    s = layers.Conv2D(4, 1, activation="relu")(s)
    s = layers.Conv2D(16, 1)(s)
    s = hard_sigmoid(s)
    x = x * s
    x = layers.Conv2D(8, 1, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.Add()([shortcut, x])
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(4)(x)
    return keras.Model(inputs, outputs), [images(rng, 2, 8, 8, 3)]


@model("ops_reshape_transpose",
       "Functional graph with ops: ops.mean / ops.max pooling over time, ops.concatenate, "
       "ops.reshape, ops.transpose",
       ["ops"])
def build_ops_reshape_transpose(rng):
    inputs = keras.Input(shape=(6, 4))
    h = layers.Dense(8, activation="tanh")(inputs)
    mean = ops.mean(h, axis=1)
    peak = ops.max(h, axis=1)
    pooled = ops.concatenate([mean, peak], axis=-1)
    r = ops.reshape(h, (-1, 12, 4))
    t = ops.transpose(r, axes=(0, 2, 1))
    t = layers.Dense(3)(t)
    flat = ops.reshape(t, (-1, 12))
    x = ops.concatenate([pooled, flat], axis=1)
    outputs = layers.Dense(3)(x)
    return keras.Model(inputs, outputs), [normal(rng, (2, 6, 4))]


@model("ops_arithmetic",
       "Arithmetic on Keras tensors: Dense(8)(h) + 1.0, x * 2.0 - 1.0, ops.square, ops.sqrt, "
       "ops.exp, ops.log(ops.abs(x) + 1.0), ops.clip, Concatenate",
       ["ops"])
def build_ops_arithmetic(rng):
    inputs = keras.Input(shape=(5,))
    h = layers.Dense(8)(inputs) + 1.0
    y = inputs * 2.0 - 1.0
    a = ops.square(h)
    b = ops.sqrt(ops.square(y) + 1.0)
    c = ops.exp(-0.5 * y)
    d = ops.log(ops.abs(h) + 1.0)
    e = ops.clip(h, -1.0, 1.0)
    x = layers.Concatenate()([a, b, c, d, e])
    outputs = layers.Dense(2)(x)
    return keras.Model(inputs, outputs), [normal(rng, (3, 5), 0.7)]


@model("slicing_rnn",
       "Slicing Keras tensors: x[:, 0], x[:, 1:3, :], and x[:, -1, :] (the last time step "
       "of an LSTM's sequence output), Flatten, Concatenate",
       ["ops", "rnn"])
def build_slicing_rnn(rng):
    inputs = keras.Input(shape=(6, 4))
    first = inputs[:, 0]
    window = layers.Flatten()(inputs[:, 1:3, :])
    seq = layers.LSTM(8, return_sequences=True)(inputs)
    last = seq[:, -1, :]
    x = layers.Concatenate()([first, window, last])
    outputs = layers.Dense(3)(x)
    return keras.Model(inputs, outputs), [normal(rng, (2, 6, 4))]


@model("manual_masked_mean",
       "Manual masked mean of embeddings: mask = ops.cast(ops.not_equal(tokens, 0), 'float32'), "
       "ops.sum(emb * mask[..., None], axis=1) / ops.sum(mask, axis=1, keepdims=True)",
       ["ops", "integer-input"])
def build_manual_masked_mean(rng):
    token_ids = keras.Input(shape=(8,), dtype="int32", name="tokens")
    emb = layers.Embedding(30, 8)(token_ids)
    mask = ops.cast(ops.not_equal(token_ids, 0), "float32")
    pooled = ops.sum(emb * mask[..., None], axis=1) / ops.sum(mask, axis=1, keepdims=True)
    x = layers.Dense(8, activation="relu")(pooled)
    outputs = layers.Dense(3, activation="softmax")(x)
    return keras.Model(token_ids, outputs), [tokens(rng, 2, 8, 30)]


@model("bilinear_matmul",
       "Two branches combined with ops.matmul (outer product and a bilinear score), "
       "ops.expand_dims, ops.squeeze, ops.stack",
       ["ops", "multi-input"])
def build_bilinear_matmul(rng):
    user = keras.Input(shape=(4,), name="user")
    item = keras.Input(shape=(5,), name="item")
    u = layers.Dense(6, activation="tanh")(user)
    v = layers.Dense(6, activation="tanh")(item)
    outer = ops.matmul(ops.expand_dims(u, 2), ops.expand_dims(v, 1))      # (batch, 6, 6)
    score = ops.squeeze(ops.matmul(ops.expand_dims(u, 1), ops.expand_dims(v, 2)), axis=(1, 2))
    stacked = ops.stack([u, v], axis=1)                                    # (batch, 2, 6)
    x = layers.Concatenate()([layers.Flatten()(outer), layers.Flatten()(stacked),
                              ops.expand_dims(score, -1)])
    outputs = layers.Dense(2)(x)
    return keras.Model([user, item], outputs), [normal(rng, (2, 4)), normal(rng, (2, 5))]


def ticket_inputs(rng, batch, num_words, num_tags, dtype):
    title = rng.integers(1, num_words, (batch, 6)).astype(dtype)
    body = rng.integers(1, num_words, (batch, 10)).astype(dtype)
    tags = rng.integers(0, 2, (batch, num_tags)).astype(np.float32)
    return title, body, tags


@model("ticket_classifier",
       "Multi-input multi-output ticket model from the keras.io functional API guide: title and "
       "body word ids (float Input of shape (None,), as the guide writes it), tags; outputs "
       "priority (sigmoid) and department (softmax), as lists",
       ["multi-input", "multi-output", "rnn"])
def build_ticket_classifier(rng):
    num_tags, num_words, num_departments = 6, 50, 4
    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(num_tags,), name="tags")
    title_features = layers.Embedding(num_words, 8)(title_input)
    body_features = layers.Embedding(num_words, 8)(body_input)
    title_features = layers.LSTM(8)(title_features)
    body_features = layers.LSTM(6)(body_features)
    x = layers.concatenate([title_features, body_features, tags_input])
    priority_pred = layers.Dense(1, activation="sigmoid", name="priority")(x)
    department_pred = layers.Dense(num_departments, activation="softmax", name="department")(x)
    m = keras.Model(inputs=[title_input, body_input, tags_input],
                    outputs=[priority_pred, department_pred])
    return m, list(ticket_inputs(rng, 2, num_words, num_tags, np.float32))


@model("ticket_classifier_dict",
       "The ticket model with int32 token inputs and dict inputs and outputs: "
       "keras.Model(inputs={'title', 'body', 'tags'}, outputs={'priority', 'department'})",
       ["multi-input", "multi-output", "dict-io", "integer-input", "rnn"])
def build_ticket_classifier_dict(rng):
    num_tags, num_words, num_departments = 6, 50, 4
    title_input = keras.Input(shape=(None,), dtype="int32", name="title")
    body_input = keras.Input(shape=(None,), dtype="int32", name="body")
    tags_input = keras.Input(shape=(num_tags,), name="tags")
    title_features = layers.LSTM(8)(layers.Embedding(num_words, 8)(title_input))
    body_features = layers.LSTM(6)(layers.Embedding(num_words, 8)(body_input))
    x = layers.concatenate([title_features, body_features, tags_input])
    priority = layers.Dense(1, activation="sigmoid", name="priority")(x)
    department = layers.Dense(num_departments, activation="softmax", name="department")(x)
    m = keras.Model(inputs={"title": title_input, "body": body_input, "tags": tags_input},
                    outputs={"priority": priority, "department": department})
    title, body, tags = ticket_inputs(rng, 2, num_words, num_tags, np.int32)
    by_key = {"title": title, "body": body, "tags": tags}
    keys = [path[0] for path, _ in keras.tree.flatten_with_path(m.input)]
    return m, [by_key[k] for k in keys]


@model("siamese_nested_sequential",
       "Siamese network: one Sequential conv feature extractor nested in a Functional model and "
       "called on two images (shared weights), |a - b| distance, sigmoid head",
       ["nested", "shared-layer", "multi-input", "ops"])
def build_siamese_nested_sequential(rng):
    embedding_network = keras.Sequential([
        keras.Input(shape=(12, 12, 1)),
        layers.Conv2D(4, 3, activation="tanh"),
        layers.AveragePooling2D(pool_size=(2, 2)),
        layers.Conv2D(8, 3, activation="tanh"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(8, activation="tanh"),
    ], name="embedding_network")
    input_1 = keras.Input(shape=(12, 12, 1))
    input_2 = keras.Input(shape=(12, 12, 1))
    tower_1 = embedding_network(input_1)
    tower_2 = embedding_network(input_2)
    distance = ops.abs(tower_1 - tower_2)
    x = layers.BatchNormalization()(distance)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    m = keras.Model(inputs=[input_1, input_2], outputs=outputs)
    left = images(rng, 2, 12, 12, 1)
    right = np.stack([left[0] + normal(rng, (12, 12, 1), 0.05),   # a near-duplicate pair
                      1.0 - images(rng, 1, 12, 12, 1)[0] ** 2])     # an unrelated pair
    return m, [left, right.astype(np.float32)]


@model("time_distributed",
       "Video-style model: TimeDistributed(Conv2D), TimeDistributed(MaxPooling2D), "
       "TimeDistributed(Flatten), TimeDistributed(Dense) over 4 frames of 8x8x1, then GRU",
       ["time-distributed", "rnn"])
def build_time_distributed(rng):
    inputs = keras.Input(shape=(4, 8, 8, 1))
    x = layers.TimeDistributed(layers.Conv2D(4, (3, 3), activation="relu"))(inputs)
    x = layers.TimeDistributed(layers.MaxPooling2D((2, 2)))(x)
    x = layers.TimeDistributed(layers.Flatten())(x)
    x = layers.TimeDistributed(layers.Dense(8, activation="relu"))(x)
    x = layers.GRU(8)(x)
    outputs = layers.Dense(3, activation="softmax")(x)
    return keras.Model(inputs, outputs), [uniform(rng, (2, 4, 8, 8, 1), 0.0, 1.0)]


@model("text_cnn",
       "1D convnet text classifier: int64 token Input of shape (None,), Embedding (no mask), "
       "Dropout, two Conv1D, GlobalMaxPooling1D, Dense (keras.io 'Text classification from scratch')",
       ["integer-input"])
def build_text_cnn(rng):
    max_features, embedding_dim = 50, 8
    inputs = keras.Input(shape=(None,), dtype="int64")
    x = layers.Embedding(max_features, embedding_dim)(inputs)
    x = layers.Dropout(0.5)(x)
    x = layers.Conv1D(16, 3, padding="valid", activation="relu", strides=1)(x)
    x = layers.Conv1D(16, 3, padding="valid", activation="relu", strides=2)(x)
    x = layers.GlobalMaxPooling1D()(x)
    x = layers.Dense(16, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)
    return keras.Model(inputs, predictions), [
        rng.integers(0, max_features, (2, 10)).astype(np.int64)]


@model("conv_autoencoder",
       "Convolutional autoencoder: Conv2D + MaxPooling2D encoder, Conv2DTranspose(strides=2) "
       "decoder, sigmoid Conv2D output (keras.io 'Convolutional autoencoder for image denoising')",
       [])
def build_conv_autoencoder(rng):
    inputs = layers.Input(shape=(16, 16, 1))
    x = layers.Conv2D(8, (3, 3), activation="relu", padding="same")(inputs)
    x = layers.MaxPooling2D((2, 2), padding="same")(x)
    x = layers.Conv2D(8, (3, 3), activation="relu", padding="same")(x)
    x = layers.MaxPooling2D((2, 2), padding="same")(x)
    x = layers.Conv2DTranspose(8, (3, 3), strides=2, activation="relu", padding="same")(x)
    x = layers.Conv2DTranspose(8, (3, 3), strides=2, activation="relu", padding="same")(x)
    x = layers.Conv2D(1, (3, 3), activation="sigmoid", padding="same")(x)
    return keras.Model(inputs, x, name="autoencoder"), [images(rng, 2, 16, 16, 1)]


@model("vae_encoder",
       "VAE encoder as keras.io 'Variational AutoEncoder' writes it, without the Sampling layer: "
       "strided Conv2D, Flatten, Dense, outputs z_mean and z_log_var",
       ["multi-output"])
def build_vae_encoder(rng):
    latent_dim = 2
    encoder_inputs = keras.Input(shape=(16, 16, 1))
    x = layers.Conv2D(8, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
    x = layers.Conv2D(16, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(16, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    encoder = keras.Model(encoder_inputs, [z_mean, z_log_var], name="encoder")
    return encoder, [images(rng, 2, 16, 16, 1)]


@model("wide_and_deep",
       "Wide & deep: a linear path on wide features and a deep MLP merged with "
       "layers.concatenate and layers.add, sigmoid",
       ["multi-input"])
def build_wide_and_deep(rng):
    wide = keras.Input(shape=(8,), name="wide")
    deep = keras.Input(shape=(6,), name="deep")
    linear = layers.Dense(1)(wide)
    h = layers.Dense(16, activation="relu")(deep)
    h = layers.Dense(8, activation="relu")(h)
    deep_out = layers.Dense(1)(h)
    both = layers.concatenate([wide, h])
    cross = layers.Dense(1)(both)
    logit = layers.add([linear, deep_out, cross])
    outputs = layers.Activation("sigmoid")(logit)
    return keras.Model([wide, deep], outputs), [
        rng.integers(0, 2, (3, 8)).astype(np.float32), normal(rng, (3, 6))]


@model("attention_query_value",
       "layers.Attention()([query, value]) on a shared Embedding and shared Conv1D, "
       "GlobalAveragePooling1D, Concatenate (the keras.layers.Attention docstring example)",
       ["attention", "multi-input", "shared-layer", "integer-input"])
def build_attention_query_value(rng):
    max_tokens, dimension = 30, 8
    query_input = keras.Input(shape=(None,), dtype="int32")
    value_input = keras.Input(shape=(None,), dtype="int32")
    token_embedding = layers.Embedding(input_dim=max_tokens, output_dim=dimension)
    query_embeddings = token_embedding(query_input)
    value_embeddings = token_embedding(value_input)
    cnn_layer = layers.Conv1D(filters=8, kernel_size=3, padding="same")
    query_seq_encoding = cnn_layer(query_embeddings)
    value_seq_encoding = cnn_layer(value_embeddings)
    query_value_attention_seq = layers.Attention()([query_seq_encoding, value_seq_encoding])
    query_encoding = layers.GlobalAveragePooling1D()(query_seq_encoding)
    query_value_attention = layers.GlobalAveragePooling1D()(query_value_attention_seq)
    input_layer = layers.Concatenate()([query_encoding, query_value_attention])
    outputs = layers.Dense(2)(input_layer)
    return keras.Model([query_input, value_input], outputs), [
        rng.integers(0, max_tokens, (2, 5)).astype(np.int32),
        rng.integers(0, max_tokens, (2, 7)).astype(np.int32)]


@model("stacked_rnn",
       "Stacked LSTM(return_sequences=True) -> LSTM, and a parallel GRU(reset_after=True), "
       "concatenated into a Dense head",
       ["rnn"])
def build_stacked_rnn(rng):
    inputs = keras.Input(shape=(8, 4))
    x = layers.LSTM(8, return_sequences=True)(inputs)
    x = layers.LSTM(8)(x)
    g = layers.GRU(8, reset_after=True)(inputs)
    x = layers.concatenate([x, g])
    outputs = layers.Dense(2)(x)
    return keras.Model(inputs, outputs), [normal(rng, (2, 8, 4))]


@model("augmentation_convnet",
       "Image augmentation in the model (RandomFlip, RandomRotation, RandomZoom in a nested "
       "Sequential, identity at inference), Rescaling(1/255), conv stack "
       "(keras.io 'Image classification from scratch')",
       ["preprocessing", "nested"])
def build_augmentation_convnet(rng):
    data_augmentation = keras.Sequential([
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.1),
    ], name="data_augmentation")
    inputs = keras.Input(shape=(16, 16, 3))
    x = data_augmentation(inputs)
    x = layers.Rescaling(1.0 / 255)(x)
    x = layers.Conv2D(8, 3, activation="relu")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs), [images(rng, 2, 16, 16, 3, pixels=True)]


@model("reshape_permute_repeat",
       "Lambda-free reshaping layers: layers.Identity, Reshape((-1, 4)), Permute((2, 1)), "
       "RepeatVector, then an LSTM decoder (sequence autoencoder idiom)",
       ["rnn"])
def build_reshape_permute_repeat(rng):
    inputs = keras.Input(shape=(16,))
    x = layers.Identity()(inputs)
    x = layers.Reshape((-1, 4))(x)
    x = layers.Permute((2, 1))(x)
    x = layers.Dense(6, activation="tanh")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(5, activation="tanh")(x)
    x = layers.RepeatVector(3)(x)
    x = layers.LSTM(6, return_sequences=True)(x)
    outputs = layers.Dense(2)(x)
    return keras.Model(inputs, outputs), [normal(rng, (2, 16))]


@model("category_encoding",
       "Integer features without string ops: CategoryEncoding(output_mode='multi_hot') of a "
       "bag of ids, CategoryEncoding(output_mode='one_hot') of a single id, and an Embedding",
       ["preprocessing", "multi-input", "integer-input"])
def build_category_encoding(rng):
    bag = keras.Input(shape=(4,), dtype="int32", name="bag")
    kind = keras.Input(shape=(1,), dtype="int32", name="kind")
    city = keras.Input(shape=(1,), dtype="int32", name="city")
    a = layers.CategoryEncoding(num_tokens=12, output_mode="multi_hot")(bag)
    b = layers.CategoryEncoding(num_tokens=5, output_mode="one_hot")(kind)
    c = layers.Flatten()(layers.Embedding(20, 4)(city))
    x = layers.concatenate([a, b, c])
    x = layers.Dense(8, activation="relu")(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model([bag, kind, city], outputs), [
        rng.integers(0, 12, (3, 4)).astype(np.int32),
        rng.integers(0, 5, (3, 1)).astype(np.int32),
        rng.integers(0, 20, (3, 1)).astype(np.int32)]


@model("efficientnet_block",
       "EfficientNet MBConv block: expand Conv2D, DepthwiseConv2D, BatchNormalization, "
       "Activation('swish'), squeeze-excite with Reshape + 1x1 Conv2D + layers.multiply, "
       "project Conv2D, Dropout(noise_shape=(None, 1, 1, 1)), layers.add residual "
       "(keras.applications EfficientNet block)",
       [])
def build_efficientnet_block(rng):
    inputs = keras.Input(shape=(8, 8, 3))
    x = layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("swish")(x)
    block_input = x
    filters = 8 * 2
    x = layers.Conv2D(filters, 1, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("swish")(x)
    x = layers.DepthwiseConv2D(3, strides=1, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("swish")(x)
    se = layers.GlobalAveragePooling2D()(x)
    se = layers.Reshape((1, 1, filters))(se)
    se = layers.Conv2D(4, 1, padding="same", activation="swish")(se)
    se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid")(se)
    x = layers.multiply([x, se])
    x = layers.Conv2D(8, 1, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.Dropout(0.2, noise_shape=(None, 1, 1, 1))(x)
    x = layers.add([x, block_input])
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(3, activation="softmax")(x)
    return keras.Model(inputs, outputs), [images(rng, 2, 8, 8, 3)]


# ----------------------------------------------------------------------------
# Weights
# ----------------------------------------------------------------------------


def all_layers(layer):
    """``layer`` and every layer inside it (nested models, wrappers' inner layers)."""
    out = [layer]
    for sub in getattr(layer, "_layers", []) or []:
        out.extend(all_layers(sub))
    for attr in ("layer", "forward_layer", "backward_layer", "cell"):
        sub = getattr(layer, attr, None)
        if isinstance(sub, keras.layers.Layer):
            out.extend(all_layers(sub))
    return out


def randomize_weights(m, rng):
    """Draws every float weight of ``m`` from ``rng`` by its name (see the module
    docstring); the weights of adapted Normalization layers are left as adapted."""
    adapted = set()
    for layer in all_layers(m):
        if isinstance(layer, layers.Normalization):
            adapted.update(id(v) for v in layer.weights)
    for v in m.weights:
        if id(v) in adapted or "float" not in str(v.dtype):
            continue
        shape = tuple(v.shape)
        name = v.name
        if name == "moving_variance":
            value = rng.uniform(0.5, 1.5, shape)
        elif name == "moving_mean":
            value = rng.normal(0.0, 0.3, shape)
        elif name == "gamma":
            value = rng.normal(1.0, 0.2, shape)
        elif name in ("bias", "beta") or len(shape) < 2:
            value = rng.normal(0.0, 0.2, shape)
        elif name == "embeddings":
            value = rng.normal(0.0, 0.6, shape)
        else:  # kernels: variance 2 / fan_in (He)
            if "depthwise" in v.path and "pointwise" not in name:
                fan_in = int(np.prod(shape[:-2]))        # (kh, kw, channels, multiplier)
            else:
                fan_in = int(np.prod(shape[:-1]))
            value = rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)
        v.assign(np.asarray(value, dtype=np.float32))


def finalize(m):
    """After ``set_weights``, an adapted Normalization must recompute what it uses."""
    for layer in all_layers(m):
        if isinstance(layer, layers.Normalization):
            layer.finalize_state()


# ----------------------------------------------------------------------------
# JSON
# ----------------------------------------------------------------------------


def float_list(a):
    """Shortest decimals that read back (as float32, and as float64 then float32) to ``a``."""
    a = np.asarray(a, dtype=np.float32).ravel()
    out = [float(str(v)) for v in a]
    back = np.asarray(out, dtype=np.float64).astype(np.float32)
    bad = ~((back == a) | (np.isnan(back) & np.isnan(a))) | (np.signbit(back) != np.signbit(a))
    for i in np.flatnonzero(bad):
        out[i] = float(a[i])  # exact float64 of the float32
    assert np.array_equal(np.asarray(out, np.float64).astype(np.float32).view(np.uint32),
                          a.view(np.uint32))
    return out


def data_list(a):
    a = np.asarray(a)
    if np.issubdtype(a.dtype, np.integer):
        return [int(v) for v in a.ravel()]
    return float_list(a)


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"), allow_nan=False)


def write_record(path, record):
    """Top-level keys one per line, each input/output on a line of its own."""
    lines = []
    for key, value in record.items():
        if key in ("inputs", "outputs"):
            inner = ",\n".join("  " + dumps(v) for v in value)
            lines.append(f"{dumps(key)}:[\n{inner}\n]")
        else:
            lines.append(f"{dumps(key)}:{dumps(value)}")
    text = "{\n" + ",\n".join(lines) + "\n}\n"
    json.loads(text)
    with open(path, "w") as f:
        f.write(text)


def io_keys(structure):
    """The dict key of each flattened tensor (None when the structure is not a dict)."""
    if isinstance(structure, dict):
        return [path[0] for path, _ in keras.tree.flatten_with_path(structure)]
    return [None] * len(keras.tree.flatten(structure))


def output_names(m):
    return [t._keras_history.operation.name for t in m.outputs]


# ----------------------------------------------------------------------------
# .keras archives
# ----------------------------------------------------------------------------


def renumber_shared_ids(text):
    """``shared_object_id`` values are Python ``id()``s (memory addresses), new on
    every run: replace each by the order of its first appearance."""
    order = {}

    def number(match):
        return f'"shared_object_id": {order.setdefault(match.group(1), len(order))}'

    return re.sub(r'"shared_object_id": (\d+)', number, text)


def archive_members(path):
    """``{member name: bytes}`` with ``date_saved`` removed from metadata.json
    and ``shared_object_id`` values renumbered in config.json."""
    with zipfile.ZipFile(path) as z:
        out = {}
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "metadata.json":
                meta = json.loads(data)
                meta.pop("date_saved", None)
                data = dumps(meta).encode()
            elif info.filename == "config.json":
                data = renumber_shared_ids(data.decode()).encode()
            out[info.filename] = data
        return out


def save_archive(m, path):
    """``m.save`` into a temporary file; replaces ``path`` unless the existing
    archive has the same members (apart from ``date_saved``). Returns whether
    the file was (re)written."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = os.path.join(tmp, os.path.basename(path))
        m.save(fresh)
        if (os.path.exists(path)
                and list(archive_members(path).items()) == list(archive_members(fresh).items())):
            return False
        with open(fresh, "rb") as src, open(path, "wb") as dst:
            dst.write(src.read())
        return True


# ----------------------------------------------------------------------------
# Building, checking, writing
# ----------------------------------------------------------------------------


def check_outputs(name, outputs):
    for i, y in enumerate(outputs):
        assert np.all(np.isfinite(y)), f"{name}: output {i} is not finite"
        assert float(np.std(y)) > 1e-3, f"{name}: output {i} is constant (std {np.std(y):.2g})"
        rows = y.reshape(y.shape[0], -1)
        assert np.max(np.abs(rows - rows[0])) > 1e-4, f"{name}: output {i} is the same for every row"


def max_diff(a, b):
    return max(float(np.max(np.abs(x.astype(np.float64) - y))) for x, y in zip(a, b))


def make(entry):
    name = entry["name"]
    seed = zlib.crc32(name.encode())
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed % (2 ** 31))
    rng = np.random.default_rng(seed)

    m, inputs = entry["build"](rng)
    randomize_weights(m, rng)
    assert len(inputs) == len(m.inputs), f"{name}: {len(inputs)} arrays for {len(m.inputs)} inputs"
    outputs = fc.call_model(m, inputs)
    check_outputs(name, outputs)
    params = int(m.count_params())
    assert params < MAX_PARAMS, f"{name}: {params} parameters"

    keras_path = archive_path(name)
    rewritten = save_archive(m, keras_path)

    # The saved file must reproduce the outputs.
    loaded = keras.saving.load_model(keras_path)
    diff = max_diff(fc.call_model(loaded, inputs), outputs)
    assert diff <= 1e-6, f"{name}: load_model output differs by {diff}"
    # The JSON config must build, and reproduce the outputs with the weights.
    rebuilt = keras.models.model_from_json(m.to_json())
    rebuilt.set_weights(m.get_weights())
    finalize(rebuilt)
    json_diff = max_diff(fc.call_model(rebuilt, inputs), outputs)
    assert json_diff <= 1e-6, f"{name}: model_from_json output differs by {json_diff}"

    if isinstance(m, keras.Sequential):
        in_keys, out_keys = [None], [None]
    else:
        in_keys, out_keys = io_keys(m.input), io_keys(m.output)
    record = {
        "name": name,
        "description": entry["description"],
        "features": entry["features"],
        "params": params,
        "inputs": [],
        "outputs": [],
    }
    for tensor, key, x in zip(m.inputs, in_keys, inputs):
        assert tuple(x.shape[1:]) == tuple(d if d is not None else x.shape[i + 1]
                                           for i, d in enumerate(tensor.shape[1:])), name
        item = {"name": tensor._keras_history.operation.name}
        if key is not None:
            item["key"] = key
        item.update({"shape": list(x.shape), "dtype": str(x.dtype), "data": data_list(x)})
        record["inputs"].append(item)
    for out_name, key, y in zip(output_names(m), out_keys, outputs):
        item = {"name": out_name}
        if key is not None:
            item["key"] = key
        item.update({"shape": list(y.shape), "dtype": "float32", "data": data_list(y)})
        record["outputs"].append(item)
    json_path = os.path.join(OUT_DIR, name + ".json")
    write_record(json_path, record)

    sizes = (os.path.getsize(keras_path), os.path.getsize(json_path))
    assert sizes[1] <= MAX_JSON_BYTES, f"{name}: {json_path} is {sizes[1]} bytes"
    return {"name": name, "features": entry["features"], "params": params,
            "keras": sizes[0], "json": sizes[1], "rewritten": rewritten,
            "load_diff": diff, "json_diff": json_diff}


def main(argv):
    for folder in (OUT_DIR, SPECS_DIR):
        os.makedirs(folder, exist_ok=True)
    names = [e["name"] for e in MODELS]
    assert len(set(names)) == len(names), "duplicate model names"
    selected = argv or names
    unknown = sorted(set(selected) - set(names))
    if unknown:
        sys.exit(f"unknown model(s): {', '.join(unknown)}")
    rows = [make(e) for e in MODELS if e["name"] in selected]

    print(f"{'model':28} {'params':>7} {'.keras':>7} {'.json':>7}  archive    features")
    for r in rows:
        print(f"{r['name']:28} {r['params']:7d} {r['keras']:7d} {r['json']:7d}  "
              f"{'written' if r['rewritten'] else 'kept':9}  {', '.join(r['features'])}")
    total = sum(r["keras"] + r["json"] for r in rows)
    print(f"{len(rows)} models; {total} bytes ({total / 1024:.1f} KiB apparent)")
    large = [r["name"] for r in rows if r["keras"] > MAX_KERAS_BYTES]
    if large:
        print(f"{len(large)} archives over {MAX_KERAS_BYTES // 1024} KB: {', '.join(large)}")
    print(f"largest load_model difference {max(r['load_diff'] for r in rows):.3g}, "
          f"model_from_json {max(r['json_diff'] for r in rows):.3g}")


if __name__ == "__main__":
    main(sys.argv[1:])
