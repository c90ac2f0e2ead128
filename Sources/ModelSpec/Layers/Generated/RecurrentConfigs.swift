// Recurrent layers and embeddings: Embedding, SimpleRNN, LSTM, GRU, ConvLSTM1D/2D/3D.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/RecurrentSchema.swift by
// tools/generate-layer-configs.sh; do not edit. What the layers do is in
// Sources/ModelSpec/Layers/Recurrent.swift.

/// `keras.layers.SimpleRNN`, `LSTM` and `GRU` at inference: the sequence `(batch, steps, features)`
/// runs through the cell; the output is the last state, or every state with `return_sequences`.
public struct RecurrentConfig<Cell: RecurrentCellKind>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { Cell.className }
    public static var template: Self { Self(units: 1) }
    public static var fields: [ConfigField<Self>] {
        var fields: [ConfigField<Self>] = [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("return_sequences", \.returnSequences),
            ConfigField("return_state", \.returnState),
            ConfigField("go_backwards", \.goBackwards),
            ConfigField("stateful", \.stateful),
            ConfigField("unroll", \.unroll),
            ConfigField("zero_output_for_mask", \.zeroOutputForMask),
            ConfigField("units", \.units, required: true),
            ConfigField("activation", \.activation),
        ]
        if Cell.gates > 1 { fields.append(ConfigField("recurrent_activation", \.recurrentActivation)) }
        fields += [
            ConfigField("use_bias", \.useBias),
            ConfigField("kernel_initializer", \.kernelInitializer),
            ConfigField("recurrent_initializer", \.recurrentInitializer),
            ConfigField("bias_initializer", \.biasInitializer),
        ]
        if Cell.gates == 4 { fields.append(ConfigField("unit_forget_bias", \.unitForgetBias)) }
        fields += [
            ConfigField("kernel_regularizer", \.kernelRegularizer),
            ConfigField("recurrent_regularizer", \.recurrentRegularizer),
            ConfigField("bias_regularizer", \.biasRegularizer),
            ConfigField("activity_regularizer", \.activityRegularizer),
            ConfigField("kernel_constraint", \.kernelConstraint),
            ConfigField("recurrent_constraint", \.recurrentConstraint),
            ConfigField("bias_constraint", \.biasConstraint),
            ConfigField("dropout", \.dropout),
            ConfigField("recurrent_dropout", \.recurrentDropout),
        ]
        if Cell.gates == 3 { fields.append(ConfigField("reset_after", \.resetAfter)) }
        if Cell.gates > 1 { fields.append(ConfigField("seed", \.seed)) }
        return fields
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Return the state after every step, `(batch, steps, units)`, not only the last.
    public var returnSequences: Bool
    /// Also return the final states (`h`, and `c` for LSTM) as further outputs.
    public var returnState: Bool
    /// Run the sequence from its end (outputs come in that order, as in Keras).
    public var goBackwards: Bool
    /// Keep states between calls (not supported).
    public var stateful: Bool
    /// Unroll the loop: the same numbers, but for the output of masked steps (see `zeroOutputForMask`),
    /// which Keras's unrolled loop computes its own way.
    public var unroll: Bool
    /// At a masked step, whether the output is zeros rather than the previous output.
    public var zeroOutputForMask: Bool
    /// The state size.
    public var units: Int
    /// The output (and candidate) activation.
    public var activation: ActivationFunction
    /// The gates' activation (LSTM, GRU).
    public var recurrentActivation: ActivationFunction
    /// Whether the cell adds biases.
    public var useBias: Bool
    /// How fresh input kernels are drawn.
    public var kernelInitializer: Initializer
    /// How fresh recurrent kernels are drawn.
    public var recurrentInitializer: Initializer
    /// How fresh biases are drawn.
    public var biasInitializer: Initializer
    /// LSTM: fresh forget-gate biases are 1.
    public var unitForgetBias: Bool
    /// Training only; kept for Keras round trips.
    public var kernelRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var recurrentRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var biasRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var activityRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var kernelConstraint: KerasObject?
    /// Training only; kept for Keras round trips.
    public var recurrentConstraint: KerasObject?
    /// Training only; kept for Keras round trips.
    public var biasConstraint: KerasObject?
    /// Training only: input dropout.
    public var dropout: Double
    /// Training only: state dropout.
    public var recurrentDropout: Double
    /// GRU: apply the reset gate after the recurrent product (Keras 3's default).
    public var resetAfter: Bool
    /// Training only: the dropout seed.
    public var seed: Int?

    /// A config with Keras's defaults for everything not given.
    public init(
        name: String = Naming.snakeCase(Cell.className), trainable: Bool = true, dtype: DTypePolicy = .float32,
        returnSequences: Bool = false, returnState: Bool = false, goBackwards: Bool = false, stateful: Bool = false,
        unroll: Bool = false, zeroOutputForMask: Bool = false, units: Int, activation: ActivationFunction = .tanh,
        recurrentActivation: ActivationFunction = .sigmoid, useBias: Bool = true,
        kernelInitializer: Initializer = .glorotUniform(), recurrentInitializer: Initializer = .orthogonal(),
        biasInitializer: Initializer = .zeros, unitForgetBias: Bool = true, kernelRegularizer: KerasObject? = nil,
        recurrentRegularizer: KerasObject? = nil, biasRegularizer: KerasObject? = nil,
        activityRegularizer: KerasObject? = nil, kernelConstraint: KerasObject? = nil,
        recurrentConstraint: KerasObject? = nil, biasConstraint: KerasObject? = nil, dropout: Double = 0,
        recurrentDropout: Double = 0, resetAfter: Bool = true, seed: Int? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.returnSequences = returnSequences
        self.returnState = returnState
        self.goBackwards = goBackwards
        self.stateful = stateful
        self.unroll = unroll
        self.zeroOutputForMask = zeroOutputForMask
        self.units = units
        self.activation = activation
        self.recurrentActivation = recurrentActivation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.recurrentInitializer = recurrentInitializer
        self.biasInitializer = biasInitializer
        self.unitForgetBias = unitForgetBias
        self.kernelRegularizer = kernelRegularizer
        self.recurrentRegularizer = recurrentRegularizer
        self.biasRegularizer = biasRegularizer
        self.activityRegularizer = activityRegularizer
        self.kernelConstraint = kernelConstraint
        self.recurrentConstraint = recurrentConstraint
        self.biasConstraint = biasConstraint
        self.dropout = dropout
        self.recurrentDropout = recurrentDropout
        self.resetAfter = resetAfter
        self.seed = seed
    }
}

