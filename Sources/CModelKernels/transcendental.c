// exp, sigmoid and tanh over float32 buffers, eight lanes at a time with AVX2/FMA or NEON
// (vector8.h; both give the same bits), within a few units in the last place of the exact
// values (the tests bound the error against a double-precision reference). The portable paths
// call libm.
//
// exp: e^x = 2^n · e^r with n = round(x · log2 e) and r = x − n · ln 2 in two parts (fused, so
// r is exact to about 2^-32), e^r by its Taylor polynomial of degree 7 on |r| ≤ ln 2 / 2
// (truncation under 2^-27 of the result), and 2^n applied in two halves so that results down
// to the subnormal range and up to overflow come out right. sigmoid: 1 / (1 + e^−x). tanh: its
// odd Taylor polynomial of degree 17 below |x| = 1/2, else 1 − 2 / (e^2|x| + 1), with x's sign.
// SiLU: x · sigmoid(x). Approximate GELU: Keras's formula over the tanh above. GELU: Keras's
// formula over the erf below.

#include "CModelKernels.h"
#include "vector8.h"

#include <math.h>

void cmk_exp_portable(int64_t count, const float *x, float *out) {
    for (int64_t i = 0; i < count; i++) out[i] = expf(x[i]);
}

void cmk_sigmoid_portable(int64_t count, const float *x, float *out) {
    for (int64_t i = 0; i < count; i++) out[i] = 1 / (1 + expf(-x[i]));
}

void cmk_tanh_portable(int64_t count, const float *x, float *out) {
    for (int64_t i = 0; i < count; i++) out[i] = tanhf(x[i]);
}

void cmk_silu_portable(int64_t count, const float *x, float *out) {
    for (int64_t i = 0; i < count; i++) out[i] = x[i] / (1 + expf(-x[i]));
}

// Keras's approximate GELU, 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))).
static inline float gelu_tanh_inner(float x) { return 0.7978845608028654f * (x + 0.044715f * x * x * x); }

void cmk_gelu_tanh_portable(int64_t count, const float *x, float *out) {
    for (int64_t i = 0; i < count; i++) out[i] = 0.5f * x[i] * (1 + tanhf(gelu_tanh_inner(x[i])));
}

// Keras's exact GELU, 0.5 · x · (1 + erf(x / √2)).
void cmk_gelu_portable(int64_t count, const float *x, float *out) {
    for (int64_t i = 0; i < count; i++) out[i] = 0.5f * x[i] * (1 + erff(x[i] * 0.70710678118654752f));
}

#if CMK_VECTOR8

V8 v8f exp8(v8f x) {
    // Past these bounds the result is +inf or 0 anyway; NaN stays NaN.
    x = v8_lesser(v8_set(89.0f), x);
    x = v8_greater(v8_set(-104.0f), x);
    const v8f n = v8_round(v8_mul(x, v8_set(1.44269504088896341f)));
    v8f r = v8_fnma(n, v8_set(0.693359375f), x);
    r = v8_fnma(n, v8_set(-2.12194440054690583e-4f), r);
    v8f p = v8_set(1.0f / 5040);
    p = v8_fma(p, r, v8_set(1.0f / 720));
    p = v8_fma(p, r, v8_set(1.0f / 120));
    p = v8_fma(p, r, v8_set(1.0f / 24));
    p = v8_fma(p, r, v8_set(1.0f / 6));
    p = v8_fma(p, r, v8_set(0.5f));
    p = v8_fma(p, r, v8_set(1.0f));
    p = v8_fma(p, r, v8_set(1.0f));
    // n in [-150, 129]: 2^n as 2^(n/2) · 2^(n − n/2), each factor a normal number.
    const v8i k = v8_to_int(n);
    const v8i half = v8_half(k);
    return v8_mul(v8_mul(p, v8_pow2(half)), v8_pow2(v8_isub(k, half)));
}

V8 v8f sigmoid8(v8f x) {
    const v8f one = v8_set(1.0f);
    return v8_div(one, v8_add(one, exp8(v8_sub(v8_set(0.0f), x))));
}

V8 v8f tanh8(v8f x) {
    const v8f ax = v8_abs(x);
    // Small |x|: x · (1 + x² · q(x²)), q the odd Taylor series of tanh to x^17 divided by x³.
    const v8f x2 = v8_mul(ax, ax);
    v8f p = v8_set(6404582.0f / 10854718875.0f);
    p = v8_fma(p, x2, v8_set(-929569.0f / 638512875.0f));
    p = v8_fma(p, x2, v8_set(21844.0f / 6081075.0f));
    p = v8_fma(p, x2, v8_set(-1382.0f / 155925.0f));
    p = v8_fma(p, x2, v8_set(62.0f / 2835.0f));
    p = v8_fma(p, x2, v8_set(-17.0f / 315.0f));
    p = v8_fma(p, x2, v8_set(2.0f / 15.0f));
    p = v8_fma(p, x2, v8_set(-1.0f / 3.0f));
    const v8f small = v8_fma(v8_mul(p, x2), ax, ax);
    // Otherwise 1 − 2 / (e^2|x| + 1) (1 for large |x|, NaN for NaN).
    const v8f one = v8_set(1.0f);
    const v8f e = exp8(v8_add(ax, ax));
    const v8f large = v8_sub(one, v8_div(v8_set(2.0f), v8_add(e, one)));
    return v8_with_sign_of(v8_below(ax, v8_set(0.5f), small, large), x);
}

// x · sigmoid(x) (SiLU, swish).
V8 v8f silu8(v8f x) { return v8_mul(x, sigmoid8(x)); }

