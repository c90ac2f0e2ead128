// Operations on Keras tensors in Functional models (`x + 3.0`, `ops.mean(x, axis=1)`,
// `x[:, -1]`): each runs as a layer without weights. Tensors hold float32 values; a boolean
// result is 1 or 0 and an integer result an integral float, as Keras's values would convert.

import Foundation

/// The computation of an operation kind.
public protocol OperationKernel: OperationKind {
    /// The result of `operation`'s call on `inputs`, its tensors in call order.
    static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor
}

extension Operation {
    /// Runs the operation on its call's tensors, in call order.
    public func callAsFunction(_ inputs: [Tensor]) -> Tensor {
        precondition(
            inputs.count == inputShapes.count,
            "\(Kind.className) '\(config.name)': takes \(inputShapes.count) tensors, got \(inputs.count)")
        return Kind.compute(self, inputs)
    }

    /// The call's top-level arguments as tensors: the inputs in order, numbers as rank-0
    /// tensors, constant arrays and lists of numbers as the arrays they are.
    func operandTensors(_ inputs: [Tensor]) -> [Tensor] {
        var next = 0
        return config.call.map { argument in
            switch argument {
            case .tensor:
                defer { next += 1 }
                return inputs[next]
            case .constant(let shape, _, _, let values):
                return Tensor(shape: shape, scalars: values.map { Float($0) })
            case .list(let items):
                return Tensor(shape: [items.count], scalars: items.map { Float($0.number ?? 0) })
            default:
                return Tensor(shape: [], scalars: [Float(argument.number ?? 0)])
            }
        }
    }
}

// MARK: - Element-wise operations

/// An element-wise operation computed value by value: `combine(x, y, z)` with the operands'
/// values (unused ones are 0), broadcast as NumPy does.
protocol ElementwiseKernel: ElementwiseOperation, OperationKernel {
    static func combine(_ x: Float, _ y: Float, _ z: Float) -> Float
}

extension ElementwiseKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        Elementwise.map(operation.operandTensors(inputs), combine)
    }
}

/// An element-wise operation that is one of Keras's activation functions.
protocol ActivationKernel: ElementwiseOperation, OperationKernel {
    static var activation: ActivationFunction { get }
}

extension ActivationKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        activation.applied(to: operation.operandTensors(inputs)[0])
    }
}

/// NumPy's element-wise broadcasting over float32 tensors.
enum Elementwise {
    /// `combine` over `operands` (one to three), broadcast to their common shape.
    static func map(_ operands: [Tensor], _ combine: (Float, Float, Float) -> Float) -> Tensor {
        let rank = operands.map(\.rank).max() ?? 0
        let shapes = operands.map { [Int](repeating: 1, count: rank - $0.rank) + $0.shape }
        var shape = [Int](repeating: 1, count: rank)
        for operand in shapes {
            for axis in 0..<rank where operand[axis] != 1 {
                precondition(
                    shape[axis] == 1 || shape[axis] == operand[axis], "cannot broadcast \(operands.map(\.shape))")
                shape[axis] = operand[axis]
            }
        }
        let count = shape.reduce(1, *)
        let a = operands[0]
        let b = operands.count > 1 ? operands[1] : nil
        let c = operands.count > 2 ? operands[2] : nil
        // Each operand either fills the whole output or is one value.
        if operands.allSatisfy({ $0.scalarCount == count || $0.scalarCount == 1 }) {
            return Tensor(shape: shape) { out in
                a.withUnsafeScalars { x in
                    (b ?? a).withUnsafeScalars { y in
                        (c ?? a).withUnsafeScalars { z in
                            let xs = x.count == 1 ? 0 : 1
                            let ys = b == nil ? 0 : (y.count == 1 ? 0 : 1)
                            let zs = c == nil ? 0 : (z.count == 1 ? 0 : 1)
                            let y0: Float = b == nil ? 0 : y[0]
                            let z0: Float = c == nil ? 0 : z[0]
                            for index in 0..<count {
                                let yv = ys == 0 ? y0 : y[index]
                                let zv = zs == 0 ? z0 : z[index]
                                out[index] = combine(x[index * xs], yv, zv)
                            }
                        }
                    }
                }
            }
        }
        let padded = zip(operands, shapes).map { $0.reshaped(to: $1) }
        let broadcast = Broadcast(padded.map(\.shape), layer: "operation")
        let values = padded.map(\.scalars)
        return Tensor(shape: broadcast.shape) { out in
            broadcast.forEach { position, offsets in
                out[position] = combine(
                    values[0][offsets[0]], values.count > 1 ? values[1][offsets[1]] : 0,
                    values.count > 2 ? values[2][offsets[2]] : 0)
            }
        }
    }
}

