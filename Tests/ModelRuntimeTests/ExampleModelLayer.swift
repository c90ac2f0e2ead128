// The subclassed model of Keras's own clone tests (keras/src/models/cloning_test.py), written in
// Swift: `ExampleModel(keras.Model)` with `d1 = Dense(2)`, `d2 = Dense(2)` and
// `call(x) = d2(d1(x))`, unregistered. `clone_model` cannot see inside it; here it is a custom
// layer (declared in this target's model-generator-config.json as `ExampleModel`), and the
// spec `Specs/cloning/cloning_subclassed.keras` becomes a model whose one layer it is.

import ModelRuntime

/// The config of `ExampleModel`: only the base `Model` fields, as Keras's `get_config()` of a
/// subclassed model without its own `get_config` gives them.
struct ExampleModelConfig: UnaryLayerConfig {
    static let className = "ExampleModel"
    /// Keras registers a class it saves without a package under its bare name.
    static let registeredName: String? = "ExampleModel"
    /// Keras writes `"module": null` for a class defined in the script it runs.
    static let module = "__main__"
    static let template = ExampleModelConfig()
    static let fields: [ConfigField<ExampleModelConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
    ]

    var name: String
    var trainable: Bool
    var dtype: DTypePolicy

    init(name: String = "example_model", trainable: Bool = true, dtype: DTypePolicy = .float32) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
    }

    /// The sublayers, named as Keras names them when the model is built (`dense`, `dense_1`).
    var d1: DenseConfig { DenseConfig(name: "dense", units: 2) }
    var d2: DenseConfig { DenseConfig(name: "dense_1", units: 2) }

    func outputShape(for input: TensorShape) throws -> TensorShape {
        try d2.outputShape(for: d1.outputShape(for: input))
    }

    func weights(for input: TensorShape) throws -> [WeightSpec] {
        try d1.weights(for: input) + d2.weights(for: d1.outputShape(for: input))
    }

    /// Keras saves a subclassed model's sublayers under their attribute names.
    func kerasWeightPaths(forInputs inputs: [TensorShape]) throws -> [String] {
        ["d1/vars/0", "d1/vars/1", "d2/vars/0", "d2/vars/1"]
    }
}

/// `ExampleModel`: `d2(d1(x))`.
struct ExampleModel: UnaryLayer {
    let config: ExampleModelConfig
    private var d1: Dense
    private var d2: Dense

    init(config: ExampleModelConfig, inputShape: TensorShape, seed: UInt64) throws {
        self.config = config
        d1 = try Dense(config: config.d1, inputShape: inputShape, seed: Seeds.derive(seed, "d1"))
        d2 = try Dense(config: config.d2, inputShape: d1.outputShape, seed: Seeds.derive(seed, "d2"))
    }

    var inputShape: TensorShape { d1.inputShape }
    var outputShape: TensorShape { d2.outputShape }
    var weights: [Tensor] { d1.weights + d2.weights }

    mutating func setWeights(_ weights: [Tensor]) throws {
        try checkWeights(weights, against: config.weights(for: inputShape), layer: config.name)
        try d1.setWeights(Array(weights[0..<2]))
        try d2.setWeights(Array(weights[2..<4]))
    }

    func callAsFunction(_ input: Tensor) -> Tensor { d2(d1(input)) }
}
