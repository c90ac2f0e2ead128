/// How a layer treats the Keras mask of its inputs: Keras's `supports_masking`, its
/// `compute_mask` and whether its call reads `mask`. Masks start at `Embedding(mask_zero=True)`
/// and `Masking`; see `MaskPlan` for how they flow through a graph.
public enum MaskBehavior: Sendable, Equatable {
    /// Drops it (Keras's default, `supports_masking` false): the output carries no mask.
    case drops
    /// Passes the first input's mask on to every output, unchanged.
    case passes
    /// Makes a new mask from its input, whatever mask the input had (`computeMask(_:)`).
    case computes
    /// Combines its inputs' masks (a merge layer's `computeMask`). With `requiresAll` (Add,
    /// Multiply, …) the output is masked only when every input is, otherwise (Concatenate)
    /// when any is. With `readsMasks` (Maximum, Minimum, Multiply) the call also uses the masks
    /// in its arithmetic.
    case merges(requiresAll: Bool, readsMasks: Bool = false)
    /// The call reads its inputs' masks (recurrent layers, masked pooling, attention); its first
    /// `maskedOutputs` outputs carry the first input's mask.
    case uses(maskedOutputs: Int)
    /// Keras would use the mask in a way not implemented here: a masked input is an error
    /// ending with `reason`.
    case unsupported(String)
}

extension LayerConfig {
    /// Keras's default: layers drop masks.
    public var maskBehavior: MaskBehavior { .drops }
}

// The layers of the catalogue that set `supports_masking` (Keras 3.15 `keras/src/layers`); the
// rest drop masks, as Keras does (it warns).
extension DenseConfig { public var maskBehavior: MaskBehavior { .passes } }
extension ActivationConfig { public var maskBehavior: MaskBehavior { .passes } }
extension ReLUConfig { public var maskBehavior: MaskBehavior { .passes } }
extension LeakyReLUConfig { public var maskBehavior: MaskBehavior { .passes } }
extension PReLUConfig { public var maskBehavior: MaskBehavior { .passes } }
extension ELUConfig { public var maskBehavior: MaskBehavior { .passes } }
extension DropoutConfig { public var maskBehavior: MaskBehavior { .passes } }
extension GaussianDropoutConfig { public var maskBehavior: MaskBehavior { .passes } }
extension GaussianNoiseConfig { public var maskBehavior: MaskBehavior { .passes } }
extension AlphaDropoutConfig { public var maskBehavior: MaskBehavior { .passes } }
extension BatchNormalizationConfig { public var maskBehavior: MaskBehavior { .passes } }
extension LayerNormalizationConfig { public var maskBehavior: MaskBehavior { .passes } }
extension GroupNormalizationConfig { public var maskBehavior: MaskBehavior { .passes } }
extension UnitNormalizationConfig { public var maskBehavior: MaskBehavior { .passes } }
extension RescalingConfig { public var maskBehavior: MaskBehavior { .passes } }
extension NormalizationConfig { public var maskBehavior: MaskBehavior { .passes } }
extension IdentityConfig { public var maskBehavior: MaskBehavior { .passes } }
extension MaskingConfig { public var maskBehavior: MaskBehavior { .computes } }
extension EmbeddingConfig { public var maskBehavior: MaskBehavior { maskZero ? .computes : .drops } }
extension AddConfig { public var maskBehavior: MaskBehavior { .merges(requiresAll: true) } }
extension SubtractConfig { public var maskBehavior: MaskBehavior { .merges(requiresAll: true) } }
extension MultiplyConfig { public var maskBehavior: MaskBehavior { .merges(requiresAll: true, readsMasks: true) } }
extension AverageConfig { public var maskBehavior: MaskBehavior { .merges(requiresAll: true) } }
extension MaximumConfig { public var maskBehavior: MaskBehavior { .merges(requiresAll: true, readsMasks: true) } }
extension MinimumConfig { public var maskBehavior: MaskBehavior { .merges(requiresAll: true, readsMasks: true) } }
extension ConcatenateConfig { public var maskBehavior: MaskBehavior { .merges(requiresAll: false) } }
extension RecurrentConfig { public var maskBehavior: MaskBehavior { .uses(maskedOutputs: returnSequences ? 1 : 0) } }
extension ConvLSTMConfig {
    public var maskBehavior: MaskBehavior {
        .unsupported("\(Self.className) with a Keras mask is not supported yet")
    }
}
extension BidirectionalConfig {
    public var maskBehavior: MaskBehavior {
        .uses(maskedOutputs: forward.config.returnSequences ? (mergeMode == nil ? 2 : 1) : 0)
    }
}
extension GlobalPoolingConfig {
    public var maskBehavior: MaskBehavior {
        Rank.self == Spatial1D.self && Mode.self == AveragePoolingMode.self ? .uses(maskedOutputs: 0) : .drops
    }
}
extension AttentionConfig { public var maskBehavior: MaskBehavior { .uses(maskedOutputs: 1) } }
extension AdditiveAttentionConfig { public var maskBehavior: MaskBehavior { .uses(maskedOutputs: 1) } }
extension MultiHeadAttentionConfig { public var maskBehavior: MaskBehavior { .uses(maskedOutputs: 1) } }
extension SoftmaxConfig {
    public var maskBehavior: MaskBehavior { .unsupported("Softmax with a Keras mask is not supported yet") }
}
extension TimeDistributedConfig {
    public var maskBehavior: MaskBehavior {
        switch layer.maskBehavior {
        case .uses, .unsupported:
            .unsupported("TimeDistributed passing a Keras mask to a layer that reads it is not supported yet")
        default: .passes
        }
    }
}

