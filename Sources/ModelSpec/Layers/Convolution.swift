// Convolution layers: Conv1D/2D/3D, their transposes, depthwise and separable convolutions.
// One generic config per kind, over the number of spatial axes; `Conv2DConfig` and friends
// are the names Keras users know.

/// `keras.layers.Conv1D`.
public typealias Conv1DConfig = ConvConfig<Spatial1D>
/// `keras.layers.Conv2D`.
public typealias Conv2DConfig = ConvConfig<Spatial2D>
/// `keras.layers.Conv3D`.
public typealias Conv3DConfig = ConvConfig<Spatial3D>
/// `keras.layers.Conv1DTranspose`.
public typealias Conv1DTransposeConfig = ConvTransposeConfig<Spatial1D>
/// `keras.layers.Conv2DTranspose`.
public typealias Conv2DTransposeConfig = ConvTransposeConfig<Spatial2D>
/// `keras.layers.Conv3DTranspose`.
public typealias Conv3DTransposeConfig = ConvTransposeConfig<Spatial3D>
/// `keras.layers.DepthwiseConv1D`.
public typealias DepthwiseConv1DConfig = DepthwiseConvConfig<Spatial1D>
/// `keras.layers.DepthwiseConv2D`.
public typealias DepthwiseConv2DConfig = DepthwiseConvConfig<Spatial2D>
/// `keras.layers.SeparableConv1D`.
public typealias SeparableConv1DConfig = SeparableConvConfig<Spatial1D>
/// `keras.layers.SeparableConv2D`.
public typealias SeparableConv2DConfig = SeparableConvConfig<Spatial2D>

/// The window of a convolution or pooling layer over its spatial axes.
public struct SpatialWindow: Sendable, Equatable {
    /// Kernel (or pool) size per axis.
    public var size: [Int]
    /// Step per axis.
    public var strides: [Int]
    /// Dilation per axis (1 for pooling).
    public var dilation: [Int]
    /// How edges are padded.
    public var padding: Padding

    /// The output's spatial sizes for `input`'s.
    public func outputSizes(_ input: [Int?]) -> [Int?] {
        input.indices.map {
            SpatialArithmetic.outputLength(
                input[$0], kernel: size[$0], stride: strides[$0], dilation: dilation[$0], padding: padding)
        }
    }

    /// Throws when a known output size is zero (the window does not fit the input).
    func checkFits(_ input: [Int?], layer: String) throws {
        for (axis, length) in outputSizes(input).enumerated() where length == 0 {
            throw ShapeError(
                "\(layer): a window of \(size[axis]) (dilation \(dilation[axis])) does not fit "
                    + "\(input[axis].map(String.init) ?? "?") positions on spatial axis \(axis + 1) with 'valid' "
                    + "padding"
            )
        }
    }
}

