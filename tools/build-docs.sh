#!/usr/bin/env bash
# Builds the ModelRuntime documentation catalog (Sources/ModelRuntime/ModelRuntime.docc) into
# .build-docs/ModelRuntime.doccarchive with the toolchain's own `docc`, no swift-docc-plugin.
# Fails on any DocC warning, e.g. a broken symbol link such as ``Tensor/shapez``.
# From the same symbol graphs it checks ModelRuntime's public API against the committed list,
# Tests/PublicAPI/ModelRuntime.txt (tools/public_api.py); UPDATE_PUBLIC_API=1 rewrites the list.
#
#   tools/build-docs.sh [extra docc convert options, e.g. --hosting-base-path NAME]
#
# Environment: SWIFT (default `swift`), DOCC (default: `docc` on PATH, else `xcrun docc`) and
# DOCS_SCRATCH (the build directory, default .build-docs; the archive and graphs go there too).
set -euo pipefail

cd "$(dirname "$0")/.."
scratch="${DOCS_SCRATCH:-.build-docs}"
graphs="$scratch/symbol-graphs"                   # what the compiler emits, all modules
catalog_graphs="$scratch/catalog-symbol-graphs"   # the ModelRuntime graphs only, handed to docc
archive="$scratch/ModelRuntime.doccarchive"
swift_bin="${SWIFT:-swift}"
if [[ -n "${DOCC:-}" ]]; then
    docc=("$DOCC")
elif command -v docc >/dev/null 2>&1; then
    docc=(docc)
elif command -v xcrun >/dev/null 2>&1; then
    docc=(xcrun docc)
else
    echo "build-docs: no docc found; put the toolchain's docc on PATH or set DOCC" >&2
    exit 1
fi

# The symbol graphs come from the built module (`swift symbolgraph-extract`), not from flags on
# the compile, so an up-to-date build (DOCS_SCRATCH, e.g. the directory CI built the examples
# in) is reused as it is and an incremental one always yields graphs that match the sources.
# ModelRuntime re-exports ModelSpec (`@_exported import`); allowing that module keeps ModelSpec's
# public symbols in ModelRuntime.symbols.json, as users see them.
"$swift_bin" build --scratch-path "$scratch" --target ModelRuntime
bin=$("$swift_bin" build --scratch-path "$scratch" --show-bin-path)
triple=$("$swift_bin" -print-target-info | python3 -c 'import json, sys; print(json.load(sys.stdin)["target"]["triple"])')
rm -rf "$graphs"
mkdir -p "$graphs"
"$swift_bin" symbolgraph-extract -module-name ModelRuntime -target "$triple" \
    -I "$bin/Modules" -Xcc -fmodule-map-file="$bin/CModelKernels.build/module.modulemap" \
    -minimum-access-level public -experimental-allowed-reexported-modules=ModelSpec \
    -output-dir "$graphs"
if [[ ! -f "$graphs/ModelRuntime.symbols.json" ]]; then
    echo "build-docs: no ModelRuntime symbol graph in $graphs; try again after rm -rf $scratch" >&2
    exit 1
fi

# Only ModelRuntime's graphs: ModelSpec.symbols.json (and any other module's) would add a
# second, separate module to the archive.
rm -rf "$catalog_graphs"
mkdir -p "$catalog_graphs"
cp "$graphs"/ModelRuntime.symbols.json "$catalog_graphs"/
for extension in "$graphs"/ModelRuntime@*.symbols.json; do
    [[ -e "$extension" ]] && cp "$extension" "$catalog_graphs"/
done

rm -rf "$archive"
log="$scratch/docc.log"
set +e
"${docc[@]}" convert Sources/ModelRuntime/ModelRuntime.docc \
    --additional-symbol-graph-dir "$catalog_graphs" \
    --output-path "$archive" \
    --fallback-display-name ModelRuntime \
    --fallback-bundle-identifier swift-model-generator.ModelRuntime \
    --warnings-as-errors \
    "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# With --warnings-as-errors every warning is reported as an error.
problems=$(grep -Ec '^(error|warning): ' "$log" || true)
if [[ $status -ne 0 || $problems -ne 0 ]]; then
    echo "build-docs: FAILED: $problems DocC warning(s)/error(s), docc exit status $status (log: $log)" >&2
    exit 1
fi
echo "build-docs: 0 DocC warnings; archive at $archive"

api_list=Tests/PublicAPI/ModelRuntime.txt
if [[ "${UPDATE_PUBLIC_API:-}" == 1 ]]; then
    python3 tools/public_api.py "$graphs" "$api_list" --update
else
    python3 tools/public_api.py "$graphs" "$api_list"
fi
