// The configs and runtime layer types of Attention.swift's layers; tools/generate-layer-configs.sh
// writes Sources/ModelSpec/Layers/Generated/AttentionConfigs.swift and
// Sources/ModelRuntime/Layers/Generated/AttentionTypes.swift from them.

extension LayerFamily {
    static let attention = LayerFamily(
        "Attention",
        """
        Attention layers and EinsumDense: EinsumDense, Attention (dot-product, Luong), AdditiveAttention
        (Bahdanau).
        """,
        [
            ConfigSchema(
                "EinsumDenseConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.EinsumDense`: `activation(einsum(equation, input, kernel) + bias)`.
                    """,
                className: .keras("EinsumDense"),
                template: #"EinsumDenseConfig(outputShape: [1], equation: "ab,bc->ac")"#,
                ignoredKeys: [("quantization_config", ".null"), ("lora_rank", ".null"), ("lora_alpha", ".null")],
                initDoc: "A config with Keras's defaults for everything not given.",
                fields: FieldSchema.base("einsum_dense") + [
                    .required(
                        "output_shape", "TensorShape",
                        """
                        The output's shape without the batch axis (nil where it follows the input).
                        """),
                    .required("equation", "String", "The einsum equation, e.g. `abc,cd->abd`."),
                    .activation,
                    .optional(
                        "bias_axes", "String?", "nil", "The output axes (letters) that have a bias, or nil for none."),
                    .kernelInitializer,
                    .biasInitializer,
                ] + FieldSchema.trainingOnly(["kernel", "bias"]),
                runtime: RuntimeLayerSchema(
                    "EinsumDense", .unary,
                    doc: "`keras.layers.EinsumDense`.",
                    weights: [
                        .weight("kernel", "The kernel, shaped by the equation's second operand."),
                        .optionalWeight(
                            "bias",
                            """
                            The bias, broadcast from the right over the output, when `bias_axes` is set.
                            """),
                    ])),
            ConfigSchema(
                "AttentionConfig", ["LayerConfig"],
                doc: """
                    `keras.layers.Attention`: dot-product (or concat) attention of a query over value/key
                    sequences.
                    """,
                className: .keras("Attention"),
                template: "AttentionConfig()",
                initDoc: "A config with Keras's defaults.",
                fields: FieldSchema.base("attention") + [
                    .optional("use_scale", "Bool", "false", "Multiply the scores by a learned scalar `scale`."),
                    .optional("score_mode", "ScoreMode", ".dot", "`dot` or `concat`."),
                    .attentionDropout,
                    .dropoutSeed,
                ],
                runtime: RuntimeLayerSchema(
                    "Attention", .merge,
                    doc: "`keras.layers.Attention`.",
                    weights: [
                        .optionalWeight("scale", "The learned scale (`use_scale`)."),
                        .optionalWeight("concat_score_weight", "The learned weight of `concat` scores."),
                    ])),
            ConfigSchema(
                "AdditiveAttentionConfig", ["LayerConfig"],
                doc: """
                    `keras.layers.AdditiveAttention`: `Σ scale · tanh(q + k)` scores (Bahdanau).
                    """,
                className: .keras("AdditiveAttention"),
                template: "AdditiveAttentionConfig()",
                initDoc: "A config with Keras's defaults.",
                fields: FieldSchema.base("additive_attention") + [
                    .optional("use_scale", "Bool", "true", "Weight each feature's `tanh` by a learned `scale`."),
                    .attentionDropout,
                    .dropoutSeed,
                ],
                runtime: RuntimeLayerSchema(
                    "AdditiveAttention", .merge,
                    doc: "`keras.layers.AdditiveAttention`.",
                    weights: [
                        .optionalWeight("scale", "The learned per-feature scale (`use_scale`).")
                    ])),
            ConfigSchema(
                "MultiHeadAttentionConfig", ["AttentionLayerConfig"],
                doc: """
                    `keras.layers.MultiHeadAttention` over sequences `(batch, steps, features)`: `query`,
                    `value` and optionally `key` (default `value`) projected into `num_heads` heads, scaled
                    dot-product attention per head, and an output projection.
                    """,
                className: .keras("MultiHeadAttention"),
                template: "MultiHeadAttentionConfig(numHeads: 1, keyDim: 1)",
                initDoc: "A config with Keras's defaults for everything not given.",
                fields: FieldSchema.base("multi_head_attention") + [
                    .required("num_heads", "Int", "The number of heads."),
                    .required("key_dim", "Int", "The size of each head's query and key."),
                    .optional("value_dim", "Int?", "nil", "The size of each head's value (nil: `key_dim`)."),
                    .attentionDropout,
                    .optional("use_bias", "Bool", "true", "Whether the projections add biases."),
                    .optional("use_gate", "Bool", "false", "A sigmoid gate on the attention output (not supported)."),
                    .optional("output_shape", "Axes?", "nil", "The output's last axis (nil: the query's)."),
                    .optional(
                        "attention_axes", "Axes?", "nil",
                        "The attended axes; only the steps axis (`[1]` or nil) is supported."),
                    .optional("sliding_window", "Int?", "nil", "A sliding attention window (not supported)."),
                    .kernelInitializer,
                    .biasInitializer,
                ] + FieldSchema.trainingOnly(["kernel", "bias"]) + [
                    .dropoutSeed
                ],
                runtime: RuntimeLayerSchema(
                    "MultiHeadAttention", .merge,
                    doc: "`keras.layers.MultiHeadAttention` over sequences.",
                    weights: [
                        .all(
                            "projections",
                            """
                            The query, key, value and output projections' kernels and biases, in Keras's order.
                            """)
                    ])),
        ])
}
