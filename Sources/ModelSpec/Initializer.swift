/// A Keras 3 weight initializer with its config. `seed`, where Keras has one, fixes the values:
/// the same seeded initializer gives the same values for the same shape, as in Keras.
public enum Initializer: ConfigValue, SwiftExpressible {
    /// Uniform in ±√(6 / (fan_in + fan_out)).
    case glorotUniform(seed: Int? = nil)
    /// Truncated normal with variance 2 / (fan_in + fan_out).
    case glorotNormal(seed: Int? = nil)
    /// Uniform in ±√(6 / fan_in).
    case heUniform(seed: Int? = nil)
    /// Truncated normal with variance 2 / fan_in.
    case heNormal(seed: Int? = nil)
    /// Uniform in ±√(3 / fan_in).
    case lecunUniform(seed: Int? = nil)
    /// Truncated normal with variance 1 / fan_in.
    case lecunNormal(seed: Int? = nil)
    /// Variance `scale / fan` (by `mode`), drawn from `distribution`.
    case varianceScaling(
        scale: Double = 1, mode: FanMode = .fanIn, distribution: Distribution = .truncatedNormal, seed: Int? = nil)
    /// A normal distribution.
    case randomNormal(mean: Double = 0, stddev: Double = 0.05, seed: Int? = nil)
    /// A uniform distribution in [`minval`, `maxval`).
    case randomUniform(minval: Double = -0.05, maxval: Double = 0.05, seed: Int? = nil)
    /// A normal distribution cut at two standard deviations.
    case truncatedNormal(mean: Double = 0, stddev: Double = 0.05, seed: Int? = nil)
    /// An orthogonal matrix (of the flattened weight) times `gain`.
    case orthogonal(gain: Double = 1, seed: Int? = nil)
    /// `gain` times the identity matrix (2-D weights only).
    case identity(gain: Double = 1)
    /// All zeros.
    case zeros
    /// All ones.
    case ones
    /// Every value equal to `value`.
    case constant(value: Double = 0)

    /// Which fan `VarianceScaling` divides by.
    public enum FanMode: String, Sendable, Equatable, CaseIterable {
        /// `fan_in`: the number of inputs of a unit.
        case fanIn = "fan_in"
        /// `fan_out`: the number of outputs.
        case fanOut = "fan_out"
        /// `fan_avg`: their mean.
        case fanAvg = "fan_avg"
    }

    /// The distribution `VarianceScaling` draws from.
    public enum Distribution: String, Sendable, Equatable, CaseIterable {
        /// Uniform in ±√(3 · variance).
        case uniform
        /// A normal cut at two standard deviations, rescaled to the variance.
        case truncatedNormal = "truncated_normal"
        /// A plain normal with the variance.
        case untruncatedNormal = "untruncated_normal"
    }

    /// Keras's class name for the initializer.
    public var className: String {
        switch self {
        case .glorotUniform: "GlorotUniform"
        case .glorotNormal: "GlorotNormal"
        case .heUniform: "HeUniform"
        case .heNormal: "HeNormal"
        case .lecunUniform: "LecunUniform"
        case .lecunNormal: "LecunNormal"
        case .varianceScaling: "VarianceScaling"
        case .randomNormal: "RandomNormal"
        case .randomUniform: "RandomUniform"
        case .truncatedNormal: "TruncatedNormal"
        case .orthogonal: "Orthogonal"
        case .identity: "Identity"
        case .zeros: "Zeros"
        case .ones: "Ones"
        case .constant: "Constant"
        }
    }

    /// The seed in the config, for initializers that draw random values.
    public var seed: Int? {
        get {
            switch self {
            case .glorotUniform(let s), .glorotNormal(let s), .heUniform(let s), .heNormal(let s),
                .lecunUniform(let s), .lecunNormal(let s), .varianceScaling(_, _, _, let s),
                .randomNormal(_, _, let s), .randomUniform(_, _, let s), .truncatedNormal(_, _, let s),
                .orthogonal(_, let s):
                s
            case .identity, .zeros, .ones, .constant: nil
            }
        }
        set {
            switch self {
            case .glorotUniform: self = .glorotUniform(seed: newValue)
            case .glorotNormal: self = .glorotNormal(seed: newValue)
            case .heUniform: self = .heUniform(seed: newValue)
            case .heNormal: self = .heNormal(seed: newValue)
            case .lecunUniform: self = .lecunUniform(seed: newValue)
            case .lecunNormal: self = .lecunNormal(seed: newValue)
            case .varianceScaling(let scale, let mode, let distribution, _):
                self = .varianceScaling(scale: scale, mode: mode, distribution: distribution, seed: newValue)
            case .randomNormal(let mean, let stddev, _):
                self = .randomNormal(mean: mean, stddev: stddev, seed: newValue)
            case .randomUniform(let lo, let hi, _): self = .randomUniform(minval: lo, maxval: hi, seed: newValue)
            case .truncatedNormal(let mean, let stddev, _):
                self = .truncatedNormal(mean: mean, stddev: stddev, seed: newValue)
            case .orthogonal(let gain, _): self = .orthogonal(gain: gain, seed: newValue)
            case .identity, .zeros, .ones, .constant: break
            }
        }
    }

