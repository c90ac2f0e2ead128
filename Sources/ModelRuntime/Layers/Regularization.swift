// Regularization layers: identity at inference.

extension Dropout {
    public func callAsFunction(_ input: Tensor) -> Tensor { input }
}

/// `keras.layers.SpatialDropout1D`.
public typealias SpatialDropout1D = SpatialDropout<Spatial1D>
/// `keras.layers.SpatialDropout2D`.
public typealias SpatialDropout2D = SpatialDropout<Spatial2D>
/// `keras.layers.SpatialDropout3D`.
public typealias SpatialDropout3D = SpatialDropout<Spatial3D>

extension SpatialDropout {
    public func callAsFunction(_ input: Tensor) -> Tensor { input }
}

extension GaussianDropout {
    public func callAsFunction(_ input: Tensor) -> Tensor { input }
}

extension GaussianNoise {
    public func callAsFunction(_ input: Tensor) -> Tensor { input }
}

extension AlphaDropout {
    public func callAsFunction(_ input: Tensor) -> Tensor { input }
}
