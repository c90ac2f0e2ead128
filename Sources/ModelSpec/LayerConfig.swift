import Foundation

/// A Keras object config: what `get_config()` returns for a layer or a model, typed.
public protocol KerasConfig: Codable, Equatable, Sendable {
    /// Keras's `class_name`, e.g. `Dense`.
    static var className: String { get }
    /// Keras's `module` for the class, e.g. `keras.layers`.
    static var module: String { get }
}

/// The typed config of one Keras layer class. Its schema, the fields with Keras's keys and
/// defaults, is declared once in `fields`; decoding, encoding, Swift rendering and the
/// supported-layers table all come from it.
///
/// Conforming types give every stored field a default in their initializer (equal to Keras's
/// default), list the fields in Keras's `get_config()` order, and describe their weights and
/// output shape for an input shape.
public protocol LayerConfig: GraphLayerConfig, ConfigValue {
    /// The config with every field at its default; required fields hold placeholders.
    static var template: Self { get }
    /// The fields, in Keras's `get_config()` order, with their Keras keys.
    static var fields: [ConfigField<Self>] { get }
    /// Keys Keras writes that change nothing here; accepted when absent, `null`, or equal to
    /// the given value, rejected otherwise, never written.
    static var ignoredKeys: [String: JSONValue] { get }
    /// The layer's name, unique in its model.
    var name: String { get set }
    /// Checks values the types alone don't (positive sizes, rates in range). Throws a
    /// `ConfigFieldError` naming the field.
    func validate() throws
    /// How many inputs one call of the layer takes.
    static var inputArity: InputArity { get }
    /// The layer's output shape for a call on `inputs`, or an error saying why they don't fit.
    func outputShape(forInputs inputs: [TensorShape]) throws -> TensorShape
    /// The weights the layer creates when first called on `inputs`, in Keras's
    /// `get_weights()` order.
    func weights(forInputs inputs: [TensorShape]) throws -> [WeightSpec]
    /// What looks like a mistake in a valid config called on `inputs` (e.g. a softmax over one
    /// unit); shown as warnings.
    func warnings(forInputs inputs: [TensorShape]) -> [String]
    /// The number of outputs a call gives: 1, or more for recurrent layers with `return_state`.
    var outputCount: Int { get }
    /// Where Keras stores each weight under the layer's own path, in `get_weights()` order:
    /// `vars/0`, `vars/1`, ... by default; `cell/vars/0` for recurrent layers.
    func kerasWeightPaths(forInputs inputs: [TensorShape]) throws -> [String]
    /// How the layer treats its inputs' Keras masks (see `MaskPlan`); most layers drop them.
    var maskBehavior: MaskBehavior { get }
    /// Keras's `registered_name` for a custom layer class (`MyLayers>Scale`, as
    /// `@keras.saving.register_keras_serializable(package="MyLayers")` names it); `nil` for
    /// Keras's built-in layers, which Keras writes with a `null` one.
    static var registeredName: String? { get }
}

/// How many inputs a layer call takes.
public enum InputArity: Sendable, Equatable, CustomStringConvertible {
    /// Exactly this many.
    case exactly(Int)
    /// This many or more.
    case atLeast(Int)

    /// Whether `count` inputs are allowed.
    public func allows(_ count: Int) -> Bool {
        switch self {
        case .exactly(let n): count == n
        case .atLeast(let n): count >= n
        }
    }

    public var description: String {
        switch self {
        case .exactly(let n): n == 1 ? "one input" : "exactly \(n) inputs"
        case .atLeast(let n): "at least \(n) inputs"
        }
    }
}

/// The config of a layer with one input and one output.
public protocol UnaryLayerConfig: LayerConfig {
    /// The layer's output shape for `input`, or an error saying why the input doesn't fit.
    func outputShape(for input: TensorShape) throws -> TensorShape
    /// The weights the layer creates for `input`, in Keras's `get_weights()` order.
    func weights(for input: TensorShape) throws -> [WeightSpec]
}

extension UnaryLayerConfig {
    public static var inputArity: InputArity { .exactly(1) }
    public func weights(for input: TensorShape) throws -> [WeightSpec] { [] }

    public func outputShape(forInputs inputs: [TensorShape]) throws -> TensorShape {
        try outputShape(for: Self.single(inputs))
    }

    /// The number of scalars in the layer's weights for `input`.
    public func parameterCount(for input: TensorShape) throws -> Int {
        try weights(for: input).reduce(0) { $0 + $1.count }
    }

    public func weights(forInputs inputs: [TensorShape]) throws -> [WeightSpec] {
        try weights(for: Self.single(inputs))
    }

