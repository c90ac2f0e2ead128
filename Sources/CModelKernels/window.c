// Windows over NHWC tensors, channels eight at a time with AVX2 where the CPU has it:
// depthwise 2-D convolution (one filter per channel, depth multiplier 1) and max and average
// pooling. Every lane computes what the scalar loop computes, in the same order, over the taps
// inside the input in row-major tap order: for the convolution the bias (or zero), then a
// multiply and an add per tap (no fused multiply-add); for max pooling −∞, then `x ≥ m ? x : m`
// per tap; for average pooling zero, an add per tap, then a multiply by 1 / (taps inside).
// Both paths, and the Swift loops they replace, give the same bits.

#include "CModelKernels.h"

#include <math.h>
#include <stddef.h>

#pragma STDC FP_CONTRACT OFF

// The taps of output column `ow` that fall inside the input: kw in [*first, *last).
static inline void valid_taps(int o, int stride, int dilation, int pad, int size, int taps, int *first, int *last) {
    int lo = 0, hi = taps;
    while (lo < hi && o * stride + lo * dilation - pad < 0) lo++;
    while (hi > lo && o * stride + (hi - 1) * dilation - pad >= size) hi--;
    *first = lo;
    *last = hi;
}

// The channels of input pixel (ih, iw) of image n.
static inline const float *pixel(const cmk_window2d *g, const float *x, int n, int ih, int iw) {
    return x + (((size_t)n * (size_t)g->inH + (size_t)ih) * (size_t)g->inW + (size_t)iw) * (size_t)g->channels;
}

// The output pixel at column ow of flat output row `row`.
static inline float *output_pixel(const cmk_window2d *g, float *out, int64_t row, int ow) {
    return out + ((size_t)row * (size_t)g->outW + (size_t)ow) * (size_t)g->channels;
}

enum { WINDOW_DEPTHWISE = 0, WINDOW_MAX = 1, WINDOW_AVERAGE = 2 };

// One output row of a window kernel, a channel at a time.
static void window_row_portable(const cmk_window2d *g, int mode, int64_t row, const float *x, const float *k,
                                const float *bias, float *out) {
    const int n = (int)(row / g->outH), oh = (int)(row % g->outH), channels = g->channels;
    int kh0, kh1;
    valid_taps(oh, g->strideH, g->dilationH, g->padTop, g->inH, g->kH, &kh0, &kh1);
    for (int ow = 0; ow < g->outW; ow++) {
        float *o = output_pixel(g, out, row, ow);
        int kw0, kw1;
        valid_taps(ow, g->strideW, g->dilationW, g->padLeft, g->inW, g->kW, &kw0, &kw1);
        for (int c = 0; c < channels; c++) o[c] = mode == WINDOW_MAX ? -INFINITY : bias ? bias[c] : 0;
        for (int kh = kh0; kh < kh1; kh++) {
            const int ih = oh * g->strideH + kh * g->dilationH - g->padTop;
            for (int kw = kw0; kw < kw1; kw++) {
                const float *xp = pixel(g, x, n, ih, ow * g->strideW + kw * g->dilationW - g->padLeft);
                if (mode == WINDOW_DEPTHWISE) {
                    const float *kp = k + ((size_t)kh * (size_t)g->kW + (size_t)kw) * (size_t)channels;
                    for (int c = 0; c < channels; c++) o[c] = o[c] + xp[c] * kp[c];
                } else if (mode == WINDOW_MAX) {
                    for (int c = 0; c < channels; c++) o[c] = xp[c] >= o[c] ? xp[c] : o[c];
                } else {
                    for (int c = 0; c < channels; c++) o[c] = o[c] + xp[c];
                }
            }
        }
        const int taps = (kh1 - kh0) * (kw1 - kw0);
        if (mode == WINDOW_AVERAGE && taps > 0) {
            const float scale = 1 / (float)taps;
            for (int c = 0; c < channels; c++) o[c] = o[c] * scale;
        }
    }
}

void cmk_depthwise2d_portable(const cmk_window2d *geometry, int64_t firstRow, int64_t endRow, const float *x,
                              const float *kernel, const float *bias, float *out) {
    for (int64_t row = firstRow; row < endRow; row++) window_row_portable(geometry, WINDOW_DEPTHWISE, row, x, kernel, bias, out);
}

