import Dispatch

// Backward passes of the core layers: Dense, Activation, Flatten, Reshape, Masking,
// BatchNormalization, and the merges.

extension Tensor {
    /// The `rows × columns` matrix of the scalars, transposed: `columns × rows`.
    func transposedMatrix(rows: Int, columns: Int) -> Tensor {
        Tensor(shape: [columns, rows]) { out in
            withUnsafeScalars { a in
                guard let source = a.baseAddress, let target = out.baseAddress else { return }
                nonisolated(unsafe) let (from, to) = (source, target)
                // In 32 × 32 tiles, so that reads and writes both stay in cache; bands of rows
                // on the cores when the matrix is large.
                let tile = 32
                let bands = (rows * columns >= 1 << 16) ? MatrixMultiply.cores : 1
                let rowsPerBand = ((rows + bands - 1) / bands + tile - 1) / tile * tile
                DispatchQueue.concurrentPerform(iterations: bands) { band in
                    for r0 in stride(from: band * rowsPerBand, to: min((band + 1) * rowsPerBand, rows), by: tile) {
                        for c0 in stride(from: 0, to: columns, by: tile) {
                            for r in r0..<min(r0 + tile, rows) {
                                for c in c0..<min(c0 + tile, columns) { to[c * rows + r] = from[r * columns + c] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The product of the `m × k` matrix of the scalars and `other`'s `k × n` one.
    func matrixProduct(_ other: Tensor, m: Int, k: Int, n: Int) -> Tensor {
        Tensor(shape: [m, n]) { out in
            withUnsafeScalars { a in
                other.withUnsafeScalars { b in
                    MatrixMultiply.multiply(a, b, bias: nil, into: out, m: m, k: k, n: n)
                }
            }
        }
    }

    /// The sums of the columns of the `rows × columns` matrix of the scalars.
    func columnSums(columns: Int) -> Tensor {
        Tensor(shape: [columns]) { out in
            for c in 0..<columns { out[c] = 0 }
            withUnsafeScalars { a in
                for start in stride(from: 0, to: a.count, by: max(columns, 1)) {
                    for c in 0..<columns { out[c] += a[start + c] }
                }
            }
        }
    }
}

extension Dense: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: ActivatedTape) {
        var shape = input.shape
        shape[shape.count - 1] = kernel.shape[1]
        let tape = ActivatedTape(
            input: input, activation: config.activation, call: { self(input) },
            linear: { MatrixMultiply.dense(input, kernel: kernel, bias: bias, activation: .linear, shape: shape) })
        return (tape.output, tape)
    }

    public func backward(_ outputGradient: Tensor, tape: ActivatedTape, inputGradient: Bool) -> LayerGradients {
        let (features, units) = (kernel.shape[0], kernel.shape[1])
        let rows = tape.input.scalarCount / max(features, 1)
        let gradient = tape.activationGradient(outputGradient, config.activation)
        // ∂kernel = xᵀ · g, ∂bias = Σ_rows g, ∂x = g · kernelᵀ.
        let kernelGradient = tape.input.transposedMatrix(rows: rows, columns: features)
            .matrixProduct(gradient, m: features, k: rows, n: units)
        var weights = [kernelGradient]
        if bias != nil { weights.append(gradient.columnSums(columns: units)) }
        guard inputGradient else { return LayerGradients(inputs: [], weights: weights) }
        let input = gradient.matrixProduct(
            kernel.transposedMatrix(rows: features, columns: units), m: rows, k: units, n: features)
        return LayerGradients(inputs: [input.reshaped(to: tape.input.shape)], weights: weights)
    }
}

extension Activation: TrainableLayer {
    /// The input when the function's derivative needs it, and the output.
    public struct Tape: Sendable {
        let input: Tensor?
        let output: Tensor
    }

    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tape) {
        let output = self(input)
        return (output, Tape(input: config.activation.gradientNeedsInput ? input : nil, output: output))
    }

    public func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        return LayerGradients(inputs: [
            config.activation.gradient(outputGradient, input: tape.input, output: tape.output)
        ])
    }
}

/// A layer that only rearranges its input's scalars: its gradient is the output's, in the
/// input's shape.
public protocol ReshapingLayer: TrainableLayer where Tape == [Int] {}

extension ReshapingLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: [Int]) {
        (self(input), input.shape)
    }

    public func backward(_ outputGradient: Tensor, tape: [Int], inputGradient: Bool) -> LayerGradients {
        LayerGradients(inputs: inputGradient ? [outputGradient.reshaped(to: tape)] : [])
    }
}

extension Flatten: ReshapingLayer {}
extension Reshape: ReshapingLayer {}

extension Masking: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tensor) {
        (self(input), computeMask(input))
    }

    /// The output's gradient, zero on the masked steps (their output is the constant 0).
    public func backward(_ outputGradient: Tensor, tape mask: Tensor, inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        return LayerGradients(inputs: [Self.zeroingMaskedSteps(outputGradient, mask: mask)])
    }
}

/// `TimeDistributed`'s tape: the wrapped layer's, for all time steps as one batch, or one per
/// step for a layer whose training call moves state (BatchNormalization).
public struct TimeDistributedTape<Inner: Sendable>: Sendable {
    let inner: [Inner]
    let inputShape: [Int]
}

