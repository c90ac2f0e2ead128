import Foundation

/// Keras's progress output on standard error: `Epoch 1/5`, then a bar redrawn after each batch
/// (`12/12 ━━━━━━━━━━━━━━━━━━━━ 0s 3ms/step - loss: 0.4200`), or one line per epoch.
struct Progress {
    let epoch: Int
    let epochs: Int
    let steps: Int
    let verbosity: Verbosity
    private let start = Date()

    init(epoch: Int, epochs: Int, steps: Int, verbosity: Verbosity) {
        self.epoch = epoch
        self.epochs = epochs
        self.steps = steps
        self.verbosity = verbosity
        if verbosity != .silent { Self.write("Epoch \(epoch + 1)/\(epochs)\n") }
    }

    /// After batch `step` (from 1) of `steps`.
    mutating func step(_ step: Int, logs: [(String, Float)]) {
        guard verbosity == .progressBar else { return }
        Self.write("\r" + line(step: step, logs: logs, bar: true))
    }

    /// At the end of the epoch, with its final logs (validation included).
    func finish(logs: [(String, Float)]) {
        switch verbosity {
        case .silent: return
        case .progressBar: Self.write("\r" + line(step: steps, logs: logs, bar: true) + "\n")
        case .epochLines: Self.write(line(step: steps, logs: logs, bar: false) + "\n")
        }
    }

    /// `step/steps`, the bar, the time so far and per step, and the logs.
    func line(step: Int, logs: [(String, Float)], bar: Bool) -> String {
        let width = 20
        let done = steps > 0 ? width * step / steps : width
        let elapsed = Date().timeIntervalSince(start)
        let perStep = elapsed / Double(max(step, 1))
        let counter = String(repeating: " ", count: String(steps).count - String(step).count) + "\(step)/\(steps)"
        let seconds = "\(Int(elapsed.rounded()))s"
        let unit = perStep >= 1 ? "\(Int(perStep.rounded()))s/step" : "\(Int((perStep * 1000).rounded()))ms/step"
        let values = logs.map { " - \($0.0): " + String(format: "%.4f", $0.1) }.joined()
        if bar {
            let drawn = String(repeating: "━", count: done) + String(repeating: " ", count: width - done)
            return "\(counter) \(drawn) \(seconds) \(unit)\(values)"
        }
        return "\(counter) - \(seconds) - \(unit)\(values)"
    }

    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
