// Attention layers and EinsumDense.

import Foundation

extension EinsumDense {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        var output = linear(input)
        config.activation.apply(to: &output)
        return output
    }

    /// How a call on an input of `shape` reads its operands: the output's shape, and for each
    /// output position (`outer`) and each summed position (`inner`) the offsets into the input
    /// and the kernel; output position `o` is `Σ_s x[outer.input[o] + inner.input[s]] ·
    /// k[outer.kernel[o] + inner.kernel[s]]`.
    struct Plan {
        let outputShape: [Int]
        let outer: (input: [Int], kernel: [Int])
        let inner: (input: [Int], kernel: [Int])
    }

    func plan(for shape: [Int]) -> Plan {
        guard let equation = try? EinsumEquation(config.equation, inputRank: shape.count),
            equation.input.count == shape.count
        else {
            preconditionFailure("\(config.name): equation '\(config.equation)' does not fit shape \(shape)")
        }
        var sizes: [Character: Int] = [:]
        for (letter, size) in zip(equation.input, shape) { sizes[letter] = size }
        for (letter, size) in zip(equation.kernel, kernel.shape) {
            precondition(
                sizes[letter] == nil || sizes[letter] == size,
                "\(config.name): axis '\(letter)' of the kernel does not fit shape \(shape)")
            sizes[letter] = size
        }
        let summed = (equation.input + equation.kernel).filter { !equation.output.contains($0) }
        let summedLetters = summed.reduce(into: [Character]()) { if !$0.contains($1) { $0.append($1) } }
        func strides(_ letters: [Character], _ shape: [Int]) -> [Character: Int] {
            var result: [Character: Int] = [:]
            var running = 1
            for (letter, size) in zip(letters, shape).reversed() {
                result[letter] = running
                running *= size
            }
            return result
        }
        let inputStrides = strides(equation.input, shape)
        let kernelStrides = strides(equation.kernel, kernel.shape)
        func offsets(_ letters: [Character]) -> (input: [Int], kernel: [Int]) {
            let count = letters.reduce(1) { $0 * sizes[$1]! }
            var inputOffsets = [Int](repeating: 0, count: count)
            var kernelOffsets = [Int](repeating: 0, count: count)
            for position in 0..<count {
                var rest = position
                var inOffset = 0
                var kOffset = 0
                for letter in letters.reversed() {
                    let size = sizes[letter]!
                    let coordinate = rest % size
                    rest /= size
                    inOffset += coordinate * (inputStrides[letter] ?? 0)
                    kOffset += coordinate * (kernelStrides[letter] ?? 0)
                }
                inputOffsets[position] = inOffset
                kernelOffsets[position] = kOffset
            }
            return (inputOffsets, kernelOffsets)
        }
        return Plan(
            outputShape: equation.output.map { sizes[$0]! }, outer: offsets(equation.output),
            inner: offsets(summedLetters))
    }

    /// The bias's index for each output position, in order: the bias covers the last
    /// `bias.rank` output axes, broadcast where it has 1.
    func biasIndices(_ outputShape: [Int]) -> [Int] {
        guard let bias else { return [] }
        let period = max(bias.scalarCount, 1)
        let tail = Array(outputShape.suffix(bias.rank))
        let tailCount = max(tail.reduce(1, *), 1)
        return (0..<outputShape.reduce(1, *)).map {
            broadcastIndex($0 % tailCount, in: tail, of: bias.shape) % period
        }
    }

    /// The call before its activation: the einsum plus the bias.
    func linear(_ input: Tensor) -> Tensor {
        let plan = plan(for: input.shape)
        var output = Tensor(shape: plan.outputShape) { out in
            input.withUnsafeScalars { x in
                kernel.withUnsafeScalars { k in
                    for o in 0..<out.count {
                        var sum: Float = 0
                        let xBase = plan.outer.input[o]
                        let kBase = plan.outer.kernel[o]
                        for s in 0..<plan.inner.input.count {
                            sum += x[xBase + plan.inner.input[s]] * k[kBase + plan.inner.kernel[s]]
                        }
                        out[o] = sum
                    }
                }
            }
        }
        if let bias {
            let indices = biasIndices(plan.outputShape)
            output.withUnsafeMutableScalars { values in
                bias.withUnsafeScalars { b in
                    for index in 0..<values.count { values[index] += b[indices[index]] }
                }
            }
        }
        return output
    }
}

/// Softmax over each row of `scores` (rows × columns), then the rows times `value` (columns ×
/// features): the shared end of the attention layers.
func attend(
    _ scores: inout [Float], rows: Int, columns: Int, value: UnsafeBufferPointer<Float>, features: Int,
    into out: UnsafeMutableBufferPointer<Float>, outOffset: Int
) {
    for i in 0..<rows {
        let sum = exponentiateRow(&scores, from: i * columns, count: columns)
        for f in 0..<features {
            var acc: Float = 0
            for j in 0..<columns { acc += scores[i * columns + j] * value[j * features + f] }
            out[outOffset + i * features + f] = acc / sum
        }
    }
}

