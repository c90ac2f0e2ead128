// The machine's fused multiply-add peak, for the benchmark's "achieved of peak" line: twelve
// independent accumulator chains, enough to cover the FMA latency on two FMA ports.

#include "PeakFLOPS.h"

// Twelve chains of `T` (a vector, or float) through FMA, summed at the end.
#define CHAINS(T, SET1, FMA, ADD, REDUCE)                                                                  \
    T a0 = SET1(1.0f), a1 = SET1(1.1f), a2 = SET1(1.2f), a3 = SET1(1.3f), a4 = SET1(1.4f), a5 = SET1(1.5f); \
    T a6 = SET1(1.6f), a7 = SET1(1.7f), a8 = SET1(1.8f), a9 = SET1(1.9f), a10 = SET1(2.0f), a11 = SET1(2.1f); \
    const T m = SET1(0.999999f), c = SET1(1e-7f);                                                         \
    for (int64_t i = 0; i < iterations; i++) {                                                           \
        a0 = FMA(a0, m, c); a1 = FMA(a1, m, c); a2 = FMA(a2, m, c); a3 = FMA(a3, m, c);                   \
        a4 = FMA(a4, m, c); a5 = FMA(a5, m, c); a6 = FMA(a6, m, c); a7 = FMA(a7, m, c);                   \
        a8 = FMA(a8, m, c); a9 = FMA(a9, m, c); a10 = FMA(a10, m, c); a11 = FMA(a11, m, c);               \
    }                                                                                                    \
    T s = ADD(ADD(ADD(a0, a1), ADD(a2, a3)), ADD(ADD(a4, a5), ADD(a6, a7)));                             \
    s = ADD(s, ADD(ADD(a8, a9), ADD(a10, a11)));                                                         \
    return REDUCE(s);

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

static int cpu_level(void) {
    static int level = -1;
    if (level < 0) {
        __builtin_cpu_init();
        const int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        level = __builtin_cpu_supports("avx512f") ? 2 : avx2 ? 1 : 0;
    }
    return level;
}


__attribute__((target("avx512f"))) static float run512(int64_t iterations) {
    CHAINS(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps, _mm512_reduce_add_ps)
}

__attribute__((target("avx2,fma"))) static float reduce256(__m256 v) {
    float lanes[8];
    _mm256_storeu_ps(lanes, v);
    float sum = 0;
    for (int i = 0; i < 8; i++) sum += lanes[i];
    return sum;
}

__attribute__((target("avx2,fma"))) static float run256(int64_t iterations) {
    CHAINS(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps, reduce256)
}

int peak_fma_lanes(void) { return cpu_level() == 2 ? 16 : cpu_level() == 1 ? 8 : 1; }

#else
int peak_fma_lanes(void) { return 1; }
#endif

static float identity(float x) { return x; }
static float add1(float a, float b) { return a + b; }
static float fma1(float a, float b, float c) { return a * b + c; }
static float set1(float x) { return x; }

static float run_portable(int64_t iterations) { CHAINS(float, set1, fma1, add1, identity) }

float peak_fma_run(int64_t iterations) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (cpu_level() == 2) return run512(iterations);
    if (cpu_level() == 1) return run256(iterations);
#endif
    return run_portable(iterations);
}
