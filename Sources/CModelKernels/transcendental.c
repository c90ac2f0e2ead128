// exp, sigmoid and tanh over float32 buffers, eight lanes at a time with AVX2/FMA where the CPU
// has it, within a few units in the last place of the exact values (the tests bound the error
// against a double-precision reference). The portable paths call libm.
//
// exp: e^x = 2^n · e^r with n = round(x · log2 e) and r = x − n · ln 2 in two parts (fused, so
// r is exact to about 2^-32), e^r by its Taylor polynomial of degree 7 on |r| ≤ ln 2 / 2
// (truncation under 2^-27 of the result), and 2^n applied in two halves so that results down
// to the subnormal range and up to overflow come out right. sigmoid: 1 / (1 + e^−x). tanh: its
// odd Taylor polynomial of degree 17 below |x| = 1/2, else 1 − 2 / (e^2|x| + 1), with x's sign.

#include "CModelKernels.h"

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

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

// 2^k for integer lanes k in [-126, 127].
__attribute__((target("avx2,fma")))
static inline __m256 pow2i(__m256i k) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k, _mm256_set1_epi32(127)), 23));
}

__attribute__((target("avx2,fma")))
static inline __m256 exp8(__m256 x) {
    // Past these bounds the result is +inf or 0 anyway; min/max keep NaN (second operand).
    x = _mm256_min_ps(_mm256_set1_ps(89.0f), x);
    x = _mm256_max_ps(_mm256_set1_ps(-104.0f), x);
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440054690583e-4f), r);
    __m256 p = _mm256_set1_ps(1.0f / 5040);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    // n in [-150, 129]: 2^n as 2^(n/2) · 2^(n − n/2), each factor a normal number.
    const __m256i k = _mm256_cvtps_epi32(n);
    const __m256i half = _mm256_srai_epi32(k, 1);
    return _mm256_mul_ps(_mm256_mul_ps(p, pow2i(half)), pow2i(_mm256_sub_epi32(k, half)));
}

__attribute__((target("avx2,fma")))
static inline __m256 sigmoid8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

__attribute__((target("avx2,fma")))
static inline __m256 tanh8(__m256 x) {
    const __m256 signBit = _mm256_set1_ps(-0.0f);
    const __m256 ax = _mm256_andnot_ps(signBit, x);
    // Small |x|: x · (1 + x² · q(x²)), q the odd Taylor series of tanh to x^17 divided by x³.
    const __m256 x2 = _mm256_mul_ps(ax, ax);
    __m256 p = _mm256_set1_ps(6404582.0f / 10854718875.0f);
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-929569.0f / 638512875.0f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(21844.0f / 6081075.0f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-1382.0f / 155925.0f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(62.0f / 2835.0f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-17.0f / 315.0f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(2.0f / 15.0f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-1.0f / 3.0f));
    const __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, x2), ax, ax);
    // Otherwise 1 − 2 / (e^2|x| + 1) (1 for large |x|, NaN for NaN).
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 e = exp8(_mm256_add_ps(ax, ax));
    const __m256 large = _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
    const __m256 result = _mm256_blendv_ps(large, small, _mm256_cmp_ps(ax, _mm256_set1_ps(0.5f), _CMP_LT_OQ));
    return _mm256_or_ps(result, _mm256_and_ps(x, signBit));
}

#define ELEMENTWISE_AVX2(name, vector)                                                                 \
    __attribute__((target("avx2,fma"))) static void name(int64_t count, const float *x, float *out) { \
        int64_t i = 0;                                                                                 \
        for (; i + 8 <= count; i += 8) _mm256_storeu_ps(out + i, vector(_mm256_loadu_ps(x + i)));      \
        if (i < count) {                                                                               \
            float in[8] = {0}, result[8];                                                              \
            for (int64_t j = i; j < count; j++) in[j - i] = x[j];                                      \
            _mm256_storeu_ps(result, vector(_mm256_loadu_ps(in)));                                     \
            for (int64_t j = i; j < count; j++) out[j] = result[j - i];                                \
        }                                                                                              \
    }

// The tail runs through the same vector code (padded), so every element of a buffer gets the
// same function whatever its position.
ELEMENTWISE_AVX2(exp_avx2, exp8)
ELEMENTWISE_AVX2(sigmoid_avx2, sigmoid8)
ELEMENTWISE_AVX2(tanh_avx2, tanh8)

void cmk_exp(int64_t count, const float *x, float *out) {
    if (cmk_has_avx2_fma()) exp_avx2(count, x, out);
    else cmk_exp_portable(count, x, out);
}

void cmk_sigmoid(int64_t count, const float *x, float *out) {
    if (cmk_has_avx2_fma()) sigmoid_avx2(count, x, out);
    else cmk_sigmoid_portable(count, x, out);
}

void cmk_tanh(int64_t count, const float *x, float *out) {
    if (cmk_has_avx2_fma()) tanh_avx2(count, x, out);
    else cmk_tanh_portable(count, x, out);
}

#else

void cmk_exp(int64_t count, const float *x, float *out) { cmk_exp_portable(count, x, out); }
void cmk_sigmoid(int64_t count, const float *x, float *out) { cmk_sigmoid_portable(count, x, out); }
void cmk_tanh(int64_t count, const float *x, float *out) { cmk_tanh_portable(count, x, out); }

#endif
