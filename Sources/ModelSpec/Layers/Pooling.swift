// Pooling layers: max and average pooling over windows, and global pooling over every
// spatial position.

/// `keras.layers.MaxPooling1D`.
public typealias MaxPooling1DConfig = PoolingConfig<Spatial1D, MaxPoolingMode>
/// `keras.layers.MaxPooling2D`.
public typealias MaxPooling2DConfig = PoolingConfig<Spatial2D, MaxPoolingMode>
/// `keras.layers.MaxPooling3D`.
public typealias MaxPooling3DConfig = PoolingConfig<Spatial3D, MaxPoolingMode>
/// `keras.layers.AveragePooling1D`.
public typealias AveragePooling1DConfig = PoolingConfig<Spatial1D, AveragePoolingMode>
/// `keras.layers.AveragePooling2D`.
public typealias AveragePooling2DConfig = PoolingConfig<Spatial2D, AveragePoolingMode>
/// `keras.layers.AveragePooling3D`.
public typealias AveragePooling3DConfig = PoolingConfig<Spatial3D, AveragePoolingMode>
/// `keras.layers.GlobalMaxPooling1D`.
public typealias GlobalMaxPooling1DConfig = GlobalPoolingConfig<Spatial1D, MaxPoolingMode>
/// `keras.layers.GlobalMaxPooling2D`.
public typealias GlobalMaxPooling2DConfig = GlobalPoolingConfig<Spatial2D, MaxPoolingMode>
/// `keras.layers.GlobalMaxPooling3D`.
public typealias GlobalMaxPooling3DConfig = GlobalPoolingConfig<Spatial3D, MaxPoolingMode>
/// `keras.layers.GlobalAveragePooling1D`.
public typealias GlobalAveragePooling1DConfig = GlobalPoolingConfig<Spatial1D, AveragePoolingMode>
/// `keras.layers.GlobalAveragePooling2D`.
public typealias GlobalAveragePooling2DConfig = GlobalPoolingConfig<Spatial2D, AveragePoolingMode>
/// `keras.layers.GlobalAveragePooling3D`.
public typealias GlobalAveragePooling3DConfig = GlobalPoolingConfig<Spatial3D, AveragePoolingMode>

/// How a pooling layer reduces a window.
public protocol PoolingMode: Sendable {
    /// `Max` or `Average`, as in Keras's class names.
    static var name: String { get }
}

/// The maximum of each window (padding never wins).
public enum MaxPoolingMode: PoolingMode { public static let name = "Max" }
/// The mean of each window, over the positions inside the input (padding is not counted).
public enum AveragePoolingMode: PoolingMode { public static let name = "Average" }

/// `keras.layers.MaxPooling1D/2D/3D` and `AveragePooling1D/2D/3D`.
public struct PoolingConfig<Rank: SpatialRank, Mode: PoolingMode>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "\(Mode.name)Pooling\(Rank.suffix)" }
    package static var spelledTypeName: String { "\(Mode.name)Pooling\(Rank.suffix)Config" }
    public static var template: Self { Self() }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("pool_size", \.poolSize),
            ConfigField("padding", \.padding),
            ConfigField("strides", \.strides),
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

    public init(from decoder: any Decoder) throws {
        var config = try Self.decodeFields(from: decoder)
        config.poolSize = config.poolSize.expanded(to: Rank.rank)
        config.strides = config.strides?.expanded(to: Rank.rank)
        self = config
    }

    public func validate() throws {
        try poolSize.check("pool_size", rank: Rank.rank)
        try strides?.check("strides", rank: Rank.rank)
        try checkChannelsLast(dataFormat)
        guard padding != .causal else { throw ConfigFieldError(field: "padding", "must be 'valid' or 'same'") }
    }

    /// The pooling window.
    public var window: SpatialWindow {
        let size = poolSize.expanded(to: Rank.rank).values
        return SpatialWindow(
            size: size, strides: strides?.expanded(to: Rank.rank).values ?? size,
            dilation: Array(repeating: 1, count: Rank.rank), padding: padding)
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let (spatial, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        try window.checkFits(spatial, layer: Self.className)
        return TensorShape([input.dimensions[0]] + window.outputSizes(spatial) + [channels])
    }
}

/// `keras.layers.GlobalMaxPooling1D/2D/3D` and `GlobalAveragePooling1D/2D/3D`.
public struct GlobalPoolingConfig<Rank: SpatialRank, Mode: PoolingMode>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "Global\(Mode.name)Pooling\(Rank.suffix)" }
    package static var spelledTypeName: String { "Global\(Mode.name)Pooling\(Rank.suffix)Config" }
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

    public func validate() throws { try checkChannelsLast(dataFormat) }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let (_, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        return keepdims
            ? TensorShape([input.dimensions[0]] + Array(repeating: 1, count: Rank.rank) + [channels])
            : TensorShape([input.dimensions[0], channels])
    }
}