/// Where the Keras masks of a graph's tensors come from, worked out when the spec is read
/// (Keras's `compute_mask` rules, applied to the graph): which calls compute a mask, and which
/// mask each call reads. Whether a tensor is masked never depends on the data.
public struct MaskPlan: Sendable, Equatable {
    /// A mask in the graph.
    public enum Source: Sendable, Hashable {
        /// The mask a call computes (`computeMask` of its layer): Embedding with `mask_zero`,
        /// Masking, a merge of masked inputs.
        case computed(node: Int)
        /// A tensor of the graph: the mask Keras recorded in a call's `mask` keyword (made by
        /// its operations, e.g. `NotEqual` of the tokens and 0).
        case tensor(ModelGraph.TensorRef)
    }

    /// For every call, the mask of each of its arguments (nil where there is none).
    public var argumentMasks: [[Source?]]
    /// For every call, the mask of each of its outputs.
    public var outputMasks: [[Source?]]
    /// The calls whose computed masks the model uses, in call order.
    public var computed: [Int]
    /// The calls whose layers read their inputs' masks, with at least one masked.
    public var masked: Set<Int>

    /// What the model does with a mask given to its input when it is nested in another model:
    /// `.passes`, `.drops` or `.unsupported` (see `passage`).
    public var passage: MaskBehavior = .drops

    /// A plan without masks.
    public static let none = MaskPlan(argumentMasks: [], outputMasks: [], computed: [], masked: [])

    /// Whether no call reads a mask.
    public var isEmpty: Bool { masked.isEmpty }

    /// The mask of a call's output.
    public func outputMask(_ ref: ModelGraph.TensorRef) -> Source? {
        outputMasks.indices.contains(ref.node) && outputMasks[ref.node].indices.contains(ref.index)
            ? outputMasks[ref.node][ref.index] : nil
    }

    /// The masks a call's arguments carry, or nil when its layer doesn't read masks or none is masked.
    public func masksRead(by node: Int) -> [Source?]? {
        masked.contains(node) ? argumentMasks[node] : nil
    }

