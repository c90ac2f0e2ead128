// The operations on Keras tensors that move or combine values (Operations.swift): reshape,
// transpose, expand_dims, squeeze, concatenate, stack, matmul, indexing.

extension Ops {
    /// `keras.ops`' `reshape`: the values in a new shape, batch axis included (one size may be -1).
    public enum Reshape: OperationKind {
        public static let className = "Reshape", module = "keras.src.ops.numpy"
        public static let summary = "The values in `newshape`, batch axis included; one size may be -1."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["newshape": nil] }
        public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
            let input = try OperationShapes.single(operands, className)
            guard operands.count == 1, let sizes = config.newshape.ints ?? (config.newshape.int.map { [$0] }) else {
                throw ShapeError("Reshape: 'newshape' must be a list of integers")
            }
            guard sizes.allSatisfy({ $0 >= -1 }), sizes.filter({ $0 == -1 }).count <= 1 else {
                throw ShapeError("Reshape: 'newshape' \(sizes) has sizes below -1 or more than one -1")
            }
            let known = input.dimensions.allSatisfy { $0 != nil }
            let total = input.dimensions.reduce(1) { $0 * ($1 ?? 1) }
            let product = sizes.filter { $0 != -1 }.reduce(1, *)
            if known, sizes.contains(-1) ? (product == 0 || total % product != 0) : total != product {
                throw ShapeError("Reshape: cannot reshape \(input) into \(sizes)")
            }
            return TensorShape(sizes.map { $0 == -1 ? (known ? total / product : nil) : $0 })
        }
    }

    /// `keras.ops`' `transpose`: the axes permuted by `axes` (`None` reverses them).
    public enum Transpose: OperationKind {
        public static let className = "Transpose", module = "keras.src.ops.numpy"
        public static let summary = "Axes permuted by `axes` (None: reversed)."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["axes": nil] }
        public static func permutation(_ config: OperationConfig<Self>, rank: Int) throws -> [Int] {
            if config.axes == .none { return Array((0..<rank).reversed()) }
            guard let axes = config.axes.ints, axes.count == rank else {
                throw ShapeError("Transpose: 'axes' must list each of the \(rank) axes once")
            }
            let resolved = try axes.map { try OperationShapes.axis($0, rank: rank, operation: className) }
            guard Set(resolved).count == rank else { throw ShapeError("Transpose: 'axes' \(axes) repeats an axis") }
            return resolved
        }
        public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
            let input = try OperationShapes.single(operands, className)
            return TensorShape(try permutation(config, rank: input.rank).map { input.dimensions[$0] })
        }
    }

    /// `keras.ops`' `expand_dims`: axes of size 1 inserted at `axis`.
    public enum ExpandDims: OperationKind {
        public static let className = "ExpandDims", module = "keras.src.ops.numpy"
        public static let summary = "Axes of size 1 inserted at `axis`."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["axis": nil] }
        public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
            let input = try OperationShapes.single(operands, className)
            guard let values = config.axis.ints else {
                throw ShapeError("ExpandDims: 'axis' must be an integer or a list")
            }
            let rank = input.rank + values.count
            let axes = Set(try values.map { try OperationShapes.axis($0, rank: rank, operation: className) })
            guard axes.count == values.count else { throw ShapeError("ExpandDims: repeated axis in \(values)") }
            var sizes = input.dimensions.makeIterator()
            return TensorShape((0..<rank).map { axes.contains($0) ? 1 : sizes.next()! })
        }
    }

    /// `keras.ops`' `squeeze`: axes of size 1 removed (`axis`, or every one known to be 1).
    public enum Squeeze: OperationKind {
        public static let className = "Squeeze", module = "keras.src.ops.numpy"
        public static let summary = "Axes of size 1 removed (`axis`, or all)."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["axis": nil] }
        public static func squeezed(_ config: OperationConfig<Self>, _ input: TensorShape) throws -> Set<Int> {
            if config.axis == .none {
                return Set(input.dimensions.indices.filter { input.dimensions[$0] == 1 })
            }
            let axes = try OperationShapes.axes(config.axis, rank: input.rank, operation: className)
            for axis in axes where input.dimensions[axis] != 1 && input.dimensions[axis] != nil {
                throw ShapeError("Squeeze: axis \(axis) of \(input) is not of size 1")
            }
            return Set(axes)
        }
        public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
            let input = try OperationShapes.single(operands, className)
            let axes = try squeezed(config, input)
            return TensorShape(input.dimensions.indices.filter { !axes.contains($0) }.map { input.dimensions[$0] })
        }
    }

    /// `keras.ops`' `concatenate`: a list of tensors joined along `axis`.
    public enum Concatenate: OperationKind {
        public static let className = "Concatenate", module = "keras.src.ops.numpy"
        public static let summary = "A list of tensors joined along `axis`."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["axis": 0] }
        public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
            let shapes = try OperationShapes.tensorList(operands, className)
            guard let axisValue = config.axis.int else { throw ShapeError("Concatenate: 'axis' must be an integer") }
            let rank = shapes[0].rank
            guard shapes.allSatisfy({ $0.rank == rank }) else {
                throw ShapeError(
                    "Concatenate: the tensors \(shapes.map(\.description).joined(separator: ", ")) differ in rank")
            }
            let axis = try OperationShapes.axis(axisValue, rank: rank, operation: className)
            var out = shapes[0].dimensions
            for shape in shapes.dropFirst() {
                for index in 0..<rank where index != axis {
                    if let a = out[index], let b = shape.dimensions[index], a != b {
                        throw ShapeError(
                            "Concatenate: the tensors \(shapes.map(\.description).joined(separator: ", ")) differ "
                                + "off axis \(axisValue)"
                        )
                    }
                    out[index] = out[index] ?? shape.dimensions[index]
                }
                out[axis] = out[axis].flatMap { a in shape.dimensions[axis].map { a + $0 } }
            }
            return TensorShape(out)
        }
    }

    /// `keras.ops`' `stack`: a list of tensors of one shape stacked along a new `axis`.
    public enum Stack: OperationKind {
        public static let className = "Stack", module = "keras.src.ops.numpy"
        public static let summary = "A list of same-shape tensors stacked on a new `axis`."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["axis": 0] }
        public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
            let shapes = try OperationShapes.tensorList(operands, className)
            guard let axisValue = config.axis.int else { throw ShapeError("Stack: 'axis' must be an integer") }
            guard shapes.allSatisfy({ $0.isCompatible(with: shapes[0]) }) else {
                throw ShapeError(
                    "Stack: the tensors \(shapes.map(\.description).joined(separator: ", ")) differ in shape")
            }
            let axis = try OperationShapes.axis(axisValue, rank: shapes[0].rank + 1, operation: className)
            var out = shapes[0].dimensions
            out.insert(shapes.count, at: axis)
            return TensorShape(out)
        }
    }

    /// `keras.ops`' `matmul`: NumPy's matrix product, broadcasting the leading axes.
    public enum Matmul: OperationKind {
        public static let className = "Matmul", module = "keras.src.ops.numpy"
        public static let summary = "NumPy's matrix product; leading axes broadcast."
        public static var parameters: KeyValuePairs<String, OperationArgument> { [:] }
        public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
            guard operands.count == 2, let a = operands[0].shape, let b = operands[1].shape, a.rank >= 1, b.rank >= 1
            else {
                throw ShapeError("Matmul takes two tensors of rank 1 or more")
            }
            let left = a.rank == 1 ? TensorShape([1] + a.dimensions) : a
            let right = b.rank == 1 ? TensorShape(b.dimensions + [1]) : b
            let inner = (left.dimensions[left.rank - 1], right.dimensions[right.rank - 2])
            if let x = inner.0, let y = inner.1, x != y {
                throw ShapeError("Matmul: cannot multiply \(a) by \(b): inner sizes \(x) and \(y) differ")
            }
            let batch = try OperationShapes.broadcast(
                [TensorShape(Array(left.dimensions.dropLast(2))), TensorShape(Array(right.dimensions.dropLast(2)))],
                operation: className)
            var out = batch.dimensions
            if a.rank > 1 { out.append(left.dimensions[left.rank - 2]) }
            if b.rank > 1 { out.append(right.dimensions[right.rank - 1]) }
            return TensorShape(out)
        }
    }

    /// `keras.ops`' indexing, `x[...]`: integers, slices, `None` and `...` (NumPy's basic
    /// indexing); indexing by tensors is not supported.
    public enum GetItem: OperationKind {
        public static let className = "GetItem", module = "keras.src.ops.numpy"
        public static let summary = "`x[key]` with integers, slices, None and `...`."
        public static var parameters: KeyValuePairs<String, OperationArgument> { [:] }

        /// One index of a key, resolved against the input's axes.
        public enum Index: Sendable, Equatable {
            /// Take position `Int` of the next axis (negative from the end), dropping the axis.
            case position(Int)
            /// Keep the next axis, sliced.
            case slice(Int?, Int?, Int?)
            /// Insert an axis of size 1.
            case newAxis
        }

        /// The key's indices, with `...` expanded to full slices and trailing axes kept.
        public static func indices(_ config: OperationConfig<Self>, rank: Int) throws -> [Index] {
            guard config.call.count == 2 else { throw ShapeError("GetItem takes a tensor and a key") }
            let items: [OperationArgument]
            if case .list(let list) = config.call[1] { items = list } else { items = [config.call[1]] }
            var indices: [Index] = []
            var ellipsis: Int?
            for item in items {
                switch item {
                case .int(let value): indices.append(.position(value))
                case .slice(let start, let stop, let step):
                    if step == 0 { throw ShapeError("GetItem: a slice step cannot be zero") }
                    indices.append(.slice(start, stop, step))
                case .none: indices.append(.newAxis)
                case .ellipsis:
                    guard ellipsis == nil else { throw ShapeError("GetItem: an index can only have one '...'") }
                    ellipsis = indices.count
                default:
                    throw ShapeError(
                        "GetItem: unsupported index \(item.swiftExpression); supported: integers, slices, None and "
                            + "'...'"
                    )
                }
            }
            let consumed = indices.filter { $0 != .newAxis }.count
            guard consumed <= rank else { throw ShapeError("GetItem: too many indices (\(consumed)) for rank \(rank)") }
            let fill = [Index](repeating: .slice(nil, nil, nil), count: rank - consumed)
            indices.insert(contentsOf: fill, at: ellipsis ?? indices.count)
            return indices
        }

        /// Python's `slice.indices`: start, count and step over an axis of `size`.
        public static func range(_ start: Int?, _ stop: Int?, _ step: Int?, size: Int) -> (
            start: Int, count: Int, step: Int
        ) {
            let step = step ?? 1
            func clamp(_ value: Int?, _ fallback: Int, low: Int, high: Int) -> Int {
                guard var value else { return fallback }
                if value < 0 { value += size }
                return min(max(value, low), high)
            }
            let first: Int
            let last: Int
            if step > 0 {
                first = clamp(start, 0, low: 0, high: size)
                last = clamp(stop, size, low: 0, high: size)
                return (first, max(0, (last - first + step - 1) / step), step)
            }
            first = clamp(start, size - 1, low: -1, high: size - 1)
            last = clamp(stop, -1, low: -1, high: size - 1)
            return (first, max(0, (first - last - step - 1) / -step), step)
        }

        public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
            let input = try OperationShapes.single(operands, className)
            var axis = 0
            var out: [Int?] = []
            for index in try indices(config, rank: input.rank) {
                switch index {
                case .newAxis: out.append(1)
                case .position(let position):
                    if let size = input.dimensions[axis], position >= size || position < -size {
                        throw ShapeError("GetItem: index \(position) is out of range for axis \(axis) of size \(size)")
                    }
                    axis += 1
                case .slice(let start, let stop, let step):
                    out.append(input.dimensions[axis].map { range(start, stop, step, size: $0).count })
                    axis += 1
                }
            }
            return TensorShape(out)
        }
    }
}
