// The CModelKernels vector paths against their portable loops and double-precision references,
// as a plain C program, so that the arm64 (NEON) paths can be checked under emulation on an
// x86-64 machine: tools/check-arm64-kernels.sh builds it for both and runs it. The Swift tests
// check the same properties on the machine they run on.
//
// Exits 1 when a check fails. Prints one FNV-1a hash of the exp, sigmoid, tanh, SiLU and GELU
// outputs over a fixed sweep: the script compares it across the two builds, since both vector
// paths compute the same operations in the same order.

#include "CModelKernels.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(condition, ...)                                    \
    do {                                                         \
        if (!(condition)) {                                      \
            fprintf(stderr, "kernel_check: FAILED: " __VA_ARGS__); \
            fprintf(stderr, "\n");                               \
            failures++;                                          \
            if (failures > 20) exit(1);                          \
        }                                                        \
    } while (0)

// A small deterministic generator (xorshift), values in [-1, 1).
static uint64_t state = 0x9E3779B97F4A7C15u;
static float next_value(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (float)((double)(state >> 40) / (double)(1u << 23) - 1.0);
}

static float *values(size_t count) {
    float *out = malloc(sizeof(float) * (count ? count : 1));
    for (size_t i = 0; i < count; i++) out[i] = next_value();
    return out;
}

static int same_bits(const float *a, const float *b, size_t count) { return memcmp(a, b, sizeof(float) * count) == 0; }

// Matrix products at the sizes that reach every edge of the tiles (NEON's 8×12, AVX2's 6×16,
// AVX-512's 12×32), the few-row path (fewer than 16 rows), more depth than one cache block (256)
// and more columns than one (1024), with leading dimensions wider than the matrices.
static void check_sgemm(int level, int m, int n, int k, int withBias) {
    const int lda = k + 3, ldb = n + 5, ldc = n + 2;
    float *a = values((size_t)m * lda), *b = values((size_t)k * ldb), *bias = values((size_t)n);
    float *c = malloc(sizeof(float) * (size_t)m * ldc);
    for (size_t i = 0; i < (size_t)m * ldc; i++) c[i] = 12345;
    cmk_sgemm_at_level(level, m, n, k, a, lda, b, ldb, c, ldc, withBias ? bias : NULL);
    double worst = 0;
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            double exact = withBias ? bias[j] : 0, magnitude = fabs(exact);
            for (int p = 0; p < k; p++) {
                const double term = (double)a[(size_t)i * lda + p] * b[(size_t)p * ldb + j];
                exact += term;
                magnitude += fabs(term);
            }
            // Float sums of k + 1 terms: within (k + 1) units of 2^-24 of the magnitudes' sum.
            const double error = fabs(c[(size_t)i * ldc + j] - exact) / (magnitude * (k + 1) * 0x1p-24 + 1e-30);
            if (error > worst) worst = error;
        }
        for (int j = n; j < ldc; j++) CHECK(c[(size_t)i * ldc + j] == 12345, "sgemm %dx%dx%d wrote past column %d", m, n, k, n);
    }
    CHECK(worst <= 1, "sgemm level %d %dx%dx%d bias %d: error %.3g of the bound", level, m, n, k, withBias, worst);
    free(a);
    free(b);
    free(bias);
    free(c);
}

// A right-hand matrix packed once (cmk_sgemm_pack) gives the bits of the product that packs it
// itself, for row counts the blocked path takes (16 or more on every architecture).
static void check_prepacked(int level, int m, int n, int k, int withBias) {
    const int lda = k + 3, ldb = n + 5, ldc = n + 2;
    float *a = values((size_t)m * lda), *b = values((size_t)k * ldb), *bias = values((size_t)n);
    float *direct = malloc(sizeof(float) * (size_t)m * ldc), *reused = malloc(sizeof(float) * (size_t)m * ldc);
    const size_t count = cmk_sgemm_packed_count(level, k, n);
    CHECK(level == 0 || count > 0, "sgemm level %d: no packed form for %dx%d", level, k, n);
    float *packed = count ? malloc(sizeof(float) * count) : NULL;
    if (packed) cmk_sgemm_pack(level, k, n, b, ldb, packed);
    for (size_t i = 0; i < (size_t)m * ldc; i++) direct[i] = reused[i] = 12345;
    cmk_sgemm_at_level(level, m, n, k, a, lda, b, ldb, direct, ldc, withBias ? bias : NULL);
    cmk_sgemm_prepacked(level, m, n, k, a, lda, b, ldb, packed, reused, ldc, withBias ? bias : NULL);
    CHECK(same_bits(direct, reused, (size_t)m * ldc), "sgemm level %d %dx%dx%d bias %d: prepacked bits differ", level,
          m, n, k, withBias);
    free(a);
    free(b);
    free(bias);
    free(direct);
    free(reused);
    free(packed);
}

