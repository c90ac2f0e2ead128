// The training step of a large model, whose generated code runs in stages.

/// What a large model's training step keeps between its stages (generated functions of a few
/// dozen calls each, as its call runs): each call's output and tape under the call's local name,
/// and the gradient flowing back into each output, summed over its readers.
///
/// The generated forward stages record each training call; the backward stages run
/// ``backward(_:_:input:weightsAt:into:inputGradient:)`` for each call in reverse order, which
/// reads the call's tape and the gradient of its output and passes its input's gradient on.
public struct StagedTraining: Sendable {
    private var values: [String: Tensor] = [:]
    private var tapes: [String: any Sendable] = [:]
    private var gradients: [String: Tensor] = [:]

    /// An empty step.
    public init() {}

    /// The output (or mask) recorded under `name`.
    public subscript(name: String) -> Tensor {
        get {
            guard let value = values[name] else { preconditionFailure("StagedTraining: no value '\(name)' yet") }
            return value
        }
        set { values[name] = newValue }
    }

    /// Keeps a training call's output under `name`, and its tape for the backward pass.
    public mutating func record<Tape: Sendable>(_ name: String, _ call: (output: Tensor, tape: Tape)) {
        values[name] = call.output
        tapes[name] = call.tape
    }

    /// The tape of the call recorded under `name` (BatchNormalization's moving statistics).
    public func tape<Tape>(_ name: String) -> Tape {
        guard let tape = tapes[name] as? Tape else {
            preconditionFailure("StagedTraining: no tape of type \(Tape.self) for '\(name)'")
        }
        return tape
    }

    /// Adds `gradient` to the gradient flowing into the output `name`.
    public mutating func addGradient(_ gradient: Tensor, to name: String) {
        gradients[name] = gradients[name].map { $0.adding(gradient) } ?? gradient
    }

    /// The gradient that flowed into `name`.
    public func gradient(_ name: String) -> Tensor {
        guard let gradient = gradients[name] else { preconditionFailure("StagedTraining: no gradient for '\(name)'") }
        return gradient
    }

    /// The gradient that flowed into the model input `name`, zeros where none did (token ids);
    /// an empty tensor (shape `[0]`) when not `asked`.
    public func inputGradient(_ name: String, asked: Bool) -> Tensor {
        guard asked else { return Tensor(shape: [0], repeating: 0) }
        return gradients[name] ?? Tensor(shape: self[name].shape, repeating: 0)
    }

    /// Keeps a nested model's training call (one output) under `name`; its tape is the nested
    /// model's own `StagedTraining`.
    public mutating func record(_ name: String, _ call: (outputs: [Tensor], tape: StagedTraining)) {
        values[name] = call.outputs[0]
        tapes[name] = call.tape
    }

    /// Runs `layer`'s backward pass for its call recorded as `name`, adds its weights'
    /// gradients to `weightGradients` from `offset`, and its input's gradient to `input`'s
    /// (when `inputGradient`: false for a call reading a model input whose gradient nobody asked).
    public mutating func backward<L: TrainableLayer>(
        _ layer: L, _ name: String, input: String, weightsAt offset: Int?,
        into weightGradients: inout ModelGradients, inputGradient: Bool = true
    ) {
        let gradient = weightGradients.backward(
            layer, self.gradient(name), tape: tape(name), weightsAt: offset, inputGradient: inputGradient)
        release(name)
        if inputGradient { addGradient(gradient, to: input) }
    }

    /// A merge's backward pass for its call recorded as `name`: its inputs' gradients go to
    /// `inputs`' (in order; an input read twice gets both).
    public mutating func backward<L: TrainableMerge>(
        _ layer: L, _ name: String, inputs: [String], weightsAt offset: Int?,
        into weightGradients: inout ModelGradients, inputGradient: Bool = true
    ) {
        let gradients = weightGradients.backward(
            layer, self.gradient(name), tape: tape(name), weightsAt: offset, inputGradient: inputGradient)
        release(name)
        guard inputGradient else { return }
        for (input, gradient) in zip(inputs, gradients) { addGradient(gradient, to: input) }
    }

    /// A nested model's backward pass for its call recorded as `name`: its weights' gradients
    /// go from `offset` on, its inputs' gradients to `inputs`'.
    public mutating func backward<M: StagedTrainableModel>(
        nested model: inout M, _ name: String, inputs: [String], weightsAt offset: Int,
        into weightGradients: inout ModelGradients, context: inout TrainingContext, inputGradient: Bool = true
    ) {
        let gradients = weightGradients.backward(
            nested: &model, [self.gradient(name)], tape: tape(name), weightsAt: offset, inputGradient: inputGradient,
            context: &context)
        release(name)
        guard inputGradient else { return }
        for (input, gradient) in zip(inputs, gradients) { addGradient(gradient, to: input) }
    }

    /// Drops what the call recorded as `name` kept, once its backward pass ran (its tape stays
    /// when a layer's state update still reads it).
    private mutating func release(_ name: String) {
        values[name] = nil
        gradients[name] = nil
    }
}
