// Fields many layers share, written once: the base-layer fields every Keras layer has, and the
// weight options of the kernel-and-bias layers.

extension FieldSchema {
    /// `name`, `trainable` and `dtype`, which every Keras layer writes first; `name` defaults
    /// to `defaultName` (the snake-case class name Keras gives an unnamed layer).
    package static func base(_ defaultName: String) -> [FieldSchema] {
        [name(defaultName), trainable, dtype]
    }

    /// `base(_:)` with a Swift expression for the default name (`"conv\(Rank.rank)d"`).
    package static func base(expression: String) -> [FieldSchema] {
        [name(expression: expression), trainable, dtype]
    }

    /// The layer's name, `defaultName` unless given.
    package static func name(_ defaultName: String) -> FieldSchema {
        name(expression: "\"\(defaultName)\"")
    }

    /// The layer's name, the Swift expression `defaultName` unless given.
    package static func name(expression defaultName: String) -> FieldSchema {
        FieldSchema("name", "String", default: defaultName, required: "true", "The layer's Keras name.")
    }

    /// Keras's `trainable` flag.
    package static let trainable = optional(
        "trainable", "Bool", "true", "Keras's `trainable` flag (inference ignores it).")
    /// The dtype policy.
    package static let dtype = optional("dtype", "DTypePolicy", ".float32", "The dtype policy; only float32.")

    /// A regularizer or constraint: Keras applies it while training; kept for round trips.
    package static func kept(_ key: String) -> FieldSchema {
        optional(key, "KerasObject?", "nil", "Training only; kept for Keras round trips.")
    }

    /// `data_format` of a layer that supports only `channels_last`.
    package static let channelsLast = optional("data_format", "String", "\"channels_last\"", "Only `channels_last`.")
    /// `data_format` of a layer that keeps it without checking (inference identities).
    package static let dataFormat = optional("data_format", "String", "\"channels_last\"", "Where the channels are.")
    /// The activation of a kernel layer.
    package static let activation = optional(
        "activation", "ActivationFunction", ".linear", "The activation applied to the output.")
    /// Whether a kernel layer adds a bias.
    package static let useBias = optional("use_bias", "Bool", "true", "Whether the layer adds a bias.")
    /// How a kernel is drawn.
    package static let kernelInitializer = optional(
        "kernel_initializer", "Initializer", ".glorotUniform()", "How fresh kernels are drawn.")
    /// How a bias is drawn.
    package static let biasInitializer = optional(
        "bias_initializer", "Initializer", ".zeros", "How fresh biases are drawn.")

    /// A convolution's number of output channels.
    package static let filters = required("filters", "Int", "The number of output channels.")
    /// A window's size per spatial axis.
    package static let kernelSize = required("kernel_size", "IntTuple", "The window size per spatial axis.")
    /// A window's step per spatial axis.
    package static let strides = optional("strides", "IntTuple", "1", "The step per spatial axis.")
    /// A window's padding.
    package static let padding = optional("padding", "Padding", ".valid", "`valid` or `same`.")
    /// A kernel's dilation per spatial axis.
    package static let dilationRate = optional(
        "dilation_rate", "IntTuple", "1", "The spacing of the kernel's taps per spatial axis.")

    /// The seed of a dropout layer.
    package static let dropoutSeed = optional("seed", "Int?", "nil", "Training only: the dropout seed.")
    /// The seed of an augmentation layer.
    package static let seed = optional("seed", "Int?", "nil", "The seed of the training-time draws.")
    /// Dropout on attention weights.
    package static let attentionDropout = optional(
        "dropout", "Double", "0", "Training only: dropout on the attention weights.")

    /// A normalization's epsilon.
    package static let epsilon = optional("epsilon", "Double", "0.001", "Added to the variance.")
    /// Whether a normalization adds `beta`.
    package static let center = optional("center", "Bool", "true", "Whether to add `beta`.")
    /// Whether a normalization multiplies by `gamma`.
    package static let scale = optional("scale", "Bool", "true", "Whether to multiply by `gamma`.")
    /// How `beta` is drawn.
    package static let betaInitializer = optional(
        "beta_initializer", "Initializer", ".zeros", "How fresh `beta` is drawn.")
    /// How `gamma` is drawn.
    package static let gammaInitializer = optional(
        "gamma_initializer", "Initializer", ".ones", "How fresh `gamma` is drawn.")

    /// The same field, one size per spatial axis: a single size given to the initializer or read
    /// from a spec is repeated (`IntTuple.expanded(to:)` over the config's `Rank`).
    package func expanded() -> FieldSchema {
        var copy = stored(as: label + (type.hasSuffix("?") ? "?" : "") + ".expanded(to: Rank.rank)")
        copy.rank = "Rank.rank"
        return copy
    }
}

extension LayerFamily {
    /// Every family, in file order.
    package static let all: [LayerFamily] = [
        activationLayers, applications, attention, augmentation, convolution, core, merging, normalization,
        operations, pooling, preprocessing, recurrent, regularization, reshaping, wrappers,
    ]
}

extension FieldSchema {
    /// What a kernel-and-bias layer (Dense, ConvND, ConvNDTranspose) writes after its own
    /// fields: the activation, the bias switch, both initializers, then the regularizers and
    /// constraints.
    package static let kernelAndBias =
        [activation, useBias, kernelInitializer, biasInitializer] + trainingOnly(["kernel", "bias"])

    /// `go_backwards` of a recurrent layer.
    package static let goBackwards = optional(
        "go_backwards", "Bool", "false", "Run the sequence from its end (outputs come in that order, as in Keras).")
    /// `stateful` of a recurrent layer.
    package static let stateful = optional("stateful", "Bool", "false", "Keep states between calls (not supported).")
    /// Whether a recurrent cell adds biases.
    package static let cellUseBias = optional("use_bias", "Bool", "true", "Whether the cell adds biases.")
    /// How a recurrent layer's input kernels are drawn.
    package static let inputKernelInitializer = optional(
        "kernel_initializer", "Initializer", ".glorotUniform()", "How fresh input kernels are drawn.")
    /// How a recurrent layer's recurrent kernels are drawn.
    package static let recurrentInitializer = optional(
        "recurrent_initializer", "Initializer", ".orthogonal()", "How fresh recurrent kernels are drawn.")

    /// The regularizers and constraints of a layer's `weights` (`["kernel", "bias"]`), in the
    /// order Keras writes them: each weight's regularizer, the activity regularizer, each weight's
    /// constraint. Keras applies them while training; they are kept for round trips.
    package static func trainingOnly(_ weights: [String], activity: Bool = true) -> [FieldSchema] {
        weights.map { kept($0 + "_regularizer") } + (activity ? [kept("activity_regularizer")] : [])
            + weights.map { kept($0 + "_constraint") }
    }
}
