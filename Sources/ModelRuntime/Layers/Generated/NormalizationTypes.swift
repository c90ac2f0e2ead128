// Normalization layers: BatchNormalization (inference, with moving statistics), LayerNormalization,
// GroupNormalization, UnitNormalization, RMSNormalization.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/NormalizationSchema.swift by
// tools/generate-layer-configs.sh; do not edit. Each layer's call is hand-written, in an extension
// under Sources/ModelRuntime/Layers.

/// `keras.layers.BatchNormalization` at inference: each feature along `axis` normalized with the
/// moving mean and variance, then scaled and shifted.
public struct BatchNormalization: UnaryLayer {
    public let config: BatchNormalizationConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The scale, when `scale`.
    public var gamma: Tensor? { stored["gamma"] }
    /// The shift, when `center`.
    public var beta: Tensor? { stored["beta"] }
    /// The moving mean used at inference.
    public var movingMean: Tensor { stored["moving_mean"]! }
    /// The moving variance used at inference.
    public var movingVariance: Tensor { stored["moving_variance"]! }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: BatchNormalizationConfig, inputShape: TensorShape, seed: UInt64) throws {
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

/// `keras.layers.LayerNormalization`: each sample normalized over `axis`.
public struct LayerNormalization: UnaryLayer {
    public let config: LayerNormalizationConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The scale, when `scale` (or `rms_scaling`).
    public var gamma: Tensor? { stored["gamma"] }
    /// The shift, when `center` (and not `rms_scaling`).
    public var beta: Tensor? { stored["beta"] }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: LayerNormalizationConfig, inputShape: TensorShape, seed: UInt64) throws {
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

/// `keras.layers.GroupNormalization`: channel groups normalized per sample.
public struct GroupNormalization: UnaryLayer {
    public let config: GroupNormalizationConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The per-channel scale, when `scale`.
    public var gamma: Tensor? { stored["gamma"] }
    /// The per-channel shift, when `center`.
    public var beta: Tensor? { stored["beta"] }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: GroupNormalizationConfig, inputShape: TensorShape, seed: UInt64) throws {
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

/// `keras.layers.UnitNormalization`: each sample scaled to unit L2 norm over `axis`.
public struct UnitNormalization: WeightlessLayer {
    public let config: UnitNormalizationConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: UnitNormalizationConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.RMSNormalization`: `x · rsqrt(mean(x²) + epsilon) · scale` over `axis`.
public struct RMSNormalization: UnaryLayer {
    public let config: RMSNormalizationConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The scale, shaped by the normalized axes.
    public var scale: Tensor { stored["scale"]! }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: RMSNormalizationConfig, inputShape: TensorShape, seed: UInt64) throws {
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
