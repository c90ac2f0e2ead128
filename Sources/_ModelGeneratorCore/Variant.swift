import ModelSpec

/// A build-time variant of a model, declared next to its spec in `NAME.variant.json`: the
/// typed answer to the `call_function` of Keras's `clone_model`. It inserts a layer after
/// every call of the layers that match, and generates a type of its own that can be built
/// from, and share the layers of, the base model:
///
/// ```json
/// {"base": "classifier.model.json",
///  "insert_after": {"class_name": "Dense"},
///  "insert": {"class_name": "Dropout", "config": {"rate": 0.5}}}
/// ```
public struct VariantSpec: Sendable {
    /// The base spec's path, relative to the variant file.
    public var base: String
    /// The class of the layers to insert after, if restricted.
    public var afterClass: String?
    /// The names of the layers to insert after, if restricted.
    public var afterNames: [String]?
    /// The inserted layer's entry: `class_name` and `config` (without a name: each copy is
    /// named the Keras way, `dropout`, `dropout_1`, …).
    public var insert: JSONNode

    /// Whether `path` names a variant declaration.
    public static func isVariant(_ path: String) -> Bool { path.hasSuffix(".variant.json") }

    /// Reads a variant declaration; errors are located in `path`.
    public init(bytes: [UInt8], path: String) throws(SpecError) {
        do {
            try self.init(JSONReader.parse(bytes))
        } catch {
            throw error.inFile(path)
        }
    }

    init(_ root: JSONNode) throws(SpecError) {
        guard let members = root.value.objectMembers else {
            throw SpecError(
                "a variant declaration must be a JSON object with 'base', 'insert_after' and 'insert'",
                at: root.location)
        }
        for member in members where !["base", "insert_after", "insert"].contains(member.key) {
            throw SpecError(
                "unknown key '\(member.key)' in a variant declaration; known keys: 'base', 'insert_after', 'insert'",
                at: member.keyLocation)
        }
        guard let base = root["base"]?.value.stringValue else {
            throw SpecError(
                "a variant declaration needs 'base': the file name of the model spec it changes",
                at: root["base"]?.location ?? root.location)
        }
        self.base = base
        guard let after = root["insert_after"], let afterMembers = after.value.objectMembers else {
            throw SpecError(
                "a variant declaration needs 'insert_after': {\"class_name\": …} and/or {\"names\": […]}",
                at: root["insert_after"]?.location ?? root.location)
        }
        for member in afterMembers where member.key != "class_name" && member.key != "names" {
            throw SpecError(
                "unknown key '\(member.key)' in 'insert_after'; known keys: 'class_name', 'names'",
                at: member.keyLocation)
        }
        afterClass = after["class_name"]?.value.stringValue
        if let names = after["names"] {
            guard let list = names.value.arrayElements?.compactMap({ $0.value.stringValue }),
                list.count == names.value.arrayElements?.count
            else {
                throw SpecError("'names' in 'insert_after' must be an array of layer names", at: names.location)
            }
            afterNames = list
        }
        if afterClass == nil && afterNames == nil {
            throw SpecError("'insert_after' must give 'class_name' or 'names'", at: after.location)
        }
        guard let insert = root["insert"], insert["class_name"]?.value.stringValue != nil else {
            throw SpecError(
                "a variant declaration needs 'insert': the layer to insert, with 'class_name' and 'config'",
                at: root["insert"]?.location ?? root.location)
        }
        if insert["config"]?["name"] != nil {
            throw SpecError(
                "the inserted layer gets a new name at every place; leave 'name' out of its config",
                at: insert["config"]?["name"]?.location)
        }
        self.insert = insert
    }

    /// Whether a layer of the base model matches `insert_after`.
    func matches(_ layer: LayerDescription) -> Bool {
        guard !layer.isInput else { return false }
        if let afterClass, layer.className != afterClass { return false }
        if let afterNames, !afterNames.contains(layer.name) { return false }
        return true
    }

