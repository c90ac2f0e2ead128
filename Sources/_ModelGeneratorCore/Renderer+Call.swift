import ModelSpec

// The call: its statements, masks, stages and fused chains.
extension Renderer {
    /// Swift for a call's output.
    func valueExpression(_ ref: ModelGraph.TensorRef) -> String {
        let layer = graph.nodes[ref.node].layer
        if let model = nested[layer], model.outputLabels.count > 1 {
            return "\(locals[ref.node]).\(model.outputLabels[ref.index])"
        }
        if (layers[layer].config?.outputCount ?? 1) > 1 { return "\(locals[ref.node])[\(ref.index)]" }
        return locals[ref.node]
    }

    /// The Swift type of a call's local: a `Tensor`, the outputs of a layer with several, or
    /// the labeled tuple of a nested model with several.
    func localType(_ node: Int) -> String {
        let layer = graph.nodes[node].layer
        if let model = nested[layer], model.outputLabels.count > 1 { return model.returnType }
        return (layers[layer].config?.outputCount ?? 1) > 1 ? "[Tensor]" : "Tensor"
    }

    /// The call's return type: a `Tensor`, or a tuple labeled by output name.
    var returnType: String {
        outputLabels.count == 1 ? "Tensor" : "(" + outputLabels.map { "\($0): Tensor" }.joined(separator: ", ") + ")"
    }

    /// One statement of the call: its lines, the locals it defines and the locals it reads.
    struct CallStatement {
        var lines: [String]
        var defines: [String]
        var reads: [String]
        /// The call it makes (the last of a fused chain).
        var node: Int
        /// A plain layer call (`interceptor.call`), written with `reusing:` when it is the last
        /// use of some of its inputs.
        var plainCall: PlainCall? = nil
    }

    /// `let local = interceptor.call(self.member, arguments, at: path)`.
    struct PlainCall {
        var local: String
        var member: String
        var arguments: [String]
        var isUnary: Bool

        /// The call, giving up (`consume`) the arguments in `dying` that it reads once: then the
        /// layer may write its output into their scalars.
        func line(dying: Set<String>) -> (line: String, consumed: Set<String>) {
            let consumed = Set(
                arguments.filter { name in dying.contains(name) && arguments.filter { $0 == name }.count == 1 })
            let call = "let \(local) = interceptor.call(self.\(member), "
            guard !consumed.isEmpty else {
                let inputs = isUnary ? arguments[0] : "[\(arguments.joined(separator: ", "))]"
                return (call + "\(inputs), at: path)", [])
            }
            let spelled = arguments.map { consumed.contains($0) ? "consume \($0)" : $0 }
            let inputs = isUnary ? spelled[0] : "[\(spelled.joined(separator: ", "))]"
            return (call + "reusing: \(inputs), at: path)", consumed)
        }
    }

