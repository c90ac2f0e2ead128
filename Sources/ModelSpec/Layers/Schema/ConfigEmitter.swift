// Writes the config structs of a `LayerFamily` as Swift source, in the style of the hand-written
// code (swift-format clean, within 120 columns), deterministically.

/// Emits the generated config files.
package enum ConfigEmitter {
    /// The widest line the emitter writes.
    static let width = 120
    /// Where the generated files live, from the package root.
    package static let directory = "Sources/ModelSpec/Layers/Generated"

    /// The generated file of `family`.
    package static func source(of family: LayerFamily) -> String {
        file(
            of: family, note: "What the layers do is in Sources/ModelSpec/Layers/\(family.name).swift.",
            declarations: family.configs.map(lines(of:)))
    }

    /// A generated file of `family`: its summary, where it comes from and `note` as the header,
    /// then the declarations, each after a blank line.
    static func file(of family: LayerFamily, note: String, declarations: [[String]]) -> String {
        var lines = docLines(family.summary, indent: "", marker: "//") + ["//"]
        lines += docLines(
            "Generated from Sources/ModelSpec/Layers/Schema/Families/\(family.name)Schema.swift by "
                + "tools/generate-layer-configs.sh; do not edit. " + note, indent: "", marker: "//")
        for declaration in declarations { lines += [""] + declaration }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The file name and contents of every family that declares configs, in file-name order.
    package static func files(_ families: [LayerFamily]) -> [(name: String, contents: String)] {
        families.filter { !$0.configs.isEmpty }.map { ($0.fileName, source(of: $0)) }.sorted { $0.name < $1.name }
    }

    static func lines(of config: ConfigSchema) -> [String] {
        var lines = docLines(config.doc, indent: "")
        lines.append("public struct \(config.declaration): \(config.conformances.joined(separator: ", ")) {")
        lines += statics(of: config).map { $0.isEmpty ? $0 : "    " + $0 }
        lines.append("")
        for field in config.fields {
            lines += docLines(field.doc, indent: "    ")
            lines.append("    public var \(field.property): \(field.type)")
        }
        lines.append("")
        lines += initializer(of: config)
        lines.append("}")
        return lines
    }

    // MARK: Statics

    static func statics(of config: ConfigSchema) -> [String] {
        let generic = config.isGeneric
        let selfType = generic ? "Self" : config.name
        var lines: [String] = []
        switch config.className {
        case .keras(let name):
            lines.append(
                generic
                    ? "public static var className: String { \(quoted(name)) }"
                    : "public static let className = \(quoted(name))")
        case .computed(let expression):
            lines.append("public static var className: String { \(expression) }")
        case .handWritten:
            break
        }
        if let template = config.template {
            lines.append(
                generic
                    ? "public static var template: Self { \(template) }"
                    : "public static let template = \(template)")
        }
        if config.declaresTable {
            lines += table(of: config, selfType: selfType)
        }
        if !config.ignoredKeys.isEmpty {
            let entries = config.ignoredKeys.map { "\(quoted($0.key)): \($0.value)" }
            let declaration =
                generic
                ? "public static var ignoredKeys: [String: JSONValue] {"
                : "public static let ignoredKeys: [String: JSONValue] ="
            let closing = generic ? " }" : ""
            let oneLine = "\(declaration) [\(entries.joined(separator: ", "))]\(closing)"
            if oneLine.count + 4 <= width {
                lines.append(oneLine)
            } else if generic {
                lines += [declaration, "    ["] + entries.map { "        \($0)," } + ["    ]", "}"]
            } else {
                lines += [declaration + " ["] + entries.map { "    \($0)," } + ["]"]
            }
        }
        return lines
    }

    /// The `fields` table, in Keras's order; built in steps when some rows are conditional.
    static func table(of config: ConfigSchema, selfType: String) -> [String] {
        var rows = config.fields.filter { $0.key != nil }
        if let order = config.kerasOrder {
            // Keys `order` lists first, in its order; the rest after them, in declaration order.
            let rank = { (index: Int) in order.firstIndex(of: rows[index].key!) ?? order.count + index }
            rows = rows.indices.sorted { rank($0) < rank($1) }.map { rows[$0] }
        }
        let isStaged = rows.contains { $0.condition != nil || $0.alternate != nil }
        let type = "[ConfigField<\(selfType)>]"
        if !isStaged {
            let body = rows.map { "    " + row($0) + "," }
            if config.isGeneric {
                return ["public static var fields: \(type) {", "    ["] + body.map { "    " + $0 } + ["    ]", "}"]
            }
            return ["public static let fields: \(type) = ["] + body + ["]"]
        }
        var lines = ["public static var fields: \(type) {"]
        var started = false
        var pending: [String] = []
        func flush() {
            guard !pending.isEmpty else { return }
            lines.append(started ? "    fields += [" : "    var fields: \(type) = [")
            lines += pending.map { "        \($0)," }
            lines.append("    ]")
            pending = []
            started = true
        }
        for field in rows {
            if let alternate = field.alternate {
                flush()
                lines.append("    if \(alternate.condition) {")
                lines.append("        fields.append(\(row(field, keyPath: alternate.keyPath)))")
                lines.append("    } else {")
                lines.append("        fields.append(\(row(field)))")
                lines.append("    }")
            } else if let condition = field.condition {
                flush()
                lines.append("    if \(condition) { fields.append(\(row(field))) }")
            } else {
                pending.append(row(field))
            }
        }
        flush()
        lines += ["    return fields", "}"]
        return lines
    }

    static func row(_ field: FieldSchema, keyPath: String? = nil) -> String {
        let required = field.required.map { ", required: \($0)" } ?? ""
        let rank = keyPath == nil ? field.rank.map { ", rank: \($0)" } ?? "" : ""
        return "ConfigField(\(quoted(field.key ?? "")), \\.\(keyPath ?? field.property)\(required)\(rank))"
    }

    // MARK: Initializer

    static func initializer(of config: ConfigSchema) -> [String] {
        let parameters = config.fields.map { field in
            "\(field.label): \(field.parameterType ?? field.type)" + (field.defaultValue.map { " = \($0)" } ?? "")
        }
        var lines = docLines(config.initDoc, indent: "    ")
        let oneLine = "    public init(\(parameters.joined(separator: ", "))) {"
        if oneLine.count <= width {
            lines.append(oneLine)
        } else {
            lines.append("    public init(")
            lines += wrapped(parameters, indent: "        ")
            lines.append("    ) {")
        }
        for field in config.fields {
            lines.append("        self.\(field.property) = \(field.stored ?? field.label)")
        }
        lines.append("    }")
        return lines
    }

    /// `items` joined by ", " into lines of at most `width` columns, the last without a comma.
    static func wrapped(_ items: [String], indent: String) -> [String] {
        var lines: [String] = []
        var line = ""
        for (index, item) in items.enumerated() {
            let piece = item + (index == items.count - 1 ? "" : ",")
            if line.isEmpty {
                line = indent + piece
            } else if line.count + 1 + piece.count <= width {
                line += " " + piece
            } else {
                lines.append(line)
                line = indent + piece
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    // MARK: Text

    /// `text` as `///` (or `marker`) lines of at most 100 columns after the indent; blank lines
    /// separate paragraphs.
    static func docLines(_ text: String, indent: String, marker: String = "///") -> [String] {
        var lines: [String] = []
        let paragraphs = text.split(separator: "\n\n", omittingEmptySubsequences: false)
        for (index, paragraph) in paragraphs.enumerated() {
            if index > 0 { lines.append(indent + marker) }
            var line = ""
            for word in paragraph.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                if line.isEmpty {
                    line = indent + marker + " " + word
                } else if line.count + 1 + word.count <= 100 + indent.count {
                    line += " " + word
                } else {
                    lines.append(line)
                    line = indent + marker + " " + word
                }
            }
            if !line.isEmpty { lines.append(line) }
        }
        return lines
    }

    /// `text` as a Swift string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result + "\""
    }
}
