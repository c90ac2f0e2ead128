// Operations on Keras tensors in Functional models: `x + 3.0`, `ops.mean(x, axis=1)`,
// `x[:, -1]`. Keras 3 saves each as a node whose class is the operation (`Add`, `Mean`,
// `GetItem`, module `keras.src.ops.*`), with its Python constants in the call's `args`.

/// One argument of an operation's call as Keras writes it in `inbound_nodes`: a Keras tensor
/// (the call's next input, in order), or a Python constant.
public indirect enum OperationArgument: Sendable, Hashable, ConfigValue, SwiftExpressible, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    /// A Keras tensor: the call's next input.
    case tensor
    /// `None` (in an index, `np.newaxis`).
    case none
    /// A Python `int`.
    case int(Int)
    /// A Python `float`.
    case float(Double)
    /// A Python `bool`.
    case bool(Bool)
    /// A Python `str`.
    case string(String)
    /// A Python list or tuple.
    case list([OperationArgument])
    /// A Python `slice(start, stop, step)`.
    case slice(Int?, Int?, Int?)
    /// `...` in an index.
    case ellipsis
    /// A constant array (a NumPy or backend array Keras computed while the model was built,
    /// such as an `Embedding` of `ops.arange(n)`): its shape, Keras's `__numpy__` or
    /// `__tensor__` class, its dtype and its values in row-major order.
    case constant(shape: [Int], kind: String, dtype: String, values: [Double])

    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: OperationArgument...) { self = .list(elements) }
    public init(nilLiteral: ()) { self = .none }

    /// The number, for an `int`, `float` or `bool`.
    public var number: Double? {
        switch self {
        case .int(let value): Double(value)
        case .float(let value): value
        case .bool(let value): value ? 1 : 0
        default: nil
        }
    }

    /// The integer, for an `int`.
    public var int: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The integers of an `int` or a list of them (Keras's `axis=1` or `axis=[1, 2]`); nil for
    /// `None` and anything else.
    public var ints: [Int]? {
        switch self {
        case .int(let value): return [value]
        case .list(let items):
            var values: [Int] = []
            for item in items {
                guard let value = item.int else { return nil }
                values.append(value)
            }
            return values
        default: return nil
        }
    }

    /// How many tensors the argument holds, at any depth.
    public var tensorCount: Int {
        switch self {
        case .tensor: 1
        case .list(let items): items.reduce(0) { $0 + $1.tensorCount }
        default: 0
        }
    }

    package var swiftExpression: String {
        switch self {
        case .tensor: ".tensor"
        case .none: "nil"
        case .int(let value): String(value)
        case .float(let value): value.isFinite ? SwiftLiteral.double(value) : ".float(\(SwiftLiteral.double(value)))"
        case .bool(let value): value ? "true" : "false"
        case .string(let value): ".string(\(SwiftLiteral.string(value)))"
        case .list(let items): "[" + items.map(\.swiftExpression).joined(separator: ", ") + "]"
        case .slice(let start, let stop, let step):
            ".slice(\(start.swiftExpression), \(stop.swiftExpression), \(step.swiftExpression))"
        case .ellipsis: ".ellipsis"
        case .constant(let shape, let kind, let dtype, let values):
            ".constant(shape: \(shape.swiftExpression), kind: \(SwiftLiteral.string(kind)), dtype: "
                + "\(SwiftLiteral.string(dtype)), values: \(values.swiftExpression))"
        }
    }

    // MARK: Keras JSON

    public init(from decoder: any Decoder) throws {
        self = try Self.read(try JSONValue(from: decoder), path: decoder.codingPath)
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }

    /// The argument as Keras writes it; a tensor is a bare `{"class_name": "__keras_tensor__"}`,
    /// which the model writer fills in.
    public var json: JSONValue {
        switch self {
        case .tensor: return .object([JSONMember(key: "class_name", value: JSONNode(.string("__keras_tensor__")))])
        case .none: return .null
        case .int(let value): return .int(value)
        case .float(let value): return .double(value)
        case .bool(let value): return .bool(value)
        case .string(let value): return .string(value)
        case .list(let items): return .array(items.map { JSONNode($0.json) })
        case .slice(let start, let stop, let step):
            func bound(_ value: Int?) -> JSONNode { JSONNode(value.map { .int($0) } ?? .null) }
            return Self.object("__slice__", [("start", bound(start)), ("stop", bound(stop)), ("step", bound(step))])
        case .ellipsis: return Self.object("__ellipsis__", [])
        case .constant(let shape, let kind, let dtype, let values):
            let integral = !dtype.hasPrefix("float") && !dtype.hasPrefix("bfloat")
            func nest(_ axis: Int, _ offset: Int) -> JSONValue {
                if axis == shape.count {
                    let value = values[offset]
                    if dtype == "bool" { return .bool(value != 0) }
                    return integral ? .int(Int(value)) : .double(value)
                }
                let stride = shape[(axis + 1)...].reduce(1, *)
                return .array((0..<shape[axis]).map { JSONNode(nest(axis + 1, offset + $0 * stride)) })
            }
            return Self.object(kind, [("value", JSONNode(nest(0, 0))), ("dtype", JSONNode(.string(dtype)))])
        }
    }

    private static func object(_ className: String, _ config: [(String, JSONNode)]) -> JSONValue {
        .object([
            JSONMember(key: "class_name", value: JSONNode(.string(className))),
            JSONMember(key: "config", value: JSONNode(.object(config.map { JSONMember(key: $0.0, value: $0.1) }))),
        ])
    }

    static func read(_ value: JSONValue, path: [any CodingKey]) throws -> OperationArgument {
        switch value {
        case .null: return .none
        case .bool(let value): return .bool(value)
        case .string(let value): return .string(value)
        case .number(let text):
            if let int = value.intValue { return .int(int) }
            guard let double = value.doubleValue, !JSONValue.isIntegerLiteral(text) else {
                throw ConfigErrors.invalid("the number \(text) is out of range", at: path)
            }
            return .float(double)
        case .array(let elements):
            return .list(try elements.map { try read($0.value, path: path) })
        case .object:
            let className = value["class_name"]?.value.stringValue
            let config = value["config"]?.value
            switch className {
            case "__keras_tensor__": return .tensor
            case "__ellipsis__": return .ellipsis
            case "__slice__":
                func bound(_ key: String) throws -> Int? {
                    guard let node = config?[key], !node.value.isNull else { return nil }
                    guard let int = node.value.intValue else {
                        throw ConfigErrors.invalid(
                            "a slice's '\(key)' must be an integer or null, found \(node.value.kindDescription) "
                                + "(slicing by tensors is not supported)",
                            at: path)
                    }
                    return int
                }
                return .slice(try bound("start"), try bound("stop"), try bound("step"))
            case "__numpy__", "__tensor__":
                guard let dtype = config?["dtype"]?.value.stringValue, let nested = config?["value"]?.value else {
                    throw ConfigErrors.invalid("a constant array needs 'value' and 'dtype'", at: path)
                }
                var shape: [Int] = []
                var values: [Double] = []
                func walk(_ value: JSONValue, _ axis: Int) throws {
                    if let elements = value.arrayElements {
                        if axis == shape.count { shape.append(elements.count) }
                        guard shape[axis] == elements.count else {
                            throw ConfigErrors.invalid("a constant array's rows differ in length", at: path)
                        }
                        for element in elements { try walk(element.value, axis + 1) }
                        return
                    }
                    guard axis == shape.count else {
                        throw ConfigErrors.invalid("a constant array is ragged", at: path)
                    }
                    if let bool = value.boolValue {
                        values.append(bool ? 1 : 0)
                    } else if let double = value.doubleValue {
                        values.append(double)
                    } else {
                        throw ConfigErrors.invalid(
                            "a constant array holds \(value.kindDescription), not numbers", at: path)
                    }
                }
                try walk(nested, 0)
                return .constant(shape: shape, kind: className!, dtype: dtype, values: values)
            default:
                throw ConfigErrors.invalid(
                    "unsupported argument \(className.map { "of class '\($0)'" } ?? "object") in an operation's "
                        + "call; supported: tensors, numbers, booleans, strings, None, lists, slices, '...' and "
                        + "constant arrays",
                    at: path)
            }
        }
    }
}

