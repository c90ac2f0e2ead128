// Regularization layers: identity at inference.

/// `keras.layers.Dropout`: the identity at inference (the runtime computes inference only).
public struct Dropout: WeightlessLayer {
    public let config: DropoutConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: DropoutConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        self.outputShape = try config.outputShape(for: inputShape)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { input }
}
