import Foundation

/// A Keras loss, with Keras 3's definition, defaults and reduction (`"sum_over_batch_size"`:
/// each sample's loss, averaged over the samples).
///
/// `Loss.meanSquaredError` is Keras's `"mean_squared_error"`, and so on; probability losses
/// clip like Keras (to [1e-7, 1 − 1e-7]).
public enum Loss: Sendable, Equatable, CustomStringConvertible {
    /// `mean((y − ŷ)², axis: -1)`.
    case meanSquaredError
    /// `mean(|y − ŷ|, axis: -1)`.
    case meanAbsoluteError
    /// Quadratic within `delta` of the target, linear beyond; averaged over the last axis.
    case huber(delta: Float = 1)
    /// `mean(log(cosh(ŷ − y)), axis: -1)`.
    case logCosh
    /// Binary crossentropy, averaged over the last axis; on logits when `fromLogits`.
    case binaryCrossentropy(fromLogits: Bool = false, labelSmoothing: Float = 0)
    /// Crossentropy against one-hot (or soft) targets over the last axis.
    case categoricalCrossentropy(fromLogits: Bool = false, labelSmoothing: Float = 0)
    /// Crossentropy against integer class ids (stored as floats).
    case sparseCategoricalCrossentropy(fromLogits: Bool = false)
    /// `sum(y · log(y / ŷ), axis: -1)`, both clipped to [1e-7, 1].
    case kullbackLeiblerDivergence
    /// `−sum(normalized(y) · normalized(ŷ), axis: -1)`.
    case cosineSimilarity

    /// Keras's name for the loss, with its non-default arguments.
    public var description: String {
        switch self {
        case .meanSquaredError: "mean_squared_error"
        case .meanAbsoluteError: "mean_absolute_error"
        case .huber(let delta): delta == 1 ? "huber" : "huber(delta: \(delta))"
        case .logCosh: "log_cosh"
        case .binaryCrossentropy(let logits, let smoothing):
            "binary_crossentropy" + Self.arguments(logits, smoothing)
        case .categoricalCrossentropy(let logits, let smoothing):
            "categorical_crossentropy" + Self.arguments(logits, smoothing)
        case .sparseCategoricalCrossentropy(let logits): "sparse_categorical_crossentropy" + Self.arguments(logits, 0)
        case .kullbackLeiblerDivergence: "kl_divergence"
        case .cosineSimilarity: "cosine_similarity"
        }
    }

    private static func arguments(_ fromLogits: Bool, _ smoothing: Float) -> String {
        let parts = (fromLogits ? ["from_logits"] : []) + (smoothing == 0 ? [] : ["label_smoothing \(smoothing)"])
        return parts.isEmpty ? "" : "(" + parts.joined(separator: ", ") + ")"
    }

    /// Keras's fuzz factor, `keras.config.epsilon()`.
    static let epsilon: Float = 1e-7

    /// The loss of `prediction` against `target` (Keras's `loss(y_true, y_pred)`).
    public func callAsFunction(_ prediction: Tensor, _ target: Tensor) -> Float {
        valueAndGradient(prediction, target).value
    }

    /// The loss and its gradient with respect to `prediction`.
    public func valueAndGradient(_ prediction: Tensor, _ target: Tensor) -> (value: Float, gradient: Tensor) {
        valueAndGradient(prediction, target, sampleWeight: nil)
    }

    /// The loss with each sample's loss weighted by `sampleWeight` (one weight per sample,
    /// along the first axis), and its gradient: Keras's `loss(y_true, y_pred, sample_weight)`,
    /// `sum(w · loss) / n` over the n samples (and the axes between the batch and the last).
    public func valueAndGradient(
        _ prediction: Tensor, _ target: Tensor, sampleWeight: Tensor?
    ) -> (value: Float, gradient: Tensor) {
        let width = max(prediction.shape.last ?? 1, 1)
        let rows = prediction.scalarCount / width
        if case .sparseCategoricalCrossentropy(let fromLogits) = self {
            precondition(
                target.scalarCount == rows,
                "sparse categorical crossentropy: \(target.shape) class ids for predictions of shape "
                    + "\(prediction.shape)"
            )
            let classes = target.scalars
            let oneHot = Tensor(shape: prediction.shape) { out in
                for index in 0..<out.count { out[index] = 0 }
                for row in 0..<rows {
                    let id = Int(classes[row])
                    precondition(id >= 0 && id < width, "sparse categorical crossentropy: class id \(id) of \(width)")
                    out[row * width + id] = 1
                }
            }
            return Loss.categoricalCrossentropy(fromLogits: fromLogits).valueAndGradient(
                prediction, oneHot, sampleWeight: sampleWeight)
        }
        precondition(
            target.scalarCount == prediction.scalarCount,
            "\(self): targets of shape \(target.shape) for predictions of shape \(prediction.shape)")
        let weights = sampleWeight?.scalars
        let batch = max(prediction.shape.first ?? 1, 1)
        precondition(
            weights == nil || weights!.count == batch,
            "\(self): \(weights?.count ?? 0) sample weights for \(batch) samples")
        // The rows of one sample share its weight.
        let rowsPerSample = max(rows / batch, 1)
        var total: Double = 0
        let gradient = Tensor(shape: prediction.shape) { out in
            prediction.withUnsafeScalars { p in
                target.withUnsafeScalars { t in
                    for (row, start) in stride(from: 0, to: p.count, by: width).enumerated() {
                        let loss = rowLoss(p, t, start: start, width: width, gradient: out, rows: rows)
                        guard let weights else {
                            total += Double(loss)
                            continue
                        }
                        let weight = weights[row / rowsPerSample]
                        total += Double(weight * loss)
                        for i in start..<(start + width) { out[i] *= weight }
                    }
                }
            }
        }
        return (Float(total / Double(max(rows, 1))), gradient)
    }

