// Training-mode regularization layers: Dropout (with a noise_shape), SpatialDropout1D/2D/3D,
// GaussianDropout, GaussianNoise, AlphaDropout and ConvNeXt's StochasticDepth, each active only
// in a training call, with Keras's formulas and this package's seeded draws (not Keras's
// generator: the same seed gives the same draws here, not Keras's).

/// What a noise layer's backward pass needs: the factor its training call multiplied each
/// scalar by (nil when the call was the identity, or only added noise).
public struct NoiseTape: Sendable {
    let factor: Tensor?

    /// The output's gradient times the factor.
    func backward(_ outputGradient: Tensor, inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        return LayerGradients(inputs: [factor.map { outputGradient.zipped(with: $0, *) } ?? outputGradient])
    }
}

/// A layer whose training call multiplies its input by noise (or adds it): the backward pass
/// multiplies the output's gradient by the factor the call recorded.
public protocol NoiseLayer: TrainableLayer where Tape == NoiseTape {}

extension NoiseLayer {
    public func backward(_ outputGradient: Tensor, tape: NoiseTape, inputGradient: Bool) -> LayerGradients {
        tape.backward(outputGradient, inputGradient: inputGradient)
    }
}

extension TrainingContext {
    /// Keras's dropout mask over `input`: 1 / (1 − rate) where a uniform draw is at least
    /// `rate`, else 0, drawn over `noiseShape` (nil for the input's shape; a `None` axis takes
    /// the input's size, an axis of 1 shares its draw along that axis) and broadcast.
    mutating func dropoutMask(_ input: Tensor, rate: Double, noiseShape: [Int?]? = nil) -> Tensor {
        let shape = input.shape
        let drawn = Self.concreteNoiseShape(noiseShape, for: shape)
        let count = drawn.reduce(1, *)
        let draws = nextGenerator().uniform(count: count)
        let (threshold, keep) = (Float(rate), 1 / (1 - Float(rate)))
        guard drawn != shape else {
            return Tensor(shape: shape) { out in
                for index in 0..<out.count { out[index] = Float(draws[index]) >= threshold ? keep : 0 }
            }
        }
        return Tensor(shape: shape) { out in
            for index in 0..<out.count {
                out[index] = Float(draws[broadcastIndex(index, in: shape, of: drawn)]) >= threshold ? keep : 0
            }
        }
    }

    /// `noiseShape` made concrete for an input of `shape`, with NumPy's alignment (missing
    /// leading axes are 1), as Keras's `_get_concrete_noise_shape` and `broadcast_to` do.
    static func concreteNoiseShape(_ noiseShape: [Int?]?, for shape: [Int]) -> [Int] {
        guard let noiseShape else { return shape }
        precondition(noiseShape.count <= shape.count, "noise_shape \(noiseShape) has more axes than the input \(shape)")
        let padded = [Int?](repeating: 1, count: shape.count - noiseShape.count) + noiseShape
        return zip(padded, shape).map { noise, size in
            let concrete = noise ?? size
            precondition(concrete == 1 || concrete == size, "noise_shape \(noiseShape) does not broadcast to \(shape)")
            return concrete
        }
    }
}

extension Dropout: NoiseLayer {
    /// In training, each scalar is zeroed with probability `rate` and the others are scaled by
    /// 1 / (1 − rate), as Keras does, one draw per element of `noise_shape` when the config has
    /// one; the draws come from `context` (not Keras's generator).
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: NoiseTape) {
        guard context.isTraining, config.rate > 0 else { return (input, NoiseTape(factor: nil)) }
        let mask = context.dropoutMask(input, rate: config.rate, noiseShape: config.noiseShape?.dimensions)
        return (input.zipped(with: mask, *), NoiseTape(factor: mask))
    }
}

extension SpatialDropout: NoiseLayer {
    /// In training, Keras's dropout with one draw per example and channel (noise shape
    /// `(batch, 1, …, 1, channels)`): whole feature maps are zeroed, the others scaled by
    /// 1 / (1 − rate).
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: NoiseTape) {
        guard context.isTraining, config.rate > 0 else { return (input, NoiseTape(factor: nil)) }
        let shape = input.shape
        let noiseShape = [shape[0]] + Array(repeating: 1, count: shape.count - 2) + [shape[shape.count - 1]]
        let mask = context.dropoutMask(input, rate: config.rate, noiseShape: noiseShape)
        return (input.zipped(with: mask, *), NoiseTape(factor: mask))
    }
}

