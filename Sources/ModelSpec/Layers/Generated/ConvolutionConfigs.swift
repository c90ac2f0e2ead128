// Convolution layers: Conv1D/2D/3D, their transposes, depthwise and separable convolutions. One
// generic config per kind, over the number of spatial axes; `Conv2DConfig` and friends are the
// names Keras users know.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/ConvolutionSchema.swift by
// tools/generate-layer-configs.sh; do not edit. What the layers do is in
// Sources/ModelSpec/Layers/Convolution.swift.

/// `keras.layers.Conv1D`, `Conv2D`, `Conv3D`: `activation(conv(input, kernel) + bias)`, in `groups`
/// independent channel groups.
public struct ConvConfig<Rank: SpatialRank>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "Conv" + Rank.suffix }
    public static var template: Self { Self(filters: 1, kernelSize: 1) }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("filters", \.filters, required: true),
            ConfigField("kernel_size", \.kernelSize, required: true, rank: Rank.rank),
            ConfigField("strides", \.strides, rank: Rank.rank),
            ConfigField("padding", \.padding),
            ConfigField("data_format", \.dataFormat),
            ConfigField("dilation_rate", \.dilationRate, rank: Rank.rank),
            ConfigField("groups", \.groups),
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
    }
    public static var ignoredKeys: [String: JSONValue] { ["lora_rank": .null, "lora_alpha": .null] }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The number of output channels.
    public var filters: Int
    /// The window size per spatial axis.
    public var kernelSize: IntTuple
    /// The step per spatial axis.
    public var strides: IntTuple
    /// `valid`, `same`, or (Conv1D only) `causal`.
    public var padding: Padding
    /// Only `channels_last`.
    public var dataFormat: String
    /// The spacing of the kernel's taps per spatial axis.
    public var dilationRate: IntTuple
    /// The number of channel groups (1: an ordinary convolution).
    public var groups: Int
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

    /// A config with Keras's defaults for everything not given; single sizes apply to every axis.
    public init(
        name: String = "conv\(Rank.rank)d", trainable: Bool = true, dtype: DTypePolicy = .float32, filters: Int,
        kernelSize: IntTuple, strides: IntTuple = 1, padding: Padding = .valid, dataFormat: String = "channels_last",
        dilationRate: IntTuple = 1, groups: Int = 1, activation: ActivationFunction = .linear, useBias: Bool = true,
        kernelInitializer: Initializer = .glorotUniform(), biasInitializer: Initializer = .zeros,
        kernelRegularizer: KerasObject? = nil, biasRegularizer: KerasObject? = nil,
        activityRegularizer: KerasObject? = nil, kernelConstraint: KerasObject? = nil,
        biasConstraint: KerasObject? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.filters = filters
        self.kernelSize = kernelSize.expanded(to: Rank.rank)
        self.strides = strides.expanded(to: Rank.rank)
        self.padding = padding
        self.dataFormat = dataFormat
        self.dilationRate = dilationRate.expanded(to: Rank.rank)
        self.groups = groups
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

/// `keras.layers.Conv1DTranspose`, `Conv2DTranspose`, `Conv3DTranspose`: the transpose (gradient)
/// of a convolution, which upsamples by its strides.
public struct ConvTransposeConfig<Rank: SpatialRank>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "Conv\(Rank.suffix)Transpose" }
    public static var template: Self { Self(filters: 1, kernelSize: 1) }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("filters", \.filters, required: true),
            ConfigField("kernel_size", \.kernelSize, required: true, rank: Rank.rank),
            ConfigField("strides", \.strides, rank: Rank.rank),
            ConfigField("padding", \.padding),
            ConfigField("output_padding", \.outputPadding, rank: Rank.rank),
            ConfigField("data_format", \.dataFormat),
            ConfigField("dilation_rate", \.dilationRate, rank: Rank.rank),
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
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// The number of output channels.
    public var filters: Int
    /// The window size per spatial axis.
    public var kernelSize: IntTuple
    /// The upsampling step per spatial axis.
    public var strides: IntTuple
    /// `valid` or `same`.
    public var padding: Padding
    /// Extra output positions per axis (each smaller than the stride), or nil for Keras's rule.
    public var outputPadding: IntTuple?
    /// Only `channels_last`.
    public var dataFormat: String
    /// The spacing of the kernel's taps per spatial axis.
    public var dilationRate: IntTuple
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

    /// A config with Keras's defaults for everything not given; single sizes apply to every axis.
    public init(
        name: String = "conv\(Rank.rank)d_transpose", trainable: Bool = true, dtype: DTypePolicy = .float32,
        filters: Int, kernelSize: IntTuple, strides: IntTuple = 1, padding: Padding = .valid,
        outputPadding: IntTuple? = nil, dataFormat: String = "channels_last", dilationRate: IntTuple = 1,
        activation: ActivationFunction = .linear, useBias: Bool = true,
        kernelInitializer: Initializer = .glorotUniform(), biasInitializer: Initializer = .zeros,
        kernelRegularizer: KerasObject? = nil, biasRegularizer: KerasObject? = nil,
        activityRegularizer: KerasObject? = nil, kernelConstraint: KerasObject? = nil,
        biasConstraint: KerasObject? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.filters = filters
        self.kernelSize = kernelSize.expanded(to: Rank.rank)
        self.strides = strides.expanded(to: Rank.rank)
        self.padding = padding
        self.outputPadding = outputPadding?.expanded(to: Rank.rank)
        self.dataFormat = dataFormat
        self.dilationRate = dilationRate.expanded(to: Rank.rank)
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

/// `keras.layers.DepthwiseConv1D`, `DepthwiseConv2D`: each input channel convolved with its own
/// `depth_multiplier` kernels.
public struct DepthwiseConvConfig<Rank: SpatialRank>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "DepthwiseConv\(Rank.suffix)" }
    public static var template: Self { Self(kernelSize: 1) }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("depth_multiplier", \.depthMultiplier),
            ConfigField("kernel_size", \.kernelSize, required: true, rank: Rank.rank),
            ConfigField("strides", \.strides, rank: Rank.rank),
            ConfigField("padding", \.padding),
            ConfigField("data_format", \.dataFormat),
            ConfigField("dilation_rate", \.dilationRate, rank: Rank.rank),
            ConfigField("activation", \.activation),
            ConfigField("use_bias", \.useBias),
            ConfigField("depthwise_initializer", \.depthwiseInitializer),
            ConfigField("bias_initializer", \.biasInitializer),
            ConfigField("depthwise_regularizer", \.depthwiseRegularizer),
            ConfigField("bias_regularizer", \.biasRegularizer),
            ConfigField("activity_regularizer", \.activityRegularizer),
            ConfigField("depthwise_constraint", \.depthwiseConstraint),
            ConfigField("bias_constraint", \.biasConstraint),
        ]
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Output channels per input channel.
    public var depthMultiplier: Int
    /// The window size per spatial axis.
    public var kernelSize: IntTuple
    /// The step per spatial axis.
    public var strides: IntTuple
    /// `valid` or `same`.
    public var padding: Padding
    /// Only `channels_last`.
    public var dataFormat: String
    /// The spacing of the kernel's taps per spatial axis.
    public var dilationRate: IntTuple
    /// The activation applied to the output.
    public var activation: ActivationFunction
    /// Whether the layer adds a bias.
    public var useBias: Bool
    /// How fresh kernels are drawn.
    public var depthwiseInitializer: Initializer
    /// How fresh biases are drawn.
    public var biasInitializer: Initializer
    /// Training only; kept for Keras round trips.
    public var depthwiseRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var biasRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var activityRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var depthwiseConstraint: KerasObject?
    /// Training only; kept for Keras round trips.
    public var biasConstraint: KerasObject?

    /// A config with Keras's defaults for everything not given; single sizes apply to every axis.
    public init(
        name: String = "depthwise_conv\(Rank.rank)d", trainable: Bool = true, dtype: DTypePolicy = .float32,
        depthMultiplier: Int = 1, kernelSize: IntTuple, strides: IntTuple = 1, padding: Padding = .valid,
        dataFormat: String = "channels_last", dilationRate: IntTuple = 1, activation: ActivationFunction = .linear,
        useBias: Bool = true, depthwiseInitializer: Initializer = .glorotUniform(),
        biasInitializer: Initializer = .zeros, depthwiseRegularizer: KerasObject? = nil,
        biasRegularizer: KerasObject? = nil, activityRegularizer: KerasObject? = nil,
        depthwiseConstraint: KerasObject? = nil, biasConstraint: KerasObject? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.depthMultiplier = depthMultiplier
        self.kernelSize = kernelSize.expanded(to: Rank.rank)
        self.strides = strides.expanded(to: Rank.rank)
        self.padding = padding
        self.dataFormat = dataFormat
        self.dilationRate = dilationRate.expanded(to: Rank.rank)
        self.activation = activation
        self.useBias = useBias
        self.depthwiseInitializer = depthwiseInitializer
        self.biasInitializer = biasInitializer
        self.depthwiseRegularizer = depthwiseRegularizer
        self.biasRegularizer = biasRegularizer
        self.activityRegularizer = activityRegularizer
        self.depthwiseConstraint = depthwiseConstraint
        self.biasConstraint = biasConstraint
    }
}

