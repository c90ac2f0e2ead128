import Foundation

// Backward passes of the attention layers: MultiHeadAttention (projections, scaled dot
// products, softmax with Keras masks, an attention mask or the causal mask, attention dropout,
// the output projection), Attention and AdditiveAttention (scores, masks, softmax, dropout, the
// weighted sum of the values).

extension MultiHeadAttention: TrainableMerge {
    /// What `backward` reads: the inputs, their projections `(rows, heads · size)`, the
    /// attention weights `(batch, heads, tq, tk)`, the factor each weight is used with (the
    /// dropout mask, 0 where Keras's Softmax layer zeroes a masked position), which scores the
    /// masks allow `(batch, tq, tk)` (the others are constants), and the attended values
    /// `(batch · tq, heads · dv)`.
    public struct Tape: Sendable {
        let inputs: [Tensor]
        let q: Tensor
        let k: Tensor
        let v: Tensor
        let weights: [Float]
        let dropMask: [Float]?
        let allowed: [Bool]?
        let context: Tensor
    }

    /// The sizes: batch, query steps, key steps, heads, key size, value size.
    private func sizes(_ inputs: [Tensor]) -> (batch: Int, tq: Int, tk: Int, heads: Int, dk: Int, dv: Int) {
        let (query, _, key) = attentionOperands(inputs)
        return (query.shape[0], query.shape[1], key.shape[1], config.numHeads, config.keyDim, config.headValueDim)
    }

    /// Projection `index` (query 0, key 1, value 2, output 3): its kernel as a matrix and its bias.
    private func projection(_ index: Int) -> (kernel: Tensor, bias: Tensor?) {
        let step = config.useBias ? 2 : 1
        let kernel = projections[index * step]
        let rows = index == 3 ? kernel.shape[0] * kernel.shape[1] : kernel.shape[0]
        return (
            kernel.reshaped(to: [rows, kernel.scalarCount / rows]), config.useBias ? projections[index * step + 1] : nil
        )
    }

    /// Projection `index` of `x` as a `(rows, width)` tensor (the call's `project`).
    private func projected(_ x: Tensor, _ index: Int) -> Tensor {
        let scalars = project(x, index)
        let rows = x.scalarCount / x.shape[x.rank - 1]
        return Tensor(shape: [rows, scalars.count / max(rows, 1)], scalars: scalars)
    }

    /// One head's `steps × size` block of a projection laid out `(batch · steps, heads · size)`.
    private func head(_ x: Tensor, sample: Int, head: Int, steps: Int, size: Int) -> Tensor {
        let heads = config.numHeads
        return Tensor(shape: [steps, size]) { out in
            x.withUnsafeScalars { a in
                for t in 0..<steps {
                    let source = ((sample * steps + t) * heads + head) * size
                    for d in 0..<size { out[t * size + d] = a[source + d] }
                }
            }
        }
    }

    /// Adds one head's block back into `(batch · steps, heads · size)` scalars.
    private func addHead(_ block: Tensor, into x: inout [Float], sample: Int, head: Int, steps: Int, size: Int) {
        let heads = config.numHeads
        block.withUnsafeScalars { b in
            for t in 0..<steps {
                let target = ((sample * steps + t) * heads + head) * size
                for d in 0..<size { x[target + d] += b[t * size + d] }
            }
        }
    }

    /// The attention without masks, keeping every intermediate; in training, `dropout` drops
    /// attention weights with draws from `context` (not Keras's generator).
    public func trainingCall(_ inputs: [Tensor], context: inout TrainingContext) -> (output: Tensor, tape: Tape) {
        trainingCall(inputs, masks: [], context: &context)
    }

