"""Makes the optimizer-state fixtures of swift-model-generator: an optimizer's
variables (Keras's ``optimizer.variables``) saved with the model's weights in a
``.weights.h5`` file, restored, and training resumed; and Nadam.

Keras is the oracle: every value written here comes from Keras 3.15.1 on the JAX
backend (float32, CPU); an independent float64 numpy replay checks them.

Setup and run (from anywhere; paths are relative to this file)::

    pip install keras jax numpy h5py    # made with keras 3.15.1, jax 0.10.2, numpy 2.4, h5py 3.16
    KERAS_BACKEND=jax python tools/make_optimizer_state_fixtures.py

    # Keras reads the files Swift writes (see ``verify``):
    MODEL_GENERATOR_EXPORT=/tmp/state swift test --filter OptimizerStateTests
    KERAS_BACKEND=jax python tools/make_optimizer_state_fixtures.py --verify /tmp/state

Deterministic and re-runnable: it removes what it wrote before (every folder
under ``Tests/Fixtures/optimizer_state/`` that holds a ``case.json``) and writes
it again; a rerun leaves every file byte-identical (Keras's ``.weights.h5``
holds no time stamps). It refuses other backends. Runs in about 20 seconds.

The model, data and training (the same for every case)
-------------------------------------------------------

``keras.Sequential([keras.Input((4,)), Dense(8, activation="tanh"),
Dense(3, activation="softmax")], name="optimizer_state_mlp")``, built after
``keras.backend.clear_session()``, so its layers are ``dense`` and ``dense_1``
and its weights, in ``get_weights()`` (= ``trainable_weights``) order, are
``dense/kernel`` (4, 8), ``dense/bias`` (8,), ``dense_1/kernel`` (8, 3),
``dense_1/bias`` (3,) (variable paths ``optimizer_state_mlp/dense/kernel``
etc.). A numpy generator seeded with ``zlib.crc32(b"optimizer_state")``
draws, in this order: the initial weights in that order (kernels N(0, s^2) with
s = min(0.5, 1/sqrt(fan_in)), i.e. 0.5 for ``dense/kernel`` and 1/sqrt(8) for
``dense_1/kernel``; biases N(0, 0.5^2)); ``x``, 48 samples of 4 features,
N(0, 1); a matrix ``M`` (4, 3), N(0, 1). The label of sample i is
``argmax(x[i] @ M)`` and ``y`` is its one-hot encoding (float32, (48, 3); the
three classes occur 24, 11 and 13 times, checked).

``model.compile(optimizer=OPTIMIZER, loss="categorical_crossentropy")``
(no metrics), then ``model.fit(x, y, batch_size=16, epochs=1, shuffle=False,
verbose=0)`` twice: epoch 1, then (after saving) epoch 2 as a second ``fit``
call. So 3 steps per epoch (batches = samples 0-15, 16-31, 32-47), 6 in all; the
optimizer's ``iteration`` is 3 after epoch 1 and 6 at the end. The loss of a
batch is the mean over its 16 samples of ``-sum(y * log(clip(p / sum(p),
1e-7, 1 - 1e-7)))`` (p the softmax output; the clip never binds here, checked),
and the loss Keras logs for an epoch (``History``) is the mean of its three
batch losses, each computed before that batch's update.

The cases (``Tests/Fixtures/optimizer_state/CASE/``), optimizer arguments not
given are Keras's defaults:

- ``sgd_nesterov``: ``SGD(learning_rate=0.05, momentum=0.9, nesterov=True)``.
- ``adam``: ``Adam(learning_rate=0.01)``.
- ``adamw``: ``AdamW(learning_rate=0.01, weight_decay=0.01)``.
- ``nadam``: ``Nadam(learning_rate=0.01)``.
- ``rmsprop_centered_momentum``: ``RMSprop(learning_rate=0.01, momentum=0.5,
  centered=True)``.
- ``adagrad``: ``Adagrad(learning_rate=0.05)``.
- ``adam_schedule``: ``Adam(learning_rate=keras.optimizers.schedules.
  ExponentialDecay(0.01, decay_steps=2, decay_rate=0.9))``: step t (0-based, =
  ``iteration`` before the step) uses ``0.01 * 0.9 ** (t / 2)``; an optimizer
  with a schedule has no ``learning_rate`` variable.

``optimizer.variables`` (checked for every case; "per weight" below means for
each of the four trainable weights in the order above, named ``{the weight's
variable path with / as _}_{slot}``, e.g.
``optimizer_state_mlp_dense_1_kernel_momentum``, with the weight's shape and
dtype float32, and path ``{optimizer name}/{that name}``):

0. ``iteration``: shape (), **int32** on JAX (Keras creates it with dtype
   "int", which its source notes is int64 on TensorFlow), path
   ``{optimizer name}/iteration``.
1. ``learning_rate``: shape (), float32, path ``{optimizer name}/learning_rate``
   -- absent when the learning rate is a schedule (``adam_schedule``: the slots
   start at index 1).
2. Then the slots. Slots created by one ``add_optimizer_variables(vars,
   [kinds...])`` call are interleaved per weight; separate calls are grouped:

   - SGD with momentum: ``momentum`` per weight (4 variables).
   - Adam, AdamW: ``momentum``, ``velocity`` interleaved per weight (kernel m, kernel v,
     bias m, bias v, ...: 8 variables).
   - Nadam: as Adam, then **one more scalar float32 variable, the
     ``u_product``** (the running product of the momentum schedule), last
     (index 10), named ``variable`` with path ``variable`` (no optimizer scope:
     it is a bare ``backend.Variable(1.0)`` tracked on attribute assignment).
   - RMSprop(momentum > 0, centered=True): grouped: ``velocity`` for the four
     weights, then ``momentum`` for the four, then ``average_gradient`` for the four (12).
   - Adagrad: ``accumulator`` per weight (4), initialized to 0.1
     (``initial_accumulator_value``).

Optimizer names (the ``name`` attribute of the HDF5 group ``optimizer/vars``):
``sgd``, ``adam``, ``adam_w``, ``nadam``, ``rm_sprop``, ``adagrad``, ``adam``.

Files per case
--------------

* ``after_one_epoch.weights.h5``: ``model.save_weights`` after epoch 1,
  byte for byte what Keras writes. Datasets (checked: exactly these):
  ``layers/dense/vars/0`` (kernel), ``layers/dense/vars/1`` (bias),
  ``layers/dense_1/vars/0``, ``layers/dense_1/vars/1`` (float32), and
  ``optimizer/vars/N`` for N = 0, 1, ..., len(optimizer.variables) - 1: the
  value of ``optimizer.variables[N]`` with its own dtype (``optimizer/vars/0``,
  the iteration, is an int32 scalar dataset = 3; the others float32; scalars have
  shape ()). The names are decimal strings without padding, so h5py's (and
  HDF5's) name order is 0, 1, 10, 11, 2, ...: sort them as numbers. The groups
  ``layers/dense/vars``, ``layers/dense_1/vars``, ``optimizer/vars`` and the
  top-level ``vars`` (no datasets) carry a ``name`` attribute (``dense``,
  ``dense_1``, the optimizer's name, ``optimizer_state_mlp``); ``layers``,
  ``layers/dense``, ``layers/dense_1`` and ``optimizer`` none. Loading: Keras's
  ``load_weights`` assigns ``optimizer/vars/N`` to ``optimizer.variables[N]``
  only if the counts are equal; an optimizer that is not built yet (after
  ``compile``, before ``fit``, it has only ``iteration`` and
  ``learning_rate``, or only ``iteration`` with a schedule) is skipped with a
  warning ("Skipping variable loading for optimizer 'nadam', because it has 2
  variables whereas the saved optimizer has 11 variables.") and keeps its fresh
  state (checked; the model's weights still load, and no error is raised).
  So build it first: ``optimizer.build(model.trainable_variables)``.

* ``arrays.npz`` (``fixture_common.save_arrays``: stored, dated 1980-01-01),
  members in this order, all little-endian float32:

  - ``x`` (48, 4), ``y`` (48, 3): the data (the same in every case).
  - ``initial_weights_NN`` (NN = 00..03, ``get_weights()`` order): the weights
    before training (the same in every case).
  - ``state_NN`` (NN = 00, 01, ...): ``optimizer.variables[NN]`` after epoch 1,
    as float32 (the iteration 3 as 3.0; equal to ``optimizer/vars/NN`` of the
    .h5 file).
  - ``final_weights_NN``: the weights after epoch 2.

* ``case.json`` (one top-level key a line, values compact, one object a line in
  ``optimizer_variables``): ``case``; ``optimizer`` (``class_name`` and
  ``config``, the ``get_config()`` after training; for ``adam_schedule`` its
  ``learning_rate`` is the serialized schedule); ``compile_optimizer`` (the
  Python expression); ``optimizer_name``; ``loss`` ("categorical_crossentropy"),
  ``batch_size`` 16, ``samples`` 48, ``class_counts`` [24, 11, 13], ``shuffle``
  false, ``steps_per_epoch`` 3; ``history``: ``{"loss": [epoch 1, epoch 2]}``
  (each epoch's ``History`` loss from its own ``fit`` call);
  ``learning_rates``: the learning rate each of the 6 steps used (constant, or
  the schedule's ``0.01 * 0.9 ** (t / 2)``), as float32 values;
  ``optimizer_variables``: in ``optimizer.variables`` order (entry N is
  ``optimizer/vars/N`` of the .h5 file and ``state_NN``), each ``path``,
  ``name``, ``shape``, ``dtype`` (Keras's: "int32" or "float32"), ``role``
  ("iteration", "learning_rate", "slot" or "u_product"), and for a slot
  ``slot`` (its kind: "momentum", "velocity", "average_gradient",
  "accumulator") and ``weight`` (its weight's index into ``get_weights()``),
  null otherwise; ``h5_file`` (``after_one_epoch.weights.h5``);
  ``h5_optimizer_group_name``: the ``name`` attribute of ``optimizer/vars``
  (the optimizer's name); ``load_into_unbuilt_optimizer``: the warning Keras
  gives when ``load_weights`` meets an optimizer that is not built.

* ``Tests/ModelRuntimeTests/Specs/optimizer_state/optimizer_state_mlp.model.json``: the
  model's ``to_json(indent=2)`` plus a newline (as
  tools/make_training_fixtures.py writes its specs; the build plugin turns it
  into a Swift type); the same for every case (checked), written only when the
  text changed.

Checks (asserts; the script fails if one does not hold)
--------------------------------------------------------

1. State really restored: after ``keras.backend.clear_session()``, a fresh model
   and a fresh optimizer of the case, compiled, the optimizer built with
   ``optimizer.build(model.trainable_variables)``, then
   ``model.load_weights("after_one_epoch.weights.h5")``: its weights equal
   the weights after epoch 1 and its ``optimizer.variables`` equal ``state``
   exactly; one more ``fit(epochs=1)`` reproduces ``final_weights`` exactly
   (bit for bit) and the epoch-2 loss. Control: the same with the optimizer not
   built before ``load_weights`` gives the warning above, leaves the optimizer
   unbuilt, and one epoch then ends more than 1e-3 away from ``final_weights``
   (the saved state matters).
2. The .h5 file holds exactly the datasets listed above, equal to the
   weights after epoch 1 and to ``optimizer.variables`` (value and dtype).
3. Independent numpy replay (float64, no Keras or JAX): the forward pass and
   the gradients of the MLP by hand (``h = tanh(x W1 + b1)``, ``p =
   softmax(h W2 + b2)``; with one-hot y and the clip not binding,
   dL/d(logits) = (p - y) / 16; then the chain rule through the two Dense
   layers, tanh' = 1 - h^2), batch by batch over the 6 steps, with each
   optimizer's update as written in keras/src/optimizers/*.py (3.15.1), t the
   0-based step, s = t + 1:

   - SGD (nesterov): ``m = momentum m - lr g``; ``w += momentum m - lr g``.
   - Adam: ``m += (g - m)(1 - beta_1)``, ``v += (g^2 - v)(1 - beta_2)``,
     ``w -= m lr sqrt(1 - beta_2^s) / (1 - beta_1^s) / (sqrt(v) + epsilon)``.
   - AdamW: first ``w -= w weight_decay lr`` (every weight, biases too), then
     the Adam step.
   - Nadam: first (once per step, before the per-weight updates) ``u_product *=
     beta_1 (1 - 0.5 0.96^s)``; then per weight, with ``u_t = beta_1 (1 - 0.5
     0.96^s)``, ``u_t1 = beta_1 (1 - 0.5 0.96^(s+1))``, ``m += (g - m)(1 -
     beta_1)``, ``v += (g^2 - v)(1 - beta_2)``, ``m_hat = u_t1 m / (1 -
     u_product u_t1) + (1 - u_t) g / (1 - u_product)``, ``v_hat = v / (1 -
     beta_2^s)``, ``w -= lr m_hat / (sqrt(v_hat) + epsilon)``. The saved
     ``u_product`` after epoch 1 is the product of ``beta_1 (1 - 0.5 0.96^s)``
     for s = 1, 2, 3.
   - RMSprop (centered, momentum): ``vel = rho vel + (1 - rho) g^2``, ``avg =
     rho avg + (1 - rho) g``, ``inc = lr g / sqrt(vel - avg^2 + epsilon)``,
     ``mom = momentum mom + inc``, ``w -= mom``.
   - Adagrad: ``acc += g^2`` (from 0.1), ``w -= lr g / sqrt(acc + epsilon)``.

   It reproduces, for every case, each epoch's loss (rtol 1e-5), every
   ``state`` value after epoch 1 (matched by role/slot/weight; atol 1e-6 +
   rtol 1e-5) and ``final_weights`` (atol 1e-5; the largest difference seen is
   7e-7, for AdamW).
"""