    /// The plan of `graph`: `behavior(layer)` gives each layer's behaviour (nil for a nested
    /// model or a custom layer), `outputs(layer)` its output count, `nestedOutputMasked(layer)`
    /// whether a nested model's output carries a mask, and `name(layer)` its name for errors.
    /// Throws `MaskError` for a mask that reaches what cannot take it.
    public static func make(
        graph: ModelGraph, behavior: (Int) -> MaskBehavior?, outputs: (Int) -> Int,
        nestedOutputMasked: (Int) -> Bool, name: (Int) -> String
    ) throws -> MaskPlan {
        try make(
            graph: graph, behavior: behavior, outputs: outputs, nestedOutputMasked: nestedOutputMasked,
            name: name, maskedInputs: false
        ).plan
    }

    /// What a nested model does with a mask given to its input (Keras's `Functional.call(mask=)`
    /// sets it on the inner input): `.passes` when layers that pass masks on carry it to the
    /// output, `.drops` when none reaches the output, `.unsupported` when a layer inside would
    /// read or combine it, which needs a masked call of the nested type (not supported yet).
    public static func passage(
        graph: ModelGraph, behavior: (Int) -> MaskBehavior?, outputs: (Int) -> Int,
        name: (Int) -> String
    ) -> MaskBehavior {
        guard graph.inputs.count == 1, graph.outputs.count == 1 else {
            return .unsupported("masks into nested models with several inputs or outputs are not supported yet")
        }
        do {
            let result = try make(
                graph: graph, behavior: behavior, outputs: outputs, nestedOutputMasked: { _ in false },
                name: name, maskedInputs: true)
            return result.outputCarriesInputMask ? .passes : .drops
        } catch let error as MaskError {
            return .unsupported("inside, '\(name(graph.nodes[error.node].layer))' \(error.message)")
        } catch {
            return .unsupported("\(error)")
        }
    }