    /// The training call with the call's masks, as `callAsFunction(_:masks:attentionMask:useCausalMask:)`
    /// applies them: a score the masks disallow is a constant (−0.7 · `Float.greatestFiniteMagnitude`,
    /// or −1e9 and a weight of 0 with `dropout`), so it passes no gradient back.
    public func trainingCall(
        _ inputs: [Tensor], masks: [Tensor?], attentionMask: Tensor? = nil, useCausalMask: Bool = false,
        context: inout TrainingContext
    ) -> (output: Tensor, tape: Tape) {
        let (query, value, key) = attentionOperands(inputs)
        let (batch, tq, tk, heads, dk, dv) = sizes(inputs)
        let (q, k, v) = (projected(query, 0), projected(key, 1), projected(value, 2))
        let scale = 1 / Float(dk).squareRoot()
        var weights = [Float](repeating: 0, count: batch * heads * tq * tk)
        var attended = [Float](repeating: 0, count: batch * tq * heads * dv)
        let rate = Float(config.dropout)
        let drop = context.isTraining && rate > 0 ? context.nextGenerator().uniform(count: weights.count) : nil
        var dropMask = drop.map { draws in draws.map { Float($0) >= rate ? 1 / (1 - rate) : 0 } }
        let allowed = allowedScores(
            masks: masks, attentionMask: attentionMask, useCausalMask: useCausalMask, batch: batch, tq: tq, tk: tk)
        let isMasked = masks.contains { $0 != nil } || attentionMask != nil
        let disallowed: Float = rate > 0 ? -1e9 : -0.7 * Float.greatestFiniteMagnitude
        if isMasked && rate > 0, let allowed {
            // Keras's Softmax layer zeroes the weights of masked positions after normalizing.
            var factors = dropMask ?? [Float](repeating: 1, count: weights.count)
            for index in factors.indices where !allowed[index / (heads * tq * tk) * tq * tk + index % (tq * tk)] {
                factors[index] = 0
            }
            dropMask = factors
        }
        for n in 0..<batch {
            for h in 0..<heads {
                let qh = head(q, sample: n, head: h, steps: tq, size: dk)
                let kh = head(k, sample: n, head: h, steps: tk, size: dk)
                var scores = qh.matrixProduct(kh.transposedMatrix(rows: tk, columns: dk), m: tq, k: dk, n: tk).scalars
                let base = (n * heads + h) * tq * tk
                for i in 0..<tq {
                    for j in 0..<tk {
                        scores[i * tk + j] *= scale
                        guard let allowed, !allowed[(n * tq + i) * tk + j] else { continue }
                        scores[i * tk + j] = isMasked ? disallowed : scores[i * tk + j] - 1e9
                    }
                    let total = exponentiateRow(&scores, from: i * tk, count: tk)
                    for j in 0..<tk {
                        weights[base + i * tk + j] = scores[i * tk + j] / total
                        scores[i * tk + j] = weights[base + i * tk + j] * (dropMask?[base + i * tk + j] ?? 1)
                    }
                }
                let vh = head(v, sample: n, head: h, steps: tk, size: dv)
                let out = Tensor(shape: [tq, tk], scalars: scores).matrixProduct(vh, m: tq, k: tk, n: dv)
                addHead(out, into: &attended, sample: n, head: h, steps: tq, size: dv)
            }
        }
        let contextTensor = Tensor(shape: [batch * tq, heads * dv], scalars: attended)
        let output = projected(contextTensor, 3)
        let tape = Tape(
            inputs: inputs, q: q, k: k, v: v, weights: weights, dropMask: dropMask, allowed: allowed,
            context: contextTensor)
        return (output.reshaped(to: [batch, tq, output.shape[1]]), tape)
    }