/// The query, value and key of an attention call on `[query, value]` or `[query, value, key]`
/// (Keras's key defaults to the value).
func attentionOperands(_ inputs: [Tensor]) -> (query: Tensor, value: Tensor, key: Tensor) {
    (inputs[0], inputs[1], inputs.count > 2 ? inputs[2] : inputs[1])
}

/// The softmax numerators of one row of scores, in place: `exp(score − max)` for the `count`
/// scores from `start`; returns their sum, the softmax's denominator.
func exponentiateRow(_ scores: inout [Float], from start: Int, count: Int) -> Float {
    var maximum = -Float.infinity
    for j in start..<(start + count) { maximum = max(maximum, scores[j]) }
    var sum: Float = 0
    for j in start..<(start + count) {
        scores[j] = expf(scores[j] - maximum)
        sum += scores[j]
    }
    return sum
}

// Masks in `Attention` and `AdditiveAttention` (Keras's `Attention.call`): a key step the value
// mask masks gets 1e9 subtracted from its score (with the causal mask, once), and the output
// rows of query steps the query mask masks are zeros.

/// The query and value masks' scalars, checked against `(batch, tq)` and `(batch, tv)`.
func attentionMasks(_ masks: [Tensor?], batch: Int, tq: Int, tv: Int, layer: String) -> (
    query: [Float]?, value: [Float]?
) {
    func scalars(_ index: Int, _ steps: Int) -> [Float]? {
        guard masks.indices.contains(index), let mask = masks[index] else { return nil }
        precondition(
            mask.shape == [batch, steps],
            "\(layer): a mask of shape \(mask.shape) does not fit (batch, steps) = (\(batch), \(steps))")
        return mask.scalars
    }
    return (scalars(0, tq), scalars(1, tv))
}

/// `output` (batch, tq, features) with the rows of masked query steps set to 0.
func zeroingMaskedQueries(_ output: Tensor, _ queryMask: [Float]?) -> Tensor {
    guard let queryMask else { return output }
    var output = output
    let features = output.shape[2]
    output.withUnsafeMutableScalars { values in
        for row in queryMask.indices where queryMask[row] == 0 {
            for f in 0..<features { values[row * features + f] = 0 }
        }
    }
    return output
}

/// The score of one query step against one key step, each `dim` values.
typealias AttentionScore = (_ query: UnsafePointer<Float>, _ key: UnsafePointer<Float>, _ dim: Int) -> Float

/// Keras's `Attention.call` and `AdditiveAttention.call` given the layer's score of one query
/// step against one key step (`score(query, key, dim)`, each `dim` values): softmax over the key
/// steps, then the weighted sum of the value steps. With `useCausalMask`, query step `i` attends to
/// key steps `≤ i`. `masks` are the inputs' Keras masks (`[query, value]`, nil where there is
/// none): a key step the value mask masks gets 1e9 subtracted from its score, and the rows of query
/// steps the query mask masks are zeros.
func scoredAttention(
    _ inputs: [Tensor], masks: [Tensor?], useCausalMask: Bool, layer: String, score: AttentionScore
) -> Tensor {
    let (query, value, key) = attentionOperands(inputs)
    let batch = query.shape[0]
    let tq = query.shape[1]
    let dim = query.shape[2]
    let tv = value.shape[1]
    let features = value.shape[2]
    let (queryMask, valueMask) = attentionMasks(masks, batch: batch, tq: tq, tv: tv, layer: layer)
    let output = Tensor(shape: [batch, tq, features]) { out in
        var scores = [Float](repeating: 0, count: tq * tv)
        query.withUnsafeScalars { queries in
            key.withUnsafeScalars { keys in
                value.withUnsafeScalars { v in
                    for n in 0..<batch {
                        for i in 0..<tq {
                            let q = queries.baseAddress! + (n * tq + i) * dim
                            for j in 0..<tv {
                                scores[i * tv + j] = score(q, keys.baseAddress! + (n * tv + j) * dim, dim)
                                if (useCausalMask && j > i) || valueMask?[n * tv + j] == 0 { scores[i * tv + j] -= 1e9 }
                            }
                        }
                        attend(
                            &scores, rows: tq, columns: tv,
                            value: UnsafeBufferPointer(rebasing: v[(n * tv * features)..<((n + 1) * tv * features)]),
                            features: features, into: out, outOffset: n * tq * features)
                    }
                }
            }
        }
    }
    return zeroingMaskedQueries(output, queryMask)
}

