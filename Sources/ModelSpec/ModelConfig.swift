// The configs of generated models: typed layer configs plus the graph wiring them, read from
// and written to Keras JSON.

/// The typed config of a whole model: what a generated model's `Config` conforms to. The
/// generated type lists its layers' configs as properties; the wiring is fixed by the type.
public protocol ModelConfig: GraphLayerConfig {
    /// The config the model was generated from.
    init()
    /// The model's name, `trainable` flag and dtype policy.
    var model: ModelAttributes { get set }
    /// How the layers are called: Keras's `inbound_nodes`, `input_layers` and `output_layers`.
    static var graph: ModelGraph { get }
    /// The layers' configs in spec order (a shared layer once), as `graph` numbers them.
    var layers: [any GraphLayerConfig] { get }
    /// The custom layer classes the model and its nested models use, so that Keras JSON
    /// naming them can be read back (`init(kerasJSON:)`); empty for built-in layers only.
    static var customLayers: [CustomLayer] { get }
}

/// The config of a generated Sequential model.
public protocol SequentialModelConfig: ModelConfig {}

/// The config of a generated Functional model.
public protocol FunctionalModelConfig: ModelConfig {}

extension SequentialModelConfig {
    public static var className: String { "Sequential" }
}

/// The config of a generated model whose spec is a subclassed Keras model: the model class's
/// own `get_config()` at the top of its Keras JSON, computed by a custom layer you write
/// (`modelLayer`), called on one input whose shape Keras records in `build_config`.
public protocol SubclassedModelConfig: ModelConfig {
    /// The config type of the custom layer that computes the model.
    associatedtype ModelLayerConfig: UnaryLayerConfig
    /// The model class's config.
    var modelLayer: ModelLayerConfig { get }
}

extension SubclassedModelConfig {
    public static var className: String { ModelLayerConfig.className }
    public static var module: String { ModelLayerConfig.module }

    /// The Keras JSON of a subclassed model: the class's config at the top, with its
    /// `registered_name` and the input shape in `build_config`.
    func subclassedKerasJSON() throws -> String {
        let config = try SpecEncoder().encode(modelLayer)
        let input = inputShapes.first ?? TensorShape([])
        return JSONWriter().write(
            .object([
                JSONMember(key: "module", value: JSONNode(.string(Self.module))),
                JSONMember(key: "class_name", value: JSONNode(.string(Self.className))),
                JSONMember(key: "config", value: JSONNode(config)),
                JSONMember(
                    key: "registered_name",
                    value: JSONNode(ModelLayerConfig.registeredName.map { .string($0) } ?? .null)),
                JSONMember(
                    key: "build_config",
                    value: JSONNode(
                        .object([
                            JSONMember(key: "input_shape", value: JSONNode(ModelConfigWriter.shapeJSON(input)))
                        ]))),
            ]))
    }

    /// Keras saves a subclassed model's weights where its class puts them, with no `layers/`.
    func subclassedWeightPaths(prefix: String) throws -> [KerasWeightPath] {
        let inputs = inputShapes
        let weights = try modelLayer.weights(forInputs: inputs)
        let paths = try modelLayer.kerasWeightPaths(forInputs: inputs)
        return zip(weights, paths).map { KerasWeightPath(path: prefix + $1, shape: $0.shape, trainable: $0.trainable) }
    }
}

extension FunctionalModelConfig {
    public static var className: String { "Functional" }
    /// Where Keras 3 writes that the Functional class lives.
    public static var module: String { "keras.src.models.functional" }
}

extension ModelConfig {
    public static var customLayers: [CustomLayer] { [] }
    public static var module: String { "keras" }
    /// Keras's `registered_name` for the model class: `Functional` for Functional models.
    static var registeredName: JSONValue { className == "Functional" ? .string("Functional") : .null }
    /// The model's Keras name.
    public var name: String { model.name }

    /// The shapes of the model's inputs.
    public var inputShapes: [TensorShape] {
        Self.graph.inputs.map { node in
            (layers[Self.graph.nodes[node].layer] as? InputLayerConfig)?.batchShape ?? []
        }
    }

