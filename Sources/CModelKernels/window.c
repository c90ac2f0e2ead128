// Windows over NHWC tensors, channels eight at a time with AVX2 or NEON (vector8.h):
// depthwise 2-D convolution (one filter per channel, depth multiplier 1) and max and average
// pooling. Every lane computes what the scalar loop computes, in the same order, over the taps
// inside the input in row-major tap order: for the convolution the bias (or zero), then a
// multiply and an add per tap (no fused multiply-add); for max pooling −∞, then `x ≥ m ? x : m`
// per tap; for average pooling zero, an add per tap, then a multiply by 1 / (taps inside).
// Both paths, and the Swift loops they replace, give the same bits.

#include "CModelKernels.h"
#include "vector8.h"

#include <math.h>
#include <stddef.h>

#pragma STDC FP_CONTRACT OFF

// The taps of output position `o` along one axis that fall inside the input: [*first, *last).
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

enum { WINDOW_DEPTHWISE = 0, WINDOW_MAX = 1, WINDOW_AVERAGE = 2 };

// One output pixel of a window: where it is and which taps fall inside the input.
typedef struct {
    int n, oh, ow, kh0, kh1, kw0, kw1;
    float *out;
} window_pixel;

// The first output pixel of flat output row `row` (of the `batch · outH` rows).
static inline window_pixel row_start(const cmk_window2d *g, int64_t row, float *out) {
    window_pixel p;
    p.n = (int)(row / g->outH);
    p.oh = (int)(row % g->outH);
    valid_taps(p.oh, g->strideH, g->dilationH, g->padTop, g->inH, g->kH, &p.kh0, &p.kh1);
    p.out = out + (size_t)row * (size_t)g->outW * (size_t)g->channels;
    p.ow = 0;
    valid_taps(0, g->strideW, g->dilationW, g->padLeft, g->inW, g->kW, &p.kw0, &p.kw1);
    return p;
}

// The next pixel along the row.
static inline void advance(const cmk_window2d *g, window_pixel *p) {
    p->ow++;
    p->out += g->channels;
    valid_taps(p->ow, g->strideW, g->dilationW, g->padLeft, g->inW, g->kW, &p->kw0, &p->kw1);
}

// The input under tap (kh, kw) of pixel `p`.
static inline const float *tap_input(const cmk_window2d *g, const float *x, const window_pixel *p, int kh, int kw) {
    return pixel(g, x, p->n, p->oh * g->strideH + kh * g->dilationH - g->padTop, p->ow * g->strideW + kw * g->dilationW - g->padLeft);
}

// The kernel's channels at tap (kh, kw) (depthwise convolution only).
static inline const float *tap_kernel(const cmk_window2d *g, const float *k, int kh, int kw) {
    return k + ((size_t)kh * (size_t)g->kW + (size_t)kw) * (size_t)g->channels;
}

// Channels [first, channels) of pixel `p`, one at a time.
static void window_channels_portable(const cmk_window2d *g, int mode, const window_pixel *p, int first, const float *x,
                                     const float *k, const float *bias, float *o) {
    const int channels = g->channels;
    for (int c = first; c < channels; c++) o[c] = mode == WINDOW_MAX ? -INFINITY : bias ? bias[c] : 0;
    for (int kh = p->kh0; kh < p->kh1; kh++) {
        for (int kw = p->kw0; kw < p->kw1; kw++) {
            const float *xp = tap_input(g, x, p, kh, kw);
            if (mode == WINDOW_DEPTHWISE) {
                const float *kp = tap_kernel(g, k, kh, kw);
                for (int c = first; c < channels; c++) o[c] = o[c] + xp[c] * kp[c];
            } else if (mode == WINDOW_MAX) {
                for (int c = first; c < channels; c++) o[c] = xp[c] >= o[c] ? xp[c] : o[c];
            } else {
                for (int c = first; c < channels; c++) o[c] = o[c] + xp[c];
            }
        }
    }
    const int taps = (p->kh1 - p->kh0) * (p->kw1 - p->kw0);
    if (mode == WINDOW_AVERAGE && taps > 0) {
        const float scale = 1 / (float)taps;
        for (int c = first; c < channels; c++) o[c] = o[c] * scale;
    }
}

static void window_rows_portable(const cmk_window2d *g, int mode, int64_t firstRow, int64_t endRow, const float *x,
                                 const float *k, const float *bias, float *out) {
    for (int64_t row = firstRow; row < endRow; row++) {
        for (window_pixel p = row_start(g, row, out); p.ow < g->outW; advance(g, &p)) {
            window_channels_portable(g, mode, &p, 0, x, k, bias, p.out);
        }
    }
}

void cmk_depthwise2d_portable(const cmk_window2d *geometry, int64_t firstRow, int64_t endRow, const float *x,
                              const float *kernel, const float *bias, float *out) {
    window_rows_portable(geometry, WINDOW_DEPTHWISE, firstRow, endRow, x, kernel, bias, out);
}

void cmk_pool2d_portable(const cmk_window2d *geometry, int isMax, int64_t firstRow, int64_t endRow, const float *x, float *out) {
    window_rows_portable(geometry, isMax ? WINDOW_MAX : WINDOW_AVERAGE, firstRow, endRow, x, NULL, NULL, out);
}

