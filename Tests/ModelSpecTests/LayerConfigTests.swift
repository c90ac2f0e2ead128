import Foundation
import ModelSpec
import Testing

// Typed layer configs: Keras's defaults, the spellings Keras accepts, Swift rendering, JSON
// round trips and seeds.

/// Decodes a `T` from JSON text.
func decodeConfig<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try SpecDecoder().decode(T.self, from: JSONReader.parse(text))
}

/// The diagnostic decoding a `T` from `text` throws, `LINE:COLUMN: error: MESSAGE`, or nil.
func configDecodeFailure<T: Decodable>(_ type: T.Type, _ text: String) -> String? {
    do {
        _ = try SpecDecoder().decode(T.self, from: JSONReader.parse(text))
        return nil
    } catch {
        return error.description
    }
}

/// `value` written as Keras JSON text and read back.
func roundTrip<T: Codable>(_ value: T) throws -> T {
    let text = JSONWriter().write(try SpecEncoder().encode(value))
    return try decodeConfig(T.self, text)
}

/// Whether two type-erased configs are of the same type and equal.
func sameConfig(_ a: any LayerConfig, _ b: any LayerConfig) -> Bool {
    func equals<C: LayerConfig>(_ a: C) -> Bool { (b as? C) == a }
    return equals(a)
}

/// Files of the test tree: Keras's own JSON and the hand-written specs.
enum TestFiles {
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
            let minimal = try decodeConfig(DenseConfig.self, #"{"name": "dense", "units": 32, "activation": "relu"}"#)
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
                try decodeConfig(DenseConfig.self, #"{"name": "dense_1", "units": 1, "activation": "sigmoid"}"#)
                    == second)
        }

        @Test("Minimal InputLayer configs, batch_shape or shape, decode to Keras's full InputLayer config")
        func inputLayer() throws {
            let keras = try TestFiles.layerConfigs(TestFiles.kerasHandWritten)
            let full = try SpecDecoder().decode(InputLayerConfig.self, from: keras[0])
            #expect(full == InputLayerConfig(batchShape: [nil, 728]))
            #expect(
                try decodeConfig(InputLayerConfig.self, #"{"name": "input_layer", "batch_shape": [null, 728]}"#) == full
            )
            #expect(try decodeConfig(InputLayerConfig.self, #"{"name": "input_layer", "shape": [728]}"#) == full)
            // keras.Input(shape=(728,), batch_size=16) and the Keras 2 spellings.
            #expect(
                try decodeConfig(InputLayerConfig.self, #"{"name": "input_layer", "shape": [728], "batch_size": 16}"#)
                    == InputLayerConfig(batchShape: [16, 728]))
            #expect(
                try decodeConfig(InputLayerConfig.self, #"{"name": "input_layer", "batch_input_shape": [null, 728]}"#)
                    == full
            )
            #expect(try decodeConfig(InputLayerConfig.self, #"{"name": "input_layer", "input_shape": [728]}"#) == full)
        }

