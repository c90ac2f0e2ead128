// Custom layers: layer classes the user writes in Swift, which specs name the way Keras writes
// custom objects (`registered_name` such as `MyLayers>Scale`, or a bare `class_name`).
//
// The generator cannot run the user's code, so a target declares each custom layer in its
// `model-generator-config.json` (`CustomLayerDeclaration`: the Swift type, and rules for the
// output shape and the weights). Generated code then hands the parser the real Swift config
// types (`CustomLayer(ScaleConfig.self)`), so at run time the user's own shape and weight
// rules are the ones checked.

/// A custom layer class a spec may use: Keras's name for it and how its config is read.
public struct CustomLayer: Sendable {
    /// Keras's name for the class: its `registered_name` (`MyLayers>Scale`) or, for a class
    /// registered without a package, its `class_name` (`Scale`).
    public let kerasName: String
    let decode: @Sendable (JSONNode) throws(SpecError) -> any LayerConfig

    /// The custom layer whose typed config is `Config`, named by its `registeredName` (or its
    /// `className` when that is `nil`). Generated code lists these in `ModelConfig.customLayers`.
    public init<Config: UnaryLayerConfig>(_ type: Config.Type) {
        kerasName = Config.registeredName ?? Config.className
        decode = { node throws(SpecError) in try SpecDecoder().decode(Config.self, from: node) }
    }

    /// The custom layer a generator config declares; its config is read as given and its shapes
    /// come from the declaration's rules.
    public init(declaration: CustomLayerDeclaration) {
        kerasName = declaration.kerasName
        decode = { node throws(SpecError) in try DeclaredLayerConfig(declaration: declaration, node: node) }
    }

    /// Whether a spec entry with `className` and `registeredName` (`nil` when absent or
    /// `null`) names this layer. A packaged name (`MyLayers>Scale`) matches the entry's
    /// `registered_name` (or a `class_name` spelled the same); a bare name matches the
    /// `class_name` when the entry registers no other name.
    func matches(className entryClass: String, registeredName: String?) -> Bool {
        if kerasName.contains(">") {
            return registeredName == kerasName || entryClass == kerasName
        }
        return entryClass == kerasName && (registeredName == nil || registeredName == kerasName)
    }
}

/// What a generator config says about a custom layer: the Swift type that computes it and the
/// rules the generator uses for its output shape and weights, which it cannot get from Swift
/// code it does not run.
///
/// ```json
/// "customLayers": {
///   "MyLayers>ChannelScale": {"swiftType": "ChannelScale", "weights": {"gamma": ["input[-1]"]}},
///   "MyLayers>Linear": {"swiftType": "Linear", "outputShape": ["input[:-1]", "units"],
///                       "weights": {"kernel": ["input[-1]", "units"],
///                                   "bias": {"shape": ["units"], "if": "use_bias"}}}
/// }
/// ```
public struct CustomLayerDeclaration: Sendable, Equatable {
    /// Keras's name for the class (`MyLayers>Scale` or `Scale`).
    public var kerasName: String
    /// The Swift layer type (conforming to `UnaryLayer`), e.g. `ChannelScale`.
    public var swiftType: String
    /// The output shape of a call.
    public var outputShape: ShapeRule
    /// The weights a call creates, in `get_weights()` order, by Keras variable name; a weight
    /// with a condition exists only when that boolean config field is true.
    public var weights: [(name: String, shape: [DimensionRule], condition: String?)]
    /// Keras's defaults of the config fields the rules read, for specs that leave them out
    /// (`{"units": 32, "use_bias": true}`).
    public var defaults: [JSONMember] = []

    /// A declaration.
    public init(
        kerasName: String, swiftType: String, outputShape: ShapeRule = .same,
        weights: [(name: String, shape: [DimensionRule], condition: String?)] = []
    ) {
        self.kerasName = kerasName
        self.swiftType = swiftType
        self.outputShape = outputShape
        self.weights = weights
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.kerasName == b.kerasName && a.swiftType == b.swiftType && a.outputShape == b.outputShape
            && a.weights.map(\.name) == b.weights.map(\.name) && a.weights.map(\.shape) == b.weights.map(\.shape)
            && a.weights.map(\.condition) == b.weights.map(\.condition) && a.defaults == b.defaults
    }