static void check_sgemms(void) {
    const int rows[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 25, 100};
    const int columns[] = {1, 3, 4, 5, 7, 12, 13, 16, 17, 31, 33, 100};
    const int depths[] = {1, 7, 17, 100, 300};
    for (int level = 0; level <= cmk_simd_level(); level++)
        for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
            for (size_t j = 0; j < sizeof columns / sizeof *columns; j++)
                for (size_t p = 0; p < sizeof depths / sizeof *depths; p++)
                    check_sgemm(level, rows[i], columns[j], depths[p], (int)((i + j + p) % 2));
    for (int level = 0; level <= cmk_simd_level(); level++) {
        check_sgemm(level, 250, 1030, 10, 1);
        check_sgemm(level, 130, 100, 513, 0);
        check_prepacked(level, 16, 1024, 256, 0);
        check_prepacked(level, 17, 1030, 300, 1);
        check_prepacked(level, 250, 33, 513, 1);
    }
    // 0 · inf is NaN on every path, as in Keras.
    const float a[2] = {0, 1}, b[2] = {INFINITY, 1};
    float c[1];
    cmk_sgemm(1, 1, 2, a, 2, b, 1, c, 1, NULL);
    CHECK(isnan(c[0]), "sgemm: 0 · inf gave %g", c[0]);
}

// Depthwise convolution and pooling: the vector path gives the portable loop's bits.
static void check_window(int channels, int kH, int kW, int stride, int dilation, int pad) {
    cmk_window2d g = {2, 9, 11, channels, 0, 0, kH, kW, stride, stride + 1, dilation, 1, pad, pad};
    g.outH = (g.inH + 2 * pad - (kH - 1) * dilation - 1) / g.strideH + 1;
    g.outW = (g.inW + 2 * pad - (kW - 1) - 1) / g.strideW + 1;
    const size_t inCount = (size_t)g.batch * g.inH * g.inW * channels;
    const size_t outCount = (size_t)g.batch * g.outH * g.outW * channels;
    float *x = values(inCount), *kernel = values((size_t)kH * kW * channels), *bias = values((size_t)channels);
    x[inCount / 3] = NAN;
    x[inCount / 2] = -0.0f;
    float *fast = malloc(sizeof(float) * outCount), *portable = malloc(sizeof(float) * outCount);
    const int64_t rows = (int64_t)g.batch * g.outH;
    for (int withBias = 0; withBias < 2; withBias++) {
        cmk_depthwise2d(&g, 0, rows, x, kernel, withBias ? bias : NULL, fast);
        cmk_depthwise2d_portable(&g, 0, rows, x, kernel, withBias ? bias : NULL, portable);
        CHECK(same_bits(fast, portable, outCount), "depthwise2d channels %d window %dx%d stride %d", channels, kH, kW, stride);
    }
    for (int isMax = 0; isMax < 2; isMax++) {
        cmk_pool2d(&g, isMax, 0, rows, x, fast);
        cmk_pool2d_portable(&g, isMax, 0, rows, x, portable);
        CHECK(same_bits(fast, portable, outCount), "pool2d max %d channels %d window %dx%d", isMax, channels, kH, kW);
    }
    free(x);
    free(kernel);
    free(bias);
    free(fast);
    free(portable);
}

static void check_windows(void) {
    const int channels[] = {1, 7, 8, 17, 33, 100};
    for (size_t c = 0; c < sizeof channels / sizeof *channels; c++) {
        check_window(channels[c], 3, 3, 1, 1, 1);
        check_window(channels[c], 3, 3, 2, 1, 0);
        check_window(channels[c], 2, 3, 1, 2, 2);
        check_window(channels[c], 1, 1, 1, 1, 0);
    }
}