/// One Keras operation class (`Add`, `Mean`, `GetItem`, …): its Keras name and module, the
/// fields of its config, and the shape rule of its calls. The runtime adds the computation.
public protocol OperationKind: Sendable {
    /// Keras's `class_name`, e.g. `Add`.
    static var className: String { get }
    /// Keras's module for the class, e.g. `keras.src.ops.numpy`.
    static var module: String { get }
    /// The config's keys besides `name`, in Keras's `get_config()` order, with Keras's defaults.
    static var parameters: KeyValuePairs<String, OperationArgument> { get }
    /// One line for the supported-layers table.
    static var summary: String { get }
    /// Keys Keras writes that change nothing here (see `LayerConfig.ignoredKeys`).
    static var ignoredKeys: [String: JSONValue] { get }
    /// The output shape of a call: `operands` are the call's top-level arguments with each
    /// tensor's shape (`args` of `x + 3.0` are `[x's shape, 3.0]`).
    static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape
}

/// One top-level argument of an operation's call, with the shapes of its tensors.
public enum Operand: Sendable, Equatable {
    /// A Keras tensor of this shape.
    case tensor(TensorShape)
    /// A list whose items are these operands (`ops.concatenate([a, b])`).
    case list([Operand])
    /// A constant.
    case constant(OperationArgument)

