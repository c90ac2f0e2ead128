import Foundation
@testable import ModelRuntime
import Testing

/// A layer's element-wise activation runs in the matrix product's output pass, on each block of
/// rows right after the block is computed. It gives the bits of the product followed by the
/// activation on its own, on every path: one block, row blocks over the cores, column blocks,
/// im2col tiles (one thread and several), grouped and pointwise convolutions. Softmax, which
/// works over the last axis, still runs as a pass of its own.
@Suite struct OutputPassTests {
    static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float(sin(Double($0 * 13 + seed) * 0.71)) * 3 }
    }

    static let activations: [ActivationFunction] = [.relu, .relu6, .sigmoid, .tanh, .gelu, .elu, .softmax]

    /// The first index where `a` and `b` differ in their bits, or nil.
    static func firstDifference(_ a: Tensor, _ b: Tensor) -> Int? {
        guard a.shape == b.shape else { return -1 }
        let (x, y) = (a.scalars, b.scalars)
        return x.indices.first { x[$0].bitPattern != y[$0].bitPattern }
    }

    /// (rows, input units, units): one block; few rows; row blocks over the cores (≥ 256 rows,
    /// ≥ 2^20 multiply-adds); column blocks (fewer rows, many columns).
    @Test(arguments: [(1, 7, 17), (5, 100, 33), (300, 64, 300), (40, 256, 2048)])
    func denseMatchesASeparatePass(_ shape: (Int, Int, Int)) throws {
        let (rows, inputs, units) = shape
        let x = Tensor(shape: [rows, inputs], scalars: Self.values(rows * inputs, seed: 1))
        let plain = try Dense(config: DenseConfig(name: "d", units: units), inputShape: TensorShape([nil, inputs]), seed: 3)
        for activation in Self.activations {
            var fused = try Dense(config: DenseConfig(name: "d", units: units, activation: activation),
                                  inputShape: TensorShape([nil, inputs]), seed: 4)
            try fused.setWeights(plain.weights)
            var expected = plain(x)
            activation.apply(to: &expected)
            #expect(Self.firstDifference(fused(x), expected) == nil, "\(activation) at \(shape)")
        }
    }

    /// (batch, size, channels, kernel, groups, filters): pointwise; im2col on one thread; im2col
    /// tiles over the cores; a grouped convolution.
    @Test(arguments: [(2, 9, 16, 1, 1, 24), (1, 5, 3, 3, 1, 7), (2, 30, 8, 3, 1, 17), (2, 12, 8, 3, 2, 10)])
    func convolutionMatchesASeparatePass(_ shape: (Int, Int, Int, Int, Int, Int)) throws {
        let (batch, size, channels, kernel, groups, filters) = shape
        let inputShape = TensorShape([nil, size, size, channels])
        let x = Tensor(shape: [batch, size, size, channels], scalars: Self.values(batch * size * size * channels, seed: 2))
        func config(_ activation: ActivationFunction) -> ConvConfig<Spatial2D> {
            ConvConfig(name: "c", filters: filters, kernelSize: IntTuple([kernel]), padding: .same, groups: groups,
                       activation: activation)
        }
        let plain = try Conv2D(config: config(.linear), inputShape: inputShape, seed: 5)
        for activation in Self.activations {
            var fused = try Conv2D(config: config(activation), inputShape: inputShape, seed: 6)
            try fused.setWeights(plain.weights)
            var expected = plain(x)
            activation.apply(to: &expected)
            #expect(Self.firstDifference(fused(x), expected) == nil, "\(activation) at \(shape)")
        }
    }

    /// SeparableConv2D's pointwise product carries the activation too.
    @Test func separableConvolutionMatchesASeparatePass() throws {
        let inputShape = TensorShape([nil, 10, 10, 6])
        let x = Tensor(shape: [3, 10, 10, 6], scalars: Self.values(3 * 10 * 10 * 6, seed: 3))
        func config(_ activation: ActivationFunction) -> SeparableConvConfig<Spatial2D> {
            SeparableConvConfig(name: "s", filters: 9, kernelSize: 3, activation: activation)
        }
        let plain = try SeparableConv2D(config: config(.linear), inputShape: inputShape, seed: 7)
        for activation in Self.activations {
            var fused = try SeparableConv2D(config: config(activation), inputShape: inputShape, seed: 8)
            try fused.setWeights(plain.weights)
            var expected = plain(x)
            activation.apply(to: &expected)
            #expect(Self.firstDifference(fused(x), expected) == nil, "\(activation)")
        }
    }
}
