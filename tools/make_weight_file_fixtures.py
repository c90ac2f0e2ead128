"""Makes the weight-file fixtures for the Swift HDF5, zip and Keras-archive readers.

Keras and h5py are the oracles: every file below is written by Keras or by h5py
(HDF5 2.0.0 through h5py 3.16), and every value in ``expected.json`` is read back
from the file it describes. Run it after ``make_fixtures.py`` (it starts from the
specs and the ``weights_NN.npy`` arrays of the ``arrays.npz`` files that script writes)::

    pip install keras jax h5py safetensors   # made with keras 3.15.1, jax 0.10, h5py 3.16
    KERAS_BACKEND=jax python tools/make_weight_file_fixtures.py

Deterministic and re-runnable; a rerun leaves every file byte-identical (checked by
running it twice). It refuses other backends, like ``make_fixtures.py``. It writes:

A. ``.keras`` archives, for every model in ``fixture_common.WEIGHT_FILE_MODELS``:

* ``Tests/Fixtures/NAME/model.keras``: ``model.save`` of the model built from its
  spec with the fixture weights set (this script is its only writer). Keras writes
  three members, all ``ZIP_STORED`` (method 0, no data descriptors, extra fields,
  comments or zip64), in this order: ``metadata.json``
  (``{"keras_version": "3.15.1", "date_saved": "YYYY-MM-DD@HH:MM:SS"}``),
  ``config.json`` (the model's JSON on one line) and ``model.weights.h5`` (the same
  datasets as ``model.weights.h5``, different bytes). Keras dates the first two
  1980-01-01 00:00:00 and the h5 member with the current local time; the script
  sets that member's DOS time and date fields (local and central header) to
  1980-01-01 00:00:00 too and changes no other byte. ``date_saved`` changes on every
  save, so an existing archive that differs only in it is kept.
* ``Tests/Fixtures/quick_start/model.deflated.keras``: the same members, order and
  dates re-zipped by Python's ``zipfile`` with ``ZIP_DEFLATED`` (zlib level 6),
  what a user gets by re-zipping an archive. Keras loads it.

B. Legacy (Keras 2 style) ``.h5`` files:

* ``Tests/Fixtures/NAME/model.legacy.h5`` for every ``WEIGHT_FILE_MODELS`` model:
  Keras 3's ``model.save("….h5")`` (``legacy_h5_format.save_model_to_hdf5``).
  Layout (superblock 0, old-style groups, contiguous ``<f4`` datasets)::

      /                         attrs backend, keras_version (vlen UTF-8 str, scalar),
                                      model_config (vlen ASCII str, scalar: the
                                      model's to_json() without "module",
                                      "registered_name", "build_config" and
                                      "compile_config" on the model and its
                                      layers; layer configs and inbound_nodes
                                      are otherwise Keras 3's)
      /model_weights            attrs layer_names (vlen ASCII str array, one per
                                      entry of model.layers, in model.layers order),
                                      backend, keras_version (vlen ASCII, scalar)
      /model_weights/LAYER      one group per entry of model.layers, named by
                                      layer *name*; attr weight_names: vlen ASCII str
                                      array of variable paths ("dense/kernel"), or an
                                      EMPTY float64 array, shape (0,), for a
                                      weightless layer
      /model_weights/LAYER/P    one dataset per weight_names entry P, a path
                                      relative to the layer group: Dense "dense" has
                                      model_weights/dense/dense/kernel; a nested
                                      model "encoder" holds all its weights
                                      flattened: model_weights/encoder/enc_dense/kernel
      /model_weights/top_level_model_weights   weight_names = empty float64 array

  No HDF5 string here is fixed-length: h5py 3 stores Python ``str`` as vlen UTF-8
  and ``bytes`` (and lists of bytes) as vlen ASCII, all in a global heap
  (``GCOL``). (Keras 2 files written with h5py 2 have fixed-length NULLPAD
  strings instead, and weight names like ``dense/kernel:0``; see
  ``hdf5/attributes.h5``.) In every Keras-written file (legacy ``.h5`` and
  ``.weights.h5``) each group with attributes has a (version-1) object header
  continuation message, and its attribute messages sit in that second block.
  ``model.load_weights("x.h5")`` (any name ending ``.h5``/``.hdf5`` but not
  ``.weights.h5``) uses ``model_weights`` when the root has no ``layer_names``;
  it matches by POSITION: the layers of ``model.layers`` that have weights, in
  order, against the ``layer_names`` entries whose group has a non-empty
  ``weight_names``; the counts must agree, the names are ignored (checked by
  loading into a copy with renamed layers). Within a layer the datasets, in
  ``weight_names`` order, are assigned to ``layer.trainable_weights +
  layer.non_trainable_weights``; a nested model is one layer whose list is all its
  weights. ``load_weights(..., by_name=True)`` matches top-level layer names
  instead and silently skips names it does not find.
* ``Tests/Fixtures/quick_start/legacy_weights_only.h5``:
  ``legacy_h5_format.save_weights_to_hdf5_group(h5py.File(...), model)``, the
  weights-only form (Keras 3 has no public API for it; ``save_weights`` insists
  on ``.weights.h5``): no ``model_weights`` group and no ``model_config``; the
  ``layer_names``/``backend``/``keras_version`` attributes and the layer groups
  sit at the root. ``load_weights`` takes the root when it has ``layer_names``.
  (Named ``*.weights.h5`` it goes to the Keras 3 reader, which fails: "Layer
  'dense' expected 2 variables, but received 0".)

C. ``Tests/Fixtures/hdf5/*.h5`` and ``Tests/Fixtures/hdf5/expected.json``: small
   files written with h5py, each exercising one HDF5 layout variant (the
   ``HDF5_FILES`` table below says which), and for each file::

      {"notes": str, "superblock_version": int,
       "groups": [every group path but the root, no leading "/"],
       "object_header_versions": {"/" or path: 1 | 2},
       "datasets": {path: {"shape": [...], "dtype": numpy dtype.str ("<f4", ">f8",
                    "|u1"), "layout": "contiguous"|"compact"|"chunked",
                    ["chunks": [...], "filters": [...], "stored_chunks": n,
                     "chunks_with_filter_mask": n, "fillvalue": x,]
                    "values": [flat C-order list as stored] or "npy": path}},
       "attributes": {"/" or path: {name: {"kind": "fixed_string"|"vlen_string"|
                      "numeric", "shape": [...], "value": ..., ...}}}}

   ``values`` are Python floats/ints of the stored numbers (exact); a dataset too
   big to list (``keras_like_latest.h5``) has ``npy``, a ``FOLDER/weights_NN.npy`` path
   relative to ``Tests/Fixtures`` instead: member ``weights_NN.npy`` of
   ``FOLDER/arrays.npz`` (``fixture_common.load_array``).

D. ``Tests/Fixtures/quick_start/weights.compressed.npz``: ``numpy.savez_compressed``
   of the same arrays, keys and order as ``weights.npz`` (members
   ``layers/dense/vars/0.npy``, …, ``ZIP_DEFLATED``, dated 1980-01-01).

E. Dropout and SeedGenerator (``dropout_after_dense``, not in
   ``WEIGHT_FILE_MODELS``):

* ``dropout_after_dense/model.weights.h5`` and ``weight_paths.json``, as
  ``make_fixtures.py`` section E writes them, for the spec (three Dense, no
  Dropout): ``layers/dense``, ``dense_1``, ``dense_2``.
* ``dropout_after_dense/variant.weights.h5`` and ``variant_weight_paths.json``:
  the same for ``variant.json`` (a Dropout(0.5) after each Dense). Same datasets
  and paths; the Dropouts add only empty ``layers/dropout{,_1,_2}/vars`` groups.
  Keras 3.15.1 writes nothing for a Dropout's SeedGenerator, seeded or not, in
  ``.weights.h5``, ``.keras`` or legacy ``.h5`` files: its state variable
  (``seed_generator_state``, uint32, shape (2,), path
  ``seed_generator/seed_generator_state``, ``seed_generator_1/…``: no layer
  prefix) is in ``model.variables`` but not in ``model.weights`` or
  ``get_weights()``.
"""

