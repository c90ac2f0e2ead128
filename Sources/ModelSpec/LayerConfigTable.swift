/// The layer configs of a generated model's `Config`, in spec order, behind one copy-on-write
/// reference.
///
/// A generated `Config` keeps its layers' configs here; `config.conv.filters` reads the config
/// of the layer `conv` at its index as its static type. Keeping the configs in a list rather
/// than in one stored property each keeps the generated code to a few lines a layer, so that it
/// builds in time linear in the number of layers, and makes a config one reference whatever
/// its size.
public struct LayerConfigTable: Equatable, Sendable {
    private struct Contents: Equatable, Sendable {
        var model: ModelAttributes
        var layers: [any GraphLayerConfig]

        static func == (lhs: Contents, rhs: Contents) -> Bool {
            guard lhs.model == rhs.model, lhs.layers.count == rhs.layers.count else { return false }
            for (left, right) in zip(lhs.layers, rhs.layers) where !LayerConfigTable.equal(left, right) {
                return false
            }
            return true
        }
    }

    private var contents: CopyOnWrite<Contents>

    /// The model's attributes and its layers' configs, in spec order.
    public init(model: ModelAttributes, layers: [any GraphLayerConfig]) {
        contents = CopyOnWrite(Contents(model: model, layers: layers))
    }

    /// The model's name, `trainable` flag and dtype policy.
    public var model: ModelAttributes {
        get { contents.value.model }
        set { contents.value.model = newValue }
    }

    /// The layers' configs in spec order.
    public var layers: [any GraphLayerConfig] { contents.value.layers }

    /// The config of the layer at `index`, which is a `C`.
    public subscript<C: GraphLayerConfig>(index: Int) -> C {
        get {
            guard let config = contents.value.layers[index] as? C else {
                preconditionFailure(
                    "layer \(index) ('\(contents.value.layers[index].name)') is a \(C.className), not a "
                        + "\(type(of: contents.value.layers[index]))")
            }
            return config
        }
        set {
            contents.value.layers[index] = newValue
        }
    }

    /// Reads every layer's config from `reader`, each as the type of the config it replaces:
    /// what a generated `Config` decodes its layers with.
    public mutating func read(from reader: inout ModelConfigReader) throws {
        var layers = contents.value.layers
        for index in layers.indices {
            layers[index] = try Self.next(like: layers[index], from: &reader)
        }
        contents.value.layers = layers
    }

    private static func next<C: GraphLayerConfig>(like config: C, from reader: inout ModelConfigReader) throws -> C {
        try reader.next(C.self)
    }

    private static func equal<C: GraphLayerConfig>(_ lhs: C, _ rhs: any GraphLayerConfig) -> Bool {
        guard let rhs = rhs as? C else { return false }
        return lhs == rhs
    }
}
