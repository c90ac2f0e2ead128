import Foundation

/// Something `fit` calls at the end of every epoch, as Keras's callbacks are called.
public protocol TrainingCallback: Sendable {
    /// Called after epoch `epoch` (from 0) with its logs (`loss`, metrics, `val_` values);
    /// returns true to stop training, as Keras's `model.stop_training`.
    mutating func epochEnded<M: Model>(_ epoch: Int, logs: [String: Float], model: inout M) throws -> Bool
    /// Called once training ends, stopped or not.
    mutating func trainingEnded<M: Model>(model: inout M) throws
}

extension TrainingCallback {
    public mutating func trainingEnded<M: Model>(model: inout M) throws {}
}

/// Which way a monitored quantity improves.
public enum MonitorMode: Sendable, Equatable {
    /// Down for losses and errors, up for accuracies, as Keras's `"auto"` decides.
    case auto
    /// Lower is better.
    case min
    /// Higher is better.
    case max

    /// Whether lower is better for `monitor` (`val_loss`, `accuracy`, ...).
    func lowerIsBetter(_ monitor: String) throws -> Bool {
        switch self {
        case .min: return true
        case .max: return false
        case .auto:
            let name = monitor.hasPrefix("val_") ? String(monitor.dropFirst(4)) : monitor
            if name.hasSuffix("loss") || ["mae", "mse", "mean_absolute_error", "mean_squared_error"].contains(name) {
                return true
            }
            if name.hasSuffix("accuracy") || name == "acc" { return false }
            throw TrainingError("cannot tell whether '\(monitor)' should go up or down: pass mode .min or .max")
        }
    }
}

/// Keras's `EarlyStopping`: stops training once `monitor` has not improved by more than
/// `minDelta` for `patience` epochs; with `restoreBestWeights`, puts back the weights of the best
/// epoch at the end.
public struct EarlyStopping: TrainingCallback {
    /// The log watched (`val_loss`, `accuracy`, ...).
    public var monitor: String
    /// The smallest change that counts as an improvement.
    public var minDelta: Float
    /// The epochs without improvement before stopping.
    public var patience: Int
    /// Which way the monitor improves.
    public var mode: MonitorMode
    /// A value the monitor must beat before waiting restarts.
    public var baseline: Float?
    /// Whether training ends with the weights of the best epoch.
    public var restoreBestWeights: Bool
    /// The first epoch (from 0) that counts.
    public var startFromEpoch: Int
    /// The epoch (from 0) training stopped after, or 0 when it ran to the end.
    public private(set) var stoppedEpoch = 0
    private var wait = 0
    private var best: Float?
    private var bestWeights: [Tensor]?

    /// Keras's defaults: `val_loss`, no minimum change, no patience.
    public init(
        monitor: String = "val_loss", minDelta: Float = 0, patience: Int = 0, mode: MonitorMode = .auto,
        baseline: Float? = nil, restoreBestWeights: Bool = false, startFromEpoch: Int = 0
    ) {
        self.monitor = monitor
        self.minDelta = minDelta
        self.patience = patience
        self.mode = mode
        self.baseline = baseline
        self.restoreBestWeights = restoreBestWeights
        self.startFromEpoch = startFromEpoch
    }

    private func improves(_ value: Float, on reference: Float?, lower: Bool) -> Bool {
        guard let reference else { return true }
        return lower ? value + abs(minDelta) < reference : value - abs(minDelta) > reference
    }

    public mutating func epochEnded<M: Model>(_ epoch: Int, logs: [String: Float], model: inout M) throws -> Bool {
        if epoch == 0 {
            (wait, stoppedEpoch, best, bestWeights) = (0, 0, nil, nil)
        }
        guard let current = logs[monitor], epoch >= startFromEpoch else { return false }
        let lower = try mode.lowerIsBetter(monitor)
        if restoreBestWeights && bestWeights == nil { bestWeights = model.weights }
        wait += 1
        if improves(current, on: best, lower: lower) {
            best = current
            if restoreBestWeights { bestWeights = model.weights }
            if baseline == nil || improves(current, on: baseline, lower: lower) { wait = 0 }
            return false
        }
        if wait >= patience && epoch > 0 {
            stoppedEpoch = epoch
            return true
        }
        return false
    }

    public mutating func trainingEnded<M: Model>(model: inout M) throws {
        if restoreBestWeights, let bestWeights { try model.setWeights(bestWeights) }
    }
}

/// Keras's `ModelCheckpoint` with `save_weights_only`: writes the weights after each epoch (or
/// only when `monitor` improves, with `saveBestOnly`) to `path`, where `{epoch}` (or
/// `{epoch:02d}`) becomes the epoch number from 1. A `.weights.h5` path is Keras's format, which
/// `model.load_weights` reads.
public struct ModelCheckpoint: TrainingCallback {
    /// The file path, with `{epoch}` or `{epoch:02d}` standing for the epoch number.
    public var path: String
    /// The log watched when saving the best only.
    public var monitor: String
    /// Whether to save only when the monitor improves.
    public var saveBestOnly: Bool
    /// Which way the monitor improves.
    public var mode: MonitorMode
    private var best: Float?

    /// Keras's defaults: every epoch, `val_loss` when saving the best only.
    public init(path: String, monitor: String = "val_loss", saveBestOnly: Bool = false, mode: MonitorMode = .auto) {
        self.path = path
        self.monitor = monitor
        self.saveBestOnly = saveBestOnly
        self.mode = mode
    }

    /// The file of epoch `epoch` (from 0).
    public func url(epoch: Int) -> URL {
        var text = path
        for pattern in ["{epoch}", "{epoch:02d}", "{epoch:03d}"] {
            let width = pattern == "{epoch}" ? 0 : Int(String(pattern.dropFirst(8).prefix(1)))!
            let number = String(epoch + 1)
            text = text.replacingOccurrences(
                of: pattern, with: String(repeating: "0", count: max(0, width - number.count)) + number)
        }
        return URL(fileURLWithPath: text)
    }

    public mutating func epochEnded<M: Model>(_ epoch: Int, logs: [String: Float], model: inout M) throws -> Bool {
        if epoch == 0 { best = nil }
        if saveBestOnly {
            guard let current = logs[monitor] else { return false }
            let lower = try mode.lowerIsBetter(monitor)
            if let best, lower ? current >= best : current <= best { return false }
            best = current
        }
        try model.saveWeights(to: url(epoch: epoch))
        return false
    }
}
