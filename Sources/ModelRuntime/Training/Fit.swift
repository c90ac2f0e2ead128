import Foundation

/// How much `fit` prints on standard error: Keras's `verbose` values.
public enum Verbosity: Sendable {
    /// Nothing (`verbose=0`).
    case silent
    /// A progress bar redrawn after every batch (`verbose=1`).
    case progressBar
    /// One line per epoch (`verbose=2`).
    case epochLines
}

/// What `fit` measured, epoch by epoch: Keras's `History`.
public struct History: Sendable, Equatable {
    /// Each quantity per epoch: `loss`, each metric, `<output>_loss` for several outputs, and
    /// their `val_` values with validation data; the keys of Keras's `history.history`.
    public var history: [String: [Float]] = [:]
    /// The epochs run, from 0.
    public var epoch: [Int] = []
}

extension Tensor {
    /// The rows (entries of the first axis) at `indices`, in that order.
    func gatheringRows(_ indices: some Collection<Int>) -> Tensor {
        let rowSize = shape.dropFirst().reduce(1, *)
        return Tensor(shape: [indices.count] + shape.dropFirst()) { out in
            withUnsafeScalars { values in
                guard let source = values.baseAddress, let target = out.baseAddress else { return }
                for (position, row) in indices.enumerated() {
                    (target + position * rowSize).update(from: source + row * rowSize, count: rowSize)
                }
            }
        }
    }

    /// The tensors' rows one after the other.
    static func concatenatingRows(_ parts: [Tensor]) -> Tensor {
        let shape = [parts.reduce(0) { $0 + $1.shape[0] }] + parts[0].shape.dropFirst()
        return Tensor(shape: shape) { out in
            var position = 0
            for part in parts {
                part.withUnsafeScalars { values in
                    for k in values.indices { out[position + k] = values[k] }
                }
                position += part.scalarCount
            }
        }
    }
}

/// The failure of `fit`, `evaluate` or `predict` on data that does not fit the model.
public struct TrainingError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension TrainableModel {
    /// Trains the model on `x` (one tensor per model input, samples along the first axis)
    /// against `y` (one per output), Keras's `model.fit`: `epochs` passes over the samples in
    /// batches of `batchSize` (the last may be smaller), shuffled each epoch from `seed` when
    /// `shuffle`, `optimizer` updating the trainable weights after each batch. The last
    /// `validationSplit` of the samples (before shuffling) are held out and evaluated after each
    /// epoch. One `loss` applies to every output, as in Keras. `sampleWeight` (one weight per
    /// sample) or `classWeight` (a weight per class id) weigh each sample's loss, as Keras's
    /// `sample_weight` and `class_weight` do. Returns the per-epoch history.
    @discardableResult
    public mutating func fit(
        x: [Tensor], y: [Tensor], loss: Loss, optimizer: inout some Optimizer, batchSize: Int = 32,
        epochs: Int = 1, shuffle: Bool = true, seed: UInt64? = nil, validationSplit: Double = 0,
        sampleWeight: Tensor? = nil, classWeight: [Int: Float]? = nil, metrics: [Metric] = [],
        callbacks: [any TrainingCallback] = [], verbose: Verbosity = .progressBar
    ) throws -> History {
        try fit(
            x: x, y: y, losses: Array(repeating: loss, count: y.count), optimizer: &optimizer, batchSize: batchSize,
            epochs: epochs, shuffle: shuffle, seed: seed, validationSplit: validationSplit, sampleWeight: sampleWeight,
            classWeight: classWeight, metrics: metrics, callbacks: callbacks, verbose: verbose)
    }

