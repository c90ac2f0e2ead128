/// Decodes `Decodable` types from parsed JSON, reporting every failure as a ``SpecError`` located
/// in the source.
///
/// Decoding is strict: integers only from integer literals that fit the type, `Double` and
/// `Float` from any number (including `NaN` and `±Infinity`) whose magnitude fits, `Bool` only
/// from `true`/`false`, `String` only from strings. Decoding ``JSONNode`` or ``JSONValue`` hands
/// over the JSON as it is, so types can keep raw JSON with its locations.
///
/// Containers throw `DecodingError`s as other decoders do (so `init(from:)` code can catch
/// them), each carrying its located ``SpecError`` as the underlying error. At the top,
/// ``decode(_:from:)`` turns whatever was thrown into a ``SpecError``:
/// - the decoder's own errors are located at the offending value, or at the enclosing object's
///   `{` for a missing key, with messages such as `expected an integer for 'units', found 3.5`;
/// - a `DecodingError` thrown by `init(from:)` code is located by its coding path at the deepest
///   node that exists, at the key when the path ends at an existing key (at the object for
///   `keyNotFound`), with its `debugDescription` as the message;
/// - a ``SpecError`` thrown by `init(from:)` code passes through, located at the value being
///   decoded when it was thrown if it has no location; other errors become ``SpecError``s
///   described by `String(describing:)` at that value.
public struct SpecDecoder: Sendable {
    /// Passed to `init(from:)` code as the decoder's `userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// A decoder with no `userInfo`.
    public init() {}

    /// Decodes a `T` from `node`.
    public func decode<T: Decodable>(_ type: T.Type, from node: JSONNode) throws(SpecError) -> T {
        let context = DecodingContext(root: node, userInfo: userInfo.mapValues { $0 as Any })
        do {
            return try context.decode(T.self, from: node, path: [])
        } catch {
            throw context.specError(for: error)
        }
    }
}

/// The coding key of an array element.
struct IndexKey: CodingKey {
    var index: Int
    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.index = intValue }
    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }
}

// MARK: - Shared state and primitives

/// What all decoders of one ``SpecDecoder/decode(_:from:)`` call share.
final class DecodingContext {
    let root: JSONNode
    let userInfo: [CodingUserInfoKey: Any]

    init(root: JSONNode, userInfo: [CodingUserInfoKey: Any]) {
        self.root = root
        self.userInfo = userInfo
    }

    /// Decodes a `T` from `node`, which is at `path`.
    func decode<T: Decodable>(_ type: T.Type, from node: JSONNode, path: [any CodingKey]) throws -> T {
        if T.self == JSONNode.self { return node as! T }
        if T.self == JSONValue.self { return node.value as! T }
        if T.self == String.self { return try unboxString(node, path) as! T }
        if T.self == Int.self { return try unboxInteger(Int.self, node, path) as! T }
        if T.self == Double.self { return try unboxDouble(node, path) as! T }
        if T.self == Bool.self { return try unboxBool(node, path) as! T }
        do {
            return try T(from: _SpecDecoder(node: node, codingPath: path, context: self))
        } catch var error as SpecError {
            if error.location == nil { error.location = node.location }
            throw error
        } catch let error as DecodingError {
            throw error
        } catch {
            throw SpecError(String(describing: error), at: node.location)
        }
    }

