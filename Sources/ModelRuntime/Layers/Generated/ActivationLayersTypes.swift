// Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/ActivationLayersSchema.swift by
// tools/generate-layer-configs.sh; do not edit. Each layer's call is hand-written, in an extension
// under Sources/ModelRuntime/Layers.

/// `keras.layers.ReLU`.
public struct ReLU: WeightlessLayer {
    public let config: ReLUConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: ReLUConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.LeakyReLU`.
public struct LeakyReLU: WeightlessLayer {
    public let config: LeakyReLUConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: LeakyReLUConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.PReLU`: `x` for `x ≥ 0`, `alpha · x` below, with learned slopes.
public struct PReLU: UnaryLayer {
    public let config: PReLUConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The slopes: the input's shape without the batch axis, 1 along shared axes.
    public var alpha: Tensor { stored["alpha"]! }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: PReLUConfig, inputShape: TensorShape, seed: UInt64) throws {
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

/// `keras.layers.ELU`.
public struct ELU: WeightlessLayer {
    public let config: ELUConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: ELUConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.Softmax`: softmax over `axis`.
public struct Softmax: WeightlessLayer {
    public let config: SoftmaxConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: SoftmaxConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}
