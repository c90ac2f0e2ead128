// Reshaping layers: Flatten, Reshape, Permute, RepeatVector, ZeroPadding1D/2D/3D,
// Cropping1D/2D/3D, UpSampling1D/2D/3D.

/// `keras.layers.ZeroPadding1D/2D/3D`.
public typealias ZeroPadding1DConfig = ZeroPaddingConfig<Spatial1D>
/// `keras.layers.ZeroPadding2D`.
public typealias ZeroPadding2DConfig = ZeroPaddingConfig<Spatial2D>
/// `keras.layers.ZeroPadding3D`.
public typealias ZeroPadding3DConfig = ZeroPaddingConfig<Spatial3D>
/// `keras.layers.Cropping1D`.
public typealias Cropping1DConfig = CroppingConfig<Spatial1D>
/// `keras.layers.Cropping2D`.
public typealias Cropping2DConfig = CroppingConfig<Spatial2D>
/// `keras.layers.Cropping3D`.
public typealias Cropping3DConfig = CroppingConfig<Spatial3D>
/// `keras.layers.UpSampling1D`.
public typealias UpSampling1DConfig = UpSamplingConfig<Spatial1D>
/// `keras.layers.UpSampling2D`.
public typealias UpSampling2DConfig = UpSamplingConfig<Spatial2D>
/// `keras.layers.UpSampling3D`.
public typealias UpSampling3DConfig = UpSamplingConfig<Spatial3D>

/// `keras.layers.Flatten`: every axis but the batch axis flattened into one.
public struct FlattenConfig: UnaryLayerConfig {
    public static let className = "Flatten"
    public static let template = FlattenConfig()
    public static let fields: [ConfigField<FlattenConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("data_format", \.dataFormat),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Only `channels_last`.
    public var dataFormat: String

    /// A config with Keras's defaults.
    public init(
        name: String = "flatten", trainable: Bool = true, dtype: DTypePolicy = .float32,
        dataFormat: String = "channels_last"
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.dataFormat = dataFormat
    }

    public func validate() throws { try checkChannelsLast(dataFormat) }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        guard input.rank >= 1 else { throw ShapeError("Flatten needs an input with a batch axis") }
        let rest = input.dimensions.dropFirst()
        let size = rest.contains(where: { $0 == nil }) ? nil : try checkedProduct(rest.map { $0! }, layer: "Flatten")
        return TensorShape([input.dimensions[0], size])
    }
}

/// `keras.layers.Reshape`: each sample reshaped to `target_shape` (one axis may be -1).
public struct ReshapeConfig: UnaryLayerConfig {
    public static let className = "Reshape"
    public static let template = ReshapeConfig(targetShape: [])
    public static let fields: [ConfigField<ReshapeConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("target_shape", \.targetShape, required: true),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The shape of each sample; one entry may be -1 (inferred).
    public var targetShape: [Int]

    /// A config reshaping to `targetShape`.
    public init(name: String = "reshape", trainable: Bool = true, dtype: DTypePolicy = .float32, targetShape: [Int]) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.targetShape = targetShape
    }

    public func validate() throws {
        guard targetShape.allSatisfy({ $0 > 0 || $0 == -1 }), targetShape.filter({ $0 == -1 }).count <= 1 else {
            throw ConfigFieldError(
                field: "target_shape", "sizes must be positive, with at most one -1, found \(targetShape)")
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let rest = input.dimensions.dropFirst()
        guard !rest.contains(where: { $0 == nil }) else {
            throw ShapeError("Reshape needs an input whose axes (but the batch axis) are known, got \(input)")
        }
        let count = try checkedProduct(rest.map { $0! }, layer: "Reshape")
        let known = try checkedProduct(targetShape.filter { $0 != -1 }, layer: "Reshape")
        var resolved = targetShape
        if let unknown = targetShape.firstIndex(of: -1) {
            guard known > 0, count % known == 0 else {
                throw ShapeError("Reshape: \(count) values per sample cannot be reshaped to \(targetShape)")
            }
            resolved[unknown] = count / known
        } else if known != count {
            throw ShapeError(
                "Reshape: \(count) values per sample cannot be reshaped to \(targetShape) (\(known) values)")
        }
        return TensorShape([input.dimensions[0]] + resolved.map { $0 })
    }
}

/// `keras.layers.Permute`: the axes of each sample reordered (`dims` counts from 1).
public struct PermuteConfig: UnaryLayerConfig {
    public static let className = "Permute"
    public static let template = PermuteConfig(dims: [])
    public static let fields: [ConfigField<PermuteConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("dims", \.dims, required: true),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Output axis i + 1 is input axis `dims[i]` (the batch axis is 0 and stays).
    public var dims: [Int]

    /// A config with the permutation `dims`.
    public init(name: String = "permute", trainable: Bool = true, dtype: DTypePolicy = .float32, dims: [Int]) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.dims = dims
    }

