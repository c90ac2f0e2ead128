#!/usr/bin/env bash
# Fuzzes the spec reader, generator and .npy reader with libFuzzer (see tools/README.md).
#
#   tools/fuzz.sh [SECONDS_PER_TARGET] [RUNS]
#
# Builds `model-fuzz` with libFuzzer and AddressSanitizer into .build-fuzz, then runs each
# target for at most SECONDS_PER_TARGET seconds (default 60) or RUNS inputs (default
# unlimited, -1), whichever comes first. Seeds come from Tests/FuzzCorpus/TARGET/; inputs that
# reach new code collect in .build-fuzz/corpus/TARGET/ and seed the next run; crashing, hanging
# or memory-hungry inputs are written to .build-fuzz/artifacts/TARGET-*. Exits 1 if any target
# crashed. Environment:
#   FUZZ_TARGETS   targets to run (default: "json spec h5spec npy variant config safetensors npz hdf5 keras
#                  inflate")
#   FUZZ_ARGS      extra libFuzzer options, e.g. "-jobs=2 -workers=2" or "-seed=1"
set -euo pipefail

seconds=${1:-60}
runs=${2:--1}
targets=${FUZZ_TARGETS:-json spec h5spec npy variant config safetensors npz hdf5 keras inflate}

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scratch=.build-fuzz

# Release + ASan + libFuzzer. lld rather than gold: gold hits an internal error linking the
# package's other (plugin) executable with ASan. The Extern feature lets the fuzzing entry point
# declare libFuzzer's C driver function.
build=(swift build --scratch-path "$scratch" -c release --product model-fuzz
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
       -Xswiftc -use-ld=lld -Xswiftc -enable-experimental-feature -Xswiftc Extern)
echo "+ ${build[*]}"
mkdir -p "$scratch"
if ! "${build[@]}" > "$scratch/build.log" 2>&1; then
    cat "$scratch/build.log"
    echo "fuzz.sh: build failed" >&2
    exit 2
fi
fuzzer="$scratch/release/model-fuzz"

# Dictionaries (libFuzzer's format: one "token" a line, \\ \" and \xHH escaped): tokens the
# mutator would take long to find byte by byte.
mkdir -p "$scratch/dict"
cat > "$scratch/dict/json.dict" <<'EOF'
"{"
"}"
"["
"]"
":"
","
"\\\""
"\\\\"
"\\u"
"\\u00e9"
"\\ud83d\\ude00"
"\\ud800"
"null"
"true"
"false"
"NaN"
"Infinity"
"-Infinity"
"-0"
"1e+308"
"1e400"
"\xEF\xBB\xBF"
"\xF0\x9F\x98\x80"
EOF
{
    cat "$scratch/dict/json.dict"
    for word in class_name config layers name inbound_nodes input_layers output_layers args kwargs \
        keras_history __keras_tensor__ batch_shape batch_input_shape shape dtype units activation use_bias \
        kernel_initializer bias_initializer rate seed axis axes normalize trainable build_config \
        Sequential Functional Model InputLayer Dense Dropout Activation Add Subtract Multiply Average \
        Maximum Minimum Concatenate Dot GlorotUniform Zeros Ones float32 relu softmax \
        base insert insert_after names accessModifier typeNames additionalImports public package internal; do
        printf '"%s"\n' "$word"
    done
} > "$scratch/dict/spec.dict"
cp "$scratch/dict/spec.dict" "$scratch/dict/variant.dict"
cp "$scratch/dict/spec.dict" "$scratch/dict/config.dict"
{
    cat "$scratch/dict/json.dict"
    printf '"%s"\n' dtype shape data_offsets __metadata__ F16 BF16 F32 F64 I32
} > "$scratch/dict/safetensors.dict"
cat > "$scratch/dict/npy.dict" <<'EOF'
"\x93NUMPY"
"\x01\x00"
"\x02\x00"
"\x03\x00"
"'descr'"
"'fortran_order'"
"'shape'"
"'<f4'"
"'>f8'"
"'<f2'"
"'|b1'"
"'<i8'"
"'>u2'"
"True"
"False"
"()"
"(0,)"
"L"
EOF
{
    cat "$scratch/dict/npy.dict"
    cat <<'EOF'
"PK\x03\x04"
"PK\x01\x02"
"PK\x05\x06"
"PK\x06\x06"
"PK\x06\x07"
"\xFF\xFF\xFF\xFF"
"\x01\x00\x18\x00"
".npy"
EOF
} > "$scratch/dict/npz.dict"
cat > "$scratch/dict/hdf5.dict" <<'EOF'
"\x89HDF\x0d\x0a\x1a\x0a"
"TREE"
"SNOD"
"HEAP"
"OHDR"
"OCHK"
"GCOL"
"FRHP"
"FHDB"
"FHIB"
"BTHD"
"BTIN"
"BTLF"
"FAHD"
"FADB"
"\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"
"layers"
"vars"
"layer_names"
"weight_names"
"model_weights"
"model_config"
"keras_version"
"backend"
EOF
cp "$scratch/dict/hdf5.dict" "$scratch/dict/h5spec.dict"
{
    cat "$scratch/dict/hdf5.dict"
    cat <<'EOF'
"PK\x03\x04"
"PK\x01\x02"
"PK\x05\x06"
"model.weights.h5"
"config.json"
EOF
} > "$scratch/dict/keras.dict"
cat > "$scratch/dict/inflate.dict" <<'EOF'
"\x78\x9c"
"\x78\x01"
"\x78\xda"
"\x00\x00\xff\xff"
EOF

