"""Keras's own clone tests as fixtures: every model of keras/src/models/cloning_test.py.

Keras 3.15's `keras/src/models/cloning_test.py` checks `clone_model` on a handful of small models
(an MLP, with and without a shared layer; a CNN; Sequential models with and without an `Input`;
nested and doubly nested Functional and Sequential models; a model with dict inputs and outputs;
a compiled model; a subclassed model). This script builds each of those models the way that test
builds it (same layers, same calls, same order, so Keras gives the layers the same automatic
names), saves it with `model.save()` into `Tests/ModelRuntimeTests/Specs/cloning/NAME.keras`,
and records what Keras does when it clones it, in `Tests/Fixtures/cloning/NAME.json`, for
`Tests/ModelRuntimeTests/KerasCloningTestCases.swift`.

Differences from the test, all deliberate:
- Weights are drawn from a seeded generator (N(0, 0.5²), biases too) instead of the initializers'
  draws, so that a bias that stays zero cannot hide a wrong weight; the inputs are seeded uniform
  [0, 1) arrays of the test's shapes.
- Models without an `Input` (the test's "deferred" Sequential models) are built the way the test
  builds them, by calling them on its reference batch, before saving; Keras then records an
  InputLayer whose `batch_shape` keeps that batch size (2). An unbuilt one is saved too, to
  `Tests/Fixtures/cloning/deferred_sequential_unbuilt.keras`, which has no input shape at all.
- The subclassed model's class is defined here, unregistered as in the test; Keras saves it as
  `"class_name": "ExampleModel"`, `"registered_name": "ExampleModel"`.

Each `NAME.json` has, one top-level key per line:
- `name`, `tests` (the cloning_test.py tests and parameters that use the model), `layers`
  (`[name, class]` of `model.layers`), `weight_shapes` (`get_weights()` order);
- `inputs`, `outputs`: as `fixture_common.write_io_json` writes them (`model(x, training=False)`;
  for dict models in `model.inputs` / `model.outputs` order, with the dict `key`);
- one key per behaviour the tests check on the model (`clone_model`, `custom_clone_function`,
  `input_tensors`, `shared_layers`, `structured_io`, `call_function`, `recursive`,
  `call_function_recursive`, `compiled`, `subclassed`), described in tools/README.md.

Run: `KERAS_BACKEND=jax venv/bin/python tools/make_cloning_test_fixtures.py [--only NAME,...]`
(keras 3.15.1). Every model starts from `keras.backend.clear_session()` and its own seeds, so a
model written alone is the same as in a full run.
"""

import argparse
import json
import os
import tempfile
import warnings
import zipfile
import zlib

import numpy as np

from fixture_common import FIXTURES_DIR, SPECS_DIR, keras

from keras import layers, models

SPECS = os.path.join(SPECS_DIR, "cloning")
FIXTURES = os.path.join(FIXTURES_DIR, "cloning")

# What the test's own models make Keras say: dict keys `x`, `y` that are not the input tensors'
# names (test_structured_io_cloning), and a compiled model loaded before its optimizer is built.
warnings.filterwarnings("ignore", message="When providing `inputs` as a dict")
warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")


# The models of cloning_test.py --------------------------------------------------------------


def mlp_functional(shared_layers=False):
    inputs = layers.Input(shape=(3,))
    x = layers.Dense(2)(inputs)
    if shared_layers:
        shared = layers.Dense(2, name="shared")
        x = shared(shared(x))
    return models.Model(inputs, layers.Dense(2)(x))


def nested_functional():
    inputs = layers.Input(shape=(4,))
    x = layers.Dense(3)(inputs)
    x = mlp_functional()(x)
    return models.Model(inputs, layers.Dense(2)(x))


def doubly_nested_functional():
    inputs = layers.Input(shape=(5,))
    x = layers.Dense(4)(inputs)
    x = nested_functional()(x)
    return models.Model(inputs, layers.Dense(2)(x))


def sequential(explicit_input=True):
    model = models.Sequential()
    if explicit_input:
        model.add(layers.Input(shape=(3,)))
    model.add(layers.Dense(2))
    model.add(layers.Dense(2))
    return model


def nested_sequential():
    model = models.Sequential()
    model.add(layers.Dense(2))
    model.add(sequential(explicit_input=False))
    model.add(layers.Dense(2))
    return model


def doubly_nested_sequential():
    model = models.Sequential()
    model.add(layers.Dense(3))
    model.add(nested_sequential())
    model.add(layers.Dense(2))
    return model


