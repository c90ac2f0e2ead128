import ModelSpec

/// Everything the generated code's text is printed from, decided before any of it is printed:
/// the Swift names of layers, locals, parameters and labels (sanitized, unique, clear of the
/// renderer's own identifiers), how the lists of layers are split into functions and the
/// call into stages, and which chains the call fuses. `Renderer` prints it.
struct ModelPlan {
    let description: ModelDescription
    let specFileName: String
    let typeName: String
    let options: GeneratorOptions
    /// The Swift property of each layer.
    let members: [String]
    /// The plans of nested models, by layer index.
    let nested: [Int: ModelPlan]
    /// The local constant holding each call's output.
    let locals: [String]
    /// The local constant holding the mask a call computes, for the calls whose masks are read.
    let maskLocals: [Int: String]
    /// The call's parameters: one per model input.
    let parameters: [String]
    /// The call's argument labels, the keys of a model built with dict inputs; nil for a list.
    let parameterLabels: [String]?
    /// The labels of the returned tuple when the model has several outputs.
    let outputLabels: [String]
    /// The layers whose entries each list function holds (the spec's configs, the layers'
    /// Swift types), in spec order, `options.listSize` each.
    let listChunks: [[Int]]
    /// The names of the call's stage functions, one per `options.stageSize` statements, when
    /// the call has more statements than that.
    let stageNames: [String]

    /// What a variant needs of its base model.
    struct VariantBase {
        /// The base type's name.
        var typeName: String
        /// The base spec's file name.
        var spec: String
        /// The base's layers: Keras name, Swift property, whether an input.
        var layers: [(name: String, member: String, isInput: Bool)]
    }

    /// For a variant: its base model.
    let variantOf: VariantBase?
    /// The training step's names and weight offsets, or why the model has none.
    let training: TrainingPlan

    init(
        description: ModelDescription, specFileName: String, typeName: String, options: GeneratorOptions,
        variantOf: VariantBase? = nil, isNested: Bool = false
    ) {
        self.variantOf = variantOf
        self.description = description
        self.specFileName = specFileName
        self.typeName = typeName
        self.options = options
        let taken = options.takenNames ?? Identifiers.taken
        var names = UniqueNames(reserving: taken)
        let members = description.layers.map { names.claim(Identifiers.memberName($0.name, avoiding: taken)) }
        self.members = members
        var typeNames = UniqueNames(reserving: taken.union(["Config", typeName]))
        var nested: [Int: ModelPlan] = [:]
        for (index, layer) in description.layers.enumerated() {
            if let model = layer.nested {
                nested[index] = ModelPlan(
                    description: model, specFileName: specFileName,
                    typeName: typeNames.claim(Identifiers.typeName(model.attributes.name, avoiding: taken)),
                    options: options, isNested: true)
            }
        }
        self.nested = nested
        listChunks = stride(from: 0, to: description.layers.count, by: options.listSize).map {
            Array($0..<min($0 + options.listSize, description.layers.count))
        }
        let statementCount = ModelPlan.statementCount(description)
        // The stage functions (the renderer's own names too) only have to differ from the
        // layers' properties and the model's other members.
        var stageNames = UniqueNames(reserving: Set(members).union(taken.filter { !$0.hasPrefix("callStage") }))
        self.stageNames =
            statementCount > options.stageSize
            ? (0..<(statementCount + options.stageSize - 1) / options.stageSize).map {
                stageNames.claim("callStage\($0 + 1)")
            } : []
        // Locals: a layer's first call is named after it, later calls get a number.
        var localNames = UniqueNames(reserving: taken)
        var callCount = [Int](repeating: 0, count: description.layers.count)
        var locals: [String] = []
        for node in description.graph.nodes {
            callCount[node.layer] += 1
            let base = members[node.layer]
            locals.append(localNames.claim(callCount[node.layer] == 1 ? base : base + "Call\(callCount[node.layer])"))
        }
        self.locals = locals
        // The masks calls compute (Embedding, Masking, merges of masked inputs): `<local>Mask`.
        var maskLocals: [Int: String] = [:]
        for node in description.masks.computed { maskLocals[node] = localNames.claim(locals[node] + "Mask") }
        self.maskLocals = maskLocals
        training = TrainingPlan(
            description: description, locals: locals, maskLocals: maskLocals, taken: taken, members: members,
            stageSize: self.stageNames.isEmpty && !isNested ? nil : options.stageSize)
        parameters = description.graph.inputs.map { locals[$0] }
        // Dict inputs and outputs keep Keras's keys as argument labels and tuple labels.
        let labelReserved = Identifiers.reserved.union(["intercepting", "at"])
        var argumentLabels = UniqueNames(reserving: labelReserved)
        parameterLabels = description.graph.inputKeys?.map {
            argumentLabels.claim(Identifiers.memberName($0, avoiding: labelReserved))
        }
        var labels = UniqueNames()
        if let keys = description.graph.outputKeys {
            outputLabels = keys.map { labels.claim(Identifiers.memberName($0, avoiding: Identifiers.reserved)) }
        } else {
            outputLabels = description.graph.outputs.map {
                labels.claim(members[description.graph.nodes[$0.node].layer])
            }
        }
    }

