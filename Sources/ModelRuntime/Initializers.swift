/// Whether models being built draw their initial weights (the default) or take zeros as
/// placeholders, because a weight file is about to replace every one of them.
enum WeightInitialization {
    @TaskLocal static var placeholders = false
}

extension Initializer {
    /// Draws a tensor of `shape` the way Keras's initializer does. A seed in the
    /// initializer's config wins over `seed`, so a seeded config always gives the same values.
    public func sample(shape: [Int], seed: UInt64) -> Tensor {
        if WeightInitialization.placeholders {
            // Zeros, written only if the weight file does not replace them after all.
            return Tensor.lazilyFilled(shape: shape, by: { $0.initialize(repeating: 0) })
        }
        let count = shape.reduce(1, *)
        let generator = Philox(seed: self.seed.map(Seeds.fromConfig) ?? seed)
        func tensor(_ stream: PhiloxStream, scale: Double = 1, shift: Double = 0) -> Tensor {
            generator.tensor(stream, shape: shape, scale: scale, shift: shift)
        }
        if let (scale, mode, distribution) = varianceScaling {
            let (fanIn, fanOut) = Initializer.fans(of: shape)
            let fan: Double =
                switch mode {
                case .fanIn: Double(fanIn)
                case .fanOut: Double(fanOut)
                case .fanAvg: Double(fanIn + fanOut) / 2
                }
            let variance = scale / max(1, fan)
            switch distribution {
            case .truncatedNormal:
                return tensor(.truncatedNormal, scale: variance.squareRoot() / 0.879_625_661_034_239_78)
            case .untruncatedNormal:
                return tensor(.normal, scale: variance.squareRoot())
            case .uniform:
                let limit = (3 * variance).squareRoot()
                return tensor(.uniform, scale: 2 * limit, shift: -limit)
            }
        }
        switch self {
        case .randomNormal(let mean, let stddev, _):
            return tensor(.normal, scale: stddev, shift: mean)
        case .randomUniform(let minval, let maxval, _):
            return tensor(.uniform, scale: maxval - minval, shift: minval)
        case .truncatedNormal(let mean, let stddev, _):
            return tensor(.truncatedNormal, scale: stddev, shift: mean)
        case .orthogonal(let gain, _):
            return Initializer.orthogonal(shape: shape, gain: gain, generator: generator)
        case .identity(let gain):
            precondition(shape.count == 2, "Identity initializer needs a 2-D weight, got shape \(shape)")
            var values = [Float](repeating: 0, count: count)
            for i in 0..<min(shape[0], shape[1]) { values[i * shape[1] + i] = Float(gain) }
            return Tensor(shape: shape, scalars: values)
        case .zeros:
            return Tensor(shape: shape, repeating: 0)
        case .ones:
            return Tensor(shape: shape, repeating: 1)
        case .constant(let value):
            return Tensor(shape: shape, repeating: Float(value))
        default:
            preconditionFailure("unreachable: \(self)")
        }
    }

    /// Keras's orthogonal initializer: the Q of a Gaussian matrix's QR decomposition with
    /// `R`'s diagonal made positive, transposed when there are fewer rows than columns.
    private static func orthogonal(shape: [Int], gain: Double, generator: Philox) -> Tensor {
        precondition(shape.count >= 2, "Orthogonal initializer needs a weight of rank 2 or more, got shape \(shape)")
        let rows = shape.dropLast().reduce(1, *)
        let columns = shape[shape.count - 1]
        let (m, n) = (max(rows, columns), min(rows, columns))
        // Column j of the m×n Gaussian matrix, orthonormalized by modified Gram–Schmidt, which
        // gives the QR factorization with a positive diagonal.
        let gaussian = generator.normal(count: m * n)
        var q = [[Double]](repeating: [Double](repeating: 0, count: m), count: n)
        for j in 0..<n {
            for i in 0..<m { q[j][i] = gaussian[i * n + j] }
        }
        for j in 0..<n {
            for k in 0..<j {
                var dot = 0.0
                for i in 0..<m { dot += q[k][i] * q[j][i] }
                for i in 0..<m { q[j][i] -= dot * q[k][i] }
            }
            var norm = 0.0
            for i in 0..<m { norm += q[j][i] * q[j][i] }
            norm = norm.squareRoot()
            for i in 0..<m { q[j][i] /= norm }
        }
        var values = [Float](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns {
                // Q is m×n; when rows < columns the weight is Qᵀ.
                let value = rows >= columns ? q[c][r] : q[r][c]
                values[r * columns + c] = Float(gain * value)
            }
        }
        return Tensor(shape: shape, scalars: values)
    }
}
