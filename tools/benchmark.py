"""Runs the Swift benchmarks and the same work in Keras (JAX backend) and NumPy, in one run on
one machine, and prints the times side by side with their ratios.

Setup and run (from anywhere)::

    pip install keras jax h5py safetensors
    KERAS_BACKEND=jax python tools/benchmark.py [--runs N] [--markdown]
        [--skip-build-times | --build-times-only] [--build-runs N] [--build-sizes N,N,...]
        [--build-modes debug,release] [--build-cases CASE,...] [--build-timeout SECONDS]

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
  (fresh weights), Keras's ``predict`` (XLA-compiled) vs our call; ``resnet50_batch_32``: the
  same with 32 images a call (the ratio is the ratio of images per second); ``resnet50_clone``:
  ``keras.models.clone_model`` vs our ``clone()`` (fresh weights).
* ``lstm_256_batch_32``: a 256-unit LSTM over 50 steps of 64 features, a batch of 32,
  Keras's XLA-compiled ``predict`` against the generated model's call.
* ``mnist_mlp_batch_1`` / ``_256``: Keras's direct call ``model(x)`` vs ours (784-256-10).
* ``fit_mlp_epoch``: one epoch of ``model.fit`` on 60,000 synthetic 784-pixel inputs (the
  784-256-10 MLP, batch 128, Adam, sparse categorical crossentropy, no shuffling), Keras's
  XLA-compiled ``fit`` (after a warm-up fit that compiles it) vs ours; ``fit_cnn_epoch``: the
  same for a small CNN (28x28x1 → Conv2D 16 relu → MaxPooling2D → Conv2D 32 relu →
  MaxPooling2D → Flatten → Dense 10 softmax) on 12,800 images. Weights differ (each side's
  own initializers), so only times are compared.
* ``keras_json_resnet50``: ResNet50's architecture to Keras JSON and back: Keras's
  ``model.to_json()`` then ``model_from_json`` (which also builds the layers and draws their
  weights; ``to_json`` alone is reported too) vs our ``kerasJSON()`` then
  ``Resnet50.Config(kerasJSON:)`` (a typed config, checked, no weights).

Build-time cases, with no Keras counterpart (``--skip-build-times`` leaves them out;
``--build-times-only`` runs only them, without h5py or safetensors, and imports Keras only to
make NASNetMobile's spec):

* ``generate_resnet50``: ``swift-model-generator generate`` on ResNet50's spec (170 KB, 177
  layers), the whole process as the build plugin runs it (a release build of the generator).
* ``MODE_build_CASE``, MODE ``debug`` (``swift build``) or ``release`` (``swift build -c
  release``): an incremental build after an edit of CASE's spec. A throwaway package that
  uses the plugin has one executable target per CASE, each holding one spec at a time. Per
  mode, the runtime, the plugin and every target (with a one-layer spec) are built first,
  untimed (a few minutes), then each target alone once more after an edit. Then each case
  writes its spec with a new model name, so that the plugin regenerates the type and the
  compiler builds it again, and times ``swift build --product`` of that target alone. Each
  target's ``main.swift`` builds, calls, clones and re-weights its model and round-trips its
  Keras JSON, so that release builds keep all of the generated code. The cases (``--build-cases``, ``--build-modes``):

  * ``resnet50``: the spec in ``Benchmarks/`` (177 layers); target under 10 s in both modes.
  * ``nasnet_mobile``: made at run time with Keras (not kept): ``keras.applications.
    NASNetMobile(weights=None, input_shape=(32, 32, 3), classes=10)``, 771 layers; targets
    under 20 s in debug and 60 s in release.
  * ``dense_chain``: a Sequential chain of N Dense layers (8 units, relu).
  * ``residual_dag``: a Functional model of residual blocks, x → Dense (8, relu) → Dense (8)
    → Add with x, so values stay live across layers: N // 3 blocks, then N % 3 Dense layers.

  The last two are synthetic (N counts the layers after the input, as the generated type's
  doc comment does): each is built with 1 layer (the baseline) and with N of
  ``--build-sizes`` (default 50, 100, 250, 500, 1000) layers, and reports the time per layer,
  (t(N) − t(1)) / N, so that fixed costs (``swift build`` startup, the plugin, linking) do not
  hide growth. Build time linear in the layer count keeps it flat; a second table gives the
  ratio of the per-layer time at the largest N to that at the smallest.

  A build over ``--build-timeout`` seconds (default 1800) is stopped with the compilers it
  started and reported as timed out; the larger sizes of that case are then not run, and the
  ratio becomes a lower bound computed from the timeout. A failed build prints its output and
  exits 1. Each build case is the median of ``--build-runs`` builds (default: half of
  ``--runs``, at least 1). A full run of the build-time cases (both modes, all sizes) should
  take roughly 1 to 1.5 hours per build of each case on a 2-core machine (an estimate from
  50 and 100 layers, 2026-12-06), mostly release builds of the largest specs.

Every other case reports the median of ``--runs`` runs after a warm-up; ratios above 1 mean
Swift is faster. The Swift side prints a check value (the sum of the loaded weights, or of the
outputs) that must equal Python's, so a fast but wrong load cannot pass.
"""

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.dont_write_bytecode = True

