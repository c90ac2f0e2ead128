/// The layers of a generated model, in spec order, behind one copy-on-write reference.
///
/// A generated model keeps its layers here. `model.conv` reads and writes the layer `conv` as
/// its static type through the model's `subscript(dynamicMember:)`, which takes the layer's
/// ``LayerSlot`` from the model's generated `Layers` class. Building, cloning, reading configs
/// and setting weights go through the list in the runtime instead of through generated code
/// for each layer, so that the generated code stays a few lines a layer and builds in time
/// linear in the number of layers, and a model is one reference whatever its size.
public struct LayerTable: Sendable {
    private struct Contents: Sendable {
        var model: ModelAttributes
        var layers: [any Layer]
    }

    private var contents: CopyOnWrite<Contents>

    /// Builds the layers of `config`, each of the Swift type at its index in `types`, in the
    /// order of their first calls, each for the shapes of its first call's arguments (its
    /// inputs but initial states and masks), with fresh weights drawn from its own seed
    /// (`Seeds.derive(seed, name)`). Throws when the config's layers don't fit together.
    public init<C: ModelConfig>(config: C, types: [any Layer.Type], seed: UInt64) throws {
        let configs = config.layers
        precondition(
            types.count == configs.count,
            "\(C.self): \(types.count) layer types for \(configs.count) layer configs")
        let shapes = try config.nodeShapes()
        var built = [(any Layer)?](repeating: nil, count: configs.count)
        for node in C.graph.nodes where built[node.layer] == nil {
            let inputShapes = node.arguments.map { shapes[$0.node][$0.index] }
            built[node.layer] = try Self.build(
                types[node.layer], config: configs[node.layer], inputShapes: inputShapes, seed: seed)
        }
        let layers = built.enumerated().map { index, layer in
            guard let layer else { preconditionFailure("\(C.self): layer \(index) is never called") }
            return layer
        }
        contents = CopyOnWrite(Contents(model: config.model, layers: layers))
    }

    /// The layer in `slot`, as its static type: what `model.conv` reads and writes.
    public subscript<L: Layer>(slot: LayerSlot<L>) -> L {
        get { self[slot.index] }
        set { self[slot.index] = newValue }
    }

    /// The input layer in `slot`.
    public subscript(slot: InputSlot) -> InputLayer {
        self[slot.index]
    }

    /// The layer at `index`, which is an `L`.
    public subscript<L: Layer>(index: Int) -> L {
        get {
            guard let layer = contents.value.layers[index] as? L else {
                preconditionFailure("layer \(index) is a \(type(of: contents.value.layers[index])), not a \(L.self)")
            }
            return layer
        }
        set {
            contents.value.layers[index] = newValue
        }
    }

    /// The model's attributes and its layers' configs as they are now.
    public var configs: LayerConfigTable {
        LayerConfigTable(model: contents.value.model, layers: contents.value.layers.map(Self.config))
    }

    /// The table with every layer but the inputs replaced by its clone, as a generated model's
    /// `clone(with:recursive:at:)` does: `cloner` makes each layer's clone for the model
    /// `model` at `path`, and goes into nested models when `recursive`.
    public func cloned(with cloner: some LayerCloner, recursive: Bool, at path: LayerPath, in model: String)
        -> LayerTable
    {
        var clone = self
        clone.contents.value.layers = contents.value.layers.map { layer in
            switch layer {
            case is InputLayer:
                return layer
            case let nested as any Model:
                return cloner.cloneLayer(
                    nested, at: path.appending(nested.config.name), in: model, recursive: recursive)
            case let unary as any UnaryLayer:
                return cloner.cloneLayer(unary, at: path.appending(unary.config.name), in: model)
            case let merge as any MergeLayer:
                return cloner.cloneLayer(merge, at: path.appending(merge.config.name), in: model)
            default:
                preconditionFailure("\(model): layer '\(Self.config(layer).name)' is no kind of layer a model holds")
            }
        }
        return clone
    }

    /// The weight tensors in Keras's `get_weights()` order, nested models' included.
    public var weights: [Tensor] {
        var weights: [Tensor] = []
        for layer in contents.value.layers { weights += layer.weights }
        return weights
    }

