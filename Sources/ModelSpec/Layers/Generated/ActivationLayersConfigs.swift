// Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/ActivationLayersSchema.swift by
// tools/generate-layer-configs.sh; do not edit. What the layers do is in
// Sources/ModelSpec/Layers/ActivationLayers.swift.

/// `keras.layers.ReLU`: `max_value`-capped, `threshold`-shifted ReLU with a `negative_slope`.
public struct ReLUConfig: UnaryLayerConfig {
    public static let className = "ReLU"
    public static let template = ReLUConfig()
    public static let fields: [ConfigField<ReLUConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("max_value", \.maxValue),
        ConfigField("negative_slope", \.negativeSlope),
        ConfigField("threshold", \.threshold),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The largest output, or nil for none.
    public var maxValue: Double?
    /// The slope below the threshold.
    public var negativeSlope: Double
    /// Values below it are scaled by the negative slope (after subtracting it).
    public var threshold: Double

    /// A config with Keras's defaults.
    public init(
        name: String = "re_lu", trainable: Bool = true, dtype: DTypePolicy = .float32, maxValue: Double? = nil,
        negativeSlope: Double = 0, threshold: Double = 0
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.maxValue = maxValue
        self.negativeSlope = negativeSlope
        self.threshold = threshold
    }
}

/// `keras.layers.LeakyReLU`: `x` for `x ≥ 0`, `negative_slope · x` below.
public struct LeakyReLUConfig: UnaryLayerConfig {
    public static let className = "LeakyReLU"
    public static let template = LeakyReLUConfig()
    public static let fields: [ConfigField<LeakyReLUConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("negative_slope", \.negativeSlope),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The slope below zero.
    public var negativeSlope: Double

    /// A config with Keras's defaults (a slope of 0.3).
    public init(
        name: String = "leaky_re_lu", trainable: Bool = true, dtype: DTypePolicy = .float32, negativeSlope: Double = 0.3
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.negativeSlope = negativeSlope
    }
}

/// `keras.layers.PReLU`: a leaky ReLU whose slopes `alpha` are weights, shared along `shared_axes`.
public struct PReLUConfig: UnaryLayerConfig {
    public static let className = "PReLU"
    public static let template = PReLUConfig()
    public static let fields: [ConfigField<PReLUConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("alpha_initializer", \.alphaInitializer),
        ConfigField("alpha_regularizer", \.alphaRegularizer),
        ConfigField("alpha_constraint", \.alphaConstraint),
        ConfigField("shared_axes", \.sharedAxes),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// How fresh slopes are drawn.
    public var alphaInitializer: Initializer
    /// Training only; kept for Keras round trips.
    public var alphaRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var alphaConstraint: KerasObject?
    /// Axes (counting the batch axis as 0) along which one slope is shared.
    public var sharedAxes: [Int]?

    /// A config with Keras's defaults.
    public init(
        name: String = "p_re_lu", trainable: Bool = true, dtype: DTypePolicy = .float32,
        alphaInitializer: Initializer = .zeros, alphaRegularizer: KerasObject? = nil,
        alphaConstraint: KerasObject? = nil, sharedAxes: [Int]? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.alphaInitializer = alphaInitializer
        self.alphaRegularizer = alphaRegularizer
        self.alphaConstraint = alphaConstraint
        self.sharedAxes = sharedAxes
    }
}

/// `keras.layers.ELU`: `x` for `x > 0`, `alpha · (exp(x) − 1)` below.
public struct ELUConfig: UnaryLayerConfig {
    public static let className = "ELU"
    public static let template = ELUConfig()
    public static let fields: [ConfigField<ELUConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("alpha", \.alpha),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
    ]

    /// The layer's Keras name.
    public var name: String
    /// The scale of the negative part.
    public var alpha: Double
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy

    /// A config with Keras's defaults.
    public init(name: String = "elu", alpha: Double = 1, trainable: Bool = true, dtype: DTypePolicy = .float32) {
        self.name = name
        self.alpha = alpha
        self.trainable = trainable
        self.dtype = dtype
    }
}

/// `keras.layers.Softmax`: softmax over `axis` (one or several axes).
public struct SoftmaxConfig: UnaryLayerConfig {
    public static let className = "Softmax"
    public static let template = SoftmaxConfig()
    public static let fields: [ConfigField<SoftmaxConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("axis", \.axis),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The axes the softmax normalizes over.
    public var axis: Axes

    /// A config with Keras's defaults.
    public init(name: String = "softmax", trainable: Bool = true, dtype: DTypePolicy = .float32, axis: Axes = -1) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.axis = axis
    }
}
