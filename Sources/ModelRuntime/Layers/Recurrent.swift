// Recurrent layers and embeddings: SimpleRNN, LSTM, GRU, Embedding.

/// `keras.layers.SimpleRNN`.
public typealias SimpleRNN = Recurrent<SimpleRNNCell>
/// `keras.layers.LSTM`.
public typealias LSTM = Recurrent<LSTMCell>
/// `keras.layers.GRU`.
public typealias GRU = Recurrent<GRUCell>

/// `keras.layers.SimpleRNN`, `LSTM`, `GRU` at inference.
public struct Recurrent<Cell: RecurrentCellKind>: MultiOutputLayer {
    public let config: RecurrentConfig<Cell>
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The input kernel, `(features, gates · units)`.
    public private(set) var kernel: Tensor
    /// The recurrent kernel, `(units, gates · units)`.
    public private(set) var recurrentKernel: Tensor
    /// The bias, `(gates · units)` (GRU with `reset_after`: `(2, 3 · units)`), when `useBias`.
    public private(set) var bias: Tensor?
    private let specs: [WeightSpec]

    public init(config: RecurrentConfig<Cell>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        specs = try config.weights(for: inputShape)
        let fresh = freshWeights(specs, seed: seed)
        kernel = fresh[0]
        recurrentKernel = fresh[1]
        bias = config.useBias ? fresh[2] : nil
        // Keras's LSTM with unit_forget_bias: the forget gate's fresh biases are 1.
        if Cell.gates == 4, config.unitForgetBias, var initial = bias {
            let units = config.units
            initial.withUnsafeMutableScalars { values in for j in units..<(2 * units) { values[j] = 1 } }
            bias = initial
        }
    }

    public var weights: [Tensor] { [kernel, recurrentKernel] + (bias.map { [$0] } ?? []) }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try checkWeights(weights, against: specs, layer: config.name)
        kernel = weights[0]
        recurrentKernel = weights[1]
        bias = config.useBias ? weights[2] : nil
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { outputs(input)[0] }