    func keyedContainer<Key: CodingKey>(
        _ type: Key.Type, for node: JSONNode, path: [any CodingKey]
    ) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = node.value else {
            throw mismatch(expected: "an object", type: [String: Any].self, node, path)
        }
        let container = SpecKeyedDecodingContainer<Key>(context: self, object: node, members: members, codingPath: path)
        return KeyedDecodingContainer(container)
    }

    func unkeyedContainer(for node: JSONNode, path: [any CodingKey]) throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = node.value else {
            throw mismatch(expected: "an array", type: [Any].self, node, path)
        }
        return SpecUnkeyedDecodingContainer(context: self, array: node, elements: elements, codingPath: path)
    }

    func unboxBool(_ node: JSONNode, _ path: [any CodingKey]) throws -> Bool {
        guard case .bool(let bool) = node.value else {
            throw mismatch(expected: "a boolean", type: Bool.self, node, path)
        }
        return bool
    }

    func unboxString(_ node: JSONNode, _ path: [any CodingKey]) throws -> String {
        guard case .string(let string) = node.value else {
            throw mismatch(expected: "a string", type: String.self, node, path)
        }
        return string
    }

    func unboxInteger<I: FixedWidthInteger>(_ type: I.Type, _ node: JSONNode, _ path: [any CodingKey]) throws -> I {
        guard case .number(let text) = node.value, JSONValue.isIntegerLiteral(text) else {
            throw mismatch(expected: "an integer", type: I.self, node, path)
        }
        guard let integer = I(text) else { throw outOfRange(text, type: I.self, node, path) }
        return integer
    }

    func unboxDouble(_ node: JSONNode, _ path: [any CodingKey]) throws -> Double {
        guard case .number(let text) = node.value, let double = Double(text) else {
            throw mismatch(expected: "a number", type: Double.self, node, path)
        }
        if double.isInfinite && !JSONValue.isInfinityLiteral(text) {
            throw outOfRange(text, type: Double.self, node, path)
        }
        return double
    }

    func unboxFloat(_ node: JSONNode, _ path: [any CodingKey]) throws -> Float {
        guard case .number(let text) = node.value, let float = Float(text) else {
            throw mismatch(expected: "a number", type: Float.self, node, path)
        }
        if float.isInfinite && !JSONValue.isInfinityLiteral(text) {
            throw outOfRange(text, type: Float.self, node, path)
        }
        return float
    }

    // MARK: Errors

    /// `'units'`, `'shape[1]'` or `the top-level value`: the field at `path`, for messages.
    func fieldName(_ path: [any CodingKey]) -> String {
        var name = ""
        for key in path {
            if let index = key as? IndexKey {
                name += "[\(index.index)]"
            } else {
                name = key.stringValue
            }
        }
        return name.isEmpty ? "the top-level value" : "'\(name)'"
    }

    func found(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let bool): String(bool)
        case .number(let text): text
        case .string(let string): "a string \(quotedForMessage(string))"
        case .array: "an array"
        case .object: "an object"
        }
    }

    func located(_ message: String, _ node: JSONNode, _ path: [any CodingKey]) -> DecodingError.Context {
        DecodingError.Context(
            codingPath: path, debugDescription: message, underlyingError: SpecError(message, at: node.location))
    }

    func mismatch(expected: String, type: Any.Type, _ node: JSONNode, _ path: [any CodingKey]) -> DecodingError {
        let context = located("expected \(expected) for \(fieldName(path)), found \(found(node.value))", node, path)
        return node.isNull ? .valueNotFound(type, context) : .typeMismatch(type, context)
    }

    func outOfRange(_ text: String, type: Any.Type, _ node: JSONNode, _ path: [any CodingKey]) -> DecodingError {
        .dataCorrupted(located("number \(text) is out of range for \(type) in \(fieldName(path))", node, path))
    }

    /// `error`, thrown while decoding, as a located ``SpecError``.
    func specError(for error: any Error) -> SpecError {
        if var error = error as? SpecError {
            if error.location == nil { error.location = root.location }
            return error
        }
        guard let error = error as? DecodingError else {
            return SpecError(String(describing: error), at: root.location)
        }
        let context: DecodingError.Context
        let fallback: String
        switch error {
        case .typeMismatch(let type, let errorContext):
            context = errorContext
            fallback = "expected \(type) for \(fieldName(context.codingPath))"
        case .valueNotFound(let type, let errorContext):
            context = errorContext
            fallback = "expected \(type) for \(fieldName(context.codingPath))"
        case .keyNotFound(let key, let errorContext):
            context = errorContext
            fallback = "missing required field '\(key.stringValue)'"
        case .dataCorrupted(let errorContext):
            context = errorContext
            fallback = "invalid value for \(fieldName(context.codingPath))"
        @unknown default:
            return SpecError(String(describing: error), at: root.location)
        }
        // Errors point at the offending value, except those about a key itself (an unknown
        // field), which mark their last coding key.
        let atKey = (context.codingPath.last as? ConfigKey)?.pointsAtKey ?? false
        if var underlying = context.underlyingError as? SpecError {
            if underlying.location == nil { underlying.location = locate(context.codingPath, atKey: atKey) }
            return underlying
        }
        let message = context.debugDescription.isEmpty ? fallback : context.debugDescription
        return SpecError(message, at: locate(context.codingPath, atKey: atKey))
    }

    /// The location of the deepest node on `path` that exists (its key when the whole path
    /// exists, ends at an object member and `atKey` is set), or of the nearest located node above.
    func locate(_ path: [any CodingKey], atKey: Bool) -> SourceLocation? {
        var node = root
        var best = root.location
        var keyLocation: SourceLocation?
        for key in path {
            keyLocation = nil
            switch node.value {
            case .object(let members):
                guard let member = members.first(where: { $0.key.hasSameUTF8(as: key.stringValue) }) else {
                    return best
                }
                node = member.value
                keyLocation = member.keyLocation
            case .array(let elements):
                guard let index = key.intValue, elements.indices.contains(index) else { return best }
                node = elements[index]
            default:
                return best
            }
            best = node.location ?? best
        }
        if atKey, let keyLocation { return keyLocation }
        return best
    }
}

