import Foundation

// Backward passes of the operations of Functional graphs (Operations.swift): element-wise ones
// value by value from their partial derivatives, and reductions (the ones that move values are
// in LayerGradients+Movement.swift).
// Each follows the derivative JAX gives Keras's JAX backend, ties and kinks included
// (`maximum` splits a tie's gradient in halves, `abs` takes +1 at 0, `max` shares it among the
// maxima); operations whose result is piecewise constant (comparisons, `floor`, `argmax`, a
// cast to an integer type) pass no gradient, as JAX's zero.

/// A Keras operation with a backward pass.
public protocol DifferentiableOperation: OperationKernel {
    /// The gradients of the call's tensors (`inputs`, in call order), each in its tensor's
    /// shape, from the gradient of the call's result `output`.
    static func inputGradients(
        _ operation: Operation<Self>, _ outputGradient: Tensor, inputs: [Tensor], output: Tensor
    ) -> [Tensor]
}

/// What an operation's training call keeps: the call's tensors and its result.
public struct OperationTape: Sendable {
    let inputs: [Tensor]
    let output: Tensor
}

extension Operation: TrainableMerge where Kind: DifferentiableOperation {
    public func trainingCall(_ inputs: [Tensor], context: inout TrainingContext) -> (
        output: Tensor, tape: OperationTape
    ) {
        let output = self(inputs)
        return (output, OperationTape(inputs: inputs, output: output))
    }

    public func backward(_ outputGradient: Tensor, tape: OperationTape, inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        return LayerGradients(
            inputs: Kind.inputGradients(self, outputGradient, inputs: tape.inputs, output: tape.output))
    }
}

