// Attention layers and EinsumDense: EinsumDense, Attention (dot-product, Luong), AdditiveAttention
// (Bahdanau).
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/AttentionSchema.swift by
// tools/generate-layer-configs.sh; do not edit. Each layer's call is hand-written, in an extension
// under Sources/ModelRuntime/Layers.

/// `keras.layers.EinsumDense`.
public struct EinsumDense: UnaryLayer {
    public let config: EinsumDenseConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The kernel, shaped by the equation's second operand.
    public var kernel: Tensor { stored["kernel"]! }
    /// The bias, broadcast from the right over the output, when `bias_axes` is set.
    public var bias: Tensor? { stored["bias"] }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: EinsumDenseConfig, inputShape: TensorShape, seed: UInt64) throws {
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

/// `keras.layers.Attention`.
public struct Attention: MergeLayer {
    public let config: AttentionConfig
    public let inputShapes: [TensorShape]
    public let outputShape: TensorShape
    /// The learned scale (`use_scale`).
    public var scale: Tensor? { stored["scale"] }
    /// The learned weight of `concat` scores.
    public var concatScoreWeight: Tensor? { stored["concat_score_weight"] }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: AttentionConfig, inputShapes: [TensorShape], seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShapes = inputShapes
        outputShape = try config.outputShape(forInputs: inputShapes)
        stored = LayerWeights(try config.weights(forInputs: inputShapes), seed: seed)
    }

    public var weights: [Tensor] { stored.tensors }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try stored.set(weights, layer: config.name)
    }
}

/// `keras.layers.AdditiveAttention`.
public struct AdditiveAttention: MergeLayer {
    public let config: AdditiveAttentionConfig
    public let inputShapes: [TensorShape]
    public let outputShape: TensorShape
    /// The learned per-feature scale (`use_scale`).
    public var scale: Tensor? { stored["scale"] }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: AdditiveAttentionConfig, inputShapes: [TensorShape], seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShapes = inputShapes
        outputShape = try config.outputShape(forInputs: inputShapes)
        stored = LayerWeights(try config.weights(forInputs: inputShapes), seed: seed)
    }

    public var weights: [Tensor] { stored.tensors }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try stored.set(weights, layer: config.name)
    }
}

/// `keras.layers.MultiHeadAttention` over sequences.
public struct MultiHeadAttention: MergeLayer {
    public let config: MultiHeadAttentionConfig
    public let inputShapes: [TensorShape]
    public let outputShape: TensorShape
    /// The query, key, value and output projections' kernels and biases, in Keras's order.
    public var projections: [Tensor] { stored.tensors }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: MultiHeadAttentionConfig, inputShapes: [TensorShape], seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShapes = inputShapes
        outputShape = try config.outputShape(forInputs: inputShapes)
        stored = LayerWeights(try config.weights(forInputs: inputShapes), seed: seed)
    }

    public var weights: [Tensor] { stored.tensors }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try stored.set(weights, layer: config.name)
    }
}
