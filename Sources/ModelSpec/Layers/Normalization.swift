// Normalization layers: BatchNormalization (inference, with moving statistics),
// LayerNormalization, GroupNormalization, UnitNormalization, RMSNormalization.

/// One axis or a list of axes, as Keras's `axis` arguments: written back in the form given.
public struct Axes: ConfigValue, SwiftExpressible, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral,
    CustomStringConvertible
{
    /// The axes, negative ones counting from the end.
    public var values: [Int]
    /// Whether Keras wrote a list (`[-1]`) rather than an integer (`-1`).
    public var isList: Bool

    public init(integerLiteral value: Int) {
        values = [value]
        isList = false
    }

    public init(arrayLiteral elements: Int...) {
        values = elements
        isList = true
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let single = try? container.decode(Int.self) {
            values = [single]
            isList = false
        } else {
            values = try container.decode([Int].self)
            isList = true
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if isList { try container.encode(values) } else { try container.encode(values[0]) }
    }

    package var swiftExpression: String { isList ? values.swiftExpression : String(values[0]) }
    public var description: String { isList ? "\(values)" : String(values[0]) }

    /// The axes as indices into a shape of `rank` axes, or nil when one is out of range or
    /// repeated.
    public func resolved(rank: Int) -> [Int]? {
        let axes = values.map { $0 < 0 ? $0 + rank : $0 }
        guard axes.allSatisfy({ $0 >= 0 && $0 < rank }), Set(axes).count == axes.count else { return nil }
        return axes
    }

    /// The resolved axes, or a shape error naming the layer.
    func check(_ input: TensorShape, layer: String, allowBatch: Bool = false) throws -> [Int] {
        guard !values.isEmpty, let axes = resolved(rank: input.rank) else {
            throw ShapeError("\(layer): axis \(description) is out of range for input \(input)")
        }
        if !allowBatch, axes.contains(0) {
            throw ShapeError("\(layer): cannot normalize over the batch axis (axis \(description))")
        }
        for axis in axes where input.dimensions[axis] == nil {
            throw ShapeError("\(layer): axis \(axis) of input \(input) must have a known size")
        }
        return axes
    }
}

extension BatchNormalizationConfig {
    public func validate() throws {
        guard epsilon >= 0 else { throw ConfigFieldError(field: "epsilon", "must not be negative, found \(epsilon)") }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        _ = try Axes(integerLiteral: axis).check(input, layer: Self.className)
        return input
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        let axes = try Axes(integerLiteral: axis).check(input, layer: Self.className)
        let shape = [input.dimensions[axes[0]]!]
        var weights: [WeightSpec] = []
        if scale {
            weights.append(WeightSpec(name: "gamma", shape: shape, initializer: gammaInitializer, trainable: trainable))
        }
        if center {
            weights.append(WeightSpec(name: "beta", shape: shape, initializer: betaInitializer, trainable: trainable))
        }
        weights.append(
            WeightSpec(name: "moving_mean", shape: shape, initializer: movingMeanInitializer, trainable: false))
        weights.append(
            WeightSpec(name: "moving_variance", shape: shape, initializer: movingVarianceInitializer, trainable: false))
        return weights
    }
}

extension LayerNormalizationConfig {
    public func validate() throws {
        guard epsilon >= 0 else { throw ConfigFieldError(field: "epsilon", "must not be negative, found \(epsilon)") }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        _ = try axis.check(input, layer: Self.className)
        return input
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        _ = try axis.check(input, layer: Self.className)
        // Keras sorts the axis values as given (negative ones first), then takes their sizes.
        let shape = axis.values.sorted().map { input.dimensions[$0 < 0 ? $0 + input.rank : $0]! }
        var weights: [WeightSpec] = []
        if scale || rmsScaling {
            weights.append(WeightSpec(name: "gamma", shape: shape, initializer: gammaInitializer, trainable: trainable))
        }
        if center, !rmsScaling {
            weights.append(WeightSpec(name: "beta", shape: shape, initializer: betaInitializer, trainable: trainable))
        }
        return weights
    }
}

extension GroupNormalizationConfig {
    public func validate() throws {
        guard groups > 0 || groups == -1 else {
            throw ConfigFieldError(field: "groups", "must be positive or -1, found \(groups)")
        }
        guard epsilon >= 0 else { throw ConfigFieldError(field: "epsilon", "must not be negative, found \(epsilon)") }
    }

    /// The number of groups for `channels` channels.
    public func groupCount(channels: Int) -> Int { groups == -1 ? channels : groups }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let axes = try Axes(integerLiteral: axis).check(input, layer: Self.className)
        guard axes[0] == input.rank - 1 else {
            throw ShapeError(
                "GroupNormalization: only the last axis can be the channel axis (axis \(axis) of input \(input))")
        }
        let channels = input.dimensions[axes[0]]!
        guard channels % groupCount(channels: channels) == 0, groupCount(channels: channels) <= channels else {
            throw ShapeError("GroupNormalization: \(channels) channels cannot be split into \(groups) groups")
        }
        return input
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        _ = try outputShape(for: input)
        let shape = [input.last!]
        var weights: [WeightSpec] = []
        if scale {
            weights.append(WeightSpec(name: "gamma", shape: shape, initializer: gammaInitializer, trainable: trainable))
        }
        if center {
            weights.append(WeightSpec(name: "beta", shape: shape, initializer: betaInitializer, trainable: trainable))
        }
        return weights
    }
}

extension UnitNormalizationConfig {
    public func outputShape(for input: TensorShape) throws -> TensorShape {
        _ = try axis.check(input, layer: Self.className)
        return input
    }
}

extension RMSNormalizationConfig {
    public func outputShape(for input: TensorShape) throws -> TensorShape {
        _ = try axis.check(input, layer: Self.className)
        return input
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        let axes = try axis.check(input, layer: Self.className).sorted()
        return [
            WeightSpec(
                name: "scale", shape: axes.map { input.dimensions[$0]! }, initializer: .ones, trainable: trainable)
        ]
    }
}
