// Three custom layers written in Swift, twins of the Python classes in tools/custom_layers.py
// (registered in Keras with `@keras.saving.register_keras_serializable(package="Custom")`).
// Each is a typed config (its Keras fields, defaults, output shape and weights) and a
// `UnaryLayer` (its weights and forward pass). The target's model-generator-config.json maps
// the Keras names to these types; cloning, configs, Keras JSON and weight files then work as
// for built-in layers. The package's tests compile this same file.

import ModelRuntime

/// The config of `Custom>ChannelScale`: a learnable scale per channel (the last axis).
struct ChannelScaleConfig: UnaryLayerConfig {
    static let className = "ChannelScale"
    static let registeredName: String? = "Custom>ChannelScale"
    static let module = "custom_layers"
    static let template = ChannelScaleConfig()
    /// The fields in Keras's `get_config()` order: the base layer's, then the layer's own.
    static let fields: [ConfigField<ChannelScaleConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("init_value", \.initValue),
    ]

    var name: String
    var trainable: Bool
    var dtype: DTypePolicy
    /// The scale every channel starts at.
    var initValue: Double

    init(name: String = "channel_scale", trainable: Bool = true, dtype: DTypePolicy = .float32, initValue: Double = 1) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.initValue = initValue
    }

    func outputShape(for input: TensorShape) throws -> TensorShape { input }

    func weights(for input: TensorShape) throws -> [WeightSpec] {
        guard let channels = input.last else { throw ShapeError("ChannelScale needs a known last axis, got \(input)") }
        return [WeightSpec(name: "gamma", shape: [channels], initializer: .constant(value: initValue))]
    }
}

/// `Custom>ChannelScale`: `x · gamma`, one `gamma` per channel.
struct ChannelScale: UnaryLayer {
    let config: ChannelScaleConfig
    let inputShape: TensorShape
    let outputShape: TensorShape
    /// The scales, one per channel.
    private(set) var gamma: Tensor

    init(config: ChannelScaleConfig, inputShape: TensorShape, seed: UInt64) throws {
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        gamma = freshWeights(try config.weights(for: inputShape), seed: seed)[0]
    }

    var weights: [Tensor] { [gamma] }

    mutating func setWeights(_ weights: [Tensor]) throws {
        try checkWeights(weights, against: config.weights(for: inputShape), layer: config.name)
        gamma = weights[0]
    }

    func callAsFunction(_ input: Tensor) -> Tensor {
        let scales = gamma.scalars
        var scalars = input.scalars
        for index in scalars.indices { scalars[index] *= scales[index % scales.count] }
        return Tensor(shape: input.shape, scalars: scalars)
    }
}

/// The config of `Custom>Linear`: `x · kernel (+ bias)` over the last axis.
struct LinearConfig: UnaryLayerConfig {
    static let className = "Linear"
    static let registeredName: String? = "Custom>Linear"
    static let module = "custom_layers"
    static let template = LinearConfig()
    static let fields: [ConfigField<LinearConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("units", \.units),
        ConfigField("use_bias", \.useBias),
    ]

    var name: String
    var trainable: Bool
    var dtype: DTypePolicy
    /// The size of the output's last axis.
    var units: Int
    /// Whether a bias is added.
    var useBias: Bool

    init(
        name: String = "linear", trainable: Bool = true, dtype: DTypePolicy = .float32, units: Int = 32,
        useBias: Bool = true
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.units = units
        self.useBias = useBias
    }

    func validate() throws {
        guard units > 0 else { throw ConfigFieldError(field: "units", "must be positive, found \(units)") }
    }

    /// The same computation as a built-in Dense layer, which `Linear` runs.
    var dense: DenseConfig { DenseConfig(name: name, units: units, useBias: useBias) }

    func outputShape(for input: TensorShape) throws -> TensorShape { try dense.outputShape(for: input) }
    func weights(for input: TensorShape) throws -> [WeightSpec] { try dense.weights(for: input) }
}

/// `Custom>Linear`, computed by a built-in `Dense`.
struct Linear: UnaryLayer {
    let config: LinearConfig
    private var dense: Dense

    init(config: LinearConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        dense = try Dense(config: config.dense, inputShape: inputShape, seed: seed)
    }

    var inputShape: TensorShape { dense.inputShape }
    var outputShape: TensorShape { dense.outputShape }
    var weights: [Tensor] { dense.weights }
    mutating func setWeights(_ weights: [Tensor]) throws { try dense.setWeights(weights) }
    func callAsFunction(_ input: Tensor) -> Tensor { dense(input) }
}

/// The config of `Custom>ResidualDense`: a residual block as one layer,
/// `x + outer(relu(inner(x)))`, with two Dense sublayers.
struct ResidualDenseConfig: UnaryLayerConfig {
    static let className = "ResidualDense"
    static let registeredName: String? = "Custom>ResidualDense"
    static let module = "custom_layers"
    static let template = ResidualDenseConfig()
    static let fields: [ConfigField<ResidualDenseConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("hidden_units", \.hiddenUnits),
    ]

    var name: String
    var trainable: Bool
    var dtype: DTypePolicy
    /// The width of the inner Dense layer.
    var hiddenUnits: Int

    init(name: String = "residual_dense", trainable: Bool = true, dtype: DTypePolicy = .float32, hiddenUnits: Int = 16)
    {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.hiddenUnits = hiddenUnits
    }

    func validate() throws {
        guard hiddenUnits > 0 else {
            throw ConfigFieldError(field: "hidden_units", "must be positive, found \(hiddenUnits)")
        }
    }

