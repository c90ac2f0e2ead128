// Merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot.

import CModelKernels

/// The element-wise operation of a merge config.
public protocol ElementwiseMergeOperation: ElementwiseMergeConfig {
    /// Combines the inputs' values at one position.
    static func combine(_ values: UnsafeBufferPointer<Float>) -> Float
    /// How the call uses its inputs' Keras masks.
    static var maskedMergeRule: MaskedMergeRule { get }
}

extension AddConfig: ElementwiseMergeOperation {
    public static func combine(_ values: UnsafeBufferPointer<Float>) -> Float { values.reduce(0, +) }
}
extension SubtractConfig: ElementwiseMergeOperation {
    public static func combine(_ values: UnsafeBufferPointer<Float>) -> Float { values[0] - values[1] }
}
extension MultiplyConfig: ElementwiseMergeOperation {
    public static func combine(_ values: UnsafeBufferPointer<Float>) -> Float { values.reduce(1, *) }
}
extension AverageConfig: ElementwiseMergeOperation {
    public static func combine(_ values: UnsafeBufferPointer<Float>) -> Float {
        values.reduce(0, +) / Float(values.count)
    }
}
extension MaximumConfig: ElementwiseMergeOperation {
    public static func combine(_ values: UnsafeBufferPointer<Float>) -> Float { values.max()! }
}
extension MinimumConfig: ElementwiseMergeOperation {
    public static func combine(_ values: UnsafeBufferPointer<Float>) -> Float { values.min()! }
}

extension ElementwiseMerge {
    public func callAsFunction(_ inputs: [Tensor]) -> Tensor {
        precondition(
            Config.inputArity.allows(inputs.count),
            "\(Config.className) '\(config.name)': takes \(Config.inputArity), got \(inputs.count)")
        if inputs.allSatisfy({ $0.shape == inputs[0].shape }) {
            if inputs.count == 2, Config.self == AddConfig.self {
                // Residual connections: one vectorised pass.
                return Tensor(shape: inputs[0].shape) { out in
                    inputs[0].withUnsafeScalars { a in
                        inputs[1].withUnsafeScalars { b in
                            if let a = a.baseAddress { cmk_add(Int64(out.count), a, b.baseAddress, out.baseAddress) }
                        }
                    }
                }
            }
            if inputs.count == 2 {
                // The common case (residual connections): one pass over two buffers.
                return Tensor(shape: inputs[0].shape) { out in
                    inputs[0].withUnsafeScalars { a in
                        inputs[1].withUnsafeScalars { b in
                            var pair: (Float, Float) = (0, 0)
                            for index in 0..<out.count {
                                pair = (a[index], b[index])
                                out[index] = withUnsafeBytes(of: &pair) {
                                    Config.combine($0.bindMemory(to: Float.self))
                                }
                            }
                        }
                    }
                }
            }
            let arrays = inputs.map(\.scalars)
            return Tensor(shape: inputs[0].shape) { out in
                var values = [Float](repeating: 0, count: arrays.count)
                values.withUnsafeMutableBufferPointer { values in
                    for index in 0..<out.count {
                        for k in 0..<arrays.count { values[k] = arrays[k][index] }
                        out[index] = Config.combine(UnsafeBufferPointer(values))
                    }
                }
            }
        }
        let broadcast = Broadcast(inputs.map(\.shape), layer: "\(Config.className) '\(config.name)'")
        let arrays = inputs.map(\.scalars)
        return Tensor(shape: broadcast.shape) { out in
            var values = [Float](repeating: 0, count: inputs.count)
            broadcast.forEach { position, offsets in
                for (k, input) in arrays.enumerated() { values[k] = input[offsets[k]] }
                out[position] = values.withUnsafeBufferPointer(Config.combine)
            }
        }
    }
}

/// The flat index, into a tensor of `smallShape` broadcast over `shape` (the same rank, 1
/// along the axes it repeats on), of the element at flat index `position` of `shape`.
func broadcastIndex(_ position: Int, in shape: [Int], of smallShape: [Int]) -> Int {
    var rest = position
    var index = 0
    var scale = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        let coordinate = rest % shape[axis]
        rest /= shape[axis]
        index += (smallShape[axis] == 1 ? 0 : coordinate) * scale
        scale *= smallShape[axis]
    }
    return index
}

