import ModelSpec

// The model's stored layers, its initializers, `config`, `clone` and weights.
extension Renderer {
    func renderLayerProperties(_ out: inout SourceWriter) {
        let allCalls = graph.calls(layerCount: layers.count)
        for (index, layer) in layers.enumerated() {
            if layer.isInput {
                out.line("/// \(name(layer)): an input, of shape \(description.nodeShapes[allCalls[index][0]][0]).")
                out.line("\(access)var \(members[index]): InputLayer { \(storagePath(index)) }")
                continue
            }
            let parameters = layer.parameterCount == 0 ? "" : ", \(Format.grouped(layer.parameterCount)) parameters"
            let calls = allCalls[index]
            let shared = calls.count > 1 ? ", called \(calls.count) times" : ""
            let first = calls[0]
            out.line(
                "/// \(name(layer)) (\(typeDescription(index))): \(shapesText(description.inputShapes(of: first))) → "
                    + "\(shapesText(description.nodeShapes[first]))\(parameters)\(shared)."
            )
            renderForwardingProperty(
                &out, "\(access)var \(members[index]): \(swiftType(index))", to: storagePath(index))
        }
        out.line()
        if isTabulated {
            out.line("/// The layers in spec order, behind one copy-on-write reference: a model is one reference")
            out.line("/// whatever its size, and copying it copies no layer until one copy changes.")
            out.line("private var storage: LayerTable")
        } else {
            out.line("/// The layers, behind one copy-on-write reference: a model is one reference whatever its")
            out.line("/// size, and copying it copies no layer until one copy changes.")
            out.line("private var storage: CopyOnWrite<Layers>")
        }
    }

    func renderInitializer(_ out: inout SourceWriter) {
        out.line("/// Builds the model from `config` with fresh weights drawn from `seed` (random when `nil`).")
        out.line("/// Throws when the config's layers don't fit together.")
        out.block("\(access)init(config: Config, seed: UInt64? = nil) throws") { out in
            if isTabulated {
                out.line(
                    "storage = try LayerTable(config: config, types: Self.\(listFunctionNames("layerTypes").all), "
                        + "seed: seed ?? Seeds.fresh())")
            } else {
                out.line("storage = CopyOnWrite(try Layers(config: config, seed: seed ?? Seeds.fresh()))")
            }
        }
    }

    /// The layers' stored properties and the code that goes through each of them, in
    /// `Layers`; or, in a large model, the Swift type of each layer, which the runtime's table
    /// builds, clones and reads for it.
    func renderLayerStorage(_ out: inout SourceWriter) {
        if isTabulated {
            renderList(
                &out, "layerTypes", of: "any Layer.Type",
                documentation: "The Swift type of each layer in spec order, which `init(config:seed:)` builds"
            ) { out, indices in
                out.line("[")
                for index in indices {
                    let type = layers[index].isInput ? "InputLayer" : swiftType(index)
                    out.line("    \(type).self,  // \(CommentText.escape(layers[index].name))")
                }
                out.line("]")
            }
            return
        }
        out.line("/// The model's layers, each behind its own copy-on-write reference.")
        out.block("private struct Layers: Sendable") { out in
            out.line("var attributes: ModelAttributes")
            renderStoredLayers(&out)
            out.line()
            out.block("init(config: Config, seed: UInt64) throws") { out in
                let shapes = builds().contains { $0.contains("shapes[") }
                out.line("\(shapes ? "let shapes" : "_") = try config.nodeShapes()")
                out.line("attributes = config.model")
                for line in builds() { out.line(line) }
            }
        }
    }

    /// The stored properties of the layers.
    func renderStoredLayers(_ out: inout SourceWriter) {
        for index in layers.indices {
            out.line("var \(members[index]): CopyOnWrite<\(layers[index].isInput ? "InputLayer" : swiftType(index))>")
        }
    }

    /// Swift for the shape of a call's output, where the layers are being built: read from the
    /// layer that makes it, or from `shapes` (the config's `nodeShapes()`) for a later output.
    func shapeExpression(_ ref: ModelGraph.TensorRef) -> String {
        let layer = graph.nodes[ref.node].layer
        if nested[layer] != nil { return "\(members[layer]).value.outputShapes[\(ref.index)]" }
        if ref.index == 0 { return "\(members[layer]).value.outputShape" }
        return "shapes[\(ref.node)][\(ref.index)]"
    }

    /// The statements that build the layers, each after the layers whose shapes it reads: in
    /// the order of their first calls.
    func builds() -> [String] {
        var lines: [String] = []
        var built = Set<Int>()
        for node in graph.nodes where built.insert(node.layer).inserted {
            let member = members[node.layer]
            let config = "config.\(member)"
            if layers[node.layer].isInput {
                lines.append("\(member) = CopyOnWrite(InputLayer(config: \(config)))")
            } else if let nestedType = nested[node.layer]?.typeName {
                lines.append(
                    "\(member) = CopyOnWrite(try \(nestedType)(config: \(config), seed: Seeds.derive(seed, "
                        + "\(config).name)))"
                )
            } else {
                let shape =
                    layers[node.layer].isUnary
                    ? "inputShape: \(shapeExpression(node.inputs[0]))"
                    : "inputShapes: [\(node.arguments.map { shapeExpression($0) }.joined(separator: ", "))]"
                let arguments = "config: \(config), \(shape), modelSeed: seed"
                if member.count + arguments.count <= 80 {
                    lines.append("\(member) = try CopyOnWrite(\(arguments))")
                } else {
                    lines.append("\(member) = try CopyOnWrite(")
                    lines.append("    \(arguments))")
                }
            }
        }
        return lines
    }

