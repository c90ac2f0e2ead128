import ModelSpec

// The generated `Config`: the type's documentation, the layers' configs, the graph.
extension Renderer {
    func renderTypeDocumentation(_ out: inout SourceWriter, nestedIn outer: String?) {
        let count = layers.filter { !$0.isInput }.count
        let origin =
            outer.map { "the model `\($0)` in `\(CommentText.escape(specFileName))`" }
            ?? "`\(CommentText.escape(specFileName))`"
        let kind =
            description.isSubclassed
            ? "subclassed model \(CommentText.escape(description.className))" : "\(description.className) model"
        out.line(
            "/// The Keras \(kind) \(CommentText.escape(SwiftLiteral.string(description.attributes.name))) from "
                + "\(origin):"
        )
        out.line(
            "/// \(count) layer\(count == 1 ? "" : "s"), \(Format.grouped(description.parameterCount)) parameters, "
                + "\(shapesText(description.inputShapes)) → \(shapesText(description.outputShapes))."
        )
        out.line("///")
        out.line("/// | Layer | Type | Output shape | Parameters |")
        out.line("/// | --- | --- | --- | ---: |")
        let firstCall = Dictionary(
            graph.nodes.enumerated().map { ($1.layer, $0) }, uniquingKeysWith: { first, _ in first })
        for (index, layer) in layers.enumerated() where !layer.isInput {
            let shape = firstCall[index].map { shapesText(description.nodeShapes[$0]) } ?? "?"
            out.line(
                "/// | \(name(layer)) | \(typeDescription(index)) | \(shape) | "
                    + "\(Format.grouped(layer.parameterCount)) |"
            )
        }
        if let blocker = training.blocker {
            out.line("///")
            out.line("/// Not trainable in Swift yet: \(blocker).")
        }
    }

    func renderConfig(_ out: inout SourceWriter) {
        out.line("/// The architecture: the Keras config of every layer, in spec order. Edit a copy and")
        out.line("/// pass it to `init(config:seed:)` to build a variant.")
        let conformance = description.isSubclassed ? "SubclassedModelConfig" : "\(description.className)ModelConfig"
        out.line("@dynamicMemberLookup")
        out.block("\(access)struct Config: \(conformance)") { out in
            out.line("/// The model's name, `trainable` flag and dtype policy.")
            out.block("\(access)var model: ModelAttributes") { out in
                out.line("get { storage.model }")
                out.line("set { storage.model = newValue }")
            }
            out.line()
            out.line("/// The config of the layer in `slot`, as its Swift type.")
            out.block(
                "\(access)subscript<L: Layer>(dynamicMember slot: KeyPath<Layers, LayerSlot<L>>) -> L.Config "
                    + "where L.Config: GraphLayerConfig"
            ) { out in
                out.line("get { storage[\(typeName).slots[keyPath: slot]] }")
                out.line("set { storage[\(typeName).slots[keyPath: slot]] = newValue }")
            }
            out.line()
            out.line("/// The config of the input layer in `slot`.")
            out.block("\(access)subscript(dynamicMember slot: KeyPath<Layers, InputSlot>) -> InputLayerConfig") { out in
                out.line("get { storage[\(typeName).slots[keyPath: slot]] }")
                out.line("set { storage[\(typeName).slots[keyPath: slot]] = newValue }")
            }
            out.line()
            renderGraph(&out)
            let custom = customSwiftTypes
            if !custom.isEmpty {
                out.line()
                out.line("/// The custom layer classes the model uses, to read its Keras JSON back.")
                out.line("\(access)static let customLayers: [CustomLayer] = [")
                for type in custom {
                    out.line("    CustomLayer(ConfigOf<\(type)>.self),")
                }
                out.line("]")
            }
            out.line()
            out.line("/// The config from the spec.")
            out.block("\(access)init()") { out in
                out.line(
                    "storage = LayerConfigTable(model: \(description.attributes.swiftExpression), layers: "
                        + "Self.\(listName("specLayers")))")
            }
            out.line()
            out.line("/// The config of the layers in `storage`: what the model's `config` returns.")
            out.block("fileprivate init(storage: LayerConfigTable)") { out in
                out.line("self.storage = storage")
            }
            out.line()
            if description.isSubclassed {
                renderSubclassedCoding(&out)
            } else {
                out.block("\(access)init(from decoder: any Swift.Decoder) throws") { out in
                    out.line("var layers = try ModelConfigReader(from: decoder, for: Self.self)")
                    out.line("self.init()")
                    out.line("model = layers.attributes")
                    out.line("try storage.read(from: &layers)")
                    out.line("try layers.finish()")
                }
                out.line()
                out.block("\(access)func encode(to coder: any Swift.Encoder) throws") { out in
                    out.line("try ModelConfigWriter.encode(self, to: coder)")
                }
                out.line()
                renderLayerList(&out)
            }
            out.line()
            out.line("/// The layers' configs in spec order, behind one copy-on-write reference: copying a")
            out.line("/// config copies none of them until one copy changes.")
            out.line("private var storage: LayerConfigTable")
            out.line()
            renderSpecLayers(&out)
        }
    }

