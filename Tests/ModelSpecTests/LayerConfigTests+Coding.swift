// Typed layer configs, continued (LayerConfigTests.swift): Swift rendering, JSON round trips
// and seeds.

import Foundation
import ModelSpec
import Testing

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
            let config = try decodeConfig(
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