    /// The sublayers, named as the Python layer's attributes.
    var inner: DenseConfig { DenseConfig(name: "inner", units: hiddenUnits, activation: .relu) }
    func outer(for input: TensorShape) throws -> DenseConfig {
        guard let channels = input.last else { throw ShapeError("ResidualDense needs a known last axis, got \(input)") }
        return DenseConfig(name: "outer", units: channels)
    }

    func outputShape(for input: TensorShape) throws -> TensorShape { input }

    func weights(for input: TensorShape) throws -> [WeightSpec] {
        try inner.weights(for: input) + outer(for: input).weights(for: inner.outputShape(for: input))
    }

    /// Keras saves a sublayer's weights under the attribute's name.
    func kerasWeightPaths(forInputs inputs: [TensorShape]) throws -> [String] {
        ["inner/vars/0", "inner/vars/1", "outer/vars/0", "outer/vars/1"]
    }
}

/// `Custom>ResidualDense`: `x + outer(relu(inner(x)))`.
struct ResidualDense: UnaryLayer {
    let config: ResidualDenseConfig
    private var inner: Dense
    private var outer: Dense

    init(config: ResidualDenseConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        inner = try Dense(config: config.inner, inputShape: inputShape, seed: Seeds.derive(seed, "inner"))
        outer = try Dense(
            config: config.outer(for: inputShape), inputShape: inner.outputShape, seed: Seeds.derive(seed, "outer"))
    }

    var inputShape: TensorShape { inner.inputShape }
    var outputShape: TensorShape { outer.outputShape }
    var weights: [Tensor] { inner.weights + outer.weights }

    mutating func setWeights(_ weights: [Tensor]) throws {
        try checkWeights(weights, against: config.weights(for: inputShape), layer: config.name)
        try inner.setWeights(Array(weights[0..<2]))
        try outer.setWeights(Array(weights[2..<4]))
    }

    func callAsFunction(_ input: Tensor) -> Tensor {
        let residual = outer(inner(input)).scalars
        var scalars = input.scalars
        for index in scalars.indices { scalars[index] += residual[index] }
        return Tensor(shape: input.shape, scalars: scalars)
    }
}

/// The config of `Custom>ScaledMLP`, a subclassed Keras model (`keras.Model` with `call`):
/// `head(gain(body(x)))`. A spec whose top level is this class becomes a generated model
/// whose one layer is a `ScaledMLP`.
struct ScaledMLPConfig: UnaryLayerConfig {
    static let className = "ScaledMLP"
    static let registeredName: String? = "Custom>ScaledMLP"
    static let module = "custom_layers"
    static let template = ScaledMLPConfig()
    static let fields: [ConfigField<ScaledMLPConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("hidden", \.hidden),
        ConfigField("classes", \.classes),
    ]

    var name: String
    var trainable: Bool
    var dtype: DTypePolicy
    /// The width of the hidden Dense layer.
    var hidden: Int
    /// The number of outputs.
    var classes: Int

    init(
        name: String = "scaled_mlp", trainable: Bool = true, dtype: DTypePolicy = .float32, hidden: Int = 8,
        classes: Int = 3
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.hidden = hidden
        self.classes = classes
    }

    func validate() throws {
        guard hidden > 0 else { throw ConfigFieldError(field: "hidden", "must be positive, found \(hidden)") }
        guard classes > 0 else { throw ConfigFieldError(field: "classes", "must be positive, found \(classes)") }
    }

    /// The sublayers, named as the Python model's attributes.
    var body: DenseConfig { DenseConfig(name: "body", units: hidden, activation: .relu) }
    var gain: ChannelScaleConfig { ChannelScaleConfig(name: "gain", initValue: 0.5) }
    var head: DenseConfig { DenseConfig(name: "head", units: classes) }

    func outputShape(for input: TensorShape) throws -> TensorShape {
        try head.outputShape(for: body.outputShape(for: input))
    }

    func weights(for input: TensorShape) throws -> [WeightSpec] {
        let hiddenShape = try body.outputShape(for: input)
        return try body.weights(for: input) + gain.weights(for: hiddenShape) + head.weights(for: hiddenShape)
    }

    /// Keras saves a subclassed model's sublayers under their attribute names.
    func kerasWeightPaths(forInputs inputs: [TensorShape]) throws -> [String] {
        ["body/vars/0", "body/vars/1", "gain/vars/0", "head/vars/0", "head/vars/1"]
    }
}

/// `Custom>ScaledMLP`: `head(gain(body(x)))`, built from a `Dense`, a `ChannelScale` and a `Dense`.
struct ScaledMLP: UnaryLayer {
    let config: ScaledMLPConfig
    private var body: Dense
    private var gain: ChannelScale
    private var head: Dense

    init(config: ScaledMLPConfig, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        body = try Dense(config: config.body, inputShape: inputShape, seed: Seeds.derive(seed, "body"))
        gain = try ChannelScale(config: config.gain, inputShape: body.outputShape, seed: Seeds.derive(seed, "gain"))
        head = try Dense(config: config.head, inputShape: gain.outputShape, seed: Seeds.derive(seed, "head"))
    }

    var inputShape: TensorShape { body.inputShape }
    var outputShape: TensorShape { head.outputShape }
    var weights: [Tensor] { body.weights + gain.weights + head.weights }

    mutating func setWeights(_ weights: [Tensor]) throws {
        try checkWeights(weights, against: config.weights(for: inputShape), layer: config.name)
        try body.setWeights(Array(weights[0..<2]))
        try gain.setWeights([weights[2]])
        try head.setWeights(Array(weights[3..<5]))
    }

    func callAsFunction(_ input: Tensor) -> Tensor { head(gain(body(input))) }
}