# Keras, NumPy, h5py and safetensors are imported where they are used, so that
# --build-times-only runs without them (Keras only for NASNetMobile's spec).
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
            images = np.tile(image, (32, 1, 1, 1))
            model.predict(images, batch_size=32, verbose=0)
            results["resnet50_batch_32"] = {
                "Keras predict (XLA)": median_time(
                    lambda: model.predict(images, batch_size=32, verbose=0), max(1, runs // 2)),
            }
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

    # Training: one epoch of fit, as the Swift side runs it; median_time's untimed warm-up call
    # compiles both batch shapes (128 and the last, smaller batch).
    for name, spec, count, shape in (
        ("fit_mlp_epoch", "mnist_mlp", 60_000, (784,)),
        ("fit_cnn_epoch", "small_cnn", 12_800, (28, 28, 1)),
    ):
        model = model_from_spec(spec)
        model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy")
        x = (np.arange(count * int(np.prod(shape))) % 251 / 251).astype("float32").reshape((count,) + shape)
        y = (np.arange(count) % 10).astype("float32")
        results[name] = {
            "Keras fit (XLA)": median_time(
                lambda: model.fit(x, y, batch_size=128, epochs=1, shuffle=False, verbose=0), max(1, runs // 3)),
        }
    return results


def numpy_mlp(model, x, np):
    (k1, b1, k2, b2) = [np.asarray(w) for w in model.get_weights()] if not hasattr(model, "_np") else model._np
    model._np = (k1, b1, k2, b2)
    h = np.maximum(x @ k1 + b1, 0)
    z = h @ k2 + b2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def benchmarks_binary():
    """The folder of the release build of ``Benchmarks/``."""
    return subprocess.run(["swift", "build", "-c", "release", "--package-path", os.path.join(ROOT, "Benchmarks"),
                           "--show-bin-path"], check=True, capture_output=True, text=True).stdout.strip()


def swift_side(folder, runs):
    subprocess.run(["swift", "build", "-c", "release", "--package-path", os.path.join(ROOT, "Benchmarks")],
                   check=True, stdout=subprocess.DEVNULL)
    binary = benchmarks_binary()
    output = subprocess.run([os.path.join(binary, "Benchmarks"), "--files", folder, "--runs", str(runs)],
                            check=True, capture_output=True, text=True).stdout
    results = {}
    for line in output.splitlines():
        name, seconds, check = line.split("\t")
        results[name] = {"seconds": float(seconds), "check": float(check)}
    return results


def swift_memory():
    """Peak resident memory of one ResNet50 batch-1 call (``Benchmarks --memory``, Linux), in
    bytes: the process before the model, the call's peak, the weights, the largest activation."""
    binary = benchmarks_binary()
    run = subprocess.run([os.path.join(binary, "Benchmarks"), "--memory"], capture_output=True, text=True)
    if run.returncode != 0:
        return None
    return {line.split("\t")[0]: float(line.split("\t")[1]) for line in run.stdout.splitlines()}


# Floating-point operations of one call (a multiply-add is two): ResNet50 at 224² is 3.9 GMACs
# (its convolutions and classifier), the 1024³ product 1024³ multiply-adds.
FLOPS = {"resnet50_batch_1": 2 * 3.9e9, "resnet50_batch_32": 32 * 2 * 3.9e9, "gemm_1024": 2 * 1024.0 ** 3}


def swift_peak():
    """The machine's fused multiply-add peak in GFLOP/s (``Benchmarks --peak``, every core), the
    best of three runs (another process can only lower it), and the vector lanes it used."""
    binary = benchmarks_binary()
    best, lanes = 0.0, 0
    for _ in range(3):
        run = subprocess.run([os.path.join(binary, "Benchmarks"), "--peak"], capture_output=True, text=True)
        if run.returncode != 0:
            return None
        _, gflops, lanes = run.stdout.strip().split("\t")
        best = max(best, float(gflops))
    return best, int(lanes)


def print_throughput(swift, peak):
    """Achieved GFLOP/s of the cases whose operation count is known, and their share of the
    machine's measured peak."""
    def share(gflops):
        return f" ({100 * gflops / peak[0]:.0f}% of peak)" if peak else ""
    parts = [f"{name} {FLOPS[name] / swift[name]['seconds'] / 1e9:.1f} GFLOP/s"
             + share(FLOPS[name] / swift[name]["seconds"] / 1e9)
             for name in FLOPS if name in swift and swift[name]["seconds"] > 0]
    if parts:
        print("\nAchieved: " + ", ".join(parts) + f" on {os.cpu_count()} cores.")
    if peak:
        print(f"Measured peak: {peak[0]:.1f} GFLOP/s (fused multiply-adds of {peak[1]} float lanes on every core, "
              "the best of three runs).")


def print_memory(memory):
    """The memory row: the call's peak above the process before the model, against issue 18's
    bound, the weights plus twice the largest activation, plus 10%."""
    megabytes = 1e6
    above = memory["memory_peak_call"] - memory["memory_before_model"]
    bound = 1.1 * (memory["memory_weights"] + 2 * memory["memory_largest_activation"])
    print(f"\nPeak resident memory of one ResNet50 batch-1 call above the process before the model: "
          f"{above / megabytes:.1f} MB (weights {memory['memory_weights'] / megabytes:.1f} MB, largest activation "
          f"{memory['memory_largest_activation'] / megabytes:.1f} MB; bound (weights + 2 × largest) × 1.1 = "
          f"{bound / megabytes:.1f} MB: {'within' if above <= bound else 'over'})")


# Build-time cases ---------------------------------------------------------------------------

BUILD_MODES = ("debug", "release")
# The specs of the swept cases are written here; the others are keras.applications models.
SWEPT_CASES = ("dense_chain", "residual_dag")
BUILD_CASES = ("resnet50", "nasnet_mobile") + SWEPT_CASES
BUILD_SIZES = (50, 100, 250, 500, 1000)
# Absolute targets in seconds, by case (issue 6 and the generated-code-at-scale issue).
BUILD_TARGETS = {
    "generate_resnet50": 0.050,
    "debug_build_resnet50": 10.0,
    "release_build_resnet50": 10.0,
    "debug_build_nasnet_mobile": 20.0,
    "release_build_nasnet_mobile": 60.0,
}
# The input each case's main.swift builds (the batch and the spec's input shape).
INPUT_SHAPES = {"resnet50": [1, 224, 224, 3], "nasnet_mobile": [1, 32, 32, 3],
                "dense_chain": [1, 8], "residual_dag": [1, 8]}


class BuildFailed(Exception):
    pass


def type_name(case):
    """The generated type's name, the plugin's rule for snake_case file names."""
    return "".join(word[:1].upper() + word[1:] for word in case.split("_"))


def target_name(case):
    return type_name(case) + "Build"


def dense_chain_spec(name, layers):
    """A Sequential chain of ``layers`` Dense layers (8 units, relu) on 8 features."""
    return {"class_name": "Sequential", "config": {"name": name, "layers": [
        {"class_name": "InputLayer", "config": {"batch_shape": [None, 8]}}] + [
        {"class_name": "Dense", "config": {"units": 8, "activation": "relu"}} for _ in range(layers)]}}


def residual_dag_spec(name, layers):
    """A Functional model of ``layers`` layers after its input: ``layers // 3`` residual blocks
    (x → Dense 8 relu → Dense 8 → Add with x, so x stays live across the block), then
    ``layers % 3`` Dense layers (8 units, relu)."""
    def tensor(layer):
        return {"class_name": "__keras_tensor__",
                "config": {"shape": [None, 8], "dtype": "float32", "keras_history": [layer, 0, 0]}}

    spec = [{"class_name": "InputLayer", "name": "features",
             "config": {"batch_shape": [None, 8], "name": "features"}, "inbound_nodes": []}]

    def layer(class_name, name, config, args):
        spec.append({"class_name": class_name, "name": name, "config": {"name": name, **config},
                     "inbound_nodes": [{"args": args, "kwargs": {}}]})
        return name

    x = "features"
    for block in range(layers // 3):
        a = layer("Dense", f"block{block}_dense_a", {"units": 8, "activation": "relu"}, [tensor(x)])
        b = layer("Dense", f"block{block}_dense_b", {"units": 8}, [tensor(a)])
        x = layer("Add", f"block{block}_add", {}, [[tensor(x), tensor(b)]])
    for extra in range(layers % 3):
        x = layer("Dense", f"dense_{extra}", {"units": 8, "activation": "relu"}, [tensor(x)])
    return {"class_name": "Functional", "config": {"name": name, "layers": spec,
                                                   "input_layers": [["features", 0, 0]],
                                                   "output_layers": [[x, 0, 0]]}}


def application_spec(case):
    """ResNet50's spec from Benchmarks/; NASNetMobile's made now with Keras (not committed)."""
    if case == "resnet50":
        with open(os.path.join(SPECS, "resnet50.model.json")) as f:
            return json.load(f)
    try:
        import keras
    except ImportError as error:
        raise SystemExit(f"NASNetMobile's spec is made with Keras ({error}): pip install keras jax, "
                         "or leave it out with --build-cases") from None
    model = keras.applications.NASNetMobile(weights=None, input_shape=(32, 32, 3), classes=10)
    return json.loads(model.to_json())


def write_build_package(package, cases):
    """A package with one executable target per case, each holding one spec at a time."""
    targets = ",\n".join(f"""        .executableTarget(
            name: "{target_name(case)}",
            dependencies: [.product(name: "ModelRuntime", package: "swift-model-generator")],
            plugins: [.plugin(name: "ModelGeneratorPlugin", package: "swift-model-generator")])"""
                         for case in cases)
    with open(os.path.join(package, "Package.swift"), "w") as f:
        f.write(f"""// swift-tools-version: 6.0
import PackageDescription

// Written by tools/benchmark.py to time builds of generated models.
let package = Package(
    name: "BuildTimes",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "swift-model-generator", path: {json.dumps(ROOT)})],
    targets: [
{targets}
    ])
""")
    for case in cases:
        sources = os.path.join(package, "Sources", target_name(case))
        os.makedirs(sources, exist_ok=True)
        model, shape = type_name(case), INPUT_SHAPES[case]
        count = 1
        for size in shape:
            count *= size
        with open(os.path.join(sources, "main.swift"), "w") as f:
            f.write(f"""import ModelRuntime

// Uses the generated model's API, so that release builds keep and optimize all of its code.
// Built by tools/benchmark.py to time builds; never run.
var model = {model}(seed: 1)
let input = Tensor(shape: {shape}, scalars: [Float](repeating: 0.5, count: {count}))
let clone = model.clone()
try model.setWeights(clone.weights)
let reloaded = try {model}(kerasJSON: model.kerasJSON())
print(model(input).shape, reloaded.config == model.config)
""")


def write_spec(package, case, spec):
    with open(os.path.join(package, "Sources", target_name(case), f"{case}.model.json"), "w") as f:
        json.dump(spec, f)


def swift_build(package, mode, product, timeout):
    """Seconds of one ``swift build``, or None when it ran over ``timeout`` seconds (then it is
    stopped, with the compilers it started). Raises BuildFailed when the build fails."""
    arguments = ["swift", "build", "--package-path", package, "-c", mode]
    if product:
        arguments += ["--product", product]
    start = time.perf_counter()
    # Its own process group, so a timeout stops the compiler processes too.
    process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               errors="replace", start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        lines = output.splitlines()
        raise BuildFailed(f"`{' '.join(arguments)}` failed with exit status {process.returncode}; "
                          f"its last {min(60, len(lines))} lines of output:\n" + "\n".join(lines[-60:]))
    return seconds


def progress(message):
    print(f"[build times] {message}", file=sys.stderr, flush=True)


def generate_time(runs):
    """``generate_resnet50``: the generator process on ResNet50's spec (median of ``runs``)."""
    subprocess.run(["swift", "build", "-c", "release", "--package-path", ROOT, "--product", "swift-model-generator"],
                   check=True, stdout=subprocess.DEVNULL)
    binary = subprocess.run(["swift", "build", "-c", "release", "--package-path", ROOT, "--show-bin-path"],
                            check=True, capture_output=True, text=True).stdout.strip()
    generator = os.path.join(binary, "swift-model-generator")
    with tempfile.TemporaryDirectory() as out:
        return median_time(lambda: subprocess.run(
            [generator, "generate", os.path.join(SPECS, "resnet50.model.json"), "--output-directory", out],
            check=True), runs)


def build_times(runs, build_runs, cases, modes, sizes, timeout):
    """The build-time cases, as rows: ``case``, ``kind`` (the spec), ``mode``, ``layers``,
    ``seconds`` (median of ``build_runs`` builds; None when a build timed out or was skipped),
    ``note``, ``per_layer`` (swept cases: (t(N) − t(1)) / N)."""
    rows = [{"case": "generate_resnet50", "kind": "resnet50", "mode": None, "layers": 177,
             "seconds": generate_time(runs), "note": "", "per_layer": None}]
    progress(f"generate_resnet50: {format_time(rows[0]['seconds'])}")
    specs = {case: application_spec(case) for case in cases if case not in SWEPT_CASES}
    edits = iter(range(1_000_000))

    def spec(case, layers):
        # Every timed build follows an edit: a new model name changes the generated source.
        name = f"{case}_{next(edits)}"
        if case in specs:
            return dict(specs[case], config=dict(specs[case]["config"], name=name))
        return (dense_chain_spec if case == "dense_chain" else residual_dag_spec)(name, layers)

    with tempfile.TemporaryDirectory() as package:
        write_build_package(package, cases)
        for mode in modes:
            # The runtime, the generator and every target, each holding a one-layer spec.
            for case in cases:
                write_spec(package, case, dense_chain_spec(f"placeholder_{next(edits)}", 1))
            progress(f"{mode}: building the runtime, the plugin and the targets (untimed) ...")
            seconds = swift_build(package, mode, None, max(3 * timeout, 3600))
            if seconds is None:
                raise BuildFailed(f"the {mode} build of the runtime and plugin ran over "
                                  f"{max(3 * timeout, 3600):.0f} s")
            # One untimed build of each target alone after an edit, as every timed build is (the
            # first `--product` build after the whole package's seemed slower).
            for case in cases:
                write_spec(package, case, dense_chain_spec(f"placeholder_{next(edits)}", 1))
                if swift_build(package, mode, target_name(case), timeout) is None:
                    progress(f"{mode}: {target_name(case)} with a one-layer spec timed out")
            progress(f"{mode}: ready in {seconds:.0f} s")
            for case in cases:
                if case in SWEPT_CASES:
                    counts = [1] + sorted(sizes)
                else:
                    counts = [len(specs[case]["config"]["layers"])]
                timed_out_at = None
                baseline = None
                for layers in counts:
                    row = {"case": f"{mode}_build_{case}", "kind": case, "mode": mode, "layers": layers,
                           "seconds": None, "note": "", "per_layer": None}
                    rows.append(row)
                    if timed_out_at is not None:
                        row["note"] = f"not run: {timed_out_at} layers timed out"
                        continue
                    times = []
                    for _ in range(build_runs):
                        write_spec(package, case, spec(case, layers))
                        seconds = swift_build(package, mode, target_name(case), timeout)
                        if seconds is None:
                            break
                        times.append(seconds)
                    if len(times) < build_runs:
                        timed_out_at = layers
                        row["note"] = f"timed out (over {timeout:.0f} s)"
                        progress(f"{row['case']}, {layers} layers: timed out")
                        continue
                    row["seconds"] = statistics.median(times)
                    if case in SWEPT_CASES:
                        if layers == 1:
                            baseline = row["seconds"]
                            row["note"] = "baseline"
                        elif baseline is not None:
                            row["per_layer"] = (row["seconds"] - baseline) / layers
                    progress(f"{row['case']}, {layers} layers: {format_time(row['seconds'])}")
    return rows


def growth(rows, timeout):
    """Per swept case and mode: (case, per-layer time at the smallest size, at the largest, and
    their ratio), as text; a lower bound when the largest timed out."""
    out = []
    for case in dict.fromkeys(row["case"] for row in rows if row["kind"] in SWEPT_CASES):
        swept = [row for row in rows if row["case"] == case and row["layers"] > 1]
        base = next(row for row in rows if row["case"] == case and row["layers"] == 1)
        if not swept:
            continue
        first, last = swept[0], swept[-1]
        if first["per_layer"] is None or base["seconds"] is None:
            out.append((case, f"— at {first['layers']}", f"— at {last['layers']}", "not measured"))
            continue
        small = f"{format_time(first['per_layer'])} at {first['layers']}"
        if last["per_layer"] is not None:
            large = f"{format_time(last['per_layer'])} at {last['layers']}"
            ratio = (f"{last['per_layer'] / first['per_layer']:.2f}" if first["per_layer"] > 0
                     else f"n/a (no time above the baseline at {first['layers']} layers)")
            out.append((case, small, large, ratio))
            continue
        # Timed out: the per-layer time at the first size that timed out is over this bound.
        stopped = next(row for row in swept if row["note"].startswith("timed out"))
        bound = (timeout - base["seconds"]) / stopped["layers"]
        ratio = f"over {bound / first['per_layer']:.1f}" if first["per_layer"] > 0 else "n/a"
        out.append((case, small, f"over {format_time(bound)} at {stopped['layers']} (timed out)", ratio))
    return out


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


def comma_list(text, allowed=None, convert=str):
    values = [convert(value.strip()) for value in text.split(",") if value.strip()]
    if allowed is not None:
        unknown = [value for value in values if value not in allowed]
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown: {', '.join(map(str, unknown))} (choose from {', '.join(allowed)})")
    if not values:
        raise argparse.ArgumentTypeError("empty list")
    return values


def sizes_list(text):
    sizes = comma_list(text, convert=int)
    if any(size < 2 for size in sizes):
        raise argparse.ArgumentTypeError("sizes must be at least 2 (1 is the baseline)")
    return sorted(set(sizes))


def print_build_rows(rows, build_runs, timeout, markdown):
    print(f"\nBuild-time cases: incremental builds after a spec edit, median of {build_runs} "
          f"build{'s' if build_runs > 1 else ''} (generate_resnet50: of --runs runs); "
          "per layer = (t(N) − t(1 layer)) / N:\n")

    def cells(row):
        time_cell = format_time(row["seconds"]) if row["seconds"] is not None else "—"
        if row["note"]:
            time_cell = row["note"] if row["seconds"] is None else f"{time_cell} ({row['note']})"
        per_layer = format_time(row["per_layer"]) if row["per_layer"] is not None else ""
        target = BUILD_TARGETS.get(row["case"])
        return row["case"], str(row["layers"]), time_cell, per_layer, f"under {format_time(target)}" if target else ""
    if markdown:
        print("| Case | Layers | Time | Per layer | Target |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for row in rows:
            print("| " + " | ".join(cells(row)) + " |")
    else:
        print(f"{'Case':<30} {'Layers':>6} {'Time':>28} {'Per layer':>12}   Target")
        for row in rows:
            case, layers, time_cell, per_layer, target = cells(row)
            print(f"{case:<30} {layers:>6} {time_cell:>28} {per_layer:>12}   {target}".rstrip())
    summary = growth(rows, timeout)
    if summary:
        print("\nPer-layer time at the largest size / at the smallest (flat is 1):\n")
        if markdown:
            print("| Case | Per layer, smallest | Per layer, largest | Ratio |")
            print("| --- | ---: | ---: | ---: |")
        for case, small, large, ratio in summary:
            if markdown:
                print(f"| {case} | {small} | {large} | {ratio} |")
            else:
                print(f"{case:<30} {small:>20}   {large:>34}   ratio {ratio}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table (for BENCHMARKS.md)")
    parser.add_argument("--skip-build-times", action="store_true", help="leave out the build-time cases")
    parser.add_argument("--build-times-only", action="store_true",
                        help="run only the build-time cases (no Keras/NumPy comparison; needs Keras only "
                             "for NASNetMobile's spec)")
    parser.add_argument("--build-runs", type=int, metavar="N",
                        help="builds per build-time case (default: half of --runs, at least 1)")
    parser.add_argument("--build-sizes", type=sizes_list, default=list(BUILD_SIZES), metavar="N,N,...",
                        help="layer counts of the synthetic cases (default: 50,100,250,500,1000)")
    parser.add_argument("--build-modes", type=lambda text: comma_list(text, BUILD_MODES), default=list(BUILD_MODES),
                        metavar="MODE,...", help="debug, release or both (default)")
    parser.add_argument("--build-cases", type=lambda text: comma_list(text, BUILD_CASES), default=list(BUILD_CASES),
                        metavar="CASE,...", help=f"some of {', '.join(BUILD_CASES)} (default: all)")
    parser.add_argument("--build-timeout", type=float, default=1800, metavar="SECONDS",
                        help="a build over this is stopped and reported as timed out (default: %(default)s)")
    args = parser.parse_args()
    if args.build_times_only and args.skip_build_times:
        parser.error("--build-times-only and --skip-build-times exclude each other")
    build_runs = args.build_runs or max(1, args.runs // 2)
    python, swift = {}, {}
    if not args.build_times_only:
        with tempfile.TemporaryDirectory() as folder:
            python = python_side(folder, args.runs)
            swift = swift_side(folder, args.runs)
    memory = None if args.build_times_only else swift_memory()
    peak = None if args.build_times_only else swift_peak()
    builds = []
    if not args.skip_build_times:
        cases = [case for case in BUILD_CASES if case in args.build_cases]
        modes = [mode for mode in BUILD_MODES if mode in args.build_modes]
        try:
            builds = build_times(args.runs, build_runs, cases, modes, args.build_sizes, args.build_timeout)
        except BuildFailed as error:
            print(f"Build failed: {error}", file=sys.stderr)
            sys.exit(1)
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
    print_throughput(swift, peak)
    if memory:
        print_memory(memory)
    if builds:
        print_build_rows(builds, build_runs, args.build_timeout, args.markdown)
    if failures:
        print("\n" + "\n".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
