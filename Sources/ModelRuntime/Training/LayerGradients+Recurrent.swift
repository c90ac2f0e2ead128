// Backward passes of SimpleRNN, LSTM and GRU through time, with Keras masks and go_backwards,
// and of Bidirectional.

extension Recurrent: TrainableLayer {
    /// Each processed step's values (in processing order, which `go_backwards` reverses): the
    /// gates' inputs `z` and outputs (SimpleRNN: h; LSTM: i, f, g, o; GRU: z, r, candidate),
    /// GRU's reset parts, the hidden states and LSTM's cell states (index 0 the zero state).
    public struct Tape: Sendable {
        let input: Tensor
        /// Whether each sample ran each processed step, `(batch, steps)`; nil when all did.
        let kept: [Bool]?
        /// Whether each sample's output at each processed step is zeros (a masked step with
        /// `zero_output_for_mask`); nil without a mask.
        let zeroOutput: [Bool]?
        let preActivations: [[Float]]
        let activations: [[Float]]
        /// GRU: `h · U_h + b_h` with `reset_after`, else `r ∘ h`, `(batch, units)` a step.
        let resetParts: [[Float]]
        let hidden: [[Float]]
        let cells: [[Float]]
        /// The dropout masks the call used (none outside training or without dropout).
        let dropout: RecurrentDropout
        /// Whether the call started from given states (`initial_state`), whose gradients the
        /// backward pass then returns after the input's.
        let initialStates: Bool
    }

    /// The layer's sizes: batch, steps, features, units, gates.
    private func sizes(_ input: Tensor) -> (batch: Int, steps: Int, features: Int, units: Int, gates: Int) {
        (input.shape[0], input.shape[1], input.shape[2], config.units, Cell.gates)
    }

