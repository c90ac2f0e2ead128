/// A model spec, parsed and checked: its layers' typed configs, locations, shapes, weights
/// and the graph that wires them.
public struct ModelDescription: Sendable {
    /// Keras's model class: `Sequential`, `Functional`, or a subclassed model's own class.
    public var className: String
    /// The model's name, `trainable` flag and dtype policy.
    public var attributes: ModelAttributes
    /// The layers in spec order (a shared layer once).
    public var layers: [LayerDescription]
    /// The calls of the layers and the model's inputs and outputs.
    public var graph: ModelGraph
    /// The output shapes of every call in `graph.nodes`.
    public var nodeShapes: [[TensorShape]]
    /// The model's `config` object with Keras's defaults filled in where the typed configs
    /// need them (layer names); decodes into a generated `Config`.
    public var configNode: JSONNode
    /// Valid but suspicious things in the spec, nested models' included.
    public var warnings: [SpecWarning] = []
    /// Where the Keras masks of the calls come from.
    public var masks: MaskPlan = .none

    /// Whether the spec is a subclassed model: its own class at the top, computed by its one
    /// non-input layer, a custom layer (`layers[1]`).
    public var isSubclassed: Bool { className != "Sequential" && className != "Functional" }
    /// The number of weight scalars.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }
    /// The number of trainable weight scalars.
    public var trainableParameterCount: Int {
        guard attributes.trainable else { return 0 }
        return layers.reduce(0) { $0 + $1.trainableParameterCount }
    }
    /// The shapes of the model's inputs, in `input_layers` order.
    public var inputShapes: [TensorShape] { graph.inputs.map { nodeShapes[$0][0] } }
    /// The shapes of the model's outputs, in `output_layers` order.
    public var outputShapes: [TensorShape] { graph.outputs.map { nodeShapes[$0.node][$0.index] } }
    /// The shapes a call of `node` reads.
    public func inputShapes(of node: Int) -> [TensorShape] {
        graph.nodes[node].inputs.map { nodeShapes[$0.node][$0.index] }
    }
}

/// One layer of a described model: a built-in layer or a nested model.
public struct LayerDescription: Sendable {
    /// A layer description.
    public init(
        name: String, className: String, kind: LayerKind?, config: (any LayerConfig)?, nested: ModelDescription?,
        location: SourceLocation?, weights: [WeightSpec], custom: CustomLayer? = nil
    ) {
        self.custom = custom
        self.name = name
        self.className = className
        self.kind = kind
        self.config = config
        self.nestedStorage = nested.map(Boxed.init)
        self.location = location
        self.weights = weights
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's class name.
    public var className: String
    /// The built-in layer's kind; `nil` for a nested model or a custom layer.
    public var kind: LayerKind?
    /// The custom layer class, for a custom layer (its `config` is then the class's config,
    /// a `DeclaredLayerConfig` when read by the generator).
    public var custom: CustomLayer?
    /// Whether a call takes one input: a custom layer, or a built-in one of arity one.
    public var isUnary: Bool { custom != nil || kind?.configType.inputArity == .exactly(1) }
    /// The built-in layer's typed config; `nil` for a nested model.
    public var config: (any LayerConfig)?
    /// The nested model; `nil` for a built-in layer.
    public var nested: ModelDescription? {
        get { nestedStorage?.value }
        set { nestedStorage = newValue.map(Boxed.init) }
    }
    private var nestedStorage: Boxed<ModelDescription>?
    /// Where the layer's entry starts in the spec.
    public var location: SourceLocation?
    /// A built-in layer's weights in `get_weights()` order, made by its first call.
    public var weights: [WeightSpec]

    /// The number of weight scalars.
    public var parameterCount: Int { nested?.parameterCount ?? weights.reduce(0) { $0 + $1.count } }
    /// The number of trainable weight scalars.
    public var trainableParameterCount: Int {
        nested?.trainableParameterCount ?? weights.filter(\.trainable).reduce(0) { $0 + $1.count }
    }
    /// Whether it is the model input.
    public var isInput: Bool { className == InputLayerConfig.className }
}

/// Reads model specs: Keras's `to_json()`, the `config.json` of a `.keras` archive, or a
/// hand-written spec leaving out whatever has a Keras default.
public enum ModelSpecParser {
    /// The largest number of scalars one weight tensor may have (2³¹, 8 GiB of float32).
    public static let maxWeightCount = 1 << 31
    /// Model classes a spec (or a nested model) may have.
    static let modelClasses: Set<String> = ["Sequential", "Functional", "Model"]

