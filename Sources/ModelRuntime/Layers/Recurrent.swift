// Recurrent layers and embeddings: SimpleRNN, LSTM, GRU, ConvLSTM1D/2D/3D, Embedding.

extension Recurrent {
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
        let (batch, steps) = (input.shape[0], input.shape[1])
        let stateCount = Cell.gates == 4 ? 2 : 1
        precondition(
            initialState.isEmpty
                || (initialState.count == stateCount
                    && initialState.allSatisfy { $0.shape == [batch, config.units] }),
            "\(config.name): initial_state takes \(stateCount) tensor(s) of shape [\(batch), \(config.units)], got "
                + "\(initialState.map(\.shape))"
        )
        let run = RecurrentRun(self, input: input, initialState: initialState)
        nonisolated(unsafe) let keep = keep
        let resetAfter = config.resetAfter
        let goBackwards = config.goBackwards
        // Samples never meet: each block runs every step on its own.
        run.forEachBlock { samples in
            for position in 0..<steps {
                let step = goBackwards ? steps - 1 - position : position
                run.multiplyRecurrentState(samples)
                for sample in samples {
                    guard
                        run.keep(
                            sample: sample, position: position, isKept(keep, sample: sample, step: step, steps: steps))
                    else { continue }
                    switch Cell.gates {
                    case 1: run.simpleStep(sample: sample, step: step)
                    case 4: run.lstmStep(sample: sample, step: step)
                    default:
                        if resetAfter {
                            run.gruResetAfterStep(sample: sample, step: step)
                        } else {
                            run.gruStep(sample: sample, step: step)
                        }
                    }
                    run.record(sample: sample, position: position)
                }
            }
        }
        return run.results()
    }
}

extension ConvLSTM {
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

extension Embedding {
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
