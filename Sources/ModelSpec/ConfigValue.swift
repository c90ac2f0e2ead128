/// A value that a layer config field can hold: `Codable` in Keras's JSON form, comparable and
/// sendable. A custom layer's config may use its own types.
public protocol ConfigValue: Codable, Equatable, Sendable {}

/// A value the generator can write as Swift source, so that it spells out a built-in config
/// without knowing its type. Code generation only, so not public: apps never need it.
package protocol SwiftExpressible {
    /// Swift source that evaluates to this value, e.g. `32`, `"dense"`, `.relu`, `[nil, 728]`.
    var swiftExpression: String { get }
}

/// Swift source spellings of plain values, with every string escaped.
package enum SwiftLiteral {
    /// A Swift string literal for `text`: quotes, backslashes, control characters and every
    /// non-ASCII scalar are escaped, so no spec string can end the literal or hide code.
    package static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case " "..."~": out.unicodeScalars.append(scalar)
            default: out += "\\u{" + String(scalar.value, radix: 16) + "}"
            }
        }
        return out + "\""
    }

    /// A Swift literal for a `Double` that reads back as the same value.
    package static func double(_ value: Double) -> String {
        if value.isNaN { return ".nan" }
        if value.isInfinite { return value < 0 ? "-.infinity" : ".infinity" }
        return value.description
    }
}

extension Int: ConfigValue, SwiftExpressible {
    package var swiftExpression: String { String(self) }
}

extension Double: ConfigValue, SwiftExpressible {
    package var swiftExpression: String { SwiftLiteral.double(self) }
}

extension Bool: ConfigValue, SwiftExpressible {
    package var swiftExpression: String { self ? "true" : "false" }
}

extension String: ConfigValue, SwiftExpressible {
    package var swiftExpression: String { SwiftLiteral.string(self) }
}

extension Optional: ConfigValue where Wrapped: ConfigValue {}

extension Optional: SwiftExpressible where Wrapped: SwiftExpressible {
    package var swiftExpression: String { self.map(\.swiftExpression) ?? "nil" }
}

extension Array: ConfigValue where Element: ConfigValue {}

extension Array: SwiftExpressible where Element: SwiftExpressible {
    package var swiftExpression: String { "[" + map(\.swiftExpression).joined(separator: ", ") + "]" }
}

extension TensorShape: ConfigValue, SwiftExpressible {
    package var swiftExpression: String { dimensions.swiftExpression }
}

/// A coding key made from any string: config keys are Keras's own.
public struct ConfigKey: CodingKey, Hashable, Sendable {
    public var stringValue: String
    public var intValue: Int? { nil }
    /// Whether an error at this key is about the key itself (an unknown field), so that
    /// `SpecDecoder` locates it at the key rather than at its value.
    public var pointsAtKey = false
    /// The key `name`.
    public init(_ name: String) { stringValue = name }
    /// The key `name`, marked as the subject of an error about the key itself.
    public static func offending(_ name: String) -> ConfigKey {
        var key = ConfigKey(name)
        key.pointsAtKey = true
        return key
    }
    public init(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { return nil }
}

/// Builds `DecodingError`s that `SpecDecoder` locates at the field they name.
enum ConfigErrors {
    static func invalid(_ message: String, at path: [any CodingKey]) -> DecodingError {
        .dataCorrupted(.init(codingPath: path, debugDescription: message))
    }
}
