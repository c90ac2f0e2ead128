import CModelKernels
import Dispatch
import Foundation

/// Dense matrix products on row-major float32 buffers, through `CModelKernels` (an AVX2/FMA
/// register-tiled kernel where the CPU has it, a portable loop elsewhere), split across the
/// machine's cores by rows when the product is large enough to pay for it.
enum MatrixMultiply {
    /// Work on a block of whole rows of a product's output, run on the thread that computed the
    /// block, right after it, while the block is still in cache: a layer's element-wise
    /// activation, fused into the product's output pass.
    typealias OutputPass = @Sendable (UnsafeMutableBufferPointer<Float>) -> Void

    /// Products with fewer multiply-adds than this run on the calling thread.
    static let parallelThreshold = 1 << 20

    /// Products with fewer rows than this split their columns over the cores, not their rows.
    static let columnSplitRows = 256

    /// The cores used for one product.
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// `activation(x · kernel + bias)` over the last axis of `x`, shaped `shape`: `kernel`'s last
    /// two axes are `(features, units)` (Dense's kernel, a 1×1 convolution's).
    static func dense(
        _ x: Tensor, kernel: Tensor, bias: Tensor?, activation: ActivationFunction, shape: [Int]
    ) -> Tensor {
        let features = kernel.shape[kernel.rank - 2]
        let units = kernel.shape[kernel.rank - 1]
        var output = Tensor(shape: shape) { out in
            x.withUnsafeScalars { a in
                kernel.withUnsafeScalars { b in
                    multiply(
                        a, b, biasTensor: bias, into: out, m: x.scalarCount / max(features, 1), k: features, n: units,
                        then: activation.outputPass)
                }
            }
        }
        activation.applyUnlessFused(to: &output)
        return output
    }

    /// `cmk_sgemm` with its packing panels in a block of the tensor pool (the scalars of a freed
    /// activation, already resident) rather than the thread's own buffer.
    static func sgemm(
        _ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafePointer<Float>?, _ lda: Int32, _ b: UnsafePointer<Float>?,
        _ ldb: Int32, _ c: UnsafeMutablePointer<Float>?, _ ldc: Int32, _ bias: UnsafePointer<Float>?
    ) {
        let count = cmk_sgemm_workspace_count(m)
        guard count > 0 else { return cmk_sgemm(m, n, k, a, lda, b, ldb, c, ldc, bias) }
        let panels = ScalarPool.shared.scratch(count: count)
        cmk_sgemm_lend_workspace(panels.buffer.baseAddress, count)
        cmk_sgemm(m, n, k, a, lda, b, ldb, c, ldc, bias)
        cmk_sgemm_lend_workspace(nil, 0)
        ScalarPool.shared.recycle(panels)
    }

    /// `multiply(_:_:bias:into:m:k:n:parallel:then:)` with the bias, when there is one, a tensor's
    /// scalars.
    static func multiply(
        _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, biasTensor: Tensor?,
        into c: UnsafeMutableBufferPointer<Float>, m: Int, k: Int, n: Int, then outputPass: OutputPass? = nil
    ) {
        guard let biasTensor else { return multiply(a, b, bias: nil, into: c, m: m, k: k, n: n, then: outputPass) }
        biasTensor.withUnsafeScalars { multiply(a, b, bias: $0, into: c, m: m, k: k, n: n, then: outputPass) }
    }

    /// `c[m×n] = a[m×k] · b[k×n]` (+ `bias[n]` on every row when given), row-major, then
    /// `outputPass` over each block of rows as it is done; on the calling thread only when not
    /// `parallel` (the caller splits the work itself).
    static func multiply(
        _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?,
        into c: UnsafeMutableBufferPointer<Float>, m: Int, k: Int, n: Int, parallel allowed: Bool = true,
        then outputPass: OutputPass? = nil
    ) {
        precondition(a.count >= m * k && b.count >= k * n && c.count >= m * n, "matrix buffers too small")
        precondition(m < Int(Int32.max) && n < Int(Int32.max) && k < Int(Int32.max), "matrix too large")
        guard m > 0, n > 0 else { return }
        let aBase = a.baseAddress
        let bBase = b.baseAddress
        let cBase = c.baseAddress!
        let biasBase = bias?.baseAddress
        let (work, overflow) = m.multipliedReportingOverflow(by: n * max(k, 1))
        let parallel = allowed && (overflow || work >= parallelThreshold)
        // Few rows and many columns (late convolution stages, batch-1 dense layers): column
        // blocks, so that each core reads only its part of b instead of all of it.
        let columnChunks = parallel && m < columnSplitRows ? min(cores, n / 32) : 1
        if columnChunks > 1 {
            let columnsPerChunk = ((n + columnChunks - 1) / columnChunks + 15) / 16 * 16
            nonisolated(unsafe) let a = aBase
            nonisolated(unsafe) let b = bBase
            nonisolated(unsafe) let c = cBase
            nonisolated(unsafe) let biasPointer = biasBase
            DispatchQueue.concurrentPerform(iterations: columnChunks) { chunk in
                let start = chunk * columnsPerChunk
                let columns = min(columnsPerChunk, n - start)
                guard columns > 0 else { return }
                sgemm(
                    Int32(m), Int32(columns), Int32(k), a, Int32(k), b.map { $0 + start }, Int32(n),
                    c + start, Int32(n), biasPointer.map { $0 + start })
            }
            // Each core holds some columns of every row: the pass runs once all are done.
            outputPass?(UnsafeMutableBufferPointer(start: cBase, count: m * n))
            return
        }
        let chunks = parallel ? min(cores, max(1, m / 6)) : 1
        if chunks == 1 {
            sgemm(Int32(m), Int32(n), Int32(k), aBase, Int32(k), bBase, Int32(n), cBase, Int32(n), biasBase)
            outputPass?(UnsafeMutableBufferPointer(start: cBase, count: m * n))
            return
        }
        // Row blocks, each a whole product of its own; they write disjoint rows of c.
        let rowsPerChunk = (m + chunks - 1) / chunks
        nonisolated(unsafe) let a = aBase
        nonisolated(unsafe) let b = bBase
        nonisolated(unsafe) let c = cBase
        nonisolated(unsafe) let biasPointer = biasBase
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = chunk * rowsPerChunk
            let rows = min(rowsPerChunk, m - start)
            guard rows > 0 else { return }
            sgemm(
                Int32(rows), Int32(n), Int32(k), a.map { $0 + start * k }, Int32(k), b, Int32(n),
                c + start * n, Int32(n), biasPointer)
            outputPass?(UnsafeMutableBufferPointer(start: c + start * n, count: rows * n))
        }
    }
}
