// Layers that keras.applications defines for its own models: LayerScale, StochasticDepth,
// CustomScaleLayer.

/// `LayerScale` of ConvNeXt: `x · gamma` over the last axis.
public struct LayerScale: UnaryLayer {
    public let config: LayerScaleConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// One scale per channel.
    public var gamma: Tensor { stored["gamma"]! }
    private var stored: LayerWeights

    public init(config: LayerScaleConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        stored = LayerWeights(try config.weights(for: inputShape), seed: seed)
    }

    public var weights: [Tensor] { stored.tensors }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try stored.set(weights, layer: config.name)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Elementwise.map([input, gamma]) { x, scale, _ in x * scale }
    }
}

/// `StochasticDepth` of ConvNeXt: the identity at inference.
public struct StochasticDepth: WeightlessLayer {
    public let config: StochasticDepthConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape

    public init(config: StochasticDepthConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { input }
}

/// `CustomScaleLayer` of InceptionResNetV2: `shortcut + residual · scale`.
public struct CustomScaleLayer: MergeLayer, WeightlessMerge {
    public let config: CustomScaleLayerConfig
    public let inputShapes: [TensorShape]
    public let outputShape: TensorShape

    public init(config: CustomScaleLayerConfig, inputShapes: [TensorShape], seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShapes = inputShapes
        outputShape = try config.outputShape(forInputs: inputShapes)
    }

    public func callAsFunction(_ inputs: [Tensor]) -> Tensor {
        let scale = Float(config.scale)
        return Elementwise.map([inputs[0], inputs[1]]) { shortcut, residual, _ in shortcut + residual * scale }
    }
}