    /// Back through the output projection, the attended values, the softmax and the scaled dot
    /// products to the three projections. Weights in Keras's order (query, key, value, output;
    /// kernel then bias); the value input gets the key's gradient too when it serves as both.
    public func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients {
        let (batch, tq, tk, heads, dk, dv) = sizes(tape.inputs)
        let scale = 1 / Float(dk).squareRoot()
        let width = outputGradient.shape[2]
        let g = outputGradient.reshaped(to: [batch * tq, width])
        let (outputKernel, _) = projection(3)
        var weightGradients: [Tensor] = []
        let outputKernelGradient = tape.context.transposedMatrix(rows: batch * tq, columns: heads * dv)
            .matrixProduct(g, m: heads * dv, k: batch * tq, n: width)
        let contextGradient = g.matrixProduct(
            outputKernel.transposedMatrix(rows: heads * dv, columns: width), m: batch * tq, k: width, n: heads * dv)
        var (dq, dk_, dv_) = (
            [Float](repeating: 0, count: batch * tq * heads * dk),
            [Float](repeating: 0, count: batch * tk * heads * dk),
            [Float](repeating: 0, count: batch * tk * heads * dv)
        )
        for n in 0..<batch {
            for h in 0..<heads {
                let base = (n * heads + h) * tq * tk
                let dc = head(contextGradient, sample: n, head: h, steps: tq, size: dv)
                let vh = head(tape.v, sample: n, head: h, steps: tk, size: dv)
                let weights = Array(tape.weights[base..<(base + tq * tk)])
                let dropped = tape.dropMask.map { mask in (0..<(tq * tk)).map { weights[$0] * mask[base + $0] } }
                // ∂V = Pᵀ · ∂C; ∂P = ∂C · Vᵀ (through the dropout mask).
                let used = Tensor(shape: [tq, tk], scalars: dropped ?? weights)
                addHead(
                    used.transposedMatrix(rows: tq, columns: tk).matrixProduct(dc, m: tk, k: tq, n: dv), into: &dv_,
                    sample: n, head: h, steps: tk, size: dv)
                var dp = dc.matrixProduct(vh.transposedMatrix(rows: tk, columns: dv), m: tq, k: dv, n: tk).scalars
                if let mask = tape.dropMask { for index in dp.indices { dp[index] *= mask[base + index] } }
                // The softmax: ∂S = P ∘ (∂P − Σⱼ P ∂P), then the scale.
                for i in 0..<tq {
                    var dot: Float = 0
                    for j in 0..<tk { dot += weights[i * tk + j] * dp[i * tk + j] }
                    for j in 0..<tk {
                        let free = tape.allowed?[(n * tq + i) * tk + j] ?? true
                        dp[i * tk + j] = free ? weights[i * tk + j] * (dp[i * tk + j] - dot) * scale : 0
                    }
                }
                let ds = Tensor(shape: [tq, tk], scalars: dp)
                let qh = head(tape.q, sample: n, head: h, steps: tq, size: dk)
                let kh = head(tape.k, sample: n, head: h, steps: tk, size: dk)
                addHead(ds.matrixProduct(kh, m: tq, k: tk, n: dk), into: &dq, sample: n, head: h, steps: tq, size: dk)
                addHead(
                    ds.transposedMatrix(rows: tq, columns: tk).matrixProduct(qh, m: tk, k: tq, n: dk), into: &dk_,
                    sample: n, head: h, steps: tk, size: dk)
            }
        }
        // The three input projections: kernel xᵀ · ∂, bias Σ ∂, input ∂ · kernelᵀ.
        let (query, value, key) = attentionOperands(tape.inputs)
        var projectedInputs: [Tensor] = []
        for (index, (x, d, size)) in [(query, dq, dk), (key, dk_, dk), (value, dv_, dv)].enumerated() {
            let (kernel, _) = projection(index)
            let (rows, features, columns) = (x.scalarCount / kernel.shape[0], kernel.shape[0], heads * size)
            let gradient = Tensor(shape: [rows, columns], scalars: d)
            let kernelGradient = x.reshaped(to: [rows, features]).transposedMatrix(rows: rows, columns: features)
                .matrixProduct(gradient, m: features, k: rows, n: columns)
            weightGradients.append(kernelGradient.reshaped(to: projections[index * (config.useBias ? 2 : 1)].shape))
            if config.useBias {
                weightGradients.append(gradient.columnSums(columns: columns).reshaped(to: [heads, size]))
            }
            if inputGradient {
                projectedInputs.append(
                    gradient.matrixProduct(
                        kernel.transposedMatrix(rows: features, columns: columns), m: rows, k: columns, n: features
                    ).reshaped(to: x.shape))
            }
        }
        weightGradients.append(outputKernelGradient.reshaped(to: projections[config.useBias ? 6 : 3].shape))
        if config.useBias { weightGradients.append(g.columnSums(columns: width)) }
        guard inputGradient else { return LayerGradients(inputs: [], weights: weightGradients) }
        // [query, value] (key = value) or [query, value, key].
        let inputs =
            tape.inputs.count > 2
            ? [projectedInputs[0], projectedInputs[2], projectedInputs[1]]
            : [projectedInputs[0], projectedInputs[2].adding(projectedInputs[1])]
        return LayerGradients(inputs: inputs, weights: weightGradients)
    }
}

