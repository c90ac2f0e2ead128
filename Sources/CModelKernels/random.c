// Fresh weights straight into float32 buffers: Philox4x32-10 blocks turned into uniform (with
// AVX-512 or AVX2 where the CPU has it, NEON on arm64), normal (Box–Muller) and truncated normal values.
// Element `first + i` of a stream depends only on the key and its index, so callers may fill
// any part of a tensor, on any thread. The values are those of `Philox` in ModelRuntime's
// Random.swift, bit for bit: the same double arithmetic, in the same order, with no fused
// multiply-adds (contraction is off below), and the same libm `log`, `sin` and `cos`.

#include "CModelKernels.h"

#include <math.h>
#include <stdint.h>

#pragma STDC FP_CONTRACT OFF

enum { STREAM_UNIFORM = 0, STREAM_NORMAL = 1, STREAM_TRUNCATED = 2 };

static inline void philox_block(uint32_t k0, uint32_t k1, uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3,
                                uint32_t out[4]) {
    uint32_t x0 = c0, x1 = c1, x2 = c2, x3 = c3;
    for (int round = 0; round < 10; round++) {
        const uint64_t p0 = (uint64_t)0xD2511F53u * x0;
        const uint64_t p1 = (uint64_t)0xCD9E8D57u * x2;
        const uint32_t y0 = (uint32_t)(p1 >> 32) ^ x1 ^ k0;
        const uint32_t y2 = (uint32_t)(p0 >> 32) ^ x3 ^ k1;
        x1 = (uint32_t)p1;
        x3 = (uint32_t)p0;
        x0 = y0;
        x2 = y2;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    out[0] = x0;
    out[1] = x1;
    out[2] = x2;
    out[3] = x3;
}

void cmk_philox_block(uint32_t key0, uint32_t key1, const uint32_t counter[4], uint32_t out[4]) {
    philox_block(key0, key1, counter[0], counter[1], counter[2], counter[3], out);
}

static inline float uniform_value(uint32_t bits, double scale, double shift) {
    const double unit = (double)(bits >> 8) * 0x1p-24;
    return (float)(unit * scale + shift);
}

// Elements [first, first + count) of the uniform stream, scalar.
static void uniform_scalar(uint32_t k0, uint32_t k1, uint64_t first, int64_t count, double scale, double shift, float *out) {
    uint64_t index = first;
    const uint64_t end = first + (uint64_t)count;
    while (index < end) {
        const uint64_t block = index / 4;
        uint32_t bits[4];
        philox_block(k0, k1, (uint32_t)block, (uint32_t)(block >> 32), STREAM_UNIFORM, 0, bits);
        for (unsigned lane = (unsigned)(index % 4); lane < 4 && index < end; lane++, index++) {
            *out++ = uniform_value(bits[lane], scale, shift);
        }
    }
}

void cmk_philox_uniform_portable(uint32_t key0, uint32_t key1, uint64_t first, int64_t count, double scale, double shift,
                                 float *out) {
    if (count > 0) uniform_scalar(key0, key1, first, count, scale, shift, out);
}

static inline void box_muller(uint32_t u, uint32_t v, double *z0, double *z1) {
    const double radius = sqrt(-2 * log(((double)(u >> 8) + 1) * 0x1p-24));
    const double angle = 2 * 3.141592653589793115997963468544185161590576171875 * ((double)(v >> 8) * 0x1p-24);
    *z0 = radius * cos(angle);
    *z1 = radius * sin(angle);
}

void cmk_philox_normal(uint32_t key0, uint32_t key1, uint64_t first, int64_t count, double scale, double shift, float *out) {
    if (count <= 0) return;
    uint64_t index = first;
    const uint64_t end = first + (uint64_t)count;
    while (index < end) {
        const uint64_t block = index / 4;
        uint32_t bits[4];
        philox_block(key0, key1, (uint32_t)block, (uint32_t)(block >> 32), STREAM_NORMAL, 0, bits);
        double z[4];
        const unsigned lane = (unsigned)(index % 4);
        if (lane < 2) box_muller(bits[0], bits[1], &z[0], &z[1]);
        if (end - index > 2 - (uint64_t)lane || lane >= 2) box_muller(bits[2], bits[3], &z[2], &z[3]);
        for (unsigned l = lane; l < 4 && index < end; l++, index++) *out++ = (float)(z[l] * scale + shift);
    }
}

void cmk_philox_truncated_normal(uint32_t key0, uint32_t key1, uint64_t first, int64_t count, double scale, double shift,
                                 float *out) {
    for (int64_t i = 0; i < count; i++) {
        const uint64_t index = first + (uint64_t)i;
        double value = 0;
        for (uint32_t attempt = 0;; attempt++) {
            uint32_t bits[4];
            philox_block(key0, key1, (uint32_t)index, (uint32_t)(index >> 32), STREAM_TRUNCATED, attempt, bits);
            double z0, z1;
            box_muller(bits[0], bits[1], &z0, &z1);
            if (fabs(z0) <= 2) { value = z0; break; }
            if (fabs(z1) <= 2) { value = z1; break; }
            box_muller(bits[2], bits[3], &z0, &z1);
            if (fabs(z0) <= 2) { value = z0; break; }
            if (fabs(z1) <= 2) { value = z1; break; }
        }
        out[i] = (float)(value * scale + shift);
    }
}

#if (defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))) || defined(__aarch64__)

// Fills one group of whole blocks (a kernel's width of values) starting at block `block`.
typedef void (*uniform_group)(uint32_t k0, uint32_t k1, uint64_t block, double scale, double shift, float *out);
typedef struct {
    uint64_t width;  // values per group, a multiple of 4
    uniform_group fill;
} uniform_kernel;

// Elements [first, first + count) of the uniform stream: the scalar kernel up to the first
// whole block, then each vector kernel in turn (widest first) over as many of its groups as
// fit, then the scalar kernel for the rest.
static void uniform_vector(const uniform_kernel *kernels, int kernelCount, uint32_t k0, uint32_t k1, uint64_t first,
                           int64_t count, double scale, double shift, float *out) {
    uint64_t index = first;
    const uint64_t end = first + (uint64_t)count;
    const uint64_t head = (4 - index % 4) % 4 < end - index ? (4 - index % 4) % 4 : end - index;
    uniform_scalar(k0, k1, index, (int64_t)head, scale, shift, out);
    index += head;
    out += head;
    for (int kernel = 0; kernel < kernelCount; kernel++) {
        const uint64_t width = kernels[kernel].width;
        while (width > 0 && end - index >= width) {
            const uint64_t block = index / 4;
            // Counters whose low words do not wrap (else the scalar path handles the carry).
            if ((uint32_t)block > 0xFFFFFFFFu - (uint32_t)(width / 4)) {
                uniform_scalar(k0, k1, index, (int64_t)width, scale, shift, out);
            } else {
                kernels[kernel].fill(k0, k1, block, scale, shift, out);
            }
            index += width;
            out += width;
        }
    }
    uniform_scalar(k0, k1, index, (int64_t)(end - index), scale, shift, out);
}

#endif

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

// The high and low 32 bits of the lane-wise 32×32-bit products `x · m`.
__attribute__((target("avx2")))
static inline void mul_hi_lo(__m256i x, __m256i m, __m256i *hi, __m256i *lo) {
    const __m256i even = _mm256_mul_epu32(x, m);
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), m);
    *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
    *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// Eight uniform values from eight 32-bit lanes, as the scalar `uniform_value` computes them.
