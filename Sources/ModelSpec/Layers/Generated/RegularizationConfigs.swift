// Regularization layers: identity at inference.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/RegularizationSchema.swift by
// tools/generate-layer-configs.sh; do not edit. What the layers do is in
// Sources/ModelSpec/Layers/Regularization.swift.

/// `keras.layers.Dropout`: zeroes a fraction of its input while training; the identity at
/// inference, which is what the runtime computes.
public struct DropoutConfig: UnaryLayerConfig {
    public static let className = "Dropout"
    public static let template = DropoutConfig(rate: 0)
    public static let fields: [ConfigField<DropoutConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("rate", \.rate, required: true),
        ConfigField("seed", \.seed),
        ConfigField("noise_shape", \.noiseShape),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The fraction of inputs dropped while training, in [0, 1].
    public var rate: Double
    /// The seed of the dropout mask.
    public var seed: Int?
    /// The shape of the dropout mask, broadcast over the input.
    public var noiseShape: TensorShape?

    /// A Dropout config with `rate`.
    public init(
        name: String = "dropout", trainable: Bool = true, dtype: DTypePolicy = .float32, rate: Double, seed: Int? = nil,
        noiseShape: TensorShape? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.rate = rate
        self.seed = seed
        self.noiseShape = noiseShape
    }
}

/// `keras.layers.SpatialDropout1D/2D/3D`: drops whole channels while training; the identity at
/// inference.
public struct SpatialDropoutConfig<Rank: SpatialRank>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "SpatialDropout\(Rank.suffix)" }
    public static var template: Self { Self(rate: 0) }
    public static var fields: [ConfigField<Self>] {
        var fields: [ConfigField<Self>] = [
            ConfigField("rate", \.rate, required: true),
            ConfigField("seed", \.seed),
            ConfigField("name", \.name, required: true),
            ConfigField("dtype", \.dtype),
        ]
        if Rank.rank > 1 { fields.append(ConfigField("data_format", \.dataFormat)) }
        return fields
    }
    public static var ignoredKeys: [String: JSONValue] { ["trainable": .bool(true)] }

    /// The fraction of channels dropped while training.
    public var rate: Double
    /// The seed of the dropout mask.
    public var seed: Int?
    /// The layer's Keras name.
    public var name: String
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Only `channels_last`.
    public var dataFormat: String

    /// A config with `rate`.
    public init(
        rate: Double, seed: Int? = nil, name: String = "spatial_dropout\(Rank.rank)d", dtype: DTypePolicy = .float32,
        dataFormat: String = "channels_last"
    ) {
        self.rate = rate
        self.seed = seed
        self.name = name
        self.dtype = dtype
        self.dataFormat = dataFormat
    }
}

/// `keras.layers.GaussianDropout`: multiplies by Gaussian noise while training; the identity at
/// inference.
public struct GaussianDropoutConfig: UnaryLayerConfig {
    public static let className = "GaussianDropout"
    public static let template = GaussianDropoutConfig(rate: 0)
    public static let fields: [ConfigField<GaussianDropoutConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("rate", \.rate, required: true),
        ConfigField("seed", \.seed),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The drop probability the noise corresponds to.
    public var rate: Double
    /// The seed of the noise.
    public var seed: Int?

    /// A config with `rate`.
    public init(
        name: String = "gaussian_dropout", trainable: Bool = true, dtype: DTypePolicy = .float32, rate: Double,
        seed: Int? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.rate = rate
        self.seed = seed
    }
}

/// `keras.layers.GaussianNoise`: adds Gaussian noise while training; the identity at inference.
public struct GaussianNoiseConfig: UnaryLayerConfig {
    public static let className = "GaussianNoise"
    public static let template = GaussianNoiseConfig(stddev: 0)
    public static let fields: [ConfigField<GaussianNoiseConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("stddev", \.stddev, required: true),
        ConfigField("seed", \.seed),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The noise's standard deviation.
    public var stddev: Double
    /// The seed of the noise.
    public var seed: Int?

    /// A config with `stddev`.
    public init(
        name: String = "gaussian_noise", trainable: Bool = true, dtype: DTypePolicy = .float32, stddev: Double,
        seed: Int? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.stddev = stddev
        self.seed = seed
    }
}

/// `keras.layers.AlphaDropout`: dropout that keeps SELU's mean and variance while training; the
/// identity at inference.
public struct AlphaDropoutConfig: UnaryLayerConfig {
    public static let className = "AlphaDropout"
    public static let template = AlphaDropoutConfig(rate: 0)
    public static let fields: [ConfigField<AlphaDropoutConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("rate", \.rate, required: true),
        ConfigField("seed", \.seed),
        ConfigField("noise_shape", \.noiseShape),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The fraction dropped while training.
    public var rate: Double
    /// The seed of the mask.
    public var seed: Int?
    /// The shape of the mask, broadcast over the input.
    public var noiseShape: TensorShape?

    /// A config with `rate`.
    public init(
        name: String = "alpha_dropout", trainable: Bool = true, dtype: DTypePolicy = .float32, rate: Double,
        seed: Int? = nil, noiseShape: TensorShape? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.rate = rate
        self.seed = seed
        self.noiseShape = noiseShape
    }
}