/// What `Attention`'s and `AdditiveAttention`'s backward passes read: the inputs, the
/// attention weights `(batch, tq, tv)`, their dropout mask, and the query mask (masked query
/// steps' outputs are the constant 0).
public struct ScoredAttentionTape: Sendable {
    let inputs: [Tensor]
    let weights: [Float]
    let dropMask: [Float]?
    let queryMask: [Float]?
}

/// The training call of a scored attention, as Keras's `Attention.call`: `score(q, k)` of every
/// query and key step, 1e9 subtracted where the causal mask or the value mask disallows the
/// key step, softmax over the key steps, `dropout` on the weights (draws from `context`, not
/// Keras's generator), the weighted sum of the value steps, zeros for masked query steps.
func scoredAttentionTraining(
    _ inputs: [Tensor], masks: [Tensor?], useCausalMask: Bool, dropout: Double, layer: String,
    context: inout TrainingContext, score: AttentionScore
) -> (output: Tensor, tape: ScoredAttentionTape) {
    let (query, value, key) = attentionOperands(inputs)
    let (batch, tq, dim, tv, features) = (
        query.shape[0], query.shape[1], query.shape[2], value.shape[1], value.shape[2]
    )
    let (queryMask, valueMask) = attentionMasks(masks, batch: batch, tq: tq, tv: tv, layer: layer)
    var weights = [Float](repeating: 0, count: batch * tq * tv)
    query.withUnsafeScalars { q in
        key.withUnsafeScalars { k in
            for n in 0..<batch {
                var row = [Float](repeating: 0, count: tv)
                for i in 0..<tq {
                    for j in 0..<tv {
                        row[j] = score(q.baseAddress! + (n * tq + i) * dim, k.baseAddress! + (n * tv + j) * dim, dim)
                        if (useCausalMask && j > i) || valueMask?[n * tv + j] == 0 { row[j] -= 1e9 }
                    }
                    let total = exponentiateRow(&row, from: 0, count: tv)
                    for j in 0..<tv { weights[(n * tq + i) * tv + j] = row[j] / total }
                }
            }
        }
    }
    let rate = Float(dropout)
    let dropMask =
        context.isTraining && rate > 0
        ? context.nextGenerator().uniform(count: weights.count).map { Float($0) >= rate ? 1 / (1 - rate) : 0 } : nil
    let used = dropMask.map { mask in zip(weights, mask).map(*) } ?? weights
    var output = [Float](repeating: 0, count: batch * tq * features)
    for n in 0..<batch {
        let p = Tensor(shape: [tq, tv], scalars: Array(used[(n * tq * tv)..<((n + 1) * tq * tv)]))
        let v = Tensor(
            shape: [tv, features], scalars: Array(value.scalars[(n * tv * features)..<((n + 1) * tv * features)]))
        let out = p.matrixProduct(v, m: tq, k: tv, n: features).scalars
        output.replaceSubrange((n * tq * features)..<((n + 1) * tq * features), with: out)
    }
    let tape = ScoredAttentionTape(inputs: inputs, weights: weights, dropMask: dropMask, queryMask: queryMask)
    return (zeroingMaskedQueries(Tensor(shape: [batch, tq, features], scalars: output), queryMask), tape)
}

