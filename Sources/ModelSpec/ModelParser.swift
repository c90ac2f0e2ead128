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

    /// Reads every entry of a model's `layers`, reporting all entries' errors together.
    /// `check` sees each entry's position, class name and label before its config is read.
    static func readEntries(
        _ nodes: [JSONNode], functional: Bool, depth: Int, custom: [CustomLayer],
        check: (_ index: Int, _ className: String, _ label: String) -> SpecError? = { _, _, _ in nil }
    ) throws -> [Entry] {
        var names = AutoNames()
        var entries: [Entry] = []
        var errors: [SpecError] = []
        for (index, node) in nodes.enumerated() {
            try collect(&errors) { () throws in
                entries.append(
                    try readEntry(
                        node, index: index, names: &names, functional: functional, depth: depth, custom: custom
                    ) { check(index, $0, $1) })
            }
        }
        if let error = SpecError.combining(errors) { throw error }
        return entries
    }

    /// Reads one entry of `layers`. `requireName` is set for Functional models, whose layers
    /// refer to each other by name.
    static func readEntry(
        _ entry: JSONNode, index: Int, names: inout AutoNames, functional: Bool, depth: Int, custom: [CustomLayer],
        check: (String, String) -> SpecError?
    ) throws -> Entry {
        guard let entryMembers = entry.value.objectMembers else {
            throw SpecError(
                "layer \(index): expected an object with 'class_name' and 'config', found "
                    + "\(entry.value.kindDescription)",
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
                "layer \(index) (\(className)): expected a string or null for 'registered_name', found "
                    + "\(registeredNode.value.kindDescription)",
                at: registeredNode.location)
        }
        let registeredName = registeredNode?.value.stringValue
        let customLayer = custom.first { $0.matches(className: className, registeredName: registeredName) }
        if customLayer == nil, let registeredName, registeredName.contains(">") {
            throw SpecError(
                "layer \(index) (\(className)): the custom layer '\(registeredName)' is not declared; declare it "
                    + "under 'customLayers' in the target's model-generator-config.json with the Swift type that "
                    + "computes it",
                at: registeredNode?.location)
        }
        if customLayer == nil, let reason = LayerRegistry.refused[className] {
            throw SpecError("layer \(index): \(className) is not supported: \(reason)", at: classNode.location)
        }
        let isOperation = customLayer == nil && Operations.isOperationModule(entry["module"]?.value.stringValue)
        if isOperation, Operations.kinds[className] == nil {
            let module = entry["module"]?.value.stringValue ?? ""
            throw SpecError(
                "layer \(index) (\(className)): the Keras operation '\(className)' (\(module)) is not supported yet; "
                    + "the supported operations are listed in the README's supported-layers table",
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
                "layer \(index) (\(className)): the Keras layer '\(className)' is not supported yet; the supported "
                    + "layers are listed in the README's supported-layers table",
                at: classNode.location)
        }
        guard kind != nil || isModel || customLayer != nil else {
            let suggestion = LayerRegistry.closestClassName(to: className).map { " (did you mean '\($0)'?)" } ?? ""
            throw SpecError(
                "layer \(index): unknown layer class '\(className)'\(suggestion); the supported layers are listed in "
                    + "the README's supported-layers table (nested Sequential and Functional models work too); a "
                    + "custom layer must be declared under 'customLayers' in the target's model-generator-config.json",
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
                "layer \(index) (\(className)): the entry's name '\(given)' differs from its config's name "
                    + "'\(configName)'",
                at: entryName?.location)
        }
        if nameNode == nil, let entryName {
            configMembers.append(JSONMember(key: "name", value: entryName))
            nameNode = entryName
        }
        if nameNode == nil {
            if functional {
                throw SpecError(
                    "layer \(index) (\(className)): a layer of a Functional model needs a 'name', which other layers "
                        + "refer to",
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
                "\(label): keyword arguments of an operation's call are not supported; Keras 3 passes an operation's "
                    + "options to its config",
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
                        "this call needs weights \(needed), but the layer's first call, on \(firstShapes), made "
                            + "\(made); the calls of a shared layer must fit the same weights"
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
                    "\(entry.label): the 'mask' must have shape \(expected) for an input of shape \(sequence), got "
                        + "\(shape)",
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
                            "\(entry.label): weight '\(weight.name)' of shape \(weight.shape) has more than "
                                + "\(maxWeightCount) scalars",
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
                "model '\(nested.attributes.name)' takes \(expected.count) input\(expected.count == 1 ? "" : "s"), "
                    + "got \(inputs.count)"
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
                "unknown field '\(unknown.key)' in the Sequential config; known fields: 'name', 'trainable', "
                    + "'dtype', 'layers'",
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
        let entries = try readEntries(entryNodes, functional: false, depth: depth, custom: custom) {
            index, className, label in
            let isInput = className == InputLayerConfig.className
            if index == 0 && !isInput {
                return SpecError(
                    "a Sequential spec must start with an InputLayer that fixes the input shape; "
                        + "\(label) is not one",
                    at: entryNodes[index].location)
            }
            if index > 0 && isInput {
                return SpecError(
                    "\(label): only the first layer of a Sequential model may be an InputLayer",
                    at: entryNodes[index].location)
            }
            return nil
        }
        try checkUniqueNames(entries)
        for entry in entries.dropFirst() {
            if entry.outputCount > 1, entry.nested == nil {
                throw SpecError(
                    "\(entry.label): the layer gives \(entry.outputCount) outputs (return_state or merge_mode None), "
                        + "which needs a Functional model",
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
}

extension TensorShape {
    /// Whether a tensor of shape `other` fits this one: same rank, equal where both are known.
    public func isCompatible(with other: TensorShape) -> Bool {
        guard rank == other.rank else { return false }
        for (a, b) in zip(dimensions, other.dimensions) {
            if let a, let b, a != b { return false }
        }
        return true
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
