/// A JSON value together with where it starts in its source.
///
/// Two nodes are equal when their values are equal; locations are never compared, so a parsed
/// document equals the same document built in code.
public struct JSONNode: Sendable, Equatable {
    /// The value.
    public var value: JSONValue
    /// Where the value starts in the source (its first byte); nil for values built in code.
    public var location: SourceLocation?

    /// A node holding `value`, starting at `location` when it comes from a source.
    public init(_ value: JSONValue, at location: SourceLocation? = nil) {
        self.value = value
        self.location = location
    }

    public static func == (a: JSONNode, b: JSONNode) -> Bool { a.value == b.value }
}

/// One `"key": value` member of a JSON object.
///
/// Two members are equal when their keys have the same Unicode scalars and their values are
/// equal; locations are never compared.
public struct JSONMember: Sendable, Equatable {
    /// The key, unescaped.
    public var key: String
    /// Where the key's opening quote is in the source; nil for members built in code.
    public var keyLocation: SourceLocation?
    /// The value.
    public var value: JSONNode

    /// A member `key: value`, its key at `keyLocation` when it comes from a source.
    public init(key: String, at keyLocation: SourceLocation? = nil, value: JSONNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }

    public static func == (a: JSONMember, b: JSONMember) -> Bool {
        a.key.hasSameUTF8(as: b.key) && a.value == b.value
    }
}

/// A JSON value. Numbers keep their literal text, objects keep their members in source order.
public indirect enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number as its literal text: `"32"`, `"-1.5e-07"`, or one of `"NaN"`, `"Infinity"`,
    /// `"-Infinity"` (which Python's `json` writes). Numbers compare by their text.
    case number(String)
    /// A string, unescaped.
    case string(String)
    /// The elements in order.
    case array([JSONNode])
    /// The members in source order. Parsed objects never have duplicate keys.
    case object([JSONMember])
}

// MARK: - Building numbers

extension JSONValue {
    /// `value` as a number literal, as Python's `repr(float)` writes it: the shortest digits that
    /// read back as `value`, integral values keep `.0` (`3.0`), exponents from 1e16 and below
    /// 1e-4 (`1e+16`, `1.5e-07`); `NaN`, `Infinity` and `-Infinity` for the non-finite values.
    public static func double(_ value: Double) -> JSONValue {
        if value.isNaN { return .number("NaN") }
        if value.isInfinite { return .number(value < 0 ? "-Infinity" : "Infinity") }
        return .number(pythonFloatLayout(value.description))
    }

    /// `value` as a number literal with the shortest digits that read back as this `Float`
    /// (so `Float(0.1)` writes `0.1`), laid out as ``double(_:)`` lays out a `Double`.
    public static func float(_ value: Float) -> JSONValue {
        if value.isNaN { return .number("NaN") }
        if value.isInfinite { return .number(value < 0 ? "-Infinity" : "Infinity") }
        return .number(pythonFloatLayout(value.description))
    }

    /// `value` as a decimal integer literal.
    public static func int<I: BinaryInteger>(_ value: I) -> JSONValue {
        .number(String(value))
    }

    /// Lays out Swift's shortest round-trip `description` of a finite floating-point value
    /// (`"1e+16"`, `"0.1"`, `"9.5e+15"`) the way Python's `repr` does: positional notation when
    /// the decimal exponent is in -4 ..< 16, otherwise `d.ddde±XX` with at least two exponent
    /// digits.
    static func pythonFloatLayout(_ description: String) -> String {
        var text = Substring(description)
        var negative = false
        if text.first == "-" {
            negative = true
            text = text.dropFirst()
        }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        // Split the mantissa into a digit string and the position of the decimal point:
        // value = 0.DIGITS × 10^point.
        let integerPart = text.prefix { $0 != "." }
        let fractionPart = text.dropFirst(integerPart.count + 1)
        var digits = Array((integerPart + fractionPart).utf8)
        var point = integerPart.count + exponent
        let leadingZeros = digits.prefix { $0 == UInt8(ascii: "0") }.count
        digits.removeFirst(leadingZeros)
        point -= leadingZeros
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        let sign = negative ? "-" : ""
        if digits.isEmpty { return sign + "0.0" }

        let digitText = String(decoding: digits, as: UTF8.self)
        if point > -4 && point <= 16 {
            if point <= 0 {
                return sign + "0." + String(repeating: "0", count: -point) + digitText
            }
            if point >= digits.count {
                return sign + digitText + String(repeating: "0", count: point - digits.count) + ".0"
            }
            let split = digitText.index(digitText.startIndex, offsetBy: point)
            return sign + digitText[..<split] + "." + digitText[split...]
        }
        var mantissa = String(digitText.prefix(1))
        if digits.count > 1 { mantissa += "." + digitText.dropFirst() }
        let e = point - 1
        let magnitude = String(abs(e))
        return sign + mantissa + (e < 0 ? "e-" : "e+") + (magnitude.count < 2 ? "0" : "") + magnitude
    }
}

// MARK: - Reading values

