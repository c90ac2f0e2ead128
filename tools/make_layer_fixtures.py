"""Makes the layer-catalogue fixtures (issue 4) of swift-model-generator.

Keras is the oracle: every spec, weight, output, config default and error
message written here comes from Keras 3.15.1 itself.

Setup and run (from anywhere; paths are relative to this file)::

    pip install keras jax h5py      # made with keras 3.15.1, jax 0.10
    KERAS_BACKEND=jax python tools/make_layer_fixtures.py

Deterministic (numpy seeds derived from the case names; Keras's own
initializers are never used for values) and re-runnable: it removes what it
wrote before (every case folder, i.e. every folder holding a ``spec.json``
under ``Tests/Fixtures/layers/`` or a ``weight_formula.json`` under
``Tests/Fixtures/applications/``, the applications' specs, and the three JSON
files below) and writes it again; a rerun leaves every file
byte-identical (it re-executes itself with ``PYTHONHASHSEED=0``, since
some Keras error messages print Python sets). The hand-written ``Tests/Fixtures/layers/SEMANTICS.md`` is
not touched. It refuses other backends (the oracle is JAX on CPU). Runs in
about 2.5 minutes on two cores. It writes:

* ``Tests/Fixtures/layers/CASE/`` for every case (one layer x one option
  combination, CASE in snake_case, e.g. ``conv2d_same_strides2``):

  - ``spec.json``: ``model.to_json(indent=2)`` of a small model, usually
    ``Sequential([InputLayer, the layer])`` named CASE; a Functional model
    where the layer takes several inputs (attention) or gives several outputs
    (``return_state``, Bidirectional ``merge_mode=None``). Deliberately not
    ``*.model.json``, so the build plugin does not pick it up.
  - ``arrays.npz``: the case's arrays, one zip of ``.npy`` members
    (``fixture_common.save_arrays``: stored, dated 1980-01-01; ``numpy.load``
    reads it), in this order:

    - ``input.npy`` (or ``input_0.npy``, ``input_1.npy``, ... in
      ``model.inputs`` order): float32, batch 2, N(0, 1) values; Embedding
      cases hold integer token ids stored as float32.
    - ``output.npy`` (or ``output_N.npy`` in ``model.outputs`` order):
      ``model(x, training=False)``, float32.
    - ``weights_NN.npy``: ``model.get_weights()`` in order, float32, random
      (never the initializers' zeros/ones): kernels N(0, min(0.5,
      1/sqrt(fan_in))^2) with fan_in = size / last dim, biases, betas and
      other vectors N(0, 0.5^2), gammas and scales N(1, 0.4^2), moving and
      adapted means +-U(0.2, 1), moving and adapted variances U(0.5, 2), PReLU
      alphas N(0.2, 0.3^2). The one integer weight, Normalization's ``count``,
      is ``<i4`` and stays 0 (Keras's ``adapt`` never changes it).

  - ``model.weights.h5`` (Keras's ``save_weights``) only for cases whose
    paths are interesting: BatchNormalization, RNN cells, Bidirectional,
    TimeDistributed, MultiHeadAttention, EinsumDense, adapted Normalization.

* ``Tests/Fixtures/layers/cases.json``: one entry per case: ``case``,
  ``class_name`` (the layer under test), ``group`` (1-7, the issue's priority
  order), ``model`` (Sequential/Functional), ``options`` (the constructor
  arguments the case passes, i.e. the non-default config values exercised),
  ``input_shapes``, ``input_dtypes``, ``output_shapes``, ``weights``
  (``[name, shape, trainable]``), ``weight_paths`` (``[[path, shape], ...]``
  in ``get_weights()`` order, the Keras 3 object paths in a ``.weights.h5``
  file, e.g. ``layers/gru/cell/vars/0``, matched by value and by marker,
  ``fixture_common.match_weight_paths``; empty for weightless cases),
  ``weights_h5`` and ``notes``.
* ``Tests/Fixtures/layers/defaults.json``: per layer class, the required
  arguments used and Keras's ``get_config()`` (name removed, key order kept)
  of that minimally configured, built layer, with its weights
  ``[name, shape, trainable]``: what a minimal hand-written spec must become.
* ``Tests/Fixtures/layers/errors.json``: option combinations Keras refuses,
  each with the exception type and message (or the output shape when it
  accepts, for contrast).
* ``Tests/Fixtures/applications/{mobilenet_v2,resnet50}/``, whose spec
  (``keras.applications.MobileNetV2(alpha=0.35,
  input_shape=(96, 96, 3), weights=None)`` and ``keras.applications.ResNet50(
  weights=None, input_shape=(64, 64, 3))``, ``to_json(indent=2)``) is written
  once, to ``Checks/Tests/LargeGraphTests/NAME.model.json`` (the Checks package
  compiles it and compares it with these fixtures):
  ``arrays.npz`` (as above) with ``input.npy`` (batch 1, U(-1, 1), numpy
  seed 1 resp. 2), ``output.npy`` (the softmax probabilities) and
  ``logits.npy`` (the pre-softmax values of the final Dense ``predictions``,
  for a sharper comparison), ``weight_paths.json``,
  ``weight_formula.json`` (per weight: name, layer class, offset, scale, mode)
  and ``layer_counts.json`` (class name -> count). No weights are stored:
  every weight is set from this formula, which both sides can compute
  bit-exactly (only IEEE-754 multiply, add, floor, sqrt; no FMA)::

      for weight i (0-based, model.get_weights() order), shape S, n elements,
      flat C-order index j = 0 ..< n, all in float64:
          x = 0.6180339887498949 * j + 0.4142135623730951 * i
          u = x - floor(x)                     # in [0, 1)
          w = u            if mode == "unsigned"
          w = 2 * u - 1    if mode == "signed"
          value[j] = float32(offset + scale * w)
      by the Keras variable name (and layer class):
          gamma, moving_variance:  offset 0.75, scale 0.5,  unsigned -> [0.75, 1.25)
          beta, moving_mean, bias: offset 0,    scale 0.05, signed   -> [-0.05, 0.05)
          kernel (any other):      offset 0,    scale sqrt(12 / fan_in), signed
              fan_in = n / S[-1], except DepthwiseConv2D kernels
              (kh, kw, C, m): fan_in = kh * kw

  i.e. kernels are uniform-like with variance 4 / fan_in (He-like gain 2
  for ReLU). Activations stay between about 0.05 and 20 (std) through both
  networks and depend on the input (checked: finite, not constant, and two
  different inputs give clearly different values at every layer).

Every case is also loaded back with plain ``keras.models.model_from_json``;
with the fixture weights (``set_weights``, then ``finalize_state()`` for
adapted Normalization, whose ``set_weights`` alone leaves the old mean) it
must reproduce the outputs, and the ``.weights.h5`` cases must reproduce
them through ``load_weights`` too. The applications are rebuilt from their
spec and refilled from the formula. Total size is printed at the end.
"""

import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
import zlib

os.environ.setdefault("KERAS_BACKEND", "jax")

# Some Keras error messages print Python sets ("one of {'valid', 'same'}"),
# whose order depends on string hashing: run with a fixed hash seed so that
# errors.json is the same on every run.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

sys.dont_write_bytecode = True  # keep tools/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

import fixture_common as fc  # noqa: E402

if keras.backend.backend() != "jax":
    sys.exit("make_layer_fixtures.py must run with KERAS_BACKEND=jax")

# layer_normalization_rms_scaling passes the deprecated argument on purpose.
warnings.filterwarnings("ignore", message=".*rms_scaling=True.*")

LAYERS_DIR = os.path.join(fc.FIXTURES_DIR, "layers")
APPLICATIONS_DIR = os.path.join(fc.FIXTURES_DIR, "applications")
APPLICATION_SPECS_DIR = os.path.join(fc.ROOT, "Checks", "Tests", "LargeGraphTests")
BATCH = 2


# ----------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------


class Case:
    """One fixture: a model around the layer under test.

    ``build()`` returns the model (called right after ``clear_session()``,
    so auto-generated layer names are the same on every run); ``options``
    are the constructor arguments exercised (for cases.json); ``inputs`` is
    a list of ``(shape without batch, kind)`` with kind ``"normal"``,
    ``("int", high)`` for token ids in [0, high) or ``("int_masked", high)``
    for ids in [1, high) followed by trailing zeros (masked padding)."""

    def __init__(self, name, group, class_name, build, inputs, options,
                 h5=False, notes=None):
        self.name, self.group, self.class_name = name, group, class_name
        self.build, self.inputs, self.options = build, inputs, options
        self.h5, self.notes = h5, notes