    /// `fit` with a loss per output (in `output_layers` order), weighted by `lossWeights`
    /// (Keras's `loss_weights`; 1 each when nil). `callbacks` (``EarlyStopping``,
    /// ``ModelCheckpoint``, your own) run after each epoch, in order.
    ///
    /// With `sampleWeight` a batch's loss is `sum(w · loss) / n` over its n samples, and the
    /// held-out samples keep their weights; `classWeight` (one output only) weighs each
    /// training sample by its class (the largest entry of a one-hot target, or the class id),
    /// 1 for a class it does not list, and leaves the held-out samples unweighted, as Keras.
    /// Metrics are not weighted (Keras's `metrics`) unless they are ``Metric/weighted`` (Keras's
    /// `weighted_metrics`).
    @discardableResult
    public mutating func fit(
        x: [Tensor], y: [Tensor], losses: [Loss], lossWeights: [Float]? = nil, optimizer: inout some Optimizer,
        batchSize: Int = 32, epochs: Int = 1, shuffle: Bool = true, seed: UInt64? = nil,
        validationSplit: Double = 0, sampleWeight: Tensor? = nil, classWeight: [Int: Float]? = nil,
        metrics: [Metric] = [], callbacks: [any TrainingCallback] = [], verbose: Verbosity = .progressBar
    ) throws -> History {
        var callbacks = callbacks
        let objective = try Objective(model: self, losses: losses, weights: lossWeights, metrics: metrics)
        let count = try objective.sampleCount(x: x, y: y)
        guard batchSize > 0, epochs >= 0, validationSplit >= 0, validationSplit < 1 else {
            throw TrainingError("fit: batchSize must be positive and validationSplit in [0, 1)")
        }
        let trainCount = validationSplit > 0 ? Int((Double(count) * (1 - validationSplit)).rounded(.down)) : count
        guard trainCount > 0 else { throw TrainingError("fit: no training samples left after the validation split") }
        let perSample = try Objective.sampleWeights(sampleWeight, classWeight, y: y, count: count)
        let trainingWeights = perSample?.gatheringRows(0..<trainCount)
        let heldWeights = classWeight == nil ? perSample?.gatheringRows(trainCount..<count) : nil
        let seed = seed ?? Seeds.fresh()
        var shuffler = TrainingContext(seed: Seeds.mix(seed, 1))
        var context = TrainingContext(isTraining: true, seed: Seeds.mix(seed, 2))
        let mask = trainableWeightMask
        context.trainableWeightMask = mask
        let penalties = try WeightPenalties(self)
        var history = History()
        let steps = (trainCount + batchSize - 1) / batchSize
        for epoch in 0..<epochs {
            var order = Array(0..<trainCount)
            if shuffle {
                let draws = shuffler.nextGenerator().uniform(count: trainCount)
                for i in stride(from: trainCount - 1, to: 0, by: -1) {
                    order.swapAt(i, Int(draws[i] * Double(i + 1)))
                }
            }
            var progress = Progress(epoch: epoch, epochs: epochs, steps: steps, verbosity: verbose)
            var totals = Objective.Totals()
            for step in 0..<steps {
                let rows = order[(step * batchSize)..<min((step + 1) * batchSize, trainCount)]
                let inputs = x.map { $0.gatheringRows(rows) }
                let targets = y.map { $0.gatheringRows(rows) }
                let batchWeights = trainingWeights?.gatheringRows(rows)
                context.activityLoss = 0
                var gradients = trainingStep(inputs, &context) { outputs in
                    objective.gradients(outputs, targets, sampleWeight: batchWeights, into: &totals)
                }
                // The activity regularizers' penalties, which the step's calls added.
                totals.loss += Double(context.activityLoss) * Double(rows.count)
                var trainable = zip(weights, mask).filter(\.1).map(\.0)
                if !penalties.isEmpty {
                    // Keras adds the regularizers' losses, on the weights before the step.
                    totals.loss += Double(penalties.loss(trainable)) * Double(rows.count)
                    gradients = penalties.adding(to: gradients, of: trainable)
                }
                optimizer.apply(gradients, to: &trainable)
                if !penalties.isEmpty { trainable = penalties.constrained(trainable) }
                try setTrainableWeights(trainable, mask: mask)
                progress.step(step + 1, logs: totals.logs(objective))
            }
            var logs = totals.logs(objective)
            if trainCount < count {
                let held = Array(trainCount..<count)
                let validation = objective.evaluate(
                    self, x: x.map { $0.gatheringRows(held) }, y: y.map { $0.gatheringRows(held) },
                    sampleWeight: heldWeights, batchSize: batchSize, regularization: penalties.loss(trainableWeights),
                    activity: penalties.hasActivityRegularizers)
                logs += validation.map { ("val_" + $0.0, $0.1) }
            }
            for (key, value) in logs { history.history[key, default: []].append(value) }
            history.epoch.append(epoch)
            progress.finish(logs: logs)
            var stop = false
            let named = Dictionary(logs) { first, _ in first }
            for index in callbacks.indices where try callbacks[index].epochEnded(epoch, logs: named, model: &self) {
                stop = true
            }
            if stop { break }
        }
        for index in callbacks.indices { try callbacks[index].trainingEnded(model: &self) }
        return history
    }

