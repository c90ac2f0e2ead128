// Training: what a layer gives the generated backward pass, and how a model's gradients are
// gathered in Keras's `trainable_weights` order.

/// What a training call needs beyond its inputs: whether it trains (Dropout active,
/// BatchNormalization on batch statistics) and where its random draws come from.
public struct TrainingContext: Sendable {
    /// Whether layers run as Keras's `training=True`; `false` runs them as at inference.
    public var isTraining: Bool
    /// The seed of the random draws (Dropout's masks): the same seed, the same draws.
    public let seed: UInt64
    /// Whether a training step also computes ∂loss/∂input of the model's inputs, into
    /// `inputGradients` (saliency maps, adversarial inputs, gradient checks).
    public var computesInputGradients: Bool
    /// ∂loss/∂input of each model input, in `input_layers` order, after a training step with
    /// `computesInputGradients`.
    public private(set) var inputGradients: [Tensor?] = []
    /// The model's ``Model/trainableWeightMask``, when the caller read it once for many steps
    /// (`fit` does); a training step reads it from the model when nil.
    public var trainableWeightMask: [Bool]?
    /// The penalties the layers' activity regularizers added since it was last set to 0 (Keras
    /// adds each to the model's `losses`, so to the loss): `fit` and `evaluate` read it after
    /// each step.
    public var activityLoss: Float = 0
    private var draws: UInt64 = 0

    /// A context for training (`isTraining`) or inference, drawing from `seed`.
    public init(isTraining: Bool = true, seed: UInt64 = 0, computesInputGradients: Bool = false) {
        self.isTraining = isTraining
        self.seed = seed
        self.computesInputGradients = computesInputGradients
    }

    /// Adds `gradient` to model input `input`'s, when the context computes them (the generated
    /// step calls this for each reader of each input).
    public mutating func addInputGradient(_ gradient: Tensor, input: Int) {
        guard computesInputGradients else { return }
        while inputGradients.count <= input { inputGradients.append(nil) }
        inputGradients[input] = inputGradients[input].map { $0.adding(gradient) } ?? gradient
    }

    /// A generator for the next random draw: each call gives a different one, in order.
    public mutating func nextGenerator() -> Philox {
        draws += 1
        return Philox(seed: Seeds.mix(seed, draws))
    }
}

/// The gradients of one layer call: of its inputs (when asked for) and of its trainable weights
/// in Keras's `trainable_weights` order.
public struct LayerGradients: Sendable {
    /// ∂loss/∂input, one per input; empty when the inputs' gradients were not asked for.
    public var inputs: [Tensor]
    /// ∂loss/∂weight, one per trainable weight of the layer.
    public var weights: [Tensor]

    /// Gradients of `inputs` and `weights`.
    public init(inputs: [Tensor], weights: [Tensor] = []) {
        self.inputs = inputs
        self.weights = weights
    }
}

/// A one-input layer with a backward pass: generated training code calls
/// `trainingCall(_:context:)` in graph order, then `backward(_:tape:inputGradient:)` in reverse.
public protocol TrainableLayer: UnaryLayer {
    /// What the training call keeps for the backward pass.
    associatedtype Tape: Sendable
    /// The output of a call in the mode `context` says, and what the backward pass needs.
    func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tape)
    /// The gradients of the call that made `tape`, given ∂loss/∂output: the input's when
    /// `inputGradient`, and the trainable weights'.
    func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients
    /// Keeps what a training call changed in the layer's state (BatchNormalization's moving
    /// statistics); nothing for most layers.
    mutating func update(from tape: Tape)
}

extension TrainableLayer {
    public mutating func update(from tape: Tape) {}
}

/// A layer of several inputs with a backward pass (merges).
public protocol TrainableMerge: MergeLayer {
    /// What the training call keeps for the backward pass.
    associatedtype Tape: Sendable
    /// The output of a call, and what the backward pass needs.
    func trainingCall(_ inputs: [Tensor], context: inout TrainingContext) -> (output: Tensor, tape: Tape)
    /// The gradients of the call that made `tape`, given ∂loss/∂output: one per input when
    /// `inputGradient`, and the trainable weights'.
    func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients
}

/// The trainable weights' gradients of one training step, gathered layer by layer as the
/// generated backward pass runs; a weight used by several calls gets the sum.
///
/// Generated code places each layer's gradients by the offset of its first weight in
/// `get_weights()` order (a layer's differentiable weights come first: kernel and bias, gamma
/// and beta before the moving statistics); `trainable`, the model's ``Model/trainableWeightMask``
/// as it is now, decides which of them are kept, so a layer frozen by editing the config gets none.
public struct ModelGradients: Sendable {
    private var gradients: [Tensor?]
    private let trainable: [Bool]

    /// Room for the gradients of `count` weights (`get_weights()` order), of which those
    /// `trainable` marks are kept.
    public init(count: Int, trainable: [Bool]) {
        precondition(trainable.count == count, "ModelGradients: \(trainable.count) flags for \(count) weights")
        gradients = Array(repeating: nil, count: count)
        self.trainable = trainable
    }

    /// Runs `layer`'s backward pass for the call that made `tape`, adds its weights' gradients
    /// from `weightsAt` (its first weight's index; nil for a layer without weights) and returns
    /// its input's gradient.
    @discardableResult
    public mutating func backward<L: TrainableLayer>(
        _ layer: L, _ outputGradient: Tensor, tape: L.Tape, weightsAt offset: Int?, inputGradient: Bool = true
    ) -> Tensor {
        let result = layer.backward(outputGradient, tape: tape, inputGradient: inputGradient)
        if let offset { add(result.weights, at: offset) }
        return result.inputs.first ?? Tensor(shape: [0], repeating: 0)
    }

