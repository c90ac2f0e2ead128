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
        out.line("\(access)mutating func trainingStep(")
        out.indented { out in
            out.line(
                "_ trainingInputs: [Tensor], _ trainingContext: inout TrainingContext, _ gradientsOfLoss: ([Tensor]) -> [Tensor]"
            )
        }
        if let stages = training.stages {
            out.block(") -> [Tensor]") { out in renderStagedStep(stages, &out) }
            renderStages(stages, &out)
            return
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
            // A layer reading a Keras mask (a recurrent layer, masked pooling) gets it as in the call.
            let mask = description.masks.masksRead(by: index).map { ", mask: " + maskExpression($0[0]) } ?? ""
            out.line(
                "let (\(locals[index]), \(training.tapes[index])) = self.\(member).trainingCall(\(argument)\(mask), "
                    + "context: &trainingContext)")
            if let computed = computedMask(of: index) { out.line(computed.line) }
        }
    }

    /// What flows back into each call's output: `outputGradients[i]` for a model output, and
    /// each reader's input gradient (`local` or `local[position]` for a merge).
    private var gradientContributions: [[String]] {
        var contributions = [[String]](repeating: [], count: graph.nodes.count)
        for (output, ref) in graph.outputs.enumerated() { contributions[ref.node].append("outputGradients[\(output)]") }
        for (index, node) in graph.nodes.enumerated() where !training.maskOnly.contains(index) {
            for (position, ref) in node.arguments.enumerated() {
                let local = training.inputGradients[index]
                contributions[ref.node].append(node.arguments.count > 1 ? "\(local)[\(position)]" : local)
            }
        }
        return contributions
    }

    /// Whether a call reads only model inputs, so that it computes their gradients only when asked to.
    private func readsOnlyInputs(_ node: ModelGraph.Node) -> Bool {
        !node.arguments.contains { !graph.nodes[$0.node].inputs.isEmpty }
    }

    /// The backward passes in reverse graph order: each call's output gradient is the sum of
    /// what its readers (and the loss, for an output) pass back.
    private func renderTrainingBackward(_ out: inout SourceWriter) {
        let contributions = gradientContributions
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
            out.line(
                "let \(training.inputGradients[index]) = weightGradients.backward(self.\(members[node.layer]), "
                    + "\(gradient), tape: \(training.tapes[index]), weightsAt: \(offset)"
                    + (readsOnlyInputs(node) ? ", inputGradient: trainingContext.computesInputGradients)" : ")"))
        }
    }

    // A large model's step: the calls run in stage functions that keep their outputs, tapes and
    // gradients in a `StagedTraining` under the calls' local names.

    /// `trainingStep`'s body: the forward stages, the loss's gradients, the backward stages in
    /// reverse, the state updates.
    private func renderStagedStep(_ stages: TrainingPlan.Stages, _ out: inout SourceWriter) {
        out.line("var staged = StagedTraining()")
        for stage in stages.forward { out.line("\(stage.name)(trainingInputs, &staged, &trainingContext)") }
        let outputs = graph.outputs.map { "staged[\"\(locals[$0.node])\"]" }.joined(separator: ", ")
        out.line("let outputGradients = gradientsOfLoss([\(outputs)])")
        for (output, ref) in graph.outputs.enumerated() {
            out.line("staged.addGradient(outputGradients[\(output)], to: \"\(locals[ref.node])\")")
        }
        out.line(
            "var weightGradients = ModelGradients(count: \(training.weightCount), trainable: "
                + "trainingContext.trainableWeightMask ?? trainableWeightMask)")
        for stage in stages.backward {
            out.line("\(stage.name)(&staged, &weightGradients, &trainingContext)")
        }
        out.line("return weightGradients.tensors")
    }

    /// The stage functions: forward ones record each training call; backward ones run each
    /// call's backward pass (and keep a layer's moved state), in reverse.
    private func renderStages(_ stages: TrainingPlan.Stages, _ out: inout SourceWriter) {
        func value(_ ref: ModelGraph.TensorRef) -> String { "staged[\"\(locals[ref.node])\"]" }
        func mask(_ source: MaskPlan.Source?) -> String {
            switch source {
            case nil: "nil"
            case .computed(let node)?: "staged[\"\(maskLocals[node]!)\"]"
            case .tensor(let ref)?: value(ref)
            }
        }
        for (number, stage) in stages.forward.enumerated() {
            out.line()
            out.line("/// Training step, forward stage \(number + 1): \(callRange(stage.nodes)).")
            out.line("private func \(stage.name)(")
            out.indented { out in
                out.line(
                    "_ trainingInputs: [Tensor], _ staged: inout StagedTraining, _ trainingContext: inout TrainingContext"
                )
            }
            out.block(")") { out in
                for index in stage.nodes {
                    let node = graph.nodes[index]
                    let (member, local) = (members[node.layer], locals[index])
                    if node.inputs.isEmpty {
                        let input = graph.inputs.firstIndex(of: index)!
                        out.line(
                            "staged[\"\(local)\"] = self.\(member).check(trainingInputs[\(input)], model: \(typeLiteral))"
                        )
                        continue
                    }
                    let arguments = node.arguments.map(value)
                    let argument =
                        layers[node.layer].isUnary ? arguments[0] : "[" + arguments.joined(separator: ", ") + "]"
                    if training.maskOnly.contains(index) {
                        out.line("staged[\"\(local)\"] = self.\(member)(\(argument))")
                        continue
                    }
                    let maskArgument = description.masks.masksRead(by: index).map { ", mask: " + mask($0[0]) } ?? ""
                    out.line(
                        "staged.record(\"\(local)\", self.\(member).trainingCall(\(argument)\(maskArgument), "
                            + "context: &trainingContext))")
                    if let name = maskLocals[index] {
                        out.line("staged[\"\(name)\"] = " + computedMaskExpression(of: index, value: value, mask: mask))
                    }
                }
            }
        }
        let contributions = gradientContributions
        for (number, stage) in stages.backward.enumerated() {
            let updates = stage.nodes.contains { index in
                !layers[graph.nodes[index].layer].isInput
                    && layers[graph.nodes[index].layer].config.map { type(of: $0).trainingUpdatesState } == true
            }
            out.line()
            out.line(
                "/// Training step, backward stage \(stages.backward.count - number): \(callRange(stage.nodes)), "
                    + "in reverse.")
            out.line("private \(updates ? "mutating " : "")func \(stage.name)(")
            out.indented { out in
                out.line(
                    "_ staged: inout StagedTraining, _ weightGradients: inout ModelGradients, "
                        + "_ trainingContext: inout TrainingContext")
            }
            out.block(")") { out in
                for index in stage.nodes.reversed() where !contributions[index].isEmpty {
                    let node = graph.nodes[index]
                    let (member, local) = (members[node.layer], locals[index])
                    guard !node.inputs.isEmpty else {
                        let input = graph.inputs.firstIndex(of: index)!
                        out.block("if trainingContext.computesInputGradients") { out in
                            out.line("trainingContext.addInputGradient(staged.gradient(\"\(local)\"), input: \(input))")
                        }
                        continue
                    }
                    let offset = training.weightOffsets[node.layer].map(String.init) ?? "nil"
                    let inputs =
                        layers[node.layer].isUnary
                        ? "input: \"\(locals[node.arguments.first!.node])\""
                        : "inputs: [" + node.arguments.map { "\"\(locals[$0.node])\"" }.joined(separator: ", ") + "]"
                    out.line(
                        "staged.backward(self.\(member), \"\(local)\", \(inputs), weightsAt: \(offset), into: &weightGradients"
                            + (readsOnlyInputs(node) ? ", inputGradient: trainingContext.computesInputGradients)" : ")")
                    )
                    if let config = layers[node.layer].config, type(of: config).trainingUpdatesState {
                        out.line("self.\(member).update(from: staged.tape(\"\(local)\"))")
                    }
                }
            }
        }
    }

    /// "calls 1–64" (or "call 65") for the calls of a stage, numbered from 1.
    private func callRange(_ nodes: [Int]) -> String {
        nodes.count == 1 ? "call \(nodes[0] + 1)" : "calls \(nodes[0] + 1)–\(nodes[nodes.count - 1] + 1)"
    }
}
