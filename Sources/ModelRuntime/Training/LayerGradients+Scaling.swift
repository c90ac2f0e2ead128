// Backward passes of the layers that scale or normalize without batch statistics (Identity,
// Rescaling, the preprocessing Normalization, LayerScale, UnitNormalization, RMSNormalization,
// GroupNormalization) and of CategoryEncoding. Each is the derivative of the layer's own call
// (Layers/Normalization.swift, Preprocessing.swift, Applications.swift), checked against JAX's
// gradients.

extension InferenceIdentity: ReshapingLayer, TrainableLayer where Config == IdentityConfig {}

extension Rescaling: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Int) {
        (self(input), 0)
    }

    /// The gradient times `scale` (one, or one per channel of the last axis).
    public func backward(_ outputGradient: Tensor, tape: Int, inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        let scale = config.scale.values.map { Float($0) }
        let last = max(outputGradient.shape.last ?? 1, 1)
        var gradient = outputGradient
        gradient.withUnsafeMutableScalars { g in
            for index in 0..<g.count { g[index] *= scale[scale.count == 1 ? 0 : index % last] }
        }
        return LayerGradients(inputs: [gradient])
    }
}

extension Normalization: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Int) {
        (self(input), 0)
    }

    /// The gradient divided by each feature's deviation max(√variance, 1e-7) (times it with
    /// `invert`). The mean, variance and count are not trainable: no weight gradients.
    public func backward(_ outputGradient: Tensor, tape: Int, inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        let groups = AxisGroups(shape: outputGradient.shape, axis: config.axis, layer: config.name)
        let variance = config.variance?.values.map { Float($0) } ?? adapted[1].scalars
        var gradient = outputGradient
        gradient.withUnsafeMutableScalars { g in
            for index in 0..<g.count {
                let w = groups.axes.isEmpty ? 0 : groups.weightIndex(of: index)
                let deviation = max(variance[variance.count == 1 ? 0 : w].squareRoot(), 1e-7)
                g[index] = config.invert ? g[index] * deviation : g[index] / deviation
            }
        }
        return LayerGradients(inputs: [gradient])
    }
}

extension LayerScale: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tensor) {
        (self(input), input)
    }

    /// ∂x = g · γ, ∂γ = Σ g · x over the axes γ is broadcast along.
    public func backward(_ outputGradient: Tensor, tape input: Tensor, inputGradient: Bool) -> LayerGradients {
        let gammaGradient = outputGradient.zipped(with: input, *).summed(to: gamma.shape)
        let inputs = inputGradient ? [Elementwise.map([outputGradient, gamma]) { g, scale, _ in g * scale }] : []
        return LayerGradients(inputs: inputs, weights: [gammaGradient])
    }
}

extension CustomScaleLayer: TrainableMerge {
    public func trainingCall(_ inputs: [Tensor], context: inout TrainingContext) -> (output: Tensor, tape: [[Int]]) {
        (self(inputs), inputs.map(\.shape))
    }

    /// InceptionResNetV2's `a + b · scale`: ∂a = g and ∂b = g · scale, each summed over the
    /// axes its input was broadcast along.
    public func backward(_ outputGradient: Tensor, tape shapes: [[Int]], inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        let scale = Float(config.scale)
        let residual = outputGradient.zipped(with: outputGradient) { g, _ in g * scale }
        return LayerGradients(inputs: [outputGradient.summed(to: shapes[0]), residual.summed(to: shapes[1])])
    }
}

extension UnitNormalization: TrainableLayer {
    /// The output and each group's scale s = min(1 / √Σx², 1e12).
    public struct Tape: Sendable {
        let output: Tensor
        let scales: [Double]
    }

    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tape) {
        let groups = AxisGroups(shape: input.shape, axis: config.axis, layer: config.name)
        let squares = input.withUnsafeScalars { groups.sumsOfSquares($0) }
        let output = self(input)
        return (output, Tape(output: output, scales: squares.map { min(1 / $0.squareRoot(), 1e12) }))
    }

    /// ∂x = s · (g − y · Σ g y) per group; where the scale is clamped at 1e12 it is a constant
    /// and ∂x = s · g.
    public func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        let groups = AxisGroups(shape: outputGradient.shape, axis: config.axis, layer: config.name)
        var dots = [Double](repeating: 0, count: groups.groupCount)
        let gradient = Tensor(shape: outputGradient.shape) { out in
            outputGradient.withUnsafeScalars { g in
                tape.output.withUnsafeScalars { y in
                    for index in 0..<g.count { dots[groups.group(of: index)] += Double(g[index]) * Double(y[index]) }
                    for index in 0..<g.count {
                        let group = groups.group(of: index)
                        let s = tape.scales[group]
                        let dot = s < 1e12 ? dots[group] : 0
                        out[index] = Float(s * (Double(g[index]) - Double(y[index]) * dot))
                    }
                }
            }
        }
        return LayerGradients(inputs: [gradient])
    }
}