import json
import os
import shutil
import sys
import warnings
import zlib

os.environ.setdefault("KERAS_BACKEND", "jax")

sys.dont_write_bytecode = True  # keep tools/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

import fixture_common as fc  # noqa: E402

if keras.backend.backend() != "jax":
    sys.exit("make_optimizer_state_fixtures.py must run with KERAS_BACKEND=jax")

OUT_DIR = os.path.join(fc.FIXTURES_DIR, "optimizer_state")
MODEL_NAME = "optimizer_state_mlp"
H5_FILE = "after_one_epoch.weights.h5"
SAMPLES = 48
FEATURES = 4
CLASSES = 3
BATCH = 16
STEPS_PER_EPOCH = SAMPLES // BATCH
LOSS = "categorical_crossentropy"
SEED_KEY = "optimizer_state"
CLASS_COUNTS = [24, 11, 13]
WEIGHT_PATHS = ["dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"]
UNBUILT_WARNING = "Skipping variable loading for optimizer"


def exponential_decay():
    return keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=2, decay_rate=0.9)


# (case, make the optimizer, the expression as written, the expected slot layout)
# Layout: "interleaved" kinds are created per weight in one call; "grouped" kinds one call each.
CASES = [
    ("sgd_nesterov", lambda: keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
     "SGD(learning_rate=0.05, momentum=0.9, nesterov=True)", [["momentum"]]),
    ("adam", lambda: keras.optimizers.Adam(learning_rate=0.01),
     "Adam(learning_rate=0.01)", [["momentum", "velocity"]]),
    ("adamw", lambda: keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.01),
     "AdamW(learning_rate=0.01, weight_decay=0.01)", [["momentum", "velocity"]]),
    ("nadam", lambda: keras.optimizers.Nadam(learning_rate=0.01),
     "Nadam(learning_rate=0.01)", [["momentum", "velocity"]]),
    ("rmsprop_centered_momentum",
     lambda: keras.optimizers.RMSprop(learning_rate=0.01, momentum=0.5, centered=True),
     "RMSprop(learning_rate=0.01, momentum=0.5, centered=True)",
     [["velocity"], ["momentum"], ["average_gradient"]]),
    ("adagrad", lambda: keras.optimizers.Adagrad(learning_rate=0.05),
     "Adagrad(learning_rate=0.05)", [["accumulator"]]),
    ("adam_schedule", lambda: keras.optimizers.Adam(learning_rate=exponential_decay()),
     "Adam(learning_rate=keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=2, "
     "decay_rate=0.9))", [["momentum", "velocity"]]),
]