    /// The base model's config with the layer inserted after every matching call, as a spec
    /// the parser checks like any other.
    func apply(to base: ModelDescription, at location: SourceLocation?) throws(SpecError) -> JSONNode {
        guard case .object(var members) = base.configNode.value,
            let layersIndex = members.firstIndex(where: { $0.key == "layers" }),
            let entries = members[layersIndex].value.value.arrayElements
        else { throw SpecError("the base model has no layers", at: location) }
        let className = insert["class_name"]!.value.stringValue!
        var used = Set(base.layers.map(\.name))
        var counter = 0
        func nextName() -> String {
            let prefix = Naming.snakeCase(className)
            while true {
                let name = counter == 0 ? prefix : "\(prefix)_\(counter)"
                counter += 1
                if used.insert(name).inserted { return name }
            }
        }
        func insertedEntry(name: String, reading source: (String, Int)?) -> JSONNode {
            var config = insert["config"]?.value.objectMembers ?? []
            config.insert(JSONMember(key: "name", value: JSONNode(.string(name))), at: 0)
            var entry: [JSONMember] = [
                JSONMember(key: "class_name", value: JSONNode(.string(className))),
                JSONMember(key: "config", value: JSONNode(.object(config))),
            ]
            if let (layer, call) = source {
                entry.append(JSONMember(key: "name", value: JSONNode(.string(name))))
                entry.append(
                    JSONMember(
                        key: "inbound_nodes",
                        value: JSONNode(
                            .array([
                                JSONNode(
                                    .object([
                                        JSONMember(key: "args", value: JSONNode(.array([Self.tensor(layer, call)]))),
                                        JSONMember(key: "kwargs", value: JSONNode(.object([]))),
                                    ]))
                            ]))))
            }
            return JSONNode(.object(entry))
        }

        var newEntries: [JSONNode] = []
        var matched = 0
        if base.className == "Sequential" {
            for (entry, layer) in zip(entries, base.layers) {
                newEntries.append(entry)
                if matches(layer) {
                    newEntries.append(insertedEntry(name: nextName(), reading: nil))
                    matched += 1
                }
            }
        } else {
            // Each call of a matching layer gets its own inserted layer; whatever read that
            // call's output now reads the inserted layer's.
            var redirect: [String: [Int: String]] = [:]
            var inserted: [[JSONNode]] = []
            for layer in base.layers {
                var after: [JSONNode] = []
                if matches(layer) {
                    let calls = base.graph.nodes.filter { base.layers[$0.layer].name == layer.name }.count
                    for call in 0..<calls {
                        let name = nextName()
                        redirect[layer.name, default: [:]][call] = name
                        after.append(insertedEntry(name: name, reading: (layer.name, call)))
                        matched += 1
                    }
                }
                inserted.append(after)
            }
            for (entry, after) in zip(entries, inserted) {
                newEntries.append(JSONNode(Self.redirecting(entry.value, redirect, inHistory: false)))
                newEntries.append(contentsOf: after)
            }
            for key in ["output_layers"] {
                if let index = members.firstIndex(where: { $0.key == key }) {
                    members[index].value = JSONNode(
                        Self.redirecting(members[index].value.value, redirect, inHistory: true))
                }
            }
        }
        guard matched > 0 else {
            throw SpecError("'insert_after' matches no layer of the base model", at: location)
        }
        members[layersIndex].value = JSONNode(.array(newEntries))
        members = members.filter { $0.key != "build_input_shape" }
        return JSONNode(
            .object([
                JSONMember(key: "class_name", value: JSONNode(.string(base.className))),
                JSONMember(key: "config", value: JSONNode(.object(members))),
            ]))
    }

