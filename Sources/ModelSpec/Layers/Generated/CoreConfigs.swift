// Core layers: InputLayer, Dense, Activation.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/CoreSchema.swift by
// tools/generate-layer-configs.sh; do not edit. What the layers do is in
// Sources/ModelSpec/Layers/Core.swift.

/// `keras.layers.InputLayer`: the model's input, fixing its shape.
public struct InputLayerConfig: LayerConfig {
    public static let className = "InputLayer"
    public static let template = InputLayerConfig(batchShape: [nil])
    public static let fields: [ConfigField<InputLayerConfig>] = [
        ConfigField("batch_shape", \.batchShape, required: true),
        ConfigField("dtype", \.dtype),
        ConfigField("sparse", \.sparse),
        ConfigField("ragged", \.ragged),
        ConfigField("name", \.name, required: true),
        ConfigField("optional", \.optional),
    ]

    /// The input's shape including the batch axis, e.g. `[nil, 728]`.
    public var batchShape: TensorShape
    /// The input dtype: `float32`, or an integer type whose values are passed as Float32.
    public var dtype: String
    /// Sparse inputs are not supported; always `false`.
    public var sparse: Bool
    /// Ragged inputs are not supported; always `false`.
    public var ragged: Bool
    /// The layer's Keras name.
    public var name: String
    /// Whether the input may be `None` (not supported; always `false`).
    public var optional: Bool

    /// An input of `batchShape`, with Keras's defaults for the rest.
    public init(
        batchShape: TensorShape, dtype: String = "float32", sparse: Bool = false, ragged: Bool = false,
        name: String = "input_layer", optional: Bool = false
    ) {
        self.batchShape = batchShape
        self.dtype = dtype
        self.sparse = sparse
        self.ragged = ragged
        self.name = name
        self.optional = optional
    }
}

/// `keras.layers.Dense`: `activation(input · kernel + bias)` over the last axis.
public struct DenseConfig: UnaryLayerConfig {
    public static let className = "Dense"
    public static let template = DenseConfig(units: 1)
    public static let fields: [ConfigField<DenseConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("units", \.units, required: true),
        ConfigField("activation", \.activation),
        ConfigField("use_bias", \.useBias),
        ConfigField("kernel_initializer", \.kernelInitializer),
        ConfigField("bias_initializer", \.biasInitializer),
        ConfigField("kernel_regularizer", \.kernelRegularizer),
        ConfigField("bias_regularizer", \.biasRegularizer),
        ConfigField("activity_regularizer", \.activityRegularizer),
        ConfigField("kernel_constraint", \.kernelConstraint),
        ConfigField("bias_constraint", \.biasConstraint),
    ]
    public static let ignoredKeys: [String: JSONValue] = [
        "quantization_config": .null,
        "lora_rank": .null,
        "lora_alpha": .null,
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The size of the output's last axis.
    public var units: Int
    /// The activation applied to the output.
    public var activation: ActivationFunction
    /// Whether the layer adds a bias.
    public var useBias: Bool
    /// How fresh kernels are drawn.
    public var kernelInitializer: Initializer
    /// How fresh biases are drawn.
    public var biasInitializer: Initializer
    /// Training only; kept for Keras round trips.
    public var kernelRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var biasRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var activityRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var kernelConstraint: KerasObject?
    /// Training only; kept for Keras round trips.
    public var biasConstraint: KerasObject?

    /// A Dense config with Keras's defaults for everything not given.
    public init(
        name: String = "dense", trainable: Bool = true, dtype: DTypePolicy = .float32, units: Int,
        activation: ActivationFunction = .linear, useBias: Bool = true,
        kernelInitializer: Initializer = .glorotUniform(), biasInitializer: Initializer = .zeros,
        kernelRegularizer: KerasObject? = nil, biasRegularizer: KerasObject? = nil,
        activityRegularizer: KerasObject? = nil, kernelConstraint: KerasObject? = nil,
        biasConstraint: KerasObject? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        self.kernelRegularizer = kernelRegularizer
        self.biasRegularizer = biasRegularizer
        self.activityRegularizer = activityRegularizer
        self.kernelConstraint = kernelConstraint
        self.biasConstraint = biasConstraint
    }
}

/// `keras.layers.Activation`: applies an activation function.
public struct ActivationConfig: UnaryLayerConfig {
    public static let className = "Activation"
    public static let template = ActivationConfig(activation: .linear)
    public static let fields: [ConfigField<ActivationConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("activation", \.activation, required: true),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The activation applied to the output.
    public var activation: ActivationFunction

    /// An Activation config applying `activation`.
    public init(
        name: String = "activation", trainable: Bool = true, dtype: DTypePolicy = .float32,
        activation: ActivationFunction
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.activation = activation
    }
}

/// `keras.layers.Masking`: zeroes the steps whose features all equal `mask_value` and masks them
/// for the layers after it.
public struct MaskingConfig: UnaryLayerConfig {
    public static let className = "Masking"
    public static let template = MaskingConfig()
    public static let fields: [ConfigField<MaskingConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("mask_value", \.maskValue),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The value that marks a padded step (in every feature of the last axis).
    public var maskValue: Double

    /// A config with Keras's defaults.
    public init(
        name: String = "masking", trainable: Bool = true, dtype: DTypePolicy = .float32, maskValue: Double = 0
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.maskValue = maskValue
    }
}