extension Tensor {
    /// The tensor repeated along the axes NumPy broadcasts it along to `target`.
    func broadcast(to target: [Int]) -> Tensor {
        guard shape != target else { return self }
        let padded = [Int](repeating: 1, count: target.count - rank) + shape
        var strides = [Int](repeating: 0, count: target.count)
        var step = 1
        for axis in (0..<target.count).reversed() {
            strides[axis] = padded[axis] == 1 ? 0 : step
            step *= padded[axis]
        }
        return Tensor(shape: target) { out in
            withUnsafeScalars { x in
                var index = [Int](repeating: 0, count: target.count)
                var offset = 0
                for position in 0..<out.count {
                    out[position] = x[offset]
                    var axis = target.count - 1
                    while axis >= 0 {
                        index[axis] += 1
                        offset += strides[axis]
                        if index[axis] < target[axis] { break }
                        offset -= strides[axis] * target[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
    }
}

/// Zeros in each input's shape: the gradient of a piecewise-constant result.
private func noGradients(_ inputs: [Tensor]) -> [Tensor] {
    inputs.map { Tensor(shape: $0.shape, repeating: 0) }
}

// MARK: - Element-wise operations

/// An element-wise operation differentiated value by value.
protocol ElementwiseDifferentiable: DifferentiableOperation {
    /// ∂f/∂x, ∂f/∂y and ∂f/∂z at the operands' values `x, y, z` (unused ones 0) and the result
    /// `f`, for `operation`'s parameters.
    static func partials(_ operation: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float)
}

extension ElementwiseDifferentiable {
    /// Each tensor operand's gradient: the output's times its partial derivative, summed over
    /// the axes the operand was broadcast along.
    public static func inputGradients(
        _ operation: Operation<Self>, _ outputGradient: Tensor, inputs: [Tensor], output: Tensor
    ) -> [Tensor] {
        let operands = operation.operandTensors(inputs).map { $0.broadcast(to: output.shape) }
        let positions = operation.config.call.indices.filter { operation.config.call[$0] == .tensor }
        let derivative = partials(operation)
        let count = output.scalarCount
        var gradients = positions.map { _ in [Float](repeating: 0, count: count) }
        let zero = Tensor(shape: output.shape, repeating: 0)
        let (a, b, c) = (operands[0], operands.count > 1 ? operands[1] : zero, operands.count > 2 ? operands[2] : zero)
        outputGradient.withUnsafeScalars { g in
            output.withUnsafeScalars { f in
                a.withUnsafeScalars { x in
                    b.withUnsafeScalars { y in
                        c.withUnsafeScalars { z in
                            for index in 0..<count {
                                let d = derivative(x[index], y[index], z[index], f[index])
                                for (slot, position) in positions.enumerated() {
                                    let partial = position == 0 ? d.0 : (position == 1 ? d.1 : d.2)
                                    gradients[slot][index] = g[index] * partial
                                }
                            }
                        }
                    }
                }
            }
        }
        return zip(gradients, inputs).map { Tensor(shape: output.shape, scalars: $0).summed(to: $1.shape) }
    }
}

/// NumPy's rule for a tie of `maximum`/`minimum` (JAX's): each side gets half.
private func chosen(_ x: Float, over y: Float, _ result: Float) -> Float {
    x == result ? (y == result ? 0.5 : 1) : 0
}

extension Ops.Add: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { _, _, _, _ in (1, 1, 0) }
    }
}
extension Ops.Subtract: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { _, _, _, _ in (1, -1, 0) }
    }
}
extension Ops.Multiply: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { x, y, _, _ in (y, x, 0) }
    }
}
extension Ops.TrueDivide: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { x, y, _, _ in (1 / y, -x / (y * y), 0) }
    }
}
extension Ops.Divide: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { x, y, _, _ in (1 / y, -x / (y * y), 0) }
    }
}
extension Ops.FloorDivide: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { _, _, _, _ in (0, 0, 0) }
    }
}
extension Ops.Mod: ElementwiseDifferentiable {
    /// `x - floor(x / y) · y`.
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { x, y, _, _ in (1, -(x / y).rounded(.down), 0) }
    }
}
extension Ops.Power: ElementwiseDifferentiable {
    /// `y · x^(y−1)` and `log(x) · x^y` (0 at x = 0, as JAX).
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { x, y, _, f in
            let dx: Float = y == 0 ? 0 : y * combine(x, y - 1, 0)
            return (dx, x == 0 ? 0 : logf(x) * f, 0)
        }
    }
}
extension Ops.Maximum: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { x, y, _, f in (chosen(x, over: y, f), chosen(y, over: x, f), 0) }
    }
}
extension Ops.Minimum: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { x, y, _, f in (chosen(x, over: y, f), chosen(y, over: x, f), 0) }
    }
}
extension Ops.Where: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { c, _, _, _ in c != 0 ? (0, 1, 0) : (0, 0, 1) }
    }
}
extension Ops.Negative: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { _, _, _, _ in (-1, 0, 0) }
    }
}
extension Ops.Absolute: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { x, _, _, _ in (x >= 0 ? 1 : -1, 0, 0) }
    }
}
extension Ops.Square: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { x, _, _, _ in (2 * x, 0, 0) }
    }
}
extension Ops.Sqrt: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { _, _, _, f in (0.5 / f, 0, 0) }
    }
}
extension Ops.Rsqrt: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { x, _, _, f in (-0.5 * f / x, 0, 0) }
    }
}
extension Ops.Expm1: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { _, _, _, f in (f + 1, 0, 0) }
    }
}
extension Ops.Log: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { x, _, _, _ in (1 / x, 0, 0) }
    }
}
extension Ops.Log1p: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { x, _, _, _ in (1 / (x + 1), 0, 0) }
    }
}
extension Ops.Reciprocal: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { x, _, _, _ in (-1 / (x * x), 0, 0) }
    }
}
extension Ops.Erf: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { x, _, _, _ in (Float(2 / Double.pi.squareRoot()) * expf(-x * x), 0, 0) }
    }
}
extension Ops.Sin: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { x, _, _, _ in (cosf(x), 0, 0) }
    }
}
extension Ops.Cos: ElementwiseDifferentiable {
    static func partials(_: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        { x, _, _, _ in (-sinf(x), 0, 0) }
    }
}
extension Ops.LeakyRelu: ElementwiseDifferentiable {
    static func partials(_ operation: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        let slope = Float(operation.config.negativeSlope.number ?? 0.2)
        return { x, _, _, _ in (x >= 0 ? 1 : slope, 0, 0) }
    }
}
extension Ops.Elu: ElementwiseDifferentiable {
    static func partials(_ operation: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        let alpha = Float(operation.config.alpha.number ?? 1)
        return { x, _, _, _ in (x > 0 ? 1 : alpha * expf(x), 0, 0) }
    }
}
extension Ops.Clip: ElementwiseDifferentiable {
    /// `minimum(maximum(x, low), high)`, ties halved as there.
    static func partials(_ operation: Operation<Self>) -> (Float, Float, Float, Float) -> (Float, Float, Float) {
        let low = operation.config.xMin.number.map(Float.init) ?? -.infinity
        let high = operation.config.xMax.number.map(Float.init) ?? .infinity
        return { x, _, _, _ in
            let raised = max(x, low)
            return (chosen(x, over: low, raised) * chosen(raised, over: high, min(raised, high)), 0, 0)
        }
    }
}