__attribute__((target("avx2")))
static inline __m256 uniform8(__m256i bits, __m256d scale, __m256d shift) {
    const __m256i shifted = _mm256_srli_epi32(bits, 8);
    const __m256d unit = _mm256_set1_pd(0x1p-24);
    const __m256d low = _mm256_cvtepi32_pd(_mm256_castsi256_si128(shifted));
    const __m256d high = _mm256_cvtepi32_pd(_mm256_extracti128_si256(shifted, 1));
    const __m128 a = _mm256_cvtpd_ps(_mm256_add_pd(_mm256_mul_pd(_mm256_mul_pd(low, unit), scale), shift));
    const __m128 b = _mm256_cvtpd_ps(_mm256_add_pd(_mm256_mul_pd(_mm256_mul_pd(high, unit), scale), shift));
    return _mm256_insertf128_ps(_mm256_castps128_ps256(a), b, 1);
}

enum { GROUPS = 2 };

// Blocks [block, block + 8 · GROUPS) of the uniform stream, 32 · GROUPS values in stream order.
// The groups of eight blocks are independent, so their rounds overlap (one group alone waits
// on the multiplier's latency).
__attribute__((target("avx2")))
static void uniform_blocks(uint32_t k0, uint32_t k1, uint64_t block, double scaleValue, double shiftValue, float *out) {
    const __m256d scale = _mm256_set1_pd(scaleValue), shift = _mm256_set1_pd(shiftValue);
    __m256i x0[GROUPS], x1[GROUPS], x2[GROUPS], x3[GROUPS];
    for (int g = 0; g < GROUPS; g++) {
        x0[g] = _mm256_add_epi32(_mm256_set1_epi32((int)((uint32_t)block + 8 * (uint32_t)g)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        x1[g] = _mm256_set1_epi32((int)(uint32_t)(block >> 32));
        x2[g] = _mm256_set1_epi32(STREAM_UNIFORM);
        x3[g] = _mm256_setzero_si256();
    }
    const __m256i m0 = _mm256_set1_epi32((int)0xD2511F53u), m1 = _mm256_set1_epi32((int)0xCD9E8D57u);
    for (int round = 0; round < 10; round++) {
        const __m256i key0 = _mm256_set1_epi32((int)k0), key1 = _mm256_set1_epi32((int)k1);
        for (int g = 0; g < GROUPS; g++) {
            __m256i hi0, lo0, hi1, lo1;
            mul_hi_lo(x0[g], m0, &hi0, &lo0);
            mul_hi_lo(x2[g], m1, &hi1, &lo1);
            x0[g] = _mm256_xor_si256(_mm256_xor_si256(hi1, x1[g]), key0);
            x2[g] = _mm256_xor_si256(_mm256_xor_si256(hi0, x3[g]), key1);
            x1[g] = lo1;
            x3[g] = lo0;
        }
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    for (int g = 0; g < GROUPS; g++, out += 32) {
        const __m256 f0 = uniform8(x0[g], scale, shift), f1 = uniform8(x1[g], scale, shift);
        const __m256 f2 = uniform8(x2[g], scale, shift), f3 = uniform8(x3[g], scale, shift);
        // Lane j of f0..f3 is block j's four values: transpose to block order.
        const __m256 t0 = _mm256_unpacklo_ps(f0, f1), t1 = _mm256_unpackhi_ps(f0, f1);
        const __m256 t2 = _mm256_unpacklo_ps(f2, f3), t3 = _mm256_unpackhi_ps(f2, f3);
        const __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)), u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
        const __m256 u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)), u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
        _mm256_storeu_ps(out, _mm256_permute2f128_ps(u0, u1, 0x20));
        _mm256_storeu_ps(out + 8, _mm256_permute2f128_ps(u2, u3, 0x20));
        _mm256_storeu_ps(out + 16, _mm256_permute2f128_ps(u0, u1, 0x31));
        _mm256_storeu_ps(out + 24, _mm256_permute2f128_ps(u2, u3, 0x31));
    }
}

