"""Makes the DEFLATE fixtures of swift-model-generator's inflater (zlib is the oracle).

Run from anywhere: ``python3 tools/make_deflate_fixtures.py`` (standard library only).
Deterministic. Writes ``Tests/Fixtures/deflate/``:

* ``NAME.bin``: an original byte string; ``NAME.LEVEL_STRATEGY.deflate``: raw DEFLATE
  (``wbits=-15``) of it at each zlib level/strategy below; ``NAME.zlib``: the zlib-wrapped
  stream (``zlib.compress``, level 6), as HDF5's deflate filter stores chunks.
The two large originals (``random``, ``far``) get only the settings that matter for them.

The originals cover stored blocks (level 0), fixed Huffman codes (Z_FIXED), dynamic codes,
long matches (258 bytes), distances up to 32 KiB, several blocks, and empty input.
"""

import os
import random
import struct
import sys
import zlib

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "Fixtures", "deflate")

def originals():
    rng = random.Random(7)
    floats = struct.pack("<2000f", *[rng.gauss(0, 1) for _ in range(2000)])
    text = (b"Keras is the oracle. " * 40) + bytes(rng.randrange(256) for _ in range(300))
    # Far repeats: a 40 KiB stretch of random bytes with copies ~32 KiB back.
    block = bytes(rng.randrange(256) for _ in range(1000))
    far = block + bytes(rng.randrange(256) for _ in range(31700)) + block + block
    return {
        "empty": b"",
        "one_byte": b"x",
        "floats": floats,
        "text": text,
        "runs": b"\x00" * 5000 + b"\x01\x02" * 700 + b"\xff" * 259,
        "far": far,
        "random": bytes(rng.randrange(256) for _ in range(70000)),  # several stored blocks at level 0
    }

SETTINGS = [
    ("0_default", 0, zlib.Z_DEFAULT_STRATEGY),
    ("1_default", 1, zlib.Z_DEFAULT_STRATEGY),
    ("9_default", 9, zlib.Z_DEFAULT_STRATEGY),
    ("6_fixed", 6, zlib.Z_FIXED),
    ("6_huffman", 6, zlib.Z_HUFFMAN_ONLY),
    ("6_rle", 6, zlib.Z_RLE),
]

def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in originals().items():
        with open(os.path.join(OUT, name + ".bin"), "wb") as f:
            f.write(data)
        for tag, level, strategy in SETTINGS:
            # Keep the big originals to the settings that matter for them.
            if name == "random" and tag != "0_default" or name == "far" and tag not in ("1_default", "9_default"):
                continue
            c = zlib.compressobj(level, zlib.DEFLATED, -15, 8, strategy)
            stream = c.compress(data) + c.flush()
            assert zlib.decompress(stream, -15) == data
            with open(os.path.join(OUT, f"{name}.{tag}.deflate"), "wb") as f:
                f.write(stream)
        if name in ("random", "far"):
            continue
        with open(os.path.join(OUT, name + ".zlib"), "wb") as f:
            f.write(zlib.compress(data, 6))

if __name__ == "__main__":
    main()
