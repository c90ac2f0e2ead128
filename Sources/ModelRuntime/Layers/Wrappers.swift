// Wrapper layers: TimeDistributed and Bidirectional.

/// `keras.layers.TimeDistributed`: `Inner` applied to every time step.
public struct TimeDistributed<Inner: UnaryLayer>: UnaryLayer {
    public let config: TimeDistributedConfig<Inner.Config>
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The wrapped layer, built for one time step.
    public internal(set) var layer: Inner

    public init(config: TimeDistributedConfig<Inner.Config>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        layer = try Inner(config: config.layer, inputShape: try config.stepShape(for: inputShape), seed: seed)
    }

    public var weights: [Tensor] { layer.weights }

    public mutating func setWeights(_ weights: [Tensor]) throws { try layer.setWeights(weights) }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(input.rank >= 3, "\(config.name): expects (batch, steps, ...), got shape \(input.shape)")
        let batch = input.shape[0]
        let steps = input.shape[1]
        let output = layer(input.reshaped(to: [batch * steps] + input.shape.dropFirst(2)))
        return output.reshaped(to: [batch, steps] + output.shape.dropFirst())
    }
}

/// `keras.layers.Bidirectional`: a recurrent layer run forward and backward, merged.
public struct Bidirectional<Cell: RecurrentCellKind>: MultiOutputLayer {
    public let config: BidirectionalConfig<Cell>
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The forward layer.
    public private(set) var forward: Recurrent<Cell>
    /// The backward layer (`go_backwards`).
    public private(set) var backward: Recurrent<Cell>

    public init(config: BidirectionalConfig<Cell>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        forward = try Recurrent(
            config: config.forward.config, inputShape: inputShape, seed: Seeds.derive(seed, "forward_layer"))
        backward = try Recurrent(
            config: config.backwardLayer, inputShape: inputShape, seed: Seeds.derive(seed, "backward_layer"))
    }

    public var weights: [Tensor] { forward.weights + backward.weights }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        let split = forward.weights.count
        guard weights.count == split + backward.weights.count else {
            throw WeightError("\(config.name): expects \(split + backward.weights.count) weights, got \(weights.count)")
        }
        var newForward = forward
        var newBackward = backward
        try newForward.setWeights(Array(weights[..<split]))
        try newBackward.setWeights(Array(weights[split...]))
        forward = newForward
        backward = newBackward
    }

    public func callAsFunction(_ input: Tensor) -> Tensor { outputs(input)[0] }

    /// The merged output, both layers skipping the steps `mask` masks.
    public func callAsFunction(_ input: Tensor, mask: Tensor?) -> Tensor { outputs(input, mask: mask)[0] }

    /// The merged output (or both, with `merge_mode` None), then the forward layer's final
    /// states and the backward layer's, with `return_state`.
    public func outputs(_ input: Tensor) -> [Tensor] { outputs(input, mask: nil) }

    /// The outputs, both layers skipping the steps `mask` (`(batch, steps)`) masks.
    public func outputs(_ input: Tensor, mask: Tensor?) -> [Tensor] {
        let forwardOutputs = forward.outputs(input, initialState: [], mask: mask)
        let backwardOutputs = backward.outputs(input, initialState: [], mask: mask)
        let states = Array(forwardOutputs.dropFirst()) + Array(backwardOutputs.dropFirst())
        let a = forwardOutputs[0]
        var b = backwardOutputs[0]
        // Keras flips the backward layer's sequence back into time order.
        if config.forward.config.returnSequences { b = b.reversedSteps() }
        guard let mergeMode = config.mergeMode else { return [a, b] + states }
        return [merge(a, b, mergeMode)] + states
    }

    func merge(_ a: Tensor, _ b: Tensor, _ mode: MergeMode) -> Tensor {
        switch mode {
        case .concat:
            let left = a.shape.last!
            let right = b.shape.last!
            let rows = a.scalarCount / max(left, 1)
            let (aValues, bValues) = (a.scalars, b.scalars)
            return Tensor(shape: Array(a.shape.dropLast()) + [left + right]) { out in
                for row in 0..<rows {
                    for k in 0..<left { out[row * (left + right) + k] = aValues[row * left + k] }
                    for k in 0..<right { out[row * (left + right) + left + k] = bValues[row * right + k] }
                }
            }
        case .sum: return Tensor(shape: a.shape, scalars: zip(a.scalars, b.scalars).map { $0 + $1 })
        case .mul: return Tensor(shape: a.shape, scalars: zip(a.scalars, b.scalars).map { $0 * $1 })
        case .ave: return Tensor(shape: a.shape, scalars: zip(a.scalars, b.scalars).map { ($0 + $1) / 2 })
        }
    }
}

extension Tensor {
    /// A `(batch, steps, features)` sequence with its steps in reverse order.
    func reversedSteps() -> Tensor {
        let (batch, steps, features) = (shape[0], shape[1], shape[2])
        return Tensor(shape: shape) { out in
            withUnsafeScalars { values in
                for n in 0..<batch {
                    for t in 0..<steps {
                        let (target, source) = ((n * steps + t) * features, (n * steps + steps - 1 - t) * features)
                        for k in 0..<features { out[target + k] = values[source + k] }
                    }
                }
            }
        }
    }
}