/// Back through the weighted sum and the softmax to the scores; `scoreBackward(q, k, dim,
/// ∂score, ∂q, ∂k)` adds one score's share to the query's, the key's and the layer's weights'
/// gradients. Returns the inputs' gradients (`[query, value]`, the key's added to the value's
/// when it serves as both, or `[query, value, key]`).
func scoredAttentionBackward(
    _ outputGradient: Tensor, tape: ScoredAttentionTape,
    scoreBackward: (
        _ query: UnsafePointer<Float>, _ key: UnsafePointer<Float>, _ dim: Int, _ gradient: Float,
        _ queryGradient: UnsafeMutablePointer<Float>, _ keyGradient: UnsafeMutablePointer<Float>
    ) -> Void
) -> [Tensor] {
    let (query, value, key) = attentionOperands(tape.inputs)
    let (batch, tq, dim, tv, features) = (
        query.shape[0], query.shape[1], query.shape[2], value.shape[1], value.shape[2]
    )
    var (dq, dk, dv) = (
        [Float](repeating: 0, count: query.scalarCount), [Float](repeating: 0, count: key.scalarCount),
        [Float](repeating: 0, count: value.scalarCount)
    )
    // Masked query steps' outputs are constants: their gradient stops here.
    let g = zeroingMaskedQueries(outputGradient, tape.queryMask).scalars
    query.withUnsafeScalars { q in
        key.withUnsafeScalars { k in
            for n in 0..<batch {
                let p = Tensor(shape: [tq, tv], scalars: Array(tape.weights[(n * tq * tv)..<((n + 1) * tq * tv)]))
                let gn = Tensor(
                    shape: [tq, features], scalars: Array(g[(n * tq * features)..<((n + 1) * tq * features)]))
                let vn = Tensor(
                    shape: [tv, features],
                    scalars: Array(value.scalars[(n * tv * features)..<((n + 1) * tv * features)]))
                let mask = tape.dropMask.map { Array($0[(n * tq * tv)..<((n + 1) * tq * tv)]) }
                let used = mask.map { Tensor(shape: [tq, tv], scalars: zip(p.scalars, $0).map(*)) } ?? p
                let valueGradient = used.transposedMatrix(rows: tq, columns: tv).matrixProduct(
                    gn, m: tv, k: tq, n: features)
                dv.replaceSubrange((n * tv * features)..<((n + 1) * tv * features), with: valueGradient.scalars)
                var dp = gn.matrixProduct(vn.transposedMatrix(rows: tv, columns: features), m: tq, k: features, n: tv)
                    .scalars
                if let mask { for index in dp.indices { dp[index] *= mask[index] } }
                let weights = p.scalars
                dq.withUnsafeMutableBufferPointer { dqs in
                    dk.withUnsafeMutableBufferPointer { dks in
                        for i in 0..<tq {
                            var dot: Float = 0
                            for j in 0..<tv { dot += weights[i * tv + j] * dp[i * tv + j] }
                            for j in 0..<tv {
                                let ds = weights[i * tv + j] * (dp[i * tv + j] - dot)
                                scoreBackward(
                                    q.baseAddress! + (n * tq + i) * dim, k.baseAddress! + (n * tv + j) * dim, dim, ds,
                                    dqs.baseAddress! + (n * tq + i) * dim, dks.baseAddress! + (n * tv + j) * dim)
                            }
                        }
                    }
                }
            }
        }
    }
    let (queryGradient, valueGradient, keyGradient) = (
        Tensor(shape: query.shape, scalars: dq), Tensor(shape: value.shape, scalars: dv),
        Tensor(shape: key.shape, scalars: dk)
    )
    return tape.inputs.count > 2
        ? [queryGradient, valueGradient, keyGradient] : [queryGradient, valueGradient.adding(keyGradient)]
}

/// `Attention` and `AdditiveAttention`: a training call without masks is the one with none.
public protocol ScoredAttentionLayer: TrainableMerge where Tape == ScoredAttentionTape {
    /// The training call with the call's Keras masks (`[query, value]`) and causal mask.
    func trainingCall(
        _ inputs: [Tensor], masks: [Tensor?], useCausalMask: Bool, context: inout TrainingContext
    ) -> (output: Tensor, tape: ScoredAttentionTape)
}

extension ScoredAttentionLayer {
    public func trainingCall(
        _ inputs: [Tensor], context: inout TrainingContext
    ) -> (output: Tensor, tape: ScoredAttentionTape) {
        trainingCall(inputs, masks: [], useCausalMask: false, context: &context)
    }
}

