/// A layer: a typed Keras config and the weights built from it. Layers are values; their
/// weights are copy-on-write tensors.
public protocol Layer: Sendable {
    /// The layer's typed Keras config.
    associatedtype Config: KerasConfig
    /// The config the layer was built from.
    var config: Config { get }
    /// The weights in Keras's `get_weights()` order.
    var weights: [Tensor] { get }
    /// Replaces the weights, given in Keras's `get_weights()` order. Throws, leaving the layer
    /// unchanged, when their number or shapes don't match.
    mutating func setWeights(_ weights: [Tensor]) throws
    /// The same layer built again, on the same input, from `config` with fresh weights drawn
    /// from `seed`. Throws when `config` cannot take the layer's input.
    func rebuilt(config: Config, seed: UInt64) throws -> Self
}

/// A layer with one input and one output whose shapes are known when it is built.
public protocol UnaryLayer: Layer where Config: UnaryLayerConfig {
    /// Builds the layer for inputs of `inputShape` with fresh weights drawn from `seed`.
    init(config: Config, inputShape: TensorShape, seed: UInt64) throws
    /// The shape the layer was built for.
    var inputShape: TensorShape { get }
    /// The shape it returns.
    var outputShape: TensorShape { get }
    /// Runs the layer (inference).
    func callAsFunction(_ input: Tensor) -> Tensor
    /// Runs the layer on an input the caller gives up: a layer whose output has the input's
    /// shape (an activation) may write it into the input's scalars when no other tensor shares
    /// them. The same values as `callAsFunction(_:)`, which the default runs.
    func callAsFunction(reusing input: consuming Tensor) -> Tensor
}

/// The config type of a single-input layer type. Generated code spells a custom layer's
/// config as `ConfigOf<ChannelScale>`, so that a type that is missing, or is not a
/// `UnaryLayer`, fails the build at that line (which points to the spec's layer).
public typealias ConfigOf<L: UnaryLayer> = L.Config

/// A layer that merges several inputs into one output (Keras's merging layers).
public protocol MergeLayer: Layer where Config: LayerConfig {
    /// Builds the layer for inputs of `inputShapes` with fresh weights drawn from `seed`.
    init(config: Config, inputShapes: [TensorShape], seed: UInt64) throws
    /// The shapes the layer was built for.
    var inputShapes: [TensorShape] { get }
    /// The shape it returns.
    var outputShape: TensorShape { get }
    /// Runs the layer on its inputs, in call order.
    func callAsFunction(_ inputs: [Tensor]) -> Tensor
    /// Runs the layer on inputs the caller gives up (some or all): a layer may write its output
    /// into the scalars of an input no other tensor shares (`Add`). The same values as
    /// `callAsFunction(_:)`, which the default runs.
    func callAsFunction(reusing inputs: consuming [Tensor]) -> Tensor
}

extension MergeLayer {
    public func callAsFunction(reusing inputs: consuming [Tensor]) -> Tensor { self(inputs) }

    public func rebuilt(config: Config, seed: UInt64) throws -> Self {
        try Self(config: config, inputShapes: inputShapes, seed: seed)
    }
}

/// A single-input layer whose calls can give several outputs (recurrent layers with
/// `return_state`, `Bidirectional` with `merge_mode` None); generated code calls `outputs(_:)`.
public protocol MultiOutputLayer: UnaryLayer {
    /// Every output of a call, in Keras's order (the output, then the states).
    func outputs(_ input: Tensor) -> [Tensor]
}

/// A merge layer without weights.
public protocol WeightlessMerge: MergeLayer {}

extension WeightlessMerge {
    public var weights: [Tensor] { [] }
    public mutating func setWeights(_ weights: [Tensor]) throws {
        try checkWeights(weights, against: [], layer: config.name)
    }
}

/// A unary layer without weights (activations, dropout at inference, reshaping).
public protocol WeightlessLayer: UnaryLayer {}

extension WeightlessLayer {
    public var weights: [Tensor] { [] }
    public mutating func setWeights(_ weights: [Tensor]) throws {
        try checkWeights(weights, against: [], layer: config.name)
    }
}

extension UnaryLayer {
    public func callAsFunction(reusing input: consuming Tensor) -> Tensor { self(input) }

    public func rebuilt(config: Config, seed: UInt64) throws -> Self {
        try Self(config: config, inputShape: inputShape, seed: seed)
    }
}

/// A whole model: a layer whose config is a model config, with the API every generated model
/// has. The call (`callAsFunction`) is generated with one `Tensor` per model input.
public protocol Model: Layer where Config: ModelConfig {
    /// The model as its spec describes it, with fresh weights drawn from `seed` (a random
    /// seed when `nil`).
    init(seed: UInt64?)
    /// The model built from `config`, with fresh weights drawn from `seed`. Throws when the
    /// config's layers don't fit together.
    init(config: Config, seed: UInt64?) throws
    /// A copy of the model whose layers `cloner` made, for a model found at `path` in an outer
    /// model; `recursive` makes the cloner go into nested models instead of cloning each as
    /// one layer.
    func clone(with cloner: some LayerCloner, recursive: Bool, at path: LayerPath) -> Self
}

extension Model {
    /// The model as its spec describes it, with fresh weights drawn from `seed` (a random
    /// seed when `nil`). The spec was validated when the code was generated, so this cannot
    /// fail.
    public init(seed: UInt64? = nil) {
        do {
            try self.init(config: Config(), seed: seed)
        } catch {
            preconditionFailure("\(Self.self): the generated config does not build: \(error)")
        }
    }

