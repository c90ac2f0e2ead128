import ModelSpec

/// The access level of generated declarations.
public enum AccessModifier: String, Sendable, CaseIterable {
    case `public`, package, `internal`

    /// The keyword and a space, or nothing for `internal`.
    var prefix: String { self == .internal ? "" : rawValue + " " }
}

/// Options that shape generated code.
public struct GeneratorOptions: Sendable, Equatable {
    /// The access level of the generated type and its API.
    public var accessModifier: AccessModifier
    /// The Swift type name; derived from the spec's file name when `nil`.
    public var typeName: String?
    /// Modules imported besides ModelRuntime.
    public var additionalImports: [String]
    /// The custom layer classes specs may use, as the target's config declares them.
    public var customLayers: [CustomLayerDeclaration]
    /// The names generated identifiers avoid; `Identifiers.taken` when nil. Only the probes
    /// that find the renderer's own identifiers set it (to the keywords alone).
    var takenNames: Set<String>?

    /// Options with the defaults: `internal`, the file-derived name, no extra imports, no
    /// custom layers.
    public init(accessModifier: AccessModifier = .internal, typeName: String? = nil, additionalImports: [String] = [],
                customLayers: [CustomLayerDeclaration] = []) {
        self.accessModifier = accessModifier
        self.typeName = typeName
        self.additionalImports = additionalImports
        self.customLayers = customLayers
    }

    /// The parser's view of the declared custom layers.
    public var parserCustomLayers: [CustomLayer] { customLayers.map(CustomLayer.init(declaration:)) }
}

/// One generated Swift file.
public struct GeneratedFile: Sendable, Equatable {
    /// The file name, e.g. `classifier.model.swift`.
    public var fileName: String
    /// The generated type's name.
    public var typeName: String
    /// The Swift source.
    public var contents: String
    /// Valid but suspicious things in the spec, for the build log.
    public var warnings: [SpecWarning] = []
}

/// Turns a model spec into the Swift source of its typed model.
public enum Generator {
    /// The output file name for a spec file name; the build plugin computes the same.
    public static func outputFileName(forSpec fileName: String) -> String {
        Identifiers.specBaseName(fileName) + ".model.swift"
    }

    /// Generates the model type for the spec in `bytes`. `path` names the spec in errors; only
    /// its last component appears in the generated code.
    public static func generate(specAt path: String, bytes: [UInt8], options: GeneratorOptions = .init()) throws(SpecError) -> GeneratedFile {
        let description = try ModelSpecParser.parse(specFile: bytes, file: path, customLayers: options.parserCustomLayers)
        do {
            try CustomLayerArguments.check(description)
        } catch {
            throw error.inFile(path)
        }
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        let typeName = options.typeName ?? Identifiers.typeName(Identifiers.specBaseName(fileName))
        let contents = Renderer(description: description, specFileName: fileName, typeName: typeName, options: options).renderFile()
        return GeneratedFile(fileName: outputFileName(forSpec: fileName), typeName: typeName, contents: contents,
                             warnings: description.warnings)
    }
}

/// Writes the Swift source of one model type (and the types of its nested models inside it).
struct Renderer {
    let description: ModelDescription
    let specFileName: String
    let typeName: String
    let options: GeneratorOptions
    /// The Swift property of each layer.
    let members: [String]
    /// The renderers of nested models, by layer index.
    let nested: [Int: Renderer]
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

    init(description: ModelDescription, specFileName: String, typeName: String, options: GeneratorOptions,
         variantOf: VariantBase? = nil) {
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
        var nested: [Int: Renderer] = [:]
        for (index, layer) in description.layers.enumerated() {
            if let model = layer.nested {
                nested[index] = Renderer(description: model, specFileName: specFileName,
                                         typeName: typeNames.claim(Identifiers.typeName(model.attributes.name, avoiding: taken)),
                                         options: options)
            }
        }
        self.nested = nested
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
        parameters = description.graph.inputs.map { locals[$0] }
        // Dict inputs and outputs keep Keras's keys as argument labels and tuple labels.
        let labelReserved = Identifiers.reserved.union(["intercepting", "at"])
        var argumentLabels = UniqueNames(reserving: labelReserved)
        parameterLabels = description.graph.inputKeys?.map { argumentLabels.claim(Identifiers.memberName($0, avoiding: labelReserved)) }
        var labels = UniqueNames()
        if let keys = description.graph.outputKeys {
            outputLabels = keys.map { labels.claim(Identifiers.memberName($0, avoiding: Identifiers.reserved)) }
        } else {
            outputLabels = description.graph.outputs.map { labels.claim(members[description.graph.nodes[$0.node].layer]) }
        }
    }

