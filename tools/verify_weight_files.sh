#!/usr/bin/env bash
# Writes every weight-file fixture's weights with the Swift runtime (.safetensors and .npz,
# keyed by Keras's weight paths) and checks them in Python (tools/check_weight_files.py):
# same keys and values as Keras's files, and Keras computes the fixture outputs with them.
set -euo pipefail
cd "$(dirname "$0")/.."
export_dir=$(mktemp -d)
trap 'rm -rf "$export_dir"' EXIT
MODEL_GENERATOR_WEIGHTS_EXPORT="$export_dir" swift test --filter exportWeightFilesForThePythonCheck
KERAS_BACKEND=jax "${PYTHON:-python3}" tools/check_weight_files.py "$export_dir"
