// The kernels of the operations that move or combine values (Operations.swift): reshape,
// transpose, expand_dims, squeeze, concatenate, stack, indexing, matmul.

/// The concrete output shape of an operation whose output is its input's values rearranged.
private func concreteShape<Kind: OperationKernel>(_ operation: Operation<Kind>, _ inputs: [Tensor]) -> [Int] {
    do {
        let shapes = inputs.map { TensorShape($0.shape.map { $0 }) }
        return try operation.config.outputShape(forInputs: shapes).dimensions.map { $0! }
    } catch {
        preconditionFailure("\(Kind.className) '\(operation.config.name)': \(error)")
    }
}

extension Ops.Reshape: OperationKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        inputs[0].reshaped(to: concreteShape(operation, inputs))
    }
}

extension Ops.ExpandDims: OperationKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        inputs[0].reshaped(to: concreteShape(operation, inputs))
    }
}

extension Ops.Squeeze: OperationKernel {
    /// The axes squeezed are those of the shape the model was built for, so that a batch of
    /// one keeps its batch axis.
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        let axes = (try? squeezed(operation.config, operation.inputShapes[0])) ?? []
        return inputs[0].reshaped(to: inputs[0].shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
    }
}

extension Ops.Transpose: OperationKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        do {
            return inputs[0].transposed(try permutation(operation.config, rank: inputs[0].rank))
        } catch {
            preconditionFailure("Transpose '\(operation.config.name)': \(error)")
        }
    }
}

/// The tensors of a list argument, in order.
private func listedTensors<Kind: OperationKernel>(_ operation: Operation<Kind>, _ inputs: [Tensor]) -> [Tensor] {
    guard case .list(let items) = operation.config.call[0] else { return inputs }
    var next = 0
    return items.map { item in
        if item == .tensor {
            defer { next += 1 }
            return inputs[next]
        }
        return Tensor(shape: [], scalars: [Float(item.number ?? 0)])
    }
}

/// `tensors` joined along `axis` by the `Concatenate` layer.
private func joined(_ tensors: [Tensor], axis: Int, name: String) -> Tensor {
    do {
        let layer = try ModelRuntime.Concatenate(
            config: ConcatenateConfig(name: name, axis: axis),
            inputShapes: tensors.map { TensorShape($0.shape.map { $0 }) },
            seed: 0)
        return layer(tensors)
    } catch {
        preconditionFailure("'\(name)': \(error)")
    }
}

extension Ops.Concatenate: OperationKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        joined(listedTensors(operation, inputs), axis: operation.config.axis.int ?? 0, name: operation.config.name)
    }
}

extension Ops.Stack: OperationKernel {
    /// Each tensor given an axis of size 1 at `axis`, then joined along it.
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        let tensors = listedTensors(operation, inputs)
        let rank = tensors[0].rank + 1
        let axisValue = operation.config.axis.int ?? 0
        let axis = axisValue < 0 ? axisValue + rank : axisValue
        let expanded = tensors.map { tensor -> Tensor in
            var shape = tensor.shape
            shape.insert(1, at: axis)
            return tensor.reshaped(to: shape)
        }
        return joined(expanded, axis: axis, name: operation.config.name)
    }
}

