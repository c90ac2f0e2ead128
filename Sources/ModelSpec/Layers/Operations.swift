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
    /// The registry entry of the operation.
    static var layerKind: LayerKind {
        LayerKind(configType: OperationConfig<Self>.self, family: "Operations", summary: summary)
    }
}

// MARK: - Shape rules

/// Shape rules operations share.
public enum OperationShapes {
    /// NumPy's broadcasting: shapes aligned at the right, size 1 stretches; an unknown size
    /// stays unknown unless the other is known and not 1.
    public static func broadcast(_ shapes: [TensorShape], operation: String) throws -> TensorShape {
        let rank = shapes.map(\.rank).max() ?? 0
        var out = [Int?](repeating: 1, count: rank)
        for shape in shapes {
            let offset = rank - shape.rank
            for (axis, size) in shape.dimensions.enumerated() {
                let current = out[offset + axis]
                switch (current, size) {
                case (1, _): out[offset + axis] = size
                case (_, 1): break
                case (nil, let size?): out[offset + axis] = size
                case (_, nil): break
                case (let a?, let b?):
                    guard a == b else {
                        throw ShapeError(
                            "\(operation) cannot broadcast shapes "
                                + "\(shapes.map(\.description).joined(separator: " and "))"
                        )
                    }
                }
            }
        }
        return TensorShape(out)
    }

    /// `axis` of a rank-`rank` tensor as a non-negative index, or an error.
    public static func axis(_ axis: Int, rank: Int, operation: String) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0, resolved < rank else {
            throw ShapeError("\(operation): axis \(axis) is out of range for rank \(rank)")
        }
        return resolved
    }

    /// The axes an `axis` argument names (every axis for `None`), each once, sorted.
    public static func axes(_ argument: OperationArgument, rank: Int, operation: String) throws -> [Int] {
        if argument == .none { return Array(0..<rank) }
        guard let values = argument.ints else {
            throw ShapeError("\(operation): 'axis' must be an integer, a list of integers or None")
        }
        let axes = try values.map { try axis($0, rank: rank, operation: operation) }
        guard Set(axes).count == axes.count else { throw ShapeError("\(operation): repeated axis in \(values)") }
        return axes.sorted()
    }

    /// The single tensor operand of a one-tensor operation.
    static func single(_ operands: [Operand], _ operation: String) throws -> TensorShape {
        guard let first = operands.first, case .tensor(let shape) = first else {
            throw ShapeError("\(operation) takes a tensor as its first argument")
        }
        return shape
    }
}

/// An element-wise operation on tensors and numbers, broadcast as NumPy does.
public protocol ElementwiseOperation: OperationKind {
    /// How many operands a call takes.
    static var arity: Int { get }
}

extension ElementwiseOperation {
    public static var parameters: KeyValuePairs<String, OperationArgument> { [:] }
    public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
        guard operands.count == arity else {
            throw ShapeError("\(className) takes \(arity) argument\(arity == 1 ? "" : "s"), got \(operands.count)")
        }
        var shapes: [TensorShape] = []
        for operand in operands {
            guard let shape = operand.shape else {
                throw ShapeError("\(className): unsupported operand \(operand); expected tensors and numbers")
            }
            shapes.append(shape)
        }
        return try OperationShapes.broadcast(shapes, operation: className)
    }
}

/// An element-wise operation with parameters (`clip`, `leaky_relu`, `softmax` over `axis`, …):
/// one tensor in, the same shape out.
public protocol ShapePreservingOperation: OperationKind {}

extension ShapePreservingOperation {
    public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
        guard operands.count == 1 else { throw ShapeError("\(className) takes one argument, got \(operands.count)") }
        let shape = try OperationShapes.single(operands, className)
        if parameters.contains(where: { $0.key == "axis" }) {
            guard let axis = config.axis.int else { throw ShapeError("\(className): 'axis' must be an integer") }
            _ = try OperationShapes.axis(axis, rank: shape.rank, operation: className)
        }
        return shape
    }
}

/// A reduction over `axis` (`None`: every axis), keeping reduced axes with `keepdims`.
public protocol ReductionOperation: OperationKind {}

extension ReductionOperation {
    public static var parameters: KeyValuePairs<String, OperationArgument> { ["axis": nil, "keepdims": false] }
    public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
        guard operands.count == 1 else { throw ShapeError("\(className) takes one argument, got \(operands.count)") }
        let shape = try OperationShapes.single(operands, className)
        if config.initial != .none { throw ShapeError("\(className): 'initial' is not supported (only None)") }
        let axes = try OperationShapes.axes(config.axis, rank: shape.rank, operation: className)
        guard case .bool(let keep) = config.keepdims else {
            throw ShapeError("\(className): 'keepdims' must be a boolean")
        }
        var out: [Int?] = []
        for (index, size) in shape.dimensions.enumerated() {
            if axes.contains(index) {
                if keep { out.append(1) }
            } else {
                out.append(size)
            }
        }
        return TensorShape(out)
    }
}

