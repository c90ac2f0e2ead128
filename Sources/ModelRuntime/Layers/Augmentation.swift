// Image augmentation layers and Identity: the identity at inference.

extension InferenceIdentity {
    public func callAsFunction(_ input: Tensor) -> Tensor { input }
}
