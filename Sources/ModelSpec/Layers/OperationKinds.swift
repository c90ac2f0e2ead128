// The operations on Keras tensors that compute values (Operations.swift): arithmetic,
// comparisons, element-wise functions, reductions; one caseless type each in `Ops`.

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
        Min.self, Prod.self, `Any`.self, Argmax.self, Argmin.self, ZerosLike.self, OnesLike.self, ConvertToTensor.self,
        Reshape.self,
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
    /// `keras.ops`' `ConvertToTensor`: the input, as `Cast` to `dtype` when one is given (Keras's
    /// `Attention.compute_mask` records one on the query mask it passes on).
    public enum ConvertToTensor: ShapePreservingOperation {
        public static let className = "ConvertToTensor", module = "keras.src.ops.core"
        public static let summary = "The input; to `dtype` as `Cast` when given; not `sparse` or `ragged`."
        public static var parameters: KeyValuePairs<String, OperationArgument> { ["dtype": nil] }
        public static var ignoredKeys: [String: JSONValue] { ["sparse": .bool(false), "ragged": .bool(false)] }
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
