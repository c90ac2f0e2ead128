"""Keras's view of every starter spec in Templates/: loads each with Keras 3 and writes
``Tests/Fixtures/templates/NAME.json`` with its ``count_params()``, trainable and
non-trainable counts, and the output shape of a call on a batch of 2 (one shape per output).

Run: ``KERAS_BACKEND=jax python tools/make_template_fixtures.py`` (deterministic).
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import keras  # noqa: E402

import fixture_common as fc  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "templates")


def main():
    os.makedirs(OUT, exist_ok=True)
    for file in sorted(os.listdir(os.path.join(ROOT, "Templates"))):
        name = file[: -len(".model.json")]
        with open(os.path.join(ROOT, "Templates", file)) as f:
            model = fc.load_model_json(f.read(), strict=False)
        inputs = []
        for tensor in model.inputs:
            shape = (2,) + tuple(tensor.shape[1:])
            if "int" in str(tensor.dtype):
                inputs.append(np.ones(shape, dtype="int32"))
            else:
                inputs.append(np.full(shape, 0.1, dtype="float32"))
        outputs = model(inputs if len(inputs) > 1 else inputs[0])
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        trainable = int(sum(np.prod(w.shape) for w in model.trainable_weights))
        record = {
            "count_params": int(model.count_params()),
            "trainable": trainable,
            "non_trainable": int(model.count_params()) - trainable,
            "output_shapes": [list(np.asarray(o).shape) for o in outputs],
        }
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            json.dump(record, f, indent=1)
            f.write("\n")
        print(name, record)


if __name__ == "__main__":
    main()
