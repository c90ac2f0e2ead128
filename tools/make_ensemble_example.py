"""Makes the data and the model of ``Examples/Ensemble`` (issue 20) of swift-model-generator.

Setup and run (from anywhere; paths are relative to this file)::

    pip install keras jax scikit-learn    # made with keras 3.15.1, scikit-learn 1.x
    KERAS_BACKEND=jax python tools/make_ensemble_example.py

The data is real: scikit-learn's bundled copy of the UCI optical handwritten digits
(1,797 8x8 images of the digits 0-9, grey levels 0-16), scaled to [0, 1] and split
75/25 with a fixed seed. The model is written the way keras.io examples write a
small classifier and saved with ``model.save()``.

It writes, under ``Examples/Ensemble/Sources/Ensemble/``:

* ``digits.keras``: ``keras.Sequential([Input((64,)), Dense(64, relu),
  BatchNormalization, Dropout(0.1), Dense(10, softmax)])``, compiled with
  Adam(0.01), sparse categorical crossentropy and accuracy, as saved by
  ``model.save`` (the build plugin generates the Swift type ``Digits`` from it;
  the example reads the recipe from its ``compile_config``; its weights are not
  used: every ensemble member is a fresh clone);
* ``x_train.npy`` (1347, 64), ``y_train.npy`` (1347,) class ids as float32,
  ``x_test.npy`` (450, 64), ``y_test.npy`` (450,);
* ``keras_reference.json``: what Keras gets from the same recipe (five
  ``clone_model`` members trained with Adam(0.01), batch 32, 15 epochs, sparse
  categorical crossentropy; probabilities averaged): each member's test accuracy
  and the ensemble's. The Swift example prints these beside its own numbers (its
  members start from other random weights, so the numbers are close, not equal).

Deterministic: fixed seeds; a rerun writes the same .npy files (the .keras archive records
its save date, and the reference accuracies depend on XLA's CPU code).
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Examples", "Ensemble", "Sources", "Ensemble")

MEMBERS = 5
EPOCHS = 15
BATCH = 32
LEARNING_RATE = 0.01


def build_model(keras):
    # As keras.io writes a small classifier.
    return keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.BatchNormalization(),
            keras.layers.Dropout(0.1),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="digits",
    )


def main():
    import keras
    from sklearn.datasets import load_digits

    if keras.backend.backend() != "jax":
        sys.exit("run with KERAS_BACKEND=jax")
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("float32")
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    split = int(len(x) * 0.75)
    x_train, y_train, x_test, y_test = x[:split], y[:split], x[split:], y[split:]
    os.makedirs(OUT, exist_ok=True)
    for name, array in [("x_train", x_train), ("y_train", y_train), ("x_test", x_test), ("y_test", y_test)]:
        np.save(os.path.join(OUT, f"{name}.npy"), array, allow_pickle=False)

    keras.utils.set_random_seed(0)
    model = build_model(keras)
    # Compiled before saving, so that the archive's compile_config carries the recipe.
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    model.save(os.path.join(OUT, "digits.keras"))

    accuracies = []
    probabilities = np.zeros((len(x_test), 10), dtype="float64")
    for member in range(MEMBERS):
        clone = keras.models.clone_model(model)
        clone.compile(
            optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="sparse_categorical_crossentropy"
        )
        clone.fit(x_train, y_train, batch_size=BATCH, epochs=EPOCHS, verbose=0)
        p = np.asarray(clone.predict(x_test, verbose=0))
        accuracies.append(float(np.mean(p.argmax(-1) == y_test)))
        probabilities += p
    ensemble = float(np.mean(probabilities.argmax(-1) == y_test))
    reference = {
        "recipe": f"{MEMBERS} clone_model members, Adam({LEARNING_RATE}), batch {BATCH}, {EPOCHS} epochs, "
        "sparse_categorical_crossentropy, probabilities averaged",
        "keras": keras.__version__,
        "member_accuracies": [round(a, 4) for a in accuracies],
        "ensemble_accuracy": round(ensemble, 4),
    }
    with open(os.path.join(OUT, "keras_reference.json"), "w") as f:
        json.dump(reference, f, indent=2)
        f.write("\n")
    print(json.dumps(reference))


if __name__ == "__main__":
    main()
