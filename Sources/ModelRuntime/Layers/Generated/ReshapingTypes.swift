// Reshaping layers: Flatten, Reshape, Permute, RepeatVector, ZeroPadding1D/2D/3D, Cropping1D/2D/3D,
// UpSampling1D/2D/3D.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/ReshapingSchema.swift by
// tools/generate-layer-configs.sh; do not edit. Each layer's call is hand-written, in an extension
// under Sources/ModelRuntime/Layers.

/// `keras.layers.Flatten`.
public struct Flatten: WeightlessLayer {
    public let config: FlattenConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: FlattenConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.Reshape`.
public struct Reshape: WeightlessLayer {
    public let config: ReshapeConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: ReshapeConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.Permute`.
public struct Permute: WeightlessLayer {
    public let config: PermuteConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: PermuteConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.RepeatVector`.
public struct RepeatVector: WeightlessLayer {
    public let config: RepeatVectorConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: RepeatVectorConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.ZeroPadding1D/2D/3D`.
public struct ZeroPadding<Rank: SpatialRank>: WeightlessLayer {
    public let config: ZeroPaddingConfig<Rank>
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: ZeroPaddingConfig<Rank>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.ZeroPadding1D`.
public typealias ZeroPadding1D = ZeroPadding<Spatial1D>
/// `keras.layers.ZeroPadding2D`.
public typealias ZeroPadding2D = ZeroPadding<Spatial2D>
/// `keras.layers.ZeroPadding3D`.
public typealias ZeroPadding3D = ZeroPadding<Spatial3D>

/// `keras.layers.Cropping1D/2D/3D`.
public struct Cropping<Rank: SpatialRank>: WeightlessLayer {
    public let config: CroppingConfig<Rank>
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: CroppingConfig<Rank>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.Cropping1D`.
public typealias Cropping1D = Cropping<Spatial1D>
/// `keras.layers.Cropping2D`.
public typealias Cropping2D = Cropping<Spatial2D>
/// `keras.layers.Cropping3D`.
public typealias Cropping3D = Cropping<Spatial3D>

/// `keras.layers.UpSampling1D/2D/3D`: nearest repeats positions; `UpSampling2D`'s other
/// interpolations resize as `Resizing` does.
public struct UpSampling<Rank: SpatialRank>: WeightlessLayer {
    public let config: UpSamplingConfig<Rank>
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: UpSamplingConfig<Rank>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// `keras.layers.UpSampling1D`.
public typealias UpSampling1D = UpSampling<Spatial1D>
/// `keras.layers.UpSampling2D`.
public typealias UpSampling2D = UpSampling<Spatial2D>
/// `keras.layers.UpSampling3D`.
public typealias UpSampling3D = UpSampling<Spatial3D>