// The AVX-512 kernel: the same rounds on eight blocks per register, each block's words in
// 64-bit lanes, so one `vpmuludq` gives a word's whole product (high half: shift; low half:
// the lane as it is, whose upper bits no later step reads) and one `vpternlogd` does each
// round's three-way xor. Four independent groups of eight blocks overlap their rounds.
enum { GROUPS512 = 4 };

__attribute__((target("avx512f,avx512dq")))
static inline __m256 uniform8_512(__m512i words, __m512d scale, __m512d shift) {
    const __m512i bits = _mm512_and_si512(_mm512_srli_epi64(words, 8), _mm512_set1_epi64(0xFFFFFF));
    const __m512d unit = _mm512_mul_pd(_mm512_cvtepi64_pd(bits), _mm512_set1_pd(0x1p-24));
    return _mm512_cvtpd_ps(_mm512_add_pd(_mm512_mul_pd(unit, scale), shift));
}

__attribute__((target("avx512f,avx512dq")))
static void uniform_blocks_avx512(uint32_t k0, uint32_t k1, uint64_t block, double scaleValue, double shiftValue, float *out) {
    const __m512d scale = _mm512_set1_pd(scaleValue), shift = _mm512_set1_pd(shiftValue);
    __m512i x0[GROUPS512], x1[GROUPS512], x2[GROUPS512], x3[GROUPS512];
    const __m512i lanes = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
    for (int g = 0; g < GROUPS512; g++) {
        x0[g] = _mm512_add_epi64(_mm512_set1_epi64((uint32_t)block + 8 * (uint32_t)g), lanes);
        x1[g] = _mm512_set1_epi64((uint32_t)(block >> 32));
        x2[g] = _mm512_set1_epi64(STREAM_UNIFORM);
        x3[g] = _mm512_setzero_si512();
    }
    const __m512i m0 = _mm512_set1_epi64(0xD2511F53u), m1 = _mm512_set1_epi64(0xCD9E8D57u);
    for (int round = 0; round < 10; round++) {
        const __m512i key0 = _mm512_set1_epi64(k0), key1 = _mm512_set1_epi64(k1);
        for (int g = 0; g < GROUPS512; g++) {
            const __m512i p0 = _mm512_mul_epu32(x0[g], m0), p1 = _mm512_mul_epu32(x2[g], m1);
            x0[g] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), x1[g], key0, 0x96);
            x2[g] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), x3[g], key1, 0x96);
            x1[g] = p1;
            x3[g] = p0;
        }
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    // Lane j of word c is value 4j + c of the group's 32: interleave the four words.
    const __m512i first = _mm512_setr_epi32(0, 8, 16, 24, 1, 9, 17, 25, 2, 10, 18, 26, 3, 11, 19, 27);
    const __m512i second = _mm512_setr_epi32(4, 12, 20, 28, 5, 13, 21, 29, 6, 14, 22, 30, 7, 15, 23, 31);
    for (int g = 0; g < GROUPS512; g++, out += 32) {
        const __m512 words01 = _mm512_insertf32x8(_mm512_castps256_ps512(uniform8_512(x0[g], scale, shift)),
                                                  uniform8_512(x1[g], scale, shift), 1);
        const __m512 words23 = _mm512_insertf32x8(_mm512_castps256_ps512(uniform8_512(x2[g], scale, shift)),
                                                  uniform8_512(x3[g], scale, shift), 1);
        _mm512_storeu_ps(out, _mm512_permutex2var_ps(words01, first, words23));
        _mm512_storeu_ps(out + 16, _mm512_permutex2var_ps(words01, second, words23));
    }
}