    /// Runs the backward pass of a recurrent call with initial states or state outputs, from a
    /// gradient per output; returns the input's gradient (empty unless `inputGradient`), then
    /// the initial states'.
    @discardableResult
    public mutating func backward<Cell: RecurrentCellKind>(
        _ layer: Recurrent<Cell>, _ outputGradients: [Tensor], tape: Recurrent<Cell>.Tape, weightsAt offset: Int?,
        inputGradient: Bool = true
    ) -> [Tensor] {
        let result = layer.backward(outputGradients, tape: tape, inputGradient: inputGradient)
        if let offset { add(result.weights, at: offset) }
        return result.inputs
    }

    /// Runs a merge's backward pass; returns its inputs' gradients.
    @discardableResult
    public mutating func backward<L: TrainableMerge>(
        _ layer: L, _ outputGradient: Tensor, tape: L.Tape, weightsAt offset: Int?, inputGradient: Bool = true
    ) -> [Tensor] {
        let result = layer.backward(outputGradient, tape: tape, inputGradient: inputGradient)
        if let offset { add(result.weights, at: offset) }
        return result.inputs
    }

    /// Runs a nested model's backward pass for the call that made `tape`: its weights'
    /// gradients go from `offset` on (its first weight's index), kept where this model's mask
    /// says they train. Returns its inputs' gradients (empty unless `inputGradient`).
    @discardableResult
    public mutating func backward<M: StagedTrainableModel>(
        nested model: inout M, _ outputGradients: [Tensor], tape: StagedTraining, weightsAt offset: Int,
        inputGradient: Bool = true, context: inout TrainingContext
    ) -> [Tensor] {
        let count = model.weights.count
        var inner = ModelGradients(count: count, trainable: Array(trainable[offset..<(offset + count)]))
        let inputs = model.backward(
            outputGradients, tape: tape, into: &inner, inputGradients: inputGradient, context: &context)
        for (index, gradient) in inner.gradients.enumerated() {
            if let gradient { add([gradient], at: offset + index) }
        }
        return inputs
    }

    /// Adds `weights` to the gradients from `offset` on, for the trainable ones.
    public mutating func add(_ weights: [Tensor], at offset: Int) {
        for (index, gradient) in zip(offset..., weights) where trainable[index] {
            if let existing = gradients[index] {
                gradients[index] = existing.adding(gradient)
            } else {
                gradients[index] = gradient
            }
        }
    }

    /// The gradients of the trainable weights, in ``Model/trainableWeights`` order (every layer
    /// of a generated model reaches an output, so each trainable weight has one).
    public var tensors: [Tensor] {
        gradients.indices.filter { trainable[$0] }.map { index in
            guard let gradient = gradients[index] else {
                preconditionFailure("ModelGradients: no gradient for trainable weight \(index)")
            }
            return gradient
        }
    }
}

/// The sum of the gradients that flow into one tensor from its several readers. A reader of a
/// model input that was not asked for its gradient passes an empty tensor (shape `[0]`), which
/// adds nothing.
public func sumGradients(_ first: Tensor, _ others: Tensor...) -> Tensor {
    others.reduce(first) { $0.adding($1) }
}

extension Tensor {
    /// The element-wise sum of two tensors of one shape; an empty tensor (shape `[0]`, the
    /// gradient nobody asked for) adds nothing.
    func adding(_ other: Tensor) -> Tensor {
        if shape == [0] { return other }
        if other.shape == [0] { return self }
        precondition(shape == other.shape, "gradients of shapes \(shape) and \(other.shape) cannot be added")
        return zipped(with: other) { $0 + $1 }
    }

    /// `combine` of each pair of scalars of two tensors of one shape.
    func zipped(with other: Tensor, _ combine: (Float, Float) -> Float) -> Tensor {
        Tensor(shape: shape) { out in
            withUnsafeScalars { a in
                other.withUnsafeScalars { b in
                    for index in 0..<out.count { out[index] = combine(a[index], b[index]) }
                }
            }
        }
    }

}

/// What a layer with an activation keeps for its backward pass: its input, its output, and its
/// value before the activation when the activation's derivative needs it.
public struct ActivatedTape: Sendable {
    /// The layer's input.
    public let input: Tensor
    /// The layer's output, after the activation.
    public let output: Tensor
    /// The value before the activation, kept only when the derivative needs it.
    public let beforeActivation: Tensor?

    /// The tape of a call on `input`: `call` computes the output with the activation fused in
    /// when the derivative needs only the output; otherwise `linear` computes the value before
    /// the activation, which is kept.
    init(
        input: Tensor, activation: ActivationFunction, call: () -> Tensor, linear: () -> Tensor
    ) {
        self.input = input
        if activation.gradientNeedsInput {
            let product = linear()
            beforeActivation = product
            output = activation.applied(to: product)
        } else {
            beforeActivation = nil
            output = call()
        }
    }

    /// ∂loss/∂(value before the activation), given ∂loss/∂output.
    func activationGradient(_ outputGradient: Tensor, _ activation: ActivationFunction) -> Tensor {
        activation.gradient(outputGradient, input: beforeActivation, output: output)
    }
}
