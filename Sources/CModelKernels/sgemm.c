// Float32 matrix products in the BLIS style: the right-hand matrix packed into panels of 16
// columns, the left-hand into panels of 6 rows, and a 6×16 register tile (12 AVX registers of
// accumulators) updated with fused multiply-adds. The AVX2/FMA functions carry a per-function
// target attribute, so the package needs no compiler flags; the CPU is checked at run time.

#include "CModelKernels.h"

#include <stdlib.h>
#include <string.h>

enum { MR = 6, NR = 16, KC = 256, MC = 120, NC = 1024 };

static void init_rows(int m, int n, float *c, int ldc, const float *bias) {
    for (int i = 0; i < m; i++) {
        if (bias) memcpy(c + (size_t)i * ldc, bias, sizeof(float) * (size_t)n);
        else memset(c + (size_t)i * ldc, 0, sizeof(float) * (size_t)n);
    }
}

void cmk_sgemm_portable(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc, const float *bias) {
    init_rows(m, n, c, ldc, bias);
    for (int i = 0; i < m; i++) {
        float *row = c + (size_t)i * ldc;
        for (int p = 0; p < k; p++) {
            const float scale = a[(size_t)i * lda + p];
            const float *brow = b + (size_t)p * ldb;
            for (int j = 0; j < n; j++) row[j] += scale * brow[j];
        }
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

int cmk_has_avx2_fma(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached;
}

// Packs rows [0, kc) × columns [0, nc) of B into panels of NR columns, zero-padded.
static void pack_b(int kc, int nc, const float *b, int ldb, float *out) {
    for (int j0 = 0; j0 < nc; j0 += NR) {
        const int width = nc - j0 < NR ? nc - j0 : NR;
        for (int p = 0; p < kc; p++) {
            const float *src = b + (size_t)p * ldb + j0;
            int j = 0;
            for (; j < width; j++) out[j] = src[j];
            for (; j < NR; j++) out[j] = 0;
            out += NR;
        }
    }
}

// Packs rows [0, mc) × columns [0, kc) of A into panels of MR rows, k-major, zero-padded.
static void pack_a(int mc, int kc, const float *a, int lda, float *out) {
    for (int i0 = 0; i0 < mc; i0 += MR) {
        const int height = mc - i0 < MR ? mc - i0 : MR;
        for (int p = 0; p < kc; p++) {
            int i = 0;
            for (; i < height; i++) out[i] = a[(size_t)(i0 + i) * lda + p];
            for (; i < MR; i++) out[i] = 0;
            out += MR;
        }
    }
}

// C[6×16] += Apanel · Bpanel over kc, then stored to the `rows × cols` corner of C. Row p of
// the B panel starts at `bp + p · bstride` (NR when packed, B's own row stride when not).
__attribute__((target("avx2,fma")))
static void kernel_6x16(int kc, const float *ap, const float *bp, size_t bstride, float *c, int ldc, int rows, int cols) {
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    for (int p = 0; p < kc; p++) {
        const __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
        __m256 a;
        a = _mm256_broadcast_ss(ap + 0); c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01);
        a = _mm256_broadcast_ss(ap + 1); c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11);
        a = _mm256_broadcast_ss(ap + 2); c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21);
        a = _mm256_broadcast_ss(ap + 3); c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31);
        a = _mm256_broadcast_ss(ap + 4); c40 = _mm256_fmadd_ps(a, b0, c40); c41 = _mm256_fmadd_ps(a, b1, c41);
        a = _mm256_broadcast_ss(ap + 5); c50 = _mm256_fmadd_ps(a, b0, c50); c51 = _mm256_fmadd_ps(a, b1, c51);
        ap += MR;
        bp += bstride;
    }
    __m256 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    if (rows == MR && cols == NR) {
        for (int i = 0; i < MR; i++) {
            float *row = c + (size_t)i * ldc;
            _mm256_storeu_ps(row, _mm256_add_ps(_mm256_loadu_ps(row), acc[i][0]));
            _mm256_storeu_ps(row + 8, _mm256_add_ps(_mm256_loadu_ps(row + 8), acc[i][1]));
        }
        return;
    }
    float tile[MR][NR];
    for (int i = 0; i < MR; i++) {
        _mm256_storeu_ps(tile[i], acc[i][0]);
        _mm256_storeu_ps(tile[i] + 8, acc[i][1]);
    }
    for (int i = 0; i < rows; i++) {
        float *row = c + (size_t)i * ldc;
        for (int j = 0; j < cols; j++) row[j] += tile[i][j];
    }
}

