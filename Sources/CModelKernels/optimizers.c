// Optimizer updates of training: Keras's Adam step over a weight and its two moments, eight
// lanes at a time with AVX2 or NEON (vector8.h). Each lane computes what the scalar loop
// computes, in the same order and without fused multiply-adds, so both paths give the same bits.

#include "CModelKernels.h"
#include "vector8.h"

#include <math.h>

#pragma STDC FP_CONTRACT OFF

void cmk_adam_update_portable(int64_t count, const float *g, float *m, float *v, float *w, float keep1, float keep2,
                              float alpha, float epsilon) {
    for (int64_t i = 0; i < count; i++) {
        m[i] += (g[i] - m[i]) * keep1;
        v[i] += (g[i] * g[i] - v[i]) * keep2;
        w[i] -= m[i] * alpha / (sqrtf(v[i]) + epsilon);
    }
}

#if CMK_VECTOR8

V8_TARGET
static void adam_update_vector(int64_t count, const float *g, float *m, float *v, float *w, float keep1, float keep2,
                               float alpha, float epsilon) {
    const v8f k1 = v8_set(keep1), k2 = v8_set(keep2), a = v8_set(alpha), e = v8_set(epsilon);
    int64_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const v8f gi = v8_load(g + i);
        const v8f mi = v8_add(v8_load(m + i), v8_mul(v8_sub(gi, v8_load(m + i)), k1));
        const v8f vi = v8_add(v8_load(v + i), v8_mul(v8_sub(v8_mul(gi, gi), v8_load(v + i)), k2));
        v8_store(m + i, mi);
        v8_store(v + i, vi);
        v8_store(w + i, v8_sub(v8_load(w + i), v8_div(v8_mul(mi, a), v8_add(v8_sqrt(vi), e))));
    }
    cmk_adam_update_portable(count - i, g + i, m + i, v + i, w + i, keep1, keep2, alpha, epsilon);
}

void cmk_adam_update(int64_t count, const float *g, float *m, float *v, float *w, float keep1, float keep2, float alpha,
                     float epsilon) {
    if (cmk_vector8_available()) adam_update_vector(count, g, m, v, w, keep1, keep2, alpha, epsilon);
    else cmk_adam_update_portable(count, g, m, v, w, keep1, keep2, alpha, epsilon);
}

#else

void cmk_adam_update(int64_t count, const float *g, float *m, float *v, float *w, float keep1, float keep2, float alpha,
                     float epsilon) {
    cmk_adam_update_portable(count, g, m, v, w, keep1, keep2, alpha, epsilon);
}

#endif