/// The operations whose result is piecewise constant: no gradient.
protocol ConstantGradient: DifferentiableOperation {}

extension ConstantGradient {
    public static func inputGradients(
        _ operation: Operation<Self>, _ outputGradient: Tensor, inputs: [Tensor], output: Tensor
    ) -> [Tensor] {
        noGradients(inputs)
    }
}

extension Ops.Equal: ConstantGradient {}
extension Ops.NotEqual: ConstantGradient {}
extension Ops.Greater: ConstantGradient {}
extension Ops.GreaterEqual: ConstantGradient {}
extension Ops.Less: ConstantGradient {}
extension Ops.LessEqual: ConstantGradient {}
extension Ops.LogicalAnd: ConstantGradient {}
extension Ops.LogicalOr: ConstantGradient {}
extension Ops.LogicalXor: ConstantGradient {}
extension Ops.LogicalNot: ConstantGradient {}
extension Ops.Sign: ConstantGradient {}
extension Ops.Floor: ConstantGradient {}
extension Ops.Ceil: ConstantGradient {}
extension Ops.`Any`: ConstantGradient {}
extension Ops.Argmax: ConstantGradient {}
extension Ops.Argmin: ConstantGradient {}
extension Ops.ZerosLike: ConstantGradient {}
extension Ops.OnesLike: ConstantGradient {}

// MARK: - Activation functions

extension ActivationKernel {
    public static func inputGradients(
        _ operation: Operation<Self>, _ outputGradient: Tensor, inputs: [Tensor], output: Tensor
    ) -> [Tensor] {
        [activation.gradient(outputGradient, input: inputs[0], output: output)]
    }
}

extension Ops.Exp: DifferentiableOperation {}
extension Ops.Tanh: DifferentiableOperation {}
extension Ops.Relu: DifferentiableOperation {}
extension Ops.Relu6: DifferentiableOperation {}
extension Ops.Sigmoid: DifferentiableOperation {}
extension Ops.Silu: DifferentiableOperation {}
extension Ops.HardSigmoid: DifferentiableOperation {}
extension Ops.HardSilu: DifferentiableOperation {}
extension Ops.Softplus: DifferentiableOperation {}
extension Ops.Softsign: DifferentiableOperation {}
extension Ops.Selu: DifferentiableOperation {}

extension Ops.Gelu: DifferentiableOperation {
    public static func inputGradients(
        _ operation: Operation<Self>, _ outputGradient: Tensor, inputs: [Tensor], output: Tensor
    ) -> [Tensor] {
        let function: ActivationFunction = operation.config.approximate != false ? .geluApproximate : .gelu
        return [function.gradient(outputGradient, input: inputs[0], output: output)]
    }
}

/// The gradient of softmax or log-softmax over `axis`: moved last, as the call computes it.
private func acrossAxisGradient(
    _ function: ActivationFunction, _ outputGradient: Tensor, output: Tensor, axis: OperationArgument
) -> Tensor {
    let rank = output.rank
    let resolved = (axis.int ?? -1) < 0 ? (axis.int ?? -1) + rank : axis.int!
    if resolved == rank - 1 { return function.gradient(outputGradient, input: nil, output: output) }
    var order = Array(0..<rank)
    order.remove(at: resolved)
    order.append(resolved)
    var inverse = [Int](repeating: 0, count: rank)
    for (position, axis) in order.enumerated() { inverse[axis] = position }
    return function.gradient(outputGradient.transposed(order), input: nil, output: output.transposed(order))
        .transposed(inverse)
}

extension Ops.Softmax: DifferentiableOperation {
    public static func inputGradients(
        _ operation: Operation<Self>, _ outputGradient: Tensor, inputs: [Tensor], output: Tensor
    ) -> [Tensor] {
        [acrossAxisGradient(.softmax, outputGradient, output: output, axis: operation.config.axis)]
    }
}

