// Core layers: InputLayer, Dense, Activation.

/// `keras.layers.InputLayer`: the model's input, fixing its shape.
public struct InputLayerConfig: LayerConfig {
    public static let inputArity = InputArity.exactly(0)
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

    /// Also accepts the `shape` + `batch_size` form that `keras.Input` takes.
    public init(from decoder: any Decoder) throws {
        let shapeKeys: Set<String> = ["batch_shape", "shape", "batch_size", "input_shape", "batch_input_shape"]
        let container = try decoder.container(keyedBy: ConfigKey.self)
        let given = container.allKeys.map(\.stringValue)
        var config = try Self.decodeFields(from: decoder, callerKeys: shapeKeys)
        if given.contains("batch_shape") || given.contains("batch_input_shape") {
            let key = ConfigKey(given.contains("batch_shape") ? "batch_shape" : "batch_input_shape")
            config.batchShape = try container.decode(TensorShape.self, forKey: key)
        } else if given.contains("shape") || given.contains("input_shape") {
            let key = ConfigKey(given.contains("shape") ? "shape" : "input_shape")
            let shape = try container.decode(TensorShape.self, forKey: key)
            let batch = try container.decodeIfPresent(Int.self, forKey: ConfigKey("batch_size"))
            config.batchShape = TensorShape([batch] + shape.dimensions)
        } else {
            throw DecodingError.keyNotFound(
                ConfigKey("batch_shape"),
                .init(
                    codingPath: container.codingPath,
                    debugDescription: "missing required field 'batch_shape' (or 'shape') in InputLayer config"))
        }
        for (key, flag) in [("sparse", config.sparse), ("ragged", config.ragged), ("optional", config.optional)]
        where flag {
            throw ConfigErrors.invalid("\(key) inputs are not supported", at: container.codingPath + [ConfigKey(key)])
        }
        // Integer inputs (token indices for an Embedding) are passed as Float32 values.
        if !["float32", "int32", "int64", "uint8", "int8", "int16", "uint16", "uint32"].contains(config.dtype) {
            throw ConfigErrors.invalid(
                "input dtype '\(config.dtype)' is not supported; only float32 and integers (passed as float values)",
                at: container.codingPath + [ConfigKey("dtype")])
        }
        if config.batchShape.rank < 1 {
            throw ConfigErrors.invalid(
                "an input needs at least one axis", at: container.codingPath + [Self.shapeKey(given)])
        }
        if let size = config.batchShape.dimensions.compactMap({ $0 }).first(where: { $0 < 0 || $0 > 1 << 40 }) {
            throw ConfigErrors.invalid(
                "an input axis of \(size) is out of range (0...2^40)", at: container.codingPath + [Self.shapeKey(given)]
            )
        }
        self = config
    }

    private static func shapeKey(_ given: [String]) -> ConfigKey {
        ConfigKey(given.contains("shape") ? "shape" : "batch_shape")
    }

    public func outputShape(forInputs inputs: [TensorShape]) throws -> TensorShape { batchShape }
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
        "quantization_config": .null, "lora_rank": .null, "lora_alpha": .null,
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

    public func validate() throws {
        guard units > 0 else { throw ConfigFieldError(field: "units", "must be a positive integer, found \(units)") }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        _ = try inputUnits(input)
        return input.replacingLast(with: units)
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        let inputUnits = try inputUnits(input)
        var weights = [
            WeightSpec(
                name: "kernel", shape: [inputUnits, units], initializer: kernelInitializer, trainable: trainable)
        ]
        if useBias {
            weights.append(WeightSpec(name: "bias", shape: [units], initializer: biasInitializer, trainable: trainable))
        }
        return weights
    }

    public func warnings(forInputs inputs: [TensorShape]) -> [String] {
        activation.warning(lastAxis: units).map { [$0] } ?? []
    }

    private func inputUnits(_ input: TensorShape) throws -> Int {
        guard input.rank >= 2, let last = input.last else {
            throw ShapeError("Dense needs an input of rank 2 or more with a known last axis")
        }
        return last
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

    public func outputShape(for input: TensorShape) throws -> TensorShape { input }

    public func warnings(forInputs inputs: [TensorShape]) -> [String] {
        activation.warning(lastAxis: inputs.first?.last).map { [$0] } ?? []
    }
}

/// `keras.layers.Masking`: zeroes the steps whose features all equal `mask_value` and masks
/// them for the layers after it.
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
    public init(name: String = "masking", trainable: Bool = true, dtype: DTypePolicy = .float32, maskValue: Double = 0)
    {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.maskValue = maskValue
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        guard input.rank >= 2 else { throw ShapeError("Masking needs at least (batch, features), got \(input)") }
        return input
    }
}
