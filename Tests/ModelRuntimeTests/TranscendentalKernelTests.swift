import CModelKernels
import Foundation
import Testing

@testable import ModelRuntime

/// The vectorised exp, sigmoid, tanh, SiLU and GELU (AVX2/FMA or NEON) against double-precision
/// references, in units in the last place, over their whole useful ranges and special values,
/// and at odd buffer sizes (the tail of a buffer gets the same function as the rest).
@Suite struct TranscendentalKernelTests {
    /// The distance from `value` to `exact` in units in the last place of `Float(exact)`.
    static func ulps(_ value: Float, _ exact: Double) -> Double {
        if exact.isNaN { return value.isNaN ? 0 : .infinity }
        let rounded = Float(exact)
        if rounded.isInfinite { return value == rounded ? 0 : .infinity }
        return abs(Double(value) - exact) / Double(max(rounded.ulp, Float.leastNonzeroMagnitude))
    }

    /// About 400 000 values from `low` to `high`, denser near zero, and the special values.
    static func samples(_ low: Float, _ high: Float) -> [Float] {
        let count = 400_000
        var values = (0..<count).map { index -> Float in
            let t = Double(index) / Double(count - 1) * 2 - 1  // −1 … 1
            let magnitude = t * t * t  // denser near 0
            return Float(magnitude >= 0 ? magnitude * Double(high) : -magnitude * Double(low))
        }
        values += [
            0, -0.0, .infinity, -.infinity, .nan, 1e-30, -1e-30, .leastNonzeroMagnitude, 0.5, -0.5, 0.499_999_97,
        ]
        return values
    }

