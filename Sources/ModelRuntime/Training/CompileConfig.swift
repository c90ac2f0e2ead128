import Foundation

/// What `model.compile(...)` saved in a `.keras` archive's `compile_config`, typed: the
/// optimizer (with its learning rate or schedule and clipping), a loss and loss weight per
/// output, and the metrics. Pass it to `fit(x:y:compiled:...)` to train as Keras would have.
public struct CompileConfig: Sendable {
    /// The optimizer, fresh (no steps taken).
    public var optimizer: any Optimizer
    /// One loss per output, in `output_layers` order.
    public var losses: [Loss]
    /// Keras's `loss_weights`, per output; nil for 1 each.
    public var lossWeights: [Float]?
    /// The metrics, each under its Keras name: `metrics`, then `weighted_metrics` (``Metric/weighted``).
    public var metrics: [Metric]

    /// The config with these values.
    public init(optimizer: any Optimizer, losses: [Loss], lossWeights: [Float]? = nil, metrics: [Metric] = []) {
        self.optimizer = optimizer
        self.losses = losses
        self.lossWeights = lossWeights
        self.metrics = metrics
    }

    /// Reads the `compile_config` object (JSON text) of a model whose outputs are named
    /// `outputNames`. Throws a `CompileConfigError` at the value Swift has no twin for.
    public init(kerasJSON text: String, outputNames: [String]) throws {
        let node: JSONNode
        do { node = try JSONReader.parse(text) } catch { throw CompileConfigError(error.description, at: nil) }
        try self.init(node, outputNames: outputNames)
    }

    init(_ node: JSONNode, outputNames: [String]) throws {
        guard node.value.objectMembers != nil else { throw CompileConfigError("expected an object", at: node) }
        guard let optimizer = node.value["optimizer"] else {
            throw CompileConfigError("no optimizer: the model was saved without compile()", at: node)
        }
        self.optimizer = try Self.optimizer(optimizer)
        guard let loss = node.value["loss"], !loss.value.isNull else {
            throw CompileConfigError("no loss", at: node)
        }
        losses = try Self.perOutput(loss, outputNames: outputNames, what: "loss") { try Self.loss($0) }
        if let weights = node.value["loss_weights"], !weights.value.isNull {
            lossWeights = try Self.perOutput(weights, outputNames: outputNames, what: "loss weight") { value in
                guard let number = value.value.doubleValue else {
                    throw CompileConfigError("expected a number", at: value)
                }
                return Float(number)
            }
        }
        metrics = try (node.value["metrics"]?.value.arrayElements ?? []).map { try Self.metric($0) }
        // Keras's weighted_metrics: the same metrics, weighted by the samples' weights.
        metrics += try (node.value["weighted_metrics"]?.value.arrayElements ?? []).map {
            try Self.metric($0).sampleWeighted
        }
    }

    /// A value per output: one for all, a list in output order, or an object keyed by output name.
    static func perOutput<T>(
        _ node: JSONNode, outputNames: [String], what: String, _ read: (JSONNode) throws -> T
    ) throws -> [T] {
        if let list = node.value.arrayElements {
            guard list.count == outputNames.count else {
                throw CompileConfigError("\(list.count) \(what)es for \(outputNames.count) outputs", at: node)
            }
            return try list.map(read)
        }
        if let members = node.value.objectMembers, node.value["class_name"] == nil {
            return try outputNames.map { name in
                guard let member = members.first(where: { $0.key == name }) else {
                    throw CompileConfigError("no \(what) for the output '\(name)'", at: node)
                }
                return try read(member.value)
            }
        }
        let one = try read(node)
        return outputNames.map { _ in one }
    }

    /// `"name"` or a serialized Keras object: its class name and config.
    static func object(_ node: JSONNode) throws -> (name: String, config: JSONValue) {
        guard let parts = kerasObjectParts(node.value) else {
            throw CompileConfigError("expected a name or a Keras object with a class_name", at: node)
        }
        return parts
    }

    static func loss(_ node: JSONNode) throws -> Loss {
        let (name, config) = try object(node)
        let fromLogits = config["from_logits"]?.value.boolValue ?? false
        let smoothing = Float(config["label_smoothing"]?.value.doubleValue ?? 0)
        switch name {
        case "mean_squared_error", "mse", "MeanSquaredError": return .meanSquaredError
        case "mean_absolute_error", "mae", "MeanAbsoluteError": return .meanAbsoluteError
        case "huber", "huber_loss", "Huber": return .huber(delta: Float(config["delta"]?.value.doubleValue ?? 1))
        case "log_cosh", "logcosh", "LogCosh": return .logCosh
        case "binary_crossentropy", "BinaryCrossentropy":
            return .binaryCrossentropy(fromLogits: fromLogits, labelSmoothing: smoothing)
        case "categorical_crossentropy", "CategoricalCrossentropy":
            return .categoricalCrossentropy(fromLogits: fromLogits, labelSmoothing: smoothing)
        case "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy":
            return .sparseCategoricalCrossentropy(fromLogits: fromLogits)
        case "kl_divergence", "kld", "kullback_leibler_divergence", "KLDivergence": return .kullbackLeiblerDivergence
        case "cosine_similarity", "CosineSimilarity": return .cosineSimilarity
        default: throw CompileConfigError("the loss '\(name)' has no Swift twin yet", at: node)
        }
    }