/// `x ** y`: integral exponents up to 16 by repeated squaring (JAX's integer power), others
/// through `powf`.
private func power(_ x: Float, _ y: Float) -> Float {
    guard y == y.rounded(), abs(y) <= 16 else { return powf(x, y) }
    var base = x
    var exponent = Int(abs(y))
    var result: Float = 1
    while exponent > 0 {
        if exponent & 1 == 1 { result *= base }
        base *= base
        exponent >>= 1
    }
    return y < 0 ? 1 / result : result
}

private func truth(_ value: Bool) -> Float { value ? 1 : 0 }

extension Ops.Add: ElementwiseKernel { static func combine(_ x: Float, _ y: Float, _: Float) -> Float { x + y } }
extension Ops.Subtract: ElementwiseKernel { static func combine(_ x: Float, _ y: Float, _: Float) -> Float { x - y } }
extension Ops.Multiply: ElementwiseKernel { static func combine(_ x: Float, _ y: Float, _: Float) -> Float { x * y } }
extension Ops.TrueDivide: ElementwiseKernel { static func combine(_ x: Float, _ y: Float, _: Float) -> Float { x / y } }
extension Ops.Divide: ElementwiseKernel { static func combine(_ x: Float, _ y: Float, _: Float) -> Float { x / y } }
extension Ops.FloorDivide: ElementwiseKernel {
    static func combine(_ x: Float, _ y: Float, _: Float) -> Float { (x / y).rounded(.down) }
}
extension Ops.Mod: ElementwiseKernel {
    /// Python's `%`: the remainder takes the divisor's sign.
    static func combine(_ x: Float, _ y: Float, _: Float) -> Float {
        let remainder = fmodf(x, y)
        return remainder != 0 && (remainder < 0) != (y < 0) ? remainder + y : remainder
    }
}
extension Ops.Power: ElementwiseKernel {
    static func combine(_ x: Float, _ y: Float, _: Float) -> Float { power(x, y) }
}
extension Ops.Maximum: ElementwiseKernel {
    static func combine(_ x: Float, _ y: Float, _: Float) -> Float { x.isNaN || x > y ? x : y }
}
extension Ops.Minimum: ElementwiseKernel {
    static func combine(_ x: Float, _ y: Float, _: Float) -> Float { x.isNaN || x < y ? x : y }
}
extension Ops.Equal: ElementwiseKernel {
    static func combine(_ x: Float, _ y: Float, _: Float) -> Float { truth(x == y) }
}
extension Ops.NotEqual: ElementwiseKernel {
    static func combine(_ x: Float, _ y: Float, _: Float) -> Float { truth(x != y) }
}
extension Ops.Greater: ElementwiseKernel {
    static func combine(_ x: Float, _ y: Float, _: Float) -> Float { truth(x > y) }
}
extension Ops.GreaterEqual: ElementwiseKernel {
    static func combine(_ x: Float, _ y: Float, _: Float) -> Float { truth(x >= y) }
}
extension Ops.Less: ElementwiseKernel {
    static func combine(_ x: Float, _ y: Float, _: Float) -> Float { truth(x < y) }
}
extension Ops.LessEqual: ElementwiseKernel {
    static func combine(_ x: Float, _ y: Float, _: Float) -> Float { truth(x <= y) }
}
extension Ops.LogicalAnd: ElementwiseKernel {
    static func combine(_ x: Float, _ y: Float, _: Float) -> Float { truth(x != 0 && y != 0) }
}
extension Ops.LogicalOr: ElementwiseKernel {
    static func combine(_ x: Float, _ y: Float, _: Float) -> Float { truth(x != 0 || y != 0) }
}
extension Ops.LogicalXor: ElementwiseKernel {
    static func combine(_ x: Float, _ y: Float, _: Float) -> Float { truth((x != 0) != (y != 0)) }
}
extension Ops.Where: ElementwiseKernel {
    static func combine(_ c: Float, _ x: Float, _ y: Float) -> Float { c != 0 ? x : y }
}
extension Ops.Negative: ElementwiseKernel { static func combine(_ x: Float, _: Float, _: Float) -> Float { -x } }
extension Ops.Absolute: ElementwiseKernel { static func combine(_ x: Float, _: Float, _: Float) -> Float { abs(x) } }
extension Ops.Square: ElementwiseKernel { static func combine(_ x: Float, _: Float, _: Float) -> Float { x * x } }
extension Ops.Sqrt: ElementwiseKernel {
    static func combine(_ x: Float, _: Float, _: Float) -> Float { x.squareRoot() }
}
extension Ops.Rsqrt: ElementwiseKernel {
    static func combine(_ x: Float, _: Float, _: Float) -> Float { 1 / x.squareRoot() }
}
extension Ops.Expm1: ElementwiseKernel { static func combine(_ x: Float, _: Float, _: Float) -> Float { expm1f(x) } }
extension Ops.Log: ElementwiseKernel { static func combine(_ x: Float, _: Float, _: Float) -> Float { logf(x) } }
extension Ops.Log1p: ElementwiseKernel { static func combine(_ x: Float, _: Float, _: Float) -> Float { log1pf(x) } }
extension Ops.Sign: ElementwiseKernel {
    static func combine(_ x: Float, _: Float, _: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : x) }
}
extension Ops.Floor: ElementwiseKernel {
    static func combine(_ x: Float, _: Float, _: Float) -> Float { x.rounded(.down) }
}
extension Ops.Ceil: ElementwiseKernel {
    static func combine(_ x: Float, _: Float, _: Float) -> Float { x.rounded(.up) }
}
extension Ops.Reciprocal: ElementwiseKernel { static func combine(_ x: Float, _: Float, _: Float) -> Float { 1 / x } }
extension Ops.Erf: ElementwiseKernel { static func combine(_ x: Float, _: Float, _: Float) -> Float { erff(x) } }
extension Ops.LogicalNot: ElementwiseKernel {
    static func combine(_ x: Float, _: Float, _: Float) -> Float { truth(x == 0) }
}
extension Ops.Sin: ElementwiseKernel { static func combine(_ x: Float, _: Float, _: Float) -> Float { sinf(x) } }
extension Ops.Cos: ElementwiseKernel { static func combine(_ x: Float, _: Float, _: Float) -> Float { cosf(x) } }