    /// The spec's values: its layers' configs, in a list. A custom layer's
    /// config is a local constant first, so that its `#sourceLocation` can point to the spec.
    func renderSpecLayers(_ out: inout SourceWriter) {
        renderList(
            &out, "specLayers", of: "any GraphLayerConfig", documentation: "The configs of the spec, in spec order"
        ) { out, indices in
            let custom = indices.filter { nested[$0] == nil && layers[$0].config is DeclaredLayerConfig }
            for index in custom {
                renderCustomConfig(&out, index: index, config: layers[index].config as! DeclaredLayerConfig)
            }
            out.line(custom.isEmpty ? "[" : "return [")
            out.indented { out in
                for index in indices {
                    if let nestedType = nested[index]?.typeName {
                        out.line("\(nestedType).Config(),")
                    } else if custom.contains(index) {
                        out.line("\(members[index]),")
                    } else {
                        out.assignment(
                            type(of: layers[index].config!).swiftTypeName,
                            arguments: layers[index].config!.swiftArguments,
                            suffix: ",")
                    }
                }
            }
            out.line("]")
        }
    }

    /// A subclassed model's config reads and writes the model class's own config, which the
    /// custom layer `members[1]` holds; the input shape is the type's.
    func renderSubclassedCoding(_ out: inout SourceWriter) {
        let member = "self.\(members[1])"
        out.block("\(access)init(from decoder: any Swift.Decoder) throws") { out in
            out.line("self.init()")
            out.line("\(member) = try .init(from: decoder)")
            out.line("model.name = \(member).name")
        }
        out.line()
        out.block("\(access)func encode(to coder: any Swift.Encoder) throws") { out in
            out.line("try \(member).encode(to: coder)")
        }
        out.line()
        out.line("/// The model class's config.")
        out.block("\(access)var modelLayer: ConfigOf<\(swiftType(1))>") { out in
            out.line(member)
        }
        out.line()
        renderLayerList(&out)
    }

    /// The `layers` property of a config.
    func renderLayerList(_ out: inout SourceWriter) {
        out.line("/// The layers' configs in spec order, as `graph` numbers them.")
        out.block("\(access)var layers: [any GraphLayerConfig]") { out in
            out.line("storage.layers")
        }
    }

    /// A custom layer's config, a local constant of the spec's list: the spec's values passed to
    /// the Swift config type's initializer, which the compiler checks. Compiler errors there point to the spec's layer
    /// (`#sourceLocation`), except for `.keras` archives and legacy `.h5` files, whose lines
    /// are those of the config embedded in them.
    func renderCustomConfig(_ out: inout SourceWriter, index: Int, config: DeclaredLayerConfig) {
        let layer = layers[index]
        let location = ModelSpecParser.embedsConfig(specFileName) ? nil : layer.location
        if let location {
            out.line("#sourceLocation(file: \(SwiftLiteral.string(specFileName)), line: \(location.line))")
        }
        let arguments = (try? CustomLayerArguments.arguments(config)) ?? []
        out.assignment("let \(members[index]) = ConfigOf<\(config.declaration.swiftType)>", arguments: arguments)
        if location != nil { out.line("#sourceLocation()") }
    }

