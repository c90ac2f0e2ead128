import CModelKernels
import Foundation

extension ActivationFunction {
    /// Applies the function to `tensor` in place; softmax, log-softmax and sparsemax work over
    /// the last axis, the others element by element.
    public func apply(to tensor: inout Tensor) {
        if self == .linear { return }
        let lastAxis = tensor.shape.last ?? 1
        tensor.withUnsafeMutableScalars { values in
            if isAxisWise {
                guard lastAxis > 0 else { return }
                for start in stride(from: 0, to: values.count, by: lastAxis) {
                    let row = UnsafeMutableBufferPointer(rebasing: values[start..<(start + lastAxis)])
                    applyAcrossAxis(row)
                }
            } else {
                applyElementwise(values)
            }
        }
    }

    /// Applies an element-wise function to `values` in place: ReLU, ReLU6, sigmoid, tanh,
    /// exponential, SiLU and GELU through the `CModelKernels` passes, the others value by value.
    func applyElementwise(_ values: UnsafeMutableBufferPointer<Float>) {
        guard let base = values.baseAddress, self != .linear else { return }
        if let cap = reluCap {
            cmk_relu_capped(Int64(values.count), base, cap, base)
        } else if let kernel = vectorKernel {
            kernel(Int64(values.count), base, base)
        } else {
            let function = elementwise
            for index in values.indices { values[index] = function(values[index]) }
        }
    }

    /// The function as a matrix product's output pass (see `MatrixMultiply.OutputPass`): nil for
    /// `linear` and for the functions over the last axis, which run as a pass of their own.
    var outputPass: MatrixMultiply.OutputPass? {
        if self == .linear || isAxisWise { return nil }
        let function = self
        return { @Sendable values in function.applyElementwise(values) }
    }

    /// Applies the function to `tensor` in place unless `outputPass` already did (it does all
    /// but the functions over the last axis; linear does nothing).
    func applyUnlessFused(to tensor: inout Tensor) {
        if isAxisWise { apply(to: &tensor) }
    }

    /// The function applied to `input`, as a new tensor: in one pass from the input for ReLU and ReLU6
    /// (the input is usually still shared, so applying in place would copy it first).
    public func applied(to input: Tensor) -> Tensor {
        if let cap = reluCap { return ActivationFunction.relu(input, cap: cap) }
        var output = input
        apply(to: &output)
        return output
    }

    /// ReLU's and ReLU6's upper bound, for the `CModelKernels` pass.
    private var reluCap: Float? {
        switch self {
        case .relu: .infinity
        case .relu6: 6
        default: nil
        }
    }

