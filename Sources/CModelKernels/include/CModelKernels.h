#ifndef CMODELKERNELS_H
#define CMODELKERNELS_H

/// The innermost loops that Swift cannot compile well without compiler flags: the float32
/// matrix product, fresh weights, element-wise passes, exp/sigmoid/tanh and window kernels,
/// each with AVX-512 or AVX2/FMA paths chosen at run time by CPU detection on x86-64, NEON
/// paths on arm64, and a portable fallback that runs everywhere.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Whether this CPU runs the AVX2/FMA kernel (x86-64 with AVX2 and FMA).
int cmk_has_avx2_fma(void);

/// The widest vector kernels this CPU runs: 0 portable, 1 AVX2/FMA (x86-64) or NEON (arm64),
/// 2 AVX-512 (F and DQ).
int cmk_simd_level(void);

/// `C[m×n] = A[m×k] · B[k×n]` (plus `bias[n]` on every row when `bias` is not null); row-major
/// with leading dimensions `lda`, `ldb`, `ldc`. Uses the widest kernel the CPU runs.
void cmk_sgemm(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc, const float *bias);

/// The same product with kernels no wider than `level` (see `cmk_simd_level`), for tests.
void cmk_sgemm_at_level(int level, int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                        const float *bias);
/// The floats `cmk_sgemm_pack` writes for a `k × n` right-hand matrix at `level`; 0 where there
/// is no packed form (the portable kernel), when `cmk_sgemm_prepacked` reads `b` instead.
size_t cmk_sgemm_packed_count(int level, int k, int n);
/// Packs `B[k×n]` once into the panels the `level` kernel reads, for products that reuse it.
void cmk_sgemm_pack(int level, int k, int n, const float *b, int ldb, float *packed);
/// `cmk_sgemm_at_level` with `B` already packed by `cmk_sgemm_pack` at the same `level` (`b` itself
/// is read only where there is no packed form or memory runs out). The same sums in the same order
/// as the blocked product of `cmk_sgemm_at_level`, which it is for 12 rows or more (16 on arm64).
void cmk_sgemm_prepacked(int level, int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                         const float *packed, float *c, int ldc, const float *bias);
/// The floats of packing panels an `m`-row product needs at most (0 for the portable kernel).
size_t cmk_sgemm_workspace_count(int m);
/// Lends the calling thread `buffer` (`count` floats, 64-byte aligned) for the packing panels of
/// its next products, which otherwise use a buffer of the thread's own; NULL takes it back.
void cmk_sgemm_lend_workspace(float *buffer, size_t count);
/// The same product with the portable kernel only (for tests and other CPUs).
void cmk_sgemm_portable(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc, const float *bias);

/// Philox4x32-10's block for `counter` under the key `(key0, key1)`.
void cmk_philox_block(uint32_t key0, uint32_t key1, const uint32_t counter[4], uint32_t out[4]);

/// Elements `[first, first + count)` of a Philox stream into `out` as float32, each one
/// `Float(x · scale + shift)` computed in double, bit for bit as `Philox` in Swift computes it:
/// uniform `x` in [0, 1) (stream 0, AVX-512 or AVX2 where the CPU has it, NEON on arm64),
/// standard normal `x` (Box–Muller, stream 1), standard normal cut at ±2 (stream 2, redrawn per
/// element).
void cmk_philox_uniform(uint32_t key0, uint32_t key1, uint64_t first, int64_t count, double scale, double shift, float *out);
/// The uniform stream with kernels no wider than `level` (see `cmk_simd_level`), for tests.
void cmk_philox_uniform_at_level(int level, uint32_t key0, uint32_t key1, uint64_t first, int64_t count, double scale,
                                 double shift, float *out);
/// The uniform stream with the portable kernel only (for tests and other CPUs).
void cmk_philox_uniform_portable(uint32_t key0, uint32_t key1, uint64_t first, int64_t count, double scale, double shift, float *out);
void cmk_philox_normal(uint32_t key0, uint32_t key1, uint64_t first, int64_t count, double scale, double shift, float *out);
void cmk_philox_truncated_normal(uint32_t key0, uint32_t key1, uint64_t first, int64_t count, double scale, double shift, float *out);

/// `out[r][c] = x[r][c] · scale[c] + shift[c]` over `rows` rows of `channels` values (a
/// multiply, then an add, as the portable loop). `out` may be `x`.
void cmk_scale_shift(int64_t rows, int64_t channels, const float *x, const float *scale, const float *shift, float *out);
/// `out[i] = a[i] + b[i]`. `out` may be `a` or `b`.
void cmk_add(int64_t count, const float *a, const float *b, float *out);
/// `out[i] = x[i] < 0 ? 0 : x[i]` (NaN and −0 stay). `out` may be `x`.
void cmk_relu(int64_t count, const float *x, float *out);
/// `out[i] = x[i] < 0 ? 0 : x[i] > cap ? cap : x[i]` (ReLU6 with `cap` 6; NaN and −0 stay).
/// `out` may be `x`.
void cmk_relu_capped(int64_t count, const float *x, float cap, float *out);
/// The same element-wise passes with the portable loops only (for tests and other CPUs).
void cmk_scale_shift_portable(int64_t rows, int64_t channels, const float *x, const float *scale, const float *shift, float *out);
void cmk_add_portable(int64_t count, const float *a, const float *b, float *out);
void cmk_relu_portable(int64_t count, const float *x, float *out);
void cmk_relu_capped_portable(int64_t count, const float *x, float cap, float *out);