/// Keras's broadcasting of merge inputs: lower-rank inputs get axes of size 1 inserted after
/// the batch axis, then axes of size 1 stretch to the other inputs' sizes.
struct Broadcast {
    let shape: [Int]
    private let strides: [[Int]]

    init(_ shapes: [[Int]], layer: String) {
        let rank = shapes.map(\.count).max() ?? 0
        let aligned = shapes.map { shape -> [Int] in
            shape.isEmpty ? [] : [shape[0]] + [Int](repeating: 1, count: rank - shape.count) + shape.dropFirst()
        }
        var shape = [Int](repeating: 1, count: rank)
        for input in aligned {
            for axis in 0..<rank where input[axis] != 1 {
                precondition(
                    shape[axis] == 1 || shape[axis] == input[axis],
                    "\(layer): inputs of shapes \(shapes) do not broadcast")
                shape[axis] = input[axis]
            }
        }
        self.shape = shape
        strides = aligned.map { input in
            var strides = [Int](repeating: 0, count: rank)
            var step = 1
            for axis in stride(from: rank - 1, through: 0, by: -1) {
                strides[axis] = input[axis] == 1 ? 0 : step
                step *= input[axis]
            }
            return strides
        }
    }

    /// Calls `body(outputPosition, inputOffsets)` for every output position.
    func forEach(_ body: (Int, [Int]) -> Void) {
        let count = shape.reduce(1, *)
        var index = [Int](repeating: 0, count: shape.count)
        var offsets = [Int](repeating: 0, count: strides.count)
        for position in 0..<count {
            body(position, offsets)
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                for k in offsets.indices { offsets[k] += strides[k][axis] }
                if index[axis] < shape[axis] { break }
                for k in offsets.indices { offsets[k] -= strides[k][axis] * shape[axis] }
                index[axis] = 0
                axis -= 1
            }
        }
    }
}

extension ElementwiseMerge {
    /// `Add` of two inputs of one shape writes the sum into the scalars of an input no other
    /// tensor shares (either: the sum is the same both ways); other merges run as usual.
    public func callAsFunction(reusing inputs: consuming [Tensor]) -> Tensor {
        var inputs = inputs
        guard Config.self == AddConfig.self, inputs.count == 2, inputs[0].shape == inputs[1].shape else {
            return self(inputs)
        }
        var second = inputs.removeLast()
        var first = inputs.removeLast()
        if !first.isUniquelyWritable() { swap(&first, &second) }
        guard first.isUniquelyWritable() else { return self([first, second]) }
        first.withUnsafeMutableScalars { sum in
            second.withUnsafeScalars { b in
                if let base = sum.baseAddress { cmk_add(Int64(sum.count), base, b.baseAddress, base) }
            }
        }
        return first
    }
}

extension Concatenate {
    public func callAsFunction(_ inputs: [Tensor]) -> Tensor {
        let rank = inputs[0].rank
        let axis = config.axis < 0 ? config.axis + rank : config.axis
        var shape = inputs[0].shape
        shape[axis] = inputs.reduce(0) { $0 + $1.shape[axis] }
        for input in inputs {
            precondition(
                input.rank == rank && (0..<rank).allSatisfy { $0 == axis || input.shape[$0] == shape[$0] },
                "Concatenate '\(config.name)': inputs of shapes \(inputs.map(\.shape)) do not fit on axis "
                    + "\(config.axis)"
            )
        }
        let outer = shape[..<axis].reduce(1, *)
        return Tensor(shape: shape) { out in
            var position = 0
            for block in 0..<outer {
                for input in inputs {
                    let chunk = input.shape[axis...].reduce(1, *)
                    input.withUnsafeScalars { values in
                        for k in 0..<chunk { out[position + k] = values[block * chunk + k] }
                    }
                    position += chunk
                }
            }
        }
    }
}