    static func metric(_ node: JSONNode) throws -> Metric {
        let (name, config) = try object(node)
        let reported = config["name"]?.value.stringValue
        let kinds: [String: Metric.Kind] = [
            "Accuracy": .accuracy, "BinaryAccuracy": .binaryAccuracy(threshold: 0.5),
            "CategoricalAccuracy": .categoricalAccuracy, "SparseCategoricalAccuracy": .sparseCategoricalAccuracy,
            "MeanAbsoluteError": .meanAbsoluteError, "MeanSquaredError": .meanSquaredError,
        ]
        if let kind = kinds[name] {
            if case .binaryAccuracy = kind, let threshold = config["threshold"]?.value.doubleValue {
                return Metric(.binaryAccuracy(threshold: Float(threshold)), name: reported ?? "binary_accuracy")
            }
            return Metric(kind, name: reported ?? name)
        }
        guard let metric = Metric(kerasName: name) else {
            throw CompileConfigError("the metric '\(name)' has no Swift twin yet", at: node)
        }
        return metric
    }

    static func optimizer(_ node: JSONNode) throws -> any Optimizer {
        let (name, config) = try object(node)
        func number(_ key: String, _ fallback: Double) throws -> Float {
            guard let value = config[key], !value.value.isNull else { return Float(fallback) }
            guard let double = value.value.doubleValue else { throw CompileConfigError("expected a number", at: value) }
            return Float(double)
        }
        func optional(_ key: String) throws -> Float? {
            guard let value = config[key], !value.value.isNull else { return nil }
            return try number(key, 0)
        }
        let rate = try learningRate(config["learning_rate"], fallback: name == "SGD" || name == "sgd" ? 0.01 : 0.001)
        let (clipNorm, clipValue, globalClipNorm) = (
            try optional("clipnorm"), try optional("clipvalue"), try optional("global_clipnorm")
        )
        for unsupported in ["use_ema", "amsgrad"] where config[unsupported]?.value.boolValue == true {
            throw CompileConfigError("the optimizer's '\(unsupported)' is not supported yet", at: config[unsupported])
        }
        let weightDecay = try optional("weight_decay")
        if weightDecay != nil && name != "AdamW" && name != "adamw" {
            throw CompileConfigError("weight_decay on \(name) is not supported yet", at: config["weight_decay"])
        }
        switch name {
        case "SGD", "sgd":
            return SGD(
                learningRate: rate, momentum: try number("momentum", 0),
                nesterov: config["nesterov"]?.value.boolValue ?? false, clipNorm: clipNorm, clipValue: clipValue,
                globalClipNorm: globalClipNorm)
        case "Adam", "adam":
            return Adam(
                learningRate: rate, beta1: try number("beta_1", 0.9), beta2: try number("beta_2", 0.999),
                epsilon: try number("epsilon", 1e-7), clipNorm: clipNorm, clipValue: clipValue,
                globalClipNorm: globalClipNorm)
        case "AdamW", "adamw":
            return AdamW(
                learningRate: rate, weightDecay: weightDecay ?? 0.004, beta1: try number("beta_1", 0.9),
                beta2: try number("beta_2", 0.999), epsilon: try number("epsilon", 1e-7), clipNorm: clipNorm,
                clipValue: clipValue, globalClipNorm: globalClipNorm)
        case "Nadam", "nadam":
            return Nadam(
                learningRate: rate, beta1: try number("beta_1", 0.9), beta2: try number("beta_2", 0.999),
                epsilon: try number("epsilon", 1e-7), clipNorm: clipNorm, clipValue: clipValue,
                globalClipNorm: globalClipNorm)
        case "RMSprop", "rmsprop":
            return RMSprop(
                learningRate: rate, rho: try number("rho", 0.9), momentum: try number("momentum", 0),
                epsilon: try number("epsilon", 1e-7), centered: config["centered"]?.value.boolValue ?? false,
                clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm)
        case "Adagrad", "adagrad":
            return Adagrad(
                learningRate: rate, initialAccumulatorValue: try number("initial_accumulator_value", 0.1),
                epsilon: try number("epsilon", 1e-7), clipNorm: clipNorm, clipValue: clipValue,
                globalClipNorm: globalClipNorm)
        default:
            throw CompileConfigError("the optimizer '\(name)' has no Swift twin yet", at: node)
        }
    }

