// Layers that keras.applications defines for its own models: ConvNeXt's LayerScale and
// StochasticDepth, InceptionResNetV2's CustomScaleLayer. They ship with Keras, so specs use them
// without declaring them; Keras writes them with their defining module.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/ApplicationsSchema.swift by
// tools/generate-layer-configs.sh; do not edit. Each layer's call is hand-written, in an extension
// under Sources/ModelRuntime/Layers.

/// `LayerScale` of ConvNeXt: `x · gamma` over the last axis.
public struct LayerScale: UnaryLayer {
    public let config: LayerScaleConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// One scale per channel.
    public var gamma: Tensor { stored["gamma"]! }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

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
}
