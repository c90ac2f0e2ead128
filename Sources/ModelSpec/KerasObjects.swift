/// A layer's or model's dtype policy. The runtime computes in float32, so `float32` is the
/// only policy a spec may use.
public struct DTypePolicy: ConfigValue, SwiftExpressible {
    /// The policy name, e.g. `float32`.
    public var name: String

    /// Keras's default policy.
    public static let float32 = DTypePolicy(name: "float32")

    /// A policy named `name`.
    public init(name: String) { self.name = name }

    public init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .float32
        } else if let text = try? single.decode(String.self) {
            name = text
        } else {
            let container = try decoder.container(keyedBy: ConfigKey.self)
            let className = try container.decode(String.self, forKey: ConfigKey("class_name"))
            guard className == "DTypePolicy" || className == "FloatDTypePolicy" else {
                throw ConfigErrors.invalid(
                    "unsupported dtype policy class '\(className)'",
                    at: container.codingPath + [ConfigKey("class_name")])
            }
            let config = try container.nestedContainer(keyedBy: ConfigKey.self, forKey: ConfigKey("config"))
            name = try config.decode(String.self, forKey: ConfigKey("name"))
        }
        guard name == "float32" else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "dtype policy '\(name)' is not supported; the runtime computes in float32"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(
            JSONValue.object([
                JSONMember(key: "module", value: JSONNode(.string("keras"))),
                JSONMember(key: "class_name", value: JSONNode(.string("DTypePolicy"))),
                JSONMember(
                    key: "config", value: JSONNode(.object([JSONMember(key: "name", value: JSONNode(.string(name)))]))),
                JSONMember(key: "registered_name", value: JSONNode(.null)),
            ]))
    }

    package var swiftExpression: String {
        name == "float32" ? ".float32" : "DTypePolicy(name: \(SwiftLiteral.string(name)))"
    }
}

/// A Keras object kept as its JSON: regularizers and constraints, which only matter for
/// training. They survive config round-trips unchanged.
public struct KerasObject: ConfigValue, SwiftExpressible {
    /// The object's Keras JSON, e.g. `{"class_name": "L2", "config": {"l2": 0.01}}`.
    public var json: JSONValue

    /// The object written as `json`.
    public init(json: JSONValue) { self.json = json }

    /// The object parsed from Keras JSON text.
    public init(json text: String) throws(SpecError) {
        json = try JSONReader.parse(text).value
    }

    /// The object parsed from Keras JSON text that is known to be valid, as generated code
    /// writes it; invalid text stops the program.
    public init(validJSON text: String) {
        do { json = try JSONReader.parse(text).value } catch { preconditionFailure("\(error)") }
    }

    public init(from decoder: any Decoder) throws {
        json = try decoder.singleValueContainer().decode(JSONValue.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(json)
    }

    package var swiftExpression: String {
        "KerasObject(validJSON: " + SwiftLiteral.string(JSONWriter().write(json)) + ")"
    }
}

/// A model's own Keras attributes: its name, `trainable` flag and dtype policy.
public struct ModelAttributes: ConfigValue, SwiftExpressible {
    /// The model's Keras name.
    public var name: String
    /// Keras's `trainable` flag.
    public var trainable: Bool
    /// The dtype policy.
    public var dtype: DTypePolicy

    /// Attributes with Keras's defaults.
    public init(name: String, trainable: Bool = true, dtype: DTypePolicy = .float32) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
    }

    package var swiftExpression: String {
        var arguments = ["name: " + SwiftLiteral.string(name)]
        if !trainable { arguments.append("trainable: false") }
        if dtype != .float32 { arguments.append("dtype: " + dtype.swiftExpression) }
        return "ModelAttributes(" + arguments.joined(separator: ", ") + ")"
    }
}
