import Foundation
import ModelRuntime
import Testing

/// The root package's Keras fixtures of the applications (`Tests/Fixtures/applications`, made by
/// `tools/make_layer_fixtures.py`): each folder's arrays in its `arrays.npz`.
enum ApplicationFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures/applications")

    static func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    /// The array `NAME` of fixture folder `folder` (its member `NAME.npy`).
    static func tensor(_ folder: String, _ name: String) throws -> Tensor {
        let bytes = [UInt8](try Data(contentsOf: url("\(folder)/arrays.npz")))
        let arrays = try WeightFileFormat.npz.read(bytes)
        return try #require(arrays.first { $0.name == name }, "\(folder): no \(name).npy").tensor
    }

    /// The parity bound of the design: max |ours − Keras| ≤ 1e-4 · max(1, max |Keras|).
    static func expectClose(_ actual: Tensor, _ expected: Tensor, _ what: String) {
        #expect(actual.shape == expected.shape, "\(what): shape")
        guard actual.shape == expected.shape else { return }
        let scale = max(1, expected.scalars.map(abs).max() ?? 0)
        let difference = actual.maxAbsoluteDifference(to: expected)
        #expect(difference <= 1e-4 * scale, "\(what): max |ours − Keras| = \(difference)")
    }
}

/// `keras.applications` models built with `weights=None`, every weight set from the formula in
/// `weight_formula.json`, against Keras's outputs and logits. Here rather than in the root
/// package's tests: compiling the two models in debug took a few seconds of every `swift test`.
@Suite struct ApplicationTests {
    /// The weights of `tools/make_layer_fixtures.py`'s formula, in `get_weights()` order.
    static func formulaWeights(_ fixture: String, shapes: [[Int]]) throws -> [Tensor] {
        let json = try JSONReader.parse(
            [UInt8](Data(contentsOf: ApplicationFixtures.url("\(fixture)/weight_formula.json")))
        ).value
        let rows = try #require(json["weights"]?.value.arrayElements)
        try #require(
            rows.count == shapes.count,
            "\(fixture): the formula lists \(rows.count) weights, the model has \(shapes.count)")
        let a = 0.6180339887498949
        let b = 0.4142135623730951
        return try zip(rows, shapes).enumerated().map { index, item in
            let (row, shape) = item
            let fields = try #require(row.value.arrayElements)
            let offset = try #require(fields[2].value.doubleValue)
            let scale = try #require(fields[3].value.doubleValue)
            let signed = fields[4].value.stringValue == "signed"
            let count = shape.reduce(1, *)
            return Tensor(shape: shape) { out in
                for j in 0..<count {
                    let x: Double = a * Double(j) + b * Double(index)
                    let fraction: Double = x - x.rounded(.down)
                    let u: Double = signed ? 2 * fraction - 1 : fraction
                    out[j] = Float(offset + scale * u)
                }
            }
        }
    }

    /// Records the input of the last layer (the pooled features) to recompute the logits.
    final class Penultimate: CallInterceptor, @unchecked Sendable {
        var last: Tensor?
        func intercept<L: Layer>(_ layer: L, at path: @autoclosure () -> LayerPath, output: Tensor) -> Tensor {
            if path().description != "predictions" { last = output }
            return output
        }
    }

    /// `call` runs the model with the recorder, or without an interceptor when given nil.
    static func check<M: Model>(_ type: M.Type, _ fixture: String, call: (M, Tensor, Penultimate?) -> Tensor) throws {
        var model = M(seed: 1)
        try model.setWeights(try formulaWeights(fixture, shapes: model.weights.map(\.shape)))
        let input = try ApplicationFixtures.tensor(fixture, "input")
        let recorder = Penultimate()
        let output = call(model, input, recorder)
        ApplicationFixtures.expectClose(output, try ApplicationFixtures.tensor(fixture, "output"), "\(fixture) output")
        // A plain call runs its convolution, normalization and activation chains as convolutions
        // with output passes: the bits of the layer-by-layer call above.
        let plain = call(model, input, nil)
        #expect(plain.shape == output.shape)
        let (plainScalars, outputScalars) = (plain.scalars, output.scalars)
        let difference = plainScalars.indices.first { plainScalars[$0].bitPattern != outputScalars[$0].bitPattern }
        #expect(difference == nil, "\(fixture): the plain call differs from the intercepted one at \(difference ?? -1)")
        // The logits, from the pooled features and the classifier's weights (Keras's too).
        let pooled = try #require(recorder.last)
        let weights = model.weights
        let kernel = weights[weights.count - 2]
        let bias = weights[weights.count - 1]
        let classes = kernel.shape[1]
        let features = kernel.shape[0]
        let (pooledScalars, kernelScalars, biasScalars) = (pooled.scalars, kernel.scalars, bias.scalars)
        let logits = Tensor(shape: [pooled.shape[0], classes]) { out in
            for row in 0..<pooled.shape[0] {
                for k in 0..<classes {
                    var sum = Double(biasScalars[k])
                    for f in 0..<features {
                        sum += Double(pooledScalars[row * features + f]) * Double(kernelScalars[f * classes + k])
                    }
                    out[row * classes + k] = Float(sum)
                }
            }
        }
        ApplicationFixtures.expectClose(logits, try ApplicationFixtures.tensor(fixture, "logits"), "\(fixture) logits")
    }

    @Test func mobileNetV2MatchesKeras() throws {
        try Self.check(MobilenetV2.self, "mobilenet_v2") { model, input, recorder in
            recorder.map { model(input, intercepting: $0) } ?? model(input)
        }
    }

    @Test func resNet50MatchesKeras() throws {
        try Self.check(Resnet50.self, "resnet50") { model, input, recorder in
            recorder.map { model(input, intercepting: $0) } ?? model(input)
        }
    }

    /// The layer counts Keras reports for each application are the generated model's.
    @Test(arguments: ["mobilenet_v2", "resnet50"])
    func layerCountsAreKeras(_ fixture: String) throws {
        let counts = try JSONReader.parse(
            [UInt8](Data(contentsOf: ApplicationFixtures.url("\(fixture)/layer_counts.json")))
        ).value
        let spec = try ModelSpecParser.parse(
            Array(
                try String(
                    contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                        .appendingPathComponent("\(fixture).model.json"),
                    encoding: .utf8
                ).utf8),
            file: "\(fixture).model.json")
        var ours: [String: Int] = [:]
        for layer in spec.layers { ours[layer.className, default: 0] += 1 }
        for member in counts.objectMembers ?? [] {
            #expect(ours[member.key] == member.value.value.intValue, "\(fixture): \(member.key)")
        }
    }
}