    /// The shape of a tensor, of a number (rank 0) or of a constant array.
    public var shape: TensorShape? {
        switch self {
        case .tensor(let shape): return shape
        case .constant(.constant(let shape, _, _, _)): return TensorShape(shape.map { $0 })
        case .constant(let value) where value.number != nil: return TensorShape([])
        case .constant(.list(let items)) where items.allSatisfy({ $0.number != nil }):
            return TensorShape([items.count])
        default: return nil
        }
    }
}

/// The typed config of one call of a Keras operation: the config Keras writes (`name` and the
/// operation's own fields, such as `axis` and `keepdims`) and the call's arguments, where Keras
/// keeps its constants (`args` of `x + 3.0` is `[.tensor, 3.0]`).
///
/// Keras makes one operation object per call, so each is called once. All fields but `name`
/// are `OperationArgument`s, as Python passes them; each kind has only the fields its
/// `parameters` list, the others stay `nil`.
public struct OperationConfig<Kind: OperationKind>: LayerConfig, SwiftSpelledConfig {
    public static var className: String { Kind.className }
    public static var module: String { Kind.module }
    public static var registeredName: String? { Kind.className }
    public static var ignoredKeys: [String: JSONValue] { Kind.ignoredKeys }
    package static var spelledTypeName: String { "OperationConfig<Ops.\(swiftKindName)>" }
    package static var spelledRuntimeTypeName: String { "Operation<Ops.\(swiftKindName)>" }
    /// The kind's name in `Ops`, in backticks where it is a Swift keyword (`Any`).
    static var swiftKindName: String { Kind.className == "Any" ? "`Any`" : Kind.className }
    public static var inputArity: InputArity { .atLeast(1) }

    /// The operation's Keras name.
    public var name: String
    /// The axis or axes (reductions, `softmax`, `concatenate`, `expand_dims`, …).
    public var axis: OperationArgument
    /// Whether reduced axes are kept with size 1.
    public var keepdims: OperationArgument
    /// The starting value of `max` and `min`; only `None`.
    public var initial: OperationArgument
    /// The new shape of `reshape`, batch axis included.
    public var newshape: OperationArgument
    /// The permutation of `transpose` (`None` reverses the axes).
    public var axes: OperationArgument
    /// The dtype of `cast`.
    public var dtype: OperationArgument
    /// The lower bound of `clip`.
    public var xMin: OperationArgument
    /// The upper bound of `clip`.
    public var xMax: OperationArgument
    /// The slope of `leaky_relu` below zero.
    public var negativeSlope: OperationArgument
    /// The `alpha` of `elu`.
    public var alpha: OperationArgument
    /// Whether `gelu` uses its tanh approximation.
    public var approximate: OperationArgument
    /// The call's positional arguments (Keras's `args`), tensors as `.tensor`.
    public var call: [OperationArgument]

