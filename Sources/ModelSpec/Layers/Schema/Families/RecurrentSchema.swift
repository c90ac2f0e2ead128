// The configs and runtime layer types of Recurrent.swift's layers; tools/generate-layer-configs.sh
// writes Sources/ModelSpec/Layers/Generated/RecurrentConfigs.swift and
// Sources/ModelRuntime/Layers/Generated/RecurrentTypes.swift from them.

extension LayerFamily {
    static let recurrent = LayerFamily(
        "Recurrent",
        """
        Recurrent layers and embeddings: Embedding, SimpleRNN, LSTM, GRU, ConvLSTM1D/2D/3D.
        """,
        [
            ConfigSchema(
                "RecurrentConfig<Cell: RecurrentCellKind>", ["UnaryLayerConfig", "SwiftSpelledConfig"],
                doc: """
                    `keras.layers.SimpleRNN`, `LSTM` and `GRU` at inference: the sequence `(batch, steps,
                    features)` runs through the cell; the output is the last state, or every state with
                    `return_sequences`.
                    """,
                className: .computed("Cell.className"),
                template: "Self(units: 1)",
                initDoc: "A config with Keras's defaults for everything not given.",
                fields: FieldSchema.base(expression: "Naming.snakeCase(Cell.className)") + [
                    .optional(
                        "return_sequences", "Bool", "false",
                        """
                        Return the state after every step, `(batch, steps, units)`, not only the last.
                        """),
                    .optional(
                        "return_state", "Bool", "false",
                        """
                        Also return the final states (`h`, and `c` for LSTM) as further outputs.
                        """),
                    .goBackwards,
                    .stateful,
                    .optional(
                        "unroll", "Bool", "false",
                        """
                        Unroll the loop: the same numbers, but for the output of masked steps (see
                        `zeroOutputForMask`), which Keras's unrolled loop computes its own way.
                        """),
                    .optional(
                        "zero_output_for_mask", "Bool", "false",
                        """
                        At a masked step, whether the output is zeros rather than the previous output.
                        """),
                    .required("units", "Int", "The state size."),
                    .optional("activation", "ActivationFunction", ".tanh", "The output (and candidate) activation."),
                    .optional(
                        "recurrent_activation", "ActivationFunction", ".sigmoid", "The gates' activation (LSTM, GRU)."
                    ).only(when: "Cell.gates > 1"),
                    .cellUseBias,
                    .inputKernelInitializer,
                    .recurrentInitializer,
                    .biasInitializer,
                    .optional("unit_forget_bias", "Bool", "true", "LSTM: fresh forget-gate biases are 1.").only(
                        when: "Cell.gates == 4"),
                ] + FieldSchema.trainingOnly(["kernel", "recurrent", "bias"]) + [
                    .optional("dropout", "Double", "0", "Training only: input dropout."),
                    .optional("recurrent_dropout", "Double", "0", "Training only: state dropout."),
                    .optional(
                        "reset_after", "Bool", "true",
                        """
                        GRU: apply the reset gate after the recurrent product (Keras 3's default).
                        """
                    ).only(when: "Cell.gates == 3"),
                    .dropoutSeed.only(when: "Cell.gates > 1"),
                ],
                runtime: RuntimeLayerSchema(
                    "Recurrent<Cell: RecurrentCellKind>", .multiOutput,
                    doc: "`keras.layers.SimpleRNN`, `LSTM`, `GRU` at inference.",
                    weights: [
                        .weight("kernel", "The input kernel, `(features, gates · units)`."),
                        .weight("recurrent_kernel", "The recurrent kernel, `(units, gates · units)`."),
                        .optionalWeight(
                            "bias",
                            """
                            The bias, `(gates · units)` (GRU with `reset_after`: `(2, 3 · units)`), when `useBias`.
                            """),
                    ],
                    afterBuild: [
                        "if Cell.gates == 4, config.unitForgetBias { stored.setForgetGateBias(units: config.units) }"
                    ],
                    aliases: [
                        .init("SimpleRNN", "SimpleRNNCell"), .init("LSTM", "LSTMCell"), .init("GRU", "GRUCell"),
                    ])),
            ConfigSchema(
                "EmbeddingConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.Embedding`: integer indices `(batch, ...)` (passed as float values) looked up
                    in an `input_dim × output_dim` table.
                    """,
                className: .keras("Embedding"),
                template: "EmbeddingConfig(inputDim: 1, outputDim: 1)",
                ignoredKeys: [
                    ("quantization_config", ".null"), ("lora_rank", ".null"), ("lora_alpha", ".null"),
                    ("input_length", ".null"),
                ],
                initDoc: "A config with Keras's defaults.",
                fields: FieldSchema.base("embedding") + [
                    .required("input_dim", "Int", "The number of indices (the table's rows)."),
                    .required("output_dim", "Int", "The embedding size."),
                    .optional(
                        "embeddings_initializer", "Initializer", ".randomUniform(minval: -0.05, maxval: 0.05)",
                        "How a fresh table is drawn."),
                ] + FieldSchema.trainingOnly(["embeddings"]) + [
                    .optional(
                        "mask_zero", "Bool", "false",
                        """
                        Index 0 as padding: the output carries a Keras mask, false where the index is 0, that
                        the layers after it read (see `MaskPlan`).
                        """)
                ],
                runtime: RuntimeLayerSchema(
                    "Embedding", .unary,
                    doc: "`keras.layers.Embedding`: rows of the table picked by index.",
                    weights: [
                        .weight("embeddings", "The `(input_dim, output_dim)` table.")
                    ])),
            ConfigSchema(
                "ConvLSTMConfig<Rank: SpatialRank>",
                ["UnaryLayerConfig", "RecurrentLayerConfig", "SwiftSpelledConfig"],
                doc: """
                    `keras.layers.ConvLSTM1D`, `ConvLSTM2D`, `ConvLSTM3D` at inference: an LSTM whose input and
                    recurrent transformations are convolutions. The sequence `(batch, steps, *spatial,
                    channels)` runs through the cell; the states `h` and `c` are `(batch, *spatial', filters)`,
                    where `spatial'` is the input convolution's output (its `strides`, `padding` and
                    `dilation_rate`); the recurrent convolution over `h` has stride 1 and `same` padding.
                    """,
                className: .computed(#""ConvLSTM" + Rank.suffix"#),
                template: "Self(filters: 1, kernelSize: 1)",
                initDoc: """
                    A config with Keras's defaults for everything not given; single sizes apply to every axis.
                    """,
                fields: FieldSchema.base(expression: #""conv_lstm\(Rank.rank)d""#) + [
                    .optional(
                        "return_sequences", "Bool", "false",
                        """
                        Return `h` after every step, `(batch, steps, *spatial', filters)`, not only the last.
                        """),
                    .optional(
                        "return_state", "Bool", "false",
                        "Also return the final states `h` and `c` as further outputs."),
                    .goBackwards,
                    .stateful,
                    .optional("unroll", "Bool", "false", "Unroll the loop (the same numbers at inference)."),
                    .optional(
                        "zero_output_for_mask", "Bool", "false",
                        """
                        At a masked step, whether the output is zeros (masks are not supported here yet).
                        """),
                    .required("filters", "Int", "The number of channels of the states and the output."),
                    .required("kernel_size", "IntTuple", "The window size per spatial axis, of both convolutions.")
                        .expanded(),
                    .optional("strides", "IntTuple", "1", "The input convolution's step per spatial axis.").expanded(),
                    .optional(
                        "padding", "Padding", ".valid",
                        """
                        The input convolution's padding, `valid` or `same` (the recurrent one is always `same`).
                        """),
                    .channelsLast,
                    .optional(
                        "dilation_rate", "IntTuple", "1",
                        "The spacing of the input convolution's taps per spatial axis."
                    ).expanded(),
                    .optional("activation", "ActivationFunction", ".tanh", "The output (and candidate) activation."),
                    .optional("recurrent_activation", "ActivationFunction", ".sigmoid", "The gates' activation."),
                    .cellUseBias,
                    .inputKernelInitializer,
                    .recurrentInitializer,
                    .biasInitializer,
                    .optional("unit_forget_bias", "Bool", "true", "Fresh forget-gate biases are 1."),
                ] + FieldSchema.trainingOnly(["kernel", "recurrent", "bias"]) + [
                    .optional("dropout", "Double", "0", "Training only: input dropout."),
                    .optional("recurrent_dropout", "Double", "0", "Training only: state dropout."),
                    .dropoutSeed,
                ],
                runtime: RuntimeLayerSchema(
                    "ConvLSTM<Rank: SpatialRank>", .multiOutput,
                    doc: """
                        `keras.layers.ConvLSTM1D`, `ConvLSTM2D`, `ConvLSTM3D` at inference: LSTM gates i, f, c, o
                        from `conv(x_t, kernel) + bias + conv(h, recurrent_kernel)`, the input convolution with the
                        layer's strides, padding and dilation, the recurrent one with stride 1 and `same` padding.
                        """,
                    weights: [
                        .weight("kernel", "The input kernel, `(*kernel_size, channels, 4 · filters)`."),
                        .weight("recurrent_kernel", "The recurrent kernel, `(*kernel_size, filters, 4 · filters)`."),
                        .optionalWeight("bias", "The bias, `(4 · filters)`, when `useBias`."),
                    ],
                    afterBuild: [
                        "if config.unitForgetBias { stored.setForgetGateBias(units: config.filters) }"
                    ],
                    aliases: .ranks("ConvLSTM"))),
        ])
}
