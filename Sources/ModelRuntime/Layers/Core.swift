// Core layers: InputLayer, Dense, Activation.

/// A model's input: checks the shape of what a model is called with.
public struct InputLayer: Layer {
    public let config: InputLayerConfig

    /// The input described by `config`.
    public init(config: InputLayerConfig) {
        self.config = config
    }

    /// The input's shape, the batch axis included.
    public var outputShape: TensorShape { config.batchShape }
    public var weights: [Tensor] { [] }
    public mutating func setWeights(_ weights: [Tensor]) throws {
        try checkWeights(weights, against: [], layer: config.name)
    }
    public func rebuilt(config: InputLayerConfig, seed: UInt64) throws -> InputLayer { InputLayer(config: config) }

    /// Returns `input`, stopping with a message naming the model and both shapes when
    /// `input` doesn't have the input's shape.
    public func check(_ input: Tensor, model: String) -> Tensor {
        precondition(
            config.batchShape.accepts(input.shape),
            "\(model): input '\(config.name)' expects shape \(config.batchShape), got "
                + "\(TensorShape(input.shape.map { $0 }))"
        )
        return input
    }
}

extension Dense {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let inputUnits = kernel.shape[0]
        let units = kernel.shape[1]
        precondition(
            input.shape.last == inputUnits,
            "Dense '\(config.name)': expects last axis \(inputUnits), got shape \(input.shape)")
        var outputShape = input.shape
        outputShape[outputShape.count - 1] = units
        return MatrixMultiply.dense(
            input, kernel: kernel, bias: bias, activation: config.activation, shape: outputShape)
    }
}

extension Activation {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        config.activation.applied(to: input)
    }

    /// The activation applied in place when `input`'s scalars are its own.
    public func callAsFunction(reusing input: consuming Tensor) -> Tensor {
        var output = input
        guard output.isUniquelyWritable() else { return self(output) }
        config.activation.apply(to: &output)
        return output
    }
}
