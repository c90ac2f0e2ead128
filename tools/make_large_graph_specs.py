"""Writes the specs of the largest graphs the Swift tests build: ``keras.applications`` models
saved with ``model.save()``, kept without their weights (``config.json`` and
``metadata.json`` of the archive only, deflated), so that a graph of hundreds of layers costs
the repository a few kilobytes.

Run (from anywhere; keras 3.15.1, JAX backend)::

    KERAS_BACKEND=jax python tools/make_large_graph_specs.py

It writes ``Checks/Tests/LargeGraphTests/NAME.keras`` for each model below. That
package's tests (``LargeGraphTests``, run by CI) build the generated type in a debug build and
run it, with fresh weights, on a thread whose stack is 512 KB; nothing there is compared with
Keras's numbers (``tools/check_applications.py`` does that for every application, with weights).
"""

import os
import sys
import tempfile
import zipfile

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("make_large_graph_specs.py needs KERAS_BACKEND=jax")

import keras  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "Checks", "Tests", "LargeGraphTests")

# name: (builder, input shape); the smallest input Keras allows, 10 classes, logits.
MODELS = {
    "nasnet_mobile": (keras.applications.NASNetMobile, (32, 32, 3)),
}


def config_only(source, target):
    """Copies the archive's config and metadata, with a fixed date so the bytes repeat."""
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for name in ("metadata.json", "config.json"):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, archive.read(name), compresslevel=9)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for name, (build, shape) in MODELS.items():
        model = build(weights=None, input_shape=shape, classes=10, classifier_activation=None)
        with tempfile.TemporaryDirectory() as folder:
            saved = os.path.join(folder, name + ".keras")
            model.save(saved)
            target = os.path.join(OUT_DIR, name + ".keras")
            config_only(saved, target)
        print(f"{target}: {len(model.layers)} layers, {os.path.getsize(target)} bytes")


if __name__ == "__main__":
    main()