def cnn_functional():
    inputs = layers.Input(shape=(7, 3))
    x = layers.Conv1D(2, 2, padding="same")(inputs)
    return models.Model(inputs, layers.Conv1D(2, 2, padding="same")(x))


def cnn_sequential(explicit_input=True):
    model = models.Sequential()
    if explicit_input:
        model.add(layers.Input(shape=(7, 3)))
    model.add(layers.Conv1D(2, 2, padding="same"))
    model.add(layers.Conv1D(2, 2, padding="same"))
    return model


def structured_io():
    x = layers.Input((3,))
    y = layers.Input((3,))
    z1 = x + y
    z2 = layers.Dense(5)(z1)
    return models.Model(dict(x=x, y=y), dict(z1=z1, z2=z2))


def compiled():
    model = models.Sequential()
    model.add(layers.Input((3,)))
    model.add(layers.Dense(5, activation="relu"))
    model.add(layers.Dense(1, activation="sigmoid"))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


class ExampleModel(models.Model):
    """The test's subclassed model: two Dense layers in `call`, no `get_config` of its own."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.d1 = layers.Dense(2)
        self.d2 = layers.Dense(2)

    def call(self, x):
        return self.d2(self.d1(x))


# NAME -> (builder, reference input shapes, cloning_test.py tests that use the model). A model
# without an Input is built by calling it on a batch of the reference shape, as the test does.
MODELS = {
    "cloning_mlp_functional": (mlp_functional, [(2, 3)], [
        "test_cloning_correctness[mlp_functional]", "test_custom_clone_function[mlp_functional]",
        "test_call_fn"]),
    "cloning_mlp_shared": (lambda: mlp_functional(shared_layers=True), [(2, 3)], ["test_shared_layers_cloning"]),
    "cloning_cnn_functional": (cnn_functional, [(2, 7, 3)], [
        "test_cloning_correctness[cnn_functional]", "test_custom_clone_function[cnn_functional]",
        "test_input_tensors[cnn_functional]"]),
    "cloning_sequential": (sequential, [(2, 3)], [
        "test_cloning_correctness[sequential]", "test_custom_clone_function[sequential]"]),
    "cloning_deferred_sequential": (lambda: sequential(explicit_input=False), [(2, 3)], [
        "test_cloning_correctness[deferred_sequential]"]),
    "cloning_cnn_sequential": (cnn_sequential, [(2, 7, 3)], ["test_input_tensors[cnn_sequential]"]),
    "cloning_cnn_sequential_no_input": (lambda: cnn_sequential(explicit_input=False), [(2, 7, 3)], [
        "test_input_tensors[cnn_sequential_noinputlayer]"]),
    "cloning_structured_io": (structured_io, [(2, 3), (2, 3)], ["test_structured_io_cloning"]),
    "cloning_nested_functional": (nested_functional, [(2, 4)], ["test_recursive (call_function, Functional)"]),
    "cloning_nested_sequential": (nested_sequential, [(2, 3)], ["test_recursive (clone_function, Sequential)"]),
    "cloning_doubly_nested_functional": (doubly_nested_functional, [(2, 5)], [
        "test_recursive_multi_level (Functional)"]),
    "cloning_doubly_nested_sequential": (doubly_nested_sequential, [(2, 5)], [
        "test_recursive_multi_level (Sequential)"]),
    "cloning_compiled": (compiled, [(2, 3)], ["test_compiled_model_cloning"]),
    "cloning_subclassed": (ExampleModel, [(2, 3)], ["test_cloning_correctness[subclassed]"]),
}


# Helpers ------------------------------------------------------------------------------------


def described(layer_list):
    return [[layer.name, type(layer).__name__] for layer in layer_list]


def config_layers(model):
    """`[name, class_name]` of every entry of `get_config()["layers"]`: a Sequential model's
    InputLayer and a Functional model's operations (`add`) included, unlike `model.layers`."""
    return [[entry["config"]["name"], entry["class_name"]] for entry in model.get_config()["layers"]]


def call(model, inputs):
    """`model(inputs, training=False)` with `inputs` (in `model.inputs` order) in the model's own
    structure; the outputs as float32 arrays in `model.outputs` order."""
    if isinstance(model, models.Sequential) or type(model).__name__ not in ("Functional", "Model"):
        packed = inputs[0]
    else:
        packed = keras.tree.pack_sequence_as(model.input, inputs)
    return [np.asarray(y, dtype=np.float32) for y in keras.tree.flatten(model(packed, training=False))]


