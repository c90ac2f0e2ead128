import ModelSpec

/// What the generated training step needs, decided before it is printed: whether the model can
/// be trained in Swift (every layer has a backward pass) or which layer stops it, each call's
/// tape and input-gradient locals, and where each layer's gradients go in `trainableWeights`.
struct TrainingPlan {
    /// Why the model cannot be trained in Swift, naming the first layer or call that stops it;
    /// nil when it can.
    let blocker: String?
    /// The local holding each call's tape.
    let tapes: [String]
    /// The local holding each call's input gradient (`[Tensor]` for a merge or an operation,
    /// whose calls take a list).
    let inputGradients: [String]
    /// Each layer's first weight in `get_weights()` order; nil for a layer without weights.
    /// Which are trainable is decided at run time, by the config as it is then.
    let weightOffsets: [Int?]
    /// The number of weights.
    let weightCount: Int
    /// The calls that only make masks (see `maskOnlyCalls(_:)`).
    let maskOnly: Set<Int>
    /// The local holding a nested model's training outputs, for each call of one.
    let nestedOutputs: [Int: String]
    /// The local holding the gradient of the activity regularizer's penalty on the output, for
    /// each call of a layer whose spec has one.
    let activityGradients: [Int: String]
    /// For a model whose call runs in stages, and for a nested model (whose outer model runs
    /// its training call and backward pass apart), the stage functions: the calls in groups of
    /// `stageSize`, forward in graph order and backward in reverse (a `StagedTraining` keeps the
    /// values between them); nil when the step is one function.
    let stages: Stages?

    /// The staged step's functions and the calls each runs.
    struct Stages {
        let forward: [(name: String, nodes: [Int])]
        let backward: [(name: String, nodes: [Int])]
    }

    init(
        description: ModelDescription, locals: [String], maskLocals: [Int: String], taken: Set<String>,
        members: [String], stageSize: Int?
    ) {
        blocker = Self.blocker(description, staged: stageSize != nil)
        maskOnly = Self.maskOnlyCalls(description.graph)
        if let stageSize {
            // A large model's step runs in functions of `stageSize` calls each, as its call does:
            // one function for it all would be slow to compile.
            var names = UniqueNames(
                reserving: Set(members).union(
                    taken.filter { !$0.hasPrefix("trainingForward") && !$0.hasPrefix("trainingBackward") }))
            let groups = stride(from: 0, to: description.graph.nodes.count, by: stageSize).map {
                Array($0..<min($0 + stageSize, description.graph.nodes.count))
            }
            let forward = groups.indices.map { (names.claim("trainingForward\($0 + 1)"), groups[$0]) }
            let backward = groups.indices.map { (names.claim("trainingBackward\($0 + 1)"), groups[$0]) }
            stages = Stages(forward: forward, backward: backward.reversed())
        } else {
            stages = nil
        }
        var names = UniqueNames(reserving: taken.union(locals).union(maskLocals.values))
        tapes = locals.map { names.claim($0 + "Tape") }
        inputGradients = zip(locals, description.graph.nodes).map { local, node in
            let layer = description.layers[node.layer]
            let list =
                !layer.isUnary || layer.nested != nil || node.layout.initialStates > 0
                || (layer.config?.outputCount ?? 1) > 1
            return names.claim(local + (list ? "InputGradients" : "InputGradient"))
        }
        var offsets: [Int?] = []
        var count = 0
        for layer in description.layers {
            let weights = Self.weightCount(of: layer)
            offsets.append(weights == 0 && layer.nested == nil ? nil : count)
            count += weights
        }
        weightOffsets = offsets
        weightCount = count
        nestedOutputs = Dictionary(
            uniqueKeysWithValues: description.graph.nodes.indices.filter {
                description.layers[description.graph.nodes[$0].layer].nested != nil
            }.map { ($0, names.claim(locals[$0] + "Outputs")) })
        let maskOnly = self.maskOnly
        activityGradients = Dictionary(
            uniqueKeysWithValues: description.graph.nodes.indices.filter {
                !maskOnly.contains($0)
                    && Self.hasActivityRegularizer(description.layers[description.graph.nodes[$0].layer])
            }.map { ($0, names.claim(locals[$0] + "ActivityGradient")) })
    }

    /// Whether `layer`'s config in the spec has an activity regularizer (Keras adds its penalty
    /// on the layer's output to the loss at every call).
    static func hasActivityRegularizer(_ layer: LayerDescription) -> Bool {
        guard let config = layer.config, let encoded = try? SpecEncoder().encode(config),
            let value = encoded["activity_regularizer"]?.value
        else { return false }
        return !value.isNull
    }

    /// The number of weights of `layer`, a nested model's all of them.
    static func weightCount(of layer: LayerDescription) -> Int {
        layer.nested.map { $0.layers.reduce(0) { $0 + weightCount(of: $1) } } ?? layer.weights.count
    }