    /// Parses and checks the spec in `bytes`; errors carry `file` and the spec's line and column.
    public static func parse(_ bytes: [UInt8], file: String, customLayers: [CustomLayer] = []) throws(SpecError)
        -> ModelDescription
    {
        do {
            var description = try parse(JSONReader.parse(bytes), customLayers: customLayers)
            description.warnings = description.warnings.map { warning in
                var warning = warning
                warning.file = warning.file ?? file
                return warning
            }
            return description
        } catch {
            throw error.inFile(file)
        }
    }

    /// Parses the spec file `file` from its bytes: Keras JSON; for a `.keras` archive the
    /// `config.json` inside it; for a legacy Keras 2 `.h5` (or `.hdf5`) file its `model_config`
    /// attribute. Errors in an embedded config say where it is and give its line and column.
    public static func parse(specFile bytes: [UInt8], file: String, customLayers: [CustomLayer] = []) throws(SpecError)
        -> ModelDescription
    {
        if LegacyKerasH5.isSpec(file) {
            return try parse(
                embedded: LegacyKerasH5.modelConfig(bytes, file: file), named: "model_config", file: file,
                customLayers: customLayers)
        }
        guard file.hasSuffix(".keras") else { return try parse(bytes, file: file, customLayers: customLayers) }
        let config: [UInt8]
        do {
            let archive = try ZipArchive(bytes)
            guard let entry = archive.entries.first(where: { $0.name == "config.json" }) else {
                throw ArchiveError("the archive has no config.json; is it a Keras 3 .keras file?")
            }
            config = try archive.data(of: entry, in: bytes)
        } catch let error as ArchiveError {
            throw SpecError("cannot read the .keras archive: \(error.message)", file: file)
        } catch {
            throw SpecError("cannot read the .keras archive: \(error)", file: file)
        }
        return try parse(embedded: config, named: "config.json", file: file, customLayers: customLayers)
    }

    /// Whether the spec file `file` holds its config embedded (a `.keras` archive's
    /// `config.json`, a legacy `.h5` file's `model_config`), so that lines and columns in the
    /// config are not lines of the file.
    package static func embedsConfig(_ file: String) -> Bool {
        file.hasSuffix(".keras") || LegacyKerasH5.isSpec(file)
    }

    /// Parses a config embedded in `file` as `name`; errors are prefixed with `in NAME: `.
    private static func parse(
        embedded config: [UInt8], named name: String, file: String,
        customLayers: [CustomLayer]
    ) throws(SpecError) -> ModelDescription {
        do {
            return try parse(config, file: file, customLayers: customLayers)
        } catch {
            var error = error
            error.message = "in \(name): " + error.message
            error.additional = error.additional.map {
                var more = $0
                more.message = "in \(name): " + more.message
                return more
            }
            throw error
        }
    }

    /// Parses and checks a spec already read as JSON. `customLayers` are the custom layer
    /// classes its layers may use besides Keras's built-in ones.
    public static func parse(_ root: JSONNode, customLayers: [CustomLayer] = []) throws(SpecError) -> ModelDescription {
        do {
            return try parseModel(try removingSharedObjectIDs(root), depth: 0, custom: customLayers)
        } catch let error as SpecError {
            throw error
        } catch {
            throw SpecError("\(error)", at: root.location)
        }
    }

    /// The deepest nesting of models accepted.
    static let maxModelDepth = 32

