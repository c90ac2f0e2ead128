"""Checks every ``keras.applications`` model end to end against Keras and writes the table.

Usage (from anywhere; keras 3.15.1, JAX backend)::

    KERAS_BACKEND=jax venv/bin/python tools/check_applications.py [--only NAME[,NAME]] [--rebuild]
        [--work DIR] [--skip-swift] [--live] [--list] [--table PATH]

For each model NAME (``--list`` prints them with their input sizes), in three phases:

1. Keras (skipped when ``WORK/NAME/meta.json`` exists, unless ``--rebuild``): builds the model
   with ``weights=None``, ``classes=10``, ``classifier_activation=None`` (logits: the softmax of
   untrained models is often saturated to one-hot rows, where it hides differences) and the
   smallest input Keras allows (32×32, or 71×71 for
   Xception and 75×75 for the Inception models), initializers seeded with
   ``keras.utils.set_random_seed``. Kernels keep their initial draws; every other weight gets
   seeded random values, so none is a trivial 0 or 1: BatchNormalization gamma and beta,
   its moving mean and variance (measured, then perturbed: see ``calibrate``),
   LayerNormalization gamma and beta, an un-adapted Normalization's
   mean and variance, ConvNeXt's LayerScale gamma (initially 1e-6, which would hide its
   block), and every ``bias`` (scaled to its layer's output: see ``calibrate``). Saves
   ``model.save(WORK/NAME/NAME.keras)``, a batch of 2 inputs (``input.npy``, uniform in the
   range of the family's preprocessed inputs: see ``RANGES``) and
   ``model(x, training=False)`` (``output.npy``), after checking that
   ``keras.saving.load_model`` of the archive gives the same output.
2. Swift (unless ``--skip-swift``): a throwaway package ``WORK/package`` with one executable
   target ``Check_NAME`` per model, holding a symlink to ``NAME.keras`` (the build plugin
   generates the type, ``mobilenet_v3_small.keras`` → ``MobilenetV3Small``) and a generated
   ``main.swift``. The package depends on a snapshot of this repository's working tree
   (``WORK/snapshot/swift-model-generator``: ``Package.swift``, ``Sources``, ``Plugins``,
   ``Tests``, synced at the start of the run) so that edits made during a long run do not
   change the code under test halfway; ``--live`` depends on the repository itself. A
   ``Warmup`` target (a one-Dense spec) is built first, so each model's debug build time
   (``swift build --product Check_NAME``, one at a time) is the generation and compilation of
   that model only. The executable, on a thread with a 512 KB stack (a Dispatch worker
   thread's on Apple platforms; a debug build must not need more), loads the weights of
   the ``.keras`` file, runs ``input.npy``, compares with ``output.npy`` (passes when
   max |ours − Keras| ≤ 1e-4 · max(1, max |Keras|)), checks that ``clone(with:
   FreshWeights(seed: 5))`` keeps the config and a ``CopyingWeights()`` clone gives the same
   output bit for bit, that ``init(kerasJSON:)`` of ``kerasJSON()`` gives the same config, and
   writes ``kerasJSON()`` to ``WORK/NAME/export.json``. It prints one JSON line; a crash
   (a stack overflow among others) fails the row.
3. Keras again, for each model whose Swift run wrote ``export.json``: ``model_from_json`` of
   it, ``get_config()`` compared with the archive's model (``keras.saving.load_model``; the
   first differing key path, from ``check_keras_json.first_difference``), then the archive's
   weights set on it and its output compared with ``output.npy`` at the same tolerance.

Results go to ``WORK/results.json`` (one row per model; a run with ``--only`` replaces only
those rows) and the table to ``--table`` (default ``APPLICATIONS.md`` at the repository's root), both
rewritten from all rows after every model. A row passes when the type is generated and
compiles, the weights load, the output matches, both clone checks hold and the Keras JSON
reloads in Keras with the same config and outputs. Limits: a ``.keras`` over
``--max-keras-gb`` (2) is skipped; a build or run over ``--timeout-min`` (20) is stopped and
the row says so. ``WORK`` defaults to ``.build-applications`` in the repository, which git ignores (the
archives take a few GB; ConvNeXtXLarge's alone is 1.4 GB).

Exit status: 0 when every model in the run passes, 1 otherwise.
"""

import argparse
import datetime
import gc
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import zlib

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.dont_write_bytecode = True  # keep tools/ free of __pycache__

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS_DIR)
sys.path.insert(0, TOOLS_DIR)

# The work folder holds a few GB of archives and builds; git ignores `.build-*` folders.
DEFAULT_WORK = os.path.join(ROOT, ".build-applications")
DEFAULT_TABLE = os.path.join(ROOT, "APPLICATIONS.md")
STACK_BYTES = 512 << 10


def tolerance(expected_max_abs):
    return 1e-4 * max(1.0, expected_max_abs)


# The models --------------------------------------------------------------------------------

