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
    /// The entries of each function listing a model's layer configs and layer types (see
    /// `Renderer.renderList`); a model of at most this many layers lists each in one computed
    /// property. Release builds optimize each list as one function, in time that grows faster
    /// than its length, so lists stay short. Tests and the reserved-name probes set it small.
    var listSize = 16
    /// The most calls a generated function runs and nodes a graph function lists: a larger
    /// model runs its call in stages of this size and lists its graph in functions of this
    /// size.
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
