import Foundation
import ModelRuntime
import Testing

/// Models whose specs use custom layers written in Swift (`CustomLayers.swift`, the same file
/// as Examples/CustomLayers), against Keras models using the same layers written in Python
/// (`tools/custom_layers.py`, fixtures from `tools/make_custom_layer_fixtures.py`). Outputs,
/// configs and JSON round trips are checked with every fixture in `KerasParityTests`.
@Suite struct CustomLayerTests {
    static let fixtures = ["custom_sequential", "custom_functional"]

    @Test(arguments: fixtures)
    func weightPathsAreKerasPathsAndKerasWeightFilesLoad(_ name: String) throws {
        let fixture = try #require(WeightFileTests.model(name))
        #expect(fixture.weightPaths().map(\.path) == (try WeightFileTests.kerasPaths(name)))
        let outputs = try fixture.runLoading(Fixtures.url("\(name)/model.weights.h5"), try Fixtures.tensors(name, "input"))
        expectClose(try #require(outputs.first), try Fixtures.tensor("\(name)/output.npy"), "\(name) from model.weights.h5")
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
