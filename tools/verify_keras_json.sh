#!/usr/bin/env bash
# Exports every fixture model's kerasJSON() from the Swift tests and loads each one in Keras
# (tools/check_keras_json.py): same layers and configs, same outputs with the fixture weights.
# Needs the Python environment of tools/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export_dir=$(mktemp -d)
trap 'rm -rf "$export_dir"' EXIT
MODEL_GENERATOR_KERAS_JSON_EXPORT="$export_dir" swift test --filter exportKerasJSONForTheKerasCheck
KERAS_BACKEND=jax "${PYTHON:-python3}" tools/check_keras_json.py "$export_dir"