/// `keras.layers.Embedding`: integer indices `(batch, ...)` (passed as float values) looked up in
/// an `input_dim × output_dim` table.
public struct EmbeddingConfig: UnaryLayerConfig {
    public static let className = "Embedding"
    public static let template = EmbeddingConfig(inputDim: 1, outputDim: 1)
    public static let fields: [ConfigField<EmbeddingConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("input_dim", \.inputDim, required: true),
        ConfigField("output_dim", \.outputDim, required: true),
        ConfigField("embeddings_initializer", \.embeddingsInitializer),
        ConfigField("embeddings_regularizer", \.embeddingsRegularizer),
        ConfigField("activity_regularizer", \.activityRegularizer),
        ConfigField("embeddings_constraint", \.embeddingsConstraint),
        ConfigField("mask_zero", \.maskZero),
    ]
    public static let ignoredKeys: [String: JSONValue] = [
        "quantization_config": .null,
        "lora_rank": .null,
        "lora_alpha": .null,
        "input_length": .null,
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The number of indices (the table's rows).
    public var inputDim: Int
    /// The embedding size.
    public var outputDim: Int
    /// How a fresh table is drawn.
    public var embeddingsInitializer: Initializer
    /// Training only; kept for Keras round trips.
    public var embeddingsRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var activityRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var embeddingsConstraint: KerasObject?
    /// Index 0 as padding: the output carries a Keras mask, false where the index is 0, that the layers
    /// after it read (see `MaskPlan`).
    public var maskZero: Bool

    /// A config with Keras's defaults.
    public init(
        name: String = "embedding", trainable: Bool = true, dtype: DTypePolicy = .float32, inputDim: Int,
        outputDim: Int, embeddingsInitializer: Initializer = .randomUniform(minval: -0.05, maxval: 0.05),
        embeddingsRegularizer: KerasObject? = nil, activityRegularizer: KerasObject? = nil,
        embeddingsConstraint: KerasObject? = nil, maskZero: Bool = false
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.inputDim = inputDim
        self.outputDim = outputDim
        self.embeddingsInitializer = embeddingsInitializer
        self.embeddingsRegularizer = embeddingsRegularizer
        self.activityRegularizer = activityRegularizer
        self.embeddingsConstraint = embeddingsConstraint
        self.maskZero = maskZero
    }
}

/// `keras.layers.ConvLSTM1D`, `ConvLSTM2D`, `ConvLSTM3D` at inference: an LSTM whose input and
/// recurrent transformations are convolutions. The sequence `(batch, steps, *spatial, channels)`
/// runs through the cell; the states `h` and `c` are `(batch, *spatial', filters)`, where
/// `spatial'` is the input convolution's output (its `strides`, `padding` and `dilation_rate`); the
/// recurrent convolution over `h` has stride 1 and `same` padding.
public struct ConvLSTMConfig<Rank: SpatialRank>: UnaryLayerConfig, RecurrentLayerConfig, SwiftSpelledConfig {
    public static var className: String { "ConvLSTM" + Rank.suffix }
    public static var template: Self { Self(filters: 1, kernelSize: 1) }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("return_sequences", \.returnSequences),
            ConfigField("return_state", \.returnState),
            ConfigField("go_backwards", \.goBackwards),
            ConfigField("stateful", \.stateful),
            ConfigField("unroll", \.unroll),
            ConfigField("zero_output_for_mask", \.zeroOutputForMask),
            ConfigField("filters", \.filters, required: true),
            ConfigField("kernel_size", \.kernelSize, required: true, rank: Rank.rank),
            ConfigField("strides", \.strides, rank: Rank.rank),
            ConfigField("padding", \.padding),
            ConfigField("data_format", \.dataFormat),
            ConfigField("dilation_rate", \.dilationRate, rank: Rank.rank),
            ConfigField("activation", \.activation),
            ConfigField("recurrent_activation", \.recurrentActivation),
            ConfigField("use_bias", \.useBias),
            ConfigField("kernel_initializer", \.kernelInitializer),
            ConfigField("recurrent_initializer", \.recurrentInitializer),
            ConfigField("bias_initializer", \.biasInitializer),
            ConfigField("unit_forget_bias", \.unitForgetBias),
            ConfigField("kernel_regularizer", \.kernelRegularizer),
            ConfigField("recurrent_regularizer", \.recurrentRegularizer),
            ConfigField("bias_regularizer", \.biasRegularizer),
            ConfigField("activity_regularizer", \.activityRegularizer),
            ConfigField("kernel_constraint", \.kernelConstraint),
            ConfigField("recurrent_constraint", \.recurrentConstraint),
            ConfigField("bias_constraint", \.biasConstraint),
            ConfigField("dropout", \.dropout),
            ConfigField("recurrent_dropout", \.recurrentDropout),
            ConfigField("seed", \.seed),
        ]
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Return `h` after every step, `(batch, steps, *spatial', filters)`, not only the last.
    public var returnSequences: Bool
    /// Also return the final states `h` and `c` as further outputs.
    public var returnState: Bool
    /// Run the sequence from its end (outputs come in that order, as in Keras).
    public var goBackwards: Bool
    /// Keep states between calls (not supported).
    public var stateful: Bool
    /// Unroll the loop (the same numbers at inference).
    public var unroll: Bool
    /// At a masked step, whether the output is zeros (masks are not supported here yet).
    public var zeroOutputForMask: Bool
    /// The number of channels of the states and the output.
    public var filters: Int
    /// The window size per spatial axis, of both convolutions.
    public var kernelSize: IntTuple
    /// The input convolution's step per spatial axis.
    public var strides: IntTuple
    /// The input convolution's padding, `valid` or `same` (the recurrent one is always `same`).
    public var padding: Padding
    /// Only `channels_last`.
    public var dataFormat: String
    /// The spacing of the input convolution's taps per spatial axis.
    public var dilationRate: IntTuple
    /// The output (and candidate) activation.
    public var activation: ActivationFunction
    /// The gates' activation.
    public var recurrentActivation: ActivationFunction
    /// Whether the cell adds biases.
    public var useBias: Bool
    /// How fresh input kernels are drawn.
    public var kernelInitializer: Initializer
    /// How fresh recurrent kernels are drawn.
    public var recurrentInitializer: Initializer
    /// How fresh biases are drawn.
    public var biasInitializer: Initializer
    /// Fresh forget-gate biases are 1.
    public var unitForgetBias: Bool
    /// Training only; kept for Keras round trips.
    public var kernelRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var recurrentRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var biasRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var activityRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var kernelConstraint: KerasObject?
    /// Training only; kept for Keras round trips.
    public var recurrentConstraint: KerasObject?
    /// Training only; kept for Keras round trips.
    public var biasConstraint: KerasObject?
    /// Training only: input dropout.
    public var dropout: Double
    /// Training only: state dropout.
    public var recurrentDropout: Double
    /// Training only: the dropout seed.
    public var seed: Int?

    /// A config with Keras's defaults for everything not given; single sizes apply to every axis.
    public init(
        name: String = "conv_lstm\(Rank.rank)d", trainable: Bool = true, dtype: DTypePolicy = .float32,
        returnSequences: Bool = false, returnState: Bool = false, goBackwards: Bool = false, stateful: Bool = false,
        unroll: Bool = false, zeroOutputForMask: Bool = false, filters: Int, kernelSize: IntTuple,
        strides: IntTuple = 1, padding: Padding = .valid, dataFormat: String = "channels_last",
        dilationRate: IntTuple = 1, activation: ActivationFunction = .tanh,
        recurrentActivation: ActivationFunction = .sigmoid, useBias: Bool = true,
        kernelInitializer: Initializer = .glorotUniform(), recurrentInitializer: Initializer = .orthogonal(),
        biasInitializer: Initializer = .zeros, unitForgetBias: Bool = true, kernelRegularizer: KerasObject? = nil,
        recurrentRegularizer: KerasObject? = nil, biasRegularizer: KerasObject? = nil,
        activityRegularizer: KerasObject? = nil, kernelConstraint: KerasObject? = nil,
        recurrentConstraint: KerasObject? = nil, biasConstraint: KerasObject? = nil, dropout: Double = 0,
        recurrentDropout: Double = 0, seed: Int? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.returnSequences = returnSequences
        self.returnState = returnState
        self.goBackwards = goBackwards
        self.stateful = stateful
        self.unroll = unroll
        self.zeroOutputForMask = zeroOutputForMask
        self.filters = filters
        self.kernelSize = kernelSize.expanded(to: Rank.rank)
        self.strides = strides.expanded(to: Rank.rank)
        self.padding = padding
        self.dataFormat = dataFormat
        self.dilationRate = dilationRate.expanded(to: Rank.rank)
        self.activation = activation
        self.recurrentActivation = recurrentActivation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.recurrentInitializer = recurrentInitializer
        self.biasInitializer = biasInitializer
        self.unitForgetBias = unitForgetBias
        self.kernelRegularizer = kernelRegularizer
        self.recurrentRegularizer = recurrentRegularizer
        self.biasRegularizer = biasRegularizer
        self.activityRegularizer = activityRegularizer
        self.kernelConstraint = kernelConstraint
        self.recurrentConstraint = recurrentConstraint
        self.biasConstraint = biasConstraint
        self.dropout = dropout
        self.recurrentDropout = recurrentDropout
        self.seed = seed
    }
}
