// Core layers: InputLayer, Dense, Activation.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/CoreSchema.swift by
// tools/generate-layer-configs.sh; do not edit. Each layer's call is hand-written, in an extension
// under Sources/ModelRuntime/Layers.

/// `keras.layers.Dense`: `activation(input · kernel + bias)` over the last axis.
public struct Dense: UnaryLayer {
    public let config: DenseConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The `[inputUnits, units]` kernel.
    public var kernel: Tensor { stored["kernel"]! }
    /// The `[units]` bias, when `useBias`.
    public var bias: Tensor? { stored["bias"] }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: DenseConfig, inputShape: TensorShape, seed: UInt64) throws {
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

/// `keras.layers.Activation`: applies an activation function.
public struct Activation: WeightlessLayer {
    public let config: ActivationConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: ActivationConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.Masking`: zeroes the steps whose features all equal `mask_value`.
public struct Masking: WeightlessLayer {
    public let config: MaskingConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: MaskingConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}
