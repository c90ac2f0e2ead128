import Foundation

/// A Keras weight regularizer: a loss on the weight's values that training adds to the
/// model's loss (Keras's `kernel_regularizer`, `bias_regularizer`, ...).
public enum Regularizer: Sendable, Equatable {
    /// `l1 · Σ |w|`.
    case l1(Float)
    /// `l2 · Σ w²`.
    case l2(Float)
    /// `l1 · Σ |w| + l2 · Σ w²`.
    case l1l2(l1: Float, l2: Float)
    /// Keras's `OrthogonalRegularizer` of a matrix: `factor` times the mean of `|rᵢ · rⱼ|` over
    /// the pairs `i ≠ j` of its L2-normalized rows (or its columns when `columns`).
    case orthogonal(factor: Float, columns: Bool)

    /// The regularizer a layer config names: `"l1"`, `"l2"`, `"l1l2"` or a serialized `L1`,
    /// `L2`, `L1L2`, with Keras's defaults. Throws for one with no Swift twin yet.
    init(keras value: JSONValue) throws {
        let (name, config) = try Self.kerasObject(value)
        func number(_ key: String, _ fallback: Float) -> Float {
            config[key]?.value.doubleValue.map(Float.init) ?? fallback
        }
        switch name {
        case "l1", "L1": self = .l1(number("l1", 0.01))
        case "l2", "L2": self = .l2(number("l2", 0.01))
        case "l1l2", "L1L2": self = .l1l2(l1: number("l1", 0), l2: number("l2", 0))
        case "orthogonal_regularizer", "OrthogonalRegularizer":
            let mode = config["mode"]?.value.stringValue ?? "rows"
            guard mode == "rows" || mode == "columns" else {
                throw TrainingError("OrthogonalRegularizer: mode '\(mode)' is neither 'rows' nor 'columns'")
            }
            self = .orthogonal(factor: number("factor", 0.01), columns: mode == "columns")
        default: throw TrainingError("the regularizer '\(name)' has no Swift twin yet")
        }
    }

    /// A name or a serialized Keras object: its class name and config.
    static func kerasObject(_ value: JSONValue) throws -> (String, JSONValue) {
        guard let parts = kerasObjectParts(value) else {
            throw TrainingError("expected a Keras object, found \(value.kindDescription)")
        }
        return parts
    }

    private var factors: (l1: Float, l2: Float) {
        switch self {
        case .l1(let l1): (l1, 0)
        case .l2(let l2): (0, l2)
        case .l1l2(let l1, let l2): (l1, l2)
        case .orthogonal: (0, 0)
        }
    }

    /// Why the regularizer cannot apply to a weight of `shape`, else nil: the orthogonal one
    /// takes matrices (Keras raises for other ranks) of at least two rows or columns.
    func problem(shape: [Int]) -> String? {
        guard case .orthogonal(_, let columns) = self else { return nil }
        guard shape.count == 2 else { return "OrthogonalRegularizer takes a rank-2 weight, found shape \(shape)" }
        return shape[columns ? 1 : 0] > 1
            ? nil : "OrthogonalRegularizer needs two or more vectors, found shape \(shape)"
    }

    /// The regularization loss of `weight`.
    public func loss(_ weight: Tensor) -> Float {
        if case .orthogonal(let factor, let columns) = self { return Self.orthogonal(weight, factor, columns).loss }
        let (l1, l2) = factors
        return weight.withUnsafeScalars { w in
            var (absolute, squares): (Float, Float) = (0, 0)
            for value in w {
                absolute += abs(value)
                squares += value * value
            }
            return l1 * absolute + l2 * squares
        }
    }

    /// The gradient of `loss(_:)`: `l1 · sign(w) + 2 · l2 · w`, or the orthogonal penalty's.
    public func gradient(_ weight: Tensor) -> Tensor {
        if case .orthogonal(let factor, let columns) = self {
            return Self.orthogonal(weight, factor, columns).gradient
        }
        let (l1, l2) = factors
        return weight.mappingScalars { w in l1 * (w > 0 ? 1 : w < 0 ? -1 : 0) + 2 * l2 * w }
    }
}

/// A Keras weight constraint, applied to the weight after every optimizer step.
public enum WeightConstraint: Sendable, Equatable {
    /// Norms along `axes` rescaled to at most `maxValue`.
    case maxNorm(maxValue: Float, axes: [Int])
    /// Negative values set to 0.
    case nonNeg
    /// Norms along `axes` rescaled to 1.
    case unitNorm(axes: [Int])
    /// Norms along `axes` moved toward `[minValue, maxValue]` by `rate`.
    case minMaxNorm(minValue: Float, maxValue: Float, rate: Float, axes: [Int])