extension Ops.LogSoftmax: DifferentiableOperation {
    public static func inputGradients(
        _ operation: Operation<Self>, _ outputGradient: Tensor, inputs: [Tensor], output: Tensor
    ) -> [Tensor] {
        [acrossAxisGradient(.logSoftmax, outputGradient, output: output, axis: operation.config.axis)]
    }
}

/// A cast passes the gradient to a floating-point type and none to an integer or bool one.
private func castGradient(_ outputGradient: Tensor, _ input: Tensor, dtype: OperationArgument?) -> [Tensor] {
    guard case .string(let name) = dtype, !name.hasPrefix("float"), !name.hasPrefix("bfloat") else {
        return [outputGradient]
    }
    return noGradients([input])
}

extension Ops.Cast: DifferentiableOperation {
    public static func inputGradients(
        _ operation: Operation<Self>, _ outputGradient: Tensor, inputs: [Tensor], output: Tensor
    ) -> [Tensor] {
        castGradient(outputGradient, inputs[0], dtype: operation.config.dtype)
    }
}

extension Ops.ConvertToTensor: DifferentiableOperation {
    public static func inputGradients(
        _ operation: Operation<Self>, _ outputGradient: Tensor, inputs: [Tensor], output: Tensor
    ) -> [Tensor] {
        castGradient(outputGradient, inputs[0], dtype: operation.config.dtype)
    }
}

// MARK: - Reductions

/// A reduction whose gradient spreads each output value's gradient over the values it reduced.
protocol ReductionDifferentiable: ReductionKernel, DifferentiableOperation {
    /// The gradients of one output position's reduced values (`values`, row-major) given the
    /// reduction's result `result` and its gradient `g`, written into `gradients`.
    static func spread(_ g: Float, result: Float, values: [Float], into gradients: inout [Float])
}

extension ReductionDifferentiable {
    public static func inputGradients(
        _ operation: Operation<Self>, _ outputGradient: Tensor, inputs: [Tensor], output: Tensor
    ) -> [Tensor] {
        let input = inputs[0]
        let (outer, inner, _) = reduction(operation, input.shape)
        var values = [Float](repeating: 0, count: inner.count)
        var spread = values
        let gradient = Tensor(shape: input.shape) { out in
            input.withUnsafeScalars { x in
                outputGradient.withUnsafeScalars { g in
                    output.withUnsafeScalars { y in
                        for (position, base) in outer.enumerated() {
                            for (index, offset) in inner.enumerated() { values[index] = x[base + offset] }
                            Self.spread(g[position], result: y[position], values: values, into: &spread)
                            for (index, offset) in inner.enumerated() { out[base + offset] = spread[index] }
                        }
                    }
                }
            }
        }
        return [gradient]
    }
}

extension Ops.Sum: ReductionDifferentiable {
    static func spread(_ g: Float, result: Float, values: [Float], into gradients: inout [Float]) {
        for index in gradients.indices { gradients[index] = g }
    }
}

extension Ops.Mean: ReductionDifferentiable {
    static func spread(_ g: Float, result: Float, values: [Float], into gradients: inout [Float]) {
        let share = g / Float(values.count)
        for index in gradients.indices { gradients[index] = share }
    }
}

/// `max` and `min` share the gradient equally among the values equal to the result (JAX's rule).
private func shareAmongChosen(_ g: Float, result: Float, values: [Float], into gradients: inout [Float]) {
    let count = values.reduce(0) { $0 + ($1 == result ? 1 : 0) }
    for index in gradients.indices { gradients[index] = values[index] == result ? g / Float(count) : 0 }
}

extension Ops.Max: ReductionDifferentiable {
    static func spread(_ g: Float, result: Float, values: [Float], into gradients: inout [Float]) {
        shareAmongChosen(g, result: result, values: values, into: &gradients)
    }
}

extension Ops.Min: ReductionDifferentiable {
    static func spread(_ g: Float, result: Float, values: [Float], into gradients: inout [Float]) {
        shareAmongChosen(g, result: result, values: values, into: &gradients)
    }
}

extension Ops.Prod: ReductionDifferentiable {
    /// Each value's gradient is the product of the others (so zeros are exact), from products
    /// of the values before and after it.
    static func spread(_ g: Float, result: Float, values: [Float], into gradients: inout [Float]) {
        var before: Float = 1
        for index in values.indices {
            gradients[index] = before
            before *= values[index]
        }
        var after: Float = 1
        for index in values.indices.reversed() {
            gradients[index] *= after * g
            after *= values[index]
        }
    }
}
