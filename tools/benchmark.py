"""Runs the Swift benchmarks and the same work in Keras (JAX backend) and NumPy, in one run on
one machine, and prints the times side by side with their ratios.

Setup and run (from anywhere)::

    pip install keras jax h5py safetensors
    KERAS_BACKEND=jax python tools/benchmark.py [--runs N] [--markdown]

It builds ``Benchmarks/`` in release mode (``swift build -c release``), writes the benchmark's
weight files with Keras into a temporary folder (``big_mlp``: 1024-2048-2048-2048-1000, 12.5 M
parameters, 50 MB of float32), and times:

* ``load_weights_h5``: Keras ``model.load_weights(path.weights.h5)`` vs our
  ``loadWeights(from:)``; ``h5py`` reading every dataset is the floor for Python.
* ``load_weights_safetensors``: ``safetensors.numpy.load_file`` vs our ``loadWeights(from:)``.
* ``load_model_keras``: ``keras.saving.load_model(path.keras)`` vs our
  ``BigMlp(contentsOf:)`` (both build the model and read its weights).
* ``gemm_1024``: a 1024×1024 by 1024×1024 float32 product, NumPy's ``a @ b`` (its BLAS, all
  cores) vs our Dense layer without bias on a batch of 1024.
* ``resnet50_batch_1``, ``mobilenet_v2_batch_1``: ``keras.applications`` models at 224×224
  (fresh weights), Keras's ``predict`` (XLA-compiled) vs our call; ``resnet50_clone``:
  ``keras.models.clone_model`` vs our ``clone()`` (fresh weights).
* ``lstm_256_batch_32``: a 256-unit LSTM over 50 steps of 64 features, a batch of 32,
  Keras's XLA-compiled ``predict`` against the generated model's call.
* ``mnist_mlp_batch_1`` / ``_256``: Keras's direct call ``model(x)`` vs ours (784-256-10).
* ``keras_json_resnet50``: ResNet50's architecture to Keras JSON and back: Keras's
  ``model.to_json()`` then ``model_from_json`` (which also builds the layers and draws their
  weights; ``to_json`` alone is reported too) vs our ``kerasJSON()`` then
  ``Resnet50.Config(kerasJSON:)`` (a typed config, checked, no weights).

Build-time cases, with absolute targets and no Keras counterpart (``--skip-build-times`` leaves
them out, ``--build-times-only`` runs only them, without Keras, NumPy, h5py or safetensors;
the first needs a release build of the generator, the second a debug build of a
throwaway package that uses the plugin, a few minutes the first time):

* ``generate_resnet50``: ``swift-model-generator generate`` on ResNet50's spec (170 KB, 177
  layers), the whole process as the build plugin runs it.
* ``debug_build_resnet50``: after an edit of the spec (the model's name), ``swift build``
  (debug) of the package: the plugin regenerates the type and the compiler builds it again.

Every case reports the median of ``--runs`` runs after a warm-up; ratios above 1 mean Swift
is faster. The Swift side prints a check value (the sum of the loaded weights, or of the
outputs) that must equal Python's, so a fast but wrong load cannot pass.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.dont_write_bytecode = True

# Keras, NumPy, h5py and safetensors are imported where they are used, so that
# --build-times-only runs without them.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SPECS = os.path.join(ROOT, "Benchmarks", "Sources", "Benchmarks")


def median_time(body, runs):
    body()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def model_from_spec(name):
    import fixture_common as fc

    with open(os.path.join(SPECS, f"{name}.model.json")) as f:
        return fc.load_model_json(f.read(), strict=False)


def datasets(path):
    import h5py

    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def python_side(folder, runs):
    import keras
    import numpy as np
    import safetensors.numpy

    results = {}
    model = model_from_spec("big_mlp")
    rng = np.random.default_rng(0)
    model.set_weights([(rng.standard_normal(w.shape) * 0.05).astype("float32") for w in model.get_weights()])
    h5 = os.path.join(folder, "big_mlp.weights.h5")
    archive = os.path.join(folder, "big_mlp.keras")
    model.save_weights(h5)
    model.save(archive)
    stored = datasets(h5)
    safetensors.numpy.save_file(stored, os.path.join(folder, "big_mlp.safetensors"))
    check = float(sum(np.sum(w, dtype=np.float64) for w in model.get_weights()))

    other = model_from_spec("big_mlp")
    results["load_weights_h5"] = {
        "Keras": median_time(lambda: other.load_weights(h5), runs),
        "h5py (read only)": median_time(lambda: datasets(h5), runs),
        "check": check,
    }
    st = os.path.join(folder, "big_mlp.safetensors")
    results["load_weights_safetensors"] = {
        "safetensors.numpy": median_time(lambda: safetensors.numpy.load_file(st), runs),
        "check": check,
    }
    results["load_model_keras"] = {
        "Keras": median_time(lambda: keras.saving.load_model(archive), max(1, runs // 2)),
        "check": check,
    }

    rng = np.random.default_rng(1)
    a = rng.standard_normal((1024, 1024)).astype("float32")
    b = rng.standard_normal((1024, 1024)).astype("float32")
    results["gemm_1024"] = {"NumPy (a @ b)": median_time(lambda: a @ b, runs)}

    for name in ("resnet50", "mobilenet_v2"):
        model = model_from_spec(name)
        image = ((np.arange(224 * 224 * 3) % 255) / 255 - 0.5).astype("float32").reshape(1, 224, 224, 3)
        model.predict(image, verbose=0)
        results[f"{name}_batch_1"] = {
            "Keras predict (XLA)": median_time(lambda: model.predict(image, verbose=0), max(1, runs // 2)),
        }
        if name == "resnet50":
            results["resnet50_clone"] = {
                "Keras clone_model": median_time(lambda: keras.models.clone_model(model), max(1, runs // 2)),
            }

    resnet = model_from_spec("resnet50")
    results["keras_json_resnet50"] = {
        "Keras to_json + model_from_json": median_time(
            lambda: keras.models.model_from_json(resnet.to_json()), max(1, runs // 2)),
        "Keras to_json": median_time(lambda: resnet.to_json(), runs),
    }

    lstm = model_from_spec("lstm_text")
    sequences = ((np.arange(32 * 50 * 64) % 255) / 255 - 0.5).astype("float32").reshape(32, 50, 64)
    lstm.predict(sequences, verbose=0)
    results["lstm_256_batch_32"] = {
        "Keras predict (XLA)": median_time(lambda: lstm.predict(sequences, verbose=0), runs),
    }

    mnist = model_from_spec("mnist_mlp")
    # The same weights as the Swift side's MnistMlp(seed: 1) are not needed for timing; the
    # output check uses Swift's own inputs and weights, so only times are compared here.
    for batch in (1, 256):
        x = (np.arange(batch * 784) % 255 / 255).astype("float32").reshape(batch, 784)
        mnist(x)
        results[f"mnist_mlp_batch_{batch}"] = {
            "Keras": median_time(lambda: np.asarray(mnist(x)), runs * (20 if batch == 1 else 4)),
            "NumPy (same math)": median_time(lambda: numpy_mlp(mnist, x, np), runs * (20 if batch == 1 else 4)),
        }
    return results


def numpy_mlp(model, x, np):
    (k1, b1, k2, b2) = [np.asarray(w) for w in model.get_weights()] if not hasattr(model, "_np") else model._np
    model._np = (k1, b1, k2, b2)
    h = np.maximum(x @ k1 + b1, 0)
    z = h @ k2 + b2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def swift_side(folder, runs):
    subprocess.run(["swift", "build", "-c", "release", "--package-path", os.path.join(ROOT, "Benchmarks")],
                   check=True, stdout=subprocess.DEVNULL)
    binary = subprocess.run(["swift", "build", "-c", "release", "--package-path", os.path.join(ROOT, "Benchmarks"),
                             "--show-bin-path"], check=True, capture_output=True, text=True).stdout.strip()
    output = subprocess.run([os.path.join(binary, "Benchmarks"), "--files", folder, "--runs", str(runs)],
                            check=True, capture_output=True, text=True).stdout
    results = {}
    for line in output.splitlines():
        name, seconds, check = line.split("\t")
        results[name] = {"seconds": float(seconds), "check": float(check)}
    return results


def build_times(runs):
    """The build-time cases: seconds per case (median of ``runs``)."""
    subprocess.run(["swift", "build", "-c", "release", "--package-path", ROOT, "--product", "swift-model-generator"],
                   check=True, stdout=subprocess.DEVNULL)
    binary = subprocess.run(["swift", "build", "-c", "release", "--package-path", ROOT, "--show-bin-path"],
                            check=True, capture_output=True, text=True).stdout.strip()
    generator = os.path.join(binary, "swift-model-generator")
    spec_path = os.path.join(SPECS, "resnet50.model.json")
    results = {}
    with tempfile.TemporaryDirectory() as out:
        results["generate_resnet50"] = median_time(
            lambda: subprocess.run([generator, "generate", spec_path, "--output-directory", out], check=True), runs)

    with tempfile.TemporaryDirectory() as package:
        sources = os.path.join(package, "Sources", "App")
        os.makedirs(sources)
        with open(os.path.join(package, "Package.swift"), "w") as f:
            f.write(f"""// swift-tools-version: 6.0