CASES = []


def add(case):
    assert case.name not in {c.name for c in CASES}, case.name
    CASES.append(case)


def single(name, group, class_name, input_shape, h5=False, notes=None,
           input_kind="normal", input_dtype=None, **kwargs):
    """Sequential([Input(input_shape), layers.<class_name>(**kwargs)])."""

    def build():
        inp = (keras.Input(shape=input_shape, dtype=input_dtype)
               if input_dtype else keras.Input(shape=input_shape))
        return keras.Sequential([inp, getattr(layers, class_name)(**kwargs)], name=name)

    add(Case(name, group, class_name, build, [(input_shape, input_kind)], kwargs,
             h5=h5, notes=notes))


def stack(name, group, class_name, input_shape, make_layers, options,
          h5=False, notes=None, input_kind="normal", input_dtype=None):
    """Sequential([Input(input_shape), *make_layers()])."""

    def build():
        inp = (keras.Input(shape=input_shape, dtype=input_dtype)
               if input_dtype else keras.Input(shape=input_shape))
        return keras.Sequential([inp] + list(make_layers()), name=name)

    add(Case(name, group, class_name, build, [(input_shape, input_kind)], options,
             h5=h5, notes=notes))


def functional(name, group, class_name, input_specs, make_outputs, options,
               h5=False, notes=None):
    """Functional model: ``input_specs`` is ``[(input name, shape), ...]``,
    ``make_outputs(*input tensors)`` returns the output tensor(s)."""

    def build():
        ins = [keras.Input(shape=s, name=n) for n, s in input_specs]
        outs = make_outputs(*ins)
        if isinstance(outs, tuple):
            outs = list(outs)
        return keras.Model(ins if len(ins) > 1 else ins[0], outs, name=name)

    add(Case(name, group, class_name, build, [(s, "normal") for _, s in input_specs],
             options, h5=h5, notes=notes))


# Spatial input sizes: odd and unequal so that edges and asymmetric padding
# matter. Channels last.
S1 = (9, 3)          # steps, channels
S2 = (7, 6, 3)       # height, width, channels
S3 = (5, 6, 4, 2)    # depth, height, width, channels

# --- Group 1: convolutions ---------------------------------------------------

single("conv1d_valid", 1, "Conv1D", S1, filters=4, kernel_size=3)
single("conv1d_same_strides2", 1, "Conv1D", S1, filters=4, kernel_size=3, strides=2,
       padding="same")
single("conv1d_same_kernel4_strides2", 1, "Conv1D", S1, filters=4, kernel_size=4,
       strides=2, padding="same",
       notes="'same' with an even kernel: total padding 3, split 1 before / 2 after")
single("conv1d_valid_strides3_no_bias", 1, "Conv1D", S1, filters=2, kernel_size=2,
       strides=3, use_bias=False)
single("conv1d_causal_dilation2", 1, "Conv1D", S1, filters=4, kernel_size=3,
       padding="causal", dilation_rate=2,
       notes="causal: left pad dilation*(kernel-1) = 4, then 'valid'")
single("conv1d_causal_strides2", 1, "Conv1D", S1, filters=3, kernel_size=3, strides=2,
       padding="causal")
single("conv1d_groups2_relu", 1, "Conv1D", (9, 4), filters=6, kernel_size=3, groups=2,
       activation="relu")
single("conv2d_valid", 1, "Conv2D", S2, filters=5, kernel_size=3)
single("conv2d_valid_kernel3x2_strides2x3", 1, "Conv2D", S2, filters=4,
       kernel_size=(3, 2), strides=(2, 3))
single("conv2d_same_strides2", 1, "Conv2D", S2, filters=4, kernel_size=3, strides=2,
       padding="same",
       notes="height 7: total pad 2 (1/1); width 6: total pad 1 (0 before, 1 after)")
single("conv2d_same_kernel4", 1, "Conv2D", S2, filters=3, kernel_size=4, padding="same",
       notes="even kernel, stride 1: total pad 3 = 1 before + 2 after")
single("conv2d_same_dilation2", 1, "Conv2D", S2, filters=4, kernel_size=3,
       padding="same", dilation_rate=2)
single("conv2d_valid_dilation2x1_tanh", 1, "Conv2D", S2, filters=4, kernel_size=3,
       dilation_rate=(2, 1), activation="tanh")
single("conv2d_groups3_no_bias", 1, "Conv2D", (7, 6, 6), filters=6, kernel_size=2,
       groups=3, use_bias=False)
single("conv2d_1x1_sigmoid", 1, "Conv2D", S2, filters=4, kernel_size=1,
       activation="sigmoid")
single("conv3d_valid", 1, "Conv3D", S3, filters=3, kernel_size=(2, 3, 2))
single("conv3d_same_strides2", 1, "Conv3D", S3, filters=3, kernel_size=3, strides=2,
       padding="same")
single("conv3d_same_dilation_1x2x1_groups2", 1, "Conv3D", S3, filters=4,
       kernel_size=(2, 3, 2), padding="same", dilation_rate=(1, 2, 1), groups=2)
single("conv1d_transpose_valid", 1, "Conv1DTranspose", S1, filters=3, kernel_size=3)
single("conv1d_transpose_same_strides2", 1, "Conv1DTranspose", S1, filters=3,
       kernel_size=3, strides=2, padding="same")
single("conv1d_transpose_valid_kernel2_strides3", 1, "Conv1DTranspose", S1, filters=2,
       kernel_size=2, strides=3,
       notes="kernel < strides, 'valid': length (n-1)*s + max(k, s) = 27")
single("conv1d_transpose_valid_strides3_output_padding2", 1, "Conv1DTranspose", S1,
       filters=2, kernel_size=4, strides=3, output_padding=2)
single("conv1d_transpose_same_strides3_output_padding1", 1, "Conv1DTranspose", S1,
       filters=2, kernel_size=4, strides=3, padding="same", output_padding=1,
       notes="'same' with output_padding: (n-1)*s + k%2 + output_padding = 25")
single("conv1d_transpose_same_dilation2", 1, "Conv1DTranspose", S1, filters=3,
       kernel_size=3, padding="same", dilation_rate=2)
single("conv2d_transpose_valid_strides2", 1, "Conv2DTranspose", S2, filters=3,
       kernel_size=3, strides=2)
single("conv2d_transpose_same_strides2", 1, "Conv2DTranspose", S2, filters=3,
       kernel_size=3, strides=2, padding="same")
single("conv2d_transpose_same_kernel4_strides2", 1, "Conv2DTranspose", S2, filters=2,
       kernel_size=4, strides=2, padding="same", activation="relu")
single("conv2d_transpose_same_strides2x3_output_padding1x0", 1, "Conv2DTranspose", S2,
       filters=2, kernel_size=3, strides=(2, 3), padding="same",
       output_padding=(1, 0))
single("conv2d_transpose_valid_dilation2_no_bias", 1, "Conv2DTranspose", S2, filters=2,
       kernel_size=(2, 3), dilation_rate=2, use_bias=False)
single("conv3d_transpose_valid", 1, "Conv3DTranspose", S3, filters=2, kernel_size=2)
single("conv3d_transpose_same_strides2", 1, "Conv3DTranspose", S3, filters=2,
       kernel_size=3, strides=(2, 1, 2), padding="same")
single("depthwise_conv1d_valid_multiplier3", 1, "DepthwiseConv1D", S1, kernel_size=3,
       depth_multiplier=3)
single("depthwise_conv1d_same_strides2", 1, "DepthwiseConv1D", S1, kernel_size=4,
       strides=2, padding="same")
single("depthwise_conv2d_valid", 1, "DepthwiseConv2D", S2, kernel_size=3)
single("depthwise_conv2d_same_strides2_multiplier2", 1, "DepthwiseConv2D", S2,
       kernel_size=3, strides=2, padding="same", depth_multiplier=2,
       notes="output channel c*depth_multiplier + m is input channel c, multiplier m")
single("depthwise_conv2d_same_dilation2_relu6", 1, "DepthwiseConv2D", S2,
       kernel_size=(3, 2), padding="same", dilation_rate=2, activation="relu6",
       use_bias=False)
single("separable_conv1d_valid", 1, "SeparableConv1D", S1, filters=4, kernel_size=3)
single("separable_conv1d_same_strides2_multiplier2", 1, "SeparableConv1D", S1,
       filters=4, kernel_size=3, strides=2, padding="same", depth_multiplier=2)