extension Ops.Exp: ActivationKernel { static var activation: ActivationFunction { .exponential } }
extension Ops.Tanh: ActivationKernel { static var activation: ActivationFunction { .tanh } }
extension Ops.Relu: ActivationKernel { static var activation: ActivationFunction { .relu } }
extension Ops.Relu6: ActivationKernel { static var activation: ActivationFunction { .relu6 } }
extension Ops.Sigmoid: ActivationKernel { static var activation: ActivationFunction { .sigmoid } }
extension Ops.Silu: ActivationKernel { static var activation: ActivationFunction { .silu } }
extension Ops.HardSigmoid: ActivationKernel { static var activation: ActivationFunction { .hardSigmoid } }
extension Ops.HardSilu: ActivationKernel { static var activation: ActivationFunction { .hardSilu } }
extension Ops.Softplus: ActivationKernel { static var activation: ActivationFunction { .softplus } }
extension Ops.Softsign: ActivationKernel { static var activation: ActivationFunction { .softsign } }
extension Ops.Selu: ActivationKernel { static var activation: ActivationFunction { .selu } }

// MARK: - Element-wise operations with parameters

extension Ops.Gelu: OperationKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        let approximate = operation.config.approximate != false
        return (approximate ? ActivationFunction.geluApproximate : .gelu).applied(to: inputs[0])
    }
}

