// Normalization layers: BatchNormalization (inference), LayerNormalization,
// GroupNormalization, UnitNormalization, RMSNormalization.

import CModelKernels
import Foundation

/// How a shape's elements split into groups that share statistics: the elements that differ
/// only along `axes` form one group.
struct AxisGroups {
    let shape: [Int]
    let axes: [Int]
    /// The number of groups and the elements in each.
    let groupCount: Int
    let groupSize: Int
    /// Whether the axes are the trailing ones, so each group is one contiguous block.
    let isTrailing: Bool
    private let strides: [Int]
    private let groupStrides: [Int]

    init(shape: [Int], axes: [Int]) {
        self.shape = shape
        self.axes = axes.sorted()
        let reduced = Set(axes)
        groupSize = axes.reduce(1) { $0 * shape[$1] }
        groupCount = shape.indices.filter { !reduced.contains($0) }.reduce(1) { $0 * shape[$1] }
        isTrailing = self.axes == Array((shape.count - axes.count)..<shape.count)
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) {
            strides[axis] = strides[axis + 1] * shape[axis + 1]
        }
        self.strides = strides
        var groupStrides = [Int](repeating: 0, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where !reduced.contains(axis) {
            groupStrides[axis] = running
            running *= shape[axis]
        }
        self.groupStrides = groupStrides
    }

    /// The groups of `shape` over the config's `axis`; stops, naming `layer`, when the axes
    /// don't fit the shape.
    init(shape: [Int], axis: Axes, layer: String) {
        guard let axes = axis.resolved(rank: shape.count) else {
            preconditionFailure("\(layer): axis \(axis) does not fit shape \(shape)")
        }
        self.init(shape: shape, axes: axes)
    }

    /// The sum of the squares of every group, computed in Double.
    func sumsOfSquares(_ x: UnsafeBufferPointer<Float>) -> [Double] {
        var squares = [Double](repeating: 0, count: groupCount)
        for index in 0..<x.count { squares[group(of: index)] += Double(x[index]) * Double(x[index]) }
        return squares
    }

    /// The group of the element at flat index `index`.
    @inline(__always)
    func group(of index: Int) -> Int {
        if isTrailing { return index / max(groupSize, 1) }
        var group = 0
        for axis in shape.indices where groupStrides[axis] != 0 {
            group += (index / strides[axis]) % shape[axis] * groupStrides[axis]
        }
        return group
    }

    /// The index into a weight shaped by the reduced axes' sizes, for flat index `index`.
    @inline(__always)
    func weightIndex(of index: Int) -> Int {
        var position = 0
        for axis in axes { position = position * shape[axis] + (index / strides[axis]) % shape[axis] }
        return position
    }

    /// The mean and variance (population) of every group, computed in Double.
    func moments(_ x: UnsafeBufferPointer<Float>) -> (mean: [Double], variance: [Double]) {
        var sum = [Double](repeating: 0, count: groupCount)
        var squares = [Double](repeating: 0, count: groupCount)
        for index in 0..<x.count {
            let value = Double(x[index])
            let group = group(of: index)
            sum[group] += value
            squares[group] += value * value
        }
        let count = Double(max(groupSize, 1))
        let mean = sum.map { $0 / count }
        let variance = zip(squares, mean).map { max($0 / count - $1 * $1, 0) }
        return (mean, variance)
    }
}

extension BatchNormalization {
    /// y = x · inv + shift per feature: inv = gamma / sqrt(var + eps), shift = beta − mean · inv.
    func scaleAndShift(features: Int) -> (inv: [Float], shift: [Float]) {
        var inv = [Float](repeating: 0, count: features)
        var shift = [Float](repeating: 0, count: features)
        let (variances, means, gammas, betas) = (
            movingVariance.scalars, movingMean.scalars, gamma?.scalars, beta?.scalars
        )
        for c in 0..<features {
            var factor = 1 / (variances[c] + Float(config.epsilon)).squareRoot()
            if let gammas { factor *= gammas[c] }
            inv[c] = factor
            shift[c] = (betas?[c] ?? 0) - means[c] * factor
        }
        return (inv, shift)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        let axis = config.axis < 0 ? config.axis + input.rank : config.axis
        precondition(
            axis >= 0 && axis < input.rank && input.shape[axis] == movingMean.scalarCount,
            "\(config.name): expects \(movingMean.scalarCount) features on axis \(config.axis), got shape "
                + "\(input.shape)"
        )
        let features = input.shape[axis]
        let inner = input.shape[(axis + 1)...].reduce(1, *)
        let (inv, shift) = scaleAndShift(features: features)
        // One pass from the input into a new tensor (the input is usually still shared).
        return Tensor(shape: input.shape) { out in
            input.withUnsafeScalars { values in
                guard !values.isEmpty, features > 0 else { return }
                if inner == 1 {
                    // The feature axis is the last one: each row is one pass over the features.
                    cmk_scale_shift(
                        Int64(values.count / features), Int64(features), values.baseAddress, inv, shift, out.baseAddress
                    )
                    return
                }
                // Runs of `inner` values share a feature.
                var index = 0
                while index < values.count {
                    for c in 0..<features {
                        let scale = inv[c]
                        let offset = shift[c]
                        for _ in 0..<inner {
                            out[index] = values[index] * scale + offset
                            index += 1
                        }
                    }
                }
            }
        }
    }
}

