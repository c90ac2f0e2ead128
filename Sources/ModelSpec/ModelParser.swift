// Reading Sequential and Functional model configs into a checked `ModelDescription`.

extension ModelSpecParser {
    /// One entry of a model's `layers`, read and typed, before its calls are wired.
    struct Entry {
        var name: String
        /// How messages name the layer: position, name when the spec gives one, class.
        var label: String
        var className: String
        var kind: LayerKind?
        /// The custom layer class, for a custom layer.
        var custom: CustomLayer?
        var config: (any LayerConfig)?
        var nested: ModelDescription? {
            get { nestedStorage?.value }
            set { nestedStorage = newValue.map(Boxed.init) }
        }
        var nestedStorage: Boxed<ModelDescription>?
        var node: JSONNode
        var nameLocation: SourceLocation?
        /// The entry with defaults the typed configs need filled in.
        var normalized: JSONNode
        /// The number of outputs of one call.
        var outputCount: Int { nested?.graph.outputs.count ?? config?.outputCount ?? 1 }
        /// Whether references to the layer's calls in `input_layers`/`output_layers` count
        /// one extra call: Keras writes them so for nested Functional models.
        var hasBuiltInNode: Bool { className == "Functional" || className == "Model" }

        func description(weights: [WeightSpec]) -> LayerDescription {
            LayerDescription(
                name: name, className: className, kind: kind, config: config, nested: nested,
                location: node.location, weights: weights, custom: custom)
        }
    }