    /// Reads the declaration of `kerasName` from its JSON object: `swiftType` (required),
    /// `outputShape` (`"same"`, the default, or a shape rule) and `weights` (an object from
    /// variable names to shape rules, or to `{"shape": RULE, "if": "bool_field"}`, in
    /// `get_weights()` order) and `defaults` (Keras's defaults of fields the rules read).
    public init(kerasName: String, node: JSONNode) throws(SpecError) {
        let label = "custom layer '\(kerasName)'"
        guard !kerasName.isEmpty, kerasName.split(separator: ">", omittingEmptySubsequences: false).count <= 2,
            !kerasName.hasPrefix(">"), !kerasName.hasSuffix(">")
        else {
            throw SpecError(
                "\(label): the name must be a Keras class name ('Scale') or a registered name ('MyLayers>Scale')",
                at: node.location)
        }
        guard let members = node.value.objectMembers else {
            throw SpecError(
                "\(label): expected an object with 'swiftType', found \(node.value.kindDescription)", at: node.location)
        }
        self.kerasName = kerasName
        swiftType = ""
        outputShape = .same
        weights = []
        for member in members {
            switch member.key {
            case "swiftType":
                guard let text = member.value.value.stringValue, Self.isTypeName(text) else {
                    throw SpecError(
                        "\(label): 'swiftType' must be a Swift type name such as \"ChannelScale\" or "
                            + "\"MyLayers.ChannelScale\"",
                        at: member.value.location)
                }
                swiftType = text
            case "outputShape":
                if member.value.value.stringValue == "same" {
                    outputShape = .same
                } else {
                    outputShape = .dimensions(try DimensionRule.list(member.value, what: "\(label): 'outputShape'"))
                }
            case "defaults":
                guard let entries = member.value.value.objectMembers else {
                    throw SpecError(
                        "\(label): 'defaults' must be an object from config keys to Keras's default values",
                        at: member.value.location)
                }
                defaults = entries
            case "weights":
                guard let entries = member.value.value.objectMembers else {
                    throw SpecError(
                        "\(label): 'weights' must be an object from weight names to shape rules, in get_weights() "
                            + "order",
                        at: member.value.location)
                }
                for entry in entries {
                    let what = "\(label): weight '\(entry.key)'"
                    guard let parts = entry.value.value.objectMembers else {
                        weights.append((entry.key, try DimensionRule.list(entry.value, what: what), nil))
                        continue
                    }
                    var shape: [DimensionRule]?
                    var condition: String?
                    for part in parts {
                        switch part.key {
                        case "shape":
                            shape = try DimensionRule.list(part.value, what: what)
                        case "if":
                            guard let field = part.value.value.stringValue,
                                case .field = try DimensionRule.parse(field, what: what, at: part.value.location)
                            else {
                                throw SpecError(
                                    "\(what): 'if' must name a boolean config field", at: part.value.location)
                            }
                            condition = field
                        default:
                            throw SpecError(
                                "\(what): unknown key '\(part.key)'; known keys: 'shape', 'if'", at: part.keyLocation)
                        }
                    }
                    guard let shape else { throw SpecError("\(what): missing 'shape'", at: entry.value.location) }
                    weights.append((entry.key, shape, condition))
                }
            default:
                throw SpecError(
                    "\(label): unknown key '\(member.key)'; known keys: 'swiftType', 'outputShape', 'weights', "
                        + "'defaults'",
                    at: member.keyLocation)
            }
        }
        guard !swiftType.isEmpty else {
            throw SpecError("\(label): missing 'swiftType', the Swift layer type that computes it", at: node.location)
        }
    }

    /// A (possibly module-qualified) ASCII Swift type name.
    static func isTypeName(_ text: String) -> Bool {
        text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(Naming.isASCIIIdentifier)
    }
}

