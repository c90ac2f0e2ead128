/// A model spec, parsed and checked: its layers' typed configs, locations, shapes and weights.
public struct ModelDescription: Sendable {
    /// Keras's model class: only `Sequential` so far.
    public var className: String
    /// The model's name, `trainable` flag and dtype policy.
    public var attributes: ModelAttributes
    /// The layers in spec order, the InputLayer first.
    public var layers: [LayerDescription]
    /// The model's `config` object with Keras's defaults filled in where the typed configs
    /// need them (layer names); decodes into a generated `Config`.
    public var configNode: JSONNode

    /// The number of weight scalars.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }
    /// The number of trainable weight scalars.
    public var trainableParameterCount: Int {
        guard attributes.trainable else { return 0 }
        return layers.reduce(0) { $0 + $1.weights.filter(\.trainable).reduce(0) { $0 + $1.count } }
    }
    /// The model's input shape.
    public var inputShape: TensorShape { layers.first?.outputShape ?? [] }
    /// The model's output shape.
    public var outputShape: TensorShape { layers.last?.outputShape ?? [] }
}

/// One layer of a described model.
public struct LayerDescription: Sendable {
    /// The layer's class.
    public var kind: LayerKind
    /// The typed config.
    public var config: any LayerConfig
    /// Where the layer's entry starts in the spec.
    public var location: SourceLocation?
    /// The shape it receives.
    public var inputShape: TensorShape
    /// The shape it returns.
    public var outputShape: TensorShape
    /// Its weights in `get_weights()` order.
    public var weights: [WeightSpec]

    /// The layer's Keras name.
    public var name: String { config.name }
    /// The number of weight scalars.
    public var parameterCount: Int { weights.reduce(0) { $0 + $1.count } }
}

/// Reads model specs: Keras's `to_json()`, the `config.json` of a `.keras` archive, or a
/// hand-written spec leaving out whatever has a Keras default.
public enum ModelSpecParser {
    /// The largest number of scalars one weight tensor may have (2³¹, 8 GiB of float32).
    public static let maxWeightCount = 1 << 31

    /// Parses and checks the spec in `bytes`; errors carry `file` and the spec's line and column.
    public static func parse(_ bytes: [UInt8], file: String) throws(SpecError) -> ModelDescription {
        do {
            return try parse(JSONReader.parse(bytes))
        } catch {
            throw error.inFile(file)
        }
    }

    /// Parses and checks a spec already read as JSON.
    public static func parse(_ root: JSONNode) throws(SpecError) -> ModelDescription {
        guard let members = root.value.objectMembers else {
            throw SpecError("a model spec must be a JSON object with 'class_name' and 'config', found \(root.value.kindDescription)",
                            at: root.location)
        }
        let allowed: Set<String> = ["module", "class_name", "config", "registered_name", "build_config", "compile_config"]
        if let unknown = members.first(where: { !allowed.contains($0.key) }) {
            throw SpecError("unknown key '\(unknown.key)' at the top of a model spec; expected 'class_name' and 'config'",
                            at: unknown.keyLocation)
        }
        guard let classNode = root["class_name"] else {
            throw SpecError("missing 'class_name' at the top of the model spec", at: root.location)
        }
        guard let className = classNode.value.stringValue else {
            throw SpecError("expected a string for 'class_name', found \(classNode.value.kindDescription)", at: classNode.location)
        }
        switch className {
        case "Sequential":
            break
        case "Functional", "Model":
            throw SpecError("\(className) models are not supported yet; only Sequential models", at: classNode.location)
        default:
            throw SpecError("unknown model class '\(className)'; a spec's top level must be a Sequential model",
                            at: classNode.location)
        }
        guard let config = root["config"] else {
            throw SpecError("missing 'config' in the model spec", at: root.location)
        }
        return try parseSequential(config)
    }

