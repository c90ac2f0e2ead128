import Foundation
import ModelSpec
import Testing
import _ModelGeneratorCore

/// Custom layers at generation time: declarations in model-generator-config.json, specs that
/// name custom layers, and the located errors for everything that doesn't fit. Generated
/// custom-layer code is checked by `ReferenceTests` and compiled and run by the
/// ModelRuntimeTests target, Examples/CustomLayers and `PluginTests`.
@Suite struct CustomLayerGenerationTests {
    static let config = """
        {"customLayers": {
          "Custom>ChannelScale": {"swiftType": "ChannelScale", "weights": {"gamma": ["input[-1]"]}},
          "Custom>Linear": {"swiftType": "Linear", "outputShape": ["input[:-1]", "units"],
                            "weights": {"kernel": ["input[-1]", "units"], "bias": {"shape": ["units"], "if": \
        "use_bias"}},
                            "defaults": {"units": 32}}
        }}
        """

    static func options() throws -> GeneratorOptions {
        GeneratorOptions(
            customLayers: try GeneratorConfigFile(bytes: Array(config.utf8), path: "model-generator-config.json")
                .customLayers)
    }

    static func spec(_ layer: String) -> String {
        """
        {"class_name": "Sequential", "config": {"layers": [
          {"class_name": "InputLayer", "config": {"batch_shape": [null, 3, 6]}},
          \(layer)]}}
        """
    }

    static func generate(_ layer: String) throws(SpecError) -> GeneratedFile {
        let options: GeneratorOptions
        do { options = try Self.options() } catch { throw SpecError("\(error)") }
        return try Generator.generate(specAt: "net.model.json", bytes: Array(spec(layer).utf8), options: options)
    }

