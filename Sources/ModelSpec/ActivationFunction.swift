/// An activation function by its Keras 3 name, as a layer's `activation` config holds it.
public enum ActivationFunction: String, CaseIterable, ConfigValue, SwiftExpressible {
    /// The identity: no activation.
    case linear
    /// `max(x, 0)`.
    case relu
    /// `min(max(x, 0), 6)`.
    case relu6
    /// `leaky_relu` with Keras's default negative slope 0.2.
    case leakyRelu = "leaky_relu"
    /// `elu` with alpha 1.
    case elu
    /// Scaled ELU with Keras's self-normalizing constants.
    case selu
    /// Exact GELU, `0.5·x·(1 + erf(x/√2))`: Keras's `"gelu"`.
    case gelu
    /// GELU's tanh approximation. A Keras config string cannot carry `approximate=True`; this
    /// is the function KerasHub registers as `keras_hub>gelu_approximate`.
    case geluApproximate = "gelu_approximate"
    /// `1 / (1 + exp(-x))`.
    case sigmoid
    /// `relu6(x + 3) / 6`, Keras 3's definition.
    case hardSigmoid = "hard_sigmoid"
    /// `x · hard_sigmoid(x)`; Keras also calls it `hard_swish`.
    case hardSilu = "hard_silu"
    /// `x · sigmoid(x)`; Keras also calls it `swish`.
    case silu
    /// `x · tanh(softplus(x))`.
    case mish
    /// The hyperbolic tangent.
    case tanh
    /// Softmax over the last axis.
    case softmax
    /// Log-softmax over the last axis.
    case logSoftmax = "log_softmax"
    /// `log(1 + exp(x))`.
    case softplus
    /// `x / (1 + |x|)`.
    case softsign
    /// `exp(x)`.
    case exponential
    /// `celu` with alpha 1.
    case celu
    /// `x` clipped to [-1, 1].
    case hardTanh = "hard_tanh"
    /// `hard_shrink` with threshold 0.5.
    case hardShrink = "hard_shrink"
    /// `soft_shrink` with threshold 0.5.
    case softShrink = "soft_shrink"
    /// `log(sigmoid(x))`.
    case logSigmoid = "log_sigmoid"
    /// 0 below -1, `x` above 1, `(x + 1)² / 4` between.
    case sparsePlus = "sparse_plus"
    /// `squareplus` with b = 4.
    case squareplus
    /// `x - tanh(x)`.
    case tanhShrink = "tanh_shrink"
    /// 0 below -1, 1 above 1, `(x + 1) / 2` between.
    case sparseSigmoid = "sparse_sigmoid"
    /// Sparsemax over the last axis.
    case sparsemax

    /// Other names Keras accepts for the same functions.
    public static let aliases: [String: ActivationFunction] = [
        "swish": .silu, "hard_swish": .hardSilu, "keras_hub>gelu_approximate": .geluApproximate,
    ]

    /// Names Keras knows that have no meaning as a layer's activation string.
    static let unsupported: [String: String] = [
        "glu": "it halves the last axis, which a layer's activation cannot do here",
        "threshold": "it needs `threshold` and `default_value` arguments, which an activation string cannot give",
    ]

    /// The function Keras means by `name`, accepting its aliases.
    public init?(kerasName name: String) {
        if let value = ActivationFunction(rawValue: name) ?? Self.aliases[name] {
            self = value
        } else {
            return nil
        }
    }

    /// A warning when applying the function over a last axis of `size` is a likely mistake.
    public func warning(lastAxis size: Int?) -> String? {
        guard isAxisWise, size == 1 else { return nil }
        return
            "activation '\(rawValue)' over a last axis of size 1 always gives \(self == .logSoftmax ? "0" : "1"); "
            + "for one unit, 'sigmoid' is the usual choice"
    }

    /// Whether it works across the last axis rather than element by element.
    public var isAxisWise: Bool { self == .softmax || self == .logSoftmax || self == .sparsemax }

    package var swiftExpression: String {
        "." + ConfigField<Never>.label(forKey: rawValue)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .linear  // Keras: activation=None means linear.
            return
        }
        let name: String
        if let text = try? container.decode(String.self) {
            name = text
        } else {
            // The serialized-function form: {"class_name": "function", "config": NAME, ...}.
            let object = try container.decode(JSONValue.self)
            guard object["class_name"]?.value.stringValue == "function",
                let configName = object["config"]?.value.stringValue
            else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an activation name or a serialized Keras function")
            }
            name = configName
        }
        if let value = ActivationFunction(kerasName: name) {
            self = value
        } else if let reason = Self.unsupported[name] {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "activation '\(name)' is not supported: \(reason)")
        } else {
            let known = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown activation '\(name)'; Keras 3 names supported: \(known)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if self == .geluApproximate {
            // How Keras writes a registered function (KerasHub's `gelu_approximate`).
            try container.encode(
                JSONValue.object([
                    JSONMember(key: "module", value: JSONNode(.string("builtins"))),
                    JSONMember(key: "class_name", value: JSONNode(.string("function"))),
                    JSONMember(key: "config", value: JSONNode(.string("keras_hub>gelu_approximate"))),
                    JSONMember(key: "registered_name", value: JSONNode(.string("function"))),
                ]))
        } else {
            try container.encode(rawValue)
        }
    }
}
