import Foundation
import ModelSpec
import Testing

// Typed layer configs: Keras's defaults, the spellings Keras accepts, Swift rendering, JSON
// round trips and seeds.

/// Decodes a `T` from JSON text.
private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try SpecDecoder().decode(T.self, from: JSONReader.parse(text))
}

/// The diagnostic decoding a `T` from `text` throws, `LINE:COLUMN: error: MESSAGE`, or nil.
private func decodeFailure<T: Decodable>(_ type: T.Type, _ text: String) -> String? {
    do {
        _ = try SpecDecoder().decode(T.self, from: JSONReader.parse(text))
        return nil
    } catch {
        return error.description
    }
}

/// `value` written as Keras JSON text and read back.
private func roundTrip<T: Codable>(_ value: T) throws -> T {
    let text = JSONWriter().write(try SpecEncoder().encode(value))
    return try decode(T.self, text)
}

/// Whether two type-erased configs are of the same type and equal.
private func sameConfig(_ a: any LayerConfig, _ b: any LayerConfig) -> Bool {
    func equals<C: LayerConfig>(_ a: C) -> Bool { (b as? C) == a }
    return equals(a)
}

/// Files of the test tree: Keras's own JSON and the hand-written specs.
private enum TestFiles {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    static func json(_ path: String) throws -> JSONNode {
        try JSONReader.parse(String(contentsOf: tests.appendingPathComponent(path), encoding: .utf8))
    }

