// Recurrent layers and embeddings: SimpleRNN, LSTM, GRU, ConvLSTM1D/2D/3D, Embedding.

import CModelKernels
import Dispatch

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
    public var kernel: Tensor { stored["kernel"]! }
    /// The recurrent kernel, `(units, gates · units)`.
    public var recurrentKernel: Tensor { stored["recurrent_kernel"]! }
    /// The bias, `(gates · units)` (GRU with `reset_after`: `(2, 3 · units)`), when `useBias`.
    public var bias: Tensor? { stored["bias"] }
    private var stored: LayerWeights

    public init(config: RecurrentConfig<Cell>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        stored = LayerWeights(try config.weights(for: inputShape), seed: seed)
        // Keras's LSTM with unit_forget_bias: the forget gate's fresh biases are 1.
        if Cell.gates == 4, config.unitForgetBias {
            let units = config.units
            stored.update("bias") {
                $0.withUnsafeMutableScalars { values in for j in units..<(2 * units) { values[j] = 1 } }
            }
        }
    }

    public var weights: [Tensor] { stored.tensors }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try stored.set(weights, layer: config.name)
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

/// One call of a `Recurrent` layer: the input projections of every step, the states of every
/// sample, and the step of each cell kind (`run` picks it by the number of gates).
///
/// A step's samples are independent, so a large batch runs each step in blocks of samples, one
/// per core: each block's h · U and cell steps on one thread, writing only its samples' rows of
/// the state buffers. A block has at least `minimumBlockRows` samples, enough for the matrix
/// kernel to take the same path (and give the same bits) as for the whole batch.
private final class RecurrentRun<Cell: RecurrentCellKind>: @unchecked Sendable {
    let config: RecurrentConfig<Cell>
    let (batch, steps, units, width): (Int, Int, Int, Int)
    /// The recurrent kernel's values, `(units, gates · units)`.
    let u: [Float]
    /// GRU with `reset_after`: the recurrent half of the bias, added to h · U.
    let recurrentBias: [Float]?
    /// x · W + the input half of the bias, for every step at once: `(batch, steps, width)`.
    let projected: [Float]
    /// h · U of the current step, `(batch, width)`; the gates' pre-activations once a step adds
    /// its projection.
    let recurrent: UnsafeMutableBufferPointer<Float>
    /// The states `h` and (LSTM; GRU's candidate state) `c`, `(batch, units)`.
    let h: UnsafeMutableBufferPointer<Float>
    let c: UnsafeMutableBufferPointer<Float>
    /// Scratch for LSTM's activation of `c`, `(batch, units)`.
    let cell: UnsafeMutableBufferPointer<Float>
    /// Every step's h, with return_sequences (otherwise the output is the last h).
    let output: UnsafeMutableBufferPointer<Float>
    /// With a mask: whether each sample has had a kept step, and whether its last output is zeros.
    let seenKept: UnsafeMutableBufferPointer<Bool>
    let lastIsZero: UnsafeMutableBufferPointer<Bool>
    /// The blocks of samples a step runs at once, one per core (one block for small work).
    let blocks: [Range<Int>]
    /// With several blocks: the recurrent kernel packed once into the matrix kernel's panels
    /// (where the CPU's kernel has a packed form), which every block's product of every step reads.
    let packedU: UnsafeMutableBufferPointer<Float>?
    /// The kernel level `packedU` is packed for.
    let level = cmk_simd_level()

    /// The fewest samples in a block: the matrix kernels multiply fewer rows (under 12 with
    /// AVX2/AVX-512, 16 with NEON) by another loop, whose bits with a bias differ.
    static var minimumBlockRows: Int { 16 }