single("separable_conv2d_valid", 1, "SeparableConv2D", S2, filters=4, kernel_size=3)
single("separable_conv2d_same_strides2_multiplier2", 1, "SeparableConv2D", S2,
       filters=5, kernel_size=3, strides=2, padding="same", depth_multiplier=2)
single("separable_conv2d_same_dilation2_no_bias", 1, "SeparableConv2D", S2, filters=3,
       kernel_size=3, padding="same", dilation_rate=2, use_bias=False,
       activation="elu")

# --- Group 2: pooling ----------------------------------------------------------

single("max_pooling1d_default", 2, "MaxPooling1D", S1,
       notes="pool 2, strides = pool: the 9th step is dropped")
single("max_pooling1d_same_pool3_strides1", 2, "MaxPooling1D", S1, pool_size=3,
       strides=1, padding="same")
single("average_pooling1d_valid_pool3_strides2", 2, "AveragePooling1D", S1,
       pool_size=3, strides=2)
single("average_pooling1d_same_pool3_strides2", 2, "AveragePooling1D", S1,
       pool_size=3, strides=2, padding="same",
       notes="'same' average divides by the number of real (unpadded) inputs")
single("max_pooling2d_default", 2, "MaxPooling2D", S2)
single("max_pooling2d_same_pool3_strides2", 2, "MaxPooling2D", S2, pool_size=3,
       strides=2, padding="same", notes="'same' max pads with -inf")
single("max_pooling2d_valid_pool3x2_strides1x2", 2, "MaxPooling2D", S2,
       pool_size=(3, 2), strides=(1, 2))
single("average_pooling2d_pool2", 2, "AveragePooling2D", S2, pool_size=2,
       notes="pool_size is required for AveragePooling (MaxPooling defaults to 2)")
single("average_pooling2d_same_pool3_strides2", 2, "AveragePooling2D", S2,
       pool_size=3, strides=2, padding="same")
single("average_pooling2d_same_pool2_strides1", 2, "AveragePooling2D", S2,
       pool_size=2, strides=1, padding="same",
       notes="even pool, stride 1: the 1 padded row/column is after")
single("max_pooling3d_default", 2, "MaxPooling3D", S3)
single("max_pooling3d_same_pool3_strides2", 2, "MaxPooling3D", S3, pool_size=3,
       strides=2, padding="same")
single("average_pooling3d_valid_pool_2x3x2_strides1", 2, "AveragePooling3D", S3,
       pool_size=(2, 3, 2), strides=1)
single("average_pooling3d_same", 2, "AveragePooling3D", S3, pool_size=2, padding="same")
for dims, shape in ((1, S1), (2, S2), (3, S3)):
    for kind in ("Average", "Max"):
        cls = f"Global{kind}Pooling{dims}D"
        snake = f"global_{kind.lower()}_pooling{dims}d"
        single(snake, 2, cls, shape)
        single(snake + "_keepdims", 2, cls, shape, keepdims=True)

# --- Group 3: normalization ----------------------------------------------------

single("batch_normalization_default", 3, "BatchNormalization", S2, h5=True,
       notes="inference: (x - moving_mean) / sqrt(moving_variance + 0.001) * gamma + beta")
single("batch_normalization_axis1", 3, "BatchNormalization", (4, 5), axis=1, h5=True)
single("batch_normalization_dense_epsilon0_1_no_center", 3, "BatchNormalization", (6,),
       epsilon=0.1, center=False)
single("batch_normalization_no_scale", 3, "BatchNormalization", S1, scale=False)
single("batch_normalization_no_center_no_scale", 3, "BatchNormalization", S2,
       center=False, scale=False, notes="only the two moving statistics")
single("layer_normalization_default", 3, "LayerNormalization", (5, 6))
single("layer_normalization_axes_1_2", 3, "LayerNormalization", (4, 5, 3),
       axis=[-2, -1], notes="gamma and beta have shape (5, 3)")
single("layer_normalization_axes_1_3", 3, "LayerNormalization", (4, 5, 3),
       axis=[1, 3], notes="non-adjacent axes: gamma and beta (4, 3)")
single("layer_normalization_no_center_epsilon0_1", 3, "LayerNormalization", (5, 6),
       center=False, epsilon=0.1)
single("layer_normalization_no_scale", 3, "LayerNormalization", S2, scale=False)
single("layer_normalization_rms_scaling", 3, "LayerNormalization", (5, 6),
       rms_scaling=True,
       notes="deprecated: x * rsqrt(variance + eps) * gamma, no mean subtraction, no beta")
single("group_normalization_groups2", 3, "GroupNormalization", (7, 6, 4), groups=2)
single("group_normalization_groups3_sequence", 3, "GroupNormalization", (9, 6),
       groups=3, epsilon=0.01)
single("group_normalization_instance", 3, "GroupNormalization", (7, 6, 4), groups=-1,
       notes="groups=-1 is rewritten to the channel count (4) at build, in the spec too")
single("group_normalization_groups1_no_center_no_scale", 3, "GroupNormalization",
       (7, 6, 4), groups=1, center=False, scale=False)
single("unit_normalization_default", 3, "UnitNormalization", (5, 6))
single("unit_normalization_axes_1_2", 3, "UnitNormalization", (4, 5, 3), axis=[1, 2])
single("rms_normalization_default", 3, "RMSNormalization", (5, 6))
single("rms_normalization_axes_epsilon", 3, "RMSNormalization", (4, 5, 3),
       axis=[-2, -1], epsilon=0.01)

# --- Group 4: reshaping, padding, resizing, preprocessing ---------------------

single("flatten", 4, "Flatten", (4, 3, 2))
single("reshape_minus1", 4, "Reshape", (4, 6), target_shape=(3, -1))
single("reshape_rank4", 4, "Reshape", (12,), target_shape=(2, 3, 2))
single("permute_2_1", 4, "Permute", (4, 3), dims=(2, 1))
single("permute_3_1_2", 4, "Permute", (4, 3, 2), dims=(3, 1, 2))
single("repeat_vector", 4, "RepeatVector", (5,), n=3)
single("zero_padding1d_default", 4, "ZeroPadding1D", S1)
single("zero_padding1d_asymmetric", 4, "ZeroPadding1D", S1, padding=(2, 1))
single("zero_padding2d_default", 4, "ZeroPadding2D", S2)
single("zero_padding2d_asymmetric", 4, "ZeroPadding2D", S2, padding=((1, 2), (0, 3)))
single("zero_padding3d_default", 4, "ZeroPadding3D", S3)
single("zero_padding3d_asymmetric", 4, "ZeroPadding3D", S3,
       padding=((0, 1), (2, 1), (1, 0)))
single("cropping1d_default", 4, "Cropping1D", S1)
single("cropping1d_asymmetric", 4, "Cropping1D", S1, cropping=(2, 3))
single("cropping2d_symmetric_int", 4, "Cropping2D", S2, cropping=1)
single("cropping2d_asymmetric", 4, "Cropping2D", S2, cropping=((1, 2), (2, 0)))
single("cropping3d_asymmetric", 4, "Cropping3D", S3, cropping=((1, 0), (2, 1), (0, 1)))
single("up_sampling1d_size3", 4, "UpSampling1D", S1, size=3)
single("up_sampling2d_default", 4, "UpSampling2D", S2)
single("up_sampling2d_nearest_2x3", 4, "UpSampling2D", S2, size=(2, 3))
single("up_sampling2d_bilinear", 4, "UpSampling2D", S2, interpolation="bilinear",
       notes="jax.image.resize: half-pixel centers, edge weights renormalized")
single("up_sampling2d_bicubic_3x2", 4, "UpSampling2D", S2, size=(3, 2),
       interpolation="bicubic", notes="Keys cubic a = -0.5, out-of-range taps "
       "dropped and the remaining weights renormalized (not edge clamping)")
single("up_sampling3d_default", 4, "UpSampling3D", S3)
single("up_sampling3d_1x2x3", 4, "UpSampling3D", S3, size=(1, 2, 3))
single("resizing_bilinear_up", 4, "Resizing", S2, height=10, width=9)
single("resizing_bilinear_down", 4, "Resizing", S2, height=4, width=3,
       notes="antialias=False: a downscale samples, it does not average")
