import Foundation
import Testing

@testable import ModelRuntime

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
        let plain = try Dense(
            config: DenseConfig(name: "d", units: units), inputShape: TensorShape([nil, inputs]), seed: 3)
        try Self.expectActivationsMatch(plain, on: x, "\(shape)") { activation in
            try Dense(
                config: DenseConfig(name: "d", units: units, activation: activation),
                inputShape: TensorShape([nil, inputs]), seed: 4)
        }
    }

    /// For each activation, `make(activation)` with `plain`'s weights gives the bits of
    /// `plain` followed by the activation on its own.
    static func expectActivationsMatch<L: UnaryLayer>(
        _ plain: L, on x: Tensor, _ label: String,
        make: (ActivationFunction) throws -> L
    ) throws {
        for activation in activations {
            var fused = try make(activation)
            try fused.setWeights(plain.weights)
            var expected = plain(x)
            activation.apply(to: &expected)
            #expect(firstDifference(fused(x), expected) == nil, "\(activation) at \(label)")
        }
    }

    /// (batch, size, channels, kernel, groups, filters): pointwise; im2col on one thread; im2col
    /// tiles over the cores; a grouped convolution.
    @Test(arguments: [(2, 9, 16, 1, 1, 24), (1, 5, 3, 3, 1, 7), (2, 30, 8, 3, 1, 17), (2, 12, 8, 3, 2, 10)])
    func convolutionMatchesASeparatePass(_ shape: (Int, Int, Int, Int, Int, Int)) throws {
        let (batch, size, channels, kernel, groups, filters) = shape
        let inputShape = TensorShape([nil, size, size, channels])
        let x = Tensor(
            shape: [batch, size, size, channels], scalars: Self.values(batch * size * size * channels, seed: 2))
        func config(_ activation: ActivationFunction) -> ConvConfig<Spatial2D> {
            ConvConfig(
                name: "c", filters: filters, kernelSize: IntTuple([kernel]), padding: .same, groups: groups,
                activation: activation)
        }
        let plain = try Conv2D(config: config(.linear), inputShape: inputShape, seed: 5)
        try Self.expectActivationsMatch(plain, on: x, "\(shape)") {
            try Conv2D(config: config($0), inputShape: inputShape, seed: 6)
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
        try Self.expectActivationsMatch(plain, on: x, "separable") {
            try SeparableConv2D(config: config($0), inputShape: inputShape, seed: 8)
        }
    }

    /// Records what an interceptor is shown, and hands the output on unchanged.
    final class Recorder: CallInterceptor, @unchecked Sendable {
        var seen: [(path: String, output: Tensor)] = []
        func intercept<L: Layer>(_ layer: L, at path: @autoclosure () -> LayerPath, output: Tensor) -> Tensor {
            seen.append((path().description, output))
            return output
        }
    }

    /// A BatchNormalization with weights away from the identity, on `features` features.
    static func normalization(_ features: Int, axis: Int = -1, shape: TensorShape) throws -> BatchNormalization {
        var norm = try BatchNormalization(
            config: BatchNormalizationConfig(name: "bn", axis: axis), inputShape: shape, seed: 1)
        try norm.setWeights([
            Tensor(shape: [features], scalars: values(features, seed: 4)),
            Tensor(shape: [features], scalars: values(features, seed: 5)),
            Tensor(shape: [features], scalars: values(features, seed: 6)),
            Tensor(shape: [features], scalars: values(features, seed: 7).map { $0 * $0 + 0.5 }),
        ])
        return norm
    }

    /// `interceptChain` without an interceptor (one convolution with output passes where the
    /// layers allow it) gives the bits of the three calls an interceptor is shown one by one,
    /// for the chains that fuse and for those that cannot (normalization over another axis,
    /// a ReLU with a threshold, a softmax convolution).
    @Test(arguments: [
        // The first four fuse.
        ("conv 3x3, relu6", 3, 1, ActivationFunction.linear, -1, "relu6"),
        ("conv 1x1, own relu, then sigmoid", 1, 1, .relu, -1, "sigmoid"),
        ("depthwise 3x3, relu", 3, 0, .linear, -1, "relu"),
        ("depthwise, own tanh, then gelu", 3, 0, .tanh, -1, "gelu"),
        ("conv, normalized over axis 1", 3, 1, .linear, 1, "relu"),
        ("conv, ReLU with a threshold", 3, 1, .linear, -1, "threshold"),
        ("conv with softmax", 1, 1, .softmax, -1, "relu"),
    ])
    func chainsMatchTheirLayers(
        _ name: String, _ kernel: Int, _ isConv: Int, _ own: ActivationFunction, _ axis: Int,
        _ last: String
    ) throws {
        let channels = 12
        let size = 15
        let inputShape = TensorShape([nil, size, size, channels])
        let x = Tensor(shape: [2, size, size, channels], scalars: Self.values(2 * size * size * channels, seed: 9))
        let first: any UnaryLayer =
            isConv == 1
            ? try Conv2D(
                config: ConvConfig(
                    name: "conv", filters: channels, kernelSize: IntTuple([kernel]), padding: .same,
                    activation: own), inputShape: inputShape, seed: 2)
            : try DepthwiseConv2D(
                config: DepthwiseConvConfig(
                    name: "dw", kernelSize: IntTuple([kernel]), padding: .same,
                    activation: own), inputShape: inputShape, seed: 2)
        let features = axis == 1 ? size : channels
        let norm = try Self.normalization(features, axis: axis, shape: inputShape)
        let activation: any UnaryLayer =
            switch last {
            case "relu6": try ReLU(config: ReLUConfig(name: "act", maxValue: 6), inputShape: inputShape, seed: 0)
            case "threshold":
                try ReLU(config: ReLUConfig(name: "act", threshold: 0.25), inputShape: inputShape, seed: 0)
            default:
                try Activation(
                    config: ActivationConfig(name: "act", activation: ActivationFunction(kerasName: last)!),
                    inputShape: inputShape, seed: 0)
            }
        func chain<A: UnaryLayer, B: UnaryLayer, C: UnaryLayer>(_ a: A, _ b: B, _ c: C) throws {
            let recorder = Recorder()
            let expected = recorder.interceptChain(a, b, c, input: x, at: LayerPath(["model"]))
            #expect(recorder.seen.map(\.path) == ["model/\(a.config.name)", "model/bn", "model/act"], "\(name)")
            #expect(Self.firstDifference(recorder.seen[2].output, expected) == nil)
            #expect(Self.firstDifference(expected, c(b(a(x)))) == nil, "\(name): the recorded chain is the three calls")
            let plain = NoInterception().interceptChain(a, b, c, input: x, at: LayerPath(["model"]))
            #expect(Self.firstDifference(plain, expected) == nil, "\(name)")
            let pair = NoInterception().interceptChain(a, b, input: x, at: LayerPath(["model"]))
            #expect(Self.firstDifference(pair, b(a(x))) == nil, "\(name): without the activation")
            let fuses = [
                "conv 3x3, relu6", "conv 1x1, own relu, then sigmoid", "depthwise 3x3, relu",
                "depthwise, own tanh, then gelu",
            ]
            #expect((fusedCall([b, c], after: a, input: x) != nil) == fuses.contains(name), "\(name): fused or not")
        }
        try chain(first, norm, activation)
    }

    /// `ChainRole` decides which layer types a chain may hold, for the generator and for
    /// `fusedCall` alike; each role's runtime types must be able to play it, and no other
    /// built-in layer has a role.
    @Test func chainRolesAreTheRuntimesFusableLayers() {
        let carriers: [(any LayerConfig.Type, Any.Type)] = [
            (ConvConfig<Spatial1D>.self, Conv1D.self), (ConvConfig<Spatial2D>.self, Conv2D.self),
            (ConvConfig<Spatial3D>.self, Conv3D.self),
            (DepthwiseConvConfig<Spatial1D>.self, DepthwiseConv1D.self),
            (DepthwiseConvConfig<Spatial2D>.self, DepthwiseConv2D.self),
        ]
        for (config, layer) in carriers {
            #expect(config.fusedChainRole == .convolution, "\(config)")
            #expect(layer is any OutputPassCarrier.Type, "\(layer)")
        }
        let passes: [(any LayerConfig.Type, Any.Type, ChainRole)] = [
            (BatchNormalizationConfig.self, BatchNormalization.self, .normalization),
            (ActivationConfig.self, Activation.self, .activation), (ReLUConfig.self, ReLU.self, .activation),
        ]
        for (config, layer, role) in passes {
            #expect(config.fusedChainRole == role, "\(config)")
            #expect(layer is any OutputPassLayer.Type, "\(layer)")
        }
        let withRoles = LayerRegistry.builtIn.filter { $0.configType.fusedChainRole != nil }.map(\.className).sorted()
        #expect(
            withRoles == [
                "Activation", "BatchNormalization", "Conv1D", "Conv2D", "Conv3D", "DepthwiseConv1D", "DepthwiseConv2D",
                "ReLU",
            ])
        #expect(ChainRole.isChain([.convolution, .normalization, .activation]))
        #expect(!ChainRole.isChain([.convolution, .activation]))
        #expect(!ChainRole.isChain([.convolution, nil]))
    }
}
