import Foundation

// Backward passes of the activation layers, LayerNormalization, Embedding and the layers that
// move scalars around (Permute, RepeatVector, UpSampling).

/// A one-input layer whose backward pass needs only its input: ∂x = ∂y · f′(x) per scalar.
protocol InputDerivativeLayer: TrainableLayer where Tape == Tensor {
    /// f′ at `x`.
    var inputDerivative: (Float) -> Float { get }
}

extension InputDerivativeLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tensor) {
        (self(input), input)
    }

    public func backward(_ outputGradient: Tensor, tape input: Tensor, inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        let derivative = inputDerivative
        return LayerGradients(inputs: [outputGradient.zipped(with: input) { g, x in g * derivative(x) }])
    }
}

extension ReLU: InputDerivativeLayer {
    var inputDerivative: (Float) -> Float {
        let (threshold, slope) = (Float(config.threshold), Float(config.negativeSlope))
        let cap = config.maxValue.map { Float($0) } ?? .infinity
        return { x in x >= threshold ? (x < cap ? 1 : 0) : slope }
    }
}

extension LeakyReLU: InputDerivativeLayer {
    var inputDerivative: (Float) -> Float {
        let slope = Float(config.negativeSlope)
        return { x in x < 0 ? slope : 1 }
    }
}

extension ELU: InputDerivativeLayer {
    var inputDerivative: (Float) -> Float {
        let alpha = Float(config.alpha)
        return { x in x <= 0 ? alpha * expf(x) : 1 }
    }
}

extension Softmax: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tensor) {
        let output = self(input)
        return (output, output)
    }

    /// `y ⊙ (g − Σ g y)` over each group of the softmax's axes.
    public func backward(_ outputGradient: Tensor, tape output: Tensor, inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        let groups = AxisGroups(shape: output.shape, axis: config.axis, layer: config.name)
        var dots = [Float](repeating: 0, count: groups.groupCount)
        let gradient = Tensor(shape: output.shape) { out in
            outputGradient.withUnsafeScalars { g in
                output.withUnsafeScalars { y in
                    for index in 0..<y.count { dots[groups.group(of: index)] += g[index] * y[index] }
                    for index in 0..<y.count { out[index] = y[index] * (g[index] - dots[groups.group(of: index)]) }
                }
            }
        }
        return LayerGradients(inputs: [gradient])
    }
}

extension PReLU: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tensor) {
        (self(input), input)
    }

    /// `y = x` above 0, `alpha · x` below: ∂x = g or g · alpha, ∂alpha = Σ g · x over the
    /// negative inputs sharing each alpha.
    public func backward(_ outputGradient: Tensor, tape input: Tensor, inputGradient: Bool) -> LayerGradients {
        let sampleShape = Array(input.shape.dropFirst())
        let sampleSize = sampleShape.reduce(1, *)
        let alphaIndex = (0..<sampleSize).map { broadcastIndex($0, in: sampleShape, of: alpha.shape) }
        var alphaGradient = [Float](repeating: 0, count: alpha.scalarCount)
        let alphas = alpha.scalars
        let gradient = Tensor(shape: input.shape) { out in
            outputGradient.withUnsafeScalars { g in
                input.withUnsafeScalars { x in
                    for index in 0..<x.count {
                        let a = alphaIndex[index % sampleSize]
                        if x[index] < 0 {
                            alphaGradient[a] += g[index] * x[index]
                            out[index] = g[index] * alphas[a]
                        } else {
                            out[index] = g[index]
                        }
                    }
                }
            }
        }
        return LayerGradients(
            inputs: inputGradient ? [gradient] : [], weights: [Tensor(shape: alpha.shape, scalars: alphaGradient)])
    }
}

