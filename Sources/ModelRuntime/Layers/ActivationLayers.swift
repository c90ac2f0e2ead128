// Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax.

import Foundation

extension ReLU {
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

extension LeakyReLU {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let slope = Float(config.negativeSlope)
        var output = input
        output.withUnsafeMutableScalars { values in
            for index in 0..<values.count where values[index] < 0 { values[index] *= slope }
        }
        return output
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

extension ELU {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let alpha = Float(config.alpha)
        var output = input
        output.withUnsafeMutableScalars { values in
            for index in 0..<values.count where values[index] <= 0 { values[index] = alpha * expm1f(values[index]) }
        }
        return output
    }
}

extension Softmax {
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
