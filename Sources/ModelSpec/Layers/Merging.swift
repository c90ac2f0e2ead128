// Merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot.

/// An element-wise merge: inputs broadcast against each other as Keras's `Merge` layers do
/// (ranks aligned by inserting axes after the batch axis, then axes of size 1 stretch).
public protocol ElementwiseMergeConfig: LayerConfig {
    /// A config with these base-layer fields.
    init(name: String, trainable: Bool, dtype: DTypePolicy)
    /// Keras's `trainable` flag.
    var trainable: Bool { get set }
    /// The dtype policy; only float32.
    var dtype: DTypePolicy { get set }
}

extension ElementwiseMergeConfig {
    public static var inputArity: InputArity { .atLeast(1) }
    public static var template: Self { Self(name: Naming.snakeCase(className), trainable: true, dtype: .float32) }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true), ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
        ]
    }

    public func outputShape(forInputs inputs: [TensorShape]) throws -> TensorShape {
        try ElementwiseBroadcast.outputShape(inputs, layer: Self.className)
    }
}

/// Keras's shape rule for element-wise merges.
public enum ElementwiseBroadcast {
    /// The merged shape of `inputs`: Keras's `Merge.compute_output_shape`.
    public static func outputShape(_ inputs: [TensorShape], layer: String) throws -> TensorShape {
        guard let first = inputs.first else { throw ShapeError("\(layer) needs at least one input") }
        let batches = Set(inputs.compactMap { $0.dimensions.first ?? nil })
        guard batches.count <= 1 else {
            throw ShapeError(
                "\(layer) cannot merge tensors with different batch sizes: "
                    + "\(inputs.map(\.description).joined(separator: ", "))"
            )
        }
        var merged = Array(first.dimensions.dropFirst())
        for input in inputs.dropFirst() {
            merged = try combine(merged, Array(input.dimensions.dropFirst()), inputs: inputs, layer: layer)
        }
        return TensorShape([batches.first] + merged)
    }

    private static func combine(_ a: [Int?], _ b: [Int?], inputs: [TensorShape], layer: String) throws -> [Int?] {
        let (long, short) = a.count >= b.count ? (a, b) : (b, a)
        var out = Array(long.prefix(long.count - short.count))
        for (i, j) in zip(long.suffix(short.count), short) {
            switch (i, j) {
            case (nil, _), (_, nil): out.append(nil)
            case (1, let j?): out.append(j)
            case (let i?, 1): out.append(i)
            case (let i?, let j?):
                guard i == j else {
                    throw ShapeError(
                        "\(layer) inputs have incompatible shapes: \(inputs.map(\.description).joined(separator: ", "))"
                    )
                }
                out.append(i)
            }
        }
        return out
    }
}

extension SubtractConfig {
    public static var inputArity: InputArity { .exactly(2) }
}

extension ConcatenateConfig {
    public static let inputArity = InputArity.atLeast(1)

    /// The axis as an index into shapes of `rank`, or an error.
    public func resolvedAxis(rank: Int) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0, resolved < rank else {
            throw ShapeError("Concatenate axis \(axis) is out of range for inputs of rank \(rank)")
        }
        guard resolved != 0 else { throw ShapeError("Concatenate cannot join along the batch axis") }
        return resolved
    }

    public func outputShape(forInputs inputs: [TensorShape]) throws -> TensorShape {
        guard let first = inputs.first else { throw ShapeError("Concatenate needs at least one input") }
        let axis = try resolvedAxis(rank: first.rank)
        var output = first.dimensions
        for input in inputs.dropFirst() {
            guard input.rank == first.rank else {
                throw ShapeError(
                    "Concatenate inputs must have the same rank: \(inputs.map(\.description).joined(separator: ", "))")
            }
            for index in 0..<first.rank where index != axis {
                if let a = output[index], let b = input.dimensions[index], a != b {
                    throw ShapeError(
                        "Concatenate inputs must match except on axis \(self.axis): "
                            + "\(inputs.map(\.description).joined(separator: ", "))"
                    )
                }
                output[index] = output[index] ?? input.dimensions[index]
            }
            if let a = output[axis], let b = input.dimensions[axis] { output[axis] = a + b } else { output[axis] = nil }
        }
        return TensorShape(output)
    }
}

/// `Dot`'s `axes`: one axis for both inputs, or one for each.
public enum DotAxes: ConfigValue, SwiftExpressible {
    /// The same axis of both inputs.
    case same(Int)
    /// Axis `first` of the first input and `second` of the second.
    case pair(Int, Int)

    /// The two axes resolved against the inputs' ranks, as Keras resolves them.
    public func resolved(ranks: (Int, Int)) -> (Int, Int) {
        func resolve(_ axis: Int, _ rank: Int) -> Int { axis < 0 ? ((axis % rank) + rank) % rank : axis }
        switch self {
        case .same(let axis): return (resolve(axis, ranks.0), resolve(axis, ranks.1))
        case .pair(let a, let b): return (resolve(a, ranks.0), resolve(b, ranks.1))
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let axis = try? container.decode(Int.self) {
            self = .same(axis)
            return
        }
        let pair = try container.decode([Int].self)
        guard pair.count == 2 else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "Dot 'axes' must be an integer or a list of two, found \(pair.count) integers")
        }
        self = .pair(pair[0], pair[1])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .same(let axis): try container.encode(axis)
        case .pair(let a, let b): try container.encode([a, b])
        }
    }

    package var swiftExpression: String {
        switch self {
        case .same(let axis): ".same(\(axis))"
        case .pair(let a, let b): ".pair(\(a), \(b))"
        }
    }
}

extension DotConfig {
    public static let inputArity = InputArity.exactly(2)

    public func outputShape(forInputs inputs: [TensorShape]) throws -> TensorShape {
        guard inputs.count == 2 else { throw ShapeError("Dot takes exactly 2 inputs, got \(inputs.count)") }
        let (x, y) = (inputs[0].dimensions, inputs[1].dimensions)
        guard x.count >= 2, y.count >= 2 else {
            throw ShapeError("Dot needs inputs of rank 2 or more, got \(inputs[0]) and \(inputs[1])")
        }
        let (a, b) = axes.resolved(ranks: (x.count, y.count))
        guard a > 0, b > 0, a < x.count, b < y.count else {
            throw ShapeError(
                "Dot axes \(axes.swiftExpression) are out of range or include the batch axis for \(inputs[0]) and "
                    + "\(inputs[1])"
            )
        }
        if let d1 = x[a], let d2 = y[b], d1 != d2 {
            throw ShapeError(
                "Dot axis sizes differ: \(d1) (axis \(a) of \(inputs[0])) != \(d2) (axis \(b) of \(inputs[1]))")
        }
        var output = x
        output.remove(at: a)
        var rest = y
        rest.remove(at: b)
        rest.removeFirst()
        output += rest
        if output.count == 1 { output.append(1) }
        return TensorShape(output)
    }
}
