// Preprocessing layers that are part of a model's computation: Resizing, Rescaling,
// Normalization.

/// A number or a list of numbers (one per channel), as Rescaling's `scale` and `offset` and
/// Normalization's `mean` and `variance` take them.
public struct Numbers: ConfigValue, SwiftExpressible, ExpressibleByFloatLiteral, ExpressibleByArrayLiteral,
    CustomStringConvertible
{
    /// The values.
    public var values: [Double]
    /// Whether Keras wrote a list.
    public var isList: Bool

    public init(floatLiteral value: Double) {
        values = [value]
        isList = false
    }

    public init(arrayLiteral elements: Double...) {
        values = elements
        isList = true
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let single = try? container.decode(Double.self) {
            values = [single]
            isList = false
        } else {
            values = try container.decode(Flat.self).values
            isList = true
        }
    }

    /// A (possibly nested) list of numbers, flattened.
    private struct Flat: Decodable {
        var values: [Double]
        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            values = []
            while !container.isAtEnd {
                if let value = try? container.decode(Double.self) {
                    values.append(value)
                } else {
                    values += try container.decode(Flat.self).values
                }
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if isList { try container.encode(values) } else { try container.encode(values[0]) }
    }

    package var swiftExpression: String {
        isList ? "[" + values.map(SwiftLiteral.double).joined(separator: ", ") + "]" : SwiftLiteral.double(values[0])
    }
    public var description: String { isList ? "\(values)" : "\(values[0])" }
}

/// `keras.layers.Rescaling`: `x · scale + offset` (scalars or one per channel).
public struct RescalingConfig: UnaryLayerConfig {
    public static let className = "Rescaling"
    public static let template = RescalingConfig(scale: 1.0)
    public static let fields: [ConfigField<RescalingConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("scale", \.scale, required: true),
        ConfigField("offset", \.offset),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The factor: one number, or one per channel.
    public var scale: Numbers
    /// Added after scaling: one number, or one per channel.
    public var offset: Numbers

    /// A config scaling by `scale`, then adding `offset`.
    public init(
        name: String = "rescaling", trainable: Bool = true, dtype: DTypePolicy = .float32, scale: Numbers,
        offset: Numbers = 0.0
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.scale = scale
        self.offset = offset
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        for (field, numbers) in [("scale", scale), ("offset", offset)] where numbers.values.count > 1 {
            guard input.last == numbers.values.count else {
                throw ShapeError(
                    "Rescaling: \(numbers.values.count) values of '\(field)' do not fit the last axis of \(input)")
            }
        }
        return input
    }
}

/// `keras.layers.Resizing`: images resized to `height × width` (`nearest`, `bilinear`,
/// `bicubic`, `lanczos3`, `lanczos5`), optionally cropped or padded to the target's aspect
/// ratio first.
public struct ResizingConfig: UnaryLayerConfig {
    public static let className = "Resizing"
    public static let template = ResizingConfig(height: 1, width: 1)
    public static let fields: [ConfigField<ResizingConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("data_format", \.dataFormat),
        ConfigField("height", \.height, required: true),
        ConfigField("width", \.width, required: true),
        ConfigField("interpolation", \.interpolation),
        ConfigField("crop_to_aspect_ratio", \.cropToAspectRatio),
        ConfigField("pad_to_aspect_ratio", \.padToAspectRatio),
        ConfigField("fill_mode", \.fillMode),
        ConfigField("fill_value", \.fillValue),
        ConfigField("antialias", \.antialias),
    ]
    public static let ignoredKeys: [String: JSONValue] = ["seed": .null]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Only `channels_last`.
    public var dataFormat: String
    /// The output height.
    public var height: Int
    /// The output width.
    public var width: Int
    /// How new pixels are computed.
    public var interpolation: Interpolation
    /// Crop the largest centered box of the target's aspect ratio before resizing.
    public var cropToAspectRatio: Bool
    /// Pad to the target's aspect ratio (with `fill_value`) before resizing.
    public var padToAspectRatio: Bool
    /// How padding is filled; only `constant`.
    public var fillMode: String
    /// The padding value.
    public var fillValue: Double
    /// Widen the kernel when downsampling (antialiasing).
    public var antialias: Bool

    /// A config resizing to `height × width`.
    public init(
        name: String = "resizing", trainable: Bool = true, dtype: DTypePolicy = .float32,
        dataFormat: String = "channels_last",
        height: Int, width: Int, interpolation: Interpolation = .bilinear, cropToAspectRatio: Bool = false,
        padToAspectRatio: Bool = false, fillMode: String = "constant", fillValue: Double = 0, antialias: Bool = false
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.dataFormat = dataFormat
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.cropToAspectRatio = cropToAspectRatio
        self.padToAspectRatio = padToAspectRatio
        self.fillMode = fillMode
        self.fillValue = fillValue
        self.antialias = antialias
    }

    public func validate() throws {
        guard height > 0 else { throw ConfigFieldError(field: "height", "must be positive, found \(height)") }
        guard width > 0 else { throw ConfigFieldError(field: "width", "must be positive, found \(width)") }
        try checkChannelsLast(dataFormat)
        guard interpolation != .area else {
            throw ConfigFieldError(
                field: "interpolation", "'area' is not supported (Keras's JAX backend refuses it too)")
        }
        guard !(cropToAspectRatio && padToAspectRatio) else {
            throw ConfigFieldError(field: "pad_to_aspect_ratio", "cannot be combined with crop_to_aspect_ratio")
        }
        guard fillMode == "constant" else {
            throw ConfigFieldError(field: "fill_mode", "only 'constant' is supported, found '\(fillMode)'")
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let (_, channels) = try spatialInput(input, rank: 2, layer: Self.className)
        return TensorShape([input.dimensions[0], height, width, channels])
    }
}

/// `keras.layers.Normalization`: `(x − mean) / max(sqrt(variance), 1e-7)` (or the inverse),
/// with the mean and variance in the config or, when adapted, in the layer's weights.
public struct NormalizationConfig: UnaryLayerConfig {
    public static let className = "Normalization"
    public static let template = NormalizationConfig()
    public static let fields: [ConfigField<NormalizationConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("axis", \.axis),
        ConfigField("invert", \.invert),
        ConfigField("mean", \.mean),
        ConfigField("variance", \.variance),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The axes with their own mean and variance (`[]`: one for all).
    public var axis: Axes
    /// Undo the normalization instead: `mean + x · sqrt(variance)`.
    public var invert: Bool
    /// The mean, or nil when adapted (then a weight).
    public var mean: Numbers?
    /// The variance, or nil when adapted (then a weight).
    public var variance: Numbers?

    /// A config with Keras's defaults.
    public init(
        name: String = "normalization", trainable: Bool = true, dtype: DTypePolicy = .float32, axis: Axes = [-1],
        invert: Bool = false, mean: Numbers? = nil, variance: Numbers? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.axis = axis
        self.invert = invert
        self.mean = mean
        self.variance = variance
    }

    public func validate() throws {
        guard (mean == nil) == (variance == nil) else {
            throw ConfigFieldError(field: mean == nil ? "mean" : "variance", "mean and variance must be given together")
        }
    }

    /// The shape of the mean and variance: the sizes of the kept axes.
    public func statisticsShape(for input: TensorShape) throws -> [Int] {
        guard let axes = axis.resolved(rank: input.rank), !axes.contains(0) else {
            throw ShapeError("Normalization: axis \(axis) does not fit input \(input)")
        }
        return try axes.sorted().map { axis in
            guard let size = input.dimensions[axis] else {
                throw ShapeError("Normalization: axis \(axis) of \(input) must be known")
            }
            return size
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let shape = try statisticsShape(for: input)
        if let mean, let variance {
            let count = shape.reduce(1, *)
            for (field, numbers) in [("mean", mean), ("variance", variance)]
            where numbers.values.count != 1 && numbers.values.count != count {
                throw ShapeError(
                    "Normalization: \(numbers.values.count) values of '\(field)' do not fit the axes' \(shape)")
            }
        }
        return input
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        guard mean == nil else { return [] }
        let shape = try statisticsShape(for: input)
        return [
            WeightSpec(name: "mean", shape: shape, initializer: .zeros, trainable: false),
            WeightSpec(name: "variance", shape: shape, initializer: .ones, trainable: false),
            WeightSpec(name: "count", shape: [], initializer: .zeros, trainable: false),
        ]
    }
}

/// `keras.layers.CategoryEncoding`: integer tokens to `one_hot`, `multi_hot` or `count`
/// vectors of `num_tokens`.
public struct CategoryEncodingConfig: UnaryLayerConfig {
    public static let className = "CategoryEncoding"
    public static let template = CategoryEncodingConfig(numTokens: 1)
    public static let fields: [ConfigField<CategoryEncodingConfig>] = [
        ConfigField("name", \.name, required: true), ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("num_tokens", \.numTokens, required: true), ConfigField("output_mode", \.outputMode),
        ConfigField("sparse", \.sparse),
    ]
    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The number of tokens; tokens are `0 ..< num_tokens`.
    public var numTokens: Int
    /// `one_hot`, `multi_hot` or `count`.
    public var outputMode: String
    /// Sparse output; only false.
    public var sparse: Bool
    /// A config.
    public init(
        name: String = "category_encoding", trainable: Bool = true, dtype: DTypePolicy = .float32,
        numTokens: Int, outputMode: String = "multi_hot", sparse: Bool = false
    ) {
        (self.name, self.trainable, self.dtype, self.numTokens, self.outputMode, self.sparse) =
            (name, trainable, dtype, numTokens, outputMode, sparse)
    }

    public func validate() throws {
        guard numTokens > 0 else { throw ConfigFieldError(field: "num_tokens", "must be positive, got \(numTokens)") }
        guard ["one_hot", "multi_hot", "count"].contains(outputMode) else {
            throw ConfigFieldError(field: "output_mode", "must be one_hot, multi_hot or count, got '\(outputMode)'")
        }
        guard !sparse else { throw ConfigFieldError(field: "sparse", "sparse output is not supported") }
    }

    /// Keras's shape: a `one_hot` encoding adds an axis (replacing a last axis of 1), the others
    /// replace the last axis by `num_tokens`.
    public func outputShape(for input: TensorShape) throws -> TensorShape {
        guard input.rank >= 2 else {
            throw ShapeError("CategoryEncoding needs a batch axis and a token axis, got \(input)")
        }
        if outputMode == "one_hot" && input.last != 1 { return TensorShape(input.dimensions + [numTokens]) }
        return input.replacingLast(with: numTokens)
    }
}