    init(_ layer: Recurrent<Cell>, input: Tensor, initialState: [Tensor]) {
        let config = layer.config
        let (batch, steps, features, units) = (input.shape[0], input.shape[1], input.shape[2], config.units)
        let width = Cell.gates * units
        (self.config, self.batch, self.steps, self.units, self.width) = (config, batch, steps, units, width)
        let resetAfter = Cell.gates == 3 && config.resetAfter
        // The input projections of every step at once; the input half of the bias added.
        let inputBias: [Float]? = layer.bias.map { Array($0.scalars.prefix(width)) }
        recurrentBias = resetAfter ? layer.bias.map { Array($0.scalars.suffix(width)) } : nil
        var projected = [Float](repeating: 0, count: batch * steps * width)
        let rows = batch * steps
        input.withUnsafeScalars { x in
            layer.kernel.withUnsafeScalars { w in
                projected.withUnsafeMutableBufferPointer { p in
                    if let inputBias {
                        inputBias.withUnsafeBufferPointer {
                            MatrixMultiply.multiply(x, w, bias: $0, into: p, m: rows, k: features, n: width)
                        }
                    } else {
                        MatrixMultiply.multiply(x, w, bias: nil, into: p, m: rows, k: features, n: width)
                    }
                }
            }
        }
        self.projected = projected
        u = layer.recurrentKernel.scalars
        func buffer(_ count: Int, from initial: Tensor? = nil) -> UnsafeMutableBufferPointer<Float> {
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            if let initial {
                initial.withUnsafeScalars { _ = buffer.initialize(from: $0) }
            } else {
                buffer.initialize(repeating: 0)
            }
            return buffer
        }
        output = buffer(config.returnSequences ? batch * steps * units : 0)
        h = buffer(batch * units, from: initialState.first)
        c = buffer(batch * units, from: initialState.count > 1 ? initialState[1] : nil)
        recurrent = buffer(batch * width)
        cell = buffer(batch * units)
        seenKept = .allocate(capacity: batch)
        seenKept.initialize(repeating: false)
        lastIsZero = .allocate(capacity: batch)
        lastIsZero.initialize(repeating: false)
        let (work, overflow) = batch.multipliedReportingOverflow(by: width * units)
        let count =
            overflow || work >= MatrixMultiply.parallelThreshold
            ? min(MatrixMultiply.cores, batch / Self.minimumBlockRows) : 1
        let size = count > 1 ? (batch + count - 1) / count : batch
        blocks = stride(from: 0, to: max(batch, 1), by: max(size, 1)).map { $0..<min($0 + size, batch) }
        let multiplies = !(Cell.gates == 3 && !config.resetAfter)
        let level = cmk_simd_level()
        let packedCount = blocks.count > 1 && multiplies ? cmk_sgemm_packed_count(level, Int32(units), Int32(width)) : 0
        if packedCount > 0 {
            let raw = UnsafeMutableRawPointer.allocate(
                byteCount: packedCount * MemoryLayout<Float>.stride, alignment: ScalarPool.alignment)
            let packed = UnsafeMutableBufferPointer(
                start: raw.bindMemory(to: Float.self, capacity: packedCount), count: packedCount)
            u.withUnsafeBufferPointer {
                cmk_sgemm_pack(level, Int32(units), Int32(width), $0.baseAddress, Int32(width), packed.baseAddress)
            }
            packedU = packed
        } else {
            packedU = nil
        }
    }

    deinit {
        for buffer in [recurrent, h, c, cell, output] { buffer.deallocate() }
        seenKept.deallocate()
        lastIsZero.deallocate()
        packedU.map { UnsafeMutableRawPointer($0.baseAddress!).deallocate() }
    }

    /// Runs `body` on each block of samples, on every core when there are several.
    func forEachBlock(_ body: @Sendable (Range<Int>) -> Void) {
        if blocks.count == 1 { return body(blocks[0]) }
        DispatchQueue.concurrentPerform(iterations: blocks.count) { body(blocks[$0]) }
    }