    private static func single(_ inputs: [TensorShape]) throws -> TensorShape {
        guard inputs.count == 1 else { throw ShapeError("\(className) takes one input, got \(inputs.count)") }
        return inputs[0]
    }
}

/// A config value that is out of range, naming the field by its Keras key.
/// Throws a `ConfigFieldError` naming `field` unless `value` is a positive integer (at most
/// 2^`maxPower` when given, a bound that keeps products of sizes from overflowing).
func requirePositive(_ value: Int, _ field: String, upToPowerOfTwo maxPower: Int? = nil) throws {
    guard value > 0, maxPower.map({ value <= 1 << $0 }) ?? true else {
        let bound = maxPower.map { " up to 2^\($0)" } ?? ""
        throw ConfigFieldError(field: field, "must be a positive integer\(bound), found \(value)")
    }
}

/// A kernel layer's weights: Keras's `kernel` of `kernelShape`, then its `bias` of `biasShape`
/// when `useBias`.
func kernelWeights(
    _ kernelShape: [Int], _ kernelInitializer: Initializer, bias biasShape: [Int], _ biasInitializer: Initializer,
    useBias: Bool, trainable: Bool
) -> [WeightSpec] {
    [WeightSpec(name: "kernel", shape: kernelShape, initializer: kernelInitializer, trainable: trainable)]
        + optionalBias(useBias, shape: biasShape, biasInitializer, trainable: trainable)
}

/// The bias of a kernel layer when `useBias`, else none: Keras's `bias` variable of `shape`.
func optionalBias(_ useBias: Bool, shape: [Int], _ initializer: Initializer, trainable: Bool) -> [WeightSpec] {
    useBias ? [WeightSpec(name: "bias", shape: shape, initializer: initializer, trainable: trainable)] : []
}

public struct ConfigFieldError: Error, Sendable, CustomStringConvertible {
    /// The Keras key of the field.
    public var field: String
    /// What is wrong with the value.
    public var message: String
    /// An error for `field`.
    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { "'\(field)': \(message)" }
}

/// A problem with a layer's input shape: the input doesn't fit the layer.
public struct ShapeError: Error, Sendable, CustomStringConvertible {
    /// What doesn't fit.
    public var message: String
    /// An error with `message`.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One field of a layer config: its Keras key, its Swift label and how to read, write and
/// spell it.
public struct ConfigField<Config>: Sendable {
    /// The Keras key, e.g. `use_bias`.
    public let key: String
    /// The Swift label in the config's initializer, e.g. `useBias`.
    public let label: String
    /// Whether a spec must give it (Keras has no default for it).
    public let isRequired: Bool
    /// The Swift type of the field, for documentation.
    public var typeName: String { String(describing: valueType) }
    /// Kept as a metatype: describing it costs more than building the whole field, and only
    /// documentation asks.
    private let valueType: Any.Type
    let decodeInto: @Sendable (inout Config, KeyedDecodingContainer<ConfigKey>) throws -> Void
    let encodeFrom: @Sendable (Config, inout KeyedEncodingContainer<ConfigKey>) throws -> Void
    /// The field as a labeled Swift argument (`units: 32`) when it is required or differs from
    /// the defaults; for the generator, which spells built-in configs only.
    let argument: @Sendable (Config, Config) -> String?
    /// Whether `argument` writes Swift source (every built-in config's fields do), rather than a
    /// description of a custom value type.
    package let spellsSwift: Bool

    /// A field stored at `keyPath` under the Keras key `key`.
    public init<Value: ConfigValue>(
        _ key: String, _ keyPath: WritableKeyPath<Config, Value> & Sendable, required: Bool = false
    ) {
        // A custom layer's value types need no Swift spelling: the generator spells custom
        // layers from their spec's JSON, never from a typed config.
        self.init(key, keyPath, required: required, spellsSwift: false) { String(describing: $0) }
    }

    /// A field of a built-in config, whose values the generator spells as Swift source.
    package init<Value: ConfigValue & SwiftExpressible>(
        _ key: String, _ keyPath: WritableKeyPath<Config, Value> & Sendable, required: Bool = false
    ) {
        self.init(key, keyPath, required: required, spellsSwift: true) { $0.swiftExpression }
    }

    /// A field of one size per spatial axis: a single size read from a spec is written out to
    /// `rank` sizes, as Keras's `get_config()` writes them.
    package init(
        _ key: String, _ keyPath: WritableKeyPath<Config, IntTuple> & Sendable, required: Bool = false, rank: Int
    ) {
        self.init(
            key, keyPath, required: required, spellsSwift: true, spelling: { $0.swiftExpression },
            decoded: { $0.expanded(to: rank) })
    }