    /// One sample's loss over `width` scalars from `start`; writes its gradient (already divided
    /// by the `rows` samples) into `gradient`.
    private func rowLoss(
        _ p: UnsafeBufferPointer<Float>, _ t: UnsafeBufferPointer<Float>, start: Int, width: Int,
        gradient: UnsafeMutableBufferPointer<Float>, rows: Int
    ) -> Float {
        let range = start..<(start + width)
        let perRow = 1 / Float(rows)
        let perScalar = perRow / Float(width)
        let epsilon = Loss.epsilon
        var loss: Float = 0
        switch self {
        case .meanSquaredError:
            for i in range {
                let e = p[i] - t[i]
                loss += e * e
                gradient[i] = 2 * e * perScalar
            }
            return loss / Float(width)
        case .meanAbsoluteError:
            for i in range {
                let e = p[i] - t[i]
                loss += abs(e)
                gradient[i] = (e > 0 ? 1 : e < 0 ? -1 : 0) * perScalar
            }
            return loss / Float(width)
        case .huber(let delta):
            for i in range {
                let e = p[i] - t[i]
                if abs(e) <= delta {
                    loss += 0.5 * e * e
                    gradient[i] = e * perScalar
                } else {
                    loss += delta * abs(e) - 0.5 * delta * delta
                    gradient[i] = (e > 0 ? delta : -delta) * perScalar
                }
            }
            return loss / Float(width)
        case .logCosh:
            for i in range {
                let e = p[i] - t[i]
                loss += e + softplus(-2 * e) - log(2)
                gradient[i] = tanhf(e) * perScalar
            }
            return loss / Float(width)
        case .binaryCrossentropy(let fromLogits, let smoothing):
            for i in range {
                let y = t[i] * (1 - smoothing) + 0.5 * smoothing
                if fromLogits {
                    let z = p[i]
                    loss += y * softplus(-z) + (1 - y) * softplus(z)
                    gradient[i] = (1 / (1 + exp(-z)) - y) * perScalar
                } else {
                    let inRange = p[i] > epsilon && p[i] < 1 - epsilon
                    let o = min(max(p[i], epsilon), 1 - epsilon)
                    loss -= y * log(o) + (1 - y) * log(1 - o)
                    gradient[i] = inRange ? (-(y / o) + (1 - y) / (1 - o)) * perScalar : 0
                }
            }
            return loss / Float(width)
        case .categoricalCrossentropy(let fromLogits, let smoothing):
            func y(_ i: Int) -> Float { t[i] * (1 - smoothing) + smoothing / Float(width) }
            if fromLogits {
                let top = range.map { p[$0] }.max() ?? 0
                var sum: Float = 0
                for i in range { sum += exp(p[i] - top) }
                let logSum = log(sum) + top
                var targetSum: Float = 0
                for i in range {
                    loss -= y(i) * (p[i] - logSum)
                    targetSum += y(i)
                }
                for i in range { gradient[i] = (exp(p[i] - logSum) * targetSum - y(i)) * perRow }
                return loss
            }
            // Keras divides by the row's sum, then clips: ∂/∂p_k = (q_k − Σ q_j r_j) / s with
            // r = p / s and q_j = −y_j / r_j where r_j is inside the clip range.
            var sum: Float = 0
            for i in range { sum += p[i] }
            var weighted: Float = 0
            for i in range {
                let r = p[i] / sum
                let inRange = r > epsilon && r < 1 - epsilon
                loss -= y(i) * log(min(max(r, epsilon), 1 - epsilon))
                let q = inRange ? -y(i) / r : 0
                gradient[i] = q
                weighted += q * r
            }
            for i in range { gradient[i] = (gradient[i] - weighted) / sum * perRow }
            return loss
        case .kullbackLeiblerDivergence:
            for i in range {
                let y = min(max(t[i], epsilon), 1)
                let o = min(max(p[i], epsilon), 1)
                loss += y * log(y / o)
                gradient[i] = p[i] > epsilon && p[i] < 1 ? -y / o * perRow : 0
            }
            return loss
        case .cosineSimilarity:
            var pp: Float = 0
            var tt: Float = 0
            var pt: Float = 0
            for i in range {
                pp += p[i] * p[i]
                tt += t[i] * t[i]
                pt += p[i] * t[i]
            }
            let pNorm = max(pp, 1e-12).squareRoot()
            let tNorm = max(tt, 1e-12).squareRoot()
            let cosine = pt / (pNorm * tNorm)
            for i in range {
                let grad = pp > 1e-12 ? (t[i] / tNorm - cosine * p[i] / pNorm) / pNorm : t[i] / tNorm / pNorm
                gradient[i] = -grad * perRow
            }
            return -cosine
        case .sparseCategoricalCrossentropy:
            preconditionFailure("handled by valueAndGradient")
        }
    }

    private func softplus(_ x: Float) -> Float { x > 20 ? x : log1p(exp(x)) }
}