extension LayerNormalization: TrainableLayer {
    /// The normalized input and each group's 1 / √(variance + ε).
    public struct Tape: Sendable {
        let normalized: Tensor
        let inverseDeviation: [Float]
    }

    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tape) {
        precondition(!config.rmsScaling, "\(config.name): training with rms_scaling is not supported yet")
        let groups = AxisGroups(shape: input.shape, axis: config.axis, layer: config.name)
        let (mean, variance) = input.withUnsafeScalars { groups.moments($0) }
        let inverse = variance.map { Float(1 / ($0 + config.epsilon).squareRoot()) }
        let normalized = Tensor(shape: input.shape) { out in
            input.withUnsafeScalars { x in
                for index in 0..<x.count {
                    let group = groups.group(of: index)
                    out[index] = Float((Double(x[index]) - mean[group]) * Double(inverse[group]))
                }
            }
        }
        return (self(input), Tape(normalized: normalized, inverseDeviation: inverse))
    }

    /// ∂γ = Σ g x̂, ∂β = Σ g over the groups; ∂x = inv · (d − mean(d) − x̂ · mean(d x̂)) with
    /// d = g · γ, the means over each group.
    public func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients {
        let groups = AxisGroups(shape: tape.normalized.shape, axis: config.axis, layer: config.name)
        let gammas = gamma?.scalars
        let weightCount = gamma?.scalarCount ?? beta?.scalarCount ?? 0
        var gammaGradient = [Float](repeating: 0, count: weightCount)
        var betaGradient = gammaGradient
        var sums = [Float](repeating: 0, count: groups.groupCount)
        var weighted = sums
        let size = Float(max(groups.groupSize, 1))
        var gradient = Tensor(shape: tape.normalized.shape, repeating: 0)
        gradient.withUnsafeMutableScalars { out in
            outputGradient.withUnsafeScalars { g in
                tape.normalized.withUnsafeScalars { x in
                    for index in 0..<g.count {
                        let (group, w) = (groups.group(of: index), groups.weightIndex(of: index))
                        if weightCount > 0 {
                            gammaGradient[w] += g[index] * x[index]
                            betaGradient[w] += g[index]
                        }
                        let d = g[index] * (gammas?[w] ?? 1)
                        out[index] = d
                        sums[group] += d
                        weighted[group] += d * x[index]
                    }
                    for index in 0..<g.count {
                        let group = groups.group(of: index)
                        out[index] =
                            tape.inverseDeviation[group]
                            * (out[index] - sums[group] / size - x[index] * weighted[group] / size)
                    }
                }
            }
        }
        var weights: [Tensor] = []
        if let gamma { weights.append(Tensor(shape: gamma.shape, scalars: gammaGradient)) }
        if let beta { weights.append(Tensor(shape: beta.shape, scalars: betaGradient)) }
        return LayerGradients(inputs: inputGradient ? [gradient] : [], weights: weights)
    }
}

extension Embedding: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tensor) {
        (self(input), input)
    }

    /// Each looked-up row's gradient added to its table row. Indices have no gradient: the
    /// input's is zero.
    public func backward(_ outputGradient: Tensor, tape input: Tensor, inputGradient: Bool) -> LayerGradients {
        let width = config.outputDim
        var table = Tensor(shape: embeddings.shape, repeating: 0)
        table.withUnsafeMutableScalars { out in
            input.withUnsafeScalars { ids in
                outputGradient.withUnsafeScalars { g in
                    for position in 0..<ids.count {
                        let row = Int(ids[position])
                        for k in 0..<width { out[row * width + k] += g[position * width + k] }
                    }
                }
            }
        }
        return LayerGradients(
            inputs: inputGradient ? [Tensor(shape: input.shape, repeating: 0)] : [], weights: [table])
    }
}

extension Permute: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Int) {
        (self(input), 0)
    }

    /// The gradient permuted back.
    public func backward(_ outputGradient: Tensor, tape: Int, inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        let order = [0] + config.dims
        var inverse = order
        for (position, axis) in order.enumerated() { inverse[axis] = position }
        return LayerGradients(inputs: [outputGradient.permuted(inverse)])
    }
}

extension RepeatVector: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Int) {
        (self(input), 0)
    }

    /// The repeats' gradients summed.
    public func backward(_ outputGradient: Tensor, tape: Int, inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        let (batch, n, features) = (outputGradient.shape[0], outputGradient.shape[1], outputGradient.shape[2])
        let gradient = Tensor(shape: [batch, features]) { out in
            for index in 0..<out.count { out[index] = 0 }
            outputGradient.withUnsafeScalars { g in
                for b in 0..<batch {
                    for r in 0..<n {
                        for f in 0..<features { out[b * features + f] += g[(b * n + r) * features + f] }
                    }
                }
            }
        }
        return LayerGradients(inputs: [gradient])
    }
}