    private var access: String { options.accessModifier.prefix }
    private var layers: [LayerDescription] { description.layers }
    private var graph: ModelGraph { description.graph }
    private var isFunctional: Bool { description.className == "Functional" }
    private var typeLiteral: String { SwiftLiteral.string(typeName) }

    /// The whole file.
    func renderFile() -> String {
        var out = SourceWriter()
        out.line("// Generated by swift-model-generator from \(CommentText.escape(specFileName)). Do not edit.")
        out.line()
        for module in ["ModelRuntime"] + options.additionalImports.sorted() {
            out.line("import \(module)")
        }
        out.line()
        render(&out, nestedIn: nil)
        return out.text
    }

    func render(_ out: inout SourceWriter, nestedIn outer: String?) {
        renderTypeDocumentation(&out, nestedIn: outer)
        out.block("\(access)struct \(typeName): Model") { out in
            renderConfig(&out)
            out.line()
            renderLayerProperties(&out)
            out.line()
            renderInitializer(&out)
            out.line()
            if variantOf != nil {
                renderVariantInitializer(&out)
                out.line()
            }
            renderConfigProperty(&out)
            out.line()
            renderCall(&out)
            out.line()
            renderClone(&out)
            out.line()
            renderWeights(&out)
            for index in nested.keys.sorted() {
                out.line()
                nested[index]!.render(&out, nestedIn: typeName)
            }
        }
    }

    private func name(_ layer: LayerDescription) -> String { "`" + CommentText.escape(layer.name) + "`" }

    /// The Swift type of a layer: the runtime layer or the nested model type.
    private func swiftType(_ index: Int) -> String {
        nested[index]?.typeName ?? declaration(index)?.swiftType ?? type(of: layers[index].config!).swiftRuntimeTypeName
    }

    /// The declaration of a custom layer.
    private func declaration(_ index: Int) -> CustomLayerDeclaration? {
        (layers[index].config as? DeclaredLayerConfig)?.declaration
    }

    /// The custom layers of this model and its nested models, by Swift type, each once.
    var customSwiftTypes: [String] {
        var seen = Set<String>()
        var types: [String] = []
        for index in layers.indices {
            let found = nested[index]?.customSwiftTypes ?? declaration(index).map { [$0.swiftType] } ?? []
            for type in found where seen.insert(type).inserted { types.append(type) }
        }
        return types
    }

    /// The type column of the documentation: Keras's class, and the nested type.
    private func typeDescription(_ index: Int) -> String {
        if let declaration = declaration(index) { return "custom \(layers[index].className) `\(declaration.swiftType)`" }
        return nested[index].map { "\(layers[index].className) `\($0.typeName)`" } ?? layers[index].className
    }

    private func shapesText(_ shapes: [TensorShape]) -> String {
        shapes.count == 1 ? shapes[0].description : "[" + shapes.map(\.description).joined(separator: ", ") + "]"
    }

    private func renderTypeDocumentation(_ out: inout SourceWriter, nestedIn outer: String?) {
        let count = layers.filter { !$0.isInput }.count
        let origin = outer.map { "the model `\($0)` in `\(CommentText.escape(specFileName))`" } ?? "`\(CommentText.escape(specFileName))`"
        let kind = description.isSubclassed ? "subclassed model \(CommentText.escape(description.className))" : "\(description.className) model"
        out.line("/// The Keras \(kind) \(CommentText.escape(SwiftLiteral.string(description.attributes.name))) from \(origin):")
        out.line("/// \(count) layer\(count == 1 ? "" : "s"), \(Format.grouped(description.parameterCount)) parameters, \(shapesText(description.inputShapes)) → \(shapesText(description.outputShapes)).")
        out.line("///")
        out.line("/// | Layer | Type | Output shape | Parameters |")
        out.line("/// | --- | --- | --- | ---: |")
        let firstCall = Dictionary(graph.nodes.enumerated().map { ($1.layer, $0) }, uniquingKeysWith: { first, _ in first })
        for (index, layer) in layers.enumerated() where !layer.isInput {
            let shape = firstCall[index].map { shapesText(description.nodeShapes[$0]) } ?? "?"
            out.line("/// | \(name(layer)) | \(typeDescription(index)) | \(shape) | \(Format.grouped(layer.parameterCount)) |")
        }
    }