single("resizing_bilinear_down_antialias", 4, "Resizing", S2, height=4, width=3,
       antialias=True, notes="antialias: the triangle kernel is widened by in/out")
single("resizing_nearest", 4, "Resizing", S2, height=5, width=8,
       interpolation="nearest",
       notes="source index floor((i + 0.5) * in / out), computed in float32")
single("resizing_bicubic", 4, "Resizing", S2, height=9, width=4, interpolation="bicubic")
single("resizing_lanczos3", 4, "Resizing", S2, height=10, width=5,
       interpolation="lanczos3")
single("resizing_lanczos5", 4, "Resizing", S2, height=5, width=8,
       interpolation="lanczos5")
single("resizing_crop_to_aspect_ratio", 4, "Resizing", S2, height=4, width=4,
       crop_to_aspect_ratio=True,
       notes="center crop 7x6 -> 6x6 (rows 0...5: start int((7-6)/2) = 0), then resize")
single("resizing_pad_to_aspect_ratio", 4, "Resizing", S2, height=4, width=8,
       pad_to_aspect_ratio=True, fill_value=0.5,
       notes="pad 7x6 -> 7x14 with fill_value (4 columns each side), then resize")
single("rescaling_scalar", 4, "Rescaling", S2, scale=0.5, offset=-0.25)
single("rescaling_per_channel", 4, "Rescaling", S2, scale=[0.5, 2.0, -1.0],
       offset=[0.1, 0.0, -0.2])
single("normalization_mean_variance_in_config", 4, "Normalization", S2,
       mean=[0.5, -0.3, 1.2], variance=[2.0, 0.25, 1.5],
       notes="mean/variance in the config: no weights")
single("normalization_scalar_mean_variance_invert", 4, "Normalization", (5, 6), axis=None,
       mean=0.7, variance=1.8, invert=True,
       notes="invert: mean + x * max(sqrt(variance), 1e-7)")


stack("normalization_adapted", 4, "Normalization", S2,
      lambda: [layers.Normalization()], {}, h5=True,
      notes="adapted: weights mean, variance (non-trainable) and count (int32, "
            "left 0 by adapt); set_weights alone does not update the mean in use, "
            "finalize_state() (or load_weights) does")
stack("normalization_adapted_axes_1_3", 4, "Normalization", S2,
      lambda: [layers.Normalization(axis=(1, 3))], {"axis": [1, 3]},
      notes="mean and variance have shape (7, 3)")

# --- Group 5: activations and inference-time identities ------------------------

single("relu_default", 5, "ReLU", S2)
single("relu_max_value6", 5, "ReLU", S2, max_value=6.0)
single("relu_negative_slope", 5, "ReLU", S2, negative_slope=0.2)
single("relu_threshold", 5, "ReLU", S2, threshold=0.5)
single("relu_all_options", 5, "ReLU", S2, max_value=1.5, negative_slope=0.1,
       threshold=0.3,
       notes="x > t ? min(x, max) : 0, minus negative_slope * max(t - x, 0)")
single("leaky_relu_default", 5, "LeakyReLU", S2)
single("leaky_relu_0_05", 5, "LeakyReLU", S2, negative_slope=0.05)
single("prelu_default", 5, "PReLU", S2, notes="alpha has the full input shape (7, 6, 3)")
single("prelu_shared_axes_1_2", 5, "PReLU", S2, shared_axes=[1, 2])
single("elu_default", 5, "ELU", S2)
single("elu_alpha0_5", 5, "ELU", S2, alpha=0.5)
single("softmax_default", 5, "Softmax", (4, 5))
single("softmax_axis1", 5, "Softmax", (4, 5), axis=1)
single("softmax_axes_1_2", 5, "Softmax", (4, 5, 3), axis=[1, 2])
single("spatial_dropout1d", 5, "SpatialDropout1D", S1, rate=0.4)
single("spatial_dropout2d", 5, "SpatialDropout2D", S2, rate=0.4)
single("spatial_dropout3d", 5, "SpatialDropout3D", S3, rate=0.4)
single("gaussian_dropout", 5, "GaussianDropout", S2, rate=0.3)
single("gaussian_noise", 5, "GaussianNoise", S2, stddev=0.2)
single("alpha_dropout", 5, "AlphaDropout", S2, rate=0.2)


# ============================================================================
# Groups 6 and 7: embeddings, recurrent layers, wrappers, attention
# ============================================================================

T = (6, 3)  # time steps, features

stack("embedding", 6, "Embedding", (5,), lambda: [layers.Embedding(10, 4)],
      {"input_dim": 10, "output_dim": 4}, input_kind=("int", 10), input_dtype="int32")
stack("embedding_mask_zero_lstm", 6, "Embedding", (6,),
      lambda: [layers.Embedding(8, 3, mask_zero=True), layers.LSTM(4)],
      {"input_dim": 8, "output_dim": 3, "mask_zero": True}, h5=True,
      input_kind=("int_masked", 8), input_dtype="int32",
      notes="id 0 is masked: the LSTM keeps its state over masked steps "
            "(input rows end with zeros: trailing padding)")
single("simple_rnn_default", 6, "SimpleRNN", T, h5=True, units=4)
single("simple_rnn_return_sequences_relu", 6, "SimpleRNN", T, units=4,
       return_sequences=True, activation="relu")
single("simple_rnn_go_backwards_return_sequences", 6, "SimpleRNN", T, units=3,
       go_backwards=True, return_sequences=True,
       notes="outputs are in processing order: output[t] follows input steps "
             "T-1 ... T-1-t (not flipped back)")
single("lstm_default", 6, "LSTM", T, h5=True, units=4)
single("lstm_return_sequences_no_bias", 6, "LSTM", T, units=3, return_sequences=True,
       use_bias=False)
single("lstm_go_backwards_hard_sigmoid_relu", 6, "LSTM", T, units=4, go_backwards=True,
       recurrent_activation="hard_sigmoid", activation="relu")
functional("lstm_return_state", 6, "LSTM", [("x", T)],
           lambda x: layers.LSTM(4, return_state=True)(x),
           {"units": 4, "return_state": True},
           notes="outputs [output, h, c]; output == h")
functional("lstm_return_sequences_and_state", 6, "LSTM", [("x", T)],
           lambda x: layers.LSTM(3, return_sequences=True, return_state=True)(x),
           {"units": 3, "return_sequences": True, "return_state": True})
single("gru_default", 6, "GRU", T, h5=True, units=4,
       notes="reset_after=True: bias (2, 3*units) = [input bias; recurrent bias]")
single("gru_reset_after_false", 6, "GRU", T, h5=True, units=4, reset_after=False,
       notes="bias (3*units,); reset gate applied before the recurrent matmul")
single("gru_go_backwards_return_sequences", 6, "GRU", T, units=3, go_backwards=True,
       return_sequences=True)
functional("gru_return_state", 6, "GRU", [("x", T)],
           lambda x: layers.GRU(4, return_state=True, reset_after=False)(x),
           {"units": 4, "return_state": True, "reset_after": False},
           notes="outputs [output, h]")
stack("bidirectional_lstm_concat_sequences", 6, "Bidirectional", T,
      lambda: [layers.Bidirectional(layers.LSTM(4, return_sequences=True))],
      {"layer": "LSTM(4, return_sequences=True)", "merge_mode": "concat"}, h5=True,
      notes="[forward, backward] along the last axis; the backward sequence is "
            "flipped back to input order before merging")
stack("bidirectional_gru_sum", 6, "Bidirectional", T,
      lambda: [layers.Bidirectional(layers.GRU(3), merge_mode="sum")],
      {"layer": "GRU(3)", "merge_mode": "sum"})
stack("bidirectional_simple_rnn_ave_sequences", 6, "Bidirectional", T,
      lambda: [layers.Bidirectional(layers.SimpleRNN(3, return_sequences=True),
                                    merge_mode="ave")],
      {"layer": "SimpleRNN(3, return_sequences=True)", "merge_mode": "ave"})
stack("bidirectional_lstm_mul", 6, "Bidirectional", T,
      lambda: [layers.Bidirectional(layers.LSTM(3), merge_mode="mul")],
      {"layer": "LSTM(3)", "merge_mode": "mul"})
functional("bidirectional_lstm_merge_none", 6, "Bidirectional", [("x", T)],
           lambda x: layers.Bidirectional(layers.LSTM(3, return_sequences=True),
                                          merge_mode=None)(x),
           {"layer": "LSTM(3, return_sequences=True)", "merge_mode": None},
           notes="two outputs [forward, backward]")
