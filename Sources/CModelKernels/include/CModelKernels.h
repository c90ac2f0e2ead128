#ifndef CMODELKERNELS_H
#define CMODELKERNELS_H

/// The innermost loops that Swift cannot compile well without compiler flags: a float32 matrix
/// product with an AVX2/FMA register-tiled kernel, chosen at run time by CPU detection, and a
/// portable fallback that computes the same products everywhere.

#ifdef __cplusplus
extern "C" {
#endif

/// Whether this CPU runs the AVX2/FMA kernel (x86-64 with AVX2 and FMA).
int cmk_has_avx2_fma(void);

/// `C[m×n] = A[m×k] · B[k×n]` (plus `bias[n]` on every row when `bias` is not null); row-major
/// with leading dimensions `lda`, `ldb`, `ldc`. Uses the AVX2/FMA kernel when the CPU has it.
void cmk_sgemm(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc, const float *bias);

/// The same product with the portable kernel only (for tests and other CPUs).
void cmk_sgemm_portable(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc, const float *bias);

#ifdef __cplusplus
}
#endif

#endif
