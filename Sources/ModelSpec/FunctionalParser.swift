// Reading Functional model configs: entries, their calls, the references between them, the
// order of the calls.

extension ModelSpecParser {

    /// A reference to a call's output as Keras writes it: `[layer, node_index, tensor_index]`.
    struct Reference {
        var layer: String
        var call: Int
        var tensor: Int
        var location: SourceLocation?
    }

    static func parseFunctional(_ config: JSONNode, depth: Int, custom: [CustomLayer]) throws -> ModelDescription {
        let (layersNode, entries) = try readFunctionalEntries(config, depth: depth, custom: custom)
        let calls = try FunctionalCalls(entries)
        let inputsOfCall = try calls.resolvedInputs()
        let (modelInputs, inputKeys) = try calls.modelInputs(config["input_layers"]!)
        var modelOutputs: [ModelGraph.TensorRef] = []
        let (outputReferences, outputKeys) = try parseReferenceList(config["output_layers"]!, key: "output_layers")
        for reference in outputReferences {
            modelOutputs.append(try calls.resolve(reference, offsetBuiltIn: true))
        }
        let order = try calls.order(inputs: inputsOfCall, modelInputs: modelInputs, modelOutputs: modelOutputs)

        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        let graph = ModelGraph(
            nodes: order.map {
                ModelGraph.Node(
                    calls.layer[$0], inputsOfCall[$0].map { ModelGraph.TensorRef(position[$0.node]!, $0.index) },
                    layout: calls.layouts[$0])
            },
            inputs: modelInputs.map { position[$0]! },
            outputs: modelOutputs.map { ModelGraph.TensorRef(position[$0.node]!, $0.index) },
            listsSingleInput: modelInputs.count == 1 && isNestedList(config["input_layers"]!),
            listsSingleOutput: modelOutputs.count == 1 && isNestedList(config["output_layers"]!),
            inputKeys: inputKeys, outputKeys: outputKeys)
        let described = try describe(entries, graph: graph)
        let normalizedLayers = JSONNode(.array(entries.map(\.normalized)), at: layersNode.location)
        let configNode = replacing("layers", in: config, with: normalizedLayers)
        let attributes = try SpecDecoder().decode(ModelHeader.self, from: configNode).attributes(
            defaultName: "functional")
        return ModelDescription(
            className: "Functional", attributes: attributes, layers: described.layers, graph: graph,
            nodeShapes: described.shapes, configNode: configNode, warnings: described.warnings,
            masks: described.masks)
    }

    /// The Functional config's fields checked, and its `layers` read (every entry's errors
    /// reported together), with unique names.
    static func readFunctionalEntries(
        _ config: JSONNode, depth: Int, custom: [CustomLayer]
    ) throws -> (layersNode: JSONNode, entries: [Entry]) {
        guard let members = config.value.objectMembers else {
            throw SpecError(
                "expected an object for the Functional 'config', found \(config.value.kindDescription)",
                at: config.location)
        }
        let allowed: Set<String> = ["name", "trainable", "dtype", "layers", "input_layers", "output_layers"]
        if let unknown = members.first(where: { !allowed.contains($0.key) }) {
            throw SpecError(
                "unknown field '\(unknown.key)' in the Functional config; known fields: 'name', 'trainable', "
                    + "'dtype', 'layers', 'input_layers', 'output_layers'",
                at: unknown.keyLocation)
        }
        for key in ["layers", "input_layers", "output_layers"] where config[key] == nil {
            throw SpecError("missing '\(key)' in the Functional config", at: config.location)
        }
        let layersNode = config["layers"]!
        guard let entryNodes = layersNode.value.arrayElements else {
            throw SpecError(
                "expected an array for 'layers', found \(layersNode.value.kindDescription)", at: layersNode.location)
        }
        let entries = try readEntries(entryNodes, functional: true, depth: depth, custom: custom)
        try checkUniqueNames(entries)
        return (layersNode, entries)
    }

