import Foundation

// The derivatives of Keras's activation functions, for the backward pass.

extension ActivationFunction {
    /// Whether the derivative needs the function's input; the others are computed from its
    /// output alone (ReLU from `y > 0`, sigmoid from `y (1 − y)`, softmax from `y`, ...), so a
    /// training call keeps only the output.
    var gradientNeedsInput: Bool {
        switch self {
        case .linear, .relu, .relu6, .leakyRelu, .elu, .selu, .sigmoid, .hardSigmoid, .tanh, .softmax, .logSoftmax,
            .exponential, .celu, .hardTanh, .sparseSigmoid, .sparsemax:
            false
        default:
            true
        }
    }

    /// ∂loss/∂x given ∂loss/∂y (`outputGradient`) for `y = f(x)`: `input` is `x` (needed when
    /// `gradientNeedsInput`), `output` is `y`.
    func gradient(_ outputGradient: Tensor, input: Tensor?, output: Tensor) -> Tensor {
        switch self {
        case .linear:
            return outputGradient
        case .relu:
            // The common case, as one plain loop.
            return Tensor(shape: output.shape) { out in
                outputGradient.withUnsafeScalars { g in
                    output.withUnsafeScalars { y in
                        for i in 0..<out.count { out[i] = y[i] > 0 ? g[i] : 0 }
                    }
                }
            }
        case .softmax, .logSoftmax, .sparsemax:
            return axisGradient(outputGradient, output: output)
        default:
            break
        }
        if gradientNeedsInput {
            guard let input else { preconditionFailure("\(rawValue): the gradient needs the activation's input") }
            let derivative = inputDerivative
            return outputGradient.zipped(with: input) { g, x in g * derivative(x) }
        }
        let derivative = outputDerivative
        return outputGradient.zipped(with: output) { g, y in g * derivative(y) }
    }

    /// f′ for an element-wise function, from `x` and `y = f(x)`, whichever it needs.
    var elementDerivative: (_ input: Float, _ output: Float) -> Float {
        if self == .linear { return { _, _ in 1 } }
        if gradientNeedsInput {
            let derivative = inputDerivative
            return { x, _ in derivative(x) }
        }
        let derivative = outputDerivative
        return { _, y in derivative(y) }
    }

    /// f′ as a function of `y = f(x)`, for the functions whose derivative `y` determines.
    private var outputDerivative: (Float) -> Float {
        switch self {
        case .relu: { $0 > 0 ? 1 : 0 }
        case .relu6: { $0 > 0 && $0 < 6 ? 1 : 0 }
        case .leakyRelu: { $0 > 0 ? 1 : 0.2 }
        case .elu, .celu: { $0 > 0 ? 1 : $0 + 1 }
        case .selu:
            { y in y > 0 ? SeluConstants.scale : y + SeluConstants.scale * SeluConstants.alpha }
        case .sigmoid: { $0 * (1 - $0) }
        case .hardSigmoid: { $0 > 0 && $0 < 1 ? 1 / 6 : 0 }
        case .tanh: { 1 - $0 * $0 }
        case .exponential: { $0 }
        case .hardTanh: { $0 > -1 && $0 < 1 ? 1 : 0 }
        case .sparseSigmoid: { $0 > 0 && $0 < 1 ? 0.5 : 0 }
        default: { _ in preconditionFailure("no output derivative") }
        }
    }

    /// f′ as a function of `x`.
    private var inputDerivative: (Float) -> Float {
        switch self {
        case .gelu:
            { x in
                let cdf = 0.5 * (1 + erff(x / Float(2).squareRoot()))
                return cdf + x * expf(-0.5 * x * x) / Float(2 * Double.pi).squareRoot()
            }
        case .geluApproximate:
            { x in
                let c = Float((2 / Double.pi).squareRoot())
                let t = tanhf(c * (x + 0.044715 * x * x * x))
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x)
            }
        case .hardSilu:
            { x in
                let hard = min(max(x + 3, 0), 6) / 6
                return hard + (x > -3 && x < 3 ? x / 6 : 0)
            }
        case .silu:
            { x in
                let s = 1 / (1 + expf(-x))
                return s * (1 + x * (1 - s))
            }
        case .mish:
            { x in
                let softplus = x > 20 ? x : log1pf(expf(x))
                let t = tanhf(softplus)
                return t + x * (1 - t * t) / (1 + expf(-x))
            }
        case .softplus: { 1 / (1 + expf(-$0)) }
        case .softsign: { 1 / ((1 + abs($0)) * (1 + abs($0))) }
        case .hardShrink, .softShrink: { abs($0) > 0.5 ? 1 : 0 }
        case .logSigmoid: { 1 / (1 + expf($0)) }
        case .sparsePlus: { $0 <= -1 ? 0 : $0 >= 1 ? 1 : ($0 + 1) / 2 }
        case .squareplus: { 0.5 * (1 + $0 / ($0 * $0 + 4).squareRoot()) }
        case .tanhShrink:
            { x in
                let t = tanhf(x)
                return t * t
            }
        default: { _ in preconditionFailure("no input derivative") }
        }
    }

    /// The gradient of a function over the last axis, row by row, from its output.
    private func axisGradient(_ outputGradient: Tensor, output: Tensor) -> Tensor {
        let width = max(output.shape.last ?? 1, 1)
        return Tensor(shape: output.shape) { out in
            outputGradient.withUnsafeScalars { g in
                output.withUnsafeScalars { y in
                    for start in stride(from: 0, to: out.count, by: width) {
                        let row = start..<(start + width)
                        switch self {
                        case .softmax:
                            // y ⊙ (g − Σ g y)
                            var dot: Float = 0
                            for i in row { dot += g[i] * y[i] }
                            for i in row { out[i] = y[i] * (g[i] - dot) }
                        case .logSoftmax:
                            // g − softmax · Σ g, softmax = expf(y)
                            var sum: Float = 0
                            for i in row { sum += g[i] }
                            for i in row { out[i] = g[i] - expf(y[i]) * sum }
                        default:
                            // Sparsemax: on its support (y > 0), g minus the support's mean of g.
                            var sum: Float = 0
                            var count: Float = 0
                            for i in row where y[i] > 0 {
                                sum += g[i]
                                count += 1
                            }
                            let mean = count > 0 ? sum / count : 0
                            for i in row { out[i] = y[i] > 0 ? g[i] - mean : 0 }
                        }
                    }
                }
            }
        }
    }
}