void cmk_pool2d_portable(const cmk_window2d *geometry, int isMax, int64_t firstRow, int64_t endRow, const float *x, float *out) {
    const int mode = isMax ? WINDOW_MAX : WINDOW_AVERAGE;
    for (int64_t row = firstRow; row < endRow; row++) window_row_portable(geometry, mode, row, x, NULL, NULL, out);
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("avx2")))
static void depthwise_row_avx2(const cmk_window2d *g, int64_t row, const float *x, const float *k,
                               const float *bias, float *out) {
    const int n = (int)(row / g->outH), oh = (int)(row % g->outH), channels = g->channels;
    int kh0, kh1;
    valid_taps(oh, g->strideH, g->dilationH, g->padTop, g->inH, g->kH, &kh0, &kh1);
    for (int ow = 0; ow < g->outW; ow++) {
        float *o = output_pixel(g, out, row, ow);
        int kw0, kw1;
        valid_taps(ow, g->strideW, g->dilationW, g->padLeft, g->inW, g->kW, &kw0, &kw1);
        int c = 0;
        // 32 channels (four registers) at a time, then eight, then one.
        for (; c + 32 <= channels; c += 32) {
            __m256 a0, a1, a2, a3;
            if (bias) {
                a0 = _mm256_loadu_ps(bias + c); a1 = _mm256_loadu_ps(bias + c + 8);
                a2 = _mm256_loadu_ps(bias + c + 16); a3 = _mm256_loadu_ps(bias + c + 24);
            } else {
                a0 = a1 = a2 = a3 = _mm256_setzero_ps();
            }
            for (int kh = kh0; kh < kh1; kh++) {
                const int ih = oh * g->strideH + kh * g->dilationH - g->padTop;
                for (int kw = kw0; kw < kw1; kw++) {
                    const int iw = ow * g->strideW + kw * g->dilationW - g->padLeft;
                    const float *xp = pixel(g, x, n, ih, iw) + c;
                    const float *kp = k + ((size_t)kh * (size_t)g->kW + (size_t)kw) * (size_t)channels + c;
                    a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_loadu_ps(xp), _mm256_loadu_ps(kp)));
                    a1 = _mm256_add_ps(a1, _mm256_mul_ps(_mm256_loadu_ps(xp + 8), _mm256_loadu_ps(kp + 8)));
                    a2 = _mm256_add_ps(a2, _mm256_mul_ps(_mm256_loadu_ps(xp + 16), _mm256_loadu_ps(kp + 16)));
                    a3 = _mm256_add_ps(a3, _mm256_mul_ps(_mm256_loadu_ps(xp + 24), _mm256_loadu_ps(kp + 24)));
                }
            }
            _mm256_storeu_ps(o + c, a0);
            _mm256_storeu_ps(o + c + 8, a1);
            _mm256_storeu_ps(o + c + 16, a2);
            _mm256_storeu_ps(o + c + 24, a3);
        }
        for (; c + 8 <= channels; c += 8) {
            __m256 a = bias ? _mm256_loadu_ps(bias + c) : _mm256_setzero_ps();
            for (int kh = kh0; kh < kh1; kh++) {
                const int ih = oh * g->strideH + kh * g->dilationH - g->padTop;
                for (int kw = kw0; kw < kw1; kw++) {
                    const int iw = ow * g->strideW + kw * g->dilationW - g->padLeft;
                    const float *xp = pixel(g, x, n, ih, iw) + c;
                    const float *kp = k + ((size_t)kh * (size_t)g->kW + (size_t)kw) * (size_t)channels + c;
                    a = _mm256_add_ps(a, _mm256_mul_ps(_mm256_loadu_ps(xp), _mm256_loadu_ps(kp)));
                }
            }
            _mm256_storeu_ps(o + c, a);
        }
        for (; c < channels; c++) {
            float a = bias ? bias[c] : 0;
            for (int kh = kh0; kh < kh1; kh++) {
                const int ih = oh * g->strideH + kh * g->dilationH - g->padTop;
                for (int kw = kw0; kw < kw1; kw++) {
                    const int iw = ow * g->strideW + kw * g->dilationW - g->padLeft;
                    a = a + pixel(g, x, n, ih, iw)[c] * k[((size_t)kh * (size_t)g->kW + (size_t)kw) * (size_t)channels + (size_t)c];
                }
            }
            o[c] = a;
        }
    }
}

// One tap of max or average pooling on eight channels.
__attribute__((target("avx2")))
static inline __m256 pool_step(int isMax, __m256 acc, __m256 value) {
    if (isMax) return _mm256_blendv_ps(acc, value, _mm256_cmp_ps(value, acc, _CMP_GE_OQ));
    return _mm256_add_ps(acc, value);
}

