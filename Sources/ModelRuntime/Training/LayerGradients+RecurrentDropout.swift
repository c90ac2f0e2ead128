// Dropout in the training calls of SimpleRNN, LSTM and GRU (`dropout`, `recurrent_dropout`), as
// Keras's cells apply it: masks drawn once per call, the same at every step; `dropout` multiplies
// the step's input before the kernel, `recurrent_dropout` the previous state before the
// recurrent kernel. With `recurrent_dropout`, LSTM and GRU draw a mask per gate (Keras's
// `implementation=1`), and GRU's candidate reads the state through the third one while the
// final mix `z · h + (1 − z) · candidate` reads the state unmasked.

/// The dropout masks of one recurrent training call.
struct RecurrentDropout: Sendable {
    /// The input's masks, `(batch, features)` each, 1 / (1 − rate) or 0: none, one for every
    /// gate, or one per gate.
    var input: [[Float]] = []
    /// The previous state's masks, `(batch, units)` each, likewise.
    var recurrent: [[Float]] = []

    /// The mask gate `gate` reads the previous state through, nil without recurrent dropout.
    func recurrentMask(_ gate: Int) -> [Float]? {
        recurrent.isEmpty ? nil : recurrent[recurrent.count == 1 ? 0 : gate]
    }

    /// `state` times gate `gate`'s recurrent mask (unchanged without one).
    func masked(_ state: [Float], recurrentGate gate: Int) -> [Float] {
        guard let mask = recurrentMask(gate) else { return state }
        return zip(state, mask).map(*)
    }

    /// The `units`-wide column blocks of a recurrent kernel, one per gate.
    static func blocks(of kernel: Tensor, units: Int) -> [Tensor] {
        let (rows, width) = (kernel.shape[0], kernel.shape[1])
        return stride(from: 0, to: width, by: units).map {
            kernel.matrixColumns($0..<($0 + units), rows: rows, of: width)
        }
    }

    /// The input's masks with the kernel columns each multiplies: one group for every gate, or
    /// a group per gate.
    private func inputGroups(width: Int, gates: Int) -> [(mask: [Float], columns: Range<Int>)] {
        let units = width / gates
        return input.count == 1
            ? [(input[0], 0..<width)] : (0..<gates).map { (input[$0], ($0 * units)..<(($0 + 1) * units)) }
    }

    /// The input `(batch, steps, features)` as rows `(batch · steps, features)`, each sample's
    /// features times its mask at every step.
    private static func maskedSteps(_ input: Tensor, _ mask: [Float]) -> Tensor {
        let (steps, features) = (input.shape[1], input.shape[2])
        return Tensor(shape: [input.shape[0] * steps, features]) { out in
            input.withUnsafeScalars { x in
                for index in 0..<out.count {
                    out[index] = x[index] * mask[index / (steps * features) * features + index % features]
                }
            }
        }
    }

    /// `x · kernel` for every step, `(batch · steps, gates · units)`, each gate's columns
    /// reading the input through its mask.
    func projection(_ input: Tensor, kernel: Tensor, gates: Int) -> [Float] {
        let (rows, features, width) = (input.shape[0] * input.shape[1], input.shape[2], kernel.shape[1])
        var out = Tensor(shape: [rows, width], repeating: 0)
        for (mask, columns) in inputGroups(width: width, gates: gates) {
            let masked = Self.maskedSteps(input, mask)
            guard columns.count < width else {
                return masked.matrixProduct(kernel, m: rows, k: features, n: width).scalars
            }
            let block = kernel.matrixColumns(columns, rows: features, of: width)
            out.setMatrixColumns(columns, from: masked.matrixProduct(block, m: rows, k: features, n: columns.count))
        }
        return out.scalars
    }

