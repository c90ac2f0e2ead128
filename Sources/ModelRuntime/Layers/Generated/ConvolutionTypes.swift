// Convolution layers: Conv1D/2D/3D, their transposes, depthwise and separable convolutions. One
// generic config per kind, over the number of spatial axes; `Conv2DConfig` and friends are the
// names Keras users know.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/ConvolutionSchema.swift by
// tools/generate-layer-configs.sh; do not edit. Each layer's call is hand-written, in an extension
// under Sources/ModelRuntime/Layers.

/// `keras.layers.Conv1D`, `Conv2D`, `Conv3D`: `activation(conv(input, kernel) + bias)`.
public struct Convolution<Rank: SpatialRank>: UnaryLayer {
    public let config: ConvConfig<Rank>
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The kernel, shaped `(*kernel_size, input_channels / groups, filters)`.
    public var kernel: Tensor { stored["kernel"]! }
    /// The `[filters]` bias, when `useBias`.
    public var bias: Tensor? { stored["bias"] }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: ConvConfig<Rank>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        stored = LayerWeights(try config.weights(for: inputShape), seed: seed)
    }

    public var weights: [Tensor] { stored.tensors }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try stored.set(weights, layer: config.name)
    }
}

/// `keras.layers.Conv1D`.
public typealias Conv1D = Convolution<Spatial1D>
/// `keras.layers.Conv2D`.
public typealias Conv2D = Convolution<Spatial2D>
/// `keras.layers.Conv3D`.
public typealias Conv3D = Convolution<Spatial3D>

/// `keras.layers.Conv1DTranspose`, `Conv2DTranspose`, `Conv3DTranspose`: the transpose of a
/// convolution, `activation(conv_transpose(input, kernel) + bias)`.
public struct ConvolutionTranspose<Rank: SpatialRank>: UnaryLayer {
    public let config: ConvTransposeConfig<Rank>
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The kernel, shaped `(*kernel_size, filters, input_channels)`.
    public var kernel: Tensor { stored["kernel"]! }
    /// The `[filters]` bias, when `useBias`.
    public var bias: Tensor? { stored["bias"] }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: ConvTransposeConfig<Rank>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        stored = LayerWeights(try config.weights(for: inputShape), seed: seed)
    }

    public var weights: [Tensor] { stored.tensors }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try stored.set(weights, layer: config.name)
    }
}

/// `keras.layers.Conv1DTranspose`.
public typealias Conv1DTranspose = ConvolutionTranspose<Spatial1D>
/// `keras.layers.Conv2DTranspose`.
public typealias Conv2DTranspose = ConvolutionTranspose<Spatial2D>
/// `keras.layers.Conv3DTranspose`.
public typealias Conv3DTranspose = ConvolutionTranspose<Spatial3D>

/// `keras.layers.DepthwiseConv1D`, `DepthwiseConv2D`: each channel convolved with its own
/// `depth_multiplier` kernels.
public struct DepthwiseConvolution<Rank: SpatialRank>: UnaryLayer {
    public let config: DepthwiseConvConfig<Rank>
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The kernel, shaped `(*kernel_size, channels, depth_multiplier)`.
    public var kernel: Tensor { stored["kernel"]! }
    /// The `[channels · depth_multiplier]` bias, when `useBias`.
    public var bias: Tensor? { stored["bias"] }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: DepthwiseConvConfig<Rank>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        stored = LayerWeights(try config.weights(for: inputShape), seed: seed)
    }

    public var weights: [Tensor] { stored.tensors }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try stored.set(weights, layer: config.name)
    }
}

/// `keras.layers.DepthwiseConv1D`.
public typealias DepthwiseConv1D = DepthwiseConvolution<Spatial1D>
/// `keras.layers.DepthwiseConv2D`.
public typealias DepthwiseConv2D = DepthwiseConvolution<Spatial2D>

/// `keras.layers.SeparableConv1D`, `SeparableConv2D`: a depthwise convolution, then a pointwise
/// (1×1) one.
public struct SeparableConvolution<Rank: SpatialRank>: UnaryLayer {
    public let config: SeparableConvConfig<Rank>
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The depthwise kernel, shaped `(*kernel_size, channels, depth_multiplier)`.
    public var depthwiseKernel: Tensor { stored["depthwise_kernel"]! }
    /// The pointwise kernel, shaped `(1, ..., channels · depth_multiplier, filters)`.
    public var pointwiseKernel: Tensor { stored["pointwise_kernel"]! }
    /// The `[filters]` bias, when `useBias`.
    public var bias: Tensor? { stored["bias"] }
    /// The weights, read by their Keras names.
    var stored: LayerWeights

    public init(config: SeparableConvConfig<Rank>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        stored = LayerWeights(try config.weights(for: inputShape), seed: seed)
    }

    public var weights: [Tensor] { stored.tensors }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try stored.set(weights, layer: config.name)
    }
}

/// `keras.layers.SeparableConv1D`.
public typealias SeparableConv1D = SeparableConvolution<Spatial1D>
/// `keras.layers.SeparableConv2D`.
public typealias SeparableConv2D = SeparableConvolution<Spatial2D>