# Each: NAME, the keras.applications function, extra keyword arguments, the input size and the
# range of the inputs, which is what the family's preprocess_input gives from [0, 255] pixels:
# "caffe" (VGG, ResNet: BGR minus the ImageNet mean) about [-128, 128], "torch" (DenseNet:
# standardized) about [-2, 2], "tf" (the others without preprocessing layers) [-1, 1]; models
# with preprocessing layers (MobileNetV3, EfficientNet, EfficientNetV2, ConvNeXt) take the
# pixels, [0, 255].
RANGES = {"caffe": (-128.0, 128.0), "torch": (-2.0, 2.0), "tf": (-1.0, 1.0), "pixels": (0.0, 255.0)}
MODELS = []


def _add(name, function, size=32, inputs="tf", **kwargs):
    MODELS.append({"name": name, "function": function, "kwargs": kwargs, "size": size, "inputs": inputs})


_add("vgg16", "VGG16", inputs="caffe")
_add("vgg19", "VGG19", inputs="caffe")
for _depth in (50, 101, 152):
    _add(f"resnet{_depth}", f"ResNet{_depth}", inputs="caffe")
for _depth in (50, 101, 152):
    _add(f"resnet{_depth}_v2", f"ResNet{_depth}V2")
_add("xception", "Xception", size=71)
_add("inception_v3", "InceptionV3", size=75)
_add("inception_resnet_v2", "InceptionResNetV2", size=75)
_add("mobilenet", "MobileNet")
_add("mobilenet_v2", "MobileNetV2")
for _size in ("small", "large"):
    _add(f"mobilenet_v3_{_size}", f"MobileNetV3{_size.title()}", inputs="pixels")
    _add(f"mobilenet_v3_{_size}_minimalistic", f"MobileNetV3{_size.title()}", inputs="pixels",
         minimalistic=True)
for _depth in (121, 169, 201):
    _add(f"densenet{_depth}", f"DenseNet{_depth}", inputs="torch")
_add("nasnet_mobile", "NASNetMobile")
_add("nasnet_large", "NASNetLarge")
for _b in range(8):
    _add(f"efficientnet_b{_b}", f"EfficientNetB{_b}", inputs="pixels")
for _v in ("B0", "B1", "B2", "B3", "S", "M", "L"):
    _add(f"efficientnet_v2_{_v.lower()}", f"EfficientNetV2{_v}", inputs="pixels")
for _v in ("Tiny", "Small", "Base", "Large", "XLarge"):
    _add(f"convnext_{_v.lower()}", f"ConvNeXt{_v}", inputs="pixels")

BY_NAME = {m["name"]: m for m in MODELS}


def type_name(name):
    """The generated type's name: the plugin's rule (`Naming.typeName`) for snake_case names."""
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[^A-Za-z0-9]+", name) if word)


def keras_call(spec):
    extra = "".join(f", {k}={v!r}" for k, v in spec["kwargs"].items())
    return (f"{spec['function']}(weights=None, input_shape=({spec['size']}, {spec['size']}, 3), classes=10, "
            f"classifier_activation=None{extra})")


# Phase 1: Keras ------------------------------------------------------------------------------

def _keras():
    import keras  # noqa: PLC0415 - imported on first use, so --list needs no Keras
    return keras


def seed_of(name):
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def randomize_weights(model, rng):
    """Gives every weight but the kernels seeded non-trivial values; returns counts by kind."""
    keras = _keras()
    counts = {}
    seen = set()

    def count(kind, n=1):
        counts[kind] = counts.get(kind, 0) + n

    for layer in model._flatten_layers(include_self=False):
        kind = type(layer).__name__
        for variable in list(layer._trainable_variables) + list(layer._non_trainable_variables):
            if id(variable) in seen:
                continue
            seen.add(id(variable))
            shape = tuple(variable.shape)
            name = variable.name
            value = None
            if kind == "BatchNormalization":
                # The moving statistics are set by calibrate.
                value = {"gamma": lambda: rng.uniform(0.5, 1.5, shape),
                         "beta": lambda: rng.normal(0.0, 0.2, shape)}.get(name, lambda: None)()
                if name in ("moving_mean", "moving_variance"):
                    continue
            elif kind == "LayerNormalization":
                value = {"gamma": lambda: rng.uniform(0.5, 1.5, shape),
                         "beta": lambda: rng.normal(0.0, 0.2, shape)}.get(name, lambda: None)()
            elif kind == "Normalization":
                value = {"mean": lambda: rng.uniform(0.3, 0.6, shape),
                         "variance": lambda: rng.uniform(0.04, 0.09, shape)}.get(name, lambda: None)()
            elif kind == "LayerScale":
                value = rng.uniform(0.1, 0.5, shape)
            elif name == "bias":
                continue  # set by calibrate, from the scale of the layer's output
            if value is None:
                count("kept " + name)
                continue
            variable.assign(value.astype("float32"))
            count(f"{kind}.{name}" if name != "bias" else "bias")
        if isinstance(layer, keras.layers.Normalization) and layer.built and layer.input_mean is None:
            layer.finalize_state()  # an un-adapted Normalization uses its mean and variance only then
    return counts


