// Layers that keras.applications defines for its own models: ConvNeXt's LayerScale and
// StochasticDepth, InceptionResNetV2's CustomScaleLayer. They ship with Keras, so specs use them
// without declaring them; Keras writes them with their defining module.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/ApplicationsSchema.swift by
// tools/generate-layer-configs.sh; do not edit. What the layers do is in
// Sources/ModelSpec/Layers/Applications.swift.

/// `LayerScale` of `keras.applications` ConvNeXt: `x · gamma`, one scale per channel.
public struct LayerScaleConfig: UnaryLayerConfig {
    public static let className = "LayerScale"
    public static let template = LayerScaleConfig(projectionDim: 1)
    public static let fields: [ConfigField<LayerScaleConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("init_values", \.initValues, required: true),
        ConfigField("projection_dim", \.projectionDim, required: true),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The value every scale starts at.
    public var initValues: Double
    /// The number of channels (the input's last axis).
    public var projectionDim: Int

    /// A config; ConvNeXt uses `init_values` 1e-6.
    public init(
        name: String = "layer_scale", trainable: Bool = true, dtype: DTypePolicy = .float32, initValues: Double = 1e-6,
        projectionDim: Int
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.initValues = initValues
        self.projectionDim = projectionDim
    }
}

/// `StochasticDepth` of `keras.applications` ConvNeXt: drops a residual branch per sample in
/// training; the identity at inference.
public struct StochasticDepthConfig: UnaryLayerConfig {
    public static let className = "StochasticDepth"
    public static let template = StochasticDepthConfig()
    public static let fields: [ConfigField<StochasticDepthConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("drop_path_rate", \.dropPathRate, required: true),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The probability of dropping the branch in training.
    public var dropPathRate: Double

    /// A config.
    public init(
        name: String = "stochastic_depth", trainable: Bool = true, dtype: DTypePolicy = .float32,
        dropPathRate: Double = 0
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.dropPathRate = dropPathRate
    }
}

/// `CustomScaleLayer` of `keras.applications` InceptionResNetV2: `[shortcut, residual]` → `shortcut
/// + residual · scale`.
public struct CustomScaleLayerConfig: LayerConfig {
    public static let className = "CustomScaleLayer"
    public static let template = CustomScaleLayerConfig()
    public static let fields: [ConfigField<CustomScaleLayerConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("scale", \.scale, required: true),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The residual's factor.
    public var scale: Double

    /// A config.
    public init(
        name: String = "custom_scale_layer", trainable: Bool = true, dtype: DTypePolicy = .float32, scale: Double = 1
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.scale = scale
    }
}