    /// The loss (and metrics) of the model on `x` against `y`, Keras's `evaluate`: the loss
    /// averaged over the samples (each weighted by `sampleWeight` when given, as in `fit`),
    /// computed in batches at inference.
    public func evaluate(
        x: [Tensor], y: [Tensor], loss: Loss, batchSize: Int = 32, sampleWeight: Tensor? = nil,
        metrics: [Metric] = []
    ) throws -> [String: Float] {
        let objective = try Objective(
            model: self, losses: Array(repeating: loss, count: y.count), weights: nil, metrics: metrics)
        let count = try objective.sampleCount(x: x, y: y)
        let weights = try Objective.sampleWeights(sampleWeight, nil, y: y, count: count)
        let penalties = try WeightPenalties(self)
        let logs = objective.evaluate(
            self, x: x, y: y, sampleWeight: weights, batchSize: batchSize,
            regularization: penalties.loss(trainableWeights), activity: penalties.hasActivityRegularizers)
        return Dictionary(logs) { first, _ in first }
    }

    /// The outputs for `x`, computed in batches of `batchSize` at inference: Keras's `predict`.
    public func predict(x: [Tensor], batchSize: Int = 32) -> [Tensor] {
        let count = x.first?.shape.first ?? 0
        var parts: [[Tensor]] = []
        for start in stride(from: 0, to: count, by: max(batchSize, 1)) {
            let rows = start..<min(start + batchSize, count)
            parts.append(outputList(for: x.map { $0.gatheringRows(rows) }))
        }
        guard let first = parts.first else { return [] }
        return first.indices.map { output in Tensor.concatenatingRows(parts.map { $0[output] }) }
    }
}

/// The losses and metrics of one `fit` or `evaluate`, per output, and their running totals.
struct Objective {
    let losses: [Loss]
    let weights: [Float]
    let metrics: [Metric]
    let outputNames: [String]

    init<M: Model>(model: M, losses: [Loss], weights: [Float]?, metrics: [Metric]) throws {
        let graph = M.Config.graph
        let configs = model.config.layers
        outputNames = graph.outputs.map { configs[graph.nodes[$0.node].layer].name }
        guard losses.count == outputNames.count else {
            throw TrainingError("\(M.self) has \(outputNames.count) outputs; \(losses.count) losses given")
        }
        guard weights == nil || weights!.count == losses.count else {
            throw TrainingError("\(M.self): \(weights!.count) loss weights for \(losses.count) outputs")
        }
        self.losses = losses
        self.weights = weights ?? Array(repeating: 1, count: losses.count)
        self.metrics = metrics
    }

    /// The number of samples, checked to be the same in every input and target.
    func sampleCount(x: [Tensor], y: [Tensor]) throws -> Int {
        guard y.count == losses.count else {
            throw TrainingError("\(y.count) target tensors for \(losses.count) outputs")
        }
        let counts = Set((x + y).map { $0.shape.first ?? 0 })
        guard counts.count == 1, let count = counts.first, count > 0 else {
            throw TrainingError("inputs and targets must have the same number of samples, found \(counts.sorted())")
        }
        return count
    }

    /// Sums of the loss, the per-output losses and the metrics, over the samples so far.
    struct Totals {
        var samples = 0
        var loss: Double = 0
        var outputLosses: [Double] = []
        var metrics: [[Double]] = []
        /// What each metric's sum is divided by: the samples, or a weighted metric's weights.
        var metricCounts: [[Double]] = []

        /// The averages so far, named as in Keras's logs.
        func logs(_ objective: Objective) -> [(String, Float)] {
            let n = Double(max(samples, 1))
            var logs = [("loss", Float(loss / n))]
            let several = objective.losses.count > 1
            for (output, name) in objective.outputNames.enumerated() {
                if several, output < outputLosses.count {
                    logs.append(("\(name)_loss", Float(outputLosses[output] / n)))
                }
                for (index, metric) in objective.metrics.enumerated() where output < metrics.count {
                    let count = metricCounts[output][index]
                    logs.append(
                        (
                            several ? "\(name)_\(metric.name)" : metric.name,
                            Float(metrics[output][index] / max(count, 1e-30))
                        ))
                }
            }
            return logs
        }
    }