    func renderCall(_ out: inout SourceWriter) {
        let inputs = zip(parameters, description.inputShapes).map { "\($0) \($1)" }.joined(separator: ", ")
        let labels = parameterLabels ?? parameters.map { _ in "_" }
        let signature = zip(labels, parameters).map { $0 == $1 ? "\($1): Tensor" : "\($0) \($1): Tensor" }.joined(
            separator: ", ")
        let arguments = zip(labels, parameters).map { $0 == "_" ? $1 : "\($0): \($1)" }.joined(separator: ", ")
        let shapes =
            outputLabels.count == 1
            ? "shape " + description.outputShapes[0].description : shapesText(description.outputShapes)
        out.line("/// Runs the model on \(inputs); returns \(shapes).")
        out.block("\(access)func callAsFunction(\(signature)) -> \(returnType)") { out in
            out.line("callAsFunction(\(arguments), intercepting: NoInterception())")
        }
        out.line()
        out.line("/// Runs the model, handing every layer's output to `interceptor`, which may replace it;")
        out.line("/// `path` is where the model sits in an outer model.")
        let full =
            "\(signature), intercepting interceptor: some CallInterceptor, at path: @autoclosure () -> LayerPath = "
            + "LayerPath([])"
        let statements = callStatements()
        let result =
            outputLabels.count == 1
            ? "return \(valueExpression(graph.outputs[0]))"
            : "return ("
                + zip(outputLabels, graph.outputs).map { "\($0): \(valueExpression($1))" }.joined(separator: ", ") + ")"
        let outputLocals = Set(graph.outputs.map { locals[$0.node] })
        guard !stageNames.isEmpty else {
            out.block("\(access)func callAsFunction(\(full)) -> \(returnType)") { out in
                renderStatements(statements[...], keeping: outputLocals, into: &out)
                out.line(result)
            }
            return
        }
        // A large call runs in stages of `stageSize` statements, each a function that takes the
        // locals it reads and returns those it defines that later stages read.
        let stages = stride(from: 0, to: statements.count, by: options.stageSize).map {
            statements[$0..<min($0 + options.stageSize, statements.count)]
        }
        var types: [String: String] = [:]
        var order: [String: Int] = [:]
        var lastRead: [String: Int] = [:]
        var definedIn = [Set<String>](repeating: [], count: stages.count)
        var readIn = definedIn
        func define(_ name: String, type: String) {
            if order[name] == nil { order[name] = order.count }
            types[name] = type
        }
        for name in parameters { define(name, type: "Tensor") }
        for (stage, statements) in stages.enumerated() {
            for statement in statements {
                for name in statement.reads where !definedIn[stage].contains(name) {
                    readIn[stage].insert(name)
                    lastRead[name] = stage
                }
                for name in statement.defines {
                    define(name, type: maskLocals[statement.node] == name ? "Tensor" : localType(statement.node))
                    definedIn[stage].insert(name)
                }
            }
        }
        for ref in graph.outputs { lastRead[locals[ref.node]] = stages.count }
        func sorted(_ names: Set<String>) -> [String] { names.sorted { order[$0]! < order[$1]! } }
        func stageArguments(_ stage: Int) -> [String] { sorted(readIn[stage]) }
        func stageResults(_ stage: Int) -> [String] {
            sorted(definedIn[stage].filter { lastRead[$0, default: -1] > stage })
        }
        func tuple(_ items: [String]) -> String {
            items.count == 1 ? items[0] : "(" + items.joined(separator: ", ") + ")"
        }
        out.block("\(access)func callAsFunction(\(full)) -> \(returnType)") { out in
            for (stage, name) in stageNames.enumerated() {
                let call =
                    "\(name)("
                    + (stageArguments(stage) + ["interceptor: interceptor", "path: path"]).joined(separator: ", ") + ")"
                let results = stageResults(stage)
                out.line(results.isEmpty ? call : "let \(tuple(results)) = \(call)")
                // The locals no later stage reads (model inputs are the caller's) are released.
                for name in stageArguments(stage) where lastRead[name] == stage && !parameters.contains(name) {
                    out.line("_ = consume \(name)")
                }
            }
            out.line(result)
        }
        for (stage, stageName) in stageNames.enumerated() {
            let statements = stages[stage]
            let first = statements.first!
            let last = statements.last!
            let parameters =
                stageArguments(stage).map { "_ \($0): \(types[$0]!)" } + [
                    "interceptor: some CallInterceptor", "path: () -> LayerPath",
                ]
            let results = stageResults(stage)
            let returns = results.isEmpty ? "" : " -> " + tuple(results.map { types[$0]! })
            out.line()
            let range =
                statements.count == 1
                ? "Call \(statements.endIndex)" : "Calls \(statements.startIndex + 1)–\(statements.endIndex)"
            let span =
                statements.count == 1
                ? name(layers[graph.nodes[first.node].layer])
                : "\(name(layers[graph.nodes[first.node].layer])) … \(name(layers[graph.nodes[last.node].layer]))"
            out.line("/// \(range) of the model's call: \(span).")
            out.block("private func \(stageName)(\(parameters.joined(separator: ", ")))\(returns)") { out in
                renderStatements(statements, keeping: Set(results).union(stageArguments(stage)), into: &out)
                if !results.isEmpty { out.line("return \(tuple(results))") }
            }
        }
    }

    /// The statements of one function of the call, each local released (`_ = consume`) right
    /// after the statement that reads it last, unless it is in `kept` (returned, or the
    /// function's parameter), so that its scalars go back to the pool for the calls after it.
    func renderStatements(
        _ statements: ArraySlice<CallStatement>, keeping kept: Set<String>, into out: inout SourceWriter
    ) {
        var lastRead: [String: Int] = [:]
        for (index, statement) in zip(statements.indices, statements) {
            for name in statement.reads where !statement.defines.contains(name) { lastRead[name] = index }
        }
        for (index, statement) in zip(statements.indices, statements) {
            let dying = Set(
                statement.reads.filter { lastRead[$0] == index && !kept.contains($0) && !parameters.contains($0) })
            var released: Set<String> = []
            if let plainCall = statement.plainCall {
                let (line, consumed) = plainCall.line(dying: dying)
                out.line(line)
                released = consumed
            } else {
                for line in statement.lines { out.line(line) }
            }
            for name in statement.reads where dying.contains(name) && released.insert(name).inserted {
                out.line("_ = consume \(name)")
            }
        }
    }

