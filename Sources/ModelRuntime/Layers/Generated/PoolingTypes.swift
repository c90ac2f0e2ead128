// Pooling layers: max and average pooling over windows, and global pooling over every spatial
// position.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/PoolingSchema.swift by
// tools/generate-layer-configs.sh; do not edit. Each layer's call is hand-written, in an extension
// under Sources/ModelRuntime/Layers.

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

/// `keras.layers.MaxPooling1D`.
public typealias MaxPooling1D = Pooling<Spatial1D, MaxPoolingMode>
/// `keras.layers.MaxPooling2D`.
public typealias MaxPooling2D = Pooling<Spatial2D, MaxPoolingMode>
/// `keras.layers.MaxPooling3D`.
public typealias MaxPooling3D = Pooling<Spatial3D, MaxPoolingMode>
/// `keras.layers.AveragePooling1D`.
public typealias AveragePooling1D = Pooling<Spatial1D, AveragePoolingMode>
/// `keras.layers.AveragePooling2D`.
public typealias AveragePooling2D = Pooling<Spatial2D, AveragePoolingMode>
/// `keras.layers.AveragePooling3D`.
public typealias AveragePooling3D = Pooling<Spatial3D, AveragePoolingMode>

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

/// `keras.layers.GlobalMaxPooling1D`.
public typealias GlobalMaxPooling1D = GlobalPooling<Spatial1D, MaxPoolingMode>
/// `keras.layers.GlobalMaxPooling2D`.
public typealias GlobalMaxPooling2D = GlobalPooling<Spatial2D, MaxPoolingMode>
/// `keras.layers.GlobalMaxPooling3D`.
public typealias GlobalMaxPooling3D = GlobalPooling<Spatial3D, MaxPoolingMode>
/// `keras.layers.GlobalAveragePooling1D`.
public typealias GlobalAveragePooling1D = GlobalPooling<Spatial1D, AveragePoolingMode>
/// `keras.layers.GlobalAveragePooling2D`.
public typealias GlobalAveragePooling2D = GlobalPooling<Spatial2D, AveragePoolingMode>
/// `keras.layers.GlobalAveragePooling3D`.
public typealias GlobalAveragePooling3D = GlobalPooling<Spatial3D, AveragePoolingMode>