    /// h · U for `samples`, one matrix product (+ the recurrent bias for GRU with `reset_after`;
    /// zeros for GRU without, whose step multiplies by parts); split over the cores by the
    /// product itself when the whole batch is one block.
    func multiplyRecurrentState(_ samples: Range<Int>) {
        let r = UnsafeMutableBufferPointer(
            rebasing: recurrent[(samples.lowerBound * width)..<(samples.upperBound * width)])
        if Cell.gates == 3 && !config.resetAfter {
            r.update(repeating: 0)
            return
        }
        let hs = UnsafeBufferPointer(rebasing: h[(samples.lowerBound * units)..<(samples.upperBound * units)])
        let (rows, units, width, parallel) = (samples.count, units, width, blocks.count == 1)
        if let packedU {
            // A block has 16 rows or more, where this is the blocked product `multiply` runs.
            u.withUnsafeBufferPointer { us in
                let bias = recurrentBias
                bias.withOptionalPointer { biasPointer in
                    cmk_sgemm_prepacked(
                        level, Int32(rows), Int32(width), Int32(units), hs.baseAddress, Int32(units), us.baseAddress,
                        Int32(width), packedU.baseAddress, r.baseAddress, Int32(width), biasPointer)
                }
            }
            return
        }
        u.withUnsafeBufferPointer { us in
            if let recurrentBias {
                recurrentBias.withUnsafeBufferPointer {
                    MatrixMultiply.multiply(
                        hs, us, bias: $0, into: r, m: rows, k: units, n: width, parallel: parallel)
                }
            } else {
                MatrixMultiply.multiply(hs, us, bias: nil, into: r, m: rows, k: units, n: width, parallel: parallel)
            }
        }
    }

    /// Whether `sample` runs the step at `position`; a masked step keeps the states and
    /// outputs the previous output, or zeros (with `zero_output_for_mask`, or with `unroll`
    /// before the first kept step).
    func keep(sample: Int, position: Int, _ kept: Bool) -> Bool {
        let zeroOutput = !kept && (config.unroll ? !seenKept[sample] : config.zeroOutputForMask)
        seenKept[sample] = seenKept[sample] || kept
        lastIsZero[sample] = zeroOutput
        if !kept, config.returnSequences {
            let (target, s) = ((sample * steps + position) * units, sample * units)
            for j in 0..<units { output[target + j] = zeroOutput ? 0 : h[s + j] }
        }
        return kept
    }

    /// The gates' inputs x · W + h · U of `sample` at `step`, each gate's run of `units` values
    /// activated in one pass (vectorised for sigmoid, tanh and ReLU) by `body`.
    private func withPreActivations(sample: Int, step: Int, _ body: (UnsafeMutableBufferPointer<Float>, Int) -> Void) {
        let (xBase, rBase, width, pre) = ((sample * steps + step) * width, sample * width, width, recurrent)
        projected.withUnsafeBufferPointer { projected in
            // Pointers to the rows, so that the loop has no checked index arithmetic and vectorises.
            let (row, x) = (pre.baseAddress! + rBase, projected.baseAddress! + xBase)
            for k in 0..<width { row[k] += x[k] }
        }
        body(pre, rBase)
    }

    /// Gates `first ..< end` (runs of `units` values from `base`) through `function`, in place.
    private static func activate(
        _ pre: UnsafeMutableBufferPointer<Float>, base: Int, units: Int, _ function: ActivationFunction,
        gates first: Int, _ end: Int
    ) {
        function.applyElementwise(
            UnsafeMutableBufferPointer(rebasing: pre[(base + first * units)..<(base + end * units)]))
    }

    /// SimpleRNN: h = activation(x · W + h · U + b).
    func simpleStep(sample: Int, step: Int) {
        let (s, units, activation, h) = (sample * units, units, config.activation, h)
        withPreActivations(sample: sample, step: step) { pre, base in
            Self.activate(pre, base: base, units: units, activation, gates: 0, 1)
            for j in 0..<units { h[s + j] = pre[base + j] }
        }
    }

    /// LSTM: gates i, f, g, o; c = f · c + i · g, h = o · activation(c).
    func lstmStep(sample: Int, step: Int) {
        let (s, units, activation, gate) = (sample * units, units, config.activation, config.recurrentActivation)
        let (h, c, cell) = (h, c, UnsafeMutableBufferPointer(rebasing: cell[(sample * units)..<((sample + 1) * units)]))
        withPreActivations(sample: sample, step: step) { pre, base in
            Self.activate(pre, base: base, units: units, gate, gates: 0, 2)
            Self.activate(pre, base: base, units: units, activation, gates: 2, 3)
            Self.activate(pre, base: base, units: units, gate, gates: 3, 4)
            // The gates' rows and the sample's states as pointers (no checked index arithmetic).
            let i = pre.baseAddress! + base
            let (f, g, o) = (i + units, i + 2 * units, i + 3 * units)
            let (cs, hs, cells) = (c.baseAddress! + s, h.baseAddress! + s, cell.baseAddress!)
            for j in 0..<units {
                cs[j] = f[j] * cs[j] + i[j] * g[j]
                cells[j] = cs[j]
            }
            activation.applyElementwise(cell)
            for j in 0..<units { hs[j] = o[j] * cells[j] }
        }
    }