def assert_same(a, b, what):
    assert len(a) == len(b), what
    for x, y in zip(a, b):
        assert x.shape == y.shape and np.max(np.abs(x - y)) <= 1e-6, what


def shape(tensor):
    return list(tensor.shape)


def tensor_json(array):
    return {"shape": list(array.shape), "data": [float(v) for v in np.asarray(array, np.float32).reshape(-1)]}


def recording(calls, flag=True):
    """A clone function as the tests write them (`from_config(get_config())`, plus the `flag`
    attribute of the recursive tests) that records the `[name, class]` of each layer it is given."""
    def clone_function(layer):
        calls.append([layer.name, type(layer).__name__])
        clone = layer.__class__.from_config(layer.get_config())
        if flag:
            clone.flag = True
        return clone
    return clone_function


def renaming(calls):
    """test_custom_clone_function's clone function: the layer's config with `_custom` appended to
    its name; records what it is given."""
    def clone_function(layer):
        calls.append([layer.name, type(layer).__name__])
        config = layer.get_config()
        config["name"] = f"{config['name']}_custom"
        return layer.__class__.from_config(config)
    return clone_function


def dropout_after_dense(inserted):
    """test_call_fn's call_function: a Dropout(0.5) after every Dense; records which layers."""
    def call_function(layer, *args, **kwargs):
        out = layer(*args, **kwargs)
        if isinstance(layer, layers.Dense):
            inserted.append(layer.name)
            out = layers.Dropout(0.5)(out)
        return out
    return call_function


def layer_paths(model, prefix=""):
    """`(path, layer)` of every layer of `model`, nested models walked (`sequential/dense_1`)."""
    out = []
    for layer in model.layers:
        out.append((prefix + layer.name, layer))
        if isinstance(layer, models.Model) and hasattr(layer, "layers") and not isinstance(layer, ExampleModel):
            out += layer_paths(layer, prefix + layer.name + "/")
    return out


def config_without_input_names(model):
    """`get_config()` as JSON text with each InputLayer's name replaced by its position."""
    text = json.dumps(model.get_config(), sort_keys=True)
    inputs = [layer.name for layer in model.layers if isinstance(layer, layers.InputLayer)]
    for index, name in sorted(enumerate(inputs), key=lambda item: -len(item[1])):
        text = text.replace(f'"{name}"', f'"<input {index}>"')
    return text