    /// Reads one entry of `layers`. `requireName` is set for Functional models, whose layers
    /// refer to each other by name.
    static func readEntry(
        _ entry: JSONNode, index: Int, names: inout AutoNames, functional: Bool, depth: Int, custom: [CustomLayer],
        check: (String, String) -> SpecError?
    ) throws -> Entry {
        guard let entryMembers = entry.value.objectMembers else {
            throw SpecError(
                "layer \(index): expected an object with 'class_name' and 'config', found \(entry.value.kindDescription)",
                at: entry.location)
        }
        guard let classNode = entry["class_name"] else {
            throw SpecError("layer \(index): missing 'class_name'", at: entry.location)
        }
        guard let className = classNode.value.stringValue else {
            throw SpecError(
                "layer \(index): expected a string for 'class_name', found \(classNode.value.kindDescription)",
                at: classNode.location)
        }
        let registeredNode = entry["registered_name"]
        if let registeredNode, registeredNode.value != .null, registeredNode.value.stringValue == nil {
            throw SpecError(
                "layer \(index) (\(className)): expected a string or null for 'registered_name', found \(registeredNode.value.kindDescription)",
                at: registeredNode.location)
        }
        let registeredName = registeredNode?.value.stringValue
        let customLayer = custom.first { $0.matches(className: className, registeredName: registeredName) }
        if customLayer == nil, let registeredName, registeredName.contains(">") {
            throw SpecError(
                "layer \(index) (\(className)): the custom layer '\(registeredName)' is not declared; declare it under 'customLayers' in the target's model-generator-config.json with the Swift type that computes it",
                at: registeredNode?.location)
        }
        if customLayer == nil, let reason = LayerRegistry.refused[className] {
            throw SpecError("layer \(index): \(className) is not supported: \(reason)", at: classNode.location)
        }
        let isOperation = customLayer == nil && Operations.isOperationModule(entry["module"]?.value.stringValue)
        if isOperation, Operations.kinds[className] == nil {
            let module = entry["module"]?.value.stringValue ?? ""
            throw SpecError(
                "layer \(index) (\(className)): the Keras operation '\(className)' (\(module)) is not supported yet; the supported operations are listed in the README's supported-layers table",
                at: classNode.location)
        }
        if isOperation, !functional {
            throw SpecError(
                "layer \(index) (\(className)): a Keras operation can only be part of a Functional model",
                at: classNode.location)
        }
        let kind =
            customLayer == nil
            ? (isOperation ? Operations.kinds[className] : LayerRegistry.kind(forClassName: className)) : nil
        let isModel = customLayer == nil && !isOperation && modelClasses.contains(className)
        if kind == nil, !isModel, customLayer == nil, LayerRegistry.notYetSupported.contains(className) {
            throw SpecError(
                "layer \(index) (\(className)): the Keras layer '\(className)' is not supported yet; the supported layers are listed in the README's supported-layers table",
                at: classNode.location)
        }
        guard kind != nil || isModel || customLayer != nil else {
            let suggestion = LayerRegistry.closestClassName(to: className).map { " (did you mean '\($0)'?)" } ?? ""
            throw SpecError(
                "layer \(index): unknown layer class '\(className)'\(suggestion); the supported layers are listed in the README's supported-layers table (nested Sequential and Functional models work too); a custom layer must be declared under 'customLayers' in the target's model-generator-config.json",
                at: classNode.location)
        }
        var allowed: Set<String> = ["module", "class_name", "config", "registered_name", "build_config", "name"]
        if functional { allowed.insert("inbound_nodes") }
        if isModel { allowed.insert("compile_config") }
        if let unknown = entryMembers.first(where: { !allowed.contains($0.key) }) {
            throw SpecError(
                "layer \(index) (\(className)): unknown key '\(unknown.key)'; expected 'class_name' and 'config'",
                at: unknown.keyLocation)
        }
        let config = entry["config"] ?? JSONNode(.object([]), at: entry.location)
        guard var configMembers = config.value.objectMembers else {
            throw SpecError(
                "layer \(index) (\(className)): expected an object for 'config', found \(config.value.kindDescription)",
                at: config.location)
        }
        let entryName = entry["name"]
        if let entryName, entryName.value.stringValue == nil {
            throw SpecError(
                "layer \(index) (\(className)): expected a string for 'name', found \(entryName.value.kindDescription)",
                at: entryName.location)
        }
        var nameNode = config["name"]
        if let given = entryName?.value.stringValue, let configName = nameNode?.value.stringValue, given != configName {
            throw SpecError(
                "layer \(index) (\(className)): the entry's name '\(given)' differs from its config's name '\(configName)'",
                at: entryName?.location)
        }
        if nameNode == nil, let entryName {
            configMembers.append(JSONMember(key: "name", value: entryName))
            nameNode = entryName
        }
        if nameNode == nil {
            if functional {
                throw SpecError(
                    "layer \(index) (\(className)): a layer of a Functional model needs a 'name', which other layers refer to",
                    at: entry.location)
            }
            let prefix = kind?.defaultNamePrefix ?? Naming.snakeCase(className)
            configMembers.append(JSONMember(key: "name", value: JSONNode(.string(names.next(prefix)))))
        }
        let givenName = nameNode?.value.stringValue
        let label = "layer \(index)" + (givenName.map { " '\($0)'" } ?? "") + " (\(className))"
        if let error = check(className, label) { throw error }

        var result = Entry(
            name: "", label: label, className: className, kind: kind, config: nil, nestedStorage: nil,
            node: entry, nameLocation: nameNode?.location, normalized: entry)
        if customLayer == nil, kind != nil, entry["module"] == nil { configMembers = legacyLayerConfig(configMembers) }
        if customLayer != nil || kind != nil {
            let configNode = JSONNode(.object(configMembers), at: config.location)
            // An operation's constants are in its call's arguments, which its config holds.
            let decodedNode = isOperation ? try withOperationCall(configNode, entry: entry, label: label) : configNode
            do {
                let typed: any LayerConfig
                if let customLayer {
                    typed = try customLayer.decode(configNode)
                } else {
                    let configType = try kind!.configType(for: configNode)
                    typed = try SpecDecoder().decode(configType, from: decodedNode)
                }
                result.config = typed
                result.name = typed.name
                result.custom = customLayer
            } catch {
                var error = error
                error.message = "\(label): " + error.message
                throw error
            }
            result.normalized = replacing("config", in: entry, with: configNode)
        } else {
            let modelNode = JSONNode(
                .object([
                    JSONMember(key: "class_name", value: classNode),
                    JSONMember(key: "config", value: JSONNode(.object(configMembers), at: config.location)),
                ]), at: entry.location)
            let nested = try parseModel(modelNode, depth: depth + 1, custom: custom)
            if nested.graph.inputKeys != nil || nested.graph.outputKeys != nil {
                throw SpecError(
                    "\(label): a nested model with dict inputs or outputs is not supported yet",
                    at: entry.location)
            }
            result.nested = nested
            result.name = nested.attributes.name
            result.normalized = replacing("config", in: entry, with: nested.configNode)
        }
        return result
    }

