// Image augmentation layers and Identity: the identity at inference.

/// A layer that returns its input at inference; `RandomFlip`, `RandomRotation`, … and
/// `Identity` are this with their config.
public struct InferenceIdentity<Config: InferenceIdentityConfig>: WeightlessLayer {
    public let config: Config
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: Config, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { input }
}

/// `keras.layers.RandomFlip`: the identity at inference.
public typealias RandomFlip = InferenceIdentity<RandomFlipConfig>
/// `keras.layers.RandomRotation`: the identity at inference.
public typealias RandomRotation = InferenceIdentity<RandomRotationConfig>
/// `keras.layers.RandomZoom`: the identity at inference.
public typealias RandomZoom = InferenceIdentity<RandomZoomConfig>
/// `keras.layers.RandomTranslation`: the identity at inference.
public typealias RandomTranslation = InferenceIdentity<RandomTranslationConfig>
/// `keras.layers.RandomContrast`: the identity at inference.
public typealias RandomContrast = InferenceIdentity<RandomContrastConfig>
/// `keras.layers.RandomBrightness`: the identity at inference.
public typealias RandomBrightness = InferenceIdentity<RandomBrightnessConfig>
/// `keras.layers.Identity`.
public typealias Identity = InferenceIdentity<IdentityConfig>
