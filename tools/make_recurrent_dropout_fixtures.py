"""What Keras's recurrent layers do with ``dropout`` and ``recurrent_dropout`` in training, for
tests/RecurrentDropoutTests.

Keras draws the masks from its generator (JAX's), which the Swift runtime does not replay. So this
script fixes the masks instead: it replaces the cells' ``get_dropout_mask`` and
``get_recurrent_dropout_mask`` (keras/src/layers/rnn/dropout_rnn_cell.py) with methods returning
masks drawn here (1 / (1 - rate) or 0, as ``backend.random.dropout`` of ones gives; one mask, or
a list of one per gate where the cell asks for ``dropout_mask_count`` of them: LSTM and GRU with
``recurrent_dropout``), and records Keras's training-mode output and ``jax.grad`` of
``sum(output * upstream)`` with respect to the input and the weights with those masks. The Swift
test runs the layer's training call with the same masks and compares.

Writes ``Tests/Fixtures/training/recurrent_dropout/cases.json`` (per case: ``case``,
``class_name``, ``config`` (``layer.get_config()``), ``input_masks`` and ``recurrent_masks``
(how many of each)) and ``CASE/arrays.npz``: ``input``, ``weights_NN`` (``get_weights()``),
``input_mask_N``, ``recurrent_mask_N``, ``upstream``, ``output``, ``input_gradient``,
``gradient_NN`` (in ``trainable_weights`` order, which is ``get_weights()`` order here).
Checked: the output differs from the output without dropout, and a central difference of the
loss along a random direction agrees with the gradients. Also writes the spec
``Tests/ModelRuntimeTests/Specs/recurrent_dropout/recurrent_dropout_text.model.json``, a text
classifier with recurrent dropout that the Swift tests train.

Run: ``KERAS_BACKEND=jax python tools/make_recurrent_dropout_fixtures.py`` (keras 3.15.1, JAX;
a few seconds). Deterministic: a rerun leaves every file byte-identical.
"""

import json
import os
import shutil

import fixture_common as fc

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402
from keras.src.layers.rnn.dropout_rnn_cell import DropoutRNNCell  # noqa: E402

OUT = os.path.join(fc.FIXTURES_DIR, "training", "recurrent_dropout")
SPEC = os.path.join(fc.SPECS_DIR, "recurrent_dropout", "recurrent_dropout_text.model.json")
BATCH, STEPS, FEATURES = 3, 5, 3

CASES = [
    ("simple_rnn_both", lambda: layers.SimpleRNN(4, dropout=0.3, recurrent_dropout=0.4,
                                                 return_sequences=True)),
    ("lstm_dropout_only", lambda: layers.LSTM(4, dropout=0.3)),
    ("lstm_both", lambda: layers.LSTM(4, dropout=0.25, recurrent_dropout=0.35,
                                      return_sequences=True)),
    ("gru_recurrent_only", lambda: layers.GRU(4, recurrent_dropout=0.3)),
    ("gru_both_no_reset_after", lambda: layers.GRU(3, dropout=0.2, recurrent_dropout=0.3,
                                                   reset_after=False, return_sequences=True)),
]


def draw_masks(rng, count, width, rate):
    """``count`` masks of (BATCH, width): 1 / (1 - rate) where a uniform draw is at least
    ``rate``, else 0 (``keras.random.dropout`` of ones); none when ``rate`` is 0."""
    if rate == 0:
        return []
    return [np.where(rng.uniform(size=(BATCH, width)) >= rate, 1.0 / (1.0 - rate), 0.0)
            .astype(np.float32) for _ in range(count)]


def patch(cell, input_masks, recurrent_masks):
    """Makes ``cell`` use the given masks: a list when it asks for several, else the one."""
    several = getattr(cell, "dropout_mask_count", None) is not None

    def pick(masks):
        if not masks:
            return None
        return [jnp.asarray(m) for m in masks] if several else jnp.asarray(masks[0])

    cell.get_dropout_mask = lambda step_input: pick(input_masks)
    cell.get_recurrent_dropout_mask = lambda step_input: pick(recurrent_masks)