// Scale-and-shift, add and (capped) ReLU: the vector path gives the portable loop's bits,
// NaN, −0 and infinities included.
static void check_elementwise(void) {
    for (int count = 1; count <= 100; count += (count < 20 ? 1 : 27)) {
        float *x = values((size_t)count), *y = values((size_t)count), *fast = values((size_t)count);
        float *portable = values((size_t)count);
        x[0] = NAN;
        if (count > 1) x[1] = -0.0f;
        if (count > 2) x[2] = INFINITY;
        if (count > 3) x[3] = 7;
        cmk_relu(count, x, fast);
        cmk_relu_portable(count, x, portable);
        CHECK(same_bits(fast, portable, (size_t)count), "relu count %d", count);
        cmk_relu_capped(count, x, 0.5f, fast);
        cmk_relu_capped_portable(count, x, 0.5f, portable);
        CHECK(same_bits(fast, portable, (size_t)count), "relu_capped count %d", count);
        cmk_add(count, x, y, fast);
        cmk_add_portable(count, x, y, portable);
        CHECK(same_bits(fast, portable, (size_t)count), "add count %d", count);
        {
            // Adam's step: the moments and the weight, from the same starting values.
            float *m1 = values((size_t)count), *v1 = values((size_t)count), *w1 = values((size_t)count);
            float *m2 = values((size_t)count), *v2 = values((size_t)count), *w2 = values((size_t)count);
            for (int i = 0; i < count; i++) {
                v1[i] = v2[i] = fabsf(v1[i]);
                m2[i] = m1[i];
                w2[i] = w1[i];
            }
            cmk_adam_update(count, y, m1, v1, w1, 0.1f, 0.001f, 0.01f, 1e-7f);
            cmk_adam_update_portable(count, y, m2, v2, w2, 0.1f, 0.001f, 0.01f, 1e-7f);
            CHECK(same_bits(m1, m2, (size_t)count) && same_bits(v1, v2, (size_t)count) && same_bits(w1, w2, (size_t)count),
                  "adam count %d", count);
            free(m1);
            free(v1);
            free(w1);
            free(m2);
            free(v2);
            free(w2);
        }
        for (int channels = 1; channels <= count; channels += 6) {
            const int rows = count / channels;
            cmk_scale_shift(rows, channels, x, y, y + 1, fast);
            cmk_scale_shift_portable(rows, channels, x, y, y + 1, portable);
            CHECK(same_bits(fast, portable, (size_t)(rows * channels)), "scale_shift %d×%d", rows, channels);
        }
        free(x);
        free(y);
        free(fast);
        free(portable);
    }
}

// The uniform stream's vector kernels give the portable loop's bits, from any first element
// (whole and partial blocks, counters whose low word wraps) and for any count.
static void check_uniform(void) {
    const uint64_t firsts[] = {0, 1, 3, 4, 5, 1000, 4 * (uint64_t)0xFFFFFFF0u + 1, 4 * (uint64_t)0xFFFFFFFFu - 6};
    const int64_t counts[] = {1, 3, 4, 15, 16, 17, 31, 33, 127, 129, 1000};
    for (int level = 1; level <= (cmk_simd_level() > 0 ? cmk_simd_level() : 1); level++)
        for (size_t f = 0; f < sizeof firsts / sizeof *firsts; f++)
            for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
                float fast[1000], portable[1000];
                cmk_philox_uniform_at_level(level, 0x12345678u, 0x9ABCDEF0u, firsts[f], counts[c], 0.25, -0.125, fast);
                cmk_philox_uniform_portable(0x12345678u, 0x9ABCDEF0u, firsts[f], counts[c], 0.25, -0.125, portable);
                CHECK(same_bits(fast, portable, (size_t)counts[c]), "uniform level %d first %llu count %lld", level,
                      (unsigned long long)firsts[f], (long long)counts[c]);
            }
}

// The distance from `value` to `exact` in units in the last place of (float)exact.
static double ulps(float value, double exact) {
    if (isnan(exact)) return isnan(value) ? 0 : INFINITY;
    const float rounded = (float)exact;
    if (isinf(rounded)) return value == rounded ? 0 : INFINITY;
    const float ulp = fmaxf(nextafterf(fabsf(rounded), INFINITY) - fabsf(rounded), 0x1p-149f);
    return fabs((double)value - exact) / ulp;
}

static uint64_t hash = 0xCBF29CE484222325u;
static void hash_floats(const float *x, size_t count) {
    const unsigned char *bytes = (const unsigned char *)x;
    for (size_t i = 0; i < count * sizeof(float); i++) hash = (hash ^ bytes[i]) * 0x100000001B3u;
}

static double gelu_tanh_exact(double v) { return 0.5 * v * (1 + tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))); }
static double gelu_exact(double v) { return 0.5 * v * (1 + erf(v * 0.7071067811865476)); }