    /// `dense = cloner.cloneLayer(dense, …)` for the layers but the inputs.
    func clones(target: String) -> [String] {
        layers.indices.filter { !layers[$0].isInput }.map { index in
            let member = members[index]
            let recursive = nested[index] != nil ? ", recursive: recursive" : ""
            return
                "\(target)\(member) = cloner.cloneLayer(\(member), at: path.appending(\(member).config.name), in: "
                + "\(typeLiteral)\(recursive))"
        }
    }

    /// The layers with weights; a custom layer's weights come from its Swift type, whatever its
    /// declaration says.
    var weighted: [Int] {
        layers.indices.filter { layers[$0].parameterCount > 0 || layers[$0].custom != nil }
    }

    /// A variant's initializer from its base model, sharing the base's layers.
    func renderVariantInitializer(_ out: inout SourceWriter) {
        guard let base = variantOf else { return }
        let pairs: [(String, String, Bool)] = base.layers.compactMap { layer in
            layers.firstIndex { $0.name == layer.name }.map { (members[$0], layer.member, layer.isInput) }
        }
        out.line(
            "/// The variant of `\(base.typeName)` (`\(CommentText.escape(base.spec))`) built on `base`'s layers, "
                + "which it"
        )
        out.line("/// shares (their weights are copy-on-write); the inserted layers are new, drawn from `seed`.")
        out.block("\(access)init(sharingLayersOf base: \(base.typeName), seed: UInt64? = nil) throws") { out in
            out.line("var config = Config()")
            for (member, baseMember, _) in pairs {
                out.line("config.\(member) = base.\(baseMember).config")
            }
            out.line("try self.init(config: config, seed: seed)")
            for (member, baseMember, isInput) in pairs where !isInput {
                out.line("\(member) = base.\(baseMember)")
            }
        }
    }

    func renderConfigProperty(_ out: inout SourceWriter) {
        out.line("/// The config of the model as it is now.")
        out.block("\(access)var config: Config") { out in
            if isTabulated {
                out.line("Config(storage: storage.configs)")
                return
            }
            out.line("var config = Config()")
            out.line("config.model = storage.value.attributes")
            for index in layers.indices { out.line("config.\(members[index]) = \(members[index]).config") }
            out.line("return config")
        }
    }

    func renderClone(_ out: inout SourceWriter) {
        out.line("/// A copy whose layers `cloner` made, for a model at `path` in an outer model; see")
        out.line("/// `clone(with:recursive:)`.")
        out.block(
            "\(access)func clone(with cloner: some LayerCloner, recursive: Bool, at path: LayerPath) -> \(typeName)"
        ) { out in
            out.line("var clone = self")
            if isTabulated {
                out.line(
                    "clone.storage = storage.cloned(with: cloner, recursive: recursive, at: path, in: \(typeLiteral))")
            } else {
                for line in clones(target: "clone.") { out.line(line) }
            }
            out.line("return clone")
        }
    }

    func renderWeights(_ out: inout SourceWriter) {
        let weighted = self.weighted
        let count = weighted.reduce(0) { $0 + (layers[$1].nested.map { _ in 0 } ?? layers[$1].weights.count) }
        let nestedNote = weighted.contains { layers[$0].nested != nil } ? ", nested models' included" : ""
        out.line(
            "/// The weight tensors in Keras's `get_weights()` "
                + "order\(count > 0 && nestedNote.isEmpty ? " (\(count))" : nestedNote)."
        )
        out.block("\(access)var weights: [Tensor]") { out in
            if weighted.isEmpty {
                out.line("[]")
            } else if isTabulated {
                out.line("storage.weights")
            } else if weighted.count == 1 {
                out.line("\(members[weighted[0]]).weights")
            } else {
                // One statement a layer: a long `+` chain takes the type checker a long time.
                out.line("var weights = \(members[weighted[0]]).weights")
                for index in weighted.dropFirst() {
                    out.line("weights += \(members[index]).weights")
                }
                out.line("return weights")
            }
        }
        out.line()
        out.line("/// Sets the weights from Keras's `get_weights()` order; leaves the model unchanged on error.")
        out.block("\(access)mutating func setWeights(_ weights: [Tensor]) throws") { out in
            if weighted.isEmpty {
                // No layer has weights: only an empty list fits.
                out.line("try WeightAssignment(weights, for: \(typeLiteral)).finish()")
                return
            }
            if isTabulated {
                out.line("try storage.setWeights(weights, for: \(typeLiteral))")
                return
            }
            out.line("var assignment = WeightAssignment(weights, for: \(typeLiteral))")
            out.line("var updated = self")
            for index in weighted {
                out.line(
                    "try assignment.assign(to: &updated.\(members[index]), name: "
                        + "\(SwiftLiteral.string(layers[index].name)))")
            }
            out.line("try assignment.finish()")
            out.line("self = updated")
        }
    }
}