def calibrate(model, x, rng):
    """Sets the weights that must fit the scale of the activations, in one inference-mode call
    on the calibration batch ``x`` in which each layer concerned measures its input or output
    just before it runs (so it sees everything set before it, and the perturbations do not
    compound with depth):

    * BatchNormalization's moving mean and variance, from its input's per-channel mean square
      q (over the batch and the spatial positions): the mean N(0, 0.1)·√v and the variance
      v · U(0.7, 1.4), with v = q/4 + 3/4 of the mean of q over the channels, so that the
      output's channels have a mean square of about 1 (gamma aside). Neither the measured mean
      nor the channel's own variance is used: subtracting each channel's mean and dividing by
      its own small standard deviation makes these untrained networks amplify float32 rounding
      by 10³–10⁴ over 100+ layers (Keras float32 itself then misses float64 by 13× the
      tolerance on ResNet152 and 25× on EfficientNetB7); this choice keeps Keras float32
      within a few percent of the tolerance of float64, while the rows still differ by
      20–100% of the output;
    * every ``bias``: N(0, 0.2·s), where s is the standard deviation of the layer's output with
      its initial zero bias (0.01 if that is 0).

    Plain random values would not do: with untrained kernels, inference-mode activations shrink
    (or grow) layer by layer against statistics that do not fit them, until fixed biases alone
    decide the output (VGG, whose activations shrink about 2× per layer) or it is huge
    (EfficientNet B7's logits reach 1e8 with statistics measured in a training-mode call and
    perturbed, because the perturbations compound). Returns the number of each kind set."""
    keras = _keras()
    normalizations, biased = [], []
    for layer in model._flatten_layers(include_self=False):
        if isinstance(layer, keras.layers.BatchNormalization):
            normalizations.append(layer)
        elif any(v.name == "bias" for v in layer._trainable_variables):
            biased.append(layer)

    def measuring_input(layer, original):
        def call(inputs, *args, **kwargs):
            values = np.asarray(inputs, dtype="float64")
            axis = layer.axis % values.ndim
            reduce = tuple(i for i in range(values.ndim) if i != axis)
            square = np.mean(np.square(values), axis=reduce)
            # Not centred, and mostly one scale per layer: see the docstring.
            variance = 0.25 * square + 0.75 * float(np.mean(square))
            layer.moving_mean.assign((rng.normal(0.0, 0.1, square.shape) * np.sqrt(variance)).astype("float32"))
            layer.moving_variance.assign((variance * rng.uniform(0.7, 1.4, square.shape)).astype("float32"))
            return original(inputs, *args, **kwargs)
        return call

    def measuring_output(layer, original):
        def call(*args, **kwargs):
            bias = next(v for v in layer._trainable_variables if v.name == "bias")
            scale = float(np.std(np.asarray(original(*args, **kwargs), dtype="float64")))
            bias.assign(rng.normal(0.0, 0.2 * (scale if scale > 0 else 0.05), tuple(bias.shape)).astype("float32"))
            return original(*args, **kwargs)
        return call

    for layer in normalizations:
        layer.call = measuring_input(layer, layer.call)
    for layer in biased:
        layer.call = measuring_output(layer, layer.call)
    try:
        model(x, training=False)
    finally:
        for layer in normalizations + biased:
            del layer.call
    return {"BatchNormalization moving statistics (measured, perturbed)": len(normalizations),
            "bias (scaled to the output)": len(biased)}


def keras_phase(spec, work, rebuild):
    """Builds, randomizes, saves and runs one model; returns its meta dict (also written)."""
    keras = _keras()
    name = spec["name"]
    folder = os.path.join(work, name)
    meta_path = os.path.join(folder, "meta.json")
    if not rebuild and os.path.exists(meta_path):
        with open(meta_path) as f:
            return json.load(f)
    os.makedirs(folder, exist_ok=True)
    for leftover in ("meta.json", "export.json"):
        if os.path.exists(os.path.join(folder, leftover)):
            os.remove(os.path.join(folder, leftover))
    started = time.time()
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed_of(name))
    size = spec["size"]
    model = getattr(keras.applications, spec["function"])(
        weights=None, input_shape=(size, size, 3), classes=10, classifier_activation=None, **spec["kwargs"])
    rng = np.random.default_rng(seed_of(name))
    randomized = randomize_weights(model, rng)
    low, high = RANGES[spec["inputs"]]
    x = rng.uniform(low, high, (2, size, size, 3)).astype("float32")
    # The calibration batch includes the test inputs, so the statistics cover them.
    calibration = np.concatenate([x, rng.uniform(low, high, (14, size, size, 3)).astype("float32")])
    randomized.update(calibrate(model, calibration, rng))
    y = np.asarray(model(x, training=False)).astype("float32")
    if not np.all(np.isfinite(y)):
        raise RuntimeError(f"{name}: Keras output is not finite")
    archive = os.path.join(folder, name + ".keras")
    model.save(archive)
    np.save(os.path.join(folder, "input.npy"), x)
    np.save(os.path.join(folder, "output.npy"), y)
    keras.backend.clear_session()
    reloaded = keras.saving.load_model(archive)
    reload_diff = float(np.max(np.abs(np.asarray(reloaded(x, training=False)) - y)))
    if reload_diff > tolerance(float(np.max(np.abs(y)))):
        raise RuntimeError(f"{name}: the saved archive gives other outputs (max |diff| {reload_diff:.3g})")
    meta = {
        "name": name,
        "keras_call": "keras.applications." + keras_call(spec),
        "input_shape": [2, size, size, 3],
        "input_range": [low, high],
        "layers": len(model.layers),
        "layers_flattened": len(list(model._flatten_layers(include_self=False))),
        "parameters": int(model.count_params()),
        "keras_bytes": os.path.getsize(archive),
        "output_shape": list(y.shape),
        "output_max_abs": float(np.max(np.abs(y))),
        # How much the output depends on the input: max |row 0 - row 1| / max |output|.
        "rows_relative_diff": float(np.max(np.abs(y[0] - y[1])) / max(1e-30, float(np.max(np.abs(y))))),
        "randomized": randomized,
        "reload_max_diff": reload_diff,
        "keras_seconds": round(time.time() - started, 1),
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
    }
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=1)
    del model, reloaded
    keras.backend.clear_session()
    gc.collect()
    return meta