# ----------------------------------------------------------------------------
# Model and data
# ----------------------------------------------------------------------------


def fresh_session():
    """Clears Keras's session (auto names restart: dense, dense_1, adam, ...) and seeds Keras."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(zlib.crc32(SEED_KEY.encode()))


def build_model():
    return keras.Sequential([
        keras.Input((FEATURES,)),
        layers.Dense(8, activation="tanh"),
        layers.Dense(CLASSES, activation="softmax"),
    ], name=MODEL_NAME)


def make_data(model):
    """The initial weights, x and y (see the module docstring); the same on every call."""
    rng = np.random.default_rng(zlib.crc32(SEED_KEY.encode()))
    weights = []
    for v in model.weights:
        shape = tuple(v.shape)
        if len(shape) < 2:  # bias
            w = rng.normal(0.0, 0.5, shape)
        else:
            fan_in = int(np.prod(shape[:-1]))
            w = rng.normal(0.0, min(0.5, 1.0 / np.sqrt(fan_in)), shape)
        weights.append(fc.f4(w))
    x = fc.f4(rng.normal(0.0, 1.0, (SAMPLES, FEATURES)))
    m = rng.normal(0.0, 1.0, (FEATURES, CLASSES))
    labels = np.argmax(x.astype(np.float64) @ m, axis=1)
    counts = np.bincount(labels, minlength=CLASSES)
    assert list(counts) == CLASS_COUNTS, counts
    y = fc.f4(np.eye(CLASSES)[labels])
    return weights, x, y, [int(c) for c in counts]


def compiled(optimizer):
    """The model compiled with ``optimizer``, and its spec text, taken before ``compile`` (so
    its ``compile_config`` is ``{}`` and it is the same for every case)."""
    model = build_model()
    spec = model.to_json(indent=2) + "\n"
    assert spec.count('"compile_config"') == 1 and '"compile_config": {}' in spec
    model.compile(optimizer=optimizer, loss=LOSS)
    return model, spec


def fit_one_epoch(model, x, y):
    history = model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    return float(history.history["loss"][0])


jsonable = fc.jsonable


# ----------------------------------------------------------------------------
# Optimizer variables
# ----------------------------------------------------------------------------


def describe_variables(model, optimizer):
    """One entry per ``optimizer.variables`` (see ``optimizer_variables`` in the docstring)."""
    prefixes = {f"{w.path.replace('/', '_')}_": i for i, w in enumerate(model.trainable_weights)}
    entries = []
    for v in optimizer.variables:
        entry = {"path": v.path, "name": v.name, "shape": list(v.shape),
                 "dtype": str(v.dtype), "role": None, "slot": None, "weight": None}
        if v is optimizer._iterations:
            entry["role"] = "iteration"
        elif v is optimizer._learning_rate:
            entry["role"] = "learning_rate"
        elif v is getattr(optimizer, "_u_product", None):
            entry["role"] = "u_product"
        else:
            hits = [(p, i) for p, i in prefixes.items()
                    if v.name.startswith(p) and v.name[len(p):] in
                    ("momentum", "velocity", "average_gradient", "accumulator")]
            assert len(hits) == 1, (v.name, hits)
            prefix, weight = hits[0]
            entry.update(role="slot", slot=v.name[len(prefix):], weight=weight)
            assert tuple(v.shape) == tuple(model.trainable_weights[weight].shape)
        entries.append(entry)
    return entries


def expected_layout(groups, has_lr, nadam, n_weights):
    """The (role, slot, weight) sequence the docstring promises."""
    layout = [("iteration", None, None)]
    if has_lr:
        layout.append(("learning_rate", None, None))
    for kinds in groups:  # one add_optimizer_variables call: kinds interleaved per weight
        for w in range(n_weights):
            for kind in kinds:
                layout.append(("slot", kind, w))
    if nadam:
        layout.append(("u_product", None, None))
    return layout


def check_layout(entries, optimizer, groups, model):
    has_lr = not isinstance(optimizer._learning_rate,
                            keras.optimizers.schedules.LearningRateSchedule)
    nadam = isinstance(optimizer, keras.optimizers.Nadam)
    expected = expected_layout(groups, has_lr, nadam, len(model.trainable_weights))
    actual = [(e["role"], e["slot"], e["weight"]) for e in entries]
    assert actual == expected, (actual, expected)
    for e in entries:
        scope = f"{optimizer.name}/"
        if e["role"] == "iteration":
            assert (e["dtype"], e["shape"], e["path"]) == ("int32", [], scope + "iteration"), e
        elif e["role"] == "learning_rate":
            assert (e["dtype"], e["shape"], e["path"]) == ("float32", [], scope + "learning_rate"), e
        elif e["role"] == "u_product":
            assert (e["dtype"], e["shape"], e["path"], e["name"]) == ("float32", [], "variable", "variable"), e
        else:
            assert e["dtype"] == "float32", e
            weight_path = model.trainable_weights[e["weight"]].path  # e.g. optimizer_state_mlp/dense/kernel
            assert weight_path == f"{MODEL_NAME}/{WEIGHT_PATHS[e['weight']]}", weight_path
            assert e["name"] == f"{weight_path.replace('/', '_')}_{e['slot']}", e
            assert e["path"] == f"{optimizer.name}/{e['name']}", e


def h5_contents(path):
    """([{path, shape, dtype}] in numeric order, {group: name attribute}, {path: array})."""
    datasets, names = {}, {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            datasets[name] = obj[()]
        elif "name" in obj.attrs:
            names[name] = str(obj.attrs["name"])

    with h5py.File(path, "r") as f:
        f.visititems(visit)
        for name, obj in f.items():
            assert isinstance(obj, h5py.Group), name

    def numeric(p):
        head, _, last = p.rpartition("/")
        return (not p.startswith("layers/"), head, int(last))

    order = sorted(datasets, key=numeric)
    listing = [{"path": p, "shape": list(datasets[p].shape), "dtype": str(datasets[p].dtype)}
               for p in order]
    return listing, dict(sorted(names.items())), datasets


def check_h5(path, model_weights, optimizer, state_values):
    listing, names, datasets = h5_contents(path)
    expected = ["layers/dense/vars/0", "layers/dense/vars/1", "layers/dense_1/vars/0",
                "layers/dense_1/vars/1"] + [f"optimizer/vars/{i}" for i in range(len(state_values))]
    assert [d["path"] for d in listing] == expected, listing
    for p, w in zip(expected[:4], model_weights):
        assert datasets[p].dtype == np.float32 and np.array_equal(datasets[p], w), p
    for i, (v, value) in enumerate(zip(optimizer.variables, state_values)):
        a = datasets[f"optimizer/vars/{i}"]
        assert str(a.dtype) == str(v.dtype) and a.shape == tuple(v.shape), (i, a.dtype, v.dtype)
        assert np.array_equal(a, value), i
    assert names == {"layers/dense/vars": "dense", "layers/dense_1/vars": "dense_1",
                     "optimizer/vars": optimizer.name, "vars": MODEL_NAME}, names
    return listing, names


# ----------------------------------------------------------------------------
# Independent numpy replay (float64)
# ----------------------------------------------------------------------------


def forward_backward(w, bx, by):
    """Loss and gradients of the MLP on one batch, by hand."""
    k1, b1, k2, b2 = w
    h = np.tanh(bx @ k1 + b1)
    z = h @ k2 + b2
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert p.min() > 1e-7 and p.max() < 1 - 1e-7  # Keras's clip does not bind
    n = len(bx)
    loss = float(np.mean(-np.sum(by * np.log(p), axis=1)))
    dz = (p - by) / n
    dk2 = h.T @ dz
    db2 = dz.sum(axis=0)
    da = (dz @ k2.T) * (1.0 - h * h)
    dk1 = bx.T @ da
    db1 = da.sum(axis=0)
    return loss, [dk1, db1, dk2, db2]


class Replay:
    """One optimizer's update rule in float64, state keyed by slot kind (a list per weight)."""

    def __init__(self, optimizer, weights):
        config = optimizer.get_config()
        self.kind = type(optimizer).__name__
        self.config = config
        self.schedule = None if isinstance(config["learning_rate"], float) else optimizer._learning_rate
        self.lr = config["learning_rate"] if self.schedule is None else None
        zeros = [np.zeros_like(w) for w in weights]
        self.slots = {}
        self.u_product = 1.0
        if self.kind == "SGD":
            self.slots["momentum"] = [z.copy() for z in zeros]
        elif self.kind in ("Adam", "AdamW", "Nadam"):
            self.slots["momentum"] = [z.copy() for z in zeros]
            self.slots["velocity"] = [z.copy() for z in zeros]
        elif self.kind == "RMSprop":
            self.slots["velocity"] = [z.copy() for z in zeros]
            self.slots["momentum"] = [z.copy() for z in zeros]
            self.slots["average_gradient"] = [z.copy() for z in zeros]
        elif self.kind == "Adagrad":
            self.slots["accumulator"] = [z + config["initial_accumulator_value"] for z in zeros]
        else:
            raise ValueError(self.kind)
        self.t = 0

    def learning_rate(self, t):
        if self.schedule is None:
            return float(np.float32(self.lr))
        c = self.schedule.get_config()
        p = t / c["decay_steps"]
        if c["staircase"]:
            p = np.floor(p)
        return c["initial_learning_rate"] * c["decay_rate"] ** p

    def step(self, weights, grads):
        c, t = self.config, self.t
        s = t + 1
        lr = self.learning_rate(t)
        new = []
        if self.kind == "Nadam":
            b1 = c["beta_1"]
            self.u_product *= b1 * (1.0 - 0.5 * 0.96 ** s)
        for i, (w, g) in enumerate(zip(weights, grads)):
            if self.kind == "SGD":
                m = self.slots["momentum"]
                mu = c["momentum"]
                m[i] = mu * m[i] - lr * g
                w = w + (mu * m[i] - lr * g if c["nesterov"] else m[i])
            elif self.kind in ("Adam", "AdamW"):
                if self.kind == "AdamW":
                    w = w - w * c["weight_decay"] * lr
                b1, b2, eps = c["beta_1"], c["beta_2"], c["epsilon"]
                m, v = self.slots["momentum"], self.slots["velocity"]
                alpha = lr * np.sqrt(1 - b2 ** s) / (1 - b1 ** s)
                m[i] = m[i] + (g - m[i]) * (1 - b1)
                v[i] = v[i] + (g * g - v[i]) * (1 - b2)
                w = w - m[i] * alpha / (np.sqrt(v[i]) + eps)
            elif self.kind == "Nadam":
                b1, b2, eps = c["beta_1"], c["beta_2"], c["epsilon"]
                m, v = self.slots["momentum"], self.slots["velocity"]
                u_t = b1 * (1.0 - 0.5 * 0.96 ** s)
                u_t1 = b1 * (1.0 - 0.5 * 0.96 ** (s + 1))
                u_product_t1 = self.u_product * u_t1
                m[i] = m[i] + (g - m[i]) * (1 - b1)
                v[i] = v[i] + (g * g - v[i]) * (1 - b2)
                m_hat = u_t1 * m[i] / (1 - u_product_t1) + (1 - u_t) * g / (1 - self.u_product)
                v_hat = v[i] / (1 - b2 ** s)
                w = w - m_hat * lr / (np.sqrt(v_hat) + eps)
            elif self.kind == "RMSprop":
                rho, eps, mu = c["rho"], c["epsilon"], c["momentum"]
                vel, mom, avg = (self.slots[k] for k in ("velocity", "momentum", "average_gradient"))
                vel[i] = rho * vel[i] + (1 - rho) * g * g
                assert c["centered"] and mu > 0
                avg[i] = rho * avg[i] + (1 - rho) * g
                inc = lr * g / np.sqrt(vel[i] - avg[i] ** 2 + eps)
                mom[i] = mu * mom[i] + inc
                w = w - mom[i]
            elif self.kind == "Adagrad":
                acc = self.slots["accumulator"]
                acc[i] = acc[i] + g * g
                w = w - lr * g / np.sqrt(acc[i] + c["epsilon"])
            new.append(w)
        self.t += 1
        return new

    def state_value(self, entry):
        role = entry["role"]
        if role == "iteration":
            return np.float64(self.t)
        if role == "learning_rate":
            return np.float64(self.lr)
        if role == "u_product":
            return np.float64(self.u_product)
        return self.slots[entry["slot"]][entry["weight"]]