    static func run(_ kernel: (Int64, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void, _ x: [Float])
        -> [Float]
    {
        var out = [Float](repeating: .nan, count: x.count)
        kernel(Int64(x.count), x, &out)
        return out
    }

    @Test func expIsWithinOneUlp() {
        let x = Self.samples(-110, 95)
        let worst = zip(Self.run(cmk_exp, x), x).map { Self.ulps($0, Foundation.exp(Double($1))) }.max() ?? 0
        #expect(worst <= 1, "worst \(worst) ulp")
    }

    @Test func tanhIsWithinTwoUlps() {
        let x = Self.samples(-20, 20)
        let out = Self.run(cmk_tanh, x)
        let worst = zip(out, x).map { Self.ulps($0, Foundation.tanh(Double($1))) }.max() ?? 0
        #expect(worst <= 2, "worst \(worst) ulp")
        #expect(Self.run(cmk_tanh, [-0.0])[0].sign == .minus, "tanh(−0) is −0")
    }

    /// sigmoid = 1 / (1 + e^−x), as Keras computes it: below e^−88.7 the float result is 0.
    @Test func sigmoidIsWithinThreeUlpsOfItsFormula() {
        let x = Self.samples(-110, 110)
        let out = Self.run(cmk_sigmoid, x)
        var worst = 0.0
        for (value, input) in zip(out, x) {
            let exact = 1 / (1 + Foundation.exp(-Double(input)))
            if exact < Double(Float.leastNormalMagnitude) {
                worst = max(worst, abs(Double(value) - exact) <= Double(Float.leastNormalMagnitude) ? 0 : .infinity)
            } else {
                worst = max(worst, Self.ulps(value, exact))
            }
        }
        // e^−x's error, the add's and the division's rounding.
        #expect(worst <= 3, "worst \(worst) ulp")
    }

    /// SiLU, x · sigmoid(x): sigmoid's error and one multiply. Where the sigmoid is below the
    /// smallest normal float (x < −87.3), it has only its subnormal spacing, as in Keras's float32
    /// formula: the result is then within |x| times that spacing.
    @Test func siluIsWithinFourUlpsOfItsFormula() {
        let x = Self.samples(-110, 110)
        let out = Self.run(cmk_silu, x)
        var worst = 0.0
        for (value, input) in zip(out, x) {
            let sigmoid = 1 / (1 + Foundation.exp(-Double(input)))
            let exact = Double(input) * sigmoid
            if input.isNaN || input.isInfinite {
                worst = max(worst, value.isNaN == exact.isNaN && (exact.isNaN || value == Float(exact)) ? 0 : .infinity)
            } else if sigmoid < Double(Float.leastNormalMagnitude) {
                let allowed = abs(Double(input)) * Double(Float.leastNormalMagnitude)
                worst = max(worst, abs(Double(value) - exact) <= allowed ? 0 : .infinity)
            } else {
                worst = max(worst, Self.ulps(value, exact))
            }
        }
        #expect(worst <= 4, "worst \(worst) ulp")
    }

    /// A GELU kernel's worst error over ±12, as a fraction of 4 ulp of the formula in double
    /// plus the tanh's or erf's error (2 ulp of 1) carried through `1 + tanh` or `1 + erf` where
    /// the two nearly cancel; and its worst error in ulp for positive x.
    static func geluErrors(
        _ kernel: (Int64, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void,
        exact formula: (Double) -> Double
    ) -> (allowed: Double, positiveUlps: Double) {
        let x = samples(-12, 12)
        var worst = 0.0
        var worstPositive = 0.0
        for (value, input) in zip(run(kernel, x), x) where input.isFinite {
            let v = Double(input)
            let exact = formula(v)
            let allowed =
                4 * Double(max(Float(abs(exact)).ulp, Float.leastNonzeroMagnitude)) + 0.5 * abs(v) * 2 * 0x1p-24
            worst = max(worst, abs(Double(value) - exact) / allowed)
            if input > 0 { worstPositive = max(worstPositive, ulps(value, exact)) }
        }
        return (worst, worstPositive)
    }

    /// Keras's approximate GELU over the vector tanh.
    @Test func approximateGeluIsWithinItsFormulasError() {
        let worst = Self.geluErrors(cmk_gelu_tanh) { v in
            0.5 * v * (1 + Foundation.tanh(0.797_884_560_802_865_4 * (v + 0.044_715 * v * v * v)))
        }
        #expect(worst.allowed <= 1, "worst \(worst.allowed) of the allowed error")
        #expect(Self.run(cmk_gelu_tanh, [.nan])[0].isNaN)
    }

    /// Keras's exact GELU over the vector erf; within 2 ulp for positive x.
    @Test func geluIsWithinItsFormulasError() {
        let worst = Self.geluErrors(cmk_gelu) { v in 0.5 * v * (1 + Foundation.erf(v * 0.707_106_781_186_547_5)) }
        #expect(worst.allowed <= 1, "worst \(worst.allowed) of the allowed error")
        #expect(worst.positiveUlps <= 2, "worst \(worst.positiveUlps) ulp for positive x")
        #expect(Self.run(cmk_gelu, [.nan])[0].isNaN)
        // As the float formula: +inf, and −inf · (1 − 1) = NaN.
        let infinities = Self.run(cmk_gelu, [.infinity, -.infinity])
        let portable = Self.run(cmk_gelu_portable, [.infinity, -.infinity])
        #expect(infinities[0] == .infinity && portable[0] == .infinity && infinities[1].isNaN && portable[1].isNaN)
    }

    /// Every position of a buffer, tail included, gets the same function.
    @Test(arguments: [1, 7, 17, 100])
    func tailsMatchTheVectorBody(_ count: Int) {
        let x = (0..<count).map { Float($0) * 0.37 - 3 }
        let padded = x + [Float](repeating: 0, count: 8)
        for kernel in [cmk_exp, cmk_sigmoid, cmk_tanh, cmk_silu, cmk_gelu_tanh, cmk_gelu]
            as [(Int64, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void]
        {
            let alone = Self.run(kernel, x)
            let inBody = (0..<count).map { index in Self.run(kernel, Array(padded[index..<(index + 8)]))[0] }
            #expect(alone.map(\.bitPattern) == inBody.map(\.bitPattern))
        }
    }

    /// The activations use the kernels: a layer's output equals the kernel's.
    @Test func activationsUseTheKernels() throws {
        let x = Tensor(shape: [3, 37], scalars: (0..<111).map { Float($0) * 0.21 - 11 })
        for (activation, kernel) in [
            (ActivationFunction.sigmoid, cmk_sigmoid), (.tanh, cmk_tanh), (.exponential, cmk_exp),
            (.silu, cmk_silu), (.geluApproximate, cmk_gelu_tanh), (.gelu, cmk_gelu),
        ]
            as [(ActivationFunction, (Int64, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void)]
        {
            let layer = try Activation(
                config: ActivationConfig(activation: activation), inputShape: TensorShape([nil, 37]), seed: 0)
            #expect(layer(x).scalars == Self.run(kernel, x.scalars), "\(activation)")
        }
    }
}
