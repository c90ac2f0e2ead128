import Foundation
import ModelRuntime
import Testing

/// Records every layer a cloner is handed, like a Keras `clone_function` that logs its
/// argument, and returns the layer unchanged.
final class RecordingCloner: LayerCloner {
    var calls: [[String]] = []
    func clone<L: Layer>(_ layer: L, at path: LayerPath) -> L {
        calls.append([path.name, L.Config.className])
        return layer
    }
}

/// Records every layer output of a run, by path.
final class Recorder: CallInterceptor {
    var outputs: [(LayerPath, Tensor)] = []
    func intercept<L: Layer>(_ layer: L, at path: @autoclosure () -> LayerPath, output: Tensor) -> Tensor {
        outputs.append((path(), output))
        return output
    }
}

/// Monte Carlo dropout: drops each output of every Dense layer with probability `rate` and
/// scales the rest, at inference, as Keras's `Dropout(training=True)` would.
final class MonteCarloDropout: CallInterceptor {
    let rate: Double
    private let generator: Philox
    private var counter: UInt32 = 0

    init(rate: Double, seed: UInt64) {
        self.rate = rate
        generator = Philox(seed: seed)
    }

    func intercept<L: Layer>(_ layer: L, at path: @autoclosure () -> LayerPath, output: Tensor) -> Tensor {
        guard layer is Dense, rate > 0 else { return output }
        var dropped = output
        dropped.withUnsafeMutableScalars { values in
            for index in values.indices {
                let bits = generator.block(UInt32(index), counter, 7, 0).0
                values[index] = Double(bits >> 8) * 0x1p-24 < rate ? 0 : values[index] / Float(1 - rate)
            }
        }
        counter += 1
        return dropped
    }
}

@Suite struct FunctionalTests {
    static let cloneModel: JSONValue = {
        let data = (try? Data(contentsOf: Fixtures.url("nested_two_levels/clone_model.json"))) ?? Data()
        return (try? JSONReader.parse([UInt8](data)).value) ?? .null
    }()

    /// The layers Keras's `clone_model` hands its clone_function, recorded on the same model.
    static func kerasCalls(_ mode: String) -> [[String]] {
        (cloneModel[mode]?["calls"]?.value.arrayElements ?? []).map { call in
            (call.value.arrayElements ?? []).compactMap { $0.value.stringValue }
        }
    }

    @Test(arguments: [false, true])
    func recursiveCloneHandsTheClonerWhatKerasHandsItsCloneFunction(_ recursive: Bool) {
        let expected = Self.kerasCalls(recursive ? "recursive_true" : "recursive_false")
        #expect(!expected.isEmpty)
        let recorder = RecordingCloner()
        _ = NestedTwoLevels(seed: 1).clone(with: recorder, recursive: recursive)
        #expect(recorder.calls == expected)
    }

    @Test(arguments: [false, true])
    func freshWeightsWithASeedMatchInitAtEveryDepth(_ recursive: Bool) {
        let clone = NestedTwoLevels(seed: 1).clone(with: FreshWeights(seed: 7), recursive: recursive)
        #expect(clone.weights == NestedTwoLevels(seed: 7).weights)
        #expect(clone.weights != NestedTwoLevels(seed: 1).weights)
    }

    @Test(arguments: [false, true])
    func sharingWeightsSharesNestedStorage(_ recursive: Bool) {
        let model = NestedTwoLevels(seed: 2)
        let clone = model.clone(with: SharingWeights(), recursive: recursive)
        #expect(zip(clone.weights, model.weights).allSatisfy { $0.sharesStorage(with: $1) })
    }

    @Test func aSharedLayerIsClonedOnceAndStaysShared() throws {
        let recorder = RecordingCloner()
        let model = Siamese(seed: 3)
        _ = model.clone(with: recorder)
        #expect(recorder.calls.filter { $0[0] == "encoder" }.count == 1)
        // One encoder serves both inputs: equal inputs give equal encodings, so Subtract is 0
        // and the output is sigmoid of the head's bias.
        let x = Tensor(shape: [2, 5], scalars: (0..<10).map { Float($0) / 10 })
        var clone = model.clone()
        var weights = clone.weights
        weights[weights.count - 1] = Tensor(shape: [1], scalars: [0.5])
        try clone.setWeights(weights)
        let output = clone(x, x)
        #expect(output.scalars.allSatisfy { abs($0 - 1 / (1 + exp(-0.5))) < 1e-6 })
    }

    @Test func anInterceptorSeesEveryLayerInOrderAndNestedLayersByPath() throws {
        let recorder = Recorder()
        let model = NestedTwoLevels(seed: 4)
        let input = try Fixtures.tensor("nested_two_levels/input.npy")
        let output = model(input, intercepting: recorder)
        #expect(output == model(input))
        #expect(
            recorder.outputs.map(\.0.description) == [
                "middle/inner/inner_dense", "middle/inner", "middle/middle_dense", "middle", "outer_dense",
            ])
        #expect(recorder.outputs.last?.1 == output)
    }

    /// Keras's call_function example inserts a Dropout after every Dense; at inference that
    /// changes nothing (Keras's variant gives the base's outputs), and with dropout active it
    /// is Monte Carlo dropout.
    @Test func monteCarloDropoutThroughAnInterceptor() throws {
        var model = DropoutAfterDense(seed: 1)
        try model.setWeights(try Fixtures.weights("dropout_after_dense"))
        let input = try Fixtures.tensor("dropout_after_dense/input.npy")
        let keras = try Fixtures.tensor("dropout_after_dense/variant_output.npy")
        expectClose(model(input, intercepting: MonteCarloDropout(rate: 0, seed: 1)), keras, "rate 0")
        let dropout = MonteCarloDropout(rate: 0.5, seed: 1)
        let first = model(input, intercepting: dropout)
        let second = model(input, intercepting: dropout)
        #expect(first != second)
        #expect(first != model(input))
    }
}