// MARK: - Decoder

/// The `Decoder` handed to `init(from:)`, over one node.
final class _SpecDecoder: Decoder {
    let node: JSONNode
    let codingPath: [any CodingKey]
    let context: DecodingContext

    init(node: JSONNode, codingPath: [any CodingKey], context: DecodingContext) {
        self.node = node
        self.codingPath = codingPath
        self.context = context
    }

    var userInfo: [CodingUserInfoKey: Any] { context.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try context.keyedContainer(Key.self, for: node, path: codingPath)
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try context.unkeyedContainer(for: node, path: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SpecSingleValueDecodingContainer(context: context, node: node, codingPath: codingPath)
    }
}

/// Shortcuts through `_SpecDecoder` for the hot paths of config decoding. The standard
/// library's type-erased containers make `allKeys` cost more than the rest of a layer
/// config's decoding, and a failed `try?` builds a located error; other decoders take the
/// general route.
enum SpecDecoding {
    /// The keys of the object `decoder` decodes, in source order.
    static func keys(of decoder: any Decoder, _ container: KeyedDecodingContainer<ConfigKey>) -> [String] {
        if let spec = decoder as? _SpecDecoder, case .object(let members) = spec.node.value {
            return members.map(\.key)
        }
        return container.allKeys.map(\.stringValue)
    }

    /// Whether `decoder` decodes a JSON string (`nil` when the decoder cannot tell without
    /// trying).
    static func isString(_ decoder: any Decoder) -> Bool? {
        guard let spec = decoder as? _SpecDecoder else { return nil }
        if case .string = spec.node.value { return true }
        return false
    }
}

// MARK: - Keyed

struct SpecKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let context: DecodingContext
    let object: JSONNode
    let members: [JSONMember]
    let codingPath: [any CodingKey]
    /// Member indices by key (first occurrence), for objects too large to scan.
    private let index: [ExactKey: Int]?

    init(context: DecodingContext, object: JSONNode, members: [JSONMember], codingPath: [any CodingKey]) {
        self.context = context
        self.object = object
        self.members = members
        self.codingPath = codingPath
        if members.count >= 32 {
            var index: [ExactKey: Int] = [:]
            for (position, member) in members.enumerated() where index[ExactKey(member.key)] == nil {
                index[ExactKey(member.key)] = position
            }
            self.index = index
        } else {
            self.index = nil
        }
    }

    /// The keys in source order (those `Key` can represent).
    var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool { member(for: key) != nil }

    private func member(for key: Key) -> JSONMember? {
        let name = key.stringValue
        if let index {
            return index[ExactKey(name)].map { members[$0] }
        }
        return members.first { $0.key.hasSameUTF8(as: name) }
    }

    private func node(for key: Key) throws -> JSONNode {
        guard let member = member(for: key) else {
            let message = "missing required field '\(key.stringValue)'"
            throw DecodingError.keyNotFound(
                key,
                DecodingError.Context(
                    codingPath: codingPath, debugDescription: message,
                    underlyingError: SpecError(message, at: object.location)))
        }
        return member.value
    }