functional("bidirectional_gru_return_state", 6, "Bidirectional", [("x", T)],
           lambda x: layers.Bidirectional(layers.GRU(3, return_state=True))(x),
           {"layer": "GRU(3, return_state=True)", "merge_mode": "concat"}, h5=True,
           notes="outputs [merged, forward h, backward h]")
stack("time_distributed_dense", 6, "TimeDistributed", (5, 4),
      lambda: [layers.TimeDistributed(layers.Dense(3, activation="tanh"))],
      {"layer": "Dense(3, activation='tanh')"}, h5=True)
stack("time_distributed_conv2d", 6, "TimeDistributed", (3, 7, 6, 2),
      lambda: [layers.TimeDistributed(layers.Conv2D(3, 3, padding="same"))],
      {"layer": "Conv2D(3, 3, padding='same')"})

# ConvLSTM: (steps, *spatial, channels); odd, unequal spatial sizes as for the convolutions.
C1 = (4, 9, 3)
C2 = (3, 7, 6, 2)
C3 = (3, 5, 4, 4, 2)

single("conv_lstm1d_default", 6, "ConvLSTM1D", C1, h5=True, filters=3, kernel_size=3,
       notes="kernel (3, 3, 12), recurrent_kernel (3, 3, 12): gates i, f, c, o along the last axis")
single("conv_lstm1d_same_kernel4_go_backwards_sequences", 6, "ConvLSTM1D", C1, filters=2,
       kernel_size=4, padding="same", go_backwards=True, return_sequences=True,
       notes="even kernel: 'same' pads 1 before / 2 after, in the recurrent convolution too; "
             "outputs in processing order")
single("conv_lstm1d_strides2_no_bias", 6, "ConvLSTM1D", C1, filters=2, kernel_size=3,
       strides=2, use_bias=False)
single("conv_lstm2d_default", 6, "ConvLSTM2D", C2, h5=True, filters=3, kernel_size=3)
single("conv_lstm2d_same_strides2_sequences", 6, "ConvLSTM2D", C2, filters=3,
       kernel_size=3, strides=2, padding="same", return_sequences=True,
       notes="the input convolution has strides 2; the recurrent one over the 4x3 state has "
             "stride 1 and 'same' padding")
single("conv_lstm2d_dilation2_relu_hard_sigmoid", 6, "ConvLSTM2D", C2, filters=2,
       kernel_size=(3, 2), dilation_rate=2, activation="relu", recurrent_activation="hard_sigmoid",
       notes="the input convolution is dilated; the recurrent one is not")
functional("conv_lstm2d_return_state", 6, "ConvLSTM2D", [("x", C2)],
           lambda x: layers.ConvLSTM2D(3, 3, padding="same", return_state=True)(x),
           {"filters": 3, "kernel_size": 3, "padding": "same", "return_state": True},
           notes="outputs [output, h, c]; output == h")
functional("conv_lstm2d_return_sequences_state_go_backwards", 6, "ConvLSTM2D", [("x", C2)],
           lambda x: layers.ConvLSTM2D(2, 2, return_sequences=True, return_state=True,
                                       go_backwards=True)(x),
           {"filters": 2, "kernel_size": 2, "return_sequences": True, "return_state": True,
            "go_backwards": True})
functional("conv_lstm2d_initial_state", 6, "ConvLSTM2D",
           [("x", C2), ("h0", (5, 4, 2)), ("c0", (5, 4, 2))],
           lambda x, h0, c0: layers.ConvLSTM2D(2, 3, return_sequences=True)(
               x, initial_state=[h0, c0]),
           {"filters": 2, "kernel_size": 3, "return_sequences": True},
           notes="initial_state [h, c], each (batch, 5, 4, filters)")
single("conv_lstm3d_default", 6, "ConvLSTM3D", C3, h5=True, filters=2, kernel_size=3)
single("conv_lstm3d_same_strides_sequences", 6, "ConvLSTM3D", C3, filters=2,
       kernel_size=(2, 3, 2), strides=(1, 2, 1), padding="same", return_sequences=True)

Q, V = (4, 6), (5, 6)  # query and value sequences

functional("multi_head_attention_self", 7, "MultiHeadAttention", [("x", V)],
           lambda x: layers.MultiHeadAttention(num_heads=2, key_dim=3)(x, x),
           {"num_heads": 2, "key_dim": 3}, h5=True)
functional("multi_head_attention_cross_value_dim_output_shape", 7, "MultiHeadAttention",
           [("query", Q), ("value", (5, 8)), ("key", (5, 7))],
           lambda q, v, k: layers.MultiHeadAttention(
               num_heads=3, key_dim=2, value_dim=4, output_shape=5, dropout=0.1)(
                   q, v, key=k),
           {"num_heads": 3, "key_dim": 2, "value_dim": 4, "output_shape": 5,
            "dropout": 0.1},
           h5=True, notes="called as mha(query, value, key=key). dropout > 0 "
           "(inactive at inference) is needed: with dropout 0, rank-3 inputs take "
           "the jax.nn.dot_product_attention path, which fails for value_dim != "
           "key_dim in Keras 3.15.1 (see errors.json)")
functional("multi_head_attention_causal_no_bias", 7, "MultiHeadAttention", [("x", V)],
           lambda x: layers.MultiHeadAttention(num_heads=2, key_dim=4, use_bias=False)(
               x, x, use_causal_mask=True),
           {"num_heads": 2, "key_dim": 4, "use_bias": False, "call": {"use_causal_mask": True}},
           notes="use_causal_mask is a call argument: it is in the node's kwargs")
functional("multi_head_attention_attention_axes", 7, "MultiHeadAttention",
           [("x", (3, 4, 6))],
           lambda x: layers.MultiHeadAttention(num_heads=2, key_dim=2,
                                               attention_axes=(1, 2))(x, x),
           {"num_heads": 2, "key_dim": 2, "attention_axes": [1, 2]},
           notes="rank-4 input, softmax over the 12 positions of axes 1 and 2 jointly")
functional("attention_dot", 7, "Attention", [("query", Q), ("value", V)],
           lambda q, v: layers.Attention()([q, v]), {},
           notes="inputs [query, value]; key = value")
functional("attention_scale_concat_key", 7, "Attention",
           [("query", Q), ("value", V), ("key", V)],
           lambda q, v, k: layers.Attention(use_scale=True, score_mode="concat")([q, v, k]),
           {"use_scale": True, "score_mode": "concat"},
           notes="inputs [query, value, key]; scores = concat_score_weight * "
                 "sum(tanh(scale * (q + k)), -1)")
functional("attention_causal_scaled", 7, "Attention", [("x", V)],
           lambda x: layers.Attention(use_scale=True)([x, x], use_causal_mask=True),
           {"use_scale": True, "call": {"use_causal_mask": True}})
functional("additive_attention_default", 7, "AdditiveAttention",
           [("query", Q), ("value", V)],
           lambda q, v: layers.AdditiveAttention()([q, v]), {},
           notes="scores = sum(scale * tanh(q + k), -1), scale shape (dim,)")
functional("additive_attention_no_scale_key", 7, "AdditiveAttention",
           [("query", Q), ("value", V), ("key", V)],
           lambda q, v, k: layers.AdditiveAttention(use_scale=False)([q, v, k]),
           {"use_scale": False})
single("einsum_dense_matrix", 7, "EinsumDense", (6,), equation="ab,bc->ac",
       output_shape=4, bias_axes="c")
single("einsum_dense_sequence_relu", 7, "EinsumDense", (5, 6), h5=True,
       equation="abc,cd->abd", output_shape=(None, 4), bias_axes="d", activation="relu")
single("einsum_dense_heads", 7, "EinsumDense", (5, 6), equation="abc,cde->abde",
       output_shape=(None, 2, 3), bias_axes="de",
       notes="a MultiHeadAttention-style projection to (heads, dim)")
single("einsum_dense_no_bias_reduce", 7, "EinsumDense", (4, 3, 2),
       equation="abcd,cde->abe", output_shape=(None, 5))


# ----------------------------------------------------------------------------
# Filling, writing and checking one case
# ----------------------------------------------------------------------------


def case_rng(name):
    """A numpy generator seeded by the case name (stable across runs)."""
    return np.random.default_rng(zlib.crc32(name.encode()))