/// How a declared custom layer's output shape follows from its input.
public enum ShapeRule: Sendable, Equatable {
    /// The input's shape.
    case same
    /// One rule per output axis (a slice rule may stand for several).
    case dimensions([DimensionRule])
}

/// One axis size (or, for a slice, several) of a declared shape: written in JSON as an integer,
/// `null` (unknown), `"input[i]"` (axis `i` of the input, negative from the end),
/// `"input[a:b]"` (those axes, as Python slices them) or the key of an integer config field
/// (`"units"`).
public enum DimensionRule: Sendable, Equatable {
    /// A fixed size.
    case fixed(Int)
    /// An unknown size (`None`).
    case unknown
    /// The size of one input axis.
    case inputAxis(Int)
    /// The sizes of a range of input axes.
    case inputSlice(Int?, Int?)
    /// The value of an integer config field.
    case field(String)

    /// Reads a JSON array of rules.
    static func list(_ node: JSONNode, what: String) throws(SpecError) -> [DimensionRule] {
        guard let elements = node.value.arrayElements else {
            throw SpecError(
                "\(what) must be \"same\" or an array of sizes: integers, null, \"input[i]\", \"input[a:b]\" or "
                    + "config keys",
                at: node.location)
        }
        var rules: [DimensionRule] = []
        for element in elements {
            switch element.value {
            case .null:
                rules.append(.unknown)
            case .number(let text):
                guard let size = Int(text), size >= 0, size <= 1 << 40 else {
                    throw SpecError(
                        "\(what): a size must be an integer from 0 to 2^40, found \(text)", at: element.location)
                }
                rules.append(.fixed(size))
            case .string(let text):
                rules.append(try parse(text, what: what, at: element.location))
            default:
                throw SpecError(
                    "\(what): expected an integer, null or a string, found \(element.value.kindDescription)",
                    at: element.location)
            }
        }
        return rules
    }

    static func parse(_ text: String, what: String, at location: SourceLocation?) throws(SpecError) -> DimensionRule {
        guard text.hasPrefix("input") else {
            guard Naming.isASCIIIdentifier(text) else {
                throw SpecError(
                    "\(what): '\(text)' is neither \"input[i]\", \"input[a:b]\" nor a config key", at: location)
            }
            return .field(text)
        }
        guard text.hasPrefix("input["), text.hasSuffix("]") else {
            throw SpecError(
                "\(what): write an input axis as \"input[i]\" or \"input[a:b]\", found '\(text)'", at: location)
        }
        let inner = text.dropFirst("input[".count).dropLast()
        func integer(_ part: Substring) throws(SpecError) -> Int? {
            if part.isEmpty { return nil }
            guard let value = Int(part), (-64...64).contains(value) else {
                throw SpecError("\(what): '\(text)' needs integer axes from -64 to 64", at: location)
            }
            return value
        }
        let parts = inner.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard let axis = try integer(parts[0]) else {
                throw SpecError("\(what): '\(text)' needs an axis", at: location)
            }
            return .inputAxis(axis)
        case 2:
            return .inputSlice(try integer(parts[0]), try integer(parts[1]))
        default:
            throw SpecError(
                "\(what): write an input axis as \"input[i]\" or \"input[a:b]\", found '\(text)'", at: location)
        }
    }

    /// The sizes this rule gives for `input`, reading config fields from `config`.
    func evaluate(input: TensorShape, config: [JSONMember]) throws -> [Int?] {
        let rank = input.rank
        switch self {
        case .fixed(let size):
            return [size]
        case .unknown:
            return [nil]
        case .inputAxis(let axis):
            let index = axis < 0 ? rank + axis : axis
            guard index >= 0, index < rank else {
                throw ShapeError("the declared shape reads input[\(axis)], but the input \(input) has \(rank) axes")
            }
            return [input.dimensions[index]]
        case .inputSlice(let start, let end):
            func clamp(_ value: Int?, _ fallback: Int) -> Int {
                guard let value else { return fallback }
                return min(max(value < 0 ? rank + value : value, 0), rank)
            }
            let from = clamp(start, 0)
            let to = clamp(end, rank)
            return from < to ? Array(input.dimensions[from..<to]) : []
        case .field(let key):
            guard let member = config.first(where: { $0.key == key }) else {
                throw ShapeError(
                    "the declared shape reads the config field '\(key)', which the layer's config does not give "
                        + "(declare Keras's default under 'defaults')"
                )
            }
            guard case .number(let text) = member.value.value, let size = Int(text), size >= 0, size <= 1 << 40 else {
                throw ShapeError(
                    "the declared shape reads the config field '\(key)', which is not a size (an integer from 0 to "
                        + "2^40)"
                )
            }
            return [size]
        }
    }

    /// The shape a list of rules gives for `input`.
    static func shape(_ rules: [DimensionRule], input: TensorShape, config: [JSONMember]) throws -> TensorShape {
        var dimensions: [Int?] = []
        for rule in rules { dimensions += try rule.evaluate(input: input, config: config) }
        return TensorShape(dimensions)
    }
}

