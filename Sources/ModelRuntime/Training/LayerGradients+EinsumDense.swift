// EinsumDense's backward pass: the adjoint of its einsum, read through the same plan as the
// call (Attention.swift), so every equation the call takes trains.

extension EinsumDense: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: ActivatedTape) {
        let tape = ActivatedTape(
            input: input, activation: config.activation, call: { self(input) }, linear: { linear(input) })
        return (tape.output, tape)
    }

    /// With `o = Σ_s x[·] k[·]` for each output position: `∂x[·] += g[o] k[·]` and
    /// `∂k[·] += g[o] x[·]` over the same pairs; `∂bias` sums `g` over the positions each bias
    /// value was added to.
    public func backward(_ outputGradient: Tensor, tape: ActivatedTape, inputGradient: Bool) -> LayerGradients {
        let gradient = tape.activationGradient(outputGradient, config.activation)
        let plan = plan(for: tape.input.shape)
        var inputGradients = [Float](repeating: 0, count: inputGradient ? tape.input.scalarCount : 0)
        var kernelGradient = [Float](repeating: 0, count: kernel.scalarCount)
        gradient.withUnsafeScalars { g in
            tape.input.withUnsafeScalars { x in
                kernel.withUnsafeScalars { k in
                    for o in 0..<g.count where g[o] != 0 {
                        let (xBase, kBase) = (plan.outer.input[o], plan.outer.kernel[o])
                        for s in 0..<plan.inner.input.count {
                            let (xi, ki) = (xBase + plan.inner.input[s], kBase + plan.inner.kernel[s])
                            kernelGradient[ki] += g[o] * x[xi]
                            if inputGradient { inputGradients[xi] += g[o] * k[ki] }
                        }
                    }
                }
            }
        }
        var weights = [Tensor(shape: kernel.shape, scalars: kernelGradient)]
        if let bias {
            var biasGradient = [Float](repeating: 0, count: bias.scalarCount)
            gradient.withUnsafeScalars { g in
                for (o, index) in biasIndices(plan.outputShape).enumerated() { biasGradient[index] += g[o] }
            }
            weights.append(Tensor(shape: bias.shape, scalars: biasGradient))
        }
        let inputs = inputGradient ? [Tensor(shape: tape.input.shape, scalars: inputGradients)] : []
        return LayerGradients(inputs: inputs, weights: weights)
    }
}