    /// The constraint a layer config names (`"max_norm"`, `"non_neg"`, `"unit_norm"`,
    /// `"min_max_norm"` or a serialized object), with Keras's defaults.
    init(keras value: JSONValue) throws {
        let (name, config) = try Regularizer.kerasObject(value)
        func number(_ key: String, _ fallback: Float) -> Float {
            config[key]?.value.doubleValue.map(Float.init) ?? fallback
        }
        let axis = config["axis"]?.value
        let axes = axis?.intValue.map { [$0] } ?? axis?.arrayElements?.compactMap(\.value.intValue) ?? [0]
        switch name {
        case "max_norm", "MaxNorm": self = .maxNorm(maxValue: number("max_value", 2), axes: axes)
        case "non_neg", "NonNeg": self = .nonNeg
        case "unit_norm", "UnitNorm": self = .unitNorm(axes: axes)
        case "min_max_norm", "MinMaxNorm":
            self = .minMaxNorm(
                minValue: number("min_value", 0), maxValue: number("max_value", 1), rate: number("rate", 1), axes: axes)
        default: throw TrainingError("the constraint '\(name)' has no Swift twin yet")
        }
    }

    /// `weight` with the constraint applied, as Keras computes it (ε = 1e-7).
    public func applied(to weight: Tensor) -> Tensor {
        let epsilon: Float = 1e-7
        let axes: [Int]
        switch self {
        case .nonNeg: return weight.mappingScalars { $0 >= 0 ? $0 : 0 }
        case .maxNorm(_, let a), .unitNorm(let a), .minMaxNorm(_, _, _, let a): axes = a
        }
        let rank = weight.rank
        let groups = AxisGroups(shape: weight.shape, axes: axes.map { $0 < 0 ? $0 + rank : $0 })
        let norms = weight.withUnsafeScalars { groups.sumsOfSquares($0) }.map { Float($0).squareRoot() }
        let factors = norms.map { norm -> Float in
            switch self {
            case .maxNorm(let maxValue, _): min(max(norm, 0), maxValue) / (epsilon + norm)
            case .unitNorm: 1 / (epsilon + norm)
            case .minMaxNorm(let low, let high, let rate, _):
                (rate * min(max(norm, low), high) + (1 - rate) * norm) / (epsilon + norm)
            case .nonNeg: 1
            }
        }
        var index = -1
        return weight.mappingScalars { value in
            index += 1
            return value * factors[groups.group(of: index)]
        }
    }
}

/// The regularizers and constraints of a model's trainable weights, in `trainableWeights`
/// order, read from its layers' configs.
struct WeightPenalties {
    var regularizers: [Regularizer?] = []
    var constraints: [WeightConstraint?] = []
    /// Whether a layer has an activity regularizer (the generated step adds its penalty).
    var hasActivityRegularizers = false

    init<M: Model>(_ model: M) throws {
        let trainable = model.config.model.trainable
        for (config, weights) in try model.config.layerWeightSpecs() {
            let encoded = try SpecEncoder().encode(config)
            if let activity = encoded["activity_regularizer"], !activity.value.isNull {
                _ = try Regularizer(keras: activity.value)  // one with a Swift twin
                hasActivityRegularizers = true
            }
            for spec in weights where trainable && spec.trainable {
                // Keras names a weight's regularizer after it: kernel_regularizer, and
                // depthwise_regularizer for depthwise_kernel.
                let base = spec.name.hasSuffix("_kernel") ? String(spec.name.dropLast("_kernel".count)) : spec.name
                let regularizer = try encoded[base + "_regularizer"].flatMap {
                    $0.value.isNull ? nil : try Regularizer(keras: $0.value)
                }
                if let problem = regularizer?.problem(shape: spec.shape) {
                    throw TrainingError("'\(config.name)' \(spec.name): \(problem)")
                }
                regularizers.append(regularizer)
                constraints.append(
                    try encoded[base + "_constraint"].flatMap {
                        $0.value.isNull ? nil : try WeightConstraint(keras: $0.value)
                    })
            }
        }
    }

    var isEmpty: Bool { regularizers.allSatisfy { $0 == nil } && constraints.allSatisfy { $0 == nil } }

    /// The regularization loss of `weights` (trainable, in order).
    func loss(_ weights: [Tensor]) -> Float {
        zip(regularizers, weights).reduce(0) { $0 + ($1.0?.loss($1.1) ?? 0) }
    }