extension UpSampling: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: [Int]) {
        (self(input), input.shape)
    }

    /// Nearest upsampling copies each input scalar into a block: its gradient is the block's
    /// sum; the other interpolations are the image resize's adjoint.
    public func backward(_ outputGradient: Tensor, tape shape: [Int], inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        if config.interpolation != .nearest {
            return LayerGradients(inputs: [
                ImageResize.adjoint(
                    outputGradient, inputHeight: shape[1], inputWidth: shape[2], method: config.interpolation,
                    antialias: false)
            ])
        }
        let rank = Rank.rank
        func padded(_ values: [Int]) -> [Int] { Array(repeating: 1, count: 3 - rank) + values }
        let inSize = padded(Array(shape[1...rank]))
        let outSize = padded(Array(outputGradient.shape[1...rank]))
        let factor = padded(config.size.values)
        let (batch, channels) = (shape[0], shape[shape.count - 1])
        let gradient = Tensor(shape: shape) { out in
            for index in 0..<out.count { out[index] = 0 }
            outputGradient.withUnsafeScalars { g in
                var source = 0
                for n in 0..<batch {
                    for a in 0..<outSize[0] {
                        for b in 0..<outSize[1] {
                            for c in 0..<outSize[2] {
                                let target =
                                    (((n * inSize[0] + a / factor[0]) * inSize[1] + b / factor[1]) * inSize[2] + c
                                        / factor[2]) * channels
                                for k in 0..<channels { out[target + k] += g[source + k] }
                                source += channels
                            }
                        }
                    }
                }
            }
        }
        return LayerGradients(inputs: [gradient])
    }
}

extension ImageResize {
    /// The gradient of `resize` (a linear map) for an input of `inputHeight × inputWidth`:
    /// the transposed weights applied to `outputGradient`, width first, then height.
    static func adjoint(
        _ outputGradient: Tensor, inputHeight: Int, inputWidth: Int, method: Interpolation, antialias: Bool
    ) -> Tensor {
        let (batch, height, width, channels) = (
            outputGradient.shape[0], outputGradient.shape[1], outputGradient.shape[2], outputGradient.shape[3]
        )
        let rows = weights(input: inputHeight, output: height, method: method, antialias: antialias)
        let columns = weights(input: inputWidth, output: width, method: method, antialias: antialias)
        var middle = [Float](repeating: 0, count: batch * height * inputWidth * channels)
        outputGradient.withUnsafeScalars { g in
            for n in 0..<batch {
                for r in 0..<height {
                    for i in 0..<inputWidth {
                        for o in 0..<width {
                            let w = columns[i * width + o]
                            if w == 0 { continue }
                            let source = ((n * height + r) * width + o) * channels
                            let target = ((n * height + r) * inputWidth + i) * channels
                            for c in 0..<channels { middle[target + c] += w * g[source + c] }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [batch, inputHeight, inputWidth, channels]) { out in
            for index in 0..<out.count { out[index] = 0 }
            let row = inputWidth * channels
            for n in 0..<batch {
                for i in 0..<inputHeight {
                    for o in 0..<height {
                        let w = rows[i * height + o]
                        if w == 0 { continue }
                        let (source, target) = ((n * height + o) * row, (n * inputHeight + i) * row)
                        for k in 0..<row { out[target + k] += w * middle[source + k] }
                    }
                }
            }
        }
    }
}

extension Resizing: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: [Int]) {
        (self(input), input.shape)
    }

    /// The resize's adjoint, then the crop's (the box put back into zeros) or the padding's (the
    /// box taken out: the fill gets no gradient).
    public func backward(_ outputGradient: Tensor, tape shape: [Int], inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        let (height, width) = (shape[1], shape[2])
        let box = imageBox(height: height, width: width)
        let image = ImageResize.adjoint(
            outputGradient, inputHeight: box.size[0], inputWidth: box.size[1], method: config.interpolation,
            antialias: config.antialias)
        if config.cropToAspectRatio {
            return LayerGradients(inputs: [
                copySpatialBox(image, outputSpatial: [height, width], from: [0, 0], to: box.offset, extent: box.size)
            ])
        }
        if config.padToAspectRatio {
            return LayerGradients(inputs: [
                copySpatialBox(
                    image, outputSpatial: [height, width], from: box.offset, to: [0, 0], extent: [height, width])
            ])
        }
        return LayerGradients(inputs: [image])
    }
}