    /// The run from zero states, keeping every step (Keras's `training=True` without dropout).
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tape) {
        trainingCall(input, mask: nil, context: &context)
    }

    /// The run from zero states skipping the steps `mask` (`(batch, steps)`, 1 kept) masks, as
    /// `callAsFunction(_:mask:)` does, keeping every step for `backward`. In training, `dropout`
    /// and `recurrent_dropout` drop the input's and the state's features with masks drawn from
    /// `context` once for the whole sequence, as Keras's cells do.
    public func trainingCall(
        _ input: Tensor, mask: Tensor?, context: inout TrainingContext
    ) -> (output: Tensor, tape: Tape) {
        let masks = dropoutMasks(batch: input.shape[0], features: input.shape[2], context: &context)
        let (outputs, tape) = trainingOutputs(input, initialState: [], mask: mask, dropout: masks)
        return (outputs[0], tape)
    }

    /// The training call from `initialState` (Keras's `initial_state`: `h`, and `c` for LSTM),
    /// skipping the steps `mask` masks: the output, then with `return_state` the final states.
    /// The backward pass (`backward(_:tape:inputGradient:)` with a gradient per output)
    /// returns the input's gradient, then the initial states'.
    public func trainingOutputs(
        _ input: Tensor, initialState: [Tensor] = [], mask: Tensor? = nil, context: inout TrainingContext
    ) -> (outputs: [Tensor], tape: Tape) {
        let masks = dropoutMasks(batch: input.shape[0], features: input.shape[2], context: &context)
        return trainingOutputs(input, initialState: initialState, mask: mask, dropout: masks)
    }

    /// The training call from `initialState`, skipping the steps `mask` masks: the output.
    public func trainingCall(
        _ input: Tensor, initialState: [Tensor], mask: Tensor? = nil, context: inout TrainingContext
    ) -> (output: Tensor, tape: Tape) {
        let (outputs, tape) = trainingOutputs(input, initialState: initialState, mask: mask, context: &context)
        return (outputs[0], tape)
    }

    /// The training call with the dropout masks given: the output and, with `return_state`,
    /// the final states.
    func trainingCall(_ input: Tensor, mask: Tensor?, dropout: RecurrentDropout) -> (output: Tensor, tape: Tape) {
        let (outputs, tape) = trainingOutputs(input, initialState: [], mask: mask, dropout: dropout)
        return (outputs[0], tape)
    }

    /// The training call from `initialState` with the dropout masks given.
    func trainingOutputs(
        _ input: Tensor, initialState: [Tensor], mask: Tensor?, dropout: RecurrentDropout
    ) -> (outputs: [Tensor], tape: Tape) {
        let (batch, steps, features, units, gates) = sizes(input)
        precondition(
            initialState.isEmpty || initialState.count == (gates == 4 ? 2 : 1),
            "\(config.name): \(initialState.count) initial states given, \(gates == 4 ? 2 : 1) expected")
        let width = gates * units
        let kept: [Bool]? = mask.withMaskScalars(batch: batch, steps: steps, layer: config.name) { keep in
            keep.map { keep in
                (0..<(batch * steps)).map { index in
                    let (b, position) = index.quotientAndRemainder(dividingBy: steps)
                    return keep[b * steps + (config.goBackwards ? steps - 1 - position : position)] != 0
                }
            }
        }
        let resetAfter = gates == 3 && config.resetAfter
        // x · kernel (+ the input bias) for every step at once, then h · U step by step.
        let inputBiases = bias.map { Array($0.scalars.prefix(width)) }
        let projected =
            dropout.input.isEmpty
            ? input.matrixProduct(kernel, m: batch * steps, k: features, n: width).scalars
            : dropout.projection(input, kernel: kernel, gates: gates)
        let recurrentBias = resetAfter ? bias.map { Array($0.scalars.suffix(width)) } : nil
        let (update, candidate) = gates == 3 && !resetAfter ? recurrentKernelBlocks() : (recurrentKernel, nil)
        let updateBlocks = dropout.recurrent.isEmpty ? [] : RecurrentDropout.blocks(of: update, units: units)
        let (activate, gate) = (config.activation.elementwise, config.recurrentActivation.elementwise)
        var hidden = [initialState.first?.scalars ?? [Float](repeating: 0, count: batch * units)]
        var cells = gates == 4 ? [initialState.last?.scalars ?? [Float](repeating: 0, count: batch * units)] : []
        var (preActivations, activations, resetParts): ([[Float]], [[Float]], [[Float]]) = ([], [], [])
        var seenKept = [Bool](repeating: false, count: batch)
        var zeroOutput = kept.map { _ in [Bool](repeating: false, count: batch * steps) }
        for position in 0..<steps {
            let step = config.goBackwards ? steps - 1 - position : position
            let previous = hidden[position]
            let updateWidth = candidate == nil ? width : 2 * units
            let recurrent =
                dropout.recurrent.isEmpty
                ? Tensor(shape: [batch, units], scalars: previous)
                    .matrixProduct(update, m: batch, k: units, n: updateWidth).scalars
                : dropout.recurrentProduct(previous, blocks: updateBlocks, batch: batch, units: units)
            // GRU's candidate reads the previous state through its own mask (h_tm1_h in Keras).
            let candidatePrevious = dropout.masked(previous, recurrentGate: 2)
            var z = [Float](repeating: 0, count: batch * width)
            var a = z
            var h = [Float](repeating: 0, count: batch * units)
            var c = cells.last ?? []
            var reset = gates == 3 ? [Float](repeating: 0, count: batch * units) : []
            for b in 0..<batch {
                let (row, x) = (b * width, (b * steps + step) * width)
                for j in 0..<(gates == 3 ? 2 * units : width) {
                    z[row + j] =
                        projected[x + j] + (inputBiases?[j] ?? 0) + recurrent[b * updateWidth + j]
                        + (recurrentBias?[j] ?? 0)
                }
                for u in 0..<units {
                    let (s, p) = (b * units + u, row + u)
                    switch gates {
                    case 1:
                        a[p] = activate(z[p])
                        h[s] = a[p]
                    case 4:
                        let (i, f) = (gate(z[p]), gate(z[p + units]))
                        let (g, o) = (activate(z[p + 2 * units]), gate(z[p + 3 * units]))
                        (a[p], a[p + units], a[p + 2 * units], a[p + 3 * units]) = (i, f, g, o)
                        c[s] = f * c[s] + i * g
                        h[s] = o * activate(c[s])
                    default:
                        (a[p], a[p + units]) = (gate(z[p]), gate(z[p + units]))
                        if resetAfter {
                            reset[s] = recurrent[b * width + 2 * units + u] + (recurrentBias?[2 * units + u] ?? 0)
                        } else {
                            reset[s] = a[p + units] * candidatePrevious[s]
                        }
                    }
                }
            }
            if gates == 3 {
                // The candidate: x · W_h + r ∘ (h · U_h + b_h), or x · W_h + (r ∘ h) · U_h.
                let product =
                    candidate.map {
                        Tensor(shape: [batch, units], scalars: reset).matrixProduct($0, m: batch, k: units, n: units)
                            .scalars
                    }
                for b in 0..<batch {
                    for u in 0..<units {
                        let (s, p) = (b * units + u, b * width + 2 * units + u)
                        let x =
                            projected[(b * steps + step) * width + 2 * units + u] + (inputBiases?[2 * units + u] ?? 0)
                        z[p] = x + (product?[s] ?? a[p - units] * reset[s])
                        a[p] = activate(z[p])
                        h[s] = a[p - 2 * units] * previous[s] + (1 - a[p - 2 * units]) * a[p]
                    }
                }
            }
            // A masked step keeps the states; its output is the state, or zeros.
            for b in 0..<batch where kept.map({ !$0[b * steps + position] }) ?? false {
                for u in 0..<units {
                    h[b * units + u] = previous[b * units + u]
                    if gates == 4 { c[b * units + u] = cells[position][b * units + u] }
                }
                zeroOutput?[b * steps + position] = config.unroll ? !seenKept[b] : config.zeroOutputForMask
            }
            for b in 0..<batch where kept?[b * steps + position] ?? true { seenKept[b] = true }
            preActivations.append(z)
            activations.append(a)
            resetParts.append(reset)
            hidden.append(h)
            if gates == 4 { cells.append(c) }
        }
        let isZero = { (b: Int, position: Int) in zeroOutput?[b * steps + position] ?? false }
        let output: Tensor
        if config.returnSequences {
            output = Tensor(shape: [batch, steps, units]) { out in
                for b in 0..<batch {
                    for position in 0..<steps {
                        let zero = isZero(b, position)
                        for u in 0..<units {
                            out[(b * steps + position) * units + u] = zero ? 0 : hidden[position + 1][b * units + u]
                        }
                    }
                }
            }
        } else {
            output = Tensor(shape: [batch, units]) { out in
                for b in 0..<batch {
                    let zero = isZero(b, steps - 1)
                    for u in 0..<units { out[b * units + u] = zero ? 0 : hidden[steps][b * units + u] }
                }
            }
        }
        let tape = Tape(
            input: input, kept: kept, zeroOutput: zeroOutput, preActivations: preActivations,
            activations: activations, resetParts: resetParts, hidden: hidden, cells: cells, dropout: dropout,
            initialStates: !initialState.isEmpty)
        guard config.returnState else { return ([output], tape) }
        let states = [hidden[steps]] + (gates == 4 ? [cells[steps]] : [])
        return ([output] + states.map { Tensor(shape: [batch, units], scalars: $0) }, tape)
    }

    /// GRU without `reset_after`: the recurrent kernel's z and r columns `(units, 2 units)` and
    /// its candidate columns `(units, units)`, which multiply `h` and `r ∘ h` apart.
    private func recurrentKernelBlocks() -> (update: Tensor, candidate: Tensor?) {
        let (units, width) = (config.units, 3 * config.units)
        let u = recurrentKernel.scalars
        let update = Tensor(shape: [units, 2 * units]) { out in
            for i in 0..<units {
                for j in 0..<(2 * units) { out[i * 2 * units + j] = u[i * width + j] }
            }
        }
        let candidate = Tensor(shape: [units, units]) { out in
            for i in 0..<units {
                for j in 0..<units { out[i * units + j] = u[i * width + 2 * units + j] }
            }
        }
        return (update, candidate)
    }

    /// Back through time: each step's gate gradients from the hidden state's (the output's at
    /// that step plus the next step's), then the kernels' gradients summed over the steps. A
    /// masked step passes the state's gradient through unchanged.
    public func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients {
        backward([outputGradient], tape: tape, inputGradient: inputGradient)
    }

    /// The backward pass of a call with several outputs (`return_state`) or initial states:
    /// `outputGradients` holds the output's gradient, then the final states' (zeros for an
    /// unused one); returns the input's gradient when `inputGradient`, then the initial
    /// states' when the call had them.
    public func backward(_ outputGradients: [Tensor], tape: Tape, inputGradient: Bool) -> LayerGradients {
        let outputGradient = outputGradients[0]
        let (batch, steps, features, units, gates) = sizes(tape.input)
        let width = gates * units
        let resetAfter = gates == 3 && config.resetAfter
        let output = outputGradient.scalars
        let (activation, gate) = (config.activation, config.recurrentActivation)
        let (activationDerivative, gateDerivative) = (activation.elementDerivative, gate.elementDerivative)
        let activate = activation.elementwise
        let (update, candidate) = gates == 3 && !resetAfter ? recurrentKernelBlocks() : (recurrentKernel, nil)
        let updateWidth = candidate == nil ? width : 2 * units
        let updateTransposed = update.transposedMatrix(rows: units, columns: updateWidth)
        let dropout = tape.dropout
        let updateBlocks = dropout.recurrent.isEmpty ? [] : RecurrentDropout.blocks(of: update, units: units)
        let candidateTransposed = candidate?.transposedMatrix(rows: units, columns: units)
        // The final states' gradients flow into the last step's state.
        var hiddenGradient =
            outputGradients.count > 1 ? outputGradients[1].scalars : [Float](repeating: 0, count: batch * units)
        var cellGradient =
            outputGradients.count > 2 ? outputGradients[2].scalars : [Float](repeating: 0, count: batch * units)
        // ∂z of the input side of every step, as rows (b · steps + step), for the kernel's, the
        // input bias's and the input's gradients.
        var zGradients = [Float](repeating: 0, count: batch * steps * width)
        var updateGradient = Tensor(shape: [units, updateWidth], repeating: 0)
        var candidateGradient = Tensor(shape: [units, units], repeating: 0)
        var recurrentBiasGradient = [Float](repeating: 0, count: resetAfter ? width : 0)
        for position in stride(from: steps - 1, through: 0, by: -1) {
            let step = config.goBackwards ? steps - 1 - position : position
            for b in 0..<batch where !(tape.zeroOutput?[b * steps + position] ?? false) {
                for u in 0..<units {
                    let g =
                        config.returnSequences
                        ? output[(b * steps + position) * units + u]
                        : (position == steps - 1 ? output[b * units + u] : 0)
                    hiddenGradient[b * units + u] += g
                }
            }
            let (z, a) = (tape.preActivations[position], tape.activations[position])
            let previous = tape.hidden[position]
            // The input side's ∂z, the recurrent side's (differing for GRU's candidate), and the
            // part of the previous state's gradient not through U.
            var dz = [Float](repeating: 0, count: batch * width)
            var recurrentDz = [Float](repeating: 0, count: batch * updateWidth)
            var direct = [Float](repeating: 0, count: batch * units)
            for b in 0..<batch {
                let base = b * width
                guard tape.kept?[b * steps + position] ?? true else {
                    for u in 0..<units { direct[b * units + u] = hiddenGradient[b * units + u] }
                    continue
                }
                for u in 0..<units {
                    let (s, p) = (b * units + u, base + u)
                    let dh = hiddenGradient[s]
                    switch gates {
                    case 1:
                        dz[p] = dh * activationDerivative(z[p], a[p])
                    case 4:
                        let (i, f, g, o) = (a[p], a[p + units], a[p + 2 * units], a[p + 3 * units])
                        let c = tape.cells[position + 1][s]
                        let tanhC = activate(c)
                        let dc = cellGradient[s] + dh * o * activationDerivative(c, tanhC)
                        dz[p] = dc * g * gateDerivative(z[p], i)
                        dz[p + units] = dc * tape.cells[position][s] * gateDerivative(z[p + units], f)
                        dz[p + 2 * units] = dc * i * activationDerivative(z[p + 2 * units], g)
                        dz[p + 3 * units] = dh * tanhC * gateDerivative(z[p + 3 * units], o)
                        cellGradient[s] = dc * f
                    default:
                        let (updateGate, resetGate, proposal) = (a[p], a[p + units], a[p + 2 * units])
                        dz[p] = dh * (previous[s] - proposal) * gateDerivative(z[p], updateGate)
                        dz[p + 2 * units] = dh * (1 - updateGate) * activationDerivative(z[p + 2 * units], proposal)
                        direct[s] = dh * updateGate
                        if resetAfter {
                            let part = tape.resetParts[position][s]
                            dz[p + units] = dz[p + 2 * units] * part * gateDerivative(z[p + units], resetGate)
                        }
                    }
                }
            }
            if let candidateTransposed {
                // GRU without reset_after: ∂(r ∘ h) = ∂candidate · U_hᵀ, then r's and h's parts.
                let candidateDz = Tensor(shape: [batch, units]) { out in
                    for b in 0..<batch {
                        for u in 0..<units { out[b * units + u] = dz[b * width + 2 * units + u] }
                    }
                }
                let resetPart = Tensor(shape: [batch, units], scalars: tape.resetParts[position])
                candidateGradient = candidateGradient.adding(
                    resetPart.transposedMatrix(rows: batch, columns: units).matrixProduct(
                        candidateDz, m: units, k: batch, n: units))
                let resetGradient = candidateDz.matrixProduct(candidateTransposed, m: batch, k: units, n: units).scalars
                let candidatePrevious = dropout.masked(previous, recurrentGate: 2)
                let candidateMask = dropout.recurrentMask(2)
                for b in 0..<batch where tape.kept?[b * steps + position] ?? true {
                    for u in 0..<units {
                        let (s, p) = (b * units + u, b * width + units + u)
                        dz[p] = resetGradient[s] * candidatePrevious[s] * gateDerivative(z[p], a[p])
                        direct[s] += resetGradient[s] * a[p] * (candidateMask?[s] ?? 1)
                    }
                }
            }
            for b in 0..<batch {
                for j in 0..<updateWidth {
                    var value = dz[b * width + j]
                    if resetAfter && j >= 2 * units { value *= a[b * width + units + j - 2 * units] }
                    recurrentDz[b * updateWidth + j] = value
                    if resetAfter { recurrentBiasGradient[j] += value }
                }
            }
            let recurrentTensor = Tensor(shape: [batch, updateWidth], scalars: recurrentDz)
            if dropout.recurrent.isEmpty {
                updateGradient = updateGradient.adding(
                    Tensor(shape: [batch, units], scalars: previous).transposedMatrix(rows: batch, columns: units)
                        .matrixProduct(recurrentTensor, m: units, k: batch, n: updateWidth))
                hiddenGradient =
                    recurrentTensor.matrixProduct(updateTransposed, m: batch, k: updateWidth, n: units).scalars
            } else {
                let (weights, state) = dropout.recurrentGradients(
                    recurrentTensor, previous: previous, blocks: updateBlocks, batch: batch, units: units)
                updateGradient = updateGradient.adding(weights)
                hiddenGradient = state
            }
            for index in hiddenGradient.indices { hiddenGradient[index] += direct[index] }
            for b in 0..<batch {
                for j in 0..<width { zGradients[(b * steps + step) * width + j] = dz[b * width + j] }
            }
        }
        let zAll = Tensor(shape: [batch * steps, width], scalars: zGradients)
        // After the first step, the state's gradients are the initial states'.
        let states =
            tape.initialStates
            ? [Tensor(shape: [batch, units], scalars: hiddenGradient)]
                + (gates == 4 ? [Tensor(shape: [batch, units], scalars: cellGradient)] : []) : []
        if !dropout.input.isEmpty {
            let (kernelGradient, input) = dropout.inputGradients(
                zAll, input: tape.input, kernel: kernel, gates: gates, inputGradient: inputGradient)
            var weights = [kernelGradient, recurrentGradient(update: updateGradient, candidate: candidateGradient)]
            if let bias {
                let inputSums = zAll.columnSums(columns: width).scalars
                weights.append(Tensor(shape: bias.shape, scalars: inputSums + recurrentBiasGradient))
            }
            return LayerGradients(
                inputs: (input.map { [$0] } ?? [Tensor(shape: [0], repeating: 0)]) + states, weights: weights)
        }
        let kernelGradient = tape.input.transposedMatrix(rows: batch * steps, columns: features)
            .matrixProduct(zAll, m: features, k: batch * steps, n: width)
        var weights = [kernelGradient, recurrentGradient(update: updateGradient, candidate: candidateGradient)]
        if let bias {
            let inputSums = zAll.columnSums(columns: width).scalars
            weights.append(Tensor(shape: bias.shape, scalars: inputSums + recurrentBiasGradient))
        }
        guard inputGradient else {
            return LayerGradients(inputs: [Tensor(shape: [0], repeating: 0)] + states, weights: weights)
        }
        let input = zAll.matrixProduct(
            kernel.transposedMatrix(rows: features, columns: width), m: batch * steps, k: width, n: features)
        return LayerGradients(inputs: [input.reshaped(to: tape.input.shape)] + states, weights: weights)
    }

    /// The recurrent kernel's gradient `(units, gates · units)`: GRU without `reset_after`
    /// has its z and r columns and its candidate columns apart.
    private func recurrentGradient(update: Tensor, candidate: Tensor) -> Tensor {
        guard Cell.gates == 3 && !config.resetAfter else { return update }
        let units = config.units
        let (u, h) = (update.scalars, candidate.scalars)
        return Tensor(shape: recurrentKernel.shape) { out in
            for i in 0..<units {
                for j in 0..<(2 * units) { out[i * 3 * units + j] = u[i * 2 * units + j] }
                for j in 0..<units { out[i * 3 * units + 2 * units + j] = h[i * units + j] }
            }
        }
    }
}