def random_weight(variable, rng):
    """A random value for ``variable`` by its Keras name (see the docstring)."""
    name, shape = variable.name, tuple(variable.shape)
    if "int" in str(variable.dtype):            # Normalization's count
        return np.asarray(variable.numpy()).reshape(shape)
    if name in ("moving_variance", "variance"):
        value = rng.uniform(0.5, 2.0, shape)
    elif name in ("moving_mean", "mean"):
        value = rng.uniform(0.2, 1.0, shape) * rng.choice([-1.0, 1.0], shape)
    elif name in ("gamma", "scale"):
        value = rng.normal(1.0, 0.4, shape)
    elif name == "alpha":                        # PReLU
        value = rng.normal(0.2, 0.3, shape)
    elif name in ("bias", "beta", "concat_score_weight") or len(shape) < 2:
        value = rng.normal(0.0, 0.5, shape)
    else:                                        # kernels, embeddings
        fan_in = int(np.prod(shape[:-1]))
        value = rng.normal(0.0, min(0.5, 1.0 / np.sqrt(fan_in)), shape)
    return np.asarray(value, dtype=np.float32)


def finalize(model):
    """``set_weights`` does not refresh an adapted Normalization's mean and
    variance in use; ``finalize_state()`` does (``load_weights`` calls it)."""
    for layer in model.layers:
        if isinstance(layer, layers.Normalization):
            layer.finalize_state()


def make_input(shape, kind, rng):
    full = (BATCH,) + tuple(shape)
    if kind == "normal":
        return rng.normal(0.0, 1.0, full).astype(np.float32)
    if kind[0] == "int":
        return rng.integers(0, kind[1], full).astype(np.float32)
    if kind[0] == "int_masked":  # ids >= 1, then trailing zeros (padding)
        x = rng.integers(1, kind[1], full)
        for b in range(BATCH):
            x[b, full[1] - 1 - b:] = 0
        return x.astype(np.float32)
    raise ValueError(kind)


def weight_array(w):
    """A weight as stored: int32 for Normalization's count, float32 otherwise."""
    if np.issubdtype(w.dtype, np.integer):
        # np.asarray, not np.ascontiguousarray: the latter turns a scalar into shape (1,).
        return np.asarray(w).astype("<i4")
    return fc.f4(w)


def check_output(label, y):
    a = np.asarray(y, dtype=np.float64)
    assert np.all(np.isfinite(a)), f"{label}: non-finite output"
    assert a.std() > 1e-3, f"{label}: output std {a.std()} <= 1e-3"
    assert np.abs(a).max() < 1e4, f"{label}: output too large"


def model_class_name(model):
    return "Sequential" if isinstance(model, keras.Sequential) else "Functional"