    /// The samples' weights from `fit`'s `sampleWeight` or `classWeight` (nil when neither),
    /// checked against the `count` samples and `y`.
    static func sampleWeights(
        _ sampleWeight: Tensor?, _ classWeight: [Int: Float]?, y: [Tensor], count: Int
    ) throws -> Tensor? {
        if let sampleWeight {
            guard classWeight == nil else { throw TrainingError("fit: give sampleWeight or classWeight, not both") }
            guard sampleWeight.shape == [count] || sampleWeight.shape == [count, 1] else {
                throw TrainingError(
                    "sampleWeight: one weight per sample expected, \(count), found \(sampleWeight.shape)")
            }
            return sampleWeight.reshaped(to: [count])
        }
        guard let classWeight else { return nil }
        guard y.count == 1 else { throw TrainingError("fit: classWeight is for a model of one output") }
        // Keras's class of a sample: the argmax of a one-hot row, else the (rounded) class id.
        let target = y[0]
        let width = target.rank > 1 ? target.shape[target.rank - 1] : 1
        guard target.scalarCount == count * width else {
            throw TrainingError("fit: classWeight takes targets of one class per sample, found \(target.shape)")
        }
        let values = target.scalars
        let weights = (0..<count).map { sample -> Float in
            let row = values[(sample * width)..<((sample + 1) * width)]
            let id = width == 1 ? Int(row.first!.rounded()) : row.indices.max { row[$0] < row[$1] }! - sample * width
            return classWeight[id] ?? 1
        }
        return Tensor(shape: [count], scalars: weights)
    }

    /// ∂loss/∂output of each output for one batch, each sample's loss weighted by
    /// `sampleWeight` when given, adding the batch's loss and metrics to `totals`.
    func gradients(
        _ outputs: [Tensor], _ targets: [Tensor], sampleWeight: Tensor? = nil, into totals: inout Totals
    ) -> [Tensor] {
        let batch = outputs.first?.shape.first ?? 0
        if totals.outputLosses.isEmpty {
            totals.outputLosses = Array(repeating: 0, count: outputs.count)
            totals.metrics = outputs.map { _ in Array(repeating: 0, count: metrics.count) }
            totals.metricCounts = totals.metrics
        }
        var gradients: [Tensor] = []
        for (output, prediction) in outputs.enumerated() {
            let (value, gradient) = losses[output].valueAndGradient(
                prediction, targets[output], sampleWeight: sampleWeight)
            let weight = weights[output]
            totals.loss += Double(weight * value) * Double(batch)
            totals.outputLosses[output] += Double(value) * Double(batch)
            for (index, metric) in metrics.enumerated() {
                let (sum, count) = metric.sum(prediction, targets[output], weights: sampleWeight)
                totals.metrics[output][index] += sum
                totals.metricCounts[output][index] += count
            }
            gradients.append(weight == 1 ? gradient : gradient.mappingScalars { $0 * weight })
        }
        totals.samples += batch
        return gradients
    }

    /// The loss and metrics of `model` on `x` against `y`, at inference, in batches; the loss
    /// includes the weights' `regularization` and, with `activity`, the activity regularizers'
    /// penalties (the calls then run through the inference-mode training step, which adds
    /// them), as Keras's does.
    func evaluate<M: TrainableModel>(
        _ model: M, x: [Tensor], y: [Tensor], sampleWeight: Tensor? = nil, batchSize: Int, regularization: Float,
        activity: Bool = false
    ) -> [(String, Float)] {
        var totals = Totals()
        let count = x.first?.shape.first ?? 0
        var stepping = model
        for start in stride(from: 0, to: count, by: max(batchSize, 1)) {
            let rows = start..<min(start + batchSize, count)
            let inputs = x.map { $0.gatheringRows(rows) }
            var outputs: [Tensor] = []
            if activity {
                var context = TrainingContext(isTraining: false)
                _ = stepping.trainingStep(inputs, &context) { given in
                    outputs = given
                    return given.map { Tensor(shape: $0.shape, repeating: 0) }
                }
                totals.loss += Double(context.activityLoss) * Double(rows.count)
            } else {
                outputs = model.outputList(for: inputs)
            }
            _ = gradients(
                outputs, y.map { $0.gatheringRows(rows) }, sampleWeight: sampleWeight?.gatheringRows(rows),
                into: &totals)
        }
        totals.loss += Double(regularization) * Double(totals.samples)
        return totals.logs(self)
    }
}
