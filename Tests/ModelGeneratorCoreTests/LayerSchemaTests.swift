import Foundation
import ModelSpec
import Testing

/// The layer schema (Sources/ModelSpec/Layers/Schema) is where each config field is written; the
/// config structs in Sources/ModelSpec/Layers/Generated are its output, checked in.
@Suite struct LayerSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func generatedConfigsAreTheSchemasOutput() throws {
        try expectGenerated(ConfigEmitter.files(LayerFamily.all), in: ConfigEmitter.directory)
    }

    @Test func generatedRuntimeTypesAreTheSchemasOutput() throws {
        try expectGenerated(RuntimeLayerEmitter.files(LayerFamily.all), in: RuntimeLayerEmitter.directory)
    }

    /// Built-in layer types are declared by the schema; only the wrappers and the input, whose
    /// stored members and initializers are their own, are declared by hand.
    @Test func runtimeLayerTypesAreDeclaredBySchema() throws {
        let handWritten: Set = ["InputLayer", "TimeDistributed", "Bidirectional"]
        let sources = Self.root.appendingPathComponent("Sources/ModelRuntime")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        let layerType = /^public struct (\w+)(?:<[^>\n]*>)?: [^\n]*\b(?:\w*Layer|WeightlessMerge)\b[^\n]*\{$/
        let pattern = layerType.anchorsMatchLineEndings()
        var declared: [String] = []
        for case let url as URL in files where url.pathExtension == "swift" && !url.path.contains("/Generated/") {
            let text = try String(contentsOf: url, encoding: .utf8)
            declared += text.matches(of: pattern).map { String($0.output.1) }
        }
        #expect(Set(declared) == handWritten, "layer types declared by hand: \(declared.sorted())")
        let generated = LayerFamily.all.flatMap(\.layers).map(\.name)
        #expect(generated.count > 40 && Set(generated).count == generated.count, "\(generated)")
    }

    /// Expects `files` to be exactly the files of `directory`, byte for byte.
    private func expectGenerated(_ files: [(name: String, contents: String)], in directory: String) throws {
        let url = Self.root.appendingPathComponent(directory)
        for file in files {
            let current = (try? String(contentsOf: url.appendingPathComponent(file.name), encoding: .utf8)) ?? ""
            let diff = LineDiff.unified(expected: current, actual: file.contents)
            let problem = "\(directory)/\(file.name) is not the schema's output (- file, + schema)"
            #expect(diff.isEmpty, "\(problem); run tools/generate-layer-configs.sh:\n\(diff)")
        }
        let present = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
        #expect(present == files.map(\.name), "files in \(directory) the schema does not write")
    }

    /// Each registered config's `fields` table is the schema's, in Keras's order.
    @Test func registeredConfigsHaveTheSchemasFields() throws {
        let schemas = Dictionary(
            LayerFamily.all.flatMap(\.configs).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var checked = 0
        for kind in LayerRegistry.builtIn {
            let typeName = String(describing: kind.configType)
            let base = String(typeName.prefix { $0 != "<" })
            guard let schema = schemas[base] else {
                #expect(base == "OperationConfig", "\(typeName) (\(kind.className)) has no schema")
                continue
            }
            let keys = kind.configType.fieldKeys
            var schemaKeys = schema.fields.compactMap(\.key)
            if let order = schema.kerasOrder { schemaKeys = order }
            let declared = schema.declaresTable ? schemaKeys : ["name", "trainable", "dtype"]
            #expect(isSubsequence(keys, of: declared), "\(typeName): fields \(keys) vs schema \(declared)")
            checked += 1
        }
        #expect(checked > 60)
    }

    /// The schema spells labels itself (tools/generate-layer-configs.sh compiles it without the
    /// rest of ModelSpec); they must be the labels `ConfigField` derives from the same keys, which
    /// the generator writes as the initializers' argument labels.
    @Test func schemaLabelsAreConfigFieldLabels() {
        let fields = LayerFamily.all.flatMap(\.configs).flatMap(\.fields).filter { $0.key != nil }
        #expect(fields.count > 300)
        for field in fields {
            #expect(field.label == ConfigField<DenseConfig>.label(forKey: field.key!), "\(field.key!)")
        }
    }

    @Test func emitterWritesConditionsOrdersAndConversions() {
        let family = LayerFamily(
            "Example", "Example layers.",
            [
                ConfigSchema(
                    "ExampleConfig<Rank: SpatialRank>", ["UnaryLayerConfig"], doc: "`keras.layers.Example`.",
                    className: .computed("\"Example\" + Rank.suffix"), template: "Self(units: 1)",
                    ignoredKeys: [("seed", ".null")], initDoc: "A config.", kerasOrder: ["units", "name", "size"],
                    fields: [
                        .name("example"),
                        .required("units", "Int", "The units."),
                        .optional("size", "IntTuple", "2", "The size.").expanded()
                            .spelled(as: "sizeScalar", when: "Rank.rank == 1"),
                        .optional("mode", "String", "\"a\"", "The mode.").only(when: "Rank.rank > 1"),
                        FieldSchema("layer", "Box<Inner>", required: "true", property: "wrapped", "The layer.")
                            .parameter("Inner").stored(as: "Box(layer)"),
                    ])
            ])
        let expected = """
            // Example layers.
            //
            // Generated from Sources/ModelSpec/Layers/Schema/Families/ExampleSchema.swift by
            // tools/generate-layer-configs.sh; do not edit. What the layers do is in
            // Sources/ModelSpec/Layers/Example.swift.

            /// `keras.layers.Example`.
            public struct ExampleConfig<Rank: SpatialRank>: UnaryLayerConfig {
                public static var className: String { "Example" + Rank.suffix }
                public static var template: Self { Self(units: 1) }
                public static var fields: [ConfigField<Self>] {
                    var fields: [ConfigField<Self>] = [
                        ConfigField("units", \\.units, required: true),
                        ConfigField("name", \\.name, required: true),
                    ]
                    if Rank.rank == 1 {
                        fields.append(ConfigField("size", \\.sizeScalar))
                    } else {
                        fields.append(ConfigField("size", \\.size, rank: Rank.rank))
                    }
                    if Rank.rank > 1 { fields.append(ConfigField("mode", \\.mode)) }
                    fields += [
                        ConfigField("layer", \\.wrapped, required: true),
                    ]
                    return fields
                }
                public static var ignoredKeys: [String: JSONValue] { ["seed": .null] }

                /// The layer's Keras name.
                public var name: String
                /// The units.
                public var units: Int
                /// The size.
                public var size: IntTuple
                /// The mode.
                public var mode: String
                /// The layer.
                public var wrapped: Box<Inner>

                /// A config.
                public init(name: String = "example", units: Int, size: IntTuple = 2, mode: String = "a", layer: \
            Inner) {
                    self.name = name
                    self.units = units
                    self.size = size.expanded(to: Rank.rank)
                    self.mode = mode
                    self.wrapped = Box(layer)
                }
            }

            """
        let diff = LineDiff.unified(expected: expected, actual: ConfigEmitter.source(of: family))
        #expect(diff.isEmpty, "emitted (- expected, + emitted):\n\(diff)")
    }

    @Test func runtimeEmitterWritesWeightsMergesAndHooks() {
        let family = LayerFamily(
            "Example", "Example layers.", [],
            layers: [
                RuntimeLayerSchema(
                    "Example<Rank: SpatialRank>", .merge, config: "ExampleConfig<Rank>", doc: "`keras.layers.Example`.",
                    weights: [
                        .weight("recurrent_kernel", "The kernel."), .optionalWeight("bias", "The bias."),
                        .all("everything", "Every weight."),
                    ],
                    afterBuild: ["stored.setForgetGateBias(units: 2)"]),
                RuntimeLayerSchema("Plain", .weightless, config: "PlainConfig", doc: "A plain layer."),
            ])
        let expected = """
            // Example layers.
            //
            // Generated from Sources/ModelSpec/Layers/Schema/Families/ExampleSchema.swift by
            // tools/generate-layer-configs.sh; do not edit. Each layer's call is hand-written, in an extension
            // under Sources/ModelRuntime/Layers.

            /// `keras.layers.Example`.
            public struct Example<Rank: SpatialRank>: MergeLayer {
                public let config: ExampleConfig<Rank>
                public let inputShapes: [TensorShape]
                public let outputShape: TensorShape
                /// The kernel.
                public var recurrentKernel: Tensor { stored["recurrent_kernel"]! }
                /// The bias.
                public var bias: Tensor? { stored["bias"] }
                /// Every weight.
                public var everything: [Tensor] { stored.tensors }
                /// The weights, read by their Keras names.
                var stored: LayerWeights

                public init(config: ExampleConfig<Rank>, inputShapes: [TensorShape], seed: UInt64) throws {
                    try config.validate()
                    self.config = config
                    self.inputShapes = inputShapes
                    outputShape = try config.outputShape(forInputs: inputShapes)
                    stored = LayerWeights(try config.weights(forInputs: inputShapes), seed: seed)
                    stored.setForgetGateBias(units: 2)
                }

                public var weights: [Tensor] { stored.tensors }

                public mutating func setWeights(_ weights: [Tensor]) throws {
                    try stored.set(weights, layer: config.name)
                }
            }

            /// A plain layer.
            public struct Plain: WeightlessLayer {
                public let config: PlainConfig
                public let inputShape: TensorShape
                public let outputShape: TensorShape

                public init(config: PlainConfig, inputShape: TensorShape, seed: UInt64) throws {
                    try config.validate()
                    self.config = config
                    self.inputShape = inputShape
                    outputShape = try config.outputShape(for: inputShape)
                }
            }

            """
        let diff = LineDiff.unified(expected: expected, actual: RuntimeLayerEmitter.source(of: family))
        #expect(diff.isEmpty, "emitted (- expected, + emitted):\n\(diff)")
        #expect(RuntimeLayerEmitter.files([family]).map(\.name) == ["ExampleTypes.swift"])
        #expect(ConfigEmitter.files([family]).isEmpty)
    }

    @Test func emitterWrapsLongSignaturesAndDocs() {
        let words = Array(repeating: "word", count: 40).joined(separator: " ")
        let config = ConfigSchema(
            "WideConfig", ["LayerConfig"], doc: words, className: .keras("Wide"), template: "WideConfig()",
            initDoc: "A config.",
            fields: FieldSchema.base("wide")
                + (1...8).map { .optional("option_number_\($0)", "ActivationFunction", ".linear", "Option \($0).") })
        let source = ConfigEmitter.source(of: LayerFamily("Wide", "Wide.", [config]))
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 120 }, "\(lines.filter { $0.count > 120 })")
        #expect(lines.contains("    public init("))
        #expect(lines.contains("    ) {"))
        #expect(lines.filter { $0.hasPrefix("/// word") }.count == 3)  // 199 characters at 100 a line
    }

    private func isSubsequence(_ items: [String], of sequence: [String]) -> Bool {
        var index = sequence.startIndex
        for item in items {
            guard let found = sequence[index...].firstIndex(of: item) else { return false }
            index = found + 1
        }
        return true
    }
}

extension LayerConfig {
    fileprivate static var fieldKeys: [String] { fields.map(\.key) }
}
