// Preprocessing layers that are part of a model's computation: Resizing, Rescaling, Normalization.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/PreprocessingSchema.swift by
// tools/generate-layer-configs.sh; do not edit. Each layer's call is hand-written, in an extension
// under Sources/ModelRuntime/Layers.

/// `keras.layers.Rescaling`: `x · scale + offset`.
public struct Rescaling: WeightlessLayer {
    public let config: RescalingConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: RescalingConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.Resizing`.
public struct Resizing: WeightlessLayer {
    public let config: ResizingConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: ResizingConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.Normalization`: `(x − mean) / max(sqrt(variance), 1e-7)`, or with `invert` `mean +
/// x · max(sqrt(variance), 1e-7)`.
public struct Normalization: UnaryLayer {
    public let config: NormalizationConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The adapted mean, variance and sample count, when the config gives none.
    public var adapted: [Tensor] { stored.tensors }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: NormalizationConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        stored = LayerWeights(try config.weights(for: inputShape), seed: seed)
    }

    public var weights: [Tensor] { stored.tensors }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try stored.set(weights, layer: config.name)
    }
}

/// `keras.layers.CategoryEncoding`: one-hot, multi-hot or count vectors of integer tokens (held as
/// integral floats); tokens outside `0 ..< num_tokens` count for nothing.
public struct CategoryEncoding: WeightlessLayer {
    public let config: CategoryEncodingConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: CategoryEncodingConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}