def replay_case(optimizer, entries, initial, x, y, history, state, final):
    """Replays both epochs in numpy and compares with Keras (see check 3 in the docstring)."""
    replay = Replay(optimizer, [w.astype(np.float64) for w in initial])
    w = [a.astype(np.float64) for a in initial]
    learning_rates = []
    for epoch in range(2):
        losses = []
        for start in range(0, SAMPLES, BATCH):
            bx = x[start:start + BATCH].astype(np.float64)
            by = y[start:start + BATCH].astype(np.float64)
            loss, grads = forward_backward(w, bx, by)
            losses.append(loss)
            learning_rates.append(replay.learning_rate(replay.t))
            w = replay.step(w, grads)
        assert np.isclose(np.mean(losses), history[epoch], rtol=1e-5, atol=0), (epoch, losses, history)
        if epoch == 0:
            for e, value in zip(entries, state):
                ref = replay.state_value(e)
                assert np.allclose(value, ref, rtol=1e-5, atol=1e-6), (
                    e["name"], float(np.max(np.abs(value - ref))))
    worst = 0.0
    for i, (a, r) in enumerate(zip(final, w)):
        error = float(np.max(np.abs(a - r)))
        assert error <= 1e-5, (i, error)
        worst = max(worst, error)
    return learning_rates, worst


