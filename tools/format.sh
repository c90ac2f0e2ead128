#!/usr/bin/env bash
# Formats the hand-written Swift sources with the toolchain's `swift format` and the committed
# configuration (.swift-format: 4 spaces, 120 columns), or checks them as CI does.
#
#   tools/format.sh           # rewrites the files in place
#   tools/format.sh --check   # fails (exit 1) on any difference, printing file:line:column
#
# Generated reference files (Tests/ModelGeneratorCoreTests/References) are left out: they are
# the generator's output, byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."

paths=(Package.swift Sources Plugins Tests/ModelSpecTests Tests/ModelRuntimeTests Tests/ModelGeneratorCoreTests/*.swift
       Benchmarks/Package.swift Benchmarks/Sources Examples/*/Package.swift Examples/*/Sources
       Checks/Package.swift Checks/Sources Checks/Tests)

case "${1:-}" in
    "") swift format format --in-place --recursive "${paths[@]}" ;;
    --check) swift format lint --strict --recursive "${paths[@]}" && echo "format: the sources are formatted" ;;
    *) echo "usage: tools/format.sh [--check]" >&2; exit 2 ;;
esac
