import CModelKernels
import Foundation
import Testing

@testable import ModelRuntime

/// The element-wise kernels' fast paths (AVX2, when the CPU has it) against their portable
/// loops and the scalar definitions, bit for bit, on odd sizes (1, 7, 17, 100).
@Suite struct ElementwiseKernelTests {
    static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float(sin(Double($0 * 7 + seed) * 0.37)) }
    }

    static let sizes = [1, 7, 17, 100]

    @Test(arguments: sizes, sizes)
    func scaleShiftFastPathEqualsPortable(_ rows: Int, _ channels: Int) {
        let x = Self.values(rows * channels, seed: 4)
        let scale = Self.values(channels, seed: 5)
        let shift = Self.values(channels, seed: 6)
        var fast = [Float](repeating: .nan, count: rows * channels)
        var portable = fast
        cmk_scale_shift(Int64(rows), Int64(channels), x, scale, shift, &fast)
        cmk_scale_shift_portable(Int64(rows), Int64(channels), x, scale, shift, &portable)
        let expected = (0..<(rows * channels)).map { x[$0] * scale[$0 % channels] + shift[$0 % channels] }
        #expect(fast == expected)
        #expect(portable == expected)
    }

    /// Adam's vector step gives the scalar loop's bits, and the scalar loop is Keras's update
    /// (`m += (g − m)(1 − β₁)`, `v += (g² − v)(1 − β₂)`, `w −= m·α / (√v + ε)`), written out here.
    @Test(arguments: sizes + [1000])
    func adamFastPathEqualsPortable(_ count: Int) {
        let g = Self.values(count, seed: 3)
        let start = (
            m: Self.values(count, seed: 5), v: Self.values(count, seed: 6).map(abs), w: Self.values(count, seed: 9)
        )
        var fast = start
        var portable = start
        cmk_adam_update(Int64(count), g, &fast.m, &fast.v, &fast.w, 0.1, 0.001, 0.01, 1e-7)
        cmk_adam_update_portable(Int64(count), g, &portable.m, &portable.v, &portable.w, 0.1, 0.001, 0.01, 1e-7)
        var expected = start
        for i in 0..<count {
            expected.m[i] += (g[i] - expected.m[i]) * 0.1
            expected.v[i] += (g[i] * g[i] - expected.v[i]) * 0.001
            expected.w[i] -= expected.m[i] * 0.01 / (expected.v[i].squareRoot() + 1e-7)
        }
        for (name, ours, theirs) in [("m", fast.m, expected.m), ("v", fast.v, expected.v), ("w", fast.w, expected.w)] {
            #expect(ours.map(\.bitPattern) == theirs.map(\.bitPattern), "\(name), vector")
        }
        #expect(portable.w.map(\.bitPattern) == expected.w.map(\.bitPattern), "w, portable")
    }

    @Test(arguments: sizes + [1000])
    func addAndReLUFastPathsEqualPortable(_ count: Int) {
        var a = Self.values(count, seed: 7)
        let b = Self.values(count, seed: 8)
        a[0] = -0.0
        if count > 3 { a[3] = .nan }
        var fast = [Float](repeating: 1, count: count)
        var portable = fast
        cmk_add(Int64(count), a, b, &fast)
        cmk_add_portable(Int64(count), a, b, &portable)
        let sums = zip(a, b).map { $0 + $1 }
        #expect(fast.map(\.bitPattern) == sums.map(\.bitPattern))
        #expect(portable.map(\.bitPattern) == sums.map(\.bitPattern))
        cmk_relu(Int64(count), a, &fast)
        cmk_relu_portable(Int64(count), a, &portable)
        let relu = a.map { $0 < 0 ? 0 : $0 }
        #expect(fast.map(\.bitPattern) == relu.map(\.bitPattern), "NaN and −0 stay as they are")
        #expect(portable.map(\.bitPattern) == relu.map(\.bitPattern))
        // ReLU6 on values scaled past the cap.
        let wide = a.map { $0 * 10 }
        cmk_relu_capped(Int64(count), wide, 6, &fast)
        cmk_relu_capped_portable(Int64(count), wide, 6, &portable)
        let relu6 = wide.map { $0 < 0 ? 0 : $0 > 6 ? 6 : $0 }
        #expect(fast.map(\.bitPattern) == relu6.map(\.bitPattern), "capped: NaN and −0 stay as they are")
        #expect(portable.map(\.bitPattern) == relu6.map(\.bitPattern))
        #expect(count < 10 || (relu6.contains(6) && relu6.contains(0)), "the values reach both bounds")
    }

    /// The layers that use the kernels give what their scalar definitions give.
    @Test(arguments: sizes)
    func addAndReLULayersUseTheKernels(_ features: Int) throws {
        let shape = [3, 7, features]
        let count = shape.reduce(1, *)
        let x = Tensor(shape: shape, scalars: Self.values(count, seed: 9))
        let y = Tensor(shape: shape, scalars: Self.values(count, seed: 10))
        let relu = try Activation(
            config: ActivationConfig(activation: .relu), inputShape: TensorShape([nil, 7, features]), seed: 0)
        #expect(relu(x).scalars == x.scalars.map { $0 < 0 ? 0 : $0 })
        let wide = Tensor(shape: shape, scalars: x.scalars.map { $0 * 10 })
        let relu6 = try Activation(
            config: ActivationConfig(activation: .relu6), inputShape: TensorShape([nil, 7, features]), seed: 0)
        #expect(relu6(wide).scalars == wide.scalars.map { min(max($0, 0), 6) })
        let cappedLayer = try ReLU(
            config: ReLUConfig(maxValue: 6), inputShape: TensorShape([nil, 7, features]), seed: 0)
        #expect(cappedLayer(wide).scalars == wide.scalars.map { min(max($0, 0), 6) })
        let add = try Add(
            config: AddConfig(), inputShapes: [TensorShape([nil, 7, features]), TensorShape([nil, 7, features])],
            seed: 0)
        #expect(add([x, y]).scalars == zip(x.scalars, y.scalars).map { $0 + $1 })
    }

    /// BatchNormalization, Activation, ReLU and Add give their results in new storage: the
    /// caller's tensor keeps its values (value semantics; a guard for in-place variants).
    @Test func layersLeaveTheirCallersTensorsAlone() throws {
        let shape = [2, 5, 17]
        let inputShape = TensorShape([nil, 5, 17])
        let x = Tensor(shape: shape, scalars: Self.values(shape.reduce(1, *), seed: 11).map { $0 * 10 })
        let before = x.scalars
        var norm = try BatchNormalization(config: BatchNormalizationConfig(), inputShape: inputShape, seed: 1)
        try norm.setWeights([
            Tensor(shape: [17], repeating: 2), Tensor(shape: [17], repeating: 1),
            Tensor(shape: [17], repeating: 0.5), Tensor(shape: [17], repeating: 4),
        ])
        let normalized = norm(x)
        let activated = try Activation(config: ActivationConfig(activation: .relu6), inputShape: inputShape, seed: 0)(x)
        let rectified = try ReLU(config: ReLUConfig(maxValue: 6), inputShape: inputShape, seed: 0)(x)
        let summed = try Add(config: AddConfig(), inputShapes: [inputShape, inputShape], seed: 0)([x, x])
        #expect(x.scalars == before, "the caller's tensor is unchanged")
        // The runtime's order: 1 / sqrt(variance + epsilon), times gamma.
        let scale = 1 / (4 + Float(BatchNormalizationConfig().epsilon)).squareRoot() * 2
        #expect(normalized.scalars == before.map { $0 * scale + (1 - 0.5 * scale) })
        #expect(activated.scalars == before.map { min(max($0, 0), 6) })
        #expect(rectified.scalars == before.map { min(max($0, 0), 6) })
        #expect(summed.scalars == before.map { $0 + $0 })
    }
}
