// Image augmentation layers: random flips, rotations, zooms, translations, contrast and brightness
// while training; the identity at inference, which is all a generated model runs. keras.io's image
// classification examples put them in front of the model.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/AugmentationSchema.swift by
// tools/generate-layer-configs.sh; do not edit. What the layers do is in
// Sources/ModelSpec/Layers/Augmentation.swift.

/// `keras.layers.RandomFlip`.
public struct RandomFlipConfig: InferenceIdentityConfig {
    public static let className = "RandomFlip"
    public static let template = RandomFlipConfig()
    public static let fields: [ConfigField<RandomFlipConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("data_format", \.dataFormat),
        ConfigField("seed", \.seed),
        ConfigField("mode", \.mode),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Where the channels are.
    public var dataFormat: String
    /// The seed of the training-time draws.
    public var seed: Int?
    /// `horizontal`, `vertical` or `horizontal_and_vertical`.
    public var mode: String

    /// A config.
    public init(
        name: String = "random_flip", trainable: Bool = true, dtype: DTypePolicy = .float32,
        dataFormat: String = "channels_last", seed: Int? = nil, mode: String = "horizontal_and_vertical"
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.dataFormat = dataFormat
        self.seed = seed
        self.mode = mode
    }
}

/// `keras.layers.RandomRotation`.
public struct RandomRotationConfig: InferenceIdentityConfig {
    public static let className = "RandomRotation"
    public static let template = RandomRotationConfig(factor: 0)
    public static let fields: [ConfigField<RandomRotationConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("data_format", \.dataFormat),
        ConfigField("factor", \.factor, required: true),
        ConfigField("fill_mode", \.fillMode),
        ConfigField("fill_value", \.fillValue),
        ConfigField("interpolation", \.interpolation),
        ConfigField("seed", \.seed),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Where the channels are.
    public var dataFormat: String
    /// The range of rotations, in turns: one number or `[lower, upper]`.
    public var factor: OperationArgument
    /// How points outside the input are filled.
    public var fillMode: String
    /// The value for `fill_mode` `constant`.
    public var fillValue: Double
    /// `bilinear` or `nearest`.
    public var interpolation: String
    /// The seed of the training-time draws.
    public var seed: Int?

    /// A config.
    public init(
        name: String = "random_rotation", trainable: Bool = true, dtype: DTypePolicy = .float32,
        dataFormat: String = "channels_last", factor: OperationArgument, fillMode: String = "reflect",
        fillValue: Double = 0, interpolation: String = "bilinear", seed: Int? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.dataFormat = dataFormat
        self.factor = factor
        self.fillMode = fillMode
        self.fillValue = fillValue
        self.interpolation = interpolation
        self.seed = seed
    }
}

/// The config of `keras.layers.RandomZoom` and `RandomTranslation`, which share their fields.
public struct GeometricAugmentationConfig<Kind: GeometricAugmentation>: InferenceIdentityConfig {
    public static var className: String { Kind.className }
    public static var template: Self { Self(heightFactor: 0, widthFactor: Kind.widthFactorIsRequired ? 0 : nil) }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("data_format", \.dataFormat),
            ConfigField("height_factor", \.heightFactor, required: true),
            ConfigField("width_factor", \.widthFactor, required: Kind.widthFactorIsRequired),
            ConfigField("fill_mode", \.fillMode),
            ConfigField("interpolation", \.interpolation),
            ConfigField("seed", \.seed),
            ConfigField("fill_value", \.fillValue),
        ]
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Where the channels are.
    public var dataFormat: String
    /// The vertical range (zoom, or shift as a fraction of the height): one number or `[lower, upper]`.
    public var heightFactor: OperationArgument
    /// The horizontal range (RandomZoom: `None` means the vertical one).
    public var widthFactor: OperationArgument
    /// How points outside the input are filled.
    public var fillMode: String
    /// `bilinear` or `nearest`.
    public var interpolation: String
    /// The seed of the training-time draws.
    public var seed: Int?
    /// The value for `fill_mode` `constant`.
    public var fillValue: Double

    /// A config.
    public init(
        name: String = Naming.snakeCase(Kind.className), trainable: Bool = true, dtype: DTypePolicy = .float32,
        dataFormat: String = "channels_last", heightFactor: OperationArgument, widthFactor: OperationArgument = nil,
        fillMode: String = "reflect", interpolation: String = "bilinear", seed: Int? = nil, fillValue: Double = 0
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.dataFormat = dataFormat
        self.heightFactor = heightFactor
        self.widthFactor = widthFactor
        self.fillMode = fillMode
        self.interpolation = interpolation
        self.seed = seed
        self.fillValue = fillValue
    }
}

/// The config of `keras.layers.RandomContrast` and `RandomBrightness`, which share their fields.
public struct ValueRangeAugmentationConfig<Kind: ValueRangeAugmentation>: InferenceIdentityConfig {
    public static var className: String { Kind.className }
    public static var template: Self { Self(factor: 0) }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("data_format", \.dataFormat),
            ConfigField("factor", \.factor, required: true),
            ConfigField("value_range", \.valueRange),
            ConfigField("seed", \.seed),
        ]
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Where the channels are.
    public var dataFormat: String
    /// The range of changes: one number or `[lower, upper]`.
    public var factor: OperationArgument
    /// The range of the input's values.
    public var valueRange: OperationArgument
    /// The seed of the training-time draws.
    public var seed: Int?

    /// A config.
    public init(
        name: String = Naming.snakeCase(Kind.className), trainable: Bool = true, dtype: DTypePolicy = .float32,
        dataFormat: String = "channels_last", factor: OperationArgument, valueRange: OperationArgument = [0, 255],
        seed: Int? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.dataFormat = dataFormat
        self.factor = factor
        self.valueRange = valueRange
        self.seed = seed
    }
}

/// `keras.layers.Identity`.
public struct IdentityConfig: InferenceIdentityConfig {
    public static let className = "Identity"
    public static let template = IdentityConfig()
    public static let fields: [ConfigField<IdentityConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag.
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy

    /// A config.
    public init(name: String = "identity", trainable: Bool = true, dtype: DTypePolicy = .float32) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
    }
}