def jsonable(value):
    """Options as JSON: tuples to lists."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def write_case(case):
    keras.backend.clear_session()
    rng = case_rng(case.name)
    model = case.build()
    model.set_weights([random_weight(v, rng) for v in model.weights])
    finalize(model)
    xs = [make_input(shape, kind, rng) for shape, kind in case.inputs]
    ys = fc.call_model(model, xs)
    assert len(ys) == len(model.outputs), case.name
    for k, y in enumerate(ys):
        check_output(f"{case.name} output {k}", y)
    weights = model.get_weights()

    d = os.path.join(LAYERS_DIR, case.name)
    os.makedirs(d)
    spec = model.to_json(indent=2) + "\n"
    with open(os.path.join(d, "spec.json"), "w") as f:
        f.write(spec)
    fc.save_arrays(d, list(zip(fc.io_names("input", len(xs)), map(fc.f4, xs)))
                   + list(zip(fc.io_names("output", len(ys)), map(fc.f4, ys)))
                   + [(f"weights_{i:02d}", weight_array(w)) for i, w in enumerate(weights)])

    # Object paths: match each variable to its dataset in save_weights' file.
    paths = []
    if weights:
        with tempfile.TemporaryDirectory() as tmp:
            h5_path = os.path.join(d if case.h5 else tmp, "model.weights.h5")
            model.save_weights(h5_path)
            paths = fc.match_weight_paths(model, fc.h5_datasets(h5_path), h5_path)
    else:
        assert not case.h5, case.name

    # Round trip: plain model_from_json plus the fixture weights.
    keras.backend.clear_session()
    loaded = keras.models.model_from_json(spec)
    loaded.set_weights(weights)
    finalize(loaded)
    worst = 0.0
    for g, y in zip(fc.call_model(loaded, xs), ys):
        assert g.shape == y.shape and np.allclose(g, y, rtol=1e-6, atol=1e-6), case.name
        worst = max(worst, float(np.max(np.abs(g - y))))
    if case.h5:
        keras.backend.clear_session()
        fresh = keras.models.model_from_json(spec)
        fresh.load_weights(os.path.join(d, "model.weights.h5"))
        for g, y in zip(fc.call_model(fresh, xs), ys):
            assert np.allclose(g, y, rtol=1e-6, atol=1e-6), (case.name, "load_weights")

    entry = {
        "case": case.name,
        "class_name": case.class_name,
        "group": case.group,
        "model": model_class_name(model),
        "options": jsonable(case.options),
        "input_shapes": [list(x.shape) for x in xs],
        "input_dtypes": [str(t.dtype) for t in model.inputs],
        "output_shapes": [list(y.shape) for y in ys],
        "weights": [[v.name, list(v.shape), bool(v.trainable)] for v in model.weights],
        "weight_paths": [[p, list(w.shape)] for p, w in zip(paths, weights)],
        "weights_h5": case.h5,
    }
    if case.notes:
        entry["notes"] = case.notes
    print(f"  {case.name}: {[list(x.shape) for x in xs]} -> {[list(y.shape) for y in ys]}"
          f", {len(weights)} weights"
          + (f", reload max |diff| {worst:.2g}" if worst else ""))
    return entry


# ----------------------------------------------------------------------------
# Config defaults and refusals
# ----------------------------------------------------------------------------

# class -> (required constructor arguments, input shape without batch). The
# layer is built in a Sequential model on that input so that build-time
# rewrites (LayerNormalization's axis list, GroupNormalization's groups) show.
DEFAULTS = {
    "Conv1D": ({"filters": 2, "kernel_size": 3}, S1),
    "Conv2D": ({"filters": 2, "kernel_size": 3}, S2),
    "Conv3D": ({"filters": 2, "kernel_size": 2}, S3),
    "Conv1DTranspose": ({"filters": 2, "kernel_size": 3}, S1),
    "Conv2DTranspose": ({"filters": 2, "kernel_size": 3}, S2),
    "Conv3DTranspose": ({"filters": 2, "kernel_size": 2}, S3),
    "DepthwiseConv1D": ({"kernel_size": 3}, S1),
    "DepthwiseConv2D": ({"kernel_size": 3}, S2),
    "SeparableConv1D": ({"filters": 2, "kernel_size": 3}, S1),
    "SeparableConv2D": ({"filters": 2, "kernel_size": 3}, S2),
    "MaxPooling1D": ({}, S1),
    "MaxPooling2D": ({}, S2),
    "MaxPooling3D": ({}, S3),
    "AveragePooling1D": ({"pool_size": 2}, S1),
    "AveragePooling2D": ({"pool_size": 2}, S2),
    "AveragePooling3D": ({"pool_size": 2}, S3),
    "GlobalAveragePooling1D": ({}, S1),
    "GlobalAveragePooling2D": ({}, S2),
    "GlobalAveragePooling3D": ({}, S3),
    "GlobalMaxPooling1D": ({}, S1),
    "GlobalMaxPooling2D": ({}, S2),
    "GlobalMaxPooling3D": ({}, S3),
    "BatchNormalization": ({}, S2),
    "LayerNormalization": ({}, S2),
    "GroupNormalization": ({}, (4, 32)),
    "UnitNormalization": ({}, S2),
    "RMSNormalization": ({}, S2),
    "Flatten": ({}, S2),
    "Reshape": ({"target_shape": [-1]}, S2),
    "Permute": ({"dims": [2, 1]}, (4, 3)),
    "RepeatVector": ({"n": 2}, (5,)),
    "ZeroPadding1D": ({}, S1),
    "ZeroPadding2D": ({}, S2),
    "ZeroPadding3D": ({}, S3),
    "Cropping1D": ({}, S1),
    "Cropping2D": ({}, S2),
    "Cropping3D": ({}, S3),
    "UpSampling1D": ({}, S1),
    "UpSampling2D": ({}, S2),
    "UpSampling3D": ({}, S3),
    "Resizing": ({"height": 4, "width": 5}, S2),
    "Rescaling": ({"scale": 0.5}, S2),
    "Normalization": ({"mean": 0.0, "variance": 1.0}, S2),
    "ReLU": ({}, S2),
    "LeakyReLU": ({}, S2),
    "PReLU": ({}, S2),
    "ELU": ({}, S2),
    "Softmax": ({}, S2),
    "SpatialDropout1D": ({"rate": 0.5}, S1),
    "SpatialDropout2D": ({"rate": 0.5}, S2),
    "SpatialDropout3D": ({"rate": 0.5}, S3),
    "GaussianDropout": ({"rate": 0.5}, S2),
    "GaussianNoise": ({"stddev": 0.5}, S2),
    "AlphaDropout": ({"rate": 0.5}, S2),
    "Embedding": ({"input_dim": 10, "output_dim": 4}, (5,)),
    "SimpleRNN": ({"units": 3}, T),
    "LSTM": ({"units": 3}, T),
    "GRU": ({"units": 3}, T),
    "ConvLSTM1D": ({"filters": 2, "kernel_size": 3}, C1),
    "ConvLSTM2D": ({"filters": 2, "kernel_size": 3}, C2),
    "ConvLSTM3D": ({"filters": 2, "kernel_size": 3}, C3),
    "Bidirectional": ({"layer": "LSTM(3)"}, T),
    "TimeDistributed": ({"layer": "Dense(3)"}, (5, 4)),
    "MultiHeadAttention": ({"num_heads": 2, "key_dim": 3}, V),
    "Attention": ({}, V),
    "AdditiveAttention": ({}, V),
    "EinsumDense": ({"equation": "ab,bc->ac", "output_shape": 3}, (6,)),
}

ATTENTION_CLASSES = ("MultiHeadAttention", "Attention", "AdditiveAttention")


def default_layer(cls, required):
    kwargs = dict(required)
    if isinstance(kwargs.get("layer"), str):  # wrappers: "LSTM(3)" -> object
        inner = kwargs["layer"]
        kwargs["layer"] = getattr(layers, inner.split("(")[0])(int(inner[inner.index("(") + 1:-1]))
    return getattr(layers, cls)(**kwargs)


def make_defaults():
    print("Config defaults:")
    out = {}
    for cls, (required, shape) in DEFAULTS.items():
        keras.backend.clear_session()
        layer = default_layer(cls, required)
        x = keras.Input(shape=shape, dtype="int32" if cls == "Embedding" else None)
        if cls == "MultiHeadAttention":
            layer(x, x)
        elif cls in ATTENTION_CLASSES:
            layer([x, x])
        else:
            layer(x)
        config = layer.get_config()
        config.pop("name", None)
        out[cls] = {
            "required": required,
            "input_shape": [None] + list(shape),
            "config": json.loads(json.dumps(config)),
            "weights": [[v.name, list(v.shape), bool(v.trainable)] for v in layer.weights],
        }
        print(f"  {cls}: {list(config)}")
    fc.write_json(os.path.join(LAYERS_DIR, "defaults.json"), out)


# (label, class, constructor kwargs, input shape without batch). Each is
# built in a Sequential model and called on zeros; errors.json records
# whether Keras accepts it and the exception (type and message) if not.
REFUSALS = [
    ("conv2d_causal", "Conv2D", {"filters": 2, "kernel_size": 3, "padding": "causal"}, S2),
    ("conv1d_strides2_dilation2", "Conv1D",
     {"filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, S1),
    ("conv2d_groups_not_dividing_input", "Conv2D",
     {"filters": 4, "kernel_size": 1, "groups": 2}, S2),
    ("conv2d_filters_not_divisible_by_groups", "Conv2D",
     {"filters": 3, "kernel_size": 1, "groups": 2}, (7, 6, 4)),
    ("conv2d_valid_output_empty", "Conv2D", {"filters": 2, "kernel_size": 8}, S2),
    ("conv1d_transpose_causal", "Conv1DTranspose",
     {"filters": 2, "kernel_size": 3, "padding": "causal"}, S1),
    ("conv2d_transpose_output_padding_ge_strides", "Conv2DTranspose",
     {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 2}, S2),
    ("depthwise_conv1d_causal", "DepthwiseConv1D", {"kernel_size": 3, "padding": "causal"}, S1),
    ("separable_conv1d_causal", "SeparableConv1D",
     {"filters": 2, "kernel_size": 3, "padding": "causal"}, S1),
    ("depthwise_conv2d_strides2_dilation2_accepted", "DepthwiseConv2D",
     {"kernel_size": 3, "strides": 2, "dilation_rate": 2}, S2),
    ("conv_lstm1d_causal", "ConvLSTM1D", {"filters": 2, "kernel_size": 3, "padding": "causal"}, C1),
    ("conv_lstm2d_strides2_dilation2", "ConvLSTM2D",
     {"filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, C2),
    ("max_pooling2d_causal", "MaxPooling2D", {"padding": "causal"}, S2),
    ("max_pooling2d_valid_too_small", "MaxPooling2D", {"pool_size": 8}, S2),
    ("batch_normalization_synchronized_on_jax", "BatchNormalization",
     {"synchronized": True}, S2),
    ("group_normalization_default_groups_32_on_3_channels", "GroupNormalization", {}, S2),
    ("group_normalization_groups_not_dividing", "GroupNormalization", {"groups": 2}, S2),
    ("cropping2d_too_much", "Cropping2D", {"cropping": ((4, 3), (0, 0))}, S2),
    ("permute_not_a_permutation", "Permute", {"dims": (1, 3)}, (4, 3)),
    ("reshape_incompatible", "Reshape", {"target_shape": (5, -1)}, (4, 6)),
    ("resizing_area_on_jax", "Resizing", {"height": 3, "width": 3, "interpolation": "area"}, S2),
    ("resizing_crop_and_pad", "Resizing",
     {"height": 3, "width": 3, "crop_to_aspect_ratio": True, "pad_to_aspect_ratio": True}, S2),
    ("resizing_fill_mode_reflect", "Resizing",
     {"height": 3, "width": 3, "fill_mode": "reflect"}, S2),
    ("up_sampling2d_area", "UpSampling2D", {"interpolation": "area"}, S2),
    ("relu_negative_max_value", "ReLU", {"max_value": -1.0}, S2),
    ("leaky_relu_negative_slope_negative", "LeakyReLU", {"negative_slope": -0.1}, S2),
    ("normalization_mean_without_variance", "Normalization", {"mean": 0.5}, S2),
    ("softmax_axis_out_of_range", "Softmax", {"axis": 5}, S2),
    ("multi_head_attention_value_dim_ne_key_dim_dropout0", "MultiHeadAttention",
     lambda: _mha_value_dim_model(0.0), {"num_heads": 3, "key_dim": 2, "value_dim": 4}),
    ("multi_head_attention_value_dim_ne_key_dim_dropout0_1", "MultiHeadAttention",
     lambda: _mha_value_dim_model(0.1),
     {"num_heads": 3, "key_dim": 2, "value_dim": 4, "dropout": 0.1}),
]


def _mha_value_dim_model(dropout):
    x = keras.Input(shape=V)
    y = layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=4,
                                  dropout=dropout)(x, x)
    return keras.Model(x, y)


def make_errors():
    print("Refusals:")
    # JAX logs the failed jax.nn.dot_product_attention call before Keras's
    # fallback fails too; the exception is what errors.json records.
    logging.getLogger("absl").setLevel(logging.CRITICAL)
    out = []
    for label, cls, kwargs, shape in REFUSALS:
        keras.backend.clear_session()
        custom = callable(kwargs)  # (label, class, model builder, options)
        entry = {"case": label, "class_name": cls,
                 "options": jsonable(shape if custom else kwargs)}
        if not custom:
            entry["input_shape"] = [None] + list(shape)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if custom:
                    model = kwargs()
                    entry["input_shape"] = list(model.inputs[0].shape)
                    shape = tuple(model.inputs[0].shape[1:])
                else:
                    model = keras.Sequential([keras.Input(shape=shape),
                                              getattr(layers, cls)(**kwargs)])
                y = model(np.zeros((1,) + shape, np.float32), training=False)
        except Exception as e:  # noqa: BLE001 - recording Keras's refusal
            # Without the terminal bold codes and Keras's "Arguments received
            # by ..." listing of the call's arguments.
            message = re.sub(r"\x1b\[[0-9;]*m", "", str(e)).split("Arguments received by")[0]
            entry.update(accepted=False, error=type(e).__name__,
                         message=" ".join(line.strip() for line in message.splitlines()
                                          if line.strip())[:600])
        else:
            entry.update(accepted=True, output_shape=[None] + list(np.shape(y))[1:])
        out.append(entry)
        print(f"  {label}: " + (f"accepted -> {entry['output_shape']}" if entry["accepted"]
                                else f"{entry['error']}: {entry['message'][:110]}"))
    fc.write_json(os.path.join(LAYERS_DIR, "errors.json"), out)


# ----------------------------------------------------------------------------
# keras.applications models with formula weights
# ----------------------------------------------------------------------------

WEYL_A = 0.6180339887498949   # (sqrt(5) - 1) / 2
WEYL_B = 0.4142135623730951   # sqrt(2) - 1
KERNEL_GAIN = 4.0             # kernel variance = KERNEL_GAIN / fan_in

APPLICATIONS = {
    "mobilenet_v2": (lambda: keras.applications.MobileNetV2(
        alpha=0.35, input_shape=(96, 96, 3), weights=None), 1),
    "resnet50": (lambda: keras.applications.ResNet50(
        weights=None, input_shape=(64, 64, 3)), 2),
}


def formula_parameters(model):
    """Per weight (get_weights order): name, layer class, offset, scale, mode."""
    owners = {}
    for layer in model.layers:
        for v in layer.weights:
            owners[id(v)] = type(layer).__name__
    params = []
    for v in model.weights:
        shape, cls = tuple(v.shape), owners[id(v)]
        n = int(np.prod(shape))
        if v.name in ("gamma", "moving_variance"):
            params.append([v.name, cls, 0.75, 0.5, "unsigned"])
        elif v.name in ("beta", "moving_mean", "bias"):
            params.append([v.name, cls, 0.0, 0.05, "signed"])
        else:
            assert v.name == "kernel", v.path
            fan_in = int(np.prod(shape[:-2])) if cls == "DepthwiseConv2D" else n // shape[-1]
            params.append([v.name, cls, 0.0, float(np.sqrt(3.0 * KERNEL_GAIN / fan_in)),
                           "signed"])
    return params


def formula_weights(model, params):
    values = []
    for i, (v, (_, _, offset, scale, mode)) in enumerate(zip(model.weights, params)):
        n = int(np.prod(v.shape))
        j = np.arange(n, dtype=np.float64)
        x = WEYL_A * j + WEYL_B * float(i)
        u = x - np.floor(x)
        w = u if mode == "unsigned" else 2.0 * u - 1.0
        values.append((offset + scale * w).astype(np.float32).reshape(tuple(v.shape)))
    return values


def application_outputs(model, x):
    """Every layer's output (by layer), the model output and the logits."""
    probe = keras.Model(model.inputs, [layer.output for layer in model.layers[1:]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # input-structure warning of the probe
        outs = [np.asarray(o) for o in probe(x)]
    head = model.layers[-1]
    assert isinstance(head, layers.Dense) and head.name == "predictions"
    kernel, bias = head.get_weights()
    logits = (outs[-2].reshape(x.shape[0], -1).astype(np.float64) @ kernel + bias)
    return outs, outs[-1], logits.astype(np.float32)


def make_applications():
    print("Applications:")
    for name, (ctor, seed) in APPLICATIONS.items():
        keras.backend.clear_session()
        model = ctor()
        params = formula_parameters(model)
        weights = formula_weights(model, params)
        model.set_weights(weights)
        rng = np.random.default_rng(seed)
        shape = (1,) + tuple(model.input_shape[1:])
        x = rng.uniform(-1.0, 1.0, shape).astype(np.float32)
        x2 = rng.uniform(-1.0, 1.0, shape).astype(np.float32)
        outs, y, logits = application_outputs(model, x)
        outs2, _, _ = application_outputs(model, x2)
        y_direct = np.asarray(model(x, training=False))
        assert np.allclose(y_direct, y, rtol=1e-5, atol=1e-7), name
        stds = []
        for layer, a, b in zip(model.layers[1:], outs, outs2):
            std = float(np.std(a))
            assert np.all(np.isfinite(a)), f"{name}/{layer.name}: non-finite"
            assert 1e-2 < std < 1e2 or layer.name == "predictions", (name, layer.name, std)
            # the output depends on the input at every layer
            assert float(np.std(a - b)) > 0.1 * std, (name, layer.name)
            stds.append(std)
        assert float(np.std(logits)) > 0.1, name

        d = os.path.join(APPLICATIONS_DIR, name)
        os.makedirs(d)
        spec = model.to_json(indent=2) + "\n"
        # The spec is the Checks package's (which compiles and runs it against these
        # fixtures); written there only, not twice.
        os.makedirs(APPLICATION_SPECS_DIR, exist_ok=True)
        with open(os.path.join(APPLICATION_SPECS_DIR, f"{name}.model.json"), "w") as f:
            f.write(spec)
        fc.save_arrays(d, [("input", fc.f4(x)), ("output", fc.f4(y_direct)), ("logits", fc.f4(logits))])
        with tempfile.TemporaryDirectory() as tmp:
            h5_path = os.path.join(tmp, "model.weights.h5")
            model.save_weights(h5_path)
            paths = fc.match_weight_paths(model, fc.h5_datasets(h5_path), h5_path)
        fc.write_json(os.path.join(d, fc.WEIGHT_PATHS_FILE),
                      [[p, list(w.shape)] for p, w in zip(paths, weights)])
        fc.write_json(os.path.join(d, "weight_formula.json"), {
            "formula": "x = 0.6180339887498949 * j + 0.4142135623730951 * i; "
                       "u = x - floor(x); w = u (unsigned) or 2u - 1 (signed); "
                       "value[j] = float32(offset + scale * w); all float64, no FMA; "
                       "i = weight index in get_weights() order, j = flat C-order index",
            "columns": ["name", "layer_class", "offset", "scale", "mode"],
            "weights": params,
        })
        counts = {}
        for layer in model.layers:
            counts[type(layer).__name__] = counts.get(type(layer).__name__, 0) + 1
        fc.write_json(os.path.join(d, "layer_counts.json"), dict(sorted(counts.items())))

        # Rebuilt from the spec and refilled from the formula: same output.
        keras.backend.clear_session()
        loaded = keras.models.model_from_json(spec)
        loaded_params = formula_parameters(loaded)
        assert loaded_params == params, name
        loaded.set_weights(formula_weights(loaded, loaded_params))
        y2 = np.asarray(loaded(x, training=False))
        assert np.allclose(y2, y_direct, rtol=1e-6, atol=1e-9), name
        print(f"  {name}: {len(model.layers)} layers, {len(weights)} weights, "
              f"{sum(int(np.prod(w.shape)) for w in weights)} parameters; layer output std "
              f"{min(stds[:-1]):.3g} ... {max(stds):.3g}; logits std {np.std(logits):.3g}; "
              f"probabilities {y_direct.min():.3g} ... {y_direct.max():.3g}")


# ----------------------------------------------------------------------------


def folder_size(path):
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs)


def clear_outputs():
    """Removes what an earlier run wrote (every case folder, i.e. every
    folder with a spec.json, or a weight_formula.json for an application, and the top-level
    JSON files), nothing else."""
    for parent, marker in ((LAYERS_DIR, "spec.json"), (APPLICATIONS_DIR, "weight_formula.json")):
        os.makedirs(parent, exist_ok=True)
        for name in sorted(os.listdir(parent)):
            path = os.path.join(parent, name)
            if os.path.isdir(path) and os.path.exists(os.path.join(path, marker)):
                shutil.rmtree(path)
            elif name in ("cases.json", "defaults.json", "errors.json"):
                os.remove(path)


def main():
    start = time.time()
    clear_outputs()
    entries = []
    for group in range(1, 8):
        print(f"Group {group}:")
        for case in CASES:
            if case.group == group:
                entries.append(write_case(case))
    fc.write_json(os.path.join(LAYERS_DIR, "cases.json"), entries)
    make_defaults()
    make_errors()
    make_applications()
    print(f"{len(entries)} layer cases; layers/ {folder_size(LAYERS_DIR) / 1e6:.2f} MB, "
          f"applications/ {folder_size(APPLICATIONS_DIR) / 1e6:.2f} MB, "
          f"Tests/Fixtures {folder_size(fc.FIXTURES_DIR) / 1e6:.2f} MB; "
          f"{time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