extension Ops.LeakyRelu: OperationKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        let slope = Float(operation.config.negativeSlope.number ?? 0.2)
        return Elementwise.map([inputs[0]]) { x, _, _ in x >= 0 ? x : slope * x }
    }
}

extension Ops.Elu: OperationKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        let alpha = Float(operation.config.alpha.number ?? 1)
        return Elementwise.map([inputs[0]]) { x, _, _ in x > 0 ? x : alpha * expm1f(x) }
    }
}

extension Ops.Clip: OperationKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        let low = operation.config.xMin.number.map(Float.init) ?? -.infinity
        let high = operation.config.xMax.number.map(Float.init) ?? .infinity
        return Elementwise.map([inputs[0]]) { x, _, _ in min(max(x, low), high) }
    }
}

extension Ops.ZerosLike: OperationKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        Tensor(shape: inputs[0].shape, repeating: 0)
    }
}

extension Ops.OnesLike: OperationKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        Tensor(shape: inputs[0].shape, repeating: 1)
    }
}

extension Ops.ConvertToTensor: OperationKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        Ops.Cast.cast(inputs[0], to: operation.config.dtype)
    }
}

extension Ops.Cast: OperationKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        cast(inputs[0], to: operation.config.dtype)
    }

    /// `x` as `dtype` holds it (in float32): floats unchanged, integers truncated toward zero,
    /// bool as 1 or 0; unchanged without a dtype.
    static func cast(_ x: Tensor, to dtype: OperationArgument?) -> Tensor {
        guard case .string(let dtype) = dtype else { return x }
        if dtype == "bool" { return Elementwise.map([x]) { x, _, _ in truth(x != 0) } }
        if dtype.hasPrefix("int") || dtype.hasPrefix("uint") {
            return Elementwise.map([x]) { x, _, _ in x.rounded(.towardZero) }
        }
        return x
    }
}

/// Softmax and log-softmax over any axis: the axis moved last, the activation, and back.
private func acrossAxis(_ function: ActivationFunction, _ input: Tensor, axis: OperationArgument) -> Tensor {
    let rank = input.rank
    let resolved = (axis.int ?? -1) < 0 ? (axis.int ?? -1) + rank : axis.int!
    if resolved == rank - 1 { return function.applied(to: input) }
    var order = Array(0..<rank)
    order.remove(at: resolved)
    order.append(resolved)
    var inverse = [Int](repeating: 0, count: rank)
    for (position, axis) in order.enumerated() { inverse[axis] = position }
    return function.applied(to: input.transposed(order)).transposed(inverse)
}

extension Ops.Softmax: OperationKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        acrossAxis(.softmax, inputs[0], axis: operation.config.axis)
    }
}

extension Ops.LogSoftmax: OperationKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        acrossAxis(.logSoftmax, inputs[0], axis: operation.config.axis)
    }
}

// MARK: - Reductions

/// A reduction computed by folding the values of each output position.
protocol ReductionKernel: ReductionOperation, OperationKernel {
    /// The result for the reduced values, read in row-major order through `value(i)`.
    static func reduce(count: Int, _ value: (Int) -> Float) -> Float
}

