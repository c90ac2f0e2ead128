// The configs and runtime layer types of Convolution.swift's layers; tools/generate-layer-configs.sh
// writes Sources/ModelSpec/Layers/Generated/ConvolutionConfigs.swift and
// Sources/ModelRuntime/Layers/Generated/ConvolutionTypes.swift from them.

extension LayerFamily {
    static let convolution = LayerFamily(
        "Convolution",
        """
        Convolution layers: Conv1D/2D/3D, their transposes, depthwise and separable convolutions. One
        generic config per kind, over the number of spatial axes; `Conv2DConfig` and friends are the names
        Keras users know.
        """,
        [
            ConfigSchema(
                "ConvConfig<Rank: SpatialRank>", ["UnaryLayerConfig", "SwiftSpelledConfig"],
                doc: """
                    `keras.layers.Conv1D`, `Conv2D`, `Conv3D`: `activation(conv(input, kernel) + bias)`, in
                    `groups` independent channel groups.
                    """,
                className: .computed(#""Conv" + Rank.suffix"#),
                template: "Self(filters: 1, kernelSize: 1)",
                ignoredKeys: [("lora_rank", ".null"), ("lora_alpha", ".null")],
                initDoc: """
                    A config with Keras's defaults for everything not given; single sizes apply to every axis.
                    """,
                fields: FieldSchema.base(expression: #""conv\(Rank.rank)d""#) + [
                    .filters,
                    .kernelSize.expanded(),
                    .strides.expanded(),
                    .optional("padding", "Padding", ".valid", "`valid`, `same`, or (Conv1D only) `causal`."),
                    .channelsLast,
                    .dilationRate.expanded(),
                    .optional("groups", "Int", "1", "The number of channel groups (1: an ordinary convolution)."),
                ] + FieldSchema.kernelAndBias,
                runtime: RuntimeLayerSchema(
                    "Convolution<Rank: SpatialRank>", .unary,
                    doc: "`keras.layers.Conv1D`, `Conv2D`, `Conv3D`: `activation(conv(input, kernel) + bias)`.",
                    weights: [
                        .weight("kernel", "The kernel, shaped `(*kernel_size, input_channels / groups, filters)`."),
                        .optionalWeight("bias", "The `[filters]` bias, when `useBias`."),
                    ],
                    aliases: .ranks("Conv"))),
            ConfigSchema(
                "ConvTransposeConfig<Rank: SpatialRank>", ["UnaryLayerConfig", "SwiftSpelledConfig"],
                doc: """
                    `keras.layers.Conv1DTranspose`, `Conv2DTranspose`, `Conv3DTranspose`: the transpose
                    (gradient) of a convolution, which upsamples by its strides.
                    """,
                className: .computed(#""Conv\(Rank.suffix)Transpose""#),
                template: "Self(filters: 1, kernelSize: 1)",
                initDoc: """
                    A config with Keras's defaults for everything not given; single sizes apply to every axis.
                    """,
                fields: FieldSchema.base(expression: #""conv\(Rank.rank)d_transpose""#) + [
                    .filters,
                    .kernelSize.expanded(),
                    .optional("strides", "IntTuple", "1", "The upsampling step per spatial axis.").expanded(),
                    .padding,
                    .optional(
                        "output_padding", "IntTuple?", "nil",
                        """
                        Extra output positions per axis (each smaller than the stride), or nil for Keras's rule.
                        """
                    ).expanded(),
                    .channelsLast,
                    .dilationRate.expanded(),
                ] + FieldSchema.kernelAndBias,
                runtime: RuntimeLayerSchema(
                    "ConvolutionTranspose<Rank: SpatialRank>", .unary,
                    doc: """
                        `keras.layers.Conv1DTranspose`, `Conv2DTranspose`, `Conv3DTranspose`: the transpose of a
                        convolution, `activation(conv_transpose(input, kernel) + bias)`.
                        """,
                    weights: [
                        .weight("kernel", "The kernel, shaped `(*kernel_size, filters, input_channels)`."),
                        .optionalWeight("bias", "The `[filters]` bias, when `useBias`."),
                    ],
                    aliases: .ranks("Conv", suffix: "Transpose"))),
            ConfigSchema(
                "DepthwiseConvConfig<Rank: SpatialRank>", ["UnaryLayerConfig", "SwiftSpelledConfig"],
                doc: """
                    `keras.layers.DepthwiseConv1D`, `DepthwiseConv2D`: each input channel convolved with its own
                    `depth_multiplier` kernels.
                    """,
                className: .computed(#""DepthwiseConv\(Rank.suffix)""#),
                template: "Self(kernelSize: 1)",
                initDoc: """
                    A config with Keras's defaults for everything not given; single sizes apply to every axis.
                    """,
                fields: FieldSchema.base(expression: #""depthwise_conv\(Rank.rank)d""#) + [
                    .optional("depth_multiplier", "Int", "1", "Output channels per input channel."),
                    .kernelSize.expanded(),
                    .strides.expanded(),
                    .padding,
                    .channelsLast,
                    .dilationRate.expanded(),
                    .activation,
                    .useBias,
                    .optional(
                        "depthwise_initializer", "Initializer", ".glorotUniform()", "How fresh kernels are drawn."),
                    .biasInitializer,
                ] + FieldSchema.trainingOnly(["depthwise", "bias"]),
                runtime: RuntimeLayerSchema(
                    "DepthwiseConvolution<Rank: SpatialRank>", .unary,
                    doc: """
                        `keras.layers.DepthwiseConv1D`, `DepthwiseConv2D`: each channel convolved with its own
                        `depth_multiplier` kernels.
                        """,
                    weights: [
                        .weight("kernel", "The kernel, shaped `(*kernel_size, channels, depth_multiplier)`."),
                        .optionalWeight("bias", "The `[channels · depth_multiplier]` bias, when `useBias`."),
                    ],
                    aliases: .ranks("DepthwiseConv", 1...2))),
            ConfigSchema(
                "SeparableConvConfig<Rank: SpatialRank>", ["UnaryLayerConfig", "SwiftSpelledConfig"],
                doc: """
                    `keras.layers.SeparableConv1D`, `SeparableConv2D`: a depthwise convolution followed by a 1×1
                    (pointwise) convolution to `filters` channels.
                    """,
                className: .computed(#""SeparableConv\(Rank.suffix)""#),
                template: "Self(filters: 1, kernelSize: 1)",
                initDoc: """
                    A config with Keras's defaults for everything not given; single sizes apply to every axis.
                    """,
                fields: FieldSchema.base(expression: #""separable_conv\(Rank.rank)d""#) + [
                    .optional("depth_multiplier", "Int", "1", "Depthwise output channels per input channel."),
                    .filters,
                    .kernelSize.expanded(),
                    .strides.expanded(),
                    .padding,
                    .channelsLast,
                    .dilationRate.expanded(),
                    .activation,
                    .useBias,
                    .optional(
                        "depthwise_initializer", "Initializer", ".glorotUniform()",
                        "How fresh depthwise kernels are drawn."),
                    .optional(
                        "pointwise_initializer", "Initializer", ".glorotUniform()",
                        "How fresh pointwise kernels are drawn."),
                    .biasInitializer,
                ] + FieldSchema.trainingOnly(["depthwise", "pointwise", "bias"]),
                runtime: RuntimeLayerSchema(
                    "SeparableConvolution<Rank: SpatialRank>", .unary,
                    doc: """
                        `keras.layers.SeparableConv1D`, `SeparableConv2D`: a depthwise convolution, then a
                        pointwise (1×1) one.
                        """,
                    weights: [
                        .weight(
                            "depthwise_kernel",
                            """
                            The depthwise kernel, shaped `(*kernel_size, channels, depth_multiplier)`.
                            """),
                        .weight(
                            "pointwise_kernel",
                            """
                            The pointwise kernel, shaped `(1, ..., channels · depth_multiplier, filters)`.
                            """),
                        .optionalWeight("bias", "The `[filters]` bias, when `useBias`."),
                    ],
                    aliases: .ranks("SeparableConv", 1...2))),
        ])
}