import PackageDescription
let package = Package(
    name: "App",
    dependencies: [.package(name: "swift-model-generator", path: {json.dumps(ROOT)})],
    targets: [.executableTarget(
        name: "App",
        dependencies: [.product(name: "ModelRuntime", package: "swift-model-generator")],
        plugins: [.plugin(name: "ModelGeneratorPlugin", package: "swift-model-generator")])])
""")
        with open(os.path.join(sources, "main.swift"), "w") as f:
            f.write("import ModelRuntime\nprint(Resnet50.Config().layers.count)\n")
        with open(spec_path) as f:
            spec = f.read()
        target = os.path.join(sources, "resnet50.model.json")
        edits = iter(range(1_000_000))

        def write_spec():
            # A new model name changes the generated source, so the compiler builds it again.
            with open(target, "w") as f:
                f.write(spec.replace('"name": "resnet50"', f'"name": "resnet50_{next(edits)}"', 1))

        def build():
            write_spec()
            subprocess.run(["swift", "build", "--package-path", package], check=True, stdout=subprocess.DEVNULL)

        results["debug_build_resnet50"] = median_time(build, max(1, runs // 2))
    return results


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    text = f"{cpu}, {os.cpu_count()} cores; {swift}"
    keras, np = sys.modules.get("keras"), sys.modules.get("numpy")
    if keras is not None:
        text += f"; Keras {keras.__version__} (JAX)"
    if np is not None:
        text += f"{',' if keras is not None else ';'} NumPy {np.__version__}"
    return text


def format_time(seconds):
    return f"{seconds * 1e3:.3f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table (for BENCHMARKS.md)")
    parser.add_argument("--skip-build-times", action="store_true", help="leave out the build-time cases")
    parser.add_argument("--build-times-only", action="store_true",
                        help="run only the build-time cases (no Keras/NumPy comparison)")
    args = parser.parse_args()
    if args.build_times_only and args.skip_build_times:
        parser.error("--build-times-only and --skip-build-times exclude each other")
    python, swift = {}, {}
    if not args.build_times_only:
        with tempfile.TemporaryDirectory() as folder:
            python = python_side(folder, args.runs)
            swift = swift_side(folder, args.runs)
    builds = {} if args.skip_build_times else build_times(args.runs)
    failures = []
    rows = []
    for name, ours in swift.items():
        theirs = python.get(name, {})
        if "check" in theirs and abs(theirs["check"] - ours["check"]) > 1e-6 * max(1, abs(theirs["check"])):
            failures.append(f"{name}: Swift's check value {ours['check']} != Python's {theirs['check']}")
        for other, seconds in theirs.items():
            if other == "check":
                continue
            rows.append((name, format_time(ours["seconds"]), other, format_time(seconds), seconds / ours["seconds"]))
    print(f"Machine: {machine()}")
    if rows:
        print(f"Median of {args.runs} runs (after a warm-up); ratio = other / Swift, above 1 means Swift is faster.\n")
    if rows and args.markdown:
        print("| Case | Swift | Compared with | Their time | Ratio |")
        print("| --- | ---: | --- | ---: | ---: |")
        for row in rows:
            print(f"| {row[0]} | {row[1]} | {row[2]} | {row[3]} | {row[4]:.2f}× |")
    else:
        for row in rows:
            print(f"{row[0]:<26} Swift {row[1]:>12}   {row[2]:<18} {row[3]:>12}   ratio {row[4]:8.2f}")
    targets = {"generate_resnet50": 0.050, "debug_build_resnet50": 20.0}
    if builds:
        print("\nBuild-time cases (absolute targets):\n")
        if args.markdown:
            print("| Case | Time | Target |")
            print("| --- | ---: | ---: |")
        for name, seconds in builds.items():
            if args.markdown:
                print(f"| {name} | {format_time(seconds)} | under {format_time(targets[name])} |")
            else:
                print(f"{name:<26} {format_time(seconds):>12}   target under {format_time(targets[name])}")
    if failures:
        print("\n" + "\n".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