    @Test func declaredRulesGiveShapesAndParameterCounts() throws {
        let file = try Self.generate(
            #"{"class_name": "Linear", "registered_name": "Custom>Linear", "config": {"units": 4, "use_bias": false}}"#)
        #expect(file.contents.contains("/// | `linear` | custom Linear `Linear` | (None, 3, 4) | 24 |"))
        #expect(
            file.contents.contains(
                "let linear = ConfigOf<Linear>(name: \"linear\", units: 4, useBias: false)"))
        #expect(file.contents.contains("#sourceLocation(file: \"net.model.json\", line: 3)"))
        #expect(file.contents.contains("CustomLayer(ConfigOf<Linear>.self)"))
        let scaled = try Self.generate(
            #"""
            {"class_name": "ChannelScale", "registered_name": "Custom>ChannelScale", "config": {"name": "s", \#
            "init_value": 0.5, "trainable": false}}
            """#
        )
        #expect(scaled.contents.contains("| `s` | custom ChannelScale `ChannelScale` | (None, 3, 6) | 6 |"))
        #expect(scaled.contents.contains("ConfigOf<ChannelScale>(name: \"s\", trainable: false, initValue: 0.5)"))
    }

    /// Each mistake and its exact located diagnostic.
    static let badLayers: [(layer: String, expected: String)] = [
        (
            #"{"class_name": "Scale", "registered_name": "Custom>Scale", "config": {}}"#,
            """
            net.model.json:3:46: error: layer 1 (Scale): the custom layer 'Custom>Scale' is not declared; declare it \
            under 'customLayers' in the target's model-generator-config.json with the Swift type that computes it
            """
        ),
        (
            #"{"class_name": "Scale", "config": {}}"#,
            """
            net.model.json:3:18: error: layer 1: unknown layer class 'Scale'; the supported layers are listed in the \
            README's supported-layers table (nested Sequential and Functional models work too); a custom layer must \
            be declared under 'customLayers' in the target's model-generator-config.json
            """
        ),
        (
            #"""
            {"class_name": "Linear", "registered_name": "Custom>Linear", "config": {"units": 2, "use_bias": true, \#
            "kernel_regularizer": {"class_name": "L2", "config": {}}}}
            """#,
            """
            net.model.json:3:127: error: custom layer 'linear' (Linear): 'kernel_regularizer' holds an object that \
            is not a Keras initializer; a custom layer's config values must be numbers, strings, booleans, null, \
            lists of them or initializers
            """
        ),
        (
            #"""
            {"class_name": "Linear", "registered_name": "Custom>Linear", "config": {"units": 2, "use_bias": true, \#
            "units-count": 3}}
            """#,
            """
            net.model.json:3:105: error: custom layer 'linear' (Linear): the config key 'units-count' has no Swift \
            argument label (keys are snake_case ASCII names)
            """
        ),
        (
            #"""
            {"class_name": "Linear", "registered_name": "Custom>Linear", "config": {"units": "3", \#
            "use_bias": true}}
            """#,
            """
            net.model.json:3:3: error: layer 1 (Linear) cannot take input shape (None, 3, 6): the declared shape \
            reads the config field 'units', which is not a size (an integer from 0 to 2^40)
            """
        ),
        (
            #"{"class_name": "Linear", "registered_name": "Custom>Linear", "config": {"units": 3}}"#,
            """
            net.model.json:3:3: error: layer 1 (Linear) cannot take input shape (None, 3, 6): the declared weight \
            'bias' depends on the config field 'use_bias', which the layer's config does not give (declare Keras's \
            default under 'defaults')
            """
        ),
        (
            #"{"class_name": "Linear", "registered_name": 7, "config": {}}"#,
            """
            net.model.json:3:47: error: layer 1 (Linear): expected a string or null for 'registered_name', found a \
            number
            """
        ),
    ]

    @Test(arguments: badLayers)
    func badCustomLayersAreLocatedErrors(_ layer: String, _ expected: String) {
        do {
            _ = try Self.generate(layer)
            Issue.record("generated code for \(layer)")
        } catch {
            #expect(error.description == expected)
        }
    }

    /// Each mistake in a declaration and its exact located diagnostic.
    static let badDeclarations: [(config: String, expected: String)] = [
        (
            #"{"customLayers": {"Custom>Scale": {}}}"#,
            """
            c.json:1:35: error: custom layer 'Custom>Scale': missing 'swiftType', the Swift layer type that computes \
            it
            """
        ),
        (
            #"{"customLayers": {"Custom>Scale": {"swiftType": "my scale"}}}"#,
            """
            c.json:1:49: error: custom layer 'Custom>Scale': 'swiftType' must be a Swift type name such as \
            \"ChannelScale\" or \"MyLayers.ChannelScale\"
            """
        ),
        (
            #"{"customLayers": {"Custom>Scale": {"swiftType": "Scale", "outputShape": "input"}}}"#,
            """
            c.json:1:73: error: custom layer 'Custom>Scale': 'outputShape' must be \"same\" or an array of sizes: \
            integers, null, \"input[i]\", \"input[a:b]\" or config keys
            """
        ),
        (
            #"{"customLayers": {"Custom>Scale": {"swiftType": "Scale", "outputShape": ["input[x]"]}}}"#,
            """
            c.json:1:74: error: custom layer 'Custom>Scale': 'outputShape': 'input[x]' needs integer axes from -64 \
            to 64
            """
        ),
        (
            #"""
            {"customLayers": {"Custom>Scale": {"swiftType": "Scale", "weights": {"w": {"shape": [2], "when": \#
            "x"}}}}}
            """#,
            "c.json:1:90: error: custom layer 'Custom>Scale': weight 'w': unknown key 'when'; known keys: 'shape', 'if'"
        ),
        (
            #"{"customLayers": {"Custom>Scale": {"swiftType": "Scale", "inputs": 2}}}"#,
            """
            c.json:1:58: error: custom layer 'Custom>Scale': unknown key 'inputs'; known keys: 'swiftType', \
            'outputShape', 'weights', 'defaults'
            """
        ),
        (
            #"{"customLayers": {"Dense": {"swiftType": "MyDense"}}}"#,
            """
            c.json:1:19: error: custom layer 'Dense' has the name of a built-in Keras class; register it under a \
            package ('MyLayers>Dense'), as Keras does
            """
        ),
        (
            #"{"customLayers": {"A>B>C": {"swiftType": "C"}}}"#,
            """
            c.json:1:28: error: custom layer 'A>B>C': the name must be a Keras class name ('Scale') or a registered \
            name ('MyLayers>Scale')
            """
        ),
    ]

    @Test(arguments: badDeclarations)
    func badDeclarationsAreLocatedErrors(_ config: String, _ expected: String) {
        do {
            _ = try GeneratorConfigFile(bytes: Array(config.utf8), path: "c.json")
            Issue.record("accepted \(config)")
        } catch {
            #expect(error.description == expected)
        }
    }

    /// A subclassed model's spec (its class's config at the top) becomes a model of one custom
    /// layer on the input shape of `build_config`, without the batch size it was built with.
    @Test func subclassedModelsNeedTheirBuildConfig() throws {
        let built =
            #"""
            {"class_name": "ChannelScale", "registered_name": "Custom>ChannelScale", "config": {"name": "net", \#
            "init_value": 2}, "build_config": {"input_shape": [1, 5]}}
            """#
        let file = try Generator.generate(
            specAt: "net.model.json", bytes: Array(built.utf8), options: try Self.options())
        #expect(file.contents.contains("struct Config: SubclassedModelConfig"))
        #expect(
            file.contents.contains(
                "InputLayerConfig(batchShape: [nil, 5], name: \"input_layer\"),"))
        #expect(
            file.contents.contains("let net = ConfigOf<ChannelScale>(name: \"net\", initValue: 2)"))

        let unbuilt = #"{"class_name": "ChannelScale", "registered_name": "Custom>ChannelScale", "config": {}}"#
        #expect {
            try Generator.generate(specAt: "net.model.json", bytes: Array(unbuilt.utf8), options: try Self.options())
        } throws: { error in
            "\(error)"
                == """
                net.model.json:1:1: error: the subclassed model 'Custom>ChannelScale' needs 'build_config' with its \
                'input_shape' (Keras writes it once the model has been built or called)
                """
        }
        let undeclared = #"{"class_name": "MyNet", "registered_name": "Custom>MyNet", "config": {}}"#
        #expect {
            try Generator.generate(specAt: "net.model.json", bytes: Array(undeclared.utf8), options: try Self.options())
        } throws: { error in
            "\(error)"
                == """
                net.model.json:1:16: error: unknown model class 'MyNet'; a spec's top level must be a Sequential or \
                Functional model, or a subclassed model declared under 'customLayers' in the target's \
                model-generator-config.json
                """
        }
    }

    /// A bare class name matches only when the entry registers no other name; a packaged one
    /// matches the entry's registered name.
    @Test func matchingFollowsKerasRegisteredNames() throws {
        let bare = try GeneratorConfigFile(
            bytes: Array(#"{"customLayers": {"Scale": {"swiftType": "Scale"}}}"#.utf8), path: "c.json")
        let options = GeneratorOptions(customLayers: bare.customLayers)
        for entry in [
            #"{"class_name": "Scale", "config": {}}"#,
            #"{"class_name": "Scale", "registered_name": "Scale", "config": {}}"#,
        ] {
            let file = try Generator.generate(
                specAt: "n.model.json", bytes: Array(Self.spec(entry).utf8), options: options)
            #expect(file.contents.contains("let scale = ConfigOf<Scale>(name: \"scale\")"))
        }
        #expect(throws: SpecError.self) {
            _ = try Generator.generate(
                specAt: "n.model.json",
                bytes: Array(
                    Self.spec(#"{"class_name": "Scale", "registered_name": "Other>Scale", "config": {}}"#).utf8),
                options: options)
        }
    }
}