    /// The output shapes of every call in `graph`, checking that every layer takes what it is
    /// called on; errors name the layer.
    public func nodeShapes() throws -> [[TensorShape]] {
        let layers = self.layers
        var firstWeights: [Int: [[Int]]] = [:]
        do {
            return try Self.graph.inferShapes { layer, inputs, first in
                let config = layers[layer]
                let outputs = try config.outputShapes(forInputs: inputs)
                if let layerConfig = config as? any LayerConfig, !(config is InputLayerConfig) {
                    let shapes = try layerConfig.weights(forInputs: inputs).map(\.shape)
                    if first {
                        firstWeights[layer] = shapes
                    } else if shapes != firstWeights[layer] {
                        throw ShapeError(
                            "a shared layer's later calls must fit the weights its first call made "
                                + "(\(firstWeights[layer] ?? []))"
                        )
                    }
                }
                return outputs
            }
        } catch let error as GraphShapeError {
            throw ShapeError("\(Self.className) '\(model.name)': layer '\(layers[error.layer].name)' \(error)")
        }
    }

    public func outputShapes(forInputs inputs: [TensorShape]) throws -> [TensorShape] {
        let expected = inputShapes
        guard inputs.count == expected.count else {
            throw ShapeError(
                "model '\(model.name)' takes \(expected.count) input\(expected.count == 1 ? "" : "s"), got "
                    + "\(inputs.count)"
            )
        }
        for (input, wanted) in zip(inputs, expected) where !wanted.isCompatible(with: input) {
            throw ShapeError("model '\(model.name)' expects input shape \(wanted)")
        }
        let shapes = try nodeShapes()
        return Self.graph.outputs.map { shapes[$0.node][$0.index] }
    }

    /// Reads a config from Keras JSON (`model.to_json()`, a `.keras` archive's `config.json` or
    /// a hand-written spec): the spec is checked as at generation time, then it must have this
    /// type's architecture: the same layer classes in the same order, wired the same way.
    public init(kerasJSON text: String) throws(SpecError) {
        let description = try ModelSpecParser.parse(JSONReader.parse(text), customLayers: Self.customLayers)
        guard description.className == Self.className else {
            throw SpecError("expected a \(Self.className) model, found \(description.className)")
        }
        let decoded = try SpecDecoder().decode(Self.self, from: description.configNode)
        if let mismatch = decoded.graphMismatch(against: description) {
            throw SpecError(
                "the model '\(mismatch)' is wired differently from this type's: its layers are called on other inputs")
        }
        self = decoded
    }

    /// The name of the first model, this one or a nested one, whose wiring in `description`
    /// (which this config was decoded from) differs from its type's; `nil` when all match.
    func graphMismatch(against description: ModelDescription) -> String? {
        guard description.graph == Self.graph else { return description.attributes.name }
        let layers = self.layers
        for index in description.layers.indices {
            guard index < layers.count, let nested = layers[index] as? any ModelConfig,
                let nestedDescription = description.layers[index].nested
            else { continue }
            if let mismatch = nested.graphMismatch(against: nestedDescription) { return mismatch }
        }
        return nil
    }

    /// The model as Keras JSON, in the form `model.to_json()` writes and
    /// `keras.models.model_from_json` reads. Throws when the config's layers don't fit together.
    public func kerasJSON() throws -> String {
        if let subclassed = self as? any SubclassedModelConfig { return try subclassed.subclassedKerasJSON() }
        let config = try SpecEncoder().encode(self)
        return JSONWriter().write(
            .object([
                JSONMember(key: "module", value: JSONNode(.string(Self.module))),
                JSONMember(key: "class_name", value: JSONNode(.string(Self.className))),
                JSONMember(key: "config", value: JSONNode(config)),
                JSONMember(key: "registered_name", value: JSONNode(Self.registeredName)),
            ]))
    }
}

/// Reads a model config's layers one typed config at a time; generated `Config` types decode
/// themselves with it.
public struct ModelConfigReader {
    /// The model's name, `trainable` flag and dtype policy.
    public let attributes: ModelAttributes
    private var layers: any UnkeyedDecodingContainer
    private var index = 0

    /// Starts reading the config in `decoder` for the model config type `type`.
    public init<C: ModelConfig>(from decoder: any Decoder, for type: C.Type) throws {
        attributes = try ModelHeader(from: decoder).attributes(defaultName: Naming.snakeCase(C.className))
        let container = try decoder.container(keyedBy: ConfigKey.self)
        layers = try container.nestedUnkeyedContainer(forKey: ConfigKey("layers"))
    }

