// Eight float32 lanes for the kernels written once for both vector instruction sets: one AVX2
// register on x86-64 (chosen at run time, so every function carries the target attribute), or
// two NEON registers on arm64 (always there). Each operation gives the same bits on both: the
// comparisons and selections spell out their NaN rules, and `v8_fma` is fused on both.
//
// Kernels include this header, test `CMK_VECTOR8` and `cmk_vector8_available()`, and mark their
// own vector functions `V8_TARGET`. Private to CModelKernels.

#ifndef CMK_VECTOR8_H
#define CMK_VECTOR8_H

#include "CModelKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define CMK_VECTOR8 1
#define V8_TARGET __attribute__((target("avx2,fma")))
// Inlined even in debug builds, where a call per lane operation would dominate.
#define V8 static inline __attribute__((always_inline, target("avx2,fma")))

typedef __m256 v8f;
typedef __m256i v8i;

static inline int cmk_vector8_available(void) { return cmk_has_avx2_fma(); }

V8 v8f v8_load(const float *p) { return _mm256_loadu_ps(p); }
V8 void v8_store(float *p, v8f v) { _mm256_storeu_ps(p, v); }
V8 v8f v8_set(float x) { return _mm256_set1_ps(x); }
V8 v8f v8_add(v8f a, v8f b) { return _mm256_add_ps(a, b); }
V8 v8f v8_sub(v8f a, v8f b) { return _mm256_sub_ps(a, b); }
V8 v8f v8_mul(v8f a, v8f b) { return _mm256_mul_ps(a, b); }
V8 v8f v8_div(v8f a, v8f b) { return _mm256_div_ps(a, b); }
/// √x, correctly rounded (as `sqrtf`).
V8 v8f v8_sqrt(v8f x) { return _mm256_sqrt_ps(x); }
/// `a · b + c`, rounded once.
V8 v8f v8_fma(v8f a, v8f b, v8f c) { return _mm256_fmadd_ps(a, b, c); }
/// `c − a · b`, rounded once.
V8 v8f v8_fnma(v8f a, v8f b, v8f c) { return _mm256_fnmadd_ps(a, b, c); }
/// `a < x ? a : x` per lane (x when either is NaN).
V8 v8f v8_lesser(v8f a, v8f x) { return _mm256_min_ps(a, x); }
/// `a > x ? a : x` per lane (x when either is NaN).
V8 v8f v8_greater(v8f a, v8f x) { return _mm256_max_ps(a, x); }
/// `x ≥ m ? x : m` per lane (m when either is NaN).
V8 v8f v8_at_least(v8f x, v8f m) { return _mm256_blendv_ps(m, x, _mm256_cmp_ps(x, m, _CMP_GE_OQ)); }
/// `x < bound ? a : b` per lane (b when x is NaN).
V8 v8f v8_below(v8f x, v8f bound, v8f a, v8f b) { return _mm256_blendv_ps(b, a, _mm256_cmp_ps(x, bound, _CMP_LT_OQ)); }
/// |x|, and `magnitude` (sign bit clear) given the sign of `x`.
V8 v8f v8_abs(v8f x) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x); }
V8 v8f v8_with_sign_of(v8f magnitude, v8f x) { return _mm256_or_ps(magnitude, _mm256_and_ps(x, _mm256_set1_ps(-0.0f))); }
/// x rounded to the nearest integer (ties to even), as a float and as an integer.
V8 v8f v8_round(v8f x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
V8 v8i v8_to_int(v8f integral) { return _mm256_cvtps_epi32(integral); }
/// 2^k as a float for integer lanes k in [-126, 127].
V8 v8f v8_pow2(v8i k) { return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k, _mm256_set1_epi32(127)), 23)); }
V8 v8i v8_half(v8i k) { return _mm256_srai_epi32(k, 1); }
V8 v8i v8_isub(v8i a, v8i b) { return _mm256_sub_epi32(a, b); }

#elif defined(__aarch64__)
#include <arm_neon.h>

#define CMK_VECTOR8 1
#define V8_TARGET
#define V8 static inline __attribute__((always_inline))

