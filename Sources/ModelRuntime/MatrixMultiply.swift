import CModelKernels
import Dispatch
import Foundation

/// Dense matrix products on row-major float32 buffers, through `CModelKernels` (an AVX2/FMA
/// register-tiled kernel where the CPU has it, a portable loop elsewhere), split across the
/// machine's cores by rows when the product is large enough to pay for it.
enum MatrixMultiply {
    /// Products with fewer multiply-adds than this run on the calling thread.
    static let parallelThreshold = 1 << 20

    /// The cores used for one product.
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// `c[m×n] = a[m×k] · b[k×n]` (+ `bias[n]` on every row when given), row-major.
    static func multiply(
        _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?,
        into c: UnsafeMutableBufferPointer<Float>, m: Int, k: Int, n: Int
    ) {
        precondition(a.count >= m * k && b.count >= k * n && c.count >= m * n, "matrix buffers too small")
        precondition(m < Int(Int32.max) && n < Int(Int32.max) && k < Int(Int32.max), "matrix too large")
        guard m > 0, n > 0 else { return }
        let aBase = a.baseAddress, bBase = b.baseAddress, cBase = c.baseAddress!, biasBase = bias?.baseAddress
        let (work, overflow) = m.multipliedReportingOverflow(by: n * max(k, 1))
        let chunks = overflow || work >= parallelThreshold ? min(cores, max(1, m / 6)) : 1
        if chunks == 1 {
            cmk_sgemm(Int32(m), Int32(n), Int32(k), aBase, Int32(k), bBase, Int32(n), cBase, Int32(n), biasBase)
            return
        }
        // Row blocks, each a whole product of its own; they write disjoint rows of c.
        let rowsPerChunk = (m + chunks - 1) / chunks
        nonisolated(unsafe) let a = aBase, b = bBase, c = cBase, biasPointer = biasBase
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = chunk * rowsPerChunk, rows = min(rowsPerChunk, m - start)
            guard rows > 0 else { return }
            cmk_sgemm(Int32(rows), Int32(n), Int32(k), a.map { $0 + start * k }, Int32(k), b, Int32(n),
                      c + start * n, Int32(n), biasPointer)
        }
    }
}