    /// Reads the next layer, which must be of `C`'s class.
    public mutating func next<C: GraphLayerConfig>(_ type: C.Type = C.self) throws -> C {
        guard !layers.isAtEnd else {
            throw DecodingError.valueNotFound(
                C.self,
                .init(
                    codingPath: layers.codingPath,
                    debugDescription:
                        "the model has \(index) layers, but this Config expects a \(C.className) at position \(index)"))
        }
        let entry = try layers.nestedContainer(keyedBy: ConfigKey.self)
        let className = try entry.decode(String.self, forKey: ConfigKey("class_name"))
        let expected = C.className == "Functional" ? ["Functional", "Model"] : [C.className]
        guard expected.contains(className) else {
            throw ConfigErrors.invalid(
                "layer \(index) is a \(className), but this Config expects a \(C.className) there",
                at: entry.codingPath + [ConfigKey("class_name")])
        }
        index += 1
        guard C.self is any AnyOperationConfig.Type else {
            return try entry.decode(C.self, forKey: ConfigKey("config"))
        }
        // An operation's config takes its call's arguments from its one inbound node.
        var config = try entry.decode(JSONValue.self, forKey: ConfigKey("config"))
        let inbound = try entry.decode(JSONValue.self, forKey: ConfigKey("inbound_nodes"))
        guard let args = inbound.arrayElements?.first?.value["args"], case .object(var members) = config else {
            throw ConfigErrors.invalid(
                "the operation \(C.className) needs its call in 'inbound_nodes'",
                at: entry.codingPath + [ConfigKey("inbound_nodes")])
        }
        members.append(JSONMember(key: OperationCall.key, value: args))
        config = .object(members)
        return try SpecDecoder().decode(C.self, from: JSONNode(config))
    }

    /// Checks that no layers are left.
    public mutating func finish() throws {
        guard layers.isAtEnd else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: layers.codingPath,
                    debugDescription: "the model has more layers than this Config's \(index)"))
        }
    }
}

