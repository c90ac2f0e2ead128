// Regularization layers: identity at inference.

/// `keras.layers.Dropout`: zeroes a fraction of its input while training; the identity at
/// inference, which is what the runtime computes.
public struct DropoutConfig: UnaryLayerConfig {
    public static let className = "Dropout"
    public static let template = DropoutConfig(rate: 0)
    public static let fields: [ConfigField<DropoutConfig>] = [
        ConfigField("name", \.name, required: true),
        ConfigField("trainable", \.trainable),
        ConfigField("dtype", \.dtype),
        ConfigField("rate", \.rate, required: true),
        ConfigField("seed", \.seed),
        ConfigField("noise_shape", \.noiseShape),
    ]

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The fraction of inputs dropped while training, in [0, 1].
    public var rate: Double
    /// The seed of the dropout mask.
    public var seed: Int?
    /// The shape of the dropout mask, broadcast over the input.
    public var noiseShape: TensorShape?

    /// A Dropout config with `rate`.
    public init(name: String = "dropout", trainable: Bool = true, dtype: DTypePolicy = .float32, rate: Double,
                seed: Int? = nil, noiseShape: TensorShape? = nil) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.rate = rate
        self.seed = seed
        self.noiseShape = noiseShape
    }

    public func validate() throws {
        guard rate >= 0, rate <= 1 else { throw ConfigFieldError(field: "rate", "must be between 0 and 1, found \(rate)") }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape { input }

    public func warnings(forInputs inputs: [TensorShape]) -> [String] {
        rate == 1 ? ["a Dropout rate of 1 drops every value while training"] : []
    }
}