    private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    func decodeNil(forKey key: Key) throws -> Bool { try node(for: key).isNull }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try context.unboxBool(node(for: key), path(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try context.unboxString(node(for: key), path(key))
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try context.unboxDouble(node(for: key), path(key))
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try context.unboxFloat(node(for: key), path(key))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        try context.unboxInteger(type, node(for: key), path(key))
    }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
        try context.unboxInteger(type, node(for: key), path(key))
    }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
        try context.unboxInteger(type, node(for: key), path(key))
    }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
        try context.unboxInteger(type, node(for: key), path(key))
    }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        try context.unboxInteger(type, node(for: key), path(key))
    }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
        try context.unboxInteger(type, node(for: key), path(key))
    }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
        try context.unboxInteger(type, node(for: key), path(key))
    }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        try context.unboxInteger(type, node(for: key), path(key))
    }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        try context.unboxInteger(type, node(for: key), path(key))
    }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        try context.unboxInteger(type, node(for: key), path(key))
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try context.decode(T.self, from: node(for: key), path: path(key))
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try context.keyedContainer(NestedKey.self, for: node(for: key), path: path(key))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try context.unkeyedContainer(for: node(for: key), path: path(key))
    }

    /// A decoder for the member `"super"` (null when there is none).
    func superDecoder() throws -> any Decoder {
        superDecoder(named: AnyCodingKey("super"))
    }

    /// A decoder for the member `key` (null when there is none).
    func superDecoder(forKey key: Key) throws -> any Decoder {
        superDecoder(named: key)
    }

    private func superDecoder(named key: any CodingKey) -> any Decoder {
        let name = key.stringValue
        let member = members.first { $0.key.hasSameUTF8(as: name) }
        let node = member?.value ?? JSONNode(.null, at: object.location)
        return _SpecDecoder(node: node, codingPath: codingPath + [key], context: context)
    }
}

// MARK: - Unkeyed

struct SpecUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let context: DecodingContext
    let array: JSONNode
    let elements: [JSONNode]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(context: DecodingContext, array: JSONNode, elements: [JSONNode], codingPath: [any CodingKey]) {
        self.context = context
        self.array = array
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    /// The current element and its path; throws at the end of the array.
    private func current(_ type: Any.Type) throws -> (node: JSONNode, path: [any CodingKey]) {
        guard !isAtEnd else {
            let count = elements.count
            let message =
                "expected another element in \(context.fieldName(codingPath)), "
                + "which has only \(count) element\(count == 1 ? "" : "s")"
            throw DecodingError.valueNotFound(
                type,
                DecodingError.Context(
                    codingPath: codingPath + [IndexKey(currentIndex)], debugDescription: message,
                    underlyingError: SpecError(message, at: array.location)))
        }
        return (elements[currentIndex], codingPath + [IndexKey(currentIndex)])
    }

    /// Decodes the current element with `unbox` and moves past it when that succeeds.
    private mutating func next<T>(_ type: T.Type, _ unbox: (DecodingContext, JSONNode, [any CodingKey]) throws -> T)
        throws -> T
    {
        let (node, path) = try current(type)
        let value = try unbox(context, node, path)
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard try current(Any?.self).node.isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type) { try $0.unboxBool($1, $2) } }
    mutating func decode(_ type: String.Type) throws -> String { try next(type) { try $0.unboxString($1, $2) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(type) { try $0.unboxDouble($1, $2) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(type) { try $0.unboxFloat($1, $2) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(type) { try $0.unboxInteger(type, $1, $2) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type) { try $0.unboxInteger(type, $1, $2) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type) { try $0.unboxInteger(type, $1, $2) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type) { try $0.unboxInteger(type, $1, $2) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type) { try $0.unboxInteger(type, $1, $2) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type) { try $0.unboxInteger(type, $1, $2) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type) { try $0.unboxInteger(type, $1, $2) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type) { try $0.unboxInteger(type, $1, $2) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type) { try $0.unboxInteger(type, $1, $2) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type) { try $0.unboxInteger(type, $1, $2) } }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next(type) { try $0.decode(T.self, from: $1, path: $2) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try next(KeyedDecodingContainer<NestedKey>.self) { try $0.keyedContainer(NestedKey.self, for: $1, path: $2) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next((any UnkeyedDecodingContainer).self) { try $0.unkeyedContainer(for: $1, path: $2) }
    }

    /// A decoder for the current element.
    mutating func superDecoder() throws -> any Decoder {
        try next((any Decoder).self) { _SpecDecoder(node: $1, codingPath: $2, context: $0) }
    }
}

// MARK: - Single value

struct SpecSingleValueDecodingContainer: SingleValueDecodingContainer {
    let context: DecodingContext
    let node: JSONNode
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { node.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try context.unboxBool(node, codingPath) }
    func decode(_ type: String.Type) throws -> String { try context.unboxString(node, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try context.unboxDouble(node, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try context.unboxFloat(node, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try context.unboxInteger(type, node, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try context.unboxInteger(type, node, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try context.unboxInteger(type, node, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try context.unboxInteger(type, node, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try context.unboxInteger(type, node, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try context.unboxInteger(type, node, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try context.unboxInteger(type, node, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try context.unboxInteger(type, node, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try context.unboxInteger(type, node, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try context.unboxInteger(type, node, codingPath) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try context.decode(T.self, from: node, path: codingPath)
    }
}