/// Keras's Adam step for `count` scalars of a weight `w` with gradient `g` and moments `m`, `v`:
/// `m += (g − m)·keep1`, `v += (g² − v)·keep2`, `w −= m·alpha / (√v + epsilon)`, each rounded
/// as written (no fused multiply-add).
void cmk_adam_update(int64_t count, const float *g, float *m, float *v, float *w, float keep1, float keep2, float alpha,
                     float epsilon);
/// The Adam step with the portable loop only (for tests and other CPUs).
void cmk_adam_update_portable(int64_t count, const float *g, float *m, float *v, float *w, float keep1, float keep2,
                              float alpha, float epsilon);

/// `out[i] = e^x[i]`, `1 / (1 + e^−x[i])` and `tanh(x[i])`, within 1, 3 and 2 units in the
/// last place (AVX2/FMA where the CPU has it, NEON on arm64; libm otherwise). `out` may be `x`.
void cmk_exp(int64_t count, const float *x, float *out);
void cmk_sigmoid(int64_t count, const float *x, float *out);
void cmk_tanh(int64_t count, const float *x, float *out);
/// `out[i] = x[i] · sigmoid(x[i])` (SiLU, swish) and Keras's approximate GELU
/// `0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))`, over the same vector sigmoid and tanh.
/// `out` may be `x`.
void cmk_silu(int64_t count, const float *x, float *out);
void cmk_gelu_tanh(int64_t count, const float *x, float *out);
/// Keras's exact GELU, `0.5 · x · (1 + erf(x / √2))`, over a vector erf within a few units in
/// the last place. `out` may be `x`.
void cmk_gelu(int64_t count, const float *x, float *out);
/// The same with libm only (for tests and other CPUs).
void cmk_exp_portable(int64_t count, const float *x, float *out);
void cmk_sigmoid_portable(int64_t count, const float *x, float *out);
void cmk_tanh_portable(int64_t count, const float *x, float *out);
void cmk_silu_portable(int64_t count, const float *x, float *out);
void cmk_gelu_tanh_portable(int64_t count, const float *x, float *out);
void cmk_gelu_portable(int64_t count, const float *x, float *out);

/// A 2-D window over NHWC tensors (a depthwise convolution's or a pooling's): input `batch ×
/// inH × inW × channels`, output `batch × outH × outW × channels`, `kH × kW` taps, and the
/// padding before the first row and column.
typedef struct {
    int32_t batch, inH, inW, channels, outH, outW, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft;
} cmk_window2d;

/// Depthwise 2-D convolution with depth multiplier 1 (`out = bias + Σ x · kernel` over the
/// taps inside the input, in tap order, a multiply then an add), over output rows
/// `[firstRow, endRow)` of the `batch · outH` rows; `bias` may be null. AVX2 or NEON.
void cmk_depthwise2d(const cmk_window2d *geometry, int64_t firstRow, int64_t endRow, const float *x,
                     const float *kernel, const float *bias, float *out);
/// The same with the portable loop only (for tests and other CPUs).
void cmk_depthwise2d_portable(const cmk_window2d *geometry, int64_t firstRow, int64_t endRow, const float *x,
                              const float *kernel, const float *bias, float *out);

/// Max pooling (`isMax` 1: −∞, then `x ≥ m ? x : m` per tap inside the input) or average
/// pooling (0: the sum over the taps inside the input times 1 / their number) over output rows
/// `[firstRow, endRow)` of the `batch · outH` rows. AVX2 or NEON.
void cmk_pool2d(const cmk_window2d *geometry, int isMax, int64_t firstRow, int64_t endRow, const float *x, float *out);
/// The same with the portable loop only (for tests and other CPUs).
void cmk_pool2d_portable(const cmk_window2d *geometry, int isMax, int64_t firstRow, int64_t endRow, const float *x, float *out);

/// Advises the kernel to back the whole 2 MiB pages inside `[start, start + bytes)` with huge
/// pages (Linux transparent huge pages; nothing elsewhere), before a large buffer is first
/// written: one page fault per 2 MiB instead of one per 4 KiB.
void cmk_advise_huge_pages(void *start, int64_t bytes);
/// Faults in the whole pages inside `[start, start + bytes)` for writing in one system call
/// (Linux 5.14 and later; nothing elsewhere), which costs less than a trap per page.
void cmk_populate_for_writing(void *start, int64_t bytes);

#ifdef __cplusplus
}
#endif

#endif
