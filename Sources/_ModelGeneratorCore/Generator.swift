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
    /// The layers of each part of a model of more than `stageSize` layers (see `Renderer`).
    /// Release builds optimize each part's initializer, clone and weight code as one function,
    /// in time that grows faster than its length, so parts stay small. Tests and the
    /// reserved-name probes set it small.
    var partSize = 16
    /// The most layers a generated struct stores unsplit, calls a generated function runs and
    /// nodes a graph function lists: a larger model keeps its layers in parts of `partSize`,
    /// runs its call in stages of this size and lists its graph in functions of this size.
    var stageSize = 64

    /// Options with the defaults: `internal`, the file-derived name, no extra imports, no
    /// custom layers.
    public init(
        accessModifier: AccessModifier = .internal, typeName: String? = nil, additionalImports: [String] = [],
        customLayers: [CustomLayerDeclaration] = []
    ) {
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
    public static func generate(specAt path: String, bytes: [UInt8], options: GeneratorOptions = .init())
        throws(SpecError) -> GeneratedFile
    {
        let description = try ModelSpecParser.parse(
            specFile: bytes, file: path, customLayers: options.parserCustomLayers)
        do {
            try CustomLayerArguments.check(description)
        } catch {
            throw error.inFile(path)
        }
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        let typeName = options.typeName ?? Identifiers.typeName(Identifiers.specBaseName(fileName))
        let contents = Renderer(description: description, specFileName: fileName, typeName: typeName, options: options)
            .renderFile()
        return GeneratedFile(
            fileName: outputFileName(forSpec: fileName), typeName: typeName, contents: contents,
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
    /// The layers of each part (spec order, `options.partSize` each) when the model has more
    /// than `options.stageSize` layers; nil when its layers are stored together.
    let layerParts: [[Int]]?
    /// The part (0-based) of each layer, when the layers are in parts.
    let partOfLayer: [Int]
    /// The part types' names (`Part1`, …), nested in `Layers` and in the config's `Fields`.
    let partTypes: [String]
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

    init(
        description: ModelDescription, specFileName: String, typeName: String, options: GeneratorOptions,
        variantOf: VariantBase? = nil
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
        var nested: [Int: Renderer] = [:]
        for (index, layer) in description.layers.enumerated() {
            if let model = layer.nested {
                nested[index] = Renderer(
                    description: model, specFileName: specFileName,
                    typeName: typeNames.claim(Identifiers.typeName(model.attributes.name, avoiding: taken)),
                    options: options)
            }
        }
        self.nested = nested
        // Large models: layers in parts, each a struct (see `renderLayerStorage`).
        if description.layers.count > options.stageSize {
            let parts = stride(from: 0, to: description.layers.count, by: options.partSize).map {
                Array($0..<min($0 + options.partSize, description.layers.count))
            }
            layerParts = parts
            partOfLayer = description.layers.indices.map { $0 / options.partSize }
            // The part types are the renderer's own names (so `taken` holds some): they only
            // have to differ from the nested models' types.
            var partNames = UniqueNames(
                reserving: Set(nested.values.map(\.typeName)).union(["Config", "Layers", "Fields", typeName]))
            partTypes = parts.indices.map { partNames.claim("Part\($0 + 1)") }
        } else {
            layerParts = nil
            partOfLayer = []
            partTypes = []
        }
        let statementCount = Renderer.statementCount(description)
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
        // A public model's API is made of ModelRuntime's types, so a target that builds with
        // `InternalImportsByDefault` needs the import public. Not `package import`: it is an
        // error beside a plain `import ModelRuntime` in another file of a Swift 6 target.
        out.line((options.accessModifier == .public ? "public " : "") + "import ModelRuntime")
        for module in options.additionalImports.sorted() {
            out.line("import \(module)")
        }
        out.line()
        out.line("// ModelRuntime and this file must come from the same release of swift-model-generator: if")
        out.line("// the next line does not compile, generate this file again with the release the package uses.")
        out.line("private typealias RuntimeRelease = GeneratedBy.\(Release.generatedByMember)")
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
            out.line()
            renderLayerStorage(&out)
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

    /// The Swift type of a layer's config.
    private func configType(_ index: Int) -> String {
        if let nestedType = nested[index]?.typeName { return nestedType + ".Config" }
        if let declaration = declaration(index) { return "ConfigOf<\(declaration.swiftType)>" }
        return type(of: layers[index].config!).swiftTypeName
    }

    /// Where a layer (in the model's `storage`) or its config (in the config's `storage`) is
    /// kept: `storage.value.dense.value`, or `storage.value.part2.value.dense.value` in a large
    /// model. Each layer and each part is behind its own reference, so that every struct holding
    /// them is at most `stageSize` references: cheap to copy, with small value witnesses.
    private func storagePath(_ index: Int) -> String {
        (layerParts == nil ? "storage.value." : "storage.value.\(partMember(partOfLayer[index])).value.")
            + members[index] + ".value"
    }

    /// `part2`: the property holding a part.
    private func partMember(_ part: Int) -> String { "part\(part + 1)" }

    /// The layers of `part`, or all of them.
    private func layerIndices(part: Int?) -> [Int] {
        part.map { layerParts![$0] } ?? Array(layers.indices)
    }

    /// A computed property reading and writing a stored one. (`get`/`set` rather than
    /// `_modify`: a thousand `_modify` coroutines that call `CopyOnWrite`'s took LLVM's
    /// coroutine splitting 5 s of a 1,000-layer model's debug build, against 0.3 s.)
    private func renderForwardingProperty(_ out: inout SourceWriter, _ declaration: String, to path: String) {
        out.block(declaration) { out in
            out.line("get { \(path) }")
            out.line("set { \(path) = newValue }")
        }
    }

    /// "Layers 65–128 (`a` … `b`)": a part's range of layers.
    private func partDescription(_ part: Int) -> String {
        let indices = layerParts![part]
        return
            "Layers \(indices.first! + 1)–\(indices.last! + 1) (\(name(layers[indices.first!])) … \(name(layers[indices.last!])))"
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
        if let declaration = declaration(index) {
            return "custom \(layers[index].className) `\(declaration.swiftType)`"
        }
        return nested[index].map { "\(layers[index].className) `\($0.typeName)`" } ?? layers[index].className
    }

    private func shapesText(_ shapes: [TensorShape]) -> String {
        shapes.count == 1 ? shapes[0].description : "[" + shapes.map(\.description).joined(separator: ", ") + "]"
    }

    private func renderTypeDocumentation(_ out: inout SourceWriter, nestedIn outer: String?) {
        let count = layers.filter { !$0.isInput }.count
        let origin =
            outer.map { "the model `\($0)` in `\(CommentText.escape(specFileName))`" }
            ?? "`\(CommentText.escape(specFileName))`"
        let kind =
            description.isSubclassed
            ? "subclassed model \(CommentText.escape(description.className))" : "\(description.className) model"
        out.line(
            "/// The Keras \(kind) \(CommentText.escape(SwiftLiteral.string(description.attributes.name))) from \(origin):"
        )
        out.line(
            "/// \(count) layer\(count == 1 ? "" : "s"), \(Format.grouped(description.parameterCount)) parameters, \(shapesText(description.inputShapes)) → \(shapesText(description.outputShapes))."
        )
        out.line("///")
        out.line("/// | Layer | Type | Output shape | Parameters |")
        out.line("/// | --- | --- | --- | ---: |")
        let firstCall = Dictionary(
            graph.nodes.enumerated().map { ($1.layer, $0) }, uniquingKeysWith: { first, _ in first })
        for (index, layer) in layers.enumerated() where !layer.isInput {
            let shape = firstCall[index].map { shapesText(description.nodeShapes[$0]) } ?? "?"
            out.line(
                "/// | \(name(layer)) | \(typeDescription(index)) | \(shape) | \(Format.grouped(layer.parameterCount)) |"
            )
        }
    }

    private func renderConfig(_ out: inout SourceWriter) {
        out.line("/// The architecture: the Keras config of every layer, in spec order. Edit a copy and")
        out.line("/// pass it to `init(config:seed:)` to build a variant.")
        let conformance = description.isSubclassed ? "SubclassedModelConfig" : "\(description.className)ModelConfig"
        out.block("\(access)struct Config: \(conformance)") { out in
            out.line("/// The model's name, `trainable` flag and dtype policy.")
            renderForwardingProperty(&out, "\(access)var model: ModelAttributes", to: "storage.value.model")
            for (index, layer) in layers.enumerated() {
                if let nestedType = nested[index]?.typeName {
                    out.line("/// \(name(layer)): the nested model `\(nestedType)`.")
                } else if let config = layer.config as? DeclaredLayerConfig {
                    out.line(
                        "/// \(name(layer)) (\(CommentText.escape(layer.className)), the custom layer `\(config.declaration.swiftType)`)."
                    )
                } else {
                    out.line("/// \(name(layer)) (\(layer.className)).")
                }
                renderForwardingProperty(
                    &out, "\(access)var \(members[index]): \(configType(index))", to: storagePath(index))
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
            } else {
                out.block("\(access)init(from decoder: any Swift.Decoder) throws") { out in
                    out.line("var layers = try ModelConfigReader(from: decoder, for: Self.self)")
                    out.line("model = layers.attributes")
                    if layerParts == nil {
                        for member in members {
                            out.line("\(member) = try layers.next()")
                        }
                    } else {
                        for part in partTypes.indices {
                            out.line("try storage.value.\(partMember(part)).value.read(from: &layers)")
                        }
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
            out.line()
            out.line("/// The layers' configs, behind one copy-on-write reference: copying a config copies")
            out.line("/// none of them until one copy changes.")
            // A large model's layer parts are built from the config's parts, so they see them.
            out.line("\(layerParts == nil ? "private" : "fileprivate") var storage = CopyOnWrite(Fields())")
            out.line()
            renderFields(&out)
        }
    }

    /// The config's stored properties: the spec's values.
    private func renderFields(_ out: inout SourceWriter) {
        guard let parts = layerParts else {
            out.line("/// The configs of the spec, each behind its own copy-on-write reference.")
            out.block("private struct Fields: Equatable, Sendable") { out in
                out.line("var model = \(description.attributes.swiftExpression)")
                for index in layers.indices {
                    renderConfigField(&out, index: index)
                }
            }
            return
        }
        out.line("/// The configs of the spec, each behind its own copy-on-write reference, in parts of at")
        out.line("/// most \(options.partSize) layers (each behind one too), so that no initializer grows with the")
        out.line("/// model. The model's layer parts are built from these parts.")
        out.block("fileprivate struct Fields: Equatable, Sendable") { out in
            out.line("var model = \(description.attributes.swiftExpression)")
            for part in parts.indices {
                out.line("/// \(partDescription(part)).")
                out.line("var \(partMember(part)) = CopyOnWrite(\(partTypes[part])())")
            }
            for part in parts.indices {
                out.line()
                out.block("struct \(partTypes[part]): Equatable, Sendable") { out in
                    for index in parts[part] {
                        renderConfigField(&out, index: index)
                    }
                    out.line()
                    out.block("mutating func read(from layers: inout ModelConfigReader) throws") { out in
                        for index in parts[part] {
                            out.line("try layers.next(into: &\(members[index]))")
                        }
                    }
                    out.line()
                    out.block("var layers: [any GraphLayerConfig]") { out in
                        out.line("[" + parts[part].map { members[$0] + ".value" }.joined(separator: ", ") + "]")
                    }
                }
            }
        }
    }

    /// One config's stored property, with the spec's values.
    private func renderConfigField(_ out: inout SourceWriter, index: Int) {
        let layer = layers[index]
        if let nestedType = nested[index]?.typeName {
            out.line("var \(members[index]) = CopyOnWrite(\(nestedType).Config())")
        } else if let config = layer.config as? DeclaredLayerConfig {
            renderCustomConfig(&out, index: index, config: config)
        } else {
            out.assignment(
                "var \(members[index]) = CopyOnWrite(\(type(of: layer.config!).swiftTypeName)",
                arguments: layer.config!.swiftArguments,
                suffix: ")")
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
            if layerParts == nil {
                out.line("[" + members.joined(separator: ", ") + "]")
                return
            }
            out.line("var layers = storage.value.part1.value.layers")
            for part in partTypes.indices.dropFirst() {
                out.line("layers += storage.value.\(partMember(part)).value.layers")
            }
            out.line("return layers")
        }
    }

    /// A custom layer's config property: the spec's values passed to the Swift config type's
    /// initializer, which the compiler checks. Compiler errors there point to the spec's layer
    /// (`#sourceLocation`), except for `.keras` archives and legacy `.h5` files, whose lines
    /// are those of the config embedded in them.
    private func renderCustomConfig(_ out: inout SourceWriter, index: Int, config: DeclaredLayerConfig) {
        let layer = layers[index]
        let location = ModelSpecParser.embedsConfig(specFileName) ? nil : layer.location
        if let location {
            out.line("#sourceLocation(file: \(SwiftLiteral.string(specFileName)), line: \(location.line))")
        }
        let arguments = (try? CustomLayerArguments.arguments(config)) ?? []
        out.assignment(
            "var \(members[index]) = CopyOnWrite<ConfigOf<\(config.declaration.swiftType)>>(.init",
            arguments: arguments, suffix: ")")
        if location != nil { out.line("#sourceLocation()") }
    }

    /// The graph literal, each call commented with what it computes. A large graph's calls are
    /// listed by functions of `options.stageSize`, each quick to type-check and optimize.
    private func renderGraph(_ out: inout SourceWriter) {
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
                "\(code),  // \(index): \(locals[index]) = \(members[node.layer])\(node.inputs.isEmpty ? " (" + call + ")" : call)"
        }
        let large = graph.nodes.count > options.stageSize
        out.line("\(access)static let graph = ModelGraph(")
        if large {
            out.line("    nodes: graphNodes,")
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
        let chunks = Array(stride(from: 0, to: graph.nodes.count, by: options.stageSize))
        // The list functions are the renderer's own names; they only have to differ from the
        // config's layer properties.
        var functionNames = UniqueNames(reserving: Set(members).union(Identifiers.reserved))
        let functions = chunks.indices.map { functionNames.claim("graphNodes\($0 + 1)") }
        out.line("/// The graph's calls, listed by functions of at most \(options.stageSize).")
        out.block("private static var graphNodes: [ModelGraph.Node]") { out in
            for (index, function) in functions.enumerated() {
                out.line(index == 0 ? "var nodes = \(function)()" : "nodes += \(function)()")
            }
            out.line("return nodes")
        }
        for (chunk, start) in chunks.enumerated() {
            let end = min(start + options.stageSize, graph.nodes.count)
            out.line()
            out.line("/// Calls \(start)–\(end - 1) of the graph; out of line, so that a release build optimizes")
            out.line("/// each list alone.")
            out.line("@inline(never)")
            out.block("private static func \(functions[chunk])() -> [ModelGraph.Node]") { out in
                out.line("[")
                for index in start..<end {
                    out.line("    " + nodeLine(index))
                }
                out.line("]")
            }
        }
    }

    private func renderLayerProperties(_ out: inout SourceWriter) {
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
                "/// \(name(layer)) (\(typeDescription(index))): \(shapesText(description.inputShapes(of: first))) → \(shapesText(description.nodeShapes[first]))\(parameters)\(shared)."
            )
            renderForwardingProperty(
                &out, "\(access)var \(members[index]): \(swiftType(index))", to: storagePath(index))
        }
        out.line()
        out.line("/// The layers, behind one copy-on-write reference: a model is one reference whatever its")
        out.line("/// size, and copying it copies no layer until one copy changes.")
        out.line("private var storage: CopyOnWrite<Layers>")
    }

    private func renderInitializer(_ out: inout SourceWriter) {
        out.line("/// Builds the model from `config` with fresh weights drawn from `seed` (random when `nil`).")
        out.line("/// Throws when the config's layers don't fit together.")
        out.block("\(access)init(config: Config, seed: UInt64? = nil) throws") { out in
            out.line("storage = CopyOnWrite(try Layers(config: config, seed: seed ?? Seeds.fresh()))")
        }
    }

    /// The layers' stored properties and the code that goes through each of them: all in
    /// `Layers`, or, in a large model, in parts of `options.partSize` layers.
    private func renderLayerStorage(_ out: inout SourceWriter) {
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
    private func renderStoredLayers(_ out: inout SourceWriter, part: Int?) {
        for index in layerIndices(part: part) {
            out.line("var \(members[index]): CopyOnWrite<\(layers[index].isInput ? "InputLayer" : swiftType(index))>")
        }
    }

    /// Swift for the shape of a call's output, where the layers of `part` (or all) are being
    /// built: read from the layer that makes it when it is built there, else from `shapes`
    /// (the config's `nodeShapes()`).
    private func shapeExpression(_ ref: ModelGraph.TensorRef, part: Int?) -> String {
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
    private func builds(part: Int?) -> [String] {
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
                    "\(member) = CopyOnWrite(try \(nestedType)(config: \(config), seed: Seeds.derive(seed, \(config).name)))"
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
    private func configCopies(part: Int?, field: String = "") -> [String] {
        layerIndices(part: part).map { "config.\(members[$0]) = \(members[$0])\(field).config" }
    }

    /// `<target>dense = cloner.cloneLayer(dense, …)` for the layers of a model stored unsplit.
    private func clones(target: String) -> [String] {
        layerIndices(part: nil).filter { !layers[$0].isInput }.map { index in
            let member = members[index]
            let recursive = nested[index] != nil ? ", recursive: recursive" : ""
            return
                "\(target)\(member) = cloner.cloneLayer(\(member), at: path.appending(\(member).config.name), in: \(typeLiteral)\(recursive))"
        }
    }

    /// The layers of `part` (or all) with weights; a custom layer's weights come from its Swift
    /// type, whatever its declaration says.
    private func weighted(part: Int?) -> [Int] {
        layerIndices(part: part).filter { layers[$0].parameterCount > 0 || layers[$0].custom != nil }
    }

    /// `try assignment.assign(to: <target>dense<field>, name: "dense")` for the layers of `part` (or all).
    private func assignments(part: Int?, target: String, field: String = "") -> [String] {
        weighted(part: part).map {
            "try assignment.assign(to: \(target)\(members[$0])\(field), name: \(SwiftLiteral.string(layers[$0].name)))"
        }
    }

    /// A variant's initializer from its base model, sharing the base's layers.
    private func renderVariantInitializer(_ out: inout SourceWriter) {
        guard let base = variantOf else { return }
        let pairs: [(String, String, Bool)] = base.layers.compactMap { layer in
            layers.firstIndex { $0.name == layer.name }.map { (members[$0], layer.member, layer.isInput) }
        }
        out.line(
            "/// The variant of `\(base.typeName)` (`\(CommentText.escape(base.spec))`) built on `base`'s layers, which it"
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

    private func renderConfigProperty(_ out: inout SourceWriter) {
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

    /// Swift for a call's output.
    private func valueExpression(_ ref: ModelGraph.TensorRef) -> String {
        let layer = graph.nodes[ref.node].layer
        if let model = nested[layer], model.outputLabels.count > 1 {
            return "\(locals[ref.node]).\(model.outputLabels[ref.index])"
        }
        if (layers[layer].config?.outputCount ?? 1) > 1 { return "\(locals[ref.node])[\(ref.index)]" }
        return locals[ref.node]
    }

    /// The Swift type of a call's local: a `Tensor`, the outputs of a layer with several, or
    /// the labeled tuple of a nested model with several.
    private func localType(_ node: Int) -> String {
        let layer = graph.nodes[node].layer
        if let model = nested[layer], model.outputLabels.count > 1 { return model.returnType }
        return (layers[layer].config?.outputCount ?? 1) > 1 ? "[Tensor]" : "Tensor"
    }

    /// The call's return type: a `Tensor`, or a tuple labeled by output name.
    var returnType: String {
        outputLabels.count == 1 ? "Tensor" : "(" + outputLabels.map { "\($0): Tensor" }.joined(separator: ", ") + ")"
    }

    /// One statement of the call: its lines, the locals it defines and the locals it reads.
    struct CallStatement {
        var lines: [String]
        var defines: [String]
        var reads: [String]
        /// The call it makes (the last of a fused chain).
        var node: Int
    }

    /// The number of statements of the call: one per call, a fused chain's calls counted once.
    static func statementCount(_ description: ModelDescription) -> Int {
        description.graph.nodes.count - fusableChains(description).values.reduce(0) { $0 + $1.count - 1 }
    }

    private func renderCall(_ out: inout SourceWriter) {
        let inputs = zip(parameters, description.inputShapes).map { "\($0) \($1)" }.joined(separator: ", ")
        let labels = parameterLabels ?? parameters.map { _ in "_" }
        let signature = zip(labels, parameters).map { $0 == $1 ? "\($1): Tensor" : "\($0) \($1): Tensor" }.joined(
            separator: ", ")
        let arguments = zip(labels, parameters).map { $0 == "_" ? $1 : "\($0): \($1)" }.joined(separator: ", ")
        out.line(
            "/// Runs the model on \(inputs); returns \(outputLabels.count == 1 ? "shape " + description.outputShapes[0].description : shapesText(description.outputShapes))."
        )
        out.block("\(access)func callAsFunction(\(signature)) -> \(returnType)") { out in
            out.line("callAsFunction(\(arguments), intercepting: NoInterception())")
        }
        out.line()
        out.line("/// Runs the model, handing every layer's output to `interceptor`, which may replace it;")
        out.line("/// `path` is where the model sits in an outer model.")
        let full =
            "\(signature), intercepting interceptor: some CallInterceptor, at path: @autoclosure () -> LayerPath = LayerPath([])"
        let statements = callStatements()
        let result =
            outputLabels.count == 1
            ? "return \(valueExpression(graph.outputs[0]))"
            : "return ("
                + zip(outputLabels, graph.outputs).map { "\($0): \(valueExpression($1))" }.joined(separator: ", ") + ")"
        guard !stageNames.isEmpty else {
            out.block("\(access)func callAsFunction(\(full)) -> \(returnType)") { out in
                for statement in statements {
                    for line in statement.lines { out.line(line) }
                }
                out.line(result)
            }
            return
        }
        // A large call runs in stages of `stageSize` statements, each a function that takes the
        // locals it reads and returns those it defines that later stages read.
        let stages = stride(from: 0, to: statements.count, by: options.stageSize).map {
            statements[$0..<min($0 + options.stageSize, statements.count)]
        }
        var types: [String: String] = [:]
        var order: [String: Int] = [:]
        var lastRead: [String: Int] = [:]
        var definedIn = [Set<String>](repeating: [], count: stages.count)
        var readIn = definedIn
        func define(_ name: String, type: String) {
            if order[name] == nil { order[name] = order.count }
            types[name] = type
        }
        for name in parameters { define(name, type: "Tensor") }
        for (stage, statements) in stages.enumerated() {
            for statement in statements {
                for name in statement.reads where !definedIn[stage].contains(name) {
                    readIn[stage].insert(name)
                    lastRead[name] = stage
                }
                for name in statement.defines {
                    define(name, type: maskLocals[statement.node] == name ? "Tensor" : localType(statement.node))
                    definedIn[stage].insert(name)
                }
            }
        }
        for ref in graph.outputs { lastRead[locals[ref.node]] = stages.count }
        func sorted(_ names: Set<String>) -> [String] { names.sorted { order[$0]! < order[$1]! } }
        func stageArguments(_ stage: Int) -> [String] { sorted(readIn[stage]) }
        func stageResults(_ stage: Int) -> [String] {
            sorted(definedIn[stage].filter { lastRead[$0, default: -1] > stage })
        }
        func tuple(_ items: [String]) -> String {
            items.count == 1 ? items[0] : "(" + items.joined(separator: ", ") + ")"
        }
        out.block("\(access)func callAsFunction(\(full)) -> \(returnType)") { out in
            for (stage, name) in stageNames.enumerated() {
                let call =
                    "\(name)("
                    + (stageArguments(stage) + ["interceptor: interceptor", "path: path"]).joined(separator: ", ") + ")"
                let results = stageResults(stage)
                out.line(results.isEmpty ? call : "let \(tuple(results)) = \(call)")
            }
            out.line(result)
        }
        for (stage, stageName) in stageNames.enumerated() {
            let statements = stages[stage]
            let first = statements.first!
            let last = statements.last!
            let parameters =
                stageArguments(stage).map { "_ \($0): \(types[$0]!)" } + [
                    "interceptor: some CallInterceptor", "path: () -> LayerPath",
                ]
            let results = stageResults(stage)
            let returns = results.isEmpty ? "" : " -> " + tuple(results.map { types[$0]! })
            out.line()
            let range =
                statements.count == 1
                ? "Call \(statements.endIndex)" : "Calls \(statements.startIndex + 1)–\(statements.endIndex)"
            let span =
                statements.count == 1
                ? name(layers[graph.nodes[first.node].layer])
                : "\(name(layers[graph.nodes[first.node].layer])) … \(name(layers[graph.nodes[last.node].layer]))"
            out.line("/// \(range) of the model's call: \(span).")
            out.block("private func \(stageName)(\(parameters.joined(separator: ", ")))\(returns)") { out in
                for statement in statements {
                    for line in statement.lines { out.line(line) }
                }
                if !results.isEmpty { out.line("return \(tuple(results))") }
            }
        }
    }

    /// The call's statements, in graph order: a fused chain is one statement; a call whose
    /// mask the model reads is followed by the mask's.
    private func callStatements() -> [CallStatement] {
        let chains = Renderer.fusableChains(description)
        let folded = Set(chains.values.flatMap { $0.dropLast() })
        var statements: [CallStatement] = []
        for (index, node) in graph.nodes.enumerated() where !folded.contains(index) {
            let member = members[node.layer]
            let local = locals[index]
            if let chain = chains[index] {
                let chained = chain.map { "self.\(members[graph.nodes[$0].layer])" }.joined(separator: ", ")
                let first = graph.nodes[chain[0]]
                statements.append(
                    CallStatement(
                        lines: [
                            "let \(local) = interceptor.interceptChain(\(chained), input: \(valueExpression(first.inputs[0])), at: path())"
                        ],
                        defines: [local], reads: first.inputs.map { locals[$0.node] }, node: index))
                continue
            }
            if node.inputs.isEmpty {
                statements.append(
                    CallStatement(
                        lines: ["let \(local) = self.\(member).check(\(local), model: \(typeLiteral))"],
                        defines: [local], reads: [local], node: index))
                continue
            }
            var lines: [String] = []
            var reads = node.inputs.map { locals[$0.node] }
            let stateArgument =
                node.layout.initialStates == 0
                ? ""
                : ", initialState: [" + node.initialStateInputs.map(valueExpression).joined(separator: ", ") + "]"
            let readMasks = description.masks.masksRead(by: index)
            reads += (readMasks ?? []).flatMap(maskReads)
            let isUnary = layers[node.layer].isUnary
            // A layer that reads masks gets them after its inputs: one for a unary layer, one
            // per input for attention.
            let maskArgument =
                readMasks.map { masks in
                    isUnary
                        ? ", mask: " + maskExpression(masks[0])
                        : ", masks: [" + masks.map(maskExpression).joined(separator: ", ") + "]"
                } ?? ""
            let argumentList =
                node.arguments.map(valueExpression).joined(separator: ", ") + stateArgument
                + (isUnary ? maskArgument : "")
            let path = "path().appending(self.\(member).config.name)"
            if let model = nested[node.layer] {
                let call = "self.\(member)(\(argumentList), intercepting: interceptor, at: \(path))"
                if model.outputLabels.count == 1 {
                    lines.append("let \(local) = interceptor.intercept(")
                    lines.append("    self.\(member), at: \(path), output: \(call))")
                } else {
                    lines.append("let \(local) = \(call)")
                }
            } else if (layers[node.layer].config?.outputCount ?? 1) > 1 {
                // Several outputs (the states of return_state): not intercepted.
                lines.append("let \(local) = self.\(member).outputs(\(argumentList))")
            } else {
                let causal =
                    (node.maskInput("attention_mask").map { ", attentionMask: " + valueExpression($0) } ?? "")
                    + (node.layout.useCausalMask ? ", useCausalMask: true" : "")
                let call =
                    isUnary
                    ? "self.\(member)(\(argumentList))" : "self.\(member)([\(argumentList)]\(maskArgument)\(causal))"
                lines.append("let \(local) = interceptor.intercept(self.\(member), at: \(path), output: \(call))")
            }
            var defines = [local]
            if let mask = computedMask(of: index) {
                lines.append(mask.line)
                defines.append(mask.name)
                reads += mask.reads
            }
            statements.append(CallStatement(lines: lines, defines: defines, reads: reads, node: index))
        }
        return statements
    }

    /// The Swift for a mask: the local of a computed mask, or a graph tensor Keras recorded.
    private func maskExpression(_ source: MaskPlan.Source?) -> String {
        switch source {
        case nil: "nil"
        case .computed(let node)?: maskLocals[node]!
        case .tensor(let ref)?: valueExpression(ref)
        }
    }

    /// The locals a mask reads.
    private func maskReads(_ source: MaskPlan.Source?) -> [String] {
        switch source {
        case nil: []
        case .computed(let node)?: [maskLocals[node]!]
        case .tensor(let ref)?: [locals[ref.node]]
        }
    }

    /// `let <local>Mask = …` after the call of `node`, when the model reads the mask it
    /// computes: the line, the local and the locals it reads.
    private func computedMask(of node: Int) -> (line: String, name: String, reads: [String])? {
        guard let name = maskLocals[node] else { return nil }
        let call = graph.nodes[node]
        let member = "self.\(members[call.layer])"
        let masks = description.masks.argumentMasks[node]
        let expression: String
        switch layers[call.layer].config?.maskBehavior {
        case .merges(requiresAll: true, _)?:
            expression = "\(member).computeMask([\(masks.map(maskExpression).joined(separator: ", "))])"
        case .merges(requiresAll: false, _)?:
            let inputs = call.arguments.map(valueExpression).joined(separator: ", ")
            expression =
                "\(member).computeMask([\(inputs)], masks: [\(masks.map(maskExpression).joined(separator: ", "))])"
        default:
            expression = "\(member).computeMask(\(valueExpression(call.arguments[call.arguments.startIndex])))"
        }
        return ("let \(name) = \(expression)", name, masks.flatMap(maskReads) + call.arguments.map { locals[$0.node] })
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

    private func renderClone(_ out: inout SourceWriter) {
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
                        "clone.storage.value.\(partMember(part)).value.clone(with: cloner, recursive: recursive, at: path)"
                    )
                }
            }
            out.line("return clone")
        }
    }

    private func renderWeights(_ out: inout SourceWriter) {
        let weighted = weighted(part: nil)
        let count = weighted.reduce(0) { $0 + (layers[$1].nested.map { _ in 0 } ?? layers[$1].weights.count) }
        let nestedNote = weighted.contains { layers[$0].nested != nil } ? ", nested models' included" : ""
        let weightedParts = partTypes.indices.filter { !self.weighted(part: $0).isEmpty }
        out.line(
            "/// The weight tensors in Keras's `get_weights()` order\(count > 0 && nestedNote.isEmpty ? " (\(count))" : nestedNote)."
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

    /// `prefix(arguments)suffix` on one line when it fits in 110 columns, else one argument a line.
    mutating func assignment(_ prefix: String, arguments: [String], suffix: String = "") {
        let single = prefix + "(" + arguments.joined(separator: ", ") + ")" + suffix
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
        line(")" + suffix)
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