/// `keras.layers.Conv1D`, `Conv2D`, `Conv3D`: `activation(conv(input, kernel) + bias)`, in
/// `groups` independent channel groups.
public struct ConvConfig<Rank: SpatialRank>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "Conv" + Rank.suffix }
    package static var spelledTypeName: String { "Conv\(Rank.suffix)Config" }
    public static var template: Self { Self(filters: 1, kernelSize: 1) }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("filters", \.filters, required: true),
            ConfigField("kernel_size", \.kernelSize, required: true),
            ConfigField("strides", \.strides),
            ConfigField("padding", \.padding),
            ConfigField("data_format", \.dataFormat),
            ConfigField("dilation_rate", \.dilationRate),
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
        activityRegularizer: KerasObject? = nil,
        kernelConstraint: KerasObject? = nil, biasConstraint: KerasObject? = nil
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

    public init(from decoder: any Decoder) throws {
        var config = try Self.decodeFields(from: decoder)
        config.kernelSize = config.kernelSize.expanded(to: Rank.rank)
        config.strides = config.strides.expanded(to: Rank.rank)
        config.dilationRate = config.dilationRate.expanded(to: Rank.rank)
        self = config
    }

    public func validate() throws {
        guard filters > 0 else {
            throw ConfigFieldError(field: "filters", "must be a positive integer, found \(filters)")
        }
        try kernelSize.check("kernel_size", rank: Rank.rank)
        try strides.check("strides", rank: Rank.rank)
        try dilationRate.check("dilation_rate", rank: Rank.rank)
        try checkChannelsLast(dataFormat)
        if padding == .causal, Rank.rank != 1 {
            throw ConfigFieldError(field: "padding", "'causal' padding is only for 1D convolutions")
        }
        if strides.values.contains(where: { $0 > 1 }), dilationRate.values.contains(where: { $0 > 1 }) {
            throw ConfigFieldError(
                field: "dilation_rate",
                "strides greater than 1 cannot be combined with a dilation rate greater than 1 (Keras refuses it)")
        }
        guard groups > 0, filters % groups == 0 else {
            throw ConfigFieldError(
                field: "groups", "must be a positive divisor of filters (\(filters)), found \(groups)")
        }
    }

    /// The sliding window.
    public var window: SpatialWindow {
        SpatialWindow(
            size: kernelSize.expanded(to: Rank.rank).values, strides: strides.expanded(to: Rank.rank).values,
            dilation: dilationRate.expanded(to: Rank.rank).values, padding: padding)
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let (spatial, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        guard channels % groups == 0 else {
            throw ShapeError("\(Self.className): \(channels) input channels cannot be split into \(groups) groups")
        }
        try window.checkFits(spatial, layer: Self.className)
        return TensorShape([input.dimensions[0]] + window.outputSizes(spatial) + [filters])
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        let (_, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        var weights = [
            WeightSpec(
                name: "kernel", shape: window.size + [channels / groups, filters], initializer: kernelInitializer,
                trainable: trainable)
        ]
        if useBias {
            weights.append(
                WeightSpec(name: "bias", shape: [filters], initializer: biasInitializer, trainable: trainable))
        }
        return weights
    }
}

/// `keras.layers.Conv1DTranspose`, `Conv2DTranspose`, `Conv3DTranspose`: the transpose
/// (gradient) of a convolution, which upsamples by its strides.
public struct ConvTransposeConfig<Rank: SpatialRank>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "Conv\(Rank.suffix)Transpose" }
    package static var spelledTypeName: String { "Conv\(Rank.suffix)TransposeConfig" }
    public static var template: Self { Self(filters: 1, kernelSize: 1) }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("filters", \.filters, required: true),
            ConfigField("kernel_size", \.kernelSize, required: true),
            ConfigField("strides", \.strides),
            ConfigField("padding", \.padding),
            ConfigField("output_padding", \.outputPadding),
            ConfigField("data_format", \.dataFormat),
            ConfigField("dilation_rate", \.dilationRate),
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
        filters: Int,
        kernelSize: IntTuple, strides: IntTuple = 1, padding: Padding = .valid, outputPadding: IntTuple? = nil,
        dataFormat: String = "channels_last", dilationRate: IntTuple = 1, activation: ActivationFunction = .linear,
        useBias: Bool = true, kernelInitializer: Initializer = .glorotUniform(), biasInitializer: Initializer = .zeros,
        kernelRegularizer: KerasObject? = nil, biasRegularizer: KerasObject? = nil,
        activityRegularizer: KerasObject? = nil,
        kernelConstraint: KerasObject? = nil, biasConstraint: KerasObject? = nil
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

    public init(from decoder: any Decoder) throws {
        var config = try Self.decodeFields(from: decoder)
        config.kernelSize = config.kernelSize.expanded(to: Rank.rank)
        config.strides = config.strides.expanded(to: Rank.rank)
        config.outputPadding = config.outputPadding?.expanded(to: Rank.rank)
        config.dilationRate = config.dilationRate.expanded(to: Rank.rank)
        self = config
    }

    public func validate() throws {
        guard filters > 0 else {
            throw ConfigFieldError(field: "filters", "must be a positive integer, found \(filters)")
        }
        try kernelSize.check("kernel_size", rank: Rank.rank)
        try strides.check("strides", rank: Rank.rank)
        try dilationRate.check("dilation_rate", rank: Rank.rank)
        try checkChannelsLast(dataFormat)
        guard padding != .causal else {
            throw ConfigFieldError(field: "padding", "must be 'valid' or 'same' for a transposed convolution")
        }
        if let outputPadding {
            try outputPadding.check("output_padding", rank: Rank.rank, minimum: 0)
            let strides = strides.expanded(to: Rank.rank).values
            for (axis, extra) in outputPadding.expanded(to: Rank.rank).values.enumerated() where extra >= strides[axis]
            {
                throw ConfigFieldError(
                    field: "output_padding",
                    "each value must be smaller than the stride, found \(extra) for a stride of \(strides[axis])")
            }
        }
    }

    /// The output's spatial sizes for `input`'s.
    public func outputSizes(_ input: [Int?]) -> [Int?] {
        let kernel = kernelSize.expanded(to: Rank.rank).values
        let stride = strides.expanded(to: Rank.rank).values
        let dilation = dilationRate.expanded(to: Rank.rank).values
        let extra = outputPadding?.expanded(to: Rank.rank).values
        return input.indices.map {
            SpatialArithmetic.transposeOutputLength(
                input[$0], kernel: kernel[$0], stride: stride[$0], dilation: dilation[$0],
                padding: padding, outputPadding: extra?[$0])
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let (spatial, _) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        let sizes = outputSizes(spatial)
        guard sizes.allSatisfy({ ($0 ?? 1) > 0 }) else {
            throw ShapeError("\(Self.className): the output would be empty for input \(input)")
        }
        return TensorShape([input.dimensions[0]] + sizes + [filters])
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        let (_, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        var weights = [
            WeightSpec(
                name: "kernel", shape: kernelSize.expanded(to: Rank.rank).values + [filters, channels],
                initializer: kernelInitializer, trainable: trainable)
        ]
        if useBias {
            weights.append(
                WeightSpec(name: "bias", shape: [filters], initializer: biasInitializer, trainable: trainable))
        }
        return weights
    }
}

/// `keras.layers.DepthwiseConv1D`, `DepthwiseConv2D`: each input channel convolved with its
/// own `depth_multiplier` kernels.
public struct DepthwiseConvConfig<Rank: SpatialRank>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "DepthwiseConv\(Rank.suffix)" }
    package static var spelledTypeName: String { "DepthwiseConv\(Rank.suffix)Config" }
    public static var template: Self { Self(kernelSize: 1) }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("depth_multiplier", \.depthMultiplier),
            ConfigField("kernel_size", \.kernelSize, required: true),
            ConfigField("strides", \.strides),
            ConfigField("padding", \.padding),
            ConfigField("data_format", \.dataFormat),
            ConfigField("dilation_rate", \.dilationRate),
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
        biasInitializer: Initializer = .zeros,
        depthwiseRegularizer: KerasObject? = nil, biasRegularizer: KerasObject? = nil,
        activityRegularizer: KerasObject? = nil,
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

    public init(from decoder: any Decoder) throws {
        var config = try Self.decodeFields(from: decoder)
        config.kernelSize = config.kernelSize.expanded(to: Rank.rank)
        config.strides = config.strides.expanded(to: Rank.rank)
        config.dilationRate = config.dilationRate.expanded(to: Rank.rank)
        self = config
    }

    public func validate() throws {
        guard depthMultiplier > 0 else {
            throw ConfigFieldError(field: "depth_multiplier", "must be a positive integer, found \(depthMultiplier)")
        }
        try kernelSize.check("kernel_size", rank: Rank.rank)
        try strides.check("strides", rank: Rank.rank)
        try dilationRate.check("dilation_rate", rank: Rank.rank)
        try checkChannelsLast(dataFormat)
        guard padding != .causal else { throw ConfigFieldError(field: "padding", "must be 'valid' or 'same'") }
        if strides.values.contains(where: { $0 > 1 }), dilationRate.values.contains(where: { $0 > 1 }) {
            throw ConfigFieldError(
                field: "dilation_rate",
                "strides greater than 1 cannot be combined with a dilation rate greater than 1 (Keras refuses it)")
        }
    }

    /// The sliding window.
    public var window: SpatialWindow {
        SpatialWindow(
            size: kernelSize.expanded(to: Rank.rank).values, strides: strides.expanded(to: Rank.rank).values,
            dilation: dilationRate.expanded(to: Rank.rank).values, padding: padding)
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let (spatial, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        try window.checkFits(spatial, layer: Self.className)
        return TensorShape([input.dimensions[0]] + window.outputSizes(spatial) + [channels * depthMultiplier])
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        let (_, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        var weights = [
            WeightSpec(
                name: "kernel", shape: window.size + [channels, depthMultiplier], initializer: depthwiseInitializer,
                trainable: trainable)
        ]
        if useBias {
            weights.append(
                WeightSpec(
                    name: "bias", shape: [channels * depthMultiplier], initializer: biasInitializer,
                    trainable: trainable))
        }
        return weights
    }
}

/// `keras.layers.SeparableConv1D`, `SeparableConv2D`: a depthwise convolution followed by a
/// 1×1 (pointwise) convolution to `filters` channels.
public struct SeparableConvConfig<Rank: SpatialRank>: UnaryLayerConfig, SwiftSpelledConfig {
    public static var className: String { "SeparableConv\(Rank.suffix)" }
    package static var spelledTypeName: String { "SeparableConv\(Rank.suffix)Config" }
    public static var template: Self { Self(filters: 1, kernelSize: 1) }
    public static var fields: [ConfigField<Self>] {
        [
            ConfigField("name", \.name, required: true),
            ConfigField("trainable", \.trainable),
            ConfigField("dtype", \.dtype),
            ConfigField("depth_multiplier", \.depthMultiplier),
            ConfigField("filters", \.filters, required: true),
            ConfigField("kernel_size", \.kernelSize, required: true),
            ConfigField("strides", \.strides),
            ConfigField("padding", \.padding),
            ConfigField("data_format", \.dataFormat),
            ConfigField("dilation_rate", \.dilationRate),
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
        biasRegularizer: KerasObject? = nil,
        activityRegularizer: KerasObject? = nil, depthwiseConstraint: KerasObject? = nil,
        pointwiseConstraint: KerasObject? = nil, biasConstraint: KerasObject? = nil
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

    public init(from decoder: any Decoder) throws {
        var config = try Self.decodeFields(from: decoder)
        config.kernelSize = config.kernelSize.expanded(to: Rank.rank)
        config.strides = config.strides.expanded(to: Rank.rank)
        config.dilationRate = config.dilationRate.expanded(to: Rank.rank)
        self = config
    }

    public func validate() throws {
        guard filters > 0 else {
            throw ConfigFieldError(field: "filters", "must be a positive integer, found \(filters)")
        }
        guard depthMultiplier > 0 else {
            throw ConfigFieldError(field: "depth_multiplier", "must be a positive integer, found \(depthMultiplier)")
        }
        try kernelSize.check("kernel_size", rank: Rank.rank)
        try strides.check("strides", rank: Rank.rank)
        try dilationRate.check("dilation_rate", rank: Rank.rank)
        try checkChannelsLast(dataFormat)
        guard padding != .causal else { throw ConfigFieldError(field: "padding", "must be 'valid' or 'same'") }
        if strides.values.contains(where: { $0 > 1 }), dilationRate.values.contains(where: { $0 > 1 }) {
            throw ConfigFieldError(
                field: "dilation_rate",
                "strides greater than 1 cannot be combined with a dilation rate greater than 1 (Keras refuses it)")
        }
    }

    /// The depthwise step's sliding window.
    public var window: SpatialWindow {
        SpatialWindow(
            size: kernelSize.expanded(to: Rank.rank).values, strides: strides.expanded(to: Rank.rank).values,
            dilation: dilationRate.expanded(to: Rank.rank).values, padding: padding)
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let (spatial, _) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        try window.checkFits(spatial, layer: Self.className)
        return TensorShape([input.dimensions[0]] + window.outputSizes(spatial) + [filters])
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        let (_, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        var weights = [
            WeightSpec(
                name: "depthwise_kernel", shape: window.size + [channels, depthMultiplier],
                initializer: depthwiseInitializer,
                trainable: trainable),
            WeightSpec(
                name: "pointwise_kernel",
                shape: Array(repeating: 1, count: Rank.rank) + [channels * depthMultiplier, filters],
                initializer: pointwiseInitializer, trainable: trainable),
        ]
        if useBias {
            weights.append(
                WeightSpec(name: "bias", shape: [filters], initializer: biasInitializer, trainable: trainable))
        }
        return weights
    }
}