    private static func parseSequential(_ config: JSONNode) throws(SpecError) -> ModelDescription {
        guard var members = config.value.objectMembers else {
            throw SpecError("expected an object for the Sequential 'config', found \(config.value.kindDescription)",
                            at: config.location)
        }
        let allowed: Set<String> = ["name", "trainable", "dtype", "layers", "build_input_shape"]
        if let unknown = members.first(where: { !allowed.contains($0.key) }) {
            throw SpecError("unknown field '\(unknown.key)' in the Sequential config; known fields: 'name', 'trainable', 'dtype', 'layers'",
                            at: unknown.keyLocation)
        }
        if config["name"] == nil {
            members.insert(JSONMember(key: "name", value: JSONNode(.string("sequential"))), at: 0)
        }
        guard let layersIndex = members.firstIndex(where: { $0.key == "layers" }) else {
            throw SpecError("missing 'layers' in the Sequential config", at: config.location)
        }
        let layersNode = members[layersIndex].value
        guard let entries = layersNode.value.arrayElements else {
            throw SpecError("expected an array for 'layers', found \(layersNode.value.kindDescription)", at: layersNode.location)
        }
        guard !entries.isEmpty else {
            throw SpecError("a Sequential model needs at least an InputLayer; 'layers' is empty", at: layersNode.location)
        }

        var names = AutoNames()
        var normalized: [JSONNode] = []
        var layers: [LayerDescription] = []
        var seen: [String: SourceLocation?] = [:]
        var shape = TensorShape([])
        for (index, entry) in entries.enumerated() {
            let (kind, configNode, nameLocation) = try layerEntry(entry, index: index, names: &names)
            var normalizedEntry = entry
            if case .object(var entryMembers) = entry.value,
               let configIndex = entryMembers.firstIndex(where: { $0.key == "config" }) {
                entryMembers[configIndex].value = configNode
                normalizedEntry.value = .object(entryMembers)
            }
            normalized.append(normalizedEntry)

            // How messages name the layer: its position, its name when the spec gives one, its class.
            let givenName = nameLocation == nil ? nil : configNode["name"]?.value.stringValue
            let label = "layer \(index)" + (givenName.map { " '\($0)'" } ?? "") + " (\(kind.className))"
            let isInput = kind.className == InputLayerConfig.className
            if index == 0 && !isInput {
                throw SpecError("a Sequential spec must start with an InputLayer that fixes the input shape; \(label) is not one",
                                at: entry.location)
            }
            if index > 0 && isInput {
                throw SpecError("\(label): only the first layer of a Sequential model may be an InputLayer", at: entry.location)
            }

            let layerConfig: any LayerConfig
            do {
                layerConfig = try SpecDecoder().decode(kind.configType, from: configNode)
            } catch {
                var error = error
                error.message = "\(label): " + error.message
                throw error
            }
            let name = layerConfig.name
            if let first = seen[name] {
                throw SpecError("\(label): duplicate layer name '\(name)'" + (first.map { " (first at \($0))" } ?? "")
                                + "; layer names must be unique in a model", at: nameLocation ?? entry.location)
            }
            let location: SourceLocation? = nameLocation ?? entry.location
            seen[name] = .some(location)

            let inputShape = shape
            let outputShape: TensorShape
            let weights: [WeightSpec]
            do {
                outputShape = try layerConfig.outputShape(for: inputShape)
                weights = isInput ? [] : try layerConfig.weights(for: inputShape)
            } catch {
                throw SpecError("\(label) cannot take input shape \(inputShape): \(error)",
                                at: entry.location)
            }
            for weight in weights {
                var count = 1
                for size in weight.shape {
                    let (product, overflow) = count.multipliedReportingOverflow(by: size)
                    guard !overflow, product <= maxWeightCount else {
                        throw SpecError("\(label): weight '\(weight.name)' of shape \(weight.shape) has more than \(maxWeightCount) scalars",
                                        at: entry.location)
                    }
                    count = product
                }
            }
            layers.append(LayerDescription(kind: kind, config: layerConfig, location: entry.location,
                                           inputShape: inputShape, outputShape: outputShape, weights: weights))
            shape = outputShape
        }
        members[layersIndex].value = JSONNode(.array(normalized), at: layersNode.location)
        let configNode = JSONNode(.object(members), at: config.location)
        let attributes: ModelAttributes
        do {
            let header = try SpecDecoder().decode(SequentialHeader.self, from: configNode)
            attributes = header.attributes
        }
        return ModelDescription(className: "Sequential", attributes: attributes, layers: layers, configNode: configNode)
    }