    /// The kernel's gradient from the gates' input-side gradients `dz` `(batch · steps, gates ·
    /// units)`, and the input's when `inputGradient`, each gate reading the input through its mask.
    func inputGradients(
        _ dz: Tensor, input: Tensor, kernel: Tensor, gates: Int, inputGradient: Bool
    ) -> (kernel: Tensor, input: Tensor?) {
        let (steps, features, width) = (input.shape[1], input.shape[2], kernel.shape[1])
        let rows = input.shape[0] * steps
        var kernelGradient = Tensor(shape: [features, width], repeating: 0)
        var gradient = [Float](repeating: 0, count: inputGradient ? rows * features : 0)
        for (mask, columns) in inputGroups(width: width, gates: gates) {
            let whole = columns.count == width
            let masked = Self.maskedSteps(input, mask)
            let gateDz = whole ? dz : dz.matrixColumns(columns, rows: rows, of: width)
            let partial = masked.transposedMatrix(rows: rows, columns: features)
                .matrixProduct(gateDz, m: features, k: rows, n: columns.count)
            if whole { kernelGradient = partial } else { kernelGradient.setMatrixColumns(columns, from: partial) }
            guard inputGradient else { continue }
            let block = whole ? kernel : kernel.matrixColumns(columns, rows: features, of: width)
            let back = gateDz.matrixProduct(
                block.transposedMatrix(rows: features, columns: columns.count), m: rows, k: columns.count, n: features
            ).scalars
            for index in 0..<(rows * features) {
                gradient[index] += back[index] * mask[index / (steps * features) * features + index % features]
            }
        }
        return (kernelGradient, inputGradient ? Tensor(shape: input.shape, scalars: gradient) : nil)
    }

    /// The previous state times each block of the recurrent kernel, `(batch, blocks · units)`,
    /// each block reading the state through its gate's mask.
    func recurrentProduct(_ previous: [Float], blocks: [Tensor], batch: Int, units: Int) -> [Float] {
        let width = blocks.count * units
        var out = [Float](repeating: 0, count: batch * width)
        for (gate, block) in blocks.enumerated() {
            let product = Tensor(shape: [batch, units], scalars: masked(previous, recurrentGate: gate))
                .matrixProduct(block, m: batch, k: units, n: units).scalars
            for b in 0..<batch {
                for u in 0..<units { out[b * width + gate * units + u] = product[b * units + u] }
            }
        }
        return out
    }

    /// The recurrent kernel blocks' gradient `(units, blocks · units)` and the previous state's,
    /// from the gates' recurrent-side gradients `dz` `(batch, blocks · units)`.
    func recurrentGradients(
        _ dz: Tensor, previous: [Float], blocks: [Tensor], batch: Int, units: Int
    ) -> (kernel: Tensor, state: [Float]) {
        let width = blocks.count * units
        var kernel = Tensor(shape: [units, width], repeating: 0)
        var state = [Float](repeating: 0, count: batch * units)
        for (gate, block) in blocks.enumerated() {
            let columns = (gate * units)..<((gate + 1) * units)
            let gateDz = dz.matrixColumns(columns, rows: batch, of: width)
            let masked = Tensor(shape: [batch, units], scalars: masked(previous, recurrentGate: gate))
            kernel.setMatrixColumns(
                columns,
                from: masked.transposedMatrix(rows: batch, columns: units)
                    .matrixProduct(gateDz, m: units, k: batch, n: units))
            let back = gateDz.matrixProduct(
                block.transposedMatrix(rows: units, columns: units), m: batch, k: units, n: units
            )
            .scalars
            let mask = recurrentMask(gate)
            for index in 0..<(batch * units) { state[index] += back[index] * (mask?[index] ?? 1) }
        }
        return (kernel, state)
    }
}

extension Recurrent {
    /// Keras's masks for a training call on `batch` samples of `features`: for `dropout` and
    /// `recurrent_dropout` above 0, one mask each, or with `recurrent_dropout` one per gate
    /// (LSTM and GRU); none outside training. Drawn from `context`, not Keras's generator.
    func dropoutMasks(batch: Int, features: Int, context: inout TrainingContext) -> RecurrentDropout {
        guard context.isTraining else { return RecurrentDropout() }
        let count = config.recurrentDropout > 0 ? Cell.gates : 1
        func draw(_ width: Int, _ rate: Double, _ context: inout TrainingContext) -> [[Float]] {
            guard rate > 0 else { return [] }
            let ones = Tensor(shape: [batch, width], repeating: 1)
            return (0..<count).map { _ in context.dropoutMask(ones, rate: rate).scalars }
        }
        let input = draw(features, config.dropout, &context)
        return RecurrentDropout(input: input, recurrent: draw(config.units, config.recurrentDropout, &context))
    }
}