    static func tensor(_ layer: String, _ call: Int) -> JSONNode {
        JSONNode(
            .object([
                JSONMember(key: "class_name", value: JSONNode(.string("__keras_tensor__"))),
                JSONMember(
                    key: "config",
                    value: JSONNode(
                        .object([
                            JSONMember(
                                key: "keras_history",
                                value: JSONNode(
                                    .array([
                                        JSONNode(.string(layer)), JSONNode(.int(call)), JSONNode(.int(0)),
                                    ])))
                        ]))),
            ]))
    }

    /// `value` with every `[layer, call, tensor]` reference to a redirected call replaced by
    /// one to the inserted layer. `inHistory` is set where any triple is a reference
    /// (`output_layers`); elsewhere only `keras_history` values are.
    static func redirecting(_ value: JSONValue, _ redirect: [String: [Int: String]], inHistory: Bool) -> JSONValue {
        switch value {
        case .array(let items):
            if inHistory, items.count >= 3, let layer = items[0].value.stringValue, let call = items[1].value.intValue,
                let target = redirect[layer]?[call]
            {
                return .array([JSONNode(.string(target)), JSONNode(.int(0))] + items.dropFirst(2))
            }
            return .array(
                items.map { JSONNode(redirecting($0.value, redirect, inHistory: inHistory), at: $0.location) })
        case .object(let members):
            return .object(
                members.map { member in
                    var member = member
                    // Keras 2's inbound nodes are lists of `[layer, node, tensor, kwargs]` triples.
                    let keras2Nodes =
                        member.key == "inbound_nodes"
                        && member.value.value.arrayElements?.allSatisfy { $0.value.arrayElements != nil } == true
                    let history = inHistory || member.key == "keras_history" || keras2Nodes
                    member.value = JSONNode(
                        redirecting(member.value.value, redirect, inHistory: history), at: member.value.location)
                    return member
                })
        default:
            return value
        }
    }
}

extension Generator {
    /// Generates the type of a variant declared in `bytes` (at `path`), over the base spec in
    /// `baseBytes` whose generated type is `baseTypeName`.
    public static func generateVariant(
        specAt path: String, bytes: [UInt8], baseBytes: [UInt8], basePath: String, baseTypeName: String,
        options: GeneratorOptions = .init()
    ) throws(SpecError) -> GeneratedFile {
        let variant = try VariantSpec(bytes: bytes, path: path)
        let base = try ModelSpecParser.parse(
            specFile: baseBytes, file: basePath, customLayers: options.parserCustomLayers)
        if base.isSubclassed {
            throw SpecError(
                "the base \(variant.base) is a subclassed model, computed by one custom layer; a variant inserts "
                    + "layers into a Sequential or Functional model",
                file: path)
        }
        let spec: JSONNode
        do {
            spec = try variant.apply(to: base, at: nil)
        } catch {
            throw error.inFile(path)
        }
        let description: ModelDescription
        do {
            description = try ModelSpecParser.parse(spec, customLayers: options.parserCustomLayers)
        } catch {
            var error = error
            error.message = "the variant of \(variant.base) does not build: " + error.message
            throw error.inFile(path)
        }
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        let baseName = String(fileName.dropLast(".variant.json".count))
        let typeName = options.typeName ?? Identifiers.typeName(baseName)
        let baseFileName = basePath.split(separator: "/").last.map(String.init) ?? basePath
        let baseRenderer = Renderer(
            description: base, specFileName: baseFileName, typeName: baseTypeName, options: options)
        let baseLayers = zip(base.layers, baseRenderer.members).map { (name: $0.name, member: $1, isInput: $0.isInput) }
        let renderer = Renderer(
            description: description, specFileName: fileName, typeName: typeName, options: options,
            variantOf: .init(typeName: baseTypeName, spec: variant.base, layers: baseLayers))
        return GeneratedFile(
            fileName: baseName + ".model.swift", typeName: typeName, contents: renderer.renderFile(),
            warnings: description.warnings.map { SpecWarning($0.message, file: path) })
    }
}
