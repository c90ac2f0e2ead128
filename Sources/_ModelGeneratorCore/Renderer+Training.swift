import ModelSpec

// The training step: every call in training mode, the loss's gradients, then every layer's
// backward pass in reverse graph order.
extension Renderer {
    var training: TrainingPlan { plan.training }

    /// Whether the model conforms to `TrainableModel`.
    var isTrainable: Bool { training.blocker == nil }

    /// `outputList(for:)` and `trainingStep(_:_:_:)`, for a trainable model.
    func renderTraining(_ out: inout SourceWriter) {
        let arguments = parameters.indices.map { index in parameterLabels.map { "\($0[index]): " } ?? "" }
        let call = zip(arguments, parameters.indices).map { "\($0)trainingInputs[\($1)]" }.joined(separator: ", ")
        out.line("/// The outputs for `trainingInputs`, one per model input, as a list: what `fit`, `evaluate`")
        out.line("/// and `predict` call.")
        out.block("\(access)func outputList(for trainingInputs: [Tensor]) -> [Tensor]") { out in
            if outputLabels.count == 1 {
                out.line("[self(\(call))]")
            } else {
                out.line("let outputs = self(\(call))")
                out.line("return [" + outputLabels.map { "outputs.\($0)" }.joined(separator: ", ") + "]")
            }
        }
        out.line()
        out.line("/// One training step before the optimizer (Keras's `train_step`): each call on")
        out.line("/// `trainingInputs` in `trainingContext`'s mode, `gradientsOfLoss` turning the outputs into")
        out.line("/// their gradients, then each layer's backward pass in reverse. Returns the gradients of")
        out.line("/// the trainable weights, in `trainableWeights` order.")
        out.block(
            "\(access)mutating func trainingStep(\n        _ trainingInputs: [Tensor], _ trainingContext: inout "
                + "TrainingContext, _ gradientsOfLoss: ([Tensor]) -> [Tensor]\n    ) -> [Tensor]"
        ) { out in
            renderTrainingForward(&out)
            let outputs = graph.outputs.map { valueExpression($0) }.joined(separator: ", ")
            out.line("let outputGradients = gradientsOfLoss([\(outputs)])")
            out.line(
                "var weightGradients = ModelGradients(count: \(training.weightCount), trainable: "
                    + "trainingContext.trainableWeightMask ?? trainableWeightMask)")
            renderTrainingBackward(&out)
            for (index, node) in graph.nodes.enumerated() where !layers[node.layer].isInput {
                guard let config = layers[node.layer].config, type(of: config).trainingUpdatesState else { continue }
                out.line("self.\(members[node.layer]).update(from: \(training.tapes[index]))")
            }
            out.line("return weightGradients.tensors")
        }
    }

    /// The calls in graph order, each keeping its tape.
    private func renderTrainingForward(_ out: inout SourceWriter) {
        for (index, node) in graph.nodes.enumerated() {
            let member = members[node.layer]
            if node.inputs.isEmpty {
                let input = graph.inputs.firstIndex(of: index)!
                out.line("let \(locals[index]) = self.\(member).check(trainingInputs[\(input)], model: \(typeLiteral))")
                continue
            }
            let arguments = node.inputs.map(valueExpression)
            let argument = layers[node.layer].isUnary ? arguments[0] : "[" + arguments.joined(separator: ", ") + "]"
            out.line(
                "let (\(locals[index]), \(training.tapes[index])) = self.\(member).trainingCall(\(argument), "
                    + "context: &trainingContext)")
        }
    }

    /// The backward passes in reverse graph order: each call's output gradient is the sum of
    /// what its readers (and the loss, for an output) pass back.
    private func renderTrainingBackward(_ out: inout SourceWriter) {
        var contributions = [[String]](repeating: [], count: graph.nodes.count)
        for (output, ref) in graph.outputs.enumerated() { contributions[ref.node].append("outputGradients[\(output)]") }
        for (index, node) in graph.nodes.enumerated() {
            for (position, ref) in node.inputs.enumerated() {
                let local = training.inputGradients[index]
                contributions[ref.node].append(node.inputs.count > 1 ? "\(local)[\(position)]" : local)
            }
        }
        for index in graph.nodes.indices.reversed() {
            let node = graph.nodes[index]
            let parts = contributions[index]
            guard !parts.isEmpty else { continue }
            let gradient = parts.count == 1 ? parts[0] : "sumGradients(" + parts.joined(separator: ", ") + ")"
            guard !node.inputs.isEmpty else {
                let input = graph.inputs.firstIndex(of: index)!
                out.line("trainingContext.addInputGradient(\(gradient), input: \(input))")
                continue
            }
            let offset = training.weightOffsets[node.layer].map(String.init) ?? "nil"
            // A call reading only model inputs computes their gradients only when asked to.
            let readsCalls = node.inputs.contains { !graph.nodes[$0.node].inputs.isEmpty }
            out.line(
                "let \(training.inputGradients[index]) = weightGradients.backward(self.\(members[node.layer]), "
                    + "\(gradient), tape: \(training.tapes[index]), weightsAt: \(offset)"
                    + (readsCalls ? ")" : ", inputGradient: trainingContext.computesInputGradients)"))
        }
    }
}