extension Tensor {
    /// Step `step` of a `(batch, steps, …)` tensor: `(batch, …)`.
    func timeStep(_ step: Int) -> Tensor {
        let (batch, steps) = (shape[0], shape[1])
        let size = shape.dropFirst(2).reduce(1, *)
        return Tensor(shape: [batch] + shape.dropFirst(2)) { out in
            withUnsafeScalars { x in
                for b in 0..<batch {
                    for k in 0..<size { out[b * size + k] = x[(b * steps + step) * size + k] }
                }
            }
        }
    }

    /// `(batch, …)` tensors, one per step, as `(batch, steps, …)`.
    static func stackingSteps(_ parts: [Tensor]) -> Tensor {
        let (batch, steps) = (parts[0].shape[0], parts.count)
        let size = parts[0].shape.dropFirst().reduce(1, *)
        return Tensor(shape: [batch, steps] + parts[0].shape.dropFirst()) { out in
            for (step, part) in parts.enumerated() {
                part.withUnsafeScalars { x in
                    for b in 0..<batch {
                        for k in 0..<size { out[(b * steps + step) * size + k] = x[b * size + k] }
                    }
                }
            }
        }
    }
}

extension TimeDistributed: TrainableLayer where Inner: TrainableLayer {
    /// Whether the wrapped layer runs step by step, as Keras calls it: a layer whose training
    /// call moves state sees each step's batch apart (BatchNormalization's statistics and
    /// moving averages are per step). Other layers run on every step at once.
    private var stepwise: Bool { Inner.Config.trainingUpdatesState }

    /// The wrapped layer's training call on every step at once (steps folded into the batch),
    /// or step by step.
    public func trainingCall(
        _ input: Tensor, context: inout TrainingContext
    ) -> (output: Tensor, tape: TimeDistributedTape<Inner.Tape>) {
        let (batch, steps) = (input.shape[0], input.shape[1])
        if stepwise {
            var outputs: [Tensor] = []
            var tapes: [Inner.Tape] = []
            for step in 0..<steps {
                let (output, tape) = layer.trainingCall(input.timeStep(step), context: &context)
                outputs.append(output)
                tapes.append(tape)
            }
            return (Tensor.stackingSteps(outputs), TimeDistributedTape(inner: tapes, inputShape: input.shape))
        }
        let (output, tape) = layer.trainingCall(
            input.reshaped(to: [batch * steps] + input.shape.dropFirst(2)), context: &context)
        return (
            output.reshaped(to: [batch, steps] + output.shape.dropFirst()),
            TimeDistributedTape(inner: [tape], inputShape: input.shape)
        )
    }

    /// The wrapped layer's backward pass over every step (at once, or step by step); its
    /// weights' gradients summed over the steps.
    public func backward(
        _ outputGradient: Tensor, tape: TimeDistributedTape<Inner.Tape>, inputGradient: Bool
    ) -> LayerGradients {
        guard tape.inner.count == 1 && !stepwise else {
            var weights: [Tensor] = []
            var inputs: [Tensor] = []
            for (step, stepTape) in tape.inner.enumerated() {
                let result = layer.backward(outputGradient.timeStep(step), tape: stepTape, inputGradient: inputGradient)
                weights = weights.isEmpty ? result.weights : zip(weights, result.weights).map { $0.adding($1) }
                if inputGradient { inputs.append(result.inputs[0]) }
            }
            return LayerGradients(inputs: inputGradient ? [Tensor.stackingSteps(inputs)] : [], weights: weights)
        }
        let rows = tape.inputShape[0] * tape.inputShape[1]
        var result = layer.backward(
            outputGradient.reshaped(to: [rows] + outputGradient.shape.dropFirst(2)), tape: tape.inner[0],
            inputGradient: inputGradient)
        result.inputs = result.inputs.map { $0.reshaped(to: tape.inputShape) }
        return result
    }

    /// The state each step's call moved, kept in step order (Keras's moving averages move once
    /// per step).
    public mutating func update(from tape: TimeDistributedTape<Inner.Tape>) {
        for stepTape in tape.inner { layer.update(from: stepTape) }
    }
}

extension Tensor {
    /// The tensor summed over the axes along which a tensor of `target` shape was broadcast
    /// to this one's (NumPy's rules: leading axes added, axes of size 1 stretched).
    func summed(to target: [Int]) -> Tensor {
        guard shape != target else { return self }
        let padded = Array(repeating: 1, count: rank - target.count) + target
        // Where each position of this tensor lands in the target: axes of size 1 there add nothing.
        var strides = [Int](repeating: 0, count: rank)
        var step = 1
        for axis in (0..<rank).reversed() {
            strides[axis] = padded[axis] == 1 ? 0 : step
            step *= padded[axis]
        }
        let values = scalars
        return Tensor(shape: target) { out in
            for index in 0..<out.count { out[index] = 0 }
            var position = [Int](repeating: 0, count: rank)
            for value in values {
                var target = 0
                for axis in 0..<rank { target += position[axis] * strides[axis] }
                out[target] += value
                var axis = rank - 1
                while axis >= 0 {
                    position[axis] += 1
                    if position[axis] < shape[axis] { break }
                    position[axis] = 0
                    axis -= 1
                }
            }
        }
    }
}