    /// An operation's config with its call's positional arguments under `OperationCall.key`.
    /// Keras makes one operation object per call, so an operation has exactly one inbound node,
    /// and passes every option but the tensors to its constructor, so `kwargs` is empty.
    static func withOperationCall(_ config: JSONNode, entry: JSONNode, label: String) throws -> JSONNode {
        let inbound = entry["inbound_nodes"]
        guard let calls = inbound?.value.arrayElements, calls.count == 1 else {
            throw SpecError(
                "\(label): an operation is called exactly once; expected one entry in 'inbound_nodes'",
                at: inbound?.location ?? entry.location)
        }
        let call = calls[0]
        guard call.value.objectMembers != nil, let args = call["args"], args.value.arrayElements != nil else {
            throw SpecError("\(label): expected an inbound node with an 'args' array", at: call.location)
        }
        if let kwargs = call["kwargs"], kwargs.value.objectMembers?.isEmpty != true {
            throw SpecError(
                "\(label): keyword arguments of an operation's call are not supported; Keras 3 passes an operation's options to its config",
                at: kwargs.location)
        }
        guard case .object(var members) = config.value else { return config }
        members.append(JSONMember(key: OperationCall.key, at: args.location, value: args))
        return JSONNode(.object(members), at: config.location)
    }

    /// The Keras tensors in an operation's arguments, depth first: the inputs of its call.
    static func operationInputs(_ node: JSONNode, label: String) throws -> [Reference] {
        if node["class_name"]?.value.stringValue == "__keras_tensor__" { return [try kerasTensor(node, label: label)] }
        return try (node.value.arrayElements ?? []).flatMap { try operationInputs($0, label: label) }
    }

    /// Runs `body`, adding a `SpecError` it throws to `errors` (the layers of a model are
    /// checked independently, so one run reports every bad layer); other errors pass.
    static func collect(_ errors: inout [SpecError], _ body: () throws -> Void) rethrows {
        do {
            try body()
        } catch let error as SpecError {
            errors.append(error)
        }
    }