    /// GRU with `reset_after` (Keras's default): z and r, then the candidate from
    /// x · W_h + r ∘ (h · U_h + b_h), each run of units activated in one pass.
    func gruResetAfterStep(sample: Int, step: Int) {
        let (xBase, rBase, s, units, width) = (
            (sample * steps + step) * width, sample * width, sample * units, units, width
        )
        let (pre, h, c) = (recurrent, h, c)
        projected.withUnsafeBufferPointer { projected in
            // Row pointers (no checked index arithmetic, so the loops vectorise): z, r and the
            // candidate's runs of the pre-activations and of the input projection.
            let z = pre.baseAddress! + rBase
            let (r, candidate) = (z + units, z + 2 * units)
            let x = projected.baseAddress! + xBase
            let (cs, hs) = (c.baseAddress! + s, h.baseAddress! + s)
            for k in 0..<(2 * units) { z[k] += x[k] }
            config.recurrentActivation.applyElementwise(UnsafeMutableBufferPointer(start: z, count: 2 * units))
            for j in 0..<units { candidate[j] = x[2 * units + j] + r[j] * candidate[j] }
            config.activation.applyElementwise(UnsafeMutableBufferPointer(start: candidate, count: width - 2 * units))
            for j in 0..<units { cs[j] = z[j] * hs[j] + (1 - z[j]) * candidate[j] }
            for j in 0..<units { hs[j] = cs[j] }
        }
    }

    /// GRU without `reset_after`: z and r from h · U; the candidate from (r ∘ h) · U_h.
    func gruStep(sample: Int, step: Int) {
        let (xBase, rBase, s) = ((sample * steps + step) * width, sample * width, sample * units)
        let activation = config.activation.elementwise
        let gate = config.recurrentActivation.elementwise
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
        for j in 0..<units { h[s + j] = c[s + j] }
    }

    /// With return_sequences, `sample`'s h as the output at `position`.
    func record(sample: Int, position: Int) {
        guard config.returnSequences else { return }
        let (target, s) = ((sample * steps + position) * units, sample * units)
        for j in 0..<units { output[target + j] = h[s + j] }
    }

    /// The output (every step's h, or the last, zeros where the last step was masked with zero
    /// output) and, with return_state, the final states.
    func results() -> [Tensor] {
        var last = Array(h)
        for b in 0..<batch where lastIsZero[b] {
            for j in 0..<units { last[b * units + j] = 0 }
        }
        var result = [
            Tensor(
                shape: config.returnSequences ? [batch, steps, units] : [batch, units],
                scalars: config.returnSequences ? Array(output) : last)
        ]
        if config.returnState {
            result.append(Tensor(shape: [batch, units], scalars: Array(h)))
            if Cell.gates == 4 { result.append(Tensor(shape: [batch, units], scalars: Array(c))) }
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
    public var kernel: Tensor { stored["kernel"]! }
    /// The recurrent kernel, `(*kernel_size, filters, 4 · filters)`.
    public var recurrentKernel: Tensor { stored["recurrent_kernel"]! }
    /// The bias, `(4 · filters)`, when `useBias`.
    public var bias: Tensor? { stored["bias"] }
    private var stored: LayerWeights

    public init(config: ConvLSTMConfig<Rank>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        stored = LayerWeights(try config.weights(for: inputShape), seed: seed)
        // Keras's unit_forget_bias: the forget gate's fresh biases are 1.
        if config.unitForgetBias {
            let filters = config.filters
            stored.update("bias") { bias in
                bias.withUnsafeMutableScalars { values in for j in filters..<(2 * filters) { values[j] = 1 } }
            }
        }
    }

    public var weights: [Tensor] { stored.tensors }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try stored.set(weights, layer: config.name)
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
    public var embeddings: Tensor { stored["embeddings"]! }
    private var stored: LayerWeights

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

extension Optional where Wrapped == [Float] {
    /// Runs `body` on a pointer to the array's scalars, or on nil.
    fileprivate func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let self else { return body(nil) }
        return self.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
