/// A quantity `fit` and `evaluate` report beside the loss, averaged over the samples, under
/// its Keras name in the history (`"accuracy"`, `"mae"`, ...).
public struct Metric: Sendable, Equatable {
    /// What a metric computes.
    public enum Kind: Sendable, Equatable {
        /// Binary, categorical or sparse categorical accuracy, picked from the shapes of the
        /// predictions and targets as Keras's `"accuracy"` is.
        case accuracy
        /// The share of predictions on the target's side of `threshold` (above it is 1).
        case binaryAccuracy(threshold: Float)
        /// The share of samples whose largest prediction is the target's largest value.
        case categoricalAccuracy
        /// The share of samples whose largest prediction is the target class id.
        case sparseCategoricalAccuracy
        /// The mean absolute error.
        case meanAbsoluteError
        /// The mean squared error.
        case meanSquaredError
    }

    /// What the metric computes.
    public var kind: Kind
    /// Its key in `History.history` (prefixed with the output's name for several outputs).
    public var name: String
    /// Whether `fit`'s sample or class weights weigh it (Keras's `weighted_metrics`): the
    /// weighted mean `Σ w · m / Σ w`; otherwise every sample counts the same, as Keras's `metrics`.
    public var weighted: Bool = false

    /// A metric of `kind` reported as `name`, weighted by the samples' weights when `weighted`.
    public init(_ kind: Kind, name: String, weighted: Bool = false) {
        self.kind = kind
        self.name = name
        self.weighted = weighted
    }

    /// This metric weighted by the samples' weights (Keras's `weighted_metrics`).
    public var sampleWeighted: Metric {
        Metric(kind, name: name, weighted: true)
    }

    /// Keras's `"accuracy"`.
    public static let accuracy = Metric(.accuracy, name: "accuracy")
    /// Keras's `"binary_accuracy"` (threshold 0.5).
    public static let binaryAccuracy = Metric(.binaryAccuracy(threshold: 0.5), name: "binary_accuracy")
    /// Keras's `"categorical_accuracy"`.
    public static let categoricalAccuracy = Metric(.categoricalAccuracy, name: "categorical_accuracy")
    /// Keras's `"sparse_categorical_accuracy"`.
    public static let sparseCategoricalAccuracy = Metric(
        .sparseCategoricalAccuracy, name: "sparse_categorical_accuracy")
    /// Keras's `"mae"`.
    public static let mae = Metric(.meanAbsoluteError, name: "mae")
    /// Keras's `"mse"`.
    public static let mse = Metric(.meanSquaredError, name: "mse")
    /// Keras's `"mean_absolute_error"`.
    public static let meanAbsoluteError = Metric(.meanAbsoluteError, name: "mean_absolute_error")
    /// Keras's `"mean_squared_error"`.
    public static let meanSquaredError = Metric(.meanSquaredError, name: "mean_squared_error")

    /// The metric Keras means by `name` in `metrics=[...]`, or nil when it has no Swift twin.
    public init?(kerasName name: String) {
        let known: [Metric] = [
            .accuracy, .binaryAccuracy, .categoricalAccuracy, .sparseCategoricalAccuracy, .mae, .mse,
            .meanAbsoluteError, .meanSquaredError,
        ]
        if let metric = known.first(where: { $0.name == name }) {
            self = metric
        } else if name == "acc" {
            self = Metric(.accuracy, name: "acc")
        } else {
            return nil
        }
    }

    /// `.accuracy` resolved from the shapes, as Keras's `get_metric` does: one output unit is
    /// binary; targets of lower rank, or of one unit for several predictions, are class ids;
    /// otherwise categorical.
    func resolvedKind(prediction: [Int], target: [Int]) -> Kind {
        guard kind == .accuracy else { return kind }
        if prediction.last == 1 { return .binaryAccuracy(threshold: 0.5) }
        if target.count < prediction.count || (target.last == 1 && (prediction.last ?? 1) > 1) {
            return .sparseCategoricalAccuracy
        }
        return .categoricalAccuracy
    }

    /// The metric summed over the samples of one batch, and what the caller divides the sums by:
    /// the samples, or for a weighted metric with `weights` (one per sample) `Σ w · m` over the
    /// rows and `Σ w` (a sample's weight counting for each of its rows, as Keras broadcasts it).
    func sum(_ prediction: Tensor, _ target: Tensor, weights: Tensor?) -> (total: Double, count: Double) {
        guard weighted, let weights = weights?.scalars else {
            return (sum(prediction, target), Double(prediction.shape.first ?? 0))
        }
        let width = max(prediction.shape.last ?? 1, 1)
        let rows = prediction.scalarCount / width
        let perSample = max(rows / max(weights.count, 1), 1)
        // `scalars` copies: read once, not per row.
        let (p, t) = (prediction.scalars, target.scalars)
        let targetWidth = target.scalarCount / max(rows, 1)
        var (total, count) = (0.0, 0.0)
        for row in 0..<rows {
            let weight = Double(weights[row / perSample])
            let rowPrediction = Tensor(shape: [1, width], scalars: Array(p[(row * width)..<((row + 1) * width)]))
            let rowTarget = Tensor(
                shape: targetWidth == 1 && width > 1 ? [1] : [1, targetWidth],
                scalars: Array(t[(row * targetWidth)..<((row + 1) * targetWidth)]))
            total += weight * sum(rowPrediction, rowTarget)
            count += weight
        }
        return (total, count)
    }

    /// The metric summed over the samples of one batch (the caller divides by the sample count).
    func sum(_ prediction: Tensor, _ target: Tensor) -> Double {
        let width = max(prediction.shape.last ?? 1, 1)
        let p = prediction.scalars
        let t = target.scalars
        let rows = p.count / width
        let kind = resolvedKind(prediction: prediction.shape, target: target.shape)
        func argmax(_ values: ArraySlice<Float>) -> Int {
            values.indices.max { values[$0] < values[$1] }! - values.startIndex
        }
        var total: Double = 0
        for row in 0..<rows {
            let range = (row * width)..<((row + 1) * width)
            switch kind {
            case .binaryAccuracy(let threshold):
                let hits = range.filter { (p[$0] > threshold ? 1 : 0) == t[$0] }.count
                total += Double(hits) / Double(width)
            case .categoricalAccuracy:
                total += argmax(p[range]) == argmax(t[range]) ? 1 : 0
            case .sparseCategoricalAccuracy:
                total += argmax(p[range]) == Int(t[row]) ? 1 : 0
            case .meanAbsoluteError:
                total += range.reduce(0) { $0 + Double(abs(p[$1] - t[$1])) } / Double(width)
            case .meanSquaredError:
                total += range.reduce(0) { $0 + Double((p[$1] - t[$1]) * (p[$1] - t[$1])) } / Double(width)
            case .accuracy:
                preconditionFailure("accuracy is resolved above")
            }
        }
        return total
    }
}