    /// The graph literal, each call commented with what it computes. A large graph's calls are
    /// listed by functions of `options.stageSize`, each quick to type-check and optimize.
    func renderGraph(_ out: inout SourceWriter) {
        out.line("/// How the layers are called: Keras's `inbound_nodes`, `input_layers` and `output_layers`.")
        if !isFunctional {
            out.line("\(access)static let graph = ModelGraph.chain(\(layers.count))")
            return
        }
        func ref(_ ref: ModelGraph.TensorRef) -> String {
            ref.index == 0 ? ".init(\(ref.node))" : ".init(\(ref.node), \(ref.index))"
        }
        func nodeLine(_ index: Int) -> String {
            let node = graph.nodes[index]
            var code =
                node.inputs.isEmpty
                ? ".init(\(node.layer))" : ".init(\(node.layer), [\(node.inputs.map(ref).joined(separator: ", "))])"
            if node.layout != .standard {
                var parts: [String] = []
                if let positional = node.layout.positional { parts.append("positional: \(positional)") }
                if !node.layout.keywords.isEmpty { parts.append("keywords: \(node.layout.keywords.swiftExpression)") }
                if node.layout.useCausalMask { parts.append("useCausalMask: true") }
                if node.layout.initialStates > 0 { parts.append("initialStates: \(node.layout.initialStates)") }
                if node.layout.singleInitialState { parts.append("singleInitialState: true") }
                if !node.layout.maskKeywords.isEmpty {
                    parts.append("maskKeywords: \(node.layout.maskKeywords.swiftExpression)")
                }
                if let training = node.layout.training { parts.append("training: \(training)") }
                code = String(code.dropLast()) + ", layout: .init(\(parts.joined(separator: ", "))))"
            }
            let call =
                node.inputs.isEmpty ? "input" : "(" + node.inputs.map { locals[$0.node] }.joined(separator: ", ") + ")"
            return
                "\(code),  // \(index): \(locals[index]) = "
                + "\(members[node.layer])\(node.inputs.isEmpty ? " (" + call + ")" : call)"
        }
        let large = graph.nodes.count > options.stageSize
        out.line("\(access)static let graph = ModelGraph(")
        if large {
            out.line("    nodes: \(listName("graphNodes")),")
        } else {
            out.line("    nodes: [")
            for index in graph.nodes.indices {
                out.line("        " + nodeLine(index))
            }
            out.line("    ],")
        }
        var tail = [
            "inputs: [\(graph.inputs.map(String.init).joined(separator: ", "))]",
            "outputs: [\(graph.outputs.map(ref).joined(separator: ", "))]",
        ]
        if graph.listsSingleInput { tail.append("listsSingleInput: true") }
        if graph.listsSingleOutput { tail.append("listsSingleOutput: true") }
        if let keys = graph.inputKeys { tail.append("inputKeys: \(keys.swiftExpression)") }
        if let keys = graph.outputKeys { tail.append("outputKeys: \(keys.swiftExpression)") }
        for (index, item) in tail.enumerated() {
            out.line("    " + item + (index == tail.count - 1 ? ")" : ","))
        }
        guard large else { return }
        out.line()
        let chunks = stride(from: 0, to: graph.nodes.count, by: options.stageSize).map {
            Array($0..<min($0 + options.stageSize, graph.nodes.count))
        }
        let describe: ([Int]) -> String = { "Calls \($0.first!)–\($0.last!) of the graph" }
        renderChunkedList(
            &out, "graphNodes", of: "ModelGraph.Node", documentation: "The graph's calls", chunks: chunks,
            size: options.stageSize, describe: describe
        ) { out, indices in
            out.line("[")
            for index in indices {
                out.line("    " + nodeLine(index))
            }
            out.line("]")
        }
    }
}