extension ReductionOperation where Self: OperationKernel {
    /// How `operation` reduces an input of `shape`: the offset of each output position's first
    /// value (`outer`, in output order), the offsets of the values it reduces from there
    /// (`inner`, row-major), and the output's shape.
    static func reduction(_ operation: Operation<Self>, _ shape: [Int]) -> (
        outer: [Int], inner: [Int], shape: [Int]
    ) {
        let rank = shape.count
        let axes = (try? OperationShapes.axes(operation.config.axis, rank: rank, operation: className)) ?? []
        let reduced = Set(axes)
        var strides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) {
            strides[axis] = strides[axis + 1] * shape[axis + 1]
        }
        func offsets(_ axes: [Int]) -> [Int] {
            var result = [0]
            for axis in axes {
                result = result.flatMap { base in (0..<shape[axis]).map { base + $0 * strides[axis] } }
            }
            return result
        }
        let keep = operation.config.keepdims == true
        let output = shape.enumerated().compactMap { reduced.contains($0.offset) ? (keep ? 1 : nil) : $0.element }
        return (offsets((0..<rank).filter { !reduced.contains($0) }), offsets(axes), output)
    }
}

extension ReductionKernel {
    public static func compute(_ operation: Operation<Self>, _ inputs: [Tensor]) -> Tensor {
        let input = inputs[0]
        let (outer, inner, shape) = reduction(operation, input.shape)
        return Tensor(shape: shape) { out in
            input.withUnsafeScalars { x in
                for (position, base) in outer.enumerated() {
                    out[position] = reduce(count: inner.count) { x[base + inner[$0]] }
                }
            }
        }
    }
}

extension Ops.Sum: ReductionKernel {
    static func reduce(count: Int, _ value: (Int) -> Float) -> Float {
        var sum: Double = 0
        for index in 0..<count { sum += Double(value(index)) }
        return Float(sum)
    }
}
extension Ops.Mean: ReductionKernel {
    static func reduce(count: Int, _ value: (Int) -> Float) -> Float {
        var sum: Double = 0
        for index in 0..<count { sum += Double(value(index)) }
        return Float(sum / Double(count))
    }
}
extension Ops.Prod: ReductionKernel {
    static func reduce(count: Int, _ value: (Int) -> Float) -> Float {
        var product: Double = 1
        for index in 0..<count { product *= Double(value(index)) }
        return Float(product)
    }
}
extension Ops.`Any`: ReductionKernel {
    static func reduce(count: Int, _ value: (Int) -> Float) -> Float {
        for index in 0..<count where value(index) != 0 { return 1 }
        return 0
    }
}
extension Ops.Max: ReductionKernel {
    static func reduce(count: Int, _ value: (Int) -> Float) -> Float {
        var result = -Float.infinity
        for index in 0..<count { result = Ops.Maximum.combine(value(index), result, 0) }
        return result
    }
}
extension Ops.Min: ReductionKernel {
    static func reduce(count: Int, _ value: (Int) -> Float) -> Float {
        var result = Float.infinity
        for index in 0..<count { result = Ops.Minimum.combine(value(index), result, 0) }
        return result
    }
}
extension Ops.Argmax: ReductionKernel {
    /// The first position of the largest value (of the first NaN, as NumPy).
    static func reduce(count: Int, _ value: (Int) -> Float) -> Float {
        var best = 0
        for index in 1..<max(count, 1)
        where value(best).isNaN == false && (value(index) > value(best) || value(index).isNaN) {
            best = index
        }
        return Float(best)
    }
}
extension Ops.Argmin: ReductionKernel {
    static func reduce(count: Int, _ value: (Int) -> Float) -> Float {
        var best = 0
        for index in 1..<max(count, 1)
        where value(best).isNaN == false && (value(index) < value(best) || value(index).isNaN) {
            best = index
        }
        return Float(best)
    }
}
