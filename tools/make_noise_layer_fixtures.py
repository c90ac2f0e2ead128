"""What Keras's training-mode noise layers (and ConvNeXt's StochasticDepth) do, measured, for tests/NoiseLayerTests.

Keras draws its masks and noise from its own generator (JAX's), which the Swift runtime does not
replay: the same seed gives the same draws in Swift, not Keras's. So these fixtures hold what
does not depend on the draws, measured on Keras's own training calls: the fraction of scalars
kept, the factor kept ones get, the axes along which a mask is shared (noise_shape,
SpatialDropout), AlphaDropout's affine correction (fitted to Keras's output) and the value of
dropped scalars, the mean and spread of GaussianDropout's factor and GaussianNoise's noise, and
the distinct values of the gradient ``jax.grad`` gives for the same call. The Swift tests
compute the same figures from the runtime's training calls and backward passes.

Writes ``Tests/Fixtures/training/noise_layers.json`` and the spec
``Tests/ModelRuntimeTests/Specs/noise_layers/noise_layers_mlp.model.json`` (a Sequential of every
noise layer, saved as Keras writes it, which the Swift tests train).

Run: ``KERAS_BACKEND=jax python tools/make_noise_layer_fixtures.py`` (keras 3.15.1, JAX).
"""

import json
import os

import fixture_common as fc

import jax  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402
from keras.src.applications import convnext  # noqa: E402  (StochasticDepth, as ConvNeXt saves it)

OUT = os.path.join(fc.FIXTURES_DIR, "training", "noise_layers.json")
SPEC = os.path.join(fc.SPECS_DIR, "noise_layers", "noise_layers_mlp.model.json")


def input_values(shape):
    """The input both sides use: x[i] = (1 + i mod 7 · 0.25) · (−1 if i mod 3 == 0 else 1), never 0."""
    i = np.arange(int(np.prod(shape)))
    return ((1 + (i % 7) * 0.25) * np.where(i % 3 == 0, -1.0, 1.0)).astype("float32").reshape(shape)


CASES = [
    ("dropout", layers.Dropout(0.3, seed=1), (64, 10, 6)),
    ("dropout_noise_shape", layers.Dropout(0.4, noise_shape=(None, 1, 6), seed=2), (64, 10, 6)),
    ("spatial_dropout_1d", layers.SpatialDropout1D(0.5, seed=3), (64, 10, 6)),
    ("spatial_dropout_2d", layers.SpatialDropout2D(0.4, seed=4), (32, 5, 4, 6)),
    ("spatial_dropout_3d", layers.SpatialDropout3D(0.3, seed=5), (16, 3, 4, 2, 6)),
    ("gaussian_dropout", layers.GaussianDropout(0.25, seed=6), (64, 10, 6)),
    ("gaussian_noise", layers.GaussianNoise(0.7, seed=7), (64, 10, 6)),
    ("alpha_dropout", layers.AlphaDropout(0.2, seed=8), (64, 10, 6)),
    ("alpha_dropout_noise_shape", layers.AlphaDropout(0.3, noise_shape=(None, 1, 6), seed=9), (64, 10, 6)),
    # No seed argument: its draws come from Keras's global generator (set_random_seed in main).
    ("stochastic_depth", convnext.StochasticDepth(0.3), (256, 4, 6)),
]


def shared_axes(kept):
    """The axes along which the kept pattern never varies (broadcast masks)."""
    return [axis for axis in range(kept.ndim) if kept.shape[axis] > 1 and np.all(kept == np.take(kept, [0], axis=axis))]


def measure(name, layer, shape):
    x = input_values(shape)
    out = np.asarray(layer(x, training=True))
    weights = np.linspace(-1, 1, x.size, dtype="float32").reshape(shape)
    # The gradient of sum(out · w), from another training call (other draws): only the set of
    # values it takes (or, for GaussianDropout, its spread) is compared.
    facts = {"case": name, "class_name": type(layer).__name__, "config": layer.get_config(), "input_shape": list(shape)}
    assert np.array_equal(np.asarray(layer(x, training=False)), x), name
    kind = type(layer).__name__
    if kind in ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "StochasticDepth"):
        kept = out != 0
        facts["kept_fraction"] = float(kept.mean())
        facts["kept_factor"] = float(np.mean(out[kept] / x[kept]))
        facts["kept_factor_spread"] = float(np.ptp(out[kept] / x[kept]))
        facts["shared_axes"] = shared_axes(kept)
    elif kind == "AlphaDropout":
        # Kept scalars are a·x + b; dropped ones a·(−αλ) + b, the one value no a·x + b reaches here.
        alpha_p = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946
        values, counts = np.unique(np.round(out, 6), return_counts=True)
        dropped_value = float(values[np.argmax(counts)])
        kept = np.abs(out - dropped_value) > 1e-5
        a, b = np.polyfit(x[kept].astype("float64"), out[kept].astype("float64"), 1)
        facts.update(kept_fraction=float(kept.mean()), a=float(a), b=float(b), dropped_value=dropped_value,
                     shared_axes=shared_axes(kept), fit_residual=float(np.max(np.abs(a * x[kept] + b - out[kept]))))
        assert abs(a * alpha_p + b - dropped_value) < 1e-5, name
    elif kind == "GaussianDropout":
        factor = out / x
        facts.update(factor_mean=float(factor.mean()), factor_std=float(factor.std()))
    elif kind == "GaussianNoise":
        noise = out - x
        facts.update(noise_mean=float(noise.mean()), noise_std=float(noise.std()))

    def loss(inputs):
        return keras.ops.sum(layer(inputs, training=True) * weights)

    gradient = np.asarray(jax.grad(loss)(x)) / np.where(weights == 0, 1, weights)
    if kind in ("GaussianDropout",):
        facts["gradient_factor_std"] = float(gradient[weights != 0].std())
        facts["gradient_factor_mean"] = float(gradient[weights != 0].mean())
    else:
        facts["gradient_factors"] = sorted(set(float(v) for v in np.round(gradient[weights != 0], 5)))
    return facts


def noise_mlp():
    """A Sequential of every noise layer around Dense layers, as keras.io's examples stack them."""
    keras.utils.set_random_seed(11)
    model = keras.Sequential([
        keras.Input((10, 6)),
        layers.GaussianNoise(0.1),
        layers.SpatialDropout1D(0.2),
        layers.Dense(8, activation="selu", kernel_initializer="lecun_normal"),
        layers.AlphaDropout(0.1),
        layers.Dropout(0.25, noise_shape=(None, 1, 8)),
        layers.GaussianDropout(0.2),
        layers.Flatten(),
        layers.Dense(3, activation="softmax"),
    ], name="noise_layers_mlp")
    return model


def main():
    keras.utils.set_random_seed(1)
    cases = [measure(name, layer, shape) for name, layer, shape in CASES]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    os.makedirs(os.path.dirname(SPEC), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"keras_version": keras.__version__, "cases": cases}, f, indent=1, sort_keys=True)
        f.write("\n")
    with open(SPEC, "w", encoding="utf-8") as f:
        f.write(json.dumps(json.loads(noise_mlp().to_json()), indent=2) + "\n")
    print(f"wrote {OUT} ({len(cases)} cases) and {SPEC}")


if __name__ == "__main__":
    main()