    /// The `config` of each layer of a Sequential spec, in order.
    static func layerConfigs(_ path: String) throws -> [JSONNode] {
        let layers = try #require(try json(path)["config"]?["layers"]?.arrayElements)
        return try layers.map { try #require($0["config"]) }
    }

    static let kerasHandWritten = "Fixtures/hand_written/keras.json"
    static let minimalHandWritten = "ModelRuntimeTests/Specs/hand_written.model.json"
    /// Written by Keras 3.15: InputLayer, Dense, Activation and Dropout in full.
    static let kerasActivations = "ModelRuntimeTests/Specs/activations_1.model.json"
}

/// Typed layer configs, in suites by topic.
@Suite("Layer configs")
struct LayerConfigTests {}

// MARK: - Defaults

extension LayerConfigTests {
    @Suite("Keras's defaults")
    struct Defaults {
        @Test("A minimal spec describes the same model as Keras's full JSON of it")
        func handWrittenMatchesKeras() throws {
            let keras = try ModelSpecParser.parse(TestFiles.json(TestFiles.kerasHandWritten))
            let minimal = try ModelSpecParser.parse(TestFiles.json(TestFiles.minimalHandWritten))
            #expect(minimal.attributes == keras.attributes)
            #expect(minimal.layers.map(\.className) == ["InputLayer", "Dense", "Dense"])
            #expect(minimal.layers.map(\.className) == keras.layers.map(\.className))
            for (ours, theirs) in zip(minimal.layers, keras.layers) {
                let (a, b) = (try #require(ours.config), try #require(theirs.config))
                #expect(sameConfig(a, b), "\(ours.name): \(a) ≠ \(b)")
                #expect(ours.weights == theirs.weights, "\(ours.name)")
            }
            #expect(minimal.nodeShapes == keras.nodeShapes)
            #expect(minimal.parameterCount == keras.parameterCount)
        }

        @Test("Minimal Dense configs decode to Keras's full Dense configs")
        func dense() throws {
            let keras = try TestFiles.layerConfigs(TestFiles.kerasHandWritten)
            let full = try SpecDecoder().decode(DenseConfig.self, from: keras[1])
            let minimal = try decode(DenseConfig.self, #"{"name": "dense", "units": 32, "activation": "relu"}"#)
            #expect(minimal == full)
            #expect(minimal == DenseConfig(units: 32, activation: .relu))
            #expect(full.trainable && full.useBias && full.dtype == .float32)
            #expect(full.kernelInitializer == .glorotUniform(seed: nil))
            #expect(full.biasInitializer == .zeros)
            #expect(full.kernelRegularizer == nil && full.biasRegularizer == nil && full.activityRegularizer == nil)
            #expect(full.kernelConstraint == nil && full.biasConstraint == nil)

            let second = try SpecDecoder().decode(DenseConfig.self, from: keras[2])
            #expect(second == DenseConfig(name: "dense_1", units: 1, activation: .sigmoid))
            #expect(
                try decode(DenseConfig.self, #"{"name": "dense_1", "units": 1, "activation": "sigmoid"}"#) == second)
        }

        @Test("Minimal InputLayer configs, batch_shape or shape, decode to Keras's full InputLayer config")
        func inputLayer() throws {
            let keras = try TestFiles.layerConfigs(TestFiles.kerasHandWritten)
            let full = try SpecDecoder().decode(InputLayerConfig.self, from: keras[0])
            #expect(full == InputLayerConfig(batchShape: [nil, 728]))
            #expect(try decode(InputLayerConfig.self, #"{"name": "input_layer", "batch_shape": [null, 728]}"#) == full)
            #expect(try decode(InputLayerConfig.self, #"{"name": "input_layer", "shape": [728]}"#) == full)
            // keras.Input(shape=(728,), batch_size=16) and the Keras 2 spellings.
            #expect(
                try decode(InputLayerConfig.self, #"{"name": "input_layer", "shape": [728], "batch_size": 16}"#)
                    == InputLayerConfig(batchShape: [16, 728]))
            #expect(
                try decode(InputLayerConfig.self, #"{"name": "input_layer", "batch_input_shape": [null, 728]}"#) == full
            )
            #expect(try decode(InputLayerConfig.self, #"{"name": "input_layer", "input_shape": [728]}"#) == full)
        }

        @Test("Minimal Activation and Dropout configs decode to Keras's full configs")
        func activationAndDropout() throws {
            let keras = try TestFiles.layerConfigs(TestFiles.kerasActivations)
            let kerasActivation = try #require(keras.first { $0["name"]?.stringValue == "activation" })
            let kerasDropout = try #require(keras.first { $0["name"]?.stringValue == "dropout" })

            let activation = try SpecDecoder().decode(ActivationConfig.self, from: kerasActivation)
            #expect(activation == ActivationConfig(activation: .relu))
            #expect(try decode(ActivationConfig.self, #"{"name": "activation", "activation": "relu"}"#) == activation)

            let dropout = try SpecDecoder().decode(DropoutConfig.self, from: kerasDropout)
            #expect(dropout == DropoutConfig(rate: 0.5))
            #expect(try decode(DropoutConfig.self, #"{"name": "dropout", "rate": 0.5}"#) == dropout)
            #expect(dropout.seed == nil && dropout.noiseShape == nil && dropout.trainable)
        }

        @Test("Every layer of a Keras-written spec decodes to the config a minimal spec gives")
        func kerasActivationsSpec() throws {
            let description = try ModelSpecParser.parse(TestFiles.json(TestFiles.kerasActivations))
            for layer in description.layers {
                // Rebuild the layer's config from its non-default fields only, then decode that.
                let config = try #require(layer.config)
                let configType = try #require(layer.kind).configType
                let minimal = try SpecDecoder().decode(configType, from: JSONNode(minimalJSON(config)))
                #expect(sameConfig(minimal, config), "\(layer.name)")
            }
        }

        /// The config's Keras JSON without the members equal to the template's.
        private func minimalJSON<C: LayerConfig>(_ config: C) throws -> JSONValue {
            let full = try SpecEncoder().encode(config)
            let defaults = try SpecEncoder().encode(C.template)
            let required = Set(C.fields.filter(\.isRequired).map(\.key))
            guard case .object(let members) = full else { return full }
            return .object(
                members.filter { member in
                    required.contains(member.key) || defaults[member.key] != member.value
                })
        }

        @Test("Templates hold Keras's defaults")
        func templates() {
            #expect(
                DenseConfig.template
                    == DenseConfig(
                        name: "dense", trainable: true, dtype: .float32, units: 1, activation: .linear, useBias: true,
                        kernelInitializer: .glorotUniform(seed: nil), biasInitializer: .zeros))
            #expect(ActivationConfig.template == ActivationConfig(name: "activation", activation: .linear))
            #expect(DropoutConfig.template == DropoutConfig(name: "dropout", rate: 0, seed: nil, noiseShape: nil))
            #expect(InputLayerConfig.template.name == "input_layer")
            #expect(InputLayerConfig.template.dtype == "float32")
            #expect(
                !InputLayerConfig.template.sparse && !InputLayerConfig.template.ragged
                    && !InputLayerConfig.template.optional)
        }

        @Test("null means the default for activation and dtype")
        func nullValues() throws {
            let config = try decode(DenseConfig.self, #"{"name": "d", "units": 2, "activation": null, "dtype": null}"#)
            #expect(config == DenseConfig(name: "d", units: 2))
        }

        @Test("Fields are listed in Keras's get_config() order")
        func fieldOrder() {
            #expect(
                DenseConfig.fields.map(\.key) == [
                    "name", "trainable", "dtype", "units", "activation", "use_bias", "kernel_initializer",
                    "bias_initializer",
                    "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
                    "bias_constraint",
                ])
            #expect(DropoutConfig.fields.map(\.key) == ["name", "trainable", "dtype", "rate", "seed", "noise_shape"])
            #expect(ActivationConfig.fields.map(\.key) == ["name", "trainable", "dtype", "activation"])
            #expect(
                InputLayerConfig.fields.map(\.key) == ["batch_shape", "dtype", "sparse", "ragged", "name", "optional"])
            #expect(DenseConfig.fields.filter(\.isRequired).map(\.key) == ["name", "units"])
            #expect(DenseConfig.fields.map(\.label).contains("kernelInitializer"))
        }
    }
}

// MARK: - Initializers

extension LayerConfigTests {
    @Suite("Initializers")
    struct Initializers {
        static let stringForms: [(String, Initializer)] = [
            ("he_normal", .heNormal()),
            ("he_uniform", .heUniform()),
            ("glorot_uniform", .glorotUniform()),
            ("glorot_normal", .glorotNormal()),
            ("lecun_uniform", .lecunUniform()),
            ("lecun_normal", .lecunNormal()),
            ("zeros", .zeros),
            ("zero", .zeros),
            ("ones", .ones),
            ("one", .ones),
            ("constant", .constant(value: 0)),
            ("GlorotUniform", .glorotUniform()),
            ("HeNormal", .heNormal()),
            ("Zeros", .zeros),
            ("normal", .randomNormal(mean: 0, stddev: 0.05)),
            ("random_normal", .randomNormal()),
            ("RandomNormal", .randomNormal()),
            ("uniform", .randomUniform(minval: -0.05, maxval: 0.05)),
            ("random_uniform", .randomUniform()),
            ("truncated_normal", .truncatedNormal(mean: 0, stddev: 0.05)),
            ("variance_scaling", .varianceScaling(scale: 1, mode: .fanIn, distribution: .truncatedNormal)),
            ("orthogonal", .orthogonal(gain: 1)),
            ("OrthogonalInitializer", .orthogonal()),
            ("identity", .identity(gain: 1)),
            ("IdentityInitializer", .identity()),
        ]