// A GELU kernel within 4 ulp of its formula plus the tanh's or erf's error (2 ulp of 1) carried
// through `1 + tanh` or `1 + erf` where the two nearly cancel; its outputs go into the hash.
static void check_gelu(const char *name, void (*kernel)(int64_t, const float *, float *), double (*exact)(double),
                       const float *x, float *out, int count) {
    kernel(count, x, out);
    double worst = 0;
    for (int i = 0; i < count; i++) {
        const double e = exact(x[i]);
        const float rounded = fabsf((float)e);
        const double ulp = fmaxf(nextafterf(rounded, INFINITY) - rounded, 0x1p-149f);
        const double error = fabs(out[i] - e) / (4 * ulp + 0.5 * fabs((double)x[i]) * 2 * 0x1p-24);
        if (error > worst) worst = error;
    }
    CHECK(worst <= 1, "%s: worst %.3g of the allowed error", name, worst);
    hash_floats(out, (size_t)count);
}

// exp within 1 ulp, tanh within 2, sigmoid within 3 of its formula (as the Swift tests bound
// them), over about 400 000 values denser near zero, plus the special values.
static void check_transcendental(void) {
    enum { COUNT = 400000, SPECIAL = 11 };
    static float x[COUNT + SPECIAL], out[COUNT + SPECIAL];
    const float special[SPECIAL] = {0, -0.0f, INFINITY, -INFINITY, NAN, 1e-30f, -1e-30f, 0x1p-149f, 0.5f, -0.5f, 0.49999997f};
    const struct { const char *name; float low, high; double bound; } cases[3] = {
        {"exp", -110, 95, 1}, {"tanh", -20, 20, 2}, {"sigmoid", -110, 110, 3}};
    for (int f = 0; f < 3; f++) {
        for (int i = 0; i < COUNT; i++) {
            const double t = (double)i / (COUNT - 1) * 2 - 1, magnitude = t * t * t;
            x[i] = (float)(magnitude >= 0 ? magnitude * cases[f].high : -magnitude * cases[f].low);
        }
        memcpy(x + COUNT, special, sizeof special);
        if (f == 0) cmk_exp(COUNT + SPECIAL, x, out);
        if (f == 1) cmk_tanh(COUNT + SPECIAL, x, out);
        if (f == 2) cmk_sigmoid(COUNT + SPECIAL, x, out);
        double worst = 0;
        for (int i = 0; i < COUNT + SPECIAL; i++) {
            double error;
            if (f == 0) error = ulps(out[i], exp((double)x[i]));
            else if (f == 1) error = ulps(out[i], tanh((double)x[i]));
            else {
                // Below the smallest normal float the result is 0 or that close to it.
                const double exact = 1 / (1 + exp(-(double)x[i]));
                error = exact < 0x1p-126 ? (fabs(out[i] - exact) <= 0x1p-126 ? 0 : INFINITY) : ulps(out[i], exact);
            }
            if (error > worst) worst = error;
        }
        CHECK(worst <= cases[f].bound, "%s: worst %.3g ulp", cases[f].name, worst);
        hash_floats(out, COUNT + SPECIAL);
    }
    // SiLU and GELU, exact and approximate (bounds as in the Swift tests), and into the hash.
    for (int i = 0; i < COUNT; i++) {
        const double t = (double)i / (COUNT - 1) * 2 - 1;
        x[i] = (float)(t * t * t * 100);
    }
    cmk_silu(COUNT, x, out);
    double worst = 0;
    for (int i = 0; i < COUNT; i++) {
        const double sigmoid = 1 / (1 + exp(-(double)x[i])), exact = x[i] * sigmoid;
        const double error = sigmoid < 0x1p-126 ? (fabs(out[i] - exact) <= fabs(x[i]) * 0x1p-126 ? 0 : INFINITY)
                                                : ulps(out[i], exact);
        if (error > worst) worst = error;
    }
    CHECK(worst <= 4, "silu: worst %.3g ulp", worst);
    hash_floats(out, COUNT);
    check_gelu("gelu_tanh", cmk_gelu_tanh, gelu_tanh_exact, x, out, COUNT);
    check_gelu("gelu", cmk_gelu, gelu_exact, x, out, COUNT);
    float minusZero = -0.0f, result;
    cmk_tanh(1, &minusZero, &result);
    CHECK(signbit(result) && result == 0, "tanh(−0) gave %g", result);
}

int main(void) {
    check_sgemms();
    check_windows();
    check_elementwise();
    check_uniform();
    check_transcendental();
    if (failures > 0) return 1;
    printf("simd level %d: all kernel checks passed\n", cmk_simd_level());
    printf("transcendental hash %016llx\n", (unsigned long long)hash);
    return 0;
}
