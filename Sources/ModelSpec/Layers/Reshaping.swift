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

extension FlattenConfig {
    public func validate() throws { try checkChannelsLast(dataFormat) }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        guard input.rank >= 1 else { throw ShapeError("Flatten needs an input with a batch axis") }
        let rest = input.dimensions.dropFirst()
        let size = rest.contains(where: { $0 == nil }) ? nil : try checkedProduct(rest.map { $0! }, layer: "Flatten")
        return TensorShape([input.dimensions[0], size])
    }
}

extension ReshapeConfig {
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

extension PermuteConfig {
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

extension RepeatVectorConfig {
    public func validate() throws {
        try requirePositive(n, "n")
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

/// ZeroPadding and Cropping configs: a (before, after) pair for each of `Rank` spatial axes.
protocol SidePairsConfig: LayerConfig {
    associatedtype Rank: SpatialRank
    /// The pairs' field and its Keras key.
    static var pairsField: (keyPath: WritableKeyPath<Self, SidePairs>, key: String) { get }
    /// Where the channels are.
    var dataFormat: String { get }
}

extension SidePairsConfig {
    /// Decodes the config and expands its pairs to `Rank` axes, reading the field as written (a
    /// list of 2 integers means one per axis for 2D, a pair for 1D), then checks them.
    public init(from decoder: any Decoder) throws {
        let (keyPath, key) = Self.pairsField
        var config = try Self.decodeFields(from: decoder)
        if Rank.rank != 1 {
            let container = try decoder.container(keyedBy: ConfigKey.self)
            let written = try container.decodeIfPresent(JSONValue.self, forKey: ConfigKey(key))
            config[keyPath: keyPath] = config[keyPath: keyPath].expanded(to: Rank.rank, written: written)
        }
        try config[keyPath: keyPath].check(key, rank: Rank.rank)
        self = config
    }

    public func validate() throws { try checkChannelsLast(dataFormat) }

    /// The output shape for `input`: each known spatial size changed by `resize(size, before +
    /// after, axis)`, the batch and channels kept.
    func pairedOutputShape(for input: TensorShape, resize: (Int, Int, Int) throws -> Int) throws -> TensorShape {
        let (spatial, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        let (keyPath, key) = Self.pairsField
        let pairs = self[keyPath: keyPath]
        try pairs.check(key, rank: Rank.rank)
        let sizes = try spatial.indices.map { axis in
            try spatial[axis].map { try resize($0, pairs.pairs[axis][0] + pairs.pairs[axis][1], axis) }
        }
        return TensorShape([input.dimensions[0]] + sizes + [channels])
    }
}

extension ZeroPaddingConfig: SidePairsConfig {
    package static var spelledTypeName: String { "ZeroPadding\(Rank.suffix)Config" }
    static var pairsField: (keyPath: WritableKeyPath<Self, SidePairs>, key: String) { (\.padding, "padding") }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        try pairedOutputShape(for: input) { size, added, _ in size + added }
    }
}

extension CroppingConfig: SidePairsConfig {
    package static var spelledTypeName: String { "Cropping\(Rank.suffix)Config" }
    static var pairsField: (keyPath: WritableKeyPath<Self, SidePairs>, key: String) { (\.cropping, "cropping") }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        try pairedOutputShape(for: input) { size, removed, axis in
            guard size > removed else {
                throw ShapeError(
                    "\(Self.className): cropping \(removed) of \(size) positions on spatial axis \(axis + 1) leaves "
                        + "nothing")
            }
            return size - removed
        }
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

extension UpSamplingConfig {
    package static var spelledTypeName: String { "UpSampling\(Rank.suffix)Config" }

    /// `UpSampling1D` writes its size as one integer.
    var sizeScalar: Int {
        get { size.values.first ?? 2 }
        set { size = IntTuple([newValue]) }
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
