// Merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/MergingSchema.swift by
// tools/generate-layer-configs.sh; do not edit. What the layers do is in
// Sources/ModelSpec/Layers/Merging.swift.

/// `keras.layers.Add`: the element-wise sum.
public struct AddConfig: ElementwiseMergeConfig {
    public static let className = "Add"

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy

    /// An Add config.
    public init(name: String = "add", trainable: Bool = true, dtype: DTypePolicy = .float32) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
    }
}

/// `keras.layers.Subtract`: the first input minus the second.
public struct SubtractConfig: ElementwiseMergeConfig {
    public static let className = "Subtract"

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy

    /// A Subtract config.
    public init(name: String = "subtract", trainable: Bool = true, dtype: DTypePolicy = .float32) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
    }
}

/// `keras.layers.Multiply`: the element-wise product.
public struct MultiplyConfig: ElementwiseMergeConfig {
    public static let className = "Multiply"

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy

    /// A Multiply config.
    public init(name: String = "multiply", trainable: Bool = true, dtype: DTypePolicy = .float32) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
    }
}

/// `keras.layers.Average`: the element-wise mean.
public struct AverageConfig: ElementwiseMergeConfig {
    public static let className = "Average"

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy

    /// An Average config.
    public init(name: String = "average", trainable: Bool = true, dtype: DTypePolicy = .float32) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
    }
}

/// `keras.layers.Maximum`: the element-wise maximum.
public struct MaximumConfig: ElementwiseMergeConfig {
    public static let className = "Maximum"

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy

    /// A Maximum config.
    public init(name: String = "maximum", trainable: Bool = true, dtype: DTypePolicy = .float32) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
    }
}

/// `keras.layers.Minimum`: the element-wise minimum.
public struct MinimumConfig: ElementwiseMergeConfig {
    public static let className = "Minimum"

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy

    /// A Minimum config.
    public init(name: String = "minimum", trainable: Bool = true, dtype: DTypePolicy = .float32) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
    }
}

/// `keras.layers.Concatenate`: joins its inputs along `axis`.
public struct ConcatenateConfig: LayerConfig {
    public static let className = "Concatenate"
    public static let template = ConcatenateConfig()
    public static let fields: [ConfigField<ConcatenateConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("axis", \.axis),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The axis to join along; negative counts from the end.
    public var axis: Int

    /// A Concatenate config joining along `axis`.
    public init(name: String = "concatenate", trainable: Bool = true, dtype: DTypePolicy = .float32, axis: Int = -1) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.axis = axis
    }
}

/// `keras.layers.Dot`: the dot product of two inputs along `axes`, per batch sample, with optional
/// L2 normalization first (cosine similarity).
public struct DotConfig: LayerConfig {
    public static let className = "Dot"
    public static let template = DotConfig(axes: .same(-1))
    public static let fields: [ConfigField<DotConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("axes", \.axes, required: true),
        ConfigField("normalize", \.normalize),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The axes to sum over.
    public var axes: DotAxes
    /// Whether to L2-normalize both inputs along their axes first.
    public var normalize: Bool

    /// A Dot config over `axes`.
    public init(
        name: String = "dot", trainable: Bool = true, dtype: DTypePolicy = .float32, axes: DotAxes,
        normalize: Bool = false
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.axes = axes
        self.normalize = normalize
    }
}
