// Float32 matrix products in the BLIS style: the right-hand matrix packed into panels of
// columns, the left-hand into panels of rows, and a register tile updated with fused
// multiply-adds: 6×16 with AVX2/FMA (12 AVX registers of accumulators), 12×32 with AVX-512
// (24 of its 32 registers), 8×12 with NEON on arm64 (24 of its 32). The x86 functions carry
// per-function target attributes, so the package needs no compiler flags; the CPU is checked at
// run time (`cmk_simd_level`). NEON is part of every arm64 CPU.

#include "CModelKernels.h"

#include <math.h>
#include <pthread.h>
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

#if (defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))) || defined(__aarch64__)

// Packs rows [0, kc) × columns [0, nc) of B into panels of `nr` columns, zero-padded.
static void pack_b(int kc, int nc, const float *b, int ldb, float *out, int nr) {
    for (int j0 = 0; j0 < nc; j0 += nr) {
        const int width = nc - j0 < nr ? nc - j0 : nr;
        for (int p = 0; p < kc; p++) {
            const float *src = b + (size_t)p * ldb + j0;
            int j = 0;
            for (; j < width; j++) out[j] = src[j];
            for (; j < nr; j++) out[j] = 0;
            out += nr;
        }
    }
}

// Packs rows [0, mc) × columns [0, kc) of A into panels of `mr` rows, k-major, zero-padded.
static void pack_a(int mc, int kc, const float *a, int lda, float *out, int mr) {
    for (int i0 = 0; i0 < mc; i0 += mr) {
        const int height = mc - i0 < mr ? mc - i0 : mr;
        for (int p = 0; p < kc; p++) {
            int i = 0;
            for (; i < height; i++) out[i] = a[(size_t)(i0 + i) * lda + p];
            for (; i < mr; i++) out[i] = 0;
            out += mr;
        }
    }
}

// Products with fewer rows than this (one or two row blocks, e.g. a convolution's im2col tile
// or a late, small-image layer) read B in place instead of packing it: packing costs about a
// pass over B, which only pays off when many row blocks reuse the panels.
enum { PACK_B_ROWS = 2 * MC };

// A register tile's kernel: C[rows×cols] += Apanel · Bpanel over kc, or, for the first depth
// block, C = Apanel · Bpanel + init (init: the bias's columns, or zeros) (see kernel_6x16).
typedef void (*tile_kernel)(int kc, const float *ap, const float *bp, size_t bstride, float *c, int ldc, int rows, int cols,
                            const float *init);

// The first depth block's `init` without a bias: adding zeros gives what adding the products
// to a zeroed C gives (−0 products become +0).
static const float zeros[32];

// The blocked product over `mr`×`nr` tiles: B packed into panels of `nr` columns (in place when
// few row blocks reuse them), A into panels of `mr` rows, both per cache block.
// The floats B's panels for one cache block of `kc` rows × `nc` columns take.
static size_t packed_block_count(int kc, int nc, int nr) { return (size_t)kc * (size_t)((nc + nr - 1) / nr * nr); }

// The floats all of B (k × n) takes packed, cache block after cache block (columns outer).
static size_t packed_count(int k, int n, int nr) {
    size_t count = 0;
    for (int jc = 0; jc < n; jc += NC)
        for (int pc = 0; pc < k; pc += KC) count += packed_block_count(k - pc < KC ? k - pc : KC, n - jc < NC ? n - jc : NC, nr);
    return count;
}

// Packs all of B in the order sgemm_blocked reads a `prepacked` B.
static void pack_all(int k, int n, const float *b, int ldb, float *out, int nr) {
    for (int jc = 0; jc < n; jc += NC) {
        const int nc = n - jc < NC ? n - jc : NC;
        for (int pc = 0; pc < k; pc += KC) {
            const int kc = k - pc < KC ? k - pc : KC;
            pack_b(kc, nc, b + (size_t)pc * ldb + jc, ldb, out, nr);
            out += packed_block_count(kc, nc, nr);
        }
    }
}

// A thread's packing panels, kept from one product to the next and freed when the thread
// ends: a forward pass's products reuse them instead of taking a fresh megabyte from malloc each
// time, which glibc then keeps in its heap (9 MB of it after one ResNet50 call).
typedef struct {
    float *base;
    size_t count;
} workspace;

