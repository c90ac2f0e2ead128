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

extension RecurrentConfig {
    package static var spelledTypeName: String { "\(Cell.className)Config" }

    public func validate() throws {
        try requirePositive(units, "units", upToPowerOfTwo: 30)
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

extension EmbeddingConfig {
    public func validate() throws {
        try requirePositive(inputDim, "input_dim")
        try requirePositive(outputDim, "output_dim")
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

extension ConvLSTMConfig: DilatedWindowFields {
    package static var spelledTypeName: String { "ConvLSTM\(Rank.suffix)Config" }

    public func validate() throws {
        try requirePositive(filters, "filters", upToPowerOfTwo: 30)
        try checkWindowFields()
        guard padding != .causal else {
            throw ConfigFieldError(field: "padding", "must be 'valid' or 'same' for a ConvLSTM layer, found 'causal'")
        }
        try checkStridesOrDilation()
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
    public var window: SpatialWindow { dilatedWindow }

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
        let weights = [
            WeightSpec(
                name: "kernel", shape: size + [channels, width], initializer: kernelInitializer,
                trainable: trainable),
            WeightSpec(
                name: "recurrent_kernel", shape: size + [filters, width], initializer: recurrentInitializer,
                trainable: trainable),
        ]
        return weights + optionalBias(useBias, shape: [width], biasInitializer, trainable: trainable)
    }

    public func kerasWeightPaths(forInputs inputs: [TensorShape]) throws -> [String] {
        try weights(forInputs: inputs).indices.map { "cell/vars/\($0)" }
    }
}