V8 v8f gelu_tanh8(v8f x) {
    const v8f cube = v8_mul(v8_mul(v8_mul(v8_set(0.044715f), x), x), x);
    const v8f inner = v8_mul(v8_set(0.7978845608028654f), v8_add(x, cube));
    return v8_mul(v8_mul(v8_set(0.5f), x), v8_add(v8_set(1.0f), tanh8(inner)));
}

// erf: below |x| = 1, x · P(x²) (P of degree 6, relative error 1.4e-9); from 1 to 4,
// 1 − e^Q(|x| − 2.5) (Q of degree 9 fitted to log erfc, error 6.5e-9); beyond 4 (where erf
// rounds to 1), Q(1.5); x's sign. Least-squares fits on Chebyshev points.
V8 v8f erf8(v8f x) {
    const v8f ax = v8_lesser(v8_set(4.0f), v8_abs(x));
    const v8f t = v8_mul(ax, ax);
    v8f p = v8_set(7.898210120135979e-05f);
    p = v8_fma(p, t, v8_set(-0.0008024354099453375f));
    p = v8_fma(p, t, v8_set(0.0051900535740159875f));
    p = v8_fma(p, t, v8_set(-0.02685480853478761f));
    p = v8_fma(p, t, v8_set(0.11283612428167632f));
    p = v8_fma(p, t, v8_set(-0.37612628843314205f));
    p = v8_fma(p, t, v8_set(1.1283791665100469f));
    const v8f small = v8_mul(ax, p);
    const v8f s = v8_sub(ax, v8_set(2.5f));
    v8f q = v8_set(-6.582858490557563e-08f);
    q = v8_fma(q, s, v8_set(1.6140616135106803e-06f));
    q = v8_fma(q, s, v8_set(-1.2976133192089865e-05f));
    q = v8_fma(q, s, v8_set(7.739442551396679e-05f));
    q = v8_fma(q, s, v8_set(-0.0004207069390324227f));
    q = v8_fma(q, s, v8_set(0.0021651603097608296f));
    q = v8_fma(q, s, v8_set(-0.010858165530460054f));
    q = v8_fma(q, s, v8_set(-0.9438936402725312f));
    q = v8_fma(q, s, v8_set(-5.352680740385475f));
    q = v8_fma(q, s, v8_set(-7.806815277051933f));
    const v8f large = v8_sub(v8_set(1.0f), exp8(q));
    return v8_with_sign_of(v8_below(ax, v8_set(1.0f), small, large), x);
}

V8 v8f gelu8(v8f x) {
    const v8f erf = erf8(v8_mul(x, v8_set(0.70710678118654752f)));
    return v8_mul(v8_mul(v8_set(0.5f), x), v8_add(v8_set(1.0f), erf));
}

#define ELEMENTWISE_VECTOR(name, vector)                                                  \
    V8_TARGET static void name(int64_t count, const float *x, float *out) {               \
        int64_t i = 0;                                                                    \
        for (; i + 8 <= count; i += 8) v8_store(out + i, vector(v8_load(x + i)));         \
        if (i < count) {                                                                  \
            float in[8] = {0}, result[8];                                                 \
            for (int64_t j = i; j < count; j++) in[j - i] = x[j];                         \
            v8_store(result, vector(v8_load(in)));                                        \
            for (int64_t j = i; j < count; j++) out[j] = result[j - i];                   \
        }                                                                                 \
    }

// The tail runs through the same vector code (padded), so every element of a buffer gets the
// same function whatever its position.
ELEMENTWISE_VECTOR(exp_vector, exp8)
ELEMENTWISE_VECTOR(sigmoid_vector, sigmoid8)
ELEMENTWISE_VECTOR(tanh_vector, tanh8)
ELEMENTWISE_VECTOR(silu_vector, silu8)
ELEMENTWISE_VECTOR(gelu_tanh_vector, gelu_tanh8)
ELEMENTWISE_VECTOR(gelu_vector, gelu8)

void cmk_exp(int64_t count, const float *x, float *out) {
    if (cmk_vector8_available()) exp_vector(count, x, out);
    else cmk_exp_portable(count, x, out);
}

void cmk_sigmoid(int64_t count, const float *x, float *out) {
    if (cmk_vector8_available()) sigmoid_vector(count, x, out);
    else cmk_sigmoid_portable(count, x, out);
}

void cmk_tanh(int64_t count, const float *x, float *out) {
    if (cmk_vector8_available()) tanh_vector(count, x, out);
    else cmk_tanh_portable(count, x, out);
}

void cmk_silu(int64_t count, const float *x, float *out) {
    if (cmk_vector8_available()) silu_vector(count, x, out);
    else cmk_silu_portable(count, x, out);
}

void cmk_gelu_tanh(int64_t count, const float *x, float *out) {
    if (cmk_vector8_available()) gelu_tanh_vector(count, x, out);
    else cmk_gelu_tanh_portable(count, x, out);
}

void cmk_gelu(int64_t count, const float *x, float *out) {
    if (cmk_vector8_available()) gelu_vector(count, x, out);
    else cmk_gelu_portable(count, x, out);
}

#else

void cmk_exp(int64_t count, const float *x, float *out) { cmk_exp_portable(count, x, out); }
void cmk_sigmoid(int64_t count, const float *x, float *out) { cmk_sigmoid_portable(count, x, out); }
void cmk_tanh(int64_t count, const float *x, float *out) { cmk_tanh_portable(count, x, out); }
void cmk_silu(int64_t count, const float *x, float *out) { cmk_silu_portable(count, x, out); }
void cmk_gelu_tanh(int64_t count, const float *x, float *out) { cmk_gelu_tanh_portable(count, x, out); }
void cmk_gelu(int64_t count, const float *x, float *out) { cmk_gelu_portable(count, x, out); }

#endif
