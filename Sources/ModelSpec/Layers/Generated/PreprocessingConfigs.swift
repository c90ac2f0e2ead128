// Preprocessing layers that are part of a model's computation: Resizing, Rescaling, Normalization.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/PreprocessingSchema.swift by
// tools/generate-layer-configs.sh; do not edit. What the layers do is in
// Sources/ModelSpec/Layers/Preprocessing.swift.

/// `keras.layers.Rescaling`: `x · scale + offset` (scalars or one per channel).
public struct RescalingConfig: UnaryLayerConfig {
    public static let className = "Rescaling"
    public static let template = RescalingConfig(scale: 1.0)
    public static let fields: [ConfigField<RescalingConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("scale", \.scale, required: true),
        ConfigField("offset", \.offset),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The factor: one number, or one per channel.
    public var scale: Numbers
    /// Added after scaling: one number, or one per channel.
    public var offset: Numbers

    /// A config scaling by `scale`, then adding `offset`.
    public init(
        name: String = "rescaling", trainable: Bool = true, dtype: DTypePolicy = .float32, scale: Numbers,
        offset: Numbers = 0.0
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.scale = scale
        self.offset = offset
    }
}

/// `keras.layers.Resizing`: images resized to `height × width` (`nearest`, `bilinear`, `bicubic`,
/// `lanczos3`, `lanczos5`), optionally cropped or padded to the target's aspect ratio first.
public struct ResizingConfig: UnaryLayerConfig {
    public static let className = "Resizing"
    public static let template = ResizingConfig(height: 1, width: 1)
    public static let fields: [ConfigField<ResizingConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("data_format", \.dataFormat),
        ConfigField("height", \.height, required: true),
        ConfigField("width", \.width, required: true),
        ConfigField("interpolation", \.interpolation),
        ConfigField("crop_to_aspect_ratio", \.cropToAspectRatio),
        ConfigField("pad_to_aspect_ratio", \.padToAspectRatio),
        ConfigField("fill_mode", \.fillMode),
        ConfigField("fill_value", \.fillValue),
        ConfigField("antialias", \.antialias),
    ]
    public static let ignoredKeys: [String: JSONValue] = ["seed": .null]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Only `channels_last`.
    public var dataFormat: String
    /// The output height.
    public var height: Int
    /// The output width.
    public var width: Int
    /// How new pixels are computed.
    public var interpolation: Interpolation
    /// Crop the largest centered box of the target's aspect ratio before resizing.
    public var cropToAspectRatio: Bool
    /// Pad to the target's aspect ratio (with `fill_value`) before resizing.
    public var padToAspectRatio: Bool
    /// How padding is filled; only `constant`.
    public var fillMode: String
    /// The padding value.
    public var fillValue: Double
    /// Widen the kernel when downsampling (antialiasing).
    public var antialias: Bool

    /// A config resizing to `height × width`.
    public init(
        name: String = "resizing", trainable: Bool = true, dtype: DTypePolicy = .float32,
        dataFormat: String = "channels_last", height: Int, width: Int, interpolation: Interpolation = .bilinear,
        cropToAspectRatio: Bool = false, padToAspectRatio: Bool = false, fillMode: String = "constant",
        fillValue: Double = 0, antialias: Bool = false
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.dataFormat = dataFormat
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.cropToAspectRatio = cropToAspectRatio
        self.padToAspectRatio = padToAspectRatio
        self.fillMode = fillMode
        self.fillValue = fillValue
        self.antialias = antialias
    }
}

/// `keras.layers.Normalization`: `(x − mean) / max(sqrt(variance), 1e-7)` (or the inverse), with
/// the mean and variance in the config or, when adapted, in the layer's weights.
public struct NormalizationConfig: UnaryLayerConfig {
    public static let className = "Normalization"
    public static let template = NormalizationConfig()
    public static let fields: [ConfigField<NormalizationConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("axis", \.axis),
        ConfigField("invert", \.invert),
        ConfigField("mean", \.mean),
        ConfigField("variance", \.variance),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The axes with their own mean and variance (`[]`: one for all).
    public var axis: Axes
    /// Undo the normalization instead: `mean + x · sqrt(variance)`.
    public var invert: Bool
    /// The mean, or nil when adapted (then a weight).
    public var mean: Numbers?
    /// The variance, or nil when adapted (then a weight).
    public var variance: Numbers?

    /// A config with Keras's defaults.
    public init(
        name: String = "normalization", trainable: Bool = true, dtype: DTypePolicy = .float32, axis: Axes = [-1],
        invert: Bool = false, mean: Numbers? = nil, variance: Numbers? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.axis = axis
        self.invert = invert
        self.mean = mean
        self.variance = variance
    }
}

/// `keras.layers.CategoryEncoding`: integer tokens to `one_hot`, `multi_hot` or `count` vectors of
/// `num_tokens`.
public struct CategoryEncodingConfig: UnaryLayerConfig {
    public static let className = "CategoryEncoding"
    public static let template = CategoryEncodingConfig(numTokens: 1)
    public static let fields: [ConfigField<CategoryEncodingConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("num_tokens", \.numTokens, required: true),
        ConfigField("output_mode", \.outputMode),
        ConfigField("sparse", \.sparse),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The number of tokens; tokens are `0 ..< num_tokens`.
    public var numTokens: Int
    /// `one_hot`, `multi_hot` or `count`.
    public var outputMode: String
    /// Sparse output; only false.
    public var sparse: Bool

    /// A config.
    public init(
        name: String = "category_encoding", trainable: Bool = true, dtype: DTypePolicy = .float32, numTokens: Int,
        outputMode: String = "multi_hot", sparse: Bool = false
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.numTokens = numTokens
        self.outputMode = outputMode
        self.sparse = sparse
    }
}
