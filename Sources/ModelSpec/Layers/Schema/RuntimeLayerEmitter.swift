// Writes the runtime layer types of a `LayerFamily` (`RuntimeLayerSchema`) as Swift source for
// ModelRuntime, in the style of ConfigEmitter: the declaration, stored config and shapes, the
// weights with their accessors, and the initializer every built-in layer shares. Each layer's call
// stays hand-written, in an extension beside its kernels.

/// Emits the generated runtime layer files.
package enum RuntimeLayerEmitter {
    /// Where the generated files live, from the package root.
    package static let directory = "Sources/ModelRuntime/Layers/Generated"

    /// The generated file of `family`.
    package static func source(of family: LayerFamily) -> String {
        ConfigEmitter.file(
            of: family, note: "Each layer's call is hand-written, in an extension under Sources/ModelRuntime/Layers.",
            declarations: family.layers.map(lines(of:)))
    }

    /// The files of the families that declare runtime layers, in file-name order.
    package static func files(_ families: [LayerFamily]) -> [(name: String, contents: String)] {
        families.filter { !$0.layers.isEmpty }.map { ($0.layersFileName, source(of: $0)) }.sorted { $0.name < $1.name }
    }

    static func lines(of layer: RuntimeLayerSchema) -> [String] {
        let kind = layer.kind
        let shapes = kind.isMerge ? "inputShapes" : "inputShape"
        let shapesType = kind.isMerge ? "[TensorShape]" : "TensorShape"
        let forInputs = kind.isMerge ? "forInputs: inputShapes" : "for: inputShape"
        var lines = ConfigEmitter.docLines(layer.doc, indent: "")
        lines += [
            "public struct \(layer.declaration): \(kind.conformances) {",
            "    public let config: \(layer.config)",
            "    public let \(shapes): \(shapesType)",
            "    public let outputShape: TensorShape",
        ]
        for accessor in layer.accessors {
            lines += ConfigEmitter.docLines(accessor.doc, indent: "    ")
            lines.append("    public var \(accessor.property): \(body(of: accessor))")
        }
        if kind.hasWeights {
            lines += ["    /// The weights, read by their Keras names.", "    var stored: LayerWeights"]
        }
        lines += [
            "",
            "    public init(config: \(layer.config), \(shapes): \(shapesType), seed: UInt64) throws {",
            "        try config.validate()",
            "        self.config = config",
            "        self.\(shapes) = \(shapes)",
            "        outputShape = try config.outputShape(\(forInputs))",
        ]
        if kind.hasWeights {
            lines.append("        stored = LayerWeights(try config.weights(\(forInputs)), seed: seed)")
        }
        lines += layer.afterBuild.map { "        " + $0 }
        lines.append("    }")
        if kind.hasWeights {
            lines += [
                "",
                "    public var weights: [Tensor] { stored.tensors }",
                "",
                "    public mutating func setWeights(_ weights: [Tensor]) throws {",
                "        try stored.set(weights, layer: config.name)",
                "    }",
            ]
        }
        lines.append("}")
        if !layer.aliases.isEmpty { lines.append("") }
        for alias in layer.aliases {
            lines += [
                "/// `keras.layers.\(alias.name)`.",
                "public typealias \(alias.name) = \(layer.name)<\(alias.arguments)>",
            ]
        }
        return lines
    }

    /// The type and body of an accessor's computed property.
    static func body(of accessor: RuntimeLayerSchema.Accessor) -> String {
        guard let key = accessor.key else { return "[Tensor] { stored.tensors }" }
        let name = ConfigEmitter.quoted(key)
        return accessor.isOptional ? "Tensor? { stored[\(name)] }" : "Tensor { stored[\(name)]! }"
    }
}