        @Test("String forms name the right initializer with its defaults", arguments: stringForms)
        func stringForm(name: String, expected: Initializer) throws {
            #expect(try decode(Initializer.self, "\"\(name)\"") == expected)
            let dense = try decode(DenseConfig.self, #"{"name": "d", "units": 2, "kernel_initializer": "\#(name)"}"#)
            #expect(dense.kernelInitializer == expected)
            // The object form without a config means the same.
            #expect(try decode(Initializer.self, #"{"class_name": "\#(name)"}"#) == expected)
        }

        @Test("Object forms read every parameter")
        func objectForms() throws {
            #expect(
                try decode(
                    Initializer.self,
                    #"""
                    {"module": "keras.initializers", "class_name": "RandomNormal",
                     "config": {"seed": 3, "mean": 1.5, "stddev": 2.0}, "registered_name": null}
                    """#) == .randomNormal(mean: 1.5, stddev: 2, seed: 3))
            #expect(
                try decode(Initializer.self, #"{"class_name": "RandomUniform", "config": {"minval": -1, "maxval": 1}}"#)
                    == .randomUniform(minval: -1, maxval: 1))
            #expect(
                try decode(
                    Initializer.self, #"{"class_name": "TruncatedNormal", "config": {"stddev": 0.02, "seed": null}}"#)
                    == .truncatedNormal(stddev: 0.02))
            #expect(
                try decode(Initializer.self, #"{"class_name": "Orthogonal", "config": {"gain": 2.0, "seed": 9}}"#)
                    == .orthogonal(gain: 2, seed: 9))
            #expect(
                try decode(Initializer.self, #"{"class_name": "Identity", "config": {"gain": 0.5}}"#)
                    == .identity(gain: 0.5))
            #expect(
                try decode(Initializer.self, #"{"class_name": "Constant", "config": {"value": 0.1}}"#)
                    == .constant(value: 0.1))
            #expect(try decode(Initializer.self, #"{"class_name": "Ones", "config": {}}"#) == .ones)
            #expect(
                try decode(
                    Initializer.self,
                    #"""
                    {"class_name": "HeUniform", "config": {"seed": 42, "input_axes": null, "output_axes": null}}
                    """#) == .heUniform(seed: 42))
        }

        @Test("VarianceScaling's distribution \"normal\" means truncated_normal, as in Keras")
        func varianceScalingNormal() throws {
            #expect(
                try decode(
                    Initializer.self,
                    #"""
                    {"class_name": "VarianceScaling", "config": {"scale": 2.0, "mode": "fan_out", "distribution": \#
                    "normal"}}
                    """#) == .varianceScaling(scale: 2, mode: .fanOut, distribution: .truncatedNormal))
            #expect(
                try decode(
                    Initializer.self,
                    #"""
                    {"class_name": "VarianceScaling", "config": {"distribution": "untruncated_normal", "mode": \#
                    "fan_avg", "seed": 4}}
                    """#) == .varianceScaling(scale: 1, mode: .fanAvg, distribution: .untruncatedNormal, seed: 4))
            #expect(
                try decode(
                    Initializer.self, #"{"class_name": "VarianceScaling", "config": {"distribution": "uniform"}}"#)
                    == .varianceScaling(distribution: .uniform))
            #expect(
                try decode(Initializer.self, #"{"class_name": "VarianceScaling", "config": {}}"#)
                    == .varianceScaling(scale: 1, mode: .fanIn, distribution: .truncatedNormal, seed: nil))
            // Written back, "normal" is spelled the way Keras 3 writes it.
            let written = try SpecEncoder().encode(Initializer.varianceScaling(distribution: .truncatedNormal))
            #expect(written["config"]?["distribution"]?.stringValue == "truncated_normal")
        }

        @Test("The Glorot, He and LeCun families are VarianceScaling with Keras's parameters")
        func families() {
            #expect(Initializer.glorotUniform().varianceScaling! == (1, .fanAvg, .uniform))
            #expect(Initializer.glorotNormal().varianceScaling! == (1, .fanAvg, .truncatedNormal))
            #expect(Initializer.heUniform().varianceScaling! == (2, .fanIn, .uniform))
            #expect(Initializer.heNormal().varianceScaling! == (2, .fanIn, .truncatedNormal))
            #expect(Initializer.lecunUniform().varianceScaling! == (1, .fanIn, .uniform))
            #expect(Initializer.lecunNormal().varianceScaling! == (1, .fanIn, .truncatedNormal))
            #expect(Initializer.zeros.varianceScaling == nil)
        }

        @Test("Unknown names and parameters are refused, located")
        func refused() {
            #expect(
                decodeFailure(Initializer.self, #""xavier""#)
                    == """
                    1:1: error: unknown initializer 'xavier'; supported: GlorotUniform, GlorotNormal, HeUniform, \
                    HeNormal, LecunUniform, LecunNormal, VarianceScaling, RandomNormal, RandomUniform, \
                    TruncatedNormal, Orthogonal, Identity, Zeros, Ones, Constant (or their snake_case names)
                    """
            )
            #expect(
                decodeFailure(Initializer.self, #"{"class_name": "RandomNormal", "config": {"mean": 0, "sigma": 1}}"#)
                    == "1:54: error: unknown field 'sigma' in RandomNormal config")
            #expect(
                decodeFailure(Initializer.self, #"{"class_name": "VarianceScaling", "config": {"scale": 0}}"#)
                    == "1:55: error: 'scale' must be positive, found 0.0")
            #expect(
                decodeFailure(Initializer.self, #"{"class_name": "GlorotUniform", "config": {"input_axes": [0]}}"#)
                    == "1:58: error: 'input_axes' is not supported; only null")
            #expect(
                decodeFailure(Initializer.self, #"{"class_name": "Zeros", "extra": 1}"#)
                    == "1:25: error: unknown key 'extra' in an initializer")
        }
    }
}

// MARK: - Swift rendering

extension LayerConfigTests {
    @Suite("Swift expressions")
    struct SwiftExpressions {
        /// Generated code spells every built-in config by `swiftTypeName`, `className` +
        /// `Config` unless the type spells its own (the generic ones); it must be the type's
        /// Swift name, which `String(describing:)` gives (too slow to call per layer).
        @Test("Every non-generic built-in config's Swift name is its type's name")
        func swiftTypeNames() {
            let plain = LayerRegistry.builtIn.filter { !String(describing: $0.configType).contains("<") }
            #expect(plain.count >= 37)
            for kind in plain {
                #expect(kind.configTypeName == String(describing: kind.configType))
            }
        }

        /// A generic config spells its names itself; the casts that find that spelling are
        /// what a wrong conformance would break.
        @Test("Generic built-in configs spell their own Swift names")
        func genericSwiftTypeNames() {
            #expect(ConvConfig<Spatial2D>.swiftTypeName == "Conv2DConfig")
            #expect(ConvConfig<Spatial2D>.swiftRuntimeTypeName == "Conv2D")
            #expect(TimeDistributedConfig<ConvConfig<Spatial1D>>.swiftTypeName == "TimeDistributedConfig<Conv1DConfig>")
            #expect(TimeDistributedConfig<ConvConfig<Spatial1D>>.swiftRuntimeTypeName == "TimeDistributed<Conv1D>")
            #expect(DenseConfig.swiftRuntimeTypeName == "Dense")
        }

        /// Every field of a built-in config is written as Swift source by the generator: a
        /// value type without a Swift spelling would be written as its description instead.
        @Test("Every field of every built-in config has a Swift spelling")
        func everyBuiltInFieldSpellsSwift() {
            func unspelled<Config: LayerConfig>(_ type: Config.Type) -> [String] {
                Config.fields.filter { !$0.spellsSwift }.map { "\(Config.className).\($0.key)" }
            }
            var missing: [String] = []
            for kind in LayerRegistry.builtIn {
                let type: any LayerConfig.Type = kind.configType
                missing.append(contentsOf: unspelled(type))
            }
            missing += unspelled(TimeDistributedConfig<DenseConfig>.self)
            #expect(LayerRegistry.builtIn.count >= 60)
            #expect(missing == [])
        }

        @Test("Only required and non-default fields are spelled out")
        func dense() {
            #expect(DenseConfig(name: "d", units: 3).swiftExpression == #"DenseConfig(name: "d", units: 3)"#)
            #expect(
                DenseConfig(name: "d", units: 3, useBias: false).swiftExpression
                    == #"DenseConfig(name: "d", units: 3, useBias: false)"#)
            // Several non-default fields, in Keras's order.
            #expect(
                DenseConfig(
                    name: "out", trainable: false, units: 10, activation: .logSoftmax,
                    kernelInitializer: .heNormal(seed: 7), biasInitializer: .constant(value: 0.5)
                ).swiftExpression
                    == #"""
                    DenseConfig(name: "out", trainable: false, units: 10, activation: .logSoftmax, \#
                    kernelInitializer: .heNormal(seed: 7), biasInitializer: .constant(value: 0.5))
                    """#
            )
            // A default value given explicitly is left out.
            #expect(
                DenseConfig(
                    name: "d", units: 3, activation: .linear, useBias: true, kernelInitializer: .glorotUniform()
                )
                .swiftExpression == #"DenseConfig(name: "d", units: 3)"#)
            #expect(
                DenseConfig(
                    name: "d", units: 3,
                    kernelRegularizer: KerasObject(validJSON: #"{"class_name": "L2", "config": {"l2": 0.01}}"#)
                )
                .swiftExpression
                    == #"""
                    DenseConfig(name: "d", units: 3, kernelRegularizer: KerasObject(validJSON: "{\"class_name\": \#
                    \"L2\", \"config\": {\"l2\": 0.01}}"))
                    """#
            )
        }

        @Test("The other layer configs")
        func others() {
            #expect(
                InputLayerConfig(batchShape: [nil, 728]).swiftExpression
                    == #"InputLayerConfig(batchShape: [nil, 728], name: "input_layer")"#)
            #expect(
                ActivationConfig(activation: .relu).swiftExpression
                    == #"ActivationConfig(name: "activation", activation: .relu)"#)
            #expect(
                ActivationConfig(name: "a", activation: .linear).swiftExpression
                    == #"ActivationConfig(name: "a", activation: .linear)"#)
            #expect(DropoutConfig(rate: 0.5).swiftExpression == #"DropoutConfig(name: "dropout", rate: 0.5)"#)
            #expect(
                DropoutConfig(name: "drop", rate: 0.25, seed: 3, noiseShape: [nil, 1]).swiftExpression
                    == #"DropoutConfig(name: "drop", rate: 0.25, seed: 3, noiseShape: [nil, 1])"#)
        }

        @Test("Names are escaped as Swift string literals")
        func escapedName() {
            #expect(
                DenseConfig(name: "a\"b\\c\n\u{e9}", units: 1).swiftExpression
                    == #"DenseConfig(name: "a\"b\\c\n\u{e9}", units: 1)"#)
        }

        @Test("Initializers spell out only non-default parameters")
        func initializers() {
            #expect(Initializer.glorotUniform().swiftExpression == ".glorotUniform()")
            #expect(Initializer.heNormal(seed: 1).swiftExpression == ".heNormal(seed: 1)")
            #expect(Initializer.zeros.swiftExpression == ".zeros")
            #expect(Initializer.ones.swiftExpression == ".ones")
            #expect(Initializer.constant(value: 0).swiftExpression == ".constant()")
            #expect(Initializer.randomNormal(stddev: 0.02).swiftExpression == ".randomNormal(stddev: 0.02)")
            #expect(
                Initializer.randomUniform(minval: -1, maxval: 1, seed: 2).swiftExpression
                    == ".randomUniform(minval: -1.0, maxval: 1.0, seed: 2)")
            #expect(Initializer.varianceScaling().swiftExpression == ".varianceScaling()")
            #expect(
                Initializer.varianceScaling(scale: 2, mode: .fanOut, distribution: .untruncatedNormal, seed: 5)
                    .swiftExpression
                    == ".varianceScaling(scale: 2.0, mode: .fanOut, distribution: .untruncatedNormal, seed: 5)")
            #expect(
                Initializer.varianceScaling(mode: .fanAvg, distribution: .uniform).swiftExpression
                    == ".varianceScaling(mode: .fanAvg, distribution: .uniform)")
            #expect(Initializer.orthogonal(gain: 2).swiftExpression == ".orthogonal(gain: 2.0)")
            #expect(Initializer.identity().swiftExpression == ".identity()")
        }

        @Test("Activations are spelled as their Swift cases")
        func activations() {
            #expect(ActivationFunction.leakyRelu.swiftExpression == ".leakyRelu")
            #expect(ActivationFunction.geluApproximate.swiftExpression == ".geluApproximate")
            #expect(ActivationFunction.relu6.swiftExpression == ".relu6")
            #expect(ActivationFunction.sparsemax.swiftExpression == ".sparsemax")
        }
    }
}

// MARK: - Round trips

extension LayerConfigTests {
    @Suite("Keras JSON round trips")
    struct RoundTrips {
        static let configs: [any LayerConfig] = [
            InputLayerConfig(batchShape: [nil, 3, 5], name: "features"),
            InputLayerConfig(batchShape: [8, 2]),
            DenseConfig(
                name: "everything", trainable: false, dtype: .float32, units: 7, activation: .softmax, useBias: false,
                kernelInitializer: .varianceScaling(
                    scale: 0.5, mode: .fanAvg, distribution: .untruncatedNormal, seed: 9),
                biasInitializer: .constant(value: 0.1),
                kernelRegularizer: KerasObject(
                    validJSON:
                        #"""
                        {"module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.01}, \#
                        "registered_name": null}
                        """#
                ),
                biasRegularizer: KerasObject(validJSON: #"{"class_name": "L1", "config": {"l1": 0.001}}"#),
                activityRegularizer: KerasObject(
                    validJSON: #"{"class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.5}}"#),
                kernelConstraint: KerasObject(
                    validJSON: #"{"class_name": "MaxNorm", "config": {"max_value": 2, "axis": 0}}"#),
                biasConstraint: KerasObject(validJSON: #"{"class_name": "NonNeg", "config": {}}"#)),
            DenseConfig(name: "gelu", units: 1, activation: .geluApproximate, biasInitializer: .ones),
            ActivationConfig(name: "act", trainable: false, activation: .hardSilu),
            ActivationConfig(activation: .geluApproximate),
            DropoutConfig(name: "drop", trainable: false, rate: 0.25, seed: 5, noiseShape: [nil, 1]),
            DropoutConfig(rate: 1),
        ]

        @Test("Every config reads back equal from its Keras JSON", arguments: 0..<configs.count)
        func roundTrips(index: Int) throws {
            let config = Self.configs[index]
            func check<C: LayerConfig>(_ config: C) throws {
                #expect(try roundTrip(config) == config)
                // Its JSON holds every field, under its Keras key, in Keras's order.
                let json = try SpecEncoder().encode(config)
                #expect(json.objectMembers?.map(\.key) == C.fields.map(\.key))
            }
            try check(config)
        }

        static let initializers: [Initializer] = [
            .glorotUniform(seed: 1), .glorotNormal(), .heUniform(seed: 2), .heNormal(), .lecunUniform(),
            .lecunNormal(seed: 3),
            .varianceScaling(scale: 3, mode: .fanOut, distribution: .uniform, seed: 4), .varianceScaling(),
            .randomNormal(mean: -1, stddev: 0.5, seed: 5), .randomUniform(minval: 0, maxval: 2),
            .truncatedNormal(mean: 0.5, stddev: 1, seed: 6), .orthogonal(gain: 0.5, seed: 7), .identity(gain: 3),
            .zeros, .ones, .constant(value: -2.5),
        ]

        @Test("Every initializer reads back equal, alone and in a Dense config", arguments: initializers)
        func initializerRoundTrips(initializer: Initializer) throws {
            #expect(try roundTrip(initializer) == initializer)
            let dense = DenseConfig(name: "d", units: 2, kernelInitializer: initializer, biasInitializer: initializer)
            #expect(try roundTrip(dense) == dense)
            let json = try SpecEncoder().encode(initializer)
            #expect(json["module"]?.stringValue == "keras.initializers")
            #expect(json["class_name"]?.stringValue == initializer.className)
        }

        @Test("Every activation reads back equal", arguments: ActivationFunction.allCases)
        func activationRoundTrips(activation: ActivationFunction) throws {
            #expect(try roundTrip(activation) == activation)
            let layer = ActivationConfig(name: "a", activation: activation)
            #expect(try roundTrip(layer) == layer)
        }

        @Test("Ignored Keras keys are accepted when null and never written")
        func ignoredKeys() throws {
            let config = try decode(
                DenseConfig.self,
                #"""
                {"name": "d", "units": 2, "quantization_config": null, "lora_rank": null, "lora_alpha": null}
                """#)
            #expect(config == DenseConfig(name: "d", units: 2))
            let json = try SpecEncoder().encode(config)
            #expect(json["quantization_config"] == nil)
            #expect(json["lora_rank"] == nil)
        }
    }
}

// MARK: - Seeds

extension LayerConfigTests {
    @Suite("withSeeds")
    struct Seeds {
        @Test(
            "Sets the seed of every random initializer, and leaves the others alone",
            arguments: LayerConfigTests.RoundTrips.initializers)
        func initializerSeeds(initializer: Initializer) {
            let config = DenseConfig(name: "d", units: 2, kernelInitializer: initializer, biasInitializer: initializer)
            let seeded = config.withSeeds(1337)
            let isRandom: Bool
            switch initializer {
            case .identity, .zeros, .ones, .constant: isRandom = false
            default: isRandom = true
            }
            var expected = initializer
            expected.seed = 1337
            #expect(seeded.kernelInitializer == expected)
            #expect(seeded.biasInitializer == expected)
            #expect(seeded.kernelInitializer.seed == (isRandom ? 1337 : nil))
            // Only the seeds change.
            var unseeded = seeded
            unseeded.kernelInitializer.seed = initializer.seed
            unseeded.biasInitializer.seed = initializer.seed
            #expect(unseeded == config)
        }

        @Test("Sets Dropout's seed")
        func dropout() {
            let dropout = DropoutConfig(name: "drop", rate: 0.3, noiseShape: [nil, 1])
            #expect(
                dropout.withSeeds(1337) == DropoutConfig(name: "drop", rate: 0.3, seed: 1337, noiseShape: [nil, 1]))
            #expect(DropoutConfig(rate: 0.3, seed: 5).withSeeds(1337).seed == 1337)
            #expect(DropoutConfig(rate: 0.3, seed: 5).withSeeds(nil).seed == nil)
        }

        @Test("A Dense config gets the seed in both initializers; nil clears them")
        func dense() {
            let dense = DenseConfig(
                name: "d", units: 4, kernelInitializer: .heNormal(), biasInitializer: .randomUniform(seed: 2))
            let seeded = dense.withSeeds(1337)
            #expect(
                seeded
                    == DenseConfig(
                        name: "d", units: 4, kernelInitializer: .heNormal(seed: 1337),
                        biasInitializer: .randomUniform(seed: 1337)))
            #expect(
                seeded.withSeeds(nil)
                    == DenseConfig(
                        name: "d", units: 4, kernelInitializer: .heNormal(),
                        biasInitializer: .randomUniform()))
            // Regularizers and constraints are kept as they are.
            let regularized = DenseConfig(
                name: "r", units: 1,
                kernelRegularizer: KerasObject(validJSON: #"{"class_name": "L2", "config": {"l2": 0.5}}"#))
            #expect(regularized.withSeeds(1337).kernelRegularizer == regularized.kernelRegularizer)
        }

        @Test("Configs without seeds are unchanged")
        func seedless() {
            let input = InputLayerConfig(batchShape: [nil, 3])
            #expect(input.withSeeds(1337) == input)
            let activation = ActivationConfig(activation: .tanh)
            #expect(activation.withSeeds(1337) == activation)
            let dense = DenseConfig(
                name: "d", units: 1, kernelInitializer: .zeros, biasInitializer: .constant(value: 1))
            #expect(dense.withSeeds(1337) == dense)
        }
    }
}

// MARK: - Activations

extension LayerConfigTests {
    @Suite("Activations")
    struct Activations {
        @Test("Aliases decode to the function Keras means, and are written by its Keras 3 name")
        func aliases() throws {
            #expect(try decode(ActivationFunction.self, #""swish""#) == .silu)
            #expect(try decode(ActivationFunction.self, #""hard_swish""#) == .hardSilu)
            #expect(ActivationFunction(kerasName: "swish") == .silu)
            #expect(ActivationFunction(kerasName: "hard_swish") == .hardSilu)
            #expect(ActivationFunction(kerasName: "keras_hub>gelu_approximate") == .geluApproximate)
            #expect(ActivationFunction(kerasName: "relu") == .relu)
            #expect(ActivationFunction(kerasName: "Relu") == nil)
            #expect(ActivationFunction(kerasName: "glu") == nil)

            let dense = try decode(DenseConfig.self, #"{"name": "d", "units": 2, "activation": "swish"}"#)
            #expect(dense.activation == .silu)
            #expect(try SpecEncoder().encode(dense)["activation"]?.stringValue == "silu")
            #expect(try SpecEncoder().encode(ActivationFunction.hardSilu) == .string("hard_silu"))
        }

        @Test("gelu_approximate is read from KerasHub's serialized-function form and written back in it")
        func geluApproximateFunction() throws {
            let function =
                #"""
                {"module": "builtins", "class_name": "function", "config": "keras_hub>gelu_approximate", \#
                "registered_name": "function"}
                """#
            #expect(try decode(ActivationFunction.self, function) == .geluApproximate)
            #expect(try decode(ActivationFunction.self, #""gelu_approximate""#) == .geluApproximate)
            #expect(try decode(ActivationFunction.self, #""keras_hub>gelu_approximate""#) == .geluApproximate)
            let dense = try decode(DenseConfig.self, #"{"name": "d", "units": 2, "activation": \#(function)}"#)
            #expect(dense.activation == .geluApproximate)
            let layer = try decode(ActivationConfig.self, #"{"name": "a", "activation": \#(function)}"#)
            #expect(layer.activation == .geluApproximate)

            #expect(try SpecEncoder().encode(ActivationFunction.geluApproximate) == JSONReader.parse(function).value)
            #expect(try SpecEncoder().encode(ActivationFunction.gelu) == .string("gelu"))
            // Any other registered function name is still an unknown activation.
            let other =
                #"""
                {"module": "builtins", "class_name": "function", "config": "my_package>my_act", "registered_name": \#
                "function"}
                """#
            #expect(
                decodeFailure(ActivationFunction.self, other)?.hasPrefix(
                    "1:1: error: unknown activation 'my_package>my_act'; ") == true)
            #expect(
                decodeFailure(ActivationFunction.self, #"{"class_name": "Relu"}"#)
                    == "1:1: error: expected an activation name or a serialized Keras function")
        }

        @Test("Every Keras 3 name decodes to its case", arguments: ActivationFunction.allCases)
        func names(activation: ActivationFunction) throws {
            #expect(try decode(ActivationFunction.self, "\"\(activation.rawValue)\"") == activation)
        }

        @Test("null is linear, as Keras's activation=None")
        func null() throws {
            #expect(try decode(ActivationFunction.self, "null") == .linear)
        }

        @Test("Refused and unknown names say why")
        func refused() {
            #expect(
                decodeFailure(ActivationFunction.self, #""glu""#)
                    == """
                    1:1: error: activation 'glu' is not supported: it halves the last axis, which a layer's \
                    activation cannot do here
                    """
            )
            #expect(
                decodeFailure(ActivationFunction.self, #""threshold""#)?.hasPrefix(
                    "1:1: error: activation 'threshold' is not supported: ") == true)
            #expect(
                decodeFailure(ActivationFunction.self, #""rleu""#)?.hasPrefix(
                    "1:1: error: unknown activation 'rleu'; Keras 3 names supported: linear, relu,") == true)
        }
    }
}

// MARK: - Validation

extension LayerConfigTests {
    @Suite("Validation")
    struct Validation {
        @Test("Out-of-range and unsupported values are refused, naming the field")
        func refused() {
            #expect(
                decodeFailure(DenseConfig.self, #"{"name": "d", "units": 0}"#)
                    == "1:24: error: invalid 'units' in Dense config: must be a positive integer, found 0")
            #expect(
                decodeFailure(DenseConfig.self, #"{"name": "d"}"#)
                    == "1:1: error: missing required field 'units' in Dense config")
            #expect(
                decodeFailure(DenseConfig.self, #"{"units": 2}"#)
                    == "1:1: error: missing required field 'name' in Dense config")
            #expect(
                decodeFailure(DropoutConfig.self, #"{"name": "d", "rate": -0.1}"#)
                    == "1:23: error: invalid 'rate' in Dropout config: must be between 0 and 1, found -0.1")
            #expect(
                decodeFailure(InputLayerConfig.self, #"{"name": "i", "batch_shape": [null, 3], "dtype": "float16"}"#)
                    == """
                    1:50: error: input dtype 'float16' is not supported; only float32 and integers (passed as float \
                    values)
                    """
            )
            #expect(
                decodeFailure(InputLayerConfig.self, #"{"name": "i", "batch_shape": [null, -3]}"#)
                    == "1:30: error: axis sizes must be positive or null, found -3")
            #expect(
                decodeFailure(InputLayerConfig.self, #"{"name": "i", "batch_shape": []}"#)
                    == "1:30: error: an input needs at least one axis")
            #expect(
                decodeFailure(ActivationConfig.self, #"{"name": "a"}"#)
                    == "1:1: error: missing required field 'activation' in Activation config")
        }

        @Test("Shapes and weights follow from the input shape")
        func shapes() throws {
            let dense = DenseConfig(name: "d", units: 5)
            #expect(try dense.outputShape(for: [nil, 3]) == [nil, 5])
            #expect(try dense.outputShape(for: [nil, 7, 3]) == [nil, 7, 5])
            #expect(try dense.weights(for: [nil, 3]).map(\.shape) == [[3, 5], [5]])
            #expect(try dense.parameterCount(for: [nil, 3]) == 20)
            #expect(
                try DenseConfig(name: "d", units: 5, useBias: false).weights(for: [nil, 3]).map(\.name) == ["kernel"])
            #expect(throws: ShapeError.self) { try dense.outputShape(for: [nil]) }
            #expect(throws: ShapeError.self) { try dense.outputShape(for: [nil, nil]) }
            #expect(try DropoutConfig(rate: 0.5).outputShape(for: [nil, 4]) == [nil, 4])
            #expect(try ActivationConfig(activation: .relu).weights(for: [nil, 4]).isEmpty)
        }
    }
}

// MARK: - ConvLSTM

extension LayerConfigTests {
    @Suite("ConvLSTM")
    struct ConvLSTM {
        /// Keras 3.15's `get_config()` of each class built with `filters=2, kernel_size=3`
        /// (`tools/make_layer_fixtures.py`'s `defaults.json`, which leaves out `name`).
        static func kerasDefaults(_ className: String) throws -> JSONNode {
            let defaults = try TestFiles.json("Fixtures/layers/defaults.json")
            return try #require(defaults[className]?["config"])
        }

        @Test("Fields are Keras's get_config() keys, in order, and its defaults are ours")
        func kerasDefaults() throws {
            func check<C: LayerConfig>(_ type: C.Type, _ expected: C) throws {
                let keras = try Self.kerasDefaults(C.className)
                let keys = try #require(keras.objectMembers).map(\.key)
                #expect(C.fields.map(\.key) == ["name"] + keys, "\(C.className)")
                // Keras's JSON with the name added decodes to the config with only the
                // required fields given.
                guard case .object(let members) = keras.value else { return }
                let name = JSONMember(key: "name", value: JSONNode(.string(expected.name)))
                let named = JSONNode(.object([name] + members))
                #expect(try SpecDecoder().decode(C.self, from: named) == expected, "\(C.className)")
            }
            try check(ConvLSTM1DConfig.self, ConvLSTM1DConfig(filters: 2, kernelSize: 3))
            try check(ConvLSTM2DConfig.self, ConvLSTM2DConfig(filters: 2, kernelSize: 3))
            try check(ConvLSTM3DConfig.self, ConvLSTM3DConfig(filters: 2, kernelSize: 3))
            #expect(ConvLSTM2DConfig.template.name == "conv_lstm2d")
            #expect(ConvLSTM2DConfig(filters: 2, kernelSize: 3).kernelSize == [3, 3])
        }

        @Test("Outputs and states follow the input convolution; weights are Keras's")
        func shapes() throws {
            let config = ConvLSTM2DConfig(
                returnSequences: true, returnState: true, filters: 4, kernelSize: [3, 2],
                strides: 2, padding: .same)
            let input: TensorShape = [nil, nil, 7, 6, 3]
            #expect(
                try config.outputShapes(forInputs: [input])
                    == [[nil, nil, 4, 3, 4], [nil, 4, 3, 4], [nil, 4, 3, 4]])
            #expect(try config.stateShape(forSequence: input) == [nil, 4, 3, 4])
            #expect(config.outputCount == 3 && config.stateCount == 2)
            #expect(try config.weights(for: input).map(\.shape) == [[3, 2, 3, 16], [3, 2, 4, 16], [16]])
            #expect(try config.weights(for: input).map(\.name) == ["kernel", "recurrent_kernel", "bias"])
            #expect(try config.kerasWeightPaths(forInputs: [input]) == ["cell/vars/0", "cell/vars/1", "cell/vars/2"])
            let valid = ConvLSTM1DConfig(filters: 2, kernelSize: 3, dilationRate: 2, useBias: false)
            #expect(try valid.outputShape(for: [nil, 5, 9, 1]) == [nil, 5, 2])
            #expect(try valid.weights(for: [nil, 5, 9, 1]).map(\.shape) == [[3, 1, 8], [3, 2, 8]])
            let recurrent = valid.recurrentWindow
            #expect(recurrent.size == [3] && recurrent.strides == [1] && recurrent.dilation == [1])
            #expect(recurrent.padding == .same)
            // Keras needs every spatial size.
            #expect(throws: ShapeError.self) { try config.outputShape(for: [nil, 3, nil, 6, 3]) }
            #expect(throws: ShapeError.self) { try config.outputShape(for: [nil, 7, 6, 3]) }
        }

        @Test("What Keras refuses, and what is not supported, is refused naming the field")
        func refused() {
            #expect(
                decodeFailure(
                    ConvLSTM2DConfig.self,
                    #"{"name": "c", "filters": 2, "kernel_size": 3, "padding": "causal"}"#)
                    == "1:58: error: invalid 'padding' in ConvLSTM2D config: must be 'valid' or 'same' for a ConvLSTM "
                    + "layer, found 'causal'")
            #expect(
                decodeFailure(
                    ConvLSTM1DConfig.self,
                    #"{"name": "c", "filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2}"#)
                    == "1:78: error: invalid 'dilation_rate' in ConvLSTM1D config: strides greater than 1 cannot be "
                    + "combined with a dilation rate greater than 1 (Keras refuses it)")
            #expect(
                decodeFailure(ConvLSTM3DConfig.self, #"{"name": "c", "filters": 0, "kernel_size": 3}"#)
                    == "1:26: error: invalid 'filters' in ConvLSTM3D config: must be a positive integer up to 2^30, "
                    + "found 0")
            #expect(
                decodeFailure(ConvLSTM2DConfig.self, #"{"name": "c", "filters": 2, "kernel_size": [3, 3, 3]}"#)
                    == "1:44: error: invalid 'kernel_size' in ConvLSTM2D config: needs 2 values, one per spatial axis, "
                    + "found 3")
        }
    }
}