    /// The model read from Keras JSON (`model.to_json()`), with fresh weights. Throws a
    /// located error when the JSON is not a model of this type's architecture.
    public init(kerasJSON: String, seed: UInt64? = nil) throws {
        try self.init(config: Config(kerasJSON: kerasJSON), seed: seed)
    }

    /// The model's architecture as Keras JSON, loadable by `keras.models.model_from_json`.
    public func kerasJSON() -> String {
        do {
            return try config.kerasJSON()
        } catch {
            preconditionFailure("\(Self.self): the config of a built model always encodes: \(error)")
        }
    }

    /// A copy of the model whose layers `cloner` made: fresh weights by default, like
    /// Keras's `clone_model`. With `recursive`, the cloner goes into nested models and clones
    /// their layers; without, it clones each nested model as one layer.
    public func clone(with cloner: some LayerCloner = FreshWeights(), recursive: Bool = false) -> Self {
        clone(with: cloner, recursive: recursive, at: LayerPath([]))
    }

    /// The shapes of the model's inputs, in `input_layers` order.
    public var inputShapes: [TensorShape] { config.inputShapes }

    /// The shapes of the model's outputs, in `output_layers` order.
    public var outputShapes: [TensorShape] {
        do {
            return try config.outputShapes(forInputs: config.inputShapes)
        } catch {
            preconditionFailure("\(Self.self): the config of a built model always fits: \(error)")
        }
    }

    public func rebuilt(config: Config, seed: UInt64) throws -> Self {
        try Self(config: config, seed: seed)
    }
}

/// A failure to set weights, naming the model, the layer and what didn't match.
public struct WeightError: Error, Sendable, CustomStringConvertible {
    /// What didn't match.
    public var message: String
    /// An error with `message`.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Hands out a flat list of weights layer by layer, as generated `setWeights` does.
public struct WeightAssignment {
    private let weights: [Tensor]
    private var next = 0
    private let owner: String

    /// Starts handing out `weights` for the model `owner`.
    public init(_ weights: [Tensor], for owner: String) {
        self.weights = weights
        self.owner = owner
    }

    /// Sets the next `layer.weights.count` tensors on `layer`.
    public mutating func assign<L: Layer>(to layer: inout L, name: String) throws {
        let count = layer.weights.count
        guard next + count <= weights.count else {
            throw WeightError(
                "\(owner).setWeights: got \(weights.count) tensors, but layer '\(name)' needs tensors "
                    + "\(next)..<\(next + count)"
            )
        }
        do {
            try layer.setWeights(Array(weights[next..<(next + count)]))
        } catch {
            throw WeightError("\(owner).setWeights: \(error)")
        }
        next += count
    }

    /// Checks that every tensor was used.
    public func finish() throws {
        guard next == weights.count else {
            throw WeightError("\(owner).setWeights: expected \(next) tensors, got \(weights.count)")
        }
    }
}

/// Checks tensors against a layer's weight specs: their number and shapes. Custom layers call
/// it first in `setWeights(_:)`; the error names the layer and the weight.
public func checkWeights(_ given: [Tensor], against specs: [WeightSpec], layer: String) throws {
    guard given.count == specs.count else {
        let names = specs.map(\.name).joined(separator: ", ")
        throw WeightError("layer '\(layer)' expects \(specs.count) weights (\(names)), got \(given.count)")
    }
    for (tensor, spec) in zip(given, specs) where tensor.shape != spec.shape {
        throw WeightError("layer '\(layer)': weight '\(spec.name)' must have shape \(spec.shape), got \(tensor.shape)")
    }
}

/// Draws fresh weights for specs from their initializers, each from its own seed derived from
/// `seed` and its name, as built-in layers do; custom layers call it in their initializer.
public func freshWeights(_ specs: [WeightSpec], seed: UInt64) -> [Tensor] {
    specs.map { $0.initializer.sample(shape: $0.shape, seed: Seeds.derive(seed, $0.name)) }
}

/// A built-in layer's weights: the specs its config gives for its input shapes and a tensor for
/// each, in Keras's `get_weights()` order. Layers read them by Keras's variable names, so which
/// weights a config has (a bias only with `use_bias`, `gamma` only with `scale`) is decided once,
/// by the config's `weights(for:)`.
struct LayerWeights: Sendable {
    /// Each weight's name, shape and initializer.
    let specs: [WeightSpec]
    /// The tensors, in the specs' order.
    private(set) var tensors: [Tensor]

    /// Fresh weights for `specs`, drawn as `freshWeights(_:seed:)` draws them.
    init(_ specs: [WeightSpec], seed: UInt64) {
        self.specs = specs
        tensors = freshWeights(specs, seed: seed)
    }

    /// The weight Keras calls `name` (`kernel`, `bias`, `gamma`), or nil when the config has none.
    subscript(name: String) -> Tensor? {
        specs.firstIndex { $0.name == name }.map { tensors[$0] }
    }

    /// Replaces every tensor with `weights`, checked against the specs first.
    mutating func set(_ weights: [Tensor], layer: String) throws {
        try checkWeights(weights, against: specs, layer: layer)
        tensors = weights
    }

    /// Sets the forget gate's fresh biases to 1 (Keras's `unit_forget_bias` for LSTM and
    /// ConvLSTM, whose gates are ordered input, forget, cell, output), when there is a bias.
    mutating func setForgetGateBias(units: Int) {
        guard let index = specs.firstIndex(where: { $0.name == "bias" }) else { return }
        tensors[index].withUnsafeMutableScalars { values in for j in units..<(2 * units) { values[j] = 1 } }
    }
}
