// The stepping of SimpleRNN, LSTM and GRU (Recurrent.swift): one call's buffers, the blocks of
// samples it runs on the cores, and each cell kind's step.

import CModelKernels
import Dispatch

/// One call of a `Recurrent` layer: the input projections of every step, the states of every
/// sample, and the step of each cell kind (`run` picks it by the number of gates).
///
/// A step's samples are independent, so a large batch runs each step in blocks of samples, one
/// per core: each block's h · U and cell steps on one thread, writing only its samples' rows of
/// the state buffers. A block has at least `minimumBlockRows` samples, enough for the matrix
/// kernel to take the same path (and give the same bits) as for the whole batch.
final class RecurrentRun<Cell: RecurrentCellKind>: @unchecked Sendable {
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

extension Optional where Wrapped == [Float] {
    /// Runs `body` on a pointer to the array's scalars, or on nil.
    fileprivate func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let self else { return body(nil) }
        return self.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
