// Image augmentation layers: random flips, rotations, zooms, translations, contrast and brightness
// while training; the identity at inference, which is all a generated model runs. keras.io's image
// classification examples put them in front of the model.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/AugmentationSchema.swift by
// tools/generate-layer-configs.sh; do not edit. Each layer's call is hand-written, in an extension
// under Sources/ModelRuntime/Layers.

/// A layer that returns its input at inference; `RandomFlip`, `RandomRotation`, … and `Identity`
/// are this with their config.
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
}

/// `keras.layers.RandomFlip`.
public typealias RandomFlip = InferenceIdentity<RandomFlipConfig>
/// `keras.layers.RandomRotation`.
public typealias RandomRotation = InferenceIdentity<RandomRotationConfig>
/// `keras.layers.RandomZoom`.
public typealias RandomZoom = InferenceIdentity<RandomZoomConfig>
/// `keras.layers.RandomTranslation`.
public typealias RandomTranslation = InferenceIdentity<RandomTranslationConfig>
/// `keras.layers.RandomContrast`.
public typealias RandomContrast = InferenceIdentity<RandomContrastConfig>
/// `keras.layers.RandomBrightness`.
public typealias RandomBrightness = InferenceIdentity<RandomBrightnessConfig>
/// `keras.layers.Identity`.
public typealias Identity = InferenceIdentity<IdentityConfig>