    /// The calls that only make masks: every reader takes their output as a `mask` keyword
    /// (Keras's functional models record `NotEqual(tokens, 0)` so), or is such a call itself,
    /// and no output is theirs. The training step runs them as the call does; no gradient
    /// flows through them.
    static func maskOnlyCalls(_ graph: ModelGraph) -> Set<Int> {
        var maskOnly = Set<Int>()
        for index in graph.nodes.indices.reversed() where !graph.nodes[index].inputs.isEmpty {
            guard !graph.outputs.contains(where: { $0.node == index }) else { continue }
            var read = false
            var onlyAsMask = true
            for (reader, node) in graph.nodes.enumerated() {
                let maskStart = node.inputs.count - node.layout.maskKeywords.count
                for (position, ref) in node.inputs.enumerated() where ref.node == index {
                    read = true
                    if position < maskStart && !maskOnly.contains(reader) { onlyAsMask = false }
                }
            }
            if read && onlyAsMask { maskOnly.insert(index) }
        }
        return maskOnly
    }

    /// Whether a call passes its inputs as the training step can: its arguments (one, a list,
    /// or MultiHeadAttention's query, value and key, passed as the call passes them), and at
    /// most a `mask` keyword (which the training call takes as `mask:`).
    static func trainsWith(_ layout: ModelGraph.CallLayout, initialStates: Bool = false) -> Bool {
        !layout.useCausalMask && (initialStates || layout.initialStates == 0)
            && layout.maskKeywords.allSatisfy { $0 == "mask" }
    }

    /// Whether an attention call passes what its training call takes: its Keras masks,
    /// `use_causal_mask` and (MultiHeadAttention's) `attention_mask`, as the call does.
    static func attentionTrainsWith(_ layout: ModelGraph.CallLayout) -> Bool {
        layout.initialStates == 0 && layout.maskKeywords.allSatisfy { $0 == "attention_mask" }
    }

    /// The first layer or call without a backward pass, described for the model's
    /// documentation; nil when every one has. A model whose step runs in stages (a large or a
    /// nested one) does not train recurrent calls with initial states or state outputs yet.
    static func blocker(_ description: ModelDescription, staged: Bool) -> String? {
        if description.isSubclassed { return "a subclassed model has no generated backward pass yet" }
        let maskOnly = maskOnlyCalls(description.graph)
        for (index, layer) in description.layers.enumerated() {
            let name = "`" + CommentText.escape(layer.name) + "` (\(layer.className))"
            let calls = description.graph.nodes.indices.filter { description.graph.nodes[$0].layer == index }
            if !calls.isEmpty && calls.allSatisfy(maskOnly.contains) && layer.nested == nil && layer.custom == nil {
                continue
            }
            if let nested = layer.nested {
                if let inner = blocker(nested, staged: true) { return "\(name), a nested model: \(inner)" }
                if nested.graph.outputs.count != 1 {
                    return "\(name) is a nested model with several outputs, which training does not take yet"
                }
                for (node, call) in description.graph.nodes.enumerated() where call.layer == index {
                    if !trainsWith(call.layout) || !call.layout.maskKeywords.isEmpty
                        || description.masks.masksRead(by: node) != nil
                    {
                        return
                            "\(name) is a nested model called with masks or keywords, which training does not take yet"
                    }
                }
                continue
            }
            guard let config = layer.config, layer.custom == nil else {
                return "\(name) is a custom layer, which has no backward pass yet"
            }
            if config is InputLayerConfig { continue }
            guard let trainable = config as? any BackwardPassConfig else { return "\(name) has no backward pass yet" }
            let states = trainable.trainsWithStates && !staged
            if config.outputCount != 1 && !states {
                return "\(name) has several outputs (states or unmerged directions), which training does not take yet"
                    + (trainable.trainsWithStates ? " in a model trained in stages" : "")
            }
            if let blocker = trainable.trainingBlocker { return "\(name): \(blocker)" }
            if hasActivityRegularizer(layer) && (staged || config.outputCount != 1) {
                return "\(name) has an activity regularizer, which training does not take yet "
                    + (staged ? "in a model trained in stages" : "on several outputs")
            }
            let attention =
                config is MultiHeadAttentionConfig || config is AttentionConfig || config is AdditiveAttentionConfig
            for (node, call) in description.graph.nodes.enumerated() where call.layer == index {
                let layout = call.layout
                if layout.initialStates > 0 && !states {
                    return "\(name) is called with initial states, which training does not take yet"
                        + (trainable.trainsWithStates ? " in a model trained in stages" : "")
                }
                if !(attention ? attentionTrainsWith(layout) : trainsWith(layout, initialStates: states)) {
                    return "\(name) is called with keywords, which training does not take yet"
                }
                if let masks = description.masks.masksRead(by: node),
                    !attention && (!trainable.trainsWithMask || masks.count != 1)
                {
                    return "\(name) reads a Keras mask, which its training call does not take yet"
                }
            }
        }
        return nil
    }
}
