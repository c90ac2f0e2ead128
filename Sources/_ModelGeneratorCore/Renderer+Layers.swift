import ModelSpec

// The model's stored layers, its initializers, `config`, `clone` and weights.
extension Renderer {
    /// The `Layers` class of slots, one per layer, and the subscripts `model.dense` goes
    /// through: a stored constant a layer rather than a property with four accessors, which
    /// halved the debug build of a 771-layer model.
    func renderLayerProperties(_ out: inout SourceWriter) {
        let allCalls = graph.calls(layerCount: layers.count)
        out.line("/// Where each layer sits in the model: `model.\(exampleMember)` reads and writes the layer of that")
        out.line("/// name as its Swift type, and `config.\(exampleMember)` its config, through its slot here.")
        out.block("\(access)final class Layers: Sendable") { out in
            for (index, layer) in layers.enumerated() {
                if layer.isInput {
                    out.line("/// \(name(layer)): an input, of shape \(description.nodeShapes[allCalls[index][0]][0]).")
                    out.line("\(access)let \(members[index]) = InputSlot(\(index))")
                    continue
                }
                let parameters = layer.parameterCount == 0 ? "" : ", \(Format.grouped(layer.parameterCount)) parameters"
                let calls = allCalls[index]
                let shared = calls.count > 1 ? ", called \(calls.count) times" : ""
                let first = calls[0]
                out.line(
                    "/// \(name(layer)) (\(typeDescription(index))): "
                        + "\(shapesText(description.inputShapes(of: first))) → "
                        + "\(shapesText(description.nodeShapes[first]))\(parameters)\(shared)."
                )
                out.line("\(access)let \(members[index]) = LayerSlot<\(swiftType(index))>(\(index))")
            }
        }
        out.line()
        out.line("/// The layer in `slot`, as its Swift type.")
        out.block("\(access)subscript<L: Layer>(dynamicMember slot: KeyPath<Layers, LayerSlot<L>>) -> L") { out in
            out.line("get { storage[Self.slots[keyPath: slot]] }")
            out.line("set { storage[Self.slots[keyPath: slot]] = newValue }")
        }
        out.line()
        out.line("/// The input layer in `slot`, which stays as built.")
        out.block("\(access)subscript(dynamicMember slot: KeyPath<Layers, InputSlot>) -> InputLayer") { out in
            out.line("storage[Self.slots[keyPath: slot]]")
        }
        out.line()
        out.line("/// Every layer's slot.")
        out.line("private static let slots = Layers()")
        out.line()
        out.line("/// The layers in spec order, behind one copy-on-write reference: a model is one reference")
        out.line("/// whatever its size, and copying it copies no layer until one copy changes.")
        out.line("private var storage: LayerTable")
    }

    /// The member the `Layers` documentation shows: the first layer that is not an input.
    var exampleMember: String {
        layers.indices.first { !layers[$0].isInput }.map { members[$0] } ?? members[0]
    }

    func renderInitializer(_ out: inout SourceWriter) {
        out.line("/// Builds the model from `config` with fresh weights drawn from `seed` (random when `nil`).")
        out.line("/// Throws when the config's layers don't fit together.")
        out.block("\(access)init(config: Config, seed: UInt64? = nil) throws") { out in
            out.line(
                "storage = try LayerTable(config: config, types: Self.\(listName("layerTypes")), "
                    + "seed: seed ?? Seeds.fresh())")
        }
    }

    /// The Swift type of each layer, which the runtime's table builds, clones and reads for it.
    func renderLayerStorage(_ out: inout SourceWriter) {
        renderList(
            &out, "layerTypes", of: "any Layer.Type",
            documentation: "The Swift type of each layer in spec order, which `init(config:seed:)` builds"
        ) { out, indices in
            out.line("[")
            for index in indices {
                let type = layers[index].isInput ? "InputLayer" : swiftType(index)
                out.line("    \(type).self,  // \(members[index])")
            }
            out.line("]")
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
                out.line("self.\(member) = base.\(baseMember)")
            }
        }
    }

    func renderConfigProperty(_ out: inout SourceWriter) {
        out.line("/// The config of the model as it is now.")
        out.block("\(access)var config: Config") { out in
            out.line("Config(storage: storage.configs)")
        }
    }

    func renderClone(_ out: inout SourceWriter) {
        out.line("/// A copy whose layers `cloner` made, for a model at `path` in an outer model; see")
        out.line("/// `clone(with:recursive:)`.")
        out.block(
            "\(access)func clone(with cloner: some LayerCloner, recursive: Bool, at path: LayerPath) -> \(typeName)"
        ) { out in
            out.line("var clone = self")
            out.line(
                "clone.storage = storage.cloned(with: cloner, recursive: recursive, at: path, in: \(typeLiteral))")
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
            out.line("storage.weights")
        }
        out.line()
        out.line("/// Sets the weights from Keras's `get_weights()` order; leaves the model unchanged on error.")
        out.block("\(access)mutating func setWeights(_ weights: [Tensor]) throws") { out in
            out.line("try storage.setWeights(weights, for: \(typeLiteral))")
        }
    }
}