extension Attention {
    public func callAsFunction(_ inputs: [Tensor]) -> Tensor { self(inputs, masks: [], useCausalMask: false) }

    /// The attention output (`scoredAttention`) with Keras's `dot` score `scale · (q · k)` or
    /// `concat` score `concat_score_weight · Σ tanh(scale · (q + k))`.
    public func callAsFunction(_ inputs: [Tensor], masks: [Tensor?] = [], useCausalMask: Bool = false) -> Tensor {
        scoredAttention(inputs, masks: masks, useCausalMask: useCausalMask, layer: config.name, score: score)
    }

    /// The score of one query step against one key step (the call's and the training call's).
    var score: AttentionScore {
        let s = scale?.scalars[0] ?? 1
        let concatWeight = concatScoreWeight?.scalars[0] ?? 1
        let isDot = config.scoreMode == .dot
        let hasScale = scale != nil
        return { q, k, dim in
            var score: Float = 0
            for d in 0..<dim { score += isDot ? q[d] * k[d] : tanhf(hasScale ? s * (q[d] + k[d]) : q[d] + k[d]) }
            return isDot ? score * s : score * concatWeight
        }
    }
}

extension AdditiveAttention {
    public func callAsFunction(_ inputs: [Tensor]) -> Tensor { self(inputs, masks: [], useCausalMask: false) }

    /// The attention output (`scoredAttention`) with Keras's additive score `Σ scale · tanh(q + k)`.
    public func callAsFunction(_ inputs: [Tensor], masks: [Tensor?] = [], useCausalMask: Bool = false) -> Tensor {
        scoredAttention(inputs, masks: masks, useCausalMask: useCausalMask, layer: config.name, score: score)
    }

    /// The score of one query step against one key step (the call's and the training call's).
    var score: AttentionScore {
        let scales = scale?.scalars
        return { q, k, dim in
            var score: Float = 0
            for d in 0..<dim { score += (scales?[d] ?? 1) * tanhf(q[d] + k[d]) }
            return score
        }
    }
}

extension MultiHeadAttention {
    public func callAsFunction(_ inputs: [Tensor]) -> Tensor { self(inputs, masks: [], useCausalMask: false) }

    /// `x (rows × features) · kernel (features × heads·size) + bias`, for projection `index`
    /// (query 0, key 1, value 2, output 3).
    func project(_ x: Tensor, _ index: Int) -> [Float] {
        let step = config.useBias ? 2 : 1
        let kernel = projections[index * step]
        let rows = x.scalarCount / x.shape[x.rank - 1]
        let features = x.shape[x.rank - 1]
        let width = kernel.scalarCount / features
        var out = [Float](repeating: 0, count: rows * width)
        x.withUnsafeScalars { a in
            kernel.withUnsafeScalars { b in
                out.withUnsafeMutableBufferPointer { c in
                    if config.useBias {
                        projections[index * step + 1].withUnsafeScalars {
                            MatrixMultiply.multiply(a, b, bias: $0, into: c, m: rows, k: features, n: width)
                        }
                    } else {
                        MatrixMultiply.multiply(a, b, bias: nil, into: c, m: rows, k: features, n: width)
                    }
                }
            }
        }
        return out
    }

    /// Which scores `(batch, tq, tk)` the masks allow (the call's and the training call's rule):
    /// query step `i` and key step `j` where the query mask keeps `i`, the value and key masks keep
    /// `j`, the attention mask allows `(i, j)`, and `j ≤ i` with `useCausalMask`; nil without masks.
    func allowedScores(
        masks: [Tensor?], attentionMask: Tensor?, useCausalMask: Bool, batch: Int, tq: Int, tk: Int
    ) -> [Bool]? {
        if let attentionMask {
            precondition(
                attentionMask.shape == [batch, tq, tk] || attentionMask.shape == [batch, 1, tk],
                "\(config.name): an attention mask of shape \(attentionMask.shape) does not fit (batch, \(tq) or 1, "
                    + "\(tk))"
            )
        }
        guard useCausalMask || attentionMask != nil || masks.contains(where: { $0 != nil }) else { return nil }
        func scalars(_ index: Int, _ steps: Int) -> [Float]? {
            guard masks.indices.contains(index), let mask = masks[index] else { return nil }
            precondition(
                mask.shape == [batch, steps],
                "\(config.name): a mask of shape \(mask.shape) does not fit (batch, steps) = (\(batch), \(steps))")
            return mask.scalars
        }
        let (queryMask, valueMask, keyMask) = (scalars(0, tq), scalars(1, tk), scalars(2, tk))
        let rows = attentionMask?.shape[1] ?? 0
        let attention = attentionMask?.scalars
        var allowed = [Bool](repeating: true, count: batch * tq * tk)
        for n in 0..<batch {
            for i in 0..<tq {
                for j in 0..<tk {
                    allowed[(n * tq + i) * tk + j] =
                        (!useCausalMask || j <= i) && queryMask?[n * tq + i] != 0 && valueMask?[n * tk + j] != 0
                        && keyMask?[n * tk + j] != 0 && attention?[(n * rows + (rows == 1 ? 0 : i)) * tk + j] != 0
                }
            }
        }
        return allowed
    }