        @Test("Minimal Activation and Dropout configs decode to Keras's full configs")
        func activationAndDropout() throws {
            let keras = try TestFiles.layerConfigs(TestFiles.kerasActivations)
            let kerasActivation = try #require(keras.first { $0["name"]?.stringValue == "activation" })
            let kerasDropout = try #require(keras.first { $0["name"]?.stringValue == "dropout" })

            let activation = try SpecDecoder().decode(ActivationConfig.self, from: kerasActivation)
            #expect(activation == ActivationConfig(activation: .relu))
            #expect(
                try decodeConfig(ActivationConfig.self, #"{"name": "activation", "activation": "relu"}"#) == activation)

            let dropout = try SpecDecoder().decode(DropoutConfig.self, from: kerasDropout)
            #expect(dropout == DropoutConfig(rate: 0.5))
            #expect(try decodeConfig(DropoutConfig.self, #"{"name": "dropout", "rate": 0.5}"#) == dropout)
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
            let config = try decodeConfig(
                DenseConfig.self, #"{"name": "d", "units": 2, "activation": null, "dtype": null}"#)
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
            #expect(try decodeConfig(Initializer.self, "\"\(name)\"") == expected)
            let dense = try decodeConfig(
                DenseConfig.self, #"{"name": "d", "units": 2, "kernel_initializer": "\#(name)"}"#)
            #expect(dense.kernelInitializer == expected)
            // The object form without a config means the same.
            #expect(try decodeConfig(Initializer.self, #"{"class_name": "\#(name)"}"#) == expected)
        }

        @Test("Object forms read every parameter")
        func objectForms() throws {
            #expect(
                try decodeConfig(
                    Initializer.self,
                    #"""
                    {"module": "keras.initializers", "class_name": "RandomNormal",
                     "config": {"seed": 3, "mean": 1.5, "stddev": 2.0}, "registered_name": null}
                    """#) == .randomNormal(mean: 1.5, stddev: 2, seed: 3))
            #expect(
                try decodeConfig(
                    Initializer.self, #"{"class_name": "RandomUniform", "config": {"minval": -1, "maxval": 1}}"#)
                    == .randomUniform(minval: -1, maxval: 1))
            #expect(
                try decodeConfig(
                    Initializer.self, #"{"class_name": "TruncatedNormal", "config": {"stddev": 0.02, "seed": null}}"#)
                    == .truncatedNormal(stddev: 0.02))
            #expect(
                try decodeConfig(Initializer.self, #"{"class_name": "Orthogonal", "config": {"gain": 2.0, "seed": 9}}"#)
                    == .orthogonal(gain: 2, seed: 9))
            #expect(
                try decodeConfig(Initializer.self, #"{"class_name": "Identity", "config": {"gain": 0.5}}"#)
                    == .identity(gain: 0.5))
            #expect(
                try decodeConfig(Initializer.self, #"{"class_name": "Constant", "config": {"value": 0.1}}"#)
                    == .constant(value: 0.1))
            #expect(try decodeConfig(Initializer.self, #"{"class_name": "Ones", "config": {}}"#) == .ones)
            #expect(
                try decodeConfig(
                    Initializer.self,
                    #"""
                    {"class_name": "HeUniform", "config": {"seed": 42, "input_axes": null, "output_axes": null}}
                    """#) == .heUniform(seed: 42))
        }

        @Test("VarianceScaling's distribution \"normal\" means truncated_normal, as in Keras")
        func varianceScalingNormal() throws {
            #expect(
                try decodeConfig(
                    Initializer.self,
                    #"""
                    {"class_name": "VarianceScaling", "config": {"scale": 2.0, "mode": "fan_out", "distribution": \#
                    "normal"}}
                    """#) == .varianceScaling(scale: 2, mode: .fanOut, distribution: .truncatedNormal))
            #expect(
                try decodeConfig(
                    Initializer.self,
                    #"""
                    {"class_name": "VarianceScaling", "config": {"distribution": "untruncated_normal", "mode": \#
                    "fan_avg", "seed": 4}}
                    """#) == .varianceScaling(scale: 1, mode: .fanAvg, distribution: .untruncatedNormal, seed: 4))
            #expect(
                try decodeConfig(
                    Initializer.self, #"{"class_name": "VarianceScaling", "config": {"distribution": "uniform"}}"#)
                    == .varianceScaling(distribution: .uniform))
            #expect(
                try decodeConfig(Initializer.self, #"{"class_name": "VarianceScaling", "config": {}}"#)
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
                configDecodeFailure(Initializer.self, #""xavier""#)
                    == """
                    1:1: error: unknown initializer 'xavier'; supported: GlorotUniform, GlorotNormal, HeUniform, \
                    HeNormal, LecunUniform, LecunNormal, VarianceScaling, RandomNormal, RandomUniform, \
                    TruncatedNormal, Orthogonal, Identity, Zeros, Ones, Constant (or their snake_case names)
                    """
            )
            #expect(
                configDecodeFailure(
                    Initializer.self, #"{"class_name": "RandomNormal", "config": {"mean": 0, "sigma": 1}}"#)
                    == "1:54: error: unknown field 'sigma' in RandomNormal config")
            #expect(
                configDecodeFailure(Initializer.self, #"{"class_name": "VarianceScaling", "config": {"scale": 0}}"#)
                    == "1:55: error: 'scale' must be positive, found 0.0")
            #expect(
                configDecodeFailure(
                    Initializer.self, #"{"class_name": "GlorotUniform", "config": {"input_axes": [0]}}"#)
                    == "1:58: error: 'input_axes' is not supported; only null")
            #expect(
                configDecodeFailure(Initializer.self, #"{"class_name": "Zeros", "extra": 1}"#)
                    == "1:25: error: unknown key 'extra' in an initializer")
        }
    }
}

// MARK: - Activations

extension LayerConfigTests {
    @Suite("Activations")
    struct Activations {
        @Test("Aliases decode to the function Keras means, and are written by its Keras 3 name")
        func aliases() throws {
            #expect(try decodeConfig(ActivationFunction.self, #""swish""#) == .silu)
            #expect(try decodeConfig(ActivationFunction.self, #""hard_swish""#) == .hardSilu)
            #expect(ActivationFunction(kerasName: "swish") == .silu)
            #expect(ActivationFunction(kerasName: "hard_swish") == .hardSilu)
            #expect(ActivationFunction(kerasName: "keras_hub>gelu_approximate") == .geluApproximate)
            #expect(ActivationFunction(kerasName: "relu") == .relu)
            #expect(ActivationFunction(kerasName: "Relu") == nil)
            #expect(ActivationFunction(kerasName: "glu") == nil)

            let dense = try decodeConfig(DenseConfig.self, #"{"name": "d", "units": 2, "activation": "swish"}"#)
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
            #expect(try decodeConfig(ActivationFunction.self, function) == .geluApproximate)
            #expect(try decodeConfig(ActivationFunction.self, #""gelu_approximate""#) == .geluApproximate)
            #expect(try decodeConfig(ActivationFunction.self, #""keras_hub>gelu_approximate""#) == .geluApproximate)
            let dense = try decodeConfig(DenseConfig.self, #"{"name": "d", "units": 2, "activation": \#(function)}"#)
            #expect(dense.activation == .geluApproximate)
            let layer = try decodeConfig(ActivationConfig.self, #"{"name": "a", "activation": \#(function)}"#)
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
                configDecodeFailure(ActivationFunction.self, other)?.hasPrefix(
                    "1:1: error: unknown activation 'my_package>my_act'; ") == true)
            #expect(
                configDecodeFailure(ActivationFunction.self, #"{"class_name": "Relu"}"#)
                    == "1:1: error: expected an activation name or a serialized Keras function")
        }

        @Test("Every Keras 3 name decodes to its case", arguments: ActivationFunction.allCases)
        func names(activation: ActivationFunction) throws {
            #expect(try decodeConfig(ActivationFunction.self, "\"\(activation.rawValue)\"") == activation)
        }

        @Test("null is linear, as Keras's activation=None")
        func null() throws {
            #expect(try decodeConfig(ActivationFunction.self, "null") == .linear)
        }

        @Test("Refused and unknown names say why")
        func refused() {
            #expect(
                configDecodeFailure(ActivationFunction.self, #""glu""#)
                    == """
                    1:1: error: activation 'glu' is not supported: it halves the last axis, which a layer's \
                    activation cannot do here
                    """
            )
            #expect(
                configDecodeFailure(ActivationFunction.self, #""threshold""#)?.hasPrefix(
                    "1:1: error: activation 'threshold' is not supported: ") == true)
            #expect(
                configDecodeFailure(ActivationFunction.self, #""rleu""#)?.hasPrefix(
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
                configDecodeFailure(DenseConfig.self, #"{"name": "d", "units": 0}"#)
                    == "1:24: error: invalid 'units' in Dense config: must be a positive integer, found 0")
            #expect(
                configDecodeFailure(DenseConfig.self, #"{"name": "d"}"#)
                    == "1:1: error: missing required field 'units' in Dense config")
            #expect(
                configDecodeFailure(DenseConfig.self, #"{"units": 2}"#)
                    == "1:1: error: missing required field 'name' in Dense config")
            #expect(
                configDecodeFailure(DropoutConfig.self, #"{"name": "d", "rate": -0.1}"#)
                    == "1:23: error: invalid 'rate' in Dropout config: must be between 0 and 1, found -0.1")
            #expect(
                configDecodeFailure(
                    InputLayerConfig.self, #"{"name": "i", "batch_shape": [null, 3], "dtype": "float16"}"#)
                        == """
                        1:50: error: input dtype 'float16' is not supported; only float32 and integers (passed as \
                        float values)
                        """
            )
            #expect(
                configDecodeFailure(InputLayerConfig.self, #"{"name": "i", "batch_shape": [null, -3]}"#)
                    == "1:30: error: axis sizes must be positive or null, found -3")
            #expect(
                configDecodeFailure(InputLayerConfig.self, #"{"name": "i", "batch_shape": []}"#)
                    == "1:30: error: an input needs at least one axis")
            #expect(
                configDecodeFailure(ActivationConfig.self, #"{"name": "a"}"#)
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
                configDecodeFailure(
                    ConvLSTM2DConfig.self,
                    #"{"name": "c", "filters": 2, "kernel_size": 3, "padding": "causal"}"#)
                    == "1:58: error: invalid 'padding' in ConvLSTM2D config: must be 'valid' or 'same' for a ConvLSTM "
                    + "layer, found 'causal'")
            #expect(
                configDecodeFailure(
                    ConvLSTM1DConfig.self,
                    #"{"name": "c", "filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2}"#)
                    == "1:78: error: invalid 'dilation_rate' in ConvLSTM1D config: strides greater than 1 cannot be "
                    + "combined with a dilation rate greater than 1 (Keras refuses it)")
            #expect(
                configDecodeFailure(ConvLSTM3DConfig.self, #"{"name": "c", "filters": 0, "kernel_size": 3}"#)
                    == "1:26: error: invalid 'filters' in ConvLSTM3D config: must be a positive integer up to 2^30, "
                    + "found 0")
            #expect(
                configDecodeFailure(ConvLSTM2DConfig.self, #"{"name": "c", "filters": 2, "kernel_size": [3, 3, 3]}"#)
                    == "1:44: error: invalid 'kernel_size' in ConvLSTM2D config: needs 2 values, one per spatial axis, "
                    + "found 3")
        }
    }
}
