// Recurrent layers and embeddings: SimpleRNN, LSTM, GRU, ConvLSTM1D/2D/3D, Embedding.

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

    /// The output, skipping the steps `mask` (`(batch, steps)`, 0 or 1) masks.
    public func callAsFunction(_ input: Tensor, mask: Tensor?) -> Tensor {
        outputs(input, initialState: [], mask: mask)[0]
    }

    /// The output, starting from `initialState` (Keras's `initial_state`: `h`, and `c` for LSTM).
    public func callAsFunction(_ input: Tensor, initialState: [Tensor]) -> Tensor {
        outputs(input, initialState: initialState, mask: nil)[0]
    }

    /// The output, starting from `initialState` and skipping the steps `mask` masks.
    public func callAsFunction(_ input: Tensor, initialState: [Tensor], mask: Tensor?) -> Tensor {
        outputs(input, initialState: initialState, mask: mask)[0]
    }

    /// The output, and with `return_state` the final states (`h`, and `c` for LSTM).
    public func outputs(_ input: Tensor) -> [Tensor] { outputs(input, initialState: [], mask: nil) }

    /// The output and final states, skipping the steps `mask` masks.
    public func outputs(_ input: Tensor, mask: Tensor?) -> [Tensor] { outputs(input, initialState: [], mask: mask) }

    /// The output and final states, starting from `initialState` (`h`, and `c` for LSTM, each
    /// `(batch, units)`) instead of zeros.
    public func outputs(_ input: Tensor, initialState: [Tensor]) -> [Tensor] {
        outputs(input, initialState: initialState, mask: nil)
    }

    /// The output and final states, starting from `initialState` (or zeros when empty), with
    /// the steps `mask` (`(batch, steps)`, 1 kept and 0 masked; nil keeps all) skipped as
    /// Keras skips them: a masked step leaves the states as they were, and its output is the
    /// previous output, or zeros with `zero_output_for_mask` (with `unroll`, the previous
    /// output, zeros before the first kept step).
    public func outputs(_ input: Tensor, initialState: [Tensor], mask: Tensor?) -> [Tensor] {
        precondition(
            input.rank == 3 && input.shape[2] == kernel.shape[0],
            "\(config.name): expects (batch, steps, \(kernel.shape[0])), got shape \(input.shape)")
        let batch = input.shape[0]
        let steps = input.shape[1]
        return mask.withMaskScalars(batch: batch, steps: steps, layer: config.name) { keep in
            run(input, initialState: initialState, keep: keep)
        }
    }

    private func run(_ input: Tensor, initialState: [Tensor], keep: UnsafeBufferPointer<Float>?) -> [Tensor] {
        let batch = input.shape[0]
        let steps = input.shape[1]
        let features = input.shape[2]
        let stateCount = Cell.gates == 4 ? 2 : 1
        precondition(
            initialState.isEmpty
                || (initialState.count == stateCount
                    && initialState.allSatisfy { $0.shape == [batch, config.units] }),
            "\(config.name): initial_state takes \(stateCount) tensor(s) of shape [\(batch), \(config.units)], got "
                + "\(initialState.map(\.shape))"
        )
        let units = config.units
        let width = Cell.gates * units
        let isGRU = Cell.gates == 3
        let resetAfter = isGRU && config.resetAfter
        // The input projections of every step at once; the input half of the bias added.
        let inputBias: [Float]? = bias.map { Array($0.scalars.prefix(width)) }
        let recurrentBias: [Float]? = resetAfter ? bias.map { Array($0.scalars.suffix(width)) } : nil
        var projected = [Float](repeating: 0, count: batch * steps * width)
        input.withUnsafeScalars { x in
            kernel.withUnsafeScalars { w in
                projected.withUnsafeMutableBufferPointer { p in
                    if let inputBias {
                        inputBias.withUnsafeBufferPointer {
                            MatrixMultiply.multiply(x, w, bias: $0, into: p, m: batch * steps, k: features, n: width)
                        }
                    } else {
                        MatrixMultiply.multiply(x, w, bias: nil, into: p, m: batch * steps, k: features, n: width)
                    }
                }
            }
        }
        let activation = config.activation.elementwise
        let gate = config.recurrentActivation.elementwise
        let u = recurrentKernel.scalars
        // Every step's h, with return_sequences (otherwise the output is the last h).
        var output = [Float](repeating: 0, count: config.returnSequences ? batch * steps * units : 0)
        // Every sample's state, step by step: h · U for the whole batch is one matrix product.
        var h = initialState.first?.scalars ?? [Float](repeating: 0, count: batch * units)
        var c = initialState.count > 1 ? initialState[1].scalars : [Float](repeating: 0, count: batch * units)
        var recurrent = [Float](repeating: 0, count: batch * width)
        var cell = [Float](repeating: 0, count: units)
        // With a mask: whether each sample has had a kept step, and whether its last output is zeros.
        var seenKept = [Bool](repeating: false, count: batch)
        var lastIsZero = [Bool](repeating: false, count: batch)
        for position in 0..<steps {
            let t = config.goBackwards ? steps - 1 - position : position
            // h · U (+ the recurrent bias for GRU with reset_after).
            if isGRU && !resetAfter {
                for k in recurrent.indices { recurrent[k] = 0 }
            } else {
                h.withUnsafeBufferPointer { hs in
                    u.withUnsafeBufferPointer { us in
                        recurrent.withUnsafeMutableBufferPointer { r in
                            if let recurrentBias {
                                recurrentBias.withUnsafeBufferPointer {
                                    MatrixMultiply.multiply(hs, us, bias: $0, into: r, m: batch, k: units, n: width)
                                }
                            } else {
                                MatrixMultiply.multiply(hs, us, bias: nil, into: r, m: batch, k: units, n: width)
                            }
                        }
                    }
                }
            }
            for b in 0..<batch {
                let xBase = (b * steps + t) * width
                let rBase = b * width
                let s = b * units
                let kept = isKept(keep, sample: b, step: t, steps: steps)
                let zeroOutput = !kept && (config.unroll ? !seenKept[b] : config.zeroOutputForMask)
                seenKept[b] = seenKept[b] || kept
                lastIsZero[b] = zeroOutput
                if !kept {
                    if config.returnSequences {
                        let target = (b * steps + position) * units
                        for j in 0..<units { output[target + j] = zeroOutput ? 0 : h[s + j] }
                    }
                    continue
                }
                switch Cell.gates {
                case 1, 4:
                    // The gates' inputs x · W + h · U, then their activations, each a pass over
                    // a run of `units` values (vectorised for sigmoid, tanh and ReLU).
                    recurrent.withUnsafeMutableBufferPointer { pre in
                        for k in 0..<width { pre[rBase + k] += projected[xBase + k] }
                        /// Gates `first ..< end` (runs of `units` values) through `function`, in place.
                        func activate(_ function: ActivationFunction, gates first: Int, _ end: Int) {
                            function.applyElementwise(
                                UnsafeMutableBufferPointer(
                                    rebasing: pre[(rBase + first * units)..<(rBase + end * units)]))
                        }
                        if Cell.gates == 1 {
                            activate(config.activation, gates: 0, 1)
                            for j in 0..<units { h[s + j] = pre[rBase + j] }
                            return
                        }
                        // LSTM: gates i, f, g, o; c = f · c + i · g, h = o · activation(c).
                        activate(config.recurrentActivation, gates: 0, 2)
                        activate(config.activation, gates: 2, 3)
                        activate(config.recurrentActivation, gates: 3, 4)
                        for j in 0..<units {
                            c[s + j] = pre[rBase + units + j] * c[s + j] + pre[rBase + j] * pre[rBase + 2 * units + j]
                            cell[j] = c[s + j]
                        }
                        cell.withUnsafeMutableBufferPointer { config.activation.applyElementwise($0) }
                        for j in 0..<units { h[s + j] = pre[rBase + 3 * units + j] * cell[j] }
                    }
                default:
                    if resetAfter {
                        // z and r, then the candidate from x · W_h + r ∘ (h · U_h), each run of
                        // units activated in one pass.
                        recurrent.withUnsafeMutableBufferPointer { pre in
                            let (gates, candidate) = (
                                rBase..<(rBase + 2 * units), (rBase + 2 * units)..<(rBase + width)
                            )
                            for k in 0..<(2 * units) { pre[rBase + k] += projected[xBase + k] }
                            config.recurrentActivation.applyElementwise(
                                UnsafeMutableBufferPointer(rebasing: pre[gates]))
                            for j in 0..<units {
                                pre[rBase + 2 * units + j] =
                                    projected[xBase + 2 * units + j] + pre[rBase + units + j]
                                    * pre[rBase + 2 * units + j]
                            }
                            config.activation.applyElementwise(UnsafeMutableBufferPointer(rebasing: pre[candidate]))
                            for j in 0..<units {
                                let z = pre[rBase + j]
                                c[s + j] = z * h[s + j] + (1 - z) * pre[rBase + 2 * units + j]
                            }
                        }
                    } else {
                        // z and r from h · U; the candidate from (r ∘ h) · U_h.
                        for i in 0..<units where h[s + i] != 0 {
                            let hi = h[s + i]
                            let row = i * width
                            for k in 0..<(2 * units) { recurrent[rBase + k] += hi * u[row + k] }
                        }
                        var z = [Float](repeating: 0, count: units)
                        var reset = [Float](repeating: 0, count: units)
                        for j in 0..<units {
                            z[j] = gate(projected[xBase + j] + recurrent[rBase + j])
                            reset[j] = gate(projected[xBase + units + j] + recurrent[rBase + units + j]) * h[s + j]
                        }
                        for j in 0..<units {
                            var sum = projected[xBase + 2 * units + j]
                            for i in 0..<units { sum += reset[i] * u[i * width + 2 * units + j] }
                            c[s + j] = z[j] * h[s + j] + (1 - z[j]) * activation(sum)
                        }
                    }
                    for j in 0..<units { h[s + j] = c[s + j] }
                }
                if config.returnSequences {
                    let target = (b * steps + position) * units
                    for j in 0..<units { output[target + j] = h[s + j] }
                }
            }
        }
        var last = h
        for b in 0..<batch where lastIsZero[b] {
            for j in 0..<units { last[b * units + j] = 0 }
        }
        var result = [
            Tensor(
                shape: config.returnSequences ? [batch, steps, units] : [batch, units],
                scalars: config.returnSequences ? output : last)
        ]
        if config.returnState {
            result.append(Tensor(shape: [batch, units], scalars: h))
            if Cell.gates == 4 { result.append(Tensor(shape: [batch, units], scalars: c)) }
        }
        return result
    }
}