typedef struct { float32x4_t lo, hi; } v8f;
typedef struct { int32x4_t lo, hi; } v8i;

static inline int cmk_vector8_available(void) { return 1; }

V8 v8f v8_load(const float *p) { return (v8f){vld1q_f32(p), vld1q_f32(p + 4)}; }
V8 void v8_store(float *p, v8f v) { vst1q_f32(p, v.lo); vst1q_f32(p + 4, v.hi); }
V8 v8f v8_set(float x) { return (v8f){vdupq_n_f32(x), vdupq_n_f32(x)}; }
#define V8_BINARY(name, intrinsic) \
    V8 v8f name(v8f a, v8f b) { return (v8f){intrinsic(a.lo, b.lo), intrinsic(a.hi, b.hi)}; }
V8_BINARY(v8_add, vaddq_f32)
V8_BINARY(v8_sub, vsubq_f32)
V8_BINARY(v8_mul, vmulq_f32)
V8_BINARY(v8_div, vdivq_f32)
#undef V8_BINARY
V8 v8f v8_sqrt(v8f x) { return (v8f){vsqrtq_f32(x.lo), vsqrtq_f32(x.hi)}; }
V8 v8f v8_fma(v8f a, v8f b, v8f c) { return (v8f){vfmaq_f32(c.lo, a.lo, b.lo), vfmaq_f32(c.hi, a.hi, b.hi)}; }
V8 v8f v8_fnma(v8f a, v8f b, v8f c) { return (v8f){vfmsq_f32(c.lo, a.lo, b.lo), vfmsq_f32(c.hi, a.hi, b.hi)}; }
V8 v8f v8_lesser(v8f a, v8f x) {
    return (v8f){vbslq_f32(vcltq_f32(a.lo, x.lo), a.lo, x.lo), vbslq_f32(vcltq_f32(a.hi, x.hi), a.hi, x.hi)};
}
V8 v8f v8_greater(v8f a, v8f x) {
    return (v8f){vbslq_f32(vcgtq_f32(a.lo, x.lo), a.lo, x.lo), vbslq_f32(vcgtq_f32(a.hi, x.hi), a.hi, x.hi)};
}
V8 v8f v8_at_least(v8f x, v8f m) {
    return (v8f){vbslq_f32(vcgeq_f32(x.lo, m.lo), x.lo, m.lo), vbslq_f32(vcgeq_f32(x.hi, m.hi), x.hi, m.hi)};
}
V8 v8f v8_below(v8f x, v8f bound, v8f a, v8f b) {
    return (v8f){vbslq_f32(vcltq_f32(x.lo, bound.lo), a.lo, b.lo), vbslq_f32(vcltq_f32(x.hi, bound.hi), a.hi, b.hi)};
}
V8 v8f v8_abs(v8f x) { return (v8f){vabsq_f32(x.lo), vabsq_f32(x.hi)}; }
V8 v8f v8_with_sign_of(v8f magnitude, v8f x) {
    const uint32x4_t sign = vdupq_n_u32(0x80000000u);
    return (v8f){vbslq_f32(sign, x.lo, magnitude.lo), vbslq_f32(sign, x.hi, magnitude.hi)};
}
V8 v8f v8_round(v8f x) { return (v8f){vrndnq_f32(x.lo), vrndnq_f32(x.hi)}; }
V8 v8i v8_to_int(v8f integral) { return (v8i){vcvtnq_s32_f32(integral.lo), vcvtnq_s32_f32(integral.hi)}; }
V8 v8f v8_pow2(v8i k) {
    const int32x4_t bias = vdupq_n_s32(127);
    return (v8f){vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(k.lo, bias), 23)),
                 vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(k.hi, bias), 23))};
}
V8 v8i v8_half(v8i k) { return (v8i){vshrq_n_s32(k.lo, 1), vshrq_n_s32(k.hi, 1)}; }
V8 v8i v8_isub(v8i a, v8i b) { return (v8i){vsubq_s32(a.lo, b.lo), vsubq_s32(a.hi, b.hi)}; }

#endif

#endif