    /// An optional field of one size per spatial axis, written out as `init(_:_:required:rank:)`.
    package init(
        _ key: String, _ keyPath: WritableKeyPath<Config, IntTuple?> & Sendable, required: Bool = false, rank: Int
    ) {
        self.init(
            key, keyPath, required: required, spellsSwift: true, spelling: { $0.swiftExpression },
            decoded: { $0?.expanded(to: rank) })
    }

    private init<Value: ConfigValue>(
        _ key: String, _ keyPath: WritableKeyPath<Config, Value> & Sendable, required: Bool,
        spellsSwift: Bool, spelling: @escaping @Sendable (Value) -> String,
        decoded: @escaping @Sendable (Value) -> Value = { $0 }
    ) {
        let label = ConfigField.label(forKey: key)
        self.spellsSwift = spellsSwift
        self.key = key
        self.label = label
        self.isRequired = required
        self.valueType = Value.self
        let codingKey = ConfigKey(key)
        decodeInto = { config, container in
            config[keyPath: keyPath] = decoded(try container.decode(Value.self, forKey: codingKey))
        }
        encodeFrom = { config, container in
            try container.encode(config[keyPath: keyPath], forKey: codingKey)
        }
        argument = { config, defaults in
            let value = config[keyPath: keyPath]
            guard required || value != defaults[keyPath: keyPath] else { return nil }
            return label + ": " + spelling(value)
        }
    }

    /// The camelCase Swift label for a snake_case Keras key.
    public static func label(forKey key: String) -> String {
        let parts = key.split(separator: "_", omittingEmptySubsequences: true)
        guard let first = parts.first else { return key }
        return String(first) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}

extension KerasConfig {
    public static var module: String { "keras.layers" }
}

/// The field tables of config types, built once per type: a generic config
/// (`ConvConfig<Spatial2D>`) cannot store a static table, and building one instantiates its
/// key paths at run time, which costs more than decoding the config.
private final class FieldTables: @unchecked Sendable {
    static let shared = FieldTables()
    private let lock = NSLock()
    private var tables: [ObjectIdentifier: (fields: Any, keys: Set<String>)] = [:]

    /// The type's fields and their keys, built on first use.
    private func entry<Config: LayerConfig>(for type: Config.Type) -> (fields: [ConfigField<Config>], keys: Set<String>)
    {
        let key = ObjectIdentifier(type)
        lock.lock()
        let cached = tables[key]
        lock.unlock()
        if let cached, let fields = cached.fields as? [ConfigField<Config>] { return (fields, cached.keys) }
        // Built outside the lock: a table may read other types' tables.
        let fields = Config.fields
        let keys = Set(fields.map(\.key))
        lock.lock()
        tables[key] = (fields, keys)
        lock.unlock()
        return (fields, keys)
    }

    func table<Config: LayerConfig>(for type: Config.Type) -> [ConfigField<Config>] { entry(for: type).fields }

    /// The keys of `table(for:)`, as a set.
    func keys<Config: LayerConfig>(for type: Config.Type) -> Set<String> { entry(for: type).keys }
}

extension LayerConfig {
    /// `fields`, built once per type and then reused.
    static var fieldTable: [ConfigField<Self>] { FieldTables.shared.table(for: Self.self) }
}

/// A generic built-in config, which spells its generated-code names itself rather than as
/// `className + "Config"` and `className`. Code generation only, so not public.
package protocol SwiftSpelledConfig: LayerConfig {
    /// The Swift name generated code spells the type with, e.g. `Conv2DConfig` for
    /// `ConvConfig<Spatial2D>`.
    static var spelledTypeName: String { get }
    /// The Swift name of the runtime layer type, e.g. `TimeDistributed<Dense>`.
    static var spelledRuntimeTypeName: String { get }
}

extension SwiftSpelledConfig {
    package static var spelledRuntimeTypeName: String { className }
}

extension LayerConfig {
    /// The Swift name generated code spells the config type with: `Dense` → `DenseConfig`, the
    /// naming every built-in config follows, or a generic config's own spelling. Cheaper than
    /// describing the metatype, which the generator would do per layer.
    package static var swiftTypeName: String {
        (Self.self as? any SwiftSpelledConfig.Type)?.spelledTypeName ?? className + "Config"
    }
    /// The Swift name of the runtime layer type, e.g. `Dense`, `Conv2D` or
    /// `TimeDistributed<Dense>`.
    package static var swiftRuntimeTypeName: String {
        (Self.self as? any SwiftSpelledConfig.Type)?.spelledRuntimeTypeName ?? className
    }
}

extension LayerConfig {
    public var outputCount: Int { 1 }
    public func kerasWeightPaths(forInputs inputs: [TensorShape]) throws -> [String] {
        try weights(forInputs: inputs).indices.map { "vars/\($0)" }
    }
    public static var ignoredKeys: [String: JSONValue] { [:] }
    public static var registeredName: String? { nil }
    public func validate() throws {}
    public func weights(forInputs inputs: [TensorShape]) throws -> [WeightSpec] { [] }
    public func warnings(forInputs inputs: [TensorShape]) -> [String] { [] }

