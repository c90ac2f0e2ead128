// Backward passes of SimpleRNN and LSTM through time.

extension Recurrent: TrainableLayer {
    /// Each step's values: the gates' inputs `z` and outputs (LSTM: i, f, g, o; SimpleRNN: h),
    /// the hidden states and, for LSTM, the cell states (index 0 the zero initial state).
    public struct Tape: Sendable {
        let input: Tensor
        let preActivations: [[Float]]
        let activations: [[Float]]
        let hidden: [[Float]]
        let cells: [[Float]]
    }

    /// The layer's sizes: batch, steps, features, units, gates.
    private func sizes(_ input: Tensor) -> (batch: Int, steps: Int, features: Int, units: Int, gates: Int) {
        (input.shape[0], input.shape[1], input.shape[2], config.units, Cell.gates)
    }

    /// The run from zero states, keeping every step (Keras's `training=True` without dropout).
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tape) {
        precondition(Cell.gates != 3, "\(config.name): GRU has no backward pass yet")
        let (batch, steps, features, units, gates) = sizes(input)
        let width = gates * units
        // x · kernel (+ bias) for every step at once, then h · recurrent kernel step by step.
        let projected = input.matrixProduct(kernel, m: batch * steps, k: features, n: width).scalars
        let (recurrent, biases) = (recurrentKernel, bias?.scalars)
        let (activate, gate) = (config.activation.elementwise, config.recurrentActivation.elementwise)
        var hidden = [[Float](repeating: 0, count: batch * units)]
        var cells = gates == 4 ? [[Float](repeating: 0, count: batch * units)] : []
        var (preActivations, activations): ([[Float]], [[Float]]) = ([], [])
        for step in 0..<steps {
            let previous = Tensor(shape: [batch, units], scalars: hidden[step])
            var z = previous.matrixProduct(recurrent, m: batch, k: units, n: width).scalars
            for b in 0..<batch {
                for j in 0..<width {
                    z[b * width + j] += projected[(b * steps + step) * width + j] + (biases?[j] ?? 0)
                }
            }
            var a = z
            var h = [Float](repeating: 0, count: batch * units)
            if gates == 1 {
                for index in a.indices { a[index] = activate(z[index]) }
                h = a
            } else {
                var c = cells[step]
                for b in 0..<batch {
                    for u in 0..<units {
                        let base = b * width
                        let (i, f) = (gate(z[base + u]), gate(z[base + units + u]))
                        let (g, o) = (activate(z[base + 2 * units + u]), gate(z[base + 3 * units + u]))
                        (a[base + u], a[base + units + u], a[base + 2 * units + u], a[base + 3 * units + u]) = (
                            i, f, g, o
                        )
                        c[b * units + u] = f * c[b * units + u] + i * g
                        h[b * units + u] = o * activate(c[b * units + u])
                    }
                }
                cells.append(c)
            }
            preActivations.append(z)
            activations.append(a)
            hidden.append(h)
        }
        let output: Tensor
        if config.returnSequences {
            output = Tensor(shape: [batch, steps, units]) { out in
                for b in 0..<batch {
                    for step in 0..<steps {
                        for u in 0..<units { out[(b * steps + step) * units + u] = hidden[step + 1][b * units + u] }
                    }
                }
            }
        } else {
            output = Tensor(shape: [batch, units], scalars: hidden[steps])
        }
        let tape = Tape(
            input: input, preActivations: preActivations, activations: activations, hidden: hidden, cells: cells)
        return (output, tape)
    }

    /// Back through time: each step's gate gradients from the hidden state's (the output's at
    /// that step plus the next step's), then the kernels' gradients summed over the steps.
    public func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients {
        let (batch, steps, features, units, gates) = sizes(tape.input)
        let width = gates * units
        let output = outputGradient.scalars
        let (activation, gate) = (config.activation, config.recurrentActivation)
        let (activationDerivative, gateDerivative) = (activation.elementDerivative, gate.elementDerivative)
        let activate = activation.elementwise
        var hiddenGradient = [Float](repeating: 0, count: batch * units)
        var cellGradient = hiddenGradient
        // ∂z of every step, as rows (b · steps + step), for the kernel's and the input's gradients.
        var zGradients = [Float](repeating: 0, count: batch * steps * width)
        var recurrentGradient = Tensor(shape: recurrentKernel.shape, repeating: 0)
        let recurrentTransposed = recurrentKernel.transposedMatrix(rows: units, columns: width)
        for step in stride(from: steps - 1, through: 0, by: -1) {
            for b in 0..<batch {
                for u in 0..<units {
                    let g =
                        config.returnSequences
                        ? output[(b * steps + step) * units + u] : (step == steps - 1 ? output[b * units + u] : 0)
                    hiddenGradient[b * units + u] += g
                }
            }
            let (z, a) = (tape.preActivations[step], tape.activations[step])
            var dz = [Float](repeating: 0, count: batch * width)
            for b in 0..<batch {
                for u in 0..<units {
                    let dh = hiddenGradient[b * units + u]
                    let base = b * width
                    if gates == 1 {
                        dz[base + u] = dh * activationDerivative(z[base + u], a[base + u])
                        continue
                    }
                    let (i, f, g, o) = (
                        a[base + u], a[base + units + u], a[base + 2 * units + u], a[base + 3 * units + u]
                    )
                    let c = tape.cells[step + 1][b * units + u]
                    let tanhC = activate(c)
                    let dc = cellGradient[b * units + u] + dh * o * activationDerivative(c, tanhC)
                    dz[base + u] = dc * g * gateDerivative(z[base + u], i)
                    dz[base + units + u] = dc * tape.cells[step][b * units + u] * gateDerivative(z[base + units + u], f)
                    dz[base + 2 * units + u] = dc * i * activationDerivative(z[base + 2 * units + u], g)
                    dz[base + 3 * units + u] = dh * tanhC * gateDerivative(z[base + 3 * units + u], o)
                    cellGradient[b * units + u] = dc * f
                }
            }
            let dzTensor = Tensor(shape: [batch, width], scalars: dz)
            let previous = Tensor(shape: [batch, units], scalars: tape.hidden[step])
            recurrentGradient = recurrentGradient.adding(
                previous.transposedMatrix(rows: batch, columns: units).matrixProduct(
                    dzTensor, m: units, k: batch, n: width))
            hiddenGradient = dzTensor.matrixProduct(recurrentTransposed, m: batch, k: width, n: units).scalars
            for b in 0..<batch {
                for j in 0..<width { zGradients[(b * steps + step) * width + j] = dz[b * width + j] }
            }
        }
        let zAll = Tensor(shape: [batch * steps, width], scalars: zGradients)
        let kernelGradient = tape.input.transposedMatrix(rows: batch * steps, columns: features)
            .matrixProduct(zAll, m: features, k: batch * steps, n: width)
        var weights = [kernelGradient, recurrentGradient]
        if bias != nil { weights.append(zAll.columnSums(columns: width)) }
        guard inputGradient else { return LayerGradients(inputs: [], weights: weights) }
        let input = zAll.matrixProduct(
            kernel.transposedMatrix(rows: features, columns: width), m: batch * steps, k: width, n: features)
        return LayerGradients(inputs: [input.reshaped(to: tape.input.shape)], weights: weights)
    }
}