    private func renderConfig(_ out: inout SourceWriter) {
        out.line("/// The architecture: the Keras config of every layer, in spec order. Edit a copy and")
        out.line("/// pass it to `init(config:seed:)` to build a variant.")
        let conformance = description.isSubclassed ? "SubclassedModelConfig" : "\(description.className)ModelConfig"
        out.block("\(access)struct Config: \(conformance)") { out in
            out.line("/// The model's name, `trainable` flag and dtype policy.")
            out.line("\(access)var model = \(description.attributes.swiftExpression)")
            for (index, layer) in layers.enumerated() {
                if let nestedType = nested[index]?.typeName {
                    out.line("/// \(name(layer)): the nested model `\(nestedType)`.")
                    out.line("\(access)var \(members[index]) = \(nestedType).Config()")
                } else if let config = layer.config as? DeclaredLayerConfig {
                    renderCustomConfig(&out, index: index, config: config)
                } else {
                    out.line("/// \(name(layer)) (\(layer.className)).")
                    out.assignment("\(access)var \(members[index]) = \(type(of: layer.config!).swiftTypeName)", arguments: layer.config!.swiftArguments)
                }
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
            out.line("\(access)init() {}")
            out.line()
            if description.isSubclassed {
                renderSubclassedCoding(&out)
                return
            }
            out.block("\(access)init(from decoder: any Swift.Decoder) throws") { out in
                out.line("var layers = try ModelConfigReader(from: decoder, for: Self.self)")
                out.line("model = layers.attributes")
                for member in members {
                    out.line("\(member) = try layers.next()")
                }
                out.line("try layers.finish()")
            }
            out.line()
            out.block("\(access)func encode(to coder: any Swift.Encoder) throws") { out in
                out.line("try ModelConfigWriter.encode(self, to: coder)")
            }
            out.line()
            renderLayerList(&out)
        }
    }

    /// A subclassed model's config reads and writes the model class's own config, which the
    /// custom layer `members[1]` holds; the input shape is the type's.
    private func renderSubclassedCoding(_ out: inout SourceWriter) {
        let member = members[1]
        out.block("\(access)init(from decoder: any Swift.Decoder) throws") { out in
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
    private func renderLayerList(_ out: inout SourceWriter) {
        out.line("/// The layers' configs in spec order, as `graph` numbers them.")
        out.block("\(access)var layers: [any GraphLayerConfig]") { out in
            out.line("[" + members.joined(separator: ", ") + "]")
        }
    }

    /// A custom layer's config property: the spec's values passed to the Swift config type's
    /// initializer, which the compiler checks. Compiler errors there point to the spec's layer
    /// (`#sourceLocation`), except for `.keras` archives and legacy `.h5` files, whose lines
    /// are those of the config embedded in them.
    private func renderCustomConfig(_ out: inout SourceWriter, index: Int, config: DeclaredLayerConfig) {
        let layer = layers[index]
        out.line("/// \(name(layer)) (\(CommentText.escape(layer.className)), the custom layer `\(config.declaration.swiftType)`).")
        let location = ModelSpecParser.embedsConfig(specFileName) ? nil : layer.location
        if let location {
            out.line("#sourceLocation(file: \(SwiftLiteral.string(specFileName)), line: \(location.line))")
        }
        let arguments = (try? CustomLayerArguments.arguments(config)) ?? []
        out.assignment("\(access)var \(members[index]): ConfigOf<\(config.declaration.swiftType)> = .init", arguments: arguments)
        if location != nil { out.line("#sourceLocation()") }
    }

    /// The graph literal, each call commented with what it computes.
    private func renderGraph(_ out: inout SourceWriter) {
        out.line("/// How the layers are called: Keras's `inbound_nodes`, `input_layers` and `output_layers`.")
        if !isFunctional {
            out.line("\(access)static let graph = ModelGraph.chain(\(layers.count))")
            return
        }
        func ref(_ ref: ModelGraph.TensorRef) -> String {
            ref.index == 0 ? ".init(\(ref.node))" : ".init(\(ref.node), \(ref.index))"
        }
        out.line("\(access)static let graph = ModelGraph(")
        out.line("    nodes: [")
        for (index, node) in graph.nodes.enumerated() {
            var code = node.inputs.isEmpty ? ".init(\(node.layer))" : ".init(\(node.layer), [\(node.inputs.map(ref).joined(separator: ", "))])"
            if node.layout != .standard {
                var parts: [String] = []
                if let positional = node.layout.positional { parts.append("positional: \(positional)") }
                if !node.layout.keywords.isEmpty { parts.append("keywords: \(node.layout.keywords.swiftExpression)") }
                if node.layout.useCausalMask { parts.append("useCausalMask: true") }
                if node.layout.initialStates > 0 { parts.append("initialStates: \(node.layout.initialStates)") }
                if node.layout.singleInitialState { parts.append("singleInitialState: true") }
                if !node.layout.maskKeywords.isEmpty { parts.append("maskKeywords: \(node.layout.maskKeywords.swiftExpression)") }
                if let training = node.layout.training { parts.append("training: \(training)") }
                code = String(code.dropLast()) + ", layout: .init(\(parts.joined(separator: ", "))))"
            }
            let call = node.inputs.isEmpty ? "input" : "(" + node.inputs.map { locals[$0.node] }.joined(separator: ", ") + ")"
            out.line("        \(code),  // \(index): \(locals[index]) = \(members[node.layer])\(node.inputs.isEmpty ? " (" + call + ")" : call)")
        }
        out.line("    ],")
        var tail = ["inputs: [\(graph.inputs.map(String.init).joined(separator: ", "))]",
                    "outputs: [\(graph.outputs.map(ref).joined(separator: ", "))]"]
        if graph.listsSingleInput { tail.append("listsSingleInput: true") }
        if graph.listsSingleOutput { tail.append("listsSingleOutput: true") }
        if let keys = graph.inputKeys { tail.append("inputKeys: \(keys.swiftExpression)") }
        if let keys = graph.outputKeys { tail.append("outputKeys: \(keys.swiftExpression)") }
        for (index, item) in tail.enumerated() {
            out.line("    " + item + (index == tail.count - 1 ? ")" : ","))
        }
    }

    private func renderLayerProperties(_ out: inout SourceWriter) {
        let allCalls = graph.calls(layerCount: layers.count)
        for (index, layer) in layers.enumerated() {
            if layer.isInput {
                out.line("/// \(name(layer)): an input, of shape \(description.nodeShapes[allCalls[index][0]][0]).")
                out.line("\(access)private(set) var \(members[index]): InputLayer")
                continue
            }
            let parameters = layer.parameterCount == 0 ? "" : ", \(Format.grouped(layer.parameterCount)) parameters"
            let calls = allCalls[index]
            let shared = calls.count > 1 ? ", called \(calls.count) times" : ""
            let first = calls[0]
            out.line("/// \(name(layer)) (\(typeDescription(index))): \(shapesText(description.inputShapes(of: first))) → \(shapesText(description.nodeShapes[first]))\(parameters)\(shared).")
            out.line("\(access)var \(members[index]): \(swiftType(index))")
        }
        out.line("private var attributes: ModelAttributes")
    }

    /// Swift for the shape of a call's output, read from the layer that makes it.
    private func shapeExpression(_ ref: ModelGraph.TensorRef) -> String {
        let layer = graph.nodes[ref.node].layer
        return nested[layer] != nil ? "\(members[layer]).outputShapes[\(ref.index)]" : "\(members[layer]).outputShape"
    }

    private func renderInitializer(_ out: inout SourceWriter) {
        out.line("/// Builds the model from `config` with fresh weights drawn from `seed` (random when `nil`).")
        out.line("/// Throws when the config's layers don't fit together.")
        out.block("\(access)init(config: Config, seed: UInt64? = nil) throws") { out in
            out.line("let seed = seed ?? Seeds.fresh()")
            out.line("_ = try config.nodeShapes()")
            out.line("attributes = config.model")
            var built = Set<Int>()
            for node in graph.nodes where built.insert(node.layer).inserted {
                let member = members[node.layer]
                let seedArgument = "seed: Seeds.derive(seed, config.\(member).name)"
                if layers[node.layer].isInput {
                    out.line("\(member) = InputLayer(config: config.\(member))")
                } else if let nestedType = nested[node.layer]?.typeName {
                    out.line("\(member) = try \(nestedType)(config: config.\(member), \(seedArgument))")
                } else if layers[node.layer].isUnary {
                    out.line("\(member) = try \(swiftType(node.layer))(")
                    out.line("    config: config.\(member), inputShape: \(shapeExpression(node.inputs[0])), \(seedArgument))")
                } else {
                    let shapes = node.arguments.map(shapeExpression).joined(separator: ", ")
                    out.line("\(member) = try \(swiftType(node.layer))(")
                    out.line("    config: config.\(member), inputShapes: [\(shapes)], \(seedArgument))")
                }
            }
        }
    }

    /// A variant's initializer from its base model, sharing the base's layers.
    private func renderVariantInitializer(_ out: inout SourceWriter) {
        guard let base = variantOf else { return }
        let pairs: [(String, String, Bool)] = base.layers.compactMap { layer in
            layers.firstIndex { $0.name == layer.name }.map { (members[$0], layer.member, layer.isInput) }
        }
        out.line("/// The variant of `\(base.typeName)` (`\(CommentText.escape(base.spec))`) built on `base`'s layers, which it")
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

    private func renderConfigProperty(_ out: inout SourceWriter) {
        out.line("/// The config of the model as it is now.")
        out.block("\(access)var config: Config") { out in
            out.line("var config = Config()")
            out.line("config.model = attributes")
            for member in members {
                out.line("config.\(member) = \(member).config")
            }
            out.line("return config")
        }
    }

    /// Swift for a call's output.
    private func valueExpression(_ ref: ModelGraph.TensorRef) -> String {
        let layer = graph.nodes[ref.node].layer
        if let model = nested[layer], model.outputLabels.count > 1 {
            return "\(locals[ref.node]).\(model.outputLabels[ref.index])"
        }
        if (layers[layer].config?.outputCount ?? 1) > 1 { return "\(locals[ref.node])[\(ref.index)]" }
        return locals[ref.node]
    }

    /// The call's return type: a `Tensor`, or a tuple labeled by output name.
    var returnType: String {
        outputLabels.count == 1 ? "Tensor" : "(" + outputLabels.map { "\($0): Tensor" }.joined(separator: ", ") + ")"
    }

    private func renderCall(_ out: inout SourceWriter) {
        let inputs = zip(parameters, description.inputShapes).map { "\($0) \($1)" }.joined(separator: ", ")
        let labels = parameterLabels ?? parameters.map { _ in "_" }
        let signature = zip(labels, parameters).map { $0 == $1 ? "\($1): Tensor" : "\($0) \($1): Tensor" }.joined(separator: ", ")
        let arguments = zip(labels, parameters).map { $0 == "_" ? $1 : "\($0): \($1)" }.joined(separator: ", ")
        out.line("/// Runs the model on \(inputs); returns \(outputLabels.count == 1 ? "shape " + description.outputShapes[0].description : shapesText(description.outputShapes)).")
        out.block("\(access)func callAsFunction(\(signature)) -> \(returnType)") { out in
            out.line("callAsFunction(\(arguments), intercepting: NoInterception())")
        }
        out.line()
        out.line("/// Runs the model, handing every layer's output to `interceptor`, which may replace it;")
        out.line("/// `path` is where the model sits in an outer model.")
        let full = "\(signature), intercepting interceptor: some CallInterceptor, at path: @autoclosure () -> LayerPath = LayerPath([])"
        out.block("\(access)func callAsFunction(\(full)) -> \(returnType)") { out in
            let chains = fusableChains()
            let folded = Set(chains.values.flatMap { $0.dropLast() })
            for (index, node) in graph.nodes.enumerated() where !folded.contains(index) {
                let member = members[node.layer]
                let local = locals[index]
                if let chain = chains[index] {
                    let chained = chain.map { "self.\(members[graph.nodes[$0].layer])" }.joined(separator: ", ")
                    let input = valueExpression(graph.nodes[chain[0]].inputs[0])
                    out.line("let \(local) = interceptor.interceptChain(\(chained), input: \(input), at: path())")
                    continue
                }
                if node.inputs.isEmpty {
                    out.line("let \(local) = self.\(member).check(\(local), model: \(typeLiteral))")
                    continue
                }
                defer { renderComputedMask(of: index, &out) }
                let stateArgument = node.layout.initialStates == 0 ? ""
                    : ", initialState: [" + node.initialStateInputs.map(valueExpression).joined(separator: ", ") + "]"
                let readMasks = description.masks.masksRead(by: index)
                let isUnary = layers[node.layer].isUnary
                // A layer that reads masks gets them after its inputs: one for a unary layer, one
                // per input for attention.
                let maskArgument = readMasks.map { masks in
                    isUnary ? ", mask: " + maskExpression(masks[0])
                        : ", masks: [" + masks.map(maskExpression).joined(separator: ", ") + "]"
                } ?? ""
                let argumentList = node.arguments.map(valueExpression).joined(separator: ", ") + stateArgument
                    + (isUnary ? maskArgument : "")
                let path = "path().appending(self.\(member).config.name)"
                if let model = nested[node.layer] {
                    let call = "self.\(member)(\(argumentList), intercepting: interceptor, at: \(path))"
                    if model.outputLabels.count == 1 {
                        out.line("let \(local) = interceptor.intercept(")
                        out.line("    self.\(member), at: \(path), output: \(call))")
                    } else {
                        out.line("let \(local) = \(call)")
                    }
                    continue
                }
                if (layers[node.layer].config?.outputCount ?? 1) > 1 {
                    // Several outputs (the states of return_state): not intercepted.
                    out.line("let \(local) = self.\(member).outputs(\(argumentList))")
                    continue
                }
                let causal = (node.maskInput("attention_mask").map { ", attentionMask: " + valueExpression($0) } ?? "")
                    + (node.layout.useCausalMask ? ", useCausalMask: true" : "")
                let call = isUnary
                    ? "self.\(member)(\(argumentList))" : "self.\(member)([\(argumentList)]\(maskArgument)\(causal))"
                out.line("let \(local) = interceptor.intercept(self.\(member), at: \(path), output: \(call))")
            }
            if outputLabels.count == 1 {
                out.line("return \(valueExpression(graph.outputs[0]))")
            } else {
                out.line("return (" + zip(outputLabels, graph.outputs).map { "\($0): \(valueExpression($1))" }.joined(separator: ", ") + ")")
            }
        }
    }

    /// The Swift for a mask: the local of a computed mask, or a graph tensor Keras recorded.
    private func maskExpression(_ source: MaskPlan.Source?) -> String {
        switch source {
        case nil: "nil"
        case .computed(let node)?: maskLocals[node]!
        case .tensor(let ref)?: valueExpression(ref)
        }
    }

    /// `let <local>Mask = …` after the call of `node`, when the model reads the mask it computes.
    private func renderComputedMask(of node: Int, _ out: inout SourceWriter) {
        guard let name = maskLocals[node] else { return }
        let call = graph.nodes[node]
        let member = "self.\(members[call.layer])"
        let masks = description.masks.argumentMasks[node]
        let expression: String
        switch layers[call.layer].config?.maskBehavior {
        case .merges(requiresAll: true, _)?:
            expression = "\(member).computeMask([\(masks.map(maskExpression).joined(separator: ", "))])"
        case .merges(requiresAll: false, _)?:
            let inputs = call.arguments.map(valueExpression).joined(separator: ", ")
            expression = "\(member).computeMask([\(inputs)], masks: [\(masks.map(maskExpression).joined(separator: ", "))])"
        default:
            expression = "\(member).computeMask(\(valueExpression(call.arguments[call.arguments.startIndex])))"
        }
        out.line("let \(name) = \(expression)")
    }

    /// The chains the call runs through `interceptChain` (one convolution with output passes
    /// when nothing intercepts): a convolution read only by a BatchNormalization, and that
    /// read only by an `Activation` or `ReLU` when one follows. Each layer is built in and
    /// called once, and no middle output is a model output. Keyed by the chain's last node.
    private func fusableChains() -> [Int: [Int]] {
        let nodes = graph.nodes
        var readers = [Int](repeating: 0, count: nodes.count), calls = [Int](repeating: 0, count: layers.count)
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
        // The node that alone reads `index`'s only output, if it is such a call.
        func onlyReader(of index: Int, _ matches: ((any LayerConfig)?) -> Bool) -> Int? {
            guard readers[index] == 1,
                  let reader = nodes.indices.first(where: { nodes[$0].inputs.contains { $0.node == index } }) else { return nil }
            let node = nodes[reader]
            let readsOutputZero = node.inputs.count == 1 && node.inputs[0].index == 0
            return readsOutputZero && isPlainCall(node, matches) ? reader : nil
        }
        let isConvolution = { (config: (any LayerConfig)?) in
            config is Conv1DConfig || config is Conv2DConfig || config is Conv3DConfig
                || config is DepthwiseConv1DConfig || config is DepthwiseConv2DConfig
        }
        var chains: [Int: [Int]] = [:]
        for (index, node) in nodes.enumerated() {
            guard node.inputs.count == 1, isPlainCall(node, isConvolution),
                  let norm = onlyReader(of: index, { $0 is BatchNormalizationConfig }) else { continue }
            if let activation = onlyReader(of: norm, { $0 is ActivationConfig || $0 is ReLUConfig }) {
                chains[activation] = [index, norm, activation]
            } else {
                chains[norm] = [index, norm]
            }
        }
        return chains
    }

    private func renderClone(_ out: inout SourceWriter) {
        out.line("/// A copy whose layers `cloner` made, for a model at `path` in an outer model; see")
        out.line("/// `clone(with:recursive:)`.")
        out.block("\(access)func clone(with cloner: some LayerCloner, recursive: Bool, at path: LayerPath) -> \(typeName)") { out in
            out.line("var clone = self")
            for (index, layer) in layers.enumerated() where !layer.isInput {
                let member = members[index]
                let recursive = nested[index] != nil ? ", recursive: recursive" : ""
                out.line("clone.\(member) = cloner.cloneLayer(\(member), at: path.appending(\(member).config.name), in: \(typeLiteral)\(recursive))")
            }
            out.line("return clone")
        }
    }

    private func renderWeights(_ out: inout SourceWriter) {
        // A custom layer's weights come from its Swift type, whatever its declaration says.
        let weighted = layers.enumerated().filter { $0.element.parameterCount > 0 || $0.element.custom != nil }
        let count = weighted.reduce(0) { $0 + ($1.element.nested.map { _ in 0 } ?? $1.element.weights.count) }
        let nestedNote = weighted.contains { $0.element.nested != nil } ? ", nested models' included" : ""
        out.line("/// The weight tensors in Keras's `get_weights()` order\(count > 0 && nestedNote.isEmpty ? " (\(count))" : nestedNote).")
        out.block("\(access)var weights: [Tensor]") { out in
            if weighted.isEmpty {
                out.line("[]")
            } else {
                out.line(weighted.map { "\(members[$0.offset]).weights" }.joined(separator: " + "))
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
            for (index, layer) in weighted {
                out.line("try assignment.assign(to: &updated.\(members[index]), name: \(SwiftLiteral.string(layer.name)))")
            }
            out.line("try assignment.finish()")
            out.line("self = updated")
        }
    }
}

/// Indented Swift source.
struct SourceWriter {
    private(set) var text = ""
    private var depth = 0

    mutating func line(_ content: String = "") {
        if content.isEmpty {
            text += "\n"
        } else {
            text += String(repeating: "    ", count: depth) + content + "\n"
        }
    }

    /// `prefix(arguments)` on one line when it fits in 110 columns, else one argument a line.
    mutating func assignment(_ prefix: String, arguments: [String]) {
        let single = prefix + "(" + arguments.joined(separator: ", ") + ")"
        if String(repeating: "    ", count: depth).count + single.count <= 110 {
            line(single)
            return
        }
        line(prefix + "(")
        depth += 1
        for (index, argument) in arguments.enumerated() {
            line(argument + (index == arguments.count - 1 ? "" : ","))
        }
        depth -= 1
        line(")")
    }

    mutating func block(_ header: String, _ body: (inout SourceWriter) -> Void) {
        line(header + " {")
        depth += 1
        body(&self)
        depth -= 1
        line("}")
    }
}

/// Number formatting as Keras prints it.
enum Format {
    /// `23361` → `23,361`.
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }
}
