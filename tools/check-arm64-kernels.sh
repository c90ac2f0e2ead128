#!/usr/bin/env bash
# Checks the CModelKernels vector paths for both architectures from an x86-64 machine: builds
# Tests/KernelChecks/kernel_check.c with the kernels natively and for arm64 (the toolchain's
# clang, as SwiftPM compiles them, with warnings as errors), runs the arm64 build under
# qemu-user, and compares the two builds' hashes of the exp, sigmoid, tanh, SiLU and GELU
# outputs (AVX2 and NEON give the same bits). Needs Debian's qemu-user and
# gcc-aarch64-linux-gnu (for the arm64 C library):
#
#   apt-get install qemu-user gcc-aarch64-linux-gnu
#
# Exits non-zero when a check fails or a tool is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in clang qemu-aarch64 aarch64-linux-gnu-gcc; do
    if ! command -v "$tool" > /dev/null; then
        echo "check-arm64-kernels: $tool not found (apt-get install qemu-user gcc-aarch64-linux-gnu)" >&2
        exit 2
    fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sources=(Sources/CModelKernels/*.c Tests/KernelChecks/kernel_check.c)
flags=(-O2 -Wall -Wextra -Werror -ISources/CModelKernels/include)

# Native build (AVX-512 and AVX2 where this CPU has them, else the portable loops).
clang "${flags[@]}" "${sources[@]}" -lm -o "$work/native"

# arm64: compiled by clang (NEON), linked against Debian's arm64 C library.
objects=()
for source in "${sources[@]}"; do
    object="$work/$(basename "$source" .c).arm64.o"
    clang --target=aarch64-linux-gnu -isystem /usr/aarch64-linux-gnu/include "${flags[@]}" -c "$source" -o "$object"
    objects+=("$object")
done
aarch64-linux-gnu-gcc "${objects[@]}" -lm -o "$work/arm64"

echo "== x86-64 (native)"
"$work/native" | tee "$work/native.out"
echo "== arm64 (qemu-aarch64)"
qemu-aarch64 -L /usr/aarch64-linux-gnu "$work/arm64" | tee "$work/arm64.out"

native_hash=$(grep '^transcendental hash' "$work/native.out")
arm64_hash=$(grep '^transcendental hash' "$work/arm64.out")
if ! grep -q 'simd level 0' "$work/native.out" && [ "$native_hash" != "$arm64_hash" ]; then
    echo "check-arm64-kernels: the transcendental kernels differ between AVX2 and NEON ($native_hash, $arm64_hash)" >&2
    exit 1
fi
echo "check-arm64-kernels: both architectures passed; exp, sigmoid, tanh, SiLU and GELU bits agree"