def same_config(a, b):
    """Whether two `get_config()` results are equal as JSON (a loaded model's `build_config`
    holds lists where a new one holds tuples)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def error_text(action):
    """The first line of the ValueError `action` raises, without the repr of a function (an
    address) that some messages end with."""
    try:
        action()
    except ValueError as e:
        return str(e).split("\n")[0].split(", with clone_function=")[0]
    raise AssertionError("no ValueError")


# What Keras does when it clones ---------------------------------------------------------------


def clone_model_facts(model, loaded, inputs, outputs):
    """test_cloning_correctness: `clone_model(model)` has the same config and fresh weights, and
    after `set_weights(model.get_weights())` the same outputs."""
    clone = keras.models.clone_model(model)
    if not clone.built:
        call(clone, inputs)
    differ = [not np.array_equal(a, b) for a, b in zip(model.get_weights(), clone.get_weights())]
    same = same_config(model.get_config(), clone.get_config())
    same_but_inputs = config_without_input_names(model) == config_without_input_names(clone)
    clone.set_weights(model.get_weights())
    assert_same(call(clone, inputs), outputs, "clone with the model's weights")
    loaded_clone = keras.models.clone_model(loaded)
    return {
        "class": type(clone).__name__,
        "layers": described(clone.layers),
        "config_equal": same,
        "config_equal_but_input_names": same_but_inputs,
        "loaded_clone_config_layers": config_layers(loaded_clone),
        "loaded_clone_config_equal": same_config(loaded.get_config(), loaded_clone.get_config()),
        "weight_count": len(clone.get_weights()),
        "weights_differ": differ,
    }


def custom_clone_function_facts(model, inputs, outputs):
    """test_custom_clone_function: every layer renamed `NAME_custom` by the clone function."""
    calls = []
    clone = keras.models.clone_model(model, clone_function=renaming(calls))
    for a, b in zip(model.layers, clone.layers):
        if not isinstance(a, layers.InputLayer):
            assert b.name == a.name + "_custom"
    clone.set_weights(model.get_weights())
    assert_same(call(clone, inputs), outputs, "renamed clone with the model's weights")
    facts = {"calls": calls, "clone_layers": described(clone.layers), "clone_config_layers": config_layers(clone)}
    config = clone.get_config()
    for key in ("input_layers", "output_layers"):
        if key in config:
            facts[key] = config[key]
    return facts


def input_tensors_facts(model, rng):
    """test_input_tensors: `clone_model(model, input_tensors=model.inputs[0])` keeps the
    structure; and, beyond the test, clones on a fixed batch and on 11 steps instead of 7."""
    facts = {}
    longer = rng.uniform(0, 1, (2, 11, 3)).astype("float32")
    for key, tensor in (("same_tensor", model.inputs[0]),
                        ("batch_2", keras.Input(batch_shape=(2, 7, 3))),
                        ("steps_11", keras.Input(shape=(11, 3)))):
        clone = keras.models.clone_model(model, input_tensors=tensor)
        keras.tree.assert_same_structure(model.inputs, clone.inputs)
        keras.tree.assert_same_structure(model.outputs, clone.outputs)
        entry = {
            "input_shapes": [shape(t) for t in clone.inputs],
            "output_shapes": [shape(t) for t in clone.outputs],
            "weight_shapes": [list(w.shape) for w in clone.get_weights()],
        }
        if key == "steps_11":
            clone.set_weights(model.get_weights())
            entry["input"] = tensor_json(longer)
            entry["output"] = tensor_json(call(clone, [longer])[0])
        facts[key] = entry
    return facts


def shared_layers_facts(model, inputs, outputs):
    """test_shared_layers_cloning: the clone has 4 layers, the shared one once, called twice."""
    calls = []
    clone = keras.models.clone_model(model, clone_function=recording(calls, flag=False))
    assert len(clone.layers) == 4
    nodes = {entry["name"]: len(entry["inbound_nodes"]) for entry in clone.get_config()["layers"]}
    clone.set_weights(model.get_weights())
    assert_same(call(clone, inputs), outputs, "shared clone")
    return {"calls": calls, "clone_layers": described(clone.layers), "inbound_node_counts": nodes,
            "weight_count": len(clone.get_weights())}


def structured_io_facts(model):
    """test_structured_io_cloning: dict inputs and outputs survive a clone, with and without dict
    `input_tensors`; a tuple of the same tensors is refused."""
    calls = []
    facts = {}
    for key, kwargs in (("clone", {}), ("dict_input_tensors", {"input_tensors": dict(model.input)})):
        clone = keras.models.clone_model(model, clone_function=recording(calls if key == "clone" else [], False),
                                         **kwargs)
        keras.tree.assert_same_structure(clone.input, model.input)
        keras.tree.assert_same_structure(clone.output, model.output)
        config = clone.get_config()
        facts[key] = {"input_keys": list(clone.input), "output_keys": list(clone.output),
                      "input_layers": config["input_layers"], "output_layers": config["output_layers"]}
    facts["calls"] = calls
    tensors = (model.input["x"], model.input["y"])
    facts["tuple_input_tensors_error"] = error_text(lambda: keras.models.clone_model(model, input_tensors=tensors))
    return facts


def call_function_facts(model, inputs, outputs):
    """test_call_fn: the clone reuses the layers and calls a Dropout after every Dense."""
    inserted = []
    clone = keras.models.clone_model(model, clone_function=lambda layer: layer,
                                     call_function=dropout_after_dense(inserted))
    assert len(model.layers) == 3 and len(clone.layers) == 5
    assert isinstance(clone.layers[2], layers.Dropout) and isinstance(clone.layers[4], layers.Dropout)
    assert_same(call(clone, inputs), outputs, "call_function clone")
    return {"dropout_after": inserted, "clone_layers": described(clone.layers),
            "keras_json": json.loads(clone.to_json())}


def call_function_recursive_facts(model, inputs, outputs):
    """test_recursive, first half: call_function goes into the nested Functional model too."""
    inserted = []
    clone = keras.models.clone_model(model, clone_function=lambda layer: layer,
                                     call_function=dropout_after_dense(inserted), recursive=True)
    assert len(model._flatten_layers()) == 8 and len(clone._flatten_layers()) == 12
    nested = clone.layers[3]
    assert isinstance(nested.layers[2], layers.Dropout) and isinstance(nested.layers[4], layers.Dropout)
    assert_same(call(clone, inputs), outputs, "recursive call_function clone")
    return {"dropout_after": inserted,
            "flattened_layer_counts": [len(model._flatten_layers()), len(clone._flatten_layers())],
            "clone_layers": described(clone.layers), "nested_clone_layers": described(nested.layers)}


def recursive_facts(model, inputs, outputs):
    """test_recursive (Sequential half) and test_recursive_multi_level: with recursive=True the
    clone function gets every leaf layer at every depth (each Dense of the clone carries its
    `flag`); with recursive=False it gets each nested model whole."""
    original = {id(layer) for _, layer in layer_paths(model)}
    facts = {}
    for recursive in (False, True):
        calls = []
        clone = keras.models.clone_model(model, clone_function=recording(calls), recursive=recursive)
        if not clone.built:
            call(clone, inputs)
        clone.set_weights(model.get_weights())
        assert_same(call(clone, inputs), outputs, f"recursive={recursive} clone")
        paths = layer_paths(clone)
        dense = [(path, layer) for path, layer in paths if isinstance(layer, layers.Dense)]
        if recursive:
            assert all(hasattr(layer, "flag") for _, layer in dense)
            assert not any(hasattr(layer, "flag") for layer in model._flatten_layers())
        facts[f"recursive_{str(recursive).lower()}"] = {
            "calls": calls,
            "flagged_dense": [path for path, layer in dense if hasattr(layer, "flag")],
            "new_objects": [path for path, layer in paths if id(layer) not in original],
            "same_objects": [path for path, layer in paths if id(layer) in original],
        }
    facts["flattened_layer_count"] = len(model._flatten_layers())
    facts["original_paths"] = [path for path, _ in layer_paths(model)]
    return facts


def compiled_facts(model):
    """test_compiled_model_cloning: the clone is compiled as the model is."""
    clone = keras.models.clone_model(model)
    assert model.compiled and clone.compiled
    return {"compiled": model.compiled, "clone_compiled": clone.compiled,
            "compile_config": clone.get_compile_config()}


def subclassed_facts(model):
    """test_cloning_correctness[subclassed]: `clone_model` serializes the model and reads it back
    (same class, same config, fresh weights); it refuses a clone function."""
    clone = keras.models.clone_model(model)
    return {
        "clone_class": type(clone).__name__,
        "config": model.get_config(),
        "config_equal": same_config(clone.get_config(), model.get_config()),
        "clone_function_error": error_text(
            lambda: keras.models.clone_model(model, clone_function=lambda layer: layer)),
    }


# Writing ------------------------------------------------------------------------------------


def archive_members(path):
    """The archive's members with what changes on every save left out: `date_saved` and the
    `shared_object_id` values (Python `id()`s), renumbered by first appearance."""
    with zipfile.ZipFile(path) as archive:
        members = []
        for name in archive.namelist():
            data = archive.read(name)
            if name == "metadata.json":
                meta = json.loads(data)
                meta.pop("date_saved", None)
                data = json.dumps(meta, sort_keys=True).encode()
            elif name == "config.json":
                ids = {}

                def renumber(value):
                    if isinstance(value, dict):
                        return {k: (ids.setdefault(v, len(ids)) if k == "shared_object_id" else renumber(v))
                                for k, v in value.items()}
                    if isinstance(value, list):
                        return [renumber(v) for v in value]
                    return value
                data = json.dumps(renumber(json.loads(data))).encode()
            members.append((name, data))
        return members


def save_keras(model, path):
    """`model.save(path)`, keeping an existing archive whose contents are the same (see
    `archive_members`), so that a rerun changes no file."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = os.path.join(tmp, os.path.basename(path))
        model.save(fresh)
        if os.path.exists(path) and archive_members(path) == archive_members(fresh):
            return "kept"
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(fresh, "rb") as src, open(path, "wb") as dst:
            dst.write(src.read())
        return "written"


