// Pooling layers: max and average pooling over windows, and global pooling over every
// spatial position.

/// `keras.layers.MaxPooling1D`.
public typealias MaxPooling1DConfig = PoolingConfig<Spatial1D, MaxPoolingMode>
/// `keras.layers.MaxPooling2D`.
public typealias MaxPooling2DConfig = PoolingConfig<Spatial2D, MaxPoolingMode>
/// `keras.layers.MaxPooling3D`.
public typealias MaxPooling3DConfig = PoolingConfig<Spatial3D, MaxPoolingMode>
/// `keras.layers.AveragePooling1D`.
public typealias AveragePooling1DConfig = PoolingConfig<Spatial1D, AveragePoolingMode>
/// `keras.layers.AveragePooling2D`.
public typealias AveragePooling2DConfig = PoolingConfig<Spatial2D, AveragePoolingMode>
/// `keras.layers.AveragePooling3D`.
public typealias AveragePooling3DConfig = PoolingConfig<Spatial3D, AveragePoolingMode>
/// `keras.layers.GlobalMaxPooling1D`.
public typealias GlobalMaxPooling1DConfig = GlobalPoolingConfig<Spatial1D, MaxPoolingMode>
/// `keras.layers.GlobalMaxPooling2D`.
public typealias GlobalMaxPooling2DConfig = GlobalPoolingConfig<Spatial2D, MaxPoolingMode>
/// `keras.layers.GlobalMaxPooling3D`.
public typealias GlobalMaxPooling3DConfig = GlobalPoolingConfig<Spatial3D, MaxPoolingMode>
/// `keras.layers.GlobalAveragePooling1D`.
public typealias GlobalAveragePooling1DConfig = GlobalPoolingConfig<Spatial1D, AveragePoolingMode>
/// `keras.layers.GlobalAveragePooling2D`.
public typealias GlobalAveragePooling2DConfig = GlobalPoolingConfig<Spatial2D, AveragePoolingMode>
/// `keras.layers.GlobalAveragePooling3D`.
public typealias GlobalAveragePooling3DConfig = GlobalPoolingConfig<Spatial3D, AveragePoolingMode>

/// How a pooling layer reduces a window.
public protocol PoolingMode: Sendable {
    /// `Max` or `Average`, as in Keras's class names.
    static var name: String { get }
}

/// The maximum of each window (padding never wins).
public enum MaxPoolingMode: PoolingMode { public static let name = "Max" }
/// The mean of each window, over the positions inside the input (padding is not counted).
public enum AveragePoolingMode: PoolingMode { public static let name = "Average" }

extension PoolingConfig {
    package static var spelledTypeName: String { "\(Mode.name)Pooling\(Rank.suffix)Config" }

    public func validate() throws {
        try poolSize.check("pool_size", rank: Rank.rank)
        try strides?.check("strides", rank: Rank.rank)
        try checkChannelsLast(dataFormat)
        guard padding != .causal else { throw ConfigFieldError(field: "padding", "must be 'valid' or 'same'") }
    }

    /// The pooling window.
    public var window: SpatialWindow {
        let size = poolSize.expanded(to: Rank.rank).values
        return SpatialWindow(
            size: size, strides: strides?.expanded(to: Rank.rank).values ?? size,
            dilation: Array(repeating: 1, count: Rank.rank), padding: padding)
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let (spatial, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        try window.checkFits(spatial, layer: Self.className)
        return TensorShape([input.dimensions[0]] + window.outputSizes(spatial) + [channels])
    }
}

extension GlobalPoolingConfig {
    package static var spelledTypeName: String { "Global\(Mode.name)Pooling\(Rank.suffix)Config" }

    public func validate() throws { try checkChannelsLast(dataFormat) }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let (_, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        return keepdims
            ? TensorShape([input.dimensions[0]] + Array(repeating: 1, count: Rank.rank) + [channels])
            : TensorShape([input.dimensions[0], channels])
    }
}
