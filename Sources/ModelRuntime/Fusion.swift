import CModelKernels

// Chains of layers run as one convolution with output passes: a convolution's output rows,
// right after each block of them is computed and while it is in cache, go through an inference
// BatchNormalization and an element-wise activation, instead of two more passes over the whole
// output (and two more tensors). Each pass does what its layer's own call does, in the same
// order, so the result has the same bits.

/// A layer whose call can end with an output pass over each block of its output rows.
protocol OutputPassCarrier {
    /// The layer's output with `pass` applied to each block of whole rows once the layer's own
    /// work on it is done; nil when the layer cannot (the caller then runs the layers one by one).
    func callAsFunction(_ input: Tensor, then pass: @escaping MatrixMultiply.OutputPass) -> Tensor?
}

/// A layer that can run as an output pass: in place, on blocks of whole rows of its input.
protocol OutputPassLayer {
    /// The pass, with the bits of the layer's own call on `inputShape`; nil when the layer
    /// needs a pass of its own.
    func outputPass(for inputShape: [Int]) -> MatrixMultiply.OutputPass?
}

/// `pass` after a layer's own activation (none when linear), or nil when that activation works
/// over the last axis and so needs a pass of its own.
private func passAfterActivation(_ pass: @escaping MatrixMultiply.OutputPass, _ activation: ActivationFunction)
    -> MatrixMultiply.OutputPass?
{
    if activation == .linear { return pass }
    guard let own = activation.outputPass else { return nil }
    return { @Sendable values in
        own(values)
        pass(values)
    }
}

extension Convolution: OutputPassCarrier {
    func callAsFunction(_ input: Tensor, then pass: @escaping MatrixMultiply.OutputPass) -> Tensor? {
        guard let combined = passAfterActivation(pass, config.activation) else { return nil }
        return convolve(input, then: combined)
    }
}

extension DepthwiseConvolution: OutputPassCarrier {
    func callAsFunction(_ input: Tensor, then pass: @escaping MatrixMultiply.OutputPass) -> Tensor? {
        guard let combined = passAfterActivation(pass, config.activation) else { return nil }
        return convolve(input, then: combined)
    }
}

extension BatchNormalization: OutputPassLayer {
    func outputPass(for inputShape: [Int]) -> MatrixMultiply.OutputPass? {
        // Only over the last axis: a block of whole rows is then whole runs of the features.
        guard let features = inputShape.last, features > 0, features == movingMean.scalarCount,
            config.axis == -1 || config.axis == inputShape.count - 1
        else { return nil }
        let (inv, shift) = scaleAndShift(features: features)
        return { values in
            guard let base = values.baseAddress else { return }
            cmk_scale_shift(Int64(values.count / features), Int64(features), base, inv, shift, base)
        }
    }
}

extension Activation: OutputPassLayer {
    func outputPass(for inputShape: [Int]) -> MatrixMultiply.OutputPass? {
        config.activation.outputPass
    }
}

extension ReLU: OutputPassLayer {
    func outputPass(for inputShape: [Int]) -> MatrixMultiply.OutputPass? {
        // The plain and capped ReLU (ReLU6): its call's `cmk_relu_capped` pass.
        guard config.threshold == 0, config.negativeSlope == 0 else { return nil }
        let cap = config.maxValue.map { Float($0) } ?? .infinity
        return { values in
            guard let base = values.baseAddress else { return }
            cmk_relu_capped(Int64(values.count), base, cap, base)
        }
    }
}

extension CallInterceptor {
    /// `second(first(input))`, each output handed to `intercept` as two calls would. Without
    /// an interceptor (`NoInterception`), when `first` is a convolution and `second` an
    /// inference BatchNormalization over the last axis (or an element-wise activation), the
    /// second runs in the first's output pass: same result, one pass and one tensor fewer.
    /// Generated models call this for chains whose middle outputs nothing else reads.
    public func interceptChain<First: UnaryLayer, Second: UnaryLayer>(
        _ first: First, _ second: Second, input: Tensor, at path: @autoclosure () -> LayerPath
    ) -> Tensor {
        if self is NoInterception, let fused = fusedCall([second], after: first, input: input) { return fused }
        let a = intercept(first, at: path().appending(first.config.name), output: first(input))
        return intercept(second, at: path().appending(second.config.name), output: second(a))
    }

    /// `third(second(first(input)))`, each output handed to `intercept` as three calls would.
    /// Without an interceptor, a convolution, an inference BatchNormalization and an
    /// element-wise activation (`Activation`, `ReLU`) run as one convolution whose output pass
    /// normalizes and activates each block of rows: same result, two passes and two tensors fewer.
    public func interceptChain<First: UnaryLayer, Second: UnaryLayer, Third: UnaryLayer>(
        _ first: First, _ second: Second, _ third: Third, input: Tensor, at path: @autoclosure () -> LayerPath
    ) -> Tensor {
        if self is NoInterception, let fused = fusedCall([second, third], after: first, input: input) { return fused }
        let a = intercept(first, at: path().appending(first.config.name), output: first(input))
        let b = intercept(second, at: path().appending(second.config.name), output: second(a))
        return intercept(third, at: path().appending(third.config.name), output: third(b))
    }
}

/// `first`'s call with `layers` as its output passes, or nil when one of them cannot be. Only
/// for the layer types `ChainRole` (ModelSpec) puts in a chain, in its order: the rule the
/// generator plans chains by.
func fusedCall<First: UnaryLayer>(_ layers: [any UnaryLayer], after first: First, input: Tensor) -> Tensor? {
    let roles = [First.Config.fusedChainRole] + layers.map { roleOf($0) }
    guard ChainRole.isChain(roles), let carrier = first as? any OutputPassCarrier else { return nil }
    let shape = first.outputShape.dimensions.map { $0 ?? 0 }
    var passes: [MatrixMultiply.OutputPass] = []
    for layer in layers {
        // Each layer must take the first's output shape as it is (the passes see its rows).
        guard let layer = layer as? any OutputPassLayer, let pass = layer.outputPass(for: shape) else { return nil }
        passes.append(pass)
    }
    let chain = passes
    return carrier.callAsFunction(input, then: { values in for pass in chain { pass(values) } })
}

/// The chain role of a layer's config type.
private func roleOf<L: UnaryLayer>(_ layer: L) -> ChainRole? { L.Config.fusedChainRole }