    static func parseModel(_ root: JSONNode, depth: Int, custom: [CustomLayer]) throws -> ModelDescription {
        guard let members = root.value.objectMembers else {
            throw SpecError(
                "a model spec must be a JSON object with 'class_name' and 'config', found "
                    + "\(root.value.kindDescription)",
                at: root.location)
        }
        // Keras 2 files also carry the Keras version and backend that wrote them.
        let allowed: Set<String> = [
            "module", "class_name", "config", "registered_name", "build_config", "compile_config",
            "keras_version", "backend",
        ]
        if depth == 0, let unknown = members.first(where: { !allowed.contains($0.key) }) {
            throw SpecError(
                "unknown key '\(unknown.key)' at the top of a model spec; expected 'class_name' and 'config'",
                at: unknown.keyLocation)
        }
        guard let classNode = root["class_name"] else {
            throw SpecError("missing 'class_name' at the top of the model spec", at: root.location)
        }
        guard let className = classNode.value.stringValue else {
            throw SpecError(
                "expected a string for 'class_name', found \(classNode.value.kindDescription)", at: classNode.location)
        }
        guard let config = root["config"] else {
            throw SpecError("missing 'config' in the model spec", at: root.location)
        }
        guard depth < maxModelDepth else {
            throw SpecError("models nested more than \(maxModelDepth) deep", at: root.location)
        }
        switch className {
        case "Sequential":
            return try parseSequential(config, depth: depth, custom: custom)
        case "Functional", "Model":
            return try parseFunctional(config, depth: depth, custom: custom)
        default:
            let registeredName = root["registered_name"]?.value.stringValue
            if depth == 0,
                let layer = custom.first(where: { $0.matches(className: className, registeredName: registeredName) })
            {
                return try parseSubclassed(root, layer: layer, custom: custom)
            }
            throw SpecError(
                "unknown model class '\(className)'; a spec's top level must be a Sequential or Functional model, or "
                    + "a subclassed model declared under 'customLayers' in the target's model-generator-config.json",
                at: classNode.location)
        }
    }

    /// A subclassed Keras model (`keras.Model` with its own `call`), saved with its class's
    /// `get_config()` at the top and the input shape it was built for in `build_config`: read
    /// as a model of two layers, an input and the declared custom layer that computes the model.
    static func parseSubclassed(_ root: JSONNode, layer: CustomLayer, custom: [CustomLayer]) throws -> ModelDescription
    {
        let buildConfig = root["build_config"]
        guard let shapeNode = buildConfig?["input_shape"], let dimensions = shapeNode.value.arrayElements,
            !dimensions.isEmpty
        else {
            throw SpecError(
                "the subclassed model '\(layer.kerasName)' needs 'build_config' with its 'input_shape' (Keras writes "
                    + "it once the model has been built or called)",
                at: buildConfig?.location ?? root.location)
        }
        // The batch size the model happened to be built with is not part of its architecture.
        let batchShape = [JSONNode(.null, at: dimensions[0].location)] + dimensions.dropFirst()
        let input = JSONNode(
            .object([
                JSONMember(key: "class_name", value: JSONNode(.string(InputLayerConfig.className))),
                JSONMember(
                    key: "config",
                    value: JSONNode(
                        .object([
                            JSONMember(key: "batch_shape", value: JSONNode(.array(batchShape), at: shapeNode.location))
                        ]))),
            ]), at: shapeNode.location)
        var entry: [JSONMember] = []
        for key in ["module", "class_name", "config", "registered_name"] {
            if let node = root[key] { entry.append(JSONMember(key: key, value: node)) }
        }
        let sequential = JSONNode(
            .object([
                JSONMember(
                    key: "layers",
                    value: JSONNode(
                        .array([input, JSONNode(.object(entry), at: root["class_name"]?.location ?? root.location)])))
            ]), at: root.location)
        var description = try parseSequential(sequential, depth: 0, custom: custom)
        let modelLayer = description.layers[1]
        description.className = modelLayer.className
        description.attributes.name = modelLayer.name
        description.configNode = description.configNode["layers"]?.value.arrayElements?.last?["config"] ?? root
        return description
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

/// A value stored out of line, so that a model description can hold the descriptions of its
/// nested models.
final class Boxed<Value: Sendable>: Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