#if CMK_VECTOR8

// The start of eight channels' sums: the bias (or zero), or −∞ for max pooling.
V8 v8f start8(int mode, const float *bias, int c) {
    if (mode == WINDOW_MAX) return v8_set(-INFINITY);
    return mode == WINDOW_DEPTHWISE && bias ? v8_load(bias + c) : v8_set(0);
}

// One tap on channels [c, c + 8): a multiply then an add, `x ≥ m ? x : m`, or an add.
V8 v8f tap8(int mode, v8f acc, const float *xp, const float *kp, int c) {
    const v8f value = v8_load(xp + c);
    if (mode == WINDOW_DEPTHWISE) return v8_add(acc, v8_mul(value, v8_load(kp + c)));
    if (mode == WINDOW_MAX) return v8_at_least(value, acc);
    return v8_add(acc, value);
}

// Output rows, 32 channels (four vectors) at a time, then eight, then the rest one at a time.
// Inlined into one function per mode, so that no mode test is left in the loops.
V8 void window_rows_vector(const cmk_window2d *g, int mode, int64_t firstRow, int64_t endRow, const float *x,
                           const float *k, const float *bias, float *out) {
    const int channels = g->channels;
    for (int64_t row = firstRow; row < endRow; row++) {
        for (window_pixel next = row_start(g, row, out); next.ow < g->outW; advance(g, &next)) {
            const window_pixel p = next;
            const int taps = (p.kh1 - p.kh0) * (p.kw1 - p.kw0);
            const int average = mode == WINDOW_AVERAGE && taps > 0;
            const v8f scale = v8_set(taps > 0 ? 1 / (float)taps : 1);
            int c = 0;
            for (; c + 32 <= channels; c += 32) {
                v8f a0 = start8(mode, bias, c), a1 = start8(mode, bias, c + 8);
                v8f a2 = start8(mode, bias, c + 16), a3 = start8(mode, bias, c + 24);
                for (int kh = p.kh0; kh < p.kh1; kh++) {
                    for (int kw = p.kw0; kw < p.kw1; kw++) {
                        const float *xp = tap_input(g, x, &p, kh, kw);
                        const float *kp = mode == WINDOW_DEPTHWISE ? tap_kernel(g, k, kh, kw) : NULL;
                        a0 = tap8(mode, a0, xp, kp, c);
                        a1 = tap8(mode, a1, xp, kp, c + 8);
                        a2 = tap8(mode, a2, xp, kp, c + 16);
                        a3 = tap8(mode, a3, xp, kp, c + 24);
                    }
                }
                if (average) {
                    a0 = v8_mul(a0, scale); a1 = v8_mul(a1, scale);
                    a2 = v8_mul(a2, scale); a3 = v8_mul(a3, scale);
                }
                v8_store(p.out + c, a0);
                v8_store(p.out + c + 8, a1);
                v8_store(p.out + c + 16, a2);
                v8_store(p.out + c + 24, a3);
            }
            for (; c + 8 <= channels; c += 8) {
                v8f a = start8(mode, bias, c);
                for (int kh = p.kh0; kh < p.kh1; kh++) {
                    for (int kw = p.kw0; kw < p.kw1; kw++) {
                        const float *kp = mode == WINDOW_DEPTHWISE ? tap_kernel(g, k, kh, kw) : NULL;
                        a = tap8(mode, a, tap_input(g, x, &p, kh, kw), kp, c);
                    }
                }
                v8_store(p.out + c, average ? v8_mul(a, scale) : a);
            }
            if (c < channels) window_channels_portable(g, mode, &p, c, x, k, bias, p.out);
        }
    }
}

#define WINDOW_ROWS_VECTOR(name, mode)                                                                         \
    V8_TARGET static void name(const cmk_window2d *g, int64_t firstRow, int64_t endRow, const float *x,         \
                               const float *k, const float *bias, float *out) {                                \
        window_rows_vector(g, mode, firstRow, endRow, x, k, bias, out);                                        \
    }

WINDOW_ROWS_VECTOR(depthwise_rows_vector, WINDOW_DEPTHWISE)
WINDOW_ROWS_VECTOR(max_rows_vector, WINDOW_MAX)
WINDOW_ROWS_VECTOR(average_rows_vector, WINDOW_AVERAGE)

void cmk_pool2d(const cmk_window2d *geometry, int isMax, int64_t firstRow, int64_t endRow, const float *x, float *out) {
    if (!cmk_vector8_available()) cmk_pool2d_portable(geometry, isMax, firstRow, endRow, x, out);
    else if (isMax) max_rows_vector(geometry, firstRow, endRow, x, NULL, NULL, out);
    else average_rows_vector(geometry, firstRow, endRow, x, NULL, NULL, out);
}

void cmk_depthwise2d(const cmk_window2d *geometry, int64_t firstRow, int64_t endRow, const float *x,
                     const float *kernel, const float *bias, float *out) {
    if (cmk_vector8_available()) depthwise_rows_vector(geometry, firstRow, endRow, x, kernel, bias, out);
    else cmk_depthwise2d_portable(geometry, firstRow, endRow, x, kernel, bias, out);
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