# ----------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------


def write_case(name, make_optimizer, expression, groups):
    folder = os.path.join(OUT_DIR, name)
    os.makedirs(folder, exist_ok=True)
    h5_path = os.path.join(folder, H5_FILE)

    fresh_session()
    optimizer = make_optimizer()
    model, spec = compiled(optimizer)
    initial, x, y, counts = make_data(model)
    model.set_weights(initial)
    assert not optimizer.built and len(optimizer.variables) == (2 if isinstance(
        optimizer._learning_rate, keras.Variable) else 1)

    loss_1 = fit_one_epoch(model, x, y)
    assert int(optimizer.iterations.numpy()) == STEPS_PER_EPOCH
    model.save_weights(h5_path)
    one_epoch = model.get_weights()
    raw_state = [np.asarray(v.numpy()) for v in optimizer.variables]
    entries = describe_variables(model, optimizer)
    check_layout(entries, optimizer, groups, model)
    _, group_names = check_h5(h5_path, one_epoch, optimizer, raw_state)
    state = [fc.f4(v) for v in raw_state]
    assert all(np.array_equal(s, r) for s, r in zip(state, raw_state))  # float32 is exact here

    loss_2 = fit_one_epoch(model, x, y)
    assert int(optimizer.iterations.numpy()) == 2 * STEPS_PER_EPOCH
    final = model.get_weights()
    assert loss_2 < loss_1, (name, loss_1, loss_2)
    config = jsonable(optimizer.get_config())

    # Check 1: a fresh model and built optimizer restore the state and resume identically.
    fresh_session()
    optimizer_2 = make_optimizer()
    model_2, spec_2 = compiled(optimizer_2)
    assert spec_2 == spec
    optimizer_2.build(model_2.trainable_variables)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may be skipped
        model_2.load_weights(h5_path)
    assert all(np.array_equal(a, b) for a, b in zip(model_2.get_weights(), one_epoch))
    assert len(optimizer_2.variables) == len(raw_state)
    for v, value in zip(optimizer_2.variables, raw_state):
        assert str(v.dtype) == str(value.dtype) and np.array_equal(v.numpy(), value), v.path
    loss_2b = fit_one_epoch(model_2, x, y)
    assert loss_2b == loss_2, (name, loss_2b, loss_2)
    for a, b in zip(model_2.get_weights(), final):
        assert np.array_equal(a, b), (name, float(np.max(np.abs(a - b))))

    # Control: an optimizer not built yet is skipped (with a warning) and starts afresh.
    fresh_session()
    optimizer_3 = make_optimizer()
    model_3, _ = compiled(optimizer_3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model_3.load_weights(h5_path)
    messages = [str(w.message) for w in caught if UNBUILT_WARNING in str(w.message)]
    assert len(messages) == 1, [str(w.message) for w in caught]
    unbuilt_message = messages[0].strip()
    assert f"has {len(raw_state)} variables" in unbuilt_message, unbuilt_message
    assert not optimizer_3.built and len(optimizer_3.variables) < len(raw_state)
    assert all(np.array_equal(a, b) for a, b in zip(model_3.get_weights(), one_epoch))
    assert int(optimizer_3.iterations.numpy()) == 0
    fit_one_epoch(model_3, x, y)
    gap = max(float(np.max(np.abs(a - b))) for a, b in zip(model_3.get_weights(), final))
    assert gap > 1e-3, (name, gap)

    # Check 3: the numpy replay.
    learning_rates, worst = replay_case(optimizer, entries, initial, x, y, [loss_1, loss_2],
                                        raw_state, final)

    fc.save_arrays(folder, [("x", x), ("y", y)]
                   + [(f"initial_weights_{i:02d}", fc.f4(w)) for i, w in enumerate(initial)]
                   + [(f"state_{i:02d}", s) for i, s in enumerate(state)]
                   + [(f"final_weights_{i:02d}", fc.f4(w)) for i, w in enumerate(final)])
    document = {
        "case": name,
        "optimizer": {"class_name": type(optimizer).__name__, "config": config},
        "compile_optimizer": expression,
        "optimizer_name": optimizer.name,
        "loss": LOSS,
        "batch_size": BATCH,
        "samples": SAMPLES,
        "class_counts": counts,
        "shuffle": False,
        "steps_per_epoch": STEPS_PER_EPOCH,
        "history": {"loss": [loss_1, loss_2]},
        "learning_rates": [float(np.float32(lr)) for lr in learning_rates],
        "optimizer_variables": entries,
        "h5_file": H5_FILE,
        "h5_optimizer_group_name": group_names["optimizer/vars"],
        "load_into_unbuilt_optimizer": unbuilt_message,
    }
    write_case_json(os.path.join(folder, "case.json"), document)
    return spec, loss_1, loss_2, gap, worst, len(entries)


def write_case_json(path, document):
    """JSON with one top-level key a line, each value compact, and a list of objects one
    object a line (a compact file: every case.json fits in one 4 KiB block)."""
    lines = []
    for key, value in document.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            text = "[\n" + ",\n".join("    " + json.dumps(v) for v in value) + "\n  ]"
        else:
            text = json.dumps(value)
        lines.append(f"  {json.dumps(key)}: {text}")
    with open(path, "w") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")
    with open(path) as f:
        assert json.load(f) == json.loads(json.dumps(document))


def clear_outputs():
    """Removes what an earlier run wrote (folders holding a case.json), nothing else."""
    os.makedirs(OUT_DIR, exist_ok=True)
    for name in sorted(os.listdir(OUT_DIR)):
        path = os.path.join(OUT_DIR, name)
        if os.path.isdir(path) and os.path.exists(os.path.join(path, "case.json")):
            shutil.rmtree(path)


def verify(directory):
    """Keras reads what Swift wrote: for every case, ``DIRECTORY/CASE.weights.h5`` (written by
    ``OptimizerStateTests`` when ``MODEL_GENERATOR_EXPORT`` names DIRECTORY: weights and optimizer
    state after one epoch of Swift's fit from the case's initial weights). A fresh compiled model
    with a built optimizer loads it with no variable skipped; its weights and optimizer variables
    match Keras's own after one epoch (``state_NN``), and one more epoch of Keras's fit lands on
    Keras's weights after two (``final_weights_NN``), at 1e-4."""
    for name, make_optimizer, _, _ in CASES:
        path = os.path.join(directory, name + ".weights.h5")
        arrays = np.load(os.path.join(OUT_DIR, name, "arrays.npz"))
        fresh_session()
        optimizer = make_optimizer()
        model, _ = compiled(optimizer)
        optimizer.build(model.trainable_variables)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # nothing may be skipped
            model.load_weights(path)
        state = [arrays[k] for k in sorted(k for k in arrays.files if k.startswith("state_"))]
        assert len(optimizer.variables) == len(state), (name, len(optimizer.variables), len(state))
        for variable, expected in zip(optimizer.variables, state):
            value = np.asarray(variable.numpy(), np.float64)
            assert np.allclose(value, expected, rtol=1e-4, atol=1e-6), (name, variable.path)
        _, x, y, _ = make_data(model)
        fit_one_epoch(model, x, y)
        final = [arrays[k] for k in sorted(k for k in arrays.files if k.startswith("final_weights_"))]
        worst = max(float(np.max(np.abs(a - b))) for a, b in zip(model.get_weights(), final))
        assert worst <= 1e-4, (name, worst)
        print(f"  {name}: Keras read Swift's file ({len(state)} optimizer variables); one more epoch "
              f"ends {worst:.1e} from Keras's own two")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--verify":
        verify(sys.argv[2])
        return
    clear_outputs()
    specs = set()
    for name, make_optimizer, expression, groups in CASES:
        spec, loss_1, loss_2, gap, worst, count = write_case(name, make_optimizer, expression, groups)
        specs.add(spec)
        print(f"  {name}: {count} optimizer variables; loss {loss_1:.5f} -> {loss_2:.5f}; "
              f"unrestored state ends {gap:.2e} away; numpy replay within {worst:.1e}")
    assert len(specs) == 1
    spec = specs.pop()
    target = os.path.join(fc.SPECS_DIR, "optimizer_state", MODEL_NAME + fc.SPEC_SUFFIX)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if not os.path.exists(target) or open(target, encoding="utf-8").read() != spec:
        with open(target, "w", encoding="utf-8") as f:
            f.write(spec)
    size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(OUT_DIR) for f in fs)
    print(f"{len(CASES)} cases; optimizer_state/ {size / 1e3:.1f} kB (file bytes)")


if __name__ == "__main__":
    main()
