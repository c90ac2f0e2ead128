// Backward passes of the operations that move or combine values (Operations+Movement.swift):
// reshape, expand_dims, squeeze, transpose, indexing, concatenate, stack, matmul.

/// An operation whose result is its input's values in a new shape.
protocol ReshapingOperation: DifferentiableOperation {}

extension ReshapingOperation {
    public static func inputGradients(
        _ operation: Operation<Self>, _ outputGradient: Tensor, inputs: [Tensor], output: Tensor
    ) -> [Tensor] {
        [outputGradient.reshaped(to: inputs[0].shape)]
    }
}

extension Ops.Reshape: ReshapingOperation {}
extension Ops.ExpandDims: ReshapingOperation {}
extension Ops.Squeeze: ReshapingOperation {}

extension Ops.Transpose: DifferentiableOperation {
    public static func inputGradients(
        _ operation: Operation<Self>, _ outputGradient: Tensor, inputs: [Tensor], output: Tensor
    ) -> [Tensor] {
        guard let order = try? permutation(operation.config, rank: inputs[0].rank) else {
            preconditionFailure("Transpose '\(operation.config.name)': the permutation was checked at build time")
        }
        var inverse = [Int](repeating: 0, count: order.count)
        for (position, axis) in order.enumerated() { inverse[axis] = position }
        return [outputGradient.transposed(inverse)]
    }
}

extension Ops.GetItem: DifferentiableOperation {
    /// The output's gradient put back where each value came from; zeros elsewhere.
    public static func inputGradients(
        _ operation: Operation<Self>, _ outputGradient: Tensor, inputs: [Tensor], output: Tensor
    ) -> [Tensor] {
        let shape = inputs[0].shape
        return [
            Tensor(shape: shape) { out in
                for index in 0..<out.count { out[index] = 0 }
                outputGradient.withUnsafeScalars { g in
                    forEachSource(operation, shape) { position, offset in out[offset] += g[position] }
                }
            }
        ]
    }
}

extension Tensor {
    /// Each of the trailing `rows × columns` matrices transposed.
    func matricesTransposed(rows: Int, columns: Int) -> Tensor {
        let size = rows * columns
        var shape = self.shape
        (shape[rank - 2], shape[rank - 1]) = (columns, rows)
        return Tensor(shape: shape) { out in
            withUnsafeScalars { x in
                for start in stride(from: 0, to: x.count, by: max(size, 1)) {
                    for row in 0..<rows {
                        for column in 0..<columns {
                            out[start + column * rows + row] = x[start + row * columns + column]
                        }
                    }
                }
            }
        }
    }
}

/// The output's gradient cut along `axis` into the parts of the listed tensors of `sizes`.
private func split(_ gradient: Tensor, axis: Int, sizes: [Int]) -> [Tensor] {
    let outer = gradient.shape[..<axis].reduce(1, *)
    let inner = gradient.shape[(axis + 1)...].reduce(1, *)
    let total = gradient.shape[axis]
    var start = 0
    return gradient.withUnsafeScalars { g in
        sizes.map { size in
            var shape = gradient.shape
            shape[axis] = size
            let part = Tensor(shape: shape) { out in
                for row in 0..<outer {
                    for index in 0..<(size * inner) {
                        out[row * size * inner + index] = g[(row * total + start) * inner + index]
                    }
                }
            }
            start += size
            return part
        }
    }
}

/// The listed items' positions that hold tensors.
private func listedTensorPositions(_ call: [OperationArgument]) -> [Int]? {
    guard case .list(let items) = call.first else { return nil }
    return items.indices.filter { items[$0] == .tensor }
}

extension Ops.Concatenate: DifferentiableOperation {
    public static func inputGradients(
        _ operation: Operation<Self>, _ outputGradient: Tensor, inputs: [Tensor], output: Tensor
    ) -> [Tensor] {
        let value = operation.config.axis.int ?? 0
        let axis = value < 0 ? value + output.rank : value
        if let positions = listedTensorPositions(operation.config.call), positions.count != inputs.count {
            preconditionFailure("Concatenate '\(operation.config.name)': a listed constant has no gradient")
        }
        return split(outputGradient, axis: axis, sizes: inputs.map { $0.shape[axis] })
    }
}

extension Ops.Stack: DifferentiableOperation {
    public static func inputGradients(
        _ operation: Operation<Self>, _ outputGradient: Tensor, inputs: [Tensor], output: Tensor
    ) -> [Tensor] {
        let value = operation.config.axis.int ?? 0
        let axis = value < 0 ? value + output.rank : value
        guard let positions = listedTensorPositions(operation.config.call) else {
            return split(outputGradient, axis: axis, sizes: inputs.map { _ in 1 }).enumerated().map {
                $1.reshaped(to: inputs[$0].shape)
            }
        }
        // Numbers in the list were stacked as scalars; their parts are dropped.
        let parts = split(outputGradient, axis: axis, sizes: [Int](repeating: 1, count: output.shape[axis]))
        return positions.enumerated().map { parts[$1].reshaped(to: inputs[$0].shape) }
    }
}

extension Ops.Matmul: DifferentiableOperation {
    /// `∂a = g · bᵀ` and `∂b = aᵀ · g` for each pair of matrices, summed over the leading axes
    /// each was broadcast along; a vector operand's gradient is a vector again.
    public static func inputGradients(
        _ operation: Operation<Self>, _ outputGradient: Tensor, inputs: [Tensor], output: Tensor
    ) -> [Tensor] {
        let operands = operation.operandTensors(inputs)
        let (a, b, m, k, n, _, pairs) = products(operation, operands)
        // The products run on the fast kernel, from each matrix's transpose.
        let (aT, bT) = (a.matricesTransposed(rows: m, columns: k), b.matricesTransposed(rows: k, columns: n))
        var gradientA = [Float](repeating: 0, count: a.scalarCount)
        var gradientB = [Float](repeating: 0, count: b.scalarCount)
        var partA = [Float](repeating: 0, count: m * k)
        var partB = [Float](repeating: 0, count: k * n)
        outputGradient.withUnsafeScalars { g in
            aT.withUnsafeScalars { x in
                bT.withUnsafeScalars { y in
                    for (position, (i, j)) in pairs.enumerated() {
                        let gradient = UnsafeBufferPointer(rebasing: g[(position * m * n)..<((position + 1) * m * n)])
                        partA.withUnsafeMutableBufferPointer { part in
                            MatrixMultiply.multiply(
                                gradient, UnsafeBufferPointer(rebasing: y[(j * n * k)..<((j + 1) * n * k)]), bias: nil,
                                into: part, m: m, k: n, n: k)
                        }
                        partB.withUnsafeMutableBufferPointer { part in
                            MatrixMultiply.multiply(
                                UnsafeBufferPointer(rebasing: x[(i * k * m)..<((i + 1) * k * m)]), gradient, bias: nil,
                                into: part, m: k, k: m, n: n)
                        }
                        for index in 0..<(m * k) { gradientA[i * m * k + index] += partA[index] }
                        for index in 0..<(k * n) { gradientB[j * k * n + index] += partB[index] }
                    }
                }
            }
        }
        let gradients = [
            Tensor(shape: operands[0].shape, scalars: gradientA), Tensor(shape: operands[1].shape, scalars: gradientB),
        ]
        let positions = operation.config.call.indices.filter { operation.config.call[$0] == .tensor }
        return positions.map { gradients[$0] }
    }
}