import io
import json
import os
import re
import shutil
import struct
import sys
import tempfile
import zipfile

os.environ.setdefault("KERAS_BACKEND", "jax")

sys.dont_write_bytecode = True  # keep tools/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402

import fixture_common as fc  # noqa: E402

if keras.backend.backend() != "jax":
    sys.exit("make_weight_file_fixtures.py must run with KERAS_BACKEND=jax")

HDF5_DIR = os.path.join(fc.FIXTURES_DIR, "hdf5")
WRITTEN = []  # every file written, for the closing size list


def written(path):
    WRITTEN.append(path)
    return path


def fixture_model(name, spec=None):
    """The model of fixture ``name`` built from its spec (or ``spec``, a path)
    after ``clear_session``, with the fixture weights set."""
    keras.backend.clear_session()
    model = fc.load_model_file(spec or fc.spec_path(name), strict=False)
    model.set_weights(fc.load_weights(name))
    return model


def fresh_model(name, spec=None):
    keras.backend.clear_session()
    return fc.load_model_file(spec or fc.spec_path(name), strict=False)


def assert_fixture_outputs(model, name, what):
    """``model`` reproduces fixture ``name``'s ``output*.npy`` exactly."""
    got = fc.call_model(model, fc.load_inputs(name))
    expected = fc.load_outputs(name)
    assert len(got) == len(expected), (name, what)
    for g, y in zip(got, expected):
        assert np.array_equal(g, y), f"{name}: {what} does not reproduce the fixture output"


def h5_type(attrs, key):
    """A short description of an attribute's HDF5 datatype and dataspace."""
    aid = attrs.get_id(key)
    t, space = aid.get_type(), aid.get_space()
    if isinstance(t, h5py.h5t.TypeStringID):
        cset = "UTF-8" if t.get_cset() == h5py.h5t.CSET_UTF8 else "ASCII"
        kind = (f"vlen {cset} str" if t.is_variable_str() else
                f"fixed {t.get_size()}-byte {cset} str "
                f"{ {0: 'NULLTERM', 1: 'NULLPAD', 2: 'SPACEPAD'}[t.get_strpad()] }")
    else:
        kind = aid.dtype.str
    shape = "scalar" if space.get_simple_extent_type() == h5py.h5s.SCALAR else space.shape
    return f"{kind} {shape}"


# ----------------------------------------------------------------------------
# A. .keras archives
# ----------------------------------------------------------------------------

ARCHIVE_DATE = (1980, 1, 1, 0, 0, 0)
DOS_TIME_DATE = struct.pack("<HH", 0, (0 << 9) | (1 << 5) | 1)  # 00:00:00, 1980-01-01


def pin_zip_dates(raw):
    """``raw`` (a zip without zip64) with every member's DOS time and date, in
    its local header and its central-directory header, set to 1980-01-01
    00:00:00. No other byte changes."""
    out = bytearray(raw)
    eocd = raw.rindex(b"PK\x05\x06")
    # End of central directory: total entries at +10, directory offset at +16.
    count, = struct.unpack("<H", raw[eocd + 10:eocd + 12])
    pos, = struct.unpack("<I", raw[eocd + 16:eocd + 20])
    for _ in range(count):
        assert raw[pos:pos + 4] == b"PK\x01\x02", "bad central directory"
        local = struct.unpack("<I", raw[pos + 42:pos + 46])[0]
        assert raw[local:local + 4] == b"PK\x03\x04", "bad local header"
        out[pos + 12:pos + 16] = DOS_TIME_DATE
        out[local + 10:local + 14] = DOS_TIME_DATE
        name_len, extra_len, comment_len = struct.unpack("<HHH", raw[pos + 28:pos + 34])
        pos += 46 + name_len + extra_len + comment_len
    return bytes(out)


def zip_summary(raw):
    """``[(name, method, size, data offset, date_time)]`` of a zip's members."""
    rows = []
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        for info in z.infolist():
            o = info.header_offset
            start = o + 30 + int.from_bytes(raw[o + 26:o + 28], "little") + \
                int.from_bytes(raw[o + 28:o + 30], "little")
            method = {zipfile.ZIP_STORED: "stored",
                      zipfile.ZIP_DEFLATED: "deflated"}.get(info.compress_type,
                                                            info.compress_type)
            rows.append((info.filename, method, info.file_size, start, info.date_time,
                         info.flag_bits, info.extra))
    return rows


def archives_equivalent(a, b):
    """Whether two archive byte strings have the same members (names, order,
    compression, dates, attributes, bytes), apart from ``metadata.json``'s
    ``date_saved``."""
    with zipfile.ZipFile(io.BytesIO(a)) as za, zipfile.ZipFile(io.BytesIO(b)) as zb:
        ia, ib = za.infolist(), zb.infolist()
        key = [(i.filename, i.compress_type, i.date_time, i.external_attr, i.flag_bits)
               for i in ia]
        if key != [(i.filename, i.compress_type, i.date_time, i.external_attr, i.flag_bits)
                   for i in ib]:
            return False
        for info in ia:
            da, db = za.read(info.filename), zb.read(info.filename)
            if info.filename == "metadata.json":
                da, db = json.loads(da), json.loads(db)
                da.pop("date_saved", None)
                db.pop("date_saved", None)
            if da != db:
                return False
    return True


def write_keras_archive(name, model):
    """``model.save`` to ``NAME/model.keras`` with pinned member dates; an
    existing archive that differs only in ``date_saved`` is kept. Returns the
    archive's bytes."""
    path = os.path.join(fc.fixture_dir(name), "model.keras")
    with tempfile.TemporaryDirectory() as tmp:
        saved = os.path.join(tmp, "model.keras")
        model.save(saved)
        original = open(saved, "rb").read()
    pinned = pin_zip_dates(original)
    changed = [i for i in range(len(pinned)) if pinned[i] != original[i]]
    assert len(pinned) == len(original) and len(changed) <= 8, changed
    kept = os.path.exists(path) and archives_equivalent(open(path, "rb").read(), pinned)
    if not kept:
        with open(path, "wb") as f:
            f.write(pinned)
    written(path)
    raw = open(path, "rb").read()
    rows = zip_summary(raw)
    assert [r[0] for r in rows] == ["metadata.json", "config.json", "model.weights.h5"], rows
    assert all(r[1] == "stored" and r[4] == ARCHIVE_DATE and r[5] == 0 and r[6] == b""
               for r in rows), rows
    original_rows = zip_summary(original)
    print(f"  {name}/model.keras ({'kept, equivalent' if kept else 'written'}, "
          f"{len(raw)} bytes): "
          + "; ".join(f"{n} ({m}, {s} bytes at {o})" for n, m, s, o, *_ in rows)
          + f"; Keras dated them {[r[4] for r in original_rows]}")
    return raw


