#ifndef PEAK_FLOPS_H
#define PEAK_FLOPS_H

#include <stdint.h>

/// The float lanes of the widest fused multiply-add this CPU runs (16 with AVX-512, 8 with
/// AVX2 and FMA, 1 for the portable loop).
int peak_fma_lanes(void);

/// Runs `iterations` rounds of 12 independent fused multiply-adds of `peak_fma_lanes()`
/// lanes each (24 × lanes floating-point operations a round) and returns a value that depends
/// on every one, so the compiler keeps them.
float peak_fma_run(int64_t iterations);

#endif
