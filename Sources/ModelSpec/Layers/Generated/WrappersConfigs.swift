// Wrapper layers: TimeDistributed (any single-input layer over every time step) and Bidirectional
// (a recurrent layer run both ways). Both are generic over what they wrap; the registry picks the
// instantiation from the wrapped layer's `class_name`.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/WrappersSchema.swift by
// tools/generate-layer-configs.sh; do not edit. What the layers do is in
// Sources/ModelSpec/Layers/Wrappers.swift.

/// `keras.layers.TimeDistributed`: the wrapped layer applied to every time step of a `(batch,
/// steps, ...)` input.
public struct TimeDistributedConfig<Inner: UnaryLayerConfig>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "TimeDistributed" }
    public static var template: Self { Self(layer: Inner.template) }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("layer", \.wrapped, required: true),
        ]
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The wrapped layer as Keras writes it.
    public var wrapped: KerasLayerObject<Inner>

    /// A config wrapping `layer`.
    public init(
        name: String = "time_distributed", trainable: Bool = true, dtype: DTypePolicy = .float32, layer: Inner
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.wrapped = KerasLayerObject(layer)
    }
}

/// `keras.layers.Bidirectional`: a recurrent layer run forward and a copy run backward, their
/// outputs merged.
public struct BidirectionalConfig<Cell: RecurrentCellKind>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "Bidirectional" }
    public static var template: Self { Self(layer: RecurrentConfig<Cell>(units: 1)) }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("merge_mode", \.mergeMode),
            ConfigField("layer", \.forward, required: true),
            ConfigField("backward_layer", \.backward),
        ]
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// How the two outputs are joined; nil gives both as separate outputs.
    public var mergeMode: MergeMode?
    /// The forward layer.
    public var forward: KerasLayerObject<RecurrentConfig<Cell>>
    /// The backward layer (`go_backwards` set); Keras derives it from the forward one when absent.
    public var backward: KerasLayerObject<RecurrentConfig<Cell>>?

    /// A config running `layer` forward and `backwardLayer` (by default a copy of `layer` with
    /// `go_backwards` flipped, as Keras makes it) backward.
    public init(
        name: String = "bidirectional", trainable: Bool = true, dtype: DTypePolicy = .float32,
        mergeMode: MergeMode? = .concat, layer: RecurrentConfig<Cell>, backwardLayer: RecurrentConfig<Cell>? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.mergeMode = mergeMode
        self.forward = KerasLayerObject(layer)
        self.backward = backwardLayer.map(KerasLayerObject.init)
    }
}