/// `keras.layers.SeparableConv1D`, `SeparableConv2D`: a depthwise convolution followed by a 1×1
/// (pointwise) convolution to `filters` channels.
public struct SeparableConvConfig<Rank: SpatialRank>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "SeparableConv\(Rank.suffix)" }
    public static var template: Self { Self(filters: 1, kernelSize: 1) }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("depth_multiplier", \.depthMultiplier),
            ConfigField("filters", \.filters, required: true),
            ConfigField("kernel_size", \.kernelSize, required: true, rank: Rank.rank),
            ConfigField("strides", \.strides, rank: Rank.rank),
            ConfigField("padding", \.padding),
            ConfigField("data_format", \.dataFormat),
            ConfigField("dilation_rate", \.dilationRate, rank: Rank.rank),
            ConfigField("activation", \.activation),
            ConfigField("use_bias", \.useBias),
            ConfigField("depthwise_initializer", \.depthwiseInitializer),
            ConfigField("pointwise_initializer", \.pointwiseInitializer),
            ConfigField("bias_initializer", \.biasInitializer),
            ConfigField("depthwise_regularizer", \.depthwiseRegularizer),
            ConfigField("pointwise_regularizer", \.pointwiseRegularizer),
            ConfigField("bias_regularizer", \.biasRegularizer),
            ConfigField("activity_regularizer", \.activityRegularizer),
            ConfigField("depthwise_constraint", \.depthwiseConstraint),
            ConfigField("pointwise_constraint", \.pointwiseConstraint),
            ConfigField("bias_constraint", \.biasConstraint),
        ]
    }

    /// The layer's Keras name.
    public var name: String
    /// Keras's `trainable` flag (inference ignores it).
    public var trainable: Bool
    /// The dtype policy; only float32.
    public var dtype: DTypePolicy
    /// Depthwise output channels per input channel.
    public var depthMultiplier: Int
    /// The number of output channels.
    public var filters: Int
    /// The window size per spatial axis.
    public var kernelSize: IntTuple
    /// The step per spatial axis.
    public var strides: IntTuple
    /// `valid` or `same`.
    public var padding: Padding
    /// Only `channels_last`.
    public var dataFormat: String
    /// The spacing of the kernel's taps per spatial axis.
    public var dilationRate: IntTuple
    /// The activation applied to the output.
    public var activation: ActivationFunction
    /// Whether the layer adds a bias.
    public var useBias: Bool
    /// How fresh depthwise kernels are drawn.
    public var depthwiseInitializer: Initializer
    /// How fresh pointwise kernels are drawn.
    public var pointwiseInitializer: Initializer
    /// How fresh biases are drawn.
    public var biasInitializer: Initializer
    /// Training only; kept for Keras round trips.
    public var depthwiseRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var pointwiseRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var biasRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var activityRegularizer: KerasObject?
    /// Training only; kept for Keras round trips.
    public var depthwiseConstraint: KerasObject?
    /// Training only; kept for Keras round trips.
    public var pointwiseConstraint: KerasObject?
    /// Training only; kept for Keras round trips.
    public var biasConstraint: KerasObject?

    /// A config with Keras's defaults for everything not given; single sizes apply to every axis.
    public init(
        name: String = "separable_conv\(Rank.rank)d", trainable: Bool = true, dtype: DTypePolicy = .float32,
        depthMultiplier: Int = 1, filters: Int, kernelSize: IntTuple, strides: IntTuple = 1, padding: Padding = .valid,
        dataFormat: String = "channels_last", dilationRate: IntTuple = 1, activation: ActivationFunction = .linear,
        useBias: Bool = true, depthwiseInitializer: Initializer = .glorotUniform(),
        pointwiseInitializer: Initializer = .glorotUniform(), biasInitializer: Initializer = .zeros,
        depthwiseRegularizer: KerasObject? = nil, pointwiseRegularizer: KerasObject? = nil,
        biasRegularizer: KerasObject? = nil, activityRegularizer: KerasObject? = nil,
        depthwiseConstraint: KerasObject? = nil, pointwiseConstraint: KerasObject? = nil,
        biasConstraint: KerasObject? = nil
    ) {
        self.name = name
        self.trainable = trainable
        self.dtype = dtype
        self.depthMultiplier = depthMultiplier
        self.filters = filters
        self.kernelSize = kernelSize.expanded(to: Rank.rank)
        self.strides = strides.expanded(to: Rank.rank)
        self.padding = padding
        self.dataFormat = dataFormat
        self.dilationRate = dilationRate.expanded(to: Rank.rank)
        self.activation = activation
        self.useBias = useBias
        self.depthwiseInitializer = depthwiseInitializer
        self.pointwiseInitializer = pointwiseInitializer
        self.biasInitializer = biasInitializer
        self.depthwiseRegularizer = depthwiseRegularizer
        self.pointwiseRegularizer = pointwiseRegularizer
        self.biasRegularizer = biasRegularizer
        self.activityRegularizer = activityRegularizer
        self.depthwiseConstraint = depthwiseConstraint
        self.pointwiseConstraint = pointwiseConstraint
        self.biasConstraint = biasConstraint
    }
}