__attribute__((target("avx2")))
static void pool_row_avx2(const cmk_window2d *g, int isMax, int64_t row, const float *x, float *out) {
    const int n = (int)(row / g->outH), oh = (int)(row % g->outH), channels = g->channels;
    int kh0, kh1;
    valid_taps(oh, g->strideH, g->dilationH, g->padTop, g->inH, g->kH, &kh0, &kh1);
    const __m256 start = _mm256_set1_ps(isMax ? -INFINITY : 0);
    for (int ow = 0; ow < g->outW; ow++) {
        float *o = output_pixel(g, out, row, ow);
        int kw0, kw1;
        valid_taps(ow, g->strideW, g->dilationW, g->padLeft, g->inW, g->kW, &kw0, &kw1);
        const int taps = (kh1 - kh0) * (kw1 - kw0);
        const __m256 scale = _mm256_set1_ps(taps > 0 ? 1 / (float)taps : 1);
        int c = 0;
        for (; c + 32 <= channels; c += 32) {
            __m256 a0 = start, a1 = start, a2 = start, a3 = start;
            for (int kh = kh0; kh < kh1; kh++) {
                const int ih = oh * g->strideH + kh * g->dilationH - g->padTop;
                for (int kw = kw0; kw < kw1; kw++) {
                    const int iw = ow * g->strideW + kw * g->dilationW - g->padLeft;
                    const float *xp = pixel(g, x, n, ih, iw) + c;
                    a0 = pool_step(isMax, a0, _mm256_loadu_ps(xp));
                    a1 = pool_step(isMax, a1, _mm256_loadu_ps(xp + 8));
                    a2 = pool_step(isMax, a2, _mm256_loadu_ps(xp + 16));
                    a3 = pool_step(isMax, a3, _mm256_loadu_ps(xp + 24));
                }
            }
            if (!isMax && taps > 0) {
                a0 = _mm256_mul_ps(a0, scale); a1 = _mm256_mul_ps(a1, scale);
                a2 = _mm256_mul_ps(a2, scale); a3 = _mm256_mul_ps(a3, scale);
            }
            _mm256_storeu_ps(o + c, a0);
            _mm256_storeu_ps(o + c + 8, a1);
            _mm256_storeu_ps(o + c + 16, a2);
            _mm256_storeu_ps(o + c + 24, a3);
        }
        for (; c + 8 <= channels; c += 8) {
            __m256 a = start;
            for (int kh = kh0; kh < kh1; kh++) {
                const int ih = oh * g->strideH + kh * g->dilationH - g->padTop;
                for (int kw = kw0; kw < kw1; kw++) {
                    const int iw = ow * g->strideW + kw * g->dilationW - g->padLeft;
                    a = pool_step(isMax, a, _mm256_loadu_ps(pixel(g, x, n, ih, iw) + c));
                }
            }
            if (!isMax && taps > 0) a = _mm256_mul_ps(a, scale);
            _mm256_storeu_ps(o + c, a);
        }
        for (; c < channels; c++) {
            float a = isMax ? -INFINITY : 0;
            for (int kh = kh0; kh < kh1; kh++) {
                const int ih = oh * g->strideH + kh * g->dilationH - g->padTop;
                for (int kw = kw0; kw < kw1; kw++) {
                    const int iw = ow * g->strideW + kw * g->dilationW - g->padLeft;
                    const float value = pixel(g, x, n, ih, iw)[c];
                    a = isMax ? (value >= a ? value : a) : a + value;
                }
            }
            if (!isMax && taps > 0) a = a * (1 / (float)taps);
            o[c] = a;
        }
    }
}

void cmk_pool2d(const cmk_window2d *geometry, int isMax, int64_t firstRow, int64_t endRow, const float *x, float *out) {
    if (!cmk_has_avx2_fma()) {
        cmk_pool2d_portable(geometry, isMax, firstRow, endRow, x, out);
        return;
    }
    for (int64_t row = firstRow; row < endRow; row++) pool_row_avx2(geometry, isMax, row, x, out);
}

void cmk_depthwise2d(const cmk_window2d *geometry, int64_t firstRow, int64_t endRow, const float *x,
                     const float *kernel, const float *bias, float *out) {
    if (!cmk_has_avx2_fma()) {
        cmk_depthwise2d_portable(geometry, firstRow, endRow, x, kernel, bias, out);
        return;
    }
    for (int64_t row = firstRow; row < endRow; row++) depthwise_row_avx2(geometry, row, x, kernel, bias, out);
}

#else

void cmk_pool2d(const cmk_window2d *geometry, int isMax, int64_t firstRow, int64_t endRow, const float *x, float *out) {
    cmk_pool2d_portable(geometry, isMax, firstRow, endRow, x, out);
}

void cmk_depthwise2d(const cmk_window2d *geometry, int64_t firstRow, int64_t endRow, const float *x,
                     const float *kernel, const float *bias, float *out) {
    cmk_depthwise2d_portable(geometry, firstRow, endRow, x, kernel, bias, out);
}

#endif
