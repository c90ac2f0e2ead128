// Pooling layers: max and average pooling over windows, and global pooling over every spatial
// position.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/PoolingSchema.swift by
// tools/generate-layer-configs.sh; do not edit. What the layers do is in
// Sources/ModelSpec/Layers/Pooling.swift.

/// `keras.layers.MaxPooling1D/2D/3D` and `AveragePooling1D/2D/3D`.
public struct PoolingConfig<Rank: SpatialRank, Mode: PoolingMode>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "\(Mode.name)Pooling\(Rank.suffix)" }
    public static var template: Self { Self() }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("pool_size", \.poolSize, rank: Rank.rank),
            ConfigField("padding", \.padding),
            ConfigField("strides", \.strides, rank: Rank.rank),
            ConfigField("data_format", \.dataFormat),
        ]
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The window size per spatial axis.
    public var poolSize: IntTuple
    /// `valid` or `same`.
    public var padding: Padding
    /// The step per spatial axis; nil (Keras's default) means the pool size.
    public var strides: IntTuple?
    /// Only `channels_last`.
    public var dataFormat: String

    /// A config with Keras's defaults (a window of 2 on every axis, strides equal to it).
    public init(
        name: String = "\(Mode.name.lowercased())_pooling\(Rank.rank)d", trainable: Bool = true,
        dtype: DTypePolicy = .float32, poolSize: IntTuple = 2, padding: Padding = .valid, strides: IntTuple? = nil,
        dataFormat: String = "channels_last"
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.poolSize = poolSize.expanded(to: Rank.rank)
        self.padding = padding
        self.strides = strides?.expanded(to: Rank.rank)
        self.dataFormat = dataFormat
    }
}

/// `keras.layers.GlobalMaxPooling1D/2D/3D` and `GlobalAveragePooling1D/2D/3D`.
public struct GlobalPoolingConfig<Rank: SpatialRank, Mode: PoolingMode>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "Global\(Mode.name)Pooling\(Rank.suffix)" }
    public static var template: Self { Self() }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("data_format", \.dataFormat),
            ConfigField("keepdims", \.keepdims),
        ]
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Only `channels_last`.
    public var dataFormat: String
    /// Whether the spatial axes stay, with size 1.
    public var keepdims: Bool

    /// A config with Keras's defaults.
    public init(
        name: String = "global_\(Mode.name.lowercased())_pooling\(Rank.rank)d", trainable: Bool = true,
        dtype: DTypePolicy = .float32, dataFormat: String = "channels_last", keepdims: Bool = false
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.dataFormat = dataFormat
        self.keepdims = keepdims
    }
}
