#!/usr/bin/env bash
# Writes the layer config structs (Sources/ModelSpec/Layers/Generated) and the runtime layer types
# (Sources/ModelRuntime/Layers/Generated) from the layer schema (Sources/ModelSpec/Layers/Schema),
# or with --check fails when they differ. Compiles the schema
# on its own with swiftc, so it runs while ModelSpec does not build (a field renamed in the
# schema).
#
#   tools/generate-layer-configs.sh           # rewrites the generated files
#   tools/generate-layer-configs.sh --check   # exit 1 when a file differs
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp tools/generate-layer-configs.swift "$work/main.swift"
swiftc -module-name GenerateLayerConfigs -package-name swift_model_generator Sources/ModelSpec/Layers/Schema/*.swift \
    Sources/ModelSpec/Layers/Schema/Families/*.swift "$work/main.swift" -o "$work/generate-layer-configs"
"$work/generate-layer-configs" "$@"
