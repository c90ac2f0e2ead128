import ModelSpec

// The training call and backward pass of a large model (more calls than a stage) or a nested
// one, apart: the calls run in stage functions that keep their outputs, tapes and gradients in
// a `StagedTraining` under the calls' local names; the model conforms to `StagedTrainableModel`,
// whose `trainingStep` runs one after the other.
extension Renderer {
    /// `trainingCall(_:context:)`, `backward(_:tape:into:inputGradients:context:)` and the
    /// stage functions.
    func renderStagedTraining(_ stages: TrainingPlan.Stages, _ out: inout SourceWriter) {
        out.line("/// The calls on `trainingInputs` in `trainingContext`'s mode, each keeping what its backward")
        out.line("/// pass reads: the outputs, and the tape `backward` reads.")
        out.line("\(access)func trainingCall(")
        out.indented { out in
            out.line("_ trainingInputs: [Tensor], context trainingContext: inout TrainingContext")
        }
        out.block(") -> (outputs: [Tensor], tape: StagedTraining)") { out in
            out.line("var staged = StagedTraining()")
            for stage in stages.forward { out.line("\(stage.name)(trainingInputs, &staged, &trainingContext)") }
            let outputs = graph.outputs.map { "staged[\"\(locals[$0.node])\"]" }.joined(separator: ", ")
            out.line("return ([\(outputs)], staged)")
        }
        out.line()
        out.line("/// Each call's backward pass in reverse, from the outputs' gradients: the weights' gradients")
        out.line("/// into `weightGradients`, the moved state kept; the inputs' gradients when `inputGradients`.")
        out.line("\(access)mutating func backward(")
        out.indented { out in
            out.line(
                "_ outputGradients: [Tensor], tape: StagedTraining, into weightGradients: inout ModelGradients, "
                    + "inputGradients: Bool, context trainingContext: inout TrainingContext")
        }
        out.block(") -> [Tensor]") { out in
            out.line("var staged = tape")
            for (output, ref) in graph.outputs.enumerated() {
                out.line("staged.addGradient(outputGradients[\(output)], to: \"\(locals[ref.node])\")")
            }
            for stage in stages.backward {
                out.line("\(stage.name)(&staged, &weightGradients, inputGradients, &trainingContext)")
            }
            let inputs = graph.inputs.map { "staged.inputGradient(\"\(locals[$0])\", asked: inputGradients)" }
            out.line("return [\(inputs.joined(separator: ", "))]")
        }
        renderStages(stages, &out)
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
                    "_ trainingInputs: [Tensor], _ staged: inout StagedTraining, "
                        + "_ trainingContext: inout TrainingContext"
                )
            }
            out.block(")") { out in
                for index in stage.nodes { renderStagedForward(index, value: value, mask: mask, &out) }
            }
        }
        let contributions = gradientContributions
        for (number, stage) in stages.backward.enumerated() {
            // A stage keeping moved state (BatchNormalization's, a nested model's) mutates the model.
            let mutates = stage.nodes.contains { index in
                let layer = layers[graph.nodes[index].layer]
                return !layer.isInput
                    && (nested[graph.nodes[index].layer] != nil
                        || layer.config.map { type(of: $0).trainingUpdatesState } == true)
            }
            out.line()
            out.line(
                "/// Training step, backward stage \(stages.backward.count - number): \(callRange(stage.nodes)), "
                    + "in reverse.")
            out.line("private \(mutates ? "mutating " : "")func \(stage.name)(")
            out.indented { out in
                out.line(
                    "_ staged: inout StagedTraining, _ weightGradients: inout ModelGradients, _ inputGradients: Bool, "
                        + "_ trainingContext: inout TrainingContext")
            }
            out.block(")") { out in
                for index in stage.nodes.reversed() where !contributions[index].isEmpty {
                    renderStagedBackward(index, &out)
                }
            }
        }
    }

    /// A call of a forward stage: a model input checked, a mask-only call run, a training call
    /// (a nested model's too) recorded, and the mask it computes.
    private func renderStagedForward(
        _ index: Int, value: (ModelGraph.TensorRef) -> String, mask: (MaskPlan.Source?) -> String,
        _ out: inout SourceWriter
    ) {
        let node = graph.nodes[index]
        let (member, local) = (members[node.layer], locals[index])
        if node.inputs.isEmpty {
            let input = graph.inputs.firstIndex(of: index)!
            out.line("staged[\"\(local)\"] = self.\(member).check(trainingInputs[\(input)], model: \(typeLiteral))")
            return
        }
        let arguments = node.arguments.map(value)
        if nested[node.layer] != nil {
            out.line(
                "staged.record(\"\(local)\", "
                    + trainingCallExpression(node, "[" + arguments.joined(separator: ", ") + "]") + ")")
            return
        }
        let argument = layers[node.layer].isUnary ? arguments[0] : "[" + arguments.joined(separator: ", ") + "]"
        if training.maskOnly.contains(index) {
            out.line("staged[\"\(local)\"] = self.\(member)(\(argument))")
            return
        }
        let maskArgument = trainingMaskArguments(index, mask: mask, value: value)
        out.line("staged.record(\"\(local)\", " + trainingCallExpression(node, argument + maskArgument) + ")")
        if let name = maskLocals[index] {
            out.line("staged[\"\(name)\"] = " + computedMaskExpression(of: index, value: value, mask: mask))
        }
    }

    /// A call's backward pass in a backward stage, and the state update it keeps.
    private func renderStagedBackward(_ index: Int, _ out: inout SourceWriter) {
        let node = graph.nodes[index]
        guard !node.inputs.isEmpty else { return }  // a model input: `backward` returns its gradient
        let (member, local) = (members[node.layer], locals[index])
        let offset = training.weightOffsets[node.layer].map(String.init) ?? "nil"
        let inputGradient = readsOnlyInputs(node) ? ", inputGradient: inputGradients" : ""
        let names = node.arguments.map { "\"\(locals[$0.node])\"" }
        if nested[node.layer] != nil {
            out.line(
                "staged.backward(nested: &self.\(member), \"\(local)\", inputs: [\(names.joined(separator: ", "))], "
                    + "weightsAt: \(offset), into: &weightGradients, context: &trainingContext\(inputGradient))")
            return
        }
        let inputs =
            layers[node.layer].isUnary ? "input: \(names[0])" : "inputs: [" + names.joined(separator: ", ") + "]"
        out.line(
            "staged.backward(self.\(member), \"\(local)\", \(inputs), weightsAt: \(offset), into: &weightGradients"
                + inputGradient + ")")
        if let config = layers[node.layer].config, type(of: config).trainingUpdatesState {
            out.line("self.\(member).update(from: staged.tape(\"\(local)\"))")
        }
    }

    /// "calls 1–64" (or "call 65") for the calls of a stage, numbered from 1.
    private func callRange(_ nodes: [Int]) -> String {
        nodes.count == 1 ? "call \(nodes[0] + 1)" : "calls \(nodes[0] + 1)–\(nodes[nodes.count - 1] + 1)"
    }
}