/// The operations, one caseless type each; the runtime gives each its computation.
public enum Ops {
    /// Every supported operation.
    static let all: [any OperationKind.Type] = [
        Add.self, Subtract.self, Multiply.self, TrueDivide.self, Divide.self, FloorDivide.self, Mod.self, Power.self,
        Maximum.self, Minimum.self, Equal.self, NotEqual.self, Greater.self, GreaterEqual.self, Less.self,
        LessEqual.self, LogicalAnd.self, LogicalOr.self, LogicalXor.self, Where.self, Negative.self, Absolute.self,
        Square.self, Sqrt.self, Rsqrt.self, Exp.self, Expm1.self, Log.self, Log1p.self, Sign.self, Floor.self,
        Ceil.self, Reciprocal.self, Erf.self, LogicalNot.self, Sin.self, Cos.self, Tanh.self, Relu.self, Relu6.self,
        Sigmoid.self, Silu.self, HardSigmoid.self, HardSilu.self, Softplus.self, Softsign.self, Selu.self, Gelu.self,
        LeakyRelu.self, Elu.self, Clip.self, Softmax.self, LogSoftmax.self, Cast.self, Mean.self, Sum.self, Max.self,
        Min.self, Prod.self, `Any`.self, Argmax.self, Argmin.self, ZerosLike.self, OnesLike.self, Reshape.self,
        Transpose.self, ExpandDims.self, Squeeze.self,
        Concatenate.self, Stack.self, GetItem.self, Matmul.self,
    ]