    /// Checks one entry of `layers` and returns its kind and its config object, with a Keras
    /// default name added when the spec gives none.
    private static func layerEntry(
        _ entry: JSONNode, index: Int, names: inout AutoNames
    ) throws(SpecError) -> (LayerKind, JSONNode, SourceLocation?) {
        guard entry.value.objectMembers != nil else {
            throw SpecError("layer \(index): expected an object with 'class_name' and 'config', found \(entry.value.kindDescription)",
                            at: entry.location)
        }
        guard let classNode = entry["class_name"] else {
            throw SpecError("layer \(index): missing 'class_name'", at: entry.location)
        }
        guard let className = classNode.value.stringValue else {
            throw SpecError("layer \(index): expected a string for 'class_name', found \(classNode.value.kindDescription)",
                            at: classNode.location)
        }
        if let reason = LayerRegistry.refused[className] {
            throw SpecError("layer \(index): \(className) is not supported: \(reason)", at: classNode.location)
        }
        guard let kind = LayerRegistry.kind(forClassName: className) else {
            let known = LayerRegistry.builtIn.map(\.className).joined(separator: ", ")
            throw SpecError("layer \(index): unknown layer class '\(className)'; supported layers: \(known) (see the supported-layers table in the README)",
                            at: classNode.location)
        }
        let allowed: Set<String> = ["module", "class_name", "config", "registered_name", "build_config", "name", "inbound_nodes"]
        if let unknown = entry.value.objectMembers?.first(where: { !allowed.contains($0.key) }) {
            throw SpecError("layer \(index) (\(className)): unknown key '\(unknown.key)'; expected 'class_name' and 'config'",
                            at: unknown.keyLocation)
        }
        let config = entry["config"] ?? JSONNode(.object([]), at: entry.location)
        guard var members = config.value.objectMembers else {
            throw SpecError("layer \(index) (\(className)): expected an object for 'config', found \(config.value.kindDescription)",
                            at: config.location)
        }
        let nameNode = config["name"]
        if nameNode == nil {
            let name = names.next(kind.defaultNamePrefix)
            members.append(JSONMember(key: "name", value: JSONNode(.string(name))))
        }
        return (kind, JSONNode(.object(members), at: config.location), nameNode?.location)
    }
}

/// Keras's automatic layer names: `dense`, `dense_1`, `dense_2`, … per prefix.
struct AutoNames {
    private var counts: [String: Int] = [:]
    mutating func next(_ prefix: String) -> String {
        let count = counts[prefix, default: 0]
        counts[prefix] = count + 1
        return count == 0 ? prefix : "\(prefix)_\(count)"
    }
}

/// The Sequential config's own fields.
private struct SequentialHeader: Decodable {
    var attributes: ModelAttributes
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ConfigKey.self)
        attributes = ModelAttributes(
            name: try container.decodeIfPresent(String.self, forKey: ConfigKey("name")) ?? "sequential",
            trainable: try container.decodeIfPresent(Bool.self, forKey: ConfigKey("trainable")) ?? true,
            dtype: try container.decodeIfPresent(DTypePolicy.self, forKey: ConfigKey("dtype")) ?? .float32)
    }
}

// MARK: - Generated configs

/// The typed config of a whole model: what a generated model's `Config` conforms to.
public protocol ModelConfig: KerasConfig {
    /// The config the model was generated from.
    init()
    /// The model's name, `trainable` flag and dtype policy.
    var model: ModelAttributes { get set }
}

/// The config of a generated Sequential model.
public protocol SequentialModelConfig: ModelConfig {}

extension SequentialModelConfig {
    public static var className: String { "Sequential" }
}

extension ModelConfig {
    public static var module: String { "keras" }