    /// The `CModelKernels` pass for sigmoid, tanh, exponential, SiLU and GELU (exact and
    /// approximate): vectorised, over an exp within 1, a tanh within 2 and an erf within a few
    /// units in the last place.
    private var vectorKernel: ((Int64, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void)? {
        switch self {
        case .sigmoid: cmk_sigmoid
        case .tanh: cmk_tanh
        case .exponential: cmk_exp
        case .silu: cmk_silu
        case .gelu: cmk_gelu
        case .geluApproximate: cmk_gelu_tanh
        default: nil
        }
    }

    /// `min(max(x, 0), cap)` of each value of `input` (NaN and −0 stay), as a new tensor in one
    /// pass: the input is usually still shared, so applying in place would copy it first.
    static func relu(_ input: Tensor, cap: Float) -> Tensor {
        Tensor(shape: input.shape) { out in
            input.withUnsafeScalars { x in
                if let base = x.baseAddress { cmk_relu_capped(Int64(x.count), base, cap, out.baseAddress) }
            }
        }
    }

    /// The function on one value, for the element-wise functions.
    public var elementwise: @Sendable (Float) -> Float {
        switch self {
        case .linear, .softmax, .logSoftmax, .sparsemax: return { $0 }
        case .relu: return { max($0, 0) }
        case .relu6: return { min(max($0, 0), 6) }
        case .leakyRelu: return { $0 >= 0 ? $0 : 0.2 * $0 }
        case .elu: return { $0 > 0 ? $0 : expm1f($0) }
        case .selu:
            return { x in SeluConstants.scale * (x > 0 ? x : SeluConstants.alpha * expm1f(x)) }
        case .gelu: return { 0.5 * $0 * (1 + erff($0 * 0.707_106_781_186_547_524_4)) }
        case .geluApproximate:
            return { x in
                let inner: Float = 0.797_884_560_802_865_355_9 * (x + 0.044_715 * x * x * x)
                return 0.5 * x * (1 + tanhf(inner))
            }
        case .sigmoid: return ActivationFunction.sigmoid
        case .hardSigmoid: return { min(max($0 + 3, 0), 6) / 6 }
        case .hardSilu: return { $0 * min(max($0 + 3, 0), 6) / 6 }
        case .silu: return { $0 * ActivationFunction.sigmoid($0) }
        case .mish: return { $0 * tanhf(ActivationFunction.softplus($0)) }
        case .tanh: return { tanhf($0) }
        case .softplus: return ActivationFunction.softplus
        case .softsign: return { $0 / (1 + abs($0)) }
        case .exponential: return { expf($0) }
        case .celu: return { max($0, 0) + min(expm1f($0), 0) }
        case .hardTanh: return { min(max($0, -1), 1) }
        case .hardShrink: return { abs($0) > 0.5 ? $0 : 0 }
        case .softShrink: return { $0 > 0.5 ? $0 - 0.5 : ($0 < -0.5 ? $0 + 0.5 : 0) }
        case .logSigmoid: return { -ActivationFunction.softplus(-$0) }
        case .sparsePlus: return { $0 <= -1 ? 0 : ($0 >= 1 ? $0 : ($0 + 1) * ($0 + 1) / 4) }
        case .squareplus: return { ($0 + ($0 * $0 + 4).squareRoot()) / 2 }
        case .tanhShrink: return { $0 - tanhf($0) }
        case .sparseSigmoid: return { $0 <= -1 ? 0 : ($0 >= 1 ? 1 : ($0 + 1) / 2) }
        }
    }

    @Sendable static func sigmoid(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x))
    }

    /// `log(1 + exp(x))` without overflow.
    @Sendable static func softplus(_ x: Float) -> Float {
        max(x, 0) + log1pf(expf(-abs(x)))
    }

    private func applyAcrossAxis(_ row: UnsafeMutableBufferPointer<Float>) {
        switch self {
        case .softmax:
            // e^(x − max) in one vectorised pass, then the sum in order and the division.
            let maximum = row.max() ?? 0
            for index in row.indices { row[index] -= maximum }
            if let base = row.baseAddress { cmk_exp(Int64(row.count), base, base) }
            var sum: Float = 0
            for value in row { sum += value }
            for index in row.indices { row[index] /= sum }
        case .logSoftmax:
            let maximum = row.max() ?? 0
            var sum: Float = 0
            for value in row { sum += expf(value - maximum) }
            let logSum = logf(sum)
            for index in row.indices { row[index] = row[index] - maximum - logSum }
        case .sparsemax:
            // Martins & Astudillo (2016): project onto the simplex.
            let sorted = row.sorted(by: >)
            var cumulative: Float = 0
            var support = 0
            var supportSum: Float = 0
            for (k, value) in sorted.enumerated() {
                cumulative += value
                if 1 + Float(k + 1) * value > cumulative {
                    support = k + 1
                    supportSum = cumulative
                }
            }
            let threshold = (supportSum - 1) / Float(support)
            for index in row.indices { row[index] = max(row[index] - threshold, 0) }
        default:
            break
        }
    }
}

/// SELU's constants, as Keras defines them.
enum SeluConstants {
    static let alpha: Float = 1.673_263_242_354_377_284_817_042_991_671_7
    static let scale: Float = 1.050_700_987_355_480_493_419_334_985_294_6
}