    /// `gradients` with each regularizer's gradient added.
    func adding(to gradients: [Tensor], of weights: [Tensor]) -> [Tensor] {
        zip(regularizers, zip(gradients, weights)).map { regularizer, pair in
            regularizer.map { pair.0.adding($0.gradient(pair.1)) } ?? pair.0
        }
    }

    /// `weights` with each constraint applied.
    func constrained(_ weights: [Tensor]) -> [Tensor] {
        zip(constraints, weights).map { constraint, weight in constraint?.applied(to: weight) ?? weight }
    }
}

/// The class name and config of a Keras object as `compile_config` and layer configs write
/// it: a bare name (`"l2"`, `"adam"`), or `{"class_name": ..., "config": {...}}`; nil otherwise.
func kerasObjectParts(_ value: JSONValue) -> (name: String, config: JSONValue)? {
    if let name = value.stringValue { return (name, .object([])) }
    guard let name = value["class_name"]?.value.stringValue else { return nil }
    return (name, value["config"]?.value ?? .object([]))
}

extension Regularizer {
    /// The orthogonal penalty of `weight` (rows × columns) and its gradient. With the vectors vᵢ
    /// (rows, or columns when `columns`), nᵢ = vᵢ · min(1 / ‖vᵢ‖, 1e7) (Keras's `normalize`),
    /// P = N Nᵀ, the loss is `factor · Σ_{i≠j} |Pᵢⱼ| / (size (size − 1))`; its gradient is
    /// `∂N = 2 c S N` with S the signs of P off the diagonal, then through the normalization
    /// `∂vᵢ = rᵢ (∂nᵢ − nᵢ (nᵢ · ∂nᵢ))` (rᵢ the clamped inverse norm, the projection dropped where
    /// the clamp holds).
    static func orthogonal(_ weight: Tensor, _ factor: Float, _ columns: Bool) -> (loss: Float, gradient: Tensor) {
        let (rows, width) = (weight.shape[0], weight.shape[1])
        let (size, length) = columns ? (width, rows) : (rows, width)
        let w = weight.scalars
        func index(_ vector: Int, _ k: Int) -> Int { columns ? k * width + vector : vector * width + k }
        var normalized = [Float](repeating: 0, count: size * length)
        var inverse = [Float](repeating: 0, count: size)
        var clamped = [Bool](repeating: false, count: size)
        for i in 0..<size {
            var squares: Float = 0
            for k in 0..<length { squares += w[index(i, k)] * w[index(i, k)] }
            let r = 1 / squares.squareRoot()
            clamped[i] = !(r < 1e7)
            inverse[i] = clamped[i] ? 1e7 : r
            for k in 0..<length { normalized[i * length + k] = w[index(i, k)] * inverse[i] }
        }
        let scale = factor / Float(size * (size - 1))
        var total: Float = 0
        var signs = [Float](repeating: 0, count: size * size)
        for i in 0..<size {
            for j in 0..<size where j != i {
                var dot: Float = 0
                for k in 0..<length { dot += normalized[i * length + k] * normalized[j * length + k] }
                total += abs(dot)
                signs[i * size + j] = dot > 0 ? 1 : (dot < 0 ? -1 : 0)
            }
        }
        var gradient = [Float](repeating: 0, count: rows * width)
        for i in 0..<size {
            var dn = [Float](repeating: 0, count: length)
            for j in 0..<size where signs[i * size + j] != 0 {
                for k in 0..<length { dn[k] += 2 * scale * signs[i * size + j] * normalized[j * length + k] }
            }
            var projection: Float = 0
            if !clamped[i] { for k in 0..<length { projection += normalized[i * length + k] * dn[k] } }
            for k in 0..<length {
                gradient[index(i, k)] = inverse[i] * (dn[k] - normalized[i * length + k] * projection)
            }
        }
        return (scale * total, Tensor(shape: weight.shape, scalars: gradient))
    }
}

extension TrainingContext {
    /// `layer`'s activity regularizer on its `output`, as Keras applies it on every call: the
    /// penalty divided by the batch size goes into ``activityLoss``; returns the penalty's
    /// gradient with respect to `output` (zeros when the layer's config has none). The
    /// generated training step calls it after each call of a layer whose spec has one.
    public mutating func activityRegularization(_ layer: some Layer, output: Tensor) -> Tensor {
        guard let encoded = try? SpecEncoder().encode(layer.config),
            let value = encoded["activity_regularizer"]?.value, !value.isNull,
            let regularizer = try? Regularizer(keras: value)
        else { return Tensor(shape: output.shape, repeating: 0) }
        let batch = Float(max(output.shape.first ?? 1, 1))
        activityLoss += regularizer.loss(output) / batch
        return regularizer.gradient(output).mappingScalars { $0 / batch }
    }
}
