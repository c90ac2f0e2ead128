import ModelSpec

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

    var access: String { options.accessModifier.prefix }
    var layers: [LayerDescription] { description.layers }
    var graph: ModelGraph { description.graph }
    var isFunctional: Bool { description.className == "Functional" }
    var typeLiteral: String { SwiftLiteral.string(typeName) }

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

    func name(_ layer: LayerDescription) -> String { "`" + CommentText.escape(layer.name) + "`" }

    /// The Swift type of a layer: the runtime layer or the nested model type.
    func swiftType(_ index: Int) -> String {
        nested[index]?.typeName ?? declaration(index)?.swiftType ?? type(of: layers[index].config!).swiftRuntimeTypeName
    }

    /// The Swift type of a layer's config.
    func configType(_ index: Int) -> String {
        if let nestedType = nested[index]?.typeName { return nestedType + ".Config" }
        if let declaration = declaration(index) { return "ConfigOf<\(declaration.swiftType)>" }
        return type(of: layers[index].config!).swiftTypeName
    }

    /// Where a layer (in the model's `storage`) or its config (in the config's `storage`) is
    /// kept: `storage.value.dense.value`, or `storage.value.part2.value.dense.value` in a large
    /// model. Each layer and each part is behind its own reference, so that every struct holding
    /// them is at most `stageSize` references: cheap to copy, with small value witnesses.
    func storagePath(_ index: Int) -> String {
        (layerParts == nil ? "storage.value." : "storage.value.\(partMember(partOfLayer[index])).value.")
            + members[index] + ".value"
    }

    /// `part2`: the property holding a part.
    func partMember(_ part: Int) -> String { "part\(part + 1)" }

    /// The layers of `part`, or all of them.
    func layerIndices(part: Int?) -> [Int] {
        part.map { layerParts![$0] } ?? Array(layers.indices)
    }

    /// A computed property reading and writing a stored one. (`get`/`set` rather than
    /// `_modify`: a thousand `_modify` coroutines that call `CopyOnWrite`'s took LLVM's
    /// coroutine splitting 5 s of a 1,000-layer model's debug build, against 0.3 s.)
    func renderForwardingProperty(_ out: inout SourceWriter, _ declaration: String, to path: String) {
        out.block(declaration) { out in
            out.line("get { \(path) }")
            out.line("set { \(path) = newValue }")
        }
    }

    /// "Layers 65–128 (`a` … `b`)": a part's range of layers.
    func partDescription(_ part: Int) -> String {
        let indices = layerParts![part]
        return
            "Layers \(indices.first! + 1)–\(indices.last! + 1) (\(name(layers[indices.first!])) … "
            + "\(name(layers[indices.last!])))"
    }

    /// The declaration of a custom layer.
    func declaration(_ index: Int) -> CustomLayerDeclaration? {
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
    func typeDescription(_ index: Int) -> String {
        if let declaration = declaration(index) {
            return "custom \(layers[index].className) `\(declaration.swiftType)`"
        }
        return nested[index].map { "\(layers[index].className) `\($0.typeName)`" } ?? layers[index].className
    }

    func shapesText(_ shapes: [TensorShape]) -> String {
        shapes.count == 1 ? shapes[0].description : "[" + shapes.map(\.description).joined(separator: ", ") + "]"
    }
}