// Few rows (a single sample, a small batch): no packing, each row of C accumulates rows of B
// scaled by A's entries, 8 columns at a time.
__attribute__((target("avx2,fma")))
static void sgemm_rows_avx2(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc) {
    for (int i = 0; i < m; i++) {
        float *row = c + (size_t)i * ldc;
        for (int p = 0; p < k; p++) {
            const float scale = a[(size_t)i * lda + p];
            if (scale == 0) continue;
            const __m256 s = _mm256_set1_ps(scale);
            const float *brow = b + (size_t)p * ldb;
            int j = 0;
            for (; j + 32 <= n; j += 32) {
                _mm256_storeu_ps(row + j, _mm256_fmadd_ps(s, _mm256_loadu_ps(brow + j), _mm256_loadu_ps(row + j)));
                _mm256_storeu_ps(row + j + 8, _mm256_fmadd_ps(s, _mm256_loadu_ps(brow + j + 8), _mm256_loadu_ps(row + j + 8)));
                _mm256_storeu_ps(row + j + 16, _mm256_fmadd_ps(s, _mm256_loadu_ps(brow + j + 16), _mm256_loadu_ps(row + j + 16)));
                _mm256_storeu_ps(row + j + 24, _mm256_fmadd_ps(s, _mm256_loadu_ps(brow + j + 24), _mm256_loadu_ps(row + j + 24)));
            }
            for (; j + 8 <= n; j += 8) {
                _mm256_storeu_ps(row + j, _mm256_fmadd_ps(s, _mm256_loadu_ps(brow + j), _mm256_loadu_ps(row + j)));
            }
            for (; j < n; j++) row[j] += scale * brow[j];
        }
    }
}

// Products with fewer rows than this (one or two row blocks, e.g. a convolution's im2col tile
// or a late, small-image layer) read B in place instead of packing it: packing costs about a
// pass over B, which only pays off when many row blocks reuse the panels.
enum { PACK_B_ROWS = 2 * MC };

__attribute__((target("avx2,fma")))
static void sgemm_avx2(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc) {
    const int packB = m >= PACK_B_ROWS;
    // Without packing, only a last panel narrower than NR is copied (zero-padded) into bpack.
    const size_t bsize = packB ? (size_t)KC * (size_t)((NC + NR - 1) / NR * NR) : (size_t)KC * NR;
    float *bpack = aligned_alloc(64, sizeof(float) * bsize);
    float *apack = aligned_alloc(64, sizeof(float) * (size_t)KC * (size_t)((MC + MR - 1) / MR * MR));
    if (!bpack || !apack) {
        free(bpack);
        free(apack);
        // Out of memory for the panels: the portable loop needs none (C already holds the bias).
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++)
                for (int j = 0; j < n; j++) c[(size_t)i * ldc + j] += a[(size_t)i * lda + p] * b[(size_t)p * ldb + j];
        return;
    }
    for (int jc = 0; jc < n; jc += NC) {
        const int nc = n - jc < NC ? n - jc : NC;
        for (int pc = 0; pc < k; pc += KC) {
            const int kc = k - pc < KC ? k - pc : KC;
            const float *bblock = b + (size_t)pc * ldb + jc;
            const int fullPanels = nc / NR * NR;
            if (packB) pack_b(kc, nc, bblock, ldb, bpack);
            else if (fullPanels < nc) pack_b(kc, nc - fullPanels, bblock + fullPanels, ldb, bpack);
            for (int ic = 0; ic < m; ic += MC) {
                const int mc = m - ic < MC ? m - ic : MC;
                pack_a(mc, kc, a + (size_t)ic * lda + pc, lda, apack);
                for (int jr = 0; jr < nc; jr += NR) {
                    const int cols = nc - jr < NR ? nc - jr : NR;
                    const float *panel;
                    size_t bstride;
                    if (packB) { panel = bpack + (size_t)jr * kc; bstride = NR; }
                    else if (jr < fullPanels) { panel = bblock + jr; bstride = (size_t)ldb; }
                    else { panel = bpack; bstride = NR; }
                    for (int ir = 0; ir < mc; ir += MR) {
                        const int rows = mc - ir < MR ? mc - ir : MR;
                        kernel_6x16(kc, apack + (size_t)ir * kc, panel, bstride,
                                    c + (size_t)(ic + ir) * ldc + jc + jr, ldc, rows, cols);
                    }
                }
            }
        }
    }
    free(bpack);
    free(apack);
}

void cmk_sgemm(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc, const float *bias) {
    if (m <= 0 || n <= 0) return;
    if (!cmk_has_avx2_fma() || k <= 0) {
        cmk_sgemm_portable(m, n, k, a, lda, b, ldb, c, ldc, bias);
        return;
    }
    init_rows(m, n, c, ldc, bias);
    if (m < 2 * MR) sgemm_rows_avx2(m, n, k, a, lda, b, ldb, c, ldc);
    else sgemm_avx2(m, n, k, a, lda, b, ldb, c, ldc);
}

#else

int cmk_has_avx2_fma(void) { return 0; }

void cmk_sgemm(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc, const float *bias) {
    cmk_sgemm_portable(m, n, k, a, lda, b, ldb, c, ldc, bias);
}

#endif

int cmk_simd_level(void) {
    static int cached = -1;
    if (cached < 0) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
        __builtin_cpu_init();
        // The compiler's CPU model checks that the OS saves the wider registers too.
        cached = !cmk_has_avx2_fma() ? 0 : (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) ? 2 : 1;
#else
        cached = 0;
#endif
    }
    return cached;
}
