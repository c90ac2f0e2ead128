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
    /// The local holding each call's input gradient (`[Tensor]` for a merge).
    let inputGradients: [String]
    /// Each layer's first weight in `get_weights()` order; nil for a layer without weights.
    /// Which are trainable is decided at run time, by the config as it is then.
    let weightOffsets: [Int?]
    /// The number of weights.
    let weightCount: Int

    init(
        description: ModelDescription, locals: [String], maskLocals: [Int: String], taken: Set<String>,
        callsInStages: Bool
    ) {
        // A call split into stages is a large model's: one training function for it all would
        // be as large as the call, which the stages exist to avoid.
        blocker =
            callsInStages
            ? "its call runs in stages, and a staged training step is not generated yet" : Self.blocker(description)
        var names = UniqueNames(reserving: taken.union(locals).union(maskLocals.values))
        tapes = locals.map { names.claim($0 + "Tape") }
        inputGradients = zip(locals, description.graph.nodes).map { local, node in
            names.claim(local + (node.inputs.count > 1 ? "InputGradients" : "InputGradient"))
        }
        var offsets: [Int?] = []
        var count = 0
        for layer in description.layers {
            offsets.append(layer.weights.isEmpty ? nil : count)
            count += layer.weights.count
        }
        weightOffsets = offsets
        weightCount = count
    }

    /// The first layer or call without a backward pass, described for the model's
    /// documentation; nil when every one has.
    static func blocker(_ description: ModelDescription) -> String? {
        if description.isSubclassed { return "a subclassed model has no generated backward pass yet" }
        for (index, layer) in description.layers.enumerated() {
            let name = "`" + CommentText.escape(layer.name) + "` (\(layer.className))"
            if layer.nested != nil { return "\(name) is a nested model, which has no backward pass yet" }
            guard let config = layer.config, layer.custom == nil else {
                return "\(name) is a custom layer, which has no backward pass yet"
            }
            if config is InputLayerConfig { continue }
            guard let trainable = config as? any BackwardPassConfig, config.outputCount == 1 else {
                return "\(name) has no backward pass yet"
            }
            if let blocker = trainable.trainingBlocker { return "\(name): \(blocker)" }
            for (node, call) in description.graph.nodes.enumerated() where call.layer == index {
                if call.layout != .standard || description.masks.masksRead(by: node) != nil
                    || description.masks.computed.contains(node)
                {
                    return "\(name) is called with masks or keywords, which training does not take yet"
                }
            }
        }
        return nil
    }
}