    /// Sets the weights from Keras's `get_weights()` order, layer by layer, for the model
    /// `model`; leaves the layers unchanged on error.
    public mutating func setWeights(_ weights: [Tensor], for model: String) throws {
        var assignment = WeightAssignment(weights, for: model)
        var layers = contents.value.layers
        for index in layers.indices where !layers[index].weights.isEmpty {
            try Self.assign(&assignment, to: &layers[index])
        }
        try assignment.finish()
        contents.value.layers = layers
    }

    private static func assign<L: Layer>(_ assignment: inout WeightAssignment, to layer: inout L) throws {
        try assignment.assign(to: &layer, name: config(layer).name)
    }

    private static func config(_ layer: any Layer) -> any GraphLayerConfig {
        guard let config = layer.config as? any GraphLayerConfig else {
            preconditionFailure("a \(type(of: layer))'s config is not a layer config")
        }
        return config
    }

    private static func build(
        _ type: any Layer.Type, config: any GraphLayerConfig, inputShapes: [TensorShape], seed: UInt64
    ) throws -> any Layer {
        if type == InputLayer.self, let config = config as? InputLayerConfig {
            return InputLayer(config: config)
        }
        if let model = type as? any Model.Type { return try buildModel(model, config: config, seed: seed) }
        if let unary = type as? any UnaryLayer.Type {
            return try buildUnary(unary, config: config, inputShape: inputShapes[0], seed: seed)
        }
        if let merge = type as? any MergeLayer.Type {
            return try buildMerge(merge, config: config, inputShapes: inputShapes, seed: seed)
        }
        preconditionFailure("layer '\(config.name)': \(type) is no kind of layer a model holds")
    }

    private static func typed<C>(_ config: any GraphLayerConfig, _ type: C.Type) -> C {
        guard let typed = config as? C else {
            preconditionFailure("layer '\(config.name)' has a \(Swift.type(of: config)), not a \(C.self)")
        }
        return typed
    }

    private static func buildModel<M: Model>(_ type: M.Type, config: any GraphLayerConfig, seed: UInt64) throws -> M {
        try M(config: typed(config, M.Config.self), seed: Seeds.derive(seed, config.name))
    }

    private static func buildUnary<L: UnaryLayer>(
        _ type: L.Type, config: any GraphLayerConfig, inputShape: TensorShape, seed: UInt64
    ) throws -> L {
        try L(config: typed(config, L.Config.self), inputShape: inputShape, seed: Seeds.derive(seed, config.name))
    }

    private static func buildMerge<L: MergeLayer>(
        _ type: L.Type, config: any GraphLayerConfig, inputShapes: [TensorShape], seed: UInt64
    ) throws -> L {
        try L(config: typed(config, L.Config.self), inputShapes: inputShapes, seed: Seeds.derive(seed, config.name))
    }
}

/// Where a layer of type `L` sits in a generated model: its index in spec order, in the
/// model's ``LayerTable`` and in its config's ``LayerConfigTable``.
///
/// A generated model has a `Layers` class with one slot per layer, named like the layer
/// (`let conv = LayerSlot<Conv2D>(3)`). `model.conv` and `config.conv` are looked up through
/// the key path `\Layers.conv`, so each layer costs the generated type one stored constant
/// rather than a property with its accessors on both the model and its config; that keeps the
/// debug build of a thousand-layer model in seconds.
public struct LayerSlot<L: Layer>: Sendable {
    /// The layer's index in spec order.
    public let index: Int

    /// The slot of the layer at `index`.
    public init(_ index: Int) {
        self.index = index
    }
}

/// Where an input layer sits in a generated model: like ``LayerSlot``, but the model's input
/// layer is read-only (its shape is fixed by the layers built for it); its config is not.
public struct InputSlot: Sendable {
    /// The input layer's index in spec order.
    public let index: Int

    /// The slot of the input layer at `index`.
    public init(_ index: Int) {
        self.index = index
    }
}

extension LayerConfigTable {
    /// The config of the layer in `slot`, as its static type: what `config.conv` reads and
    /// writes.
    public subscript<L: Layer>(slot: LayerSlot<L>) -> L.Config where L.Config: GraphLayerConfig {
        get { self[slot.index] }
        set { self[slot.index] = newValue }
    }

    /// The config of the input layer in `slot`.
    public subscript(slot: InputSlot) -> InputLayerConfig {
        get { self[slot.index] }
        set { self[slot.index] = newValue }
    }
}
