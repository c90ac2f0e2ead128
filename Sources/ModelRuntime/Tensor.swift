/// A float32 tensor: a shape and its scalars in row-major order. A value type with
/// copy-on-write storage: copies share their scalars until one of them is mutated.
///
/// The scalars live in memory the runtime owns: 64-byte aligned blocks that go back to a pool
/// when the last tensor using them goes away (so the next tensor of a similar size reuses
/// them), or read-only pages of a memory-mapped weight file, copied only when written. Read and
/// write them with ``withUnsafeScalars(_:)`` and ``withUnsafeMutableScalars(_:)``.
public struct Tensor: Equatable, Sendable, CustomStringConvertible {
    /// The size of each axis.
    public private(set) var shape: [Int]
    private var storage: TensorStorage

    /// A copy of the scalars in row-major order, `scalarCount` of them.
    ///
    /// Each read copies every scalar into a new array: keep it out of loops and hot paths, and
    /// use ``withUnsafeScalars(_:)`` there.
    public var scalars: [Float] {
        withUnsafeScalars { Array($0) }
    }

    /// A tensor of `shape` holding `scalars` in row-major order (copied into the tensor).
    /// - Precondition: `scalars.count` equals the product of `shape`, and no axis is negative.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative axis size in shape \(shape)")
        precondition(
            shape.reduce(1, *) == scalars.count,
            "Tensor: shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        storage = TensorStorage(uninitializedCount: scalars.count)
        scalars.withUnsafeBufferPointer { source in
            if let start = source.baseAddress { storage.base.initialize(from: start, count: source.count) }
        }
    }

    /// A tensor of `shape` with every scalar equal to `value`.
    public init(shape: [Int], repeating value: Float) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative axis size in shape \(shape)")
        self.shape = shape
        storage = TensorStorage(uninitializedCount: shape.reduce(1, *))
        storage.base.initialize(repeating: value, count: storage.count)
    }

    /// A tensor of `shape` filled by `body`, which writes all `count` scalars.
    public init(shape: [Int], unsafeUninitializedScalars body: (inout UnsafeMutableBufferPointer<Float>) -> Void) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative axis size in shape \(shape)")
        self.shape = shape
        storage = TensorStorage(uninitializedCount: shape.reduce(1, *))
        var buffer = UnsafeMutableBufferPointer(start: storage.base, count: storage.count)
        body(&buffer)
        precondition(
            buffer.baseAddress == storage.base && buffer.count == storage.count,
            "Tensor: the initializer's body replaced its buffer")
    }

    /// A tensor of `shape` whose scalars `fill` writes (all of them) the first time anything
    /// reads or writes them: fresh weights that are replaced, or never used, are never drawn.
    static func lazilyFilled(
        shape: [Int], by fill: @escaping @Sendable (UnsafeMutableBufferPointer<Float>) -> Void
    ) -> Tensor {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative axis size in shape \(shape)")
        return Tensor(shape: shape, storage: TensorStorage(count: shape.reduce(1, *), lazilyFilledBy: fill))
    }

    /// A tensor of `shape` over `storage`, whose count is the product of `shape`.
    init(shape: [Int], storage: TensorStorage) {
        precondition(
            shape.reduce(1, *) == storage.count, "Tensor: shape \(shape) does not fit \(storage.count) scalars")
        self.shape = shape
        self.storage = storage
    }

    /// The number of axes.
    public var rank: Int { shape.count }
    /// The number of scalars.
    public var scalarCount: Int { storage.count }

    /// The same scalars viewed with another shape of equal scalar count (no copy: the two
    /// tensors share storage until one is mutated).
    public func reshaped(to newShape: [Int]) -> Tensor {
        precondition(newShape.allSatisfy { $0 >= 0 }, "Tensor: negative axis size in shape \(newShape)")
        return Tensor(shape: newShape, storage: storage)
    }

    /// Gives mutable access to the scalars, copying them first if they are shared with another
    /// tensor or are pages of a mapped file.
    public mutating func withUnsafeMutableScalars<R>(_ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R)
        rethrows -> R
    {
        storage.ready()
        if !isKnownUniquelyReferenced(&storage) || storage.isMapped { storage = storage.copy() }
        let base = storage.base
        var buffer = UnsafeMutableBufferPointer(start: base, count: storage.count)
        defer {
            precondition(
                buffer.baseAddress == base && buffer.count == storage.count,
                "Tensor: withUnsafeMutableScalars' body replaced its buffer")
        }
        return try withExtendedLifetime(storage) { try body(&buffer) }
    }

    /// Read-only access to the scalars, valid only during `body`.
    public func withUnsafeScalars<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        storage.ready()
        return try withExtendedLifetime(storage) {
            try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
        }
    }

    /// A copy with storage of its own, never shared with this tensor.
    public func independentCopy() -> Tensor {
        Tensor(shape: shape, storage: storage.copy())
    }

    /// Whether the two tensors share one storage buffer (as copies do until one is mutated).
    public func sharesStorage(with other: Tensor) -> Bool {
        storage === other.storage && storage.count > 0
    }

    /// Returns to the system the memory the runtime keeps for reuse: blocks of tensors that
    /// have gone away (up to 512 MiB in all), which the next tensors of a similar size would
    /// otherwise take. Tensors in use are not affected; the next ones get fresh pages.
    public static func releaseCachedMemory() {
        ScalarPool.shared.trim()
    }

    /// Whether writing the scalars in place changes no other tensor: the storage is this
    /// tensor's alone and not mapped file pages.
    mutating func isUniquelyWritable() -> Bool {
        isKnownUniquelyReferenced(&storage) && !storage.isMapped
    }

    /// Whether the scalars are written yet: false for fresh weights no one has read.
    var isFilled: Bool { storage.isFilled }

    /// Whether the scalars are read-only pages of a memory-mapped weight file (see
    /// ``Model/loadWeights(from:)``): the first write copies them.
    public var isMapped: Bool { storage.isMapped }

    /// The largest absolute difference to `other`, which must have the same shape.
    public func maxAbsoluteDifference(to other: Tensor) -> Float {
        precondition(shape == other.shape, "Tensor: comparing shape \(shape) with \(other.shape)")
        var worst: Float = 0
        withUnsafeScalars { a in
            other.withUnsafeScalars { b in
                for (x, y) in zip(a, b) {
                    let difference = abs(x - y)
                    if difference > worst || difference.isNaN { worst = difference.isNaN ? .infinity : difference }
                }
            }
        }
        return worst
    }

    /// Equal shapes and equal scalars (a NaN equals nothing, unless both tensors share storage).
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        guard lhs.shape == rhs.shape else { return false }
        if lhs.storage === rhs.storage { return true }
        return lhs.withUnsafeScalars { a in rhs.withUnsafeScalars { b in a.elementsEqual(b) } }
    }

    public var description: String {
        let preview = withUnsafeScalars { $0.prefix(8).map { String($0) } }.joined(separator: ", ")
        return "Tensor(shape: \(shape), scalars: [\(preview)\(scalarCount > 8 ? ", …" : "")])"
    }
}
