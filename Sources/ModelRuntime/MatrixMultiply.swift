/// Dense matrix products on row-major float32 buffers.
enum MatrixMultiply {
    /// `c[m×n] = a[m×k] · b[k×n]` (+ `bias[n]` on every row when given), row-major.
    /// Blocked over `k` and `n` so the panel of `b` in use stays in cache.
    static func multiply(
        _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?,
        into c: UnsafeMutableBufferPointer<Float>, m: Int, k: Int, n: Int
    ) {
        precondition(a.count >= m * k && b.count >= k * n && c.count >= m * n, "matrix buffers too small")
        for row in 0..<m {
            let out = c.baseAddress! + row * n
            if let bias {
                for j in 0..<n { out[j] = bias[j] }
            } else {
                for j in 0..<n { out[j] = 0 }
            }
        }
        let kBlock = 256
        let nBlock = 512
        var j0 = 0
        while j0 < n {
            let j1 = min(j0 + nBlock, n)
            var p0 = 0
            while p0 < k {
                let p1 = min(p0 + kBlock, k)
                for row in 0..<m {
                    let out = c.baseAddress! + row * n
                    let aRow = a.baseAddress! + row * k
                    for p in p0..<p1 {
                        let scale = aRow[p]
                        let bRow = b.baseAddress! + p * n
                        for j in j0..<j1 { out[j] += scale * bRow[j] }
                    }
                }
                p0 = p1
            }
            j0 = j1
        }
    }
}