    public func validate() throws {
        guard dims.sorted() == Array(1...max(dims.count, 1)).prefix(dims.count).map({ $0 }) else {
            throw ConfigFieldError(field: "dims", "must be a permutation of 1...\(dims.count), found \(dims)")
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        guard input.rank == dims.count + 1 else {
            throw ShapeError("Permute with dims \(dims) needs an input of rank \(dims.count + 1), got \(input)")
        }
        return TensorShape([input.dimensions[0]] + dims.map { input.dimensions[$0] })
    }
}

/// `keras.layers.RepeatVector`: a `(batch, features)` input repeated `n` times, `(batch, n,
/// features)`.
public struct RepeatVectorConfig: UnaryLayerConfig {
    public static let className = "RepeatVector"
    public static let template = RepeatVectorConfig(n: 1)
    public static let fields: [ConfigField<RepeatVectorConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("n", \.n, required: true),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The number of repetitions.
    public var n: Int

    /// A config repeating `n` times.
    public init(name: String = "repeat_vector", trainable: Bool = true, dtype: DTypePolicy = .float32, n: Int) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.n = n
    }

    public func validate() throws {
        guard n > 0 else { throw ConfigFieldError(field: "n", "must be a positive integer, found \(n)") }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        guard input.rank == 2 else {
            throw ShapeError("RepeatVector needs an input of rank 2 (batch, features), got \(input)")
        }
        return TensorShape([input.dimensions[0], n, input.dimensions[1]])
    }
}

/// Amounts before and after each spatial axis, as `ZeroPadding` and `Cropping` take them: one
/// integer (every side), one per axis (both sides), or pairs. Keras writes `[l, r]` for 1D
/// layers and `[[top, bottom], [left, right], ...]` otherwise.
public struct SidePairs: ConfigValue, SwiftExpressible, CustomStringConvertible {
    /// `(before, after)` per spatial axis; one pair is written flat, `[before, after]` (the 1D
    /// layers).
    public var pairs: [[Int]]