    /// Decodes the fields of `Self.fields` present in `decoder`'s object over `Self.template`,
    /// rejecting unknown keys. `callerKeys` are keys (and fields) the caller reads itself.
    public static func decodeFields(from decoder: any Decoder, callerKeys: Set<String> = []) throws -> Self {
        var config = template
        let fields = Self.fieldTable
        let container = try decoder.container(keyedBy: ConfigKey.self)
        let known = FieldTables.shared.keys(for: Self.self)
        for key in SpecDecoding.keys(of: decoder, container) where !known.contains(key) && !callerKeys.contains(key) {
            if let accepted = ignoredKeys[key] {
                let value = try container.decode(JSONValue.self, forKey: ConfigKey(key))
                if value == .null || value == accepted { continue }
                let allowed = accepted == .null ? "null" : JSONWriter().write(accepted) + " or null"
                throw ConfigErrors.invalid(
                    "'\(key)' is not supported in \(className) (only \(allowed)), found \(value.kindDescription)",
                    at: container.codingPath + [ConfigKey(key)])
            }
            let names = fields.map { "'\($0.key)'" }.joined(separator: ", ")
            throw ConfigErrors.invalid(
                "unknown field '\(key)' in \(className) config; known fields: \(names)",
                at: container.codingPath + [ConfigKey.offending(key)])
        }
        for field in fields where !callerKeys.contains(field.key) {
            if container.contains(ConfigKey(field.key)) {
                try field.decodeInto(&config, container)
            } else if field.isRequired {
                throw DecodingError.keyNotFound(
                    ConfigKey(field.key),
                    .init(
                        codingPath: container.codingPath,
                        debugDescription: "missing required field '\(field.key)' in \(className) config"))
            }
        }
        do {
            try config.validate()
        } catch let error as ConfigFieldError {
            throw ConfigErrors.invalid(
                "invalid '\(error.field)' in \(className) config: \(error.message)",
                at: container.codingPath + [ConfigKey(error.field)])
        }
        return config
    }

    public init(from decoder: any Decoder) throws {
        self = try Self.decodeFields(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ConfigKey.self)
        for field in Self.fieldTable {
            try field.encodeFrom(self, &container)
        }
    }

    /// Swift source that rebuilds this config, spelling out only the fields that differ from
    /// Keras's defaults (and the required ones).
    package var swiftExpression: String {
        Self.swiftTypeName + "(" + swiftArguments.joined(separator: ", ") + ")"
    }

    /// The labeled arguments of `swiftExpression`, e.g. `["name: \"dense\"", "units: 32"]`:
    /// the required fields and those that differ from Keras's defaults.
    package var swiftArguments: [String] {
        let defaults = Self.template
        return Self.fieldTable.compactMap { $0.argument(self, defaults) }
    }
}

extension KerasConfig {
    /// A copy with every `seed` in the config set to `seed`: a layer's own `seed` field, the
    /// seeds of its initializers and, for a model, those of all its layers. This is Keras's
    /// `config["seed"] = 1337` clone-function example, and works for any config type through
    /// its Keras JSON.
    public func withSeeds(_ seed: Int?) -> Self {
        do {
            let json = try SpecEncoder().encode(self)
            return try SpecDecoder().decode(Self.self, from: JSONNode(SeedRewriter.rewrite(json, seed: seed)))
        } catch {
            preconditionFailure(
                "\(Self.self).withSeeds: the config does not round-trip through its Keras JSON: \(error)")
        }
    }
}

enum SeedRewriter {
    /// `value` with the value of every `seed` key, at any depth, replaced by `seed`.
    static func rewrite(_ value: JSONValue, seed: Int?) -> JSONValue {
        switch value {
        case .object(let members):
            return .object(
                members.map { member in
                    var member = member
                    member.value = JSONNode(
                        member.key == "seed"
                            ? (seed.map { .int($0) } ?? .null) : rewrite(member.value.value, seed: seed))
                    return member
                })
        case .array(let elements):
            return .array(elements.map { JSONNode(rewrite($0.value, seed: seed)) })
        default:
            return value
        }
    }
}
