// The model side of training: trainable weights in Keras's order, and what generated code
// supplies for `fit` (see Fit.swift).

/// A generated model whose every layer has a backward pass: it can be trained in Swift with its
/// `fit` methods (<doc:TrainingClones>).
///
/// The generator writes both requirements: `outputList(for:)` calls the model, and
/// `trainingStep(_:_:_:)` runs every layer's training call in graph order, then their backward
/// passes in reverse.
public protocol TrainableModel: Model {
    /// The outputs for `inputs` (one per model input, in `input_layers` order), at inference,
    /// in `output_layers` order.
    func outputList(for inputs: [Tensor]) -> [Tensor]

    /// One training step's forward and backward pass (Keras's `train_step` before the
    /// optimizer): the model's call on `inputs` in `context`'s mode, `lossGradients` turning its
    /// outputs into ∂loss/∂output, then the layers' backward passes in reverse. Returns the
    /// gradients in ``Model/trainableWeights`` order; keeps the state the call moved
    /// (BatchNormalization's moving statistics).
    mutating func trainingStep(
        _ inputs: [Tensor], _ context: inout TrainingContext, _ lossGradients: ([Tensor]) -> [Tensor]
    ) -> [Tensor]
}

/// A trainable model whose training call and backward pass run apart, keeping what the
/// backward pass reads in a ``StagedTraining``: a model nested in another (the outer model's
/// step calls both around its own layers) and a large model, whose step runs in stages.
///
/// The generator writes both requirements; ``TrainableModel/trainingStep(_:_:_:)`` runs one
/// after the other.
public protocol StagedTrainableModel: TrainableModel {
    /// The model's calls on `inputs` in `context`'s mode: the outputs (in `output_layers`
    /// order), and what ``backward(_:tape:into:inputGradients:context:)`` reads.
    func trainingCall(_ inputs: [Tensor], context: inout TrainingContext) -> (outputs: [Tensor], tape: StagedTraining)

    /// The layers' backward passes in reverse, from the outputs' gradients: adds the weights'
    /// gradients to `weightGradients` (this model's `get_weights()` order), keeps the state the
    /// training call moved, and returns each input's gradient when `inputGradients` (zeros
    /// where none flows, e.g. into token ids), else empty tensors.
    mutating func backward(
        _ outputGradients: [Tensor], tape: StagedTraining, into weightGradients: inout ModelGradients,
        inputGradients: Bool, context: inout TrainingContext
    ) -> [Tensor]
}

extension StagedTrainableModel {
    /// The training call, the loss's gradients, the backward pass.
    public mutating func trainingStep(
        _ inputs: [Tensor], _ context: inout TrainingContext, _ lossGradients: ([Tensor]) -> [Tensor]
    ) -> [Tensor] {
        let (outputs, tape) = trainingCall(inputs, context: &context)
        let mask = context.trainableWeightMask ?? trainableWeightMask
        var gradients = ModelGradients(count: mask.count, trainable: mask)
        let inputGradients = backward(
            lossGradients(outputs), tape: tape, into: &gradients, inputGradients: context.computesInputGradients,
            context: &context)
        for (index, gradient) in inputGradients.enumerated() { context.addInputGradient(gradient, input: index) }
        return gradients.tensors
    }
}

extension Model {
    /// Which of ``Layer/weights`` are trainable, in `get_weights()` order: Keras's
    /// `trainable_weights` are these, in this order (none when the model's `trainable` is false).
    public var trainableWeightMask: [Bool] {
        do {
            let trainable = config.model.trainable
            return try config.kerasWeightPaths().map { trainable && $0.trainable }
        } catch {
            preconditionFailure("\(Self.self): the config of a built model always fits: \(error)")
        }
    }

    /// The trainable weights, Keras's `model.trainable_weights`, in its order.
    public var trainableWeights: [Tensor] {
        zip(weights, trainableWeightMask).filter(\.1).map(\.0)
    }

    /// Replaces the trainable weights (in ``trainableWeights`` order), keeping the others.
    public mutating func setTrainableWeights(_ trainable: [Tensor]) throws {
        try setTrainableWeights(trainable, mask: trainableWeightMask)
    }

    /// `setTrainableWeights(_:)` with the mask already known (`fit` reads it once).
    mutating func setTrainableWeights(_ trainable: [Tensor], mask: [Bool]) throws {
        let expected = mask.filter { $0 }.count
        guard trainable.count == expected else {
            throw WeightError("\(Self.self): \(trainable.count) trainable weights given, \(expected) expected")
        }
        var all = weights
        var next = trainable.makeIterator()
        for index in all.indices where mask[index] { all[index] = next.next()! }
        try setWeights(all)
    }
}
