// Preprocessing layers that are part of a model's computation: Resizing, Rescaling,
// Normalization.

/// A number or a list of numbers (one per channel), as Rescaling's `scale` and `offset` and
/// Normalization's `mean` and `variance` take them.
public struct Numbers: ConfigValue, SwiftExpressible, ExpressibleByFloatLiteral, ExpressibleByArrayLiteral,
    CustomStringConvertible
{
    /// The values.
    public var values: [Double]
    /// Whether Keras wrote a list.
    public var isList: Bool

    public init(floatLiteral value: Double) {
        values = [value]
        isList = false
    }

    public init(arrayLiteral elements: Double...) {
        values = elements
        isList = true
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let single = try? container.decode(Double.self) {
            values = [single]
            isList = false
        } else {
            values = try container.decode(Flat.self).values
            isList = true
        }
    }

    /// A (possibly nested) list of numbers, flattened.
    private struct Flat: Decodable {
        var values: [Double]
        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            values = []
            while !container.isAtEnd {
                if let value = try? container.decode(Double.self) {
                    values.append(value)
                } else {
                    values += try container.decode(Flat.self).values
                }
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if isList { try container.encode(values) } else { try container.encode(values[0]) }
    }

    package var swiftExpression: String {
        isList ? "[" + values.map(SwiftLiteral.double).joined(separator: ", ") + "]" : SwiftLiteral.double(values[0])
    }
    public var description: String { isList ? "\(values)" : "\(values[0])" }
}

extension RescalingConfig {
    public func outputShape(for input: TensorShape) throws -> TensorShape {
        for (field, numbers) in [("scale", scale), ("offset", offset)] where numbers.values.count > 1 {
            guard input.last == numbers.values.count else {
                throw ShapeError(
                    "Rescaling: \(numbers.values.count) values of '\(field)' do not fit the last axis of \(input)")
            }
        }
        return input
    }
}

extension ResizingConfig {
    public func validate() throws {
        guard height > 0 else { throw ConfigFieldError(field: "height", "must be positive, found \(height)") }
        guard width > 0 else { throw ConfigFieldError(field: "width", "must be positive, found \(width)") }
        try checkChannelsLast(dataFormat)
        guard interpolation != .area else {
            throw ConfigFieldError(
                field: "interpolation", "'area' is not supported (Keras's JAX backend refuses it too)")
        }
        guard !(cropToAspectRatio && padToAspectRatio) else {
            throw ConfigFieldError(field: "pad_to_aspect_ratio", "cannot be combined with crop_to_aspect_ratio")
        }
        guard fillMode == "constant" else {
            throw ConfigFieldError(field: "fill_mode", "only 'constant' is supported, found '\(fillMode)'")
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let (_, channels) = try spatialInput(input, rank: 2, layer: Self.className)
        return TensorShape([input.dimensions[0], height, width, channels])
    }
}

extension NormalizationConfig {
    public func validate() throws {
        guard (mean == nil) == (variance == nil) else {
            throw ConfigFieldError(field: mean == nil ? "mean" : "variance", "mean and variance must be given together")
        }
    }

    /// The shape of the mean and variance: the sizes of the kept axes.
    public func statisticsShape(for input: TensorShape) throws -> [Int] {
        guard let axes = axis.resolved(rank: input.rank), !axes.contains(0) else {
            throw ShapeError("Normalization: axis \(axis) does not fit input \(input)")
        }
        return try axes.sorted().map { axis in
            guard let size = input.dimensions[axis] else {
                throw ShapeError("Normalization: axis \(axis) of \(input) must be known")
            }
            return size
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let shape = try statisticsShape(for: input)
        if let mean, let variance {
            let count = shape.reduce(1, *)
            for (field, numbers) in [("mean", mean), ("variance", variance)]
            where numbers.values.count != 1 && numbers.values.count != count {
                throw ShapeError(
                    "Normalization: \(numbers.values.count) values of '\(field)' do not fit the axes' \(shape)")
            }
        }
        return input
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        guard mean == nil else { return [] }
        let shape = try statisticsShape(for: input)
        return [
            WeightSpec(name: "mean", shape: shape, initializer: .zeros, trainable: false),
            WeightSpec(name: "variance", shape: shape, initializer: .ones, trainable: false),
            WeightSpec(name: "count", shape: [], initializer: .zeros, trainable: false),
        ]
    }
}

extension CategoryEncodingConfig {
    public func validate() throws {
        guard numTokens > 0 else { throw ConfigFieldError(field: "num_tokens", "must be positive, got \(numTokens)") }
        guard ["one_hot", "multi_hot", "count"].contains(outputMode) else {
            throw ConfigFieldError(field: "output_mode", "must be one_hot, multi_hot or count, got '\(outputMode)'")
        }
        guard !sparse else { throw ConfigFieldError(field: "sparse", "sparse output is not supported") }
    }

    /// Keras's shape: a `one_hot` encoding adds an axis (replacing a last axis of 1), the others
    /// replace the last axis by `num_tokens`.
    public func outputShape(for input: TensorShape) throws -> TensorShape {
        guard input.rank >= 2 else {
            throw ShapeError("CategoryEncoding needs a batch axis and a token axis, got \(input)")
        }
        if outputMode == "one_hot" && input.last != 1 { return TensorShape(input.dimensions + [numTokens]) }
        return input.replacingLast(with: numTokens)
    }
}