/// Writes a model config as Keras's `get_config()` does: the layers, and for Functional models
/// each layer's calls (`inbound_nodes`) and the model's `input_layers` and `output_layers`.
public enum ModelConfigWriter {
    /// Writes `config` into `encoder`.
    public static func encode<C: ModelConfig>(_ config: C, to encoder: any Encoder) throws {
        let layers = config.layers
        let graph = C.graph
        let functional = C.className == "Functional"
        let shapes = functional ? try config.nodeShapes() : []
        var container = encoder.container(keyedBy: ConfigKey.self)
        try container.encode(config.model.name, forKey: ConfigKey("name"))
        try container.encode(config.model.trainable, forKey: ConfigKey("trainable"))
        if !functional {
            try container.encode(config.model.dtype, forKey: ConfigKey("dtype"))
        }
        var entries = container.nestedUnkeyedContainer(forKey: ConfigKey("layers"))
        let calls = graph.calls(layerCount: layers.count)
        // A call's index among its layer's calls, as `keras_history` counts them.
        var callIndex = [Int](repeating: 0, count: graph.nodes.count)
        for layerCalls in calls { for (k, node) in layerCalls.enumerated() { callIndex[node] = k } }

        func reference(_ ref: ModelGraph.TensorRef, offsetBuiltIn: Bool) -> JSONValue {
            let layer = layers[graph.nodes[ref.node].layer]
            let offset = offsetBuiltIn && type(of: layer).className == "Functional" ? 1 : 0
            return .array([
                JSONNode(.string(layer.name)), JSONNode(.int(callIndex[ref.node] + offset)), JSONNode(.int(ref.index)),
            ])
        }

        for (index, layer) in layers.enumerated() {
            var entry = entries.nestedContainer(keyedBy: ConfigKey.self)
            try entry.encode(type(of: layer).module, forKey: ConfigKey("module"))
            try entry.encode(type(of: layer).className, forKey: ConfigKey("class_name"))
            let operation = layer as? any AnyOperationConfig
            if let operation {
                // The call's arguments go to `inbound_nodes`, not the config.
                guard case .object(let members) = try SpecEncoder().encode(operation) else {
                    preconditionFailure("an operation config encodes as an object")
                }
                try entry.encode(
                    JSONValue.object(members.filter { $0.key != OperationCall.key }), forKey: ConfigKey("config"))
            } else {
                try entry.encode(layer, forKey: ConfigKey("config"))
            }
            if let model = layer as? any ModelConfig {
                try entry.encode(type(of: model).registeredName, forKey: ConfigKey("registered_name"))
            } else if let registered = (layer as? any LayerConfig).flatMap({ type(of: $0).registeredName }) {
                try entry.encode(registered, forKey: ConfigKey("registered_name"))
            } else {
                try entry.encodeNil(forKey: ConfigKey("registered_name"))
            }
            guard functional else { continue }
            try entry.encode(layer.name, forKey: ConfigKey("name"))
            var inbound: [JSONNode] = []
            for node in calls[index] where !graph.nodes[node].inputs.isEmpty {
                let tensors: [JSONNode] = graph.nodes[node].inputs.map { ref in
                    JSONNode(
                        .object([
                            JSONMember(key: "class_name", value: JSONNode(.string("__keras_tensor__"))),
                            JSONMember(
                                key: "config",
                                value: JSONNode(
                                    .object([
                                        JSONMember(
                                            key: "shape", value: JSONNode(shapeJSON(shapes[ref.node][ref.index]))),
                                        JSONMember(key: "dtype", value: JSONNode(.string("float32"))),
                                        JSONMember(
                                            key: "keras_history",
                                            value: JSONNode(reference(ref, offsetBuiltIn: false))),
                                    ]))),
                        ]))
                }
                let layout = graph.nodes[node].layout
                var arguments: [JSONNode]
                var keywords: [JSONMember] = []
                if let operation {
                    // The call's constants as they were, each tensor in its place.
                    var next = tensors.makeIterator()
                    func fill(_ argument: OperationArgument) -> JSONNode {
                        switch argument {
                        case .tensor: return next.next()!
                        case .list(let items) where argument.tensorCount > 0: return JSONNode(.array(items.map(fill)))
                        default: return JSONNode(argument.json)
                        }
                    }
                    arguments = operation.call.map(fill)
                } else if let positional = layout.positional {
                    arguments = Array(tensors.prefix(positional))
                    keywords = zip(layout.keywords, tensors.dropFirst(positional)).map {
                        JSONMember(key: $0, value: $1)
                    }
                } else {
                    let multiple =
                        type(of: layer).className != "Functional"
                        && (layer as? any LayerConfig).map {
                            type(of: $0).inputArity != .exactly(1)
                        } ?? (graph.nodes[node].arguments.count > 1)
                    let argumentTensors = Array(tensors.prefix(graph.nodes[node].arguments.count))
                    arguments = [multiple ? JSONNode(.array(argumentTensors)) : argumentTensors[0]]
                }
                let argumentCount = graph.nodes[node].arguments.count
                if let training = layout.training {
                    keywords.append(JSONMember(key: "training", value: JSONNode(.bool(training))))
                }
                if layout.initialStates > 0 {
                    let states = Array(tensors[argumentCount..<(argumentCount + layout.initialStates)])
                    keywords.append(
                        JSONMember(
                            key: "initial_state",
                            value: layout.singleInitialState ? states[0] : JSONNode(.array(states))))
                }
                for (keyword, tensor) in zip(layout.maskKeywords, tensors.suffix(layout.maskKeywords.count)) {
                    keywords.append(JSONMember(key: keyword, value: tensor))
                }
                if layout.useCausalMask {
                    keywords.append(JSONMember(key: "use_causal_mask", value: JSONNode(.bool(true))))
                }
                inbound.append(
                    JSONNode(
                        .object([
                            JSONMember(key: "args", value: JSONNode(.array(arguments))),
                            JSONMember(key: "kwargs", value: JSONNode(.object(keywords))),
                        ])))
            }
            try entry.encode(JSONValue.array(inbound), forKey: ConfigKey("inbound_nodes"))
        }
        guard functional else { return }
        func list(_ refs: [JSONValue], listsSingle: Bool, keys: [String]?) -> JSONValue {
            if let keys { return .object(zip(keys, refs).map { JSONMember(key: $0, value: JSONNode($1)) }) }
            return refs.count == 1 && !listsSingle ? refs[0] : .array(refs.map { JSONNode($0) })
        }
        try container.encode(
            list(
                graph.inputs.map { reference(ModelGraph.TensorRef($0), offsetBuiltIn: true) },
                listsSingle: graph.listsSingleInput, keys: graph.inputKeys),
            forKey: ConfigKey("input_layers"))
        try container.encode(
            list(
                graph.outputs.map { reference($0, offsetBuiltIn: true) }, listsSingle: graph.listsSingleOutput,
                keys: graph.outputKeys),
            forKey: ConfigKey("output_layers"))
    }

    static func shapeJSON(_ shape: TensorShape) -> JSONValue {
        .array(shape.dimensions.map { JSONNode($0.map { .int($0) } ?? .null) })
    }
}