extension Ops.GetItem: OperationKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        let input = inputs[0]
        let shape = outputShape(operation, input.shape)
        return Tensor(shape: shape) { out in
            input.withUnsafeScalars { x in
                forEachSource(operation, input.shape) { position, offset in out[position] = x[offset] }
            }
        }
    }

    /// The output's shape for an input of `shape`.
    static func outputShape(_ operation: Operation<Self>, _ shape: [Int]) -> [Int] {
        layout(operation, shape).sizes
    }

    /// Calls `body(position, offset)` for each output position, in order, with the offset of
    /// the input value it takes.
    static func forEachSource(_ operation: Operation<Self>, _ shape: [Int], _ body: (Int, Int) -> Void) {
        let (base, sizes, steps) = layout(operation, shape)
        let count = sizes.reduce(1, *)
        var index = [Int](repeating: 0, count: sizes.count)
        var offset = base
        for position in 0..<count {
            body(position, offset)
            var axis = sizes.count - 1
            while axis >= 0 {
                index[axis] += 1
                offset += steps[axis]
                if index[axis] < sizes[axis] { break }
                offset -= steps[axis] * sizes[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// The index as a strided view of an input of `shape`: the first value's offset, and
    /// each output axis's size and step in the input.
    private static func layout(_ operation: Operation<Self>, _ shape: [Int]) -> (
        base: Int, sizes: [Int], steps: [Int]
    ) {
        let indices: [Index]
        do {
            indices = try Self.indices(operation.config, rank: shape.count)
        } catch {
            preconditionFailure("GetItem '\(operation.config.name)': \(error)")
        }
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) {
            strides[axis] = strides[axis + 1] * shape[axis + 1]
        }
        var base = 0
        var sizes: [Int] = []
        var steps: [Int] = []
        var axis = 0
        for index in indices {
            switch index {
            case .newAxis:
                sizes.append(1)
                steps.append(0)
            case .position(let position):
                base += (position < 0 ? position + shape[axis] : position) * strides[axis]
                axis += 1
            case .slice(let start, let stop, let step):
                let range = Self.range(start, stop, step, size: shape[axis])
                base += range.start * strides[axis]
                sizes.append(range.count)
                steps.append(range.step * strides[axis])
                axis += 1
            }
        }
        return (base, sizes, steps)
    }
}

extension Ops.Matmul: OperationKernel {
    /// NumPy's `matmul` of two operands as products of matrices: the operands as stacks of
    /// matrices (a vector made a one-row or one-column matrix), their sizes `m × k` and `k × n`,
    /// the output's leading axes, and which matrix of `a` and of `b` each output matrix uses
    /// (their leading axes broadcast).
    static func products(_ operation: Operation<Self>, _ operands: [Tensor]) -> (
        a: Tensor, b: Tensor, m: Int, k: Int, n: Int, batch: [Int], pairs: [(Int, Int)]
    ) {
        let a = operands[0].rank == 1 ? operands[0].reshaped(to: [1] + operands[0].shape) : operands[0]
        let b = operands[1].rank == 1 ? operands[1].reshaped(to: operands[1].shape + [1]) : operands[1]
        let rank = max(a.rank, b.rank) - 2
        let batchA = [Int](repeating: 1, count: rank - (a.rank - 2)) + a.shape.dropLast(2)
        let batchB = [Int](repeating: 1, count: rank - (b.rank - 2)) + b.shape.dropLast(2)
        let broadcast = Broadcast([batchA, batchB], layer: "Matmul '\(operation.config.name)'")
        var pairs: [(Int, Int)] = []
        broadcast.forEach { _, offsets in pairs.append((offsets[0], offsets[1])) }
        return (a, b, a.shape[a.rank - 2], a.shape[a.rank - 1], b.shape[b.rank - 1], broadcast.shape, pairs)
    }

    /// NumPy's `matmul`: a product per pair of matrices, the leading axes broadcast.
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        let inputs = operation.operandTensors(inputs)
        let (a, b, m, k, n, batch, pairs) = products(operation, inputs)
        var shape = batch + [m, n]
        let result = Tensor(shape: shape) { out in
            a.withUnsafeScalars { x in
                b.withUnsafeScalars { y in
                    for (position, (i, j)) in pairs.enumerated() {
                        MatrixMultiply.multiply(
                            UnsafeBufferPointer(rebasing: x[(i * m * k)..<((i + 1) * m * k)]),
                            UnsafeBufferPointer(rebasing: y[(j * k * n)..<((j + 1) * k * n)]), bias: nil,
                            into: UnsafeMutableBufferPointer(
                                rebasing: out[(position * m * n)..<((position + 1) * m * n)]),
                            m: m, k: k, n: n)
                    }
                }
            }
        }
        if inputs[0].rank == 1 { shape.remove(at: shape.count - 2) }
        if inputs[1].rank == 1 { shape.removeLast() }
        return result.reshaped(to: shape)
    }
}
