import ModelSpec

// The training step: every call in training mode, the loss's gradients, then every layer's
// backward pass in reverse graph order.
extension Renderer {
    var training: TrainingPlan { plan.training }

    /// Whether the model conforms to `TrainableModel` (`StagedTrainableModel` when staged).
    var isTrainable: Bool { training.blocker == nil }

    /// `outputList(for:)` and `trainingStep(_:_:_:)` (or, for a large or nested model, the
    /// training call and backward pass apart), for a trainable model.
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
        if let stages = training.stages {
            renderStagedTraining(stages, &out)
            return
        }
        out.line("/// One training step before the optimizer (Keras's `train_step`): each call on")
        out.line("/// `trainingInputs` in `trainingContext`'s mode, `gradientsOfLoss` turning the outputs into")
        out.line("/// their gradients, then each layer's backward pass in reverse. Returns the gradients of")
        out.line("/// the trainable weights, in `trainableWeights` order.")
        out.line("\(access)mutating func trainingStep(")
        out.indented { out in
            out.line(
                "_ trainingInputs: [Tensor], _ trainingContext: inout TrainingContext, "
                    + "_ gradientsOfLoss: ([Tensor]) -> [Tensor]"
            )
        }
        out.block(") -> [Tensor]") { out in
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
            let arguments = node.arguments.map(valueExpression)
            let argument = layers[node.layer].isUnary ? arguments[0] : "[" + arguments.joined(separator: ", ") + "]"
            if training.maskOnly.contains(index) {
                // A call that only makes a mask (NotEqual of the tokens): as in the call, no tape.
                out.line("let \(locals[index]) = self.\(member)(\(argument))")
                continue
            }
            if let outputs = training.nestedOutputs[index] {
                // A nested model: its outputs, and its own StagedTraining as the tape.
                out.line(
                    "let (\(outputs), \(training.tapes[index])) = "
                        + trainingCallExpression(node, "[" + arguments.joined(separator: ", ") + "]"))
                out.line("let \(locals[index]) = \(outputs)[0]")
                continue
            }
            let mask = trainingMaskArguments(index, mask: maskExpression, value: valueExpression)
            out.line(
                "let (\(locals[index]), \(training.tapes[index])) = "
                    + trainingCallExpression(node, argument + initialStateArgument(node) + mask))
            if let activity = training.activityGradients[index] {
                out.line(
                    "let \(activity) = trainingContext.activityRegularization(self.\(member), output: \(locals[index]))"
                )
            }
            if let computed = computedMask(of: index) { out.line(computed.line) }
        }
    }

    /// What flows back into each call's outputs: `outputGradients[i]` for a model output, and
    /// each reader's input gradient (`local`, or `local[position]` for a call whose gradients are
    /// a list), with the index of the output it is for.
    var gradientContributions: [[(output: Int, gradient: String)]] {
        var contributions = [[(output: Int, gradient: String)]](repeating: [], count: graph.nodes.count)
        for (output, ref) in graph.outputs.enumerated() {
            contributions[ref.node].append((ref.index, "outputGradients[\(output)]"))
        }
        for (index, activity) in training.activityGradients.sorted(by: { $0.key < $1.key }) {
            contributions[index].append((0, activity))
        }
        for (index, node) in graph.nodes.enumerated() where !training.maskOnly.contains(index) {
            let indexed = !layers[node.layer].isUnary || nested[node.layer] != nil || trainsThroughStates(node)
            for (position, ref) in (Array(node.arguments) + Array(node.initialStateInputs)).enumerated() {
                let local = training.inputGradients[index]
                contributions[ref.node].append((ref.index, indexed ? "\(local)[\(position)]" : local))
            }
        }
        return contributions
    }

    /// Whether a call reads only model inputs, so that it computes their gradients only when asked to.
    func readsOnlyInputs(_ node: ModelGraph.Node) -> Bool {
        !(Array(node.arguments) + Array(node.initialStateInputs)).contains { !graph.nodes[$0.node].inputs.isEmpty }
    }

    /// Whether a call trains through a recurrent layer's states: it starts from initial states
    /// or returns its final states (its training call and backward pass then take lists).
    func trainsThroughStates(_ node: ModelGraph.Node) -> Bool {
        node.layout.initialStates > 0
            || (nested[node.layer] == nil && (layers[node.layer].config?.outputCount ?? 1) > 1)
    }

    /// `, initialState: [...]` for a call with initial states, else nothing.
    func initialStateArgument(_ node: ModelGraph.Node) -> String {
        node.layout.initialStates == 0
            ? "" : ", initialState: [" + node.initialStateInputs.map(valueExpression).joined(separator: ", ") + "]"
    }

    /// The backward passes in reverse graph order: each call's output gradient is the sum of
    /// what its readers (and the loss, for an output) pass back.
    private func renderTrainingBackward(_ out: inout SourceWriter) {
        let contributions = gradientContributions
        for index in graph.nodes.indices.reversed() {
            let node = graph.nodes[index]
            let parts = contributions[index].map(\.gradient)
            guard !parts.isEmpty else { continue }
            var gradient = parts.count == 1 ? parts[0] : "sumGradients(" + parts.joined(separator: ", ") + ")"
            if trainsThroughStates(node) {
                // A gradient per output (zeros for an unused state), as a list.
                let outputs = layers[node.layer].config?.outputCount ?? 1
                gradient =
                    "["
                    + (0..<outputs).map { output in
                        let mine = contributions[index].filter { $0.output == output }.map(\.gradient)
                        if mine.isEmpty {
                            return "Tensor(shape: \(valueExpression(.init(index, output))).shape, repeating: 0)"
                        }
                        return mine.count == 1 ? mine[0] : "sumGradients(" + mine.joined(separator: ", ") + ")"
                    }.joined(separator: ", ") + "]"
            }
            guard !node.inputs.isEmpty else {
                let input = graph.inputs.firstIndex(of: index)!
                out.line("trainingContext.addInputGradient(\(gradient), input: \(input))")
                continue
            }
            let offset = training.weightOffsets[node.layer].map(String.init) ?? "nil"
            let inputGradient = readsOnlyInputs(node) ? ", inputGradient: trainingContext.computesInputGradients" : ""
            if nested[node.layer] != nil {
                out.line(
                    "let \(training.inputGradients[index]) = "
                        + "weightGradients.backward(nested: &self.\(members[node.layer]), "
                        + "[\(gradient)], tape: \(training.tapes[index]), weightsAt: \(offset)\(inputGradient), "
                        + "context: &trainingContext)")
                continue
            }
            out.line(
                "let \(training.inputGradients[index]) = weightGradients.backward(self.\(members[node.layer]), "
                    + "\(gradient), tape: \(training.tapes[index]), weightsAt: \(offset)\(inputGradient))")
        }
    }

    /// The masks a training call takes after its inputs, as the call passes them: a layer reading a
    /// Keras mask (a recurrent layer, masked pooling) gets `mask:`; MultiHeadAttention its
    /// `masks:`, `attentionMask:` and `useCausalMask:`.
    func trainingMaskArguments(
        _ index: Int, mask: (MaskPlan.Source?) -> String, value: (ModelGraph.TensorRef) -> String
    ) -> String {
        let node = graph.nodes[index]
        var arguments =
            description.masks.masksRead(by: index).map { masks in
                layers[node.layer].isUnary
                    ? ", mask: " + mask(masks[0]) : ", masks: [" + masks.map(mask).joined(separator: ", ") + "]"
            } ?? ""
        let attentionMask = node.maskInput("attention_mask").map { ", attentionMask: " + value($0) }
        if attentionMask != nil || node.layout.useCausalMask {
            if arguments.isEmpty { arguments = ", masks: []" }
            arguments += (attentionMask ?? "") + (node.layout.useCausalMask ? ", useCausalMask: true" : "")
        }
        return arguments
    }

    /// A call's training call on `arguments` (`trainingOutputs` for a layer with several
    /// outputs). A `training=False` Keras recorded on the call (a frozen base model's, as keras.io
    /// writes transfer learning) does not apply: Keras's functional call passes the outer
    /// `training=True` to every layer in `fit`.
    func trainingCallExpression(_ node: ModelGraph.Node, _ arguments: String) -> String {
        let several = nested[node.layer] == nil && (layers[node.layer].config?.outputCount ?? 1) > 1
        return "self.\(members[node.layer]).\(several ? "trainingOutputs" : "trainingCall")(\(arguments), "
            + "context: &trainingContext)"
    }
}
