// Recurrent layers and embeddings: Embedding, SimpleRNN, LSTM, GRU, ConvLSTM1D/2D/3D.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/RecurrentSchema.swift by
// tools/generate-layer-configs.sh; do not edit. Each layer's call is hand-written, in an extension
// under Sources/ModelRuntime/Layers.

/// `keras.layers.SimpleRNN`, `LSTM`, `GRU` at inference.
public struct Recurrent<Cell: RecurrentCellKind>: MultiOutputLayer {
    public let config: RecurrentConfig<Cell>
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The input kernel, `(features, gates · units)`.
    public var kernel: Tensor { stored["kernel"]! }
    /// The recurrent kernel, `(units, gates · units)`.
    public var recurrentKernel: Tensor { stored["recurrent_kernel"]! }
    /// The bias, `(gates · units)` (GRU with `reset_after`: `(2, 3 · units)`), when `useBias`.
    public var bias: Tensor? { stored["bias"] }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: RecurrentConfig<Cell>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        stored = LayerWeights(try config.weights(for: inputShape), seed: seed)
        if Cell.gates == 4, config.unitForgetBias { stored.setForgetGateBias(units: config.units) }
    }

    public var weights: [Tensor] { stored.tensors }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try stored.set(weights, layer: config.name)
    }
}

/// `keras.layers.SimpleRNN`.
public typealias SimpleRNN = Recurrent<SimpleRNNCell>
/// `keras.layers.LSTM`.
public typealias LSTM = Recurrent<LSTMCell>
/// `keras.layers.GRU`.
public typealias GRU = Recurrent<GRUCell>

/// `keras.layers.Embedding`: rows of the table picked by index.
public struct Embedding: UnaryLayer {
    public let config: EmbeddingConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The `(input_dim, output_dim)` table.
    public var embeddings: Tensor { stored["embeddings"]! }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: EmbeddingConfig, inputShape: TensorShape, seed: UInt64) throws {
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

/// `keras.layers.ConvLSTM1D`, `ConvLSTM2D`, `ConvLSTM3D` at inference: LSTM gates i, f, c, o from
/// `conv(x_t, kernel) + bias + conv(h, recurrent_kernel)`, the input convolution with the layer's
/// strides, padding and dilation, the recurrent one with stride 1 and `same` padding.
public struct ConvLSTM<Rank: SpatialRank>: MultiOutputLayer {
    public let config: ConvLSTMConfig<Rank>
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The input kernel, `(*kernel_size, channels, 4 · filters)`.
    public var kernel: Tensor { stored["kernel"]! }
    /// The recurrent kernel, `(*kernel_size, filters, 4 · filters)`.
    public var recurrentKernel: Tensor { stored["recurrent_kernel"]! }
    /// The bias, `(4 · filters)`, when `useBias`.
    public var bias: Tensor? { stored["bias"] }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: ConvLSTMConfig<Rank>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        stored = LayerWeights(try config.weights(for: inputShape), seed: seed)
        if config.unitForgetBias { stored.setForgetGateBias(units: config.filters) }
    }

    public var weights: [Tensor] { stored.tensors }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try stored.set(weights, layer: config.name)
    }
}

/// `keras.layers.ConvLSTM1D`.
public typealias ConvLSTM1D = ConvLSTM<Spatial1D>
/// `keras.layers.ConvLSTM2D`.
public typealias ConvLSTM2D = ConvLSTM<Spatial2D>
/// `keras.layers.ConvLSTM3D`.
public typealias ConvLSTM3D = ConvLSTM<Spatial3D>
