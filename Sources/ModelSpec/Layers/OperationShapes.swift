// Shape rules of the operations on Keras tensors (Operations.swift): NumPy's broadcasting,
// element-wise, shape-preserving and reducing operations.

/// Shape rules operations share.
public enum OperationShapes {
    /// NumPy's broadcasting: shapes aligned at the right, size 1 stretches; an unknown size
    /// stays unknown unless the other is known and not 1.
    public static func broadcast(_ shapes: [TensorShape], operation: String) throws -> TensorShape {
        let rank = shapes.map(\.rank).max() ?? 0
        var out = [Int?](repeating: 1, count: rank)
        for shape in shapes {
            let offset = rank - shape.rank
            for (axis, size) in shape.dimensions.enumerated() {
                let current = out[offset + axis]
                switch (current, size) {
                case (1, _): out[offset + axis] = size
                case (_, 1): break
                case (nil, let size?): out[offset + axis] = size
                case (_, nil): break
                case (let a?, let b?):
                    guard a == b else {
                        throw ShapeError(
                            "\(operation) cannot broadcast shapes "
                                + "\(shapes.map(\.description).joined(separator: " and "))"
                        )
                    }
                }
            }
        }
        return TensorShape(out)
    }

    /// `axis` of a rank-`rank` tensor as a non-negative index, or an error.
    public static func axis(_ axis: Int, rank: Int, operation: String) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0, resolved < rank else {
            throw ShapeError("\(operation): axis \(axis) is out of range for rank \(rank)")
        }
        return resolved
    }

    /// The axes an `axis` argument names (every axis for `None`), each once, sorted.
    public static func axes(_ argument: OperationArgument, rank: Int, operation: String) throws -> [Int] {
        if argument == .none { return Array(0..<rank) }
        guard let values = argument.ints else {
            throw ShapeError("\(operation): 'axis' must be an integer, a list of integers or None")
        }
        let axes = try values.map { try axis($0, rank: rank, operation: operation) }
        guard Set(axes).count == axes.count else { throw ShapeError("\(operation): repeated axis in \(values)") }
        return axes.sorted()
    }

    /// The single tensor operand of a one-tensor operation.
    static func single(_ operands: [Operand], _ operation: String) throws -> TensorShape {
        guard let first = operands.first, case .tensor(let shape) = first else {
            throw ShapeError("\(operation) takes a tensor as its first argument")
        }
        return shape
    }
}

/// An element-wise operation on tensors and numbers, broadcast as NumPy does.
public protocol ElementwiseOperation: OperationKind {
    /// How many operands a call takes.
    static var arity: Int { get }
}

extension ElementwiseOperation {
    public static var parameters: KeyValuePairs<String, OperationArgument> { [:] }
    public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
        guard operands.count == arity else {
            throw ShapeError("\(className) takes \(arity) argument\(arity == 1 ? "" : "s"), got \(operands.count)")
        }
        var shapes: [TensorShape] = []
        for operand in operands {
            guard let shape = operand.shape else {
                throw ShapeError("\(className): unsupported operand \(operand); expected tensors and numbers")
            }
            shapes.append(shape)
        }
        return try OperationShapes.broadcast(shapes, operation: className)
    }
}

/// An element-wise operation with parameters (`clip`, `leaky_relu`, `softmax` over `axis`, …):
/// one tensor in, the same shape out.
public protocol ShapePreservingOperation: OperationKind {}

extension ShapePreservingOperation {
    public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
        guard operands.count == 1 else { throw ShapeError("\(className) takes one argument, got \(operands.count)") }
        let shape = try OperationShapes.single(operands, className)
        if parameters.contains(where: { $0.key == "axis" }) {
            guard let axis = config.axis.int else { throw ShapeError("\(className): 'axis' must be an integer") }
            _ = try OperationShapes.axis(axis, rank: shape.rank, operation: className)
        }
        return shape
    }
}

/// A reduction over `axis` (`None`: every axis), keeping reduced axes with `keepdims`.
public protocol ReductionOperation: OperationKind {}

extension ReductionOperation {
    public static var parameters: KeyValuePairs<String, OperationArgument> { ["axis": nil, "keepdims": false] }
    public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
        guard operands.count == 1 else { throw ShapeError("\(className) takes one argument, got \(operands.count)") }
        let shape = try OperationShapes.single(operands, className)
        if config.initial != .none { throw ShapeError("\(className): 'initial' is not supported (only None)") }
        let axes = try OperationShapes.axes(config.axis, rank: shape.rank, operation: className)
        guard case .bool(let keep) = config.keepdims else {
            throw ShapeError("\(className): 'keepdims' must be a boolean")
        }
        var out: [Int?] = []
        for (index, size) in shape.dimensions.enumerated() {
            if axes.contains(index) {
                if keep { out.append(1) }
            } else {
                out.append(size)
            }
        }
        return TensorShape(out)
    }
}

/// The operations, one caseless type each; the runtime gives each its computation.

extension OperationShapes {
    /// The shapes of a list-of-tensors operand (`ops.concatenate([a, b])`).
    static func tensorList(_ operands: [Operand], _ operation: String) throws -> [TensorShape] {
        guard operands.count == 1, case .list(let items) = operands[0] else {
            throw ShapeError("\(operation) takes one list of tensors")
        }
        var shapes: [TensorShape] = []
        for item in items {
            guard case .tensor(let shape) = item else { throw ShapeError("\(operation) takes a list of tensors only") }
            shapes.append(shape)
        }
        guard !shapes.isEmpty else { throw ShapeError("\(operation) needs at least one tensor") }
        return shapes
    }
}