    /// Every call of every layer of a Functional model, numbered in entry order, with what it
    /// reads and how (its layout): the graph before its references are resolved and its calls
    /// ordered.
    struct FunctionalCalls {
        let entries: [Entry]
        let indexByName: [String: Int]
        /// Each entry's calls.
        private(set) var ids: [[Int]] = []
        /// Each call's inputs, as the spec refers to them.
        private(set) var reads: [[Reference]] = []
        private(set) var layouts: [ModelGraph.CallLayout] = []
        /// Each call's entry.
        private(set) var layer: [Int] = []

        init(_ entries: [Entry]) throws {
            self.entries = entries
            indexByName = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) })
            for (index, entry) in entries.enumerated() {
                let inbound = entry.node["inbound_nodes"]
                var calls: [(reads: [Reference], layout: ModelGraph.CallLayout)] = []
                if let inbound, entry.config is any AnyOperationConfig {
                    // Checked when the entry was read: one call, with positional arguments only.
                    let args = inbound.value.arrayElements![0]["args"]!
                    calls = [(try operationInputs(args, label: entry.label), .standard)]
                } else if let inbound {
                    calls = try parseInboundNodes(inbound, entry: entry)
                }
                if entry.className == InputLayerConfig.className {
                    guard calls.isEmpty else {
                        throw SpecError(
                            "\(entry.label): an InputLayer is not called; its 'inbound_nodes' must be empty",
                            at: inbound?.location)
                    }
                    calls = [([], .standard)]
                } else if calls.isEmpty {
                    throw SpecError(
                        "\(entry.label): the layer is never called ('inbound_nodes' is empty or missing), so it is "
                            + "not part of the model",
                        at: entry.node.location)
                } else {
                    for (reads, layout) in calls {
                        try Self.checkCall(reads: reads, layout: layout, of: entry, at: inbound?.location)
                    }
                }
                ids.append(Array(layer.count..<(layer.count + calls.count)))
                for (reads, layout) in calls {
                    layer.append(index)
                    self.reads.append(reads)
                    layouts.append(layout)
                }
            }
        }

        /// Checks what only some layers take: attention layouts, masks by keyword, initial states.
        static func checkCall(
            reads: [Reference], layout: ModelGraph.CallLayout, of entry: Entry, at location: SourceLocation?
        ) throws {
            var other = layout
            (other.initialStates, other.singleInitialState) = (0, false)
            other.maskKeywords.removeAll { $0 == "mask" }
            other.training = nil
            if layout.maskKeywords.contains("attention_mask"), !(entry.config is MultiHeadAttentionConfig) {
                throw SpecError("\(entry.label): only MultiHeadAttention takes an 'attention_mask'", at: location)
            }
            if other != .standard, entry.config.map({ !(type(of: $0) is any AttentionLayerConfig.Type) }) ?? true {
                throw SpecError(
                    "\(entry.label): only attention layers take several positional arguments, tensors by keyword or "
                        + "use_causal_mask",
                    at: location)
            }
            guard layout.initialStates > 0 else { return }
            guard let recurrent = entry.config as? any RecurrentLayerConfig else {
                throw SpecError(
                    "\(entry.label): 'initial_state' is supported for SimpleRNN, LSTM, GRU and " + "ConvLSTM only",
                    at: location)
            }
            guard layout.initialStates == recurrent.stateCount,
                reads.count == 1 + layout.initialStates + layout.maskKeywords.count
            else {
                throw SpecError(
                    "\(entry.label): 'initial_state' takes \(recurrent.stateCount) "
                        + "tensor\(recurrent.stateCount == 1 ? "" : "s") "
                        + "(\(recurrent.stateCount == 1 ? "h" : "h, c")), got \(layout.initialStates)",
                    at: location)
            }
        }

        /// The call and output a reference names. `offsetBuiltIn`: the reference is in
        /// `input_layers`/`output_layers`, where Keras counts a nested model's own node.
        func resolve(_ reference: Reference, offsetBuiltIn: Bool) throws -> ModelGraph.TensorRef {
            guard let layer = indexByName[reference.layer] else {
                throw SpecError(
                    "reference to layer '\(reference.layer)', which is not a layer of this model",
                    at: reference.location)
            }
            let entry = entries[layer]
            let offset = offsetBuiltIn && entry.hasBuiltInNode ? 1 : 0
            let call = reference.call - offset
            guard call >= 0, call < ids[layer].count else {
                let count = ids[layer].count
                let valid = count == 1 ? "\(offset)" : "\(offset)…\(count - 1 + offset)"
                let note =
                    offset == 1
                    ? "; Keras numbers a nested Functional model's calls from 1 in 'input_layers' and "
                        + "'output_layers' (node 0 is the model's own)"
                    : ""
                throw SpecError(
                    "reference to node \(reference.call) of layer '\(reference.layer)', which is called \(count) "
                        + "time\(count == 1 ? "" : "s") (valid node index\(count == 1 ? "" : "es"): \(valid))\(note)",
                    at: reference.location)
            }
            guard reference.tensor >= 0, reference.tensor < entry.outputCount else {
                let count = entry.outputCount
                throw SpecError(
                    "reference to output \(reference.tensor) of layer '\(reference.layer)', which has \(count) "
                        + "output\(count == 1 ? "" : "s") (valid tensor "
                        + "index\(count == 1 ? ": 0" : "es: 0…\(count - 1)"))",
                    at: reference.location)
            }
            return ModelGraph.TensorRef(ids[layer][call], reference.tensor)
        }

        /// Each call's inputs resolved, their number checked against the layer's arity.
        func resolvedInputs() throws -> [[ModelGraph.TensorRef]] {
            var inputsOfCall: [[ModelGraph.TensorRef]] = []
            for callReads in reads {
                var resolved: [ModelGraph.TensorRef] = []
                for reference in callReads { resolved.append(try resolve(reference, offsetBuiltIn: false)) }
                inputsOfCall.append(resolved)
            }
            for (call, inputs) in inputsOfCall.enumerated() {
                let entry = entries[layer[call]]
                let given = inputs.count - layouts[call].initialStates - layouts[call].maskKeywords.count
                if let arity = entry.config.map({ type(of: $0).inputArity }), !arity.allows(given) {
                    throw SpecError(
                        "\(entry.label): takes \(arity), but a call gives it \(given)", at: entry.node.location)
                }
            }
            return inputsOfCall
        }

        /// The calls `input_layers` names (InputLayers, each once), and its structure's keys.
        func modelInputs(_ node: JSONNode) throws -> (calls: [Int], keys: [String]?) {
            var modelInputs: [Int] = []
            let (inputReferences, inputKeys) = try parseReferenceList(node, key: "input_layers")
            for reference in inputReferences {
                let ref = try resolve(reference, offsetBuiltIn: true)
                guard entries[layer[ref.node]].className == InputLayerConfig.className else {
                    throw SpecError(
                        "'input_layers' must name InputLayers; '\(reference.layer)' is a "
                            + "\(entries[layer[ref.node]].className)",
                        at: reference.location)
                }
                guard !modelInputs.contains(ref.node) else {
                    throw SpecError(
                        "input '\(reference.layer)' is listed twice in 'input_layers'", at: reference.location)
                }
                modelInputs.append(ref.node)
            }
            return (modelInputs, inputKeys)
        }

        /// The calls ordered so each comes after what it reads (Kahn), in entry order on ties;
        /// every call must lead to an output, and every InputLayer that does must be an input.
        func order(
            inputs inputsOfCall: [[ModelGraph.TensorRef]], modelInputs: [Int], modelOutputs: [ModelGraph.TensorRef]
        ) throws -> [Int] {
            var order: [Int] = []
            var placed = [Bool](repeating: false, count: layer.count)
            while order.count < layer.count {
                let ready = (0..<layer.count).filter { call in
                    !placed[call] && inputsOfCall[call].allSatisfy { placed[$0.node] }
                }
                guard !ready.isEmpty else {
                    throw cycleError(
                        placed: placed, reads: reads, inputs: inputsOfCall, layerOf: layer, entries: entries)
                }
                for call in ready {
                    placed[call] = true
                    order.append(call)
                }
            }
            var needed = Set<Int>()
            var stack = modelOutputs.map(\.node)
            while let call = stack.popLast() {
                guard needed.insert(call).inserted else { continue }
                stack += inputsOfCall[call].map(\.node)
            }
            for call in order where !needed.contains(call) {
                let entry = entries[layer[call]]
                throw SpecError(
                    "\(entry.label): the layer does not lead to any of the model's outputs", at: entry.node.location)
            }
            for call in order
            where entries[layer[call]].className == InputLayerConfig.className && !modelInputs.contains(call) {
                let entry = entries[layer[call]]
                throw SpecError(
                    "\(entry.label): the model's outputs depend on this input, but 'input_layers' does not list it",
                    at: entry.node.location)
            }
            return order
        }
    }

    /// The error for calls that cannot be ordered: names the layers of the cycle (not those that
    /// merely read from it) and points at the reference that closes it.
    static func cycleError(
        placed: [Bool], reads: [[Reference]], inputs: [[ModelGraph.TensorRef]], layerOf: [Int], entries: [Entry]
    ) -> SpecError {
        // Drop stuck calls that no stuck call reads: what remains lies on cycles.
        var stuck = Set((0..<placed.count).filter { !placed[$0] })
        while true {
            let read = Set(stuck.flatMap { call in inputs[call].map(\.node) })
            let leaves = stuck.subtracting(read)
            if leaves.isEmpty { break }
            stuck.subtract(leaves)
        }
        let calls = stuck.sorted()
        let first = calls[0]
        let closing = zip(reads[first], inputs[first]).first { stuck.contains($0.1.node) }?.0
        let entry = entries[layerOf[first]]
        let names = calls.map { entries[layerOf[$0]].name }.reduce(into: [String]()) {
            if !$0.contains($1) { $0.append($1) }
        }
        if names.count == 1 {
            return SpecError(
                "\(entry.label) reads its own output; a model's graph must be acyclic",
                at: closing?.location ?? entry.node.location)
        }
        let list = names.map { "'\($0)'" }.joined(separator: ", ")
        return SpecError(
            "the layers \(list) read from each other in a cycle; a model's graph must be acyclic",
            at: closing?.location ?? entry.node.location)
    }

    /// The calls in a layer's `inbound_nodes`: Keras 3's `{"args": …, "kwargs": …}` objects or
    /// Keras 2's lists of `[layer, node_index, tensor_index, kwargs]`.
    static func parseInboundNodes(_ node: JSONNode, entry: Entry) throws -> [(
        reads: [Reference], layout: ModelGraph.CallLayout
    )] {
        guard let calls = node.value.arrayElements else {
            throw SpecError(
                "\(entry.label): expected an array for 'inbound_nodes', found \(node.value.kindDescription)",
                at: node.location)
        }
        var result: [(reads: [Reference], layout: ModelGraph.CallLayout)] = []
        for call in calls {
            if let legacy = call.value.arrayElements {
                var reads: [Reference] = []
                for item in legacy {
                    reads.append(try reference(item, context: "\(entry.label): 'inbound_nodes'", allowKwargs: true))
                }
                result.append((reads, .standard))
                continue
            }
            guard call.value.objectMembers != nil, let args = call["args"] else {
                throw SpecError("\(entry.label): expected an inbound node with 'args' and 'kwargs'", at: call.location)
            }
            for member in call.value.objectMembers! where member.key != "args" && member.key != "kwargs" {
                throw SpecError(
                    "\(entry.label): unknown key '\(member.key)' in an inbound node", at: member.keyLocation)
            }
            var layout = ModelGraph.CallLayout.standard
            var keywordTensors: [(String, JSONNode)] = []
            var initialStates: [Reference] = []
            var maskTensors: [(String, Reference)] = []
            if let kwargs = call["kwargs"] {
                // Attention inputs passed by keyword (`query=`, `value=`, `key=`) become inputs after
                // the positional ones; `use_causal_mask` is kept; other flags change nothing here.
                var flags: [JSONMember] = []
                for member in kwargs.value.objectMembers ?? [] {
                    if member.value["class_name"]?.value.stringValue == "__keras_tensor__",
                        ["query", "value", "key"].contains(member.key)
                    {
                        keywordTensors.append((member.key, member.value))
                    } else if member.key == "initial_state", member.value.value != .null {
                        // A recurrent layer's states from other layers (seq2seq decoders): one
                        // tensor or a list, read after the sequence.
                        let single = member.value.value.arrayElements == nil
                        for tensor in member.value.value.arrayElements ?? [member.value] {
                            initialStates.append(try kerasTensor(tensor, label: entry.label))
                        }
                        layout.initialStates = initialStates.count
                        layout.singleInitialState = single
                    } else if ["mask", "attention_mask"].contains(member.key),
                        member.value["class_name"]?.value.stringValue == "__keras_tensor__"
                    {
                        // The mask the layer got when Keras built the model (see `MaskPlan`), or
                        // MultiHeadAttention's explicit one.
                        maskTensors.append((member.key, try kerasTensor(member.value, label: entry.label)))
                    } else if member.key == "mask", let masks = member.value.value.arrayElements,
                        masks.contains(where: { $0.value != .null })
                    {
                        throw SpecError(
                            "\(entry.label): a list of masks in a call's 'mask' is not supported yet",
                            at: member.keyLocation)
                    } else if member.key == "mask", member.value.value.arrayElements != nil {
                        continue
                    } else if member.key == "training", case .bool(let training) = member.value.value {
                        layout.training = training
                    } else if member.key == "use_causal_mask" {
                        layout.useCausalMask = member.value.value == .bool(true)
                    } else {
                        flags.append(member)
                    }
                }
                try checkKeywordArguments(JSONNode(.object(flags), at: kwargs.location), context: entry.label)
                // Attention's inputs go query, value, key whatever order the keywords came in.
                let order = ["query", "value", "key"]
                keywordTensors.sort { order.firstIndex(of: $0.0)! < order.firstIndex(of: $1.0)! }
                layout.keywords = keywordTensors.map(\.0)
            }
            guard let argList = args.value.arrayElements, !argList.isEmpty || !keywordTensors.isEmpty else {
                throw SpecError("\(entry.label): expected a non-empty array for 'args'", at: args.location)
            }
            var reads: [Reference] = []
            if argList.count == 1, keywordTensors.isEmpty {
                for tensor in argList[0].value.arrayElements ?? [argList[0]] {
                    reads.append(try kerasTensor(tensor, label: entry.label))
                }
            } else {
                // Several positional tensors (or tensors by keyword): each argument one tensor.
                for argument in argList {
                    guard argument.value.arrayElements == nil else {
                        throw SpecError(
                            "\(entry.label): a call with several arguments takes one tensor per argument",
                            at: argument.location)
                    }
                    reads.append(try kerasTensor(argument, label: entry.label))
                }
                layout.positional = argList.count
                for (_, tensor) in keywordTensors { reads.append(try kerasTensor(tensor, label: entry.label)) }
            }
            // Masks last, `mask` before `attention_mask`.
            maskTensors.sort { $0.0 == "mask" && $1.0 != "mask" }
            layout.maskKeywords = maskTensors.map(\.0)
            // Keras rebuilds `training` itself except beside an explicit mask.
            if maskTensors.isEmpty { layout.training = nil }
            result.append((reads + initialStates + maskTensors.map(\.1), layout))
        }
        return result
    }

    /// A call's keyword arguments: only null or boolean flags (`training`, `mask: null`).
    static func checkKeywordArguments(_ kwargs: JSONNode, context: String) throws {
        guard let members = kwargs.value.objectMembers else {
            throw SpecError(
                "\(context): expected an object for a call's keyword arguments, found \(kwargs.value.kindDescription)",
                at: kwargs.location)
        }
        for member in members {
            // Call options that change the result and are not implemented yet.
            if ["return_attention_scores"].contains(member.key), member.value.value == .bool(true) {
                throw SpecError(
                    "\(context): the call argument '\(member.key)' is not supported yet",
                    at: member.keyLocation)
            }
            if member.key.hasSuffix("mask"), member.value["class_name"]?.value.stringValue == "__keras_tensor__" {
                throw SpecError(
                    "\(context): a mask passed as '\(member.key)' is not supported yet (masks from "
                        + "Embedding(mask_zero=True) and Masking are)",
                    at: member.keyLocation)
            }
            switch member.value.value {
            case .null, .bool: continue
            default:
                throw SpecError(
                    "\(context): keyword argument '\(member.key)' of a layer call is not supported (only null or "
                        + "boolean flags)",
                    at: member.keyLocation)
            }
        }
    }

    /// A `{"class_name": "__keras_tensor__", "config": {..., "keras_history": [...]}}`.
    static func kerasTensor(_ node: JSONNode, label: String) throws -> Reference {
        guard node["class_name"]?.value.stringValue == "__keras_tensor__",
            let history = node["config"]?["keras_history"]
        else {
            throw SpecError(
                "\(label): expected a Keras tensor ({\"class_name\": \"__keras_tensor__\", …}) in a call's 'args'",
                at: node.location)
        }
        var reference = try reference(history, context: "\(label): 'keras_history'", allowKwargs: false)
        reference.location = node.location
        return reference
    }

    /// `[layer, node_index, tensor_index]` (with a trailing kwargs object in Keras 2's form).
    static func reference(_ node: JSONNode, context: String, allowKwargs: Bool) throws -> Reference {
        guard let items = node.value.arrayElements, items.count == 3 || (allowKwargs && items.count == 4),
            let layer = items[0].value.stringValue, let call = items[1].value.intValue,
            let tensor = items[2].value.intValue
        else {
            throw SpecError("\(context): expected [layer name, node index, tensor index]", at: node.location)
        }
        if items.count == 4 {
            try checkKeywordArguments(items[3], context: context)
        }
        return Reference(layer: layer, call: call, tensor: tensor, location: node.location)
    }

    /// Whether `input_layers`/`output_layers` is a list of references rather than one.
    static func isNestedList(_ node: JSONNode) -> Bool {
        node.value.arrayElements?.first?.value.arrayElements != nil
    }

    /// `input_layers`/`output_layers`: one `[name, node, tensor]`, a list of them, or a dict of
    /// them (a model built with dict inputs or outputs), whose keys come back in spec order.
    static func parseReferenceList(_ node: JSONNode, key: String) throws -> (references: [Reference], keys: [String]?) {
        if let members = node.value.objectMembers {
            guard !members.isEmpty else {
                throw SpecError("'\(key)' is empty; a model needs at least one", at: node.location)
            }
            var references: [Reference] = []
            for member in members {
                guard member.value.value.arrayElements?.first?.value.stringValue != nil else {
                    throw SpecError(
                        "'\(key)': '\(member.key)' holds a nested structure; only a flat dict of tensors is "
                            + "supported yet",
                        at: member.value.location)
                }
                references.append(try reference(member.value, context: "'\(key)'", allowKwargs: false))
            }
            return (references, members.map(\.key))
        }
        return (try parseReferenceArray(node, key: key), nil)
    }

    /// `input_layers`/`output_layers` as one `[name, node, tensor]` or a list of them.
    static func parseReferenceArray(_ node: JSONNode, key: String) throws -> [Reference] {
        guard let items = node.value.arrayElements else {
            throw SpecError(
                "expected an array or a dict for '\(key)', found \(node.value.kindDescription)", at: node.location)
        }
        if items.first?.value.stringValue != nil {
            return [try reference(node, context: "'\(key)'", allowKwargs: false)]
        }
        var references: [Reference] = []
        for item in items { references.append(try reference(item, context: "'\(key)'", allowKwargs: false)) }
        guard !references.isEmpty else {
            throw SpecError("'\(key)' is empty; a model needs at least one", at: node.location)
        }
        return references
    }
}