void cmk_philox_uniform_at_level(int level, uint32_t key0, uint32_t key1, uint64_t first, int64_t count, double scale,
                                 double shift, float *out) {
    if (count <= 0) return;
    const int available = cmk_simd_level();
    if (level > available) level = available;
    const uniform_kernel kernels[2] = {{32 * GROUPS512, uniform_blocks_avx512}, {32 * GROUPS, uniform_blocks}};
    if (level >= 1) uniform_vector(kernels + (level >= 2 ? 0 : 1), level >= 2 ? 2 : 1, key0, key1, first, count, scale, shift, out);
    else uniform_scalar(key0, key1, first, count, scale, shift, out);
}

#elif defined(__aarch64__)
#include <arm_neon.h>

// NEON: four blocks per group of registers (block j's words in lane j), two groups overlapping
// their rounds. `vmull_u32` gives two lanes' 64-bit products; the high and low words are
// gathered back with `vuzp`.
enum { GROUPS_NEON = 2 };

static inline void mul_hi_lo_neon(uint32x4_t x, uint32x4_t m, uint32x4_t *hi, uint32x4_t *lo) {
    const uint32x4_t first = vreinterpretq_u32_u64(vmull_u32(vget_low_u32(x), vget_low_u32(m)));
    const uint32x4_t second = vreinterpretq_u32_u64(vmull_high_u32(x, m));
    *lo = vuzp1q_u32(first, second);
    *hi = vuzp2q_u32(first, second);
}

