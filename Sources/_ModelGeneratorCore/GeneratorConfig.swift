import ModelSpec

/// The contents of a target's `model-generator-config.json`.
///
/// ```json
/// {"accessModifier": "public", "typeNames": {"classifier.model.json": "Classifier"},
///  "additionalImports": ["Foundation"],
///  "customLayers": {"MyLayers>ChannelScale": {"swiftType": "ChannelScale", "weights": {"gamma": ["input[-1]"]}}}}
/// ```
public struct GeneratorConfigFile: Sendable, Equatable {
    /// The access level of generated code (`internal` when absent).
    public var accessModifier: AccessModifier?
    /// Type names by spec file name, overriding the names derived from file names.
    public var typeNames: [String: String] = [:]
    /// Modules every generated file imports besides ModelRuntime.
    public var additionalImports: [String] = []
    /// The custom layer classes specs may use, in the file's order.
    public var customLayers: [CustomLayerDeclaration] = []

    /// Reads a config file's bytes; errors are located in `path`.
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
                "the generator config must be a JSON object, found \(root.value.kindDescription)", at: root.location)
        }
        for member in members {
            let value = member.value
            switch member.key {
            case "accessModifier":
                guard let text = value.value.stringValue, let modifier = AccessModifier(rawValue: text) else {
                    throw SpecError(
                        "'accessModifier' must be one of \"public\", \"package\", \"internal\"", at: value.location)
                }
                accessModifier = modifier
            case "typeNames":
                guard let entries = value.value.objectMembers else {
                    throw SpecError(
                        "'typeNames' must be an object from spec file names to type names", at: value.location)
                }
                for entry in entries {
                    guard let name = entry.value.value.stringValue, Self.isIdentifier(name) else {
                        throw SpecError(
                            "type name for '\(entry.key)' must be a Swift identifier", at: entry.value.location)
                    }
                    typeNames[entry.key] = name
                }
            case "additionalImports":
                guard let elements = value.value.arrayElements else {
                    throw SpecError("'additionalImports' must be an array of module names", at: value.location)
                }
                for element in elements {
                    guard let name = element.value.stringValue, Self.isIdentifier(name) else {
                        throw SpecError("a module name must be a Swift identifier", at: element.location)
                    }
                    additionalImports.append(name)
                }
            case "customLayers":
                guard let entries = value.value.objectMembers else {
                    throw SpecError(
                        "'customLayers' must be an object from Keras class names ('MyLayers>Scale') to declarations",
                        at: value.location)
                }
                for entry in entries {
                    let declaration = try CustomLayerDeclaration(kerasName: entry.key, node: entry.value)
                    if !declaration.kerasName.contains(">"),
                        LayerRegistry.kind(forClassName: declaration.kerasName) != nil
                            || ["Sequential", "Functional", "Model", "InputLayer"].contains(declaration.kerasName)
                    {
                        throw SpecError(
                            "custom layer '\(entry.key)' has the name of a built-in Keras class; register it under a "
                                + "package ('MyLayers>\(entry.key)'), as Keras does",
                            at: entry.keyLocation)
                    }
                    customLayers.append(declaration)
                }
            default:
                throw SpecError(
                    "unknown key '\(member.key)' in the generator config; known keys: 'accessModifier', 'typeNames', "
                        + "'additionalImports', 'customLayers'",
                    at: member.keyLocation)
            }
        }
    }

    /// An ASCII Swift identifier that isn't a keyword.
    static func isIdentifier(_ name: String) -> Bool {
        Naming.isASCIIIdentifier(name) && !Identifiers.reserved.contains(name)
    }
}
