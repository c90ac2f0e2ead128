import Foundation
import ModelRuntime
import Testing

/// Models whose specs use custom layers written in Swift (`CustomLayers.swift`, the same file
/// as Examples/CustomLayers), against Keras models using the same layers written in Python
/// (`tools/custom_layers.py`, fixtures from `tools/make_custom_layer_fixtures.py`). Outputs,
/// configs and JSON round trips are checked with every fixture in `KerasParityTests`.
@Suite struct CustomLayerTests {
    static let fixtures = ["custom_sequential", "custom_functional", "subclassed_model"]

    @Test(arguments: fixtures)
    func weightPathsAreKerasPathsAndKerasWeightFilesLoad(_ name: String) throws {
        let fixture = try #require(WeightFileTests.model(name))
        #expect(fixture.weightPaths().map(\.path) == (try WeightFileTests.kerasPaths(name)))
        let outputs = try fixture.runLoading(
            Fixtures.url("\(name)/model.weights.h5"), try Fixtures.tensors(name, "input"))
        expectClose(
            try #require(outputs.first), try Fixtures.tensor("\(name)/output.npy"), "\(name) from model.weights.h5")
    }

    /// A subclassed Keras model (`ScaledMLP(keras.Model)` in Python), saved whole: its spec is
    /// the class's config at the top with `build_config`, and so is the Keras JSON we write.
    @Test func subclassedModelsAreTheirClassAtTheTop() throws {
        let model = SubclassedModel(seed: 1)
        let layer: ScaledMLP = model.scaledMlp
        #expect(layer.config.hidden == 7 && layer.config.classes == 3)
        #expect(model.inputShapes == [[nil, 6]], "the batch size Keras built it with is not kept")
        let json = try JSONReader.parse(model.kerasJSON()).value
        #expect(json["class_name"]?.stringValue == "ScaledMLP")
        #expect(json["registered_name"]?.stringValue == "Custom>ScaledMLP")
        #expect(json["config"]?["hidden"] == JSONNode(.number("7")))
        #expect(json["build_config"]?["input_shape"] == JSONNode(.array([JSONNode(.null), JSONNode(.number("6"))])))

        // Keras's whole-model archive: its config must describe the type, its weights load.
        let loaded = try SubclassedModel(contentsOf: Fixtures.url("subclassed_model/model.keras"))
        expectClose(
            loaded(try Fixtures.tensor("subclassed_model/input.npy")),
            try Fixtures.tensor("subclassed_model/output.npy"),
            "subclassed_model from model.keras")
        #expect(throws: (any Error).self) { try SubclassedModel(kerasJSON: CustomSequential(seed: 1).kerasJSON()) }
    }

    /// This target's model-generator-config.json declares Examples/CustomLayers' layers as that
    /// example declares them (it compiles the example's Layers.swift), plus `ExampleModel` of
    /// Keras's clone tests (`ExampleModelLayer.swift`).
    @Test func theTargetDeclaresTheExampleLayersAsTheExampleDoes() throws {
        func declarations(_ url: URL) throws -> [String: NSDictionary] {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
            return try #require(object?["customLayers"] as? [String: NSDictionary])
        }
        let tests = try declarations(
            Fixtures.specs.deletingLastPathComponent()
                .appendingPathComponent("model-generator-config.json"))
        let example = try declarations(
            Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Examples/CustomLayers/Sources/CustomLayers/model-generator-config.json"))
        #expect(!example.isEmpty)
        #expect(tests.filter { $0.key != "ExampleModel" } == example)
        #expect(tests["ExampleModel"]?["swiftType"] as? String == "ExampleModel")
    }

    @Test func customLayersHaveTheirSwiftTypesAndConfigs() throws {
        let model = CustomSequential(seed: 1)
        // The generated properties are the user's types, with the spec's values.
        let linear: Linear = model.linear
        let scale: ChannelScale = model.scale
        #expect(linear.config == LinearConfig(name: "linear", units: 8, useBias: true))
        #expect(scale.config.initValue == 0.5)
        #expect(scale.gamma == Tensor(shape: [8], repeating: 0.5), "gamma starts at init_value, as in Keras")
        #expect(model.residual.config.hiddenUnits == 5)
        #expect(model.weights.map(\.shape) == [[6, 8], [8], [8], [8, 5], [5], [5, 8], [8], [8, 3], [3]])
    }

    @Test func freshWeightClonesRedrawCustomLayers() {
        let model = CustomSequential(seed: 1)
        let clone = model.clone(with: FreshWeights(seed: 2))
        #expect(clone.config == model.config)
        #expect(clone.linear.weights != model.linear.weights)
        #expect(clone.residual.weights != model.residual.weights)
        #expect(clone.weights == CustomSequential(seed: 2).weights, "the same seed gives the weights init(seed:) gives")
        #expect(clone.weights == model.clone(with: FreshWeights(seed: 2)).weights)
    }

    @Test func sharingAndCopyingClonesKeepCustomLayerWeights() throws {
        let model = CustomFunctional(seed: 1)
        let input = try Fixtures.tensor("custom_functional/input.npy")
        let shared = model.clone(with: SharingWeights())
        #expect(zip(shared.weights, model.weights).allSatisfy { $0.sharesStorage(with: $1) })
        #expect(shared(input) == model(input))

        var copied = model.clone(with: CopyingWeights())
        #expect(copied.weights == model.weights)
        #expect(zip(copied.weights, model.weights).allSatisfy { !$0.sharesStorage(with: $1) })
        #expect(copied(input) == model(input))
        // The copy is independent: changing its custom layer's weights leaves the original.
        try copied.scale.setWeights([Tensor(shape: [6], repeating: 3)])
        #expect(copied.scale.gamma != model.scale.gamma)
        #expect(copied(input) != model(input))
    }

    /// A cloner that rewrites custom configs the way Keras users rewrite `get_config()`.
    struct DoubleInitialScale: LayerCloner {
        func clone<L: Layer>(_ layer: L, at path: LayerPath) -> L {
            guard var config = layer.config as? ChannelScaleConfig else { return layer }
            config.initValue *= 2
            return FreshWeights(seed: 1).rebuild(layer, config: config as! L.Config, at: path)
        }
    }

    @Test func userClonersRewriteCustomConfigs() {
        let clone = CustomSequential(seed: 1).clone(with: DoubleInitialScale())
        #expect(clone.scale.config.initValue == 1)
        #expect(clone.scale.gamma == Tensor(shape: [8], repeating: 1))
        #expect(clone.linear.weights == CustomSequential(seed: 1).linear.weights, "other layers are kept")
    }

    @Test func kerasJSONReadsCustomConfigsWithTheSwiftTypes() throws {
        let json = CustomSequential(seed: 1).kerasJSON()
        #expect(json.contains(#""registered_name": "Custom>ChannelScale""#))
        #expect(json.contains(#""module": "custom_layers""#))
        let edited = json.replacingOccurrences(of: #""init_value": 0.5"#, with: #""init_value": 0.25"#)
        let model = try CustomSequential(kerasJSON: edited, seed: 1)
        #expect(model.scale.gamma == Tensor(shape: [8], repeating: 0.25))

        // A custom layer the type does not know, or a config its Swift type refuses, throws.
        let unknown = json.replacingOccurrences(of: "Custom>ChannelScale", with: "Custom>Missing")
        #expect { try CustomSequential(kerasJSON: unknown) } throws: { error in
            "\(error)".contains("the custom layer 'Custom>Missing' is not declared")
        }
        let refused = json.replacingOccurrences(of: #""hidden_units": 5"#, with: #""hidden_units": -5"#)
        #expect { try CustomSequential(kerasJSON: refused) } throws: { error in
            "\(error)".contains("invalid 'hidden_units' in ResidualDense config: must be positive")
        }
    }
}
