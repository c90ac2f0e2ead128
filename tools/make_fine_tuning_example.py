"""Makes the data, the pretrained model and the Keras reference numbers of ``Examples/FineTuning``.

Setup and run (from anywhere; paths are relative to this file)::

    pip install keras jax scikit-learn    # made with keras 3.15.1, scikit-learn 1.x
    KERAS_BACKEND=jax python tools/make_fine_tuning_example.py
    KERAS_BACKEND=jax python tools/make_fine_tuning_example.py --verify PATH.weights.h5

The data is real: scikit-learn's bundled copy of the UCI optical handwritten digits
(1,797 8x8 images of the digits 0-9, grey levels 0-16), scaled to [0, 1] as float32.
The story is a fine-tuning, told the way keras.io's transfer-learning guide tells it:

1. Pretraining, in Keras, on the digits 0-4 only (split 75/25 with a fixed seed):
   ``keras.Sequential([Input((64,)), Dense(64, relu, name="features_1"),
   Dense(32, relu, name="features_2"), Dense(5, softmax, name="head")],
   name="pretrained")``, Adam(0.01), sparse categorical crossentropy, 20 epochs,
   batch 32, saved compiled with ``model.save`` (so the archive has a
   ``compile_config``).
2. The new task: the digits 5-9, labels digit - 5, split 75/25 with a fixed seed.
3. Keras's reference fine-tuning, which the Swift example reproduces exactly:
   ``load_model("pretrained.keras")``; ``features_1`` and ``features_2`` frozen
   (``trainable = False``); the head's kernel (32, 5) and bias (5,) set to zeros
   (a zero-initialized softmax head, so that Swift starts from exactly the same
   weights); ``compile(Adam(learning_rate=0.01), "sparse_categorical_crossentropy",
   metrics=["accuracy"])``; ``fit(x_train, y_train, batch_size=32, epochs=5,
   shuffle=False)``; ``evaluate(x_test, y_test, batch_size=32)``. With
   ``shuffle=False``, no dropout and a fixed starting point, nothing in it is random.

It writes, under ``Examples/FineTuning/Sources/FineTuning/``:

* ``pretrained.keras``: the pretrained model of step 1 as saved by ``model.save``
  (every layer still trainable; the build plugin generates the Swift type
  ``Pretrained`` from it, the example loads its weights and reads its recipe);
* ``x_train.npy`` (n, 64), ``y_train.npy`` (n,) class ids 0-4 (digit - 5) as
  float32, ``x_test.npy``, ``y_test.npy``: the digits 5-9 of step 2;
* ``keras_reference.json``: the recipe; the keras version; the pretraining's test
  accuracy on the held-out digits 0-4; ``before_training``: loss and accuracy of the
  frozen features with the zero head (the loss is log 5; every row ties, and
  Keras's argmax picks class 0); ``history``: ``history.history`` of the
  fine-tuning (per epoch: the mean over the epoch's batches of the loss and
  accuracy, measured while training); ``test_loss``, ``test_accuracy`` after it;
  ``head_after``: the head's ``kernel`` (32 rows of 5) and ``bias`` (5) after it.
  All floats at full precision (``float()`` of the float32 value).

``--verify PATH.weights.h5`` checks what the Swift example saved with
``saveWeights(to:)``: it builds the architecture of ``pretrained.keras``, freezes it
as above, loads the file (Keras 3's ``.weights.h5`` layout, keyed by object path),
evaluates on ``x_test``/``y_test`` and prints its loss and accuracy beside
``keras_reference.json``'s; it exits 1 if they differ by more than 1e-4 relative.

Deterministic: fixed seeds (``keras.utils.set_random_seed``, numpy ``default_rng``);
a rerun writes byte-identical .npy files and ``keras_reference.json`` on one machine
(the .keras archive records its save date; the numbers depend on XLA's CPU code).
"""

import argparse
import json
import math
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Examples", "FineTuning", "Sources", "FineTuning")
PRETRAINED = os.path.join(OUT, "pretrained.keras")
REFERENCE = os.path.join(OUT, "keras_reference.json")

SEED = 0
LEARNING_RATE = 0.01
BATCH = 32
PRETRAIN_EPOCHS = 20
FINE_TUNE_EPOCHS = 5
FROZEN = ("features_1", "features_2")
TOLERANCE = 1e-4

RECIPE = (
    "load_model('pretrained.keras'); features_1.trainable = False; features_2.trainable = False; "
    "head kernel (32, 5) and bias (5,) set to zeros; compile(Adam(learning_rate=0.01), "
    "'sparse_categorical_crossentropy', metrics=['accuracy']); fit(x_train, y_train, batch_size=32, "
    "epochs=5, shuffle=False); evaluate(x_test, y_test, batch_size=32)"
)


def build_model(keras):
    # As keras.io writes a small classifier.
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=(64,)),
            layers.Dense(64, activation="relu", name="features_1"),
            layers.Dense(32, activation="relu", name="features_2"),
            layers.Dense(5, activation="softmax", name="head"),
        ],
        name="pretrained",
    )


def compile_recipe(keras, model):
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )


def split(x, y, seed):
    """A fixed-seed 75/25 split."""
    order = np.random.default_rng(seed).permutation(len(x))
    x, y = x[order], y[order]
    n = int(len(x) * 0.75)
    return x[:n], y[:n], x[n:], y[n:]