    /// `keras.ops`' `Add`: `x1 + x2`, broadcast.
    public enum Add: ElementwiseOperation {
        public static let className = "Add", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "`x1 + x2`, broadcast."
    }
    /// `keras.ops`' `Subtract`: `x1 - x2`, broadcast.
    public enum Subtract: ElementwiseOperation {
        public static let className = "Subtract", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "`x1 - x2`, broadcast."
    }
    /// `keras.ops`' `Multiply`: `x1 * x2`, broadcast.
    public enum Multiply: ElementwiseOperation {
        public static let className = "Multiply", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "`x1 * x2`, broadcast."
    }
    /// `keras.ops`' `TrueDivide`: `x1 / x2`, broadcast.
    public enum TrueDivide: ElementwiseOperation {
        public static let className = "TrueDivide", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "`x1 / x2`, broadcast."
    }
    /// `keras.ops`' `Divide`: `x1 / x2`, broadcast.
    public enum Divide: ElementwiseOperation {
        public static let className = "Divide", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "`x1 / x2`, broadcast."
    }
    /// `keras.ops`' `FloorDivide`: `x1 // x2`, broadcast.
    public enum FloorDivide: ElementwiseOperation {
        public static let className = "FloorDivide", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "`x1 // x2`, broadcast."
    }
    /// `keras.ops`' `Mod`: `x1 % x2` (Python's sign rule), broadcast.
    public enum Mod: ElementwiseOperation {
        public static let className = "Mod", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "`x1 % x2` (Python's sign rule), broadcast."
    }
    /// `keras.ops`' `Power`: `x1 ** x2`, broadcast.
    public enum Power: ElementwiseOperation {
        public static let className = "Power", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "`x1 ** x2`, broadcast."
    }
    /// `keras.ops`' `Maximum`: Element-wise maximum, broadcast.
    public enum Maximum: ElementwiseOperation {
        public static let className = "Maximum", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "Element-wise maximum, broadcast."
    }
    /// `keras.ops`' `Minimum`: Element-wise minimum, broadcast.
    public enum Minimum: ElementwiseOperation {
        public static let className = "Minimum", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "Element-wise minimum, broadcast."
    }
    /// `keras.ops`' `Equal`: `x1 == x2` (1 or 0), broadcast.
    public enum Equal: ElementwiseOperation {
        public static let className = "Equal", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "`x1 == x2` (1 or 0), broadcast."
    }
    /// `keras.ops`' `NotEqual`: `x1 != x2` (1 or 0), broadcast.
    public enum NotEqual: ElementwiseOperation {
        public static let className = "NotEqual", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "`x1 != x2` (1 or 0), broadcast."
    }
    /// `keras.ops`' `Greater`: `x1 > x2` (1 or 0), broadcast.
    public enum Greater: ElementwiseOperation {
        public static let className = "Greater", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "`x1 > x2` (1 or 0), broadcast."
    }
    /// `keras.ops`' `GreaterEqual`: `x1 >= x2` (1 or 0), broadcast.
    public enum GreaterEqual: ElementwiseOperation {
        public static let className = "GreaterEqual", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "`x1 >= x2` (1 or 0), broadcast."
    }
    /// `keras.ops`' `Less`: `x1 < x2` (1 or 0), broadcast.
    public enum Less: ElementwiseOperation {
        public static let className = "Less", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "`x1 < x2` (1 or 0), broadcast."
    }
    /// `keras.ops`' `LessEqual`: `x1 <= x2` (1 or 0), broadcast.
    public enum LessEqual: ElementwiseOperation {
        public static let className = "LessEqual", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "`x1 <= x2` (1 or 0), broadcast."
    }
    /// `keras.ops`' `LogicalAnd`: Both non-zero (1 or 0), broadcast.
    public enum LogicalAnd: ElementwiseOperation {
        public static let className = "LogicalAnd", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "Both non-zero (1 or 0), broadcast."
    }
    /// `keras.ops`' `LogicalOr`: Either non-zero (1 or 0), broadcast.
    public enum LogicalOr: ElementwiseOperation {
        public static let className = "LogicalOr", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "Either non-zero (1 or 0), broadcast."
    }
    /// `keras.ops`' `LogicalXor`: Exactly one non-zero (1 or 0), broadcast.
    public enum LogicalXor: ElementwiseOperation {
        public static let className = "LogicalXor", module = "keras.src.ops.numpy", arity = 2
        public static let summary = "Exactly one non-zero (1 or 0), broadcast."
    }
    /// `keras.ops`' `Where`: `x1` where `condition` is non-zero, else `x2`, broadcast.
    public enum Where: ElementwiseOperation {
        public static let className = "Where", module = "keras.src.ops.numpy", arity = 3
        public static let summary = "`x1` where `condition` is non-zero, else `x2`, broadcast."
    }
    /// `keras.ops`' `Negative`: `-x`.
    public enum Negative: ElementwiseOperation {
        public static let className = "Negative", module = "keras.src.ops.numpy", arity = 1
        public static let summary = "`-x`."
    }
    /// `keras.ops`' `Absolute`: `abs(x)`.
    public enum Absolute: ElementwiseOperation {
        public static let className = "Absolute", module = "keras.src.ops.numpy", arity = 1
        public static let summary = "`abs(x)`."
    }
    /// `keras.ops`' `Square`: `x * x`.
    public enum Square: ElementwiseOperation {
        public static let className = "Square", module = "keras.src.ops.numpy", arity = 1
        public static let summary = "`x * x`."
    }
    /// `keras.ops`' `Sqrt`: Square root.
    public enum Sqrt: ElementwiseOperation {
        public static let className = "Sqrt", module = "keras.src.ops.numpy", arity = 1
        public static let summary = "Square root."
    }
    /// `keras.ops`' `Rsqrt`: `1 / sqrt(x)`.
    public enum Rsqrt: ElementwiseOperation {
        public static let className = "Rsqrt", module = "keras.src.ops.math", arity = 1
        public static let summary = "`1 / sqrt(x)`."
    }
    /// `keras.ops`' `Exp`: `e ** x`.
    public enum Exp: ElementwiseOperation {
        public static let className = "Exp", module = "keras.src.ops.numpy", arity = 1
        public static let summary = "`e ** x`."
    }
    /// `keras.ops`' `Expm1`: `e ** x - 1`.
    public enum Expm1: ElementwiseOperation {
        public static let className = "Expm1", module = "keras.src.ops.numpy", arity = 1
        public static let summary = "`e ** x - 1`."
    }
    /// `keras.ops`' `Log`: Natural logarithm.
    public enum Log: ElementwiseOperation {
        public static let className = "Log", module = "keras.src.ops.numpy", arity = 1
        public static let summary = "Natural logarithm."
    }
    /// `keras.ops`' `Log1p`: `log(1 + x)`.
    public enum Log1p: ElementwiseOperation {
        public static let className = "Log1p", module = "keras.src.ops.numpy", arity = 1
        public static let summary = "`log(1 + x)`."
    }
    /// `keras.ops`' `Sign`: -1, 0 or 1.
    public enum Sign: ElementwiseOperation {
        public static let className = "Sign", module = "keras.src.ops.numpy", arity = 1
        public static let summary = "-1, 0 or 1."
    }
    /// `keras.ops`' `Floor`: Rounded down.
    public enum Floor: ElementwiseOperation {
        public static let className = "Floor", module = "keras.src.ops.numpy", arity = 1
        public static let summary = "Rounded down."
    }
    /// `keras.ops`' `Ceil`: Rounded up.
    public enum Ceil: ElementwiseOperation {
        public static let className = "Ceil", module = "keras.src.ops.numpy", arity = 1
        public static let summary = "Rounded up."
    }
    /// `keras.ops`' `Reciprocal`: `1 / x`.
    public enum Reciprocal: ElementwiseOperation {
        public static let className = "Reciprocal", module = "keras.src.ops.numpy", arity = 1
        public static let summary = "`1 / x`."
    }
    /// `keras.ops`' `Erf`: The error function.
    public enum Erf: ElementwiseOperation {
        public static let className = "Erf", module = "keras.src.ops.math", arity = 1
        public static let summary = "The error function."
    }
    /// `keras.ops`' `LogicalNot`: Zero (1 or 0).
    public enum LogicalNot: ElementwiseOperation {
        public static let className = "LogicalNot", module = "keras.src.ops.numpy", arity = 1
        public static let summary = "Zero (1 or 0)."
    }
    /// `keras.ops`' `Sin`: Sine.
    public enum Sin: ElementwiseOperation {
        public static let className = "Sin", module = "keras.src.ops.numpy", arity = 1
        public static let summary = "Sine."
    }
    /// `keras.ops`' `Cos`: Cosine.
    public enum Cos: ElementwiseOperation {
        public static let className = "Cos", module = "keras.src.ops.numpy", arity = 1
        public static let summary = "Cosine."
    }
    /// `keras.ops`' `Tanh`: Hyperbolic tangent.
    public enum Tanh: ElementwiseOperation {
        public static let className = "Tanh", module = "keras.src.ops.numpy", arity = 1
        public static let summary = "Hyperbolic tangent."
    }
    /// `keras.ops`' `Relu`: `max(x, 0)`.
    public enum Relu: ElementwiseOperation {
        public static let className = "Relu", module = "keras.src.ops.nn", arity = 1
        public static let summary = "`max(x, 0)`."
    }
    /// `keras.ops`' `Relu6`: `min(max(x, 0), 6)`.
    public enum Relu6: ElementwiseOperation {
        public static let className = "Relu6", module = "keras.src.ops.nn", arity = 1
        public static let summary = "`min(max(x, 0), 6)`."
    }
    /// `keras.ops`' `Sigmoid`: `1 / (1 + e ** -x)`.
    public enum Sigmoid: ElementwiseOperation {
        public static let className = "Sigmoid", module = "keras.src.ops.nn", arity = 1
        public static let summary = "`1 / (1 + e ** -x)`."
    }
    /// `keras.ops`' `Silu`: `x * sigmoid(x)` (`ops.swish` too).
    public enum Silu: ElementwiseOperation {
        public static let className = "Silu", module = "keras.src.ops.nn", arity = 1
        public static let summary = "`x * sigmoid(x)` (`ops.swish` too)."
    }
    /// `keras.ops`' `HardSigmoid`: `relu6(x + 3) / 6`.
    public enum HardSigmoid: ElementwiseOperation {
        public static let className = "HardSigmoid", module = "keras.src.ops.nn", arity = 1
        public static let summary = "`relu6(x + 3) / 6`."
    }
    /// `keras.ops`' `HardSilu`: `x * hard_sigmoid(x)` (`ops.hard_swish` too).
    public enum HardSilu: ElementwiseOperation {
        public static let className = "HardSilu", module = "keras.src.ops.nn", arity = 1
        public static let summary = "`x * hard_sigmoid(x)` (`ops.hard_swish` too)."
    }
    /// `keras.ops`' `Softplus`: `log(1 + e ** x)`.
    public enum Softplus: ElementwiseOperation {
        public static let className = "Softplus", module = "keras.src.ops.nn", arity = 1
        public static let summary = "`log(1 + e ** x)`."
    }
    /// `keras.ops`' `Softsign`: `x / (1 + abs(x))`.
    public enum Softsign: ElementwiseOperation {
        public static let className = "Softsign", module = "keras.src.ops.nn", arity = 1
        public static let summary = "`x / (1 + abs(x))`."
    }
    /// `keras.ops`' `Selu`: Scaled ELU.
    public enum Selu: ElementwiseOperation {
        public static let className = "Selu", module = "keras.src.ops.nn", arity = 1
        public static let summary = "Scaled ELU."
    }
    /// `keras.ops`' `zeros_like`: zeros of the input's shape.
    public enum ZerosLike: ShapePreservingOperation {
        public static let className = "ZerosLike", module = "keras.src.ops.numpy"
        public static let summary = "Zeros of the input's shape."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["dtype": nil] }
    }
    /// `keras.ops`' `ones_like`: ones of the input's shape.
    public enum OnesLike: ShapePreservingOperation {
        public static let className = "OnesLike", module = "keras.src.ops.numpy"
        public static let summary = "Ones of the input's shape."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["dtype": nil] }
    }
    /// `keras.ops`' `Gelu`: GELU, exact or (Keras's default for the operation) tanh-approximated.
    public enum Gelu: ShapePreservingOperation {
        public static let className = "Gelu", module = "keras.src.ops.nn"
        public static let summary = "GELU, exact or (Keras's default for the operation) tanh-approximated."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["approximate": true] }
    }
    /// `keras.ops`' `LeakyRelu`: `x` above zero, `negative_slope * x` below.
    public enum LeakyRelu: ShapePreservingOperation {
        public static let className = "LeakyRelu", module = "keras.src.ops.nn"
        public static let summary = "`x` above zero, `negative_slope * x` below."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["negative_slope": 0.2] }
    }
    /// `keras.ops`' `Elu`: `x` above zero, `alpha * (e ** x - 1)` below.
    public enum Elu: ShapePreservingOperation {
        public static let className = "Elu", module = "keras.src.ops.nn"
        public static let summary = "`x` above zero, `alpha * (e ** x - 1)` below."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["alpha": 1.0] }
    }
    /// `keras.ops`' `Clip`: `x` clipped to `[x_min, x_max]`.
    public enum Clip: ShapePreservingOperation {
        public static let className = "Clip", module = "keras.src.ops.numpy"
        public static let summary = "`x` clipped to `[x_min, x_max]`."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["x_min": nil, "x_max": nil] }
    }
    /// `keras.ops`' `Softmax`: Softmax over `axis`.
    public enum Softmax: ShapePreservingOperation {
        public static let className = "Softmax", module = "keras.src.ops.nn"
        public static let summary = "Softmax over `axis`."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["axis": -1] }
    }
    /// `keras.ops`' `LogSoftmax`: Log-softmax over `axis`.
    public enum LogSoftmax: ShapePreservingOperation {
        public static let className = "LogSoftmax", module = "keras.src.ops.nn"
        public static let summary = "Log-softmax over `axis`."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["axis": -1] }
    }
    /// `keras.ops`' `Cast`: To `dtype`: floats unchanged, integers truncated toward zero, bool as 1 or 0.
    public enum Cast: ShapePreservingOperation {
        public static let className = "Cast", module = "keras.src.ops.core"
        public static let summary = "To `dtype`: floats unchanged, integers truncated toward zero, bool as 1 or 0."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["dtype": nil] }
    }
    /// `keras.ops`' `Mean`: Mean over `axis`, `keepdims`.
    public enum Mean: ReductionOperation {
        public static let className = "Mean", module = "keras.src.ops.numpy"
        public static let summary = "Mean over `axis`, `keepdims`."
    }
    /// `keras.ops`' `Sum`: Sum over `axis`, `keepdims`.
    public enum Sum: ReductionOperation {
        public static let className = "Sum", module = "keras.src.ops.numpy"
        public static let summary = "Sum over `axis`, `keepdims`."
    }
    /// `keras.ops`' `Max`: Maximum over `axis`, `keepdims`.
    public enum Max: ReductionOperation {
        public static let className = "Max", module = "keras.src.ops.numpy"
        public static let summary = "Maximum over `axis`, `keepdims`."
        public static var parameters: KeyValuePairs<String, OperationArgument> {
            ["axis": nil, "keepdims": false, "initial": nil]
        }
    }
    /// `keras.ops`' `Min`: Minimum over `axis`, `keepdims`.
    public enum Min: ReductionOperation {
        public static let className = "Min", module = "keras.src.ops.numpy"
        public static let summary = "Minimum over `axis`, `keepdims`."
        public static var parameters: KeyValuePairs<String, OperationArgument> {
            ["axis": nil, "keepdims": false, "initial": nil]
        }
    }
    /// `keras.ops`' `Prod`: Product over `axis`, `keepdims`.
    public enum Prod: ReductionOperation {
        public static let className = "Prod", module = "keras.src.ops.numpy"
        public static let summary = "Product over `axis`, `keepdims`."
        public static var parameters: KeyValuePairs<String, OperationArgument> {
            ["axis": nil, "keepdims": false, "dtype": nil]
        }
    }
    /// `keras.ops`' `Any`: Whether any value over `axis` is nonzero (1 or 0), `keepdims`.
    public enum `Any`: ReductionOperation {
        public static let className = "Any", module = "keras.src.ops.numpy"
        public static let summary = "Whether any value over `axis` is nonzero (1 or 0), `keepdims`."
    }
    /// `keras.ops`' `Argmax`: Index of the maximum over `axis` (one axis or None), `keepdims`.
    public enum Argmax: ReductionOperation {
        public static let className = "Argmax", module = "keras.src.ops.numpy"
        public static let summary = "Index of the maximum over `axis` (one axis or None), `keepdims`."
    }
    /// `keras.ops`' `Argmin`: Index of the minimum over `axis` (one axis or None), `keepdims`.
    public enum Argmin: ReductionOperation {
        public static let className = "Argmin", module = "keras.src.ops.numpy"
        public static let summary = "Index of the minimum over `axis` (one axis or None), `keepdims`."
    }
}