def flat(array):
    array = np.asarray(array)
    return [float(v) for v in array.astype(np.float32).reshape(-1)]


def io_entries(names, arrays, keys=None):
    entries = []
    for index, (name, array) in enumerate(zip(names, arrays)):
        entry = {"name": name}
        if keys:
            entry["key"] = keys[index]
        entry.update({"shape": list(array.shape), "dtype": str(array.dtype), "data": flat(array)})
        entries.append(entry)
    return entries


def tensor_names(model, kind):
    """The names of `model.inputs` or `model.outputs`; a subclassed model has neither, and its one
    input and output are named `input` and `output`."""
    if isinstance(model, ExampleModel):
        return [kind[:-1]]
    return [t.name for t in getattr(model, kind)]


def write_fixture(path, document):
    """One top-level key per line, each value compact."""
    lines = [f"{json.dumps(key)}:{json.dumps(value, separators=(',', ':'))}" for key, value in document.items()]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")


def make(name):
    builder, input_shapes, tests = MODELS[name]
    keras.backend.clear_session()
    keras.utils.set_random_seed(1)
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    inputs = [rng.uniform(0, 1, s).astype("float32") for s in input_shapes]
    model = builder()
    if not model.built:
        call(model, inputs)  # as the test does: "Maybe needed to build the model"
    for weight in model.weights:
        weight.assign(rng.normal(0, 0.5, weight.shape).astype("float32"))
    outputs = call(model, inputs)
    for output in outputs:
        assert np.all(np.isfinite(output)) and np.std(output) > 1e-3, name

    status = save_keras(model, os.path.join(SPECS, name + ".keras"))
    custom = {"ExampleModel": ExampleModel} if isinstance(model, ExampleModel) else None
    loaded = keras.saving.load_model(os.path.join(SPECS, name + ".keras"), custom_objects=custom)
    assert_same(call(loaded, inputs), outputs, f"{name} loaded")

    dict_io = name == "cloning_structured_io"
    document = {
        "name": name,
        "tests": tests,
        "layers": described(model.layers),
        "input_shapes": [] if isinstance(model, ExampleModel) else [shape(t) for t in loaded.inputs],
        "weight_shapes": [list(w.shape) for w in model.get_weights()],
        "inputs": io_entries(tensor_names(model, "inputs"), inputs, sorted(model.input) if dict_io else None),
        "outputs": io_entries(tensor_names(model, "outputs"), outputs, sorted(model.output) if dict_io else None),
    }
    if any(t.startswith("test_cloning_correctness") and "subclassed" not in t for t in tests):
        document["clone_model"] = clone_model_facts(model, loaded, inputs, outputs)
    if any(t.startswith("test_custom_clone_function") for t in tests):
        document["custom_clone_function"] = custom_clone_function_facts(model, inputs, outputs)
    if any(t.startswith("test_input_tensors") for t in tests):
        document["input_tensors"] = input_tensors_facts(model, rng)
    if name == "cloning_mlp_shared":
        document["shared_layers"] = shared_layers_facts(model, inputs, outputs)
    if dict_io:
        document["structured_io"] = structured_io_facts(model)
        document["clone_model"] = clone_model_facts(model, loaded, inputs, outputs)
    if name == "cloning_mlp_functional":
        document["call_function"] = call_function_facts(model, inputs, outputs)
    if name == "cloning_nested_functional":
        document["call_function_recursive"] = call_function_recursive_facts(model, inputs, outputs)
    if name in ("cloning_nested_functional", "cloning_nested_sequential", "cloning_doubly_nested_functional",
                "cloning_doubly_nested_sequential"):
        document["recursive"] = recursive_facts(model, inputs, outputs)
    if name == "cloning_compiled":
        document["compiled"] = compiled_facts(model)
        document["clone_model"] = clone_model_facts(model, loaded, inputs, outputs)
    if name == "cloning_subclassed":
        document["subclassed"] = subclassed_facts(model)
    write_fixture(os.path.join(FIXTURES, name + ".json"), document)
    size = os.path.getsize(os.path.join(SPECS, name + ".keras"))
    print(f"{name}: {len(model.layers)} layers, {size} bytes ({status}); {', '.join(tests)}")


def make_unbuilt():
    """The test's deferred Sequential as `model.save()` writes it before any call: no InputLayer,
    no `build_config`, so no input shape anywhere."""
    keras.backend.clear_session()
    model = sequential(explicit_input=False)
    assert not model.built
    path = os.path.join(FIXTURES, "deferred_sequential_unbuilt.keras")
    with warnings.catch_warnings():  # Keras warns that the model is not built: that is the point
        warnings.filterwarnings("ignore", message="You are saving a model that has not yet been built")
        status = save_keras(model, path)
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    assert "build_config" not in config and config["config"]["layers"][0]["class_name"] == "Dense"
    print(f"deferred_sequential_unbuilt: {os.path.getsize(path)} bytes ({status})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated model names: " + ", ".join(MODELS))
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(MODELS)
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        parser.error(f"unknown model(s) {unknown}")
    if keras.backend.backend() != "jax":
        parser.error("run with KERAS_BACKEND=jax")
    for name in names:
        make(name)
    if not args.only:
        make_unbuilt()


if __name__ == "__main__":
    main()