# Phase 2: Swift ------------------------------------------------------------------------------

MAIN_SWIFT = r'''// Generated by tools/check_applications.py; checks one keras.applications model.
// Usage: Check_NAME WORK/NAME
import Foundation
import ModelRuntime

typealias M = @TYPE@
let modelName = "@NAME@"

final class Box: @unchecked Sendable { var line = "" }

func seconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

func json(_ object: [String: Any]) -> String {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

/// The largest |a - b| (infinity when the shapes differ or a value is not finite) and max |b|.
func compare(_ a: Tensor, _ b: Tensor) -> (difference: Double, expectedMax: Double) {
    var expectedMax = 0.0
    for value in b.scalars { expectedMax = max(expectedMax, Double(abs(value))) }
    guard a.shape == b.shape else { return (.infinity, expectedMax) }
    var difference = 0.0
    for (x, y) in zip(a.scalars, b.scalars) {
        let d = Double(abs(x - y))
        if !d.isFinite { return (.infinity, expectedMax) }
        difference = max(difference, d)
    }
    return (difference, expectedMax)
}

func describe(_ error: any Error) -> String { "\(error)" }

func check(_ folder: URL) -> [String: Any] {
    var result: [String: Any] = ["model": modelName, "type": "\(M.self)"]
    var step = "init"
    do {
        var start = DispatchTime.now()
        var model = M(seed: 1)
        result["init_seconds"] = seconds(since: start)
        step = "loadWeights"
        start = .now()
        try model.loadWeights(from: folder.appendingPathComponent(modelName + ".keras"))
        result["load_seconds"] = seconds(since: start)
        result["weights_loaded"] = true
        step = "read npy"
        let input = try Tensor(contentsOfNPY: folder.appendingPathComponent("input.npy"))
        let expected = try Tensor(contentsOfNPY: folder.appendingPathComponent("output.npy"))
        step = "call"
        start = .now()
        let output = model(input)
        result["call_seconds"] = seconds(since: start)
        result["output_shape"] = output.shape
        let (difference, expectedMax) = compare(output, expected)
        let tolerance = 1e-4 * max(1, expectedMax)
        result["max_diff"] = difference.isFinite ? difference : -1
        result["tolerance"] = tolerance
        result["matches"] = difference <= tolerance
        step = "clone"
        start = .now()
        let fresh = model.clone(with: FreshWeights(seed: 5))
        result["fresh_clone_same_config"] = fresh.config == model.config
        let copy = model.clone(with: CopyingWeights())
        let copyOutput = copy(input)
        result["copy_clone_same_output"] = copyOutput.shape == output.shape && copyOutput.scalars == output.scalars
        result["clone_seconds"] = seconds(since: start)
        step = "kerasJSON"
        start = .now()
        let text = model.kerasJSON()
        try text.write(to: folder.appendingPathComponent("export.json"), atomically: true, encoding: .utf8)
        result["export_bytes"] = text.utf8.count
        step = "init(kerasJSON:)"
        result["keras_json_round_trips"] = try M(kerasJSON: text, seed: 2).config == model.config
        result["json_seconds"] = seconds(since: start)
    } catch {
        result["error"] = "\(step): \(describe(error))"
    }
    return result
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: \(arguments[0]) WORK/NAME")
    exit(2)
}
let folder = URL(fileURLWithPath: arguments[1])
let box = Box()
let done = DispatchSemaphore(value: 0)
let thread = Thread {
    box.line = json(check(folder))
    done.signal()
}
thread.stackSize = @STACK@
thread.start()
done.wait()
print(box.line)
'''

WARMUP_SPEC = {"class_name": "Sequential", "config": {"name": "warmup", "layers": [
    {"class_name": "InputLayer", "config": {"batch_shape": [None, 4]}},
    {"class_name": "Dense", "config": {"units": 2}}]}}


def write_if_changed(path, text):
    if os.path.exists(path):
        with open(path) as f:
            if f.read() == text:
                return False
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return True