// MARK: - Operations that move values

extension Ops {
    /// `keras.ops`' `reshape`: the values in a new shape, batch axis included (one size may be -1).
    public enum Reshape: OperationKind {
        public static let className = "Reshape", module = "keras.src.ops.numpy"
        public static let summary = "The values in `newshape`, batch axis included; one size may be -1."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["newshape": nil] }
        public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
            let input = try OperationShapes.single(operands, className)
            guard operands.count == 1, let sizes = config.newshape.ints ?? (config.newshape.int.map { [$0] }) else {
                throw ShapeError("Reshape: 'newshape' must be a list of integers")
            }
            guard sizes.allSatisfy({ $0 >= -1 }), sizes.filter({ $0 == -1 }).count <= 1 else {
                throw ShapeError("Reshape: 'newshape' \(sizes) has sizes below -1 or more than one -1")
            }
            let known = input.dimensions.allSatisfy { $0 != nil }
            let total = input.dimensions.reduce(1) { $0 * ($1 ?? 1) }
            let product = sizes.filter { $0 != -1 }.reduce(1, *)
            if known, sizes.contains(-1) ? (product == 0 || total % product != 0) : total != product {
                throw ShapeError("Reshape: cannot reshape \(input) into \(sizes)")
            }
            return TensorShape(sizes.map { $0 == -1 ? (known ? total / product : nil) : $0 })
        }
    }

    /// `keras.ops`' `transpose`: the axes permuted by `axes` (`None` reverses them).
    public enum Transpose: OperationKind {
        public static let className = "Transpose", module = "keras.src.ops.numpy"
        public static let summary = "Axes permuted by `axes` (None: reversed)."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["axes": nil] }
        public static func permutation(_ config: OperationConfig<Self>, rank: Int) throws -> [Int] {
            if config.axes == .none { return Array((0..<rank).reversed()) }
            guard let axes = config.axes.ints, axes.count == rank else {
                throw ShapeError("Transpose: 'axes' must list each of the \(rank) axes once")
            }
            let resolved = try axes.map { try OperationShapes.axis($0, rank: rank, operation: className) }
            guard Set(resolved).count == rank else { throw ShapeError("Transpose: 'axes' \(axes) repeats an axis") }
            return resolved
        }
        public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
            let input = try OperationShapes.single(operands, className)
            return TensorShape(try permutation(config, rank: input.rank).map { input.dimensions[$0] })
        }
    }

    /// `keras.ops`' `expand_dims`: axes of size 1 inserted at `axis`.
    public enum ExpandDims: OperationKind {
        public static let className = "ExpandDims", module = "keras.src.ops.numpy"
        public static let summary = "Axes of size 1 inserted at `axis`."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["axis": nil] }
        public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
            let input = try OperationShapes.single(operands, className)
            guard let values = config.axis.ints else {
                throw ShapeError("ExpandDims: 'axis' must be an integer or a list")
            }
            let rank = input.rank + values.count
            let axes = Set(try values.map { try OperationShapes.axis($0, rank: rank, operation: className) })
            guard axes.count == values.count else { throw ShapeError("ExpandDims: repeated axis in \(values)") }
            var sizes = input.dimensions.makeIterator()
            return TensorShape((0..<rank).map { axes.contains($0) ? 1 : sizes.next()! })
        }
    }

    /// `keras.ops`' `squeeze`: axes of size 1 removed (`axis`, or every one known to be 1).
    public enum Squeeze: OperationKind {
        public static let className = "Squeeze", module = "keras.src.ops.numpy"
        public static let summary = "Axes of size 1 removed (`axis`, or all)."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["axis": nil] }
        public static func squeezed(_ config: OperationConfig<Self>, _ input: TensorShape) throws -> Set<Int> {
            if config.axis == .none {
                return Set(input.dimensions.indices.filter { input.dimensions[$0] == 1 })
            }
            let axes = try OperationShapes.axes(config.axis, rank: input.rank, operation: className)
            for axis in axes where input.dimensions[axis] != 1 && input.dimensions[axis] != nil {
                throw ShapeError("Squeeze: axis \(axis) of \(input) is not of size 1")
            }
            return Set(axes)
        }
        public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
            let input = try OperationShapes.single(operands, className)
            let axes = try squeezed(config, input)
            return TensorShape(input.dimensions.indices.filter { !axes.contains($0) }.map { input.dimensions[$0] })
        }
    }

    /// `keras.ops`' `concatenate`: a list of tensors joined along `axis`.
    public enum Concatenate: OperationKind {
        public static let className = "Concatenate", module = "keras.src.ops.numpy"
        public static let summary = "A list of tensors joined along `axis`."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["axis": 0] }
        public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
            let shapes = try OperationShapes.tensorList(operands, className)
            guard let axisValue = config.axis.int else { throw ShapeError("Concatenate: 'axis' must be an integer") }
            let rank = shapes[0].rank
            guard shapes.allSatisfy({ $0.rank == rank }) else {
                throw ShapeError(
                    "Concatenate: the tensors \(shapes.map(\.description).joined(separator: ", ")) differ in rank")
            }
            let axis = try OperationShapes.axis(axisValue, rank: rank, operation: className)
            var out = shapes[0].dimensions
            for shape in shapes.dropFirst() {
                for index in 0..<rank where index != axis {
                    if let a = out[index], let b = shape.dimensions[index], a != b {
                        throw ShapeError(
                            "Concatenate: the tensors \(shapes.map(\.description).joined(separator: ", ")) differ "
                                + "off axis \(axisValue)"
                        )
                    }
                    out[index] = out[index] ?? shape.dimensions[index]
                }
                out[axis] = out[axis].flatMap { a in shape.dimensions[axis].map { a + $0 } }
            }
            return TensorShape(out)
        }
    }

    /// `keras.ops`' `stack`: a list of tensors of one shape stacked along a new `axis`.
    public enum Stack: OperationKind {
        public static let className = "Stack", module = "keras.src.ops.numpy"
        public static let summary = "A list of same-shape tensors stacked on a new `axis`."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["axis": 0] }
        public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
            let shapes = try OperationShapes.tensorList(operands, className)
            guard let axisValue = config.axis.int else { throw ShapeError("Stack: 'axis' must be an integer") }
            guard shapes.allSatisfy({ $0.isCompatible(with: shapes[0]) }) else {
                throw ShapeError(
                    "Stack: the tensors \(shapes.map(\.description).joined(separator: ", ")) differ in shape")
            }
            let axis = try OperationShapes.axis(axisValue, rank: shapes[0].rank + 1, operation: className)
            var out = shapes[0].dimensions
            out.insert(shapes.count, at: axis)
            return TensorShape(out)
        }
    }

    /// `keras.ops`' `matmul`: NumPy's matrix product, broadcasting the leading axes.
    public enum Matmul: OperationKind {
        public static let className = "Matmul", module = "keras.src.ops.numpy"
        public static let summary = "NumPy's matrix product; leading axes broadcast."
        public static var parameters: KeyValuePairs<String, OperationArgument> { [:] }
        public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
            guard operands.count == 2, let a = operands[0].shape, let b = operands[1].shape, a.rank >= 1, b.rank >= 1
            else {
                throw ShapeError("Matmul takes two tensors of rank 1 or more")
            }
            let left = a.rank == 1 ? TensorShape([1] + a.dimensions) : a
            let right = b.rank == 1 ? TensorShape(b.dimensions + [1]) : b
            let inner = (left.dimensions[left.rank - 1], right.dimensions[right.rank - 2])
            if let x = inner.0, let y = inner.1, x != y {
                throw ShapeError("Matmul: cannot multiply \(a) by \(b): inner sizes \(x) and \(y) differ")
            }
            let batch = try OperationShapes.broadcast(
                [TensorShape(Array(left.dimensions.dropLast(2))), TensorShape(Array(right.dimensions.dropLast(2)))],
                operation: className)
            var out = batch.dimensions
            if a.rank > 1 { out.append(left.dimensions[left.rank - 2]) }
            if b.rank > 1 { out.append(right.dimensions[right.rank - 1]) }
            return TensorShape(out)
        }
    }

    /// `keras.ops`' indexing, `x[...]`: integers, slices, `None` and `...` (NumPy's basic
    /// indexing); indexing by tensors is not supported.
    public enum GetItem: OperationKind {
        public static let className = "GetItem", module = "keras.src.ops.numpy"
        public static let summary = "`x[key]` with integers, slices, None and `...`."
        public static var parameters: KeyValuePairs<String, OperationArgument> { [:] }

        /// One index of a key, resolved against the input's axes.
        public enum Index: Sendable, Equatable {
            /// Take position `Int` of the next axis (negative from the end), dropping the axis.
            case position(Int)
            /// Keep the next axis, sliced.
            case slice(Int?, Int?, Int?)
            /// Insert an axis of size 1.
            case newAxis
        }

        /// The key's indices, with `...` expanded to full slices and trailing axes kept.
        public static func indices(_ config: OperationConfig<Self>, rank: Int) throws -> [Index] {
            guard config.call.count == 2 else { throw ShapeError("GetItem takes a tensor and a key") }
            let items: [OperationArgument]
            if case .list(let list) = config.call[1] { items = list } else { items = [config.call[1]] }
            var indices: [Index] = []
            var ellipsis: Int?
            for item in items {
                switch item {
                case .int(let value): indices.append(.position(value))
                case .slice(let start, let stop, let step):
                    if step == 0 { throw ShapeError("GetItem: a slice step cannot be zero") }
                    indices.append(.slice(start, stop, step))
                case .none: indices.append(.newAxis)
                case .ellipsis:
                    guard ellipsis == nil else { throw ShapeError("GetItem: an index can only have one '...'") }
                    ellipsis = indices.count
                default:
                    throw ShapeError(
                        "GetItem: unsupported index \(item.swiftExpression); supported: integers, slices, None and "
                            + "'...'"
                    )
                }
            }
            let consumed = indices.filter { $0 != .newAxis }.count
            guard consumed <= rank else { throw ShapeError("GetItem: too many indices (\(consumed)) for rank \(rank)") }
            let fill = [Index](repeating: .slice(nil, nil, nil), count: rank - consumed)
            indices.insert(contentsOf: fill, at: ellipsis ?? indices.count)
            return indices
        }

        /// Python's `slice.indices`: start, count and step over an axis of `size`.
        public static func range(_ start: Int?, _ stop: Int?, _ step: Int?, size: Int) -> (
            start: Int, count: Int, step: Int
        ) {
            let step = step ?? 1
            func clamp(_ value: Int?, _ fallback: Int, low: Int, high: Int) -> Int {
                guard var value else { return fallback }
                if value < 0 { value += size }
                return min(max(value, low), high)
            }
            let first: Int
            let last: Int
            if step > 0 {
                first = clamp(start, 0, low: 0, high: size)
                last = clamp(stop, size, low: 0, high: size)
                return (first, max(0, (last - first + step - 1) / step), step)
            }
            first = clamp(start, size - 1, low: -1, high: size - 1)
            last = clamp(stop, -1, low: -1, high: size - 1)
            return (first, max(0, (first - last - step - 1) / -step), step)
        }

        public static func outputShape(_ config: OperationConfig<Self>, operands: [Operand]) throws -> TensorShape {
            let input = try OperationShapes.single(operands, className)
            var axis = 0
            var out: [Int?] = []
            for index in try indices(config, rank: input.rank) {
                switch index {
                case .newAxis: out.append(1)
                case .position(let position):
                    if let size = input.dimensions[axis], position >= size || position < -size {
                        throw ShapeError("GetItem: index \(position) is out of range for axis \(axis) of size \(size)")
                    }
                    axis += 1
                case .slice(let start, let stop, let step):
                    out.append(input.dimensions[axis].map { range(start, stop, step, size: $0).count })
                    axis += 1
                }
            }
            return TensorShape(out)
        }
    }
}

extension OperationShapes {
    /// The shapes of a list-of-tensors operand (`ops.concatenate([a, b])`).
    static func tensorList(_ operands: [Operand], _ operation: String) throws -> [TensorShape] {
        guard operands.count == 1, case .list(let items) = operands[0] else {
            throw ShapeError("\(operation) takes one list of tensors")
        }
        var shapes: [TensorShape] = []
        for item in items {
            guard case .tensor(let shape) = item else { throw ShapeError("\(operation) takes a list of tensors only") }
            shapes.append(shape)
        }
        guard !shapes.isEmpty else { throw ShapeError("\(operation) needs at least one tensor") }
        return shapes
    }
}