extension ModelConfig {
    /// The same config with the model's inputs (in `input_layers` order) given other batch
    /// shapes, as Keras's `clone_model(input_tensors=…)` rebuilds a model on new inputs. The
    /// result is not checked here; building a model from it checks every layer.
    public func withInputShapes(_ shapes: [TensorShape]) throws -> Self {
        let graph = Self.graph
        guard shapes.count == graph.inputs.count else {
            throw ShapeError(
                "model '\(model.name)' has \(graph.inputs.count) input\(graph.inputs.count == 1 ? "" : "s"), got "
                    + "\(shapes.count) shapes"
            )
        }
        guard case .object(var members) = try SpecEncoder().encode(self),
            let layersIndex = members.firstIndex(where: { $0.key == "layers" }),
            case .array(var entries) = members[layersIndex].value.value
        else { preconditionFailure("a model config encodes as an object with 'layers'") }
        for (node, shape) in zip(graph.inputs, shapes) {
            let layer = graph.nodes[node].layer
            entries[layer] = ModelSpecParser.replacing(
                "config", in: entries[layer],
                with: ModelSpecParser.replacing(
                    "batch_shape", in: entries[layer]["config"]!, with: JSONNode(ModelConfigWriter.shapeJSON(shape))))
        }
        members[layersIndex].value = JSONNode(.array(entries))
        return try SpecDecoder().decode(Self.self, from: JSONNode(.object(members)))
    }
}

/// One weight as Keras 3 stores it: its object path (`layers/dense_1/vars/0`) and shape.
public struct KerasWeightPath: Sendable, Equatable, CustomStringConvertible {
    /// The path in a `.weights.h5` file (and the key in our `.safetensors`/`.npz` files).
    public var path: String
    /// The weight's shape.
    public var shape: [Int]
    /// Whether training updates it (Keras's `trainable_weights`).
    public var trainable: Bool

    /// A weight at `path` of `shape`.
    public init(path: String, shape: [Int], trainable: Bool = true) {
        self.path = path
        self.shape = shape
        self.trainable = trainable
    }

    public var description: String { "\(path) \(shape)" }
}

extension ModelConfig {
    /// Where Keras 3 stores each weight, in `get_weights()` order. Keras names a model's
    /// layers by class, not by their names: `to_snake_case(class)` numbered in layer order
    /// (`dense`, `dense_1`, …), nested models under their own `layers/`.
    public func kerasWeightPaths(prefix: String = "") throws -> [KerasWeightPath] {
        if let subclassed = self as? any SubclassedModelConfig {
            return try subclassed.subclassedWeightPaths(prefix: prefix)
        }
        let firstInputs = try firstCallInputShapes()
        var used: [String: Int] = [:]
        var paths: [KerasWeightPath] = []
        // Operations are not layers: Keras neither numbers nor saves them.
        for (index, layer) in layers.enumerated() where !(layer is any AnyOperationConfig) {
            let base = Naming.snakeCase(type(of: layer).className)
            let name: String
            if let count = used[base] {
                used[base] = count + 1
                name = "\(base)_\(count + 1)"
            } else {
                used[base] = 0
                name = base
            }
            let path = prefix + "layers/" + name
            if let model = layer as? any ModelConfig {
                paths += try model.kerasWeightPaths(prefix: path + "/")
            } else if let config = layer as? any LayerConfig, !(config is InputLayerConfig) {
                let weights = try config.weights(forInputs: firstInputs[index] ?? [])
                let subpaths = try config.kerasWeightPaths(forInputs: firstInputs[index] ?? [])
                paths += zip(weights, subpaths).map {
                    KerasWeightPath(path: "\(path)/\($1)", shape: $0.shape, trainable: $0.trainable)
                }
            }
        }
        return paths
    }
}

extension ModelConfig {
    /// The shapes of each layer's first call's arguments (its inputs but initial states and
    /// masks), by layer index: what its weights are built for.
    package func firstCallInputShapes() throws -> [Int: [TensorShape]] {
        let shapes = try nodeShapes()
        var firstInputs: [Int: [TensorShape]] = [:]
        for node in Self.graph.nodes where firstInputs[node.layer] == nil {
            firstInputs[node.layer] = node.arguments.map { shapes[$0.node][$0.index] }
        }
        return firstInputs
    }

    /// Each built-in layer's config with its weights' specs, in `get_weights()` order (nested
    /// models not included: the caller decides what they mean).
    package func layerWeightSpecs() throws -> [(config: any LayerConfig, weights: [WeightSpec])] {
        let firstInputs = try firstCallInputShapes()
        return try layers.enumerated().compactMap { index, layer in
            guard let config = layer as? any LayerConfig, !(config is InputLayerConfig) else { return nil }
            return (config, try config.weights(forInputs: firstInputs[index] ?? []))
        }
    }
}
