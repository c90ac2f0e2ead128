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
        out.line("/// The layers, behind one copy-on-write reference: a model is one reference whatever its")
        out.line("/// size, and copying it copies no layer until one copy changes.")
        out.line("private var storage: CopyOnWrite<Layers>")
    }

    func renderInitializer(_ out: inout SourceWriter) {
        out.line("/// Builds the model from `config` with fresh weights drawn from `seed` (random when `nil`).")
        out.line("/// Throws when the config's layers don't fit together.")
        out.block("\(access)init(config: Config, seed: UInt64? = nil) throws") { out in
            out.line("storage = CopyOnWrite(try Layers(config: config, seed: seed ?? Seeds.fresh()))")
        }
    }

    /// The layers' stored properties and the code that goes through each of them: all in
    /// `Layers`, or, in a large model, in parts of `options.partSize` layers.
    func renderLayerStorage(_ out: inout SourceWriter) {
        guard let parts = layerParts else {
            out.line("/// The model's layers, each behind its own copy-on-write reference.")
            out.block("private struct Layers: Sendable") { out in
                out.line("var attributes: ModelAttributes")
                renderStoredLayers(&out, part: nil)
                out.line()
                out.block("init(config: Config, seed: UInt64) throws") { out in
                    let shapes = builds(part: nil).contains { $0.contains("shapes[") }
                    out.line("\(shapes ? "let shapes" : "_") = try config.nodeShapes()")
                    out.line("attributes = config.model")
                    for line in builds(part: nil) { out.line(line) }
                }
            }
            return
        }
        out.line("/// The model's layers, each behind its own copy-on-write reference, in parts of at most")
        out.line("/// \(options.partSize) (each behind one too), so that no initializer grows with the model.")
        out.block("private struct Layers: Sendable") { out in
            out.line("var attributes: ModelAttributes")
            for part in parts.indices {
                out.line("/// \(partDescription(part)).")
                out.line("var \(partMember(part)): CopyOnWrite<\(partTypes[part])>")
            }
            out.line()
            out.block("init(config: Config, seed: UInt64) throws") { out in
                out.line("let shapes = try config.nodeShapes()")
                out.line("attributes = config.model")
                for part in parts.indices {
                    out.line("\(partMember(part)) = CopyOnWrite(try \(partTypes[part])(")
                    out.line("    config: config.storage.value.\(partMember(part)).value, shapes: shapes, seed: seed))")
                }
            }
            for part in parts.indices {
                out.line()
                out.block("struct \(partTypes[part]): Sendable") { out in
                    renderStoredLayers(&out, part: part)
                    out.line()
                    out.block(
                        "init(config: Config.Fields.\(partTypes[part]), shapes: [[TensorShape]], seed: UInt64) throws"
                    ) { out in
                        for line in builds(part: part) { out.line(line) }
                    }
                    out.line()
                    out.block("func copyConfigs(into config: inout Config)") { out in
                        for line in configCopies(part: part, field: ".value") { out.line(line) }
                    }
                    out.line()
                    out.block("mutating func clone(with cloner: some LayerCloner, recursive: Bool, at path: LayerPath)")
                    { out in
                        for index in layerIndices(part: part) where !layers[index].isInput {
                            let recursive = nested[index] != nil ? ", recursive: recursive" : ""
                            out.line(
                                "cloner.replaceWithClone(&\(members[index]), at: path, in: \(typeLiteral)\(recursive))")
                        }
                    }
                    if !weighted(part: part).isEmpty {
                        out.line()
                        out.block("func appendWeights(to weights: inout [Tensor])") { out in
                            for index in weighted(part: part) {
                                out.line("weights += \(members[index]).value.weights")
                            }
                        }
                        out.line()
                        out.block("mutating func setWeights(from assignment: inout WeightAssignment) throws") { out in
                            for line in assignments(part: part, target: "&", field: ".value") { out.line(line) }
                        }
                    }
                }
            }
        }
    }

    /// The stored properties of the layers of `part` (or all).
    func renderStoredLayers(_ out: inout SourceWriter, part: Int?) {
        for index in layerIndices(part: part) {
            out.line("var \(members[index]): CopyOnWrite<\(layers[index].isInput ? "InputLayer" : swiftType(index))>")
        }
    }

    /// Swift for the shape of a call's output, where the layers of `part` (or all) are being
    /// built: read from the layer that makes it when it is built there, else from `shapes`
    /// (the config's `nodeShapes()`).
    func shapeExpression(_ ref: ModelGraph.TensorRef, part: Int?) -> String {
        let layer = graph.nodes[ref.node].layer
        let here = part == nil || partOfLayer[layer] == part
        if here && nested[layer] != nil { return "\(members[layer]).value.outputShapes[\(ref.index)]" }
        if here && ref.index == 0 { return "\(members[layer]).value.outputShape" }
        return "shapes[\(ref.node)][\(ref.index)]"
    }

    /// The statements that build the layers of `part` (or all), each after the layers whose
    /// shapes it reads: in the order of their first calls.
    /// A part reads its layers' configs from the config's part of the same layers (`.value` of
    /// each field), the whole model from the `Config`.
    func builds(part: Int?) -> [String] {
        var lines: [String] = []
        var built = Set<Int>()
        let field = part == nil ? "" : ".value"
        for node in graph.nodes
        where built.insert(node.layer).inserted && (part == nil || partOfLayer[node.layer] == part) {
            let member = members[node.layer]
            let config = "config.\(member)\(field)"
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
                    ? "inputShape: \(shapeExpression(node.inputs[0], part: part))"
                    : "inputShapes: [\(node.arguments.map { shapeExpression($0, part: part) }.joined(separator: ", "))]"
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

    /// `config.dense = dense<field>.config` for the layers of `part` (or all).
    func configCopies(part: Int?, field: String = "") -> [String] {
        layerIndices(part: part).map { "config.\(members[$0]) = \(members[$0])\(field).config" }
    }

    /// `<target>dense = cloner.cloneLayer(dense, …)` for the layers of a model stored unsplit.
    func clones(target: String) -> [String] {
        layerIndices(part: nil).filter { !layers[$0].isInput }.map { index in
            let member = members[index]
            let recursive = nested[index] != nil ? ", recursive: recursive" : ""
            return
                "\(target)\(member) = cloner.cloneLayer(\(member), at: path.appending(\(member).config.name), in: "
                + "\(typeLiteral)\(recursive))"
        }
    }

    /// The layers of `part` (or all) with weights; a custom layer's weights come from its Swift
    /// type, whatever its declaration says.
    func weighted(part: Int?) -> [Int] {
        layerIndices(part: part).filter { layers[$0].parameterCount > 0 || layers[$0].custom != nil }
    }

    /// `try assignment.assign(to: <target>dense<field>, name: "dense")` for the layers of `part` (or all).
    func assignments(part: Int?, target: String, field: String = "") -> [String] {
        weighted(part: part).map {
            "try assignment.assign(to: \(target)\(members[$0])\(field), name: \(SwiftLiteral.string(layers[$0].name)))"
        }
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
            out.line("var config = Config()")
            out.line("config.model = storage.value.attributes")
            if layerParts == nil {
                for line in configCopies(part: nil) { out.line(line) }
            } else {
                for part in partTypes.indices {
                    out.line("storage.value.\(partMember(part)).value.copyConfigs(into: &config)")
                }
            }
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
            if layerParts == nil {
                for line in clones(target: "clone.") { out.line(line) }
            } else {
                for part in partTypes.indices {
                    out.line(
                        "clone.storage.value.\(partMember(part)).value.clone(with: cloner, recursive: recursive, at: "
                            + "path)"
                    )
                }
            }
            out.line("return clone")
        }
    }

    func renderWeights(_ out: inout SourceWriter) {
        let weighted = weighted(part: nil)
        let count = weighted.reduce(0) { $0 + (layers[$1].nested.map { _ in 0 } ?? layers[$1].weights.count) }
        let nestedNote = weighted.contains { layers[$0].nested != nil } ? ", nested models' included" : ""
        let weightedParts = partTypes.indices.filter { !self.weighted(part: $0).isEmpty }
        out.line(
            "/// The weight tensors in Keras's `get_weights()` "
                + "order\(count > 0 && nestedNote.isEmpty ? " (\(count))" : nestedNote)."
        )
        out.block("\(access)var weights: [Tensor]") { out in
            if weighted.isEmpty {
                out.line("[]")
            } else if layerParts != nil {
                out.line("var weights: [Tensor] = []")
                for part in weightedParts {
                    out.line("storage.value.\(partMember(part)).value.appendWeights(to: &weights)")
                }
                out.line("return weights")
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
            out.line("var assignment = WeightAssignment(weights, for: \(typeLiteral))")
            out.line("var updated = self")
            if layerParts == nil {
                for line in assignments(part: nil, target: "&updated.") { out.line(line) }
            } else {
                for part in weightedParts {
                    out.line("try updated.storage.value.\(partMember(part)).value.setWeights(from: &assignment)")
                }
            }
            out.line("try assignment.finish()")
            out.line("self = updated")
        }
    }
}