    /// The equivalent `VarianceScaling` parameters of the Glorot, He and LeCun families.
    public var varianceScaling: (scale: Double, mode: FanMode, distribution: Distribution)? {
        switch self {
        case .glorotUniform: (1, .fanAvg, .uniform)
        case .glorotNormal: (1, .fanAvg, .truncatedNormal)
        case .heUniform: (2, .fanIn, .uniform)
        case .heNormal: (2, .fanIn, .truncatedNormal)
        case .lecunUniform: (1, .fanIn, .uniform)
        case .lecunNormal: (1, .fanIn, .truncatedNormal)
        case .varianceScaling(let scale, let mode, let distribution, _): (scale, mode, distribution)
        default: nil
        }
    }

    /// Keras's `(fan_in, fan_out)` for a weight shape.
    public static func fans(of shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        case 2: return (shape[0], shape[1])
        default:
            let receptive = shape.dropLast(2).reduce(1, *)
            return (shape[shape.count - 2] * receptive, shape[shape.count - 1] * receptive)
        }
    }

    // MARK: Keras JSON

    /// Snake-case and legacy names Keras accepts for each class.
    static let names: [String: String] = [
        "glorot_uniform": "GlorotUniform", "glorot_normal": "GlorotNormal", "he_uniform": "HeUniform",
        "he_normal": "HeNormal", "lecun_uniform": "LecunUniform", "lecun_normal": "LecunNormal",
        "variance_scaling": "VarianceScaling", "random_normal": "RandomNormal", "normal": "RandomNormal",
        "random_uniform": "RandomUniform", "uniform": "RandomUniform", "truncated_normal": "TruncatedNormal",
        "orthogonal": "Orthogonal", "OrthogonalInitializer": "Orthogonal", "identity": "Identity",
        "IdentityInitializer": "Identity", "zeros": "Zeros", "zero": "Zeros", "ones": "Ones", "one": "Ones",
        "constant": "Constant",
    ]

    static let classNames = [
        "GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform", "LecunNormal", "VarianceScaling",
        "RandomNormal", "RandomUniform", "TruncatedNormal", "Orthogonal", "Identity", "Zeros", "Ones", "Constant",
    ]

    public init(from decoder: any Decoder) throws {
        if SpecDecoding.isString(decoder) != false, let name = try? decoder.singleValueContainer().decode(String.self) {
            self = try Self.make(className: Self.canonical(name, decoder), config: nil, decoder: decoder)
            return
        }
        let container = try decoder.container(keyedBy: ConfigKey.self)
        for key in SpecDecoding.keys(of: decoder, container)
        where !["module", "class_name", "config", "registered_name"].contains(key) {
            throw ConfigErrors.invalid(
                "unknown key '\(key)' in an initializer",
                at: container.codingPath + [ConfigKey.offending(key)])
        }
        let name = try container.decode(String.self, forKey: ConfigKey("class_name"))
        let className = try Self.canonical(name, decoder)
        if container.contains(ConfigKey("config")) {
            let config = try container.nestedContainer(keyedBy: ConfigKey.self, forKey: ConfigKey("config"))
            self = try Self.make(className: className, config: config, decoder: decoder)
        } else {
            self = try Self.make(className: className, config: nil, decoder: decoder)
        }
    }

    private static func canonical(_ name: String, _ decoder: any Decoder) throws -> String {
        if classNames.contains(name) { return name }
        if let known = names[name] { return known }
        throw DecodingError.dataCorrupted(
            .init(
                codingPath: decoder.codingPath,
                debugDescription:
                    "unknown initializer '\(name)'\(field(decoder, "for")); supported: "
                    + "\(classNames.joined(separator: ", ")) (or their snake_case names)"
            ))
    }

    /// ` for 'kernel_initializer'`: the field being decoded, for messages.
    private static func field(_ decoder: any Decoder, _ preposition: String) -> String {
        decoder.codingPath.last.map { " \(preposition) '\($0.stringValue)'" } ?? ""
    }

    private static func make(
        className: String, config: KeyedDecodingContainer<ConfigKey>?, decoder: any Decoder
    ) throws -> Initializer {
        var allowed: Set<String> = []
        func value<T: Decodable>(_ key: String, _ fallback: T) throws -> T {
            allowed.insert(key)
            guard let config, config.contains(ConfigKey(key)) else { return fallback }
            return try config.decodeIfPresent(T.self, forKey: ConfigKey(key)) ?? fallback
        }
        func seed() throws -> Int? {
            allowed.insert("seed")
            guard let config, config.contains(ConfigKey("seed")) else { return nil }
            if try config.decodeNil(forKey: ConfigKey("seed")) { return nil }
            guard let seed = try? config.decode(Int.self, forKey: ConfigKey("seed")) else {
                let found =
                    (try? config.decode(JSONValue.self, forKey: ConfigKey("seed")))?.kindDescription ?? "another value"
                throw ConfigErrors.invalid(
                    "'seed' of the \(className)\(field(decoder, "in")) must be an integer or null, found \(found)",
                    at: config.codingPath + [ConfigKey("seed")])
            }
            return seed
        }
        func axes() throws {
            for key in ["input_axes", "output_axes"] {
                allowed.insert(key)
                if let config, config.contains(ConfigKey(key)), !(try config.decodeNil(forKey: ConfigKey(key))) {
                    throw ConfigErrors.invalid(
                        "'\(key)' is not supported; only null", at: config.codingPath + [ConfigKey(key)])
                }
            }
        }
        func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, _ fallback: E) throws -> E
        where E.RawValue == String {
            let raw = try value(key, fallback.rawValue)
            let lowered = key == "distribution" && raw.lowercased() == "normal" ? "truncated_normal" : raw.lowercased()
            guard let result = E(rawValue: lowered) else {
                throw ConfigErrors.invalid(
                    "invalid '\(key)' '\(raw)' of the \(className)\(field(decoder, "in")); expected one of "
                        + "\(E.allCases.map(\.rawValue).joined(separator: ", "))",
                    at: (config?.codingPath ?? decoder.codingPath) + [ConfigKey(key)])
            }
            return result
        }
        let result: Initializer
        switch className {
        case "GlorotUniform":
            try axes()
            result = .glorotUniform(seed: try seed())
        case "GlorotNormal":
            try axes()
            result = .glorotNormal(seed: try seed())
        case "HeUniform":
            try axes()
            result = .heUniform(seed: try seed())
        case "HeNormal":
            try axes()
            result = .heNormal(seed: try seed())
        case "LecunUniform":
            try axes()
            result = .lecunUniform(seed: try seed())
        case "LecunNormal":
            try axes()
            result = .lecunNormal(seed: try seed())
        case "VarianceScaling":
            try axes()
            let scale = try value("scale", 1.0)
            if !(scale > 0) {
                throw ConfigErrors.invalid(
                    "'scale' must be positive, found \(scale)",
                    at: (config?.codingPath ?? []) + [ConfigKey("scale")])
            }
            result = .varianceScaling(
                scale: scale, mode: try enumValue("mode", FanMode.fanIn),
                distribution: try enumValue("distribution", Distribution.truncatedNormal), seed: try seed())
        case "RandomNormal":
            result = .randomNormal(mean: try value("mean", 0.0), stddev: try value("stddev", 0.05), seed: try seed())
        case "RandomUniform":
            result = .randomUniform(
                minval: try value("minval", -0.05), maxval: try value("maxval", 0.05), seed: try seed())
        case "TruncatedNormal":
            result = .truncatedNormal(mean: try value("mean", 0.0), stddev: try value("stddev", 0.05), seed: try seed())
        case "Orthogonal": result = .orthogonal(gain: try value("gain", 1.0), seed: try seed())
        case "Identity": result = .identity(gain: try value("gain", 1.0))
        case "Zeros": result = .zeros
        case "Ones": result = .ones
        default: result = .constant(value: try value("value", 0.0))
        }
        if let config {
            for key in config.allKeys where !allowed.contains(key.stringValue) {
                throw ConfigErrors.invalid(
                    "unknown field '\(key.stringValue)' in \(className) config",
                    at: config.codingPath + [ConfigKey.offending(key.stringValue)])
            }
        }
        return result
    }

    /// The `config` object Keras writes for this initializer, in Keras's key order.
    var kerasConfig: [(String, JSONValue)] {
        let seedValue: JSONValue = seed.map { .int($0) } ?? .null
        switch self {
        case .glorotUniform, .glorotNormal, .heUniform, .heNormal, .lecunUniform, .lecunNormal:
            return [("seed", seedValue)]
        case .varianceScaling(let scale, let mode, let distribution, _):
            return [
                ("seed", seedValue), ("scale", .double(scale)), ("mode", .string(mode.rawValue)),
                ("distribution", .string(distribution.rawValue)),
            ]
        case .randomNormal(let mean, let stddev, _), .truncatedNormal(let mean, let stddev, _):
            return [("seed", seedValue), ("mean", .double(mean)), ("stddev", .double(stddev))]
        case .randomUniform(let minval, let maxval, _):
            return [("seed", seedValue), ("minval", .double(minval)), ("maxval", .double(maxval))]
        case .orthogonal(let gain, _):
            return [("seed", seedValue), ("gain", .double(gain))]
        case .identity(let gain):
            return [("gain", .double(gain))]
        case .zeros, .ones:
            return []
        case .constant(let value):
            return [("value", .double(value))]
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(
            JSONValue.object([
                JSONMember(key: "module", value: JSONNode(.string("keras.initializers"))),
                JSONMember(key: "class_name", value: JSONNode(.string(className))),
                JSONMember(
                    key: "config",
                    value: JSONNode(.object(kerasConfig.map { JSONMember(key: $0.0, value: JSONNode($0.1)) }))),
                JSONMember(key: "registered_name", value: JSONNode(.null)),
            ]))
    }

    package var swiftExpression: String {
        func call(_ name: String, _ arguments: [(String, String?)]) -> String {
            let given = arguments.compactMap { label, value in value.map { "\(label): \($0)" } }
            return given.isEmpty ? "." + name + "()" : "." + name + "(" + given.joined(separator: ", ") + ")"
        }
        func nonDefault(_ value: Double, _ fallback: Double) -> String? {
            value == fallback ? nil : SwiftLiteral.double(value)
        }
        let seedText = seed.map(String.init)
        switch self {
        case .glorotUniform: return call("glorotUniform", [("seed", seedText)])
        case .glorotNormal: return call("glorotNormal", [("seed", seedText)])
        case .heUniform: return call("heUniform", [("seed", seedText)])
        case .heNormal: return call("heNormal", [("seed", seedText)])
        case .lecunUniform: return call("lecunUniform", [("seed", seedText)])
        case .lecunNormal: return call("lecunNormal", [("seed", seedText)])
        case .varianceScaling(let scale, let mode, let distribution, _):
            return call(
                "varianceScaling",
                [
                    ("scale", nonDefault(scale, 1)),
                    ("mode", mode == .fanIn ? nil : "." + ConfigField<Never>.label(forKey: mode.rawValue)),
                    (
                        "distribution",
                        distribution == .truncatedNormal
                            ? nil : "." + ConfigField<Never>.label(forKey: distribution.rawValue)
                    ),
                    ("seed", seedText),
                ])
        case .randomNormal(let mean, let stddev, _):
            return call(
                "randomNormal",
                [("mean", nonDefault(mean, 0)), ("stddev", nonDefault(stddev, 0.05)), ("seed", seedText)])
        case .randomUniform(let lo, let hi, _):
            return call(
                "randomUniform",
                [("minval", nonDefault(lo, -0.05)), ("maxval", nonDefault(hi, 0.05)), ("seed", seedText)])
        case .truncatedNormal(let mean, let stddev, _):
            return call(
                "truncatedNormal",
                [("mean", nonDefault(mean, 0)), ("stddev", nonDefault(stddev, 0.05)), ("seed", seedText)])
        case .orthogonal(let gain, _): return call("orthogonal", [("gain", nonDefault(gain, 1)), ("seed", seedText)])
        case .identity(let gain): return call("identity", [("gain", nonDefault(gain, 1))])
        case .zeros: return ".zeros"
        case .ones: return ".ones"
        case .constant(let value): return call("constant", [("value", nonDefault(value, 0))])
        }
    }
}
