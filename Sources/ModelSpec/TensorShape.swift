/// A tensor shape as Keras writes it: one entry per axis, `nil` for an axis whose size is not
/// fixed (the batch axis, usually). Printed the Keras way, `(None, 728)`.
public struct TensorShape: Sendable, Hashable, Codable, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The size of each axis, `nil` where unknown.
    public var dimensions: [Int?]

    /// A shape with these axis sizes.
    public init(_ dimensions: [Int?]) { self.dimensions = dimensions }

    public init(arrayLiteral elements: Int?...) { self.dimensions = elements }

    /// The number of axes.
    public var rank: Int { dimensions.count }

    /// The shape without its first (batch) axis.
    public var droppingBatch: TensorShape { TensorShape(Array(dimensions.dropFirst())) }

    /// The size of the last axis, if the shape has one and it is known.
    public var last: Int? { dimensions.last ?? nil }

    /// The same shape with the last axis set to `size`.
    public func replacingLast(with size: Int?) -> TensorShape {
        var copy = self
        if !copy.dimensions.isEmpty { copy.dimensions[copy.dimensions.count - 1] = size }
        return copy
    }

    /// Whether a concrete shape fits this one: same rank, and equal wherever this one is known.
    public func accepts(_ concrete: [Int]) -> Bool {
        concrete.count == dimensions.count
            && zip(dimensions, concrete).allSatisfy { known, actual in known == nil || known == actual }
    }

    public var description: String {
        let inner = dimensions.map { $0.map(String.init) ?? "None" }
        return "(" + inner.joined(separator: ", ") + (inner.count == 1 ? ",)" : ")")
    }

    public init(from decoder: any Decoder) throws {
        dimensions = try decoder.singleValueContainer().decode([Int?].self)
        if let bad = dimensions.first(where: { ($0 ?? 1) < 0 }) {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "axis sizes must be positive or null, found \(bad!)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(dimensions)
    }
}

/// One weight tensor a layer owns, in Keras's `get_weights()` order: its Keras variable name, its
/// shape and how it is initialized.
public struct WeightSpec: Sendable, Equatable {
    /// The Keras variable name, e.g. `kernel` or `bias`.
    public var name: String
    /// The tensor's shape.
    public var shape: [Int]
    /// How fresh values are drawn.
    public var initializer: Initializer
    /// Whether training updates it (Keras's `trainable_weights`).
    public var trainable: Bool

    /// A weight named `name` of `shape`, drawn from `initializer`.
    public init(name: String, shape: [Int], initializer: Initializer, trainable: Bool = true) {
        self.name = name
        self.shape = shape
        self.initializer = initializer
        self.trainable = trainable
    }

    /// The number of scalars.
    public var count: Int { shape.reduce(1, *) }
}