    /// The attention output; with `useCausalMask`, query step `i` attends to key steps `≤ i`.
    public func callAsFunction(_ inputs: [Tensor], useCausalMask: Bool) -> Tensor {
        self(inputs, masks: [], useCausalMask: useCausalMask)
    }

    /// The attention output with the inputs' Keras masks (`[query, value(, key)]`, nil where
    /// there is none) and an `attentionMask` (`(batch, tq or 1, tk)`, Keras's `attention_mask`).
    /// Query step `i` attends to key step `j` when the query mask keeps `i`, the value and key
    /// masks keep `j`, the attention mask allows `(i, j)`, and `j ≤ i` with `useCausalMask`. As in Keras on
    /// JAX, without dropout a disallowed score becomes −0.7 · `Float.greatestFiniteMagnitude`
    /// before the softmax (a row with none allowed averages every value step); with `dropout`
    /// set, Keras's `Softmax` layer gives it −1e9 and a weight of 0 (such a row gives zeros).
    public func callAsFunction(
        _ inputs: [Tensor], masks: [Tensor?] = [], attentionMask: Tensor? = nil,
        useCausalMask: Bool = false
    ) -> Tensor {
        let (query, value, key) = attentionOperands(inputs)
        let batch = query.shape[0]
        let tq = query.shape[1]
        let tk = key.shape[1]
        let allowedScores = allowedScores(
            masks: masks, attentionMask: attentionMask, useCausalMask: useCausalMask, batch: batch, tq: tq, tk: tk)
        let isMasked = masks.contains { $0 != nil } || attentionMask != nil
        let throughSoftmaxLayer = config.dropout > 0
        let disallowed: Float = throughSoftmaxLayer ? -1e9 : -0.7 * Float.greatestFiniteMagnitude
        func allowed(_ n: Int, _ i: Int, _ j: Int) -> Bool { allowedScores?[(n * tq + i) * tk + j] ?? true }
        let heads = config.numHeads
        let dk = config.keyDim
        let dv = config.headValueDim
        let q = project(query, 0)
        let k = project(key, 1)
        let v = project(value, 2)
        let scale = 1 / Float(dk).squareRoot()
        // context (batch, tq, heads, dv)
        var context = [Float](repeating: 0, count: batch * tq * heads * dv)
        var scores = [Float](repeating: 0, count: tq * tk)
        for n in 0..<batch {
            for h in 0..<heads {
                for i in 0..<tq {
                    for j in 0..<tk {
                        var sum: Float = 0
                        for d in 0..<dk {
                            sum +=
                                q[((n * tq + i) * heads + h) * dk + d] * scale * k[((n * tk + j) * heads + h) * dk + d]
                        }
                        if isMasked {
                            scores[i * tk + j] = allowed(n, i, j) ? sum : disallowed
                        } else {
                            scores[i * tk + j] = useCausalMask && j > i ? sum - 1e9 : sum
                        }
                    }
                }
                for i in 0..<tq {
                    let total = exponentiateRow(&scores, from: i * tk, count: tk)
                    if isMasked && throughSoftmaxLayer {
                        // Keras's Softmax layer: the weights of masked positions are 0 after
                        // normalizing.
                        for j in 0..<tk where !allowed(n, i, j) { scores[i * tk + j] = 0 }
                    }
                    for e in 0..<dv {
                        var acc: Float = 0
                        for j in 0..<tk { acc += scores[i * tk + j] * v[((n * tk + j) * heads + h) * dv + e] }
                        context[((n * tq + i) * heads + h) * dv + e] = acc / total
                    }
                }
            }
        }
        let step = config.useBias ? 2 : 1
        let outputKernel = projections[3 * step]
        let width = outputKernel.shape[2]
        return Tensor(shape: [batch, tq, width]) { out in
            context.withUnsafeBufferPointer { a in
                outputKernel.withUnsafeScalars { b in
                    if config.useBias {
                        projections[3 * step + 1].withUnsafeScalars {
                            MatrixMultiply.multiply(a, b, bias: $0, into: out, m: batch * tq, k: heads * dv, n: width)
                        }
                    } else {
                        MatrixMultiply.multiply(a, b, bias: nil, into: out, m: batch * tq, k: heads * dv, n: width)
                    }
                }
            }
        }
    }
}