    /// `make`, optionally with the model's inputs carrying a mask from outside (for `passage`),
    /// which only layers that pass masks on may see.
    private static func make(
        graph: ModelGraph, behavior: (Int) -> MaskBehavior?, outputs: (Int) -> Int,
        nestedOutputMasked: (Int) -> Bool, name: (Int) -> String,
        maskedInputs: Bool
    ) throws -> (plan: MaskPlan, outputCarriesInputMask: Bool) {
        /// A mask, one this runtime can't follow (from a nested model's output), or the mask
        /// given to the model from outside.
        enum Mask: Equatable {
            case source(Source)
            case foreign(String)
            case outer
        }
        func origin(_ mask: Mask) -> String {
            switch mask {
            case .source(.computed(let node)): "from '\(name(graph.nodes[node].layer))'"
            case .source(.tensor(let ref)): "recorded as 'mask', from '\(name(graph.nodes[ref.node].layer))'"
            case .foreign(let text): "from \(text)"
            case .outer: "given to the nested model"
            }
        }
        var argumentMasks: [[Mask?]] = []
        var outputMasks: [[Mask?]] = []
        var plan = MaskPlan.none
        var readers: [MaskBehavior?] = []
        for (index, node) in graph.nodes.enumerated() {
            if maskedInputs && graph.inputs.contains(index) {
                argumentMasks.append([])
                readers.append(nil)
                outputMasks.append([.outer])
                continue
            }
            var masks = node.arguments.map { ref in
                outputMasks[ref.node].indices.contains(ref.index) ? outputMasks[ref.node][ref.index] : nil
            }
            if masks.contains(.outer), let kind = behavior(node.layer) {
                switch kind {
                case .drops, .passes: break
                default:
                    throw MaskError(
                        node: index, "uses the Keras mask given to the model, which a nested model does not support yet"
                    )
                }
            }
            if let recorded = node.maskInput(), !masks.isEmpty { masks[0] = .source(.tensor(recorded)) }
            argumentMasks.append(masks)
            let count = outputs(node.layer)
            var out = [Mask?](repeating: nil, count: count)
            let kind = behavior(node.layer)
            readers.append(kind)
            let firstForeign = masks.first { if case .foreign? = $0 { true } else { false } }.map { origin($0!) }
            guard let kind else {
                // A nested model or a custom layer: masks don't cross into them here.
                if let mask = masks.first(where: { $0 != nil }) ?? nil {
                    throw MaskError(
                        node: index,
                        "gets a Keras mask (\(origin(mask))); masks into nested models and custom layers are not "
                            + "supported yet"
                    )
                }
                if nestedOutputMasked(node.layer) {
                    out = out.indices.map { _ in .foreign("nested model '\(name(node.layer))'") }
                }
                outputMasks.append(out)
                continue
            }
            switch kind {
            case .drops:
                break
            case .passes:
                if let first = masks.first ?? nil { out = out.map { _ in first } }
            case .computes:
                out[0] = .source(.computed(node: index))
            case .merges(let requiresAll, let readsMasks):
                let present = masks.filter { $0 != nil }
                if readsMasks && !present.isEmpty {
                    if let firstForeign {
                        throw MaskError(
                            node: index,
                            "reads the Keras mask \(firstForeign); masks out of nested models are not supported yet")
                    }
                    plan.masked.insert(index)
                }
                if requiresAll ? present.count == masks.count && !masks.isEmpty : !present.isEmpty {
                    if let firstForeign {
                        throw MaskError(
                            node: index,
                            "merges the Keras mask \(firstForeign); masks out of nested models are not supported yet")
                    }
                    out[0] = .source(.computed(node: index))
                }
            case .uses(let maskedOutputs):
                if let firstForeign {
                    throw MaskError(
                        node: index,
                        "reads the Keras mask \(firstForeign); masks out of nested models are not supported yet")
                }
                // Keras fills in `mask` only for a call with one tensor argument: an RNN called
                // with `initial_state` reads no mask unless the call passes one explicitly; its
                // output still carries the sequence's mask.
                let readsMask = node.layout.initialStates == 0 || node.maskInput() != nil
                if readsMask && masks.contains(where: { $0 != nil }) { plan.masked.insert(index) }
                if let first = masks.first ?? nil {
                    for output in 0..<min(maskedOutputs, count) { out[output] = first }
                }
            case .unsupported(let reason):
                if let mask = masks.first(where: { $0 != nil }) ?? nil {
                    throw MaskError(node: index, "gets a Keras mask (\(origin(mask))): \(reason)")
                }
            }
            outputMasks.append(out)
        }
        func source(_ mask: Mask?) -> Source? {
            if case .source(let source) = mask { return source }
            return nil
        }
        plan.argumentMasks = argumentMasks.map { $0.map(source) }
        plan.outputMasks = outputMasks.map { $0.map(source) }
        // The computed masks something reads: walking back, a reader marks its masks, and a
        // merge whose mask is read marks its inputs' masks.
        var needed = Set<Int>()
        for index in graph.nodes.indices.reversed() {
            let reads: Bool
            switch readers[index] {
            case .uses: reads = plan.masked.contains(index)
            case .merges: reads = needed.contains(index) || plan.masked.contains(index)
            default: reads = false
            }
            guard reads else { continue }
            for case .computed(let node)? in plan.argumentMasks[index] { needed.insert(node) }
        }
        plan.computed = needed.sorted()
        let carries =
            graph.outputs.count == 1 && outputMasks[graph.outputs[0].node].indices.contains(graph.outputs[0].index)
            && outputMasks[graph.outputs[0].node][graph.outputs[0].index] == .outer
        return (plan, carries)
    }
}

/// A Keras mask that reaches a call that cannot take it.
public struct MaskError: Error, Sendable, CustomStringConvertible {
    /// The call, an index into the graph's nodes.
    public var node: Int
    /// What goes wrong, to follow the layer's name.
    public var message: String

    init(node: Int, _ message: String) {
        self.node = node
        self.message = message
    }

    public var description: String { message }
}
