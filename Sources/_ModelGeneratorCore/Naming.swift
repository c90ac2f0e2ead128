import Foundation
import ModelSpec

/// Turns spec names into Swift identifiers: ASCII only, never a keyword, never a name the
/// generated code or the runtime already uses, unique within a scope.
public enum Identifiers {
    /// Swift keywords and names with special meaning, which generated names never take.
    static let reserved: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows",
        "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default", "defer",
        "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where",
        "while", "Any", "as", "await", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try", "Type",
        "Protocol", "async", "package", "some", "any", "consume", "copy", "borrowing", "consuming", "actor",
        "nonisolated", "isolated", "macro", "each", "then", "sending", "Sendable", "Never", "Void", "String",
        "Int", "Double", "Float", "Bool", "Array", "Optional", "Error", "fatalError", "precondition",
        "preconditionFailure", "assert", "print",
    ]

    /// The names generated code must not give a layer, a local or a type: Swift's keywords and
    /// every identifier the renderer writes itself (`path`, `interceptor`, `Tensor`, `ConfigOf`,
    /// …), found by rendering probe specs (see `ReservedNames`), so the set follows the renderer.
    static let taken: Set<String> = reserved.union(ReservedNames.emitted)

    /// The words of `name`, splitting at anything that isn't an ASCII letter or digit.
    static func words(_ name: String) -> [String] {
        var words: [String] = []
        var current = ""
        // Letters with diacritics keep their base letter: `übergröße` → `ubergroße`.
        let folded = name.folding(
            options: [.diacriticInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// `tabular_mlp` → `TabularMlp`, `ResNet50` → `ResNet50`: each word capitalized, the rest
    /// of the word kept.
    public static func typeName(_ name: String) -> String { typeName(name, avoiding: taken) }

    /// `typeName(_:)`, with `Model` appended to a name in `avoiding`.
    static func typeName(_ name: String, avoiding taken: Set<String>) -> String {
        var result = words(name).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        if result.isEmpty { result = "Model" }
        if result.first!.isNumber { result = "Model" + result }
        if taken.contains(result) { result += "Model" }
        return result
    }

    /// `dense_1` → `dense1`, `Conv 2D!` → `conv2D`: lower camel case, never a keyword or a
    /// member name of the generated type.
    public static func memberName(_ name: String) -> String { memberName(name, avoiding: taken) }

    /// `memberName(_:)`, with `Layer` appended to a name in `avoiding`.
    static func memberName(_ name: String, avoiding taken: Set<String>) -> String {
        let parts = words(name)
        var result = parts.enumerated().map { index, word in
            index == 0 ? word.prefix(1).lowercased() + word.dropFirst() : word.prefix(1).uppercased() + word.dropFirst()
        }.joined()
        if result.isEmpty { result = "layer" }
        if result.first!.isNumber { result = "layer" + result }
        if taken.contains(result) { result += "Layer" }
        return result
    }

    /// The spec file name without its spec extension: `classifier.model.json` → `classifier`,
    /// `classifier.h5` → `classifier`.
    public static func specBaseName(_ fileName: String) -> String {
        var name = fileName
        for suffix in [".model.json", ".variant.json", ".keras", ".json", ".h5", ".hdf5"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
            break
        }
        return name
    }
}

/// Hands out identifiers unique in one scope, in a deterministic order: the second name that
/// collapses to `dense` becomes `dense2`, and so on.
struct UniqueNames {
    private var used: Set<String>

    init(reserving names: Set<String> = []) { used = names }

    mutating func claim(_ base: String) -> String {
        var candidate = base
        var counter = 2
        while used.contains(candidate) {
            candidate = base + String(counter)
            counter += 1
        }
        used.insert(candidate)
        return candidate
    }
}

/// Text from a spec made safe for a `//` or `///` comment: control, line-breaking and
/// bidirectional-override characters are written as `\u{…}` escapes, and backticks, which
/// would end inline code, as `'`.
enum CommentText {
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0..<0x20, 0x7F, 0x80..<0xA0, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF:
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            case 0x60:
                out += "'"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
