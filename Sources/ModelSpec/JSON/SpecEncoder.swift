/// Encodes `Encodable` values to ``JSONValue``s.
///
/// Object members keep the order in which they were first encoded; encoding a key again
/// replaces its value in place. `encodeNil` and a `nil` passed to `encode(_:forKey:)` write
/// `null`; `encodeIfPresent` with `nil` (what synthesized `Encodable` code uses for optional
/// properties) writes nothing. `Double` and `Float` are written with ``JSONValue/double(_:)`` and
/// ``JSONValue/float(_:)`` (non-finite values as `NaN`, `Infinity`, `-Infinity`), integers in
/// decimal, ``JSONNode`` and ``JSONValue`` as themselves. A value that encodes nothing becomes
/// `{}`, as with Foundation's `JSONEncoder`.
public struct SpecEncoder: Sendable {
    /// Passed to `encode(to:)` code as the encoder's `userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// An encoder with no `userInfo`.
    public init() {}

    /// `value` as JSON. Throws what `value`'s `encode(to:)` throws, and an
    /// `EncodingError.invalidValue` when it encodes nothing at all.
    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let encoder = _SpecEncoder(codingPath: [], userInfo: userInfo.mapValues { $0 as Any })
        guard let encoded = try encoder.boxIfEncoded(value, path: []) else {
            throw EncodingError.invalidValue(
                value,
                EncodingError.Context(
                    codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        return encoded.resolved()
    }
}

// MARK: - Storage

/// An object being encoded; containers share it by reference.
final class EncodedObject {
    private(set) var keys: [String] = []
    private(set) var values: [EncodedRef] = []
    private var index: [ExactKey: Int] = [:]

    subscript(key: String) -> EncodedRef? {
        get { index[ExactKey(key)].map { values[$0] } }
        set {
            guard let newValue else { return }
            if let position = index[ExactKey(key)] {
                values[position] = newValue
            } else {
                index[ExactKey(key)] = keys.count
                keys.append(key)
                values.append(newValue)
            }
        }
    }
}

/// An array being encoded; containers share it by reference.
final class EncodedArray {
    var elements: [EncodedRef] = []
}

/// A value being encoded: finished, or a container or encoder that may still receive values.
enum EncodedRef {
    case value(JSONValue)
    case object(EncodedObject)
    case array(EncodedArray)
    /// What a super encoder encodes; `{}` when it encodes nothing.
    case encoder(_SpecEncoder)

    func resolved() -> JSONValue {
        switch self {
        case .value(let value):
            return value
        case .object(let object):
            return .object(
                zip(object.keys, object.values).map { key, value in
                    JSONMember(key: key, value: JSONNode(value.resolved()))
                })
        case .array(let array):
            return .array(array.elements.map { JSONNode($0.resolved()) })
        case .encoder(let encoder):
            return encoder.storage?.resolved() ?? .object([])
        }
    }
}

// MARK: - Encoder

/// The `Encoder` handed to `encode(to:)`.
final class _SpecEncoder: Encoder {
    let codingPath: [any CodingKey]
    let userInfo: [CodingUserInfoKey: Any]
    /// What has been encoded so far.
    var storage: EncodedRef?

    init(codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: Any]) {
        self.codingPath = codingPath
        self.userInfo = userInfo
    }

    /// `value` encoded at `path`; nil when it encodes nothing.
    func boxIfEncoded<T: Encodable>(_ value: T, path: [any CodingKey]) throws -> EncodedRef? {
        switch value {
        case let value as JSONValue: return .value(value)
        case let node as JSONNode: return .value(node.value)
        case let string as String: return .value(.string(string))
        case let double as Double: return .value(.double(double))
        case let float as Float: return .value(.float(float))
        case let int as Int: return .value(.int(int))
        case let bool as Bool: return .value(.bool(bool))
        default:
            let encoder = _SpecEncoder(codingPath: path, userInfo: userInfo)
            try value.encode(to: encoder)
            return encoder.storage
        }
    }

    /// `value` encoded at `path`; `{}` when it encodes nothing.
    func box<T: Encodable>(_ value: T, path: [any CodingKey]) throws -> EncodedRef {
        try boxIfEncoded(value, path: path) ?? .object(EncodedObject())
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: EncodedObject
        if case .object(let existing) = storage {
            object = existing
        } else {
            object = EncodedObject()
            storage = .object(object)
        }
        return KeyedEncodingContainer(
            SpecKeyedEncodingContainer<Key>(encoder: self, object: object, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: EncodedArray
        if case .array(let existing) = storage {
            array = existing
        } else {
            array = EncodedArray()
            storage = .array(array)
        }
        return SpecUnkeyedEncodingContainer(encoder: self, array: array, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SpecSingleValueEncodingContainer(encoder: self)
    }
}

// MARK: - Keyed

struct SpecKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: _SpecEncoder
    let object: EncodedObject
    let codingPath: [any CodingKey]

    private func set(_ value: JSONValue, _ key: Key) { object[key.stringValue] = .value(value) }

    mutating func encodeNil(forKey key: Key) { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) { set(.double(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) { set(.float(value), key) }
    mutating func encode(_ value: Int, forKey key: Key) { set(.int(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) { set(.int(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) { set(.int(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) { set(.int(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) { set(.int(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) { set(.int(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) { set(.int(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) { set(.int(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) { set(.int(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) { set(.int(value), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        object[key.stringValue] = try encoder.box(value, path: codingPath + [key])
    }

    /// A keyed container for the member `key`, reusing the object already there if any.
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested: EncodedObject
        if case .object(let existing) = object[key.stringValue] {
            nested = existing
        } else {
            nested = EncodedObject()
            object[key.stringValue] = .object(nested)
        }
        let container = SpecKeyedEncodingContainer<NestedKey>(
            encoder: encoder, object: nested, codingPath: codingPath + [key])
        return KeyedEncodingContainer(container)
    }

    /// An unkeyed container for the member `key`, reusing the array already there if any.
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested: EncodedArray
        if case .array(let existing) = object[key.stringValue] {
            nested = existing
        } else {
            nested = EncodedArray()
            object[key.stringValue] = .array(nested)
        }
        return SpecUnkeyedEncodingContainer(encoder: encoder, array: nested, codingPath: codingPath + [key])
    }

    /// An encoder for the member `"super"`.
    mutating func superEncoder() -> any Encoder { superEncoder(named: AnyCodingKey("super")) }

    /// An encoder for the member `key`.
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key) }

    private func superEncoder(named key: any CodingKey) -> any Encoder {
        let nested = _SpecEncoder(codingPath: codingPath + [key], userInfo: encoder.userInfo)
        object[key.stringValue] = .encoder(nested)
        return nested
    }
}

// MARK: - Unkeyed

struct SpecUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let encoder: _SpecEncoder
    let array: EncodedArray
    let codingPath: [any CodingKey]

    var count: Int { array.elements.count }

    private func append(_ value: JSONValue) { array.elements.append(.value(value)) }
    private var nextPath: [any CodingKey] { codingPath + [IndexKey(count)] }

    mutating func encodeNil() { append(.null) }
    mutating func encode(_ value: Bool) { append(.bool(value)) }
    mutating func encode(_ value: String) { append(.string(value)) }
    mutating func encode(_ value: Double) { append(.double(value)) }
    mutating func encode(_ value: Float) { append(.float(value)) }
    mutating func encode(_ value: Int) { append(.int(value)) }
    mutating func encode(_ value: Int8) { append(.int(value)) }
    mutating func encode(_ value: Int16) { append(.int(value)) }
    mutating func encode(_ value: Int32) { append(.int(value)) }
    mutating func encode(_ value: Int64) { append(.int(value)) }
    mutating func encode(_ value: UInt) { append(.int(value)) }
    mutating func encode(_ value: UInt8) { append(.int(value)) }
    mutating func encode(_ value: UInt16) { append(.int(value)) }
    mutating func encode(_ value: UInt32) { append(.int(value)) }
    mutating func encode(_ value: UInt64) { append(.int(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let encoded = try encoder.box(value, path: nextPath)
        array.elements.append(encoded)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        let nested = EncodedObject()
        let path = nextPath
        array.elements.append(.object(nested))
        return KeyedEncodingContainer(
            SpecKeyedEncodingContainer<NestedKey>(encoder: encoder, object: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = EncodedArray()
        let path = nextPath
        array.elements.append(.array(nested))
        return SpecUnkeyedEncodingContainer(encoder: encoder, array: nested, codingPath: path)
    }

    /// An encoder for a new element.
    mutating func superEncoder() -> any Encoder {
        let nested = _SpecEncoder(codingPath: nextPath, userInfo: encoder.userInfo)
        array.elements.append(.encoder(nested))
        return nested
    }
}

// MARK: - Single value

struct SpecSingleValueEncodingContainer: SingleValueEncodingContainer {
    let encoder: _SpecEncoder

    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ value: JSONValue) { encoder.storage = .value(value) }

    mutating func encodeNil() { set(.null) }
    mutating func encode(_ value: Bool) { set(.bool(value)) }
    mutating func encode(_ value: String) { set(.string(value)) }
    mutating func encode(_ value: Double) { set(.double(value)) }
    mutating func encode(_ value: Float) { set(.float(value)) }
    mutating func encode(_ value: Int) { set(.int(value)) }
    mutating func encode(_ value: Int8) { set(.int(value)) }
    mutating func encode(_ value: Int16) { set(.int(value)) }
    mutating func encode(_ value: Int32) { set(.int(value)) }
    mutating func encode(_ value: Int64) { set(.int(value)) }
    mutating func encode(_ value: UInt) { set(.int(value)) }
    mutating func encode(_ value: UInt8) { set(.int(value)) }
    mutating func encode(_ value: UInt16) { set(.int(value)) }
    mutating func encode(_ value: UInt32) { set(.int(value)) }
    mutating func encode(_ value: UInt64) { set(.int(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.storage = try encoder.box(value, path: codingPath)
    }
}