    /// The amounts `pairs` (`(before, after)` per axis).
    public init(_ pairs: [[Int]]) {
        self.pairs = pairs
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let single = try? container.decode(Int.self) {
            pairs = [[single, single]]
        } else if let flat = try? container.decode([Int].self) {
            pairs = flat.map { [$0, $0] }
            if flat.count == 2 { pairs = [flat] }  // 1D: (before, after); expanded per rank later
        } else {
            pairs = try container.decode([[Int]].self)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if pairs.count == 1 { try container.encode(pairs[0]) } else { try container.encode(pairs) }
    }

    package var swiftExpression: String { "SidePairs(\(pairs.swiftExpression))" }
    public var description: String { pairs.count == 1 ? "\(pairs[0])" : "\(pairs)" }

    /// The pairs for `rank` axes, given what a spec may write: one integer for every side, an
    /// integer per axis (both sides), a pair for one axis, or a pair per axis.
    func expanded(to rank: Int, written: JSONValue?) -> SidePairs {
        if pairs.count == rank, pairs.allSatisfy({ $0.count == 2 }) { return self }
        if let flat = written?.arrayElements?.compactMap({ $0.value.intValue }), flat.count == rank, rank > 1 {
            return SidePairs(flat.map { [$0, $0] })
        }
        if pairs.count == 1, pairs[0][0] == pairs[0][1] { return SidePairs(Array(repeating: pairs[0], count: rank)) }
        return self
    }

    func check(_ field: String, rank: Int) throws {
        guard pairs.count == rank,
            pairs.allSatisfy({
                $0.count == 2 && (0...IntTuple.maximum).contains($0[0]) && (0...IntTuple.maximum).contains($0[1])
            })
        else {
            throw ConfigFieldError(
                field: field,
                "needs a non-negative (before, after) pair for each of \(rank) spatial axes, found \(description)")
        }
    }
}

/// Decodes a ZeroPadding/Cropping config and expands its pairs to `rank` axes, reading the
/// field as written (a list of 2 integers means one per axis for 2D, a pair for 1D).
private func expandedPairs(_ pairs: SidePairs, key: String, rank: Int, decoder: any Decoder) throws -> SidePairs {
    let container = try decoder.container(keyedBy: ConfigKey.self)
    let written = try container.decodeIfPresent(JSONValue.self, forKey: ConfigKey(key))
    if rank == 1 { return pairs }
    return pairs.expanded(to: rank, written: written)
}

/// `keras.layers.ZeroPadding1D/2D/3D`: zeros added before and after each spatial axis.
public struct ZeroPaddingConfig<Rank: SpatialRank>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "ZeroPadding\(Rank.suffix)" }
    package static var spelledTypeName: String { "ZeroPadding\(Rank.suffix)Config" }
    public static var template: Self { Self() }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \Self.name, required: true),
            ConfigField("trainable", \Self.trainable),
            ConfigField("dtype", \Self.dtype),
            ConfigField("padding", \Self.padding),
            ConfigField("data_format", \Self.dataFormat),
        ]
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Zeros before and after each spatial axis.
    public var padding: SidePairs
    /// Only `channels_last`.
    public var dataFormat: String

    /// A config with Keras's defaults (one zero on every side).
    public init(
        name: String = "zero_padding\(Rank.rank)d", trainable: Bool = true, dtype: DTypePolicy = .float32,
        padding: SidePairs = SidePairs(Array(repeating: [1, 1], count: Rank.rank)), dataFormat: String = "channels_last"
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.padding = padding
        self.dataFormat = dataFormat
    }

    public init(from decoder: any Decoder) throws {
        var config = try Self.decodeFields(from: decoder)
        config.padding = try expandedPairs(config.padding, key: "padding", rank: Rank.rank, decoder: decoder)
        try config.padding.check("padding", rank: Rank.rank)
        self = config
    }

    public func validate() throws { try checkChannelsLast(dataFormat) }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let (spatial, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        try padding.check("padding", rank: Rank.rank)
        let sizes = spatial.indices.map { axis in
            spatial[axis].map { $0 + padding.pairs[axis][0] + padding.pairs[axis][1] }
        }
        return TensorShape([input.dimensions[0]] + sizes + [channels])
    }
}

/// `keras.layers.Cropping1D/2D/3D`: positions removed before and after each spatial axis.
public struct CroppingConfig<Rank: SpatialRank>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "Cropping\(Rank.suffix)" }
    package static var spelledTypeName: String { "Cropping\(Rank.suffix)Config" }
    public static var template: Self { Self() }
    public static var fields: [ConfigField<Self>] {
        var fields = [
            ConfigField("name", \Self.name, required: true),
            ConfigField("trainable", \Self.trainable),
            ConfigField("dtype", \Self.dtype),
            ConfigField("cropping", \Self.cropping),
        ]
        if Rank.rank > 1 { fields.append(ConfigField("data_format", \Self.dataFormat)) }
        return fields
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Positions removed before and after each spatial axis.
    public var cropping: SidePairs
    /// Only `channels_last`.
    public var dataFormat: String

    /// A config with Keras's defaults (one on each side for 1D and 3D, none for 2D).
    public init(
        name: String = "cropping\(Rank.rank)d", trainable: Bool = true, dtype: DTypePolicy = .float32,
        cropping: SidePairs = SidePairs(Array(repeating: Rank.rank == 2 ? [0, 0] : [1, 1], count: Rank.rank)),
        dataFormat: String = "channels_last"
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.cropping = cropping
        self.dataFormat = dataFormat
    }

    public init(from decoder: any Decoder) throws {
        var config = try Self.decodeFields(from: decoder)
        config.cropping = try expandedPairs(config.cropping, key: "cropping", rank: Rank.rank, decoder: decoder)
        try config.cropping.check("cropping", rank: Rank.rank)
        self = config
    }

    public func validate() throws { try checkChannelsLast(dataFormat) }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let (spatial, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        try cropping.check("cropping", rank: Rank.rank)
        var sizes: [Int?] = []
        for (axis, size) in spatial.enumerated() {
            let removed = cropping.pairs[axis][0] + cropping.pairs[axis][1]
            if let size, size <= removed {
                throw ShapeError(
                    "\(Self.className): cropping \(removed) of \(size) positions on spatial axis \(axis + 1) leaves "
                        + "nothing"
                )
            }
            sizes.append(size.map { $0 - removed })
        }
        return TensorShape([input.dimensions[0]] + sizes + [channels])
    }
}

