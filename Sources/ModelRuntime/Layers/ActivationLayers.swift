// Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax.

import Foundation

/// `keras.layers.ReLU`.
public struct ReLU: WeightlessLayer {
    public let config: ReLUConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: ReLUConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        // Keras: x ≥ threshold → min(x, max_value); below → negative_slope · (x − threshold).
        let threshold = Float(config.threshold)
        let slope = Float(config.negativeSlope)
        let cap = config.maxValue.map { Float($0) } ?? .infinity
        if threshold == 0, slope == 0 { return ActivationFunction.relu(input, cap: cap) }
        var output = input
        output.withUnsafeMutableScalars { values in
            for index in 0..<values.count {
                let x = values[index]
                values[index] = x >= threshold ? min(x, cap) : slope * (x - threshold)
            }
        }
        return output
    }
}

/// `keras.layers.LeakyReLU`.
public struct LeakyReLU: WeightlessLayer {
    public let config: LeakyReLUConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: LeakyReLUConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        let slope = Float(config.negativeSlope)
        var output = input
        output.withUnsafeMutableScalars { values in
            for index in 0..<values.count where values[index] < 0 { values[index] *= slope }
        }
        return output
    }
}

/// `keras.layers.PReLU`: `x` for `x ≥ 0`, `alpha · x` below, with learned slopes.
public struct PReLU: UnaryLayer {
    public let config: PReLUConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The slopes: the input's shape without the batch axis, 1 along shared axes.
    public var alpha: Tensor { stored["alpha"]! }
    private var stored: LayerWeights

    public init(config: PReLUConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        stored = LayerWeights(try config.weights(for: inputShape), seed: seed)
    }

    public var weights: [Tensor] { stored.tensors }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try stored.set(weights, layer: config.name)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        let sampleShape = Array(input.shape.dropFirst())
        let alphaShape = alpha.shape
        precondition(
            alphaShape.count == sampleShape.count,
            "\(config.name): expects rank \(alphaShape.count + 1), got shape \(input.shape)")
        let sampleSize = sampleShape.reduce(1, *)
        // The alpha index of each position in a sample (shared axes collapse to 0).
        var alphaIndex = [Int](repeating: 0, count: sampleSize)
        for position in 0..<sampleSize {
            var rest = position
            var index = 0
            var scale = 1
            for axis in stride(from: sampleShape.count - 1, through: 0, by: -1) {
                let coordinate = rest % sampleShape[axis]
                rest /= sampleShape[axis]
                index += (alphaShape[axis] == 1 ? 0 : coordinate) * scale
                scale *= alphaShape[axis]
            }
            alphaIndex[position] = index
        }
        var output = input
        alpha.withUnsafeScalars { a in
            output.withUnsafeMutableScalars { values in
                for index in 0..<values.count where values[index] < 0 {
                    values[index] *= a[alphaIndex[index % sampleSize]]
                }
            }
        }
        return output
    }
}

/// `keras.layers.ELU`.
public struct ELU: WeightlessLayer {
    public let config: ELUConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: ELUConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        let alpha = Float(config.alpha)
        var output = input
        output.withUnsafeMutableScalars { values in
            for index in 0..<values.count where values[index] <= 0 { values[index] = alpha * expm1f(values[index]) }
        }
        return output
    }
}

/// `keras.layers.Softmax`: softmax over `axis`.
public struct Softmax: WeightlessLayer {
    public let config: SoftmaxConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: SoftmaxConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        guard let axes = config.axis.resolved(rank: input.rank) else {
            preconditionFailure("\(config.name): axis \(config.axis) does not fit shape \(input.shape)")
        }
        let groups = AxisGroups(shape: input.shape, axes: axes)
        var maxima = [Float](repeating: -.infinity, count: groups.groupCount)
        var sums = [Float](repeating: 0, count: groups.groupCount)
        var output = input
        output.withUnsafeMutableScalars { values in
            for index in 0..<values.count {
                maxima[groups.group(of: index)] = max(maxima[groups.group(of: index)], values[index])
            }
            for index in 0..<values.count {
                let group = groups.group(of: index)
                values[index] = expf(values[index] - maxima[group])
                sums[group] += values[index]
            }
            for index in 0..<values.count { values[index] /= sums[groups.group(of: index)] }
        }
        return output
    }
}
