// Reshaping layers: Flatten, Reshape, Permute, RepeatVector, ZeroPadding1D/2D/3D, Cropping1D/2D/3D,
// UpSampling1D/2D/3D.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/ReshapingSchema.swift by
// tools/generate-layer-configs.sh; do not edit. What the layers do is in
// Sources/ModelSpec/Layers/Reshaping.swift.

/// `keras.layers.Flatten`: every axis but the batch axis flattened into one.
public struct FlattenConfig: UnaryLayerConfig {
    public static let className = "Flatten"
    public static let template = FlattenConfig()
    public static let fields: [ConfigField<FlattenConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("data_format", \.dataFormat),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Only `channels_last`.
    public var dataFormat: String

    /// A config with Keras's defaults.
    public init(
        name: String = "flatten", trainable: Bool = true, dtype: DTypePolicy = .float32,
        dataFormat: String = "channels_last"
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.dataFormat = dataFormat
    }
}

/// `keras.layers.Reshape`: each sample reshaped to `target_shape` (one axis may be -1).
public struct ReshapeConfig: UnaryLayerConfig {
    public static let className = "Reshape"
    public static let template = ReshapeConfig(targetShape: [])
    public static let fields: [ConfigField<ReshapeConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("target_shape", \.targetShape, required: true),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The shape of each sample; one entry may be -1 (inferred).
    public var targetShape: [Int]

    /// A config reshaping to `targetShape`.
    public init(name: String = "reshape", trainable: Bool = true, dtype: DTypePolicy = .float32, targetShape: [Int]) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.targetShape = targetShape
    }
}

/// `keras.layers.Permute`: the axes of each sample reordered (`dims` counts from 1).
public struct PermuteConfig: UnaryLayerConfig {
    public static let className = "Permute"
    public static let template = PermuteConfig(dims: [])
    public static let fields: [ConfigField<PermuteConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("dims", \.dims, required: true),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Output axis i + 1 is input axis `dims[i]` (the batch axis is 0 and stays).
    public var dims: [Int]

    /// A config with the permutation `dims`.
    public init(name: String = "permute", trainable: Bool = true, dtype: DTypePolicy = .float32, dims: [Int]) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.dims = dims
    }
}

/// `keras.layers.RepeatVector`: a `(batch, features)` input repeated `n` times, `(batch, n,
/// features)`.
public struct RepeatVectorConfig: UnaryLayerConfig {
    public static let className = "RepeatVector"
    public static let template = RepeatVectorConfig(n: 1)
    public static let fields: [ConfigField<RepeatVectorConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("n", \.n, required: true),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The number of repetitions.
    public var n: Int

    /// A config repeating `n` times.
    public init(name: String = "repeat_vector", trainable: Bool = true, dtype: DTypePolicy = .float32, n: Int) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.n = n
    }
}

/// `keras.layers.ZeroPadding1D/2D/3D`: zeros added before and after each spatial axis.
public struct ZeroPaddingConfig<Rank: SpatialRank>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "ZeroPadding\(Rank.suffix)" }
    public static var template: Self { Self() }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("padding", \.padding),
            ConfigField("data_format", \.dataFormat),
        ]
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Zeros before and after each spatial axis.
    public var padding: SidePairs
    /// Only `channels_last`.
    public var dataFormat: String

    /// A config with Keras's defaults (one zero on every side).
    public init(
        name: String = "zero_padding\(Rank.rank)d", trainable: Bool = true, dtype: DTypePolicy = .float32,
        padding: SidePairs = SidePairs(Array(repeating: [1, 1], count: Rank.rank)), dataFormat: String = "channels_last"
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.padding = padding
        self.dataFormat = dataFormat
    }
}

/// `keras.layers.Cropping1D/2D/3D`: positions removed before and after each spatial axis.
public struct CroppingConfig<Rank: SpatialRank>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "Cropping\(Rank.suffix)" }
    public static var template: Self { Self() }
    public static var fields: [ConfigField<Self>] {
        var fields: [ConfigField<Self>] = [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("cropping", \.cropping),
        ]
        if Rank.rank > 1 { fields.append(ConfigField("data_format", \.dataFormat)) }
        return fields
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Positions removed before and after each spatial axis.
    public var cropping: SidePairs
    /// Only `channels_last`.
    public var dataFormat: String

    /// A config with Keras's defaults (one on each side for 1D and 3D, none for 2D).
    public init(
        name: String = "cropping\(Rank.rank)d", trainable: Bool = true, dtype: DTypePolicy = .float32,
        cropping: SidePairs = SidePairs(Array(repeating: Rank.rank == 2 ? [0, 0] : [1, 1], count: Rank.rank)),
        dataFormat: String = "channels_last"
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.cropping = cropping
        self.dataFormat = dataFormat
    }
}

/// `keras.layers.UpSampling1D/2D/3D`: each spatial axis enlarged by `size` (repeating positions, or
/// interpolating for `UpSampling2D`).
public struct UpSamplingConfig<Rank: SpatialRank>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "UpSampling\(Rank.suffix)" }
    public static var template: Self { Self() }
    public static var fields: [ConfigField<Self>] {
        var fields: [ConfigField<Self>] = [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
        ]
        if Rank.rank == 1 {
            fields.append(ConfigField("size", \.sizeScalar))
        } else {
            fields.append(ConfigField("size", \.size, rank: Rank.rank))
        }
        if Rank.rank > 1 { fields.append(ConfigField("data_format", \.dataFormat)) }
        if Rank.rank == 2 { fields.append(ConfigField("interpolation", \.interpolation)) }
        return fields
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The factor per spatial axis.
    public var size: IntTuple
    /// Only `channels_last`.
    public var dataFormat: String
    /// `nearest` (repeat) or, for `UpSampling2D`, `bilinear`, `bicubic`, `lanczos3`, `lanczos5`.
    public var interpolation: Interpolation

    /// A config with Keras's defaults (a factor of 2 on every axis, nearest).
    public init(
        name: String = "up_sampling\(Rank.rank)d", trainable: Bool = true, dtype: DTypePolicy = .float32,
        size: IntTuple = 2, dataFormat: String = "channels_last", interpolation: Interpolation = .nearest
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.size = size.expanded(to: Rank.rank)
        self.dataFormat = dataFormat
        self.interpolation = interpolation
    }
}