static pthread_key_t workspace_key;
static pthread_once_t workspace_once = PTHREAD_ONCE_INIT;

static void workspace_free(void *pointer) {
    workspace *space = pointer;
    free(space->base);
    free(space);
}

static void workspace_key_init(void) { (void)pthread_key_create(&workspace_key, workspace_free); }

// A buffer the caller lent this thread for its next products' panels (cmk_sgemm_lend_workspace).
static _Thread_local float *lent_workspace;
static _Thread_local size_t lent_count;

void cmk_sgemm_lend_workspace(float *buffer, size_t count) {
    lent_workspace = buffer;
    lent_count = buffer ? count : 0;
}

size_t cmk_sgemm_workspace_count(int m) {
    // The largest panels of any level: nr up to 32 (AVX-512), mr up to 12.
    const size_t apanel = (size_t)KC * (size_t)(MC + 12);
    return m >= PACK_B_ROWS ? (size_t)KC * (size_t)(NC + 32) + apanel : (size_t)KC * 32 + apanel;
}

// At least `count` floats, 64-byte aligned: the lent buffer when it is large enough, else this
// thread's own until its next call; NULL when out of memory.
static float *thread_workspace(size_t count) {
    if (lent_workspace && lent_count >= count) return lent_workspace;
    (void)pthread_once(&workspace_once, workspace_key_init);
    workspace *space = pthread_getspecific(workspace_key);
    if (!space) {
        space = calloc(1, sizeof *space);
        if (!space) return NULL;
        if (pthread_setspecific(workspace_key, space) != 0) {
            free(space);
            return NULL;
        }
    }
    if (space->count < count) {
        free(space->base);
        const size_t bytes = (sizeof(float) * count + 63) / 64 * 64;
        space->base = aligned_alloc(64, bytes);
        space->count = space->base ? count : 0;
    }
    return space->base;
}

// With `prepacked` (B packed once by pack_all with the same `nr`), B is neither read nor packed.
static void sgemm_blocked(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                          const float *bias, int mr, int nr, tile_kernel kernel, const float *prepacked) {
    const int packB = prepacked || m >= PACK_B_ROWS;
    // Without packing, only a last panel narrower than nr is copied (zero-padded) into bpack.
    const size_t bsize = prepacked ? 0 : packB ? (size_t)KC * (size_t)((NC + nr - 1) / nr * nr) : (size_t)KC * (size_t)nr;
    // Both panels in this thread's workspace, B's first (a multiple of 16 floats, so A's stays
    // 64-byte aligned).
    float *panels = thread_workspace(bsize + (size_t)KC * (size_t)((MC + mr - 1) / mr * mr));
    float *bpack = prepacked || !panels ? NULL : panels;
    float *apack = panels ? panels + bsize : NULL;
    if (!apack) {
        // Out of memory for the panels: the portable loop needs none.
        init_rows(m, n, c, ldc, bias);
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
            const int fullPanels = nc / nr * nr;
            if (prepacked) {
                bpack = (float *)prepacked;
                prepacked += packed_block_count(kc, nc, nr);
            } else if (packB) pack_b(kc, nc, bblock, ldb, bpack, nr);
            else if (fullPanels < nc) pack_b(kc, nc - fullPanels, bblock + fullPanels, ldb, bpack, nr);
            for (int ic = 0; ic < m; ic += MC) {
                const int mc = m - ic < MC ? m - ic : MC;
                pack_a(mc, kc, a + (size_t)ic * lda + pc, lda, apack, mr);
                for (int jr = 0; jr < nc; jr += nr) {
                    const int cols = nc - jr < nr ? nc - jr : nr;
                    const float *panel;
                    size_t bstride;
                    if (packB) { panel = bpack + (size_t)jr * kc; bstride = (size_t)nr; }
                    else if (jr < fullPanels) { panel = bblock + jr; bstride = (size_t)ldb; }
                    else { panel = bpack; bstride = (size_t)nr; }
                    // The first depth block writes C (with the bias) instead of adding to it.
                    const float *init = pc > 0 ? NULL : bias ? bias + jc + jr : zeros;
                    for (int ir = 0; ir < mc; ir += mr) {
                        const int rows = mc - ir < mr ? mc - ir : mr;
                        kernel(kc, apack + (size_t)ir * kc, panel, bstride, c + (size_t)(ic + ir) * ldc + jc + jr, ldc, rows, cols,
                               init);
                    }
                }
            }
        }
    }
}

