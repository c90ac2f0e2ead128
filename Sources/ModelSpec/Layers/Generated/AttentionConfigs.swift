// Attention layers and EinsumDense: EinsumDense, Attention (dot-product, Luong), AdditiveAttention
// (Bahdanau).
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/AttentionSchema.swift by
// tools/generate-layer-configs.sh; do not edit. What the layers do is in
// Sources/ModelSpec/Layers/Attention.swift.

/// `keras.layers.EinsumDense`: `activation(einsum(equation, input, kernel) + bias)`.
public struct EinsumDenseConfig: UnaryLayerConfig {
    public static let className = "EinsumDense"
    public static let template = EinsumDenseConfig(outputShape: [1], equation: "ab,bc->ac")
    public static let fields: [ConfigField<EinsumDenseConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("output_shape", \.outputShape, required: true),
        ConfigField("equation", \.equation, required: true),
        ConfigField("activation", \.activation),
        ConfigField("bias_axes", \.biasAxes),
        ConfigField("kernel_initializer", \.kernelInitializer),
        ConfigField("bias_initializer", \.biasInitializer),
        ConfigField("kernel_regularizer", \.kernelRegularizer),
        ConfigField("bias_regularizer", \.biasRegularizer),
        ConfigField("activity_regularizer", \.activityRegularizer),
        ConfigField("kernel_constraint", \.kernelConstraint),
        ConfigField("bias_constraint", \.biasConstraint),
    ]
    public static let ignoredKeys: [String: JSONValue] = [
        "quantization_config": .null,
        "lora_rank": .null,
        "lora_alpha": .null,
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The output's shape without the batch axis (nil where it follows the input).
    public var outputShape: TensorShape
    /// The einsum equation, e.g. `abc,cd->abd`.
    public var equation: String
    /// The activation applied to the output.
    public var activation: ActivationFunction
    /// The output axes (letters) that have a bias, or nil for none.
    public var biasAxes: String?
    /// How fresh kernels are drawn.
    public var kernelInitializer: Initializer
    /// How fresh biases are drawn.
    public var biasInitializer: Initializer
    /// Training only; kept for Keras round trips.
    public var kernelRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var biasRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var activityRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var kernelConstraint: KerasObject?
    /// Training only; kept for Keras round trips.
    public var biasConstraint: KerasObject?

    /// A config with Keras's defaults for everything not given.
    public init(
        name: String = "einsum_dense", trainable: Bool = true, dtype: DTypePolicy = .float32, outputShape: TensorShape,
        equation: String, activation: ActivationFunction = .linear, biasAxes: String? = nil,
        kernelInitializer: Initializer = .glorotUniform(), biasInitializer: Initializer = .zeros,
        kernelRegularizer: KerasObject? = nil, biasRegularizer: KerasObject? = nil,
        activityRegularizer: KerasObject? = nil, kernelConstraint: KerasObject? = nil,
        biasConstraint: KerasObject? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.outputShape = outputShape
        self.equation = equation
        self.activation = activation
        self.biasAxes = biasAxes
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        self.kernelRegularizer = kernelRegularizer
        self.biasRegularizer = biasRegularizer
        self.activityRegularizer = activityRegularizer
        self.kernelConstraint = kernelConstraint
        self.biasConstraint = biasConstraint
    }
}

/// `keras.layers.Attention`: dot-product (or concat) attention of a query over value/key sequences.
public struct AttentionConfig: LayerConfig {
    public static let className = "Attention"
    public static let template = AttentionConfig()
    public static let fields: [ConfigField<AttentionConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("use_scale", \.useScale),
        ConfigField("score_mode", \.scoreMode),
        ConfigField("dropout", \.dropout),
        ConfigField("seed", \.seed),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Multiply the scores by a learned scalar `scale`.
    public var useScale: Bool
    /// `dot` or `concat`.
    public var scoreMode: ScoreMode
    /// Training only: dropout on the attention weights.
    public var dropout: Double
    /// Training only: the dropout seed.
    public var seed: Int?

    /// A config with Keras's defaults.
    public init(
        name: String = "attention", trainable: Bool = true, dtype: DTypePolicy = .float32, useScale: Bool = false,
        scoreMode: ScoreMode = .dot, dropout: Double = 0, seed: Int? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.useScale = useScale
        self.scoreMode = scoreMode
        self.dropout = dropout
        self.seed = seed
    }
}

/// `keras.layers.AdditiveAttention`: `Σ scale · tanh(q + k)` scores (Bahdanau).
public struct AdditiveAttentionConfig: LayerConfig {
    public static let className = "AdditiveAttention"
    public static let template = AdditiveAttentionConfig()
    public static let fields: [ConfigField<AdditiveAttentionConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("use_scale", \.useScale),
        ConfigField("dropout", \.dropout),
        ConfigField("seed", \.seed),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Weight each feature's `tanh` by a learned `scale`.
    public var useScale: Bool
    /// Training only: dropout on the attention weights.
    public var dropout: Double
    /// Training only: the dropout seed.
    public var seed: Int?

    /// A config with Keras's defaults.
    public init(
        name: String = "additive_attention", trainable: Bool = true, dtype: DTypePolicy = .float32,
        useScale: Bool = true, dropout: Double = 0, seed: Int? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.useScale = useScale
        self.dropout = dropout
        self.seed = seed
    }
}

/// `keras.layers.MultiHeadAttention` over sequences `(batch, steps, features)`: `query`, `value`
/// and optionally `key` (default `value`) projected into `num_heads` heads, scaled dot-product
/// attention per head, and an output projection.
public struct MultiHeadAttentionConfig: AttentionLayerConfig {
    public static let className = "MultiHeadAttention"
    public static let template = MultiHeadAttentionConfig(numHeads: 1, keyDim: 1)
    public static let fields: [ConfigField<MultiHeadAttentionConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("num_heads", \.numHeads, required: true),
        ConfigField("key_dim", \.keyDim, required: true),
        ConfigField("value_dim", \.valueDim),
        ConfigField("dropout", \.dropout),
        ConfigField("use_bias", \.useBias),
        ConfigField("use_gate", \.useGate),
        ConfigField("output_shape", \.outputShape),
        ConfigField("attention_axes", \.attentionAxes),
        ConfigField("sliding_window", \.slidingWindow),
        ConfigField("kernel_initializer", \.kernelInitializer),
        ConfigField("bias_initializer", \.biasInitializer),
        ConfigField("kernel_regularizer", \.kernelRegularizer),
        ConfigField("bias_regularizer", \.biasRegularizer),
        ConfigField("activity_regularizer", \.activityRegularizer),
        ConfigField("kernel_constraint", \.kernelConstraint),
        ConfigField("bias_constraint", \.biasConstraint),
        ConfigField("seed", \.seed),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The number of heads.
    public var numHeads: Int
    /// The size of each head's query and key.
    public var keyDim: Int
    /// The size of each head's value (nil: `key_dim`).
    public var valueDim: Int?
    /// Training only: dropout on the attention weights.
    public var dropout: Double
    /// Whether the projections add biases.
    public var useBias: Bool
    /// A sigmoid gate on the attention output (not supported).
    public var useGate: Bool
    /// The output's last axis (nil: the query's).
    public var outputShape: Axes?
    /// The attended axes; only the steps axis (`[1]` or nil) is supported.
    public var attentionAxes: Axes?
    /// A sliding attention window (not supported).
    public var slidingWindow: Int?
    /// How fresh kernels are drawn.
    public var kernelInitializer: Initializer
    /// How fresh biases are drawn.
    public var biasInitializer: Initializer
    /// Training only; kept for Keras round trips.
    public var kernelRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var biasRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var activityRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var kernelConstraint: KerasObject?
    /// Training only; kept for Keras round trips.
    public var biasConstraint: KerasObject?
    /// Training only: the dropout seed.
    public var seed: Int?

    /// A config with Keras's defaults for everything not given.
    public init(
        name: String = "multi_head_attention", trainable: Bool = true, dtype: DTypePolicy = .float32, numHeads: Int,
        keyDim: Int, valueDim: Int? = nil, dropout: Double = 0, useBias: Bool = true, useGate: Bool = false,
        outputShape: Axes? = nil, attentionAxes: Axes? = nil, slidingWindow: Int? = nil,
        kernelInitializer: Initializer = .glorotUniform(), biasInitializer: Initializer = .zeros,
        kernelRegularizer: KerasObject? = nil, biasRegularizer: KerasObject? = nil,
        activityRegularizer: KerasObject? = nil, kernelConstraint: KerasObject? = nil,
        biasConstraint: KerasObject? = nil, seed: Int? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.numHeads = numHeads
        self.keyDim = keyDim
        self.valueDim = valueDim
        self.dropout = dropout
        self.useBias = useBias
        self.useGate = useGate
        self.outputShape = outputShape
        self.attentionAxes = attentionAxes
        self.slidingWindow = slidingWindow
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        self.kernelRegularizer = kernelRegularizer
        self.biasRegularizer = biasRegularizer
        self.activityRegularizer = activityRegularizer
        self.kernelConstraint = kernelConstraint
        self.biasConstraint = biasConstraint
        self.seed = seed
    }
}