// Four uniform values from four 32-bit lanes, as the scalar `uniform_value` computes them.
static inline float32x4_t uniform4(uint32x4_t bits, float64x2_t scale, float64x2_t shift) {
    const uint32x4_t shifted = vshrq_n_u32(bits, 8);
    const float64x2_t unit = vdupq_n_f64(0x1p-24);
    const float64x2_t low = vcvtq_f64_u64(vmovl_u32(vget_low_u32(shifted)));
    const float64x2_t high = vcvtq_f64_u64(vmovl_high_u32(shifted));
    const float32x2_t a = vcvt_f32_f64(vaddq_f64(vmulq_f64(vmulq_f64(low, unit), scale), shift));
    return vcvt_high_f32_f64(a, vaddq_f64(vmulq_f64(vmulq_f64(high, unit), scale), shift));
}

static void uniform_blocks_neon(uint32_t k0, uint32_t k1, uint64_t block, double scaleValue, double shiftValue, float *out) {
    const float64x2_t scale = vdupq_n_f64(scaleValue), shift = vdupq_n_f64(shiftValue);
    const uint32_t lanes[4] = {0, 1, 2, 3};
    uint32x4_t x0[GROUPS_NEON], x1[GROUPS_NEON], x2[GROUPS_NEON], x3[GROUPS_NEON];
    for (int g = 0; g < GROUPS_NEON; g++) {
        x0[g] = vaddq_u32(vdupq_n_u32((uint32_t)block + 4 * (uint32_t)g), vld1q_u32(lanes));
        x1[g] = vdupq_n_u32((uint32_t)(block >> 32));
        x2[g] = vdupq_n_u32(STREAM_UNIFORM);
        x3[g] = vdupq_n_u32(0);
    }
    const uint32x4_t m0 = vdupq_n_u32(0xD2511F53u), m1 = vdupq_n_u32(0xCD9E8D57u);
    for (int round = 0; round < 10; round++) {
        const uint32x4_t key0 = vdupq_n_u32(k0), key1 = vdupq_n_u32(k1);
        for (int g = 0; g < GROUPS_NEON; g++) {
            uint32x4_t hi0, lo0, hi1, lo1;
            mul_hi_lo_neon(x0[g], m0, &hi0, &lo0);
            mul_hi_lo_neon(x2[g], m1, &hi1, &lo1);
            x0[g] = veorq_u32(veorq_u32(hi1, x1[g]), key0);
            x2[g] = veorq_u32(veorq_u32(hi0, x3[g]), key1);
            x1[g] = lo1;
            x3[g] = lo0;
        }
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    // Lane j of word c is value 4j + c: an interleaving store puts them in stream order.
    for (int g = 0; g < GROUPS_NEON; g++, out += 16) {
        const float32x4x4_t words = {{uniform4(x0[g], scale, shift), uniform4(x1[g], scale, shift),
                                      uniform4(x2[g], scale, shift), uniform4(x3[g], scale, shift)}};
        vst4q_f32(out, words);
    }
}

void cmk_philox_uniform_at_level(int level, uint32_t key0, uint32_t key1, uint64_t first, int64_t count, double scale,
                                 double shift, float *out) {
    if (count <= 0) return;
    const uniform_kernel kernels[1] = {{16 * GROUPS_NEON, uniform_blocks_neon}};
    if (level >= 1) uniform_vector(kernels, 1, key0, key1, first, count, scale, shift, out);
    else uniform_scalar(key0, key1, first, count, scale, shift, out);
}

#else

void cmk_philox_uniform_at_level(int level, uint32_t key0, uint32_t key1, uint64_t first, int64_t count, double scale,
                                 double shift, float *out) {
    (void)level;
    cmk_philox_uniform_portable(key0, key1, first, count, scale, shift, out);
}

#endif

void cmk_philox_uniform(uint32_t key0, uint32_t key1, uint64_t first, int64_t count, double scale, double shift, float *out) {
    cmk_philox_uniform_at_level(2, key0, key1, first, count, scale, shift, out);
}