extension LayerNormalization {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let groups = AxisGroups(shape: input.shape, axis: config.axis, layer: config.name)
        let (mean, variance) = input.withUnsafeScalars { groups.moments($0) }
        let epsilon = Double(config.epsilon)
        var output = input
        let (gammas, betas) = (gamma?.scalars, beta?.scalars)
        output.withUnsafeMutableScalars { values in
            for index in 0..<values.count {
                let group = groups.group(of: index)
                let inv = 1 / (variance[group] + epsilon).squareRoot()
                var value =
                    config.rmsScaling ? Double(values[index]) * inv : (Double(values[index]) - mean[group]) * inv
                if gammas != nil || betas != nil {
                    let w = groups.weightIndex(of: index)
                    if let gammas { value *= Double(gammas[w]) }
                    if let betas { value += Double(betas[w]) }
                }
                values[index] = Float(value)
            }
        }
        return output
    }
}

extension GroupNormalization {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let channels = input.shape[input.rank - 1]
        let groupCount = config.groupCount(channels: channels)
        let perGroup = channels / groupCount
        let batch = input.shape[0]
        let positions = input.scalarCount / max(batch * channels, 1)
        var output = input
        let (gammas, betas) = (gamma?.scalars, beta?.scalars)
        output.withUnsafeMutableScalars { values in
            for n in 0..<batch {
                let base = n * positions * channels
                for g in 0..<groupCount {
                    var sum = 0.0
                    var squares = 0.0
                    for p in 0..<positions {
                        for c in (g * perGroup)..<((g + 1) * perGroup) {
                            let value = Double(values[base + p * channels + c])
                            sum += value
                            squares += value * value
                        }
                    }
                    let count = Double(max(positions * perGroup, 1))
                    let mean = sum / count
                    let inv = 1 / (max(squares / count - mean * mean, 0) + config.epsilon).squareRoot()
                    for p in 0..<positions {
                        for c in (g * perGroup)..<((g + 1) * perGroup) {
                            let index = base + p * channels + c
                            var value = (Double(values[index]) - mean) * inv
                            if let gammas { value *= Double(gammas[c]) }
                            if let betas { value += Double(betas[c]) }
                            values[index] = Float(value)
                        }
                    }
                }
            }
        }
        return output
    }
}

extension UnitNormalization {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let groups = AxisGroups(shape: input.shape, axis: config.axis, layer: config.name)
        let squares = input.withUnsafeScalars { groups.sumsOfSquares($0) }
        // Keras: x · min(rsqrt(Σx²), 1 / 1e-12).
        let scales = squares.map { min(1 / $0.squareRoot(), 1e12) }
        var output = input
        output.withUnsafeMutableScalars { values in
            for index in 0..<values.count {
                values[index] = Float(Double(values[index]) * scales[groups.group(of: index)])
            }
        }
        return output
    }
}

extension RMSNormalization {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let groups = AxisGroups(shape: input.shape, axis: config.axis, layer: config.name)
        let squares = input.withUnsafeScalars { groups.sumsOfSquares($0) }
        let inv = squares.map { 1 / ($0 / Double(max(groups.groupSize, 1)) + config.epsilon).squareRoot() }
        var output = input
        let scales = scale.scalars
        output.withUnsafeMutableScalars { values in
            for index in 0..<values.count {
                values[index] = Float(
                    Double(values[index]) * inv[groups.group(of: index)]
                        * Double(scales[groups.weightIndex(of: index)]))
            }
        }
        return output
    }
}