#endif

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

// C[6×16] += Apanel · Bpanel over kc, then stored to the `rows × cols` corner of C. Row p of
// the B panel starts at `bp + p · bstride` (NR when packed, B's own row stride when not).
__attribute__((target("avx2,fma")))
static void kernel_6x16(int kc, const float *ap, const float *bp, size_t bstride, float *c, int ldc, int rows, int cols,
                        const float *init) {
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
            const float *base = init ? init : row;
            _mm256_storeu_ps(row, _mm256_add_ps(_mm256_loadu_ps(base), acc[i][0]));
            _mm256_storeu_ps(row + 8, _mm256_add_ps(_mm256_loadu_ps(base + 8), acc[i][1]));
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
        for (int j = 0; j < cols; j++) row[j] = (init ? init[j] : row[j]) + tile[i][j];
    }
}

// Few rows (a single sample, a small batch): no packing. A block of up to R rows × 32 columns
// of C stays in registers over the whole depth, each row of B read once per block; the sums
// run in depth order, one fused multiply-add each. Column tails go through masked loads.
__attribute__((target("avx2,fma"), always_inline))
static inline void rows_block_avx2(int R, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc, int cols) {
    __m256i mask[4];
    for (int g = 0; g < 4; g++) {
        const int left = cols - 8 * g;
        mask[g] = _mm256_cmpgt_epi32(_mm256_set1_epi32(left < 0 ? 0 : left), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    }
    __m256 acc[2][4];
    for (int r = 0; r < R; r++)
        for (int g = 0; g < 4; g++) acc[r][g] = _mm256_maskload_ps(c + (size_t)r * ldc + 8 * g, mask[g]);
    for (int p = 0; p < k; p++) {
        const float *brow = b + (size_t)p * ldb;
        __m256 bv[4];
        for (int g = 0; g < 4; g++) bv[g] = _mm256_maskload_ps(brow + 8 * g, mask[g]);
        for (int r = 0; r < R; r++) {
            const __m256 s = _mm256_broadcast_ss(a + (size_t)r * lda + p);
            for (int g = 0; g < 4; g++) acc[r][g] = _mm256_fmadd_ps(s, bv[g], acc[r][g]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int g = 0; g < 4; g++) _mm256_maskstore_ps(c + (size_t)r * ldc + 8 * g, mask[g], acc[r][g]);
}

__attribute__((target("avx2,fma")))
static void sgemm_rows_avx2(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc) {
    for (int i = 0; i < m; i += 2) {
        for (int j = 0; j < n; j += 32) {
            const int cols = n - j < 32 ? n - j : 32;
            if (m - i >= 2) rows_block_avx2(2, k, a + (size_t)i * lda, lda, b + j, ldb, c + (size_t)i * ldc + j, ldc, cols);
            else rows_block_avx2(1, k, a + (size_t)i * lda, lda, b + j, ldb, c + (size_t)i * ldc + j, ldc, cols);
        }
    }
}

// AVX-512: a 12×32 tile (24 of the 32 vector registers hold accumulators), partial tiles
// stored through masks.
enum { MR512 = 12, NR512 = 32 };

// The mask of the first `left` of sixteen lanes (none for `left` ≤ 0, all for ≥ 16).
static inline __mmask16 lanes16(int left) {
    return left >= 16 ? (__mmask16)0xFFFF : left <= 0 ? (__mmask16)0 : (__mmask16)((1u << left) - 1);
}

#define ROW512(i)                                                                         \
    do {                                                                                  \
        const __m512 a##i = _mm512_set1_ps(ap[i]);                                        \
        c##i##0 = _mm512_fmadd_ps(a##i, b0, c##i##0);                                     \
        c##i##1 = _mm512_fmadd_ps(a##i, b1, c##i##1);                                     \
    } while (0)

// Stores a 32-column tile's sums: `rows` rows of C become init (a bias row, or C itself when
// null) plus the sums, the columns past `cols` untouched.
__attribute__((target("avx512f"), always_inline))
static inline void store_tile_512(const __m512 (*acc)[2], float *c, int ldc, int rows, int cols, const float *init) {
    const __mmask16 low = lanes16(cols), high = lanes16(cols - 16);
    for (int i = 0; i < rows; i++) {
        float *row = c + (size_t)i * ldc;
        const float *base = init ? init : row;
        _mm512_mask_storeu_ps(row, low, _mm512_add_ps(_mm512_maskz_loadu_ps(low, base), acc[i][0]));
        _mm512_mask_storeu_ps(row + 16, high, _mm512_add_ps(_mm512_maskz_loadu_ps(high, base + 16), acc[i][1]));
    }
}

// The 12×32 tile's work for its first `R` rows only (R ≤ 8), for a block's last rows when that
// is all there is: fewer accumulators and no multiply-adds for rows that are not there. Each sum
// is the same as kernel_12x32's, in the same order.
__attribute__((target("avx512f"), always_inline))
static inline void tile_rows_512(int R, int kc, const float *ap, const float *bp, size_t bstride, float *c, int ldc,
                                 int rows, int cols, const float *init) {
    __m512 acc[8][2];
    for (int i = 0; i < R; i++) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
    for (int p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_loadu_ps(bp), b1 = _mm512_loadu_ps(bp + 16);
        for (int i = 0; i < R; i++) {
            const __m512 a = _mm512_set1_ps(ap[i]);
            acc[i][0] = _mm512_fmadd_ps(a, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(a, b1, acc[i][1]);
        }
        ap += MR512;
        bp += bstride;
    }
    store_tile_512(acc, c, ldc, rows, cols, init);
}

__attribute__((target("avx512f")))
static void kernel_12x32(int kc, const float *ap, const float *bp, size_t bstride, float *c, int ldc, int rows, int cols,
                         const float *init) {
    if (rows <= 4) return tile_rows_512(4, kc, ap, bp, bstride, c, ldc, rows, cols, init);
    if (rows <= 8) return tile_rows_512(8, kc, ap, bp, bstride, c, ldc, rows, cols, init);
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    __m512 c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    __m512 c80 = c00, c81 = c00, c90 = c00, c91 = c00, c100 = c00, c101 = c00, c110 = c00, c111 = c00;
    for (int p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_loadu_ps(bp), b1 = _mm512_loadu_ps(bp + 16);
        ROW512(0); ROW512(1); ROW512(2); ROW512(3); ROW512(4); ROW512(5);
        ROW512(6); ROW512(7); ROW512(8); ROW512(9); ROW512(10); ROW512(11);
        ap += MR512;
        bp += bstride;
    }
    const __m512 acc[MR512][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51},
                                  {c60, c61}, {c70, c71}, {c80, c81}, {c90, c91}, {c100, c101}, {c110, c111}};
    store_tile_512(acc, c, ldc, rows, cols, init);
}

#undef ROW512

// Few rows with AVX-512: as sgemm_rows_avx2, blocks of up to four rows × 64 columns in
// registers, tails through masks.
__attribute__((target("avx512f"), always_inline))
static inline void rows_block_avx512(int R, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc, int cols) {
    __mmask16 mask[4];
    for (int g = 0; g < 4; g++) mask[g] = lanes16(cols - 16 * g);
    __m512 acc[4][4];
    for (int r = 0; r < R; r++)
        for (int g = 0; g < 4; g++) acc[r][g] = _mm512_maskz_loadu_ps(mask[g], c + (size_t)r * ldc + 16 * g);
    for (int p = 0; p < k; p++) {
        const float *brow = b + (size_t)p * ldb;
        __m512 bv[4];
        for (int g = 0; g < 4; g++) bv[g] = _mm512_maskz_loadu_ps(mask[g], brow + 16 * g);
        for (int r = 0; r < R; r++) {
            const __m512 s = _mm512_set1_ps(a[(size_t)r * lda + p]);
            for (int g = 0; g < 4; g++) acc[r][g] = _mm512_fmadd_ps(s, bv[g], acc[r][g]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int g = 0; g < 4; g++) _mm512_mask_storeu_ps(c + (size_t)r * ldc + 16 * g, mask[g], acc[r][g]);
}

__attribute__((target("avx512f")))
static void sgemm_rows_avx512(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc) {
    for (int i = 0; i < m; i += 4) {
        for (int j = 0; j < n; j += 64) {
            const int cols = n - j < 64 ? n - j : 64;
            const float *ai = a + (size_t)i * lda, *bj = b + j;
            float *cij = c + (size_t)i * ldc + j;
            switch (m - i) {
            case 1: rows_block_avx512(1, k, ai, lda, bj, ldb, cij, ldc, cols); break;
            case 2: rows_block_avx512(2, k, ai, lda, bj, ldb, cij, ldc, cols); break;
            case 3: rows_block_avx512(3, k, ai, lda, bj, ldb, cij, ldc, cols); break;
            default: rows_block_avx512(4, k, ai, lda, bj, ldb, cij, ldc, cols); break;
            }
        }
    }
}

void cmk_sgemm_at_level(int level, int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                        const float *bias) {
    if (m <= 0 || n <= 0) return;
    const int available = cmk_simd_level();
    if (level > available) level = available;
    if (level == 0 || k <= 0) {
        cmk_sgemm_portable(m, n, k, a, lda, b, ldb, c, ldc, bias);
        return;
    }
    if (m < 2 * MR) {
        init_rows(m, n, c, ldc, bias);
        if (level >= 2) sgemm_rows_avx512(m, n, k, a, lda, b, ldb, c, ldc);
        else sgemm_rows_avx2(m, n, k, a, lda, b, ldb, c, ldc);
    } else if (level >= 2) {
        sgemm_blocked(m, n, k, a, lda, b, ldb, c, ldc, bias, MR512, NR512, kernel_12x32, NULL);
    } else {
        sgemm_blocked(m, n, k, a, lda, b, ldb, c, ldc, bias, MR, NR, kernel_6x16, NULL);
    }
}

size_t cmk_sgemm_packed_count(int level, int k, int n) {
    if (level > cmk_simd_level()) level = cmk_simd_level();
    if (level < 1 || k <= 0 || n <= 0) return 0;
    return packed_count(k, n, level >= 2 ? NR512 : NR);
}

void cmk_sgemm_pack(int level, int k, int n, const float *b, int ldb, float *packed) {
    if (level > cmk_simd_level()) level = cmk_simd_level();
    if (level < 1 || k <= 0 || n <= 0) return;
    pack_all(k, n, b, ldb, packed, level >= 2 ? NR512 : NR);
}

void cmk_sgemm_prepacked(int level, int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                         const float *packed, float *c, int ldc, const float *bias) {
    if (m <= 0 || n <= 0) return;
    if (level > cmk_simd_level()) level = cmk_simd_level();
    if (level < 1 || k <= 0 || !packed) {
        cmk_sgemm_at_level(level, m, n, k, a, lda, b, ldb, c, ldc, bias);
    } else if (level >= 2) {
        sgemm_blocked(m, n, k, a, lda, b, ldb, c, ldc, bias, MR512, NR512, kernel_12x32, packed);
    } else {
        sgemm_blocked(m, n, k, a, lda, b, ldb, c, ldc, bias, MR, NR, kernel_6x16, packed);
    }
}

#elif defined(__aarch64__)
#include <arm_neon.h>

int cmk_has_avx2_fma(void) { return 0; }

// NEON: an 8×12 tile, eight rows of A in two registers whose lanes scale three registers of B.
enum { MR_NEON = 8, NR_NEON = 12 };

#define ROW_NEON(i, a, lane)                              \
    do {                                                  \
        c##i##0 = vfmaq_laneq_f32(c##i##0, b0, a, lane); \
        c##i##1 = vfmaq_laneq_f32(c##i##1, b1, a, lane); \
        c##i##2 = vfmaq_laneq_f32(c##i##2, b2, a, lane); \
    } while (0)

static void kernel_8x12(int kc, const float *ap, const float *bp, size_t bstride, float *c, int ldc, int rows, int cols,
                        const float *init) {
    float32x4_t c00 = vdupq_n_f32(0), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00, c21 = c00;
    float32x4_t c22 = c00, c30 = c00, c31 = c00, c32 = c00, c40 = c00, c41 = c00, c42 = c00, c50 = c00;
    float32x4_t c51 = c00, c52 = c00, c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00;
    for (int p = 0; p < kc; p++) {
        const float32x4_t b0 = vld1q_f32(bp), b1 = vld1q_f32(bp + 4), b2 = vld1q_f32(bp + 8);
        const float32x4_t a0 = vld1q_f32(ap), a1 = vld1q_f32(ap + 4);
        ROW_NEON(0, a0, 0); ROW_NEON(1, a0, 1); ROW_NEON(2, a0, 2); ROW_NEON(3, a0, 3);
        ROW_NEON(4, a1, 0); ROW_NEON(5, a1, 1); ROW_NEON(6, a1, 2); ROW_NEON(7, a1, 3);
        ap += MR_NEON;
        bp += bstride;
    }
    const float32x4_t acc[MR_NEON][3] = {{c00, c01, c02}, {c10, c11, c12}, {c20, c21, c22}, {c30, c31, c32},
                                         {c40, c41, c42}, {c50, c51, c52}, {c60, c61, c62}, {c70, c71, c72}};
    if (rows == MR_NEON && cols == NR_NEON) {
        for (int i = 0; i < MR_NEON; i++) {
            float *row = c + (size_t)i * ldc;
            const float *base = init ? init : row;
            for (int g = 0; g < 3; g++) vst1q_f32(row + 4 * g, vaddq_f32(vld1q_f32(base + 4 * g), acc[i][g]));
        }
        return;
    }
    float tile[MR_NEON][NR_NEON];
    for (int i = 0; i < MR_NEON; i++)
        for (int g = 0; g < 3; g++) vst1q_f32(tile[i] + 4 * g, acc[i][g]);
    for (int i = 0; i < rows; i++) {
        float *row = c + (size_t)i * ldc;
        for (int j = 0; j < cols; j++) row[j] = (init ? init[j] : row[j]) + tile[i][j];
    }
}

#undef ROW_NEON

// Few rows: as sgemm_rows_avx2, blocks of up to R rows × 4·G columns of C in registers over
// the whole depth, in depth order, one fused multiply-add each.
static inline __attribute__((always_inline)) void rows_block_neon(int R, int G, int k, const float *a, int lda, const float *b,
                                                                  int ldb, float *c, int ldc) {
    float32x4_t acc[4][4];
    for (int r = 0; r < R; r++)
        for (int g = 0; g < G; g++) acc[r][g] = vld1q_f32(c + (size_t)r * ldc + 4 * g);
    for (int p = 0; p < k; p++) {
        const float *brow = b + (size_t)p * ldb;
        float32x4_t bv[4];
        for (int g = 0; g < G; g++) bv[g] = vld1q_f32(brow + 4 * g);
        for (int r = 0; r < R; r++) {
            const float32x4_t s = vdupq_n_f32(a[(size_t)r * lda + p]);
            for (int g = 0; g < G; g++) acc[r][g] = vfmaq_f32(acc[r][g], s, bv[g]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int g = 0; g < G; g++) vst1q_f32(c + (size_t)r * ldc + 4 * g, acc[r][g]);
}

// R rows: 16 columns at a time, then four, then the last one to three one at a time (the
// same fused multiply-adds, in the same order).
static inline __attribute__((always_inline)) void rows_neon(int R, int n, int k, const float *a, int lda, const float *b, int ldb,
                                                            float *c, int ldc) {
    int j = 0;
    for (; j + 16 <= n; j += 16) rows_block_neon(R, 4, k, a, lda, b + j, ldb, c + j, ldc);
    for (; j + 4 <= n; j += 4) rows_block_neon(R, 1, k, a, lda, b + j, ldb, c + j, ldc);
    for (; j < n; j++) {
        for (int r = 0; r < R; r++) {
            float sum = c[(size_t)r * ldc + j];
            for (int p = 0; p < k; p++) sum = fmaf(a[(size_t)r * lda + p], b[(size_t)p * ldb + j], sum);
            c[(size_t)r * ldc + j] = sum;
        }
    }
}

static void sgemm_rows_neon(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc) {
    for (int i = 0; i < m; i += 4) {
        const float *ai = a + (size_t)i * lda;
        float *ci = c + (size_t)i * ldc;
        switch (m - i) {
        case 1: rows_neon(1, n, k, ai, lda, b, ldb, ci, ldc); break;
        case 2: rows_neon(2, n, k, ai, lda, b, ldb, ci, ldc); break;
        case 3: rows_neon(3, n, k, ai, lda, b, ldb, ci, ldc); break;
        default: rows_neon(4, n, k, ai, lda, b, ldb, ci, ldc); break;
        }
    }
}

void cmk_sgemm_at_level(int level, int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                        const float *bias) {
    if (m <= 0 || n <= 0) return;
    if (level < 1 || k <= 0) {
        cmk_sgemm_portable(m, n, k, a, lda, b, ldb, c, ldc, bias);
        return;
    }
    if (m < 2 * MR_NEON) {
        init_rows(m, n, c, ldc, bias);
        sgemm_rows_neon(m, n, k, a, lda, b, ldb, c, ldc);
    } else {
        sgemm_blocked(m, n, k, a, lda, b, ldb, c, ldc, bias, MR_NEON, NR_NEON, kernel_8x12, NULL);
    }
}

size_t cmk_sgemm_packed_count(int level, int k, int n) {
    return level < 1 || k <= 0 || n <= 0 ? 0 : packed_count(k, n, NR_NEON);
}

void cmk_sgemm_pack(int level, int k, int n, const float *b, int ldb, float *packed) {
    if (level >= 1 && k > 0 && n > 0) pack_all(k, n, b, ldb, packed, NR_NEON);
}

void cmk_sgemm_prepacked(int level, int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                         const float *packed, float *c, int ldc, const float *bias) {
    if (m <= 0 || n <= 0) return;
    if (level < 1 || k <= 0 || !packed) {
        cmk_sgemm_at_level(level, m, n, k, a, lda, b, ldb, c, ldc, bias);
    } else {
        sgemm_blocked(m, n, k, a, lda, b, ldb, c, ldc, bias, MR_NEON, NR_NEON, kernel_8x12, packed);
    }
}

#else

int cmk_has_avx2_fma(void) { return 0; }

void cmk_sgemm_at_level(int level, int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                        const float *bias) {
    (void)level;
    cmk_sgemm_portable(m, n, k, a, lda, b, ldb, c, ldc, bias);
}

#endif

#if !((defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))) || defined(__aarch64__))
// The portable kernel has no packed form: callers multiply as usual.
size_t cmk_sgemm_packed_count(int level, int k, int n) {
    (void)level, (void)k, (void)n;
    return 0;
}

void cmk_sgemm_pack(int level, int k, int n, const float *b, int ldb, float *packed) {
    (void)level, (void)k, (void)n, (void)b, (void)ldb, (void)packed;
}

void cmk_sgemm_prepacked(int level, int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                         const float *packed, float *c, int ldc, const float *bias) {
    (void)packed;
    cmk_sgemm_at_level(level, m, n, k, a, lda, b, ldb, c, ldc, bias);
}

// ... nor panels.
size_t cmk_sgemm_workspace_count(int m) {
    (void)m;
    return 0;
}

void cmk_sgemm_lend_workspace(float *buffer, size_t count) { (void)buffer, (void)count; }
#endif

void cmk_sgemm(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc, const float *bias) {
    cmk_sgemm_at_level(2, m, n, k, a, lda, b, ldb, c, ldc, bias);
}

int cmk_simd_level(void) {
    static int cached = -1;
    if (cached < 0) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
        __builtin_cpu_init();
        // The compiler's CPU model checks that the OS saves the wider registers too.
        cached = !cmk_has_avx2_fma() ? 0 : (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) ? 2 : 1;
#elif defined(__aarch64__)
        cached = 1;
#else
        cached = 0;
#endif
    }
    return cached;
}
