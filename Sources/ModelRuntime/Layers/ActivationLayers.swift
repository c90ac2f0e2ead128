// Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax.

import Foundation

extension ReLU {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        // Keras: x ≥ threshold → min(x, max_value); below → negative_slope · (x − threshold).
        let threshold = Float(config.threshold)
        let slope = Float(config.negativeSlope)
        let cap = config.maxValue.map { Float($0) } ?? .infinity
        if threshold == 0, slope == 0 { return ActivationFunction.relu(input, cap: cap) }
        return input.mappingScalars { x in x >= threshold ? min(x, cap) : slope * (x - threshold) }
    }
}

extension LeakyReLU {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let slope = Float(config.negativeSlope)
        return input.mappingScalars { x in x < 0 ? x * slope : x }
    }
}

extension PReLU {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let sampleShape = Array(input.shape.dropFirst())
        let alphaShape = alpha.shape
        precondition(
            alphaShape.count == sampleShape.count,
            "\(config.name): expects rank \(alphaShape.count + 1), got shape \(input.shape)")
        let sampleSize = sampleShape.reduce(1, *)
        // The alpha index of each position in a sample (shared axes collapse to 0).
        let alphaIndex = (0..<sampleSize).map { broadcastIndex($0, in: sampleShape, of: alphaShape) }
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

extension ELU {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let alpha = Float(config.alpha)
        return input.mappingScalars { x in x <= 0 ? alpha * expm1f(x) : x }
    }
}

extension Softmax {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let groups = AxisGroups(shape: input.shape, axis: config.axis, layer: config.name)
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

extension Tensor {
    /// The tensor with `transform` applied to each scalar, in place when its storage is not shared.
    func mappingScalars(_ transform: (Float) -> Float) -> Tensor {
        var output = self
        output.withUnsafeMutableScalars { values in
            for index in values.indices { values[index] = transform(values[index]) }
        }
        return output
    }
}
