// Element-wise passes of inference (normalization's per-channel scale and shift, residual
// additions, ReLU and capped ReLU such as ReLU6), each reading its inputs and writing its
// output once, eight lanes at a time with AVX2 or NEON (vector8.h). Every lane computes what
// the scalar loop computes (a multiply then an add, no fused multiply-add), so both paths give
// the same bits.

#include "CModelKernels.h"
#include "vector8.h"

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

#if CMK_VECTOR8

V8_TARGET
static void scale_shift_vector(int64_t rows, int64_t channels, const float *x, const float *scale, const float *shift, float *out) {
    for (int64_t r = 0; r < rows; r++) {
        const float *row = x + r * channels;
        float *target = out + r * channels;
        int64_t c = 0;
        for (; c + 8 <= channels; c += 8) {
            v8_store(target + c, v8_add(v8_mul(v8_load(row + c), v8_load(scale + c)), v8_load(shift + c)));
        }
        for (; c < channels; c++) target[c] = row[c] * scale[c] + shift[c];
    }
}

V8_TARGET
static void add_vector(int64_t count, const float *a, const float *b, float *out) {
    int64_t i = 0;
    for (; i + 32 <= count; i += 32) {
        for (int j = 0; j < 32; j += 8) v8_store(out + i + j, v8_add(v8_load(a + i + j), v8_load(b + i + j)));
    }
    for (; i + 8 <= count; i += 8) v8_store(out + i, v8_add(v8_load(a + i), v8_load(b + i)));
    for (; i < count; i++) out[i] = a[i] + b[i];
}

V8_TARGET
static void relu_capped_vector(int64_t count, const float *x, float cap, float *out) {
    const v8f zero = v8_set(0), top = v8_set(cap);
    int64_t i = 0;
    // `0 > x ? 0 : x`, then `cap < m ? cap : m`: x itself for NaN and −0, as the scalar loop.
    for (; i + 32 <= count; i += 32) {
        for (int j = 0; j < 32; j += 8) v8_store(out + i + j, v8_lesser(top, v8_greater(zero, v8_load(x + i + j))));
    }
    for (; i + 8 <= count; i += 8) v8_store(out + i, v8_lesser(top, v8_greater(zero, v8_load(x + i))));
    for (; i < count; i++) out[i] = x[i] < 0 ? 0 : x[i] > cap ? cap : x[i];
}

void cmk_scale_shift(int64_t rows, int64_t channels, const float *x, const float *scale, const float *shift, float *out) {
    if (cmk_vector8_available()) scale_shift_vector(rows, channels, x, scale, shift, out);
    else cmk_scale_shift_portable(rows, channels, x, scale, shift, out);
}

void cmk_add(int64_t count, const float *a, const float *b, float *out) {
    if (cmk_vector8_available()) add_vector(count, a, b, out);
    else cmk_add_portable(count, a, b, out);
}

void cmk_relu_capped(int64_t count, const float *x, float cap, float *out) {
    if (cmk_vector8_available()) relu_capped_vector(count, x, cap, out);
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