    /// The number of statements of the call: one per call, a fused chain's calls counted once.
    static func statementCount(_ description: ModelDescription) -> Int {
        description.graph.nodes.count - fusableChains(description).values.reduce(0) { $0 + $1.count - 1 }
    }

    /// The chains the call runs through `interceptChain` (one convolution with output passes
    /// when nothing intercepts): a convolution read only by a BatchNormalization, and that
    /// read only by an `Activation` or `ReLU` when one follows, as `ChainRole` (ModelSpec)
    /// decides for the runtime too. Each layer is built in and called once, and no middle
    /// output is a model output. Keyed by the chain's last node.
    static func fusableChains(_ description: ModelDescription) -> [Int: [Int]] {
        let graph = description.graph
        let layers = description.layers
        let nodes = graph.nodes
        var readers = [Int](repeating: 0, count: nodes.count)
        var calls = [Int](repeating: 0, count: layers.count)
        for node in nodes {
            calls[node.layer] += 1
            for ref in node.inputs { readers[ref.node] += 1 }
        }
        for ref in graph.outputs { readers[ref.node] += 2 }
        // A plain call (no keywords) of a built-in layer called once, whose config `matches`.
        func isPlainCall(_ node: ModelGraph.Node, _ matches: ((any LayerConfig)?) -> Bool) -> Bool {
            let layer = layers[node.layer]
            return node.layout == .standard && calls[node.layer] == 1 && layer.custom == nil && layer.nested == nil
                && matches(layer.config)
        }
        // The first reader of each node (the only one, where it matters).
        var firstReader = [Int?](repeating: nil, count: nodes.count)
        for (index, node) in nodes.enumerated() {
            for ref in node.inputs where firstReader[ref.node] == nil { firstReader[ref.node] = index }
        }
        // The node that alone reads `index`'s only output, if it is such a call.
        func onlyReader(of index: Int, _ matches: ((any LayerConfig)?) -> Bool) -> Int? {
            guard readers[index] == 1, let reader = firstReader[index] else { return nil }
            let node = nodes[reader]
            let readsOutputZero = node.inputs.count == 1 && node.inputs[0].index == 0
            return readsOutputZero && isPlainCall(node, matches) ? reader : nil
        }
        func plays(_ role: ChainRole) -> ((any LayerConfig)?) -> Bool {
            { config in config.map { type(of: $0).fusedChainRole == role } ?? false }
        }
        var chains: [Int: [Int]] = [:]
        for (index, node) in nodes.enumerated() {
            guard node.inputs.count == 1, isPlainCall(node, plays(.convolution)),
                let norm = onlyReader(of: index, plays(.normalization))
            else { continue }
            if let activation = onlyReader(of: norm, plays(.activation)) {
                chains[activation] = [index, norm, activation]
            } else {
                chains[norm] = [index, norm]
            }
        }
        return chains
    }
}
