// Regularization layers: identity at inference.

extension Dropout {
    public func callAsFunction(_ input: Tensor) -> Tensor { input }
}

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