extension GaussianDropout: NoiseLayer {
    /// In training, each scalar times a normal draw of mean 1 and standard deviation
    /// √(rate / (1 − rate)), as Keras does.
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: NoiseTape) {
        guard context.isTraining, config.rate > 0 else { return (input, NoiseTape(factor: nil)) }
        let stddev = (config.rate / (1 - config.rate)).squareRoot()
        let draws = context.nextGenerator().normal(count: input.scalarCount)
        let factor = Tensor(shape: input.shape) { out in
            for index in 0..<out.count { out[index] = Float(1 + stddev * draws[index]) }
        }
        return (input.zipped(with: factor, *), NoiseTape(factor: factor))
    }
}

extension GaussianNoise: NoiseLayer {
    /// In training, each scalar plus a normal draw of mean 0 and standard deviation `stddev`,
    /// as Keras does; its gradient passes through unchanged.
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: NoiseTape) {
        guard context.isTraining, config.stddev > 0 else { return (input, NoiseTape(factor: nil)) }
        let draws = context.nextGenerator().normal(count: input.scalarCount)
        let stddev = config.stddev
        let noise = Tensor(shape: input.shape) { out in
            for index in 0..<out.count { out[index] = Float(stddev * draws[index]) }
        }
        return (input.zipped(with: noise, +), NoiseTape(factor: nil))
    }
}

extension StochasticDepth: NoiseLayer {
    /// In training, ConvNeXt's drop path (Keras's `StochasticDepth.call`): each example's input
    /// is zeroed whole with probability `drop_path_rate`, else divided by 1 − `drop_path_rate`;
    /// one draw per example from `context` (not Keras's generator).
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: NoiseTape) {
        let rate = config.dropPathRate
        guard context.isTraining, rate > 0, let batch = input.shape.first, batch > 0 else {
            return (input, NoiseTape(factor: nil))
        }
        let keep = Float(1 - rate)
        // Keras's `floor(keep_prob + uniform)`: 1 for a kept example, 0 for a dropped one.
        let kept = context.nextGenerator().uniform(count: batch).map { (keep + Float($0)).rounded(.down) }
        let row = input.scalarCount / batch
        let output = Tensor(shape: input.shape) { out in
            input.withUnsafeScalars { x in
                for index in 0..<out.count { out[index] = x[index] / keep * kept[index / row] }
            }
        }
        let factor = Tensor(shape: input.shape) { out in
            for index in 0..<out.count { out[index] = kept[index / row] / keep }
        }
        return (output, NoiseTape(factor: factor))
    }
}

extension AlphaDropout {
    /// SELU's α · λ, negated: the value a dropped scalar takes before the affine correction.
    static let droppedValue = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946

    /// Keras's affine correction `a · x + b` for `rate`, which keeps SELU's mean and variance.
    static func correction(rate: Double) -> (a: Double, b: Double) {
        let a = 1 / ((1 - rate) * (1 + rate * droppedValue * droppedValue)).squareRoot()
        return (a, -a * droppedValue * rate)
    }
}

extension AlphaDropout: NoiseLayer {
    /// In training, as Keras: each scalar is kept where a uniform draw (one per element of
    /// `noise_shape`) is at least `rate`, else set to −αλ; then `a · x + b` with
    /// a = ((1 − rate)(1 + rate · (αλ)²))^(−1/2) and b = a · αλ · rate.
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: NoiseTape) {
        guard context.isTraining, config.rate > 0 else { return (input, NoiseTape(factor: nil)) }
        // The dropout mask is 1 / (1 − rate) or 0; only whether it is kept matters here.
        let kept = context.dropoutMask(input, rate: config.rate, noiseShape: config.noiseShape?.dimensions)
        let (a, b) = Self.correction(rate: config.rate)
        let dropped = Float(a * Self.droppedValue + b)
        let (scale, shift) = (Float(a), Float(b))
        let factor = Tensor(shape: input.shape) { out in
            kept.withUnsafeScalars { kept in
                for index in 0..<out.count { out[index] = kept[index] > 0 ? scale : 0 }
            }
        }
        let output = Tensor(shape: input.shape) { out in
            input.withUnsafeScalars { x in
                kept.withUnsafeScalars { kept in
                    for index in 0..<out.count { out[index] = kept[index] > 0 ? scale * x[index] + shift : dropped }
                }
            }
        }
        return (output, NoiseTape(factor: factor))
    }
}
