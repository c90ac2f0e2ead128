// Backward passes of BatchNormalization and the merge layers.

extension BatchNormalization: TrainableLayer {
    /// The normalized input x̂, each feature's 1 / √(variance + ε), and, for a call on batch
    /// statistics, those statistics (for the moving averages).
    public struct Tape: Sendable {
        let normalized: Tensor
        let inverseDeviation: [Float]
        let batchStatistics: (mean: [Float], variance: [Float])?
    }

    /// Where the features sit in `shape`: their count and the run of scalars sharing one.
    private func featureLayout(_ shape: [Int]) -> (features: Int, inner: Int) {
        let axis = config.axis < 0 ? config.axis + shape.count : config.axis
        precondition(
            axis >= 0 && axis < shape.count && shape[axis] == movingMean.scalarCount,
            "\(config.name): expects \(movingMean.scalarCount) features on axis \(config.axis), got shape \(shape)")
        return (shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// In training, the batch's mean and (biased) variance per feature normalize the input and
    /// move the moving averages, as Keras's `training=True` does; a layer whose `trainable`
    /// is false runs on its moving statistics, as Keras runs it then.
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tape) {
        let (features, inner) = featureLayout(input.shape)
        let onBatch = context.isTraining && config.trainable
        var mean = movingMean.scalars
        var variance = movingVariance.scalars
        if onBatch {
            mean = [Float](repeating: 0, count: features)
            variance = mean
            var counts = mean
            input.withUnsafeScalars { x in
                for index in x.indices {
                    let c = (index / inner) % features
                    mean[c] += x[index]
                    counts[c] += 1
                }
                for c in 0..<features { mean[c] /= max(counts[c], 1) }
                for index in x.indices {
                    let c = (index / inner) % features
                    let d = x[index] - mean[c]
                    variance[c] += d * d
                }
                for c in 0..<features { variance[c] /= max(counts[c], 1) }
            }
        }
        let epsilon = Float(config.epsilon)
        let inverse = variance.map { 1 / ($0 + epsilon).squareRoot() }
        let (gammas, betas) = (gamma?.scalars, beta?.scalars)
        var normalized = input
        var output = input
        normalized.withUnsafeMutableScalars { x in
            output.withUnsafeMutableScalars { y in
                for index in x.indices {
                    let c = (index / inner) % features
                    x[index] = (x[index] - mean[c]) * inverse[c]
                    y[index] = x[index] * (gammas?[c] ?? 1) + (betas?[c] ?? 0)
                }
            }
        }
        return (
            output,
            Tape(normalized: normalized, inverseDeviation: inverse, batchStatistics: onBatch ? (mean, variance) : nil)
        )
    }

    public func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients {
        let (features, inner) = featureLayout(tape.normalized.shape)
        var sumGradient = [Float](repeating: 0, count: features)
        var sumGradientNormalized = sumGradient
        var counts = sumGradient
        outputGradient.withUnsafeScalars { g in
            tape.normalized.withUnsafeScalars { x in
                for index in g.indices {
                    let c = (index / inner) % features
                    sumGradient[c] += g[index]
                    sumGradientNormalized[c] += g[index] * x[index]
                    counts[c] += 1
                }
            }
        }
        var weights: [Tensor] = []
        if gamma != nil { weights.append(Tensor(shape: [features], scalars: sumGradientNormalized)) }
        if beta != nil { weights.append(Tensor(shape: [features], scalars: sumGradient)) }
        guard inputGradient else { return LayerGradients(inputs: [], weights: weights) }
        let gammas = gamma?.scalars
        let onBatch = tape.batchStatistics != nil
        let input = Tensor(shape: outputGradient.shape) { out in
            outputGradient.withUnsafeScalars { g in
                tape.normalized.withUnsafeScalars { x in
                    for index in g.indices {
                        let c = (index / inner) % features
                        let scale = (gammas?[c] ?? 1) * tape.inverseDeviation[c]
                        if onBatch {
                            // ∂x = γ/σ · (g − mean(g) − x̂ · mean(g x̂))
                            let n = counts[c]
                            out[index] =
                                scale * (g[index] - sumGradient[c] / n - x[index] * sumGradientNormalized[c] / n)
                        } else {
                            out[index] = scale * g[index]
                        }
                    }
                }
            }
        }
        return LayerGradients(inputs: [input], weights: weights)
    }

    /// Moves the moving mean and variance toward the batch's: `moving · momentum + batch ·
    /// (1 − momentum)`, Keras's update.
    public mutating func update(from tape: Tape) {
        guard let (mean, variance) = tape.batchStatistics else { return }
        let momentum = Float(config.momentum)
        func moved(_ moving: Tensor, _ batch: [Float]) -> Tensor {
            var index = -1
            return moving.mappingScalars { value in
                index += 1
                return value * momentum + batch[index] * (1 - momentum)
            }
        }
        var weights = stored.tensors
        let meanIndex = stored.specs.firstIndex { $0.name == "moving_mean" }!
        let varianceIndex = stored.specs.firstIndex { $0.name == "moving_variance" }!
        weights[meanIndex] = moved(movingMean, mean)
        weights[varianceIndex] = moved(movingVariance, variance)
        do {
            try stored.set(weights, layer: config.name)
        } catch {
            preconditionFailure("\(config.name): moving statistics of a built layer always fit: \(error)")
        }
    }
}

extension ElementwiseMerge: TrainableMerge {
    /// The inputs (for products, maxima and minima).
    public struct Tape: Sendable {
        let inputs: [Tensor]
    }

