// Recurrent layers and embeddings: Embedding, SimpleRNN, LSTM, GRU, ConvLSTM1D/2D/3D.

/// `keras.layers.SimpleRNN`.
public typealias SimpleRNNConfig = RecurrentConfig<SimpleRNNCell>
/// `keras.layers.LSTM`.
public typealias LSTMConfig = RecurrentConfig<LSTMCell>
/// `keras.layers.GRU`.
public typealias GRUConfig = RecurrentConfig<GRUCell>

/// The cell of a recurrent layer class.
public protocol RecurrentCellKind: Sendable {
    /// Keras's class name of the layer, e.g. `LSTM`.
    static var className: String { get }
    /// The number of gate blocks in the kernels (1, 4 for LSTM's i, f, c, o, 3 for GRU's z, r, h).
    static var gates: Int { get }
}

/// A recurrent layer whose state can come from other layers (Keras's `initial_state`).
public protocol RecurrentLayerConfig: LayerConfig {
    /// The number of state tensors: 2 (`h`, `c`) for LSTM and ConvLSTM, else 1.
    var stateCount: Int { get }
    /// The shape of each state for an input sequence of shape `input`: `(batch, units)`, or
    /// `(batch, *spatial', filters)` for ConvLSTM.
    func stateShape(forSequence input: TensorShape) throws -> TensorShape
}

extension RecurrentConfig: RecurrentLayerConfig {
    public var stateCount: Int { Cell.gates == 4 ? 2 : 1 }

    public func stateShape(forSequence input: TensorShape) throws -> TensorShape {
        TensorShape([input.dimensions.first ?? nil, units])
    }
}

/// `SimpleRNN`'s cell: `h = activation(x·W + h·U + b)`.
public enum SimpleRNNCell: RecurrentCellKind {
    public static let className = "SimpleRNN"
    public static let gates = 1
}

/// `LSTM`'s cell: input, forget, cell and output gates.
public enum LSTMCell: RecurrentCellKind {
    public static let className = "LSTM"
    public static let gates = 4
}

/// `GRU`'s cell: update, reset and candidate gates.
public enum GRUCell: RecurrentCellKind {
    public static let className = "GRU"
    public static let gates = 3
}