    /// A config; fields not given take Keras's defaults for `Kind`.
    public init(
        name: String, axis: OperationArgument? = nil, keepdims: OperationArgument? = nil,
        initial: OperationArgument? = nil, newshape: OperationArgument? = nil, axes: OperationArgument? = nil,
        dtype: OperationArgument? = nil, xMin: OperationArgument? = nil, xMax: OperationArgument? = nil,
        negativeSlope: OperationArgument? = nil, alpha: OperationArgument? = nil,
        approximate: OperationArgument? = nil, call: [OperationArgument] = [.tensor]
    ) {
        func value(_ key: String, _ given: OperationArgument?) -> OperationArgument {
            given ?? Kind.parameters.first { $0.key == key }?.value ?? .none
        }
        self.name = name
        self.axis = value("axis", axis)
        self.keepdims = value("keepdims", keepdims)
        self.initial = value("initial", initial)
        self.newshape = value("newshape", newshape)
        self.axes = value("axes", axes)
        self.dtype = value("dtype", dtype)
        self.xMin = value("x_min", xMin)
        self.xMax = value("x_max", xMax)
        self.negativeSlope = value("negative_slope", negativeSlope)
        self.alpha = value("alpha", alpha)
        self.approximate = value("approximate", approximate)
        self.call = call
    }

    public static var template: Self { Self(name: Naming.snakeCase(Kind.className)) }

    public static var fields: [ConfigField<Self>] {
        func field(_ key: String) -> ConfigField<Self> {
            switch key {
            case "axis": ConfigField(key, \.axis)
            case "keepdims": ConfigField(key, \.keepdims)
            case "initial": ConfigField(key, \.initial)
            case "newshape": ConfigField(key, \.newshape)
            case "axes": ConfigField(key, \.axes)
            case "dtype": ConfigField(key, \.dtype)
            case "x_min": ConfigField(key, \.xMin)
            case "x_max": ConfigField(key, \.xMax)
            case "negative_slope": ConfigField(key, \.negativeSlope)
            case "alpha": ConfigField(key, \.alpha)
            case "approximate": ConfigField(key, \.approximate)
            default: preconditionFailure("\(Kind.className): no field '\(key)'")
            }
        }
        return [ConfigField("name", \.name, required: true)]
            + Kind.parameters.map { field($0.key) }
            + [ConfigField(OperationCall.key, \.call, required: true)]
    }

    /// The call's top-level arguments, with the shapes of `inputs` (in call order) for its tensors.
    public func operands(_ inputs: [TensorShape]) -> [Operand] {
        var next = 0
        func operand(_ argument: OperationArgument) -> Operand {
            switch argument {
            case .tensor:
                defer { next += 1 }
                return .tensor(next < inputs.count ? inputs[next] : TensorShape([]))
            case .list(let items) where argument.tensorCount > 0: return .list(items.map(operand))
            default: return .constant(argument)
            }
        }
        return call.map(operand)
    }

    public func validate() throws {
        guard call.contains(where: { $0.tensorCount > 0 }) else {
            throw ConfigFieldError(field: OperationCall.key, "an operation's call needs a tensor argument")
        }
    }

    public func outputShape(forInputs inputs: [TensorShape]) throws -> TensorShape {
        let count = call.reduce(0) { $0 + $1.tensorCount }
        guard inputs.count == count else {
            throw ShapeError(
                "\(Kind.className) '\(name)' takes \(count) tensor\(count == 1 ? "" : "s"), got \(inputs.count)")
        }
        return try Kind.outputShape(self, operands: operands(inputs))
    }
}

/// How an operation's call travels with its config (see `OperationConfig.call`).
public enum OperationCall {
    /// The key of the call's arguments in an operation's encoded config.
    public static let key = "__call__"
}

/// An operation config of any kind.
public protocol AnyOperationConfig: LayerConfig {
    /// The call's positional arguments, tensors as `.tensor`.
    var call: [OperationArgument] { get set }
}

extension OperationConfig: AnyOperationConfig {}

/// Whether a layer entry of a spec is a Keras operation rather than a layer: Keras writes
/// operations with their own module (`keras.src.ops.numpy`) and registered name.
public enum Operations {
    /// Whether `module` is one of Keras's operation modules.
    public static func isOperationModule(_ module: String?) -> Bool {
        guard let module else { return false }
        return module.hasPrefix("keras.src.ops.") || module.hasPrefix("keras.ops.") || module == "keras.ops"
    }

    /// Every supported operation, by Keras class name.
    public static let kinds: [String: LayerKind] = Dictionary(
        uniqueKeysWithValues: Ops.all.map { ($0.className, $0.layerKind) })
}

extension OperationKind {
    public static var ignoredKeys: [String: JSONValue] { [:] }

    /// The registry entry of the operation.
    static var layerKind: LayerKind {
        LayerKind(configType: OperationConfig<Self>.self, family: "Operations", summary: summary)
    }
}
