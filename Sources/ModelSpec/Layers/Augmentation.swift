// Image augmentation layers: random flips, rotations, zooms, translations, contrast and
// brightness while training; the identity at inference, which is all a generated model runs.
// keras.io's image classification examples put them in front of the model.

/// A layer that changes its input only in training.
public protocol InferenceIdentityConfig: UnaryLayerConfig {}

extension InferenceIdentityConfig {
    public func outputShape(for input: TensorShape) throws -> TensorShape { input }
}

/// Which of `RandomZoom` and `RandomTranslation` a ``GeometricAugmentationConfig`` is.
public protocol GeometricAugmentation: Sendable {
    /// Keras's class name.
    static var className: String { get }
    /// Whether a spec must give `width_factor` (RandomTranslation), rather than `None` standing
    /// for the height's range (RandomZoom).
    static var widthFactorIsRequired: Bool { get }
}

/// `RandomZoom`'s kind.
public enum RandomZoomKind: GeometricAugmentation {
    public static let className = "RandomZoom"
    public static let widthFactorIsRequired = false
}
/// `RandomTranslation`'s kind.
public enum RandomTranslationKind: GeometricAugmentation {
    public static let className = "RandomTranslation"
    public static let widthFactorIsRequired = true
}

/// `keras.layers.RandomZoom`.
public typealias RandomZoomConfig = GeometricAugmentationConfig<RandomZoomKind>
/// `keras.layers.RandomTranslation`.
public typealias RandomTranslationConfig = GeometricAugmentationConfig<RandomTranslationKind>

/// Which of `RandomContrast` and `RandomBrightness` a ``ValueRangeAugmentationConfig`` is.
public protocol ValueRangeAugmentation: Sendable {
    /// Keras's class name.
    static var className: String { get }
}

/// `RandomContrast`'s kind.
public enum RandomContrastKind: ValueRangeAugmentation { public static let className = "RandomContrast" }
/// `RandomBrightness`'s kind.
public enum RandomBrightnessKind: ValueRangeAugmentation { public static let className = "RandomBrightness" }

/// `keras.layers.RandomContrast`.
public typealias RandomContrastConfig = ValueRangeAugmentationConfig<RandomContrastKind>
/// `keras.layers.RandomBrightness`.
public typealias RandomBrightnessConfig = ValueRangeAugmentationConfig<RandomBrightnessKind>