    static func replacing(_ key: String, in node: JSONNode, with value: JSONNode) -> JSONNode {
        guard case .object(var members) = node.value else { return node }
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append(JSONMember(key: key, value: value))
        }
        return JSONNode(.object(members), at: node.location)
    }

    /// Checks unique names across entries.
    static func checkUniqueNames(_ entries: [Entry]) throws {
        var seen: [String: SourceLocation?] = [:]
        for entry in entries {
            if let first = seen[entry.name] {
                throw SpecError(
                    "\(entry.label): duplicate layer name '\(entry.name)'" + (first.map { " (first at \($0))" } ?? "")
                        + "; layer names must be unique in a model", at: entry.nameLocation ?? entry.node.location)
            }
            let location: SourceLocation? = entry.nameLocation ?? entry.node.location
            seen[entry.name] = .some(location)
        }
    }

    /// Infers the shapes of every call, checks weights (their size, and that a shared layer's
    /// later calls fit the weights of its first), and returns the layer descriptions.
    static func describe(
        _ entries: [Entry], graph: ModelGraph
    ) throws -> (layers: [LayerDescription], shapes: [[TensorShape]], warnings: [SpecWarning], masks: MaskPlan) {
        var warnings: [SpecWarning] = []
        var weights = [[WeightSpec]](repeating: [], count: entries.count)
        var firstInputs: [Int: [TensorShape]] = [:]
        let shapes: [[TensorShape]]
        do {
            shapes = try graph.inferShapes { layer, inputs, first in
                let entry = entries[layer]
                if let nested = entry.nested {
                    try checkNestedInputs(inputs, nested: nested)
                    return nested.outputShapes
                }
                let config = entry.config!
                let outputs = try config.outputShapes(forInputs: inputs)
                if entry.className == InputLayerConfig.className { return outputs }
                let callWeights = try config.weights(forInputs: inputs)
                if first {
                    firstInputs[layer] = inputs
                    weights[layer] = callWeights
                    warnings += config.warnings(forInputs: inputs).map {
                        SpecWarning("\(entry.label): \($0)", at: entry.node.location)
                    }
                } else if callWeights.map(\.shape) != weights[layer].map(\.shape) {
                    let made = weights[layer].map { "\($0.name) \($0.shape)" }.joined(separator: ", ")
                    let needed = callWeights.map { "\($0.name) \($0.shape)" }.joined(separator: ", ")
                    let firstShapes = (firstInputs[layer] ?? []).map(\.description).joined(separator: ", ")
                    throw ShapeError(
                        "this call needs weights \(needed), but the layer's first call, on \(firstShapes), made \(made); the calls of a shared layer must fit the same weights"
                    )
                }
                return outputs
            }
        } catch let error as GraphShapeError {
            let entry = entries[error.layer]
            throw SpecError("\(entry.label) \(error)", at: entry.node.location)
        } catch {
            throw SpecError("\(error)")
        }
        // A recorded mask read by a recurrent layer or masked pooling: one value per step,
        // the shape of the sequence without its feature axis.
        for node in graph.nodes {
            guard let ref = node.maskInput(), let first = node.arguments.first,
                case .uses? = entries[node.layer].config?.maskBehavior
            else { continue }
            let sequence = shapes[first.node][first.index]
            let expected = TensorShape(Array(sequence.dimensions.dropLast()))
            let shape = shapes[ref.node][ref.index]
            guard shape.isCompatible(with: expected) else {
                let entry = entries[node.layer]
                throw SpecError(
                    "\(entry.label): the 'mask' must have shape \(expected) for an input of shape \(sequence), got \(shape)",
                    at: entry.node.location)
            }
        }
        // A recurrent layer's initial states: (batch, units) each, (batch, *spatial', filters) for ConvLSTM.
        for node in graph.nodes where node.layout.initialStates > 0 {
            let entry = entries[node.layer]
            guard let recurrent = entry.config as? any RecurrentLayerConfig, let first = node.arguments.first else {
                continue
            }
            let sequence = shapes[first.node][first.index]
            let expected: TensorShape
            do {
                expected = TensorShape([nil] + (try recurrent.stateShape(forSequence: sequence)).dimensions.dropFirst())
            } catch {
                throw SpecError("\(entry.label): \(error)", at: entry.node.location)
            }
            for ref in node.initialStateInputs {
                let shape = shapes[ref.node][ref.index]
                guard shape.isCompatible(with: expected) else {
                    throw SpecError(
                        "\(entry.label): an initial state must have shape \(expected), got \(shape)",
                        at: entry.node.location)
                }
            }
        }
        for (entry, layerWeights) in zip(entries, weights) {
            for weight in layerWeights {
                var count = 1
                for size in weight.shape {
                    let (product, overflow) = count.multipliedReportingOverflow(by: size)
                    guard !overflow, product <= maxWeightCount else {
                        throw SpecError(
                            "\(entry.label): weight '\(weight.name)' of shape \(weight.shape) has more than \(maxWeightCount) scalars",
                            at: entry.node.location)
                    }
                    count = product
                }
            }
        }
        warnings += entries.flatMap { $0.nested?.warnings ?? [] }
        let behavior: (Int) -> MaskBehavior? = { layer in
            if let nested = entries[layer].nested {
                // A nested model whose own layers make no output mask takes one from outside
                // when it only passes it on or drops it.
                return nestedMasksOutput(nested) ? nil : nested.masks.passage
            }
            return entries[layer].custom == nil ? entries[layer].config?.maskBehavior : nil
        }
        var masks: MaskPlan
        do {
            masks = try MaskPlan.make(
                graph: graph, behavior: behavior, outputs: { entries[$0].outputCount },
                nestedOutputMasked: { layer in entries[layer].nested.map(nestedMasksOutput) ?? false },
                name: { entries[$0].name })
        } catch let error as MaskError {
            let entry = entries[graph.nodes[error.node].layer]
            throw SpecError("\(entry.label) \(error)", at: entry.node.location)
        }
        masks.passage = MaskPlan.passage(
            graph: graph, behavior: behavior, outputs: { entries[$0].outputCount },
            name: { entries[$0].name })
        return (zip(entries, weights).map { $0.description(weights: $1) }, shapes, warnings, masks)
    }

    /// Whether a nested model's own layers put a mask on one of its outputs.
    static func nestedMasksOutput(_ nested: ModelDescription) -> Bool {
        nested.graph.outputs.contains { nested.masks.outputMask($0) != nil }
    }

    /// A nested model takes inputs of its input shapes: same rank, equal where both are known.
    static func checkNestedInputs(_ inputs: [TensorShape], nested: ModelDescription) throws {
        let expected = nested.inputShapes
        guard inputs.count == expected.count else {
            throw ShapeError(
                "model '\(nested.attributes.name)' takes \(expected.count) input\(expected.count == 1 ? "" : "s"), got \(inputs.count)"
            )
        }
        for (input, wanted) in zip(inputs, expected) where !wanted.isCompatible(with: input) {
            throw ShapeError("model '\(nested.attributes.name)' expects input shape \(wanted)")
        }
    }

    // MARK: Sequential

    static func parseSequential(_ config: JSONNode, depth: Int, custom: [CustomLayer]) throws -> ModelDescription {
        guard var members = config.value.objectMembers else {
            throw SpecError(
                "expected an object for the Sequential 'config', found \(config.value.kindDescription)",
                at: config.location)
        }
        let allowed: Set<String> = ["name", "trainable", "dtype", "layers", "build_input_shape"]
        if let unknown = members.first(where: { !allowed.contains($0.key) }) {
            throw SpecError(
                "unknown field '\(unknown.key)' in the Sequential config; known fields: 'name', 'trainable', 'dtype', 'layers'",
                at: unknown.keyLocation)
        }
        if config["name"] == nil {
            members.insert(JSONMember(key: "name", value: JSONNode(.string("sequential"))), at: 0)
        }
        guard let layersIndex = members.firstIndex(where: { $0.key == "layers" }) else {
            throw SpecError("missing 'layers' in the Sequential config", at: config.location)
        }
        let layersNode = members[layersIndex].value
        guard let entryNodes = layersNode.value.arrayElements else {
            throw SpecError(
                "expected an array for 'layers', found \(layersNode.value.kindDescription)", at: layersNode.location)
        }
        guard !entryNodes.isEmpty else {
            throw SpecError(
                "a Sequential model needs at least an InputLayer; 'layers' is empty", at: layersNode.location)
        }
        var names = AutoNames()
        var entries: [Entry] = []
        var errors: [SpecError] = []
        for (index, node) in entryNodes.enumerated() {
            try collect(&errors) { () throws in
                entries.append(
                    try readEntry(node, index: index, names: &names, functional: false, depth: depth, custom: custom) {
                        className, label in
                        let isInput = className == InputLayerConfig.className
                        if index == 0 && !isInput {
                            return SpecError(
                                "a Sequential spec must start with an InputLayer that fixes the input shape; \(label) is not one",
                                at: node.location)
                        }
                        if index > 0 && isInput {
                            return SpecError(
                                "\(label): only the first layer of a Sequential model may be an InputLayer",
                                at: node.location)
                        }
                        return nil
                    })
            }
        }
        if let error = SpecError.combining(errors) { throw error }
        try checkUniqueNames(entries)
        for entry in entries.dropFirst() {
            if entry.outputCount > 1, entry.nested == nil {
                throw SpecError(
                    "\(entry.label): the layer gives \(entry.outputCount) outputs (return_state or merge_mode None), which needs a Functional model",
                    at: entry.node.location)
            }
            guard let nested = entry.nested else { continue }
            if nested.graph.inputs.count != 1 || nested.graph.outputs.count != 1 {
                throw SpecError(
                    "\(entry.label): a Sequential model's layers take one input and give one output",
                    at: entry.node.location)
            }
        }
        let graph = ModelGraph.chain(entries.count)
        let described = try describe(entries, graph: graph)
        members[layersIndex].value = JSONNode(.array(entries.map(\.normalized)), at: layersNode.location)
        let configNode = JSONNode(.object(members), at: config.location)
        let attributes = try SpecDecoder().decode(ModelHeader.self, from: configNode).attributes(
            defaultName: "sequential")
        return ModelDescription(
            className: "Sequential", attributes: attributes, layers: described.layers, graph: graph,
            nodeShapes: described.shapes, configNode: configNode, warnings: described.warnings,
            masks: described.masks)
    }

    // MARK: Functional

    /// A reference to a call's output as Keras writes it: `[layer, node_index, tensor_index]`.
    struct Reference {
        var layer: String
        var call: Int
        var tensor: Int
        var location: SourceLocation?
    }

    static func parseFunctional(_ config: JSONNode, depth: Int, custom: [CustomLayer]) throws -> ModelDescription {
        guard let members = config.value.objectMembers else {
            throw SpecError(
                "expected an object for the Functional 'config', found \(config.value.kindDescription)",
                at: config.location)
        }
        let allowed: Set<String> = ["name", "trainable", "dtype", "layers", "input_layers", "output_layers"]
        if let unknown = members.first(where: { !allowed.contains($0.key) }) {
            throw SpecError(
                "unknown field '\(unknown.key)' in the Functional config; known fields: 'name', 'trainable', 'dtype', 'layers', 'input_layers', 'output_layers'",
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
        var names = AutoNames()
        var entries: [Entry] = []
        var errors: [SpecError] = []
        for (index, node) in entryNodes.enumerated() {
            try collect(&errors) { () throws in
                entries.append(
                    try readEntry(node, index: index, names: &names, functional: true, depth: depth, custom: custom) {
                        _, _ in nil
                    })
            }
        }
        if let error = SpecError.combining(errors) { throw error }
        try checkUniqueNames(entries)
        let indexByName = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) })

        // Every call of every layer, numbered in entry order, with what it reads.
        var callIDs: [[Int]] = []
        var callReads: [[Reference]] = []
        var callLayouts: [ModelGraph.CallLayout] = []
        var callLayer: [Int] = []
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
                callIDs.append([callLayer.count])
                callLayer.append(index)
                callReads.append([])
                callLayouts.append(.standard)
                continue
            }
            guard !calls.isEmpty else {
                throw SpecError(
                    "\(entry.label): the layer is never called ('inbound_nodes' is empty or missing), so it is not part of the model",
                    at: entry.node.location)
            }
            var ids: [Int] = []
            for (reads, layout) in calls {
                var other = layout
                (other.initialStates, other.singleInitialState) = (0, false)
                other.maskKeywords.removeAll { $0 == "mask" }
                other.training = nil
                if layout.maskKeywords.contains("attention_mask"), !(entry.config is MultiHeadAttentionConfig) {
                    throw SpecError(
                        "\(entry.label): only MultiHeadAttention takes an 'attention_mask'", at: inbound?.location)
                }
                if other != .standard, entry.config.map({ !(type(of: $0) is any AttentionLayerConfig.Type) }) ?? true {
                    throw SpecError(
                        "\(entry.label): only attention layers take several positional arguments, tensors by keyword or use_causal_mask",
                        at: inbound?.location)
                }
                if layout.initialStates > 0 {
                    guard let recurrent = entry.config as? any RecurrentLayerConfig else {
                        throw SpecError(
                            "\(entry.label): 'initial_state' is supported for SimpleRNN, LSTM, GRU and "
                                + "ConvLSTM only",
                            at: inbound?.location)
                    }
                    guard layout.initialStates == recurrent.stateCount,
                        reads.count == 1 + layout.initialStates + layout.maskKeywords.count
                    else {
                        throw SpecError(
                            "\(entry.label): 'initial_state' takes \(recurrent.stateCount) tensor\(recurrent.stateCount == 1 ? "" : "s") (\(recurrent.stateCount == 1 ? "h" : "h, c")), got \(layout.initialStates)",
                            at: inbound?.location)
                    }
                }
                ids.append(callLayer.count)
                callLayer.append(index)
                callReads.append(reads)
                callLayouts.append(layout)
            }
            callIDs.append(ids)
        }

        func resolve(_ reference: Reference, offsetBuiltIn: Bool) throws -> ModelGraph.TensorRef {
            guard let layer = indexByName[reference.layer] else {
                throw SpecError(
                    "reference to layer '\(reference.layer)', which is not a layer of this model",
                    at: reference.location)
            }
            let entry = entries[layer]
            let offset = offsetBuiltIn && entry.hasBuiltInNode ? 1 : 0
            let call = reference.call - offset
            guard call >= 0, call < callIDs[layer].count else {
                let count = callIDs[layer].count
                let valid = count == 1 ? "\(offset)" : "\(offset)…\(count - 1 + offset)"
                let note =
                    offset == 1
                    ? "; Keras numbers a nested Functional model's calls from 1 in 'input_layers' and 'output_layers' (node 0 is the model's own)"
                    : ""
                throw SpecError(
                    "reference to node \(reference.call) of layer '\(reference.layer)', which is called \(count) time\(count == 1 ? "" : "s") (valid node index\(count == 1 ? "" : "es"): \(valid))\(note)",
                    at: reference.location)
            }
            guard reference.tensor >= 0, reference.tensor < entry.outputCount else {
                let count = entry.outputCount
                throw SpecError(
                    "reference to output \(reference.tensor) of layer '\(reference.layer)', which has \(count) output\(count == 1 ? "" : "s") (valid tensor index\(count == 1 ? ": 0" : "es: 0…\(count - 1)"))",
                    at: reference.location)
            }
            return ModelGraph.TensorRef(callIDs[layer][call], reference.tensor)
        }

        var inputsOfCall: [[ModelGraph.TensorRef]] = []
        for reads in callReads {
            var resolved: [ModelGraph.TensorRef] = []
            for reference in reads { resolved.append(try resolve(reference, offsetBuiltIn: false)) }
            inputsOfCall.append(resolved)
        }
        for (call, inputs) in inputsOfCall.enumerated() {
            let entry = entries[callLayer[call]]
            let given = inputs.count - callLayouts[call].initialStates - callLayouts[call].maskKeywords.count
            if let arity = entry.config.map({ type(of: $0).inputArity }), !arity.allows(given) {
                throw SpecError("\(entry.label): takes \(arity), but a call gives it \(given)", at: entry.node.location)
            }
        }

        var modelInputs: [Int] = []
        let (inputReferences, inputKeys) = try parseReferenceList(config["input_layers"]!, key: "input_layers")
        for reference in inputReferences {
            let ref = try resolve(reference, offsetBuiltIn: true)
            guard entries[callLayer[ref.node]].className == InputLayerConfig.className else {
                throw SpecError(
                    "'input_layers' must name InputLayers; '\(reference.layer)' is a \(entries[callLayer[ref.node]].className)",
                    at: reference.location)
            }
            guard !modelInputs.contains(ref.node) else {
                throw SpecError("input '\(reference.layer)' is listed twice in 'input_layers'", at: reference.location)
            }
            modelInputs.append(ref.node)
        }
        var modelOutputs: [ModelGraph.TensorRef] = []
        let (outputReferences, outputKeys) = try parseReferenceList(config["output_layers"]!, key: "output_layers")
        for reference in outputReferences {
            modelOutputs.append(try resolve(reference, offsetBuiltIn: true))
        }

        // Order the calls so each comes after what it reads (Kahn), in entry order on ties.
        var order: [Int] = []
        var placed = [Bool](repeating: false, count: callLayer.count)
        while order.count < callLayer.count {
            let ready = (0..<callLayer.count).filter { call in
                !placed[call] && inputsOfCall[call].allSatisfy { placed[$0.node] }
            }
            guard !ready.isEmpty else {
                throw cycleError(
                    placed: placed, reads: callReads, inputs: inputsOfCall, layerOf: callLayer, entries: entries)
            }
            for call in ready {
                placed[call] = true
                order.append(call)
            }
        }
        // Every call must lead to an output, and every InputLayer that does must be a model input.
        var needed = Set<Int>()
        var stack = modelOutputs.map(\.node)
        while let call = stack.popLast() {
            guard needed.insert(call).inserted else { continue }
            stack += inputsOfCall[call].map(\.node)
        }
        for call in order where !needed.contains(call) {
            let entry = entries[callLayer[call]]
            throw SpecError(
                "\(entry.label): the layer does not lead to any of the model's outputs", at: entry.node.location)
        }
        for call in order
        where entries[callLayer[call]].className == InputLayerConfig.className && !modelInputs.contains(call) {
            let entry = entries[callLayer[call]]
            throw SpecError(
                "\(entry.label): the model's outputs depend on this input, but 'input_layers' does not list it",
                at: entry.node.location)
        }
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        let graph = ModelGraph(
            nodes: order.map {
                ModelGraph.Node(
                    callLayer[$0], inputsOfCall[$0].map { ModelGraph.TensorRef(position[$0.node]!, $0.index) },
                    layout: callLayouts[$0])
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
                    "\(context): a mask passed as '\(member.key)' is not supported yet (masks from Embedding(mask_zero=True) and Masking are)",
                    at: member.keyLocation)
            }
            switch member.value.value {
            case .null, .bool: continue
            default:
                throw SpecError(
                    "\(context): keyword argument '\(member.key)' of a layer call is not supported (only null or boolean flags)",
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
                        "'\(key)': '\(member.key)' holds a nested structure; only a flat dict of tensors is supported yet",
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

extension TensorShape {
    /// Whether a tensor of shape `other` fits this one: same rank, equal where both are known.
    public func isCompatible(with other: TensorShape) -> Bool {
        rank == other.rank && zip(dimensions, other.dimensions).allSatisfy { a, b in a == nil || b == nil || a == b }
    }
}

/// A model config's own fields.
struct ModelHeader: Decodable {
    var name: String?
    var trainable: Bool
    var dtype: DTypePolicy

    func attributes(defaultName: String) -> ModelAttributes {
        ModelAttributes(name: name ?? defaultName, trainable: trainable, dtype: dtype)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ConfigKey.self)
        name = try container.decodeIfPresent(String.self, forKey: ConfigKey("name"))
        trainable = try container.decodeIfPresent(Bool.self, forKey: ConfigKey("trainable")) ?? true
        dtype = try container.decodeIfPresent(DTypePolicy.self, forKey: ConfigKey("dtype")) ?? .float32
    }
}