    /// A number, or a serialized `ExponentialDecay` / `CosineDecay` schedule.
    static func learningRate(_ node: JSONNode?, fallback: Double) throws -> LearningRate {
        guard let node, !node.value.isNull else { return .constant(Float(fallback)) }
        if let rate = node.value.doubleValue { return .constant(Float(rate)) }
        let (name, config) = try object(node)
        func number(_ key: String) throws -> Double {
            guard let value = config[key]?.value.doubleValue else {
                throw CompileConfigError("the schedule has no number '\(key)'", at: node)
            }
            return value
        }
        switch name {
        case "ExponentialDecay":
            return .exponentialDecay(
                initial: Float(try number("initial_learning_rate")), decaySteps: Int(try number("decay_steps")),
                decayRate: Float(try number("decay_rate")), staircase: config["staircase"]?.value.boolValue ?? false)
        case "CosineDecay":
            if let warmup = config["warmup_steps"]?.value.intValue, warmup > 0 {
                throw CompileConfigError("CosineDecay with warmup is not supported yet", at: node)
            }
            return .cosineDecay(
                initial: Float(try number("initial_learning_rate")), decaySteps: Int(try number("decay_steps")),
                alpha: Float(config["alpha"]?.value.doubleValue ?? 0))
        default:
            throw CompileConfigError("the learning rate schedule '\(name)' has no Swift twin yet", at: node)
        }
    }
}

/// A `compile_config` value Swift cannot read, with its line and column in the JSON.
public struct CompileConfigError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// Where, in the `compile_config` JSON (of `config.json` for a `.keras` archive).
    public var location: SourceLocation?

    init(_ message: String, at node: JSONNode?) {
        self.message = message
        location = node?.location
    }

    public var description: String {
        location.map { "\($0): error: \(message)" } ?? "error: \(message)"
    }
}

extension Model {
    /// The `compile_config` Keras saved in the `.keras` archive at `url`, typed for this
    /// model's outputs. Throws when the model was saved without `compile()`, or with a loss,
    /// optimizer or metric that has no Swift twin yet (naming it, at its line and column in
    /// the archive's `config.json`).
    public static func compileConfig(contentsOf url: URL) throws -> CompileConfig {
        let file = try MappedFile(url)
        let json = try file.withBytes { try KerasArchive.configJSON($0) }
        let root: JSONNode
        do { root = try JSONReader.parse(json) } catch { throw CompileConfigError(error.description, at: nil) }
        guard let node = root.value["compile_config"], node.value.objectMembers?.isEmpty == false else {
            throw CompileConfigError(
                "\(url.lastPathComponent) has no compile_config: saved without compile()", at: root)
        }
        do {
            return try CompileConfig(node, outputNames: Self.outputNames)
        } catch var error as CompileConfigError {
            error.message = "\(url.lastPathComponent)/config.json: \(error.message)"
            throw error
        }
    }

    /// The names of the output layers, in `output_layers` order (Keras's `output_names`).
    public static var outputNames: [String] {
        let graph = Config.graph
        let layers = Config().layers
        return graph.outputs.map { layers[graph.nodes[$0.node].layer].name }
    }
}

extension TrainableModel {
    /// `fit` as `model.compile(...)` in Keras set it up: `compiled`'s optimizer (whose state
    /// the call advances), losses, loss weights and metrics.
    @discardableResult
    public mutating func fit(
        x: [Tensor], y: [Tensor], compiled: inout CompileConfig, batchSize: Int = 32, epochs: Int = 1,
        shuffle: Bool = true, seed: UInt64? = nil, validationSplit: Double = 0, sampleWeight: Tensor? = nil,
        classWeight: [Int: Float]? = nil, callbacks: [any TrainingCallback] = [], verbose: Verbosity = .progressBar
    ) throws -> History {
        var optimizer = ErasedOptimizer(base: compiled.optimizer)
        defer { compiled.optimizer = optimizer.base }
        return try fit(
            x: x, y: y, losses: compiled.losses, lossWeights: compiled.lossWeights, optimizer: &optimizer,
            batchSize: batchSize, epochs: epochs, shuffle: shuffle, seed: seed, validationSplit: validationSplit,
            sampleWeight: sampleWeight, classWeight: classWeight, metrics: compiled.metrics, callbacks: callbacks,
            verbose: verbose)
    }
}

/// An `any Optimizer` as an optimizer of one type, for `fit`'s `inout some Optimizer`.
struct ErasedOptimizer: Optimizer {
    var base: any Optimizer

    var options: OptimizerOptions {
        get { base.options }
        set { base.options = newValue }
    }

    mutating func update(_ weight: inout Tensor, gradient: Tensor, index: Int, learningRate: Float) {
        base.update(&weight, gradient: gradient, index: index, learningRate: learningRate)
    }

    mutating func beginStep() {
        base.beginStep()
    }

    func slotVariables(for shapes: [[Int]]) -> [Tensor] { base.slotVariables(for: shapes) }

    mutating func setSlotVariables(_ variables: [Tensor], for shapes: [[Int]]) throws {
        try base.setSlotVariables(variables, for: shapes)
    }
}