def sync_tree(source, destination):
    """Mirrors ``source`` into ``destination``: copies files whose size or mtime differ
    (keeping mtimes, so unchanged sources are not rebuilt) and deletes the rest."""
    os.makedirs(destination, exist_ok=True)
    wanted = set()
    for directory, subdirectories, files in os.walk(source):
        subdirectories[:] = [d for d in subdirectories if not d.startswith(".build") and d != "__pycache__"]
        relative = os.path.relpath(directory, source)
        target_directory = os.path.normpath(os.path.join(destination, relative))
        os.makedirs(target_directory, exist_ok=True)
        wanted.add(target_directory)
        for file in files:
            src = os.path.join(directory, file)
            dst = os.path.join(target_directory, file)
            wanted.add(dst)
            s = os.stat(src)
            if os.path.exists(dst):
                d = os.stat(dst)
                if d.st_size == s.st_size and int(d.st_mtime) == int(s.st_mtime):
                    continue
            shutil.copy2(src, dst)
    for directory, subdirectories, files in os.walk(destination, topdown=False):
        for file in files:
            path = os.path.join(directory, file)
            if path not in wanted:
                os.remove(path)
        if os.path.normpath(directory) not in wanted:
            os.rmdir(directory)


def repository_state():
    def git(*args):
        try:
            return subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""
    changed = [line.split(maxsplit=1)[1] for line in git("status", "--porcelain", "--", "Sources", "Plugins", "Package.swift").splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted_source_changes": changed}


def snapshot_repository(work):
    destination = os.path.join(work, "snapshot", "swift-model-generator")
    os.makedirs(destination, exist_ok=True)
    for item in ("Sources", "Plugins", "Tests"):
        sync_tree(os.path.join(ROOT, item), os.path.join(destination, item))
    shutil.copy2(os.path.join(ROOT, "Package.swift"), os.path.join(destination, "Package.swift"))
    return destination


def write_package(package, repository, names, work):
    identity = os.path.basename(os.path.normpath(repository)).lower()
    targets = ['        .executableTarget(name: "Warmup", dependencies: [runtime], plugins: [plugin]),']
    for name in names:
        targets.append(f'        .executableTarget(name: "Check_{name}", dependencies: [runtime], plugins: [plugin]),')
    manifest = f"""// swift-tools-version: 6.0
// Generated by tools/check_applications.py: one executable per keras.applications model.
import PackageDescription

let runtime: Target.Dependency = .product(name: "ModelRuntime", package: {json.dumps(identity)})
let plugin: Target.PluginUsage = .plugin(name: "ModelGeneratorPlugin", package: {json.dumps(identity)})

let package = Package(
    name: "ApplicationsCheck",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: {json.dumps(repository)})],
    targets: [
{chr(10).join(targets)}
    ],
    swiftLanguageModes: [.v6]
)
"""
    write_if_changed(os.path.join(package, "Package.swift"), manifest)
    write_if_changed(os.path.join(package, "Sources", "Warmup", "warmup.model.json"), json.dumps(WARMUP_SPEC) + "\n")
    write_if_changed(os.path.join(package, "Sources", "Warmup", "main.swift"),
                     "import ModelRuntime\nprint(Warmup(seed: 1).config.layers.count)\n")
    for name in names:
        sources = os.path.join(package, "Sources", f"Check_{name}")
        main = (MAIN_SWIFT.replace("@TYPE@", type_name(name)).replace("@NAME@", name)
                .replace("@STACK@", str(STACK_BYTES)))
        write_if_changed(os.path.join(sources, "main.swift"), main)
        link = os.path.join(sources, name + ".keras")
        target = os.path.join(work, name, name + ".keras")
        if not (os.path.islink(link) and os.readlink(link) == target):
            if os.path.lexists(link):
                os.remove(link)
            os.symlink(target, link)
    # Targets of models no longer in the list would break the manifest's source layout.
    sources_root = os.path.join(package, "Sources")
    for entry in os.listdir(sources_root):
        if entry.startswith("Check_") and entry[len("Check_"):] not in names:
            shutil.rmtree(os.path.join(sources_root, entry))


def run_process(arguments, timeout, cwd=None):
    """(returncode or None on timeout, combined output, seconds)."""
    started = time.time()
    # Its own process group, so a timeout stops the compiler processes `swift build` started too.
    process = subprocess.Popen(arguments, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace", start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
        return process.returncode, output, time.time() - started
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        output, _ = process.communicate()
        return None, output or "", time.time() - started
    except BaseException:
        os.killpg(process.pid, 9)
        process.wait()
        raise


def swift_build(package, product, timeout):
    return run_process(["swift", "build", "--package-path", package, "--scratch-path",
                        os.path.join(package, ".build"), "--product", product], timeout)


ERROR_LINE = re.compile(r"(?:^|\s)(?:error|fatal error):\s")


def first_error(output):
    """The first compiler/generator error line, paths shortened to file names."""
    for line in output.splitlines():
        if ERROR_LINE.search(line):
            line = line.strip()
            return re.sub(r"(/[^\s:]+/)([^/\s:]+:)", r"\2", line)
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def generated_source(package, name):
    outputs = os.path.join(package, ".build", "plugins", "outputs")
    for directory, _, files in os.walk(outputs):
        if f"{os.sep}Check_{name}{os.sep}" in directory + os.sep and f"{name}.model.swift" in files:
            return os.path.join(directory, f"{name}.model.swift")
    return None


def last_json_line(output):
    for line in reversed(output.splitlines()):
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue
    return None


def describe_exit(code):
    if code is None:
        return "timed out"
    if code < 0:
        try:
            import signal  # noqa: PLC0415
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def swift_phase(meta, work, package, bin_path, timeout, max_keras_bytes):
    name = meta["name"]
    folder = os.path.join(work, name)
    row = {}
    export = os.path.join(folder, "export.json")
    if os.path.exists(export):
        os.remove(export)
    if meta["keras_bytes"] > max_keras_bytes:
        row["skipped"] = f".keras is {meta['keras_bytes'] / 2**30:.1f} GB (limit {max_keras_bytes / 2**30:.0f} GB)"
        return row
    code, output, seconds = swift_build(package, f"Check_{name}", timeout)
    row["build_seconds"] = round(seconds, 1)
    source = generated_source(package, name)
    if source:
        with open(source) as f:
            text = f.read()
        row["generated_lines"] = text.count("\n")
        row["generated_bytes"] = len(text.encode())
    if code != 0:
        error = first_error(output)
        if code is None:
            row["skipped"] = f"debug build over {timeout / 60:.0f} min"
        elif f"{name}.keras:" in error or "Generating a Swift model" in error or not source:
            row["generate_error"] = error
        else:
            row["compile_error"] = error
        row["build_log_tail"] = "\n".join(output.splitlines()[-30:])
        return row
    executable = os.path.join(bin_path, f"Check_{name}")
    code, output, seconds = run_process([executable, folder], timeout)
    row["run_seconds"] = round(seconds, 1)
    result = last_json_line(output)
    if code != 0 or result is None:
        row["run_error"] = describe_exit(code) + (": " + first_error(output) if output.strip() else "")
        row["run_log_tail"] = "\n".join(output.splitlines()[-20:])
        if code is None:
            row["skipped"] = f"run over {timeout / 60:.0f} min"
        return row
    row["swift"] = result
    return row


# Phase 3: Keras loads the export -------------------------------------------------------------

def export_phase(meta, work):
    keras = _keras()
    from check_keras_json import describe_path, first_difference  # noqa: PLC0415

    name = meta["name"]
    folder = os.path.join(work, name)
    with open(os.path.join(folder, "export.json")) as f:
        text = f.read()
    keras.backend.clear_session()
    try:
        exported = keras.models.model_from_json(text)
    except Exception as e:  # noqa: BLE001 - report whatever Keras raises
        return {"reloads": False, "error": f"model_from_json: {type(e).__name__}: {str(e)[:300]}"}
    keras.backend.clear_session()
    original = keras.saving.load_model(os.path.join(folder, name + ".keras"))
    difference = first_difference(original.get_config(), exported.get_config())
    if difference:
        return {"reloads": False, "error": "config differs at " + describe_path(original, difference)}
    try:
        exported.set_weights(original.get_weights())
    except Exception as e:  # noqa: BLE001
        return {"reloads": False, "error": f"set_weights: {type(e).__name__}: {str(e)[:300]}"}
    for layer in exported._flatten_layers(include_self=False):
        if isinstance(layer, keras.layers.Normalization) and layer.input_mean is None:
            layer.finalize_state()
    x = np.load(os.path.join(folder, "input.npy"))
    y = np.load(os.path.join(folder, "output.npy"))
    actual = np.asarray(exported(x, training=False))
    if actual.shape != y.shape:
        return {"reloads": False, "error": f"output shape {actual.shape} != {y.shape}"}
    diff = float(np.max(np.abs(actual.astype("float64") - y)))
    tol = tolerance(float(np.max(np.abs(y))))
    del exported, original
    keras.backend.clear_session()
    gc.collect()
    if not diff <= tol:
        return {"reloads": False, "max_diff": diff, "error": f"output max |diff| {diff:.3g} > {tol:.3g}"}
    return {"reloads": True, "max_diff": diff}


# Results --------------------------------------------------------------------------------------

def row_passes(row):
    swift = row.get("swift") or {}
    return bool(swift.get("weights_loaded") and swift.get("matches") and swift.get("fresh_clone_same_config")
                and swift.get("copy_clone_same_output") and swift.get("keras_json_round_trips")
                and (row.get("export") or {}).get("reloads"))


def cell(text, limit=160):
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return text.replace("|", "\\|")


def table_row(spec, row):
    meta = row.get("meta") or {}
    swift = row.get("swift") or {}
    size = f"{spec['size']}×{spec['size']}"
    layers = str(meta.get("layers", "")) if meta else ""
    parameters = f"{meta['parameters']:,}" if meta else ""
    if not row:
        return [spec["name"], size, layers, parameters, "not run", "", "", "", "", ""]
    if row.get("keras_error"):
        return [spec["name"], size, layers, parameters, cell("Keras phase: " + row["keras_error"]), "", "", "", "", ""]
    generated = "yes"
    if row.get("skipped"):
        generated = cell("skipped: " + row["skipped"])
    elif row.get("generate_error"):
        generated = cell(row["generate_error"])
    elif row.get("compile_error"):
        generated = cell("generated, does not compile: " + row["compile_error"])
    elif "build_seconds" not in row:
        generated = "not run (Swift phase skipped)"
    loaded = ""
    difference = ""
    clone = ""
    reloads = ""
    if swift or row.get("run_error"):
        if swift.get("weights_loaded"):
            loaded = "yes"
        elif swift.get("error"):
            loaded = cell(swift["error"])
        elif row.get("run_error"):
            loaded = cell(row["run_error"])
        if "max_diff" in swift:
            d = swift["max_diff"]
            verdict = "✅" if swift.get("matches") else "❌"
            difference = (f"{verdict} {d:.2g} (≤ {swift['tolerance']:.2g})" if d >= 0
                          else f"❌ shape or non-finite (tol {swift['tolerance']:.2g})")
        if "fresh_clone_same_config" in swift:
            fresh = swift["fresh_clone_same_config"]
            copy = swift["copy_clone_same_output"]
            clone = "yes" if fresh and copy else f"fresh config {'same' if fresh else 'differs'}, copy output {'same' if copy else 'differs'}"
        export = row.get("export") or {}
        if export:
            reloads = "yes" if export.get("reloads") else cell(export.get("error", "no"))
            if swift.get("keras_json_round_trips") is False:
                reloads += " (init(kerasJSON:) gives another config)"
        elif "keras_json_round_trips" in swift:
            reloads = "not checked"
    seconds = f"{row['build_seconds']:.0f}" if "build_seconds" in row else ""
    return [spec["name"], size, layers, parameters, generated, loaded, difference, clone, reloads, seconds]


HEADER = ["model", "input", "layers", "parameters", "generated", "weights loaded",
          "max \\|diff\\| vs Keras (tolerance)", "clone", "kerasJSON reloads in Keras", "debug build s"]


def write_outputs(work, table_path, results):
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    rows = results["models"]
    passing = sum(1 for spec in MODELS if row_passes(rows.get(spec["name"], {})))
    run = results.get("last_run", {})
    lines = [
        "<!-- Written by tools/check_applications.py from its results.json; do not edit by hand. -->",
        "",
        f"**{passing} of {len(MODELS)} pass.**",
        "",
        "Every `keras.applications` model with `weights=None`, `classes=10`, "
        "`classifier_activation=None` (logits), the smallest input Keras allows, random "
        "BatchNormalization statistics (scaled to each layer's input on a batch, then perturbed; "
        "not the batch's own per-channel statistics, which make these untrained networks "
        "amplify float32 rounding beyond the tolerance in Keras itself), normalization "
        "weights and biases (scaled to each layer's output), "
        "saved with `model.save()`; a batch of 2. A row passes when the type is generated and "
        "compiles, the weights load from the model's own `.keras`, the output is within "
        "1e-4 · max(1, max |Keras|) of Keras's, a `FreshWeights` clone keeps the config and a "
        "`CopyingWeights` clone gives the same output, and `kerasJSON()` reloads in Keras with the "
        "same config and outputs. The Swift side is a debug build and runs on a thread with a "
        "512 KB stack. Build time: `swift build` (debug) of the model's target alone, "
        "generation included, on " + run.get("machine", "this machine") + ".",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join(" --- " for _ in HEADER) + "|",
    ]
    for spec in MODELS:
        lines.append("| " + " | ".join(table_row(spec, rows.get(spec["name"], {}))) + " |")
    lines.append("")
    notes = []
    if run:
        notes.append(f"Last run: {run.get('finished', '?')}, {run.get('command', '')!s}; repository "
                     f"{run.get('repository', {}).get('commit', '?')}"
                     + (" with uncommitted changes in " + ", ".join(run['repository']['uncommitted_source_changes'])
                        if run.get("repository", {}).get("uncommitted_source_changes") else "")
                     + "; phases: " + ", ".join(f"{k} {v:.0f} s" for k, v in run.get("phase_seconds", {}).items())
                     + ".")
    for note in notes:
        lines.append(note)
        lines.append("")
    os.makedirs(os.path.dirname(os.path.abspath(table_path)), exist_ok=True)
    with open(table_path, "w") as f:
        f.write("\n".join(lines))
    return passing


# Main -----------------------------------------------------------------------------------------

def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--only", help="comma-separated model names (see --list)")
    parser.add_argument("--rebuild", action="store_true", help="redo the Keras phase even if its files exist")
    parser.add_argument("--work", default=DEFAULT_WORK, help=f"working folder (default {DEFAULT_WORK})")
    parser.add_argument("--table", default=DEFAULT_TABLE, help=f"where to write the table (default {DEFAULT_TABLE})")
    parser.add_argument("--skip-swift", action="store_true", help="only the Keras phase (and the table)")
    parser.add_argument("--live", action="store_true", help="build against the repository itself, not a snapshot")
    parser.add_argument("--list", action="store_true", help="print the model names and exit")
    parser.add_argument("--timeout-min", type=float, default=20, help="per build and per run (default 20)")
    parser.add_argument("--max-keras-gb", type=float, default=2, help="skip larger archives (default 2)")
    args = parser.parse_args(argv[1:])

    if args.list:
        for spec in MODELS:
            print(f"{spec['name']:34} {type_name(spec['name']):32} keras.applications.{keras_call(spec)}")
        return 0
    names = [spec["name"] for spec in MODELS]
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in BY_NAME]
        if unknown:
            print(f"unknown model(s): {', '.join(unknown)}; see --list")
            return 2
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    results_path = os.path.join(work, "results.json")
    results = {"models": {}}
    if os.path.exists(results_path):
        with open(results_path) as f:
            results = json.load(f)
    rows = results.setdefault("models", {})
    phase_seconds = {}
    started_at = datetime.datetime.now().astimezone()
    run = {
        "started": started_at.isoformat(timespec="seconds"),
        "command": "tools/check_applications.py " + " ".join(argv[1:]),
        "models": names,
        "repository": repository_state(),
        "machine": f"{platform.machine()} {platform.system()}, {os.cpu_count()} cores",
    }

    def save():
        results["last_run"] = dict(run, phase_seconds=phase_seconds)
        write_outputs(work, args.table, results)

    # Phase 1.
    t = time.time()
    metas = {}
    for name in names:
        spec = BY_NAME[name]
        print(f"[keras] {name} ...", flush=True)
        try:
            metas[name] = keras_phase(spec, work, args.rebuild)
        except Exception as e:  # noqa: BLE001 - one model must not stop the others
            rows[name] = {"keras_error": f"{type(e).__name__}: {str(e)[:300]}"}
            print(f"[keras] {name}: FAILED {rows[name]['keras_error']}", flush=True)
            continue
        m = metas[name]
        old = rows.get(name, {})
        if old.get("meta", {}).get("keras_bytes") != m["keras_bytes"] or args.rebuild or old.get("keras_error"):
            rows[name] = {"meta": m}  # new files: the old Swift results no longer apply
        else:
            old["meta"] = m
        print(f"[keras] {name}: {m['layers']} layers, {m['parameters']:,} parameters, "
              f"{m['keras_bytes'] / 2**20:.1f} MB, max |output| {m['output_max_abs']:.3g}, "
              f"rows differ by {m['rows_relative_diff']:.2g} of it"
              + (" (WARNING: the output hardly depends on the input)" if m["rows_relative_diff"] < 0.01 else ""),
              flush=True)
    phase_seconds["keras"] = time.time() - t
    save()
    if args.skip_swift:
        print(f"{write_outputs(work, args.table, results)} of {len(MODELS)} pass; table: {args.table}")
        return 0

    # Phase 2, smallest archive first.
    t = time.time()
    package = os.path.join(work, "package")
    repository = ROOT if args.live else snapshot_repository(work)
    run["dependency"] = repository
    all_ready = [spec["name"] for spec in MODELS if os.path.exists(os.path.join(work, spec["name"], "meta.json"))]
    write_package(package, repository, all_ready, work)
    timeout = args.timeout_min * 60
    code, output, seconds = swift_build(package, "Warmup", 3 * timeout)
    phase_seconds["warmup build"] = seconds
    print(f"[swift] warmup build (runtime and generator, debug): {seconds:.0f} s", flush=True)
    if code != 0:
        print("[swift] the runtime does not build: " + first_error(output))
        for name in metas:
            rows[name] = {"meta": metas[name], "compile_error": "ModelRuntime/Warmup: " + first_error(output)}
        save()
        return 1
    code, bin_path, _ = run_process(["swift", "build", "--package-path", package, "--scratch-path",
                                     os.path.join(package, ".build"), "--show-bin-path"], 120)
    bin_path = bin_path.strip().splitlines()[-1]
    order = sorted(metas, key=lambda n: metas[n]["keras_bytes"])
    for name in order:
        print(f"[swift] {name} ...", flush=True)
        row = {"meta": metas[name]}
        row.update(swift_phase(metas[name], work, package, bin_path, timeout, args.max_keras_gb * 2**30))
        rows[name] = row
        swift = row.get("swift", {})
        summary = {k: row[k] for k in ("skipped", "generate_error", "compile_error", "run_error") if k in row}
        print(f"[swift] {name}: build {row.get('build_seconds', 0):.0f} s, "
              + (json.dumps(summary) if summary else json.dumps(swift)), flush=True)
        save()
    phase_seconds["swift"] = time.time() - t

    # Phase 3.
    t = time.time()
    for name in order:
        if not os.path.exists(os.path.join(work, name, "export.json")):
            continue
        print(f"[export] {name} ...", flush=True)
        try:
            rows[name]["export"] = export_phase(metas[name], work)
        except Exception as e:  # noqa: BLE001
            rows[name]["export"] = {"reloads": False, "error": f"{type(e).__name__}: {str(e)[:300]}"}
        print(f"[export] {name}: {rows[name]['export']}", flush=True)
        save()
    phase_seconds["export"] = time.time() - t
    run["finished"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    save()
    passing = sum(1 for name in names if row_passes(rows.get(name, {})))
    total_passing = write_outputs(work, args.table, results)
    print(f"this run: {passing} of {len(names)} pass; all rows: {total_passing} of {len(MODELS)} pass; "
          f"table: {args.table}; results: {results_path}")
    return 0 if passing == len(names) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