extension Dot {
    public func callAsFunction(_ inputs: [Tensor]) -> Tensor {
        precondition(inputs.count == 2, "Dot '\(config.name)': takes 2 inputs, got \(inputs.count)")
        let (a0, a1) = config.axes.resolved(ranks: (inputs[0].rank, inputs[1].rank))
        // Move the summed axis of x last and that of y first (after the batch axis).
        let x = Dot.moving(axis: a0, toEnd: true, inputs[0])
        let y = Dot.moving(axis: a1, toEnd: false, inputs[1])
        let batch = x.shape[0]
        let k = x.shape[x.rank - 1]
        precondition(
            y.shape[1] == k && y.shape[0] == batch,
            "Dot '\(config.name)': inputs of shapes \(inputs[0].shape) and \(inputs[1].shape) do not fit axes "
                + "\(config.axes.swiftExpression)"
        )
        let m = x.scalarCount / max(batch * k, 1)
        let n = y.scalarCount / max(batch * k, 1)
        var xs = x.scalars
        var ys = y.scalars
        if config.normalize {
            Dot.normalizeRows(&xs, rowLength: k)
            Dot.normalizeColumns(&ys, batch: batch, k: k, n: n)
        }
        var shape = [batch] + Array(x.shape[1..<(x.rank - 1)]) + Array(y.shape[2...])
        if shape.count == 1 { shape.append(1) }
        return Tensor(shape: shape) { out in
            xs.withUnsafeBufferPointer { xb in
                ys.withUnsafeBufferPointer { yb in
                    for b in 0..<batch {
                        MatrixMultiply.multiply(
                            UnsafeBufferPointer(rebasing: xb[(b * m * k)..<((b + 1) * m * k)]),
                            UnsafeBufferPointer(rebasing: yb[(b * k * n)..<((b + 1) * k * n)]),
                            bias: nil,
                            into: UnsafeMutableBufferPointer(rebasing: out[(b * m * n)..<((b + 1) * m * n)]),
                            m: m, k: k, n: n)
                    }
                }
            }
        }
    }

    /// `tensor` with `axis` moved to the end (`toEnd`) or to position 1.
    static func moving(axis: Int, toEnd: Bool, _ tensor: Tensor) -> Tensor {
        var order = Array(0..<tensor.rank)
        order.remove(at: axis)
        if toEnd { order.append(axis) } else { order.insert(axis, at: 1) }
        return order == Array(0..<tensor.rank) ? tensor : tensor.transposed(order)
    }

    /// Keras's `normalize`: `x · min(1/‖x‖, 1/ε)` with ε = 1e-7.
    static func normalizeRows(_ values: inout [Float], rowLength: Int) {
        guard rowLength > 0 else { return }
        for start in stride(from: 0, to: values.count, by: rowLength) {
            var sum: Float = 0
            for i in start..<(start + rowLength) { sum += values[i] * values[i] }
            let scale = min(1 / sum.squareRoot(), 1e7)
            for i in start..<(start + rowLength) { values[i] *= scale }
        }
    }

    static func normalizeColumns(_ values: inout [Float], batch: Int, k: Int, n: Int) {
        for b in 0..<batch {
            for column in 0..<n {
                var sum: Float = 0
                for row in 0..<k { sum += values[b * k * n + row * n + column] * values[b * k * n + row * n + column] }
                let scale = min(1 / sum.squareRoot(), 1e7)
                for row in 0..<k { values[b * k * n + row * n + column] *= scale }
            }
        }
    }
}

extension Tensor {
    /// The tensor with its axes reordered: axis `i` of the result is axis `order[i]` of this one.
    public func transposed(_ order: [Int]) -> Tensor {
        precondition(
            order.sorted() == Array(0..<rank), "transposed: \(order) is not a permutation of the axes of \(shape)")
        let newShape = order.map { shape[$0] }
        var strides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        let sourceStrides = order.map { strides[$0] }
        let scalars = self.scalars
        return Tensor(shape: newShape) { out in
            var index = [Int](repeating: 0, count: rank)
            var offset = 0
            for position in 0..<out.count {
                out[position] = scalars[offset]
                var axis = rank - 1
                while axis >= 0 {
                    index[axis] += 1
                    offset += sourceStrides[axis]
                    if index[axis] < newShape[axis] { break }
                    offset -= sourceStrides[axis] * newShape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
    }
}
