// Image augmentation layers and Identity: the identity at inference.

extension InferenceIdentity {
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