    public func trainingCall(_ inputs: [Tensor], context: inout TrainingContext) -> (output: Tensor, tape: Tape) {
        (self(inputs), Tape(inputs: inputs))
    }

    /// Each input's share of the output's gradient, for inputs of one shape.
    public func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        let inputs = tape.inputs
        precondition(
            inputs.allSatisfy { $0.shape == outputGradient.shape },
            "\(Config.className) '\(config.name)': training with broadcast inputs is not supported yet")
        let count = Float(inputs.count)
        let gradients = inputs.indices.map { position in
            switch Config.self {
            case is AddConfig.Type:
                return outputGradient
            case is SubtractConfig.Type:
                return position == 0 ? outputGradient : outputGradient.mappingScalars { -$0 }
            case is AverageConfig.Type:
                return outputGradient.mappingScalars { $0 / count }
            default:
                return Tensor(shape: outputGradient.shape) { out in
                    let values = inputs.map(\.scalars)
                    outputGradient.withUnsafeScalars { g in
                        for index in 0..<out.count {
                            out[index] = g[index] * Self.partial(values, position: position, at: index)
                        }
                    }
                }
            }
        }
        return LayerGradients(inputs: gradients)
    }

    /// ∂output/∂input `position` at scalar `index`, for Multiply, Maximum and Minimum (the first
    /// of tied inputs gets the gradient).
    private static func partial(_ values: [[Float]], position: Int, at index: Int) -> Float {
        switch Config.self {
        case is MultiplyConfig.Type:
            return values.indices.reduce(1) { $1 == position ? $0 : $0 * values[$1][index] }
        case is MaximumConfig.Type:
            let best = values.indices.max { values[$0][index] < values[$1][index] }!
            return best == position ? 1 : 0
        case is MinimumConfig.Type:
            let best = values.indices.min { values[$0][index] < values[$1][index] }!
            return best == position ? 1 : 0
        default:
            preconditionFailure("\(Config.className): no backward pass")
        }
    }
}

extension Concatenate: TrainableMerge {
    /// The inputs' shapes.
    public struct Tape: Sendable {
        let shapes: [[Int]]
    }

    public func trainingCall(_ inputs: [Tensor], context: inout TrainingContext) -> (output: Tensor, tape: Tape) {
        (self(inputs), Tape(shapes: inputs.map(\.shape)))
    }

    /// The output's gradient cut back into the inputs' parts along the axis.
    public func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        let rank = outputGradient.rank
        let axis = config.axis < 0 ? config.axis + rank : config.axis
        let outer = outputGradient.shape[..<axis].reduce(1, *)
        let rowLength = outputGradient.shape[axis...].reduce(1, *)
        var offset = 0
        var gradients: [Tensor] = []
        for shape in tape.shapes {
            let chunk = shape[axis...].reduce(1, *)
            let start = offset
            gradients.append(
                Tensor(shape: shape) { out in
                    outputGradient.withUnsafeScalars { g in
                        for block in 0..<outer {
                            for k in 0..<chunk { out[block * chunk + k] = g[block * rowLength + start + k] }
                        }
                    }
                })
            offset += chunk
        }
        return LayerGradients(inputs: gradients)
    }
}
