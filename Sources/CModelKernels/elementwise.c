// Element-wise passes of inference (normalization's per-channel scale and shift, residual
// additions, ReLU and capped ReLU such as ReLU6), each reading its inputs and writing its output once, eight lanes at a time
// with AVX2 where the CPU has it. Every lane computes what the scalar loop computes (a multiply
// then an add, no fused multiply-add), so both paths give the same bits.

#include "CModelKernels.h"

#include <math.h>

#pragma STDC FP_CONTRACT OFF

void cmk_scale_shift_portable(int64_t rows, int64_t channels, const float *x, const float *scale, const float *shift, float *out) {
    for (int64_t r = 0; r < rows; r++) {
        const float *row = x + r * channels;
        float *target = out + r * channels;
        for (int64_t c = 0; c < channels; c++) target[c] = row[c] * scale[c] + shift[c];
    }
}

void cmk_add_portable(int64_t count, const float *a, const float *b, float *out) {
    for (int64_t i = 0; i < count; i++) out[i] = a[i] + b[i];
}

void cmk_relu_capped_portable(int64_t count, const float *x, float cap, float *out) {
    // Keeps NaN and −0 as they are.
    for (int64_t i = 0; i < count; i++) out[i] = x[i] < 0 ? 0 : x[i] > cap ? cap : x[i];
}

void cmk_relu_portable(int64_t count, const float *x, float *out) { cmk_relu_capped_portable(count, x, INFINITY, out); }

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("avx2")))
static void scale_shift_avx2(int64_t rows, int64_t channels, const float *x, const float *scale, const float *shift, float *out) {
    for (int64_t r = 0; r < rows; r++) {
        const float *row = x + r * channels;
        float *target = out + r * channels;
        int64_t c = 0;
        for (; c + 8 <= channels; c += 8) {
            const __m256 product = _mm256_mul_ps(_mm256_loadu_ps(row + c), _mm256_loadu_ps(scale + c));
            _mm256_storeu_ps(target + c, _mm256_add_ps(product, _mm256_loadu_ps(shift + c)));
        }
        for (; c < channels; c++) target[c] = row[c] * scale[c] + shift[c];
    }
}

__attribute__((target("avx2")))
static void add_avx2(int64_t count, const float *a, const float *b, float *out) {
    int64_t i = 0;
    for (; i + 32 <= count; i += 32) {
        for (int j = 0; j < 32; j += 8) _mm256_storeu_ps(out + i + j, _mm256_add_ps(_mm256_loadu_ps(a + i + j), _mm256_loadu_ps(b + i + j)));
    }
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(out + i, _mm256_add_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
    for (; i < count; i++) out[i] = a[i] + b[i];
}

__attribute__((target("avx2")))
static void relu_capped_avx2(int64_t count, const float *x, float cap, float *out) {
    const __m256 zero = _mm256_setzero_ps(), top = _mm256_set1_ps(cap);
    int64_t i = 0;
    // max(0, x) and min(cap, ·) return their second operand for NaN and for equal values:
    // x itself where the scalar loop keeps it.
    for (; i + 32 <= count; i += 32) {
        for (int j = 0; j < 32; j += 8) {
            _mm256_storeu_ps(out + i + j, _mm256_min_ps(top, _mm256_max_ps(zero, _mm256_loadu_ps(x + i + j))));
        }
    }
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(out + i, _mm256_min_ps(top, _mm256_max_ps(zero, _mm256_loadu_ps(x + i))));
    for (; i < count; i++) out[i] = x[i] < 0 ? 0 : x[i] > cap ? cap : x[i];
}

void cmk_scale_shift(int64_t rows, int64_t channels, const float *x, const float *scale, const float *shift, float *out) {
    if (cmk_has_avx2_fma()) scale_shift_avx2(rows, channels, x, scale, shift, out);
    else cmk_scale_shift_portable(rows, channels, x, scale, shift, out);
}

void cmk_add(int64_t count, const float *a, const float *b, float *out) {
    if (cmk_has_avx2_fma()) add_avx2(count, a, b, out);
    else cmk_add_portable(count, a, b, out);
}

void cmk_relu_capped(int64_t count, const float *x, float cap, float *out) {
    if (cmk_has_avx2_fma()) relu_capped_avx2(count, x, cap, out);
    else cmk_relu_capped_portable(count, x, cap, out);
}

#else

void cmk_scale_shift(int64_t rows, int64_t channels, const float *x, const float *scale, const float *shift, float *out) {
    cmk_scale_shift_portable(rows, channels, x, scale, shift, out);
}

void cmk_add(int64_t count, const float *a, const float *b, float *out) { cmk_add_portable(count, a, b, out); }

void cmk_relu_capped(int64_t count, const float *x, float cap, float *out) { cmk_relu_capped_portable(count, x, cap, out); }

#endif

void cmk_relu(int64_t count, const float *x, float *out) { cmk_relu_capped(count, x, INFINITY, out); }
