/// A float32 tensor: a shape and its scalars in row-major order. A value type with
/// copy-on-write storage: copies share their scalars until one of them is mutated.
public struct Tensor: Equatable, Sendable, CustomStringConvertible {
    /// The size of each axis.
    public private(set) var shape: [Int]
    /// The scalars in row-major order; `scalars.count` is the product of `shape`.
    public private(set) var scalars: [Float]

    /// A tensor of `shape` holding `scalars` in row-major order.
    /// - Precondition: `scalars.count` equals the product of `shape`, and no axis is negative.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative axis size in shape \(shape)")
        precondition(
            shape.reduce(1, *) == scalars.count,
            "Tensor: shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of `shape` with every scalar equal to `value`.
    public init(shape: [Int], repeating value: Float) {
        self.init(shape: shape, scalars: Array(repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor of `shape` filled by `body`, which writes all `count` scalars.
    public init(shape: [Int], unsafeUninitializedScalars body: (inout UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = shape.reduce(1, *)
        self.shape = shape
        self.scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            body(&buffer)
            initialized = count
        }
    }

    /// The number of axes.
    public var rank: Int { shape.count }
    /// The number of scalars.
    public var scalarCount: Int { scalars.count }

    /// The same scalars viewed with another shape of equal scalar count.
    public func reshaped(to newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// Gives mutable access to the scalars (copying them first if they are shared).
    public mutating func withUnsafeMutableScalars<R>(_ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R)
        rethrows -> R
    {
        try scalars.withUnsafeMutableBufferPointer { try body(&$0) }
    }

    /// Read-only access to the scalars.
    public func withUnsafeScalars<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// A copy with storage of its own, never shared with this tensor.
    public func independentCopy() -> Tensor {
        Tensor(shape: shape, scalars: scalars.withUnsafeBufferPointer { Array($0) })
    }

    /// Whether the two tensors share one storage buffer (as copies do until one is mutated).
    public func sharesStorage(with other: Tensor) -> Bool {
        guard !scalars.isEmpty, !other.scalars.isEmpty else { return false }
        return scalars.withUnsafeBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress }
        }
    }

    /// The largest absolute difference to `other`, which must have the same shape.
    public func maxAbsoluteDifference(to other: Tensor) -> Float {
        precondition(shape == other.shape, "Tensor: comparing shape \(shape) with \(other.shape)")
        var worst: Float = 0
        for (a, b) in zip(scalars, other.scalars) {
            let difference = abs(a - b)
            if difference > worst || difference.isNaN { worst = difference.isNaN ? .infinity : difference }
        }
        return worst
    }

    public var description: String {
        let preview = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), scalars: [\(preview)\(scalars.count > 8 ? ", …" : "")])"
    }
}