    /// The output, and with `return_state` the final states (`h`, and `c` for LSTM).
    public func outputs(_ input: Tensor) -> [Tensor] {
        precondition(input.rank == 3 && input.shape[2] == kernel.shape[0],
                     "\(config.name): expects (batch, steps, \(kernel.shape[0])), got shape \(input.shape)")
        let batch = input.shape[0], steps = input.shape[1], features = input.shape[2]
        let units = config.units, width = Cell.gates * units
        let isGRU = Cell.gates == 3, resetAfter = isGRU && config.resetAfter
        // The input projections of every step at once; the input half of the bias added.
        let inputBias: [Float]? = bias.map { Array($0.scalars.prefix(width)) }
        let recurrentBias: [Float]? = resetAfter ? bias.map { Array($0.scalars.suffix(width)) } : nil
        var projected = [Float](repeating: 0, count: batch * steps * width)
        input.withUnsafeScalars { x in
            kernel.withUnsafeScalars { w in
                projected.withUnsafeMutableBufferPointer { p in
                    if let inputBias {
                        inputBias.withUnsafeBufferPointer { MatrixMultiply.multiply(x, w, bias: $0, into: p, m: batch * steps, k: features, n: width) }
                    } else {
                        MatrixMultiply.multiply(x, w, bias: nil, into: p, m: batch * steps, k: features, n: width)
                    }
                }
            }
        }
        let activation = config.activation.elementwise, gate = config.recurrentActivation.elementwise
        let u = recurrentKernel.scalars
        let outputSteps = config.returnSequences ? steps : 1
        var output = [Float](repeating: 0, count: batch * outputSteps * units)
        var h = [Float](repeating: 0, count: units), c = [Float](repeating: 0, count: units)
        var finalH = [Float](repeating: 0, count: batch * units), finalC = [Float](repeating: 0, count: batch * units)
        var recurrent = [Float](repeating: 0, count: width)
        for b in 0..<batch {
            for j in 0..<units { h[j] = 0; c[j] = 0 }
            for position in 0..<steps {
                let t = config.goBackwards ? steps - 1 - position : position
                let xBase = (b * steps + t) * width
                // h · U (+ the recurrent bias for GRU with reset_after).
                for k in 0..<width { recurrent[k] = recurrentBias?[k] ?? 0 }
                if !(isGRU && !resetAfter) {
                    for i in 0..<units where h[i] != 0 {
                        let hi = h[i], row = i * width
                        for k in 0..<width { recurrent[k] += hi * u[row + k] }
                    }
                }
                switch Cell.gates {
                case 1:
                    for j in 0..<units { h[j] = activation(projected[xBase + j] + recurrent[j]) }
                case 4:
                    for j in 0..<units {
                        let i = gate(projected[xBase + j] + recurrent[j])
                        let f = gate(projected[xBase + units + j] + recurrent[units + j])
                        let g = activation(projected[xBase + 2 * units + j] + recurrent[2 * units + j])
                        let o = gate(projected[xBase + 3 * units + j] + recurrent[3 * units + j])
                        c[j] = f * c[j] + i * g
                        h[j] = o * activation(c[j])
                    }
                default:
                    if resetAfter {
                        for j in 0..<units {
                            let z = gate(projected[xBase + j] + recurrent[j])
                            let r = gate(projected[xBase + units + j] + recurrent[units + j])
                            let candidate = activation(projected[xBase + 2 * units + j] + r * recurrent[2 * units + j])
                            c[j] = z * h[j] + (1 - z) * candidate
                        }
                    } else {
                        // z and r from h · U; the candidate from (r ∘ h) · U_h.
                        for i in 0..<units where h[i] != 0 {
                            let hi = h[i], row = i * width
                            for k in 0..<(2 * units) { recurrent[k] += hi * u[row + k] }
                        }
                        var z = [Float](repeating: 0, count: units), reset = [Float](repeating: 0, count: units)
                        for j in 0..<units {
                            z[j] = gate(projected[xBase + j] + recurrent[j])
                            reset[j] = gate(projected[xBase + units + j] + recurrent[units + j]) * h[j]
                        }
                        for j in 0..<units {
                            var sum = projected[xBase + 2 * units + j]
                            for i in 0..<units { sum += reset[i] * u[i * width + 2 * units + j] }
                            c[j] = z[j] * h[j] + (1 - z[j]) * activation(sum)
                        }
                    }
                    for j in 0..<units { h[j] = c[j] }
                }
                if config.returnSequences {
                    let target = (b * steps + position) * units
                    for j in 0..<units { output[target + j] = h[j] }
                }
            }
            if !config.returnSequences {
                for j in 0..<units { output[b * units + j] = h[j] }
            }
            for j in 0..<units {
                finalH[b * units + j] = h[j]
                finalC[b * units + j] = c[j]
            }
        }
        var result = [Tensor(shape: config.returnSequences ? [batch, steps, units] : [batch, units], scalars: output)]
        if config.returnState {
            result.append(Tensor(shape: [batch, units], scalars: finalH))
            if Cell.gates == 4 { result.append(Tensor(shape: [batch, units], scalars: finalC)) }
        }
        return result
    }
}

/// `keras.layers.Embedding`: rows of the table picked by index.
public struct Embedding: UnaryLayer {
    public let config: EmbeddingConfig
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The `(input_dim, output_dim)` table.
    public private(set) var embeddings: Tensor
    private let specs: [WeightSpec]

    public init(config: EmbeddingConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        specs = try config.weights(for: inputShape)
        embeddings = freshWeights(specs, seed: seed)[0]
    }

    public var weights: [Tensor] { [embeddings] }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try checkWeights(weights, against: specs, layer: config.name)
        embeddings = weights[0]
    }

    /// Looks up each index; an index outside `0..<input_dim` (or not an integer) stops with a
    /// message naming the layer.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let width = config.outputDim, rows = config.inputDim
        return Tensor(shape: input.shape + [width]) { out in
            input.withUnsafeScalars { x in
                embeddings.withUnsafeScalars { table in
                    for position in 0..<x.count {
                        let value = x[position]
                        guard let index = Int(exactly: value), index >= 0, index < rows else {
                            preconditionFailure("\(config.name): index \(value) is not an integer in 0..<\(rows)")
                        }
                        for k in 0..<width { out[position * width + k] = table[index * width + k] }
                    }
                }
            }
        }
    }
}
