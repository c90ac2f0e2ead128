// Pooling layers: max and average pooling over windows, and global pooling over every spatial
// position.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/PoolingSchema.swift by
// tools/generate-layer-configs.sh; do not edit. Each layer's call is hand-written, in an
// extension under Sources/ModelRuntime/Layers.

/// Max or average pooling over windows of the spatial axes.
public struct Pooling<Rank: SpatialRank, Mode: PoolingMode>: WeightlessLayer {
    public let config: PoolingConfig<Rank, Mode>
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: PoolingConfig<Rank, Mode>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}

/// Max or average over every spatial position.
public struct GlobalPooling<Rank: SpatialRank, Mode: PoolingMode>: WeightlessLayer {
    public let config: GlobalPoolingConfig<Rank, Mode>
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: GlobalPoolingConfig<Rank, Mode>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }
}