/// Keras's `clone_model(model, input_tensors=…)` as `clone(inputShapes:with:)`.
@Suite struct NewInputShapeTests {
    static func kerasWeightShapes(_ key: String) throws -> [[Int]] {
        let json = try JSONReader.parse([UInt8](Data(contentsOf: Fixtures.url("new_input_shape/weight_shapes.json"))))
            .value
        return (json[key]?.value.arrayElements ?? []).map {
            ($0.value.arrayElements ?? []).compactMap { $0.value.intValue }
        }
    }

    @Test func aFixedBatchKeepsTheWeightsAndTheOutputs() throws {
        var model = NewInputShape(seed: 1)
        try model.setWeights(try Fixtures.weights("new_input_shape"))
        let clone = try model.clone(inputShapes: [[2, 8]], with: SharingWeights())
        #expect(clone.inputShapes == [[2, 8]])
        #expect(clone.weights.map(\.shape) == (try Self.kerasWeightShapes("batch2")))
        #expect(zip(clone.weights, model.weights).allSatisfy { $0.sharesStorage(with: $1) })
        let input = try Fixtures.tensor("new_input_shape/input.npy")
        let pair = input.reshaped(to: input.shape).scalars.prefix(16)
        let batch = Tensor(shape: [2, 8], scalars: Array(pair))
        #expect(clone(batch) == model(batch))
        // Keras's clone on the same input: the same architecture but for the batch shape.
        let keras = try ModelSpecParser.parse(
            JSONReader.parse([UInt8](Data(contentsOf: Fixtures.url("new_input_shape/batch2.json")))))
        #expect(keras.inputShapes == clone.inputShapes)
        #expect(keras.outputShapes == clone.outputShapes)
    }

    @Test func anotherFeatureSizeDrawsWeightsOfTheNewShapes() throws {
        let model = NewInputShape(seed: 1)
        let clone = try model.clone(inputShapes: [[nil, 12]])
        #expect(clone.weights.map(\.shape) == (try Self.kerasWeightShapes("features12")))
        let keras = try ModelSpecParser.parse(
            JSONReader.parse([UInt8](Data(contentsOf: Fixtures.url("new_input_shape/features12.json")))))
        #expect(keras.layers.flatMap(\.weights).map(\.shape) == clone.weights.map(\.shape))
        // Keeping weights that no longer fit is an error naming the layer.
        #expect(throws: WeightError.self) { try model.clone(inputShapes: [[nil, 12]], with: CopyingWeights()) }
    }

    @Test func aShapeThatBreaksALayerNamesItAndBothShapes() throws {
        // Keras: "Inputs have incompatible shapes. Received shapes (12,) and (8,)".
        let keras = try String(contentsOf: Fixtures.url("new_input_shape/error.txt"), encoding: .utf8)
        #expect(keras.contains("incompatible shapes"))
        do {
            _ = try ResidualBlock(seed: 1).clone(inputShapes: [[nil, 12]])
            Issue.record("the residual Add cannot take (None, 12) and (None, 8)")
        } catch {
            #expect(
                "\(error)"
                    == """
                    Functional 'residual_block': layer 'add' cannot take input shapes (None, 12), (None, 8): Add \
                    inputs have incompatible shapes: (None, 12), (None, 8)
                    """
            )
        }
    }
}

/// Keras's call_function example as a build-time variant: `dropout_after_dense_mc.variant.json`
/// inserts a Dropout after every Dense of `dropout_after_dense.model.json`.
@Suite struct VariantTests {
    @Test func theVariantIsWhatKerasCallFunctionBuilds() throws {
        let ours = try ModelSpecParser.parse(JSONReader.parse(DropoutAfterDenseMc(seed: 1).kerasJSON()))
        let keras = try ModelSpecParser.parse(
            JSONReader.parse([UInt8](Data(contentsOf: Fixtures.url("dropout_after_dense/variant.json")))))
        #expect(ours.graph == keras.graph)
        #expect(ours.layers.map(\.className) == keras.layers.map(\.className))
        for (a, b) in zip(ours.layers, keras.layers) where !a.isInput {
            #expect(a.name == b.name)
            let (x, y) = (try #require(a.config), try #require(b.config))
            #expect(try SpecEncoder().encode(x) == SpecEncoder().encode(y), "\(a.name)")
        }
    }

    @Test func theVariantSharesTheBaseLayersAndComputesKerasOutputs() throws {
        var base = DropoutAfterDense(seed: 1)
        try base.setWeights(try Fixtures.weights("dropout_after_dense"))
        let variant = try DropoutAfterDenseMc(sharingLayersOf: base)
        #expect(variant.weights.count == base.weights.count)
        #expect(zip(variant.weights, base.weights).allSatisfy { $0.sharesStorage(with: $1) })
        let input = try Fixtures.tensor("dropout_after_dense/input.npy")
        expectClose(variant(input), try Fixtures.tensor("dropout_after_dense/variant_output.npy"), "variant")
        // The inserted layers are ordinary typed layers, e.g. for Monte Carlo dropout.
        #expect(variant.dropout.config.rate == 0.5)
        #expect(variant.dropout2.config.name == "dropout_2")
    }
}