extension JSONValue {
    /// The member named `key` (compared by exact Unicode scalars), the first one if there are
    /// several; nil when this is not an object or has no such member.
    public subscript(key: String) -> JSONNode? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key.hasSameUTF8(as: key) }?.value
    }

    /// The members, in source order, when this is an object.
    public var objectMembers: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements when this is an array.
    public var arrayElements: [JSONNode]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The string when this is a string.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The boolean when this is `true` or `false`.
    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    /// The number as the nearest `Double` (`NaN`, `Infinity` and `-Infinity` included); nil when
    /// this is not a number or its magnitude is too large for a `Double` (`1e400`).
    public var doubleValue: Double? {
        guard case .number(let text) = self, let double = Double(text) else { return nil }
        if double.isInfinite && !JSONValue.isInfinityLiteral(text) { return nil }
        return double
    }

    /// The number when it is written as an integer (`32`, `-7`) that fits an `Int`; nil for
    /// `3.5`, `3.0`, `1e2` and out-of-range integers.
    public var intValue: Int? {
        guard case .number(let text) = self, JSONValue.isIntegerLiteral(text) else { return nil }
        return Int(text)
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// What kind of value this is, for messages: "null", "a boolean", "a number", "a string",
    /// "an array" or "an object".
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Whether `text` is `-?[0-9]+`.
    static func isIntegerLiteral(_ text: String) -> Bool {
        var digits = text.utf8[...]
        if digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    static func isInfinityLiteral(_ text: String) -> Bool {
        text == "Infinity" || text == "-Infinity"
    }
}

extension JSONNode {
    /// The member named `key` when this is an object; see ``JSONValue/subscript(_:)``.
    public subscript(key: String) -> JSONNode? { value[key] }
    /// The members, in source order, when this is an object.
    public var objectMembers: [JSONMember]? { value.objectMembers }
    /// The elements when this is an array.
    public var arrayElements: [JSONNode]? { value.arrayElements }
    /// The string when this is a string.
    public var stringValue: String? { value.stringValue }
    /// The boolean when this is `true` or `false`.
    public var boolValue: Bool? { value.boolValue }
    /// The number as a `Double`; see ``JSONValue/doubleValue``.
    public var doubleValue: Double? { value.doubleValue }
    /// The number when it is an integer literal that fits an `Int`; see ``JSONValue/intValue``.
    public var intValue: Int? { value.intValue }
    /// Whether this is `null`.
    public var isNull: Bool { value.isNull }
    /// What kind of value this is, for messages; see ``JSONValue/kindDescription``.
    public var kindDescription: String { value.kindDescription }
}

// MARK: - Codable

extension JSONNode: Codable {
    /// Decodes a node: ``SpecDecoder`` hands over the node itself with its location; other
    /// decoders give the JSON they hold, without locations.
    public init(from decoder: any Decoder) throws {
        if let decoder = decoder as? _SpecDecoder {
            self = decoder.node
        } else {
            self.init(try JSONValue(from: decoder))
        }
    }

    /// Encodes the node's value; see ``JSONValue/encode(to:)``.
    public func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }
}

extension JSONValue: Codable {
    /// Decodes a value: ``SpecDecoder`` hands over the value as parsed (number text intact);
    /// other decoders give the JSON they hold, numbers as integers when they are exact integers.
    public init(from decoder: any Decoder) throws {
        if let decoder = decoder as? _SpecDecoder {
            self = decoder.node.value
            return
        }
        if let container = try? decoder.container(keyedBy: AnyCodingKey.self) {
            self = .object(
                try container.allKeys.map { key in
                    JSONMember(key: key.stringValue, value: try container.decode(JSONNode.self, forKey: key))
                })
            return
        }
        if var container = try? decoder.unkeyedContainer() {
            var elements: [JSONNode] = []
            while !container.isAtEnd {
                elements.append(try container.decode(JSONNode.self))
            }
            self = .array(elements)
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let int = try? container.decode(Int64.self) {
            self = .int(int)
        } else if let int = try? container.decode(UInt64.self) {
            self = .int(int)
        } else if let double = try? container.decode(Double.self) {
            self = .double(double)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    /// Encodes the value: ``SpecEncoder`` stores it as it is (number text intact); other
    /// encoders get ordinary JSON (numbers as integers when they are integer literals that fit,
    /// otherwise as `Double`).
    public func encode(to encoder: any Encoder) throws {
        if let encoder = encoder as? _SpecEncoder {
            encoder.storage = .value(self)
            return
        }
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let bool):
            var container = encoder.singleValueContainer()
            try container.encode(bool)
        case .number(let text):
            var container = encoder.singleValueContainer()
            if JSONValue.isIntegerLiteral(text), let int = Int64(text) {
                try container.encode(int)
            } else if JSONValue.isIntegerLiteral(text), let int = UInt64(text) {
                try container.encode(int)
            } else {
                try container.encode(Double(text) ?? .nan)
            }
        case .string(let string):
            var container = encoder.singleValueContainer()
            try container.encode(string)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(element) }
        case .object(let members):
            var container = encoder.container(keyedBy: AnyCodingKey.self)
            for member in members {
                try container.encode(member.value, forKey: AnyCodingKey(member.key))
            }
        }
    }
}

/// A coding key for any string or array index.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(_ string: String) {
        stringValue = string
        intValue = nil
    }

    init(stringValue: String) { self.init(stringValue) }

    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// A string compared and hashed by its exact UTF-8 bytes (Swift's `String` equality identifies
/// canonically equivalent strings; JSON keys do not).
struct ExactKey: Hashable {
    var string: String

    init(_ string: String) { self.string = string }

    static func == (a: ExactKey, b: ExactKey) -> Bool { a.string.hasSameUTF8(as: b.string) }

    func hash(into hasher: inout Hasher) {
        var string = string
        string.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

extension String {
    /// Whether the two strings have the same UTF-8 bytes: JSON's key equality, where Swift's
    /// `==` would also identify canonically equivalent strings.
    @inline(__always)
    func hasSameUTF8(as other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var (a, b) = (self, other)
        return a.withUTF8 { x in b.withUTF8 { y in x.elementsEqual(y) } }
    }
}