extension Attention: ScoredAttentionLayer {
    /// The training call with the call's Keras masks (`[query, value]`) and causal mask.
    public func trainingCall(
        _ inputs: [Tensor], masks: [Tensor?], useCausalMask: Bool = false, context: inout TrainingContext
    ) -> (output: Tensor, tape: ScoredAttentionTape) {
        scoredAttentionTraining(
            inputs, masks: masks, useCausalMask: useCausalMask, dropout: config.dropout, layer: config.name,
            context: &context, score: score)
    }

    /// Dot scores `scale · q·k`, concat scores `w · Σ tanh(scale · (q + k))`: their derivatives
    /// in the query, the key, `scale` and `concat_score_weight` (weights in that order).
    public func backward(
        _ outputGradient: Tensor, tape: ScoredAttentionTape, inputGradient: Bool
    ) -> LayerGradients {
        let (s, concatWeight) = (scale?.scalars[0] ?? 1, concatScoreWeight?.scalars[0] ?? 1)
        let (isDot, hasScale) = (config.scoreMode == .dot, scale != nil)
        var (scaleGradient, weightGradient): (Float, Float) = (0, 0)
        let inputs = scoredAttentionBackward(outputGradient, tape: tape) { q, k, dim, ds, dq, dk in
            if isDot {
                var dot: Float = 0
                for d in 0..<dim {
                    dot += q[d] * k[d]
                    dq[d] += ds * s * k[d]
                    dk[d] += ds * s * q[d]
                }
                scaleGradient += ds * dot
                return
            }
            var (sum, scaleShare): (Float, Float) = (0, 0)
            for d in 0..<dim {
                let t = tanhf(hasScale ? s * (q[d] + k[d]) : q[d] + k[d])
                let slope = ds * concatWeight * (1 - t * t)
                sum += t
                scaleShare += slope * (q[d] + k[d])
                dq[d] += slope * (hasScale ? s : 1)
                dk[d] += slope * (hasScale ? s : 1)
            }
            scaleGradient += scaleShare
            weightGradient += ds * sum
        }
        var weights: [Tensor] = []
        if let scale { weights.append(Tensor(shape: scale.shape, scalars: [scaleGradient])) }
        if let concatScoreWeight {
            weights.append(Tensor(shape: concatScoreWeight.shape, scalars: [weightGradient]))
        }
        return LayerGradients(inputs: inputGradient ? inputs : [], weights: weights)
    }
}

extension AdditiveAttention: ScoredAttentionLayer {
    /// The training call with the call's Keras masks (`[query, value]`) and causal mask.
    public func trainingCall(
        _ inputs: [Tensor], masks: [Tensor?], useCausalMask: Bool = false, context: inout TrainingContext
    ) -> (output: Tensor, tape: ScoredAttentionTape) {
        scoredAttentionTraining(
            inputs, masks: masks, useCausalMask: useCausalMask, dropout: config.dropout, layer: config.name,
            context: &context, score: score)
    }

    /// Scores `Σ scale_d · tanh(q_d + k_d)`: their derivatives in the query, the key and `scale`.
    public func backward(
        _ outputGradient: Tensor, tape: ScoredAttentionTape, inputGradient: Bool
    ) -> LayerGradients {
        let scales = scale?.scalars
        var scaleGradient = [Float](repeating: 0, count: scale?.scalarCount ?? 0)
        let inputs = scoredAttentionBackward(outputGradient, tape: tape) { q, k, dim, ds, dq, dk in
            for d in 0..<dim {
                let t = tanhf(q[d] + k[d])
                let slope = ds * (scales?[d] ?? 1) * (1 - t * t)
                dq[d] += slope
                dk[d] += slope
                if scales != nil { scaleGradient[d] += ds * t }
            }
        }
        let weights = scale.map { [Tensor(shape: $0.shape, scalars: scaleGradient)] } ?? []
        return LayerGradients(inputs: inputGradient ? inputs : [], weights: weights)
    }
}