/// `keras.layers.SimpleRNN`, `LSTM` and `GRU` at inference: the sequence `(batch, steps,
/// features)` runs through the cell; the output is the last state, or every state with
/// `return_sequences`.
public struct RecurrentConfig<Cell: RecurrentCellKind>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { Cell.className }
    package static var spelledTypeName: String { "\(Cell.className)Config" }
    public static var template: Self { Self(units: 1) }
    public static var fields: [ConfigField<Self>] {
        var fields = [
            ConfigField("name", \Self.name, required: true),
            ConfigField("trainable", \Self.trainable),
            ConfigField("dtype", \Self.dtype),
            ConfigField("return_sequences", \Self.returnSequences),
            ConfigField("return_state", \Self.returnState),
            ConfigField("go_backwards", \Self.goBackwards),
            ConfigField("stateful", \Self.stateful),
            ConfigField("unroll", \Self.unroll),
            ConfigField("zero_output_for_mask", \Self.zeroOutputForMask),
            ConfigField("units", \Self.units, required: true),
            ConfigField("activation", \Self.activation),
        ]
        if Cell.gates > 1 { fields.append(ConfigField("recurrent_activation", \Self.recurrentActivation)) }
        fields += [
            ConfigField("use_bias", \Self.useBias),
            ConfigField("kernel_initializer", \Self.kernelInitializer),
            ConfigField("recurrent_initializer", \Self.recurrentInitializer),
            ConfigField("bias_initializer", \Self.biasInitializer),
        ]
        if Cell.gates == 4 { fields.append(ConfigField("unit_forget_bias", \Self.unitForgetBias)) }
        fields += [
            ConfigField("kernel_regularizer", \Self.kernelRegularizer),
            ConfigField("recurrent_regularizer", \Self.recurrentRegularizer),
            ConfigField("bias_regularizer", \Self.biasRegularizer),
            ConfigField("activity_regularizer", \Self.activityRegularizer),
            ConfigField("kernel_constraint", \Self.kernelConstraint),
            ConfigField("recurrent_constraint", \Self.recurrentConstraint),
            ConfigField("bias_constraint", \Self.biasConstraint),
            ConfigField("dropout", \Self.dropout),
            ConfigField("recurrent_dropout", \Self.recurrentDropout),
        ]
        if Cell.gates == 3 { fields.append(ConfigField("reset_after", \Self.resetAfter)) }
        if Cell.gates > 1 { fields.append(ConfigField("seed", \Self.seed)) }
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
    /// Unroll the loop: the same numbers, but for the output of masked steps (see
    /// `zeroOutputForMask`), which Keras's unrolled loop computes its own way.
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
        kernelInitializer: Initializer = .glorotUniform(),
        recurrentInitializer: Initializer = .orthogonal(), biasInitializer: Initializer = .zeros,
        unitForgetBias: Bool = true,
        kernelRegularizer: KerasObject? = nil, recurrentRegularizer: KerasObject? = nil,
        biasRegularizer: KerasObject? = nil,
        activityRegularizer: KerasObject? = nil, kernelConstraint: KerasObject? = nil,
        recurrentConstraint: KerasObject? = nil,
        biasConstraint: KerasObject? = nil, dropout: Double = 0, recurrentDropout: Double = 0, resetAfter: Bool = true,
        seed: Int? = nil
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

    public func validate() throws {
        guard units > 0, units <= 1 << 30 else {
            throw ConfigFieldError(field: "units", "must be a positive integer up to 2^30, found \(units)")
        }
        guard !stateful else {
            throw ConfigFieldError(field: "stateful", "is not supported: generated models keep no state between calls")
        }
        for (field, activation) in [("activation", activation), ("recurrent_activation", recurrentActivation)]
        where activation.isAxisWise {
            throw ConfigFieldError(
                field: field, "'\(activation.rawValue)' works across an axis and cannot be a recurrent activation")
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        guard input.rank == 3, input.last != nil else {
            throw ShapeError(
                "\(Self.className) needs an input (batch, steps, features) with known features, got \(input)")
        }
        return returnSequences
            ? TensorShape([input.dimensions[0], input.dimensions[1], units])
            : TensorShape([input.dimensions[0], units])
    }

    /// The states a call returns with `return_state`: `h`, and `c` for LSTM.
    public static var stateCount: Int { Cell.gates == 4 ? 2 : 1 }

    public var outputCount: Int { returnState ? 1 + Self.stateCount : 1 }

    public func outputShapes(forInputs inputs: [TensorShape]) throws -> [TensorShape] {
        guard inputs.count == 1 else { throw ShapeError("\(Self.className) takes one input, got \(inputs.count)") }
        let output = try outputShape(for: inputs[0])
        let state = TensorShape([inputs[0].dimensions[0], units])
        return [output] + Array(repeating: state, count: returnState ? Self.stateCount : 0)
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        _ = try outputShape(for: input)
        let features = input.last!
        let width = Cell.gates * units
        var weights = [
            WeightSpec(name: "kernel", shape: [features, width], initializer: kernelInitializer, trainable: trainable),
            WeightSpec(
                name: "recurrent_kernel", shape: [units, width], initializer: recurrentInitializer, trainable: trainable
            ),
        ]
        if useBias {
            let shape = Cell.gates == 3 && resetAfter ? [2, width] : [width]
            weights.append(WeightSpec(name: "bias", shape: shape, initializer: biasInitializer, trainable: trainable))
        }
        return weights
    }

    public func kerasWeightPaths(forInputs inputs: [TensorShape]) throws -> [String] {
        try weights(forInputs: inputs).indices.map { "cell/vars/\($0)" }
    }
}

/// `keras.layers.Embedding`: integer indices `(batch, ...)` (passed as float values) looked up
/// in an `input_dim × output_dim` table.
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
        "quantization_config": .null, "lora_rank": .null, "lora_alpha": .null,
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
    /// Index 0 as padding: the output carries a Keras mask, false where the index is 0, that
    /// the layers after it read (see `MaskPlan`).
    public var maskZero: Bool

    /// A config with Keras's defaults.
    public init(
        name: String = "embedding", trainable: Bool = true, dtype: DTypePolicy = .float32, inputDim: Int,
        outputDim: Int,
        embeddingsInitializer: Initializer = .randomUniform(minval: -0.05, maxval: 0.05),
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

    public func validate() throws {
        guard inputDim > 0 else {
            throw ConfigFieldError(field: "input_dim", "must be a positive integer, found \(inputDim)")
        }
        guard outputDim > 0 else {
            throw ConfigFieldError(field: "output_dim", "must be a positive integer, found \(outputDim)")
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        TensorShape(input.dimensions + [outputDim])
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        [
            WeightSpec(
                name: "embeddings", shape: [inputDim, outputDim], initializer: embeddingsInitializer,
                trainable: trainable)
        ]
    }
}

/// `keras.layers.ConvLSTM1D`.
public typealias ConvLSTM1DConfig = ConvLSTMConfig<Spatial1D>
/// `keras.layers.ConvLSTM2D`.
public typealias ConvLSTM2DConfig = ConvLSTMConfig<Spatial2D>
/// `keras.layers.ConvLSTM3D`.
public typealias ConvLSTM3DConfig = ConvLSTMConfig<Spatial3D>

/// `keras.layers.ConvLSTM1D`, `ConvLSTM2D`, `ConvLSTM3D` at inference: an LSTM whose input and
/// recurrent transformations are convolutions. The sequence `(batch, steps, *spatial,
/// channels)` runs through the cell; the states `h` and `c` are `(batch, *spatial', filters)`,
/// where `spatial'` is the input convolution's output (its `strides`, `padding` and
/// `dilation_rate`); the recurrent convolution over `h` has stride 1 and `same` padding.
public struct ConvLSTMConfig<Rank: SpatialRank>: UnaryLayerConfig, RecurrentLayerConfig, SwiftSpelledConfig {
    public static var className: String { "ConvLSTM" + Rank.suffix }
    package static var spelledTypeName: String { "ConvLSTM\(Rank.suffix)Config" }
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
            ConfigField("kernel_size", \.kernelSize, required: true),
            ConfigField("strides", \.strides),
            ConfigField("padding", \.padding),
            ConfigField("data_format", \.dataFormat),
            ConfigField("dilation_rate", \.dilationRate),
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

    public init(from decoder: any Decoder) throws {
        var config = try Self.decodeFields(from: decoder)
        config.kernelSize = config.kernelSize.expanded(to: Rank.rank)
        config.strides = config.strides.expanded(to: Rank.rank)
        config.dilationRate = config.dilationRate.expanded(to: Rank.rank)
        self = config
    }

    public func validate() throws {
        guard filters > 0, filters <= 1 << 30 else {
            throw ConfigFieldError(field: "filters", "must be a positive integer up to 2^30, found \(filters)")
        }
        try kernelSize.check("kernel_size", rank: Rank.rank)
        try strides.check("strides", rank: Rank.rank)
        try dilationRate.check("dilation_rate", rank: Rank.rank)
        try checkChannelsLast(dataFormat)
        guard padding != .causal else {
            throw ConfigFieldError(field: "padding", "must be 'valid' or 'same' for a ConvLSTM layer, found 'causal'")
        }
        if strides.values.contains(where: { $0 > 1 }), dilationRate.values.contains(where: { $0 > 1 }) {
            throw ConfigFieldError(
                field: "dilation_rate",
                "strides greater than 1 cannot be combined with a dilation rate greater than 1 "
                    + "(Keras refuses it)")
        }
        guard !stateful else {
            throw ConfigFieldError(field: "stateful", "is not supported: generated models keep no state between calls")
        }
        for (field, activation) in [("activation", activation), ("recurrent_activation", recurrentActivation)]
        where activation.isAxisWise {
            throw ConfigFieldError(
                field: field,
                "'\(activation.rawValue)' works across an axis and cannot be a recurrent activation")
        }
    }

    /// The input convolution's window.
    public var window: SpatialWindow {
        SpatialWindow(
            size: kernelSize.expanded(to: Rank.rank).values, strides: strides.expanded(to: Rank.rank).values,
            dilation: dilationRate.expanded(to: Rank.rank).values, padding: padding)
    }

    /// The recurrent convolution's window: the kernel size, stride 1, no dilation, `same`.
    public var recurrentWindow: SpatialWindow {
        let size = kernelSize.expanded(to: Rank.rank).values
        return SpatialWindow(size: size, strides: size.map { _ in 1 }, dilation: size.map { _ in 1 }, padding: .same)
    }

    /// The input's spatial sizes (all known, as Keras requires) and channels.
    private func sequenceInput(_ input: TensorShape) throws -> (spatial: [Int], channels: Int) {
        guard input.rank == Rank.rank + 3 else {
            throw ShapeError(
                "\(Self.className) needs an input of rank \(Rank.rank + 3) (batch, steps, "
                    + "\(Rank.rank == 1 ? "length" : "\(Rank.rank) spatial axes"), channels), got \(input)")
        }
        let spatial = Array(input.dimensions[2..<(Rank.rank + 2)])
        guard spatial.allSatisfy({ $0 != nil }) else {
            throw ShapeError(
                "\(Self.className) needs known spatial sizes (Keras supports only static ones), "
                    + "got \(input)")
        }
        guard let channels = input.last else {
            throw ShapeError("\(Self.className) needs a known channel axis, got \(input)")
        }
        try window.checkFits(spatial, layer: Self.className)
        return (spatial.map { $0! }, channels)
    }

    /// The shape of each state, `(batch, *spatial', filters)`, for an input sequence.
    public func stateShape(forSequence input: TensorShape) throws -> TensorShape {
        let (spatial, _) = try sequenceInput(input)
        return TensorShape([input.dimensions[0]] + window.outputSizes(spatial) + [filters])
    }

    public var stateCount: Int { 2 }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let state = try stateShape(forSequence: input)
        guard returnSequences else { return state }
        return TensorShape([input.dimensions[0], input.dimensions[1]] + state.dimensions.dropFirst())
    }

    public var outputCount: Int { returnState ? 3 : 1 }

    public func outputShapes(forInputs inputs: [TensorShape]) throws -> [TensorShape] {
        guard inputs.count == 1 else { throw ShapeError("\(Self.className) takes one input, got \(inputs.count)") }
        let output = try outputShape(for: inputs[0])
        let state = try stateShape(forSequence: inputs[0])
        return [output] + (returnState ? [state, state] : [])
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        let (_, channels) = try sequenceInput(input)
        let size = window.size
        let width = 4 * filters
        var weights = [
            WeightSpec(
                name: "kernel", shape: size + [channels, width], initializer: kernelInitializer,
                trainable: trainable),
            WeightSpec(
                name: "recurrent_kernel", shape: size + [filters, width], initializer: recurrentInitializer,
                trainable: trainable),
        ]
        if useBias {
            weights.append(WeightSpec(name: "bias", shape: [width], initializer: biasInitializer, trainable: trainable))
        }
        return weights
    }

    public func kerasWeightPaths(forInputs inputs: [TensorShape]) throws -> [String] {
        try weights(forInputs: inputs).indices.map { "cell/vars/\($0)" }
    }
}