extension RMSNormalization: TrainableLayer {
    /// The input and each group's r = 1 / √(mean x² + ε).
    public struct Tape: Sendable {
        let input: Tensor
        let inverse: [Double]
    }

    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tape) {
        let groups = AxisGroups(shape: input.shape, axis: config.axis, layer: config.name)
        let squares = input.withUnsafeScalars { groups.sumsOfSquares($0) }
        let inverse = squares.map { 1 / ($0 / Double(max(groups.groupSize, 1)) + config.epsilon).squareRoot() }
        return (self(input), Tape(input: input, inverse: inverse))
    }

    /// With d = g · scale: ∂x = r · d − r³ · x · Σ(d x) / n per group; ∂scale = Σ g · x · r.
    public func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients {
        let groups = AxisGroups(shape: outputGradient.shape, axis: config.axis, layer: config.name)
        let scales = scale.scalars
        let size = Double(max(groups.groupSize, 1))
        var scaleGradient = [Double](repeating: 0, count: scale.scalarCount)
        var dots = [Double](repeating: 0, count: groups.groupCount)
        let gradient = Tensor(shape: outputGradient.shape) { out in
            outputGradient.withUnsafeScalars { g in
                tape.input.withUnsafeScalars { x in
                    for index in 0..<g.count {
                        let (group, w) = (groups.group(of: index), groups.weightIndex(of: index))
                        let (gi, xi) = (Double(g[index]), Double(x[index]))
                        scaleGradient[w] += gi * xi * tape.inverse[group]
                        dots[group] += gi * Double(scales[w]) * xi
                    }
                    for index in 0..<g.count {
                        let (group, w) = (groups.group(of: index), groups.weightIndex(of: index))
                        let r = tape.inverse[group]
                        let d = Double(g[index]) * Double(scales[w])
                        out[index] = Float(r * d - r * r * r * Double(x[index]) * dots[group] / size)
                    }
                }
            }
        }
        return LayerGradients(
            inputs: inputGradient ? [gradient] : [],
            weights: [Tensor(shape: scale.shape, scalars: scaleGradient.map { Float($0) })])
    }
}

extension GroupNormalization: TrainableLayer {
    /// The normalized input x̂ and each (example, group)'s 1 / √(variance + ε).
    public struct Tape: Sendable {
        let normalized: Tensor
        let inverse: [Double]
    }

    /// Where the scalars of example `n`'s group `g` are: (channels, positions, per group).
    private func layout(_ shape: [Int]) -> (channels: Int, groups: Int, perGroup: Int, positions: Int) {
        let channels = shape[shape.count - 1]
        let groupCount = config.groupCount(channels: channels)
        return (channels, groupCount, channels / groupCount, shape.reduce(1, *) / max(shape[0] * channels, 1))
    }

    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tape) {
        let (channels, groupCount, perGroup, positions) = layout(input.shape)
        var inverse = [Double](repeating: 0, count: input.shape[0] * groupCount)
        let normalized = Tensor(shape: input.shape) { out in
            input.withUnsafeScalars { x in
                for n in 0..<input.shape[0] {
                    let base = n * positions * channels
                    for g in 0..<groupCount {
                        let members = (0..<positions).lazy.flatMap { p in
                            ((g * perGroup)..<((g + 1) * perGroup)).lazy.map { base + p * channels + $0 }
                        }
                        var (sum, squares) = (0.0, 0.0)
                        for index in members {
                            sum += Double(x[index])
                            squares += Double(x[index]) * Double(x[index])
                        }
                        let count = Double(max(positions * perGroup, 1))
                        let mean = sum / count
                        let inv = 1 / (max(squares / count - mean * mean, 0) + config.epsilon).squareRoot()
                        inverse[n * groupCount + g] = inv
                        for index in members { out[index] = Float((Double(x[index]) - mean) * inv) }
                    }
                }
            }
        }
        return (self(input), Tape(normalized: normalized, inverse: inverse))
    }

    /// ∂γ = Σ g x̂, ∂β = Σ g per channel; ∂x = inv · (d − mean(d) − x̂ · mean(d x̂)) with d = g · γ,
    /// the means over each (example, group).
    public func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients {
        let shape = outputGradient.shape
        let (channels, groupCount, perGroup, positions) = layout(shape)
        let gammas = gamma?.scalars
        var gammaGradient = [Double](repeating: 0, count: channels)
        var betaGradient = gammaGradient
        let count = Double(max(positions * perGroup, 1))
        let gradient = Tensor(shape: shape) { out in
            outputGradient.withUnsafeScalars { g in
                tape.normalized.withUnsafeScalars { x in
                    for n in 0..<shape[0] {
                        let base = n * positions * channels
                        for group in 0..<groupCount {
                            let members = (0..<positions).lazy.flatMap { p in
                                ((group * perGroup)..<((group + 1) * perGroup)).lazy.map {
                                    (base + p * channels + $0, $0)
                                }
                            }
                            var (sum, weighted) = (0.0, 0.0)
                            for (index, c) in members {
                                let (gi, xi) = (Double(g[index]), Double(x[index]))
                                gammaGradient[c] += gi * xi
                                betaGradient[c] += gi
                                let d = gi * Double(gammas?[c] ?? 1)
                                sum += d
                                weighted += d * xi
                            }
                            let inv = tape.inverse[n * groupCount + group]
                            for (index, c) in members {
                                let d = Double(g[index]) * Double(gammas?[c] ?? 1)
                                out[index] = Float(inv * (d - sum / count - Double(x[index]) * weighted / count))
                            }
                        }
                    }
                }
            }
        }
        var weights: [Tensor] = []
        if let gamma { weights.append(Tensor(shape: gamma.shape, scalars: gammaGradient.map { Float($0) })) }
        if let beta { weights.append(Tensor(shape: beta.shape, scalars: betaGradient.map { Float($0) })) }
        return LayerGradients(inputs: inputGradient ? [gradient] : [], weights: weights)
    }
}

extension CategoryEncoding: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: [Int]) {
        (self(input), input.shape)
    }

    /// Token ids have no gradient (as Embedding's): the input's is zero, and there are no weights.
    public func backward(_ outputGradient: Tensor, tape shape: [Int], inputGradient: Bool) -> LayerGradients {
        LayerGradients(inputs: inputGradient ? [Tensor(shape: shape, repeating: 0)] : [])
    }
}