/// `keras.layers.ConvLSTM1D`.
public typealias ConvLSTM1D = ConvLSTM<Spatial1D>
/// `keras.layers.ConvLSTM2D`.
public typealias ConvLSTM2D = ConvLSTM<Spatial2D>
/// `keras.layers.ConvLSTM3D`.
public typealias ConvLSTM3D = ConvLSTM<Spatial3D>

/// `keras.layers.ConvLSTM1D`, `ConvLSTM2D`, `ConvLSTM3D` at inference: LSTM gates i, f, c, o
/// from `conv(x_t, kernel) + bias + conv(h, recurrent_kernel)`, the input convolution with the
/// layer's strides, padding and dilation, the recurrent one with stride 1 and `same` padding.
public struct ConvLSTM<Rank: SpatialRank>: MultiOutputLayer {
    public let config: ConvLSTMConfig<Rank>
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The input kernel, `(*kernel_size, channels, 4 · filters)`.
    public private(set) var kernel: Tensor
    /// The recurrent kernel, `(*kernel_size, filters, 4 · filters)`.
    public private(set) var recurrentKernel: Tensor
    /// The bias, `(4 · filters)`, when `useBias`.
    public private(set) var bias: Tensor?
    private let specs: [WeightSpec]

    public init(config: ConvLSTMConfig<Rank>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        specs = try config.weights(for: inputShape)
        let fresh = freshWeights(specs, seed: seed)
        kernel = fresh[0]
        recurrentKernel = fresh[1]
        bias = config.useBias ? fresh[2] : nil
        // Keras's unit_forget_bias: the forget gate's fresh biases are 1.
        if config.unitForgetBias, var initial = bias {
            let filters = config.filters
            initial.withUnsafeMutableScalars { values in for j in filters..<(2 * filters) { values[j] = 1 } }
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

    public func callAsFunction(_ input: Tensor) -> Tensor { outputs(input, initialState: [])[0] }

    /// The output, starting from `initialState` (Keras's `initial_state`: `h` and `c`).
    public func callAsFunction(_ input: Tensor, initialState: [Tensor]) -> Tensor {
        outputs(input, initialState: initialState)[0]
    }

    /// The output, and with `return_state` the final states `h` and `c`.
    public func outputs(_ input: Tensor) -> [Tensor] { outputs(input, initialState: []) }

    /// The output and, with `return_state`, the final states, starting from `initialState`
    /// (`h` and `c`, each `(batch, *spatial', filters)`) or zeros when it is empty.
    public func outputs(_ input: Tensor, initialState: [Tensor]) -> [Tensor] {
        let rank = Rank.rank
        let filters = config.filters
        let width = 4 * filters
        let channels = kernel.shape[rank]
        precondition(
            input.rank == rank + 3 && input.shape[input.rank - 1] == channels,
            "\(config.name): expects (batch, steps, \(rank) spatial axes, \(channels)), "
                + "got shape \(input.shape)")
        let batch = input.shape[0]
        let steps = input.shape[1]
        let spatial = Array(input.shape[2..<(rank + 2)])
        let geometry = Geometry3D(window: config.window, spatial: spatial)
        let stateSpatial = Array(geometry.output.suffix(rank))
        let recurrentGeometry = Geometry3D(window: config.recurrentWindow, spatial: stateSpatial)
        let positions = geometry.outputPositions
        let stateCount = positions * filters
        let stateShape = [batch] + stateSpatial + [filters]
        precondition(
            initialState.isEmpty
                || (initialState.count == 2 && initialState.allSatisfy { $0.shape == stateShape }),
            "\(config.name): initial_state takes 2 tensors of shape \(stateShape), "
                + "got \(initialState.map(\.shape))")
        // The input convolution of every step at once (the steps as a larger batch), bias added.
        let frames = input.reshaped(to: [batch * steps] + spatial + [channels])
        let projected = ConvolutionKernels.convolve(
            frames, kernel: kernel, bias: bias, geometry: geometry, groups: 1,
            outputSpatial: stateSpatial
        ).scalars
        var h = initialState.first?.scalars ?? [Float](repeating: 0, count: batch * stateCount)
        var c = initialState.count > 1 ? initialState[1].scalars : [Float](repeating: 0, count: batch * stateCount)
        var output = [Float](repeating: 0, count: config.returnSequences ? batch * steps * stateCount : 0)
        // Per step, the candidate gate's inputs and activation(c), for every sample and position.
        let rows = batch * positions
        var candidate = [Float](repeating: 0, count: rows * filters)
        var cell = candidate
        for position in 0..<steps {
            let t = config.goBackwards ? steps - 1 - position : position
            // conv(h, recurrent_kernel) for the whole batch, plus x_t's projection: the gates' inputs,
            // `(rows, 4 · filters)` for gates i, f, c, o.
            var recurrent = ConvolutionKernels.convolve(
                Tensor(shape: stateShape, scalars: h), kernel: recurrentKernel,
                bias: nil, geometry: recurrentGeometry, groups: 1,
                outputSpatial: stateSpatial)
            recurrent.withUnsafeMutableScalars { pre in
                let block = positions * width
                for b in 0..<batch {
                    let source = (b * steps + t) * block
                    let target = b * block
                    for k in 0..<block { pre[target + k] += projected[source + k] }
                }
                // Each activation in one pass over the whole step: the candidate gate's inputs set
                // aside, then the gate activation over every slot (the candidate's unused).
                for r in 0..<rows {
                    for j in 0..<filters { candidate[r * filters + j] = pre[r * width + 2 * filters + j] }
                }
                candidate.withUnsafeMutableBufferPointer { config.activation.applyElementwise($0) }
                config.recurrentActivation.applyElementwise(pre)
                // c = f · c + i · g, h = o · activation(c).
                for r in 0..<rows {
                    let (i, f, s) = (r * width, r * width + filters, r * filters)
                    for j in 0..<filters { c[s + j] = pre[f + j] * c[s + j] + pre[i + j] * candidate[s + j] }
                }
                for k in cell.indices { cell[k] = c[k] }
                cell.withUnsafeMutableBufferPointer { config.activation.applyElementwise($0) }
                for r in 0..<rows {
                    let (o, s) = (r * width + 3 * filters, r * filters)
                    for j in 0..<filters { h[s + j] = pre[o + j] * cell[s + j] }
                }
            }
            if config.returnSequences {
                for b in 0..<batch {
                    let target = (b * steps + position) * stateCount
                    let source = b * stateCount
                    for k in 0..<stateCount { output[target + k] = h[source + k] }
                }
            }
        }
        var result = [
            config.returnSequences
                ? Tensor(shape: [batch, steps] + stateSpatial + [filters], scalars: output)
                : Tensor(shape: stateShape, scalars: h)
        ]
        if config.returnState {
            result += [Tensor(shape: stateShape, scalars: h), Tensor(shape: stateShape, scalars: c)]
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
        let width = config.outputDim
        let rows = config.inputDim
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