# Prints the cause of the crash in log $1 and its innermost frames in the package's sources.
show_crash() {
    grep -E 'ERROR: |SUMMARY' "$1" | head -3 || true
    grep -E '#[0-9]+ .* in .*/Sources/' "$1" | head -6 | swift demangle --simplified || true
}

crashed=0
summary=()
for target in $targets; do
    case $target in
        json|spec) max_len=16384 ;;
        variant|config|safetensors|npz) max_len=4096 ;;
        npy) max_len=1024 ;;
        hdf5|h5spec|keras) max_len=40000 ;;
        inflate) max_len=8192 ;;
        *) echo "fuzz.sh: unknown target '$target'" >&2; exit 2 ;;
    esac
    corpus="$scratch/corpus/$target"
    mkdir -p "$corpus" "$scratch/artifacts" "$scratch/logs"
    log="$scratch/logs/$target.log"
    echo "== $target: up to $seconds s, runs=$runs, max_len=$max_len (log: $log)"
    start=$(date +%s)
    status=0
    # First every seed, whole: fuzzing cuts inputs longer than max_len, and a committed crash
    # reproducer must fail the run until its bug is fixed.
    seeds=("Tests/FuzzCorpus/$target"/*)
    MODEL_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no "$fuzzer" -timeout=10 -rss_limit_mb=2048 \
        -malloc_limit_mb=1024 -artifact_prefix="$scratch/artifacts/$target-" "${seeds[@]}" > "$log" 2>&1 || status=$?
    if [ "$status" -ne 0 ]; then
        seed=$(grep -o '^Running: .*' "$log" | tail -1 | sed 's/^Running: //')
        crashed=1
        show_crash "$log"
        line=$(printf '%-12s %12s executions in %5d s  %s' "$target" "${#seeds[@]} seeds" 0 "CRASH on seed $seed")
        echo "$line"
        summary+=("$line")
        continue
    fi
    # The first corpus folder receives new inputs; the seed folder is only read.
    # SWIFT_BACKTRACE: let libFuzzer and ASan report a trap (the Swift backtracer's memory
    # reader trips ASan). FUZZ_ARGS is split into words on purpose.
    # shellcheck disable=SC2086
    MODEL_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no "$fuzzer" "$corpus" "Tests/FuzzCorpus/$target" \
        -runs="$runs" -max_total_time="$seconds" -max_len="$max_len" \
        -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
        -dict="$scratch/dict/$target.dict" -print_final_stats=1 \
        -artifact_prefix="$scratch/artifacts/$target-" ${FUZZ_ARGS:-} >> "$log" 2>&1 || status=$?
    elapsed=$(( $(date +%s) - start ))
    executions=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    # (The seed replay above prints no stats, so these are the fuzzing run's.)
    if [ -z "$executions" ]; then
        executions=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
    fi
    if [ "$status" -eq 0 ]; then
        result="no crash"
    else
        crashed=1
        artifact=$(grep -o 'Test unit written to .*' "$log" | tail -1 | sed 's/Test unit written to //' || true)
        result="CRASH (exit $status): ${artifact:-see $log}"
        show_crash "$log"
    fi
    line=$(printf '%-12s %12s executions in %5d s  %s' "$target" "${executions:-?}" "$elapsed" "$result")
    echo "$line"
    summary+=("$line")
done

echo
echo "== fuzz.sh summary"
printf '%s\n' "${summary[@]}"
if [ "$crashed" -ne 0 ]; then
    echo "Reproduce in an ordinary build: swift run model-fuzz TARGET ARTIFACT"
    exit 1
fi