def write_case(name, make):
    rng = np.random.default_rng(sum(map(ord, name)))
    keras.utils.set_random_seed(7)
    layer = make()
    model = keras.Sequential([keras.Input((STEPS, FEATURES)), layer], name=name)
    weights = [rng.normal(0, 0.5, w.shape).astype(np.float32) for w in model.get_weights()]
    model.set_weights(weights)
    cell = layer.cell
    assert isinstance(cell, DropoutRNNCell)
    count = getattr(cell, "dropout_mask_count", None) or 1
    input_masks = draw_masks(rng, count, FEATURES, cell.dropout)
    recurrent_masks = draw_masks(rng, count, cell.units, cell.recurrent_dropout)
    x = rng.normal(0, 1, (BATCH, STEPS, FEATURES)).astype(np.float32)
    plain = np.asarray(model(x, training=True))  # unpatched: Keras's own draws
    patch(cell, input_masks, recurrent_masks)
    inference = np.asarray(model(x, training=False))
    tv = [jnp.asarray(v.value) for v in model.trainable_variables]
    ntv = [jnp.asarray(v.value) for v in model.non_trainable_variables]
    out, _ = model.stateless_call(tv, ntv, x, training=True)
    up = rng.normal(0, 1, out.shape).astype(np.float32)

    def loss(tv, x):
        y, _ = model.stateless_call(tv, ntv, x, training=True)
        return jnp.sum(y * up)

    (weight_grads, input_grad) = jax.grad(loss, argnums=(0, 1))(tv, jnp.asarray(x))
    out = np.asarray(out)
    assert not np.allclose(out, inference), name  # the masks act
    assert not np.allclose(out, plain), name  # and they are ours, not Keras's draws
    # Central difference along a random direction.
    dt = [rng.normal(0, 1, v.shape).astype(np.float32) for v in tv]
    dx = rng.normal(0, 1, x.shape).astype(np.float32)
    eps = 1e-3
    plus = loss([v + eps * d for v, d in zip(tv, dt)], x + eps * dx)
    minus = loss([v - eps * d for v, d in zip(tv, dt)], x - eps * dx)
    numeric = float(plus - minus) / (2 * eps)
    analytic = float(sum(jnp.sum(g * d) for g, d in zip(weight_grads, dt)) + jnp.sum(input_grad * dx))
    assert abs(numeric - analytic) < 1e-2 * max(1.0, abs(analytic)), (name, numeric, analytic)
    assert [v.path for v in model.trainable_variables] == [v.path for v in model.weights], name

    folder = os.path.join(OUT, name)
    os.makedirs(folder)
    fc.save_arrays(folder, [("input", x)]
                   + [(f"weights_{i:02d}", w) for i, w in enumerate(weights)]
                   + [(f"input_mask_{i}", m) for i, m in enumerate(input_masks)]
                   + [(f"recurrent_mask_{i}", m) for i, m in enumerate(recurrent_masks)]
                   + [("upstream", up), ("output", out), ("input_gradient", np.asarray(input_grad))]
                   + [(f"gradient_{i:02d}", np.asarray(g)) for i, g in enumerate(weight_grads)])
    config = layer.get_config()
    return {"case": name, "class_name": type(layer).__name__, "config": config,
            "input_masks": len(input_masks), "recurrent_masks": len(recurrent_masks)}


def text_model():
    """A text classifier with recurrent dropout, as keras.io's and the Keras book's examples
    write them: Embedding(mask_zero) -> Bidirectional(LSTM(dropout, recurrent_dropout)) ->
    GRU(recurrent_dropout) -> Dense(softmax)."""
    keras.utils.set_random_seed(11)
    return keras.Sequential([
        keras.Input((6,), dtype="int32"),
        layers.Embedding(12, 4, mask_zero=True),
        layers.Bidirectional(layers.LSTM(4, dropout=0.2, recurrent_dropout=0.2, return_sequences=True)),
        layers.GRU(4, recurrent_dropout=0.25),
        layers.Dense(2, activation="softmax"),
    ], name="recurrent_dropout_text")


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    entries = [write_case(name, make) for name, make in CASES]
    fc.write_json(os.path.join(OUT, "cases.json"), entries)
    os.makedirs(os.path.dirname(SPEC), exist_ok=True)
    with open(SPEC, "w", encoding="utf-8") as f:
        f.write(json.dumps(json.loads(text_model().to_json()), indent=2) + "\n")
    print(f"wrote {len(entries)} cases to {OUT} and {SPEC}")


if __name__ == "__main__":
    main()