/// The generator's stand-in for a custom layer's config: the spec's config as given, with the
/// declaration's shape and weight rules. Generated code spells the config with the user's own
/// Swift type instead.
public struct DeclaredLayerConfig: UnaryLayerConfig {
    public static let className = "CustomLayer"
    public static let template = DeclaredLayerConfig(
        declaration: CustomLayerDeclaration(kerasName: "", swiftType: ""), members: [])
    public static let fields: [ConfigField<DeclaredLayerConfig>] = []

    /// The declaration the layer's class matched.
    public var declaration: CustomLayerDeclaration
    /// The spec's config members in spec order, `name` included.
    public var members: [JSONMember]
    /// The layer's Keras name.
    public var name: String

    init(declaration: CustomLayerDeclaration, members: [JSONMember]) {
        self.declaration = declaration
        self.members = members
        name = members.first { $0.key == "name" }?.value.value.stringValue ?? ""
    }

    init(declaration: CustomLayerDeclaration, node: JSONNode) throws(SpecError) {
        guard let members = node.value.objectMembers else {
            throw SpecError("expected an object for 'config', found \(node.value.kindDescription)", at: node.location)
        }
        if let nameNode = members.first(where: { $0.key == "name" })?.value, nameNode.value.stringValue == nil {
            throw SpecError(
                "expected a string for 'name', found \(nameNode.value.kindDescription)", at: nameNode.location)
        }
        self.init(declaration: declaration, members: members)
    }

    public init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(
            .init(
                codingPath: decoder.codingPath,
                debugDescription: "a declared custom layer's config is read by its declaration"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(JSONValue.object(members))
    }

    /// The spec's fields, then the declared defaults of those it leaves out.
    var fieldsWithDefaults: [JSONMember] {
        members + declaration.defaults.filter { member in !members.contains { $0.key == member.key } }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        switch declaration.outputShape {
        case .same: input
        case .dimensions(let rules): try DimensionRule.shape(rules, input: input, config: fieldsWithDefaults)
        }
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        let fields = fieldsWithDefaults
        return try declaration.weights.filter { weight in
            guard let condition = weight.condition else { return true }
            guard let member = fields.first(where: { $0.key == condition }) else {
                throw ShapeError(
                    "the declared weight '\(weight.name)' depends on the config field '\(condition)', which the "
                        + "layer's config does not give (declare Keras's default under 'defaults')"
                )
            }
            guard case .bool(let value) = member.value.value else {
                throw ShapeError(
                    "the declared weight '\(weight.name)' depends on the config field '\(condition)', which is not a "
                        + "boolean"
                )
            }
            return value
        }.map { weight in
            let shape = try DimensionRule.shape(weight.shape, input: input, config: fields)
            let sizes = try shape.dimensions.map { size in
                guard let size else {
                    throw ShapeError(
                        "the declared weight '\(weight.name)' has shape \(shape), which needs every size known")
                }
                return size
            }
            return WeightSpec(name: weight.name, shape: sizes, initializer: .zeros)
        }
    }
}