    /// Reads a config from Keras JSON (`model.to_json()`, a `.keras` archive's `config.json` or
    /// a hand-written spec): the spec is checked like at generation time, then its layers must
    /// be of this config's classes, in this config's order.
    public init(kerasJSON text: String) throws(SpecError) {
        let description = try ModelSpecParser.parse(JSONReader.parse(text))
        guard description.className == Self.className else {
            throw SpecError("expected a \(Self.className) model, found \(description.className)")
        }
        self = try SpecDecoder().decode(Self.self, from: description.configNode)
    }

    /// The model as Keras JSON, in the form `model.to_json()` writes and
    /// `keras.models.model_from_json` reads.
    public func kerasJSON() -> String {
        do {
            let config = try SpecEncoder().encode(self)
            return JSONWriter().write(.object([
                JSONMember(key: "module", value: JSONNode(.string(Self.module))),
                JSONMember(key: "class_name", value: JSONNode(.string(Self.className))),
                JSONMember(key: "config", value: JSONNode(config)),
                JSONMember(key: "registered_name", value: JSONNode(.null)),
            ]))
        } catch {
            preconditionFailure("encoding a model config cannot fail: \(error)")
        }
    }
}

/// Reads the layers of a Sequential config one typed config at a time; generated `Config`
/// types decode themselves with it.
public struct SequentialConfigReader {
    /// The model's name, `trainable` flag and dtype policy.
    public let attributes: ModelAttributes
    private var layers: any UnkeyedDecodingContainer
    private var index = 0

    /// Starts reading the Sequential config in `decoder`.
    public init(from decoder: any Decoder) throws {
        attributes = try SequentialHeader(from: decoder).attributes
        let container = try decoder.container(keyedBy: ConfigKey.self)
        layers = try container.nestedUnkeyedContainer(forKey: ConfigKey("layers"))
    }

    /// Reads the next layer, which must be of `C`'s class.
    public mutating func next<C: LayerConfig>(_ type: C.Type = C.self) throws -> C {
        guard !layers.isAtEnd else {
            throw DecodingError.valueNotFound(C.self, .init(
                codingPath: layers.codingPath,
                debugDescription: "the model has \(index) layers, but this Config expects a \(C.className) at position \(index)"))
        }
        let entry = try layers.nestedContainer(keyedBy: ConfigKey.self)
        let className = try entry.decode(String.self, forKey: ConfigKey("class_name"))
        guard className == C.className else {
            throw ConfigErrors.invalid(
                "layer \(index) is a \(className), but this Config expects a \(C.className) there",
                at: entry.codingPath + [ConfigKey("class_name")])
        }
        index += 1
        return try entry.decode(C.self, forKey: ConfigKey("config"))
    }

    /// Checks that no layers are left.
    public mutating func finish() throws {
        guard layers.isAtEnd else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: layers.codingPath,
                debugDescription: "the model has more layers than this Config's \(index)"))
        }
    }
}

/// Writes a Sequential config layer by layer, as Keras's `get_config()` does; generated
/// `Config` types encode themselves with it.
public struct SequentialConfigWriter {
    private var layers: any UnkeyedEncodingContainer

    /// Starts writing a Sequential config with `attributes` into `encoder`.
    public init(_ encoder: any Encoder, attributes: ModelAttributes) throws {
        var container = encoder.container(keyedBy: ConfigKey.self)
        try container.encode(attributes.name, forKey: ConfigKey("name"))
        try container.encode(attributes.trainable, forKey: ConfigKey("trainable"))
        try container.encode(attributes.dtype, forKey: ConfigKey("dtype"))
        layers = container.nestedUnkeyedContainer(forKey: ConfigKey("layers"))
    }

    /// Writes the next layer's entry.
    public mutating func append<C: LayerConfig>(_ config: C) throws {
        var entry = layers.nestedContainer(keyedBy: ConfigKey.self)
        try entry.encode(C.module, forKey: ConfigKey("module"))
        try entry.encode(C.className, forKey: ConfigKey("class_name"))
        try entry.encode(config, forKey: ConfigKey("config"))
        try entry.encodeNil(forKey: ConfigKey("registered_name"))
    }
}
