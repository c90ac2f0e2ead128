// Regularization layers: identity at inference.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/RegularizationSchema.swift by
// tools/generate-layer-configs.sh; do not edit. Each layer's call is hand-written, in an extension
// under Sources/ModelRuntime/Layers.

/// `keras.layers.Dropout`: the identity at inference; drops in training calls.
public struct Dropout: WeightlessLayer {
    public let config: DropoutConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: DropoutConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.SpatialDropout1D/2D/3D`: identity at inference; drops channels in training.
public struct SpatialDropout<Rank: SpatialRank>: WeightlessLayer {
    public let config: SpatialDropoutConfig<Rank>
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: SpatialDropoutConfig<Rank>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.SpatialDropout1D`.
public typealias SpatialDropout1D = SpatialDropout<Spatial1D>
/// `keras.layers.SpatialDropout2D`.
public typealias SpatialDropout2D = SpatialDropout<Spatial2D>
/// `keras.layers.SpatialDropout3D`.
public typealias SpatialDropout3D = SpatialDropout<Spatial3D>

/// `keras.layers.GaussianDropout`: identity at inference; noise factors in training.
public struct GaussianDropout: WeightlessLayer {
    public let config: GaussianDropoutConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: GaussianDropoutConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.GaussianNoise`: the identity at inference; adds noise in training calls.
public struct GaussianNoise: WeightlessLayer {
    public let config: GaussianNoiseConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: GaussianNoiseConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.AlphaDropout`: the identity at inference; drops in training calls.
public struct AlphaDropout: WeightlessLayer {
    public let config: AlphaDropoutConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: AlphaDropoutConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}
