// Normalization layers: BatchNormalization (inference, with moving statistics), LayerNormalization,
// GroupNormalization, UnitNormalization, RMSNormalization.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/NormalizationSchema.swift by
// tools/generate-layer-configs.sh; do not edit. What the layers do is in
// Sources/ModelSpec/Layers/Normalization.swift.

/// `keras.layers.BatchNormalization` at inference: `(x − moving_mean) / sqrt(moving_variance +
/// epsilon) · gamma + beta` per feature along `axis`.
public struct BatchNormalizationConfig: UnaryLayerConfig {
    public static let className = "BatchNormalization"
    public static let template = BatchNormalizationConfig()
    public static let fields: [ConfigField<BatchNormalizationConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("axis", \.axis),
        ConfigField("momentum", \.momentum),
        ConfigField("epsilon", \.epsilon),
        ConfigField("center", \.center),
        ConfigField("scale", \.scale),
        ConfigField("beta_initializer", \.betaInitializer),
        ConfigField("gamma_initializer", \.gammaInitializer),
        ConfigField("moving_mean_initializer", \.movingMeanInitializer),
        ConfigField("moving_variance_initializer", \.movingVarianceInitializer),
        ConfigField("beta_regularizer", \.betaRegularizer),
        ConfigField("gamma_regularizer", \.gammaRegularizer),
        ConfigField("beta_constraint", \.betaConstraint),
        ConfigField("gamma_constraint", \.gammaConstraint),
        ConfigField("synchronized", \.synchronized),
        ConfigField("renorm", \.renorm),
        ConfigField("renorm_clipping", \.renormClipping),
        ConfigField("renorm_momentum", \.renormMomentum),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The feature axis (normalized per index along it).
    public var axis: Int
    /// Training only: the moving statistics' momentum.
    public var momentum: Double
    /// Added to the variance.
    public var epsilon: Double
    /// Whether to add `beta`.
    public var center: Bool
    /// Whether to multiply by `gamma`.
    public var scale: Bool
    /// How fresh `beta` is drawn.
    public var betaInitializer: Initializer
    /// How fresh `gamma` is drawn.
    public var gammaInitializer: Initializer
    /// How a fresh moving mean is drawn.
    public var movingMeanInitializer: Initializer
    /// How a fresh moving variance is drawn.
    public var movingVarianceInitializer: Initializer
    /// Training only; kept for Keras round trips.
    public var betaRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var gammaRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var betaConstraint: KerasObject?
    /// Training only; kept for Keras round trips.
    public var gammaConstraint: KerasObject?
    /// Training only (synchronized statistics across devices).
    public var synchronized: Bool
    /// Training only: batch renormalization.
    public var renorm: Bool
    /// Training only: batch renormalization's clipping.
    public var renormClipping: KerasObject?
    /// Training only: batch renormalization's momentum.
    public var renormMomentum: Double

    /// A config with Keras's defaults.
    public init(
        name: String = "batch_normalization", trainable: Bool = true, dtype: DTypePolicy = .float32, axis: Int = -1,
        momentum: Double = 0.99, epsilon: Double = 0.001, center: Bool = true, scale: Bool = true,
        betaInitializer: Initializer = .zeros, gammaInitializer: Initializer = .ones,
        movingMeanInitializer: Initializer = .zeros, movingVarianceInitializer: Initializer = .ones,
        betaRegularizer: KerasObject? = nil, gammaRegularizer: KerasObject? = nil, betaConstraint: KerasObject? = nil,
        gammaConstraint: KerasObject? = nil, synchronized: Bool = false, renorm: Bool = false,
        renormClipping: KerasObject? = nil, renormMomentum: Double = 0.99
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.axis = axis
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.betaInitializer = betaInitializer
        self.gammaInitializer = gammaInitializer
        self.movingMeanInitializer = movingMeanInitializer
        self.movingVarianceInitializer = movingVarianceInitializer
        self.betaRegularizer = betaRegularizer
        self.gammaRegularizer = gammaRegularizer
        self.betaConstraint = betaConstraint
        self.gammaConstraint = gammaConstraint
        self.synchronized = synchronized
        self.renorm = renorm
        self.renormClipping = renormClipping
        self.renormMomentum = renormMomentum
    }
}

/// `keras.layers.LayerNormalization`: each sample normalized over `axis` (mean and variance), then
/// scaled by `gamma` and shifted by `beta`.
public struct LayerNormalizationConfig: UnaryLayerConfig {
    public static let className = "LayerNormalization"
    public static let template = LayerNormalizationConfig()
    public static let fields: [ConfigField<LayerNormalizationConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("axis", \.axis),
        ConfigField("epsilon", \.epsilon),
        ConfigField("center", \.center),
        ConfigField("scale", \.scale),
        ConfigField("rms_scaling", \.rmsScaling),
        ConfigField("beta_initializer", \.betaInitializer),
        ConfigField("gamma_initializer", \.gammaInitializer),
        ConfigField("beta_regularizer", \.betaRegularizer),
        ConfigField("gamma_regularizer", \.gammaRegularizer),
        ConfigField("beta_constraint", \.betaConstraint),
        ConfigField("gamma_constraint", \.gammaConstraint),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The axes normalized over.
    public var axis: Axes
    /// Added to the variance.
    public var epsilon: Double
    /// Whether to add `beta`.
    public var center: Bool
    /// Whether to multiply by `gamma`.
    public var scale: Bool
    /// Keras's `rms_scaling`: `x · rsqrt(variance + epsilon) · gamma`, without centering.
    public var rmsScaling: Bool
    /// How fresh `beta` is drawn.
    public var betaInitializer: Initializer
    /// How fresh `gamma` is drawn.
    public var gammaInitializer: Initializer
    /// Training only; kept for Keras round trips.
    public var betaRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var gammaRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var betaConstraint: KerasObject?
    /// Training only; kept for Keras round trips.
    public var gammaConstraint: KerasObject?

    /// A config with Keras's defaults.
    public init(
        name: String = "layer_normalization", trainable: Bool = true, dtype: DTypePolicy = .float32, axis: Axes = -1,
        epsilon: Double = 0.001, center: Bool = true, scale: Bool = true, rmsScaling: Bool = false,
        betaInitializer: Initializer = .zeros, gammaInitializer: Initializer = .ones,
        betaRegularizer: KerasObject? = nil, gammaRegularizer: KerasObject? = nil, betaConstraint: KerasObject? = nil,
        gammaConstraint: KerasObject? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rmsScaling = rmsScaling
        self.betaInitializer = betaInitializer
        self.gammaInitializer = gammaInitializer
        self.betaRegularizer = betaRegularizer
        self.gammaRegularizer = gammaRegularizer
        self.betaConstraint = betaConstraint
        self.gammaConstraint = gammaConstraint
    }
}

/// `keras.layers.GroupNormalization`: the channels split into `groups`, each normalized over its
/// channels and every spatial position of a sample.
public struct GroupNormalizationConfig: UnaryLayerConfig {
    public static let className = "GroupNormalization"
    public static let template = GroupNormalizationConfig()
    public static let fields: [ConfigField<GroupNormalizationConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("groups", \.groups),
        ConfigField("axis", \.axis),
        ConfigField("epsilon", \.epsilon),
        ConfigField("center", \.center),
        ConfigField("scale", \.scale),
        ConfigField("beta_initializer", \.betaInitializer),
        ConfigField("gamma_initializer", \.gammaInitializer),
        ConfigField("beta_regularizer", \.betaRegularizer),
        ConfigField("gamma_regularizer", \.gammaRegularizer),
        ConfigField("beta_constraint", \.betaConstraint),
        ConfigField("gamma_constraint", \.gammaConstraint),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The number of channel groups (-1: one per channel).
    public var groups: Int
    /// The channel axis; only the last.
    public var axis: Int
    /// Added to the variance.
    public var epsilon: Double
    /// Whether to add `beta`.
    public var center: Bool
    /// Whether to multiply by `gamma`.
    public var scale: Bool
    /// How fresh `beta` is drawn.
    public var betaInitializer: Initializer
    /// How fresh `gamma` is drawn.
    public var gammaInitializer: Initializer
    /// Training only; kept for Keras round trips.
    public var betaRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var gammaRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var betaConstraint: KerasObject?
    /// Training only; kept for Keras round trips.
    public var gammaConstraint: KerasObject?

    /// A config with Keras's defaults.
    public init(
        name: String = "group_normalization", trainable: Bool = true, dtype: DTypePolicy = .float32, groups: Int = 32,
        axis: Int = -1, epsilon: Double = 0.001, center: Bool = true, scale: Bool = true,
        betaInitializer: Initializer = .zeros, gammaInitializer: Initializer = .ones,
        betaRegularizer: KerasObject? = nil, gammaRegularizer: KerasObject? = nil, betaConstraint: KerasObject? = nil,
        gammaConstraint: KerasObject? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.betaInitializer = betaInitializer
        self.gammaInitializer = gammaInitializer
        self.betaRegularizer = betaRegularizer
        self.gammaRegularizer = gammaRegularizer
        self.betaConstraint = betaConstraint
        self.gammaConstraint = gammaConstraint
    }
}

/// `keras.layers.UnitNormalization`: each sample scaled to unit L2 norm over `axis`.
public struct UnitNormalizationConfig: UnaryLayerConfig {
    public static let className = "UnitNormalization"
    public static let template = UnitNormalizationConfig()
    public static let fields: [ConfigField<UnitNormalizationConfig>] = [
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
    /// The axes the norm is taken over.
    public var axis: Axes

    /// A config with Keras's defaults.
    public init(
        name: String = "unit_normalization", trainable: Bool = true, dtype: DTypePolicy = .float32, axis: Axes = -1
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.axis = axis
    }
}

/// `keras.layers.RMSNormalization`: `x · rsqrt(mean(x²) + epsilon) · scale` over `axis`.
public struct RMSNormalizationConfig: UnaryLayerConfig {
    public static let className = "RMSNormalization"
    public static let template = RMSNormalizationConfig()
    public static let fields: [ConfigField<RMSNormalizationConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("axis", \.axis),
        ConfigField("epsilon", \.epsilon),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The axes the mean is taken over.
    public var axis: Axes
    /// Added to the mean square.
    public var epsilon: Double

    /// A config with Keras's defaults.
    public init(
        name: String = "rms_normalization", trainable: Bool = true, dtype: DTypePolicy = .float32, axis: Axes = -1,
        epsilon: Double = 1e-6
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.axis = axis
        self.epsilon = epsilon
    }
}