extension Bidirectional: TrainableLayer {
    /// Both layers' tapes and outputs (the backward layer's in time order).
    public struct Tape: Sendable {
        let forward: Recurrent<Cell>.Tape
        let backward: Recurrent<Cell>.Tape
        let forwardOutput: Tensor
        let backwardOutput: Tensor
    }

    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tape) {
        trainingCall(input, mask: nil, context: &context)
    }

    /// Both layers' training calls, skipping the steps `mask` masks, merged as the call merges.
    public func trainingCall(
        _ input: Tensor, mask: Tensor?, context: inout TrainingContext
    ) -> (output: Tensor, tape: Tape) {
        guard let mode = config.mergeMode else {
            preconditionFailure("\(config.name): training with merge_mode None is not supported yet")
        }
        let (a, forwardTape) = forward.trainingCall(input, mask: mask, context: &context)
        var (b, backwardTape) = backward.trainingCall(input, mask: mask, context: &context)
        if config.forward.config.returnSequences { b = b.reversedSteps() }
        let tape = Tape(forward: forwardTape, backward: backwardTape, forwardOutput: a, backwardOutput: b)
        return (merge(a, b, mode), tape)
    }

    /// The merge's gradient split between the two layers, each run back through time; the
    /// input's gradient is the sum of both. Weights in `get_weights()` order: forward, backward.
    public func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients {
        let (a, b) = (tape.forwardOutput, tape.backwardOutput)
        var (forwardGradient, backwardGradient): (Tensor, Tensor)
        switch config.mergeMode ?? .concat {
        case .concat:
            let (left, right) = (a.shape.last!, b.shape.last!)
            let rows = a.scalarCount / max(left, 1)
            let g = outputGradient.scalars
            forwardGradient = Tensor(shape: a.shape) { out in
                for row in 0..<rows {
                    for k in 0..<left { out[row * left + k] = g[row * (left + right) + k] }
                }
            }
            backwardGradient = Tensor(shape: b.shape) { out in
                for row in 0..<rows {
                    for k in 0..<right { out[row * right + k] = g[row * (left + right) + left + k] }
                }
            }
        case .sum: (forwardGradient, backwardGradient) = (outputGradient, outputGradient)
        case .ave:
            let half = outputGradient.zipped(with: outputGradient) { g, _ in g / 2 }
            (forwardGradient, backwardGradient) = (half, half)
        case .mul:
            (forwardGradient, backwardGradient) = (outputGradient.zipped(with: b, *), outputGradient.zipped(with: a, *))
        }
        if config.forward.config.returnSequences { backwardGradient = backwardGradient.reversedSteps() }
        let first = forward.backward(forwardGradient, tape: tape.forward, inputGradient: inputGradient)
        let second = backward.backward(backwardGradient, tape: tape.backward, inputGradient: inputGradient)
        let inputs = inputGradient ? [first.inputs[0].adding(second.inputs[0])] : []
        return LayerGradients(inputs: inputs, weights: first.weights + second.weights)
    }
}