/// How `UpSampling2D` and `Resizing` compute new positions.
public enum Interpolation: String, ConfigValue, SwiftExpressible, CaseIterable {
    /// The nearest input position.
    case nearest
    /// Linear in each axis, half-pixel centers.
    case bilinear
    /// Keys cubic (a = −0.5) in each axis, half-pixel centers.
    case bicubic
    /// Lanczos with a radius of 3.
    case lanczos3
    /// Lanczos with a radius of 5.
    case lanczos5
    /// Area averaging (refused: Keras's JAX backend does not support it either).
    case area

    package var swiftExpression: String { "." + rawValue }
}

/// `keras.layers.UpSampling1D/2D/3D`: each spatial axis enlarged by `size` (repeating
/// positions, or interpolating for `UpSampling2D`).
public struct UpSamplingConfig<Rank: SpatialRank>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "UpSampling\(Rank.suffix)" }
    package static var spelledTypeName: String { "UpSampling\(Rank.suffix)Config" }
    public static var template: Self { Self() }
    public static var fields: [ConfigField<Self>] {
        var fields = [
            ConfigField("name", \Self.name, required: true),
            ConfigField("trainable", \Self.trainable),
            ConfigField("dtype", \Self.dtype),
        ]
        if Rank.rank == 1 {
            fields.append(ConfigField("size", \Self.sizeScalar))
        } else {
            fields.append(ConfigField("size", \Self.size))
            fields.append(ConfigField("data_format", \Self.dataFormat))
        }
        if Rank.rank == 2 { fields.append(ConfigField("interpolation", \Self.interpolation)) }
        return fields
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The factor per spatial axis.
    public var size: IntTuple
    /// Only `channels_last`.
    public var dataFormat: String
    /// `nearest` (repeat) or, for `UpSampling2D`, `bilinear`, `bicubic`, `lanczos3`, `lanczos5`.
    public var interpolation: Interpolation

    /// `UpSampling1D` writes its size as one integer.
    var sizeScalar: Int {
        get { size.values.first ?? 2 }
        set { size = IntTuple([newValue]) }
    }

    /// A config with Keras's defaults (a factor of 2 on every axis, nearest).
    public init(
        name: String = "up_sampling\(Rank.rank)d", trainable: Bool = true, dtype: DTypePolicy = .float32,
        size: IntTuple = 2,
        dataFormat: String = "channels_last", interpolation: Interpolation = .nearest
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.size = size.expanded(to: Rank.rank)
        self.dataFormat = dataFormat
        self.interpolation = interpolation
    }

    public init(from decoder: any Decoder) throws {
        var config = try Self.decodeFields(from: decoder)
        config.size = config.size.expanded(to: Rank.rank)
        self = config
    }

    public func validate() throws {
        try size.check("size", rank: Rank.rank)
        try checkChannelsLast(dataFormat)
        if interpolation == .area {
            throw ConfigFieldError(
                field: "interpolation", "'area' is not supported (Keras's JAX backend refuses it too)")
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let (spatial, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        let factors = size.expanded(to: Rank.rank).values
        let sizes = spatial.indices.map { axis in spatial[axis].map { $0 * factors[axis] } }
        return TensorShape([input.dimensions[0]] + sizes + [channels])
    }
}