def check_archive(name, path, datasets):
    """Keras loads the archive (``load_model`` and ``load_weights``) and
    reproduces the fixture outputs; its inner h5 holds ``datasets``."""
    with zipfile.ZipFile(path) as z:
        inner = fc.h5_datasets(io.BytesIO(z.read("model.weights.h5")))
        config = json.loads(z.read("config.json"))
    assert sorted(inner) == sorted(datasets) and all(
        np.array_equal(inner[k], datasets[k]) for k in inner), f"{path}: inner h5"
    keras.backend.clear_session()
    assert_fixture_outputs(keras.saving.load_model(path), name, f"load_model({path})")
    fresh = fresh_model(name)
    fresh.load_weights(path)
    assert_fixture_outputs(fresh, name, f"load_weights({path})")
    spec = json.load(open(fc.spec_path(name)))
    return config == spec


def write_deflated_archive(name, raw):
    """``NAME/model.deflated.keras``: ``raw``'s members re-zipped deflated."""
    path = written(os.path.join(fc.fixture_dir(name), "model.deflated.keras"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, \
            zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            copy = zipfile.ZipInfo(info.filename, date_time=ARCHIVE_DATE)
            copy.compress_type = zipfile.ZIP_DEFLATED
            copy.create_system = info.create_system
            copy.external_attr = info.external_attr
            dst.writestr(copy, src.read(info.filename))
    with open(path, "wb") as f:
        f.write(buffer.getvalue())
    rows = zip_summary(buffer.getvalue())
    assert all(r[1] == "deflated" for r in rows), rows
    print(f"  {name}/model.deflated.keras ({len(buffer.getvalue())} bytes): "
          + "; ".join(f"{n} ({m}, {s} bytes, data at {o}, flags {fl:#x})"
                      for n, m, s, o, _, fl, _ in rows))
    return path


def make_keras_archives():
    print("A. .keras archives:")
    for name in fc.WEIGHT_FILE_MODELS:
        model = fixture_model(name)
        raw = write_keras_archive(name, model)
        datasets = fc.h5_datasets(os.path.join(fc.fixture_dir(name), "model.weights.h5"))
        path = os.path.join(fc.fixture_dir(name), "model.keras")
        same_config = check_archive(name, path, datasets)
        print(f"    loads; config.json {'==' if same_config else '!='} the spec's JSON")
        if name == "quick_start":
            check_archive(name, write_deflated_archive(name, raw), datasets)
            print("    model.deflated.keras loads")


# ----------------------------------------------------------------------------
# B. Legacy Keras 2 style .h5
# ----------------------------------------------------------------------------


def describe_legacy(path):
    """Lines describing a legacy h5: every group's attributes with their HDF5
    types, and every dataset's shape and dtype."""
    lines = []

    def visit(name, obj):
        if isinstance(obj, h5py.Group):
            attrs = ", ".join(f"{k}: {h5_type(obj.attrs, k)}"
                              + (f" = {list(obj.attrs[k])}" if k in ("layer_names",
                                                                     "weight_names") else "")
                              for k in obj.attrs)
            lines.append(f"      {name}/  {attrs}")
        else:
            lines.append(f"      {name}  {obj.dtype.str} {obj.shape}")

    with h5py.File(path, "r") as f:
        lines.append("      /  " + ", ".join(f"{k}: {h5_type(f.attrs, k)}" for k in f.attrs))
        f.visititems(visit)
    return lines


def renamed_spec(name, tmp):
    """The spec of ``name`` with every top-level layer renamed (``L`` ->
    ``renamed_L``), as a file in ``tmp``."""
    spec = json.load(open(fc.spec_path(name)))
    names = {layer["config"]["name"] for layer in spec["config"]["layers"]}

    def rename(value):  # every string *value* that is a top-level layer name
        if isinstance(value, dict):
            return {k: rename(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rename(v) for v in value]
        return f"renamed_{value}" if isinstance(value, str) and value in names else value

    path = os.path.join(tmp, name + ".model.json")
    with open(path, "w") as f:
        json.dump(rename(spec), f)
    return path


def check_legacy_loading(name, path, with_config):
    """``load_weights`` (by position and by name) into a fresh model, and
    ``load_model`` when the file has a config, reproduce the fixture outputs;
    renamed layers still load by position but not by name."""
    for by_name in (False, True):
        fresh = fresh_model(name)
        fresh.load_weights(path, by_name=by_name) if by_name else fresh.load_weights(path)
        assert_fixture_outputs(fresh, name, f"load_weights({path}, by_name={by_name})")
    if with_config:
        keras.backend.clear_session()
        assert_fixture_outputs(keras.saving.load_model(path), name, f"load_model({path})")
    with tempfile.TemporaryDirectory() as tmp:
        spec = renamed_spec(name, tmp)
        renamed = fresh_model(name, spec)
        renamed.load_weights(path)
        assert_fixture_outputs(renamed, name, "positional load into renamed layers")
        renamed = fresh_model(name, spec)
        before = renamed.get_weights()
        renamed.load_weights(path, by_name=True)
        assert all(np.array_equal(a, b) for a, b in zip(before, renamed.get_weights())), \
            "by_name loaded into renamed layers"


def check_legacy_layout(model, path, root):
    """The layout the module docstring describes, checked on ``path`` (``root``
    is ``model_weights`` or ``/``)."""
    with h5py.File(path, "r") as f:
        g = f[root]
        names = [n.decode() if isinstance(n, bytes) else n for n in g.attrs["layer_names"]]
        assert names == [layer.name for layer in model.layers], names
        for layer in model.layers:
            expected = [w.path for w in layer.trainable_weights + layer.non_trainable_weights]
            stored = g[layer.name].attrs["weight_names"]
            if not expected:
                assert stored.dtype == np.float64 and stored.shape == (0,), stored
                continue
            assert list(stored) == expected, (list(stored), expected)
            for p, w in zip(expected, layer.trainable_weights + layer.non_trainable_weights):
                assert np.array_equal(g[layer.name][p][()], np.asarray(w)), p
        assert list(g["top_level_model_weights"].attrs["weight_names"]) == []
        assert h5py.h5t.check_string_dtype(g.attrs.get_id("layer_names").dtype).length is None


LEGACY_DROPPED_KEYS = ("module", "registered_name", "build_config", "compile_config")


def legacy_config(config):
    """``config`` (a model's Keras 3 JSON) without the keys Keras's legacy
    writer leaves out of ``model_config``: those of LEGACY_DROPPED_KEYS on the
    model and on every layer, nested models' layers included (not on the
    objects inside a layer's config, such as DTypePolicy or initializers)."""
    out = {k: v for k, v in config.items() if k not in LEGACY_DROPPED_KEYS}
    if "layers" in out.get("config", {}):
        out["config"] = dict(out["config"], layers=[legacy_config(layer)
                                                    for layer in out["config"]["layers"]])
    return out


def make_legacy_files():
    print("B. legacy .h5 files:")
    for name in fc.WEIGHT_FILE_MODELS:
        model = fixture_model(name)
        path = written(os.path.join(fc.fixture_dir(name), "model.legacy.h5"))
        model.save(path)
        check_legacy_layout(model, path, "model_weights")
        with h5py.File(path, "r") as f:
            config = json.loads(f.attrs["model_config"])
            assert set(f.attrs) == {"backend", "keras_version", "model_config"}, set(f.attrs)
        assert config == legacy_config(json.loads(model.to_json())), name
        check_legacy_loading(name, path, with_config=True)
        print(f"  {name}/model.legacy.h5 ({os.path.getsize(path)} bytes); model_config is "
              "to_json() without module/registered_name/build_config/compile_config on the "
              "model and its layers; loads by position, by name and with load_model")
        if name in ("quick_start", "siamese", "nested_two_levels"):
            print("\n".join(describe_legacy(path)))
        if name == "quick_start":
            wpath = written(os.path.join(fc.fixture_dir(name), "legacy_weights_only.h5"))
            with h5py.File(wpath, "w") as f:
                legacy_h5_format.save_weights_to_hdf5_group(f, model)
            check_legacy_layout(model, wpath, "/")
            check_legacy_loading(name, wpath, with_config=False)
            print(f"  {name}/legacy_weights_only.h5 ({os.path.getsize(wpath)} bytes), "
                  "loads by position and by name:")
            print("\n".join(describe_legacy(wpath)))


# ----------------------------------------------------------------------------
# C. HDF5 layout variants
# ----------------------------------------------------------------------------

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def superblock(raw):
    """``(offset, version)`` of the superblock (at 0, 512, 1024, ...)."""
    offset = 0
    while offset < len(raw):
        if raw[offset:offset + 8] == HDF5_SIGNATURE:
            return offset, raw[offset + 8]
        offset = 512 if offset == 0 else offset * 2
    raise ValueError("no HDF5 superblock")


def object_header_versions(path):
    """``{"/" or path: 1 | 2}``: the version of every object's header, read
    at the object's address (relative to the superblock)."""
    raw = open(path, "rb").read()
    base, _ = superblock(raw)
    out = {}

    def version(obj):
        addr = base + h5py.h5o.get_info(obj.id).addr
        if raw[addr:addr + 4] == b"OHDR":
            return raw[addr + 4]
        assert raw[addr] == 1, (path, obj.name, raw[addr:addr + 4])
        return 1

    with h5py.File(path, "r") as f:
        out["/"] = version(f)
        f.visititems(lambda name, obj: out.__setitem__(name, version(obj)))
    return out


def signatures(path):
    """Counts of the HDF5 structure signatures in the file, with each group or
    chunk B-tree node (``TREE``) as ``(type, level, entries)``."""
    raw = open(path, "rb").read()
    out = {}
    for sig in (b"TREE", b"SNOD", b"HEAP", b"OHDR", b"OCHK", b"FRHP", b"FHDB", b"FHIB",
                b"BTHD", b"BTLF", b"BTIN", b"GCOL"):
        hits = [m.start() for m in re.finditer(re.escape(sig), raw)]
        if sig == b"TREE" and hits:
            out["TREE"] = [(raw[p + 4], raw[p + 5], int.from_bytes(raw[p + 6:p + 8], "little"))
                           for p in hits]
        elif hits:
            out[sig.decode()] = len(hits)
    return out


def rng_values(rng, shape, dtype):
    """Random non-trivial values of ``dtype``."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return (rng.normal(size=shape) * 2).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype.newbyteorder("="))\
        .astype(dtype)


def dset(group, name, data, **kw):
    return group.create_dataset(name, data=data, track_times=False, **kw)


def write_earliest(path, rng):
    # Default h5py: superblock 0, version-1 object headers, symbol-table groups
    # (v1 B-tree + local heap + symbol-table nodes), contiguous datasets.
    with h5py.File(path, "w") as f:
        for layer, shapes in (("dense", [(3, 4), (4,)]), ("dense_1", [(4, 2), (2,)])):
            vars_ = f.create_group(f"layers/{layer}/vars")
            for i, shape in enumerate(shapes):
                dset(vars_, str(i), rng_values(rng, shape, "<f4"))
        f.create_group("vars")


def write_earliest_many(path, rng):
    # 200 children in one group: 50 groups, 150 datasets. With the default
    # symbol-table ranks (leaf K 4: <= 8 entries per symbol-table node; internal
    # K 16: <= 32 children per B-tree node) names inserted in order leave about 4
    # entries per node, so 100 children give ~24 symbol-table nodes under one
    # level-0 B-tree node; 200 give ~50 nodes and a level-1 root.
    with h5py.File(path, "w") as f:
        many = f.create_group("many")
        for i in range(200):
            if i % 4 == 3:
                many.create_group(f"child_{i:03d}")
            else:
                dset(many, f"child_{i:03d}", rng_values(rng, (2,), "<f4"))


def write_latest(path, rng):
    # libver latest: superblock 3, version-2 object headers, compact link storage.
    with h5py.File(path, "w", libver="latest") as f:
        for layer, shapes in (("dense", [(3, 4), (4,)]), ("dense_1", [(4, 2), (2,)])):
            vars_ = f.create_group(f"layers/{layer}/vars")
            vars_.attrs["name"] = layer
            for i, shape in enumerate(shapes):
                dset(vars_, str(i), rng_values(rng, shape, "<f4"))
        f.create_group("vars").attrs["name"] = "model"


def write_latest_dense(path, rng):
    # libver latest: more than 8 links (the default max compact) turn a group to
    # dense storage: a link info message pointing at a fractal heap (the links)
    # and a version-2 B-tree (name index, type 5); 3 links stay compact.
    with h5py.File(path, "w", libver="latest") as f:
        big = f.create_group("dense40")
        for i in range(40):
            if i % 10 == 9:
                big.create_group(f"link_{i:02d}")
            else:
                dset(big, f"link_{i:02d}", rng_values(rng, (2,), "<f4"))
        small = f.create_group("small3")
        for i in range(3):
            dset(small, f"link_{i}", rng_values(rng, (3,), "<f4"))


def write_track_order(path, rng):
    # Earliest libver, but every group (and the root) created with
    # track_order=True: the groups are new-style (link info, group info, link
    # messages) in version-2 object headers, under a version-0 superblock whose
    # root symbol-table entry caches nothing. Names are created out of
    # alphabetical order; 12 links make "big" dense with a creation-order index.
    with h5py.File(path, "w", track_order=True) as f:
        g = f.create_group("ordered", track_order=True)
        for n in ("zeta", "alpha", "mid"):
            dset(g, n, rng_values(rng, (3,), "<f4"))
        big = f.create_group("big", track_order=True)
        for i in (11, 3, 7, 0, 9, 1, 10, 4, 8, 2, 6, 5):
            dset(big, f"item_{i:02d}", rng_values(rng, (2,), "<f4"))
        f.create_group("plain")  # no track_order: an old-style group again
        dset(f["plain"], "x", rng_values(rng, (2,), "<f4"))


def write_dtypes(path, rng):
    with h5py.File(path, "w") as f:
        dset(f, "f2_le", rng_values(rng, (7,), "<f2"))
        dset(f, "f4_be", rng_values(rng, (6,), ">f4"))
        dset(f, "f8_le", rng_values(rng, (5,), "<f8"))
        dset(f, "f8_be", rng_values(rng, (5,), ">f8"))
        dset(f, "i4", rng_values(rng, (6,), "<i4"))
        dset(f, "u4", rng_values(rng, (6,), "<u4"))
        dset(f, "u1", rng_values(rng, (8,), "|u1"))
        dset(f, "scalar_f4", np.float32(rng.normal() * 3))
        dset(f, "empty_f4", np.zeros((0,), "<f4"))
        dset(f, "f4_3d", rng_values(rng, (2, 3, 4), "<f4"))


def write_compact(path, rng):
    # COMPACT layout: the raw data is inside the layout message.
    with h5py.File(path, "w") as f:
        for name, shape in (("compact_f4", (3, 5)), ("compact_scalar_f4", ())):
            data = np.asarray(rng_values(rng, shape, "<f4"))
            space = h5py.h5s.create_simple(shape) if shape else h5py.h5s.create(h5py.h5s.SCALAR)
            dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
            dcpl.set_layout(h5py.h5d.COMPACT)
            dcpl.set_obj_track_times(False)
            dsid = h5py.h5d.create(f.id, name.encode(), h5py.h5t.IEEE_F32LE, space, dcpl=dcpl)
            dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, data)
        dset(f, "contiguous_f4", rng_values(rng, (4,), "<f4"))


def write_chunked(path, rng):
    # Chunked, no filters. (35, 9) in (2, 2) chunks: 18 x 5 = 90 chunks, edge
    # chunks on both axes, more than one v1 B-tree leaf holds (2 * ISTORE_K = 64)
    # so the chunk B-tree has a level-1 root. "partial" (10, 12) in (3, 4)
    # chunks has fill value -7.25 and only some chunks written: of 12 chunks
    # 5 exist (4 of them only partly written, so holding fill values too);
    # the 7 missing chunks read as the fill value.
    with h5py.File(path, "w") as f:
        dset(f, "chunked_f4", rng_values(rng, (35, 9), "<f4"), chunks=(2, 2))
        p = f.create_dataset("partial", shape=(10, 12), dtype="<f4", chunks=(3, 4),
                             fillvalue=-7.25, track_times=False)
        p[0:3, 0:4] = rng_values(rng, (3, 4), "<f4")
        p[5:8, 6:12] = rng_values(rng, (3, 6), "<f4")
        dset(f, "chunked_i4_1d", rng_values(rng, (23,), "<i4"), chunks=(5,))
        assert p.id.get_num_chunks() == 5, p.id.get_num_chunks()


def quantized(rng, shape):
    """Random float32 multiples of 1/8: unlike full-precision random floats,
    they compress well."""
    return (np.round(rng.normal(size=shape) * 16) / 8).astype("<f4")


# Filtered datasets: full-precision random floats barely compress (deflate
# makes some chunks larger than their 128 raw bytes, and still stores them
# deflated), quantized ones do. Edge chunks are stored whole (padded).
def write_gzip(path, rng):
    with h5py.File(path, "w") as f:
        dset(f, "gzip_f4", rng_values(rng, (30, 7), "<f4"), chunks=(8, 4),
             compression="gzip", compression_opts=4)
        dset(f, "gzip_quantized_f4", quantized(rng, (30, 7)), chunks=(8, 4),
             compression="gzip", compression_opts=4)
        dset(f, "gzip_f8_1d", rng_values(rng, (41,), "<f8"), chunks=(10,),
             compression="gzip", compression_opts=4)


def write_shuffle_gzip(path, rng):
    with h5py.File(path, "w") as f:
        dset(f, "shuffle_gzip_f4", rng_values(rng, (30, 7), "<f4"), chunks=(8, 4),
             shuffle=True, compression="gzip", compression_opts=4)
        dset(f, "shuffle_gzip_quantized_f4", quantized(rng, (30, 7)), chunks=(8, 4),
             shuffle=True, compression="gzip", compression_opts=4)


def write_fletcher(path, rng):
    with h5py.File(path, "w") as f:
        dset(f, "fletcher_gzip_f4", rng_values(rng, (30, 7), "<f4"), chunks=(8, 4),
             compression="gzip", compression_opts=4, fletcher32=True)


def write_lzf(path, rng):
    # LZF is an optional filter: a chunk it cannot shrink is stored raw, with
    # bit 0 of that chunk's filter mask (in its B-tree key) set. lzf_f4 has
    # such chunks; every chunk of lzf_quantized_f4 is compressed.
    with h5py.File(path, "w") as f:
        dset(f, "lzf_f4", rng_values(rng, (30, 7), "<f4"), chunks=(8, 4), compression="lzf")
        dset(f, "lzf_quantized_f4", quantized(rng, (30, 7)), chunks=(8, 4), compression="lzf")


USERBLOCK_TEXT = b"swift-model-generator fixture: a 512-byte user block before the superblock\n"


def write_userblock(path, rng):
    # The superblock is at 512; every address in the file is relative to it
    # (the base address). The user block holds a line of text, written after
    # h5py closed the file (HDF5 leaves it zeroed).
    with h5py.File(path, "w", userblock_size=512) as f:
        g = f.create_group("layers/dense/vars")
        dset(g, "0", rng_values(rng, (3, 2), "<f4"))
        dset(g, "1", rng_values(rng, (2,), "<f4"))
    with open(path, "r+b") as f:
        f.write(USERBLOCK_TEXT)


def write_attributes(path, rng):
    # Keras 2 (tf.keras with h5py 2) wrote these string attributes fixed-length;
    # h5py 3 writes vlen strings. Both kinds, numeric arrays and scalars, and the
    # empty float64 array Keras 3's legacy writer stores for a weightless layer.
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = np.bytes_(b"2.15.0")          # fixed scalar
        f.attrs["backend"] = "tensorflow"                         # vlen UTF-8 scalar
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([b"dense", b"dense_1", b"dropout"])  # fixed S7
        g.attrs["vlen_names"] = ["d\u00e9nse_\u03b1", "dense_1"]  # vlen UTF-8 array
        g.attrs["ascii_names"] = [b"dense/kernel", b"dense/bias"]  # vlen ASCII array
        g.attrs["floats"] = rng_values(rng, (5,), "<f4")
        g.attrs["doubles_be"] = rng_values(rng, (2, 2), ">f8")
        g.attrs["count"] = np.int64(-1234567890123)
        g.attrs["empty"] = np.asarray([])                          # float64, shape (0,)
        layer = g.create_group("dense")
        layer.attrs["weight_names"] = np.array([b"dense/kernel:0", b"dense/bias:0"])
        kernel = dset(layer, "dense/kernel:0", rng_values(rng, (3, 2), "<f4"))
        dset(layer, "dense/bias:0", rng_values(rng, (2,), "<f4"))
        kernel.attrs["scale"] = np.float32(0.5)
        kernel.attrs["note"] = np.bytes_(b"kernel")


def write_keras_like_latest(path, rng):
    # quick_start's model.weights.h5 (Keras's save_weights) copied object by
    # object into a libver="latest" file: same groups, datasets (contiguous
    # <f4) and "name" attributes (vlen UTF-8 scalars, types copied).
    source = os.path.join(fc.fixture_dir("quick_start"), "model.weights.h5")
    with h5py.File(source, "r") as src, h5py.File(path, "w", libver="latest") as dst:
        def copy_attrs(a, b):
            for k in a.attrs:
                b.attrs.create(k, a.attrs[k], dtype=a.attrs.get_id(k).dtype)

        copy_attrs(src, dst)

        def visit(name, obj):
            if isinstance(obj, h5py.Group):
                copy_attrs(obj, dst.create_group(name))
            else:
                copy_attrs(obj, dset(dst, name, obj[()]))

        src.visititems(visit)


def write_latest_chunked(path, rng):
    # libver latest: chunked datasets get a version-4 layout message and the
    # newer chunk indexes: single chunk (chunks == shape, plain and filtered),
    # fixed array (fixed shape, several chunks, plain and filtered) and implicit
    # (no filters, space allocated early).
    with h5py.File(path, "w", libver="latest") as f:
        dset(f, "single_chunk", rng_values(rng, (6, 5), "<f4"), chunks=(6, 5))
        dset(f, "single_chunk_gzip", quantized(rng, (6, 5)), chunks=(6, 5),
             compression="gzip", compression_opts=4)
        dset(f, "fixed_array", rng_values(rng, (35, 9), "<f4"), chunks=(4, 4))
        dset(f, "fixed_array_gzip", quantized(rng, (35, 9)), chunks=(4, 4),
             compression="gzip", compression_opts=4)
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_chunk((4, 4))
        dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
        dcpl.set_obj_track_times(False)
        space = h5py.h5s.create_simple((10, 10))
        ds = h5py.h5d.create(f.id, b"implicit", h5py.h5t.IEEE_F32LE, space, dcpl=dcpl)
        ds.write(h5py.h5s.ALL, h5py.h5s.ALL, rng_values(rng, (10, 10), "<f4"))


def write_latest_unlimited(path, rng):
    # An unlimited dimension (maxshape None): libver latest indexes its chunks
    # with an extensible array, which a reader may refuse.
    with h5py.File(path, "w", libver="latest") as f:
        dset(f, "unlimited", rng_values(rng, (6, 5), "<f4"), chunks=(2, 5), maxshape=(None, 5))


# file -> (writer, notes, expected structure): superblock version and the
# signatures / object header versions the file must show.
HDF5_FILES = {
    "earliest.h5": (write_earliest,
                    "Default h5py (libver earliest): superblock 0, version-1 object headers, "
                    "symbol-table groups (v1 B-tree + local heap + SNOD), Keras-like nested "
                    "groups layers/dense/vars/0, contiguous <f4, an empty group.", 0),
    "earliest_many.h5": (write_earliest_many,
                         "One group, many, with 200 children (every 4th a group): its v1 "
                         "B-tree has a level-1 root over level-0 nodes, ~50 symbol-table "
                         "nodes. (100 children would still fit one level-0 node.)", 0),
    "latest.h5": (write_latest,
                  "libver latest: superblock 3 (checksummed), version-2 object headers "
                  "(OHDR), groups with link info/group info and link messages (compact "
                  "storage), attribute messages (version 3) on groups: the two vars groups "
                  "continue in OCHK continuation blocks, and their vlen string attributes "
                  "live in a global heap (GCOL); contiguous <f4.", 3),
    "latest_dense.h5": (write_latest_dense,
                        "libver latest: dense40 has 40 links, stored densely (fractal heap "
                        "with a root indirect block over direct blocks, plus a v2 B-tree "
                        "name index); small3 has 3 links in its object header.", 3),
    "track_order.h5": (write_track_order,
                       "Earliest libver, root and groups ordered/big created with "
                       "track_order=True: new-style groups in version-2 object headers "
                       "under a version-0 superblock (the root symbol-table entry caches "
                       "no B-tree/heap). Links were created out of name order (ordered: "
                       "zeta, alpha, mid; big: item_11, item_03, ...); big has 12 links, "
                       "dense storage with a name index and a creation-order index. plain "
                       "is an old-style symbol-table group.", 0),
    "dtypes.h5": (write_dtypes,
                  "Datatypes and dataspaces: <f2, >f4, <f8, >f8, <i4, <u4, |u1, a scalar "
                  "(shape []), an empty dataset (shape [0], no storage allocated) and a 3-D "
                  "<f4 (2, 3, 4); all contiguous.", 0),
    "compact.h5": (write_compact,
                   "COMPACT layout (data inside the layout message): compact_f4 (3, 5) and a "
                   "scalar; contiguous_f4 for comparison.", 0),
    "chunked.h5": (write_chunked,
                   "Chunked, no filters, v1 B-tree chunk index. chunked_f4 (35, 9) in (2, 2) "
                   "chunks: 90 chunks, edge chunks on both axes, a level-1 B-tree root. "
                   "partial (10, 12) in (3, 4) chunks, fill value -7.25: only 5 of 12 "
                   "chunks exist, 4 of them only partly written; missing chunks read as the "
                   "fill value (the values list has them). chunked_i4_1d (23,) in (5,) chunks.", 0),
    "gzip.h5": (write_gzip,
                "Chunked + deflate (gzip) level 4, edge chunks (stored whole). Random "
                "floats barely compress (some deflated chunks are larger than the 128 "
                "raw bytes); the quantized ones (multiples of 1/8) do.", 0),
    "shuffle_gzip.h5": (write_shuffle_gzip,
                        "Chunked + shuffle + deflate level 4 (pipeline order: shuffle, "
                        "deflate; undo in reverse on read), random and quantized.", 0),
    "fletcher.h5": (write_fletcher,
                    "Chunked + deflate level 4 + fletcher32 (checksum last in the pipeline, "
                    "4 bytes appended to each stored chunk).", 0),
    "lzf.h5": (write_lzf,
               "Chunked + LZF (h5py's filter 32000, optional flag); a reader may refuse "
               "it. LZF could not shrink some chunks of lzf_f4: they are stored raw and "
               "their filter mask (in the chunk's B-tree key) has bit 0 set "
               "(chunks_with_filter_mask); lzf_quantized_f4 is all compressed.", 0),
    "userblock.h5": (write_userblock,
                     "userblock_size=512: the file starts with a text line and zeros, the "
                     "superblock is at 512 and every address is relative to it.", 0),
    "attributes.h5": (write_attributes,
                      "Attributes: fixed-length NULLPAD byte strings (scalar and array, like "
                      "Keras 2's layer_names/weight_names), vlen UTF-8 and ASCII strings "
                      "(scalar and arrays, like Keras 3), float32/float64 (big-endian) "
                      "arrays, an int64 scalar, an empty float64 array (shape [0]); "
                      "attributes on the root, a group and a dataset; dataset names with "
                      "':' (dense/kernel:0).", 0),
    "keras_like_latest.h5": (write_keras_like_latest,
                             "quick_start/model.weights.h5 (Keras save_weights) copied into "
                             "a libver latest file: same paths, values and vlen UTF-8 name "
                             "attributes. Keras's load_weights accepts it (as *.weights.h5) "
                             "and reproduces quick_start's output. Values: npy.", 3),
    "latest_chunked.h5": (write_latest_chunked,
                          "libver latest chunked datasets (version-4 layout message): single "
                          "chunk (plain and gzip), fixed array index (27 chunks, edge chunks; "
                          "plain and gzip) and implicit index (early allocation).", 3),
    "latest_unlimited.h5": (write_latest_unlimited,
                            "libver latest, an unlimited dimension: chunks indexed by an "
                            "extensible array (a reader may refuse it).", 3),
}


def attribute_entry(attrs, key):
    aid = attrs.get_id(key)
    t, space = aid.get_type(), aid.get_space()
    scalar = space.get_simple_extent_type() == h5py.h5s.SCALAR
    value = attrs[key]
    entry = {}
    if isinstance(t, h5py.h5t.TypeStringID):
        def text(v):
            return v.decode("utf-8") if isinstance(v, bytes) else str(v)
        entry["kind"] = "vlen_string" if t.is_variable_str() else "fixed_string"
        entry["shape"] = [] if scalar else list(space.shape)
        entry["value"] = text(value) if scalar else [text(v) for v in value]
        entry["cset"] = "utf8" if t.get_cset() == h5py.h5t.CSET_UTF8 else "ascii"
        if not t.is_variable_str():
            entry["size"] = t.get_size()
            entry["strpad"] = {0: "nullterm", 1: "nullpad", 2: "spacepad"}[t.get_strpad()]
    else:
        arr = np.asarray(value)
        entry["kind"] = "numeric"
        entry["shape"] = list(arr.shape)
        entry["dtype"] = aid.dtype.str
        entry["value"] = arr.item() if scalar else arr.ravel().tolist()
    return entry


def expected_for(path, notes, npy_for=None):
    """The expected.json entry of an HDF5 file, read back with h5py."""
    raw = open(path, "rb").read()
    _, sb_version = superblock(raw)
    entry = {"notes": notes, "superblock_version": sb_version, "groups": [],
             "object_header_versions": object_header_versions(path), "datasets": {}}
    attributes = {}

    def record_attrs(name, obj):
        if len(obj.attrs):
            attributes[name] = {k: attribute_entry(obj.attrs, k) for k in obj.attrs}

    def visit(name, obj):
        record_attrs(name, obj)
        if isinstance(obj, h5py.Group):
            entry["groups"].append(name)
            return
        data = obj[()]
        layout = {h5py.h5d.COMPACT: "compact", h5py.h5d.CONTIGUOUS: "contiguous",
                  h5py.h5d.CHUNKED: "chunked"}[obj.id.get_create_plist().get_layout()]
        d = {"shape": list(obj.shape), "dtype": obj.dtype.str, "layout": layout}
        if obj.chunks:
            d["chunks"] = list(obj.chunks)
            dcpl = obj.id.get_create_plist()
            d["filters"] = [{1: "deflate", 2: "shuffle", 3: "fletcher32", 32000: "lzf"}.get(
                dcpl.get_filter(i)[0], dcpl.get_filter(i)[0]) for i in range(dcpl.get_nfilters())]
            stored = [obj.id.get_chunk_info(i) for i in range(obj.id.get_num_chunks())]
            d["stored_chunks"] = len(stored)
            d["chunks_with_filter_mask"] = sum(1 for c in stored if c.filter_mask)
        if obj.fillvalue != 0:
            d["fillvalue"] = np.asarray(obj.fillvalue).item()
        if npy_for:
            d["npy"] = npy_for[name]
        else:
            d["values"] = np.asarray(data).ravel().tolist()
        entry["datasets"][name] = d

    with h5py.File(path, "r") as f:
        record_attrs("/", f)
        f.visititems(visit)
    if attributes:
        entry["attributes"] = attributes
    return entry


def check_structure(file, path, entry):
    """Asserts the layout each file is meant to exercise and prints a summary."""
    sig = signatures(path)
    versions = set(entry["object_header_versions"].values())
    trees = sig.get("TREE", [])
    group_levels = sorted({lvl for t, lvl, _ in trees if t == 0})
    chunk_levels = sorted({lvl for t, lvl, _ in trees if t == 1})
    summary = (f"superblock {entry['superblock_version']}, object headers v{sorted(versions)}, "
               f"group B-tree levels {group_levels}, chunk B-tree levels {chunk_levels}, "
               + ", ".join(f"{k} {v}" for k, v in sig.items() if k != "TREE"))
    print(f"    {file}: {summary}")
    if entry["superblock_version"] == 0 and file != "track_order.h5":
        assert versions == {1} and "OHDR" not in sig, file
    if entry["superblock_version"] == 3:
        assert versions == {2} and "TREE" not in sig and "SNOD" not in sig, file
    if file in ("latest.h5", "keras_like_latest.h5"):
        assert sig.get("OCHK") and sig.get("GCOL"), sig
    if file == "earliest_many.h5":
        assert group_levels == [0, 1] and sig["SNOD"] > 32, sig
    if file == "latest_dense.h5":
        assert sig.get("FRHP") == 1 and sig.get("FHIB") and sig.get("BTHD") == 1, sig
    if file == "track_order.h5":
        v = entry["object_header_versions"]
        assert v["/"] == v["ordered"] == v["big"] == 2 and v["plain"] == 1, v
        assert sig.get("FRHP") == 1 and sig.get("BTHD") == 2, sig  # name + creation order
    if file == "chunked.h5":
        assert 1 in chunk_levels, trees
        assert entry["datasets"]["partial"]["stored_chunks"] == 5
    masked = {n: d.get("chunks_with_filter_mask") for n, d in entry["datasets"].items()
              if d.get("chunks_with_filter_mask")}
    assert list(masked) == (["lzf_f4"] if file == "lzf.h5" else []), (file, masked)
    for name, d in entry["datasets"].items():
        if "quantized" in name:
            with h5py.File(path, "r") as f:
                stored = f[name].id.get_storage_size()
            raw = d["stored_chunks"] * int(np.prod(d["chunks"])) * 4
            assert stored < 0.85 * raw, (file, name, stored, raw)
    if file == "userblock.h5":
        assert superblock(open(path, "rb").read())[0] == 512


def make_hdf5_variants():
    print("C. HDF5 layout variants:")
    os.makedirs(HDF5_DIR, exist_ok=True)
    expected = {}
    quick_paths = [p for p, _ in fc.load_weight_paths("quick_start")]
    npy_for_quick_start = {p: f"quick_start/weights_{i:02d}.npy"
                           for i, p in enumerate(quick_paths)}
    for index, (file, (writer, notes, sb_version)) in enumerate(HDF5_FILES.items()):
        path = written(os.path.join(HDF5_DIR, file))
        writer(path, np.random.default_rng(500 + index))
        npy_for = npy_for_quick_start if file == "keras_like_latest.h5" else None
        entry = expected_for(path, notes, npy_for)
        assert entry["superblock_version"] == sb_version, (file, entry["superblock_version"])
        check_structure(file, path, entry)
        expected[file] = entry
    check_keras_like_latest(os.path.join(HDF5_DIR, "keras_like_latest.h5"))
    path = written(os.path.join(HDF5_DIR, "expected.json"))
    with open(path, "w", encoding="utf-8") as f:
        f.write(compact_json(expected) + "\n")
    check_expected(expected)


def check_keras_like_latest(path):
    """Keras's load_weights takes the rewritten file (named *.weights.h5) and
    reproduces quick_start's output; its datasets equal the original's."""
    original = fc.h5_datasets(os.path.join(fc.fixture_dir("quick_start"), "model.weights.h5"))
    copy = fc.h5_datasets(path)
    assert sorted(copy) == sorted(original) and all(
        np.array_equal(copy[k], original[k]) and copy[k].dtype == original[k].dtype
        for k in copy)
    with h5py.File(path, "r") as f:
        t = f["vars"].attrs.get_id("name").get_type()
        assert t.is_variable_str() and t.get_cset() == h5py.h5t.CSET_UTF8
    with tempfile.TemporaryDirectory() as tmp:
        named = os.path.join(tmp, "keras_like_latest.weights.h5")
        shutil.copyfile(path, named)
        fresh = fresh_model("quick_start")
        fresh.load_weights(named)
        assert_fixture_outputs(fresh, "quick_start", "load_weights(keras_like_latest)")
    print("    keras_like_latest.h5: Keras load_weights (as .weights.h5) reproduces "
          "quick_start's output")


def check_expected(expected):
    """expected.json read back describes the files: the same datasets, dtypes,
    shapes and values, bit for bit."""
    with open(os.path.join(HDF5_DIR, "expected.json"), encoding="utf-8") as f:
        loaded = json.load(f)
    assert loaded == json.loads(json.dumps(expected))
    for file, entry in loaded.items():
        with h5py.File(os.path.join(HDF5_DIR, file), "r") as h:
            for name, d in entry["datasets"].items():
                data = np.asarray(h[name][()])
                assert data.dtype.str == d["dtype"] and list(data.shape) == d["shape"]
                want = (fc.load_array(d["npy"]) if "npy" in d
                        else np.array(d["values"], dtype=d["dtype"]).reshape(d["shape"]))
                assert np.array_equal(data, want) and data.tobytes() == want.astype(
                    d["dtype"]).tobytes(), (file, name)
            groups = []
            h.visititems(lambda n, o: groups.append(n) if isinstance(o, h5py.Group) else None)
            assert groups == entry["groups"], (file, groups)


def compact_json(obj, indent=0):
    """JSON with 2-space indentation, lists of scalars on one line."""
    pad = "  " * indent
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f'{pad}  {json.dumps(k)}: {compact_json(v, indent + 1)}' for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        items = [f"{pad}  {compact_json(v, indent + 1)}" for v in obj]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    return json.dumps(obj, ensure_ascii=False)


# ----------------------------------------------------------------------------
# D. Compressed npz
# ----------------------------------------------------------------------------


def make_compressed_npz():
    print("D. weights.compressed.npz:")
    d = fc.fixture_dir("quick_start")
    datasets = fc.h5_datasets(os.path.join(d, "model.weights.h5"))
    arrays = {p: np.ascontiguousarray(a, dtype="<f4") for p, a in datasets.items()}
    path = written(os.path.join(d, "weights.compressed.npz"))
    np.savez_compressed(path, **arrays)
    with np.load(path, allow_pickle=False) as z:
        got = {k: z[k] for k in z.files}
    assert list(got) == list(arrays) and all(
        got[k].dtype == np.float32 and np.array_equal(got[k], arrays[k]) for k in got)
    with np.load(os.path.join(d, "weights.npz"), allow_pickle=False) as z:
        assert z.files == list(got), "key order differs from weights.npz"
    rows = zip_summary(open(path, "rb").read())
    assert all(r[1] == "deflated" and r[4] == ARCHIVE_DATE for r in rows), rows
    fresh = fresh_model("quick_start")
    fc.assign_weights_by_path(fresh, got, fc.load_weight_paths("quick_start"))
    assert_fixture_outputs(fresh, "quick_start", "weights.compressed.npz")
    print(f"  quick_start/weights.compressed.npz ({os.path.getsize(path)} bytes): "
          + "; ".join(f"{n} ({m}, {s} bytes)" for n, m, s, *_ in rows))


# ----------------------------------------------------------------------------
# E. Dropout / SeedGenerator
# ----------------------------------------------------------------------------


def write_weights_and_paths(name, model, h5_name, paths_name):
    d = fc.fixture_dir(name)
    h5_path = written(os.path.join(d, h5_name))
    model.save_weights(h5_path)
    datasets = fc.h5_datasets(h5_path)
    paths = fc.match_weight_paths(model, datasets, h5_path)
    fc.write_json(written(os.path.join(d, paths_name)),
                  [[p, list(datasets[p].shape)] for p in paths])
    fresh = fresh_model(name, os.path.join(d, "variant.json") if "variant" in h5_name else None)
    fresh.load_weights(h5_path)
    assert_fixture_outputs(fresh, name, f"load_weights({h5_name})")
    return paths


def seed_generator_facts(model, label):
    """What Keras saves for the model's SeedGenerators: nothing (asserted)."""
    seeds = [v for v in model.variables if "seed_generator" in v.path]
    assert seeds and not any(v is s for v in model.weights for s in seeds)
    assert len(model.get_weights()) == len(model.weights)
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        model.save_weights(os.path.join(tmp, "m.weights.h5"))
        files["save_weights"] = fc.h5_datasets(os.path.join(tmp, "m.weights.h5"))
        model.save(os.path.join(tmp, "m.keras"))
        with zipfile.ZipFile(os.path.join(tmp, "m.keras")) as z:
            files[".keras"] = fc.h5_datasets(io.BytesIO(z.read("model.weights.h5")))
        model.save(os.path.join(tmp, "m.h5"))
        files["legacy .h5"] = fc.h5_datasets(os.path.join(tmp, "m.h5"))
        for how, datasets in files.items():
            assert len(datasets) == len(model.weights), (how, list(datasets))
            assert all(a.dtype == np.float32 for a in datasets.values()), how
    print(f"  {label}: model.variables has "
          + ", ".join(f"{v.path} {v.dtype} {tuple(v.shape)}" for v in seeds)
          + f"; model.weights / get_weights() have {len(model.weights)} entries, none of "
          "them; save_weights, .keras and legacy .h5 store only the float32 weights")


def make_dropout_files():
    print("E. Dropout / SeedGenerator:")
    name = "dropout_after_dense"
    model = fixture_model(name)
    base = write_weights_and_paths(name, model, "model.weights.h5", fc.WEIGHT_PATHS_FILE)
    variant = fixture_model(name, os.path.join(fc.fixture_dir(name), "variant.json"))
    assert any(isinstance(layer, keras.layers.Dropout) for layer in variant.layers)
    paths = write_weights_and_paths(name, variant, "variant.weights.h5",
                                    "variant_weight_paths.json")
    assert paths == base, (paths, base)
    with h5py.File(os.path.join(fc.fixture_dir(name), "variant.weights.h5"), "r") as f:
        for g in ("dropout", "dropout_1", "dropout_2"):
            assert len(f[f"layers/{g}/vars"]) == 0, g
        groups = []
        f.visititems(lambda n, o: groups.append(n) if isinstance(o, h5py.Group) else None)
    print(f"  {name}: weights {base}; variant.weights.h5 groups {groups}")
    seed_generator_facts(variant, "variant (3 unseeded Dropout(0.5))")
    keras.backend.clear_session()
    x = keras.Input(shape=(6,))
    h = keras.layers.Dense(4, name="dense_a")(x)
    h = keras.layers.Dropout(0.5, seed=1234, name="seeded")(h)
    h = keras.layers.Dropout(0.25, name="unseeded")(h)
    seeded = keras.Model(x, keras.layers.Dense(2, name="head")(h))
    seed_generator_facts(seeded, "Dropout(0.5, seed=1234) + Dropout(0.25)")


def main():
    make_keras_archives()
    make_legacy_files()
    make_hdf5_variants()
    make_compressed_npz()
    make_dropout_files()
    print("Files written:")
    for path in WRITTEN:
        print(f"  {os.path.relpath(path, fc.ROOT)}  {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