def load_digits():
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    x = (digits.data / 16.0).astype("float32")
    return x, digits.target


def fine_tuning_data():
    x, digit = load_digits()
    keep = digit >= 5
    return split(x[keep], (digit[keep] - 5).astype("float32"), SEED)


def frozen_pretrained(keras, compile_model=True):
    """pretrained.keras with its features frozen, compiled with a fresh optimizer."""
    model = keras.saving.load_model(PRETRAINED, compile=False)
    for name in FROZEN:
        model.get_layer(name).trainable = False
    if compile_model:
        compile_recipe(keras, model)
    return model


def pretrain(keras):
    x, digit = load_digits()
    keep = digit < 5
    x_train, y_train, x_test, y_test = split(x[keep], digit[keep].astype("float32"), SEED)
    keras.utils.set_random_seed(SEED)
    model = build_model(keras)
    # Compiled before saving, so that the archive's compile_config carries the recipe.
    compile_recipe(keras, model)
    model.fit(x_train, y_train, batch_size=BATCH, epochs=PRETRAIN_EPOCHS, verbose=0)
    _, accuracy = model.evaluate(x_test, y_test, batch_size=BATCH, verbose=0)
    model.save(PRETRAINED)
    print(f"pretraining on digits 0-4: {len(x_train)} train, {len(x_test)} test, test accuracy {accuracy:.4f}")
    return float(accuracy)


def main():
    import keras

    if keras.backend.backend() != "jax":
        sys.exit("run with KERAS_BACKEND=jax")
    os.makedirs(OUT, exist_ok=True)
    pretrain_accuracy = pretrain(keras)

    x_train, y_train, x_test, y_test = fine_tuning_data()
    for name, array in [("x_train", x_train), ("y_train", y_train), ("x_test", x_test), ("y_test", y_test)]:
        np.save(os.path.join(OUT, f"{name}.npy"), array, allow_pickle=False)

    model = frozen_pretrained(keras)
    head = model.get_layer("head")
    head.set_weights([np.zeros((32, 5), "float32"), np.zeros((5,), "float32")])
    features_before = [w.copy() for name in FROZEN for w in model.get_layer(name).get_weights()]
    loss_before, accuracy_before = model.evaluate(x_test, y_test, batch_size=BATCH, verbose=0)
    assert abs(loss_before - math.log(5)) < 1e-6, loss_before

    history = model.fit(x_train, y_train, batch_size=BATCH, epochs=FINE_TUNE_EPOCHS, shuffle=False, verbose=0)
    test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=BATCH, verbose=0)
    features_after = [w for name in FROZEN for w in model.get_layer(name).get_weights()]
    assert all(np.array_equal(a, b) for a, b in zip(features_before, features_after)), "a frozen layer changed"
    kernel, bias = head.get_weights()

    reference = {
        "recipe": RECIPE,
        "keras": keras.__version__,
        "pretraining": {
            "recipe": f"digits 0-4, Adam({LEARNING_RATE}), sparse_categorical_crossentropy, "
            f"{PRETRAIN_EPOCHS} epochs, batch {BATCH}",
            "test_accuracy": pretrain_accuracy,
        },
        "train_size": len(x_train),
        "test_size": len(x_test),
        "before_training": {"test_loss": float(loss_before), "test_accuracy": float(accuracy_before)},
        "history": {key: [float(v) for v in values] for key, values in history.history.items()},
        "test_loss": float(test_loss),
        "test_accuracy": float(test_accuracy),
        "head_after": {
            "kernel": [[float(v) for v in row] for row in kernel],
            "bias": [float(v) for v in bias],
        },
    }
    with open(REFERENCE, "w") as f:
        json.dump(reference, f, indent=2)
        f.write("\n")
    print(f"fine-tuning on digits 5-9: {len(x_train)} train, {len(x_test)} test")
    print(f"before training (zero head): loss {loss_before:.7f} (log 5 = {math.log(5):.7f}), "
          f"accuracy {accuracy_before:.4f}")
    for epoch, (loss, accuracy) in enumerate(zip(history.history["loss"], history.history["accuracy"]), 1):
        print(f"epoch {epoch}: loss {loss:.6f}, accuracy {accuracy:.4f}")
    print(f"after fine-tuning: test loss {test_loss:.6f}, test accuracy {test_accuracy:.4f}")


def verify(path):
    import keras

    with open(REFERENCE) as f:
        reference = json.load(f)
    # Weights first, then a fresh optimizer: the file holds no optimizer variables.
    model = frozen_pretrained(keras, compile_model=False)
    model.load_weights(path)
    compile_recipe(keras, model)
    _, _, x_test, y_test = fine_tuning_data()
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=BATCH, verbose=0)
    failed = False
    for name, value, expected in [
        ("test loss", loss, reference["test_loss"]),
        ("test accuracy", accuracy, reference["test_accuracy"]),
    ]:
        difference = abs(value - expected) / max(abs(expected), 1e-12)
        ok = difference <= TOLERANCE
        failed |= not ok
        print(f"{name}: {value:.7f} from {os.path.basename(path)}, {expected:.7f} in keras_reference.json "
              f"(relative difference {difference:.1e}) {'ok' if ok else 'MISMATCH'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verify", metavar="PATH.weights.h5", help="check weights saved by the Swift example")
    arguments = parser.parse_args()
    if arguments.verify:
        verify(arguments.verify)
    else:
        main()