    /// The call's statements, in graph order: a fused chain is one statement; a call whose
    /// mask the model reads is followed by the mask's.
    func callStatements() -> [CallStatement] {
        let chains = ModelPlan.fusableChains(description)
        let folded = Set(chains.values.flatMap { $0.dropLast() })
        var statements: [CallStatement] = []
        for (index, node) in graph.nodes.enumerated() where !folded.contains(index) {
            let member = members[node.layer]
            let local = locals[index]
            if let chain = chains[index] {
                let chained = chain.map { "self.\(members[graph.nodes[$0].layer])" }.joined(separator: ", ")
                let first = graph.nodes[chain[0]]
                statements.append(
                    CallStatement(
                        lines: [
                            "let \(local) = interceptor.interceptChain(\(chained), input: "
                                + "\(valueExpression(first.inputs[0])), at: path())"
                        ],
                        defines: [local], reads: first.inputs.map { locals[$0.node] }, node: index))
                continue
            }
            if node.inputs.isEmpty {
                statements.append(
                    CallStatement(
                        lines: ["let \(local) = self.\(member).check(\(local), model: \(typeLiteral))"],
                        defines: [local], reads: [local], node: index))
                continue
            }
            var lines: [String] = []
            var plainCall: PlainCall?
            var reads = node.inputs.map { locals[$0.node] }
            let stateArgument =
                node.layout.initialStates == 0
                ? ""
                : ", initialState: [" + node.initialStateInputs.map(valueExpression).joined(separator: ", ") + "]"
            let readMasks = description.masks.masksRead(by: index)
            reads += (readMasks ?? []).flatMap(maskReads)
            let isUnary = layers[node.layer].isUnary
            // A layer that reads masks gets them after its inputs: one for a unary layer, one
            // per input for attention.
            let maskArgument =
                readMasks.map { masks in
                    isUnary
                        ? ", mask: " + maskExpression(masks[0])
                        : ", masks: [" + masks.map(maskExpression).joined(separator: ", ") + "]"
                } ?? ""
            let argumentList =
                node.arguments.map(valueExpression).joined(separator: ", ") + stateArgument
                + (isUnary ? maskArgument : "")
            let path = "path().appending(self.\(member).config.name)"
            if let model = nested[node.layer] {
                let call = "self.\(member)(\(argumentList), intercepting: interceptor, at: \(path))"
                if model.outputLabels.count == 1 {
                    lines.append("let \(local) = interceptor.intercept(")
                    lines.append("    self.\(member), at: \(path), output: \(call))")
                } else {
                    lines.append("let \(local) = \(call)")
                }
            } else if (layers[node.layer].config?.outputCount ?? 1) > 1 {
                // Several outputs (the states of return_state): not intercepted.
                lines.append("let \(local) = self.\(member).outputs(\(argumentList))")
            } else {
                let causal =
                    (node.maskInput("attention_mask").map { ", attentionMask: " + valueExpression($0) } ?? "")
                    + (node.layout.useCausalMask ? ", useCausalMask: true" : "")
                if readMasks == nil && causal.isEmpty && stateArgument.isEmpty {
                    // A plain call: the runtime's `call` reads the layer once.
                    plainCall = PlainCall(
                        local: local, member: member, arguments: node.arguments.map(valueExpression), isUnary: isUnary)
                    lines.append(plainCall!.line(dying: []).line)
                } else {
                    let call =
                        isUnary
                        ? "self.\(member)(\(argumentList))"
                        : "self.\(member)([\(argumentList)]\(maskArgument)\(causal))"
                    lines.append("let \(local) = interceptor.intercept(self.\(member), at: \(path), output: \(call))")
                }
            }
            var defines = [local]
            if let mask = computedMask(of: index) {
                lines.append(mask.line)
                defines.append(mask.name)
                reads += mask.reads
                plainCall = nil  // the mask reads the inputs after the call
            }
            statements.append(
                CallStatement(lines: lines, defines: defines, reads: reads, node: index, plainCall: plainCall))
        }
        return statements
    }

    /// The Swift for a mask: the local of a computed mask, or a graph tensor Keras recorded.
    func maskExpression(_ source: MaskPlan.Source?) -> String {
        switch source {
        case nil: "nil"
        case .computed(let node)?: maskLocals[node]!
        case .tensor(let ref)?: valueExpression(ref)
        }
    }

    /// The locals a mask reads.
    func maskReads(_ source: MaskPlan.Source?) -> [String] {
        switch source {
        case nil: []
        case .computed(let node)?: [maskLocals[node]!]
        case .tensor(let ref)?: [locals[ref.node]]
        }
    }

    /// `let <local>Mask = …` after the call of `node`, when the model reads the mask it
    /// computes: the line, the local and the locals it reads.
    func computedMask(of node: Int) -> (line: String, name: String, reads: [String])? {
        guard let name = maskLocals[node] else { return nil }
        let masks = description.masks.argumentMasks[node]
        let expression = computedMaskExpression(of: node, value: valueExpression, mask: maskExpression)
        let reads = masks.flatMap(maskReads) + graph.nodes[node].arguments.map { locals[$0.node] }
        return ("let \(name) = \(expression)", name, reads)
    }

    /// The `computeMask` call of `node`, its arguments spelled by `value` and `mask`.
    func computedMaskExpression(
        of node: Int, value: (ModelGraph.TensorRef) -> String, mask: (MaskPlan.Source?) -> String
    ) -> String {
        let call = graph.nodes[node]
        let member = "self.\(members[call.layer])"
        let masks = description.masks.argumentMasks[node].map(mask).joined(separator: ", ")
        switch layers[call.layer].config?.maskBehavior {
        case .merges(requiresAll: true, _)?:
            return "\(member).computeMask([\(masks)])"
        case .merges(requiresAll: false, _)?:
            return "\(member).computeMask([\(call.arguments.map(value).joined(separator: ", "))], masks: [\(masks)])"
        default:
            return "\(member).computeMask(\(value(call.arguments[call.arguments.startIndex])))"
        }
    }

}
